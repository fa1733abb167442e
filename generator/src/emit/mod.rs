//! Stage 5: the model → formatted Rust files.
//!
//! [`types`] emits the data types, [`client`] the operations; this module adds the
//! root module (client type, error alias, defaults, the `API` profile from
//! [`profile`]), formats everything with `prettyplease` and stamps the "generated"
//! header.

pub mod client;
pub mod docs;
pub mod pagination;
pub mod profile;
pub mod typeref;
pub mod types;

use crate::ir::Model;
use crate::{GeneratedFile, Settings};
use proc_macro2::TokenStream;
use quote::quote;
use typeref::{tokens, Scope};

/// Emits `mod.rs`, `types.rs` and `operations.rs` for the generated module. A pure
/// function of the model and settings: everything that can be wrong with the input
/// was resolved (or reported) while building the model, so emitting cannot fail.
pub fn emit(model: &Model, settings: &Settings) -> Vec<GeneratedFile> {
    let root = render(root(model, settings));
    let types = render_chunked(types::header(), types::chunk_count(model), |index| {
        types::chunk(model, index)
    });
    let patterns = client::collect_patterns(model);
    let operations = render_chunked(client::header(&patterns), client::chunk_count(model), |index| {
        client::chunk(model, &patterns, index)
    });
    [("mod.rs", root), ("types.rs", types), ("operations.rs", operations)]
        .into_iter()
        .map(|(path, body)| GeneratedFile {
            path: path.to_owned(),
            contents: with_header(body, settings),
        })
        .collect()
}

/// Formats a header and `count` chunks of items, building and formatting chunks on
/// all cores. Chunks are cut at fixed item counts and joined in order, so the text is
/// the same on every machine.
fn render_chunked<F>(header: TokenStream, count: usize, build: F) -> String
where
    F: Fn(usize) -> TokenStream + Sync,
{
    let mut text = render(header);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, count.max(1));
    let build = &build;
    let mut results: Vec<(usize, String)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    (worker..count)
                        .step_by(threads)
                        .map(|index| (index, render(build(index))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .enumerate()
            // A worker that died is redone here, so the output is complete either way.
            .flat_map(|(worker, handle)| {
                handle.join().unwrap_or_else(|_| {
                    (worker..count)
                        .step_by(threads)
                        .map(|index| (index, render(build(index))))
                        .collect()
                })
            })
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    for (_, chunk) in results {
        text.push_str(&chunk);
    }
    text
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
    let api_profile = profile::api_const(&model.conventions);
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

        #api_profile

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
            /// Starts configuring a client from [`API`]: the spec's base URL, this crate's
            /// `User-Agent` and the API's error and rate-limit conventions.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(API)
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

/// Pretty-prints one token stream as a file. Generated tokens always parse (the
/// snapshot and conformance tests hold every construct to that); should one not,
/// the unformatted tokens are written so `cargo check` points at the problem.
fn render(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => format!("{tokens}\n"),
    }
}

/// Stamps the "generated, do not edit" header.
fn with_header(body: String, settings: &Settings) -> String {
    format!(
        "// @generated by apigen from {} — do not edit by hand.\n// Regenerate with `{}`.\n\n{}",
        settings.spec_label, settings.regenerate_command, body
    )
}
