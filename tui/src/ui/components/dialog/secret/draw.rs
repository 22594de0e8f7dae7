//! The secrets dialog's drawing: each secret's lines, the count, the
//! warning, the prompt or question and the buttons.

use super::*;

/// One secret's lines: its key, the secret itself when selected, and what
/// it replaces and whether it was copied or written.
fn secret_entry(m: &SecretModal, i: usize, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let e = &m.entries[i];
    let many = m.entries.len() > 1;
    let here = i == m.cursor;
    let indent = if many { "    " } else { "  " };
    let marker = match (many, here) {
        (false, _) => "",
        (true, true) => "▸ ",
        (true, false) => "  ",
    };
    let id = format!("  id {}", escape_controls(&e.key.id));
    // The name gives way, so the key's line fits on one row.
    let room = width
        .saturating_sub(marker.width() + id.width() + 2)
        .max(12);
    let mut lines = vec![Line::from(vec![
        Span::styled(marker, theme.accent()),
        Span::styled(
            format!(
                "\"{}\"",
                truncate(&escape_controls(&e.key.name), room.min(40))
            ),
            theme.bold(),
        ),
        Span::styled(id, theme.dim()),
    ])];
    if here {
        // The one place the UI shows a secret: on purpose, once.
        lines.push(Line::from(Span::styled(
            format!("{indent}{}", escape_controls(e.secret.expose())),
            theme.accent(),
        )));
    }
    let state = match (e.written, e.acknowledged, e.copied) {
        (true, _, _) => Span::styled("✓ written", theme.ok()),
        (false, true, _) => Span::styled("✓ stored, you said", theme.ok()),
        (false, false, true) => Span::styled("copied, not stored (s)", theme.warning()),
        (false, false, false) => Span::styled("not written or stored", theme.warning()),
    };
    let mut info = vec![Span::raw(indent)];
    if let Some(old) = &e.replaces {
        info.push(Span::styled(
            format!("replaces {} · ", escape_controls(old)),
            theme.dim(),
        ));
    }
    info.push(state);
    lines.push(Line::from(info));
    lines
}

/// Draws the secrets dialog: a count, the secrets (a window around the
/// cursor when they do not all fit), the warning and notes, and the keys.
pub(in crate::ui) fn draw_secrets(m: &SecretModal, cx: &Canvas, frame: &mut Frame) -> Regions {
    let (theme, area, w) = (cx.theme, cx.area, cx.w);
    let total = m.entries.len();
    let inner_w = w.min(area.width).saturating_sub(2).max(1) as usize;
    let height = |lines: &[Line]| -> usize { lines.iter().map(|l| line_height(l, inner_w)).sum() };
    let head = secrets_head(m, theme);
    let (tail, buttons) = secrets_tail(m, theme);
    let button_rows = button_places(buttons, inner_w as u16)
        .last()
        .map_or(0, |(row, _, _)| usize::from(*row) + 1);

    // The list takes the room left; past that, a window around the cursor.
    let blocks: Vec<Vec<Line<'static>>> = (0..total)
        .map(|i| secret_entry(m, i, theme, inner_w))
        .collect();
    let heights: Vec<usize> = blocks.iter().map(|b| height(b)).collect();
    let room =
        usize::from(area.height).saturating_sub(2 + height(&head) + height(&tail) + button_rows);
    let (first, end) = secrets_window(&heights, m.cursor, room);
    let mut lines = head;
    if first > 0 {
        lines.push(Line::from(Span::styled(
            format!("  … {first} more above (↑)"),
            theme.dim(),
        )));
    }
    for block in blocks.into_iter().take(end).skip(first) {
        lines.extend(block);
    }
    if end < total {
        lines.push(Line::from(Span::styled(
            format!("  … {} more below (↓)", total - end),
            theme.dim(),
        )));
    }
    lines.extend(tail);
    let h = height(&lines) + 2;
    let title = format!(" {}: shown once ", m.title);
    dialog_sized(frame, cx, (title, lines, buttons), h, Show::End)
}

/// The count above several secrets.
fn secrets_head(m: &SecretModal, theme: Theme) -> Vec<Line<'static>> {
    let total = m.entries.len();
    let mut head = Vec::new();
    if total > 1 {
        let unsaved = m.unsaved();
        head.push(Line::from(Span::styled(
            format!(
                "{total} new secrets: {} written or stored, {unsaved} not yet.",
                total - unsaved
            ),
            theme.bold(),
        )));
    }
    head
}

/// "Not shown again": with what to do while a secret is unstored, or that
/// each was stored once all are.
fn once_warning(m: &SecretModal, theme: Theme) -> Line<'static> {
    let (warning, style) = match (m.entries.len(), m.unsaved()) {
        (1, 0) => (
            "This secret will not be shown again; it was written or marked stored.",
            theme.ok(),
        ),
        (_, 0) => (
            "These secrets will not be shown again; each was written or marked stored.",
            theme.ok(),
        ),
        (1, _) => (
            "This secret will not be shown again. Store it now: copy it or write it to a file.",
            theme.warning(),
        ),
        _ => (
            "These secrets will not be shown again. Store them now: copy each one, or write them all to one file.",
            theme.warning(),
        ),
    };
    Line::from(Span::styled(
        warning,
        style.add_modifier(ratatui::style::Modifier::BOLD),
    ))
}

/// Below the list, always shown: the warning, what happened, the prompt
/// or question, and the buttons.
fn secrets_tail(m: &SecretModal, theme: Theme) -> (Vec<Line<'static>>, Buttons<'static>) {
    let total = m.entries.len();
    let mut tail = vec![Line::raw("")];
    tail.push(once_warning(m, theme));
    match &m.note {
        Some(Ok(n)) => tail.push(Line::from(Span::styled(
            format!("▲ {}", escape_controls(n)),
            theme.warning(),
        ))),
        Some(Err(n)) => tail.push(Line::from(Span::styled(
            format!("✖ {}", escape_controls(n)),
            theme.error(),
        ))),
        None => {}
    }
    if let Some(n) = &m.copy_note {
        tail.push(note_line(theme, n));
    }
    if let Some(n) = &m.file_note {
        tail.push(note_line(theme, n));
    }
    match &m.kept_note {
        Some(Err(n)) => tail.push(Line::from(Span::styled(
            format!("▲ {}", escape_controls(n)),
            theme.warning(),
        ))),
        Some(ok) => tail.push(note_line(theme, ok)),
        None => {}
    }
    tail.push(Line::raw(""));
    if let Some(input) = &m.file_input {
        let prompt = if total == 1 {
            "Write the secret to: "
        } else {
            "Write all secrets to: "
        };
        tail.push(Line::from(vec![
            Span::styled(prompt, theme.accent()),
            Span::raw(escape_controls(&input.value)),
            Span::styled("▏", theme.accent()),
        ]));
    }
    if m.confirm_dismiss && m.file_input.is_none() {
        tail.push(Line::from(Span::styled(m.dismiss_question(), theme.bold())));
    }
    (tail, secrets_buttons(m))
}

/// The secrets shown, `first..end`, when their `heights` exceed `room`:
/// a window around the cursor, with two rows for "… more above / below".
fn secrets_window(heights: &[usize], cursor: usize, room: usize) -> (usize, usize) {
    let total = heights.len();
    let (mut first, mut end) = (0, total);
    if heights.iter().sum::<usize>() > room && total > 0 {
        let cursor = cursor.min(total - 1);
        // Two rows for "… more above / below".
        let room = room.saturating_sub(2);
        (first, end) = (cursor, cursor + 1);
        let mut used = heights[cursor];
        loop {
            let mut grew = false;
            if end < total && used + heights[end] <= room {
                used += heights[end];
                end += 1;
                grew = true;
            }
            if first > 0 && used + heights[first - 1] <= room {
                first -= 1;
                used += heights[first];
                grew = true;
            }
            if !grew {
                break;
            }
        }
    }
    (first, end)
}

/// The dialog's buttons as it is now.
fn secrets_buttons(m: &SecretModal) -> Buttons<'static> {
    if m.file_input.is_some() {
        &[
            ("Enter", "write (mode 0600)"),
            ("Ctrl-U", "clear"),
            ("Esc", "cancel"),
        ]
    } else if m.confirm_dismiss {
        &[("y", "dismiss"), ("n / any other key", "keep the dialog")]
    } else if m.entries.len() == 1 {
        &[
            ("c", "copy"),
            ("w", "write to a 0600 file"),
            ("s", "I have stored it"),
            ("D", "dismiss"),
        ]
    } else {
        &[
            ("↑ ↓", "choose"),
            ("c", "copy it"),
            ("w", "write all to a 0600 file"),
            ("s", "I have stored it"),
            ("D", "dismiss"),
        ]
    }
}
