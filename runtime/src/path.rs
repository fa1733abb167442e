//! Path parameters: checked, then percent-encoded as one segment.

use crate::error::Error;
use crate::pattern::Pattern;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters left as they are inside a path segment: RFC 3986 "unreserved".
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Validates a path parameter and returns it percent-encoded as a single segment.
///
/// Fails before any request is made when the value is empty, is `.` or `..` (which
/// would change the route), or does not match the spec's `pattern`.
pub fn segment<E>(name: &'static str, value: &str, pattern: Option<&Pattern>) -> Result<String, Error<E>> {
    if value.is_empty() {
        return Err(Error::invalid_argument(name, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_argument(name, "must not be `.` or `..`"));
    }
    if let Some(pattern) = pattern {
        if !pattern.is_match(value) {
            return Err(Error::invalid_argument(
                name,
                format!("{value:?} does not match the pattern `{}`", pattern.source()),
            ));
        }
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// The text form of a non-string parameter value (numbers, booleans, enums), for a
/// path segment or header.
pub fn text_of<T: serde::Serialize + ?Sized, E>(name: &'static str, value: &T) -> Result<String, Error<E>> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(serde_json::Value::Number(number)) => Ok(number.to_string()),
        Ok(serde_json::Value::Bool(flag)) => Ok(flag.to_string()),
        Ok(other) => Err(Error::invalid_argument(name, format!("{other} is not a scalar value"))),
        Err(err) => Err(Error::invalid_argument(name, format!("cannot be encoded: {err}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ID: Pattern = Pattern::new("^[0-9a-z]+$");

    #[test]
    fn encodes_reserved_characters() {
        let encoded = segment::<()>("name", "hot lead/2026", None).unwrap();
        assert_eq!(encoded, "hot%20lead%2F2026");
    }

    #[test]
    fn rejects_bad_values_before_sending() {
        for bad in ["", "..", "../x", "ABC"] {
            let err = segment::<()>("campaignId", bad, Some(&ID)).unwrap_err();
            assert!(err.to_string().contains("campaignId"), "{err}");
        }
        assert_eq!(segment::<()>("campaignId", "abc123", Some(&ID)).unwrap(), "abc123");
    }
}
