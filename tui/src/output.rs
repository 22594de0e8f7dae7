//! Human and JSON output. Data goes to stdout; messages and progress to stderr.
//! Colour only on a terminal and never with NO_COLOR (anstream strips it).

use anstyle::{AnsiColor, Style};
use chrono::{DateTime, Utc};
use narrative_keys::{ApiKey, KeyStatus, PermissionSet, StatusPolicy};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// Bold text.
pub const BOLD: Style = Style::new().bold();
/// Dimmed text.
pub const DIM: Style = Style::new().dimmed();

/// The order keys are listed in, everywhere: by name without regard to
/// case, then by id. A sort key, so each name is lower-cased once per sort.
pub fn display_order(key: &ApiKey) -> (String, String) {
    (key.name.to_lowercase(), key.id.clone())
}

/// The colour a status is shown in.
pub fn status_style(status: KeyStatus) -> Style {
    let color = match status {
        KeyStatus::Active => AnsiColor::Green,
        KeyStatus::ExpiringSoon => AnsiColor::Yellow,
        KeyStatus::Expired => AnsiColor::Red,
        KeyStatus::NoExpiration => AnsiColor::Magenta,
    };
    Style::new().fg_color(Some(color.into()))
}

/// A symbol per status, so the list reads without colour too.
pub fn status_symbol(status: KeyStatus) -> &'static str {
    match status {
        KeyStatus::Active => "●",
        KeyStatus::ExpiringSoon => "▲",
        KeyStatus::Expired => "✖",
        KeyStatus::NoExpiration => "∞",
    }
}

/// Text from the server, made safe for a terminal: control, bidirectional
/// and zero-width characters are shown escaped (`\u{200b}`), never sent.
/// The one function for the CLI and the terminal UI.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if needs_escape(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Control characters; the bidirectional controls that reorder what a
/// terminal shows (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F,
/// U+061C); and the characters that show as nothing (U+200B to U+200D,
/// U+2060 to U+2065, U+FEFF, the soft hyphen U+00AD, U+180E): a key's name
/// must not be able to disguise itself ("bootstrap\u{200b} admin" for
/// "bootstrap admin") or what follows it on the line. The same set as the
/// web panel's `HIDDEN`.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Server text in a Markdown table cell: control characters escaped as
/// [`escape_controls`] does, and `|`, which would end the cell, escaped too.
pub fn markdown_cell(s: &str) -> String {
    escape_controls(s).replace('|', "\\|")
}

/// "in 12 days", "3 days ago", "tomorrow": the SDK's, which `plan` uses too.
pub use narrative_keys::expiration::relative;

/// An instant to the minute, UTC, and how far off it is.
pub fn when_text(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!(
        "{} ({})",
        at.format("%Y-%m-%d %H:%M UTC"),
        relative(at, now)
    )
}

/// When the key expires, with how far away: "never" without an expiration.
pub fn expiry_text(key: &ApiKey, now: DateTime<Utc>) -> String {
    match key.expires_at {
        None => "never".to_owned(),
        Some(at) => format!("{} ({})", at.format("%Y-%m-%d"), relative(at, now)),
    }
}

/// A key as `--json` prints it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct KeyJson<'a> {
    /// The key's id.
    pub id: &'a str,
    /// The key's name.
    pub name: &'a str,
    /// Its permissions.
    pub permissions: &'a PermissionSet,
    /// Its expiration; `null` for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Its status at the time of the command.
    pub status: KeyStatus,
    /// When an overlap rotation retired it ([`ApiKey::retiring`]): when it
    /// stops working, beside its successor. Left out for any other key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retiring_at: Option<DateTime<Utc>>,
}

impl<'a> KeyJson<'a> {
    /// The key as it stands at `now`.
    pub fn new(key: &'a ApiKey, now: DateTime<Utc>) -> Self {
        Self {
            id: &key.id,
            name: &key.name,
            permissions: &key.permissions,
            expires_at: key.expires_at,
            status: key.status(now, &StatusPolicy::default()),
            retiring_at: key.retiring(),
        }
    }
}

/// When a key an overlap rotation retired stops working, while it still
/// works ([`ApiKey::retiring`]).
pub fn retiring(key: &ApiKey, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    key.retiring().filter(|at| *at > now)
}

/// A key's symbol: its status's, or ↻ for a key an overlap rotation
/// retired that still works.
pub fn key_symbol(key: &ApiKey, status: KeyStatus, now: DateTime<Utc>) -> &'static str {
    match retiring(key, now) {
        Some(_) => "↻",
        None => status_symbol(status),
    }
}

/// A key's status as the list, `show` and the terminal UI print it: its
/// symbol and label, "↻ retiring" for a key an overlap rotation retired.
pub fn status_text(key: &ApiKey, status: KeyStatus, now: DateTime<Utc>) -> String {
    let label = match retiring(key, now) {
        Some(_) => "retiring",
        None => status.label(),
    };
    format!("{} {label}", key_symbol(key, status, now))
}

/// A value serialised as serde_json's own map writes it: every object's
/// keys in alphabetical order, nested objects included. The `--json`
/// documents were once built with `json!`, which orders them so; an SDK type
/// nested in one (its fields in declaration order) goes through this so the
/// bytes stay as they were.
pub struct Sorted<T>(pub T);

impl<T: Serialize> Serialize for Sorted<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::to_value(&self.0)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

/// The same document as `T`'s: only the order of its keys differs.
impl<T: schemars::JsonSchema> schemars::JsonSchema for Sorted<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A value as pretty JSON, as `--json` prints it.
pub fn pretty_json<T: Serialize>(value: &T) -> Result<String, crate::error::CliError> {
    serde_json::to_string_pretty(value)
        .map_err(|e| crate::error::CliError::failed(format!("could not encode JSON: {e}")))
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), crate::error::CliError> {
    outln!("{}", pretty_json(value)?)
}

// Writes that never panic. `print!`, `eprintln!` and anstream's own panic
// when a write fails (a full disk; a terminal gone after SIGHUP while the
// run finishes its step), or drop data silently on a broken pipe. Here data
// on stdout that cannot be written is an error, and a message on stderr that
// cannot be written is dropped. Colour goes through anstream as before.

/// Writes data to stdout, flushed, so a failure is seen where it happens:
/// what [`out!`] and [`outln!`] call.
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<(), crate::error::CliError> {
    use std::io::Write;
    let mut out = anstream::stdout().lock();
    out.write_fmt(args)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Standard output that did not take the command's data: exit status 1.
fn stdout_error(e: std::io::Error) -> crate::error::CliError {
    crate::error::CliError::failed(format!("standard output could not be written: {e}"))
        .hint("only the output was cut short, what the command did stands: send standard output to a file or a program that reads all of it; `narrative-keys list` shows the keys as they are now")
}

/// Writes a message to stderr; one that cannot be written is dropped:
/// what [`msg!`] and [`msgln!`] call.
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut err = anstream::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.flush());
}

/// `print!` for a command's data: `Err` (exit status 1) when stdout fails.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` for a command's data: `Err` (exit status 1) when stdout fails.
macro_rules! outln {
    () => {
        $crate::output::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprint!` for a message: dropped when stderr fails, never a panic.
macro_rules! msg {
    ($($arg:tt)*) => {
        $crate::output::write_stderr(format_args!($($arg)*))
    };
}

/// `eprintln!` for a message: dropped when stderr fails, never a panic.
macro_rules! msgln {
    () => {
        $crate::output::write_stderr(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::output::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {msg, msgln, out, outln};

/// Columns padded by display width; `style` colours a cell without
/// counting its escape codes.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<(String, Style)>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row: each cell's text and style.
    pub fn row(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    /// The table, columns padded, one line per row.
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, (cell, _)) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.width());
                }
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<(&str, Style)>, out: &mut String| {
            let last = cells.len().saturating_sub(1);
            for (i, (cell, style)) in cells.into_iter().enumerate() {
                let pad = if i == last {
                    0
                } else {
                    widths[i].saturating_sub(cell.width()) + 2
                };
                out.push_str(&format!("{style}{cell}{style:#}{}", " ".repeat(pad)));
            }
            out.push('\n');
        };
        line(
            self.headers.iter().map(|h| (h.as_str(), BOLD)).collect(),
            &mut out,
        );
        for row in &self.rows {
            line(
                row.iter().map(|(c, s)| (c.as_str(), *s)).collect(),
                &mut out,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\\n");
        assert_eq!(escape_controls("plain ☃"), "plain ☃");
    }

    #[test]
    fn bidirectional_controls_are_escaped_so_a_name_cannot_disguise_itself() {
        // "admin\u{202E}txt.exe" would show as "adminexe.txt".
        assert_eq!(
            escape_controls("admin\u{202E}txt.exe"),
            "admin\\u{202e}txt.exe"
        );
        assert_eq!(
            escape_controls("a\u{2066}b\u{2069}"),
            "a\\u{2066}b\\u{2069}"
        );
    }

    #[test]
    fn zero_width_characters_are_escaped_so_two_names_cannot_look_alike() {
        // "bootstrap\u{200b} admin" would show as "bootstrap admin".
        assert_eq!(
            escape_controls("bootstrap\u{200b} admin"),
            "bootstrap\\u{200b} admin"
        );
        for (hidden, shown) in [
            ('\u{200C}', "\\u{200c}"),
            ('\u{200D}', "\\u{200d}"),
            ('\u{2060}', "\\u{2060}"),
            ('\u{FEFF}', "\\u{feff}"),
            ('\u{00AD}', "\\u{ad}"),
        ] {
            assert_eq!(
                escape_controls(&format!("a{hidden}b")),
                format!("a{shown}b")
            );
        }
        // Visible text, scripts that join letters included, is left alone.
        assert_eq!(escape_controls("نام · 名前 · naïve"), "نام · 名前 · naïve");
    }
}
