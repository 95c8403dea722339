//! Checking gathered settings into a [`KanboardConfig`], and building its client.

use super::{AuthMode, Field, Layers, OutputFormat, Overrides, PortfolioBackend};
use crate::Secret;
use crate::client::KanboardClient;
use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A checked configuration: enough to build a client.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct KanboardConfig {
    /// The JSON-RPC endpoint URL, checked to be `http://` or `https://`.
    pub url: String,
    token: Option<Secret>,
    /// The profile the values were read from (which need not exist in the file).
    pub profile: String,
    /// How the command line prints results.
    pub output_format: OutputFormat,
    /// How the client logs in; `User` needs `username` and a password, `App` a token.
    pub auth_mode: AuthMode,
    /// The login name; always set in user mode, ignored in app mode.
    pub username: Option<String>,
    password: Option<Secret>,
    /// Where portfolios and milestones are kept.
    pub portfolio_backend: PortfolioBackend,
    /// Time allowed for a call (connecting takes at most 10 s of it).
    pub timeout: Duration,
    /// The PEM file of extra trusted CA certificates, as given.
    pub ca_cert: Option<PathBuf>,
    ca_cert_pem: Option<PemText>,
    /// Skip TLS certificate verification.
    pub insecure: bool,
    /// The header that carries the credentials instead of `Authorization`.
    pub auth_header: Option<String>,
    /// What calls are checked against: the server's release as given (`Some(Some(v))`), no
    /// check (`Some(None)`, `off`), or asked from the server when needed (`None`).
    pub kanboard_version: Option<Option<crate::KanboardVersion>>,
    /// The config file that was read (it may not exist).
    pub config_file: PathBuf,
}

/// A CA file's contents, read when the configuration is checked so that a missing or wrong
/// file is reported with where its path came from. Debug shows only its size.
#[derive(Clone)]
struct PemText(Vec<u8>);

impl fmt::Debug for PemText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PemText({} bytes)", self.0.len())
    }
}

impl KanboardConfig {
    /// Resolves from the overrides, the process environment and the config file.
    pub fn resolve(o: &Overrides) -> Result<Self> {
        Self::from_layers(&Layers::gather(o)?)
    }

    /// As [`KanboardConfig::resolve`], with the environment given as a lookup.
    pub fn resolve_with(o: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        Self::from_layers(&Layers::gather_with(o, env)?)
    }

    /// Checks gathered settings. The first problem is reported, naming the field and how to set it.
    pub fn from_layers(l: &Layers) -> Result<Self> {
        let value = |f: Field| l.get(f).value.clone();
        let url = value(Field::Url).ok_or_else(|| l.missing(Field::Url, ""))?;
        match url::Url::parse(&url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(Error::Config {
                    field: "url".into(),
                    message: format!(
                        "{url:?} (from {}) is not an http:// or https:// URL; {}",
                        l.get(Field::Url).source,
                        l.how_to_set(Field::Url)
                    ),
                });
            }
        }
        let auth_mode = match value(Field::AuthMode).as_deref().map(AuthMode::parse) {
            Some(Some(m)) => m,
            _ => return Err(l.invalid(Field::AuthMode, AuthMode::NAMES)),
        };
        let output_format = match value(Field::OutputFormat)
            .as_deref()
            .map(OutputFormat::parse)
        {
            Some(Some(f)) => f,
            _ => return Err(l.invalid(Field::OutputFormat, OutputFormat::NAMES)),
        };
        let portfolio_backend = match value(Field::PortfolioBackend)
            .as_deref()
            .map(PortfolioBackend::parse)
        {
            Some(Some(b)) => b,
            _ => return Err(l.invalid(Field::PortfolioBackend, PortfolioBackend::NAMES)),
        };
        let timeout = value(Field::Timeout)
            .and_then(|t| t.trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .and_then(|t| Duration::try_from_secs_f64(t).ok())
            .ok_or_else(|| l.unfit(Field::Timeout, "is not a number of seconds above 0"))?;
        let insecure = match value(Field::Insecure).as_deref().map(parse_bool) {
            Some(Some(b)) => b,
            _ => return Err(l.unfit(Field::Insecure, "is not true or false")),
        };
        let ca_cert = value(Field::CaCert).map(PathBuf::from);
        let auth_header = value(Field::AuthHeader).filter(|h| !h.trim().is_empty());
        if let Some(h) = &auth_header
            && reqwest::header::HeaderName::from_bytes(h.trim().as_bytes()).is_err()
        {
            return Err(l.unfit(Field::AuthHeader, "is not an HTTP header name"));
        }
        let kanboard_version = match value(Field::KanboardVersion).as_deref().map(str::trim) {
            None | Some("") => None,
            Some("off") => Some(None),
            Some(v) => Some(Some(v.parse::<crate::KanboardVersion>().map_err(|_| {
                l.unfit(
                    Field::KanboardVersion,
                    "is not a Kanboard release number (like 1.2.36) or `off`",
                )
            })?)),
        };
        let ca_cert_pem = match &ca_cert {
            Some(path) => Some(read_ca_cert(l, path)?),
            None => None,
        };
        let token = value(Field::Token).map(Secret::new);
        let username = value(Field::Username);
        let password = value(Field::Password).map(Secret::new);
        match auth_mode {
            AuthMode::User => {
                if username.is_none() {
                    return Err(l.missing(Field::Username, " (auth_mode is user)"));
                }
                if password.is_none() {
                    return Err(l.missing(Field::Password, " (auth_mode is user)"));
                }
            }
            AuthMode::App => {
                if token.is_none() {
                    return Err(l.missing(Field::Token, ""));
                }
            }
        }
        Ok(KanboardConfig {
            url,
            token,
            profile: l.profile.clone(),
            output_format,
            auth_mode,
            username,
            password,
            portfolio_backend,
            timeout,
            ca_cert,
            ca_cert_pem,
            insecure,
            auth_header,
            kanboard_version,
            config_file: l.file.path().to_owned(),
        })
    }

    /// The API token, if one was found (it is optional in user mode).
    pub fn token(&self) -> Option<&Secret> {
        self.token.as_ref()
    }

    /// The user's password or personal access token; always set in user mode.
    pub fn password(&self) -> Option<&Secret> {
        self.password.as_ref()
    }

    /// A client builder with the URL, credentials, timeout and TLS settings set, for further
    /// options.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        let mut b = KanboardClient::builder(&self.url)
            .timeout(self.timeout)
            .danger_accept_invalid_certs(self.insecure);
        if let Some(pem) = &self.ca_cert_pem {
            b = b.add_root_certificate_pem(pem.0.clone());
        }
        if let Some(h) = &self.auth_header {
            b = b.auth_header(h.trim());
        }
        match self.kanboard_version {
            Some(Some(v)) => b = b.kanboard_version(v),
            Some(None) => b = b.version_check(false),
            None => {}
        }
        match (self.auth_mode, &self.username, &self.password, &self.token) {
            (AuthMode::User, Some(u), Some(p), _) => b.user(u, p.expose()),
            (_, _, _, Some(t)) => b.app_token(t.expose()),
            // Unreachable after validation; the builder reports the missing credentials.
            _ => b,
        }
    }

    /// Builds the client this configuration describes.
    pub fn client(&self) -> Result<KanboardClient> {
        self.client_builder().build()
    }
}

/// `true`/`false` and their usual spellings (`1`/`0`, `yes`/`no`, `on`/`off`), any case.
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Reads the CA file; one that cannot be read or holds no PEM certificate is an error naming
/// where its path came from.
fn read_ca_cert(l: &Layers, path: &Path) -> Result<PemText> {
    let bytes =
        std::fs::read(path).map_err(|e| l.unfit(Field::CaCert, &format!("cannot be read: {e}")))?;
    if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") {
        return Err(l.unfit(
            Field::CaCert,
            "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(PemText(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::env;
    use crate::config::test_support::{TWO_PROFILES, file, resolve, tempdir};

    #[test]
    fn default_profile_from_settings() {
        let (_d, p) = file(TWO_PROFILES);
        let c = resolve(Overrides::default(), &p, &[]).unwrap();
        assert_eq!(c.profile, "work");
        assert_eq!(c.url, "http://work.example/jsonrpc.php");
        assert_eq!(c.token().unwrap().expose(), "work-token");
        assert_eq!(c.output_format, OutputFormat::Json);
        assert_eq!(c.portfolio_backend, PortfolioBackend::Remote);
        assert_eq!(c.auth_mode, AuthMode::App);
    }

    #[test]
    fn profile_flag_beats_env_beats_settings() {
        let (_d, p) = file(TWO_PROFILES);
        let c = resolve(Overrides::default(), &p, &[(env::PROFILE, "default")]).unwrap();
        assert_eq!(c.profile, "default");
        assert_eq!(c.url, "http://default.example/jsonrpc.php");
        let o = Overrides {
            profile: Some("work".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[(env::PROFILE, "default")]).unwrap();
        assert_eq!(c.profile, "work");
    }

    #[test]
    fn flag_beats_env_beats_profile_beats_default() {
        let (_d, p) = file(TWO_PROFILES);
        let env = [
            (env::URL, "http://env.example/jsonrpc.php"),
            (env::OUTPUT_FORMAT, "csv"),
        ];
        let c = resolve(Overrides::default(), &p, &env).unwrap();
        assert_eq!(c.url, "http://env.example/jsonrpc.php");
        // The profile's output_format is overridden by the env var, which kanboard-cli ignored.
        assert_eq!(c.output_format, OutputFormat::Csv);
        let o = Overrides {
            url: Some("http://flag.example/jsonrpc.php".into()),
            output_format: Some("quiet".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &env).unwrap();
        assert_eq!(c.url, "http://flag.example/jsonrpc.php");
        assert_eq!(c.output_format, OutputFormat::Quiet);
        // Token still from the profile; backend default would be local but the profile says remote.
        assert_eq!(c.token().unwrap().expose(), "work-token");
        let o = Overrides {
            profile: Some("default".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[]).unwrap();
        assert_eq!(c.output_format, OutputFormat::Table);
        assert_eq!(c.portfolio_backend, PortfolioBackend::Local);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let (_d, p) = file(TWO_PROFILES);
        let o = Overrides {
            url: Some(String::new()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[(env::URL, "")]).unwrap();
        assert_eq!(c.url, "http://work.example/jsonrpc.php");
    }

    #[test]
    fn missing_url_names_flag_env_and_key() {
        let d = tempdir::Dir::new();
        let p = d.path().join("absent.toml");
        let e = resolve(Overrides::default(), &p, &[]).unwrap_err();
        let msg = e.to_string();
        assert!(
            matches!(&e, Error::Config { field, .. } if field == "url"),
            "{msg}"
        );
        for needle in [
            "--url",
            "KANBOARD_URL",
            "`url`",
            "[profiles.default]",
            "config init",
        ] {
            assert!(msg.contains(needle), "{needle} missing in {msg}");
        }
    }

    #[test]
    fn user_mode_needs_username_and_password_not_token() {
        let d = tempdir::Dir::new();
        let p = d.path().join("absent.toml");
        let env = [
            (env::URL, "http://x.example/jsonrpc.php"),
            (env::AUTH_MODE, "user"),
        ];
        let e = resolve(Overrides::default(), &p, &env).unwrap_err();
        assert!(e.to_string().contains("`username`"), "{e}");
        let mut env = env.to_vec();
        env.push((env::USERNAME, "alice"));
        let e = resolve(Overrides::default(), &p, &env).unwrap_err();
        assert!(e.to_string().contains("KANBOARD_PASSWORD"), "{e}");
        let o = Overrides {
            password: Some("pw".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &env).unwrap();
        assert_eq!(c.auth_mode, AuthMode::User);
        assert!(c.token().is_none());
        assert!(c.client().unwrap().is_user_auth());
    }

    #[test]
    fn bad_values_name_their_source() {
        let (_d, p) = file(TWO_PROFILES);
        let e = resolve(Overrides::default(), &p, &[(env::AUTH_MODE, "admin")]).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("auth_mode") && msg.contains("env KANBOARD_AUTH_MODE"),
            "{msg}"
        );
        let e = resolve(Overrides::default(), &p, &[(env::OUTPUT_FORMAT, "yaml")]).unwrap_err();
        assert!(e.to_string().contains("table, json, csv, quiet"), "{e}");
        let e = resolve(
            Overrides::default(),
            &p,
            &[(env::PORTFOLIO_BACKEND, "cloud")],
        )
        .unwrap_err();
        assert!(e.to_string().contains("--portfolio-backend"), "{e}");
        let e = resolve(Overrides::default(), &p, &[(env::URL, "ftp://x")]).unwrap_err();
        assert!(e.to_string().contains("http://"), "{e}");
    }

    #[test]
    fn unknown_profile_is_named_in_the_error() {
        let (_d, p) = file(TWO_PROFILES);
        let o = Overrides {
            profile: Some("staging".into()),
            ..Default::default()
        };
        let msg = resolve(o, &p, &[]).unwrap_err().to_string();
        assert!(
            msg.contains("profile `staging`") && msg.contains("default, work"),
            "{msg}"
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let (_d, p) = file(TWO_PROFILES);
        let o = Overrides {
            password: Some("hunter2".into()),
            token: Some("tok-secret-value".into()),
            ..Default::default()
        };
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-secret-value"),
            "{shown}"
        );
        let c = resolve(o, &p, &[]).unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok-secret-value"),
            "{shown}"
        );
        assert_eq!(c.token().unwrap().expose(), "tok-secret-value");
    }

    #[test]
    fn transport_settings_follow_precedence_and_reach_the_builder() {
        let (_d, p) = file(
            "[profiles.default]\nurl = \"https://k.example/jsonrpc.php\"\ntoken = \"t\"\ntimeout = 5\ninsecure = true\n",
        );
        let c = resolve(Overrides::default(), &p, &[]).unwrap();
        assert_eq!(c.timeout, Duration::from_secs(5));
        assert!(c.insecure);
        assert!(c.ca_cert.is_none());
        let c = resolve(
            Overrides::default(),
            &p,
            &[(env::TIMEOUT, "7"), (env::INSECURE, "false")],
        )
        .unwrap();
        assert_eq!(c.timeout, Duration::from_secs(7));
        assert!(!c.insecure);
        let o = Overrides {
            timeout: Some("2.5".into()),
            ..Default::default()
        };
        let c = resolve(o, &p, &[(env::TIMEOUT, "7")]).unwrap();
        assert_eq!(c.timeout, Duration::from_millis(2500));
        assert!(format!("{:?}", c.client_builder()).contains("timeout: 2.5s"));
        // Defaults when nothing is set.
        let c = resolve(
            Overrides::default(),
            &p,
            &[
                (env::PROFILE, "none"),
                (env::URL, "http://x.example/jsonrpc.php"),
                (env::TOKEN, "t"),
            ],
        )
        .unwrap();
        assert_eq!(c.timeout, Duration::from_secs(30));
        assert!(!c.insecure);
    }

    #[test]
    fn bad_transport_settings_name_their_source() {
        let (d, p) = file(TWO_PROFILES);
        for (env_value, needle) in [("soon", "seconds"), ("0", "seconds"), ("-3", "seconds")] {
            let e = resolve(Overrides::default(), &p, &[(env::TIMEOUT, env_value)]).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains("env KANBOARD_TIMEOUT")
                    && msg.contains(needle)
                    && msg.contains("--timeout"),
                "{msg}"
            );
        }
        let e = resolve(Overrides::default(), &p, &[(env::INSECURE, "maybe")]).unwrap_err();
        assert!(e.to_string().contains("true or false"), "{e}");
        let o = Overrides {
            ca_cert: Some(d.path().join("absent.pem").display().to_string()),
            ..Default::default()
        };
        let msg = resolve(o, &p, &[]).unwrap_err().to_string();
        assert!(
            msg.contains("ca_cert") && msg.contains("(from flag) cannot be read"),
            "{msg}"
        );
        let not_pem = d.path().join("not.pem");
        std::fs::write(&not_pem, "hello").unwrap();
        let msg = resolve(
            Overrides::default(),
            &p,
            &[(env::CA_CERT, not_pem.to_str().unwrap())],
        )
        .unwrap_err()
        .to_string();
        assert!(
            msg.contains("env KANBOARD_CA_CERT") && msg.contains("no PEM"),
            "{msg}"
        );
    }

    #[test]
    fn a_ca_file_is_read_and_trusted() {
        let (d, p) = file(TWO_PROFILES);
        let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let pem_path = d.path().join("ca.pem");
        std::fs::write(&pem_path, cert.cert.pem()).unwrap();
        let c = resolve(
            Overrides::default(),
            &p,
            &[(env::CA_CERT, pem_path.to_str().unwrap())],
        )
        .unwrap();
        assert_eq!(c.ca_cert.as_deref(), Some(pem_path.as_path()));
        assert!(!format!("{c:?}").contains("BEGIN CERTIFICATE"));
        c.client().unwrap();
    }
}
