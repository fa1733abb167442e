//! Typed async client for the [InboxApp](https://inboxapp.com) API v1.
//!
//! ```no_run
//! # async fn example() -> Result<(), inboxapp::Error> {
//! let client = inboxapp::Client::builder().bearer_token("YOUR_API_TOKEN").build()?;
//! let campaign = client.pause_campaign("usdjpdql3f90seqk13rwuo7z").await?;
//! println!("{} is now {}", campaign.name, campaign.status);
//! # Ok(())
//! # }
//! ```
//!
//! Crate layout:
//! - [`Client`] has one method per API operation; each returns a request builder (in
//!   [`builders`]) that you `.await` (or `.send().await`), with setters for optional
//!   parameters and per-call options (headers, timeout, retries, and on POST/PATCH an
//!   idempotency key).
//! - [`types`] holds every request and response type of the API.
//! - [`Error`] separates invalid arguments, connection failures and timeouts, API
//!   errors (with the decoded [`types::ErrorResponse`]) and unexpected responses.
//! - [`Response`], [`RateLimit`], [`ApiError`], [`UnexpectedResponse`] and [`Nullable`]
//!   are re-exported from the runtime, so you can name them without depending on it.
//!
//! Everything under `src/generated/` is generated from `spec/inboxapp.yaml` by
//! `cargo xtask codegen`; the rest is hand-written.

#![warn(missing_docs)]

#[rustfmt::skip] // formatted by prettyplease at generation time
mod generated;
pub mod webhooks;

pub use generated::*;

/// The README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;
