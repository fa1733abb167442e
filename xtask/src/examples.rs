//! Response examples of a spec as test vectors: every 2xx JSON response example
//! (`example`, `examples`, `$ref`s to `components/examples`, also through `$ref`'d
//! `components/responses`), each checked against its own schema with a JSON Schema
//! validator so a later decoding failure can be blamed on the spec or on the generator.

use serde_json::{Map, Value};

/// One example to decode.
#[derive(Debug, Clone)]
pub struct Example {
    /// Where the operation's response is (`/paths/~1pets/get/responses/200`).
    pub response: String,
    /// Pointer of the operation (`/paths/~1pets/get`).
    pub operation: String,
    /// The status code of the response.
    pub status: u16,
    /// Where the example value itself is (after following `$ref`s).
    pub pointer: String,
    /// Where the schema it should match is, when the media type has one.
    pub schema: Option<String>,
    /// The example value.
    pub value: Value,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every 2xx JSON response example of `document`, in document order. Examples given
/// only by `externalValue` are not included (they are not in the document).
pub fn collect(document: &Value) -> Vec<Example> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        let item_pointer = format!("/paths/{}", escape(path));
        let Some((item, _)) = follow(document, item, &item_pointer) else {
            continue;
        };
        for method in METHODS {
            let Some(responses) = item
                .get(method)
                .and_then(|op| op.get("responses"))
                .and_then(Value::as_object)
            else {
                continue;
            };
            let operation = format!("{item_pointer}/{method}");
            for (code, response) in responses {
                let Ok(status) = code.parse::<u16>() else {
                    continue;
                };
                if !(200..300).contains(&status) {
                    continue;
                }
                let response_pointer = format!("{operation}/responses/{code}");
                let Some((response, at)) = follow(document, response, &response_pointer) else {
                    continue;
                };
                let Some(content) = response.get("content").and_then(Value::as_object) else {
                    continue;
                };
                for (media, body) in content {
                    if !is_json(media) {
                        continue;
                    }
                    let media_pointer = format!("{at}/content/{}", escape(media));
                    let schema = body.get("schema").map(|_| format!("{media_pointer}/schema"));
                    let mut push = |pointer: String, value: Value| {
                        found.push(Example {
                            response: response_pointer.clone(),
                            operation: operation.clone(),
                            status,
                            pointer,
                            schema: schema.clone(),
                            value,
                        })
                    };
                    if let Some(value) = body.get("example") {
                        push(format!("{media_pointer}/example"), value.clone());
                    }
                    for (name, example) in body.get("examples").and_then(Value::as_object).into_iter().flatten() {
                        let example_pointer = format!("{media_pointer}/examples/{}", escape(name));
                        let Some((example, at)) = follow(document, example, &example_pointer) else {
                            continue;
                        };
                        if let Some(value) = example.get("value") {
                            push(format!("{at}/value"), value.clone());
                        }
                    }
                }
            }
        }
    }
    found
}

/// `application/json`, `application/problem+json`, `application/json; charset=utf-8`.
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Follows local `$ref`s (at most 16) from `value`; returns the target and its pointer.
pub fn follow<'a>(document: &'a Value, value: &'a Value, pointer: &str) -> Option<(&'a Value, String)> {
    let mut current = value;
    let mut at = pointer.to_owned();
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Some((current, at));
        };
        let target = reference.strip_prefix('#')?;
        current = document.pointer(target)?;
        at = target.to_owned();
    }
    None
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Checks examples against their schemas inside one document.
pub struct SchemaChecker {
    /// The document, rewritten for the validator's draft (3.0 `nullable`).
    document: Value,
    /// The document as written.
    original: Value,
    draft: jsonschema::Draft,
}

/// Key under which the schema to check against is placed in the document copy.
const TARGET: &str = "__apigen_example_schema";

impl SchemaChecker {
    /// A checker for `document`: OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0
    /// schemas are checked as draft 4 (their base) after rewriting `nullable: true`
    /// into an explicit `null` alternative.
    pub fn new(document: &Value) -> Self {
        let version = document.get("openapi").and_then(Value::as_str).unwrap_or("3.0");
        let original = document.clone();
        let mut document = document.clone();
        if version.starts_with("3.1") {
            Self {
                document,
                original,
                draft: jsonschema::Draft::Draft202012,
            }
        } else {
            if let Some(components) = document.get_mut("components") {
                rewrite_nullable(components);
            }
            if let Some(paths) = document.get_mut("paths") {
                rewrite_nullable(paths);
            }
            Self {
                document,
                original,
                draft: jsonschema::Draft::Draft4,
            }
        }
    }

    /// `Ok(())` when `value` matches the schema at `schema_pointer`, else the first
    /// few violations, each as `instance pointer: message`.
    pub fn check(&mut self, schema_pointer: &str, value: &Value) -> Result<(), Vec<String>> {
        let Some(schema) = self.document.pointer(schema_pointer).cloned() else {
            return Err(vec![format!("schema {schema_pointer} not found")]);
        };
        // The whole document is the root resource so `#/components/...` references
        // inside the schema resolve; the root itself only points at the target.
        let definitions = if self.draft == jsonschema::Draft::Draft4 {
            "definitions"
        } else {
            "$defs"
        };
        let mut root = self.document.clone();
        let Some(object) = root.as_object_mut() else {
            return Err(vec!["document is not an object".into()]);
        };
        let mut holder = Map::new();
        holder.insert(TARGET.into(), schema);
        object.insert(definitions.into(), Value::Object(holder));
        object.insert(
            "allOf".into(),
            serde_json::json!([{ "$ref": format!("#/{definitions}/{TARGET}") }]),
        );
        let validator = jsonschema::options()
            .with_draft(self.draft)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|err| vec![format!("schema does not compile: {err}")])?;
        let errors: Vec<String> = validator
            .iter_errors(value)
            .take(3)
            .map(|err| format!("#{}: {err}", err.instance_path()))
            .map(|text| text.chars().take(300).collect())
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl SchemaChecker {
    /// True when the schema at `schema_pointer` declares the instance location
    /// `instance_pointer` (a `properties` entry, `items`, or an `additionalProperties`
    /// schema along the way, looking through `$ref`s and `allOf`/`oneOf`/`anyOf`).
    pub fn declares(&self, schema_pointer: &str, instance_pointer: &str) -> bool {
        let Some(schema) = self.original.pointer(schema_pointer) else {
            return false;
        };
        let segments: Vec<String> = instance_pointer
            .split('/')
            .skip(1)
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
            .collect();
        declares(&self.original, schema, &segments, 0)
    }
}

fn declares(document: &Value, schema: &Value, segments: &[String], depth: usize) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return true;
    };
    if depth > 64 {
        return false;
    }
    let mut members = Vec::new();
    flatten(document, schema, &mut members, 0);
    members.iter().any(|member| {
        let mut candidates = Vec::new();
        if let Some(property) = member.get("properties").and_then(|p| p.get(first.as_str())) {
            candidates.push(property);
        }
        if first.parse::<usize>().is_ok() {
            candidates.extend(member.get("items"));
        }
        match member.get("additionalProperties") {
            Some(Value::Bool(true)) => return true,
            Some(extra @ Value::Object(_)) => candidates.push(extra),
            _ => {}
        }
        candidates
            .into_iter()
            .any(|candidate| declares(document, candidate, rest, depth + 1))
    })
}

/// `schema` and every `allOf`/`oneOf`/`anyOf` member below it, `$ref`s followed.
fn flatten<'a>(document: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Some((schema, _)) = follow(document, schema, "") else {
        return;
    };
    out.push(schema);
    for key in ["allOf", "oneOf", "anyOf"] {
        for member in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            flatten(document, member, out, depth + 1);
        }
    }
}

/// OpenAPI 3.0 `nullable: true` → an explicit `null` alternative, everywhere below
/// `value` (only the validator's copy is rewritten).
fn rewrite_nullable(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for child in object.values_mut() {
                rewrite_nullable(child);
            }
            if object.get("nullable") != Some(&Value::Bool(true)) {
                return;
            }
            object.remove("nullable");
            let simple_type = object.get("type").and_then(Value::as_str).map(str::to_owned);
            match simple_type {
                Some(ty) if !object.contains_key("$ref") => {
                    object.insert("type".into(), serde_json::json!([ty, "null"]));
                    if let Some(Value::Array(values)) = object.get_mut("enum") {
                        if !values.contains(&Value::Null) {
                            values.push(Value::Null);
                        }
                    }
                }
                _ => {
                    let inner = Value::Object(std::mem::take(object));
                    object.insert("anyOf".into(), serde_json::json!([inner, { "type": "null" }]));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_nullable),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{collect, SchemaChecker};
    use serde_json::json;

    fn document(version: &str) -> serde_json::Value {
        json!({
            "openapi": version,
            "paths": {
                "/pets/{id}": {
                    "get": {"responses": {
                        "200": {"$ref": "#/components/responses/Pet"},
                        "404": {"content": {"application/json": {"example": {"ignored": true}}}}
                    }}
                },
                "/pets": {
                    "get": {"responses": {"200": {"content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                            "example": [{"name": "Rex", "tag": null}]
                        },
                        "application/xml": {"example": "<pets/>"}
                    }}}}
                }
            },
            "components": {
                "responses": {"Pet": {"description": "one", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"},
                    "examples": {"rex": {"$ref": "#/components/examples/Rex"}, "bad": {"value": {"name": 7}}}
                }}}},
                "examples": {"Rex": {"value": {"name": "Rex", "extra": 1}}},
                "schemas": {"Pet": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}, "tag": {"type": "string", "nullable": true}}
                }}
            }
        })
    }

    #[test]
    fn examples_are_found_through_refs_and_only_for_2xx_json() {
        let doc = document("3.0.3");
        let found = collect(&doc);
        let pointers: Vec<&str> = found.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/examples/Rex/value",
                "/components/responses/Pet/content/application~1json/examples/bad/value",
                "/paths/~1pets/get/responses/200/content/application~1json/example",
            ]
        );
        assert_eq!(found[0].response, "/paths/~1pets~1{id}/get/responses/200");
        assert_eq!(found[0].operation, "/paths/~1pets~1{id}/get");
        assert_eq!(
            found[0].schema.as_deref(),
            Some("/components/responses/Pet/content/application~1json/schema")
        );
    }

    #[test]
    fn examples_are_validated_against_their_schema_with_nullable() {
        let doc = document("3.0.3");
        let mut checker = SchemaChecker::new(&doc);
        let found = collect(&doc);
        let verdicts: Vec<bool> = found
            .iter()
            .map(|e| checker.check(e.schema.as_deref().unwrap_or(""), &e.value).is_ok())
            .collect();
        // Rex is valid (extra members are allowed), `bad` has a number for a string, the
        // list's `tag: null` is allowed by `nullable: true`.
        assert_eq!(verdicts, [true, false, true]);
        let errors = checker
            .check(found[1].schema.as_deref().unwrap_or(""), &found[1].value)
            .err()
            .unwrap_or_default();
        assert!(errors[0].starts_with("#/name: "), "{errors:?}");
        // Without the 3.0 rewrite (a 3.1 document), `nullable` means nothing: null fails.
        let doc31 = document("3.1.0");
        let mut strict = SchemaChecker::new(&doc31);
        assert!(strict
            .check(found[2].schema.as_deref().unwrap_or(""), &found[2].value)
            .is_err());
    }

    #[test]
    fn declared_members_are_told_from_undeclared_ones() {
        let doc = document("3.0.3");
        let checker = SchemaChecker::new(&doc);
        let schema = "/paths/~1pets/get/responses/200/content/application~1json/schema";
        assert!(checker.declares(schema, "/0/name"));
        assert!(checker.declares(schema, "/0/tag"));
        assert!(!checker.declares(schema, "/0/extra"));
    }
}
