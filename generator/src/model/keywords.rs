//! What a schema's keywords say, read without building anything: enum values,
//! whether an untyped schema is an object, integer and number widths, docs.

use crate::ir::EnumValue;
use crate::ir::TypeRef;
use crate::naming::{pascal, Namespace};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerType, NumberType, ObjectType, ReferenceOr, Schema, SchemaKind, StringType,
    VariantOrUnknownOrEmpty,
};
use std::collections::BTreeSet;

/// Formats we map to `String` on purpose (no diagnostic).
pub(super) const STRING_FORMATS: &[&str] = &[
    "",
    "email",
    "idn-email",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "url",
    "uuid",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "password",
    "byte",
    "binary",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "uri-template",
    "time",
    "duration",
    "html",
    "markdown",
    "phone",
    "decimal",
    "int64",
    "int32",
    "number",
    "date-time-rfc1123",
];

pub(super) fn string_enum_values(string: &StringType) -> Option<Vec<String>> {
    let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
    (!values.is_empty()).then_some(values)
}

pub(super) fn enum_values(values: &[String]) -> Vec<EnumValue> {
    let mut names = Namespace::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .iter()
        .filter(|value| seen.insert((*value).clone()))
        .map(|value| EnumValue {
            wire: value.clone(),
            name: names.claim(pascal(value)),
        })
        .collect()
}

pub(super) fn object_is_closed(object: &ObjectType) -> bool {
    matches!(object.additional_properties, Some(AdditionalProperties::Any(false)))
}

/// Reads an untyped schema that has object keywords as an object.
pub(super) fn any_as_object(any: &AnySchema) -> Option<ObjectType> {
    let is_object = any.typ.as_deref() == Some("object") || (any.typ.is_none() && !any.properties.is_empty());
    if !is_object || (any.properties.is_empty() && any.additional_properties.is_none()) {
        return None;
    }
    if any.properties.is_empty() {
        return None;
    }
    Some(ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    })
}

/// The values of a `type: string` enum that `openapiv3` left untyped (because of a
/// `null` member or keywords it does not expect beside `enum`), when all the others
/// are strings.
pub(super) fn any_string_enum(any: &AnySchema) -> Option<Vec<String>> {
    if any.typ.as_deref() != Some("string") || any.enumeration.is_empty() {
        return None;
    }
    let mut values = Vec::new();
    for value in &any.enumeration {
        match value {
            serde_json::Value::String(text) => values.push(text.clone()),
            serde_json::Value::Null => {}
            _ => return None,
        }
    }
    (!values.is_empty()).then_some(values)
}

/// True when an untyped schema also carries composition keywords (which `openapiv3`
/// leaves in [`AnySchema`] when they sit beside other keywords).
pub(super) fn composed(any: &AnySchema) -> bool {
    !composition_keywords(any).is_empty()
}

/// The composition keywords an untyped schema carries that constrain something
/// (an `allOf` of annotation-only members does not), as written: `` `allOf` ``, ….
pub(super) fn composition_keywords(any: &AnySchema) -> Vec<&'static str> {
    let mut found = Vec::new();
    if !super::all_of::substantive(&any.all_of).is_empty() {
        found.push("`allOf`");
    }
    if !any.one_of.is_empty() {
        found.push("`oneOf`");
    }
    if !any.any_of.is_empty() {
        found.push("`anyOf`");
    }
    found
}

/// A value the schema documents (`default`, `example`) that only an unsigned 64-bit
/// integer holds (above `i64::MAX`), if any.
pub(super) fn beyond_i64(data: &openapiv3::SchemaData) -> Option<u64> {
    [&data.default, &data.example]
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_u64)
        .find(|value| i64::try_from(*value).is_err())
}

pub(super) fn integer_type(integer: &IntegerType, data: &openapiv3::SchemaData) -> TypeRef {
    let format = match &integer.format {
        VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => "int32",
        VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => "int64",
        VariantOrUnknownOrEmpty::Unknown(other) => other.as_str(),
        VariantOrUnknownOrEmpty::Empty => "",
    };
    let (bits, signed) = match format {
        "int8" => (8, true),
        "uint8" => (8, false),
        "int16" => (16, true),
        "uint16" => (16, false),
        "int32" => (32, true),
        "uint32" => (32, false),
        "uint64" | "uint" => (64, false),
        "int64" => (64, integer.minimum.is_none_or(|min| min < 0)),
        _ => (
            64,
            integer.minimum.is_none_or(|min| min < 0) && beyond_i64(data).is_none(),
        ),
    };
    TypeRef::Integer { bits, signed }
}

/// Every number is an `f64`, `format: float` included: an `f32` cannot hold the
/// decimals specs and servers write (`0.00744`, `2.36`) closely enough to send them
/// back unchanged, and numbers must round-trip exactly.
pub(super) fn number_type(_number: &NumberType) -> TypeRef {
    TypeRef::Float { bits: 64 }
}

/// The description carried by an annotation-only `allOf` member (`allOf: [{$ref}, {description}]`).
pub(super) fn annotation_doc(schema: &Schema) -> Option<String> {
    let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
        return None;
    };
    all_of.iter().find_map(|member| match member {
        ReferenceOr::Item(member) if matches!(&member.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default()) => {
            schema_doc(member)
        }
        _ => None,
    })
}

/// Title and description, joined.
pub fn schema_doc(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    match (&data.title, &data.description) {
        (Some(title), Some(description)) if title != description => Some(format!("{title}\n\n{description}")),
        (_, Some(description)) => Some(description.clone()),
        (Some(title), None) => Some(title.clone()),
        (None, None) => None,
    }
}
