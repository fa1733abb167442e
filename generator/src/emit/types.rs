//! Named types → Rust items (structs, open string enums, unions, aliases).

use super::docs;
use super::features::{serde_derives, serde_traits, type_cfg, Serde};
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

/// Types per formatting chunk (fixed, so the output never depends on the machine).
pub const CHUNK: usize = 200;

/// Inner attributes at the top of `types.rs`.
pub fn header() -> TokenStream {
    quote! {
        #![allow(clippy::large_enum_variant, clippy::derive_partial_eq_without_eq, clippy::doc_lazy_continuation, clippy::redundant_closure)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
    }
}

/// Number of chunks `types.rs` is built in.
pub fn chunk_count(model: &Model) -> usize {
    model.types.len().div_ceil(CHUNK)
}

/// The items of chunk `chunk` (types `chunk * CHUNK ..`).
pub fn chunk(model: &Model, chunk: usize) -> TokenStream {
    let start = (chunk * CHUNK).min(model.types.len());
    let end = (start + CHUNK).min(model.types.len());
    let items = (start..end).map(|id| emit_type(model, id, &model.types[id]));
    quote! { #(#items)* }
}

/// All named types of the model, in one token stream (header and every chunk).
pub fn emit(model: &Model) -> TokenStream {
    let header = header();
    let chunks = (0..chunk_count(model)).map(|index| chunk(model, index));
    quote! { #header #(#chunks)* }
}

fn type_doc(def: &TypeDef) -> TokenStream {
    let origin = format!("Schema: `#{}`.", def.pointer);
    docs::attrs([def.doc.as_deref().unwrap_or(""), origin.as_str()])
}

fn emit_type(model: &Model, id: usize, def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let doc = type_doc(def);
    // The feature-group gate, prepended to every top-level item of the type.
    let cfg = type_cfg(def);
    match &def.kind {
        TypeKind::Struct(def_struct) => emit_struct(model, id, &name, doc, def_struct),
        TypeKind::StringEnum(values) => emit_string_enum(&name, doc, values, &cfg),
        TypeKind::Tagged { tag, variants } => emit_tagged(model, id, &name, doc, tag, variants),
        TypeKind::Untagged(variants) => emit_untagged(model, id, &name, doc, variants),
        TypeKind::Alias(ty) => {
            let target = tokens(model, ty, Scope::Types);
            quote! { #cfg #doc pub type #name = #target; }
        }
        TypeKind::Newtype(ty) => {
            let target = if needs_box(model, id, ty) {
                boxed_tokens(model, ty, Scope::Types)
            } else {
                tokens(model, ty, Scope::Types)
            };
            let (serde, gated_serde) = serde_derives(model, def);
            quote! {
                #cfg
                #doc
                #[derive(Debug, Clone, PartialEq, #serde)]
                #gated_serde
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
        TypeKind::Placeholder => quote! { #cfg #doc pub type #name = ::serde_json::Value; },
    }
}

fn emit_struct(model: &Model, id: usize, name: &Ident, doc: TokenStream, def: &StructDef) -> TokenStream {
    let fields: Vec<&Field> = def.fields.iter().collect();
    let derive_default = fields.iter().all(|field| field.presence != Presence::Required);
    // Written-out serde impls (no `additionalProperties`, at least one field or the
    // undeclared members) read no `#[serde]` attributes, and without a serde derive none
    // may be present.
    let keep_undeclared = keeps_undeclared(model, id, def);
    let derived = def.additional.is_some() || (def.fields.is_empty() && !keep_undeclared);
    let field_tokens = fields.iter().map(|field| emit_field(model, id, field, derived));
    let additional = def.additional.as_ref().map(|ty| {
        let value = tokens(model, ty, Scope::Types);
        quote! {
            /// Members not described by the schema.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<String, #value>,
        }
    });
    let undeclared = keep_undeclared.then(|| {
        quote! {
            /// Members the spec does not declare, as sent (see [`apigen_runtime::Undeclared`]).
            pub undeclared: apigen_runtime::Undeclared,
        }
    });
    let default = derive_default.then(|| quote! { Default, });
    let cfg = type_cfg(&model.types[id]);
    let constructor = constructor(model, id, def);
    let constructor = (!constructor.is_empty()).then(|| quote! { #cfg #constructor });
    // Written-out impls where the struct allows them (else derives); either way only
    // the directions `model::usage` asks for, gated ones under their feature.
    let (serialize, deserialize) = serde_traits(model, &model.types[id]);
    let serialize_impl = super::serialize::struct_impl(name, def, keep_undeclared);
    let deserialize_impl = super::deserialize::struct_impl(model, id, name, def, keep_undeclared);
    let mut derives = Vec::new();
    let mut gated_derives = Vec::new();
    for (serde, written, path) in [
        (serialize, serialize_impl.is_some(), quote! { ::serde::Serialize }),
        (deserialize, deserialize_impl.is_some(), quote! { ::serde::Deserialize }),
    ] {
        match (written, serde) {
            (true, _) => {}
            (false, Serde::Always) => derives.push(quote! { #path, }),
            (false, Serde::Gated(feature)) => {
                gated_derives.push(quote! { #[cfg_attr(feature = #feature, derive(#path))] })
            }
        }
    }
    let (serialize_cfg, deserialize_cfg) = (serialize.cfg(), deserialize.cfg());
    let serialize_impl = serialize_impl.map(|item| quote! { #cfg #serialize_cfg #item });
    let deserialize_impl = deserialize_impl.map(|item| quote! { #cfg #deserialize_cfg #item });
    quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, PartialEq, #default #(#derives)*)]
        #(#gated_derives)*
        pub struct #name {
            #(#field_tokens)*
            #additional
            #undeclared
        }
        #serialize_impl
        #deserialize_impl
        #constructor
    }
}

/// Whether struct `id` gets an `undeclared` field: when the crate keeps undeclared
/// members, no `additionalProperties` map already takes them, and the struct is ever
/// decoded from a server's JSON (request-only types are built by the caller, who
/// should not have to name a field the server never fills).
pub(super) fn keeps_undeclared(model: &Model, id: usize, def: &StructDef) -> bool {
    let usage = model.types[id].usage;
    let decoded = usage.response || usage.from_unused || !usage.request;
    model.keep_undeclared && def.additional.is_none() && decoded
}

/// Most required fields a generated `new` takes as arguments.
const MAX_CONSTRUCTOR_ARGS: usize = 6;

/// The single value of a one-value string enum (a `const` in the spec), if `ty` is one.
fn constant_variant<'m>(model: &'m Model, ty: &TypeRef) -> Option<(&'m str, &'m str)> {
    let TypeRef::Named(id) = ty else { return None };
    match &model.types[*id].kind {
        TypeKind::StringEnum(values) if values.len() == 1 => {
            Some((model.types[*id].name.as_str(), values[0].name.as_str()))
        }
        _ => None,
    }
}

/// `new(required fields…)` for structs with required fields: constant fields (a
/// one-value enum, e.g. a union tag) are filled in, optional ones start empty.
fn constructor(model: &Model, id: usize, def: &StructDef) -> TokenStream {
    let required: Vec<&Field> = def
        .fields
        .iter()
        .filter(|field| field.presence == Presence::Required)
        .collect();
    let arguments: Vec<&Field> = required
        .iter()
        .copied()
        .filter(|field| constant_variant(model, &field.ty).is_none())
        .collect();
    if required.is_empty() || arguments.len() > MAX_CONSTRUCTOR_ARGS {
        return quote! {};
    }
    let name = ident(&model.types[id].name);
    let parameters = arguments.iter().map(|field| {
        let field_name = ident(&field.name);
        let ty = if needs_box(model, id, &field.ty) {
            boxed_tokens(model, &field.ty, Scope::Types)
        } else if field.ty == TypeRef::String {
            quote! { impl Into<String> }
        } else {
            tokens(model, &field.ty, Scope::Types)
        };
        quote! { #field_name: #ty }
    });
    let inits = def.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        if field.presence != Presence::Required {
            return quote! { #field_name: None };
        }
        match constant_variant(model, &field.ty) {
            Some((enum_name, variant)) => {
                let enum_name = ident(enum_name);
                let variant = ident(variant);
                quote! { #field_name: #enum_name::#variant }
            }
            None if field.ty == TypeRef::String => quote! { #field_name: #field_name.into() },
            None => quote! { #field_name },
        }
    });
    let additional = def
        .additional
        .as_ref()
        .map(|_| quote! { additional_properties: Default::default(), });
    let undeclared = keeps_undeclared(model, id, def).then(|| quote! { undeclared: Default::default(), });
    let names: Vec<String> = arguments
        .iter()
        .map(|field| format!("`{}`", field.name.trim_start_matches("r#")))
        .collect();
    let doc = if names.is_empty() {
        " Creates the value; constant fields are set, optional fields are left out.".to_owned()
    } else {
        format!(
            " Creates the value from its required fields ({}); constant fields are set, optional fields are left out.",
            names.join(", ")
        )
    };
    quote! {
        impl #name {
            #[doc = #doc]
            #[allow(clippy::new_without_default)]
            pub fn new(#(#parameters),*) -> Self {
                Self {
                    #(#inits,)*
                    #additional
                    #undeclared
                }
            }
        }
    }
}

/// One struct field with its docs and serde attributes (also used by `webhooks`).
/// The Rust type of a struct field: its type (boxed when recursive) wrapped as its
/// presence requires.
pub(crate) fn field_type(model: &Model, owner: usize, field: &Field) -> TokenStream {
    let inner = if needs_box(model, owner, &field.ty) {
        boxed_tokens(model, &field.ty, Scope::Types)
    } else {
        tokens(model, &field.ty, Scope::Types)
    };
    match field.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote! { Option<#inner> },
        Presence::OptionalNullable => quote! { Option<apigen_runtime::Nullable<#inner>> },
    }
}

/// A struct field with its docs, and with its `#[serde]` attribute when `serde_attrs`
/// (the struct derives its serde impls).
pub(crate) fn emit_field(model: &Model, owner: usize, field: &Field, serde_attrs: bool) -> TokenStream {
    let name = ident(&field.name);
    let ty = field_type(model, owner, field);
    let wire = &field.wire;
    let rename = (field.name.trim_start_matches("r#") != wire.as_str()).then(|| quote! { rename = #wire, });
    let serde = match field.presence {
        Presence::Required => quote! { #rename },
        Presence::RequiredNullable => quote! { #rename default, },
        Presence::Optional => quote! { #rename default, skip_serializing_if = "Option::is_none", },
        Presence::OptionalNullable => quote! {
            #rename default, skip_serializing_if = "Option::is_none",
            deserialize_with = "apigen_runtime::nullable::deserialize_present",
        },
    };
    let presence_note = match field.presence {
        Presence::Required => "",
        Presence::RequiredNullable => "Always present in JSON; `None` is `null`.",
        Presence::Optional => "Optional: `None` leaves the key out.",
        Presence::OptionalNullable => {
            "Optional and nullable: `None` leaves the key out, `Some(Nullable::Null)` sends `null`, `Some(Nullable::Value(v))` sends `v`."
        }
    };
    let wire_note = format!("JSON: `{wire}`. {presence_note}");
    let doc = docs::attrs([field.doc.as_deref().unwrap_or(""), wire_note.trim_end()]);
    let serde_attr = if serde.is_empty() || !serde_attrs {
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

fn emit_string_enum(name: &Ident, doc: TokenStream, values: &[EnumValue], cfg: &TokenStream) -> TokenStream {
    let variants = values.iter().map(|value| {
        let variant = ident(&value.name);
        let text = if value.wire.is_empty() {
            " The empty string.".to_owned()
        } else {
            format!(" `{}`", value.wire)
        };
        let wire = &value.wire;
        quote! { #[doc = #text] #variant = #wire, }
    });
    // The impls (`as_str`, `From<&str>`, `FromStr`, `Display`, serde) come from the
    // runtime's macro: per enum only the wire values are generated.
    quote! {
        #cfg
        apigen_runtime::open_enum! {
            #doc
            pub enum #name {
                #(#variants)*
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
        let note = format!(" `{tag}: \"{}\"`", variant.tag_value);
        match &variant.payload {
            Some(payload) => {
                let ty = if needs_box(model, owner, payload) {
                    boxed_tokens(model, payload, Scope::Types)
                } else {
                    tokens(model, payload, Scope::Types)
                };
                quote! { #[doc = #note] #variant_name(#ty), }
            }
            None => quote! { #[doc = #note] #variant_name, },
        }
    });
    let encode_arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let value = &variant.tag_value;
        match &variant.payload {
            Some(payload) if carries_tag(model, payload, tag) => {
                quote! { Self::#variant_name(payload) => ::serde::Serialize::serialize(payload, serializer), }
            }
            Some(_) => quote! {
                Self::#variant_name(payload) => apigen_runtime::unions::serialize_tagged(serializer, #tag, #value, payload),
            },
            None => quote! {
                Self::#variant_name => apigen_runtime::unions::serialize_tag_only(serializer, #tag, #value),
            },
        }
    });
    let decode_arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let value = &variant.tag_value;
        match &variant.payload {
            Some(payload) if needs_box(model, owner, payload) => quote! {
                Some(#value) => apigen_runtime::unions::decode_variant(value, #value).map(|payload| Self::#variant_name(Box::new(payload))),
            },
            Some(_) => quote! {
                Some(#value) => apigen_runtime::unions::decode_variant(value, #value).map(Self::#variant_name),
            },
            None => quote! { Some(#value) => Ok(Self::#variant_name), },
        }
    });
    let tag_doc = format!(" Tagged by the `{tag}` property.");
    let cfg = type_cfg(&model.types[owner]);
    let (serialize, deserialize) = serde_traits(model, &model.types[owner]);
    let (serialize_cfg, deserialize_cfg) = (serialize.cfg(), deserialize.cfg());
    quote! {
        #cfg
        #doc
        ///
        #[doc = #tag_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_tokens)*
            /// A variant not known to this version of the crate, kept as sent.
            Unknown(::serde_json::Value),
        }

        #cfg
        #serialize_cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode_arms)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #cfg
        #deserialize_cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                match apigen_runtime::unions::tag_of(&value, #tag) {
                    #(#decode_arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    }
}

/// True when the payload struct has the tag as one of its own fields (so encoding it
/// already writes the tag).
fn carries_tag(model: &Model, payload: &TypeRef, tag: &str) -> bool {
    match payload {
        TypeRef::Named(id) => match &model.types[*id].kind {
            TypeKind::Struct(def) => def.fields.iter().any(|field| field.wire == tag),
            TypeKind::Alias(inner) => carries_tag(model, inner, tag),
            _ => false,
        },
        _ => false,
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
    let tries = variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        if needs_box(model, owner, &variant.ty) {
            let inner = tokens(model, &variant.ty, Scope::Types);
            quote! { .variant(|payload: #inner| Self::#variant_name(Box::new(payload))) }
        } else {
            quote! { .variant(Self::#variant_name) }
        }
    });
    let union_name = name.to_string();
    let cfg = type_cfg(&model.types[owner]);
    let (serialize, deserialize) = serde_traits(model, &model.types[owner]);
    let serialize = match serialize {
        Serde::Always => quote! { #[derive(::serde::Serialize)] #[serde(untagged)] },
        // `serde(untagged)` is only known where the derive is.
        Serde::Gated(feature) => {
            quote! { #[cfg_attr(feature = #feature, derive(::serde::Serialize), serde(untagged))] }
        }
    };
    let deserialize_cfg = deserialize.cfg();
    quote! {
        #cfg
        #doc
        ///
        /// Decoded by trying every variant and keeping the one that accounts for most of
        /// the payload (see `apigen_runtime::unions::Untagged`); ties go to the earlier,
        /// more specific variant.
        #[derive(Debug, Clone, PartialEq)]
        #serialize
        pub enum #name {
            #(#variant_tokens)*
        }

        #cfg
        #deserialize_cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                apigen_runtime::unions::Untagged::new(&value)
                    #(#tries)*
                    .finish(#union_name)
            }
        }
    }
}
