//! Typedness as a number: of the schemas in a spec that declare properties (directly,
//! or through `allOf`/`oneOf`/`anyOf` members), how many became a typed Rust type
//! (struct, enum or union, or an alias of one), and which did not.
//!
//! Measured on the normalised document (OpenAPI 3.1 forms already rewritten, so
//! pointers are the ones generated types name in their docs). Schemas visited: every
//! component schema and every schema nested in one (properties, items, additional
//! properties, union members), plus inline request, response and parameter schemas of
//! operations. A schema is counted when it declares properties itself, has an inline
//! member that does, or combines two or more members that do (`oneOf: [$ref A, $ref
//! B]`). A mere reference is not counted again (`allOf: [$ref A]`, or `anyOf: [$ref A,
//! {type: null}]` once normalised): its target is. Inline `allOf` members are not
//! counted on their own: they are merged into the schema that lists them.

use crate::manifest::TypeRecord;
use crate::pointer::escape;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The measurement for one spec.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typedness {
    /// Schemas that declare properties.
    pub declaring: usize,
    /// Of those, how many became a typed Rust type.
    pub typed: usize,
    /// The others: pointer and what was generated instead.
    pub untyped: Vec<(String, String)>,
}

/// Follows local `$ref`s (at most 16) from `value`.
fn follow<'a>(document: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let mut current = value;
    for _ in 0..16 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Some(current);
        };
        current = document.pointer(reference.strip_prefix('#')?)?;
    }
    None
}

impl Typedness {
    /// `typed / declaring` as a percentage (100 when nothing declares properties).
    pub fn share(&self) -> f64 {
        if self.declaring == 0 {
            100.0
        } else {
            self.typed as f64 * 100.0 / self.declaring as f64
        }
    }
}

/// Measures `document` against the generator's type records.
pub fn measure(document: &Value, types: &[TypeRecord]) -> Typedness {
    let records: BTreeMap<&str, &TypeRecord> = types.iter().map(|t| (t.pointer.as_str(), t)).collect();
    let mut walker = Walker {
        document,
        records,
        result: Typedness::default(),
        memo: HashMap::new(),
    };
    if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            walker.schema(schema, &format!("/components/schemas/{}", escape(name)), None, 0);
        }
    }
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else { continue };
            for (method, operation) in item {
                let at = format!("/paths/{}/{method}", escape(path));
                walker.operation(operation, &at);
            }
        }
    }
    walker.result
}

struct Walker<'a> {
    document: &'a Value,
    records: BTreeMap<&'a str, &'a TypeRecord>,
    result: Typedness,
    memo: HashMap<usize, bool>,
}

impl Walker<'_> {
    fn operation(&mut self, operation: &Value, at: &str) {
        for (index, parameter) in operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(schema) = parameter.get("schema") {
                self.schema(schema, &format!("{at}/parameters/{index}/schema"), None, 0);
            }
        }
        self.content(
            operation.pointer("/requestBody/content"),
            &format!("{at}/requestBody/content"),
        );
        for (code, response) in operation
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let pointer = format!("{at}/responses/{}", escape(code));
            self.content(response.get("content"), &format!("{pointer}/content"));
        }
    }

    fn content(&mut self, content: Option<&Value>, at: &str) {
        for (media, body) in content.and_then(Value::as_object).into_iter().flatten() {
            if let Some(schema) = body.get("schema") {
                self.schema(schema, &format!("{at}/{}/schema", escape(media)), None, 0);
            }
        }
    }

    /// Visits one schema position; `counted` is false for inline `allOf` members.
    /// `merged_into`: for an inline `allOf` member, the pointer of the schema it is
    /// merged into (its properties' types are named from there); `None` otherwise.
    fn schema(&mut self, schema: &Value, at: &str, merged_into: Option<&str>, depth: usize) {
        let counted = merged_into.is_none();
        if depth > 64 || schema.get("$ref").is_some() || !schema.is_object() {
            return;
        }
        if counted && is_counted(self.document, schema, &mut self.memo) {
            self.result.declaring += 1;
            match self.records.get(at) {
                Some(record) if record.shape.is_typed() => self.result.typed += 1,
                Some(record) => self
                    .result
                    .untyped
                    .push((at.to_owned(), format!("`{}` is free-form JSON", record.name))),
                None => self
                    .result
                    .untyped
                    .push((at.to_owned(), "no named type was generated for it".to_owned())),
            }
        }
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let base = merged_into.unwrap_or(at);
            self.schema(
                property,
                &format!("{base}/properties/{}", escape(name)),
                None,
                depth + 1,
            );
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = schema.get(key) {
                self.schema(child, &format!("{at}/{key}"), None, depth + 1);
            }
        }
        let wrapper = is_wrapper(schema);
        for key in ["allOf", "oneOf", "anyOf"] {
            for (index, member) in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let merged = (key == "allOf" && !wrapper).then(|| merged_into.unwrap_or(at));
                self.schema(member, &format!("{at}/{key}/{index}"), merged, depth + 1);
            }
        }
    }
}

/// True for `{allOf: [one member]}` without properties or unions of its own (what
/// normalisation makes of `anyOf: [X, {type: null}]`): the member is the real schema
/// and is counted in its place.
fn is_wrapper(schema: &Value) -> bool {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .is_some_and(|members| members.len() == 1)
        && schema.get("properties").is_none()
        && schema.get("oneOf").is_none()
        && schema.get("anyOf").is_none()
}

/// True when `schema` (not a `$ref`) is a schema of its own that declares properties.
fn is_counted(document: &Value, schema: &Value, memo: &mut HashMap<usize, bool>) -> bool {
    if is_wrapper(schema) {
        return false;
    }
    if schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
    {
        return true;
    }
    let mut inline = false;
    let mut declaring = 0;
    for key in ["allOf", "oneOf", "anyOf"] {
        for member in schema.get(key).and_then(Value::as_array).into_iter().flatten() {
            if declares_properties(document, member, memo) {
                declaring += 1;
                inline |= member.get("$ref").is_none();
            }
        }
    }
    inline || declaring >= 2
}

/// True when `schema` has properties of its own or through a union/intersection
/// member. Memoised by the address of the (resolved) schema, so shared and cyclic
/// references cost one visit each (a schema being visited counts as `false`).
fn declares_properties(document: &Value, schema: &Value, memo: &mut HashMap<usize, bool>) -> bool {
    let Some(schema) = follow(document, schema) else {
        return false;
    };
    let key = std::ptr::from_ref(schema) as usize;
    if let Some(known) = memo.get(&key) {
        return *known;
    }
    memo.insert(key, false);
    let own = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    let result = own
        || ["allOf", "oneOf", "anyOf"].iter().any(|key| {
            schema
                .get(*key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|member| declares_properties(document, member, memo))
        });
    memo.insert(key, result);
    result
}

#[cfg(test)]
mod tests {
    use super::measure;
    use crate::manifest::{TypeRecord, TypeShape};
    use serde_json::json;

    #[test]
    fn schemas_with_properties_are_counted_and_fallbacks_listed() {
        let doc = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"inline": {"type": "string"}}}
            }}}}}}},
            "components": {"schemas": {
                "Typed": {"type": "object", "properties": {"x": {"type": "string"}}},
                "Merged": {"type": "object", "allOf": [{"$ref": "#/components/schemas/Typed"}, {"properties": {"y": {}}}]},
                "Free": {"type": "object"},
                "Either": {"oneOf": [{"$ref": "#/components/schemas/Typed"}, {"$ref": "#/components/schemas/Merged"}]},
                "JustARef": {"allOf": [{"$ref": "#/components/schemas/Typed"}], "nullable": true}
            }}
        });
        let record = |pointer: &str, shape| TypeRecord {
            name: pointer.rsplit('/').next().unwrap_or_default().to_owned(),
            pointer: pointer.to_owned(),
            shape,
        };
        let types = vec![
            record("/components/schemas/Typed", TypeShape::Struct),
            record("/components/schemas/Merged", TypeShape::FreeForm),
            record("/components/schemas/Free", TypeShape::FreeForm),
            record("/components/schemas/Either", TypeShape::UntaggedUnion),
        ];
        let measured = measure(&doc, &types);
        // Typed, Merged, Either and the inline response schema declare properties;
        // Free does not, JustARef only refers to Typed. The inline one got no type
        // record here, Merged fell back.
        assert_eq!(measured.declaring, 4);
        assert_eq!(measured.typed, 2);
        let pointers: Vec<&str> = measured.untyped.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/components/schemas/Merged",
                "/paths/~1a/get/responses/200/content/application~1json/schema"
            ]
        );
        assert_eq!(measured.share(), 50.0);
    }
}
