//! Swagger 2.0 → OpenAPI 3.0: a loaded 2.0 document rewritten into the 3.0 shape the
//! rest of the pipeline reads, before normalisation.
//!
//! | Swagger 2.0 | OpenAPI 3.0 |
//! |---|---|
//! | `definitions`, `parameters`, `responses` | `components/schemas`, `components/parameters`, `components/responses` (`$ref`s rewritten) |
//! | `securityDefinitions` (`basic`, `apiKey`, `oauth2` flows) | `components/securitySchemes` (`http` basic, `apiKey`, `oauth2` `implicit`/`password`/`clientCredentials`/`authorizationCode`) |
//! | `host` + `basePath` + `schemes` | one server per scheme (`basePath` alone without `host`) |
//! | `in: body` | `requestBody`, one media type per `consumes` (JSON by default) |
//! | `in: formData` (`type: file`) | `requestBody` `application/x-www-form-urlencoded` or `multipart/form-data` (binary string) |
//! | `consumes` / `produces` (global or per operation) | the media types of request bodies / responses |
//! | `collectionFormat` csv, ssv, pipes, multi | `style` form/simple, spaceDelimited, pipeDelimited, form + `explode` |
//! | `x-nullable` | `nullable` |
//! | response `examples` per mime type | `content.<mime>.example` |
//! | sequential `produces` (`application/jsonl`, `x-ndjson`, `json-seq`) | `itemSchema` (the schema of one item) |
//!
//! What has no exact 3.x form (`collectionFormat: tsv`, a non-csv format outside the
//! query, per-operation `schemes`, `Content-Type`/`Accept`/`Authorization` header
//! parameters, a second body, …) is a [`Diagnostic`] whose pointer is into the 2.0
//! document. [`Conversion::pointers`] maps pointers into the converted document back
//! to the 2.0 one, so diagnostics raised by later stages do too.

mod operation;
mod params;
mod pointer_map;
mod responses;
mod schema;

pub use pointer_map::PointerMap;

use crate::diagnostics::{Diagnostic, GenerateError};
use crate::pointer::join;
use serde_json::{json, Map, Value};

/// A Swagger 2.0 document converted to OpenAPI 3.0.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The OpenAPI 3.0.3 document.
    pub document: Value,
    /// What has no exact 3.0 form, with pointers into the 2.0 document.
    pub diagnostics: Vec<Diagnostic>,
    /// Converted-document pointers → 2.0-document pointers.
    pub pointers: PointerMap,
}

/// Whether `document` declares itself Swagger 2.x (`swagger: "2.0"`).
pub fn is_swagger2(document: &Value) -> bool {
    document.get("swagger").is_some() && document.get("openapi").is_none()
}

/// Converts a Swagger 2.0 document. Only a document that is not Swagger 2.0 at all is
/// an error; everything else degrades with a diagnostic.
pub fn convert(document: &Value) -> Result<Conversion, GenerateError> {
    let Some(source) = document.as_object() else {
        return Err(GenerateError::new("", "the document is not a JSON/YAML object"));
    };
    let version = match source.get("swagger") {
        Some(Value::String(version)) => version.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    };
    if version != "2.0" {
        return Err(GenerateError::new(
            "/swagger",
            format!("unsupported Swagger version {version:?}; expected \"2.0\""),
        ));
    }
    let mut cx = Cx::new(source);
    let mut out = Map::new();
    out.insert("openapi".into(), Value::String("3.0.3".into()));
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(value) = source.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    out.insert("servers".into(), cx.servers());
    let paths = cx.paths();
    out.insert("paths".into(), paths);
    let components = cx.components();
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    for (key, value) in source {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    Ok(Conversion {
        document: Value::Object(out),
        diagnostics: cx.diagnostics,
        pointers: cx.pointers,
    })
}

/// The conversion's state: the source document, what was found, where things went.
struct Cx<'a> {
    source: &'a Map<String, Value>,
    diagnostics: Vec<Diagnostic>,
    pointers: PointerMap,
    consumes: Vec<String>,
    produces: Vec<String>,
}

impl<'a> Cx<'a> {
    fn new(source: &'a Map<String, Value>) -> Self {
        Self {
            source,
            diagnostics: Vec::new(),
            pointers: PointerMap::default(),
            consumes: media_list(source.get("consumes")),
            produces: media_list(source.get("produces")),
        }
    }

    fn diagnose(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(pointer, message));
    }

    /// `host`, `basePath` and `schemes` → `servers`.
    fn servers(&mut self) -> Value {
        let host = self.source.get("host").and_then(Value::as_str).map(str::to_owned);
        let base_path = self
            .source
            .get("basePath")
            .and_then(Value::as_str)
            .unwrap_or("/")
            .to_owned();
        let at = if host.is_some() {
            "/host"
        } else if self.source.contains_key("basePath") {
            "/basePath"
        } else {
            ""
        };
        self.pointers.insert("/servers", at);
        let Some(host) = host else {
            return json!([{ "url": base_path }]);
        };
        let mut schemes: Vec<String> = media_list(self.source.get("schemes"));
        if schemes.is_empty() {
            self.diagnose(
                "/host",
                "no `schemes`: Swagger 2.0 then means the scheme the document was served with, unknown here; https is assumed",
            );
            schemes.push("https".into());
        }
        let base = base_path.trim_end_matches('/');
        let servers = schemes
            .iter()
            .map(|scheme| json!({ "url": format!("{scheme}://{host}{base}") }))
            .collect();
        Value::Array(servers)
    }

    /// `paths`, operation by operation.
    fn paths(&mut self) -> Value {
        let mut paths = Map::new();
        let Some(source_paths) = self.source.get("paths").and_then(Value::as_object) else {
            return Value::Object(paths);
        };
        for (path, item) in source_paths {
            let pointer = join("/paths", path);
            let converted = match item {
                Value::Object(item) if !path.starts_with("x-") => operation::path_item(self, item, &pointer),
                other => other.clone(),
            };
            paths.insert(path.clone(), converted);
        }
        Value::Object(paths)
    }

    /// `definitions`, non-body `parameters`, `responses`, `securityDefinitions`.
    fn components(&mut self) -> Map<String, Value> {
        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = self.source.get("definitions") {
            let schemas = definitions
                .iter()
                .map(|(name, definition)| (name.clone(), schema::schema(definition)))
                .collect();
            components.insert("schemas".into(), Value::Object(schemas));
            self.pointers.insert("/components/schemas", "/definitions");
        }
        if let Some(Value::Object(parameters)) = self.source.get("parameters") {
            let mut converted = Map::new();
            for (name, parameter) in parameters {
                let at = join("/parameters", name);
                let Some(parameter) = parameter.as_object() else {
                    continue;
                };
                // Body and form parameters become part of each request body that uses them.
                if matches!(parameter.get("in").and_then(Value::as_str), Some("body" | "formData")) {
                    continue;
                }
                if let Some(value) = params::parameter(self, parameter, &at) {
                    converted.insert(name.clone(), value);
                }
            }
            if !converted.is_empty() {
                components.insert("parameters".into(), Value::Object(converted));
            }
            self.pointers.insert("/components/parameters", "/parameters");
        }
        if let Some(Value::Object(source_responses)) = self.source.get("responses") {
            let produces = self.produces.clone();
            let mut converted = Map::new();
            for (name, response) in source_responses {
                let original = join("/responses", name);
                let new = join("/components/responses", name);
                converted.insert(
                    name.clone(),
                    responses::response(self, response, &original, &new, &produces),
                );
            }
            components.insert("responses".into(), Value::Object(converted));
            self.pointers.insert("/components/responses", "/responses");
        }
        if let Some(Value::Object(definitions)) = self.source.get("securityDefinitions") {
            let mut schemes = Map::new();
            for (name, definition) in definitions {
                if let Some(scheme) = self.security_scheme(definition, &join("/securityDefinitions", name)) {
                    schemes.insert(name.clone(), scheme);
                }
            }
            components.insert("securitySchemes".into(), Value::Object(schemes));
            self.pointers
                .insert("/components/securitySchemes", "/securityDefinitions");
        }
        components
    }

    /// One `securityDefinitions` entry → a security scheme.
    fn security_scheme(&mut self, definition: &Value, pointer: &str) -> Option<Value> {
        let definition = definition.as_object()?;
        let mut scheme = Map::new();
        match definition.get("type").and_then(Value::as_str) {
            Some("basic") => {
                scheme.insert("type".into(), json!("http"));
                scheme.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                scheme.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = definition.get(key) {
                        scheme.insert(key.into(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                let flow = definition.get("flow").and_then(Value::as_str).unwrap_or_default();
                let (name, urls): (&str, &[&str]) = match flow {
                    "implicit" => ("implicit", &["authorizationUrl"]),
                    "password" => ("password", &["tokenUrl"]),
                    "application" => ("clientCredentials", &["tokenUrl"]),
                    "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    other => {
                        self.diagnose(
                            join(pointer, "flow"),
                            format!("unknown OAuth 2 flow {other:?}; security scheme skipped"),
                        );
                        return None;
                    }
                };
                let mut flow_object = Map::new();
                for key in urls {
                    if let Some(value) = definition.get(*key) {
                        flow_object.insert((*key).into(), value.clone());
                    }
                }
                let scopes = definition.get("scopes").cloned().unwrap_or_else(|| json!({}));
                flow_object.insert("scopes".into(), scopes);
                scheme.insert("type".into(), json!("oauth2"));
                scheme.insert("flows".into(), json!({ name: flow_object }));
            }
            other => {
                self.diagnose(
                    join(pointer, "type"),
                    format!("unknown security scheme type {other:?}; security scheme skipped"),
                );
                return None;
            }
        }
        for (key, value) in definition {
            if key == "description" || key.starts_with("x-") {
                scheme.insert(key.clone(), value.clone());
            }
        }
        Some(Value::Object(scheme))
    }

    /// A `$ref: '#/parameters/X'` (or `#/responses/X`) target in the 2.0 document and its pointer.
    fn target(&self, reference: &str) -> Option<(&'a Value, String)> {
        let pointer = reference.strip_prefix('#')?;
        let rest = pointer.strip_prefix('/')?;
        let (first, tail) = match rest.split_once('/') {
            Some((first, tail)) => (first, format!("/{tail}")),
            None => (rest, String::new()),
        };
        let found = self.source.get(&first.replace("~1", "/").replace("~0", "~"))?;
        let found = if tail.is_empty() { found } else { found.pointer(&tail)? };
        Some((found, pointer.to_owned()))
    }
}

/// A list of strings (`consumes`, `produces`, `schemes`); anything else is empty.
fn media_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Whether a media type carries a sequence of JSON items rather than one value.
pub(crate) fn is_sequential(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/jsonl"
            | "application/x-ndjson"
            | "application/json-seq"
            | "application/x-jsonlines"
            | "application/stream+json"
            | "text/event-stream"
    )
}

#[cfg(test)]
mod tests;
