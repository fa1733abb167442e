//! Snapshot tests of the generator on the small fixture specs in `fixtures/specs/`.
//!
//! For fixture `X.yaml` the generated module is kept in `snapshots/X/` (`mod.rs`,
//! `types.rs`, `operations.rs`) next to `diagnostics.txt`, which lists the
//! diagnostics and the OpenAPI 3.1 → 3.0 rewrites. A test fails when the generator's
//! output differs from the snapshot; after checking the change is intended, accept it
//! with `APIGEN_ACCEPT=1 cargo test -p tests --test snapshots`.
//!
//! `snapshots_compile.rs` compiles the same snapshot files and exercises them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The command that rewrites the snapshots; named in every failure message.
const ACCEPT_COMMAND: &str = "APIGEN_ACCEPT=1 cargo test -p tests --test snapshots";

/// Name of the file holding diagnostics and normalisation rewrites.
const DIAGNOSTICS_FILE: &str = "diagnostics.txt";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn accepting() -> bool {
    tests::accept::accepting()
}

/// Generates `fixtures/specs/{name}.yaml` and returns every snapshot file by name.
fn generate(name: &str) -> BTreeMap<String, String> {
    let label = format!("tests/fixtures/specs/{name}.yaml");
    let spec_path = manifest_dir().join("fixtures/specs").join(format!("{name}.yaml"));
    let text =
        fs::read_to_string(&spec_path).unwrap_or_else(|err| panic!("cannot read {}: {err}", spec_path.display()));
    let settings = apigen::Settings::new("fixture", label.as_str()).with_regenerate_command(ACCEPT_COMMAND);
    let output =
        apigen::generate(&text, &label, &settings).unwrap_or_else(|err| panic!("{label} does not generate: {err}"));
    let mut files: BTreeMap<String, String> = output
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    assert!(
        !files.contains_key(DIAGNOSTICS_FILE),
        "the generator emitted a file named {DIAGNOSTICS_FILE}, which the snapshots use"
    );
    let mut report = format!(
        "operations: {} of {}; named types: {}\n",
        output.operation_counts.generated, output.operation_counts.total, output.type_count
    );
    report.push_str(&format!("\ndiagnostics ({}):\n", output.diagnostics.len()));
    for diagnostic in &output.diagnostics {
        report.push_str(&format!("{diagnostic}\n"));
    }
    report.push_str(&format!("\nnormalizations ({}):\n", output.normalizations.len()));
    for rewrite in &output.normalizations {
        report.push_str(&format!("{}: {}\n", rewrite.pointer, rewrite.what));
    }
    files.insert(DIAGNOSTICS_FILE.to_owned(), report);
    files
}

/// The first line where `expected` and `actual` differ, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    let mut number = 1;
    loop {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(left), Some(right)) if left == right => number += 1,
            (None, None) => return "only line endings differ".to_owned(),
            (left, right) => {
                return format!(
                    "first difference at line {number}:\n  snapshot:  {}\n  generated: {}",
                    left.unwrap_or("<end of file>"),
                    right.unwrap_or("<end of file>")
                )
            }
        }
    }
}

fn write_snapshots(dir: &Path, files: &BTreeMap<String, String>) {
    fs::create_dir_all(dir).unwrap_or_else(|err| panic!("cannot create {}: {err}", dir.display()));
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_file() && !files.contains_key(&name) {
                fs::remove_file(entry.path())
                    .unwrap_or_else(|err| panic!("cannot remove stale {}: {err}", entry.path().display()));
            }
        }
    }
    for (name, contents) in files {
        let path = dir.join(name);
        let unchanged = fs::read_to_string(&path).is_ok_and(|old| &old == contents);
        if !unchanged {
            fs::write(&path, contents).unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
        }
    }
}

fn compare_snapshots(name: &str, dir: &Path, files: &BTreeMap<String, String>) {
    let mut problems = Vec::new();
    for (file, contents) in files {
        let path = dir.join(file);
        match fs::read_to_string(&path) {
            Ok(expected) if &expected == contents => {}
            Ok(expected) => problems.push(format!(
                "tests/snapshots/{name}/{file} differs from the generated output; {}",
                first_difference(&expected, contents)
            )),
            Err(err) => problems.push(format!("tests/snapshots/{name}/{file} cannot be read ({err})")),
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if !files.contains_key(&file) {
                problems.push(format!("tests/snapshots/{name}/{file} is no longer generated"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "snapshot mismatch for fixture {name}.yaml:\n{}\n\nIf the change is intended, accept it with `{ACCEPT_COMMAND}` and review the diff.",
        problems.join("\n")
    );
}

/// Generates the multi-file fixture `fixtures/multi/{tree}/openapi.yaml` (through
/// `apigen::build::Builder`, which reads every file its `$ref`s reach).
fn generate_multi(tree: &str) -> BTreeMap<String, String> {
    let root = manifest_dir().join("fixtures/multi").join(tree).join("openapi.yaml");
    let output = apigen::build::Builder::new(&root)
        .crate_name("fixture")
        .label(format!("tests/fixtures/multi/{tree}/openapi.yaml"))
        .regenerate_command(ACCEPT_COMMAND)
        // Like the other snapshots: the code names the `apigen-runtime` crate.
        .vendored_runtime(false)
        .generate()
        .unwrap_or_else(|err| panic!("{tree} does not generate: {err}"));
    let mut files: BTreeMap<String, String> = output
        .files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    let mut report = format!(
        "operations: {} of {}; named types: {}\n\ndiagnostics ({}):\n",
        output.operation_counts.generated,
        output.operation_counts.total,
        output.type_count,
        output.diagnostics.len()
    );
    for diagnostic in &output.diagnostics {
        report.push_str(&format!("{diagnostic}\n"));
    }
    files.insert(DIAGNOSTICS_FILE.to_owned(), report);
    files
}

/// Generates fixture `name` twice, checks both runs agree, then compares with (or,
/// under `APIGEN_ACCEPT=1`, rewrites) its snapshots.
fn check(name: &str) {
    check_files(name, &|| generate(name));
}

/// [`check`] for any way of generating the files of snapshot `name`.
fn check_files(name: &str, generate: &dyn Fn() -> BTreeMap<String, String>) {
    let files = generate();
    let again = generate();
    for (file, contents) in &files {
        assert!(
            again.get(file) == Some(contents),
            "generating {name}.yaml twice gave different {file}: the output is not deterministic"
        );
    }
    assert_eq!(
        files.len(),
        again.len(),
        "generating {name}.yaml twice gave different file lists"
    );
    let dir = manifest_dir().join("snapshots").join(name);
    if accepting() {
        write_snapshots(&dir, &files);
    } else {
        compare_snapshots(name, &dir, &files);
    }
}

/// A description split over 13 files (`fixtures/multi/shop/`), bundled first.
#[test]
fn multi_shop() {
    check_files("multi-shop", &|| generate_multi("shop"));
}

#[test]
fn nullable_30() {
    check("nullable-30");
}

#[test]
fn nullable_31() {
    check("nullable-31");
}

#[test]
fn tagged_unions() {
    check("tagged-unions");
}

#[test]
fn open_enums() {
    check("open-enums");
}

#[test]
fn maps() {
    check("maps");
}

#[test]
fn path_params() {
    check("path-params");
}

#[test]
fn openapi31() {
    check("openapi31");
}

#[test]
fn refs_siblings_31() {
    check("refs-siblings-31");
}

#[test]
fn allof() {
    check("allof");
}

#[test]
fn unions() {
    check("unions");
}

#[test]
fn recursive() {
    check("recursive");
}

#[test]
fn names() {
    check("names");
}

#[test]
fn names_hostile() {
    check("names-hostile");
}

#[test]
fn responses() {
    check("responses");
}

#[test]
fn requests() {
    check("requests");
}

#[test]
fn formats() {
    check("formats");
}

#[test]
fn refs() {
    check("refs");
}

#[test]
fn swagger2() {
    check("swagger2");
}

#[test]
fn openapi32() {
    check("openapi32");
}

/// Every fixture has a test above, and every snapshot directory has a fixture.
#[test]
fn conventions() {
    check("conventions");
}

#[test]
fn security() {
    check("security");
}

#[test]
fn streams() {
    check("streams");
}

#[test]
fn every_fixture_is_tested() {
    const TESTED: &[&str] = &[
        "nullable-30",
        "nullable-31",
        "tagged-unions",
        "open-enums",
        "maps",
        "path-params",
        "openapi31",
        "refs-siblings-31",
        "allof",
        "unions",
        "recursive",
        "names",
        "names-hostile",
        "responses",
        "requests",
        "formats",
        "refs",
        "conventions",
        "security",
        "swagger2",
        "openapi32",
        "streams",
    ];
    let mut fixtures: Vec<String> = fs::read_dir(manifest_dir().join("fixtures/specs"))
        .expect("fixtures/specs is readable")
        .flatten()
        .filter_map(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .strip_suffix(".yaml")
                .map(str::to_owned)
        })
        .collect();
    fixtures.sort();
    let mut tested: Vec<String> = TESTED.iter().map(|name| (*name).to_owned()).collect();
    tested.sort();
    assert_eq!(
        fixtures, tested,
        "fixtures/specs/*.yaml and the snapshot tests disagree: add a #[test] per fixture"
    );
    // Multi-file fixtures: `snapshots/multi-X/` for `fixtures/multi/X/openapi.yaml`.
    const TESTED_MULTI: &[&str] = &["multi-shop"];
    if let Ok(entries) = fs::read_dir(manifest_dir().join("snapshots")) {
        for entry in entries.flatten().filter(|entry| entry.path().is_dir()) {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                tested.contains(&name) || TESTED_MULTI.contains(&name.as_str()),
                "tests/snapshots/{name}/ has no fixture; delete it or add fixtures/specs/{name}.yaml"
            );
        }
    }
}
