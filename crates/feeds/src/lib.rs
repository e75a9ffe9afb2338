//! Streaming readers of every vulnerability source, into the normalised
//! model of `secfixes-model`.
//!
//! Every reader streams: memory does not grow with the size of the input (an
//! NVD year is hundreds of MB). Records are handed to a sink one by one.
//! Bad records are reported with the source, the record id and the field,
//! and are skipped or fail the read according to [`Mode`]. No reader panics
//! on any input.
//!
//! | module | formats |
//! |---|---|
//! | [`nvd11`] | NVD JSON 1.1 feeds (`.json`, `.json.gz`, `.json.zip`), `.meta` checksum |
//! | [`nvd20`] | NVD API 2.0 pages, 2.0 feeds, directories of per-CVE 2.0 files |
//! | [`cve5`] | CVE JSON 5 records: a file, a cvelistV5-style tree, a `.tar.gz`/`.zip` of one |
//! | [`osv`] | OSV records: a file, a directory, an `all.zip` bundle |
//! | [`kev`] | CISA KEV JSON |
//! | [`epss`] | EPSS CSV (plain or gzip) |
//! | [`wolfi`] | Wolfi `*.advisories.yaml` (a file or a directory) |
//!
//! [`detect()`] tells the format of a path; [`read_path`] reads any of them.

#![forbid(unsafe_code)]

pub mod archive;
pub mod cve5;
pub mod detect;
pub mod epss;
pub mod error;
pub mod kev;
mod nvd;
pub mod nvd11;
pub mod nvd20;
pub mod osv;
pub mod wolfi;

pub use detect::{Format, detect, read_path};
pub use error::{Error, Mode, RecordError, Summary};

use secfixes_model::{Epss, KevEntry, VulnId, Vulnerability};

/// One item read from a source.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A vulnerability record (NVD, CVE 5, OSV, distribution advisory).
    Vulnerability(Box<Vulnerability>),
    /// A KEV catalog entry for a CVE.
    Kev(VulnId, KevEntry),
    /// An EPSS score for a CVE.
    Epss(VulnId, Epss),
}

/// Options shared by every reader.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// What to do with a bad record.
    pub mode: Mode,
}
