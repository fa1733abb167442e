//! Serde helpers for `date-time` fields.
//!
//! Timestamps decode with any RFC 3339 precision and encode with millisecond precision
//! and a `Z` suffix (`2025-04-02T13:44:10.000Z`), the form this family of APIs sends,
//! so decoding and re-encoding a payload gives back the same text.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// `#[serde(with = "...::datetime::rfc3339")]` for `DateTime<Utc>`.
pub mod rfc3339 {
    use super::*;

    /// Encodes with millisecond precision.
    pub fn serialize<S: Serializer>(value: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.to_rfc3339_opts(SecondsFormat::Millis, true))
    }

    /// Decodes any RFC 3339 timestamp.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|parsed| parsed.with_timezone(&Utc))
            .map_err(|err| serde::de::Error::custom(format!("invalid date-time {text:?}: {err}")))
    }
}

/// The same, for `Option<DateTime<Utc>>` (`null` ↔ `None`).
pub mod rfc3339_option {
    use super::*;

    /// Encodes `None` as `null`.
    pub fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => rfc3339::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Decodes `null` as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "rfc3339")] DateTime<Utc>);
        Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(value)| value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize)]
    struct Stamp {
        #[serde(with = "rfc3339")]
        at: DateTime<Utc>,
        #[serde(with = "rfc3339_option")]
        maybe: Option<DateTime<Utc>>,
    }

    #[test]
    fn round_trips_millisecond_text() {
        let json = r#"{"at":"2025-04-02T13:44:10.000Z","maybe":null}"#;
        let stamp: Stamp = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&stamp).unwrap(), json);
    }

    #[test]
    fn rejects_garbage() {
        assert!(serde_json::from_str::<Stamp>(r#"{"at":"yesterday","maybe":null}"#).is_err());
    }
}
