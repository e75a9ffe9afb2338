//! The matching engine: a pure function from a snapshot (packages,
//! vulnerabilities, fixes, decisions, mapping rules) to states.
//!
//! - [`rules`]: mapping source product names to origin packages (data).
//! - [`products`]: the product keys a record names.
//! - [`configuration`]: evaluating NVD applicability statements against a
//!   candidate product and version; [`nvd`] applies it to records.
//! - [`cve5`], [`osv`]: evaluating CVE 5 and OSV `affected[]` entries.
//! - [`versions`]: comparing upstream versions with apk versions.
//! - [`engine`]: the snapshot → states computation.

#![forbid(unsafe_code)]

pub mod configuration;
pub mod cve5;
pub mod engine;
pub mod nvd;
pub mod osv;
pub mod outcome;
pub mod products;
pub mod rules;
pub mod versions;

pub use engine::{Snapshot, compute};
pub use outcome::Outcome;
pub use products::{package_names, record_products, versioned_stem};
pub use rules::{MappingRules, ProductKey};
