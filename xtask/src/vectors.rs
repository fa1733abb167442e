//! Examples as test vectors: writes a harness into a generated scratch crate that
//! decodes each example through the SDK's own decoding path
//! (`apigen_runtime::RawResponse::json`, what every generated method calls),
//! re-encodes it, and compares the result with the original.
//!
//! Comparison rules: object key order is ignored; an object member whose value is
//! `null` counts as equal to the member being absent (generated structs skip absent
//! optional fields and may write `null` for nullable ones, and both mean "no value");
//! numbers are equal when they denote the same value (`1` and `1.0`); everything else
//! must match exactly, strings byte for byte (so a date-time re-encoded in another
//! offset or precision is a difference).
//!
//! A member the example has but its schema does not declare (no `properties` entry in
//! the schema or any of its `allOf`/`oneOf`/`anyOf` members, and no
//! `additionalProperties` schema) is accepted and dropped by the generated structs, as
//! documented. An example whose only differences are such dropped members is counted
//! as decoded but not exact ([`Outcome::DropsUndeclared`]), and is not a generator fault.

use crate::examples::Example;
use crate::XtaskError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How one example fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Decoded and re-encoded to an equal value.
    Exact,
    /// Decoded; the only differences are members the schema does not declare, dropped
    /// (the first such pointer).
    DropsUndeclared(String),
    /// Decoded, but the re-encoded value differs at the given pointer.
    Differs(String),
    /// Did not decode (the runtime's error message).
    NotDecoded(String),
    /// No generated type to decode into (the reason).
    NoTarget(String),
}

/// The harness for one crate: the Rust source of `examples/conformance_vectors.rs`
/// and the input file it reads, plus which examples got a target.
pub struct Harness {
    /// Source of the harness program.
    pub source: String,
    /// JSON input: `[[target index, status, body text], ...]`.
    pub input: String,
    /// Per example (same order as given): the index into the input, or why there is none.
    pub slots: Vec<Result<usize, String>>,
}

/// Builds the harness for `crate_name` from the generator's manifest.
pub fn harness(crate_name: &str, operations: &[apigen::manifest::OperationRecord], examples: &[Example]) -> Harness {
    let by_pointer: BTreeMap<&str, &apigen::manifest::OperationRecord> =
        operations.iter().map(|op| (op.pointer.as_str(), op)).collect();
    let mut targets: Vec<String> = Vec::new();
    let mut input = Vec::new();
    let mut slots = Vec::new();
    for example in examples {
        let Some(operation) = by_pointer.get(example.operation.as_str()) else {
            slots.push(Err("operation not generated".to_owned()));
            continue;
        };
        let record = operation
            .successes
            .iter()
            .find(|s| s.status == Some(example.status))
            .or_else(|| operation.successes.iter().find(|s| s.status.is_none()));
        let Some(json_type) = record.and_then(|r| r.json_type.as_ref()) else {
            slots.push(Err(format!(
                "status {} of {} has no JSON success type",
                example.status, operation.operation_id
            )));
            continue;
        };
        let target = match targets.iter().position(|t| t == json_type) {
            Some(index) => index,
            None => {
                targets.push(json_type.clone());
                targets.len() - 1
            }
        };
        slots.push(Ok(input.len()));
        input.push(serde_json::json!([target, example.status, example.value.to_string()]));
    }
    let mut arms = String::new();
    for (index, ty) in targets.iter().enumerate() {
        let _ = writeln!(arms, "            {index} => decode::<{ty}>(status, body),");
    }
    let uses_types = targets.iter().any(|t| t.contains("types ::"));
    let source = format!(
        r#"//! Written by `cargo xtask conformance`: decodes each response example through the
//! SDK's own decoding path and prints the re-encoded values as one JSON array.
#![allow(unused_imports)]
use {crate_name} as sdk;
{types_use}
use apigen_runtime::RawResponse;
use serde_json::{{json, Value}};

fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(status: u16, body: &str) -> Value {{
    let raw = RawResponse::from_parts(status, Default::default(), apigen_runtime::bytes::Bytes::from(body.to_owned()));
    match raw.json::<T, ()>() {{
        Ok(response) => match serde_json::to_value(response.into_body()) {{
            Ok(value) => json!({{ "ok": value }}),
            Err(err) => json!({{ "error": format!("re-encoding failed: {{err}}") }}),
        }},
        Err(err) => json!({{ "error": format!("{{err:?}}") }}),
    }}
}}

fn main() -> std::process::ExitCode {{
    let Some(path) = std::env::args().nth(1) else {{ return std::process::ExitCode::FAILURE }};
    let Ok(text) = std::fs::read_to_string(&path) else {{ return std::process::ExitCode::FAILURE }};
    let Ok(vectors) = serde_json::from_str::<Vec<(usize, u16, String)>>(&text) else {{ return std::process::ExitCode::FAILURE }};
    let mut results = Vec::new();
    for (target, status, body) in &vectors {{
        let (status, body) = (*status, body.as_str());
        results.push(match target {{
{arms}            _ => json!({{ "error": "unknown target" }}),
        }});
    }}
    println!("{{}}", Value::Array(results));
    std::process::ExitCode::SUCCESS
}}
"#,
        types_use = if uses_types { "use sdk::types;" } else { "" },
    );
    Harness {
        source,
        input: Value::Array(input).to_string(),
        slots,
    }
}

/// Reads the harness output (one JSON array, in input order) into outcomes per example.
/// `declared(example, pointer)` says whether the example's schema declares the member
/// at `pointer`.
pub fn outcomes(
    harness: &Harness,
    examples: &[Example],
    stdout: &str,
    declared: &mut dyn FnMut(&Example, &str) -> bool,
) -> Result<Vec<Outcome>, XtaskError> {
    let results: Vec<Value> = serde_json::from_str(stdout.trim()).map_err(|err| XtaskError::Parse {
        file: "the harness output".to_owned(),
        message: format!("not JSON: {err}"),
    })?;
    let mut out = Vec::new();
    for (slot, example) in harness.slots.iter().zip(examples) {
        out.push(match slot {
            Err(reason) => Outcome::NoTarget(reason.clone()),
            Ok(index) => match results.get(*index) {
                Some(result) => match (result.get("ok"), result.get("error")) {
                    (Some(reencoded), _) => {
                        let mut found = Vec::new();
                        differences(&example.value, reencoded, "", &mut found);
                        let mut undeclared = None;
                        let mut real = None;
                        for difference in found {
                            let dropped = difference.reencoded_missing && !declared(example, &difference.pointer);
                            match (dropped, &undeclared, &real) {
                                (true, None, _) => undeclared = Some(difference.text),
                                (false, _, None) => real = Some(difference.text),
                                _ => {}
                            }
                        }
                        match (real, undeclared) {
                            (Some(text), _) => Outcome::Differs(text),
                            (None, Some(text)) => Outcome::DropsUndeclared(text),
                            (None, None) => Outcome::Exact,
                        }
                    }
                    (None, Some(error)) => Outcome::NotDecoded(error.as_str().unwrap_or_default().to_owned()),
                    (None, None) => Outcome::NotDecoded("harness gave no result".into()),
                },
                None => Outcome::NotDecoded("harness gave no result".into()),
            },
        });
    }
    Ok(out)
}

/// One place where the re-encoded value differs from the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// JSON pointer into the original.
    pub pointer: String,
    /// `#pointer: original became re-encoded`.
    pub text: String,
    /// True when the original has a (non-null) member there that the re-encoding lacks.
    pub reencoded_missing: bool,
}

/// The first difference between `original` and `reencoded` under this module's rules
/// (`None` when they are equal), as `#pointer: original became re-encoded`.
pub fn first_difference(original: &Value, reencoded: &Value, at: &str) -> Option<String> {
    let mut found = Vec::new();
    differences(original, reencoded, at, &mut found);
    found.into_iter().next().map(|difference| difference.text)
}

/// Every difference between `original` and `reencoded`, in document order (inside a
/// differing array or scalar, only the outermost place is reported).
pub fn differences(original: &Value, reencoded: &Value, at: &str, out: &mut Vec<Difference>) {
    let mut differs = || {
        out.push(Difference {
            pointer: at.to_owned(),
            text: format!("#{at}: {} became {}", short(original), short(reencoded)),
            reencoded_missing: reencoded.is_null(),
        })
    };
    match (original, reencoded) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = format!("{at}/{}", crate::examples::escape(key));
                let left = a.get(key).unwrap_or(&Value::Null);
                let right = b.get(key).unwrap_or(&Value::Null);
                differences(left, right, &child, out);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return differs();
            }
            for (index, (left, right)) in a.iter().zip(b).enumerate() {
                differences(left, right, &format!("{at}/{index}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            if !same {
                differs();
            }
        }
        (left, right) if left == right => {}
        _ => differs(),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::first_difference;
    use serde_json::json;

    #[test]
    fn key_order_null_and_number_spelling_are_ignored() {
        let original = json!({"a": 1, "b": null, "c": [1.5, "x"]});
        let reencoded = json!({"c": [1.5, "x"], "a": 1.0});
        assert_eq!(first_difference(&original, &reencoded, ""), None);
    }

    #[test]
    fn changed_strings_and_lost_members_are_located() {
        let original = json!({"when": "2011-04-14T16:00:49-04:00", "extra": {"n": 2}});
        let reencoded = json!({"when": "2011-04-14T20:00:49Z", "extra": {"n": 2}});
        let found = first_difference(&original, &reencoded, "").unwrap_or_default();
        assert!(found.starts_with("#/when: "), "{found}");
        let lost = first_difference(&json!({"extra": {"n": 2}}), &json!({}), "").unwrap_or_default();
        assert!(lost.starts_with("#/extra: "), "{lost}");
        let shorter = first_difference(&json!([1, 2]), &json!([1]), "").unwrap_or_default();
        assert!(shorter.starts_with("#: "), "{shorter}");
    }
}
