//! The `:` command line, as in k9s: `:filter TEXT`, `:sort name|expiry|status`,
//! `:revoke`, `:refresh`, `:q`. The line's state, parsing and completion; the app runs what it
//! parses.

use crate::ui::components::input::TextInput;
use crate::ui::components::list::SortBy;

/// A command the line understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Filter the list; empty clears the filter.
    Filter(String),
    /// Order the list by this column (`:sort name|expiry|status`), keeping its direction.
    Sort(SortBy),
    /// Revoke the marked keys, or the selected one, through the usual confirmation.
    Revoke,
    /// Load the keys again (`:refresh`).
    Refresh,
    /// Leave the UI (`:q` or `:quit`).
    Quit,
}

/// Every command name, for completion, help and the error message.
pub const NAMES: [&str; 5] = ["filter", "sort", "revoke", "refresh", "q"];

/// The names that change nothing: all that read-only mode completes.
pub const READ_NAMES: [&str; 4] = ["filter", "sort", "refresh", "q"];

/// The line while it is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandLine {
    /// What is typed after the `:`.
    pub input: TextInput,
    /// Shown after the input until the next key: what Tab found.
    pub note: Option<String>,
}

/// What Tab makes of the name being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// The one name that fits, with a space for its argument.
    One(String),
    /// Several names start with it, in `names`' order.
    Several(Vec<&'static str>),
    /// None does.
    NoMatch,
    /// Nothing to complete: an empty line, or a name already followed by
    /// an argument.
    Nothing,
}

impl Command {
    /// Reads one line, without its `:`. The error says what was wrong and
    /// what the line takes.
    pub fn parse(line: &str) -> Result<Command, String> {
        let line = line.trim();
        let (name, rest) = match line.split_once(char::is_whitespace) {
            Some((n, r)) => (n, r.trim()),
            None => (line, ""),
        };
        let no_argument = |cmd: Command| {
            if rest.is_empty() {
                Ok(cmd)
            } else {
                Err(format!(":{name} takes no argument"))
            }
        };
        match name {
            "filter" | "f" => Ok(Command::Filter(rest.to_owned())),
            "sort" => match rest {
                "name" => Ok(Command::Sort(SortBy::Name)),
                "expiry" => Ok(Command::Sort(SortBy::Expiry)),
                "status" => Ok(Command::Sort(SortBy::Status)),
                "" => Err(":sort needs a column: name, expiry or status".to_owned()),
                other => Err(format!(
                    ":sort {}: not a column; use name, expiry or status",
                    crate::output::escape_controls(other)
                )),
            },
            "revoke" => no_argument(Command::Revoke),
            "refresh" => no_argument(Command::Refresh),
            "q" | "quit" => no_argument(Command::Quit),
            "" => Err("no command; commands: filter, sort, revoke, refresh, q".to_owned()),
            other => Err(format!(
                "unknown command :{}; commands: {} (Tab completes)",
                crate::output::escape_controls(other),
                NAMES.join(", ")
            )),
        }
    }
}

/// Completes the command name being typed among `names` (`:so` then Tab
/// gives `:sort `).
pub fn complete(line: &str, names: &[&'static str]) -> Completion {
    let start = line.trim_start();
    if start.is_empty() || start.contains(char::is_whitespace) {
        return Completion::Nothing;
    }
    let found: Vec<&'static str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with(start))
        .collect();
    match found.as_slice() {
        [] => Completion::NoMatch,
        [one] => Completion::One(format!("{one} ")),
        _ => Completion::Several(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_command() {
        assert_eq!(
            Command::parse("filter night ing"),
            Ok(Command::Filter("night ing".into()))
        );
        assert_eq!(
            Command::parse(" sort expiry "),
            Ok(Command::Sort(SortBy::Expiry))
        );
        assert_eq!(Command::parse("revoke"), Ok(Command::Revoke));
        assert_eq!(Command::parse("q"), Ok(Command::Quit));
        assert!(
            Command::parse("sort size")
                .unwrap_err()
                .contains("name, expiry or status")
        );
        assert!(
            Command::parse("frobnicate")
                .unwrap_err()
                .contains("unknown command :frobnicate")
        );
        assert!(
            Command::parse("q now")
                .unwrap_err()
                .contains("takes no argument")
        );
    }

    #[test]
    fn completes_a_unique_prefix_and_lists_several() {
        let one = |s: &str| Completion::One(s.to_owned());
        assert_eq!(complete("so", &NAMES), one("sort "));
        assert_eq!(complete("rev", &NAMES), one("revoke "));
        assert_eq!(
            complete("re", &NAMES),
            Completion::Several(vec!["revoke", "refresh"])
        );
        assert_eq!(complete("sort na", &NAMES), Completion::Nothing);
        assert_eq!(complete("x", &NAMES), Completion::NoMatch);
        // Read-only mode does not offer revoke.
        assert_eq!(complete("rev", &READ_NAMES), Completion::NoMatch);
        assert_eq!(complete("r", &READ_NAMES), one("refresh "));
    }
}
