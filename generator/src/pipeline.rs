//! Hidden hook for `cargo xtask bench`'s phase profiler and for tests: runs the private
//! pipeline stages one at a time so each can be timed. Not a stable API; everything a
//! user needs is in the crate root.

use crate::{Diagnostic, GenerateError, GeneratedFile, Output, Rewrite, Settings};
use proc_macro2::TokenStream;
use serde_json::Value;

/// The intermediate model, opaque outside the crate.
pub struct Model(crate::ir::Model);

/// The typed document and the schemas `$ref`s point into, opaque outside the crate.
pub struct Document {
    api: openapiv3::OpenAPI,
    pointed: crate::model::refs::PointedSchemas,
}

/// Stage 1: text → JSON value.
pub fn load(text: &str, file_name: &str) -> Result<Value, GenerateError> {
    crate::load::load(text, file_name)
}

/// Stage 2: OpenAPI 3.1 constructs rewritten into 3.0 forms.
pub fn normalize(value: Value) -> Result<(Value, Vec<Rewrite>), GenerateError> {
    crate::normalize::normalize(value)
}

/// Stage 3: JSON value → typed document (with the `$ref` targets the model needs).
pub fn parse(value: Value) -> Result<Document, GenerateError> {
    let pointed = crate::model::refs::pointed_schemas(&value);
    let api = crate::parse::parse(value)?;
    Ok(Document { api, pointed })
}

/// Stage 4: typed document → intermediate model.
pub fn build_model(document: &Document, diagnostics: &mut Vec<Diagnostic>) -> Result<Model, GenerateError> {
    crate::model::build(&document.api, &document.pointed, diagnostics).map(Model)
}

/// Stage 5: model → formatted files (infallible).
pub fn emit(model: &Model, settings: &Settings) -> Vec<GeneratedFile> {
    crate::emit::emit(&model.0, settings)
}

/// The unformatted tokens of `types.rs` (to time formatting separately).
pub fn emit_types_tokens(model: &Model) -> TokenStream {
    crate::emit::types::emit(&model.0)
}

/// The unformatted tokens of `operations.rs` and of `builders.rs`, in that order.
pub fn emit_client_tokens(model: &Model) -> (TokenStream, TokenStream) {
    crate::emit::client::emit(&model.0)
}

/// The [`Output`] that [`crate::generate`] would return from these stage results.
pub fn output(
    files: Vec<GeneratedFile>,
    diagnostics: Vec<Diagnostic>,
    normalizations: Vec<Rewrite>,
    document: &Document,
    model: &Model,
) -> Output {
    // Typedness needs the normalised JSON, which the profiler has dropped: not measured.
    let types = crate::manifest::types(&model.0);
    crate::finish(
        files,
        diagnostics,
        normalizations,
        &document.api,
        &model.0,
        types,
        crate::typedness::Typedness::default(),
    )
}
