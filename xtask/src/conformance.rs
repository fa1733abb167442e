//! `cargo xtask conformance`: generate every corpus spec into a scratch workspace,
//! `cargo check` each crate, report typedness (`apigen::typedness`), decode every
//! 2xx JSON response example through the generated SDK ([`crate::examples`],
//! [`crate::vectors`]), and print a table. One report per spec is committed under
//! `tests/conformance/` so changes show up in review.

use crate::codegen::project_root;
use crate::examples::{Example, SchemaChecker};
use crate::vectors::{self, Outcome};
use crate::XtaskError;
use apigen::typedness::Typedness;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Result for one spec.
struct Row {
    spec: String,
    crate_name: String,
    operations: apigen::OperationCounts,
    types: usize,
    diagnostics: usize,
    generate_ms: u128,
    check: Result<f64, XtaskError>,
    typedness: Typedness,
    examples: Vec<Example>,
    /// Per example: `Err(violations)` when it breaks its own schema.
    validity: Vec<Result<(), Vec<String>>>,
    harness: Option<vectors::Harness>,
    checker: SchemaChecker,
    outcomes: Vec<Outcome>,
    /// The report as committed (written after the examples ran).
    head: String,
    output: apigen::Output,
}

impl Row {
    fn decoded(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Exact | Outcome::Differs(_) | Outcome::DropsUndeclared(_)))
            .count()
    }

    fn drops_undeclared(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::DropsUndeclared(_)))
            .count()
    }

    fn exact(&self) -> usize {
        self.outcomes.iter().filter(|o| **o == Outcome::Exact).count()
    }

    fn spec_faults(&self) -> usize {
        self.validity.iter().filter(|v| v.is_err()).count()
    }

    /// Examples valid against their schema that did not decode or round-trip exactly.
    fn generator_faults(&self) -> Vec<(&Example, &Outcome)> {
        self.examples
            .iter()
            .zip(&self.outcomes)
            .zip(&self.validity)
            .filter(|((_, outcome), validity)| {
                validity.is_ok() && !matches!(outcome, Outcome::Exact | Outcome::DropsUndeclared(_))
            })
            .map(|(pair, _)| pair)
            .collect()
    }
}

/// `cargo xtask conformance [--check] [--specs DIR] [--only NAME]`.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    let root = project_root();
    let mut check_reports = false;
    let mut specs_dir = crate::corpus::specs_dir();
    let mut only: Option<String> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check_reports = true,
            "--specs" => specs_dir = PathBuf::from(iter.next().ok_or_else(|| usage("--specs needs a directory"))?),
            "--only" => {
                only = Some(
                    iter.next()
                        .ok_or_else(|| usage("--only needs a spec file name"))?
                        .clone(),
                )
            }
            other => return Err(usage(&format!("unknown argument {other:?}"))),
        }
    }
    if !specs_dir.exists() {
        let what = format!("cargo xtask conformance: the corpus {} is missing", specs_dir.display());
        if crate::corpus::in_ci() {
            return Err(XtaskError::CorpusMissing {
                command: "cargo xtask conformance",
                dir: specs_dir,
            });
        }
        eprintln!(
            "SKIPPED {what}; set {} to the shared directory",
            crate::corpus::SHARED_DIR_VAR
        );
        return Ok(());
    }
    let mut specs: Vec<(PathBuf, String)> = spec_files(&specs_dir)?
        .into_iter()
        .filter(|(path, label)| {
            only.as_deref()
                .is_none_or(|name| label == name || path.file_name().is_some_and(|f| f == name))
        })
        .collect();
    for root in crate::multi::roots(&specs_dir, only.as_deref())? {
        let label = crate::multi::label(&specs_dir, &root).unwrap_or_default();
        specs.push((root, label));
    }
    specs.sort();
    if specs.is_empty() {
        return Err(XtaskError::NoSpecs { dir: specs_dir, only });
    }
    let scratch = root.join("target/conformance");
    let reports_dir = root.join("tests/conformance");
    fs::create_dir_all(&scratch).map_err(XtaskError::io("create", &scratch))?;
    let mut rows = Vec::new();
    let mut stale_reports = Vec::new();
    for (spec, file_name) in &specs {
        let file_name = file_name.clone();
        let multi = crate::multi::label(&specs_dir, spec);
        let crate_name = crate_name_for(&file_name);
        let started = Instant::now();
        let (output, document, generate_ms) = if multi.is_some() {
            let (output, document) = crate::multi::generate(spec, &crate_name, &file_name)?;
            (output, document, started.elapsed().as_millis())
        } else {
            let text = fs::read_to_string(spec).map_err(XtaskError::io("read", spec))?;
            let settings = apigen::Settings::new(&crate_name, &file_name)
                .with_regenerate_command(format!("cargo xtask conformance --only {file_name}"))
                .with_feature_groups(true);
            let generated = std::panic::catch_unwind(|| apigen::generate(&text, &file_name, &settings));
            let generate_ms = started.elapsed().as_millis();
            match generated {
                Ok(Ok(output)) => (output, raw_document(&text, &file_name)?, generate_ms),
                Ok(Err(source)) => {
                    return Err(XtaskError::Generate {
                        spec: file_name,
                        source,
                    })
                }
                Err(_) => return Err(XtaskError::GeneratorPanicked { spec: file_name }),
            }
        };
        let crate_dir = scratch.join(&crate_name);
        let options = apigen::standalone::CrateOptions {
            name: crate_name.clone(),
            runtime: crate::codegen::repo_runtime(&crate_dir)?,
            regenerate_command: format!("cargo xtask conformance --only {file_name}"),
        };
        let files = apigen::standalone::crate_files(&output, &options)?;
        remove_stale(&crate_dir.join("src"), &crate_dir, &files);
        for (path, contents) in files {
            write_if_changed(&crate_dir.join(path), &contents)?;
        }
        // Swagger 2.0: examples and schemas are read from the converted 3.0 document,
        // whose pointers the generator's manifest uses.
        let document = if apigen::swagger2::is_swagger2(&document) {
            apigen::swagger2::convert(&document)
                .map_err(|source| XtaskError::Generate {
                    spec: file_name.clone(),
                    source,
                })?
                .document
        } else {
            document
        };
        let typedness = output.typedness.clone();
        let examples = crate::examples::collect(&document);
        let mut checker = SchemaChecker::new(&document);
        let validity: Vec<Result<(), Vec<String>>> = examples
            .iter()
            .map(|example| match &example.schema {
                Some(schema) => checker.check(schema, &example.value),
                None => Ok(()),
            })
            .collect();
        let harness = (!examples.is_empty()).then(|| vectors::harness(&crate_name, &output.operations, &examples));
        if let Some(harness) = &harness {
            write_if_changed(&crate_dir.join("examples/conformance_vectors.rs"), &harness.source)?;
            write_if_changed(&crate_dir.join("conformance_vectors.json"), &harness.input)?;
        }
        rows.push(Row {
            spec: file_name,
            crate_name,
            operations: output.operation_counts,
            types: output.type_count,
            diagnostics: output.diagnostics.len(),
            generate_ms,
            check: Ok(0.0), // replaced by the `cargo check` pass below
            typedness,
            examples,
            validity,
            harness,
            checker,
            outcomes: Vec::new(),
            head: String::new(),
            output,
        });
    }
    let members: Vec<String> = rows.iter().map(|row| format!("\"{}\"", row.crate_name)).collect();
    write_if_changed(
        &scratch.join("Cargo.toml"),
        // No debug info: the example harnesses are built (not just checked), and the
        // Twilio and Xero crates are large.
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            members.join(", ")
        ),
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
        if row.check.is_ok() {
            if let Some(harness) = &row.harness {
                let input = scratch.join(&row.crate_name).join("conformance_vectors.json");
                let stdout = run_harness(&scratch, &target, &row.crate_name, &input)?;
                let mut declared = |example: &Example, pointer: &str| {
                    example
                        .schema
                        .as_deref()
                        .is_some_and(|schema| row.checker.declares(schema, pointer))
                };
                row.outcomes = vectors::outcomes(harness, &row.examples, &stdout, &mut declared)
                    .map_err(XtaskError::in_spec(&row.spec))?;
            }
        } else {
            row.outcomes = vec![Outcome::NotDecoded("crate does not compile".into()); row.examples.len()];
        }
        row.head = report(row);
        let report_path = reports_dir.join(format!("{}.txt", row.spec));
        if check_reports {
            if fs::read_to_string(&report_path).ok().as_deref() != Some(row.head.as_str()) {
                stale_reports.push(report_path);
            }
        } else {
            write(&report_path, &row.head)?;
        }
    }
    println!("{}", table(&rows));
    let faulty: Vec<String> = rows
        .iter()
        .filter(|row| !row.generator_faults().is_empty())
        .map(|row| format!("{} ({})", row.spec, row.generator_faults().len()))
        .collect();
    let failed: Vec<&Row> = rows.iter().filter(|row| row.check.is_err()).collect();
    if !failed.is_empty() {
        for row in &failed {
            if let Err(message) = &row.check {
                eprintln!("--- {} ---\n{message}", row.spec);
            }
        }
        return Err(XtaskError::NotCompiling {
            failed: failed.len(),
            total: rows.len(),
        });
    }
    if check_reports && !faulty.is_empty() {
        return Err(XtaskError::GeneratorFaults(faulty));
    }
    if !stale_reports.is_empty() {
        return Err(XtaskError::StaleReports(stale_reports));
    }
    // A report whose spec left the corpus would otherwise stay committed unnoticed
    // (a missing report already fails above, as stale). Only a run over the whole
    // corpus can tell.
    if check_reports && only.is_none() {
        let committed: Vec<String> = fs::read_dir(&reports_dir)
            .map_err(XtaskError::io("read", &reports_dir))?
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        let labels: Vec<&str> = rows.iter().map(|row| row.spec.as_str()).collect();
        let orphans = orphan_reports(&committed, &labels);
        if !orphans.is_empty() {
            return Err(XtaskError::OrphanReports(
                orphans.iter().map(|name| reports_dir.join(name)).collect(),
            ));
        }
    }
    Ok(())
}

/// The conformance reports among `files` (`<spec file>.txt` or `multi-<folder>.txt`;
/// other files of the folder, such as `vendor-drift.txt`, are not reports) that name no
/// spec of `labels`, sorted.
fn orphan_reports(files: &[String], labels: &[&str]) -> Vec<String> {
    let mut orphans: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let label = file.strip_suffix(".txt")?;
            let is_report =
                label.starts_with("multi-") || [".json", ".yaml", ".yml"].iter().any(|ext| label.ends_with(ext));
            (is_report && !labels.contains(&label)).then(|| file.clone())
        })
        .collect();
    orphans.sort();
    orphans
}

/// The corpus specs: every JSON/YAML file of `specs_dir`, then of its `swagger2/`
/// folder, each with its report label (`swagger2-docker.yaml` for `swagger2/docker.yaml`).
fn spec_files(specs_dir: &Path) -> Result<Vec<(PathBuf, String)>, XtaskError> {
    let mut specs = Vec::new();
    for (dir, prefix) in [(specs_dir.to_owned(), ""), (specs_dir.join("swagger2"), "swagger2-")] {
        if !dir.is_dir() {
            continue;
        }
        let mut found: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(XtaskError::io("read", &dir))?
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
            .collect();
        found.sort();
        for path in found {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            specs.push((path, format!("{prefix}{name}")));
        }
    }
    Ok(specs)
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

/// The spec as plain JSON (examples are read from it, exactly as written).
fn raw_document(text: &str, file_name: &str) -> Result<serde_json::Value, XtaskError> {
    let parsed = if file_name.ends_with(".json") {
        serde_json::from_str(text).map_err(|err| err.to_string())
    } else {
        serde_yaml::from_str(text).map_err(|err| err.to_string())
    };
    parsed.map_err(|message| XtaskError::Parse {
        file: file_name.to_owned(),
        message,
    })
}

/// How many failures of each kind a report lists.
const LISTED: usize = 20;

fn report(row: &Row) -> String {
    let output = &row.output;
    let mut report = format!(
        "# {}: {}/{} operations, {} types, {} diagnostics, {} normalisation rewrites\n",
        row.spec,
        output.operation_counts.generated,
        output.operation_counts.total,
        output.type_count,
        output.diagnostics.len(),
        output.normalizations.len()
    );
    let typed = &row.typedness;
    let _ = writeln!(
        report,
        "# typedness: {}/{} schemas declaring properties are typed ({:.1} %)",
        typed.typed,
        typed.declaring,
        typed.share()
    );
    for (pointer, why) in &typed.untyped {
        let _ = writeln!(report, "untyped #{pointer}: {why}");
    }
    let generator_faults = row.generator_faults();
    let _ = writeln!(
        report,
        "# examples: {} 2xx JSON examples, {} decoded, {} round-trip exact, {} lose only members their schema does not declare, {} spec faults, {} generator faults",
        row.examples.len(),
        row.decoded(),
        row.exact(),
        row.drops_undeclared(),
        row.spec_faults(),
        generator_faults.len()
    );
    for (example, validity) in row
        .examples
        .iter()
        .zip(&row.validity)
        .filter(|(_, v)| v.is_err())
        .take(LISTED)
    {
        if let Err(violations) = validity {
            let _ = writeln!(report, "spec fault #{}: {}", example.pointer, violations.join("; "));
        }
    }
    if row.spec_faults() > LISTED {
        let _ = writeln!(report, "spec fault: … {} more", row.spec_faults() - LISTED);
    }
    for (example, outcome) in generator_faults.iter().take(LISTED) {
        let what = match outcome {
            Outcome::Exact | Outcome::DropsUndeclared(_) => continue,
            Outcome::Differs(at) => format!("round trip differs at {at}"),
            Outcome::NotDecoded(error) => format!("does not decode: {}", one_line(error)),
            Outcome::NoTarget(reason) => format!("not decodable: {reason}"),
        };
        let _ = writeln!(
            report,
            "generator fault #{} (for #{}): {what}",
            example.pointer, example.response
        );
    }
    if generator_faults.len() > LISTED {
        let _ = writeln!(report, "generator fault: … {} more", generator_faults.len() - LISTED);
    }
    let undeclared =
        row.examples
            .iter()
            .zip(&row.outcomes)
            .zip(&row.validity)
            .filter_map(|((example, outcome), validity)| match outcome {
                Outcome::DropsUndeclared(at) if validity.is_ok() => Some((example, at)),
                _ => None,
            });
    for (example, at) in undeclared.take(5) {
        let _ = writeln!(report, "undeclared member dropped #{}: {at}", example.pointer);
    }
    security(&mut report, output);
    let streams: Vec<_> = output
        .operations
        .iter()
        .filter_map(|operation| operation.stream.as_ref().map(|stream| (operation, stream)))
        .collect();
    if !streams.is_empty() {
        let _ = writeln!(report, "# streaming forms: {}", streams.len());
        for (operation, stream) in streams {
            let call = if stream.plain_call_streams {
                "the call and .stream()"
            } else {
                ".stream()"
            };
            let member = stream
                .sets_member
                .as_ref()
                .map(|member| format!(", sets `{member}: true`"))
                .unwrap_or_default();
            let _ = writeln!(
                report,
                "stream #{} ({}): {} -> {} via {call}{member}",
                operation.pointer, operation.operation_id, stream.media_type, stream.rust_type
            );
        }
    }
    let _ = writeln!(report, "# diagnostics");
    for diagnostic in &output.diagnostics {
        let _ = writeln!(report, "{diagnostic}");
    }
    report
}

/// The `# security` lines: the spec's schemes, how the generated client wires each,
/// and how many operations need credentials, are public, or say nothing.
fn security(report: &mut String, output: &apigen::Output) {
    let wired = output.security.iter().filter(|scheme| scheme.wired).count();
    let count = |test: fn(&Option<Vec<Vec<String>>>) -> bool| {
        output
            .operations
            .iter()
            .filter(|operation| test(&operation.security))
            .count()
    };
    let _ = writeln!(
        report,
        "# security: {} schemes, {wired} wired by the client; operations: {} need credentials, {} public or optional, {} say nothing",
        output.security.len(),
        count(|security| security.as_ref().is_some_and(|alternatives| {
            !alternatives.is_empty() && alternatives.iter().all(|all| !all.is_empty())
        })),
        count(|security| security.as_ref().is_some_and(|alternatives| {
            alternatives.is_empty() || alternatives.iter().any(Vec::is_empty)
        })),
        count(Option::is_none),
    );
    for scheme in &output.security {
        let _ = writeln!(
            report,
            "scheme {} ({} operations): {}",
            scheme.name, scheme.operations, scheme.wiring
        );
    }
}

/// An error message on one line, without the raw body bytes, at most 300 characters.
fn one_line(error: &str) -> String {
    let text: String = error.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = match text.find(", raw:") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    text.chars().take(300).collect()
}

fn run_harness(workspace: &Path, target: &Path, package: &str, input: &Path) -> Result<String, XtaskError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "-p",
            package,
            "--example",
            "conformance_vectors",
            // Re-encoding decoded responses needs `Serialize` on response-only types.
            "--features",
            "serialize-responses",
            "--",
        ])
        .arg(input)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(XtaskError::spawn("cargo"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(XtaskError::Command {
            command: format!("{package}: the example harness"),
            detail: format!("{}\n{}", output.status, String::from_utf8_lossy(&output.stderr)),
        })
    }
}

fn cargo_check(workspace: &Path, target: &Path, package: &str, features: &[&str]) -> Result<(), XtaskError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--message-format", "short", "-p", package])
        .args(features.iter().flat_map(|feature| ["--features", feature]))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(XtaskError::spawn("cargo"))?;
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|line| line.contains("error")).take(20).collect();
        Err(XtaskError::Command {
            command: format!("`cargo check -p {package}`"),
            detail: format!("{}\n{}", output.status, errors.join("\n")),
        })
    }
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | operations | types | typed | examples | decoded | round-trip exact | undeclared dropped | spec faults | generator faults | diagnostics | generate (ms) | cargo check (s) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let check = match &row.check {
            Ok(seconds) => format!("{seconds:.1}"),
            Err(_) => "FAILED".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {}/{} | {} | {}/{} ({:.1} %) | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.spec,
            row.operations.generated,
            row.operations.total,
            row.types,
            row.typedness.typed,
            row.typedness.declaring,
            row.typedness.share(),
            row.examples.len(),
            row.decoded(),
            row.exact(),
            row.drops_undeclared(),
            row.spec_faults(),
            row.generator_faults().len(),
            row.diagnostics,
            row.generate_ms,
            check
        );
    }
    out
}

/// Writes only when the contents differ, so an unchanged crate keeps its file times
/// and `cargo check` finds it fresh (Stripe alone takes minutes to check).
fn write_if_changed(path: &Path, contents: &str) -> Result<(), XtaskError> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    write(path, contents)
}

/// Deletes files under `dir` that are not among `files` (paths relative to `crate_dir`).
fn remove_stale(dir: &Path, crate_dir: &Path, files: &[(String, String)]) {
    let keep: std::collections::BTreeSet<PathBuf> = files.iter().map(|(path, _)| crate_dir.join(path)).collect();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !keep.contains(&path) {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

fn write(path: &Path, contents: &str) -> Result<(), XtaskError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(XtaskError::io("create", parent))?;
    }
    fs::write(path, contents).map_err(XtaskError::io("write", path))
}

/// A usage error for `cargo xtask conformance`.
fn usage(message: &str) -> XtaskError {
    XtaskError::Usage(message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::orphan_reports;

    #[test]
    fn reports_without_a_spec_are_found_and_other_files_ignored() {
        let files: Vec<String> = [
            "oai-petstore.yaml.txt",
            "gone.json.txt",
            "multi-digitalocean.txt",
            "multi-removed.txt",
            "swagger2-docker-engine-swagger2.yaml.txt",
            "vendor-drift.txt",
            "notes.md",
        ]
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
        let labels = [
            "oai-petstore.yaml",
            "multi-digitalocean",
            "swagger2-docker-engine-swagger2.yaml",
        ];
        assert_eq!(orphan_reports(&files, &labels), ["gone.json.txt", "multi-removed.txt"]);
        assert!(orphan_reports(&files[..1], &labels).is_empty());
    }
}
