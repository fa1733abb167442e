//! Every JSON example in `tests/fixtures/payloads/` decodes into its generated type and
//! re-encodes to the same JSON.
//!
//! "The same JSON" is compared as `serde_json::Value`s (so key order does not matter)
//! after one normalisation that does not change what a payload means: numbers. JSON has
//! one number type, but `serde_json::Value` tells `123` from `123.0` (an `f64` field such
//! as `completionRate: 123` re-encodes as `123.0`).
//!
//! Everything else (every key, every `null`, every string, timestamps included: a
//! `Timestamp` re-encodes the exact text it decoded) must come back unchanged, so a
//! missing, extra or renamed key, or a re-spelled timestamp, fails the test.

use inboxapp::types::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// Every fixture file and the test that covers it (kept in sync with the directory and
/// with the table in `README.md` by [`every_fixture_is_tested_and_listed_in_the_readme`]).
const FIXTURES: &[&str] = &[
    "add-campaign-leads.json",
    "add-list-leads.json",
    "add-reaction.json",
    "campaign-seed.json",
    "cancel-campaign-lead.json",
    "create-import-job.json",
    "create-status.json",
    "create-tag.json",
    "delete-message.json",
    "enable-campaign.json",
    "error-rate-limited.json",
    "error-thread-not-found.json",
    "error-unauthorized.json",
    "get-campaign.json",
    "get-member.json",
    "get-message-history.json",
    "get-team-quickstart.json",
    "get-team.json",
    "list-account-links-configuration.json",
    "list-account-links-quickstart.json",
    "list-account-links.json",
    "list-import-jobs.json",
    "list-members.json",
    "quick-send-message.json",
    "remove-list-leads.json",
    "remove-reaction.json",
    "send-message.json",
    "send-typing-indicator.json",
    "update-campaign-column.json",
    "update-campaign-lead-rules.json",
    "update-campaign-sequence.json",
    "update-status.json",
    "update-tag.json",
    "update-thread-settings.json",
];

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../fixtures/payloads/", $name))
    };
}

/// Rewrites what may legitimately differ after a round trip (see the module docs).
fn normalize(value: Value) -> Value {
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() && float.fract() == 0.0 && float.abs() < 9.0e15 => {
                // Exact: |float| < 2^53, so the cast loses nothing.
                json!(float as i64)
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(members) => Value::Object(
            members
                .into_iter()
                .map(|(key, member)| (key, normalize(member)))
                .collect(),
        ),
        other => other,
    }
}

/// Decodes `text` as `T`, re-encodes it and checks that nothing was lost or added.
#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(name: &str, text: &str) -> T {
    let decoded: T = serde_json::from_str(text)
        .unwrap_or_else(|err| panic!("{name} does not decode as {}: {err}", std::any::type_name::<T>()));
    let original: Value = serde_json::from_str(text).expect("fixture is JSON");
    let again = serde_json::to_value(&decoded).expect("re-encodes");
    assert_eq!(
        normalize(again),
        normalize(original),
        "{name} does not re-encode to the same JSON"
    );
    decoded
}

#[test]
fn every_fixture_is_tested_and_listed_in_the_readme() {
    let directory = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/payloads");
    let mut on_disk: Vec<String> = std::fs::read_dir(directory)
        .expect("fixture directory")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    on_disk.sort();
    assert_eq!(on_disk, FIXTURES, "fixture files and FIXTURES differ");
    let readme = include_str!("../fixtures/payloads/README.md");
    for name in FIXTURES {
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "README.md has no row for {name}"
        );
    }
}

#[test]
fn normalize_only_equates_equal_numbers() {
    // Two spellings of one instant stay different: timestamps must round-trip as text.
    assert_ne!(
        normalize(json!("2023-11-07T05:31:56Z")),
        normalize(json!("2023-11-07T05:31:56.000Z"))
    );
    assert_eq!(normalize(json!(123.0)), normalize(json!(123)));
    assert_ne!(normalize(json!(0.5)), normalize(json!(0)));
    assert_eq!(normalize(json!("<string>")), json!("<string>"));
}

// --- team, account links, members ------------------------------------------------------

#[test]
fn get_team() {
    let team: Team = round_trip("get-team.json", fixture!("get-team.json"));
    assert!(team.allow_support_access);
    assert_eq!(team.image, None, "the docs example has no image key");
    assert_eq!(
        team.updated_at
            .and_then(|at| at.as_datetime().map(|at| at.to_rfc3339()))
            .as_deref(),
        Some("2025-01-01T00:00:00+00:00")
    );
}

#[test]
fn get_team_quickstart() {
    let team: Team = round_trip("get-team-quickstart.json", fixture!("get-team-quickstart.json"));
    assert_eq!(team.id, "hzcai5t59nn9vsck3rbuepyg");
    assert_eq!(team.slug, "acme-corp");
    assert_eq!(team.currency, "USD");
    assert_eq!(team.updated_at, None);
    assert!(!team.allow_support_access);
}

#[test]
fn list_account_links() {
    let links: Vec<AccountLink> = round_trip("list-account-links.json", fixture!("list-account-links.json"));
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].platform, Platform::Twitter);
    assert_eq!(links[0].status, AccountLinkStatus::Active);
}

#[test]
fn list_account_links_quickstart() {
    let links: Vec<AccountLink> = round_trip(
        "list-account-links-quickstart.json",
        fixture!("list-account-links-quickstart.json"),
    );
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].username, "acmecorp");
    assert_eq!(links[0].platform_id, "1566123362161725440");
}

#[test]
fn list_account_links_configuration() {
    let links: Vec<AccountLink> = round_trip(
        "list-account-links-configuration.json",
        fixture!("list-account-links-configuration.json"),
    );
    let ids: Vec<&str> = links.iter().map(|link| link.id.as_str()).collect();
    assert_eq!(ids, ["df6jbw4h36qm5d9iu2sgn7kx", "g7ht2kw9xr5m8fp3yjnbqvce"]);
    assert_eq!(
        links[1]
            .synced_at
            .as_ref()
            .and_then(|at| at.as_datetime().map(|at| at.to_rfc3339()))
            .as_deref(),
        Some("2025-01-14T08:00:00+00:00")
    );
}

#[test]
fn get_member() {
    let member: Member = round_trip("get-member.json", fixture!("get-member.json"));
    assert_eq!(member.name.as_deref(), Some("John Doe"));
    assert_eq!(member.role, MemberRole::Owner);
}

#[test]
fn list_members() {
    let members: Vec<Member> = round_trip("list-members.json", fixture!("list-members.json"));
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].email, "jsmith@example.com");
}

// --- tags and statuses -----------------------------------------------------------------

#[test]
fn create_tag() {
    let tag: Tag = round_trip("create-tag.json", fixture!("create-tag.json"));
    assert_eq!(tag.color.as_deref(), Some("#3b82f6"));
}

#[test]
fn update_tag() {
    let tag: Tag = round_trip("update-tag.json", fixture!("update-tag.json"));
    assert_eq!(tag.color.as_deref(), Some("#3b82f6"));
}

#[test]
fn create_status() {
    let status: Status = round_trip("create-status.json", fixture!("create-status.json"));
    assert_eq!(status.color.as_deref(), Some("#ef4444"));
}

#[test]
fn update_status() {
    let status: Status = round_trip("update-status.json", fixture!("update-status.json"));
    assert_eq!(
        status.created_at.to_utc().expect("a date-time").to_rfc3339(),
        "2023-11-07T05:31:56+00:00"
    );
}

// --- threads and messages --------------------------------------------------------------

#[test]
fn send_typing_indicator() {
    let outcome: SendTypingIndicatorResponse =
        round_trip("send-typing-indicator.json", fixture!("send-typing-indicator.json"));
    assert_eq!(outcome.status, TypingIndicatorStatus::Sent);
    assert_eq!(outcome.reason, Some(TypingSkipReason::RateLimited));
}

#[test]
fn update_thread_settings() {
    let settings: ThreadSettings = round_trip("update-thread-settings.json", fixture!("update-thread-settings.json"));
    assert_eq!(settings.typing_indicators_enabled, Some(true));
}

#[test]
fn send_message() {
    let message: Message = round_trip("send-message.json", fixture!("send-message.json"));
    assert_eq!(message.platform_id.as_deref(), Some("1234567890"));
    assert_eq!(message.origin, Some(MessageOrigin::Internal));
    assert_eq!(message.reply_data, Some(json!("<unknown>")));
    assert_eq!(message.reactions, [json!("<unknown>")]);
    assert!(message.is_edited);
    assert_eq!(message.is_encrypted, Some(true));
}

#[test]
fn quick_send_message() {
    let sent: QuickSendMessageResponse = round_trip("quick-send-message.json", fixture!("quick-send-message.json"));
    assert_eq!(sent.message.campaign_id.as_deref(), Some("df6jbw4h36..."));
    assert_eq!(sent.thread.platform_id.as_deref(), Some("<string>"));
}

#[test]
fn delete_message() {
    let deleted: DeleteMessageResponse = round_trip("delete-message.json", fixture!("delete-message.json"));
    assert!(deleted.success);
    assert_eq!(
        deleted.deleted_at.datetime().expect("a date-time").to_rfc3339(),
        "2023-11-07T05:31:56+00:00"
    );
}

#[test]
fn get_message_history() {
    let history: MessageHistory = round_trip("get-message-history.json", fixture!("get-message-history.json"));
    assert_eq!(history.versions.len(), 1);
    assert_eq!(history.versions[0].edit_origin, Some(MessageOrigin::Internal));
    assert_eq!(history.versions[0].expanded_data, Some(json!("<unknown>")));
    let deletion = history.deletion.expect("deletion is present");
    assert_eq!(deletion.deletion_type, DeletionType::SelfValue);
}

#[test]
fn add_reaction() {
    let reaction: ReactionResponse = round_trip("add-reaction.json", fixture!("add-reaction.json"));
    assert!(reaction.success);
}

#[test]
fn remove_reaction() {
    let reaction: ReactionResponse = round_trip("remove-reaction.json", fixture!("remove-reaction.json"));
    assert_eq!(reaction.message_id, "<string>");
}

// --- lists and import jobs -------------------------------------------------------------

#[test]
fn add_list_leads() {
    let outcome: AddListLeadsResponse = round_trip("add-list-leads.json", fixture!("add-list-leads.json"));
    assert_eq!(
        (outcome.added.len(), outcome.skipped.len(), outcome.failed.len()),
        (1, 1, 1)
    );
}

#[test]
fn remove_list_leads() {
    let outcome: RemoveListLeadsResponse = round_trip("remove-list-leads.json", fixture!("remove-list-leads.json"));
    assert_eq!(outcome.removed, 4_503_599_627_370_495);
}

#[test]
fn create_import_job() {
    let job: ImportJob = round_trip("create-import-job.json", fixture!("create-import-job.json"));
    assert_eq!(job.status, ImportJobStatus::Queued);
    assert_eq!(job.total_count, Some(1500));
    assert_eq!(job.error.as_deref(), Some("Rate limit exceeded"));
}

#[test]
fn list_import_jobs() {
    let page: ListImportJobsResponse = round_trip("list-import-jobs.json", fixture!("list-import-jobs.json"));
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.next_cursor.as_deref(), Some("<string>"));
}

// --- campaigns -------------------------------------------------------------------------

#[test]
fn campaign_seed() {
    let campaign: Campaign = round_trip("campaign-seed.json", fixture!("campaign-seed.json"));
    assert_eq!(campaign.status, CampaignStatus::Active);
}

#[test]
fn get_campaign() {
    let campaign: Campaign = round_trip("get-campaign.json", fixture!("get-campaign.json"));
    assert_eq!(campaign.status, CampaignStatus::Draft);
    // The docs render the `const` fields as "<unknown>"; they survive as unknown values.
    assert_eq!(campaign.r#type.as_str(), "<unknown>");
    assert_eq!(campaign.automations[0].trigger.as_str(), "<unknown>");
    assert_eq!(campaign.completion_rate, 123.0);
    let CampaignStep::Message(step) = &campaign.steps[0] else {
        panic!("step 0 is a message step: {:?}", campaign.steps[0]);
    };
    assert_eq!(step.campaign_version, Some(123));
    assert!(matches!(&step.data.segments[0], MessageSegment::Static(s) if s.text == "<string>"));
}

/// The enable-campaign and update-sequence pages render the segment discriminator (a
/// `const`) as `"type": "<unknown>"`. The verbatim fixture decodes; with the placeholder
/// replaced by the `static` tag its `text` implies, it also round-trips.
fn with_static_segments(text: &str) -> String {
    assert_eq!(
        text.matches(r#""type": "<unknown>""#).count(),
        1,
        "one placeholder, on the segment"
    );
    text.replace(r#""type": "<unknown>""#, r#""type": "static""#)
}

#[test]
fn enable_campaign() {
    let verbatim: CampaignV2 = serde_json::from_str(fixture!("enable-campaign.json")).expect("verbatim decodes");
    assert_eq!(verbatim.sequence.steps.len(), 1);

    let filled = with_static_segments(fixture!("enable-campaign.json"));
    // The automation trigger "<unknown>" is left as it is: it is a string enum and survives.
    let campaign: CampaignV2 = round_trip("enable-campaign.json (segment type filled in)", &filled);
    assert!(campaign.enabled);
    assert_eq!(campaign.scope_assessed_count, 4_503_599_627_370_495);
    assert_eq!(
        campaign.rules.synced_lists[0].column_mapping["custom_q5cktl47a6pqa74eu06fz89v"],
        "custom_m8r2xj93hd5bk0atcw7oe4fp"
    );
    assert_eq!(campaign.automations[0].action, None);
    let CampaignStepData::MessageStepData(data) = &campaign.sequence.steps[0].data else {
        panic!("a message step: {:?}", campaign.sequence.steps[0].data);
    };
    assert!(matches!(&data.segments[0], MessageSegment::Static(s) if s.text == "<string>"));
    assert_eq!(campaign.completed_at, None);
}

#[test]
fn update_campaign_sequence() {
    let verbatim: CampaignSequence =
        serde_json::from_str(fixture!("update-campaign-sequence.json")).expect("verbatim decodes");
    assert_eq!(verbatim.version, 123);

    let filled = with_static_segments(fixture!("update-campaign-sequence.json"));
    let sequence: CampaignSequence = round_trip("update-campaign-sequence.json (segment type filled in)", &filled);
    assert_eq!(sequence.steps[0].rank, 123);
    assert_eq!(sequence.steps[0].r#type, None);
}

#[test]
fn add_campaign_leads() {
    let outcome: AddCampaignLeadsResponse = round_trip("add-campaign-leads.json", fixture!("add-campaign-leads.json"));
    assert_eq!(outcome.failed, 4_503_599_627_370_495);
}

#[test]
fn cancel_campaign_lead() {
    let outcome: SuccessResponse = round_trip("cancel-campaign-lead.json", fixture!("cancel-campaign-lead.json"));
    assert_eq!(outcome.success, json!("<unknown>"));
}

#[test]
fn update_campaign_lead_rules() {
    let outcome: SuccessResponse = round_trip(
        "update-campaign-lead-rules.json",
        fixture!("update-campaign-lead-rules.json"),
    );
    assert_eq!(outcome.success, json!("<unknown>"));
}

#[test]
fn update_campaign_column() {
    let column: Column = round_trip("update-campaign-column.json", fixture!("update-campaign-column.json"));
    assert_eq!(column.r#type, json!("<unknown>"));
    assert_eq!(
        column.description,
        Some(inboxapp::Nullable::Value("<string>".to_owned()))
    );
}

// --- errors ----------------------------------------------------------------------------

#[test]
fn error_thread_not_found() {
    let error: ErrorResponse = round_trip("error-thread-not-found.json", fixture!("error-thread-not-found.json"));
    assert_eq!(error.error.code, ErrorCode::ThreadNotFound);
    assert_eq!(error.error.status, 404);
}

#[test]
fn error_unauthorized() {
    let error: ErrorResponse = round_trip("error-unauthorized.json", fixture!("error-unauthorized.json"));
    assert_eq!(error.error.code, ErrorCode::Unauthorized);
    assert_eq!(error.error.message, "Invalid or missing authentication token");
}

#[test]
fn error_rate_limited() {
    let error: ErrorResponse = round_trip("error-rate-limited.json", fixture!("error-rate-limited.json"));
    assert_eq!(error.error.code, ErrorCode::RateLimited);
    assert_eq!(error.error.status, 429);
}
