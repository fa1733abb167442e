//! [`Timestamp`]: a `date-time` value that keeps the exact text the server sent.
//!
//! Why not `chrono::DateTime<Utc>`: converting to UTC loses the offset the server sent
//! (`2011-04-14T16:00:49-04:00` would come back as `…20:00:49Z`), and any fixed
//! re-encoding (milliseconds, `Z` vs `+00:00`, trailing zeros) changes the text of some
//! server. A client that reads a value and sends it back (PUT of a fetched object,
//! signatures over a body, caches keyed by the text) must get the same bytes back, so a
//! decoded timestamp keeps its text and re-encodes it unchanged, while still offering the
//! parsed instant (with its offset) through [`Deref`](std::ops::Deref) and
//! [`Timestamp::to_utc`]. A timestamp built from a `chrono` value is formatted once
//! (RFC 3339, only the sub-second digits that are not zero, `Z` for UTC).

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An RFC 3339 `date-time`: the parsed instant with its offset, plus the exact text.
///
/// Equality and hashing compare the text (two spellings of one instant differ, as they
/// do on the wire); ordering compares the instant first.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    parsed: DateTime<FixedOffset>,
    text: String,
}

impl Timestamp {
    /// Parses RFC 3339 text, keeping it as it is.
    pub fn parse(text: &str) -> Result<Self, chrono::ParseError> {
        Ok(Self {
            parsed: DateTime::parse_from_rfc3339(text)?,
            text: text.to_owned(),
        })
    }

    /// The text as received (or as formatted when built from a `chrono` value).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant with the offset it was written in.
    pub fn as_datetime(&self) -> &DateTime<FixedOffset> {
        &self.parsed
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.parsed.with_timezone(&Utc)
    }

    /// The current time, in UTC.
    pub fn now() -> Self {
        Self::from(Utc::now())
    }
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(value: DateTime<Tz>) -> Self {
        let parsed = value.fixed_offset();
        let text = parsed.to_rfc3339_opts(SecondsFormat::AutoSi, parsed.offset().local_minus_utc() == 0);
        Self { parsed, text }
    }
}

impl std::ops::Deref for Timestamp {
    type Target = DateTime<FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.parsed
    }
}

impl std::str::FromStr for Timestamp {
    type Err = chrono::ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parsed.cmp(&other.parsed).then_with(|| self.text.cmp(&other.text))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Self::parse(&text).map_err(|err| serde::de::Error::custom(format!("invalid date-time {text:?}: {err}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_offset_and_exact_text() {
        for text in [
            "2011-04-14T16:00:49-04:00",
            "2025-04-02T13:44:10.000Z",
            "2025-04-02T13:44:10.5+00:00",
            "2025-04-02T13:44:10.123456789+05:30",
        ] {
            let decoded: Timestamp = serde_json::from_value(serde_json::json!(text)).expect("decodes");
            assert_eq!(
                serde_json::to_value(&decoded).expect("encodes"),
                serde_json::json!(text)
            );
        }
        let with_offset = Timestamp::parse("2011-04-14T16:00:49-04:00").expect("parses");
        assert_eq!(with_offset.offset().local_minus_utc(), -4 * 3600);
        assert_eq!(with_offset.to_utc().to_rfc3339(), "2011-04-14T20:00:49+00:00");
    }

    #[test]
    fn formats_chrono_values_and_rejects_garbage() {
        let at = DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z")
            .expect("parses")
            .with_timezone(&Utc);
        assert_eq!(Timestamp::from(at).as_str(), "2024-05-01T10:00:00Z");
        assert!(serde_json::from_value::<Timestamp>(serde_json::json!("yesterday")).is_err());
        let early = Timestamp::parse("2024-05-01T10:00:00Z").expect("parses");
        let late = Timestamp::parse("2024-05-01T07:00:01-03:00").expect("parses");
        assert!(early < late);
    }
}
