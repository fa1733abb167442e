//! Release build of a small binary: one call (`GET /session/me` of prog-nexus) made
//! three ways — through apigen's generated crate, through progenitor's (builder
//! interface), and hand-written with `reqwest` + `serde` + `serde_json` — each in a
//! crate of its own. The call never runs (there is no server); the binaries must
//! compile and link, and the report compares the release build time and binary size.
//!
//! What is timed: each binary crate in turn is built once untimed (`cargo build
//! --release`, building all its dependencies into a target directory the three share);
//! right after, the generated crate's `src/lib.rs` (apigen, progenitor) and the
//! binary's `src/main.rs` are touched and one `cargo build --release` is timed: the
//! generated crate and the binary are compiled again and linked, every other dependency
//! is reused (for the hand-written binary, the binary alone). The packages cargo
//! reports compiling in the timed build are recorded, so the report shows it.

use super::check::touch;
use super::process::{cargo, cargo_command, exe_name, tail};
use super::{progress, write};
use crate::XtaskError;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The spec whose crates the binaries call.
pub const RELEASE_SPEC: &str = "prog-nexus.json";

/// The one operation called, as the report names it.
pub const OPERATION: &str = "`GET /session/me` (`session_me`: no parameters, a three-field `User` back)";

/// The `reqwest` dependency of the hand-written binary: the version and features
/// `apigen-runtime` uses (workspace `Cargo.toml`).
const REQWEST: &str =
    "reqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls\", \"http2\"] }";

/// The three ways of making the call, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// apigen's generated crate.
    Apigen,
    /// progenitor's generated crate, `--interface builder`.
    Progenitor,
    /// `reqwest` + `serde` + `serde_json` by hand.
    Reqwest,
}

impl Flavour {
    /// All three, in report order.
    pub const ALL: [Flavour; 3] = [Flavour::Apigen, Flavour::Progenitor, Flavour::Reqwest];

    /// The binary crate's package (and binary) name.
    pub fn package(self) -> &'static str {
        match self {
            Flavour::Apigen => "nexus_call_apigen",
            Flavour::Progenitor => "nexus_call_progenitor",
            Flavour::Reqwest => "nexus_call_reqwest",
        }
    }

    /// How the report names it.
    pub fn label(self) -> &'static str {
        match self {
            Flavour::Apigen => "apigen's crate",
            Flavour::Progenitor => "progenitor's crate (`--interface builder`)",
            Flavour::Reqwest => "hand-written `reqwest` + `serde_json`",
        }
    }

    /// What the timed build compiles.
    pub fn rebuilt(self) -> &'static str {
        match self {
            Flavour::Apigen | Flavour::Progenitor => "generated crate + binary, link",
            Flavour::Reqwest => "binary, link",
        }
    }
}

/// One binary's timed build and sizes.
#[derive(Debug, Clone)]
pub struct BinBuild {
    /// Wall time of the timed `cargo build --release`.
    pub seconds: f64,
    /// Size of the binary as built (release profile: no debug info, symbols kept).
    pub unstripped: u64,
    /// Size after `strip`.
    pub stripped: Result<u64, String>,
    /// The packages the timed build compiled (cargo's `Compiling NAME` lines).
    pub compiled: Vec<String>,
}

/// One binary: built, or why not.
#[derive(Debug, Clone)]
pub struct ReleaseBin {
    /// Which one.
    pub flavour: Flavour,
    /// The `reqwest` dependency line the call goes through (TLS backends differ:
    /// progenitor's generated `Cargo.toml` names none), when known.
    pub reqwest: Option<String>,
    /// Its build.
    pub result: Result<BinBuild, String>,
}

/// The release-binary measurement of a run.
#[derive(Debug, Clone)]
pub enum Release {
    /// Not attempted, for this reason (smoke mode, `--no-release`, spec not in the run).
    Skipped(String),
    /// The three binaries, in [`Flavour::ALL`] order.
    Ran(Vec<ReleaseBin>),
}

impl Release {
    /// Failures of the run: apigen's binary or the hand-written one not building (a
    /// progenitor failure is a result, shown in the table).
    pub fn failures(&self) -> Vec<String> {
        let Release::Ran(bins) = self else {
            return Vec::new();
        };
        bins.iter()
            .filter(|bin| bin.flavour != Flavour::Progenitor)
            .filter_map(|bin| {
                let err = bin.result.as_ref().err()?;
                Some(format!(
                    "release build of {} ({}): {err}",
                    bin.flavour.package(),
                    bin.flavour.label()
                ))
            })
            .collect()
    }
}

/// The crates the binaries depend on: (package name, directory) of apigen's crate and
/// of progenitor's builder-style crate, or why there is none.
pub struct Inputs {
    /// apigen's generated crate.
    pub apigen: Result<(String, PathBuf), String>,
    /// progenitor's generated crate (builder interface).
    pub progenitor: Result<(String, PathBuf), String>,
}

/// `Cargo.toml` of one binary crate (its own workspace, so cargo does not look for one
/// further up); `dependency` is the generated crate, when the flavour has one.
pub fn manifest(flavour: Flavour, dependency: Option<(&str, &Path)>) -> String {
    let mut deps = String::new();
    if let Some((name, dir)) = dependency {
        deps.push_str(&format!("{name} = {{ path = '{}' }}\n", dir.display()));
    }
    if flavour == Flavour::Reqwest {
        deps.push_str(REQWEST);
        deps.push_str("\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n");
    }
    format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{deps}tokio = {{ version = \"1\", features = [\"rt\", \"macros\"] }}\n\n[workspace]\n",
        flavour.package()
    )
}

/// `src/main.rs` of one binary crate; `krate` is the generated crate's name.
pub fn main_rs(flavour: Flavour, krate: &str) -> String {
    let call = match flavour {
        Flavour::Apigen => format!(
            "    let client = match {krate}::Client::builder().base_url(base).build() {{\n\
             \x20       Ok(client) => client,\n\
             \x20       Err(err) => fail(err),\n\
             \x20   }};\n\
             \x20   match client.session_me().await {{\n\
             \x20       Ok(user) => println!(\"{{}} {{}} {{}}\", user.id, user.display_name, user.silo_id),\n\
             \x20       Err(err) => fail(err),\n\
             \x20   }}\n"
        ),
        Flavour::Progenitor => format!(
            "    let client = {krate}::Client::new(&base);\n\
             \x20   match client.session_me().send().await {{\n\
             \x20       Ok(user) => {{\n\
             \x20           let user = user.into_inner();\n\
             \x20           println!(\"{{}} {{}} {{}}\", user.id, user.display_name, user.silo_id);\n\
             \x20       }}\n\
             \x20       Err(err) => fail(err),\n\
             \x20   }}\n"
        ),
        Flavour::Reqwest => "    match session_me(&reqwest::Client::new(), &base).await {\n\
             \x20       Ok(user) => println!(\"{} {} {}\", user.id, user.display_name, user.silo_id),\n\
             \x20       Err(err) => fail(err),\n\
             \x20   }\n"
            .to_owned(),
    };
    let hand_written = if flavour == Flavour::Reqwest {
        "\n/// `#/components/schemas/User`.\n\
         #[derive(serde::Deserialize)]\n\
         struct User {\n    display_name: String,\n    id: String,\n    silo_id: String,\n}\n\n\
         /// `GET /session/me`.\n\
         async fn session_me(client: &reqwest::Client, base: &str) -> Result<User, Box<dyn std::error::Error>> {\n\
         \x20   let response = client.get(format!(\"{base}/session/me\")).send().await?.error_for_status()?;\n\
         \x20   let body = response.bytes().await?;\n\
         \x20   Ok(serde_json::from_slice(&body)?)\n\
         }\n"
    } else {
        ""
    };
    format!(
        "//! One call of prog-nexus's `GET /session/me` ({}), written by `cargo xtask bench`.\n\
         \n\
         #[tokio::main(flavor = \"current_thread\")]\n\
         async fn main() {{\n\
         \x20   let base = std::env::args().nth(1).unwrap_or_else(|| \"http://127.0.0.1:9\".to_owned());\n\
         {call}}}\n\
         \n\
         fn fail(err: impl std::fmt::Debug) -> ! {{\n\
         \x20   eprintln!(\"{{err:?}}\");\n\
         \x20   std::process::exit(1)\n\
         }}\n{hand_written}",
        flavour.label()
    )
}

/// Writes the three binary crates under `target/bench/release-bins/`, builds each once
/// untimed, then times one rebuild of each (see the module docs) and measures the
/// binaries. `root` provides the `Cargo.lock` the apigen and hand-written crates start
/// from (progenitor's crate is resolved fresh, as in the check workspace).
pub fn run_release(root: &Path, target: &Path, inputs: &Inputs) -> Result<Release, XtaskError> {
    let bins_dir = target.join("bench").join("release-bins");
    let shared_target = target.join("bench").join("release-target");
    let mut bins = Vec::new();
    // Each binary's timed build comes right after its own untimed one: the graphs of
    // two binaries can share a dependency built with other features (tokio's, for
    // one), and building the other binary in between would rebuild it in the timed run.
    for flavour in Flavour::ALL {
        let dependency = match flavour {
            Flavour::Apigen => Some(&inputs.apigen),
            Flavour::Progenitor => Some(&inputs.progenitor),
            Flavour::Reqwest => None,
        };
        let reqwest = match flavour {
            Flavour::Apigen | Flavour::Reqwest => Some(REQWEST.to_owned()),
            Flavour::Progenitor => inputs.progenitor.as_ref().ok().and_then(|(_, dir)| reqwest_line(dir)),
        };
        let dependency = match dependency {
            Some(Ok((name, dir))) => Some((name.as_str(), dir.as_path())),
            Some(Err(reason)) => {
                bins.push(ReleaseBin {
                    flavour,
                    reqwest,
                    result: Err(reason.clone()),
                });
                continue;
            }
            None => None,
        };
        let dir = bins_dir.join(flavour.package());
        write(&dir.join("Cargo.toml"), &manifest(flavour, dependency))?;
        write(
            &dir.join("src/main.rs"),
            &main_rs(flavour, dependency.map_or("", |(name, _)| name)),
        )?;
        if flavour != Flavour::Progenitor {
            let _ = fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
        }
        progress(&format!(
            "release build of {} (untimed: dependencies)",
            flavour.package()
        ));
        let lib = dependency.map(|(_, dep)| dep.join("src").join("lib.rs"));
        let result = match cargo(&dir, &shared_target, &["build", "--release", "--quiet"]) {
            Ok(()) => {
                progress(&format!("release build of {} (timed)", flavour.package()));
                timed_build(&dir, lib.as_deref(), &shared_target, flavour)
            }
            Err(err) => Err(err.to_string()),
        };
        bins.push(ReleaseBin {
            flavour,
            reqwest,
            result,
        });
    }
    Ok(Release::Ran(bins))
}

/// The `reqwest = …` line of the crate at `dir`.
fn reqwest_line(dir: &Path) -> Option<String> {
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    manifest
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("reqwest ") || line.starts_with("reqwest="))
        .map(str::to_owned)
}

/// Touches the generated crate's `lib.rs` (if any) and the binary's `main.rs`, times
/// `cargo build --release`, and measures the binary before and after `strip`.
fn timed_build(dir: &Path, lib: Option<&Path>, target: &Path, flavour: Flavour) -> Result<BinBuild, String> {
    if let Some(lib) = lib {
        touch(lib).map_err(|err| err.to_string())?;
    }
    touch(&dir.join("src/main.rs")).map_err(|err| err.to_string())?;
    let started = Instant::now();
    // Not `--quiet`: cargo's `Compiling NAME vX` lines say what the timed build rebuilt.
    let output = cargo_command(dir, target)
        .args(["build", "--release"])
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!("`cargo build --release` failed: {}", tail(&output, 3)));
    }
    let binary = target.join("release").join(exe_name(flavour.package()));
    let unstripped = fs::metadata(&binary)
        .map_err(|err| format!("cannot read {}: {err}", binary.display()))?
        .len();
    Ok(BinBuild {
        seconds,
        unstripped,
        stripped: stripped_size(&binary),
        compiled: compiled_packages(&String::from_utf8_lossy(&output.stderr)),
    })
}

/// The package names of cargo's `Compiling NAME vX.Y.Z (…)` lines.
pub fn compiled_packages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The size of a `strip`ped copy of `binary`.
fn stripped_size(binary: &Path) -> Result<u64, String> {
    let copy = binary.with_extension("stripped");
    fs::copy(binary, &copy).map_err(|err| format!("cannot copy {}: {err}", binary.display()))?;
    let output = Command::new("strip")
        .arg(&copy)
        .output()
        .map_err(|err| format!("cannot run `strip`: {err}"))?;
    if !output.status.success() {
        return Err(format!("`strip` failed: {}", tail(&output, 1)));
    }
    fs::metadata(&copy)
        .map(|meta| meta.len())
        .map_err(|err| format!("cannot read {}: {err}", copy.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_stand_alone_and_use_the_runtimes_reqwest() {
        let apigen = manifest(
            Flavour::Apigen,
            Some(("apigen_prog_nexus", Path::new("/t/apigen_prog_nexus"))),
        );
        assert!(
            apigen.contains("apigen_prog_nexus = { path = '/t/apigen_prog_nexus' }"),
            "{apigen}"
        );
        assert!(apigen.ends_with("[workspace]\n") && !apigen.contains("reqwest"));
        let hand = manifest(Flavour::Reqwest, None);
        assert!(hand.contains(REQWEST) && hand.contains("serde_json"), "{hand}");
    }

    #[test]
    fn each_binary_makes_the_one_call() {
        assert!(main_rs(Flavour::Apigen, "apigen_x").contains("apigen_x::Client::builder()"));
        assert!(main_rs(Flavour::Progenitor, "prog_x").contains("client.session_me().send().await"));
        let hand = main_rs(Flavour::Reqwest, "");
        assert!(hand.contains("struct User") && hand.contains("/session/me"));
        for flavour in Flavour::ALL {
            let text = main_rs(flavour, "k");
            assert_eq!(text.matches('{').count(), text.matches('}').count(), "{text}");
        }
    }

    #[test]
    fn compiled_packages_come_from_cargos_lines() {
        let stderr = "   Compiling apigen_prog_nexus v0.1.0 (/t/a)\n   Compiling nexus_call_apigen v0.1.0 (/t/b)\n    Finished `release` profile\n";
        assert_eq!(compiled_packages(stderr), ["apigen_prog_nexus", "nexus_call_apigen"]);
        assert!(compiled_packages("    Finished\n").is_empty());
    }

    #[test]
    fn only_our_binary_and_the_hand_written_one_can_fail_the_run() {
        let failed = |flavour| ReleaseBin {
            flavour,
            reqwest: None,
            result: Err("boom".into()),
        };
        let release = Release::Ran(Flavour::ALL.map(failed).to_vec());
        let failures = release.failures();
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(Release::Skipped("smoke".into()).failures().is_empty());
    }
}
