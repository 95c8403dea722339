//! Kanboard release numbers in the schema: the range it describes (`releases:`) and each
//! method's and parameter's `since` / `until`.

use super::{at, diag};
use crate::Diagnostic;
use serde_saphyr::{Location, Spanned};
use std::fmt;

/// A release number, `1.2.45`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release(pub u16, pub u16, pub u16);

impl Release {
    /// `MAJOR.MINOR.PATCH`, digits only.
    pub fn parse(s: &str) -> Option<Release> {
        let mut parts = s.split('.').map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u16>().ok()
            }
        });
        let r = Release(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(r)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The first and last release of a method or parameter; `None` where it has always been or
/// still is there.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Span {
    pub since: Option<Release>,
    pub until: Option<Release>,
}

impl Span {
    /// Whether `r` has it.
    pub fn includes(&self, r: Release) -> bool {
        self.since.is_none_or(|s| r >= s) && self.until.is_none_or(|u| r <= u)
    }
}

/// The schema's `releases:`.
pub(super) fn check_range(
    def: &Option<Spanned<crate::schema::ReleasesDef>>,
) -> Result<Option<(Release, Release)>, Diagnostic> {
    let Some(d) = def else { return Ok(None) };
    let oldest = parse(&d.value.oldest.value, at(&d.value.oldest))?;
    let newest = parse(&d.value.newest.value, at(&d.value.newest))?;
    if oldest > newest {
        return Err(diag(
            at(&d.value.newest),
            format!("`newest: {newest}` is older than `oldest: {oldest}`"),
        ));
    }
    Ok(Some((oldest, newest)))
}

fn parse(s: &str, where_: Location) -> Result<Release, Diagnostic> {
    Release::parse(s).ok_or_else(|| {
        diag(
            where_,
            format!(
                "`{s}` is not a Kanboard release: write it as MAJOR.MINOR.PATCH, like \"1.2.45\""
            ),
        )
    })
}

/// Checks `since` / `until` of `what` (a method, or a parameter inside `outer`, its method's
/// span) against the schema's range.
pub(super) fn check_span(
    what: &str,
    since: Option<&str>,
    until: Option<&str>,
    where_: Location,
    range: Option<(Release, Release)>,
    outer: Span,
) -> Result<Span, Diagnostic> {
    if since.is_none() && until.is_none() {
        return Ok(Span::default());
    }
    let Some((oldest, newest)) = range else {
        return Err(diag(
            where_,
            format!(
                "{what} has `since`/`until` but the schema has no `releases: {{oldest, newest}}` at the top to place them in"
            ),
        ));
    };
    let since = since.map(|s| parse(s, where_)).transpose()?;
    let until = until.map(|s| parse(s, where_)).transpose()?;
    if let Some(s) = since {
        if s <= oldest {
            return Err(diag(
                where_,
                format!(
                    "{what}: `since: {s}` is not after the oldest release ({oldest}): leave `since` out"
                ),
            ));
        }
        if s > newest {
            return Err(diag(
                where_,
                format!("{what}: `since: {s}` is after the newest release ({newest})"),
            ));
        }
        if outer.since.is_some_and(|o| s <= o) {
            return Err(diag(
                where_,
                format!("{what}: `since: {s}` is not after its method's: leave it out"),
            ));
        }
    }
    if let Some(u) = until {
        if u >= newest {
            return Err(diag(
                where_,
                format!(
                    "{what}: `until: {u}` is not before the newest release ({newest}): leave `until` out"
                ),
            ));
        }
        if since.is_some_and(|s| u < s) {
            return Err(diag(
                where_,
                format!("{what}: `until: {u}` is before its `since`"),
            ));
        }
        if outer.until.is_some_and(|o| u >= o) {
            return Err(diag(
                where_,
                format!("{what}: `until: {u}` is not before its method's: leave it out"),
            ));
        }
    }
    Ok(Span { since, until })
}

/// What one Kanboard release serves: its number and each method with its parameters' wire
/// names, as a server manifest (`scripts/kanboard-manifest.php`) lists them.
#[derive(Debug, Clone)]
pub struct ServerRelease {
    pub release: String,
    pub methods: Vec<(String, Vec<String>)>,
}

/// Where the schema's `since` / `until` disagree with the releases' own lists: for each method
/// and parameter of Kanboard itself (not plugins), the releases that have it must be exactly
/// those its span includes. One diagnostic per disagreement, at the method or parameter.
pub(crate) fn check_against(api: &super::Api, releases: &[ServerRelease]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut known: Vec<(Release, &ServerRelease)> = Vec::new();
    for r in releases {
        match Release::parse(&r.release) {
            Some(v) => known.push((v, r)),
            None => out.push(Diagnostic {
                line: 0,
                column: 0,
                message: format!("manifest release `{}` is not MAJOR.MINOR.PATCH", r.release),
            }),
        }
    }
    known.sort_by_key(|(v, _)| *v);
    for res in api.resources.iter().filter(|r| r.plugin.is_none()) {
        for m in &res.methods {
            let has: Vec<(Release, Option<&Vec<String>>)> = known
                .iter()
                .map(|(v, r)| {
                    (
                        *v,
                        r.methods.iter().find(|(n, _)| n == &m.rpc).map(|(_, p)| p),
                    )
                })
                .collect();
            let present: Vec<Release> = has
                .iter()
                .filter(|(_, p)| p.is_some())
                .map(|(v, _)| *v)
                .collect();
            if let Some(msg) = mismatch(&format!("`{}`", m.rpc), m.span, &known, &present) {
                out.push(diag(m.at, msg));
            }
            for p in &m.params {
                let present: Vec<Release> = has
                    .iter()
                    .filter(|(_, ps)| ps.is_some_and(|ps| ps.contains(&p.wire)))
                    .map(|(v, _)| *v)
                    .collect();
                // A parameter is judged only in the releases that have its method.
                let of_method: Vec<(Release, &ServerRelease)> = known
                    .iter()
                    .filter(|(v, _)| has.iter().any(|(hv, hp)| hv == v && hp.is_some()))
                    .cloned()
                    .collect();
                let what = format!("parameter `{}` of `{}`", p.wire, m.rpc);
                if let Some(msg) = mismatch(&what, p.span, &of_method, &present) {
                    out.push(diag(p.at, msg));
                }
            }
        }
    }
    out
}

/// Why `span` does not match the releases that really have it, if it does not.
fn mismatch(
    what: &str,
    span: Span,
    known: &[(Release, &ServerRelease)],
    present: &[Release],
) -> Option<String> {
    let expected: Vec<Release> = known
        .iter()
        .map(|(v, _)| *v)
        .filter(|v| span.includes(*v))
        .collect();
    if expected == present {
        return None;
    }
    let show = |s: Span| match (s.since, s.until) {
        (None, None) => "every release".to_owned(),
        (Some(a), None) => format!("since {a}"),
        (None, Some(b)) => format!("until {b}"),
        (Some(a), Some(b)) => format!("{a} to {b}"),
    };
    let Some((&first, &last)) = present.first().zip(present.last()) else {
        return Some(format!(
            "{what}: no release manifest has it, the schema says {}",
            show(span)
        ));
    };
    let oldest = known.first().map(|(v, _)| *v);
    let newest = known.last().map(|(v, _)| *v);
    let truth = Span {
        since: (Some(first) != oldest).then_some(first),
        until: (Some(last) != newest).then_some(last),
    };
    let gaps = present.len()
        != known
            .iter()
            .filter(|(v, _)| *v >= first && *v <= last)
            .count();
    Some(format!(
        "{what}: the release manifests have it {}{}, the schema says {}: set {}",
        show(truth),
        if gaps { " (with gaps)" } else { "" },
        show(span),
        match (truth.since, truth.until) {
            (None, None) => "neither `since` nor `until`".to_owned(),
            (Some(a), None) => format!("`since: \"{a}\"`"),
            (None, Some(b)) => format!("`until: \"{b}\"`"),
            (Some(a), Some(b)) => format!("`since: \"{a}\"` and `until: \"{b}\"`"),
        }
    ))
}
