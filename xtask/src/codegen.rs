//! Code generation commands and the "committed files are fresh" check.

use std::fs;
use std::path::{Path, PathBuf};

/// The spec the SDK is generated from, relative to the repository root.
pub const SPEC: &str = "spec/inboxapp.yaml";
/// Where the generated module lives, relative to the repository root.
pub const OUT_DIR: &str = "generated/src/generated";

/// The repository root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Generates the SDK module from `spec/` into memory.
pub fn generate_sdk(root: &Path) -> Result<apigen::Output, String> {
    let spec_path = root.join(SPEC);
    let text = fs::read_to_string(&spec_path).map_err(|err| format!("cannot read {}: {err}", spec_path.display()))?;
    let settings = apigen::Settings::new("inboxapp", SPEC);
    apigen::generate(&text, SPEC, &settings).map_err(|err| format!("{SPEC}: {err}"))
}

/// `cargo xtask codegen [--check]`.
pub fn run_codegen(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            return Err(format!(
                "unexpected arguments {args:?}; usage: cargo xtask codegen [--check]"
            ))
        }
    };
    let root = project_root();
    let started = std::time::Instant::now();
    let output = generate_sdk(&root)?;
    for diagnostic in &output.diagnostics {
        eprintln!("warning: {diagnostic}");
    }
    let stale = sync_files(&root.join(OUT_DIR), &output.files, check)?;
    if check {
        if stale.is_empty() {
            println!("{OUT_DIR} is up to date with {SPEC}");
            return Ok(());
        }
        return Err(format!(
            "generated code is stale: {}\nrun `cargo xtask codegen` and commit the result",
            stale
                .iter()
                .map(|path| path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    println!(
        "generated {} operations and {} types into {OUT_DIR} ({} files changed) in {} ms",
        output.operation_counts.0,
        output.type_count,
        stale.len(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// Makes `dir` hold exactly `files`. In check mode nothing is written; returns the
/// paths that differ (changed, missing, or extra `.rs` files).
pub fn sync_files(dir: &Path, files: &[apigen::GeneratedFile], check: bool) -> Result<Vec<PathBuf>, String> {
    let mut stale = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        let current = fs::read_to_string(&path).ok().map(|text| text.replace("\r\n", "\n"));
        if current.as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        stale.push(path.clone());
        if !check {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
            }
            fs::write(&path, &file.contents).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !files.iter().any(|file| file.path == name) {
                stale.push(entry.path());
                if !check {
                    fs::remove_file(entry.path()).map_err(|err| format!("cannot remove {name}: {err}"))?;
                }
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// `cargo xtask generate --spec FILE --out DIR --name CRATE`: a standalone crate.
pub fn run_generate(args: &[String]) -> Result<(), String> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let value = iter.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--spec" => spec = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            "--name" => name = Some(value.clone()),
            _ => return Err(format!("unknown flag {flag:?}")),
        }
    }
    let (Some(spec), Some(out), Some(name)) = (spec, out, name) else {
        return Err("usage: cargo xtask generate --spec FILE --out DIR --name CRATE".into());
    };
    let text = fs::read_to_string(&spec).map_err(|err| format!("cannot read {}: {err}", spec.display()))?;
    let label = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let settings = apigen::Settings::new(&name, &label).with_regenerate_command(format!(
        "cargo xtask generate --spec {} --out {} --name {name}",
        spec.display(),
        out.display()
    ));
    let output = apigen::generate(&text, &label, &settings).map_err(|err| format!("{}: {err}", spec.display()))?;
    let runtime = project_root().join("runtime");
    let crate_files = apigen::standalone::crate_files(&name, &runtime, &output);
    for (path, contents) in crate_files {
        let path = out.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
        }
        fs::write(&path, contents).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    for diagnostic in &output.diagnostics {
        println!("diagnostic: {diagnostic}");
    }
    println!(
        "{}: {}/{} operations, {} types, {} diagnostics → {}",
        spec.display(),
        output.operation_counts.0,
        output.operation_counts.1,
        output.type_count,
        output.diagnostics.len(),
        out.display()
    );
    Ok(())
}
