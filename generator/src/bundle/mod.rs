//! Descriptions split over many files: follow every `$ref` to another local file and
//! bundle the result into one document, the form the rest of the pipeline reads.
//!
//! - A `$ref` may name a file (`schemas/Droplet.yaml`), a file and a pointer
//!   (`parameters.yml#/droplet_id`), or a pointer into the file it stands in; paths
//!   resolve against the folder of that file. YAML and JSON files mix freely, and
//!   cycles across files are fine (they become `$ref`s between components).
//! - Objects that OpenAPI collects in `components` (schemas, responses, parameters,
//!   examples, request bodies, headers, security schemes, links, callbacks) are added
//!   to the root document's `components` under readable, stable names (see `names`),
//!   and the `$ref`s are rewritten to `#/components/<section>/<name>`. Objects that
//!   have no section (operations, path items, media types) and data (`x-…` values,
//!   descriptions, examples) are inlined where they are referred to. Operations written
//!   as `$ref`s (`get: {$ref: …}`), which OpenAPI 3.0 forbids, are accepted.
//! - Nothing is fetched: a `$ref` to a URL is an error, and so is one that leaves the
//!   root document's folder unless [`BundleOptions::allow_outside_root`]. A `$ref` in
//!   data (an extension value, an example) that cannot be followed stays as written,
//!   with a diagnostic.
//! - Every place of the bundled document knows where it came from
//!   ([`Bundle::locate`]): the file, the pointer inside it, and its line and column.
//!
//! The bundler does no I/O: a [`Loader`] hands it the text of each file (in
//! `apigen::build`, from disk).

mod kinds;
mod names;
mod refs;
mod walk;

use crate::{Diagnostic, Position, SourceMap};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// Hands the bundler the text of a file of the description.
pub trait Loader {
    /// The text of `path`: relative to the root document's folder, `/`-separated,
    /// without `.` segments; it starts with `../` (or is absolute) only when refs
    /// outside the root folder are allowed.
    fn load(&mut self, path: &str) -> Result<String, LoadError>;
}

impl<F: FnMut(&str) -> Result<String, LoadError>> Loader for F {
    fn load(&mut self, path: &str) -> Result<String, LoadError> {
        self(path)
    }
}

/// Why a [`Loader`] could not supply a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// There is no such file.
    NotFound,
    /// The file exists but may not be read (e.g. a link that leaves the root folder).
    Refused(String),
    /// Any other failure, described.
    Other(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound => f.write_str("no such file"),
            LoadError::Refused(why) | LoadError::Other(why) => f.write_str(why),
        }
    }
}

/// What the bundler may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BundleOptions {
    /// Follow `$ref`s to files outside the root document's folder (`../` above it, or
    /// absolute paths). Off by default.
    pub allow_outside_root: bool,
}

/// One file of a description, as read.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the root document's folder (`/`-separated).
    pub path: String,
    /// The text.
    pub text: String,
    map: OnceLock<SourceMap>,
}

impl SourceFile {
    fn new(path: String, text: String) -> Self {
        Self {
            path,
            text,
            map: OnceLock::new(),
        }
    }

    /// Line and column of `pointer` in this file (indexed on first use).
    pub fn position(&self, pointer: &str) -> Option<Position> {
        self.map
            .get_or_init(|| SourceMap::new(&self.text, &self.path))
            .locate(pointer)
    }
}

/// Where a place of the bundled document was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, relative to the root document's folder.
    pub file: String,
    /// The pointer inside that file.
    pub pointer: String,
    /// Its line and column, when the text tells.
    pub position: Option<Position>,
}

/// A description bundled into one document.
#[derive(Debug)]
pub struct Bundle {
    /// The bundled document (the root document itself when it refers to no other file).
    pub document: serde_json::Value,
    /// Every file read, the root first, then in the order they were reached.
    pub files: Vec<SourceFile>,
    /// `$ref`s in data (extension values, examples, descriptions) left as written
    /// because they could not be followed; pointers into [`Bundle::document`].
    pub diagnostics: Vec<Diagnostic>,
    /// Bundled pointer → (file index, pointer in that file) for every placed part.
    origins: BTreeMap<String, (usize, String)>,
}

impl Bundle {
    /// The file and pointer that the bundled `pointer` was written at.
    pub fn origin(&self, pointer: &str) -> (&str, String) {
        let mut current = pointer;
        loop {
            if let Some((file, base)) = self.origins.get(current) {
                let path = self.files.get(*file).map(|f| f.path.as_str()).unwrap_or_default();
                return (path, format!("{base}{}", &pointer[current.len()..]));
            }
            if current.is_empty() {
                let root = self.files.first().map(|f| f.path.as_str()).unwrap_or_default();
                return (root, pointer.to_owned());
            }
            current = &current[..current.rfind('/').unwrap_or(0)];
        }
    }

    /// The file, in-file pointer, line and column of the bundled `pointer`.
    pub fn locate(&self, pointer: &str) -> Location {
        let (file, inner) = self.origin(pointer);
        let position = self.files.iter().find(|f| f.path == file).and_then(|f| {
            if inner.is_empty() {
                None
            } else {
                f.position(&inner)
            }
        });
        Location {
            file: file.to_owned(),
            pointer: inner,
            position,
        }
    }

    /// The relative paths of every file of the description, the root first.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|file| file.path.as_str())
    }
}

/// Why a description cannot be bundled: a `$ref` that cannot be followed, or a file
/// that cannot be read, with the place it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleError {
    /// The file holding the problem, relative to the root document's folder.
    pub file: String,
    /// The pointer inside that file (empty: the whole file).
    pub pointer: String,
    /// Line and column of the pointer, when known.
    pub position: Option<Position>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(at) = self.position {
            write!(f, ":{}:{}", at.line, at.column)?;
        }
        if !self.pointer.is_empty() {
            write!(f, ": #{}", self.pointer)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for BundleError {}

/// Reads the description whose root document is `root` (a file name or path, handed
/// to `loader` as is) and everything it refers to, and bundles it into one document.
pub fn bundle(root: &str, loader: &mut dyn Loader, options: BundleOptions) -> Result<Bundle, BundleError> {
    walk::Bundler::run(root, loader, options)
}

#[cfg(test)]
mod tests;
