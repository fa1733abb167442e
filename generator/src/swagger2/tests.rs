//! One test per conversion rule of the module table, and the pointers of diagnostics.

use super::*;
use serde_json::json;

fn converted(document: Value) -> Conversion {
    convert(&document).unwrap()
}

fn messages(conversion: &Conversion) -> Vec<(String, String)> {
    conversion
        .diagnostics
        .iter()
        .map(|d| (d.pointer.clone(), d.message.clone()))
        .collect()
}

#[test]
fn definitions_parameters_and_responses_become_components() {
    let out = converted(json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"},
        "definitions": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}}},
            "Owner": {"type": "string"}},
        "parameters": {"Limit": {"name": "limit", "in": "query", "type": "integer"},
            "Body": {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Pet"}}},
        "responses": {"NotFound": {"description": "gone", "schema": {"$ref": "#/definitions/Owner"}}},
        "paths": {"/pets": {"post": {
            "parameters": [{"$ref": "#/parameters/Limit"}, {"$ref": "#/parameters/Body"}],
            "responses": {"404": {"$ref": "#/responses/NotFound"}}}}}
    }));
    let doc = &out.document;
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(
        doc["components"]["schemas"]["Pet"]["properties"]["owner"]["$ref"],
        "#/components/schemas/Owner"
    );
    assert_eq!(
        doc["components"]["parameters"]["Limit"],
        json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})
    );
    assert!(
        doc["components"]["parameters"].get("Body").is_none(),
        "bodies are not parameters in 3.0"
    );
    assert_eq!(
        doc["components"]["responses"]["NotFound"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Owner"
    );
    let operation = &doc["paths"]["/pets"]["post"];
    assert_eq!(
        operation["parameters"],
        json!([{"$ref": "#/components/parameters/Limit"}])
    );
    assert_eq!(
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Pet"
    );
    assert_eq!(
        operation["responses"]["404"],
        json!({"$ref": "#/components/responses/NotFound"})
    );
    assert_eq!(
        out.pointers.original("/components/schemas/Pet/properties/owner"),
        "/definitions/Pet/properties/owner"
    );
    assert_eq!(
        out.pointers
            .original("/paths/~1pets/post/requestBody/content/application~1json/schema"),
        "/parameters/Body/schema"
    );
}

#[test]
fn host_base_path_and_schemes_become_servers() {
    let out = converted(json!({"swagger": "2.0", "host": "api.example.com", "basePath": "/v2/",
        "schemes": ["https", "http"], "paths": {}}));
    assert_eq!(
        out.document["servers"],
        json!([{"url": "https://api.example.com/v2"}, {"url": "http://api.example.com/v2"}])
    );
    let out = converted(json!({"swagger": "2.0", "host": "api.example.com", "paths": {}}));
    assert_eq!(out.document["servers"], json!([{"url": "https://api.example.com"}]));
    assert_eq!(messages(&out)[0].0, "/host", "a missing `schemes` is reported");
    let out = converted(json!({"swagger": "2.0", "basePath": "/v1", "schemes": ["http"], "paths": {}}));
    assert_eq!(out.document["servers"], json!([{"url": "/v1"}]));
    assert_eq!(out.pointers.original("/servers"), "/basePath");
}

#[test]
fn body_parameters_become_request_bodies_in_each_consumed_media_type() {
    let out = converted(
        json!({"swagger": "2.0", "consumes": ["application/json", "text/plain"], "paths": {"/a": {
        "put": {"parameters": [{"name": "b", "in": "body", "required": true, "description": "d",
            "schema": {"type": "object"}}], "responses": {}},
        "post": {"consumes": ["application/octet-stream"], "parameters": [{"name": "b", "in": "body",
            "schema": {"type": "string", "format": "binary"}}], "responses": {}}}}}),
    );
    let put = &out.document["paths"]["/a"]["put"]["requestBody"];
    assert_eq!(
        put,
        &json!({"description": "d", "content": {"application/json": {"schema": {"type": "object"}},
            "text/plain": {"schema": {"$ref": "#/paths/~1a/put/requestBody/content/application~1json/schema"}}},
            "required": true}),
        "one inline schema in several media types is written once and referenced"
    );
    let post = &out.document["paths"]["/a"]["post"]["requestBody"]["content"];
    assert_eq!(
        post,
        &json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
    );
    let out = converted(json!({"swagger": "2.0", "paths": {"/a": {"put": {"parameters": [
        {"name": "b", "in": "body", "schema": {"type": "object"}}], "responses": {}}}}}));
    assert!(
        out.document["paths"]["/a"]["put"]["requestBody"]["content"]["application/json"].is_object(),
        "JSON without `consumes`"
    );
}

#[test]
fn form_parameters_become_form_or_multipart_bodies() {
    let out = converted(json!({"swagger": "2.0", "paths": {"/form": {"post": {"parameters": [
        {"name": "name", "in": "formData", "type": "string", "required": true, "description": "who"},
        {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}
    ], "responses": {}}}, "/upload": {"post": {"parameters": [
        {"name": "file", "in": "formData", "type": "file", "required": true},
        {"name": "note", "in": "formData", "type": "string"}
    ], "responses": {}}}}}));
    let form = &out.document["paths"]["/form"]["post"]["requestBody"];
    assert_eq!(
        form["content"]["application/x-www-form-urlencoded"],
        json!({"schema": {"type": "object", "properties": {
            "name": {"type": "string", "description": "who"},
            "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["name"]},
            "encoding": {"tags": {"style": "form", "explode": true}}})
    );
    assert_eq!(form["required"], true);
    let upload = &out.document["paths"]["/upload"]["post"]["requestBody"]["content"];
    assert_eq!(
        upload["multipart/form-data"]["schema"]["properties"]["file"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        out.pointers
            .original("/paths/~1upload/post/requestBody/content/multipart~1form-data/schema/properties/note"),
        "/paths/~1upload/post/parameters/1"
    );
    // A file with only form-urlencoded consumed: multipart anyway, reported.
    let out = converted(json!({"swagger": "2.0", "paths": {"/u": {"post": {
        "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [{"name": "f", "in": "formData", "type": "file"}], "responses": {}}}}}));
    assert!(out.document["paths"]["/u"]["post"]["requestBody"]["content"]["multipart/form-data"].is_object());
    assert_eq!(messages(&out)[0].0, "/paths/~1u/post/parameters/0");
}

#[test]
fn produces_gives_response_media_types_global_or_per_operation() {
    let out = converted(
        json!({"swagger": "2.0", "produces": ["application/json", "text/plain"], "paths": {"/a": {
        "get": {"responses": {"200": {"description": "ok", "schema": {"type": "string"}}}},
        "put": {"produces": ["application/x-tar"], "responses": {"200": {"description": "ok",
            "schema": {"type": "file"}}, "204": {"description": "none"}}}}}}),
    );
    let get = &out.document["paths"]["/a"]["get"]["responses"]["200"]["content"];
    assert_eq!(
        get,
        &json!({"application/json": {"schema": {"type": "string"}}, "text/plain": {"schema":
            {"$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema"}}})
    );
    let put = &out.document["paths"]["/a"]["put"]["responses"];
    assert_eq!(
        put["200"]["content"],
        json!({"application/x-tar": {"schema": {"type": "string", "format": "binary"}}})
    );
    assert_eq!(put["204"], json!({"description": "none"}));
    // Error bodies with a structured schema are JSON, whatever the operation produces.
    let out = converted(
        json!({"swagger": "2.0", "paths": {"/t": {"get": {"produces": ["application/x-tar", "text/plain"],
        "responses": {"500": {"description": "e", "schema": {"$ref": "#/definitions/Problem"}},
            "503": {"description": "e", "schema": {"type": "string"}}}}}}}),
    );
    let responses = &out.document["paths"]["/t"]["get"]["responses"];
    let media = |code: &str| -> Vec<String> {
        responses[code]["content"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(media("500"), ["application/json", "application/x-tar", "text/plain"]);
    assert_eq!(media("503"), ["application/x-tar", "text/plain"]);
    assert_eq!(messages(&out)[0].0, "/paths/~1t/get/responses/500");
}

#[test]
fn sequential_produces_become_item_schemas() {
    let out = converted(json!({"swagger": "2.0", "paths": {"/events": {"get": {
        "produces": ["application/x-ndjson", "application/json-seq"],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Event"}},
            "500": {"description": "failed", "schema": {"$ref": "#/definitions/Problem"}}}}}}}));
    let content = &out.document["paths"]["/events"]["get"]["responses"]["200"]["content"];
    assert_eq!(
        content["application/x-ndjson"],
        json!({"itemSchema": {"$ref": "#/components/schemas/Event"}})
    );
    assert!(content["application/json-seq"]["itemSchema"].is_object());
    let error = &out.document["paths"]["/events"]["get"]["responses"]["500"]["content"];
    assert_eq!(
        error["application/json"],
        json!({"schema": {"$ref": "#/components/schemas/Problem"}}),
        "an error body is one JSON document"
    );
    assert_eq!(error.as_object().map(|content| content.len()), Some(3));
    assert_eq!(messages(&out)[0].0, "/paths/~1events/get/responses/500");
    assert_eq!(
        out.pointers
            .original("/paths/~1events/get/responses/200/content/application~1x-ndjson/itemSchema"),
        "/paths/~1events/get/responses/200/schema"
    );
}

#[test]
fn collection_formats_become_styles() {
    let param = |name: &str, location: &str, format: &str| json!({"name": name, "in": location, "type": "array", "items": {"type": "string"}, "collectionFormat": format});
    let out = converted(json!({"swagger": "2.0", "paths": {"/{p}": {"get": {"parameters": [
        param("csv", "query", "csv"), param("ssv", "query", "ssv"), param("pipes", "query", "pipes"),
        param("multi", "query", "multi"), param("tsv", "query", "tsv"),
        {"name": "default", "in": "query", "type": "array", "items": {"type": "integer"}},
        param("p", "path", "csv"), param("h", "header", "pipes")
    ], "responses": {}}}}}));
    let styles: Vec<(String, bool)> = out.document["paths"]["/{p}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["style"].as_str().unwrap().to_owned(), p["explode"].as_bool().unwrap()))
        .collect();
    let expected = [
        ("form", false),
        ("spaceDelimited", false),
        ("pipeDelimited", false),
        ("form", true),
        ("form", false),
        ("form", false),
        ("simple", false),
        ("simple", false),
    ];
    assert_eq!(styles, expected.map(|(style, explode)| (style.to_owned(), explode)));
    let pointers: Vec<String> = messages(&out).into_iter().map(|(pointer, _)| pointer).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1{p}/get/parameters/4/collectionFormat",
            "/paths/~1{p}/get/parameters/7/collectionFormat"
        ]
    );
}

#[test]
fn security_definitions_become_security_schemes() {
    let out = converted(json!({"swagger": "2.0", "paths": {}, "securityDefinitions": {
        "basic": {"type": "basic", "description": "d"},
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": {"r": "read"}},
        "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t", "scopes": {}},
        "application": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {}},
        "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}},
        "odd": {"type": "oauth2", "flow": "device"}
    }, "security": [{"key": []}]}));
    let schemes = &out.document["components"]["securitySchemes"];
    assert_eq!(
        schemes["basic"],
        json!({"type": "http", "scheme": "basic", "description": "d"})
    );
    assert_eq!(
        schemes["key"],
        json!({"type": "apiKey", "name": "X-Key", "in": "header"})
    );
    assert_eq!(
        schemes["implicit"],
        json!({"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"r": "read"}}}})
    );
    assert_eq!(schemes["password"]["flows"]["password"]["tokenUrl"], "https://t");
    assert!(schemes["application"]["flows"]["clientCredentials"].is_object());
    assert!(schemes["code"]["flows"]["authorizationCode"]["authorizationUrl"].is_string());
    assert!(schemes.get("odd").is_none());
    assert_eq!(messages(&out)[0].0, "/securityDefinitions/odd/flow");
    assert_eq!(out.document["security"], json!([{"key": []}]));
}

#[test]
fn x_nullable_becomes_nullable() {
    let out = converted(
        json!({"swagger": "2.0", "definitions": {"A": {"type": "string", "x-nullable": true}},
        "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query", "type": "string", "x-nullable": true}],
        "responses": {}}}}}),
    );
    assert_eq!(
        out.document["components"]["schemas"]["A"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        out.document["paths"]["/a"]["get"]["parameters"][0]["schema"],
        json!({"type": "string", "nullable": true})
    );
}

#[test]
fn response_examples_become_media_type_examples() {
    let out = converted(
        json!({"swagger": "2.0", "produces": ["application/vnd.raw"], "paths": {"/a": {"get": {
        "responses": {"200": {"description": "ok", "schema": {"type": "object"},
            "examples": {"application/vnd.raw": "raw", "application/json": {"id": 1}}}}}}}}),
    );
    let content = &out.document["paths"]["/a"]["get"]["responses"]["200"]["content"];
    assert_eq!(content["application/vnd.raw"]["example"], "raw");
    assert_eq!(
        content["application/json"],
        json!({"schema": {"$ref": "#/paths/~1a/get/responses/200/content/application~1vnd.raw/schema"},
            "example": {"id": 1}}),
        "an example's mime type is one the response has"
    );
    assert_eq!(
        out.pointers
            .original("/paths/~1a/get/responses/200/content/application~1json/example"),
        "/paths/~1a/get/responses/200/examples/application~1json"
    );
}

#[test]
fn constructs_without_a_3_form_are_reported_at_their_2_0_position() {
    let out = converted(json!({"swagger": "2.0", "paths": {"/a": {
        "parameters": [{"name": "shared", "in": "body", "schema": {"type": "object"}}],
        "post": {"schemes": ["http"], "parameters": [
            {"name": "Content-Type", "in": "header", "type": "string"},
            {"name": "second", "in": "body", "schema": {"type": "string"}},
            {"name": "f", "in": "formData", "type": "string"},
            {"name": "nested", "in": "query", "type": "array", "items": {"type": "array", "collectionFormat": "pipes",
                "items": {"type": "string"}}}
        ], "responses": {}}}}}));
    let found = messages(&out);
    let pointers: Vec<&str> = found.iter().map(|(pointer, _)| pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a/post/parameters/1",
            "/paths/~1a/post/parameters/2",
            "/paths/~1a/post/parameters/0",
            "/paths/~1a/post/parameters/3/items/collectionFormat",
            "/paths/~1a/post/schemes"
        ]
    );
    assert!(found[0].1.contains("second"), "{found:?}");
    assert!(found[2].1.contains("Content-Type"), "{found:?}");
    // The path-level body is the operation's body.
    let body = &out.document["paths"]["/a"]["post"]["requestBody"];
    assert_eq!(body["content"]["application/json"]["schema"], json!({"type": "object"}));
    assert_eq!(
        out.pointers.original("/paths/~1a/post/requestBody"),
        "/paths/~1a/parameters/0"
    );
}

#[test]
fn other_versions_are_errors() {
    assert_eq!(convert(&json!({"swagger": "1.2"})).unwrap_err().pointer, "/swagger");
    assert!(convert(&json!([1])).is_err());
    assert!(is_swagger2(&json!({"swagger": "2.0"})));
    assert!(!is_swagger2(&json!({"openapi": "3.0.0"})));
}

/// Through `generate`: YAML integer status keys load, and a diagnostic raised after
/// conversion (an unknown string format in a body schema and in a parameter) keeps
/// its position in the 2.0 file.
#[test]
fn generate_reads_swagger_2_and_reports_in_its_terms() {
    let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: example.com\nschemes: [https]\npaths:\n  /a/{id}:\n    post:\n      operationId: make\n      parameters:\n        - {name: id, in: path, required: true, type: string, format: weird-id}\n        - name: body\n          in: body\n          schema: {type: object, properties: {x: {type: string, format: odd}}}\n      responses:\n        200:\n          description: ok\n          schema: {$ref: '#/definitions/Thing'}\n          examples:\n            application/json: {y: 1}\ndefinitions:\n  Thing: {type: object, properties: {y: {type: integer, x-nullable: true}}}\n";
    let settings = crate::Settings::new("t", "t.yaml");
    let output = crate::generate(text, "t.yaml", &settings).unwrap();
    assert_eq!(output.operation_counts.generated, 1);
    let pointers: Vec<&str> = output.diagnostics.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a~1{id}/post/parameters/0/format",
            "/paths/~1a~1{id}/post/parameters/1/schema/properties/x/format"
        ]
    );
    let map = crate::SourceMap::new(text, "t.yaml");
    assert_eq!(map.locate(pointers[0]).map(|at| at.line), Some(10));
    assert_eq!(output.operations.len(), 1);
}

/// Every value of a 2.0 document replaced, one at a time, by values of the wrong JSON
/// type: conversion and generation never panic, and the result is either generated
/// code or an error with a pointer.
#[test]
fn misshapen_swagger_documents_never_panic() {
    let document = json!({
        "swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "h", "basePath": "/b",
        "schemes": ["https"], "consumes": ["application/json"], "produces": ["application/json"],
        "securityDefinitions": {"o": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "u", "scopes": {}}},
        "parameters": {"L": {"name": "l", "in": "query", "type": "array", "items": {"type": "string"}}},
        "responses": {"E": {"description": "e", "schema": {"$ref": "#/definitions/P"}}},
        "paths": {"/p/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
            "post": {"parameters": [{"$ref": "#/parameters/L"}, {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/P"}}],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/P"},
                    "headers": {"X": {"type": "integer"}}, "examples": {"application/json": {"a": 1}}},
                    "default": {"$ref": "#/responses/E"}}},
            "put": {"consumes": ["multipart/form-data"], "parameters": [{"name": "f", "in": "formData", "type": "file"}],
                "responses": {"204": {"description": "none"}}}}},
        "definitions": {"P": {"type": "object", "discriminator": "a", "properties": {"a": {"type": "integer", "x-nullable": true}}}}
    });
    let mut pointers = Vec::new();
    collect_pointers(&document, "", &mut pointers);
    let settings = crate::Settings::new("t", "t.yaml");
    let replacements = [json!(null), json!(7), json!("x"), json!([1]), json!({"$ref": 1})];
    for pointer in &pointers {
        for replacement in &replacements {
            let mut mutated = document.clone();
            if let Some(slot) = mutated.pointer_mut(pointer) {
                *slot = replacement.clone();
            }
            let converted = std::panic::catch_unwind(|| convert(&mutated));
            assert!(converted.is_ok(), "conversion panicked with {pointer} = {replacement}");
            // The whole pipeline on a sample of the mutations (it is slower).
            if replacement.is_null() || replacement.is_string() {
                let outcome = std::panic::catch_unwind(|| crate::generate_from_value(mutated, &settings));
                assert!(outcome.is_ok(), "generation panicked with {pointer} = {replacement}");
            }
        }
    }
    assert!(pointers.len() > 60, "{} positions mutated", pointers.len());
}

fn collect_pointers(value: &Value, pointer: &str, found: &mut Vec<String>) {
    if !pointer.is_empty() {
        found.push(pointer.to_owned());
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                collect_pointers(child, &crate::pointer::join(pointer, key), found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_pointers(item, &format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
}
