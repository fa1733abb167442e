//! The escape hatch for endpoints the spec does not describe: [`RawRequest`], built
//! by a generated client's `request(method, path)`. It goes through the same request
//! loop as every operation (base URL, default headers and credentials, pacing,
//! retries, timeouts, typed API errors), and its body can be decoded into any
//! `DeserializeOwned` type, read raw, or streamed.

use crate::call::{BodyFuture, ResponseFuture};
use crate::error::Error;
use crate::execute::RawClient;
use crate::query::Style;
use crate::request::{CallOptions, RequestSpec};
use crate::response::RawResponse;
use crate::stream::{self, ByteStream, EventStream, JsonLines};
use crate::upload::Upload;
use bytes::Bytes;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

/// A request to a path of your choosing, relative to the client's base URL.
///
/// `{name}` placeholders in the path are filled with [`RawRequest::path_param`]
/// (checked and percent-encoded like a generated path parameter); one left unfilled
/// fails the call with [`Error::InvalidArgument`] before anything is sent.
#[derive(Debug)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest<'a, E> {
    client: &'a RawClient,
    path: String,
    spec: Result<RequestSpec, Error<E>>,
    options: CallOptions,
}

impl<'a, E> RawRequest<'a, E>
where
    E: DeserializeOwned + Send + 'a,
{
    /// A `method` request to `path` (appended to the base URL; begin it with `/`).
    pub fn new(client: &'a RawClient, method: Method, path: impl Into<String>) -> Self {
        let path = path.into();
        let spec = if path.starts_with('/') {
            Ok(RequestSpec::new(method, "(raw request)", String::new()))
        } else {
            Err(Error::invalid_argument("path", format!("{path:?} must start with `/`")))
        };
        Self {
            client,
            path,
            spec,
            options: CallOptions::default(),
        }
    }

    fn with(mut self, change: impl FnOnce(&mut RequestSpec) -> Result<(), Error<E>>) -> Self {
        if let Ok(spec) = &mut self.spec {
            if let Err(err) = change(spec) {
                self.spec = Err(err);
            }
        }
        self
    }

    /// Fills the `{name}` placeholder of the path with `value`, checked (not empty,
    /// not `.` or `..`) and percent-encoded as one segment.
    pub fn path_param(mut self, name: &str, value: impl ToString) -> Self {
        let placeholder = format!("{{{name}}}");
        if !self.path.contains(&placeholder) {
            self.spec = Err(Error::invalid_argument_owned(
                name.to_owned(),
                format!("the path {:?} has no {placeholder} placeholder", self.path),
            ));
            return self;
        }
        match crate::path::segment::<E>("path parameter", &value.to_string(), None) {
            Ok(encoded) => self.path = self.path.replace(&placeholder, &encoded),
            Err(err) => self.spec = Err(err),
        }
        self
    }

    /// Adds a query parameter (form style; arrays repeat the name, `None` is left out).
    pub fn query<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.with(|spec| spec.query(name, value, Style::Form { explode: true }))
    }

    /// Adds a header to this call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        self.with(|spec| spec.json(body))
    }

    /// Sets one member of the JSON object body (creating `{}` when there is none).
    pub fn body_member(self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        let value = value.into();
        self.with(|spec| spec.json_member(name, value))
    }

    /// Sends `data` with the given `Content-Type`.
    pub fn body(self, content_type: &str, data: impl Into<Bytes>) -> Self {
        let data = data.into();
        self.with(|spec| {
            spec.raw(content_type, data);
            Ok(())
        })
    }

    /// Sends the body from a file or a stream ([`Upload`]), with `content_type`.
    pub fn upload(self, content_type: &str, upload: Upload) -> Self {
        self.with(|spec| {
            spec.upload(content_type, upload);
            Ok(())
        })
    }

    /// Overrides the per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the maximum number of retries for this call.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// Sends an `Idempotency-Key` header, which makes a POST or PATCH safe to retry.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// The finished request, or why it cannot be sent.
    fn finish(self) -> (&'a RawClient, Result<RequestSpec, Error<E>>, CallOptions) {
        let path = self.path;
        let spec = self.spec.and_then(|mut spec| {
            if let Some(start) = path.find('{') {
                let rest = &path[start..];
                let name = rest.get(1..rest.find('}').unwrap_or(rest.len())).unwrap_or("");
                return Err(Error::invalid_argument_owned(
                    name.to_owned(),
                    format!("the path placeholder {{{name}}} was not filled with path_param"),
                ));
            }
            spec.path = path;
            Ok(spec)
        });
        (self.client, spec, self.options)
    }

    /// Sends the request and decodes a JSON success body into `T`, with the status
    /// and headers.
    pub fn send_with_response<T: DeserializeOwned>(self) -> ResponseFuture<'a, T, E> {
        let (client, spec, options) = self.finish();
        ResponseFuture::new(client, spec, options, RawResponse::json::<T, E>)
    }

    /// Sends the request and decodes a JSON success body into `T`.
    pub fn send<T: DeserializeOwned>(self) -> BodyFuture<'a, T, E> {
        BodyFuture::new(self.send_with_response())
    }

    /// Sends the request and returns the success body as bytes, unread as JSON.
    pub fn send_raw(self) -> ResponseFuture<'a, Bytes, E> {
        let (client, spec, options) = self.finish();
        ResponseFuture::new(client, spec, options, RawResponse::bytes::<E>)
    }

    /// Sends the request and ignores the success body.
    pub fn send_empty(self) -> BodyFuture<'a, (), E> {
        let (client, spec, options) = self.finish();
        BodyFuture::new(ResponseFuture::new(client, spec, options, RawResponse::empty::<E>))
    }

    /// Sends the request (with `Accept: text/event-stream`) and streams server-sent
    /// events whose `data` is JSON decoded into `T` (use `serde_json::Value` for any,
    /// or [`RawRequest::text_events`] for plain text).
    pub fn events<T: DeserializeOwned>(self) -> BodyFuture<'a, EventStream<T, E>, E> {
        let (client, spec, options) = self.finish();
        BodyFuture::new(ResponseFuture::streamed(
            client,
            spec,
            options,
            "text/event-stream",
            None,
            |response| response.events(stream::json::<T>),
        ))
    }

    /// Like [`RawRequest::events`], with each event's `data` kept as text.
    pub fn text_events(self) -> BodyFuture<'a, EventStream<String, E>, E> {
        let (client, spec, options) = self.finish();
        BodyFuture::new(ResponseFuture::streamed(
            client,
            spec,
            options,
            "text/event-stream",
            None,
            |response| response.events(stream::text),
        ))
    }

    /// Sends the request (with `Accept: application/x-ndjson`) and streams one JSON
    /// item per line, decoded into `T`.
    pub fn json_lines<T: DeserializeOwned>(self) -> BodyFuture<'a, JsonLines<T, E>, E> {
        let (client, spec, options) = self.finish();
        BodyFuture::new(ResponseFuture::streamed(
            client,
            spec,
            options,
            "application/x-ndjson",
            None,
            |response| response.json_lines(stream::json::<T>, false),
        ))
    }

    /// Sends the request and streams the success body as byte chunks (for example to
    /// [`ByteStream::save_to`] a file).
    pub fn bytes_stream(self) -> BodyFuture<'a, ByteStream<E>, E> {
        let (client, spec, options) = self.finish();
        BodyFuture::new(ResponseFuture::streamed(
            client,
            spec,
            options,
            "*/*",
            None,
            RawResponse::byte_stream::<E>,
        ))
    }
}

impl RawClient {
    /// A request to a path the spec does not describe (see [`RawRequest`]); `E` is
    /// the API's error body type.
    pub fn request<'a, E>(&'a self, method: Method, path: impl Into<String>) -> RawRequest<'a, E>
    where
        E: DeserializeOwned + Send + 'a,
    {
        RawRequest::new(self, method, path)
    }
}
