//! The normalised domain model of secfixes.
//!
//! Every vulnerability source (NVD 1.1 and 2.0, CVE JSON 5, OSV, KEV, EPSS,
//! distribution advisories) is read into the same [`Vulnerability`] type, so
//! that the matcher, the store and the exporters see one shape. What a source
//! says is *affected* is kept in the source's own terms (an NVD configuration
//! tree, CVE 5 `affected[]`, OSV `affected[]`): the matcher interprets it, the
//! readers never flatten it.
//!
//! This crate is pure data: no I/O, no parsing of outside formats.

#![forbid(unsafe_code)]

pub mod advisory;
pub mod cve5;
pub mod id;
pub mod nvd;
pub mod osv;
pub mod tracker;
pub mod version_order;
pub mod vuln;

pub use id::{InvalidVulnId, VulnId};
pub use tracker::{
    Decision, DecisionStatus, Evidence, Fix, FixKind, Justification, OriginPackage, State,
    StateKey, StateKind,
};
pub use version_order::VersionOrder;
pub use vuln::{
    Cvss, CvssVersion, Epss, KevEntry, MetricKind, RecordStatus, Reference, SourceKind, Ssvc, Text,
    Vulnerability,
};
