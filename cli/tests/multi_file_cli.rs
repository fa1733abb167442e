//! `apigen generate` and `apigen check` on a description split over many files
//! (`tests/fixtures/multi/`): the root file is all they need, diagnostics name the
//! file they are about, and refs leaving the root folder need `--allow-ref-outside`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/multi")
        .join(path)
}

fn apigen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_on_a_multi_file_root_locates_diagnostics_in_their_file() {
    let root = fixture("shop/openapi.yaml");
    let out = apigen(&["check", "--spec", root.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("(13 files): 3 of 3 operations"), "{stdout}");
    let line = stdout.lines().next().unwrap_or_default();
    assert!(
        line.contains("shop/schemas/Droplet.yaml:10:5: #/components/schemas/Droplet/properties/cidr/format: unknown string format"),
        "{line}"
    );
    let out = apigen(&["check", "--spec", root.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"], 13);
    assert!(report["diagnostics"][0]["file"]
        .as_str()
        .unwrap()
        .ends_with("schemas/Droplet.yaml"));
    assert_eq!(report["diagnostics"][0]["line"], 10);
}

#[test]
fn generate_writes_a_crate_from_a_multi_file_root() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("shop");
    let root = fixture("shop/openapi.yaml");
    let out = apigen(&[
        "generate",
        "--spec",
        root.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--name",
        "shop",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Droplet.yaml:10:5"), "{}", text(&out.stderr));
    let types = std::fs::read_to_string(out_dir.join("src/generated/types.rs")).unwrap();
    assert!(types.contains("pub struct Droplet {"));
    assert!(types.contains("pub struct Region {"));
    let operations = std::fs::read_to_string(out_dir.join("src/generated/operations.rs")).unwrap();
    assert!(operations.contains("fn droplets_list"));
}

#[test]
fn refs_outside_the_root_folder_need_the_flag_and_remote_ones_always_fail() {
    let outside = fixture("errors/outside.yaml");
    let out = apigen(&["check", "--spec", outside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("outside.yaml:7:7") && stderr.contains("--allow-ref-outside"),
        "{stderr}"
    );
    let out = apigen(&["check", "--spec", outside.to_str().unwrap(), "--allow-ref-outside"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(2 files)"), "{}", text(&out.stdout));

    let remote = fixture("errors/remote.yaml");
    let out = apigen(&["check", "--spec", remote.to_str().unwrap(), "--allow-ref-outside"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("remote URL"), "{}", text(&out.stderr));

    let missing = fixture("errors/missing.yaml");
    let out = apigen(&["check", "--spec", missing.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = report["error"].as_str().unwrap();
    assert!(
        error.contains("errors/ops/list.yaml:8:11") && error.contains("Nope.yaml"),
        "{error}"
    );
}
