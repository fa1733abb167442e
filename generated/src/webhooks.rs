//! Webhook deliveries: signature verification around the generated typed events.
//!
//! Inbox POSTs every webhook as a JSON *envelope* (`id`, `seq`, `teamId`, `type`,
//! `timestamp`, `version`, `data`) and signs it in the [`SIGNATURE_HEADER`] header:
//! `t=<unix seconds>,v1=<hex>`, where `v1` is the lowercase hex HMAC-SHA256, keyed with
//! the signing secret, of `"<t>."` followed by the raw request body.
//!
//! The event types are generated from the spec's `webhooks` section
//! (`src/generated/webhooks.rs`, re-exported here): [`Event`] is the envelope,
//! [`EventData`] has one variant per documented event type with a typed payload, and
//! types this crate does not know decode as [`EventData::Unknown`] with the raw JSON
//! payload, so a new event type never breaks your endpoint. This file holds only what
//! the spec cannot say:
//!
//! - [`verify`] checks the header against the **raw body bytes** (not a re-serialized
//!   JSON value) with the default tolerance of five minutes and decodes the body into an
//!   [`Event`]. [`Verifier`] does the same with a configurable tolerance and clock.
//! - [`sign`] produces a header value, for testing your own endpoint.
//! - [`Event::kind`] and `Event: TryFrom<WebhookEvent>` connect events to the events
//!   feed's types.
//!
//! [`Event::from_slice`] decodes a body without checking any signature (for example an
//! event you stored after verifying it).
//!
//! ```
//! use inboxapp::webhooks::{self, EventData, Verifier};
//!
//! let secret = "ibt_wh_example";
//! let body = br#"{"id":"ck9v2m5nj0xp4wq7ybftrae8","seq":104,"teamId":"hzcai5t59nn9vsck3rbuepyg",
//! "type":"message.deleted","timestamp":"2025-01-15T16:00:00.000Z","version":"1.0",
//! "data":{"messageId":"p8rvk2m5j0xn4wq7ybftcael","threadId":"l44e15irdq4db30i77cgphhx"}}"#;
//!
//! // What Inbox would send in the `X-Inbox-Signature` header.
//! let header = webhooks::sign(body, secret, 1_736_956_800);
//!
//! // In a real endpoint, use `webhooks::verify(body, header, secret)` (system clock).
//! let verifier = Verifier::new().with_clock(|| 1_736_956_830);
//! let event = verifier.verify(body, &header, secret)?;
//! match &event.data {
//!     EventData::MessageDeleted(deleted) => assert_eq!(deleted.thread_id, "l44e15irdq4db30i77cgphhx"),
//!     other => panic!("unexpected event {}", other.event_type()),
//! }
//! # Ok::<(), webhooks::WebhookError>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use apigen_runtime::chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;

// The events feed (`listEvents`) and its types belong to the `events` feature group.
#[cfg(feature = "events")]
use crate::types::{WebhookEvent, WebhookEventType};

pub use crate::generated::webhooks::{Event, EventData, WebhookError, EVENT_TYPES, SIGNATURE_HEADER};

/// Default maximum difference between the signature timestamp and the current time:
/// five minutes, in either direction.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

#[cfg(feature = "events")]
impl Event {
    /// The event type as a [`WebhookEventType`] (an open enum: unknown types are
    /// [`WebhookEventType::Unknown`]).
    pub fn kind(&self) -> WebhookEventType {
        WebhookEventType::from(self.event_type.as_str())
    }
}

#[cfg(feature = "events")]
impl TryFrom<WebhookEvent> for Event {
    type Error = WebhookError;

    /// Types the payload of an event returned by the events feed (`listEvents`).
    fn try_from(event: WebhookEvent) -> Result<Self, WebhookError> {
        let event_type = event.r#type.as_str().to_owned();
        let data = EventData::decode(&event_type, serde_json::Value::Object(event.data))?;
        Ok(Self {
            id: event.id,
            seq: event.seq,
            team_id: event.team_id,
            event_type,
            timestamp: event.timestamp,
            version: event.version,
            data,
        })
    }
}

// -------------------------------------------------------------------- signatures

type HmacSha256 = Hmac<Sha256>;

/// Checks webhook signatures with a configurable tolerance and clock.
///
/// ```
/// use std::time::Duration;
/// use inboxapp::webhooks::Verifier;
///
/// let verifier = Verifier::new()
///     .with_tolerance(Duration::from_secs(60))
///     .with_clock(|| 1_705_312_210); // Unix seconds; the system clock by default
/// # let _ = verifier;
/// ```
#[derive(Clone)]
pub struct Verifier {
    tolerance: Duration,
    now: Arc<dyn Fn() -> u64 + Send + Sync>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl Default for Verifier {
    fn default() -> Self {
        Self::new()
    }
}

fn system_now() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or(0)
}

impl Verifier {
    /// A verifier with the [`DEFAULT_TOLERANCE`] (300 s) and the system clock.
    pub fn new() -> Self {
        Self {
            tolerance: DEFAULT_TOLERANCE,
            now: Arc::new(system_now),
        }
    }

    /// Sets the largest accepted difference, in either direction, between the header's
    /// timestamp and the current time.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Replaces the clock: `now` returns the current time in Unix seconds.
    pub fn with_clock<F>(mut self, now: F) -> Self
    where
        F: Fn() -> u64 + Send + Sync + 'static,
    {
        self.now = Arc::new(now);
        self
    }

    /// The configured tolerance.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Checks `signature_header` (the value of [`SIGNATURE_HEADER`]; pass `""` when the
    /// request has none) against the raw `body` and `secret`, then decodes the body.
    ///
    /// Order of checks: header syntax, timestamp tolerance, signature, payload.
    pub fn verify(&self, body: &[u8], signature_header: &str, secret: &str) -> Result<Event, WebhookError> {
        self.verify_signature(body, signature_header, secret)?;
        Event::from_slice(body)
    }

    /// Checks the signature only, without decoding the body.
    pub fn verify_signature(&self, body: &[u8], signature_header: &str, secret: &str) -> Result<(), WebhookError> {
        let header = SignatureHeader::parse(signature_header)?;

        let age = i128::from((self.now)()) - i128::from(header.timestamp);
        let distance = u64::try_from(age.unsigned_abs()).unwrap_or(u64::MAX);
        if Duration::from_secs(distance) > self.tolerance {
            return Err(WebhookError::StaleTimestamp {
                age_secs: i64::try_from(age).unwrap_or(if age < 0 { i64::MIN } else { i64::MAX }),
                tolerance: self.tolerance,
            });
        }

        let mac = keyed_mac(secret, header.timestamp_text, body);
        let matches = header
            .signatures
            .iter()
            .filter_map(|candidate| hex::decode(candidate).ok())
            .any(|candidate| mac.clone().verify_slice(&candidate).is_ok());
        if matches {
            Ok(())
        } else {
            Err(WebhookError::SignatureMismatch)
        }
    }
}

/// Checks a delivery with the default tolerance (300 s) and the system clock, then
/// decodes it. See [`Verifier::verify`].
///
/// `body` must be the raw request body, byte for byte: JSON that was parsed and
/// re-serialized will not verify.
pub fn verify(body: &[u8], signature_header: &str, secret: &str) -> Result<Event, WebhookError> {
    Verifier::new().verify(body, signature_header, secret)
}

/// Signs `body` as Inbox does and returns the header value `t=<timestamp>,v1=<hex>`
/// (`timestamp` in Unix seconds). Useful for testing a webhook endpoint.
pub fn sign(body: &[u8], secret: &str, timestamp: u64) -> String {
    let timestamp = timestamp.to_string();
    let signature = keyed_mac(secret, &timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(signature))
}

fn keyed_mac(secret: &str, timestamp: &str, body: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

struct SignatureHeader<'a> {
    timestamp: u64,
    /// `t` exactly as sent: it is part of the signed text.
    timestamp_text: &'a str,
    signatures: Vec<&'a str>,
}

impl<'a> SignatureHeader<'a> {
    fn parse(header: &'a str) -> Result<Self, WebhookError> {
        if header.trim().is_empty() {
            return Err(WebhookError::MissingHeader);
        }
        let mut timestamp_text = None;
        let mut signatures = Vec::new();
        for field in header.split(',') {
            let Some((key, value)) = field.trim().split_once('=') else {
                continue;
            };
            match key.trim() {
                "t" if timestamp_text.is_none() => timestamp_text = Some(value.trim()),
                "v1" => signatures.push(value.trim()),
                _ => {}
            }
        }
        let malformed = |reason| WebhookError::MalformedHeader { reason };
        let timestamp_text = timestamp_text.ok_or(malformed("no `t` field"))?;
        if timestamp_text.is_empty() || !timestamp_text.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(malformed("`t` is not a Unix timestamp in seconds"));
        }
        let timestamp = timestamp_text.parse().map_err(|_| malformed("`t` is out of range"))?;
        if signatures.is_empty() {
            return Err(malformed("no `v1` field"));
        }
        Ok(Self {
            timestamp,
            timestamp_text,
            signatures,
        })
    }
}
