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

/// Chooses the variant of an untagged union that accounts for most of a payload.
pub struct Untagged<'v, T> {
    value: &'v Value,
    size: usize,
    best: Option<(usize, T)>,
    first_error: Option<String>,
}

impl<'v, T> Untagged<'v, T> {
    /// Starts choosing a variant for `value`.
    pub fn new(value: &'v Value) -> Self {
        Self {
            value,
            size: size(value),
            best: None,
            first_error: None,
        }
    }

    /// Tries variant type `V` (wrapped into the union by `wrap`), unless an earlier
    /// variant already kept the whole payload.
    pub fn variant<V: DeserializeOwned + Serialize>(mut self, wrap: impl FnOnce(V) -> T) -> Self {
        if matches!(&self.best, Some((score, _)) if *score == self.size) {
            return self;
        }
        match serde_json::from_value::<V>(self.value.clone()) {
            Ok(decoded) => {
                // Only declared members count: every candidate keeps undeclared ones.
                let again = crate::undeclared::without_undeclared(|| serde_json::to_value(&decoded));
                let score = again.map_or(0, |again| kept(self.value, &again));
                if self.best.as_ref().is_none_or(|(best, _)| score > *best) {
                    self.best = Some((score, wrap(decoded)));
                }
            }
            Err(err) => {
                if self.first_error.is_none() {
                    self.first_error = Some(err.to_string());
                }
            }
        }
        self
    }

    /// The chosen variant, or an error naming the union when no variant accepts the payload.
    pub fn finish<E: serde::de::Error>(self, union: &str) -> Result<T, E> {
        match self.best {
            Some((_, chosen)) => Ok(chosen),
            None => Err(E::custom(format!(
                "data did not match any variant of `{union}` (first variant: {})",
                self.first_error.unwrap_or_default()
            ))),
        }
    }
}

/// Members and scalar values in `value`, counted the way [`kept`] counts them.
fn size(value: &Value) -> usize {
    match value {
        Value::Object(members) => members.values().map(|member| 1 + size(member)).sum(),
        Value::Array(items) => items.iter().map(size).sum::<usize>() + 1,
        _ => 1,
    }
}

/// How much of `original` survives in `again` (the decoded variant, re-encoded):
/// each object member present counts one plus what survives of its value; equal
/// scalars count one (numbers compare by value, so `1` and `1.0` are the same).
fn kept(original: &Value, again: &Value) -> usize {
    match (original, again) {
        (Value::Object(left), Value::Object(right)) => left
            .iter()
            .map(|(key, member)| right.get(key).map_or(0, |other| 1 + kept(member, other)))
            .sum(),
        (Value::Array(left), Value::Array(right)) => {
            usize::from(left.len() == right.len())
                + left
                    .iter()
                    .zip(right)
                    .map(|(one, other)| kept(one, other))
                    .sum::<usize>()
        }
        (Value::Number(left), Value::Number(right)) => {
            usize::from(left == right || (left.as_f64().is_some() && left.as_f64() == right.as_f64()))
        }
        (left, right) => usize::from(left == right),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Short {
        id: String,
    }

    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Long {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        extra: Option<u32>,
    }

    #[derive(Debug, PartialEq)]
    enum Either {
        Short(Short),
        Long(Long),
    }

    fn choose(value: Value) -> Result<Either, serde_json::Error> {
        Untagged::new(&value)
            .variant(Either::Short)
            .variant(Either::Long)
            .finish("Either")
    }

    #[test]
    fn the_variant_that_keeps_most_of_the_payload_wins() {
        assert!(matches!(choose(json!({"id": "a", "extra": 1})), Ok(Either::Long(long)) if long.extra == Some(1)));
        // Ties (both keep everything) go to the earlier variant.
        assert!(matches!(choose(json!({"id": "a"})), Ok(Either::Short(_))));
        // Unknown members are accepted; they count against every variant alike.
        assert!(matches!(
            choose(json!({"id": "a", "extra": 2, "new": true})),
            Ok(Either::Long(_))
        ));
        let err = choose(json!({"nope": 1})).unwrap_err();
        assert!(err.to_string().contains("`Either`"), "{err}");
    }

    #[test]
    fn scores_count_nested_members_and_numbers_by_value() {
        assert_eq!(kept(&json!({"a": {"b": 1, "c": 2}}), &json!({"a": {"b": 1.0}})), 3);
        assert_eq!(size(&json!({"a": {"b": 1, "c": 2}})), 5);
        assert_eq!(kept(&json!([1, 2]), &json!([1, 3])), 2);
    }

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
