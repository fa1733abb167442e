//! The runtime is API-neutral: a second API's conventions, read by the generator from
//! `fixtures/specs/conventions.yaml` (flat error body with a numeric `code`,
//! `RateLimit-*` headers with a reset in seconds-from-now, a `Trace-Request-Id`
//! header), drive the generated client's errors, rate-limit readings and waits, and
//! InboxApp's conventions (`{"error":{"code"}}`, `X-RateLimit-*`) do not leak into it.

#[rustfmt::skip] // generated, already formatted by prettyplease
#[path = "../snapshots/conventions/mod.rs"]
#[allow(dead_code)]
mod conventions;

use apigen_runtime::Sleeper;
use conventions::{Client, API};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tests::{Reply, TestServer};

const NOTE: &str = r#"{"id":"n1","text":"hello"}"#;
const NOT_FOUND: &str =
    r#"{"code":20404,"message":"The note was not found","more_info":"https://example.com/20404","status":404}"#;

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

fn client(server: &TestServer, sleeps: &Sleeps) -> Client {
    Client::builder()
        .base_url(format!("{}/v2", server.origin()))
        .sleeper(sleeps.sleeper())
        .build()
        .expect("client builds")
}

fn unix_now() -> u64 {
    u64::try_from(apigen_runtime::chrono::Utc::now().timestamp()).expect("after 1970")
}

#[test]
fn the_profile_comes_from_the_spec() {
    assert_eq!(API.default_base_url(), "https://api.conventions.example/v2");
    assert!(API.user_agent().starts_with("fixture/"), "{}", API.user_agent());
    assert!(API.rate_limit().is_announced());
}

#[tokio::test]
async fn errors_read_this_api_s_code_message_and_request_id() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(404, NOT_FOUND)
            .header("trace-request-id", "tr_1")
            .header("x-request-id", "not_this_one")
            .header("ratelimit-limit", "50")
            .header("ratelimit-remaining", "49")
            .header("ratelimit-reset", "30"),
    );
    let sleeps = Sleeps::default();
    let error = client(&server, &sleeps).get_note("n1").await.expect_err("404");
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.code().as_deref(), Some("20404"));
    assert_eq!(error.request_id(), Some("tr_1"));
    assert_eq!(error.to_string(), "API error (HTTP 404): The note was not found");
    assert_eq!(error.api_body().map(|body| body.code), Some(20404));
    let apigen_runtime::Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.rate_limit.limit, Some(50));
    assert_eq!(api.rate_limit.remaining, Some(49));
    // The reset is seconds from now, converted to Unix seconds.
    let reset = api.rate_limit.reset.expect("reset read");
    let now = unix_now();
    assert!(reset >= now + 28 && reset <= now + 31, "reset {reset}, now {now}");
    assert!(sleeps.taken().is_empty());
}

#[tokio::test]
async fn inboxapp_s_envelope_and_headers_mean_nothing_here() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(
            404,
            r#"{"error":{"code":"THREAD_NOT_FOUND","message":"Thread not found"}}"#,
        )
        .header("x-request-id", "req_1")
        .header("x-ratelimit-remaining", "0"),
    );
    let sleeps = Sleeps::default();
    let error = client(&server, &sleeps).get_note("n1").await.expect_err("404");
    assert_eq!(error.code(), None);
    assert_eq!(error.request_id(), None);
    assert_eq!(error.to_string(), "API error (HTTP 404)");
    let apigen_runtime::Error::Api(api) = &error else {
        panic!("not an API error: {error:?}")
    };
    assert_eq!(api.rate_limit.remaining, None);
}

#[tokio::test]
async fn a_429_waits_for_the_delta_seconds_reset_and_success_carries_the_budget() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(429, r#"{"code":20429,"message":"Too many requests","status":429}"#)
            .header("ratelimit-remaining", "0")
            .header("ratelimit-reset", "4"),
    );
    server.push(
        Reply::json(200, NOTE)
            .header("ratelimit-limit", "50")
            .header("ratelimit-remaining", "49")
            .header("ratelimit-reset", "60"),
    );
    let sleeps = Sleeps::default();
    let response = client(&server, &sleeps)
        .get_note("n1")
        .send_with_response()
        .await
        .expect("succeeds after the wait");
    assert_eq!(response.body.text, "hello");
    let taken = sleeps.taken();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert!(
        taken[0] >= Duration::from_secs(3) && taken[0] <= Duration::from_secs(4),
        "waited {taken:?}"
    );
    let limits = response.rate_limit();
    assert_eq!((limits.limit, limits.remaining), (Some(50), Some(49)));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_429_whose_reset_is_an_hour_away_returns_at_once() {
    let server = TestServer::start().await;
    server.push(
        Reply::json(429, r#"{"code":20429,"message":"Too many requests","status":429}"#)
            .header("ratelimit-reset", "3600"),
    );
    let sleeps = Sleeps::default();
    let error = client(&server, &sleeps).get_note("n1").await.expect_err("429");
    assert!(error.is_rate_limited());
    assert_eq!(error.code().as_deref(), Some("20429"));
    let wait = error.retry_after().expect("wait reported");
    assert!(wait > Duration::from_secs(3590), "{wait:?}");
    assert!(sleeps.taken().is_empty());
    assert_eq!(server.request_count(), 1);
}
