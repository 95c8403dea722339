//! What the `portfolio`, `milestone` and `portfolio migrate` commands share: which backend holds
//! the portfolios, the Kanboard client when one is configured, and orchestration errors as
//! one-line failures with exit codes.

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use kanboard::KanboardClient;
use kanboard::config::{Field, PortfolioBackend};
use kanboard::orchestration::{
    AnyBackend, BackendKind, Error, LocalPortfolioStore, PortfolioManager, RemotePortfolioBackend,
};

/// The backend named by `--portfolio-backend`, KANBOARD_PORTFOLIO_BACKEND or the profile
/// (default: local). Read on its own so local commands work before `config init`.
pub fn backend_kind(ctx: &Ctx) -> Result<BackendKind, Failure> {
    let layers = ctx.layers()?;
    let found = layers.get(Field::PortfolioBackend);
    match found.value.as_deref() {
        None => Ok(BackendKind::Local),
        Some(v) => match PortfolioBackend::parse(v) {
            Some(PortfolioBackend::Remote) => Ok(BackendKind::Remote),
            Some(_) => Ok(BackendKind::Local),
            None => Err(Failure::new(
                Exit::Config,
                format!("configuration: `portfolio_backend` {v:?} is neither local nor remote"),
            )
            .hint(format!(
                "use {} local|remote, {} or `portfolio_backend` in the profile",
                Field::PortfolioBackend.flag(),
                Field::PortfolioBackend.env()
            ))),
        },
    }
}

/// The client when a server is configured (a URL from flag, environment or profile); `None`
/// when none is. A configuration that names a server but is otherwise wrong is an error.
pub fn optional_client(ctx: &Ctx) -> Result<Option<KanboardClient>, Failure> {
    if ctx.layers()?.get(Field::Url).value.is_none() {
        return Ok(None);
    }
    ctx.client().map(Some)
}

/// kanboard-cli's store file, `~/.config/kanboard/portfolios.json`.
pub fn local_store(ctx: &Ctx) -> Result<LocalPortfolioStore, Failure> {
    LocalPortfolioStore::open_default().map_err(|e| fail(ctx, e))
}

/// The remote backend (the server's Portfolio plugin); needs the configured client.
pub fn remote(ctx: &Ctx) -> Result<RemotePortfolioBackend, Failure> {
    Ok(RemotePortfolioBackend::new(ctx.client()?))
}

/// The configured backend, and the client when a server is configured (always, for remote).
pub fn backend(ctx: &Ctx) -> Result<(AnyBackend, Option<KanboardClient>), Failure> {
    match backend_kind(ctx)? {
        BackendKind::Remote => {
            let kb = ctx.client()?;
            Ok((
                AnyBackend::Remote(RemotePortfolioBackend::new(kb.clone())),
                Some(kb),
            ))
        }
        _ => Ok((AnyBackend::Local(local_store(ctx)?), optional_client(ctx)?)),
    }
}

/// The configured backend with a manager over the server: for commands that read tasks.
pub fn manager(ctx: &Ctx) -> Result<PortfolioManager<AnyBackend>, Failure> {
    let (backend, kb) = backend(ctx)?;
    let kb = match kb {
        Some(kb) => kb,
        None => ctx.client()?, // the configuration error that names what to set
    };
    Ok(PortfolioManager::new(kb, backend))
}

/// An orchestration error as a failure: client errors as every command reports them, the
/// store's and the backends' own with an exit code of their kind and a hint.
pub fn fail(ctx: &Ctx, e: Error) -> Failure {
    let message = e.to_string();
    match e {
        Error::Client(e) => ctx.fail(e),
        Error::PortfolioNotFound { .. } => Failure::new(Exit::NotFound, message)
            .hint("see `kanboard portfolio list` (names are case-sensitive)"),
        Error::MilestoneNotFound { portfolio, .. } => Failure::new(Exit::NotFound, message)
            .hint(format!("see `kanboard milestone list {}`", quote(&portfolio))),
        Error::PortfolioExists { .. } | Error::MilestoneExists { .. } => {
            Failure::other(message).hint("names are unique: pick another one")
        }
        Error::StoreFormat { .. } => Failure::other(message).hint(
            "the file is not a portfolio store kanboard-cli or this tool can read: fix it or move it away",
        ),
        Error::Io { .. } => Failure::other(message),
        // The message says what to do: install the plugin, or use the local backend.
        Error::PluginMissing { .. } => Failure::new(Exit::Server, message),
        Error::Unsupported { .. } => Failure::new(Exit::Server, message),
        Error::Cycle { .. } => Failure::other(message)
            .hint("remove one of these links to get a critical path (kanboard task-link remove)"),
        Error::UnknownBackend { .. } => Failure::new(Exit::Config, message),
        Error::Invalid(_) => Failure::usage(message),
        _ => Failure::other(message),
    }
}

/// A name as a shell would need it typed.
pub fn quote(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@".contains(c))
    {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', r"'\''"))
    }
}

/// `YYYY-MM-DD` as kanboard-cli's `--target-date` takes it.
pub fn parse_day(text: &str) -> Result<jiff::civil::DateTime, Failure> {
    let day = text.trim();
    let ok = day.len() == 10 && day.as_bytes()[4] == b'-' && day.as_bytes()[7] == b'-';
    match day.parse::<jiff::civil::Date>() {
        Ok(d) if ok => Ok(d.to_datetime(jiff::civil::Time::midnight())),
        _ => Err(Failure::usage(format!(
            "invalid date {text:?}: expected YYYY-MM-DD (e.g. 2026-06-30)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_strict() {
        assert_eq!(
            parse_day("2026-06-30").unwrap().to_string(),
            "2026-06-30T00:00:00"
        );
        for bad in [
            "2026-6-30",
            "30/06/2026",
            "2026-02-30",
            "2026-06-30T10:00",
            "",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_quoted_for_the_shell() {
        assert_eq!(quote("launch"), "launch");
        assert_eq!(quote("Q3 launch"), "'Q3 launch'");
        assert_eq!(quote("it's"), r"'it'\''s'");
    }
}
