//! End to end: the generated `inboxapp` client against a real HTTP server on 127.0.0.1.

use inboxapp::types::{CampaignStatus, CampaignStep, ErrorCode, MessageSegment};
use inboxapp::{Client, Error};
use tests::{Reply, TestServer};

const SEED: &str = include_str!("../fixtures/payloads/campaign-seed.json");
const CAMPAIGN_ID: &str = "usdjpdql3f90seqk13rwuo7z";
const TOKEN: &str = "test-token-123";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .bearer_token(TOKEN)
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn pause_campaign_sends_the_documented_request_and_decodes_every_field() {
    let server = TestServer::start().await;
    server.push(Reply::json(200, SEED));

    let campaign = client(&server)
        .pause_campaign(CAMPAIGN_ID)
        .await
        .expect("pause succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/api/v1/campaigns/{CAMPAIGN_ID}/pause"));
    assert_eq!(request.query, None);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.body, b"{}");
    let user_agent = request.header("user-agent").unwrap_or_default();
    assert!(user_agent.starts_with("inboxapp/"), "user agent {user_agent:?}");

    assert_eq!(campaign.id, CAMPAIGN_ID);
    assert_eq!(campaign.name, "Q1 SaaS founders outreach");
    assert_eq!(campaign.description, None);
    assert_eq!(campaign.status, CampaignStatus::Active);
    assert!(!campaign.dry_run);
    assert_eq!(campaign.targets_count, 4723);
    assert_eq!(campaign.contacted_count, 2361);
    assert_eq!(campaign.replies_count, 118);
    assert_eq!(campaign.completion_rate, 0.5);
    assert_eq!(campaign.reply_rate, 0.05);
    assert_eq!(
        campaign.created_at.to_utc().expect("a date-time").to_rfc3339(),
        "2025-04-02T13:44:10+00:00"
    );
    assert_eq!(
        campaign
            .updated_at
            .and_then(|at| at.as_datetime().map(|at| at.to_rfc3339()))
            .as_deref(),
        Some("2025-04-28T14:11:10+00:00")
    );
    assert_eq!(campaign.paused_at, None);
    assert_eq!(campaign.completed_at, None);
    assert_eq!(
        campaign
            .last_started_at
            .and_then(|at| at.as_datetime().map(|at| at.to_rfc3339()))
            .as_deref(),
        Some("2025-04-02T13:45:00+00:00")
    );
    assert_eq!(campaign.r#type.as_str(), "sequence");
    assert_eq!(campaign.hourly_message_rate, 8);
    assert_eq!(campaign.schedule_timezone, "America/New_York");
    assert_eq!(campaign.schedule_hours.len(), 5);
    let monday = &campaign.schedule_hours["1"];
    assert_eq!((monday.start, monday.end), (540, 1260));
    assert!(!campaign.schedule_hours.contains_key("0"));
    assert_eq!(campaign.estimated_targets, 3664);
    assert!(campaign.is_hydrating);
    assert!(!campaign.is_building_plan);

    assert_eq!(campaign.steps.len(), 3);
    let CampaignStep::Message(first) = &campaign.steps[0] else {
        panic!("step 0 should be a message step: {:?}", campaign.steps[0]);
    };
    assert_eq!(first.id, "l2cecmj26reun2ybwrvgjl1u");
    assert_eq!(first.rank, 0);
    let segments = &first.data.segments;
    assert_eq!(segments.len(), 4);
    assert!(matches!(&segments[0], MessageSegment::Variation(v) if v.options == ["Hey", "Hello", "How's it going"]));
    assert!(matches!(&segments[1], MessageSegment::Static(s) if s.text == " "));
    assert!(matches!(&segments[2], MessageSegment::Variable(v) if v.name == "first-name" && v.fallback.is_none()));
    assert!(matches!(&segments[3], MessageSegment::Static(s) if s.text == ", how are you?"));
    let CampaignStep::Delay(delay) = &campaign.steps[1] else {
        panic!("step 1 should be a delay step: {:?}", campaign.steps[1]);
    };
    assert_eq!(delay.rank, 1);
    assert_eq!(delay.data.delay_seconds, 604_800);
    assert_eq!(delay.data.unit, "days");
    assert!(matches!(&campaign.steps[2], CampaignStep::Message(step) if step.rank == 2));

    assert_eq!(campaign.lists.len(), 2);
    assert_eq!(campaign.lists[0].list_id, "k8f2mj26reun2ybwrvgjl1u");
    assert!(!campaign.lists[0].exclude);
    assert!(campaign.lists[1].exclude);
    assert_eq!(campaign.account_link_ids, ["r4t9vw15jm6bn3yxcf2dq8ek"]);
    assert_eq!(campaign.automations.len(), 1);
    let automation = &campaign.automations[0];
    assert_eq!(automation.trigger.as_str(), "prospectFirstReply");
    assert_eq!(automation.action.as_str(), "setStatus");
    assert_eq!(automation.action_data.status_id, "m3n4o5p6q7r8s9t0u1v2w3x4");
    assert!(automation.enabled);
    let company = &campaign.custom_variables["company-name"];
    assert_eq!(company.display_name, "Company name");
    assert_eq!(company.description, None);
}

#[test]
fn the_seed_campaign_re_encodes_to_the_same_json() {
    let campaign: inboxapp::types::Campaign = serde_json::from_str(SEED).expect("decodes");
    let again = serde_json::to_value(&campaign).expect("encodes");
    let original: serde_json::Value = serde_json::from_str(SEED).expect("valid JSON");
    assert_eq!(again, original);
}

#[tokio::test]
async fn a_documented_404_becomes_a_typed_api_error() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(
            404,
            r#"{"error":{"code":"CAMPAIGN_NOT_FOUND","message":"Campaign not found","status":404}}"#,
        )
        .header("x-request-id", "req_42"),
    );

    let error = client(&server)
        .get_campaign("abc123")
        .await
        .expect_err("404 is an error");

    assert_eq!(error.status(), Some(404));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    let body = api.body.as_ref().expect("documented error body decodes");
    assert_eq!(body.error.code, ErrorCode::from("CAMPAIGN_NOT_FOUND"));
    assert_eq!(body.error.message, "Campaign not found");
    assert_eq!(body.error.status, 404);
    assert_eq!(api.request_id.as_deref(), Some("req_42"));
    assert!(error.to_string().contains("Campaign not found"), "{error}");
    assert_eq!(server.requests().len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn an_error_body_that_does_not_match_keeps_the_raw_bytes() {
    let server = TestServer::start().await;
    server.push(Reply::with_type(404, "text/plain", "no such thing"));

    let error = client(&server)
        .get_campaign("abc123")
        .await
        .expect_err("404 is an error");

    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status, 404);
    assert!(api.body.is_none());
    assert_eq!(&api.raw[..], b"no such thing");
}

#[tokio::test]
async fn an_unknown_status_value_decodes_into_the_unknown_variant() {
    let server = TestServer::start().await;
    let mut campaign: serde_json::Value = serde_json::from_str(SEED).expect("valid JSON");
    campaign["status"] = "archived".into();
    server.push(Reply::json(200, campaign.to_string()));

    let campaign = client(&server).get_campaign(CAMPAIGN_ID).await.expect("decodes");

    assert_eq!(campaign.status, CampaignStatus::Unknown("archived".into()));
    assert_eq!(campaign.status.as_str(), "archived");
    let requests = server.requests();
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, format!("/api/v1/campaigns/{CAMPAIGN_ID}"));
    assert!(requests[0].body.is_empty());
}

#[tokio::test]
async fn invalid_ids_fail_before_any_request_is_sent() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, SEED));
    let client = client(&server);

    for bad in ["../x", "ABC", "", "a b", "abc/def"] {
        let error = client.pause_campaign(bad).await.expect_err("invalid id is rejected");
        match &error {
            Error::InvalidArgument { name, reason } => {
                assert_eq!(name, "campaignId");
                assert!(!reason.is_empty());
            }
            other => panic!("expected InvalidArgument for {bad:?}, got {other:?}"),
        }
    }
    assert!(server.requests().is_empty(), "no request may reach the server");
}

#[tokio::test]
async fn send_with_response_exposes_status_and_rate_limit_headers() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(200, SEED)
            .header("x-ratelimit-limit", "300")
            .header("x-ratelimit-remaining", "299")
            .header("x-ratelimit-reset", "1767225600"),
    );

    let response = client(&server)
        .get_campaign(CAMPAIGN_ID)
        .send_with_response()
        .await
        .expect("succeeds");

    assert_eq!(response.status, 200);
    let limits = response.rate_limit();
    assert_eq!(limits.limit, Some(300));
    assert_eq!(limits.remaining, Some(299));
    assert_eq!(limits.reset, Some(1_767_225_600));
    assert_eq!(response.body.id, CAMPAIGN_ID);
}

#[test]
fn the_default_base_url_is_the_documented_one() {
    assert_eq!(inboxapp::DEFAULT_BASE_URL, "https://inboxapp.com/api/v1");
    assert!(Client::builder().bearer_token("t").build().is_ok());
    let error = Client::builder()
        .base_url("not a url")
        .build()
        .expect_err("bad URL is rejected");
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
}

/// The crate root names what users write down (`Response`, `RateLimit`, `ApiError`,
/// `UnexpectedResponse`) and builders live in `inboxapp::builders`, so glue code needs
/// no `apigen_runtime` dependency. The annotations below are the test: they only
/// compile while those paths exist.
#[tokio::test]
async fn the_crate_root_re_exports_what_callers_name() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(200, SEED)
            .header("X-RateLimit-Limit", "300")
            .header("X-RateLimit-Remaining", "299")
            .header("X-RateLimit-Reset", "1764000000"),
    );
    server.push(Reply::json(
        404,
        r#"{"error":{"code":"CAMPAIGN_NOT_FOUND","message":"no such campaign","status":404}}"#,
    ));
    server.push(Reply::with_type(200, "text/html", "<html>login page</html>"));
    let client = client(&server);

    let builder: inboxapp::builders::PauseCampaign<'_> = client.pause_campaign(CAMPAIGN_ID);
    let response: inboxapp::Response<inboxapp::types::Campaign> =
        builder.send_with_response().await.expect("pause succeeds");
    let limits: inboxapp::RateLimit = response.rate_limit();
    assert_eq!(
        (limits.limit, limits.remaining, limits.reset),
        (Some(300), Some(299), Some(1_764_000_000))
    );

    let error = client.pause_campaign(CAMPAIGN_ID).await.expect_err("404 is an error");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    let api: &inboxapp::ApiError<inboxapp::ErrorBody> = api;
    assert_eq!(api.status, 404);

    let error = client
        .pause_campaign(CAMPAIGN_ID)
        .await
        .expect_err("an HTML 200 is not a campaign");
    let Error::UnexpectedResponse(unexpected) = &error else {
        panic!("expected an unexpected response, got {error:?}");
    };
    let unexpected: &inboxapp::UnexpectedResponse = unexpected;
    assert_eq!(unexpected.status, 200);
}
