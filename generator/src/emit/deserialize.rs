//! `Deserialize` impls for generated structs, written out instead of derived.
//!
//! `#[derive(Deserialize)]` emits per struct a field-identifier enum with its visitor
//! and a sequence visitor that JSON never uses; this impl is one `visit_map` loop over
//! the helpers of `apigen_runtime::de`, which rustc checks in a fraction of the time
//! (ARCHITECTURE.md, "What each change of issue 10 bought"). Structs with
//! `additionalProperties` (the derive's `flatten`) and empty structs keep the derive.

use super::types::{field_type, ident};
use crate::ir::{Model, Presence, StructDef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The `impl Deserialize` of struct `name`, or `None` when the derive is kept. Its own
/// items are `__`-prefixed so that no generated type name (`A`, `Visitor`, …) is shadowed.
pub fn struct_impl(
    model: &Model,
    owner: usize,
    name: &Ident,
    def: &StructDef,
    keep_undeclared: bool,
) -> Option<TokenStream> {
    if def.additional.is_some() || (def.fields.is_empty() && !keep_undeclared) {
        return None;
    }
    let wires: Vec<&str> = def.fields.iter().map(|field| field.wire.as_str()).collect();
    let slot = |index: usize| format_ident!("field_{}", index);
    let slots = def.fields.iter().enumerate().map(|(index, field)| {
        let local = slot(index);
        let ty = field_type(model, owner, field);
        // `Option<Nullable<T>>` fields hold the member as sent (`null` included), so
        // their slot is the field itself; every other slot wraps the field's type.
        match field.presence {
            Presence::OptionalNullable => quote! { let mut #local: #ty = None; },
            _ => quote! { let mut #local: Option<#ty> = None; },
        }
    });
    let arms: Vec<TokenStream> = def
        .fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let local = slot(index);
            let wire = &field.wire;
            quote! { apigen_runtime::de::value(&mut map, &mut #local, #wire)? }
        })
        .collect();
    let values = def.fields.iter().enumerate().map(|(index, field)| {
        let local = slot(index);
        let member = ident(&field.name);
        let wire = &field.wire;
        match field.presence {
            Presence::Required => quote! { #member: apigen_runtime::de::required(#local, #wire)?, },
            Presence::RequiredNullable | Presence::Optional => quote! { #member: #local.unwrap_or_default(), },
            Presence::OptionalNullable => quote! { #member: #local, },
        }
    });
    let type_name = name.to_string();
    let expecting = format!("struct {type_name}");
    // Undeclared members go into the `undeclared` field on the way to the next declared
    // one; without it they are skipped.
    let (undeclared_slot, next, arm_patterns, other, undeclared_value) = if keep_undeclared {
        (
            quote! { let mut undeclared = apigen_runtime::Undeclared::new(); },
            quote! { apigen_runtime::de::next_declared(&mut map, __FIELDS, &mut undeclared)? },
            def.fields
                .iter()
                .enumerate()
                .map(|(index, _)| quote! { #index })
                .collect::<Vec<_>>(),
            quote! { _ => {} },
            quote! { undeclared, },
        )
    } else {
        (
            quote! {},
            quote! { apigen_runtime::de::next_field(&mut map, __FIELDS)? },
            def.fields
                .iter()
                .enumerate()
                .map(|(index, _)| quote! { Some(#index) })
                .collect::<Vec<_>>(),
            quote! { _ => apigen_runtime::de::skip(&mut map)?, },
            quote! {},
        )
    };
    // One declared field and nothing to skip: an `if` reads better than a `match`.
    let dispatch = match (keep_undeclared, arms.as_slice()) {
        (true, [only]) => quote! { if index == 0 { #only; } },
        (true, []) => quote! { let _ = index; },
        _ => quote! {
            match index {
                #(#arm_patterns => #arms,)*
                #other
            }
        },
    };
    Some(quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                const __FIELDS: &[&str] = &[#(#wires),*];
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        #(#slots)*
                        #undeclared_slot
                        while let Some(index) = #next {
                            #dispatch
                        }
                        Ok(#name { #(#values)* #undeclared_value })
                    }
                }
                deserializer.deserialize_struct(#type_name, __FIELDS, __Visitor)
            }
        }
    })
}
