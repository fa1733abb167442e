//! The `apigen` binary's behaviour at the edges: exit codes, clear errors, the JSON
//! report, and refusing to overwrite a crate it did not write.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/specs")
        .join(name)
}

fn apigen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn missing_files_and_unsupported_swagger_versions_are_explained() {
    let out = apigen(&["check", "--spec", "/nonexistent/openapi.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read /nonexistent/openapi.yaml"),
        "{}",
        text(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let swagger = dir.path().join("swagger.json");
    std::fs::write(
        &swagger,
        r#"{"swagger": "1.2", "info": {"title": "x", "version": "1"}, "paths": {}}"#,
    )
    .unwrap();
    let out = apigen(&["check", "--spec", swagger.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("unsupported Swagger version \"1.2\""), "{stderr}");

    let not_openapi = dir.path().join("data.yaml");
    std::fs::write(&not_openapi, "name: not a spec\n").unwrap();
    let out = apigen(&["check", "--spec", not_openapi.to_str().unwrap()]);
    assert!(
        text(&out.stderr).contains("not an OpenAPI 3 document"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn swagger_2_documents_are_checked_with_positions_in_the_2_0_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("swagger.yaml");
    // Line 8: a tsv array (reported by the converter); line 11: an unknown format in
    // a body schema (reported after conversion, mapped back).
    std::fs::write(
        &spec,
        "swagger: '2.0'\ninfo: {title: x, version: '1'}\nhost: example.com\nschemes: [https]\npaths:\n  /a:\n    post:\n      parameters:\n        - {name: ids, in: query, type: array, items: {type: string}, collectionFormat: tsv}\n        - name: body\n          in: body\n          schema: {type: string, format: odd}\n      responses:\n        200: {description: ok}\n",
    )
    .unwrap();
    let out = apigen(&["check", "--spec", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        report.contains(":9:") && report.contains("#/paths/~1a/post/parameters/0/collectionFormat"),
        "{report}"
    );
    assert!(
        report.contains(":12:") && report.contains("#/paths/~1a/post/parameters/1/schema/format"),
        "{report}"
    );
    assert!(report.contains("1 of 1 operations"), "{report}");
}

#[test]
fn check_reports_diagnostics_with_positions_and_can_deny_them() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("odd.yaml");
    // No server URL and an unknown string format: two diagnostics.
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: Odd, version: '1'}\npaths:\n  /things:\n    get:\n      operationId: listThings\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: string\n                format: uriref\n",
    )
    .unwrap();
    let spec = spec.to_str().unwrap();
    let out = apigen(&["check", "--spec", spec]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{spec}:14:17: #/paths/~1things/get/responses/200/content/application~1json/schema/format"
        )),
        "{stdout}"
    );

    let out = apigen(&["check", "--spec", spec, "--deny-diagnostics"]);
    assert_eq!(out.status.code(), Some(1));

    let out = apigen(&["check", "--spec", spec, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["operations"]["generated"], 1);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2, "{report}");
    assert!(
        diagnostics.iter().any(|d| d["line"] == 14 && d["column"] == 17),
        "{report}"
    );

    let clean = fixture("requests.yaml");
    let out = apigen(&["check", "--spec", clean.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["error"].is_null(), "{report}");
}

#[test]
fn generate_never_overwrites_a_crate_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    let spec = fixture("requests.yaml");
    let args = [
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "--name",
        "x",
    ];
    let out = apigen(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--force"), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(),
        "[package]\nname = \"mine\"\n"
    );

    // Its own output it regenerates in place.
    let fresh = dir.path().join("client");
    let args = [
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        fresh.to_str().unwrap(),
        "--name",
        "x",
    ];
    assert!(apigen(&args).status.success());
    let again = apigen(&args);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let manifest = std::fs::read_to_string(fresh.join("Cargo.toml")).unwrap();
    // The default: the crate carries its own runtime copy, not a dependency on it.
    assert!(!manifest.contains("apigen-runtime ="), "{manifest}");
    assert!(fresh.join("src/generated/apigen_runtime/mod.rs").exists());
}

#[test]
fn help_reads_like_a_manual() {
    let out = apigen(&["--help"]);
    let help = text(&out.stdout);
    for part in ["EXAMPLES:", "EXIT STATUS:", "--deny-diagnostics", "Overlay"] {
        assert!(help.contains(part), "--help lacks {part}:\n{help}");
    }
    let out = apigen(&["generate", "--help"]);
    let generate_help = text(&out.stdout);
    assert!(generate_help.contains("path=DIR"), "{generate_help}");
    assert!(generate_help.contains("vendored"), "{generate_help}");
}
