//! Path items and operations: parameters split into parameters and a request body,
//! responses given media types from `produces`.

use super::params::{self, Resolved};
use super::{media_list, responses, Cx};
use crate::pointer::join;
use serde_json::{Map, Value};

/// The methods a 2.0 path item may hold.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// Converts one path item at `pointer`.
pub fn path_item<'a>(cx: &mut Cx<'a>, item: &'a Map<String, Value>, pointer: &str) -> Value {
    let shared = params::resolve_list(cx, item.get("parameters"), &join(pointer, "parameters"));
    let mut out = Map::new();
    for (key, value) in item {
        if METHODS.contains(&key.as_str()) {
            let at = join(pointer, key);
            match value.as_object() {
                Some(operation_object) => {
                    let converted = operation(cx, operation_object, &shared, &at);
                    out.insert(key.clone(), converted);
                }
                None => {
                    out.insert(key.clone(), value.clone());
                }
            }
        } else if key == "parameters" {
            let list = converted_list(cx, &shared, &join(pointer, "parameters"));
            if !list.is_empty() {
                out.insert(key.clone(), Value::Array(list));
            }
        } else if key == "$ref" || key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        } else {
            cx.diagnose(
                join(pointer, key),
                format!("{key:?} is not a Swagger 2.0 path item field; ignored"),
            );
        }
    }
    Value::Object(out)
}

/// The non-body entries of a resolved list, converted, each one's position recorded.
fn converted_list(cx: &mut Cx<'_>, list: &[Resolved<'_>], pointer: &str) -> Vec<Value> {
    let mut converted = Vec::new();
    for parameter in list.iter().filter(|parameter| !params::in_body(parameter)) {
        if let Some(value) = params::entry(cx, parameter) {
            let at = format!("{pointer}/{}", converted.len());
            cx.pointers.insert(join(&at, "schema"), parameter.at.clone());
            cx.pointers.insert(at, parameter.at.clone());
            converted.push(value);
        }
    }
    converted
}

/// Converts one operation at `pointer`; `shared` are its path item's parameters.
fn operation<'a>(cx: &mut Cx<'a>, source: &'a Map<String, Value>, shared: &[Resolved<'a>], pointer: &str) -> Value {
    let own = params::resolve_list(cx, source.get("parameters"), &join(pointer, "parameters"));
    let overridden = |parameter: &Resolved<'_>| {
        own.iter()
            .any(|mine| mine.name == parameter.name && mine.location == parameter.location)
    };
    let mut body: Option<&Resolved<'_>> = None;
    let mut form: Vec<&Resolved<'_>> = Vec::new();
    let inherited = shared.iter().filter(|parameter| !overridden(parameter));
    for parameter in inherited
        .chain(own.iter())
        .filter(|parameter| params::in_body(parameter))
    {
        if parameter.location == "body" {
            if body.is_some() {
                cx.diagnose(
                    &parameter.at,
                    "a second `in: body` parameter (Swagger 2.0 allows one); not generated",
                );
            } else {
                body = Some(parameter);
            }
        } else {
            form.push(parameter);
        }
    }
    if let (Some(_), Some(first)) = (body, form.first()) {
        cx.diagnose(
            &first.at,
            "`in: formData` beside an `in: body` parameter (Swagger 2.0 forbids both); the form parameters are not generated",
        );
        form.clear();
    }
    let consumes = media_list(source.get("consumes"));
    let consumes = if source.contains_key("consumes") {
        consumes
    } else {
        cx.consumes.clone()
    };
    let produces = media_list(source.get("produces"));
    let produces = if source.contains_key("produces") {
        produces
    } else {
        cx.produces.clone()
    };
    let mut out = Map::new();
    for key in ["tags", "summary", "description", "externalDocs", "operationId"] {
        if let Some(value) = source.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    let list = converted_list(cx, &own, &join(pointer, "parameters"));
    if !list.is_empty() {
        out.insert("parameters".into(), Value::Array(list));
    }
    if let Some(request_body) = params::request_body(cx, body, &form, &consumes, pointer) {
        out.insert("requestBody".into(), request_body);
    }
    let responses_at = join(pointer, "responses");
    let mut converted = Map::new();
    if let Some(Value::Object(source_responses)) = source.get("responses") {
        for (code, response) in source_responses {
            let at = join(&responses_at, code);
            let value = if code.starts_with("x-") {
                response.clone()
            } else {
                responses::response(cx, response, &at, &at, &produces)
            };
            converted.insert(code.clone(), value);
        }
    }
    out.insert("responses".into(), Value::Object(converted));
    for key in ["deprecated", "security"] {
        if let Some(value) = source.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    if source.contains_key("schemes") {
        cx.diagnose(
            join(pointer, "schemes"),
            "per-operation `schemes` have no OpenAPI 3 form; the API's servers are used",
        );
    }
    for (key, value) in source {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Value::Object(out)
}
