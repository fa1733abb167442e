//! `pages()` and `items()` streams for operations with `x-pagination`.
//!
//! The next request is the previous one with only the cursor parameters replaced,
//! read from the typed page by walking the declared response paths. Paging stops when
//! a cursor value is missing or null, when `hasMore` is false, or when the cursor did
//! not move (a guard against a server that repeats itself).

use super::typeref::{tokens, Scope};
use super::types::ident;
use crate::ir::{Model, Operation, PageField, Presence, ResponseBody};
use proc_macro2::TokenStream;
use quote::quote;

/// The stream methods for `operation`'s builder (nothing without `x-pagination`). The
/// model has already checked every path, so this cannot fail.
pub fn methods(model: &Model, operation: &Operation) -> TokenStream {
    let (Some(pagination), ResponseBody::Json(page_type)) = (&operation.pagination, &operation.success) else {
        return quote! {};
    };
    let page_tokens = tokens(model, page_type, Scope::Sibling);
    let item_tokens = tokens(model, &pagination.item_type, Scope::Sibling);

    let mut cursor_statements = Vec::new();
    let mut unchanged = Vec::new();
    let mut assignments = Vec::new();
    for link in &pagination.next {
        let Some(param) = operation.params.get(link.param) else {
            continue;
        };
        let local = ident(&format!("next_{}", param.name.trim_start_matches("r#")));
        let mut chain = quote! { Some(page) };
        for step in &link.path {
            let name = ident(&step.name);
            chain = match step.presence {
                Presence::Required => quote! { #chain.map(|value| &value.#name) },
                Presence::RequiredNullable | Presence::Optional => {
                    quote! { #chain.and_then(|value| value.#name.as_ref()) }
                }
                Presence::OptionalNullable => {
                    quote! { #chain.and_then(|value| value.#name.as_ref()).and_then(|value| value.as_option()) }
                }
            };
        }
        let same_type = link.path.last().is_some_and(|last| last.ty == param.ty);
        let value = if same_type {
            quote! { #chain.cloned()? }
        } else {
            quote! { #chain.and_then(apigen_runtime::pagination::convert)? }
        };
        cursor_statements.push(quote! { let #local = #value; });
        let param_name = ident(&param.name);
        if param.required {
            unchanged.push(quote! { request.#param_name == #local });
            assignments.push(quote! { request.#param_name = #local; });
        } else {
            unchanged.push(quote! { request.#param_name.as_ref() == Some(&#local) });
            assignments.push(quote! { request.#param_name = Some(#local); });
        }
    }
    let has_more = match &pagination.has_more {
        None => quote! {},
        Some(PageField { name, presence, .. }) => {
            let name = ident(name);
            match presence {
                Presence::Required => quote! { if !page.#name { return None; } },
                _ => quote! { if page.#name != Some(true) { return None; } },
            }
        }
    };
    let items_field = ident(&pagination.items.name);
    let extract = match pagination.items.presence {
        Presence::Required => quote! { page.#items_field },
        Presence::RequiredNullable | Presence::Optional => quote! { page.#items_field.unwrap_or_default() },
        Presence::OptionalNullable => {
            quote! { page.#items_field.and_then(|items| items.into_option()).unwrap_or_default() }
        }
    };
    let cursor_names: Vec<String> = pagination
        .next
        .iter()
        .filter_map(|link| {
            operation
                .params
                .get(link.param)
                .map(|param| format!("`{}`", param.wire))
        })
        .collect();
    let pages_doc = format!(
        " Streams every page, starting with this request and then following the cursor ({}) with all other parameters unchanged. Ends after the last page; an error is yielded once and ends the stream.",
        cursor_names.join(", ")
    );
    let items_doc = format!(
        " Streams every item (`{}`) of every page; see [`pages`](Self::pages).",
        pagination.items.wire
    );
    quote! {
        #[doc = #pages_doc]
        pub fn pages(self) -> impl apigen_runtime::pagination::Stream<Item = Result<#page_tokens, Error>> + Send + 'a {
            apigen_runtime::pagination::pages(
                self,
                |request| Box::pin(request.send()),
                |mut request, page| {
                    #has_more
                    #(#cursor_statements)*
                    if #(#unchanged)&&* {
                        return None;
                    }
                    #(#assignments)*
                    Some(request)
                },
            )
        }

        #[doc = #items_doc]
        pub fn items(self) -> impl apigen_runtime::pagination::Stream<Item = Result<#item_tokens, Error>> + Send + 'a {
            apigen_runtime::pagination::items(self.pages(), |page| #extract)
        }
    }
}
