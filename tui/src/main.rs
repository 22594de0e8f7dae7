use std::process::ExitCode;

use anstream::eprintln;
use clap::Parser;
use narrative_keys_tui::cli::Cli;
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
        Some(command) => runtime.block_on(commands::run(command, &cli.global)),
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
