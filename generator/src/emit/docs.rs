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
    let docs = all.iter().map(|line| {
        let text = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #text] }
    });
    quote! { #(#docs)* }
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
    fn unclosed_fence_is_closed() {
        assert_eq!(lines("```\ncode"), vec!["```text", "code", "```"]);
    }
}
