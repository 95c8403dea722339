//! Drift declarations: the checks on a method's declared, deliberate differences from the server.

use super::{Drift, DriftKind, at, diag};
use crate::Diagnostic;
use serde_saphyr::Spanned;
use std::collections::BTreeSet;

/// Checks a method's declared differences from the server: a known kind, a `param` exactly when
/// the kind is about one, naming a schema parameter (or, for `omitted`, a server parameter the
/// schema does not have), a reason, and no difference declared twice.
pub(super) fn check_drift(
    method: &str,
    defs: &[Spanned<crate::schema::DriftDef>],
    wires: &BTreeSet<String>,
) -> Result<Vec<Drift>, Diagnostic> {
    let mut out: Vec<Drift> = Vec::new();
    for d in defs {
        let def = &d.value;
        let kind = DriftKind::parse(&def.kind.value).ok_or_else(|| {
            let kinds: Vec<&str> = DriftKind::ALL.iter().map(|(n, _)| *n).collect();
            diag(
                at(&def.kind),
                format!(
                    "`kind: {}`: use one of {}",
                    def.kind.value,
                    kinds.join(", ")
                ),
            )
        })?;
        let spelling = kind.spelling();
        let param = match (&def.param, kind.about_param()) {
            (None, true) => {
                return Err(diag(
                    at(d),
                    format!("`kind: {spelling}` is about one parameter: say which with `param:`"),
                ));
            }
            (Some(p), false) => {
                return Err(diag(
                    at(p),
                    format!("`kind: {spelling}` is about the whole method: remove `param`"),
                ));
            }
            (None, false) => None,
            (Some(p), true) => {
                let known = wires.contains(&p.value);
                if kind == DriftKind::ParamOmitted && known {
                    return Err(diag(
                        at(p),
                        format!(
                            "`{}` is a parameter of `{method}`; `omitted` is for a server parameter the schema leaves out",
                            p.value
                        ),
                    ));
                }
                if kind != DriftKind::ParamOmitted && !known {
                    return Err(diag(
                        at(p),
                        format!(
                            "`{method}` has no parameter sent as `{}` (name it by its wire name)",
                            p.value
                        ),
                    ));
                }
                Some(p.value.clone())
            }
        };
        if def.reason.value.trim().is_empty() {
            return Err(diag(
                at(&def.reason),
                "say why the schema differs from the server",
            ));
        }
        if out.iter().any(|o| o.kind == kind && o.param == param) {
            return Err(diag(
                at(d),
                format!("this `kind: {spelling}` difference of `{method}` is declared twice"),
            ));
        }
        out.push(Drift {
            param,
            kind,
            reason: def.reason.value.clone(),
        });
    }
    Ok(out)
}
