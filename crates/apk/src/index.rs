//! `APKINDEX.tar.gz`: the signed v2 repository index (`alpine-formats.md`
//! sections 2.1–2.4).
//!
//! ```no_run
//! use secfixes_apk::index::{IndexFile, Keyring, Trust};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = Keyring::from_dir("/etc/apk/keys".as_ref())?;
//! let bytes = std::fs::read("APKINDEX.tar.gz")?;
//! let index = IndexFile::parse(&bytes, &Trust::Keys(&keys))?;
//! for p in &index.packages {
//!     println!("{}-{} {}", p.name, p.version, p.origin());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! - [`archive`]: the gzip members and tar entries, and where the signed
//!   bytes start;
//! - [`signature`]: trusted keys and RSA verification;
//! - [`package`]: one record, typed, and its writer;
//! - [`checksum`], [`dependency`]: value types of the fields.
//!
//! Trust is explicit: with [`Trust::Keys`] an index that is unsigned,
//! signed by an unknown key or badly signed is an error naming the key;
//! [`Trust::KeysOrUntrusted`] checks but records the failure in
//! [`SignatureInfo`] instead; [`Trust::AllowUntrusted`] does not check.

pub mod archive;
pub mod checksum;
pub mod dependency;
pub mod package;
pub mod signature;

pub use archive::IndexArchive;
pub use checksum::{Checksum, ChecksumError, DigestAlgorithm};
pub use dependency::{Constraint, Dependency, DependencyError, VersionOp};
pub use package::{Package, UnknownField};
pub use signature::{
    KeyError, Keyring, Signature, SignatureInfo, SignatureScheme, Untrusted, Verdict,
};

use crate::stanza::{self, StanzaError};

/// How much to trust an index.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// Require a valid signature by one of these keys.
    Keys(&'a Keyring),
    /// Check with these keys, but accept an untrusted index and say why in
    /// [`SignatureInfo::verdict`].
    KeysOrUntrusted(&'a Keyring),
    /// Accept anything without checking (the verdict is
    /// [`Untrusted::NotChecked`] or [`Untrusted::Unsigned`]).
    AllowUntrusted,
}

/// Resource limits for hostile input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes all gzip members may decompress to (a gzip bomb is
    /// refused). Real indexes are below 8 MB (v3.18 community: 6.3 MB).
    pub max_decompressed: u64,
    /// Longest line of the `APKINDEX` text.
    pub max_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_decompressed: 256 << 20,
            max_line: stanza::DEFAULT_MAX_LINE,
        }
    }
}

/// Why an index cannot be read, or is refused.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Zero bytes.
    #[error("empty file: not an APKINDEX.tar.gz")]
    Empty,
    /// The data does not start with the gzip magic.
    #[error("not gzip data (starts with {start:02x?}): not an APKINDEX.tar.gz")]
    NotGzip {
        /// The first bytes.
        start: Vec<u8>,
    },
    /// Corrupt or truncated compressed data.
    #[error("corrupt or truncated gzip data in the {part}")]
    Gzip {
        /// Which part: the first gzip member or the index.
        part: &'static str,
        /// The decoder's error.
        source: std::io::Error,
    },
    /// The data decompresses to more than [`Limits::max_decompressed`].
    #[error("the {part} decompresses to more than {limit} bytes (gzip bomb?)")]
    TooLarge {
        /// Which part.
        part: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A malformed tar stream.
    #[error("bad tar data in the {part}")]
    Tar {
        /// Which part.
        part: &'static str,
        /// The tar reader's error.
        source: std::io::Error,
    },
    /// A tar entry that is not a regular file.
    #[error("tar entry {name:?} is not a regular file ({kind})")]
    NotRegularFile {
        /// The entry name.
        name: String,
        /// Its type.
        kind: String,
    },
    /// A signature member holding something else than signatures.
    #[error("the signature member holds {name:?}: it may hold only .SIGN.<ALG>.<key> entries")]
    NotSignature {
        /// The entry name.
        name: String,
    },
    /// Nothing after the signature member.
    #[error("no index data after the signature member")]
    NoIndexData,
    /// Refused: not signed by a trusted key.
    #[error("{0}")]
    Untrusted(Untrusted),
    /// `APKINDEX` or `DESCRIPTION` twice.
    #[error("tar entry {name:?} appears twice")]
    DuplicateEntry {
        /// The entry name.
        name: String,
    },
    /// A dot file such as `.PKGINFO`: this is a package, not an index.
    #[error(
        "tar entry {name:?}: a dot file other than a signature belongs to a package, not an index"
    )]
    UnexpectedDotFile {
        /// The entry name.
        name: String,
    },
    /// `DESCRIPTION` is not UTF-8.
    #[error("the DESCRIPTION entry is not UTF-8")]
    DescriptionNotUtf8,
    /// No `APKINDEX` entry.
    #[error("no APKINDEX entry in the archive")]
    MissingApkindex,
    /// The `APKINDEX` text does not parse.
    #[error("APKINDEX {0}")]
    Record(#[from] StanzaError),
}

/// A parsed, checked index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndexFile {
    /// The `DESCRIPTION` entry: the aports `git describe` it was built from.
    pub description: Option<String>,
    /// The signature verdict.
    pub signature: SignatureInfo,
    /// The packages, in index order (not sorted).
    pub packages: Vec<Package>,
}

impl IndexFile {
    /// Opens, checks and parses an `APKINDEX.tar.gz` with default limits.
    pub fn parse(bytes: &[u8], trust: &Trust<'_>) -> Result<Self, IndexError> {
        Self::parse_with_limits(bytes, trust, &Limits::default())
    }

    /// Opens, checks and parses an `APKINDEX.tar.gz`.
    pub fn parse_with_limits(
        bytes: &[u8],
        trust: &Trust<'_>,
        limits: &Limits,
    ) -> Result<Self, IndexError> {
        let archive = IndexArchive::parse(bytes, trust, limits)?;
        let packages = parse_packages_with_limit(archive.apkindex(), limits.max_line)?;
        Ok(Self {
            description: archive.description,
            signature: archive.signature,
            packages,
        })
    }
}

/// Parses plain `APKINDEX` text (the member of the archive).
pub fn parse_packages(text: &[u8]) -> Result<Vec<Package>, StanzaError> {
    parse_packages_with_limit(text, stanza::DEFAULT_MAX_LINE)
}

/// Parses plain `APKINDEX` text with a line length limit.
pub fn parse_packages_with_limit(
    text: &[u8],
    max_line: usize,
) -> Result<Vec<Package>, StanzaError> {
    let mut parser = stanza::Parser::new(text).with_max_line(max_line);
    // Records are about 400 bytes: reserve to avoid regrowing.
    let mut packages = Vec::with_capacity(text.len() / 400);
    let mut fields = Vec::with_capacity(24);
    while let Some(start) = parser.next_into(&mut fields) {
        packages.push(Package::from_fields(&fields, start?)?);
    }
    Ok(packages)
}

/// Writes packages as `APKINDEX` text, each with [`Package::write_stanza`].
pub fn write_packages(packages: &[Package]) -> String {
    let mut s = String::with_capacity(packages.len() * 400);
    for p in packages {
        // Writing to a String cannot fail.
        let _ = p.write_stanza(&mut s);
    }
    s
}
