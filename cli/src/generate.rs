//! `apigen generate`: write a standalone client crate.

use crate::error::CliError;
use crate::input::{require_file, Progress};
use crate::report;
use apigen::build::{Builder, Locator};
use apigen::standalone::{relative_path, CrateOptions, RuntimeSource};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `apigen generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The OpenAPI 3.0/3.1 document (YAML or JSON, by extension)
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Directory of the crate to write (created if missing)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Package name of the generated crate (e.g. petstore, my-api-client)
    #[arg(long, value_name = "CRATE")]
    name: String,
    /// OpenAPI Overlay 1.0 document applied before generation; repeat to apply several, in order
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
    /// Where the crate gets apigen-runtime: `vendored` (the default: a copy of the runtime's
    /// source inside the crate, which builds with crates.io alone), a version requirement
    /// of an apigen-runtime you publish to your registry, path=DIR (written relative to
    /// --out; an absolute DIR is converted), or git=URL[#REV]
    #[arg(long, value_name = "SOURCE", value_parser = RuntimeSource::parse)]
    runtime: Option<RuntimeSource>,
    /// Overwrite a Cargo.toml in --out that apigen did not write
    #[arg(long)]
    force: bool,
    /// Drop the members a schema does not declare instead of keeping them in each
    /// decoded struct's `undeclared` field (the default keeps them, so nothing the server
    /// sends is lost)
    #[arg(long)]
    drop_undeclared: bool,
    /// Follow `$ref`s to files outside the spec's folder (refused by default)
    #[arg(long)]
    allow_ref_outside: bool,
}

/// Runs the command; diagnostics go to stderr, the summary to stdout.
pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    require_file(&args.spec)?;
    for overlay in &args.overlays {
        require_file(overlay)?;
    }
    guard_existing_crate(&args.out, args.force)?;
    let progress = Progress::for_spec(&args.spec);
    let runtime = match &args.runtime {
        Some(RuntimeSource::Path(path)) if Path::new(path).is_absolute() => {
            RuntimeSource::Path(relative_to_out(&args.out, Path::new(path))?)
        }
        Some(runtime) => runtime.clone(),
        None => RuntimeSource::default(),
    };
    let command = regenerate_command(args, &runtime);
    let mut builder = Builder::new(&args.spec)
        .crate_name(&args.name)
        .label(file_label(&args.spec))
        .regenerate_command(&command)
        .undeclared_members(!args.drop_undeclared)
        .allow_ref_outside(args.allow_ref_outside);
    for overlay in &args.overlays {
        builder = builder.overlay(overlay);
    }
    let options = CrateOptions {
        name: args.name.clone(),
        runtime,
        regenerate_command: command,
    };
    progress.step("generating");
    let bundle = builder.bundle()?;
    let output = builder.generate_crate_from(&bundle, &args.out, &options)?;
    progress.step("written");
    let files = bundle.files.len();
    if !output.diagnostics.is_empty() {
        let locator = Locator::for_bundle(&args.spec, Arc::new(bundle));
        for located in report::locate(&locator, &output.diagnostics) {
            eprintln!("warning: {}", report::text_line(&located));
        }
    }
    println!(
        "{}{}: {} of {} operations, {} types, {} diagnostics → {}",
        args.spec.display(),
        crate::check::files_note(files),
        output.operation_counts.generated,
        output.operation_counts.total,
        output.type_count,
        output.diagnostics.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The spec's file name, so generated headers do not carry this machine's paths.
fn file_label(spec: &Path) -> String {
    spec.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| spec.display().to_string())
}

/// The command, as run from inside the generated crate, that regenerates it.
fn regenerate_command(args: &Args, runtime: &RuntimeSource) -> String {
    let mut command = format!(
        "apigen generate --spec {} --out . --name {}",
        file_label(&args.spec),
        args.name
    );
    for overlay in &args.overlays {
        command.push_str(&format!(" --overlay {}", file_label(overlay)));
    }
    if args.drop_undeclared {
        command.push_str(" --drop-undeclared");
    }
    if args.allow_ref_outside {
        command.push_str(" --allow-ref-outside");
    }
    match runtime {
        RuntimeSource::Version(requirement) if args.runtime.is_some() => {
            command.push_str(&format!(" --runtime {requirement}"))
        }
        RuntimeSource::Version(_) | RuntimeSource::Vendored => {}
        RuntimeSource::Path(path) => command.push_str(&format!(" --runtime path={path}")),
        RuntimeSource::Git { url, rev: Some(rev) } => command.push_str(&format!(" --runtime git={url}#{rev}")),
        RuntimeSource::Git { url, rev: None } => command.push_str(&format!(" --runtime git={url}")),
    }
    command
}

/// `runtime` (absolute) as a path relative to the crate directory `out`.
fn relative_to_out(out: &Path, runtime: &Path) -> Result<String, CliError> {
    let cwd =
        std::env::current_dir().map_err(|err| CliError::Other(format!("cannot read the current directory: {err}")))?;
    relative_path(&cwd.join(out), runtime).ok_or_else(|| {
        CliError::Other(format!(
            "{} and {} share no root; give the runtime path relative to --out",
            runtime.display(),
            out.display()
        ))
    })
}

/// Refuses to overwrite a crate that apigen did not write (no apigen `.gitattributes`).
fn guard_existing_crate(out: &Path, force: bool) -> Result<(), CliError> {
    if force || !out.join("Cargo.toml").exists() {
        return Ok(());
    }
    let ours = std::fs::read_to_string(out.join(".gitattributes")).is_ok_and(|text| text.contains("Written by apigen"));
    if ours {
        Ok(())
    } else {
        Err(CliError::NotOurs { dir: out.to_owned() })
    }
}
