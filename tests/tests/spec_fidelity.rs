//! One test per disagreement fixed by the spec fidelity audit (issue 13): each checks
//! that the generated SDK now reads or writes what the documentation pages show.
//! `spec/README.md` ("Fidelity audit") names the page each fix rests on.

use inboxapp::types::*;
use inboxapp::{Client, Error};
use serde_json::{json, Value};
use tests::{Reply, TestServer};

const CAMPAIGN_ID: &str = "usdjpdql3f90seqk13rwuo7z";
const THREAD_ID: &str = "l44e15irdq4db30i77cgphhx";

async fn serve(replies: impl IntoIterator<Item = Reply>) -> (TestServer, Client) {
    let server = TestServer::start().await;
    for reply in replies {
        server.push(reply);
    }
    let client = Client::builder()
        .bearer_token("test-token")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .expect("client builds");
    (server, client)
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/payloads/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{path}: {err}"))
}

// --- Platform: `sandbox` (account-links and send-message pages) ------------------------

#[tokio::test]
async fn sandbox_platform_decodes_in_messages_and_account_links() {
    let mut message = fixture("send-message.json");
    message["platform"] = json!("sandbox");
    let mut links = fixture("list-account-links.json");
    links[0]["platform"] = json!("sandbox");
    let (_server, client) = serve([
        Reply::json(200, message.to_string()),
        Reply::json(200, links.to_string()),
    ])
    .await;

    let sent = client
        .send_message(THREAD_ID, SendMessageRequest::new("hi"))
        .await
        .expect("sandbox message decodes");
    assert_eq!(sent.platform, Platform::Sandbox);
    assert_eq!(serde_json::to_value(&sent).unwrap()["platform"], "sandbox");

    let links = client.list_account_links().await.expect("sandbox link decodes");
    assert_eq!(links[0].platform, Platform::Sandbox);
}

// --- Like-tweet step (update-sequence page) ---------------------------------------------

#[tokio::test]
async fn a_like_tweet_step_is_kept_in_responses_and_can_be_sent() {
    // The page names a "Like tweet step" but documents neither its tag nor its fields;
    // the `type` and `tweetId` below are stand-ins for whatever the server sends.
    let like_step = json!({"type": "likeTweet", "data": {"tweetId": "1876543210987654321"}});
    let response = json!({
        "version": 4,
        "steps": [
            {"id": "s1", "rank": 0, "data": {"segments": [{"type": "static", "text": "Hi"}]}},
            {"id": "s2", "rank": 1, "type": "likeTweet", "data": {"tweetId": "1876543210987654321"}},
            {"id": "s3", "rank": 2, "data": {"delaySeconds": 86400, "unit": "days"}}
        ]
    });
    let (server, client) = serve([Reply::json(200, response.to_string())]).await;

    let sequence = client
        .update_campaign_sequence(
            CAMPAIGN_ID,
            UpdateCampaignSequenceRequest {
                steps: vec![CampaignStepInput::Unknown(like_step.clone())],
            },
        )
        .await
        .expect("a sequence with a like-tweet step decodes");

    let sent: Value = serde_json::from_slice(&server.requests()[0].body).expect("JSON body");
    assert_eq!(
        sent,
        json!({"steps": [like_step]}),
        "the request carries the step as given"
    );
    assert!(matches!(sequence.steps[0].data, CampaignStepData::MessageStepData(_)));
    match &sequence.steps[1].data {
        CampaignStepData::OtherStepData(data) => assert_eq!(data["tweetId"], "1876543210987654321"),
        other => panic!("like-tweet data decoded as {other:?}"),
    }
    assert_eq!(sequence.steps[1].r#type.as_deref(), Some("likeTweet"));
    assert!(matches!(sequence.steps[2].data, CampaignStepData::DelayStepData(_)));
    assert_eq!(serde_json::to_value(&sequence).unwrap(), response, "round trip");

    // v1 `steps` are a tagged union: an unknown step kind is kept whole.
    let step: CampaignStep = serde_json::from_value(like_step.clone()).expect("decodes");
    assert_eq!(step, CampaignStep::Unknown(like_step));
}

// --- Campaign `updatedAt` may be null (campaign webhook pages) --------------------------

#[tokio::test]
async fn campaign_updated_at_may_be_null() {
    let mut v1 = fixture("campaign-seed.json");
    v1["updatedAt"] = Value::Null;
    let mut v2 = fixture("enable-campaign.json");
    v2["updatedAt"] = Value::Null;
    let (_server, client) = serve([Reply::json(200, v1.to_string()), Reply::json(200, v2.to_string())]).await;

    let campaign = client.get_campaign(CAMPAIGN_ID).await.expect("null updatedAt decodes");
    assert_eq!(campaign.updated_at, None);
    assert_eq!(serde_json::to_value(&campaign).unwrap()["updatedAt"], Value::Null);
    let enabled = client
        .enable_campaign(CAMPAIGN_ID)
        .await
        .expect("null updatedAt decodes");
    assert_eq!(enabled.updated_at, None);
}

// --- Update-lead prospect without verified/profileType/source (campaign update-lead page)

#[tokio::test]
async fn update_lead_response_without_profile_classification_decodes() {
    // The fields of the campaign update-lead example: no `verified`, `profileType` or
    // `source`.
    let body = json!({"prospect": {
        "platform": "twitter",
        "platformId": "<string>",
        "externalId": "l44e15irdq4db30i77cgphhx",
        "documentId": 858224163,
        "displayName": "<string>",
        "username": "<string>",
        "handle": "<string>",
        "image": "https://pbs.twimg.com/profile_images/1954360649393295360/rwp-vVt6.jpg",
        "imageNormalized": "https://pbs.twimg.com/profile_images/1954360649393295360/rwp-vVt6.jpg",
        "bio": "Social Selling CRM",
        "location": "San Francisco, CA",
        "profileUrl": "<string>",
        "websiteUrl": "https://inboxapp.com",
        "websiteDomain": "inboxapp.com",
        "isProtected": true,
        "followerCount": 123,
        "followingCount": 123,
        "postCount": 123,
        "engagementCount": 2613,
        "listedCount": 18,
        "platformCreatedAt": "2022-09-03T17:58:06.000Z",
        "firstSeenAt": "2024-07-09T14:08:49.000Z",
        "lastUpdatedAt": "2023-11-07T05:31:56Z",
        "lastEnrichedAt": "2025-11-10T18:03:16.000Z",
        "lastActiveAt": "2025-11-10T12:00:00.000Z",
        "isFresh": true,
        "isStale": true,
        "confidence": 0.5,
        "platformData": {
            "isVerifiedBlue": true, "isVerifiedGold": true, "isVerifiedGray": true,
            "professionalCategory": "986", "urlEntities": [], "bannerUrl": null,
            "tweetsCount": 123, "favoritesCount": 123, "rawData": null
        }
    }});
    let (_server, client) = serve([Reply::json(200, body.to_string())]).await;

    let updated = client
        .update_campaign_lead(CAMPAIGN_ID, "janefounder", UpdateCampaignLeadRequest::new(json!({})))
        .await
        .expect("the documented example decodes");
    assert_eq!(updated.prospect.verified, None);
    assert_eq!(updated.prospect.profile_type, None);
    assert_eq!(updated.prospect.source, None);
    assert_eq!(updated.prospect.follower_count, 123);
}

// --- 5xx answers decode as the documented error type (rate-limits page) ---------------

#[tokio::test]
async fn gateway_errors_decode_as_the_error_response() {
    for status in [502u16, 503, 504] {
        let body = format!(r#"{{"error":{{"code":"UPSTREAM_UNAVAILABLE","message":"try later","status":{status}}}}}"#);
        let (server, client) = serve([Reply::json(status, body)]).await;

        let error = client.get_team().await.expect_err("5xx is an error");
        let Error::Api(api) = &error else {
            panic!("{status}: expected an API error, got {error:?}");
        };
        assert_eq!(api.status, status);
        let body = api.body.as_ref().expect("the error body decodes");
        assert_eq!(body.error.code, ErrorCode::Unknown("UPSTREAM_UNAVAILABLE".into()));
        assert_eq!(i64::from(status), body.error.status);
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_gateway_html_page_is_an_api_error_with_the_raw_body() {
    let (_server, client) = serve([Reply::with_type(502, "text/html", "<html>Bad gateway</html>")]).await;
    let error = client.get_team().await.expect_err("502 is an error");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status, 502);
    assert!(api.body.is_none());
    assert_eq!(&api.raw[..], b"<html>Bad gateway</html>");
}

// --- Error codes beyond the named ones (error-codes page) -------------------------------

#[tokio::test]
async fn error_codes_the_page_does_not_name_are_kept_as_sent() {
    let body = r#"{"error":{"code":"VALIDATION_ERROR","message":"name is too long","status":422}}"#;
    let (_server, client) = serve([Reply::json(422, body)]).await;
    let error = client
        .create_tag(CreateTagRequest::new("x"))
        .await
        .expect_err("422 is an error");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    let detail = &api.body.as_ref().expect("decodes").error;
    assert_eq!(detail.code.as_str(), "VALIDATION_ERROR");
    assert_eq!(detail.code, ErrorCode::Unknown("VALIDATION_ERROR".into()));
    assert_eq!(ErrorCode::from("PROSPECT_NOT_FOUND"), ErrorCode::ProspectNotFound);
}

// --- deepObject filters: each example of the query-parameters page ---------------------

/// The raw query string the SDK sends for `filters`.
async fn query_for(filters: ThreadFilters) -> String {
    let page = json!({"threads": [], "nextCursor": null});
    let (server, client) = serve([Reply::json(200, page.to_string())]).await;
    client.list_threads().filters(filters).await.expect("succeeds");
    server.requests()[0].query.clone().unwrap_or_default()
}

#[tokio::test]
async fn documented_filter_example_any_of_these_tags() {
    let filters = ThreadFilters {
        tags: Some(ThreadTagFilter {
            selected_ids: Some(vec![
                "t8rvk2m5j0xn4wq7ybftcael".into(),
                "u9swl3n6k1yo5xr8zcgudbfm".into(),
            ]),
            no_tags: None,
        }),
        statuses: None,
        assignees: None,
        campaigns: None,
        sort_order: None,
    };
    assert_eq!(
        query_for(filters).await,
        "filters[tags][selectedIds][0]=t8rvk2m5j0xn4wq7ybftcael&filters[tags][selectedIds][1]=u9swl3n6k1yo5xr8zcgudbfm"
    );
}

#[tokio::test]
async fn documented_filter_example_no_tags() {
    let filters = ThreadFilters {
        tags: Some(ThreadTagFilter {
            selected_ids: None,
            no_tags: Some(true),
        }),
        statuses: None,
        assignees: None,
        campaigns: None,
        sort_order: None,
    };
    assert_eq!(query_for(filters).await, "filters[tags][noTags]=true");
}

#[tokio::test]
async fn documented_cursor_and_array_examples() {
    // Flat cursor (`?cursorId=…&cursorTimestamp=…`) and repeated `accountLinkIds`
    // ("Option 1") from the same page. The page writes the timestamp's colons
    // unescaped; the SDK percent-encodes them, which decodes to the same text.
    let page = json!({"threads": [], "nextCursor": null});
    let (server, client) = serve([Reply::json(200, page.to_string())]).await;
    client
        .list_threads()
        .cursor_id("l44e15irdq4db30i77cgphhx")
        .cursor_timestamp("2025-01-15T10:30:00.000Z".parse().expect("timestamp"))
        .account_link_ids(vec![
            "df6jbw4h36qm5d9iu2sgn7kx".into(),
            "g7ht2kw9xr5m8fp3yjnbqvce".into(),
        ])
        .await
        .expect("succeeds");
    let query = server.requests()[0].query.clone().unwrap_or_default();
    assert_eq!(
        query,
        "accountLinkIds=df6jbw4h36qm5d9iu2sgn7kx&accountLinkIds=g7ht2kw9xr5m8fp3yjnbqvce\
         &cursorId=l44e15irdq4db30i77cgphhx&cursorTimestamp=2025-01-15T10%3A30%3A00.000Z"
    );
}
