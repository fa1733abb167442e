//! OpenAPI 3.2 constructs the 3.0 parser cannot read, rewritten (or reported) before
//! normalisation. What the model reads itself from the JSON (`query` and
//! `additionalOperations`, `itemSchema`, hierarchical tags) stays in place and is
//! picked up by `model::extras`.
//!
//! | 3.2 construct | becomes |
//! |---|---|
//! | `in: querystring` with one `application/x-www-form-urlencoded` object schema | one `in: query` parameter per property (`style: form`, `explode: true`) |
//! | any other `in: querystring` | removed, with a diagnostic |
//! | `$self` | kept (recorded as a rewrite: in-document `$ref`s do not depend on it) |
//! | `itemEncoding`, `prefixEncoding`, `components/mediaTypes`, the `deviceAuthorization` OAuth flow, discriminator `defaultMapping` | kept, with a diagnostic (not supported yet) |

use crate::diagnostics::Diagnostic;
use crate::normalize::Rewrite;
use crate::pointer::join;
use serde_json::{json, Map, Value};

/// Whether `document` declares OpenAPI 3.2.
pub fn is_openapi32(document: &Value) -> bool {
    document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|version| version.starts_with("3.2"))
}

/// Rewrites the 3.2 constructs of `document` in place.
pub fn rewrite(document: &mut Value) -> (Vec<Rewrite>, Vec<Diagnostic>) {
    let mut rewrites = Vec::new();
    let mut diagnostics = Vec::new();
    if document.get("$self").is_some() {
        rewrites.push(Rewrite {
            pointer: "/$self".into(),
            what: "`$self` read: only in-document `$ref`s are followed, which do not depend on it",
        });
    }
    let schemas = document.pointer("/components/schemas").cloned().unwrap_or(Value::Null);
    let shared = document
        .pointer("/components/parameters")
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let item_pointer = join("/paths", path);
            let Value::Object(item) = item else {
                continue;
            };
            for (key, value) in item.iter_mut() {
                let at = join(&item_pointer, key);
                if key == "parameters" {
                    expand_querystring(value, &at, &schemas, &shared, &mut rewrites, &mut diagnostics);
                } else if key == "additionalOperations" {
                    if let Value::Object(operations) = value {
                        for (method, operation) in operations.iter_mut() {
                            let at = join(&at, method);
                            operation_parameters(operation, &at, &schemas, &shared, &mut rewrites, &mut diagnostics);
                        }
                    }
                } else if !key.starts_with("x-") {
                    operation_parameters(value, &at, &schemas, &shared, &mut rewrites, &mut diagnostics);
                }
            }
        }
    }
    if let Some(Value::Object(parameters)) = document.pointer_mut("/components/parameters") {
        // Component querystring parameters were expanded where they are used.
        parameters.retain(|_, parameter| parameter.get("in").and_then(Value::as_str) != Some("querystring"));
    }
    unsupported(document, "", &mut diagnostics);
    (rewrites, diagnostics)
}

fn operation_parameters(
    operation: &mut Value,
    pointer: &str,
    schemas: &Value,
    shared: &Value,
    rewrites: &mut Vec<Rewrite>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(parameters) = operation.get_mut("parameters") {
        let at = join(pointer, "parameters");
        expand_querystring(parameters, &at, schemas, shared, rewrites, diagnostics);
    }
}

/// Replaces each `in: querystring` entry of a parameter list (inline or a `$ref` to
/// `components/parameters`) by query parameters, or removes it with a diagnostic.
fn expand_querystring(
    list: &mut Value,
    pointer: &str,
    schemas: &Value,
    shared: &Value,
    rewrites: &mut Vec<Rewrite>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Value::Array(entries) = list else {
        return;
    };
    if !entries.iter().any(|entry| is_querystring(entry, shared)) {
        return;
    }
    let mut expanded = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        if !is_querystring(entry, shared) {
            expanded.push(entry.clone());
            continue;
        }
        let parameter = resolve(entry, shared).unwrap_or(entry);
        match query_parameters(parameter, schemas) {
            Ok(parameters) => {
                expanded.extend(parameters);
                rewrites.push(Rewrite {
                    pointer: at,
                    what: "`in: querystring` form object rewritten as one `in: query` parameter per property",
                });
            }
            Err(why) => diagnostics.push(Diagnostic::new(
                at,
                format!("`in: querystring` parameter not generated: {why}"),
            )),
        }
    }
    *entries = expanded;
}

fn resolve<'a>(entry: &'a Value, shared: &'a Value) -> Option<&'a Value> {
    let name = entry
        .get("$ref")
        .and_then(Value::as_str)?
        .strip_prefix("#/components/parameters/")?;
    shared.get(name.replace("~1", "/").replace("~0", "~"))
}

fn is_querystring(entry: &Value, shared: &Value) -> bool {
    resolve(entry, shared)
        .unwrap_or(entry)
        .get("in")
        .and_then(Value::as_str)
        == Some("querystring")
}

/// The query parameters a form-encoded querystring object stands for.
fn query_parameters(parameter: &Value, schemas: &Value) -> Result<Vec<Value>, String> {
    let content = parameter
        .get("content")
        .and_then(Value::as_object)
        .ok_or("it has no `content`")?;
    let (media_type, media) = match content.iter().next() {
        Some(only) if content.len() == 1 => only,
        _ => return Err("its `content` must hold exactly one media type".into()),
    };
    if !media_type.starts_with("application/x-www-form-urlencoded") {
        return Err(format!(
            "media type {media_type:?} is not supported (only application/x-www-form-urlencoded)"
        ));
    }
    let mut schema = media.get("schema").ok_or("its media type has no `schema`")?;
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .ok_or_else(|| format!("$ref {reference:?} is not to components/schemas"))?;
        schema = schemas
            .get(name.replace("~1", "/").replace("~0", "~"))
            .ok_or_else(|| format!("$ref {reference:?} has no target"))?;
    }
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .filter(|properties| !properties.is_empty())
        .ok_or("its schema is not an object with `properties`")?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Ok(properties
        .iter()
        .map(|(name, property)| {
            let mut out = Map::new();
            out.insert("name".into(), json!(name));
            out.insert("in".into(), json!("query"));
            if let Some(description) = property.get("description") {
                out.insert("description".into(), description.clone());
            }
            out.insert("required".into(), json!(required.contains(&name.as_str())));
            out.insert("style".into(), json!("form"));
            out.insert("explode".into(), json!(true));
            out.insert("schema".into(), property.clone());
            Value::Object(out)
        })
        .collect())
}

/// Reports the 3.2 keywords the generator does not support yet (object keys only,
/// never inside example data or extensions).
fn unsupported(value: &Value, pointer: &str, diagnostics: &mut Vec<Diagnostic>) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (index, item) in items.iter().enumerate() {
                unsupported(item, &format!("{pointer}/{index}"), diagnostics);
            }
        }
        return;
    };
    for (key, child) in map {
        let at = join(pointer, key);
        let message = match key.as_str() {
            "itemEncoding" | "prefixEncoding" => {
                Some("3.2 sequential/multipart encoding is not supported yet; ignored")
            }
            "mediaTypes" if pointer == "/components" => {
                Some("3.2 `components/mediaTypes` is not supported yet; `$ref`s to it are not followed")
            }
            "deviceAuthorization" if pointer.ends_with("/flows") => {
                Some("the 3.2 device authorization OAuth flow is not supported yet; ignored")
            }
            "defaultMapping" if pointer.ends_with("/discriminator") => {
                Some("3.2 discriminator `defaultMapping` is not supported yet; ignored")
            }
            "example" | "examples" | "default" | "enum" | "const" => continue,
            _ if key.starts_with("x-") => continue,
            _ => None,
        };
        match message {
            Some(message) => diagnostics.push(Diagnostic::new(at, message)),
            None => unsupported(child, &at, diagnostics),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn querystring_form_objects_become_query_parameters() {
        let mut document = json!({"openapi": "3.2.0", "$self": "https://x/y.yaml",
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/Filter"}],
                "get": {"parameters": [{"name": "q", "in": "querystring", "content": {"application/json": {"schema": {}}}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}}], "responses": {}},
                "additionalOperations": {"COPY": {"parameters": [{"in": "querystring", "name": "f",
                    "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object",
                        "properties": {"to": {"type": "string"}}}}}}], "responses": {}}}}},
            "components": {
                "parameters": {"Filter": {"name": "filter", "in": "querystring", "content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/F"}}}}},
                "schemas": {"F": {"type": "object", "required": ["tag"],
                    "properties": {"tag": {"type": "string", "description": "t"}, "n": {"type": "integer"}}}}}});
        let (rewrites, diagnostics) = rewrite(&mut document);
        assert_eq!(
            document["paths"]["/a"]["parameters"],
            json!([
                {"name": "tag", "in": "query", "description": "t", "required": true, "style": "form", "explode": true,
                    "schema": {"type": "string", "description": "t"}},
                {"name": "n", "in": "query", "required": false, "style": "form", "explode": true,
                    "schema": {"type": "integer"}}
            ])
        );
        assert_eq!(
            document["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "page", "in": "query", "schema": {"type": "integer"}}])
        );
        assert_eq!(
            document["paths"]["/a"]["additionalOperations"]["COPY"]["parameters"][0]["name"],
            "to"
        );
        assert_eq!(
            document["components"]["parameters"],
            json!({}),
            "expanded where used, then removed"
        );
        let rewritten: Vec<&str> = rewrites.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(
            rewritten,
            [
                "/$self",
                "/paths/~1a/parameters/0",
                "/paths/~1a/additionalOperations/COPY/parameters/0"
            ]
        );
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].pointer, "/paths/~1a/get/parameters/0");
        assert!(
            diagnostics[0].message.contains("application/json"),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn unsupported_keywords_are_reported_outside_data() {
        let mut document = json!({"openapi": "3.2.0", "paths": {"/a": {"get": {"responses": {"200": {
            "description": "d", "content": {"multipart/mixed": {"itemSchema": {}, "itemEncoding": {}, "prefixEncoding": []},
                "application/json": {"example": {"itemEncoding": 1}, "x-v": {"prefixEncoding": 1}}}}}}}},
            "components": {"mediaTypes": {}, "schemas": {"U": {"oneOf": [], "discriminator": {"propertyName": "k", "defaultMapping": "A"}}},
                "securitySchemes": {"o": {"type": "oauth2", "flows": {"deviceAuthorization": {}}}}}});
        let (_, diagnostics) = rewrite(&mut document);
        let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/get/responses/200/content/multipart~1mixed/itemEncoding",
                "/paths/~1a/get/responses/200/content/multipart~1mixed/prefixEncoding",
                "/components/mediaTypes",
                "/components/schemas/U/discriminator/defaultMapping",
                "/components/securitySchemes/o/flows/deviceAuthorization"
            ]
        );
        assert!(is_openapi32(&document));
        assert!(!is_openapi32(&json!({"openapi": "3.1.0"})));
    }
}
