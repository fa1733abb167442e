//! `inboxapp::webhooks`: typed decoding of the documented example payloads, and
//! signature verification with an injected clock.

use std::path::PathBuf;
use std::time::Duration;

use inboxapp::types::{CampaignStatus, MessageOrigin, ThreadVariant, WebhookEvent, WebhookEventType};
use inboxapp::webhooks::{self, Event, EventData, Verifier, WebhookError, EVENT_TYPES};
use inboxapp::Nullable;
use serde_json::{json, Value};

const SECRET: &str = "ibt_wh_test";
/// Signature timestamp used throughout (2024-01-15T09:50:00Z).
const T: u64 = 1_705_312_200;

// ------------------------------------------------------------------- helpers

/// Every `tests/fixtures/webhooks/<type>.json`, as (type, raw bytes), sorted by name.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/webhooks");
    let mut fixtures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixture directory exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read(&path).expect("readable fixture"))
        })
        .collect();
    fixtures.sort();
    fixtures
}

fn fixture(name: &str) -> Vec<u8> {
    fixtures()
        .into_iter()
        .find(|(fixture, _)| fixture == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
        .1
}

/// Replaces every JSON number by its `f64` value.
///
/// Why exact equality is not always possible: JSON (and the JavaScript server that
/// writes these payloads) has a single number type, so `"valuation": 2500` and
/// `"completionRate": 0` are floating-point values written without a fraction. The
/// corresponding Rust fields are `f64`, and serde_json writes an integral `f64` as
/// `2500.0` / `0.0`, which `serde_json::Value` does not consider equal to `2500` / `0`.
/// The values are the same, so round trips compare numbers by value.
fn numbers_by_value(value: Value) -> Value {
    match value {
        Value::Number(number) => json!(number.as_f64().expect("finite number")),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_by_value).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_by_value(v))).collect()),
        other => other,
    }
}

/// Asserts that `event` re-encodes to `original`: exactly, or (only for the fixtures
/// named in `integral_floats`) equal once numbers are compared by value.
fn assert_round_trip(name: &str, event: &Event, original: &Value, integral_floats: &[&str]) {
    let reencoded = serde_json::to_value(event).expect("event serializes");
    if integral_floats.contains(&name) {
        assert_ne!(
            &reencoded, original,
            "{name}: expected an integral f64 to re-encode as N.0"
        );
        assert_eq!(
            numbers_by_value(reencoded),
            numbers_by_value(original.clone()),
            "{name}: re-encoded event differs from the input"
        );
    } else {
        assert_eq!(&reencoded, original, "{name}: re-encoded event differs from the input");
    }
}

fn verifier_at(now: u64) -> Verifier {
    Verifier::new().with_clock(move || now)
}

fn small_event() -> Vec<u8> {
    fixture("message.deleted")
}

// ----------------------------------------------------------- typed decoding

/// Fixture-specific checks; also fails when a fixture decodes into another variant.
fn check_typed_fields(name: &str, data: &EventData) {
    match (name, data) {
        ("campaign.paused", EventData::CampaignPaused(payload)) => {
            let campaign = &payload.campaign;
            assert_eq!(campaign.id, "x9wq5p2bvnhfdteolyr3km7j");
            assert_eq!(campaign.status, CampaignStatus::Paused);
            assert_eq!(campaign.contacted_count, 87);
            assert_eq!(campaign.completion_rate, 0.348);
            assert!(campaign.paused_at.is_some());
            assert_eq!(campaign.completed_at, None);
        }
        ("campaign.started", EventData::CampaignStarted(payload)) => {
            assert_eq!(payload.campaign.status, CampaignStatus::Active);
            assert_eq!(payload.campaign.paused_at, None);
            assert_eq!(payload.campaign.reply_rate, 0.0);
        }
        ("message.deleted", EventData::MessageDeleted(payload)) => {
            assert_eq!(payload.message_id, "p8rvk2m5j0xn4wq7ybftcael");
            assert_eq!(payload.thread_id, "l44e15irdq4db30i77cgphhx");
        }
        ("message.edited", EventData::MessageEdited(payload)) => {
            assert!(payload.message.is_edited);
            assert_eq!(payload.message.origin, Some(MessageOrigin::Internal));
            assert!(payload.message.updated_at.is_some());
            assert_eq!(payload.thread_id, payload.message.thread_id);
        }
        ("message.reactionAdded", EventData::MessageReactionAdded(payload)) => {
            assert_eq!(payload.reaction.emoji, "🔥");
            assert_eq!(payload.reaction.sender_platform_id, "1876543210987654321");
        }
        ("message.reactionRemoved", EventData::MessageReactionRemoved(payload)) => {
            assert_eq!(payload.reaction.emoji, "👍");
            assert_eq!(payload.message_id, "p8rvk2m5j0xn4wq7ybftcael");
        }
        ("prospect.assigneeChanged", EventData::ProspectAssigneeChanged(payload)) => {
            assert_eq!(
                payload.prospect.context.assignee_id,
                Some(Nullable::Value("r3km7xj9wq5p2bvnhfdteoly".to_owned()))
            );
            assert_eq!(payload.prospect.handle.as_deref(), Some("@sarahchen"));
            assert_eq!(payload.prospect.document_id, None);
            assert_eq!(payload.prospect.platform_data, None);
        }
        ("prospect.statusChanged", EventData::ProspectStatusChanged(payload)) => {
            assert_eq!(
                payload.prospect.context.status_id.as_deref(),
                Some("n5xr8yk0wr6q3cwohgeufqmz")
            );
            assert_eq!(payload.prospect.context.assignee_id, None, "absent, not null");
        }
        ("prospect.tagsChanged", EventData::ProspectTagsChanged(payload)) => {
            assert_eq!(payload.prospect.context.tags.len(), 3);
            assert_eq!(payload.prospect.follower_count, Some(12840));
        }
        ("prospect.valuationChanged", EventData::ProspectValuationChanged(payload)) => {
            assert_eq!(payload.prospect.context.valuation, Some(15000.0));
        }
        ("thread.typing", EventData::ThreadTyping(payload)) => {
            assert_eq!(payload.thread_id, "l44e15irdq4db30i77cgphhx");
            assert_eq!(payload.sender_platform_id, "1876543210987654321");
        }
        (name, other) => panic!("{name} decoded as the wrong variant: {other:?}"),
    }
}

#[test]
fn every_fixture_decodes_into_its_typed_variant_and_round_trips() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 11, "one fixture per complete documented example");
    for (name, body) in &fixtures {
        let event = Event::from_slice(body).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(&event.event_type, name);
        assert_eq!(event.data.event_type(), name);
        assert_eq!(event.kind().as_str(), name);
        assert!(!matches!(event.kind(), WebhookEventType::Unknown(_)), "{name}");
        assert!(
            !matches!(event.data, EventData::Unknown { .. }),
            "{name} decoded as Unknown"
        );
        assert_eq!(event.version, "1.0");
        assert_eq!(event.team_id, "hzcai5t59nn9vsck3rbuepyg");
        check_typed_fields(name, &event.data);

        // `valuation` (2500, 15000) and the campaign rates (0) are f64 fields written
        // without a fraction; see `numbers_by_value`.
        let original: Value = serde_json::from_slice(body).unwrap();
        assert_round_trip(
            name,
            &event,
            &original,
            &[
                "campaign.started",
                "prospect.assigneeChanged",
                "prospect.statusChanged",
                "prospect.tagsChanged",
                "prospect.valuationChanged",
            ],
        );

        // The serde entry point gives the same event.
        let via_serde: Event = serde_json::from_slice(body).unwrap();
        assert_eq!(via_serde, event, "{name}");
    }
}

#[test]
fn envelope_fields_decode() {
    let event = Event::from_slice(&fixture("campaign.paused")).unwrap();
    assert_eq!(event.id, "ck9v2m5nj0xp4wq7ybftrae8");
    assert_eq!(event.seq, 312);
    assert_eq!(event.kind(), WebhookEventType::CampaignPaused);
    assert_eq!(
        event.timestamp.datetime().expect("a date-time").to_rfc3339(),
        "2025-01-16T09:15:00+00:00"
    );
}

/// The archived examples of these events are cut off (see fixtures/webhooks/README.md),
/// so these bodies are assembled here from the visible part of each example, with the
/// missing tail completed by hand (prospect `context`, closing fields).
fn synthesized_thread() -> Value {
    json!({
        "id": "l44e15irdq4db30i77cgphhx",
        "platform": "twitter",
        "platformId": "1566123362161725440:1876543210987654321",
        "done": true,
        "assigneeId": "r3km7xj9wq5p2bvnhfdteoly",
        "lastMessageTimestamp": "2025-01-15T14:10:00.000Z",
        "computedSortTimestamp": "2025-01-15T14:10:00.000Z",
        "createdAt": "2025-01-10T09:00:00.000Z",
        "status": "active",
        "variant": "xChat",
        "accountLinkId": "df6jbw4h36qm5d9iu2sgn7kx",
        "isSyncing": false,
        "isRequest": false,
        "typingIndicatorsEnabled": true,
        "lastMessage": {
            "id": "p8rvk2m5j0xn4wq7ybftcael",
            "content": "Sounds good, I'll send over the proposal tomorrow.",
            "authorId": "df6jbw4h36qm5d9iu2sgn7kx",
            "createdAt": "2025-01-15T14:10:00.000Z",
            "userId": "r3km7xj9wq5p2bvnhfdteoly",
            "campaignId": null
        },
        "prospect": {
            "platform": "twitter",
            "platformId": "1876543210987654321",
            "externalId": "m4wq7ybftcaelp8rvk2m5j0x",
            "displayName": "Sarah Chen",
            "username": "sarahchen",
            "handle": "@sarahchen",
            "image": "https://pbs.twimg.com/profile_images/example/sarah.jpg",
            "context": {
                "tags": ["l44e15irdq4db30i77cgphhx"],
                "statusId": "n5xr8yk0wr6q3cwohgeufqmz",
                "valuation": 2500.5,
                "notes": "Closing deal"
            }
        }
    })
}

fn synthesized_campaign() -> Value {
    json!({
        "id": "m4wq7ybftcaelp8rvk2m5j0x",
        "name": "Q1 Product Launch Outreach",
        "description": null,
        "status": "active",
        "dryRun": false,
        "targetsCount": 250,
        "contactedCount": 142,
        "repliesCount": 28,
        "completionRate": 0.568,
        "replyRate": 0.197,
        "createdAt": "2025-01-10T09:00:00.000Z",
        "updatedAt": null,
        "pausedAt": null,
        "completedAt": null,
        "lastStartedAt": "2025-01-12T08:00:00.000Z"
    })
}

fn synthesized_message() -> Value {
    json!({
        "id": "p8rvk2m5j0xn4wq7ybftcael",
        "platform": "twitter",
        "platformId": "1876543210987654322",
        "threadId": "l44e15irdq4db30i77cgphhx",
        "teamId": "hzcai5t59nn9vsck3rbuepyg",
        "authorId": "1876543210987654321",
        "userId": null,
        "campaignId": null,
        "content": "Hey! I saw your post about the new API.",
        "origin": "external",
        "createdAt": "2025-01-15T14:30:00.000Z",
        "updatedAt": null,
        "isEdited": false,
        "isEncrypted": false,
        "entities": null,
        "attachment": null,
        "reactions": [],
        "replyData": null,
        "forwardData": null,
        "deletedAt": null,
        "platformDeletedAt": null
    })
}

fn envelope(event_type: &str, data: Value) -> Value {
    json!({
        "id": "ck9v2m5nj0xp4wq7ybftrae8",
        "seq": 67,
        "teamId": "hzcai5t59nn9vsck3rbuepyg",
        "type": event_type,
        "timestamp": "2025-01-15T14:20:00.000Z",
        "version": "1.0",
        "data": data
    })
}

#[test]
fn truncated_examples_completed_by_hand_decode_and_round_trip() {
    let slim_prospect = synthesized_thread()["prospect"].clone();
    let cases = [
        envelope("thread.archived", json!({ "thread": synthesized_thread() })),
        envelope("thread.unassigned", json!({ "thread": synthesized_thread() })),
        envelope(
            "thread.created",
            json!({ "thread": synthesized_thread(), "prospect": slim_prospect }),
        ),
        envelope(
            "message.created",
            json!({ "message": synthesized_message(), "thread": synthesized_thread() }),
        ),
        envelope(
            "target.replied",
            json!({ "campaign": synthesized_campaign(), "thread": synthesized_thread() }),
        ),
        envelope(
            "target.contacted",
            json!({
                "campaign": synthesized_campaign(),
                "thread": synthesized_thread(),
                "message": synthesized_message(),
                "prospect": slim_prospect,
            }),
        ),
    ];
    for original in cases {
        let name = original["type"].as_str().unwrap().to_owned();
        let event =
            Event::from_slice(&serde_json::to_vec(&original).unwrap()).unwrap_or_else(|err| panic!("{name}: {err}"));
        match &event.data {
            EventData::ThreadArchived(payload) | EventData::ThreadUnassigned(payload) => {
                assert!(payload.thread.done);
                assert_eq!(payload.thread.variant, ThreadVariant::XChat);
                assert_eq!(payload.thread.prospect.profile_url, None, "slim prospect");
                assert_eq!(payload.prospect, None);
            }
            EventData::ThreadCreated(payload) => {
                assert_eq!(payload.prospect.as_ref().unwrap().username, "sarahchen");
            }
            EventData::MessageCreated(payload) => {
                assert_eq!(payload.message.origin, Some(MessageOrigin::External));
                assert_eq!(payload.thread.id, payload.message.thread_id);
            }
            EventData::TargetReplied(payload) => {
                assert_eq!(payload.campaign.description, None);
                assert!(payload.message.is_none() && payload.prospect.is_none());
            }
            EventData::TargetContacted(payload) => {
                assert!(payload.message.is_some() && payload.prospect.is_some());
            }
            other => panic!("{name} decoded as {other:?}"),
        }
        // Exact: the only float here (2500.5) has a fraction.
        assert_round_trip(&name, &event, &original, &[]);
    }
}

#[test]
fn unknown_fields_are_tolerated() {
    let mut body = envelope(
        "thread.archived",
        json!({ "thread": synthesized_thread(), "extra": [1, 2] }),
    );
    body["data"]["thread"]["brandNewField"] = json!({"x": 1});
    body["data"]["thread"]["prospect"]["context"]["somethingElse"] = json!(true);
    body["envelopeExtra"] = json!("ignored");
    let event = Event::from_slice(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert!(matches!(event.data, EventData::ThreadArchived(_)));
}

#[test]
fn unknown_event_type_keeps_its_raw_data() {
    let data = json!({"widget": {"id": "abc", "sizes": [1, 2.5, null]}, "flag": true});
    let original = envelope("widget.exploded", data.clone());
    let event = Event::from_slice(&serde_json::to_vec(&original).unwrap()).unwrap();
    assert_eq!(event.event_type, "widget.exploded");
    assert_eq!(event.kind(), WebhookEventType::Unknown("widget.exploded".to_owned()));
    match &event.data {
        EventData::Unknown { event_type, data: kept } => {
            assert_eq!(event_type, "widget.exploded");
            assert_eq!(kept, &data);
        }
        other => panic!("expected Unknown, got {other:?}"),
    }
    assert_eq!(event.data.event_type(), "widget.exploded");
    assert_round_trip("widget.exploded", &event, &original, &[]);
}

#[test]
fn undocumented_payloads_are_raw_json_and_every_event_type_is_dispatched() {
    assert_eq!(
        EVENT_TYPES.len(),
        33,
        "32 documented types plus prospect.assigneeChanged"
    );
    let mut sorted = EVENT_TYPES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), EVENT_TYPES.len(), "no duplicates");

    let raw_json = [
        "thread.deleted",
        "tag.created",
        "tag.updated",
        "tag.deleted",
        "status.created",
        "status.updated",
        "status.deleted",
    ];
    for name in EVENT_TYPES {
        assert!(
            !matches!(WebhookEventType::from(*name), WebhookEventType::Unknown(_)),
            "{name} is not in the spec's WebhookEventType"
        );
        let data = json!({"tag": {"id": "l44e15irdq4db30i77cgphhx", "name": "VIP"}});
        match EventData::decode(name, data.clone()) {
            Ok(EventData::Unknown { .. }) => panic!("{name} was not dispatched"),
            Ok(EventData::Undecodable {
                event_type,
                data: kept,
                error,
            }) => {
                assert!(!raw_json.contains(name), "{name} should keep any JSON");
                assert_eq!(event_type, *name);
                assert_eq!(kept, data, "{name}: the payload is handed over unchanged");
                assert_eq!(error.path, "data", "{name}: {}", error.message);
                assert!(error.message.starts_with("missing field"), "{name}: {}", error.message);
            }
            Ok(decoded) => {
                assert!(raw_json.contains(name), "{name} accepted a tag object");
                assert_eq!(decoded.event_type(), *name);
                assert_eq!(serde_json::to_value(&decoded).unwrap(), data);
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
}

#[test]
fn known_type_with_wrong_data_names_the_serde_path() {
    let cases = [
        (
            envelope("message.deleted", json!({"messageId": 42, "threadId": "t"})),
            "data.messageId",
            "invalid type",
        ),
        (
            envelope("thread.typing", json!({"threadId": "t"})),
            "data",
            "missing field `senderPlatformId`",
        ),
        (
            envelope(
                "message.reactionAdded",
                json!({"messageId": "m", "threadId": "t",
                       "reaction": {"emoji": "🔥", "senderPlatformId": 1}}),
            ),
            "data.reaction.senderPlatformId",
            "invalid type",
        ),
        (
            envelope(
                "prospect.tagsChanged",
                json!({"prospect": {"platform": "twitter", "platformId": "1", "displayName": "A",
                                    "username": "a", "context": {"tags": ["ok", 7]}}}),
            ),
            "data.prospect.context.tags[1]",
            "invalid type",
        ),
    ];
    // A known event type whose payload does not fit is handed over, never rejected: the
    // raw payload and the error (with its path) are in `EventData::Undecodable`.
    for (body, expected_path, expected_message) in cases {
        let event = Event::from_slice(&serde_json::to_vec(&body).unwrap()).expect("delivered, not rejected");
        match &event.data {
            EventData::Undecodable {
                event_type,
                data,
                error,
            } => {
                assert_eq!(event_type, body["type"].as_str().unwrap());
                assert_eq!(data, &body["data"], "the payload is kept unchanged");
                assert_eq!(error.path, expected_path, "{}", error.message);
                assert!(error.message.contains(expected_message), "{}", error.message);
                assert!(error.to_string().contains(expected_path), "{error}");
            }
            other => panic!("expected Undecodable, got {other:?}"),
        }
        assert_eq!(
            serde_json::to_value(&event).unwrap(),
            body,
            "re-encodes to the delivery"
        );
    }
    // A date-time that is not one does not even make the payload undecodable: the text
    // is kept in the `Timestamp` (see `apigen_runtime::timestamp`).
    let body = envelope(
        "message.reactionAdded",
        json!({"messageId": "m", "threadId": "t",
               "reaction": {"emoji": "🔥", "senderPlatformId": "1", "createdAt": "yesterday"}}),
    );
    let event = Event::from_slice(&serde_json::to_vec(&body).unwrap()).expect("decodes");
    let EventData::MessageReactionAdded(payload) = &event.data else {
        panic!("not dispatched: {:?}", event.data)
    };
    assert!(!payload.reaction.created_at.is_valid());
    assert_eq!(payload.reaction.created_at.as_str(), "yesterday");
}

#[test]
fn malformed_envelopes_are_invalid_payloads() {
    let mut bad_seq = envelope("message.deleted", json!({"messageId": "m", "threadId": "t"}));
    bad_seq["seq"] = json!("twelve");
    let mut no_data = bad_seq.clone();
    no_data["seq"] = json!(1);
    no_data.as_object_mut().unwrap().remove("data");

    let err = Event::from_slice(&serde_json::to_vec(&bad_seq).unwrap()).unwrap_err();
    assert!(
        matches!(&err, WebhookError::InvalidPayload { path, .. } if path == "seq"),
        "{err:?}"
    );
    let err = Event::from_slice(&serde_json::to_vec(&no_data).unwrap()).unwrap_err();
    assert!(
        matches!(&err, WebhookError::InvalidPayload { message, .. } if message.contains("missing field `data`")),
        "{err:?}"
    );
    for body in [&b"not json"[..], b"", b"{\"id\":", b"[]"] {
        let err = Event::from_slice(body).unwrap_err();
        assert!(matches!(err, WebhookError::InvalidPayload { .. }), "{err:?}");
    }
    let mut trailing = small_event();
    trailing.extend_from_slice(b" {}");
    assert!(matches!(
        Event::from_slice(&trailing),
        Err(WebhookError::InvalidPayload { .. })
    ));
}

#[test]
fn events_from_the_events_feed_convert() {
    let body = fixture("prospect.statusChanged");
    let feed_event: WebhookEvent = serde_json::from_slice(&body).unwrap();
    let event = Event::try_from(feed_event).unwrap();
    assert_eq!(event, Event::from_slice(&body).unwrap());
}

// ---------------------------------------------------------------- signatures

#[test]
fn sign_matches_an_independent_hmac_sha256() {
    // Computed with Python's `hmac.new(b"ibt_wh_test", b"1705312200." + body, sha256)`.
    assert_eq!(
        webhooks::sign(br#"{"hello":"world"}"#, SECRET, T),
        "t=1705312200,v1=5219c8cc0d93875c663a6d02124d1ab4af3e889d231aec70adcb6c4ddd855e6b"
    );
    assert_eq!(
        webhooks::sign(&small_event(), SECRET, T),
        "t=1705312200,v1=afc99ad505bf03d8bf7a3344009f685b067b5e84901780480ded3926777415ca"
    );
}

#[test]
fn a_valid_signature_is_accepted_and_the_event_decoded() {
    let body = small_event();
    let header = webhooks::sign(&body, SECRET, T);
    let event = verifier_at(T + 10)
        .verify(&body, &header, SECRET)
        .expect("valid signature");
    assert!(matches!(event.data, EventData::MessageDeleted(_)));
    assert_eq!(verifier_at(T + 10).verify_signature(&body, &header, SECRET), Ok(()));
    // Whitespace around the fields is allowed, and so are unknown fields.
    let v1 = header.split_once(",v1=").unwrap().1;
    let spaced = format!(" t={T} , v0=legacy,  v1={v1} ");
    assert!(verifier_at(T).verify(&body, &spaced, SECRET).is_ok());
}

#[test]
fn tampered_body_and_wrong_secret_are_rejected() {
    let body = small_event();
    let header = webhooks::sign(&body, SECRET, T);
    let verifier = verifier_at(T + 10);

    let mut tampered = body.clone();
    tampered.push(b' ');
    assert_eq!(
        verifier.verify(&tampered, &header, SECRET).unwrap_err(),
        WebhookError::SignatureMismatch
    );
    assert_eq!(
        verifier.verify(&body, &header, "ibt_wh_other").unwrap_err(),
        WebhookError::SignatureMismatch
    );
    // Re-serialized JSON is not the signed text.
    let reserialized = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert_ne!(reserialized, body);
    assert_eq!(
        verifier.verify(&reserialized, &header, SECRET).unwrap_err(),
        WebhookError::SignatureMismatch
    );
    // The timestamp is signed too.
    let v1 = header.split_once(",v1=").unwrap().1;
    assert_eq!(
        verifier
            .verify(&body, &format!("t={},v1={v1}", T + 1), SECRET)
            .unwrap_err(),
        WebhookError::SignatureMismatch
    );
    // Values that are not hex, or are empty, simply do not match.
    for v1 in ["zz", "", "abc"] {
        assert_eq!(
            verifier.verify(&body, &format!("t={T},v1={v1}"), SECRET).unwrap_err(),
            WebhookError::SignatureMismatch
        );
    }
}

#[test]
fn any_matching_v1_passes() {
    let body = small_event();
    let good = webhooks::sign(&body, SECRET, T);
    let good_v1 = good.split_once(",v1=").unwrap().1;
    let old_secret_v1 = webhooks::sign(&body, "ibt_wh_rotated_out", T)
        .split_once(",v1=")
        .unwrap()
        .1
        .to_owned();
    let verifier = verifier_at(T);
    for header in [
        format!("t={T},v1={old_secret_v1},v1={good_v1}"),
        format!("t={T},v1={good_v1},v1={old_secret_v1}"),
        format!("t={T},v1=deadbeef,v1=not-hex,v1={good_v1}"),
    ] {
        assert!(verifier.verify(&body, &header, SECRET).is_ok(), "{header}");
    }
    assert_eq!(
        verifier
            .verify(&body, &format!("t={T},v1={old_secret_v1},v1=deadbeef"), SECRET)
            .unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn timestamps_outside_the_tolerance_are_rejected_both_ways() {
    let body = small_event();
    let header = webhooks::sign(&body, SECRET, T);

    // The default tolerance is 300 s, inclusive.
    assert_eq!(Verifier::new().tolerance(), Duration::from_secs(300));
    assert!(verifier_at(T + 300).verify(&body, &header, SECRET).is_ok());
    assert!(verifier_at(T - 300).verify(&body, &header, SECRET).is_ok());

    assert_eq!(
        verifier_at(T + 301).verify(&body, &header, SECRET).unwrap_err(),
        WebhookError::StaleTimestamp {
            age_secs: 301,
            tolerance: Duration::from_secs(300)
        }
    );
    // A timestamp from the future is rejected too.
    assert_eq!(
        verifier_at(T - 301).verify(&body, &header, SECRET).unwrap_err(),
        WebhookError::StaleTimestamp {
            age_secs: -301,
            tolerance: Duration::from_secs(300)
        }
    );
    // Extremes do not overflow.
    let err = verifier_at(u64::MAX).verify(&body, "t=0,v1=00", SECRET).unwrap_err();
    assert!(
        matches!(err, WebhookError::StaleTimestamp { age_secs: i64::MAX, .. }),
        "{err:?}"
    );
    let err = verifier_at(0)
        .verify(&body, &format!("t={},v1=00", u64::MAX), SECRET)
        .unwrap_err();
    assert!(
        matches!(err, WebhookError::StaleTimestamp { age_secs: i64::MIN, .. }),
        "{err:?}"
    );
}

#[test]
fn the_tolerance_is_checked_before_the_signature() {
    let body = small_event();
    // Wrong secret and stale: reported as stale.
    let header = webhooks::sign(&body, "ibt_wh_other", T);
    assert!(matches!(
        verifier_at(T + 1_000).verify(&body, &header, SECRET),
        Err(WebhookError::StaleTimestamp { age_secs: 1_000, .. })
    ));
    // Valid signature, undecodable body: the signature passes, decoding fails.
    let not_an_event = br#"{"hello":"world"}"#;
    let header = webhooks::sign(not_an_event, SECRET, T);
    assert_eq!(verifier_at(T).verify_signature(not_an_event, &header, SECRET), Ok(()));
    assert!(matches!(
        verifier_at(T).verify(not_an_event, &header, SECRET),
        Err(WebhookError::InvalidPayload { .. })
    ));
}

#[test]
fn custom_tolerance() {
    let body = small_event();
    let header = webhooks::sign(&body, SECRET, T);
    let wide = Verifier::new()
        .with_tolerance(Duration::from_secs(600))
        .with_clock(|| T + 301);
    assert!(wide.verify(&body, &header, SECRET).is_ok());
    assert!(wide
        .clone()
        .with_clock(|| T - 600)
        .verify(&body, &header, SECRET)
        .is_ok());
    assert!(matches!(
        wide.with_clock(|| T + 601).verify(&body, &header, SECRET),
        Err(WebhookError::StaleTimestamp { age_secs: 601, tolerance }) if tolerance == Duration::from_secs(600)
    ));

    let strict = Verifier::new().with_tolerance(Duration::ZERO).with_clock(|| T);
    assert!(strict.verify(&body, &header, SECRET).is_ok());
    assert!(matches!(
        strict.with_clock(|| T + 1).verify(&body, &header, SECRET),
        Err(WebhookError::StaleTimestamp { age_secs: 1, .. })
    ));
}

#[test]
fn the_injected_clock_is_called_for_each_verification() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    let body = small_event();
    let header = webhooks::sign(&body, SECRET, T);
    let now = Arc::new(AtomicU64::new(T));
    let clock = Arc::clone(&now);
    let verifier = Verifier::new().with_clock(move || clock.load(Ordering::SeqCst));

    assert!(verifier.verify(&body, &header, SECRET).is_ok());
    now.store(T + 10_000, Ordering::SeqCst);
    assert!(matches!(
        verifier.verify(&body, &header, SECRET),
        Err(WebhookError::StaleTimestamp { age_secs: 10_000, .. })
    ));
    now.store(T + 5, Ordering::SeqCst);
    assert!(verifier.verify(&body, &header, SECRET).is_ok());
}

#[test]
fn malformed_and_missing_headers_are_rejected() {
    let body = small_event();
    let good = webhooks::sign(&body, SECRET, T);
    let v1 = good.split_once(",v1=").unwrap().1;
    let verifier = verifier_at(T);

    for header in ["", "   ", " , "] {
        let err = verifier.verify(&body, header, SECRET).unwrap_err();
        // " , " is not empty, but has neither field.
        if header.trim().is_empty() {
            assert_eq!(err, WebhookError::MissingHeader, "{header:?}");
        } else {
            assert!(
                matches!(err, WebhookError::MalformedHeader { .. }),
                "{header:?}: {err:?}"
            );
        }
    }
    let malformed = [
        format!("v1={v1}"),                           // no t
        format!("t=17053a2200,v1={v1}"),              // t not all digits
        format!("t=-1705312200,v1={v1}"),             // sign is not a digit
        format!("t=1705312200.5,v1={v1}"),            // fraction
        format!("t=,v1={v1}"),                        // empty t
        format!("t={T}"),                             // no v1
        format!("t={T},v2={v1}"),                     // only an unknown scheme
        format!("t=99999999999999999999999,v1={v1}"), // does not fit in u64
        "garbage".to_owned(),
    ];
    for header in &malformed {
        let err = verifier.verify(&body, header, SECRET).unwrap_err();
        assert!(
            matches!(err, WebhookError::MalformedHeader { .. }),
            "{header:?}: {err:?}"
        );
    }
    // The first `t` wins.
    assert!(verifier.verify(&body, &format!("t={T},t=0,v1={v1}"), SECRET).is_ok());
}

#[test]
fn error_messages_never_contain_the_secret() {
    let secret = "ibt_wh_super_secret_value";
    let body = small_event();
    let header = webhooks::sign(&body, secret, T);
    let errors = [
        verifier_at(T).verify(&body, "", secret).unwrap_err(),
        verifier_at(T).verify(&body, "v1=00", secret).unwrap_err(),
        verifier_at(T).verify(&body, &header, "ibt_wh_wrong").unwrap_err(),
        verifier_at(T + 301).verify(&body, &header, secret).unwrap_err(),
        verifier_at(T - 301).verify(&body, &header, secret).unwrap_err(),
        verifier_at(T)
            .verify(b"{}", &webhooks::sign(b"{}", secret, T), secret)
            .unwrap_err(),
    ];
    let expected = [
        "missing X-Inbox-Signature header",
        "malformed X-Inbox-Signature header: no `t` field",
        "the webhook signature does not match the payload",
        "webhook signature timestamp is 301s old, outside the tolerance of 300s",
        "webhook signature timestamp is 301s in the future, outside the tolerance of 300s",
        "invalid webhook payload at .: missing field `id` at line 1 column 2",
    ];
    for (err, expected) in errors.iter().zip(expected) {
        let text = err.to_string();
        assert_eq!(text, expected);
        assert!(!text.contains(secret) && !format!("{err:?}").contains(secret));
        let _: &dyn std::error::Error = err;
    }
    assert!(!format!("{:?}", verifier_at(T)).contains(secret));
}

#[test]
fn the_default_verifier_uses_the_system_clock() {
    // The only test that reads the real clock: a body signed "now" verifies with the
    // default tolerance, and one signed in 2024 (`T`) is stale.
    let body = small_event();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(webhooks::verify(&body, &webhooks::sign(&body, SECRET, now), SECRET).is_ok());
    assert!(matches!(
        webhooks::verify(&body, &webhooks::sign(&body, SECRET, T), SECRET),
        Err(WebhookError::StaleTimestamp { .. })
    ));
}
