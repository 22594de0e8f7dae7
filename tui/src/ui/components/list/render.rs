//! The list's drawing: its title, column heads and the rows on screen.

use super::{KeyList, VisibleKeys};
use crate::output::{escape_controls, expiry_text, key_symbol, relative};
use crate::ui::components::Ctx;
use crate::ui::hit::Regions;
use crate::ui::text::truncate;
use crate::ui::theme::Theme;
use narrative_keys::ApiKey;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

fn pad(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let w = unicode_width::UnicodeWidthStr::width(t.as_str());
    format!("{t}{}", " ".repeat(width.saturating_sub(w)))
}

impl KeyList {
    /// Draws the list in `area`: its title, the column heads and the rows
    /// on screen; `focused` when it has the keys. Returns where the pane
    /// and its rows are, for the mouse.
    pub fn render(
        &self,
        ctx: &Ctx,
        theme: Theme,
        frame: &mut Frame,
        area: Rect,
        focused: bool,
    ) -> Regions {
        let list = self;
        let visible = list.visible(ctx.keys);
        let mut regions = Regions {
            list: Some(area),
            ..Regions::default()
        };
        let title = list_title(list, ctx, visible, theme);
        let block = Block::bordered()
            .title(Line::from(title))
            .border_style(if focused {
                theme.focused_border()
            } else {
                theme.border()
            });
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height == 0 || inner.width < 10 {
            return regions;
        }
        let cols = Columns::for_width(inner.width as usize, ctx.plan_marks.is_some());
        let mut lines = vec![cols.heading(theme)];
        let rows = inner.height as usize - 1;
        if visible.is_empty() {
            let text = empty_text(list, ctx);
            lines.push(Line::from(Span::styled(format!("  {text}"), theme.dim())));
        }
        let selected = list.selected;
        let offset = if selected >= rows {
            selected + 1 - rows
        } else {
            0
        };
        let shown = visible.len().saturating_sub(offset).min(rows);
        regions.list_rows = Some((
            Rect {
                y: inner.y + 1,
                height: shown as u16,
                ..inner
            },
            offset,
        ));
        for (i, key) in visible.rows(offset, rows) {
            lines.push(list_row(list, ctx, (i, key), cols, theme, focused));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        regions
    }
}

/// The widths of the list's columns, and whether the expiry is written out.
#[derive(Clone, Copy)]
struct Columns {
    name_w: usize,
    perms_w: usize,
    expiry_w: usize,
    wide_expiry: bool,
    /// Whether a keys file is loaded: each row shows its plan mark.
    planned: bool,
}

impl Columns {
    /// The columns for a list `w` wide: the expiry written out from 64.
    fn for_width(w: usize, planned: bool) -> Self {
        let wide_expiry = w >= 64;
        let expiry_w = if wide_expiry { 25 } else { 12 };
        let plan_w = if planned { 2 } else { 0 };
        let rest = w.saturating_sub(2 + 2 + plan_w + expiry_w + 2);
        let name_w = rest * 9 / 20;
        let perms_w = rest.saturating_sub(name_w + 1);
        Columns {
            name_w,
            perms_w,
            expiry_w,
            wide_expiry,
            planned,
        }
    }

    /// The columns' heading line.
    fn heading(self, theme: Theme) -> Line<'static> {
        Line::from(Span::styled(
            format!(
                "    {}{} {} {}",
                if self.planned { "  " } else { "" },
                pad("Name", self.name_w),
                pad("Permissions", self.perms_w),
                pad("Expires", self.expiry_w)
            ),
            theme.dim(),
        ))
    }
}

/// The list's title: how many keys, the order, the filter, the marks.
fn list_title(
    list: &KeyList,
    ctx: &Ctx,
    visible: VisibleKeys<'_>,
    theme: Theme,
) -> Vec<Span<'static>> {
    let mut title = vec![Span::styled(
        format!(" Keys ({}", visible.len()),
        theme.bold(),
    )];
    if visible.len() != ctx.keys.len() {
        title.push(Span::styled(
            format!(" of {}", ctx.keys.len()),
            theme.bold(),
        ));
    }
    title.push(Span::styled(") ", theme.bold()));
    let reversed = if list.sort_reversed { ", reversed" } else { "" };
    title.push(Span::raw(format!(
        "sorted by {}{reversed} ",
        list.sort.label()
    )));
    if !list.filter.value.is_empty() && !list.filtering {
        title.push(Span::styled(
            format!(
                "filter: {} ",
                truncate(&escape_controls(&list.filter.value), 20)
            ),
            theme.accent(),
        ));
    }
    if !list.marked.is_empty() {
        title.push(Span::styled(
            format!("{} marked ", list.marked.len()),
            theme.accent(),
        ));
    }
    title
}

/// What an empty list says: loading, failed, no keys, or no match.
fn empty_text(list: &KeyList, ctx: &Ctx) -> String {
    if ctx.load_failed && !ctx.loaded {
        "The keys could not be loaded. Press R to try again.".to_owned()
    } else if !ctx.loaded {
        "Loading keys…".to_owned()
    } else if ctx.keys.is_empty() {
        "No keys yet. Press n to create one.".to_owned()
    } else {
        format!(
            "No key matches \"{}\". Esc clears the filter.",
            truncate(&escape_controls(&list.filter.value), 30)
        )
    }
}

/// One key's row: the cursor, its mark, status, name, permissions, expiry.
fn list_row(
    list: &KeyList,
    ctx: &Ctx,
    (i, key): (usize, &ApiKey),
    cols: Columns,
    theme: Theme,
    focused: bool,
) -> Line<'static> {
    let Columns {
        name_w,
        perms_w,
        expiry_w,
        wide_expiry,
        planned,
    } = cols;
    let st = key.status(ctx.now, ctx.policy);
    let mark = if list.marked.contains(&key.id) {
        "◆"
    } else {
        " "
    };
    let expiry = if wide_expiry {
        expiry_text(key, ctx.now)
    } else {
        key.expires_at
            .map_or_else(|| "never".to_owned(), |at| relative(at, ctx.now))
    };
    let selected = i == list.selected;
    let row_style = if selected && focused {
        theme.selected()
    } else if selected {
        theme.bold()
    } else {
        Style::new()
    };
    let mut spans = vec![
        Span::styled(if selected { "▸" } else { " " }, theme.accent()),
        Span::styled(mark, theme.accent()),
        Span::styled(
            format!("{} ", key_symbol(key, st, ctx.now)),
            theme.status(st),
        ),
    ];
    if planned {
        spans.push(Span::styled(
            format!("{} ", plan_mark(ctx, key)),
            theme.accent(),
        ));
    }
    spans.extend([
        Span::raw(format!(
            "{} {} ",
            pad(&escape_controls(&key.name), name_w),
            pad(&escape_controls(&key.permissions.to_string()), perms_w),
        )),
        Span::styled(pad(&expiry, expiry_w), theme.status(st)),
    ]);
    Line::from(spans).style(row_style)
}

/// A key's mark in the keys file's plan (what apply would do to it), or a blank.
fn plan_mark(ctx: &Ctx, key: &ApiKey) -> &'static str {
    ctx.plan_marks
        .and_then(|marks| marks.get(&key.id))
        .copied()
        .unwrap_or(" ")
}
