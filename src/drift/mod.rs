//! Schema-versus-server drift: whether `schema/kanboard.yaml` still matches a Kanboard.
//!
//! * [`compare`]: the static check, against a server manifest (a JSON description of the
//!   server's API that `scripts/kanboard-manifest.php` writes from a Kanboard source tree).
//! * [`probe`]: the live check, against a running server, running no method but `getVersion`.
//!
//! Both take the schema side as a list of [`MethodSpec`]: [`schema()`] gives the one compiled
//! into the crate; tests and tools can build or edit their own. Deliberate differences are
//! declared in the schema (a method's `drift:` list) and reported apart from drift.
//!
//! Both take the other side's Kanboard release into account (the manifest's
//! `kanboard_version`, the server's `getVersion`): what the schema's `since` / `until` leave out
//! of that release is not expected there, and is drift only when the server has it.

mod compare;
mod finding;
mod inference;
mod manifest;
mod probe;
mod release;
mod report;
mod spec;

pub use compare::{compare, compare_specs};
pub use finding::Finding;
pub use manifest::{Manifest, ManifestError, ManifestMethod, ManifestParam};
pub use probe::{ProbeReport, ProbeStats, Verdict, probe};
pub use release::LeftOut;
pub use report::{DeclaredFinding, DriftReport, StaleDeviation};
pub use spec::{DeviationSpec, MethodSpec, ParamSpec, schema};
