//! Format detection and the reader for any path.
//!
//! (skeleton: `detect` and `read_path` dispatch to the format modules)

use std::path::Path;

use crate::{Error, Item, ReadOptions, Summary};

/// The formats secfixes reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// NVD JSON 1.1 feed.
    Nvd11,
    /// NVD 2.0: an API page, a 2.0 feed, a per-CVE file or a directory of them.
    Nvd20,
    /// CVE JSON 5: a record, a directory tree, or an archive of one.
    Cve5,
    /// OSV: a record, a directory, or a zip bundle.
    Osv,
    /// CISA KEV JSON.
    Kev,
    /// EPSS CSV.
    Epss,
    /// Wolfi advisories YAML (a file or a directory).
    WolfiAdvisories,
}

impl Format {
    /// A short stable name (`nvd-1.1`, `nvd-2.0`, `cve5`, `osv`, `kev`, `epss`, `wolfi`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nvd11 => "nvd-1.1",
            Self::Nvd20 => "nvd-2.0",
            Self::Cve5 => "cve5",
            Self::Osv => "osv",
            Self::Kev => "kev",
            Self::Epss => "epss",
            Self::WolfiAdvisories => "wolfi",
        }
    }
}

/// Tells the format of a path by looking at its name and first bytes.
pub fn detect(path: &Path) -> Result<Format, Error> {
    let _ = path;
    todo!("detect")
}

/// Reads any supported input, handing every item to `sink`.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<(Format, Summary), Error> {
    let _ = (path, opts, sink);
    todo!("read_path")
}
