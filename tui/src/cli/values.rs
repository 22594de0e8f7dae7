//! The values shell completion offers for free-text arguments
//! (permissions, presets, expirations, spans).

use std::sync::OnceLock;

use clap::builder::{PossibleValue, TypedValueParser};
use narrative_keys::{CATALOG, Preset};

/// A string argument whose completions are `values`, while any other value
/// is still taken (an unknown permission with --allow-unknown, any span).
pub(super) fn suggest(values: fn() -> &'static [PossibleValue]) -> Suggested {
    Suggested(values)
}

#[derive(Clone)]
/// A value parser that accepts any text but offers these values for completion.
pub struct Suggested(fn() -> &'static [PossibleValue]);

impl TypedValueParser for Suggested {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().iter().cloned()))
    }
}

/// Every catalog permission in `access:resource` form, read and write.
pub fn permission_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        CATALOG
            .iter()
            .flat_map(|e| {
                ["read", "write"].map(|level| {
                    let text: &'static str =
                        Box::leak(format!("{level}:{}", e.wire).into_boxed_str());
                    PossibleValue::new(text).help(e.display)
                })
            })
            .collect()
    })
}

/// The presets' names, from the SDK.
pub fn preset_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        Preset::ALL
            .iter()
            .map(|p| PossibleValue::new(p.name()).help(p.description()))
            .collect()
    })
}

/// Common `--expires` forms; any other the SDK reads is taken too.
pub fn expiration_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        ["7d", "30d", "90d", "180d", "1y", "never"]
            .into_iter()
            .map(PossibleValue::new)
            .collect()
    })
}

/// Common `--expiring-within` spans.
pub fn span_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        ["7d", "14d", "30d", "90d"]
            .into_iter()
            .map(PossibleValue::new)
            .collect()
    })
}
