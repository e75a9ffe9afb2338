//! apk version order (apk-tools 3.x `src/version.c`).
//!
//! (skeleton: the API below is fixed; bodies are being written)

use std::cmp::Ordering;
use std::fmt;

/// A valid apk version (`apk_version_validate` is true).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version(String);

/// Why a string is not a valid apk version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid apk version {value:?}: {reason}")]
pub struct InvalidVersion {
    /// The rejected text.
    pub value: String,
    /// What is wrong, and where.
    pub reason: String,
}

impl Version {
    /// Parses a version; fails exactly when apk-tools 3 `apk_version_validate` does.
    pub fn parse(s: &str) -> Result<Self, InvalidVersion> {
        if validate(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidVersion { value: s.to_owned(), reason: "invalid".into() })
        }
    }

    /// The version text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether `s` is a valid apk version (apk-tools 3 `apk_version_validate`).
pub fn validate(s: &str) -> bool {
    let _ = s;
    todo!("version::validate")
}

/// Compares two version strings exactly as apk-tools 3 `apk_version_compare`
/// does, invalid versions included.
pub fn compare(a: &str, b: &str) -> Ordering {
    let _ = (a, b);
    todo!("version::compare")
}
