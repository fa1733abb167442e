//! JSON pointers (RFC 6901): building them.

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `token` to `pointer`.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reserved_characters() {
        assert_eq!(join("/paths", "/threads/{id}"), "/paths/~1threads~1{id}");
        assert_eq!(escape("a~b"), "a~0b");
    }
}
