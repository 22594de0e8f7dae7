//! `docs/src/reference/cli.md`: every subcommand and argument from the clap
//! command tree, with each argument's long help, default, variable and
//! values, so `--help` and the page say the same thing.

use std::fmt::Write;

use clap::{Arg, Command};

/// The page.
pub fn page() -> String {
    let mut cmd = narrative_keys_tui::cli::command();
    cmd.build();
    let mut out = super::generated_note("the command line's clap definitions (tui/src/cli/)");
    out.push_str("# Command-line reference\n\n");
    out.push_str(
        "Every subcommand of `narrative-keys` and every argument, as `narrative-keys SUBCOMMAND --help` prints them. The [guide](../cli.md) explains the concepts, with examples; the exit statuses and error codes are in [exit-codes.md](exit-codes.md).\n\n",
    );
    out.push_str("Subcommands:\n\n");
    for sub in visible_subcommands(&cmd) {
        contents_line(&mut out, sub, 0);
    }
    out.push('\n');
    command_section(&mut out, &cmd, true);
    for sub in visible_subcommands(&cmd) {
        command_section_tree(&mut out, sub);
    }
    out
}

fn visible_subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

fn full_name(cmd: &Command) -> String {
    cmd.get_bin_name()
        .map_or_else(|| cmd.get_name().to_owned(), str::to_owned)
}

/// The heading's anchor as mdBook makes it: lower case, spaces to dashes.
fn anchor(cmd: &Command) -> String {
    full_name(cmd).to_lowercase().replace(' ', "-")
}

fn contents_line(out: &mut String, cmd: &Command, depth: usize) {
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}- [`{}`](#{}): {}",
        "  ".repeat(depth),
        full_name(cmd),
        anchor(cmd),
        escape(&about)
    );
    for sub in visible_subcommands(cmd) {
        contents_line(out, sub, depth + 1);
    }
}

fn command_section_tree(out: &mut String, cmd: &Command) {
    command_section(out, cmd, false);
    for sub in visible_subcommands(cmd) {
        command_section_tree(out, sub);
    }
}

fn command_section(out: &mut String, cmd: &Command, root: bool) {
    let _ = writeln!(out, "## {}\n", full_name(cmd));
    let about = cmd.get_long_about().or(cmd.get_about());
    if let Some(about) = about {
        let _ = writeln!(out, "{}\n", escape(&about.to_string()));
    }
    let usage = cmd.clone().render_usage().to_string();
    let _ = writeln!(out, "```text\n{}\n```\n", usage.trim_end());
    let shown = |arg: &&Arg| {
        !arg.is_hide_set()
            && !matches!(arg.get_id().as_str(), "help" | "version")
            && (root || !arg.is_global_set())
    };
    let positionals: Vec<&Arg> = cmd.get_positionals().filter(shown).collect();
    if !positionals.is_empty() {
        out.push_str("Arguments:\n\n");
        for arg in positionals {
            argument(out, arg);
        }
        out.push('\n');
    }
    let options: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_positional())
        .filter(shown)
        .collect();
    let mut heading = None;
    for arg in options {
        let this = arg.get_help_heading().unwrap_or("Options");
        if heading != Some(this) {
            if heading.is_some() {
                out.push('\n');
            }
            let _ = writeln!(out, "{this}:\n");
            heading = Some(this);
        }
        argument(out, arg);
    }
    if heading.is_some() {
        out.push('\n');
    }
    if !root && cmd.get_subcommands().next().is_none() {
        let _ = writeln!(
            out,
            "The [global options](#narrative-keys) apply here too.\n"
        );
    }
    let after = cmd.get_after_long_help().or(cmd.get_after_help());
    if let Some(after) = after {
        let _ = writeln!(out, "```text\n{}\n```\n", after.to_string().trim_end());
    }
}

/// How the argument is written: `-s, --long <VALUE>` or `<NAME>...`.
fn spelling(arg: &Arg) -> String {
    let names: Vec<String> = arg
        .get_value_names()
        .map(|names| names.iter().map(|n| n.to_string()).collect())
        .unwrap_or_else(|| vec![arg.get_id().as_str().to_uppercase()]);
    let many = arg
        .get_num_args()
        .is_some_and(|range| range.max_values() > 1);
    let values = names
        .iter()
        .map(|n| format!("<{n}>"))
        .collect::<Vec<_>>()
        .join(" ")
        + if many { "..." } else { "" };
    if arg.is_positional() {
        return values;
    }
    let mut text = String::new();
    if let Some(short) = arg.get_short() {
        let _ = write!(text, "-{short}, ");
    }
    if let Some(long) = arg.get_long() {
        let _ = write!(text, "--{long}");
    }
    if arg.get_action().takes_values() {
        let _ = write!(text, " {values}");
    }
    text
}

fn argument(out: &mut String, arg: &Arg) {
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let _ = write!(out, "- `{}`", spelling(arg));
    if arg.is_positional() && !arg.is_required_set() {
        out.push_str(" (optional)");
    }
    let mut lines = escape(&help).lines().map(str::to_owned).collect::<Vec<_>>();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let _ = writeln!(out, ": {}", lines[0]);
    for line in &lines[1..] {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
    let mut facts = Vec::new();
    if arg.get_action().takes_values() {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| format!("`{}`", v.to_string_lossy()))
            .collect();
        if !defaults.is_empty() {
            facts.push(format!("Default: {}.", defaults.join(", ")));
        }
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        facts.push(format!(
            "Environment variable: `{}`.",
            env.to_string_lossy()
        ));
    }
    let aliases = arg.get_visible_aliases().unwrap_or_default();
    if !aliases.is_empty() {
        let aliases: Vec<String> = aliases.iter().map(|a| format!("`--{a}`")).collect();
        facts.push(format!("Also: {}.", aliases.join(", ")));
    }
    if lines.len() > 1 && !facts.is_empty() {
        // After paragraphs of help, the facts are a paragraph of their own.
        out.push('\n');
    }
    for fact in facts {
        let _ = writeln!(out, "  {fact}");
    }
    if arg.get_action().takes_values() && !arg.is_hide_possible_values_set() {
        for value in arg.get_possible_values() {
            if value.is_hide_set() {
                continue;
            }
            match value.get_help() {
                Some(help) => {
                    let _ = writeln!(
                        out,
                        "  - `{}`: {}",
                        value.get_name(),
                        escape(&help.to_string())
                    );
                }
                None => {
                    let _ = writeln!(out, "  - `{}`", value.get_name());
                }
            }
        }
    }
}

/// Help text as Markdown: `<`, `>` and `*` outside code spans are escaped,
/// so a `<FILE>` in prose is not taken for HTML nor a glob for emphasis.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '*' if !in_code => out.push_str("\\*"),
            _ => out.push(c),
        }
    }
    out
}
