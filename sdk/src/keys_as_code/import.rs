//! `import`: `[[key]]` entries reproducing existing keys exactly, pinned by
//! id, without any secret.

use std::fmt::Write;

use wildmatch::WildMatch;

use crate::key::ApiKey;
use crate::permission::PermissionSet;
use crate::preset::Preset;

/// TOML entries for `keys` (those in their overlap, and those an
/// interrupted apply left pending, left out; with
/// `name_matches`, only names matching that glob): name, the presets wholly
/// contained in the key's permissions, grants for the rest (with
/// `allow_unknown = true` when one is not in the catalog), and the pinned
/// id. A file of these entries plans no change, unless a key is due.
pub fn import(keys: &[ApiKey], name_matches: Option<&str>) -> String {
    let glob = name_matches.map(WildMatch::new);
    let mut out = String::new();
    for key in keys {
        if key.retiring().is_some()
            || crate::retiring::is_pending(&key.name)
            || glob.as_ref().is_some_and(|g| !g.matches(&key.name))
        {
            continue;
        }
        let (presets, grants) = presets_and_grants(&key.permissions);
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let list = |items: Vec<String>| {
            items
                .iter()
                .map(|s| quoted(s))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(out, "[[key]]");
        let _ = writeln!(out, "name = {}", quoted(&key.name));
        let _ = writeln!(out, "id = {}", quoted(&key.id));
        let presets_empty = presets.is_empty();
        if !presets_empty {
            let _ = writeln!(out, "presets = [{}]", list(presets));
        }
        let unknown = grants.iter().any(|p| p.check_known().is_err());
        if !grants.is_empty() || presets_empty {
            let _ = writeln!(
                out,
                "grant = [{}]",
                list(grants.iter().map(ToString::to_string).collect())
            );
        }
        if unknown {
            let _ = writeln!(out, "allow_unknown = true");
        }
        out.push('\n');
    }
    out
}

/// The presets whose permissions `set` holds whole, and the rest of `set`.
fn presets_and_grants(set: &PermissionSet) -> (Vec<String>, PermissionSet) {
    let mut covered = PermissionSet::new();
    let mut presets = Vec::new();
    for preset in Preset::ALL.into_iter().filter(|p| !p.takes_resources()) {
        let granted = preset.permissions(&[]);
        if granted.iter().all(|p| set.contains(p)) {
            presets.push(preset.name().to_owned());
            covered.extend(granted);
        }
    }
    let rest = set
        .iter()
        .filter(|p| !covered.contains(p))
        .cloned()
        .collect();
    (presets, rest)
}
