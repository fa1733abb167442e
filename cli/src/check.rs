//! `apigen check`: generate in memory and report diagnostics, for CI.

use crate::error::CliError;
use crate::input::{require_file, Progress};
use crate::report;
use apigen::build::{BuildError, Builder, Locator};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One `FILE:LINE:COLUMN: #POINTER: MESSAGE` line per diagnostic, then a summary.
    Text,
    /// One JSON object: spec, operations, types, diagnostics (pointer, message, line, column), error.
    Json,
}

/// Arguments of `apigen check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The OpenAPI 3.0/3.1 document (YAML or JSON, by extension)
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// OpenAPI Overlay 1.0 document applied first; repeat to apply several, in order
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with status 1 when there is at least one diagnostic
    #[arg(long)]
    deny_diagnostics: bool,
    /// Follow `$ref`s to files outside the spec's folder (refused by default)
    #[arg(long)]
    allow_ref_outside: bool,
}

/// Runs the command; the report goes to stdout.
pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    require_file(&args.spec)?;
    let progress = Progress::for_spec(&args.spec);
    let mut builder = Builder::new(&args.spec).allow_ref_outside(args.allow_ref_outside);
    for overlay in &args.overlays {
        builder = builder.overlay(overlay);
    }
    progress.step("generating in memory");
    let generated = builder
        .bundle()
        .and_then(|bundle| builder.generate_from(&bundle).map(|output| (output, bundle)));
    let (output, bundle) = match generated {
        Ok(generated) => generated,
        // In JSON mode a fatal error is still a JSON report, so CI can parse it.
        Err(err @ (BuildError::Generate { .. } | BuildError::Bundle { .. })) if args.format == Format::Json => {
            let report = json!({"spec": args.spec.display().to_string(), "error": err.to_string()});
            println!("{}", serde_json::to_string_pretty(&report)?);
            return Ok(ExitCode::from(2));
        }
        Err(err) => return Err(err.into()),
    };
    let files = bundle.files.len();
    let locator = Locator::for_bundle(&args.spec, Arc::new(bundle));
    let located = report::locate(&locator, &output.diagnostics);
    match args.format {
        Format::Text => {
            for item in &located {
                println!("{}", report::text_line(item));
            }
            println!(
                "{}{}: {} of {} operations, {} types, {} diagnostics",
                args.spec.display(),
                files_note(files),
                output.operation_counts.generated,
                output.operation_counts.total,
                output.type_count,
                output.diagnostics.len()
            );
        }
        Format::Json => {
            let report = json!({
                "spec": args.spec.display().to_string(),
                "files": files,
                "operations": {"generated": output.operation_counts.generated, "total": output.operation_counts.total},
                "types": output.type_count,
                "diagnostics": located.iter().map(report::json_value).collect::<Vec<_>>(),
                "error": null,
            });
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
    }
    if args.deny_diagnostics && !output.diagnostics.is_empty() {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// ` (N files)` after the spec's name when the description is split over several.
pub fn files_note(files: usize) -> String {
    if files > 1 {
        format!(" ({files} files)")
    } else {
        String::new()
    }
}
