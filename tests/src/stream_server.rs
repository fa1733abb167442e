//! A loopback server for streamed responses: each connection plays the next
//! [`Script`] — a response head, then chunks written one at a time with pauses in
//! between (so a client really receives them apart: a UTF-8 character or a CRLF can
//! be split across reads), then a proper end, a cut-off, or a heartbeat that runs
//! until the client goes away (which the server records, to prove the client released
//! the connection).

use crate::{lock_poisoned, RecordedRequest};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// What one connection answers.
#[derive(Debug, Clone)]
pub struct Script {
    status: u16,
    headers: Vec<(String, String)>,
    steps: Vec<Step>,
    finish: Finish,
}

#[derive(Debug, Clone)]
enum Step {
    Chunk(Vec<u8>),
    Pause(Duration),
}

#[derive(Debug, Clone)]
enum Finish {
    /// The terminating empty chunk: a complete body.
    End,
    /// Close the connection without ending the body.
    Cut,
    /// Send `: heartbeat` every interval until a write fails (the client left).
    HeartbeatUntilClosed(Duration),
    /// A whole response with `Content-Length` (no chunks), e.g. an error.
    Whole(Vec<u8>),
    /// Write `chunk` `times` times as fast as the client takes it, counting the bytes
    /// written (see [`StreamServer::written`]).
    Flood { chunk: Vec<u8>, times: usize },
}

impl Script {
    /// `200 text/event-stream`, chunked.
    pub fn events() -> Self {
        Self::chunked(200, "text/event-stream")
    }

    /// `status` with `content_type`, chunked.
    pub fn chunked(status: u16, content_type: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            steps: Vec::new(),
            finish: Finish::End,
        }
    }

    /// A whole (not chunked) JSON response, e.g. an error before any stream.
    pub fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            steps: Vec::new(),
            finish: Finish::Whole(body.as_bytes().to_vec()),
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Writes `bytes` as one chunk, then pauses 15 ms so the next chunk arrives apart.
    pub fn chunk(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.steps.push(Step::Chunk(bytes.as_ref().to_vec()));
        self.steps.push(Step::Pause(Duration::from_millis(15)));
        self
    }

    /// Writes each of `chunks` as its own chunk (no pauses: as fast as the socket
    /// takes them).
    pub fn burst(mut self, chunks: impl IntoIterator<Item = Vec<u8>>) -> Self {
        self.steps.extend(chunks.into_iter().map(Step::Chunk));
        self
    }

    /// Waits before the next chunk.
    pub fn pause(mut self, pause: Duration) -> Self {
        self.steps.push(Step::Pause(pause));
        self
    }

    /// Closes the connection after the chunks without ending the body.
    pub fn cut_off(mut self) -> Self {
        self.finish = Finish::Cut;
        self
    }

    /// After the chunks, writes `chunk` `times` times as fast as the client reads,
    /// counting the bytes written ([`StreamServer::written`]): shows whether the client
    /// reads ahead of its consumer.
    pub fn flood(mut self, chunk: impl AsRef<[u8]>, times: usize) -> Self {
        self.finish = Finish::Flood {
            chunk: chunk.as_ref().to_vec(),
            times,
        };
        self
    }

    /// After the chunks, sends a heartbeat comment every `interval` until the client
    /// closes the connection (recorded in [`StreamServer::released`]).
    pub fn heartbeat_until_closed(mut self, interval: Duration) -> Self {
        self.finish = Finish::HeartbeatUntilClosed(interval);
        self
    }
}

#[derive(Default)]
struct State {
    scripts: VecDeque<Script>,
    requests: Vec<RecordedRequest>,
    released: usize,
    written: usize,
}

/// The server: scripts are used in order, one per request.
pub struct StreamServer {
    address: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl StreamServer {
    /// Binds 127.0.0.1:0 and starts serving `scripts` (a request beyond them gets a
    /// `500`).
    pub async fn start(scripts: impl IntoIterator<Item = Script>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let address = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            scripts: scripts.into_iter().collect(),
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Self { address, state, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock_poisoned(&self.state).requests.clone()
    }

    /// Body bytes a flood has written so far (accepted by the socket).
    pub fn written(&self) -> usize {
        lock_poisoned(&self.state).written
    }

    /// How many heartbeat streams ended because the client closed the connection.
    pub fn released(&self) -> usize {
        lock_poisoned(&self.state).released
    }
}

impl Drop for StreamServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let mut buffer = Vec::new();
    while let Some(request) = crate::read_request(&mut stream, &mut buffer).await {
        let script = {
            let mut state = lock_poisoned(&state);
            state.requests.push(request);
            state.scripts.pop_front()
        };
        let script = script.unwrap_or_else(|| Script::json(500, "{\"error\":\"no script left\"}"));
        match play(&mut stream, script, &state).await {
            Ok(true) => continue,
            _ => return,
        }
    }
}

/// Plays one script; `Ok(true)` when the connection can serve another request.
async fn play(stream: &mut TcpStream, script: Script, state: &Mutex<State>) -> std::io::Result<bool> {
    let mut head = format!("HTTP/1.1 {} Status\r\n", script.status);
    for (name, value) in &script.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Finish::Whole(body) = &script.finish {
        head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.flush().await?;
        return Ok(true);
    }
    head.push_str("transfer-encoding: chunked\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.flush().await?;
    for step in &script.steps {
        match step {
            Step::Chunk(bytes) => write_chunk(stream, bytes).await?,
            Step::Pause(pause) => tokio::time::sleep(*pause).await,
        }
    }
    match script.finish {
        Finish::End => {
            stream.write_all(b"0\r\n\r\n").await?;
            stream.flush().await?;
            Ok(true)
        }
        Finish::Cut | Finish::Whole(_) => Ok(false),
        Finish::Flood { chunk, times } => {
            for _ in 0..times {
                write_chunk(stream, &chunk).await?;
                lock_poisoned(state).written += chunk.len();
            }
            stream.write_all(b"0\r\n\r\n").await?;
            Ok(true)
        }
        Finish::HeartbeatUntilClosed(interval) => {
            // Bounded so a client that never lets go fails the test instead of hanging it.
            for _ in 0..2000 {
                if write_chunk(stream, b": heartbeat\n\n").await.is_err() {
                    lock_poisoned(state).released += 1;
                    return Ok(false);
                }
                tokio::time::sleep(interval).await;
            }
            Ok(false)
        }
    }
}

async fn write_chunk(stream: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut framed = format!("{:x}\r\n", bytes.len()).into_bytes();
    framed.extend_from_slice(bytes);
    framed.extend_from_slice(b"\r\n");
    stream.write_all(&framed).await?;
    stream.flush().await
}
