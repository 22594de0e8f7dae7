//! Access levels: what a permission allows on its resource.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An access level as it appears on the wire.
///
/// The product offers `read` and `write`. `admin`, `create` and `revise` exist on
/// the wire and must survive a round trip; anything else the platform may add is
/// kept verbatim in [`AccessLevel::Other`] rather than dropped.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(type = "\"read\" | \"write\" | \"admin\" | \"create\" | \"revise\" | (string & {})")
)]
pub enum AccessLevel {
    /// Read the resource.
    Read,
    /// Create, change and delete the resource.
    Write,
    /// Administer the resource (a level the catalog does not grant; kept if the server sends it).
    Admin,
    /// Create only (kept if the server sends it).
    Create,
    /// Revise only (kept if the server sends it).
    Revise,
    /// A level this crate does not know, kept verbatim as the server spelled it.
    Other(String),
}

impl AccessLevel {
    /// Parses a wire value. Never fails: unknown levels are kept verbatim.
    pub fn from_wire(value: &str) -> Self {
        match value {
            "read" => Self::Read,
            "write" => Self::Write,
            "admin" => Self::Admin,
            "create" => Self::Create,
            "revise" => Self::Revise,
            other => Self::Other(other.to_owned()),
        }
    }

    /// Parses user input: known levels in any case, surrounding space ignored.
    pub fn from_input(value: &str) -> Self {
        let trimmed = value.trim();
        match Self::from_wire(&trimmed.to_ascii_lowercase()) {
            Self::Other(_) => Self::Other(trimmed.to_owned()),
            known => known,
        }
    }

    /// The level as the API spells it (`read`, `write`, or an unknown level verbatim).
    pub fn as_wire(&self) -> &str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
            Self::Create => "create",
            Self::Revise => "revise",
            Self::Other(s) => s,
        }
    }

    /// `read` and `write` are the levels the product offers and the catalog describes.
    pub fn is_offered(&self) -> bool {
        matches!(self, Self::Read | Self::Write)
    }

    /// For a level the API does not know (`raed`, `wirte`), the offered level
    /// it was most likely meant to be; `None` for any other level, or when
    /// neither is close.
    pub fn suggestion(&self) -> Option<AccessLevel> {
        let Self::Other(typed) = self else {
            return None;
        };
        crate::suggest::closest(typed, &["read", "write"], 2, false).map(Self::from_wire)
    }

    /// Levels the OpenAPI document enumerates; anything else is unknown to it.
    pub fn is_documented(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_wire())
    }
}

impl Serialize for AccessLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_wire())
    }
}

impl<'de> Deserialize<'de> for AccessLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than `String`: known levels need no allocation.
        struct Level;
        impl serde::de::Visitor<'_> for Level {
            type Value = AccessLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an access level such as read or write")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AccessLevel, E> {
                Ok(AccessLevel::from_wire(v))
            }
        }
        d.deserialize_str(Level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_level_suggests_read_or_write() {
        let suggest = |typed: &str| AccessLevel::from_input(typed).suggestion();
        assert_eq!(suggest("raed"), Some(AccessLevel::Read));
        assert_eq!(suggest("reads"), Some(AccessLevel::Read));
        assert_eq!(suggest("wirte"), Some(AccessLevel::Write));
        assert_eq!(suggest("WRTE"), Some(AccessLevel::Write));
        assert_eq!(suggest("read"), None, "known");
        assert_eq!(suggest("admin"), None, "a wire level, not a typo");
        assert_eq!(suggest("delete"), None, "nothing close");
    }
}
