//! Named types → Rust items (structs, open string enums, unions, aliases).

use super::docs;
use super::typeref::{boxed_tokens, needs_box, tokens, Scope};
use crate::ir::{
    EnumValue, Field, Model, Presence, StructDef, TaggedVariant, TypeDef, TypeKind, TypeRef, UntaggedVariant,
};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// Builds an identifier, accepting `r#` raw forms.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// All named types of the model.
pub fn emit(model: &Model) -> TokenStream {
    let items = model
        .types
        .iter()
        .enumerate()
        .map(|(id, def)| emit_type(model, id, def));
    quote! {
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq, clippy::doc_lazy_continuation, clippy::redundant_closure)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
        #(#items)*
    }
}

fn type_doc(def: &TypeDef) -> TokenStream {
    let origin = format!("Schema: `#{}`.", def.pointer);
    docs::attrs([def.doc.as_deref().unwrap_or(""), origin.as_str()])
}

fn emit_type(model: &Model, id: usize, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(def);
    match &def.kind {
        TypeKind::Struct(def_struct) => emit_struct(model, id, &name, doc, def_struct),
        TypeKind::StringEnum(values) => emit_string_enum(&name, doc, values),
        TypeKind::Tagged { tag, variants } => emit_tagged(model, id, &name, doc, tag, variants),
        TypeKind::Untagged(variants) => emit_untagged(model, id, &name, doc, variants),
        TypeKind::Alias(ty) => {
            let target = tokens(model, ty, Scope::Types);
            quote! { #doc pub type #name = #target; }
        }
        TypeKind::Placeholder => quote! { #doc pub type #name = ::serde_json::Value; },
    }
}

fn emit_struct(model: &Model, id: usize, name: &Ident, doc: TokenStream, def: &StructDef) -> TokenStream {
    let fields: Vec<&Field> = def
        .fields
        .iter()
        .filter(|field| !def.skip_tags.contains(&field.wire))
        .collect();
    let derive_default = fields.iter().all(|field| field.presence != Presence::Required);
    let field_tokens = fields.iter().map(|field| emit_field(model, id, field));
    let additional = def.additional.as_ref().map(|ty| {
        let value = tokens(model, ty, Scope::Types);
        quote! {
            /// Members not described by the schema.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<String, #value>,
        }
    });
    let default = derive_default.then(|| quote! { Default, });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#field_tokens)*
            #additional
        }
    }
}

fn emit_field(model: &Model, owner: usize, field: &Field) -> TokenStream {
    let name = ident(&field.name);
    let inner = if needs_box(model, owner, &field.ty) {
        boxed_tokens(model, &field.ty, Scope::Types)
    } else {
        tokens(model, &field.ty, Scope::Types)
    };
    let wire = &field.wire;
    let rename = (field.name.trim_start_matches("r#") != wire.as_str()).then(|| quote! { rename = #wire, });
    let is_datetime = field.ty == TypeRef::DateTime;
    let (ty, serde) = match field.presence {
        Presence::Required => {
            let with = is_datetime.then(|| quote! { with = "::apigen_runtime::datetime::rfc3339", });
            (inner, quote! { #rename #with })
        }
        Presence::RequiredNullable => {
            let with = is_datetime.then(|| quote! { with = "::apigen_runtime::datetime::rfc3339_option", });
            (quote! { Option<#inner> }, quote! { #rename default, #with })
        }
        Presence::Optional => {
            let with = is_datetime.then(|| quote! { with = "::apigen_runtime::datetime::rfc3339_option", });
            (
                quote! { Option<#inner> },
                quote! { #rename default, skip_serializing_if = "Option::is_none", #with },
            )
        }
        Presence::OptionalNullable => (
            quote! { Option<::apigen_runtime::Nullable<#inner>> },
            quote! {
                #rename default, skip_serializing_if = "Option::is_none",
                deserialize_with = "::apigen_runtime::nullable::deserialize_present",
            },
        ),
    };
    let presence_note = match field.presence {
        Presence::Required => "",
        Presence::RequiredNullable => "Always present; `None` when the API sends `null`.",
        Presence::Optional => "Optional: `None` leaves the key out.",
        Presence::OptionalNullable => {
            "Optional and nullable: `None` leaves the key out, `Some(Nullable::Null)` sends `null`, `Some(Nullable::Value(v))` sends `v`."
        }
    };
    let wire_note = format!("JSON: `{wire}`. {presence_note}");
    let doc = docs::attrs([field.doc.as_deref().unwrap_or(""), wire_note.trim_end()]);
    let serde_attr = if serde.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(#serde)] }
    };
    quote! {
        #doc
        #serde_attr
        pub #name: #ty,
    }
}

fn emit_string_enum(name: &Ident, doc: TokenStream, values: &[EnumValue]) -> TokenStream {
    let variants = values.iter().map(|value| {
        let variant = ident(&value.name);
        let text = format!(" `{}`", value.wire);
        quote! { #[doc = #text] #variant, }
    });
    let as_str = values.iter().map(|value| {
        let variant = ident(&value.name);
        let wire = &value.wire;
        quote! { Self::#variant => #wire, }
    });
    let from_str = values.iter().map(|value| {
        let variant = ident(&value.name);
        let wire = &value.wire;
        quote! { #wire => Self::#variant, }
    });
    quote! {
        #doc
        ///
        /// Values this crate does not know decode as `Unknown`, so a new server value
        /// never breaks decoding.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value not known to this version of the crate.
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::apigen_runtime::enums::deserialize_str(deserializer, |value| Self::from(value))
            }
        }
    }
}

fn emit_tagged(
    model: &Model,
    owner: usize,
    name: &Ident,
    doc: TokenStream,
    tag: &str,
    variants: &[TaggedVariant],
) -> TokenStream {
    let variant_tokens = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let value = &variant.tag_value;
        let note = format!(" `{tag}: \"{value}\"`");
        match &variant.payload {
            Some(payload) => {
                let ty = if needs_box(model, owner, payload) {
                    boxed_tokens(model, payload, Scope::Types)
                } else {
                    tokens(model, payload, Scope::Types)
                };
                quote! { #[doc = #note] #[serde(rename = #value)] #variant_name(#ty), }
            }
            None => quote! { #[doc = #note] #[serde(rename = #value)] #variant_name, },
        }
    });
    let tag_doc = format!(" Tagged by the `{tag}` property.");
    quote! {
        #doc
        ///
        #[doc = #tag_doc]
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(tag = #tag)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_tokens)*
            /// A variant not known to this version of the crate (its fields are dropped).
            #[serde(other)]
            Unknown,
        }
    }
}

fn emit_untagged(
    model: &Model,
    owner: usize,
    name: &Ident,
    doc: TokenStream,
    variants: &[UntaggedVariant],
) -> TokenStream {
    let variant_tokens = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let ty = if needs_box(model, owner, &variant.ty) {
            boxed_tokens(model, &variant.ty, Scope::Types)
        } else {
            tokens(model, &variant.ty, Scope::Types)
        };
        quote! { #[allow(missing_docs)] #variant_name(#ty), }
    });
    quote! {
        #doc
        ///
        /// Decoded by trying each variant in order; the most specific come first.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variant_tokens)*
        }
    }
}
