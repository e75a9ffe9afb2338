//! Opening an input file: plain, gzip, or a zip archive holding one document.
//!
//! The decompressed bytes are counted, and hashed when a `.meta` sidecar
//! asks for it, on their way to the parser (a tee, not a second pass), so a
//! checksum costs no extra read of a file of hundreds of MB.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;
pub(crate) use crate::error::io_error;

/// The size of the buffer between the decompressor and the JSON parser. The
/// parser pulls bytes one at a time from it; larger buffers mean fewer calls
/// into the decompressor.
pub(crate) const BUFFER_SIZE: usize = 256 * 1024;

/// How a file is stored, from its first bytes (never from its name: a
/// `.json.gz` that is really plain JSON still reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// Not compressed.
    Plain,
    /// gzip (RFC 1952), possibly several members.
    Gzip,
    /// A zip archive.
    Zip,
}

impl Compression {
    /// Tells the compression from the first bytes of a file.
    pub(crate) fn of_prefix(prefix: &[u8]) -> Self {
        if prefix.starts_with(&[0x1f, 0x8b]) {
            Self::Gzip
        } else if prefix.starts_with(b"PK\x03\x04") || prefix.starts_with(b"PK\x05\x06") {
            // `PK\x05\x06` is the end-of-central-directory record that opens
            // an empty archive.
            Self::Zip
        } else {
            Self::Plain
        }
    }
}

/// A read error of the decompressor: the data is corrupt or truncated.
/// Carried inside an [`io::Error`] through the JSON parser, so that it can be
/// told apart from a failing disk and reported as [`Error::Format`].
#[derive(Debug, thiserror::Error)]
#[error("{codec} data is corrupt or truncated: {source}")]
pub(crate) struct DecodeError {
    codec: &'static str,
    #[source]
    source: io::Error,
}

/// Tags the data errors of a decompressor as [`DecodeError`].
struct Decode<R> {
    inner: R,
    codec: &'static str,
}

impl<R: Read> Read for Decode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidInput
            | io::ErrorKind::InvalidData
            | io::ErrorKind::UnexpectedEof => io::Error::new(
                e.kind(),
                DecodeError {
                    codec: self.codec,
                    source: e,
                },
            ),
            _ => e,
        })
    }
}

/// Turns an I/O error met while reading `path` (named `source_name`) into
/// the crate's error: corrupt compressed data is a format problem.
pub(crate) fn read_error(path: &Path, source_name: &str, err: io::Error) -> Error {
    if err.get_ref().is_some_and(|inner| inner.is::<DecodeError>()) {
        let message = err
            .get_ref()
            .map_or_else(|| err.to_string(), ToString::to_string);
        Error::Format {
            source_name: source_name.to_owned(),
            message,
        }
    } else {
        io_error(path, err)
    }
}

/// Reads the first `n` bytes of a file (fewer if it is shorter).
pub(crate) fn read_prefix(path: &Path, n: usize) -> Result<Vec<u8>, Error> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut prefix = Vec::with_capacity(n);
    file.take(n as u64)
        .read_to_end(&mut prefix)
        .map_err(|e| io_error(path, e))?;
    Ok(prefix)
}

/// Calls `f` with the decompressed content of `path` and the name to use for
/// it in messages: the path, or `path!member` for a zip member.
///
/// A zip must hold exactly one file, or exactly one `.json` file among
/// others; anything else is an [`Error::Format`].
pub(crate) fn with_content<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn Read, &str) -> Result<T, Error>,
) -> Result<T, Error> {
    let prefix = read_prefix(path, 4)?;
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let name = path.display().to_string();
    match Compression::of_prefix(&prefix) {
        Compression::Plain => f(&mut { file }, &name),
        Compression::Gzip => {
            let mut decoder = Decode {
                inner: flate2::read::MultiGzDecoder::new(file),
                codec: "gzip",
            };
            f(&mut decoder, &name)
        }
        Compression::Zip => {
            let mut archive = zip::ZipArchive::new(file).map_err(|e| zip_error(&name, &e))?;
            let index = single_member(&mut archive, &name)?;
            let mut member = archive.by_index(index).map_err(|e| zip_error(&name, &e))?;
            let member_name = format!("{name}!{}", member.name());
            let mut decoder = Decode {
                inner: &mut member,
                codec: "zip member",
            };
            f(&mut decoder, &member_name)
        }
    }
}

fn zip_error(name: &str, err: &zip::result::ZipError) -> Error {
    Error::Format {
        source_name: name.to_owned(),
        message: format!("not a readable zip archive: {err}"),
    }
}

/// The index of the one document in a zip archive.
fn single_member(archive: &mut zip::ZipArchive<File>, name: &str) -> Result<usize, Error> {
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| zip_error(name, &e))?;
        if entry.is_file() {
            files.push((i, entry.name().to_owned()));
        }
    }
    if let [(i, _)] = files.as_slice() {
        return Ok(*i);
    }
    let json: Vec<&(usize, String)> = files
        .iter()
        .filter(|(_, n)| n.to_ascii_lowercase().ends_with(".json"))
        .collect();
    if let [(i, _)] = json.as_slice() {
        return Ok(*i);
    }
    let names: Vec<&str> = files.iter().take(5).map(|(_, n)| n.as_str()).collect();
    Err(Error::Format {
        source_name: name.to_owned(),
        message: format!(
            "zip archive holds {} files ({}{}), expected one JSON document",
            files.len(),
            names.join(", "),
            if files.len() > names.len() {
                ", …"
            } else {
                ""
            }
        ),
    })
}

/// What went through a [`Tee`]: the byte count and, when asked for, the
/// SHA-256 of those bytes.
#[derive(Default)]
pub(crate) struct TeeState {
    bytes: u64,
    hasher: Option<Sha256>,
}

impl TeeState {
    /// A state that also hashes.
    pub(crate) fn hashing() -> Self {
        Self {
            bytes: 0,
            hasher: Some(Sha256::new()),
        }
    }

    /// Bytes seen so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The upper-case hex SHA-256 of the bytes seen (NVD `.meta` style), if
    /// hashing.
    pub(crate) fn sha256(self) -> Option<String> {
        self.hasher.map(|h| hex::encode_upper(h.finalize()))
    }
}

/// A reader that records what passes through it in a [`TeeState`].
pub(crate) struct Tee<'a> {
    inner: &'a mut dyn Read,
    state: &'a mut TeeState,
}

impl<'a> Tee<'a> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: &'a mut dyn Read, state: &'a mut TeeState) -> Self {
        Self { inner, state }
    }
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let data = buf.get(..n).unwrap_or_default();
        self.state.bytes += data.len() as u64;
        if let Some(h) = &mut self.state.hasher {
            h.update(data);
        }
        Ok(n)
    }
}

/// The decompressed content handed to a parser: buffered, counted.
///
/// It is a `BufReader` by value (not a `&mut`), because the standard
/// library reads single bytes from a `BufReader` without a call per byte,
/// which is how `serde_json::from_reader` consumes its input.
pub(crate) type Content<'a> = BufReader<Tee<'a>>;

/// An NVD `.meta` sidecar: `key:value` lines (CRLF), of which `sha256` (of
/// the uncompressed JSON, upper-case hex) and `size` (its length) are
/// checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Meta {
    /// The `.meta` file.
    pub(crate) path: PathBuf,
    /// `sha256`, upper case.
    pub(crate) sha256: String,
    /// `size`, when given.
    pub(crate) size: Option<u64>,
}

/// The `.meta` path of a data file: `nvdcve-1.1-2018.json.gz` →
/// `nvdcve-1.1-2018.meta`. `None` when the name is not `*.json[.gz|.zip]`.
pub(crate) fn meta_path(data: &Path) -> Option<PathBuf> {
    let name = data.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zip"))
        .unwrap_or(name);
    let stem = stem.strip_suffix(".json")?;
    Some(data.with_file_name(format!("{stem}.meta")))
}

/// Reads the `.meta` sidecar of `data`, if there is one.
pub(crate) fn read_meta(data: &Path) -> Result<Option<Meta>, Error> {
    let Some(path) = meta_path(data) else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(&path, e)),
    };
    parse_meta(&text, &path).map(Some)
}

/// Parses the text of a `.meta` file.
pub(crate) fn parse_meta(text: &str, path: &Path) -> Result<Meta, Error> {
    let bad = |message: String| Error::Format {
        source_name: path.display().to_string(),
        message,
    };
    let mut sha256 = None;
    let mut size = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(bad(format!(
                "line {}: expected `key:value`, found {line:?}",
                n + 1
            )));
        };
        match key {
            "sha256" => {
                if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad(format!(
                        "line {}: sha256 is not 64 hex digits: {value:?}",
                        n + 1
                    )));
                }
                sha256 = Some(value.to_ascii_uppercase());
            }
            "size" => {
                let v = value.parse::<u64>().map_err(|e| {
                    bad(format!(
                        "line {}: size is not a byte count: {value:?} ({e})",
                        n + 1
                    ))
                })?;
                size = Some(v);
            }
            _ => {}
        }
    }
    let sha256 = sha256.ok_or_else(|| bad("no sha256 line".to_owned()))?;
    Ok(Meta {
        path: path.to_path_buf(),
        sha256,
        size,
    })
}

impl Meta {
    /// Compares the sidecar with what was read.
    pub(crate) fn check(&self, source_name: &str, size: u64, sha256: &str) -> Result<(), Error> {
        if !self.sha256.eq_ignore_ascii_case(sha256) {
            return Err(Error::Checksum {
                source_name: source_name.to_owned(),
                meta: self.path.display().to_string(),
                expected: self.sha256.clone(),
                actual: sha256.to_owned(),
            });
        }
        if let Some(expected) = self.size
            && expected != size
        {
            return Err(Error::Format {
                source_name: source_name.to_owned(),
                message: format!(
                    "the uncompressed data is {size} bytes, but {} says size:{expected}",
                    self.path.display()
                ),
            });
        }
        Ok(())
    }
}

/// Reads a data file through `parse`, checking its `.meta` sidecar when one
/// exists (a note says so when none does). `parse` gets the decompressed,
/// buffered content and the input's name; it must consume the content to
/// its end (a JSON parser's `end()` does).
pub(crate) fn read_checked<T>(
    path: &Path,
    parse: impl FnOnce(Content<'_>, &str) -> Result<T, Error>,
) -> Result<(T, Vec<String>), Error> {
    let meta = read_meta(path)?;
    let mut notes = Vec::new();
    let mut state = if meta.is_some() {
        TeeState::hashing()
    } else {
        TeeState::default()
    };
    let (value, source_name) = with_content(path, |raw, source_name| {
        let content = BufReader::with_capacity(BUFFER_SIZE, Tee::new(raw, &mut state));
        let value = parse(content, source_name)?;
        Ok((value, source_name.to_owned()))
    })?;
    let size = state.bytes();
    match (meta, state.sha256()) {
        (Some(meta), Some(actual)) => meta.check(&source_name, size, &actual)?,
        _ => notes.push(format!(
            "{}: no .meta file beside it, checksum not verified",
            path.display()
        )),
    }
    Ok((value, notes))
}

/// Every file under `dir`, recursively, sorted by path (so the order is the
/// same on every machine); entries whose name starts with `.` (`.git`,
/// editor files) are skipped. A symbolic link to a file is read as the file;
/// links to directories are not followed (a link to an ancestor would loop),
/// as in the other readers' directory walk.
pub(crate) fn walk_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| io_error(&d, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&d, e))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| io_error(&path, e))?;
            if kind.is_dir() {
                stack.push(path);
            } else if !kind.is_symlink() {
                out.push(path);
            } else if !std::fs::metadata(&path)
                .map_err(|e| io_error(&path, e))?
                .is_dir()
            {
                // `metadata` follows the link: a dangling one is an error
                // naming it, as opening it would be.
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[cfg(unix)]
    #[test]
    fn walk_reads_linked_files_and_does_not_loop_on_linked_directories() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("nvd");
        std::fs::create_dir_all(root.join("2024")).unwrap();
        std::fs::write(root.join("2024/CVE-2024-0001.json"), b"{}").unwrap();
        std::fs::write(d.path().join("outside.json"), b"{}").unwrap();
        std::os::unix::fs::symlink(d.path().join("outside.json"), root.join("linked.json"))
            .unwrap();
        // A link to an ancestor: followed, the walk would never end.
        std::os::unix::fs::symlink(&root, root.join("2024/loop")).unwrap();
        assert_eq!(
            walk_files(&root).unwrap(),
            vec![
                root.join("2024/CVE-2024-0001.json"),
                root.join("linked.json")
            ]
        );
    }

    #[test]
    fn meta_paths() {
        let p = |s: &str| meta_path(Path::new(s)).map(|p| p.display().to_string());
        assert_eq!(
            p("/a/nvdcve-1.1-2018.json.gz").as_deref(),
            Some("/a/nvdcve-1.1-2018.meta")
        );
        assert_eq!(
            p("nvdcve-1.1-2019.json.zip").as_deref(),
            Some("nvdcve-1.1-2019.meta")
        );
        assert_eq!(p("x.json").as_deref(), Some("x.meta"));
        assert_eq!(
            p("nvdcve-1.1-modified.commit-e59b915.2023-08-17.json.gz").as_deref(),
            Some("nvdcve-1.1-modified.commit-e59b915.2023-08-17.meta")
        );
        assert_eq!(p("x.csv"), None);
    }

    #[test]
    fn meta_parse() {
        let text = "lastModifiedDate:2024-01-01T03:01:49-05:00\r\nsize:78105604\r\nzipSize:4150941\r\ngzSize:4150805\r\nsha256:5da259aa01761\
8C4561F74E4CDBD6376A7A3D55BAE1ECC62F243AE54BBE1C0A3\r\n";
        let m = parse_meta(text, Path::new("x.meta")).unwrap();
        assert_eq!(m.size, Some(78_105_604));
        assert_eq!(
            m.sha256,
            "5DA259AA017618C4561F74E4CDBD6376A7A3D55BAE1ECC62F243AE54BBE1C0A3"
        );
        assert!(parse_meta("size:1\r\n", Path::new("x.meta")).is_err());
        assert!(parse_meta("sha256:abc\r\n", Path::new("x.meta")).is_err());
        assert!(parse_meta("garbage\r\n", Path::new("x.meta")).is_err());
    }

    #[test]
    fn compression_magic() {
        assert_eq!(
            Compression::of_prefix(&[0x1f, 0x8b, 8, 0]),
            Compression::Gzip
        );
        assert_eq!(Compression::of_prefix(b"PK\x03\x04"), Compression::Zip);
        assert_eq!(Compression::of_prefix(b"{\"a\""), Compression::Plain);
        assert_eq!(Compression::of_prefix(b""), Compression::Plain);
    }
}
