//! `apigen generate` writes a crate that builds after being copied elsewhere (its
//! runtime dependency is a relative path, never an absolute one), whose README quick
//! start compiles, and that `cargo package --list` accepts offline.
//!
//! Uses the corpus spec `specs/prog-keeper.json` of the shared corpus when present, else the
//! fixture `tests/fixtures/specs/requests.yaml`. Building shares the workspace's
//! target directory and `Cargo.lock`, so only the two small crates compile anew.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::{cargo, repo_root};

/// The corpus spec (in `$APIGEN_SHARED_DIR` or `../shared`, as for the other corpus
/// tests), or a fixture when the corpus is absent: this test needs a spec, not that one.
fn spec() -> PathBuf {
    let shared = std::env::var_os("APIGEN_SHARED_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"));
    let corpus = shared.join("specs/prog-keeper.json");
    if corpus.exists() {
        return corpus;
    }
    eprintln!(
        "{} absent; using the fixture tests/fixtures/specs/requests.yaml",
        corpus.display()
    );
    repo_root().join("tests/fixtures/specs/requests.yaml")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn generated_crate_builds_after_being_moved() {
    let scratch = tempfile::tempdir().unwrap();
    let generated = scratch.path().join("first/client");
    let runtime = repo_root().join("runtime");
    let output = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(["generate", "--name", "moved-client", "--spec"])
        .arg(spec())
        .arg("--out")
        .arg(&generated)
        .arg("--runtime")
        .arg(format!("path={}", runtime.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "apigen failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let manifest = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let dependency = manifest
        .lines()
        .find(|line| line.starts_with("apigen-runtime"))
        .unwrap();
    // Relative: starts with `../`, never `/`.
    assert!(dependency.contains("path = \"../"), "not a relative path: {dependency}");
    for file in ["README.md", ".gitattributes", "src/lib.rs", "src/generated/mod.rs"] {
        assert!(generated.join(file).exists(), "{file} missing");
    }
    let attributes = std::fs::read_to_string(generated.join(".gitattributes")).unwrap();
    assert!(
        attributes.contains("src/generated/** linguist-generated=true"),
        "{attributes}"
    );

    let listed = cargo(&generated, &["package", "--list", "--offline"]);
    assert!(
        listed.status.success(),
        "cargo package --list: {}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.lines().any(|line| line == "src/generated/operations.rs"),
        "{listed}"
    );
    assert!(listed.lines().any(|line| line == "README.md"), "{listed}");

    // Same depth, other directory; the original is gone, so nothing can point at it.
    let moved = scratch.path().join("second/client");
    copy_dir(&generated, &moved);
    std::fs::remove_dir_all(scratch.path().join("first")).unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), moved.join("Cargo.lock")).unwrap();
    // The README's quick start (the spec's first operation) must compile too: build it
    // as an example, with the `tokio` it tells users to add.
    let readme = std::fs::read_to_string(moved.join("README.md")).unwrap();
    let start = readme.find("```rust,no_run\n").expect("README has a quick start") + "```rust,no_run\n".len();
    let quick_start = &readme[start..start + readme[start..].find("```").unwrap()];
    assert!(quick_start.contains("client."), "{quick_start}");
    std::fs::create_dir_all(moved.join("examples")).unwrap();
    std::fs::write(moved.join("examples/quickstart.rs"), quick_start).unwrap();
    let mut manifest = std::fs::read_to_string(moved.join("Cargo.toml")).unwrap();
    manifest
        .push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n");
    std::fs::write(moved.join("Cargo.toml"), manifest).unwrap();
    let built = cargo(&moved, &["build", "--offline", "--quiet", "--lib", "--examples"]);
    assert!(
        built.status.success(),
        "moved crate does not build: {}",
        String::from_utf8_lossy(&built.stderr)
    );
}
