//! What a spec says about its API as a whole (`info`, `servers`, a first operation to
//! show), kept in the output so crate metadata and READMEs need not re-read the spec.

use crate::ir::{self, ParamLocation, TypeRef};

/// The spec's `info` block and a sample call, as plain strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiInfo {
    /// `info.title`.
    pub title: String,
    /// `info.version` (the API's version, not the OpenAPI version).
    pub version: String,
    /// The `openapi` field (e.g. `3.1.0`).
    pub openapi_version: String,
    /// `info.summary` or the first paragraph of `info.description`, on one line.
    pub summary: Option<String>,
    /// `info.license.identifier` (3.1) or `info.license.name`.
    pub license: Option<String>,
    /// `info.contact.url` or `externalDocs.url` (first present) when it is on a code host
    /// (GitHub, GitLab, Bitbucket, Codeberg).
    pub repository: Option<String>,
    /// `info.contact.url` or `externalDocs.url` (first present) otherwise.
    pub homepage: Option<String>,
    /// The first server URL, when absolute.
    pub base_url: Option<String>,
    /// A call to show in a quick start: the first operation, preferring one without
    /// a required body.
    pub quick_start: Option<QuickStart>,
}

/// One client call with placeholder arguments, e.g. `get_pet(1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickStart {
    /// Method on `Client`.
    pub method: String,
    /// Rust expressions for the required arguments, in order.
    pub arguments: Vec<String>,
    /// The operationId, HTTP method and path, e.g. `getPet: GET /pets/{petId}`.
    pub endpoint: String,
}

impl ApiInfo {
    pub(crate) fn new(document: &openapiv3::OpenAPI, model: &ir::Model) -> Self {
        let info = &document.info;
        let license = info.license.as_ref();
        let license_id = license
            .and_then(|license| license.extensions.get("identifier"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .or_else(|| license.map(|license| license.name.clone()))
            .filter(|name| !name.trim().is_empty());
        // The license URL is the license's text, never the project's: not used here.
        let url = info
            .contact
            .as_ref()
            .and_then(|contact| contact.url.clone())
            .or_else(|| document.external_docs.as_ref().map(|docs| docs.url.clone()))
            .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
        let (repository, homepage) = match url {
            Some(url) if is_code_host(&url) => (Some(url), None),
            other => (None, other),
        };
        let summary = info
            .extensions
            .get("summary")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .or_else(|| info.description.as_deref().and_then(first_paragraph))
            .map(|text| one_line(&text))
            .filter(|text| !text.is_empty());
        Self {
            title: info.title.clone(),
            version: info.version.clone(),
            openapi_version: document.openapi.clone(),
            summary,
            license: license_id,
            repository,
            homepage,
            base_url: model.base_url.clone(),
            quick_start: quick_start(model),
        }
    }
}

fn is_code_host(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    ["github.com", "gitlab.com", "bitbucket.org", "codeberg.org"].contains(&host.trim_start_matches("www."))
}

fn first_paragraph(text: &str) -> Option<String> {
    text.split("\n\n")
        .map(str::trim)
        .find(|part| !part.is_empty())
        .map(str::to_owned)
}

/// Whitespace (newlines included) collapsed to single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first operation with no required body, else the first operation.
fn quick_start(model: &ir::Model) -> Option<QuickStart> {
    let without_body = model
        .operations
        .iter()
        .find(|op| op.body.as_ref().is_none_or(|body| !body.required));
    let operation = without_body.or_else(|| model.operations.first())?;
    // Required parameters are the method's leading arguments (path ones first), then
    // the body when it is required: the order `emit::client` uses.
    let mut required: Vec<_> = operation.params.iter().filter(|param| param.required).collect();
    required.sort_by_key(|param| param.location != ParamLocation::Path);
    let mut arguments: Vec<String> = required
        .iter()
        .map(|param| placeholder(&param.ty, &param.wire))
        .collect();
    if operation
        .body
        .as_ref()
        .is_some_and(|body| body.required && !body.empty_object)
    {
        arguments.push("todo!(\"request body\")".to_owned());
    }
    Some(QuickStart {
        method: operation.method_name.clone(),
        arguments,
        endpoint: format!(
            "{}: {} {}",
            operation.operation_id, operation.http_method, operation.path
        ),
    })
}

/// A literal of the parameter's type, or `todo!()` naming the parameter.
fn placeholder(ty: &TypeRef, wire: &str) -> String {
    match ty {
        TypeRef::String => format!("{:?}", format!("<{wire}>")),
        TypeRef::Integer { .. } => "1".to_owned(),
        TypeRef::Bool => "true".to_owned(),
        _ => format!("todo!({:?})", wire),
    }
}
