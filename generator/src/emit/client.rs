//! Operations → `Client` methods and one request builder per operation.

use super::docs;
use super::typeref::{tokens, Scope};
use super::types::ident;
use crate::ir::{BodyEncoding, Model, Operation, Param, ParamLocation, QueryStyle, ResponseBody, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Operations per formatting chunk (fixed, so the output never depends on the machine).
pub const CHUNK: usize = 40;

/// Every name `operations.rs` imports (see [`header`]). Keep in step with the `use`
/// lines there: the model keeps builder and enum names clear of these, so an
/// operation called `pin` or `style` cannot clash with an import.
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
];

/// Inner attributes, imports and `pattern` statics at the top of `operations.rs`.
pub fn header(patterns: &BTreeMap<String, usize>) -> TokenStream {
    let pattern_statics = patterns.iter().map(|(source, index)| {
        let name = format_ident!("PATTERN_{}", index);
        let doc = format!(" `{source}`");
        quote! { #[doc = #doc] static #name: ::apigen_runtime::Pattern = ::apigen_runtime::Pattern::new(#source); }
    });
    quote! {
        #![allow(clippy::too_many_arguments, clippy::needless_lifetimes, clippy::doc_lazy_continuation)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(unused_imports)]
        use super::{Client, Error, ErrorBody};
        use ::apigen_runtime::{CallOptions, RequestSpec, Response};
        use ::apigen_runtime::query::Style;
        use ::std::future::{Future, IntoFuture};
        use ::std::pin::Pin;

        #(#pattern_statics)*
    }
}

/// Number of chunks `operations.rs` is built in.
pub fn chunk_count(model: &Model) -> usize {
    model.operations.len().div_ceil(CHUNK)
}

/// Chunk `chunk` of the operations: their `Client` methods (in an `impl Client`
/// block of their own), per-status enums and request builders.
pub fn chunk(model: &Model, patterns: &BTreeMap<String, usize>, chunk: usize) -> TokenStream {
    let start = (chunk * CHUNK).min(model.operations.len());
    let end = (start + CHUNK).min(model.operations.len());
    let operations = &model.operations[start..end];
    let methods = operations.iter().map(|operation| client_method(model, operation));
    let status_enums = status_enums(operations, model);
    let error_enums = error_enums(operations, model);
    let builders: Vec<TokenStream> = operations
        .iter()
        .map(|operation| builder(model, operation, patterns))
        .collect();
    quote! {
        impl Client {
            #(#methods)*
        }

        #(#status_enums)*

        #(#error_enums)*

        #(#builders)*
    }
}

/// The whole `operations` module in one token stream (header and every chunk).
pub fn emit(model: &Model) -> TokenStream {
    let patterns = collect_patterns(model);
    let header = header(&patterns);
    let chunks: Vec<TokenStream> = (0..chunk_count(model))
        .map(|index| chunk(model, &patterns, index))
        .collect();
    quote! { #header #(#chunks)* }
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
    required.sort_by_key(|param| param.location != ParamLocation::Path);
    required
}

fn body_is_argument(operation: &Operation) -> bool {
    operation
        .body
        .as_ref()
        .is_some_and(|body| body.required && !body.empty_object)
}

fn is_string(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String)
}

/// Argument type: strings accept anything `Into<String>`.
fn argument_type(model: &Model, ty: &TypeRef) -> TokenStream {
    if is_string(ty) {
        quote! { impl Into<String> }
    } else {
        tokens(model, ty, Scope::Sibling)
    }
}

fn convert(name: &proc_macro2::Ident, ty: &TypeRef) -> TokenStream {
    if is_string(ty) {
        quote! { #name.into() }
    } else {
        quote! { #name }
    }
}

fn success_type(model: &Model, operation: &Operation) -> TokenStream {
    body_type(model, &operation.success)
}

fn body_type(model: &Model, body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Json(ty) => tokens(model, ty, Scope::Sibling),
        ResponseBody::Empty => quote! { () },
        ResponseBody::Text => quote! { String },
        ResponseBody::Bytes => quote! { ::apigen_runtime::bytes::Bytes },
        ResponseBody::ByStatus(status_enum) => {
            let name = format_ident!("{}", status_enum.name);
            quote! { #name }
        }
    }
}

/// The decoding expression for a single-shape body (`response.json()`, …).
fn decode_call(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Json(_) => quote! { response.json() },
        ResponseBody::Empty => quote! { response.empty() },
        ResponseBody::Text => quote! { response.text() },
        ResponseBody::Bytes | ResponseBody::ByStatus(_) => quote! { response.bytes() },
    }
}

/// The per-status success enums of the given operations that need one.
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
            quote! {
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
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                }

                impl #name {
                    /// Decodes the body of an API error by its status. `None` for other kinds
                    /// of error, undocumented statuses, and bodies that do not match.
                    pub fn from_error(error: &Error) -> Option<Self> {
                        let ::apigen_runtime::Error::Api(api) = error else {
                            return None;
                        };
                        #body
                    }
                }
            }
        })
        .collect()
}

/// Decoding for a per-status enum: pick the variant by the status that arrived.
fn decode_by_status(model: &Model, status_enum: &crate::ir::StatusEnum) -> TokenStream {
    let name = format_ident!("{}", status_enum.name);
    let mut arms = Vec::new();
    let mut range_arm = None;
    for variant in &status_enum.variants {
        let variant_name = format_ident!("{}", variant.name);
        let call = decode_call(&variant.body);
        let wrap = match variant.body.as_ref() {
            ResponseBody::Empty => quote! { #call.map(|response| response.map(|()| #name::#variant_name)) },
            body => {
                let ty = body_type(model, body);
                quote! { #call.map(|response: Response<#ty>| response.map(#name::#variant_name)) }
            }
        };
        match variant.status {
            Some(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                arms.push(quote! { #code => #wrap, })
            }
            None => range_arm = Some(wrap),
        }
    }
    let fallback = range_arm.unwrap_or_else(|| quote! { Err(response.undocumented_status()) });
    quote! {
        match response.status() {
            #(#arms)*
            _ => #fallback,
        }
    }
}

fn operation_doc(operation: &Operation) -> TokenStream {
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
    docs::attrs([
        operation.summary.as_deref().unwrap_or(""),
        operation.description.as_deref().unwrap_or(""),
        deprecated,
        route.as_str(),
        arguments.as_str(),
        returns,
        typed_errors.as_str(),
    ])
}

fn location_label(param: &Param) -> String {
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
    let doc = operation_doc(operation);
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
        if body_is_argument(operation) {
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
    quote! {
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

fn builder(model: &Model, operation: &Operation, patterns: &BTreeMap<String, usize>) -> TokenStream {
    let stream_methods = super::pagination::methods(model, operation);
    let builder = format_ident!("{}", operation.builder_name);
    let method = &operation.method_name;
    let builder_doc = format!(
        " Request builder for [`Client::{}`] (`{} {}`). Set optional parameters, then `.await` it or call [`send`](Self::send).",
        method.trim_start_matches("r#"),
        operation.http_method,
        operation.path
    );
    let mut fields: Vec<TokenStream> = operation
        .params
        .iter()
        .map(|param| {
            let name = ident(&param.name);
            let ty = tokens(model, &param.ty, Scope::Sibling);
            if param.required {
                quote! { #name: #ty }
            } else {
                quote! { #name: Option<#ty> }
            }
        })
        .collect();
    if let Some(body) = operation.body.as_ref().filter(|body| !body.empty_object) {
        let ty = tokens(model, &body.ty, Scope::Sibling);
        fields.push(quote! { body: Option<#ty> });
    }
    let setters = operation.params.iter().filter(|param| !param.required).map(|param| {
        let name = ident(&param.name);
        let ty = argument_type(model, &param.ty);
        let value = convert(&format_ident!("value"), &param.ty);
        let doc = docs::attrs([
            param.doc.as_deref().unwrap_or(""),
            format!("Sets the optional {}", location_label(param)).as_str(),
        ]);
        let deprecated = param
            .deprecated
            .then(|| quote! { #[deprecated = "deprecated in the API spec"] });
        quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let body_setter = operation
        .body
        .as_ref()
        .filter(|body| !body.empty_object && !body_is_argument(operation))
        .map(|body| {
            let ty = tokens(model, &body.ty, Scope::Sibling);
            quote! {
                /// Sets the optional request body.
                pub fn body(mut self, value: #ty) -> Self {
                    self.body = Some(value);
                    self
                }
            }
        });
    let output = success_type(model, operation);
    let send_body = send_body(model, operation, patterns);
    let decode = match &operation.success {
        ResponseBody::ByStatus(status_enum) => decode_by_status(model, status_enum),
        single => decode_call(single),
    };
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields,)*
            options: CallOptions,
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter
            #stream_methods

            /// Adds a header to this call only.
            pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.options.headers.push((name.into(), value.into()));
                self
            }

            /// Overrides the per-attempt timeout for this call.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.timeout = Some(timeout);
                self
            }

            /// Overrides the maximum number of retries for this call.
            pub fn max_retries(mut self, retries: u32) -> Self {
                self.options.max_retries = Some(retries);
                self
            }

            /// Sends an `Idempotency-Key` header, which also makes a POST or PATCH safe to retry.
            pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
                self.options.idempotency_key = Some(key.into());
                self
            }

            /// Sends the request and decodes the response body.
            pub async fn send(self) -> Result<#output, Error> {
                self.send_with_response().await.map(Response::into_body)
            }

            /// Sends the request and returns the body with the HTTP status and headers
            /// (for example the rate-limit headers).
            pub async fn send_with_response(self) -> Result<Response<#output>, Error> {
                #send_body
                let response = self.client.raw().execute::<ErrorBody>(request, &self.options).await?;
                #decode
            }
        }

        impl<'a> IntoFuture for #builder<'a> {
            type Output = Result<#output, Error>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

/// Encodes a multipart body: one part per field of the body struct (`Binary` fields as
/// file parts), or every member of the serialized value when the type is not a struct.
fn multipart_body(model: &Model, ty: &TypeRef) -> TokenStream {
    let fields = match ty {
        TypeRef::Named(id) => match &model.types[*id].kind {
            crate::ir::TypeKind::Struct(def) if def.additional.is_none() => Some(&def.fields),
            _ => None,
        },
        _ => None,
    };
    let Some(fields) = fields else {
        return quote! {
            let mut form = ::apigen_runtime::multipart::Form::new();
            form.fields(body)?;
            request.multipart(form);
        };
    };
    let parts = fields.iter().map(|field| {
        let name = ident(&field.name);
        let wire = &field.wire;
        let add = if field.ty == TypeRef::Binary {
            quote! { form.file(#wire, value); }
        } else {
            quote! { form.field(#wire, value)?; }
        };
        match field.presence {
            crate::ir::Presence::Required => quote! { { let value = &body.#name; #add } },
            crate::ir::Presence::RequiredNullable | crate::ir::Presence::Optional => {
                quote! { if let Some(value) = &body.#name { #add } }
            }
            crate::ir::Presence::OptionalNullable => {
                quote! { if let Some(::apigen_runtime::Nullable::Value(value)) = &body.#name { #add } }
            }
        }
    });
    quote! {
        let mut form = ::apigen_runtime::multipart::Form::new();
        #(#parts)*
        request.multipart(form);
    }
}

/// Builds the `RequestSpec`: path segments checked and encoded, query, headers, body.
fn send_body(model: &Model, operation: &Operation, patterns: &BTreeMap<String, usize>) -> TokenStream {
    let mut statements = Vec::new();
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else {
            break;
        };
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote! { #literal });
        }
        let wire = &rest[start + 1..start + length];
        if let Some(param) = operation
            .params
            .iter()
            .find(|param| param.location == ParamLocation::Path && param.wire == wire)
        {
            let name = ident(&param.name);
            let local = format_ident!("path_{}", param.name.trim_start_matches("r#"));
            let wire_lit = &param.wire;
            let pattern = match param.pattern.as_ref().and_then(|pattern| patterns.get(pattern)) {
                Some(index) => {
                    let pattern = format_ident!("PATTERN_{}", index);
                    quote! { Some(&#pattern) }
                }
                None => quote! { None },
            };
            let text = if is_string(&param.ty) {
                quote! { &self.#name }
            } else {
                quote! { &::apigen_runtime::path::text_of(#wire_lit, &self.#name)? }
            };
            statements.push(quote! {
                let #local = ::apigen_runtime::path::segment(#wire_lit, #text, #pattern)?;
            });
            pieces.push(quote! { &#local });
        }
        rest = &rest[start + length + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote! { #rest });
    }
    let template = &operation.path;
    let method = format_ident!("{}", operation.http_method);
    let mutable = operation
        .params
        .iter()
        .any(|param| param.location != ParamLocation::Path)
        || operation.body.is_some();
    let binding = if mutable {
        quote! { mut request }
    } else {
        quote! { request }
    };
    statements.push(quote! {
        let #binding = RequestSpec::new(
            ::apigen_runtime::reqwest::Method::#method,
            #template,
            [#(#pieces),*].concat(),
        );
    });
    for param in &operation.params {
        let name = ident(&param.name);
        let wire = &param.wire;
        match param.location {
            ParamLocation::Query => {
                let style = match param.style {
                    QueryStyle::Form(explode) => quote! { Style::Form { explode: #explode } },
                    QueryStyle::SpaceDelimited => quote! { Style::SpaceDelimited },
                    QueryStyle::PipeDelimited => quote! { Style::PipeDelimited },
                    QueryStyle::DeepObject => quote! { Style::DeepObject },
                };
                statements.push(quote! { request.query(#wire, &self.#name, #style)?; });
            }
            ParamLocation::Header => {
                let value = if param.required {
                    quote! { Some(&self.#name) }
                } else {
                    quote! { self.#name.as_ref() }
                };
                statements.push(quote! {
                    if let Some(value) = #value {
                        request.header(#wire, ::apigen_runtime::path::text_of(#wire, value)?);
                    }
                });
            }
            ParamLocation::Cookie => {
                let value = if param.required {
                    quote! { Some(&self.#name) }
                } else {
                    quote! { self.#name.as_ref() }
                };
                statements.push(quote! {
                    if let Some(value) = #value {
                        request.cookie(#wire, ::apigen_runtime::path::text_of(#wire, value)?)?;
                    }
                });
            }
            ParamLocation::Path => {}
        }
    }
    if let Some(body) = &operation.body {
        if body.empty_object {
            statements.push(quote! { request.json(&::serde_json::Map::new())?; });
        } else {
            let media = &body.media_type;
            let set = match body.encoding {
                BodyEncoding::Json => quote! { request.json(body)?; },
                BodyEncoding::Form => {
                    let json_fields = &body.json_form_fields;
                    quote! { request.form(body, &[#(#json_fields),*])?; }
                }
                BodyEncoding::Multipart => multipart_body(model, &body.ty),
                BodyEncoding::Bytes => quote! { request.raw(#media, body.clone()); },
                BodyEncoding::Text => quote! { request.raw(#media, body.clone().into_bytes()); },
            };
            statements.push(quote! {
                if let Some(body) = &self.body {
                    #set
                }
            });
        }
    }
    quote! { #(#statements)* }
}
