//! OSV `affected[]` entries.

use serde::{Deserialize, Serialize};

/// One range event. OSV allows exactly one key per event object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OsvEvent {
    /// `introduced` (`"0"` means from the beginning).
    Introduced(String),
    /// `fixed`.
    Fixed(String),
    /// `last_affected`.
    LastAffected(String),
    /// `limit`.
    Limit(String),
}

/// A range's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OsvRangeKind {
    /// `SEMVER`.
    Semver,
    /// `ECOSYSTEM`: versions in the ecosystem's own order (apk order for
    /// `Alpine:*`).
    Ecosystem,
    /// `GIT`: commit hashes.
    Git,
    /// A type this version of secfixes does not know, kept by name.
    #[serde(untagged)]
    Other(String),
}

/// One `ranges[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRange {
    /// `type`.
    pub kind: OsvRangeKind,
    /// `repo` (GIT ranges).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// `events`, in source order.
    pub events: Vec<OsvEvent>,
}

/// One `affected[]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvAffected {
    /// `package.ecosystem` (`Alpine:v3.20`, `PyPI`, `Wolfi`). A string, not
    /// an enum: new ecosystems appear often and must not fail an import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
    /// `package.name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `package.purl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// `ranges[]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<OsvRange>,
    /// `versions[]`: enumerated affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}
