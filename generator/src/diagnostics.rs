//! What the generator reports: fatal errors and per-construct diagnostics, both
//! located by a JSON pointer into the spec.

use std::fmt;

/// A construct the generator could not express exactly, and what it did instead.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// JSON pointer to the construct (`/paths/~1threads/get/responses/200`).
    pub pointer: String,
    /// What was found and what was generated instead.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}: {}", self.pointer, self.message)
    }
}

/// A problem that stops generation: the document cannot be read or is not OpenAPI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateError {
    /// JSON pointer to the offending value (empty for the whole document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl GenerateError {
    /// An error at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at #{}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for GenerateError {}
