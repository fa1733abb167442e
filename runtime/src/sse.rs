//! An incremental `text/event-stream` parser following the WHATWG rules
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>):
//! LF, CRLF and CR line endings (also split across chunks), multi-line `data`, comment
//! and heartbeat lines ignored, `event`, `id` (kept across events, ignored when it
//! contains NUL) and `retry` (digits only), a leading byte-order mark dropped.
//!
//! Bytes are pushed as they arrive and only complete lines are decoded, so a UTF-8
//! character split across network chunks is reassembled; invalid UTF-8 becomes U+FFFD,
//! as the standard says. Memory is bounded: an event (or a line without an end)
//! larger than the limit is reported once as [`Oversize`] and the rest of it is
//! skipped up to the blank line that ends it, after which parsing resumes.

/// One dispatched event, before its `data` is decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SseEvent {
    /// The `event:` field, when the event named its type (the standard's default is
    /// `message`).
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last event id seen so far on this stream (ids carry over to later events).
    pub id: Option<String>,
    /// The reconnection time the server asked for with this event, in milliseconds.
    pub retry: Option<u64>,
}

/// An event or a line was larger than the parser's limit; it was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oversize {
    /// The limit in bytes.
    pub limit: usize,
}

/// The incremental parser. Push chunks with [`SseParser::push`], take events with
/// [`SseParser::next_event`].
#[derive(Debug)]
pub struct SseParser {
    buffer: Vec<u8>,
    /// Bytes of `buffer` already consumed.
    start: usize,
    /// Bytes of `buffer[start..]` already searched for a line end.
    scanned: usize,
    /// The previous line ended with CR, so a LF at the start of the next is part of it.
    after_cr: bool,
    /// At the very start of the stream (a byte-order mark may follow).
    at_start: bool,
    /// Discarding the rest of an oversize event until its blank line.
    skipping: bool,
    fields: Fields,
    limit: usize,
}

/// The fields of the event being read, and what carries over between events.
#[derive(Debug, Default)]
struct Fields {
    data: String,
    has_data: bool,
    event: Option<String>,
    retry: Option<u64>,
    last_id: Option<String>,
    reconnection_time: Option<u64>,
    /// An event was dispatched: `data` holds its data until the next call.
    ready: bool,
    /// The event's first `data` line, still in the parser's buffer (start, end): a
    /// one-line event (the common case) is lent from there without a copy.
    data_range: Option<(usize, usize)>,
    dispatched_event: Option<String>,
    dispatched_retry: Option<u64>,
}

/// A dispatched event lent by [`SseParser::next_ready`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    /// The `event:` field, when the event named its type.
    pub event: Option<&'a str>,
    /// The `data:` lines joined with `\n`.
    pub data: &'a str,
    /// The last event id seen so far on this stream.
    pub id: Option<&'a str>,
    /// The reconnection time the server asked for with this event, in milliseconds.
    pub retry: Option<u64>,
}

impl EventRef<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> SseEvent {
        SseEvent {
            event: self.event.map(str::to_owned),
            data: self.data.to_owned(),
            id: self.id.map(str::to_owned),
            retry: self.retry,
        }
    }
}

impl SseParser {
    /// A parser that drops events (and lines) larger than `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            after_cr: false,
            at_start: true,
            skipping: false,
            fields: Fields::default(),
            limit,
        }
    }

    /// Sets the size limit (bytes) for events still to come.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// The last event id seen (what a reconnection sends as `Last-Event-ID`).
    pub fn last_event_id(&self) -> Option<&str> {
        self.fields.last_id.as_deref()
    }

    /// The latest `retry:` the server sent (milliseconds), from any event so far.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.fields.reconnection_time
    }

    /// Forgets the bytes and the unfinished event of a connection that dropped,
    /// keeping the last event id and reconnection time for the next connection.
    pub fn reset_connection(&mut self) {
        self.buffer.clear();
        self.start = 0;
        self.scanned = 0;
        self.after_cr = false;
        self.at_start = true;
        self.skipping = false;
        self.fields.data.clear();
        self.fields.has_data = false;
        self.fields.event = None;
        self.fields.retry = None;
        self.fields.ready = false;
        self.fields.data_range = None;
    }

    /// Adds bytes that arrived.
    pub fn push(&mut self, chunk: &[u8]) {
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.materialize();
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// True when bytes of an unfinished event are held (a line without its end, or
    /// fields without the blank line that dispatches them): the stream ending now
    /// would cut an event off.
    pub fn is_mid_event(&self) -> bool {
        self.start < self.buffer.len() || self.fields.has_data || self.fields.event.is_some() || self.skipping
    }

    /// The next complete event, an [`Oversize`] report, or `None` when more bytes
    /// are needed.
    pub fn next_event(&mut self) -> Option<Result<SseEvent, Oversize>> {
        self.next_ready().map(|found| found.map(|event| event.to_owned()))
    }

    /// Like [`SseParser::next_event`], lending the event instead of allocating it: its
    /// fields borrow the parser's buffers, which the next call reuses.
    pub fn next_ready(&mut self) -> Option<Result<EventRef<'_>, Oversize>> {
        if std::mem::take(&mut self.fields.ready) {
            self.fields.data.clear();
            self.fields.dispatched_event = None;
            self.fields.dispatched_retry = None;
        }
        loop {
            let pending = &self.buffer[self.start..];
            if self.after_cr && !pending.is_empty() {
                self.after_cr = false;
                if pending[0] == b'\n' {
                    self.start += 1;
                    continue;
                }
            }
            let found = memchr::memchr2(b'\n', b'\r', &pending[self.scanned..]).map(|offset| offset + self.scanned);
            let Some(end) = found else {
                self.scanned = pending.len();
                if !self.skipping && pending.len() + self.data_len() > self.limit {
                    return Some(Err(self.overflow()));
                }
                if self.skipping {
                    // Nothing of an oversize line is kept.
                    self.start = self.buffer.len();
                    self.scanned = 0;
                }
                return None;
            };
            self.after_cr = pending[end] == b'\r';
            let line_start = self.start;
            self.start += end + 1;
            self.scanned = 0;
            let line = &self.buffer[line_start..line_start + end];
            if line.is_empty() {
                if self.skipping {
                    self.skipping = false;
                    continue;
                }
                if self.fields.dispatch() {
                    if let Some((from, to)) = self.fields.data_range.take() {
                        match std::str::from_utf8(&self.buffer[from..to]) {
                            Ok(data) => return Some(Ok(self.fields.view_with(data))),
                            Err(_) => self.fields.data = String::from_utf8_lossy(&self.buffer[from..to]).into_owned(),
                        }
                    }
                    return Some(Ok(self.fields.view()));
                }
                continue;
            }
            if self.skipping {
                continue;
            }
            if line.len() + self.data_len() > self.limit {
                return Some(Err(self.overflow()));
            }
            // The first data line of an event stays in the buffer until the event ends.
            if !self.fields.has_data && line.starts_with(b"data:") {
                let mut from = line_start + 5;
                if self.buffer.get(from) == Some(&b' ') && from < line_start + end {
                    from += 1;
                }
                self.at_start = false;
                self.fields.data_range = Some((from, line_start + end));
                self.fields.has_data = true;
                continue;
            }
            self.materialize();
            let line = &self.buffer[line_start..line_start + end];
            let line = match std::str::from_utf8(line) {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(line),
            };
            let line = if std::mem::take(&mut self.at_start) {
                line.strip_prefix('\u{feff}').unwrap_or(&line)
            } else {
                &line
            };
            self.fields.field(line);
        }
    }

    /// Copies a data line held in the buffer into the event's data (before the buffer
    /// moves, or before a second data line is appended).
    fn materialize(&mut self) {
        if let Some((from, to)) = self.fields.data_range.take() {
            let text = String::from_utf8_lossy(&self.buffer[from..to]);
            self.fields.data.push_str(&text);
        }
    }

    /// Bytes of data the current event holds.
    fn data_len(&self) -> usize {
        self.fields.data.len() + self.fields.data_range.map_or(0, |(from, to)| to - from)
    }

    /// Drops the event being read and the rest of it.
    fn overflow(&mut self) -> Oversize {
        self.skipping = true;
        self.fields.data_range = None;
        self.fields.data.clear();
        self.fields.has_data = false;
        self.fields.event = None;
        self.fields.retry = None;
        Oversize { limit: self.limit }
    }
}

impl Fields {
    fn field(&mut self, line: &str) {
        if line.starts_with(':') {
            return;
        }
        // The common line first, without the general field split.
        if let Some(value) = line.strip_prefix("data:") {
            if self.has_data {
                self.data.push('\n');
            }
            self.data.push_str(value.strip_prefix(' ').unwrap_or(value));
            self.has_data = true;
            return;
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match name {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) => {
                self.retry = value.parse().ok();
                self.reconnection_time = self.retry.or(self.reconnection_time);
            }
            _ => {}
        }
    }

    /// Ends the event at a blank line: true when it has data and is dispatched (an
    /// event without `data` lines is not, as in the standard; its `retry` still
    /// counts).
    fn dispatch(&mut self) -> bool {
        let event = self.event.take();
        let retry = self.retry.take();
        if !std::mem::take(&mut self.has_data) {
            return false;
        }
        self.ready = true;
        self.dispatched_event = event.filter(|name| !name.is_empty());
        self.dispatched_retry = retry;
        true
    }

    fn view(&self) -> EventRef<'_> {
        self.view_with(&self.data)
    }

    fn view_with<'a>(&'a self, data: &'a str) -> EventRef<'a> {
        EventRef {
            event: self.dispatched_event.as_deref(),
            data,
            id: self.last_id.as_deref(),
            retry: self.dispatched_retry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(chunks: &[&[u8]], limit: usize) -> Vec<Result<SseEvent, Oversize>> {
        let mut parser = SseParser::new(limit);
        let mut out = Vec::new();
        for chunk in chunks {
            parser.push(chunk);
            while let Some(event) = parser.next_event() {
                out.push(event);
            }
        }
        out
    }

    fn data(found: &[Result<SseEvent, Oversize>]) -> Vec<String> {
        found
            .iter()
            .map(|event| match event {
                Ok(event) => event.data.clone(),
                Err(oversize) => format!("oversize {}", oversize.limit),
            })
            .collect()
    }

    #[test]
    fn lf_crlf_and_cr_line_endings_split_anywhere() {
        let text = b"data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\n";
        let whole = events(&[text], 1024);
        assert_eq!(data(&whole), ["a", "b", "c", "d"]);
        for cut in 0..text.len() {
            let (left, right) = text.split_at(cut);
            assert_eq!(
                data(&events(&[left, right], 1024)),
                ["a", "b", "c", "d"],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn multi_line_data_comments_fields_and_ids() {
        let found = events(
            &[b": heartbeat\n\nevent: delta\nid: 7\nretry: 1500\ndata: {\"a\":\ndata:1}\n\ndata: next\n\n"],
            1024,
        );
        let first = found[0].clone().unwrap_or_default();
        assert_eq!(first.data, "{\"a\":\n1}");
        assert_eq!(first.event.as_deref(), Some("delta"));
        assert_eq!(first.id.as_deref(), Some("7"));
        assert_eq!(first.retry, Some(1500));
        let second = found[1].clone().unwrap_or_default();
        assert_eq!(
            (second.data.as_str(), second.id.as_deref(), second.event),
            ("next", Some("7"), None)
        );
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn a_split_utf8_character_is_reassembled() {
        let text = "data: h\u{e9}\u{1f600}\n\n".as_bytes();
        for cut in 0..text.len() {
            let (left, right) = text.split_at(cut);
            assert_eq!(
                data(&events(&[left, right], 1024)),
                ["h\u{e9}\u{1f600}"],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn an_oversize_event_is_reported_once_and_skipped() {
        let big = format!("data: {}\n\n", "x".repeat(100));
        let found = events(&[b"data: small\n\n", big.as_bytes(), b"data: after\n\n"], 32);
        assert_eq!(data(&found), ["small", "oversize 32", "after"]);
        // A line with no end in sight is dropped as it streams in, not buffered.
        let mut parser = SseParser::new(32);
        parser.push(b"data: ");
        assert!(parser.next_event().is_none());
        parser.push(&[b'y'; 64]);
        assert_eq!(parser.next_event(), Some(Err(Oversize { limit: 32 })));
        for _ in 0..100 {
            parser.push(&[b'y'; 64]);
            assert_eq!(parser.next_event(), None);
        }
        assert!(parser.buffer.len() < 256, "buffer stays bounded");
        parser.push(b"\n\ndata: ok\n\n");
        assert_eq!(
            parser.next_event().map(|event| event.map(|event| event.data)),
            Some(Ok("ok".into()))
        );
    }

    #[test]
    fn bom_and_events_without_data() {
        let mut parser = SseParser::new(64);
        parser.push("\u{feff}data: x\n\nevent: ping\nretry: 250\n\n".as_bytes());
        assert_eq!(
            parser.next_event().map(|event| event.map(|event| event.data)),
            Some(Ok("x".into()))
        );
        assert_eq!(parser.next_event(), None);
        assert_eq!(parser.reconnection_time(), Some(250));
        let mut parser = SseParser::new(64);
        parser.push(b"data: cut");
        assert!(parser.next_event().is_none());
        assert!(parser.is_mid_event());
    }
}
