//! Code generation commands and the "committed files are fresh" check: thin wrappers
//! over `apigen::build` (the same calls the `apigen` CLI makes).

use crate::XtaskError;
use apigen::build::{self, Builder};
use apigen::standalone::{CrateOptions, RuntimeSource};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The spec the SDK is generated from, relative to the repository root.
pub const SPEC: &str = "spec/inboxapp.yaml";
/// Overlays applied to [`SPEC`] (every `*.yaml` here, in file-name order), when present.
pub const OVERLAYS_DIR: &str = "spec/overlays";
/// Where the generated module lives, relative to the repository root.
pub const OUT_DIR: &str = "generated/src/generated";

/// The repository root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The overlay files in `root/spec/overlays/`, sorted by name (empty when absent).
pub fn sdk_overlays(root: &Path) -> Vec<PathBuf> {
    let mut overlays: Vec<PathBuf> = fs::read_dir(root.join(OVERLAYS_DIR))
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    overlays.retain(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")));
    overlays.sort();
    overlays
}

/// The builder of the SDK module: `spec/` (the root document and any file its `$ref`s
/// reach) and `spec/overlays/`.
pub fn sdk_builder(root: &Path) -> Builder {
    // Relative labels keep the generated headers free of this machine's paths.
    let mut builder = Builder::new(root.join(SPEC))
        .crate_name("inboxapp")
        .regenerate_command("cargo xtask codegen")
        .feature_groups(true)
        // The SDK depends on the workspace's `apigen-runtime` crate.
        .vendored_runtime(false);
    for overlay in sdk_overlays(root) {
        builder = builder.overlay(overlay);
    }
    builder.label(SPEC)
}

/// Generates the SDK module from `spec/` (and `spec/overlays/`) into memory.
pub fn generate_sdk(root: &Path) -> Result<apigen::Output, XtaskError> {
    Ok(sdk_builder(root).generate()?)
}

/// `cargo xtask codegen [--check]`.
pub fn run_codegen(args: &[String]) -> Result<(), XtaskError> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => {
            return Err(XtaskError::Usage(format!(
                "unexpected arguments {args:?}; usage: cargo xtask codegen [--check]"
            )))
        }
    };
    let root = project_root();
    let started = std::time::Instant::now();
    let builder = sdk_builder(&root);
    let bundle = builder.bundle()?;
    let output = builder.generate_from(&bundle)?;
    let locator = build::Locator::for_bundle(Path::new(SPEC), Arc::new(bundle));
    for diagnostic in &output.diagnostics {
        let place = locator.locate(&diagnostic.pointer);
        eprintln!("warning: {place}: {diagnostic}");
    }
    let mut stale = sync_files(&root.join(OUT_DIR), &output.files, check)?;
    stale.extend(sync_manifest_features(
        &root.join(MANIFEST),
        &output.feature_groups,
        check,
    )?);
    if check {
        if stale.is_empty() {
            println!("{OUT_DIR} is up to date with {SPEC}");
            return Ok(());
        }
        return Err(XtaskError::Stale(stale));
    }
    println!(
        "generated {} operations and {} types into {OUT_DIR} ({} files changed) in {} ms",
        output.operation_counts.generated,
        output.type_count,
        stale.len(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// The InboxApp crate's hand-written manifest, whose `[features]` table holds a block
/// apigen writes (see [`sync_manifest_features`]).
pub const MANIFEST: &str = "generated/Cargo.toml";
/// First line of the generated block of feature lines in [`MANIFEST`].
pub const FEATURES_BEGIN: &str = "# BEGIN apigen features: written by `cargo xtask codegen`, do not edit by hand.";
/// Last line of that block.
pub const FEATURES_END: &str = "# END apigen features";

/// Makes the marked block of [`MANIFEST`]'s `[features]` table declare exactly the
/// generated code's features (`default`, `full`, `serialize-responses`, one per
/// operation group: `apigen::standalone::features_table`). Returns the manifest's path
/// when it was (or, with `check`, would be) changed; a manifest without the markers is
/// an error that says what to paste.
pub fn sync_manifest_features(manifest: &Path, groups: &[String], check: bool) -> Result<Option<PathBuf>, XtaskError> {
    let text = fs::read_to_string(manifest).map_err(XtaskError::io("read", manifest))?;
    let text = text.replace("\r\n", "\n");
    let block = format!(
        "{FEATURES_BEGIN}\n{}{FEATURES_END}\n",
        apigen::standalone::features_table(groups)
    );
    let (Some(begin), Some(end)) = (text.find(FEATURES_BEGIN), text.find(FEATURES_END)) else {
        return Err(XtaskError::Usage(format!(
            "{} has no generated features block; paste this into its [features] table and run `cargo xtask codegen` again:\n\n{block}",
            manifest.display()
        )));
    };
    let end = end + FEATURES_END.len();
    let end = if text[end..].starts_with('\n') { end + 1 } else { end };
    if begin > end {
        return Err(XtaskError::Usage(format!(
            "{}: `{FEATURES_END}` comes before `{FEATURES_BEGIN}`",
            manifest.display()
        )));
    }
    let updated = format!("{}{block}{}", &text[..begin], &text[end..]);
    if updated == text {
        return Ok(None);
    }
    if !check {
        fs::write(manifest, updated).map_err(XtaskError::io("write", manifest))?;
    }
    Ok(Some(manifest.to_path_buf()))
}

/// Makes `dir` hold exactly `files`. In check mode nothing is written; returns the
/// paths that differ (changed, missing, or extra `.rs` files).
pub fn sync_files(dir: &Path, files: &[apigen::GeneratedFile], check: bool) -> Result<Vec<PathBuf>, XtaskError> {
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
                fs::create_dir_all(parent).map_err(XtaskError::io("create", parent))?;
            }
            fs::write(&path, &file.contents).map_err(XtaskError::io("write", &path))?;
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !files.iter().any(|file| file.path == name) {
                stale.push(entry.path());
                if !check {
                    fs::remove_file(entry.path()).map_err(XtaskError::io("remove", entry.path()))?;
                }
            }
        }
    }
    stale.sort();
    Ok(stale)
}

/// `cargo xtask generate --spec FILE --out DIR --name CRATE [--overlay FILE]… [--runtime SOURCE]`:
/// a standalone crate, as `apigen generate` writes it, except that the runtime
/// defaults to this repository's `runtime/` (by a relative path).
pub fn run_generate(args: &[String]) -> Result<(), XtaskError> {
    const USAGE: &str = "usage: cargo xtask generate --spec FILE --out DIR --name CRATE [--overlay FILE]... [--runtime VERSION|path=REL|git=URL[#REV]] [--allow-ref-outside]";
    let (mut spec, mut out, mut name, mut runtime) = (None, None, None, None);
    let mut overlays = Vec::new();
    let mut allow_outside = false;
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        if flag == "--allow-ref-outside" {
            allow_outside = true;
            continue;
        }
        let value = iter
            .next()
            .ok_or_else(|| XtaskError::Usage(format!("{flag} needs a value\n{USAGE}")))?;
        match flag.as_str() {
            "--spec" => spec = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            "--name" => name = Some(value.clone()),
            "--overlay" => overlays.push(PathBuf::from(value)),
            "--runtime" => {
                runtime = Some(RuntimeSource::parse(value).map_err(|err| XtaskError::Usage(err.to_string()))?)
            }
            _ => return Err(XtaskError::Usage(format!("unknown flag {flag:?}\n{USAGE}"))),
        }
    }
    let (Some(spec), Some(out), Some(name)) = (spec, out, name) else {
        return Err(XtaskError::Usage(USAGE.into()));
    };
    let runtime = match runtime {
        Some(runtime) => runtime,
        None => repo_runtime(&out)?,
    };
    let mut builder = Builder::new(&spec)
        .crate_name(&name)
        .allow_ref_outside(allow_outside)
        .regenerate_command(format!(
            "cargo xtask generate --spec {} --out {} --name {name}",
            spec.display(),
            out.display()
        ));
    for overlay in &overlays {
        builder = builder.overlay(overlay);
    }
    let options = CrateOptions {
        name: name.clone(),
        runtime,
        regenerate_command: format!("cargo xtask generate --spec {} --out . --name {name}", spec.display()),
    };
    let bundle = builder.bundle()?;
    let output = builder.generate_crate_from(&bundle, &out, &options)?;
    let locator = build::Locator::for_bundle(&spec, Arc::new(bundle));
    for diagnostic in &output.diagnostics {
        println!("diagnostic: {}: {diagnostic}", locator.locate(&diagnostic.pointer));
    }
    println!(
        "{}: {}/{} operations, {} types, {} diagnostics → {}",
        spec.display(),
        output.operation_counts.generated,
        output.operation_counts.total,
        output.type_count,
        output.diagnostics.len(),
        out.display()
    );
    Ok(())
}

/// This repository's `runtime/`, as a path relative to `crate_dir`.
pub fn repo_runtime(crate_dir: &Path) -> Result<RuntimeSource, XtaskError> {
    let cwd = std::env::current_dir().map_err(XtaskError::io("read", "the current directory"))?;
    let crate_dir = cwd.join(crate_dir);
    let runtime = project_root().join("runtime");
    let runtime = if runtime.is_absolute() {
        runtime
    } else {
        cwd.join(runtime)
    };
    apigen::standalone::relative_path(&crate_dir, &runtime)
        .map(RuntimeSource::Path)
        .ok_or_else(|| {
            XtaskError::Usage(format!(
                "{} and the runtime share no root directory",
                crate_dir.display()
            ))
        })
}
