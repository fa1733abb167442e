//! A mock HTTP server on 127.0.0.1 for testing code that calls a generated client
//! (feature `mock`).
//!
//! Generated crates wrap [`MockServer`] in a typed `mock` module: one builder per
//! operation whose matchers take the operation's parameter and body types and whose
//! responders take its response types. This module is the untyped machinery: routing
//! a request to its operation (by method and path template, the most literal template
//! winning), matching it against the registered [`Mock`]s (the most recently
//! registered match answers), answering with a [`MockReply`], and recording every
//! request. A request no mock matches gets a `501` with a JSON body naming it.

mod http;
mod reply;
mod request;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::Serialize;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub use http::{read_request, RawRequest};
pub use reply::{MockEvent, MockReply};
pub use request::MockRequest;

use crate::query::{QueryString, Style};
use reply::ReplyKind;

/// One operation the server can route to: operation id, method, path template.
pub type Route = (&'static str, &'static str, &'static str);

type Condition = Box<dyn Fn(&MockRequest) -> bool + Send + Sync>;

/// A registered expectation: which requests of one operation it answers, and how.
pub struct Mock {
    operation: &'static str,
    conditions: Vec<Condition>,
    reply: MockReply,
    limit: Option<usize>,
}

impl std::fmt::Debug for Mock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mock")
            .field("operation", &self.operation)
            .field("conditions", &self.conditions.len())
            .field("reply", &self.reply)
            .finish()
    }
}

impl Mock {
    /// A mock of `operation` that matches all its requests and answers `200` with no
    /// body until a reply is set.
    pub fn new(operation: &'static str) -> Self {
        Self {
            operation,
            conditions: Vec::new(),
            reply: MockReply::status(200),
            limit: None,
        }
    }

    /// Only requests whose path parameter `name` equals `value` (decoded) match.
    /// Strings are compared as they are; other values by their JSON text.
    pub fn path_param<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Self {
        let expected = plain_text(value);
        self.when(move |request| request.path_params.get(name) == Some(&expected))
    }

    /// Only requests whose query parameter `name` is encoded exactly as the client
    /// encodes `value` with `style` (every pair whose key is `name` or starts with
    /// `name[`, in order) match.
    pub fn query<T: Serialize + ?Sized>(self, name: &'static str, value: &T, style: Style) -> Self {
        let mut expected = QueryString::new();
        let encoded = expected
            .push::<_, serde_json::Value>(name, value, style)
            .map(|()| expected.encode());
        self.when(move |request| match &encoded {
            Ok(encoded) => {
                let bracket = format!("{name}[");
                let sent: Vec<(String, String)> = request
                    .query_pairs()
                    .into_iter()
                    .filter(|(key, _)| key == name || key.starts_with(&bracket))
                    .collect();
                sent == request::split_query(encoded)
            }
            Err(_) => false,
        })
    }

    /// Only requests whose JSON body equals `body` (as JSON values) match.
    pub fn json_body<T: Serialize + ?Sized>(self, body: &T) -> Self {
        let expected = serde_json::to_value(body).ok();
        self.when(move |request| {
            expected.is_some() && serde_json::from_slice::<serde_json::Value>(&request.body).ok() == expected
        })
    }

    /// Only requests for which `condition` holds match.
    pub fn when(mut self, condition: impl Fn(&MockRequest) -> bool + Send + Sync + 'static) -> Self {
        self.conditions.push(Box::new(condition));
        self
    }

    /// Answers at most `times` requests, then stops matching.
    pub fn times(mut self, times: usize) -> Self {
        self.limit = Some(times);
        self
    }

    /// Sets the reply.
    pub fn reply(mut self, reply: MockReply) -> Self {
        self.reply = reply;
        self
    }

    fn matches(&self, request: &MockRequest) -> bool {
        self.conditions.iter().all(|condition| condition(request))
    }
}

/// A registered mock: how many requests it answered.
#[derive(Debug, Clone)]
pub struct MockHandle {
    hits: Arc<AtomicUsize>,
}

impl MockHandle {
    /// Number of requests this mock answered so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

struct Registered {
    mock: Mock,
    hits: Arc<AtomicUsize>,
}

#[derive(Default)]
struct State {
    mocks: Vec<Registered>,
    requests: Vec<MockRequest>,
}

struct Shared {
    routes: &'static [Route],
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the recorded requests from others.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A mock server on an ephemeral port of 127.0.0.1. Dropping it stops it.
pub struct MockServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server that routes requests to `routes`. Must be called inside a
    /// Tokio runtime.
    pub async fn start(routes: &'static [Route]) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            routes,
            state: Mutex::new(State::default()),
        });
        let accepting = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&accepting)));
            }
        });
        Ok(Self { shared, address, task })
    }

    /// The server's base URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Registers `mock`; it takes precedence over mocks registered before it.
    pub fn register(&self, mock: Mock) -> MockHandle {
        let hits = Arc::new(AtomicUsize::new(0));
        self.shared.state().mocks.push(Registered {
            mock,
            hits: Arc::clone(&hits),
        });
        MockHandle { hits }
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.shared.state().requests.clone()
    }

    /// The requests that no mock answered.
    pub fn unmatched(&self) -> Vec<MockRequest> {
        self.requests()
            .into_iter()
            .filter(|request| request.operation.is_none())
            .collect()
    }

    /// Removes every mock and forgets the recorded requests.
    pub fn reset(&self) {
        let mut state = self.shared.state();
        state.mocks.clear();
        state.requests.clear();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The operation a request is for: among the routes whose method and template match,
/// the one with the most literal segments (`/threads/lookup` over `/threads/{id}`).
fn route(routes: &[Route], method: &str, path: &str) -> Option<(&'static str, BTreeMap<String, String>)> {
    routes
        .iter()
        .filter(|(_, route_method, _)| route_method.eq_ignore_ascii_case(method))
        .filter_map(|(operation, _, template)| {
            let params = request::match_path(template, path)?;
            let literal = template
                .split('/')
                .filter(|part| !part.is_empty() && !part.starts_with('{'))
                .count();
            Some((literal, template.len(), *operation, params))
        })
        .max_by_key(|(literal, length, _, _)| (*literal, *length))
        .map(|(_, _, operation, params)| (operation, params))
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buffer = Vec::new();
    while let Ok(Some(raw)) = http::read_request(&mut stream, &mut buffer).await {
        let (path, query) = match raw.target.split_once('?') {
            Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
            None => (raw.target.clone(), None),
        };
        let routed = route(shared.routes, &raw.method, &path);
        let mut request = MockRequest {
            operation: None,
            method: raw.method,
            path,
            query,
            headers: raw.headers,
            body: raw.body,
            path_params: routed.as_ref().map(|(_, params)| params.clone()).unwrap_or_default(),
        };
        let reply = {
            let mut state = shared.state();
            let chosen = routed.and_then(|(operation, _)| {
                state.mocks.iter().rev().find(|registered| {
                    registered.mock.operation == operation
                        && registered
                            .mock
                            .limit
                            .is_none_or(|limit| registered.hits.load(Ordering::SeqCst) < limit)
                        && registered.mock.matches(&request)
                })
            });
            let reply = chosen.map(|registered| {
                registered.hits.fetch_add(1, Ordering::SeqCst);
                (registered.mock.operation, registered.mock.reply.clone())
            });
            if let Some((operation, _)) = &reply {
                request.operation = Some((*operation).to_owned());
            }
            let description = format!("{} {}", request.method, request.path);
            state.requests.push(request);
            reply.map(|(_, reply)| reply).unwrap_or_else(|| {
                MockReply::json(
                    501,
                    &serde_json::json!({"error": format!("no mock matches {description}")}),
                )
            })
        };
        if let Some(delay) = reply.delay {
            tokio::time::sleep(delay).await;
        }
        match reply.kind {
            ReplyKind::Drop => return,
            ReplyKind::Respond { status, headers, body } => {
                if http::write_response(&mut stream, status, &headers, &body)
                    .await
                    .is_err()
                {
                    return;
                }
            }
            ReplyKind::Chunked {
                status,
                headers,
                chunks,
                pause,
                cut_off,
            } => {
                let written = http::write_chunked(&mut stream, status, &headers, &chunks, pause, cut_off).await;
                if written.is_err() || cut_off {
                    return;
                }
            }
        }
    }
}

/// A path value as text: strings as they are, anything else as its JSON text.
fn plain_text<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(err) => format!("<unencodable: {err}>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ROUTES: &[Route] = &[
        ("getThread", "GET", "/threads/{threadId}"),
        ("lookupThread", "GET", "/threads/lookup"),
        ("listThreads", "GET", "/threads"),
    ];

    #[test]
    fn the_most_literal_route_wins() {
        assert_eq!(
            route(ROUTES, "GET", "/threads/lookup").map(|r| r.0),
            Some("lookupThread")
        );
        let (operation, params) = route(ROUTES, "get", "/api/v1/threads/abc").unwrap();
        assert_eq!(operation, "getThread");
        assert_eq!(params["threadId"], "abc");
        assert_eq!(route(ROUTES, "POST", "/threads").map(|r| r.0), None);
    }

    #[tokio::test]
    async fn answers_records_and_reports_unmatched_requests() {
        let server = MockServer::start(ROUTES).await.unwrap();
        let handle = server.register(
            Mock::new("listThreads")
                .query("limit", &5u32, Style::Form { explode: true })
                .reply(MockReply::json(200, &serde_json::json!({"threads": []}))),
        );
        let client = reqwest::Client::new();
        let ok = client
            .get(format!("{}/threads?limit=5", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
        assert_eq!(ok.text().await.unwrap(), r#"{"threads":[]}"#);
        let miss = client
            .get(format!("{}/threads?limit=6", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(miss.status(), 501);
        assert_eq!(handle.hits(), 1);
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].operation.as_deref(), Some("listThreads"));
        assert_eq!(server.unmatched().len(), 1);

        server.register(Mock::new("getThread").times(1).reply(MockReply::drop_connection()));
        assert!(client.get(format!("{}/threads/t1", server.url())).send().await.is_err());
        let after = client.get(format!("{}/threads/t1", server.url())).send().await.unwrap();
        assert_eq!(after.status(), 501, "the limited mock is used up");
    }
}
