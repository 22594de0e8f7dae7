//! "Did you mean": the name among known ones that a typed name was most
//! likely meant to be, for typed resources and access levels and for option
//! names a program chose (the npm package's).

/// Among `candidates`, the one `typed` was most likely meant to be: the same
/// letters but for case, `-`, `_` and spaces (`expires_at` for `expiresAt`),
/// the start of one (`expires`), or a typo or two away (`expiresAtt`). `None`
/// when nothing is close. For names a program chose, such as option names.
pub fn did_you_mean<'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    closest(typed, &candidates, 2, true)
}

/// Among `candidates`, the one `typed` was most likely meant to be, compared
/// in lower case without `-`, `_` and spaces: the same letters, then (with
/// `prefix`) the start of one (`expires` for `expiresAt`), then the fewest
/// edits, at most `max` and fewer for short names. The first on a tie.
pub(crate) fn closest<'a>(
    typed: &str,
    candidates: &[&'a str],
    max: usize,
    prefix: bool,
) -> Option<&'a str> {
    let mut buf = [0; 64];
    let typed = squash(typed, &mut buf)?;
    if typed.is_empty() {
        return None;
    }
    let max = max.min(1 + typed.len() / 4);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let mut buf = [0; 64];
        let Some(name) = squash(candidate, &mut buf) else {
            continue;
        };
        let rank = if name == typed {
            0
        } else if prefix && typed.len() >= 3 && (name.starts_with(typed) || typed.starts_with(name))
        {
            1
        } else {
            match edit_distance(typed, name) {
                d if d <= max => 1 + d,
                _ => continue,
            }
        };
        if best.is_none_or(|(b, _)| rank < b) {
            best = Some((rank, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `name` in lower case without the separators people vary (`Data-Streams`
/// → `datastreams`), in `buf`; `None` when longer than a name can be.
fn squash<'b>(name: &str, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    let mut len = 0;
    for b in name.bytes().filter(|b| !matches!(b, b'_' | b'-' | b' ')) {
        *buf.get_mut(len)? = b.to_ascii_lowercase();
        len += 1;
    }
    Some(&buf[..len])
}

/// Levenshtein distance between two names of at most 64 bytes, by bytes.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut row = [0; 65];
    let b = &b[..b.len().min(64)];
    for (j, cell) in row.iter_mut().enumerate() {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_the_option_meant() {
        let options = [
            "name",
            "permissions",
            "preset",
            "resources",
            "expiresAt",
            "allowUnknown",
        ];
        let meant = |typed: &str| did_you_mean(typed, options);
        assert_eq!(meant("expires"), Some("expiresAt"));
        assert_eq!(meant("expires_at"), Some("expiresAt"));
        assert_eq!(meant("expiresat"), Some("expiresAt"));
        assert_eq!(meant("permisions"), Some("permissions"));
        assert_eq!(meant("allow_unknown"), Some("allowUnknown"));
        assert_eq!(meant("premissions"), Some("permissions"));
        assert_eq!(meant("colour"), None);
        assert_eq!(meant(""), None);
        assert_eq!(meant(&"x".repeat(1000)), None);
    }

    #[test]
    fn edit_distance_counts_bytes() {
        assert_eq!(edit_distance(b"", b"abc"), 3);
        assert_eq!(edit_distance(b"kitten", b"sitting"), 3);
        assert_eq!(edit_distance(b"raed", b"read"), 2);
    }

    #[test]
    fn closest_prefers_same_letters_then_a_prefix_then_fewest_edits() {
        let names = ["name", "expiresAt", "allowUnknown", "expiry"];
        assert_eq!(closest("EXPIRES_AT", &names, 2, true), Some("expiresAt"));
        assert_eq!(closest("expires", &names, 2, true), Some("expiresAt"));
        assert_eq!(closest("expirs", &names, 2, false), Some("expiry"));
        assert_eq!(closest("nmae", &names, 2, false), Some("name"));
        assert_eq!(closest("x", &names, 2, true), None);
        assert_eq!(closest(&"a".repeat(65), &names, 2, true), None);
    }
}
