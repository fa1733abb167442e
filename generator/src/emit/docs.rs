//! Spec prose → rustdoc attributes that are safe to compile.

use proc_macro2::TokenStream;
use quote::quote;

/// Rustdoc lines from spec text. Code fences become `text` blocks and leading
/// indentation is dropped, so nothing in a description is compiled as a doctest.
pub fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").lines() {
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("```") {
            if in_fence {
                out.push("```".to_owned());
            } else {
                let _ = rest;
                out.push("```text".to_owned());
            }
            in_fence = !in_fence;
            continue;
        }
        out.push(line.to_owned());
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(|line| line.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|line| line.is_empty()) {
        out.remove(0);
    }
    out
}

/// `#[doc = "..."]` attributes for the given paragraphs (skipping empty ones),
/// separated by blank doc lines.
pub fn attrs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let docs = paragraph_lines(paragraphs)
        .into_iter()
        .map(|text| quote! { #[doc = #text] });
    quote! { #(#docs)* }
}

/// `#![doc = "..."]` attributes (documenting the enclosing module) for the given
/// paragraphs, laid out as [`attrs`] lays them out.
pub fn inner_attrs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let docs = paragraph_lines(paragraphs)
        .into_iter()
        .map(|text| quote! { #![doc = #text] });
    quote! { #(#docs)* }
}

/// The text of each doc attribute: paragraphs' lines with a leading space, and one
/// empty line between paragraphs.
fn paragraph_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        let paragraph_lines = lines(paragraph);
        if paragraph_lines.is_empty() {
            continue;
        }
        if !all.is_empty() {
            all.push(String::new());
        }
        all.extend(paragraph_lines);
    }
    all.into_iter()
        .map(|line| if line.is_empty() { line } else { format!(" {line}") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text_and_indentation_goes() {
        let text = "Intro\n```js\nlet x = 1;\n```\n    indented code\n";
        assert_eq!(
            lines(text),
            vec!["Intro", "```text", "let x = 1;", "```", "indented code"]
        );
    }

    #[test]
    fn inner_and_outer_attributes_carry_the_same_lines() {
        let paragraphs = ["Title", "", "First line\nsecond line"];
        let outer = attrs(paragraphs).to_string();
        let inner = inner_attrs(paragraphs).to_string();
        assert_eq!(outer.matches("# [doc").count(), 4);
        assert_eq!(inner.matches("# ! [doc").count(), 4);
        assert_eq!(inner.replace("# ! [doc", "# [doc"), outer);
        let file: syn::File = syn::parse2(inner_attrs(paragraphs)).expect("inner doc attributes parse as a file");
        assert_eq!(file.attrs.len(), 4);
    }

    #[test]
    fn unclosed_fence_is_closed() {
        assert_eq!(lines("```\ncode"), vec!["```text", "code", "```"]);
    }
}
