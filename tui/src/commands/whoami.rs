//! `whoami`: the user, company and credentials the session uses.

use anstream::println;
use serde_json::json;

use super::merge;
use crate::error::CliError;
use crate::output::{clean, print_json};
use crate::session::Session;

pub(super) async fn whoami(s: &Session, json: bool) -> Result<u8, CliError> {
    let me = s.client.whoami().await?;
    if json {
        let mut out = serde_json::to_value(&me)
            .map_err(|e| CliError::failed(format!("could not encode the answer: {e}")))?;
        merge(
            &mut out,
            json!({
                "credential_source": s.key_source,
                "credential_last_four": s.key_last_four,
                "environment_source": s.environment_source,
            }),
        );
        print_json(&out)?;
        return Ok(0);
    }
    let user = me
        .name
        .as_deref()
        .map(clean)
        .unwrap_or_else(|| "unknown user".into());
    let id = me
        .user_id
        .map(|i| format!(" (user {i})"))
        .unwrap_or_default();
    println!("{user}{id} on {}", s.label);
    let ending = match &s.key_last_four {
        Some(end) => format!("…{end}"),
        None => "(too short to show any of it)".to_owned(),
    };
    println!(
        "credentials: API key {ending} from {}, environment from {}",
        s.key_source, s.environment_source
    );
    if let Some(c) = &me.current_company_scope {
        println!(
            "company: {}{}{}",
            c.name.as_deref().map(clean).unwrap_or_default(),
            c.slug
                .as_deref()
                .map(|s| format!(" [{}]", clean(s)))
                .unwrap_or_default(),
            c.company_id
                .map(|i| format!(" (id {i})"))
                .unwrap_or_default()
        );
    }
    Ok(0)
}
