//! Compiles every generator snapshot in `snapshots/` as a module and checks that the
//! generated types behave: nulls, tagged unions, open enums and maps decode (and
//! encode) the way their fixture spec says.
//!
//! The snapshot files are written by `tests/snapshots.rs`
//! (`APIGEN_ACCEPT=1 cargo test -p tests --test snapshots`); when a fixture gains or
//! loses a type used below, this file changes with it.

// Every snapshot module is compiled as it was generated, with `missing_docs` on (as
// in `inboxapp`) so an undocumented generated item shows up as a warning. The
// `allow`s below name warnings the generated code itself triggers (a generator
// issue; remove the `allow` once the generator no longer needs it):
// - `clippy::redundant_field_names`: a required non-string parameter is initialised
//   as `item_id: item_id` in the `Client` method.

#[rustfmt::skip] // generated, already formatted by prettyplease
#[warn(missing_docs)]
#[path = "../snapshots/nullable-30/mod.rs"]
pub mod nullable_30;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/nullable-31/mod.rs"]
pub mod nullable_31;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/tagged-unions/mod.rs"]
pub mod tagged_unions;

#[rustfmt::skip]
#[allow(clippy::redundant_field_names)]
#[warn(missing_docs)]
#[path = "../snapshots/open-enums/mod.rs"]
pub mod open_enums;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/maps/mod.rs"]
pub mod maps;

#[rustfmt::skip]
#[allow(clippy::redundant_field_names)]
#[warn(missing_docs)]
#[path = "../snapshots/path-params/mod.rs"]
pub mod path_params;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/openapi31/mod.rs"]
pub mod openapi31;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/refs-siblings-31/mod.rs"]
pub mod refs_siblings_31;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/allof/mod.rs"]
pub mod allof;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/unions/mod.rs"]
pub mod unions_fixture; // `unions` names the test module below

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/recursive/mod.rs"]
pub mod recursive;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/names/mod.rs"]
pub mod names;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/responses/mod.rs"]
pub mod responses;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/requests/mod.rs"]
pub mod requests;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/formats/mod.rs"]
pub mod formats;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/refs/mod.rs"]
pub mod refs;


use apigen_runtime::Nullable;
use serde_json::json;

/// Decodes `value` as `T`, panicking with the serde error.
fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|err| panic!("does not decode: {err}"))
}

fn encode<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("encodes")
}

mod nullable {
    use super::*;

    #[test]
    fn v30_nulls_decode_as_none() {
        let widget: nullable_30::types::Widget = decode(json!({
            "id": "w1",
            "name": "Widget",
            "description": null,
            "count": null,
            "owner": null,
            "previousOwner": null,
            "updatedAt": null,
            "tags": ["a", null],
            "note": null,
            "createdAt": null,
            "labels": null
        }));
        assert_eq!(widget.description, None);
        assert_eq!(widget.count, None);
        assert_eq!(widget.owner, None);
        assert_eq!(widget.previous_owner, None);
        assert_eq!(widget.updated_at, None);
        assert_eq!(widget.tags, vec![Some("a".to_owned()), None]);
        // Optional + nullable: present `null` and an absent key stay distinct.
        assert_eq!(widget.note, Some(Nullable::Null));
        assert_eq!(widget.created_at, Some(Nullable::Null));
        assert_eq!(widget.labels, Some(Nullable::Null));
        assert_eq!(widget.nickname, None);
        assert_eq!(widget.co_owner, None);
        assert_eq!(widget.ratio, None);
    }

    #[test]
    fn v30_values_decode_and_reencode() {
        let input = json!({
            "id": "w1",
            "name": "Widget",
            "description": "text",
            "count": 3,
            "owner": {"id": "o1", "email": null},
            "coOwner": {"id": "o2"},
            "previousOwner": {"id": "o0"},
            "updatedAt": "2024-05-01T10:00:00.000Z",
            "tags": [],
            "ratio": 0.5
        });
        let widget: nullable_30::types::Widget = decode(input.clone());
        let owner = widget.owner.clone().expect("owner is set");
        assert_eq!(owner.id, "o1");
        assert_eq!(owner.email, Some(Nullable::Null));
        assert_eq!(
            widget
                .co_owner
                .as_ref()
                .and_then(Nullable::as_option)
                .map(|o| o.id.as_str()),
            Some("o2")
        );
        assert_eq!(widget.count, Some(3));
        assert_eq!(widget.ratio, Some(Nullable::Value(0.5)));
        assert_eq!(encode(&widget), input);
    }

    #[test]
    fn v30_missing_required_key_is_an_error() {
        let result: Result<nullable_30::types::Widget, _> =
            serde_json::from_value(json!({"id": "w1", "description": null, "tags": []}));
        assert!(result.is_err(), "`name` is required");
    }

    #[test]
    fn v30_update_body_encodes_the_three_states() {
        let update = nullable_30::types::WidgetUpdate {
            name: "New".into(),
            description: None,
            nickname: None,
            note: Some(Nullable::Null),
            owner: Some(Nullable::Value(nullable_30::types::Owner {
                id: "o1".into(),
                email: None,
            })),
            count: None,
        };
        assert_eq!(
            encode(&update),
            json!({"name": "New", "description": null, "note": null, "owner": {"id": "o1"}})
        );
    }

    #[test]
    fn v31_nulls_decode_as_none() {
        let widget: nullable_31::types::Widget = decode(json!({
            "id": "w1",
            "kind": "widget",
            "name": "Widget",
            "description": null,
            "count": null,
            "owner": null,
            "manager": null,
            "previousOwner": null,
            "updatedAt": null,
            "tags": [null],
            "note": null,
            "code": null,
            "size": null,
            "nothing": null
        }));
        assert_eq!(widget.kind, nullable_31::types::WidgetKind::Widget);
        assert_eq!(widget.description, None);
        assert_eq!(widget.count, None);
        assert_eq!(widget.owner, None);
        assert_eq!(widget.manager, None);
        assert_eq!(widget.previous_owner, None);
        assert_eq!(widget.updated_at, None);
        assert_eq!(widget.tags, vec![None]);
        assert_eq!(widget.note, Some(Nullable::Null));
        assert_eq!(widget.code, Some(Nullable::Null));
        assert_eq!(widget.size, Some(Nullable::Null));
        assert_eq!(widget.co_owner, None);
        assert_eq!(widget.reviewer, None);
    }

    #[test]
    fn v31_multi_type_fields_decode() {
        use nullable_31::types::{WidgetCode, WidgetSize};
        let base = json!({
            "id": "w1", "kind": "widget", "name": "n", "description": "d", "count": 1,
            "owner": {"id": "o"}, "manager": {"id": "m"}, "previousOwner": null,
            "updatedAt": "2024-05-01T10:00:00.000Z", "tags": [],
            "reviewer": {"id": "r"}
        });
        let mut with_numbers = base.clone();
        with_numbers["code"] = json!(7);
        with_numbers["size"] = json!(3);
        let widget: nullable_31::types::Widget = decode(with_numbers.clone());
        assert_eq!(widget.code, Some(Nullable::Value(WidgetCode::Integer(7))));
        assert_eq!(widget.size, Some(Nullable::Value(WidgetSize::Integer(3))));
        assert_eq!(widget.manager.as_ref().map(|m| m.id.as_str()), Some("m"));
        assert_eq!(widget.reviewer.as_ref().map(|r| r.id.as_str()), Some("r"));
        assert_eq!(encode(&widget), with_numbers);

        let mut with_strings = base;
        with_strings["code"] = json!("A7");
        with_strings["size"] = json!("large");
        let widget: nullable_31::types::Widget = decode(with_strings);
        assert_eq!(widget.code, Some(Nullable::Value(WidgetCode::String("A7".into()))));
        assert_eq!(widget.size, Some(Nullable::Value(WidgetSize::String("large".into()))));
    }

    #[test]
    fn v31_update_body_encodes_the_three_states() {
        let update = nullable_31::types::WidgetUpdate {
            name: "New".into(),
            description: Some("d".into()),
            nickname: Some("nick".into()),
            note: None,
            owner: Some(Nullable::Null),
            count: Some(Nullable::Value(2)),
        };
        assert_eq!(
            encode(&update),
            json!({"name": "New", "description": "d", "nickname": "nick", "owner": null, "count": 2})
        );
    }
}

mod unions {
    use super::*;
    use tagged_unions::types::{
        Bike, Cat, Event, LookupValue, Outcome, OutcomeOk, OutcomeOkStatus, Pet, Shape, ShapeGroupFill, Vehicle,
    };

    #[test]
    fn discriminator_with_mapping() {
        let pets: Vec<Pet> = decode(json!([
            {"petType": "cat", "name": "Tom", "indoor": true},
            {"petType": "dog", "name": "Rex"},
            {"petType": "lizard"},
            {"petType": "parrot", "name": "Polly"}
        ]));
        assert!(matches!(&pets[0], Pet::Cat(cat) if cat.name == "Tom" && cat.indoor == Some(true)));
        assert!(matches!(&pets[1], Pet::Dog(dog) if dog.name == "Rex" && dog.good_boy.is_none()));
        assert!(matches!(&pets[2], Pet::Lizard(_)));
        assert_eq!(pets[3], Pet::Unknown(json!({"petType": "parrot", "name": "Polly"})));
        assert_eq!(encode(&pets[3]), json!({"petType": "parrot", "name": "Polly"}), "unknown variants keep their data");
        let cat = Pet::Cat(Cat {
            pet_type: "cat".into(),
            name: "Tom".into(),
            indoor: None,
        });
        assert_eq!(encode(&cat), json!({"petType": "cat", "name": "Tom"}));
    }

    #[test]
    fn discriminator_without_mapping_uses_component_names() {
        let vehicle: Vehicle = decode(json!({"vehicleType": "Bike", "gears": 21}));
        assert_eq!(
            vehicle,
            Vehicle::Bike(Bike {
                vehicle_type: "Bike".into(),
                gears: Some(21)
            })
        );
        assert_eq!(encode(&vehicle), json!({"vehicleType": "Bike", "gears": 21}));
    }

    #[test]
    fn inferred_tag_from_enum_and_const() {
        let events: Vec<Event> = decode(json!([
            {"type": "message.created", "id": "m1", "text": "hi"},
            {"type": "message.deleted", "id": "m1"},
            {"type": "thread.archived", "thread": {"vehicleType": "Car", "doors": 3},
             "pets": [{"petType": "dog", "name": "Rex"}]},
            {"type": "thread.unarchived", "id": "t1"}
        ]));
        assert!(matches!(&events[0], Event::MessageCreated(m) if m.text == "hi"));
        assert!(matches!(&events[1], Event::MessageDeleted(m) if m.id == "m1"));
        match &events[2] {
            Event::ThreadArchived(archived) => {
                assert!(matches!(&archived.thread, Vehicle::Car(car) if car.doors == 3));
                assert!(matches!(archived.pets.as_deref(), Some([Pet::Dog(_)])));
            }
            other => panic!("expected ThreadArchived, got {other:?}"),
        }
        assert_eq!(events[3], Event::Unknown(json!({"type": "thread.unarchived", "id": "t1"})));
        assert_eq!(encode(&events[1]), json!({"type": "message.deleted", "id": "m1"}));
    }

    #[test]
    fn inline_variants_and_nested_unions_round_trip() {
        let input = json!({
            "kind": "group",
            "parts": [
                {"kind": "circle", "radius": 1.5},
                {"kind": "rectangle", "width": 2.0, "height": 3.0}
            ],
            "fill": {"mode": "gradient", "from": "red", "to": "blue"}
        });
        let shape: Shape = decode(input.clone());
        let Shape::Group(group) = &shape else {
            panic!("expected a group, got {shape:?}");
        };
        assert!(matches!(&group.parts[0], Shape::Circle(circle) if circle.radius == 1.5));
        assert!(matches!(&group.parts[1], Shape::Rectangle(_)));
        assert!(matches!(&group.fill, Some(ShapeGroupFill::Gradient(g)) if g.to == "blue"));
        assert_eq!(encode(&shape), input);
    }

    #[test]
    fn tag_value_spelled_like_the_catch_all() {
        let known: Outcome = decode(json!({"status": "unknown"}));
        assert!(matches!(known, Outcome::Unknown2(_)));
        assert_eq!(encode(&known), json!({"status": "unknown"}));
        let ok: Outcome = decode(json!({"status": "ok", "value": "v"}));
        assert_eq!(
            ok,
            Outcome::Ok(OutcomeOk {
                status: OutcomeOkStatus::Ok,
                value: "v".into()
            })
        );
        assert_eq!(decode::<Outcome>(json!({"status": "later"})), Outcome::Unknown(json!({"status": "later"})));
    }

    #[test]
    fn untagged_string_integer_object() {
        assert_eq!(decode::<LookupValue>(json!("abc")), LookupValue::String("abc".into()));
        assert_eq!(decode::<LookupValue>(json!(42)), LookupValue::Integer(42));
        let object: LookupValue = decode(json!({"value": "3", "unit": "kg"}));
        assert!(matches!(&object, LookupValue::Variant2(v) if v.value == "3"));
        assert_eq!(encode(&object), json!({"value": "3", "unit": "kg"}));
    }
}

mod enums {
    use super::*;
    use open_enums::types::{Item, ItemShade, Keyword, ListItemsStatus, SortOrder, Spelling, Vote};

    #[test]
    fn colliding_values_keep_their_wire_form() {
        assert_eq!(decode::<SortOrder>(json!("ASC")), SortOrder::Asc);
        assert_eq!(decode::<SortOrder>(json!("asc")), SortOrder::Asc2);
        assert_eq!(encode(&SortOrder::Desc2), json!("desc"));
        assert_eq!(decode::<Vote>(json!("+1")), Vote::Plus1);
        assert_eq!(decode::<Vote>(json!("-1")), Vote::Minus1);
        assert_eq!(Vote::V0.as_str(), "0");
        assert_eq!(decode::<Spelling>(json!("IN_PROGRESS")), Spelling::InProgress3);
        assert_eq!(Spelling::InProgress4.to_string(), "inProgress");
    }

    #[test]
    fn keywords_and_reserved_names() {
        assert_eq!(decode::<Keyword>(json!("type")), Keyword::Type);
        assert_eq!(decode::<Keyword>(json!("self")), Keyword::SelfValue);
        assert_eq!(decode::<Keyword>(json!("Self")), Keyword::SelfValue2);
        assert_eq!(decode::<Keyword>(json!("")), Keyword::Value);
        // The spec's own `Unknown` value is a known variant, not the catch-all.
        assert_eq!(decode::<Keyword>(json!("Unknown")), Keyword::Unknown3);
        assert_eq!(decode::<Keyword>(json!("unknown")), Keyword::Unknown2);
    }

    #[test]
    fn unknown_values_are_kept() {
        assert_eq!(
            decode::<SortOrder>(json!("random")),
            SortOrder::Unknown("random".into())
        );
        assert_eq!(encode(&SortOrder::Unknown("random".into())), json!("random"));
        assert_eq!(
            "archived".parse::<ListItemsStatus>(),
            Ok(ListItemsStatus::Unknown("archived".into()))
        );
        assert!(serde_json::from_value::<SortOrder>(json!(1)).is_err());
    }

    #[test]
    fn struct_with_enum_fields() {
        let item: Item = decode(json!({
            "id": "i1", "vote": "+2", "keyword": "fn", "color": "green",
            "shade": null, "priority": 2
        }));
        assert_eq!(item.vote, Vote::Unknown("+2".into()));
        assert_eq!(item.keyword, Keyword::Fn);
        assert_eq!(item.shade, Some(Nullable::Null));
        let item: Item = decode(json!({"id": "i1", "vote": "0", "keyword": "", "shade": "dark"}));
        assert_eq!(item.shade, Some(Nullable::Value(ItemShade::Dark)));
    }
}

mod maps_decode {
    use super::*;
    use maps::types::{Settings, Stats};

    #[test]
    fn maps_of_every_kind_decode_and_reencode() {
        let input = json!({
            "scores": {"a": 1, "b": -2},
            "groups": {"admins": ["ann", "bob"], "empty": []},
            "sparse": {"x": "1", "y": null},
            "counters": {"c": {"count": 4}},
            "anything": {"k": [1, {"deep": true}]},
            "freeForm": {},
            "closed": {"label": "c"},
            "empty": {},
            "byRegion": {"eu": {"total": 3, "updatedAt": "2024-05-01T10:00:00.000Z"}},
            "matrix": {"r1": {"c1": 0.5}}
        });
        let stats: Stats = decode(input.clone());
        assert_eq!(stats.scores["b"], -2);
        assert_eq!(stats.groups["admins"], vec!["ann", "bob"]);
        let sparse = stats.sparse.as_ref().expect("sparse is present");
        assert_eq!(sparse["x"], Some("1".to_owned()));
        assert_eq!(sparse["y"], None);
        assert_eq!(stats.counters.as_ref().map(|c| c["c"].count), Some(4));
        assert_eq!(stats.anything.as_ref().map(|a| a["k"][1]["deep"] == true), Some(true));
        assert_eq!(stats.by_region.as_ref().map(|r| r["eu"].total), Some(3));
        assert_eq!(stats.matrix.as_ref().map(|m| m["r1"]["c1"]), Some(0.5));
        assert_eq!(encode(&stats), input);
    }

    #[test]
    fn properties_with_typed_additional_properties() {
        let settings: Settings = decode(json!({"name": "n", "theme": "dark", "lang": "en"}));
        assert_eq!(settings.name, "n");
        assert_eq!(settings.additional_properties.len(), 2);
        assert_eq!(settings.additional_properties["theme"], "dark");
        assert_eq!(encode(&settings), json!({"name": "n", "theme": "dark", "lang": "en"}));
        // Additional members must match the `additionalProperties` schema.
        assert!(serde_json::from_value::<Settings>(json!({"name": "n", "size": 3})).is_err());
    }
}

mod params {
    use super::*;

    /// A path parameter that breaks its `pattern` is rejected before anything is sent.
    #[tokio::test]
    async fn path_pattern_is_checked_before_sending() {
        let client = path_params::Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .expect("client builds");
        let error = client
            .threads_thread_messages_list("NOT VALID", "req-1")
            .ids(vec!["a".into()])
            .send()
            .await
            .expect_err("the thread id does not match ^[0-9a-z]+$");
        assert!(
            matches!(&error, apigen_runtime::Error::InvalidArgument { name, .. } if name == "threadId"),
            "unexpected error: {error:?}"
        );
        let error = client
            .r#type("t1", "msg_short")
            .send()
            .await
            .expect_err("the message id does not match its pattern");
        assert!(
            matches!(&error, apigen_runtime::Error::InvalidArgument { name, .. } if name == "messageId"),
            "unexpected error: {error:?}"
        );
    }
}

mod explore_tmp {
    use super::*;
    use tests::{Reply, TestServer};

    #[tokio::test]
    async fn explore() {
        let server = TestServer::start().await;
        server.fallback(Reply::json(200, "[]"));
        let client = requests::Client::builder().base_url(server.base_url()).max_retries(0).build().unwrap();
        let _ = client
            .list_notes(requests::types::ListNotesSort::Asc)
            .ids(vec![1, 2])
            .tags(vec!["a".into(), "b c".into()])
            .words(vec!["x".into(), "y".into()])
            .levels(vec!["p".into(), "q".into()])
            .filter(decode(json!({"author": "me", "after": "2024-05-01T10:00:00Z"})))
            .point(decode(json!({"x": 1, "y": 2})))
            .r#box(decode(json!({"w": 3, "h": 4})))
            .send()
            .await;
        let body: requests::types::CreateTokenRequest = decode(json!({"grant_type": "client_credentials", "scope": ["a", "b"], "metadata": {"source": "cli"}}));
        let _ = client.create_token(body).send().await;
        let _ = client.put_blob("k 1", true, apigen_runtime::bytes::Bytes::from_static(b"\x00\x01")).content_md5("abc").send().await;
        for r in server.requests() {
            println!("{} {} {:?} {:?} {:?}", r.method, r.path, r.query, r.headers, String::from_utf8_lossy(&r.body));
        }
        server.push(Reply::json(202, r#"{"id":"j1","position":3}"#));
        let rc = responses::Client::builder().base_url(server.base_url()).max_retries(0).build().unwrap();
        println!("{:?}", rc.create_job().send().await);
        server.push(Reply::with_type(200, "application/vnd.api+json", r#"{"id":"j1","output":"o"}"#));
        println!("{:?}", rc.get_job("j1").send().await);
        server.push(Reply::with_type(404, "application/problem+json", r#"{"title":"nope","status":404}"#));
        println!("{:?}", rc.get_job_log("j1").send().await);
        server.push(Reply::with_type(302, "text/plain", "").header("location", "/elsewhere"));
        println!("{:?}", rc.get_job_artifact("j1").send().await);
        let mut a: unions_fixture::types::Actor = decode(json!({"kind": "bot", "login": "b"}));
        println!("{a:?}");
        a = decode(json!({"kind": "team", "slug": "s", "members": "x"}));
        println!("{a:?}");
        let e: unions_fixture::types::Entry = decode(json!({"kind": "team", "slug": "s", "members": 3}));
        println!("{e:?}");
    }
}
