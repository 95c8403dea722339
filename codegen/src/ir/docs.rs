//! The rule for the `doc` of every item the generated code makes public: present, and saying more
//! than the item's name and type.

use super::{Ty, diag};
use crate::Diagnostic;
use serde_saphyr::Location;
use std::collections::BTreeSet;

/// Words a doc may use without saying anything about the item it documents.
const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "its",
    "this",
    "parameter",
    "field",
    "value",
];

/// The lowercase words of `text`, a trailing plural `s` dropped, split at anything that is not a
/// letter or digit and, for CamelCase names, at each capital.
fn words(text: &str) -> BTreeSet<String> {
    let mut spaced = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            spaced.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        spaced.push(if c.is_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            ' '
        });
    }
    spaced
        .split_whitespace()
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() > 1 => stem.to_owned(),
            _ => w.to_owned(),
        })
        .collect()
}

/// Checks the `doc` of an item the generated code makes public: it must be there and say more
/// than the item's name and type (`Id of the task.` for `task_id` says nothing new).
/// `what` names the item in the message; `hint` says what such a doc usually has to tell.
pub(super) fn require_doc(
    doc: Option<&str>,
    place: Location,
    what: &str,
    name: &str,
    ty: Option<&Ty>,
    hint: &str,
) -> Result<String, Diagnostic> {
    let doc = doc.map(str::trim).unwrap_or("");
    if doc.is_empty() {
        return Err(diag(
            place,
            format!("{what} has no `doc`: say what the name does not ({hint})"),
        ));
    }
    let mut known = words(name);
    if let Some(ty) = ty {
        known.extend(words(&ty.spelling()));
    }
    let says_more = words(doc)
        .iter()
        .any(|w| !known.contains(w) && !FILLER.contains(&w.as_str()));
    if !says_more {
        return Err(diag(
            place,
            format!(
                "the `doc` of {what} only repeats its name or type (\"{doc}\"): say what the name does not ({hint})"
            ),
        ));
    }
    Ok(doc.to_owned())
}

pub(super) const PARAM_HINT: &str =
    "units or format, allowed values, what 0 or empty means, what the server does with a bad value";
pub(super) const FIELD_HINT: &str = "units or format, allowed values, what 0, null or empty means";
