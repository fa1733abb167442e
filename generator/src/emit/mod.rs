//! Stage 5: the model → formatted Rust files.
//!
//! [`types`] emits the data types, [`client`] the operations; this module adds the
//! root module (client type, error alias, defaults), formats everything with
//! `prettyplease` and stamps the "generated" header.

pub mod client;
pub mod docs;
pub mod pagination;
pub mod typeref;
pub mod types;

use crate::diagnostics::{Diagnostic, GenerateError};
use crate::ir::Model;
use crate::{GeneratedFile, Settings};
use proc_macro2::TokenStream;
use quote::quote;
use typeref::{tokens, Scope};

/// Emits `mod.rs`, `types.rs` and `operations.rs` for the generated module.
pub fn emit(
    model: &Model,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    if model.base_url.is_none() {
        diagnostics.push(Diagnostic::new(
            "/servers",
            "no absolute server URL; `Client::builder()` needs `.base_url(...)` before `build()`",
        ));
    }
    let files = [
        ("mod.rs", root(model, settings)),
        ("types.rs", types::emit(model)),
        ("operations.rs", client::emit(model, diagnostics)),
    ];
    files
        .into_iter()
        .map(|(path, tokens)| {
            Ok(GeneratedFile {
                path: path.to_owned(),
                contents: format_file(path, tokens, settings)?,
            })
        })
        .collect()
}

fn root(model: &Model, settings: &Settings) -> TokenStream {
    let title = format!(
        " Generated client for the {} API (version {}).",
        model.title, model.version
    );
    let description = docs::attrs([model.description.as_deref().unwrap_or("")]);
    let description = if description.is_empty() {
        quote! {}
    } else {
        quote! { #![doc = ""] #description }
    };
    let description = inner_docs(description);
    let base_url = model.base_url.clone().unwrap_or_default();
    let base_doc = if base_url.is_empty() {
        " The spec names no absolute server URL: set one with `ClientBuilder::base_url`.".to_owned()
    } else {
        format!(" The server URL from the spec: `{base_url}`.")
    };
    let error_body = match &model.error_type {
        Some(ty) => tokens(model, ty, Scope::Root),
        None => quote! { ::serde_json::Value },
    };
    let error_doc = match &model.error_type {
        Some(_) => " The body of the API's documented error responses.",
        None => " The API documents no single error body, so error bodies are kept as JSON.",
    };
    let user_agent = format!("{}/", settings.crate_name);
    let client_doc = format!(
        " Client for the {} API. Cheap to clone; clones share one connection pool.",
        model.title
    );
    quote! {
        #![doc = #title]
        #description
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        /// Request and response types of the API.
        pub mod types;
        mod operations;
        #[allow(unused_imports)]
        pub use operations::*;

        #[doc = #base_doc]
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The `User-Agent` sent by default: crate name and version.
        pub const USER_AGENT: &str = concat!(#user_agent, env!("CARGO_PKG_VERSION"));

        #[doc = #error_doc]
        pub type ErrorBody = #error_body;

        /// The error every call returns; see [`apigen_runtime::Error`].
        pub type Error = ::apigen_runtime::Error<ErrorBody>;

        /// Configures a [`Client`]: credentials, base URL, timeouts, retries.
        pub type ClientBuilder = ::apigen_runtime::ClientBuilder<Client, ErrorBody>;

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            raw: ::apigen_runtime::RawClient,
        }

        impl From<::apigen_runtime::RawClient> for Client {
            fn from(raw: ::apigen_runtime::RawClient) -> Self {
                Self { raw }
            }
        }

        impl Client {
            /// Starts configuring a client with the spec's base URL and this crate's `User-Agent`.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(DEFAULT_BASE_URL, USER_AGENT)
            }

            /// The configured HTTP machinery, for requests the spec does not describe.
            pub fn raw(&self) -> &::apigen_runtime::RawClient {
                &self.raw
            }
        }
    }
}

/// Turns outer doc attributes into inner ones (`#![doc]`) for the module header.
fn inner_docs(outer: TokenStream) -> TokenStream {
    let text = outer.to_string().replace("# [doc", "# ! [doc");
    text.parse().unwrap_or_default()
}

fn format_file(path: &str, tokens: TokenStream, settings: &Settings) -> Result<String, GenerateError> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|err| GenerateError::new("", format!("internal error: generated {path} does not parse: {err}")))?;
    let body = prettyplease::unparse(&file);
    Ok(format!(
        "// @generated by apigen from {} — do not edit by hand.\n// Regenerate with `{}`.\n\n{}",
        settings.spec_label, settings.regenerate_command, body
    ))
}
