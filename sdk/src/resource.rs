//! Resources: the functional areas of the platform a permission applies to.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::AccessLevel;
use crate::catalog::{self, CatalogEntry, Group};

/// A resource name as sent on the wire.
///
/// A name from the server is kept exactly as sent, byte for byte
/// (`data-planes` stays `data-planes`): the real API's spellings are not all
/// published, and a successor must hold exactly what its predecessor held.
/// Only what a user types is normalised ([`Resource::from_input`]).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct Resource(String);

impl Resource {
    /// A resource from a wire value, kept as it is. Never fails.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// A resource from user input: known names in any case, spaces ignored.
    pub fn from_input(name: &str) -> Self {
        let trimmed = name.trim();
        match catalog::lookup(&trimmed.to_ascii_lowercase()) {
            Some(entry) => Self(entry.wire.to_owned()),
            None => Self(trimmed.to_owned()),
        }
    }

    /// The resource as the API spells it, byte for byte as received or typed.
    pub fn as_wire(&self) -> &str {
        &self.0
    }

    /// The catalog row, when the resource is one the catalog knows.
    pub fn entry(&self) -> Option<&'static CatalogEntry> {
        catalog::lookup(&self.0)
    }

    /// Whether the catalog knows the resource.
    pub fn is_known(&self) -> bool {
        self.entry().is_some()
    }

    /// The documentation's name (`DataStreams`), or the wire name if unknown.
    pub fn display_name(&self) -> &str {
        self.entry().map_or(self.0.as_str(), |e| e.display)
    }

    /// The catalog group the resource belongs to, if known.
    pub fn group(&self) -> Option<Group> {
        self.entry().map(|e| e.group)
    }

    /// Whether the catalog allows `access` on this resource. Unknown resources,
    /// and levels the catalog does not describe, are not judged: `None`.
    pub fn supports(&self, access: &AccessLevel) -> Option<bool> {
        let entry = self.entry()?;
        match access {
            AccessLevel::Read => Some(entry.read),
            AccessLevel::Write => Some(entry.write),
            _ => None,
        }
    }

    /// For a name the catalog does not know, the catalog resource it was most
    /// likely meant to be: the same letters with case, `-`, `_` or spaces
    /// changed (`DataStreams`), a singular for a plural (`dataset`), or a name
    /// a typo or two away (`datsets`). `None` for a known name, or when
    /// nothing is close.
    pub fn suggestion(&self) -> Option<Resource> {
        if self.is_known() {
            return None;
        }
        nearest(&self.0).map(|wire| Resource(wire.to_owned()))
    }

    /// Every resource in the catalog, in catalog order.
    pub fn all_known() -> impl Iterator<Item = Resource> {
        catalog::CATALOG.iter().map(|e| Resource(e.wire.to_owned()))
    }
}

/// The catalog wire name nearest to `name`, if it is close enough to be a typo.
pub(crate) fn nearest(name: &str) -> Option<&'static str> {
    let wires: Vec<&'static str> = catalog::CATALOG.iter().map(|e| e.wire).collect();
    crate::suggest::closest(name, &wires, 3, false)
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Resource({:?})", self.0)
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Resource {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<Resource> for String {
    /// The wire name, given back (so its buffer can be reused).
    fn from(resource: Resource) -> Self {
        resource.0
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphenated_known_name_is_sent_snake_case_and_unknown_kept() {
        assert_eq!(Resource::new("data-planes").as_wire(), "data-planes");
        assert_eq!(Resource::new("data-planes").display_name(), "DataPlanes");
        assert_eq!(Resource::from_input("data-planes").as_wire(), "data_planes");
        assert_eq!(Resource::new("uploads").as_wire(), "uploads");
        assert_eq!(Resource::new("Some-New_Thing").as_wire(), "Some-New_Thing");
        assert_eq!(Resource::from_input(" DataSets ").as_wire(), "datasets");
    }

    #[test]
    fn supports_follows_the_catalog() {
        let em = Resource::new("encryption_materials");
        assert_eq!(em.supports(&AccessLevel::Read), Some(false));
        assert_eq!(em.supports(&AccessLevel::Write), Some(true));
        assert_eq!(em.supports(&AccessLevel::Admin), None);
        assert_eq!(Resource::new("uploads").supports(&AccessLevel::Read), None);
    }

    #[test]
    fn a_near_miss_suggests_the_catalog_name() {
        let suggest = |typed: &str| {
            Resource::from_input(typed)
                .suggestion()
                .map(|r| r.as_wire().to_owned())
        };
        assert_eq!(suggest("dataset").as_deref(), Some("datasets"));
        assert_eq!(suggest("datsets").as_deref(), Some("datasets"));
        assert_eq!(suggest("DataStreams").as_deref(), Some("data_streams"));
        assert_eq!(suggest("data-stream").as_deref(), Some("data_streams"));
        assert_eq!(suggest("acces_token").as_deref(), Some("access_tokens"));
        assert_eq!(suggest("user").as_deref(), Some("users"));
        assert_eq!(suggest("app").as_deref(), Some("apps"));
        assert_eq!(suggest("datasets"), None, "known: nothing to suggest");
        assert_eq!(suggest("uploads"), None, "nothing close");
        assert_eq!(suggest(""), None);
        assert_eq!(suggest(&"x".repeat(10_000)), None);
    }
}
