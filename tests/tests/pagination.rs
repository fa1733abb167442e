//! Pagination streams against the loopback server: they follow the cursor, keep the
//! caller's filters on every page, and stop at the end.

use futures_util::StreamExt;
use inboxapp::types::{SortOrder, ThreadFilters, ThreadTagFilter};
use inboxapp::Client;
use tests::{Reply, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder()
        .bearer_token("t")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .expect("client builds")
}

fn event(seq: u64) -> serde_json::Value {
    serde_json::json!({
        "id": format!("evt{seq}"),
        "seq": seq,
        "teamId": "hzcai5t59nn9vsck3rbuepyg",
        "type": "thread.archived",
        "timestamp": "2026-02-01T10:00:00.000Z",
        "version": "1.0",
        "data": {}
    })
}

#[tokio::test]
async fn events_follow_last_seq_until_has_more_is_false() {
    let server = TestServer::start().await;
    server.push(Reply::json(
        200,
        serde_json::json!({"events": [event(1), event(2)], "hasMore": true, "lastSeq": 2}).to_string(),
    ));
    server.push(Reply::json(
        200,
        serde_json::json!({"events": [event(3)], "hasMore": true, "lastSeq": 3}).to_string(),
    ));
    server.push(Reply::json(
        200,
        serde_json::json!({"events": [event(4)], "hasMore": false, "lastSeq": 4}).to_string(),
    ));
    server.fallback(Reply::json(500, "{}"));

    let events: Vec<_> = client(&server).list_events().limit(2).items().collect().await;

    let seqs: Vec<u64> = events.into_iter().map(|event| event.expect("page ok").seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    let queries: Vec<Option<String>> = server.requests().into_iter().map(|request| request.query).collect();
    assert_eq!(
        queries,
        [
            Some("limit=2".to_owned()),
            Some("afterSeq=2&limit=2".to_owned()),
            Some("afterSeq=3&limit=2".to_owned())
        ]
    );
}

#[tokio::test]
async fn threads_keep_filters_on_every_page_and_stop_at_a_null_cursor() {
    let server = TestServer::start().await;
    let page = |cursor: Option<(&str, &str)>| {
        let next = cursor.map(|(id, at)| serde_json::json!({"id": id, "timestamp": at}));
        Reply::json(200, serde_json::json!({"threads": [], "nextCursor": next}).to_string())
    };
    server.push(page(Some(("c1", "2026-01-02T00:00:00.000Z"))));
    server.push(page(Some(("c2", "2026-01-01T00:00:00.000Z"))));
    server.push(page(None));
    server.fallback(Reply::json(500, "{}"));

    let filters = ThreadFilters {
        tags: Some(ThreadTagFilter {
            selected_ids: Some(vec!["tag1".into(), "tag2".into()]),
            no_tags: Some(true),
        }),
        sort_order: Some(SortOrder::Asc),
        ..ThreadFilters::default()
    };
    let pages: Vec<_> = client(&server)
        .list_threads()
        .account_link_ids(vec!["acc1".into(), "acc2".into()])
        .filters(filters)
        .limit(20)
        .pages()
        .collect()
        .await;

    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(Result::is_ok));
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "stops after the page whose nextCursor is null");
    let filter_part = "filters[tags][selectedIds][0]=tag1&filters[tags][selectedIds][1]=tag2&filters[tags][noTags]=true&filters[sortOrder]=asc";
    for request in &requests {
        let query = request.query.as_deref().unwrap_or_default();
        assert!(query.starts_with("accountLinkIds=acc1&accountLinkIds=acc2"), "{query}");
        assert!(query.contains(filter_part), "filters missing from {query}");
        assert!(query.ends_with("limit=20"), "{query}");
        assert_eq!(request.path, "/api/v1/threads");
    }
    let first = requests[0].query.as_deref().unwrap_or_default();
    // The cursor goes back exactly as the server wrote it (date-times keep their text).
    assert!(!first.contains("cursorId"), "{first}");
    let second = requests[1].query.as_deref().unwrap_or_default();
    assert!(
        second.contains("cursorId=c1&cursorTimestamp=2026-01-02T00%3A00%3A00.000Z"),
        "{second}"
    );
    let third = requests[2].query.as_deref().unwrap_or_default();
    assert!(
        third.contains("cursorId=c2&cursorTimestamp=2026-01-01T00%3A00%3A00.000Z"),
        "{third}"
    );
}

#[tokio::test]
async fn a_repeated_cursor_stops_the_stream() {
    let server = TestServer::start().await;
    let body = serde_json::json!({"data": [], "nextCursor": "same"}).to_string();
    server.fallback(Reply::json(200, body));

    let pages: Vec<_> = client(&server).list_import_jobs("list1").pages().collect().await;

    assert_eq!(pages.len(), 2, "second page repeats the cursor, so paging stops");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_being_yielded() {
    let server = TestServer::start().await;
    server.push(Reply::json(
        200,
        serde_json::json!({"events": [event(1)], "hasMore": true, "lastSeq": 1}).to_string(),
    ));
    server.push(Reply::json(
        404,
        r#"{"error":{"code":"NOT_FOUND","message":"gone","status":404}}"#,
    ));

    let results: Vec<_> = client(&server).list_events().items().collect().await;

    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(results[1].as_ref().err().and_then(|error| error.status()), Some(404));
    assert_eq!(server.requests().len(), 2);
}
