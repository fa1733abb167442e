//! `inboxapp::mock` (feature `mock`): a small "downstream" function tested against the
//! typed mock server, the way a user of the SDK would test their own code, plus the
//! mock's matchers, responders and recording.

use std::time::Duration;

use inboxapp::mock::{MockReply, MockServer};
use inboxapp::types::*;
use inboxapp::{Client, Error};
use serde_json::json;

// --- the code under test ---------------------------------------------------------------

/// What [`pause_active_campaigns`] did with one campaign.
#[derive(Debug, PartialEq)]
enum Outcome {
    Paused,
    Skipped(CampaignStatus),
    Failed(Option<u16>),
}

/// Pauses every campaign of `ids` that is active; leaves the others alone and reports
/// per campaign what happened.
async fn pause_active_campaigns(client: &Client, ids: &[&str]) -> Result<Vec<(String, Outcome)>, Error> {
    let mut outcomes = Vec::new();
    for id in ids {
        let campaign = client.get_campaign(*id).await?;
        let outcome = if campaign.status != CampaignStatus::Active {
            Outcome::Skipped(campaign.status)
        } else {
            match client.pause_campaign(*id).await {
                Ok(_) => Outcome::Paused,
                Err(err) => Outcome::Failed(err.status()),
            }
        };
        outcomes.push(((*id).to_owned(), outcome));
    }
    Ok(outcomes)
}

// --- helpers ---------------------------------------------------------------------------

fn campaign(id: &str, status: CampaignStatus) -> Campaign {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/payloads/campaign-seed.json");
    let text = std::fs::read_to_string(path).expect("fixture");
    let mut campaign: Campaign = serde_json::from_str(&text).expect("the seed campaign decodes");
    campaign.id = id.to_owned();
    campaign.status = status;
    campaign
}

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await.expect("mock server starts");
    let client = server
        .client_builder()
        .bearer_token("test-token")
        .max_retries(0)
        .build()
        .expect("client builds");
    (server, client)
}

fn conflict() -> ErrorResponse {
    serde_json::from_value(
        json!({"error": {"code": "CAMPAIGN_NOT_ACTIVE", "message": "already paused", "status": 409}}),
    )
    .expect("error body")
}

// --- tests -----------------------------------------------------------------------------

#[tokio::test]
async fn only_active_campaigns_are_paused() {
    let (server, client) = server_and_client().await;
    for (id, status) in [
        ("c1", CampaignStatus::Active),
        ("c2", CampaignStatus::Paused),
        ("c3", CampaignStatus::Active),
    ] {
        server.get_campaign().campaign_id(id).respond(&campaign(id, status));
    }
    let pause_c1 = server
        .pause_campaign()
        .campaign_id("c1")
        .body(&EmptyObject {})
        .respond(&campaign("c1", CampaignStatus::Paused));
    // The API answers 409 when the campaign changed state in between.
    let pause_c3 = server
        .pause_campaign()
        .campaign_id("c3")
        .respond_error(409, &conflict());

    let outcomes = pause_active_campaigns(&client, &["c1", "c2", "c3"])
        .await
        .expect("runs");

    assert_eq!(
        outcomes,
        vec![
            ("c1".to_owned(), Outcome::Paused),
            ("c2".to_owned(), Outcome::Skipped(CampaignStatus::Paused)),
            ("c3".to_owned(), Outcome::Failed(Some(409))),
        ]
    );
    assert_eq!((pause_c1.hits(), pause_c3.hits()), (1, 1));
    let paused: Vec<String> = server
        .requests()
        .iter()
        .filter(|request| request.operation.as_deref() == Some("pauseCampaign"))
        .map(|request| request.path_params["campaignId"].clone())
        .collect();
    assert_eq!(paused, ["c1", "c3"], "c2 was never paused");
    assert!(server.unmatched().is_empty());
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer test-token"));
}

#[tokio::test]
async fn an_unmocked_call_is_a_501_and_recorded() {
    let (server, client) = server_and_client().await;
    server
        .get_campaign()
        .campaign_id("c1")
        .respond(&campaign("c1", CampaignStatus::Active));

    // `pause_campaign` has no mock: the function reports the failure, the server records it.
    let outcomes = pause_active_campaigns(&client, &["c1"]).await.expect("runs");
    assert_eq!(outcomes, vec![("c1".to_owned(), Outcome::Failed(Some(501)))]);
    let unmatched = server.unmatched();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].method, "POST");
    assert_eq!(unmatched[0].path, "/campaigns/c1/pause");
    assert_eq!(unmatched[0].json::<serde_json::Value>().unwrap(), json!({}));

    // A campaign the mock does not know stops the function with an error.
    let err = pause_active_campaigns(&client, &["nope"]).await.expect_err("unmocked");
    assert_eq!(err.status(), Some(501));
}

#[tokio::test]
async fn dropped_connections_and_delays_reach_the_client() {
    let (server, _) = server_and_client().await;
    let client = server
        .client_builder()
        .bearer_token("test-token")
        .max_retries(0)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client builds");
    server.get_campaign().campaign_id("slow").respond_with(
        MockReply::json(200, &campaign("slow", CampaignStatus::Active)).with_delay(Duration::from_secs(2)),
    );
    server
        .get_campaign()
        .campaign_id("gone")
        .respond_with(MockReply::drop_connection());

    let slow = client.get_campaign("slow").await.expect_err("times out");
    assert!(matches!(slow, Error::Timeout { .. }), "{slow:?}");
    let gone = client.get_campaign("gone").await.expect_err("connection dropped");
    assert!(matches!(gone, Error::Connection { .. }), "{gone:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn typed_query_and_body_matchers() {
    let (server, client) = server_and_client().await;
    let vip = ThreadFilters {
        tags: Some(ThreadTagFilter {
            selected_ids: Some(vec!["t8rvk2m5j0xn4wq7ybftcael".into()]),
            no_tags: None,
        }),
        statuses: None,
        assignees: None,
        campaigns: None,
        sort_order: None,
    };
    let page: ListThreadsResponse = serde_json::from_value(json!({"threads": [], "nextCursor": null})).expect("page");
    let filtered = server.list_threads().filters(vip.clone()).limit(10).respond(&page);
    let tags = server
        .create_tag()
        .body_matches(|body| body.name.starts_with("VIP"))
        .respond(&serde_json::from_value(json!({"id": "t1", "name": "VIP", "color": null})).expect("tag"));

    client.list_threads().filters(vip).limit(10).await.expect("matched");
    let other = client
        .list_threads()
        .limit(10)
        .await
        .expect_err("no filters: unmatched");
    assert_eq!(other.status(), Some(501));
    client
        .create_tag(CreateTagRequest::new("VIP leads"))
        .await
        .expect("matched");
    let err = client
        .create_tag(CreateTagRequest::new("Cold"))
        .await
        .expect_err("unmatched");
    assert_eq!(err.status(), Some(501));
    assert_eq!((filtered.hits(), tags.hits()), (1, 1));
}

#[tokio::test]
async fn documented_examples_are_ready_made_replies() {
    let (server, client) = server_and_client().await;
    server.lookup_prospect().platform_id("404404").respond_example_404();
    server.get_team().times(1).respond_example_429();

    let err = client.lookup_prospect("404404").await.expect_err("404");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(
        api.body.as_ref().map(|body| &body.error.code),
        Some(&ErrorCode::ProspectNotFound)
    );
    let err = client.get_team().await.expect_err("429");
    assert_eq!(err.status(), Some(429));
    let err = client.get_team().await.expect_err("the example answered once");
    assert_eq!(err.status(), Some(501));
}
