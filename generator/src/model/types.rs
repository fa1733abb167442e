//! Schemas → named types and type references.
//!
//! Component schemas get their names first (in document order), so adding an inline
//! schema never renames a component. Inline schemas that need a name (objects, string
//! enums, unions) are named from where they sit: `Campaign` + `scheduleHours` →
//! `CampaignScheduleHours`.

use crate::diagnostics::Diagnostic;
use crate::ir::{
    EnumValue, Field, Presence, StructDef, TaggedVariant, TypeDef, TypeId, TypeKind, TypeRef, UntaggedVariant,
};
use crate::naming::{pascal, snake, Namespace};
use crate::pointer::join;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerType, NumberType, ObjectType, OpenAPI, ReferenceOr, Schema, SchemaKind,
    StringType, Type, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeSet, HashMap};

/// A resolved type plus whether JSON `null` is allowed for it.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The type.
    pub ty: TypeRef,
    /// Whether the schema (or the component it refers to) is nullable.
    pub nullable: bool,
}

/// Formats we map to `String` on purpose (no diagnostic).
const STRING_FORMATS: &[&str] = &[
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

/// Builds [`TypeDef`]s from schemas.
pub struct TypeBuilder<'a> {
    document: &'a OpenAPI,
    pointed: &'a super::refs::PointedSchemas,
    /// Named types created for a `$ref` into the document, by target pointer, so the
    /// target's own schema (built in place later) reuses the same type.
    ref_targets: HashMap<String, TypeRef>,
    /// Every inline schema that got a name, by pointer, so a later `$ref` to it reuses it.
    named_at: HashMap<String, TypeId>,
    /// `$ref` targets being built (a pointer that refers back into itself).
    open_refs: Vec<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
    types: Vec<TypeDef>,
    names: Namespace,
    components: HashMap<String, TypeId>,
    component_nullable: HashMap<String, bool>,
    all_of_stack: Vec<String>,
    naming_stack: Vec<String>,
    depth: usize,
}

/// Deepest schema nesting followed before giving up (protects the stack).
const MAX_DEPTH: usize = 96;

impl<'a> TypeBuilder<'a> {
    /// A builder over `document`, reporting into `diagnostics`.
    pub fn new(
        document: &'a OpenAPI,
        pointed: &'a super::refs::PointedSchemas,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Self {
            document,
            pointed,
            ref_targets: HashMap::new(),
            named_at: HashMap::new(),
            open_refs: Vec::new(),
            diagnostics,
            types: Vec::new(),
            names: Namespace::for_types(),
            components: HashMap::new(),
            component_nullable: HashMap::new(),
            all_of_stack: Vec::new(),
            naming_stack: Vec::new(),
            depth: 0,
        }
    }

    /// The document being read.
    pub fn document(&self) -> &'a OpenAPI {
        self.document
    }

    /// The kind of type `id`, as built so far.
    pub fn kind_of(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(id).map(|def| &def.kind)
    }

    /// `String` when `ty` names an alias (or chain of aliases) of `String`, so such
    /// parameters accept `impl Into<String>` like plain strings; otherwise `ty`.
    pub fn unalias_string(&self, ty: TypeRef) -> TypeRef {
        let mut current = &ty;
        for _ in 0..16 {
            match current {
                TypeRef::Named(id) => match self.kind_of(*id) {
                    Some(TypeKind::Alias(inner)) => current = inner,
                    _ => return ty,
                },
                TypeRef::String => return TypeRef::String,
                _ => return ty,
            }
        }
        ty
    }

    /// Records a diagnostic.
    pub fn diagnose(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(pointer, message));
    }

    /// Reserves a name and id for every component schema.
    pub fn declare_components(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let pointer = join("/components/schemas", name);
            let rust_name = self.names.claim(pascal(name));
            let id = self.types.len();
            self.types.push(TypeDef {
                name: rust_name,
                doc: None,
                pointer,
                kind: TypeKind::Placeholder,
            });
            self.components.insert(name.clone(), id);
            let nullable = match schema {
                ReferenceOr::Item(schema) => schema.schema_data.nullable,
                ReferenceOr::Reference { .. } => false,
            };
            self.component_nullable.insert(name.clone(), nullable);
        }
    }

    /// Builds every component schema declared by [`Self::declare_components`].
    pub fn build_components(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let Some(&id) = self.components.get(name) else {
                continue;
            };
            let pointer = self.types[id].pointer.clone();
            let type_name = self.types[id].name.clone();
            let (doc, kind) = match schema {
                ReferenceOr::Reference { .. } => (None, TypeKind::Alias(self.resolve(schema, &pointer, &type_name).ty)),
                ReferenceOr::Item(schema) => {
                    let doc = schema_doc(schema);
                    (doc, self.named_kind(schema, &pointer, &type_name))
                }
            };
            self.types[id].doc = doc;
            self.types[id].kind = kind;
        }
    }

    /// Returns the finished types, with union tags removed from variant structs.
    pub fn finish(mut self) -> Vec<TypeDef> {
        for def in &mut self.types {
            if matches!(def.kind, TypeKind::Placeholder) {
                def.kind = TypeKind::Alias(TypeRef::Json);
            }
        }
        // Rust type aliases cannot refer to themselves. An alias that comes back to
        // itself through a container (`Tree = Vec<Tree>`) becomes a transparent
        // newtype, which can; one that only renames itself (`A = B`, `B = A`) has no
        // shape at all and becomes `serde_json::Value`.
        for id in 0..self.types.len() {
            let TypeKind::Alias(target) = &self.types[id].kind else {
                continue;
            };
            match alias_cycle(&self.types, id, target) {
                Some(true) => self.types[id].kind = TypeKind::Newtype(target.clone()),
                Some(false) => {
                    let pointer = self.types[id].pointer.clone();
                    self.diagnostics.push(Diagnostic::new(
                        pointer,
                        "$ref loop with no schema in it; used serde_json::Value",
                    ));
                    self.types[id].kind = TypeKind::Alias(TypeRef::Json);
                }
                None => {}
            }
        }
        self.types
    }

    /// The kind for a schema that gets its own name (a component or a named inline schema).
    fn named_kind(&mut self, schema: &Schema, pointer: &str, name: &str) -> TypeKind {
        if let Some(kind) = self.structural_kind(schema, pointer, name) {
            return kind;
        }
        // An `allOf` that did not merge was reported where it failed; resolving it
        // inline would only come back here.
        if matches!(&schema.schema_kind, SchemaKind::AllOf { all_of } if substantive(all_of).len() > 1) {
            return TypeKind::Alias(TypeRef::Json);
        }
        TypeKind::Alias(self.inline(schema, pointer, name).ty)
    }

    /// Kinds that define a new type (struct, enum, union); `None` for aliases.
    fn structural_kind(&mut self, schema: &Schema, pointer: &str, name: &str) -> Option<TypeKind> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() || object_is_closed(object) => {
                Some(TypeKind::Struct(self.struct_def(object, pointer, name)))
            }
            SchemaKind::Type(Type::String(string)) if string_enum_values(string).is_some() => Some(
                TypeKind::StringEnum(enum_values(&string_enum_values(string).unwrap_or_default())),
            ),
            SchemaKind::AllOf { all_of } if substantive(all_of).len() > 1 => self
                .merge_all_of(all_of, pointer)
                .map(|object| TypeKind::Struct(self.struct_def(&object, pointer, name))),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                Some(self.union_kind(schema, members, &join(pointer, key), name))
            }
            SchemaKind::Any(any) if any_string_enum(any).is_some() => Some(TypeKind::StringEnum(enum_values(
                &any_string_enum(any).unwrap_or_default(),
            ))),
            SchemaKind::Any(any) => {
                let object = any_as_object(any)?;
                if composed(any) {
                    self.diagnose(
                        pointer,
                        "`oneOf`/`anyOf`/`allOf` beside `properties` is not expressed; the struct has the schema's own properties only",
                    );
                }
                Some(TypeKind::Struct(self.struct_def(&object, pointer, name)))
            }
            _ => None,
        }
    }

    /// Resolves a schema (or reference) to a type, naming inline types from `hint`.
    pub fn resolve(&mut self, schema: &ReferenceOr<Schema>, pointer: &str, hint: &str) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.guarded_inline(schema, pointer, hint),
        }
    }

    /// [`Self::inline`] with a nesting limit.
    fn guarded_inline(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Resolved {
        if self.depth >= MAX_DEPTH {
            self.diagnose(
                pointer,
                format!("schema nesting deeper than {MAX_DEPTH} levels; used serde_json::Value"),
            );
            return Resolved {
                ty: TypeRef::Json,
                nullable: true,
            };
        }
        self.depth += 1;
        let resolved = self.inline(schema, pointer, hint);
        self.depth -= 1;
        resolved
    }

    /// Same as [`Self::resolve`] for boxed schemas.
    pub fn resolve_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, pointer: &str, hint: &str) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.guarded_inline(schema, pointer, hint),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> Resolved {
        if let Some(target) = self.pointed.get(reference) {
            return self.pointed_reference(reference, target, pointer);
        }
        let name = super::refs::component_name(reference, "schemas").map(super::refs::unescape);
        match name
            .as_ref()
            .and_then(|name| self.components.get(name).map(|id| (name.clone(), *id)))
        {
            Some((name, id)) => Resolved {
                ty: TypeRef::Named(id),
                nullable: self.component_nullable.get(&name).copied().unwrap_or(false),
            },
            None => {
                let message = if !reference.starts_with('#') {
                    format!("$ref {reference:?} points to another document; external references are not supported, so serde_json::Value is used")
                } else {
                    format!("$ref {reference:?} does not point to a schema in this document; used serde_json::Value")
                };
                self.diagnose(pointer, message);
                Resolved {
                    ty: TypeRef::Json,
                    nullable: true,
                }
            }
        }
    }

    /// A `$ref` to a schema inside the document (a component's property, a response's
    /// schema, …): typed like its target and named after the target's location, once
    /// per target.
    fn pointed_reference(&mut self, reference: &str, target: &'a ReferenceOr<Schema>, pointer: &str) -> Resolved {
        let at = reference.trim_start_matches('#').to_owned();
        let known =
            (self.ref_targets.get(&at).cloned()).or_else(|| self.named_at.get(&at).map(|id| TypeRef::Named(*id)));
        if let Some(ty) = known {
            return Resolved {
                ty,
                nullable: matches!(target, ReferenceOr::Item(schema) if schema.schema_data.nullable),
            };
        }
        if self.open_refs.contains(&at) {
            self.diagnose(
                pointer,
                format!("$ref {reference:?} refers back into itself; used serde_json::Value"),
            );
            return Resolved {
                ty: TypeRef::Json,
                nullable: true,
            };
        }
        self.open_refs.push(at.clone());
        let hint = super::refs::location_hint(&at);
        let resolved = self.resolve(target, &at, &hint);
        self.open_refs.pop();
        if matches!(resolved.ty, TypeRef::Named(_)) {
            self.ref_targets.insert(at, resolved.ty.clone());
        }
        resolved
    }

    /// Looks through `$ref`s to the schema they name (for allOf merging and unions).
    fn target<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<(&'s Schema, Option<String>)>
    where
        'a: 's,
    {
        let components: Option<&'s openapiv3::Components> = self.document.components.as_ref();
        // A `$ref` into the document: follow it (and any chain) to the schema there.
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Reference { reference } => match self.pointed.get(reference) {
                    Some(next) => current = next,
                    None => break,
                },
                ReferenceOr::Item(found) if !std::ptr::eq(current, schema) => return Some((found, None)),
                ReferenceOr::Item(_) => break,
            }
        }
        let (target, at) = super::refs::resolve(current, "", "schemas", components, |all| &all.schemas).ok()?;
        let component = match schema {
            ReferenceOr::Item(_) => None,
            ReferenceOr::Reference { .. } => at.strip_prefix("/components/schemas/").map(super::refs::unescape),
        };
        Some((target, component))
    }

    fn inline(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Resolved {
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if string_enum_values(string).is_some() {
                    self.new_named(schema, pointer, hint)
                } else {
                    self.string_type(string, pointer)
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if !integer.enumeration.is_empty() {
                    self.diagnose(
                        pointer,
                        "integer `enum`/`const` values are not enforced; the type is a plain integer",
                    );
                }
                integer_type(integer)
            }
            SchemaKind::Type(Type::Number(number)) => {
                if let VariantOrUnknownOrEmpty::Unknown(format) = &number.format {
                    if !matches!(format.as_str(), "decimal" | "int32" | "int64" | "integer" | "number") {
                        self.diagnose(
                            join(pointer, "format"),
                            format!("unknown number format {format:?}; used f64"),
                        );
                    }
                }
                number_type(number)
            }
            SchemaKind::Type(Type::Boolean(boolean)) if !boolean.enumeration.is_empty() => {
                self.diagnose(
                    pointer,
                    "boolean `enum`/`const` values are not enforced; the type is bool",
                );
                TypeRef::Bool
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.resolve_boxed(items, &join(pointer, "items"), &format!("{hint}Item"));
                    TypeRef::Vec(Box::new(wrap_nullable(item)))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                if !object.properties.is_empty() || object_is_closed(object) {
                    self.new_named(schema, pointer, hint)
                } else {
                    self.map_type(object.additional_properties.as_ref(), pointer, hint)
                }
            }
            SchemaKind::AllOf { all_of } if substantive(all_of).len() == 1 => {
                let (index, member) = substantive(all_of)[0];
                let inner = self.resolve(member, &format!("{pointer}/allOf/{index}"), hint);
                return Resolved {
                    ty: inner.ty,
                    nullable: nullable || inner.nullable,
                };
            }
            SchemaKind::AllOf { all_of } if substantive(all_of).is_empty() => TypeRef::Json,
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                self.new_named(schema, pointer, hint)
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => return self.any_schema(schema, any, pointer, hint),
        };
        Resolved { ty, nullable }
    }

    fn any_schema(&mut self, schema: &Schema, any: &AnySchema, pointer: &str, hint: &str) -> Resolved {
        let nullable = schema.schema_data.nullable;
        if composed(any) && any_as_object(any).is_none() {
            let kind = any.typ.as_deref().unwrap_or("untyped");
            self.diagnose(
                pointer,
                format!("`oneOf`/`anyOf`/`allOf` beside `type: {kind}` and other keywords is not expressed; the members are ignored"),
            );
        }
        let ty = if any_as_object(any).is_some() {
            self.new_named(schema, pointer, hint)
        } else if let Some(items) = &any.items {
            let item = self.resolve_boxed(items, &join(pointer, "items"), &format!("{hint}Item"));
            TypeRef::Vec(Box::new(wrap_nullable(item)))
        } else {
            match any.typ.as_deref() {
                Some("integer") => {
                    if any.minimum.is_some_and(|min| min >= 0.0)
                        || (any.minimum.is_none() && any.maximum.is_some_and(|max| max > i64::MAX as f64))
                    {
                        TypeRef::Integer {
                            bits: 64,
                            signed: false,
                        }
                    } else {
                        TypeRef::Integer { bits: 64, signed: true }
                    }
                }
                Some("number") => TypeRef::Float { bits: 64 },
                // A string enum that `openapiv3` could not read as one because of other
                // keywords beside it (or a `null` member): still an enum.
                Some("string") if any_string_enum(any).is_some() => self.new_named(schema, pointer, hint),
                Some("string") => {
                    let odd: Vec<String> = any
                        .enumeration
                        .iter()
                        .filter(|value| !value.is_string() && !value.is_null())
                        .map(ToString::to_string)
                        .collect();
                    if !odd.is_empty() {
                        self.diagnose(
                            join(pointer, "enum"),
                            format!("string enum lists non-string values ({}); used String", odd.join(", ")),
                        );
                    }
                    TypeRef::String
                }
                Some("boolean") => TypeRef::Bool,
                Some("object") => self.map_type(any.additional_properties.as_ref(), pointer, hint),
                Some("array") => TypeRef::Vec(Box::new(TypeRef::Json)),
                Some(other) => {
                    self.diagnose(pointer, format!("unknown type {other:?}; used serde_json::Value"));
                    TypeRef::Json
                }
                None => TypeRef::Json,
            }
        };
        Resolved { ty, nullable }
    }

    fn new_named(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        // Already built because a `$ref` pointed here first.
        if let Some(ty) = self.ref_targets.get(pointer) {
            return ty.clone();
        }
        if self.naming_stack.iter().any(|open| open == pointer) {
            self.diagnose(
                pointer,
                "schema could not be expressed as a Rust type; used serde_json::Value",
            );
            return TypeRef::Json;
        }
        self.naming_stack.push(pointer.to_owned());
        let ty = self.new_named_unguarded(schema, pointer, hint);
        self.naming_stack.pop();
        ty
    }

    fn new_named_unguarded(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        let name = self.names.claim(pascal(hint));
        let id = self.types.len();
        self.named_at.entry(pointer.to_owned()).or_insert(id);
        self.types.push(TypeDef {
            name: name.clone(),
            doc: schema_doc(schema),
            pointer: pointer.to_owned(),
            kind: TypeKind::Placeholder,
        });
        let kind = self.named_kind(schema, pointer, &name);
        self.types[id].kind = kind;
        TypeRef::Named(id)
    }

    fn string_type(&mut self, string: &StringType, pointer: &str) -> TypeRef {
        match &string.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => TypeRef::DateTime,
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => TypeRef::Date,
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => TypeRef::Binary,
            VariantOrUnknownOrEmpty::Item(_) | VariantOrUnknownOrEmpty::Empty => TypeRef::String,
            VariantOrUnknownOrEmpty::Unknown(format) => {
                if !STRING_FORMATS.contains(&format.as_str()) {
                    self.diagnose(
                        join(pointer, "format"),
                        format!("unknown string format {format:?}; used String"),
                    );
                }
                TypeRef::String
            }
        }
    }

    fn map_type(&mut self, additional: Option<&AdditionalProperties>, pointer: &str, hint: &str) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.resolve(schema, &join(pointer, "additionalProperties"), &format!("{hint}Value"));
                TypeRef::Map(Box::new(wrap_nullable(value)))
            }
            _ => TypeRef::JsonObject,
        }
    }

    fn struct_def(&mut self, object: &ObjectType, pointer: &str, name: &str) -> StructDef {
        let mut fields = Vec::new();
        // The flattened map of extra members is a field too.
        let mut field_names = Namespace::with_reserved(&["additional_properties"]);
        for (wire, property) in &object.properties {
            let property_pointer = join(&join(pointer, "properties"), wire);
            let hint = format!("{name}{}", pascal(wire));
            let resolved = self.resolve_boxed(property, &property_pointer, &hint);
            let required = object.required.iter().any(|item| item == wire);
            let presence = match (required, resolved.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let doc = match property {
                ReferenceOr::Item(schema) => schema_doc(schema).or_else(|| annotation_doc(schema)),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                wire: wire.clone(),
                name: field_names.claim(snake(wire)),
                ty: resolved.ty,
                presence,
                doc,
            });
        }
        let additional = match &object.additional_properties {
            Some(AdditionalProperties::Schema(schema)) if !object.properties.is_empty() => {
                let value = self.resolve(schema, &join(pointer, "additionalProperties"), &format!("{name}Value"));
                Some(wrap_nullable(value))
            }
            Some(AdditionalProperties::Any(true)) if !object.properties.is_empty() => Some(TypeRef::Json),
            _ => None,
        };
        StructDef { fields, additional }
    }

    /// Merges `allOf` members into one object; `None` (with a diagnostic) when a
    /// member is not an object.
    fn merge_all_of(&mut self, members: &[ReferenceOr<Schema>], pointer: &str) -> Option<ObjectType> {
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

    /// When every member is a string enum (a `oneOf` of documented constants), all
    /// their values in order, so the union becomes one open enum.
    fn string_enum_members(&mut self, members: &[ReferenceOr<Schema>]) -> Option<Vec<String>> {
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

    /// True when every substantive `allOf` member is (or refers to) an object schema,
    /// checked without reporting anything.
    fn all_of_is_object(&self, members: &[ReferenceOr<Schema>]) -> bool {
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

    fn union_kind(&mut self, schema: &Schema, members: &[ReferenceOr<Schema>], pointer: &str, name: &str) -> TypeKind {
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
        order_untagged(&mut variants, &required_counts);
        TypeKind::Untagged(variants)
    }

    /// A union whose members are objects with a distinct constant value in one
    /// property: the spec's `discriminator`, or inferred.
    fn tagged_union(
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

/// Whether alias `id` (of `target`) reaches itself again through aliases only:
/// `Some(true)` when a container (`Vec`, map, `Option`) lies on the way, `Some(false)`
/// for a bare loop of names, `None` when there is no loop.
fn alias_cycle(types: &[TypeDef], id: TypeId, target: &TypeRef) -> Option<bool> {
    fn walk(types: &[TypeDef], id: TypeId, ty: &TypeRef, contained: bool, seen: &mut Vec<TypeId>) -> Option<bool> {
        match ty {
            TypeRef::Named(next) if *next == id => Some(contained),
            TypeRef::Named(next) => {
                if seen.contains(next) {
                    return None;
                }
                seen.push(*next);
                match &types.get(*next)?.kind {
                    TypeKind::Alias(inner) => walk(types, id, inner, contained, seen),
                    _ => None,
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => walk(types, id, inner, true, seen),
            _ => None,
        }
    }
    walk(types, id, target, false, &mut Vec::new())
}

/// `allOf` members that constrain the value, with their indexes: members that only
/// annotate (a lone `description`, `title`, `nullable`, …) are left out.
fn substantive(members: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
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

/// A property present and required in every member, with one constant string value
/// per member, all distinct.
fn infer_tag(objects: &[(ObjectType, Option<String>)]) -> Option<String> {
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
fn constant_of(object: &ObjectType, property: &str) -> Option<String> {
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
fn order_untagged(variants: &mut Vec<UntaggedVariant>, required_counts: &[usize]) {
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
fn type_ref_label(ty: &TypeRef) -> Option<String> {
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

/// Wraps in `Option` when null is allowed (for items and map values).
pub fn wrap_nullable(resolved: Resolved) -> TypeRef {
    if resolved.nullable && !matches!(resolved.ty, TypeRef::Json) {
        TypeRef::Option(Box::new(resolved.ty))
    } else {
        resolved.ty
    }
}

fn string_enum_values(string: &StringType) -> Option<Vec<String>> {
    let values: Vec<String> = string.enumeration.iter().flatten().cloned().collect();
    (!values.is_empty()).then_some(values)
}

fn enum_values(values: &[String]) -> Vec<EnumValue> {
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

fn object_is_closed(object: &ObjectType) -> bool {
    matches!(object.additional_properties, Some(AdditionalProperties::Any(false)))
}

/// Reads an untyped schema that has object keywords as an object.
fn any_as_object(any: &AnySchema) -> Option<ObjectType> {
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
fn any_string_enum(any: &AnySchema) -> Option<Vec<String>> {
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
fn composed(any: &AnySchema) -> bool {
    !any.all_of.is_empty() || !any.one_of.is_empty() || !any.any_of.is_empty()
}

/// An untyped `allOf` member that only says object things (`{required: [a]}`,
/// `{properties: …}`, `{additionalProperties: false}`), read as an object to merge.
fn object_part(any: &AnySchema) -> Option<ObjectType> {
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

fn integer_type(integer: &IntegerType) -> TypeRef {
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
        _ => (64, integer.minimum.is_none_or(|min| min < 0)),
    };
    TypeRef::Integer { bits, signed }
}

fn number_type(number: &NumberType) -> TypeRef {
    match &number.format {
        VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::Float { bits: 32 },
        _ => TypeRef::Float { bits: 64 },
    }
}

/// The description carried by an annotation-only `allOf` member (`allOf: [{$ref}, {description}]`).
fn annotation_doc(schema: &Schema) -> Option<String> {
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
