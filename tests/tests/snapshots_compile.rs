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
#[allow(clippy::redundant_field_names)]
#[warn(missing_docs)]
#[path = "../snapshots/names-hostile/mod.rs"]
pub mod names_hostile;

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
#[path = "../snapshots/multi-shop/mod.rs"]
pub mod multi_shop;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/refs/mod.rs"]
pub mod refs;

// Run against a loopback server in `tests/auth.rs`.
#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/security/mod.rs"]
pub mod security;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/swagger2/mod.rs"]
pub mod swagger2;

#[rustfmt::skip]
#[warn(missing_docs)]
#[path = "../snapshots/openapi32/mod.rs"]
pub mod openapi32;


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
                undeclared: Default::default(),
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
        assert_eq!(
            encode(&pets[3]),
            json!({"petType": "parrot", "name": "Polly"}),
            "unknown variants keep their data"
        );
        let cat = Pet::Cat(Cat {
            undeclared: Default::default(),
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
                undeclared: Default::default(),
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
        assert_eq!(
            events[3],
            Event::Unknown(json!({"type": "thread.unarchived", "id": "t1"}))
        );
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
                undeclared: Default::default(),
                status: OutcomeOkStatus::Ok,
                value: "v".into()
            })
        );
        assert_eq!(
            decode::<Outcome>(json!({"status": "later"})),
            Outcome::Unknown(json!({"status": "later"}))
        );
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

/// A loopback server answering with `replies` in order (then 500), for the fixtures
/// whose request encoding or response handling is checked below.
async fn loopback(replies: impl IntoIterator<Item = tests::Reply>) -> tests::TestServer {
    let server = tests::TestServer::start().await;
    for reply in replies {
        server.push(reply);
    }
    server
}

/// The single request `server` received.
#[track_caller]
fn single_request(server: &tests::TestServer) -> tests::RecordedRequest {
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
    requests.remove(0)
}

mod openapi31_doc {
    use super::*;
    use openapi31::types::Pet;

    #[test]
    fn webhook_only_document_still_has_its_component_types() {
        let pet: Pet = decode(json!({"id": 7, "name": "Rex", "tag": null}));
        assert_eq!(pet.id, 7);
        assert_eq!(pet.tag, Some(Nullable::Null));
        let pet: Pet = decode(json!({"id": 7, "name": "Rex"}));
        assert_eq!(pet.tag, None);
        assert_eq!(encode(&pet), json!({"id": 7, "name": "Rex"}));
    }

    #[test]
    fn no_server_url_means_the_base_url_must_be_given() {
        assert_eq!(openapi31::DEFAULT_BASE_URL, "");
        assert!(openapi31::Client::builder().build().is_err());
        assert!(openapi31::Client::builder()
            .base_url("http://127.0.0.1:9")
            .build()
            .is_ok());
    }

    #[test]
    fn webhooks_without_a_tag_are_decoded_by_name() {
        use openapi31::webhooks::{EventData, EVENT_TYPES};
        assert_eq!(EVENT_TYPES, ["newPet", "petDeleted"]);

        let pet = json!({"id": 7, "name": "Rex"});
        let event = EventData::decode("newPet", pet.clone()).expect("decodes");
        assert!(matches!(&event, EventData::NewPet(decoded) if decoded.id == 7));
        assert_eq!(event.event_type(), "newPet");
        assert_eq!(encode(&event), pet, "serializes the bare body");

        // The inline body got a type named after the webhook.
        let deleted = EventData::decode("petDeleted", json!({"id": 3})).expect("decodes");
        assert!(matches!(&deleted, EventData::PetDeleted(body) if body.id == 3));

        let odd = json!({"id": "seven", "name": "Rex"});
        let kept = EventData::decode("newPet", odd.clone()).expect("handed over, not rejected");
        assert!(
            matches!(&kept, EventData::Undecodable { event_type, data, error } if event_type == "newPet" && *data == odd && error.path == "id"),
            "{kept:?}"
        );
        assert_eq!(encode(&kept), odd);

        let other = EventData::decode("petAdopted", json!([1])).expect("unknown is kept");
        assert!(
            matches!(&other, EventData::Unknown { event_type, data } if event_type == "petAdopted" && *data == json!([1]))
        );
        assert_eq!(encode(&other), json!([1]));
    }
}

mod refs_siblings {
    use super::*;
    use refs_siblings_31::types::{Account, AccountKind, Money, MoneyCurrency};

    fn account_json() -> serde_json::Value {
        json!({
            "id": "acc_1",
            "kind": "account",
            "version": 2,
            "active": true,
            "balance": {"amount": 10.5, "currency": "EUR"},
            "overdraft": null,
            "label": null
        })
    }

    #[test]
    fn ref_siblings_keep_the_referenced_type() {
        let account: Account = decode(account_json());
        assert_eq!(account.id, "acc_1");
        assert_eq!(account.kind, AccountKind::Account);
        assert_eq!(account.balance.currency, MoneyCurrency::Eur);
        assert_eq!(account.overdraft, None);
        assert_eq!(account.label, None);
        assert_eq!(account.credit, None);
        assert_eq!(account.tier, None);
        assert_eq!(encode(&account), account_json());
    }

    #[test]
    fn nullable_type_arrays_and_consts() {
        let mut input = account_json();
        input["overdraft"] = json!({"amount": 1, "currency": "USD"});
        input["label"] = json!("main");
        input["tier"] = json!(null);
        input["credit"] = json!({"amount": 2, "currency": "EUR"});
        let account: Account = decode(input);
        assert_eq!(
            account.overdraft,
            Some(Money {
                undeclared: Default::default(),
                amount: 1.0,
                currency: MoneyCurrency::Unknown("USD".into())
            })
        );
        assert_eq!(account.label.as_deref(), Some("main"));
        // Optional + nullable: a present `null` is kept apart from an absent key.
        assert_eq!(account.tier, Some(Nullable::Null));
        assert_eq!(account.credit.map(|c| c.amount), Some(2.0));
        // `kind` is a one-value open enum: other values are kept, not rejected.
        let mut other = account_json();
        other["kind"] = json!("savings");
        assert_eq!(decode::<Account>(other).kind, AccountKind::Unknown("savings".into()));
        // `balance` is required even though its `$ref` has siblings.
        let mut missing = account_json();
        missing.as_object_mut().expect("object").remove("balance");
        assert!(serde_json::from_value::<Account>(missing).is_err());
    }

    #[test]
    fn exclusive_bounds_on_integers_pick_an_unsigned_type() {
        let mut input = account_json();
        input["tier"] = json!(3);
        let account: Account = decode(input);
        assert_eq!(account.tier, Some(Nullable::Value(3_u64)));
    }
}

mod allof_merge {
    use super::*;
    use allof::types::{Dog, GetDogResponse, Record, TypedExtended, TypedOnly, TypedUnion};

    fn dog_json() -> serde_json::Value {
        json!({
            "id": "d1",
            "name": "Rex",
            "home": {"city": "Oslo"},
            "tags": ["good"],
            "barks": true
        })
    }

    #[test]
    fn a_refined_nested_object_decodes_every_member_of_the_base() {
        let incident: allof::types::IncidentReference = decode(json!({
            "id": "i1",
            "type": "incident_reference",
            "status": "resolved",
            "tags": [{"label": "db", "color": "#ff0000"}],
            "service": {"id": "s1", "name": "API", "escalation": {"level": 2, "owner": "ops"}}
        }));
        assert_eq!(incident.status.as_str(), "resolved");
        let tags = incident.tags.expect("tags");
        assert_eq!(tags[0].label.as_deref(), Some("db"));
        assert_eq!(tags[0].color.as_deref(), Some("#ff0000"));
        assert_eq!(incident.service.name, "API");
        let escalation = incident.service.escalation.expect("escalation");
        assert_eq!(escalation.level, Some(2_i32));
        assert_eq!(escalation.owner.as_deref(), Some("ops"));
    }

    #[test]
    fn members_the_spec_does_not_declare_are_kept_readable_and_written_back() {
        let mut sent = dog_json();
        sent["color"] = json!("brown");
        sent["home"]["planet"] = json!({"name": "Earth", "moons": [1]});
        sent["vaccinations"] = json!([{"at": "2024-01-01"}]);
        let dog: Dog = decode(sent.clone());
        assert_eq!(dog.undeclared.get("color"), Some(&json!("brown")));
        assert_eq!(dog.undeclared.len(), 2, "{:?}", dog.undeclared);
        assert_eq!(
            dog.home.as_ref().and_then(|home| home.undeclared.get("planet")),
            Some(&json!({"name": "Earth", "moons": [1]})),
            "nested objects keep theirs"
        );
        assert_eq!(encode(&dog), sent, "decode then encode gives back every member");
        // Without undeclared members the struct equals one built by hand.
        assert_eq!(decode::<Dog>(dog_json()), decode::<Dog>(dog_json()));
    }

    #[test]
    fn three_level_chain_has_every_level_s_fields() {
        let dog: Dog = decode(dog_json());
        assert_eq!(dog.id, "d1");
        assert_eq!(dog.name, "Rex");
        assert_eq!(dog.home.as_ref().map(|h| h.city.as_str()), Some("Oslo"));
        assert!(dog.barks);
        assert_eq!(encode(&dog), dog_json());
        for required in ["id", "name", "barks"] {
            let mut input = dog_json();
            input.as_object_mut().expect("object").remove(required);
            assert!(
                serde_json::from_value::<Dog>(input).is_err(),
                "`{required}` is required at some level of the chain"
            );
        }
    }

    #[test]
    fn inline_member_extends_a_ref() {
        let mut input = dog_json();
        input["fetchedAt"] = json!("2024-05-01T10:00:00.000Z");
        let response: GetDogResponse = decode(input.clone());
        assert_eq!(response.name, "Rex");
        assert_eq!(encode(&response), input);
        assert!(
            serde_json::from_value::<GetDogResponse>(dog_json()).is_err(),
            "fetchedAt is required"
        );
    }

    #[test]
    fn required_in_any_member_wins() {
        let record: Record = decode(json!({"id": "r1", "note": "n", "address": {"city": "Rome"}}));
        assert_eq!(record.note, "n");
        assert_eq!(record.address.map(|a| a.city), Some("Rome".to_owned()));
        assert!(
            serde_json::from_value::<Record>(json!({"id": "r1"})).is_err(),
            "`note` is optional in Audit but required by Record's inline member"
        );
    }

    #[test]
    fn type_object_beside_all_of_merges_like_the_bare_form() {
        let input = json!({"id": "b1", "createdAt": "2024-05-01T10:00:00Z", "extra": "x"});
        let typed: TypedExtended = decode(input.clone());
        assert_eq!((typed.id.as_str(), typed.extra.as_str()), ("b1", "x"));
        assert_eq!(typed.created_at.as_str(), "2024-05-01T10:00:00Z");
        assert_eq!(encode(&typed), input);
        for required in ["id", "createdAt", "extra"] {
            let mut partial = input.clone();
            partial.as_object_mut().expect("object").remove(required);
            assert!(
                serde_json::from_value::<TypedExtended>(partial).is_err(),
                "`{required}` is required"
            );
        }
        let only: TypedOnly = decode(json!({"city": "Oslo", "note": "n"}));
        assert_eq!((only.city.as_str(), only.note.as_deref()), ("Oslo", Some("n")));
        assert!(matches!(decode::<TypedUnion>(json!({"id": "b2"})), TypedUnion::Base(base) if base.id == "b2"));
    }
}

mod union_members {
    use super::*;
    use unions_fixture::types::{
        Actor, AnyActor, Entry, Feed, FeedMatrixItemItem, Flag, MaybeScalar, Payload, Scalar, SearchResponseItem, Team,
        User, WithFallback,
    };

    #[test]
    fn untagged_unions_pick_the_variant_that_keeps_the_payload() {
        use unions_fixture::types::{Boxed, Person};
        let detail = json!({"id": "p1", "name": "Ann", "email": "ann@example.com"});
        let person: Person = decode(detail.clone());
        assert!(matches!(&person, Person::Detail(d) if d.email.as_deref() == Some("ann@example.com")));
        assert_eq!(encode(&person), detail, "nothing dropped");
        // Both keep everything: the first listed wins.
        assert!(matches!(
            decode::<Person>(json!({"id": "p2", "name": "Bo"})),
            Person::Summary(_)
        ));
        // Unknown members stay accepted, do not sway the choice, and are kept.
        let sent = json!({"id": "p3", "email": "e", "since": 2020});
        let with_unknown = decode::<Person>(sent.clone());
        assert!(matches!(&with_unknown, Person::Detail(d) if d.undeclared.get("since") == Some(&json!(2020))));
        assert_eq!(encode(&with_unknown), sent, "the undeclared member is written back");

        let deep = json!({"item": {"x": 1, "y": 2}});
        let boxed: Boxed = decode(deep.clone());
        assert_eq!(encode(&boxed), deep, "the nested `y` is kept");
        let shallow: Boxed = decode(json!({"item": {"x": 1}}));
        assert_eq!(encode(&shallow), json!({"item": {"x": 1}}));
        assert!(serde_json::from_value::<Boxed>(json!({"item": {"y": 1}})).is_err());
    }

    #[test]
    fn discriminator_mapping_to_refs() {
        let actors: Vec<Actor> = decode(json!([
            {"kind": "user", "login": "ann"},
            {"kind": "team", "slug": "core", "members": 4},
            {"kind": "robot"}
        ]));
        assert!(matches!(&actors[0], Actor::User(user) if user.login == "ann"));
        assert!(matches!(&actors[1], Actor::Team(team) if team.members == 4));
        assert!(matches!(&actors[2], Actor::Unknown(_)));
        assert_eq!(
            encode(&actors[1]),
            json!({"kind": "team", "slug": "core", "members": 4})
        );
        // A known tag whose payload does not fit is an error, not `Unknown`.
        assert!(serde_json::from_value::<Actor>(json!({"kind": "team", "slug": "s"})).is_err());
    }

    #[test]
    fn two_tags_mapped_to_one_schema() {
        let input = json!({"kind": "bot", "login": "b"});
        let actor: Actor = decode(input.clone());
        assert!(matches!(&actor, Actor::Bot(user) if user.login == "b"), "got {actor:?}");
        assert_eq!(encode(&actor), input);
        let actor: Actor = decode(json!({"kind": "user", "login": "u"}));
        assert!(
            matches!(&actor, Actor::User(user) if user.login == "u"),
            "got {actor:?}"
        );
    }

    #[test]
    fn any_of_with_discriminator_uses_component_names() {
        let actor: AnyActor = decode(json!({"kind": "Team", "slug": "s", "members": 1}));
        assert!(matches!(actor, AnyActor::Team(_)));
        let actor: AnyActor = decode(json!({"kind": "team", "slug": "s", "members": 1}));
        assert!(matches!(actor, AnyActor::Unknown(_)));
    }

    #[test]
    fn untagged_scalars_keep_integers_integers() {
        let values: Vec<Scalar> = decode(json!([3, 3.5, "3", -1]));
        assert_eq!(
            values,
            vec![
                Scalar::Integer(3),
                Scalar::Number(3.5),
                Scalar::String("3".into()),
                Scalar::Integer(-1)
            ]
        );
        assert_eq!(encode(&values), json!([3, 3.5, "3", -1]));
        let flags: Vec<Flag> = decode(json!([true, "true"]));
        assert_eq!(flags, vec![Flag::Bool(true), Flag::String("true".into())]);
    }

    #[test]
    fn strict_object_is_tried_before_a_free_form_one() {
        let payloads: Vec<Payload> = decode(json!([
            {"kind": "team", "slug": "s", "members": 2},
            {"anything": 1}
        ]));
        assert!(matches!(&payloads[0], Payload::Team(team) if team.slug == "s"));
        assert!(matches!(&payloads[1], Payload::Object(map) if map["anything"] == 1));
    }

    #[test]
    fn overlapping_objects() {
        let entry: Entry = decode(json!({"slug": "only"}));
        assert!(matches!(entry, Entry::Variant0(_)));
    }

    #[test]
    fn overlapping_objects_pick_the_most_specific_member() {
        let input = json!({"kind": "team", "slug": "s", "members": 3});
        let entry: Entry = decode(input.clone());
        assert!(matches!(&entry, Entry::Team(_)), "got {entry:?}");
        assert_eq!(encode(&entry), input);
    }

    #[test]
    fn one_value_enum_members_round_trip() {
        for value in ["name_ascending", "name_descending", "id_ascending", "other"] {
            let mode: unions_fixture::types::SortMode = decode(json!(value));
            assert_eq!(encode(&mode), json!(value));
        }
    }

    #[test]
    fn one_value_enum_members_are_known_values() {
        for value in ["name_ascending", "name_descending", "id_ascending"] {
            let mode: unions_fixture::types::SortMode = decode(json!(value));
            assert!(!format!("{mode:?}").contains("Unknown"), "{value} decoded as {mode:?}");
        }
    }

    #[test]
    fn fallback_member_takes_anything_else() {
        let known: WithFallback = decode(json!({"kind": "user", "login": "l"}));
        assert!(matches!(known, WithFallback::User(_)));
        let other: WithFallback = decode(json!([1, 2]));
        assert_eq!(other, WithFallback::Json(json!([1, 2])));
        assert_eq!(encode(&other), json!([1, 2]));
    }

    #[test]
    fn arrays_of_unions_and_nullable_unions() {
        let feed: Feed = decode(json!({
            "actors": [{"kind": "user", "login": "a"}],
            "values": [1, "x"],
            "entries": [],
            "maybe": null,
            "matrix": [[1, true], []]
        }));
        assert_eq!(feed.maybe, Some(Nullable::Null));
        assert_eq!(
            feed.matrix,
            Some(vec![
                vec![FeedMatrixItemItem::Integer(1), FeedMatrixItemItem::Bool(true)],
                vec![]
            ])
        );
        let feed: Feed = decode(json!({"actors": [], "values": [], "entries": [], "maybe": "m"}));
        assert_eq!(feed.maybe, Some(Nullable::Value(MaybeScalar::String("m".into()))));
        let results: Vec<SearchResponseItem> = decode(json!([
            {"kind": "user", "login": "u"},
            {"kind": "team", "slug": "t", "members": 1}
        ]));
        assert_eq!(
            results,
            vec![
                SearchResponseItem::User(User {
                    undeclared: Default::default(),
                    kind: "user".into(),
                    login: "u".into()
                }),
                SearchResponseItem::Team(Team {
                    undeclared: Default::default(),
                    kind: "team".into(),
                    slug: "t".into(),
                    members: 1
                })
            ]
        );
    }
}

mod recursion {
    use super::*;
    use recursive::types::{Dir, Expr, ListNode, TreeNode, A, B};

    #[test]
    fn tree_with_children_and_parent() {
        let input = json!({
            "value": "root",
            "children": [
                {"value": "a", "children": [{"value": "a1", "children": []}]},
                {"value": "b", "children": [], "parent": {"value": "root", "children": []}}
            ]
        });
        let tree: TreeNode = decode(input.clone());
        assert_eq!(tree.children[0].children[0].value, "a1");
        assert_eq!(tree.children[1].parent.as_ref().map(|p| p.value.as_str()), Some("root"));
        assert_eq!(encode(&tree), input);
    }

    #[test]
    fn linked_list_ends_in_null() {
        let input = json!({"value": 1, "next": {"value": 2, "next": {"value": 3, "next": null}}});
        let list: ListNode = decode(input.clone());
        let mut values = Vec::new();
        let mut node = Some(&list);
        while let Some(current) = node {
            values.push(current.value);
            node = current.next.as_deref();
        }
        assert_eq!(values, vec![1, 2, 3]);
        assert_eq!(encode(&list), input);
    }

    #[test]
    fn mutual_recursion_by_value() {
        let input = json!({"name": "outer", "b": {"a": {"name": "inner"}, "count": 2}});
        let a: A = decode(input.clone());
        let b: &B = a.b.as_deref().expect("b is present");
        assert_eq!(b.a.name, "inner");
        assert_eq!(b.a.b, None);
        assert_eq!(encode(&a), input);
        assert!(
            serde_json::from_value::<A>(json!({"name": "x", "b": {}})).is_err(),
            "B.a is required"
        );
    }

    #[test]
    fn recursion_through_maps_and_unions() {
        let dir: Dir = decode(json!({"entries": {"src": {"entries": {"lib": {"entries": {}}}}}}));
        assert!(dir.entries["src"].entries["lib"].entries.is_empty());
        let input = json!({"left": 1, "right": {"left": 2, "right": 3}});
        let expr: Expr = decode(input.clone());
        let Expr::Sum(sum) = &expr else {
            panic!("expected a sum, got {expr:?}");
        };
        assert_eq!(*sum.left, Expr::Integer(1));
        assert!(matches!(&*sum.right, Expr::Sum(_)));
        assert_eq!(encode(&expr), input);
    }
}

mod naming {
    use super::*;
    use names::types::{Collide, FooBar, FooBar2, FooBar3, ListPetsResponse, ListPetsResponse2, Type};

    #[test]
    fn keyword_and_odd_property_names_keep_their_wire_names() {
        let input = json!({
            "type": "t", "ref": "r", "async": true, "Self": "s", "super": 1, "": "empty", "123abc": "digits"
        });
        let value: Type = decode(input.clone());
        assert_eq!(value.r#type, "t");
        assert_eq!(value.r#ref, "r");
        assert!(value.r#async);
        assert_eq!(value.self_.as_deref(), Some("s"));
        assert_eq!(value.super_, Some(1));
        assert_eq!(value.value.as_deref(), Some("empty"));
        assert_eq!(value._123abc.as_deref(), Some("digits"));
        assert_eq!(encode(&value), input);
    }

    #[test]
    fn colliding_property_names_stay_distinct() {
        let input = json!({
            "ASC": "upper", "asc": "lower", "+1": 1, "-1": -1,
            "foo_bar": "snake", "fooBar": "camel", "FooBar": "pascal"
        });
        let value: Collide = decode(input.clone());
        assert_eq!(
            (value.asc.as_deref(), value.asc2.as_deref()),
            (Some("upper"), Some("lower"))
        );
        assert_eq!((value.plus_1, value.minus_1), (Some(1), Some(-1)));
        assert_eq!(value.foo_bar.as_deref(), Some("snake"));
        assert_eq!(value.foo_bar2.as_deref(), Some("camel"));
        assert_eq!(value.foo_bar3.as_deref(), Some("pascal"));
        assert_eq!(encode(&value), input);
    }

    #[test]
    fn colliding_schema_names_are_numbered() {
        let _: FooBar = decode(json!({"a": "1"}));
        let _: FooBar2 = decode(json!({"b": "2"}));
        assert_eq!(decode::<FooBar3>(json!("x")), FooBar3::X);
        // The component keeps its name; the inline `listPets` response is numbered.
        let _: ListPetsResponse = decode(json!({"component": true}));
        let inline: ListPetsResponse2 = decode(json!({"items": [{"type": "t", "ref": "r", "async": false}]}));
        assert_eq!(inline.items.len(), 1);
    }

    #[tokio::test]
    async fn same_name_in_path_query_and_header() {
        let server = loopback([tests::Reply::json(200, "{}")]).await;
        let client = names::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds");
        let _: Collide = client
            .pets_get_by_id("p1")
            .id2("q1")
            .id3("h1")
            .id4(4)
            .send()
            .await
            .expect("call succeeds");
        let request = single_request(&server);
        assert_eq!(request.path, "/api/v1/pets/p1");
        assert_eq!(request.query.as_deref(), Some("id=q1&ID=4"));
        assert_eq!(request.header("id"), Some("h1"));
    }

    #[tokio::test]
    async fn parameters_named_like_builder_members() {
        let server = loopback([tests::Reply::Respond {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }])
        .await;
        let client = names::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds");
        client
            ._2_delete_pet_now("p1", "c")
            .r#match("m")
            .self_(true)
            .crate_("cr")
            .timeout2(5)
            .header2("h")
            .options2("o")
            .send2(false)
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .expect("call succeeds");
        let request = single_request(&server);
        assert_eq!(request.method, "DELETE");
        assert_eq!(
            request.query.as_deref(),
            Some("match=m&self=true&timeout=5&client=c&options=o&send=false")
        );
        assert_eq!(request.header("crate"), Some("cr"));
        assert_eq!(request.header("header"), Some("h"));
    }
}

mod response_shapes {
    use super::*;
    use responses::types::{JobQueued, JobResult, ProblemDetails};
    use responses::{CreateJobError, CreateJobResponse};
    use tests::Reply;

    fn client(server: &tests::TestServer) -> responses::Client {
        responses::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds")
    }

    fn no_content(status: u16) -> Reply {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    #[tokio::test]
    async fn each_success_status_decodes_into_its_own_variant() {
        let server = loopback([
            Reply::json(200, r#"{"id":"j1","output":"done"}"#),
            Reply::json(202, r#"{"id":"j1","position":3}"#),
            Reply::json(203, r#"{}"#),
        ])
        .await;
        let client = client(&server);
        let finished = client.create_job().send().await.expect("200 decodes");
        assert!(matches!(&finished, CreateJobResponse::Status200(JobResult { output, .. }) if output == "done"));
        let queued = client.create_job().send().await.expect("202 decodes");
        assert!(matches!(&queued, CreateJobResponse::Status202(JobQueued { position, .. }) if *position == 3));
        let undocumented = client.create_job().send().await.expect_err("203 is not documented");
        assert!(
            matches!(undocumented, apigen_runtime::Error::UnexpectedResponse(_)),
            "{undocumented:?}"
        );
    }

    #[tokio::test]
    async fn problem_json_errors_keep_their_body() {
        let server = loopback([Reply::with_type(
            400,
            "application/problem+json",
            r#"{"type":"about:blank","title":"Bad","status":400}"#,
        )])
        .await;
        let error = client(&server).create_job().send().await.expect_err("400 is an error");
        let apigen_runtime::Error::Api(api) = &error else {
            panic!("expected an API error, got {error:?}");
        };
        assert_eq!(api.status, 400);
        let problem: ProblemDetails = decode(api.body.clone().expect("problem body is JSON"));
        assert_eq!(problem.title.as_deref(), Some("Bad"));
        // The operation's own error enum decodes the same body by status.
        match CreateJobError::from_error(&error) {
            Some(CreateJobError::Status400(problem)) => assert_eq!(problem.title.as_deref(), Some("Bad")),
            other => panic!("expected the documented 400 body, got {other:?}"),
        }
        assert_eq!(
            CreateJobError::from_error(&apigen_runtime::Error::Timeout {
                after: std::time::Duration::ZERO
            }),
            None
        );
    }

    #[tokio::test]
    async fn no_content_and_bodiless_errors() {
        let server = loopback([no_content(204), no_content(404), no_content(200)]).await;
        let client = client(&server);
        client.delete_job("j1").send().await.expect("204 is success");
        let error = client.delete_job("j2").send().await.expect_err("404 is an error");
        assert!(
            matches!(&error, apigen_runtime::Error::Api(api) if api.status == 404 && api.body.is_none()),
            "unexpected error: {error:?}"
        );
        client.ping().send().await.expect("HEAD with only a default response");
        assert_eq!(server.requests()[2].method, "HEAD");
    }

    #[tokio::test]
    async fn text_bytes_and_vendor_json_bodies() {
        let server = loopback([
            Reply::with_type(200, "text/plain; charset=utf-8", "line 1\nline 2"),
            Reply::with_type(200, "application/octet-stream", vec![0_u8, 159, 255]),
            Reply::with_type(200, "application/vnd.api+json", r#"{"id":"j1","output":"o"}"#),
        ])
        .await;
        let client = client(&server);
        assert_eq!(client.get_job_log("j1").send().await.expect("text"), "line 1\nline 2");
        assert_eq!(
            client.get_job_artifact("j1").send().await.expect("bytes").as_ref(),
            &[0_u8, 159, 255]
        );
        assert_eq!(client.get_job("j1").send().await.expect("2XX json").id, "j1");
    }
}

mod request_shapes {
    use super::*;
    use requests::types::{CreateTokenRequest, ListNotesSort, Note, UploadFileRequest, UploadFileRequestMeta};
    use tests::Reply;

    fn client(server: &tests::TestServer) -> requests::Client {
        requests::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds")
    }

    fn no_content() -> Reply {
        Reply::Respond {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    #[tokio::test]
    async fn multipart_body_sends_a_file_part_and_text_parts() {
        let server = loopback([no_content()]).await;
        let body = UploadFileRequest {
            description: Some("scan".into()),
            meta: Some(UploadFileRequestMeta {
                tags: Some(vec!["a".into()]),
            }),
            ..UploadFileRequest::new(apigen_runtime::Binary::from(vec![0u8, 1, 255]))
        };
        client(&server).upload_file(body).send().await.expect("call succeeds");
        let request = single_request(&server);
        let content_type = request.header("content-type").unwrap_or_default().to_owned();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap_or_else(|| panic!("not multipart: {content_type}"));
        let body = &request.body;
        let text = String::from_utf8_lossy(body);
        assert!(text.contains("name=\"file\"; filename=\"file\""), "{text}");
        assert!(
            body.windows(3).any(|window| window == [0u8, 1, 255]),
            "file bytes sent raw"
        );
        assert!(text.contains("name=\"description\"\r\n\r\nscan\r\n"), "{text}");
        assert!(text.contains("name=\"meta\"\r\n\r\n{\"tags\":[\"a\"]}\r\n"), "{text}");
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[tokio::test]
    async fn form_body_with_exploded_array() {
        let server = loopback([Reply::json(200, r#"{"token":"t"}"#)]).await;
        let body: CreateTokenRequest = decode(json!({"grant_type": "client_credentials", "scope": ["a", "b c"]}));
        let response = client(&server).create_token(body).send().await.expect("call succeeds");
        assert_eq!(response.token.as_deref(), Some("t"));
        let request = single_request(&server);
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            String::from_utf8_lossy(&request.body),
            "grant_type=client_credentials&scope=a&scope=b%20c"
        );
    }

    #[tokio::test]
    async fn form_field_with_json_encoding() {
        let server = loopback([Reply::json(200, "{}")]).await;
        let body: CreateTokenRequest = decode(json!({"grant_type": "g", "metadata": {"source": "cli"}}));
        client(&server).create_token(body).send().await.expect("call succeeds");
        let request = single_request(&server);
        assert_eq!(
            String::from_utf8_lossy(&request.body),
            "grant_type=g&metadata=%7B%22source%22%3A%22cli%22%7D"
        );
    }

    #[tokio::test]
    async fn octet_stream_body_and_headers() {
        let server = loopback([no_content()]).await;
        client(&server)
            .put_blob(
                "k 1",
                true,
                "s 1;x",
                apigen_runtime::bytes::Bytes::from_static(&[0, 1, 255]),
            )
            .content_md5("abc")
            .theme("dark")
            .send()
            .await
            .expect("call succeeds");
        let request = single_request(&server);
        assert_eq!(request.method, "PUT");
        assert_eq!(request.path, "/api/v1/blobs/k%201");
        assert_eq!(request.header("content-type"), Some("application/octet-stream"));
        assert_eq!(request.header("x-retry"), Some("true"));
        assert_eq!(request.header("content-md5"), Some("abc"));
        assert_eq!(request.header("cookie"), Some("session_id=s%201%3Bx; theme=dark"));
        assert_eq!(request.body, vec![0, 1, 255]);
    }

    #[tokio::test]
    async fn query_styles() {
        let server = loopback([Reply::json(200, "[]"), Reply::json(200, "[]")]).await;
        let client = client(&server);
        let notes: Vec<Note> = client
            .list_notes(ListNotesSort::Desc)
            .ids(vec![1, 2])
            .tags(vec!["a".into(), "b c".into()])
            .words(vec!["x".into(), "y".into()])
            .levels(vec!["p".into(), "q".into()])
            .filter(decode(json!({"author": "me"})))
            .point(decode(json!({"x": 1, "y": 2})))
            .r#box(decode(json!({"w": 3, "h": 4})))
            .send()
            .await
            .expect("call succeeds");
        assert!(notes.is_empty());
        client
            .list_notes(ListNotesSort::Asc)
            .send()
            .await
            .expect("call succeeds");
        let requests = server.requests();
        // The runtime percent-encodes the delimiters (`%2C`, `%20`, `%7C`) as well as the
        // same characters inside values, so `["a,b"]` and `["a", "b"]` are sent alike.
        assert_eq!(
            requests[0].query.as_deref(),
            Some("ids=1&ids=2&tags=a,b%20c&words=x%20y&levels=p|q&filter[author]=me&x=1&y=2&box=w,3,h,4&sort=desc")
        );
        assert_eq!(requests[1].query.as_deref(), Some("sort=asc"));
    }

    #[tokio::test]
    async fn several_media_types_send_json() {
        let server = loopback([no_content()]).await;
        client(&server)
            .create_note()
            .body(Note {
                undeclared: Default::default(),
                text: "hi".into(),
                pinned: Some(true),
            })
            .send()
            .await
            .expect("call succeeds");
        let request = single_request(&server);
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.json(), json!({"text": "hi", "pinned": true}));
    }
}

mod format_types {
    use super::*;
    use formats::types::Sample;

    fn sample_json() -> serde_json::Value {
        json!({
            "at": "2024-05-01T10:00:00.000Z",
            "day": "2024-05-01",
            "id": "6f1c2a8e-4b9d-4c1e-9f3a-2b7d5e8c0a11",
            "link": "https://example.com/x",
            "blob": "aGk=",
            "i32": -5,
            "i64": 9007199254740993_i64,
            "count": 0,
            "u64": 18446744073709551615_u64,
            "f32": 1.5,
            "custom": "#ff0000"
        })
    }

    #[test]
    fn formats_decode_and_reencode() {
        let sample: Sample = decode(sample_json());
        assert_eq!(
            sample.at.datetime().expect("a date-time").to_rfc3339(),
            "2024-05-01T10:00:00+00:00"
        );
        assert_eq!(sample.day.to_string(), "2024-05-01");
        assert_eq!(sample.i64, 9007199254740993);
        assert_eq!(sample.u64, Some(u64::MAX));
        assert_eq!(sample.custom.as_deref(), Some("#ff0000"));
        assert_eq!(encode(&sample), sample_json());
    }

    #[test]
    fn date_times_keep_their_offset_and_text() {
        for text in [
            "2011-04-14T16:00:49-04:00",
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:00.000Z",
            "2024-05-01T10:00:00.1234+05:30",
        ] {
            let mut input = sample_json();
            input["at"] = json!(text);
            let sample: Sample = decode(input.clone());
            assert_eq!(encode(&sample), input, "{text} changed on the way back");
        }
        let mut input = sample_json();
        input["at"] = json!("2011-04-14T16:00:49-04:00");
        let sample: Sample = decode(input);
        assert_eq!(
            sample.at.datetime().expect("a date-time").offset().local_minus_utc(),
            -4 * 3600
        );
        assert_eq!(
            sample.at.to_utc().expect("a date-time").to_rfc3339(),
            "2011-04-14T20:00:49+00:00"
        );
    }

    /// Numbers decoded from text and encoded again give the same text: serde_json's
    /// `float_roundtrip` is on (without it, some of these come back one digit off).
    #[test]
    fn floats_round_trip_exactly_through_text() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut checked = 0;
        while checked < 20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let value = f64::from_bits(state);
            if !value.is_finite() {
                continue;
            }
            checked += 1;
            let text = format!(
                r#"{{"at":"2024-05-01T10:00:00Z","day":"2024-05-01","id":"x","link":"l","blob":"","i32":1,"i64":1,"count":0,"f64":{}}}"#,
                serde_json::Number::from_f64(value).expect("finite")
            );
            let sample: Sample = serde_json::from_str(&text).expect("decodes");
            assert_eq!(sample.f64, Some(value), "{text}");
            assert_eq!(serde_json::to_string(&sample).expect("encodes"), text);
        }
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        for (field, value) in [
            ("i32", json!(3_000_000_000_u64)),
            ("count", json!(-1)),
            ("day", json!("2024-13-01")),
        ] {
            let mut input = sample_json();
            input[field] = value;
            assert!(
                serde_json::from_value::<Sample>(input).is_err(),
                "`{field}` accepted an out-of-range value"
            );
        }
    }

    #[test]
    fn a_date_time_that_is_not_one_is_kept_as_text_not_fatal() {
        let mut input = sample_json();
        input["at"] = json!("yesterday");
        let sample: Sample = serde_json::from_value(input.clone()).expect("the rest of the object still decodes");
        assert!(!sample.at.is_valid());
        assert_eq!(sample.at.as_str(), "yesterday");
        assert_eq!(
            serde_json::to_value(&sample).expect("encodes")["at"],
            json!("yesterday")
        );
        input["at"] = json!("2021-01-17T12:34:00.000+0000");
        let sample: Sample = serde_json::from_value(input).expect("decodes");
        assert_eq!(
            sample.at.to_utc().expect("a date-time").to_rfc3339(),
            "2021-01-17T12:34:00+00:00"
        );
    }
}

mod ref_kinds {
    use super::*;
    use refs::types::{GetBrokenResponse, Item, ItemAliasAlias};
    use tests::Reply;

    fn client(server: &tests::TestServer) -> refs::Client {
        refs::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds")
    }

    #[tokio::test]
    async fn parameter_and_response_refs_resolve() {
        let server = loopback([
            Reply::json(200, r#"{"key":"k1","name":"n","parent":{"key":"k0","name":"root"}}"#)
                .header("x-rate-limit", "9"),
        ])
        .await;
        let client = client(&server);
        let item: Item = client.get_item("k1").limit(5).send().await.expect("call succeeds");
        assert_eq!(item.parent.map(|p| p.key), Some("k0".to_owned()));
        let request = single_request(&server);
        assert_eq!(request.path, "/api/v1/items/k1");
        // `$ref: Missing` was skipped (with a diagnostic); only `limit` is sent.
        assert_eq!(request.query.as_deref(), Some("limit=5"));
        // The `pattern` of the referenced schema still applies to the path parameter.
        let error = client
            .get_item("Not Valid")
            .send()
            .await
            .expect_err("pattern ^[a-z0-9]+$");
        assert!(
            matches!(&error, apigen_runtime::Error::InvalidArgument { name, .. } if name == "itemId"),
            "unexpected error: {error:?}"
        );
    }

    #[tokio::test]
    async fn request_body_ref_through_alias_chain() {
        let server = loopback([Reply::json(200, r#"{"key":"k1","name":"n"}"#)]).await;
        let body: ItemAliasAlias = Item {
            undeclared: Default::default(),
            key: "k1".into(),
            name: "n".into(),
            parent: None,
        };
        let updated = client(&server)
            .put_item("k1", body)
            .send()
            .await
            .expect("call succeeds");
        assert_eq!(updated.name, "n");
        assert_eq!(single_request(&server).json(), json!({"key": "k1", "name": "n"}));
    }

    #[test]
    fn missing_targets_become_json_values() {
        let broken: GetBrokenResponse = decode(json!({
            "ok": "yes", "gone": {"any": ["thing"]}, "slashy": {"slash": true}, "name": "n", "nowhere": 1
        }));
        assert_eq!(broken.gone, Some(Nullable::Value(json!({"any": ["thing"]}))));
        assert_eq!(broken.slashy.and_then(|s| s.slash), Some(true));
        // A `$ref` into another schema's property is typed like that property.
        assert_eq!(broken.name.as_deref(), Some("n"));
        assert_eq!(broken.nowhere, Some(Nullable::Value(json!(1))));
    }

    #[tokio::test]
    async fn refs_inside_components_are_typed_like_their_targets() {
        use refs::types::{Conflict, Escalated, IncidentUrgency, IncidentsItem, Level, ListIncidentsResponse};
        let body = json!({
            "first": {"id": "i1"},
            "urgency": "high",
            "conflict": {"reason": "taken"},
            "escalated": {"id": "i2", "urgency": "low"}
        });
        let server = loopback([Reply::json(200, body.to_string())]).await;
        let response: ListIncidentsResponse = client(&server)
            .list_incidents()
            .urgency(IncidentUrgency::High)
            .level(Level::Low)
            .send()
            .await
            .expect("call succeeds");
        assert_eq!(single_request(&server).query.as_deref(), Some("urgency=high&level=low"));
        let first: Option<IncidentsItem> = response.first.clone();
        assert_eq!(first.map(|item| item.id).as_deref(), Some("i1"));
        assert_eq!(response.urgency, Some(IncidentUrgency::High));
        let conflict: Option<Conflict> = response.conflict.clone();
        assert_eq!(conflict.map(|c| c.reason).as_deref(), Some("taken"));
        // An allOf member given as a `$ref` into another component's items is merged.
        let escalated: Escalated = response.escalated.clone().expect("present");
        assert_eq!(
            (escalated.id.as_str(), escalated.urgency),
            ("i2", Some(IncidentUrgency::Low))
        );
        assert_eq!(encode(&response), body);
    }
}

/// Names taken from the prelude and from the generated files' own imports compile,
/// and the types behind them still work.
mod hostile_names {
    use super::*;
    use names_hostile::types::{IntoFuture, Pin, Result2, Tree};

    #[test]
    fn self_containing_array_is_a_transparent_newtype() {
        let input = json!([[], [[]]]);
        let tree: Tree = decode(input.clone());
        assert_eq!(tree.0.len(), 2);
        assert_eq!(tree.0[1].0.len(), 1);
        assert_eq!(encode(&tree), input);
    }

    #[test]
    fn keyword_and_colliding_properties_keep_their_wire_names() {
        let input = json!({"type": "t", "self": "s", "": "empty", "1x": 1, "é": "e", "id": "a", "Id": "b", "ID": "c"});
        let pin: Pin = decode(input.clone());
        assert_eq!(pin.r#type.as_deref(), Some("t"));
        assert_eq!(encode(&pin), input);
        let extra: IntoFuture = decode(json!({"additional_properties": "own", "n": 1}));
        assert_eq!(extra.additional_properties2, "own");
        assert_eq!(extra.additional_properties.get("n"), Some(&1));
        assert!(matches!(decode::<Result2>(json!({"none": "x"})), Result2::Box2(_)));
    }

    #[tokio::test]
    async fn paginated_operation_keeps_items_and_pages_parameters() {
        let server = loopback([tests::Reply::json(200, json!({"data": ["a"]}).to_string())]).await;
        let client = names_hostile::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds");
        let items: Vec<_> = futures_util::StreamExt::collect(client.list_pages().items2(5).pages2(2).items()).await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_deref().ok(), Some("a"));
        assert_eq!(single_request(&server).query.as_deref(), Some("items=5&pages=2"));
    }
}

/// The client generated from the Swagger 2.0 fixture speaks the API the 2.0 document
/// describes: collection formats, JSON, form, multipart and tar bodies, examples.
mod swagger2_client {
    use super::*;
    use swagger2::types::{Dog, NewDog, TeachTrickRequest, UploadPhotoRequest};
    use tests::Reply;

    fn client(server: &tests::TestServer) -> swagger2::Client {
        // The document requires its `apiKey` scheme (from `securityDefinitions`).
        swagger2::Client::builder()
            .base_url(server.base_url())
            .api_key("k-123")
            .max_retries(0)
            .build()
            .expect("client builds")
    }

    fn no_content() -> Reply {
        Reply::Respond {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    #[test]
    fn servers_come_from_host_base_path_and_schemes() {
        assert_eq!(swagger2::DEFAULT_BASE_URL, "https://kennel.example.com/api");
    }

    #[tokio::test]
    async fn collection_formats_are_sent_as_their_styles_and_the_example_decodes() {
        let server = loopback([Reply::json(
            200,
            r#"[{"id": 1, "name": "Rex", "kind": "Dog", "owner": null}]"#,
        )])
        .await;
        let dogs = client(&server)
            .list_dogs()
            .limit(2)
            .ids(vec![1, 2])
            .names(vec!["a".into(), "b".into()])
            .colors(vec!["red".into(), "tan".into()])
            .tags(vec!["x".into(), "y".into()])
            .send()
            .await
            .expect("call succeeds");
        assert_eq!(dogs[0].name, "Rex");
        assert_eq!(
            dogs[0].owner,
            Some(Nullable::Null),
            "x-nullable: an explicit null is kept"
        );
        let request = single_request(&server);
        assert_eq!(request.path, "/api/v1/dogs");
        assert_eq!(
            request.query.as_deref(),
            Some("limit=2&ids=1,2&names=a%20b&colors=red|tan&tags=x&tags=y")
        );
    }

    #[tokio::test]
    async fn a_body_parameter_is_a_json_body() {
        let server = loopback([Reply::json(201, r#"{"id": 7, "name": "Ace", "kind": "Dog"}"#)]).await;
        let dog: Dog = client(&server)
            .create_dog(NewDog::new("Ace"))
            .send()
            .await
            .expect("call succeeds");
        assert_eq!(dog.id, 7);
        let request = single_request(&server);
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(request.json(), json!({"name": "Ace"}));
        // `securityDefinitions.apiKey` (`in: header`, `name: X-Api-Key`), required globally.
        assert_eq!(request.header("x-api-key"), Some("k-123"));
    }

    #[tokio::test]
    async fn form_data_is_a_form_or_multipart_body() {
        let server = loopback([no_content(), no_content()]).await;
        let body = TeachTrickRequest {
            cues: Some(vec!["hand".into(), "word".into()]),
            ..TeachTrickRequest::new("sit")
        };
        client(&server)
            .teach_trick(3, body)
            .send()
            .await
            .expect("form call succeeds");
        let photo = UploadPhotoRequest::new(apigen_runtime::Binary::from(vec![9u8, 8]));
        client(&server)
            .upload_photo(3, photo)
            .send()
            .await
            .expect("multipart call succeeds");
        let requests = server.requests();
        assert_eq!(
            requests[0].header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            String::from_utf8_lossy(&requests[0].body),
            "trick=sit&cues=hand&cues=word"
        );
        let content_type = requests[1].header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        assert!(requests[1].body.windows(2).any(|window| window == [9u8, 8]));
    }

    #[tokio::test]
    async fn tar_archives_travel_as_bytes() {
        let tar = Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/x-tar".into())],
            body: vec![1, 2, 3],
        };
        let server = loopback([tar, no_content()]).await;
        let archive = client(&server).export_kennel().send().await.expect("export succeeds");
        assert_eq!(archive.as_ref(), [1u8, 2, 3]);
        client(&server)
            .import_kennel(apigen_runtime::bytes::Bytes::from_static(&[4, 5]))
            .send()
            .await
            .expect("import succeeds");
        let requests = server.requests();
        assert_eq!(requests[1].method, "PUT");
        assert_eq!(requests[1].header("content-type"), Some("application/x-tar"));
        assert_eq!(requests[1].body, vec![4, 5]);
    }
}

/// The client generated from the OpenAPI 3.2 fixture: the `QUERY` method and an
/// additional `COPY` operation go out with their methods, a `querystring` object
/// becomes query parameters, and the items of a JSON Lines body are typed.
mod openapi32_client {
    use super::*;
    use openapi32::types::{Item, Search};
    use tests::Reply;

    fn client(server: &tests::TestServer) -> openapi32::Client {
        openapi32::Client::builder()
            .base_url(server.base_url())
            .max_retries(0)
            .build()
            .expect("client builds")
    }

    #[tokio::test]
    async fn query_and_additional_methods_are_sent_as_written() {
        let no_content = Reply::Respond {
            status: 204,
            headers: Vec::new(),
            body: Vec::new(),
        };
        let server = loopback([Reply::json(200, r#"[{"id": "a"}]"#), no_content]).await;
        let search = Search {
            text: Some("lamp".into()),
        };
        let found = client(&server)
            .search_items(search)
            .send()
            .await
            .expect("QUERY succeeds");
        assert_eq!(found[0].id, "a");
        client(&server)
            .copy_items("/archive")
            .send()
            .await
            .expect("COPY succeeds");
        let requests = server.requests();
        assert_eq!(requests[0].method, "QUERY");
        assert_eq!(requests[0].json(), json!({"text": "lamp"}));
        assert_eq!(requests[1].method, "COPY");
        assert_eq!(requests[1].header("destination"), Some("/archive"));
    }

    #[tokio::test]
    async fn a_querystring_object_is_sent_as_query_parameters() {
        let server = loopback([Reply::json(200, "[]")]).await;
        client(&server)
            .list_items("new")
            .limit(5)
            .kinds(vec!["a".into(), "b".into()])
            .send()
            .await
            .expect("call succeeds");
        let request = single_request(&server);
        assert_eq!(request.query.as_deref(), Some("tag=new&limit=5&kinds=a&kinds=b"));
    }

    #[tokio::test]
    async fn json_lines_items_have_a_generated_type() {
        let lines = Reply::Respond {
            status: 200,
            headers: vec![("content-type".into(), "application/jsonl".into())],
            body: b"{\"id\": \"1\"}\n{\"id\": \"2\", \"name\": null}\n".to_vec(),
        };
        let server = loopback([lines]).await;
        // `itemSchema` is the type of each streamed line.
        let stream = client(&server).item_feed().send().await.expect("call succeeds");
        let items: Vec<Item> = futures_util::StreamExt::collect::<Vec<_>>(stream)
            .await
            .into_iter()
            .map(|item| item.expect("each line is an Item"))
            .collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].name, Some(Nullable::Null));
    }
}

/// The client generated from a description split over 13 files
/// (`fixtures/multi/shop/`): operations written as `$ref`s to files, a cycle of
/// schemas across a YAML and a JSON file, a published example in another file.
mod multi_shop_client {
    use super::*;
    use multi_shop::types::{DropletCreate, DropletsListResponse};

    fn published_example() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/multi/shop/responses/examples.json"
        );
        let text = std::fs::read_to_string(path).expect("the example file is readable");
        let examples: serde_json::Value = serde_json::from_str(&text).expect("the example file is JSON");
        examples["two_droplets"]["value"].clone()
    }

    #[tokio::test]
    async fn the_published_example_decodes_through_the_cycle_and_back() {
        let example = published_example();
        let server = loopback([tests::Reply::json(200, example.to_string())]).await;
        let client = multi_shop::Client::builder()
            .base_url(server.base_url())
            .bearer_token("t")
            .max_retries(0)
            .build()
            .expect("client builds");
        let page: DropletsListResponse = client.droplets_list().per_page(2).send().await.expect("call succeeds");
        assert_eq!(page.droplets.len(), 2);
        let flagship = page.droplets[1]
            .region
            .as_ref()
            .and_then(|region| region.flagship.as_ref())
            .expect("the second droplet's region names a flagship droplet");
        assert_eq!((flagship.id, flagship.name.as_str()), (3, "edge"));
        assert_eq!(page.droplets[0].cidr.as_deref(), Some("10.0.0.0/24"));
        let request = single_request(&server);
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("GET", "/api/v1/droplets")
        );
        assert_eq!(request.query.as_deref(), Some("per_page=2"));
        assert_eq!(request.header("authorization"), Some("Bearer t"));
    }

    #[tokio::test]
    async fn a_request_body_from_another_file_is_sent_as_json() {
        let server = loopback([tests::Reply::json(201, r#"{"droplet": {"id": 9, "name": "new"}}"#)]).await;
        // The description's `bearer_auth` scheme (declared in the root document).
        let client = multi_shop::Client::builder()
            .base_url(server.base_url())
            .bearer_token("t")
            .max_retries(0)
            .build()
            .expect("client builds");
        let mut body = DropletCreate::new("new".to_owned());
        body.region = Some("nyc1".to_owned());
        let created = client.droplets_create(body).send().await.expect("call succeeds");
        assert_eq!(created.droplet.map(|droplet| droplet.id), Some(9));
        let request = single_request(&server);
        assert_eq!(request.json(), json!({"name": "new", "region": "nyc1"}));
    }
}
