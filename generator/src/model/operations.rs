//! Paths → operations: parameters, request body, success response, pagination.

use super::extras::Extras;
use super::refs;
use super::types::{wrap_nullable, TypeBuilder};
use crate::ir::{
    BodyEncoding, ErrorEnum, ErrorStatus, ErrorVariant, Operation, Param, ParamLocation, QueryStyle, RequestBody,
    ResponseBody, StatusEnum, StatusVariant, StreamForm, StreamKind, TypeRef,
};
use crate::naming::{pascal, snake, Namespace};
use crate::pointer::join;
use openapiv3::{
    AdditionalProperties, MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Response, Schema,
    SchemaKind, StatusCode, Type,
};

/// Methods `Client` defines itself; operations get another name.
const CLIENT_METHODS: &[&str] = &["new", "builder", "raw", "base_url", "clone", "from", "request"];

/// Builds every operation (the path items' own methods, then the `extras` of other
/// methods); returns them, the number found, and the shared error type.
pub fn build(
    document: &OpenAPI,
    extras: &Extras,
    types: &mut TypeBuilder<'_>,
) -> (Vec<Operation>, usize, Option<TypeRef>) {
    let mut operations = Vec::new();
    // Operations of other methods that could not be read count as found.
    let mut total = extras.skipped;
    let mut method_names = Namespace::with_reserved(CLIENT_METHODS);
    let mut builder_names = Namespace::for_types_and(crate::emit::client::IMPORTED_NAMES);
    let mut error_types: Vec<TypeRef> = Vec::new();
    let mut operation_errors: Vec<Vec<ErrorVariant>> = Vec::new();
    let mut untyped_errors = false;
    for (path, item) in document.paths.paths.iter() {
        let path_pointer = join("/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                types.diagnose(
                    &path_pointer,
                    format!("path item $ref {reference:?} is not supported; path skipped"),
                );
                continue;
            }
        };
        let own = item
            .iter()
            .map(|(method, operation)| (method.to_owned(), join(&path_pointer, method), operation));
        let others = extras
            .operations
            .get(path)
            .into_iter()
            .flatten()
            .map(|extra| (extra.method.clone(), extra.pointer.clone(), &extra.operation));
        for (method, pointer, operation) in own.chain(others) {
            let method = method.as_str();
            total += 1;
            let operation_id = operation
                .operation_id
                .clone()
                .filter(|id| !id.trim().is_empty())
                .unwrap_or_else(|| derived_operation_id(method, path));
            let method_name = method_names.claim(snake(&operation_id));
            let builder_name = builder_names.claim(pascal(&operation_id));
            // Types of this operation are named after the builder, a unique prefix.
            let type_prefix = builder_name.clone();
            let paginated = operation.extensions.contains_key("x-pagination");
            let mut params = parameters(
                document,
                types,
                (&item.parameters, &operation.parameters),
                &pointer,
                &type_prefix,
                paginated,
            );
            add_missing_path_params(types, path, &pointer, &mut params);
            let body = operation.request_body.as_ref().and_then(|body| {
                request_body(
                    document,
                    extras,
                    types,
                    body,
                    &join(&pointer, "requestBody"),
                    &type_prefix,
                )
            });
            let (mut success, stream, errors) = responses(
                document,
                extras,
                types,
                &operation.responses,
                &join(&pointer, "responses"),
                &type_prefix,
                "",
            );
            if let ResponseBody::ByStatus(status_enum) = &mut success {
                status_enum.name = builder_names.claim(format!("{builder_name}Response"));
            }
            let mut typed_errors = Vec::new();
            for (status, name, ty, doc) in errors {
                match ty {
                    Some(ty) => {
                        if !error_types.contains(&ty) {
                            error_types.push(ty.clone())
                        }
                        typed_errors.push(ErrorVariant { status, name, ty, doc });
                    }
                    None => untyped_errors = true,
                }
            }
            operation_errors.push(typed_errors);
            let pagination = super::pagination::pagination(
                types,
                operation.extensions.get("x-pagination"),
                &pointer,
                &params,
                &success,
            );
            operations.push(Operation {
                operation_id,
                method_name,
                builder_name,
                http_method: method.to_ascii_uppercase(),
                path: path.clone(),
                pointer,
                summary: operation.summary.clone(),
                description: operation.description.clone(),
                deprecated: operation.deprecated,
                params,
                body,
                success,
                stream,
                pagination,
                error_enum: None,
                tag: operation.tags.first().cloned(),
                feature: None,
                security: None,
            });
        }
    }
    let error_type = match (error_types.len(), untyped_errors) {
        (1, _) => error_types.pop(),
        _ => None,
    };
    // Operations whose error bodies are not all the crate-wide type get a typed enum,
    // named in document order so names stay stable.
    for (operation, variants) in operations.iter_mut().zip(operation_errors) {
        if variants.is_empty() || variants.iter().all(|variant| Some(&variant.ty) == error_type.as_ref()) {
            continue;
        }
        operation.error_enum = Some(ErrorEnum {
            name: builder_names.claim(format!("{}Error", operation.builder_name)),
            variants,
        });
    }
    (operations, total, error_type)
}

/// `get /pets/{petId}` → `get_pets_pet_id`.
fn derived_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        id.push('_');
        id.push_str(segment.trim_start_matches('{').trim_end_matches('}'));
    }
    id
}

/// Parameter lists declared on the path item and on the operation.
type ParameterLists<'d> = (&'d [ReferenceOr<Parameter>], &'d [ReferenceOr<Parameter>]);

fn parameters(
    document: &OpenAPI,
    types: &mut TypeBuilder<'_>,
    (path_level, operation_level): ParameterLists<'_>,
    pointer: &str,
    prefix: &str,
    paginated: bool,
) -> Vec<Param> {
    let path_pointer = pointer
        .rsplit_once('/')
        .map(|(head, _)| head.to_owned())
        .unwrap_or_default();
    let mut collected: Vec<(&Parameter, String)> = Vec::new();
    let sources = [
        (path_level, format!("{path_pointer}/parameters")),
        (operation_level, join(pointer, "parameters")),
    ];
    for (list, list_pointer) in &sources {
        for (index, parameter) in list.iter().enumerate() {
            let here = format!("{list_pointer}/{index}");
            match refs::resolve(parameter, &here, "parameters", document.components.as_ref(), |c| {
                &c.parameters
            }) {
                Ok((parameter, at)) => {
                    let data = parameter.parameter_data_ref();
                    collected.retain(|(existing, _)| {
                        let existing_data = existing.parameter_data_ref();
                        !(existing_data.name == data.name && location(existing) == location(parameter))
                    });
                    collected.push((parameter, at));
                }
                Err(message) => types.diagnose(&here, format!("{message}; parameter skipped")),
            }
        }
    }
    let mut names = Namespace::with_reserved(&[
        "client",
        "options",
        "body",
        "send",
        "header",
        "timeout",
        "max_retries",
        "idempotency_key",
        "send_with_response",
        "into_future",
        "encode_request",
        "decode_response",
        "stream",
        "stream_with_response",
        "extra_query",
        "extra_body_member",
    ]);
    if paginated {
        // The builder's stream methods; a query parameter `items` gets `items2`.
        names.claim("pages".into());
        names.claim("items".into());
    }
    let mut params = Vec::new();
    for (parameter, at) in collected {
        let data = parameter.parameter_data_ref();
        let loc = location(parameter);
        let hint = format!("{prefix}{}", pascal(&data.name));
        let (ty, pattern) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let resolved = types.resolve(schema, &join(&at, "schema"), &hint);
                let pattern = string_pattern(document, types, schema, &join(&at, "schema"));
                (types.unalias_string(wrap_param(resolved)), pattern)
            }
            ParameterSchemaOrContent::Content(_) => {
                types.diagnose(
                    &at,
                    format!(
                        "parameter {:?} uses `content`; sent as JSON text of serde_json::Value",
                        data.name
                    ),
                );
                (TypeRef::Json, None)
            }
        };
        let style = match parameter {
            Parameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => QueryStyle::Form(data.explode.unwrap_or(true)),
                openapiv3::QueryStyle::SpaceDelimited => QueryStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => QueryStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
            },
            _ => QueryStyle::Form(true),
        };
        params.push(Param {
            wire: data.name.clone(),
            name: names.claim(snake(&data.name)),
            location: loc,
            required: data.required || loc == ParamLocation::Path,
            ty,
            style,
            pattern,
            doc: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
        });
    }
    params
}

fn wrap_param(resolved: super::types::Resolved) -> TypeRef {
    // A nullable parameter is simply optional to send.
    resolved.ty
}

fn location(parameter: &Parameter) -> ParamLocation {
    match parameter {
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// The `pattern` of a string parameter, when it compiles as a Rust regex.
fn string_pattern(
    document: &OpenAPI,
    types: &mut TypeBuilder<'_>,
    schema: &ReferenceOr<Schema>,
    pointer: &str,
) -> Option<String> {
    let (schema, at) = refs::resolve(schema, pointer, "schemas", document.components.as_ref(), |c| &c.schemas).ok()?;
    let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
        return None;
    };
    let pattern = string.pattern.clone()?;
    match regex::Regex::new(&pattern) {
        Ok(_) => Some(pattern),
        Err(_) => {
            types.diagnose(
                join(&at, "pattern"),
                format!("pattern {pattern:?} is not a valid Rust regex; values are not checked"),
            );
            None
        }
    }
}

fn add_missing_path_params(types: &mut TypeBuilder<'_>, path: &str, pointer: &str, params: &mut Vec<Param>) {
    for name in path_template_names(path) {
        if !params
            .iter()
            .any(|param| param.location == ParamLocation::Path && param.wire == name)
        {
            types.diagnose(
                pointer,
                format!("path parameter {name:?} is not declared; added as a required String"),
            );
            let mut names = Namespace::default();
            for param in params.iter() {
                names.claim(param.name.clone());
            }
            params.push(Param {
                wire: name.clone(),
                name: names.claim(snake(&name)),
                location: ParamLocation::Path,
                required: true,
                ty: TypeRef::String,
                style: QueryStyle::Form(true),
                pattern: None,
                doc: None,
                deprecated: false,
            });
        }
    }
    params.retain(|param| param.location != ParamLocation::Path || path_template_names(path).contains(&param.wire));
}

/// The `{name}` placeholders of a path template, in order.
pub fn path_template_names(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        names.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    names
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*" || essence == "application/*"
}

fn request_body(
    document: &OpenAPI,
    extras: &Extras,
    types: &mut TypeBuilder<'_>,
    body: &ReferenceOr<openapiv3::RequestBody>,
    pointer: &str,
    prefix: &str,
) -> Option<RequestBody> {
    let (body, at) = match refs::resolve(body, pointer, "requestBodies", document.components.as_ref(), |c| {
        &c.request_bodies
    }) {
        Ok(found) => found,
        Err(message) => {
            types.diagnose(pointer, format!("{message}; request body skipped"));
            return None;
        }
    };
    let choice = body
        .content
        .iter()
        .map(|(media_type, content)| (media_type, content, body_encoding(media_type)))
        .filter(|(_, _, encoding)| encoding.is_some())
        .min_by_key(|(_, _, encoding)| encoding.map(|(rank, _)| rank));
    let Some((media_type, content, Some((_, encoding)))) = choice else {
        if !body.content.is_empty() {
            let listed: Vec<&str> = body.content.keys().map(String::as_str).collect();
            types.diagnose(
                &at,
                format!("no supported media type among {listed:?}; request body skipped"),
            );
        }
        return None;
    };
    for other in body.content.keys().filter(|other| *other != media_type) {
        types.diagnose(
            join(&join(&at, "content"), other),
            format!("request media type {other:?} not generated; {media_type:?} is used"),
        );
    }
    let content_pointer = join(&join(&at, "content"), media_type);
    if extras.item_schemas.contains_key(&content_pointer) {
        types.diagnose(
            join(&content_pointer, "itemSchema"),
            "a sequential request body (itemSchema) is not generated item by item; the body is sent whole",
        );
    }
    let ty = match (encoding, &content.schema) {
        (BodyEncoding::Bytes, _) => TypeRef::Bytes,
        (BodyEncoding::Text, _) => TypeRef::String,
        (_, Some(schema)) => {
            wrap_nullable(types.resolve(schema, &join(&content_pointer, "schema"), &format!("{prefix}Request")))
        }
        (_, None) => TypeRef::Json,
    };
    let empty_object = encoding == BodyEncoding::Json
        && content
            .schema
            .as_ref()
            .is_some_and(|schema| is_empty_object(document, schema));
    let mut json_form_fields = Vec::new();
    if encoding == BodyEncoding::Form {
        for (field, field_encoding) in &content.encoding {
            match field_encoding.content_type.as_deref() {
                Some(content_type) if is_json(content_type) => json_form_fields.push(field.clone()),
                Some(content_type) if !content_type.starts_with("text/plain") => types.diagnose(
                    join(&join(&content_pointer, "encoding"), field),
                    format!(
                        "form field encoding {content_type:?} is not supported; the field is sent in bracket notation"
                    ),
                ),
                _ => {}
            }
        }
    }
    Some(RequestBody {
        media_type: media_type.clone(),
        encoding,
        ty,
        required: body.required,
        empty_object,
        json_form_fields,
        doc: body.description.clone(),
    })
}

/// Rank (lower is preferred) and encoding of a request media type we can send.
fn body_encoding(media_type: &str) -> Option<(u8, BodyEncoding)> {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if is_json(&essence) {
        Some((0, BodyEncoding::Json))
    } else if essence == "application/x-www-form-urlencoded" {
        Some((1, BodyEncoding::Form))
    } else if essence == "multipart/form-data" {
        Some((2, BodyEncoding::Multipart))
    } else if essence.starts_with("text/") {
        Some((3, BodyEncoding::Text))
    } else if essence == "application/octet-stream"
        || essence.starts_with("image/")
        || essence.starts_with("audio/")
        || essence.starts_with("video/")
        || essence == "application/pdf"
        || essence == "application/zip"
    {
        Some((2, BodyEncoding::Bytes))
    } else if essence.starts_with("application/") && !essence.contains("xml") {
        // Other binary formats (`application/x-tar`, `application/gzip`, …): bytes as given.
        Some((4, BodyEncoding::Bytes))
    } else {
        None
    }
}

/// A closed object with no properties: the body is always `{}`.
fn is_empty_object(document: &OpenAPI, schema: &ReferenceOr<Schema>) -> bool {
    let Ok((schema, _)) = refs::resolve(schema, "", "schemas", document.components.as_ref(), |c| &c.schemas) else {
        return false;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.is_empty()
                && (matches!(object.additional_properties, Some(AdditionalProperties::Any(false)))
                    || object.max_properties == Some(0))
        }
        _ => false,
    }
}

/// A documented error response: statuses, variant name, JSON type (`None` without a
/// JSON schema) and description.
type ErrorResponse = (ErrorStatus, String, Option<TypeRef>, Option<String>);

/// The success body, the streaming form of a streamed success media type, and for
/// each documented error response its JSON type (`None` when it has no JSON schema).
fn responses(
    document: &OpenAPI,
    extras: &Extras,
    types: &mut TypeBuilder<'_>,
    responses: &openapiv3::Responses,
    pointer: &str,
    prefix: &str,
    status_enum_name: &str,
) -> (ResponseBody, Option<StreamForm>, Vec<ErrorResponse>) {
    let mut success: Option<ResponseBody> = None;
    let mut streams: Option<StreamForm> = None;
    let mut successes: Vec<StatusVariant> = Vec::new();
    let mut errors = Vec::new();
    let mut entries: Vec<(&StatusCode, &ReferenceOr<Response>)> = responses.responses.iter().collect();
    entries.sort_by_key(|(code, _)| match code {
        StatusCode::Code(code) => *code * 10,
        StatusCode::Range(range) => *range * 1000 + 999,
    });
    for (code, response) in entries {
        let key = code.to_string();
        let response_pointer = join(pointer, &key);
        let (response, at) = match refs::resolve(
            response,
            &response_pointer,
            "responses",
            document.components.as_ref(),
            |c| &c.responses,
        ) {
            Ok(found) => found,
            Err(message) => {
                types.diagnose(&response_pointer, format!("{message}; response ignored"));
                continue;
            }
        };
        let is_success = match code {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        };
        if is_success {
            let hint = if successes.is_empty() {
                format!("{prefix}Response")
            } else {
                format!("{prefix}Response{key}")
            };
            let (body, stream) = response_body(extras, types, response, &at, &hint);
            if streams.is_none() {
                streams = stream;
            }
            // Among several success bodies, a streamed one is read whole; its
            // streaming form is the operation's `.stream()`.
            let body = match body {
                ResponseBody::Stream(_) => ResponseBody::Text,
                body => body,
            };
            let status = match code {
                StatusCode::Code(code) => Some(*code),
                StatusCode::Range(_) => None,
            };
            successes.push(StatusVariant {
                status,
                name: format!("Status{}", key.to_ascii_lowercase()),
                body: Box::new(body),
                doc: Some(response.description.clone()).filter(|text| !text.trim().is_empty()),
            });
        } else {
            let status = match code {
                StatusCode::Code(code) => ErrorStatus::Code(*code),
                StatusCode::Range(range) => ErrorStatus::Range(*range),
            };
            errors.push((
                status,
                format!("Status{}", key.to_ascii_lowercase()),
                json_schema_type(extras, types, response, &at, &format!("{prefix}Error{key}")),
                Some(response.description.clone()).filter(|text| !text.trim().is_empty()),
            ));
        }
    }
    if let Some(first) = successes.first() {
        let all_alike = successes.iter().all(|variant| variant.body == first.body);
        success = Some(if all_alike {
            match (first.body.as_ref(), &streams) {
                // A lone streamed body: the call returns the stream.
                (ResponseBody::Text, Some(form)) if form.kind != StreamKind::Bytes && successes.len() == 1 => {
                    ResponseBody::Stream(form.clone())
                }
                (body, _) => body.clone(),
            }
        } else {
            ResponseBody::ByStatus(StatusEnum {
                name: status_enum_name.to_owned(),
                variants: successes,
            })
        });
    }
    if let Some(default) = &responses.default {
        let default_pointer = join(pointer, "default");
        if let Ok((response, at)) = refs::resolve(
            default,
            &default_pointer,
            "responses",
            document.components.as_ref(),
            |c| &c.responses,
        ) {
            if success.is_none() && responses.responses.is_empty() {
                let (body, stream) = response_body(extras, types, response, &at, &format!("{prefix}Response"));
                success = Some(body);
                streams = stream;
            } else {
                errors.push((
                    ErrorStatus::Default,
                    "Default".to_owned(),
                    json_schema_type(extras, types, response, &at, &format!("{prefix}ErrorDefault")),
                    Some(response.description.clone()).filter(|text| !text.trim().is_empty()),
                ));
            }
        }
    }
    let success = success.unwrap_or_else(|| {
        types.diagnose(pointer, "no success (2xx) response documented; the method returns ()");
        ResponseBody::Empty
    });
    (success, streams, errors)
}

/// The body the plain call returns, and the streaming form when a media type of the
/// response is streamed (an event stream or JSON lines next to JSON or alone, or a
/// binary body).
fn response_body(
    extras: &Extras,
    types: &mut TypeBuilder<'_>,
    response: &Response,
    pointer: &str,
    hint: &str,
) -> (ResponseBody, Option<StreamForm>) {
    let streamed = response
        .content
        .iter()
        .find_map(|(media_type, content)| stream_kind(media_type).map(|kind| (media_type, content, kind)));
    let Some((media_type, content)) = pick_response_media(&response.content) else {
        return (ResponseBody::Empty, None);
    };
    let essence = essence(media_type);
    if is_json(&essence) {
        let body = match &content.schema {
            Some(schema) => {
                let content_pointer = join(&join(pointer, "content"), media_type);
                ResponseBody::Json(wrap_nullable(types.resolve(
                    schema,
                    &join(&content_pointer, "schema"),
                    hint,
                )))
            }
            None => ResponseBody::Json(TypeRef::Json),
        };
        let stream = streamed.map(|(media_type, content, kind)| {
            stream_form(
                extras,
                types,
                media_type,
                content,
                kind,
                pointer,
                &format!("{hint}Item"),
            )
        });
        (body, stream)
    } else if let Some((media_type, content, kind)) = streamed {
        let form = stream_form(
            extras,
            types,
            media_type,
            content,
            kind,
            pointer,
            &format!("{hint}Item"),
        );
        (ResponseBody::Stream(form.clone()), Some(form))
    } else if essence.starts_with("text/") {
        (ResponseBody::Text, None)
    } else {
        let form = StreamForm {
            kind: StreamKind::Bytes,
            media_type: media_type.clone(),
            item: None,
        };
        (ResponseBody::Bytes, Some(form))
    }
}

/// The media type without parameters, lower case.
fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// How a streamed media type is framed; `None` for media read whole (binary bodies
/// are streamed too, but only as the second form next to the whole body).
fn stream_kind(media_type: &str) -> Option<StreamKind> {
    match essence(media_type).as_str() {
        "text/event-stream" => Some(StreamKind::Events),
        "application/x-ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines"
        | "application/jsonlines+json" => Some(StreamKind::JsonLines),
        "application/json-seq" => Some(StreamKind::JsonSeq),
        _ => None,
    }
}

/// The streaming form of one media type: its item type from the schema (an event's
/// `data` or one line). JSON lines documented as an array stream its items; an event
/// stream whose data is a string (or has no schema) keeps each `data` as text.
fn stream_form(
    extras: &Extras,
    types: &mut TypeBuilder<'_>,
    media_type: &str,
    content: &MediaType,
    kind: StreamKind,
    pointer: &str,
    hint: &str,
) -> StreamForm {
    let content_pointer = join(&join(pointer, "content"), media_type);
    // OpenAPI 3.2 `itemSchema` (also what a converted Swagger 2.0 stream gets) is the
    // schema of one item, as written.
    if let Some(schema) = extras.item_schemas.get(&content_pointer) {
        let item = wrap_nullable(types.resolve(schema, &join(&content_pointer, "itemSchema"), hint));
        return StreamForm {
            kind,
            media_type: media_type.to_owned(),
            item: Some(item),
        };
    }
    let item = content
        .schema
        .as_ref()
        .map(|schema| wrap_nullable(types.resolve(schema, &join(&content_pointer, "schema"), hint)));
    let item = match (kind, item) {
        (StreamKind::Events, None | Some(TypeRef::String)) => None,
        (StreamKind::Events, Some(item)) => Some(item),
        (_, None) => Some(TypeRef::Json),
        (_, Some(TypeRef::Vec(inner))) => Some(*inner),
        (_, Some(item)) => Some(item),
    };
    StreamForm {
        kind,
        media_type: media_type.to_owned(),
        item,
    }
}

fn pick_response_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content
        .iter()
        .find(|(media_type, _)| is_json(media_type))
        .or_else(|| content.iter().next())
}

/// The JSON type of an error response's body. An error documented under
/// `text/event-stream` (a streaming operation's errors) is JSON in practice: the
/// server answers before the stream starts.
fn json_schema_type(
    extras: &Extras,
    types: &mut TypeBuilder<'_>,
    response: &Response,
    pointer: &str,
    hint: &str,
) -> Option<TypeRef> {
    if let Some((media_type, content)) = response
        .content
        .iter()
        .find(|(media_type, _)| !is_json(media_type) && stream_kind(media_type) == Some(StreamKind::Events))
        .filter(|_| !response.content.keys().any(|media_type| is_json(media_type)))
    {
        let schema = content.schema.as_ref()?;
        let content_pointer = join(&join(pointer, "content"), media_type);
        return Some(wrap_nullable(types.resolve(
            schema,
            &join(&content_pointer, "schema"),
            hint,
        )));
    }
    match response_body(extras, types, response, pointer, hint).0 {
        ResponseBody::Json(ty) => Some(ty),
        _ => None,
    }
}
