//! `explain`: what a key's or a set of grants' permissions allow.

use crate::output::outln;
use narrative_keys::{PermissionSet, explain};

use super::{parse_permissions, resolve_id};
use crate::cli::ExplainArgs;
use crate::error::CliError;
use crate::output::{escape_controls, print_json};
use crate::session::Session;

/// `explain --grant ...`: the permissions given, with no request.
pub(super) fn explain_grants(args: &ExplainArgs) -> Result<u8, CliError> {
    let set = parse_permissions("--grant", &args.grant, args.allow_unknown)?;
    print_explanation(&set, args.json)
}

/// `explain KEY`: the key's permissions, read from the server.
pub(super) async fn explain_key(s: &Session, args: &ExplainArgs) -> Result<u8, CliError> {
    let Some(id) = &args.id else {
        return explain_grants(args);
    };
    let id = resolve_id(s, id).await?;
    let key = s.client.get_key(&id).await?;
    print_explanation(&key.permissions, args.json)
}

fn print_explanation(set: &PermissionSet, json: bool) -> Result<u8, CliError> {
    let e = explain(set);
    if json {
        print_json(&e)?;
    } else {
        for line in e.lines() {
            outln!("{}", escape_controls(&line))?;
        }
    }
    Ok(0)
}
