//! The comparison tool: `cargo-progenitor`, installed once into `target/bench-tools`,
//! and how it is run for each of its two interface styles.

use super::process::{cargo, exe_name};
use super::progress;
use std::path::{Path, PathBuf};

/// Version of cargo-progenitor installed for comparison.
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// Whether progenitor could be used, and why not.
pub enum Tool {
    /// Installed at this path.
    Ready(PathBuf),
    /// Not measured, for this reason.
    Skipped(String),
}

/// Progenitor's two call styles. `Positional` is its default (one method per
/// operation taking every parameter); `Builder` is the style apigen emits (a request
/// builder with a setter per optional parameter), and emits roughly twice the code, so
/// it is the like-for-like comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interface {
    /// `--interface positional` (progenitor's default).
    Positional,
    /// `--interface builder`.
    Builder,
}

impl Interface {
    /// Both styles, in report order.
    pub const ALL: [Interface; 2] = [Interface::Positional, Interface::Builder];

    /// The value of progenitor's `--interface` flag.
    pub fn flag(self) -> &'static str {
        match self {
            Interface::Positional => "positional",
            Interface::Builder => "builder",
        }
    }

    /// The generated crate's name prefix (`progenitor_` / `progenitor_builder_`).
    pub fn crate_prefix(self) -> &'static str {
        match self {
            Interface::Positional => "progenitor_",
            Interface::Builder => "progenitor_builder_",
        }
    }
}

/// The arguments that make `cargo-progenitor` generate crate `name` into `out`.
pub fn progenitor_args(spec: &str, out: &Path, name: &str, interface: Interface) -> Vec<String> {
    [
        "progenitor",
        "-i",
        spec,
        "-o",
        &out.display().to_string(),
        "-n",
        name,
        "-v",
        "0.1.0",
        "--interface",
        interface.flag(),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Installs `cargo-progenitor` [`PROGENITOR_VERSION`] under `target/bench-tools` unless
/// it is there already.
pub fn install_progenitor(target: &Path) -> Tool {
    let tools = target.join("bench-tools");
    let binary = tools.join("bin").join(exe_name("cargo-progenitor"));
    if binary.exists() {
        return Tool::Ready(binary);
    }
    progress(&format!(
        "installing cargo-progenitor {PROGENITOR_VERSION} into {} (once; takes a few minutes)",
        tools.display()
    ));
    let tools_arg = tools.display().to_string();
    let result = cargo(
        target,
        &tools.join("build"),
        &[
            "install",
            "cargo-progenitor",
            "--version",
            PROGENITOR_VERSION,
            "--locked",
            "--root",
            &tools_arg,
        ],
    );
    match result {
        Ok(()) if binary.exists() => Tool::Ready(binary),
        Ok(()) => Tool::Skipped("`cargo install cargo-progenitor` succeeded but left no binary".into()),
        Err(err) => Tool::Skipped(format!(
            "`cargo install cargo-progenitor` failed: {}",
            err.to_string().lines().last().unwrap_or("unknown error")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_interfaces_are_asked_for_explicitly() {
        for interface in Interface::ALL {
            let args = progenitor_args("spec.json", Path::new("out"), "name", interface);
            assert_eq!(&args[args.len() - 2..], ["--interface", interface.flag()]);
        }
        assert_ne!(Interface::Positional.crate_prefix(), Interface::Builder.crate_prefix());
    }
}
