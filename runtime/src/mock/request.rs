//! Recorded requests and the conditions a mock matches them against.

use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

/// A request the mock server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockRequest {
    /// The operation id of the mock that answered it; `None` when no mock matched.
    pub operation: Option<String>,
    /// Method, e.g. `POST`.
    pub method: String,
    /// Path without the query string, as sent (percent-encoded).
    pub path: String,
    /// Raw query string without `?`, if any.
    pub query: Option<String>,
    /// Headers with lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Path parameters of the matched operation, percent-decoded.
    pub path_params: BTreeMap<String, String>,
}

impl MockRequest {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The body decoded as JSON into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The query string split into `(key, value)` pairs, still percent-encoded.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        split_query(self.query.as_deref().unwrap_or_default())
    }
}

pub(crate) fn split_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (key.to_owned(), value.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect()
}

/// Matches `path` against `template` (`/campaigns/{campaignId}/pause`), allowing a
/// base-path prefix before it. Returns the decoded path parameters.
pub(crate) fn match_path(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let template: Vec<&str> = template.split('/').filter(|part| !part.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|part| !part.is_empty()).collect();
    let offset = path.len().checked_sub(template.len())?;
    let mut params = BTreeMap::new();
    for (pattern, segment) in template.iter().zip(&path[offset..]) {
        let decoded = percent_decode_str(segment).decode_utf8_lossy().into_owned();
        match pattern.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) {
            Some(name) => {
                params.insert(name.to_owned(), decoded);
            }
            None if *pattern == decoded || pattern == segment => {}
            None => return None,
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_with_or_without_a_base_path() {
        let params = match_path("/campaigns/{campaignId}/pause", "/api/v1/campaigns/abc%20d/pause").unwrap();
        assert_eq!(params["campaignId"], "abc d");
        assert!(match_path("/campaigns/{campaignId}/pause", "/campaigns/abc").is_none());
        assert!(match_path("/campaigns/{campaignId}/pause", "/campaigns/abc/enable").is_none());
        assert_eq!(match_path("/team", "/team").unwrap().len(), 0);
    }

    #[test]
    fn queries_split_into_encoded_pairs() {
        assert_eq!(
            split_query("a=1&b=x%20y&flag"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x%20y".into()),
                ("flag".into(), String::new())
            ]
        );
    }
}
