//! The detail pane: status, expiry, id, permissions by group, the
//! plain-language explanation and the audit findings; scrolled by the
//! list's moves while it has focus, and by the wheel (the list says when:
//! `ListMsg::ScrollDetail`, `ListMsg::WheelDetail`). Its state is
//! [`DetailPane`]; it draws the key it is given.

use narrative_keys::audit::{AuditOptions, FindingSeverity, audit_one};
use narrative_keys::{ApiKey, explain};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::list::ListCmd;
use crate::output::{escape_controls, expiry_text, retiring, status_text, when_text};
use crate::ui::components::Ctx;
use crate::ui::hit::Regions;
use crate::ui::text::{grouped_permissions, truncate};
use crate::ui::theme::Theme;

/// How far a turn of the wheel scrolls.
const WHEEL_STEP: u16 = 3;

/// The symbol of an audit finding's severity.
pub fn severity_symbol(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Critical => "✖ critical",
        FindingSeverity::Warning => "▲ warning",
        FindingSeverity::Info => "ℹ info",
    }
}

/// The colour of an audit finding's severity.
pub fn severity_style(theme: Theme, s: FindingSeverity) -> ratatui::style::Style {
    match s {
        FindingSeverity::Critical => theme.error(),
        FindingSeverity::Warning => theme.warning(),
        FindingSeverity::Info => theme.dim(),
    }
}

/// The plain-language explanation, as lines (shared with the review step).
pub fn explanation_lines(key: &ApiKey, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let explanation = explain(&key.permissions);
    lines.push(Line::from(Span::styled("What it can do", theme.bold())));
    lines.push(Line::from(format!(
        "  {}",
        escape_controls(&explanation.summary)
    )));
    for section in &explanation.sections {
        lines.push(Line::from(Span::styled(
            format!("  {}", section.title),
            theme.accent(),
        )));
        for l in &section.lines {
            lines.push(Line::from(format!("    • {}", escape_controls(l))));
        }
    }
    lines
}

/// The audit's findings for `key` at `now`, one line each (or that there are none).
pub fn audit_lines(
    key: &ApiKey,
    theme: Theme,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled("Audit", theme.bold()))];
    let findings = audit_one(key, &AuditOptions::at(now));
    if findings.is_empty() {
        lines.push(Line::from(Span::styled("  ✓ nothing to flag", theme.ok())));
    }
    for f in findings {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {} ", severity_symbol(f.severity)),
                severity_style(theme, f.severity),
            ),
            Span::raw(escape_controls(&f.message)),
        ]));
    }
    lines
}

/// What the detail pane draws from: the key (the list's selected one) and
/// whether the pane has the keys.
#[derive(Debug, Clone, Copy)]
pub struct DetailProps<'a> {
    /// The key to describe; `None` asks for one to be selected.
    pub key: Option<&'a ApiKey>,
    /// Whether the pane has the keys.
    pub focused: bool,
}

impl DetailPane {
    /// Draws the pane for `props.key` (or a prompt to select one) in
    /// `area`, scrolled as it is; returns where it is, for the wheel.
    pub fn render(
        &self,
        props: DetailProps,
        ctx: &Ctx,
        theme: Theme,
        frame: &mut Frame,
        area: Rect,
    ) -> Regions {
        render(self.scroll, props, ctx, theme, frame, area);
        Regions {
            detail: Some(area),
            ..Regions::default()
        }
    }
}

fn render(scroll: u16, props: DetailProps, ctx: &Ctx, theme: Theme, frame: &mut Frame, area: Rect) {
    let DetailProps { key, focused } = props;
    let title = match key {
        Some(k) => format!(
            " {} ",
            truncate(
                &escape_controls(&k.name),
                area.width.saturating_sub(6) as usize
            )
        ),
        None => " Detail ".to_owned(),
    };
    let block = Block::bordered()
        .title(Span::styled(title, theme.bold()))
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        });
    let Some(key) = key else {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "  Select a key to see what it can do.",
                theme.dim(),
            ))
            .block(block),
            area,
        );
        return;
    };
    let mut lines = key_lines(ctx, key, theme);
    lines.push(Line::raw(""));
    lines.extend(explanation_lines(key, theme));
    lines.push(Line::raw(""));
    lines.extend(audit_lines(key, theme, ctx.now));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// The key's status, expiry, id and permissions by group.
fn key_lines(ctx: &Ctx, key: &ApiKey, theme: Theme) -> Vec<Line<'static>> {
    let st = key.status(ctx.now, ctx.policy);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Status   ", theme.dim()),
            Span::styled(status_text(key, st, ctx.now), theme.status(st)),
        ]),
        Line::from(vec![
            Span::styled("Expires  ", theme.dim()),
            Span::raw(expiry_text(key, ctx.now)),
        ]),
        Line::from(vec![
            Span::styled("ID       ", theme.dim()),
            Span::raw(escape_controls(&key.id)),
        ]),
    ];
    if let Some(at) = retiring(key, ctx.now) {
        lines.insert(
            2,
            Line::from(vec![
                Span::styled("Retiring ", theme.dim()),
                Span::raw(format!(
                    "until {}: replaced by a rotation, it works beside its successor",
                    when_text(at, ctx.now)
                )),
            ]),
        );
    }
    lines.extend([
        Line::raw(""),
        Line::from(Span::styled("Permissions", theme.bold())),
    ]);
    let groups = grouped_permissions(&key.permissions);
    if groups.is_empty() {
        lines.push(Line::from(Span::styled("  none", theme.dim())));
    }
    for (title, perms) in groups {
        lines.push(Line::from(vec![
            Span::styled(format!("  {title}: "), theme.accent()),
            Span::raw(perms.join(", ")),
        ]));
    }
    lines
}

/// The detail pane's own state; it shows the list's selected key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailPane {
    /// How far it is scrolled; back to the top when the selection moves.
    pub scroll: u16,
}

impl DetailPane {
    /// The detail pane's moves: scrolling.
    pub(in crate::ui) fn scroll_by(&mut self, cmd: ListCmd) {
        let s = self.scroll;
        self.scroll = match cmd {
            ListCmd::Up => s.saturating_sub(1),
            ListCmd::Down => s.saturating_add(1),
            ListCmd::PageUp => s.saturating_sub(10),
            ListCmd::PageDown => s.saturating_add(10),
            _ => 0,
        };
    }

    /// A turn of the wheel: up or down.
    pub(in crate::ui) fn wheel(&mut self, up: bool) {
        self.scroll = if up {
            self.scroll.saturating_sub(WHEEL_STEP)
        } else {
            self.scroll.saturating_add(WHEEL_STEP)
        };
    }
}
