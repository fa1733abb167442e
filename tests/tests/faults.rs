//! Fault injection: the generated `inboxapp` client against a loopback server that
//! rate-limits, fails, hangs, resets, truncates, redirects and lies about types.
//!
//! Every test asserts exactly how many requests reached the server. Waits between
//! retries go through a recording sleeper, so nothing here really sleeps for a
//! retry; the only real waiting is the short per-attempt timeouts of the hang tests.

use apigen_runtime::client::Sleeper;
use apigen_runtime::reqwest;
use inboxapp::types::ErrorCode;
use inboxapp::{Client, ClientBuilder, Error};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tests::{Reply, TestServer};

const SEED: &str = include_str!("../fixtures/payloads/campaign-seed.json");
const CAMPAIGN_ID: &str = "usdjpdql3f90seqk13rwuo7z";
const TOKEN: &str = "tok_live_S3CRET_faults_9f8e7d6c5b4a";
const RATE_LIMITED: &str =
    r#"{"error":{"code":"RATE_LIMITED","message":"Rate limit exceeded. Try again in 60 seconds.","status":429}}"#;
const UNAVAILABLE: &str = r#"{"error":{"code":"UNAVAILABLE","message":"Try again later","status":503}}"#;
const BASE: Duration = Duration::from_millis(10);
const CAP: Duration = Duration::from_millis(100);

/// Records every wait the client asks for instead of sleeping.
#[derive(Clone, Default)]
struct Sleeps(Arc<Mutex<Vec<Duration>>>);

impl Sleeps {
    fn sleeper(&self) -> Sleeper {
        let log = Arc::clone(&self.0);
        Arc::new(move |wait| {
            log.lock().unwrap_or_else(PoisonError::into_inner).push(wait);
            Box::pin(async {})
        })
    }

    fn taken(&self) -> Vec<Duration> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// A builder aimed at `server`, with the recording sleeper and a 10 ms..100 ms backoff;
/// retries stay at the default (2).
fn builder(server: &TestServer, sleeps: &Sleeps) -> ClientBuilder {
    Client::builder()
        .bearer_token(TOKEN)
        .base_url(server.base_url())
        .sleeper(sleeps.sleeper())
        .backoff(BASE, CAP)
}

fn client(server: &TestServer, sleeps: &Sleeps) -> Client {
    builder(server, sleeps).build().expect("client builds")
}

fn campaign_path() -> String {
    format!("/api/v1/campaigns/{CAMPAIGN_ID}")
}

/// A backoff wait for retry `n` (0-based): `min(BASE * 2^n, CAP)` plus up to 25 %.
fn assert_backoff(wait: Duration, n: u32) {
    let floor = (BASE * 2u32.pow(n)).min(CAP);
    assert!(
        wait >= floor && wait <= floor + floor / 4,
        "retry {n} waited {wait:?}, expected {floor:?} + jitter"
    );
}

fn http_date(at: apigen_runtime::chrono::DateTime<apigen_runtime::chrono::Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn unix_now() -> u64 {
    u64::try_from(apigen_runtime::chrono::Utc::now().timestamp()).expect("after 1970")
}

fn assert_token_hidden(text: &str) {
    assert!(!text.contains(TOKEN), "the token leaked into {text:?}");
    assert!(!text.contains("S3CRET"), "part of the token leaked into {text:?}");
}

// ---------------------------------------------------------------------------------
// 429: always retried, honouring the server's wait up to the cap.
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_429_with_retry_after_seconds_waits_exactly_that_long_then_succeeds() {
    let server = TestServer::start().await;
    server.push(Reply::json(429, RATE_LIMITED).header("retry-after", "1"));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let started = Instant::now();

    let campaign = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("succeeds after the wait");

    assert_eq!(campaign.id, CAMPAIGN_ID);
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        sleeps.taken(),
        [Duration::from_secs(1)],
        "no jitter on a server-requested wait"
    );
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "the sleeper was used, not a real sleep"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_as_an_http_date_waits_until_that_date() {
    let server = TestServer::start().await;
    let at = apigen_runtime::chrono::Utc::now() + apigen_runtime::chrono::TimeDelta::seconds(5);
    server.push(Reply::json(429, RATE_LIMITED).header("retry-after", &http_date(at)));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("succeeds after the wait");

    assert_eq!(server.request_count(), 2);
    let taken = sleeps.taken();
    assert_eq!(taken.len(), 1);
    assert!(
        taken[0] > Duration::from_secs(3) && taken[0] <= Duration::from_secs(5),
        "waited {taken:?}"
    );
}

#[tokio::test]
async fn a_429_without_retry_after_waits_until_x_ratelimit_reset() {
    let server = TestServer::start().await;
    let reset = (unix_now() + 7).to_string();
    server.push(
        Reply::json(429, RATE_LIMITED)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset),
    );
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("succeeds after the wait");

    assert_eq!(server.request_count(), 2);
    let taken = sleeps.taken();
    assert_eq!(taken.len(), 1);
    assert!(
        taken[0] >= Duration::from_secs(5) && taken[0] <= Duration::from_secs(7),
        "waited {taken:?}"
    );
}

#[tokio::test]
async fn a_429_without_any_hint_backs_off() {
    let server = TestServer::start().await;
    server.push(Reply::json(429, RATE_LIMITED));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("succeeds after the backoff");

    assert_eq!(server.request_count(), 2);
    let taken = sleeps.taken();
    assert_eq!(taken.len(), 1);
    assert_backoff(taken[0], 0);
}

#[tokio::test]
async fn a_429_on_a_post_without_idempotency_key_is_still_retried() {
    let server = TestServer::start().await;
    server.push(Reply::json(429, RATE_LIMITED).header("retry-after", "2"));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .pause_campaign(CAMPAIGN_ID)
        .await
        .expect("a rate-limited request was not processed");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests
        .iter()
        .all(|request| request.method == "POST" && request.body == b"{}"));
    assert!(requests
        .iter()
        .all(|request| request.header("idempotency-key").is_none()));
    assert_eq!(sleeps.taken(), [Duration::from_secs(2)]);
}

#[tokio::test]
async fn a_429_asking_for_an_hour_returns_the_rate_limit_error_at_once() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(429, RATE_LIMITED)
            .header("retry-after", "3600")
            .header("x-ratelimit-limit", "300")
            .header("x-ratelimit-remaining", "0")
            .header("x-request-id", "req_rl"),
    );
    server.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let started = Instant::now();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("the wait is over the cap");

    assert_eq!(server.request_count(), 1);
    assert!(sleeps.taken().is_empty(), "no sleep at all: {:?}", sleeps.taken());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(error.is_rate_limited());
    assert!(error.is_retryable());
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.code().as_deref(), Some("RATE_LIMITED"));
    assert_eq!(error.request_id(), Some("req_rl"));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.rate_limit.limit, Some(300));
    assert_eq!(api.rate_limit.remaining, Some(0));
    assert_eq!(
        api.body.as_ref().map(|body| &body.error.code),
        Some(&ErrorCode::from("RATE_LIMITED"))
    );
}

#[tokio::test]
async fn a_429_whose_reset_is_an_hour_away_returns_the_rate_limit_error_at_once() {
    let server = TestServer::start().await;
    server.push(Reply::json(429, RATE_LIMITED).header("x-ratelimit-reset", &(unix_now() + 3600).to_string()));
    server.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("the wait is over the cap");

    assert_eq!(server.request_count(), 1);
    assert!(sleeps.taken().is_empty());
    assert!(error.is_rate_limited());
}

#[tokio::test]
async fn the_retry_after_cap_is_configurable() {
    let server = TestServer::start().await;
    server.push(Reply::json(429, RATE_LIMITED).header("retry-after", "30"));
    server.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let client = builder(&server, &sleeps)
        .max_retry_after(Duration::from_secs(10))
        .build()
        .expect("builds");

    let error = client
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("30 s is over a 10 s cap");

    assert!(error.is_rate_limited());
    assert_eq!(server.request_count(), 1);
    assert!(sleeps.taken().is_empty());
}

#[tokio::test]
async fn repeated_429s_stop_after_max_retries() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(429, RATE_LIMITED).header("retry-after", "2"));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("always limited");

    assert!(error.is_rate_limited());
    assert_eq!(server.request_count(), 3, "1 attempt + 2 retries");
    assert_eq!(sleeps.taken(), [Duration::from_secs(2); 2]);
}

// ---------------------------------------------------------------------------------
// 5xx: retried only when repeating the request is safe.
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_on_a_get_is_retried_and_then_succeeds() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, UNAVAILABLE));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let campaign = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the retry succeeds");

    assert_eq!(campaign.id, CAMPAIGN_ID);
    assert_eq!(server.request_count(), 2);
    let taken = sleeps.taken();
    assert_eq!(taken.len(), 1);
    assert_backoff(taken[0], 0);
}

#[tokio::test]
async fn a_503_with_retry_after_waits_as_asked() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, UNAVAILABLE).header("retry-after", "3"));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the retry succeeds");

    assert_eq!(server.request_count(), 2);
    assert_eq!(sleeps.taken(), [Duration::from_secs(3)]);
}

#[tokio::test]
async fn a_503_on_a_post_without_idempotency_key_is_not_retried() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, UNAVAILABLE));
    server.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .pause_campaign(CAMPAIGN_ID)
        .await
        .expect_err("not repeated");

    assert_eq!(
        server.request_count(),
        1,
        "a POST may have been applied; it is never repeated blindly"
    );
    assert!(sleeps.taken().is_empty());
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.code().as_deref(), Some("UNAVAILABLE"));
    assert!(error.is_retryable(), "the caller may retry it knowingly");
}

#[tokio::test]
async fn a_503_on_a_post_with_idempotency_key_is_retried_with_the_same_key() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, UNAVAILABLE));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let campaign = client(&server, &sleeps)
        .pause_campaign(CAMPAIGN_ID)
        .idempotency_key("k1")
        .await
        .expect("the retry succeeds");

    assert_eq!(campaign.id, CAMPAIGN_ID);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, format!("{}/pause", campaign_path()));
        assert_eq!(request.header("idempotency-key"), Some("k1"));
        assert_eq!(request.body, b"{}", "the body is sent again, unchanged");
    }
    assert_eq!(sleeps.taken().len(), 1);
}

#[tokio::test]
async fn other_server_errors_are_not_retried() {
    for status in [501, 505] {
        let server = TestServer::start().await;
        server.fallback(Reply::json(status, UNAVAILABLE));
        let sleeps = Sleeps::default();

        let error = client(&server, &sleeps)
            .get_campaign(CAMPAIGN_ID)
            .await
            .expect_err("fails");

        assert_eq!(error.status(), Some(status));
        assert!(!error.is_retryable());
        assert_eq!(server.request_count(), 1, "{status} is not retried");
        assert!(sleeps.taken().is_empty());
    }
}

#[tokio::test]
async fn an_html_502_page_is_an_api_error_keeping_the_raw_body_after_every_retry() {
    let server = TestServer::start().await;
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    server.fallback(Reply::with_type(502, "text/html", page));
    let sleeps = Sleeps::default();
    let max_retries = 3;
    let client = builder(&server, &sleeps)
        .max_retries(max_retries)
        .build()
        .expect("builds");

    let error = client.get_campaign(CAMPAIGN_ID).await.expect_err("always 502");

    assert_eq!(server.request_count(), max_retries as usize + 1);
    let taken = sleeps.taken();
    assert_eq!(taken.len(), max_retries as usize);
    for (n, wait) in taken.iter().enumerate() {
        assert_backoff(*wait, u32::try_from(n).expect("small"));
    }
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status, 502);
    assert!(api.body.is_none(), "HTML is not the documented error body");
    assert_eq!(&api.raw[..], page.as_bytes());
    assert_eq!(error.raw_body().map(|raw| &raw[..]), Some(page.as_bytes()));
    assert_eq!(error.code(), None);
    assert_eq!(error.to_string(), "API error (HTTP 502)");
}

#[tokio::test]
async fn backoff_doubles_up_to_the_cap() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(503, UNAVAILABLE));
    let sleeps = Sleeps::default();
    let client = Client::builder()
        .bearer_token(TOKEN)
        .base_url(server.base_url())
        .sleeper(sleeps.sleeper())
        .backoff(Duration::from_millis(100), Duration::from_millis(300))
        .max_retries(4)
        .build()
        .expect("builds");

    client.get_campaign(CAMPAIGN_ID).await.expect_err("always 503");

    assert_eq!(server.request_count(), 5);
    let floors = [100, 200, 300, 300].map(Duration::from_millis);
    let taken = sleeps.taken();
    assert_eq!(taken.len(), floors.len());
    for (wait, floor) in taken.iter().zip(floors) {
        assert!(
            *wait >= floor && *wait <= floor + floor / 4,
            "waited {wait:?}, expected {floor:?} + jitter"
        );
    }
}

// ---------------------------------------------------------------------------------
// Transport failures: hangs, resets, closes, truncated bodies, refused connections.
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = TestServer::start().await;
    server.fallback(Reply::Hang);
    let sleeps = Sleeps::default();
    let started = Instant::now();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .await
        .expect_err("no answer");

    let elapsed = started.elapsed();
    assert!(
        matches!(error, Error::Timeout { after } if after == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(
        elapsed >= Duration::from_millis(200) && elapsed < Duration::from_secs(2),
        "took {elapsed:?}"
    );
    assert_eq!(server.request_count(), 1);
    assert!(sleeps.taken().is_empty());
    assert!(error.is_retryable());
    assert_eq!(error.to_string(), "no response within 200 ms");
}

#[tokio::test]
async fn timeouts_are_retried_on_a_get_but_not_on_a_post() {
    let server = TestServer::start().await;
    server.push(Reply::Hang);
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let client = builder(&server, &sleeps)
        .timeout(Duration::from_millis(100))
        .build()
        .expect("builds");

    client
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the second attempt answers");
    assert_eq!(server.request_count(), 2);
    assert_eq!(sleeps.taken().len(), 1);

    server.push(Reply::Hang);
    let error = client.pause_campaign(CAMPAIGN_ID).await.expect_err("not repeated");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(server.request_count(), 3, "the POST was sent once");
    assert_eq!(sleeps.taken().len(), 1);
}

#[tokio::test]
async fn a_slow_answer_fits_a_longer_per_call_timeout() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, SEED).delayed(Duration::from_millis(300)));
    let sleeps = Sleeps::default();
    let client = builder(&server, &sleeps)
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .expect("builds");

    let error = client
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("300 ms is over the client's 100 ms");
    assert!(
        matches!(error, Error::Timeout { after } if after == Duration::from_millis(100)),
        "{error:?}"
    );

    let campaign = client
        .get_campaign(CAMPAIGN_ID)
        .timeout(Duration::from_secs(5))
        .await
        .expect("the per-call timeout wins");
    assert_eq!(campaign.id, CAMPAIGN_ID);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_reset_connection_is_retried_on_a_get() {
    let server = TestServer::start().await;
    server.push(Reply::Reset);
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let campaign = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the retry succeeds");

    assert_eq!(campaign.id, CAMPAIGN_ID);
    assert_eq!(server.request_count(), 2);
    assert_eq!(sleeps.taken().len(), 1);
}

#[tokio::test]
async fn a_connection_reset_every_time_fails_after_max_retries() {
    let server = TestServer::start().await;
    server.fallback(Reply::Reset);
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("always reset");

    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert_eq!(server.request_count(), 3);
    assert_eq!(sleeps.taken().len(), 2);
}

#[tokio::test]
async fn a_reset_connection_on_a_post_is_not_retried() {
    let server = TestServer::start().await;
    server.push(Reply::Reset);
    server.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .pause_campaign(CAMPAIGN_ID)
        .await
        .expect_err("not repeated");

    assert!(matches!(error, Error::Connection { .. }), "{error:?}");
    assert_eq!(server.request_count(), 1);
    assert!(sleeps.taken().is_empty());
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_on_a_get() {
    let server = TestServer::start().await;
    server.push(Reply::Close);
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the retry succeeds");

    assert_eq!(server.request_count(), 2);
    assert_eq!(sleeps.taken().len(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_a_connection_error_not_a_hang() {
    let server = TestServer::start().await;
    server.fallback(Reply::Truncated {
        status: 200,
        declared: SEED.len(),
        body: SEED.as_bytes()[..SEED.len() / 2].to_vec(),
    });
    let sleeps = Sleeps::default();
    let started = Instant::now();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .max_retries(0)
        .await
        .expect_err("cut off");

    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let Error::Connection { message, .. } = &error else {
        panic!("expected a connection error, got {error:?}");
    };
    assert!(message.contains("cut off"), "{message}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_truncated_body_is_retried_on_a_get_and_then_succeeds() {
    let server = TestServer::start().await;
    server.push(Reply::Truncated {
        status: 200,
        declared: SEED.len() + 100,
        body: SEED.as_bytes().to_vec(),
    });
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the retry succeeds");

    assert_eq!(server.request_count(), 2);
    assert_eq!(sleeps.taken().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_retried_connection_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let sleeps = Sleeps::default();
    let client = Client::builder()
        .bearer_token(TOKEN)
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .sleeper(sleeps.sleeper())
        .build()
        .expect("builds");

    let error = client.get_campaign(CAMPAIGN_ID).await.expect_err("nothing listens");

    let Error::Connection { message, .. } = &error else {
        panic!("expected a connection error, got {error:?}");
    };
    assert!(message.starts_with("could not connect"), "{message}");
    assert_eq!(sleeps.taken().len(), 2, "3 attempts");
    assert_token_hidden(&format!("{error} {error:?}"));
}

// ---------------------------------------------------------------------------------
// Bodies that do not match, and big bodies.
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_wrong_type_in_one_field_names_the_field() {
    let server = TestServer::start().await;
    let mut campaign: serde_json::Value = serde_json::from_str(SEED).expect("valid JSON");
    campaign["targetsCount"] = "lots".into();
    let body = campaign.to_string();
    server.fallback(Reply::json(200, body.clone()));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("does not fit the schema");

    assert_eq!(
        server.request_count(),
        1,
        "a success that does not decode is not retried"
    );
    let Error::UnexpectedResponse(unexpected) = &error else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert_eq!(unexpected.status, 200);
    assert_eq!(unexpected.path.as_deref(), Some("targetsCount"));
    assert_eq!(unexpected.content_type.as_deref(), Some("application/json"));
    assert_eq!(&unexpected.raw[..], body.as_bytes());
    assert!(unexpected.reason.contains("schema"), "{}", unexpected.reason);
    assert!(error.to_string().contains("`targetsCount`"), "{error}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_wrong_type_in_a_nested_field_names_the_whole_path() {
    let server = TestServer::start().await;
    let mut campaign: serde_json::Value = serde_json::from_str(SEED).expect("valid JSON");
    campaign["scheduleHours"]["1"]["start"] = "nine".into();
    server.fallback(Reply::json(200, campaign.to_string()));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("does not fit the schema");

    let Error::UnexpectedResponse(unexpected) = &error else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert_eq!(unexpected.path.as_deref(), Some("scheduleHours.1.start"));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_success_that_is_not_json_is_an_unexpected_response_with_the_raw_bytes() {
    let server = TestServer::start().await;
    server.fallback(Reply::with_type(200, "text/html", "<html>maintenance</html>"));
    let sleeps = Sleeps::default();

    let error = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect_err("not JSON");

    let Error::UnexpectedResponse(unexpected) = &error else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert_eq!(unexpected.path, None);
    assert_eq!(unexpected.content_type.as_deref(), Some("text/html"));
    assert_eq!(&unexpected.raw[..], b"<html>maintenance</html>");
    assert!(unexpected.reason.contains("not valid JSON"), "{}", unexpected.reason);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_10_mb_body_decodes() {
    let server = TestServer::start().await;
    let mut campaign: serde_json::Value = serde_json::from_str(SEED).expect("valid JSON");
    let name = "n".repeat(10 * 1024 * 1024);
    campaign["name"] = name.clone().into();
    server.push(Reply::json(200, campaign.to_string()));
    let sleeps = Sleeps::default();

    let campaign = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("decodes");

    assert_eq!(campaign.name.len(), name.len());
    assert!(campaign.name == name);
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------------------
// Redirects and secrets.
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_the_bearer_token() {
    let first = TestServer::start().await;
    let other = TestServer::start().await;
    let target = format!("{}{}", other.origin_as("localhost"), campaign_path());
    first.push(Reply::redirect(302, &target));
    other.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    let campaign = client(&first, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the redirect is followed");

    assert_eq!(campaign.id, CAMPAIGN_ID);
    let asked = first.requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        asked[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let redirected = other.requests();
    assert_eq!(redirected.len(), 1);
    assert_eq!(redirected[0].path, campaign_path());
    assert_eq!(
        redirected[0].header("host"),
        Some(format!("localhost:{}", other.port()).as_str())
    );
    assert_eq!(
        redirected[0].header("authorization"),
        None,
        "the token must not reach another host"
    );
    assert!(redirected[0].headers.iter().all(|(_, value)| !value.contains(TOKEN)));
}

#[tokio::test]
async fn a_redirect_within_the_same_origin_keeps_the_bearer_token() {
    let server = TestServer::start().await;
    server.push(Reply::redirect(
        307,
        &format!("{}/api/v1/campaigns/moved", server.origin()),
    ));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();

    client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .await
        .expect("the redirect is followed");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path, "/api/v1/campaigns/moved");
    let bearer = format!("Bearer {TOKEN}");
    assert!(requests
        .iter()
        .all(|request| request.header("authorization") == Some(bearer.as_str())));
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_when_the_key_is_in_a_custom_header() {
    let first = TestServer::start().await;
    let other = TestServer::start().await;
    first.push(Reply::redirect(
        302,
        &format!("{}{}", other.origin_as("localhost"), campaign_path()),
    ));
    other.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let client = Client::builder()
        .api_key_header("x-api-key", TOKEN)
        .base_url(first.base_url())
        .sleeper(sleeps.sleeper())
        .build()
        .expect("builds");

    let error = client.get_campaign(CAMPAIGN_ID).await.expect_err("not followed");

    assert_eq!(error.status(), Some(302));
    assert_eq!(first.request_count(), 1);
    assert_eq!(first.requests()[0].header("x-api-key"), Some(TOKEN));
    assert_eq!(other.request_count(), 0, "reqwest would have forwarded x-api-key");
    assert!(sleeps.taken().is_empty());
}

#[tokio::test]
async fn the_token_never_appears_in_debug_or_error_output() {
    let server = TestServer::start().await;
    let sleeps = Sleeps::default();
    let builder = builder(&server, &sleeps);
    assert_token_hidden(&format!("{builder:?}"));
    let client = builder.build().expect("builds");
    assert_token_hidden(&format!("{client:?}"));
    assert_token_hidden(&format!("{:?}", client.get_campaign(CAMPAIGN_ID)));

    let mut errors: Vec<Error> = Vec::new();
    server.push(Reply::json(
        401,
        r#"{"error":{"code":"UNAUTHORIZED","message":"Invalid API token","status":401}}"#,
    ));
    errors.push(client.get_campaign(CAMPAIGN_ID).await.expect_err("401"));
    server.push(Reply::Reset);
    errors.push(client.pause_campaign(CAMPAIGN_ID).await.expect_err("reset"));
    server.push(Reply::Hang);
    errors.push(
        client
            .pause_campaign(CAMPAIGN_ID)
            .timeout(Duration::from_millis(50))
            .await
            .expect_err("hang"),
    );
    server.push(Reply::json(200, "{}"));
    errors.push(client.get_campaign(CAMPAIGN_ID).await.expect_err("not a campaign"));
    errors.push(client.get_campaign("NOT VALID").await.expect_err("invalid id"));
    errors.push(
        client
            .get_campaign(CAMPAIGN_ID)
            .header("bad header", "x")
            .await
            .expect_err("bad header"),
    );
    assert_eq!(server.request_count(), 4);
    errors.push(
        Client::builder()
            .bearer_token(format!("{TOKEN}\n"))
            .build()
            .expect_err("newline in the token"),
    );

    for error in &errors {
        assert_token_hidden(&format!("{error}"));
        assert_token_hidden(&format!("{error:?}"));
        assert_token_hidden(&format!("{error:#?}"));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            assert_token_hidden(&format!("{cause} {cause:?}"));
            source = cause.source();
        }
    }
    assert!(matches!(errors[6], Error::Config { .. }), "{:?}", errors[6]);
}

// ---------------------------------------------------------------------------------
// Configuration: defaults, per-call overrides, rate-limit headers on success.
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn default_headers_and_user_agent_suffix_are_sent_and_per_call_headers_override_them() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let client = builder(&server, &sleeps)
        .default_header("x-team", "team-default")
        .default_header("x-source", "faults")
        .user_agent_suffix("fault-suite/1.0")
        .build()
        .expect("builds");

    client.get_campaign(CAMPAIGN_ID).await.expect("plain call");
    client
        .get_campaign(CAMPAIGN_ID)
        .header("x-team", "team-override")
        .header("x-trace", "abc")
        .await
        .expect("call with headers");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let user_agent = request.header("user-agent").unwrap_or_default();
        assert!(
            user_agent.starts_with("inboxapp/") && user_agent.ends_with(" fault-suite/1.0"),
            "{user_agent}"
        );
        assert_eq!(request.header("x-source"), Some("faults"));
        assert_eq!(request.header("accept"), Some("application/json"));
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    assert_eq!(requests[0].header("x-team"), Some("team-default"));
    assert_eq!(requests[0].header("x-trace"), None);
    let teams: Vec<&str> = requests[1]
        .headers
        .iter()
        .filter(|(name, _)| name == "x-team")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(teams, ["team-override"], "the per-call header replaces the default");
    assert_eq!(requests[1].header("x-trace"), Some("abc"));
}

#[tokio::test]
async fn per_call_max_retries_overrides_the_client_in_both_directions() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(503, UNAVAILABLE));
    let sleeps = Sleeps::default();
    let none = builder(&server, &sleeps).max_retries(0).build().expect("builds");
    let many = builder(&server, &sleeps).max_retries(5).build().expect("builds");

    none.get_campaign(CAMPAIGN_ID)
        .max_retries(3)
        .await
        .expect_err("always 503");
    assert_eq!(server.request_count(), 4, "0 retries raised to 3");

    many.get_campaign(CAMPAIGN_ID)
        .max_retries(1)
        .await
        .expect_err("always 503");
    assert_eq!(server.request_count(), 6, "5 retries lowered to 1");

    none.get_campaign(CAMPAIGN_ID).await.expect_err("always 503");
    assert_eq!(server.request_count(), 7, "the client's own setting still applies");
    assert_eq!(sleeps.taken().len(), 4);
}

#[tokio::test]
async fn send_with_response_exposes_rate_limit_headers_after_a_retry() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, UNAVAILABLE).header("x-ratelimit-remaining", "10"));
    server.push(
        Reply::json(200, SEED)
            .header("x-ratelimit-limit", "300")
            .header("x-ratelimit-remaining", "9")
            .header("x-ratelimit-reset", "1767225600"),
    );
    let sleeps = Sleeps::default();

    let response = client(&server, &sleeps)
        .get_campaign(CAMPAIGN_ID)
        .send_with_response()
        .await
        .expect("the retry succeeds");

    assert_eq!(response.status, 200);
    let limits = response.rate_limit();
    assert_eq!(
        (limits.limit, limits.remaining, limits.reset),
        (Some(300), Some(9), Some(1_767_225_600))
    );
    assert_eq!(response.body.id, CAMPAIGN_ID);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_gets_the_same_headers_and_retries() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, UNAVAILABLE));
    server.push(Reply::json(200, SEED));
    let sleeps = Sleeps::default();
    let http = reqwest::Client::builder().build().expect("reqwest client");
    let client = builder(&server, &sleeps)
        .http_client(http)
        .user_agent_suffix("byo/1")
        .build()
        .expect("builds");

    client.get_campaign(CAMPAIGN_ID).await.expect("the retry succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(requests[1].header("user-agent").unwrap_or_default().ends_with(" byo/1"));
    assert_eq!(sleeps.taken().len(), 1);
}

#[test]
fn defaults_are_a_60_second_timeout_and_2_retries() {
    let client = Client::builder().bearer_token(TOKEN).build().expect("builds");
    let debug = format!("{client:?}");
    assert!(debug.contains("timeout: 60s"), "{debug}");
    assert!(debug.contains("max_retries: 2"), "{debug}");
    assert!(debug.contains("max_retry_after: 60s"), "{debug}");
    assert_token_hidden(&debug);
}
