//! `Serialize` impls for generated structs, written out instead of derived.
//!
//! The derive counts the members it will write (one branch per optional field) and
//! calls `skip_field` for each one left out; JSON needs neither, so this impl writes
//! the object as a map: one `serialize_entry` per member, optional members only when
//! set, then the undeclared members kept from decoding. Structs with
//! `additionalProperties` (the derive's `flatten`), and empty structs when undeclared
//! members are not kept, keep the derive.

use crate::ir::{Presence, StructDef};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// The `impl Serialize` of struct `name`, or `None` when the derive is kept.
pub fn struct_impl(name: &Ident, def: &StructDef, keep_undeclared: bool) -> Option<TokenStream> {
    if def.additional.is_some() || (def.fields.is_empty() && !keep_undeclared) {
        return None;
    }
    let entries = def.fields.iter().map(|field| {
        let member = super::types::ident(&field.name);
        let wire = &field.wire;
        match field.presence {
            Presence::Required | Presence::RequiredNullable => {
                quote! { map.serialize_entry(#wire, &self.#member)?; }
            }
            Presence::Optional | Presence::OptionalNullable => quote! {
                if let Some(value) = &self.#member {
                    map.serialize_entry(#wire, value)?;
                }
            },
        }
    });
    let undeclared = keep_undeclared.then(|| {
        quote! {
            for (key, value) in self.undeclared.to_encode() {
                map.serialize_entry(key, value)?;
            }
        }
    });
    Some(quote! {
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#entries)*
                #undeclared
                map.end()
            }
        }
    })
}
