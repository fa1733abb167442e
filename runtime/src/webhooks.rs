//! Decoding helpers for the `webhooks` module that `apigen` generates.
//!
//! The generated module decodes a delivery's envelope with [`decode_envelope`] and
//! each payload with [`decode_payload`]; both report a [`PayloadError`] naming the
//! JSON path of the problem, which the module turns into its own `WebhookError`.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A webhook body that does not have the documented shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    /// Where, in serde path form (`data.thread.id`; `.` is the whole body).
    pub path: String,
    /// What went wrong there.
    pub message: String,
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid webhook payload at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for PayloadError {}

/// Decodes a whole body as `T`, rejecting trailing data; errors carry the path.
pub fn decode_envelope<T: DeserializeOwned>(body: &[u8]) -> Result<T, PayloadError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| invalid(None, err))?;
    deserializer.end().map_err(|err| PayloadError {
        path: ".".to_owned(),
        message: err.to_string(),
    })?;
    Ok(value)
}

/// Decodes a payload found at `at` (a property name, or `.` for the whole body);
/// error paths start there.
pub fn decode_payload<T: DeserializeOwned>(data: Value, at: &str) -> Result<T, PayloadError> {
    let prefix = (at != ".").then_some(at);
    serde_path_to_error::deserialize(data).map_err(|err| invalid(prefix, err))
}

fn invalid<E: fmt::Display>(prefix: Option<&str>, err: serde_path_to_error::Error<E>) -> PayloadError {
    let inner = err.path().to_string();
    let path = match prefix {
        None => inner,
        Some(prefix) if inner == "." => prefix.to_owned(),
        Some(prefix) if inner.starts_with('[') => format!("{prefix}{inner}"),
        Some(prefix) => format!("{prefix}.{inner}"),
    };
    PayloadError {
        path,
        message: err.into_inner().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Payload {
        id: String,
        tags: Vec<String>,
    }

    #[test]
    fn payload_errors_name_the_path_under_the_payload_property() {
        let err = decode_payload::<Payload>(json!({"id": "a", "tags": ["x", 1]}), "data").unwrap_err();
        assert_eq!(
            err,
            PayloadError {
                path: "data.tags[1]".into(),
                message: "invalid type: integer `1`, expected a string".into()
            }
        );
        let err = decode_payload::<Payload>(json!({"tags": []}), "data").unwrap_err();
        assert_eq!(err.path, "data", "{err}");
        let err = decode_payload::<Payload>(json!({"tags": []}), ".").unwrap_err();
        assert_eq!(err.path, ".", "{err}");
    }

    #[test]
    fn envelopes_reject_trailing_data_and_name_paths() {
        assert!(decode_envelope::<Value>(b"{} {}").is_err());
        let err = decode_envelope::<Payload>(br#"{"id": 3, "tags": []}"#).unwrap_err();
        assert_eq!(err.path, "id");
        assert!(err.to_string().starts_with("invalid webhook payload at id: "), "{err}");
    }
}
