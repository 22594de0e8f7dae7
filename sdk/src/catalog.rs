//! The permission catalog: every resource Narrative documents, as one data table.
//!
//! A correction to the published reference is a one-line change here; everything
//! else (validation, explanations, the matrix in the TUI, the emulator's checks)
//! reads this table.

/// A group of resources, in the order the documentation presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    CoreData,
    Infrastructure,
    Applications,
    IdentityAndAccess,
    Automation,
    SchemaAndMapping,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::CoreData,
        Group::Infrastructure,
        Group::Applications,
        Group::IdentityAndAccess,
        Group::Automation,
        Group::SchemaAndMapping,
    ];

    /// A stable snake_case identifier, for programs (`core_data`).
    pub fn id(self) -> &'static str {
        match self {
            Group::CoreData => "core_data",
            Group::Infrastructure => "infrastructure",
            Group::Applications => "applications",
            Group::IdentityAndAccess => "identity_and_access",
            Group::Automation => "automation",
            Group::SchemaAndMapping => "schema_and_mapping",
        }
    }

    /// The heading used in the documentation.
    pub fn title(self) -> &'static str {
        match self {
            Group::CoreData => "Core Data",
            Group::Infrastructure => "Infrastructure",
            Group::Applications => "Applications",
            Group::IdentityAndAccess => "Identity & Access",
            Group::Automation => "Automation",
            Group::SchemaAndMapping => "Schema & Mapping",
        }
    }
}

/// How sure the catalog is of a resource's wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// The name appears in Narrative's OpenAPI document (the whoami
    /// `Resource` enum or its examples).
    OpenApi,
    /// Derived from the display name by the snake_case rule; no published
    /// source confirms it.
    Derived,
}

impl Evidence {
    /// `openapi` or `derived`, for programs.
    pub fn id(self) -> &'static str {
        match self {
            Evidence::OpenApi => "openapi",
            Evidence::Derived => "derived",
        }
    }

    /// A sentence for people.
    pub fn describe(self) -> &'static str {
        match self {
            Evidence::OpenApi => "the wire name appears in Narrative's OpenAPI document",
            Evidence::Derived => {
                "the wire name is derived from the display name; no published source confirms it, so the API may spell it differently"
            }
        }
    }
}

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// snake_case name sent on the wire.
    pub wire: &'static str,
    /// Whether that wire name is published or derived.
    pub evidence: Evidence,
    /// The name the documentation and the web app show.
    pub display: &'static str,
    pub group: Group,
    /// What the resource covers, as a noun phrase.
    pub covers: &'static str,
    pub read: bool,
    pub write: bool,
}

const fn row(
    group: Group,
    display: &'static str,
    wire: &'static str,
    covers: &'static str,
    read: bool,
    write: bool,
) -> CatalogEntry {
    CatalogEntry {
        wire,
        evidence: if is_published(wire) {
            Evidence::OpenApi
        } else {
            Evidence::Derived
        },
        display,
        group,
        covers,
        read,
        write,
    }
}

use Group::*;

/// The catalog's wire names that appear in Narrative's OpenAPI document.
const PUBLISHED: [&str; 12] = [
    "datasets",
    "data_streams",
    "subscriptions",
    "destinations",
    "resources",
    "apps",
    "app_profiles",
    "installations",
    "company_info",
    "mappings",
    "schema_preset",
    "attributes",
];

/// Whether `wire` is in [`PUBLISHED`] (a `const` search, for [`row`]).
const fn is_published(wire: &str) -> bool {
    let mut i = 0;
    while i < PUBLISHED.len() {
        let (a, b) = (PUBLISHED[i].as_bytes(), wire.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// The 27 resources of the contract. Six are documented with a single access
/// level, without saying which; the reading here is the one that matches
/// their endpoints (the `read`/`write` columns), and it is guidance: the
/// other level is allowed with a warning (see [`CatalogEntry::single_level`]).
#[rustfmt::skip]
pub const CATALOG: [CatalogEntry; 27] = [
    row(CoreData, "Datasets", "datasets", "dataset metadata, samples, statistics and access rules", true, true),
    row(CoreData, "DataStreams", "data_streams", "ingesting into and publishing data streams", true, true),
    row(CoreData, "Views", "views", "saved view definitions", true, true),
    row(CoreData, "Queries", "queries", "managing and running NQL queries", true, true),
    row(CoreData, "Subscriptions", "subscriptions", "data subscriptions and NQL operations", true, true),
    row(Infrastructure, "DataPlanes", "data_planes", "data-plane settings and their encryption materials", true, true),
    row(Infrastructure, "Connections", "connections", "connections to outside systems", true, true),
    row(Infrastructure, "Destinations", "destinations", "where data gets delivered", true, true),
    row(Infrastructure, "EncryptionMaterials", "encryption_materials", "encryption key management", false, true),
    row(Infrastructure, "Resources", "resources", "platform resource buckets", true, true),
    row(Applications, "Apps", "apps", "applications and their interfaces", true, true),
    row(Applications, "AppProfiles", "app_profiles", "application profiles", true, true),
    row(Applications, "AppEvents", "app_events", "application events", false, true),
    row(Applications, "Installations", "installations", "application installations", true, true),
    row(Applications, "ProfileStoreSchema", "profile_store_schema", "profile-store schema definitions", true, true),
    row(Applications, "ProfileStoreData", "profile_store_data", "profile-store records", false, true),
    row(IdentityAndAccess, "AccessTokens", "access_tokens", "API keys themselves", true, true),
    row(IdentityAndAccess, "Users", "users", "user profiles", false, true),
    row(IdentityAndAccess, "CompanyInfo", "company_info", "organisation settings and metadata", true, true),
    row(Automation, "Jobs", "jobs", "jobs and their status", true, true),
    row(Automation, "Workflows", "workflows", "automated pipeline definitions", true, true),
    row(Automation, "Webhooks", "webhooks", "webhook endpoints", true, true),
    row(Automation, "Models", "models", "AI/ML model definitions", true, true),
    row(Automation, "ModelTraining", "model_training", "model training and inference jobs", false, true),
    row(SchemaAndMapping, "Mappings", "mappings", "Rosetta Stone schema mappings", true, true),
    row(SchemaAndMapping, "SchemaPreset", "schema_preset", "predefined schema templates", true, true),
    row(SchemaAndMapping, "Attributes", "attributes", "Rosetta Stone normalised attributes", false, true),
];

impl CatalogEntry {
    /// Whether the documentation lists a single access level for this
    /// resource (without saying which: the catalog's reading is guidance).
    pub fn single_level(&self) -> bool {
        self.read != self.write
    }
}

/// Looks a resource up by its wire name, accepting the older hyphenated
/// spellings (`data-planes`) too.
pub fn lookup(name: &str) -> Option<&'static CatalogEntry> {
    let find = |n: &str| CATALOG.iter().find(|e| e.wire == n);
    find(name).or_else(|| {
        if name.contains('-') {
            find(&name.replace('-', "_"))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_27_unique_resources_in_six_groups() {
        let mut names: Vec<_> = CATALOG.iter().map(|e| e.wire).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 27);
        for g in Group::ALL {
            assert!(CATALOG.iter().any(|e| e.group == g), "{g:?} empty");
        }
        assert!(CATALOG.iter().all(|e| e.read || e.write));
        let published = CATALOG.iter().filter(|e| e.evidence == Evidence::OpenApi);
        assert_eq!(
            published.count(),
            12,
            "every published name is in the catalog"
        );
        assert_eq!(CATALOG.iter().filter(|e| e.single_level()).count(), 6);
        let attributes = lookup("attributes").unwrap();
        assert!(
            attributes.write && !attributes.read,
            "Write, as its endpoints suggest"
        );
    }

    #[test]
    fn hyphenated_spelling_is_accepted() {
        assert_eq!(lookup("data-planes").map(|e| e.wire), Some("data_planes"));
        assert_eq!(lookup("uploads"), None);
    }
}
