//! Plain-language descriptions of what permissions let a key do.

use serde::Serialize;

use crate::access::AccessLevel;
use crate::catalog::{CatalogEntry, Group};
use crate::key::ApiKey;
use crate::permission::PermissionSet;
use crate::resource::Resource;

/// What a set of permissions allows, grouped as the catalog groups resources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub struct Explanation {
    /// One line: how many resources, and the most sensitive grant if any.
    pub summary: String,
    /// One section per catalog group the permissions touch.
    pub sections: Vec<Section>,
}

/// One catalog group (or the resources the catalog does not know).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Section {
    /// The group's title ("Core Data"), or the section of unknown resources.
    pub title: String,
    /// One sentence per resource.
    pub lines: Vec<String>,
}

impl Explanation {
    /// As plain text: the summary, then each group with indented lines.
    pub fn to_text(&self) -> String {
        let mut out = self.summary.clone();
        for s in &self.sections {
            out.push_str(&format!("\n{}:", s.title));
            for line in &s.lines {
                out.push_str(&format!("\n  - {line}"));
            }
        }
        out
    }

    /// The lines of [`Explanation::to_text`], one at a time: a program that
    /// escapes control characters in what it prints (a resource name from
    /// the server may hold a newline) escapes each line, and keeps the breaks
    /// between them.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(self.summary.clone()).chain(self.sections.iter().flat_map(|s| {
            std::iter::once(format!("{}:", s.title))
                .chain(s.lines.iter().map(|line| format!("  - {line}")))
        }))
    }
}

/// Whether `key` may do `access` on `resource`. Grants are exact: the API has
/// no implied levels, so write does not include read.
pub fn can(key: &ApiKey, access: &AccessLevel, resource: &Resource) -> bool {
    key.permissions.grants(access, resource)
}

/// What `permissions` allow, in plain words, grouped as the documentation groups resources.
pub fn explain(permissions: &PermissionSet) -> Explanation {
    // Levels held per resource, in set order (sorted by resource).
    let mut by_resource: Vec<(&Resource, Vec<&AccessLevel>)> = Vec::new();
    for p in permissions {
        match by_resource.last_mut() {
            Some((r, levels)) if *r == &p.resource => levels.push(&p.access),
            _ => by_resource.push((&p.resource, vec![&p.access])),
        }
    }
    let mut sections = group_sections(&by_resource);
    let unknown: Vec<String> = by_resource
        .iter()
        .filter(|(r, _)| !r.is_known())
        .map(|(r, levels)| describe_unknown(r, levels))
        .collect();
    if !unknown.is_empty() {
        sections.push(Section {
            title: "Not in the catalog".to_owned(),
            lines: unknown,
        });
    }
    // Wire names the catalog derived rather than found published: the API
    // may spell them differently, and a key holding them may not work.
    // Owned, as every list the SDK joins: one copy of `join` in the npm package.
    let derived: Vec<String> = by_resource
        .iter()
        .filter_map(|(r, _)| r.entry().filter(|e| e.wire == r.as_wire()))
        .filter(|e| e.evidence == crate::catalog::Evidence::Derived)
        .map(|e| e.wire.to_owned())
        .collect();
    if !derived.is_empty() {
        sections.push(Section {
            title: "Unconfirmed wire names".to_owned(),
            lines: vec![format!(
                "{}: derived from display names; no published source confirms them",
                derived.join(", ")
            )],
        });
    }
    Explanation {
        summary: summary(permissions, by_resource.len()),
        sections,
    }
}

fn summary(permissions: &PermissionSet, resources: usize) -> String {
    if permissions.is_empty() {
        return "This key can do nothing: it holds no permissions.".to_owned();
    }
    let plural = if resources == 1 { "" } else { "s" };
    let mut s = format!(
        "This key holds {} permission{} on {resources} resource{plural}.",
        permissions.len(),
        if permissions.len() == 1 { "" } else { "s" }
    );
    if permissions.grants(&AccessLevel::Write, &Resource::new("access_tokens")) {
        s.push_str(" It can create further API keys, the most sensitive grant there is.");
    }
    s
}

/// One resource's line: its display name, then what the levels it holds
/// let a key do, as one sentence built from the catalog's phrases.
fn describe(entry: &CatalogEntry, resource: &Resource, levels: &[&AccessLevel]) -> String {
    let read = levels.contains(&&AccessLevel::Read);
    let write = levels.contains(&&AccessLevel::Write);
    let (r, w) = (entry.read_phrase, entry.write_phrase);
    let mut line = match (read, write) {
        (true, true) => format!("{}: can {r}, and {w}", entry.display),
        (true, false) => format!("{}: can {r} (read only)", entry.display),
        // The API has no implied levels: write does not include read.
        (false, true) => format!("{}: can {w}, without read access", entry.display),
        (false, false) => format!("{}: no read or write access", entry.display),
    };
    push_other_levels(&mut line, levels);
    if write && resource.as_wire() == "access_tokens" {
        line.push_str("; it can mint keys with any permission");
    }
    line.push('.');
    line
}

/// The line of a resource the catalog does not know: its wire name (what
/// the server sent) and the levels held, with no claim about what they do.
fn describe_unknown(resource: &Resource, levels: &[&AccessLevel]) -> String {
    let held: Vec<String> = levels
        .iter()
        .map(|l| format!("`{}`", l.as_wire()))
        .collect();
    format!(
        "{}: {} access to a resource the catalog does not describe (kept as is).",
        resource.as_wire(),
        held.join(" and ")
    )
}

/// Levels other than read and write, which Narrative defines on the wire.
fn push_other_levels(line: &mut String, levels: &[&AccessLevel]) {
    let others: Vec<String> = levels
        .iter()
        .filter(|l| !l.is_offered())
        .map(|l| l.as_wire().to_owned())
        .collect();
    match others.as_slice() {
        [] => {}
        [one] => line.push_str(&format!(
            "; also `{one}`, a level Narrative defines on the wire (kept as is)"
        )),
        many => line.push_str(&format!(
            "; also `{}`, levels Narrative defines on the wire (kept as is)",
            many.join("`, `")
        )),
    }
}

/// One section per catalog group the key holds resources in, in catalog order.
fn group_sections(by_resource: &[(&Resource, Vec<&AccessLevel>)]) -> Vec<Section> {
    let mut sections = Vec::new();
    for group in Group::ALL {
        let mut entries: Vec<_> = by_resource
            .iter()
            .filter_map(|(r, levels)| Some((r.entry()?, *r, levels)))
            .filter(|(e, _, _)| e.group == group)
            .collect();
        crate::order::sort_by(&mut entries, |(a, _, _), (b, _, _)| {
            let position = |wire| crate::catalog::CATALOG.iter().position(|c| c.wire == wire);
            position(a.wire).cmp(&position(b.wire))
        });
        if entries.is_empty() {
            continue;
        }
        let lines = entries
            .iter()
            .map(|(e, r, levels)| describe(e, r, levels))
            .collect();
        sections.push(Section {
            title: group.title().to_owned(),
            lines,
        });
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::Permission;

    #[test]
    fn explains_by_group_in_plain_words() {
        let set = PermissionSet::parse_compact(
            "read:datasets write:datasets write:access_tokens read:attributes admin:uploads",
        )
        .unwrap();
        let e = explain(&set);
        assert!(
            e.summary.contains("5 permissions on 4 resources"),
            "{}",
            e.summary
        );
        assert!(e.summary.contains("create further API keys"));
        let titles: Vec<_> = e.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Core Data",
                "Identity & Access",
                "Schema & Mapping",
                "Not in the catalog",
                "Unconfirmed wire names"
            ]
        );
        // access_tokens is derived from its display name; datasets and
        // attributes are published.
        assert!(
            e.sections[4].lines[0].starts_with("access_tokens: derived"),
            "{:?}",
            e.sections[4]
        );
        assert_eq!(
            e.sections[0].lines[0],
            "Datasets: can read datasets with their metadata, samples, statistics and access rules, and create, change and delete datasets and their access rules."
        );
        assert_eq!(
            e.sections[1].lines[0],
            "AccessTokens: can create, change and revoke API keys, without read access; it can mint keys with any permission."
        );
        assert_eq!(
            e.sections[3].lines[0],
            "uploads: `admin` access to a resource the catalog does not describe (kept as is)."
        );
    }

    #[test]
    fn text_comes_line_by_line_and_a_newline_from_the_server_stays_inside_its_line() {
        let set: PermissionSet =
            [Permission::read("datasets"), Permission::read("odd\nname")].into();
        let e = explain(&set);
        let lines: Vec<String> = e.lines().collect();
        assert_eq!(
            lines[..3],
            [
                "This key holds 2 permissions on 2 resources.",
                "Core Data:",
                "  - Datasets: can read datasets with their metadata, samples, statistics and access rules (read only).",
            ]
        );
        assert_eq!(lines[3], "Not in the catalog:");
        assert!(lines[4].starts_with("  - odd\nname:"), "{lines:?}");
        assert_eq!(lines.len(), 5, "the server's newline splits no line");
        assert_eq!(e.to_text(), lines.join("\n"));
    }

    #[test]
    fn can_is_exact() {
        let key = ApiKey {
            id: "x".into(),
            name: "n".into(),
            permissions: PermissionSet::parse_compact("write:datasets").unwrap(),
            expires_at: None,
        };
        assert!(can(&key, &AccessLevel::Write, &Resource::new("datasets")));
        assert!(!can(&key, &AccessLevel::Read, &Resource::new("datasets")));
    }

    /// The words of `line`, lower-cased, without punctuation.
    fn words(line: &str) -> Vec<String> {
        line.split(|c: char| c.is_whitespace() || ",.;:()`".contains(c))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn every_resource_and_level_reads_as_one_sentence() {
        use crate::catalog::CATALOG;
        for e in &CATALOG {
            for (level, phrase) in [("read", e.read_phrase), ("write", e.write_phrase)] {
                let first = phrase.split([' ', ',']).next().unwrap_or_default();
                assert!(
                    !phrase.trim().is_empty() && phrase.trim() == phrase,
                    "{} has no {level} phrase",
                    e.wire
                );
                assert!(
                    first.chars().all(|c| c.is_ascii_lowercase()),
                    "{}'s {level} phrase starts with a verb: {phrase}",
                    e.wire
                );
                assert!(!phrase.ends_with('.'), "{}: {phrase}", e.wire);
            }
            for compact in [
                format!("read:{}", e.wire),
                format!("write:{}", e.wire),
                format!("read:{0} write:{0}", e.wire),
            ] {
                let set = PermissionSet::parse_compact(&compact).unwrap();
                let explanation = explain(&set);
                let line = &explanation.sections[0].lines[0];
                assert!(line.starts_with(&format!("{}: can ", e.display)), "{line}");
                assert!(line.ends_with('.') && !line.ends_with("..."), "{line}");
                assert!(!line.contains("  ") && !line.contains(" ,"), "{line}");
                let words = words(line);
                for pair in words.windows(2) {
                    assert_ne!(pair[0], pair[1], "a doubled word in {line:?}");
                }
                let held = set.len();
                let summary = &explanation.summary;
                let expected = if held == 1 {
                    "1 permission on"
                } else {
                    "2 permissions on"
                };
                assert!(summary.contains(expected), "{summary}");
            }
        }
    }
}
