//! Stage 5: the model → formatted Rust files.
//!
//! [`types`] emits the data types, [`client`] the `Client` methods and per-operation
//! enums, [`builders`] the request builders; this module adds the
//! root module (client type, error alias, defaults, the `API` profile from
//! [`profile`]), formats everything with `prettyplease` and stamps the "generated"
//! header.

pub mod builders;
pub mod client;
pub mod docs;
pub mod pagination;
pub mod profile;
pub mod typeref;
pub mod types;

use crate::diagnostics::{Diagnostic, GenerateError};
use crate::ir::Model;
use crate::{GeneratedFile, Settings};
use proc_macro2::TokenStream;
use quote::quote;
use typeref::{tokens, Scope};

/// Emits `mod.rs`, `types.rs`, `operations.rs` (the `Client` methods and per-operation
/// enums) and `builders.rs` (the request builders) for the generated module.
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
    let root = render("mod.rs", root(model, settings))?;
    let types = render_chunked("types.rs", types::header(), types::chunk_count(model), |index| {
        (types::chunk(model, index), Vec::new())
    })?;
    let patterns = client::collect_patterns(model);
    let operations = render_chunked("operations.rs", client::header(), client::chunk_count(model), |index| {
        (client::chunk(model, index), Vec::new())
    })?;
    let builders = render_chunked(
        "builders.rs",
        builders::header(&patterns),
        client::chunk_count(model),
        |index| {
            let mut found = Vec::new();
            let tokens = builders::chunk(model, &patterns, index, &mut found);
            (tokens, found)
        },
    )?;
    diagnostics.extend(types.1);
    diagnostics.extend(operations.1);
    diagnostics.extend(builders.1);
    Ok([
        ("mod.rs", root),
        ("types.rs", types.0),
        ("operations.rs", operations.0),
        ("builders.rs", builders.0),
    ]
    .into_iter()
    .map(|(path, body)| GeneratedFile {
        path: path.to_owned(),
        contents: with_header(body, settings),
    })
    .collect())
}

/// Formats a header and `count` chunks of items, building and formatting chunks on
/// all cores. Chunks are cut at fixed item counts and joined in order, so the text is
/// the same on every machine.
fn render_chunked<F>(
    path: &str,
    header: TokenStream,
    count: usize,
    build: F,
) -> Result<(String, Vec<Diagnostic>), GenerateError>
where
    F: Fn(usize) -> (TokenStream, Vec<Diagnostic>) + Sync,
{
    let mut text = render(path, header)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, count.max(1));
    let build = &build;
    let mut results: Vec<(usize, Result<String, GenerateError>, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    (worker..count)
                        .step_by(threads)
                        .map(|index| {
                            let (tokens, found) = build(index);
                            (index, render(path, tokens), found)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    vec![(
                        0,
                        Err(GenerateError::new(
                            "",
                            format!("internal error: formatting {path} failed"),
                        )),
                        Vec::new(),
                    )]
                })
            })
            .collect()
    });
    results.sort_by_key(|(index, _, _)| *index);
    let mut diagnostics = Vec::new();
    for (_, chunk, found) in results {
        text.push_str(&chunk?);
        diagnostics.extend(found);
    }
    Ok((text, diagnostics))
}

/// The API's name for prose: the spec title, with " API" added unless the title
/// already ends in that word (so "InboxApp API" does not become "InboxApp API API").
fn api_name(title: &str) -> String {
    let title = title.trim();
    let ends_in_api = title
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("api"));
    if title.is_empty() || ends_in_api {
        if title.is_empty() {
            "API".to_owned()
        } else {
            title.to_owned()
        }
    } else {
        format!("{title} API")
    }
}

fn root(model: &Model, settings: &Settings) -> TokenStream {
    let api = api_name(&model.title);
    let title = format!("Generated client for the {api} (version {}).", model.version);
    let crate_docs = docs::inner_attrs([title.as_str(), model.description.as_deref().unwrap_or("")]);
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
    let client_doc = format!(" Client for the {api}. Cheap to clone; clones share one connection pool.");
    quote! {
        #crate_docs
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        /// Request and response types of the API.
        pub mod types;
        /// Request builders, one per operation: what the [`Client`] methods return. Set
        /// optional parameters and per-call options on one, then `.await` it.
        pub mod builders;
        mod operations;
        #[allow(unused_imports)]
        pub use operations::*;
        // What users name in their own code, so a crate using the client does not have
        // to depend on the runtime crate to write these types down. `allow`: a crate may
        // include the generated module privately and use none of them.
        #[allow(unused_imports)]
        pub use ::apigen_runtime::{ApiError, Binary, Nullable, RateLimit, Response};
        #[allow(unused_imports)]
        pub use ::apigen_runtime::error::UnexpectedResponse;

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

/// Parses and pretty-prints one token stream as a file.
fn render(path: &str, tokens: TokenStream) -> Result<String, GenerateError> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|err| GenerateError::new("", format!("internal error: generated {path} does not parse: {err}")))?;
    Ok(prettyplease::unparse(&file))
}

/// Stamps the "generated, do not edit" header.
fn with_header(body: String, settings: &Settings) -> String {
    format!(
        "// @generated by apigen from {} — do not edit by hand.\n// Regenerate with `{}`.\n\n{}",
        settings.spec_label, settings.regenerate_command, body
    )
}

#[cfg(test)]
mod tests {
    use super::api_name;

    const SPEC: &str = r#"
openapi: 3.0.3
info: { title: Tiny, version: "1" }
servers: [{ url: "https://tiny.example" }]
paths:
  /things:
    get: { operationId: listThings, responses: { "200": { description: ok } } }
    post: { operationId: createThing, responses: { "201": { description: ok } } }
    put: { operationId: replaceThing, responses: { "200": { description: ok } } }
    patch: { operationId: patchThing, responses: { "200": { description: ok } } }
    delete: { operationId: deleteThing, responses: { "204": { description: ok } } }
"#;

    fn file(output: &crate::Output, path: &str) -> String {
        output
            .files
            .iter()
            .find(|file| file.path == path)
            .map(|file| file.contents.clone())
            .unwrap_or_else(|| panic!("no {path} generated"))
    }

    /// The `impl` block of one builder, up to the next builder's doc comment.
    fn builder_impl<'a>(builders: &'a str, name: &str) -> &'a str {
        let start = builders
            .find(&format!("impl<'a> {name}<'a> {{"))
            .unwrap_or_else(|| panic!("no builder {name}"));
        let rest = &builders[start..];
        let end = rest.find("/// Request builder for").unwrap_or(rest.len());
        &rest[..end]
    }

    #[test]
    fn titles_ending_in_api_are_not_repeated() {
        assert_eq!(api_name("InboxApp API"), "InboxApp API");
        assert_eq!(api_name("Spotify Web Api"), "Spotify Web Api");
        assert_eq!(api_name("Oxide Region API "), "Oxide Region API");
        assert_eq!(api_name("Swagger Petstore"), "Swagger Petstore API");
        assert_eq!(api_name("Rapid"), "Rapid API");
        assert_eq!(api_name(""), "API");
    }

    #[test]
    fn builders_have_their_own_module_and_idempotency_keys_only_where_retries_use_them() {
        let output = crate::generate(SPEC, "tiny.yaml", &crate::Settings::new("tiny", "tiny.yaml"))
            .unwrap_or_else(|err| panic!("tiny spec does not generate: {err}"));
        let root = file(&output, "mod.rs");
        assert!(root.contains("pub mod builders;"));
        assert!(root.contains("//! Generated client for the Tiny API (version 1)."));
        assert!(root.contains("pub use ::apigen_runtime::{ApiError, Binary, Nullable, RateLimit, Response};"));
        let operations = file(&output, "operations.rs");
        assert!(!operations.contains("pub struct"), "builders leaked into operations.rs");
        let builders = file(&output, "builders.rs");
        for (name, expected) in [
            ("ListThings", false),
            ("CreateThing", true),
            ("ReplaceThing", false),
            ("PatchThing", true),
            ("DeleteThing", false),
        ] {
            let has_key = builder_impl(&builders, name).contains("pub fn idempotency_key(");
            assert_eq!(has_key, expected, "{name}: idempotency_key present = {has_key}");
        }
    }
}
