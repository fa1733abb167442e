//! Operations → `Client` methods, per-status success enums and per-operation error
//! enums (`operations.rs` of the generated module); the request builders they return
//! are emitted by [`super::builders`].

use super::docs;
use super::typeref::{tokens, Scope};
use super::types::ident;
use crate::ir::{BodyEncoding, Model, Operation, Param, ParamLocation, ResponseBody, StreamForm, StreamKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Operations per formatting chunk (fixed, so the output never depends on the machine).
pub const CHUNK: usize = 40;

/// Every name `operations.rs` and `builders.rs` import (see [`header`] and
/// [`super::builders::header`]) and every runtime type the root module re-exports. Keep in step
/// with the `use` lines there and in `emit::root`: the model keeps builder and enum
/// names clear of these, so an operation called `pin` or `style` cannot clash with an
/// import.
pub const IMPORTED_NAMES: &[&str] = &[
    "Client",
    "Error",
    "ErrorBody",
    "CallOptions",
    "RequestSpec",
    "Response",
    "Style",
    "Future",
    "IntoFuture",
    "Pin",
    "ApiError",
    "Binary",
    "Nullable",
    "RateLimit",
    "UnexpectedResponse",
];

/// Inner attributes and imports at the top of `operations.rs`.
pub fn header() -> TokenStream {
    quote! {
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(unused_imports)]
        use super::builders::*;
        use super::{Client, Error};
        use apigen_runtime::CallOptions;
    }
}

/// Number of chunks `operations.rs` and `builders.rs` are each built in.
pub fn chunk_count(model: &Model) -> usize {
    model.operations.len().div_ceil(CHUNK)
}

/// The operations of chunk `chunk`.
pub(super) fn chunk_operations(model: &Model, chunk: usize) -> &[Operation] {
    let start = (chunk * CHUNK).min(model.operations.len());
    let end = (start + CHUNK).min(model.operations.len());
    &model.operations[start..end]
}

/// Chunk `chunk` of `operations.rs`: the operations' `Client` methods (in an
/// `impl Client` block of their own), per-status success enums and error enums.
pub fn chunk(model: &Model, chunk: usize) -> TokenStream {
    let operations = chunk_operations(model, chunk);
    let methods = operations.iter().map(|operation| client_method(model, operation));
    let status_enums = status_enums(operations, model);
    let error_enums = error_enums(operations, model);
    quote! {
        impl Client {
            #(#methods)*
        }

        #(#status_enums)*

        #(#error_enums)*
    }
}

/// The whole `operations` and `builders` modules, each in one token stream (header
/// and every chunk); the bench profiler times token building with these.
pub fn emit(model: &Model) -> (TokenStream, TokenStream) {
    let patterns = collect_patterns(model);
    let operations: Vec<TokenStream> = (0..chunk_count(model)).map(|index| chunk(model, index)).collect();
    let builders: Vec<TokenStream> = (0..chunk_count(model))
        .map(|index| super::builders::chunk(model, &patterns, index))
        .collect();
    let (header, builders_header) = (header(), super::builders::header(&patterns));
    (
        quote! { #header #(#operations)* },
        quote! { #builders_header #(#builders)* },
    )
}

/// Every distinct path-parameter `pattern`, numbered in order of first use; each
/// becomes one lazily compiled `static`.
pub fn collect_patterns(model: &Model) -> BTreeMap<String, usize> {
    let mut patterns = BTreeMap::new();
    for operation in &model.operations {
        for param in &operation.params {
            if let Some(pattern) = &param.pattern {
                let next = patterns.len();
                patterns.entry(pattern.clone()).or_insert(next);
            }
        }
    }
    patterns
}

/// Required parameters become method arguments, in spec order (path first).
fn required_params(operation: &Operation) -> Vec<&Param> {
    let mut required: Vec<&Param> = operation.params.iter().filter(|param| param.required).collect();
    // A stable sort: path parameters move to the front (they read like the URL), and
    // within each group the spec's order is kept, so regenerating never reorders
    // arguments of existing calls.
    required.sort_by_key(|param| param.location != ParamLocation::Path);
    required
}

/// Whether the body is a method argument. A required body is one, except a body whose
/// schema is an empty object: the builder sends `{}` itself, as there is nothing to set.
pub(super) fn body_is_argument(operation: &Operation) -> bool {
    operation
        .body
        .as_ref()
        .is_some_and(|body| body.required && !body.empty_object)
}

pub(super) fn is_string(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String)
}

/// Argument type: strings accept anything `Into<String>`.
pub(super) fn argument_type(model: &Model, ty: &TypeRef) -> TokenStream {
    if is_string(ty) {
        quote! { impl Into<String> }
    } else {
        tokens(model, ty, Scope::Sibling)
    }
}

pub(super) fn convert(name: &proc_macro2::Ident, ty: &TypeRef) -> TokenStream {
    if is_string(ty) {
        quote! { #name.into() }
    } else {
        quote! { #name }
    }
}

pub(super) fn success_type(model: &Model, operation: &Operation) -> TokenStream {
    body_type(model, &operation.success)
}

pub(super) fn body_type(model: &Model, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Json(ty) => tokens(model, ty, Scope::Sibling),
        ResponseBody::Empty => quote! { () },
        ResponseBody::Text => quote! { String },
        ResponseBody::Bytes => quote! { apigen_runtime::bytes::Bytes },
        ResponseBody::ByStatus(status_enum) => {
            let name = format_ident!("{}", status_enum.name);
            quote! { #name }
        }
        ResponseBody::Stream(form) => stream_type(model, form),
    }
}

/// The Rust type of a streamed body: `EventStream<Item, ErrorBody>`, `JsonLines<…>`
/// or `ByteStream<ErrorBody>` (text items are `String`).
pub(crate) fn stream_type(model: &Model, form: &StreamForm) -> TokenStream {
    let item = match &form.item {
        Some(item) => tokens(model, item, Scope::Sibling),
        None => quote! { String },
    };
    match form.kind {
        StreamKind::Events => quote! { apigen_runtime::EventStream<#item, super::ErrorBody> },
        StreamKind::JsonLines | StreamKind::JsonSeq => quote! { apigen_runtime::JsonLines<#item, super::ErrorBody> },
        StreamKind::Bytes => quote! { apigen_runtime::ByteStream<super::ErrorBody> },
    }
}

/// The per-status success enums of the given operations that need one.
///
/// The model picks `ByStatus` only when an operation's 2xx responses have different
/// bodies (say `200` with the object and `202` with a job): one enum with a variant per
/// status is then the only honest type. Operations whose 2xx responses agree keep a
/// plain body type, which is what almost every caller wants.
fn status_enums(operations: &[Operation], model: &Model) -> Vec<TokenStream> {
    operations
        .iter()
        .filter_map(|operation| match &operation.success {
            ResponseBody::ByStatus(status_enum) => Some((operation, status_enum)),
            _ => None,
        })
        .map(|(operation, status_enum)| {
            let name = format_ident!("{}", status_enum.name);
            let doc = format!(
                " The documented success responses of [`Client::{}`], one variant per status.",
                operation.method_name.trim_start_matches("r#")
            );
            let variants = status_enum.variants.iter().map(|variant| {
                let variant_name = format_ident!("{}", variant.name);
                // `None` is the spec's `2XX` range: any 2xx status not listed on its
                // own lands there.
                let status = match variant.status {
                    Some(code) => format!("HTTP {code}"),
                    None => "Any other 2xx status".to_owned(),
                };
                let docs = docs::attrs([status.as_str(), variant.doc.as_deref().unwrap_or("")]);
                match variant.body.as_ref() {
                    ResponseBody::Empty => quote! { #docs #variant_name, },
                    body => {
                        let ty = body_type(model, body);
                        quote! { #docs #variant_name(#ty), }
                    }
                }
            });
            let cfg = super::features::operation_cfg(operation);
            quote! {
                #cfg
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                }
            }
        })
        .collect()
}

/// Per-operation error enums: the documented error bodies by status, decoded on demand
/// from an `Error::Api` (the crate-wide error keeps the raw bytes).
///
/// Every call returns the one crate-wide `Error`, so `?` works across operations; an
/// operation whose error bodies differ from the shared error type gets this enum
/// instead of its own error type, and the caller who cares decodes it from the raw
/// bytes. A body that does not match its documented schema gives `None` rather than an
/// error: the caller still has the `ApiError` with status and raw body.
fn error_enums(operations: &[Operation], model: &Model) -> Vec<TokenStream> {
    operations
        .iter()
        .filter_map(|operation| operation.error_enum.as_ref().map(|errors| (operation, errors)))
        .map(|(operation, errors)| {
            let name = format_ident!("{}", errors.name);
            let doc = format!(
                " The documented error bodies of [`Client::{}`], by status. Get one from an error with [`{}::from_error`].",
                operation.method_name.trim_start_matches("r#"),
                errors.name
            );
            let variants = errors.variants.iter().map(|variant| {
                let variant_name = format_ident!("{}", variant.name);
                let ty = tokens(model, &variant.ty, Scope::Sibling);
                let status = match variant.status {
                    crate::ir::ErrorStatus::Code(code) => format!("HTTP {code}"),
                    crate::ir::ErrorStatus::Range(range) => format!("Any HTTP {range}xx status not listed separately"),
                    crate::ir::ErrorStatus::Default => "Any other error status".to_owned(),
                };
                let docs = docs::attrs([status.as_str(), variant.doc.as_deref().unwrap_or("")]);
                quote! { #docs #variant_name(#ty), }
            });
            // Match order follows HTTP's precedence of response keys: an exact status
            // beats a `4XX` range, which beats `default`.
            let mut exact = Vec::new();
            let mut ranges = Vec::new();
            let mut fallback = quote! { None };
            for variant in &errors.variants {
                let variant_name = format_ident!("{}", variant.name);
                let decode = quote! { ::serde_json::from_slice(&api.raw).ok().map(Self::#variant_name) };
                match variant.status {
                    crate::ir::ErrorStatus::Code(code) => {
                        let code = proc_macro2::Literal::u16_unsuffixed(code);
                        exact.push(quote! { #code => #decode, });
                    }
                    crate::ir::ErrorStatus::Range(range) => {
                        let low = proc_macro2::Literal::u16_unsuffixed(range * 100);
                        let high = proc_macro2::Literal::u16_unsuffixed(range * 100 + 99);
                        ranges.push(quote! { #low..=#high => #decode, });
                    }
                    crate::ir::ErrorStatus::Default => fallback = decode,
                }
            }
            let body = if exact.is_empty() && ranges.is_empty() {
                fallback
            } else {
                quote! {
                    match api.status {
                        #(#exact)*
                        #(#ranges)*
                        _ => #fallback,
                    }
                }
            };
            let cfg = super::features::operation_cfg(operation);
            quote! {
                #cfg
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                }

                #cfg
                impl #name {
                    /// Decodes the body of an API error by its status. `None` for other kinds
                    /// of error, undocumented statuses, and bodies that do not match.
                    pub fn from_error(error: &Error) -> Option<Self> {
                        let apigen_runtime::Error::Api(api) = error else {
                            return None;
                        };
                        #body
                    }
                }
            }
        })
        .collect()
}

fn operation_doc(model: &Model, operation: &Operation) -> TokenStream {
    let route = format!("`{} {}`", operation.http_method, operation.path);
    let mut arguments = Vec::new();
    for param in required_params(operation) {
        let description = param
            .doc
            .as_deref()
            .map(|doc| doc.lines().next().unwrap_or("").trim())
            .unwrap_or("");
        let pattern = param
            .pattern
            .as_deref()
            .map(|p| format!(" Must match `{p}`."))
            .unwrap_or_default();
        let line = format!(
            "- `{}`: {} {}{}",
            param.name.trim_start_matches("r#"),
            location_label(param),
            description,
            pattern
        );
        arguments.push(line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    if body_is_argument(operation) {
        arguments.push("- `body`: the request body.".to_owned());
    }
    let arguments = if arguments.is_empty() {
        String::new()
    } else {
        format!("Arguments:\n{}", arguments.join("\n"))
    };
    let deprecated = if operation.deprecated {
        "**Deprecated** in the API."
    } else {
        ""
    };
    let returns = "Await the returned builder (or call `send`) to run the request; it resolves to the decoded body, or an [`Error`](crate::Error) that separates invalid arguments, connection failures, API errors and unexpected responses.";
    let typed_errors = operation
        .error_enum
        .as_ref()
        .map(|errors| {
            format!(
                "Its documented error bodies decode with [`{0}::from_error`]({0}::from_error).",
                errors.name
            )
        })
        .unwrap_or_default();
    let credentials = credentials_doc(model, operation);
    let streaming = streaming_doc(model, operation);
    docs::attrs([
        operation.summary.as_deref().unwrap_or(""),
        operation.description.as_deref().unwrap_or(""),
        deprecated,
        route.as_str(),
        credentials.as_str(),
        arguments.as_str(),
        returns,
        streaming.as_str(),
        typed_errors.as_str(),
    ])
}

/// "Credentials: `a`, or `b` and `c`." from the operation's security requirements,
/// each scheme linked to the `ClientBuilder` method that takes it (schemes the client
/// does not apply are named only); empty when the spec says nothing.
fn credentials_doc(model: &Model, operation: &Operation) -> String {
    let Some(alternatives) = &operation.security else {
        return String::new();
    };
    if alternatives.iter().all(Vec::is_empty) {
        return "Credentials: none (public).".to_owned();
    }
    let listed: Vec<String> = alternatives
        .iter()
        .map(|all| {
            if all.is_empty() {
                "none".to_owned()
            } else {
                all.iter()
                    .map(|name| scheme_link(model, name))
                    .collect::<Vec<_>>()
                    .join(" and ")
            }
        })
        .collect();
    format!("Credentials: {}.", listed.join(", or "))
}

/// `[`name`](crate::ClientBuilder::method)` for a scheme with a builder method, else
/// `` `name` ``.
fn scheme_link(model: &Model, name: &str) -> String {
    let method = model
        .security
        .iter()
        .find(|scheme| scheme.name == name)
        .filter(|scheme| crate::model::security::is_wired(&scheme.kind))
        .map(|scheme| scheme.method.as_str());
    match method {
        Some(method) => format!("[`{name}`](crate::ClientBuilder::{method})"),
        None => format!("`{name}`"),
    }
}

/// What the method's docs say about the streaming form, if the operation has one.
fn streaming_doc(model: &Model, operation: &Operation) -> String {
    let Some(form) = &operation.stream else {
        return String::new();
    };
    let media = &form.media_type;
    let member = super::builders::stream_member(model, operation).filter(|_| form.kind != StreamKind::Bytes);
    let sets = member
        .map(|member| format!(" and sets the body's `{member}` member to `true`"))
        .unwrap_or_default();
    match (&operation.success, form.kind) {
        (ResponseBody::Stream(_), _) => format!(
            "The response is a stream (`{media}`): the request asks for it{sets}, and the builder resolves to the stream once the response head arrived; each item is a decoded item or an `Err` (see `apigen_runtime::stream`)."
        ),
        (_, StreamKind::Bytes) => format!(
            "The body (`{media}`) is read whole; call `.stream()` on the builder for a `ByteStream` read as it arrives (`write_to`, `save_to`)."
        ),
        _ => {
            let plain = member
                .map(|member| format!(" (with `{member}: false`)"))
                .unwrap_or_default();
            format!(
                "The plain call asks for JSON{plain}; call `.stream()` on the builder for the `{media}` form, which sends `Accept: {media}`{sets}."
            )
        }
    }
}

pub(super) fn location_label(param: &Param) -> String {
    match param.location {
        ParamLocation::Path => format!("path parameter `{}`.", param.wire),
        ParamLocation::Query => format!("query parameter `{}`.", param.wire),
        ParamLocation::Header => format!("header `{}`.", param.wire),
        ParamLocation::Cookie => format!("cookie `{}`.", param.wire),
    }
}

fn client_method(model: &Model, operation: &Operation) -> TokenStream {
    let method = ident(&operation.method_name);
    let builder = format_ident!("{}", operation.builder_name);
    let doc = operation_doc(model, operation);
    let required = required_params(operation);
    let mut arguments: Vec<TokenStream> = required
        .iter()
        .map(|param| {
            let name = ident(&param.name);
            let ty = argument_type(model, &param.ty);
            quote! { #name: #ty }
        })
        .collect();
    let mut inits: Vec<TokenStream> = operation
        .params
        .iter()
        .map(|param| {
            let name = ident(&param.name);
            if param.required && is_string(&param.ty) {
                let value = convert(&name, &param.ty);
                quote! { #name: #value }
            } else if param.required {
                quote! { #name }
            } else {
                quote! { #name: None }
            }
        })
        .collect();
    if let Some(body) = &operation.body {
        if body_is_argument(operation) && body.encoding == BodyEncoding::Bytes {
            arguments.push(quote! { body: impl Into<apigen_runtime::Upload> });
            inits.push(quote! { body: Some(body.into()) });
        } else if body_is_argument(operation) {
            let ty = tokens(model, &body.ty, Scope::Sibling);
            arguments.push(quote! { body: #ty });
            inits.push(quote! { body: Some(body) });
        } else if !body.empty_object {
            inits.push(quote! { body: None });
        }
    }
    let deprecated = operation
        .deprecated
        .then(|| quote! { #[deprecated = "deprecated in the API spec"] });
    let cfg = super::features::operation_cfg(operation);
    quote! {
        #cfg
        #doc
        #deprecated
        pub fn #method(&self, #(#arguments),*) -> #builder<'_> {
            #builder {
                client: self,
                #(#inits,)*
                options: CallOptions::default(),
            }
        }
    }
}
