//! Stage 4: the parsed document → the intermediate model ([`crate::ir`]).
//!
//! [`types`] turns schemas into named types and type references (the "typify" half),
//! with `allOf` merging in `all_of`, union shapes and variant order in `unions`, and
//! keyword reading in `keywords`; [`operations`] turns paths into operations that
//! refer to those types, and resolves and validates `x-pagination` against them so
//! that emitting never fails. References are resolved through [`refs`];
//! [`conventions`] reads the API's own conventions (error code field, rate-limit
//! headers) for the runtime's `ApiProfile`.

mod all_of;
pub mod conventions;
pub mod examples;
pub mod extras;
pub mod features;
mod keywords;
pub mod operations;
mod pagination;
pub mod refs;
pub mod security;
pub mod types;
mod unions;
pub mod usage;
pub mod webhooks;

use crate::diagnostics::{Diagnostic, GenerateError};
use crate::ir::Model;

/// Builds the model. Problems confined to one schema or operation become diagnostics;
/// only a document-wide problem is an error.
pub fn build(
    document: &openapiv3::OpenAPI,
    pointed: &refs::PointedSchemas,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Model, GenerateError> {
    build_with_webhooks(
        document,
        pointed,
        &webhooks::Source::default(),
        &extras::Extras::default(),
        diagnostics,
    )
}

/// [`build`], also reading the `webhooks` and the [`extras::Extras`] taken from the
/// JSON document (which the 3.0 parser drops).
pub fn build_with_webhooks(
    document: &openapiv3::OpenAPI,
    pointed: &refs::PointedSchemas,
    webhooks: &webhooks::Source,
    extras: &extras::Extras,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Model, GenerateError> {
    let mut types = types::TypeBuilder::new(document, pointed, diagnostics);
    types.declare_components();
    types.build_components();
    let (operations, operation_total, error_type) = operations::build(document, extras, &mut types);
    let webhooks = webhooks::build(webhooks, &mut types);
    let model_types = types.finish();
    let conventions = conventions::build(document, &model_types, error_type.as_ref(), diagnostics);
    let base_url = document
        .servers
        .first()
        .map(|server| server.url.trim_end_matches('/').to_owned())
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    if base_url.is_none() {
        diagnostics.push(Diagnostic::new(
            "/servers",
            "no absolute server URL; `Client::builder()` needs `.base_url(...)` before `build()`",
        ));
    }
    let mut model = Model {
        title: document.info.title.clone(),
        description: document.info.description.clone(),
        version: document.info.version.clone(),
        base_url,
        types: model_types,
        operations,
        operation_total,
        error_type,
        webhooks,
        examples: Default::default(),
        conventions,
        feature_groups: Vec::new(),
        serialize_responses_feature: "mock",
        keep_undeclared: true,
        security: Vec::new(),
        tags: extras.tags.clone(),
    };
    usage::apply(&mut model);
    Ok(model)
}
