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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", location(pointer))]
pub struct GenerateError {
    /// JSON pointer to the offending value (empty for the whole document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// `at #/pointer: ` before the message, or nothing for the whole document.
fn location(pointer: &str) -> String {
    if pointer.is_empty() {
        String::new()
    } else {
        format!("at #{pointer}: ")
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_pointer_only_when_there_is_one() {
        assert_eq!(GenerateError::new("", "not YAML").to_string(), "not YAML");
        assert_eq!(
            GenerateError::new("/openapi", "missing").to_string(),
            "at #/openapi: missing"
        );
    }
}
