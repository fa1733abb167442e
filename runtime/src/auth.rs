//! Authentication from the spec: the security schemes a generated crate describes as
//! data ([`SecurityScheme`], carried in its [`ApiProfile`](crate::ApiProfile)), the
//! credentials a user gives for them ([`Credential`]), and, per request, the choice of
//! which requirement to meet and the credentials to attach.
//!
//! An operation's requirements arrive in [`RequestSpec::security`](crate::RequestSpec):
//! a list of alternatives (any one of them will do), each a list of schemes (all of
//! them are needed). `None` means the spec says nothing for the operation: every
//! configured credential is sent. `Some(&[])` means the operation is public: nothing is
//! sent. An operation whose alternatives are all unmet fails with
//! [`Error::MissingCredentials`] before anything is sent.

use crate::error::Error;
use crate::oauth::{OAuth2, TokenSource};
use crate::request::{CallOptions, RequestSpec};
use crate::secret::SecretString;
use crate::RawClient;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, COOKIE};
use std::fmt;
use std::sync::Arc;

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One OAuth 2 flow as the spec declares it: the token endpoint and the scopes asked
/// for by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuth2Flow {
    token_url: &'static str,
    scopes: &'static [&'static str],
}

impl OAuth2Flow {
    /// A flow whose tokens come from `token_url` (absolute, or relative to the base
    /// URL) with `scopes` requested by default.
    pub const fn new(token_url: &'static str, scopes: &'static [&'static str]) -> Self {
        Self { token_url, scopes }
    }

    /// The token endpoint as the spec writes it.
    pub const fn token_url(&self) -> &'static str {
        self.token_url
    }

    /// The scopes requested unless the user names others.
    pub const fn scopes(&self) -> &'static [&'static str] {
        self.scopes
    }
}

/// How one security scheme sends its credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// An API key in a header, query parameter or cookie named `name`.
    ApiKey {
        /// Where it goes.
        location: KeyLocation,
        /// The header, parameter or cookie name from the spec.
        name: &'static str,
    },
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <user:password>`.
    Basic,
    /// OAuth 2: a bearer token fetched and refreshed by the client.
    OAuth2 {
        /// The client-credentials flow, when the spec declares one.
        client_credentials: Option<OAuth2Flow>,
        /// The authorization-code flow (its token endpoint refreshes tokens).
        authorization_code: Option<OAuth2Flow>,
    },
    /// A scheme the client does not apply itself (OpenID Connect, mutual TLS, another
    /// HTTP scheme): the user configures it by hand (`default_header`, a custom
    /// `reqwest::Client`). `bearer`: a token given with `bearer_token` meets it.
    Manual {
        /// Whether the scheme's credential is a bearer token.
        bearer: bool,
    },
}

/// A security scheme of the spec (`components.securitySchemes`), as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    name: &'static str,
    kind: SchemeKind,
}

impl SecurityScheme {
    /// An API key sent as `param` in `location`.
    pub const fn api_key(name: &'static str, location: KeyLocation, param: &'static str) -> Self {
        Self {
            name,
            kind: SchemeKind::ApiKey { location, name: param },
        }
    }

    /// HTTP bearer authentication.
    pub const fn bearer(name: &'static str) -> Self {
        Self {
            name,
            kind: SchemeKind::Bearer,
        }
    }

    /// HTTP basic authentication.
    pub const fn basic(name: &'static str) -> Self {
        Self {
            name,
            kind: SchemeKind::Basic,
        }
    }

    /// OAuth 2 without flows the client runs; add them with
    /// [`Self::client_credentials`] and [`Self::authorization_code`].
    pub const fn oauth2(name: &'static str) -> Self {
        Self {
            name,
            kind: SchemeKind::OAuth2 {
                client_credentials: None,
                authorization_code: None,
            },
        }
    }

    /// Adds the client-credentials flow to an OAuth 2 scheme (no effect on others).
    pub const fn client_credentials(mut self, flow: OAuth2Flow) -> Self {
        if let SchemeKind::OAuth2 { authorization_code, .. } = self.kind {
            self.kind = SchemeKind::OAuth2 {
                client_credentials: Some(flow),
                authorization_code,
            };
        }
        self
    }

    /// Adds the authorization-code flow to an OAuth 2 scheme (no effect on others).
    pub const fn authorization_code(mut self, flow: OAuth2Flow) -> Self {
        if let SchemeKind::OAuth2 { client_credentials, .. } = self.kind {
            self.kind = SchemeKind::OAuth2 {
                client_credentials,
                authorization_code: Some(flow),
            };
        }
        self
    }

    /// A scheme configured by hand; `bearer` when its credential is a bearer token.
    pub const fn manual(name: &'static str, bearer: bool) -> Self {
        Self {
            name,
            kind: SchemeKind::Manual { bearer },
        }
    }

    /// The scheme's name in the spec.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// How it sends its credential.
    pub const fn kind(&self) -> &SchemeKind {
        &self.kind
    }
}

/// A credential for one security scheme, handed to the client builder (normally by a
/// generated method named after the scheme). `Debug` never shows the secret.
#[derive(Clone)]
pub struct Credential(Given);

#[derive(Clone)]
enum Given {
    ApiKey(SecretString),
    Bearer(SecretString),
    Basic(String, SecretString),
    OAuth2(Box<OAuth2>),
}

impl Credential {
    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self(Given::ApiKey(SecretString::new(key)))
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self(Given::Bearer(SecretString::new(token)))
    }

    /// A user name and password for HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self(Given::Basic(username.into(), SecretString::new(password)))
    }

    /// OAuth 2 settings: a flow the client runs, or tokens the user obtained.
    pub fn oauth2(oauth: OAuth2) -> Self {
        Self(Given::OAuth2(Box::new(oauth)))
    }

    fn kind_name(&self) -> &'static str {
        match &self.0 {
            Given::ApiKey(_) => "an API key",
            Given::Bearer(_) => "a bearer token",
            Given::Basic(..) => "basic credentials",
            Given::OAuth2(_) => "OAuth 2 settings",
        }
    }
}

impl From<OAuth2> for Credential {
    fn from(oauth: OAuth2) -> Self {
        Self::oauth2(oauth)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Given::OAuth2(oauth) => f.debug_tuple("Credential").field(oauth).finish(),
            Given::Basic(user, _) => f
                .debug_struct("Credential")
                .field("username", user)
                .field("password", &"[redacted]")
                .finish(),
            other => write!(f, "Credential({} [redacted])", Credential(other.clone()).kind_name()),
        }
    }
}

/// Credentials set with the builder's scheme-neutral methods (`bearer_token`,
/// `basic_auth`, `api_key_header`). They meet every scheme of a matching kind.
#[derive(Clone)]
pub(crate) enum Generic {
    Bearer(SecretString),
    Header(HeaderName, SecretString),
    Basic(String, SecretString),
}

/// A credential ready to attach to a request.
enum Applied {
    Header(HeaderName, HeaderValue),
    Query(&'static str, SecretString),
    Cookie(&'static str, SecretString),
    OAuth(Arc<TokenSource>),
}

/// One scheme of the profile with what the user configured for it.
struct Slot {
    scheme: SecurityScheme,
    /// The credential to send, when the client has one.
    credential: Option<Arc<Applied>>,
    /// Met without the client sending anything: a default header the user set by hand
    /// carries it, or (for a manual scheme) it cannot be checked.
    by_hand: bool,
    /// Whether the credential came from the scheme's own method (not a generic one).
    specific: bool,
}

/// Every configured credential of one client, matched to the API's schemes.
pub(crate) struct Authenticator {
    slots: Vec<Slot>,
    /// Generic credentials, sent when an operation's spec says nothing about security.
    generic: Vec<Arc<Applied>>,
    /// A generic credential that meets none of the API's schemes: the user knows
    /// better than the spec, so it is sent where a requirement is otherwise unmet.
    unmatched_generic: bool,
}

/// What [`Authenticator::new`] needs from the builder.
pub(crate) struct Config<'a> {
    pub(crate) schemes: &'static [SecurityScheme],
    pub(crate) generic: Option<&'a Generic>,
    pub(crate) credentials: Vec<(&'static str, Credential)>,
    pub(crate) default_headers: &'a [(String, String)],
    pub(crate) base_url: &'a reqwest::Url,
}

impl Authenticator {
    /// Matches the configured credentials to the schemes; a credential for a scheme the
    /// API does not declare, or of the wrong kind, is a configuration error.
    pub(crate) fn new(config: Config<'_>) -> Result<Self, String> {
        let by_hand = |header: &str| {
            config
                .default_headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(header))
        };
        let generic = match config.generic {
            Some(generic) => vec![Arc::new(apply_generic(generic)?)],
            None => Vec::new(),
        };
        let mut slots: Vec<Slot> = config
            .schemes
            .iter()
            .map(|scheme| {
                let (credential, manual) = match (scheme.kind, config.generic) {
                    (SchemeKind::Bearer, Some(Generic::Bearer(_)))
                    | (SchemeKind::OAuth2 { .. }, Some(Generic::Bearer(_)))
                    | (SchemeKind::Manual { bearer: true }, Some(Generic::Bearer(_)))
                    | (SchemeKind::Basic, Some(Generic::Basic(..))) => (generic.first().cloned(), false),
                    (
                        SchemeKind::ApiKey {
                            location: KeyLocation::Header,
                            name,
                        },
                        Some(Generic::Header(header, _)),
                    ) if header.as_str().eq_ignore_ascii_case(name) => (generic.first().cloned(), false),
                    (SchemeKind::ApiKey { location, name }, _) => {
                        (None, location == KeyLocation::Header && by_hand(name))
                    }
                    (SchemeKind::Manual { .. }, _) => (None, true),
                    _ => (None, by_hand("authorization")),
                };
                Slot {
                    scheme: *scheme,
                    credential,
                    by_hand: manual,
                    specific: false,
                }
            })
            .collect();
        for (name, credential) in config.credentials {
            let Some(slot) = slots.iter_mut().find(|slot| slot.scheme.name == name) else {
                return Err(format!("the API declares no security scheme named {name:?}"));
            };
            slot.credential = Some(Arc::new(apply(&slot.scheme, credential, config.base_url)?));
            slot.specific = true;
        }
        let unmatched_generic = generic.first().is_some_and(|first| {
            !slots.iter().any(|slot| {
                slot.credential
                    .as_ref()
                    .is_some_and(|applied| Arc::ptr_eq(applied, first))
            })
        });
        Ok(Self {
            slots,
            generic,
            unmatched_generic,
        })
    }

    /// Whether any configured credential travels in a header other than
    /// `Authorization` (which HTTP clients strip on cross-origin redirects).
    pub(crate) fn uses_custom_header(&self) -> bool {
        self.credentials()
            .any(|applied| matches!(applied, Applied::Header(name, _) if name != AUTHORIZATION))
    }

    /// Whether a token endpoint is involved (its requests carry secrets in the body).
    pub(crate) fn uses_oauth(&self) -> bool {
        self.credentials().any(|applied| matches!(applied, Applied::OAuth(_)))
    }

    fn credentials(&self) -> impl Iterator<Item = &Applied> {
        self.slots
            .iter()
            .filter_map(|slot| slot.credential.as_deref())
            .chain(self.generic.iter().map(|applied| &**applied))
    }

    /// Chooses what to send for `spec`, before anything is sent: the first alternative
    /// whose schemes all have credentials; else one met by hand; else a generic
    /// credential that matches no scheme of the API, if one was given; else the
    /// anonymous alternative if the spec allows one; else [`Error::MissingCredentials`].
    ///
    /// A header the call sets itself (`CallOptions::headers`, e.g. another tenant's
    /// `Authorization`) wins over the credential for that header.
    pub(crate) fn plan<E>(&self, spec: &RequestSpec, options: &CallOptions) -> Result<Plan<'_>, Error<E>> {
        let mut plan = Plan {
            apply: Vec::new(),
            used: Vec::new(),
            reject: Vec::new(),
            retried: false,
            overridden: options
                .headers
                .iter()
                .filter_map(|(name, _)| HeaderName::from_bytes(name.as_bytes()).ok())
                .collect(),
        };
        let Some(alternatives) = spec.security else {
            // The spec says nothing: send every credential the user configured.
            plan.apply.extend(self.generic.iter().map(|applied| &**applied));
            plan.apply.extend(
                self.slots
                    .iter()
                    .filter(|slot| slot.specific)
                    .filter_map(|slot| slot.credential.as_deref()),
            );
            return Ok(plan);
        };
        let mut by_hand = None;
        let mut anonymous = false;
        for alternative in alternatives {
            if alternative.is_empty() {
                anonymous = true;
                continue;
            }
            let mut all_sent = true;
            let mut all_met = true;
            for name in *alternative {
                match self.slots.iter().find(|slot| slot.scheme.name == *name) {
                    Some(slot) if slot.credential.is_some() => {}
                    // A scheme the API does not declare (the generator reported it)
                    // cannot be checked; like a manual one, it is the user's to meet.
                    None => all_sent = false,
                    Some(slot) if slot.by_hand => all_sent = false,
                    Some(_) => {
                        all_sent = false;
                        all_met = false;
                    }
                }
            }
            if all_sent {
                plan.apply.extend(alternative.iter().filter_map(|name| {
                    self.slots
                        .iter()
                        .find(|slot| slot.scheme.name == *name)
                        .and_then(|slot| slot.credential.as_deref())
                }));
                return Ok(plan);
            }
            if all_met && by_hand.is_none() {
                by_hand = Some(*alternative);
            }
        }
        if let Some(alternative) = by_hand {
            plan.apply.extend(alternative.iter().filter_map(|name| {
                self.slots
                    .iter()
                    .find(|slot| slot.scheme.name == *name)
                    .and_then(|slot| slot.credential.as_deref())
            }));
            return Ok(plan);
        }
        if self.unmatched_generic && !alternatives.is_empty() {
            plan.apply.extend(self.generic.iter().map(|applied| &**applied));
            return Ok(plan);
        }
        if anonymous || alternatives.is_empty() {
            return Ok(plan);
        }
        Err(Error::MissingCredentials {
            operation: format!("{} {}", spec.method, spec.path_template),
            required: alternatives.iter().map(|alternative| alternative.to_vec()).collect(),
        })
    }
}

/// The credentials chosen for one call, applied to each attempt.
pub(crate) struct Plan<'a> {
    apply: Vec<&'a Applied>,
    /// The token generation each OAuth source gave the last attempt.
    used: Vec<(&'a TokenSource, u64)>,
    /// Generations refused by a `401`, to be replaced on the next attempt.
    reject: Vec<(&'a TokenSource, u64)>,
    retried: bool,
    /// Headers the call sets itself, which credentials do not replace.
    overridden: Vec<HeaderName>,
}

impl<'a> Plan<'a> {
    /// Whether a `401` may still be answered with a token refresh and one more attempt.
    pub(crate) fn may_retry_unauthorized(&self) -> bool {
        !self.retried
            && self
                .apply
                .iter()
                .any(|applied| matches!(applied, Applied::OAuth(source) if source.can_refresh()))
    }

    /// Attaches the credentials to one attempt, fetching or refreshing OAuth tokens
    /// as needed (one refresh at a time per client and its clones).
    pub(crate) async fn apply<E>(
        &mut self,
        client: &RawClient,
        request: &mut reqwest::Request,
    ) -> Result<(), Error<E>> {
        self.used.clear();
        for applied in self.apply.iter().copied() {
            match applied {
                Applied::Header(name, _) if self.overridden.contains(name) => {}
                Applied::OAuth(_) if self.overridden.contains(&AUTHORIZATION) => {}
                Applied::Header(name, value) => {
                    request.headers_mut().insert(name.clone(), value.clone());
                }
                Applied::Query(name, key) => {
                    request.url_mut().query_pairs_mut().append_pair(name, key.expose());
                }
                Applied::Cookie(name, key) => add_cookie(request, name, key)?,
                Applied::OAuth(source) => {
                    let reject = self
                        .reject
                        .iter()
                        .find(|(rejected, _)| std::ptr::eq(*rejected, &**source))
                        .map(|(_, generation)| *generation);
                    let (token, generation) = source.token(client, reject).await?;
                    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                        Error::Authentication {
                            scheme: source.scheme(),
                            status: None,
                            reason: "the access token holds characters not allowed in a header".into(),
                        }
                    })?;
                    value.set_sensitive(true);
                    request.headers_mut().insert(AUTHORIZATION, value);
                    if source.can_refresh() {
                        self.used.push((&**source, generation));
                    }
                }
            }
        }
        Ok(())
    }

    /// After `error`: true when it is a `401` that a token refresh may cure; the next
    /// [`Self::apply`] then refreshes the tokens this attempt used. Once per call.
    pub(crate) fn retry_unauthorized<E>(&mut self, error: &Error<E>) -> bool {
        if self.retried || self.used.is_empty() || error.status() != Some(401) {
            return false;
        }
        self.retried = true;
        self.reject = std::mem::take(&mut self.used);
        true
    }
}

fn sensitive(text: &str) -> Result<HeaderValue, String> {
    let mut value =
        HeaderValue::from_str(text).map_err(|_| "a credential holds characters not allowed in a header".to_owned())?;
    value.set_sensitive(true);
    Ok(value)
}

fn basic(user: &str, password: &SecretString) -> Result<HeaderValue, String> {
    let encoded = crate::base64::encode(format!("{user}:{}", password.expose()).as_bytes());
    sensitive(&format!("Basic {encoded}"))
}

fn apply_generic(generic: &Generic) -> Result<Applied, String> {
    Ok(match generic {
        Generic::Bearer(token) => Applied::Header(AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose()))?),
        Generic::Header(name, key) => Applied::Header(name.clone(), sensitive(key.expose())?),
        Generic::Basic(user, password) => Applied::Header(AUTHORIZATION, basic(user, password)?),
    })
}

fn apply(scheme: &SecurityScheme, credential: Credential, base_url: &reqwest::Url) -> Result<Applied, String> {
    let mismatch = |credential: &Credential| {
        format!(
            "security scheme {:?} does not take {}",
            scheme.name,
            credential.kind_name()
        )
    };
    Ok(match (scheme.kind, credential.0) {
        (SchemeKind::ApiKey { location, name }, Given::ApiKey(key)) => match location {
            KeyLocation::Header => {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("{name:?} is not a valid header name"))?;
                Applied::Header(header, sensitive(key.expose())?)
            }
            KeyLocation::Query => Applied::Query(name, key),
            KeyLocation::Cookie => Applied::Cookie(name, key),
        },
        (SchemeKind::Bearer | SchemeKind::Manual { bearer: true }, Given::Bearer(token)) => {
            Applied::Header(AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose()))?)
        }
        (SchemeKind::Basic, Given::Basic(user, password)) => Applied::Header(AUTHORIZATION, basic(&user, &password)?),
        (
            SchemeKind::OAuth2 {
                client_credentials,
                authorization_code,
            },
            Given::OAuth2(oauth),
        ) => Applied::OAuth(Arc::new(TokenSource::new(
            scheme.name,
            *oauth,
            client_credentials,
            authorization_code,
            base_url,
        )?)),
        (SchemeKind::OAuth2 { .. }, Given::Bearer(token)) => {
            Applied::Header(AUTHORIZATION, sensitive(&format!("Bearer {}", token.expose()))?)
        }
        (_, given) => return Err(mismatch(&Credential(given))),
    })
}

/// Adds `name=key` to the request's `Cookie` header (percent-encoded like cookie
/// parameters).
fn add_cookie<E>(request: &mut reqwest::Request, name: &str, key: &SecretString) -> Result<(), Error<E>> {
    let pair = format!("{name}={}", crate::request::encode_cookie_value(key.expose()));
    let text = match request.headers().get(COOKIE).and_then(|value| value.to_str().ok()) {
        Some(existing) => format!("{existing}; {pair}"),
        None => pair,
    };
    let value = sensitive(&text).map_err(|reason| Error::Config { reason })?;
    request.headers_mut().insert(COOKIE, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMES: &[SecurityScheme] = &[
        SecurityScheme::api_key("key", KeyLocation::Header, "X-Key"),
        SecurityScheme::basic("basic"),
        SecurityScheme::manual("mtls", false),
    ];

    fn spec(security: &'static [&'static [&'static str]]) -> RequestSpec {
        let mut spec = RequestSpec::new(reqwest::Method::GET, "/things", "/things".into());
        spec.security = Some(security);
        spec
    }

    fn authenticator(credentials: Vec<(&'static str, Credential)>) -> Authenticator {
        let base = reqwest::Url::parse("http://127.0.0.1:1").unwrap_or_else(|err| panic!("{err}"));
        Authenticator::new(Config {
            schemes: SCHEMES,
            generic: None,
            credentials,
            default_headers: &[],
            base_url: &base,
        })
        .unwrap_or_else(|err| panic!("{err}"))
    }

    #[test]
    fn the_first_alternative_with_every_credential_wins() {
        let auth = authenticator(vec![("basic", Credential::basic("u", "p"))]);
        let plan = auth
            .plan::<()>(&spec(&[&["key"], &["basic"]]), &CallOptions::default())
            .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(plan.apply.len(), 1);
        // All of a combination are needed.
        let missing = auth.plan::<()>(&spec(&[&["key", "basic"]]), &CallOptions::default());
        assert!(matches!(missing, Err(Error::MissingCredentials { .. })));
        // A public operation sends nothing.
        let public = auth
            .plan::<()>(&spec(&[]), &CallOptions::default())
            .unwrap_or_else(|err| panic!("{err}"));
        assert!(public.apply.is_empty());
        // Optional security: anonymous when nothing matches.
        let optional = authenticator(Vec::new())
            .plan::<()>(&spec(&[&["key"], &[]]), &CallOptions::default())
            .map(|plan| plan.apply.len());
        assert_eq!(optional.ok(), Some(0));
    }

    #[test]
    fn manual_schemes_are_left_to_the_user_and_wrong_kinds_are_refused() {
        let auth = authenticator(Vec::new());
        assert!(auth.plan::<()>(&spec(&[&["mtls"]]), &CallOptions::default()).is_ok());
        let base = reqwest::Url::parse("http://127.0.0.1:1").unwrap_or_else(|err| panic!("{err}"));
        let wrong = Authenticator::new(Config {
            schemes: SCHEMES,
            generic: None,
            credentials: vec![("key", Credential::basic("u", "p"))],
            default_headers: &[],
            base_url: &base,
        });
        assert!(wrong.is_err());
        let error = auth
            .plan::<()>(&spec(&[&["key"], &["basic"]]), &CallOptions::default())
            .err()
            .map(|err| err.to_string());
        assert_eq!(
            error.as_deref(),
            Some("GET /things needs credentials the client was not given: key, or basic")
        );
    }

    #[test]
    fn credentials_never_show_in_debug() {
        let text = format!(
            "{:?} {:?}",
            Credential::api_key("k-123"),
            Credential::basic("user", "pw-456")
        );
        assert!(!text.contains("k-123") && !text.contains("pw-456"), "{text}");
    }
}
