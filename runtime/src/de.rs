//! Decoding helpers for the `Deserialize` impls generated for structs.
//!
//! `#[derive(Deserialize)]` writes, per struct, a field-identifier enum with its own
//! visitor (matching names, indices and bytes), a sequence visitor and a map visitor.
//! For JSON objects only the map visitor is ever used, so generated structs get a
//! smaller impl instead: a `visit_map` loop that asks [`next_field`] for the index of
//! each key in the struct's field list and stores values with [`value`]. The field
//! lookup, duplicate and missing-field handling live here, compiled once.
//!
//! Behaviour matches the derive for JSON, except that members the schema does not
//! declare are kept ([`next_declared`] puts them in an [`Undeclared`]) where the derive
//! would skip them ([`next_field`] and [`skip`] still skip, for code generated before).
//! A duplicate member is an error, a missing required member is an error unless its type accepts
//! absence (`Option`), and error paths (through `serde_path_to_error`) name the member.

use crate::undeclared::Undeclared;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// Reads keys of a JSON object until one of `fields`, and returns its position;
/// members not in `fields` are stored in `undeclared` on the way. `None` at the end of
/// the object.
pub fn next_declared<'de, A: MapAccess<'de>>(
    map: &mut A,
    fields: &'static [&'static str],
    undeclared: &mut Undeclared,
) -> Result<Option<usize>, A::Error> {
    loop {
        match map.next_key_seed(KeySeed(fields))? {
            None => return Ok(None),
            Some(Key::Declared(index)) => return Ok(Some(index)),
            Some(Key::Undeclared(name)) => {
                let value: Value = map.next_value()?;
                undeclared.insert(name, value);
            }
        }
    }
}

/// A key of a JSON object: the position of a declared field, or an undeclared name.
enum Key {
    Declared(usize),
    Undeclared(String),
}

/// Looks a key up in a struct's field list, keeping the names it does not find.
struct KeySeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match self.0.iter().position(|field| *field == key) {
            Some(index) => Key::Declared(index),
            None => Key::Undeclared(key.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(match self.0.iter().position(|field| *field == key) {
            Some(index) => Key::Declared(index),
            None => Key::Undeclared(key),
        })
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(de::Error::invalid_value(de::Unexpected::Bytes(key), &self)),
        }
    }
}

/// Reads the next key of a JSON object and returns its position in `fields`:
/// `Some(Some(i))` for a known field, `Some(None)` for an unknown member, `None` at
/// the end of the object.
pub fn next_field<'de, A: MapAccess<'de>>(
    map: &mut A,
    fields: &'static [&'static str],
) -> Result<Option<Option<usize>>, A::Error> {
    map.next_key_seed(FieldSeed(fields))
}

/// Decodes the current member's value into `slot`; a second value for the same field
/// is a `duplicate field` error, as with the derive.
pub fn value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the current member's value (a member the schema does not declare).
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|IgnoredAny| ())
}

/// The value of a required field, or, when it was missing, what its type makes of
/// absence: `None` for an `Option`, else a `missing field` error.
pub fn required<'de, T: Deserialize<'de>, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, std::marker::PhantomData)),
    }
}

/// Looks a key up in a struct's field list.
struct FieldSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldSeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|field| *field == key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|field| field.as_bytes() == key))
    }
}

/// A deserializer standing for an absent member: `Option` reads it as `None`,
/// anything else fails with `missing field`.
struct Missing<E>(&'static str, std::marker::PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a generated impl looks like, for a struct with a required, an optional and
    /// a required-but-`Option` field.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: String,
        note: Option<String>,
        parent: Option<u32>,
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            const FIELDS: &[&str] = &["id", "note", "parent"];
            struct SampleVisitor;
            impl<'de> Visitor<'de> for SampleVisitor {
                type Value = Sample;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Sample")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sample, A::Error> {
                    let mut id: Option<String> = None;
                    let mut note: Option<Option<String>> = None;
                    let mut parent: Option<Option<u32>> = None;
                    while let Some(field) = next_field(&mut map, FIELDS)? {
                        match field {
                            Some(0) => value(&mut map, &mut id, "id")?,
                            Some(1) => value(&mut map, &mut note, "note")?,
                            Some(2) => value(&mut map, &mut parent, "parent")?,
                            _ => skip(&mut map)?,
                        }
                    }
                    Ok(Sample {
                        id: required(id, "id")?,
                        note: note.unwrap_or_default(),
                        parent: required(parent, "parent")?,
                    })
                }
            }
            deserializer.deserialize_struct("Sample", FIELDS, SampleVisitor)
        }
    }

    fn decode(text: &str) -> Result<Sample, String> {
        serde_json::from_str(text).map_err(|err| err.to_string())
    }

    #[test]
    fn members_decode_by_name_and_unknown_ones_are_skipped() {
        let sample = decode(r#"{"extra": {"deep": [1, 2]}, "note": null, "id": "a\"b", "parent": 7}"#);
        let expected = Sample {
            id: "a\"b".into(),
            note: None,
            parent: Some(7),
        };
        assert_eq!(sample, Ok(expected));
        let from_value = Sample::deserialize(serde_json::json!({"id": "x", "note": "n"}));
        let expected = Sample {
            id: "x".into(),
            note: Some("n".into()),
            parent: None,
        };
        assert_eq!(from_value.map_err(|err| err.to_string()), Ok(expected));
    }

    /// The same struct, keeping undeclared members as generated impls do.
    #[derive(Debug, PartialEq)]
    struct Kept {
        id: String,
        undeclared: Undeclared,
    }

    impl<'de> Deserialize<'de> for Kept {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            const FIELDS: &[&str] = &["id"];
            struct KeptVisitor;
            impl<'de> Visitor<'de> for KeptVisitor {
                type Value = Kept;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Kept")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kept, A::Error> {
                    let mut id: Option<String> = None;
                    let mut undeclared = Undeclared::new();
                    while let Some(index) = next_declared(&mut map, FIELDS, &mut undeclared)? {
                        if index == 0 {
                            value(&mut map, &mut id, "id")?;
                        }
                    }
                    Ok(Kept {
                        id: required(id, "id")?,
                        undeclared,
                    })
                }
            }
            deserializer.deserialize_struct("Kept", FIELDS, KeptVisitor)
        }
    }

    #[test]
    fn undeclared_members_are_kept_in_order_from_text_and_values() {
        let text = r#"{"z": 1, "id": "a", "extra": {"deep": [1, 2]}, "\u0061b": null}"#;
        let kept: Kept = serde_json::from_str(text).expect("decodes");
        assert_eq!(kept.id, "a");
        let names: Vec<&str> = kept.undeclared.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(names, ["z", "extra", "ab"]);
        assert_eq!(kept.undeclared.get("extra"), Some(&serde_json::json!({"deep": [1, 2]})));
        let from_value = Kept::deserialize(serde_json::json!({"id": "x", "more": true})).expect("decodes");
        assert_eq!(from_value.undeclared.get("more"), Some(&serde_json::json!(true)));
        let mut deserializer = serde_json::Deserializer::from_str(r#"{"id": 5, "other": 1}"#);
        let error = serde_path_to_error::deserialize::<_, Kept>(&mut deserializer).err();
        assert_eq!(error.map(|err| err.path().to_string()), Some("id".into()));
    }

    #[test]
    fn missing_duplicate_and_mistyped_members_are_errors() {
        assert_eq!(
            decode(r#"{"note": "n"}"#),
            Err("missing field `id` at line 1 column 13".into())
        );
        assert!(decode(r#"{"id": "a", "id": "b"}"#).is_err_and(|err| err.starts_with("duplicate field `id`")));
        assert!(decode(r#"{"id": 5}"#).is_err_and(|err| err.starts_with("invalid type: integer `5`")));
        assert!(decode(r#"["a"]"#).is_err_and(|err| err.contains("expected struct Sample")));
    }

    #[test]
    fn error_paths_name_the_member() {
        let mut deserializer = serde_json::Deserializer::from_str(r#"{"id": "a", "parent": "seven"}"#);
        let error = serde_path_to_error::deserialize::<_, Sample>(&mut deserializer).err();
        assert_eq!(error.map(|err| err.path().to_string()), Some("parent".into()));
    }
}
