//! A key as people remember it: its full id, a unique prefix of its id, or
//! its exact name.
//!
//! A full id is used as it is, without listing (a missing key is then the
//! server's 404, as before). Anything else is looked up in the key list,
//! and must match exactly one key: an ambiguous or unmatched reference is an
//! error before anything is sent.

use crate::key::ApiKey;

/// The shortest id prefix taken: shorter ones match too many keys by chance.
pub const MIN_ID_PREFIX: usize = 4;

/// What a typed reference was taken to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRef<'a> {
    /// A whole key id (a UUID): used as it is, no list needed.
    Id(&'a str),
    /// An id prefix or a name, to look up in the key list.
    Lookup(&'a str),
}

impl<'a> KeyRef<'a> {
    /// A whole id as [`KeyRef::Id`]; anything else is looked up.
    pub fn parse(text: &'a str) -> Self {
        if crate::validation::check_key_id(text).is_ok() {
            KeyRef::Id(text)
        } else {
            KeyRef::Lookup(text)
        }
    }

    /// Whether resolving it needs the key list.
    pub fn needs_list(&self) -> bool {
        matches!(self, KeyRef::Lookup(_))
    }

    /// The id this reference names: a full id as typed, or the one key in
    /// `keys` whose name is exactly `text` or whose id starts with `text`
    /// (at least [`MIN_ID_PREFIX`] characters, any case).
    pub fn resolve(&self, keys: &[ApiKey]) -> Result<String, KeyRefError> {
        let text = match *self {
            KeyRef::Id(id) => return Ok(id.to_owned()),
            KeyRef::Lookup(text) => text,
        };
        if text.trim().is_empty() {
            return Err(KeyRefError::Empty);
        }
        let prefix = text.chars().count() >= MIN_ID_PREFIX;
        let matches: Vec<&ApiKey> = keys
            .iter()
            .filter(|k| k.name == text || (prefix && starts_with_ignore_case(&k.id, text)))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one.id.clone()),
            [] => Err(KeyRefError::NoMatch {
                text: text.to_owned(),
                too_short: !prefix && looks_like_id_start(text),
            }),
            many => {
                let mut candidates: Vec<Candidate> = many
                    .iter()
                    .map(|k| Candidate {
                        id: k.id.clone(),
                        name: k.name.clone(),
                    })
                    .collect();
                candidates.sort_by(|a, b| a.id.cmp(&b.id));
                Err(KeyRefError::Ambiguous {
                    text: text.to_owned(),
                    candidates,
                })
            }
        }
    }
}

/// Resolves each of `refs` against `keys` (which may be empty when none
/// needs the list), in order; the first failure ends it.
pub fn resolve_all<S: AsRef<str>>(refs: &[S], keys: &[ApiKey]) -> Result<Vec<String>, KeyRefError> {
    refs.iter()
        .map(|r| KeyRef::parse(r.as_ref()).resolve(keys))
        .collect()
}

/// Whether any of `refs` needs the key list to be resolved.
pub fn any_needs_list<S: AsRef<str>>(refs: &[S]) -> bool {
    refs.iter().any(|r| KeyRef::parse(r.as_ref()).needs_list())
}

fn starts_with_ignore_case(id: &str, prefix: &str) -> bool {
    id.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Hex digits and dashes only: what the start of an id looks like.
fn looks_like_id_start(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// A key an ambiguous reference could mean.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    /// The key's id.
    pub id: String,
    /// The key's name.
    pub name: String,
}

/// Why a reference names no single key. Names are the server's text: a
/// terminal should escape them before showing them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRefError {
    /// Nothing was given.
    #[error("an empty key reference: give a key's id, an id prefix or its name")]
    Empty,
    /// No key has that id prefix or name.
    #[error("{}", no_match_text(.text, *.too_short))]
    NoMatch {
        /// The reference as given.
        text: String,
        /// Whether it was an id prefix under the 4 characters needed.
        too_short: bool,
    },
    /// More than one key matches.
    #[error("`{text}` matches {} keys: {}", .candidates.len(), candidates_text(.candidates))]
    Ambiguous {
        /// The reference as given.
        text: String,
        /// The keys it could mean.
        candidates: Vec<Candidate>,
    },
}

/// Every code [`KeyRefError::code`] returns, with what it means.
pub const KEY_REF_CODES: &[(&str, &str)] = &[
    (
        "no_matching_key",
        "no key has that id, id prefix (of at least 4 characters) or exact name",
    ),
    (
        "ambiguous_key",
        "several keys match that id prefix or name; the message lists them",
    ),
];

impl KeyRefError {
    /// A stable machine-readable code, as [`crate::Error::code`]; each is in
    /// [`KEY_REF_CODES`].
    pub fn code(&self) -> &'static str {
        match self {
            KeyRefError::Empty | KeyRefError::NoMatch { .. } => "no_matching_key",
            KeyRefError::Ambiguous { .. } => "ambiguous_key",
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            KeyRefError::Ambiguous { .. } => {
                "give more of the id, or the full id; nothing was sent"
            }
            _ => "run `narrative-keys list` to see the keys' names and ids; nothing was sent",
        }
    }
}

fn no_match_text(text: &str, too_short: bool) -> String {
    if too_short {
        format!(
            "no key is named `{text}`, and an id prefix needs at least {MIN_ID_PREFIX} characters"
        )
    } else {
        format!("no key is named `{text}` or has an id starting with it")
    }
}

fn candidates_text(candidates: &[Candidate]) -> String {
    candidates
        .iter()
        .map(|c| format!("{} (\"{}\")", c.id, c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::PermissionSet;

    fn key(id: &str, name: &str) -> ApiKey {
        ApiKey {
            id: id.to_owned(),
            name: name.to_owned(),
            permissions: PermissionSet::new(),
            expires_at: None,
        }
    }

    fn keys() -> Vec<ApiKey> {
        vec![
            key("546c65d6-e589-4d3c-b1fe-7e61711cc418", "nightly ingestion"),
            key("546c0000-0000-4000-8000-000000000001", "dashboard"),
            key("39f485cc-4f55-4bf9-89d0-0bb6438fa118", "twin"),
            key("7a000000-0000-4000-8000-000000000002", "twin"),
        ]
    }

    #[test]
    fn a_full_id_is_taken_as_it_is_without_the_list() {
        let id = "99999999-9999-4999-8999-999999999999";
        let r = KeyRef::parse(id);
        assert!(!r.needs_list());
        assert_eq!(r.resolve(&[]).unwrap(), id);
    }

    #[test]
    fn a_unique_prefix_or_exact_name_names_one_key() {
        let keys = keys();
        let resolve = |t: &str| KeyRef::parse(t).resolve(&keys);
        assert_eq!(
            resolve("546c65").unwrap(),
            "546c65d6-e589-4d3c-b1fe-7e61711cc418"
        );
        assert_eq!(
            resolve("39F4").unwrap(),
            "39f485cc-4f55-4bf9-89d0-0bb6438fa118"
        );
        assert_eq!(
            resolve("nightly ingestion").unwrap(),
            "546c65d6-e589-4d3c-b1fe-7e61711cc418"
        );
        assert!(KeyRef::parse("dashboard").needs_list());
    }

    #[test]
    fn an_ambiguous_prefix_or_name_lists_the_candidates() {
        let keys = keys();
        let err = KeyRef::parse("546c").resolve(&keys).unwrap_err();
        assert_eq!(err.code(), "ambiguous_key");
        let KeyRefError::Ambiguous { candidates, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(candidates.len(), 2);
        assert!(err.to_string().contains("\"dashboard\""), "{err}");
        let err = KeyRef::parse("twin").resolve(&keys).unwrap_err();
        assert!(
            matches!(err, KeyRefError::Ambiguous { ref candidates, .. } if candidates.len() == 2)
        );
    }

    #[test]
    fn no_match_or_a_short_prefix_says_so() {
        let keys = keys();
        let err = KeyRef::parse("546").resolve(&keys).unwrap_err();
        assert_eq!(err.code(), "no_matching_key");
        assert!(err.to_string().contains("at least 4 characters"), "{err}");
        let err = KeyRef::parse("Nightly Ingestion")
            .resolve(&keys)
            .unwrap_err();
        assert!(err.to_string().contains("no key is named"), "{err}");
        assert!(!err.to_string().contains("at least"), "{err}");
        assert_eq!(
            KeyRef::parse("  ").resolve(&keys).unwrap_err(),
            KeyRefError::Empty
        );
        // A multi-byte name shorter than the prefix is not cut mid-character.
        assert!(KeyRef::parse("ééé").resolve(&keys).is_err());
        assert!(KeyRef::parse("5é").resolve(&keys).is_err());
    }

    #[test]
    fn resolve_all_keeps_the_order_and_lists_only_when_needed() {
        let keys = keys();
        assert!(!any_needs_list(&["546c65d6-e589-4d3c-b1fe-7e61711cc418"]));
        assert!(any_needs_list(&[
            "546c65d6-e589-4d3c-b1fe-7e61711cc418",
            "twin"
        ]));
        let ids = resolve_all(&["dashboard", "39f4"], &keys).unwrap();
        assert_eq!(
            ids,
            [
                "546c0000-0000-4000-8000-000000000001",
                "39f485cc-4f55-4bf9-89d0-0bb6438fa118"
            ]
        );
    }
}
