//! Query strings in the OpenAPI styles: `form` (exploded or not), `spaceDelimited`,
//! `pipeDelimited` and `deepObject` (bracket notation, arrays indexed).
//!
//! Values go through `serde_json::Value`, so any serializable parameter type works.
//! `null` and absent values are skipped. Keys and values are percent-encoded like
//! JavaScript's `encodeURIComponent` (space is `%20`), except that `[` and `]` stay
//! literal in keys. Pairs keep the order in which they were added (the spec's order).

use crate::error::Error;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;
use serde_json::Value;

/// What `encodeURIComponent` leaves alone.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Same as [`COMPONENT`], with brackets kept for readable deepObject keys.
const KEY: &AsciiSet = &COMPONENT.remove(b'[').remove(b']');

/// How a query parameter is serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `form`; `explode` repeats the key per array item / object member.
    Form {
        /// Whether arrays repeat the key (`true`) or join with commas (`false`).
        explode: bool,
    },
    /// `spaceDelimited` arrays.
    SpaceDelimited,
    /// `pipeDelimited` arrays.
    PipeDelimited,
    /// `deepObject`: `name[key][sub]=v`, arrays as `name[key][0]=v`.
    DeepObject,
}

/// Accumulates `key=value` pairs (values stored already percent-encoded).
#[derive(Debug, Default, Clone)]
pub struct QueryString {
    pairs: Vec<(String, String)>,
}

impl QueryString {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds parameter `name` with `value` in `style`; `None`/`null` adds nothing.
    pub fn push<T: Serialize + ?Sized, E>(&mut self, name: &str, value: &T, style: Style) -> Result<(), Error<E>> {
        let value = serde_json::to_value(value)
            .map_err(|err| Error::invalid_argument_owned(name.to_owned(), format!("cannot be encoded: {err}")))?;
        match style {
            Style::DeepObject => self.push_deep(name.to_owned(), &value),
            Style::Form { explode } => self.push_form(name, &value, explode, ","),
            Style::SpaceDelimited => self.push_form(name, &value, false, "%20"),
            Style::PipeDelimited => self.push_form(name, &value, false, "|"),
        }
        Ok(())
    }

    /// Adds `name=value` with `value` percent-encoded.
    fn push_pair(&mut self, name: &str, value: &str) {
        self.pairs.push((name.to_owned(), encode_value(value)));
    }

    /// `separator` is already in its encoded form: values are encoded one by one and
    /// joined with a literal delimiter, so a delimiter inside a value stays distinct.
    fn push_form(&mut self, name: &str, value: &Value, explode: bool, separator: &str) {
        match value {
            Value::Null => {}
            Value::Array(items) if explode => {
                for item in items {
                    self.push_form(name, item, explode, separator);
                }
            }
            Value::Array(items) => {
                let joined: Vec<String> = items
                    .iter()
                    .filter_map(scalar)
                    .map(|text| encode_value(&text))
                    .collect();
                self.pairs.push((name.to_owned(), joined.join(separator)));
            }
            Value::Object(members) if explode => {
                for (key, member) in members {
                    if let Some(text) = scalar(member) {
                        self.push_pair(key, &text);
                    }
                }
            }
            Value::Object(members) => {
                let joined: Vec<String> = members
                    .iter()
                    .filter_map(|(key, member)| {
                        scalar(member).map(|text| format!("{},{}", encode_value(key), encode_value(&text)))
                    })
                    .collect();
                self.pairs.push((name.to_owned(), joined.join(",")));
            }
            scalar_value => {
                if let Some(text) = scalar(scalar_value) {
                    self.push_pair(name, &text);
                }
            }
        }
    }

    fn push_deep(&mut self, key: String, value: &Value) {
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.push_deep(format!("{key}[{index}]"), item);
                }
            }
            Value::Object(members) => {
                for (member_key, member) in members {
                    self.push_deep(format!("{key}[{member_key}]"), member);
                }
            }
            scalar_value => {
                if let Some(text) = scalar(scalar_value) {
                    self.pairs.push((key, encode_value(&text)));
                }
            }
        }
    }

    /// True when no pair was added.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The encoded query without a leading `?`.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (index, (key, value)) in self.pairs.iter().enumerate() {
            if index > 0 {
                out.push('&');
            }
            out.extend(utf8_percent_encode(key, KEY));
            out.push('=');
            out.push_str(value);
        }
        out
    }
}

fn encode_value(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(name: &str, value: Value, style: Style) -> String {
        let mut query = QueryString::new();
        query.push::<_, ()>(name, &value, style).unwrap();
        query.encode()
    }

    #[test]
    fn deep_object_nests_and_indexes() {
        let filters = json!({"tags": {"selectedIds": ["a1", "b2"], "noTags": true}, "sortOrder": "asc"});
        assert_eq!(
            encode("filters", filters, Style::DeepObject),
            "filters[tags][selectedIds][0]=a1&filters[tags][selectedIds][1]=b2&filters[tags][noTags]=true&filters[sortOrder]=asc"
        );
    }

    #[test]
    fn form_styles() {
        let ids = json!(["a", "b c"]);
        assert_eq!(
            encode("ids", ids.clone(), Style::Form { explode: true }),
            "ids=a&ids=b%20c"
        );
        assert_eq!(
            encode("ids", ids.clone(), Style::Form { explode: false }),
            "ids=a,b%20c"
        );
        assert_eq!(encode("ids", ids.clone(), Style::PipeDelimited), "ids=a|b%20c");
        assert_eq!(encode("ids", ids, Style::SpaceDelimited), "ids=a%20b%20c");
        // A delimiter inside a value is encoded, so it cannot be confused with one between values.
        assert_eq!(
            encode("tags", json!(["a,b"]), Style::Form { explode: false }),
            "tags=a%2Cb"
        );
        assert_eq!(
            encode("tags", json!(["a", "b"]), Style::Form { explode: false }),
            "tags=a,b"
        );
        assert_eq!(encode("limit", json!(20), Style::Form { explode: true }), "limit=20");
        assert_eq!(encode("limit", Value::Null, Style::Form { explode: true }), "");
    }
}
