use std::process::ExitCode;

use anstream::eprintln;
use clap::Parser;
use narrative_keys_tui::cli::{Cli, Command};
use narrative_keys_tui::commands;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    // Subcommands log only when asked; the UI starts its own default log.
    if cli.command.is_some() {
        if let Err(e) = narrative_keys_tui::logging::init(cli.global.log_file.as_deref(), false) {
            eprintln!("error: {}", e.message);
            return e.exit_code();
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = match cli.command {
        None => runtime.block_on(narrative_keys_tui::ui::run(&cli.global, started)),
        Some(command) => runtime.block_on(async {
            if makes_keys(&command) {
                runtime_guard_ctrl_c();
            }
            commands::run(command, &cli.global).await
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let red = anstyle::Style::new()
                .fg_color(Some(anstyle::AnsiColor::Red.into()))
                .bold();
            eprintln!("{red}error{red:#}: {}", e.message);
            if let Some(hint) = &e.hint {
                eprintln!("hint: {hint}");
            }
            e.exit_code()
        }
    }
}

/// Commands that create or revoke keys: stopped halfway, they could leave a
/// key whose secret nobody holds, or a leaked key working.
fn makes_keys(command: &Command) -> bool {
    matches!(
        command,
        Command::Create(_)
            | Command::Clone(_)
            | Command::Rotate { .. }
            | Command::Revoke { .. }
            | Command::Incident(_)
    )
}

/// The first Ctrl-C lets the step in progress finish: a delivery command,
/// in the same process group, gets the signal too and fails, so its key is
/// revoked again, and requests end within their timeout. A second one stops
/// at once.
fn runtime_guard_ctrl_c() {
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "interrupted: finishing the step in progress so that no key is left without its secret; press Ctrl-C again to stop at once"
            );
            let _ = tokio::signal::ctrl_c().await;
            std::process::exit(130);
        }
    });
}
