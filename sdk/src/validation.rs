//! Validation reports: every problem at once, each with its field and a sentence.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::AccessLevel;
use crate::expiration::Expiration;
use crate::permission::{Permission, PermissionSet};

/// The longest name the product accepts, counted in characters after trimming.
pub const MAX_NAME_CHARS: usize = 128;

/// Which part of a request a [`Problem`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Field {
    /// A key id given by the caller.
    Id,
    /// The key's name.
    Name,
    /// The key's permissions.
    Permissions,
    /// The key's expiration.
    Expiration,
    /// The update as a whole (an empty update).
    Update,
}

impl Field {
    /// The field's name, as JSON and messages spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Permissions => "permissions",
            Field::Expiration => "expiration",
            Field::Update => "update",
        }
    }
}
/// How serious a [`Problem`] is.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum Severity {
    /// Allowed, but worth a second look.
    Warning,
    /// The request would be refused; nothing is sent.
    Error,
}
/// One thing wrong with a request.

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Problem {
    /// The field at fault.
    pub field: Field,
    /// Whether the problem stops the request or only warns.
    pub severity: Severity,
    /// What is wrong and what to do, in a sentence.
    pub message: String,
}

/// Everything wrong with a request, errors and warnings together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationReport {
    /// Every problem found, in the order found.
    pub problems: Vec<Problem>,
}

impl ValidationReport {
    /// Whether any problem is an error, so nothing may be sent.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// The problems that stop the request.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    /// The problems worth a second look.
    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    /// The problems with one field.
    pub fn for_field(&self, field: Field) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.field == field)
    }

    pub(crate) fn push(&mut self, field: Field, severity: Severity, message: impl Into<String>) {
        self.problems.push(Problem {
            field,
            severity,
            message: message.into(),
        });
    }
}

impl fmt::Display for ValidationReport {
    /// Errors only, `field: sentence` joined by `; `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.errors().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field.as_str(), p.message)?;
        }
        Ok(())
    }
}

/// A report is the error of a failed build (`NewKey::builder(..).build()?`),
/// so `?` carries it into `anyhow::Result` or `Box<dyn Error>`.
impl std::error::Error for ValidationReport {}

/// `name` followed by `suffix`, the name cut (by characters, as the limit
/// counts them, and without trailing spaces) so the whole stays within
/// [`MAX_NAME_CHARS`]: for names the product derives from another, such as a
/// copy's or a retiring key's.
pub fn name_with_suffix(name: &str, suffix: &str) -> String {
    let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    let name = name.trim();
    let base = match name.char_indices().nth(room) {
        Some((cut, _)) => name[..cut].trim_end(),
        None => name,
    };
    format!("{base}{suffix}")
}

pub(crate) fn check_name(report: &mut ValidationReport, name: &str) {
    let trimmed = name.trim();
    let chars = trimmed.chars().count();
    if trimmed.is_empty() {
        report.push(
            Field::Name,
            Severity::Error,
            "the name is empty: give the key a name that says what it is for",
        );
    } else if chars > MAX_NAME_CHARS {
        report.push(
            Field::Name,
            Severity::Error,
            format!("the name is {chars} characters long; at most {MAX_NAME_CHARS} are allowed"),
        );
    }
    if trimmed.chars().any(char::is_control) {
        report.push(
            Field::Name,
            Severity::Error,
            "the name holds a control character (such as a newline or tab); use printable characters only",
        );
    }
}

/// Said after a typed permission the catalog does not know.
const UNKNOWN_HINT: &str =
    "to send a permission the catalog does not know, allow unknown permissions";

/// An error for each permission the catalog does not know (a resource it
/// does not list, a level other than read and write), with the likeliest
/// meaning: for permissions a person typed, never for those a key already
/// holds. See [`Permission::check_known`].
pub fn check_typed<'a>(permissions: impl IntoIterator<Item = &'a Permission>) -> ValidationReport {
    let mut report = ValidationReport::default();
    for p in permissions {
        push_typed(&mut report, p);
    }
    report
}

/// Pushes the error for `p` if the catalog does not know it; whether it did.
fn push_typed(report: &mut ValidationReport, p: &Permission) -> bool {
    match p.check_known() {
        Ok(()) => false,
        Err(miss) => {
            report.push(
                Field::Permissions,
                Severity::Error,
                format!("`{p}`: {miss} ({UNKNOWN_HINT})"),
            );
            true
        }
    }
}

/// `allow_unknown`: permissions the catalog does not know are warned about
/// and sent as written, instead of refused as typos.
pub(crate) fn check_permissions(
    report: &mut ValidationReport,
    permissions: &PermissionSet,
    allow_unknown: bool,
) {
    if permissions.is_empty() {
        report.push(
            Field::Permissions,
            Severity::Error,
            "no permissions: grant at least one, for example read:datasets",
        );
    }
    for p in permissions {
        if !allow_unknown && push_typed(report, p) {
            continue;
        }
        if let AccessLevel::Other(level) = &p.access {
            report.push(
                Field::Permissions,
                Severity::Error,
                format!("`{p}`: the API knows no access level `{level}`; use read or write"),
            );
            continue;
        }
        match p.resource.entry() {
            None => report.push(
                Field::Permissions,
                Severity::Warning,
                format!(
                    "`{p}`: `{}` is not in the permission catalog; it is sent as written",
                    p.resource
                ),
            ),
            Some(entry) if !p.is_supported() => {
                // Guidance, not a wall: the documentation lists one level for
                // these without saying which.
                let listed = if entry.read { "read" } else { "write" };
                report.push(
                    Field::Permissions,
                    Severity::Warning,
                    format!(
                        "`{p}`: the documentation lists one access level for {} and it reads as {listed}; the API may refuse {}",
                        entry.display, p.access
                    ),
                );
            }
            Some(_) if !p.access.is_offered() => report.push(
                Field::Permissions,
                Severity::Warning,
                format!(
                    "`{p}`: `{}` is a wire-only level the catalog does not describe; it is kept as given",
                    p.access
                ),
            ),
            Some(_) => {}
        }
    }
}

pub(crate) fn check_expiration(
    report: &mut ValidationReport,
    expiration: &Expiration,
    now: DateTime<Utc>,
) {
    match expiration.instant() {
        None => report.push(
            Field::Expiration,
            Severity::Warning,
            "no expiration: the key works until revoked; set one (90d is common) and rotate",
        ),
        Some(at) if at <= now => report.push(
            Field::Expiration,
            Severity::Error,
            format!("{expiration} is not in the future; choose a later time, such as 90d from now"),
        ),
        Some(_) => {}
    }
}

/// Key ids are UUIDs; anything else cannot name a key and is refused before
/// it reaches a request path.
pub fn check_key_id(id: &str) -> Result<(), ValidationReport> {
    if uuid::Uuid::try_parse(id).is_ok() {
        return Ok(());
    }
    let mut report = ValidationReport::default();
    let shown: String = id.chars().take(64).flat_map(char::escape_debug).collect();
    report.push(
        Field::Id,
        Severity::Error,
        format!("`{shown}` is not a key id: ids are UUIDs such as 546c65d6-e589-4d3c-b1fe-7e61711cc418 (see `list`)"),
    );
    Err(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_build_carries_into_box_dyn_error_with_its_message() {
        fn build() -> Result<crate::NewKey, Box<dyn std::error::Error>> {
            Ok(crate::NewKey::builder("  ").build()?)
        }
        let err = build().unwrap_err();
        assert!(
            err.to_string().starts_with("name: the name is empty"),
            "{err}"
        );
    }
}
