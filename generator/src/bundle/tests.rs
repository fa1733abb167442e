use super::*;
use serde_json::json;
use std::collections::HashMap;

/// An in-memory description: path → text.
fn files(entries: &[(&str, &str)]) -> HashMap<String, String> {
    entries.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
}

fn run(entries: &[(&str, &str)], options: BundleOptions) -> Result<Bundle, BundleError> {
    let files = files(entries);
    let mut loader = |path: &str| files.get(path).cloned().ok_or(LoadError::NotFound);
    bundle("root.yaml", &mut loader, options)
}

const ROOT: &str = "openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /droplets:
    get:
      $ref: 'ops/list.yaml'
";

const LIST: &str = "operationId: list
responses:
  '200':
    description: ok
    content:
      application/json:
        schema:
          $ref: '../schemas/Droplet.yaml'
  default:
    $ref: '../shared/responses.yaml#/error'
x-codeSamples:
  - $ref: 'samples/curl.yaml'
";

const DROPLET: &str = "type: object
properties:
  id: {type: integer}
  next:
    $ref: 'Droplet.yaml'
  region:
    $ref: './regions/Region.json'
";

const REGION: &str =
    r##"{"type": "object", "properties": {"slug": {"type": "string"}, "droplet": {"$ref": "../Droplet.yaml"}}}"##;

const RESPONSES: &str = "error:
  description: failed
  content:
    application/json:
      schema:
        $ref: '#/schemas/Error'
schemas:
  Error:
    type: object
    properties:
      message: {type: string}
";

fn tree() -> Vec<(&'static str, &'static str)> {
    vec![
        ("root.yaml", ROOT),
        ("ops/list.yaml", LIST),
        ("schemas/Droplet.yaml", DROPLET),
        ("schemas/regions/Region.json", REGION),
        ("shared/responses.yaml", RESPONSES),
        ("ops/samples/curl.yaml", "lang: curl\nsource: curl x\n"),
    ]
}

#[test]
fn files_pointers_and_nested_relative_refs_are_bundled_into_components() {
    let bundle = run(&tree(), BundleOptions::default()).unwrap();
    let doc = &bundle.document;
    let get = &doc["paths"]["/droplets"]["get"];
    assert_eq!(get["operationId"], "list");
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Droplet"})
    );
    assert_eq!(
        get["responses"]["default"],
        json!({"$ref": "#/components/responses/error"})
    );
    assert_eq!(get["x-codeSamples"][0], json!({"lang": "curl", "source": "curl x"}));
    let schemas = &doc["components"]["schemas"];
    // A cycle across files: Droplet → Region → Droplet, and Droplet → Droplet.
    assert_eq!(
        schemas["Droplet"]["properties"]["next"],
        json!({"$ref": "#/components/schemas/Droplet"})
    );
    assert_eq!(
        schemas["Droplet"]["properties"]["region"],
        json!({"$ref": "#/components/schemas/Region"})
    );
    assert_eq!(
        schemas["Region"]["properties"]["droplet"],
        json!({"$ref": "#/components/schemas/Droplet"})
    );
    // A local ref inside another file points at that file.
    assert_eq!(
        doc["components"]["responses"]["error"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error"})
    );
    assert_eq!(schemas["Error"]["properties"]["message"]["type"], "string");
    let paths: Vec<&str> = bundle.paths().collect();
    assert_eq!(paths.len(), 6, "{paths:?}");
    assert!(bundle.diagnostics.is_empty(), "{:?}", bundle.diagnostics);
}

#[test]
fn bundled_places_are_located_in_their_own_file() {
    let bundle = run(&tree(), BundleOptions::default()).unwrap();
    let at = bundle.locate("/components/schemas/Droplet/properties/region");
    assert_eq!(at.file, "schemas/Droplet.yaml");
    assert_eq!(at.pointer, "/properties/region");
    assert_eq!(at.position, Some(Position { line: 6, column: 3 }));
    let at = bundle.locate("/paths/~1droplets/get/x-codeSamples");
    assert_eq!(
        (at.file.as_str(), at.position.map(|p| p.line)),
        ("ops/list.yaml", Some(11))
    );
    let at = bundle.locate("/components/schemas/Region/properties/slug");
    assert_eq!(at.file, "schemas/regions/Region.json");
    assert_eq!(at.position.map(|p| p.line), Some(1));
    let at = bundle.locate("/paths/~1droplets");
    assert_eq!((at.file.as_str(), at.position.map(|p| p.line)), ("root.yaml", Some(4)));
}

#[test]
fn a_document_without_file_refs_is_returned_unchanged() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {type: string}\n";
    let bundle = run(&[("root.yaml", text)], BundleOptions::default()).unwrap();
    assert_eq!(bundle.document, crate::load::load(text, "root.yaml").unwrap());
    assert_eq!(bundle.files.len(), 1);
}

#[test]
fn remote_outside_and_missing_refs_are_errors_that_say_where() {
    let with = |schema: &str| {
        let root = format!(
            "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '{schema}'\n"
        );
        run(
            &[("root.yaml", &root), ("../up.yaml", "type: string\n")],
            BundleOptions::default(),
        )
    };
    let err = with("https://example.com/a.yaml").unwrap_err();
    assert_eq!(err.file, "root.yaml");
    assert_eq!(err.pointer, "/components/schemas/A/$ref");
    assert_eq!(err.position, Some(Position { line: 7, column: 7 }));
    assert!(err.message.contains("remote URL"), "{err}");
    let err = with("../up.yaml").unwrap_err();
    assert!(err.message.contains("leaves the folder"), "{err}");
    let err = with("missing/Thing.yaml").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("root.yaml:7:7: #/components/schemas/A/$ref: `$ref: missing/Thing.yaml`"),
        "{err}"
    );
    assert!(err.message.contains("missing/Thing.yaml does not exist"), "{err}");
    let err = with("#/nowhere").unwrap();
    assert!(err.files.len() == 1);
}

#[test]
fn outside_refs_are_followed_when_allowed() {
    let root = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '../common/Up.yaml'\n";
    let options = BundleOptions {
        allow_outside_root: true,
    };
    let bundle = run(&[("root.yaml", root), ("../common/Up.yaml", "type: string\n")], options).unwrap();
    assert_eq!(
        bundle.document["components"]["schemas"]["A"],
        json!({"$ref": "#/components/schemas/Up"})
    );
    assert_eq!(
        bundle.document["components"]["schemas"]["Up"],
        json!({"type": "string"})
    );
}

#[test]
fn unfollowable_refs_in_data_are_left_with_a_diagnostic() {
    let root = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\ntags:\n  - name: a\n    description:\n      $ref: 'missing.yml#/intro'\npaths: {}\nx-logo: {$ref: 'https://example.com/logo.yaml'}\n";
    let bundle = run(&[("root.yaml", root)], BundleOptions::default()).unwrap();
    assert_eq!(
        bundle.document["tags"][0]["description"],
        json!({"$ref": "missing.yml#/intro"})
    );
    assert_eq!(bundle.diagnostics.len(), 2, "{:?}", bundle.diagnostics);
    assert_eq!(bundle.diagnostics[0].pointer, "/tags/0/description");
}

#[test]
fn a_ref_below_an_added_component_points_into_it() {
    let root = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'Cluster.yaml'}\n    V: {$ref: 'Cluster.yaml#/properties/version'}\n";
    let cluster = "type: object\nproperties:\n  version: {type: string, enum: ['1', '2']}\n";
    let bundle = run(
        &[("root.yaml", root), ("Cluster.yaml", cluster)],
        BundleOptions::default(),
    )
    .unwrap();
    let schemas = &bundle.document["components"]["schemas"];
    assert_eq!(
        schemas["V"],
        json!({"$ref": "#/components/schemas/Cluster/properties/version"})
    );
    assert!(schemas.get("version").is_none());
}

#[test]
fn names_clash_by_folder() {
    let root = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'apps/models/item.yml'}\n    B: {$ref: 'kv/models/item.yml'}\n";
    let entries = [
        ("root.yaml", root),
        ("apps/models/item.yml", "type: string\n"),
        ("kv/models/item.yml", "type: integer\n"),
    ];
    let bundle = run(&entries, BundleOptions::default()).unwrap();
    let schemas = &bundle.document["components"]["schemas"];
    assert_eq!(schemas["apps_item"]["type"], "string");
    assert_eq!(schemas["kv_item"]["type"], "integer");
}

#[test]
fn swagger2_files_go_to_definitions_parameters_and_responses() {
    let root = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      parameters:\n        - $ref: 'common.yaml#/limit'\n      responses:\n        '200':\n          description: ok\n          schema: {$ref: 'Pet.yaml'}\n";
    let entries = [
        ("root.yaml", root),
        ("Pet.yaml", "type: object\nproperties:\n  name: {type: string}\n"),
        ("common.yaml", "limit: {name: limit, in: query, type: integer}\n"),
    ];
    let bundle = run(&entries, BundleOptions::default()).unwrap();
    let get = &bundle.document["paths"]["/pets"]["get"];
    assert_eq!(get["parameters"][0], json!({"$ref": "#/parameters/limit"}));
    assert_eq!(get["responses"]["200"]["schema"], json!({"$ref": "#/definitions/Pet"}));
    assert_eq!(
        bundle.document["definitions"]["Pet"]["properties"]["name"]["type"],
        "string"
    );
    assert!(bundle.document.get("components").is_none());
}

#[test]
fn inlining_cycles_are_left_as_written_with_a_diagnostic() {
    let root = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx-loop: {$ref: 'a.yaml'}\n";
    let entries = [
        ("root.yaml", root),
        ("a.yaml", "next: {$ref: 'b.yaml'}\n"),
        ("b.yaml", "next: {$ref: 'a.yaml'}\n"),
    ];
    let bundle = run(&entries, BundleOptions::default()).unwrap();
    assert_eq!(bundle.document["x-loop"]["next"]["next"], json!({"$ref": "a.yaml"}));
    assert_eq!(bundle.diagnostics.len(), 1, "{:?}", bundle.diagnostics);
    assert_eq!(bundle.diagnostics[0].pointer, "/x-loop/next/next");
}
