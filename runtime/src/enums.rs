//! Decoding helpers for generated open string enums.

use serde::de::{Deserializer, Error, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Decodes a JSON string and maps it with `from`, without allocating for borrowed input.
pub fn deserialize_str<'de, D, T>(deserializer: D, from: fn(&str) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<T>(fn(&str) -> T, PhantomData<T>);
    impl<T> Visitor<'_> for StrVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: Error>(self, value: &str) -> Result<T, E> {
            Ok((self.0)(value))
        }
    }
    deserializer.deserialize_str(StrVisitor(from, PhantomData))
}

/// Declares an open string enum: one variant per known wire value plus
/// `Unknown(String)`, so a value added by the server later still decodes. The enum gets
/// `as_str`, `From<&str>`, `FromStr` (infallible), `Display`, `Serialize` and
/// `Deserialize` (borrowing, no allocation for known values), and derives `Debug`,
/// `Clone`, `PartialEq`, `Eq`, `Hash`, `PartialOrd` and `Ord`.
///
/// ```
/// apigen_runtime::open_enum! {
///     /// A campaign's state.
///     pub enum Status {
///         /// `active`
///         Active = "active",
///         /// `paused`
///         Paused = "paused",
///     }
/// }
/// assert_eq!("paused".parse::<Status>().unwrap(), Status::Paused);
/// assert_eq!(Status::from("archived"), Status::Unknown("archived".into()));
/// assert_eq!(Status::Active.to_string(), "active");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_attr:meta])* $variant:ident = $wire:literal,)*
        }
    ) => {
        $(#[$attr])*
        ///
        /// Values this crate does not know decode as `Unknown`, so a new server value
        /// never breaks decoding.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[$variant_attr])* $variant,)*
            /// A value not known to this version of the crate.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::enums::deserialize_str(deserializer, |value| Self::from(value))
            }
        }
    };
}
