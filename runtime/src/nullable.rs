//! Three-state request fields: absent, explicit `null`, or a value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that may be JSON `null`.
///
/// Used as `Option<Nullable<T>>` for fields that are both optional and nullable, so a
/// caller can say all three things an API distinguishes:
/// `None` (leave the field out), `Some(Nullable::Null)` (send `null`, e.g. to clear
/// or unassign) and `Some(Nullable::Value(v))` (send `v`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// JSON `null`.
    Null,
    /// A present value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Returns the value, or `None` when it is `null`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// Converts into an `Option`, mapping `null` to `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }

    /// True when this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            None => Nullable::Null,
            Some(value) => Nullable::Value(value),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Null => serializer.serialize_none(),
            Nullable::Value(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// `deserialize_with` helper for `Option<Nullable<T>>` fields: a key that is present
/// (even with `null`) becomes `Some(..)`; pair it with `#[serde(default)]` so a missing
/// key stays `None`.
pub fn deserialize_present<'de, D, T>(deserializer: D) -> Result<Option<Nullable<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Nullable::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "deserialize_present"
        )]
        assignee_id: Option<Nullable<String>>,
    }

    #[test]
    fn three_states_round_trip() {
        let cases = [
            (Patch { assignee_id: None }, "{}"),
            (
                Patch {
                    assignee_id: Some(Nullable::Null),
                },
                r#"{"assignee_id":null}"#,
            ),
            (
                Patch {
                    assignee_id: Some(Nullable::Value("m1".into())),
                },
                r#"{"assignee_id":"m1"}"#,
            ),
        ];
        for (value, json) in cases {
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            assert_eq!(serde_json::from_str::<Patch>(json).unwrap(), value);
        }
    }
}
