//! Questions asked on the terminal: confirmations and hidden secrets. Off a terminal the answer
//! is read as a line from standard input, so scripts can pipe it in (`echo y | kanboard ...`).

use crate::failure::{Exit, Failure};
use clap::{Arg, ArgAction, ArgMatches};
use std::io::{BufRead, IsTerminal, Write};

fn read_line() -> Option<String> {
    let mut s = String::new();
    match std::io::stdin().lock().read_line(&mut s) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(s.trim_end_matches(['\r', '\n']).to_owned()),
    }
}

/// Asks a yes/no question (default no). `false` when declined.
pub fn confirm(question: &str) -> Result<bool, Failure> {
    let tty = std::io::stdin().is_terminal();
    if tty {
        eprint!("{} [y/N] ", crate::terminal_text::one_line(question));
        let _ = std::io::stderr().flush();
    }
    match read_line() {
        Some(a) => Ok(matches!(
            a.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        )),
        None if tty => Ok(false),
        None => Err(
            Failure::usage(format!("no answer on standard input to \"{question}\""))
                .hint("pass --yes to confirm without a prompt"),
        ),
    }
}

/// Asks a visible question with a default answer.
pub fn line(label: &str, default: Option<&str>) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        match default {
            Some(d) => eprint!("{label} [{}]: ", crate::terminal_text::one_line(d)),
            None => eprint!("{label}: "),
        }
        let _ = std::io::stderr().flush();
    }
    let answer = read_line().unwrap_or_default();
    let answer = answer.trim();
    match (answer.is_empty(), default) {
        (false, _) => Ok(answer.to_owned()),
        (true, Some(d)) => Ok(d.to_owned()),
        (true, None) => Err(Failure::usage(format!("no {label} given"))),
    }
}

/// Asks for a secret without echo, twice on a terminal so a typo is caught; off a terminal,
/// one line of standard input.
pub fn secret_twice(label: &str) -> Result<String, Failure> {
    let missing = || {
        Failure::usage(format!("no {label} given")).hint(format!(
            "give --{} or type it when asked",
            label.replace(' ', "-")
        ))
    };
    if !std::io::stdin().is_terminal() {
        return read_line().filter(|s| !s.is_empty()).ok_or_else(missing);
    }
    let io = |e: std::io::Error| Failure::new(Exit::Other, format!("cannot read the {label}: {e}"));
    let first = rpassword::prompt_password(format!("{label}: ")).map_err(io)?;
    if first.is_empty() {
        return Err(missing());
    }
    let again = rpassword::prompt_password(format!("{label} (again): ")).map_err(io)?;
    if first != again {
        return Err(Failure::usage(format!("the two {label}s differ")));
    }
    Ok(first)
}

/// Asks for a secret once, without echo (off a terminal: one line of standard input).
pub fn secret(label: &str) -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return read_line()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Failure::usage(format!("no {label} given")));
    }
    rpassword::prompt_password(format!("{label}: "))
        .map_err(|e| Failure::new(Exit::Other, format!("cannot read the {label}: {e}")))
}

/// `--yes`: the flag that skips the question before a removal.
pub fn yes_arg() -> Arg {
    Arg::new("yes")
        .long("yes")
        .short('y')
        .action(ArgAction::SetTrue)
        .help("Do not ask for confirmation")
}

/// Asks before a removal unless `--yes` was given.
pub fn confirm_removal(m: &ArgMatches, question: &str) -> Result<(), Failure> {
    if m.get_flag("yes") {
        return Ok(());
    }
    if confirm(&format!("{question} This cannot be undone."))? {
        Ok(())
    } else {
        Err(Failure::other("cancelled: nothing was removed")
            .hint("pass --yes to skip the question"))
    }
}
