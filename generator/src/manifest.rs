//! A small machine-readable record of what was generated, for tools that test the
//! generated code (the conformance harness): each operation's success types by
//! status, and each named type's shape with the pointer it came from.

use crate::emit::typeref::{tokens, Scope};
use crate::ir::{Model, ResponseBody, TypeKind, TypeRef};

/// One security scheme of the spec and how the generated client wires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeRecord {
    /// Its name in `components.securitySchemes`.
    pub name: String,
    /// How many operations accept it.
    pub operations: usize,
    /// How it is wired: the builder method and what it sends, or the manual route.
    pub wiring: String,
    /// Whether the client applies it itself (else it is the user's, by hand).
    pub wired: bool,
}

/// The security schemes of `model`, in document order.
pub fn security(model: &Model) -> Vec<SchemeRecord> {
    model
        .security
        .iter()
        .map(|scheme| SchemeRecord {
            name: scheme.name.clone(),
            operations: scheme.operations,
            wiring: crate::model::security::wiring(scheme),
            wired: crate::model::security::is_wired(&scheme.kind),
        })
        .collect()
}

/// One generated operation and where its success bodies decode into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRecord {
    /// The operationId (or the one derived from method and path).
    pub operation_id: String,
    /// JSON pointer to the operation (`/paths/~1pets/get`).
    pub pointer: String,
    /// Success bodies. A record with `status: None` applies to every documented 2xx
    /// status that has no record of its own (a `2XX` range, or all successes alike).
    pub successes: Vec<SuccessRecord>,
    /// Its security requirements (alternatives of scheme names; empty = public;
    /// `None` = the spec says nothing).
    pub security: Option<Vec<Vec<String>>>,
    /// The streaming form, when a success response offers a streamed media type.
    pub stream: Option<StreamRecord>,
}

/// The streaming form of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRecord {
    /// The streamed media type, as the spec writes it.
    pub media_type: String,
    /// The Rust type of the stream (`EventStream<types::StreamResponse, ErrorBody>`),
    /// relative to the generated module's root.
    pub rust_type: String,
    /// True when the plain call returns the stream (no whole-body form documented);
    /// otherwise only `.stream()` does.
    pub plain_call_streams: bool,
    /// The JSON body member the streaming form sets to `true` (`stream`), if any.
    pub sets_member: Option<String>,
}

/// The type one success status decodes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessRecord {
    /// The status code, or `None` for "any other 2xx".
    pub status: Option<u16>,
    /// The Rust type of a JSON body, written relative to the generated module's root
    /// (named types as `types::Name`); `None` when the body is not JSON (empty, text,
    /// bytes).
    pub json_type: Option<String>,
}

/// The shape one named type was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeShape {
    /// A struct with named fields.
    Struct,
    /// An open string enum.
    StringEnum,
    /// A union tagged by a property.
    TaggedUnion,
    /// A union tried variant by variant.
    UntaggedUnion,
    /// An alias of another named type (still typed).
    AliasOfNamed,
    /// An alias (or transparent newtype) of a container (`Vec`, map, `Option`) or a scalar.
    AliasOfOther,
    /// An alias of `serde_json::Value` or a free-form JSON object: the schema fell back.
    FreeForm,
}

impl TypeShape {
    /// True when values of this type are checked field by field (not free-form JSON).
    pub fn is_typed(&self) -> bool {
        !matches!(self, TypeShape::FreeForm)
    }
}

/// One named type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRecord {
    /// Rust name in the `types` module.
    pub name: String,
    /// JSON pointer of the schema it was generated from.
    pub pointer: String,
    /// Its shape.
    pub shape: TypeShape,
}

/// Records for every operation of `model`.
pub fn operations(model: &Model) -> Vec<OperationRecord> {
    model
        .operations
        .iter()
        .map(|operation| {
            let successes = match &operation.success {
                ResponseBody::ByStatus(status_enum) => status_enum
                    .variants
                    .iter()
                    .map(|variant| SuccessRecord {
                        status: variant.status,
                        json_type: json_type(model, &variant.body),
                    })
                    .collect(),
                single => vec![SuccessRecord {
                    status: None,
                    json_type: json_type(model, single),
                }],
            };
            let stream = operation.stream.as_ref().map(|form| StreamRecord {
                media_type: form.media_type.clone(),
                rust_type: crate::emit::client::stream_type(model, form)
                    .to_string()
                    .replace(" :: ", "::")
                    .replace(":: ", "::")
                    .replace(" < ", "<")
                    .replace(" >", ">")
                    .replace(" , ", ", ")
                    .replace("super::", "")
                    .replace("apigen_runtime::", ""),
                plain_call_streams: matches!(operation.success, ResponseBody::Stream(_)),
                sets_member: (form.kind != crate::ir::StreamKind::Bytes)
                    .then(|| crate::emit::builders::stream_member(model, operation).map(str::to_owned))
                    .flatten(),
            });
            OperationRecord {
                operation_id: operation.operation_id.clone(),
                pointer: operation.pointer.clone(),
                successes,
                security: operation.security.clone(),
                stream,
            }
        })
        .collect()
}

/// Records for every named type of `model`, in model order.
pub fn types(model: &Model) -> Vec<TypeRecord> {
    model
        .types
        .iter()
        .map(|def| TypeRecord {
            name: def.name.clone(),
            pointer: def.pointer.clone(),
            shape: match &def.kind {
                TypeKind::Struct(_) => TypeShape::Struct,
                TypeKind::StringEnum(_) => TypeShape::StringEnum,
                TypeKind::Tagged { .. } => TypeShape::TaggedUnion,
                TypeKind::Untagged(_) => TypeShape::UntaggedUnion,
                TypeKind::Alias(TypeRef::Json | TypeRef::JsonObject) | TypeKind::Placeholder => TypeShape::FreeForm,
                TypeKind::Alias(TypeRef::Named(_)) => TypeShape::AliasOfNamed,
                TypeKind::Alias(_) | TypeKind::Newtype(_) => TypeShape::AliasOfOther,
            },
        })
        .collect()
}

fn json_type(model: &Model, body: &ResponseBody) -> Option<String> {
    match body {
        ResponseBody::Json(ty) => Some(tokens(model, ty, Scope::Root).to_string()),
        _ => None,
    }
}
