//! Text helpers shared by the views: compact permissions, width-aware
//! truncation, and error messages as the status bar shows them.

use narrative_keys::{Group, PermissionSet};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::output::escape_controls;

/// The compact form a list shows, the one the CLI reads and writes:
/// `read:datasets write:datasets`, each permission as the server sent it.
pub fn compact_permissions(set: &PermissionSet) -> String {
    let text = set
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    escape_controls(&text)
}

/// `1 key`, `3 keys`: a count with its noun in the right number.
pub fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The permissions of a set grouped by the catalog's groups, in its order;
/// resources the catalog does not know come last under their own heading.
pub fn grouped_permissions(set: &PermissionSet) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    for group in Group::ALL {
        let perms: Vec<String> = set
            .iter()
            .filter(|p| p.resource.group() == Some(group))
            .map(|p| escape_controls(&p.to_string()))
            .collect();
        if !perms.is_empty() {
            groups.push((group.title(), perms));
        }
    }
    let unknown: Vec<String> = set
        .iter()
        .filter(|p| p.resource.group().is_none())
        .map(|p| escape_controls(&p.to_string()))
        .collect();
    if !unknown.is_empty() {
        groups.push(("Not in the catalog", unknown));
    }
    groups
}

/// Cuts `s` to at most `width` terminal columns, ending in `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The last `width` terminal columns of `s`, starting with `…` when cut:
/// typed text seen from its end, where the cursor is.
pub fn tail(s: &str, width: usize) -> String {
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        kept.push(c);
    }
    kept.push('…');
    kept.into_iter().rev().collect()
}

/// What the status bar says about a failed call: the server's
/// `error_description` when it sent one, escaped for the terminal.
pub fn describe_error(e: &narrative_keys::Error) -> String {
    let text = match e.api() {
        Some(api) if !api.description.is_empty() => {
            format!("{} ({} {})", api.description, api.status, api.error)
        }
        Some(api) => format!("{} {}", api.status, api.error),
        None => match e.report() {
            Some(report) => report.to_string(),
            None => e.to_string(),
        },
    };
    escape_controls(&text)
}

/// How many lines `text` takes when wrapped at word boundaries to `width`.
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.width();
        let need = if used == 0 { w } else { used + 1 + w };
        if need <= width {
            used = need;
        } else {
            lines += 1 + w.saturating_sub(1) / width;
            used = w % width;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_form_is_the_one_the_cli_reads() {
        let set =
            PermissionSet::parse_compact("read:datasets write:datasets read:queries admin:uploads")
                .unwrap();
        assert_eq!(
            compact_permissions(&set),
            "read:datasets write:datasets read:queries admin:uploads"
        );
        assert_eq!(count_of(1, "key", "keys"), "1 key");
        assert_eq!(count_of(3, "key", "keys"), "3 keys");
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(tail("abcdef", 4), "…def");
        assert_eq!(tail("abc", 3), "abc");
        assert_eq!(tail("日本語", 4), "…語");
    }
}
