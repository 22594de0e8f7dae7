use std::process::ExitCode;

use anstream::eprintln;
use clap::Parser;
use narrative_keys_tui::cli::Cli;
use narrative_keys_tui::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = narrative_keys_tui::logging::init(cli.global.log_file.as_deref()) {
        eprintln!("error: {}", e.message);
        return e.exit_code();
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
    let Some(command) = cli.command else {
        eprintln!(
            "The terminal UI is not built yet; see `narrative-keys --help` for the commands."
        );
        return ExitCode::from(2);
    };
    match runtime.block_on(commands::run(command, &cli.global)) {
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
