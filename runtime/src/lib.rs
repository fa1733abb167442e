//! Runtime shared by every client crate that `apigen` generates.
//!
//! Generated crates contain only what the spec describes (types and one method per
//! operation); everything else — configuration, authentication, parameter encoding,
//! request execution, response decoding and errors — is hand-written here, once.
//! Users normally reach these items through the generated crate's re-exports.

#![deny(missing_docs)]

pub mod base64;
pub mod client;
pub mod datetime;
pub mod enums;
pub mod error;
pub mod multipart;
pub mod nullable;
pub mod pagination;
pub mod path;
pub mod pattern;
pub mod query;
pub mod request;
pub mod response;
pub mod secret;
pub mod unions;
pub mod webhooks;

pub use client::{ClientBuilder, RawClient};
pub use error::{ApiError, Error};
pub use multipart::Binary;
pub use nullable::Nullable;
pub use pattern::Pattern;
pub use request::{CallOptions, RequestSpec};
pub use response::Response;
pub use secret::SecretString;

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
