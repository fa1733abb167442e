//! Operations → request builders (`builders.rs` of the generated module): one struct
//! per operation holding its arguments, with setters for optional parameters and
//! per-call options, the request encoding and the response decoding.

use super::client::{
    argument_type, body_is_argument, body_type, chunk_operations, convert, is_string, location_label, success_type,
};
use super::docs;
use super::typeref::{tokens, Scope};
use super::types::ident;
use crate::ir::{
    BodyEncoding, Model, Operation, ParamLocation, QueryStyle, ResponseBody, StreamForm, StreamKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Inner attributes, imports and `pattern` statics at the top of `builders.rs`.
pub fn header(patterns: &BTreeMap<String, usize>) -> TokenStream {
    let pattern_statics = patterns.iter().map(|(source, index)| {
        let name = format_ident!("PATTERN_{}", index);
        let doc = format!(" `{source}`");
        quote! { #[doc = #doc] #[allow(dead_code)] static #name: apigen_runtime::Pattern = apigen_runtime::Pattern::new(#source); }
    });
    quote! {
        #![allow(clippy::needless_lifetimes, clippy::doc_lazy_continuation)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #![allow(unused_imports)]
        use super::operations::*;
        use super::{Client, Error, ErrorBody};
        use apigen_runtime::{CallOptions, RawResponse, RequestSpec, Response};
        use apigen_runtime::query::Style;

        #(#pattern_statics)*
    }
}

/// Chunk `chunk` of `builders.rs`: one request builder per operation of that chunk.
pub fn chunk(model: &Model, patterns: &BTreeMap<String, usize>, chunk: usize) -> TokenStream {
    let builders = chunk_operations(model, chunk)
        .iter()
        .map(|operation| builder(model, operation, patterns))
        .collect::<Vec<_>>();
    quote! { #(#builders)* }
}

/// The decoding expression for a single-shape body (`response.json()`, …).
fn decode_call(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Json(_) => quote! { response.json() },
        ResponseBody::Empty => quote! { response.empty() },
        ResponseBody::Text => quote! { response.text() },
        ResponseBody::Bytes | ResponseBody::ByStatus(_) => quote! { response.bytes() },
        ResponseBody::Stream(form) => stream_call(form),
    }
}

/// The type of the builder's body field: binary bodies are an `Upload` (bytes, a
/// file or a stream), the rest their own type.
fn body_field_type(model: &Model, body: &crate::ir::RequestBody) -> TokenStream {
    if body.encoding == BodyEncoding::Bytes {
        quote! { apigen_runtime::Upload }
    } else {
        tokens(model, &body.ty, Scope::Sibling)
    }
}

/// The stream decoding of `response` for a streaming form (`response.events(json)`).
fn stream_call(form: &StreamForm) -> TokenStream {
    let item = match form.item {
        Some(_) => quote! { apigen_runtime::stream::json },
        None => quote! { apigen_runtime::stream::text },
    };
    match form.kind {
        StreamKind::Events => quote! { response.events(#item) },
        StreamKind::JsonLines => quote! { response.json_lines(#item, false) },
        StreamKind::JsonSeq => quote! { response.json_lines(#item, true) },
        StreamKind::Bytes => quote! { response.byte_stream() },
    }
}

/// The stream decoder of a streaming form, as a closure that coerces to the runtime's
/// `Decode` function pointer.
fn stream_decode(form: &StreamForm) -> TokenStream {
    let call = stream_call(form);
    quote! { |response: RawResponse| #call }
}

/// The JSON body member that switches the server to streaming (a boolean `stream`
/// property of the request body's struct), when there is one.
pub(crate) fn stream_member<'m>(model: &'m Model, operation: &Operation) -> Option<&'m str> {
    let body = operation
        .body
        .as_ref()
        .filter(|body| body.encoding == BodyEncoding::Json)?;
    let TypeRef::Named(id) = &body.ty else { return None };
    let crate::ir::TypeKind::Struct(def) = &model.types.get(*id)?.kind else {
        return None;
    };
    def.fields
        .iter()
        .find(|field| field.wire == "stream" && matches!(&field.ty, TypeRef::Bool))
        .map(|field| field.wire.as_str())
}

/// `stream()` and `stream_with_response()` through the runtime's `stream_form!`.
fn streaming_form(model: &Model, operation: &Operation) -> TokenStream {
    let Some(form) = &operation.stream else {
        return quote! {};
    };
    let builder = format_ident!("{}", operation.builder_name);
    let ty = super::client::stream_type(model, form);
    let accept = &form.media_type;
    let member = match stream_member(model, operation) {
        Some(member) if form.kind != StreamKind::Bytes => quote! { Some(#member) },
        _ => quote! { None },
    };
    let decode = stream_decode(form);
    let plain_streams = matches!(operation.success, ResponseBody::Stream(_));
    let doc = match (form.kind, stream_member(model, operation), plain_streams) {
        (StreamKind::Bytes, _, _) => {
            "Reads the body as it arrives; awaiting the builder reads it whole.".to_owned()
        }
        (_, Some(member), false) => format!(
            "Sends `Accept: {accept}` and sets the request body's `{member}` member to `true`; awaiting the builder asks for JSON (`{member}: false`) and returns the whole body."
        ),
        (_, None, false) => format!(
            "Sends `Accept: {accept}`; awaiting the builder asks for JSON and returns the whole body."
        ),
        (_, Some(member), true) => format!(
            "The same as awaiting the builder: `Accept: {accept}`, and the request body's `{member}` member set to `true`."
        ),
        (_, None, true) => format!("The same as awaiting the builder (`Accept: {accept}`)."),
    };
    let cfg = super::features::operation_cfg(operation);
    quote! {
        #cfg
        apigen_runtime::stream_form!(#builder => #ty, ErrorBody, #accept, #member, #decode, #doc);
    }
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
    // A 2xx status the spec does not list is an error, not a guess at a variant: the
    // caller gets the status and raw body in `UnexpectedResponse`.
    let fallback = range_arm.unwrap_or_else(|| quote! { Err(response.undocumented_status()) });
    quote! {
        match response.status() {
            #(#arms)*
            _ => #fallback,
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
                quote! { pub(super) #name: #ty }
            } else {
                quote! { pub(super) #name: Option<#ty> }
            }
        })
        .collect();
    if let Some(body) = operation.body.as_ref().filter(|body| !body.empty_object) {
        let ty = body_field_type(model, body);
        fields.push(quote! { pub(super) body: Option<#ty> });
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
            if body.encoding == BodyEncoding::Bytes {
                return quote! {
                    /// Sets the optional request body: bytes, or an `Upload` from a file
                    /// or a stream.
                    pub fn body(mut self, value: impl Into<apigen_runtime::Upload>) -> Self {
                        self.body = Some(value.into());
                        self
                    }
                };
            }
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
    // Feature-group gate, prepended to every top-level item (see `emit::features`).
    let cfg = super::features::operation_cfg(operation);
    // The per-call options, `send`, `send_with_response` and `IntoFuture` come from the
    // runtime's macro, and the sending runs in its shared future: per operation only
    // the encoding and the choice of decoder are generated, with no `async fn`.
    let idempotency_key = accepts_idempotency_key(operation).then(|| quote! { , idempotency_key });
    let streaming = streaming_form(model, operation);
    quote! {
        #cfg
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            // `pub(super)`: the `Client` method in `operations.rs` fills them in; users
            // only see the setters.
            pub(super) client: &'a Client,
            #(#fields,)*
            pub(super) options: CallOptions,
        }

        #cfg
        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter
            #stream_methods

            fn encode_request(&self) -> Result<RequestSpec, Error> {
                #send_body
                Ok(request)
            }

            fn decode_response(response: RawResponse) -> Result<Response<#output>, Error> {
                #decode
            }
        }

        #cfg
        apigen_runtime::request_builder!(#builder => #output, Error, ErrorBody #idempotency_key);

        #streaming
    }
}

/// Whether the builder gets `idempotency_key()`: only POST and PATCH, since the runtime
/// already retries the idempotent methods, so for them a key would change nothing.
fn accepts_idempotency_key(operation: &Operation) -> bool {
    matches!(operation.http_method.as_str(), "POST" | "PATCH")
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
    // With the struct's fields known, `Binary` fields become file parts with their own
    // file name and content type; anything else is sent as plain form fields.
    let Some(fields) = fields else {
        return quote! {
            let mut form = apigen_runtime::multipart::Form::new();
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
                quote! { if let Some(apigen_runtime::Nullable::Value(value)) = &body.#name { #add } }
            }
        }
    });
    quote! {
        let mut form = apigen_runtime::multipart::Form::new();
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
            // Every segment is validated (its `pattern`, no `/` or dot segments) and
            // percent-encoded before anything is sent, so a bad id never reaches the
            // server as another path.
            let text = if is_string(&param.ty) {
                quote! { &self.#name }
            } else {
                quote! { &apigen_runtime::path::text_of(#wire_lit, &self.#name)? }
            };
            statements.push(quote! {
                let #local = apigen_runtime::path::segment(#wire_lit, #text, #pattern)?;
            });
            pieces.push(quote! { &#local });
        }
        rest = &rest[start + length + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote! { #rest });
    }
    let template = &operation.path;
    // `reqwest::Method` has constants for the standard methods only; others (`QUERY`,
    // 3.2 `additionalOperations`) are built from their name, checked by the model.
    let method = match operation.http_method.as_str() {
        "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE" | "CONNECT" => {
            let constant = format_ident!("{}", operation.http_method);
            quote! { apigen_runtime::reqwest::Method::#constant }
        }
        other => {
            let name = proc_macro2::Literal::byte_string(other.as_bytes());
            quote! {
                apigen_runtime::reqwest::Method::from_bytes(#name)
                    .map_err(|err| Error::invalid_argument("method", err.to_string()))?
            }
        }
    };
    // `mut` only when something is added after construction, so generated code has no
    // `unused_mut` warnings to silence.
    let mutable = operation
        .params
        .iter()
        .any(|param| param.location != ParamLocation::Path)
        || operation.body.is_some()
        || operation.security.is_some()
        || matches!(operation.success, ResponseBody::Stream(_))
        || operation
            .stream
            .as_ref()
            .is_some_and(|form| form.kind != StreamKind::Bytes);
    let binding = if mutable {
        quote! { mut request }
    } else {
        quote! { request }
    };
    statements.push(quote! {
        let #binding = RequestSpec::new(
            #method,
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
                        request.header(#wire, apigen_runtime::path::text_of(#wire, value)?);
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
                        request.cookie(#wire, apigen_runtime::path::text_of(#wire, value)?)?;
                    }
                });
            }
            ParamLocation::Path => {}
        }
    }
    statements.extend(crate::emit::security::requirement(operation));
    if let Some(body) = &operation.body {
        if body.empty_object {
            // APIs that declare an empty-object body tend to reject a missing one, so
            // `{}` is always sent.
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
                BodyEncoding::Bytes => quote! { request.upload(#media, body.clone()); },
                BodyEncoding::Text => quote! { request.raw(#media, body.clone().into_bytes()); },
            };
            statements.push(quote! {
                if let Some(body) = &self.body {
                    #set
                }
            });
        }
    }
    statements.push(stream_switch(model, operation));
    quote! { #(#statements)* }
}

/// What the plain call asks for when the response can also be streamed: a call that
/// only streams asks for the stream (and sets the body's `stream` member to `true`);
/// a call that returns JSON while a stream is also offered asks for JSON (and sets
/// `stream` to `false`), leaving the stream to `.stream()`.
fn stream_switch(model: &Model, operation: &Operation) -> TokenStream {
    let member = stream_member(model, operation);
    match (&operation.success, &operation.stream) {
        (ResponseBody::Stream(form), _) => {
            let accept = &form.media_type;
            let set = member.map(|member| {
                quote! {
                    if self.body.is_some() {
                        request.json_member(#member, apigen_runtime::serde_json::Value::Bool(true))?;
                    }
                }
            });
            quote! { request.stream_response(#accept); #set }
        }
        (ResponseBody::Json(_), Some(form)) if form.kind != StreamKind::Bytes => {
            let set = member.map(|member| {
                quote! {
                    if self.body.is_some() {
                        request.json_member(#member, apigen_runtime::serde_json::Value::Bool(false))?;
                    }
                }
            });
            quote! { request.header("accept", "application/json"); #set }
        }
        _ => quote! {},
    }
}
