//! `narrative-keys.toml`: the keys an account should have. Read and checked
//! whole before anything is sent; every problem is reported at once.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use wildmatch::WildMatch;

use crate::expiration::Span;
use crate::key::NewKey;
use crate::permission::{Permission, PermissionSet};
use crate::preset::Preset;
use crate::resource::Resource;

mod schema;
mod span;
pub use schema::json_schema;
pub use span::{FileSpan, Lifetime};

/// The file read when none is named: `narrative-keys.toml` in the current
/// directory.
pub const DEFAULT_FILE: &str = "narrative-keys.toml";

/// The file name of [`json_schema`] beside a keys file, which the
/// `#:schema` line `import` writes names.
pub const SCHEMA_FILE: &str = "narrative-keys.schema.json";

/// Where a key's new secret goes: its own targets, never shared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// Commands run in turn with the secret on their input (as `--secret-to`).
    pub secret_to: Vec<String>,
    /// A secret file (as `--secret-out`), relative paths taken from the
    /// file's folder.
    pub secret_out: Option<PathBuf>,
    /// The variable the secret file names (as `--secret-env-name`).
    pub secret_env_name: Option<String>,
}

impl Targets {
    /// Whether the key names no target at all.
    pub fn is_empty(&self) -> bool {
        self.secret_to.is_empty() && self.secret_out.is_none()
    }
}

/// One `[[key]]`, checked, with the defaults applied.
#[derive(Debug, Clone)]
pub struct KeySpec {
    /// The key's exact name: its identity, unique in the file.
    pub name: String,
    /// The exact permissions (presets and grants together).
    pub permissions: PermissionSet,
    /// Whether permissions the catalog does not know were allowed.
    pub allow_unknown: bool,
    /// The id the key is pinned to, if any.
    pub id: Option<String>,
    /// Where the id's value is in the file's text (quotes included).
    pub(crate) id_span: Option<Range<usize>>,
    /// The lifetime of a key `apply` creates.
    pub expires: Lifetime,
    /// A key expiring within this span is rotated.
    pub rotate_before: FileSpan,
    /// How long an old key keeps working after its successor's delivery.
    pub overlap: FileSpan,
    /// Where its new secret goes.
    pub targets: Targets,
}

impl KeySpec {
    /// Whether `key` is this entry's, left pending by an interrupted apply
    /// with nobody known to hold its secret: the entry names no target, so
    /// the secret went only to the caller (`--secrets-out`, a dialog) and
    /// was never confirmed stored. Such a key is revoked at once once its
    /// successor is delivered, not kept for the overlap.
    pub fn pending_unheld(&self, key: &crate::ApiKey) -> bool {
        self.targets.is_empty() && crate::retiring::is_pending(&key.name)
    }

    /// The key `apply` creates for this entry at `now`.
    pub fn new_key(&self, now: DateTime<Utc>) -> crate::error::Result<NewKey> {
        self.new_key_named(&self.name, now)
    }

    /// As [`KeySpec::new_key`], named pending
    /// ([`pending_name`](crate::retiring::pending_name)) until its secret
    /// is delivered, so a run cut off before that leaves a name that says so.
    pub(crate) fn new_pending_key(&self, now: DateTime<Utc>) -> crate::error::Result<NewKey> {
        self.new_key_named(&crate::retiring::pending_name(&self.name, now), now)
    }

    fn new_key_named(&self, name: &str, now: DateTime<Utc>) -> crate::error::Result<NewKey> {
        NewKey::builder(name)
            .permissions(self.permissions.iter().cloned())
            .allow_unknown(self.allow_unknown)
            .expires(self.expires.expiration(now))
            .build_at(now)
            .map_err(crate::error::Error::InvalidInput)
    }
}

/// A keys file, read and checked.
#[derive(Debug, Clone)]
pub struct KeysFile {
    /// The file's absolute path.
    pub path: PathBuf,
    /// Its text as read (pins are rewritten in it, keeping the rest).
    pub(crate) text: String,
    /// Keys matching this glob and absent from the file are unmanaged.
    pub managed: Option<String>,
    /// Whether `apply` revokes unmanaged keys.
    pub prune: bool,
    /// The `[[key]]` entries, in the file's order.
    pub keys: Vec<KeySpec>,
}

/// A file that cannot be used: every problem found, each a sentence; nothing
/// was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", path.display(), problems.join("; "))]
pub struct KeysFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong, each with where and what to write instead.
    pub problems: Vec<String>,
}

const TOP_FIELDS: [&str; 2] = ["defaults", "key"];
const DEFAULTS_FIELDS: [&str; 5] = ["expires", "rotate_before", "overlap", "managed", "prune"];
const KEY_FIELDS: [&str; 11] = [
    "name",
    "presets",
    "grant",
    "allow_unknown",
    "id",
    "expires",
    "rotate_before",
    "overlap",
    "secret_to",
    "secret_out",
    "secret_env_name",
];

/// narrative-keys.toml: the keys an account should have. plan shows the
/// drift, apply fixes it, delivering every new secret before anything is
/// retired.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "narrative-keys.toml")]
pub(crate) struct RawFile {
    /// What every [[key]] takes unless it says otherwise.
    #[serde(default)]
    defaults: RawDefaults,
    /// One entry per key the account should have.
    #[serde(default)]
    key: Vec<RawKey>,
}

/// What every [[key]] takes unless it says otherwise.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Defaults")]
struct RawDefaults {
    /// The lifetime of a key apply creates: a span (90d, 2w, 6mo, 1y, 36h) or "never" [default: 90d].
    #[serde(default)]
    #[schemars(schema_with = "schema::lifetime_schema")]
    expires: Option<String>,
    /// A key expiring within this span is rotated [default: 14d].
    #[serde(default)]
    #[schemars(schema_with = "schema::span_schema")]
    rotate_before: Option<String>,
    /// How long an old key keeps working after its successor is delivered; "0s" revokes it at once [default: 24h].
    #[serde(default)]
    #[schemars(schema_with = "schema::span_schema")]
    overlap: Option<String>,
    /// A glob (* any text, ? one character): keys matching it that the file does not name are unmanaged (plan shows them with ?).
    #[serde(default)]
    #[schemars(with = "String")]
    managed: Option<String>,
    /// Whether apply revokes the unmanaged keys (needs managed).
    #[serde(default)]
    prune: bool,
}

/// One key the account should have; its name is its identity.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Key")]
struct RawKey {
    /// The key's exact name, unique in the file.
    #[schemars(length(min = 1, max = 128))]
    name: String,
    /// Presets whose permissions the key holds.
    #[serde(default)]
    #[schemars(schema_with = "schema::presets_schema")]
    presets: Vec<String>,
    /// Permissions beyond the presets, as read:datasets or write:workflows.
    #[serde(default)]
    grant: Vec<String>,
    /// Allow grants the catalog does not list (a miss is most likely a typo).
    #[serde(default)]
    allow_unknown: bool,
    /// The id the key is pinned to (import writes it; apply rewrites it after a rotation).
    #[serde(default)]
    #[schemars(with = "String", extend("format" = "uuid"))]
    id: Option<toml::Spanned<String>>,
    /// The lifetime of a key apply creates: a span (90d, 2w, 6mo, 1y, 36h) or "never".
    #[serde(default)]
    #[schemars(schema_with = "schema::lifetime_schema")]
    expires: Option<String>,
    /// A key expiring within this span is rotated.
    #[serde(default)]
    #[schemars(schema_with = "schema::span_schema")]
    rotate_before: Option<String>,
    /// How long the old key keeps working after its successor is delivered; "0s" revokes it at once.
    #[serde(default)]
    #[schemars(schema_with = "schema::span_schema")]
    overlap: Option<String>,
    /// Commands run with the new secret on their standard input (as --secret-to), e.g. "gh secret set NAME".
    #[serde(default)]
    secret_to: Vec<String>,
    /// A secret file taking the new secret (as --secret-out), relative to this file's folder.
    #[serde(default)]
    #[schemars(with = "String")]
    secret_out: Option<String>,
    /// The variable the secret file names (as --secret-env-name).
    #[serde(default)]
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    secret_env_name: Option<String>,
}

/// The defaults, each field's value when neither the key nor `[defaults]` gives one.
const DEFAULT_ROTATE_BEFORE: FileSpan = FileSpan::Span(Span::Hours(14 * 24));
const DEFAULT_OVERLAP: FileSpan = FileSpan::Span(Span::Hours(24));
const DEFAULT_EXPIRES: Lifetime = Lifetime::For(FileSpan::Span(Span::Hours(
    crate::expiration::DEFAULT_EXPIRATION_DAYS * 24,
)));

impl KeysFile {
    /// Reads and checks the file at `path`.
    pub fn read(path: &Path, now: DateTime<Utc>) -> Result<Self, KeysFileError> {
        let fail = |problem: String| KeysFileError {
            path: path.to_owned(),
            problems: vec![problem],
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            fail(match e.kind() {
                std::io::ErrorKind::NotFound => "there is no such file; write one (see `narrative-keys import` for the keys you have), or name it with --file".to_owned(),
                _ => format!("cannot be read: {e}"),
            })
        })?;
        let absolute = std::path::absolute(path).map_err(|e| fail(format!("{e}")))?;
        Self::parse(&absolute, text, now)
    }

    /// Checks `text` as the file at `path` (absolute: relative `secret_out`
    /// paths are taken from its folder).
    // long: the defaults, then each entry, then the file as a whole; every problem gathered.
    pub fn parse(path: &Path, text: String, now: DateTime<Utc>) -> Result<Self, KeysFileError> {
        let raw: RawFile = toml::from_str(&text).map_err(|e| KeysFileError {
            path: path.to_owned(),
            problems: vec![toml_problem(&text, &e)],
        })?;
        let mut problems = Vec::new();
        let dir = path.parent().unwrap_or(Path::new("."));
        let d = &raw.defaults;
        let defaults = Inherited {
            expires: read_lifetime(
                &mut problems,
                "[defaults] expires",
                d.expires.as_deref(),
                DEFAULT_EXPIRES,
            ),
            rotate_before: read_span(
                &mut problems,
                "[defaults] rotate_before",
                d.rotate_before.as_deref(),
                DEFAULT_ROTATE_BEFORE,
            ),
            overlap: read_span(
                &mut problems,
                "[defaults] overlap",
                d.overlap.as_deref(),
                DEFAULT_OVERLAP,
            ),
        };
        check_rotation(
            &mut problems,
            "[defaults] ",
            (defaults.expires, d.expires.as_deref()),
            (defaults.rotate_before, d.rotate_before.as_deref()),
            now,
        );
        if d.managed
            .as_deref()
            .is_some_and(|glob| glob.trim().is_empty())
        {
            problems.push(
                "[defaults] managed is empty; give a glob such as \"ci-*\", or leave it out"
                    .to_owned(),
            );
        }
        if d.prune && d.managed.is_none() {
            problems.push("[defaults] prune = true needs managed, the glob of the keys this file owns (prune never revokes a key outside it)".to_owned());
        }
        let keys: Vec<KeySpec> = raw
            .key
            .iter()
            .map(|raw_key| key_spec(raw_key, &defaults, dir, now, &mut problems))
            .collect();
        check_unique(&keys, &mut problems);
        if !problems.is_empty() {
            return Err(KeysFileError {
                path: path.to_owned(),
                problems,
            });
        }
        Ok(Self {
            path: path.to_owned(),
            text,
            managed: d.managed.clone(),
            prune: d.prune,
            keys,
        })
    }

    /// Whether `name` matches `managed` (never, without it).
    pub fn manages(&self, name: &str) -> bool {
        self.managed
            .as_deref()
            .is_some_and(|glob| WildMatch::new(glob).matches(name))
    }

    /// The file's text with the pins of `repins` (entry index, new id)
    /// rewritten, everything else (comments, layout) as it was.
    pub(crate) fn with_pins(&self, repins: &[(usize, String)]) -> String {
        let mut edits: Vec<(Range<usize>, &str)> = repins
            .iter()
            .filter_map(|(i, id)| Some((self.keys.get(*i)?.id_span.clone()?, id.as_str())))
            .collect();
        edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
        let mut text = self.text.clone();
        for (range, id) in edits {
            text.replace_range(range, &format!("\"{id}\""));
        }
        text
    }
}

/// What a `[[key]]` takes from `[defaults]` when it does not say.
struct Inherited {
    expires: Lifetime,
    rotate_before: FileSpan,
    overlap: FileSpan,
}

/// One `[[key]]` checked (its problems pushed, named by the entry).
fn key_spec(
    raw: &RawKey,
    defaults: &Inherited,
    dir: &Path,
    now: DateTime<Utc>,
    all: &mut Vec<String>,
) -> KeySpec {
    let mut problems = Vec::new();
    let permissions =
        permissions_from(&raw.presets, &raw.grant, raw.allow_unknown).unwrap_or_else(|e| {
            problems.extend(e);
            PermissionSet::new()
        });
    let id = pinned_id(raw, &mut problems);
    let spec = KeySpec {
        name: raw.name.trim().to_owned(),
        permissions,
        allow_unknown: raw.allow_unknown,
        id,
        id_span: raw.id.as_ref().map(toml::Spanned::span),
        expires: read_lifetime(
            &mut problems,
            "expires",
            raw.expires.as_deref(),
            defaults.expires,
        ),
        rotate_before: read_span(
            &mut problems,
            "rotate_before",
            raw.rotate_before.as_deref(),
            defaults.rotate_before,
        ),
        overlap: read_span(
            &mut problems,
            "overlap",
            raw.overlap.as_deref(),
            defaults.overlap,
        ),
        targets: targets(dir, raw, &mut problems),
    };
    // The defaults' pair is checked once, in [defaults].
    if raw.expires.is_some() || raw.rotate_before.is_some() {
        check_rotation(
            &mut problems,
            "",
            (spec.expires, raw.expires.as_deref()),
            (spec.rotate_before, raw.rotate_before.as_deref()),
            now,
        );
    }
    // What the server would refuse (an empty name, no permission, ...).
    if problems.is_empty()
        && let Err(crate::error::Error::InvalidInput(report)) = spec.new_key(now)
    {
        problems.extend(report.errors().map(|p| p.message.clone()));
    }
    let at = format!("[[key]] {}", shown_name(&raw.name));
    all.extend(problems.into_iter().map(|p| format!("{at}: {p}")));
    spec
}

/// The longest part of a name a problem quotes.
const SHOWN_NAME_CHARS: usize = 60;

/// `name` quoted for a problem, a long one cut (the problem says how long
/// it is): a 3000-character name would drown the message.
fn shown_name(name: &str) -> String {
    match name.char_indices().nth(SHOWN_NAME_CHARS) {
        Some((cut, _)) => format!("{:?}…", &name[..cut]),
        None => format!("{name:?}"),
    }
}

/// The entry's pinned id, checked, and its name checked for a retiring mark.
fn pinned_id(raw: &RawKey, problems: &mut Vec<String>) -> Option<String> {
    let id = raw.id.as_ref().map(|s| s.get_ref().trim().to_owned());
    if let Some(id) = &id
        && let Err(report) = crate::validation::check_key_id(id)
    {
        problems.push(format!("id: {report}"));
    }
    if crate::retiring::base_name(&raw.name) != raw.name.trim() {
        problems.push(
            "the name carries a retiring mark, which `apply` gives the keys it retires; remove it"
                .to_owned(),
        );
    }
    if crate::retiring::is_pending(&raw.name) {
        problems.push(
            "the name carries a pending mark, which `apply` gives a key until its secret is delivered; remove it"
                .to_owned(),
        );
    }
    id
}

/// The span `text` gives `field`, or `or` when absent (or wrong: the
/// problem is pushed).
fn read_span(
    problems: &mut Vec<String>,
    field: &str,
    text: Option<&str>,
    or: FileSpan,
) -> FileSpan {
    let Some(text) = text else { return or };
    FileSpan::parse(text).unwrap_or_else(|e| {
        problems.push(format!("{field} = {text:?}: {e}"));
        or
    })
}

/// As [`read_span`], for a lifetime: a span that is not zero, or `never`.
fn read_lifetime(
    problems: &mut Vec<String>,
    field: &str,
    text: Option<&str>,
    or: Lifetime,
) -> Lifetime {
    match text {
        None => or,
        Some(t) if t.trim().eq_ignore_ascii_case("never") => Lifetime::Never,
        Some(t) => match FileSpan::parse(t) {
            Ok(FileSpan::Zero) => {
                problems.push(format!("{field} = {t:?}: a key would expire at once; give a lifetime such as 90d, or never"));
                or
            }
            Ok(span) => Lifetime::For(span),
            Err(e) => {
                problems.push(format!("{field} = {t:?}: {e}"));
                or
            }
        },
    }
}

/// A `rotate_before` at least as long as `expires` makes every new key due
/// at once, so each apply would rotate it again: a problem naming both.
/// Each value with its text as written, when it was (else the default's).
fn check_rotation(
    problems: &mut Vec<String>,
    at: &str,
    (expires, expires_text): (Lifetime, Option<&str>),
    (rotate_before, rotate_text): (FileSpan, Option<&str>),
    now: DateTime<Utc>,
) {
    let Lifetime::For(lifetime) = expires else {
        return;
    };
    if rotate_before.after(now) >= lifetime.after(now) {
        let written =
            |text: Option<&str>, value: String| text.map_or(value, |t| t.trim().to_owned());
        problems.push(format!(
            "{at}rotate_before = {:?} is not shorter than expires = {:?}: every key apply makes would be due at once and rotated again on each run; make rotate_before shorter than expires (e.g. 14d for 90d)",
            written(rotate_text, rotate_before.to_string()),
            written(expires_text, lifetime.to_string()),
        ));
    }
}

/// A key's targets, relative paths taken from `dir`.
fn targets(dir: &Path, raw: &RawKey, problems: &mut Vec<String>) -> Targets {
    for command in &raw.secret_to {
        if command.trim().is_empty() {
            problems.push("secret_to holds an empty command".to_owned());
        }
    }
    if raw.secret_env_name.is_some() && raw.secret_out.is_none() {
        problems
            .push("secret_env_name names the variable of secret_out, which is missing".to_owned());
    }
    if let Some(name) = &raw.secret_env_name
        && !crate::deliver::is_env_name(name)
    {
        problems.push(format!("secret_env_name {name:?} is not a variable name: use letters, digits and _, not starting with a digit"));
    }
    Targets {
        secret_to: raw.secret_to.clone(),
        secret_out: raw.secret_out.as_ref().map(|p| dir.join(p)),
        secret_env_name: raw.secret_env_name.clone(),
    }
}

/// Names, pinned ids and targets each belong to one entry.
fn check_unique(keys: &[KeySpec], problems: &mut Vec<String>) {
    let mut names = HashMap::new();
    let mut ids = HashMap::new();
    let mut outs = HashMap::new();
    let mut commands = HashMap::new();
    for key in keys {
        if let Some(first) = names.insert(key.name.as_str(), key.name.as_str()) {
            problems.push(format!("two [[key]] entries are named {first:?}: a name is a key's identity, give each key its own"));
        }
        if let Some(id) = &key.id
            && let Some(first) = ids.insert(id.as_str(), key.name.as_str())
        {
            problems.push(format!(
                "{first:?} and {:?} are both pinned to id {id}",
                key.name
            ));
        }
        if let Some(out) = &key.targets.secret_out
            && let Some(first) = outs.insert(out.clone(), key.name.as_str())
        {
            problems.push(format!("{first:?} and {:?} share secret_out {}: a target belongs to one key (its secret replaces what the target held)", key.name, out.display()));
        }
        for command in &key.targets.secret_to {
            if let Some(first) = commands.insert(command.trim(), key.name.as_str())
                && first != key.name
            {
                problems.push(format!("{first:?} and {:?} share secret_to {command:?}: a target belongs to one key (its secret replaces what the target held)", key.name));
            }
        }
    }
}

/// Permissions from presets and grants, as `--preset` and `--grant` read
/// them: with `sdk-development`, a grant may name a bare resource, which
/// gets both levels. Unless `allow_unknown`, each must be in the catalog
/// (a miss is most likely a typo, refused with what was probably meant).
pub fn permissions_from(
    presets: &[String],
    grants: &[String],
    allow_unknown: bool,
) -> Result<PermissionSet, Vec<String>> {
    let mut problems = Vec::new();
    let mut chosen = Vec::new();
    for p in presets {
        match p.parse::<Preset>() {
            Ok(preset) => chosen.push(preset),
            Err(e) => problems.push(format!("presets: {e}")),
        }
    }
    let sdk = chosen.contains(&Preset::SdkDevelopment);
    let mut set = PermissionSet::new();
    let mut sdk_resources = Vec::new();
    for grant in grants {
        if sdk && !grant.contains(':') {
            let resource = Resource::from_input(grant);
            if !allow_unknown && !resource.is_known() {
                let meant = resource
                    .suggestion()
                    .map(|r| format!("; did you mean {r}?"))
                    .unwrap_or_default();
                problems.push(format!("grant {grant:?}: unknown resource{meant}"));
            }
            sdk_resources.push(resource);
            continue;
        }
        match grant.parse::<Permission>() {
            Ok(p) => match p.check_known() {
                Err(miss) if !allow_unknown => problems.push(format!(
                    "grant {grant:?}: {miss} (allow_unknown = true sends a permission the catalog does not know as written)"
                )),
                _ => {
                    set.insert(p);
                }
            },
            Err(e) => problems.push(format!("grant: {e}")),
        }
    }
    if sdk && sdk_resources.is_empty() {
        problems.push("the preset sdk-development needs the resources your application uses: add them to grant, e.g. grant = [\"datasets\"]".to_owned());
    }
    for preset in chosen {
        set.extend(preset.permissions(&sdk_resources).iter().cloned());
    }
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(problems)
    }
}

/// A TOML error as one sentence: where (line), what, and for a misspelt
/// field the one probably meant.
fn toml_problem(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| {
        text.get(..s.start)
            .unwrap_or_default()
            .matches('\n')
            .count()
            + 1
    });
    let message = e.message().trim_end_matches('.').to_owned();
    let mut out = match line {
        Some(line) => format!("line {line}: {message}"),
        None => message.clone(),
    };
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((typed, _)) = rest.split_once('`')
    {
        let every = TOP_FIELDS
            .iter()
            .chain(&DEFAULTS_FIELDS)
            .chain(&KEY_FIELDS)
            .copied();
        if let Some(meant) = crate::suggest::did_you_mean(typed, every) {
            out = match line {
                Some(line) => {
                    format!("line {line}: unknown field `{typed}`; did you mean `{meant}`?")
                }
                None => format!("unknown field `{typed}`; did you mean `{meant}`?"),
            };
        }
    }
    // `secret_to = "cmd"`: say what each entry is, so a command's words are
    // not split into entries (each would run as a command of its own).
    let field = e
        .span()
        .and_then(|s| text.get(..s.start))
        .and_then(|before| before.rsplit('\n').next())
        .map(|line| line.trim_start().starts_with("secret_to"));
    if field == Some(true) && message.contains("expected a sequence") {
        out.push_str(
            "; secret_to is a list of commands, each entry one shell command run with `sh -c` (e.g. secret_to = [\"gh secret set NAME\"])",
        );
    }
    out
}

#[cfg(test)]
mod tests;
