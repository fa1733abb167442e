//! `allOf` merging: the members of an `allOf` (and what they refer to) become one
//! object schema, which is then built like any other struct.
//!
//! How members merge, and why:
//! - Members that only annotate (a lone `description`, `title`, …) are skipped: they
//!   change the docs, not the shape ([`substantive`]).
//! - Properties are unioned in member order, so fields appear base-first the way
//!   `allOf: [Base, {extra}]` reads; when two members declare one property
//!   differently, the later declaration wins (it is usually the refinement) and a
//!   diagnostic says so, because the spec itself is ambiguous there.
//! - `required` is the union of every member's list: JSON Schema requires what *any*
//!   member requires.
//! - The first member that says anything about `additionalProperties` decides it.
//! - A member that is not an object (a string, a `oneOf`, …) cannot be merged into a
//!   struct: the whole schema falls back to `serde_json::Value`, with a diagnostic at
//!   that member.
//! - Loops (`A: allOf [B]`, `B: allOf [A]`) are cut at the member that closes them.

use super::keywords::any_as_object;
use super::types::TypeBuilder;
use openapiv3::{AnySchema, ObjectType, ReferenceOr, Schema, SchemaKind, Type};

impl TypeBuilder<'_> {
    /// Merges `allOf` members into one object; `None` (with a diagnostic) when a
    /// member is not an object.
    pub(super) fn merge_all_of(&mut self, members: &[ReferenceOr<Schema>], pointer: &str) -> Option<ObjectType> {
        let mut merged = ObjectType::default();
        for (index, member) in substantive(members) {
            let member_pointer = format!("{pointer}/allOf/{index}");
            let Some((schema, component)) = self.target(member) else {
                self.diagnose(&member_pointer, "allOf member $ref does not resolve; member ignored");
                continue;
            };
            if let Some(component) = &component {
                if self.all_of_stack.contains(component) {
                    self.diagnose(
                        &member_pointer,
                        format!("allOf loops back to {component:?}; member ignored"),
                    );
                    continue;
                }
                self.all_of_stack.push(component.clone());
            }
            let part = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => Some(object.clone()),
                SchemaKind::AllOf { all_of } => self.merge_all_of(all_of, &member_pointer),
                SchemaKind::Any(any) => object_part(any),
                _ => None,
            };
            if component.is_some() {
                self.all_of_stack.pop();
            }
            let Some(part) = part else {
                self.diagnose(
                    &member_pointer,
                    "allOf member is not an object schema; merged type falls back to serde_json::Value",
                );
                return None;
            };
            for (key, value) in part.properties {
                if let Some(previous) = merged.properties.get(&key) {
                    if *previous != value {
                        self.diagnose(
                            &member_pointer,
                            format!("property {key:?} is declared differently by several allOf members; the last declaration is used"),
                        );
                    }
                }
                merged.properties.insert(key, value);
            }
            for key in part.required {
                if !merged.required.contains(&key) {
                    merged.required.push(key);
                }
            }
            if merged.additional_properties.is_none() {
                merged.additional_properties = part.additional_properties;
            }
        }
        Some(merged)
    }

    /// True when every substantive `allOf` member is (or refers to) an object schema,
    /// checked without reporting anything.
    pub(super) fn all_of_is_object(&self, members: &[ReferenceOr<Schema>]) -> bool {
        substantive(members)
            .into_iter()
            .all(|(_, member)| match self.target(member) {
                Some((schema, _)) => match &schema.schema_kind {
                    SchemaKind::Type(Type::Object(_)) => true,
                    SchemaKind::Any(any) => any_as_object(any).is_some(),
                    _ => false,
                },
                None => false,
            })
    }
}

/// `allOf` members that constrain the value, with their indexes: members that only
/// annotate (a lone `description`, `title`, `nullable`, …) are left out.
pub(super) fn substantive(members: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    members
        .iter()
        .enumerate()
        .filter(|(_, member)| match member {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(schema) => {
                !matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
            }
        })
        .collect()
}

/// An untyped `allOf` member that only says object things (`{required: [a]}`,
/// `{properties: …}`, `{additionalProperties: false}`), read as an object to merge.
pub(super) fn object_part(any: &AnySchema) -> Option<ObjectType> {
    let only_object_keywords = matches!(any.typ.as_deref(), None | Some("object"))
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
        && any.format.is_none()
        && any.pattern.is_none();
    only_object_keywords.then(|| ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Presence, TypeDef, TypeKind};
    use crate::model::types::build_for_test;
    use serde_json::json;

    fn fields(types: &[TypeDef], name: &str) -> Vec<(String, Presence)> {
        let def = types.iter().find(|def| def.name == name).expect("type exists");
        match &def.kind {
            TypeKind::Struct(def) => def
                .fields
                .iter()
                .map(|field| (field.wire.clone(), field.presence))
                .collect(),
            other => panic!("{name} is not a struct: {other:?}"),
        }
    }

    #[test]
    fn members_merge_in_order_and_required_is_the_union() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "note": {"type": "string"}}},
            "Child": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"description": "annotation only"},
                {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                {"required": ["note"]}
            ]}
        }}}));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            fields(&types, "Child"),
            [
                ("id".to_owned(), Presence::Required),
                ("note".to_owned(), Presence::Required),
                ("name".to_owned(), Presence::Required)
            ]
        );
    }

    #[test]
    fn conflicting_declarations_keep_the_later_one_and_say_so() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "C": {"allOf": [
                {"type": "object", "properties": {"v": {"type": "string"}}},
                {"type": "object", "properties": {"v": {"type": "integer"}}}
            ]}
        }}}));
        let TypeKind::Struct(def) = &types[0].kind else {
            panic!("not a struct")
        };
        assert_eq!(def.fields[0].ty, crate::ir::TypeRef::Integer { bits: 64, signed: true });
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].pointer, "/components/schemas/C/allOf/1");
    }

    #[test]
    fn a_non_object_member_or_a_loop_is_reported_at_the_member() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "S": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "string"}]}
        }}}));
        assert!(matches!(types[0].kind, TypeKind::Alias(crate::ir::TypeRef::Json)));
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].pointer, "/components/schemas/S/allOf/1");

        let (_, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"b": {"type": "string"}}}]}
        }}}));
        assert!(
            diagnostics.iter().any(|d| d.message.contains("loops back")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn annotation_only_members_are_not_substantive() {
        let members: Vec<ReferenceOr<Schema>> = serde_json::from_value(json!([
            {"description": "only docs"}, {"$ref": "#/components/schemas/X"}, {"type": "object"}
        ]))
        .expect("members parse");
        let kept: Vec<usize> = substantive(&members).into_iter().map(|(index, _)| index).collect();
        assert_eq!(kept, [1, 2]);
    }
}
