//! What a mock answers: a status with a body and headers, after an optional delay,
//! or a dropped connection.

use std::time::Duration;

use serde::Serialize;

/// The answer a mock gives to a matching request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockReply {
    pub(crate) kind: ReplyKind,
    pub(crate) delay: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReplyKind {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Drop,
    /// A chunked body sent piece by piece, optionally cut off before its end.
    Chunked {
        status: u16,
        headers: Vec<(String, String)>,
        chunks: Vec<Vec<u8>>,
        pause: Option<Duration>,
        cut_off: bool,
    },
}

/// One server-sent event of a [`MockReply::events`] answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockEvent {
    text: String,
}

impl MockEvent {
    /// An event whose `data` is `value` encoded as JSON (a value that cannot be
    /// encoded gives its error text as data).
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        let data = serde_json::to_string(value).unwrap_or_else(|err| format!("mock event is not JSON: {err}"));
        Self::data(&data)
    }

    /// An event with `data` as given (several lines become several `data:` lines).
    pub fn data(data: &str) -> Self {
        let mut text = String::new();
        for line in data.split('\n') {
            text.push_str("data: ");
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
        Self { text }
    }

    /// A comment line (`: text`), what servers send as a heartbeat.
    pub fn comment(text: &str) -> Self {
        Self {
            text: format!(": {text}\n\n"),
        }
    }

    /// Text sent exactly as given (for malformed or oddly split events).
    pub fn raw(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }

    /// Names the event (`event:` line before the data).
    pub fn event(mut self, name: &str) -> Self {
        self.text.insert_str(0, &format!("event: {name}\n"));
        self
    }

    /// Gives the event an id (`id:` line before the data).
    pub fn id(mut self, id: &str) -> Self {
        self.text.insert_str(0, &format!("id: {id}\n"));
        self
    }
}

impl MockReply {
    /// `status` with `body` encoded as JSON. A value that cannot be encoded (a map
    /// with non-string keys) gives a `500` whose body says why.
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Self::raw(status, "application/json", bytes),
            Err(err) => Self::raw(500, "text/plain", format!("mock reply is not JSON: {err}").into_bytes()),
        }
    }

    /// `status` with a JSON body given as text (sent as is).
    pub fn json_text(status: u16, body: impl Into<String>) -> Self {
        Self::raw(status, "application/json", body.into().into_bytes())
    }

    /// `status` with any body and content type.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            kind: ReplyKind::Respond {
                status,
                headers: vec![("content-type".to_owned(), content_type.to_owned())],
                body: body.into(),
            },
            delay: None,
        }
    }

    /// `status` with no body.
    pub fn status(status: u16) -> Self {
        Self {
            kind: ReplyKind::Respond {
                status,
                headers: Vec::new(),
                body: Vec::new(),
            },
            delay: None,
        }
    }

    /// Closes the connection without answering (the client sees a connection error).
    pub fn drop_connection() -> Self {
        Self {
            kind: ReplyKind::Drop,
            delay: None,
        }
    }

    /// `200` with a `text/event-stream` body: the `events` in order, each sent as
    /// its own chunk. Add [`MockReply::cut_off`] to end the stream abruptly,
    /// [`MockReply::with_chunk_pause`] to space the events out.
    pub fn events(events: impl IntoIterator<Item = MockEvent>) -> Self {
        let chunks = events.into_iter().map(|event| event.text.into_bytes()).collect();
        Self::chunked(200, "text/event-stream", chunks)
    }

    /// `status` with a body sent with chunked transfer encoding, one chunk per item
    /// of `chunks`.
    pub fn chunked(status: u16, content_type: &str, chunks: Vec<Vec<u8>>) -> Self {
        Self {
            kind: ReplyKind::Chunked {
                status,
                headers: vec![("content-type".to_owned(), content_type.to_owned())],
                chunks,
                pause: None,
                cut_off: false,
            },
            delay: None,
        }
    }

    /// For a chunked answer: closes the connection after the last chunk without
    /// ending the body, as a server that went away would (the client sees a
    /// connection error after the items that arrived).
    pub fn cut_off(mut self) -> Self {
        if let ReplyKind::Chunked { cut_off, .. } = &mut self.kind {
            *cut_off = true;
        }
        self
    }

    /// For a chunked answer: waits `pause` before each chunk after the first.
    pub fn with_chunk_pause(mut self, pause: Duration) -> Self {
        if let ReplyKind::Chunked { pause: slot, .. } = &mut self.kind {
            *slot = Some(pause);
        }
        self
    }

    /// Waits `delay` before answering (or dropping), e.g. to trigger a client timeout.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Adds a response header (ignored by [`MockReply::drop_connection`]).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let ReplyKind::Respond { headers, .. } | ReplyKind::Chunked { headers, .. } = &mut self.kind {
            headers.push((name.into().to_ascii_lowercase(), value.into()));
        }
        self
    }
}
