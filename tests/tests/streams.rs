//! Streamed bodies end to end, without the corpus: the client generated from
//! `fixtures/specs/streams.yaml` (its snapshot, compiled here as a module) against the
//! loopback [`StreamServer`]: server-sent events (whole streams, heartbeats, CRLF and
//! CR line ends, a UTF-8 character split across chunks, the `[DONE]` marker, cut-off
//! connections, oversize and undecodable events, errors before the stream, idle
//! timeouts, early drops, reconnection), JSON lines and JSON text sequences, byte
//! downloads and uploads, raw requests, extra per-call members, and the mock's
//! stream replies.

#[rustfmt::skip] // generated, already formatted by prettyplease
#[warn(missing_docs)]
#[path = "../snapshots/streams/mod.rs"]
pub mod streams;

use apigen_runtime::stream::Event;
use futures_util::StreamExt;
use std::time::Duration;
use streams::types::{ChatRequest, Delta, Prompt, Record};
use streams::Error;
use tests::stream_server::{Script, StreamServer};

fn client(server: &StreamServer) -> streams::Client {
    streams::Client::builder()
        .base_url(server.base_url())
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap_or_else(|err| panic!("client builds: {err}"))
}

fn delta(index: i64, text: &str) -> String {
    format!("data: {{\"index\":{index},\"text\":\"{text}\"}}\n\n")
}

/// Every item of `stream`, in order (errors included), up to its end.
async fn collect<S: futures_util::Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap_or_else(|_| panic!("the stream neither yields nor ends"))
    {
        items.push(item);
    }
    items
}

fn texts(items: &[Result<Event<Delta>, Error>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(event) => event.data.text.clone(),
            Err(err) => format!("error: {err}"),
        })
        .collect()
}

#[tokio::test]
async fn a_whole_generation_ends_at_the_done_marker() {
    let server = StreamServer::start([Script::events()
        .chunk("event: token\nid: 1\n".to_owned() + &delta(0, "Hel"))
        .chunk(delta(1, "lo"))
        .chunk("data: {\"index\":2,\"text\":\"!\",\"finish_reason\":\"stop\"}\n\n")
        .chunk("data: [DONE]\n\n")
        .chunk(delta(3, "never read"))])
    .await;
    let client = client(&server);
    let stream = client
        .generate_stream(Prompt::new("Say hello"))
        .await
        .unwrap_or_else(|err| panic!("stream starts: {err}"));
    let items = collect(stream).await;
    assert_eq!(texts(&items), ["Hel", "lo", "!"]);
    let first = items[0].as_ref().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(first.event.as_deref(), Some("token"));
    assert_eq!(first.id.as_deref(), Some("1"));
    assert_eq!(first.data.index, 0);
    let last = items[2].as_ref().unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        last.data.finish_reason,
        Some(apigen_runtime::Nullable::Value("stop".to_owned()))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/generate_stream");
    assert_eq!(requests[0].header("accept"), Some("text/event-stream"));
    assert_eq!(requests[0].json(), serde_json::json!({"inputs": "Say hello"}));
}

#[tokio::test]
async fn heartbeats_crlf_cr_and_a_split_utf8_character() {
    let split = "data: {\"index\":1,\"text\":\"caf\u{e9} \u{1f600}\"}\r\n\r\n"
        .as_bytes()
        .to_vec();
    let cut = split.iter().position(|byte| *byte == 0xc3).map_or(10, |at| at + 1);
    let emoji = split.iter().position(|byte| *byte == 0xf0).map_or(20, |at| at + 2);
    let server = StreamServer::start([Script::events()
        .chunk(": keep-alive\r\n\r\n")
        .chunk(delta(0, "crlf").replace('\n', "\r\n"))
        .chunk(&split[..cut])
        .chunk(&split[cut..emoji])
        .chunk(&split[emoji..])
        .chunk(":\n\n")
        .chunk("data: {\"index\":2,\r")
        .chunk("data: \"text\":\"cr\"}\r\r")
        .chunk("data: [DONE]\r\n\r\n")])
    .await;
    let client = client(&server);
    let stream = client
        .generate_stream(Prompt::new("x"))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let items = collect(stream).await;
    assert_eq!(texts(&items), ["crlf", "caf\u{e9} \u{1f600}", "cr"]);
}

#[tokio::test]
async fn a_cut_off_connection_is_an_error_item_and_a_post_is_not_sent_again() {
    let server = StreamServer::start([
        Script::events()
            .chunk(delta(0, "a"))
            .chunk("data: {\"index\":1,")
            .cut_off(),
        Script::events().chunk(delta(9, "resent")),
    ])
    .await;
    let client = client(&server);
    let stream = client
        .generate_stream(Prompt::new("x"))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let items = collect(stream).await;
    assert_eq!(items.len(), 2, "{:?}", texts(&items));
    assert_eq!(texts(&items)[0], "a");
    match &items[1] {
        Err(Error::Connection { message, .. }) => assert!(message.contains("cut off"), "{message}"),
        other => panic!("expected a connection error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1, "a POST stream is never re-sent on its own");
}

#[tokio::test]
async fn a_post_stream_reconnects_only_when_asked_to() {
    let server = StreamServer::start([
        Script::events()
            .chunk("retry: 5\nid: 7\n".to_owned() + &delta(0, "a"))
            .cut_off(),
        Script::events()
            .chunk("id: 8\n".to_owned() + &delta(1, "b"))
            .chunk("data: [DONE]\n\n"),
    ])
    .await;
    let client = client(&server);
    let stream = client
        .generate_stream(Prompt::new("x"))
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .reconnect(1);
    let items = collect(stream).await;
    assert_eq!(texts(&items), ["a", "b"]);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].header("last-event-id"), Some("7"));
    assert_eq!(requests[1].json(), serde_json::json!({"inputs": "x"}));
}

#[tokio::test]
async fn a_get_stream_reconnects_with_last_event_id() {
    let tick = |id: u32, price: f64| format!("id: {id}\nretry: 5\ndata: {{\"symbol\":\"ACME\",\"price\":{price}}}\n\n");
    let server = StreamServer::start([
        Script::events().chunk(tick(1, 1.5)).chunk(tick(2, 1.75)).cut_off(),
        Script::json(503, "{\"error\":\"busy\"}"),
        Script::events().chunk(tick(3, 2.0)),
    ])
    .await;
    let client = client(&server);
    let stream = client
        .watch_ticks()
        .symbol("ACME")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let items = collect(stream).await;
    let prices: Vec<f64> = items
        .iter()
        .map(|item| match item {
            Ok(event) => event.data.price,
            Err(err) => panic!("unexpected error item: {err}"),
        })
        .collect();
    assert_eq!(prices, [1.5, 1.75, 2.0]);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "the reconnection's 503 is retried like any GET");
    assert_eq!(requests[0].header("last-event-id"), None);
    assert_eq!(requests[1].header("last-event-id"), Some("2"));
    assert_eq!(requests[2].header("last-event-id"), Some("2"));
    assert_eq!(requests[2].query.as_deref(), Some("symbol=ACME"));
}

#[tokio::test]
async fn an_oversize_event_is_skipped_and_an_undecodable_one_keeps_its_text() {
    let big = format!("data: {{\"index\":0,\"text\":\"{}\"}}\n\n", "x".repeat(4096));
    let server = StreamServer::start([Script::events()
        .chunk(&big[..1000])
        .chunk(&big[1000..])
        .chunk("data: {\"index\":\"one\",\"text\":\"bad\"}\n\n")
        .chunk(delta(2, "fine"))])
    .await;
    let client = client(&server);
    let stream = client
        .generate_stream(Prompt::new("x"))
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .max_event_size(1024);
    let items = collect(stream).await;
    assert_eq!(items.len(), 3);
    assert!(
        matches!(items[0], Err(Error::ItemTooLarge { limit: 1024 })),
        "{:?}",
        items[0]
    );
    match &items[1] {
        Err(Error::UnexpectedResponse(unexpected)) => {
            assert_eq!(&unexpected.raw[..], b"{\"index\":\"one\",\"text\":\"bad\"}");
            assert_eq!(unexpected.path.as_deref(), Some("index"));
            assert_eq!(unexpected.content_type.as_deref(), Some("text/event-stream"));
        }
        other => panic!("expected the undecodable event, got {other:?}"),
    }
    assert_eq!(texts(&items)[2], "fine");
}

#[tokio::test]
async fn an_error_status_before_the_stream_is_the_typed_api_error() {
    let server = StreamServer::start([
        Script::json(429, "{\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}")
            .header("retry-after", "0"),
        Script::json(
            422,
            "{\"error\":\"Input validation error\",\"error_type\":\"validation\"}",
        ),
    ])
    .await;
    let client = client(&server);
    match client.generate_stream(Prompt::new("x")).await {
        Err(Error::Api(api)) => {
            assert_eq!(api.status, 422, "the 429 was retried, the 422 was not");
            assert_eq!(
                api.body.as_ref().map(|body| body.error.as_str()),
                Some("Input validation error")
            );
        }
        other => panic!("expected the API error, got {:?}", other.map(|_| "a stream")),
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_consumer_that_stops_early_releases_the_connection() {
    let server = StreamServer::start([Script::events()
        .chunk(delta(0, "first"))
        .heartbeat_until_closed(Duration::from_millis(5))])
    .await;
    let client = client(&server);
    let mut stream = client
        .generate_stream(Prompt::new("x"))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let first = stream.next().await;
    assert!(matches!(first, Some(Ok(_))), "{first:?}");
    drop(stream);
    for _ in 0..400 {
        if server.released() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server still writes to a connection the client dropped");
}

#[tokio::test]
async fn the_body_is_read_only_as_fast_as_the_consumer_polls() {
    // 64 MB of events on offer; the consumer takes one and then stops polling.
    let chunk: String = (0..256).map(|index| delta(index, "token")).collect();
    let times = (64 << 20) / chunk.len();
    let server = StreamServer::start([Script::events().chunk(delta(0, "first")).flood(&chunk, times)]).await;
    let client = client(&server);
    let mut stream = client
        .generate_stream(Prompt::new("x"))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(matches!(stream.next().await, Some(Ok(_))));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let written = server.written();
    assert!(
        written < 16 << 20,
        "the client read {written} bytes ahead of a consumer that stopped polling"
    );
    // Polling again resumes the flow: the server gets to write more.
    let mut read = 0usize;
    while server.written() == written {
        assert!(matches!(stream.next().await, Some(Ok(_))), "the stream ended early");
        read += 1;
        assert!(read < 2_000_000, "the server never got to write more");
    }
    println!(
        "read ahead while paused: {written} bytes of {} on offer",
        times * chunk.len()
    );
}

#[tokio::test]
async fn a_silent_server_times_the_stream_out() {
    let server = StreamServer::start([Script::events()
        .chunk(delta(0, "a"))
        .pause(Duration::from_millis(600))
        .chunk(delta(1, "late"))])
    .await;
    let client = client(&server);
    let stream = client
        .generate_stream(Prompt::new("x"))
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let items = collect(stream).await;
    assert_eq!(items.len(), 2);
    assert!(matches!(items[1], Err(Error::Timeout { .. })), "{:?}", items[1]);
}

#[tokio::test]
async fn the_plain_call_asks_for_json_and_stream_asks_for_events() {
    let server = StreamServer::start([
        Script::json(200, "{\"text\":\"whole\"}"),
        Script::events().chunk(delta(0, "part")).chunk("data: [DONE]\n\n"),
    ])
    .await;
    let client = client(&server);
    let mut request = ChatRequest::new("hi");
    request.max_tokens = Some(5);
    let whole = client.chat(request.clone()).await.unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(whole.text, "whole");
    let stream = client
        .chat(request)
        .stream()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(texts(&collect(stream).await), ["part"]);
    let requests = server.requests();
    assert_eq!(requests[0].header("accept"), Some("application/json"));
    assert_eq!(
        requests[0].json(),
        serde_json::json!({"prompt": "hi", "max_tokens": 5, "stream": false})
    );
    assert_eq!(requests[1].header("accept"), Some("text/event-stream"));
    assert_eq!(
        requests[1].json(),
        serde_json::json!({"prompt": "hi", "max_tokens": 5, "stream": true})
    );
}

#[tokio::test]
async fn text_events_keep_their_data() {
    let server = StreamServer::start([Script::events()
        .chunk("data: first line\ndata: second line\n\n")
        .chunk("data: {not json}\n\n")])
    .await;
    let client = client(&server);
    let stream = client.tail_logs().await.unwrap_or_else(|err| panic!("{err}"));
    let lines: Vec<String> = collect(stream)
        .await
        .into_iter()
        .map(|item| item.map(|event| event.data).unwrap_or_else(|err| panic!("{err}")))
        .collect();
    assert_eq!(lines, ["first line\nsecond line", "{not json}"]);
}

#[tokio::test]
async fn json_lines_and_json_sequences() {
    let server = StreamServer::start([
        Script::chunked(200, "application/x-ndjson")
            .chunk("{\"id\":1}\n{\"id\":2,\"na")
            .chunk("me\":\"two\"}\r\n\n")
            .chunk("{\"id\":\"bad\"}\n{\"id\":3}"),
        Script::chunked(200, "application/json-seq").chunk("\u{1e}{\"id\":1}\n\u{1e}{\"id\":2}\n"),
        Script::chunked(200, "application/x-ndjson")
            .chunk("{\"id\":1}\n{\"id\":")
            .cut_off(),
    ])
    .await;
    let client = client(&server);
    let lines = collect(client.export_records().await.unwrap_or_else(|err| panic!("{err}"))).await;
    let ids: Vec<String> = lines
        .iter()
        .map(|line| match line {
            Ok(record) => format!("{}{}", record.id, record.name.as_deref().unwrap_or("")),
            Err(err) => format!(
                "error: {}",
                err.raw_body()
                    .map(|raw| String::from_utf8_lossy(raw).into_owned())
                    .unwrap_or_default()
            ),
        })
        .collect();
    assert_eq!(ids, ["1", "2two", "error: {\"id\":\"bad\"}", "3"]);
    let sequence = collect(client.export_sequence().await.unwrap_or_else(|err| panic!("{err}"))).await;
    let ids: Vec<i64> = sequence
        .into_iter()
        .map(|record: Result<Record, Error>| record.map(|record| record.id).unwrap_or(-1))
        .collect();
    assert_eq!(ids, [1, 2]);
    let cut = collect(client.export_records().await.unwrap_or_else(|err| panic!("{err}"))).await;
    assert_eq!(cut.len(), 2);
    assert!(matches!(cut[1], Err(Error::Connection { .. })), "{:?}", cut[1]);
    assert_eq!(server.requests()[0].header("accept"), Some("application/x-ndjson"));
}

#[tokio::test]
async fn a_download_streams_to_a_writer_and_to_a_file() {
    let chunks: Vec<Vec<u8>> = (0..64u8).map(|index| vec![index; 1000]).collect();
    let expected: Vec<u8> = chunks.concat();
    let server = StreamServer::start([
        Script::chunked(200, "application/octet-stream").burst(chunks.clone()),
        Script::chunked(200, "application/octet-stream").burst(chunks.clone()),
        Script::chunked(200, "application/octet-stream")
            .burst(chunks[..3].to_vec())
            .cut_off(),
        Script::chunked(200, "application/octet-stream").burst(chunks.clone()),
    ])
    .await;
    let client = client(&server);
    let mut written = Vec::new();
    let count = client
        .download_file("report.bin")
        .stream()
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .write_to(&mut written)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!((count, written == expected), (64_000, true));
    let dir = std::env::temp_dir().join(format!("apigen-streams-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
    let path = dir.join("report.bin");
    let saved = client
        .download_file("report.bin")
        .stream()
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .save_to(&path)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(saved, 64_000);
    assert_eq!(std::fs::read(&path).unwrap_or_default(), expected);
    let cut = client
        .download_file("report.bin")
        .stream()
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .write_to(&mut Vec::new())
        .await;
    assert!(matches!(cut, Err(Error::Connection { .. })), "{cut:?}");
    // The plain call still reads the body whole.
    let whole = client
        .download_file("report.bin")
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(&whole[..], &expected[..]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn uploads_from_a_file_and_from_a_stream_carry_their_length() {
    let server = StreamServer::start([Script::json(204, ""), Script::json(204, ""), Script::json(204, "")]).await;
    let client = client(&server);
    let dir = std::env::temp_dir().join(format!("apigen-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|err| panic!("{err}"));
    let path = dir.join("upload.bin");
    std::fs::write(&path, vec![7u8; 5000]).unwrap_or_else(|err| panic!("{err}"));
    client
        .upload_file("a.bin", apigen_runtime::Upload::file(&path))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let parts: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(b"hello ".to_vec()), Ok(b"world".to_vec())];
    client
        .upload_file(
            "b.txt",
            apigen_runtime::Upload::stream(futures_util::stream::iter(parts), Some(11)),
        )
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    client
        .upload_file("c.bin", b"bytes".to_vec())
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let requests = server.requests();
    assert_eq!(requests[0].body, vec![7u8; 5000]);
    assert_eq!(requests[0].header("content-length"), Some("5000"));
    assert_eq!(requests[0].header("content-type"), Some("application/octet-stream"));
    assert_eq!(requests[1].body, b"hello world");
    assert_eq!(requests[1].header("content-length"), Some("11"));
    assert_eq!(requests[2].body, b"bytes");
    let missing = client
        .upload_file("d.bin", apigen_runtime::Upload::file(dir.join("missing.bin")))
        .await;
    assert!(matches!(missing, Err(Error::Io { .. })), "{missing:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn raw_requests_use_the_client_and_decode_any_type() {
    let server = StreamServer::start([
        Script::json(200, "{\"version\":\"2.4\"}"),
        Script::json(404, "{\"error\":\"no such model\"}"),
        Script::events().chunk("data: {\"n\":1}\n\n").chunk("data: [DONE]\n\n"),
        Script::json(200, "{}"),
    ])
    .await;
    let client = streams::Client::builder()
        .base_url(server.base_url())
        .default_header("x-team", "blue")
        .build()
        .unwrap_or_else(|err| panic!("{err}"));
    #[derive(serde::Deserialize)]
    struct Version {
        version: String,
    }
    let found: Version = client
        .request(apigen_runtime::reqwest::Method::GET, "/models/{id}/version")
        .path_param("id", "llama 3/8b")
        .query("verbose", &true)
        .send()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(found.version, "2.4");
    let missing = client
        .request(apigen_runtime::reqwest::Method::GET, "/models/x")
        .max_retries(0)
        .send::<serde_json::Value>()
        .await;
    match missing {
        Err(Error::Api(api)) => assert_eq!(api.body.map(|body| body.error), Some("no such model".to_owned())),
        other => panic!("expected the typed API error, got {other:?}"),
    }
    let events = client
        .request(apigen_runtime::reqwest::Method::POST, "/v2/stream")
        .json(&serde_json::json!({"q": 1}))
        .events::<serde_json::Value>()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let values: Vec<serde_json::Value> = collect(events)
        .await
        .into_iter()
        .map(|item| item.map(|event| event.data).unwrap_or_else(|err| panic!("{err}")))
        .collect();
    assert_eq!(values, [serde_json::json!({"n": 1})]);
    let unfilled = client
        .request(apigen_runtime::reqwest::Method::GET, "/models/{id}")
        .send::<serde_json::Value>()
        .await;
    assert!(matches!(unfilled, Err(Error::InvalidArgument { .. })), "{unfilled:?}");
    // Extra members on a generated call: a query parameter and a body member the
    // spec does not list.
    client
        .upload_file("x", b"1".to_vec())
        .extra_query("overwrite", true)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    let requests = server.requests();
    assert_eq!(requests[0].path, "/models/llama%203%2F8b/version");
    assert_eq!(requests[0].query.as_deref(), Some("verbose=true"));
    assert_eq!(requests[0].header("x-team"), Some("blue"));
    assert_eq!(requests[2].header("accept"), Some("text/event-stream"));
    assert_eq!(requests[3].query.as_deref(), Some("overwrite=true"));
}

#[tokio::test]
async fn extra_body_members_reach_the_json_body() {
    let server = StreamServer::start([Script::json(200, "{\"text\":\"ok\"}")]).await;
    let client = client(&server);
    client
        .chat(ChatRequest::new("hi"))
        .extra_body_member("top_k", 40)
        .extra_body_member("stream", false)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(
        server.requests()[0].json(),
        serde_json::json!({"prompt": "hi", "stream": false, "top_k": 40})
    );
}

#[cfg(feature = "mock")]
#[tokio::test]
async fn the_mock_answers_with_events_cut_off_streams_and_chunks() {
    let mock = streams::mock::MockServer::start()
        .await
        .unwrap_or_else(|err| panic!("mock starts: {err}"));
    // The most recently registered mock that still matches answers.
    mock.generate_stream().respond_events_cut_off([Delta::new(0, "c")]);
    mock.generate_stream()
        .times(1)
        .respond_events([Delta::new(0, "a"), Delta::new(1, "b")]);
    mock.download_file()
        .respond_chunks(vec![b"ab".to_vec(), b"cd".to_vec()]);
    let client = mock
        .client_builder()
        .max_retries(0)
        .build()
        .unwrap_or_else(|err| panic!("{err}"));
    let whole = collect(
        client
            .generate_stream(Prompt::new("x"))
            .await
            .unwrap_or_else(|err| panic!("{err}")),
    )
    .await;
    assert_eq!(texts(&whole), ["a", "b"]);
    let cut = collect(
        client
            .generate_stream(Prompt::new("x"))
            .await
            .unwrap_or_else(|err| panic!("{err}")),
    )
    .await;
    assert_eq!(cut.len(), 2);
    assert!(matches!(cut[1], Err(Error::Connection { .. })), "{:?}", cut[1]);
    let bytes = client
        .download_file("f")
        .stream()
        .await
        .unwrap_or_else(|err| panic!("{err}"))
        .collect()
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(&bytes[..], b"abcd");
}
