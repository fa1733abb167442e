//! Encoding and decoding helpers for generated tagged unions.
//!
//! A generated union tagged by a property (`type`, `petType`, …) decodes by reading the
//! tag, then decoding the whole object as that variant's type; a tag it does not know
//! becomes the `Unknown(serde_json::Value)` variant, so nothing the server sent is lost
//! and re-encoding gives the same JSON back.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// The string value of property `tag`, if the value is an object that has one.
pub fn tag_of<'v>(value: &'v Value, tag: &str) -> Option<&'v str> {
    value.get(tag).and_then(Value::as_str)
}

/// Decodes `value` as the variant tagged `variant`; errors name the variant.
pub fn decode_variant<T: DeserializeOwned, E: serde::de::Error>(value: Value, variant: &str) -> Result<T, E> {
    serde_json::from_value(value).map_err(|err| E::custom(format!("in variant `{variant}`: {err}")))
}

/// Encodes a variant whose payload does not itself carry the tag: the payload's
/// object with `tag: value` added.
pub fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    let encoded = serde_json::to_value(payload).map_err(S::Error::custom)?;
    let mut object = serde_json::Map::new();
    object.insert(tag.to_owned(), Value::String(value.to_owned()));
    match encoded {
        Value::Object(members) => object.extend(members),
        Value::Null => {}
        other => return Err(S::Error::custom(format!("variant `{value}` is not an object: {other}"))),
    }
    object.serialize(serializer)
}

/// Encodes a variant that has no fields besides its tag: `{tag: value}`.
pub fn serialize_tag_only<S: Serializer>(serializer: S, tag: &str, value: &str) -> Result<S::Ok, S::Error> {
    let mut object = serde_json::Map::new();
    object.insert(tag.to_owned(), Value::String(value.to_owned()));
    object.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Cat {
        name: String,
    }

    #[test]
    fn adds_the_tag_and_decodes_back() {
        let encoded = serialize_tagged(
            serde_json::value::Serializer,
            "petType",
            "cat",
            &Cat { name: "Tom".into() },
        )
        .expect("encodes");
        assert_eq!(encoded, json!({"petType": "cat", "name": "Tom"}));
        assert_eq!(tag_of(&encoded, "petType"), Some("cat"));
        let cat: Cat = decode_variant::<_, serde_json::Error>(encoded, "cat").expect("decodes");
        assert_eq!(cat, Cat { name: "Tom".into() });
        let err = decode_variant::<Cat, serde_json::Error>(json!({"petType": "cat"}), "cat").unwrap_err();
        assert!(err.to_string().contains("variant `cat`"), "{err}");
    }
}
