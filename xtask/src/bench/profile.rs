//! The phase profile: `--internal-profile` times each pipeline stage of the generator
//! in one process (reaching into `apigen`'s stages), `--internal-parse-floor` is the
//! typed-parse baseline, and [`run_profile`] reads the timings back.

use super::measure::is_openapi_31;
use super::process::{median, tail, target_dir};
use super::{file_name, write};
use crate::codegen::project_root;
use crate::XtaskError;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Phase timings of the generator on one spec.
pub struct Profile {
    /// The spec profiled.
    pub spec: String,
    /// In-process runs.
    pub runs: usize,
    /// (phase, median ms, first run's ms), in pipeline order.
    pub phases: Vec<(String, f64, f64)>,
}

/// Runs `--internal-profile` in the measured binary and reads its phase timings.
pub fn run_profile(generator: &Path, spec: &Path, runs: usize) -> Result<Profile, XtaskError> {
    let output = Command::new(generator)
        .args(["bench", "--internal-profile"])
        .arg(spec)
        .arg(runs.to_string())
        .output()
        .map_err(XtaskError::spawn(generator.display().to_string()))?;
    if !output.status.success() {
        return Err(XtaskError::Command {
            command: format!("{} bench --internal-profile", generator.display()),
            detail: tail(&output, 3),
        });
    }
    let phases = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (name, samples) = line.split_once('\t')?;
            let mut samples: Vec<f64> = samples.split(',').filter_map(|s| s.parse().ok()).collect();
            let first = samples.first().copied().unwrap_or(f64::NAN);
            Some((name.to_owned(), median(&mut samples), first))
        })
        .collect();
    Ok(Profile {
        spec: file_name(spec),
        runs,
        phases,
    })
}

/// Phases timed by `--internal-profile`, in the order printed; the first
/// [`PIPELINE_PHASES`] are the pipeline, run once each per iteration.
const PHASES: &[&str] = &[
    "read file",
    "`load::load` (text → serde_json::Value)",
    "`normalize::normalize`",
    "`parse::parse` (Value → openapiv3::OpenAPI)",
    "`model::build`",
    "`emit::emit` (tokens → syn::parse2 → prettyplease, 4 files)",
    "write crate files (`standalone::crate_files` + fs::write)",
    "`apigen::generate`, whole (load → emit, drops included)",
    "· types.rs: token building (`emit::types::emit`)",
    "· types.rs: `syn::parse2`",
    "· types.rs: `prettyplease::unparse`",
    "· operations.rs + builders.rs: token building (`emit::client::emit`)",
    "· operations.rs + builders.rs: `syn::parse2`",
    "· operations.rs + builders.rs: `prettyplease::unparse`",
    "· all files: dropping the `syn::File`s",
    "· floor: text → openapiv3::OpenAPI directly",
    "· `parse` alternative: `OpenAPI::deserialize(&Value)` (no clone, no path tracking)",
];
pub const PIPELINE_PHASES: usize = 7;

/// `--internal-profile FILE RUNS`: prints `phase<TAB>ms,ms,...` per phase.
pub fn internal_profile(args: &[String]) -> Result<(), XtaskError> {
    let [spec, runs] = args else {
        return Err(XtaskError::Usage(
            "usage: xtask bench --internal-profile FILE RUNS".into(),
        ));
    };
    let runs: usize = runs
        .parse()
        .map_err(|_| XtaskError::Usage("RUNS must be a number".into()))?;
    let spec = PathBuf::from(spec);
    let label = file_name(&spec);
    let out_dir = target_dir(&project_root()).join("bench/profile-out");
    let settings = apigen::Settings::new("profiled", &label);
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); PHASES.len()];
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1e3;
    for _ in 0..runs {
        let mut times = Vec::with_capacity(PHASES.len());
        let started = Instant::now();
        let text = fs::read_to_string(&spec).map_err(XtaskError::io("read", &spec))?;
        times.push(ms(started));
        let started = Instant::now();
        let value = apigen::pipeline::load(&text, &label).map_err(generate_error(&label))?;
        times.push(ms(started));
        let started = Instant::now();
        let (value, normalizations) = apigen::pipeline::normalize(value).map_err(generate_error(&label))?;
        times.push(ms(started));
        let started = Instant::now();
        let document = apigen::pipeline::parse(value).map_err(generate_error(&label))?;
        times.push(ms(started));
        let mut diagnostics = Vec::new();
        let started = Instant::now();
        let model = apigen::pipeline::build_model(&document, &mut diagnostics).map_err(generate_error(&label))?;
        times.push(ms(started));
        let started = Instant::now();
        let files = apigen::pipeline::emit(&model, &settings);
        times.push(ms(started));
        let output = apigen::pipeline::output(files, diagnostics, normalizations, &document, &model);
        let started = Instant::now();
        let _ = fs::remove_dir_all(&out_dir);
        let options = apigen::standalone::CrateOptions {
            name: "profiled".into(),
            runtime: crate::codegen::repo_runtime(&out_dir)?,
            regenerate_command: String::new(),
        };
        for (path, contents) in apigen::standalone::crate_files(&output, &options)? {
            write(&out_dir.join(path), &contents)?;
        }
        times.push(ms(started));

        let started = Instant::now();
        let whole = apigen::generate(&text, &label, &settings).map_err(generate_error(&label))?;
        drop(whole);
        times.push(ms(started));

        let mut drop_ms = 0.0;
        for file in ["types.rs", "operations.rs + builders.rs"] {
            let started = Instant::now();
            let token_files = if file == "types.rs" {
                vec![apigen::pipeline::emit_types_tokens(&model)]
            } else {
                let (operations, builders) = apigen::pipeline::emit_client_tokens(&model);
                vec![operations, builders]
            };
            times.push(ms(started));
            let started = Instant::now();
            let mut parsed_files = Vec::new();
            for tokens in token_files {
                let parsed: syn::File = syn::parse2(tokens).map_err(|err| XtaskError::Parse {
                    file: format!("generated {file}"),
                    message: err.to_string(),
                })?;
                parsed_files.push(parsed);
            }
            times.push(ms(started));
            let started = Instant::now();
            for parsed in &parsed_files {
                let formatted = prettyplease::unparse(parsed);
                std::hint::black_box(formatted.len());
            }
            times.push(ms(started));
            let started = Instant::now();
            drop(parsed_files);
            drop_ms += ms(started);
        }
        times.push(drop_ms);

        let started = Instant::now();
        let floor = typed_floor(&text, &label, is_openapi_31(&text))?;
        times.push(ms(started));
        drop(floor);

        let value = apigen::pipeline::load(&text, &label).map_err(generate_error(&label))?;
        let (value, _) = apigen::pipeline::normalize(value).map_err(generate_error(&label))?;
        let started = Instant::now();
        let document =
            <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&value).map_err(|err| parse_error(&label, err))?;
        times.push(ms(started));
        drop((document, value));

        for (phase, time) in samples.iter_mut().zip(times) {
            phase.push(time);
        }
    }
    let _ = fs::remove_dir_all(&out_dir);
    for (name, times) in PHASES.iter().zip(samples) {
        let times: Vec<String> = times.iter().map(|t| format!("{t:.3}")).collect();
        println!("{name}\t{}", times.join(","));
    }
    Ok(())
}

/// `--internal-parse-floor FILE [--normalize]`: read + deserialise into
/// `openapiv3::OpenAPI`, nothing else (the floor any typed generator pays).
pub fn internal_parse_floor(args: &[String]) -> Result<(), XtaskError> {
    let (spec, normalize) = match args {
        [spec] => (spec, false),
        [spec, flag] if flag == "--normalize" => (spec, true),
        _ => {
            return Err(XtaskError::Usage(
                "usage: xtask bench --internal-parse-floor FILE [--normalize]".into(),
            ))
        }
    };
    let text = fs::read_to_string(spec).map_err(XtaskError::io("read", spec))?;
    let document = typed_floor(&text, spec, normalize)?;
    std::hint::black_box(document.paths.paths.len());
    Ok(())
}

/// Spec text → `openapiv3::OpenAPI`: straight from the text for 3.0 documents; for 3.1
/// ones through `load` and `normalize` (which `openapiv3` needs) first.
fn typed_floor(text: &str, file_name: &str, normalize: bool) -> Result<openapiv3::OpenAPI, XtaskError> {
    if normalize {
        let value = apigen::pipeline::load(text, file_name).map_err(generate_error(file_name))?;
        let (value, _) = apigen::pipeline::normalize(value).map_err(generate_error(file_name))?;
        return serde_json::from_value(value).map_err(|err| parse_error(file_name, err));
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        serde_yaml::from_str(text).map_err(|err| parse_error(file_name, err))
    } else {
        serde_json::from_str(text).map_err(|err| parse_error(file_name, err))
    }
}

/// `file` did not deserialise.
fn parse_error(file: &str, err: impl std::fmt::Display) -> XtaskError {
    XtaskError::Parse {
        file: file.to_owned(),
        message: err.to_string(),
    }
}

/// A generator error on `spec`.
fn generate_error(spec: &str) -> impl FnOnce(apigen::GenerateError) -> XtaskError {
    let spec = spec.to_owned();
    move |source| XtaskError::Generate { spec, source }
}
