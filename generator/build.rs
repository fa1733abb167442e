//! Embeds the runtime crate (`../runtime`) in the generator, so that `apigen` can write
//! a copy of it into every crate it generates (`standalone::vendored_runtime`).
//!
//! Writes `$OUT_DIR/runtime_source.rs` with three constants:
//! - `RUNTIME_FILES`: `(path relative to runtime/src, contents)` of every `.rs` file,
//!   sorted by path (byte-identical output for one apigen version);
//! - `RUNTIME_DEPENDENCIES`: `(name, TOML inline table)` of every runtime dependency,
//!   workspace inheritance resolved;
//! - `RUNTIME_FEATURES`: `(name, members)` of the runtime's `[features]`.
//!
//! A broken runtime manifest is a bug of this repository, not of a user's input, so
//! this script fails the build with a message instead of guessing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};
use toml_edit::{DocumentMut, Item, Value};

fn main() {
    if let Err(message) = run() {
        eprintln!("apigen build script: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let runtime = manifest_dir.join("../runtime");
    let workspace_manifest = manifest_dir.join("../Cargo.toml");
    println!("cargo:rerun-if-changed={}", runtime.join("src").display());
    println!("cargo:rerun-if-changed={}", runtime.join("Cargo.toml").display());
    println!("cargo:rerun-if-changed={}", workspace_manifest.display());

    let mut files = Vec::new();
    collect(&runtime.join("src"), &mut files)?;
    files.sort();
    let runtime_manifest = read_toml(&runtime.join("Cargo.toml"))?;
    let workspace = read_toml(&workspace_manifest)?;

    let mut out = String::new();
    out.push_str("/// Every `.rs` file of the runtime crate: path relative to `src/`, contents.\n");
    out.push_str("pub(crate) const RUNTIME_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        let relative = path
            .strip_prefix(runtime.join("src"))
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            out,
            "    ({relative:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");

    out.push_str("/// The runtime's dependencies: name and TOML inline table.\n");
    out.push_str("pub(crate) const RUNTIME_DEPENDENCIES: &[(&str, &str)] = &[\n");
    for (name, table) in dependencies(&runtime_manifest, &workspace)? {
        let _ = writeln!(out, "    ({name:?}, {table:?}),");
    }
    out.push_str("];\n");

    out.push_str("/// The runtime's features: name and members.\n");
    out.push_str("pub(crate) const RUNTIME_FEATURES: &[(&str, &[&str])] = &[\n");
    if let Some(features) = runtime_manifest.get("features").and_then(Item::as_table) {
        for (name, members) in features.iter() {
            let members: Vec<String> = members
                .as_array()
                .ok_or_else(|| format!("feature {name} is not an array"))?
                .iter()
                .filter_map(|member| member.as_str().map(str::to_owned))
                .collect();
            let _ = writeln!(out, "    ({name:?}, &{members:?}),");
        }
    }
    out.push_str("];\n");

    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    fs::write(out_dir.join("runtime_source.rs"), out).map_err(|e| e.to_string())
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

fn read_toml(path: &Path) -> Result<DocumentMut, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.parse::<DocumentMut>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// `(name, inline table)` per `[dependencies]` entry of the runtime, with
/// `x.workspace = true` replaced by the workspace's entry (plus the local keys).
fn dependencies(runtime: &DocumentMut, workspace: &DocumentMut) -> Result<Vec<(String, String)>, String> {
    let deps = runtime
        .get("dependencies")
        .and_then(Item::as_table_like)
        .ok_or("runtime/Cargo.toml has no [dependencies]")?;
    let workspace_deps = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table_like);
    let mut out = Vec::new();
    for (name, item) in deps.iter() {
        let mut table = toml_edit::InlineTable::new();
        match item {
            Item::Value(Value::String(version)) => {
                table.insert("version", Value::from(version.value().as_str()));
            }
            other => {
                let local = other
                    .as_table_like()
                    .ok_or_else(|| format!("dependency {name} has an unexpected form"))?;
                if local.get("workspace").and_then(Item::as_bool) == Some(true) {
                    let inherited = workspace_deps
                        .and_then(|deps| deps.get(name))
                        .ok_or_else(|| format!("dependency {name} is not in [workspace.dependencies]"))?;
                    match inherited {
                        Item::Value(Value::String(version)) => {
                            table.insert("version", Value::from(version.value().as_str()));
                        }
                        other => {
                            let inherited = other
                                .as_table_like()
                                .ok_or_else(|| format!("workspace dependency {name} has an unexpected form"))?;
                            for (key, value) in inherited.iter() {
                                if let Some(value) = value.as_value() {
                                    table.insert(key, value.clone());
                                }
                            }
                        }
                    }
                }
                for (key, value) in local.iter() {
                    if key == "workspace" {
                        continue;
                    }
                    let Some(value) = value.as_value() else { continue };
                    if key == "features" {
                        merge_features(&mut table, value);
                    } else {
                        table.insert(key, value.clone());
                    }
                }
            }
        }
        if table.contains_key("path") {
            return Err(format!(
                "runtime dependency {name} is a path dependency; it cannot be vendored"
            ));
        }
        table.fmt();
        out.push((name.to_owned(), table.to_string().trim().to_owned()));
    }
    Ok(out)
}

/// Adds `local`'s features to the table's (workspace) features, keeping order, no repeats.
fn merge_features(table: &mut toml_edit::InlineTable, local: &Value) {
    let mut features: Vec<String> = table
        .get("features")
        .and_then(Value::as_array)
        .map(|array| array.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    for feature in local.as_array().into_iter().flatten().filter_map(Value::as_str) {
        if !features.iter().any(|known| known == feature) {
            features.push(feature.to_owned());
        }
    }
    let array: toml_edit::Array = features.iter().map(String::as_str).collect();
    table.insert("features", Value::Array(array));
}
