//! Checks a running Kanboard against the schema without running any of its methods (but
//! `getVersion`: the schema is taken for the server's release, its `since` / `until` applied),
//! and prints what differs. With manifests (`--manifest FILE`, repeatable) it also lists the
//! methods the server has and the schema lacks.
//!
//! `cargo run --example drift_probe -- [--manifest tests/fixtures/kanboard-1.2.53.json]`
//!
//! Reads KANBOARD_URL and KANBOARD_TOKEN (the application token: user logins are refused, since
//! Kanboard records every one of them). Exits as `kanboard schema drift` does, with the codes of
//! `kanboard::exit_code`: 0 no drift, 8 drift, 9 no verdict (some methods could not be checked),
//! 2 bad usage or manifest, 3 no URL or token, and the code of the error otherwise (4 refused
//! credentials, 6 server unreachable, 7 server fault…).

use kanboard::drift::{self, Manifest};
use kanboard::{KanboardClient, exit_code};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(url), Ok(token)) = (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) else {
        eprintln!(
            "error: set KANBOARD_URL (…/jsonrpc.php) and KANBOARD_TOKEN (Settings → API) first"
        );
        return ExitCode::from(exit_code::CONFIG);
    };
    let mut manifests = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--manifest", Some(path)) => match Manifest::read(&path) {
                Ok(m) => manifests.push(m),
                Err(e) => {
                    eprintln!("error: manifest {path}: {e}");
                    return ExitCode::from(exit_code::USAGE);
                }
            },
            _ => {
                eprintln!("usage: drift_probe [--manifest FILE]...");
                return ExitCode::from(exit_code::USAGE);
            }
        }
    }
    let report = match KanboardClient::new(url, token) {
        Ok(kb) => drift::probe(&kb, &drift::schema(), &manifests).await,
        Err(e) => Err(e),
    };
    match report {
        Ok(report) => {
            print!("{report}");
            ExitCode::from(report.verdict().exit_code())
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit_code::of_error(&e))
        }
    }
}
