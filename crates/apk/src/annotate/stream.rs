//! What a scan needs from an index, in one streaming pass: the signature
//! verdict, the `P:`/`V:`/`o:` of every package, `DESCRIPTION` and the
//! `SECFIXES` member.
//!
//! [`crate::index::IndexArchive`] inflates the whole index into memory
//! before parsing it (5.9 MB for v3.14 main + community); here the data is
//! inflated 64 KB at a time and scanned while it is in the cache, so a scan
//! neither allocates nor page-faults for megabytes it throws away. The
//! signature is checked first, over the compressed bytes, exactly as
//! `IndexArchive` does (same rules, same errors).
//!
//! Lines are checked as the record parser checks them (`X:value`, an ASCII
//! letter, at most `max_line` bytes; errors name the line), but only the
//! values of `P:`, `V:` and `o:` are decoded as UTF-8: apk itself never
//! decodes the others, and a scan never shows them. Those values are
//! appended to one text buffer (a few hundred KB for the largest index),
//! so that no record costs an allocation.

use std::io::{self, Read};

use flate2::bufread::{GzDecoder, MultiGzDecoder};

use super::tarball::{self, BLOCK, Header};
use super::{IndexEntry, SECFIXES_ENTRY};
use crate::index::archive::{check_gzip, check_signatures, read_first_member, unsigned};
use crate::index::signature::SignatureInfo;
use crate::index::{IndexError, Limits, Trust};
use crate::stanza::StanzaError;

/// The chunk the index data is inflated into.
const CHUNK: usize = 64 << 10;

/// Where one package's fields are in [`IndexSummary`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    name: (u32, u32),
    version: (u32, u32),
    /// `None`: no `o:`, the origin is the name.
    origin: Option<(u32, u32)>,
    line: usize,
}

/// The result of [`summarize_index`].
#[derive(Debug, Clone)]
pub struct IndexSummary {
    /// `DESCRIPTION`.
    pub description: Option<String>,
    /// The signatures and the verdict.
    pub signature: SignatureInfo,
    /// The raw `SECFIXES` member (see [`super::SecfixesIndex::parse`]).
    pub secfixes: Option<Vec<u8>>,
    /// The `P:`, `V:` and `o:` values, one after the other.
    text: String,
    slots: Vec<Slot>,
}

impl IndexSummary {
    /// Number of packages.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the index has no package.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The packages, in index order.
    pub fn entries(&self) -> impl Iterator<Item = IndexEntry<'_>> {
        let get = |(a, b): (u32, u32)| self.text.get(a as usize..b as usize).unwrap_or_default();
        self.slots.iter().map(move |s| {
            let name = get(s.name);
            IndexEntry {
                name,
                version: get(s.version),
                origin: s.origin.map_or(name, get),
                line: s.line,
            }
        })
    }
}

/// Reads an `APKINDEX.tar.gz` in one pass.
pub fn summarize_index(
    bytes: &[u8],
    trust: &Trust<'_>,
    limits: &Limits,
) -> Result<IndexSummary, IndexError> {
    check_gzip(bytes)?;
    // Member 1: the signatures (or, unsigned, the start of the data).
    let mut first = GzDecoder::new(bytes);
    let mut member1 = read_first_member(&mut first, limits)?;
    let rest: &[u8] = first.into_inner();
    let first_entries = tarball::entries(&member1, "first gzip member")?;
    let is_signature = first_entries
        .first()
        .is_some_and(|e| e.header.name.starts_with(".SIGN."));

    // The decompression limit covers the whole tar stream, as in
    // `IndexArchive`: the signature member, or the unsigned data from its
    // first byte (which passes through the budget below).
    let (signature, data, budget): (SignatureInfo, Box<dyn Read + '_>, u64) = if is_signature {
        let entries = first_entries.iter().map(|e| {
            let content = member1.get(e.data.clone()).unwrap_or_default().to_vec();
            (e.header.name.clone(), content)
        });
        let signature = check_signatures(entries, rest, trust)?;
        let budget = limits.max_decompressed - member1.len() as u64;
        (signature, Box::new(MultiGzDecoder::new(rest)), budget)
    } else {
        let signature = unsigned(trust)?;
        let head = io::Cursor::new(std::mem::take(&mut member1));
        let tail: Box<dyn Read + '_> = if rest.is_empty() {
            Box::new(io::empty())
        } else {
            Box::new(MultiGzDecoder::new(rest))
        };
        (
            signature,
            Box::new(head.chain(tail)),
            limits.max_decompressed,
        )
    };
    let mut data = Budget {
        inner: data,
        left: budget,
        limit: limits.max_decompressed,
    };

    let mut description = None;
    let mut secfixes = None;
    let mut scanned: Option<Scanner> = None;
    let mut block = [0u8; BLOCK];
    let mut offset = 0u64;
    let mut buf = vec![0u8; CHUNK];
    loop {
        if !read_block(&mut data, &mut block)? {
            break;
        }
        let Some(header) = Header::parse(&block, offset, "index")? else {
            break;
        };
        offset += BLOCK as u64 + header.padded_size();
        match header.name.as_str() {
            "APKINDEX" if scanned.is_some() => {
                return Err(IndexError::DuplicateEntry { name: header.name });
            }
            "APKINDEX" => {
                let mut s = Scanner::new(limits.max_line, header.size);
                let mut left = header.size;
                while left > 0 {
                    let n = usize::try_from(left).unwrap_or(CHUNK).min(CHUNK);
                    let chunk = buf.get_mut(..n).unwrap_or_default();
                    data.read_exact(chunk).map_err(|e| truncated(&header, e))?;
                    s.feed(chunk)?;
                    left -= n as u64;
                }
                s.finish()?;
                scanned = Some(s);
            }
            "DESCRIPTION" | SECFIXES_ENTRY => {
                let slot = if header.name == "DESCRIPTION" {
                    &mut description
                } else {
                    &mut secfixes
                };
                if slot.is_some() {
                    return Err(IndexError::DuplicateEntry { name: header.name });
                }
                let mut content = Vec::new();
                (&mut data)
                    .take(header.size)
                    .read_to_end(&mut content)
                    .map_err(|e| truncated(&header, e))?;
                if content.len() as u64 != header.size {
                    return Err(truncated(&header, io::ErrorKind::UnexpectedEof.into()));
                }
                *slot = Some(content);
            }
            n if n.starts_with('.') => {
                return Err(IndexError::UnexpectedDotFile { name: header.name });
            }
            // apk ignores the other members of an index.
            _ => skip(&mut data, header.size).map_err(|e| truncated(&header, e))?,
        }
        skip(&mut data, header.padded_size() - header.size).map_err(|e| truncated(&header, e))?;
    }
    let scanned = scanned.ok_or(IndexError::MissingApkindex)?;
    let description = match description {
        Some(d) => Some(String::from_utf8(d).map_err(|_| IndexError::DescriptionNotUtf8)?),
        None => None,
    };
    let (text, slots) = scanned.into_parts()?;
    Ok(IndexSummary {
        description,
        signature,
        secfixes,
        text,
        slots,
    })
}

fn truncated(header: &Header, e: io::Error) -> IndexError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => IndexError::Tar {
            part: "index",
            source: io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "entry {:?} is truncated ({} bytes announced)",
                    header.name, header.size
                ),
            ),
        },
        _ => budget_or_gzip(e),
    }
}

/// Maps a read error: the budget's own error, or a gzip error.
fn budget_or_gzip(e: io::Error) -> IndexError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<TooLarge>())
    {
        Some(TooLarge(limit)) => IndexError::TooLarge {
            part: "index",
            limit: *limit,
        },
        None => IndexError::Gzip {
            part: "index",
            source: e,
        },
    }
}

/// Reads a whole block; `false` at a clean end of stream (abuild's
/// signature member has no end blocks, and neither may the data).
fn read_block(r: &mut impl Read, block: &mut [u8; BLOCK]) -> Result<bool, IndexError> {
    let mut got = 0;
    while got < BLOCK {
        let n = r
            .read(block.get_mut(got..).unwrap_or_default())
            .map_err(budget_or_gzip)?;
        if n == 0 {
            if got == 0 {
                return Ok(false);
            }
            return Err(IndexError::Tar {
                part: "index",
                source: io::Error::new(io::ErrorKind::UnexpectedEof, "truncated tar header"),
            });
        }
        got += n;
    }
    Ok(true)
}

fn skip(r: &mut impl Read, n: u64) -> io::Result<()> {
    let copied = io::copy(&mut r.take(n), &mut io::sink())?;
    if copied != n {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// The budget error, carried inside an `io::Error`.
#[derive(Debug)]
struct TooLarge(u64);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "more than {} bytes", self.0)
    }
}

impl std::error::Error for TooLarge {}

/// Refuses to read more than `left` bytes (a gzip bomb).
struct Budget<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| io::Error::other(TooLarge(self.limit)))?;
        Ok(n)
    }
}

/// The record being read: ranges into the scanner's buffer.
#[derive(Default)]
struct Current {
    line: usize,
    name: Option<(u32, u32)>,
    version: Option<(u32, u32)>,
    origin: Option<(u32, u32)>,
}

/// The line scanner over the `APKINDEX` text, fed in chunks.
struct Scanner {
    max_line: usize,
    /// A line cut by the end of a chunk.
    carry: Vec<u8>,
    line: usize,
    cur: Current,
    /// The `P:`/`V:`/`o:` values, appended (UTF-8 checked once at the end).
    text: Vec<u8>,
    slots: Vec<Slot>,
}

impl Scanner {
    fn new(max_line: usize, size: u64) -> Self {
        // About 400 bytes a record, of which about 40 are kept.
        let records = usize::try_from(size / 400).unwrap_or(0).min(1 << 20);
        Self {
            max_line,
            carry: Vec::new(),
            line: 0,
            cur: Current::default(),
            text: Vec::with_capacity(records * 40),
            slots: Vec::with_capacity(records),
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), StanzaError> {
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', chunk) {
            let piece = chunk.get(start..nl).unwrap_or_default();
            start = nl + 1;
            if self.carry.is_empty() {
                self.on_line(piece)?;
            } else {
                let mut line = std::mem::take(&mut self.carry);
                line.extend_from_slice(piece);
                self.on_line(&line)?;
                line.clear();
                self.carry = line;
            }
        }
        self.carry
            .extend_from_slice(chunk.get(start..).unwrap_or_default());
        if self.carry.len() > self.max_line {
            return Err(StanzaError::LineTooLong {
                line: self.line + 1,
                limit: self.max_line,
            });
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), StanzaError> {
        if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            self.on_line(&line)?;
        }
        self.end_record()
    }

    fn on_line(&mut self, l: &[u8]) -> Result<(), StanzaError> {
        self.line += 1;
        let line = self.line;
        if l.len() > self.max_line {
            return Err(StanzaError::LineTooLong {
                line,
                limit: self.max_line,
            });
        }
        let (letter, value) = match l {
            [] | [_] => return self.end_record(),
            [letter, b':', value @ ..] => (*letter, value),
            _ => {
                let shown = l.get(..40).unwrap_or(l);
                return Err(StanzaError::MissingColon {
                    line,
                    found: String::from_utf8_lossy(shown).into_owned(),
                });
            }
        };
        if !letter.is_ascii_alphabetic() {
            return Err(StanzaError::InvalidLetter { line, byte: letter });
        }
        if self.cur.line == 0 {
            self.cur.line = line;
        }
        let slot = match letter {
            b'P' => &mut self.cur.name,
            b'V' => &mut self.cur.version,
            b'o' => &mut self.cur.origin,
            _ => return Ok(()),
        };
        let start = self.text.len();
        self.text.extend_from_slice(value);
        // The text of one index stays far below 4 GB (limits bound it).
        *slot = Some((
            u32::try_from(start).unwrap_or(u32::MAX),
            u32::try_from(self.text.len()).unwrap_or(u32::MAX),
        ));
        Ok(())
    }

    fn end_record(&mut self) -> Result<(), StanzaError> {
        let cur = std::mem::take(&mut self.cur);
        if cur.line == 0 {
            return Ok(());
        }
        let line = cur.line;
        let name = cur.name.ok_or(StanzaError::missing_name(line))?;
        let version = cur.version.ok_or(StanzaError::missing_version(line))?;
        self.slots.push(Slot {
            name,
            version,
            origin: cur.origin,
            line,
        });
        Ok(())
    }

    /// The text and the slots; a value that is not UTF-8 is an error naming
    /// its record's line and field.
    fn into_parts(self) -> Result<(String, Vec<Slot>), StanzaError> {
        match String::from_utf8(self.text) {
            Ok(text) => Ok((text, self.slots)),
            Err(e) => {
                let at = u32::try_from(e.utf8_error().valid_up_to()).unwrap_or(u32::MAX);
                let inside = |r: Option<(u32, u32)>| r.is_some_and(|(a, b)| a <= at && at < b);
                let (line, letter, start) = self
                    .slots
                    .iter()
                    .find_map(|s| {
                        [('P', Some(s.name)), ('V', Some(s.version)), ('o', s.origin)]
                            .into_iter()
                            .find(|(_, r)| inside(*r))
                            .map(|(l, r)| (s.line, l, r.map_or(0, |r| r.0)))
                    })
                    .unwrap_or((0, 'P', 0));
                Err(StanzaError::InvalidUtf8 {
                    line,
                    letter,
                    offset: (at - start) as usize,
                })
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::index::signature::{Untrusted, Verdict};
    use proptest::prelude::*;

    /// (name, version, origin, line) of every package.
    type Rows = Vec<(String, String, String, usize)>;

    fn scan_all(text: &[u8], chunk: usize) -> Result<Rows, StanzaError> {
        let mut s = Scanner::new(1 << 20, text.len() as u64);
        for c in text.chunks(chunk.max(1)) {
            s.feed(c)?;
        }
        s.finish()?;
        let (text, slots) = s.into_parts()?;
        let summary = IndexSummary {
            description: None,
            signature: SignatureInfo {
                signatures: Vec::new(),
                verdict: Verdict::Untrusted {
                    reason: Untrusted::Unsigned,
                },
            },
            secfixes: None,
            text,
            slots,
        };
        Ok(summary
            .entries()
            .map(|e| {
                (
                    e.name.to_owned(),
                    e.version.to_owned(),
                    e.origin.to_owned(),
                    e.line,
                )
            })
            .collect())
    }

    #[test]
    fn lines_cut_by_chunks_are_joined() {
        let text = b"P:alpha\nV:1.0-r0\no:a\n\nP:beta\nV:2-r1\n";
        for chunk in 1..text.len() + 1 {
            let rows = scan_all(text, chunk).unwrap();
            let got: Vec<_> = rows
                .iter()
                .map(|(n, v, o, l)| (n.as_str(), v.as_str(), o.as_str(), *l))
                .collect();
            assert_eq!(
                got,
                [("alpha", "1.0-r0", "a", 1), ("beta", "2-r1", "beta", 5)],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(scan_all(b"P:a\nV:1\nbad\n", 3).unwrap_err().line(), 3);
        assert!(matches!(
            scan_all(b"P:a\n\nV:1\n", 64).unwrap_err(),
            StanzaError::MissingField {
                line: 1,
                letter: 'V',
                ..
            }
        ));
        assert!(matches!(
            scan_all(b"1:x\n", 64).unwrap_err(),
            StanzaError::InvalidLetter { line: 1, .. }
        ));
        let e = scan_all(b"P:a\nV:1\n\nP:b\nV:2\no:x\xffy\n", 64).unwrap_err();
        assert_eq!(
            e,
            StanzaError::InvalidUtf8 {
                line: 4,
                letter: 'o',
                offset: 1
            }
        );
        // Other values are not decoded.
        assert_eq!(scan_all(b"P:a\nT:\xff\nV:1\n", 64).unwrap().len(), 1);
    }

    proptest! {
        /// Whatever the chunking, the scanner agrees with the record parser
        /// on well-formed UTF-8 text.
        #[test]
        fn agrees_with_index_entries(
            lines in proptest::collection::vec(prop_oneof![
                Just(String::new()),
                "[PVoAT]:[a-z0-9.+-]{0,6}",
                "[a-z]:[ -~]{0,8}",
            ], 0..30),
            chunk in 1usize..50,
        ) {
            let text = lines.join("\n");
            let expected = super::super::index_entries(text.as_bytes());
            match (expected, scan_all(text.as_bytes(), chunk)) {
                (Ok(e), Ok(rows)) => {
                    let e: Vec<_> = e.iter().map(|x| (x.name.to_owned(), x.version.to_owned(), x.origin.to_owned(), x.line)).collect();
                    prop_assert_eq!(rows, e);
                }
                (Err(e), Err(g)) => prop_assert_eq!(e.line(), g.line()),
                (e, g) => prop_assert!(false, "{:?} vs {:?}", e, g),
            }
        }
    }
}
