//! The permission catalog: every resource Narrative documents, as one data table.
//!
//! A correction to the published reference is a one-line change here; everything
//! else (validation, explanations, the matrix in the TUI, the emulator's checks)
//! reads this table.

/// A group of resources, in the order the documentation presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Datasets, their data and what reads or moves it.
    CoreData,
    /// Data planes and what connects to them.
    Infrastructure,
    /// Apps, marketplace listings and subscriptions.
    Applications,
    /// Users, companies and access tokens.
    IdentityAndAccess,
    /// Workflows and jobs.
    Automation,
    /// Attributes and mappings.
    SchemaAndMapping,
}

impl Group {
    /// Every group, in the documentation's order.
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
    /// The group the documentation files the resource under.
    pub group: Group,
    /// What the resource covers, as a noun phrase.
    pub covers: &'static str,
    /// Whether the resource takes read access.
    pub read: bool,
    /// Whether the resource takes write access.
    pub write: bool,
    /// What read access lets a key do, as a verb phrase in plain words
    /// ("read datasets with their ..."): explanations use it as written.
    pub read_phrase: &'static str,
    /// What write access lets a key do, likewise.
    pub write_phrase: &'static str,
}

const fn row(
    group: Group,
    display: &'static str,
    wire: &'static str,
    covers: &'static str,
    read: bool,
    write: bool,
    (read_phrase, write_phrase): (&'static str, &'static str),
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
        read_phrase,
        write_phrase,
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
    row(CoreData, "Datasets", "datasets", "dataset metadata, samples, statistics and access rules", true, true, ("read datasets with their metadata, samples, statistics and access rules", "create, change and delete datasets and their access rules")),
    row(CoreData, "DataStreams", "data_streams", "ingesting into and publishing data streams", true, true, ("read data streams and what is published to them", "create and change data streams, ingest into them and publish them")),
    row(CoreData, "Views", "views", "saved view definitions", true, true, ("read saved view definitions", "create, change and delete saved views")),
    row(CoreData, "Queries", "queries", "managing and running NQL queries", true, true, ("read NQL queries and their results", "create, change, delete and run NQL queries")),
    row(CoreData, "Subscriptions", "subscriptions", "data subscriptions and NQL operations", true, true, ("read data subscriptions and NQL operations", "create, change and cancel data subscriptions and NQL operations")),
    row(Infrastructure, "DataPlanes", "data_planes", "data-plane settings and their encryption materials", true, true, ("read data-plane settings and their encryption materials", "change data-plane settings and their encryption materials")),
    row(Infrastructure, "Connections", "connections", "connections to outside systems", true, true, ("read connections to outside systems", "create, change and delete connections to outside systems")),
    row(Infrastructure, "Destinations", "destinations", "where data gets delivered", true, true, ("read where data gets delivered", "create, change and delete delivery destinations")),
    row(Infrastructure, "EncryptionMaterials", "encryption_materials", "encryption key management", false, true, ("read encryption keys", "create, change and delete encryption keys")),
    row(Infrastructure, "Resources", "resources", "platform resource buckets", true, true, ("read platform resource buckets", "create, change and delete platform resource buckets")),
    row(Applications, "Apps", "apps", "applications and their interfaces", true, true, ("read applications and their interfaces", "create, change and delete applications and their interfaces")),
    row(Applications, "AppProfiles", "app_profiles", "application profiles", true, true, ("read application profiles", "create, change and delete application profiles")),
    row(Applications, "AppEvents", "app_events", "application events", false, true, ("read application events", "publish application events")),
    row(Applications, "Installations", "installations", "application installations", true, true, ("read application installations", "install applications, change their installations and remove them")),
    row(Applications, "ProfileStoreSchema", "profile_store_schema", "profile-store schema definitions", true, true, ("read profile-store schema definitions", "create, change and delete profile-store schema definitions")),
    row(Applications, "ProfileStoreData", "profile_store_data", "profile-store records", false, true, ("read profile-store records", "write and delete profile-store records")),
    row(IdentityAndAccess, "AccessTokens", "access_tokens", "API keys themselves", true, true, ("list API keys with their names, permissions and expirations", "create, change and revoke API keys")),
    row(IdentityAndAccess, "Users", "users", "user profiles", false, true, ("read user profiles", "update user profiles")),
    row(IdentityAndAccess, "CompanyInfo", "company_info", "organisation settings and metadata", true, true, ("read the organisation's settings and metadata", "change the organisation's settings and metadata")),
    row(Automation, "Jobs", "jobs", "jobs and their status", true, true, ("read jobs and their status", "run jobs and change them")),
    row(Automation, "Workflows", "workflows", "automated pipeline definitions", true, true, ("read automated pipeline definitions", "create, change and delete automated pipelines")),
    row(Automation, "Webhooks", "webhooks", "webhook endpoints", true, true, ("read webhook endpoints", "create, change and delete webhook endpoints")),
    row(Automation, "Models", "models", "AI/ML model definitions", true, true, ("read AI/ML model definitions", "create, change and delete AI/ML model definitions")),
    row(Automation, "ModelTraining", "model_training", "model training and inference jobs", false, true, ("read model training and inference jobs", "start and manage model training and inference jobs")),
    row(SchemaAndMapping, "Mappings", "mappings", "Rosetta Stone schema mappings", true, true, ("read Rosetta Stone schema mappings", "create, change and delete Rosetta Stone schema mappings")),
    row(SchemaAndMapping, "SchemaPreset", "schema_preset", "predefined schema templates", true, true, ("read predefined schema templates", "create, change and delete schema templates")),
    row(SchemaAndMapping, "Attributes", "attributes", "Rosetta Stone normalised attributes", false, true, ("read Rosetta Stone normalised attributes", "create, change and delete Rosetta Stone normalised attributes")),
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
