//! Parameters: non-body parameters → 3.0 parameters (a `schema`, and `style`/`explode`
//! from `collectionFormat`); `in: body` and `in: formData` → a request body.

use super::schema::{inline_schema, rewrite_ref};
use super::Cx;
use crate::pointer::join;
use serde_json::{json, Map, Value};

/// One entry of a `parameters` list, with its `$ref` followed.
pub struct Resolved<'a> {
    /// The parameter object (the `$ref` target when the entry is a `$ref`).
    pub object: &'a Map<String, Value>,
    /// Where the entry stands in the 2.0 document.
    pub at: String,
    /// The `$ref` as written, when the entry is one.
    pub reference: Option<String>,
    /// `in`.
    pub location: String,
    /// `name`.
    pub name: String,
}

/// The entries of a 2.0 `parameters` list at `pointer`, `$ref`s followed. An entry that
/// is not an object, or a `$ref` whose target is missing, is kept as a bare reference
/// (`location` empty) so the later stages report it.
pub fn resolve_list<'a>(cx: &mut Cx<'a>, list: Option<&'a Value>, pointer: &str) -> Vec<Resolved<'a>> {
    let Some(Value::Array(entries)) = list else {
        return Vec::new();
    };
    let mut resolved = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(object) = entry.as_object() else {
            cx.diagnose(&at, "parameter is not an object; ignored");
            continue;
        };
        let reference = object.get("$ref").and_then(Value::as_str).map(str::to_owned);
        let object = match &reference {
            Some(reference) => match cx.target(reference).and_then(|(found, _)| found.as_object()) {
                Some(target) => target,
                None => object,
            },
            None => object,
        };
        let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        resolved.push(Resolved {
            object,
            at,
            reference,
            location: text("in"),
            name: text("name"),
        });
    }
    resolved
}

/// Whether a resolved parameter is part of the request body.
pub fn in_body(parameter: &Resolved<'_>) -> bool {
    matches!(parameter.location.as_str(), "body" | "formData")
}

/// The converted form of a non-body entry: its `$ref` rewritten, or the parameter
/// converted inline. `None` when it has no 3.0 form (diagnosed).
pub fn entry(cx: &mut Cx<'_>, parameter: &Resolved<'_>) -> Option<Value> {
    match &parameter.reference {
        Some(reference) => Some(json!({ "$ref": rewrite_ref(reference) })),
        None => self::parameter(cx, parameter.object, &parameter.at),
    }
}

/// Converts one non-body parameter found at `original`.
pub fn parameter(cx: &mut Cx<'_>, object: &Map<String, Value>, original: &str) -> Option<Value> {
    let location = object.get("in").and_then(Value::as_str).unwrap_or_default();
    let name = object.get("name").and_then(Value::as_str).unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if location == "header" && matches!(lower.as_str(), "content-type" | "accept" | "authorization") {
        cx.diagnose(
            original,
            format!(
                "header parameter {name:?} has no OpenAPI 3 form (3.x ignores it: media types come from \
                 `consumes`/`produces`, credentials from `securityDefinitions`); not generated"
            ),
        );
        return None;
    }
    let mut out = Map::new();
    for key in ["name", "in", "description", "required", "deprecated", "allowEmptyValue"] {
        if let Some(value) = object.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    out.insert("schema".into(), inline_schema(object));
    if object.get("type").and_then(Value::as_str) == Some("array") {
        let format = object.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
        let at = join(original, "collectionFormat");
        let (style, explode) = style(cx, location, format, &at);
        out.insert("style".into(), Value::String(style.into()));
        out.insert("explode".into(), Value::Bool(explode));
        nested_formats(cx, object, original);
    }
    for (key, value) in object {
        if key.starts_with("x-") && key != "x-nullable" {
            out.insert(key.clone(), value.clone());
        }
    }
    Some(Value::Object(out))
}

/// `collectionFormat` → 3.0 `style` and `explode` for a parameter `in` `location`.
fn style(cx: &mut Cx<'_>, location: &str, format: &str, at: &str) -> (&'static str, bool) {
    match (location, format) {
        ("query", "csv") => ("form", false),
        ("query", "ssv") => ("spaceDelimited", false),
        ("query", "pipes") => ("pipeDelimited", false),
        ("query", "multi") => ("form", true),
        ("query", other) => {
            cx.diagnose(
                at,
                format!("collectionFormat {other:?} has no OpenAPI 3 style; the values are sent comma-separated (csv)"),
            );
            ("form", false)
        }
        (_, "csv") => ("simple", false),
        (_, other) => {
            cx.diagnose(
                at,
                format!(
                    "collectionFormat {other:?} has no OpenAPI 3 style for a {location} parameter; \
                     the values are sent comma-separated (csv)"
                ),
            );
            ("simple", false)
        }
    }
}

/// A `collectionFormat` on nested `items` (arrays of arrays) has no 3.0 form.
fn nested_formats(cx: &mut Cx<'_>, object: &Map<String, Value>, original: &str) {
    let mut pointer = original.to_owned();
    let mut current = object;
    while let Some(Value::Object(items)) = current.get("items") {
        pointer = join(&pointer, "items");
        if items.contains_key("collectionFormat") {
            cx.diagnose(
                join(&pointer, "collectionFormat"),
                "a collectionFormat on nested items (an array of arrays) has no OpenAPI 3 form; ignored",
            );
        }
        current = items;
    }
}

/// The `requestBody` of an operation from its body parameter or its form parameters,
/// sent as one of `consumes`. Records where each part came from.
pub fn request_body(
    cx: &mut Cx<'_>,
    body: Option<&Resolved<'_>>,
    form: &[&Resolved<'_>],
    consumes: &[String],
    operation: &str,
) -> Option<Value> {
    let at = join(operation, "requestBody");
    if let Some(body) = body {
        let original = body.reference.as_ref().map_or(body.at.clone(), |reference| {
            cx.target(reference).map_or(body.at.clone(), |(_, pointer)| pointer)
        });
        let schema = body
            .object
            .get("schema")
            .map(super::schema::schema)
            .unwrap_or_else(|| json!({}));
        let media: Vec<String> = if consumes.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            consumes.to_vec()
        };
        let mut content = Map::new();
        let mut first_schema = None;
        for media_type in &media {
            let content_at = join(&join(&at, "content"), media_type);
            let schema_at = join(&content_at, "schema");
            let shared = super::responses::shared_schema(&schema, &schema_at, &mut first_schema);
            cx.pointers.insert(schema_at, join(&original, "schema"));
            cx.pointers.insert(content_at, original.clone());
            content.insert(media_type.clone(), json!({ "schema": shared }));
        }
        cx.pointers.insert(at, original);
        let mut out = Map::new();
        if let Some(description) = body.object.get("description") {
            out.insert("description".into(), description.clone());
        }
        out.insert("content".into(), Value::Object(content));
        if let Some(required) = body.object.get("required") {
            out.insert("required".into(), required.clone());
        }
        return Some(Value::Object(out));
    }
    let first = form.first()?;
    let has_file = form
        .iter()
        .any(|parameter| parameter.object.get("type").and_then(Value::as_str) == Some("file"));
    let mut media: Vec<String> = consumes
        .iter()
        .filter(|media_type| is_form_media(media_type))
        .cloned()
        .collect();
    if media.is_empty() {
        media.push(if has_file { MULTIPART } else { URLENCODED }.to_owned());
    } else if has_file && !media.iter().any(|media_type| media_type.starts_with(MULTIPART)) {
        cx.diagnose(
            &first.at,
            "a `type: file` form parameter needs multipart/form-data, which `consumes` does not list; multipart/form-data is used",
        );
        media = vec![MULTIPART.to_owned()];
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut encoding = Map::new();
    for parameter in form {
        let mut schema = inline_schema(parameter.object);
        if let (Value::Object(schema), Some(description)) = (&mut schema, parameter.object.get("description")) {
            schema.insert("description".into(), description.clone());
        }
        properties.insert(parameter.name.clone(), schema);
        if parameter.object.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(parameter.name.clone()));
        }
        if parameter.object.get("type").and_then(Value::as_str) == Some("array") {
            let format = parameter
                .object
                .get("collectionFormat")
                .and_then(Value::as_str)
                .unwrap_or("csv");
            let (style, explode) = style(cx, "query", format, &join(&parameter.at, "collectionFormat"));
            encoding.insert(parameter.name.clone(), json!({ "style": style, "explode": explode }));
            nested_formats(cx, parameter.object, &parameter.at);
        }
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required.clone()));
    }
    let mut content = Map::new();
    for media_type in &media {
        let content_at = join(&join(&at, "content"), media_type);
        for parameter in form {
            let properties_at = join(&join(&content_at, "schema"), "properties");
            cx.pointers
                .insert(join(&properties_at, &parameter.name), parameter.at.clone());
            cx.pointers.insert(
                join(&join(&content_at, "encoding"), &parameter.name),
                parameter.at.clone(),
            );
        }
        cx.pointers.insert(content_at, first.at.clone());
        let mut media_object = Map::new();
        media_object.insert("schema".into(), Value::Object(schema.clone()));
        // Only form-urlencoded bodies honour `style`/`explode` in 3.0.
        if !encoding.is_empty() && media_type.starts_with(URLENCODED) {
            media_object.insert("encoding".into(), Value::Object(encoding.clone()));
        }
        content.insert(media_type.clone(), Value::Object(media_object));
    }
    cx.pointers.insert(at, first.at.clone());
    let mut out = Map::new();
    out.insert("content".into(), Value::Object(content));
    out.insert("required".into(), Value::Bool(!required.is_empty()));
    Some(Value::Object(out))
}

const MULTIPART: &str = "multipart/form-data";
const URLENCODED: &str = "application/x-www-form-urlencoded";

fn is_form_media(media_type: &str) -> bool {
    media_type.starts_with(MULTIPART) || media_type.starts_with(URLENCODED)
}
