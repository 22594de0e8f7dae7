//! `explain`: what a key's or a set of grants' permissions allow.

use crate::output::outln;
use narrative_keys::{PermissionSet, explain};

use crate::error::CliError;
use crate::output::{escape_controls, print_json};

pub(super) fn print_explanation(set: &PermissionSet, json: bool) -> Result<u8, CliError> {
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
