//! What each probe answer proves about a method on the server, and which probe may be sent
//! next. No I/O: the probe driver sends what [`Inference::next_probes`] asks for and hands the
//! answers back to [`Inference::absorb`].
//!
//! # How Kanboard binds parameters (libs/jsonrpc `ProcedureHandler`)
//!
//! For a registered method, before its body runs, the server does, in this order:
//! 1. for methods of procedure objects, `beforeProcedure`: with the application token it refuses
//!    the user-only methods (HTTP 403, for the whole batch) and does nothing else;
//! 2. `count(params) < required` → -32602 "Wrong number of arguments";
//! 3. `count(params) > declared` → -32602 "Too many arguments";
//! 4. positional params (keys 0, 1, 2…) are passed as they are; named params are bound by
//!    walking the declared parameters in order: present → its value, absent with a default →
//!    the default, absent without one → -32602 "Missing argument: NAME".
//!
//! An unknown method is -32601 before any of this.
//!
//! # Why a probe never runs a method
//!
//! Every probe sends named params (an object), so step 4 binds by name. Its keys are real
//! parameter names taken from the schema or from the server's own answers, plus filler keys
//! `~0`, `~1`… that no PHP parameter can be called (`~` is not allowed in a PHP variable name, and
//! the keys are not integers, so the object is never read as positional). A probe reaches the
//! method's body only if its key count is within the method's range and every required parameter
//! is among its keys. So:
//!
//! * A probe made only of filler keys supplies no required parameter: it is rejected whenever the
//!   method requires at least one parameter, or when it has more keys than the method declares.
//! * Once an answer has shown that the method requires at least one parameter ("Wrong number of
//!   arguments" or "Missing argument"), every filler-only probe is rejected.
//! * A probe carrying real names is sent only when the exact number of required parameters `r`
//!   is known (answers on both sides of the boundary) and carries at most `r - 1` names, so at
//!   least one required parameter is absent.
//!
//! What remains is the first filler-only probes of a method, sent before any answer about it. They
//! have `total + 1` and `total` keys, and, if both were too many, `required` keys, where `total`
//! and `required` are what the schema says. They can reach the body only if the server's
//! method requires no parameter at all while accepting that many: while the schema requires `k >= 1`
//! parameters, the server's method must accept `k` or more and require none; while the schema
//! lists no required parameter, it must accept more than the schema lists. Kanboard 1.2.53 has no
//! method that takes parameters without requiring one, nor has the Portfolio plugin 1.17.0.
//!
//! # What the answers prove
//!
//! With `n` filler keys: "Wrong number" means `required > n`; "Too many" means `required <= n`
//! and `declared < n`; "Missing argument: x" means `required >= 1`, `required <= n <= declared`,
//! and `x` is the first required parameter. Probing around the schema's counts pins both
//! numbers. Then probes carrying the first `j` required names (proven ones, then the schema's next
//! guesses) answer with the required parameter after them, which proves the names in order;
//! a wrong guess only costs a round. Optional parameters' names never show: the server binds
//! their defaults silently. Their number does.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Probes never ask for more parameters than this; no Kanboard method comes near it.
pub(crate) const MAX_PARAMS: usize = 64;

/// A filler key: never a PHP parameter name, never an integer.
fn filler(i: usize) -> String {
    format!("~{i}")
}

/// A PHP variable name, the only thing a parameter can be called. Names that are not (from a
/// broken manifest) are never sent, so they cannot collide with a filler key.
pub(crate) fn is_php_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic() || !c.is_ascii())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric() || !c.is_ascii())
}

/// One probe: some real parameter names, padded with filler keys to `count` keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Probe {
    pub names: Vec<String>,
    pub count: usize,
}

impl Probe {
    fn filler_only(count: usize) -> Self {
        Probe {
            names: Vec::new(),
            count,
        }
    }

    /// The JSON-RPC `params` object: each name with `null`, then the filler keys.
    pub fn params(&self) -> Value {
        let mut m = Map::with_capacity(self.count);
        for n in &self.names {
            m.insert(n.clone(), Value::Null);
        }
        let mut i = 0;
        while m.len() < self.count {
            m.insert(filler(i), Value::Null);
            i += 1;
        }
        Value::Object(m)
    }
}

/// How the server answered one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// -32601.
    NotFound,
    /// HTTP 403 before the argument check: a user-only method and the application token.
    Forbidden,
    /// -32602 "Wrong number of arguments".
    WrongCount,
    /// -32602 "Too many arguments".
    TooMany,
    /// -32602 "Missing argument: x".
    Missing(String),
    /// Anything else, a result above all: the method may have run.
    Other(String),
}

/// What the schema (or a manifest) says about the method: the starting guesses.
#[derive(Debug, Clone)]
pub(crate) struct Hint {
    pub required: Vec<String>,
    pub total: usize,
    pub user_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountAnswer {
    Wrong,
    Missing,
    TooMany,
}

/// What the probe of one method established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Observed {
    /// -32601: the server has no such method.
    Absent,
    /// Refused before the argument check: exists, user-only; its parameters cannot be probed with
    /// the application token.
    UserOnly,
    /// The method exists; its required parameters in order and its parameter count.
    Known { required: Vec<String>, total: usize },
    /// The method exists and takes at most `at_most` parameters; nothing more is provable
    /// without risking a run (see the module docs).
    AtMost { at_most: usize },
    /// The probe stopped: an unexpected answer, or a limit reached.
    Stopped { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existence {
    Unknown,
    Absent,
    Present,
    UserOnly,
}

/// The knowledge about one method, round after round.
#[derive(Debug, Clone)]
pub(crate) struct Inference {
    hint: Hint,
    existence: Existence,
    /// Answers to filler-only probes, by key count.
    counts: BTreeMap<usize, CountAnswer>,
    /// Required parameter names proven so far, in order.
    names: Vec<String>,
    /// Name probes of the round in flight, with the proven prefix length they started from.
    naming: Option<(usize, Vec<Probe>)>,
    stopped: Option<String>,
}

impl Inference {
    pub fn new(hint: Hint) -> Self {
        Inference {
            hint,
            existence: Existence::Unknown,
            counts: BTreeMap::new(),
            names: Vec::new(),
            naming: None,
            stopped: None,
        }
    }

    /// Whether the method is to be probed alone: its schema says user-only, and a 403 for it
    /// would replace the replies of a whole batch.
    pub fn wants_own_request(&self) -> bool {
        self.existence == Existence::Unknown && self.hint.user_only
    }

    fn req_proven(&self) -> bool {
        self.counts
            .values()
            .any(|a| matches!(a, CountAnswer::Wrong | CountAnswer::Missing))
    }

    fn req_lo(&self) -> usize {
        self.counts
            .iter()
            .map(|(&n, a)| match a {
                CountAnswer::Wrong => n + 1,
                CountAnswer::Missing => 1,
                CountAnswer::TooMany => 0,
            })
            .max()
            .unwrap_or(0)
    }

    fn req_hi(&self) -> Option<usize> {
        self.counts
            .iter()
            .filter(|(_, a)| **a != CountAnswer::Wrong)
            .map(|(&n, _)| n)
            .min()
    }

    fn max_lo(&self) -> usize {
        let missing = self
            .counts
            .iter()
            .filter(|(_, a)| **a == CountAnswer::Missing)
            .map(|(&n, _)| n)
            .max()
            .unwrap_or(0);
        missing.max(self.req_lo())
    }

    fn max_hi(&self) -> Option<usize> {
        self.counts
            .iter()
            .filter(|(_, a)| **a == CountAnswer::TooMany)
            .map(|(&n, _)| n - 1)
            .min()
    }

    /// The exact number of required parameters, once proven.
    fn required(&self) -> Option<usize> {
        if self.max_hi() == Some(0) {
            return Some(0);
        }
        (self.req_proven() && self.req_hi() == Some(self.req_lo())).then(|| self.req_lo())
    }

    /// The exact number of parameters, once proven.
    fn total(&self) -> Option<usize> {
        let hi = self.max_hi()?;
        (hi == 0 || self.req_proven() && hi == self.max_lo()).then_some(hi)
    }

    /// Ends the probe of this method (a round limit was reached).
    pub fn give_up(&mut self, reason: String) {
        self.stop(reason);
    }

    fn stop(&mut self, reason: String) {
        if self.stopped.is_none() {
            self.stopped = Some(reason);
        }
    }

    /// The probes for the next round; empty when nothing more can be learned safely.
    pub fn next_probes(&mut self) -> Vec<Probe> {
        self.naming = None;
        if self.stopped.is_some()
            || matches!(self.existence, Existence::Absent | Existence::UserOnly)
        {
            return Vec::new();
        }
        let (req_h, total_h) = (self.hint.required.len(), self.hint.total);
        if self.existence == Existence::Unknown {
            let mut first = vec![Probe::filler_only(total_h + 1)];
            if req_h >= 1 && !self.hint.user_only {
                first.push(Probe::filler_only(total_h));
            }
            return first;
        }
        if self.max_hi() == Some(0) {
            return Vec::new();
        }
        if !self.req_proven() {
            // Only "too many" so far. The next witness is the schema's total, then its required
            // count; never fewer keys than the schema requires (see the module docs).
            let m = self.max_hi().unwrap_or(MAX_PARAMS);
            let witness = [total_h, req_h]
                .into_iter()
                .find(|&c| req_h >= 1 && c >= 1 && c <= m && !self.counts.contains_key(&c));
            return witness.map(Probe::filler_only).into_iter().collect();
        }
        let mut probes = Vec::new();
        if let Some(req) = self.required()
            && self.names.len() < req
        {
            probes.extend(self.name_probes(req));
        }
        let mut counts: Vec<usize> = Vec::new();
        if self.required().is_none() {
            let lo = self.req_lo();
            let hi = self.req_hi().unwrap_or(MAX_PARAMS + 1);
            counts.extend(self.guided_or_all(
                [req_h.saturating_sub(1), req_h],
                lo.max(1)..hi.min(MAX_PARAMS + 1),
            ));
        }
        if self.total().is_none() {
            let lo = self.max_lo() + 1;
            let hi = self.max_hi().map_or(MAX_PARAMS + 1, |h| h + 1);
            counts.extend(self.guided_or_all([total_h, total_h + 1], lo..hi.min(MAX_PARAMS + 2)));
        }
        counts.sort_unstable();
        counts.dedup();
        probes.extend(counts.into_iter().map(Probe::filler_only));
        if probes.is_empty() && (self.required().is_none() || self.total().is_none()) {
            self.stop(format!(
                "its parameter count could not be pinned within {MAX_PARAMS} parameters"
            ));
        }
        probes
    }

    /// The schema's boundary counts when they still tell something, else every count left.
    fn guided_or_all(&self, guided: [usize; 2], range: std::ops::Range<usize>) -> Vec<usize> {
        let open: Vec<usize> = guided
            .into_iter()
            .filter(|n| range.contains(n) && !self.counts.contains_key(n))
            .collect();
        if !open.is_empty() {
            return open;
        }
        range.filter(|n| !self.counts.contains_key(n)).collect()
    }

    /// Probes with the proven names, then the schema's next guesses, `req` keys each and never
    /// more than `req - 1` names.
    fn name_probes(&mut self, req: usize) -> Vec<Probe> {
        let k = self.names.len();
        let mut probes = Vec::new();
        let mut names = self.names.clone();
        for t in 0..req - k {
            if t > 0 {
                match self.hint.required.get(k + t - 1) {
                    Some(g) if is_php_name(g) && !names.contains(g) => names.push(g.clone()),
                    _ => break,
                }
            }
            probes.push(Probe {
                names: names.clone(),
                count: req,
            });
        }
        self.naming = Some((k, probes.clone()));
        probes
    }

    /// Takes the answers to this round's probes.
    pub fn absorb(&mut self, answers: &[(Probe, Answer)]) {
        for (probe, answer) in answers {
            if self.stopped.is_some() {
                return;
            }
            match answer {
                Answer::NotFound | Answer::Forbidden => {
                    let to = if *answer == Answer::NotFound {
                        Existence::Absent
                    } else {
                        Existence::UserOnly
                    };
                    if self.existence == Existence::Unknown || self.existence == to {
                        self.existence = to;
                    } else {
                        self.stop(format!(
                            "the server answered {answer:?} after other answers"
                        ));
                    }
                    continue;
                }
                Answer::Other(what) => {
                    self.stop(format!(
                        "unexpected answer to a probe with {} keys: {what}",
                        probe.count
                    ));
                    continue;
                }
                _ => {}
            }
            if matches!(self.existence, Existence::Absent | Existence::UserOnly) {
                self.stop(format!("the server answered {answer:?} after -32601/403"));
                continue;
            }
            self.existence = Existence::Present;
            if probe.names.is_empty() {
                self.absorb_count(probe.count, answer);
            }
        }
        if let Some((k, probes)) = self.naming.take() {
            self.absorb_names(k, &probes, answers);
        }
        self.check_consistent();
    }

    fn absorb_count(&mut self, n: usize, answer: &Answer) {
        let a = match answer {
            Answer::WrongCount => CountAnswer::Wrong,
            Answer::TooMany => CountAnswer::TooMany,
            Answer::Missing(x) => {
                if !is_php_name(x) {
                    return self.stop(format!("implausible answer `Missing argument: {x}`"));
                }
                match self.names.first() {
                    None => self.names.push(x.clone()),
                    Some(first) if first == x => {}
                    Some(first) => {
                        return self.stop(format!(
                            "the first required parameter was reported as `{first}` and as `{x}`"
                        ));
                    }
                }
                CountAnswer::Missing
            }
            _ => return,
        };
        if self.counts.insert(n, a).is_some_and(|old| old != a) {
            self.stop(format!("two different answers for {n} keys"));
        }
    }

    /// Name probe `t` carried the proven names and `t` guesses; its answer is the next required
    /// name only while every earlier guess turned out right.
    fn absorb_names(&mut self, k: usize, probes: &[Probe], answers: &[(Probe, Answer)]) {
        for (t, probe) in probes.iter().enumerate() {
            let Some((_, answer)) = answers.iter().find(|(p, _)| p == probe) else {
                return self.stop("a name probe got no answer".into());
            };
            let Answer::Missing(x) = answer else {
                return self.stop(format!(
                    "a probe with {} of the required names got {answer:?}",
                    probe.names.len()
                ));
            };
            if self.names.len() != k + t {
                return;
            }
            if !is_php_name(x) || self.names.contains(x) {
                return self.stop(format!("implausible answer `Missing argument: {x}`"));
            }
            self.names.push(x.clone());
            if self.hint.required.get(k + t) != Some(x) {
                return;
            }
        }
    }

    fn check_consistent(&mut self) {
        let (req_lo, max_lo) = (self.req_lo(), self.max_lo());
        let bad = self.req_hi().is_some_and(|h| h < req_lo)
            || self.max_hi().is_some_and(|h| h < max_lo)
            || self.required().is_some_and(|r| self.names.len() > r);
        if bad {
            self.stop(format!("contradictory answers: {:?}", self.counts));
        }
    }

    /// What the probe established.
    pub fn observed(&self) -> Observed {
        if let Some(reason) = &self.stopped {
            return Observed::Stopped {
                reason: reason.clone(),
            };
        }
        match self.existence {
            Existence::Absent => return Observed::Absent,
            Existence::UserOnly => return Observed::UserOnly,
            Existence::Unknown => {
                return Observed::Stopped {
                    reason: "never answered".into(),
                };
            }
            Existence::Present => {}
        }
        match (self.required(), self.total()) {
            (Some(r), Some(total)) if self.names.len() == r => Observed::Known {
                required: self.names.clone(),
                total,
            },
            _ if !self.req_proven() && self.max_hi().is_some() => Observed::AtMost {
                at_most: self.max_hi().unwrap_or(0),
            },
            _ => Observed::Stopped {
                reason: "the probe did not finish".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests;
