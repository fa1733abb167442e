//! Where each part of a converted document came from: pointer prefixes in the
//! converted (3.0) document mapped back to the Swagger 2.0 document, so diagnostics
//! raised by later stages name positions in the file the user wrote.

use std::collections::BTreeMap;

/// Converted-document pointer prefixes → original-document pointer prefixes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointerMap {
    prefixes: BTreeMap<String, String>,
}

impl PointerMap {
    /// Records that `converted` (and everything under it) came from `original`.
    pub fn insert(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        self.prefixes.insert(converted.into(), original.into());
    }

    /// The pointer in the original document for `pointer` in the converted one: the
    /// longest recorded prefix is replaced, the rest is kept; unrecorded pointers are
    /// the same in both documents.
    pub fn original(&self, pointer: &str) -> String {
        let mut prefix = pointer;
        loop {
            if let Some(original) = self.prefixes.get(prefix) {
                return format!("{original}{}", &pointer[prefix.len()..]);
            }
            match prefix.rfind('/') {
                Some(at) => prefix = &prefix[..at],
                None => return pointer.to_owned(),
            }
        }
    }

    /// Number of recorded prefixes.
    pub fn len(&self) -> usize {
        self.prefixes.len()
    }

    /// Whether nothing is recorded (the document was not converted).
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_the_rest_is_kept() {
        let mut map = PointerMap::default();
        map.insert("/components/schemas", "/definitions");
        map.insert("/paths/~1a/get/parameters/0", "/paths/~1a/parameters/1");
        map.insert("/paths/~1a/get/parameters/0/schema", "/paths/~1a/parameters/1");
        assert_eq!(
            map.original("/components/schemas/Pet/properties/id"),
            "/definitions/Pet/properties/id"
        );
        assert_eq!(
            map.original("/paths/~1a/get/parameters/0/schema/items"),
            "/paths/~1a/parameters/1/items"
        );
        assert_eq!(map.original("/paths/~1a/get/parameters/0"), "/paths/~1a/parameters/1");
        assert_eq!(
            map.original("/paths/~1a/get/parameters/01"),
            "/paths/~1a/get/parameters/01"
        );
        assert_eq!(map.original("/info"), "/info");
        assert_eq!(map.original(""), "");
    }
}
