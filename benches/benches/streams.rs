//! Streaming overhead, in one run, against one loopback server:
//!
//! 1. **Events per second**: the client generated from `tests/fixtures/specs/streams.yaml`
//!    (`generate_stream()`, each event's data decoded into its `Delta` type) against a
//!    hand-written `reqwest` loop (`bytes_stream()`, split at blank lines, strip
//!    `data:`, `serde_json::from_str::<Delta>`) reading the same stream. Rounds
//!    alternate between the two (the order flips every round); the median time per
//!    event of each is compared (target: generated ≤ 1.1 × hand-written).
//! 2. **A 200 MB download** through the generated `download_file().stream()` and
//!    `ByteStream::write_to` into a sink, with the process's peak resident memory
//!    (`VmHWM` from `/proc/self/status`, Linux) read before and after (target: < 50 MB).
//!
//! `cargo bench -p benches --bench streams` runs both (about 20 s in a release
//! build); `APIGEN_STREAM_EVENTS=N` changes the events per stream (default 200,000),
//! `APIGEN_STREAM_ROUNDS=N` the rounds (default 10).

#[rustfmt::skip] // generated, already formatted by prettyplease
#[allow(missing_docs, unexpected_cfgs, dead_code)]
#[path = "../../tests/snapshots/streams/mod.rs"]
mod streams;

use apigen_runtime::bytes::Bytes;
use apigen_runtime::reqwest;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use streams::types::{Delta, Prompt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Size of each chunk the server writes.
const CHUNK: usize = 16 * 1024;
/// The download's size.
const DOWNLOAD: usize = 200 * 1024 * 1024;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The event stream's body: `events` events, framed as HTTP chunks of about `CHUNK`
/// bytes (events cut at chunk edges, as a real server's writes would be).
fn event_body(events: usize) -> Vec<u8> {
    let mut text = Vec::new();
    for index in 0..events {
        text.extend_from_slice(
            format!("data: {{\"index\":{index},\"text\":\" token\",\"finish_reason\":null}}\n\n").as_bytes(),
        );
    }
    text.extend_from_slice(b"data: [DONE]\n\n");
    chunked(&text)
}

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / CHUNK * 10 + 16);
    for piece in body.chunks(CHUNK) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// A keep-alive HTTP/1.1 server on its own thread and runtime: `POST /generate_stream`
/// answers the precomputed event stream, `GET /files/…` a 200 MB chunked body
/// generated on the fly from one reused chunk (so the server holds no 200 MB).
fn start_server(events: Bytes) -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|err| panic!("server runtime: {err}"));
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .unwrap_or_else(|err| panic!("bind: {err}"));
            let _ = sender.send(listener.local_addr().unwrap_or_else(|err| panic!("{err}")));
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, events.clone()));
            }
        });
    });
    receiver.recv().unwrap_or_else(|err| panic!("server start: {err}"))
}

async fn serve(mut stream: tokio::net::TcpStream, events: Bytes) {
    let mut buffer = Vec::new();
    let mut read = [0u8; 8192];
    let piece = vec![b'x'; 64 * 1024];
    let mut framed_piece = format!("{:x}\r\n", piece.len()).into_bytes();
    framed_piece.extend_from_slice(&piece);
    framed_piece.extend_from_slice(b"\r\n");
    loop {
        // One request: head, then a Content-Length body if any.
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                break end;
            }
            match stream.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(count) => buffer.extend_from_slice(&read[..count]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + 4 + length {
            match stream.read(&mut read).await {
                Ok(0) | Err(_) => return,
                Ok(count) => buffer.extend_from_slice(&read[..count]),
            }
        }
        buffer.drain(..head_end + 4 + length);
        if head.starts_with("get /files/") {
            let start =
                b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(start).await.is_err() {
                return;
            }
            for _ in 0..DOWNLOAD / piece.len() {
                if stream.write_all(&framed_piece).await.is_err() {
                    return;
                }
            }
            if stream.write_all(b"0\r\n\r\n").await.is_err() {
                return;
            }
        } else {
            let start = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(start).await.is_err() || stream.write_all(&events).await.is_err() {
                return;
            }
        }
    }
}

/// Reads the whole stream through the generated client; returns the events decoded.
async fn generated(client: &streams::Client) -> usize {
    let mut stream = client
        .generate_stream(Prompt::new("bench"))
        .await
        .unwrap_or_else(|err| panic!("generated stream: {err}"));
    let mut count = 0;
    while let Some(event) = futures_util::StreamExt::next(&mut stream).await {
        let event = event.unwrap_or_else(|err| panic!("event: {err}"));
        std::hint::black_box(&event.data);
        count += 1;
    }
    count
}

/// The same with a hand-written loop over `reqwest`'s byte stream.
async fn hand_written(http: &reqwest::Client, url: &str) -> usize {
    let response = http
        .post(url)
        .header("accept", "text/event-stream")
        .json(&serde_json::json!({"inputs": "bench"}))
        .send()
        .await
        .unwrap_or_else(|err| panic!("hand-written request: {err}"));
    let mut body = response.bytes_stream();
    let mut buffer: Vec<u8> = Vec::new();
    let mut count = 0;
    while let Some(chunk) = futures_util::StreamExt::next(&mut body).await {
        let chunk = chunk.unwrap_or_else(|err| panic!("chunk: {err}"));
        buffer.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = buffer[start..].windows(2).position(|pair| pair == b"\n\n") {
            let event = &buffer[start..start + end];
            start += end + 2;
            let Some(data) = event.strip_prefix(b"data: ") else {
                continue;
            };
            if data == b"[DONE]" {
                return count;
            }
            let text = std::str::from_utf8(data).unwrap_or_else(|err| panic!("utf-8: {err}"));
            let delta: Delta = serde_json::from_str(text).unwrap_or_else(|err| panic!("json: {err}"));
            std::hint::black_box(&delta);
            count += 1;
        }
        buffer.drain(..start);
    }
    count
}

/// Parsing alone, without the network: the runtime's `EventStream` over a buffered
/// body (`RawResponse::from_parts`) vs the hand-written split, on the same text in
/// 16 KiB pieces; returns (ours, theirs) per event over `rounds` rounds (medians).
async fn parse_only(text: &[u8], events: usize, rounds: usize) -> (Duration, Duration) {
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let mut parser = apigen_runtime::sse::SseParser::new(1 << 20);
        let mut count = 0;
        for piece in text.chunks(CHUNK) {
            parser.push(piece);
            while let Some(Ok(event)) = parser.next_ready() {
                if event.data == "[DONE]" {
                    break;
                }
                let delta: Delta = apigen_runtime::stream::json(event.data).unwrap_or_else(|err| panic!("{err:?}"));
                std::hint::black_box(&delta);
                count += 1;
            }
        }
        ours.push(started.elapsed());
        assert_eq!(count, events);
        let started = Instant::now();
        let mut buffer: Vec<u8> = Vec::new();
        let mut count = 0;
        for piece in text.chunks(CHUNK) {
            buffer.extend_from_slice(piece);
            let mut start = 0;
            while let Some(end) = buffer[start..].windows(2).position(|pair| pair == b"\n\n") {
                let event = &buffer[start..start + end];
                start += end + 2;
                let Some(data) = event.strip_prefix(b"data: ") else {
                    continue;
                };
                if data == b"[DONE]" {
                    break;
                }
                let text = std::str::from_utf8(data).unwrap_or_else(|err| panic!("utf-8: {err}"));
                let delta: Delta = serde_json::from_str(text).unwrap_or_else(|err| panic!("json: {err}"));
                std::hint::black_box(&delta);
                count += 1;
            }
            buffer.drain(..start);
        }
        theirs.push(started.elapsed());
        assert_eq!(count, events);
    }
    (median(&mut ours), median(&mut theirs))
}

/// The process's peak resident set so far, in bytes (`VmHWM`); `None` off Linux.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let events = env_number("APIGEN_STREAM_EVENTS", 200_000);
    let rounds = env_number("APIGEN_STREAM_ROUNDS", 10).max(1);
    let address = start_server(Bytes::from(event_body(events)));
    let base = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|err| panic!("client runtime: {err}"));
    runtime.block_on(async {
        let client = streams::Client::builder()
            .base_url(base.clone())
            .build()
            .unwrap_or_else(|err| panic!("client: {err}"));

        // The download first, so the peak it reports is not the event runs' (small) one.
        let before = peak_rss();
        let started = Instant::now();
        let written = client
            .download_file("big.bin")
            .stream()
            .await
            .unwrap_or_else(|err| panic!("download: {err}"))
            .write_to(&mut tokio::io::sink())
            .await
            .unwrap_or_else(|err| panic!("download: {err}"));
        let took = started.elapsed();
        let after = peak_rss();
        assert_eq!(written as usize, DOWNLOAD);
        let mb = |bytes: Option<u64>| bytes.map_or("n/a".to_owned(), |bytes| format!("{:.1} MB", bytes as f64 / 1e6));
        println!(
            "download: {} MB in {:.2} s ({:.0} MB/s); process peak RSS {} before, {} after",
            DOWNLOAD / (1024 * 1024),
            took.as_secs_f64(),
            DOWNLOAD as f64 / 1e6 / took.as_secs_f64(),
            mb(before),
            mb(after)
        );

        let mut text = Vec::new();
        for index in 0..events {
            text.extend_from_slice(
                format!("data: {{\"index\":{index},\"text\":\" token\",\"finish_reason\":null}}\n\n").as_bytes(),
            );
        }
        text.extend_from_slice(b"data: [DONE]\n\n");
        let (ours, theirs) = parse_only(&text, events, rounds).await;
        println!(
            "parsing alone (no network): runtime parser {:.0} ns/event, hand-written split {:.0} ns/event; ratio {:.3}",
            ours.as_nanos() as f64 / events as f64,
            theirs.as_nanos() as f64 / events as f64,
            ours.as_secs_f64() / theirs.as_secs_f64()
        );

        let http = reqwest::Client::new();
        let url = format!("{base}/generate_stream");
        // Warm-up: connections, allocator, caches.
        assert_eq!(generated(&client).await, events);
        assert_eq!(hand_written(&http, &url).await, events);
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for round in 0..rounds {
            for turn in 0..2 {
                let started = Instant::now();
                let count = if (round + turn) % 2 == 0 {
                    generated(&client).await
                } else {
                    hand_written(&http, &url).await
                };
                let took = started.elapsed();
                assert_eq!(count, events);
                if (round + turn) % 2 == 0 {
                    ours.push(took);
                } else {
                    theirs.push(took);
                }
            }
        }
        let ours = median(&mut ours);
        let theirs = median(&mut theirs);
        let per_event = |total: Duration| total.as_nanos() as f64 / events as f64;
        println!(
            "events: {events} per stream, {rounds} rounds each, median per stream: generated {:.1} ms ({:.0} ns/event, {:.2} M events/s), hand-written reqwest {:.1} ms ({:.0} ns/event, {:.2} M events/s); ratio {:.3}",
            ours.as_secs_f64() * 1e3,
            per_event(ours),
            events as f64 / ours.as_secs_f64() / 1e6,
            theirs.as_secs_f64() * 1e3,
            per_event(theirs),
            events as f64 / theirs.as_secs_f64() / 1e6,
            ours.as_secs_f64() / theirs.as_secs_f64()
        );
    });
}
