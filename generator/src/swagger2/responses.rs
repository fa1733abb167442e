//! Responses: `schema` and `examples` → `content`, one media type per `produces` entry
//! (plus each mime type an example is given in); headers get a `schema`.

use super::schema::{inline_schema, rewrite_ref, schema};
use super::{is_sequential, Cx};
use crate::pointer::join;
use serde_json::{json, Map, Value};

/// Converts the response found at `original` (2.0) that goes to `new` (3.0), whose
/// operation produces `produces`.
pub fn response(cx: &mut Cx<'_>, response: &Value, original: &str, new: &str, produces: &[String]) -> Value {
    let Some(object) = response.as_object() else {
        return response.clone();
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return json!({ "$ref": rewrite_ref(reference) });
    }
    cx.pointers.insert(new, original);
    let mut out = Map::new();
    out.insert(
        "description".into(),
        object.get("description").cloned().unwrap_or_else(|| json!("")),
    );
    if let Some(Value::Object(headers)) = object.get("headers") {
        let mut converted = Map::new();
        for (name, header) in headers {
            let Some(header) = header.as_object() else {
                continue;
            };
            let header_at = join(&join(original, "headers"), name);
            let mut value = Map::new();
            if let Some(description) = header.get("description") {
                value.insert("description".into(), description.clone());
            }
            value.insert("schema".into(), inline_schema(header));
            let format = header.get("collectionFormat").and_then(Value::as_str);
            if header.get("type").and_then(Value::as_str) == Some("array") && format.is_some_and(|f| f != "csv") {
                cx.diagnose(
                    join(&header_at, "collectionFormat"),
                    "a response header's collectionFormat other than csv has no OpenAPI 3 form; read as comma-separated",
                );
            }
            let new_header = join(&join(new, "headers"), name);
            cx.pointers.insert(join(&new_header, "schema"), header_at.clone());
            cx.pointers.insert(new_header, header_at);
            converted.insert(name.clone(), Value::Object(value));
        }
        out.insert("headers".into(), Value::Object(converted));
    }
    let examples = object.get("examples").and_then(Value::as_object);
    let body_schema = object.get("schema").map(schema);
    if body_schema.is_some() || examples.is_some_and(|examples| !examples.is_empty()) {
        let mut media: Vec<String> = if produces.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            produces.to_vec()
        };
        // A mime type an example is given in is one the response can have.
        for media_type in examples.into_iter().flat_map(|examples| examples.keys()) {
            if !media.contains(media_type) {
                media.push(media_type.clone());
            }
        }
        // An error body whose schema is structured is one JSON document, even where the
        // operation produces only streams, archives or text (as Docker's do).
        let success = new.rsplit('/').next().is_some_and(|code| code.starts_with('2'));
        let structured = body_schema
            .as_ref()
            .is_some_and(|schema| schema.get("type").and_then(Value::as_str) != Some("string"));
        if !success && structured && !media.iter().any(|media_type| is_json_media(media_type)) {
            cx.diagnose(
                original,
                format!(
                    "the error body's schema describes a JSON document, but the operation produces only {}; \
                     application/json is added",
                    media.join(", ")
                ),
            );
            media.insert(0, "application/json".to_owned());
        }
        let mut content = Map::new();
        let mut first_schema: Option<String> = None;
        for media_type in &media {
            let content_at = join(&join(new, "content"), media_type);
            let mut media_object = Map::new();
            if let Some(body_schema) = &body_schema {
                // A sequential media type's schema describes one item, as `itemSchema` does in 3.2.
                let key = if is_sequential(media_type) {
                    "itemSchema"
                } else {
                    "schema"
                };
                let at = join(&content_at, key);
                cx.pointers.insert(&at, join(original, "schema"));
                media_object.insert(key.into(), shared_schema(body_schema, &at, &mut first_schema));
            }
            if let Some(example) = examples.and_then(|examples| examples.get(media_type)) {
                cx.pointers.insert(
                    join(&content_at, "example"),
                    join(&join(original, "examples"), media_type),
                );
                media_object.insert("example".into(), example.clone());
            }
            cx.pointers.insert(content_at, original);
            content.insert(media_type.clone(), Value::Object(media_object));
        }
        out.insert("content".into(), Value::Object(content));
    }
    for (key, value) in object {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}

/// One schema written under several media types: the first copy holds it, the others
/// are `$ref`s to that copy (so one type is generated, not one per media type). A
/// schema that is already a `$ref` is repeated as is.
pub fn shared_schema(schema: &Value, at: &str, first: &mut Option<String>) -> Value {
    if schema.get("$ref").is_some() {
        return schema.clone();
    }
    match first {
        Some(target) => json!({ "$ref": format!("#{target}") }),
        None => {
            *first = Some(at.to_owned());
            schema.clone()
        }
    }
}

/// `application/json` or a `+json` type.
fn is_json_media(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}
