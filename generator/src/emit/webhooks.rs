//! The `webhooks` module of a generated crate: one event enum over the spec's
//! webhooks, dispatched on the tag property (or the webhook's name), with an
//! `Unknown` variant that keeps the JSON; and, when the bodies share an envelope, the
//! `Event` struct around it (see [`crate::model::webhooks`]).
//!
//! The module also has a `WebhookError` for receivers: payload errors (with the JSON
//! path) and the failures a signature check reports. The check itself is
//! API-specific and not generated; `x-apigen-signature-header` at the document root
//! names its header (`SIGNATURE_HEADER`, and the error messages).

use super::docs;
use super::typeref::{tokens, Scope};
use super::types::{emit_field, ident};
use crate::ir::Model;
use crate::model::webhooks::{Dispatch, Envelope, EnvelopeMember, Webhooks};
use proc_macro2::TokenStream;
use quote::quote;

/// `pub mod webhooks;` for the root module, when the spec has webhooks.
pub fn module_decl(model: &Model) -> TokenStream {
    if model.webhooks.is_none() {
        return quote! {};
    }
    quote! {
        /// Typed events of the webhooks the API sends (from the spec's `webhooks`).
        pub mod webhooks;
    }
}

/// The module's items, when the spec has webhooks.
pub fn emit(model: &Model) -> Option<TokenStream> {
    let webhooks = model.webhooks.as_ref()?;
    let data = event_data(model, webhooks);
    let error = error_type(webhooks.signature_header.as_deref());
    let wrapper = match &webhooks.dispatch {
        Dispatch::Envelope(envelope) => envelope_struct(model, envelope),
        Dispatch::Tagged(tag) => tagged_decoding(tag),
        Dispatch::ByName => quote! {},
    };
    Some(quote! {
        #![doc = " Webhook events, typed from the spec's `webhooks` section."]
        #![doc = ""]
        #![doc = " [`EventData`] has one variant per documented event and keeps events it does not"]
        #![doc = " know as JSON (`EventData::Unknown`), so a new event type never breaks a receiver."]
        #![allow(clippy::large_enum_variant)]

        #[allow(unused_imports)]
        use super::types::*;

        #error
        #data
        #wrapper
    })
}

/// `EventData`, `EVENT_TYPES`, `decode`, `event_type` and `Serialize`.
fn event_data(model: &Model, webhooks: &Webhooks) -> TokenStream {
    let at = match &webhooks.dispatch {
        Dispatch::Envelope(envelope) => envelope.payload_wire.clone(),
        _ => ".".to_owned(),
    };
    let what = match &webhooks.dispatch {
        Dispatch::Envelope(envelope) => format!(
            " The payload (`{}`) of an [`Event`], by event type.",
            envelope.payload_wire
        ),
        Dispatch::Tagged(tag) => format!(" A webhook body, by event type (its `{tag}` property)."),
        Dispatch::ByName => " A webhook body, by webhook name.".to_owned(),
    };
    let variants = webhooks.events.iter().map(|event| {
        let name = ident(&event.variant);
        let payload = tokens(model, &event.payload, Scope::Sibling);
        let key = format!("`{}`", event.key);
        let doc = docs::attrs([key.as_str(), event.doc.as_deref().unwrap_or("")]);
        quote! { #doc #name(#payload), }
    });
    let keys: Vec<&str> = webhooks.events.iter().map(|event| event.key.as_str()).collect();
    let decode_arms = webhooks.events.iter().map(|event| {
        let name = ident(&event.variant);
        let key = &event.key;
        quote! {
            #key => match apigen_runtime::webhooks::decode_payload(data.clone(), #at) {
                Ok(payload) => Self::#name(payload),
                Err(error) => Self::Undecodable { event_type: event_type.to_owned(), data, error },
            },
        }
    });
    let type_arms = webhooks.events.iter().map(|event| {
        let name = ident(&event.variant);
        let key = &event.key;
        quote! { Self::#name(_) => #key, }
    });
    let serialize_arms = webhooks.events.iter().map(|event| {
        let name = ident(&event.variant);
        quote! { Self::#name(payload) => ::serde::Serialize::serialize(payload, serializer), }
    });
    quote! {
        #[doc = #what]
        ///
        /// Serializing it writes the bare payload.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum EventData {
            #(#variants)*
            /// An event type this crate does not know; the payload is kept as JSON.
            Unknown {
                /// The event type, as sent.
                event_type: String,
                /// The payload, unchanged.
                data: ::serde_json::Value,
            },
            /// A known event type whose payload does not fit its documented shape (the
            /// server sent something the spec does not describe): the payload is kept
            /// as JSON, with the decode error naming the JSON path of the problem. The
            /// delivery's signature was still checked as usual.
            Undecodable {
                /// The event type, as sent.
                event_type: String,
                /// The payload, unchanged.
                data: ::serde_json::Value,
                /// Why it did not decode, and where.
                error: apigen_runtime::webhooks::PayloadError,
            },
        }

        /// Every event type [`EventData`] has a variant for, as sent.
        pub const EVENT_TYPES: &[&str] = &[#(#keys),*];

        impl EventData {
            /// Decodes `data` as the payload of `event_type`: an unknown type gives
            /// [`EventData::Unknown`]; a known one whose payload does not fit gives
            /// [`EventData::Undecodable`] with the JSON and the path of the problem. No
            /// payload is rejected.
            pub fn decode(event_type: &str, data: ::serde_json::Value) -> Result<Self, WebhookError> {
                Ok(match event_type {
                    #(#decode_arms)*
                    _ => Self::Unknown { event_type: event_type.to_owned(), data },
                })
            }

            /// The event type of this payload, as sent.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_arms)*
                    Self::Unknown { event_type, .. } | Self::Undecodable { event_type, .. } => event_type,
                }
            }
        }

        impl ::serde::Serialize for EventData {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown { data, .. } | Self::Undecodable { data, .. } => {
                        ::serde::Serialize::serialize(data, serializer)
                    }
                }
            }
        }
    }
}

/// Whole bodies told apart by `tag`: `EventData::from_slice` and `Deserialize`.
fn tagged_decoding(tag: &str) -> TokenStream {
    let doc = format!(" Decodes a webhook body, choosing the variant by its `{tag}` property.");
    quote! {
        impl EventData {
            #[doc = #doc]
            pub fn from_slice(body: &[u8]) -> Result<Self, WebhookError> {
                let value: ::serde_json::Value = apigen_runtime::webhooks::decode_envelope(body)?;
                Self::from_value(value)
            }

            /// Like [`EventData::from_slice`], from parsed JSON.
            pub fn from_value(value: ::serde_json::Value) -> Result<Self, WebhookError> {
                let event_type = apigen_runtime::unions::tag_of(&value, #tag).unwrap_or_default().to_owned();
                Self::decode(&event_type, value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for EventData {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::from_value(value).map_err(::serde::de::Error::custom)
            }
        }
    }
}

/// `Event`: the envelope with a typed payload, and its decoding.
fn envelope_struct(model: &Model, envelope: &Envelope) -> TokenStream {
    let tag_wire = &envelope.tag_wire;
    let payload_wire = &envelope.payload_wire;
    let payload_name = ident(&envelope.payload_name);
    let tag_note = format!("JSON: `{tag_wire}`.");
    let tag_doc = docs::attrs(["The event type, as sent.", tag_note.as_str()]);
    let payload_note = format!("JSON: `{payload_wire}`.");
    let payload_doc = docs::attrs(["The payload, typed by the event type.", payload_note.as_str()]);
    let mut public = Vec::new();
    let mut raw = Vec::new();
    let mut moves = Vec::new();
    for member in &envelope.members {
        match member {
            EnvelopeMember::Field(field) => {
                let tokens = emit_field(model, usize::MAX, field, true);
                public.push(tokens.clone());
                raw.push(tokens);
                let name = ident(&field.name);
                moves.push(quote! { #name: self.#name, });
            }
            EnvelopeMember::Tag => {
                public.push(quote! { #tag_doc #[serde(rename = #tag_wire)] pub event_type: String, });
                raw.push(quote! { #[serde(rename = #tag_wire)] event_type: String, });
                moves.push(quote! { event_type: self.event_type, });
            }
            EnvelopeMember::Payload => {
                public.push(quote! { #payload_doc #[serde(rename = #payload_wire)] pub #payload_name: EventData, });
                raw.push(quote! { #[serde(rename = #payload_wire)] #payload_name: ::serde_json::Value, });
                moves.push(quote! { #payload_name, });
            }
        }
    }
    quote! {
        /// One webhook delivery: the envelope and its typed payload.
        ///
        /// Decode it with [`Event::from_slice`] (or serde); serializing it gives the
        /// envelope back.
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        pub struct Event {
            #(#public)*
        }

        /// The envelope with the payload still untyped.
        #[derive(::serde::Deserialize)]
        struct RawEvent {
            #(#raw)*
        }

        impl RawEvent {
            fn into_event(self) -> Result<Event, WebhookError> {
                let #payload_name = EventData::decode(&self.event_type, self.#payload_name)?;
                Ok(Event { #(#moves)* })
            }
        }

        impl Event {
            /// Decodes a webhook body (without checking any signature): the envelope,
            /// then the payload according to the event type.
            pub fn from_slice(body: &[u8]) -> Result<Self, WebhookError> {
                let raw: RawEvent = apigen_runtime::webhooks::decode_envelope(body)?;
                raw.into_event()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Event {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <RawEvent as ::serde::Deserialize>::deserialize(deserializer)?
                    .into_event()
                    .map_err(::serde::de::Error::custom)
            }
        }
    }
}

/// `WebhookError` (and `SIGNATURE_HEADER` when the spec names the header).
fn error_type(header: Option<&str>) -> TokenStream {
    let label = header.unwrap_or("signature");
    let missing = format!("missing {label} header");
    let malformed = format!("malformed {label} header: ");
    let constant = header.map(|header| {
        quote! {
            /// Name of the HTTP header that carries the webhook signature.
            pub const SIGNATURE_HEADER: &str = #header;
        }
    });
    quote! {
        #constant

        /// Why a webhook delivery was rejected: a body that does not decode, or (for
        /// receivers that check signatures) a signature problem. Messages never
        /// contain a signing secret.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum WebhookError {
            /// The signature header is absent or empty.
            MissingHeader,
            /// The signature header cannot be read.
            MalformedHeader {
                /// What is wrong with it.
                reason: &'static str,
            },
            /// No signature in the header matches the body and secret.
            SignatureMismatch,
            /// The signature's timestamp is too far from the current time.
            StaleTimestamp {
                /// Current time minus the signature's time, in seconds: positive when
                /// older than the tolerance allows, negative when in the future.
                age_secs: i64,
                /// The tolerance that was exceeded.
                tolerance: ::std::time::Duration,
            },
            /// The body is not a documented envelope, or its payload does not have the
            /// documented shape of its event type.
            InvalidPayload {
                /// Where, in serde path form (`data.thread.id`; `.` is the whole body).
                path: String,
                /// What went wrong there.
                message: String,
            },
        }

        impl ::std::fmt::Display for WebhookError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    Self::MissingHeader => f.write_str(#missing),
                    Self::MalformedHeader { reason } => {
                        f.write_str(#malformed)?;
                        f.write_str(reason)
                    }
                    Self::SignatureMismatch => f.write_str("the webhook signature does not match the payload"),
                    Self::StaleTimestamp { age_secs, tolerance } => {
                        if *age_secs >= 0 {
                            write!(f, "webhook signature timestamp is {}s old", age_secs)?;
                        } else {
                            write!(f, "webhook signature timestamp is {}s in the future", age_secs.unsigned_abs())?;
                        }
                        write!(f, ", outside the tolerance of {}s", tolerance.as_secs_f64())
                    }
                    Self::InvalidPayload { path, message } => {
                        write!(f, "invalid webhook payload at {}: {}", path, message)
                    }
                }
            }
        }

        impl ::std::error::Error for WebhookError {}

        impl From<apigen_runtime::webhooks::PayloadError> for WebhookError {
            fn from(err: apigen_runtime::webhooks::PayloadError) -> Self {
                Self::InvalidPayload { path: err.path, message: err.message }
            }
        }
    }
}
