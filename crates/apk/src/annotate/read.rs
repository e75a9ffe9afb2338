//! Reading an index archive whole: [`IndexData`] (with its `SECFIXES`
//! member) and the light view [`index_entries`] of the `APKINDEX` text.

use std::ops::Range;

use super::tarball;
use super::{SECFIXES_ENTRY, SecfixesIndex, SecfixesIndexError};
use crate::index::{IndexArchive, IndexError, Limits, Trust};
use crate::stanza::{self, StanzaError};

// ---------------------------------------------------------------------------
// Reading an (annotated) index archive
// ---------------------------------------------------------------------------

/// An opened, checked index archive (an [`IndexArchive`]) and its
/// `SECFIXES` member, when it has one.
///
/// The index data is decompressed once (by [`IndexArchive::parse`]) and the
/// members are slices of it; finding `SECFIXES` only reads the tar headers.
#[derive(Debug, Clone)]
pub struct IndexData {
    /// The archive: signature verdict, `DESCRIPTION`, `APKINDEX`.
    pub archive: IndexArchive,
    /// The mtime of the `APKINDEX` tar entry.
    pub apkindex_mtime: u64,
    secfixes: Option<Range<usize>>,
}

impl IndexData {
    /// Opens an `APKINDEX.tar.gz` (annotated or not), checking its
    /// signature according to `trust` ([`IndexArchive::parse`]).
    pub fn parse(bytes: &[u8], trust: &Trust<'_>, limits: &Limits) -> Result<Self, IndexError> {
        let archive = IndexArchive::parse(bytes, trust, limits)?;
        let mut secfixes = None;
        let mut apkindex_mtime = 0;
        for e in tarball::entries(archive.tar(), "index")? {
            match e.header.name.as_str() {
                "APKINDEX" => apkindex_mtime = e.header.mtime,
                SECFIXES_ENTRY if secfixes.is_some() => {
                    return Err(IndexError::DuplicateEntry {
                        name: e.header.name,
                    });
                }
                SECFIXES_ENTRY => secfixes = Some(e.data),
                _ => {}
            }
        }
        Ok(Self {
            archive,
            apkindex_mtime,
            secfixes,
        })
    }

    /// The `APKINDEX` text.
    pub fn apkindex(&self) -> &[u8] {
        self.archive.apkindex()
    }

    /// The raw `SECFIXES` member, when the index has one.
    pub fn secfixes_text(&self) -> Option<&[u8]> {
        self.secfixes
            .clone()
            .map(|r| self.archive.tar().get(r).unwrap_or_default())
    }

    /// The parsed `SECFIXES` member, when the index has one.
    pub fn secfixes(&self) -> Option<Result<SecfixesIndex, SecfixesIndexError>> {
        self.secfixes_text().map(SecfixesIndex::parse)
    }
}

// ---------------------------------------------------------------------------
// A light view of the APKINDEX text
// ---------------------------------------------------------------------------

/// The identity of one index package: what scanning and annotating need,
/// borrowed from the text (no [`crate::index::Package`] is built).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry<'a> {
    /// `P:`.
    pub name: &'a str,
    /// `V:`.
    pub version: &'a str,
    /// `o:`, or the name when absent.
    pub origin: &'a str,
    /// First line of the record.
    pub line: usize,
}

/// The `P:`, `V:` and `o:` of every record of an `APKINDEX` text, in order.
/// A record without `P:` or `V:` is an error naming its line, as in
/// [`crate::index::parse_packages`]; other fields are not interpreted, but
/// every line must still be `X:value` (the rules of [`crate::stanza`]).
///
/// This runs on every scan over megabytes of index text, so well-formed
/// input takes a fast path: one pass over the lines looking at their first
/// two bytes. Anything unusual (not UTF-8, a malformed or overlong line)
/// goes through the record parser, which names the problem.
pub fn index_entries(text: &[u8]) -> Result<Vec<IndexEntry<'_>>, StanzaError> {
    fast_index_entries(text).map_or_else(|| slow_index_entries(text), Ok)
}

/// The fast path; `None` when the input needs the record parser.
pub(super) fn fast_index_entries(bytes: &[u8]) -> Option<Vec<IndexEntry<'_>>> {
    /// The record being read.
    #[derive(Default)]
    struct Current<'a> {
        line: usize,
        name: Option<&'a str>,
        version: Option<&'a str>,
        origin: Option<&'a str>,
    }
    impl<'a> Current<'a> {
        /// Ends the record (if one started); `None` when it lacks P or V.
        fn finish(&mut self, out: &mut Vec<IndexEntry<'a>>) -> Option<()> {
            let rec = std::mem::take(self);
            if rec.line != 0 {
                let (name, version) = (rec.name?, rec.version?);
                out.push(IndexEntry {
                    name,
                    version,
                    origin: rec.origin.unwrap_or(name),
                    line: rec.line,
                });
            }
            Some(())
        }
    }

    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = Vec::with_capacity(text.len() / 400);
    let mut cur = Current::default();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for (i, end) in ends.enumerate() {
        let line = text.get(start..end)?;
        start = end + 1;
        if line.len() > stanza::DEFAULT_MAX_LINE {
            return None;
        }
        match line.as_bytes() {
            [] | [_] => cur.finish(&mut out)?,
            [letter, b':', ..] if letter.is_ascii_alphabetic() => {
                if cur.line == 0 {
                    cur.line = i + 1;
                }
                // Byte 2 follows two ASCII bytes: a char boundary.
                let value = line.get(2..)?;
                match letter {
                    b'P' => cur.name = Some(value),
                    b'V' => cur.version = Some(value),
                    b'o' => cur.origin = Some(value),
                    _ => {}
                }
            }
            _ => return None,
        }
    }
    cur.finish(&mut out)?;
    Some(out)
}

/// The record-parser path, with precise errors.
pub(super) fn slow_index_entries(text: &[u8]) -> Result<Vec<IndexEntry<'_>>, StanzaError> {
    let mut parser = stanza::Parser::new(text);
    let mut fields = Vec::with_capacity(24);
    let mut out = Vec::with_capacity(text.len() / 400);
    while let Some(start) = parser.next_into(&mut fields) {
        let line = start?;
        let (mut name, mut version, mut origin) = (None, None, None);
        for f in &fields {
            match f.letter {
                'P' => name = Some(f.value),
                'V' => version = Some(f.value),
                'o' => origin = Some(f.value),
                _ => {}
            }
        }
        let name = name.ok_or(StanzaError::missing_name(line))?;
        let version = version.ok_or(StanzaError::missing_version(line))?;
        out.push(IndexEntry {
            name,
            version,
            origin: origin.unwrap_or(name),
            line,
        });
    }
    Ok(out)
}
