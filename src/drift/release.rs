//! The schema as one Kanboard release has it. The schema describes a range of releases and
//! gives the methods and parameters added (or removed) inside it a `since` / `until`: a server
//! of an older release lacking them is not drift, while a server that has one its release
//! should not have is (the `since` / `until` is wrong).

use super::finding::Finding;
use super::spec::MethodSpec;
use crate::{Availability, KanboardVersion};
use std::fmt;

/// A method, or a parameter of one, that the schema's `since` / `until` leave out of a release:
/// a server of that release is expected not to have it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeftOut {
    /// The JSON-RPC method name.
    pub method: String,
    /// The parameter's wire name; `None` for the whole method.
    pub param: Option<String>,
    /// The releases the schema gives it.
    pub available: Availability,
}

impl fmt::Display for LeftOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.param {
            Some(p) => write!(f, "{} `{p}`", self.method),
            None => f.write_str(&self.method),
        }
    }
}

impl LeftOut {
    /// The finding for a server that has it anyway.
    pub(crate) fn found_on(&self, release: KanboardVersion) -> Finding {
        Finding::NotInRelease {
            method: self.method.clone(),
            param: self.param.clone(),
            available: self.available,
            release,
        }
    }
}

/// The schema taken for one release: the methods it has, without the parameters it lacks,
/// and what is left out, in schema order. With the release unknown, the whole schema.
pub(crate) struct ForRelease {
    pub release: Option<KanboardVersion>,
    pub kept: Vec<MethodSpec>,
    pub left_out: Vec<LeftOut>,
}

impl ForRelease {
    pub(crate) fn new(schema: &[MethodSpec], release: Option<KanboardVersion>) -> Self {
        let Some(v) = release else {
            return ForRelease {
                release,
                kept: schema.to_vec(),
                left_out: Vec::new(),
            };
        };
        let mut kept = Vec::new();
        let mut left_out = Vec::new();
        for s in schema {
            match s.in_release(v) {
                None => left_out.push(LeftOut {
                    method: s.name.clone(),
                    param: None,
                    available: s.available,
                }),
                Some(k) => {
                    left_out.extend(s.params.iter().filter(|p| !p.available.includes(v)).map(
                        |p| LeftOut {
                            method: s.name.clone(),
                            param: Some(p.name.clone()),
                            available: p.available,
                        },
                    ));
                    kept.push(k);
                }
            }
        }
        ForRelease {
            release,
            kept,
            left_out,
        }
    }

    /// Takes out of a server's method list what the schema leaves out of the release and the
    /// server has anyway, each as a [`Finding::NotInRelease`]; the rest is compared as usual,
    /// so such a parameter is never paired with a renamed one.
    pub(crate) fn take_out(&self, server: &mut Vec<MethodSpec>) -> Vec<Finding> {
        let Some(v) = self.release else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for l in &self.left_out {
            let Some(i) = server.iter().position(|m| m.name == l.method) else {
                continue;
            };
            let there = match &l.param {
                None => {
                    server.remove(i);
                    true
                }
                Some(p) => {
                    let before = server[i].params.len();
                    server[i].params.retain(|x| &x.name != p);
                    server[i].params.len() < before
                }
            };
            if there {
                found.push(l.found_on(v));
            }
        }
        found
    }

    /// A probe's finding about a parameter the server has and the schema lacks, when the
    /// schema leaves that parameter out of the server's release: its `since` / `until` is
    /// wrong.
    pub(crate) fn attribute(&self, f: Finding) -> Finding {
        let Some(v) = self.release else { return f };
        let hit = match &f {
            Finding::ParamMissingInSchema { method, param, .. } => self
                .left_out
                .iter()
                .find(|l| &l.method == method && l.param.as_ref() == Some(param)),
            _ => None,
        };
        hit.map_or(f, |l| l.found_on(v))
    }

    /// The words a report's title gives the schema side: `schema for Kanboard 1.2.36
    /// (since/until applied)`, with the range the schema describes when the release is outside
    /// it; `schema` when the release is unknown.
    pub(crate) fn label(&self) -> String {
        let Some(v) = self.release else {
            return "schema".into();
        };
        match crate::api::descriptors::RELEASES {
            Some((oldest, newest)) if v < oldest || v > newest => format!(
                "schema for Kanboard {v} (since/until applied; the schema describes {oldest} to {newest})"
            ),
            _ => format!("schema for Kanboard {v} (since/until applied)"),
        }
    }
}

/// Orders findings as the schema lists their methods (`scope`, before the release was
/// applied); findings about methods it lacks stay last, in their order.
pub(crate) fn in_schema_order(findings: &mut [Finding], scope: &[MethodSpec]) {
    findings.sort_by_key(|f| {
        scope
            .iter()
            .position(|s| s.name == f.method())
            .unwrap_or(usize::MAX)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::compare::compare_specs;

    fn v(patch: u16) -> KanboardVersion {
        KanboardVersion::new(1, 2, patch)
    }

    fn later(patch: u16) -> Availability {
        Availability::new(Some(v(patch)), None)
    }

    #[test]
    fn a_release_keeps_what_it_has_and_lists_the_rest() {
        let schema = vec![
            MethodSpec::new("m")
                .param("a", true)
                .param_in("b", false, later(45)),
            MethodSpec {
                available: later(40),
                ..MethodSpec::new("n")
            },
        ];
        let old = ForRelease::new(&schema, Some(v(36)));
        assert_eq!(old.kept, [MethodSpec::new("m").param("a", true)]);
        let shown: Vec<String> = old.left_out.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["m `b`", "n"]);
        assert_eq!(ForRelease::new(&schema, Some(v(45))).kept, schema);
        assert_eq!(ForRelease::new(&schema, None).kept, schema);
        assert_eq!(
            old.label(),
            "schema for Kanboard 1.2.36 (since/until applied)"
        );
    }

    /// A server parameter the schema gives to later releases is taken out before the rest is
    /// compared: it is reported as such, and the renamed parameter after it as renamed.
    #[test]
    fn what_the_release_should_lack_is_never_paired_with_a_rename() {
        let schema = vec![
            MethodSpec::new("m")
                .param("a", true)
                .param_in("b", false, later(45))
                .param("x", false),
        ];
        let mut server = vec![
            MethodSpec::new("m")
                .param("a", true)
                .param("b", false)
                .param("y", false),
        ];
        let old = ForRelease::new(&schema, Some(v(36)));
        let mut found = old.take_out(&mut server);
        found.extend(compare_specs(&old.kept, &server));
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "m: parameter `b` on the server (Kanboard 1.2.36), the schema says 1.2.45 and later: its `since`/`until` is wrong",
                "m: parameter 2 is `x` in the schema, `y` on the server",
            ]
        );
    }
}
