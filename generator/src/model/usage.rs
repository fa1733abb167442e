//! Which way each named type travels: reachable from requests (bodies, parameters),
//! from responses (success bodies, error bodies, pagination items, webhook payloads),
//! both or neither. `emit::types` derives only the serde traits a type needs from it
//! (see [`crate::ir::Usage`]).
//!
//! Reachability is transitive through struct fields, additional properties, arrays,
//! maps, options, union variants, aliases and newtypes. Types reachable from a
//! response-reachable untagged union are marked too: the runtime decodes such a union
//! by re-encoding every candidate (`apigen_runtime::unions::Untagged`), so they keep
//! `Serialize`.

use crate::ir::{Model, Operation, ResponseBody, TypeId, TypeKind, TypeRef, Usage};
use crate::model::webhooks::{Dispatch, EnvelopeMember};
use std::collections::BTreeSet;

/// The type references a named type refers to directly.
pub fn children(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(def) => def
            .fields
            .iter()
            .map(|field| &field.ty)
            .chain(def.additional.as_ref())
            .collect(),
        TypeKind::Tagged { variants, .. } => variants.iter().filter_map(|variant| variant.payload.as_ref()).collect(),
        TypeKind::Untagged(variants) => variants.iter().map(|variant| &variant.ty).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty],
        TypeKind::StringEnum(_) | TypeKind::Placeholder => Vec::new(),
    }
}

/// Every named type reachable from `roots`, transitively.
pub fn reachable<'m>(model: &Model, roots: impl IntoIterator<Item = &'m TypeRef>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&TypeRef> = roots.into_iter().collect();
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(id) => {
                if let Some(def) = model.types.get(*id) {
                    if seen.insert(*id) {
                        stack.extend(children(&def.kind));
                    }
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => stack.push(inner),
            _ => {}
        }
    }
    seen
}

/// What an operation sends: parameter and body types.
pub fn request_roots(operation: &Operation) -> Vec<&TypeRef> {
    operation
        .params
        .iter()
        .map(|param| &param.ty)
        .chain(operation.body.as_ref().map(|body| &body.ty))
        .collect()
}

/// What an operation receives: success bodies (every status), the streamed item type,
/// typed error bodies and the pagination item type.
pub fn response_roots(operation: &Operation) -> Vec<&TypeRef> {
    fn body<'o>(response: &'o ResponseBody, out: &mut Vec<&'o TypeRef>) {
        match response {
            ResponseBody::Json(ty) => out.push(ty),
            ResponseBody::ByStatus(status_enum) => {
                for variant in &status_enum.variants {
                    body(&variant.body, out);
                }
            }
            ResponseBody::Stream(form) => out.extend(form.item.as_ref()),
            ResponseBody::Empty | ResponseBody::Text | ResponseBody::Bytes => {}
        }
    }
    let mut out = Vec::new();
    body(&operation.success, &mut out);
    if let Some(form) = &operation.stream {
        out.extend(form.item.as_ref());
    }
    if let Some(errors) = &operation.error_enum {
        out.extend(errors.variants.iter().map(|variant| &variant.ty));
    }
    if let Some(pagination) = &operation.pagination {
        out.push(&pagination.item_type);
    }
    out
}

/// Types decoded outside any one operation: the shared error body and webhook payloads
/// (and the webhook envelope's fields).
pub fn shared_response_roots(model: &Model) -> Vec<&TypeRef> {
    model.error_type.iter().chain(webhook_roots(model)).collect()
}

/// Webhook payload types and the webhook envelope's fields.
pub fn webhook_roots(model: &Model) -> Vec<&TypeRef> {
    let mut out = Vec::new();
    if let Some(webhooks) = &model.webhooks {
        out.extend(webhooks.events.iter().map(|event| &event.payload));
        if let Dispatch::Envelope(envelope) = &webhooks.dispatch {
            out.extend(envelope.members.iter().filter_map(|member| match member {
                EnvelopeMember::Field(field) => Some(&field.ty),
                EnvelopeMember::Tag | EnvelopeMember::Payload => None,
            }));
        }
    }
    out
}

/// Computes [`Usage`] for every named type of the model.
pub fn compute(model: &Model) -> Vec<Usage> {
    let requests = reachable(model, model.operations.iter().flat_map(request_roots));
    let responses = reachable(
        model,
        model
            .operations
            .iter()
            .flat_map(response_roots)
            .chain(shared_response_roots(model)),
    );
    let untagged = reachable(
        model,
        responses
            .iter()
            .filter_map(|id| match &model.types.get(*id)?.kind {
                TypeKind::Untagged(variants) => Some(variants.iter().map(|variant| &variant.ty)),
                _ => None,
            })
            .flatten(),
    );
    let webhooks = reachable(model, webhook_roots(model));
    let unused = reachable(
        model,
        (0..model.types.len())
            .filter(|id| !requests.contains(id) && !responses.contains(id))
            .map(TypeRef::Named)
            .collect::<Vec<_>>()
            .iter(),
    );
    (0..model.types.len())
        .map(|id| Usage {
            request: requests.contains(&id),
            response: responses.contains(&id),
            untagged_response: untagged.contains(&id),
            from_unused: unused.contains(&id),
            webhook: webhooks.contains(&id),
        })
        .collect()
}

/// Stores [`compute`]'s result on each [`crate::ir::TypeDef`].
pub fn apply(model: &mut Model) {
    let usages = compute(model);
    for (def, usage) in model.types.iter_mut().zip(usages) {
        def.usage = usage;
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::{Model, TypeKind, Usage};

    fn model(spec: &str) -> Model {
        let value = crate::load::load(spec, "spec.yaml").unwrap_or_else(|err| panic!("{err}"));
        let (mut value, _, mut diagnostics) =
            crate::normalize::normalize_lenient(value).unwrap_or_else(|err| panic!("{err}"));
        let webhooks = crate::model::webhooks::Source::from_document(&value);
        let (document, _) = crate::parse::parse_lenient(&mut value).unwrap_or_else(|err| panic!("{err}"));
        let pointed = crate::model::refs::pointed_schemas(&value);
        let mut model =
            crate::model::build_with_webhooks(&document, &pointed, &webhooks, &Default::default(), &mut diagnostics)
                .unwrap_or_else(|err| panic!("{err}"));
        super::apply(&mut model);
        model
    }

    fn usage(model: &Model, name: &str) -> Usage {
        model
            .types
            .iter()
            .find(|def| def.name == name)
            .map(|def| def.usage)
            .unwrap_or_else(|| {
                panic!(
                    "no type {name}: {:?}",
                    model.types.iter().map(|def| &def.name).collect::<Vec<_>>()
                )
            })
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /pets:
    post:
      operationId: createPet
      parameters:
        - { name: kind, in: query, schema: { $ref: "#/components/schemas/Kind" } }
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/NewPet" } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
        "400": { description: bad, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
  /shapes:
    get:
      operationId: getShape
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Shape" } } } }
components:
  schemas:
    Kind: { type: string, enum: [cat, dog] }
    Name: { type: object, properties: { first: { type: string } } }
    NewPet: { type: object, properties: { name: { $ref: "#/components/schemas/Name" }, kind: { $ref: "#/components/schemas/Kind" } } }
    Pet:
      type: object
      properties:
        name: { $ref: "#/components/schemas/Name" }
        tags: { type: array, items: { $ref: "#/components/schemas/Tag" } }
        extra: { type: object, additionalProperties: { $ref: "#/components/schemas/Extra" } }
    Tag: { type: object, properties: { label: { type: string } } }
    Extra: { type: object, properties: { note: { type: string } } }
    Problem: { type: object, properties: { detail: { type: string } } }
    Shape:
      anyOf:
        - { $ref: "#/components/schemas/Circle" }
        - { $ref: "#/components/schemas/Square" }
    Circle: { type: object, properties: { radius: { type: number }, center: { $ref: "#/components/schemas/Point" } } }
    Square: { type: object, properties: { side: { type: number } } }
    Point: { type: object, properties: { x: { type: number } } }
    Unused: { type: object, properties: { a: { type: string } } }
"##;

    #[test]
    fn requests_responses_shared_and_unused() {
        let model = model(SPEC);
        let request = Usage {
            request: true,
            ..Usage::default()
        };
        let response = Usage {
            response: true,
            ..Usage::default()
        };
        assert_eq!(usage(&model, "NewPet"), request);
        assert_eq!(usage(&model, "Pet"), response);
        assert_eq!(usage(&model, "Tag"), response, "through an array");
        assert_eq!(usage(&model, "Extra"), response, "through additional properties");
        assert_eq!(usage(&model, "Problem"), response, "error bodies are responses");
        let both = Usage {
            request: true,
            response: true,
            ..Usage::default()
        };
        assert_eq!(usage(&model, "Name"), both);
        assert_eq!(usage(&model, "Kind"), request, "a query parameter");
        assert_eq!(
            usage(&model, "Unused"),
            Usage {
                from_unused: true,
                ..Usage::default()
            }
        );
    }

    #[test]
    fn untagged_response_unions_keep_serialize_on_everything_they_reach() {
        let model = model(SPEC);
        let shape = model
            .types
            .iter()
            .find(|def| def.name == "Shape")
            .unwrap_or_else(|| panic!("no Shape"));
        assert!(matches!(shape.kind, TypeKind::Untagged(_)), "{:?}", shape.kind);
        let marked = Usage {
            response: true,
            untagged_response: true,
            ..Usage::default()
        };
        assert_eq!(usage(&model, "Circle"), marked);
        assert_eq!(usage(&model, "Point"), marked, "transitively");
        assert!(
            !usage(&model, "Shape").untagged_response,
            "the union itself is not re-encoded"
        );
        assert!(!usage(&model, "Pet").untagged_response);
    }
}
