//! `components.securitySchemes` and the `security` requirements → the model's
//! [`SecurityScheme`]s (each with its builder method) and each operation's
//! requirements.
//!
//! Both are read from the JSON document: the schemes are taken out of it before the
//! 3.0 parser runs (it cannot read a 3.1 `mutualTLS` scheme), and requirements are
//! simple lists. Problems degrade to diagnostics: a scheme that cannot be read is
//! skipped; a requirement naming an undeclared scheme is kept and left to the user;
//! schemes the client cannot apply itself (OpenID Connect, mutual TLS, other HTTP
//! schemes, OAuth 2 implicit and password flows) are reported with the manual route.

use crate::diagnostics::Diagnostic;
use crate::ir::{KeyLocation, OAuthFlow, Operation, SchemeKind, SecurityScheme};
use crate::naming::{snake, Namespace};
use crate::pointer::join;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The methods of the generated `ClientBuilder` (from the runtime's `client_builder!`)
/// that a scheme's method must not take, plus trait methods users call on it.
/// `bearer_token`, `basic_auth` and `api_key_header` are not here: a scheme method
/// of that name replaces the generic one.
pub const BUILDER_METHODS: &[&str] = &[
    "new",
    "into_inner",
    "credential",
    "base_url",
    "timeout",
    "connect_timeout",
    "max_retries",
    "backoff",
    "max_retry_after",
    "max_concurrent_requests",
    "rate_limit",
    "follow_rate_limit",
    "default_header",
    "user_agent_suffix",
    "http_client",
    "sleeper",
    "build",
    "from",
    "into",
    "fmt",
];

/// Takes `components.securitySchemes` out of the document (so the 3.0 parser does not
/// see it); `Null` when there is none.
pub fn take_schemes(document: &mut Value) -> Value {
    document
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .and_then(|components| components.remove("securitySchemes"))
        .unwrap_or(Value::Null)
}

/// Reads the schemes, fills in each operation's requirements from `document`, and
/// returns the schemes with their method names and operation counts.
pub fn build(
    schemes: &Value,
    document: &Value,
    operations: &mut [Operation],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<SecurityScheme> {
    let empty = Map::new();
    let entries = match schemes {
        Value::Object(entries) => entries,
        Value::Null => &empty,
        _ => {
            diagnostics.push(Diagnostic::new(
                "/components/securitySchemes",
                "`securitySchemes` is not an object; ignored",
            ));
            &empty
        }
    };
    let declared: Vec<&str> = entries.keys().map(String::as_str).collect();
    let global = requirements(document.get("security"), "/security", &declared, diagnostics);
    // Scopes each scheme's operations require, in the order met.
    let mut scopes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for operation in operations.iter_mut() {
        let pointer = format!("{}/security", operation.pointer);
        let own = requirements(document.pointer(&pointer), &pointer, &declared, diagnostics);
        let effective = own.or_else(|| global.clone());
        if let Some(alternatives) = &effective {
            let mut named: Vec<&str> = Vec::new();
            for (name, wanted) in alternatives.iter().flatten() {
                if let Some(key) = declared.iter().find(|key| **key == name) {
                    let list = scopes.entry(key).or_default();
                    for scope in wanted {
                        if !list.contains(scope) {
                            list.push(scope.clone());
                        }
                    }
                    if !named.contains(key) {
                        named.push(key);
                    }
                }
            }
            for name in named {
                *counts.entry(name.to_owned()).or_default() += 1;
            }
        }
        operation.security = effective.map(|alternatives| {
            alternatives
                .into_iter()
                .map(|all| all.into_iter().map(|(name, _)| name).collect())
                .collect()
        });
    }
    let mut methods = Namespace::with_reserved(BUILDER_METHODS);
    let mut out = Vec::new();
    for (name, raw) in entries {
        let pointer = join("/components/securitySchemes", name);
        let Some(object) = resolve(raw, entries) else {
            diagnostics.push(Diagnostic::new(
                pointer,
                "security scheme is not an object or a `$ref` to another scheme; skipped",
            ));
            continue;
        };
        let required = scopes.get(name.as_str()).cloned().unwrap_or_default();
        let Some(kind) = kind(object, &pointer, &required, diagnostics) else {
            continue;
        };
        let base = snake(&name.replace("OAuth", "Oauth"));
        let base = if BUILDER_METHODS.contains(&base.as_str()) {
            format!("{base}_auth")
        } else {
            base
        };
        out.push(SecurityScheme {
            name: name.clone(),
            method: methods.claim(base),
            pointer,
            description: text(object, "description"),
            kind,
            operations: counts.get(name).copied().unwrap_or(0),
        });
    }
    out
}

/// A scheme object, following one `$ref` to another entry of `securitySchemes`.
fn resolve<'a>(raw: &'a Value, entries: &'a Map<String, Value>) -> Option<&'a Map<String, Value>> {
    let object = raw.as_object()?;
    match object.get("$ref").and_then(Value::as_str) {
        Some(target) => entries
            .get(target.strip_prefix("#/components/securitySchemes/")?)?
            .as_object()
            .filter(|target| !target.contains_key("$ref")),
        None => Some(object),
    }
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The scheme's kind; `None` (with a diagnostic) when it cannot be read.
fn kind(
    object: &Map<String, Value>,
    pointer: &str,
    required_scopes: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SchemeKind> {
    let mut skip = |message: String| {
        diagnostics.push(Diagnostic::new(pointer, format!("{message}; security scheme skipped")));
        None
    };
    let kind = match object.get("type").and_then(Value::as_str) {
        Some("apiKey") => {
            let location = match object.get("in").and_then(Value::as_str) {
                Some("header") => KeyLocation::Header,
                Some("query") => KeyLocation::Query,
                Some("cookie") => KeyLocation::Cookie,
                other => return skip(format!("apiKey `in` is {other:?}, not header, query or cookie")),
            };
            let Some(name) = text(object, "name").filter(|name| !name.is_empty()) else {
                return skip("apiKey scheme has no `name`".into());
            };
            if location == KeyLocation::Header && !is_token(&name) {
                return skip(format!("apiKey header name {name:?} is not a valid header name"));
            }
            SchemeKind::ApiKey { location, name }
        }
        Some("http") => match text(object, "scheme").map(|scheme| scheme.to_ascii_lowercase()) {
            Some(scheme) if scheme == "bearer" => SchemeKind::Bearer {
                format: text(object, "bearerFormat"),
            },
            Some(scheme) if scheme == "basic" => SchemeKind::Basic,
            Some(scheme) => {
                diagnostics.push(Diagnostic::new(
                    pointer,
                    format!(
                        "HTTP `{scheme}` authentication is not applied by the client; send the \
                         `Authorization` header with `ClientBuilder::default_header`"
                    ),
                ));
                SchemeKind::OtherHttp { scheme }
            }
            None => return skip("http scheme has no `scheme`".into()),
        },
        Some("oauth2") => {
            let Some(flows) = object.get("flows").and_then(Value::as_object) else {
                return skip("oauth2 scheme has no `flows`".into());
            };
            let flow = |key: &str| -> Option<OAuthFlow> {
                let flow = flows.get(key)?.as_object()?;
                let url = match key {
                    // The refresh URL, when given, is where refresh tokens go.
                    "authorizationCode" => text(flow, "refreshUrl").or_else(|| text(flow, "tokenUrl")),
                    _ => text(flow, "tokenUrl"),
                }?;
                let declared: Vec<String> = flow
                    .get("scopes")
                    .and_then(Value::as_object)
                    .map(|scopes| scopes.keys().cloned().collect())
                    .unwrap_or_default();
                let mut scopes: Vec<String> = declared
                    .iter()
                    .filter(|scope| required_scopes.contains(scope))
                    .cloned()
                    .collect();
                scopes.extend(
                    required_scopes
                        .iter()
                        .filter(|scope| !declared.contains(scope))
                        .cloned(),
                );
                Some(OAuthFlow { token_url: url, scopes })
            };
            let client_credentials = flow("clientCredentials");
            let authorization_code = flow("authorizationCode");
            let unwired_flows: Vec<String> = ["implicit", "password"]
                .into_iter()
                .filter(|key| flows.contains_key(*key))
                .map(str::to_owned)
                .collect();
            for (key, found) in [
                ("clientCredentials", &client_credentials),
                ("authorizationCode", &authorization_code),
            ] {
                if flows.contains_key(key) && found.is_none() {
                    diagnostics.push(Diagnostic::new(
                        join(&join(pointer, "flows"), key),
                        "flow has no token URL; give one with `OAuth2::token_url`",
                    ));
                }
            }
            for key in &unwired_flows {
                diagnostics.push(Diagnostic::new(
                    join(&join(pointer, "flows"), key),
                    format!(
                        "the OAuth 2 {key} flow is not run by the client; pass a token obtained \
                         elsewhere with `OAuth2::access_token` (or `bearer_token`)"
                    ),
                ));
            }
            SchemeKind::OAuth2 {
                client_credentials,
                authorization_code,
                unwired_flows,
            }
        }
        Some("openIdConnect") => {
            diagnostics.push(Diagnostic::new(
                pointer,
                "OpenID Connect is not run by the client (no discovery); send a token obtained \
                 elsewhere with `bearer_token` or `default_header(\"Authorization\", …)`",
            ));
            SchemeKind::OpenIdConnect {
                url: text(object, "openIdConnectUrl").unwrap_or_default(),
            }
        }
        Some("mutualTLS") => {
            diagnostics.push(Diagnostic::new(
                pointer,
                "mutual TLS is not configured by the client; pass a `reqwest::Client` with the \
                 client certificate to `ClientBuilder::http_client`",
            ));
            SchemeKind::MutualTls
        }
        other => return skip(format!("unknown security scheme type {other:?}")),
    };
    Some(kind)
}

/// A header name as RFC 9110 allows it.
fn is_token(name: &str) -> bool {
    name.bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// Alternatives (any one), each a list (all of) of `(scheme, scopes)`.
type Requirements = Vec<Vec<(String, Vec<String>)>>;

/// Alternatives of `(scheme, scopes)`; `None` when absent or unreadable. A name
/// `components.securitySchemes` does not declare is reported and kept.
fn requirements(
    value: Option<&Value>,
    pointer: &str,
    declared: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Requirements> {
    let list = match value? {
        Value::Array(list) => list,
        _ => {
            diagnostics.push(Diagnostic::new(pointer, "`security` is not an array; ignored"));
            return None;
        }
    };
    let mut alternatives = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        let here = join(pointer, &index.to_string());
        let Some(object) = entry.as_object() else {
            diagnostics.push(Diagnostic::new(here, "security requirement is not an object; ignored"));
            continue;
        };
        let mut all = Vec::new();
        for (name, scopes) in object {
            if !declared.contains(&name.as_str()) {
                diagnostics.push(Diagnostic::new(
                    here.clone(),
                    format!(
                        "requirement names `{name}`, which `components.securitySchemes` does not \
                         declare; the client leaves it to you (`default_header`)"
                    ),
                ));
            }
            let scopes = scopes
                .as_array()
                .map(|scopes| scopes.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            all.push((name.clone(), scopes));
        }
        alternatives.push(all);
    }
    Some(alternatives)
}

/// Whether the generated client applies schemes of this kind itself (and so has a
/// builder method for them).
pub fn is_wired(kind: &SchemeKind) -> bool {
    !matches!(
        kind,
        SchemeKind::OpenIdConnect { .. } | SchemeKind::MutualTls | SchemeKind::OtherHttp { .. }
    )
}

/// One line on how the generated client wires `scheme` (for reports and docs).
pub fn wiring(scheme: &SecurityScheme) -> String {
    let method = &scheme.method;
    match &scheme.kind {
        SchemeKind::ApiKey { location, name } => {
            let place = match location {
                KeyLocation::Header => "header",
                KeyLocation::Query => "query parameter",
                KeyLocation::Cookie => "cookie",
            };
            format!("apiKey: `{method}(key)` sends the {place} `{name}`")
        }
        SchemeKind::Bearer { format } => match format {
            Some(format) => format!("http bearer ({format}): `{method}(token)` sends `Authorization: Bearer`"),
            None => format!("http bearer: `{method}(token)` sends `Authorization: Bearer`"),
        },
        SchemeKind::Basic => format!("http basic: `{method}(username, password)` sends `Authorization: Basic`"),
        SchemeKind::OAuth2 {
            client_credentials,
            authorization_code,
            unwired_flows,
        } => {
            let mut flows = Vec::new();
            if client_credentials.is_some() {
                flows.push("client credentials (token fetched, cached, refreshed)".to_owned());
            }
            if authorization_code.is_some() {
                flows.push("authorization code (refresh on expiry or 401, callback with new tokens)".to_owned());
            }
            for flow in unwired_flows {
                flows.push(format!("{flow} not run (token via `OAuth2::access_token`)"));
            }
            if flows.is_empty() {
                flows.push("no flow declared (token via `OAuth2::access_token`)".to_owned());
            }
            format!("oauth2: `{method}(OAuth2)`: {}", flows.join("; "))
        }
        SchemeKind::OpenIdConnect { .. } => {
            "openIdConnect: not wired (diagnostic); token via `bearer_token` or `default_header`".to_owned()
        }
        SchemeKind::MutualTls => {
            "mutualTLS: not wired (diagnostic); client certificate on a custom `reqwest::Client` (`http_client`)"
                .to_owned()
        }
        SchemeKind::OtherHttp { scheme } => {
            format!("http {scheme}: not wired (diagnostic); header via `default_header`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(pointer: &str) -> Operation {
        Operation {
            operation_id: String::new(),
            method_name: String::new(),
            builder_name: String::new(),
            http_method: "GET".into(),
            path: "/x".into(),
            pointer: pointer.into(),
            summary: None,
            description: None,
            deprecated: false,
            params: Vec::new(),
            body: None,
            success: crate::ir::ResponseBody::Empty,
            pagination: None,
            error_enum: None,
            tag: None,
            feature: None,
            security: None,
            stream: None,
        }
    }

    #[test]
    fn requirements_inherit_the_global_list_and_name_methods_after_schemes() {
        let mut document = serde_json::json!({
            "security": [{"OAuth2": ["read"]}],
            "paths": {
                "/a": {"get": {}},
                "/b": {"get": {"security": []}},
                "/c": {"get": {"security": [{"timeout": []}, {"OAuth2": ["write"], "nope": []}]}}
            },
            "components": {"securitySchemes": {
                "OAuth2": {"type": "oauth2", "flows": {
                    "clientCredentials": {"tokenUrl": "/token", "scopes": {"write": "", "read": "", "admin": ""}},
                    "implicit": {"authorizationUrl": "/auth", "scopes": {}}
                }},
                "timeout": {"type": "apiKey", "in": "query", "name": "key"},
                "mtls": {"type": "mutualTLS"},
                "broken": {"type": "apiKey", "in": "body", "name": "x"}
            }}
        });
        let schemes = take_schemes(&mut document);
        assert!(document.pointer("/components/securitySchemes").is_none());
        let mut operations = vec![
            operation("/paths/~1a/get"),
            operation("/paths/~1b/get"),
            operation("/paths/~1c/get"),
        ];
        let mut diagnostics = Vec::new();
        let built = build(&schemes, &document, &mut operations, &mut diagnostics);
        let names: Vec<(&str, &str, usize)> = built
            .iter()
            .map(|scheme| (scheme.name.as_str(), scheme.method.as_str(), scheme.operations))
            .collect();
        assert_eq!(
            names,
            [
                ("OAuth2", "oauth2", 2),
                ("timeout", "timeout_auth", 1),
                ("mtls", "mtls", 0)
            ]
        );
        let Some(SchemeKind::OAuth2 {
            client_credentials: Some(flow),
            ..
        }) = built.first().map(|scheme| &scheme.kind)
        else {
            panic!("no client-credentials flow: {built:?}");
        };
        assert_eq!(flow.scopes, ["write", "read"]);
        assert_eq!(operations[0].security, Some(vec![vec!["OAuth2".to_owned()]]));
        assert_eq!(operations[1].security, Some(Vec::new()));
        assert_eq!(
            operations[2].security,
            Some(vec![
                vec!["timeout".to_owned()],
                vec!["OAuth2".to_owned(), "nope".to_owned()]
            ])
        );
        let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1c/get/security/1",
                "/components/securitySchemes/OAuth2/flows/implicit",
                "/components/securitySchemes/mtls",
                "/components/securitySchemes/broken",
            ]
        );
    }
}
