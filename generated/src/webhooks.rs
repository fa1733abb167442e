//! Webhook deliveries: signature verification and typed events.
//!
//! Inbox POSTs every webhook as a JSON *envelope* (`id`, `seq`, `teamId`, `type`,
//! `timestamp`, `version`, `data`) and signs it in the [`SIGNATURE_HEADER`] header:
//! `t=<unix seconds>,v1=<hex>`, where `v1` is the lowercase hex HMAC-SHA256, keyed with
//! the signing secret, of `"<t>."` followed by the raw request body.
//!
//! - [`verify`] checks the header against the **raw body bytes** (not a re-serialized
//!   JSON value) with the default tolerance of five minutes and decodes the body into an
//!   [`Event`]. [`Verifier`] does the same with a configurable tolerance and clock.
//! - [`Event::from_slice`] decodes a body without checking any signature (for example an
//!   event you stored after verifying it).
//! - [`sign`] produces a header value, for testing your own endpoint.
//!
//! [`Event::data`] is an [`EventData`] with one variant per documented event type and
//! a typed payload. Event types this crate does not know decode as
//! [`EventData::Unknown`] with the raw JSON payload, so a new event type never breaks
//! your endpoint.
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

use apigen_runtime::chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::Sha256;

use crate::types::{
    CampaignStatus, Message, Platform, PlatformData, ProfileSource, ProfileType, ProspectContext, ThreadLastMessage,
    ThreadStatus, ThreadVariant, VerificationType, WebhookEvent, WebhookEventType,
};

/// Name of the HTTP header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Inbox-Signature";

/// Default maximum difference between the signature timestamp and the current time:
/// five minutes, in either direction.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

// ------------------------------------------------------------------------ errors

/// Why a webhook delivery was rejected.
///
/// Messages never contain the signing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is absent or empty.
    MissingHeader,
    /// The signature header has no `t` field, a `t` that is not all digits, or no `v1`
    /// field.
    MalformedHeader {
        /// What is wrong with the header.
        reason: &'static str,
    },
    /// No `v1` value in the header matches the body and secret.
    SignatureMismatch,
    /// The header's timestamp is too far from the current time (checked before the
    /// signature itself).
    StaleTimestamp {
        /// Current time minus the header's `t`, in seconds: positive when the signature is
        /// older than the tolerance allows, negative when it lies in the future.
        age_secs: i64,
        /// The tolerance that was exceeded.
        tolerance: Duration,
    },
    /// The body is not a webhook envelope, or `data` does not have the documented shape
    /// of its event `type`.
    InvalidPayload {
        /// Location of the problem, in serde path form (`data.thread.prospect.context`;
        /// `.` is the whole body).
        path: String,
        /// What went wrong there.
        message: String,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader => write!(f, "missing {SIGNATURE_HEADER} header"),
            Self::MalformedHeader { reason } => write!(f, "malformed {SIGNATURE_HEADER} header: {reason}"),
            Self::SignatureMismatch => f.write_str("the webhook signature does not match the payload"),
            Self::StaleTimestamp { age_secs, tolerance } => {
                if *age_secs >= 0 {
                    write!(f, "webhook signature timestamp is {age_secs}s old")?;
                } else {
                    write!(
                        f,
                        "webhook signature timestamp is {}s in the future",
                        age_secs.unsigned_abs()
                    )?;
                }
                write!(f, ", outside the tolerance of {}s", tolerance.as_secs_f64())
            }
            Self::InvalidPayload { path, message } => write!(f, "invalid webhook payload at {path}: {message}"),
        }
    }
}

impl std::error::Error for WebhookError {}

fn invalid_payload<E: fmt::Display>(prefix: Option<&str>, err: serde_path_to_error::Error<E>) -> WebhookError {
    let inner = err.path().to_string();
    let path = match prefix {
        None => inner,
        Some(prefix) if inner == "." => prefix.to_owned(),
        Some(prefix) if inner.starts_with('[') => format!("{prefix}{inner}"),
        Some(prefix) => format!("{prefix}.{inner}"),
    };
    WebhookError::InvalidPayload {
        path,
        message: err.into_inner().to_string(),
    }
}

// ---------------------------------------------------------------------- envelope

/// One webhook event: the envelope and its typed payload.
///
/// Decode it with [`Event::from_slice`] (or through serde); serializing it gives back
/// the envelope shape Inbox sends. Timestamps are written with millisecond precision,
/// as Inbox writes them; a field documented as optional that was absent stays absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Unique event id; deliveries can repeat, so use it to drop duplicates.
    ///
    /// JSON: `id`.
    pub id: String,
    /// Per-team sequence number that only increases; gaps reveal missed events.
    ///
    /// JSON: `seq`.
    pub seq: u64,
    /// Team the event belongs to.
    ///
    /// JSON: `teamId`.
    pub team_id: String,
    /// Event type in `resource.action` form, as sent (for example `message.created`).
    /// [`Event::kind`] gives it as a [`WebhookEventType`].
    ///
    /// JSON: `type`.
    pub event_type: String,
    /// When the event happened.
    ///
    /// JSON: `timestamp`.
    pub timestamp: DateTime<Utc>,
    /// Payload schema version; currently always `"1.0"`.
    ///
    /// JSON: `version`.
    pub version: String,
    /// The payload, decoded according to `type`.
    ///
    /// JSON: `data`.
    pub data: EventData,
}

#[derive(Deserialize)]
struct RawEnvelope {
    id: String,
    seq: u64,
    #[serde(rename = "teamId")]
    team_id: String,
    #[serde(rename = "type")]
    event_type: String,
    #[serde(with = "apigen_runtime::datetime::rfc3339")]
    timestamp: DateTime<Utc>,
    version: String,
    data: Value,
}

impl RawEnvelope {
    fn into_event(self) -> Result<Event, WebhookError> {
        let data = EventData::decode(&self.event_type, self.data)?;
        Ok(Event {
            id: self.id,
            seq: self.seq,
            team_id: self.team_id,
            event_type: self.event_type,
            timestamp: self.timestamp,
            version: self.version,
            data,
        })
    }
}

impl Event {
    /// Decodes a webhook body **without checking its signature**: the envelope first,
    /// then `data` according to `type`. An unknown `type` gives
    /// [`EventData::Unknown`]; a known `type` whose `data` does not have the documented
    /// shape gives [`WebhookError::InvalidPayload`] naming the offending path.
    pub fn from_slice(body: &[u8]) -> Result<Self, WebhookError> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let raw: RawEnvelope =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|err| invalid_payload(None, err))?;
        deserializer.end().map_err(|err| WebhookError::InvalidPayload {
            path: ".".to_owned(),
            message: err.to_string(),
        })?;
        raw.into_event()
    }

    /// The event type as a [`WebhookEventType`] (an open enum: unknown types are
    /// [`WebhookEventType::Unknown`]).
    pub fn kind(&self) -> WebhookEventType {
        WebhookEventType::from(self.event_type.as_str())
    }
}

impl TryFrom<WebhookEvent> for Event {
    type Error = WebhookError;

    /// Types the payload of an event returned by the events feed (`listEvents`).
    fn try_from(event: WebhookEvent) -> Result<Self, WebhookError> {
        let event_type = event.r#type.as_str().to_owned();
        let data = EventData::decode(&event_type, Value::Object(event.data))?;
        Ok(Self {
            id: event.id,
            seq: event.seq,
            team_id: event.team_id,
            event_type,
            timestamp: event.timestamp.to_utc(),
            version: event.version,
            data,
        })
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;

        struct Timestamp<'a>(&'a DateTime<Utc>);
        impl Serialize for Timestamp<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                apigen_runtime::datetime::rfc3339::serialize(self.0, serializer)
            }
        }

        let mut envelope = serializer.serialize_struct("Event", 7)?;
        envelope.serialize_field("id", &self.id)?;
        envelope.serialize_field("seq", &self.seq)?;
        envelope.serialize_field("teamId", &self.team_id)?;
        envelope.serialize_field("type", &self.event_type)?;
        envelope.serialize_field("timestamp", &Timestamp(&self.timestamp))?;
        envelope.serialize_field("version", &self.version)?;
        envelope.serialize_field("data", &self.data)?;
        envelope.end()
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        RawEnvelope::deserialize(deserializer)?
            .into_event()
            .map_err(serde::de::Error::custom)
    }
}

// -------------------------------------------------------------------- event data

macro_rules! event_data {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) = $name:literal, )*) => {
        /// The payload of an [`Event`], by event type.
        ///
        /// Serializing it writes the bare payload (the envelope's `data`).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum EventData {
            $( $(#[$doc])* $variant($payload), )*
            /// An event type this crate does not know; the payload is kept as raw JSON.
            Unknown {
                /// The event's `type`.
                event_type: String,
                /// The event's `data`, unchanged.
                data: Value,
            },
        }

        /// Every event type [`EventData`] has a variant for, as sent on the wire.
        pub const EVENT_TYPES: &[&str] = &[$($name),*];

        impl EventData {
            /// Decodes `data` according to `event_type`: an unknown type gives
            /// [`EventData::Unknown`]; a known type whose data does not fit gives
            /// [`WebhookError::InvalidPayload`] with a path starting at `data`.
            pub fn decode(event_type: &str, data: Value) -> Result<Self, WebhookError> {
                Ok(match event_type {
                    $( $name => Self::$variant(decode_payload(data)?), )*
                    _ => Self::Unknown { event_type: event_type.to_owned(), data },
                })
            }

            /// The event type this payload belongs to, as sent on the wire.
            pub fn event_type(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $name, )*
                    Self::Unknown { event_type, .. } => event_type,
                }
            }
        }

        impl Serialize for EventData {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( Self::$variant(payload) => payload.serialize(serializer), )*
                    Self::Unknown { data, .. } => data.serialize(serializer),
                }
            }
        }
    };
}

fn decode_payload<T: DeserializeOwned>(data: Value) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(data).map_err(|err| invalid_payload(Some("data"), err))
}

event_data! {
    /// `thread.created`: a new thread. Documented (webhooks overview) as `{thread, prospect}`.
    ThreadCreated(ThreadPayload) = "thread.created",
    /// `thread.deleted`: a thread was deleted. Its payload is not documented, so it is kept
    /// as raw JSON.
    ThreadDeleted(Value) = "thread.deleted",
    /// `thread.assigned` (deprecated in favour of `prospect.assigneeChanged`). Its page was
    /// not available; the shape is taken to be that of `thread.unassigned` (`{thread}`).
    ThreadAssigned(ThreadPayload) = "thread.assigned",
    /// `thread.unassigned` (deprecated in favour of `prospect.assigneeChanged`): `{thread}`.
    ThreadUnassigned(ThreadPayload) = "thread.unassigned",
    /// `thread.archived`: the thread was marked done. `{thread}`.
    ThreadArchived(ThreadPayload) = "thread.archived",
    /// `thread.unarchived`: the thread was reopened. Its page was not available; the shape
    /// is taken to be that of `thread.archived` (`{thread}`).
    ThreadUnarchived(ThreadPayload) = "thread.unarchived",
    /// `thread.typing`: the prospect is typing (X Chat threads only).
    ThreadTyping(ThreadTypingPayload) = "thread.typing",
    /// `message.created`: a message was sent or received.
    MessageCreated(MessageCreatedPayload) = "message.created",
    /// `message.edited`: a message's text changed; the message is given after the edit.
    MessageEdited(MessageEditedPayload) = "message.edited",
    /// `message.deleted`: a message was deleted (its history stays available through the
    /// API).
    MessageDeleted(MessageDeletedPayload) = "message.deleted",
    /// `message.reactionAdded`: a reaction was added to a message.
    MessageReactionAdded(ReactionPayload) = "message.reactionAdded",
    /// `message.reactionRemoved`: a reaction was removed from a message.
    MessageReactionRemoved(ReactionPayload) = "message.reactionRemoved",
    /// `prospect.created`: a new prospect. Its page was not available; the shape is taken
    /// to be that of the other prospect events (`{prospect}`).
    ProspectCreated(ProspectPayload) = "prospect.created",
    /// `prospect.statusChanged`: `prospect.context.statusId` holds the new status (`None`
    /// when it was cleared).
    ProspectStatusChanged(ProspectPayload) = "prospect.statusChanged",
    /// `prospect.tagsChanged`: `prospect.context.tags` holds the tags after the change.
    ProspectTagsChanged(ProspectPayload) = "prospect.tagsChanged",
    /// `prospect.notesChanged`. Its page was not available; the shape is taken to be that
    /// of the other prospect events (`{prospect}`).
    ProspectNotesChanged(ProspectPayload) = "prospect.notesChanged",
    /// `prospect.valuationChanged`: `prospect.context.valuation` holds the new value.
    ProspectValuationChanged(ProspectPayload) = "prospect.valuationChanged",
    /// `prospect.assigneeChanged`: `prospect.context.assignee_id` holds the new assignee
    /// (`Nullable::Null` when it was cleared). Replaces `thread.assigned` /
    /// `thread.unassigned`.
    ProspectAssigneeChanged(ProspectPayload) = "prospect.assigneeChanged",
    /// `prospect.enriched`. Its page was not available; the shape is taken to be that of
    /// the other prospect events (`{prospect}`).
    ProspectEnriched(ProspectPayload) = "prospect.enriched",
    /// `tag.created`. Its payload is not documented, so it is kept as raw JSON.
    TagCreated(Value) = "tag.created",
    /// `tag.updated`. Its payload is not documented, so it is kept as raw JSON.
    TagUpdated(Value) = "tag.updated",
    /// `tag.deleted`. Its payload is not documented, so it is kept as raw JSON.
    TagDeleted(Value) = "tag.deleted",
    /// `status.created`. Its payload is not documented, so it is kept as raw JSON.
    StatusCreated(Value) = "status.created",
    /// `status.updated`. Its payload is not documented, so it is kept as raw JSON.
    StatusUpdated(Value) = "status.updated",
    /// `status.deleted`. Its payload is not documented, so it is kept as raw JSON.
    StatusDeleted(Value) = "status.deleted",
    /// `campaign.created`. Its page was not available; campaign events are documented as
    /// `{campaign}`.
    CampaignCreated(CampaignPayload) = "campaign.created",
    /// `campaign.started`: first start, and also every resume (which fires
    /// `campaign.resumed` as well).
    CampaignStarted(CampaignPayload) = "campaign.started",
    /// `campaign.paused`: paused by a member or by the system.
    CampaignPaused(CampaignPayload) = "campaign.paused",
    /// `campaign.resumed`. Its page was not available; campaign events are documented as
    /// `{campaign}`.
    CampaignResumed(CampaignPayload) = "campaign.resumed",
    /// `campaign.completed`. Its page was not available; campaign events are documented
    /// as `{campaign}`.
    CampaignCompleted(CampaignPayload) = "campaign.completed",
    /// `target.contacted`: a campaign sent its first message to a target.
    TargetContacted(TargetPayload) = "target.contacted",
    /// `target.followUpSent`: a campaign sent a follow-up to a target.
    TargetFollowUpSent(TargetPayload) = "target.followUpSent",
    /// `target.replied`: a campaign target replied.
    TargetReplied(TargetPayload) = "target.replied",
}

// ---------------------------------------------------------------------- payloads

/// Payload of the thread events (`thread.created`, `thread.archived`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadPayload {
    /// The thread, after the change.
    ///
    /// JSON: `thread`.
    pub thread: WebhookThread,
    /// The prospect; shown by `thread.created` only. Its exact shape is not documented
    /// beyond its name, so it is read as a [`WebhookProspect`].
    ///
    /// JSON: `prospect`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prospect: Option<WebhookProspect>,
}

/// Payload of `thread.typing`. Only ids, not the full thread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadTypingPayload {
    /// Inbox id of the thread.
    ///
    /// JSON: `threadId`.
    pub thread_id: String,
    /// X user id of the prospect who is typing.
    ///
    /// JSON: `senderPlatformId`.
    pub sender_platform_id: String,
}

/// Payload of `message.created`.
///
/// The documentation's example is cut off after `thread`; any further keys are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageCreatedPayload {
    /// The new message.
    ///
    /// JSON: `message`.
    pub message: Message,
    /// The thread it belongs to, with a slim prospect.
    ///
    /// JSON: `thread`.
    pub thread: WebhookThread,
}

/// Payload of `message.edited`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageEditedPayload {
    /// The message after the edit (`is_edited` is true, `updated_at` the edit time).
    ///
    /// JSON: `message`.
    pub message: Message,
    /// Inbox id of the thread.
    ///
    /// JSON: `threadId`.
    pub thread_id: String,
}

/// Payload of `message.deleted`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDeletedPayload {
    /// Inbox id of the deleted message.
    ///
    /// JSON: `messageId`.
    pub message_id: String,
    /// Inbox id of the thread it belonged to.
    ///
    /// JSON: `threadId`.
    pub thread_id: String,
}

/// Payload of `message.reactionAdded` and `message.reactionRemoved`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReactionPayload {
    /// Inbox id of the message.
    ///
    /// JSON: `messageId`.
    pub message_id: String,
    /// Inbox id of the thread containing it.
    ///
    /// JSON: `threadId`.
    pub thread_id: String,
    /// The reaction that was added or removed.
    ///
    /// JSON: `reaction`.
    pub reaction: Reaction,
}

/// A reaction on a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// The emoji.
    ///
    /// JSON: `emoji`.
    pub emoji: String,
    /// X user id of whoever reacted.
    ///
    /// JSON: `senderPlatformId`.
    pub sender_platform_id: String,
    /// When the reaction was made.
    ///
    /// JSON: `createdAt`.
    #[serde(with = "apigen_runtime::datetime::rfc3339")]
    pub created_at: DateTime<Utc>,
}

/// Payload of the prospect events (`prospect.statusChanged`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProspectPayload {
    /// The prospect, with its context after the change.
    ///
    /// JSON: `prospect`.
    pub prospect: WebhookProspect,
}

/// Payload of the campaign events (`campaign.started`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignPayload {
    /// The campaign, after the change.
    ///
    /// JSON: `campaign`.
    pub campaign: WebhookCampaign,
}

/// Payload of the campaign target events (`target.contacted`, `target.followUpSent`,
/// `target.replied`).
///
/// The examples for `target.followUpSent` and `target.replied` are cut off after
/// `thread`; the migration guide lists `campaign`, `thread`, `message` and `prospect`
/// for `target.contacted`. `message` and `prospect` are therefore optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetPayload {
    /// The campaign.
    ///
    /// JSON: `campaign`.
    pub campaign: WebhookCampaign,
    /// The thread with the target.
    ///
    /// JSON: `thread`.
    pub thread: WebhookThread,
    /// The message concerned, when sent.
    ///
    /// JSON: `message`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
    /// The target, when sent.
    ///
    /// JSON: `prospect`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prospect: Option<WebhookProspect>,
}

// --------------------------------------------------------------- shared objects

/// A thread as embedded in webhook payloads: the fields of [`crate::types::Thread`],
/// with a [`WebhookProspect`] (webhooks embed a slim prospect: identity fields and
/// `context` only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookThread {
    /// Inbox id of the thread.
    ///
    /// JSON: `id`.
    pub id: String,
    /// JSON: `platform`.
    pub platform: Platform,
    /// X conversation id, `<smaller user id>:<larger user id>`.
    ///
    /// JSON: `platformId`.
    pub platform_id: String,
    /// Whether the thread is marked done (archived).
    ///
    /// JSON: `done`.
    pub done: bool,
    /// Member assigned to the thread, or `None`.
    ///
    /// JSON: `assigneeId`. `None` when `null` or absent.
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// Time of the latest message.
    ///
    /// JSON: `lastMessageTimestamp`. `None` when `null` or absent.
    #[serde(default, with = "apigen_runtime::datetime::rfc3339_option")]
    pub last_message_timestamp: Option<DateTime<Utc>>,
    /// Time used for ordering threads.
    ///
    /// JSON: `computedSortTimestamp`. `None` when `null` or absent.
    #[serde(default, with = "apigen_runtime::datetime::rfc3339_option")]
    pub computed_sort_timestamp: Option<DateTime<Utc>>,
    /// When the thread was created in Inbox.
    ///
    /// JSON: `createdAt`.
    #[serde(with = "apigen_runtime::datetime::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// JSON: `status`.
    pub status: ThreadStatus,
    /// JSON: `variant`.
    pub variant: ThreadVariant,
    /// The team's account link in this conversation.
    ///
    /// JSON: `accountLinkId`.
    pub account_link_id: String,
    /// Whether Inbox is still loading the history from X.
    ///
    /// JSON: `isSyncing`.
    pub is_syncing: bool,
    /// Whether the conversation is a message request.
    ///
    /// JSON: `isRequest`.
    pub is_request: bool,
    /// Per-thread typing-indicator setting; `None` means the team default.
    ///
    /// JSON: `typingIndicatorsEnabled`. `None` when `null` or absent.
    #[serde(default)]
    pub typing_indicators_enabled: Option<bool>,
    /// Preview of the latest message.
    ///
    /// JSON: `lastMessage`. `None` when `null` or absent.
    #[serde(default)]
    pub last_message: Option<ThreadLastMessage>,
    /// The prospect on the other side.
    ///
    /// JSON: `prospect`.
    pub prospect: WebhookProspect,
}

/// A prospect as embedded in webhook payloads.
///
/// Prospect events carry most fields of [`crate::types::ProspectWithContext`] (without
/// `documentId` and `platformData`); prospects inside a thread carry only the identity
/// fields and `context`. So only the identity fields and `context` are required; every
/// other field is `None` when absent (or `null`) and left out when re-encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookProspect {
    /// JSON: `platform`.
    pub platform: Platform,
    /// X user id of the prospect.
    ///
    /// JSON: `platformId`.
    pub platform_id: String,
    /// Inbox id of the prospect.
    ///
    /// JSON: `externalId`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Internal search-index id of the profile.
    ///
    /// JSON: `documentId`. Optional (not in the webhook examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<i64>,
    /// Display name on X.
    ///
    /// JSON: `displayName`.
    pub display_name: String,
    /// X username without the `@`.
    ///
    /// JSON: `username`.
    pub username: String,
    /// X handle including the `@`.
    ///
    /// JSON: `handle`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Avatar URL.
    ///
    /// JSON: `image`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Avatar URL at the highest available resolution.
    ///
    /// JSON: `imageNormalized`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_normalized: Option<String>,
    /// Profile bio.
    ///
    /// JSON: `bio`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bio: Option<String>,
    /// Location given on the profile.
    ///
    /// JSON: `location`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Link to the profile on X.
    ///
    /// JSON: `profileUrl`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    /// Website linked from the profile.
    ///
    /// JSON: `websiteUrl`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    /// Domain of `website_url`.
    ///
    /// JSON: `websiteDomain`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_domain: Option<String>,
    /// JSON: `verified`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<VerificationType>,
    /// JSON: `profileType`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_type: Option<ProfileType>,
    /// Whether the account's posts are protected.
    ///
    /// JSON: `isProtected`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_protected: Option<bool>,
    /// Number of followers.
    ///
    /// JSON: `followerCount`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follower_count: Option<i64>,
    /// Number of accounts followed.
    ///
    /// JSON: `followingCount`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following_count: Option<i64>,
    /// Number of posts.
    ///
    /// JSON: `postCount`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_count: Option<i64>,
    /// Engagement count.
    ///
    /// JSON: `engagementCount`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engagement_count: Option<i64>,
    /// Number of X lists the account appears on.
    ///
    /// JSON: `listedCount`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_count: Option<i64>,
    /// When the X account was created.
    ///
    /// JSON: `platformCreatedAt`. Optional.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "apigen_runtime::datetime::rfc3339_option"
    )]
    pub platform_created_at: Option<DateTime<Utc>>,
    /// When Inbox first saw this profile.
    ///
    /// JSON: `firstSeenAt`. Optional.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "apigen_runtime::datetime::rfc3339_option"
    )]
    pub first_seen_at: Option<DateTime<Utc>>,
    /// When Inbox last refreshed this profile.
    ///
    /// JSON: `lastUpdatedAt`. Optional.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "apigen_runtime::datetime::rfc3339_option"
    )]
    pub last_updated_at: Option<DateTime<Utc>>,
    /// When the profile data was last enriched.
    ///
    /// JSON: `lastEnrichedAt`. Optional.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "apigen_runtime::datetime::rfc3339_option"
    )]
    pub last_enriched_at: Option<DateTime<Utc>>,
    /// Last observed activity of the account.
    ///
    /// JSON: `lastActiveAt`. Optional.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "apigen_runtime::datetime::rfc3339_option"
    )]
    pub last_active_at: Option<DateTime<Utc>>,
    /// JSON: `source`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ProfileSource>,
    /// True when the profile was refreshed within the last 7 days.
    ///
    /// JSON: `isFresh`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_fresh: Option<bool>,
    /// True when the profile has not been refreshed for 30 days or more.
    ///
    /// JSON: `isStale`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_stale: Option<bool>,
    /// Confidence in the profile data, from 0 to 1.
    ///
    /// JSON: `confidence`. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// X-specific profile data.
    ///
    /// JSON: `platformData`. Optional (not in the webhook examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_data: Option<PlatformData>,
    /// The team's CRM data (tags, status, valuation, notes and, for
    /// `prospect.assigneeChanged`, the assignee), after the change.
    ///
    /// JSON: `context`.
    pub context: ProspectContext,
}

/// A campaign as embedded in webhook payloads: the counters and lifecycle fields of
/// [`crate::types::Campaign`], without its configuration (schedule, steps, lists, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCampaign {
    /// Campaign id.
    ///
    /// JSON: `id`.
    pub id: String,
    /// Campaign name.
    ///
    /// JSON: `name`.
    pub name: String,
    /// Free-text description.
    ///
    /// JSON: `description`. `None` when `null` or absent.
    #[serde(default)]
    pub description: Option<String>,
    /// JSON: `status`.
    pub status: CampaignStatus,
    /// Whether the campaign runs without sending messages.
    ///
    /// JSON: `dryRun`.
    pub dry_run: bool,
    /// Number of targets.
    ///
    /// JSON: `targetsCount`.
    pub targets_count: u64,
    /// Number of targets contacted.
    ///
    /// JSON: `contactedCount`.
    pub contacted_count: u64,
    /// Number of targets that replied.
    ///
    /// JSON: `repliesCount`.
    pub replies_count: u64,
    /// Share of targets contacted, from 0 to 1.
    ///
    /// JSON: `completionRate`.
    pub completion_rate: f64,
    /// Share of contacted targets that replied, from 0 to 1.
    ///
    /// JSON: `replyRate`.
    pub reply_rate: f64,
    /// When the campaign was created.
    ///
    /// JSON: `createdAt`.
    #[serde(with = "apigen_runtime::datetime::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When the campaign was last updated.
    ///
    /// JSON: `updatedAt`. `None` when `null` or absent.
    #[serde(default, with = "apigen_runtime::datetime::rfc3339_option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// When the campaign was paused.
    ///
    /// JSON: `pausedAt`. `None` when `null` or absent.
    #[serde(default, with = "apigen_runtime::datetime::rfc3339_option")]
    pub paused_at: Option<DateTime<Utc>>,
    /// When the campaign completed.
    ///
    /// JSON: `completedAt`. `None` when `null` or absent.
    #[serde(default, with = "apigen_runtime::datetime::rfc3339_option")]
    pub completed_at: Option<DateTime<Utc>>,
    /// When the campaign was last started.
    ///
    /// JSON: `lastStartedAt`. `None` when `null` or absent.
    #[serde(default, with = "apigen_runtime::datetime::rfc3339_option")]
    pub last_started_at: Option<DateTime<Utc>>,
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
