//! What the tracker knows about a distribution and what it concludes: origin
//! packages per branch, fixes, decisions, and the computed states.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::id::VulnId;

/// One source (origin) package as published in one branch and repository.
///
/// Several binary packages (subpackages, several architectures) collapse onto
/// one origin; `version` is the version the tracker evaluates for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginPackage {
    /// Branch (`v3.18`, `edge`).
    pub branch: String,
    /// Repository (`main`, `community`).
    pub repo: String,
    /// The origin (aport) name, `o:` in the index.
    pub origin: String,
    /// The published version evaluated. When architectures disagree, the
    /// lowest one: a fix is published only once every architecture has it.
    pub version: String,
    /// Every distinct published version of the origin's packages, when
    /// architectures or subpackages disagree (empty when they agree).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_versions: Vec<String>,
    /// Maintainer, from `m:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainer: Option<String>,
    /// Names of the binary packages built from it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binaries: Vec<String>,
}

/// What a recorded fix says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "version")]
pub enum FixKind {
    /// Fixed in this package version (secfixes key, secdb key).
    Fixed(String),
    /// Never affected: secfixes key `0`, or the rejections list.
    NotAffected,
}

/// A fix recorded by the distribution for one origin package in one branch.
///
/// It applies to that origin and branch only: a fix of `openssl1.1-compat`
/// says nothing about `openssl`, and a fix in `v3.18` nothing about `v3.17`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Branch.
    pub branch: String,
    /// Origin package.
    pub origin: String,
    /// The vulnerability.
    pub vuln: VulnId,
    /// Fixed version or not affected.
    pub kind: FixKind,
    /// Which source recorded it (the source name).
    pub source: String,
    /// Where (`path:line`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Free text that came with the id (`(AoE)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The OpenVEX justifications for `not_affected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// `component_not_present`.
    ComponentNotPresent,
    /// `vulnerable_code_not_present`.
    VulnerableCodeNotPresent,
    /// `vulnerable_code_not_in_execute_path`.
    VulnerableCodeNotInExecutePath,
    /// `vulnerable_code_cannot_be_controlled_by_adversary`.
    VulnerableCodeCannotBeControlledByAdversary,
    /// `inline_mitigations_already_exist`.
    InlineMitigationsAlreadyExist,
}

impl Justification {
    /// Every justification, in OpenVEX's order.
    pub const ALL: [Self; 5] = [
        Self::ComponentNotPresent,
        Self::VulnerableCodeNotPresent,
        Self::VulnerableCodeNotInExecutePath,
        Self::VulnerableCodeCannotBeControlledByAdversary,
        Self::InlineMitigationsAlreadyExist,
    ];

    /// The OpenVEX spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ComponentNotPresent => "component_not_present",
            Self::VulnerableCodeNotPresent => "vulnerable_code_not_present",
            Self::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Self::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Self::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
        }
    }
}

impl FromStr for Justification {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|j| j.as_str() == s)
            .ok_or_else(|| format!("unknown OpenVEX justification {s:?}"))
    }
}

/// What a triage decision says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionStatus {
    /// The package is not affected.
    NotAffected,
    /// The package is affected (overrides an automatic "not affected").
    Affected,
    /// Being looked at.
    UnderInvestigation,
}

impl DecisionStatus {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAffected => "not-affected",
            Self::Affected => "affected",
            Self::UnderInvestigation => "under-investigation",
        }
    }
}

impl FromStr for DecisionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "not-affected" => Ok(Self::NotAffected),
            "affected" => Ok(Self::Affected),
            "under-investigation" => Ok(Self::UnderInvestigation),
            _ => Err(format!("unknown decision status {s:?}")),
        }
    }
}

/// A triage decision by a maintainer or the security team. Decisions are
/// never edited: a new one supersedes the previous.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Its id in the store.
    pub id: i64,
    /// The branch it is about; `None` for every branch.
    pub branch: Option<String>,
    /// Origin package.
    pub origin: String,
    /// Vulnerability.
    pub vuln: VulnId,
    /// What was decided.
    pub status: DecisionStatus,
    /// Why, in OpenVEX terms (required for `not-affected`).
    pub justification: Option<Justification>,
    /// Why, in words.
    pub statement: String,
    /// Who.
    pub author: String,
    /// When.
    pub at: Timestamp,
}

/// The state of one vulnerability for one origin package in one branch and
/// repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StateKind {
    /// Fixed in the published version (see `fixed_version`).
    Fixed,
    /// The published version is in an affected range and not fixed.
    Vulnerable,
    /// Matched by name, but whether the version is affected is unknown
    /// (unbounded or unparseable ranges).
    PossiblyVulnerable,
    /// Not affected, with a reason.
    NotAffected,
}

impl StateKind {
    /// Every state, in display order.
    pub const ALL: [Self; 4] = [
        Self::Vulnerable,
        Self::PossiblyVulnerable,
        Self::Fixed,
        Self::NotAffected,
    ];

    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::Vulnerable => "vulnerable",
            Self::PossiblyVulnerable => "possibly-vulnerable",
            Self::NotAffected => "not-affected",
        }
    }
}

impl fmt::Display for StateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StateKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown state {s:?} (expected one of: vulnerable, possibly-vulnerable, fixed, not-affected)"))
    }
}

/// The key of a state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StateKey {
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
    /// Origin package.
    pub origin: String,
    /// Vulnerability.
    pub vuln: VulnId,
}

/// Why a state is what it is: one piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Evidence {
    /// An NVD configuration matched the package's product.
    Nvd {
        /// Index of the configuration in the record.
        configuration: usize,
        /// The matching criterion (CPE 2.3 string).
        criteria: String,
        /// The range, in words (`>= 2.0.0, < 2.15.0`), empty when none.
        range: String,
        /// `affected`, `unbounded`, `not-affected` or `unknown`.
        outcome: String,
    },
    /// A CVE 5 `affected[]` entry matched.
    Cve5 {
        /// `cna` or the ADP's short name.
        container: String,
        /// `vendor:product` or `collectionURL packageName`.
        product: String,
        /// The version entry, in words.
        range: String,
        /// `affected`, `unbounded`, `not-affected` or `unknown`.
        outcome: String,
    },
    /// An OSV `affected[]` entry matched.
    Osv {
        /// `ecosystem/name`.
        package: String,
        /// The range, in words.
        range: String,
        /// `affected`, `not-affected` or `unknown`.
        outcome: String,
    },
    /// A fix recorded by the distribution.
    Fix {
        /// The fixed version.
        version: String,
        /// The source that recorded it.
        source: String,
        /// `path:line`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
        /// The id it was recorded under, when an alias of the state's id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        alias: Option<String>,
    },
    /// The distribution recorded the package as never affected (secfixes
    /// `0`, rejections list).
    NotAffected {
        /// The source that recorded it.
        source: String,
        /// `path:line`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
    },
    /// A triage decision.
    Decision {
        /// Decision id.
        id: i64,
        /// Who.
        author: String,
        /// What.
        status: DecisionStatus,
        /// Why.
        statement: String,
    },
}

/// One computed state with the evidence that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Which package and vulnerability.
    pub key: StateKey,
    /// The state.
    pub kind: StateKind,
    /// The package version evaluated.
    pub version: String,
    /// The fixing version, for `fixed` (and for `vulnerable` when a fix is
    /// recorded but not yet published).
    pub fixed_version: Option<String>,
    /// For `not-affected`: why, in short (`version-not-affected`,
    /// `never-affected`, `rejected`, `decision`); for other states a short
    /// note, when useful.
    pub reason: Option<String>,
    /// The evidence, most decisive first.
    pub evidence: Vec<Evidence>,
}
