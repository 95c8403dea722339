//! Gathering every setting by precedence, with where it came from ([`Layers`]), and the
//! errors that name how to set one.

use super::{ConfigFile, Field, Found, Overrides, Source, env};
use crate::error::{Error, Result};

/// Every setting with its source, before validation: what `config show` prints, and what
/// [`KanboardConfig::resolve`](super::KanboardConfig::resolve) checks.
#[derive(Clone)]
pub struct Layers {
    /// The config file read (possibly missing, then empty).
    pub file: ConfigFile,
    /// The profile whose values were read: explicit, `KANBOARD_PROFILE`,
    /// `settings.default_profile`, else `default`.
    pub profile: String,
    /// Where the profile's name came from.
    pub profile_source: Source,
    values: Vec<(Field, Found)>,
}

impl Layers {
    /// Gathers the settings from the overrides, the process environment and the file.
    pub fn gather(o: &Overrides) -> Result<Self> {
        Self::gather_with(o, &|k| std::env::var(k).ok())
    }

    /// As [`Layers::gather`], with the environment given as a lookup (for tests and embedders).
    pub fn gather_with(o: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let env = |k: &str| env(k).filter(|v| !v.is_empty());
        let path = match &o.config_file {
            Some(p) => p.clone(),
            None => ConfigFile::path_from(&env)?,
        };
        let file = ConfigFile::load(&path)?;
        let (profile, profile_source) = if let Some(p) = o.profile.clone().filter(|p| !p.is_empty())
        {
            (p, Source::Explicit)
        } else if let Some(p) = env(env::PROFILE) {
            (p, Source::Env(env::PROFILE))
        } else if let Some(p) = file.default_profile() {
            (p.to_owned(), Source::Settings)
        } else {
            ("default".to_owned(), Source::Default)
        };
        let values = Field::ALL
            .iter()
            .map(|&field| {
                let found = if let Some(v) = field.explicit(o).filter(|v| !v.is_empty()) {
                    Found {
                        value: Some(v.clone()),
                        source: Source::Explicit,
                    }
                } else if let Some(v) = env(field.env()) {
                    Found {
                        value: Some(v),
                        source: Source::Env(field.env()),
                    }
                } else if let Some(v) = file
                    .profile_value(&profile, field.key())
                    .filter(|v| !v.is_empty())
                {
                    Found {
                        value: Some(v),
                        source: Source::Profile,
                    }
                } else if let Some(v) = field.default_value() {
                    Found {
                        value: Some(v.into()),
                        source: Source::Default,
                    }
                } else {
                    Found {
                        value: None,
                        source: Source::Unset,
                    }
                };
                (field, found)
            })
            .collect();
        Ok(Layers {
            file,
            profile,
            profile_source,
            values,
        })
    }

    /// The value found for `field` and its source (every field is gathered, set or not).
    pub fn get(&self, field: Field) -> &Found {
        // Every field is gathered, so the lookup cannot miss.
        &self
            .values
            .iter()
            .find(|(f, _)| *f == field)
            .expect("all fields gathered")
            .1
    }

    /// Every field with what was found, in file-key order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &Found)> {
        self.values.iter().map(|(f, v)| (*f, v))
    }

    /// How to set a field, for error messages: the flag, the variable and the profile key.
    pub fn how_to_set(&self, field: Field) -> String {
        let mut s = format!(
            "give {}, set {}, or set `{}` in [profiles.{}] of {}",
            field.flag(),
            field.env(),
            field.key(),
            self.profile,
            self.file.path().display()
        );
        if self.profile_source != Source::Default && !self.file.has_profile(&self.profile) {
            let known = self.file.profile_names();
            s.push_str(&format!(
                " (profile `{}`, chosen by {}, is not in that file{})",
                self.profile,
                self.profile_source,
                if known.is_empty() {
                    String::new()
                } else {
                    format!("; it has {}", known.join(", "))
                }
            ));
        } else if !self.file.exists() {
            s.push_str(" (the file does not exist: `kanboard config init` creates it)");
        }
        s
    }

    pub(super) fn invalid(&self, field: Field, names: &[&str]) -> Error {
        let found = self.get(field);
        Error::Config {
            field: field.key().into(),
            message: format!(
                "{:?} (from {}) is not one of {}; {}",
                found.value.as_deref().unwrap_or_default(),
                found.source,
                names.join(", "),
                self.how_to_set(field)
            ),
        }
    }

    /// A value that is not what `field` takes: `expected` says what it takes.
    pub(super) fn unfit(&self, field: Field, expected: &str) -> Error {
        let found = self.get(field);
        Error::Config {
            field: field.key().into(),
            message: format!(
                "{:?} (from {}) {expected}; {}",
                found.value.as_deref().unwrap_or_default(),
                found.source,
                self.how_to_set(field)
            ),
        }
    }

    pub(super) fn missing(&self, field: Field, why: &str) -> Error {
        Error::Config {
            field: field.key().into(),
            message: format!("not set{why}: {}", self.how_to_set(field)),
        }
    }
}
