//! The first hour of a new user, as README.md tells it: generate a crate per spec with
//! the default options (no `--runtime`: the runtime is copied into each crate), and
//! build both into one program that calls each API, authenticated the way each spec
//! says (an API key in a header; HTTP bearer), with no header name written by hand. The program runs against each
//! crate's mock server, a real HTTP server on 127.0.0.1. Also: `cargo package` accepts
//! a generated crate (its verification build included), regeneration is
//! byte-identical and restores an edited runtime copy, and switching to a shared
//! runtime (`--runtime path=…`) removes the copy.
//!
//! Specs: `tests/fixtures/first-hour/` (ours, so no corpus is needed). Builds share the
//! workspace's target directory and `Cargo.lock`, and run offline: every dependency of
//! the runtime copy is one the workspace already uses.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{cargo, repo_root};

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/first-hour").join(name)
}

fn apigen(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .output()
        .expect("apigen runs");
    assert!(
        output.status.success(),
        "apigen {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn generate(spec: &Path, out: &Path, name: &str, extra: &[&str]) {
    let spec = spec.to_str().expect("UTF-8 path");
    let out = out.to_str().expect("UTF-8 path");
    let mut args = vec!["generate", "--spec", spec, "--out", out, "--name", name];
    args.extend_from_slice(extra);
    apigen(&args);
}

fn succeeded(output: &Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under `dir`, relative path → contents.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

const PROGRAM: &str = r#"
//! Calls two generated clients, each against its own mock server.
use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let pet_server = pets::mock::MockServer::start().await?;
    pet_server.get_pet().pet_id("p1").respond(&pets::types::Pet::new("p1", "Rex"));
    pet_server
        .get_pet()
        .pet_id("nope")
        .respond_error(404, &pets::types::Problem::new("no pet called nope"));
    // The spec's `petsKey` scheme: the builder method is named after it, and the key
    // travels in the header the spec names.
    let pets_client = pet_server.client_builder().pets_key("key-123").build()?;
    let rex = pets_client.get_pet("p1").await?;
    let missing = match pets_client.get_pet("nope").await {
        Err(pets::Error::Api(api)) => format!("{} {}", api.status, api.body.map(|b| b.message).unwrap_or_default()),
        other => return Err(format!("expected a 404, got {other:?}").into()),
    };

    let note_server = notes::mock::MockServer::start().await?;
    note_server.create_note().respond(&notes::types::Note::new(7, "hello"));
    let unauthenticated = note_server.client_builder().build()?;
    let refused = match unauthenticated.create_note(notes::types::NewNote::new("x")).await {
        Err(notes::Error::MissingCredentials { .. }) => "refused before sending",
        other => return Err(format!("expected MissingCredentials, got {other:?}").into()),
    };
    let notes_client = note_server.client_builder().bearer_auth("tok").build()?;
    let note = notes_client.create_note(notes::types::NewNote::new("hello")).await?;
    let sent = note_server.requests();
    let key = pet_server.requests().first().and_then(|r| r.header("x-pets-key").map(str::to_owned));
    let bearer = sent.first().and_then(|r| r.header("authorization").map(str::to_owned));

    println!(
        "pet {} is {}; {missing}; note {} says {}; {} note request(s); {refused}; key {key:?}; {bearer:?}",
        rex.id, rex.name, note.id, note.text, sent.len()
    );
    Ok(())
}
"#;

#[test]
fn two_default_crates_build_into_one_program_and_call_their_apis() {
    let scratch = tempfile::tempdir().unwrap();
    let pets = scratch.path().join("pets");
    let notes = scratch.path().join("notes");
    generate(&fixture("pets.yaml"), &pets, "pets", &[]);
    generate(&fixture("notes.yaml"), &notes, "notes", &[]);

    for dir in [&pets, &notes] {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            !manifest.contains("apigen-runtime ="),
            "depends on the unpublished runtime:\n{manifest}"
        );
        assert!(manifest.contains("reqwest = "), "{manifest}");
        assert!(dir.join("src/generated/apigen_runtime/mod.rs").exists());
        let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.contains("src/generated/apigen_runtime/"), "{readme}");
    }
    let readme = std::fs::read_to_string(pets.join("README.md")).unwrap();
    assert!(
        readme.contains("- `petsKey` (2 operations): apiKey: `pets_key(key)` sends the header `X-Pets-Key`"),
        "the README names the credential method:\n{readme}"
    );

    let app = scratch.path().join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\
         pets = { path = \"../pets\", features = [\"mock\"] }\n\
         notes = { path = \"../notes\", features = [\"mock\"] }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), PROGRAM).unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), app.join("Cargo.lock")).unwrap();
    let stdout = succeeded(
        &cargo(&app, &["run", "--offline", "--quiet"]),
        "cargo run of the two-client program",
    );
    assert_eq!(
        stdout.trim(),
        "pet p1 is Rex; 404 no pet called nope; note 7 says hello; 1 note request(s); refused before sending; \
         key Some(\"key-123\"); Some(\"Bearer tok\")"
    );
}

#[test]
fn the_runtime_copy_is_stable_packages_and_can_be_swapped_for_a_shared_runtime() {
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch.path().join("first");
    let second = scratch.path().join("second");
    generate(&fixture("pets.yaml"), &first, "pets", &[]);
    generate(&fixture("pets.yaml"), &second, "pets", &[]);
    let first_files = files(&first);
    assert!(first_files.len() > 20, "{} files", first_files.len());
    assert_eq!(first_files, files(&second), "two generations differ");

    // An edited copy is restored by regenerating; the header says where it comes from.
    let copy = first.join("src/generated/apigen_runtime/call.rs");
    let original = std::fs::read_to_string(&copy).unwrap();
    assert!(
        original.starts_with("// Copied from apigen-runtime "),
        "{}",
        &original[..80]
    );
    std::fs::write(&copy, "// edited\n").unwrap();
    generate(&fixture("pets.yaml"), &first, "pets", &[]);
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), original);

    // `cargo package` (with its verification build) accepts the crate.
    std::fs::copy(repo_root().join("Cargo.lock"), first.join("Cargo.lock")).unwrap();
    let packaged = cargo(&first, &["package", "--offline", "--allow-dirty", "--quiet"]);
    succeeded(&packaged, "cargo package");

    // A shared runtime instead: the copy goes, the dependency comes.
    let runtime = repo_root().join("runtime");
    let runtime_source = format!("path={}", runtime.display());
    generate(
        &fixture("pets.yaml"),
        &first,
        "pets",
        &["--runtime", runtime_source.as_str()],
    );
    assert!(!first.join("src/generated/apigen_runtime").exists());
    let manifest = std::fs::read_to_string(first.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("apigen-runtime = { path = "), "{manifest}");
}

/// Every kind of generated code compiles against the runtime copy, with every feature
/// (`mock`, `tracing`): authentication schemes, event streams and JSON lines, a
/// converted Swagger 2.0 document, OpenAPI 3.2 methods, tagged unions.
#[test]
fn fixture_crates_with_the_runtime_copy_check_with_every_feature() {
    let scratch = tempfile::tempdir().unwrap();
    let fixtures = ["security", "streams", "swagger2", "openapi32", "tagged-unions"];
    for name in fixtures {
        let spec = repo_root().join(format!("tests/fixtures/specs/{name}.yaml"));
        generate(&spec, &scratch.path().join(name), &format!("copy-{name}"), &[]);
    }
    let members: Vec<String> = fixtures.iter().map(|name| format!("{name:?}")).collect();
    std::fs::write(
        scratch.path().join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )
    .unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    let checked = cargo(scratch.path(), &["check", "--offline", "--quiet", "--all-features"]);
    succeeded(&checked, "cargo check --all-features of the fixture crates");
}
