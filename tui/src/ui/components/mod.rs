//! The UI's components: each owns its keys (a keymap table that also
//! feeds the help and the hint bar) and answers an event as consumed or
//! not; `App::update` routes events to them and turns what they ask for
//! into effects.
//!
//! - [`keymap`]: `Binding` tables, `EventState`, lookup, help and hints.
//! - [`list`]: the key list and the detail pane beside it.
//! - [`dialog`]: each dialog: help, revoke, rotate, secrets, incident, notices.

pub mod dialog;
pub mod keymap;
pub mod list;
