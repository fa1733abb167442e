//! `apigen`: turns an OpenAPI 3.0 or 3.1 document into the source of a typed async
//! Rust client.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`]: text (YAML or JSON) → `serde_json::Value`.
//! 2. [`normalize`]: OpenAPI 3.1 constructs rewritten into their 3.0 equivalents,
//!    each rewrite recorded.
//! 3. [`parse`]: the normalised value → `openapiv3::OpenAPI`, errors carrying a JSON pointer.
//! 4. [`model`]: the typed document → an intermediate model ([`ir`]) of named types and
//!    operations, every name resolved once.
//! 5. [`emit`]: the model → Rust tokens (`quote`), formatted with `prettyplease`.
//!
//! Nothing here panics on input: every problem is either a [`GenerateError`] (the
//! document cannot be used at all) or a [`Diagnostic`] (one construct was expressed
//! less exactly; the rest of the spec still generates).

#![deny(missing_docs)]

pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod load;
pub mod manifest;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod parse;
pub mod pointer;
pub mod standalone;
pub mod typedness;

pub use diagnostics::{Diagnostic, GenerateError};

/// Options that shape the generated code.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Crate name used in docs and the default `User-Agent` (e.g. `inboxapp`).
    pub crate_name: String,
    /// Path of the spec as shown in generated file headers (e.g. `spec/inboxapp.yaml`).
    pub spec_label: String,
    /// The command that regenerates the output, shown in generated file headers.
    pub regenerate_command: String,
}

impl Settings {
    /// Settings for a crate called `crate_name` generated from `spec_label`.
    pub fn new(crate_name: impl Into<String>, spec_label: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            spec_label: spec_label.into(),
            regenerate_command: "cargo xtask codegen".into(),
        }
    }

    /// Sets the command named in generated file headers.
    pub fn with_regenerate_command(mut self, command: impl Into<String>) -> Self {
        self.regenerate_command = command.into();
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

/// The result of a successful generation.
#[derive(Debug, Clone)]
pub struct Output {
    /// Generated source files, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Constructs expressed less exactly than the spec states, sorted by pointer.
    pub diagnostics: Vec<Diagnostic>,
    /// Rewrites made while normalising OpenAPI 3.1 to 3.0, in document order.
    pub normalizations: Vec<normalize::Rewrite>,
    /// Number of operations generated, and number found in the spec.
    pub operation_counts: (usize, usize),
    /// Number of named types generated.
    pub type_count: usize,
    /// Each generated operation with the type each success status decodes into (a
    /// manifest for test harnesses such as `cargo xtask conformance`).
    pub operations: Vec<manifest::OperationRecord>,
    /// Each named type with its source pointer and shape (typed or free-form).
    pub types: Vec<manifest::TypeRecord>,
    /// How many schemas that declare properties became typed Rust types, and which
    /// did not (pointers into the normalised document).
    pub typedness: typedness::Typedness,
}

/// Generates client source from spec text. `file_name` decides YAML vs JSON parsing
/// (by extension; unknown extensions try JSON, then YAML).
pub fn generate(text: &str, file_name: &str, settings: &Settings) -> Result<Output, GenerateError> {
    let value = load::load(text, file_name)?;
    generate_from_value(value, settings)
}

/// Generates client source from an already loaded document.
pub fn generate_from_value(value: serde_json::Value, settings: &Settings) -> Result<Output, GenerateError> {
    let (mut value, normalizations, mut diagnostics) = normalize::normalize_lenient(value)?;
    if let Some(webhooks) = value.get("webhooks").and_then(serde_json::Value::as_object) {
        if !webhooks.is_empty() {
            diagnostics.push(Diagnostic::new(
                "/webhooks",
                format!(
                    "{} webhook(s) described; webhooks are requests the API sends, so no client methods or payload types are generated for them",
                    webhooks.len()
                ),
            ));
        }
    }
    let (document, dropped) = parse::parse_lenient(&mut value)?;
    diagnostics.extend(dropped);
    let pointed = model::refs::pointed_schemas(&value);
    let model = model::build(&document, &pointed, &mut diagnostics)?;
    let files = emit::emit(&model, settings);
    let types = manifest::types(&model);
    diagnostics.sort();
    diagnostics.dedup();
    Ok(Output {
        files,
        diagnostics,
        normalizations,
        operation_counts: (model.operations.len(), model.operation_total),
        type_count: model.types.len(),
        operations: manifest::operations(&model),
        typedness: typedness::measure(&value, &types),
        types,
    })
}
