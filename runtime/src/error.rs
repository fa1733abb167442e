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
    /// The client gave up before sending because of the API's rate limit: the
    /// server-imposed wait (a `429` pause or a spent budget) was longer than
    /// `max_retry_after`, or waiting for a place would have passed the call's
    /// timeout. Nothing was sent for this attempt.
    RateLimited {
        /// How long the call had been running (queued, paused, earlier attempts)
        /// when it gave up.
        waited: Duration,
        /// How much longer it would have had to wait.
        retry_after: Duration,
    },
    /// The operation needs credentials the client was not given (see the generated
    /// builder's methods named after the spec's security schemes). Nothing was sent.
    MissingCredentials {
        /// Method and path template (`GET /pets/{petId}`).
        operation: String,
        /// What the spec accepts: any one of these lists of schemes, all of a list
        /// together.
        required: Vec<Vec<&'static str>>,
    },
    /// Credentials could not be obtained: the OAuth 2 token endpoint refused the
    /// client (or its refresh token), or answered with something that is not a token.
    /// The message never holds a secret.
    Authentication {
        /// The security scheme's name in the spec.
        scheme: &'static str,
        /// The token endpoint's status, when it answered.
        status: Option<u16>,
        /// What went wrong (the OAuth `error` code and description when given).
        reason: String,
    },
    /// The API answered with a non-success status.
    Api(Box<ApiError<E>>),
    /// The API answered with something the client cannot read as documented: a body
    /// that is not JSON, or JSON that does not fit the schema (for a streamed body:
    /// one item, whose raw text is kept).
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// One item of a streamed body (an event, a JSON line) was larger than the
    /// stream's limit; it was skipped without being held in memory, and the stream
    /// goes on with the next item.
    ItemTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Writing a downloaded body (or reading a file to upload) failed.
    Io {
        /// A short description.
        message: String,
        /// The underlying failure.
        source: BoxError,
    },
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
    /// The request id, when the API names a request-id header and the server sent it.
    pub request_id: Option<String>,
    /// The machine-readable error code, read where the API's profile says its error
    /// bodies keep it (a number as its decimal text).
    pub code: Option<String>,
    /// The human-readable message, read where the API's profile says.
    pub message: Option<String>,
    /// Rate-limit headers, when present.
    pub rate_limit: RateLimit,
    /// The wait the server asked for (`Retry-After`, or the rate-limit reset on a 429).
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
            Error::Timeout { .. } | Error::Connection { .. } | Error::RateLimited { .. } => true,
            Error::Api(api) => is_retryable_status(api.status),
            Error::UnexpectedResponse(unexpected) => is_retryable_status(unexpected.status),
            _ => false,
        }
    }

    /// The API's machine-readable error code, read from an API error's body where
    /// the API's profile says it is (InboxApp: `error.code`). A numeric code is
    /// returned as its decimal text. `None` for other errors and bodies without one.
    pub fn code(&self) -> Option<String> {
        match self {
            Error::Api(api) => api.code.clone(),
            _ => None,
        }
    }

    /// The request id the server sent with an API error (header named by the API's profile).
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

    /// The wait the server asked for before a retry (`Retry-After`, or the
    /// rate-limit reset on a 429). When the client gave up on a 429 because this
    /// was longer than its `max_retry_after`, this says how long to wait.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            Error::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// True when the API said the caller is rate limited (429), or the client gave
    /// up waiting for the rate limit ([`Error::RateLimited`]).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. }) || self.status() == Some(429)
    }

    /// Maps the error body type, keeping everything else.
    pub fn map_body<F>(self, map: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Error::InvalidArgument { name, reason } => Error::InvalidArgument { name, reason },
            Error::Config { reason } => Error::Config { reason },
            Error::Timeout { after } => Error::Timeout { after },
            Error::Connection { message, source } => Error::Connection { message, source },
            Error::RateLimited { waited, retry_after } => Error::RateLimited { waited, retry_after },
            Error::MissingCredentials { operation, required } => Error::MissingCredentials { operation, required },
            Error::Authentication { scheme, status, reason } => Error::Authentication { scheme, status, reason },
            Error::Api(api) => {
                let api = *api;
                Error::Api(Box::new(ApiError {
                    status: api.status,
                    body: api.body.map(map),
                    raw: api.raw,
                    headers: api.headers,
                    request_id: api.request_id,
                    code: api.code,
                    message: api.message,
                    rate_limit: api.rate_limit,
                    retry_after: api.retry_after,
                }))
            }
            Error::UnexpectedResponse(unexpected) => Error::UnexpectedResponse(unexpected),
            Error::ItemTooLarge { limit } => Error::ItemTooLarge { limit },
            Error::Io { message, source } => Error::Io { message, source },
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
            Error::RateLimited { waited, retry_after } => write!(
                f,
                "rate limited: gave up after {} ms, the next request could go in {} ms",
                waited.as_millis(),
                retry_after.as_millis()
            ),
            Error::MissingCredentials { operation, required } => {
                write!(f, "{operation} needs credentials the client was not given: ")?;
                let alternatives: Vec<String> = required.iter().map(|all| all.join(" and ")).collect();
                f.write_str(&alternatives.join(", or "))
            }
            Error::Authentication { scheme, status, reason } => {
                write!(f, "authentication with `{scheme}` failed")?;
                if let Some(status) = status {
                    write!(f, " (HTTP {status})")?;
                }
                write!(f, ": {reason}")
            }
            Error::Api(api) => {
                write!(f, "API error (HTTP {})", api.status)?;
                if let Some(message) = &api.message {
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
            Error::ItemTooLarge { limit } => {
                write!(f, "a streamed item was larger than {limit} bytes and was skipped")
            }
            Error::Io { message, .. } => write!(f, "I/O failed: {message}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connection { source, .. } | Error::Io { source, .. } => Some(source.as_ref()),
            Error::ItemTooLarge { .. }
            | Error::InvalidArgument { .. }
            | Error::Config { .. }
            | Error::Timeout { .. }
            | Error::RateLimited { .. }
            | Error::MissingCredentials { .. }
            | Error::Authentication { .. }
            | Error::Api(_)
            | Error::UnexpectedResponse(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: Option<&str>, message: Option<&str>) -> Error<()> {
        Error::Api(Box::new(ApiError {
            status: 404,
            body: None,
            raw: Bytes::from_static(b"<html>404</html>"),
            headers: HeaderMap::new(),
            request_id: Some("req_1".into()),
            code: code.map(str::to_owned),
            message: message.map(str::to_owned),
            rate_limit: RateLimit::default(),
            retry_after: None,
        }))
    }

    #[test]
    fn accessors_report_what_the_response_carried() {
        let found = api(Some("THREAD_NOT_FOUND"), Some("Thread not found"));
        assert_eq!(found.code().as_deref(), Some("THREAD_NOT_FOUND"));
        assert_eq!(found.request_id(), Some("req_1"));
        assert_eq!(found.to_string(), "API error (HTTP 404): Thread not found");
        let bare = api(None, None);
        assert_eq!(bare.code(), None);
        assert_eq!(bare.to_string(), "API error (HTTP 404)");
        assert_eq!(bare.raw_body().map(|raw| &raw[..]), Some(&b"<html>404</html>"[..]));
        let timeout: Error<()> = Error::Timeout {
            after: Duration::from_secs(1),
        };
        assert_eq!(timeout.code(), None);
        assert!(timeout.is_retryable());
        assert_eq!(timeout.status(), None);
    }
}
