//! The `mock` module of a generated crate (behind its `mock` cargo feature): a typed
//! face on `apigen_runtime::mock::MockServer`.
//!
//! `MockServer` has one method per operation, named like the client's, returning a
//! builder whose matchers take the operation's parameter and body types (path
//! parameters, query parameters encoded exactly as the client encodes them, the JSON
//! body by equality or by a typed predicate) and whose responders take its success
//! type, the crate's error body with a status, or any `MockReply` (delays, dropped
//! connections). Documented response examples become `respond_example_<status>()`.

use super::docs;
use super::typeref::{tokens, Scope};
use super::types::ident;
use crate::ir::{
    BodyEncoding, Model, Operation, Param, ParamLocation, QueryStyle, ResponseBody, StreamForm, StreamKind, TypeRef,
};
use crate::naming::Namespace;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Names of `MockServer`'s own methods, which operation methods must not take.
const SERVER_METHODS: &[&str] = &[
    "start",
    "url",
    "client_builder",
    "requests",
    "unmatched",
    "reset",
    "raw",
];
/// Names of each builder's own methods, which parameter matchers must not take.
const BUILDER_METHODS: &[&str] = &[
    "body",
    "body_matches",
    "when",
    "times",
    "respond",
    "respond_empty",
    "respond_error",
    "respond_with",
    "respond_events",
    "respond_events_cut_off",
    "respond_lines",
    "respond_chunks",
];

/// `#[cfg(feature = "mock")] pub mod mock;` for the root module.
pub fn module_decl() -> TokenStream {
    quote! {
        /// A typed mock server for testing code that calls this client (feature `mock`).
        #[cfg(feature = "mock")]
        pub mod mock;
    }
}

/// The module's items.
pub fn emit(model: &Model) -> TokenStream {
    let routes = model.operations.iter().map(|operation| {
        let id = &operation.operation_id;
        let method = operation.http_method.to_ascii_uppercase();
        let path = &operation.path;
        quote! { (#id, #method, #path), }
    });
    let mut server_names = Namespace::with_reserved(SERVER_METHODS);
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for operation in &model.operations {
        let name = server_names.claim(operation.method_name.clone());
        let (method, builder) = operation_mock(model, operation, &name);
        methods.push(method);
        builders.push(builder);
    }
    quote! {
        #![doc = " A typed mock of the API on 127.0.0.1, for testing code that calls [`Client`](super::Client)."]
        #![doc = ""]
        #![doc = " Start a [`MockServer`], point a client at it with [`MockServer::client_builder`],"]
        #![doc = " register what each operation answers, run the code under test, then inspect"]
        #![doc = " [`MockServer::requests`]. Unmatched requests get a `501`."]
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant)]

        pub use apigen_runtime::mock::{MockHandle, MockReply, MockRequest};

        /// Every operation: id, method, path template (for routing requests).
        static ROUTES: &[apigen_runtime::mock::Route] = &[#(#routes)*];

        /// A mock server for this API on an ephemeral port of 127.0.0.1.
        #[derive(Debug)]
        pub struct MockServer {
            inner: apigen_runtime::mock::MockServer,
        }

        impl MockServer {
            /// Starts the server (inside a Tokio runtime).
            pub async fn start() -> ::std::io::Result<Self> {
                Ok(Self { inner: apigen_runtime::mock::MockServer::start(ROUTES).await? })
            }

            /// The server's base URL.
            pub fn url(&self) -> String {
                self.inner.url()
            }

            /// A client builder pointed at this server; add credentials or retry settings
            /// as the code under test expects, then `build()`.
            pub fn client_builder(&self) -> super::ClientBuilder {
                super::Client::builder().base_url(self.url())
            }

            /// Every request received so far, in arrival order.
            pub fn requests(&self) -> Vec<MockRequest> {
                self.inner.requests()
            }

            /// The requests no mock answered.
            pub fn unmatched(&self) -> Vec<MockRequest> {
                self.inner.unmatched()
            }

            /// Removes every mock and forgets the recorded requests.
            pub fn reset(&self) {
                self.inner.reset()
            }

            /// The untyped server, to register a hand-built `apigen_runtime::mock::Mock`.
            pub fn raw(&self) -> &apigen_runtime::mock::MockServer {
                &self.inner
            }

            #(#methods)*
        }

        #(#builders)*
    }
}

/// The `MockServer` method and the builder of one operation.
fn operation_mock(model: &Model, operation: &Operation, method_name: &str) -> (TokenStream, TokenStream) {
    let method = ident(method_name);
    let builder = format_ident!("{}Mock", operation.builder_name);
    let id = &operation.operation_id;
    let summary = format!(
        " Mocks `{}` (`{} {}`): every request matches until matchers are added.",
        id,
        operation.http_method.to_ascii_uppercase(),
        operation.path
    );
    let builder_doc = format!(" Matchers and responders for `{id}`; see [`MockServer::{method_name}`].");
    let mut names = Namespace::with_reserved(BUILDER_METHODS);
    let matchers: Vec<TokenStream> = operation
        .params
        .iter()
        .filter_map(|param| param_matcher(model, param, &mut names))
        .collect();
    let body = body_matchers(model, operation);
    let responders = responders(model, operation);
    let cfg = super::features::operation_cfg(operation);
    let method_tokens = quote! {
        #cfg
        #[doc = #summary]
        pub fn #method(&self) -> #builder<'_> {
            #builder { server: self, mock: apigen_runtime::mock::Mock::new(#id) }
        }
    };
    let builder_tokens = quote! {
        #cfg
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a mock does nothing until a `respond` method registers it"]
        pub struct #builder<'a> {
            server: &'a MockServer,
            mock: apigen_runtime::mock::Mock,
        }

        #cfg
        impl<'a> #builder<'a> {
            #(#matchers)*
            #body

            /// Only requests for which `condition` holds match.
            pub fn when(mut self, condition: impl Fn(&MockRequest) -> bool + Send + Sync + 'static) -> Self {
                self.mock = self.mock.when(condition);
                self
            }

            /// Answers at most `times` requests.
            pub fn times(mut self, times: usize) -> Self {
                self.mock = self.mock.times(times);
                self
            }

            /// Registers the mock with any reply: a status and body, a delay, a dropped
            /// connection.
            pub fn respond_with(self, reply: MockReply) -> MockHandle {
                self.server.inner.register(self.mock.reply(reply))
            }

            /// Registers the mock answering `status` with an error body of the crate's
            /// error type.
            pub fn respond_error(self, status: u16, body: &super::ErrorBody) -> MockHandle {
                self.respond_with(MockReply::json(status, body))
            }

            #responders
        }
    };
    (method_tokens, builder_tokens)
}

/// A matcher for one path or query parameter; headers and cookies get none (use `when`).
fn param_matcher(model: &Model, param: &Param, names: &mut Namespace) -> Option<TokenStream> {
    let name = ident(&names.claim(param.name.clone()));
    let wire = &param.wire;
    let (argument, value) = match &param.ty {
        TypeRef::String => (quote! { value: impl Into<String> }, quote! { &value.into() }),
        other => {
            let ty = tokens(model, other, Scope::Sibling);
            (quote! { value: #ty }, quote! { &value })
        }
    };
    let condition = match param.location {
        ParamLocation::Path => quote! { self.mock = self.mock.path_param(#wire, #value); },
        ParamLocation::Query => {
            let style = match param.style {
                QueryStyle::Form(explode) => quote! { apigen_runtime::query::Style::Form { explode: #explode } },
                QueryStyle::SpaceDelimited => quote! { apigen_runtime::query::Style::SpaceDelimited },
                QueryStyle::PipeDelimited => quote! { apigen_runtime::query::Style::PipeDelimited },
                QueryStyle::DeepObject => quote! { apigen_runtime::query::Style::DeepObject },
            };
            quote! { self.mock = self.mock.query(#wire, #value, #style); }
        }
        ParamLocation::Header | ParamLocation::Cookie => return None,
    };
    let where_ = match param.location {
        ParamLocation::Path => "path",
        _ => "query",
    };
    let doc = docs::attrs([format!(
        "Only requests whose {where_} parameter `{wire}` is `value` (as the client encodes it) match."
    )
    .as_str()]);
    Some(quote! {
        #doc
        pub fn #name(mut self, #argument) -> Self {
            #condition
            self
        }
    })
}

/// `body` (equality) and `body_matches` (typed predicate) for JSON bodies.
fn body_matchers(model: &Model, operation: &Operation) -> TokenStream {
    let Some(body) = operation
        .body
        .as_ref()
        .filter(|body| body.encoding == BodyEncoding::Json)
    else {
        return quote! {};
    };
    let ty = tokens(model, &body.ty, Scope::Sibling);
    quote! {
        /// Only requests whose JSON body equals `body` match.
        pub fn body(mut self, body: &#ty) -> Self {
            self.mock = self.mock.json_body(body);
            self
        }

        /// Only requests whose body decodes as the operation's body type and satisfies
        /// `predicate` match.
        pub fn body_matches(mut self, predicate: impl Fn(&#ty) -> bool + Send + Sync + 'static) -> Self {
            self.mock = self.mock.when(move |request| request.json::<#ty>().is_ok_and(|body| predicate(&body)));
            self
        }
    }
}

/// The typed success responders, and one per documented response example.
fn responders(model: &Model, operation: &Operation) -> TokenStream {
    let success = match &operation.success {
        ResponseBody::Json(ty) => {
            let ty = tokens(model, ty, Scope::Sibling);
            quote! {
                /// Registers the mock answering `200` with `body`.
                pub fn respond(self, body: &#ty) -> MockHandle {
                    self.respond_with(MockReply::json(200, body))
                }
            }
        }
        ResponseBody::Empty => quote! {
            /// Registers the mock answering `200` with no body.
            pub fn respond_empty(self) -> MockHandle {
                self.respond_with(MockReply::status(200))
            }
        },
        ResponseBody::Text => quote! {
            /// Registers the mock answering `200` with `text`.
            pub fn respond(self, text: &str) -> MockHandle {
                self.respond_with(MockReply::raw(200, "text/plain", text))
            }
        },
        ResponseBody::Bytes => quote! {
            /// Registers the mock answering `200` with `bytes`.
            pub fn respond(self, bytes: &[u8]) -> MockHandle {
                self.respond_with(MockReply::raw(200, "application/octet-stream", bytes))
            }
        },
        // Several success bodies: `respond_with` picks the status.
        ResponseBody::ByStatus(_) => quote! {},
        // The stream responders below cover it.
        ResponseBody::Stream(_) => quote! {},
    };
    let streams = operation
        .stream
        .as_ref()
        .map(|form| stream_responders(model, form))
        .unwrap_or_default();
    let examples = model
        .examples
        .get(&operation.pointer)
        .into_iter()
        .flatten()
        .map(|(status, text)| {
            let name = format_ident!("respond_example_{}", status);
            let doc = format!(" Registers the mock answering `{status}` with the spec's example.");
            quote! {
                #[doc = #doc]
                pub fn #name(self) -> MockHandle {
                    self.respond_with(MockReply::json_text(#status, #text))
                }
            }
        });
    quote! { #success #streams #(#examples)* }
}

/// Responders for the streaming form: the items as server-sent events (ended by the
/// API's end marker, or cut off), as JSON lines, or a binary body in chunks.
fn stream_responders(model: &Model, form: &StreamForm) -> TokenStream {
    let item = match &form.item {
        Some(item) => tokens(model, item, Scope::Sibling),
        None => quote! { String },
    };
    let event = match &form.item {
        Some(_) => quote! { apigen_runtime::mock::MockEvent::json(&item) },
        None => quote! { apigen_runtime::mock::MockEvent::data(&item) },
    };
    match form.kind {
        StreamKind::Events => quote! {
            /// Registers the mock answering `200` with `items` as server-sent events,
            /// each its own chunk, then the API's end marker (if it has one).
            pub fn respond_events(self, items: impl IntoIterator<Item = #item>) -> MockHandle {
                let mut events: Vec<apigen_runtime::mock::MockEvent> =
                    items.into_iter().map(|item| #event).collect();
                if let Some(marker) = super::API.end_markers().first() {
                    events.push(apigen_runtime::mock::MockEvent::data(marker));
                }
                self.respond_with(MockReply::events(events))
            }

            /// Registers the mock answering `200` with `items` as server-sent events,
            /// then closing the connection in the middle of the stream (no end marker,
            /// no end of the body): the client's stream yields the items, then an error.
            pub fn respond_events_cut_off(self, items: impl IntoIterator<Item = #item>) -> MockHandle {
                let mut events: Vec<apigen_runtime::mock::MockEvent> =
                    items.into_iter().map(|item| #event).collect();
                events.push(apigen_runtime::mock::MockEvent::raw("data: {\"cut"));
                self.respond_with(MockReply::events(events).cut_off())
            }
        },
        StreamKind::JsonLines | StreamKind::JsonSeq => {
            let media = &form.media_type;
            let prefix = if form.kind == StreamKind::JsonSeq { "\u{1e}" } else { "" };
            quote! {
                /// Registers the mock answering `200` with `items`, one chunk per item.
                pub fn respond_lines(self, items: impl IntoIterator<Item = #item>) -> MockHandle {
                    let chunks = items
                        .into_iter()
                        .map(|item| {
                            let text = apigen_runtime::serde_json::to_string(&item).unwrap_or_default();
                            format!("{}{}\n", #prefix, text).into_bytes()
                        })
                        .collect();
                    self.respond_with(MockReply::chunked(200, #media, chunks))
                }
            }
        }
        StreamKind::Bytes => {
            let media = &form.media_type;
            quote! {
                /// Registers the mock answering `200` with a chunked binary body, one
                /// chunk per item of `chunks`.
                pub fn respond_chunks(self, chunks: Vec<Vec<u8>>) -> MockHandle {
                    self.respond_with(MockReply::chunked(200, #media, chunks))
                }
            }
        }
    }
}
