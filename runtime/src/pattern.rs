//! Lazily compiled `pattern` constraints from the spec.

use regex::Regex;
use std::sync::OnceLock;

/// A regular expression taken from a parameter's `pattern`, compiled on first use and
/// shared for the life of the process. Generated code declares one `static` per
/// distinct pattern.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// Declares a pattern; nothing is compiled until the first check.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as written in the spec.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// True when `value` matches. A pattern that does not compile matches nothing
    /// (the generator only emits patterns it has compiled successfully).
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|regex| regex.is_match(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ID: Pattern = Pattern::new("^[0-9a-z]+$");

    #[test]
    fn checks_values() {
        assert!(ID.is_match("usdjpdql3f90seqk13rwuo7z"));
        assert!(!ID.is_match("ABC"));
        assert!(!ID.is_match("../x"));
        assert!(!ID.is_match(""));
    }
}
