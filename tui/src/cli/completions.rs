//! `completions`' arguments.

use clap::Args;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys completions bash > ~/.local/share/bash-completion/completions/narrative-keys\n  narrative-keys completions zsh > ~/.zfunc/_narrative-keys\n  narrative-keys completions fish > ~/.config/fish/completions/narrative-keys.fish"
)]
/// `completions`' arguments.
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}
