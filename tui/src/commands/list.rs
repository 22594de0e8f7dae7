//! `list`: the keys, with their status, as a table or JSON.

use crate::output::{msgln, out};
use chrono::{DateTime, Utc};
use narrative_keys::{KeyStatus, StatusPolicy};

use crate::cli::{ListArgs, StatusFilter};
use crate::error::CliError;
use crate::output::{self, DIM, KeyJson, Table, escape_controls, print_json, status_style};
use crate::session::Session;

pub(super) async fn list(s: &Session, args: &ListArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
    let &ListArgs { status, json } = args;
    let mut keys = s.client.list_keys().await?;
    let policy = StatusPolicy::default();
    if let Some(filter) = status {
        let wanted = match filter {
            StatusFilter::Active => KeyStatus::Active,
            StatusFilter::Expiring => KeyStatus::ExpiringSoon,
            StatusFilter::Expired => KeyStatus::Expired,
            StatusFilter::NoExpiry => KeyStatus::NoExpiration,
        };
        keys.retain(|k| k.status(now, &policy) == wanted);
    }
    keys.sort_by_cached_key(crate::output::display_order);
    if json {
        let out: Vec<KeyJson> = keys.iter().map(|k| KeyJson::new(k, now)).collect();
        print_json(&out)?;
        return Ok(0);
    }
    let mut table = Table::new(&["STATUS", "NAME", "ID", "PERMISSIONS", "EXPIRES"]);
    let plain = anstyle::Style::new();
    for k in &keys {
        let st = k.status(now, &policy);
        table.row(vec![
            (output::status_text(k, st, now), status_style(st)),
            (escape_controls(&k.name), plain),
            (k.id.clone(), DIM),
            (escape_controls(&k.permissions.to_string()), plain),
            (output::expiry_text(k, now), plain),
        ]);
    }
    out!("{}", table.render())?;
    let count = |st: KeyStatus| keys.iter().filter(|k| k.status(now, &policy) == st).count();
    msgln!(
        "{} ({}): {} active, {} expiring soon, {} expired, {} without expiration",
        crate::ui::text::count_of(keys.len(), "key", "keys"),
        s.label,
        count(KeyStatus::Active),
        count(KeyStatus::ExpiringSoon),
        count(KeyStatus::Expired),
        count(KeyStatus::NoExpiration)
    );
    Ok(0)
}
