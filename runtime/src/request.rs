//! What one operation call sends: method, path, query, headers, body, and the caller's
//! per-call options.

use crate::error::Error;
use crate::query::{QueryString, Style};
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::Method;
use serde::Serialize;
use std::time::Duration;

/// Characters not allowed in a cookie value (RFC 6265 `cookie-octet`).
const COOKIE_VALUE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// `value` percent-encoded where a cookie value could not hold it.
pub(crate) fn encode_cookie_value(value: &str) -> String {
    utf8_percent_encode(value, COOKIE_VALUE).to_string()
}

/// A request body, already encoded.
#[derive(Debug, Clone)]
pub enum Body {
    /// `application/json`.
    Json(Bytes),
    /// `application/x-www-form-urlencoded`.
    Form(Bytes),
    /// A binary body read from memory, a file or a stream as it is sent.
    Upload {
        /// The `Content-Type` to send (unless the upload overrides it).
        content_type: String,
        /// Where the bytes come from.
        upload: crate::upload::Upload,
    },
    /// Any other media type, sent as given.
    Raw {
        /// The `Content-Type` to send.
        content_type: String,
        /// The bytes to send.
        data: Bytes,
    },
}

/// A fully described request, built by a generated operation method and executed by
/// [`RawClient::execute`](crate::RawClient::execute).
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: Method,
    /// The path template from the spec (`/campaigns/{campaignId}/pause`), for logs.
    pub path_template: &'static str,
    /// The concrete path, parameters already checked and encoded.
    pub path: String,
    /// Query parameters.
    pub query: QueryString,
    /// Header parameters.
    pub headers: Vec<(&'static str, String)>,
    /// The body, if any.
    pub body: Option<Body>,
    /// The spec's security requirements: any one of these lists of scheme names, all
    /// of a list together; `Some(&[])` sends no credentials; `None` (the spec says
    /// nothing) sends every configured one. See [`crate::auth`].
    pub security: Option<&'static [&'static [&'static str]]>,
    /// Leave a success body unread for a stream decoder (`RawResponse::events`,
    /// `json_lines`, `byte_stream`) instead of reading it whole. The per-attempt
    /// timeout then covers the response head, and each later chunk may take as long.
    pub streamed: bool,
}

impl RequestSpec {
    /// A request without query, headers or body.
    pub fn new(method: Method, path_template: &'static str, path: String) -> Self {
        Self {
            method,
            path_template,
            path,
            query: QueryString::new(),
            headers: Vec::new(),
            body: None,
            security: None,
            streamed: false,
        }
    }

    /// Marks the request as streamed (see [`RequestSpec::streamed`]) and asks for
    /// `accept` as the response media type.
    pub fn stream_response(&mut self, accept: &'static str) {
        self.streamed = true;
        self.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
        self.headers.push(("accept", accept.to_owned()));
    }

    /// Sets (or replaces) one member of the JSON object body, creating `{}` when
    /// there is no body yet. Used for the spec's `stream: true` member of streaming
    /// calls and for [`CallOptions::body_members`].
    pub fn json_member<E>(&mut self, name: &str, value: serde_json::Value) -> Result<(), Error<E>> {
        let mut members = match &self.body {
            None => serde_json::Map::new(),
            Some(Body::Json(bytes)) => match serde_json::from_slice::<serde_json::Value>(bytes) {
                Ok(serde_json::Value::Object(members)) => members,
                _ => {
                    return Err(Error::invalid_argument_owned(
                        name.to_owned(),
                        "extra body members need a JSON object body",
                    ))
                }
            },
            Some(_) => {
                return Err(Error::invalid_argument_owned(
                    name.to_owned(),
                    "extra body members need a JSON object body",
                ))
            }
        };
        members.insert(name.to_owned(), value);
        self.json(&members)
    }

    /// Sets the operation's security requirements (see the `security` field).
    pub fn security(&mut self, requirements: &'static [&'static [&'static str]]) {
        self.security = Some(requirements);
    }

    /// Adds a query parameter (skipped when `None` / `null`).
    pub fn query<T: Serialize + ?Sized, E>(&mut self, name: &str, value: &T, style: Style) -> Result<(), Error<E>> {
        self.query.push(name, value, style)
    }

    /// Adds a header parameter.
    pub fn header(&mut self, name: &'static str, value: impl ToString) {
        self.headers.push((name, value.to_string()));
    }

    /// Adds a cookie parameter (all cookies go into one `Cookie` header). Values are
    /// percent-encoded where a cookie value could not hold them.
    pub fn cookie<E>(&mut self, name: &'static str, value: String) -> Result<(), Error<E>> {
        let pair = format!("{name}={}", encode_cookie_value(&value));
        match self.headers.iter_mut().find(|(header, _)| *header == "cookie") {
            Some((_, existing)) => {
                existing.push_str("; ");
                existing.push_str(&pair);
            }
            None => self.headers.push(("cookie", pair)),
        }
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized, E>(&mut self, body: &T) -> Result<(), Error<E>> {
        let bytes = serde_json::to_vec(body)
            .map_err(|err| Error::invalid_argument("body", format!("cannot be encoded as JSON: {err}")))?;
        self.body = Some(Body::Json(Bytes::from(bytes)));
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body from a serializable object.
    /// Nested objects use bracket notation, except the members named in `json_fields`,
    /// which are sent as JSON text (the spec's `encoding: {contentType: application/json}`).
    pub fn form<T: Serialize + ?Sized, E>(&mut self, body: &T, json_fields: &[&str]) -> Result<(), Error<E>> {
        let value = serde_json::to_value(body)
            .map_err(|err| Error::invalid_argument("body", format!("cannot be form-encoded: {err}")))?;
        let mut query = QueryString::new();
        if let serde_json::Value::Object(members) = &value {
            for (key, member) in members {
                if json_fields.contains(&key.as_str()) && !member.is_null() {
                    query.push(key, &member.to_string(), Style::Form { explode: true })?;
                    continue;
                }
                let style = if member.is_object() {
                    Style::DeepObject
                } else {
                    Style::Form { explode: true }
                };
                query.push(key, member, style)?;
            }
        }
        self.body = Some(Body::Form(Bytes::from(query.encode())));
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: crate::multipart::Form) {
        let (content_type, data) = form.finish();
        self.body = Some(Body::Raw { content_type, data });
    }

    /// Sets a body of any other media type.
    pub fn raw(&mut self, content_type: &str, data: impl Into<Bytes>) {
        self.body = Some(Body::Raw {
            content_type: content_type.to_owned(),
            data: data.into(),
        });
    }

    /// Sets a binary body from an [`Upload`](crate::Upload) (bytes, a file, a stream).
    pub fn upload(&mut self, content_type: &str, upload: crate::upload::Upload) {
        self.body = Some(Body::Upload {
            content_type: content_type.to_owned(),
            upload,
        });
    }

    /// True when repeating this request cannot apply it twice, judged by its method.
    pub fn is_idempotent_method(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        )
    }
}

/// Per-call overrides of the client's configuration. Every generated request builder
/// exposes these as setters.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Extra headers for this call (added after the client's default headers).
    pub headers: Vec<(String, String)>,
    /// Per-attempt timeout for this call.
    pub timeout: Option<Duration>,
    /// Maximum retries for this call.
    pub max_retries: Option<u32>,
    /// `Idempotency-Key` to send; makes a POST or PATCH safe to retry.
    pub idempotency_key: Option<String>,
    /// Extra query parameters the spec does not list, appended after the
    /// documented ones (already text; percent-encoded when sent).
    pub query: Vec<(String, String)>,
    /// Extra members of the JSON object body the spec does not list, set (replacing
    /// a documented member of the same name) after the body is encoded.
    pub body_members: Vec<(String, serde_json::Value)>,
}
