//! The OpenAPI 3.1 `webhooks` section → the events a receiver can decode.
//!
//! Each webhook is a path item whose operation's JSON request body is what the API
//! sends. Bodies are read from the normalised JSON (the 3.0 parser does not know
//! `webhooks`): `$ref`s and `allOf` members are flattened to find properties. Then:
//!
//! - **tag**: a required property that every body has under the same name, holding
//!   a single string value (`const`, or a one-value `enum`). Its value is the event
//!   type; without one, the webhook's name is used.
//! - **envelope**: when there is a tag and exactly one other required property whose
//!   schema differs between the bodies (every other property being identical), the
//!   bodies share an envelope and that property is the payload: each event's type is
//!   the payload's, and one `Event` struct holds the envelope.
//! - otherwise each event's type is its whole body.

use super::keywords::schema_doc;
use crate::ir::{Field, Presence, TypeRef};
use crate::model::types::TypeBuilder;
use crate::naming::{pascal, snake, Namespace};
use crate::pointer::join;
use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value};

/// The webhooks of a document, ready to emit.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// One entry per webhook with a usable JSON body, in document order.
    pub events: Vec<WebhookEvent>,
    /// How a delivery is matched to its event.
    pub dispatch: Dispatch,
    /// The signature header named by `x-apigen-signature-header`, if any.
    pub signature_header: Option<String>,
}

/// One event a webhook delivers.
#[derive(Debug, Clone)]
pub struct WebhookEvent {
    /// The event type as sent (the tag value, or the webhook's name).
    pub key: String,
    /// Rust variant name.
    pub variant: String,
    /// The payload type (the envelope's payload property, or the whole body).
    pub payload: TypeRef,
    /// Summary or description of the webhook.
    pub doc: Option<String>,
}

/// How deliveries are told apart.
#[derive(Debug, Clone)]
pub enum Dispatch {
    /// Shared envelope; the payload property is typed by the tag.
    Envelope(Envelope),
    /// Whole bodies, told apart by the tag property (its JSON name).
    Tagged(String),
    /// No tag: the caller names the webhook.
    ByName,
}

/// The envelope shared by every event.
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The members in document order.
    pub members: Vec<EnvelopeMember>,
    /// JSON name of the tag property.
    pub tag_wire: String,
    /// JSON name of the payload property.
    pub payload_wire: String,
    /// Rust name of the payload field.
    pub payload_name: String,
}

/// One member of the envelope.
#[derive(Debug, Clone)]
pub enum EnvelopeMember {
    /// An ordinary field, the same for every event.
    Field(Field),
    /// The tag (emitted as `event_type: String`).
    Tag,
    /// The typed payload.
    Payload,
}

/// The parts of the JSON document webhooks need, taken before parsing.
#[derive(Debug, Clone, Default)]
pub struct Source {
    webhooks: Map<String, Value>,
    schemas: Map<String, Value>,
    request_bodies: Map<String, Value>,
    signature_header: Option<String>,
}

impl Source {
    /// Copies `webhooks` and the component schemas and request bodies out of a
    /// normalised document.
    pub fn from_document(document: &Value) -> Self {
        let object = |pointer: &str| document.pointer(pointer).and_then(Value::as_object).cloned();
        Self {
            webhooks: object("/webhooks").unwrap_or_default(),
            schemas: object("/components/schemas").unwrap_or_default(),
            request_bodies: object("/components/requestBodies").unwrap_or_default(),
            signature_header: document
                .get("x-apigen-signature-header")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }
    }
}

/// Deepest `$ref`/`allOf` nesting followed while flattening a body.
const MAX_DEPTH: usize = 16;

/// A body flattened to its properties.
struct Body {
    name: String,
    pointer: String,
    schema: Value,
    /// `(JSON name, schema)` in document order.
    properties: Vec<(String, Value)>,
    required: Vec<String>,
    doc: Option<String>,
}

/// Reads every webhook. `None` when the document has none.
pub fn build(source: &Source, types: &mut TypeBuilder<'_>) -> Option<Webhooks> {
    if source.webhooks.is_empty() {
        return None;
    }
    let bodies: Vec<Body> = source
        .webhooks
        .iter()
        .filter_map(|(name, item)| body_of(source, name, item, types))
        .collect();
    let tag = common_tag(source, &bodies);
    let envelope_payload = tag.as_ref().and_then(|tag| payload_property(&bodies, tag));
    let mut variants = Namespace::with_reserved(&["Unknown"]);
    let mut events = Vec::new();
    for body in &bodies {
        let key = match &tag {
            Some(tag) => property(body, tag).and_then(|schema| single_value(source, schema, 0)),
            None => None,
        }
        .unwrap_or_else(|| body.name.clone());
        let hint = pascal(&body.name);
        let payload = match &envelope_payload {
            Some(wire) => match property(body, wire) {
                Some(schema) => resolve(
                    types,
                    schema,
                    &join(&join(&body.pointer, "properties"), wire),
                    &format!("{hint}Data"),
                ),
                None => TypeRef::Json,
            },
            None => resolve(types, &body.schema, &body.pointer, &format!("{hint}Webhook")),
        };
        let variant = variants.claim(pascal(&key));
        events.push(WebhookEvent {
            key,
            variant,
            payload,
            doc: body.doc.clone(),
        });
    }
    let dispatch = match (tag, envelope_payload) {
        (Some(tag), Some(payload)) => match bodies.first() {
            Some(first) => Dispatch::Envelope(envelope(types, first, tag, payload)),
            None => Dispatch::ByName,
        },
        (Some(tag), None) => Dispatch::Tagged(tag),
        (None, _) => Dispatch::ByName,
    };
    Some(Webhooks {
        events,
        dispatch,
        signature_header: source.signature_header.clone(),
    })
}

/// The JSON request body of webhook `name`, flattened; `None` with a diagnostic when
/// it has none.
fn body_of(source: &Source, name: &str, item: &Value, types: &mut TypeBuilder<'_>) -> Option<Body> {
    let item_pointer = join("/webhooks", name);
    let found = ["post", "put", "patch", "get", "delete"].iter().find_map(|method| {
        let operation = item.get(*method)?;
        let mut body = operation.get("requestBody")?;
        let mut body_pointer = join(&join(&item_pointer, method), "requestBody");
        if let Some(reference) = body.get("$ref").and_then(Value::as_str) {
            let target = reference.strip_prefix("#/components/requestBodies/")?;
            body = source.request_bodies.get(target)?;
            body_pointer = join("/components/requestBodies", target);
        }
        let content = body.get("content")?.as_object()?;
        let (media, media_type) = content.iter().find(|(media, _)| is_json(media))?;
        let schema = media_type.get("schema")?;
        let doc = operation
            .get("summary")
            .or_else(|| operation.get("description"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        Some((
            schema.clone(),
            join(&join(&join(&body_pointer, "content"), media), "schema"),
            doc,
        ))
    });
    let Some((schema, pointer, doc)) = found else {
        types.diagnose(
            item_pointer,
            "webhook without a JSON request body; no event type is generated for it",
        );
        return None;
    };
    let mut properties = Vec::new();
    let mut required = Vec::new();
    flatten(source, &schema, 0, &mut properties, &mut required);
    Some(Body {
        name: name.to_owned(),
        pointer,
        schema,
        properties,
        required,
        doc,
    })
}

fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// The component schema a `$ref` names, if local and present.
fn follow<'s>(source: &'s Source, schema: &'s Value) -> Option<&'s Value> {
    let reference = schema.get("$ref")?.as_str()?;
    let name = reference.strip_prefix("#/components/schemas/")?;
    source.schemas.get(&name.replace("~1", "/").replace("~0", "~"))
}

/// Collects properties and `required` through `$ref`s and `allOf` members.
fn flatten(
    source: &Source,
    schema: &Value,
    depth: usize,
    properties: &mut Vec<(String, Value)>,
    required: &mut Vec<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(target) = follow(source, schema) {
        flatten(source, target, depth + 1, properties, required);
        return;
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for member in members {
            flatten(source, member, depth + 1, properties, required);
        }
    }
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in own {
            match properties.iter_mut().find(|(existing, _)| existing == name) {
                Some(slot) => slot.1 = property.clone(),
                None => properties.push((name.clone(), property.clone())),
            }
        }
    }
    if let Some(names) = schema.get("required").and_then(Value::as_array) {
        for name in names.iter().filter_map(Value::as_str) {
            if !required.iter().any(|existing| existing == name) {
                required.push(name.to_owned());
            }
        }
    }
}

fn property<'b>(body: &'b Body, wire: &str) -> Option<&'b Value> {
    body.properties
        .iter()
        .find(|(name, _)| name == wire)
        .map(|(_, schema)| schema)
}

/// The one string value a schema allows (`enum: [v]` after normalisation).
fn single_value(source: &Source, schema: &Value, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(target) = follow(source, schema) {
        return single_value(source, target, depth + 1);
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        if let [only] = members.as_slice() {
            return single_value(source, only, depth + 1);
        }
    }
    match schema.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([Value::String(value)]) => Some(value.clone()),
        _ => None,
    }
}

/// The property every body requires and pins to one string value, with distinct
/// values across bodies.
fn common_tag(source: &Source, bodies: &[Body]) -> Option<String> {
    let first = bodies.first()?;
    first.properties.iter().map(|(name, _)| name).find_map(|name| {
        let mut values = Vec::new();
        for body in bodies {
            if !body.required.contains(name) {
                return None;
            }
            values.push(single_value(source, property(body, name)?, 0)?);
        }
        let count = values.len();
        values.sort();
        values.dedup();
        (values.len() == count).then(|| name.clone())
    })
}

/// The payload property of an envelope: the only required non-tag property whose
/// schema differs between bodies, all others being identical.
fn payload_property(bodies: &[Body], tag: &str) -> Option<String> {
    let first = bodies.first()?;
    if bodies.len() < 2 {
        return None;
    }
    let mut differing = Vec::new();
    for (name, schema) in first.properties.iter().filter(|(name, _)| name != tag) {
        let same_everywhere = bodies.iter().all(|body| {
            property(body, name) == Some(schema) && body.required.contains(name) == first.required.contains(name)
        });
        if !same_everywhere {
            differing.push(name);
        }
    }
    let same_names = bodies
        .iter()
        .all(|body| body.properties.len() == first.properties.len());
    match differing.as_slice() {
        [only] if same_names && first.required.contains(only) => Some((*only).clone()),
        _ => None,
    }
}

/// Parses a JSON schema for the type builder and resolves it; `Json` (with a
/// diagnostic) when it does not parse.
fn resolve(types: &mut TypeBuilder<'_>, schema: &Value, pointer: &str, hint: &str) -> TypeRef {
    match serde_json::from_value::<ReferenceOr<Schema>>(schema.clone()) {
        Ok(parsed) => {
            let resolved = types.resolve(&parsed, pointer, hint);
            crate::model::types::wrap_nullable(resolved)
        }
        Err(err) => {
            types.diagnose(
                pointer,
                format!("webhook schema does not parse ({err}); serde_json::Value is used"),
            );
            TypeRef::Json
        }
    }
}

/// The envelope members of `first` (which every body shares).
fn envelope(types: &mut TypeBuilder<'_>, first: &Body, tag: String, payload: String) -> Envelope {
    let mut names = Namespace::with_reserved(&["event_type"]);
    let payload_name = names.claim(snake(&payload));
    let mut members = Vec::new();
    for (wire, schema) in &first.properties {
        if *wire == tag {
            members.push(EnvelopeMember::Tag);
            continue;
        }
        if *wire == payload {
            members.push(EnvelopeMember::Payload);
            continue;
        }
        let pointer = join(&join(&first.pointer, "properties"), wire);
        let parsed = serde_json::from_value::<ReferenceOr<Schema>>(schema.clone());
        let (ty, nullable, doc) = match &parsed {
            Ok(parsed) => {
                let resolved = types.resolve(parsed, &pointer, &format!("WebhookEnvelope{}", pascal(wire)));
                let doc = match parsed {
                    ReferenceOr::Item(schema) => schema_doc(schema),
                    ReferenceOr::Reference { .. } => None,
                };
                (resolved.ty, resolved.nullable, doc)
            }
            Err(err) => {
                types.diagnose(
                    &pointer,
                    format!("schema does not parse ({err}); serde_json::Value is used"),
                );
                (TypeRef::Json, true, None)
            }
        };
        let presence = match (first.required.contains(wire), nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        };
        members.push(EnvelopeMember::Field(Field {
            wire: wire.clone(),
            name: names.claim(snake(wire)),
            ty,
            presence,
            doc,
        }));
    }
    Envelope {
        members,
        tag_wire: tag,
        payload_wire: payload,
        payload_name,
    }
}
