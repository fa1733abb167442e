//! One test per operation (53): the generated client against the loopback server.
//!
//! Each test states the exact request the SDK must send (method, path under `/api/v1`
//! with its percent-encoding, query string, bearer token, content type and JSON body)
//! and checks something about the decoded response. Responses are the documented
//! examples in `tests/fixtures/payloads/` where the docs have a complete one, otherwise a
//! small valid body written from the schema.

use inboxapp::types::*;
use inboxapp::{Client, Error, Nullable};
use serde_json::{json, Value};
use tests::{RecordedRequest, Reply, TestServer};

const TOKEN: &str = "test-token-123";
const BEARER: &str = "Bearer test-token-123";

const THREAD_ID: &str = "l44e15irdq4db30i77cgphhx";
const MESSAGE_ID: &str = "p8rvk2m5j0xn4wq7ybftcael";
const ACCOUNT_LINK_ID: &str = "df6jbw4h36qm5d9iu2sgn7kx";
const PROSPECT_ID: &str = "k3v9x2m7q1w5e8r4t6y0u2io";
const PROSPECT_PLATFORM_ID: &str = "1876543210987654321";
const TAG_ID: &str = "t8rvk2m5j0xn4wq7ybftcael";
const STATUS_ID: &str = "m3n4o5p6q7r8s9t0u1v2w3x4";
const MEMBER_ID: &str = "r3km7xj9wq5p2bvnhfdteoly";
const LIST_ID: &str = "k8f2mj26reun2ybwrvgjl1u";
const JOB_ID: &str = "j5w8n2q4r7t1y3u6i9o0p2as";
const CAMPAIGN_ID: &str = "usdjpdql3f90seqk13rwuo7z";
const COLUMN_ID: &str = "custom_q5cktl47a6pqa74eu06fz89v";

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../fixtures/payloads/", $name))
    };
}

// --- helpers ---------------------------------------------------------------------------

/// A server that answers with `replies` in order, and a client pointed at it.
async fn serve(replies: impl IntoIterator<Item = Reply>) -> (TestServer, Client) {
    let server = TestServer::start().await;
    for reply in replies {
        server.push(reply);
    }
    let client = Client::builder()
        .bearer_token(TOKEN)
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .expect("client builds");
    (server, client)
}

/// `200` with a JSON body.
fn ok(body: impl Into<String>) -> Reply {
    Reply::json(200, body)
}

/// `200` with no body and no content type.
fn ok_empty() -> Reply {
    Reply::Respond {
        status: 200,
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// The one request the server received.
#[track_caller]
fn only_request(server: &TestServer) -> RecordedRequest {
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

/// Checks method, path, raw query string, the bearer token, and the body: `Some(json)`
/// means an `application/json` body equal to `json`; `None` means no body and no
/// content type.
#[track_caller]
fn assert_request(request: &RecordedRequest, method: &str, path: &str, query: Option<&str>, body: Option<Value>) {
    assert_eq!(request.method, method, "method");
    assert_eq!(request.path, path, "path");
    assert_eq!(request.query.as_deref(), query, "query string");
    assert_eq!(request.header("authorization"), Some(BEARER), "authorization header");
    match body {
        Some(expected) => {
            assert_eq!(request.header("content-type"), Some("application/json"), "content type");
            let sent: Value = serde_json::from_slice(&request.body)
                .unwrap_or_else(|err| panic!("body is not JSON ({err}): {:?}", String::from_utf8_lossy(&request.body)));
            assert_eq!(sent, expected, "JSON body");
        }
        None => {
            assert_eq!(request.header("content-type"), None, "no content type without a body");
            assert!(
                request.body.is_empty(),
                "no body: {:?}",
                String::from_utf8_lossy(&request.body)
            );
        }
    }
}

fn prospect_fields() -> Value {
    json!({
        "platform": "twitter",
        "platformId": PROSPECT_PLATFORM_ID,
        "externalId": PROSPECT_ID,
        "documentId": 858224163,
        "displayName": "Jane Founder",
        "username": "janefounder",
        "handle": "@janefounder",
        "image": "https://pbs.twimg.com/profile_images/1954360649393295360/rwp-vVt6.jpg",
        "imageNormalized": null,
        "bio": "Building developer tools",
        "location": "San Francisco, CA",
        "profileUrl": "https://x.com/janefounder",
        "websiteUrl": null,
        "websiteDomain": null,
        "verified": "none",
        "profileType": "personal",
        "isProtected": false,
        "followerCount": 5420,
        "followingCount": 892,
        "postCount": 1200,
        "engagementCount": 2613,
        "listedCount": null,
        "platformCreatedAt": "2022-09-03T17:58:06.000Z",
        "firstSeenAt": "2024-07-09T14:08:49.000Z",
        "lastUpdatedAt": "2025-11-10T18:03:16.000Z",
        "lastEnrichedAt": null,
        "lastActiveAt": null,
        "source": "cached",
        "isFresh": true,
        "isStale": false,
        "confidence": 0.5,
        "platformData": {
            "isVerifiedBlue": false,
            "isVerifiedGold": false,
            "isVerifiedGray": false,
            "professionalCategory": null,
            "urlEntities": [],
            "bannerUrl": null,
            "tweetsCount": 1200,
            "favoritesCount": 300,
            "rawData": null
        }
    })
}

/// A `ProspectWithContext` (`threads` is only sent by the prospect endpoints).
fn prospect_with_context(with_threads: bool) -> Value {
    let mut prospect = prospect_fields();
    prospect["context"] = json!({
        "tags": [TAG_ID],
        "statusId": STATUS_ID,
        "valuation": 599.0,
        "notes": "Met at the conference."
    });
    if with_threads {
        prospect["context"]["threads"] = json!([{
            "id": THREAD_ID,
            "accountLinkId": ACCOUNT_LINK_ID,
            "lastMessageTimestamp": "2025-01-15T16:45:00.000Z",
            "createdAt": "2025-01-15T16:00:00.000Z"
        }]);
    }
    prospect
}

fn thread(id: &str, assignee: Option<&str>) -> Value {
    json!({
        "id": id,
        "platform": "twitter",
        "platformId": "1566123362161725440:1876543210987654321",
        "done": false,
        "assigneeId": assignee,
        "lastMessageTimestamp": "2025-01-15T16:45:00.000Z",
        "computedSortTimestamp": "2025-01-15T16:45:00.000Z",
        "createdAt": "2025-01-15T16:00:00.000Z",
        "status": "active",
        "variant": "xChat",
        "accountLinkId": ACCOUNT_LINK_ID,
        "isSyncing": false,
        "isRequest": false,
        "typingIndicatorsEnabled": null,
        "lastMessage": {
            "id": MESSAGE_ID,
            "content": "Thanks for your interest! How can I help you today?",
            "authorId": ACCOUNT_LINK_ID,
            "createdAt": "2025-01-15T16:45:00.000Z",
            "userId": MEMBER_ID,
            "campaignId": null
        },
        "prospect": prospect_with_context(false)
    })
}

fn colors() -> Value {
    json!([{"name": "red", "hex": "#ef4444"}, {"name": "blue", "hex": "#3b82f6"}])
}

// --- team, account links, members ------------------------------------------------------

#[tokio::test]
async fn get_team() {
    let (server, client) = serve([ok(fixture!("get-team-quickstart.json"))]).await;

    let team = client.get_team().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/team", None, None);
    assert_eq!(team.id, "hzcai5t59nn9vsck3rbuepyg");
    assert_eq!(team.name, "Acme Corp");
    assert_eq!(team.updated_at, None);
}

#[tokio::test]
async fn list_account_links() {
    let (server, client) = serve([ok(fixture!("list-account-links-configuration.json"))]).await;

    let links = client.list_account_links().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/account-links", None, None);
    let handles: Vec<&str> = links.iter().map(|link| link.username.as_str()).collect();
    assert_eq!(handles, ["acmecorp", "acmesupport"], "a bare JSON array");
    assert_eq!(links[0].status, AccountLinkStatus::Active);
}

#[tokio::test]
async fn list_members() {
    let (server, client) = serve([ok(fixture!("list-members.json"))]).await;

    let members = client.list_members().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/members", None, None);
    assert_eq!(members.len(), 1, "a bare JSON array");
    assert_eq!(members[0].role, MemberRole::Owner);
}

#[tokio::test]
async fn get_member() {
    let (server, client) = serve([ok(fixture!("get-member.json"))]).await;

    let member = client.get_member(MEMBER_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/members/{MEMBER_ID}"),
        None,
        None,
    );
    assert_eq!(member.name.as_deref(), Some("John Doe"));
    assert_eq!(member.image.as_deref(), Some("https://example.com/john-doe.jpg"));
}

// --- threads ---------------------------------------------------------------------------

#[tokio::test]
async fn list_threads() {
    let page = json!({
        "threads": [thread(THREAD_ID, None)],
        "nextCursor": {"id": THREAD_ID, "timestamp": "2025-01-15T16:45:00.123Z"}
    });
    let (server, client) = serve([ok(page.to_string())]).await;
    let filters = ThreadFilters {
        tags: Some(ThreadTagFilter {
            selected_ids: Some(vec![
                "t8rvk2m5j0xn4wq7ybftcael".into(),
                "u9swl3n6k1yo5xr8zcgudbfm".into(),
            ]),
            no_tags: None,
        }),
        statuses: Some(ThreadStatusFilter {
            selected_ids: None,
            no_status: Some(true),
        }),
        assignees: Some(ThreadAssigneeFilter {
            selected_ids: Some(vec![MEMBER_ID.into()]),
            no_assignee: Some(false),
        }),
        campaigns: Some(ThreadCampaignFilter {
            selected_ids: Some(vec![CAMPAIGN_ID.into()]),
            no_campaign: None,
        }),
        sort_order: Some(SortOrder::Asc),
    };
    let cursor_at = "2025-01-15T10:30:00.250Z".parse().expect("timestamp");

    let response = client
        .list_threads()
        .account_link_ids(vec![ACCOUNT_LINK_ID.into(), "g7ht2kw9xr5m8fp3yjnbqvce".into()])
        .cursor_id("m55f26jsep5ec41j88dhqiiy")
        .cursor_timestamp(cursor_at)
        .inbox(InboxView::NoReply)
        .filters(filters)
        .limit(50)
        .await
        .expect("succeeds");

    let query = [
        "accountLinkIds=df6jbw4h36qm5d9iu2sgn7kx",
        "accountLinkIds=g7ht2kw9xr5m8fp3yjnbqvce",
        "cursorId=m55f26jsep5ec41j88dhqiiy",
        "cursorTimestamp=2025-01-15T10%3A30%3A00.250Z",
        "inbox=no-reply",
        "filters[tags][selectedIds][0]=t8rvk2m5j0xn4wq7ybftcael",
        "filters[tags][selectedIds][1]=u9swl3n6k1yo5xr8zcgudbfm",
        "filters[statuses][noStatus]=true",
        "filters[assignees][selectedIds][0]=r3km7xj9wq5p2bvnhfdteoly",
        "filters[assignees][noAssignee]=false",
        "filters[campaigns][selectedIds][0]=usdjpdql3f90seqk13rwuo7z",
        "filters[sortOrder]=asc",
        "limit=50",
    ]
    .join("&");
    assert_request(&only_request(&server), "GET", "/api/v1/threads", Some(&query), None);
    assert_eq!(response.threads.len(), 1);
    assert_eq!(response.threads[0].variant, ThreadVariant::XChat);
    let next = response.next_cursor.expect("a next cursor");
    assert_eq!(next.id, THREAD_ID);
    assert_eq!(
        next.timestamp.datetime().expect("a date-time").to_rfc3339(),
        "2025-01-15T16:45:00.123+00:00"
    );
}

#[tokio::test]
async fn create_thread() {
    let (server, client) = serve([ok(thread(THREAD_ID, None).to_string())]).await;

    let created = client
        .create_thread(CreateThreadRequest {
            account_link_id: ACCOUNT_LINK_ID.into(),
            external_platform_id: Some(PROSPECT_PLATFORM_ID.into()),
            external_id: None,
        })
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        "/api/v1/threads",
        None,
        Some(json!({"accountLinkId": ACCOUNT_LINK_ID, "externalPlatformId": PROSPECT_PLATFORM_ID})),
    );
    assert_eq!(created.id, THREAD_ID);
    assert_eq!(created.prospect.platform_id, PROSPECT_PLATFORM_ID);
}

#[tokio::test]
async fn lookup_thread() {
    let (server, client) = serve([ok("null"), ok(thread(THREAD_ID, None).to_string())]).await;

    let missing = client
        .lookup_thread(ACCOUNT_LINK_ID)
        .external_platform_id(PROSPECT_PLATFORM_ID)
        .await
        .expect("null is a success");
    let found = client
        .lookup_thread(ACCOUNT_LINK_ID)
        .external_id(PROSPECT_ID)
        .await
        .expect("succeeds");

    assert_eq!(missing, None, "a JSON null body means no thread");
    assert_eq!(found.map(|thread| thread.id).as_deref(), Some(THREAD_ID));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_request(
        &requests[0],
        "GET",
        "/api/v1/threads/lookup",
        Some("accountLinkId=df6jbw4h36qm5d9iu2sgn7kx&externalPlatformId=1876543210987654321"),
        None,
    );
    assert_request(
        &requests[1],
        "GET",
        "/api/v1/threads/lookup",
        Some("accountLinkId=df6jbw4h36qm5d9iu2sgn7kx&externalId=k3v9x2m7q1w5e8r4t6y0u2io"),
        None,
    );
}

#[tokio::test]
async fn lookup_threads_by_username() {
    let body = json!([thread(THREAD_ID, None), thread("m55f26jsep5ec41j88dhqiiy", None)]);
    let (server, client) = serve([ok(body.to_string())]).await;

    let threads = client
        .lookup_threads_by_username("jane_founder")
        .account_link_ids(vec![ACCOUNT_LINK_ID.into(), "g7ht2kw9xr5m8fp3yjnbqvce".into()])
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        "/api/v1/threads/lookup-by-username",
        Some("username=jane_founder&accountLinkIds=df6jbw4h36qm5d9iu2sgn7kx&accountLinkIds=g7ht2kw9xr5m8fp3yjnbqvce"),
        None,
    );
    assert_eq!(threads.len(), 2, "a bare JSON array");
    assert_eq!(threads[1].id, "m55f26jsep5ec41j88dhqiiy");
}

#[tokio::test]
async fn quick_send_message() {
    let (server, client) = serve([ok(fixture!("quick-send-message.json"))]).await;

    let sent = client
        .quick_send_message(QuickSendMessageRequest {
            account_link_id: ACCOUNT_LINK_ID.into(),
            content: "Hey — saw your post about developer tooling. Would love to chat.".into(),
            external_platform_id: Some(PROSPECT_PLATFORM_ID.into()),
            external_id: None,
        })
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        "/api/v1/threads/messages",
        None,
        Some(json!({
            "accountLinkId": ACCOUNT_LINK_ID,
            "content": "Hey — saw your post about developer tooling. Would love to chat.",
            "externalPlatformId": PROSPECT_PLATFORM_ID
        })),
    );
    assert_eq!(sent.message.platform, Platform::Twitter);
    assert!(sent.message.is_edited);
    assert_eq!(sent.thread.id, "<string>");
}

#[tokio::test]
async fn get_thread() {
    let body = thread(THREAD_ID, Some(MEMBER_ID));
    let (server, client) = serve([
        ok(body.to_string()),
        Reply::json(404, fixture!("error-thread-not-found.json")),
    ])
    .await;

    let found = client.get_thread(THREAD_ID).await.expect("succeeds");
    let error = client.get_thread("zzzzzzzzzzzzzzzzzzzzzzzz").await.expect_err("404");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_request(&requests[0], "GET", &format!("/api/v1/threads/{THREAD_ID}"), None, None);
    assert_request(
        &requests[1],
        "GET",
        "/api/v1/threads/zzzzzzzzzzzzzzzzzzzzzzzz",
        None,
        None,
    );
    assert_eq!(found.assignee_id.as_deref(), Some(MEMBER_ID));
    assert_eq!(found.prospect.context.tags, [TAG_ID]);
    assert_eq!(found.prospect.context.valuation, Some(599.0));
    assert_eq!(
        serde_json::to_value(&found).expect("encodes"),
        body,
        "every key is modelled"
    );
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status, 404);
    let body = api.body.as_ref().expect("the documented error body decodes");
    assert_eq!(body.error.code, ErrorCode::ThreadNotFound);
}

#[tokio::test]
async fn delete_thread() {
    let (server, client) = serve([ok_empty()]).await;

    let result = client.delete_thread(THREAD_ID).await;

    assert_request(
        &only_request(&server),
        "DELETE",
        &format!("/api/v1/threads/{THREAD_ID}"),
        None,
        Some(json!({})),
    );
    assert!(result.is_ok(), "an empty 200 is success: {result:?}");
}

#[tokio::test]
async fn update_thread() {
    let (server, client) = serve([
        ok(thread(THREAD_ID, Some(MEMBER_ID)).to_string()),
        ok(thread(THREAD_ID, None).to_string()),
        ok(thread(THREAD_ID, Some("m1")).to_string()),
    ])
    .await;

    let untouched = client
        .update_thread(
            THREAD_ID,
            UpdateThreadRequest {
                done: Some(true),
                assignee_id: None,
            },
        )
        .await
        .expect("succeeds");
    let unassigned = client
        .update_thread(
            THREAD_ID,
            UpdateThreadRequest {
                done: None,
                assignee_id: Some(Nullable::Null),
            },
        )
        .await
        .expect("succeeds");
    let assigned = client
        .update_thread(
            THREAD_ID,
            UpdateThreadRequest {
                done: None,
                assignee_id: Some(Nullable::Value("m1".into())),
            },
        )
        .await
        .expect("succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let path = format!("/api/v1/threads/{THREAD_ID}");
    assert_request(&requests[0], "PATCH", &path, None, Some(json!({"done": true})));
    assert_eq!(
        requests[0].body, br#"{"done":true}"#,
        "assigneeId is left out, not sent as null"
    );
    assert_request(&requests[1], "PATCH", &path, None, Some(json!({"assigneeId": null})));
    assert_request(&requests[2], "PATCH", &path, None, Some(json!({"assigneeId": "m1"})));
    assert_eq!(untouched.assignee_id.as_deref(), Some(MEMBER_ID));
    assert_eq!(unassigned.assignee_id, None);
    assert_eq!(assigned.assignee_id.as_deref(), Some("m1"));
}

#[tokio::test]
async fn send_typing_indicator() {
    let (server, client) = serve([ok(fixture!("send-typing-indicator.json"))]).await;

    let outcome = client.send_typing_indicator(THREAD_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/threads/{THREAD_ID}/typing"),
        None,
        Some(json!({})),
    );
    assert_eq!(outcome.status, TypingIndicatorStatus::Sent);
    assert_eq!(outcome.reason, Some(TypingSkipReason::RateLimited));
}

#[tokio::test]
async fn update_thread_settings() {
    let reset = json!({"threadId": THREAD_ID, "typingIndicatorsEnabled": null});
    let (server, client) = serve([ok(fixture!("update-thread-settings.json")), ok(reset.to_string())]).await;

    let enabled = client
        .update_thread_settings(
            THREAD_ID,
            UpdateThreadSettingsRequest {
                typing_indicators_enabled: Some(Nullable::Value(true)),
            },
        )
        .await
        .expect("succeeds");
    let team_default = client
        .update_thread_settings(
            THREAD_ID,
            UpdateThreadSettingsRequest {
                typing_indicators_enabled: Some(Nullable::Null),
            },
        )
        .await
        .expect("succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let path = format!("/api/v1/threads/{THREAD_ID}/settings");
    assert_request(
        &requests[0],
        "PATCH",
        &path,
        None,
        Some(json!({"typingIndicatorsEnabled": true})),
    );
    assert_request(
        &requests[1],
        "PATCH",
        &path,
        None,
        Some(json!({"typingIndicatorsEnabled": null})),
    );
    assert_eq!(enabled.typing_indicators_enabled, Some(true));
    assert_eq!(team_default.thread_id, THREAD_ID);
    assert_eq!(team_default.typing_indicators_enabled, None);
}

// --- messages --------------------------------------------------------------------------

#[tokio::test]
#[allow(deprecated)]
async fn list_messages() {
    let message: Value = serde_json::from_str(fixture!("send-message.json")).expect("fixture");
    let page = json!({
        "teamId": "hzcai5t59nn9vsck3rbuepyg",
        "threadId": THREAD_ID,
        "messages": [message],
        "nextCursor": null,
        "isSyncing": true
    });
    let (server, client) = serve([ok(page.to_string()), ok(page.to_string())]).await;

    let flat = client
        .list_messages(THREAD_ID)
        .cursor_id(MESSAGE_ID)
        .cursor_timestamp("2025-01-15T16:45:00.500Z".parse().expect("timestamp"))
        .limit(100)
        .await
        .expect("succeeds");
    let _ = client
        .list_messages(THREAD_ID)
        .cursor(PageCursor::new(
            MESSAGE_ID,
            "2025-01-15T16:45:00.500Z".parse().expect("timestamp"),
        ))
        .await
        .expect("succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let path = format!("/api/v1/threads/{THREAD_ID}/messages");
    assert_request(
        &requests[0],
        "GET",
        &path,
        Some("cursorId=p8rvk2m5j0xn4wq7ybftcael&cursorTimestamp=2025-01-15T16%3A45%3A00.500Z&limit=100"),
        None,
    );
    assert_request(
        &requests[1],
        "GET",
        &path,
        Some("cursor[id]=p8rvk2m5j0xn4wq7ybftcael&cursor[timestamp]=2025-01-15T16%3A45%3A00.500Z"),
        None,
    );
    assert_eq!(flat.messages.len(), 1);
    assert_eq!(flat.next_cursor, None);
    assert!(flat.is_syncing);
}

#[tokio::test]
async fn send_message() {
    let (server, client) = serve([ok(fixture!("send-message.json"))]).await;

    let message = client
        .send_message(
            THREAD_ID,
            SendMessageRequest {
                content: "Thanks for your interest! How can I help you today?".into(),
                reply_to_message_id: Some(MESSAGE_ID.into()),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/threads/{THREAD_ID}/messages"),
        None,
        Some(json!({
            "content": "Thanks for your interest! How can I help you today?",
            "replyToMessageId": MESSAGE_ID
        })),
    );
    assert_eq!(message.origin, Some(MessageOrigin::Internal));
    assert_eq!(message.platform_id.as_deref(), Some("1234567890"));
}

#[tokio::test]
async fn edit_message() {
    let edited = json!({
        "success": true,
        "messageId": MESSAGE_ID,
        "content": "Thanks! How can I help?",
        "editedAt": "2025-01-15T16:50:00.000Z"
    });
    let (server, client) = serve([ok(edited.to_string())]).await;

    let outcome = client
        .edit_message(
            THREAD_ID,
            MESSAGE_ID,
            EditMessageRequest {
                content: "Thanks! How can I help?".into(),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "PATCH",
        &format!("/api/v1/threads/{THREAD_ID}/messages/{MESSAGE_ID}"),
        None,
        Some(json!({"content": "Thanks! How can I help?"})),
    );
    assert!(outcome.success);
    assert_eq!(
        outcome.edited_at.datetime().expect("a date-time").to_rfc3339(),
        "2025-01-15T16:50:00+00:00"
    );
}

#[tokio::test]
async fn delete_message() {
    let (server, client) = serve([ok(fixture!("delete-message.json"))]).await;

    let deleted = client
        .delete_message(
            THREAD_ID,
            MESSAGE_ID,
            DeleteMessageRequest {
                delete_for_all: Some(false),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "DELETE",
        &format!("/api/v1/threads/{THREAD_ID}/messages/{MESSAGE_ID}"),
        None,
        Some(json!({"deleteForAll": false})),
    );
    assert!(deleted.success);
    assert_eq!(
        deleted.deleted_at.datetime().expect("a date-time").to_rfc3339(),
        "2023-11-07T05:31:56+00:00"
    );
}

#[tokio::test]
async fn get_message_history() {
    let (server, client) = serve([ok(fixture!("get-message-history.json"))]).await;

    let history = client
        .get_message_history(THREAD_ID, MESSAGE_ID)
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/threads/{THREAD_ID}/messages/{MESSAGE_ID}/history"),
        None,
        None,
    );
    assert_eq!(history.versions.len(), 1);
    assert_eq!(history.versions[0].edit_origin, Some(MessageOrigin::Internal));
    assert_eq!(
        history.deletion.map(|deletion| deletion.deletion_type),
        Some(DeletionType::SelfValue)
    );
}

#[tokio::test]
async fn add_reaction() {
    let (server, client) = serve([ok(fixture!("add-reaction.json"))]).await;

    let reaction = client
        .add_reaction(THREAD_ID, MESSAGE_ID, ReactionRequest { emoji: "👍".into() })
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/threads/{THREAD_ID}/messages/{MESSAGE_ID}/reactions/reactions"),
        None,
        Some(json!({"emoji": "👍"})),
    );
    assert!(reaction.success);
}

#[tokio::test]
async fn remove_reaction() {
    let (server, client) = serve([ok(fixture!("remove-reaction.json"))]).await;

    let reaction = client
        .remove_reaction(THREAD_ID, MESSAGE_ID, ReactionRequest { emoji: "❤️".into() })
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "DELETE",
        &format!("/api/v1/threads/{THREAD_ID}/messages/{MESSAGE_ID}/reactions/reactions"),
        None,
        Some(json!({"emoji": "❤️"})),
    );
    assert!(reaction.success);
    assert_eq!(reaction.message_id, "<string>");
}

// --- prospects -------------------------------------------------------------------------

#[tokio::test]
async fn lookup_prospect_accepts_both_documented_not_found_forms() {
    // The typed mock routes by `platformId`, so the order of the calls does not matter
    // (the scripted server would answer strictly in order).
    let server = inboxapp::mock::MockServer::start().await.expect("mock server");
    let client = server
        .client_builder()
        .bearer_token(TOKEN)
        .max_retries(0)
        .build()
        .expect("client");
    let prospect: ProspectWithContext = serde_json::from_value(prospect_with_context(true)).expect("prospect");
    server
        .lookup_prospect()
        .platform_id(PROSPECT_PLATFORM_ID)
        .respond(&Some(prospect.clone()));
    // The error-codes page: an unknown prospect is a 404 with `PROSPECT_NOT_FOUND`.
    server.lookup_prospect().platform_id("44196397").respond_example_404();
    // The reference page: an unknown prospect is a 200 with `null`.
    server
        .lookup_prospect()
        .platform_id("55555")
        .respond_with(inboxapp::mock::MockReply::json(200, &serde_json::Value::Null));

    let missing = client.lookup_prospect("44196397").await.expect_err("404 is an error");
    let found = client.lookup_prospect(PROSPECT_PLATFORM_ID).await.expect("succeeds");
    let null = client.lookup_prospect("55555").await.expect("a null body is a success");

    let Error::Api(api) = &missing else {
        panic!("expected an API error, got {missing:?}");
    };
    assert_eq!(api.status, 404);
    let body = api.body.as_ref().expect("documented error body");
    assert_eq!(body.error.code, ErrorCode::ProspectNotFound);
    assert_eq!(missing.code().as_deref(), Some("PROSPECT_NOT_FOUND"));
    assert_eq!(null, None);
    let found = found.expect("a prospect");
    assert_eq!(found.handle, "@janefounder");
    assert_eq!(found, prospect);

    // What the README shows: both forms as `None`.
    let either = match client.lookup_prospect("44196397").await {
        Ok(prospect) => prospect,
        Err(err) if err.status() == Some(404) => None,
        Err(err) => panic!("unexpected {err}"),
    };
    assert_eq!(either, None);

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for (request, query) in requests.iter().zip([
        "platformId=44196397",
        "platformId=1876543210987654321",
        "platformId=55555",
    ]) {
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", "/prospects/lookup")
        );
        assert_eq!(request.query.as_deref(), Some(query));
        assert_eq!(request.header("authorization"), Some(BEARER));
        assert!(request.body.is_empty());
    }
}

#[tokio::test]
async fn get_prospect() {
    let (server, client) = serve([ok(prospect_with_context(true).to_string())]).await;

    let prospect = client.get_prospect(PROSPECT_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/prospects/{PROSPECT_ID}"),
        None,
        None,
    );
    assert_eq!(prospect.external_id.as_deref(), Some(PROSPECT_ID));
    let threads = prospect
        .context
        .threads
        .and_then(Nullable::into_option)
        .expect("threads");
    assert_eq!(threads[0].id, THREAD_ID);
    assert_eq!(prospect.platform_data.url_entities.len(), 0);
}

#[tokio::test]
async fn update_prospect_context() {
    let (server, client) = serve([ok(prospect_with_context(true).to_string())]).await;

    let prospect = client
        .update_prospect_context(
            PROSPECT_ID,
            UpdateProspectContextRequest {
                notes: Some(Nullable::Value("Met at the conference.".into())),
                valuation: Some(Nullable::Null),
                status_id: Some(Nullable::Value(STATUS_ID.into())),
                add_tags: Some(vec![TAG_ID.into()]),
                remove_tags: Some(vec!["u9swl3n6k1yo5xr8zcgudbfm".into()]),
                assignee_id: Some(Nullable::Null),
                done: Some(false),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "PATCH",
        &format!("/api/v1/prospects/{PROSPECT_ID}/context"),
        None,
        Some(json!({
            "notes": "Met at the conference.",
            "valuation": null,
            "statusId": STATUS_ID,
            "addTags": [TAG_ID],
            "removeTags": ["u9swl3n6k1yo5xr8zcgudbfm"],
            "assigneeId": null,
            "done": false
        })),
    );
    assert_eq!(prospect.context.status_id.as_deref(), Some(STATUS_ID));
    assert_eq!(prospect.context.notes.as_deref(), Some("Met at the conference."));
}

// --- tags ------------------------------------------------------------------------------

#[tokio::test]
async fn list_tags() {
    let tags = json!([
        {"id": TAG_ID, "name": "High Priority", "color": "#ef4444"},
        {"id": "u9swl3n6k1yo5xr8zcgudbfm", "name": "VIP", "color": null}
    ]);
    let (server, client) = serve([ok(tags.to_string())]).await;

    let tags = client.list_tags().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/tags", None, None);
    assert_eq!(tags.len(), 2, "a bare JSON array");
    assert_eq!(tags[0].color.as_deref(), Some("#ef4444"));
    assert_eq!(tags[1].color, None);
}

#[tokio::test]
async fn create_tag() {
    let (server, client) = serve([ok(fixture!("create-tag.json"))]).await;

    let tag = client
        .create_tag(CreateTagRequest {
            name: "High Priority".into(),
            color: Some(Nullable::Value("red".into())),
        })
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        "/api/v1/tags",
        None,
        Some(json!({"name": "High Priority", "color": "red"})),
    );
    assert_eq!(tag.color.as_deref(), Some("#3b82f6"));
}

#[tokio::test]
async fn list_tag_colors() {
    let (server, client) = serve([ok(colors().to_string())]).await;

    let colors = client.list_tag_colors().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/tags/colors", None, None);
    assert_eq!(colors.len(), 2, "a bare JSON array");
    assert_eq!((colors[0].name.as_str(), colors[0].hex.as_str()), ("red", "#ef4444"));
}

#[tokio::test]
async fn get_tag() {
    let (server, client) = serve([ok(fixture!("create-tag.json"))]).await;

    let tag = client.get_tag(TAG_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/tags/{TAG_ID}"),
        None,
        None,
    );
    assert_eq!(tag.name, "<string>");
}

#[tokio::test]
async fn delete_tag() {
    let (server, client) = serve([ok_empty()]).await;

    let result = client.delete_tag(TAG_ID).await;

    assert_request(
        &only_request(&server),
        "DELETE",
        &format!("/api/v1/tags/{TAG_ID}"),
        None,
        Some(json!({})),
    );
    assert!(result.is_ok(), "an empty 200 is success: {result:?}");
}

#[tokio::test]
async fn update_tag() {
    let cleared = json!({"id": TAG_ID, "name": "VIP", "color": null});
    let (server, client) = serve([ok(fixture!("update-tag.json")), ok(cleared.to_string())]).await;

    let renamed = client
        .update_tag(
            TAG_ID,
            UpdateTagRequest {
                name: Some("VIP".into()),
                color: Some(Nullable::Value("#3b82f6".into())),
            },
        )
        .await
        .expect("succeeds");
    let uncolored = client
        .update_tag(
            TAG_ID,
            UpdateTagRequest {
                name: None,
                color: Some(Nullable::Null),
            },
        )
        .await
        .expect("succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let path = format!("/api/v1/tags/{TAG_ID}");
    assert_request(
        &requests[0],
        "PATCH",
        &path,
        None,
        Some(json!({"name": "VIP", "color": "#3b82f6"})),
    );
    assert_request(&requests[1], "PATCH", &path, None, Some(json!({"color": null})));
    assert_eq!(renamed.color.as_deref(), Some("#3b82f6"));
    assert_eq!(uncolored.color, None);
}

// --- statuses and colors ---------------------------------------------------------------

#[tokio::test]
async fn list_statuses() {
    let statuses = json!([
        {"id": STATUS_ID, "name": "New Lead", "color": "#10b981", "createdAt": "2025-11-10T18:03:16.000Z"},
        {"id": "l44e15irdq4db30i77cgphhx", "name": "Closed Won", "color": null, "createdAt": "2025-11-11T09:00:00.000Z"}
    ]);
    let (server, client) = serve([ok(statuses.to_string())]).await;

    let statuses = client.list_statuses().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/statuses", None, None);
    let names: Vec<&str> = statuses.iter().map(|status| status.name.as_str()).collect();
    assert_eq!(names, ["New Lead", "Closed Won"], "a bare JSON array");
    assert_eq!(statuses[1].color, None);
}

#[tokio::test]
async fn create_status() {
    let (server, client) = serve([ok(fixture!("create-status.json"))]).await;

    let status = client
        .create_status(CreateStatusRequest {
            name: "Qualified".into(),
            color: Some(Nullable::Value("#ef4444".into())),
        })
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        "/api/v1/statuses",
        None,
        Some(json!({"name": "Qualified", "color": "#ef4444"})),
    );
    assert_eq!(status.color.as_deref(), Some("#ef4444"));
}

#[tokio::test]
async fn list_status_colors() {
    let (server, client) = serve([ok(colors().to_string())]).await;

    let colors = client.list_status_colors().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/statuses/colors", None, None);
    assert_eq!(colors[1].name, "blue");
}

#[tokio::test]
async fn get_status() {
    let (server, client) = serve([ok(fixture!("create-status.json"))]).await;

    let status = client.get_status(STATUS_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/statuses/{STATUS_ID}"),
        None,
        None,
    );
    assert_eq!(
        status.created_at.to_utc().expect("a date-time").to_rfc3339(),
        "2023-11-07T05:31:56+00:00"
    );
}

#[tokio::test]
async fn delete_status() {
    let (server, client) = serve([ok_empty()]).await;

    let result = client.delete_status(STATUS_ID).await;

    assert_request(
        &only_request(&server),
        "DELETE",
        &format!("/api/v1/statuses/{STATUS_ID}"),
        None,
        Some(json!({})),
    );
    assert!(result.is_ok(), "an empty 200 is success: {result:?}");
}

#[tokio::test]
async fn update_status() {
    let (server, client) = serve([ok(fixture!("update-status.json"))]).await;

    let status = client
        .update_status(
            STATUS_ID,
            UpdateStatusRequest {
                name: Some("Warm".into()),
                color: None,
            },
        )
        .await
        .expect("succeeds");

    let request = only_request(&server);
    assert_request(
        &request,
        "PATCH",
        &format!("/api/v1/statuses/{STATUS_ID}"),
        None,
        Some(json!({"name": "Warm"})),
    );
    assert_eq!(request.body, br#"{"name":"Warm"}"#, "color is left out");
    assert_eq!(status.color.as_deref(), Some("#ef4444"));
}

#[tokio::test]
async fn list_colors() {
    let (server, client) = serve([ok(colors().to_string())]).await;

    let colors = client.list_colors().await.expect("succeeds");

    assert_request(&only_request(&server), "GET", "/api/v1/colors", None, None);
    let hexes: Vec<&str> = colors.iter().map(|color| color.hex.as_str()).collect();
    assert_eq!(hexes, ["#ef4444", "#3b82f6"]);
}

// --- events ----------------------------------------------------------------------------

#[tokio::test]
async fn list_events() {
    let page = json!({
        "events": [{
            "id": "ck9v2m5nj0xp4wq7ybftrae8",
            "seq": 42,
            "teamId": "hzcai5t59nn9vsck3rbuepyg",
            "type": "thread.typing",
            "timestamp": "2026-02-01T10:00:00.000Z",
            "version": "1.0",
            "data": {"threadId": THREAD_ID, "senderPlatformId": PROSPECT_PLATFORM_ID}
        }],
        "hasMore": false,
        "lastSeq": 42
    });
    let (server, client) = serve([ok(page.to_string())]).await;

    let page = client.list_events().after_seq(41).limit(2).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        "/api/v1/events",
        Some("afterSeq=41&limit=2"),
        None,
    );
    assert_eq!(page.events[0].r#type, WebhookEventType::ThreadTyping);
    assert_eq!(page.events[0].data["threadId"], THREAD_ID);
    assert!(!page.has_more);
    assert_eq!(page.last_seq, Some(42));
}

// --- lists and import jobs -------------------------------------------------------------

#[tokio::test]
async fn add_list_leads() {
    let (server, client) = serve([ok(fixture!("add-list-leads.json"))]).await;

    let outcome = client
        .add_list_leads(
            LIST_ID,
            AddListLeadsRequest {
                platform_ids: vec!["44196397".into(), "50393960".into()],
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/lists/{LIST_ID}/leads"),
        None,
        Some(json!({"platformIds": ["44196397", "50393960"]})),
    );
    assert_eq!(outcome.added, ["<string>"]);
}

#[tokio::test]
async fn remove_list_leads() {
    let (server, client) = serve([ok(fixture!("remove-list-leads.json"))]).await;

    let outcome = client
        .remove_list_leads(
            LIST_ID,
            RemoveListLeadsRequest {
                platform_ids: vec!["44196397".into(), "50393960".into()],
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "DELETE",
        &format!("/api/v1/lists/{LIST_ID}/leads"),
        None,
        Some(json!({"platformIds": ["44196397", "50393960"]})),
    );
    assert_eq!(outcome.removed, 4_503_599_627_370_495);
}

#[tokio::test]
async fn update_list_lead() {
    let mut prospect = prospect_fields();
    prospect["accountStatus"] = json!("active");
    let (server, client) = serve([ok(json!({"prospect": prospect}).to_string())]).await;

    let updated = client
        .update_list_lead(
            LIST_ID,
            "44196397",
            UpdateListLeadRequest {
                data: json!({COLUMN_ID: "CTO"}),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "PATCH",
        &format!("/api/v1/lists/{LIST_ID}/leads/44196397"),
        None,
        Some(json!({"data": {"custom_q5cktl47a6pqa74eu06fz89v": "CTO"}})),
    );
    assert_eq!(updated.prospect.account_status.as_deref(), Some("active"));
    assert_eq!(updated.prospect.username, "janefounder");
}

#[tokio::test]
async fn list_import_jobs() {
    let (server, client) = serve([ok(fixture!("list-import-jobs.json"))]).await;

    let page = client
        .list_import_jobs(LIST_ID)
        .status(vec![ImportJobStatus::Running, ImportJobStatus::Queued])
        .cursor("eyJpZCI6MX0=/+x")
        .limit(50)
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/lists/{LIST_ID}/import-jobs"),
        Some("status=running&status=queued&cursor=eyJpZCI6MX0%3D%2F%2Bx&limit=50"),
        None,
    );
    assert_eq!(page.data[0].status, ImportJobStatus::Queued);
    assert_eq!(page.next_cursor.as_deref(), Some("<string>"));
}

#[tokio::test]
async fn create_import_job() {
    let (server, client) = serve([ok(fixture!("create-import-job.json"))]).await;

    let job = client
        .create_import_job(
            LIST_ID,
            CreateImportJobRequest {
                data: ImportConfig::Csv(CsvImportConfig {
                    file_name: Some("leads.csv".into()),
                    column_mapping: Some(vec![CsvColumnMapping {
                        csv_header: "role".into(),
                        target_column_id: COLUMN_ID.into(),
                    }]),
                    merge_strategy: Some("overwrite".into()),
                    ..CsvImportConfig::new("username,role\njack,CTO\n")
                }),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/lists/{LIST_ID}/import-jobs"),
        None,
        Some(json!({
            "data": {
                "type": "csv",
                "content": "username,role\njack,CTO\n",
                "fileName": "leads.csv",
                "columnMapping": [{"csvHeader": "role", "targetColumnId": COLUMN_ID}],
                "mergeStrategy": "overwrite"
            }
        })),
    );
    assert_eq!(job.status, ImportJobStatus::Queued);
    assert_eq!(job.total_count, Some(1500));
}

#[tokio::test]
async fn cancel_import_job() {
    let mut job: Value = serde_json::from_str(fixture!("create-import-job.json")).expect("fixture");
    job["status"] = json!("canceled");
    let (server, client) = serve([ok(job.to_string())]).await;

    let job = client.cancel_import_job(LIST_ID, JOB_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/lists/{LIST_ID}/import-jobs/{JOB_ID}/cancel"),
        None,
        Some(json!({})),
    );
    assert_eq!(job.status, ImportJobStatus::Canceled);
}

// --- campaigns -------------------------------------------------------------------------

#[tokio::test]
async fn get_campaign() {
    let (server, client) = serve([ok(fixture!("get-campaign.json"))]).await;

    let campaign = client.get_campaign(CAMPAIGN_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "GET",
        &format!("/api/v1/campaigns/{CAMPAIGN_ID}"),
        None,
        None,
    );
    assert_eq!(campaign.status, CampaignStatus::Draft);
    assert_eq!(campaign.hourly_message_rate, 30);
    assert_eq!(campaign.custom_variables["company-name"].display_name, "Company name");
}

#[tokio::test]
async fn pause_campaign() {
    let (server, client) = serve([ok(fixture!("campaign-seed.json"))]).await;

    let campaign = client.pause_campaign(CAMPAIGN_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/campaigns/{CAMPAIGN_ID}/pause"),
        None,
        Some(json!({})),
    );
    assert_eq!(campaign.id, CAMPAIGN_ID);
    assert_eq!(campaign.steps.len(), 3);
}

#[tokio::test]
async fn enable_campaign() {
    let (server, client) = serve([ok(fixture!("enable-campaign.json"))]).await;

    let campaign = client.enable_campaign(CAMPAIGN_ID).await.expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/enable"),
        None,
        Some(json!({})),
    );
    assert!(campaign.enabled);
    assert_eq!(campaign.hourly_message_rate, 13);
    assert!(campaign.rules.exclude_mutuals);
    assert_eq!(campaign.sequence.version, 123);
}

#[tokio::test]
async fn update_campaign_sequence() {
    let (server, client) = serve([ok(fixture!("update-campaign-sequence.json"))]).await;
    let text = |text: &str| MessageSegment::Static(StaticSegment::new(text));
    let variable = |name: &str, fallback: &str| {
        MessageSegment::Variable(VariableSegment {
            fallback: Some(fallback.into()),
            ..VariableSegment::new(name)
        })
    };

    let sequence = client
        .update_campaign_sequence(
            CAMPAIGN_ID,
            UpdateCampaignSequenceRequest {
                steps: vec![
                    CampaignStepInput::Message(CampaignMessageStepInput::new(MessageStepData::new(vec![
                        MessageSegment::Variation(VariationSegment::new(vec![
                            "Hey".into(),
                            "Hi".into(),
                            "What's up".into(),
                        ])),
                        text(" "),
                        variable("first-name", "there"),
                        text(", saw your work at "),
                        variable(COLUMN_ID, "your company"),
                        text(" — would love to connect. Open to a quick chat?"),
                    ]))),
                    CampaignStepInput::Delay(CampaignDelayStepInput::new(DelayStepData::new(86400, "days"))),
                    CampaignStepInput::Message(CampaignMessageStepInput::new(MessageStepData::new(vec![text(
                        "Hey, just following up — would love to hear your thoughts!",
                    )]))),
                ],
            },
        )
        .await
        .expect("succeeds");

    // The request example of the update-sequence page, verbatim.
    let documented = json!({"steps": [
        {
            "type": "message",
            "data": {
                "segments": [
                    {"type": "variation", "options": ["Hey", "Hi", "What's up"]},
                    {"type": "static", "text": " "},
                    {"type": "variable", "name": "first-name", "fallback": "there"},
                    {"type": "static", "text": ", saw your work at "},
                    {"type": "variable", "name": "custom_q5cktl47a6pqa74eu06fz89v", "fallback": "your company"},
                    {"type": "static", "text": " — would love to connect. Open to a quick chat?"}
                ]
            }
        },
        {"type": "delay", "data": {"delaySeconds": 86400, "unit": "days"}},
        {
            "type": "message",
            "data": {
                "segments": [
                    {"type": "static", "text": "Hey, just following up — would love to hear your thoughts!"}
                ]
            }
        }
    ]});
    assert_request(
        &only_request(&server),
        "PUT",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/sequence"),
        None,
        Some(documented),
    );
    assert_eq!(sequence.version, 123);
    assert_eq!(sequence.steps[0].id, "<string>");
}

#[tokio::test]
async fn add_campaign_leads() {
    let (server, client) = serve([ok(fixture!("add-campaign-leads.json"))]).await;

    let outcome = client
        .add_campaign_leads(
            CAMPAIGN_ID,
            AddCampaignLeadsRequest {
                platform: Some(Platform::Twitter),
                platform_ids: Some(vec!["44196397".into(), "50393960".into()]),
                usernames: Some(vec!["elonmusk".into(), "jack".into()]),
                external_ids: Some(vec!["hy4k7m2x9p1n6v3w8j5q0r".into()]),
                leads: Some(vec![CampaignLeadInput {
                    username: Some("janefounder".into()),
                    data: Some(json!({COLUMN_ID: "CTO"})),
                    ..CampaignLeadInput::default()
                }]),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/leads"),
        None,
        Some(json!({
            "platform": "twitter",
            "platformIds": ["44196397", "50393960"],
            "usernames": ["elonmusk", "jack"],
            "externalIds": ["hy4k7m2x9p1n6v3w8j5q0r"],
            "leads": [{"username": "janefounder", "data": {"custom_q5cktl47a6pqa74eu06fz89v": "CTO"}}]
        })),
    );
    assert_eq!(outcome.added, 4_503_599_627_370_495);
}

#[tokio::test]
async fn update_campaign_lead() {
    let (server, client) = serve([ok(json!({"prospect": prospect_fields()}).to_string())]).await;

    let updated = client
        .update_campaign_lead(
            CAMPAIGN_ID,
            "jane founder/ü",
            UpdateCampaignLeadRequest {
                data: json!({COLUMN_ID: "CTO"}),
                by: Some(LeadIdentifierType::Username),
                platform: Some(Platform::Twitter),
            },
        )
        .await
        .expect("succeeds");

    // Not a real X handle: it checks that the identifier is encoded as one path segment.
    assert_request(
        &only_request(&server),
        "PATCH",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/leads/jane%20founder%2F%C3%BC"),
        None,
        Some(json!({
            "data": {"custom_q5cktl47a6pqa74eu06fz89v": "CTO"},
            "by": "username",
            "platform": "twitter"
        })),
    );
    assert_eq!(updated.prospect.display_name, "Jane Founder");
    assert_eq!(updated.prospect.account_status, None);
}

#[tokio::test]
async fn cancel_campaign_lead() {
    let (server, client) = serve([ok(r#"{"success":true}"#)]).await;

    let outcome = client
        .cancel_campaign_lead(
            CAMPAIGN_ID,
            "44196397",
            CancelCampaignLeadRequest {
                by: Some(LeadIdentifierType::PlatformId),
                platform: Some(Platform::Twitter),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "POST",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/leads/44196397/cancel"),
        None,
        Some(json!({"by": "platformId", "platform": "twitter"})),
    );
    assert_eq!(outcome.success, json!(true));
}

#[tokio::test]
async fn update_campaign_lead_rules() {
    let (server, client) = serve([ok(fixture!("update-campaign-lead-rules.json"))]).await;
    let mapping = [(COLUMN_ID.to_owned(), "custom_m8r2xj93hd5bk0atcw7oe4fp".to_owned())].into();

    let outcome = client
        .update_campaign_lead_rules(
            CAMPAIGN_ID,
            UpdateCampaignLeadRulesRequest {
                synced_list_ids: Some(vec!["l44e15irdq4db30i77cgphhx".into()]),
                excluded_list_ids: Some(vec![]),
                exclude_contacted: Some(true),
                exclude_mutuals: Some(false),
                column_mappings: Some([("l44e15irdq4db30i77cgphhx".to_owned(), mapping)].into()),
                detach_behavior: Some("unlink".into()),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "PATCH",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/rules"),
        None,
        Some(json!({
            "syncedListIds": ["l44e15irdq4db30i77cgphhx"],
            "excludedListIds": [],
            "excludeContacted": true,
            "excludeMutuals": false,
            "columnMappings": {
                "l44e15irdq4db30i77cgphhx": {"custom_q5cktl47a6pqa74eu06fz89v": "custom_m8r2xj93hd5bk0atcw7oe4fp"}
            },
            "detachBehavior": "unlink"
        })),
    );
    assert_eq!(outcome.success, json!("<unknown>"));
}

#[tokio::test]
async fn update_campaign_column() {
    let (server, client) = serve([ok(fixture!("update-campaign-column.json"))]).await;

    let column = client
        .update_campaign_column(
            CAMPAIGN_ID,
            COLUMN_ID,
            UpdateCampaignColumnRequest {
                name: Some("Role".into()),
                description: Some(Nullable::Null),
            },
        )
        .await
        .expect("succeeds");

    assert_request(
        &only_request(&server),
        "PATCH",
        &format!("/api/v1/campaigns/v2/{CAMPAIGN_ID}/columns/custom_q5cktl47a6pqa74eu06fz89v"),
        None,
        Some(json!({"name": "Role", "description": null})),
    );
    assert_eq!(column.r#type, json!("<unknown>"));
    assert_eq!(
        column
            .updated_at
            .and_then(|at| at.as_datetime().map(|at| at.to_rfc3339()))
            .as_deref(),
        Some("2023-11-07T05:31:56+00:00")
    );
}
