//! What one piece of vulnerability data says about one package version.

use serde::{Deserialize, Serialize};

/// The verdict of one source entry (an NVD configuration, a CVE 5
/// `affected[]` entry, an OSV `affected[]` entry) for one package version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The version is outside every affected range.
    NotAffected,
    /// The data could not be evaluated for this version (an unparseable
    /// bound or version, a git range, a status of `unknown`).
    Unknown,
    /// The product is affected in every version (no bound at all): a name
    /// match without version information.
    Unbounded,
    /// The version is inside an affected range.
    Affected,
}

impl Outcome {
    /// The stable spelling used in evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAffected => "not-affected",
            Self::Unknown => "unknown",
            Self::Unbounded => "unbounded",
            Self::Affected => "affected",
        }
    }
}
