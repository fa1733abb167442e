//! `cargo xtask conformance`: generate every corpus spec into a scratch workspace,
//! `cargo check` each crate, and print a table. Diagnostics reports are committed under
//! `tests/conformance/` so changes show up in review.

use crate::codegen::project_root;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Result for one spec.
struct Row {
    spec: String,
    crate_name: String,
    operations: (usize, usize),
    types: usize,
    diagnostics: usize,
    generate_ms: u128,
    check: Result<f64, String>,
}

/// `cargo xtask conformance [--check] [--specs DIR] [--only NAME]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let root = project_root();
    let mut check_reports = false;
    let mut specs_dir = root.join("../shared/specs");
    let mut only: Option<String> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check_reports = true,
            "--specs" => specs_dir = PathBuf::from(iter.next().ok_or("--specs needs a directory")?),
            "--only" => only = Some(iter.next().ok_or("--only needs a spec file name")?.clone()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let mut specs: Vec<PathBuf> = fs::read_dir(&specs_dir)
        .map_err(|err| format!("cannot read {}: {err}", specs_dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .filter(|path| {
            only.as_deref()
                .is_none_or(|name| path.file_name().is_some_and(|f| f == name))
        })
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("no specs found in {}", specs_dir.display()));
    }
    let scratch = root.join("target/conformance");
    let reports_dir = root.join("tests/conformance");
    fs::create_dir_all(&scratch).map_err(|err| format!("cannot create {}: {err}", scratch.display()))?;
    let mut rows = Vec::new();
    let mut stale_reports = Vec::new();
    for spec in &specs {
        let file_name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let crate_name = crate_name_for(&file_name);
        let text = fs::read_to_string(spec).map_err(|err| format!("cannot read {}: {err}", spec.display()))?;
        let settings = apigen::Settings::new(&crate_name, &file_name)
            .with_regenerate_command(format!("cargo xtask conformance --only {file_name}"));
        let started = Instant::now();
        let generated = std::panic::catch_unwind(|| apigen::generate(&text, &file_name, &settings));
        let generate_ms = started.elapsed().as_millis();
        let output = match generated {
            Ok(Ok(output)) => output,
            Ok(Err(err)) => return Err(format!("{file_name}: generation failed: {err}")),
            Err(_) => return Err(format!("{file_name}: the generator panicked")),
        };
        let crate_dir = scratch.join(&crate_name);
        let _ = fs::remove_dir_all(crate_dir.join("src"));
        for (path, contents) in apigen::standalone::crate_files(&crate_name, &root.join("runtime"), &output) {
            write(&crate_dir.join(path), &contents)?;
        }
        let report = diagnostics_report(&file_name, &output);
        let report_path = reports_dir.join(format!("{file_name}.txt"));
        if check_reports {
            if fs::read_to_string(&report_path).ok().as_deref() != Some(report.as_str()) {
                stale_reports.push(report_path.display().to_string());
            }
        } else {
            write(&report_path, &report)?;
        }
        rows.push(Row {
            spec: file_name,
            crate_name,
            operations: output.operation_counts,
            types: output.type_count,
            diagnostics: output.diagnostics.len(),
            generate_ms,
            check: Err("not checked".into()),
        });
    }
    let members: Vec<String> = rows.iter().map(|row| format!("\"{}\"", row.crate_name)).collect();
    write(
        &scratch.join("Cargo.toml"),
        &format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )?;
    let lock = root.join("Cargo.lock");
    if lock.exists() {
        let _ = fs::copy(&lock, scratch.join("Cargo.lock"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    // Build the shared dependencies once, so each crate's time is its own.
    cargo_check(&scratch, &target, "apigen-runtime", &[])?;
    for row in &mut rows {
        let started = Instant::now();
        // With `mock`: the typed mock module is checked too (a superset of the default build).
        row.check =
            cargo_check(&scratch, &target, &row.crate_name, &["mock"]).map(|()| started.elapsed().as_secs_f64());
    }
    println!("{}", table(&rows));
    let failed: Vec<&Row> = rows.iter().filter(|row| row.check.is_err()).collect();
    if !failed.is_empty() {
        for row in &failed {
            if let Err(message) = &row.check {
                eprintln!("--- {} ---\n{message}", row.spec);
            }
        }
        return Err(format!(
            "{} of {} generated crates do not compile",
            failed.len(),
            rows.len()
        ));
    }
    if !stale_reports.is_empty() {
        return Err(format!(
            "diagnostics reports changed: {}\nrun `cargo xtask conformance` and commit tests/conformance/",
            stale_reports.join(", ")
        ));
    }
    Ok(())
}

/// `prog-nexus.json` → `conformance_prog_nexus`.
fn crate_name_for(file_name: &str) -> String {
    let stem = file_name.split('.').next().unwrap_or(file_name);
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("conformance_{cleaned}")
}

fn diagnostics_report(file_name: &str, output: &apigen::Output) -> String {
    let mut report = format!(
        "# {file_name}: {}/{} operations, {} types, {} diagnostics, {} normalisation rewrites\n",
        output.operation_counts.0,
        output.operation_counts.1,
        output.type_count,
        output.diagnostics.len(),
        output.normalizations.len()
    );
    for diagnostic in &output.diagnostics {
        let _ = writeln!(report, "{diagnostic}");
    }
    report
}

fn cargo_check(workspace: &Path, target: &Path, package: &str, features: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--message-format", "short", "-p", package])
        .args(features.iter().flat_map(|feature| ["--features", feature]))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|line| line.contains("error")).take(20).collect();
        Err(errors.join("\n"))
    }
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | operations | types | diagnostics | generate (ms) | cargo check (s) |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let check = match &row.check {
            Ok(seconds) => format!("{seconds:.1}"),
            Err(_) => "FAILED".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {}/{} | {} | {} | {} | {} |",
            row.spec, row.operations.0, row.operations.1, row.types, row.diagnostics, row.generate_ms, check
        );
    }
    out
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|err| format!("cannot write {}: {err}", path.display()))
}
