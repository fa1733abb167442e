//! `apigen`: the command-line front end of the generator. Argument parsing and help
//! text live here; each subcommand is its own module.

mod check;
mod error;
mod generate;
mod input;
mod report;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Generate a typed async Rust client crate from an OpenAPI 3.0, 3.1 or 3.2 (or Swagger 2.0) document.
#[derive(Debug, Parser)]
#[command(
    name = "apigen",
    version,
    about = "Generate a typed async Rust client crate from an OpenAPI 3.0/3.1/3.2 or Swagger 2.0 document",
    long_about = "\
apigen reads an OpenAPI 3.0, 3.1 or 3.2 document (YAML or JSON) and writes the source of a typed \
async Rust client: one method per operation on `Client`, a request builder per operation, \
serde types for every schema, and the client's authentication methods from the spec's \
security schemes. The generated crate carries its own copy of apigen's runtime (configuration, \
retries, encoding, errors) in src/generated/apigen_runtime/, so it builds with crates.io alone; \
--runtime makes it depend on an apigen-runtime crate you provide instead.

Output is deterministic: the same spec and options give byte-identical files. Constructs the \
generator cannot express exactly are reported as diagnostics with a JSON pointer and, where \
the text allows, the spec's line:column; they never stop generation. Swagger 2.0 documents \
are converted to OpenAPI 3.0 first; their diagnostics point into the 2.0 file.

A description split over several files is given by its root document: `$ref`s to other \
local files (with or without a `#/pointer`) are followed and bundled into one document, and \
diagnostics name the file they are about. Nothing is fetched: a `$ref` to a URL is an error, \
and so is one that leaves the root document's folder unless --allow-ref-outside is given.

OpenAPI Overlay 1.0 documents (--overlay) correct a spec you do not own without editing it: \
each action's JSONPath target is updated (deep merge) or removed before generation.",
    after_long_help = "\
EXAMPLES:
    Generate a crate next to your project (with its own runtime copy, the default):
        apigen generate --spec petstore.yaml --out ../petstore-client --name petstore

    Share one runtime checkout between several generated crates (written relative to
    the generated crate):
        apigen generate --spec api.json --out clients/api --name api-client \\
            --runtime path=../../apigen/runtime

    Fix a vendor spec with overlays, applied in the order given:
        apigen generate --spec vendor.json --overlay fixes/ids.yaml --overlay fixes/enums.yaml \\
            --out vendor-client --name vendor

    Fail a CI job when the generator would degrade anything:
        apigen check --spec openapi.yaml --deny-diagnostics

EXIT STATUS:
    0  success (check: no diagnostics, or diagnostics without --deny-diagnostics)
    1  check --deny-diagnostics found diagnostics
    2  error: bad arguments, unreadable or invalid spec or overlay, write failure"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a client crate (Cargo.toml, README.md, .gitattributes, src/) for a spec
    #[command(long_about = "\
Write a standalone client crate for a spec into --out: Cargo.toml (package metadata from the \
spec's `info`), README.md (what API, which versions, a quick start, how to regenerate), \
.gitattributes (marks src/generated/ as linguist-generated) and src/. Running it again \
rewrites the generated files and leaves anything else in the directory alone. An existing \
Cargo.toml that apigen did not write is never overwritten unless --force is given.

Diagnostics are printed to stderr as `FILE:LINE:COLUMN: #POINTER: MESSAGE`.")]
    Generate(generate::Args),
    /// Report what the generator cannot express exactly, without writing anything
    #[command(long_about = "\
Run the whole generator in memory and report diagnostics: constructs that would be expressed \
less exactly than the spec states (each with its JSON pointer and, where known, line:column). \
Meant for CI: exits 0 unless the spec cannot be used at all (2) or --deny-diagnostics is \
given and there is at least one diagnostic (1).")]
    Check(check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Check(args) => check::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
