//! `whoami`: the user, company and credentials the session uses.

use crate::output::outln;
use narrative_keys::Whoami;
use narrative_keys::whoami::Company;
use serde::Serialize;

use crate::cli::WhoamiArgs;
use crate::error::CliError;
use crate::output::{Sorted, escape_controls, print_json};
use crate::session::Session;

/// `whoami --json`: the server's answer, and where the credentials came
/// from; every key in alphabetical order, the answer's fields among them.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct WhoamiJson<'a> {
    credential_last_four: Option<&'a str>,
    credential_source: &'a str,
    environment_source: &'a str,
    #[serde(flatten)]
    me: &'a Whoami,
}

pub(super) async fn whoami(s: &Session, args: &WhoamiArgs) -> Result<u8, CliError> {
    let json = args.json;
    let me = s.client.whoami().await?;
    if json {
        print_json(&Sorted(WhoamiJson {
            credential_last_four: s.key_last_four.as_deref(),
            credential_source: &s.key_source,
            environment_source: &s.environment_source,
            me: &me,
        }))?;
        return Ok(0);
    }
    outln!("{} on {}", user_text(&me), s.label)?;
    let ending = match &s.key_last_four {
        Some(end) => format!("…{end}"),
        None => "(too short to show any of it)".to_owned(),
    };
    outln!(
        "credentials: API key {ending} from {}, environment from {}",
        s.key_source,
        s.environment_source
    )?;
    if let Some(c) = &me.current_company_scope {
        outln!("company: {}", company_text(c))?;
    }
    Ok(0)
}

/// "Ada (user 1)": the user `/whoami` names, escaped.
pub(super) fn user_text(me: &Whoami) -> String {
    let user = me
        .name
        .as_deref()
        .map(escape_controls)
        .unwrap_or_else(|| "unknown user".into());
    let id = me
        .user_id
        .map(|i| format!(" (user {i})"))
        .unwrap_or_default();
    format!("{user}{id}")
}

/// "Acme [acme] (id 7)": the company `/whoami` names, escaped.
pub(super) fn company_text(c: &Company) -> String {
    format!(
        "{}{}{}",
        c.name.as_deref().map(escape_controls).unwrap_or_default(),
        c.slug
            .as_deref()
            .map(|s| format!(" [{}]", escape_controls(s)))
            .unwrap_or_default(),
        c.company_id
            .map(|i| format!(" (id {i})"))
            .unwrap_or_default()
    )
}
