//! The members of an input: a directory tree, a `.tar`/`.tar.gz`/`.tgz`, a
//! `.zip`, or a single (optionally gzipped) file.
//!
//! [`for_each_member`] hands every member's bytes to a callback, one at a
//! time, in a deterministic order:
//!
//! * a directory: depth first, entries sorted by file name (byte order);
//!   hidden entries (`.git`, `.github`, `.gitignore`, …) are not visited;
//! * a tar archive: the archive's own order (the stream is read once, never
//!   unpacked to disk, so it cannot be sorted without holding every member
//!   in memory; the same archive always gives the same order);
//! * a zip archive: sorted by member name (a zip has a central directory, so
//!   this costs nothing);
//! * a single file: that file.
//!
//! A member larger than [`MAX_MEMBER_SIZE`] stops the walk with an error that
//! names it: records are small, and a huge member is either the wrong input
//! or a decompression bomb. Errors name members `archive!member`.
//!
//! The end of this module holds small pieces shared by the CVE 5, OSV, KEV,
//! EPSS and Wolfi readers: timestamp parsing, JSON paths for error messages
//! and the collection of schema warnings.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use jiff::Timestamp;
use secfixes_model::Reference;

use crate::error::io_error;
use crate::{Error, Mode, RecordError, Summary};

/// The largest member read into memory: 64 MiB.
pub const MAX_MEMBER_SIZE: u64 = 64 * 1024 * 1024;

/// How an input is laid out, from its file type and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A directory tree.
    Directory,
    /// A tar archive (`.tar`, `.tar.gz`, `.tgz`); gzip is recognised by its
    /// magic bytes, not by the name.
    Tar,
    /// A zip archive (`.zip`).
    Zip,
    /// One file; a `.gz` name means gzip-compressed.
    File,
}

impl InputKind {
    /// Tells how `path` is laid out. Fails only when `path` cannot be
    /// inspected at all.
    pub fn of(path: &Path) -> Result<Self, Error> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
        if meta.is_dir() {
            return Ok(Self::Directory);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        Ok(if name.ends_with(".zip") {
            Self::Zip
        } else if name.ends_with(".tar") || name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Self::Tar
        } else {
            Self::File
        })
    }
}

/// One member handed to the callback of [`for_each_member`].
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// The member's path inside the input, `/`-separated: relative to the
    /// directory, as stored in the archive, or the file name of a single
    /// file (without its `.gz`).
    pub name: &'a str,
    /// How errors name the member: the file's path for a directory or a
    /// single file, `archive.tar.gz!member/path.json` inside an archive.
    pub source_name: &'a str,
    /// The member's bytes (decompressed).
    pub data: &'a [u8],
}

/// What a walk over an input saw, besides the members handed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    /// Members handed to the callback.
    pub members: u64,
    /// Members the filter refused (count).
    pub skipped: u64,
    /// The names of the first refused members (at most
    /// [`Walk::MAX_SKIPPED_NAMES`]).
    pub skipped_names: Vec<String>,
}

impl Walk {
    /// The most refused member names kept in [`Walk::skipped_names`].
    pub const MAX_SKIPPED_NAMES: usize = 20;

    /// A one-line note about the refused members, for [`Summary::notes`];
    /// `None` when there were none. `what` says what the kept members are.
    pub fn skipped_note(&self, what: &str) -> Option<String> {
        if self.skipped == 0 {
            return None;
        }
        let more = self.skipped.saturating_sub(self.skipped_names.len() as u64);
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        Some(format!(
            "skipped {} member(s) that are not {what}: {}{tail}",
            self.skipped,
            self.skipped_names.join(", ")
        ))
    }

    fn skip(&mut self, name: &str) {
        self.skipped += 1;
        if self.skipped_names.len() < Self::MAX_SKIPPED_NAMES {
            self.skipped_names.push(name.to_owned());
        }
    }
}

/// Calls `f` with every member of `path` whose name `accept` accepts, in
/// the order described in the [module documentation](self).
///
/// `accept` sees the member's `/`-separated name and is not consulted for a
/// single-file input (a file named explicitly is always read). An error
/// returned by `f` stops the walk and is returned as is.
pub fn for_each_member(
    path: &Path,
    accept: &dyn Fn(&str) -> bool,
    f: &mut dyn FnMut(Member<'_>) -> Result<(), Error>,
) -> Result<Walk, Error> {
    let mut walk = Walk::default();
    let mut buf = Vec::new();
    match InputKind::of(path)? {
        InputKind::Directory => walk_dir(path, path, accept, f, &mut walk, &mut buf)?,
        InputKind::Tar => walk_tar(path, accept, f, &mut walk, &mut buf)?,
        InputKind::Zip => walk_zip(path, accept, f, &mut walk, &mut buf)?,
        InputKind::File => {
            let gz = is_gz_name(path);
            let file = File::open(path).map_err(|e| io_error(path, e))?;
            let display = path.display().to_string();
            let reader: Box<dyn Read> = if gz {
                Box::new(MultiGzDecoder::new(file))
            } else {
                Box::new(file)
            };
            read_bounded(reader, &display, &mut buf)?;
            let base = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = if gz {
                base.strip_suffix(".gz").unwrap_or(&base).to_owned()
            } else {
                base
            };
            walk.members += 1;
            f(Member {
                name: &name,
                source_name: &display,
                data: &buf,
            })?;
        }
    }
    Ok(walk)
}

/// Opens a single file for streaming, decompressing it when its name ends
/// in `.gz` or its first bytes are the gzip magic.
pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead>, Error> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut reader = BufReader::new(file);
    let head = reader.fill_buf().map_err(|e| io_error(path, e))?;
    if is_gz_name(path) || head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::new(MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}

fn is_gz_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

fn format_error(source_name: &str, message: impl Into<String>) -> Error {
    Error::Format {
        source_name: source_name.to_owned(),
        message: message.into(),
    }
}

/// Reads `reader` into `buf` (cleared first), failing past
/// [`MAX_MEMBER_SIZE`].
fn read_bounded(reader: impl Read, source_name: &str, buf: &mut Vec<u8>) -> Result<(), Error> {
    buf.clear();
    reader
        .take(MAX_MEMBER_SIZE + 1)
        .read_to_end(buf)
        .map_err(|e| format_error(source_name, format!("cannot read: {e}")))?;
    if buf.len() as u64 > MAX_MEMBER_SIZE {
        return Err(too_big(source_name, None));
    }
    Ok(())
}

fn too_big(source_name: &str, size: Option<u64>) -> Error {
    let size = size.map(|s| format!(" ({s} bytes)")).unwrap_or_default();
    format_error(
        source_name,
        format!(
            "member is larger than the {} MiB limit{size}",
            MAX_MEMBER_SIZE / (1024 * 1024)
        ),
    )
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    accept: &dyn Fn(&str) -> bool,
    f: &mut dyn FnMut(Member<'_>) -> Result<(), Error>,
    walk: &mut Walk,
    buf: &mut Vec<u8>,
) -> Result<(), Error> {
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // Hidden entries are repository plumbing (.git, .github, .gitignore,
        // .yam.yaml), never data.
        if !name.starts_with('.') {
            entries.push((name, entry.path()));
        }
    }
    entries.sort();
    for (_, path) in entries {
        // symlink_metadata: a symlinked directory is not followed (no loops);
        // a symlinked file is read through the link.
        let meta = std::fs::symlink_metadata(&path).map_err(|e| io_error(&path, e))?;
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if meta.is_dir() {
            walk_dir(root, &path, accept, f, walk, buf)?;
            continue;
        }
        let is_file = meta.is_file() || (meta.file_type().is_symlink() && path.is_file());
        if !is_file {
            continue;
        }
        if !accept(&rel) {
            walk.skip(&rel);
            continue;
        }
        let display = path.display().to_string();
        let file = File::open(&path).map_err(|e| io_error(&path, e))?;
        read_bounded(file, &display, buf)?;
        walk.members += 1;
        f(Member {
            name: &rel,
            source_name: &display,
            data: buf,
        })?;
    }
    Ok(())
}

fn walk_tar(
    path: &Path,
    accept: &dyn Fn(&str) -> bool,
    f: &mut dyn FnMut(Member<'_>) -> Result<(), Error>,
    walk: &mut Walk,
    buf: &mut Vec<u8>,
) -> Result<(), Error> {
    let display = path.display().to_string();
    let reader = open_maybe_gz(path)?;
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| format_error(&display, format!("not a tar archive: {e}")))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| format_error(&display, format!("corrupt tar archive: {e}")))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if !accept(&name) {
            walk.skip(&name);
            continue;
        }
        let source_name = format!("{display}!{name}");
        let size = entry.header().size().unwrap_or(0);
        if size > MAX_MEMBER_SIZE {
            return Err(too_big(&source_name, Some(size)));
        }
        read_bounded(entry, &source_name, buf)?;
        walk.members += 1;
        f(Member {
            name: &name,
            source_name: &source_name,
            data: buf,
        })?;
    }
    Ok(())
}

fn walk_zip(
    path: &Path,
    accept: &dyn Fn(&str) -> bool,
    f: &mut dyn FnMut(Member<'_>) -> Result<(), Error>,
    walk: &mut Walk,
    buf: &mut Vec<u8>,
) -> Result<(), Error> {
    let display = path.display().to_string();
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| format_error(&display, format!("not a zip archive: {e}")))?;
    let mut order: Vec<(String, usize)> = (0..zip.len())
        .filter_map(|i| zip.name_for_index(i).map(|n| (n.to_owned(), i)))
        .collect();
    order.sort();
    for (name, index) in order {
        let source_name = format!("{display}!{name}");
        let member = zip
            .by_index(index)
            .map_err(|e| format_error(&source_name, format!("cannot read zip member: {e}")))?;
        if member.is_dir() {
            continue;
        }
        if !accept(&name) {
            walk.skip(&name);
            continue;
        }
        if member.size() > MAX_MEMBER_SIZE {
            return Err(too_big(&source_name, Some(member.size())));
        }
        read_bounded(member, &source_name, buf)?;
        walk.members += 1;
        f(Member {
            name: &name,
            source_name: &source_name,
            data: buf,
        })?;
    }
    Ok(())
}

/// The last `/`-separated component of a member name.
pub(crate) fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

// ---------------------------------------------------------------------------
// Pieces shared by the readers of this crate's CVE 5, OSV, KEV, EPSS and Wolfi
// modules.

/// Parses an RFC 3339-like timestamp. A time without a zone is UTC (the CVE
/// 5 schema says "GMT assumed"); a date alone is midnight UTC; `+0000`
/// (without the colon, as EPSS writes it) is accepted, as jiff's parser
/// takes the offset's colon as optional. The same rules as NVD's times.
pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    let s = s.trim();
    crate::nvd::common::parse_time(s).map_err(|_| format!("not a timestamp: {s:?}"))
}

/// Formats a `serde_path_to_error` path as this crate's JSON-pointer-like
/// field path (`containers/cna/affected/3/versions/0/status`).
pub(crate) fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let parts: Vec<String> = path
        .iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    }
}

/// Departures from a format's schema that do not stop a record from being
/// represented faithfully (a timestamp with `+00:00` where `Z` is required, a
/// range without `introduced`, …).
///
/// In [`Mode::Strict`] the first one makes the record bad; in
/// [`Mode::Lenient`] the record is kept and the warning is reported in the
/// read's notes (the first [`Warnings::MAX_KEPT`], then a count).
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    kept: Vec<String>,
    total: u64,
}

impl Warnings {
    pub(crate) const MAX_KEPT: usize = 100;

    /// Records `err` as a warning; in strict mode returns it as the record's
    /// error instead.
    pub(crate) fn warn(&mut self, mode: Mode, err: RecordError) -> Result<(), RecordError> {
        match mode {
            Mode::Strict => Err(err),
            Mode::Lenient => {
                self.total += 1;
                if self.kept.len() < Self::MAX_KEPT {
                    self.kept.push(format!("warning: {err}"));
                }
                Ok(())
            }
        }
    }

    /// Moves the warnings into `summary.notes`.
    pub(crate) fn into_notes(self, summary: &mut Summary) {
        let more = self.total.saturating_sub(self.kept.len() as u64);
        summary.notes.extend(self.kept);
        if more > 0 {
            summary.notes.push(format!("… and {more} more warning(s)"));
        }
    }
}

/// The first string value of `"key"` in a JSON text, found without parsing
/// it: names a record in an error message when the record cannot be parsed.
/// `None` when absent, escaped or implausible.
pub(crate) fn sniff_json_string(bytes: &[u8], key: &str) -> Option<String> {
    let needle = format!("\"{key}\"");
    let start = bytes
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())?
        + needle.len();
    let rest = bytes.get(start..)?;
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b":")?;
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b"\"")?;
    let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
    let value = std::str::from_utf8(rest.get(..end)?).ok()?;
    (!value.is_empty() && value.len() <= 128 && rest.get(end) == Some(&b'"'))
        .then(|| value.to_owned())
}

/// Adds a reference, merging with an earlier one of the same URL (tags
/// united, the first source kept).
pub(crate) fn add_reference(
    refs: &mut Vec<Reference>,
    url: &str,
    tags: &[String],
    source: Option<&str>,
) {
    if let Some(existing) = refs.iter_mut().find(|r| r.url == url) {
        for tag in tags {
            if !existing.tags.contains(tag) {
                existing.tags.push(tag.clone());
            }
        }
        return;
    }
    refs.push(Reference {
        url: url.to_owned(),
        tags: tags.to_vec(),
        source: source.map(str::to_owned),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn timestamps() {
        let utc = |s: &str| parse_timestamp(s).map(|t| t.to_string());
        assert_eq!(
            utc("2024-01-02T03:04:05Z").as_deref(),
            Ok("2024-01-02T03:04:05Z")
        );
        assert_eq!(
            utc("2024-01-02T03:04:05.5+01:00").as_deref(),
            Ok("2024-01-02T02:04:05.5Z")
        );
        assert_eq!(
            utc("2024-01-02T03:04:05+0100").as_deref(),
            Ok("2024-01-02T02:04:05Z")
        );
        assert_eq!(
            utc("2024-01-02T03:04:05-0530").as_deref(),
            Ok("2024-01-02T08:34:05Z")
        );
        assert_eq!(
            utc("2024-01-02T03:04:05.123456").as_deref(),
            Ok("2024-01-02T03:04:05.123456Z")
        );
        assert_eq!(utc("2024-01-02").as_deref(), Ok("2024-01-02T00:00:00Z"));
        for bad in [
            "",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2024-01-02T03:04:05+9999",
            "é2024-01-02T00:00é",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sniffing_ids() {
        assert_eq!(
            sniff_json_string(br#"{"a": 1, "cveId" : "CVE-2024-1"}"#, "cveId").as_deref(),
            Some("CVE-2024-1")
        );
        assert_eq!(sniff_json_string(br#"{"cveId": 7}"#, "cveId"), None);
        assert_eq!(sniff_json_string(br#"{"cveId": "a\"b"}"#, "cveId"), None);
        assert_eq!(sniff_json_string(br#"{"cveId": "x"#, "cveId"), None);
    }

    proptest! {
        #[test]
        fn parse_timestamp_never_panics(s in ".{0,40}", t in "[0-9T:+.Z-]{0,30}") {
            let _ = parse_timestamp(&s);
            let _ = parse_timestamp(&t);
        }

        #[test]
        fn sniffing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64), key in "[a-z\"]{0,4}") {
            let _ = sniff_json_string(&bytes, &key);
        }
    }
}
