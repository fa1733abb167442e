//! The client's parts under their former module path, so code written against
//! `apigen_runtime::client::…` keeps compiling: configuration lives in
//! [`crate::builder`], execution in [`crate::execute`], retry timing in
//! [`crate::retry`], success responses in [`crate::response`].

pub use crate::builder::ClientBuilder;
pub use crate::execute::RawClient;
pub use crate::response::RawResponse;
pub use crate::retry::{RetryConfig, Sleeper};
