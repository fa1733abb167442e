//! OAuth 2 for generated clients: [`OAuth2`] (what the user gives: a client-credentials
//! client, authorization-code tokens, or a fixed access token), [`OAuth2Tokens`] (what
//! the refresh callback receives), and the token source a client and its clones share.
//!
//! The source keeps the current access token and when to refresh it (a tenth of its
//! lifetime before expiry, at most a minute early). Every request asks it for the
//! token under one lock, so when the token must be fetched exactly one request fetches
//! it and the others wait for that answer. A `401` marks the token it answered as
//! refused; the next request to ask refreshes it once, whichever request asks first.
//!
//! Token requests go to the token URL with the client's HTTP client, timeout and retry
//! rules (a client-credentials request is repeated like an idempotent one; a refresh is
//! not, since providers that rotate refresh tokens accept each one once).

use crate::auth::OAuth2Flow;
use crate::error::Error;
use crate::response::RawResponse;
use crate::retry::{retry_delay, RetryConfig};
use crate::secret::SecretString;
use crate::RawClient;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Called with every new set of tokens.
type OnRefresh = Arc<dyn Fn(&OAuth2Tokens) + Send + Sync>;

/// Which grant the client runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    ClientCredentials,
    AuthorizationCode,
    Fixed,
}

/// OAuth 2 settings for one security scheme. Start from [`OAuth2::client_credentials`],
/// [`OAuth2::authorization_code`] or [`OAuth2::access_token`]; the token URL and
/// default scopes come from the spec unless set here. `Debug` never shows a secret.
#[derive(Clone)]
pub struct OAuth2 {
    grant: Grant,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    access_token: Option<SecretString>,
    refresh_token: Option<SecretString>,
    expires_in: Option<Duration>,
    token_url: Option<String>,
    scopes: Option<Vec<String>>,
    secret_in_body: bool,
    on_refresh: Option<OnRefresh>,
}

impl OAuth2 {
    fn empty(grant: Grant) -> Self {
        Self {
            grant,
            client_id: None,
            client_secret: None,
            access_token: None,
            refresh_token: None,
            expires_in: None,
            token_url: None,
            scopes: None,
            secret_in_body: false,
            on_refresh: None,
        }
    }

    /// The client-credentials grant: the client fetches its own access token from the
    /// token endpoint before the first request that needs one, and again before it
    /// expires or after a `401`.
    pub fn client_credentials(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: Some(client_id.into()),
            client_secret: Some(SecretString::new(client_secret)),
            ..Self::empty(Grant::ClientCredentials)
        }
    }

    /// The authorization-code grant, with tokens the user already obtained: the access
    /// token is sent until it expires ([`Self::expires_in`]) or is refused with a
    /// `401`; then the refresh token buys a new one. Providers may rotate the refresh
    /// token: store the new ones from [`Self::on_refresh`].
    pub fn authorization_code(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        access_token: impl Into<String>,
        refresh_token: impl Into<String>,
    ) -> Self {
        Self {
            client_id: Some(client_id.into()),
            client_secret: Some(SecretString::new(client_secret)),
            access_token: Some(SecretString::new(access_token)),
            refresh_token: Some(SecretString::new(refresh_token)),
            ..Self::empty(Grant::AuthorizationCode)
        }
    }

    /// An access token obtained elsewhere, sent as it is and never refreshed.
    pub fn access_token(token: impl Into<String>) -> Self {
        Self {
            access_token: Some(SecretString::new(token)),
            ..Self::empty(Grant::Fixed)
        }
    }

    /// How long the given access token is still valid (default: until refused). With
    /// `Duration::ZERO` the first request refreshes it.
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires_in = Some(lifetime);
        self
    }

    /// The token endpoint, instead of the spec's (a proxy, a test server). Absolute,
    /// or relative to the base URL.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The scopes to ask for, instead of those the spec's operations require.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Sends the client id and secret as form fields of the token request
    /// (`client_secret_post`) instead of HTTP basic authentication (the default).
    pub fn client_secret_in_body(mut self) -> Self {
        self.secret_in_body = true;
        self
    }

    /// Called with the new tokens after every successful token request, while other
    /// requests wait for the token: keep it short (store the tokens, do not block).
    pub fn on_refresh(mut self, callback: impl Fn(&OAuth2Tokens) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(callback));
        self
    }
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2")
            .field("grant", &self.grant)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_in", &self.expires_in)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// Tokens from a token endpoint, as passed to [`OAuth2::on_refresh`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuth2Tokens {
    /// The new access token.
    pub access_token: SecretString,
    /// The refresh token to use next time: the new one when the provider rotated it,
    /// else the one in use.
    pub refresh_token: Option<SecretString>,
    /// The access token's lifetime, when the endpoint said.
    pub expires_in: Option<Duration>,
    /// The scopes granted, when the endpoint said.
    pub scope: Option<String>,
}

/// The current token of one scheme and when to replace it.
struct State {
    access: Option<SecretString>,
    refresh: Option<SecretString>,
    refresh_at: Option<Instant>,
    generation: u64,
}

/// The OAuth 2 token of one scheme, shared by a client and its clones.
pub(crate) struct TokenSource {
    scheme: &'static str,
    grant: Grant,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    secret_in_body: bool,
    token_url: Option<reqwest::Url>,
    scopes: Vec<String>,
    on_refresh: Option<OnRefresh>,
    state: tokio::sync::Mutex<State>,
}

/// Refresh a tenth of the lifetime early, but at most a minute.
fn refresh_at(now: Instant, lifetime: Duration) -> Instant {
    now + lifetime - (lifetime / 10).min(Duration::from_secs(60))
}

impl TokenSource {
    /// Checks `oauth` against the flows the spec declares and resolves the token URL.
    pub(crate) fn new(
        scheme: &'static str,
        oauth: OAuth2,
        client_credentials: Option<OAuth2Flow>,
        authorization_code: Option<OAuth2Flow>,
        base_url: &reqwest::Url,
    ) -> Result<Self, String> {
        let flow = match oauth.grant {
            Grant::ClientCredentials => client_credentials,
            Grant::AuthorizationCode => authorization_code,
            Grant::Fixed => None,
        };
        let token_url = oauth
            .token_url
            .as_deref()
            .or(flow.map(|flow| flow.token_url()))
            .map(|url| {
                base_url
                    .join(url)
                    .map_err(|err| format!("token URL {url:?} of scheme {scheme:?} is not a valid URL: {err}"))
            })
            .transpose()?;
        if token_url.is_none() && oauth.grant != Grant::Fixed {
            return Err(format!(
                "security scheme {scheme:?} declares no {} flow: give its token URL with `OAuth2::token_url`",
                match oauth.grant {
                    Grant::ClientCredentials => "clientCredentials",
                    _ => "authorizationCode",
                }
            ));
        }
        let scopes = oauth.scopes.clone().unwrap_or_else(|| {
            flow.map(|flow| flow.scopes().iter().map(|scope| (*scope).to_owned()).collect())
                .unwrap_or_default()
        });
        let now = Instant::now();
        let state = State {
            access: oauth.access_token.clone(),
            refresh: oauth.refresh_token.clone(),
            refresh_at: oauth.expires_in.map(|lifetime| refresh_at(now, lifetime)),
            generation: 0,
        };
        Ok(Self {
            scheme,
            grant: oauth.grant,
            client_id: oauth.client_id,
            client_secret: oauth.client_secret,
            secret_in_body: oauth.secret_in_body,
            token_url,
            scopes,
            on_refresh: oauth.on_refresh,
            state: tokio::sync::Mutex::new(state),
        })
    }

    /// Whether a new token can be fetched (not a fixed access token).
    pub(crate) fn can_refresh(&self) -> bool {
        self.grant != Grant::Fixed
    }

    /// The scheme's name in the spec.
    pub(crate) fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// The access token to send and its generation. Fetches a new one when there is
    /// none, when it is due for refresh, or when `reject` names the current generation
    /// (a `401` refused it); concurrent callers wait for that one fetch.
    pub(crate) async fn token<E>(
        &self,
        client: &RawClient,
        reject: Option<u64>,
    ) -> Result<(SecretString, u64), Error<E>> {
        let mut state = self.state.lock().await;
        let due = state.refresh_at.is_some_and(|at| Instant::now() >= at);
        if let Some(access) = &state.access {
            if !due && reject != Some(state.generation) {
                return Ok((access.clone(), state.generation));
            }
            if self.grant == Grant::Fixed {
                // Nothing to refresh with: send it and let the server decide.
                return Ok((access.clone(), state.generation));
            }
        }
        let form = match self.grant {
            Grant::ClientCredentials => {
                let mut form = vec![("grant_type", "client_credentials".to_owned())];
                if !self.scopes.is_empty() {
                    form.push(("scope", self.scopes.join(" ")));
                }
                form
            }
            Grant::AuthorizationCode => {
                let Some(refresh) = &state.refresh else {
                    return Err(self.failure(None, "the token expired and there is no refresh token"));
                };
                vec![
                    ("grant_type", "refresh_token".to_owned()),
                    ("refresh_token", refresh.expose().to_owned()),
                ]
            }
            Grant::Fixed => return Err(self.failure(None, "no access token was given")),
        };
        let started = Instant::now();
        let tokens = self
            .request(client, form, self.grant == Grant::ClientCredentials)
            .await?;
        let tokens = OAuth2Tokens {
            refresh_token: tokens.refresh_token.or_else(|| state.refresh.clone()),
            ..tokens
        };
        state.access = Some(tokens.access_token.clone());
        state.refresh = tokens.refresh_token.clone();
        state.refresh_at = tokens.expires_in.map(|lifetime| refresh_at(started, lifetime));
        state.generation += 1;
        if let Some(callback) = &self.on_refresh {
            callback(&tokens);
        }
        Ok((tokens.access_token, state.generation))
    }

    fn failure<E>(&self, status: Option<u16>, reason: impl Into<String>) -> Error<E> {
        Error::Authentication {
            scheme: self.scheme,
            status,
            reason: reason.into(),
        }
    }

    /// One token request with the client's timeout and retry rules.
    async fn request<E>(
        &self,
        client: &RawClient,
        form: Vec<(&str, String)>,
        repeatable: bool,
    ) -> Result<OAuth2Tokens, Error<E>> {
        let inner = &client.inner;
        let retry: RetryConfig = inner.retry;
        let mut attempt: u32 = 0;
        loop {
            let request = self.build(&form)?;
            let error = match client
                .attempt::<serde_json::Value>(request, inner.timeout, inner.timeout, false)
                .await
            {
                Ok(response) => return self.read(response),
                Err(error) => error,
            };
            match retry_delay(&error, attempt, &retry, repeatable) {
                Some(wait) => {
                    (inner.sleeper)(wait).await;
                    attempt += 1;
                }
                None => return Err(self.token_error(error)),
            }
        }
    }

    fn build<E>(&self, form: &[(&str, String)]) -> Result<reqwest::Request, Error<E>> {
        let Some(url) = &self.token_url else {
            return Err(self.failure(None, "no token URL"));
        };
        let mut body = form::Serializer::new(String::new());
        for (name, value) in form {
            body.append_pair(name, value);
        }
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        match (&self.client_id, &self.client_secret) {
            (Some(id), Some(secret)) if !self.secret_in_body => {
                // RFC 6749 §2.3.1: both form-encoded, then joined for basic auth.
                let pair = format!("{}:{}", form::encode(id), form::encode(secret.expose()));
                let mut value = HeaderValue::from_str(&format!("Basic {}", crate::base64::encode(pair.as_bytes())))
                    .map_err(|_| self.failure(None, "the client id holds characters not allowed in a header"))?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            (id, secret) => {
                if let Some(id) = id {
                    body.append_pair("client_id", id);
                }
                if let Some(secret) = secret {
                    body.append_pair("client_secret", secret.expose());
                }
            }
        }
        *request.body_mut() = Some(reqwest::Body::from(body.finish()));
        Ok(request)
    }

    /// Reads a token response (RFC 6749 §5.1; `expires_in` as a number or a string).
    fn read<E>(&self, response: RawResponse) -> Result<OAuth2Tokens, Error<E>> {
        let status = Some(response.status);
        let json: serde_json::Value = serde_json::from_slice(&response.body)
            .map_err(|_| self.failure(status, "the token endpoint did not answer with JSON"))?;
        let text = |key: &str| json.get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        let Some(access) = text("access_token") else {
            return Err(self.failure(status, "the token endpoint's answer has no `access_token`"));
        };
        let expires_in = match json.get("expires_in") {
            Some(serde_json::Value::Number(number)) => number.as_u64(),
            Some(serde_json::Value::String(text)) => text.trim().parse().ok(),
            _ => None,
        };
        Ok(OAuth2Tokens {
            access_token: SecretString::new(access),
            refresh_token: text("refresh_token").map(SecretString::new),
            expires_in: expires_in.map(Duration::from_secs),
            scope: text("scope"),
        })
    }

    /// A failed token request as the caller sees it: transport failures keep their
    /// kind; an answer from the endpoint becomes [`Error::Authentication`] with the
    /// OAuth `error` code and description (never the request's secrets).
    fn token_error<E>(&self, error: Error<serde_json::Value>) -> Error<E> {
        match error {
            Error::Api(api) => {
                let field = |key: &str| {
                    api.body
                        .as_ref()
                        .and_then(|body| body.get(key))
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_owned)
                };
                let reason = match (field("error"), field("error_description")) {
                    (Some(code), Some(description)) => format!("the token endpoint refused: {code}: {description}"),
                    (Some(code), None) => format!("the token endpoint refused: {code}"),
                    _ => "the token endpoint refused the request".to_owned(),
                };
                self.failure(Some(api.status), reason)
            }
            Error::Timeout { after } => Error::Timeout { after },
            Error::Connection { message, source } => Error::Connection {
                message: format!("token request: {message}"),
                source,
            },
            other => self.failure(other.status(), format!("token request failed: {other}")),
        }
    }
}

/// `application/x-www-form-urlencoded` encoding.
mod form {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

    /// Everything but `*-._` and alphanumerics is escaped; the space becomes `+`.
    const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

    pub(super) fn encode(text: &str) -> String {
        text.split(' ')
            .map(|part| utf8_percent_encode(part, FORM).to_string())
            .collect::<Vec<_>>()
            .join("+")
    }

    pub(super) struct Serializer(String);

    impl Serializer {
        pub(super) fn new(start: String) -> Self {
            Self(start)
        }

        pub(super) fn append_pair(&mut self, name: &str, value: &str) {
            if !self.0.is_empty() {
                self.0.push('&');
            }
            self.0.push_str(&encode(name));
            self.0.push('=');
            self.0.push_str(&encode(value));
        }

        pub(super) fn finish(self) -> String {
            self.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding_follows_the_url_encoded_rules() {
        let mut form = form::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        form.append_pair("scope", "read:things write things/x");
        assert_eq!(
            form.finish(),
            "grant_type=client_credentials&scope=read%3Athings+write+things%2Fx"
        );
    }

    #[test]
    fn refresh_comes_early_but_not_too_early() {
        let now = Instant::now();
        assert_eq!(
            refresh_at(now, Duration::from_secs(3600)),
            now + Duration::from_secs(3540)
        );
        assert_eq!(refresh_at(now, Duration::from_secs(100)), now + Duration::from_secs(90));
        assert_eq!(refresh_at(now, Duration::ZERO), now);
    }

    #[test]
    fn debug_shows_no_secret() {
        let oauth = OAuth2::authorization_code("id", "secret-1", "access-2", "refresh-3");
        let text = format!("{oauth:?}");
        for secret in ["secret-1", "access-2", "refresh-3"] {
            assert!(!text.contains(secret), "{text}");
        }
    }
}
