//! A drift report: the differences found, the declared ones apart, and declarations that no
//! longer match anything.

use super::finding::Finding;
use super::release::LeftOut;
use super::spec::{DeviationSpec, MethodSpec};
use crate::KanboardVersion;
use std::fmt;

/// The outcome of a comparison. `Display` gives the readable report.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DriftReport {
    /// What was compared with what.
    pub title: String,
    /// Schema methods compared.
    pub schema_methods: usize,
    /// Methods the other side lists, when known.
    pub server_methods: Option<usize>,
    /// Differences the schema does not declare: drift.
    pub findings: Vec<Finding>,
    /// Differences the schema declares on purpose, with the reasons given.
    pub declared: Vec<DeclaredFinding>,
    /// Declared differences not found (only a full comparison, against a manifest, says so).
    pub stale: Vec<StaleDeviation>,
    /// Schema methods the comparison could not decide (a probe's answers proved nothing about
    /// them): no drift found is then not "no drift".
    pub unchecked: usize,
    /// The Kanboard release the schema was taken for (its `since` / `until` applied); `None`
    /// when the other side's release is unknown: then the whole schema is compared.
    pub release: Option<KanboardVersion>,
    /// What the schema leaves out of that release, in schema order: not expected, not drift.
    pub left_out: Vec<LeftOut>,
}

/// A difference the schema declares, with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredFinding {
    /// The difference found.
    pub finding: Finding,
    /// The reasons of the `drift:` declarations that cover it (one or more).
    pub reasons: Vec<String>,
}

/// A `drift:` declaration of the schema that matches no difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleDeviation {
    /// The JSON-RPC method it is declared on.
    pub method: String,
    /// The declaration, to update or remove from the schema.
    pub deviation: DeviationSpec,
}

impl DriftReport {
    /// Sorts raw findings into drift and declared differences; with `check_stale`, also lists the
    /// declarations of `scope` that no finding uses.
    pub(crate) fn settle(
        title: String,
        scope: &[MethodSpec],
        raw: Vec<Finding>,
        check_stale: bool,
    ) -> Self {
        let mut findings = Vec::new();
        let mut declared = Vec::new();
        let mut used: Vec<(&str, &DeviationSpec)> = Vec::new();
        for f in raw {
            let spec = scope.iter().find(|s| s.name == f.method());
            let by = spec.map(|s| f.declared_by(s)).unwrap_or_default();
            if by.is_empty() {
                findings.push(f);
            } else {
                let method = spec.map(|s| s.name.as_str()).unwrap_or_default();
                used.extend(by.iter().map(|d| (method, *d)));
                declared.push(DeclaredFinding {
                    reasons: by.iter().map(|d| d.reason.clone()).collect(),
                    finding: f,
                });
            }
        }
        let stale = if check_stale {
            scope
                .iter()
                .flat_map(|s| s.deviations.iter().map(move |d| (s.name.as_str(), d)))
                .filter(|(m, d)| !used.iter().any(|(um, ud)| um == m && std::ptr::eq(*ud, *d)))
                .map(|(m, d)| StaleDeviation {
                    method: m.to_owned(),
                    deviation: d.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        DriftReport {
            title,
            schema_methods: scope.len(),
            server_methods: None,
            findings,
            declared,
            stale,
            unchecked: 0,
            release: None,
            left_out: Vec::new(),
        }
    }

    /// No undeclared difference, no stale declaration, and every method checked.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.stale.is_empty() && self.unchecked == 0
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} schema methods", self.title, self.schema_methods)?;
        if let Some(n) = self.server_methods {
            write!(f, ", {n} on the other side")?;
        }
        writeln!(f)?;
        if self.findings.is_empty() {
            match self.unchecked {
                0 => writeln!(f, "no drift")?,
                n if n >= self.schema_methods => writeln!(
                    f,
                    "COULD NOT CHECK: none of the {n} methods could be checked (why below): no verdict"
                )?,
                n => writeln!(
                    f,
                    "COULD NOT CHECK {n} of {} methods (why below); no drift in the {} checked",
                    self.schema_methods,
                    self.schema_methods - n
                )?,
            }
        } else {
            let n = self.findings.len();
            writeln!(f, "{n} difference{}:", if n == 1 { "" } else { "s" })?;
            for x in &self.findings {
                writeln!(f, "  - {x}")?;
            }
        }
        if !self.declared.is_empty() {
            writeln!(f, "declared in the schema (accepted):")?;
            for d in &self.declared {
                writeln!(f, "  - {}: {}", d.finding, d.reasons.join("; "))?;
            }
        }
        if !self.stale.is_empty() {
            writeln!(
                f,
                "declared in the schema but not found (remove the declaration):"
            )?;
            for s in &self.stale {
                let d = &s.deviation;
                writeln!(
                    f,
                    "  - {}{}: kind `{}` ({})",
                    s.method,
                    d.param
                        .as_deref()
                        .map(|p| format!(" `{p}`"))
                        .unwrap_or_default(),
                    d.kind.spelling(),
                    d.reason
                )?;
            }
        }
        if let (Some(v), false) = (self.release, self.left_out.is_empty()) {
            writeln!(
                f,
                "not in Kanboard {v} by the schema's since/until (not expected): {}",
                left_out_list(&self.left_out)
            )?;
        }
        Ok(())
    }
}

/// `createProject `a`, `b`; getThing; updateProject `a``: one entry per method.
fn left_out_list(left_out: &[LeftOut]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut last: Option<&str> = None;
    for l in left_out {
        match (&l.param, last == Some(l.method.as_str())) {
            (Some(p), true) => {
                if let Some(s) = parts.last_mut() {
                    s.push_str(&format!(", `{p}`"));
                }
            }
            _ => parts.push(l.to_string()),
        }
        last = Some(l.method.as_str());
    }
    parts.join("; ")
}
