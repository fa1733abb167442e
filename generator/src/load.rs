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
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
        let place = err
            .location()
            .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
            .unwrap_or_default();
        GenerateError::new("", format!("not valid YAML{place}: {err}"))
    })?;
    yaml_to_json(yaml, "")
}

/// Converts YAML to JSON, rejecting what JSON cannot hold (non-string keys become
/// strings, as OpenAPI tools do; tagged values lose their tag).
fn yaml_to_json(yaml: serde_yaml::Value, pointer: &str) -> Result<Value, GenerateError> {
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(flag) => Value::Bool(flag),
        serde_yaml::Value::Number(number) => {
            if let Some(int) = number.as_i64() {
                Value::from(int)
            } else if let Some(int) = number.as_u64() {
                Value::from(int)
            } else {
                let float = number.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(float).map(Value::Number).ok_or_else(|| {
                    GenerateError::new(pointer, format!("number {number} cannot be represented in JSON"))
                })?
            }
        }
        serde_yaml::Value::String(text) => Value::String(text),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| yaml_to_json(item, &format!("{pointer}/{index}")))
                .collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(mapping) => {
            let mut object = serde_json::Map::new();
            for (key, value) in mapping {
                let key = match key {
                    serde_yaml::Value::String(text) => text,
                    serde_yaml::Value::Number(number) => number.to_string(),
                    serde_yaml::Value::Bool(flag) => flag.to_string(),
                    serde_yaml::Value::Null => "null".to_owned(),
                    other => {
                        return Err(GenerateError::new(
                            pointer,
                            format!("mapping key {other:?} is not a string"),
                        ))
                    }
                };
                let child = crate::pointer::join(pointer, &key);
                object.insert(key, yaml_to_json(value, &child)?);
            }
            Value::Object(object)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
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
    fn malformed_input_is_an_error_with_a_location() {
        let err = load("{\"a\": ", "spec.json").unwrap_err();
        assert!(err.message.contains("line 1"), "{err}");
        let err = load("a: [1, 2\n", "spec.yaml").unwrap_err();
        assert!(err.message.contains("YAML"), "{err}");
    }
}
