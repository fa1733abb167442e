//! Every JSON example in the stored InboxApp documentation pages
//! (`../shared/inboxapp/pages/*.txt`) that shows the current API decodes through the SDK
//! type the spec gives it, so the next drift between docs and spec fails here.
//!
//! Each page's complete examples are checked in order against [`EXPECTED`]: a type to
//! decode into, or a reason to skip (legacy revision, illustration of something that is
//! not a payload). Examples cut off in the stored excerpt cannot be parsed and are listed
//! as skipped. A page with more or fewer complete examples than [`EXPECTED`] lists fails,
//! as does a page missing from the table. The pages are read by path; when the directory
//! is absent the test prints what it skips and passes, except under `CI=true`.

use inboxapp::types::*;
use inboxapp::webhooks::Event;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What to do with one complete example.
enum Check {
    /// Decode it with this function.
    Decode(&'static str, fn(&Value) -> Result<(), String>),
    /// Skip it, for this reason.
    Skip(&'static str),
}
use Check::{Decode, Skip};

fn as_type<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(value.clone())
        .map(drop)
        .map_err(|err| err.to_string())
}

fn as_event(value: &Value) -> Result<(), String> {
    let bytes = serde_json::to_vec(value).map_err(|err| err.to_string())?;
    Event::from_slice(&bytes).map(drop).map_err(|err| err.to_string())
}

macro_rules! decode {
    ($ty:ty) => {
        Decode(stringify!($ty), as_type::<$ty>)
    };
}

const LEGACY_FLAT_ERROR: &str = "legacy: flat `{error, message}` error body of the old index/authentication pages";
const LEGACY_TEAM: &str = "legacy: old team object with `plan` (spec/README.md, choice 10)";
const LEGACY_WEBHOOK_SCHEMA: &str = "legacy webhook format (Zapier-style schema page, replaced by the envelope)";
const LEGACY_CURSOR: &str = "legacy: the old `cursor[id]`/`cursor[timestamp]` example with illustrative ids";
const QUERY_ILLUSTRATION: &str = "illustrates query encoding of a cursor object, which is sent as query parameters";

/// Per page (file name), what to do with each complete example, in page order.
const EXPECTED: &[(&str, &[Check])] = &[
    ("_inboxapp.com_changelog_2026-02-09-introducing-the-inbox-api.txt", &[]),
    ("_www.inboxapp.com_docs.txt", &[]),
    ("_inboxapp.com_docs_webhooks_schema.txt", &[Skip(LEGACY_WEBHOOK_SCHEMA)]),
    (
        "api-reference_account-links_list-account-links.txt",
        &[decode!(Vec<AccountLink>)],
    ),
    (
        "api-reference_campaigns_add-leads.txt",
        &[decode!(AddCampaignLeadsRequest), decode!(AddCampaignLeadsResponse)],
    ),
    (
        "api-reference_campaigns_cancel-lead.txt",
        &[decode!(CancelCampaignLeadRequest), decode!(SuccessResponse)],
    ),
    ("api-reference_campaigns_enable-campaign.txt", &[decode!(CampaignV2)]),
    ("api-reference_campaigns_get-campaign.txt", &[decode!(Campaign)]),
    ("api-reference_campaigns_pause-campaign.txt", &[]),
    (
        "api-reference_campaigns_update-column.txt",
        &[decode!(UpdateCampaignColumnRequest), decode!(Column)],
    ),
    (
        "api-reference_campaigns_update-lead-rules.txt",
        &[decode!(UpdateCampaignLeadRulesRequest), decode!(SuccessResponse)],
    ),
    (
        "api-reference_campaigns_update-lead.txt",
        // The response example is cut off; its embedded url entity is complete.
        &[decode!(UpdateCampaignLeadRequest), decode!(UrlEntity)],
    ),
    (
        "api-reference_campaigns_update-sequence.txt",
        &[
            decode!(UpdateCampaignSequenceRequest),
            decode!(CampaignSequence),
            decode!(Vec<CampaignStepInput>),
        ],
    ),
    ("api-reference_import-jobs_cancel-import-job.txt", &[]),
    (
        "api-reference_import-jobs_create-import-job.txt",
        &[decode!(CreateImportJobRequest), decode!(ImportJob)],
    ),
    (
        "api-reference_import-jobs_get-import-jobs.txt",
        &[decode!(ListImportJobsResponse)],
    ),
    ("api-reference_introduction.txt", &[Skip(LEGACY_CURSOR)]),
    (
        "api-reference_leads_add-leads.txt",
        &[decode!(AddListLeadsRequest), decode!(AddListLeadsResponse)],
    ),
    (
        "api-reference_leads_remove-leads.txt",
        &[decode!(RemoveListLeadsRequest), decode!(RemoveListLeadsResponse)],
    ),
    ("api-reference_leads_update-lead.txt", &[decode!(UrlEntity)]),
    ("api-reference_members_get-member.txt", &[decode!(Member)]),
    ("api-reference_members_list-members.txt", &[decode!(Vec<Member>)]),
    (
        "api-reference_messages_add-reaction.txt",
        &[decode!(ReactionRequest), decode!(ReactionResponse)],
    ),
    (
        "api-reference_messages_delete-message.txt",
        &[decode!(DeleteMessageRequest), decode!(DeleteMessageResponse)],
    ),
    (
        "api-reference_messages_get-message-history.txt",
        &[decode!(MessageHistory)],
    ),
    (
        "api-reference_messages_list-messages.txt",
        // Only the message item parses (the page glues the curl line to the body).
        &[Skip(
            "older rendering: a message without `isEdited`, which the newer send-message, \
             guide and webhook examples always carry (spec/README.md, fidelity audit)",
        )],
    ),
    (
        "api-reference_messages_quick-send-message.txt",
        &[
            Skip("legacy: older revision of the page (its response is a full thread)"),
            decode!(QuickSendMessageRequest),
            decode!(QuickSendMessageResponse),
        ],
    ),
    (
        "api-reference_messages_remove-reaction.txt",
        &[decode!(ReactionRequest), decode!(ReactionResponse)],
    ),
    (
        "api-reference_messages_send-message.txt",
        &[
            Skip("legacy: older revision of the page (request without replyToMessageId)"),
            Skip("legacy: older revision of the page"),
            decode!(SendMessageRequest),
            decode!(Message),
        ],
    ),
    ("api-reference_prospects_lookup-prospect.txt", &[decode!(UrlEntity)]),
    (
        "api-reference_statuses_create-status.txt",
        &[decode!(CreateStatusRequest), decode!(Status)],
    ),
    (
        "api-reference_statuses_update-status.txt",
        &[
            decode!(UpdateStatusRequest),
            decode!(Status),
            decode!(UpdateStatusRequest),
            decode!(Status),
        ],
    ),
    (
        "api-reference_tags_create-tag.txt",
        &[decode!(CreateTagRequest), decode!(Tag)],
    ),
    (
        "api-reference_tags_update-tag.txt",
        &[decode!(UpdateTagRequest), decode!(Tag)],
    ),
    ("api-reference_teams_get-team.txt", &[decode!(Team)]),
    (
        "api-reference_threads_create-thread.txt",
        &[decode!(CreateThreadRequest)],
    ),
    ("api-reference_threads_get-thread.txt", &[]),
    ("api-reference_threads_list-threads.txt", &[]),
    ("api-reference_threads_lookup-thread.txt", &[]),
    (
        "api-reference_threads_send-typing-indicator.txt",
        &[decode!(SendTypingIndicatorResponse)],
    ),
    (
        "api-reference_threads_update-thread-settings.txt",
        &[decode!(UpdateThreadSettingsRequest), decode!(ThreadSettings)],
    ),
    (
        "api-reference_threads_update-thread.txt",
        &[decode!(UpdateThreadRequest)],
    ),
    (
        "authentication.txt",
        &[Skip(LEGACY_TEAM), Skip(LEGACY_FLAT_ERROR), Skip(LEGACY_FLAT_ERROR)],
    ),
    ("configuration_account-links.txt", &[decode!(Vec<AccountLink>)]),
    ("configuration_authentication.txt", &[decode!(Team)]),
    ("guides_core-concepts.txt", &[]),
    (
        "guides_managing-threads.txt",
        &[Skip(
            "legacy: old guide with illustrative shapes (spec/README.md, choice 6)",
        )],
    ),
    ("guides_messages.txt", &[decode!(Message)]),
    (
        "guides_prospects.txt",
        &[Skip(
            "legacy: old guide with illustrative shapes (spec/README.md, choice 6)",
        )],
    ),
    (
        "index.txt",
        &[Skip(LEGACY_TEAM), Skip(LEGACY_FLAT_ERROR), Skip(LEGACY_FLAT_ERROR)],
    ),
    (
        "quickstart.txt",
        &[
            decode!(Team),
            decode!(Vec<AccountLink>),
            Skip("legacy: wrapped `{accountLinks: [...]}` of the older quickstart (choice 6)"),
        ],
    ),
    (
        "reference_error-codes.txt",
        &[decode!(ErrorResponse), decode!(ErrorResponse)],
    ),
    ("reference_pagination.txt", &[Skip(LEGACY_CURSOR)]),
    (
        "reference_query-parameters.txt",
        &[Skip(QUERY_ILLUSTRATION), Skip(LEGACY_CURSOR)],
    ),
    (
        "reference_rate-limits.txt",
        &[
            decode!(ErrorResponse),
            Skip("older revision of the page (per-token limits); same body, checked above"),
        ],
    ),
    ("resources_faq.txt", &[]),
    (
        "webhooks_campaigns_campaign-paused.txt",
        &[Decode("webhooks::Event", as_event), Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_campaigns_campaign-started.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    ("webhooks_messages_message-created.txt", &[]),
    (
        "webhooks_messages_message-deleted.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_messages_message-edited.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_messages_message-reaction-added.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_messages_message-reaction-removed.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    ("webhooks_migrating-from-legacy.txt", &[]),
    ("webhooks_overview.txt", &[]),
    (
        "webhooks_prospects_prospect-assignee-changed.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_prospects_prospect-status-changed.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_prospects_prospect-tags-changed.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    (
        "webhooks_prospects_prospect-valuation-changed.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    ("webhooks_targets_target-follow-up-sent.txt", &[]),
    ("webhooks_targets_target-replied.txt", &[]),
    ("webhooks_threads_thread-archived.txt", &[]),
    (
        "webhooks_threads_thread-typing.txt",
        &[Decode("webhooks::Event", as_event)],
    ),
    ("webhooks_threads_thread-unassigned.txt", &[]),
    ("webhooks_verifying-signatures.txt", &[]),
];

/// Pages that are not API reference material.
const NOT_PAGES: &[&str] = &["INDEX.md"];

/// An example found in a page: the line it starts on and, when it parses, its value.
struct Example {
    line: usize,
    value: Option<Value>,
}

/// Finds the JSON examples of a page: a line that is `{` or `[` (or a one-line
/// `{"...}`; a bare `{campaignId}` is a path segment) starts one, which ends at the first following line where the text so far
/// parses. A start that never parses within 400 lines was cut off in the excerpt.
fn examples(text: &str) -> Vec<Example> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let trimmed = line.trim();
        let starts = trimmed == "{"
            || trimmed == "["
            || (line.starts_with('{') && trimmed.ends_with('}') && trimmed.contains('"'));
        if !starts {
            index += 1;
            continue;
        }
        let mut buffer = String::new();
        let mut parsed = None;
        for (offset, next) in lines[index..].iter().take(400).enumerate() {
            buffer.push_str(next);
            buffer.push('\n');
            if let Ok(value) = serde_json::from_str::<Value>(&buffer) {
                parsed = Some((offset, value));
                break;
            }
        }
        match parsed {
            Some((offset, value)) => {
                found.push(Example {
                    line: index + 1,
                    value: Some(value),
                });
                index += offset + 1;
            }
            None => {
                found.push(Example {
                    line: index + 1,
                    value: None,
                });
                index += 1;
            }
        }
    }
    found
}

#[test]
fn documented_examples_decode_through_the_sdk_types() {
    // The corpus helper every corpus test uses: `$APIGEN_SHARED_DIR` or `../shared`;
    // missing is a printed skip, or a failure under `CI=true`.
    let Some(dir) = xtask::corpus::require_for_test("inboxapp/pages", "doc_examples: documented InboxApp examples")
    else {
        return;
    };
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    let mut pages: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().to_str().map(str::to_owned))
        .filter(|name| !NOT_PAGES.contains(&name.as_str()))
        .collect();
    pages.sort();

    let mut failures = Vec::new();
    let (mut decoded, mut skipped, mut cut_off) = (0, Vec::new(), Vec::new());
    for page in &pages {
        let Some((_, checks)) = EXPECTED.iter().find(|(name, _)| name == page) else {
            failures.push(format!("{page}: page not listed in EXPECTED"));
            continue;
        };
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|err| panic!("{page}: {err}"));
        let found = examples(&text);
        for example in found.iter().filter(|example| example.value.is_none()) {
            cut_off.push(format!("{page}:{}: cut off in the stored excerpt", example.line));
        }
        let complete: Vec<&Example> = found.iter().filter(|example| example.value.is_some()).collect();
        if complete.len() != checks.len() {
            failures.push(format!(
                "{page}: {} complete examples, EXPECTED lists {}",
                complete.len(),
                checks.len()
            ));
            continue;
        }
        for (example, check) in complete.iter().zip(checks.iter()) {
            let Some(value) = &example.value else { continue };
            match check {
                Decode(type_name, decode) => match decode(value) {
                    Ok(()) => decoded += 1,
                    Err(err) => failures.push(format!("{page}:{}: as {type_name}: {err}", example.line)),
                },
                Skip(reason) => skipped.push(format!("{page}:{}: {reason}", example.line)),
            }
        }
    }
    for (name, _) in EXPECTED {
        if !pages.iter().any(|page| page == name) {
            failures.push(format!("{name}: listed in EXPECTED but not found"));
        }
    }

    println!("{decoded} documented examples decoded through the SDK types");
    println!("{} skipped:", skipped.len() + cut_off.len());
    for line in skipped.iter().chain(&cut_off) {
        println!("  {line}");
    }
    assert!(decoded >= 60, "only {decoded} examples decoded");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_extractor_finds_complete_and_cut_off_examples() {
    let text = "intro\n{\n  \"a\": 1\n}\ntext\n{ \"b\": [1, 2] }\n[\n  {\"c\": 3\n[truncated]\n";
    let found = examples(text);
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].value, Some(serde_json::json!({"a": 1})));
    assert_eq!(found[1].value, Some(serde_json::json!({"b": [1, 2]})));
    assert_eq!(found[1].line, 6);
    assert!(found[2].value.is_none());
}
