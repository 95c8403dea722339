//! Checks a running Kanboard against the schema without running any of its methods, and prints
//! what differs. With manifests (`--manifest FILE`, repeatable) it also lists the methods the
//! server has and the schema lacks.
//!
//! `cargo run --example drift_probe -- [--manifest tests/fixtures/kanboard-1.2.53.json]`
//!
//! Reads KANBOARD_URL and KANBOARD_TOKEN (the application token: user logins are refused, since
//! Kanboard records every one of them). Exits 1 when it finds drift, 2 on bad usage.

use kanboard::KanboardClient;
use kanboard::drift::{self, Manifest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(url), Ok(token)) = (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) else {
        eprintln!("set KANBOARD_URL (…/jsonrpc.php) and KANBOARD_TOKEN (Settings → API) first");
        std::process::exit(2);
    };
    let mut manifests = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--manifest", Some(path)) => manifests.push(Manifest::read(&path)?),
            _ => {
                eprintln!("usage: drift_probe [--manifest FILE]...");
                std::process::exit(2);
            }
        }
    }
    let kb = KanboardClient::new(url, token)?;
    let report = drift::probe(&kb, &drift::schema(), &manifests).await?;
    print!("{report}");
    if !report.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}
