//! The `#[cfg(feature = …)]` attributes of feature groups (see `model::features`) and
//! the serde derives chosen by `model::usage`.

use crate::ir::{Model, Operation, TypeDef};
use proc_macro2::TokenStream;
use quote::quote;

/// `#[cfg(feature = "a")]`, `#[cfg(any(feature = "a", feature = "b"))]`, or nothing
/// for an empty list (always compiled).
pub fn cfg_attr(features: &[String]) -> TokenStream {
    match features {
        [] => quote! {},
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

/// The gate of one operation's items (method, builder, enums, mock glue).
pub fn operation_cfg(operation: &Operation) -> TokenStream {
    cfg_attr(operation.feature.as_slice())
}

/// The gate of one named type's items.
pub fn type_cfg(def: &TypeDef) -> TokenStream {
    cfg_attr(&def.features)
}

/// Whether a serde trait is implemented always, under a feature, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serde {
    /// Always.
    Always,
    /// Only with this cargo feature on.
    Gated(&'static str),
}

impl Serde {
    /// `#[cfg(feature = …)]` for a hand-written impl (nothing when always).
    pub fn cfg(self) -> TokenStream {
        match self {
            Serde::Always => quote! {},
            Serde::Gated(feature) => quote! { #[cfg(feature = #feature)] },
        }
    }
}

/// `(Serialize, Deserialize)` for a named type: request-only types decode only under
/// `mock` (its body matchers decode requests); response-only types encode only under
/// `serialize-responses` (or `mock` without feature groups) unless an untagged union
/// re-encodes them or a webhook carries them (`Event` serializes back); types reached
/// by neither, or from an unused type, get both.
pub fn serde_traits(model: &Model, def: &TypeDef) -> (Serde, Serde) {
    let usage = def.usage;
    if usage.from_unused || (!usage.request && !usage.response) {
        return (Serde::Always, Serde::Always);
    }
    let serialize = if usage.request || usage.untagged_response || usage.webhook {
        Serde::Always
    } else {
        Serde::Gated(model.serialize_responses_feature)
    };
    let deserialize = if usage.response {
        Serde::Always
    } else {
        Serde::Gated("mock")
    };
    (serialize, deserialize)
}

/// The serde part of a derive list (`::serde::Serialize, ::serde::Deserialize` or
/// fewer) and the `#[cfg_attr(feature = …, derive(…))]` lines for the gated ones.
pub fn serde_derives(model: &Model, def: &TypeDef) -> (TokenStream, TokenStream) {
    let (serialize, deserialize) = serde_traits(model, def);
    let mut always = Vec::new();
    let mut gated = Vec::new();
    for (serde, path) in [
        (serialize, quote! { ::serde::Serialize }),
        (deserialize, quote! { ::serde::Deserialize }),
    ] {
        match serde {
            Serde::Always => always.push(path),
            Serde::Gated(feature) => gated.push(quote! { #[cfg_attr(feature = #feature, derive(#path))] }),
        }
    }
    (quote! { #(#always),* }, quote! { #(#gated)* })
}
