//! What the 3.0 parser (`openapiv3`) drops but the model needs, read from the
//! normalised JSON: operations of other methods (3.2 `query` and
//! `additionalOperations`), `itemSchema`s of sequential media types (3.2, also written
//! by the Swagger 2.0 conversion) and the document's tags with their 3.2 `parent` and
//! `kind`.

use crate::diagnostics::Diagnostic;
use crate::ir::Tag;
use crate::pointer::join;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;
use std::collections::BTreeMap;

/// One operation of a method the 3.0 path item has no field for.
#[derive(Debug, Clone)]
pub struct ExtraOperation {
    /// Method, upper case (`QUERY`, `COPY`).
    pub method: String,
    /// JSON pointer to the operation.
    pub pointer: String,
    /// The operation.
    pub operation: openapiv3::Operation,
}

/// Everything [`read`] found.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// By path template, in document order within each path.
    pub operations: BTreeMap<String, Vec<ExtraOperation>>,
    /// `itemSchema` by the pointer of its media type object.
    pub item_schemas: BTreeMap<String, ReferenceOr<Schema>>,
    /// The document's `tags`, in order.
    pub tags: Vec<Tag>,
    /// Operations of other methods found but not usable (each reported).
    pub skipped: usize,
}

/// Methods a path item names directly (3.2 forbids them in `additionalOperations`).
const FIXED_METHODS: &[&str] = &[
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "QUERY",
];

/// Reads the extras of `document`, reporting what cannot be used.
pub fn read(document: &Value, diagnostics: &mut Vec<Diagnostic>) -> Extras {
    let mut extras = Extras::default();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            let item_pointer = join("/paths", path);
            let mut found = Vec::new();
            if let Some(operation) = item.get("query") {
                found.push(("QUERY".to_owned(), join(&item_pointer, "query"), operation));
            }
            if let Some(Value::Object(others)) = item.get("additionalOperations") {
                let base = join(&item_pointer, "additionalOperations");
                for (method, operation) in others {
                    let at = join(&base, method);
                    let upper = method.to_ascii_uppercase();
                    if FIXED_METHODS.contains(&upper.as_str()) {
                        extras.skipped += 1;
                        diagnostics.push(Diagnostic::new(
                            at,
                            format!("{method:?} has its own path item field and may not be an additional operation; not generated"),
                        ));
                    } else if method.is_empty()
                        || !method
                            .bytes()
                            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
                    {
                        extras.skipped += 1;
                        diagnostics.push(Diagnostic::new(
                            at,
                            format!("{method:?} is not an HTTP method name; not generated"),
                        ));
                    } else {
                        found.push((upper, at, operation));
                    }
                }
            }
            for (method, pointer, operation) in found {
                match serde_json::from_value::<openapiv3::Operation>(operation.clone()) {
                    Ok(operation) => extras.operations.entry(path.clone()).or_default().push(ExtraOperation {
                        method,
                        pointer,
                        operation,
                    }),
                    Err(err) => {
                        extras.skipped += 1;
                        diagnostics.push(Diagnostic::new(pointer, format!("operation not generated: {err}")));
                    }
                }
            }
        }
    }
    collect_item_schemas(document, "", &mut extras.item_schemas, diagnostics);
    extras.tags = tags(document, diagnostics);
    extras
}

/// Every `content.<media>.itemSchema`, outside example data and extensions.
fn collect_item_schemas(
    value: &Value,
    pointer: &str,
    found: &mut BTreeMap<String, ReferenceOr<Schema>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key.starts_with("x-")
                    || matches!(key.as_str(), "example" | "examples" | "default" | "enum" | "schema")
                {
                    continue;
                }
                let at = join(pointer, key);
                if key == "content" {
                    if let Value::Object(media) = child {
                        for (media_type, object) in media {
                            let media_at = join(&at, media_type);
                            if let Some(schema) = object.get("itemSchema") {
                                match serde_json::from_value(schema.clone()) {
                                    Ok(schema) => {
                                        found.insert(media_at, schema);
                                    }
                                    Err(err) => diagnostics.push(Diagnostic::new(
                                        join(&media_at, "itemSchema"),
                                        format!("itemSchema not read ({err}); items are not typed"),
                                    )),
                                }
                            }
                        }
                    }
                }
                collect_item_schemas(child, &at, found, diagnostics);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_item_schemas(item, &format!("{pointer}/{index}"), found, diagnostics);
            }
        }
        _ => {}
    }
}

/// The document's tags; a `parent` naming no tag, or a parent chain that loops, is
/// reported and dropped.
fn tags(document: &Value, diagnostics: &mut Vec<Diagnostic>) -> Vec<Tag> {
    let Some(Value::Array(entries)) = document.get("tags") else {
        return Vec::new();
    };
    let text = |entry: &Value, key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut tags: Vec<Tag> = entries
        .iter()
        .filter_map(|entry| {
            Some(Tag {
                name: text(entry, "name")?,
                summary: text(entry, "summary"),
                parent: text(entry, "parent"),
                kind: text(entry, "kind"),
            })
        })
        .collect();
    let names: Vec<String> = tags.iter().map(|tag| tag.name.clone()).collect();
    let parent_of = |name: &str, tags: &[Tag]| {
        tags.iter()
            .find(|tag| tag.name == name)
            .and_then(|tag| tag.parent.clone())
    };
    for index in 0..tags.len() {
        let Some(parent) = tags[index].parent.clone() else {
            continue;
        };
        let at = format!("/tags/{index}/parent");
        if !names.contains(&parent) {
            diagnostics.push(Diagnostic::new(
                at,
                format!("parent tag {parent:?} is not declared; ignored"),
            ));
            tags[index].parent = None;
            continue;
        }
        // Follow the chain: it must end without coming back to this tag.
        let mut current = Some(parent);
        let mut steps = 0;
        while let Some(name) = current {
            if name == tags[index].name || steps > tags.len() {
                diagnostics.push(Diagnostic::new(
                    at.clone(),
                    format!("tag {:?} is its own ancestor; its parent is ignored", tags[index].name),
                ));
                tags[index].parent = None;
                break;
            }
            current = parent_of(&name, &tags);
            steps += 1;
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_operations_item_schemas_and_tags_are_read() {
        let document = json!({
            "paths": {"/search": {
                "query": {"responses": {"200": {"description": "ok", "content": {"application/jsonl": {"itemSchema": {"type": "string"}}}}}},
                "additionalOperations": {"COPY": {"responses": {}}, "GET": {"responses": {}}, "BAD METHOD": {"responses": {}}}
            }},
            "tags": [{"name": "a"}, {"name": "b", "parent": "a", "kind": "nav"}, {"name": "c", "parent": "missing"},
                {"name": "d", "parent": "e"}, {"name": "e", "parent": "d"}]
        });
        let mut diagnostics = Vec::new();
        let extras = read(&document, &mut diagnostics);
        let methods: Vec<&str> = extras.operations["/search"]
            .iter()
            .map(|op| op.method.as_str())
            .collect();
        assert_eq!(methods, ["QUERY", "COPY"]);
        assert_eq!(extras.skipped, 2);
        assert_eq!(
            extras.operations["/search"][1].pointer,
            "/paths/~1search/additionalOperations/COPY"
        );
        assert!(extras
            .item_schemas
            .contains_key("/paths/~1search/query/responses/200/content/application~1jsonl"));
        assert_eq!(extras.tags[1].parent.as_deref(), Some("a"));
        assert_eq!(extras.tags[1].kind.as_deref(), Some("nav"));
        assert_eq!(extras.tags[2].parent, None);
        assert_eq!(extras.tags[3].parent, None, "the loop is broken at its first tag");
        assert_eq!(extras.tags[4].parent.as_deref(), Some("d"));
        let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1search/additionalOperations/GET",
                "/paths/~1search/additionalOperations/BAD METHOD",
                "/tags/2/parent",
                "/tags/3/parent"
            ]
        );
    }
}
