//! The findings of a scan: data, serialised as the `--json` output.

use secfixes_model::{StateKind, VulnId};

/// Whether the fixes of a package can be installed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Availability {
    /// No index was given: unknown.
    Unknown,
    /// Every pending fix is in a version the repositories offer.
    UpgradableNow,
    /// Some pending fixes are available, others not yet.
    Partial,
    /// The repositories offer the package, but no version with the fixes.
    NotYetPublished,
    /// No repository offers a package of that name.
    NotInRepositories,
}

impl Availability {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::UpgradableNow => "upgradable-now",
            Self::Partial => "partial",
            Self::NotYetPublished => "not-yet-published",
            Self::NotInRepositories => "not-in-repositories",
        }
    }
}

/// An id fixed after the installed version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PendingFix {
    /// The id.
    pub id: VulnId,
    /// The version that fixes it (the highest key listing it above the
    /// installed version).
    pub fixed_version: String,
    /// A lower key (at or below the installed version) that already listed
    /// the id: the installed version has a first, incomplete fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partially_fixed_in: Option<String>,
    /// Whether the repositories offer a version with the fix (`None`
    /// without indexes).
    pub available: Option<bool>,
    /// Where the fix is recorded (secdb path or URL, index, tracker).
    pub source: String,
}

/// A vulnerability the tracker reports open for the package's origin, with
/// no fix that applies to the installed version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenVuln {
    /// The id.
    pub id: VulnId,
    /// `vulnerable` or `possibly-vulnerable`.
    pub state: StateKind,
    /// The repository of the tracker's state.
    pub repo: String,
    /// The tracker's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Everything found for one installed package.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackageFinding {
    /// Package name.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Origin (source package).
    pub origin: String,
    /// First line of its record in the installed database.
    pub db_line: usize,
    /// Architecture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// The repository tag it is pinned to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Whether `etc/apk/world` asks for it (otherwise it is a dependency).
    pub in_world: bool,
    /// The lowest version with every pending fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    /// The best version the repositories offer for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_version: Option<String>,
    /// Whether the pending fixes can be installed now.
    pub availability: Availability,
    /// Pending fixes, by fixed version then id.
    pub fixes: Vec<PendingFix>,
    /// Open vulnerabilities (tracker), by id.
    pub open: Vec<OpenVuln>,
    /// Why the package could not be evaluated (invalid installed version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cannot_evaluate: Option<String>,
}

/// Something the user should know that is not a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Warning {
    /// A secdb key that is not a valid version: it decides nothing.
    InvalidSecdbKey {
        /// The secdb.
        source: String,
        /// The origin.
        origin: String,
        /// The key.
        key: String,
        /// Why.
        reason: String,
    },
    /// A record of the installed database that could not be read.
    InstalledRecord {
        /// The error, with its line.
        message: String,
    },
    /// Anything else the caller wants reported with the findings.
    Note {
        /// The text.
        message: String,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidSecdbKey {
                source,
                origin,
                key,
                reason,
            } => {
                write!(
                    f,
                    "{source}: {origin}: secfixes key {key:?} ignored: {reason}"
                )
            }
            Self::InstalledRecord { message } => {
                write!(f, "installed database: record skipped: {message}")
            }
            Self::Note { message } => f.write_str(message),
        }
    }
}

/// Counts over the whole system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Installed packages read.
    pub installed: usize,
    /// Packages whose origin the security data knows.
    pub covered: usize,
    /// Packages whose origin no source knows.
    pub not_covered: usize,
    /// Packages with at least one pending fix.
    pub fixable_packages: usize,
    /// Pending (package, id) pairs.
    pub fixable: usize,
    /// Distinct ids among the pending fixes.
    pub fixable_ids: usize,
    /// Packages whose pending fixes can all be installed now.
    pub upgradable_now: usize,
    /// Open (package, id) pairs from the tracker.
    pub open: usize,
    /// Packages that could not be evaluated.
    pub cannot_evaluate: usize,
}

/// The result of a scan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// The branch scanned, when known.
    pub branch: Option<String>,
    /// The version order used (`apk2`, `apk3`).
    pub version_scheme: String,
    /// The sources of fixes, in the order given.
    pub sources: Vec<String>,
    /// Packages with a finding, by name.
    pub packages: Vec<PackageFinding>,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Counts.
    pub summary: Summary,
}

impl Report {
    /// Whether any package has a pending fix.
    pub fn has_fixable(&self) -> bool {
        self.summary.fixable > 0
    }

    /// Whether any package has an open vulnerability.
    pub fn has_open(&self) -> bool {
        self.summary.open > 0
    }
}
