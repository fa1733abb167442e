//! Emits authentication: the `SECURITY_SCHEMES` the `API` profile carries (the spec's
//! schemes as the runtime's data), the crate's `ClientBuilder` (the runtime's
//! `client_builder!` plus one method per scheme, named after it), and each request's
//! requirements (`request.security(…)`).

use crate::emit::docs;
use crate::ir::{KeyLocation, Model, OAuthFlow, Operation, SchemeKind, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The generic credential methods the runtime's macro can forward.
const GENERIC: &[&str] = &["bearer_token", "basic_auth", "api_key_header"];

/// `pub const SECURITY_SCHEMES: …` and the `auth` re-exports; nothing when the spec
/// declares no scheme. With the runtime copy (`vendored`), the `auth` module reaches it
/// through its parent, where the copy is declared.
pub fn schemes_const(model: &Model, vendored: bool) -> TokenStream {
    if model.security.is_empty() {
        return TokenStream::new();
    }
    let runtime = if vendored {
        quote! { super::apigen_runtime }
    } else {
        quote! { apigen_runtime }
    };
    let schemes = model.security.iter().map(scheme_tokens);
    quote! {
        /// The spec's security schemes, as the runtime matches credentials to them.
        pub const SECURITY_SCHEMES: &[apigen_runtime::SecurityScheme] = &[#(#schemes),*];

        /// What the [`ClientBuilder`]'s authentication methods take.
        pub mod auth {
            #[allow(unused_imports)]
            pub use #runtime::{Credential, OAuth2, OAuth2Tokens, SecretString};
        }
    }
}

/// The profile setter adding [`schemes_const`]'s list, when there is one.
pub fn profile_setter(model: &Model) -> TokenStream {
    if model.security.is_empty() {
        TokenStream::new()
    } else {
        quote! { .security_schemes(SECURITY_SCHEMES) }
    }
}

fn scheme_tokens(scheme: &SecurityScheme) -> TokenStream {
    let name = &scheme.name;
    let path = quote! { apigen_runtime::SecurityScheme };
    match &scheme.kind {
        SchemeKind::ApiKey { location, name: param } => {
            let location = match location {
                KeyLocation::Header => quote! { Header },
                KeyLocation::Query => quote! { Query },
                KeyLocation::Cookie => quote! { Cookie },
            };
            quote! { #path::api_key(#name, apigen_runtime::KeyLocation::#location, #param) }
        }
        SchemeKind::Bearer { .. } => quote! { #path::bearer(#name) },
        SchemeKind::Basic => quote! { #path::basic(#name) },
        SchemeKind::OAuth2 {
            client_credentials,
            authorization_code,
            ..
        } => {
            let flow = |flow: &OAuthFlow| {
                let url = &flow.token_url;
                let scopes = &flow.scopes;
                quote! { apigen_runtime::OAuth2Flow::new(#url, &[#(#scopes),*]) }
            };
            let client_credentials = client_credentials.as_ref().map(|found| {
                let flow = flow(found);
                quote! { .client_credentials(#flow) }
            });
            let authorization_code = authorization_code.as_ref().map(|found| {
                let flow = flow(found);
                quote! { .authorization_code(#flow) }
            });
            quote! { #path::oauth2(#name) #client_credentials #authorization_code }
        }
        SchemeKind::OpenIdConnect { .. } => quote! { #path::manual(#name, true) },
        SchemeKind::MutualTls | SchemeKind::OtherHttp { .. } => quote! { #path::manual(#name, false) },
    }
}

/// The crate's `ClientBuilder`: the runtime's macro (forwarding the generic credential
/// methods no scheme method replaces) and the scheme methods.
pub fn builder(model: &Model) -> TokenStream {
    let taken: Vec<&str> = model.security.iter().map(|scheme| scheme.method.as_str()).collect();
    let generic = GENERIC
        .iter()
        .filter(|name| !taken.contains(name))
        .map(|name| format_ident!("{}", name));
    let methods: Vec<TokenStream> = model.security.iter().filter_map(method).collect();
    let extra = if methods.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            /// One method per security scheme of the spec, named after it.
            impl ClientBuilder {
                #(#methods)*
            }
        }
    };
    quote! {
        apigen_runtime::client_builder!(ClientBuilder => Client, ErrorBody; #(#generic),*);
        #extra
    }
}

/// How many operations accept the scheme, for its method's docs.
fn used_by(scheme: &SecurityScheme) -> String {
    match scheme.operations {
        0 => "no operation names it".to_owned(),
        1 => "1 operation accepts it".to_owned(),
        n => format!("{n} operations accept it"),
    }
}

/// The scheme's builder method; `None` for schemes the client does not apply.
fn method(scheme: &SecurityScheme) -> Option<TokenStream> {
    let name = &scheme.name;
    let ident = crate::emit::types::ident(&scheme.method);
    let used = used_by(scheme);
    let (lines, signature, credential) = match &scheme.kind {
        SchemeKind::ApiKey { location, name: param } => {
            let place = match location {
                KeyLocation::Header => "header",
                KeyLocation::Query => "query parameter",
                KeyLocation::Cookie => "cookie",
            };
            (
                vec![format!(
                    "The API key of the `{name}` security scheme, sent as the {place} `{param}` \
                     ({used})."
                )],
                quote! { key: impl Into<String> },
                quote! { apigen_runtime::Credential::api_key(key) },
            )
        }
        SchemeKind::Bearer { format } => {
            let format = format
                .as_ref()
                .map(|format| format!(" The token's format: {format}."))
                .unwrap_or_default();
            (
                vec![format!(
                    "The bearer token of the `{name}` security scheme, sent as \
                     `Authorization: Bearer <token>` ({used}).{format}"
                )],
                quote! { token: impl Into<String> },
                quote! { apigen_runtime::Credential::bearer(token) },
            )
        }
        SchemeKind::Basic => (
            vec![format!(
                "The user name and password of the `{name}` security scheme, sent as \
                 `Authorization: Basic …` ({used})."
            )],
            quote! { username: impl Into<String>, password: impl Into<String> },
            quote! { apigen_runtime::Credential::basic(username, password) },
        ),
        SchemeKind::OAuth2 {
            client_credentials,
            authorization_code,
            unwired_flows,
        } => {
            let mut lines = vec![format!(
                "OAuth 2 for the `{name}` security scheme ({used}): the access token is sent as \
                 `Authorization: Bearer <token>`."
            )];
            let scopes = |flow: &OAuthFlow| {
                if flow.scopes.is_empty() {
                    "no scopes".to_owned()
                } else {
                    format!("scopes `{}`", flow.scopes.join(" "))
                }
            };
            if let Some(flow) = client_credentials {
                lines.push(format!(
                    "- `auth::OAuth2::client_credentials(id, secret)`: the client fetches tokens from \
                     `{}` ({}), caches them and refreshes them before they expire.",
                    flow.token_url,
                    scopes(flow)
                ));
            }
            if let Some(flow) = authorization_code {
                lines.push(format!(
                    "- `auth::OAuth2::authorization_code(id, secret, access, refresh)`: tokens you \
                     obtained; refreshed at `{}` on expiry or a `401`, the new ones reported to \
                     `on_refresh`.",
                    flow.token_url
                ));
            }
            if !unwired_flows.is_empty() {
                lines.push(format!(
                    "- The {} flow is not run by the client.",
                    unwired_flows.join(" and ")
                ));
            }
            lines
                .push("- `auth::OAuth2::access_token(token)`: a token obtained elsewhere, never refreshed.".to_owned());
            lines.push("`token_url(…)` overrides the spec's token URL (tests, proxies).".to_owned());
            (
                lines,
                quote! { oauth: apigen_runtime::OAuth2 },
                quote! { apigen_runtime::Credential::oauth2(oauth) },
            )
        }
        SchemeKind::OpenIdConnect { .. } | SchemeKind::MutualTls | SchemeKind::OtherHttp { .. } => return None,
    };
    let mut lines = lines;
    if let Some(description) = &scheme.description {
        lines.push(description.clone());
    }
    let doc = docs::attrs(lines.iter().map(String::as_str));
    Some(quote! {
        #doc
        pub fn #ident(self, #signature) -> Self {
            self.credential(#name, #credential)
        }
    })
}

/// `request.security(&[…]);` for an operation whose requirements the spec states.
pub fn requirement(operation: &Operation) -> Option<TokenStream> {
    let alternatives = operation.security.as_ref()?;
    let lists = alternatives.iter().map(|all| quote! { &[#(#all),*] });
    Some(quote! { request.security(&[#(#lists),*]); })
}
