//! Client configuration: [`ClientBuilder`] (base URL, user agent, credentials, default
//! headers, timeouts, retry timing) and the redirect policy that keeps credentials on
//! their origin.

use crate::auth::{self, Authenticator, Credential, Generic};
use crate::error::Error;
use crate::execute::{Inner, RawClient};
use crate::pacing::{Pacer, PacingConfig};
use crate::profile::ApiProfile;
use crate::retry::{RetryConfig, Sleeper};
use crate::secret::SecretString;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// Configures and builds a client. Generated crates alias it with their own client
/// type `C` and error body type `E`, and start it from their spec's [`ApiProfile`].
pub struct ClientBuilder<C = RawClient, E = serde_json::Value> {
    base_url: String,
    user_agent: String,
    auth: Option<Generic>,
    credentials: Vec<(&'static str, Credential)>,
    default_headers: Vec<(String, String)>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryConfig,
    http: Option<reqwest::Client>,
    sleeper: Option<Sleeper>,
    profile: ApiProfile,
    pacing: PacingConfig,
    marker: PhantomData<fn() -> (C, E)>,
}

impl<C, E> fmt::Debug for ClientBuilder<C, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("auth", &self.auth.as_ref().map(|_| "[redacted]"))
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl<C: From<RawClient>, E> ClientBuilder<C, E> {
    /// Starts from an API's profile: its default base URL, `User-Agent`
    /// (`name/version`) and conventions (error code field, rate-limit headers).
    pub fn new(profile: ApiProfile) -> Self {
        Self {
            base_url: profile.default_base_url().to_owned(),
            user_agent: profile.user_agent().to_owned(),
            profile,
            pacing: PacingConfig::default(),
            auth: None,
            credentials: Vec::new(),
            default_headers: Vec::new(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryConfig::default(),
            http: None,
            sleeper: None,
            marker: PhantomData,
        }
    }

    /// Sends `Authorization: Bearer <token>`: on every request when the spec declares
    /// no security, else on the operations whose requirements a bearer token meets
    /// (HTTP bearer, OAuth 2 and OpenID Connect schemes). The token is never shown by
    /// `Debug`, `Display` or errors.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Generic::Bearer(SecretString::new(token)));
        self
    }

    /// Sends an API key in the header `name` (lower case): on every request when the
    /// spec declares no security, else where an API-key scheme with that header is
    /// required.
    pub fn api_key_header(mut self, name: &'static str, key: impl Into<String>) -> Self {
        self.auth = Some(Generic::Header(HeaderName::from_static(name), SecretString::new(key)));
        self
    }

    /// Sends HTTP basic credentials: on every request when the spec declares no
    /// security, else where an HTTP basic scheme is required.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Generic::Basic(username.into(), SecretString::new(password)));
        self
    }

    /// Gives the credential of the security scheme named `scheme` in the API's
    /// profile (generated crates wrap this in one method per scheme). It is sent on
    /// the operations that require that scheme; [`Self::build`] refuses a scheme the
    /// profile does not declare or a credential of the wrong kind.
    pub fn credential(mut self, scheme: &'static str, credential: impl Into<Credential>) -> Self {
        self.credentials.retain(|(name, _)| *name != scheme);
        self.credentials.push((scheme, credential.into()));
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

    /// Caps the requests in flight at once, across this client and its clones.
    /// Further calls queue (first come, first served) until a place frees; a queued
    /// call that is dropped or times out leaves the queue. Default: no cap.
    pub fn max_concurrent_requests(mut self, max: usize) -> Self {
        self.pacing.max_concurrent_requests = Some(max);
        self
    }

    /// Sends at most `requests` per `interval`, across this client and its clones
    /// (a token bucket that starts full, so a burst of up to `requests` goes at once),
    /// e.g. `rate_limit(300, Duration::from_secs(60))` for a documented 300/min.
    /// Default: none (the client follows the server's headers instead).
    pub fn rate_limit(mut self, requests: u32, interval: Duration) -> Self {
        self.pacing.rate = Some((requests, interval));
        self
    }

    /// Whether the client follows the server's rate limit (default `true`): learns
    /// the budget from the API's rate-limit headers and, once it is spent, holds new
    /// requests until the reset; pauses every request after a `429` until its
    /// `Retry-After`; and while the budget is still unknown, lets the first request of
    /// a burst go alone (up to 2 s) so its answer can tell it. `false` restores
    /// per-request behaviour: each request retries on its own clock.
    pub fn follow_rate_limit(mut self, follow: bool) -> Self {
        self.pacing.follow_server = follow;
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
        let auth = Authenticator::new(auth::Config {
            schemes: self.profile.schemes(),
            generic: self.auth.as_ref(),
            credentials: self.credentials,
            default_headers: &self.default_headers,
            base_url: &base,
        })
        .map_err(|reason| Error::Config { reason })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(redirect_policy(auth.uses_custom_header(), auth.uses_oauth()))
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
                pacer: Pacer::new(self.pacing, self.profile.rate_limit().is_announced()),
                auth,
                profile: self.profile,
            }),
        }))
    }
}

/// Redirects followed by the client built by default.
const MAX_REDIRECTS: usize = 10;

/// Follows redirects like reqwest's default policy (which strips `Authorization`,
/// cookies and proxy credentials when the host or port changes), except that it stops
/// at a downgrade from HTTPS to HTTP; when `credential_in_custom_header`, at any
/// change of origin, since reqwest would forward such a header; and when
/// `secrets_in_body` (OAuth 2 token requests carry refresh tokens or client secrets in
/// their form body), at a 307 or 308 to another origin, which would resend the body.
fn redirect_policy(credential_in_custom_header: bool, secrets_in_body: bool) -> reqwest::redirect::Policy {
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
        let resends_body = matches!(attempt.status().as_u16(), 307 | 308);
        if secrets_in_body && resends_body && !same_origin {
            return attempt.stop();
        }
        attempt.follow()
    })
}

pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let header_name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("{name:?} is not a valid header name"))?;
    let header_value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header {name:?} is not a valid header value"))?;
    Ok((header_name, header_value))
}
