//! Stage 2: rewrite OpenAPI 3.1 (JSON Schema 2020-12) constructs into the OpenAPI 3.0
//! forms that `openapiv3` understands, recording every rewrite.
//!
//! | 3.1 construct | becomes |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `type: "null"` | `nullable: true` (any value) |
//! | `anyOf`/`oneOf` with a `{type: null}` member | the other members, `nullable: true` (a single remaining member becomes `allOf: [it]`) |
//! | `const: v` | `enum: [v]` |
//! | `examples: [...]` (in a schema) | `example: <first>` |
//! | numeric `exclusiveMinimum`/`exclusiveMaximum` | `minimum`/`maximum` + boolean flag |
//! | `$ref` with sibling keywords | `allOf: [{$ref}]` plus the siblings |
//! | boolean schemas `true` / `false` | `{}` / `{not: {}}` |
//! | missing `paths` (webhook-only documents) | `paths: {}` |
//! | `type: object` (and/or `properties`) beside `allOf` | the object keywords as one more `allOf` member |
//! | `type: object` beside `oneOf`/`anyOf` (no own properties) | the bare `oneOf`/`anyOf` |
//!
//! Only schema positions are rewritten; example values and `x-…` extension values are
//! data and never touched. A schema whose keywords have the wrong JSON type is replaced
//! by `{}` (any value) and reported, so one bad schema never aborts the document.

use crate::diagnostics::{Diagnostic, GenerateError};
use crate::pointer::join;
use serde_json::{Map, Value};

/// One rewrite made to the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// Where, as a JSON pointer into the original document.
    pub pointer: String,
    /// What was rewritten.
    pub what: &'static str,
}

/// Keys of a schema whose value is a schema.
const SCHEMA_VALUED: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];
/// Keys of a schema whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keys of a schema whose value is a map of schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keys whose values are data, never walked.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const", "x-examples"];

/// Normalises `document` and returns it with the list of rewrites; a misshapen schema
/// is an error (see [`normalize_lenient`] for the form that degrades instead).
pub fn normalize(document: Value) -> Result<(Value, Vec<Rewrite>), GenerateError> {
    let (document, rewrites, problems) = normalize_lenient(document)?;
    match problems.into_iter().next() {
        Some(problem) => Err(GenerateError::new(problem.pointer, problem.message)),
        None => Ok((document, rewrites)),
    }
}

/// Normalises `document`; a schema with misshapen keywords is replaced by `{}` and
/// reported as a diagnostic. Only a document that is not OpenAPI 3 is an error.
pub fn normalize_lenient(mut document: Value) -> Result<(Value, Vec<Rewrite>, Vec<Diagnostic>), GenerateError> {
    let Some(root) = document.as_object_mut() else {
        return Err(GenerateError::new("", "the document is not a JSON/YAML object"));
    };
    let version = root
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if version.is_empty() {
        let message = if root.contains_key("swagger") {
            "this is a Swagger 2.0 document: convert it with `apigen::swagger2::convert` first \
             (`apigen::generate` does so itself)"
        } else {
            "missing `openapi` version field; not an OpenAPI 3 document"
        };
        return Err(GenerateError::new("/openapi", message));
    }
    if !version.starts_with("3.") {
        return Err(GenerateError::new(
            "/openapi",
            format!("unsupported OpenAPI version {version:?}; expected 3.0.x, 3.1.x or 3.2.x"),
        ));
    }
    let mut rewrites = Vec::new();
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
        rewrites.push(Rewrite {
            pointer: "/paths".into(),
            what: "missing `paths` added as an empty object",
        });
    }
    let mut problems = Vec::new();
    walk_document(&mut document, "", "", &mut rewrites, &mut problems);
    let problems = problems
        .into_iter()
        .map(|problem| {
            Diagnostic::new(
                problem.pointer,
                format!(
                    "{}; the schema holding it accepts any JSON value (serde_json::Value)",
                    problem.message
                ),
            )
        })
        .collect();
    Ok((document, rewrites, problems))
}

/// Keys whose value maps user-chosen names (which may start with `x-`) to objects;
/// everywhere else an `x-` key is a specification extension.
const NAME_MAPS: &[&str] = &[
    "paths",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
    "pathItems",
    "webhooks",
];

/// Walks non-schema parts of the document, entering schemas where they start.
/// `parent` is the key `value` sits under.
fn walk_document(
    value: &mut Value,
    pointer: &str,
    parent: &str,
    rewrites: &mut Vec<Rewrite>,
    problems: &mut Vec<GenerateError>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let child_pointer = join(pointer, key);
                // Extension values are opaque vendor data, even when they look like schemas.
                let extension = key.starts_with("x-") && !NAME_MAPS.contains(&parent);
                if DATA_KEYS.contains(&key.as_str()) || extension {
                    continue;
                }
                if key == "schema" || key == "itemSchema" {
                    normalize_schema(child, &child_pointer, rewrites, problems);
                } else if key == "schemas" && pointer == "/components" {
                    if let Value::Object(schemas) = child {
                        for (name, schema) in schemas.iter_mut() {
                            normalize_schema(schema, &join(&child_pointer, name), rewrites, problems);
                        }
                    }
                } else {
                    walk_document(child, &child_pointer, key, rewrites, problems);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk_document(item, &format!("{pointer}/{index}"), "", rewrites, problems);
            }
        }
        _ => {}
    }
}

/// A schema keyword whose value has the wrong JSON type (e.g. `properties: "x"`).
/// Caught here, before `openapiv3`, whose untagged parsing of such input can take
/// time exponential in the nesting depth.
fn misshapen_keyword(map: &Map<String, Value>, pointer: &str) -> Option<GenerateError> {
    let kind = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    for (key, value) in map {
        let expected = match key.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => (!value
                .as_object()
                .is_some_and(|members| members.values().all(|member| member.is_object() || member.is_boolean())))
            .then_some("an object whose values are schemas"),
            "discriminator" => (!value.is_object()).then_some("an object"),
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => (!value
                .as_array()
                .is_some_and(|items| items.iter().all(|item| item.is_object() || item.is_boolean())))
            .then_some("an array of schemas"),
            "items" | "additionalProperties" | "not" | "contains" | "propertyNames" | "if" | "then" | "else" => {
                (!(value.is_object() || value.is_boolean() || (key == "items" && value.is_array())))
                    .then_some("a schema (object or boolean)")
            }
            "required" => (!value.as_array().is_some_and(|items| items.iter().all(Value::is_string)))
                .then_some("an array of strings"),
            "type" => (!(value.is_string() || value.is_array())).then_some("a string or an array of strings"),
            "enum" => (!value.is_array()).then_some("an array"),
            "$ref" => (!value.is_string()).then_some("a string"),
            _ => None,
        };
        if let Some(expected) = expected {
            return Some(GenerateError::new(
                join(pointer, key),
                format!("`{key}` must be {expected}, found {}", kind(value)),
            ));
        }
    }
    None
}

fn is_null_schema(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    match map.get("type") {
        Some(Value::String(kind)) => kind == "null",
        Some(Value::Array(kinds)) => kinds.len() == 1 && kinds[0] == "null",
        _ => {
            map.get("const") == Some(&Value::Null)
                || map
                    .get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.len() == 1 && e[0].is_null())
        }
    }
}

/// Normalises one schema and, recursively, its subschemas.
pub fn normalize_schema(
    schema: &mut Value,
    pointer: &str,
    rewrites: &mut Vec<Rewrite>,
    problems: &mut Vec<GenerateError>,
) {
    if let Value::Bool(flag) = schema {
        let replacement = if *flag {
            Value::Object(Map::new())
        } else {
            serde_json::json!({"not": {}})
        };
        *schema = replacement;
        rewrites.push(Rewrite {
            pointer: pointer.into(),
            what: "boolean schema replaced by its object form",
        });
        return;
    }
    let Value::Object(map) = schema else {
        return;
    };
    rewrite_type_array(map, pointer, rewrites);
    rewrite_nullable_union(map, pointer, rewrites);
    rewrite_keywords(map, pointer, rewrites);
    rewrite_ref_siblings(map, pointer, rewrites);
    if let Some(problem) = misshapen_keyword(map, pointer) {
        problems.push(problem);
        // Degrade this schema only: keep its documentation, accept any value.
        map.retain(|key, value| {
            (matches!(key.as_str(), "description" | "title") && value.is_string()) || key.starts_with("x-")
        });
        return;
    }
    rewrite_typed_composition(map, pointer, rewrites);
    recurse(map, pointer, rewrites, problems);
}

/// Object keywords that can move into an `allOf` member without changing the meaning.
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// `{type: object, properties…, allOf: […]}` means "all of the members, and this
/// object": the own object keywords become one more member, so the schema merges
/// exactly like the bare `allOf` form. `type: object` beside `oneOf`/`anyOf` (with
/// no own properties) only restates what every member says, so it is dropped.
fn rewrite_typed_composition(map: &mut Map<String, Value>, pointer: &str, rewrites: &mut Vec<Rewrite>) {
    let typed_object = map.get("type").and_then(Value::as_str) == Some("object");
    let has_object_keywords = OBJECT_KEYWORDS.iter().any(|key| map.contains_key(*key));
    if matches!(map.get("allOf"), Some(Value::Array(_))) && (typed_object || has_object_keywords) {
        let mut own = Map::new();
        own.insert("type".into(), Value::String("object".into()));
        for key in OBJECT_KEYWORDS {
            if let Some(value) = map.remove(*key) {
                own.insert((*key).into(), value);
            }
        }
        if typed_object {
            map.remove("type");
        }
        if let Some(Value::Array(members)) = map.get_mut("allOf") {
            if own.len() > 1 {
                members.push(Value::Object(own));
            }
        }
        rewrites.push(Rewrite {
            pointer: join(pointer, "allOf"),
            what: "`type: object` / object keywords beside `allOf` merged as one more `allOf` member",
        });
        return;
    }
    // `{$ref: X, type: string}` (written as `allOf: [{$ref: X}]` plus `type` by the
    // `$ref`-siblings rewrite) only restates the target's type: the member decides.
    let restates_type = matches!(map.get("type"), Some(Value::String(_)))
        && matches!(map.get("allOf"), Some(Value::Array(_)))
        && map.keys().all(|key| {
            matches!(key.as_str(), "type" | "allOf" | "nullable" | "example" | "default")
                || ANNOTATIONS.contains(&key.as_str())
                || key.starts_with("x-")
        });
    if restates_type {
        map.remove("type");
        rewrites.push(Rewrite {
            pointer: join(pointer, "type"),
            what: "`type` beside an `allOf` with no other constraint dropped (the members decide)",
        });
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if typed_object && !has_object_keywords && matches!(map.get(key), Some(Value::Array(_))) {
            map.remove("type");
            rewrites.push(Rewrite {
                pointer: join(pointer, "type"),
                what: "`type: object` beside `oneOf`/`anyOf` dropped (every member says it)",
            });
            return;
        }
    }
}

fn rewrite_type_array(map: &mut Map<String, Value>, pointer: &str, rewrites: &mut Vec<Rewrite>) {
    match map.get("type").cloned() {
        Some(Value::Array(kinds)) => {
            let nullable = kinds.iter().any(|kind| kind == "null");
            let others: Vec<Value> = kinds.into_iter().filter(|kind| kind != "null").collect();
            map.remove("type");
            match others.len() {
                0 => {}
                1 => {
                    map.insert("type".into(), others[0].clone());
                }
                _ => {
                    let members = others.iter().map(|kind| serde_json::json!({ "type": kind })).collect();
                    map.insert("anyOf".into(), Value::Array(members));
                }
            }
            if nullable {
                map.insert("nullable".into(), Value::Bool(true));
            }
            rewrites.push(Rewrite {
                pointer: join(pointer, "type"),
                what: "`type` array rewritten as a single type (with `nullable`) or `anyOf`",
            });
        }
        Some(Value::String(kind)) if kind == "null" => {
            map.remove("type");
            map.insert("nullable".into(), Value::Bool(true));
            rewrites.push(Rewrite {
                pointer: join(pointer, "type"),
                what: "`type: null` rewritten as `nullable: true`",
            });
        }
        _ => {}
    }
}

fn rewrite_nullable_union(map: &mut Map<String, Value>, pointer: &str, rewrites: &mut Vec<Rewrite>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = map.get(key) else {
            continue;
        };
        if !members.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = members
            .iter()
            .filter(|member| !is_null_schema(member))
            .cloned()
            .collect();
        map.remove(key);
        map.insert("nullable".into(), Value::Bool(true));
        if rest.len() == 1 && !map.contains_key("allOf") {
            map.insert("allOf".into(), Value::Array(rest));
        } else if !rest.is_empty() {
            map.insert(key.into(), Value::Array(rest));
        }
        rewrites.push(Rewrite {
            pointer: join(pointer, key),
            what: "`{type: null}` member removed from a union; the schema is `nullable` instead",
        });
    }
}

fn rewrite_keywords(map: &mut Map<String, Value>, pointer: &str, rewrites: &mut Vec<Rewrite>) {
    if let Some(constant) = map.remove("const") {
        if !map.contains_key("enum") {
            if map.get("type").is_none() {
                let kind = match &constant {
                    Value::String(_) => Some("string"),
                    Value::Bool(_) => Some("boolean"),
                    Value::Number(number) if number.is_i64() || number.is_u64() => Some("integer"),
                    Value::Number(_) => Some("number"),
                    _ => None,
                };
                if let Some(kind) = kind {
                    map.insert("type".into(), Value::String(kind.into()));
                }
            }
            map.insert("enum".into(), Value::Array(vec![constant]));
        }
        rewrites.push(Rewrite {
            pointer: join(pointer, "const"),
            what: "`const` rewritten as a one-value `enum`",
        });
    }
    if let Some(Value::Array(examples)) = map.get("examples").cloned() {
        map.remove("examples");
        if let (Some(first), false) = (examples.into_iter().next(), map.contains_key("example")) {
            map.insert("example".into(), first);
        }
        rewrites.push(Rewrite {
            pointer: join(pointer, "examples"),
            what: "schema `examples` array rewritten as `example`",
        });
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(limit)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), Value::Number(limit));
            map.insert(exclusive.into(), Value::Bool(true));
            rewrites.push(Rewrite {
                pointer: join(pointer, exclusive),
                what: "numeric exclusive bound rewritten as bound + boolean flag",
            });
        }
    }
}

/// Annotation keywords that may sit beside `$ref` without changing its meaning.
const ANNOTATIONS: &[&str] = &[
    "summary",
    "description",
    "title",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

fn rewrite_ref_siblings(map: &mut Map<String, Value>, pointer: &str, rewrites: &mut Vec<Rewrite>) {
    let Some(reference) = map.get("$ref").cloned() else {
        return;
    };
    let meaningful = map
        .keys()
        .any(|key| key != "$ref" && !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-"));
    let has_doc = map.contains_key("description");
    if !meaningful && !has_doc {
        return;
    }
    map.remove("$ref");
    let mut all_of = vec![serde_json::json!({ "$ref": reference })];
    if let Some(Value::Array(existing)) = map.remove("allOf") {
        all_of.extend(existing);
    }
    map.insert("allOf".into(), Value::Array(all_of));
    rewrites.push(Rewrite {
        pointer: join(pointer, "$ref"),
        what: "`$ref` with sibling keywords wrapped in `allOf`",
    });
}

fn recurse(
    map: &mut Map<String, Value>,
    pointer: &str,
    rewrites: &mut Vec<Rewrite>,
    problems: &mut Vec<GenerateError>,
) {
    for (key, child) in map.iter_mut() {
        let child_pointer = join(pointer, key);
        if SCHEMA_VALUED.contains(&key.as_str()) {
            if key == "additionalProperties" && child.is_boolean() {
                continue;
            }
            if key == "items" {
                if let Value::Array(tuple) = child {
                    for (index, item) in tuple.iter_mut().enumerate() {
                        normalize_schema(item, &format!("{child_pointer}/{index}"), rewrites, problems);
                    }
                    continue;
                }
            }
            normalize_schema(child, &child_pointer, rewrites, problems);
        } else if SCHEMA_LISTS.contains(&key.as_str()) {
            if let Value::Array(items) = child {
                for (index, item) in items.iter_mut().enumerate() {
                    normalize_schema(item, &format!("{child_pointer}/{index}"), rewrites, problems);
                }
            }
        } else if SCHEMA_MAPS.contains(&key.as_str()) {
            if let Value::Object(members) = child {
                for (name, member) in members.iter_mut() {
                    normalize_schema(member, &join(&child_pointer, name), rewrites, problems);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(input: Value) -> (Value, usize) {
        let doc = json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"S": input}}});
        let (out, rewrites) = normalize(doc).unwrap();
        (out["components"]["schemas"]["S"].clone(), rewrites.len())
    }

    #[test]
    fn type_arrays_become_nullable() {
        let (out, count) = schema(json!({"type": ["string", "null"]}));
        assert_eq!(out, json!({"type": "string", "nullable": true}));
        assert_eq!(count, 1);
    }

    #[test]
    fn null_union_members_become_nullable() {
        let (out, _) = schema(json!({"anyOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}));
        assert_eq!(
            out,
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        let (out, _) = schema(json!({"const": "sequence", "examples": ["a", "b"]}));
        assert_eq!(out, json!({"type": "string", "enum": ["sequence"], "example": "a"}));
        let (out, _) = schema(json!({"type": "number", "exclusiveMinimum": 0}));
        assert_eq!(out, json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
    }

    #[test]
    fn example_values_are_not_rewritten() {
        let (out, count) = schema(json!({"type": "object", "example": {"type": ["a", "null"]}}));
        assert_eq!(out["example"], json!({"type": ["a", "null"]}));
        assert_eq!(count, 0);
    }

    #[test]
    fn misshapen_schema_keywords_are_errors_with_a_pointer() {
        let doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"S": {
            "type": "object", "properties": {"a": {"type": "object", "properties": "oops"}}}}}});
        let err = normalize(doc).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/S/properties/a/properties");
        assert!(err.message.contains("must be an object"), "{err}");
    }

    #[test]
    fn typed_object_beside_all_of_becomes_a_member() {
        let (out, _) = schema(json!({"type": "object", "required": ["b"],
            "properties": {"b": {"type": "string"}}, "allOf": [{"$ref": "#/components/schemas/Base"}]}));
        assert_eq!(
            out,
            json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}]})
        );
        let (out, _) = schema(json!({"type": "object", "allOf": [{"$ref": "#/components/schemas/Base"}]}));
        assert_eq!(out, json!({"allOf": [{"$ref": "#/components/schemas/Base"}]}));
        let (out, _) = schema(json!({"type": "object", "oneOf": [{"$ref": "#/components/schemas/A"}]}));
        assert_eq!(out, json!({"oneOf": [{"$ref": "#/components/schemas/A"}]}));
        let (out, _) = schema(json!({"type": "string", "$ref": "#/components/schemas/Code", "description": "d"}));
        assert_eq!(
            out,
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/Code"}]})
        );
        let (out, _) =
            schema(json!({"type": "string", "minLength": 1, "allOf": [{"$ref": "#/components/schemas/Code"}]}));
        assert_eq!(out["type"], "string", "a real constraint beside it keeps `type`");
    }

    #[test]
    fn extension_values_are_never_walked_and_bad_schemas_degrade() {
        let doc = json!({"openapi": "3.0.3", "paths": {"/a": {"x-vendor": {"schema": {"properties": 5}}}},
            "components": {"schemas": {"Bad": {"description": "d", "properties": [1]}, "Good": {"type": "string"}}}});
        let (out, _, problems) = normalize_lenient(doc).unwrap();
        assert_eq!(out["paths"]["/a"]["x-vendor"], json!({"schema": {"properties": 5}}));
        assert_eq!(out["components"]["schemas"]["Bad"], json!({"description": "d"}));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/components/schemas/Bad/properties");
    }

    #[test]
    fn rejects_non_openapi_documents() {
        assert_eq!(normalize(json!({"swagger": "2.0"})).unwrap_err().pointer, "/openapi");
        assert!(normalize(json!({"openapi": "4.0.0"})).is_err());
        assert!(normalize(json!([1])).is_err());
    }
}
