//! Streamed response bodies: server-sent events ([`EventStream`]), JSON lines
//! ([`JsonLines`]) and raw bytes ([`ByteStream`]).
//!
//! All three read the body only as fast as they are polled (no read-ahead beyond
//! what the connection buffers), keep at most one item in memory (bounded by the
//! API profile's item limit, changeable per stream), and report every fault as an
//! `Err` item, never a panic or a silent end:
//!
//! - the connection failing or closing in the middle of an item: [`Error::Connection`],
//!   then the stream ends (an [`EventStream`] of a repeatable request reconnects
//!   instead, see [`EventStream::reconnect`]);
//! - no bytes for longer than the call's timeout: [`Error::Timeout`], then the end;
//! - an item that does not decode into its schema: [`Error::UnexpectedResponse`] with
//!   the item's raw text and the failing field's path; the stream **continues** with
//!   the next item, since the framing is intact and later items are independent;
//! - an item larger than the limit: [`Error::ItemTooLarge`]; the item is skipped
//!   without being held in memory and the stream continues.
//!
//! Dropping a stream closes its connection.

use crate::error::{BoxError, Error, UnexpectedResponse};
use crate::execute::RawClient;
use crate::request::{CallOptions, RequestSpec};
use crate::response::RawResponse;
use crate::sse::SseParser;
use bytes::Bytes;
use futures_core::Stream;
use reqwest::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// The item size limit when the API profile sets none: 4 MiB.
pub const DEFAULT_MAX_ITEM_SIZE: usize = 4 << 20;

/// One server-sent event with its `data` decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The decoded `data`.
    pub data: T,
    /// The `event:` name, when the server gave one (the standard's default is `message`).
    pub event: Option<String>,
    /// The last event id the stream has seen (`id:`; carries over between events).
    pub id: Option<String>,
    /// The reconnection time this event asked for (`retry:`).
    pub retry: Option<Duration>,
}

/// Why one item's text did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// What went wrong.
    pub reason: String,
    /// The serde path of the failing field, when there is one.
    pub path: Option<String>,
}

/// Decodes one item's text (an event's `data`, a JSON line). Generated code passes
/// [`json`] or [`text`]; a plain function pointer keeps the streams' code shared by
/// every item type.
pub type ItemDecoder<T> = fn(&str) -> Result<T, ItemError>;

/// Decodes JSON text into `T`, naming the failing field's path.
pub fn json<T: DeserializeOwned>(text: &str) -> Result<T, ItemError> {
    if let Ok(item) = serde_json::from_str::<T>(text) {
        return Ok(item);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => Err(ItemError {
            reason: "trailing characters after the JSON value".into(),
            path: None,
        }),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let reason = if inner.is_syntax() || inner.is_eof() {
                format!("item is not valid JSON: {inner}")
            } else {
                format!("item does not match the documented schema: {inner}")
            };
            Err(ItemError {
                reason,
                path: (path != ".").then_some(path),
            })
        }
    }
}

/// Keeps the text as it is (items documented as plain strings or without a schema).
pub fn text(text: &str) -> Result<String, ItemError> {
    Ok(text.to_owned())
}

/// How to send the request again after the connection dropped.
#[derive(Debug, Clone)]
pub(crate) struct Replay {
    pub(crate) client: RawClient,
    pub(crate) spec: RequestSpec,
    pub(crate) options: CallOptions,
    /// Repeating is safe by method or idempotency key.
    pub(crate) repeatable: bool,
}

/// What a streamed response carries besides status and headers.
pub(crate) struct Streaming {
    pub(crate) response: reqwest::Response,
    pub(crate) idle: Duration,
    pub(crate) replay: Option<Replay>,
    pub(crate) max_item: usize,
    pub(crate) markers: &'static [&'static str],
}

impl fmt::Debug for Streaming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streaming")
            .field("idle", &self.idle)
            .field("max_item", &self.max_item)
            .finish_non_exhaustive()
    }
}

type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// The body's chunks, each awaited for at most `idle`.
///
/// The idle timer is not reset per chunk (re-registering a timer for every chunk cost
/// more than the parsing in the streaming benchmark): each chunk only records when it
/// arrived, and a timer that fires early is moved to `last chunk + idle`.
struct Body {
    chunks: Chunks,
    idle: Duration,
    last_chunk: Option<tokio::time::Instant>,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Body {
    fn from_response(response: reqwest::Response, idle: Duration) -> Self {
        Self {
            chunks: Box::pin(response.bytes_stream()),
            idle,
            last_chunk: None,
            timer: None,
        }
    }

    fn from_bytes(bytes: Bytes) -> Self {
        let chunks = futures_util::stream::iter((!bytes.is_empty()).then_some(Ok(bytes)));
        Self {
            chunks: Box::pin(chunks),
            idle: Duration::MAX,
            last_chunk: None,
            timer: None,
        }
    }

    fn poll_chunk<E>(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error<E>>>> {
        match self.chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if self.idle != Duration::MAX {
                    self.last_chunk = Some(tokio::time::Instant::now());
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(cut_off(err)))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                if self.idle == Duration::MAX {
                    return Poll::Pending;
                }
                let idle = self.idle;
                let since = *self.last_chunk.get_or_insert_with(tokio::time::Instant::now);
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(since + idle)));
                loop {
                    match timer.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(()) => {
                            let deadline = since + idle;
                            if tokio::time::Instant::now() >= deadline {
                                return Poll::Ready(Some(Err(Error::Timeout { after: idle })));
                            }
                            // Chunks arrived since the timer was set: wait from the last one.
                            timer.as_mut().reset(deadline);
                        }
                    }
                }
            }
        }
    }
}

fn cut_off<E>(err: reqwest::Error) -> Error<E> {
    let mut message = "the response body was cut off".to_owned();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Connection {
        message,
        source: BoxError::from(err),
    }
}

fn ended_mid_item<E>(what: &str) -> Error<E> {
    let message = format!("the connection closed in the middle of {what}");
    Error::Connection {
        source: BoxError::from(message.clone()),
        message,
    }
}

/// Status and content type, for the errors of undecodable items.
#[derive(Debug, Clone)]
struct Origin {
    status: u16,
    content_type: Option<String>,
}

impl Origin {
    fn of(response: &RawResponse) -> Self {
        Self {
            status: response.status,
            content_type: response
                .headers
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
        }
    }

    fn undecodable<E>(&self, raw: &str, failure: ItemError) -> Error<E> {
        Error::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: self.status,
            content_type: self.content_type.clone(),
            raw: Bytes::copy_from_slice(raw.as_bytes()),
            path: failure.path,
            reason: failure.reason,
        }))
    }
}

/// The parts of a [`RawResponse`] a stream is built from.
struct Parts {
    body: Body,
    origin: Origin,
    replay: Option<Replay>,
    max_item: usize,
    markers: &'static [&'static str],
}

impl RawResponse {
    /// Splits off the body as a chunk source (the buffered body when this response
    /// was read whole, for example one built with [`RawResponse::from_parts`]).
    fn stream_parts(&mut self) -> Parts {
        let origin = Origin::of(self);
        match self.streaming.take() {
            Some(streaming) => {
                let streaming = *streaming;
                Parts {
                    body: Body::from_response(streaming.response, streaming.idle),
                    origin,
                    replay: streaming.replay,
                    max_item: streaming.max_item,
                    markers: streaming.markers,
                }
            }
            None => Parts {
                body: Body::from_bytes(std::mem::take(&mut self.body)),
                origin,
                replay: None,
                max_item: DEFAULT_MAX_ITEM_SIZE,
                markers: &[],
            },
        }
    }

    /// The body as a stream of server-sent events, each event's `data` decoded with
    /// `decode` ([`json`] or [`text`]).
    pub fn events<T, E>(mut self, decode: ItemDecoder<T>) -> Result<crate::Response<EventStream<T, E>>, Error<E>> {
        let parts = self.stream_parts();
        let reconnects = match &parts.replay {
            Some(replay) if replay.repeatable => replay
                .options
                .max_retries
                .unwrap_or(replay.client.inner.retry.max_retries),
            _ => 0,
        };
        // A JSON answer to a request for events (a server that ignored `Accept`) is
        // reported as such instead of as an event cut off at the end of the body.
        let mismatch = parts
            .origin
            .content_type
            .as_deref()
            .map(|value| value.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .filter(|essence| essence == "application/json" || essence.ends_with("+json"))
            .map(|essence| {
                parts.origin.undecodable(
                    "",
                    ItemError {
                        reason: format!("expected an event stream, the server answered {essence}"),
                        path: None,
                    },
                )
            });
        let stream = EventStream {
            mismatch,
            body: Some(parts.body),
            reconnecting: None,
            parser: SseParser::new(parts.max_item),
            decode,
            origin: parts.origin,
            replay: parts.replay,
            reconnects,
            markers: parts.markers,
            finished: false,
        };
        Ok(self.wrap(stream))
    }

    /// The body as a stream of JSON items: one per line for `application/x-ndjson`
    /// and `application/jsonl` (`sequence: false`), one per record separator
    /// (0x1E) for `application/json-seq` (`sequence: true`). Blank lines are skipped.
    pub fn json_lines<T, E>(
        mut self,
        decode: ItemDecoder<T>,
        sequence: bool,
    ) -> Result<crate::Response<JsonLines<T, E>>, Error<E>> {
        let parts = self.stream_parts();
        let stream = JsonLines {
            body: parts.body,
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            delimiter: if sequence { 0x1e } else { b'\n' },
            skipping: false,
            decode,
            origin: parts.origin,
            max_item: parts.max_item,
            finished: false,
            _error: std::marker::PhantomData,
        };
        Ok(self.wrap(stream))
    }

    /// The body as a stream of byte chunks, read as they arrive.
    pub fn byte_stream<E>(mut self) -> Result<crate::Response<ByteStream<E>>, Error<E>> {
        let parts = self.stream_parts();
        let stream = ByteStream {
            body: parts.body,
            finished: false,
            _error: std::marker::PhantomData,
        };
        Ok(self.wrap(stream))
    }
}

type Reconnecting<E> = Pin<Box<dyn Future<Output = Result<RawResponse, Error<E>>> + Send>>;

/// A `text/event-stream` response as a [`Stream`] of [`Event`]s, each `data` decoded
/// into `T`.
///
/// Ends (`None`) after an end marker of the API (for example `data: [DONE]`, from the
/// API profile) or when the server closes the stream between events. Faults are `Err`
/// items (see the [module docs](self)): a decode error or an oversize event is
/// reported and reading continues; a connection fault or an idle timeout ends the
/// stream unless it can reconnect.
///
/// **Reconnection**: when the request can be repeated safely (GET, HEAD, PUT, DELETE,
/// OPTIONS, or a call with an idempotency key), a dropped connection is re-established
/// up to the call's `max_retries` times, sending `Last-Event-ID` with the last id seen
/// and waiting the server's `retry:` time (1 s when it sent none); the event that was
/// cut off is dropped, the rest continue. Any other request (a POST) is never sent
/// again unless you opt in with [`EventStream::reconnect`].
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<T, E> {
    /// The response was not an event stream: the only item.
    mismatch: Option<Error<E>>,
    body: Option<Body>,
    reconnecting: Option<Reconnecting<E>>,
    parser: SseParser,
    decode: ItemDecoder<T>,
    origin: Origin,
    replay: Option<Replay>,
    reconnects: u32,
    markers: &'static [&'static str],
    finished: bool,
}

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.parser.last_event_id())
            .field("reconnects", &self.reconnects)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<T, E> EventStream<T, E> {
    /// Reconnects up to `attempts` times after the connection drops (`0` turns
    /// reconnection off). For a request that is not safe to repeat, such as a POST,
    /// calling this is the explicit opt-in: the same request is sent again, with
    /// `Last-Event-ID`, so only use it when the server resumes rather than repeats.
    pub fn reconnect(mut self, attempts: u32) -> Self {
        self.reconnects = attempts;
        if let Some(replay) = &mut self.replay {
            replay.repeatable = true;
        }
        self
    }

    /// Changes the largest event accepted (bytes of one event's fields); larger ones
    /// become [`Error::ItemTooLarge`] items and are skipped.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        self.parser.set_limit(bytes);
        self
    }

    /// The last event id the stream has seen.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }

    /// Turns each event into its data alone.
    pub fn data(self) -> futures_util::stream::MapOk<Self, fn(Event<T>) -> T>
    where
        Self: Stream<Item = Result<Event<T>, Error<E>>>,
    {
        futures_util::TryStreamExt::map_ok(self, |event: Event<T>| event.data)
    }
}

impl<T, E> EventStream<T, E>
where
    E: DeserializeOwned + Send + 'static,
{
    /// After `failure` ended the connection: starts a reconnection when allowed, else
    /// returns the failure as the last item.
    fn after_failure(&mut self, failure: Error<E>) -> Option<Error<E>> {
        self.body = None;
        let replay = match &self.replay {
            Some(replay) if replay.repeatable && self.reconnects > 0 => replay.clone(),
            _ => {
                self.finished = true;
                return Some(failure);
            }
        };
        self.reconnects -= 1;
        let wait = Duration::from_millis(self.parser.reconnection_time().unwrap_or(1000));
        let mut spec = replay.spec;
        spec.headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("last-event-id"));
        if let Some(id) = self.parser.last_event_id() {
            spec.headers.push(("last-event-id", id.to_owned()));
        }
        self.parser.reset_connection();
        let client = replay.client;
        let options = replay.options;
        self.reconnecting = Some(Box::pin(async move {
            (client.inner.sleeper)(wait).await;
            client.execute::<E>(spec, &options).await
        }));
        None
    }
}

impl<T, E> Stream for EventStream<T, E>
where
    E: DeserializeOwned + Send + 'static,
{
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(mismatch) = this.mismatch.take() {
            this.finished = true;
            this.body = None;
            return Poll::Ready(Some(Err(mismatch)));
        }
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            if let Some(reconnecting) = &mut this.reconnecting {
                let outcome = ready!(reconnecting.as_mut().poll(cx));
                this.reconnecting = None;
                match outcome {
                    Ok(mut response) => this.body = Some(response.stream_parts().body),
                    Err(err) => {
                        this.finished = true;
                        return Poll::Ready(Some(Err(err)));
                    }
                }
            }
            match this.parser.next_ready() {
                Some(Ok(event)) => {
                    if this.markers.contains(&event.data.trim()) {
                        this.finished = true;
                        this.body = None;
                        return Poll::Ready(None);
                    }
                    let item = match (this.decode)(event.data) {
                        Ok(data) => Ok(Event {
                            data,
                            event: event.event.map(str::to_owned),
                            id: event.id.map(str::to_owned),
                            retry: event.retry.map(Duration::from_millis),
                        }),
                        Err(failure) => Err(this.origin.undecodable(event.data, failure)),
                    };
                    return Poll::Ready(Some(item));
                }
                Some(Err(oversize)) => {
                    return Poll::Ready(Some(Err(Error::ItemTooLarge { limit: oversize.limit })));
                }
                None => {}
            }
            let Some(body) = &mut this.body else {
                this.finished = true;
                return Poll::Ready(None);
            };
            match ready!(body.poll_chunk::<E>(cx)) {
                Some(Ok(chunk)) => this.parser.push(&chunk),
                Some(Err(failure)) => {
                    if let Some(failure) = this.after_failure(failure) {
                        return Poll::Ready(Some(Err(failure)));
                    }
                }
                None if this.parser.is_mid_event() => {
                    if let Some(failure) = this.after_failure(ended_mid_item("an event")) {
                        return Poll::Ready(Some(Err(failure)));
                    }
                }
                None => {
                    this.finished = true;
                    this.body = None;
                    return Poll::Ready(None);
                }
            }
        }
    }
}

/// A JSON-lines (`application/x-ndjson`, `application/jsonl`) or JSON text sequence
/// (`application/json-seq`) response as a [`Stream`] of decoded items. Faults are
/// `Err` items as described in the [module docs](self); there is no reconnection.
#[must_use = "streams do nothing unless polled"]
pub struct JsonLines<T, E> {
    body: Body,
    buffer: Vec<u8>,
    start: usize,
    scanned: usize,
    delimiter: u8,
    skipping: bool,
    decode: ItemDecoder<T>,
    origin: Origin,
    max_item: usize,
    finished: bool,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<T, E> fmt::Debug for JsonLines<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines")
            .field("max_item", &self.max_item)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<T, E> JsonLines<T, E> {
    /// Changes the largest item accepted (bytes); larger ones become
    /// [`Error::ItemTooLarge`] items and are skipped.
    pub fn max_item_size(mut self, bytes: usize) -> Self {
        self.max_item = bytes;
        self
    }

    /// The next complete, non-blank record in the buffer as a byte range:
    /// `Some(Ok(range))`, `Some(Err(()))` for an oversize record, `None` when more
    /// bytes are needed.
    fn next_record(&mut self) -> Option<Result<std::ops::Range<usize>, ()>> {
        loop {
            let pending = &self.buffer[self.start..];
            let Some(end) =
                memchr::memchr(self.delimiter, &pending[self.scanned..]).map(|offset| offset + self.scanned)
            else {
                self.scanned = pending.len();
                if self.skipping {
                    self.start = self.buffer.len();
                    self.scanned = 0;
                } else if pending.len() > self.max_item {
                    self.skipping = true;
                    return Some(Err(()));
                }
                return None;
            };
            let range = self.start..self.start + end;
            self.start += end + 1;
            self.scanned = 0;
            if std::mem::take(&mut self.skipping) {
                continue;
            }
            if range.len() > self.max_item {
                return Some(Err(()));
            }
            if self.buffer[range.clone()].iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(range));
        }
    }
}

/// The text of a record, trimmed (invalid UTF-8 replaced, as for events).
fn record_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text.trim()),
        Err(_) => std::borrow::Cow::Owned(String::from_utf8_lossy(bytes).trim().to_owned()),
    }
}

impl<T, E> Stream for JsonLines<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            match this.next_record() {
                Some(Ok(range)) => {
                    let text = record_text(&this.buffer[range]);
                    let item = (this.decode)(&text).map_err(|failure| this.origin.undecodable(&text, failure));
                    return Poll::Ready(Some(item));
                }
                Some(Err(())) => return Poll::Ready(Some(Err(Error::ItemTooLarge { limit: this.max_item }))),
                None => {}
            }
            match ready!(this.body.poll_chunk::<E>(cx)) {
                Some(Ok(chunk)) => {
                    if this.start > 0 && this.start >= this.buffer.len() / 2 {
                        this.buffer.drain(..this.start);
                        this.start = 0;
                    }
                    this.buffer.extend_from_slice(&chunk);
                }
                Some(Err(failure)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(failure)));
                }
                None => {
                    this.finished = true;
                    let rest = record_text(&this.buffer[this.start..]);
                    if this.skipping || rest.is_empty() {
                        return Poll::Ready(None);
                    }
                    // A last line without its newline is complete when it decodes; the
                    // server may simply not end the body with one.
                    let item = (this.decode)(&rest).map_err(|_| ended_mid_item("a JSON line"));
                    return Poll::Ready(Some(item));
                }
            }
        }
    }
}

/// A response body as a [`Stream`] of byte chunks in arrival order. Faults are `Err`
/// items (a cut-off body is [`Error::Connection`], then the end).
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream<E> {
    body: Body,
    finished: bool,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        let item = ready!(this.body.poll_chunk::<E>(cx));
        if !matches!(item, Some(Ok(_))) {
            this.finished = true;
        }
        Poll::Ready(item)
    }
}

impl<E> ByteStream<E> {
    /// Writes the whole body to `writer` chunk by chunk (never holding more than one
    /// chunk), flushes it, and returns the number of bytes written. A write failure
    /// is [`Error::Io`].
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(mut self, writer: &mut W) -> Result<u64, Error<E>> {
        let mut written = 0u64;
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io_error)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io_error)?;
        Ok(written)
    }

    /// Writes the whole body to a new file at `path` (replacing one that exists), as
    /// [`ByteStream::write_to`] does.
    pub async fn save_to(self, path: impl AsRef<std::path::Path>) -> Result<u64, Error<E>> {
        let mut file = tokio::fs::File::create(path.as_ref()).await.map_err(io_error)?;
        let written = self.write_to(&mut file).await?;
        file.sync_all().await.map_err(io_error)?;
        Ok(written)
    }

    /// Collects the whole body (for when it is known to be small).
    pub async fn collect(mut self) -> Result<Bytes, Error<E>> {
        let mut all = bytes::BytesMut::new();
        while let Some(chunk) = futures_util::StreamExt::next(&mut self).await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }
}

fn io_error<E>(err: std::io::Error) -> Error<E> {
    Error::Io {
        message: err.to_string(),
        source: BoxError::from(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use reqwest::header::HeaderMap;

    fn response(body: &'static str) -> RawResponse {
        RawResponse::from_parts(200, HeaderMap::new(), Bytes::from_static(body.as_bytes()))
    }

    #[tokio::test]
    async fn a_buffered_body_streams_the_same_way() {
        let events = response("data: {\"a\":1}\n\ndata: [oops\n\ndata: {\"a\":2}\n\n")
            .events::<serde_json::Value, ()>(json)
            .map(crate::Response::into_body)
            .unwrap_or_else(|_| panic!("an events stream"));
        let items: Vec<_> = events.collect().await;
        assert_eq!(items.len(), 3);
        assert!(matches!(&items[1], Err(Error::UnexpectedResponse(bad)) if &bad.raw[..] == b"[oops"));
        assert!(matches!(&items[2], Ok(event) if event.data == serde_json::json!({"a": 2})));
    }

    #[tokio::test]
    async fn a_json_answer_to_an_events_request_says_so() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        let events = RawResponse::from_parts(200, headers, Bytes::from_static(b"{\"a\":1}"))
            .events::<serde_json::Value, ()>(json)
            .map(crate::Response::into_body)
            .unwrap_or_else(|_| panic!("an events stream"));
        let items: Vec<_> = events.collect().await;
        assert_eq!(items.len(), 1);
        assert!(
            matches!(&items[0], Err(Error::UnexpectedResponse(bad)) if bad.reason.contains("application/json")),
            "{items:?}"
        );
    }

    #[tokio::test]
    async fn json_lines_skip_oversize_and_blank_lines() {
        let lines = response("{\"a\":1}\n\n   \n{\"big\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"a\":3}")
            .json_lines::<serde_json::Value, ()>(json, false)
            .map(|response| response.into_body().max_item_size(16))
            .unwrap_or_else(|_| panic!("a JSON lines stream"));
        let items: Vec<_> = lines.collect().await;
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(matches!(items[1], Err(Error::ItemTooLarge { limit: 16 })));
        assert!(
            matches!(&items[2], Ok(value) if value["a"] == 3),
            "the last line needs no newline"
        );
    }

    #[test]
    fn item_decoders_name_the_failing_field() {
        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[allow(dead_code)]
            count: u32,
        }
        let failure = json::<Item>("{\"count\":\"x\"}").err();
        assert_eq!(failure.and_then(|failure| failure.path), Some("count".to_owned()));
        assert_eq!(text("as is"), Ok("as is".to_owned()));
    }
}
