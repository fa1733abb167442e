//! File-reading convenience for `build.rs` scripts and tools (feature `build`): read a
//! spec and overlays from disk, generate, and write the files. This is the only module
//! of `apigen` that does I/O; it wraps the I/O-free [`crate::generate_from_value`].
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     apigen::build::Builder::new("openapi.yaml")
//!         .overlay("overlays/fix-ids.yaml")
//!         .generate_to_out_dir()?;
//!     Ok(())
//! }
//! ```
//!
//! ```ignore
//! // src/lib.rs: the client's items (`Client`, `types`, `Error`, …) at the crate root.
//! include!(concat!(env!("OUT_DIR"), "/apigen.rs"));
//! ```

use crate::bundle::{self, Bundle, BundleError, BundleOptions, LoadError};
use crate::standalone::{self, CrateError, CrateOptions};
use crate::{Diagnostic, GenerateError, GeneratedFile, Output, Overlay, OverlayError, Position, Settings, SourceMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a build-time generation failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A spec or overlay file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A generated file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An overlay is invalid or does not apply.
    #[error(transparent)]
    Overlay(#[from] OverlayError),
    /// The spec cannot be generated from.
    #[error("{location}: {error}")]
    Generate {
        /// The spec file.
        path: PathBuf,
        /// Where the error's pointer is: `file:line:column`, or the file.
        location: String,
        /// The generator's error.
        error: GenerateError,
    },
    /// A `$ref` to another file cannot be followed (remote, outside the root folder,
    /// missing, unreadable), or a file of the description is not YAML or JSON.
    #[error("{}", bundle_message(root, error))]
    Bundle {
        /// The root document.
        root: PathBuf,
        /// What is wrong, and where (relative to the root document's folder).
        error: BundleError,
    },
    /// The standalone crate's options are unusable.
    #[error(transparent)]
    Crate(#[from] CrateError),
    /// `OUT_DIR` is not set (not running inside a build script).
    #[error("OUT_DIR is not set; generate_to_out_dir() is meant for build.rs (use generate_to(dir) elsewhere)")]
    NoOutDir,
}

/// `file:line:column` for `pointer` in `text`, or just the file name. Indexes the
/// whole text: for several pointers of one spec use a [`Locator`].
pub fn located(path: &Path, text: &str, pointer: &str) -> String {
    if pointer.is_empty() {
        return path.display().to_string();
    }
    Locator::new(path, text).locate(pointer)
}

/// A bundling error with the file shown as a path from the current directory.
fn bundle_message(root: &Path, error: &BundleError) -> String {
    let file = file_in_description(root, &error.file);
    let mut message = file.display().to_string();
    if let Some(at) = error.position {
        message.push_str(&format!(":{}:{}", at.line, at.column));
    }
    if !error.pointer.is_empty() {
        message.push_str(&format!(": #{}", error.pointer));
    }
    format!("{message}: {}", error.message)
}

/// The path of `file` (relative to the root document's folder, as the bundler names
/// files) seen from where `root` was given.
fn file_in_description(root: &Path, file: &str) -> PathBuf {
    if root.file_name().is_some_and(|name| name.to_string_lossy() == file) {
        return root.to_owned();
    }
    root.parent().unwrap_or(Path::new("")).join(file)
}

/// The file (seen from where `root` was given) and line:column of a bundled pointer.
fn position_in(root: &Path, bundle: &Bundle, pointer: &str) -> (String, Option<Position>) {
    let location = bundle.locate(pointer);
    let file = file_in_description(root, &location.file).display().to_string();
    (file, location.position)
}

/// `file:line:column` labels for the pointers of one spec, its text indexed once (a
/// 4 MB JSON spec takes tens of milliseconds to index). For a description split over
/// several files ([`Locator::for_bundle`]) the file is the one the construct was
/// written in.
#[derive(Debug, Clone)]
pub struct Locator {
    label: String,
    sources: Sources,
}

#[derive(Debug, Clone)]
enum Sources {
    Single(SourceMap),
    Bundle { root: PathBuf, bundle: Arc<Bundle> },
}

impl Locator {
    /// Indexes `text`, the contents of `path`.
    pub fn new(path: &Path, text: &str) -> Self {
        let label = path.display().to_string();
        let map = SourceMap::new(text, &label);
        Self {
            label,
            sources: Sources::Single(map),
        }
    }

    /// Locates pointers of the bundled document of the description rooted at `root`
    /// in the files they were written in (each file indexed on first use).
    pub fn for_bundle(root: &Path, bundle: Arc<Bundle>) -> Self {
        Self {
            label: root.display().to_string(),
            sources: Sources::Bundle {
                root: root.to_owned(),
                bundle,
            },
        }
    }

    /// The file (as a path from the current directory) and line:column of `pointer`.
    pub fn position(&self, pointer: &str) -> (String, Option<Position>) {
        match &self.sources {
            Sources::Single(map) => (self.label.clone(), map.locate(pointer).filter(|_| !pointer.is_empty())),
            Sources::Bundle { root, bundle } => position_in(root, bundle, pointer),
        }
    }

    /// `file:line:column` for `pointer`, or just the file name when it is not found.
    pub fn locate(&self, pointer: &str) -> String {
        match self.position(pointer) {
            (file, Some(at)) => format!("{file}:{}:{}", at.line, at.column),
            (file, None) => file,
        }
    }
}

/// Reads one overlay file.
pub fn read_overlay(path: &Path) -> Result<Overlay, BuildError> {
    let text = read(path)?;
    Ok(Overlay::parse(&text, &path.display().to_string())?)
}

/// Reads a file as UTF-8 text.
pub fn read(path: &Path) -> Result<String, BuildError> {
    fs::read_to_string(path).map_err(|source| BuildError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Removes the `.rs` files under `dir` (whose path relative to the crate is `relative`),
/// recursively, that `files` no longer holds, and the folders left empty: an earlier
/// generation's modules, or a runtime copy the crate no longer uses.
fn remove_stale(dir: &Path, relative: &str, files: &[(String, String)]) -> Result<(), BuildError> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let write_error = |path: PathBuf| move |source| BuildError::Write { path, source };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let current = format!("{relative}/{name}");
        let path = entry.path();
        if path.is_dir() {
            remove_stale(&path, &current, files)?;
            if fs::read_dir(&path).is_ok_and(|mut rest| rest.next().is_none()) {
                fs::remove_dir(&path).map_err(write_error(path.clone()))?;
            }
        } else if name.ends_with(".rs") && !files.iter().any(|(file, _)| *file == current) {
            fs::remove_file(&path).map_err(write_error(path.clone()))?;
        }
    }
    Ok(())
}

/// Writes `files` under `dir` (creating directories), leaving other files alone.
pub fn write_files(dir: &Path, files: &[(String, String)]) -> Result<(), BuildError> {
    for (relative, contents) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| BuildError::Write {
                path: parent.to_owned(),
                source,
            })?;
        }
        // Unchanged files are not rewritten, so their timestamps do not trigger rebuilds.
        if fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        fs::write(&path, contents).map_err(|source| BuildError::Write { path, source })?;
    }
    Ok(())
}

/// Generates a client from files on disk.
#[derive(Debug, Clone)]
pub struct Builder {
    spec: PathBuf,
    overlays: Vec<PathBuf>,
    crate_name: Option<String>,
    regenerate_command: Option<String>,
    label: Option<String>,
    feature_groups: bool,
    vendored_runtime: bool,
    undeclared_members: bool,
    allow_ref_outside: bool,
}

impl Builder {
    /// A builder for the spec at `spec` (relative paths are relative to the current
    /// directory, which in a build script is the package root).
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self {
            spec: spec.into(),
            overlays: Vec::new(),
            crate_name: None,
            regenerate_command: None,
            label: None,
            feature_groups: false,
            vendored_runtime: true,
            undeclared_members: true,
            allow_ref_outside: false,
        }
    }

    /// Keeps the members a schema does not declare in each decoded struct's
    /// `undeclared` field (see [`Settings::keep_undeclared`]); on by default.
    pub fn undeclared_members(mut self, keep: bool) -> Self {
        self.undeclared_members = keep;
        self
    }

    /// Writes a copy of the runtime next to the generated code (`apigen/apigen_runtime/`
    /// in `OUT_DIR`, see [`crate::vendor`]), so the crate needs no `apigen-runtime`
    /// dependency, only the runtime's own dependencies ([`crate::vendor::dependencies`]:
    /// `reqwest`, `tokio`, `serde`, …). On by default. `false`: the code uses the
    /// `apigen-runtime` crate, which the including crate must depend on.
    /// [`Builder::generate_crate`] follows its [`CrateOptions::runtime`] instead.
    pub fn vendored_runtime(mut self, on: bool) -> Self {
        self.vendored_runtime = on;
        self
    }

    /// Follows `$ref`s to files outside the spec's folder (`../…` above it, absolute
    /// paths, links that lead out). Off by default: such refs are an error.
    pub fn allow_ref_outside(mut self, allow: bool) -> Self {
        self.allow_ref_outside = allow;
        self
    }

    /// Gates operation groups behind cargo features (see
    /// [`Settings::feature_groups`]); off by default, because code generated into
    /// `OUT_DIR` lives in a crate that does not declare them. [`Builder::generate_crate`]
    /// always turns it on (it writes the `[features]` table).
    pub fn feature_groups(mut self, on: bool) -> Self {
        self.feature_groups = on;
        self
    }

    /// Adds an overlay file, applied after those already added.
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        self.overlays.push(path.into());
        self
    }

    /// The name used in generated docs and the default `User-Agent` (default: the
    /// `CARGO_PKG_NAME` of the package being built, else `client`).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// The command shown in generated file headers (default `cargo build (build.rs)`).
    pub fn regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.regenerate_command = Some(command.into());
        self
    }

    /// How the spec is named in generated file headers (default: the path given to
    /// [`Builder::new`]). Use a stable, relative name so output does not depend on
    /// where the project is checked out.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Reads the spec and every file its `$ref`s reach, bundled into one document
    /// (see [`crate::bundle`]); a spec that refers to no other file is read as is.
    pub fn bundle(&self) -> Result<Bundle, BuildError> {
        let text = read(&self.spec)?;
        let root_name = self
            .spec
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.spec.display().to_string());
        let dir = match self.spec.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let allow = self.allow_ref_outside;
        let canonical_dir = dir.canonicalize().ok();
        let mut root_text = Some(text);
        let mut loader = |path: &str| -> Result<String, LoadError> {
            if path == root_name {
                if let Some(text) = root_text.take() {
                    return Ok(text);
                }
            }
            let file = dir.join(path);
            if !allow {
                // A link inside the folder may still lead out of it.
                if let (Some(inside), Ok(real)) = (&canonical_dir, file.canonicalize()) {
                    if !real.starts_with(inside) {
                        return Err(LoadError::Refused(format!(
                            "it is a link to {}, outside the folder of the root document (allow it with --allow-ref-outside or Builder::allow_ref_outside(true))",
                            real.display()
                        )));
                    }
                }
            }
            fs::read_to_string(&file).map_err(|err| match err.kind() {
                std::io::ErrorKind::NotFound => LoadError::NotFound,
                _ => LoadError::Other(format!("{}: {err}", file.display())),
            })
        };
        let options = BundleOptions {
            allow_outside_root: allow,
        };
        bundle::bundle(&root_name.clone(), &mut loader, options).map_err(|error| BuildError::Bundle {
            root: self.spec.clone(),
            error,
        })
    }

    /// Reads the spec (and the files it refers to) and overlays and generates, without
    /// writing anything.
    pub fn generate(&self) -> Result<Output, BuildError> {
        self.generate_from(&self.bundle()?)
    }

    /// Generates from an already read description ([`Builder::bundle`]); its `$ref`s
    /// that were left in data are reported among the diagnostics.
    pub fn generate_from(&self, bundle: &Bundle) -> Result<Output, BuildError> {
        let label = (self.label.clone()).unwrap_or_else(|| self.spec.display().to_string().replace('\\', "/"));
        let name = self
            .crate_name
            .clone()
            .or_else(|| std::env::var("CARGO_PKG_NAME").ok())
            .unwrap_or_else(|| "client".to_owned());
        let command = self.regenerate_command.as_deref().unwrap_or("cargo build (build.rs)");
        let mut settings = Settings::new(name, &label)
            .with_regenerate_command(command)
            .with_feature_groups(self.feature_groups)
            .with_vendored_runtime(self.vendored_runtime)
            .with_undeclared_members(self.undeclared_members);
        for path in &self.overlays {
            settings = settings.with_overlay(read_overlay(path)?);
        }
        let mut output = crate::generate_from_value(bundle.document.clone(), &settings).map_err(|error| {
            let (file, position) = position_in(&self.spec, bundle, &error.pointer);
            let location = match position {
                Some(at) if !error.pointer.is_empty() => format!("{file}:{}:{}", at.line, at.column),
                _ => file,
            };
            BuildError::Generate {
                path: self.spec.clone(),
                location,
                error,
            }
        })?;
        if !bundle.diagnostics.is_empty() {
            output.diagnostics.extend(bundle.diagnostics.iter().cloned());
            output.diagnostics.sort();
            output.diagnostics.dedup();
        }
        Ok(output)
    }

    /// Generates into `dir`: the module files in `dir/apigen/` and `dir/apigen.rs`, a
    /// file to `include!` that declares that module and re-exports its items.
    pub fn generate_to(&self, dir: &Path) -> Result<Output, BuildError> {
        let output = self.generate()?;
        self.write_module(dir, &output)?;
        Ok(output)
    }

    fn write_module(&self, dir: &Path, output: &Output) -> Result<(), BuildError> {
        let module_dir = dir.join("apigen");
        let mut files: Vec<(String, String)> = output
            .files
            .iter()
            .map(|GeneratedFile { path, contents }| (format!("apigen/{path}"), contents.clone()))
            .collect();
        // `#[path]` with an absolute path: an `include!`d file's relative paths would be
        // resolved against the including source file, not OUT_DIR.
        let mod_rs = module_dir.join("mod.rs").display().to_string();
        files.push((
            "apigen.rs".to_owned(),
            format!("// @generated by apigen from {}\n#[path = {mod_rs:?}]\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n", self.spec.display()),
        ));
        write_files(dir, &files)
    }

    /// Writes a standalone crate into `dir` (see [`standalone::crate_files`]); generated
    /// `.rs` files left over from an earlier generation are removed.
    pub fn generate_crate(&self, dir: &Path, options: &CrateOptions) -> Result<Output, BuildError> {
        self.generate_crate_from(&self.bundle()?, dir, options)
    }

    /// [`Builder::generate_crate`] from an already read description ([`Builder::bundle`]).
    pub fn generate_crate_from(
        &self,
        bundle: &Bundle,
        dir: &Path,
        options: &CrateOptions,
    ) -> Result<Output, BuildError> {
        let output = self
            .clone()
            .feature_groups(true)
            .vendored_runtime(options.runtime.is_vendored())
            .generate_from(bundle)?;
        let files = standalone::crate_files(&output, options)?;
        remove_stale(&dir.join("src/generated"), "src/generated", &files)?;
        write_files(dir, &files)?;
        Ok(output)
    }

    /// Every file the generated code depends on: the spec, each file its `$ref`s
    /// reach (paths as seen from where the spec was given), then the overlays.
    pub fn watched_files(&self, bundle: &Bundle) -> Vec<PathBuf> {
        bundle
            .paths()
            .map(|path| file_in_description(&self.spec, path))
            .chain(self.overlays.iter().cloned())
            .collect()
    }

    /// For `build.rs`: generates into `OUT_DIR` (see [`Builder::generate_to`]), prints
    /// `cargo:rerun-if-changed` for the spec, every file it refers to and every overlay
    /// ([`Builder::watched_files`]), and each diagnostic as a `cargo:warning` with the
    /// file and line:column it is about.
    pub fn generate_to_out_dir(&self) -> Result<Output, BuildError> {
        // Printed first, so a failing generation is retried when any of them changes.
        for path in std::iter::once(&self.spec).chain(&self.overlays) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let bundle = self.bundle()?;
        for path in self
            .watched_files(&bundle)
            .iter()
            .skip(1)
            .take(bundle.files.len().saturating_sub(1))
        {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        let out_dir = std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?;
        let output = self.generate_from(&bundle)?;
        self.write_module(Path::new(&out_dir), &output)?;
        if !output.diagnostics.is_empty() {
            let locator = Locator::for_bundle(&self.spec, Arc::new(bundle));
            for Diagnostic { pointer, message } in &output.diagnostics {
                println!("cargo:warning={}: {message} (#{pointer})", locator.locate(pointer));
            }
        }
        Ok(output)
    }
}
