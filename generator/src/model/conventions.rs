//! The API's own conventions, which the runtime must not assume: where error bodies
//! keep the code and message, which header carries the request id, which headers
//! announce the rate limit and how the reset time is written.
//!
//! Each is read from the root `x-apigen-conventions` extension when given there, and
//! otherwise inferred from the spec: the shared error schema (a `code` / `message`
//! property at the top or one object level down) and the documented response
//! headers (`*RateLimit-Limit`, `*RateLimit-Remaining`, `*RateLimit-Reset`,
//! `*Request-Id`). Anything neither given nor found stays unset, and the generated
//! client simply does not look for it.

use crate::diagnostics::Diagnostic;
use crate::ir::{ApiConventions, ResetFormat, TypeDef, TypeKind, TypeRef};
use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

/// The extension's name at the document root.
pub const EXTENSION: &str = "x-apigen-conventions";
const POINTER: &str = "/x-apigen-conventions";

/// Builds the conventions from the extension and the spec; a malformed extension
/// entry becomes a diagnostic and the inferred value is used instead.
pub fn build(
    document: &OpenAPI,
    types: &[TypeDef],
    error_type: Option<&TypeRef>,
    diagnostics: &mut Vec<Diagnostic>,
) -> ApiConventions {
    let headers = documented_response_headers(document);
    let find_header = |suffix: &str| {
        headers
            .iter()
            .find(|name| name.to_ascii_lowercase().ends_with(suffix))
            .map(|name| name.to_ascii_lowercase())
    };
    let mut conventions = ApiConventions {
        error_code: error_field(types, error_type, "code").into_iter().collect(),
        error_message: error_field(types, error_type, "message").into_iter().collect(),
        request_id_header: find_header("request-id"),
        rate_limit_limit: find_header("ratelimit-limit"),
        rate_limit_remaining: find_header("ratelimit-remaining"),
        rate_limit_reset: find_header("ratelimit-reset"),
        reset_format: ResetFormat::Auto,
        // `data: [DONE]` is how most event-stream APIs (OpenAI-compatible servers
        // among them) end a stream; an API without event streams needs no marker.
        stream_end_markers: if has_event_stream(document) {
            vec!["[DONE]".to_owned()]
        } else {
            Vec::new()
        },
        max_stream_item: None,
    };
    if let Some(extension) = document.extensions.get(EXTENSION) {
        apply_extension(extension, &mut conventions, diagnostics);
    }
    conventions
}

/// True when any response documents `text/event-stream`.
fn has_event_stream(document: &OpenAPI) -> bool {
    let streams = |response: &ReferenceOr<openapiv3::Response>| match response {
        ReferenceOr::Item(response) => response.content.keys().any(|media| {
            media
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("text/event-stream")
        }),
        ReferenceOr::Reference { .. } => false,
    };
    let in_components = document
        .components
        .as_ref()
        .is_some_and(|components| components.responses.values().any(streams));
    in_components
        || document.paths.paths.iter().any(|(_, item)| {
            let ReferenceOr::Item(item) = item else { return false };
            item.iter().any(|(_, operation)| {
                let responses = &operation.responses;
                responses
                    .default
                    .iter()
                    .chain(responses.responses.values())
                    .any(streams)
            })
        })
}

/// Header names documented on any response, components first, in document order.
fn documented_response_headers(document: &OpenAPI) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |response: &openapiv3::Response| {
        for name in response.headers.keys() {
            if !names.iter().any(|known| known.eq_ignore_ascii_case(name)) {
                names.push(name.clone());
            }
        }
    };
    if let Some(components) = &document.components {
        for response in components.responses.values() {
            if let ReferenceOr::Item(response) = response {
                add(response);
            }
        }
    }
    for (_, item) in document.paths.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (_, operation) in item.iter() {
            let responses = &operation.responses;
            for response in responses.default.iter().chain(responses.responses.values()) {
                if let ReferenceOr::Item(response) = response {
                    add(response);
                }
            }
        }
    }
    names
}

/// The JSON pointer of a `name` property in the error body: at the top level, or
/// inside an object-valued property (`{"error": {"code": …}}`). Only string, number
/// and enum properties count.
fn error_field(types: &[TypeDef], error_type: Option<&TypeRef>, name: &str) -> Option<String> {
    let top = struct_fields(types, error_type?)?;
    if top
        .iter()
        .any(|field| field.wire == name && is_scalar(types, &field.ty))
    {
        return Some(format!("/{}", escape(name)));
    }
    top.iter().find_map(|outer| {
        let inner = struct_fields(types, &outer.ty)?;
        inner
            .iter()
            .any(|field| field.wire == name && is_scalar(types, &field.ty))
            .then(|| format!("/{}/{}", escape(&outer.wire), escape(name)))
    })
}

fn struct_fields<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t [crate::ir::Field]> {
    match resolve(types, ty)? {
        TypeKind::Struct(def) => Some(&def.fields),
        _ => None,
    }
}

fn is_scalar(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String | TypeRef::Integer { .. } | TypeRef::Float { .. } => true,
        TypeRef::Named(_) => matches!(resolve(types, ty), Some(TypeKind::StringEnum(_))),
        _ => false,
    }
}

/// The shape behind a named type, following aliases a few steps.
fn resolve<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t TypeKind> {
    let mut current = ty;
    for _ in 0..8 {
        let TypeRef::Named(id) = current else { return None };
        let kind = &types.get(*id)?.kind;
        match kind {
            TypeKind::Alias(next) => current = next,
            other => return Some(other),
        }
    }
    None
}

/// JSON-pointer escaping of one token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn apply_extension(extension: &Value, conventions: &mut ApiConventions, diagnostics: &mut Vec<Diagnostic>) {
    let Some(entries) = extension.as_object() else {
        diagnostics.push(Diagnostic::new(POINTER, "must be an object; ignored"));
        return;
    };
    for (key, value) in entries {
        let here = crate::pointer::join(POINTER, key);
        match key.as_str() {
            "error-code" | "error-message" => match pointers(value) {
                Ok(list) if key == "error-code" => conventions.error_code = list,
                Ok(list) => conventions.error_message = list,
                Err(reason) => diagnostics.push(Diagnostic::new(here, reason)),
            },
            "request-id-header" => match header_name(value) {
                Ok(name) => conventions.request_id_header = name,
                Err(reason) => diagnostics.push(Diagnostic::new(here, reason)),
            },
            "rate-limit" => apply_rate_limit(value, &here, conventions, diagnostics),
            "stream-end-markers" => match markers(value) {
                Ok(list) => conventions.stream_end_markers = list,
                Err(reason) => diagnostics.push(Diagnostic::new(here, reason)),
            },
            "max-stream-item-size" => match value.as_u64() {
                Some(bytes) if bytes > 0 => conventions.max_stream_item = Some(bytes),
                _ => diagnostics.push(Diagnostic::new(here, "must be a positive number of bytes; ignored")),
            },
            _ => diagnostics.push(Diagnostic::new(here, "unknown entry; ignored")),
        }
    }
}

fn apply_rate_limit(value: &Value, pointer: &str, conventions: &mut ApiConventions, diagnostics: &mut Vec<Diagnostic>) {
    let Some(entries) = value.as_object() else {
        diagnostics.push(Diagnostic::new(pointer, "must be an object; ignored"));
        return;
    };
    for (key, value) in entries {
        let here = crate::pointer::join(pointer, key);
        let slot = match key.as_str() {
            "limit" => &mut conventions.rate_limit_limit,
            "remaining" => &mut conventions.rate_limit_remaining,
            "reset" => &mut conventions.rate_limit_reset,
            "reset-format" => {
                match value.as_str() {
                    Some("unix-seconds") => conventions.reset_format = ResetFormat::UnixSeconds,
                    Some("delta-seconds") => conventions.reset_format = ResetFormat::DeltaSeconds,
                    Some("auto") => conventions.reset_format = ResetFormat::Auto,
                    _ => diagnostics.push(Diagnostic::new(
                        here,
                        "must be `unix-seconds`, `delta-seconds` or `auto`; ignored",
                    )),
                }
                continue;
            }
            _ => {
                diagnostics.push(Diagnostic::new(here, "unknown entry; ignored"));
                continue;
            }
        };
        match header_name(value) {
            Ok(name) => *slot = name,
            Err(reason) => diagnostics.push(Diagnostic::new(here, reason)),
        }
    }
}

/// One JSON pointer or a list of them, tried in order.
fn pointers(value: &Value) -> Result<Vec<String>, String> {
    let list: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    list.into_iter()
        .map(|item| match item.as_str() {
            Some(pointer) if pointer.starts_with('/') => Ok(pointer.to_owned()),
            _ => Err("must be a JSON pointer such as `/error/code`, or a list of them; ignored".to_owned()),
        })
        .collect()
}

/// One end marker or a list of them (`[]` switches the inferred `[DONE]` off).
fn markers(value: &Value) -> Result<Vec<String>, String> {
    let list: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    list.into_iter()
        .map(|item| match item.as_str() {
            Some(marker) if !marker.trim().is_empty() => Ok(marker.trim().to_owned()),
            _ => Err("must be a non-empty string such as `[DONE]`, or a list of them; ignored".to_owned()),
        })
        .collect()
}

/// A header name (stored lower-case), or `null`/`false` to switch inference off.
fn header_name(value: &Value) -> Result<Option<String>, String> {
    match value {
        Value::Null | Value::Bool(false) => Ok(None),
        Value::String(name)
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-_".contains(&byte)) =>
        {
            Ok(Some(name.to_ascii_lowercase()))
        }
        _ => Err("must be a header name (letters, digits, `-`, `_`) or null; ignored".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conventions(spec: &str) -> (ApiConventions, Vec<Diagnostic>) {
        let document: OpenAPI = match serde_json::from_str(spec) {
            Ok(document) => document,
            Err(err) => panic!("test spec does not parse: {err}"),
        };
        let mut diagnostics = Vec::new();
        let found = build(&document, &[], None, &mut diagnostics);
        (found, diagnostics)
    }

    #[test]
    fn headers_are_inferred_from_documented_responses() {
        let (found, diagnostics) = conventions(
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{
                "200":{"description":"ok","headers":{"RateLimit-Remaining":{"schema":{"type":"integer"}},
                "RateLimit-Reset":{"schema":{"type":"integer"}},"X-Trace-Request-Id":{"schema":{"type":"string"}}}}}}}}}"#,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(found.rate_limit_remaining.as_deref(), Some("ratelimit-remaining"));
        assert_eq!(found.rate_limit_reset.as_deref(), Some("ratelimit-reset"));
        assert_eq!(found.rate_limit_limit, None);
        assert_eq!(found.request_id_header.as_deref(), Some("x-trace-request-id"));
        assert_eq!(found.reset_format, ResetFormat::Auto);
        assert!(found.stream_end_markers.is_empty(), "no event stream, no marker");
    }

    #[test]
    fn stream_end_markers_are_inferred_and_configurable() {
        let streaming = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/s":{"get":{"responses":{
            "200":{"description":"ok","content":{"text/event-stream":{"schema":{"type":"string"}}}}}}}}"#;
        let (found, diagnostics) = conventions(&format!("{streaming}}}"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(found.stream_end_markers, ["[DONE]"]);
        assert_eq!(found.max_stream_item, None);
        let (found, diagnostics) = conventions(&format!(
            r#"{streaming},"x-apigen-conventions":{{"stream-end-markers":["<end>", "[STOP]"],"max-stream-item-size":65536}}}}"#
        ));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(found.stream_end_markers, ["<end>", "[STOP]"]);
        assert_eq!(found.max_stream_item, Some(65536));
        let (found, diagnostics) = conventions(&format!(
            r#"{streaming},"x-apigen-conventions":{{"stream-end-markers":[],"max-stream-item-size":0}}}}"#
        ));
        assert!(found.stream_end_markers.is_empty(), "`[]` switches the marker off");
        let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(pointers, ["/x-apigen-conventions/max-stream-item-size"]);
    }

    #[test]
    fn the_extension_overrides_and_bad_entries_are_diagnosed() {
        let (found, diagnostics) = conventions(
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
                "x-apigen-conventions":{"error-code":["/errors/0/code","/code"],"error-message":"message",
                "request-id-header":"X-Req","rate-limit":{"limit":"Budget-Limit","reset":null,
                "reset-format":"delta-seconds","window":"x"},"colour":"blue"}}"#,
        );
        assert_eq!(found.error_code, ["/errors/0/code", "/code"]);
        assert!(found.error_message.is_empty(), "a bad pointer is not used");
        assert_eq!(found.request_id_header.as_deref(), Some("x-req"));
        assert_eq!(found.rate_limit_limit.as_deref(), Some("budget-limit"));
        assert_eq!(found.rate_limit_reset, None);
        assert_eq!(found.reset_format, ResetFormat::DeltaSeconds);
        let mut pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(
            pointers,
            [
                "/x-apigen-conventions/colour",
                "/x-apigen-conventions/error-message",
                "/x-apigen-conventions/rate-limit/window",
            ]
        );
    }
}
