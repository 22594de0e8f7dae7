//! The use-case presets of Narrative's documentation.

use std::fmt;
use std::str::FromStr;

use crate::permission::{Permission, PermissionSet};
use crate::resource::Resource;

/// A recommended set of permissions for a common job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Read on Datasets, Queries and Subscriptions.
    ReadOnlyAnalytics,
    /// Write on Datasets and DataStreams.
    DataIngestion,
    /// Read and write on Workflows and Jobs.
    WorkflowAutomation,
    /// Read and write on Connections and Destinations.
    ConnectorDelivery,
    /// Read and write on the resources the application uses, chosen by the user.
    SdkDevelopment,
}

impl Preset {
    /// Every preset, in the order menus show them.
    pub const ALL: [Preset; 5] = [
        Preset::ReadOnlyAnalytics,
        Preset::DataIngestion,
        Preset::WorkflowAutomation,
        Preset::ConnectorDelivery,
        Preset::SdkDevelopment,
    ];

    /// The name used by the CLI, the npm package and `--preset`.
    pub fn name(self) -> &'static str {
        match self {
            Preset::ReadOnlyAnalytics => "read-only-analytics",
            Preset::DataIngestion => "data-ingestion",
            Preset::WorkflowAutomation => "workflow-automation",
            Preset::ConnectorDelivery => "connector-delivery",
            Preset::SdkDevelopment => "sdk-development",
        }
    }

    /// The preset's title, as menus show it.
    pub fn title(self) -> &'static str {
        match self {
            Preset::ReadOnlyAnalytics => "Read-only analytics",
            Preset::DataIngestion => "Data ingestion",
            Preset::WorkflowAutomation => "Workflow automation",
            Preset::ConnectorDelivery => "Connector delivery",
            Preset::SdkDevelopment => "SDK development",
        }
    }

    /// What the preset grants, in a line.
    pub fn description(self) -> &'static str {
        match self {
            Preset::ReadOnlyAnalytics => "Read on Datasets, Queries and Subscriptions",
            Preset::DataIngestion => "Write on Datasets and DataStreams",
            Preset::WorkflowAutomation => "Read and Write on Workflows and Jobs",
            Preset::ConnectorDelivery => "Read and Write on Connections and Destinations",
            Preset::SdkDevelopment => "Read and Write on the resources your application uses",
        }
    }

    /// Whether the preset needs the user to choose resources.
    pub fn takes_resources(self) -> bool {
        self == Preset::SdkDevelopment
    }

    /// The preset's permissions. `resources` is used only by SDK development,
    /// which grants each level the catalog allows on each chosen resource
    /// (both levels on resources the catalog does not know).
    pub fn permissions(self, resources: &[Resource]) -> PermissionSet {
        let both = |names: &[&str]| -> PermissionSet {
            names
                .iter()
                .flat_map(|r| [Permission::read(*r), Permission::write(*r)])
                .collect()
        };
        match self {
            Preset::ReadOnlyAnalytics => ["datasets", "queries", "subscriptions"]
                .into_iter()
                .map(Permission::read)
                .collect(),
            Preset::DataIngestion => ["datasets", "data_streams"]
                .into_iter()
                .map(Permission::write)
                .collect(),
            Preset::WorkflowAutomation => both(&["workflows", "jobs"]),
            Preset::ConnectorDelivery => both(&["connections", "destinations"]),
            Preset::SdkDevelopment => resources
                .iter()
                // Both levels even where the documentation lists one: it does
                // not say which, so neither may be left out.
                .flat_map(|r| [Permission::read(r.clone()), Permission::write(r.clone())])
                .collect(),
        }
    }
}

impl Preset {
    /// The preset as the CLI's `presets --json` and the npm `presets()` list it.
    pub fn info(self) -> PresetInfo {
        PresetInfo {
            description: self.description(),
            name: self.name(),
            permissions: self.permissions(&[]),
            takes_resources: self.takes_resources(),
            title: self.title(),
        }
    }
}

/// A preset described for a listing. Fields in the order the CLI's
/// `presets --json` prints them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct PresetInfo {
    /// What the preset is for.
    pub description: &'static str,
    /// The name `--preset` and the npm package take.
    #[cfg_attr(feature = "wasm", tsify(type = "PresetName"))]
    pub name: &'static str,
    /// The preset's permissions (empty for SDK development until resources are chosen).
    pub permissions: PermissionSet,
    /// Whether the preset needs resources (SDK development).
    pub takes_resources: bool,
    /// Its title in menus.
    pub title: &'static str,
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A preset name that is not one of [`Preset::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown preset `{0}`: choose one of read-only-analytics, data-ingestion, workflow-automation, connector-delivery, sdk-development"
)]
pub struct UnknownPreset(pub String);

impl FromStr for Preset {
    type Err = UnknownPreset;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == wanted)
            .ok_or_else(|| UnknownPreset(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_match_the_documentation() {
        let p = |preset: Preset| preset.permissions(&[]).to_string();
        assert_eq!(
            p(Preset::ReadOnlyAnalytics),
            "read:datasets,read:queries,read:subscriptions"
        );
        assert_eq!(
            p(Preset::DataIngestion),
            "write:data_streams,write:datasets"
        );
        assert_eq!(
            p(Preset::WorkflowAutomation),
            "read:jobs,write:jobs,read:workflows,write:workflows"
        );
        assert_eq!(
            p(Preset::ConnectorDelivery),
            "read:connections,write:connections,read:destinations,write:destinations"
        );
        assert!(p(Preset::SdkDevelopment).is_empty());
    }

    #[test]
    fn sdk_development_grants_both_levels_even_on_single_level_resources() {
        let set = Preset::SdkDevelopment
            .permissions(&[Resource::new("attributes"), Resource::new("uploads")]);
        assert_eq!(
            set.to_string(),
            "read:attributes,write:attributes,read:uploads,write:uploads"
        );
    }

    #[test]
    fn names_parse_and_unknown_names_are_explained() {
        for p in Preset::ALL {
            assert_eq!(p.name().parse::<Preset>().unwrap(), p);
        }
        let err = "admin".parse::<Preset>().unwrap_err().to_string();
        assert!(err.contains("unknown preset `admin`") && err.contains("data-ingestion"));
    }
}
