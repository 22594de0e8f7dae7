//! The man pages, `tui/man/narrative-keys.1` and one per subcommand
//! (`narrative-keys-list.1`, `narrative-keys-auth-login.1`), rendered by
//! clap_mangen from the command tree, named as its `generate_to` names
//! them. cargo-dist's archives ship the folder.

use clap::Command;
use clap_mangen::Man;

use super::Generated;

/// Every man page.
pub fn pages() -> Result<Vec<Generated>, String> {
    let mut cmd = narrative_keys_tui::cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    add(&cmd, &mut pages)?;
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

fn add(cmd: &Command, pages: &mut Vec<Generated>) -> Result<(), String> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        add(sub, pages)?;
    }
    let man = Man::new(cmd.clone());
    let mut contents = Vec::new();
    man.render(&mut contents)
        .map_err(|e| format!("could not render the man page of {}: {e}", cmd.get_name()))?;
    pages.push(Generated {
        path: format!("tui/man/{}", man.get_filename()),
        contents,
    });
    Ok(())
}
