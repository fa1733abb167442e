//! Stage 3: normalised JSON → `openapiv3::OpenAPI`, with errors located by JSON pointer.
//!
//! `openapiv3` flattens extension maps into most objects, which hides the exact path
//! of a failure from serde. So when the whole document fails, the parser narrows the
//! failure down by deserialising the pieces it knows the types of (path items,
//! operations, parameters, bodies, responses, components) one at a time.

use crate::diagnostics::GenerateError;
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
    fn component_errors_name_the_component() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"parameters": {"Bad": {"in": "query"}}}});
        let err = parse(doc).unwrap_err();
        assert!(err.pointer.starts_with("/components/parameters/Bad"), "{err}");
    }
}
