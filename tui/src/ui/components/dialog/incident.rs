//! The incident response's dialog: the dry run, the run in progress, and
//! the report (saved to a file, or elsewhere with `w`).

use std::path::PathBuf;

use crossterm::event::KeyCode::{Char, Down, Enter, Esc, Up};
use crossterm::event::KeyEvent;

use super::Reply;
use crate::ui::components::input::TextInput;
use crate::ui::hit::Regions;
use crate::ui::theme::Theme;
use narrative_keys::incident::{IncidentPlan, IncidentReport, PlannedKey};
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::output::{escape_controls, status_symbol};
use crate::ui::action::Effect;
use crate::ui::components::dialog::frame::Canvas;
use crate::ui::components::dialog::frame::{Buttons, Show, dialog, key_manager_warning, note_line};
use crate::ui::components::keymap::{self, Binding};
use crate::ui::text::{count_of, truncate};
use crate::ui::theme::SPINNER;

/// The incident response's dialog, one state per phase.
#[derive(Debug)]
pub enum IncidentModal {
    /// The dry run: what would happen, before anything does.
    Plan {
        /// What would be revoked, and whether each key is replaced.
        plan: Box<IncidentPlan>,
        /// How far the plan is scrolled, in lines.
        scroll: u16,
    },
    /// Sent: the response is running.
    Running {
        /// How many keys the plan revokes.
        count: usize,
    },
    /// Finished: the report, saved to a file at once.
    Done {
        /// What was revoked, replaced and failed.
        report: Box<IncidentReport>,
        /// The report as Markdown, as it is saved.
        markdown: String,
        /// The file to save it to (`incident-report-<time>.md` at first); `w` edits it.
        path: TextInput,
        /// Whether the path is being edited.
        editing: bool,
        /// What the last save did: `Ok(message)` or `Err(message)`; `None` before one ends.
        saved: Option<Result<String, String>>,
    },
}

/// What a key does in the incident dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentCmd {
    /// Replace the revoked keys, or not.
    ToggleReplace,
    /// Run it.
    Run,
    /// Scroll up.
    Up,
    /// Scroll down.
    Down,
    /// Close (cancel the dry run, or the report).
    Close,
    /// Save the report elsewhere: type the path.
    Edit,
    /// Save the report to the path typed.
    Save,
    /// Stop typing the path.
    Cancel,
}

/// The dry run.
pub const PLAN_KEYS: &[Binding<IncidentCmd>] = &[
    Binding::new(
        "r",
        "toggle replacements",
        &[(Char('r'), IncidentCmd::ToggleReplace)],
    ),
    Binding::new(
        "y",
        "run it",
        &[(Char('y'), IncidentCmd::Run), (Char('Y'), IncidentCmd::Run)],
    ),
    Binding::new(
        "j k",
        "scroll",
        &[
            (Char('j'), IncidentCmd::Down),
            (Down, IncidentCmd::Down),
            (Char('k'), IncidentCmd::Up),
            (Up, IncidentCmd::Up),
        ],
    ),
    Binding::new(
        "Esc",
        "cancel",
        &[
            (Esc, IncidentCmd::Close),
            (Char('n'), IncidentCmd::Close),
            (Char('q'), IncidentCmd::Close),
        ],
    ),
];

/// While it runs: no keys but Ctrl-C.
pub const RUNNING_KEYS: &[Binding<IncidentCmd>] = &[];

/// The report.
pub const DONE_KEYS: &[Binding<IncidentCmd>] = &[
    Binding::new(
        "w",
        "save the report elsewhere",
        &[(Char('w'), IncidentCmd::Edit)],
    ),
    Binding::new(
        "Enter / Esc",
        "close",
        &[
            (Esc, IncidentCmd::Close),
            (Enter, IncidentCmd::Close),
            (Char('q'), IncidentCmd::Close),
        ],
    ),
];

/// Typing the report's path (any other key edits it).
pub const EDITING_KEYS: &[Binding<IncidentCmd>] = &[
    Binding::new("Enter", "save", &[(Enter, IncidentCmd::Save)]),
    Binding::new("Esc", "cancel", &[(Esc, IncidentCmd::Cancel)]),
];

impl IncidentModal {
    /// The keymap of the stage it is at.
    pub fn keymap(&self) -> &'static [Binding<IncidentCmd>] {
        match self {
            IncidentModal::Plan { .. } => PLAN_KEYS,
            IncidentModal::Running { .. } => RUNNING_KEYS,
            IncidentModal::Done { editing: true, .. } => EDITING_KEYS,
            IncidentModal::Done { .. } => DONE_KEYS,
        }
    }

    /// A key in the dialog.
    pub fn on_key(&mut self, key: KeyEvent, ctrl_c: bool) -> Reply {
        if ctrl_c {
            return Reply::Quit;
        }
        let cmd = keymap::lookup(self.keymap(), key.code).map(|(_, cmd)| cmd);
        match self {
            IncidentModal::Plan { plan, scroll } => match cmd {
                Some(IncidentCmd::ToggleReplace) => plan.replace = !plan.replace,
                Some(IncidentCmd::Down) => *scroll = scroll.saturating_add(1),
                Some(IncidentCmd::Up) => *scroll = scroll.saturating_sub(1),
                Some(IncidentCmd::Run) if plan.keys.is_empty() => {}
                Some(IncidentCmd::Run) => return Reply::Incident(plan.clone()),
                Some(_) => {
                    return Reply::Close(Some("Dry run only: nothing was changed.".to_owned()));
                }
                None => return Reply::IGNORED,
            },
            IncidentModal::Running { .. } => return Reply::IGNORED,
            IncidentModal::Done {
                markdown,
                path,
                editing,
                ..
            } => match cmd {
                Some(IncidentCmd::Save) => {
                    *editing = false;
                    return Reply::Run(Effect::SaveReport {
                        path: PathBuf::from(path.value.trim()),
                        markdown: markdown.clone(),
                    });
                }
                Some(IncidentCmd::Cancel) => *editing = false,
                _ if *editing => {
                    path.handle_key(key);
                }
                Some(IncidentCmd::Edit) => *editing = true,
                Some(_) => return Reply::Close(None),
                None => return Reply::IGNORED,
            },
        }
        Reply::CONSUMED
    }
}

/// Draws the incident dialog at its stage.
pub(in crate::ui) fn draw_incident(
    stage: &IncidentModal,
    cx: &Canvas,
    frame: &mut Frame,
) -> Regions {
    match stage {
        IncidentModal::Plan { plan, scroll } => draw_plan(plan, *scroll, cx, frame),
        IncidentModal::Running { count } => draw_running(*count, cx, frame),
        IncidentModal::Done {
            report,
            path,
            editing,
            saved,
            ..
        } => draw_report((report, path, *editing, saved.as_ref()), cx, frame),
    }
}

/// The dry run: the keys, what else was found, whether they are replaced.
fn draw_plan(plan: &IncidentPlan, scroll: u16, cx: &Canvas, frame: &mut Frame) -> Regions {
    let (ctx, theme, area) = (cx.ctx, cx.theme, cx.area);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Dry run: nothing has changed yet. Running it revokes {} at once:",
            count_of(plan.keys.len(), "key", "keys")
        ),
        theme.bold(),
    ))];
    // The lines around the list, the look-alike note among them.
    let fixed = 12 + usize::from(!plan.look_alikes.is_empty());
    let room = usize::from(area.height).saturating_sub(fixed);
    for p in plan.keys.iter().skip(scroll as usize).take(room.max(1)) {
        lines.push(plan_row(p, theme));
    }
    if !plan.missing_ids.is_empty() {
        lines.push(Line::from(format!(
            "Not found: {}",
            plan.missing_ids.join(", ")
        )));
    }
    if !plan.look_alikes.is_empty() {
        lines.push(Line::from(format!(
            "Alike but not selected: {} with a planned name and permissions",
            count_of(plan.look_alikes.len(), "key", "keys")
        )));
    }
    lines.push(Line::from(vec![
        Span::styled("Replacements: ", theme.accent()),
        Span::raw(if plan.replace {
            "on: each revoked key gets a new one with the same permissions, expiring in 90 days; secrets shown once."
        } else {
            "off: the keys are only revoked."
        }),
    ]));
    lines.push(Line::from(Span::styled(
        "Afterwards the report is saved to a Markdown file in the current directory.",
        theme.dim(),
    )));
    lines.extend(key_manager_warning(
        &ctx,
        plan.keys.iter().map(|p| p.key.id.as_str()),
        theme,
    ));
    lines.push(Line::raw(""));
    let buttons = [
        ("y", "run it"),
        ("r", "toggle replacements"),
        ("Esc", "cancel"),
    ];
    let title = " Incident response ".to_owned();
    dialog(frame, cx, (title, lines, &buttons), Show::Start)
}

/// One planned key's row: its status, name and id.
fn plan_row(p: &PlannedKey, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("  {} ", status_symbol(p.status)),
            theme.status(p.status),
        ),
        Span::raw(format!(
            "{:<31}",
            format!("\"{}\"", truncate(&escape_controls(&p.key.name), 28))
        )),
        Span::styled(escape_controls(&p.key.id), theme.dim()),
    ])
}

/// The run in progress.
fn draw_running(count: usize, cx: &Canvas, frame: &mut Frame) -> Regions {
    let (ctx, theme) = (cx.ctx, cx.theme);
    let s = SPINNER[ctx.spinner % SPINNER.len()];
    let lines = vec![Line::from(Span::styled(
        format!("{s} Revoking {}…", count_of(count, "key", "keys")),
        theme.accent(),
    ))];
    let title = " Incident response ".to_owned();
    dialog(frame, cx, (title, lines, &[]), Show::Start)
}

/// The report: what was done, what failed, where it was saved.
fn draw_report(
    (report, path, editing, saved): (
        &IncidentReport,
        &TextInput,
        bool,
        Option<&Result<String, String>>,
    ),
    cx: &Canvas,
    frame: &mut Frame,
) -> Regions {
    let theme = cx.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Done: {} revoked, {} replaced, {} failed.",
            report.revoked.len(),
            report.replacements.len(),
            report.failures.len()
        ),
        theme.bold(),
    ))];
    for f in report.failures.iter().take(5) {
        lines.push(Line::from(Span::styled(
            format!(
                "✖ \"{}\" ({}): {}",
                escape_controls(&f.name),
                f.step,
                escape_controls(&f.error)
            ),
            theme.error(),
        )));
    }
    match saved {
        Some(n) => lines.push(note_line(theme, n)),
        None => lines.push(Line::from(Span::styled("Saving the report…", theme.dim()))),
    }
    lines.push(Line::from(vec![
        Span::styled("Next: ", theme.accent()),
        Span::raw(format!(
            "send the report to Narrative security, {} (it holds no secret).",
            narrative_keys::incident::SECURITY_CONTACT
        )),
    ]));
    lines.push(Line::raw(""));
    if editing {
        lines.push(Line::from(vec![
            Span::styled("Save the report to: ", theme.accent()),
            Span::raw(escape_controls(&path.value)),
            Span::styled("▏", theme.accent()),
        ]));
    }
    let buttons: Buttons = if editing {
        &[("Enter", "save"), ("Esc", "cancel")]
    } else {
        &[("w", "save elsewhere"), ("Enter / Esc", "close")]
    };
    let title = " Incident response: report ".to_owned();
    dialog(frame, cx, (title, lines, buttons), Show::Start)
}
