//! The command line's own checks: examples parse, durations read.

use std::time::Duration;

use clap::Parser;

use super::duration::{parse_duration, parse_timeout};
use super::{Cli, Command};

/// A shell line's words: quotes group, `#` starts a comment, `>` ends it.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => (quote, started) = (Some(c), true),
            (None, '#' | '>') => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut word));
                }
                started = false;
            }
            (None, c) => (word.push(c), started = true).1,
        }
    }
    if started {
        out.push(word);
    }
    out
}

#[test]
fn every_help_example_is_a_command_line_that_parses() {
    use clap::CommandFactory;
    let cli = Cli::command();
    let mut helps = vec![cli.get_after_help().map(ToString::to_string)];
    helps.extend(
        cli.get_subcommands()
            .map(|c| c.get_after_help().map(ToString::to_string)),
    );
    let mut seen = 0;
    for help in helps {
        let help = help.expect("every command has examples");
        for line in help.lines().filter(|l| l.contains("narrative-keys ")) {
            let args: Vec<String> = words(line)
                .into_iter()
                .skip_while(|w| w != "narrative-keys")
                .collect();
            Cli::try_parse_from(&args).unwrap_or_else(|e| panic!("{line}: {e}"));
            seen += 1;
        }
    }
    assert!(seen >= 2 * 13, "{seen} examples");
}

#[test]
fn durations_take_units_and_sums() {
    for (text, ms) in [
        ("500ms", 500),
        ("30s", 30_000),
        ("2m", 120_000),
        ("1h", 3_600_000),
        ("1m30s", 90_000),
        (" 45S ", 45_000),
        ("0s", 0),
        ("24h", 86_400_000),
    ] {
        assert_eq!(
            parse_duration(text),
            Ok(Duration::from_millis(ms)),
            "{text}"
        );
    }
}

#[test]
fn bad_durations_say_what_to_write() {
    for text in [
        "",
        "30",
        "s",
        "1.5s",
        "-1s",
        "30 s",
        "3d",
        "1m30",
        "ms5",
        "99999999999999999999s",
    ] {
        let err = parse_duration(text).unwrap_err();
        assert!(err.contains("e.g. 30s"), "{text}: {err}");
    }
    assert!(parse_duration("25h").unwrap_err().contains("24h"));
    assert!(parse_timeout("0s").unwrap_err().contains("more than zero"));
    assert_eq!(parse_timeout("1s"), Ok(Duration::from_secs(1)));
}

#[test]
fn every_command_that_runs_a_delivery_command_takes_its_timeout() {
    let timeout = |args: &[&str]| -> Result<Duration, String> {
        let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
        Ok(match cli.command {
            Some(Command::Create(a)) => a.delivery.delivery_timeout,
            Some(Command::Clone(a)) => a.delivery.delivery_timeout,
            Some(Command::Rotate(a)) => a.delivery.delivery_timeout,
            Some(Command::Incident(a)) => a.delivery_timeout,
            _ => unreachable!("{args:?}"),
        })
    };
    let two_minutes = Duration::from_secs(120);
    let given = Duration::from_secs(90);
    for args in [
        &["nk", "create", "--name", "n", "--grant", "read:datasets"][..],
        &["nk", "clone", "k", "--name", "n"],
        &["nk", "rotate", "k"],
        &["nk", "incident", "k", "--replace", "--yes"],
        &["nk", "incident", "--resume", "r.json"],
    ] {
        assert_eq!(timeout(args), Ok(two_minutes), "{args:?}");
        let with = [args, &["--secret-to", "cat", "--delivery-timeout", "1m30s"]].concat();
        assert_eq!(timeout(&with), Ok(given), "{with:?}");
        let alone = [args, &["--delivery-timeout", "1m30s"]].concat();
        let err = timeout(&alone).unwrap_err();
        assert!(err.contains("--secret-to"), "{alone:?}: {err}");
        let zero = [args, &["--secret-to", "cat", "--delivery-timeout", "0s"]].concat();
        let err = timeout(&zero).unwrap_err();
        assert!(err.contains("more than zero"), "{zero:?}: {err}");
    }
}

/// `--help` (the long help) says what each flag guarantees, as the
/// generated reference does; `-h` keeps the one-line summaries.
#[test]
fn long_help_carries_each_flags_semantics_and_short_help_stays_short() {
    let mut cmd = super::command();
    cmd.build();
    let long = |sub: &str| {
        cmd.find_subcommand(sub)
            .map(|c| c.clone().render_long_help().to_string())
            .unwrap_or_default()
    };
    let rotate = long("rotate");
    for said in [
        "retiring",                           // --overlap renames the old key
        "Fractions are refused",              // --expires' forms
        "process group of its own",           // --secret-to
        "A unique id prefix is taken in any", // KEY
        "Sends nothing that changes a key",   // --dry-run
    ] {
        assert!(
            rotate.contains(said),
            "rotate --help lacks {said:?}:\n{rotate}"
        );
    }
    let revoke = long("revoke");
    assert!(revoke.contains("Refusals (401, 403) and timeouts are not tried again"));
    assert!(long("incident").contains("NIGHTLY_INGESTION"));
    assert!(long("create").contains("did you mean read:datasets"));
    let short = cmd
        .find_subcommand("rotate")
        .map(|c| c.clone().render_help().to_string())
        .unwrap_or_default();
    assert!(!short.contains("retiring") && short.contains("--overlap <SPAN>"));
}
