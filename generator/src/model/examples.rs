//! Response examples of each operation, for the generated mock's
//! `respond_example_<status>()` defaults.
//!
//! Read from the JSON document (a response's JSON media type `example`, or the first
//! of its `examples`; responses given by `$ref` are followed into
//! `components/responses`). Only numeric statuses are kept.

use std::collections::BTreeMap;

use crate::pointer::join;
use serde_json::Value;

/// Examples by operation pointer (`/paths/~1team/get`): `(status, JSON text)`, by status.
pub type Examples = BTreeMap<String, Vec<(u16, String)>>;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Collects the examples of every operation of `document`.
pub fn collect(document: &Value) -> Examples {
    let mut examples = Examples::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return examples;
    };
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        // The fixed methods, then 3.2's `query` and `additionalOperations`.
        let mut operations: Vec<(String, &Value)> = METHODS
            .iter()
            .chain(["query"].iter())
            .filter_map(|method| Some((join(&item_pointer, method), item.get(*method)?)))
            .collect();
        if let Some(Value::Object(others)) = item.get("additionalOperations") {
            let base = join(&item_pointer, "additionalOperations");
            operations.extend(
                others
                    .iter()
                    .map(|(method, operation)| (join(&base, method), operation)),
            );
        }
        for (pointer, operation) in operations {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let mut found: Vec<(u16, String)> = responses
                .iter()
                .filter_map(|(status, response)| {
                    let status: u16 = status.parse().ok().filter(|code| (100..600).contains(code))?;
                    let text = example_of(document, response)?;
                    Some((status, text))
                })
                .collect();
            if !found.is_empty() {
                found.sort();
                examples.insert(pointer, found);
            }
        }
    }
    examples
}

/// The JSON example of a response (following one `$ref`), as compact JSON text.
fn example_of(document: &Value, response: &Value) -> Option<String> {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.strip_prefix('#')?)?,
        None => response,
    };
    let content = response.get("content")?.as_object()?;
    let media = content.iter().find_map(|(name, media)| {
        let essence = name.split(';').next().unwrap_or_default().trim();
        (essence == "application/json" || essence.ends_with("+json")).then_some(media)
    })?;
    let example = media.get("example").or_else(|| {
        media
            .get("examples")?
            .as_object()?
            .values()
            .find_map(|example| example.get("value"))
    })?;
    serde_json::to_string(example).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_referenced_and_named_examples_are_collected() {
        let document = json!({
            "paths": {"/pets/{id}": {"get": {"responses": {
                "200": {"content": {"application/json": {"example": {"id": 1}}}},
                "404": {"$ref": "#/components/responses/NotFound"},
                "5XX": {"content": {"application/json": {"example": {"x": 1}}}},
                "default": {"description": "no example"}
            }}}},
            "components": {"responses": {"NotFound": {"content": {"application/problem+json": {
                "examples": {"missing": {"value": {"code": "NOT_FOUND"}}}
            }}}}}
        });
        let examples = collect(&document);
        assert_eq!(
            examples["/paths/~1pets~1{id}/get"],
            vec![
                (200, r#"{"id":1}"#.to_owned()),
                (404, r#"{"code":"NOT_FOUND"}"#.to_owned())
            ]
        );
    }

    #[test]
    fn query_and_additional_operations_have_examples_too() {
        let ok = json!({"responses": {"200": {"content": {"application/json": {"example": [1]}}}}});
        let document = json!({"paths": {"/s": {"query": ok, "additionalOperations": {"COPY": ok}}}});
        let examples = collect(&document);
        let pointers: Vec<&str> = examples.keys().map(String::as_str).collect();
        assert_eq!(pointers, ["/paths/~1s/additionalOperations/COPY", "/paths/~1s/query"]);
    }
}
