//! Findings over a set of keys: what a careful administrator would point out.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::access::AccessLevel;
use crate::catalog::CATALOG;
use crate::key::{ApiKey, KeyStatus, StatusPolicy};
use crate::resource::Resource;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum FindingSeverity {
    /// Worth knowing; no action needed.
    Info,
    /// Should be acted on; `narrative-keys audit` exits 1.
    Warning,
    /// A risk to act on now.
    Critical,
}

/// What a finding is about, as a stable code for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub enum FindingKind {
    /// The key has expired: the API refuses it.
    Expired,
    /// The key expires within the status policy's window.
    ExpiringSoon,
    /// The key never expires: set an expiration and rotate it.
    NoExpiration,
    /// The key expires further away than the audit's limit (a year by default).
    ExpiresFarAway,
    /// The key holds `write:access_tokens`: it can create and revoke keys.
    CanMintKeys,
    /// The key may write a resource it cannot read.
    WriteWithoutRead,
    /// The key holds permissions on a large share of the catalog.
    BroadAccess,
    /// The key holds a permission the catalog does not know.
    UnknownPermission,
    /// Another key has the same name.
    DuplicateName,
    /// An overlap rotation retired the key: it works until the overlap
    /// ends, beside its successor ([`ApiKey::retiring`]).
    Retiring,
}

/// One thing an audit found about one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Finding {
    /// The key's id.
    pub key_id: String,
    /// The key's name.
    pub key_name: String,
    /// How serious the finding is.
    pub severity: FindingSeverity,
    /// What the finding is about.
    pub kind: FindingKind,
    /// What was found and what to do, in a sentence.
    pub message: String,
}

/// What an audit judges against.
#[derive(Debug, Clone, Copy)]
pub struct AuditOptions {
    /// The instant the keys are judged against.
    pub now: DateTime<Utc>,
    /// When an expiration counts as soon.
    pub policy: StatusPolicy,
    /// An expiration further away than this is called out (default 365 days).
    pub far_future: Duration,
    /// A key holding permissions on at least this share of the catalog's
    /// resources is called broad (default one half).
    pub broad_share: f64,
}

impl AuditOptions {
    /// The default options, judging at `now`.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now,
            policy: StatusPolicy::default(),
            far_future: Duration::days(365),
            broad_share: 0.5,
        }
    }
}

/// Findings for every key, most severe first, then in key order.
pub fn audit(keys: &[ApiKey], options: &AuditOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    for key in keys {
        audit_key(key, options, &mut findings);
    }
    // Grouped by sorting (stable, so key order is kept within a name)
    // rather than in a map: the sort is already in the npm package, a map
    // would add its code.
    let mut by_name: Vec<&ApiKey> = keys.iter().collect();
    crate::order::sort_by(&mut by_name, |a, b| a.name.trim().cmp(b.name.trim()));
    for same in by_name
        .chunk_by(|a, b| a.name.trim() == b.name.trim())
        .filter(|same| same.len() > 1)
    {
        let name = same[0].name.trim();
        for key in same {
            findings.push(finding(
                key,
                FindingSeverity::Info,
                FindingKind::DuplicateName,
                format!(
                    "{} keys are named \"{name}\"; distinct names make it safer to revoke the right one",
                    same.len()
                ),
            ));
        }
    }
    most_severe_first(&mut findings);
    findings
}

/// Findings for one key alone (no cross-key checks such as duplicate names).
pub fn audit_one(key: &ApiKey, options: &AuditOptions) -> Vec<Finding> {
    let mut findings = Vec::new();
    audit_key(key, options, &mut findings);
    most_severe_first(&mut findings);
    findings
}

/// Stable: keeps key order within a severity.
fn most_severe_first(findings: &mut Vec<Finding>) {
    crate::order::sort_by(findings, |a, b| b.severity.cmp(&a.severity));
}

fn audit_key(key: &ApiKey, o: &AuditOptions, out: &mut Vec<Finding>) {
    let mints = key
        .permissions
        .grants(&AccessLevel::Write, &Resource::new("access_tokens"));
    audit_expiration(key, o, mints, out);
    if mints {
        out.push(finding(
            key,
            FindingSeverity::Warning,
            FindingKind::CanMintKeys,
            "holds write:access_tokens, so it can create keys with any permission; keep such keys few and short-lived".to_owned(),
        ));
    }
    audit_permissions(key, o, out);
}

/// Findings about when the key expires: expired, soon, never (critical for
/// a key that can mint keys), or far away.
fn audit_expiration(key: &ApiKey, o: &AuditOptions, mints: bool, out: &mut Vec<Finding>) {
    use FindingKind::*;
    use FindingSeverity::*;
    // NaiveDate displays as YYYY-MM-DD without the strftime machinery.
    let date = |t: DateTime<Utc>| t.date_naive().to_string();
    if audit_retiring(key, o, out) {
        return;
    }
    match (key.status(o.now, &o.policy), key.expires_at) {
        (KeyStatus::Expired, Some(at)) => out.push(finding(
            key,
            Info,
            Expired,
            format!(
                "expired on {}; it no longer works, so revoke it to keep the list clear",
                date(at)
            ),
        )),
        (KeyStatus::ExpiringSoon, Some(at)) => out.push(finding(
            key,
            Warning,
            ExpiringSoon,
            format!(
                "expires on {} ({}); rotate it before whatever uses it stops working",
                date(at),
                in_days(at - o.now)
            ),
        )),
        (KeyStatus::NoExpiration, _) => out.push(finding(
            key,
            if mints { Critical } else { Warning },
            NoExpiration,
            if mints {
                "never expires and can mint keys; give it an expiration by rotating it".to_owned()
            } else {
                "never expires; rotate it into a key with an expiration (90 days is common)"
                    .to_owned()
            },
        )),
        (KeyStatus::Active, Some(at)) if at - o.now > o.far_future => out.push(finding(
            key,
            Info,
            ExpiresFarAway,
            format!(
                "expires on {}, more than {} days away; shorter lifetimes limit what a leak costs",
                date(at),
                o.far_future.num_days()
            ),
        )),
        _ => {}
    }
}

/// A key an overlap rotation retired that still works: its end was set on
/// purpose, so the one finding says when it stops, not to rotate it. True
/// when the key is such a key.
fn audit_retiring(key: &ApiKey, o: &AuditOptions, out: &mut Vec<Finding>) -> bool {
    let Some(at) = key.retiring().filter(|at| *at > o.now) else {
        return false;
    };
    out.push(finding(
        key,
        FindingSeverity::Info,
        FindingKind::Retiring,
        format!(
            "replaced by a rotation; it keeps working beside its successor until {} ({}), then expires",
            crate::retiring::minute_text(at),
            in_days(at - o.now)
        ),
    ));
    true
}

/// Findings about what the key holds: write without read, permissions the
/// catalog does not list, access to most resources.
fn audit_permissions(key: &ApiKey, o: &AuditOptions, out: &mut Vec<Finding>) {
    use FindingKind::*;
    use FindingSeverity::*;
    for p in &key.permissions {
        if p.access == AccessLevel::Write
            && p.resource.supports(&AccessLevel::Read) == Some(true)
            && !key.permissions.grants(&AccessLevel::Read, &p.resource)
        {
            out.push(finding(
                key,
                Info,
                WriteWithoutRead,
                format!(
                    "can change {} without reading them; right for ingestion, odd otherwise",
                    p.resource.display_name()
                ),
            ));
        }
        if !p.resource.is_known() || !p.access.is_documented() {
            out.push(finding(
                key,
                Info,
                UnknownPermission,
                format!("`{p}` is not in the permission catalog; it is kept as the server sent it"),
            ));
        }
    }
    let mut resources: Vec<&str> = key
        .permissions
        .iter()
        .filter(|p| p.resource.is_known())
        .map(|p| p.resource.as_wire())
        .collect();
    resources.dedup();
    let share = resources.len() as f64 / CATALOG.len() as f64;
    if share >= o.broad_share {
        out.push(finding(
            key,
            Warning,
            BroadAccess,
            format!(
                "holds permissions on {} of the {} resources; grant only what the key's job needs",
                resources.len(),
                CATALOG.len()
            ),
        ));
    }
}

fn in_days(d: Duration) -> String {
    // Rounded to the nearest day, as people count.
    match (d.num_minutes() as f64 / 1440.0).round() as i64 {
        0 => "today".to_owned(),
        1 => "in 1 day".to_owned(),
        n => format!("in {n} days"),
    }
}

fn finding(key: &ApiKey, severity: FindingSeverity, kind: FindingKind, message: String) -> Finding {
    Finding {
        key_id: key.id.clone(),
        key_name: key.name.clone(),
        severity,
        kind,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permission::PermissionSet;

    fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    fn key(id: &str, name: &str, perms: &str, expires: Option<&str>) -> ApiKey {
        ApiKey {
            id: id.into(),
            name: name.into(),
            permissions: PermissionSet::parse_compact(perms).unwrap(),
            expires_at: expires.map(|s| s.parse().unwrap()),
        }
    }

    fn kinds(findings: &[Finding], id: &str) -> Vec<FindingKind> {
        findings
            .iter()
            .filter(|f| f.key_id == id)
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn each_finding_fires_where_it_should() {
        use FindingKind::*;
        let all: String = CATALOG
            .iter()
            .filter(|e| e.read)
            .map(|e| format!("read:{} ", e.wire))
            .collect();
        let keys = [
            key("a", "ok", "read:datasets", Some("2027-03-01T00:00:00Z")),
            key("b", "old", "read:datasets", Some("2026-01-01T00:00:00Z")),
            key("c", "soon", "read:datasets", Some("2026-12-01T00:00:00Z")),
            key("d", "forever", "read:datasets", None),
            key("e", "far", "read:datasets", Some("2029-01-01T00:00:00Z")),
            key("f", "admin", "read:access_tokens write:access_tokens", None),
            key(
                "g",
                "ingest",
                "write:datasets",
                Some("2027-03-01T00:00:00Z"),
            ),
            key("h", "dup", "read:uploads", Some("2027-03-01T00:00:00Z")),
            key("i", "dup", &all, Some("2027-03-01T00:00:00Z")),
        ];
        let f = audit(&keys, &AuditOptions::at(now()));
        assert!(kinds(&f, "a").is_empty());
        assert_eq!(kinds(&f, "b"), [Expired]);
        assert_eq!(kinds(&f, "c"), [ExpiringSoon]);
        assert_eq!(kinds(&f, "d"), [NoExpiration]);
        assert_eq!(kinds(&f, "e"), [ExpiresFarAway]);
        assert_eq!(kinds(&f, "f"), [NoExpiration, CanMintKeys]);
        assert_eq!(kinds(&f, "g"), [WriteWithoutRead]);
        assert_eq!(kinds(&f, "h"), [UnknownPermission, DuplicateName]);
        assert_eq!(kinds(&f, "i"), [BroadAccess, DuplicateName]);
        assert_eq!(f[0].severity, FindingSeverity::Critical);
        assert_eq!(f[0].key_id, "f");
        assert!(f.windows(2).all(|w| w[0].severity >= w[1].severity));
    }

    #[test]
    fn a_key_retired_by_a_rotation_is_not_to_be_rotated() {
        use FindingKind::*;
        let keys = [
            key(
                "a",
                "etl (retiring 2026-11-27 10:00 UTC)",
                "read:datasets",
                Some("2026-11-27T10:00:30Z"),
            ),
            // The same mark, but the expiration was changed since.
            key(
                "b",
                "load (retiring 2026-11-27 10:00 UTC)",
                "read:datasets",
                Some("2026-12-01T00:00:00Z"),
            ),
            key(
                "c",
                "old (retiring 2026-11-20 10:00 UTC)",
                "read:datasets",
                Some("2026-11-20T10:00:00Z"),
            ),
        ];
        let f = audit(&keys, &AuditOptions::at(now()));
        let a: Vec<_> = f.iter().filter(|f| f.key_id == "a").collect();
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].kind, Retiring);
        assert_eq!(a[0].severity, FindingSeverity::Info);
        assert!(!a[0].message.contains("rotate"), "{}", a[0].message);
        assert!(
            a[0].message
                .contains("until 2026-11-27 10:00 UTC (in 1 day)"),
            "{}",
            a[0].message
        );
        assert_eq!(kinds(&f, "b"), [ExpiringSoon]);
        assert_eq!(kinds(&f, "c"), [Expired]);
    }
}
