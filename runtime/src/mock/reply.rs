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

    /// Waits `delay` before answering (or dropping), e.g. to trigger a client timeout.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Adds a response header (ignored by [`MockReply::drop_connection`]).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let ReplyKind::Respond { headers, .. } = &mut self.kind {
            headers.push((name.into().to_ascii_lowercase(), value.into()));
        }
        self
    }
}
