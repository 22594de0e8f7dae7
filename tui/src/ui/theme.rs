//! Colours, and their absence: with `NO_COLOR` every cue is a symbol,
//! bold, underline or reverse video instead.

use narrative_keys::KeyStatus;
use ratatui::style::{Color, Modifier, Style};

/// How the UI draws its cues: in colour, or (`NO_COLOR`) with attributes only.
/// Every style the view uses comes from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours are drawn; `false` leaves only bold, reverse video and symbols.
    pub color: bool,
}

impl Theme {
    /// The colours on.
    pub const COLOR: Theme = Theme { color: true };
    /// No colour: attributes only, as `NO_COLOR` asks.
    pub const MONO: Theme = Theme { color: false };

    /// Colour unless `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::MONO,
            _ => Self::COLOR,
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// A key status's colour: green active, yellow expiring soon, red expired,
    /// magenta without expiration; plain without colour (its symbol tells them apart).
    pub fn status(self, status: KeyStatus) -> Style {
        self.fg(match status {
            KeyStatus::Active => Color::Green,
            KeyStatus::ExpiringSoon => Color::Yellow,
            KeyStatus::Expired => Color::Red,
            KeyStatus::NoExpiration => Color::Magenta,
        })
    }

    /// Emphasis, such as a key's name in a question; the same without colour.
    pub fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Secondary text (ids, unpicked choices, borders): dark grey, plain without colour.
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    /// Errors and failures: bold red, bold without colour.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Warnings and what needs attention: yellow, plain without colour.
    pub fn warning(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Success (copied, written, valid): green, plain without colour.
    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    /// Labels and markers that lead the eye: bold cyan, bold without colour.
    pub fn accent(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The DEMO badge: reverse video reads without colour too.
    pub fn badge(self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The selected row or choice: reverse video, readable without colour.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// The border of the pane with the focus: bold cyan.
    pub fn focused_border(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The border of a pane without the focus: dim.
    pub fn border(self) -> Style {
        self.dim()
    }

    /// The header bar: white on blue, bold without colour.
    pub fn header(self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// A key's name in the help, hints and buttons: bold cyan.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}

/// The spinner's frames, one per tick while work is in flight.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
