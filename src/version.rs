//! Kanboard release numbers, and which releases have a method or parameter.
//!
//! Kanboard ignores a named parameter it does not declare (as long as the call does not send
//! more parameters than the method takes), so a call made for a newer server loses data on an
//! older one without an error. The schema records the first (and last) release of each method
//! and parameter; the client refuses, before sending, a call the server's release lacks.

use std::fmt;
use std::str::FromStr;

/// A Kanboard release number, `1.2.45`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KanboardVersion {
    /// `1` in `1.2.45`.
    pub major: u16,
    /// `2` in `1.2.45`.
    pub minor: u16,
    /// `45` in `1.2.45`.
    pub patch: u16,
}

impl KanboardVersion {
    /// The release `major.minor.patch`.
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        KanboardVersion {
            major,
            minor,
            patch,
        }
    }

    /// Reads what `getVersion` answers: `1.2.45`, also `v1.2.45` and a build suffix
    /// (`1.2.45-12-gabcdef`, `1.2.45+dev`). `None` for anything without a release number at
    /// its start, such as `main.1a2b3c` from a development checkout.
    pub fn parse_lenient(s: &str) -> Option<Self> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let end = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
        s[..end].parse().ok()
    }
}

impl fmt::Display for KanboardVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A text that is not `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Kanboard release number (MAJOR.MINOR.PATCH, like 1.2.45)")]
pub struct BadVersion(pub String);

impl FromStr for KanboardVersion {
    type Err = BadVersion;

    /// Exactly `MAJOR.MINOR.PATCH`, digits only.
    fn from_str(s: &str) -> Result<Self, BadVersion> {
        let bad = || BadVersion(s.to_owned());
        let mut parts = s.split('.').map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u16>().ok()
            }
        });
        let mut next = || parts.next().flatten().ok_or_else(bad);
        let v = KanboardVersion::new(next()?, next()?, next()?);
        match parts.next() {
            None => Ok(v),
            Some(_) => Err(bad()),
        }
    }
}

/// The Kanboard releases that have a method or a parameter: from `since` (the first) to
/// `until` (the last); `None` where it has been there since the oldest release the schema
/// describes, or still is in the newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Availability {
    /// The first release that has it.
    pub since: Option<KanboardVersion>,
    /// The last release that has it.
    pub until: Option<KanboardVersion>,
}

impl Availability {
    /// From `since` (the first release that has it) to `until` (the last); `None` for no bound.
    pub const fn new(since: Option<KanboardVersion>, until: Option<KanboardVersion>) -> Self {
        Availability { since, until }
    }

    /// Whether release `v` has it.
    pub fn includes(&self, v: KanboardVersion) -> bool {
        self.since.is_none_or(|s| v >= s) && self.until.is_none_or(|u| v <= u)
    }

    /// Whether every release has it (no `since`, no `until`).
    pub fn is_always(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }
}

impl fmt::Display for Availability {
    /// `1.2.45 and later`, `up to 1.2.30`, `1.2.21 to 1.2.30`, `every release`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.since, self.until) {
            (None, None) => f.write_str("every release"),
            (Some(s), None) => write!(f, "{s} and later"),
            (None, Some(u)) => write!(f, "up to {u}"),
            (Some(s), Some(u)) => write!(f, "{s} to {u}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_numbers() {
        let v = KanboardVersion::new(1, 2, 45);
        assert_eq!("1.2.45".parse::<KanboardVersion>(), Ok(v));
        for bad in ["1.2", "1.2.45.1", "1.2.x", "", "v1.2.45", "1..2"] {
            assert!(bad.parse::<KanboardVersion>().is_err(), "{bad}");
        }
        assert_eq!(KanboardVersion::parse_lenient("v1.2.45"), Some(v));
        assert_eq!(KanboardVersion::parse_lenient("1.2.45-12-gabc"), Some(v));
        assert_eq!(KanboardVersion::parse_lenient("main.1a2b3c"), None);
        assert!(KanboardVersion::new(1, 2, 9) < KanboardVersion::new(1, 2, 10));
    }

    #[test]
    fn availability() {
        let a = Availability {
            since: Some(KanboardVersion::new(1, 2, 45)),
            until: None,
        };
        assert!(!a.includes(KanboardVersion::new(1, 2, 36)));
        assert!(a.includes(KanboardVersion::new(1, 2, 45)));
        assert_eq!(a.to_string(), "1.2.45 and later");
        assert!(Availability::default().is_always());
    }
}
