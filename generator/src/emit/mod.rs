//! Stage 5: the model → formatted Rust files.
//!
//! [`types`] emits the data types, [`client`] the `Client` methods and per-operation
//! enums, [`builders`] the request builders; this module adds the
//! root module (client type, error alias, defaults, the `API` profile from
//! [`profile`]), formats everything with `prettyplease` and stamps the "generated"
//! header.

pub mod builders;
pub mod client;
pub mod deserialize;
pub mod docs;
pub mod features;
pub mod mock;
pub mod pagination;
pub mod profile;
pub mod security;
pub mod serialize;
pub mod typeref;
pub mod types;
pub mod webhooks;

use crate::ir::Model;
use crate::{GeneratedFile, Settings};
use proc_macro2::TokenStream;
use quote::quote;
use typeref::{tokens, Scope};

/// Emits `mod.rs`, `types.rs`, `operations.rs` (the `Client` methods and per-operation
/// enums) and `builders.rs` (the request builders) for the generated module. A pure
/// function of the model and settings: everything that can be wrong with the input
/// was resolved (or reported) while building the model, so emitting cannot fail.
pub fn emit(model: &Model, settings: &Settings) -> Vec<GeneratedFile> {
    let root = render(root(model, settings));
    let types = render_chunked(types::header(), types::chunk_count(model), |index| {
        types::chunk(model, index)
    });
    let patterns = client::collect_patterns(model);
    let operations = render_chunked(client::header(), client::chunk_count(model), |index| {
        client::chunk(model, index)
    });
    let builders = render_chunked(builders::header(&patterns), client::chunk_count(model), |index| {
        builders::chunk(model, &patterns, index)
    });
    let webhooks = webhooks::emit(model).map(|tokens| ("webhooks.rs", render(tokens)));
    let mock = ("mock.rs", render(mock::emit(model)));
    [
        ("mod.rs", root),
        ("types.rs", types),
        ("operations.rs", operations),
        ("builders.rs", builders),
    ]
    .into_iter()
    .chain(webhooks)
    .chain([mock])
    .map(|(path, body)| {
        // Child modules name the runtime copy through their parent, where it lives.
        let body = if settings.vendor_runtime && path != "mod.rs" {
            after_inner_attributes(&body, "#[allow(unused_imports)]\nuse super::apigen_runtime;\n")
        } else {
            body
        };
        GeneratedFile {
            path: path.to_owned(),
            contents: with_header(body, settings),
        }
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
    let api_profile = profile::api_const(&model.conventions, security::profile_setter(model));
    let security_schemes = security::schemes_const(model, settings.vendor_runtime);
    let client_builder = security::builder(model);
    let client_doc = format!(" Client for the {api}. Cheap to clone; clones share one connection pool.");
    let webhooks_mod = webhooks::module_decl(model);
    let mock_mod = mock::module_decl();
    let runtime_mod = settings.vendor_runtime.then(|| {
        let doc = format!(
            " The runtime this client runs on: a copy of `apigen-runtime` {}, written here by apigen\n (configuration, request execution, encoding, errors). Regenerate to update it.",
            crate::vendor::RUNTIME_VERSION
        );
        quote! {
            #[doc = #doc]
            pub mod apigen_runtime;
        }
    });
    quote! {
        #crate_docs
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        /// Request and response types of the API.
        pub mod types;
        /// Request builders, one per operation: what the [`Client`] methods return. Set
        /// optional parameters and per-call options on one, then `.await` it.
        pub mod builders;
        mod operations;
        #webhooks_mod
        #mock_mod
        #runtime_mod
        #[allow(unused_imports)]
        pub use operations::*;
        // What users name in their own code, so a crate using the client does not have
        // to depend on the runtime crate to write these types down. `allow`: a crate may
        // include the generated module privately and use none of them.
        #[allow(unused_imports)]
        pub use apigen_runtime::{ApiError, Binary, Nullable, RateLimit, Response};
        #[allow(unused_imports)]
        pub use apigen_runtime::error::UnexpectedResponse;
        // Streamed bodies (`stream::{EventStream, Event, JsonLines, ByteStream}`), binary
        // uploads, and the method of a raw `Client::request`.
        #[allow(unused_imports)]
        pub use apigen_runtime::{stream, Upload};
        #[allow(unused_imports)]
        pub use apigen_runtime::reqwest::Method;

        #[doc = #base_doc]
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The `User-Agent` sent by default: crate name and version.
        pub const USER_AGENT: &str = concat!(#user_agent, env!("CARGO_PKG_VERSION"));

        #api_profile
        #security_schemes

        #[doc = #error_doc]
        pub type ErrorBody = #error_body;

        /// The error every call returns; see [`apigen_runtime::Error`].
        pub type Error = apigen_runtime::Error<ErrorBody>;

        #client_builder

        #[doc = #client_doc]
        #[derive(Debug, Clone)]
        pub struct Client {
            raw: apigen_runtime::RawClient,
        }

        impl From<apigen_runtime::RawClient> for Client {
            fn from(raw: apigen_runtime::RawClient) -> Self {
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
            pub fn raw(&self) -> &apigen_runtime::RawClient {
                &self.raw
            }

            /// A request the spec does not describe: `method` on `path` (relative to
            /// the base URL, `{name}` placeholders filled with `.path_param`), sent with
            /// this client's credentials, headers, pacing, retries and timeouts; the
            /// answer is decoded into any type (`.send::<T>()`), read raw, or streamed.
            pub fn request(
                &self,
                method: apigen_runtime::reqwest::Method,
                path: impl Into<String>,
            ) -> apigen_runtime::RawRequest<'_, ErrorBody> {
                apigen_runtime::RawRequest::new(&self.raw, method, path)
            }
        }
    }
}

/// Pretty-prints one token stream as a file. Generated tokens always parse (the
/// snapshot and conformance tests hold every construct to that); should one not,
/// the unformatted tokens are written so `cargo check` points at the problem.
fn render(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => unparse(file),
        Err(_) => format!("{tokens}\n"),
    }
}

/// `prettyplease::unparse`, except that the runtime's `open_enum! { enum … }`
/// invocations are laid out like the enum item they hold (one variant per line, doc
/// comments as `///`), where `prettyplease` would print the body verbatim as a run of
/// tokens; one value added to an enum then reads as one added line in a diff.
fn unparse(file: syn::File) -> String {
    let mut text = String::new();
    let mut run = syn::File {
        shebang: file.shebang,
        attrs: file.attrs,
        items: Vec::new(),
    };
    for item in file.items {
        let enum_item = match &item {
            syn::Item::Macro(invocation)
                if invocation
                    .mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "open_enum") =>
            {
                syn::parse2::<syn::ItemEnum>(invocation.mac.tokens.clone())
                    .ok()
                    .map(|inner| (invocation, inner))
            }
            _ => None,
        };
        let Some((invocation, inner)) = enum_item else {
            run.items.push(item);
            continue;
        };
        let before = std::mem::take(&mut run.items);
        if !before.is_empty() || !run.attrs.is_empty() {
            text.push_str(&prettyplease::unparse(&syn::File {
                shebang: run.shebang.take(),
                attrs: std::mem::take(&mut run.attrs),
                items: before,
            }));
        }
        // The invocation with an empty body prints its attributes and path; the enum
        // goes inside, indented.
        let mut empty = invocation.clone();
        empty.mac.tokens = TokenStream::new();
        let head = prettyplease::unparse(&single(syn::Item::Macro(empty)));
        let head = head.trim_end().trim_end_matches("{}").trim_end();
        text.push_str(head);
        text.push_str(" {\n");
        for line in prettyplease::unparse(&single(syn::Item::Enum(inner))).lines() {
            if !line.is_empty() {
                text.push_str("    ");
                text.push_str(line);
            }
            text.push('\n');
        }
        text.push_str("}\n");
    }
    if !run.items.is_empty() || !run.attrs.is_empty() {
        text.push_str(&prettyplease::unparse(&run));
    }
    text
}

/// A file holding only `item`.
fn single(item: syn::Item) -> syn::File {
    syn::File {
        shebang: None,
        attrs: Vec::new(),
        items: vec![item],
    }
}

/// `body` with `item` inserted after its leading inner attributes and doc comments
/// (`#![…]`, `//!`), as `prettyplease` prints them.
pub(crate) fn after_inner_attributes(body: &str, item: &str) -> String {
    let mut offset = 0;
    let mut in_attribute = false;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if in_attribute {
            in_attribute = trimmed != ")]";
        } else if trimmed.starts_with("#![") {
            in_attribute = !trimmed.ends_with(']');
        } else if !(trimmed.starts_with("//!") || trimmed.is_empty()) {
            break;
        }
        offset += line.len();
    }
    format!("{}{item}{}", &body[..offset], &body[offset..])
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

    const TAGGED: &str = r##"
openapi: 3.0.3
info: { title: Tagged, version: "1" }
paths:
  /v1/pets:
    post:
      operationId: createPet
      tags: [Pets]
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/NewPet" } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
  /v1/stores:
    get:
      operationId: listStores
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Store" } } } }
components:
  schemas:
    NewPet: { type: object, properties: { name: { type: string } } }
    Pet: { type: object, properties: { name: { type: string } } }
    Store: { type: object, properties: { pets: { type: array, items: { $ref: "#/components/schemas/Pet" } } } }
"##;

    #[test]
    fn feature_groups_gate_operations_and_the_types_only_they_use() {
        let settings = crate::Settings::new("tagged", "tagged.yaml").with_feature_groups(true);
        let output = crate::generate(TAGGED, "tagged.yaml", &settings)
            .unwrap_or_else(|err| panic!("tagged spec does not generate: {err}"));
        assert_eq!(output.feature_groups, ["pets", "stores"]);
        let operations = file(&output, "operations.rs");
        assert!(
            operations.contains("#[cfg(feature = \"pets\")]\n    /// `POST /v1/pets`"),
            "{operations}"
        );
        let types = file(&output, "types.rs");
        assert!(
            types.contains("#[cfg(feature = \"pets\")]\n/// Schema: `#/components/schemas/NewPet`."),
            "{types}"
        );
        // Every group reaches `Pet`: always compiled.
        assert!(types.contains("}\n/// Schema: `#/components/schemas/Pet`."), "{types}");
        // Request-only: Serialize, and Deserialize for the mock's body matchers.
        assert!(
            types.contains("#[cfg(feature = \"pets\")]\nimpl ::serde::Serialize for NewPet"),
            "{types}"
        );
        assert!(
            types.contains("#[cfg(feature = \"pets\")]\n#[cfg(feature = \"mock\")]\nimpl<'de> ::serde::Deserialize<'de> for NewPet"),
            "{types}"
        );
        // Response-only: Deserialize, and Serialize on request.
        assert!(
            types.contains("#[cfg(feature = \"serialize-responses\")]\nimpl ::serde::Serialize for Pet"),
            "{types}"
        );
        assert!(
            types.contains("}\nimpl<'de> ::serde::Deserialize<'de> for Pet"),
            "{types}"
        );
        for path in ["builders.rs", "mock.rs"] {
            assert!(file(&output, path).contains("#[cfg(feature = \"stores\")]"), "{path}");
        }
        // Off by default (build.rs use): no group gates, response Serialize under `mock`.
        let plain = crate::generate(TAGGED, "tagged.yaml", &crate::Settings::new("tagged", "tagged.yaml"))
            .unwrap_or_else(|err| panic!("tagged spec does not generate: {err}"));
        assert!(plain.feature_groups.is_empty());
        assert!(plain
            .files
            .iter()
            .all(|file| !file.contents.contains("feature = \"pets\"")));
        assert!(file(&plain, "types.rs").contains("#[cfg(feature = \"mock\")]\nimpl ::serde::Serialize for Pet"));
        let manifest = crate::standalone::features_table(&output.feature_groups);
        assert!(
            manifest.contains("default = [\"full\"]\nfull = [\n    \"pets\",\n    \"stores\",\n]\n"),
            "{manifest}"
        );
        assert!(manifest.contains("\npets = []\nstores = []\n"), "{manifest}");
    }

    #[test]
    fn open_enum_invocations_are_laid_out_like_enums() {
        let tokens = quote::quote! {
            #![allow(unused)]
            pub struct Before;
            #[cfg(feature = "things")]
            apigen_runtime::open_enum! {
                /// Colour.
                pub enum Colour { /// `red`
                    Red = "red", /// `dark blue`
                    DarkBlue = "dark blue", }
            }
            pub struct After;
        };
        let expected = "#![allow(unused)]\npub struct Before;\n#[cfg(feature = \"things\")]\napigen_runtime::open_enum! {\n    /// Colour.\n    pub enum Colour {\n        /// `red`\n        Red = \"red\",\n        /// `dark blue`\n        DarkBlue = \"dark blue\",\n    }\n}\npub struct After;\n";
        assert_eq!(super::render(tokens), expected);
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
        assert!(root.contains("pub use apigen_runtime::{ApiError, Binary, Nullable, RateLimit, Response};"));
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
            // The setter comes from the runtime's `request_builder!` when it is asked for.
            let has_key = builder_impl(&builders, name).contains("ErrorBody, idempotency_key");
            assert_eq!(has_key, expected, "{name}: idempotency_key present = {has_key}");
        }
    }
}
