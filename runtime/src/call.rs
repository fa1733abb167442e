//! The sending half of every generated request builder.
//!
//! A generated builder only encodes its arguments into a [`RequestSpec`] and names the
//! function that decodes its success body; everything else — the per-call option
//! setters, `send`, `send_with_response` and `IntoFuture` — comes from
//! [`request_builder!`](crate::request_builder), and the asynchronous part runs here.
//! The future below is generic over the API's error body only, so it is compiled once
//! per generated crate instead of once per operation, and the generated code holds no
//! `async fn` for the compiler to turn into a state machine.

use crate::{CallOptions, Error, RawClient, RawResponse, RequestSpec, Response};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Decodes a success response into the operation's output.
pub type Decode<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

/// The boxed, non-generic-in-`T` part: sending, retrying, pacing.
type RawFuture<'a, E> = Pin<Box<dyn Future<Output = Result<RawResponse, Error<E>>> + Send + 'a>>;

/// The future of `send_with_response()`: the decoded body with the HTTP status and
/// headers, or the call's [`Error`].
#[must_use = "a request does nothing until it is awaited"]
pub struct ResponseFuture<'a, T, E> {
    raw: RawFuture<'a, E>,
    decode: Decode<T, E>,
}

impl<'a, T, E> ResponseFuture<'a, T, E>
where
    E: DeserializeOwned + Send + 'a,
{
    /// Sends `request` (or resolves to its encoding error at once) through `client` with
    /// `options`, then decodes a success response with `decode`.
    pub fn new(
        client: &'a RawClient,
        request: Result<RequestSpec, Error<E>>,
        options: CallOptions,
        decode: Decode<T, E>,
    ) -> Self {
        let raw: RawFuture<'a, E> = Box::pin(async move { client.execute::<E>(request?, &options).await });
        Self { raw, decode }
    }

    /// Like [`ResponseFuture::new`], for the streaming form of an operation: asks for
    /// `accept`, leaves the success body unread for `decode` (a stream decoder), and
    /// sets the JSON body's `member` to `true` when the spec documents such a switch
    /// (for example `stream`).
    pub fn streamed(
        client: &'a RawClient,
        request: Result<RequestSpec, Error<E>>,
        options: CallOptions,
        accept: &'static str,
        member: Option<&'static str>,
        decode: Decode<T, E>,
    ) -> Self {
        let request = request.and_then(|mut request| {
            request.stream_response(accept);
            // Only a JSON body the caller set gets the switch; no body is invented.
            if let (Some(member), Some(crate::request::Body::Json(_))) = (member, &request.body) {
                request.json_member(member, serde_json::Value::Bool(true))?;
            }
            Ok(request)
        });
        Self::new(client, request, options, decode)
    }
}

impl<T, E> Future for ResponseFuture<'_, T, E> {
    type Output = Result<Response<T>, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.raw.as_mut().poll(cx) {
            Poll::Ready(result) => Poll::Ready(result.and_then(self.decode)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T, E> fmt::Debug for ResponseFuture<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// The future of `send()` and of awaiting a builder: the decoded body, or the call's
/// [`Error`].
#[must_use = "a request does nothing until it is awaited"]
pub struct BodyFuture<'a, T, E> {
    inner: ResponseFuture<'a, T, E>,
}

impl<'a, T, E> BodyFuture<'a, T, E> {
    /// The body alone of `inner`'s response.
    pub fn new(inner: ResponseFuture<'a, T, E>) -> Self {
        Self { inner }
    }
}

impl<T, E> Future for BodyFuture<'_, T, E> {
    type Output = Result<T, Error<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.inner)
            .poll(cx)
            .map(|result| result.map(Response::into_body))
    }
}

impl<T, E> fmt::Debug for BodyFuture<'_, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyFuture").finish_non_exhaustive()
    }
}

/// Adds the shared surface to a generated request builder `$builder<'a>`: the per-call
/// options (`header`, `timeout`, `max_retries`, and with `idempotency_key` as the last
/// argument that setter too), `send`, `send_with_response` and `IntoFuture`.
///
/// The builder must have the fields `client` (something with a
/// `raw() -> &RawClient` method) and `options: CallOptions`, and the inherent
/// functions `encode_request(&self) -> Result<RequestSpec, $error>` and
/// `decode_response(RawResponse) -> Result<Response<$output>, $error>`. `$error` is the
/// crate's `Error` alias of `apigen_runtime::Error<$error_body>`.
#[macro_export]
macro_rules! request_builder {
    ($builder:ident => $output:ty, $error:ty, $error_body:ty $(, $idempotency_key:ident)?) => {
        impl<'a> $builder<'a> {
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

            /// Adds a query parameter the spec does not list, to this call only.
            pub fn extra_query(mut self, name: impl Into<String>, value: impl ::std::fmt::Display) -> Self {
                self.options.query.push((name.into(), value.to_string()));
                self
            }

            /// Sets a member of the JSON body the spec does not list (or overrides a
            /// documented one), to this call only. Fails the call with
            /// `Error::InvalidArgument` when the body is not a JSON object.
            pub fn extra_body_member(mut self, name: impl Into<String>, value: impl Into<$crate::serde_json::Value>) -> Self {
                self.options.body_members.push((name.into(), value.into()));
                self
            }

            $($crate::request_builder!(@$idempotency_key);)?

            /// Sends the request; the future resolves to the decoded body (the same as
            /// awaiting the builder).
            pub fn send(self) -> $crate::call::BodyFuture<'a, $output, $error_body> {
                $crate::call::BodyFuture::new(self.send_with_response())
            }

            /// Sends the request; the future resolves to the body with the HTTP status
            /// and headers (for example the rate-limit headers).
            pub fn send_with_response(self) -> $crate::call::ResponseFuture<'a, $output, $error_body> {
                let request = self.encode_request();
                $crate::call::ResponseFuture::new(self.client.raw(), request, self.options, Self::decode_response)
            }
        }

        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = ::std::result::Result<$output, $error>;
            type IntoFuture = $crate::call::BodyFuture<'a, $output, $error_body>;
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
    (@idempotency_key) => {
        /// Sends an `Idempotency-Key` header (the same on every attempt), which makes
        /// this call safe to retry after a 5xx, a timeout or a lost connection.
        pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
            self.options.idempotency_key = Some(key.into());
            self
        }
    };
}

/// Adds the streaming form to a generated request builder that already went through
/// [`request_builder!`](crate::request_builder): `stream()` (the stream alone) and
/// `stream_with_response()` (with status and headers). `$accept` is the media type
/// asked for, `$member` the JSON body member set to `true` (`Some("stream")`) or
/// `None`, `$decode` the stream decoder (`|response| response.events(json)`), and
/// `$doc` a line added to `stream()`'s documentation (what the form changes).
#[macro_export]
macro_rules! stream_form {
    ($builder:ident => $stream:ty, $error_body:ty, $accept:literal, $member:expr, $decode:expr, $doc:literal) => {
        impl<'a> $builder<'a> {
            /// Sends the request asking for the streamed form of the response; the
            /// future resolves to the stream once the response head arrived (a
            /// non-success status is the usual error, after the usual retries).
            ///
            #[doc = $doc]
            pub fn stream(self) -> $crate::call::BodyFuture<'a, $stream, $error_body> {
                $crate::call::BodyFuture::new(self.stream_with_response())
            }

            /// Like [`stream`](Self::stream), with the HTTP status and headers.
            pub fn stream_with_response(self) -> $crate::call::ResponseFuture<'a, $stream, $error_body> {
                let request = self.encode_request();
                $crate::call::ResponseFuture::streamed(
                    self.client.raw(),
                    request,
                    self.options,
                    $accept,
                    $member,
                    $decode,
                )
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiProfile, ClientBuilder};

    /// A client whose base URL has no server behind it (the discard port on loopback),
    /// so a request that were sent would fail with a connection error instead.
    fn unreachable_client() -> RawClient {
        ClientBuilder::<RawClient, serde_json::Value>::new(ApiProfile::new("http://127.0.0.1:9", "test"))
            .max_retries(0)
            .build()
            .unwrap_or_else(|err| panic!("client builds: {err}"))
    }

    #[tokio::test]
    async fn an_encoding_error_resolves_at_once_without_sending() {
        let client = unreachable_client();
        let rejected = Err(Error::InvalidArgument {
            name: "id".into(),
            reason: "contains `/`".into(),
        });
        let future =
            ResponseFuture::<(), serde_json::Value>::new(&client, rejected, CallOptions::default(), |r| r.empty());
        match BodyFuture::new(future).await {
            Err(Error::InvalidArgument { name, reason }) => {
                assert_eq!((name.as_ref(), reason.as_str()), ("id", "contains `/`"))
            }
            other => panic!("expected the encoding error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_sent_request_goes_through_the_client() {
        let client = unreachable_client();
        let request = Ok(RequestSpec::new(reqwest::Method::GET, "/x", "/x".to_owned()));
        let future =
            ResponseFuture::<(), serde_json::Value>::new(&client, request, CallOptions::default(), |r| r.empty());
        assert!(format!("{future:?}").starts_with("ResponseFuture"));
        match future.await {
            Err(Error::Connection { .. }) => {}
            other => panic!("expected a connection error from the closed port, got {other:?}"),
        }
    }
}
