//! Swagger 2.0 schemas (and the schema keywords of parameters, items and headers) →
//! OpenAPI 3.0 schemas.
//!
//! | 2.0 | 3.0 |
//! |---|---|
//! | `$ref: '#/definitions/X'` (`#/parameters/`, `#/responses/`) | `#/components/schemas/X` (`parameters`, `responses`) |
//! | `x-nullable: true` | `nullable: true` |
//! | `discriminator: prop` | `discriminator: {propertyName: prop}` |
//! | `type: file` | `type: string, format: binary` |
//!
//! Example, default and enum values and `x-…` extensions are data: copied untouched.

use serde_json::{Map, Value};

/// Keys whose value is one schema.
const ONE_SCHEMA: &[&str] = &["items", "additionalProperties", "not"];
/// Keys whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// A `$ref` into the 2.0 document rewritten to where the same thing is in 3.0; other
/// references (to other files) are kept as written.
pub fn rewrite_ref(reference: &str) -> String {
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(rest) = reference.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    reference.to_owned()
}

/// Converts one schema and its subschemas.
pub fn schema(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, child) in map {
        match key.as_str() {
            "$ref" => {
                let converted = child.as_str().map(rewrite_ref).map(Value::String);
                out.insert(key.clone(), converted.unwrap_or_else(|| child.clone()));
            }
            "x-nullable" if child.is_boolean() => {
                out.insert("nullable".into(), child.clone());
            }
            "discriminator" => {
                let converted = match child {
                    Value::String(property) => serde_json::json!({ "propertyName": property }),
                    other => other.clone(),
                };
                out.insert(key.clone(), converted);
            }
            "type" if child == "file" => {
                out.insert(key.clone(), Value::String("string".into()));
                if !map.contains_key("format") {
                    out.insert("format".into(), Value::String("binary".into()));
                }
            }
            "properties" => {
                let converted = match child {
                    Value::Object(members) => Value::Object(
                        members
                            .iter()
                            .map(|(name, member)| (name.clone(), schema(member)))
                            .collect(),
                    ),
                    other => other.clone(),
                };
                out.insert(key.clone(), converted);
            }
            _ if ONE_SCHEMA.contains(&key.as_str()) => {
                let converted = match child {
                    Value::Array(members) => Value::Array(members.iter().map(schema).collect()),
                    other => schema(other),
                };
                out.insert(key.clone(), converted);
            }
            _ if SCHEMA_LISTS.contains(&key.as_str()) => {
                let converted = match child {
                    Value::Array(members) => Value::Array(members.iter().map(schema).collect()),
                    other => other.clone(),
                };
                out.insert(key.clone(), converted);
            }
            _ => {
                out.insert(key.clone(), child.clone());
            }
        }
    }
    Value::Object(out)
}

/// Schema keywords a 2.0 parameter, items or header object carries inline.
const INLINE_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The schema of a non-body parameter, items or header object: its inline schema
/// keywords gathered into one schema (`collectionFormat` is the caller's business).
pub fn inline_schema(object: &Map<String, Value>) -> Value {
    let mut gathered = Map::new();
    for key in INLINE_SCHEMA_KEYS {
        if let Some(value) = object.get(*key) {
            let value = match (*key, value) {
                ("items", Value::Object(items)) => inline_schema(items),
                _ => value.clone(),
            };
            gathered.insert((*key).to_owned(), value);
        }
    }
    schema(&Value::Object(gathered))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_nullable_discriminator_and_files_are_rewritten() {
        let input = json!({
            "type": "object", "discriminator": "kind", "x-nullable": true,
            "properties": {
                "pet": {"$ref": "#/definitions/Pet", "x-nullable": true},
                "upload": {"type": "file"},
                "list": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                "other": {"$ref": "other.yaml#/definitions/Pet"}
            },
            "allOf": [{"$ref": "#/definitions/Base"}],
            "additionalProperties": {"$ref": "#/definitions/Pet"},
            "example": {"$ref": "#/definitions/NotARef", "x-nullable": true}
        });
        assert_eq!(
            schema(&input),
            json!({
                "type": "object", "discriminator": {"propertyName": "kind"}, "nullable": true,
                "properties": {
                    "pet": {"$ref": "#/components/schemas/Pet", "nullable": true},
                    "upload": {"type": "string", "format": "binary"},
                    "list": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                    "other": {"$ref": "other.yaml#/definitions/Pet"}
                },
                "allOf": [{"$ref": "#/components/schemas/Base"}],
                "additionalProperties": {"$ref": "#/components/schemas/Pet"},
                "example": {"$ref": "#/definitions/NotARef", "x-nullable": true}
            })
        );
    }

    #[test]
    fn inline_parameter_keywords_become_a_schema() {
        let parameter = json!({"name": "ids", "in": "query", "type": "array", "collectionFormat": "csv",
            "items": {"type": "integer", "format": "int64", "minimum": 1}, "maxItems": 5, "description": "d"});
        let Value::Object(parameter) = parameter else {
            unreachable!()
        };
        assert_eq!(
            inline_schema(&parameter),
            json!({"type": "array", "items": {"type": "integer", "format": "int64", "minimum": 1}, "maxItems": 5})
        );
    }
}
