//! Test support: a real HTTP/1.1 server on 127.0.0.1 whose replies each test scripts,
//! and which records every request it receives.
//!
//! It speaks just enough HTTP for the SDK's tests (request line, headers,
//! `Content-Length` bodies, keep-alive) and can misbehave on purpose: hang, cut a
//! body short, or reset the connection.
//!
//! [`accept`] reads the `APIGEN_ACCEPT` switch shared by the snapshot-style tests.

pub mod accept;
pub mod stream_server;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Method, e.g. `POST`.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Raw query string (without `?`), if any.
    pub query: Option<String>,
    /// Headers, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// What the server does with the next request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A normal response.
    Respond {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: Vec<u8>,
    },
    /// Read the request and never answer.
    Hang,
    /// Send headers announcing `declared` body bytes, send `body`, then close.
    Truncated {
        /// Status code.
        status: u16,
        /// `Content-Length` to announce.
        declared: usize,
        /// The bytes actually sent.
        body: Vec<u8>,
    },
    /// Close the connection abruptly (RST) before answering.
    Reset,
    /// Close the connection cleanly (FIN) without answering.
    Close,
    /// Wait `after`, then do what `reply` says (a slow server).
    Delayed {
        /// How long to wait before replying.
        after: Duration,
        /// The reply to send once the wait is over.
        reply: Box<Reply>,
    },
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into().into_bytes(),
        }
    }

    /// A response with a content type.
    pub fn with_type(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply::Respond {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A redirect (`302`, `307`, ...) to `location`, with an empty body.
    pub fn redirect(status: u16, location: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
        }
    }

    /// This reply, sent only after `after` has passed.
    pub fn delayed(self, after: Duration) -> Self {
        Reply::Delayed {
            after,
            reply: Box::new(self),
        }
    }

    /// Adds a header to a `Respond` reply.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

/// Computes a reply from the request (for servers with state, e.g. a rate limiter).
pub type Responder = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

#[derive(Default)]
struct State {
    requests: Vec<RecordedRequest>,
    script: VecDeque<Reply>,
    responder: Option<Responder>,
    fallback: Option<Reply>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    lock_poisoned(state)
}

/// Locks `mutex`, also after a panic in another holder (test state stays readable).
pub(crate) fn lock_poisoned<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A scripted HTTP server on an ephemeral loopback port.
pub struct TestServer {
    address: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Binds 127.0.0.1:0 and starts serving.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_connection(stream, Arc::clone(&shared)));
            }
        });
        Self { address, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The base URL the SDK should use: `<origin>/api/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/api/v1", self.origin())
    }

    /// Queues a reply for the next unanswered request.
    pub fn push(&self, reply: Reply) -> &Self {
        lock(&self.state).script.push_back(reply);
        self
    }

    /// Computes the reply for every request once the queue is empty (before the
    /// fallback). Called under the server's lock, so requests are seen one at a time.
    pub fn respond_with(&self, responder: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) -> &Self {
        lock(&self.state).responder = Some(Arc::new(responder));
        self
    }

    /// The reply used once the queue is empty (default: 500 with an empty body).
    pub fn fallback(&self, reply: Reply) -> &Self {
        lock(&self.state).fallback = Some(reply);
        self
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// How many requests have been received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.state).requests.len()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// `http://<host>:<port>`: the same server under another host name, e.g.
    /// `localhost`, so that a client sees it as a different host than `127.0.0.1`.
    pub fn origin_as(&self, host: &str) -> String {
        format!("http://{host}:{}", self.address.port())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_connection(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let mut reply = {
            let mut state = lock(&state);
            let computed = match (state.script.is_empty(), &state.responder) {
                (true, Some(responder)) => Some(responder(&request)),
                _ => None,
            };
            state.requests.push(request);
            let fallback = state.fallback.clone();
            state
                .script
                .pop_front()
                .or(computed)
                .or(fallback)
                .unwrap_or(Reply::Respond {
                    status: 500,
                    headers: Vec::new(),
                    body: Vec::new(),
                })
        };
        while let Reply::Delayed { after, reply: next } = reply {
            tokio::time::sleep(after).await;
            reply = *next;
        }
        match reply {
            Reply::Respond { status, headers, body } => {
                let mut head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\n",
                    reason(status),
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(&body).await.is_err() {
                    return;
                }
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::Truncated { status, declared, body } => {
                let head = format!(
                    "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n",
                    reason(status)
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(&body).await;
                let _ = stream.flush().await;
                return;
            }
            Reply::Delayed { .. } => unreachable!("delays are resolved before replying"),
            Reply::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Reset => {
                // A zero linger makes the close an RST, which is the point here; the
                // socket is dropped right away, so blocking on drop cannot happen.
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                return;
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Reads one request (head + `Content-Length` body) with the runtime mock server's
/// reader; `None` when the peer closed or sent something unreadable.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<RecordedRequest> {
    let raw = apigen_runtime::mock::read_request(stream, buffer).await.ok()??;
    let (path, query) = match raw.target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (raw.target, None),
    };
    Some(RecordedRequest {
        method: raw.method,
        path,
        query,
        headers: raw.headers,
        body: raw.body,
    })
}
