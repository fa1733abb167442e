//! Unions (`oneOf`/`anyOf`): which Rust shape each one gets, and in what order the
//! variants of an untagged union are listed.
//!
//! In order of preference, because each is more exact than the next:
//! 1. every member is a string enum → one open string enum of all their values;
//! 2. every member is an object with one constant string property (the spec's
//!    `discriminator`, or a required one-value property shared by all members) → a
//!    tagged union, decoded by reading the tag, with an `Unknown` fallback;
//! 3. otherwise → an untagged union. Its variants are ordered most specific first
//!    ([`order_untagged`]); at run time every accepting variant is scored by how much
//!    of the payload it keeps and the best wins, the order only breaking ties (see
//!    `apigen_runtime::unions::Untagged`).

use super::all_of::substantive;
use super::keywords::{any_as_object, enum_values, string_enum_values};
use super::types::{wrap_nullable, TypeBuilder};
use crate::ir::{Presence, TaggedVariant, TypeDef, TypeKind, TypeRef, UntaggedVariant};
use crate::naming::{pascal, Namespace};
use openapiv3::{ObjectType, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::BTreeSet;

impl TypeBuilder<'_> {
    /// When every member is a string enum (a `oneOf` of documented constants), all
    /// their values in order, so the union becomes one open enum.
    pub(super) fn string_enum_members(&mut self, members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
        let mut values = Vec::new();
        for member in members {
            let (schema, _) = self.target(member)?;
            let schema = match &schema.schema_kind {
                SchemaKind::AllOf { all_of } if substantive(all_of).len() == 1 => {
                    let (_, only) = substantive(all_of)[0];
                    self.target(only)?.0
                }
                _ => schema,
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::String(string)) => values.extend(string_enum_values(string)?),
                _ => return None,
            }
        }
        Some(values)
    }

    pub(super) fn union_kind(
        &mut self,
        schema: &Schema,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
    ) -> TypeKind {
        if members.is_empty() {
            return TypeKind::Alias(TypeRef::Json);
        }
        if let Some(values) = self.string_enum_members(members) {
            return TypeKind::StringEnum(enum_values(&values));
        }
        if let Some(kind) = self.tagged_union(schema, members, pointer, name) {
            return kind;
        }
        let mut variants = Vec::new();
        let mut variant_names = Namespace::default();
        for (index, member) in members.iter().enumerate() {
            let resolved = self.resolve(member, &format!("{pointer}/{index}"), &format!("{name}Variant{index}"));
            let variant_name = match (&member, &resolved.ty) {
                (ReferenceOr::Reference { .. }, TypeRef::Named(id)) => self.types[*id].name.clone(),
                _ => type_ref_label(&resolved.ty).unwrap_or_else(|| format!("Variant{index}")),
            };
            variants.push(UntaggedVariant {
                name: variant_names.claim(variant_name),
                ty: wrap_nullable(resolved),
            });
        }
        let required_counts: Vec<usize> = variants
            .iter()
            .map(|variant| match &variant.ty {
                TypeRef::Named(id) => match &self.types[*id].kind {
                    TypeKind::Struct(def) => def
                        .fields
                        .iter()
                        .filter(|field| matches!(field.presence, Presence::Required | Presence::RequiredNullable))
                        .count(),
                    _ => 0,
                },
                _ => 0,
            })
            .collect();
        // One member (stripe's `anyOf: [{$ref}]` around expandable fields) is that member:
        // an alias decodes the same values without an enum to match on or to compile.
        if variants.len() == 1 {
            if let Some(only) = variants.pop() {
                return TypeKind::Alias(only.ty);
            }
        }
        order_untagged(&mut variants, &required_counts);
        TypeKind::Untagged(variants)
    }

    /// A union whose members are objects with a distinct constant value in one
    /// property: the spec's `discriminator`, or inferred.
    pub(super) fn tagged_union(
        &mut self,
        schema: &Schema,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
    ) -> Option<TypeKind> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut objects = Vec::new();
        for member in members {
            let (target, component) = self.target(member)?;
            let object = match &target.schema_kind {
                SchemaKind::Type(Type::Object(object)) => object.clone(),
                SchemaKind::AllOf { all_of } if self.all_of_is_object(all_of) => self.merge_all_of(all_of, pointer)?,
                SchemaKind::Any(any) => any_as_object(any)?,
                _ => return None,
            };
            objects.push((object, component));
        }
        let tag = match discriminator {
            Some(discriminator) => discriminator.property_name.clone(),
            None => infer_tag(&objects)?,
        };
        let mut variants = Vec::new();
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let mut seen_values = BTreeSet::new();
        for (index, (member, (object, component))) in members.iter().zip(&objects).enumerate() {
            // Every mapping entry that names this member is a tag value of its own.
            let from_mapping: Vec<String> = match (discriminator, member) {
                (Some(discriminator), ReferenceOr::Reference { reference }) => discriminator
                    .mapping
                    .iter()
                    .filter(|(_, target)| {
                        target.as_str() == reference.as_str() || component.as_deref() == Some(target.as_str())
                    })
                    .map(|(value, _)| value.clone())
                    .collect(),
                _ => Vec::new(),
            };
            let tag_values = if from_mapping.is_empty() {
                vec![constant_of(object, &tag).or_else(|| discriminator.and(component.clone()))?]
            } else {
                from_mapping
            };
            for tag_value in &tag_values {
                if !seen_values.insert(tag_value.clone()) {
                    return None;
                }
            }
            let tag_value = tag_values[0].clone();
            let member_pointer = format!("{pointer}/{index}");
            let payload = match member {
                ReferenceOr::Reference { .. } => {
                    let resolved = self.resolve(member, &member_pointer, "");
                    match resolved.ty {
                        TypeRef::Named(id)
                            if matches!(self.types[id].kind, TypeKind::Struct(_) | TypeKind::Placeholder) =>
                        {
                            Some(TypeRef::Named(id))
                        }
                        _ => return None,
                    }
                }
                ReferenceOr::Item(_) => {
                    let variant_name = format!("{name}{}", pascal(&tag_value));
                    let id = self.types.len();
                    let rust_name = self.names.claim(variant_name);
                    self.types.push(TypeDef {
                        name: rust_name.clone(),
                        doc: None,
                        pointer: member_pointer.clone(),
                        kind: TypeKind::Placeholder,
                        usage: Default::default(),
                        features: Vec::new(),
                    });
                    let def = self.struct_def(object, &member_pointer, &rust_name);
                    self.types[id].kind = TypeKind::Struct(def);
                    Some(TypeRef::Named(id))
                }
            };
            for tag_value in tag_values {
                variants.push(TaggedVariant {
                    name: variant_names.claim(pascal(&tag_value)),
                    tag_value,
                    payload: payload.clone(),
                });
            }
        }
        Some(TypeKind::Tagged { tag, variants })
    }
}

/// A property present and required in every member, with one constant string value
/// per member, all distinct.
pub(super) fn infer_tag(objects: &[(ObjectType, Option<String>)]) -> Option<String> {
    let (first, _) = objects.first()?;
    first.properties.keys().find_map(|candidate| {
        let mut values = BTreeSet::new();
        for (object, _) in objects {
            if !object.required.contains(candidate) {
                return None;
            }
            values.insert(constant_of(object, candidate)?);
        }
        (values.len() == objects.len()).then(|| candidate.clone())
    })
}

/// The single allowed string value of `property`, if it is a one-value enum.
pub(super) fn constant_of(object: &ObjectType, property: &str) -> Option<String> {
    let ReferenceOr::Item(schema) = object.properties.get(property)? else {
        return None;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            let values = string_enum_values(string)?;
            (values.len() == 1).then(|| values[0].clone())
        }
        SchemaKind::Any(any) if any.enumeration.len() == 1 => any.enumeration[0].as_str().map(str::to_owned),
        _ => None,
    }
}

/// Untagged variants are tried in order: put the most specific first, so that a
/// looser variant (any JSON, a map, a string) cannot swallow a value meant for a
/// stricter one. The sort is stable, so equal ranks keep spec order.
pub(super) fn order_untagged(variants: &mut Vec<UntaggedVariant>, required_counts: &[usize]) {
    fn rank(ty: &TypeRef) -> u8 {
        match ty {
            TypeRef::Named(_) => 0,
            TypeRef::Integer { .. } | TypeRef::Bool => 1,
            TypeRef::Float { .. } => 2,
            TypeRef::DateTime | TypeRef::Date => 3,
            TypeRef::Vec(_) => 4,
            TypeRef::String | TypeRef::Bytes | TypeRef::Binary => 5,
            TypeRef::Option(inner) => rank(inner),
            TypeRef::Map(_) => 6,
            TypeRef::JsonObject => 7,
            TypeRef::Json | TypeRef::Unit => 8,
        }
    }
    // Among structs, the one with more required fields is stricter, so it goes first.
    let mut ranked: Vec<(u8, std::cmp::Reverse<usize>, UntaggedVariant)> = variants
        .drain(..)
        .zip(required_counts.iter().copied().chain(std::iter::repeat(0)))
        .map(|(variant, required)| (rank(&variant.ty), std::cmp::Reverse(required), variant))
        .collect();
    ranked.sort_by_key(|(rank, required, _)| (*rank, *required));
    variants.extend(ranked.into_iter().map(|(_, _, variant)| variant));
}

/// A readable variant name for an unnamed type.
pub(super) fn type_ref_label(ty: &TypeRef) -> Option<String> {
    Some(match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "Bool".into(),
        TypeRef::Integer { .. } => "Integer".into(),
        TypeRef::Float { .. } => "Number".into(),
        TypeRef::DateTime => "DateTime".into(),
        TypeRef::Date => "Date".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::JsonObject => "Object".into(),
        TypeRef::Bytes | TypeRef::Binary => "Bytes".into(),
        TypeRef::Vec(inner) => format!("{}List", type_ref_label(inner).unwrap_or_else(|| "Item".into())),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Option(inner) => type_ref_label(inner)?,
        TypeRef::Named(_) | TypeRef::Unit => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::build_for_test;
    use serde_json::json;

    fn variant(name: &str, ty: TypeRef) -> UntaggedVariant {
        UntaggedVariant { name: name.into(), ty }
    }

    #[test]
    fn untagged_variants_go_most_specific_first() {
        let mut variants = vec![
            variant("Any", TypeRef::Json),
            variant("Text", TypeRef::String),
            variant("Loose", TypeRef::Named(0)),
            variant("Strict", TypeRef::Named(1)),
            variant("Count", TypeRef::Integer { bits: 64, signed: true }),
            variant("Map", TypeRef::JsonObject),
        ];
        order_untagged(&mut variants, &[0, 0, 1, 3, 0, 0]);
        let order: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(order, ["Strict", "Loose", "Count", "Text", "Map", "Any"]);
    }

    #[test]
    fn union_shapes_prefer_enum_then_tag_then_untagged() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "Sort": {"oneOf": [{"type": "string", "enum": ["asc"]}, {"type": "string", "enum": ["desc"]}]},
            "Shape": {"oneOf": [
                {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["circle"]}, "r": {"type": "number"}}},
                {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["square"]}, "side": {"type": "number"}}}
            ]},
            "Mixed": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
        }}}));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let kind = |name: &str| &types.iter().find(|def| def.name == name).expect("exists").kind;
        assert!(matches!(kind("Sort"), TypeKind::StringEnum(values) if values.len() == 2));
        assert!(matches!(kind("Shape"), TypeKind::Tagged { tag, variants } if tag == "kind" && variants.len() == 2));
        assert!(
            matches!(kind("Mixed"), TypeKind::Untagged(variants) if variants[0].ty == TypeRef::Integer { bits: 64, signed: true })
        );
    }

    #[test]
    fn a_one_member_union_is_its_member() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
            "Holder": {"anyOf": [{"$ref": "#/components/schemas/Address"}]}
        }}}));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let address = types.iter().position(|def| def.name == "Address").expect("exists");
        let holder = types.iter().find(|def| def.name == "Holder").expect("exists");
        assert!(
            matches!(&holder.kind, TypeKind::Alias(TypeRef::Named(id)) if *id == address),
            "{:?}",
            holder.kind
        );
    }

    #[test]
    fn a_tag_needs_a_distinct_required_constant_in_every_member() {
        let objects: Vec<(ObjectType, Option<String>)> = [
            json!({"required": ["t"], "properties": {"t": {"type": "string", "enum": ["a"]}}}),
            json!({"required": ["t"], "properties": {"t": {"type": "string", "enum": ["b"]}}}),
        ]
        .into_iter()
        .map(|object| (serde_json::from_value(object).expect("object parses"), None))
        .collect();
        assert_eq!(infer_tag(&objects).as_deref(), Some("t"));
        let mut same = objects.clone();
        same[1] = same[0].clone();
        assert_eq!(
            infer_tag(&same),
            None,
            "two members with one value cannot be told apart"
        );
    }
}
