//! The generated crates' own `ClientBuilder`: a newtype over [`ClientBuilder`]
//! ([`client_builder!`](crate::client_builder)) so that each crate can add methods
//! named after its spec's security schemes, next to the runtime's settings.
//!
//! The macro writes the struct and forwards every setting of the runtime's builder;
//! the scheme-neutral credential methods (`bearer_token`, `basic_auth`,
//! `api_key_header`) are forwarded only when listed, so a crate whose scheme method has
//! one of those names (a scheme called `basicAuth`) can define its own instead.
//!
//! [`ClientBuilder`]: crate::ClientBuilder

/// Declares a generated crate's client builder: `client_builder!(ClientBuilder =>
/// Client, ErrorBody; bearer_token, basic_auth, api_key_header);` (the generic
/// credential methods to forward after the `;`).
#[macro_export]
macro_rules! client_builder {
    ($builder:ident => $client:ty, $error_body:ty; $($generic:ident),* $(,)?) => {
        /// Configures a [`Client`]: credentials, base URL, timeouts, retries.
        #[derive(Debug)]
        pub struct $builder($crate::ClientBuilder<$client, $error_body>);

        impl From<$crate::ClientBuilder<$client, $error_body>> for $builder {
            fn from(inner: $crate::ClientBuilder<$client, $error_body>) -> Self {
                Self(inner)
            }
        }

        #[allow(dead_code)]
        impl $builder {
            /// Starts from an API profile (normally [`API`]).
            pub fn new(profile: $crate::ApiProfile) -> Self {
                Self($crate::ClientBuilder::new(profile))
            }

            /// The runtime's builder underneath.
            pub fn into_inner(self) -> $crate::ClientBuilder<$client, $error_body> {
                self.0
            }

            /// Gives the credential of the security scheme named `scheme` in the
            /// spec; see [`apigen_runtime::ClientBuilder::credential`].
            pub fn credential(self, scheme: &'static str, credential: impl Into<$crate::Credential>) -> Self {
                Self(self.0.credential(scheme, credential))
            }

            /// Overrides the base URL (for a proxy, a staging server or a local test server).
            pub fn base_url(self, url: impl Into<String>) -> Self {
                Self(self.0.base_url(url))
            }

            /// Per-attempt timeout covering the whole exchange, body included. Default 60 s.
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                Self(self.0.timeout(timeout))
            }

            /// Connection timeout. Default 10 s. Ignored with [`Self::http_client`].
            pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
                Self(self.0.connect_timeout(timeout))
            }

            /// Retries after the first attempt. Default 2.
            pub fn max_retries(self, retries: u32) -> Self {
                Self(self.0.max_retries(retries))
            }

            /// Exponential backoff: first delay `base`, doubling, capped at `cap`, plus jitter.
            pub fn backoff(self, base: ::std::time::Duration, cap: ::std::time::Duration) -> Self {
                Self(self.0.backoff(base, cap))
            }

            /// Longest server-requested wait honoured before giving up. Default 60 s.
            pub fn max_retry_after(self, wait: ::std::time::Duration) -> Self {
                Self(self.0.max_retry_after(wait))
            }

            /// Caps the requests in flight at once, across this client and its clones;
            /// see [`apigen_runtime::ClientBuilder::max_concurrent_requests`].
            pub fn max_concurrent_requests(self, max: usize) -> Self {
                Self(self.0.max_concurrent_requests(max))
            }

            /// Sends at most `requests` per `interval`, across this client and its
            /// clones; see [`apigen_runtime::ClientBuilder::rate_limit`].
            pub fn rate_limit(self, requests: u32, interval: ::std::time::Duration) -> Self {
                Self(self.0.rate_limit(requests, interval))
            }

            /// Whether the client follows the server's rate limit (default `true`); see
            /// [`apigen_runtime::ClientBuilder::follow_rate_limit`].
            pub fn follow_rate_limit(self, follow: bool) -> Self {
                Self(self.0.follow_rate_limit(follow))
            }

            /// Adds a header to every request (also the manual route for credentials
            /// the client does not apply itself).
            pub fn default_header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
                Self(self.0.default_header(name, value))
            }

            /// Appends `suffix` to the `User-Agent`.
            pub fn user_agent_suffix(self, suffix: impl AsRef<str>) -> Self {
                Self(self.0.user_agent_suffix(suffix))
            }

            /// Uses a caller-configured `reqwest::Client` (proxies, TLS roots, client
            /// certificates); see [`apigen_runtime::ClientBuilder::http_client`].
            pub fn http_client(self, client: $crate::reqwest::Client) -> Self {
                Self(self.0.http_client(client))
            }

            /// Replaces how the client waits between retries (for tests).
            pub fn sleeper(self, sleeper: $crate::Sleeper) -> Self {
                Self(self.0.sleeper(sleeper))
            }

            /// Checks the configuration and builds the client; see
            /// [`apigen_runtime::ClientBuilder::build`].
            pub fn build(self) -> Result<$client, $crate::Error<$error_body>> {
                self.0.build()
            }

            $($crate::client_builder!(@generic $generic);)*
        }
    };
    (@generic bearer_token) => {
        /// Sends `Authorization: Bearer <token>` where the spec's requirements take a
        /// bearer token (every request when it declares none). Never shown by `Debug`.
        pub fn bearer_token(self, token: impl Into<String>) -> Self {
            Self(self.0.bearer_token(token))
        }
    };
    (@generic basic_auth) => {
        /// Sends HTTP basic credentials where the spec's requirements take them (every
        /// request when it declares none).
        pub fn basic_auth(self, username: impl Into<String>, password: impl Into<String>) -> Self {
            Self(self.0.basic_auth(username, password))
        }
    };
    (@generic api_key_header) => {
        /// Sends an API key in the header `name` (lower case) where the spec's
        /// requirements take it (every request when it declares none).
        pub fn api_key_header(self, name: &'static str, key: impl Into<String>) -> Self {
            Self(self.0.api_key_header(name, key))
        }
    };
}
