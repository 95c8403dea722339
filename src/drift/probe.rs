//! The live check: asks a running Kanboard about every method of the schema (and of any
//! manifests given) with calls the server rejects before running them, and compares.
//!
//! Which calls those are, and why none can run a method, is in `inference.rs`. This module
//! sends them: all methods' probes of a round in one batch (one HTTP request), rounds until
//! nothing more can be learned. Two things cost extra requests:
//! * a user-only method answers the application token with HTTP 403, and a 403 replaces the
//!   replies of the whole batch; so methods the schema says are user-only are probed alone first,
//!   and a batch refused with 403 is split in halves until the refused calls are found;
//! * the probe refuses user credentials: Kanboard records a login (a row in `last_logins`) for
//!   every call made with them, refused or not, which would change the server.
//!
//! A 403 may also come from something in front of Kanboard (a proxy, a token without API
//! access) that refuses every request. Before the first 403 costs more requests, and while no
//! request has been answered, one call to a method no server has settles it: Kanboard answers
//! it with -32601 and never 403 (its user-only refusal comes after finding the method). A 403
//! there too ends the probe: nothing can be checked.
//!
//! The probe starts by asking the server's release (`getVersion`, which only reads a constant):
//! the schema is then taken for that release (`release.rs`). The methods the schema leaves out
//! of it are probed too, to report a server that has one.

use super::compare::compare_observed;
use super::finding::Finding;
use super::inference::{Answer, Hint, Inference, Observed, Probe};
use super::manifest::Manifest;
use super::release::{self, ForRelease, LeftOut};
use super::report::DriftReport;
use super::spec::MethodSpec;
use crate::error::{AuthFailure, Error, Result};
use crate::{KanboardClient, KanboardVersion};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;
use std::time::{Duration, Instant};

/// More rounds than any method needs (three when it matches the schema).
const MAX_ROUNDS: usize = 32;

/// A method no server has: `~` cannot be in a PHP method name.
const NO_SUCH_METHOD: &str = "~drift.probe";

/// Why every method is unchecked when every request is refused with HTTP 403.
const REFUSED_ALL: &str = "every call was refused with HTTP 403 (a proxy in front of Kanboard, or a token without API access?)";

/// What the 403s seen so far prove about the server.
#[derive(Debug, Default)]
struct Refusals {
    /// Some request was answered (HTTP 200 with replies): 403s are the server's own refusals.
    answered: bool,
    /// Every request is refused with 403, even a call to a method no server has.
    everything: bool,
}

/// What a live probe found, and what it could not look at.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ProbeReport {
    /// The differences, as for the static check (no stale declarations: a live probe cannot
    /// see everything a manifest shows).
    pub drift: DriftReport,
    /// Methods the server refused to the application token before checking their arguments:
    /// they exist and are user-only, their parameters cannot be probed.
    pub user_only: Vec<String>,
    /// Methods whose parameter count is only known to be at most this (the schema gives them no
    /// required parameter, so no probe with fewer keys is safe).
    pub bounded: Vec<(String, usize)>,
    /// Methods a manifest lists that the server does not have.
    pub manifest_only: Vec<String>,
    /// Plugins none of whose schema methods the server has: not installed there, which is not
    /// drift. Each with the number of its methods.
    pub plugins_absent: Vec<(String, usize)>,
    /// Methods whose probe stopped, with why: an answer no rejected call gives (the method may
    /// have run) or a limit reached.
    pub stopped: Vec<(String, String)>,
    /// What the probe cost: methods, calls, requests, rounds and time.
    pub stats: ProbeStats,
    /// What `getVersion` answered when it is not a release number, or why it gave nothing: the
    /// whole schema was then compared (`drift.release` is `None`).
    pub release_unknown: Option<String>,
}

/// How much the probe cost.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ProbeStats {
    /// Methods probed.
    pub methods: usize,
    /// JSON-RPC calls sent.
    pub calls: usize,
    /// HTTP requests.
    pub requests: usize,
    /// Rounds: each sends the next probe of every unfinished method in one batch.
    pub rounds: usize,
    /// Wall-clock time of the whole probe.
    pub elapsed: Duration,
    /// Calls answered with anything but a rejection (a result above all): 0 in a clean probe.
    pub unexpected: usize,
}

/// What a live probe concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Every method checked, nothing differs.
    NoDrift,
    /// The schema and the server differ (the report lists how).
    Drift,
    /// No difference found, but some methods could not be checked: no verdict either way.
    Unchecked,
}

impl Verdict {
    /// The exit code `kanboard schema drift` (and the `drift_probe` example) ends with: 0, 8
    /// or 9 (`kanboard::exit_code`).
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::NoDrift => 0,
            Verdict::Drift => crate::exit_code::DRIFT,
            Verdict::Unchecked => crate::exit_code::UNCHECKED,
        }
    }
}

impl ProbeReport {
    /// No drift and no stopped probe.
    pub fn is_clean(&self) -> bool {
        self.drift.findings.is_empty() && self.stopped.is_empty() && self.stats.unexpected == 0
    }

    /// Drift when anything differs; else no drift when every method was checked; else no verdict.
    pub fn verdict(&self) -> Verdict {
        if self.is_clean() {
            Verdict::NoDrift
        } else if self.drift.findings.is_empty() && self.drift.stale.is_empty() {
            Verdict::Unchecked
        } else {
            Verdict::Drift
        }
    }
}

impl fmt::Display for ProbeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.drift)?;
        if let Some(why) = &self.release_unknown {
            writeln!(
                f,
                "the server's release is unknown ({why}): the whole schema was compared, since/until not applied"
            )?;
        }
        let s = &self.stats;
        writeln!(
            f,
            "probed {} methods with {} calls in {} HTTP requests ({} rounds), {:.2} s",
            s.methods,
            s.calls,
            s.requests,
            s.rounds,
            s.elapsed.as_secs_f64()
        )?;
        match s.unexpected {
            0 => writeln!(f, "every call was rejected before a method could run")?,
            n => writeln!(
                f,
                "{n} call{} NOT rejected as expected: a method may have run (see below)",
                if n == 1 { " was" } else { "s were" }
            )?,
        }
        if !self.stopped.is_empty() {
            writeln!(f, "probe stopped for:")?;
            for (m, why) in &self.stopped {
                writeln!(f, "  - {m}: {why}")?;
            }
        }
        if !self.user_only.is_empty() {
            writeln!(
                f,
                "user-only, refused before the argument check (parameters not probed): {}",
                self.user_only.join(", ")
            )?;
        }
        for (m, n) in &self.bounded {
            writeln!(
                f,
                "{m}: takes at most {n} parameters (none required in the schema: not probed further)"
            )?;
        }
        for (plugin, n) in &self.plugins_absent {
            writeln!(
                f,
                "plugin `{plugin}` not installed: its {n} schema methods are absent (not drift)"
            )?;
        }
        if !self.manifest_only.is_empty() {
            writeln!(
                f,
                "in a manifest, not on the server: {}",
                self.manifest_only.join(", ")
            )?;
        }
        writeln!(
            f,
            "names of optional parameters cannot be seen without running a method: their number is checked, and those the server lacks are named when the evidence leaves no other"
        )
    }
}

/// One method to probe: from the schema, or only from a manifest.
struct Target {
    spec: MethodSpec,
    origin: Origin,
    inference: Inference,
}

/// Why a method is probed.
enum Origin {
    /// The schema has it for the server's release.
    Schema,
    /// The schema leaves it out of the server's release: the server should not have it.
    OtherRelease(LeftOut),
    /// Only a manifest has it.
    Manifest,
}

/// Probes a running server for every method of `schema`, and of `manifests` (to find methods
/// the server has and the schema lacks), running no method but `getVersion`. Needs a client
/// with the application token.
///
/// The schema is taken for the server's release (what `getVersion` answers): the methods and
/// parameters its `since` / `until` leave out are not expected there, and reported when the
/// server has them. When the answer is not a release number, the whole schema is compared and
/// [`ProbeReport::release_unknown`] says why.
///
/// ```no_run
/// # async fn example() -> kanboard::Result<()> {
/// let kb = kanboard::KanboardClient::new("http://localhost/jsonrpc.php", "token")?;
/// let report = kanboard::drift::probe(&kb, &kanboard::drift::schema(), &[]).await?;
/// println!("{report}");
/// # Ok(()) }
/// ```
pub async fn probe(
    client: &KanboardClient,
    schema: &[MethodSpec],
    manifests: &[Manifest],
) -> Result<ProbeReport> {
    if client.is_user_auth() {
        return Err(Error::Config {
            field: "auth".into(),
            message: "the drift probe needs the application token: Kanboard records a login for \
                      every call made with user credentials, even a refused one, which would change \
                      the server"
                .into(),
        });
    }
    let started = Instant::now();
    let mut stats = ProbeStats::default();
    let mut refusals = Refusals::default();
    let asked = ask_release(client, &mut stats, &mut refusals).await?;
    let for_release = ForRelease::new(schema, asked.as_ref().ok().copied());
    let mut targets: Vec<Target> = for_release
        .kept
        .iter()
        .map(|s| target(s.clone(), Origin::Schema))
        .collect();
    for l in for_release.left_out.iter().filter(|l| l.param.is_none()) {
        if let Some(s) = schema.iter().find(|s| s.name == l.method) {
            targets.push(target(s.clone(), Origin::OtherRelease(l.clone())));
        }
    }
    let mut seen: HashSet<String> = schema.iter().map(|s| s.name.clone()).collect();
    for m in manifests {
        for spec in m.specs() {
            if seen.insert(spec.name.clone()) {
                targets.push(target(spec, Origin::Manifest));
            }
        }
    }
    stats.methods = targets.len();
    if refusals.everything {
        for t in &mut targets {
            t.inference.give_up(REFUSED_ALL.into());
        }
    }
    'rounds: for round in 1..=MAX_ROUNDS + 1 {
        let mut batch: Vec<(usize, Probe)> = Vec::new();
        let mut alone: Vec<Vec<(usize, Probe)>> = Vec::new();
        for (i, t) in targets.iter_mut().enumerate() {
            let own = t.inference.wants_own_request();
            let probes = t.inference.next_probes();
            if round > MAX_ROUNDS && !probes.is_empty() {
                t.inference
                    .give_up(format!("not finished after {MAX_ROUNDS} rounds"));
                continue;
            }
            let calls = probes.into_iter().map(|p| (i, p));
            if own {
                // A method with nothing left to ask (stopped, or finished) sends nothing.
                let calls: Vec<_> = calls.collect();
                if !calls.is_empty() {
                    alone.push(calls);
                }
            } else {
                batch.extend(calls);
            }
        }
        if batch.is_empty() && alone.is_empty() {
            break;
        }
        stats.rounds = round;
        let mut answered: Vec<Vec<(Probe, Answer)>> = vec![Vec::new(); targets.len()];
        for calls in std::iter::once(batch).chain(alone) {
            let answers = send(client, &targets, &calls, &mut stats, &mut refusals).await?;
            if refusals.everything {
                for t in &mut targets {
                    t.inference.give_up(REFUSED_ALL.into());
                }
                break 'rounds;
            }
            for ((i, p), a) in calls.into_iter().zip(answers) {
                answered[i].push((p, a));
            }
        }
        for (t, answers) in targets.iter_mut().zip(answered) {
            if !answers.is_empty() {
                t.inference.absorb(&answers);
            }
        }
    }
    stats.elapsed = started.elapsed();
    let mut r = report(client, targets, schema, &for_release, stats);
    r.release_unknown = asked.err();
    Ok(r)
}

/// Asks the server's release with `getVersion`, in a request of its own (the schema's side
/// depends on it). `Err` says why there is none: an answer that is not a release number (a
/// development checkout), or a refusal. A 403 here is the first one: like any first 403 it is
/// followed by the check whether every request is refused (`refusals.everything`).
async fn ask_release(
    client: &KanboardClient,
    stats: &mut ProbeStats,
    refusals: &mut Refusals,
) -> Result<std::result::Result<KanboardVersion, String>> {
    let mut batch = client.batch();
    let slot = batch.add_unchecked("getVersion", Value::Object(Default::default()));
    stats.requests += 1;
    stats.calls += 1;
    match batch.send().await {
        Ok(mut results) => {
            refusals.answered = true;
            Ok(match results.take(slot) {
                Ok(Value::String(text)) => KanboardVersion::parse_lenient(&text)
                    .ok_or_else(|| format!("getVersion answered `{text}`, not a release number")),
                Ok(other) => Err(format!("getVersion answered {}", short(&other))),
                Err(e) => Err(format!("getVersion failed: {e}")),
            })
        }
        Err(Error::BatchRefused { source, .. })
            if matches!(
                *source,
                Error::Auth {
                    failure: AuthFailure::Forbidden,
                    ..
                }
            ) =>
        {
            if refuses_everything(client, stats).await? {
                refusals.everything = true;
            } else {
                refusals.answered = true;
            }
            Ok(Err("getVersion was refused with HTTP 403".into()))
        }
        Err(e) => Err(e),
    }
}

/// A result as JSON text, cut to 80 bytes.
fn short(result: &Value) -> String {
    let mut text = result.to_string();
    if text.len() > 80 {
        text.truncate(text.floor_char_boundary(80));
        text.push('…');
    }
    text
}

fn target(spec: MethodSpec, origin: Origin) -> Target {
    let hint = Hint {
        required: spec
            .required_names()
            .into_iter()
            .map(str::to_owned)
            .collect(),
        total: spec.params.len(),
        user_only: spec.user_only,
    };
    Target {
        spec,
        origin,
        inference: Inference::new(hint),
    }
}

/// Sends calls as one batch and reads each answer. A batch refused with 403 (a user-only method
/// with the application token) is split in halves until each refused call stands alone: the
/// calls are rejections, so sending one again changes nothing. Unless the 403 is for
/// everything (see the module docs): then `refusals.everything` is set and the answers are
/// left out.
async fn send(
    client: &KanboardClient,
    targets: &[Target],
    calls: &[(usize, Probe)],
    stats: &mut ProbeStats,
    refusals: &mut Refusals,
) -> Result<Vec<Answer>> {
    let mut answers: Vec<Option<Answer>> = vec![None; calls.len()];
    let mut pending = Vec::new();
    pending.push(0..calls.len());
    while let Some(range) = pending.pop() {
        if range.is_empty() {
            continue;
        }
        let part = &calls[range.clone()];
        let mut batch = client.batch();
        let slots: Vec<_> = part
            .iter()
            .map(|(i, p)| batch.add_unchecked(targets[*i].spec.name.as_str(), p.params()))
            .collect();
        stats.requests += 1;
        stats.calls += part.len();
        match batch.send().await {
            Ok(mut results) => {
                refusals.answered = true;
                for (answered, slot) in answers[range].iter_mut().zip(slots) {
                    let a = answer(results.take(slot));
                    stats.unexpected += usize::from(matches!(a, Answer::Other(_)));
                    *answered = Some(a);
                }
            }
            Err(Error::BatchRefused { source, .. })
                if matches!(
                    *source,
                    Error::Auth {
                        failure: AuthFailure::Forbidden,
                        ..
                    }
                ) =>
            {
                if !refusals.answered && refuses_everything(client, stats).await? {
                    refusals.everything = true;
                    return Ok(Vec::new());
                }
                refusals.answered = true;
                if range.len() == 1 {
                    answers[range.start] = Some(Answer::Forbidden);
                } else {
                    let mid = range.start + range.len() / 2;
                    pending.push(mid..range.end);
                    pending.push(range.start..mid);
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(answers
        .into_iter()
        .map(|a| a.unwrap_or_else(|| Answer::Other("no answer".into())))
        .collect())
}

/// Whether the server refuses with 403 even a call to a method it does not have, which Kanboard
/// answers with -32601 whatever the credentials' rights.
async fn refuses_everything(client: &KanboardClient, stats: &mut ProbeStats) -> Result<bool> {
    let mut batch = client.batch();
    // Any reply at all (Kanboard: -32601) shows the 403s are not for everything.
    let _ = batch.add_unchecked(NO_SUCH_METHOD, Value::Object(Default::default()));
    stats.requests += 1;
    stats.calls += 1;
    match batch.send().await {
        Ok(_) => Ok(false),
        Err(Error::BatchRefused { source, .. })
            if matches!(
                *source,
                Error::Auth {
                    failure: AuthFailure::Forbidden,
                    ..
                }
            ) =>
        {
            Ok(true)
        }
        Err(e) => Err(e),
    }
}

/// Reads one reply as a probe answer. A result means the call was not rejected.
fn answer(reply: Result<Value>) -> Answer {
    match reply {
        Ok(result) => Answer::Other(format!(
            "the server answered with a result: {}",
            short(&result)
        )),
        Err(e) if e.is_method_not_found() => Answer::NotFound,
        Err(Error::Validation {
            detail: Some(d), ..
        }) => match d.as_str() {
            "Wrong number of arguments" => Answer::WrongCount,
            "Too many arguments" => Answer::TooMany,
            d => match d.strip_prefix("Missing argument: ") {
                Some(name) => Answer::Missing(name.to_owned()),
                None => Answer::Other(format!("-32602 {d}")),
            },
        },
        Err(Error::Auth {
            failure: AuthFailure::Forbidden,
            ..
        }) => Answer::Forbidden,
        Err(e) => Answer::Other(e.to_string()),
    }
}

/// `full` is the schema given to the probe, `for_release` the same taken for the server's
/// release (when known).
fn report(
    client: &KanboardClient,
    targets: Vec<Target>,
    full: &[MethodSpec],
    for_release: &ForRelease,
    stats: ProbeStats,
) -> ProbeReport {
    let schema = &for_release.kept;
    let mut raw = Vec::new();
    let (mut user_only, mut bounded, mut manifest_only, mut stopped) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for t in targets {
        let (spec, name) = (&t.spec, t.spec.name.clone());
        let observed = t.inference.observed();
        match (&t.origin, for_release.release) {
            (Origin::Schema, _) => {}
            (Origin::OtherRelease(l), Some(v)) => {
                match observed {
                    Observed::Absent => {}
                    Observed::Stopped { reason } => stopped.push((name, reason)),
                    _ => raw.push(l.found_on(v)),
                }
                continue;
            }
            _ => {
                match observed {
                    Observed::Absent => manifest_only.push(name),
                    _ => raw.push(Finding::MethodMissingInSchema { method: name }),
                }
                continue;
            }
        }
        let exists = !matches!(
            observed,
            Observed::Absent | Observed::UserOnly | Observed::Stopped { .. }
        );
        if exists && spec.user_only {
            raw.push(Finding::UserOnly {
                method: name.clone(),
                schema: true,
            });
        }
        match observed {
            Observed::Absent => raw.push(Finding::MethodMissingOnServer { method: name }),
            Observed::UserOnly => {
                if !spec.user_only {
                    raw.push(Finding::UserOnly {
                        method: name.clone(),
                        schema: false,
                    });
                }
                user_only.push(name);
            }
            Observed::Known { required, total } => {
                raw.extend(compare_observed(spec, &required, Some(total)))
            }
            Observed::AtMost { at_most } => {
                if at_most < spec.params.len() {
                    raw.push(Finding::FewerParams {
                        method: name,
                        schema: spec.params.len(),
                        server_at_most: at_most,
                    });
                } else {
                    bounded.push((name, at_most));
                }
            }
            Observed::Stopped { reason } => stopped.push((name, reason)),
        }
    }
    let plugins_absent = absent_plugins(schema, &mut raw);
    let mut raw: Vec<Finding> = raw.into_iter().map(|f| for_release.attribute(f)).collect();
    release::in_schema_order(&mut raw, full);
    let mut drift = DriftReport::settle(
        format!(
            "{} vs the server at {}",
            for_release.label(),
            shown_url(client.url())
        ),
        schema,
        raw,
        false,
    );
    drift.release = for_release.release;
    drift.left_out = for_release.left_out.clone();
    drift.unchecked = stopped
        .iter()
        .filter(|(m, _)| schema.iter().any(|s| &s.name == m))
        .count();
    ProbeReport {
        drift,
        user_only,
        bounded,
        manifest_only,
        plugins_absent,
        stopped,
        stats,
        release_unknown: None,
    }
}

/// Takes out of `raw` the "missing on the server" findings of plugins the server lacks
/// entirely (every one of their schema methods missing), and names those plugins instead.
fn absent_plugins(schema: &[MethodSpec], raw: &mut Vec<Finding>) -> Vec<(String, usize)> {
    let missing: HashSet<&str> = raw
        .iter()
        .filter_map(|f| match f {
            Finding::MethodMissingOnServer { method } => Some(method.as_str()),
            _ => None,
        })
        .collect();
    let mut plugins: Vec<(String, usize)> = Vec::new();
    for spec in schema {
        let Some(p) = &spec.plugin else { continue };
        if plugins.iter().any(|(name, _)| name == p) {
            continue;
        }
        let methods: Vec<&MethodSpec> = schema
            .iter()
            .filter(|s| s.plugin.as_ref() == Some(p))
            .collect();
        if methods.iter().all(|m| missing.contains(m.name.as_str())) {
            plugins.push((p.clone(), methods.len()));
        }
    }
    raw.retain(|f| match f {
        Finding::MethodMissingOnServer { method } => !schema.iter().any(|s| {
            &s.name == method
                && s.plugin
                    .as_ref()
                    .is_some_and(|p| plugins.iter().any(|(n, _)| n == p))
        }),
        _ => true,
    });
    plugins
}

/// The endpoint without any credentials written into it.
fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "(unparsable URL)".into(),
    }
}
