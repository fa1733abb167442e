//! Overlays end to end: a vendor-spec fix from `tests/fixtures/overlays/` changes the
//! generated type, a fixture spec is overlaid without the corpus, and `cargo xtask
//! codegen` picks up `spec/overlays/*.yaml` in name order.

use apigen::{Overlay, Settings};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
}

fn overlay(name: &str) -> Overlay {
    let path = root().join("tests/fixtures/overlays").join(name);
    let text = std::fs::read_to_string(&path).expect("overlay fixture");
    Overlay::parse(&text, name).expect("overlay parses")
}

/// The line declaring field `field` inside `pub struct name` of the generated types.
fn field_line(output: &apigen::Output, name: &str, field: &str) -> String {
    let types = &output
        .files
        .iter()
        .find(|file| file.path == "types.rs")
        .expect("types.rs")
        .contents;
    let start = types
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name}"));
    let body = &types[start..start + types[start..].find("\n}").expect("struct end")];
    body.lines()
        .find(|line| line.trim_start().starts_with(&format!("pub {field}:")))
        .unwrap_or_else(|| panic!("no field {field} in {name}"))
        .trim()
        .to_owned()
}

#[test]
fn vendor_fix_makes_tag_color_nullable() {
    let Some(spec) = xtask::corpus::require_for_test(
        "specs/inboxapp-v1-official.openapi.json",
        "overlays: the vendor fix on the InboxApp v1 spec",
    ) else {
        return;
    };
    let text = std::fs::read_to_string(&spec).unwrap();
    let name = "inboxapp-v1-official.openapi.json";
    let plain = apigen::generate(&text, name, &Settings::new("vendor", name)).unwrap();
    assert_eq!(field_line(&plain, "Tag", "color"), "pub color: String,");

    let settings = Settings::new("vendor", name).with_overlay(overlay("inboxapp-v1-tag-color-nullable.yaml"));
    let fixed = apigen::generate(&text, name, &settings).unwrap();
    assert_eq!(field_line(&fixed, "Tag", "color"), "pub color: Option<String>,");
    // Nothing else about Tag changed.
    assert_eq!(field_line(&fixed, "Tag", "name"), field_line(&plain, "Tag", "name"));
}

#[test]
fn overlays_apply_in_order_on_a_fixture_spec() {
    let name = "requests.yaml";
    let text = std::fs::read_to_string(root().join("tests/fixtures/specs").join(name)).unwrap();
    let plain = apigen::generate(&text, name, &Settings::new("fixture", name)).unwrap();
    let schemas = apigen::load(&text, name).unwrap()["components"]["schemas"].clone();
    let (first, _) = schemas.as_object().unwrap().iter().next().expect("a component schema");
    // Two overlays: the second removes what the first added, so order matters.
    let add = Overlay::parse(
        &format!("overlay: 1.0.0\nactions:\n- target: $.components.schemas.{first}\n  update:\n    properties:\n      addedByOverlay: {{type: integer, format: int32}}\n"),
        "add.yaml",
    )
    .unwrap();
    let remove = Overlay::parse(
        &format!("overlay: 1.0.0\nactions:\n- target: $.components.schemas.{first}.properties.addedByOverlay\n  remove: true\n"),
        "remove.yaml",
    )
    .unwrap();
    let added = apigen::generate(&text, name, &Settings::new("fixture", name).with_overlay(add.clone())).unwrap();
    let types = |output: &apigen::Output| {
        output
            .files
            .iter()
            .find(|f| f.path == "types.rs")
            .unwrap()
            .contents
            .clone()
    };
    assert!(
        types(&added).contains("pub added_by_overlay: Option<i32>,"),
        "{}",
        types(&added)
    );
    let both = Settings::new("fixture", name)
        .with_overlay(add)
        .with_overlay(remove.clone());
    assert_eq!(types(&apigen::generate(&text, name, &both).unwrap()), types(&plain));

    // An action that matches nothing is an error naming the overlay, action and target.
    let err = apigen::generate(&text, name, &Settings::new("fixture", name).with_overlay(remove)).unwrap_err();
    assert!(
        err.message.contains("remove.yaml")
            && err.message.contains("action 0")
            && err.message.contains("matches nothing"),
        "{err}"
    );
}

#[test]
fn codegen_reads_spec_overlays_in_name_order() {
    let dir = std::env::temp_dir().join(format!("apigen-overlays-{}", std::process::id()));
    let overlays = dir.join("spec/overlays");
    std::fs::create_dir_all(&overlays).unwrap();
    for file in ["20-later.yaml", "10-first.yaml", "notes.txt", "15-middle.yml"] {
        std::fs::write(overlays.join(file), "").unwrap();
    }
    let found: Vec<String> = xtask::codegen::sdk_overlays(&dir)
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found, ["10-first.yaml", "15-middle.yml", "20-later.yaml"]);
    // The repository has none today, so the committed SDK is the plain spec's output.
    assert!(xtask::codegen::sdk_overlays(root()).is_empty());
}
