//! Typedness as a number: of the schemas in a spec that declare properties (directly,
//! or through `allOf`/`oneOf`/`anyOf` members), how many became a typed Rust type
//! (struct, enum or union, or an alias of one), and which did not.
//!
//! Schemas counted: every component schema and every schema nested in one (properties,
//! items, additional properties, union members), plus inline request, response and
//! parameter schemas of operations. Inline `allOf` members are not counted on their
//! own: they are merged into the schema that lists them, which is counted.

use crate::examples::{escape, follow};
use apigen::manifest::TypeRecord;
use serde_json::Value;
use std::collections::BTreeMap;

/// The measurement for one spec.
#[derive(Debug, Default)]
pub struct Typedness {
    /// Schemas that declare properties.
    pub declaring: usize,
    /// Of those, how many became a typed Rust type.
    pub typed: usize,
    /// The others: pointer and what was generated instead.
    pub untyped: Vec<(String, String)>,
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
    };
    if let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            walker.schema(schema, &format!("/components/schemas/{}", escape(name)), true, 0);
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
                self.schema(schema, &format!("{at}/parameters/{index}/schema"), true, 0);
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
                self.schema(schema, &format!("{at}/{}/schema", escape(media)), true, 0);
            }
        }
    }

    /// Visits one schema position; `counted` is false for inline `allOf` members.
    fn schema(&mut self, schema: &Value, at: &str, counted: bool, depth: usize) {
        if depth > 64 || schema.get("$ref").is_some() || !schema.is_object() {
            return;
        }
        if counted && declares_properties(self.document, schema, 0) {
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
            self.schema(property, &format!("{at}/properties/{}", escape(name)), true, depth + 1);
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = schema.get(key) {
                self.schema(child, &format!("{at}/{key}"), true, depth + 1);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for (index, member) in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                self.schema(member, &format!("{at}/{key}/{index}"), key != "allOf", depth + 1);
            }
        }
    }
}

/// True when `schema` has properties of its own or through a union/intersection member.
fn declares_properties(document: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let Some((schema, _)) = follow(document, schema, "") else {
        return false;
    };
    if schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
    {
        return true;
    }
    ["allOf", "oneOf", "anyOf"].iter().any(|key| {
        schema
            .get(*key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|member| declares_properties(document, member, depth + 1))
    })
}
