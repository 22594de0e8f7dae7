//! Resources: the functional areas of the platform a permission applies to.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::access::AccessLevel;
use crate::catalog::{self, CatalogEntry, Group};

/// A resource name as sent on the wire.
///
/// Names the catalog knows are stored in their snake_case wire form (so
/// `data-planes` becomes `data_planes`); any other name is kept exactly as
/// given, because the platform adds resources over time.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct Resource(String);

impl Resource {
    /// A resource from a wire value. Never fails.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        // Only a hyphenated name can differ from its wire form; the rest are
        // kept as they are without searching the catalog (a list of 1,000
        // keys reads thousands of these).
        if !name.contains('-') {
            return Self(name);
        }
        match catalog::lookup(&name) {
            Some(entry) if entry.wire != name => Self(entry.wire.to_owned()),
            _ => Self(name),
        }
    }

    /// A resource from user input: known names in any case, spaces ignored.
    pub fn from_input(name: &str) -> Self {
        let trimmed = name.trim();
        match catalog::lookup(&trimmed.to_ascii_lowercase()) {
            Some(entry) => Self(entry.wire.to_owned()),
            None => Self(trimmed.to_owned()),
        }
    }

    pub fn as_wire(&self) -> &str {
        &self.0
    }

    /// The catalog row, when the resource is one the catalog knows.
    pub fn entry(&self) -> Option<&'static CatalogEntry> {
        catalog::lookup(&self.0)
    }

    pub fn is_known(&self) -> bool {
        self.entry().is_some()
    }

    /// The documentation's name (`DataStreams`), or the wire name if unknown.
    pub fn display_name(&self) -> &str {
        self.entry().map_or(self.0.as_str(), |e| e.display)
    }

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

    /// Every resource in the catalog, in catalog order.
    pub fn all_known() -> impl Iterator<Item = Resource> {
        catalog::CATALOG.iter().map(|e| Resource(e.wire.to_owned()))
    }
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
        assert_eq!(Resource::new("data-planes").as_wire(), "data_planes");
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
}
