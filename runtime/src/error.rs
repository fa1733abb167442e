//! The one error type every generated client returns.

use crate::response::RateLimit;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// Boxed source error, so no third-party error type appears in a public variant.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong with a call, split by what the caller can do about it.
///
/// `E` is the body type of the API's documented error responses (for example
/// `ErrorResponse`); when a body does not decode as `E`, the raw bytes are still kept.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// An argument was rejected before anything was sent (bad path parameter,
    /// unencodable value). Fix the call.
    InvalidArgument {
        /// The parameter's name as the spec spells it.
        name: Cow<'static, str>,
        /// Why it was rejected.
        reason: String,
    },
    /// The client could not be configured (bad base URL, bad header value, TLS setup).
    Config {
        /// What was wrong.
        reason: String,
    },
    /// No response arrived within the per-attempt timeout.
    Timeout {
        /// The timeout that fired.
        after: Duration,
    },
    /// No response arrived: DNS, connect, TLS, reset or other transport failure.
    Connection {
        /// A short description.
        message: String,
        /// The underlying failure.
        source: BoxError,
    },
    /// The API answered with a non-success status.
    Api(Box<ApiError<E>>),
    /// The API answered with something the client cannot read as documented: a body
    /// that is not JSON, or JSON that does not fit the schema.
    UnexpectedResponse(Box<UnexpectedResponse>),
}

/// A non-success answer from the API.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError<E> {
    /// HTTP status code.
    pub status: u16,
    /// The documented error body, when the response decoded as one.
    pub body: Option<E>,
    /// The raw response body, always kept.
    pub raw: Bytes,
    /// Response headers.
    pub headers: HeaderMap,
    /// The request id header (`x-request-id`), when the server sent one.
    pub request_id: Option<String>,
    /// Rate-limit headers, when present.
    pub rate_limit: RateLimit,
    /// The wait the server asked for (`Retry-After`, or `X-RateLimit-Reset` on a 429).
    pub retry_after: Option<Duration>,
}

/// A response the client could not interpret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UnexpectedResponse {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` the server sent.
    pub content_type: Option<String>,
    /// The raw body.
    pub raw: Bytes,
    /// The serde path of the field that failed (`steps[0].data`), when decoding JSON
    /// against the schema failed.
    pub path: Option<String>,
    /// What went wrong.
    pub reason: String,
}

impl<E> Error<E> {
    /// An argument error for a parameter named in the spec.
    pub fn invalid_argument(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: Cow::Borrowed(name),
            reason: reason.into(),
        }
    }

    /// An argument error for a computed parameter name.
    pub fn invalid_argument_owned(name: String, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: Cow::Owned(name),
            reason: reason.into(),
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::UnexpectedResponse(unexpected) => Some(unexpected.status),
            _ => None,
        }
    }

    /// The documented error body, when the API sent one that decoded.
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Error::Api(api) => api.body.as_ref(),
            _ => None,
        }
    }

    /// True for failures that may succeed when repeated: timeouts, connection
    /// failures, 429 and 500/502/503/504. (Whether a given request may be repeated
    /// safely is decided separately, by its method and idempotency key.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Connection { .. } => true,
            Error::Api(api) => is_retryable_status(api.status),
            Error::UnexpectedResponse(unexpected) => is_retryable_status(unexpected.status),
            _ => false,
        }
    }

    /// The API's machine-readable error code, read from the raw JSON body of an API
    /// error: `error.code` (`{"error": {"code": "THREAD_NOT_FOUND", ...}}`), else a
    /// top-level `code`. A numeric code is returned as its decimal text. `None` for
    /// other errors and for bodies without a code.
    pub fn code(&self) -> Option<String> {
        let Error::Api(api) = self else {
            return None;
        };
        let value: serde_json::Value = serde_json::from_slice(&api.raw).ok()?;
        let code_of = |value: &serde_json::Value| match value.get("code")? {
            serde_json::Value::String(code) => Some(code.clone()),
            serde_json::Value::Number(code) => Some(code.to_string()),
            _ => None,
        };
        value.get("error").and_then(code_of).or_else(|| code_of(&value))
    }

    /// The request id the server sent with an API error (`x-request-id`).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }

    /// The raw body of a response that was an error or could not be read.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::Api(api) => Some(&api.raw),
            Error::UnexpectedResponse(unexpected) => Some(&unexpected.raw),
            _ => None,
        }
    }

    /// The wait the server asked for before a retry (`Retry-After`, or
    /// `X-RateLimit-Reset` on a 429). When the client gave up on a 429 because this
    /// was longer than its `max_retry_after`, this says how long to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// True when the API said the caller is rate limited (429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(429)
    }

    /// Maps the error body type, keeping everything else.
    pub fn map_body<F>(self, map: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::InvalidArgument { name, reason } => Error::InvalidArgument { name, reason },
            Error::Config { reason } => Error::Config { reason },
            Error::Timeout { after } => Error::Timeout { after },
            Error::Connection { message, source } => Error::Connection { message, source },
            Error::Api(api) => {
                let api = *api;
                Error::Api(Box::new(ApiError {
                    status: api.status,
                    body: api.body.map(map),
                    raw: api.raw,
                    headers: api.headers,
                    request_id: api.request_id,
                    rate_limit: api.rate_limit,
                    retry_after: api.retry_after,
                }))
            }
            Error::UnexpectedResponse(unexpected) => Error::UnexpectedResponse(unexpected),
        }
    }
}

/// The statuses worth repeating: rate limited, or a server-side failure that may pass.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
            Error::Config { reason } => write!(f, "invalid client configuration: {reason}"),
            Error::Timeout { after } => write!(f, "no response within {} ms", after.as_millis()),
            Error::Connection { message, .. } => write!(f, "connection failed: {message}"),
            Error::Api(api) => {
                write!(f, "API error (HTTP {})", api.status)?;
                if let Some(message) = message_of(&api.raw) {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Error::UnexpectedResponse(unexpected) => {
                write!(
                    f,
                    "unexpected response (HTTP {}): {}",
                    unexpected.status, unexpected.reason
                )?;
                if let Some(path) = &unexpected.path {
                    write!(f, " at `{path}`")?;
                }
                Ok(())
            }
        }
    }
}

/// Best-effort human message from a JSON error body (`message` or `error.message`).
fn message_of(raw: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(raw).ok()?;
    let pick = |value: &serde_json::Value| value.get("message").and_then(|m| m.as_str()).map(str::to_owned);
    pick(&value).or_else(|| value.get("error").and_then(pick))
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection { source, .. } => Some(source.as_ref()),
            Error::InvalidArgument { .. }
            | Error::Config { .. }
            | Error::Timeout { .. }
            | Error::Api(_)
            | Error::UnexpectedResponse(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(raw: &'static str) -> Error<()> {
        Error::Api(Box::new(ApiError {
            status: 404,
            body: None,
            raw: Bytes::from_static(raw.as_bytes()),
            headers: HeaderMap::new(),
            request_id: Some("req_1".into()),
            rate_limit: RateLimit::default(),
            retry_after: None,
        }))
    }

    #[test]
    fn code_reads_nested_or_top_level_codes() {
        let nested = api(r#"{"error":{"code":"THREAD_NOT_FOUND","message":"Thread not found","status":404}}"#);
        assert_eq!(nested.code().as_deref(), Some("THREAD_NOT_FOUND"));
        assert_eq!(nested.request_id(), Some("req_1"));
        assert_eq!(nested.to_string(), "API error (HTTP 404): Thread not found");
        assert_eq!(api(r#"{"code":"not_found"}"#).code().as_deref(), Some("not_found"));
        assert_eq!(api(r#"{"error":{"code":1234}}"#).code().as_deref(), Some("1234"));
        assert_eq!(api(r#"{"error":"not_found"}"#).code(), None);
        assert_eq!(api("<html>502</html>").code(), None);
        assert_eq!(
            api("<html>502</html>").raw_body().map(|raw| &raw[..]),
            Some(&b"<html>502</html>"[..])
        );
        let timeout: Error<()> = Error::Timeout {
            after: Duration::from_secs(1),
        };
        assert_eq!(timeout.code(), None);
        assert!(timeout.is_retryable());
        assert_eq!(timeout.status(), None);
    }
}
