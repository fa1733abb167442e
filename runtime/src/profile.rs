//! What one API does its own way, as plain data: default base URL, user agent, where
//! its error bodies keep the machine-readable code and message, which header carries
//! the request id, and which headers announce the rate limit (and how the reset time
//! is written).
//!
//! The runtime knows no API. A generated crate emits one `const API: ApiProfile`,
//! filled from its spec (error schemas, documented response headers, `servers`,
//! `info`) and the `x-apigen-conventions` extension, and passes it to
//! [`ClientBuilder::new`](crate::ClientBuilder::new).

use crate::auth::SecurityScheme;
use crate::response::RateLimit;
use reqwest::header::HeaderMap;

/// The conventions of one API. Built in a `const` with the `const fn` setters below;
/// anything not set is simply not looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiProfile {
    default_base_url: &'static str,
    user_agent: &'static str,
    error_code: &'static [&'static str],
    error_message: &'static [&'static str],
    request_id_header: Option<&'static str>,
    rate_limit: RateLimitHeaders,
    security_schemes: &'static [SecurityScheme],
    stream_end_markers: &'static [&'static str],
    max_stream_item: usize,
}

impl ApiProfile {
    /// A profile with a default base URL and `User-Agent`, and no error-body,
    /// request-id or rate-limit conventions.
    pub const fn new(default_base_url: &'static str, user_agent: &'static str) -> Self {
        Self {
            default_base_url,
            user_agent,
            error_code: &[],
            error_message: &[],
            request_id_header: None,
            rate_limit: RateLimitHeaders::NONE,
            security_schemes: &[],
            stream_end_markers: &[],
            max_stream_item: crate::stream::DEFAULT_MAX_ITEM_SIZE,
        }
    }

    /// The `data` values that end a server-sent event stream cleanly (for example
    /// `[DONE]`); compared with the event's data without surrounding whitespace.
    pub const fn stream_end_markers(mut self, markers: &'static [&'static str]) -> Self {
        self.stream_end_markers = markers;
        self
    }

    /// The largest streamed item (one event, one JSON line) accepted, in bytes;
    /// default [`DEFAULT_MAX_ITEM_SIZE`](crate::stream::DEFAULT_MAX_ITEM_SIZE).
    pub const fn max_stream_item_size(mut self, bytes: usize) -> Self {
        self.max_stream_item = bytes;
        self
    }

    /// The end markers of server-sent event streams.
    pub const fn end_markers(&self) -> &'static [&'static str] {
        self.stream_end_markers
    }

    /// The largest streamed item accepted, in bytes.
    pub const fn max_stream_item(&self) -> usize {
        self.max_stream_item
    }

    /// The spec's security schemes, which the builder's credentials are matched to and
    /// operations' requirements name (see [`crate::auth`]).
    pub const fn security_schemes(mut self, schemes: &'static [SecurityScheme]) -> Self {
        self.security_schemes = schemes;
        self
    }

    /// The security schemes set with [`Self::security_schemes`].
    pub const fn schemes(&self) -> &'static [SecurityScheme] {
        self.security_schemes
    }

    /// JSON pointers (`/error/code`) tried in order to find the error code in an
    /// error body.
    pub const fn error_code(mut self, pointers: &'static [&'static str]) -> Self {
        self.error_code = pointers;
        self
    }

    /// JSON pointers tried in order to find the human-readable message in an error body.
    pub const fn error_message(mut self, pointers: &'static [&'static str]) -> Self {
        self.error_message = pointers;
        self
    }

    /// The response header carrying the server's request id (e.g. `x-request-id`).
    pub const fn request_id_header(mut self, name: &'static str) -> Self {
        self.request_id_header = Some(name);
        self
    }

    /// The headers announcing the rate-limit budget.
    pub const fn rate_limit_headers(mut self, headers: RateLimitHeaders) -> Self {
        self.rate_limit = headers;
        self
    }

    /// The base URL used unless the builder overrides it.
    pub const fn default_base_url(&self) -> &'static str {
        self.default_base_url
    }

    /// The `User-Agent` sent by default.
    pub const fn user_agent(&self) -> &'static str {
        self.user_agent
    }

    /// The rate-limit header conventions.
    pub const fn rate_limit(&self) -> &RateLimitHeaders {
        &self.rate_limit
    }

    /// The error code found at the first matching pointer; a number is returned as
    /// its decimal text.
    pub fn code_of(&self, body: &serde_json::Value) -> Option<String> {
        self.error_code.iter().find_map(|pointer| match body.pointer(pointer)? {
            serde_json::Value::String(code) => Some(code.clone()),
            serde_json::Value::Number(code) => Some(code.to_string()),
            _ => None,
        })
    }

    /// The error message found at the first matching pointer.
    pub fn message_of(&self, body: &serde_json::Value) -> Option<String> {
        self.error_message
            .iter()
            .find_map(|pointer| body.pointer(pointer)?.as_str().map(str::to_owned))
    }

    /// The request id header's value, when the API names one and it was sent.
    pub fn request_id_of(&self, headers: &HeaderMap) -> Option<String> {
        let name = self.request_id_header?;
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    /// The rate-limit headers of a response.
    pub fn rate_limit_of(&self, headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> RateLimit {
        RateLimit::from_headers(headers, &self.rate_limit, now)
    }
}

/// How an API writes the time its rate-limit window resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetFormat {
    /// Unix time in seconds (`X-RateLimit-Reset: 1705312800`).
    UnixSeconds,
    /// Seconds from now (`RateLimit-Reset: 30`).
    DeltaSeconds,
    /// Either: a value too small to be a recent Unix time (before 2001-09-09) is read
    /// as seconds from now. For specs that do not say.
    Auto,
}

/// Names of the headers that announce an API's rate-limit budget (any may be absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub(crate) limit: Option<&'static str>,
    pub(crate) remaining: Option<&'static str>,
    pub(crate) reset: Option<&'static str>,
    pub(crate) reset_format: ResetFormat,
}

impl RateLimitHeaders {
    /// No rate-limit headers.
    pub const NONE: Self = Self {
        limit: None,
        remaining: None,
        reset: None,
        reset_format: ResetFormat::Auto,
    };

    /// The header with the window's total budget.
    pub const fn limit(mut self, name: &'static str) -> Self {
        self.limit = Some(name);
        self
    }

    /// The header with the requests left in the window.
    pub const fn remaining(mut self, name: &'static str) -> Self {
        self.remaining = Some(name);
        self
    }

    /// The header with the window's reset time, and how that time is written.
    pub const fn reset(mut self, name: &'static str, format: ResetFormat) -> Self {
        self.reset = Some(name);
        self.reset_format = format;
        self
    }

    /// True when the API announces at least the remaining budget or the reset time.
    pub const fn is_announced(&self) -> bool {
        self.remaining.is_some() || self.reset.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const NESTED: ApiProfile = ApiProfile::new("https://api.example.com", "example/1")
        .error_code(&["/error/code"])
        .error_message(&["/error/message"])
        .request_id_header("x-request-id");
    const FLAT: ApiProfile = ApiProfile::new("", "flat/1")
        .error_code(&["/code"])
        .error_message(&["/message"]);

    #[test]
    fn codes_and_messages_come_only_from_the_profile_pointers() {
        let nested = serde_json::json!({"error": {"code": "THREAD_NOT_FOUND", "message": "gone"}, "code": "x"});
        assert_eq!(NESTED.code_of(&nested).as_deref(), Some("THREAD_NOT_FOUND"));
        assert_eq!(NESTED.message_of(&nested).as_deref(), Some("gone"));
        assert_eq!(FLAT.code_of(&nested).as_deref(), Some("x"));
        assert_eq!(FLAT.message_of(&nested), None);
        let numeric = serde_json::json!({"code": 20404, "message": "not found"});
        assert_eq!(FLAT.code_of(&numeric).as_deref(), Some("20404"));
        assert_eq!(NESTED.code_of(&numeric), None);
        assert_eq!(ApiProfile::new("", "").code_of(&numeric), None);
    }

    #[test]
    fn request_id_only_from_the_named_header() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("req_1"));
        assert_eq!(NESTED.request_id_of(&headers).as_deref(), Some("req_1"));
        assert_eq!(FLAT.request_id_of(&headers), None);
    }
}
