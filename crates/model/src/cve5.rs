//! CVE JSON 5 `affected[]` entries, kept in the record's own terms.

use serde::{Deserialize, Serialize};

/// A CVE 5 version status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionStatus {
    /// `affected`.
    Affected,
    /// `unaffected`.
    Unaffected,
    /// `unknown` (also the schema's default for `defaultStatus`).
    Unknown,
}

/// Which container of the record an entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "container", content = "short_name")]
pub enum Container {
    /// The CNA container.
    Cna,
    /// An ADP container, with its `providerMetadata.shortName` (`CISA-ADP`).
    Adp(Option<String>),
}

/// A `changes[]` entry of a version range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionChange {
    /// The version at which the status changes.
    pub at: String,
    /// The new status.
    pub status: VersionStatus,
}

/// One `versions[]` entry: a single version, or a range when `less_than` or
/// `less_than_or_equal` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CveVersion {
    /// `version`: the single version, or the range's lower bound (`0`
    /// conventionally means the earliest).
    pub version: String,
    /// `status`.
    pub status: VersionStatus,
    /// `versionType` (`semver`, `custom`, `git`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_type: Option<String>,
    /// `lessThan` (may be `*` or end in `*`, e.g. `1.*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than: Option<String>,
    /// `lessThanOrEqual`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub less_than_or_equal: Option<String>,
    /// `changes[]`, sorted by the reader in source order (the consumer must
    /// sort them by version).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<VersionChange>,
}

/// One `affected[]` product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CveAffected {
    /// The container it came from.
    pub container: Container,
    /// `vendor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// `product`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// `collectionURL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection_url: Option<String>,
    /// `packageName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// `repo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `cpes[]` (2.3 formatted strings or 2.2 URIs, as given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpes: Vec<String>,
    /// `platforms[]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<String>,
    /// `defaultStatus`; `None` when absent (the schema then means `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_status: Option<VersionStatus>,
    /// `versions[]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<CveVersion>,
}
