//! Client configuration and the request loop (attempts, timeouts, retries, decoding).

use crate::error::{ApiError, BoxError, Error, UnexpectedResponse};
use crate::request::{Body, CallOptions, RequestSpec};
use crate::response::{RateLimit, Response};
use crate::secret::SecretString;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Waits for a duration. Injected so retry behaviour can be tested without sleeping.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// How credentials are attached to every request.
#[derive(Clone)]
enum Auth {
    Bearer(SecretString),
    Header(HeaderName, SecretString),
    Basic(String, SecretString),
}

/// Retry timing. Which failures are retried is fixed (see [`RawClient::execute`]);
/// how long to wait between attempts is configured here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// First backoff delay; doubled on each further retry.
    pub backoff_base: Duration,
    /// Upper bound of a backoff delay (before jitter).
    pub backoff_cap: Duration,
    /// Longest server-requested wait (`Retry-After`, `X-RateLimit-Reset`) the client
    /// will honour; a longer request returns the rate-limit error instead of sleeping.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 2,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// Configures and builds a client. Generated crates alias it with their own client
/// type `C` and error body type `E`, and fill in the spec's default base URL.
pub struct ClientBuilder<C = RawClient, E = serde_json::Value> {
    base_url: String,
    user_agent: String,
    auth: Option<Auth>,
    default_headers: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryConfig,
    http: Option<reqwest::Client>,
    sleeper: Option<Sleeper>,
    marker: PhantomData<fn() -> (C, E)>,
}

impl<C, E> fmt::Debug for ClientBuilder<C, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("auth", &self.auth.as_ref().map(|_| "[redacted]"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C: From<RawClient>, E> ClientBuilder<C, E> {
    /// Starts from a default base URL and a `User-Agent` (`name/version`).
    pub fn new(default_base_url: &str, user_agent: &str) -> Self {
        Self {
            base_url: default_base_url.to_owned(),
            user_agent: user_agent.to_owned(),
            auth: None,
            default_headers: Vec::new(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryConfig::default(),
            http: None,
            sleeper: None,
            marker: PhantomData,
        }
    }

    /// Sends `Authorization: Bearer <token>` on every request. The token is never
    /// shown by `Debug`, `Display` or errors.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::Bearer(SecretString::new(token)));
        self
    }

    /// Sends an API key in a header on every request.
    pub fn api_key_header(mut self, name: &'static str, key: impl Into<String>) -> Self {
        self.auth = Some(Auth::Header(HeaderName::from_static(name), SecretString::new(key)));
        self
    }

    /// Sends HTTP basic credentials on every request.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::Basic(username.into(), SecretString::new(password)));
        self
    }

    /// Overrides the base URL (for a proxy, a staging server or a local test server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Per-attempt timeout covering the whole exchange, body included. Default 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connection timeout. Default 10 s. Ignored with [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries after the first attempt. Default 2.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Exponential backoff: first delay `base`, doubling, capped at `cap`, plus jitter.
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.retry.backoff_base = base;
        self.retry.backoff_cap = cap;
        self
    }

    /// Longest server-requested wait honoured before giving up. Default 60 s.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.retry.max_retry_after = wait;
        self
    }

    /// Adds a header to every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Appends `suffix` to the `User-Agent` (`inboxapp/0.1.0 my-app/2.0`).
    pub fn user_agent_suffix(mut self, suffix: impl AsRef<str>) -> Self {
        self.user_agent = format!("{} {}", self.user_agent, suffix.as_ref());
        self
    }

    /// Uses a caller-configured `reqwest::Client` (proxies, TLS roots, pools).
    ///
    /// Its own redirect policy then applies: reqwest drops `Authorization` (bearer and
    /// basic credentials) when a redirect leaves the host, but not a custom API-key
    /// header, and it follows HTTPS→HTTP downgrades. The client built by default
    /// refuses both of those redirects (see [`Self::build`]).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Replaces how the client waits between retries (for tests: record instead of sleep).
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Unless [`Self::http_client`] supplied one, the HTTP client follows at most 10
    /// redirects; it never follows a redirect from HTTPS to plain HTTP, and never one
    /// to another origin while the credential is a custom header
    /// ([`Self::api_key_header`]), because only `Authorization` is stripped on such
    /// redirects. A redirect that is not followed is returned as an API error with the
    /// 3xx status.
    pub fn build(self) -> Result<C, Error<E>> {
        let base = reqwest::Url::parse(&self.base_url).map_err(|err| Error::Config {
            reason: format!("base URL {:?} is not a valid URL: {err}", self.base_url),
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::Config {
                reason: format!("base URL {:?} must use http or https", self.base_url),
            });
        }
        let mut headers = HeaderMap::new();
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| Error::Config {
            reason: "user agent contains characters not allowed in a header".into(),
        })?;
        headers.insert(USER_AGENT, user_agent);
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &self.default_headers {
            let (name, value) = header_pair(name, value).map_err(|reason| Error::Config { reason })?;
            headers.append(name, value);
        }
        if let Some(auth) = &self.auth {
            let (name, value) = match auth {
                Auth::Bearer(token) => (AUTHORIZATION, header_value(&format!("Bearer {}", token.expose()))),
                Auth::Header(name, key) => (name.clone(), header_value(key.expose())),
                Auth::Basic(user, password) => {
                    let encoded = crate::base64::encode(format!("{user}:{}", password.expose()).as_bytes());
                    (AUTHORIZATION, header_value(&format!("Basic {encoded}")))
                }
            };
            let mut value = value.map_err(|_| Error::Config {
                reason: "credential contains characters not allowed in a header".into(),
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(redirect_policy(matches!(self.auth, Some(Auth::Header(..)))))
                .build()
                .map_err(|err| Error::Config {
                    reason: format!("HTTP client could not be built: {err}"),
                })?,
        };
        let sleeper = self
            .sleeper
            .unwrap_or_else(|| Arc::new(|wait| Box::pin(tokio::time::sleep(wait))));
        Ok(C::from(RawClient {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url.trim_end_matches('/').to_owned(),
                headers,
                timeout: self.timeout,
                retry: self.retry,
                sleeper,
            }),
        }))
    }
}

/// Redirects followed by the client built by default.
const MAX_REDIRECTS: usize = 10;

/// Follows redirects like reqwest's default policy (which strips `Authorization`,
/// cookies and proxy credentials when the host or port changes), except that it stops
/// at a downgrade from HTTPS to HTTP, and — when `credential_in_custom_header` — at any
/// change of origin, since reqwest would forward such a header.
fn redirect_policy(credential_in_custom_header: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        let Some(previous) = attempt.previous().last() else {
            return attempt.follow();
        };
        let next = attempt.url();
        if previous.scheme() == "https" && next.scheme() != "https" {
            return attempt.stop();
        }
        let same_origin = previous.scheme() == next.scheme()
            && previous.host_str() == next.host_str()
            && previous.port_or_known_default() == next.port_or_known_default();
        if credential_in_custom_header && !same_origin {
            return attempt.stop();
        }
        attempt.follow()
    })
}

fn header_value(text: &str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    HeaderValue::from_str(text)
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header_name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("{name:?} is not a valid header name"))?;
    let header_value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header {name:?} is not a valid header value"))?;
    Ok((header_name, header_value))
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    headers: HeaderMap,
    timeout: Duration,
    retry: RetryConfig,
    sleeper: Sleeper,
}

/// The configured HTTP machinery behind a generated `Client`. Cheap to clone.
#[derive(Clone)]
pub struct RawClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for RawClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawClient")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// A response that arrived with a success status, not yet decoded.
#[derive(Debug)]
pub struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl RawClient {
    /// The base URL every path is appended to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `spec`, retrying where that is safe, and returns the first success
    /// response or the final error.
    ///
    /// Retry policy: 429 is always retried (the request was not processed), honouring
    /// `Retry-After` / `X-RateLimit-Reset` up to [`RetryConfig::max_retry_after`];
    /// 500/502/503/504, timeouts and connection failures are retried only when the
    /// method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS) or the call carries an
    /// idempotency key (sent unchanged on every attempt). Other statuses are returned
    /// at once. Without a server-requested wait, attempt `n` (0-based) waits
    /// `min(backoff_base * 2^n, backoff_cap)` plus up to 25 % jitter.
    ///
    /// With the `tracing` feature, the call runs in an `apigen.request` span (fields
    /// `method`, `path` — the path template, never the concrete path —, `status`,
    /// `attempts`, `error`) and each attempt in a child `apigen.attempt` span
    /// (`attempt`, `status`, `error`); each retry logs a debug event with its wait.
    pub async fn execute<E: DeserializeOwned>(
        &self,
        spec: RequestSpec,
        options: &CallOptions,
    ) -> Result<RawResponse, Error<E>> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let span = tracing::info_span!(
                "apigen.request",
                method = %spec.method,
                path = spec.path_template,
                status = tracing::field::Empty,
                attempts = tracing::field::Empty,
                error = tracing::field::Empty,
            );
            self.run(spec, options).instrument(span).await
        }
        #[cfg(not(feature = "tracing"))]
        {
            self.run(spec, options).await
        }
    }

    async fn run<E: DeserializeOwned>(
        &self,
        spec: RequestSpec,
        options: &CallOptions,
    ) -> Result<RawResponse, Error<E>> {
        let mut pending = Some(self.build_request(&spec, options)?);
        let retry = RetryConfig {
            max_retries: options.max_retries.unwrap_or(self.inner.retry.max_retries),
            ..self.inner.retry
        };
        let repeatable = spec.is_idempotent_method() || options.idempotency_key.is_some();
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let mut attempt: u32 = 0;
        loop {
            // The last possible attempt takes the request itself; earlier ones send a copy.
            let this_try = if attempt >= retry.max_retries {
                pending.take()
            } else {
                pending.as_ref().and_then(reqwest::Request::try_clone)
            };
            let Some(this_try) = this_try else {
                return Err(Error::Config {
                    reason: "request body cannot be repeated".into(),
                });
            };
            let outcome = self.attempt::<E>(this_try, timeout);
            #[cfg(feature = "tracing")]
            let outcome = {
                use tracing::Instrument as _;
                outcome.instrument(tracing::debug_span!(
                    "apigen.attempt",
                    attempt,
                    status = tracing::field::Empty,
                    error = tracing::field::Empty,
                ))
            };
            let error = match outcome.await {
                Ok(response) => {
                    trace::finish::<E>(attempt, Some(response.status), None);
                    return Ok(response);
                }
                Err(error) => error,
            };
            match retry_delay(&error, attempt, &retry, repeatable) {
                Some(wait) => {
                    trace::retrying(attempt, wait, &error);
                    (self.inner.sleeper)(wait).await;
                    attempt += 1;
                }
                None => {
                    trace::finish(attempt, error.status(), Some(&error));
                    return Err(error);
                }
            }
        }
    }

    fn build_request<E>(&self, spec: &RequestSpec, options: &CallOptions) -> Result<reqwest::Request, Error<E>> {
        let mut url = format!("{}{}", self.inner.base_url, spec.path);
        if !spec.query.is_empty() {
            url.push('?');
            url.push_str(&spec.query.encode());
        }
        let url = reqwest::Url::parse(&url).map_err(|err| Error::Config {
            reason: format!("request URL {url:?} is invalid: {err}"),
        })?;
        let mut request = reqwest::Request::new(spec.method.clone(), url);
        let headers = request.headers_mut();
        for (name, value) in &self.inner.headers {
            headers.append(name.clone(), value.clone());
        }
        for (name, value) in &spec.headers {
            let (name, value) = header_pair(name, value).map_err(|reason| Error::invalid_argument(name, reason))?;
            headers.insert(name, value);
        }
        for (name, value) in &options.headers {
            let (header_name, value) =
                header_pair(name, value).map_err(|reason| Error::invalid_argument_owned(name.clone(), reason))?;
            headers.insert(header_name, value);
        }
        if let Some(key) = &options.idempotency_key {
            let (name, value) = header_pair("idempotency-key", key)
                .map_err(|reason| Error::invalid_argument("idempotency_key", reason))?;
            headers.insert(name, value);
        }
        let (content_type, bytes) = match &spec.body {
            None => (None, None),
            Some(Body::Json(bytes)) => (Some("application/json"), Some(bytes.clone())),
            Some(Body::Form(bytes)) => (Some("application/x-www-form-urlencoded"), Some(bytes.clone())),
            Some(Body::Raw { content_type, data }) => (Some(content_type.as_str()), Some(data.clone())),
        };
        if let (Some(content_type), Some(bytes)) = (content_type, bytes) {
            let value = HeaderValue::from_str(content_type)
                .map_err(|_| Error::invalid_argument("content-type", "not a valid header value"))?;
            request.headers_mut().insert(CONTENT_TYPE, value);
            *request.body_mut() = Some(reqwest::Body::from(bytes));
        }
        Ok(request)
    }

    async fn attempt<E: DeserializeOwned>(
        &self,
        request: reqwest::Request,
        timeout: Duration,
    ) -> Result<RawResponse, Error<E>> {
        let exchange = async {
            let mut response = self.inner.http.execute(request).await?;
            let status = response.status().as_u16();
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, headers, body))
        };
        let (status, headers, body) = match tokio::time::timeout(timeout, exchange).await {
            Err(_) => return Err(trace::attempt_failed(Error::Timeout { after: timeout })),
            Ok(Err(err)) if err.is_timeout() => return Err(trace::attempt_failed(Error::Timeout { after: timeout })),
            Ok(Err(err)) => {
                return Err(trace::attempt_failed(Error::Connection {
                    message: describe_transport_error(&err),
                    source: BoxError::from(err),
                }))
            }
            Ok(Ok(parts)) => parts,
        };
        trace::attempt_status(status);
        if (200..300).contains(&status) {
            return Ok(RawResponse { status, headers, body });
        }
        Err(api_error(status, headers, body))
    }
}

/// Span bookkeeping for the optional `tracing` feature. Without the feature every
/// function here compiles to nothing.
mod trace {
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
            Error::Api(_) => "api",
            Error::UnexpectedResponse(_) => "unexpected_response",
        }
    }

    /// Records the status of the current attempt.
    pub(super) fn attempt_status(status: u16) {
        #[cfg(feature = "tracing")]
        tracing::Span::current().record("status", status);
        #[cfg(not(feature = "tracing"))]
        let _ = status;
    }

    /// Records a transport failure (no status) on the current attempt.
    pub(super) fn attempt_failed<E>(error: Error<E>) -> Error<E> {
        #[cfg(feature = "tracing")]
        tracing::Span::current().record("error", kind(&error));
        error
    }

    /// Logs a retry decision.
    pub(super) fn retrying<E>(attempt: u32, wait: Duration, error: &Error<E>) {
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

    /// Records the outcome on the request span.
    pub(super) fn finish<E>(attempt: u32, status: Option<u16>, error: Option<&Error<E>>) {
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
}

fn describe_transport_error(err: &reqwest::Error) -> String {
    let mut message = if err.is_connect() {
        "could not connect".to_owned()
    } else if err.is_body() || err.is_decode() {
        "the response body was cut off".to_owned()
    } else if err.is_redirect() {
        "too many redirects".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn api_error<E: DeserializeOwned>(status: u16, headers: HeaderMap, raw: Bytes) -> Error<E> {
    let body = serde_json::from_slice::<E>(&raw).ok();
    let request_id = headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let rate_limit = RateLimit::from_headers(&headers);
    let retry_after = retry_after(&headers, status, &rate_limit, chrono::Utc::now());
    Error::Api(Box::new(ApiError {
        status,
        body,
        raw,
        headers,
        request_id,
        rate_limit,
        retry_after,
    }))
}

/// The wait the server asked for: `Retry-After` in seconds or as an HTTP date, else
/// (on a 429) the time until `X-RateLimit-Reset`.
fn retry_after(
    headers: &HeaderMap,
    status: u16,
    rate_limit: &RateLimit,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    if let Some(text) = headers.get("retry-after").and_then(|value| value.to_str().ok()) {
        let text = text.trim();
        if let Ok(seconds) = text.parse::<u64>() {
            return Some(Duration::from_secs(seconds));
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(text) {
            let wait = date.with_timezone(&chrono::Utc) - now;
            return Some(wait.to_std().unwrap_or(Duration::ZERO));
        }
    }
    if status == 429 {
        if let Some(reset) = rate_limit.reset {
            // Documented as Unix seconds; a value too small to be a timestamp
            // (before 2001-09-09) is a number of seconds to wait, as some servers send.
            if reset < 1_000_000_000 {
                return Some(Duration::from_secs(reset));
            }
            let now_secs = u64::try_from(now.timestamp()).unwrap_or(0);
            return Some(Duration::from_secs(reset.saturating_sub(now_secs)));
        }
    }
    None
}

/// Decides whether to retry after `error` on attempt `attempt` (0-based), and how long
/// to wait first. `None` means give up and return the error.
fn retry_delay<E>(error: &Error<E>, attempt: u32, retry: &RetryConfig, repeatable: bool) -> Option<Duration> {
    if attempt >= retry.max_retries {
        return None;
    }
    let server_wait = match error {
        Error::Api(api) if api.status == 429 => api.retry_after,
        Error::Api(api) if repeatable && matches!(api.status, 500 | 502 | 503 | 504) => api.retry_after,
        Error::Timeout { .. } | Error::Connection { .. } if repeatable => None,
        _ => return None,
    };
    match server_wait {
        Some(wait) if wait > retry.max_retry_after => None,
        Some(wait) => Some(wait),
        None => Some(backoff(attempt, retry)),
    }
}

/// `min(base * 2^attempt, cap)` plus up to 25 % random jitter.
fn backoff(attempt: u32, retry: &RetryConfig) -> Duration {
    let factor = 2u32.saturating_pow(attempt.min(16));
    let delay = retry.backoff_base.saturating_mul(factor).min(retry.backoff_cap);
    let jitter_range = delay.as_millis() as u64 / 4;
    let jitter = if jitter_range == 0 {
        0
    } else {
        fastrand::u64(0..=jitter_range)
    };
    delay + Duration::from_millis(jitter)
}

impl RawResponse {
    /// A response built from its parts, without a server: lets test harnesses (such
    /// as `cargo xtask conformance`) decode example bodies through exactly the path a
    /// generated client uses ([`RawResponse::json`]).
    pub fn from_parts(status: u16, headers: HeaderMap, body: Bytes) -> Self {
        Self { status, headers, body }
    }

    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Decodes a JSON body; a mismatch names the failing field's path.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
        // Fast path without path tracking; only a failure pays for locating the field.
        if let Ok(body) = serde_json::from_slice::<T>(&self.body) {
            return Ok(Response::new(self.status, self.headers, body));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let decoded: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
        match decoded {
            Ok(body) => match deserializer.end() {
                Ok(()) => Ok(Response::new(self.status, self.headers, body)),
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
        Ok(Response::new(self.status, self.headers, ()))
    }

    /// Returns the body as text.
    pub fn text<E>(self) -> Result<Response<String>, Error<E>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(Response::new(self.status, self.headers, text)),
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
        Ok(Response::new(self.status, self.headers, self.body))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, retry_after: Option<Duration>) -> Error<()> {
        Error::Api(Box::new(ApiError {
            status,
            body: None,
            raw: Bytes::new(),
            headers: HeaderMap::new(),
            request_id: None,
            rate_limit: RateLimit::default(),
            retry_after,
        }))
    }

    #[test]
    fn retry_table() {
        let retry = RetryConfig::default();
        assert!(retry_delay(&api(429, None), 0, &retry, false).is_some());
        assert_eq!(
            retry_delay(&api(429, Some(Duration::from_secs(1))), 0, &retry, false),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            retry_delay(&api(429, Some(Duration::from_secs(3600))), 0, &retry, false),
            None
        );
        assert!(retry_delay(&api(503, None), 0, &retry, true).is_some());
        assert_eq!(retry_delay(&api(503, None), 0, &retry, false), None);
        assert_eq!(retry_delay(&api(404, None), 0, &retry, true), None);
        assert_eq!(retry_delay(&api(429, None), 2, &retry, true), None);
        let timeout: Error<()> = Error::Timeout {
            after: Duration::from_secs(1),
        };
        assert!(retry_delay(&timeout, 0, &retry, true).is_some());
        assert_eq!(retry_delay(&timeout, 0, &retry, false), None);
    }

    #[test]
    fn backoff_grows_and_caps() {
        let retry = RetryConfig {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_millis(300),
            ..RetryConfig::default()
        };
        let first = backoff(0, &retry);
        assert!(first >= Duration::from_millis(100) && first <= Duration::from_millis(125));
        let capped = backoff(10, &retry);
        assert!(capped >= Duration::from_millis(300) && capped <= Duration::from_millis(375));
    }

    #[test]
    fn retry_after_forms() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(
            retry_after(&headers, 429, &RateLimit::default(), now),
            Some(Duration::from_secs(7))
        );
        headers.insert("retry-after", HeaderValue::from_static("Thu, 01 Jan 2026 00:00:30 GMT"));
        assert_eq!(
            retry_after(&headers, 429, &RateLimit::default(), now),
            Some(Duration::from_secs(30))
        );
        let reset = RateLimit {
            reset: Some(u64::try_from(now.timestamp()).unwrap() + 12),
            ..RateLimit::default()
        };
        assert_eq!(
            retry_after(&HeaderMap::new(), 429, &reset, now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(retry_after(&HeaderMap::new(), 503, &reset, now), None);
        let delta = RateLimit {
            reset: Some(20),
            ..RateLimit::default()
        };
        assert_eq!(
            retry_after(&HeaderMap::new(), 429, &delta, now),
            Some(Duration::from_secs(20))
        );
        let past = RateLimit {
            reset: Some(u64::try_from(now.timestamp()).unwrap() - 5),
            ..RateLimit::default()
        };
        assert_eq!(retry_after(&HeaderMap::new(), 429, &past, now), Some(Duration::ZERO));
        headers.insert("retry-after", HeaderValue::from_static("Wed, 31 Dec 2025 23:59:00 GMT"));
        assert_eq!(
            retry_after(&headers, 429, &RateLimit::default(), now),
            Some(Duration::ZERO),
            "a date in the past means retry now"
        );
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, 429, &RateLimit::default(), now), None);
    }

    #[test]
    fn retry_table_edges() {
        let retry = RetryConfig {
            backoff_base: Duration::from_millis(100),
            backoff_cap: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        for status in [500, 502, 503, 504] {
            assert!(retry_delay(&api(status, None), 0, &retry, true).is_some(), "{status}");
            assert_eq!(retry_delay(&api(status, None), 0, &retry, false), None, "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert_eq!(retry_delay(&api(status, None), 0, &retry, true), None, "{status}");
        }
        // A 503 asking for a wait gets exactly that wait, unless it is over the cap.
        assert_eq!(
            retry_delay(&api(503, Some(Duration::from_secs(2))), 0, &retry, true),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_delay(&api(503, Some(Duration::from_secs(61))), 0, &retry, true),
            None
        );
        // Exactly the cap is still honoured.
        assert_eq!(
            retry_delay(&api(429, Some(Duration::from_secs(60))), 0, &retry, false),
            Some(Duration::from_secs(60))
        );
        // Backoff doubles per attempt: 100 ms, 200 ms, 400 ms (+ up to 25 %).
        let second = retry_delay(
            &api(429, None),
            1,
            &RetryConfig {
                max_retries: 5,
                ..retry
            },
            false,
        )
        .unwrap();
        assert!(second >= Duration::from_millis(200) && second <= Duration::from_millis(250));
        let third = retry_delay(
            &api(429, None),
            2,
            &RetryConfig {
                max_retries: 5,
                ..retry
            },
            false,
        )
        .unwrap();
        assert!(third >= Duration::from_millis(400) && third <= Duration::from_millis(500));
        let unexpected: Error<()> = Error::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: 200,
            content_type: None,
            raw: Bytes::new(),
            path: None,
            reason: String::new(),
        }));
        assert_eq!(retry_delay(&unexpected, 0, &retry, true), None);
        let invalid: Error<()> = Error::invalid_argument("x", "bad");
        assert_eq!(retry_delay(&invalid, 0, &retry, true), None);
    }
}

#[cfg(all(test, feature = "tracing"))]
mod tracing_tests {
    use super::*;
    use std::sync::Mutex;
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
                let client: RawClient = ClientBuilder::<RawClient>::new(&format!("http://{address}"), "test/1")
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
        assert!(
            events
                .iter()
                .any(|event| field(event, "message") == Some("retrying") && field(event, "status") == Some("503")),
            "{events:?}"
        );
    }
}
