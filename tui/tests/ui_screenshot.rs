//! The README's picture of the terminal UI (`docs/images/terminal-ui.png`):
//! the list screen with the test kit's keys, drawn in colour on a 120x40
//! `TestBackend` as the snapshot tests draw it, turned into an HTML page of
//! coloured monospace cells. The test checks the page shows what a user
//! sees (every key's name, each status in its colour); with
//! `NARRATIVE_KEYS_REFRESH_IMAGES=1` it also has headless Chromium
//! (`CHROMIUM`, default /usr/bin/chromium) screenshot the page into docs/images/.

// The fixtures panic on failure, as tests do.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;

use common::{keys, loaded_app};
use narrative_keys_tui::ui::screen;
use narrative_keys_tui::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
/// One cell, in CSS pixels, at the page's 15 px font.
const CELL: (u32, u32) = (9, 18);
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d8d8d8";

/// A dark terminal's palette for the named colours the theme uses.
fn css(color: Color, default: &str) -> String {
    match color {
        Color::Reset => default,
        Color::Black => "#1d1f21",
        Color::Red => "#e06c75",
        Color::Green => "#98c379",
        Color::Yellow => "#e5c07b",
        Color::Blue => "#3a6ea5",
        Color::Magenta => "#c678dd",
        Color::Cyan => "#56b6c2",
        Color::Gray => "#abb2bf",
        Color::DarkGray => "#7f848e",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        other => return css_fallback(other, default),
    }
    .to_owned()
}

/// The light variants, which the theme does not use, as their base colour.
fn css_fallback(color: Color, default: &str) -> String {
    let base = match color {
        Color::LightRed => Color::Red,
        Color::LightGreen => Color::Green,
        Color::LightYellow => Color::Yellow,
        Color::LightBlue => Color::Blue,
        Color::LightMagenta => Color::Magenta,
        Color::LightCyan => Color::Cyan,
        _ => Color::Reset,
    };
    css(base, default)
}

/// The buffer as one `<pre>`: a `<span>` per run of cells of one style,
/// reversed cells with their colours swapped, wide characters once.
fn html(buffer: &Buffer) -> String {
    let mut rows = String::new();
    for y in 0..buffer.area.height {
        let mut run: Option<(String, String)> = None; // (style, text)
        let mut x = 0;
        while x < buffer.area.width {
            let cell = &buffer[(x, y)];
            let (mut fg, mut bg) = (css(cell.fg, FOREGROUND), css(cell.bg, BACKGROUND));
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            let bold = if cell.modifier.contains(Modifier::BOLD) {
                "font-weight:bold;"
            } else {
                ""
            };
            let style = format!("color:{fg};background:{bg};{bold}");
            let symbol = cell.symbol();
            let text = symbol
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            match &mut run {
                Some((current, pending)) if *current == style => pending.push_str(&text),
                _ => {
                    if let Some((current, pending)) = run.replace((style, text)) {
                        write!(rows, "<span style=\"{current}\">{pending}</span>").unwrap();
                    }
                }
            }
            x += u16::try_from(symbol.width().max(1)).unwrap();
        }
        if let Some((current, pending)) = run {
            write!(rows, "<span style=\"{current}\">{pending}</span>").unwrap();
        }
        rows.push('\n');
    }
    let (w, h) = (u32::from(WIDTH) * CELL.0, u32::from(HEIGHT) * CELL.1);
    format!(
        "<!doctype html><meta charset=\"utf-8\"><style>body{{margin:0;background:{BACKGROUND}}}\
         pre{{margin:0;width:{w}px;height:{h}px;font:15px/{}px 'DejaVu Sans Mono',monospace;color:{FOREGROUND}}}</style><pre>{rows}</pre>",
        CELL.1
    )
}

#[test]
fn the_list_screen_in_colour_as_the_readme_shows_it() {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    terminal
        .draw(|f| screen::render(&loaded_app(), Theme::COLOR, f))
        .unwrap();
    let page = html(terminal.backend().buffer());
    for key in keys() {
        assert!(page.contains(&key.name), "the picture shows {:?}", key.name);
    }
    for (status, colour) in [
        ("active", "#98c379"),
        ("expired", "#e06c75"),
        ("soon", "#e5c07b"),
    ] {
        assert!(
            page.contains(&format!("color:{colour}")),
            "{status} keys are drawn in {colour}"
        );
    }
    if std::env::var_os("NARRATIVE_KEYS_REFRESH_IMAGES").is_some() {
        screenshot(&page, "terminal-ui.png");
    }
}

/// `page` screenshot by headless Chromium into docs/images/`name`.
fn screenshot(page: &str, name: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("screen.html");
    std::fs::write(&file, page).unwrap();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/images")
        .join(name);
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let status = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", out.display()))
        .arg(format!(
            "--window-size={},{}",
            u32::from(WIDTH) * CELL.0,
            u32::from(HEIGHT) * CELL.1
        ))
        .arg(format!("file://{}", file.display()))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| {
            panic!("{chromium} did not start ({e}): set CHROMIUM to a Chromium binary")
        });
    assert!(
        status.success(),
        "{chromium} failed to screenshot the page: {status}"
    );
}
