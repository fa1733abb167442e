//! Type references → Rust type tokens, and which fields need a `Box`.

use crate::ir::{Model, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// Where the tokens will live: inside the `types` module, or beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `types.rs`: named types are bare.
    Types,
    /// In a sibling module: named types are `super::types::Name`.
    Sibling,
    /// In the generated module's root: named types are `types::Name`.
    Root,
}

/// The Rust type for `ty`.
pub fn tokens(model: &Model, ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Bool => quote! { bool },
        TypeRef::Integer { bits, signed } => {
            let name = format_ident!("{}{}", if *signed { "i" } else { "u" }, bits);
            quote! { #name }
        }
        TypeRef::Float { bits } => {
            let name = format_ident!("f{}", bits);
            quote! { #name }
        }
        // Keeps the offset and exact text the server sent (see `apigen_runtime::timestamp`).
        TypeRef::DateTime => quote! { apigen_runtime::Timestamp },
        TypeRef::Date => quote! { apigen_runtime::chrono::NaiveDate },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::JsonObject => quote! { ::serde_json::Map<String, ::serde_json::Value> },
        TypeRef::Bytes => quote! { apigen_runtime::bytes::Bytes },
        TypeRef::Binary => quote! { apigen_runtime::Binary },
        TypeRef::Unit => quote! { () },
        TypeRef::Named(id) => {
            let name = format_ident!("{}", model.types[*id].name);
            match scope {
                Scope::Types => quote! { #name },
                Scope::Sibling => quote! { super::types::#name },
                Scope::Root => quote! { types::#name },
            }
        }
        TypeRef::Vec(inner) => {
            let inner = tokens(model, inner, scope);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = tokens(model, inner, scope);
            quote! { ::std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Option(inner) => {
            let inner = tokens(model, inner, scope);
            quote! { Option<#inner> }
        }
    }
}

/// Named types reachable from `ty` without passing through a `Vec` or map (which
/// already give indirection).
fn direct_targets(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Named(id) => out.push(*id),
        TypeRef::Option(inner) => direct_targets(inner, out),
        _ => {}
    }
}

/// Named types that type `id` contains by value.
fn contained(model: &Model, id: usize) -> Vec<usize> {
    let mut out = Vec::new();
    match &model.types[id].kind {
        TypeKind::Struct(def) => {
            for field in &def.fields {
                direct_targets(&field.ty, &mut out);
            }
        }
        TypeKind::Tagged { variants, .. } => {
            for variant in variants {
                if let Some(payload) = &variant.payload {
                    direct_targets(payload, &mut out);
                }
            }
        }
        TypeKind::Untagged(variants) => {
            for variant in variants {
                direct_targets(&variant.ty, &mut out);
            }
        }
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => direct_targets(ty, &mut out),
        TypeKind::StringEnum(_) | TypeKind::Placeholder => {}
    }
    out
}

/// True when a value of type `from` (held directly in type `owner`) contains `owner`
/// again by value: such a field must be boxed.
pub fn needs_box(model: &Model, owner: usize, field: &TypeRef) -> bool {
    let mut start = Vec::new();
    direct_targets(field, &mut start);
    let mut seen = BTreeSet::new();
    let mut stack = start;
    while let Some(id) = stack.pop() {
        if id == owner {
            return true;
        }
        if seen.insert(id) {
            stack.extend(contained(model, id));
        }
    }
    false
}

/// Like [`tokens`], but with the named type inside boxed (`Option<Box<T>>`).
pub fn boxed_tokens(model: &Model, ty: &TypeRef, scope: Scope) -> TokenStream {
    match ty {
        TypeRef::Option(inner) => {
            let inner = boxed_tokens(model, inner, scope);
            quote! { Option<#inner> }
        }
        other => {
            let inner = tokens(model, other, scope);
            quote! { Box<#inner> }
        }
    }
}
