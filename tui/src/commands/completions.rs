//! `completions`: the shell completion script.

/// The completion script for `shell`.
///
/// clap_complete's bash script names its states inconsistently for a
/// program whose name holds a hyphen (`narrative__keys__subcmd__create` is
/// built, `narrative__subcmd__keys__subcmd__create` matched; clap-rs/clap
/// issue 6421), so nothing after a subcommand would complete: the one
/// spelling is made the other.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut cmd = crate::cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "narrative-keys", &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        clap_complete::Shell::Bash => script.replace("narrative__subcmd__keys", "narrative__keys"),
        _ => script,
    }
}
