//! Every kind of diagnostic says something true about the construct it points at:
//! one small document per kind, checking the pointer and the message against the input
//! (and that a well-formed construct of the same shape draws no diagnostic).

use apigen::{Diagnostic, Settings};
use serde_json::{json, Value};

/// A document with `schemas` as components and `paths` as paths.
fn document(paths: Value, components: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": components
    })
}

/// A document whose only operation returns `schema`, with `schemas` as components.
fn returning(schema: Value, schemas: Value) -> Value {
    document(
        json!({"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": schema}}}}}}}),
        json!({"schemas": schemas}),
    )
}

fn generate(spec: &Value) -> apigen::Output {
    apigen::generate(&spec.to_string(), "spec.json", &Settings::new("t", "spec.json")).expect("generates")
}

fn diagnostics(spec: &Value) -> Vec<Diagnostic> {
    generate(spec).diagnostics
}

/// Exactly one diagnostic, at `pointer`, whose message contains every one of `parts`.
#[track_caller]
fn expect_one(spec: Value, pointer: &str, parts: &[&str]) {
    let found = diagnostics(&spec);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].pointer, pointer, "{found:#?}");
    for part in parts {
        assert!(found[0].message.contains(part), "{:?} lacks {part:?}", found[0].message);
    }
}

#[test]
fn string_enums_are_enums_wherever_they_sit() {
    // Under components/parameters, with a keyword openapiv3 does not expect beside it,
    // and with a `null` member: all string enums, no diagnostic.
    let spec = document(
        json!({"/a": {"get": {"operationId": "getA", "parameters": [{"$ref": "#/components/parameters/Level"}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/Odd"}}}}}}}}),
        json!({
            "parameters": {"Level": {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["high", "low"]}}},
            "schemas": {"Odd": {"type": "object", "properties": {
                "bounded": {"type": "string", "enum": ["a", "b"], "minimum": 1},
                "maybe": {"type": "string", "nullable": true, "enum": ["x", null]}}}}
        }),
    );
    let output = generate(&spec);
    assert!(output.diagnostics.is_empty(), "{:#?}", output.diagnostics);
    let types = &output
        .files
        .iter()
        .find(|file| file.path == "types.rs")
        .expect("types.rs")
        .contents;
    for name in ["GetALevel", "OddBounded", "OddMaybe"] {
        assert!(types.contains(&format!("pub enum {name} {{")), "{name} is not an enum");
    }
}

#[test]
fn string_enum_with_non_string_values_names_them() {
    expect_one(
        returning(json!({"type": "string", "enum": ["a", 1, true]}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema/enum",
        &["non-string values (1, true)", "String"],
    );
}

#[test]
fn integer_and_boolean_enums_are_not_enforced() {
    expect_one(
        returning(json!({"type": "integer", "enum": [1, 2]}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema",
        &["integer `enum`"],
    );
    expect_one(
        returning(json!({"type": "boolean", "enum": [true]}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema",
        &["boolean `enum`"],
    );
}

#[test]
fn unknown_formats_name_the_format() {
    expect_one(
        returning(json!({"type": "string", "format": "colour"}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema/format",
        &["unknown string format \"colour\""],
    );
    expect_one(
        returning(json!({"type": "number", "format": "fraction"}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema/format",
        &["unknown number format \"fraction\""],
    );
}

#[test]
fn refs_to_nothing_and_to_other_documents_say_which() {
    expect_one(
        returning(json!({"$ref": "#/components/schemas/Nope"}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema",
        &["\"#/components/schemas/Nope\"", "does not point to a schema"],
    );
    expect_one(
        returning(json!({"$ref": "other.yaml#/Thing"}), json!({})),
        "/paths/~1a/get/responses/200/content/application~1json/schema",
        &["another document"],
    );
    // A pointer inside a component is not "nothing": no diagnostic.
    let inside = returning(
        json!({"$ref": "#/components/schemas/A/properties/b"}),
        json!({"A": {"type": "object", "properties": {"b": {"type": "integer"}}}}),
    );
    assert!(diagnostics(&inside).is_empty());
}

#[test]
fn all_of_problems_point_at_the_member() {
    expect_one(
        returning(
            json!({"$ref": "#/components/schemas/M"}),
            json!({"M": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "string"}]}}),
        ),
        "/components/schemas/M/allOf/1",
        &["not an object schema"],
    );
    expect_one(
        returning(
            json!({"$ref": "#/components/schemas/M"}),
            json!({"M": {"allOf": [{"type": "object", "properties": {"v": {"type": "string"}}},
                {"type": "object", "properties": {"v": {"type": "integer"}}}]}}),
        ),
        "/components/schemas/M/allOf/1",
        &[
            "property \"v\"",
            "a string in an earlier allOf member and an integer in a later one",
            "kept the later",
        ],
    );
}

#[test]
fn composition_beside_other_keywords_is_reported() {
    expect_one(
        returning(
            json!({"$ref": "#/components/schemas/M"}),
            json!({"M": {"type": "object", "properties": {"a": {"type": "string"}},
                "oneOf": [{"required": ["a"]}, {"type": "object"}]}}),
        ),
        "/components/schemas/M",
        &["`oneOf` beside `properties`", "own properties only"],
    );
    expect_one(
        returning(
            json!({"type": "string", "minLength": 1, "anyOf": [{"format": "date"}]}),
            json!({}),
        ),
        "/paths/~1a/get/responses/200/content/application~1json/schema",
        &["`anyOf` beside `type: string`", "follows `type` alone"],
    );
    expect_one(
        returning(
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "oneOf": [{}]}),
            json!({"T": {"type": "object", "properties": {"a": {"type": "string"}}}}),
        ),
        "/paths/~1a/get/responses/200/content/application~1json/schema",
        &["`allOf` and `oneOf` together", "serde_json::Value"],
    );
    // An `allOf` that only annotates is no composition at all.
    let annotated = returning(
        json!({"type": "string", "minLength": 1, "allOf": [{"description": "docs"}]}),
        json!({}),
    );
    assert!(diagnostics(&annotated).is_empty(), "{:#?}", diagnostics(&annotated));
}

#[test]
fn ref_loops_are_reported_once() {
    expect_one(
        returning(
            json!({"$ref": "#/components/schemas/A"}),
            json!({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}),
        ),
        "/components/schemas/A",
        &["$ref loop"],
    );
}

#[test]
fn operation_level_problems_name_the_operation_part() {
    expect_one(
        document(
            json!({"/a/{id}": {"get": {"operationId": "getA", "responses": {"204": {"description": "none"}}}}}),
            json!({}),
        ),
        "/paths/~1a~1{id}/get",
        &["path parameter \"id\" is not declared"],
    );
    expect_one(
        document(
            json!({"/a": {"get": {"operationId": "getA", "responses": {"404": {"description": "missing"}}}}}),
            json!({}),
        ),
        "/paths/~1a/get/responses",
        &["no success (2xx) response"],
    );
    expect_one(
        document(
            json!({"/a": {"get": {"operationId": "getA", "x-pagination": {"items": 5},
                "responses": {"204": {"description": "none"}}}}}),
            json!({}),
        ),
        "/paths/~1a/get/x-pagination",
        &["x-pagination needs `items`"],
    );
    // A cursor path through a property the response lacks: found while building the
    // model (emitting cannot fail), at the extension.
    expect_one(
        document(
            json!({"/a": {"get": {"operationId": "getA",
                "x-pagination": {"items": "data", "next": {"cursor": "meta.next"}},
                "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                    {"type": "object", "properties": {"data": {"type": "array", "items": {"type": "string"}},
                        "meta": {"type": "object", "properties": {"after": {"type": "string"}}}}}}}}}}}}),
            json!({}),
        ),
        "/paths/~1a/get/x-pagination",
        &["`GetAResponseMeta` has no property `next`", "no pagination helpers"],
    );
    expect_one(
        document(
            json!({"/a/{id}": {"get": {"operationId": "getA", "parameters": [{"name": "id", "in": "path",
                "required": true, "schema": {"type": "string", "pattern": "(unclosed"}}],
                "responses": {"204": {"description": "none"}}}}}),
            json!({}),
        ),
        "/paths/~1a~1{id}/get/parameters/0/schema/pattern",
        &["pattern \"(unclosed\"", "not a valid Rust regex"],
    );
}

#[test]
fn broken_pieces_degrade_alone() {
    // One operation that is not an OpenAPI operation among good ones: skipped alone.
    let spec = document(
        json!({
            "/bad": {"get": {"responses": {"200": {"description": 5}}}},
            "/good": {"get": {"operationId": "good", "responses": {"204": {"description": "none"}}}}
        }),
        json!({}),
    );
    let output = generate(&spec);
    assert_eq!(
        output.operation_counts,
        apigen::OperationCounts { generated: 1, total: 1 }
    );
    assert_eq!(output.diagnostics.len(), 1, "{:#?}", output.diagnostics);
    assert!(output.diagnostics[0].pointer.starts_with("/paths/~1bad/get"));
    assert!(output.diagnostics[0].message.ends_with("operation skipped"));
    // A misshapen schema keyword: that schema accepts any value, the rest is typed.
    expect_one(
        returning(
            json!({"$ref": "#/components/schemas/Good"}),
            json!({"Bad": {"type": "object", "properties": "oops"}, "Good": {"type": "object",
                "properties": {"a": {"type": "string"}}}}),
        ),
        "/components/schemas/Bad/properties",
        &["`properties` must be an object", "any JSON value"],
    );
    // Extension values that look like broken schemas are opaque data.
    let vendor = document(
        json!({"/a": {"get": {"operationId": "getA", "x-vendor": {"schema": {"properties": [1], "allOf": 3}},
            "responses": {"204": {"description": "none", "x-more": {"items": "no"}}}}}}),
        json!({"schemas": {"S": {"type": "string", "x-shape": {"type": ["weird"], "enum": 5}}}}),
    );
    assert!(diagnostics(&vendor).is_empty(), "{:#?}", diagnostics(&vendor));
}
