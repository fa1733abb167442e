//! [`Undeclared`]: the members of a JSON object that its schema does not declare.
//!
//! Specs lag behind their servers: a response often carries members the spec does not
//! list yet. Generated structs keep them in a field `undeclared` instead of dropping
//! them, so nothing the server sent is lost, the caller can read them, and encoding the
//! struct again writes them back (after the declared members, in the order received).
//! An empty set costs one pointer per struct and no allocation.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;

thread_local! {
    /// Set while [`without_undeclared`] runs.
    static OMITTED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `encode` with undeclared members left out of every generated struct's
/// encoding. Choosing the variant of an untagged union scores how much of a payload
/// each candidate's *declared* members account for (`unions::Untagged`); undeclared
/// members, which every candidate keeps, must not count.
pub fn without_undeclared<R>(encode: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            OMITTED.with(|omitted| omitted.set(self.0));
        }
    }
    let _restore = Restore(OMITTED.with(|omitted| omitted.replace(true)));
    encode()
}

/// Members of a JSON object that its schema does not declare, in the order received.
#[derive(Clone, Default)]
pub struct Undeclared(Option<Box<Map<String, Value>>>);

impl Undeclared {
    /// No members.
    pub fn new() -> Self {
        Self(None)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// The member called `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref().and_then(|map| map.get(key))
    }

    /// Every member, in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|map| map.iter())
    }

    /// Adds (or replaces) a member, e.g. to send one the spec does not list; returns
    /// the value it replaced.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0.get_or_insert_with(Default::default).insert(key.into(), value)
    }

    /// Removes a member.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.as_mut().and_then(|map| map.remove(key))
    }

    /// The members a generated `Serialize` writes: all of them, except inside
    /// [`without_undeclared`].
    #[doc(hidden)]
    pub fn to_encode(&self) -> impl Iterator<Item = (&String, &Value)> {
        let omitted = OMITTED.with(Cell::get);
        self.iter().filter(move |_| !omitted)
    }

    /// The members as a JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

impl PartialEq for Undeclared {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => a == b,
            _ => self.is_empty() && other.is_empty(),
        }
    }
}

impl fmt::Debug for Undeclared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<Map<String, Value>> for Undeclared {
    fn from(map: Map<String, Value>) -> Self {
        Self((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl Serialize for Undeclared {
    /// As a JSON object.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Undeclared {
    /// From a JSON object.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = Undeclared;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Undeclared, A::Error> {
                let mut out = Undeclared::new();
                while let Some((key, value)) = access.next_entry::<String, Value>()? {
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_members_in_order_and_compares_empty_as_equal() {
        let mut members = Undeclared::new();
        assert!(members.is_empty());
        assert_eq!(members, Undeclared::from(Map::new()));
        members.insert("b", json!(1));
        members.insert("a", json!({"deep": [true]}));
        assert_eq!(members.len(), 2);
        assert_eq!(members.get("a"), Some(&json!({"deep": [true]})));
        assert_eq!(
            members.iter().map(|(key, _)| key.as_str()).collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(
            serde_json::to_value(&members).unwrap(),
            json!({"b": 1, "a": {"deep": [true]}})
        );
        assert_eq!(
            format!("{members:?}"),
            r#"{"b": Number(1), "a": Object {"deep": Array [Bool(true)]}}"#
        );
        assert_eq!(members.remove("b"), Some(json!(1)));
        members.remove("a");
        assert_eq!(members, Undeclared::new());
        let mut kept = Undeclared::new();
        kept.insert("k", json!(1));
        assert_eq!(without_undeclared(|| kept.to_encode().count()), 0);
        assert_eq!(kept.to_encode().count(), 1);
        let decoded: Undeclared = serde_json::from_value(json!({"x": null})).unwrap();
        assert_eq!(decoded.into_map(), json!({"x": null}).as_object().cloned().unwrap());
    }
}
