//! Permissions and normalised sets of them, with the compact `read:datasets` form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::access::AccessLevel;
use crate::resource::Resource;

/// An access level on a resource: `{"access": "read", "resource": "datasets"}`.
///
/// Ordered by resource, then access, so sets print grouped by resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Permission {
    /// The access level (read, write, or one kept verbatim).
    pub access: AccessLevel,
    /// The resource, as the server spells it.
    pub resource: Resource,
}

impl Ord for Permission {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.resource, &self.access).cmp(&(&other.resource, &other.access))
    }
}

impl PartialOrd for Permission {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Permission {
    /// `access` on `resource`.
    pub fn new(access: AccessLevel, resource: impl Into<Resource>) -> Self {
        Self {
            access,
            resource: resource.into(),
        }
    }

    /// Read on `resource`.
    pub fn read(resource: impl Into<Resource>) -> Self {
        Self::new(AccessLevel::Read, resource)
    }

    /// Write on `resource`.
    pub fn write(resource: impl Into<Resource>) -> Self {
        Self::new(AccessLevel::Write, resource)
    }

    /// Checks a permission a person typed: its resource must be in the
    /// catalog and its level read or write. A miss is most often a typo, so
    /// it comes with the likeliest meaning: `read:dataset` → `read:datasets`,
    /// `datasets:read` → `read:datasets`, `raed:views` → `read:views`.
    ///
    /// Only for input: a permission the server sent is kept and sent back as
    /// it is, known or not. Whether the resource supports the level is
    /// [`Permission::is_supported`]'s question, not this one's.
    pub fn check_known(&self) -> Result<(), NotInCatalog> {
        if self.resource.is_known() && self.access.is_offered() {
            return Ok(());
        }
        let miss = |reason: String, suggestion: Option<Permission>| NotInCatalog {
            permission: self.clone(),
            reason,
            suggestion,
        };
        // `datasets:read`: the resource written first.
        let level_last = AccessLevel::from_input(self.resource.as_wire());
        if level_last.is_offered()
            && !self.access.is_offered()
            && let Some(wire) = crate::resource::nearest(self.access.as_wire())
        {
            return Err(miss(
                "the resource comes first; a permission is written access:resource".to_owned(),
                Some(Permission::new(level_last, wire)),
            ));
        }
        let mut reason = String::new();
        let level = match &self.access {
            AccessLevel::Read | AccessLevel::Write => Some(self.access.clone()),
            AccessLevel::Other(level) => {
                reason = format!("unknown access level `{level}` (use read or write)");
                self.access.suggestion()
            }
            wire_only => {
                reason = format!(
                    "`{wire_only}` is a level the product does not offer (use read or write)"
                );
                None
            }
        };
        let resource = if self.resource.is_known() {
            Some(self.resource.clone())
        } else {
            if !reason.is_empty() {
                reason.push_str(" and ");
            }
            reason.push_str("unknown resource `");
            reason.push_str(self.resource.as_wire());
            reason.push('`');
            self.resource.suggestion()
        };
        let suggestion = match (level, resource) {
            (Some(access), Some(resource)) => Some(Permission { access, resource }),
            _ => None,
        };
        Err(miss(reason, suggestion))
    }

    /// `false` when the catalog knows the resource and says it has no such level.
    pub fn is_supported(&self) -> bool {
        self.resource.supports(&self.access) != Some(false)
    }
}

/// Why a permission someone typed is not one the catalog offers: a resource
/// it does not list, or a level other than read and write. See
/// [`Permission::check_known`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInCatalog {
    /// The permission as typed.
    pub permission: Permission,
    /// What is wrong with it, e.g. "unknown resource `dataset`".
    pub reason: String,
    /// The catalog permission it was most likely meant to be.
    pub suggestion: Option<Permission>,
}

impl fmt::Display for NotInCatalog {
    /// `unknown resource `dataset`; did you mean read:datasets?`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean {s}?"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for NotInCatalog {}

/// Why a compact permission could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a permission: {reason}")]
pub struct PermissionParseError {
    /// What was given.
    pub input: String,
    /// What is wrong with it, and what would be right.
    pub reason: String,
}

impl FromStr for Permission {
    type Err = PermissionParseError;

    /// Reads `access:resource`, e.g. `read:datasets` or `write:data-streams`.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| PermissionParseError {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let (access, resource) = input
            .split_once(':')
            .ok_or_else(|| fail("write it as access:resource, for example read:datasets"))?;
        let (access, resource) = (access.trim(), resource.trim());
        if access.is_empty() {
            return Err(fail(
                "the access level before ':' is missing (read or write)",
            ));
        }
        if resource.is_empty() {
            return Err(fail(
                "the resource after ':' is missing, for example read:datasets",
            ));
        }
        if resource.contains(':') {
            return Err(fail(
                "it holds more than one ':'; write one permission as access:resource",
            ));
        }
        if has_space_or_control(access) || has_space_or_control(resource) {
            return Err(fail(
                "access levels and resources hold no spaces or control characters",
            ));
        }
        Ok(Self::new(
            AccessLevel::from_input(access),
            Resource::from_input(resource),
        ))
    }
}

fn has_space_or_control(s: &str) -> bool {
    s.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl fmt::Display for Permission {
    /// The compact form: `read:datasets`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.access, self.resource)
    }
}

/// What changing one permission set into another grants and drops, each in
/// the sets' order; computed once by [`PermissionDiff::between`] for every
/// front end (the CLI's `update`, the npm `updateKey`, the terminal UI's
/// review step).
///
/// Serialised as `{"added": [...], "removed": [...]}`, each permission in
/// its compact form (`read:datasets`), as the CLI's `--json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PermissionDiff {
    /// Held by the new set and not by the old one.
    #[serde(rename = "added", serialize_with = "compact_list")]
    pub granted: Vec<Permission>,
    /// Held by the old set and not by the new one.
    #[serde(rename = "removed", serialize_with = "compact_list")]
    pub dropped: Vec<Permission>,
}

impl PermissionDiff {
    /// What going from `old` to `new` grants and drops.
    pub fn between(old: &PermissionSet, new: &PermissionSet) -> Self {
        Self {
            granted: new.difference(old).cloned().collect(),
            dropped: old.difference(new).cloned().collect(),
        }
    }

    /// True when nothing is granted or dropped.
    pub fn is_empty(&self) -> bool {
        self.granted.is_empty() && self.dropped.is_empty()
    }
}

/// Permissions as their compact strings: `["read:datasets"]`.
fn compact_list<S: serde::Serializer>(list: &[Permission], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(ToString::to_string))
}

/// A key's permissions: sorted by resource then access, without duplicates.
///
/// Unknown resources and access levels are kept: a set read from the server
/// and sent back unchanged is the same set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(transparent)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "Permission[]"))]
pub struct PermissionSet(Vec<Permission>);

impl PermissionSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `permission`; `false` when the set held it already.
    pub fn insert(&mut self, permission: Permission) -> bool {
        match self.0.binary_search(&permission) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, permission);
                true
            }
        }
    }

    /// Removes `permission`; `false` when the set did not hold it.
    pub fn remove(&mut self, permission: &Permission) -> bool {
        match self.0.binary_search(permission) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether the set holds exactly this permission.
    pub fn contains(&self, permission: &Permission) -> bool {
        self.0.binary_search(permission).is_ok()
    }

    /// Whether the set grants `access` on `resource` (exact match: the API has
    /// no implied levels, so write does not imply read).
    pub fn grants(&self, access: &AccessLevel, resource: &Resource) -> bool {
        self.contains(&Permission::new(access.clone(), resource.clone()))
    }

    /// The permissions in order: by resource, then access level.
    pub fn iter(&self) -> std::slice::Iter<'_, Permission> {
        self.0.iter()
    }

    /// How many permissions the set holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set holds none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The permissions as a sorted slice.
    pub fn as_slice(&self) -> &[Permission] {
        &self.0
    }

    /// Permissions in `self` that are not in `other`.
    pub fn difference<'a>(
        &'a self,
        other: &'a PermissionSet,
    ) -> impl Iterator<Item = &'a Permission> {
        self.0.iter().filter(|p| !other.contains(p))
    }

    /// The permissions in either set.
    pub fn union(&self, other: &PermissionSet) -> PermissionSet {
        self.iter().chain(other.iter()).cloned().collect()
    }

    /// Reads a list in compact form separated by commas or spaces:
    /// `read:datasets, write:data_streams`.
    pub fn parse_compact(input: &str) -> Result<Self, PermissionParseError> {
        input
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect()
    }
}

impl fmt::Display for PermissionSet {
    /// The compact form, comma separated: `read:datasets,write:datasets`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut v: Vec<Permission> = iter.into_iter().collect();
        crate::order::sort_by(&mut v, Ord::cmp);
        v.dedup();
        Self(v)
    }
}

impl<const N: usize> From<[Permission; N]> for PermissionSet {
    fn from(value: [Permission; N]) -> Self {
        value.into_iter().collect()
    }
}

impl From<Vec<Permission>> for PermissionSet {
    fn from(value: Vec<Permission>) -> Self {
        value.into_iter().collect()
    }
}

impl Extend<Permission> for PermissionSet {
    fn extend<I: IntoIterator<Item = Permission>>(&mut self, iter: I) {
        for p in iter {
            self.insert(p);
        }
    }
}

impl IntoIterator for PermissionSet {
    type Item = Permission;
    type IntoIter = std::vec::IntoIter<Permission>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a PermissionSet {
    type Item = &'a Permission;
    type IntoIter = std::slice::Iter<'a, Permission>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de> Deserialize<'de> for PermissionSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Each permission from an object only (`json_object`), as the API sends it.
        crate::json_object::vec(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_form_round_trips_and_normalises() {
        let set = PermissionSet::parse_compact(
            "write:datasets, read:datasets read:datasets Read:Data-Planes",
        )
        .unwrap();
        assert_eq!(
            set.to_string(),
            "read:data_planes,read:datasets,write:datasets"
        );
        assert_eq!(PermissionSet::parse_compact(&set.to_string()).unwrap(), set);
    }

    #[test]
    fn unknown_levels_and_resources_are_kept() {
        let p: Permission = "revise:uploads".parse().unwrap();
        assert_eq!(p.access, AccessLevel::Revise);
        let p: Permission = "delete:charges".parse().unwrap();
        assert_eq!(p.access, AccessLevel::Other("delete".into()));
        assert_eq!(p.to_string(), "delete:charges");
        let json =
            r#"[{"access":"grant","resource":"uploads"},{"access":"admin","resource":"datasets"}]"#;
        let set: PermissionSet = serde_json::from_str(json).unwrap();
        let back = serde_json::to_string(&set).unwrap();
        assert!(back.contains(r#"{"access":"grant","resource":"uploads"}"#));
        assert!(back.contains(r#"{"access":"admin","resource":"datasets"}"#));
    }

    #[test]
    fn malformed_compact_input_says_what_is_wrong() {
        for bad in [
            "readdatasets",
            ":datasets",
            "read:",
            "read:a:b",
            "read:data sets",
        ] {
            let err = bad.parse::<Permission>().unwrap_err();
            assert!(
                err.to_string()
                    .starts_with(&format!("`{bad}` is not a permission")),
                "{err}"
            );
        }
    }

    #[test]
    fn typed_permissions_outside_the_catalog_are_refused_with_a_suggestion() {
        let check = |typed: &str| typed.parse::<Permission>().unwrap().check_known();
        let said = |typed: &str| check(typed).unwrap_err().to_string();
        let meant = |typed: &str| check(typed).unwrap_err().suggestion.map(|p| p.to_string());
        assert_eq!(check("read:datasets"), Ok(()));
        assert_eq!(check("Write:Data-Planes"), Ok(()));
        assert_eq!(
            check("read:encryption_materials"),
            Ok(()),
            "support is not this check's question"
        );

        assert_eq!(
            said("read:dataset"),
            "unknown resource `dataset`; did you mean read:datasets?"
        );
        assert_eq!(meant("datasets:read").as_deref(), Some("read:datasets"));
        assert!(said("datasets:read").contains("resource comes first"));
        assert_eq!(meant("Dataset:Write").as_deref(), Some("write:datasets"));
        assert_eq!(meant("raed:views").as_deref(), Some("read:views"));
        assert!(said("raed:views").starts_with("unknown access level `raed`"));
        assert_eq!(meant("raed:view").as_deref(), Some("read:views"));
        assert!(said("raed:view").contains("and unknown resource `view`"));

        // Unknown on purpose: no guess, still refused.
        assert_eq!(said("read:uploads"), "unknown resource `uploads`");
        assert!(said("admin:datasets").contains("does not offer"));
        assert_eq!(meant("admin:datasets"), None);
        assert_eq!(meant("delete:charges"), None);
        assert_eq!(
            check("read:dataset").unwrap_err().permission.to_string(),
            "read:dataset",
            "the permission as typed"
        );
    }

    #[test]
    fn write_does_not_imply_read() {
        let set = PermissionSet::from([Permission::write("datasets")]);
        assert!(!set.grants(&AccessLevel::Read, &Resource::new("datasets")));
        assert!(set.grants(&AccessLevel::Write, &Resource::new("datasets")));
    }
}
