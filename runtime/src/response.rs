//! Success responses: [`RawResponse`] (status, headers and body bytes as they arrived)
//! and its decoding into [`Response<T>`], plus the rate-limit headers they carry.

use crate::error::{Error, UnexpectedResponse};
use crate::profile::{RateLimitHeaders, ResetFormat};
use bytes::Bytes;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use std::ops::Deref;

/// A decoded success body together with the HTTP status and headers it came with.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
    /// The rate-limit budget announced by the headers, read with the API's profile.
    rate_limit: RateLimit,
}

impl<T> Response<T> {
    /// Wraps a body.
    pub fn new(status: u16, headers: HeaderMap, body: T) -> Self {
        Self {
            status,
            headers,
            body,
            rate_limit: RateLimit::default(),
        }
    }

    /// The rate-limit budget this response announced (the headers the API's profile names).
    pub fn rate_limit(&self) -> RateLimit {
        self.rate_limit
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, transform: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: transform(self.body),
            rate_limit: self.rate_limit,
        }
    }

    /// Drops status and headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

/// The rate-limit budget a response announced, read from the headers the API's
/// [`ApiProfile`](crate::ApiProfile) names (for InboxApp `X-RateLimit-Limit`,
/// `-Remaining` and `-Reset`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// When the window resets, in Unix seconds (converted from the API's own format).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the headers `names` lists; missing or malformed values are `None`.
    /// `now` converts a reset written as seconds-from-now into Unix seconds.
    pub fn from_headers(headers: &HeaderMap, names: &RateLimitHeaders, now: chrono::DateTime<chrono::Utc>) -> Self {
        let number = |name: Option<&str>| {
            headers
                .get(name?)
                .and_then(|value| value.to_str().ok())
                .and_then(|text| text.trim().parse::<u64>().ok())
        };
        let now_secs = u64::try_from(now.timestamp()).unwrap_or(0);
        let reset = number(names.reset).map(|value| match names.reset_format {
            ResetFormat::UnixSeconds => value,
            ResetFormat::DeltaSeconds => now_secs.saturating_add(value),
            // A value too small to be a Unix time (before 2001-09-09) is a number of
            // seconds to wait, as some servers send.
            _ if value < 1_000_000_000 => now_secs.saturating_add(value),
            _ => value,
        });
        Self {
            limit: number(names.limit),
            remaining: number(names.remaining),
            reset,
        }
    }

    /// True when the response announced a remaining budget or a reset time.
    pub fn is_announced(&self) -> bool {
        self.remaining.is_some() || self.reset.is_some()
    }

    /// Time left until the window resets, as seen at `now` (zero once past).
    pub fn reset_after(&self, now: chrono::DateTime<chrono::Utc>) -> Option<std::time::Duration> {
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        Some(std::time::Duration::from_millis(
            self.reset?.saturating_mul(1000).saturating_sub(now_ms),
        ))
    }
}

/// A response that arrived with a success status, not yet decoded. For a streamed
/// request ([`RequestSpec::streamed`](crate::RequestSpec::streamed)) the body has not
/// been read yet: [`RawResponse::events`], [`RawResponse::json_lines`] and
/// [`RawResponse::byte_stream`] read it as it arrives, the other decoders read it whole.
#[derive(Debug)]
pub struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) rate_limit: RateLimit,
    pub(crate) streaming: Option<Box<crate::stream::Streaming>>,
}

impl RawResponse {
    pub(crate) fn wrap<T>(self, body: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            body,
            rate_limit: self.rate_limit,
        }
    }

    /// A response built from its parts, without a server (no rate-limit information):
    /// lets test harnesses such as `cargo xtask conformance` decode example bodies
    /// through exactly the path a generated client uses ([`RawResponse::json`]).
    pub fn from_parts(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
            rate_limit: RateLimit::default(),
            streaming: None,
        }
    }

    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Decodes a JSON body; a mismatch names the failing field's path.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        // Fast path without path tracking; only a failure pays for locating the field.
        if let Ok(body) = serde_json::from_slice::<T>(&self.body) {
            return Ok(self.wrap(body));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
        match decoded {
            Ok(body) => match deserializer.end() {
                Ok(()) => Ok(self.wrap(body)),
                Err(err) => Err(self.unexpected(format!("body is not valid JSON: {err}"), None)),
            },
            Err(err) => {
                let path = err.path().to_string();
                let inner = err.into_inner();
                let reason = if inner.is_syntax() || inner.is_eof() {
                    format!("body is not valid JSON: {inner}")
                } else {
                    format!("body does not match the documented schema: {inner}")
                };
                Err(self.unexpected(reason, (path != ".").then_some(path)))
            }
        }
    }

    /// Accepts a response whose body is documented as empty (any body is ignored).
    pub fn empty<E>(self) -> Result<Response<()>, Error<E>> {
        Ok(self.wrap(()))
    }

    /// Returns the body as text.
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(self.wrap(text)),
            Err(_) => Err(self.unexpected("body is not valid UTF-8".into(), None)),
        }
    }

    /// The error for a success status the spec does not document for this operation.
    pub fn undocumented_status<E>(self) -> Error<E> {
        let reason = format!(
            "HTTP {} is not a documented success status of this operation",
            self.status
        );
        self.unexpected(reason, None)
    }

    /// Returns the body bytes.
    pub fn bytes<E>(self) -> Result<Response<Bytes>, Error<E>> {
        Ok({
            let body = self.body.clone();
            self.wrap(body)
        })
    }

    fn unexpected<E>(self, reason: String, path: Option<String>) -> Error<E> {
        let content_type = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Error::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: self.status,
            content_type,
            raw: self.body,
            path,
            reason,
        }))
    }
}
