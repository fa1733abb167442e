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
pub fn struct_impl(model: &Model, owner: usize, name: &Ident, def: &StructDef) -> Option<TokenStream> {
    if def.additional.is_some() || def.fields.is_empty() {
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
    let arms = def.fields.iter().enumerate().map(|(index, field)| {
        let local = slot(index);
        let wire = &field.wire;
        quote! { Some(#index) => apigen_runtime::de::value(&mut map, &mut #local, #wire)?, }
    });
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
                        while let Some(index) = apigen_runtime::de::next_field(&mut map, __FIELDS)? {
                            match index {
                                #(#arms)*
                                _ => apigen_runtime::de::skip(&mut map)?,
                            }
                        }
                        Ok(#name { #(#values)* })
                    }
                }
                deserializer.deserialize_struct(#type_name, __FIELDS, __Visitor)
            }
        }
    })
}
