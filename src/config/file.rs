//! The config file: finding, reading and writing `config.toml` ([`ConfigFile`]).

use super::{Field, env};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The parsed config file: `[settings]`, `[profiles.NAME]` and `[workflows.NAME]`.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    path: PathBuf,
    exists: bool,
    table: toml::Table,
}

impl ConfigFile {
    /// `~/.config/kanboard/config.toml`, as kanboard-cli (which does not read `XDG_CONFIG_HOME`).
    pub fn default_path() -> Option<PathBuf> {
        home_dir().map(|h| h.join(".config").join("kanboard").join("config.toml"))
    }

    /// The file `KANBOARD_CONFIG` names, else the default path.
    pub fn path_from(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
        if let Some(p) = env(env::CONFIG).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        Self::default_path().ok_or_else(|| Error::Config {
            field: "config_file".into(),
            message: "no home directory (HOME is not set): give --config or set KANBOARD_CONFIG"
                .into(),
        })
    }

    /// Reads the file; a missing file is an empty configuration, as in kanboard-cli. A
    /// symbolic link is read through; a dangling link, or a FIFO, directory or device in the
    /// file's place, is an error (see [`crate::safe_file`]), and reading never blocks.
    pub fn load(path: &Path) -> Result<Self> {
        let file_error = |e: crate::safe_file::FileError| Error::Config {
            field: "config_file".into(),
            message: e.to_string(),
        };
        let Some(bytes) = crate::safe_file::read(path).map_err(file_error)? else {
            return Ok(ConfigFile {
                path: path.to_owned(),
                exists: false,
                table: toml::Table::new(),
            });
        };
        let text = String::from_utf8(bytes).map_err(|_| Error::Config {
            field: "config_file".into(),
            message: format!("{} is not valid UTF-8", path.display()),
        })?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Config {
            field: "config_file".into(),
            message: format!(
                "{} is not valid TOML: {}",
                path.display(),
                e.to_string().lines().next().unwrap_or_default()
            ),
        })?;
        Ok(ConfigFile {
            path: path.to_owned(),
            exists: true,
            table,
        })
    }

    /// The path the file was read from, or would have been.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was there; a missing file reads as an empty configuration.
    pub fn exists(&self) -> bool {
        self.exists
    }

    /// `settings.default_profile`.
    pub fn default_profile(&self) -> Option<&str> {
        self.table
            .get("settings")?
            .get("default_profile")?
            .as_str()
            .filter(|s| !s.is_empty())
    }

    /// The profile names, in file order.
    pub fn profile_names(&self) -> Vec<String> {
        match self.table.get("profiles").and_then(|p| p.as_table()) {
            Some(t) => t.keys().cloned().collect(),
            None => Vec::new(),
        }
    }

    /// Whether the file has a `[profiles.NAME]` table of that name.
    pub fn has_profile(&self, name: &str) -> bool {
        self.profile(name).is_some()
    }

    fn profile(&self, name: &str) -> Option<&toml::Table> {
        self.table.get("profiles")?.get(name)?.as_table()
    }

    /// A key of a profile, as text. kanboard-cli reads any TOML value; a non-string is shown as
    /// TOML would write it so that it still fails validation with a clear message.
    pub(super) fn profile_value(&self, profile: &str, key: &str) -> Option<String> {
        match self.profile(profile)?.get(key)? {
            toml::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// The `[workflows.NAME]` table, empty when absent.
    pub fn workflow(&self, name: &str) -> toml::Table {
        self.table
            .get("workflows")
            .and_then(|w| w.get(name))
            .and_then(|w| w.as_table())
            .cloned()
            .unwrap_or_default()
    }

    /// Adds or replaces a profile and writes the file, creating the directory. The first
    /// profile written becomes `settings.default_profile`. Other profiles and tables are kept
    /// (comments are not).
    ///
    /// The file is replaced atomically through [`crate::safe_file`]: a new file is created with
    /// mode 0600 (it holds credentials), an existing one keeps its mode, a symbolic link stays a
    /// link and its target is written; a read-only file, a dangling link or anything but a
    /// regular file in the file's place is refused and left as it was.
    pub fn write_profile(&mut self, name: &str, values: &[(Field, String)]) -> Result<()> {
        let io = |path: &Path, e: std::io::Error| Error::Config {
            field: "config_file".into(),
            message: format!("cannot write {}: {e}", path.display()),
        };
        let mut profile = toml::Table::new();
        for (field, value) in values {
            profile.insert(field.key().into(), toml::Value::String(value.clone()));
        }
        let profiles = self
            .table
            .entry("profiles")
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(profiles) = profiles.as_table_mut() else {
            return Err(Error::Config {
                field: "profiles".into(),
                message: format!("`profiles` in {} is not a table", self.path.display()),
            });
        };
        profiles.insert(name.into(), toml::Value::Table(profile));
        if self.default_profile().is_none() {
            let settings = self
                .table
                .entry("settings")
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let Some(s) = settings.as_table_mut() {
                s.insert("default_profile".into(), toml::Value::String(name.into()));
            }
        }
        let text = toml::to_string_pretty(&self.table).map_err(|e| Error::Config {
            field: "config_file".into(),
            message: format!("cannot encode the configuration: {e}"),
        })?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        crate::safe_file::write(&self.path, text.as_bytes()).map_err(|e| Error::Config {
            field: "config_file".into(),
            message: e.to_string(),
        })?;
        self.exists = true;
        Ok(())
    }
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::config::test_support::{file, resolve, tempdir};

    #[test]
    fn malformed_file_is_a_config_error() {
        let (_d, p) = file("[profiles.default\nurl = ");
        let e = resolve(Overrides::default(), &p, &[]).unwrap_err();
        assert!(
            matches!(&e, Error::Config { field, .. } if field == "config_file"),
            "{e}"
        );
        assert!(e.to_string().contains("not valid TOML"));
    }

    #[test]
    fn written_profile_is_private_and_read_back() {
        let d = tempdir::Dir::new();
        let p = d.path().join("sub").join("config.toml");
        let mut f = ConfigFile::load(&p).unwrap();
        assert!(!f.exists());
        f.write_profile(
            "default",
            &[
                (Field::Url, "http://k.example/jsonrpc.php".into()),
                (Field::Token, "abcdef123".into()),
            ],
        )
        .unwrap();
        f.write_profile(
            "other",
            &[(Field::Url, "http://o.example/jsonrpc.php".into())],
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let back = ConfigFile::load(&p).unwrap();
        assert_eq!(back.default_profile(), Some("default"));
        assert_eq!(back.profile_names(), ["default", "other"]);
        let c = resolve(Overrides::default(), &p, &[]).unwrap();
        assert_eq!(c.token().unwrap().expose(), "abcdef123");
    }
}
