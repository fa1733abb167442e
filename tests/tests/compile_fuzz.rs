//! Whatever generates, compiles: a property test that renames things in real specs
//! (operationIds, schema names, parameter and property names) to names drawn from Rust
//! keywords, std/core prelude names, the generated files' own imports, empty strings,
//! digits-first and non-ASCII names and case-only collisions, then requires every
//! successful generation to parse as Rust and to `cargo check`.
//!
//! All generated modules of a run go into ONE scratch crate
//! (`target/compile-fuzz/`, one `mNNN` module per case) checked with a single
//! `cargo check`, so a CI-sized run costs one check. Inputs are our own fixture specs
//! (`fixtures/specs/`, always present) plus the small corpus specs when the shared
//! directory is there (see `xtask::corpus`). Environment:
//! - `APIGEN_COMPILE_FUZZ_CASES`: number of cases (default [`DEFAULT_CASES`]; the
//!   on-demand run uses 500 or more);
//! - `APIGEN_COMPILE_FUZZ_SEED`: a `u64` seed (default [`DEFAULT_SEED`]).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Cases in a default (CI) run: one `cargo check` of this many modules.
const DEFAULT_CASES: usize = 48;

/// Fixed so CI runs are reproducible.
const DEFAULT_SEED: u64 = 0xC0DE_C0DE_0009_0005;

/// Small corpus specs used when the shared directory is present.
const CORPUS: &[&str] = &[
    "oai-petstore.yaml",
    "oai-petstore-expanded.yaml",
    "oai-uspto.yaml",
    "oai-link-example.yaml",
    "prog-keeper.json",
    "prog-buildomat.json",
    "inboxapp-v1-official.openapi.json",
];

/// The names that have broken generated code before, or could.
const NAMES: &[&str] = &[
    // Rust keywords, strict and reserved.
    "type",
    "fn",
    "match",
    "self",
    "Self",
    "super",
    "crate",
    "async",
    "await",
    "dyn",
    "impl",
    "mod",
    "move",
    "ref",
    "return",
    "static",
    "struct",
    "trait",
    "use",
    "where",
    "loop",
    "abstract",
    "yield",
    "try",
    "gen",
    "union",
    "macro_rules",
    "r#type",
    // std/core prelude and common std names.
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "Into",
    "From",
    "Iterator",
    "IntoIterator",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Debug",
    "Display",
    "std",
    "core",
    "alloc",
    "u8",
    "i64",
    "f64",
    "bool",
    "str",
    "usize",
    // What generated files import or name themselves.
    "Pin",
    "Future",
    "IntoFuture",
    "Style",
    "CallOptions",
    "RequestSpec",
    "ErrorBody",
    "Client",
    "ClientBuilder",
    "RawClient",
    "Error",
    "Response",
    "Nullable",
    "Binary",
    "Bytes",
    "Serialize",
    "Deserialize",
    "serde",
    "serde_json",
    "apigen_runtime",
    "types",
    "operations",
    "Unknown",
    "new",
    "send",
    "builder",
    "items",
    "pages",
    "send_with_response",
    "into_future",
    "Output",
    "IntoFutureOutput",
    // Degenerate spellings.
    "",
    " ",
    "_",
    "__",
    "1",
    "123abc",
    "9lives",
    "-",
    "a-b",
    "a.b",
    "a b",
    "名前",
    "ñandú",
    "Ünïcode",
    "🦀",
    "caseCollision",
    "CaseCollision",
    "CASECOLLISION",
    "case_collision",
];

/// One rename or addition.
#[derive(Debug, Clone)]
enum Mutation {
    /// Set an operation's operationId.
    OperationId { at: u64, name: u8 },
    /// Rename a component schema (and every `$ref` to it).
    SchemaName { at: u64, name: u8 },
    /// Rename a non-path parameter.
    ParameterName { at: u64, name: u8 },
    /// Rename a property (and its entry in `required`).
    PropertyName { at: u64, name: u8 },
    /// Add a query parameter with that name to an operation.
    AddQuery { at: u64, name: u8 },
    /// Copy a component schema under a name differing only in case.
    CaseTwin { at: u64, upper: bool },
    /// Add `{type: array, items: {$ref: self}}` under a name.
    SelfArray { name: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let name = any::<u8>();
    prop_oneof![
        (any::<u64>(), name).prop_map(|(at, name)| Mutation::OperationId { at, name }),
        (any::<u64>(), name).prop_map(|(at, name)| Mutation::SchemaName { at, name }),
        (any::<u64>(), name).prop_map(|(at, name)| Mutation::ParameterName { at, name }),
        (any::<u64>(), name).prop_map(|(at, name)| Mutation::PropertyName { at, name }),
        (any::<u64>(), name).prop_map(|(at, name)| Mutation::AddQuery { at, name }),
        (any::<u64>(), any::<bool>()).prop_map(|(at, upper)| Mutation::CaseTwin { at, upper }),
        name.prop_map(|name| Mutation::SelfArray { name }),
    ]
}

fn name(choice: u8) -> String {
    NAMES[usize::from(choice) % NAMES.len()].to_owned()
}

fn pick<T>(items: &[T], at: u64) -> Option<&T> {
    if items.is_empty() {
        None
    } else {
        items.get(usize::try_from(at % items.len() as u64).unwrap_or(0))
    }
}

/// Pointers of every operation object.
fn operations(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                out.push(format!("/paths/{}/{method}", escape(path)));
            }
        }
    }
    out
}

/// Pointers of every object found under a key named `key`, anywhere.
fn objects_under(doc: &Value, key: &str) -> Vec<String> {
    fn walk(value: &Value, at: &str, key: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, child) in map {
                    let here = format!("{at}/{}", escape(k));
                    if k == key && child.is_object() {
                        out.push(here.clone());
                    }
                    walk(child, &here, key, out);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{index}"), key, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, "", key, &mut out);
    out
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Replaces every `$ref` equal to `from` by `to`.
fn retarget(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            if map.get("$ref").and_then(Value::as_str) == Some(from) {
                map.insert("$ref".into(), Value::String(to.to_owned()));
            }
            map.values_mut().for_each(|child| retarget(child, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| retarget(child, from, to)),
        _ => {}
    }
}

fn schemas(doc: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
    doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
}

fn apply(doc: &mut Value, mutation: &Mutation) {
    match *mutation {
        Mutation::OperationId { at, name: n } => {
            if let Some(pointer) = pick(&operations(doc), at).cloned() {
                if let Some(Value::Object(op)) = doc.pointer_mut(&pointer) {
                    op.insert("operationId".into(), Value::String(name(n)));
                }
            }
        }
        Mutation::SchemaName { at, name: n } => {
            let new = name(n);
            let keys: Vec<String> = schemas(doc).map(|s| s.keys().cloned().collect()).unwrap_or_default();
            let Some(old) = pick(&keys, at).cloned() else { return };
            let Some(map) = schemas(doc) else { return };
            if map.contains_key(&new) {
                return;
            }
            let Some(schema) = map.shift_remove(&old) else { return };
            map.insert(new.clone(), schema);
            let from = format!("#/components/schemas/{}", escape(&old));
            let to = format!("#/components/schemas/{}", escape(&new));
            retarget(doc, &from, &to);
        }
        Mutation::ParameterName { at, name: n } => {
            let mut params = Vec::new();
            collect_parameters(doc, "", &mut params);
            if let Some(pointer) = pick(&params, at).cloned() {
                if let Some(Value::Object(param)) = doc.pointer_mut(&pointer) {
                    param.insert("name".into(), Value::String(name(n)));
                }
            }
        }
        Mutation::PropertyName { at, name: n } => {
            let new = name(n);
            let Some(pointer) = pick(&objects_under(doc, "properties"), at).cloned() else {
                return;
            };
            let Some(Value::Object(properties)) = doc.pointer_mut(&pointer) else {
                return;
            };
            let keys: Vec<String> = properties.keys().cloned().collect();
            let Some(old) = pick(&keys, at >> 8).cloned() else {
                return;
            };
            if properties.contains_key(&new) {
                return;
            }
            let Some(value) = properties.shift_remove(&old) else {
                return;
            };
            properties.insert(new.clone(), value);
            let parent = pointer.trim_end_matches("/properties").to_owned();
            if let Some(Value::Array(required)) = doc.pointer_mut(&format!("{parent}/required")) {
                for entry in required.iter_mut() {
                    if entry.as_str() == Some(old.as_str()) {
                        *entry = Value::String(new.clone());
                    }
                }
            }
        }
        Mutation::AddQuery { at, name: n } => {
            if let Some(pointer) = pick(&operations(doc), at).cloned() {
                if let Some(Value::Object(op)) = doc.pointer_mut(&pointer) {
                    let params = op.entry("parameters").or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = params {
                        list.push(serde_json::json!({"name": name(n), "in": "query", "schema": {"type": "integer"}}));
                    }
                }
            }
        }
        Mutation::CaseTwin { at, upper } => {
            let keys: Vec<String> = schemas(doc).map(|s| s.keys().cloned().collect()).unwrap_or_default();
            let Some(old) = pick(&keys, at).cloned() else { return };
            let twin = if upper { old.to_uppercase() } else { old.to_lowercase() };
            let Some(map) = schemas(doc) else { return };
            if let (false, Some(schema)) = (map.contains_key(&twin), map.get(&old).cloned()) {
                map.insert(twin, schema);
            }
        }
        Mutation::SelfArray { name: n } => {
            let new = name(n);
            let reference = format!("#/components/schemas/{}", escape(&new));
            if let Some(Value::Object(components)) = doc.get_mut("components") {
                let schemas = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(map) = schemas {
                    map.entry(new)
                        .or_insert_with(|| serde_json::json!({"type": "array", "items": {"$ref": reference}}));
                }
            }
        }
    }
}

/// Pointers of non-path parameter objects written inline.
fn collect_parameters(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", escape(key));
                if key == "parameters" {
                    for (index, param) in child.as_array().into_iter().flatten().enumerate() {
                        if param.get("in").and_then(Value::as_str).is_some_and(|i| i != "path") {
                            out.push(format!("{here}/{index}"));
                        }
                    }
                }
                collect_parameters(child, &here, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_parameters(child, &format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

/// Input specs: `(label, loaded document)`.
fn inputs() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", fixtures.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    if let Some(dir) =
        xtask::corpus::require_for_test("specs", "compile_fuzz: corpus specs as inputs (fixtures still used)")
    {
        files.extend(CORPUS.iter().map(|name| dir.join(name)));
    }
    for path in files {
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let doc = apigen::load(&text, &label).unwrap_or_else(|err| panic!("{label} does not load: {err}"));
        out.push((label, doc));
    }
    out
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number")),
        Err(_) => default,
    }
}

#[test]
fn renamed_specs_that_generate_also_compile() {
    let cases = env_number("APIGEN_COMPILE_FUZZ_CASES", DEFAULT_CASES);
    let seed = env_number("APIGEN_COMPILE_FUZZ_SEED", DEFAULT_SEED);
    let inputs = inputs();
    let mut seed_bytes = [0_u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (0..inputs.len(), proptest::collection::vec(mutation(), 1..8));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch = root.join("target/compile-fuzz");
    let _ = std::fs::remove_dir_all(scratch.join("src"));
    let mut lib = String::from("//! Generated by the compile_fuzz test: one module per case.\n#![allow(warnings)]\n");
    let mut described = Vec::new();
    let mut rejected = Vec::new();
    for index in 0..cases {
        let (input, mutations) = strategy.new_tree(&mut runner).expect("strategy draws a case").current();
        let (label, base) = &inputs[input];
        let mut doc = base.clone();
        for mutation in &mutations {
            apply(&mut doc, mutation);
        }
        let case = format!("case {index}: {label} with {mutations:?}");
        let module = format!("m{index:04}");
        match apigen::generate_from_value(doc.clone(), &apigen::Settings::new("fuzz", "fuzz.json")) {
            Ok(output) => {
                for file in &output.files {
                    if let Err(err) = syn::parse_file(&file.contents) {
                        panic!("{case}: generated {} does not parse as Rust: {err}", file.path);
                    }
                    let path = scratch.join("src").join(&module).join(&file.path);
                    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create module dir");
                    std::fs::write(&path, &file.contents).expect("write generated file");
                }
                let _ = writeln!(lib, "#[path = \"{module}/mod.rs\"]\npub mod {module};");
                let spec = scratch.join("specs").join(format!("{module}.json"));
                std::fs::create_dir_all(spec.parent().expect("has a parent")).expect("create specs dir");
                std::fs::write(&spec, serde_json::to_string_pretty(&doc).unwrap_or_default()).expect("write spec");
                described.push((module, case));
            }
            Err(err) => rejected.push(format!("{case}: {err}")),
        }
    }
    let generated = described.len();
    eprintln!(
        "compile_fuzz: {cases} cases (seed {seed:#x}), {generated} generated, {} rejected",
        rejected.len()
    );
    for reason in &rejected {
        eprintln!("  rejected {reason}");
    }
    // Renaming never makes a spec invalid, so nearly every case must generate.
    assert!(
        generated * 10 >= cases * 9,
        "only {generated} of {cases} renamed specs generated:\n{}",
        rejected.join("\n")
    );
    std::fs::write(scratch.join("src/lib.rs"), &lib).expect("write lib.rs");
    let runtime = root.join("runtime").canonicalize().expect("runtime dir");
    let manifest = format!(
        "[package]\nname = \"compile_fuzz\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\napigen-runtime = {{ path = \"{}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\n[workspace]\n",
        runtime.display().to_string().replace('\\', "/")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    let _ = std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let checked = Command::new(cargo)
        .args(["check", "--quiet", "--message-format", "short"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo check");
    if !checked.status.success() {
        let stderr = String::from_utf8_lossy(&checked.stderr);
        let mut broken: Vec<String> = Vec::new();
        for (module, case) in &described {
            let needle = format!("src/{module}/");
            let errors: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains(&needle) && l.contains("error"))
                .take(3)
                .collect();
            if !errors.is_empty() {
                broken.push(format!(
                    "{case}\n  spec: target/compile-fuzz/specs/{module}.json\n  {}",
                    errors.join("\n  ")
                ));
            }
        }
        panic!(
            "{} of {generated} generated modules do not compile (seed {seed:#x}):\n{}\n--- cargo check ---\n{}",
            broken.len(),
            broken.join("\n"),
            stderr.lines().take(40).collect::<Vec<_>>().join("\n")
        );
    }
    eprintln!("compile_fuzz: all {generated} generated modules compile (one cargo check)");
}
