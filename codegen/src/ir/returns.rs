//! Return conventions: the outcome rules for `false`, `null`, `0` and empty under each return
//! kind, and the check of a method's `returns`.

use super::types::{Names, parse_ty};
use super::{Kind, Outcome, Returns, Ty, at, diag};
use crate::Diagnostic;
use serde_saphyr::Spanned;

fn outcome(
    given: &Option<Spanned<String>>,
    default: Outcome,
    allowed: &[Outcome],
    what: &str,
    kind: &str,
) -> Result<Outcome, Diagnostic> {
    let Some(s) = given else { return Ok(default) };
    let o = match s.value.as_str() {
        "value" => Outcome::Value,
        "empty" => Outcome::Empty,
        "not_found" => Outcome::NotFound,
        "rejected" => Outcome::Rejected,
        other => {
            return Err(diag(
                at(s),
                format!(
                    "`{what}: {other}` is not an outcome: use value, empty, not_found or rejected"
                ),
            ));
        }
    };
    if !allowed.contains(&o) {
        let names: Vec<&str> = allowed
            .iter()
            .map(|o| match o {
                Outcome::Value => "value",
                Outcome::Empty => "empty",
                Outcome::NotFound => "not_found",
                Outcome::Rejected => "rejected",
            })
            .collect();
        return Err(diag(
            at(s),
            format!(
                "`{what}: {}` does not fit a `{kind}` return; allowed: {}",
                s.value,
                names.join(", ")
            ),
        ));
    }
    Ok(o)
}

/// For one sentinel: its default outcome and the outcomes allowed.
type Rule = (Outcome, &'static [Outcome]);

/// The rule for `false`, `null`, `0` and empty (in that order) under each return kind; the
/// README's table of conventions and `crate::descriptor::ReturnKind`'s docs say the same.
fn rules(kind: Kind) -> [Rule; 4] {
    use Outcome::*;
    match kind {
        Kind::NewId => [
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
        ],
        Kind::Model => [
            (NotFound, &[NotFound, Rejected]),
            (NotFound, &[NotFound, Rejected]),
            (NotFound, &[NotFound, Rejected]),
            (NotFound, &[NotFound, Rejected, Value]),
        ],
        Kind::List | Kind::Map => [
            (Empty, &[Empty, Rejected, NotFound]),
            (Empty, &[Empty, Rejected, NotFound]),
            (Empty, &[Empty, Rejected]),
            (Empty, &[Empty]),
        ],
        Kind::Success => [
            (Rejected, &[Rejected, NotFound]),
            (Rejected, &[Rejected, NotFound]),
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
        ],
        Kind::Value => [
            (Value, &[Value, Empty, NotFound, Rejected]),
            (Empty, &[Value, Empty, NotFound, Rejected]),
            (Value, &[Value, Empty, NotFound, Rejected]),
            (Value, &[Value, Empty, NotFound, Rejected]),
        ],
    }
}

impl Kind {
    /// What `false`, `null`, `0` and empty give when the schema does not say otherwise.
    pub fn default_outcomes(self) -> [Outcome; 4] {
        rules(self).map(|(default, _)| default)
    }
}

pub(super) fn check_returns(
    r: &Spanned<crate::schema::ReturnsDef>,
    names: &Names,
) -> Result<Returns, Diagnostic> {
    let rd = &r.value;
    let kind_s = rd.kind.value.as_str();
    let kind = match kind_s {
        "new_id" => Kind::NewId,
        "model" => Kind::Model,
        "list" => Kind::List,
        "map" => Kind::Map,
        "success" => Kind::Success,
        "value" => Kind::Value,
        other => {
            return Err(diag(
                at(&rd.kind),
                format!(
                    "unknown return kind `{other}`: use new_id, model, list, map, success or value"
                ),
            ));
        }
    };
    let ty = match (&rd.ty, kind) {
        (None, Kind::NewId) => Ty::Int,
        (None, Kind::Success) => Ty::Bool,
        // A new id may say whose id it is.
        (Some(t), Kind::NewId) => match parse_ty(&t.value, names) {
            Ok(ty @ Ty::Id(_)) => ty,
            _ => {
                return Err(diag(
                    at(t),
                    "a `new_id` return's `type` is an id type declared under `ids:`, or left out for a plain integer",
                ));
            }
        },
        (Some(t), Kind::Success) => {
            return Err(diag(
                at(t),
                format!("a `{kind_s}` return has no `type`; remove it"),
            ));
        }
        (None, _) => {
            return Err(diag(
                at(&rd.kind),
                format!("a `{kind_s}` return needs a `type`"),
            ));
        }
        (Some(t), _) => {
            let ty = parse_ty(&t.value, names).map_err(|m| diag(at(t), m))?;
            let fits = match kind {
                Kind::Model => matches!(ty, Ty::Model(_)),
                Kind::List => matches!(ty, Ty::List(_)),
                Kind::Map => matches!(ty, Ty::Map(..)),
                _ => !matches!(ty, Ty::Optional(_) | Ty::Date | Ty::Secret),
            };
            if !fits {
                let want = match kind {
                    Kind::Model => "a model name",
                    Kind::List => "list<T>",
                    Kind::Map => "map<K,V>",
                    _ => "a plain type (the on_* keys say what null and false mean)",
                };
                return Err(diag(
                    at(t),
                    format!(
                        "a `{kind_s}` return has type `{}`, which does not fit: it needs {want}",
                        t.value
                    ),
                ));
            }
            ty
        }
    };
    let [f, n, z, e] = rules(kind);
    Ok(Returns {
        kind,
        on_false: outcome(&rd.on_false, f.0, f.1, "on_false", kind_s)?,
        on_null: outcome(&rd.on_null, n.0, n.1, "on_null", kind_s)?,
        on_zero: outcome(&rd.on_zero, z.0, z.1, "on_zero", kind_s)?,
        on_empty: outcome(&rd.on_empty, e.0, e.1, "on_empty", kind_s)?,
        ty,
        doc: rd.doc.clone(),
    })
}
