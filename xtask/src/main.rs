//! `cargo xtask`: the project's automation entry point.
//!
//! - `cargo xtask codegen` regenerates `generated/src/generated/` from `spec/inboxapp.yaml`.
//! - `cargo xtask codegen --check` fails (listing stale files) when the committed code differs.
//! - `cargo xtask generate --spec FILE --out DIR --name CRATE` generates a standalone crate.
//! - `cargo xtask bench [--smoke]` benchmarks against the alternatives into `BENCHMARKS.md`.

/// The CLI allocates heavily while generating; mimalloc cuts that cost substantially.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use xtask::{codegen, XtaskError};

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run_codegen(&args[1..]),
        Some("generate") => codegen::run_generate(&args[1..]),
        Some("conformance") => xtask::conformance::run(&args[1..]),
        Some("bench") => xtask::bench::run(&args[1..]),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{}", USAGE);
            Ok(())
        }
        Some(other) => Err(XtaskError::Usage(format!("unknown command {other:?}\n\n{USAGE}"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]                      regenerate generated/ from spec/inboxapp.yaml
                                         (--check: fail if the committed files are stale)
  codegen also applies spec/overlays/*.yaml (name order) when that directory exists
  generate --spec FILE --out DIR --name CRATE [--overlay FILE]... [--runtime SOURCE]
                                         generate a standalone client crate from any spec
                                         (as `apigen generate`; the runtime defaults to
                                         this repository's runtime/ by relative path)
  conformance [--check] [--only FILE] [--specs DIR]
                                         generate and `cargo check` every spec of the corpus
                                         ($APIGEN_SHARED_DIR/specs, default ../shared/specs;
                                         multi-file descriptions in specs/multi/NAME/ are
                                         bundled from their root: --only multi-NAME),
                                         measure typedness, decode every 2xx JSON response
                                         example through the generated SDK, print a table,
                                         write tests/conformance/*.txt (--check: fail if those
                                         reports changed or any example is a generator fault)
  bench [--smoke] [--runs N] [--check-runs N] [--only FILE]
        [--no-progenitor] [--no-criterion] [--no-check] [--no-release] [--out FILE]
                                         benchmark generation, `cargo check` (full crate and one
                                         feature group), SDK overhead and a one-call release binary
                                         against progenitor and hand-written reqwest; write
                                         BENCHMARKS.md and BENCHMARKS-check.svg (--smoke: one small
                                         spec, once, no progenitor, criterion or release builds)
";
