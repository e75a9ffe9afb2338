//! The `APKINDEX.tar.gz` container: gzip members, tar entries, signature.
//!
//! Layout (`alpine-formats.md` 2.2): concatenated gzip members that
//! decompress, in sequence, to one tar stream. In a signed index, member 1
//! holds only `.SIGN.<ALG>.<keyname>` entries (without tar end blocks), and
//! the signature covers the raw compressed bytes of everything after it.
//! The rest holds `DESCRIPTION` (optional) and `APKINDEX`.
//!
//! Member 1 is found at the byte level: `flate2::bufread::GzDecoder` over a
//! slice consumes exactly one member (header, deflate stream, 8-byte
//! trailer), so what is left of the slice is the signed data.

use std::io::{self, Read};
use std::ops::Range;

use flate2::bufread::{GzDecoder, MultiGzDecoder};

use super::signature::{self, Signature, SignatureInfo, Untrusted, Verdict};
use super::{IndexError, Limits, Trust};

/// The gzip magic bytes.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// An index archive, opened and checked, before its text is parsed.
#[derive(Clone, PartialEq, Eq)]
pub struct IndexArchive {
    /// The `DESCRIPTION` entry (e.g. `v3.17.3-216-g54a39ace82a`).
    pub description: Option<String>,
    /// The signatures and the verdict.
    pub signature: SignatureInfo,
    /// Where the signed data starts: the compressed size of the signature
    /// member (0 when the index is unsigned).
    pub signed_offset: usize,
    /// The decompressed tar stream of the index part.
    data: Vec<u8>,
    /// Where `APKINDEX` is in `data`.
    apkindex: Range<usize>,
}

impl std::fmt::Debug for IndexArchive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexArchive")
            .field("description", &self.description)
            .field("signature", &self.signature)
            .field("signed_offset", &self.signed_offset)
            .field("tar_bytes", &self.data.len())
            .field("apkindex_bytes", &self.apkindex.len())
            .finish()
    }
}

/// Reads `reader` to its end, refusing more than `limit` bytes.
fn read_bounded(
    reader: impl Read,
    limit: u64,
    part: &'static str,
    hint: usize,
) -> Result<Vec<u8>, IndexError> {
    // Start near the expected size to avoid regrowing (and copying) the
    // buffer; the limit still bounds what is read.
    let mut out = Vec::with_capacity(hint.min(usize::try_from(limit).unwrap_or(usize::MAX)));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|source| IndexError::Gzip { part, source })?;
    if out.len() as u64 > limit {
        return Err(IndexError::TooLarge { part, limit });
    }
    Ok(out)
}

/// A regular-file tar entry: its name and where its bytes are.
struct TarFile {
    name: String,
    range: Range<usize>,
}

/// Every entry of a tar stream held in memory; anything but a regular file
/// is refused (the index never has one, and apk ignores them). Entries are
/// not copied: a regular file's bytes are contiguous in the stream.
fn tar_files(data: &[u8], part: &'static str) -> Result<Vec<TarFile>, IndexError> {
    let tar_err = |source| IndexError::Tar { part, source };
    let mut archive = tar::Archive::new(data);
    let mut files = Vec::new();
    for entry in archive.entries().map_err(tar_err)? {
        let entry = entry.map_err(tar_err)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if !kind.is_file() {
            return Err(IndexError::NotRegularFile {
                name,
                kind: format!("{kind:?}"),
            });
        }
        let range = usize::try_from(entry.raw_file_position())
            .ok()
            .zip(usize::try_from(entry.size()).ok())
            .and_then(|(start, len)| Some(start..start.checked_add(len)?))
            .filter(|r| r.end <= data.len());
        let Some(range) = range else {
            let msg = format!(
                "entry {name:?} is truncated ({} bytes announced)",
                entry.size()
            );
            return Err(tar_err(io::Error::new(io::ErrorKind::UnexpectedEof, msg)));
        };
        files.push(TarFile { name, range });
    }
    Ok(files)
}

impl IndexArchive {
    /// Opens an `APKINDEX.tar.gz`, checks its signature according to
    /// `trust`, and extracts `DESCRIPTION` and `APKINDEX`.
    pub fn parse(bytes: &[u8], trust: &Trust<'_>, limits: &Limits) -> Result<Self, IndexError> {
        check_gzip(bytes)?;

        // Member 1, split off at the byte level.
        let mut first = GzDecoder::new(bytes);
        let member1 = read_first_member(&mut first, limits)?;
        let rest: &[u8] = first.into_inner();
        let member1_len = bytes.len() - rest.len();

        let first_entries = tar_files(&member1, "first gzip member")?;
        let is_signature_member = first_entries
            .first()
            .is_some_and(|f| f.name.starts_with(".SIGN."));

        let (signature, signed_offset, data) = if is_signature_member {
            let entries = first_entries
                .into_iter()
                .map(|f| (f.name, member1[f.range].to_vec()));
            // Refused, when it must be, before anything else is inflated.
            let signature = check_signatures(entries, rest, trust)?;
            let budget = limits.max_decompressed - member1.len() as u64;
            let data = read_bounded(
                MultiGzDecoder::new(rest),
                budget,
                "index",
                rest.len().saturating_mul(4),
            )?;
            (signature, member1_len, data)
        } else {
            // An unsigned index: every member is index data.
            let signature = unsigned(trust)?;
            let mut data = member1;
            if !rest.is_empty() {
                let budget = limits.max_decompressed - data.len() as u64;
                data.extend(read_bounded(
                    MultiGzDecoder::new(rest),
                    budget,
                    "index",
                    rest.len().saturating_mul(4),
                )?);
            }
            (signature, 0, data)
        };

        let mut description = None;
        let mut apkindex = None;
        for f in tar_files(&data, "index")? {
            match f.name.as_str() {
                "APKINDEX" if apkindex.is_some() => {
                    return Err(IndexError::DuplicateEntry { name: f.name });
                }
                "APKINDEX" => apkindex = Some(f.range),
                "DESCRIPTION" if description.is_some() => {
                    return Err(IndexError::DuplicateEntry { name: f.name });
                }
                "DESCRIPTION" => {
                    let text = std::str::from_utf8(&data[f.range])
                        .map_err(|_| IndexError::DescriptionNotUtf8)?;
                    description = Some(text.to_owned());
                }
                // apk: a dot file other than a signature marks a package.
                n if n.starts_with('.') => {
                    return Err(IndexError::UnexpectedDotFile { name: f.name });
                }
                // apk ignores other files of an index.
                _ => {}
            }
        }
        let apkindex = apkindex.ok_or(IndexError::MissingApkindex)?;
        Ok(Self {
            description,
            signature,
            signed_offset,
            data,
            apkindex,
        })
    }

    /// The raw `APKINDEX` text.
    pub fn apkindex(&self) -> &[u8] {
        // The range was checked against `data` when the tar was read.
        self.data.get(self.apkindex.clone()).unwrap_or_default()
    }

    /// The decompressed tar stream of the index part.
    pub fn tar(&self) -> &[u8] {
        &self.data
    }
}

/// Refuses what is not gzip (an empty input has its own error).
pub(crate) fn check_gzip(bytes: &[u8]) -> Result<(), IndexError> {
    match bytes {
        [] => Err(IndexError::Empty),
        [a, b, ..] if [*a, *b] == GZIP_MAGIC => Ok(()),
        _ => Err(IndexError::NotGzip {
            start: bytes.get(..4).unwrap_or(bytes).to_vec(),
        }),
    }
}

/// Inflates the first gzip member within the decompression limit.
pub(crate) fn read_first_member(
    first: &mut GzDecoder<&[u8]>,
    limits: &Limits,
) -> Result<Vec<u8>, IndexError> {
    read_bounded(first, limits.max_decompressed, "first gzip member", 4096)
}

/// The signatures of a signature member (`entries`: tar name and bytes)
/// checked over the compressed `rest` as `trust` asks; an untrusted verdict
/// is an error unless the caller allows untrusted input.
pub(crate) fn check_signatures(
    entries: impl Iterator<Item = (String, Vec<u8>)>,
    rest: &[u8],
    trust: &Trust<'_>,
) -> Result<SignatureInfo, IndexError> {
    let mut signatures = Vec::new();
    for (name, bytes) in entries {
        let sig = Signature::from_entry(&name, bytes).ok_or(IndexError::NotSignature { name })?;
        signatures.push(sig);
    }
    if rest.is_empty() {
        return Err(IndexError::NoIndexData);
    }
    let verdict = match trust {
        Trust::AllowUntrusted => Verdict::Untrusted {
            reason: Untrusted::NotChecked,
        },
        Trust::Keys(keys) | Trust::KeysOrUntrusted(keys) => {
            signature::verify(&signatures, rest, keys)
        }
    };
    refuse_unless_allowed(trust, &verdict)?;
    Ok(SignatureInfo {
        signatures,
        verdict,
    })
}

/// The signature information of an unsigned index, or the refusal.
pub(crate) fn unsigned(trust: &Trust<'_>) -> Result<SignatureInfo, IndexError> {
    let verdict = Verdict::Untrusted {
        reason: Untrusted::Unsigned,
    };
    refuse_unless_allowed(trust, &verdict)?;
    Ok(SignatureInfo {
        signatures: Vec::new(),
        verdict,
    })
}

/// Turns an untrusted verdict into an error when the caller requires trust.
fn refuse_unless_allowed(trust: &Trust<'_>, verdict: &Verdict) -> Result<(), IndexError> {
    match (trust, verdict) {
        (Trust::Keys(_), Verdict::Untrusted { reason }) => {
            Err(IndexError::Untrusted(reason.clone()))
        }
        _ => Ok(()),
    }
}
