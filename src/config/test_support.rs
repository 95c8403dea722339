//! Helpers shared by the configuration tests: temporary directories and config files, a file
//! with two profiles, and resolution with a given environment.

use super::{KanboardConfig, Overrides};
use crate::error::Result;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(super) fn file(text: &str) -> (tempdir::Dir, PathBuf) {
    let dir = tempdir::Dir::new();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// A temporary directory removed on drop, without a dependency.
pub(super) mod tempdir {
    use std::path::{Path, PathBuf};
    pub struct Dir(PathBuf);
    impl Dir {
        pub fn new() -> Self {
            use std::sync::atomic::{AtomicU32, Ordering};
            static N: AtomicU32 = AtomicU32::new(0);
            let p = std::env::temp_dir().join(format!(
                "kanboard-config-test-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub(super) const TWO_PROFILES: &str = r#"
[settings]
default_profile = "work"

[profiles.default]
url = "http://default.example/jsonrpc.php"
token = "default-token"

[profiles.work]
url = "http://work.example/jsonrpc.php"
token = "work-token"
output_format = "json"
portfolio_backend = "remote"
"#;

pub(super) fn resolve(o: Overrides, path: &Path, env: &[(&str, &str)]) -> Result<KanboardConfig> {
    let env: HashMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let o = Overrides {
        config_file: Some(path.to_owned()),
        ..o
    };
    KanboardConfig::resolve_with(&o, &|k| env.get(k).cloned())
}
