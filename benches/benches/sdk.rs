//! SDK overhead: the generated `inboxapp` client against a hand-written `reqwest` +
//! `serde_json` call doing the same request, on the same runtime, against the same
//! loopback server.
//!
//! Two measurements, both in one process:
//!
//! 1. An interleaved latency pass: SDK and hand-written requests alternate (the order
//!    flips every pair), each one timed alone, giving p50/p99 latency and requests per
//!    second for both. With `APIGEN_BENCH_OUT=FILE` the results are written there as
//!    JSON (`cargo xtask bench` reads them).
//! 2. Criterion benchmarks of the same calls, plus decoding of a 1,000-campaign list
//!    through the runtime's response path (`RawClient::execute` + `RawResponse::json`)
//!    vs `reqwest` + `serde_json::from_slice`, over the same loopback connection.
//!
//! `cargo bench -p benches` runs everything; without `--bench` (e.g. under
//! `cargo test --benches`) each benchmark runs once and the latency pass is tiny.

use apigen_runtime::reqwest;
use apigen_runtime::{CallOptions, RequestSpec};
use criterion::{Criterion, Throughput};
use inboxapp::types::Campaign;
use std::future::Future;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The seed Campaign every campaign endpoint of the server returns.
const SEED: &str = include_str!("../../tests/fixtures/payloads/campaign-seed.json");
const CAMPAIGN_ID: &str = "usdjpdql3f90seqk13rwuo7z";
const TOKEN: &str = "bench-token";
/// Campaigns in the large list response.
const LIST_LEN: usize = 1000;
/// A path the spec does not describe, served with `LIST_LEN` campaigns.
const LIST_PATH: &str = "/bench/campaigns";

// --- loopback server ----------------------------------------------------------------

/// Responses the server sends, complete with status line and headers.
struct Responses {
    campaign: Vec<u8>,
    list: Vec<u8>,
    not_found: Vec<u8>,
}

fn http_response(status: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Starts a keep-alive HTTP/1.1 server on its own thread and runtime (so it never
/// competes with the client's runtime for a scheduler), answering every request from
/// precomputed bytes.
fn start_server(list_body: &[u8]) -> SocketAddr {
    let responses = Arc::new(Responses {
        campaign: http_response("200 OK", SEED.as_bytes()),
        list: http_response("200 OK", list_body),
        not_found: http_response("404 Not Found", br#"{"error":"not found"}"#),
    });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("non-blocking listener");
    let address = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, Arc::clone(&responses)));
            }
        });
    });
    address
}

async fn serve(mut stream: tokio::net::TcpStream, responses: Arc<Responses>) {
    let mut buffer: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                break position;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default();
        let path = request_line.split(' ').nth(1).unwrap_or_default().to_owned();
        let length = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let total = head_end + 4 + length;
        while buffer.len() < total {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            }
        }
        buffer.drain(..total);
        let reply = if path.ends_with(LIST_PATH) {
            &responses.list
        } else if path.contains("/campaigns/") {
            &responses.campaign
        } else {
            &responses.not_found
        };
        if stream.write_all(reply).await.is_err() {
            return;
        }
    }
}

// --- the calls being compared -------------------------------------------------------

struct Fixture {
    runtime: tokio::runtime::Runtime,
    sdk: inboxapp::Client,
    http: reqwest::Client,
    base_url: String,
    list_body: Vec<u8>,
}

impl Fixture {
    fn new() -> Self {
        let seed: serde_json::Value = serde_json::from_str(SEED).expect("seed is JSON");
        let list: Vec<serde_json::Value> = (0..LIST_LEN)
            .map(|index| {
                let mut campaign = seed.clone();
                campaign["id"] = format!("bench{index:019}").into();
                campaign
            })
            .collect();
        let list_body = serde_json::to_vec(&list).expect("list serialises");
        let address = start_server(&list_body);
        let base_url = format!("http://{address}/api/v1");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");
        // Both clients are built inside the runtime, as an application would.
        let (sdk, http) = runtime.block_on(async {
            let sdk = inboxapp::Client::builder()
                .bearer_token(TOKEN)
                .base_url(&base_url)
                .build()
                .expect("SDK client");
            (sdk, reqwest::Client::new())
        });
        Self {
            runtime,
            sdk,
            http,
            base_url,
            list_body,
        }
    }

    async fn sdk_get(&self) -> Campaign {
        self.sdk.get_campaign(CAMPAIGN_ID).await.expect("SDK get_campaign")
    }

    async fn sdk_pause(&self) -> Campaign {
        self.sdk.pause_campaign(CAMPAIGN_ID).await.expect("SDK pause_campaign")
    }

    /// The runtime's request and response path for an operation the spec lacks.
    async fn sdk_list(&self) -> Vec<Campaign> {
        let spec = RequestSpec::new(reqwest::Method::GET, LIST_PATH, LIST_PATH.to_owned());
        let raw = self
            .sdk
            .raw()
            .execute::<inboxapp::ErrorBody>(spec, &CallOptions::default())
            .await
            .expect("SDK list");
        raw.json::<Vec<Campaign>, inboxapp::ErrorBody>()
            .expect("SDK list decodes")
            .into_body()
    }

    async fn hand_get(&self) -> Campaign {
        self.http
            .get(format!("{}/campaigns/{CAMPAIGN_ID}", self.base_url))
            .bearer_auth(TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("hand get")
            .json()
            .await
            .expect("hand get decodes")
    }

    async fn hand_pause(&self) -> Campaign {
        self.http
            .post(format!("{}/campaigns/{CAMPAIGN_ID}/pause", self.base_url))
            .bearer_auth(TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .json(&serde_json::json!({}))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("hand pause")
            .json()
            .await
            .expect("hand pause decodes")
    }

    async fn hand_list(&self) -> Vec<Campaign> {
        let bytes = self
            .http
            .get(format!("{}{LIST_PATH}", self.base_url))
            .bearer_auth(TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("hand list")
            .bytes()
            .await
            .expect("hand list body");
        serde_json::from_slice(&bytes).expect("hand list decodes")
    }
}

// --- interleaved latency pass -------------------------------------------------------

struct Latencies {
    samples: Vec<Duration>,
}

impl Latencies {
    fn json(&mut self) -> serde_json::Value {
        self.samples.sort();
        let total: Duration = self.samples.iter().sum();
        let count = self.samples.len().max(1);
        let percentile = |p: f64| {
            let index = ((count as f64 * p).ceil() as usize).clamp(1, count) - 1;
            self.samples.get(index).copied().unwrap_or_default().as_secs_f64() * 1e6
        };
        serde_json::json!({
            "p50_us": percentile(0.50),
            "p99_us": percentile(0.99),
            "mean_us": total.as_secs_f64() * 1e6 / count as f64,
            "rps": count as f64 / total.as_secs_f64().max(f64::MIN_POSITIVE),
        })
    }
}

/// Runs `sdk` and `hand` alternately `rounds` times each (after `rounds / 10` warm-up
/// rounds), flipping which goes first every round; returns both latency sets.
fn interleave<'f, S, H, SF, HF>(fixture: &'f Fixture, rounds: usize, sdk: S, hand: H) -> (Latencies, Latencies)
where
    S: Fn(&'f Fixture) -> SF,
    H: Fn(&'f Fixture) -> HF,
    SF: Future,
    HF: Future,
{
    fixture.runtime.block_on(async {
        for _ in 0..rounds / 10 {
            black_box(sdk(fixture).await);
            black_box(hand(fixture).await);
        }
        let mut ours = Vec::with_capacity(rounds);
        let mut theirs = Vec::with_capacity(rounds);
        for round in 0..rounds {
            for turn in 0..2 {
                let started = Instant::now();
                if (round + turn) % 2 == 0 {
                    black_box(sdk(fixture).await);
                    ours.push(started.elapsed());
                } else {
                    black_box(hand(fixture).await);
                    theirs.push(started.elapsed());
                }
            }
        }
        (Latencies { samples: ours }, Latencies { samples: theirs })
    })
}

fn latency_pass(fixture: &Fixture, full: bool) -> serde_json::Value {
    let small = if full { 5000 } else { 3 };
    let large = if full { 200 } else { 2 };
    let mut scenarios = Vec::new();
    let mut record = |name: &str, rounds: usize, (mut sdk, mut hand): (Latencies, Latencies)| {
        let (sdk, hand) = (sdk.json(), hand.json());
        println!(
            "{name}: SDK p50 {:.1} µs, p99 {:.1} µs | hand-written p50 {:.1} µs, p99 {:.1} µs ({rounds} each)",
            sdk["p50_us"].as_f64().unwrap_or_default(),
            sdk["p99_us"].as_f64().unwrap_or_default(),
            hand["p50_us"].as_f64().unwrap_or_default(),
            hand["p99_us"].as_f64().unwrap_or_default(),
        );
        scenarios.push(serde_json::json!({"name": name, "requests": rounds, "sdk": sdk, "hand": hand}));
    };
    record(
        "get_campaign",
        small,
        interleave(fixture, small, Fixture::sdk_get, Fixture::hand_get),
    );
    record(
        "pause_campaign",
        small,
        interleave(fixture, small, Fixture::sdk_pause, Fixture::hand_pause),
    );
    record(
        "list_1000_campaigns",
        large,
        interleave(fixture, large, Fixture::sdk_list, Fixture::hand_list),
    );
    serde_json::json!({
        "list_len": LIST_LEN,
        "list_bytes": fixture.list_body.len(),
        "scenarios": scenarios,
    })
}

// --- criterion ----------------------------------------------------------------------

/// Times `iterations` sequential awaits of `call` on the fixture's runtime.
fn timed<'f, C, F>(fixture: &'f Fixture, call: C) -> impl FnMut(u64) -> Duration + 'f
where
    C: Fn(&'f Fixture) -> F + 'f,
    F: Future,
{
    move |iterations| {
        fixture.runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..iterations {
                black_box(call(fixture).await);
            }
            started.elapsed()
        })
    }
}

fn criterion_benches(criterion: &mut Criterion, fixture: &Fixture) {
    let mut group = criterion.benchmark_group("get_campaign");
    group.bench_function("sdk", |b| b.iter_custom(timed(fixture, Fixture::sdk_get)));
    group.bench_function("hand", |b| b.iter_custom(timed(fixture, Fixture::hand_get)));
    group.finish();

    let mut group = criterion.benchmark_group("pause_campaign");
    group.bench_function("sdk", |b| b.iter_custom(timed(fixture, Fixture::sdk_pause)));
    group.bench_function("hand", |b| b.iter_custom(timed(fixture, Fixture::hand_pause)));
    group.finish();

    let bytes = fixture.list_body.len() as u64;
    let mut group = criterion.benchmark_group("list_1000_http");
    group.throughput(Throughput::Bytes(bytes)).sample_size(20);
    group.bench_function("sdk", |b| b.iter_custom(timed(fixture, Fixture::sdk_list)));
    group.bench_function("hand", |b| b.iter_custom(timed(fixture, Fixture::hand_list)));
    group.finish();
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let fixture = Fixture::new();
    let report = latency_pass(&fixture, full);
    if let Some(path) = std::env::var_os("APIGEN_BENCH_OUT") {
        let text = serde_json::to_string_pretty(&report).expect("report serialises");
        std::fs::write(&path, text).expect("write APIGEN_BENCH_OUT");
    }
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .configure_from_args();
    criterion_benches(&mut criterion, &fixture);
    criterion.final_summary();
}
