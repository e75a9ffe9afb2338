//! The few tar facts an index needs: 512-byte headers (ustar or GNU), octal
//! numbers, regular files only. Used on a decompressed stream held in
//! memory ([`entries`]) and on a stream read block by block
//! ([`Header::parse`]).

use std::ops::Range;

use crate::index::IndexError;

/// The tar block size.
pub(crate) const BLOCK: usize = 512;

/// A regular-file header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) name: String,
    pub(crate) size: u64,
    pub(crate) mtime: u64,
}

fn tar_err(part: &'static str, msg: String) -> IndexError {
    IndexError::Tar {
        part,
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, msg),
    }
}

impl Header {
    /// Reads one header block found at byte `at` of `part`; `None` for a
    /// zero block (the end of the archive). The header checksum is checked;
    /// anything but a regular file is refused, as in `IndexArchive`.
    pub(crate) fn parse(
        block: &[u8],
        at: u64,
        part: &'static str,
    ) -> Result<Option<Self>, IndexError> {
        if block.len() != BLOCK {
            return Err(tar_err(part, format!("truncated tar header at byte {at}")));
        }
        if block.iter().all(|&b| b == 0) {
            return Ok(None);
        }
        let field = |r: Range<usize>| block.get(r).unwrap_or_default();
        let stored = parse_octal(field(148..156))
            .ok_or_else(|| tar_err(part, format!("bad header checksum field at byte {at}")))?;
        let sum: u64 = block
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if (148..156).contains(&i) {
                    u64::from(b' ')
                } else {
                    u64::from(b)
                }
            })
            .sum();
        if sum != stored {
            return Err(tar_err(
                part,
                format!("header checksum mismatch at byte {at}"),
            ));
        }
        let cstr = |b: &[u8]| {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(b.get(..end).unwrap_or_default()).into_owned()
        };
        let mut name = cstr(field(0..100));
        // POSIX ustar (not GNU) may split a long name into prefix/name.
        if field(257..263) == b"ustar\0" {
            let prefix = cstr(field(345..500));
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        let kind = block.get(156).copied().unwrap_or(0);
        if kind != b'0' && kind != 0 {
            return Err(IndexError::NotRegularFile {
                name,
                kind: format!("tar type {:?}", char::from(kind)),
            });
        }
        let size = parse_octal(field(124..136))
            .ok_or_else(|| tar_err(part, format!("entry {name:?}: bad size field")))?;
        let mtime = parse_octal(field(136..148)).unwrap_or(0);
        Ok(Some(Self { name, size, mtime }))
    }

    /// The size rounded up to whole blocks.
    pub(crate) fn padded_size(&self) -> u64 {
        self.size.div_ceil(BLOCK as u64) * BLOCK as u64
    }
}

/// A regular-file member located in a decompressed stream.
pub(crate) struct Entry {
    pub(crate) header: Header,
    pub(crate) data: Range<usize>,
}

/// Walks the tar headers of `data` without copying the members. Stops at
/// the first zero block or at the end of the data (abuild cuts the end
/// blocks of the signature member).
pub(crate) fn entries(data: &[u8], part: &'static str) -> Result<Vec<Entry>, IndexError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let Some(block) = data.get(pos..pos + BLOCK) {
        let Some(header) = Header::parse(block, pos as u64, part)? else {
            break;
        };
        let start = pos + BLOCK;
        let end = usize::try_from(header.size)
            .ok()
            .and_then(|s| start.checked_add(s))
            .filter(|&e| e <= data.len())
            .ok_or_else(|| {
                tar_err(
                    part,
                    format!(
                        "entry {:?} is truncated ({} bytes announced)",
                        header.name, header.size
                    ),
                )
            })?;
        pos = start + (end - start).div_ceil(BLOCK) * BLOCK;
        out.push(Entry {
            header,
            data: start..end,
        });
    }
    Ok(out)
}

/// An octal tar number field (NUL- or space-terminated, leading spaces
/// allowed); `None` when it holds anything else.
pub(crate) fn parse_octal(field: &[u8]) -> Option<u64> {
    let s = field.iter().skip_while(|&&b| b == b' ');
    let mut n: u64 = 0;
    let mut digits = 0;
    for &b in s {
        match b {
            b'0'..=b'7' => {
                n = n.checked_mul(8)?.checked_add(u64::from(b - b'0'))?;
                digits += 1;
            }
            0 | b' ' => break,
            _ => return None,
        }
    }
    (digits > 0).then_some(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn octal_fields() {
        assert_eq!(parse_octal(b"00000000400\0"), Some(256));
        assert_eq!(parse_octal(b"  0644 \0"), Some(0o644));
        assert_eq!(parse_octal(b"\0\0\0"), None);
        assert_eq!(parse_octal(b"0009\0"), None);
        assert_eq!(parse_octal(b"77777777777777777777777777"), None, "overflow");
    }

    #[test]
    fn headers_of_the_tar_crate_read_back() {
        for ustar in [false, true] {
            let mut h = if ustar {
                ::tar::Header::new_ustar()
            } else {
                ::tar::Header::new_gnu()
            };
            h.set_path("APKINDEX").unwrap();
            h.set_size(1000);
            h.set_mtime(1_600_000_000);
            h.set_entry_type(::tar::EntryType::Regular);
            h.set_cksum();
            let got = Header::parse(h.as_bytes(), 0, "index").unwrap().unwrap();
            assert_eq!(
                got,
                Header {
                    name: "APKINDEX".into(),
                    size: 1000,
                    mtime: 1_600_000_000
                }
            );
            assert_eq!(got.padded_size(), 1024);
            let mut bad = *h.as_bytes();
            bad[0] ^= 1;
            assert!(
                Header::parse(&bad, 512, "index")
                    .unwrap_err()
                    .to_string()
                    .contains("bad tar data")
            );
        }
        assert_eq!(Header::parse(&[0; BLOCK], 0, "index").unwrap(), None);
        let mut link = ::tar::Header::new_gnu();
        link.set_path("x").unwrap();
        link.set_entry_type(::tar::EntryType::Symlink);
        link.set_cksum();
        assert!(matches!(
            Header::parse(link.as_bytes(), 0, "index"),
            Err(IndexError::NotRegularFile { .. })
        ));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1200)) {
            let _ = entries(&bytes, "index");
            let _ = Header::parse(bytes.get(..BLOCK.min(bytes.len())).unwrap(), 0, "index");
        }
    }
}
