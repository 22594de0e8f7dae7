//! The terminal UI: `narrative-keys` with no subcommand.
//!
//! - [`action`]: the `Action`s that drive the app and the `Effect`s it asks for.
//! - [`app`]: the state and `App::update`, synchronous and free of I/O:
//!   routing keys and clicks to the components, and effects' results.
//! - [`components`]: the list, the detail pane, the form, the command line
//!   and the dialogs, each owning its state, keys and drawing, none
//!   knowing the app.
//! - [`screen`]: one frame, a pure function of the state: the header,
//!   status line and hint bar, and the components laid out.
//! - [`job`]: the work in flight the spinner names.
//! - [`hit`]: where the last frame drew what the mouse can click.
//! - [`runtime`]: the terminal, the event loop, effects as tokio tasks
//!   (`runtime::Executor`).
//! - [`theme`], [`text`], [`osc52`]: the rest; logging is [`crate::logging`].

pub mod action;
pub mod app;
pub mod components;
pub mod hit;
pub mod job;
pub mod osc52;
pub mod runtime;
pub mod screen;
pub mod text;
pub mod theme;

use std::time::Instant;

pub use action::{Action, Effect};
pub use app::App;

use crate::cli::{GlobalArgs, UiArgs};
use crate::error::CliError;
use crate::session::{self, Credentials};

// The welcome screen's parts, as macros because `concat!` takes only literals.
/// The welcome screen's first lines.
macro_rules! welcome_head {
    () => {
        "\
narrative-keys: manage Narrative API keys safely.

No API key is set, so there is nothing to show yet."
    };
}

/// The welcome screen's real-key instructions, after their first words.
macro_rules! welcome_tail {
    () => {
        " with an API key that holds read:access_tokens
  (and write:access_tokens to create, change or revoke keys):

      export NARRATIVE_API_KEY=...        # or --api-key
      export NARRATIVE_ENVIRONMENT=dev    # optional: prod (default), dev or a URL
      narrative-keys

Every action is also a scriptable command: narrative-keys --help
"
    };
}

/// What `narrative-keys` says, and does, without credentials: one screen.
#[cfg(feature = "demo")]
pub const WELCOME: &str = concat!(
    welcome_head!(),
    " Either:

  Try the demo: a local emulator with a dozen sample keys.
  Nothing in it touches Narrative.

      narrative-keys --demo

  Or manage your real keys",
    welcome_tail!()
);

/// What `narrative-keys` says without credentials, in a build without the
/// `demo` feature: no suggestion it cannot follow.
#[cfg(not(feature = "demo"))]
pub const WELCOME: &str = concat!(welcome_head!(), "\n\n  Manage your keys", welcome_tail!());

/// Opens the UI; returns the exit status. `started` is when the process began.
pub async fn run(global: &GlobalArgs, ui: &UiArgs, started: Instant) -> Result<u8, CliError> {
    // The UI logs by default (to a file); a log that cannot be opened is not
    // worth refusing to start over, and the screen is no place to say so.
    let log = crate::logging::init(global.log_file.as_deref(), true)
        .ok()
        .flatten();
    tracing::info!(log = ?log, "starting the terminal UI");
    if let Credentials::Missing = session::credentials(global)? {
        print!("{WELCOME}");
        return Ok(0);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(CliError::usage("the terminal UI needs a terminal")
            .hint("in scripts, use the subcommands: narrative-keys --help"));
    }
    // A bad keys file is refused before connecting, as `plan` refuses it.
    let keys_as_code = crate::commands::plan::ui_keys_file(ui.file.as_deref())?;
    let session = session::connect(global).await?;
    // The demo knows its own key; the API has no call that names the caller's.
    #[cfg(not(feature = "demo"))]
    let own_key_id = None;
    #[cfg(feature = "demo")]
    let own_key_id = session.demo.as_ref().and_then(|emulator| {
        // Exposed only to look the key up in the demo's own store.
        let secret = global
            .api_key
            .as_ref()
            .map_or(crate::demo::DEMO_ADMIN_KEY, |k| k.expose());
        let own = emulator.store().find_by_secret(secret);
        own.ok().flatten().map(|k| k.id.to_string())
    });
    let options = runtime::Options {
        readonly: ui.readonly,
        refresh: ui.refresh,
        own_key_id,
        keys_as_code,
    };
    let result = runtime::run(
        session.client.clone(),
        session.label.clone(),
        session.is_demo(),
        options,
        started,
    )
    .await;
    #[cfg(feature = "demo")]
    if let Some(emulator) = session.demo {
        emulator.shutdown().await;
    }
    result.map(runtime::Ended::exit_status).map_err(|e| {
        tracing::error!(error = %e, "the terminal UI failed");
        CliError::failed(format!("the terminal UI failed: {e}"))
    })
}
