//! [`Timestamp`]: a `date-time` value that keeps the exact text the server sent.
//!
//! Why not `chrono::DateTime<Utc>`: converting to UTC loses the offset the server sent
//! (`2011-04-14T16:00:49-04:00` would come back as `…20:00:49Z`), and any fixed
//! re-encoding (milliseconds, `Z` vs `+00:00`, trailing zeros) changes the text of some
//! server. A client that reads a value and sends it back (PUT of a fetched object,
//! signatures over a body, caches keyed by the text) must get the same bytes back, so a
//! decoded timestamp keeps its text and re-encodes it unchanged, while still offering the
//! parsed instant (with its offset) through [`Timestamp::as_datetime`] and
//! [`Timestamp::to_utc`]. A timestamp built from a `chrono` value is formatted once
//! (RFC 3339, only the sub-second digits that are not zero, `Z` for UTC).
//!
//! **What is accepted.** Servers do not all write RFC 3339 to the letter, so besides it
//! the parser reads the variants seen in real payloads: an offset without a colon
//! (`+0000`, `-0530`) or with hours only (`+05`), no offset at all (read as UTC;
//! [`Timestamp::has_offset`] tells), lowercase `t` and `z`, a space instead of `T`,
//! minutes without seconds, and any number of fractional digits (beyond nanoseconds
//! they are cut).
//!
//! **What is not a timestamp** (`"yesterday"`, `""`) still decodes: one odd field must
//! not fail a whole response. The text is kept (and re-encoded unchanged), and the
//! instant is missing: [`Timestamp::is_valid`] is false, [`Timestamp::as_datetime`] and
//! [`Timestamp::to_utc`] return `None`, and [`Timestamp::datetime`] returns the
//! [`TimestampError`] naming the text. [`Timestamp::parse`] (and `str::parse`) is the
//! strict door: it refuses such text.

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A `date-time`: the exact text, plus the instant with its offset when the text is one.
///
/// Equality and hashing compare the text (two spellings of one instant differ, as they
/// do on the wire); ordering compares the instant first (text that is not a timestamp
/// sorts after every instant, by text).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    parsed: Option<Parsed>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Parsed {
    at: DateTime<FixedOffset>,
    offset_given: bool,
}

/// Text that is not a date-time (see the [module docs](self) for what is accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
    reason: String,
}

impl TimestampError {
    /// The text that was not a date-time.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a date-time: {:?} ({})", self.text, self.reason)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Parses a date-time (RFC 3339 or one of the accepted variants), keeping the text as
    /// it is; text that is not a date-time is an error.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let parsed = parse_lenient(text).map_err(|reason| TimestampError {
            text: text.to_owned(),
            reason,
        })?;
        Ok(Self {
            text: text.to_owned(),
            parsed: Some(parsed),
        })
    }

    /// Keeps any text: a date-time when it parses as one, else text only (what decoding
    /// a response does, so that one odd value does not fail the response).
    pub fn from_text(text: impl Into<String>) -> Self {
        let text = text.into();
        let parsed = parse_lenient(&text).ok();
        Self { text, parsed }
    }

    /// The text as received (or as formatted when built from a `chrono` value).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text is a date-time.
    pub fn is_valid(&self) -> bool {
        self.parsed.is_some()
    }

    /// Whether the text gave an offset (`Z`, `+02:00`, `+0200`); without one, the
    /// instant is read as UTC.
    pub fn has_offset(&self) -> bool {
        self.parsed.is_some_and(|parsed| parsed.offset_given)
    }

    /// The instant with the offset it was written in; `None` when the text is not a
    /// date-time.
    pub fn as_datetime(&self) -> Option<&DateTime<FixedOffset>> {
        self.parsed.as_ref().map(|parsed| &parsed.at)
    }

    /// The instant with its offset, or why the text is not a date-time.
    pub fn datetime(&self) -> Result<DateTime<FixedOffset>, TimestampError> {
        match &self.parsed {
            Some(parsed) => Ok(parsed.at),
            None => Err(TimestampError {
                text: self.text.clone(),
                reason: parse_lenient(&self.text).err().unwrap_or_default(),
            }),
        }
    }

    /// The instant in UTC; `None` when the text is not a date-time.
    pub fn to_utc(&self) -> Option<DateTime<Utc>> {
        self.parsed.map(|parsed| parsed.at.with_timezone(&Utc))
    }

    /// The current time, in UTC.
    pub fn now() -> Self {
        Self::from(Utc::now())
    }
}

/// Rewrites the accepted variants into RFC 3339 and parses that.
fn parse_lenient(text: &str) -> Result<Parsed, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Parsed { at, offset_given: true });
    }
    let bytes = text.as_bytes();
    let digits =
        |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|part| part.iter().all(u8::is_ascii_digit));
    // YYYY-MM-DD, then `T`, `t` or a space, then HH:MM.
    if !(digits(0..4) && bytes.get(4) == Some(&b'-') && digits(5..7) && bytes.get(7) == Some(&b'-') && digits(8..10)) {
        return Err("expected a date YYYY-MM-DD".into());
    }
    if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
        return Err("expected `T` or a space after the date".into());
    }
    if !(digits(11..13) && bytes.get(13) == Some(&b':') && digits(14..16)) {
        return Err("expected a time HH:MM[:SS]".into());
    }
    let mut normal = String::with_capacity(text.len() + 8);
    normal.push_str(&text[..10]);
    normal.push('T');
    normal.push_str(&text[11..16]);
    let mut at = 16;
    if bytes.get(16) == Some(&b':') && digits(17..19) {
        normal.push_str(&text[16..19]);
        at = 19;
    } else {
        normal.push_str(":00");
    }
    if bytes.get(at) == Some(&b'.') {
        let fraction: String = text[at + 1..].chars().take_while(char::is_ascii_digit).collect();
        if fraction.is_empty() {
            return Err("expected digits after the decimal point".into());
        }
        normal.push('.');
        normal.push_str(&fraction[..fraction.len().min(9)]);
        at += 1 + fraction.len();
    }
    let offset = &text[at..];
    let offset_given = !offset.is_empty();
    match offset.as_bytes() {
        [] | [b'Z' | b'z'] => normal.push('Z'),
        [sign @ (b'+' | b'-'), h1, h2] if h1.is_ascii_digit() && h2.is_ascii_digit() => {
            normal.extend([*sign as char, *h1 as char, *h2 as char, ':', '0', '0']);
        }
        [sign @ (b'+' | b'-'), h1, h2, m1, m2] if [h1, h2, m1, m2].iter().all(|digit| digit.is_ascii_digit()) => {
            normal.extend([*sign as char, *h1 as char, *h2 as char, ':', *m1 as char, *m2 as char]);
        }
        [b'+' | b'-', _, _, b':', _, _] => normal.push_str(offset),
        _ => return Err(format!("unreadable offset {offset:?}")),
    }
    DateTime::parse_from_rfc3339(&normal)
        .map(|at| Parsed { at, offset_given })
        .map_err(|err| err.to_string())
}

impl<Tz: TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(value: DateTime<Tz>) -> Self {
        let at = value.fixed_offset();
        let text = at.to_rfc3339_opts(SecondsFormat::AutoSi, at.offset().local_minus_utc() == 0);
        Self {
            text,
            parsed: Some(Parsed { at, offset_given: true }),
        }
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
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
        use std::cmp::Ordering;
        let instants = match (&self.parsed, &other.parsed) {
            (Some(a), Some(b)) => a.at.cmp(&b.at),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        instants.then_with(|| self.text.cmp(&other.text))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_valid() {
            write!(f, "Timestamp({:?})", self.text)
        } else {
            write!(f, "Timestamp({:?}, not a date-time)", self.text)
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// Any JSON string decodes (text that is not a date-time is kept, see the module
    /// docs); other JSON types are an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
        Ok(Self::from_text(text.into_owned()))
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
            assert!(decoded.is_valid() && decoded.has_offset(), "{text}");
            assert_eq!(
                serde_json::to_value(&decoded).expect("encodes"),
                serde_json::json!(text)
            );
        }
        let with_offset = Timestamp::parse("2011-04-14T16:00:49-04:00").expect("parses");
        assert_eq!(
            with_offset.datetime().expect("valid").offset().local_minus_utc(),
            -4 * 3600
        );
        assert_eq!(
            with_offset.to_utc().expect("valid").to_rfc3339(),
            "2011-04-14T20:00:49+00:00"
        );
    }

    #[test]
    fn reads_the_variants_servers_send_and_keeps_their_text() {
        let cases = [
            ("2021-01-17T12:34:00.000+0000", "2021-01-17T12:34:00+00:00", true),
            ("2021-01-17T12:34:00-0530", "2021-01-17T18:04:00+00:00", true),
            ("2021-01-17T12:34:00+05", "2021-01-17T07:34:00+00:00", true),
            ("2021-01-17T12:34:00", "2021-01-17T12:34:00+00:00", false),
            ("2021-01-17t12:34:00z", "2021-01-17T12:34:00+00:00", true),
            ("2021-01-17 12:34:00Z", "2021-01-17T12:34:00+00:00", true),
            ("2021-01-17T12:34Z", "2021-01-17T12:34:00+00:00", true),
            (
                "2021-01-17T12:34:00.1234567891234Z",
                "2021-01-17T12:34:00.123456789+00:00",
                true,
            ),
            ("2021-01-17 12:34:00.5", "2021-01-17T12:34:00.500+00:00", false),
        ];
        for (text, utc, offset_given) in cases {
            let decoded: Timestamp = serde_json::from_value(serde_json::json!(text)).expect("decodes");
            let parsed = decoded.to_utc().unwrap_or_else(|| panic!("{text} did not parse"));
            assert_eq!(parsed.to_rfc3339_opts(SecondsFormat::AutoSi, false), utc, "{text}");
            assert_eq!(decoded.has_offset(), offset_given, "{text}");
            assert_eq!(
                serde_json::to_value(&decoded).expect("encodes"),
                serde_json::json!(text)
            );
            assert!(Timestamp::parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn text_that_is_not_a_timestamp_is_kept_not_fatal() {
        for text in [
            "yesterday",
            "",
            "2021-13-45T99:99:99Z",
            "2021-01-17T12:34:00+2",
            "2021-01-17",
        ] {
            let decoded: Timestamp = serde_json::from_value(serde_json::json!(text)).expect("any string decodes");
            assert!(!decoded.is_valid(), "{text}");
            assert_eq!(decoded.as_datetime(), None);
            assert_eq!(decoded.as_str(), text);
            assert_eq!(
                serde_json::to_value(&decoded).expect("encodes"),
                serde_json::json!(text)
            );
            let error = decoded.datetime().expect_err("not a date-time");
            assert_eq!(error.text(), text);
            assert!(error.to_string().starts_with("not a date-time"), "{error}");
            assert!(Timestamp::parse(text).is_err(), "strict parse accepted {text:?}");
        }
        assert!(format!("{:?}", Timestamp::from_text("soon")).contains("not a date-time"));
        assert!(serde_json::from_value::<Timestamp>(serde_json::json!(12)).is_err());
    }

    #[test]
    fn formats_chrono_values_and_orders_by_instant() {
        let at = DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z")
            .expect("parses")
            .with_timezone(&Utc);
        assert_eq!(Timestamp::from(at).as_str(), "2024-05-01T10:00:00Z");
        let early = Timestamp::parse("2024-05-01T10:00:00Z").expect("parses");
        let late = Timestamp::parse("2024-05-01T07:00:01-03:00").expect("parses");
        assert!(early < late);
        assert!(late < Timestamp::from_text("garbage"));
    }
}
