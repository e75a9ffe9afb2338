//! A distribution's own advisories (Wolfi / Chainguard `*.advisories.yaml`).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// All advisories of one package, or one advisory, in the distribution's
/// terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistroAdvisory {
    /// The distribution (`wolfi`).
    pub distro: String,
    /// The (origin) package the advisory is about.
    pub package: String,
    /// Events in file order.
    pub events: Vec<AdvisoryEvent>,
}

/// One event of an advisory's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryEvent {
    /// When it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// What happened.
    pub kind: AdvisoryEventKind,
}

/// The kinds of events (wolfi-dev/advisories `docs/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum AdvisoryEventKind {
    /// A scanner detected the vulnerability in the package.
    Detection {
        /// Free-form detail (scanner, CPE, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// An analyst confirmed the package is affected.
    TruePositiveDetermination {
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// An analyst determined the package is not affected.
    FalsePositiveDetermination {
        /// The determination type (`vulnerable-code-not-included-in-package`, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Fixed in the given package version.
    Fixed {
        /// The full package version that carries the fix.
        fixed_version: String,
    },
    /// Affected; waiting for upstream.
    PendingUpstreamFix {
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Affected; no fix will be made.
    FixNotPlanned {
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// Analysis will not be done.
    AnalysisNotPlanned {
        /// Why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// An event type this version does not know, kept by name.
    Other {
        /// The type as written.
        name: String,
    },
}
