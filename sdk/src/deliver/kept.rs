//! What a secret file held before a new secret replaced it: kept beside it,
//! then checked once the run is over. Its copy is deleted only on proof that
//! the secret died during this run in this environment: `/whoami` accepted
//! it before the file was replaced ([`SecretFile::probe_held`]) and refuses
//! it after. A refusal alone proves nothing (the secret may belong to
//! another environment, or be mistyped), so one refused before and after,
//! one that still works and one that could not be checked all stay where
//! the person is told to look. So a file may be reused without ever
//! destroying the only copy of a secret that may still be live.
//!
//! [`SecretFile::probe_held`]: super::SecretFile::probe_held

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::DeliveryError;
use super::file::{create_owner_only, parent_dir, sync_dir};
use crate::client::Client;
use crate::error::Error;
use crate::secret::Secret;
use crate::whoami::Whoami;

/// The secret a file held before a new one replaced it, copied beside it
/// (`<file>.replaced-<UTC time>`, mode 0600) before the file was replaced.
/// [`KeptSecret::check`] finds out whether it still works once the run is
/// over (for a rotation, after the old key was retired).
#[derive(Debug)]
pub struct KeptSecret {
    /// The file the secret was in, and the new secret is in now.
    replaced: PathBuf,
    /// The copy.
    path: PathBuf,
    secret: Secret,
    /// What `/whoami` said of it before the file was replaced.
    before: Before,
}

/// What `/whoami` said of a file's secret before the run replaced it.
#[derive(Debug)]
pub(super) enum Before {
    /// It authenticated.
    Worked,
    /// 401: it did not work here before the run either.
    Refused,
    /// Unknown, and why (a phrase: the error, or that it was not asked).
    Unknown(String),
}

/// A file's secret and what `/whoami` said of it, asked before the file
/// was replaced ([`SecretFile::probe_held`](super::SecretFile::probe_held)).
#[derive(Debug)]
pub(super) struct Probed {
    /// The secret asked about: the answer holds only while the file still
    /// holds it.
    pub(super) secret: Secret,
    pub(super) before: Before,
}

impl Probed {
    /// Asks `/whoami` with `secret` in `session`'s environment.
    pub(super) async fn ask(secret: Secret, session: &Client) -> Self {
        let before = match whoami_with(&secret, session).await {
            Ok(_) => Before::Worked,
            Err(Error::Unauthorized(_)) => Before::Refused,
            Err(e) => Before::Unknown(format!("before this run: {e}")),
        };
        tracing::info!(
            before = before_code(&before),
            "asked whether the secret a file holds works, before replacing it"
        );
        Self { secret, before }
    }

    /// What was said of `held`, the secret the file holds now: unknown when
    /// nothing was asked, or the file changed since.
    pub(super) fn of(asked: Option<Self>, held: &Secret) -> Before {
        match asked {
            Some(p) if p.secret.expose() == held.expose() => p.before,
            Some(_) => {
                Before::Unknown("the file changed after it was asked before this run".into())
            }
            None => Before::Unknown("it was not asked before this run".into()),
        }
    }
}

/// `worked`, `refused` or `unknown`, for logs.
fn before_code(before: &Before) -> &'static str {
    match before {
        Before::Worked => "worked",
        Before::Refused => "refused",
        Before::Unknown(_) => "unknown",
    }
}

/// `/whoami` with `secret`, in `session`'s environment with its timeout
/// and retries.
pub(crate) async fn whoami_with(secret: &Secret, session: &Client) -> Result<Whoami, Error> {
    Client::builder()
        .api_key(secret.clone())
        .environment(session.environment().clone())
        .timeout(session.timeout())
        .retry(*session.retry_policy())
        .build()?
        .whoami()
        .await
}

/// How many names (`…Z`, `…Z-2`, …) are tried for the copy before giving up.
const KEPT_NAMES: u32 = 100;

impl KeptSecret {
    /// Copies `text` (the file's whole content, holding `secret`) to a new
    /// owner-only file beside `replaced`: created exclusively, never through
    /// a link and never over anything, then synced with its directory.
    pub(super) fn keep(
        replaced: &Path,
        text: &[u8],
        secret: Secret,
        before: Before,
        now: DateTime<Utc>,
    ) -> Result<Self, DeliveryError> {
        let shown = replaced.display().to_string();
        let fail = |e: std::io::Error| {
            DeliveryError::new(
                &shown,
                format!(
                    "could not keep the secret it holds in a file beside it ({e}), so it was left as it was"
                ),
            )
            .hint("check the disk and the directory, then run again")
        };
        let (mut file, path) = create_kept_file(replaced, now).map_err(fail)?;
        if let Err(e) = file.write_all(text).and_then(|()| file.sync_all()) {
            let _ = fs::remove_file(&path);
            return Err(fail(e));
        }
        sync_dir(parent_dir(&path));
        Ok(Self {
            replaced: replaced.to_path_buf(),
            path,
            secret,
            before,
        })
    }

    /// Where the copy is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file the secret was in before the new one replaced it.
    pub fn replaced(&self) -> &Path {
        &self.replaced
    }

    #[cfg(test)]
    pub(super) fn secret_value(&self) -> &str {
        self.secret.expose()
    }

    /// Removes the copy: the file it came from was not replaced after all.
    pub(crate) fn discard(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// Asks `/whoami` with the kept secret, in `session`'s environment with
    /// its timeout and retries. The copy is deleted only when the secret
    /// worked before the file was replaced and is refused (401) now: it died
    /// in this run. Otherwise it stays: it still works, it was refused
    /// before too (another environment's, or mistyped), or (a network
    /// failure, a 5xx, not asked before) nobody can tell.
    pub async fn check(self, session: &Client) -> KeptCheck {
        let state = match (whoami_with(&self.secret, session).await, self.before) {
            (Ok(me), _) => KeptState::StillWorks(Box::new(me)),
            (Err(Error::Unauthorized(_)), Before::Worked) => {
                KeptState::NoLongerWorks(fs::remove_file(&self.path).map_err(|e| e.to_string()))
            }
            (Err(Error::Unauthorized(_)), Before::Refused) => KeptState::NeverWorkedHere {
                environment: session.environment().name(),
            },
            (Err(Error::Unauthorized(_)), Before::Unknown(why)) => KeptState::Unchecked(why),
            (Err(e), _) => KeptState::Unchecked(e.to_string()),
        };
        tracing::info!(kept = %self.path.display(), state = state.code(), "checked the secret a file held before");
        KeptCheck {
            last_four: self.secret.last_four(),
            replaced: self.replaced,
            path: self.path,
            state,
        }
    }
}

/// `<file>.replaced-<UTC time>` beside `replaced`, created with `O_EXCL`
/// and `O_NOFOLLOW`, mode 0600; `-2`, `-3`, … added when that name is taken.
fn create_kept_file(replaced: &Path, now: DateTime<Utc>) -> std::io::Result<(File, PathBuf)> {
    let name = replaced
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?;
    let mut base = OsString::from(name);
    base.push(format!(".replaced-{}", now.format("%Y%m%dT%H%M%SZ")));
    for n in 1..=KEPT_NAMES {
        let mut candidate = base.clone();
        if n > 1 {
            candidate.push(format!("-{n}"));
        }
        let path = replaced.with_file_name(candidate);
        match create_owner_only(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{KEPT_NAMES} files named {} exist already",
        replaced.with_file_name(base).display()
    )))
}

/// What `/whoami` said of a kept secret, before the run and after it.
#[derive(Debug)]
pub enum KeptState {
    /// It worked before the file was replaced and is refused (401) now: it
    /// died in this run. `Ok`: its copy was deleted; `Err`: it could not be
    /// (why), so it is still there.
    NoLongerWorks(Result<(), String>),
    /// Refused (401) before the run and after it: it never worked in this
    /// environment (another environment's secret, or a mistyped one), so
    /// nothing proves it dead: the copy stays.
    NeverWorkedHere {
        /// The environment asked (`prod`, `dev` or its URL).
        environment: String,
    },
    /// It still authenticates, as this user and company: the copy stays.
    StillWorks(Box<Whoami>),
    /// Any other answer, before or after (a network failure, a 5xx), or it
    /// was not asked before the run: nobody can tell, so the copy stays.
    /// Why, as a phrase.
    Unchecked(String),
}

impl KeptState {
    /// `no_longer_works`, `never_worked_here`, `still_works` or
    /// `unchecked`, for logs.
    pub fn code(&self) -> &'static str {
        match self {
            KeptState::NoLongerWorks(_) => "no_longer_works",
            KeptState::NeverWorkedHere { .. } => "never_worked_here",
            KeptState::StillWorks(_) => "still_works",
            KeptState::Unchecked(_) => "unchecked",
        }
    }
}

/// What became of a [`KeptSecret`] once checked. Holds no secret.
#[derive(Debug)]
pub struct KeptCheck {
    /// The file the secret was in before the new one replaced it.
    pub replaced: PathBuf,
    /// Where its copy is (or was, if deleted).
    pub path: PathBuf,
    /// The kept secret's last four characters, to tell it apart
    /// ([`Secret::last_four`]).
    pub last_four: Option<String>,
    /// What `/whoami` said.
    pub state: KeptState,
}

impl KeptCheck {
    /// Whether the copy is still on disk (it is, unless it no longer works
    /// and was deleted).
    pub fn is_kept(&self) -> bool {
        !matches!(self.state, KeptState::NoLongerWorks(Ok(())))
    }

    /// Whether the kept secret still works: `Some(true)`, `Some(false)`
    /// (it died in this run), or `None` when that is not known: it could
    /// not be checked, or it never worked in this environment, so whether it
    /// works where it belongs is unknown (never `false`, which would say its
    /// copy may go).
    pub fn still_works(&self) -> Option<bool> {
        match self.state {
            KeptState::NoLongerWorks(_) => Some(false),
            KeptState::StillWorks(_) => Some(true),
            KeptState::NeverWorkedHere { .. } | KeptState::Unchecked(_) => None,
        }
    }

    /// What to tell the person: a short note when the copy was deleted;
    /// otherwise where it is, why it was kept and what to do. Paths and the
    /// server's names are as they are: escape them for a terminal.
    pub fn message(&self) -> String {
        let (replaced, path) = (self.replaced.display(), self.path.display());
        let which = match &self.last_four {
            Some(end) => format!("the secret ending …{end}"),
            None => "the secret".to_owned(),
        };
        match &self.state {
            KeptState::NoLongerWorks(Ok(())) => format!(
                "{replaced} held {which} before; it no longer works, so its copy {path} was deleted."
            ),
            KeptState::NoLongerWorks(Err(e)) => format!(
                "{replaced} held {which} before; it no longer works, but its copy {path} could not be deleted ({e}): delete it."
            ),
            KeptState::NeverWorkedHere { environment } => format!(
                "{replaced} held {which} before; it does not work against {environment} (not before this run either): it may belong to another environment or be mistyped; kept in {path} (mode 0600). Move it to where it belongs, or delete that file once you know nothing needs it."
            ),
            KeptState::StillWorks(me) => format!(
                "{replaced} held {which} before, and it STILL WORKS{}: it was kept in {path} (mode 0600). Move it to where it belongs, or revoke its key once nothing uses it, then delete that file.",
                signs_in_as(me)
            ),
            KeptState::Unchecked(why) => format!(
                "{replaced} held {which} before; whether it still works could not be checked ({why}), so it was kept in {path} (mode 0600). If it still works, move it to where it belongs or revoke its key; then delete that file."
            ),
        }
    }
}

/// ` (it signs in as <user> of <company>)`, as far as `/whoami` says.
fn signs_in_as(me: &Whoami) -> String {
    let user = me.name.as_deref().filter(|n| !n.trim().is_empty());
    let company = me
        .current_company_scope
        .as_ref()
        .and_then(|c| c.name.as_deref().or(c.slug.as_deref()))
        .filter(|n| !n.trim().is_empty());
    match (user, company) {
        (Some(u), Some(c)) => format!(" (it signs in as {u} of {c})"),
        (Some(u), None) => format!(" (it signs in as {u})"),
        (None, Some(c)) => format!(" (it signs in for {c})"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 10, 15, 0).unwrap()
    }

    /// `K=old` kept beside `replaced`.
    fn keep_old(replaced: &Path) -> Result<KeptSecret, DeliveryError> {
        KeptSecret::keep(
            replaced,
            b"K=old\n",
            Secret::new("old"),
            Before::Worked,
            at(),
        )
    }

    #[test]
    fn the_copy_is_a_new_owner_only_file_beside_the_one_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let replaced = dir.path().join("b.env");
        let kept = keep_old(&replaced).unwrap();
        assert_eq!(
            kept.path(),
            dir.path().join("b.env.replaced-20261206T101500Z")
        );
        assert_eq!(kept.replaced(), replaced);
        assert_eq!(fs::read(kept.path()).unwrap(), b"K=old\n");
        assert_eq!(mode(kept.path()), 0o600);
        let path = kept.path().to_path_buf();
        kept.discard();
        assert!(!path.exists());
    }

    #[test]
    fn the_copy_never_goes_over_a_file_or_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let replaced = dir.path().join("b.env");
        let first = dir.path().join("b.env.replaced-20261206T101500Z");
        fs::write(&first, "someone else's\n").unwrap();
        let second = dir.path().join("b.env.replaced-20261206T101500Z-2");
        let elsewhere = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&elsewhere, &second).unwrap();
        let kept = keep_old(&replaced).unwrap();
        assert_eq!(
            kept.path(),
            dir.path().join("b.env.replaced-20261206T101500Z-3")
        );
        assert_eq!(fs::read_to_string(&first).unwrap(), "someone else's\n");
        assert!(
            fs::symlink_metadata(&second)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(!elsewhere.exists(), "nothing written through the link");
        assert_eq!(fs::read(kept.path()).unwrap(), b"K=old\n");
        assert_eq!(mode(kept.path()), 0o600);
    }

    #[test]
    fn a_copy_that_cannot_be_made_says_the_file_was_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let replaced = dir.path().join("gone/b.env");
        let err = keep_old(&replaced).unwrap_err();
        assert_eq!(err.target, replaced.display().to_string());
        assert!(err.message.contains("left as it was"), "{err}");
        assert!(err.hint.is_some());
    }

    #[test]
    fn messages_say_where_the_copy_is_and_never_the_secret() {
        let check = |state| KeptCheck {
            replaced: PathBuf::from("b.env"),
            path: PathBuf::from("b.env.replaced-20261206T101500Z"),
            last_four: Some("wxyz".into()),
            state,
        };
        let gone = check(KeptState::NoLongerWorks(Ok(())));
        assert!(!gone.is_kept());
        assert_eq!(gone.still_works(), Some(false));
        assert_eq!(
            gone.message(),
            "b.env held the secret ending …wxyz before; it no longer works, so its copy b.env.replaced-20261206T101500Z was deleted."
        );
        let me = Whoami {
            name: Some("Ada".into()),
            ..Whoami::default()
        };
        let live = check(KeptState::StillWorks(Box::new(me)));
        assert!(live.is_kept());
        assert_eq!(live.still_works(), Some(true));
        let text = live.message();
        assert!(text.contains("STILL WORKS (it signs in as Ada)"), "{text}");
        assert!(
            text.contains("kept in b.env.replaced-20261206T101500Z (mode 0600)"),
            "{text}"
        );
        assert!(text.contains("revoke its key"), "{text}");
        let elsewhere = check(KeptState::NeverWorkedHere {
            environment: "dev".into(),
        });
        assert!(elsewhere.is_kept());
        assert_eq!(elsewhere.still_works(), None, "not known where it belongs");
        let text = elsewhere.message();
        assert!(
            text.contains("does not work against dev (not before this run either): it may belong to another environment or be mistyped; kept in b.env.replaced-20261206T101500Z (mode 0600)"),
            "{text}"
        );
        let unknown = check(KeptState::Unchecked("no answer".into()));
        assert!(unknown.is_kept());
        assert_eq!(unknown.still_works(), None);
        let text = unknown.message();
        assert!(text.contains("could not be checked ("), "{text}");
        assert!(text.contains("no answer"), "{text}");
        assert!(text.contains("kept in b.env.replaced-"), "{text}");
    }
}
