//! Request execution: [`RawClient::execute`] builds the HTTP request, runs attempts
//! under the per-attempt timeout, follows the retry policy and turns a non-success
//! answer into [`Error::Api`].

use crate::builder::header_pair;
use crate::error::{ApiError, BoxError, Error};
use crate::pacing::Pacer;
use crate::profile::ApiProfile;
use crate::request::{Body, CallOptions, RequestSpec};
use crate::response::RawResponse;
use crate::retry::{retry_after, retry_delay, RetryConfig, Sleeper};
use crate::spans as trace;
use crate::stream::{Replay, Streaming};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryConfig,
    pub(crate) sleeper: Sleeper,
    pub(crate) profile: ApiProfile,
    pub(crate) pacer: Pacer,
    pub(crate) auth: crate::auth::Authenticator,
}

/// The configured HTTP machinery behind a generated `Client`. Cheap to clone.
#[derive(Clone)]
pub struct RawClient {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for RawClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawClient")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("pacing", self.inner.pacer.config())
            .finish_non_exhaustive()
    }
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
    /// `Retry-After` / the rate-limit reset header up to [`RetryConfig::max_retry_after`];
    /// 500/502/503/504, timeouts and connection failures are retried only when the
    /// method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS) or the call carries an
    /// idempotency key (sent unchanged on every attempt). Other statuses are returned
    /// at once. Without a server-requested wait, attempt `n` (0-based) waits
    /// `min(backoff_base * 2^n, backoff_cap)` plus up to 25 % jitter.
    ///
    /// Pacing (see [`PacingConfig`](crate::PacingConfig)): before each attempt the call queues, first come
    /// first served, behind the client's shared rate-limit state (a `429` pause, a
    /// spent budget), its optional concurrency cap and requests-per-interval limit.
    /// The queue time counts against the attempt's timeout; a wait that would pass it,
    /// or a server-imposed wait above `max_retry_after`, returns
    /// [`Error::RateLimited`] without sending. Dropping the future leaves the queue.
    ///
    /// With the `tracing` feature, the call runs in an `apigen.request` span (fields
    /// `method`, `path` — the path template, never the concrete path —, `status`,
    /// `attempts`, `queued_ms` — time spent waiting for the rate limit or a place —,
    /// `error`) and each attempt in a child `apigen.attempt` span
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
                queued_ms = tracing::field::Empty,
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
        // Credentials are chosen before anything is sent, and attached to each attempt.
        let mut auth = match self.inner.auth.plan(&spec, options) {
            Ok(plan) => plan,
            Err(error) => {
                trace::finish(0, None, Some(&error));
                return Err(error);
            }
        };
        let mut pending = Some(self.build_request(&spec, options)?);
        let mut retry = RetryConfig {
            max_retries: options.max_retries.unwrap_or(self.inner.retry.max_retries),
            ..self.inner.retry
        };
        let repeatable = spec.is_idempotent_method() || options.idempotency_key.is_some();
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let started = Instant::now();
        let mut own_pause = None;
        let mut queued = Duration::ZERO;
        let mut attempt: u32 = 0;
        loop {
            // The last possible attempt takes the request itself; earlier ones send a copy.
            let this_try = if attempt >= retry.max_retries && !auth.may_retry_unauthorized() {
                pending.take()
            } else {
                pending.as_ref().and_then(reqwest::Request::try_clone)
            };
            let mut this_try = match (this_try, &spec.body) {
                (Some(request), _) => request,
                // A file upload is opened again for each attempt.
                (None, Some(Body::Upload { upload, .. })) if upload.is_repeatable() && pending.is_some() => {
                    self.build_request(&spec, options)?
                }
                // A streamed body goes out once: this attempt is the last.
                (None, _) => match pending.take() {
                    Some(request) => {
                        retry.max_retries = attempt;
                        request
                    }
                    None => {
                        return Err(Error::Config {
                            reason: "request body cannot be repeated".into(),
                        })
                    }
                },
            };
            if let Err(error) = auth.apply(self, &mut this_try).await {
                trace::finish(attempt, error.status(), Some(&error));
                return Err(error);
            }
            let outcome = self.paced_attempt::<E>(this_try, timeout, &retry, own_pause, started, spec.streamed);
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
            let (outcome, pause, waited) = outcome.await;
            queued += waited;
            trace::queued(queued);
            // This call sleeps through the pause its own 429 started (below), so
            // admission must not make it wait for that pause a second time.
            own_pause = pause.or(own_pause);
            let error = match outcome {
                Ok(mut response) => {
                    trace::finish::<E>(attempt, Some(response.status), None);
                    if let Some(streaming) = &mut response.streaming {
                        streaming.replay = Some(Replay {
                            client: self.clone(),
                            spec,
                            options: options.clone(),
                            repeatable,
                        });
                    }
                    return Ok(response);
                }
                Err(error) => error,
            };
            // A 401 to an OAuth token: refresh it (next `apply`) and try once more.
            if auth.retry_unauthorized(&error) {
                continue;
            }
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
        let mut url = reqwest::Url::parse(&url).map_err(|err| Error::Config {
            reason: format!("request URL {url:?} is invalid: {err}"),
        })?;
        if !options.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &options.query {
                pairs.append_pair(name, value);
            }
        }
        let extended;
        let spec = if options.body_members.is_empty() {
            spec
        } else {
            let mut copy = spec.clone();
            for (name, value) in &options.body_members {
                copy.json_member(name, value.clone())?;
            }
            extended = copy;
            &extended
        };
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
            Some(Body::Upload { content_type, upload }) => {
                let content_type = upload.content_type_override().unwrap_or(content_type);
                let value = HeaderValue::from_str(content_type)
                    .map_err(|_| Error::invalid_argument("content-type", "not a valid header value"))?;
                request.headers_mut().insert(CONTENT_TYPE, value);
                let (body, length) = upload.body()?;
                if let Some(length) = length {
                    request.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(length));
                }
                *request.body_mut() = Some(body);
                (None, None)
            }
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

    /// Waits for admission by the shared pacer (counted against this attempt's
    /// timeout), sends the attempt, and lets the pacer learn from the answer. Returns
    /// the outcome, the end of the pause a `429` started, and the time spent queued.
    async fn paced_attempt<E: DeserializeOwned>(
        &self,
        request: reqwest::Request,
        timeout: Duration,
        retry: &RetryConfig,
        own_pause: Option<Instant>,
        started: Instant,
        streamed: bool,
    ) -> (Result<RawResponse, Error<E>>, Option<Instant>, Duration) {
        let arrived = Instant::now();
        let pacer = &self.inner.pacer;
        let ticket = match pacer.admit(arrived + timeout, retry.max_retry_after, own_pause).await {
            Ok(ticket) => ticket,
            Err(refused) => {
                let error = Error::RateLimited {
                    waited: started.elapsed(),
                    retry_after: refused.retry_after,
                };
                return (Err(trace::attempt_failed(error)), None, arrived.elapsed());
            }
        };
        let queued = arrived.elapsed();
        let outcome = self
            .attempt::<E>(request, timeout.saturating_sub(queued), timeout, streamed)
            .await;
        let pause = match &outcome {
            Ok(response) => ticket.observe(Some(response.status), &response.rate_limit, None),
            Err(Error::Api(api)) => ticket.observe(Some(api.status), &api.rate_limit, api.retry_after),
            Err(_) => {
                drop(ticket);
                None
            }
        };
        (outcome, pause, queued)
    }

    /// One exchange, limited to `budget`; a timeout is reported as `timeout`. With
    /// `streamed`, a success body is left unread (the budget covers the head only, and
    /// the stream waits at most `timeout` for each later chunk).
    pub(crate) async fn attempt<E: DeserializeOwned>(
        &self,
        request: reqwest::Request,
        budget: Duration,
        timeout: Duration,
        streamed: bool,
    ) -> Result<RawResponse, Error<E>> {
        let exchange = async {
            let mut response = self.inner.http.execute(request).await?;
            let status = response.status().as_u16();
            let headers = std::mem::take(response.headers_mut());
            if streamed && (200..300).contains(&status) {
                return Ok::<_, reqwest::Error>((status, headers, Bytes::new(), Some(response)));
            }
            let body = response.bytes().await?;
            Ok((status, headers, body, None))
        };
        let (status, headers, body, unread) = match tokio::time::timeout(budget, exchange).await {
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
            let rate_limit = self.inner.profile.rate_limit_of(&headers, chrono::Utc::now());
            let streaming = unread.map(|response| {
                Box::new(Streaming {
                    response,
                    idle: timeout,
                    replay: None,
                    max_item: self.inner.profile.max_stream_item(),
                    markers: self.inner.profile.end_markers(),
                })
            });
            return Ok(RawResponse {
                status,
                headers,
                body,
                rate_limit,
                streaming,
            });
        }
        Err(api_error(&self.inner.profile, status, headers, body))
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

fn api_error<E: DeserializeOwned>(profile: &ApiProfile, status: u16, headers: HeaderMap, raw: Bytes) -> Error<E> {
    // An error sent as an event stream (a streaming endpoint that fails after choosing
    // `text/event-stream`) carries its JSON in the first event's data.
    let event_data = is_event_stream(&headers).then(|| first_event_data(&raw)).flatten();
    let json_text: &[u8] = event_data.as_deref().map_or(&raw, str::as_bytes);
    let body = serde_json::from_slice::<E>(json_text).ok();
    let json = serde_json::from_slice::<serde_json::Value>(json_text).ok();
    let now = chrono::Utc::now();
    let rate_limit = profile.rate_limit_of(&headers, now);
    let retry_after = retry_after(&headers, status, &rate_limit, now);
    Error::Api(Box::new(ApiError {
        status,
        body,
        code: json.as_ref().and_then(|json| profile.code_of(json)),
        message: json.as_ref().and_then(|json| profile.message_of(json)),
        request_id: profile.request_id_of(&headers),
        raw,
        headers,
        rate_limit,
        retry_after,
    }))
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().to_ascii_lowercase().starts_with("text/event-stream"))
}

/// The data of the first event of an event-stream body, if it has one.
fn first_event_data(raw: &[u8]) -> Option<String> {
    let mut parser = crate::sse::SseParser::new(raw.len().saturating_add(1));
    parser.push(raw);
    parser.push(b"\n\n");
    parser.next_event()?.ok().map(|event| event.data)
}
