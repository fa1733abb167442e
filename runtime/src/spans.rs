//! Span bookkeeping for the optional `tracing` feature: an `apigen.request` span per
//! call, an `apigen.attempt` span per attempt, a debug event per retry. Without the
//! feature every function here compiles to nothing.

use crate::error::Error;
use std::time::Duration;

/// A short, stable name for an error's kind, used as a span field value.
#[cfg(feature = "tracing")]
fn kind<E>(error: &Error<E>) -> &'static str {
    match error {
        Error::InvalidArgument { .. } => "invalid_argument",
        Error::Config { .. } => "config",
        Error::Timeout { .. } => "timeout",
        Error::Connection { .. } => "connection",
        Error::RateLimited { .. } => "rate_limited",
        Error::MissingCredentials { .. } => "missing_credentials",
        Error::Authentication { .. } => "authentication",
        Error::Api(_) => "api",
        Error::UnexpectedResponse(_) => "unexpected_response",
        Error::ItemTooLarge { .. } => "item_too_large",
        Error::Io { .. } => "io",
    }
}

/// Records the status of the current attempt.
pub(crate) fn attempt_status(status: u16) {
    #[cfg(feature = "tracing")]
    tracing::Span::current().record("status", status);
    #[cfg(not(feature = "tracing"))]
    let _ = status;
}

/// Records a transport failure (no status) on the current attempt.
pub(crate) fn attempt_failed<E>(error: Error<E>) -> Error<E> {
    #[cfg(feature = "tracing")]
    tracing::Span::current().record("error", kind(&error));
    error
}

/// Logs a retry decision.
pub(crate) fn retrying<E>(attempt: u32, wait: Duration, error: &Error<E>) {
    #[cfg(feature = "tracing")]
    tracing::debug!(
        attempt,
        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        status = error.status(),
        reason = kind(error),
        "retrying",
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (attempt, wait, error);
}

/// Records the time a call spent queued or paused before its attempts were sent.
pub(crate) fn queued(total: Duration) {
    #[cfg(feature = "tracing")]
    tracing::Span::current().record("queued_ms", u64::try_from(total.as_millis()).unwrap_or(u64::MAX));
    #[cfg(not(feature = "tracing"))]
    let _ = total;
}

/// Records the outcome on the request span.
pub(crate) fn finish<E>(attempt: u32, status: Option<u16>, error: Option<&Error<E>>) {
    #[cfg(feature = "tracing")]
    {
        let span = tracing::Span::current();
        span.record("attempts", attempt + 1);
        if let Some(status) = status {
            span.record("status", status);
        }
        if let Some(error) = error {
            span.record("error", kind(error));
        }
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (attempt, status, error);
}

#[cfg(all(test, feature = "tracing"))]
mod tracing_tests {
    use crate::builder::ClientBuilder;
    use crate::execute::RawClient;
    use crate::request::{CallOptions, RequestSpec};
    use std::fmt;
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};
    use tracing_core::span::Current;

    /// Name and fields of one span or event.
    type Recorded = (&'static str, Vec<(String, String)>);

    /// Just enough of a subscriber to see spans, their fields and the current span.
    #[derive(Default)]
    struct Recorder {
        spans: Mutex<Vec<(&'static Metadata<'static>, Recorded)>>,
        events: Mutex<Vec<Recorded>>,
        stack: Mutex<Vec<u64>>,
    }

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.0.retain(|(name, _)| name != field.name());
            self.0.push((field.name().to_owned(), format!("{value:?}")));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.retain(|(name, _)| name != field.name());
            self.0.push((field.name().to_owned(), value.to_owned()));
        }
    }

    impl Subscriber for &'static Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Vec::new();
            span.record(&mut Fields(&mut fields));
            let mut spans = self.spans.lock().unwrap();
            spans.push((span.metadata(), (span.metadata().name(), fields)));
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut spans = self.spans.lock().unwrap();
            let index = usize::try_from(span.into_u64()).unwrap() - 1;
            values.record(&mut Fields(&mut spans[index].1 .1));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            self.events.lock().unwrap().push((event.metadata().name(), fields));
        }
        fn enter(&self, span: &Id) {
            self.stack.lock().unwrap().push(span.into_u64());
        }
        fn exit(&self, _: &Id) {
            self.stack.lock().unwrap().pop();
        }
        fn current_span(&self) -> Current {
            match self.stack.lock().unwrap().last() {
                Some(&id) => {
                    let metadata = self.spans.lock().unwrap()[usize::try_from(id).unwrap() - 1].0;
                    Current::new(Id::from_u64(id), metadata)
                }
                None => Current::none(),
            }
        }
    }

    fn field<'a>(recorded: &'a Recorded, name: &str) -> Option<&'a str> {
        recorded
            .1
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn spans_carry_method_path_template_status_and_attempt() {
        let recorder: &'static Recorder = Box::leak(Box::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        tracing::subscriber::with_default(recorder, || {
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let address = listener.local_addr().unwrap();
                tokio::spawn(async move {
                    for status in ["503 Service Unavailable", "200 OK"] {
                        let (mut stream, _) = listener.accept().await.unwrap();
                        let mut head = Vec::new();
                        while !head.ends_with(b"\r\n\r\n") {
                            let mut byte = [0u8; 1];
                            stream.read_exact(&mut byte).await.unwrap();
                            head.push(byte[0]);
                        }
                        let reply = format!("HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: 2\r\n\r\n{{}}");
                        stream.write_all(reply.as_bytes()).await.unwrap();
                    }
                });
                let client: RawClient =
                    ClientBuilder::<RawClient>::new(crate::ApiProfile::new("http://unused.invalid", "test/1"))
                        .base_url(format!("http://{address}"))
                        .bearer_token("secret-token-xyz")
                        .sleeper(Arc::new(|_| Box::pin(async {})))
                        .build()
                        .unwrap();
                let spec = RequestSpec::new(reqwest::Method::GET, "/things/{id}", "/things/42".into());
                let response = client
                    .execute::<serde_json::Value>(spec, &CallOptions::default())
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
            });
        });
        let spans: Vec<Recorded> = recorder
            .spans
            .lock()
            .unwrap()
            .iter()
            .map(|(_, span)| span.clone())
            .collect();
        let requests: Vec<&Recorded> = spans.iter().filter(|span| span.0 == "apigen.request").collect();
        assert_eq!(requests.len(), 1, "{spans:?}");
        assert_eq!(field(requests[0], "method"), Some("GET"));
        assert_eq!(field(requests[0], "path"), Some("/things/{id}"));
        assert_eq!(field(requests[0], "status"), Some("200"));
        assert_eq!(field(requests[0], "attempts"), Some("2"));
        assert!(field(requests[0], "queued_ms").is_some(), "{spans:?}");
        let attempts: Vec<&Recorded> = spans.iter().filter(|span| span.0 == "apigen.attempt").collect();
        assert_eq!(attempts.len(), 2, "{spans:?}");
        assert_eq!(
            (field(attempts[0], "attempt"), field(attempts[0], "status")),
            (Some("0"), Some("503"))
        );
        assert_eq!(
            (field(attempts[1], "attempt"), field(attempts[1], "status")),
            (Some("1"), Some("200"))
        );
        let events = recorder.events.lock().unwrap();
        // The credential the request carried shows in no span or event.
        for (name, fields) in spans.iter().chain(events.iter()) {
            assert!(
                fields.iter().all(|(_, value)| !value.contains("secret-token-xyz")),
                "{name}: {fields:?}"
            );
        }
        assert!(
            events
                .iter()
                .any(|event| field(event, "message") == Some("retrying") && field(event, "status") == Some("503")),
            "{events:?}"
        );
    }
}
