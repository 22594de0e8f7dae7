//! The `narrative-keys` command line and terminal UI.

pub mod cli;
pub mod commands;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod logging;
pub mod output;
pub mod profiles;
pub mod session;
pub mod signals;
pub mod ui;
