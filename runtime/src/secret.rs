//! A string that never shows itself in `Debug` or `Display` output.

use std::fmt;

/// A secret such as a bearer token. Formatting it prints `[redacted]`; the only way
/// to read the value is [`SecretString::expose`], which makes every use greppable.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret value. Call only where it must be sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_reveals_the_value() {
        let secret = SecretString::new("tok_123");
        assert!(!format!("{secret:?}").contains("tok_123"));
        assert!(!format!("{secret}").contains("tok_123"));
        assert_eq!(secret.expose(), "tok_123");
    }
}
