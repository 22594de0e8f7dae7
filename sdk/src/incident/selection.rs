//! Which keys an incident affects: [`Selection`] and its name glob.

use chrono::{DateTime, Utc};

use crate::key::{ApiKey, KeyStatus, StatusPolicy};
use crate::permission::Permission;

/// Which keys an incident affects: the listed ids, plus every key matching
/// all the filters given (if any filter is given).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Keys named by id.
    pub ids: Vec<String>,
    /// A glob on the name: `*` any run, `?` one character; ASCII letters
    /// match either case (other characters exactly).
    pub name_matches: Option<String>,
    /// Keys holding every one of these permissions.
    pub holding: Vec<Permission>,
    /// Keys in any of these states.
    pub statuses: Vec<KeyStatus>,
}

impl Selection {
    fn has_filter(&self) -> bool {
        self.name_matches.is_some() || !self.holding.is_empty() || !self.statuses.is_empty()
    }

    /// Whether nothing is selected (no id and no filter).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && !self.has_filter()
    }

    pub(super) fn matches_filter(&self, key: &ApiKey, now: DateTime<Utc>) -> bool {
        self.has_filter()
            && self
                .name_matches
                .as_ref()
                .is_none_or(|g| glob_matches(g, &key.name))
            && self.holding.iter().all(|p| key.permissions.contains(p))
            && (self.statuses.is_empty()
                || self
                    .statuses
                    .contains(&key.status(now, &StatusPolicy::default())))
    }
}

/// `*` matches any run of characters, `?` exactly one; ASCII letters match
/// either case. Written out rather than taken from a glob crate: their
/// Unicode case folding adds a 14 KB table to the npm package.
fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // After a `*`: where the pattern resumes, and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p + 1, t));
                p += 1;
            }
            Some(&c) if c == '?' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more character, and retry.
                Some((resume, tried)) => {
                    star = Some((resume, tried + 1));
                    p = resume;
                    t = tried + 1;
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_globs() {
        let yes = [
            ("ci-*", "ci-deploy"),
            ("CI-*", "ci-deploy"),
            ("*", ""),
            ("*", "anything at all"),
            ("*-prod", "billing-prod"),
            ("a?c", "abc"),
            ("a*b*c", "aXXbYYc"),
            ("*a*", "banana"),
            ("a*a", "aa"),
            ("Café *", "café au lait"),
            ("*ö?", "Köln-ö1"),
            ("literal", "LITERAL"),
        ];
        for (pattern, name) in yes {
            assert!(glob_matches(pattern, name), "{pattern} should match {name}");
        }
        let no = [
            ("ci-*", "prod-ci-deploy"),
            ("a?c", "ac"),
            ("a?c", "abbc"),
            ("*-prod", "billing-prod-2"),
            ("a*b*c", "aXXbYY"),
            ("", "x"),
            ("x", ""),
            // Non-ASCII letters compare exactly.
            ("ÄRGER", "ärger"),
        ];
        for (pattern, name) in no {
            assert!(
                !glob_matches(pattern, name),
                "{pattern} should not match {name}"
            );
        }
    }
}
