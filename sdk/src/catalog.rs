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
            Group::CoreData => "Core data",
            Group::Infrastructure => "Infrastructure",
            Group::Applications => "Applications",
            Group::IdentityAndAccess => "Identity and access",
            Group::Automation => "Automation",
            Group::SchemaAndMapping => "Schema and mapping",
        }
    }
}

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// snake_case name sent on the wire.
    pub wire: &'static str,
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
        display,
        group,
        covers,
        read,
        write,
    }
}

use Group::*;

/// The 27 resources of the contract. Six support a single access level; the
/// reading here is the one that matches their endpoints.
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
    row(Infrastructure, "EncryptionMaterials", "encryption_materials", "encryption keys", false, true),
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
    row(SchemaAndMapping, "Attributes", "attributes", "Rosetta Stone normalised attributes", true, false),
];

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
    }

    #[test]
    fn hyphenated_spelling_is_accepted() {
        assert_eq!(lookup("data-planes").map(|e| e.wire), Some("data_planes"));
        assert_eq!(lookup("uploads"), None);
    }
}
