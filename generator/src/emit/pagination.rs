//! `pages()` and `items()` streams for operations with `x-pagination`.
//!
//! The next request is the previous one with only the cursor parameters replaced,
//! read from the typed page by walking the declared response paths. Paging stops when
//! a cursor value is missing or null, when `hasMore` is false, or when the cursor did
//! not move (a guard against a server that repeats itself).

use super::typeref::{tokens, Scope};
use super::types::ident;
use crate::diagnostics::Diagnostic;
use crate::ir::{Model, Operation, Pagination, Presence, ResponseBody, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// The stream methods for `operation`'s builder, or nothing (with a diagnostic) when
/// the declared paths do not lead to fields of the response type.
pub fn methods(model: &Model, operation: &Operation, diagnostics: &mut Vec<Diagnostic>) -> TokenStream {
    let Some(pagination) = &operation.pagination else {
        return quote! {};
    };
    match build(model, operation, pagination) {
        Ok(tokens) => tokens,
        Err(message) => {
            diagnostics.push(Diagnostic::new(
                format!("{}/x-pagination", operation.pointer),
                format!("{message}; no pagination helpers generated"),
            ));
            quote! {}
        }
    }
}

/// A field of a named struct: its Rust name, presence and type.
fn field<'m>(model: &'m Model, ty: &TypeRef, wire: &str) -> Result<(&'m str, Presence, &'m TypeRef), String> {
    let TypeRef::Named(id) = ty else {
        return Err(format!("cannot read `{wire}` from a value that is not an object"));
    };
    let TypeKind::Struct(def) = &model.types[*id].kind else {
        return Err(format!(
            "`{}` is not a struct, cannot read `{wire}`",
            model.types[*id].name
        ));
    };
    def.fields
        .iter()
        .find(|field| field.wire == wire)
        .map(|field| (field.name.as_str(), field.presence, &field.ty))
        .ok_or_else(|| format!("`{}` has no property `{wire}`", model.types[*id].name))
}

fn build(model: &Model, operation: &Operation, pagination: &Pagination) -> Result<TokenStream, String> {
    let ResponseBody::Json(page_type) = &operation.success else {
        return Err("the response is not JSON".into());
    };
    let page_tokens = tokens(model, page_type, Scope::Sibling);
    let item_tokens = tokens(model, &pagination.item_type, Scope::Sibling);

    let mut cursor_statements = Vec::new();
    let mut unchanged = Vec::new();
    let mut assignments = Vec::new();
    for link in &pagination.next {
        let param = operation
            .params
            .get(link.param)
            .ok_or("pagination names a missing parameter")?;
        let local = ident(&format!("next_{}", param.name.trim_start_matches("r#")));
        let mut current = page_type;
        let mut chain = quote! { Some(page) };
        for segment in &link.response_path {
            let (name, presence, ty) = field(model, current, segment)?;
            let name = ident(name);
            chain = match presence {
                Presence::Required => quote! { #chain.map(|value| &value.#name) },
                Presence::RequiredNullable | Presence::Optional => {
                    quote! { #chain.and_then(|value| value.#name.as_ref()) }
                }
                Presence::OptionalNullable => {
                    quote! { #chain.and_then(|value| value.#name.as_ref()).and_then(|value| value.as_option()) }
                }
            };
            current = ty;
        }
        let value = if *current == param.ty {
            quote! { #chain.cloned()? }
        } else {
            quote! { #chain.and_then(::apigen_runtime::pagination::convert)? }
        };
        cursor_statements.push(quote! { let #local = #value; });
        let param_name = ident(&param.name);
        if param.required {
            unchanged.push(quote! { request.#param_name == #local });
            assignments.push(quote! { request.#param_name = #local; });
        } else {
            unchanged.push(quote! { request.#param_name.as_ref() == Some(&#local) });
            assignments.push(quote! { request.#param_name = Some(#local); });
        }
    }
    let has_more = match &pagination.has_more {
        None => quote! {},
        Some(wire) => {
            let (name, presence, ty) = field(model, page_type, wire)?;
            if *ty != TypeRef::Bool {
                return Err(format!("`hasMore` property `{wire}` is not a boolean"));
            }
            let name = ident(name);
            match presence {
                Presence::Required => quote! { if !page.#name { return None; } },
                _ => quote! { if page.#name != Some(true) { return None; } },
            }
        }
    };
    let (items_name, items_presence, _) = field(model, page_type, &pagination.items)?;
    let items_field = ident(items_name);
    let extract = match items_presence {
        Presence::Required => quote! { page.#items_field },
        Presence::RequiredNullable | Presence::Optional => quote! { page.#items_field.unwrap_or_default() },
        Presence::OptionalNullable => {
            quote! { page.#items_field.and_then(|items| items.into_option()).unwrap_or_default() }
        }
    };
    let cursor_names: Vec<String> = pagination
        .next
        .iter()
        .filter_map(|link| {
            operation
                .params
                .get(link.param)
                .map(|param| format!("`{}`", param.wire))
        })
        .collect();
    let pages_doc = format!(
        " Streams every page, starting with this request and then following the cursor ({}) with all other parameters unchanged. Ends after the last page; an error is yielded once and ends the stream.",
        cursor_names.join(", ")
    );
    let items_doc = format!(
        " Streams every item (`{}`) of every page; see [`pages`](Self::pages).",
        pagination.items
    );
    Ok(quote! {
        #[doc = #pages_doc]
        pub fn pages(self) -> impl ::apigen_runtime::pagination::Stream<Item = Result<#page_tokens, Error>> + Send + 'a {
            ::apigen_runtime::pagination::pages(
                self,
                |request| Box::pin(request.send()),
                |mut request, page| {
                    #has_more
                    #(#cursor_statements)*
                    if #(#unchanged)&&* {
                        return None;
                    }
                    #(#assignments)*
                    Some(request)
                },
            )
        }

        #[doc = #items_doc]
        pub fn items(self) -> impl ::apigen_runtime::pagination::Stream<Item = Result<#item_tokens, Error>> + Send + 'a {
            ::apigen_runtime::pagination::items(self.pages(), |page| #extract)
        }
    })
}
