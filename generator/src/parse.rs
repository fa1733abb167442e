//! Stage 3: normalised JSON → `openapiv3::OpenAPI`, with errors located by JSON pointer.
//!
//! `openapiv3` flattens extension maps into most objects, which hides the exact path
//! of a failure from serde. So when the whole document fails, the parser narrows the
//! failure down by deserialising the pieces it knows the types of (path items,
//! operations, parameters, bodies, responses, components) one at a time.

use crate::diagnostics::{Diagnostic, GenerateError};
use crate::pointer::join;
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_path_to_error::Segment;

/// Deserialises the document; a failure names the JSON pointer of the smallest part
/// that did not fit the OpenAPI 3 object model.
pub fn parse(value: Value) -> Result<openapiv3::OpenAPI, GenerateError> {
    // Fast path: no path tracking and no copy. Only a failure pays for locating it.
    if let Ok(document) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&value) {
        return Ok(document);
    }
    match attempt::<openapiv3::OpenAPI>(&value, "") {
        Ok(document) => Ok(document),
        Err(whole) => Err(narrow(&value).unwrap_or(whole)),
    }
}

/// Most broken pieces dropped before the document counts as unreadable (each retry
/// re-reads the whole document, so this bounds the work on hostile input).
const MAX_DROPPED: usize = 64;

/// Like [`parse`], but a failure confined to one operation, path item or component
/// drops (or, for a schema, loosens to `{}`) just that piece with a diagnostic, and
/// the rest of the document is read. Only a document-wide failure is an error.
/// `value` is left as read (minus the dropped pieces), for resolving `$ref`s that point
/// inside it.
pub fn parse_lenient(value: &mut Value) -> Result<(openapiv3::OpenAPI, Vec<Diagnostic>), GenerateError> {
    let mut diagnostics = Vec::new();
    loop {
        let error = match parse(value.clone()) {
            Ok(document) => return Ok((document, diagnostics)),
            Err(error) => error,
        };
        if diagnostics.len() >= MAX_DROPPED {
            return Err(error);
        }
        let Some((piece, what)) = confining_piece(value, &error.pointer) else {
            return Err(error);
        };
        if !drop_piece(value, &piece) {
            return Err(error);
        }
        diagnostics.push(Diagnostic::new(
            error.pointer.clone(),
            format!("{}; {what}", error.message),
        ));
    }
}

/// The operation, path item or component that contains `pointer`, and what is done to it.
fn confining_piece(root: &Value, pointer: &str) -> Option<(String, &'static str)> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    match tokens.as_slice() {
        ["paths", path, method, _, ..] | ["paths", path, method]
            if matches!(
                *method,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) =>
        {
            Some((format!("/paths/{path}/{method}"), "operation skipped"))
        }
        ["paths", path, ..] => Some((format!("/paths/{path}"), "path item skipped")),
        ["components", "schemas", name, ..] => Some((
            format!("/components/schemas/{name}"),
            "schema accepts any JSON value (serde_json::Value)",
        )),
        ["components", kind, name, ..] if root.pointer(&format!("/components/{kind}")).is_some() => {
            Some((format!("/components/{kind}/{name}"), "component skipped"))
        }
        _ => None,
    }
}

/// Removes the piece at `pointer` (a component schema becomes `{}`); false when absent.
fn drop_piece(root: &mut Value, pointer: &str) -> bool {
    if pointer.starts_with("/components/schemas/") {
        return match root.pointer_mut(pointer) {
            Some(schema) => {
                *schema = Value::Object(serde_json::Map::new());
                true
            }
            None => false,
        };
    }
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    root.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|object| object.shift_remove(&key))
        .is_some()
}

fn attempt<T: DeserializeOwned>(value: &Value, base: &str) -> Result<T, GenerateError> {
    serde_path_to_error::deserialize::<_, T>(value.clone()).map_err(|err| {
        let mut pointer = base.to_owned();
        for segment in err.path().iter() {
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer = join(&pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        GenerateError::new(pointer, format!("not a valid OpenAPI 3 document: {}", err.inner()))
    })
}

/// Tries each typed piece; returns the first failure found.
fn narrow(root: &Value) -> Option<GenerateError> {
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths.iter().filter(|(key, _)| key.starts_with('/')) {
            let pointer = join("/paths", path);
            if let Some(err) = narrow_path_item(item, &pointer) {
                return Some(err);
            }
        }
    }
    if let Some(components) = root.get("components").and_then(Value::as_object) {
        for (kind, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, entry) in entries {
                let pointer = join(&join("/components", kind), name);
                let failed = match kind.as_str() {
                    "schemas" => attempt::<ReferenceOr<openapiv3::Schema>>(entry, &pointer).err(),
                    "parameters" => attempt::<ReferenceOr<openapiv3::Parameter>>(entry, &pointer).err(),
                    "responses" => attempt::<ReferenceOr<openapiv3::Response>>(entry, &pointer).err(),
                    "requestBodies" => attempt::<ReferenceOr<openapiv3::RequestBody>>(entry, &pointer).err(),
                    "headers" => attempt::<ReferenceOr<openapiv3::Header>>(entry, &pointer).err(),
                    "securitySchemes" => attempt::<ReferenceOr<openapiv3::SecurityScheme>>(entry, &pointer).err(),
                    _ => None,
                };
                if failed.is_some() {
                    return failed;
                }
            }
        }
    }
    None
}

fn narrow_path_item(item: &Value, pointer: &str) -> Option<GenerateError> {
    attempt::<ReferenceOr<openapiv3::PathItem>>(item, pointer).err()?;
    let object = item.as_object()?;
    for (key, child) in object {
        let child_pointer = join(pointer, key);
        let failed = match key.as_str() {
            "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" => {
                narrow_operation(child, &child_pointer)
            }
            "parameters" => narrow_list::<ReferenceOr<openapiv3::Parameter>>(child, &child_pointer),
            _ => None,
        };
        if failed.is_some() {
            return failed;
        }
    }
    attempt::<ReferenceOr<openapiv3::PathItem>>(item, pointer).err()
}

fn narrow_operation(operation: &Value, pointer: &str) -> Option<GenerateError> {
    attempt::<openapiv3::Operation>(operation, pointer).err()?;
    let object = operation.as_object()?;
    if let Some(err) = object
        .get("parameters")
        .and_then(|list| narrow_list::<ReferenceOr<openapiv3::Parameter>>(list, &join(pointer, "parameters")))
    {
        return Some(err);
    }
    if let Some(body) = object.get("requestBody") {
        if let Err(err) = attempt::<ReferenceOr<openapiv3::RequestBody>>(body, &join(pointer, "requestBody")) {
            return Some(err);
        }
    }
    if let Some(responses) = object.get("responses").and_then(Value::as_object) {
        for (code, response) in responses {
            let at = join(&join(pointer, "responses"), code);
            if let Err(err) = attempt::<ReferenceOr<openapiv3::Response>>(response, &at) {
                return Some(err);
            }
        }
    }
    attempt::<openapiv3::Operation>(operation, pointer).err()
}

fn narrow_list<T: DeserializeOwned>(list: &Value, pointer: &str) -> Option<GenerateError> {
    let items = list.as_array()?;
    items
        .iter()
        .enumerate()
        .find_map(|(index, item)| attempt::<T>(item, &format!("{pointer}/{index}")).err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_pointer() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": 5}}}}}});
        let err = parse(doc).unwrap_err();
        assert!(err.pointer.starts_with("/paths/~1a/get/responses/200"), "{err}");
    }

    #[test]
    fn one_broken_operation_is_skipped_and_the_rest_reads() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": 5}}},
                             "post": {"responses": {"200": {"description": "ok"}}}},
                      "/b": {"get": {"responses": {"200": {"description": "ok"}}}}},
            "components": {"parameters": {"Bad": {"in": "query"}}}});
        let mut doc = doc;
        let (document, diagnostics) = parse_lenient(&mut doc).unwrap();
        assert_eq!(document.paths.paths.len(), 2);
        assert!(document.components.unwrap().parameters.is_empty());
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
        assert!(diagnostics[0].pointer.starts_with("/paths/~1a/get"), "{diagnostics:?}");
        assert!(diagnostics[0].message.ends_with("operation skipped"), "{diagnostics:?}");
        assert!(diagnostics[1].message.ends_with("component skipped"), "{diagnostics:?}");
        let broken_info = json!({"openapi": "3.0.3", "info": {"title": 5}, "paths": {}});
        assert!(parse_lenient(&mut broken_info.clone()).is_err());
    }

    #[test]
    fn component_errors_name_the_component() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"parameters": {"Bad": {"in": "query"}}}});
        let err = parse(doc).unwrap_err();
        assert!(err.pointer.starts_with("/components/parameters/Bad"), "{err}");
    }
}
