//! `x-pagination: {items, next: {param: response.path}, hasMore}` → [`Pagination`],
//! checked against the operation's parameters and response type here, so that
//! emitting the `pages()`/`items()` streams cannot fail: every field on every declared
//! path is resolved to its Rust name, presence and type.

use super::types::TypeBuilder;
use crate::ir::{PageField, PageLink, Pagination, Param, ParamLocation, ResponseBody, TypeKind, TypeRef};
use crate::pointer::join;

/// Reads and checks `operation`'s `x-pagination`; `None` (with a diagnostic saying
/// what does not fit) when it cannot be followed.
pub(super) fn pagination(
    types: &mut TypeBuilder<'_>,
    extension: Option<&serde_json::Value>,
    pointer: &str,
    params: &[Param],
    success: &ResponseBody,
) -> Option<Pagination> {
    let extension = extension?;
    let at = join(pointer, "x-pagination");
    match read(types, extension, params, success) {
        Ok(pagination) => Some(pagination),
        Err(message) => {
            types.diagnose(&at, format!("{message}; ignored, no pagination helpers generated"));
            None
        }
    }
}

fn read(
    types: &TypeBuilder<'_>,
    extension: &serde_json::Value,
    params: &[Param],
    success: &ResponseBody,
) -> Result<Pagination, String> {
    let items = extension.get("items").and_then(|items| items.as_str());
    let next = extension.get("next").and_then(|next| next.as_object());
    let (Some(items), Some(next)) = (items, next) else {
        return Err("x-pagination needs `items` (string) and `next` (object)".into());
    };
    let ResponseBody::Json(page_type @ TypeRef::Named(_)) = success else {
        return Err("x-pagination on an operation whose response is not a named JSON object".into());
    };
    let items_field = field(types, page_type, items)?;
    let TypeRef::Vec(item_type) = &items_field.ty else {
        return Err(format!(
            "x-pagination `items` {items:?} is not an array property of the response"
        ));
    };
    let item_type = (**item_type).clone();
    let mut links = Vec::new();
    for (param_wire, response_path) in next {
        let Some(index) = params
            .iter()
            .position(|param| &param.wire == param_wire && param.location == ParamLocation::Query)
        else {
            return Err(format!(
                "x-pagination names query parameter {param_wire:?}, which the operation lacks"
            ));
        };
        let Some(response_path) = response_path.as_str() else {
            return Err("x-pagination `next` values must be dotted response paths".into());
        };
        let mut path = Vec::new();
        let mut current = page_type.clone();
        for segment in response_path.split('.') {
            let step = field(types, &current, segment)?;
            current = step.ty.clone();
            path.push(step);
        }
        links.push(PageLink { param: index, path });
    }
    let has_more = match extension.get("hasMore").and_then(|flag| flag.as_str()) {
        Some(wire) => {
            let flag = field(types, page_type, wire)?;
            if flag.ty != TypeRef::Bool {
                return Err(format!("`hasMore` property `{wire}` is not a boolean"));
            }
            Some(flag)
        }
        None => None,
    };
    Ok(Pagination {
        items: items_field,
        item_type,
        next: links,
        has_more,
    })
}

/// Property `wire` of the struct `ty` names.
fn field(types: &TypeBuilder<'_>, ty: &TypeRef, wire: &str) -> Result<PageField, String> {
    let TypeRef::Named(id) = ty else {
        return Err(format!("cannot read `{wire}` from a value that is not an object"));
    };
    let Some(TypeKind::Struct(def)) = types.kind_of(*id) else {
        return Err(format!(
            "`{}` is not a struct, cannot read `{wire}`",
            types.type_name(*id)
        ));
    };
    def.fields
        .iter()
        .find(|field| field.wire == wire)
        .map(|field| PageField {
            wire: field.wire.clone(),
            name: field.name.clone(),
            presence: field.presence,
            ty: field.ty.clone(),
        })
        .ok_or_else(|| format!("`{}` has no property `{wire}`", types.type_name(*id)))
}
