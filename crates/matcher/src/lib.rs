//! The matching engine: a pure function from a snapshot (packages,
//! vulnerabilities, fixes, decisions, mapping rules) to states.
//!
//! - [`configuration`]: evaluating NVD applicability statements against a
//!   candidate product and version.

#![forbid(unsafe_code)]

pub mod configuration;
