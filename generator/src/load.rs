//! Stage 1: spec text → JSON value (YAML or JSON).

use crate::diagnostics::GenerateError;
use serde_json::Value;

/// Parses `text` as JSON or YAML, chosen by the extension of `file_name`.
pub fn load(text: &str, file_name: &str) -> Result<Value, GenerateError> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return from_json(text);
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return from_yaml(text);
    }
    from_json(text).or_else(|_| from_yaml(text))
}

fn from_json(text: &str) -> Result<Value, GenerateError> {
    serde_json::from_str(text).map_err(|err| {
        GenerateError::new(
            "",
            format!("not valid JSON (line {}, column {}): {err}", err.line(), err.column()),
        )
    })
}

fn from_yaml(text: &str) -> Result<Value, GenerateError> {
    serde_yaml::from_str::<AnyValue>(text)
        .map(|AnyValue(value)| value)
        .map_err(|err| {
            let place = err
                .location()
                .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
                .unwrap_or_default();
            GenerateError::new("", format!("not valid YAML{place}: {err}"))
        })
}

/// A JSON value read straight from YAML. Unlike `serde_json::Value` it accepts what
/// YAML allows and JSON does not: integers beyond 64 bits (kept as the nearest float)
/// and non-string mapping keys (written as strings, as OpenAPI tools do).
struct AnyValue(Value);

impl<'de> serde::Deserialize<'de> for AnyValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnyVisitor)
    }
}

struct AnyVisitor;

impl<'de> serde::de::Visitor<'de> for AnyVisitor {
    type Value = AnyValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<AnyValue, E> {
        Ok(AnyValue(float(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<AnyValue, E> {
        Ok(AnyValue(float(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<AnyValue, E> {
        Ok(AnyValue(float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::Null))
    }
    fn visit_none<E>(self) -> Result<AnyValue, E> {
        Ok(AnyValue(Value::Null))
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<AnyValue, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AnyValue, A::Error> {
        let mut items = Vec::new();
        while let Some(AnyValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(AnyValue(Value::Array(items)))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<AnyValue, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((AnyValue(key), AnyValue(value))) = map.next_entry()? {
            let key = match key {
                Value::String(text) => text,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            object.insert(key, value);
        }
        Ok(AnyValue(Value::Object(object)))
    }
}

/// A finite float as a JSON number (non-finite values, which JSON lacks, become null).
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numbers_and_keys_become_json() {
        let value = load("a:\n  200: {x: 1.5}\n", "spec.yaml").unwrap();
        assert_eq!(value, serde_json::json!({"a": {"200": {"x": 1.5}}}));
    }

    #[test]
    fn huge_integers_and_odd_keys_load() {
        let value = load("a: {big: -99999999999999999999, true: 1, ~: 2}\n", "spec.yaml").unwrap();
        assert_eq!(value["a"]["big"], serde_json::json!(-1e20));
        assert_eq!(value["a"]["true"], serde_json::json!(1));
        assert_eq!(value["a"]["null"], serde_json::json!(2));
    }

    #[test]
    fn malformed_input_is_an_error_with_a_location() {
        let err = load("{\"a\": ", "spec.json").unwrap_err();
        assert!(err.message.contains("line 1"), "{err}");
        let err = load("a: [1, 2\n", "spec.yaml").unwrap_err();
        assert!(err.message.contains("YAML"), "{err}");
    }
}
