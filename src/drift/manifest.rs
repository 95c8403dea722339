//! A server manifest: a JSON description of the API a Kanboard server (or one of its plugins)
//! registers, as `scripts/kanboard-manifest.php` writes it from the server's source by PHP
//! reflection. Only what a comparison needs is read; other keys are ignored.

use super::spec::{MethodSpec, ParamSpec};
use crate::{Availability, KanboardVersion};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The API of one server, or of one plugin of it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Manifest {
    /// The Kanboard version the manifest was made from (core manifests).
    #[serde(default)]
    pub kanboard_version: Option<String>,
    /// The plugin the methods come from; absent for Kanboard's own methods.
    #[serde(default)]
    pub plugin: Option<String>,
    /// The plugin's version (plugin manifests), e.g. `1.17.0`.
    #[serde(default)]
    pub plugin_version: Option<String>,
    /// How the manifest was made.
    #[serde(default)]
    pub generator: Option<String>,
    /// Every method registered, in the manifest's order.
    pub methods: Vec<ManifestMethod>,
}

/// One method the server registers.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ManifestMethod {
    /// The JSON-RPC method name, as registered (the server matches it without case).
    pub name: String,
    /// Its parameters in PHP signature order.
    pub params: Vec<ManifestParam>,
    /// `user-only` for methods refused to the application token, else `app+user`.
    #[serde(default)]
    pub auth: Option<String>,
    /// How the method is registered: `withObject`, `withCallback` or `withClassAndMethod`.
    #[serde(default)]
    pub registration: Option<String>,
}

/// One parameter of a method, as PHP reflection sees it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ManifestParam {
    /// The PHP parameter name, which is the JSON-RPC name for named parameters.
    pub name: String,
    /// 0-based position in the PHP signature.
    pub position: usize,
    /// No default value: the server refuses a call without it.
    pub required: bool,
    /// The PHP default value as JSON, for optional parameters; `None` when required (or when
    /// the default is `null`).
    #[serde(default)]
    pub default: Option<serde_json::Value>,
}

/// A manifest that cannot be read or makes no sense.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    #[error("cannot read manifest {path}: {source}")]
    /// The file could not be read.
    Io {
        /// The manifest file.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },
    #[error("manifest is not valid JSON of the expected shape at `{path}`: {message}")]
    /// The text is not JSON, or not of the manifest's shape.
    Json {
        /// Where in the document, e.g. `methods[3].params`.
        path: String,
        /// What is wrong there.
        message: String,
    },
    #[error("manifest method `{method}`: {message}")]
    /// A method's entry breaks a rule: a duplicate name, positions out of order, a duplicate
    /// parameter.
    Invalid {
        /// The method's name as the manifest spells it.
        method: String,
        /// Which rule it breaks.
        message: String,
    },
}

impl Manifest {
    /// Parses and checks a manifest: method names unique (the server matches them without
    /// case), parameter positions 0, 1, 2… and parameter names unique.
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let mut m: Manifest =
            serde_path_to_error::deserialize(de).map_err(|e| ManifestError::Json {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        let mut seen = BTreeSet::new();
        for method in &mut m.methods {
            let invalid = |message: String| ManifestError::Invalid {
                method: method.name.clone(),
                message,
            };
            if method.name.is_empty() {
                return Err(invalid("empty method name".into()));
            }
            if !seen.insert(method.name.to_ascii_lowercase()) {
                return Err(invalid("listed twice".into()));
            }
            method.params.sort_by_key(|p| p.position);
            let mut names = BTreeSet::new();
            for (i, p) in method.params.iter().enumerate() {
                if p.position != i {
                    return Err(invalid(format!(
                        "parameter positions must be 0, 1, 2…; `{}` is at {} where {i} was expected",
                        p.name, p.position
                    )));
                }
                if !names.insert(p.name.as_str()) {
                    return Err(invalid(format!("parameter `{}` listed twice", p.name)));
                }
            }
        }
        Ok(m)
    }

    /// Reads a manifest file.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, ManifestError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Looks a method up as the server does, without case.
    pub fn method(&self, name: &str) -> Option<&ManifestMethod> {
        self.methods
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }

    /// A short description for reports: `Kanboard 1.2.53` or `plugin Portfolio 1.17.0`.
    pub fn label(&self) -> String {
        match (&self.plugin, &self.kanboard_version) {
            (Some(p), _) => format!(
                "plugin {p}{}",
                self.plugin_version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            ),
            (None, Some(v)) => format!("Kanboard {v}"),
            (None, None) => "Kanboard".into(),
        }
    }

    /// The Kanboard release the manifest was made from, when `kanboard_version` is a release
    /// number.
    pub fn release(&self) -> Option<KanboardVersion> {
        self.kanboard_version
            .as_deref()
            .and_then(KanboardVersion::parse_lenient)
    }

    /// The manifest's methods as specs, for the same comparisons the schema goes through.
    pub fn specs(&self) -> Vec<MethodSpec> {
        self.methods
            .iter()
            .map(|m| MethodSpec {
                name: m.name.clone(),
                params: m
                    .params
                    .iter()
                    .map(|p| ParamSpec {
                        name: p.name.clone(),
                        required: p.required,
                        available: Availability::default(),
                    })
                    .collect(),
                user_only: m.is_user_only(),
                plugin: self.plugin.clone(),
                deviations: Vec::new(),
                available: Availability::default(),
            })
            .collect()
    }
}

impl ManifestMethod {
    /// Refused to the application token.
    pub fn is_user_only(&self) -> bool {
        self.auth.as_deref() == Some("user-only")
    }
}
