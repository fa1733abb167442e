//! OpenAPI Overlay Specification 1.0: documents of `actions` (a JSONPath `target` plus
//! an `update` to merge or `remove: true`) applied to a spec before normalisation, so a
//! vendor's spec can be corrected without editing the vendor's file.
//!
//! Targets are RFC 9535 JSONPath expressions, evaluated by `serde_json_path`. Merging
//! follows the specification: an `update` object is merged into each target object
//! (nested objects merged recursively, any other value replaced); when the target is an
//! array, the update value is appended to it. An action whose target selects nothing
//! is an error, because a silently skipped fix is worse than a loud one. `extends` is
//! informational here: the overlay applies to whatever spec it is given.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;
use std::cmp::Reverse;

/// A parsed overlay document.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// Where it came from (a file name), used in error messages.
    pub source: String,
    /// `info.title`, when present.
    pub title: Option<String>,
    actions: Vec<Action>,
}

/// One action. The target is kept as text (validated when the overlay is read, parsed
/// again when applied) so an `Overlay`, and `Settings` holding it, stay plain data
/// (`UnwindSafe`, `PartialEq`); parsing a path costs microseconds.
#[derive(Debug, Clone, PartialEq)]
struct Action {
    target_text: String,
    change: Change,
}

#[derive(Debug, Clone, PartialEq)]
enum Change {
    Update(Value),
    Remove,
}

/// Why an overlay could not be read or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverlayError {
    /// The overlay text is not YAML/JSON, or not an Overlay 1.x document.
    #[error("overlay {overlay}: {message}")]
    Invalid {
        /// The overlay's source (file name).
        overlay: String,
        /// What is wrong.
        message: String,
    },
    /// An action's target is not valid JSONPath.
    #[error("overlay {overlay}: action {index} (`/actions/{index}`): target {target:?} is not valid JSONPath (RFC 9535): {message}")]
    BadTarget {
        /// The overlay's source (file name).
        overlay: String,
        /// Zero-based index of the action in `actions`.
        index: usize,
        /// The target expression.
        target: String,
        /// The JSONPath parser's message.
        message: String,
    },
    /// An action's target selects nothing in the spec.
    #[error("overlay {overlay}: action {index} (`/actions/{index}`): target {target:?} matches nothing in the spec")]
    NoMatch {
        /// The overlay's source (file name).
        overlay: String,
        /// Zero-based index of the action in `actions`.
        index: usize,
        /// The target expression.
        target: String,
    },
    /// An action selected something it cannot change (a scalar to update, the root to remove).
    #[error(
        "overlay {overlay}: action {index} (`/actions/{index}`): target {target:?} selects {pointer:?}: {message}"
    )]
    CannotApply {
        /// The overlay's source (file name).
        overlay: String,
        /// Zero-based index of the action in `actions`.
        index: usize,
        /// The target expression.
        target: String,
        /// JSON pointer of the selected node.
        pointer: String,
        /// Why it cannot be changed.
        message: String,
    },
}

impl Overlay {
    /// Parses overlay text (YAML or JSON, by `source`'s extension as for specs).
    pub fn parse(text: &str, source: &str) -> Result<Self, OverlayError> {
        let invalid = |message: String| OverlayError::Invalid {
            overlay: source.to_owned(),
            message,
        };
        let value = crate::load::load(text, source).map_err(|err| invalid(err.to_string()))?;
        Self::from_value(&value, source)
    }

    /// Reads an overlay from an already loaded document.
    pub fn from_value(value: &Value, source: &str) -> Result<Self, OverlayError> {
        let invalid = |message: &str| OverlayError::Invalid {
            overlay: source.to_owned(),
            message: message.to_owned(),
        };
        let version = value
            .get("overlay")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("missing `overlay` version field; not an OpenAPI Overlay document"))?;
        if !version.starts_with("1.") {
            return Err(invalid(&format!(
                "unsupported overlay version {version:?}; expected 1.x"
            )));
        }
        let title = value.pointer("/info/title").and_then(Value::as_str).map(str::to_owned);
        let list = value
            .get("actions")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("`actions` must be a list"))?;
        let mut actions = Vec::with_capacity(list.len());
        for (index, action) in list.iter().enumerate() {
            let bad = |message: &str| OverlayError::Invalid {
                overlay: source.to_owned(),
                message: format!("action {index} (`/actions/{index}`): {message}"),
            };
            let target_text = action
                .get("target")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("`target` (a JSONPath string) is required"))?
                .to_owned();
            parse_target(&target_text, source, index)?;
            let change = match (action.get("remove"), action.get("update")) {
                (Some(Value::Bool(true)), _) => Change::Remove,
                (Some(Value::Bool(false)) | None, Some(update)) => Change::Update(update.clone()),
                (Some(Value::Bool(false)) | None, None) => return Err(bad("has neither `update` nor `remove: true`")),
                (Some(_), _) => return Err(bad("`remove` must be a boolean")),
            };
            actions.push(Action { target_text, change });
        }
        Ok(Self {
            source: source.to_owned(),
            title,
            actions,
        })
    }

    /// Number of actions.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether the overlay has no actions.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Applies every action, in order, to `document`. On error the document may hold
    /// the effect of the actions before the failing one.
    pub fn apply(&self, document: &mut Value) -> Result<(), OverlayError> {
        for (index, action) in self.actions.iter().enumerate() {
            let target = parse_target(&action.target_text, &self.source, index)?;
            let pointers: Vec<String> = target
                .query_located(document)
                .locations()
                .map(|location| location.to_json_pointer())
                .collect();
            if pointers.is_empty() {
                return Err(OverlayError::NoMatch {
                    overlay: self.source.clone(),
                    index,
                    target: action.target_text.clone(),
                });
            }
            let fail = |pointer: &str, message: &str| OverlayError::CannotApply {
                overlay: self.source.clone(),
                index,
                target: action.target_text.clone(),
                pointer: pointer.to_owned(),
                message: message.to_owned(),
            };
            match &action.change {
                Change::Update(update) => {
                    for pointer in &pointers {
                        let node = document
                            .pointer_mut(pointer)
                            .ok_or_else(|| fail(pointer, "the node disappeared"))?;
                        update_node(node, update).map_err(|message| fail(pointer, message))?;
                    }
                }
                Change::Remove => {
                    remove_all(document, pointers).map_err(|(pointer, message)| fail(&pointer, message))?
                }
            }
        }
        Ok(())
    }
}

fn parse_target(target: &str, source: &str, index: usize) -> Result<JsonPath, OverlayError> {
    JsonPath::parse(target).map_err(|err| OverlayError::BadTarget {
        overlay: source.to_owned(),
        index,
        target: target.to_owned(),
        message: err.to_string(),
    })
}

/// Applies every overlay in order.
pub fn apply(document: &mut Value, overlays: &[Overlay]) -> Result<(), OverlayError> {
    overlays.iter().try_for_each(|overlay| overlay.apply(document))
}

fn update_node(node: &mut Value, update: &Value) -> Result<(), &'static str> {
    match (node, update) {
        (Value::Object(target), Value::Object(update)) => {
            merge(target, update);
            Ok(())
        }
        (Value::Array(items), update) => {
            items.push(update.clone());
            Ok(())
        }
        (Value::Object(_), _) => Err("an object can only be updated with an object"),
        _ => Err("a scalar cannot be updated; target its parent object instead"),
    }
}

/// Deep merge: objects merge key by key, anything else is replaced.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(nested)) => merge(existing, nested),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// One token of a JSON pointer, array indices compared as numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Index(usize),
    Key(String),
}

fn tokens(pointer: &str) -> Vec<Token> {
    pointer
        .split('/')
        .skip(1)
        .map(|raw| {
            let key = raw.replace("~1", "/").replace("~0", "~");
            key.parse().map(Token::Index).unwrap_or(Token::Key(key))
        })
        .collect()
}

/// Removes every selected node. Deepest and highest-index first, so removing one
/// array element never shifts another selected one.
fn remove_all(document: &mut Value, pointers: Vec<String>) -> Result<(), (String, &'static str)> {
    let mut located: Vec<(Vec<Token>, String)> = pointers.into_iter().map(|p| (tokens(&p), p)).collect();
    located.sort_by(|a, b| Reverse(&a.0).cmp(&Reverse(&b.0)));
    located.dedup_by(|a, b| a.1 == b.1);
    for (path, pointer) in located {
        let Some(last) = path.last() else {
            return Err((pointer, "the document root cannot be removed"));
        };
        let parent_pointer = &pointer[..pointer.rfind('/').unwrap_or(0)];
        match (document.pointer_mut(parent_pointer), last) {
            (Some(Value::Object(map)), Token::Key(key)) => {
                map.shift_remove(key);
            }
            (Some(Value::Object(map)), Token::Index(index)) => {
                map.shift_remove(&index.to_string());
            }
            (Some(Value::Array(items)), Token::Index(index)) if *index < items.len() => {
                items.remove(*index);
            }
            // A node whose ancestor was removed earlier in this action is already gone.
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(yaml: &str) -> Overlay {
        Overlay::parse(yaml, "test.yaml").unwrap()
    }

    #[test]
    fn update_merges_deeply_and_remove_deletes() {
        let mut doc = json!({"info": {"title": "t", "x": {"a": 1, "b": 2}}, "tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
        overlay(
            "overlay: 1.0.0\ninfo: {title: fix, version: 1}\nactions:\n\
             - target: $.info\n  update: {x: {b: 3, c: 4}, license: {name: MIT}}\n\
             - target: $.tags[?@.name != 'b']\n  remove: true\n\
             - target: $.tags\n  update: {name: d}\n",
        )
        .apply(&mut doc)
        .unwrap();
        assert_eq!(
            doc,
            json!({"info": {"title": "t", "x": {"a": 1, "b": 3, "c": 4}, "license": {"name": "MIT"}}, "tags": [{"name": "b"}, {"name": "d"}]})
        );
    }

    #[test]
    fn a_target_matching_nothing_names_the_action() {
        let mut doc = json!({"paths": {}});
        let err =
            overlay("overlay: 1.0.0\nactions:\n- {target: $.paths, update: {}}\n- {target: $.nope, remove: true}\n")
                .apply(&mut doc)
                .unwrap_err();
        assert_eq!(
            err,
            OverlayError::NoMatch {
                overlay: "test.yaml".into(),
                index: 1,
                target: "$.nope".into()
            }
        );
        assert!(err.to_string().contains("action 1"), "{err}");
    }

    #[test]
    fn bad_documents_and_targets_are_errors() {
        assert!(matches!(
            Overlay::parse("openapi: 3.1.0\n", "o.yaml"),
            Err(OverlayError::Invalid { .. })
        ));
        assert!(matches!(
            Overlay::parse("overlay: 1.0.0\nactions: [{target: '$[', remove: true}]\n", "o.yaml"),
            Err(OverlayError::BadTarget { index: 0, .. })
        ));
        assert!(matches!(
            Overlay::parse("overlay: 1.0.0\nactions: [{target: '$.a'}]\n", "o.yaml"),
            Err(OverlayError::Invalid { .. })
        ));
        let mut doc = json!({"a": 1});
        let err = overlay("overlay: 1.0.0\nactions: [{target: '$.a', update: {b: 1}}]\n")
            .apply(&mut doc)
            .unwrap_err();
        assert!(matches!(err, OverlayError::CannotApply { .. }), "{err}");
        let err = overlay("overlay: 1.0.0\nactions: [{target: '$', remove: true}]\n")
            .apply(&mut doc)
            .unwrap_err();
        assert!(matches!(err, OverlayError::CannotApply { .. }), "{err}");
    }

    #[test]
    fn removing_several_array_elements_keeps_indices_right() {
        let mut doc = json!({"a": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]});
        overlay("overlay: 1.0.0\nactions: [{target: '$.a[1,2,10]', remove: true}]\n")
            .apply(&mut doc)
            .unwrap();
        assert_eq!(doc, json!({"a": [0, 3, 4, 5, 6, 7, 8, 9, 11]}));
    }
}
