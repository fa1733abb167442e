//! Library half of `cargo xtask`, so tests can run the same code-generation check
//! that `cargo xtask codegen --check` runs.

pub mod bench;
pub mod codegen;
pub mod conformance;
pub mod corpus;
pub mod error;
pub mod examples;
pub mod multi;
pub mod vectors;

pub use error::XtaskError;
