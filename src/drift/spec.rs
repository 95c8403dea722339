//! The schema side of a comparison as plain owned data, so that a check can run on the schema
//! compiled into the crate, on a server manifest, or on an edited copy built by a test.

use crate::descriptor::{DeviationKind, MethodDescriptor};
use crate::{Availability, KanboardVersion};

/// One method's signature: what both the schema and a server declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodSpec {
    /// The JSON-RPC name.
    pub name: String,
    /// In declaration order.
    pub params: Vec<ParamSpec>,
    /// Callable only with a user login (the server answers 403 to the application token).
    pub user_only: bool,
    /// The server plugin that provides the method; `None` for Kanboard itself.
    pub plugin: Option<String>,
    /// Differences from the server the schema declares on purpose.
    pub deviations: Vec<DeviationSpec>,
    /// The Kanboard releases that have the method (the schema's `since` / `until`); a server's
    /// own description has every release.
    pub available: Availability,
}

/// One parameter: its name on the wire and whether the server needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name sent to the server.
    pub name: String,
    /// Whether a call without it fails.
    pub required: bool,
    /// The Kanboard releases that have the parameter.
    pub available: Availability,
}

/// A declared, deliberate difference (the schema's `drift:` entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationSpec {
    /// The parameter's wire name; `None` for the method as a whole.
    pub param: Option<String>,
    /// What differs.
    pub kind: DeviationKind,
    /// Why the schema differs on purpose.
    pub reason: String,
}

impl MethodSpec {
    /// A method with no parameters, no flags and no declared deviations.
    pub fn new(name: impl Into<String>) -> Self {
        MethodSpec {
            name: name.into(),
            params: Vec::new(),
            user_only: false,
            plugin: None,
            deviations: Vec::new(),
            available: Availability::default(),
        }
    }

    /// Adds a parameter at the end, in every release.
    pub fn param(self, name: impl Into<String>, required: bool) -> Self {
        self.param_in(name, required, Availability::default())
    }

    /// Adds a parameter at the end that only the releases of `available` have.
    pub fn param_in(
        mut self,
        name: impl Into<String>,
        required: bool,
        available: Availability,
    ) -> Self {
        self.params.push(ParamSpec {
            name: name.into(),
            required,
            available,
        });
        self
    }

    /// The method as Kanboard `release` has it, by the schema's `since` / `until`: `None` when
    /// the release does not have the method, else without the parameters it lacks (and the
    /// declared differences about them).
    pub fn in_release(&self, release: KanboardVersion) -> Option<MethodSpec> {
        if !self.available.includes(release) {
            return None;
        }
        let lacks = |name: &str| {
            self.params
                .iter()
                .any(|p| p.name == name && !p.available.includes(release))
        };
        Some(MethodSpec {
            params: self
                .params
                .iter()
                .filter(|p| p.available.includes(release))
                .cloned()
                .collect(),
            deviations: self
                .deviations
                .iter()
                .filter(|d| !d.param.as_deref().is_some_and(lacks))
                .cloned()
                .collect(),
            ..self.clone()
        })
    }

    /// The number of required parameters.
    pub fn required_count(&self) -> usize {
        self.params.iter().filter(|p| p.required).count()
    }

    /// The required parameters' names, in declaration order.
    pub fn required_names(&self) -> Vec<&str> {
        self.params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name.as_str())
            .collect()
    }

    /// Whether the method comes from this plugin (`None`: Kanboard itself). Plugin names are
    /// compared without case: the schema says `portfolio`, the plugin calls itself `Portfolio`.
    pub fn is_from(&self, plugin: Option<&str>) -> bool {
        match (self.plugin.as_deref(), plugin) {
            (None, None) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        }
    }
}

impl From<&MethodDescriptor> for MethodSpec {
    fn from(d: &MethodDescriptor) -> Self {
        MethodSpec {
            name: d.rpc_name.to_owned(),
            params: d
                .params
                .iter()
                .map(|p| ParamSpec {
                    name: p.wire.to_owned(),
                    required: p.required,
                    available: p.available,
                })
                .collect(),
            user_only: d.user_only,
            plugin: d.plugin.map(str::to_owned),
            deviations: d
                .deviations
                .iter()
                .map(|v| DeviationSpec {
                    param: v.param.map(str::to_owned),
                    kind: v.kind,
                    reason: v.reason.to_owned(),
                })
                .collect(),
            available: d.available,
        }
    }
}

/// Every method of the schema compiled into this crate, in schema order.
pub fn schema() -> Vec<MethodSpec> {
    crate::api::descriptors::METHODS
        .iter()
        .map(|d| MethodSpec::from(*d))
        .collect()
}
