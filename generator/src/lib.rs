//! `apigen`: turns an OpenAPI 3.0, 3.1 or 3.2 (or Swagger 2.0) document into the
//! source of a typed async Rust client.
//!
//! The public surface is small:
//!
//! - [`generate`] (text in) and [`generate_from_value`] (loaded JSON in) return an
//!   [`Output`]: the generated files, [`Diagnostic`]s and counts; [`Settings`] shapes them.
//! - [`overlay`]: OpenAPI Overlay 1.0 documents applied to the spec before generation
//!   ([`Settings::overlays`] or [`overlay::apply`]).
//! - [`standalone`]: the files that make the output a publishable crate (manifest,
//!   README, `.gitattributes`), with the runtime dependency written as the user chooses.
//! - [`SourceMap`]: JSON pointer → line:column in the spec text, for printing diagnostics.
//! - [`swagger2`]: the Swagger 2.0 → OpenAPI 3.0 conversion `generate` applies to 2.0
//!   documents (diagnostics keep pointers into the 2.0 document).
//! - [`bundle`]: descriptions split over many files, bundled into one document (the
//!   files come from a [`bundle::Loader`]; `build` reads them from disk).
//! - [`manifest`]: per-operation and per-type records in [`Output`], for test harnesses.
//! - `build` (feature `build`): reads spec and overlay files and writes into `OUT_DIR` for
//!   `build.rs` scripts. It is the only module that touches the file system.
//!
//! Internally the pipeline has one module per stage: `load` (text → JSON value),
//! [`swagger2`] (Swagger 2.0 converted to 3.0) or `openapi32` (3.2 constructs rewritten
//! or reported), `normalize` (OpenAPI 3.1 constructs rewritten into 3.0 forms), `parse` (→ `openapiv3`),
//! `model` (→ an intermediate model with every name resolved) and `emit` (→ Rust tokens,
//! formatted with `prettyplease`). Those stages are private; the benchmark profiler
//! reaches them through the hidden [`pipeline`] hook.
//!
//! Nothing here panics on input: every problem is either a [`GenerateError`] (the
//! document cannot be used at all) or a [`Diagnostic`] (one construct was expressed
//! less exactly; the rest of the spec still generates). Outside `build`, nothing here
//! does I/O: callers pass text in and get files back.

#![deny(missing_docs)]

mod api_info;
pub mod bundle;
mod diagnostics;
pub(crate) mod emit;
pub(crate) mod ir;
pub(crate) mod load;
pub mod manifest;
pub(crate) mod model;
pub(crate) mod naming;
pub(crate) mod normalize;
pub(crate) mod openapi32;
pub mod overlay;
pub(crate) mod parse;
#[doc(hidden)]
pub mod pipeline;
pub(crate) mod pointer;
mod source_map;
pub mod standalone;
pub mod swagger2;
pub mod typedness;
pub mod vendor;

#[cfg(feature = "build")]
pub mod build;

pub use api_info::{ApiInfo, QuickStart};
pub use diagnostics::{Diagnostic, GenerateError};
pub use normalize::Rewrite;
pub use overlay::{Overlay, OverlayError};
pub use source_map::{Position, SourceMap};

/// Options that shape the generated code.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Crate name used in docs and the default `User-Agent` (e.g. `inboxapp`).
    pub crate_name: String,
    /// Path of the spec as shown in generated file headers (e.g. `spec/inboxapp.yaml`).
    pub spec_label: String,
    /// The command that regenerates the output, shown in generated file headers.
    pub regenerate_command: String,
    /// Overlays applied, in order, to the loaded document before normalisation.
    pub overlays: Vec<Overlay>,
    /// Gate operations and the types only they use behind one cargo feature per
    /// operation group ([`Output::feature_groups`]), and `Serialize` on response-only
    /// types behind `serialize-responses`. Only for code in a crate whose `Cargo.toml`
    /// declares those features (standalone crates do; see
    /// [`standalone::features_table`]). Off by default: code `include!`d from a
    /// `build.rs` lives in the user's crate, which does not declare them (there,
    /// response-only types derive `Serialize` under the `mock` feature).
    pub feature_groups: bool,
    /// Write a copy of the runtime into the output ([`vendor`]): the files gain an
    /// `apigen_runtime/` module, and generated code names it instead of the
    /// `apigen-runtime` crate. The crate holding the code then needs the runtime's
    /// dependencies ([`vendor::dependencies`]) instead of `apigen-runtime`. Off by
    /// default (the code depends on the `apigen-runtime` crate).
    pub vendor_runtime: bool,
    /// Keep the members of a JSON object that its schema does not declare: every
    /// struct without `additionalProperties` gets a field `undeclared`
    /// (`apigen_runtime::Undeclared`) that decoding fills and encoding writes back, so a
    /// response decoded and encoded again loses nothing. On by default (cost measured in
    /// BENCHMARKS.md, "Undeclared members").
    pub keep_undeclared: bool,
}

impl Settings {
    /// Settings for a crate called `crate_name` generated from `spec_label`.
    pub fn new(crate_name: impl Into<String>, spec_label: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            spec_label: spec_label.into(),
            regenerate_command: "cargo xtask codegen".into(),
            overlays: Vec::new(),
            feature_groups: false,
            vendor_runtime: false,
            keep_undeclared: true,
        }
    }

    /// Turns keeping undeclared members on or off (see [`Settings::keep_undeclared`]).
    pub fn with_undeclared_members(mut self, keep: bool) -> Self {
        self.keep_undeclared = keep;
        self
    }

    /// Turns the runtime copy on or off (see [`Settings::vendor_runtime`]).
    pub fn with_vendored_runtime(mut self, on: bool) -> Self {
        self.vendor_runtime = on;
        self
    }

    /// Turns feature groups on or off (see [`Settings::feature_groups`]).
    pub fn with_feature_groups(mut self, on: bool) -> Self {
        self.feature_groups = on;
        self
    }

    /// Sets the command named in generated file headers.
    pub fn with_regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.regenerate_command = command.into();
        self
    }

    /// Adds an overlay, applied after those already added.
    pub fn with_overlay(mut self, overlay: Overlay) -> Self {
        self.overlays.push(overlay);
        self
    }
}

/// One generated file: a path relative to the generated module's directory, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, `/`-separated (e.g. `types.rs`).
    pub path: String,
    /// Complete file contents, ending in a newline.
    pub contents: String,
}

/// How many of the spec's operations became client methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationCounts {
    /// Operations generated as client methods.
    pub generated: usize,
    /// Operations found in the spec (the rest were skipped with a diagnostic).
    pub total: usize,
}

/// The result of a successful generation.
#[derive(Debug, Clone)]
pub struct Output {
    /// Generated source files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Constructs expressed less exactly than the spec states, sorted by pointer.
    pub diagnostics: Vec<Diagnostic>,
    /// Rewrites made while normalising OpenAPI 3.1 to 3.0, in document order.
    pub normalizations: Vec<Rewrite>,
    /// Operations generated and found.
    pub operation_counts: OperationCounts,
    /// Number of named types generated.
    pub type_count: usize,
    /// What the spec says about the API (`info`, first operation), for crate metadata.
    pub api: ApiInfo,
    /// Each generated operation with the type each success status decodes into (a
    /// manifest for test harnesses such as `cargo xtask conformance`).
    pub operations: Vec<manifest::OperationRecord>,
    /// Each named type with its source pointer and shape (typed or free-form).
    pub types: Vec<manifest::TypeRecord>,
    /// How many schemas that declare properties became typed Rust types, and which
    /// did not (pointers into the normalised document).
    pub typedness: typedness::Typedness,
    /// The spec's security schemes and how the client wires each (the builder method,
    /// or the manual route for those it cannot apply).
    pub security: Vec<manifest::SchemeRecord>,
    /// The cargo features of the operation groups, sorted (empty unless
    /// [`Settings::feature_groups`]); the crate's `Cargo.toml` must declare each, plus
    /// `full` (all of them, on by default) and `serialize-responses`.
    pub feature_groups: Vec<String>,
}

/// Generates client source from spec text. `file_name` decides YAML vs JSON parsing
/// (by extension; unknown extensions try JSON, then YAML).
pub fn generate(text: &str, file_name: &str, settings: &Settings) -> Result<Output, GenerateError> {
    let value = load::load(text, file_name)?;
    generate_from_value(value, settings)
}

/// Generates client source from an already loaded document (overlays in `settings`
/// are applied first).
pub fn generate_from_value(mut value: serde_json::Value, settings: &Settings) -> Result<Output, GenerateError> {
    for overlay in &settings.overlays {
        overlay
            .apply(&mut value)
            .map_err(|err| GenerateError::new("", err.to_string()))?;
    }
    // A Swagger 2.0 document is converted to 3.0 first; later diagnostics are mapped
    // back to positions in the 2.0 document.
    let (mut value, conversion) = if swagger2::is_swagger2(&value) {
        let conversion = swagger2::convert(&value)?;
        (conversion.document, Some((conversion.diagnostics, conversion.pointers)))
    } else {
        (value, None)
    };
    // OpenAPI 3.2: what the 3.0 parser cannot read is rewritten or reported first.
    let (mut normalizations, mut diagnostics) = match openapi32::is_openapi32(&value) {
        true => openapi32::rewrite(&mut value),
        false => (Vec::new(), Vec::new()),
    };
    let (mut value, rewrites, problems) = normalize::normalize_lenient(value)?;
    normalizations.extend(rewrites);
    diagnostics.extend(problems);
    // What `openapiv3` drops: other methods, `itemSchema`s, tag hierarchy.
    let extras = model::extras::read(&value, &mut diagnostics);
    // `openapiv3` (3.0) does not read `webhooks`, so they are taken from the JSON.
    let webhooks = model::webhooks::Source::from_document(&value);
    // Read from the JSON too: the 3.0 parser cannot read every scheme (`mutualTLS`).
    let security_schemes = model::security::take_schemes(&mut value);
    let (document, dropped) = parse::parse_lenient(&mut value)?;
    diagnostics.extend(dropped);
    let pointed = model::refs::pointed_schemas(&value);
    let mut model = model::build_with_webhooks(&document, &pointed, &webhooks, &extras, &mut diagnostics)?;
    model.security = model::security::build(&security_schemes, &value, &mut model.operations, &mut diagnostics);
    model.examples = model::examples::collect(&value);
    model.keep_undeclared = settings.keep_undeclared;
    if settings.feature_groups {
        model::features::apply(&mut model);
        model.serialize_responses_feature = "serialize-responses";
    }
    let mut files = emit::emit(&model, settings);
    if settings.vendor_runtime {
        files.extend(
            vendor::files()
                .into_iter()
                .map(|(path, contents)| GeneratedFile { path, contents }),
        );
    }
    let types = manifest::types(&model);
    let typedness = typedness::measure(&value, &types);
    if let Some((converted, pointers)) = conversion {
        for diagnostic in &mut diagnostics {
            diagnostic.pointer = pointers.original(&diagnostic.pointer);
        }
        for rewrite in &mut normalizations {
            rewrite.pointer = pointers.original(&rewrite.pointer);
        }
        diagnostics.extend(converted);
    }
    Ok(finish(
        files,
        diagnostics,
        normalizations,
        &document,
        &model,
        types,
        typedness,
    ))
}

/// Assembles an [`Output`] from the stages' results (shared with the [`pipeline`] hook).
fn finish(
    files: Vec<GeneratedFile>,
    mut diagnostics: Vec<Diagnostic>,
    normalizations: Vec<Rewrite>,
    document: &openapiv3::OpenAPI,
    model: &ir::Model,
    types: Vec<manifest::TypeRecord>,
    typedness: typedness::Typedness,
) -> Output {
    diagnostics.sort();
    diagnostics.dedup();
    Output {
        files,
        diagnostics,
        normalizations,
        operation_counts: OperationCounts {
            generated: model.operations.len(),
            total: model.operation_total,
        },
        type_count: model.types.len(),
        api: ApiInfo::new(document, model),
        operations: manifest::operations(model),
        typedness,
        types,
        feature_groups: model.feature_groups.clone(),
        security: manifest::security(model),
    }
}

/// Loads spec text (YAML or JSON, chosen by `file_name`'s extension) into a JSON value,
/// e.g. to apply overlays by hand before [`generate_from_value`].
pub fn load(text: &str, file_name: &str) -> Result<serde_json::Value, GenerateError> {
    load::load(text, file_name)
}
