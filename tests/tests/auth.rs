//! Authentication from the spec, end to end: the client generated from
//! `fixtures/specs/security.yaml` (every kind of security scheme, alternatives,
//! combinations, public and optional operations) against a loopback server that
//! checks credentials and plays the OAuth 2 token endpoint.

#[rustfmt::skip] // generated, already formatted by prettyplease
#[path = "../snapshots/security/mod.rs"]
#[allow(dead_code)]
mod security;

use apigen_runtime::Sleeper;
use security::auth::{OAuth2, OAuth2Tokens};
use security::{Client, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tests::{RecordedRequest, Reply, TestServer};

const OK: &str = r#"{"ok":true}"#;
const SECRETS: &[&str] = &[
    "key-123",
    "pw-456",
    "jwt-789",
    "client-secret-1",
    "access-old",
    "refresh-r1",
    "refresh-r2",
    "access-new",
    "tok-1",
];

fn no_sleep() -> Sleeper {
    Arc::new(|_| Box::pin(async {}))
}

fn base(server: &TestServer) -> String {
    format!("{}/v1", server.origin())
}

fn builder(server: &TestServer) -> security::ClientBuilder {
    Client::builder().base_url(base(server)).sleeper(no_sleep())
}

fn token_reply(access: &str, refresh: Option<&str>, expires_in: u64) -> Reply {
    let mut body = serde_json::json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in});
    if let Some(refresh) = refresh {
        body["refresh_token"] = serde_json::Value::from(refresh);
    }
    Reply::json(200, body.to_string())
}

fn is_token_request(request: &RecordedRequest) -> bool {
    request.method == "POST" && request.path == "/oauth/token"
}

fn form(request: &RecordedRequest) -> String {
    String::from_utf8_lossy(&request.body).into_owned()
}

fn assert_no_secret(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked into: {text}");
    }
}

#[tokio::test]
async fn api_keys_land_in_the_header_query_parameter_and_cookie_the_spec_names() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, OK));
    let client = builder(&server)
        .api_key("key-123")
        .query_key("key 456")
        .session("s=1")
        .build()
        .expect("builds");

    client.header_key().await.expect("header key");
    client.query_key().page(2).await.expect("query key");
    client.cookie_key().theme("dark").await.expect("cookie key");

    let requests = server.requests();
    assert_eq!(requests[0].path, "/v1/keys/header");
    assert_eq!(requests[0].header("x-api-key"), Some("key-123"));
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(requests[1].query.as_deref(), Some("page=2&api_key=key+456"));
    assert_eq!(
        requests[1].header("x-api-key"),
        None,
        "only the required scheme is sent"
    );
    assert_eq!(requests[2].header("cookie"), Some("theme=dark; SESSION=s=1"));
}

#[tokio::test]
async fn a_public_operation_sends_no_credentials_and_the_document_requirement_applies_elsewhere() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, OK));
    let client = builder(&server)
        .bearer_auth("jwt-789")
        .api_key("key-123")
        .build()
        .expect("builds");

    client.health().await.expect("public");
    client.list_things().await.expect("document requirement");

    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(requests[1].header("authorization"), Some("Bearer jwt-789"));
    assert_eq!(requests[1].header("x-api-key"), None);
}

#[tokio::test]
async fn alternatives_take_the_first_configured_and_combinations_need_all() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, OK));
    let basic_only = builder(&server).basic_auth("ann", "pw-456").build().expect("builds");
    let everything = builder(&server)
        .basic_auth("ann", "pw-456")
        .api_key("key-123")
        .bearer_auth("jwt-789")
        .build()
        .expect("builds");

    basic_only.either().await.expect("the second alternative");
    everything.either().await.expect("the first alternative");
    everything.both().await.expect("the combination");
    basic_only.optional().await.expect("anonymous alternative");
    everything.optional().await.expect("keyed alternative");

    let requests = server.requests();
    // ann:pw-456
    assert_eq!(requests[0].header("authorization"), Some("Basic YW5uOnB3LTQ1Ng=="));
    assert_eq!(requests[1].header("x-api-key"), Some("key-123"));
    assert_eq!(requests[1].header("authorization"), None);
    assert_eq!(requests[2].header("x-api-key"), Some("key-123"));
    assert_eq!(requests[2].header("authorization"), Some("Bearer jwt-789"));
    assert_eq!(requests[3].header("authorization"), None);
    assert_eq!(requests[3].header("x-api-key"), None);
    assert_eq!(requests[4].header("x-api-key"), Some("key-123"));
}

#[tokio::test]
async fn missing_credentials_are_a_typed_error_and_nothing_is_sent() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, OK));
    let client = builder(&server).api_key("key-123").build().expect("builds");

    let error = client.both().await.expect_err("bearer missing");
    match &error {
        Error::MissingCredentials { operation, required } => {
            assert_eq!(operation, "GET /both");
            assert_eq!(required, &vec![vec!["api_key", "bearerAuth"]]);
        }
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "GET /both needs credentials the client was not given: api_key and bearerAuth"
    );
    let error = client.me().await.expect_err("no OAuth configured");
    assert!(matches!(error, Error::MissingCredentials { .. }), "{error:?}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn client_credentials_fetch_one_token_for_50_concurrent_calls() {
    let server = TestServer::start().await;
    let tokens = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&tokens);
    server.respond_with(move |request| {
        if is_token_request(request) {
            counted.fetch_add(1, Ordering::SeqCst);
            return token_reply("tok-1", None, 3600);
        }
        match request.header("authorization") {
            Some("Bearer tok-1") => Reply::json(200, OK),
            _ => Reply::json(401, "{}"),
        }
    });
    let client = builder(&server)
        .machine(OAuth2::client_credentials("client-id", "client-secret-1"))
        .build()
        .expect("builds");

    let calls = (0..50).map(|index| {
        // Clones share the token.
        let client = client.clone();
        tokio::spawn(async move {
            if index % 2 == 0 {
                client.machine_read().await.map(|_| ())
            } else {
                client.machine_write().await.map(|_| ())
            }
        })
    });
    let results = futures_util::future::join_all(calls).await;

    for result in results {
        result.expect("task").expect("call succeeds");
    }
    assert_eq!(tokens.load(Ordering::SeqCst), 1, "exactly one token request");
    let requests = server.requests();
    assert_eq!(requests.len(), 51);
    let token = requests
        .iter()
        .find(|request| is_token_request(request))
        .expect("token request");
    assert_eq!(
        form(token),
        "grant_type=client_credentials&scope=things%3Aread+things%3Awrite"
    );
    // client-id:client-secret-1
    assert_eq!(
        token.header("authorization"),
        Some("Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQtMQ==")
    );
    assert_eq!(token.header("content-type"), Some("application/x-www-form-urlencoded"));
}

#[tokio::test]
async fn an_expired_authorization_code_token_is_refreshed_once_for_50_concurrent_calls() {
    let server = TestServer::start().await;
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&refreshes);
    server.respond_with(move |request| {
        if is_token_request(request) {
            counted.fetch_add(1, Ordering::SeqCst);
            return token_reply("access-new", Some("refresh-r2"), 3600);
        }
        match request.header("authorization") {
            Some("Bearer access-new") => Reply::json(200, OK),
            _ => Reply::json(401, "{}"),
        }
    });
    let seen: Arc<Mutex<Vec<OAuth2Tokens>>> = Arc::default();
    let store = Arc::clone(&seen);
    let client = builder(&server)
        .user(
            OAuth2::authorization_code("app", "client-secret-1", "access-old", "refresh-r1")
                .expires_in(Duration::ZERO)
                .on_refresh(move |tokens| {
                    store
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(tokens.clone())
                }),
        )
        .build()
        .expect("builds");

    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.me().await })
    });
    for result in futures_util::future::join_all(calls).await {
        result.expect("task").expect("call succeeds");
    }

    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 51, "no request went out with the expired token");
    let refresh = requests
        .iter()
        .find(|request| is_token_request(request))
        .expect("refresh");
    assert_eq!(form(refresh), "grant_type=refresh_token&refresh_token=refresh-r1");
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].access_token.expose(), "access-new");
    assert_eq!(
        seen[0].refresh_token.as_ref().map(|token| token.expose()),
        Some("refresh-r2")
    );
    assert_eq!(seen[0].expires_in, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn a_401_refreshes_once_retries_once_and_rotated_refresh_tokens_reach_the_callback() {
    let server = TestServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&issued);
    server.respond_with(move |request| {
        if is_token_request(request) {
            // Each refresh rotates the refresh token: r1 → r2 → r3.
            let n = counter.fetch_add(1, Ordering::SeqCst) + 2;
            return token_reply(&format!("access-{n}"), Some(&format!("refresh-r{n}")), 3600);
        }
        match request.header("authorization") {
            Some("Bearer access-2") => Reply::json(200, OK),
            _ => Reply::json(401, r#"{"error":"expired"}"#),
        }
    });
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let store = Arc::clone(&seen);
    let client = builder(&server)
        .user(
            OAuth2::authorization_code("app", "client-secret-1", "access-old", "refresh-r1").on_refresh(
                move |tokens| {
                    let refresh = tokens.refresh_token.as_ref().map(|token| token.expose().to_owned());
                    store
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(refresh.unwrap_or_default());
                },
            ),
        )
        .build()
        .expect("builds");

    client.me().await.expect("401 → refresh → success");
    let requests = server.requests();
    let trail: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|request| (request.path.as_str(), request.header("authorization")))
        .collect();
    assert_eq!(trail[0], ("/v1/me", Some("Bearer access-old")));
    assert_eq!(trail[1].0, "/oauth/token");
    assert_eq!(trail[2], ("/v1/me", Some("Bearer access-2")));
    assert_eq!(form(&requests[1]), "grant_type=refresh_token&refresh_token=refresh-r1");

    // The server now refuses access-2 too: one more refresh (with the rotated
    // refresh token), one retry, then the 401 is the caller's.
    server.respond_with(move |request| {
        if is_token_request(request) {
            return token_reply("access-3", Some("refresh-r3"), 3600);
        }
        Reply::json(401, r#"{"error":"revoked"}"#)
    });
    let error = client.me().await.expect_err("still refused");
    assert_eq!(error.status(), Some(401));
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        6,
        "me, token, me after the first call; me, token, me now"
    );
    assert_eq!(form(&requests[4]), "grant_type=refresh_token&refresh_token=refresh-r2");
    assert_eq!(
        *seen.lock().unwrap_or_else(PoisonError::into_inner),
        ["refresh-r2", "refresh-r3"]
    );
}

#[tokio::test]
async fn token_requests_follow_the_retry_rules_and_refusals_are_authentication_errors() {
    let server = TestServer::start().await;
    server.push(Reply::json(503, "{}"));
    server.push(token_reply("tok-1", None, 3600));
    server.fallback(Reply::json(200, OK));
    let client = builder(&server)
        .machine(OAuth2::client_credentials("client-id", "client-secret-1").client_secret_in_body())
        .build()
        .expect("builds");
    client.machine_read().await.expect("the 503 is retried");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[..2].iter().all(is_token_request));
    assert_eq!(
        form(&requests[1]),
        "grant_type=client_credentials&scope=things%3Aread+things%3Awrite&client_id=client-id&client_secret=client-secret-1"
    );
    assert_eq!(requests[1].header("authorization"), None);

    let refusing = TestServer::start().await;
    refusing.fallback(Reply::json(
        400,
        r#"{"error":"invalid_client","error_description":"Unknown client"}"#,
    ));
    let client = builder(&refusing)
        .machine(OAuth2::client_credentials("client-id", "client-secret-1"))
        .build()
        .expect("builds");
    let error = client.machine_read().await.expect_err("refused");
    match &error {
        Error::Authentication { scheme, status, reason } => {
            assert_eq!(*scheme, "machine");
            assert_eq!(*status, Some(400));
            assert_eq!(reason, "the token endpoint refused: invalid_client: Unknown client");
        }
        other => panic!("expected Authentication, got {other:?}"),
    }
    assert_eq!(
        refusing.request_count(),
        1,
        "a 400 is not retried, the API is not called"
    );
    assert_no_secret(&error.to_string());
    assert_no_secret(&format!("{error:?}"));
}

#[tokio::test]
async fn the_token_url_override_and_manual_routes_work() {
    let api = TestServer::start().await;
    let issuer = TestServer::start().await;
    api.fallback(Reply::json(200, OK));
    issuer.fallback(token_reply("tok-1", None, 3600));
    let client = builder(&api)
        .machine(
            OAuth2::client_credentials("client-id", "client-secret-1").token_url(format!("{}/token", issuer.origin())),
        )
        .default_header("Authorization", "Bearer from-oidc")
        .build()
        .expect("builds");

    client.machine_read().await.expect("token from the override");
    // Manual schemes: OpenID Connect met by the default header, mutual TLS by a
    // custom client (not checkable), an undeclared scheme left to the user.
    client.oidc_only().await.expect("oidc by hand");
    client.tls_only().await.expect("mtls by hand");
    client.ghost().await.expect("undeclared scheme");

    assert_eq!(issuer.request_count(), 1);
    assert_eq!(issuer.requests()[0].path, "/token");
    let requests = api.requests();
    assert_eq!(requests[0].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer from-oidc"));
}

#[tokio::test]
async fn bad_credential_configuration_is_refused_at_build() {
    let server = TestServer::start().await;
    let unknown = builder(&server)
        .credential("nope", apigen_runtime::Credential::api_key("key-123"))
        .build();
    match unknown {
        Err(Error::Config { reason }) => assert!(reason.contains("\"nope\""), "{reason}"),
        other => panic!("expected a config error, got {other:?}"),
    }
    let wrong_kind = builder(&server)
        .credential("api_key", apigen_runtime::Credential::basic("ann", "pw-456"))
        .build();
    match wrong_kind {
        Err(Error::Config { reason }) => {
            assert_eq!(reason, "security scheme \"api_key\" does not take basic credentials");
        }
        other => panic!("expected a config error, got {other:?}"),
    }
    // `user` declares no client-credentials flow and no token URL was given.
    let no_flow = builder(&server)
        .user(OAuth2::client_credentials("client-id", "client-secret-1"))
        .build();
    assert!(matches!(no_flow, Err(Error::Config { .. })), "{no_flow:?}");
}

#[tokio::test]
async fn secrets_never_show_in_debug_output_or_cross_origin_redirects() {
    let server = TestServer::start().await;
    let other = TestServer::start().await;
    server.push(Reply::redirect(
        302,
        &format!("{}/v1/keys/header", other.origin_as("localhost")),
    ));
    other.fallback(Reply::json(200, OK));
    let builder = builder(&server)
        .api_key("key-123")
        .basic_auth("ann", "pw-456")
        .bearer_auth("jwt-789")
        .machine(OAuth2::client_credentials("client-id", "client-secret-1"))
        .user(OAuth2::authorization_code(
            "app",
            "client-secret-1",
            "access-old",
            "refresh-r1",
        ));
    assert_no_secret(&format!("{builder:?}"));
    let client = builder.build().expect("builds");
    assert_no_secret(&format!("{client:?}"));

    let error = client.header_key().await.expect_err("redirect not followed");
    assert_eq!(error.status(), Some(302));
    assert_eq!(other.request_count(), 0, "the API key would have gone to another host");
    assert_no_secret(&format!("{error:?}"));
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let server = TestServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&issued);
    server.respond_with(move |request| {
        if is_token_request(request) {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            // Valid for one second: refreshed a tenth of that before it runs out.
            return token_reply(&format!("tok-{n}"), None, 1);
        }
        Reply::json(200, OK)
    });
    let client = builder(&server)
        .machine(OAuth2::client_credentials("client-id", "client-secret-1"))
        .build()
        .expect("builds");

    client.machine_read().await.expect("first token");
    client.machine_read().await.expect("cached token");
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.machine_read().await.expect("refreshed token");

    assert_eq!(issued.load(Ordering::SeqCst), 2);
    let requests = server.requests();
    let authorizations: Vec<&str> = requests
        .iter()
        .filter(|request| !is_token_request(request))
        .filter_map(|request| request.header("authorization"))
        .collect();
    assert_eq!(authorizations, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_token_request_is_not_resent_to_another_origin() {
    let api = TestServer::start().await;
    let other = TestServer::start().await;
    api.fallback(Reply::json(200, OK));
    other.fallback(token_reply("tok-1", None, 3600));
    // The token endpoint answers 307: following it would post the refresh token and
    // client secret to another host.
    api.push(Reply::redirect(
        307,
        &format!("{}/oauth/token", other.origin_as("localhost")),
    ));
    let client = builder(&api)
        .user(
            OAuth2::authorization_code("app", "client-secret-1", "access-old", "refresh-r1").expires_in(Duration::ZERO),
        )
        .build()
        .expect("builds");

    let error = client.me().await.expect_err("redirect not followed");
    match &error {
        Error::Authentication { status, .. } => assert_eq!(*status, Some(307)),
        other => panic!("expected Authentication, got {other:?}"),
    }
    assert_eq!(other.request_count(), 0);
    assert_eq!(api.request_count(), 1, "the API call is not sent without a token");
    assert_no_secret(&error.to_string());
}

#[tokio::test]
async fn a_fixed_access_token_is_sent_as_given_and_a_401_is_returned_at_once() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(401, r#"{"error":"expired"}"#));
    let client = builder(&server)
        .machine(OAuth2::access_token("tok-1"))
        .build()
        .expect("builds");

    let error = client.machine_read().await.expect_err("refused");

    assert_eq!(error.status(), Some(401));
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "nothing to refresh with: no token request, no retry");
    assert_eq!(requests[0].header("authorization"), Some("Bearer tok-1"));
}

#[tokio::test]
async fn a_header_set_on_one_call_wins_over_the_configured_credential() {
    let server = TestServer::start().await;
    server.fallback(Reply::json(200, OK));
    let client = builder(&server)
        .bearer_auth("jwt-789")
        .machine(OAuth2::client_credentials("client-id", "client-secret-1"))
        .build()
        .expect("builds");

    // Another tenant's token for one call.
    client
        .list_things()
        .header("Authorization", "Bearer tenant-2")
        .await
        .expect("bearer overridden");
    client
        .machine_read()
        .header("Authorization", "Bearer tenant-3")
        .await
        .expect("OAuth overridden");

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "no token was fetched");
    assert_eq!(requests[0].header("authorization"), Some("Bearer tenant-2"));
    assert_eq!(requests[1].header("authorization"), Some("Bearer tenant-3"));
}
