//! Descriptions split over many files (`tests/fixtures/multi/`, see its README):
//! `$ref`s to files, to files plus pointers, relative to subfolders, YAML and JSON
//! mixed, cycles across files, operations written as `$ref`s, stable component names,
//! diagnostics located in the file they are about, and the safety rules (remote,
//! outside the root folder, missing file).

use apigen::build::{BuildError, Builder, Locator};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/multi").join(path)
}

fn shop() -> Builder {
    Builder::new(fixture("shop/openapi.yaml"))
        .crate_name("shop")
        .label("openapi.yaml")
}

fn file(output: &apigen::Output, name: &str) -> String {
    output
        .files
        .iter()
        .find(|f| f.path == name)
        .map(|f| f.contents.clone())
        .unwrap_or_default()
}

#[test]
fn files_and_pointers_are_bundled_into_components_with_readable_names() {
    let bundle = shop().bundle().unwrap();
    let doc = &bundle.document;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    names.sort();
    // `schemas/Droplet.yaml` is `Droplet`; `errors.json#/schemas/Error` is `Error`.
    assert_eq!(names, ["Droplet", "DropletCreate", "Error", "Region"]);
    // A file plus a pointer, relative to a subfolder.
    assert_eq!(
        doc["paths"]["/droplets"]["get"]["parameters"][0],
        json!({"$ref": "#/components/parameters/per_page"})
    );
    assert_eq!(
        doc["paths"]["/droplets"]["get"]["responses"]["default"],
        json!({"$ref": "#/components/responses/unexpected"})
    );
    // The local ref inside errors.json points at errors.json's own schema.
    assert_eq!(
        doc["components"]["responses"]["unexpected"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Error"})
    );
    // YAML → JSON → YAML: a cycle across files in two folders.
    assert_eq!(
        schemas["Droplet"]["properties"]["region"],
        json!({"$ref": "#/components/schemas/Region"})
    );
    assert_eq!(
        schemas["Region"]["properties"]["flagship"],
        json!({"$ref": "#/components/schemas/Droplet"})
    );
    // A ref into a schema of another file points into the bundled component.
    assert_eq!(
        schemas["DropletCreate"]["properties"]["name"],
        json!({"$ref": "#/components/schemas/Droplet/properties/name"})
    );
    // Examples go to components; descriptions and code samples are inlined.
    assert_eq!(
        doc["components"]["examples"]["two_droplets"]["value"]["droplets"][0]["name"],
        "web"
    );
    assert_eq!(doc["tags"][0]["description"], "Droplets are virtual machines.");
    assert_eq!(doc["paths"]["/droplets"]["get"]["x-codeSamples"][0]["lang"], "cURL");
    assert_eq!(bundle.files.len(), 13);
    assert!(bundle.diagnostics.is_empty(), "{:?}", bundle.diagnostics);
}

#[test]
fn operations_and_path_items_written_as_refs_generate() {
    let output = shop().generate().unwrap();
    assert_eq!(
        (output.operation_counts.generated, output.operation_counts.total),
        (3, 3)
    );
    let operations = file(&output, "operations.rs");
    for method in ["fn droplets_list", "fn droplets_create", "fn droplets_get"] {
        assert!(operations.contains(method), "{method} missing");
    }
    let types = file(&output, "types.rs");
    for item in [
        "pub struct Droplet ",
        "pub struct Region ",
        "pub struct DropletCreate ",
        "pub struct Error2 ",
    ] {
        assert!(types.contains(item), "{item} missing");
    }
    // (`Error` is the crate's own error type, so the schema becomes `Error2`.)
    // The cycle Droplet → Region → Droplet is boxed, not infinite.
    assert!(types.contains("Box<Droplet>"), "the flagship field is boxed");
}

#[test]
fn generation_is_byte_identical_across_runs() {
    let first = shop().generate().unwrap();
    let second = shop().generate().unwrap();
    assert_eq!(first.files, second.files);
    assert_eq!(first.diagnostics, second.diagnostics);
}

#[test]
fn a_diagnostic_is_located_in_the_file_that_holds_the_construct() {
    let builder = shop();
    let bundle = builder.bundle().unwrap();
    let output = builder.generate_from(&bundle).unwrap();
    assert_eq!(output.diagnostics.len(), 1, "{:?}", output.diagnostics);
    let diagnostic = &output.diagnostics[0];
    assert_eq!(diagnostic.pointer, "/components/schemas/Droplet/properties/cidr/format");
    let location = bundle.locate(&diagnostic.pointer);
    assert_eq!(location.file, "schemas/Droplet.yaml");
    assert_eq!(location.pointer, "/properties/cidr/format");
    let at = location.position.unwrap();
    assert_eq!((at.line, at.column), (10, 5));
    let locator = Locator::for_bundle(&fixture("shop/openapi.yaml"), Arc::new(bundle));
    let label = locator.locate(&diagnostic.pointer);
    assert!(label.ends_with("shop/schemas/Droplet.yaml:10:5"), "{label}");
    // Places of the root document stay in the root document.
    assert!(locator.locate("/paths/~1droplets").ends_with("shop/openapi.yaml:14:3"));
    // An inlined operation is located in its own file.
    assert!(locator
        .locate("/paths/~1droplets/get/responses/200")
        .ends_with("shop/paths/droplets_list.yaml:8:3"));
}

#[test]
fn rerun_if_changed_covers_every_file_of_the_description() {
    let builder = shop().overlay(fixture("../overlays/shop-droplet-name.yaml"));
    let bundle = builder.bundle().unwrap();
    let watched = builder.watched_files(&bundle);
    let root = fixture("shop");
    let mut relative: Vec<String> = watched
        .iter()
        .filter_map(|path| path.strip_prefix(&root).ok())
        .map(|path| path.display().to_string().replace('\\', "/"))
        .collect();
    relative.sort();
    assert_eq!(
        relative,
        [
            "docs.yml",
            "openapi.yaml",
            "parameters.yml",
            "paths/droplet.yaml",
            "paths/droplets_create.yaml",
            "paths/droplets_list.yaml",
            "paths/samples/curl.yml",
            "responses/droplets.yaml",
            "responses/errors.json",
            "responses/examples.json",
            "schemas/Droplet.yaml",
            "schemas/DropletCreate.yaml",
            "schemas/nested/Region.json",
        ]
    );
    // The spec first, the overlay last.
    assert_eq!(watched.first(), Some(&fixture("shop/openapi.yaml")));
    assert_eq!(watched.last(), Some(&fixture("../overlays/shop-droplet-name.yaml")));
}

fn bundle_error(root: &str, allow: bool) -> Result<apigen::bundle::BundleError, String> {
    match Builder::new(fixture(root)).allow_ref_outside(allow).bundle() {
        Err(BuildError::Bundle { error, .. }) => Ok(error),
        Err(other) => Err(format!("another error: {other}")),
        Ok(_) => Err("bundled".into()),
    }
}

#[test]
fn a_remote_ref_is_refused_and_nothing_is_fetched() {
    let error = bundle_error("errors/remote.yaml", true).unwrap();
    assert_eq!(error.file, "remote.yaml");
    assert_eq!(error.pointer, "/components/schemas/Thing/$ref");
    assert!(error.message.contains("remote URL"), "{error}");
}

#[test]
fn a_ref_outside_the_root_folder_is_refused_unless_allowed() {
    let error = bundle_error("errors/outside.yaml", false).unwrap();
    assert!(
        error.message.contains("leaves the folder of the root document"),
        "{error}"
    );
    assert_eq!(error.position.map(|at| at.line), Some(7));
    let bundle = Builder::new(fixture("errors/outside.yaml"))
        .allow_ref_outside(true)
        .bundle()
        .unwrap();
    let schemas = &bundle.document["components"]["schemas"];
    // `Thing` is taken by the root document, so the file's schema is qualified by folder.
    assert_eq!(schemas["Thing"], json!({"$ref": "#/components/schemas/outside_Thing"}));
    assert_eq!(schemas["outside_Thing"]["properties"]["label"]["type"], "string");
}

#[test]
fn a_missing_file_names_the_ref_and_where_it_stands() {
    let error = bundle_error("errors/missing.yaml", false).unwrap();
    assert_eq!(error.file, "ops/list.yaml");
    assert_eq!(error.pointer, "/responses/200/content/application~1json/schema/$ref");
    assert_eq!(error.position.map(|at| (at.line, at.column)), Some((8, 11)));
    assert!(error.message.contains("`$ref: ../schemas/Nope.yaml`"), "{error}");
    assert!(error.message.contains("schemas/Nope.yaml does not exist"), "{error}");
    let shown = Builder::new(fixture("errors/missing.yaml"))
        .generate()
        .unwrap_err()
        .to_string();
    assert!(shown.contains("errors/ops/list.yaml:8:11"), "{shown}");
}

#[test]
fn overlays_apply_to_the_bundled_document() {
    let overlay = apigen::Overlay::parse(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas.Region.properties\n    update:\n      population: {type: integer}\n",
        "region.yaml",
    )
    .unwrap();
    let builder = shop();
    let bundle = builder.bundle().unwrap();
    let settings = apigen::Settings::new("shop", "openapi.yaml").with_overlay(overlay);
    let output = apigen::generate_from_value(bundle.document.clone(), &settings).unwrap();
    let types = file(&output, "types.rs");
    assert!(
        types.contains("pub population: Option<i64>"),
        "the overlay reached a schema from another file"
    );
}

#[cfg(unix)]
#[test]
fn a_link_that_leads_out_of_the_root_folder_is_refused_unless_allowed() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("multi-file-link");
    let _ = std::fs::remove_dir_all(&base);
    let (root_dir, elsewhere) = (base.join("api"), base.join("elsewhere"));
    std::fs::create_dir_all(&root_dir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("Secret.yaml"), "type: string\n").unwrap();
    std::os::unix::fs::symlink(elsewhere.join("Secret.yaml"), root_dir.join("Linked.yaml")).unwrap();
    std::fs::write(
        root_dir.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: Linked.yaml\n",
    )
    .unwrap();
    let refused = Builder::new(root_dir.join("openapi.yaml"))
        .bundle()
        .unwrap_err()
        .to_string();
    assert!(refused.contains("outside the folder of the root document"), "{refused}");
    assert!(refused.contains("openapi.yaml:7:7"), "{refused}");
    let allowed = Builder::new(root_dir.join("openapi.yaml"))
        .allow_ref_outside(true)
        .bundle()
        .unwrap();
    assert_eq!(allowed.document["components"]["schemas"]["Linked"]["type"], "string");
}
