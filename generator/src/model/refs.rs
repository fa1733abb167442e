//! Resolving local `$ref`s (`#/components/<kind>/<name>`), following chains and
//! refusing loops; and collecting the schemas that `$ref`s point at *inside* the
//! document (`#/components/schemas/Incident/properties/urgency`,
//! `#/components/responses/Conflict/content/application~1json/schema`, …).

use openapiv3::{Components, ReferenceOr, Schema};
use serde_json::Value;

/// Schemas at local `$ref` targets that are not whole components, by `$ref` text.
pub type PointedSchemas = indexmap::IndexMap<String, ReferenceOr<Schema>>;

/// Every local `$ref` in `document` that points somewhere other than a whole
/// component, with the schema found there (targets that are not schemas, or that
/// do not exist, are left out: using them as a schema is then a diagnostic).
/// Extension values and examples are data and are not searched.
pub fn pointed_schemas(document: &Value) -> PointedSchemas {
    let mut found = PointedSchemas::new();
    collect(document, document, &mut found);
    found
}

fn collect(root: &Value, value: &Value, found: &mut PointedSchemas) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                if key == "$ref" {
                    if let Some(reference) = member.as_str() {
                        add_target(root, reference, found);
                    }
                } else if !key.starts_with("x-") && key != "example" && key != "examples" {
                    collect(root, member, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(root, item, found)),
        _ => {}
    }
}

fn add_target(root: &Value, reference: &str, found: &mut PointedSchemas) {
    let Some(pointer) = reference.strip_prefix('#') else {
        return;
    };
    let whole_component = pointer
        .strip_prefix("/components/")
        .is_some_and(|rest| rest.split('/').count() == 2);
    if whole_component || pointer.is_empty() || found.contains_key(reference) {
        return;
    }
    if let Some(schema) = root
        .pointer(pointer)
        .and_then(|target| serde_json::from_value::<ReferenceOr<Schema>>(target.clone()).ok())
    {
        found.insert(reference.to_owned(), schema);
    }
}

/// A type name hint for the schema at `pointer`, from the names along the way
/// (`/components/schemas/Incident/properties/urgency` → `Incident urgency`),
/// leaving out OpenAPI's own structural keys.
pub fn location_hint(pointer: &str) -> String {
    const STRUCTURAL: &[&str] = &[
        "components",
        "schemas",
        "parameters",
        "responses",
        "requestBodies",
        "headers",
        "properties",
        "items",
        "additionalProperties",
        "content",
        "schema",
        "allOf",
        "oneOf",
        "anyOf",
        "paths",
    ];
    pointer
        .split('/')
        .map(unescape)
        .filter(|token| {
            !token.is_empty()
                && !STRUCTURAL.contains(&token.as_str())
                && !token.contains('/')
                && !token.chars().all(|c| c.is_ascii_digit())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The component name of a local reference of `kind` (`schemas`, `parameters`, …).
pub fn component_name<'r>(reference: &'r str, kind: &str) -> Option<&'r str> {
    let rest = reference.strip_prefix("#/components/")?;
    let name = rest.strip_prefix(kind)?.strip_prefix('/')?;
    if name.contains('/') {
        None
    } else {
        Some(name)
    }
}

/// Decodes JSON-pointer escapes in a reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Follows `item` through `$ref`s into `components.<kind>`, returning the target and
/// the pointer it lives at; the error message names both ends of a broken link.
pub fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    pointer: &str,
    kind: &str,
    components: Option<&'a Components>,
    lookup: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Result<(&'a T, String), String> {
    let mut current = item;
    let mut here = pointer.to_owned();
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(target) => return Ok((target, here)),
            ReferenceOr::Reference { reference } => {
                let Some(name) = component_name(reference, kind) else {
                    return Err(format!(
                        "$ref {reference:?} at #{here} is not a local reference to #/components/{kind}"
                    ));
                };
                let name = unescape(name);
                let Some(next) = components.and_then(|all| lookup(all).get(&name)) else {
                    return Err(format!(
                        "$ref at #{here} points to #/components/{kind}/{name}, which does not exist"
                    ));
                };
                here = crate::pointer::join(&format!("/components/{kind}"), &name);
                current = next;
            }
        }
    }
    Err(format!(
        "$ref chain starting at #{pointer} is longer than 32 links (a loop?)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_schemas_pointed_at_inside_components() {
        let document = json!({
            "components": {"schemas": {"Incident": {"properties": {"urgency": {"type": "string", "enum": ["high"]}}}},
                "responses": {"Conflict": {"content": {"application/json": {"schema": {"type": "object"}}}}}},
            "paths": {"/a": {"get": {"x-data": {"$ref": "#/nowhere/x"},
                "parameters": [{"schema": {"$ref": "#/components/schemas/Incident/properties/urgency"}}],
                "responses": {"409": {"$ref": "#/components/responses/Conflict"},
                    "200": {"content": {"application/json": {"schema":
                        {"$ref": "#/components/responses/Conflict/content/application~1json/schema"}}}}}}}}
        });
        let found = pointed_schemas(&document);
        let keys: Vec<&str> = found.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "#/components/schemas/Incident/properties/urgency",
                "#/components/responses/Conflict/content/application~1json/schema"
            ]
        );
        assert_eq!(
            location_hint("/components/schemas/Incident/properties/urgency"),
            "Incident urgency"
        );
        assert_eq!(
            location_hint("/components/responses/Conflict/content/application~1json/schema"),
            "Conflict"
        );
    }
}
