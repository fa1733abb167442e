//! Runtime shared by every client crate that `apigen` generates.
//!
//! Generated crates contain only what the spec describes (types and one method per
//! operation); everything else — configuration, authentication, parameter encoding,
//! request execution, response decoding and errors — is hand-written here, once.
//! Users normally reach these items through the generated crate's re-exports.

#![deny(missing_docs)]

pub mod auth;
pub mod base64;
pub mod builder;
pub mod call;
pub mod client;
mod client_builder;
pub mod datetime;
pub mod de;
pub mod enums;
pub mod error;
pub mod execute;
#[cfg(feature = "mock")]
pub mod mock;
pub mod multipart;
pub mod nullable;
pub mod oauth;
pub mod pacing;
pub mod pagination;
pub mod path;
pub mod pattern;
pub mod profile;
pub mod query;
pub mod raw_request;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
mod spans;
pub mod sse;
pub mod stream;
pub mod timestamp;
pub mod undeclared;
pub mod unions;
pub mod upload;
pub mod webhooks;

pub use auth::{Credential, KeyLocation, OAuth2Flow, SecurityScheme};
pub use builder::ClientBuilder;
pub use error::{ApiError, Error};
pub use execute::RawClient;
pub use multipart::Binary;
pub use nullable::Nullable;
pub use oauth::{OAuth2, OAuth2Tokens};
pub use pacing::PacingConfig;
pub use pattern::Pattern;
pub use profile::{ApiProfile, RateLimitHeaders, ResetFormat};
pub use raw_request::RawRequest;
pub use request::{CallOptions, RequestSpec};
pub use response::Response;
pub use response::{RateLimit, RawResponse};
pub use retry::{RetryConfig, Sleeper};
pub use secret::SecretString;
pub use stream::{ByteStream, Event, EventStream, JsonLines};
pub use timestamp::{Timestamp, TimestampError};
pub use undeclared::Undeclared;
pub use upload::Upload;

/// Re-exported so generated code names one dependency only.
pub use bytes;
/// Re-exported so generated code names one dependency only.
pub use chrono;
/// Re-exported so generated code names one dependency only.
pub use reqwest;
/// Re-exported so generated code names one dependency only.
pub use serde;
/// Re-exported so generated code names one dependency only.
pub use serde_json;
