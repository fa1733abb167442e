//! Request bodies that are not held in memory: a file (re-opened for each attempt, so
//! retries can resend it, with its length as `Content-Length`) or a byte stream (sent
//! once, with its length when you know it).

use crate::error::{BoxError, Error};
use bytes::Bytes;
use futures_core::Stream;
use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

type ByteSource = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A binary request body (`application/octet-stream`, `image/*`, …): bytes in
/// memory, a file, or a stream. Generated methods take `impl Into<Upload>`, so bytes
/// (`Vec<u8>`, `Bytes`, `&'static [u8]`) pass as before.
#[derive(Clone)]
pub struct Upload {
    source: Source,
    length: Option<u64>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    File(PathBuf),
    /// Taken by the one attempt that sends it; shared by clones of the builder.
    Stream(Arc<Mutex<Option<ByteSource>>>),
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::File(path) => format!("file {}", path.display()),
            Source::Stream(_) => "stream".to_owned(),
        };
        f.debug_struct("Upload")
            .field("source", &source)
            .field("length", &self.length)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Upload {
    /// Bytes already in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            length: Some(bytes.len() as u64),
            source: Source::Bytes(bytes),
            content_type: None,
        }
    }

    /// The file at `path`, read as it is sent and opened again for each attempt, so a
    /// retried call sends it again. Its size is sent as `Content-Length`; a file that
    /// cannot be opened fails the call with [`Error::Io`].
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::File(path.into()),
            length: None,
            content_type: None,
        }
    }

    /// Chunks from a stream, sent as they are produced. A stream can be sent only
    /// once, so the call is not retried after it was sent. Give `length` when you know
    /// it (sent as `Content-Length`; otherwise the body is chunked).
    pub fn stream<S, B, X>(stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<B, X>> + Send + 'static,
        B: Into<Bytes>,
        X: Into<BoxError>,
    {
        let mapped = futures_util::StreamExt::map(stream, |chunk| chunk.map(Into::into).map_err(Into::into));
        Self {
            source: Source::Stream(Arc::new(Mutex::new(Some(Box::pin(mapped))))),
            length,
            content_type: None,
        }
    }

    /// Overrides the `Content-Type` the spec gives the body.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// True when each attempt can send the body again (bytes and files).
    pub(crate) fn is_repeatable(&self) -> bool {
        !matches!(self.source, Source::Stream(_))
    }

    /// The content type to send, when set here.
    pub(crate) fn content_type_override(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body of one attempt and its length when known.
    pub(crate) fn body<E>(&self) -> Result<(reqwest::Body, Option<u64>), Error<E>> {
        match &self.source {
            Source::Bytes(bytes) => Ok((reqwest::Body::from(bytes.clone()), self.length)),
            Source::File(path) => {
                let file = std::fs::File::open(path).map_err(|err| io_error(path, err))?;
                let length = file.metadata().map_err(|err| io_error(path, err))?.len();
                let reader = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file));
                Ok((reqwest::Body::wrap_stream(reader), Some(length)))
            }
            Source::Stream(shared) => {
                let taken = shared.lock().ok().and_then(|mut slot| slot.take());
                match taken {
                    Some(stream) => Ok((reqwest::Body::wrap_stream(stream), self.length)),
                    None => Err(Error::Config {
                        reason: "the upload stream was already sent once; a stream body cannot be sent again".into(),
                    }),
                }
            }
        }
    }
}

fn io_error<E>(path: &std::path::Path, err: std::io::Error) -> Error<E> {
    Error::Io {
        message: format!("cannot read {}: {err}", path.display()),
        source: BoxError::from(err),
    }
}

impl From<Bytes> for Upload {
    fn from(bytes: Bytes) -> Self {
        Self::bytes(bytes)
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Self {
        Self::bytes(Bytes::from_static(bytes))
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Self {
        Self::bytes(text.into_bytes())
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(bytes)
    }
}
