//! The `narrative-keys` binary: the CLI subcommands, or the terminal UI without one.

use std::process::ExitCode;

use clap::Parser;
use narrative_keys_tui::cli::{Cli, Command};
use narrative_keys_tui::commands;
use narrative_keys_tui::error::{CliError, exit_for_signal};
use narrative_keys_tui::output::write_stderr;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let json = cli.command.as_ref().is_some_and(Command::json);
    // A build without the `demo` feature refuses the demo's flags before
    // anything else, whatever the command.
    #[cfg(not(feature = "demo"))]
    if let Some(flag) = cli.global.demo_flag() {
        return report(&narrative_keys_tui::demo::unavailable(flag), json);
    }
    if let (Some(_), Some(flag)) = (&cli.command, cli.ui.given()) {
        return report(
            &CliError::usage(format!("{flag} is for the terminal UI, not a subcommand")).hint(
                format!("leave out the subcommand to open the UI with {flag}"),
            ),
            json,
        );
    }
    // Subcommands log only when asked; the UI starts its own default log.
    if cli.command.is_some()
        && let Err(e) = narrative_keys_tui::logging::init(cli.global.log_file.as_deref(), false)
    {
        return report(&e, json);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let e = CliError::failed(format!("could not start the async runtime: {e}"));
            return report(&e, json);
        }
    };
    let result = match cli.command {
        None => runtime.block_on(narrative_keys_tui::ui::run(&cli.global, &cli.ui, started)),
        Some(command) => runtime.block_on(async {
            if makes_keys(&command) {
                narrative_keys_tui::signals::stop_on_signals().map_err(|e| {
                    CliError::failed(format!("could not catch interrupt signals: {e}"))
                })?;
            }
            commands::run(command, &cli.global).await
        }),
    };
    // A command the first signal stopped ends as one: 128 + its number.
    match (result, narrative_keys_tui::signals::first_signal()) {
        (Ok(0), _) => ExitCode::SUCCESS,
        (Ok(_), Some(signal)) => ExitCode::from(exit_for_signal(signal)),
        (Ok(code), None) => ExitCode::from(code),
        (Err(e), Some(signal)) => report(&e.stopped_by(signal), json),
        (Err(e), None) => report(&e, json),
    }
}

/// Prints a failure on stderr: with `--json` as one JSON document on one
/// line, otherwise as a message and a hint; dropped if stderr is gone, never
/// a panic. Returns its exit status.
fn report(e: &CliError, json: bool) -> ExitCode {
    if json {
        write_stderr(format_args!("{}\n", e.to_json()));
        return e.exit_code();
    }
    let red = anstyle::Style::new()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
        .bold();
    write_stderr(format_args!("{red}error{red:#}: {}\n", e.message));
    if let Some(hint) = &e.hint {
        write_stderr(format_args!("hint: {hint}\n"));
    }
    e.exit_code()
}

/// clap's own errors: help and version as clap prints them; a usage error
/// as clap words it, or, when `--json` is among the arguments, as the same
/// JSON document as any other failure (code `usage`, exit status 2).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let asked_json = std::env::args_os().skip(1).any(|a| a == "--json");
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if !asked_json || informational {
        e.exit();
    }
    let text = e.render().to_string();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    let mut message = lines
        .next()
        .unwrap_or("bad usage")
        .trim_start_matches("error: ")
        .to_owned();
    // "the following required arguments were not provided:" lists them on
    // the indented lines that follow: they belong in the message.
    if message.ends_with(':') {
        let mut listed = Vec::new();
        while let Some(line) = lines.next_if(|l| l.starts_with(char::is_whitespace)) {
            listed.push(line.trim());
        }
        if !listed.is_empty() {
            message = format!("{message} {}", listed.join(", "));
        }
    }
    // clap's usage line and tips, without its generic pointer to --help.
    let rest: Vec<&str> = lines
        .map(str::trim)
        .filter(|l| !l.starts_with("For more information"))
        .collect();
    let mut err = CliError::usage(message);
    if !rest.is_empty() {
        err = err.hint(format!("{}; see --help", rest.join("; ")));
    }
    report(&err, true)
}

/// Commands that create or revoke keys: stopped halfway, they could leave a
/// key whose secret nobody holds, or a leaked key working. For them SIGINT,
/// SIGTERM and SIGHUP ask the work to stop (see `signals`).
fn makes_keys(command: &Command) -> bool {
    matches!(
        command,
        Command::Create(_)
            | Command::Clone(_)
            | Command::Rotate { .. }
            | Command::Revoke { .. }
            | Command::Incident(_)
            | Command::Apply(_)
    )
}
