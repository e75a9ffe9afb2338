//! Format detection and the reader for any path.
//!
//! [`detect`] looks at the content, never only at the name: compression is
//! told by magic bytes (gzip `1f 8b`, zip `PK\3\4`, tar `ustar` at offset
//! 257), then the first bytes of the document decide:
//!
//! * JSON object: its first decisive top-level key — `CVE_Items` and the
//!   other `CVE_data_*` keys (NVD 1.1); `resultsPerPage`, `totalResults`,
//!   `format: "NVD_CVE"`, `cve`, or a `cve_item` key such as
//!   `sourceIdentifier` or `vulnStatus` (NVD 2.0); `dataType: "CVE_RECORD"`,
//!   `cveMetadata`, `containers` (CVE 5); `catalogVersion` (KEV);
//!   `schema_version`, `modified`, `affected`, `aliases`, … (OSV);
//!   `vulnerabilities` by its first element (`{cve}` → NVD 2.0, `{cveID}` →
//!   KEV). Keys shared by several formats (`id`, `published`,
//!   `references`) decide nothing. Parsing stops at the decision, so a
//!   multi-GB feed costs a few bytes.
//! * Text: `#model_version…` or a `cve,epss,…` header (EPSS); a `cveID,…`
//!   header (KEV CSV); YAML named `*.advisories.yaml` or with a top-level
//!   `advisories:` (Wolfi).
//! * An archive (tar, gzip'd tar, zip of several files): its first JSON or
//!   YAML member in archive order.
//! * xz, bzip2 and zstd data are recognised only to say that they are not
//!   read (decompress first).
//! * A directory: its first file (recursively, in path order; hidden
//!   entries, `README*`, `LICENSE*`, `*.md`, `*.txt` and `.meta` sidecars
//!   skipped) of a known format; see [`Layout`] for how it is then read.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::nvd::input::{self, Compression};
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

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an input is laid out, which decides how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// One document in one file: plain, gzip, or a zip holding one file.
    File,
    /// Many records in one archive file (`.tar.gz`, `.tar`, a zip of
    /// several files), read by the format's reader.
    Archive,
    /// A directory of record files, read as one input by the format's
    /// reader: NVD 2.0 per-CVE files or API pages (uncompressed), a CVE 5
    /// tree, OSV records, Wolfi advisories.
    RecordDirectory,
    /// A directory of complete inputs (NVD 1.1 feeds, compressed NVD 2.0
    /// feeds, KEV catalogs, EPSS files, archives): each file is an input on
    /// its own. [`read_path`] reads every file of the detected format in
    /// path order, and notes the others.
    FeedDirectory,
}

/// What [`detect_input`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The format.
    pub format: Format,
    /// The layout.
    pub layout: Layout,
    /// The file whose content decided (the path itself for a file; the
    /// first file of a known format for a directory).
    pub decided_by: PathBuf,
}

/// The most decompressed bytes looked at to tell a format.
const SNIFF_LIMIT: u64 = 16 * 1024 * 1024;
/// The most archive members looked at to tell a format.
const SNIFF_MEMBERS: usize = 64;
/// The most files of a directory looked at to tell a format.
const SNIFF_FILES: usize = 256;

/// Tells the format of a path by looking at its name and first bytes.
pub fn detect(path: &Path) -> Result<Format, Error> {
    detect_input(path).map(|d| d.format)
}

/// Tells the format and layout of a path. Unknown → [`Error::UnknownFormat`]
/// naming what was looked at.
pub fn detect_input(path: &Path) -> Result<Detected, Error> {
    let meta = std::fs::metadata(path).map_err(|e| input::io_error(path, e))?;
    if meta.is_dir() {
        return detect_dir(path);
    }
    let (format, layout) = sniff_file(path).map_err(|reason| unknown(path, reason))?;
    Ok(Detected {
        format,
        layout,
        decided_by: path.to_path_buf(),
    })
}

fn unknown(path: &Path, reason: String) -> Error {
    Error::UnknownFormat {
        path: path.to_path_buf(),
        reason,
    }
}

/// Files that are never data: skipped when sniffing a directory.
pub fn is_never_data(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    let lower = name.to_ascii_lowercase();
    lower.starts_with('.')
        || lower.starts_with("readme")
        || lower.starts_with("license")
        || lower.starts_with("licence")
        || lower.starts_with("copying")
        || lower.ends_with(".md")
        || lower.ends_with(".txt")
        || lower.ends_with(".meta")
}

fn detect_dir(dir: &Path) -> Result<Detected, Error> {
    let mut looked = Vec::new();
    let mut tried = 0;
    for file in input::walk_files(dir)? {
        if is_never_data(&file) {
            continue;
        }
        tried += 1;
        if tried > SNIFF_FILES {
            break;
        }
        match sniff_file(&file) {
            Ok((format, layout)) => {
                let layout = directory_layout(format, layout, &file)?;
                return Ok(Detected {
                    format,
                    layout,
                    decided_by: file,
                });
            }
            Err(reason) => {
                if looked.len() < 5 {
                    let rel = file.strip_prefix(dir).unwrap_or(&file);
                    looked.push(format!("{}: {reason}", rel.display()));
                }
            }
        }
    }
    let reason = if looked.is_empty() {
        "a directory with no data files".to_owned()
    } else {
        format!(
            "a directory with no file of a known format ({})",
            looked.join("; ")
        )
    };
    Err(unknown(dir, reason))
}

/// How a directory is read, from its first file of a known format.
fn directory_layout(format: Format, file_layout: Layout, file: &Path) -> Result<Layout, Error> {
    Ok(match (format, file_layout) {
        (_, Layout::Archive) => Layout::FeedDirectory,
        (Format::Nvd20, _) => {
            // Per-CVE files and API pages are plain JSON; the 2.0 feeds are
            // published compressed, one complete input per file.
            let prefix = input::read_prefix(file, 4)?;
            if Compression::of_prefix(&prefix) == Compression::Plain {
                Layout::RecordDirectory
            } else {
                Layout::FeedDirectory
            }
        }
        (Format::Cve5 | Format::Osv | Format::WolfiAdvisories, _) => Layout::RecordDirectory,
        (Format::Nvd11 | Format::Kev | Format::Epss, _) => Layout::FeedDirectory,
    })
}

/// Reads any supported input, handing every item to `sink`.
///
/// A [`Layout::FeedDirectory`] is read file by file (every file of the
/// detected format, in path order; other files are listed in the notes);
/// anything else goes to the format's own `read_path`.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<(Format, Summary), Error> {
    let detected = detect_input(path)?;
    if detected.layout != Layout::FeedDirectory {
        return read_as(detected.format, path, opts, sink).map(|s| (detected.format, s));
    }
    let mut summary = Summary::default();
    for file in input::walk_files(path)? {
        if is_never_data(&file) {
            continue;
        }
        match sniff_file(&file) {
            Ok((format, _)) if format == detected.format => {
                summary.merge(read_as(format, &file, opts, sink)?);
            }
            Ok((format, _)) => summary.notes.push(format!(
                "{}: skipped, {format} is not {}",
                file.display(),
                detected.format
            )),
            Err(reason) => summary
                .notes
                .push(format!("{}: skipped, {reason}", file.display())),
        }
    }
    Ok((detected.format, summary))
}

/// Reads `path` with the reader of `format`.
pub fn read_as(
    format: Format,
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    match format {
        Format::Nvd11 => crate::nvd11::read_path(path, opts, sink),
        Format::Nvd20 => crate::nvd20::read_path(path, opts, sink),
        Format::Cve5 => crate::cve5::read_path(path, opts, sink),
        Format::Osv => crate::osv::read_path(path, opts, sink),
        Format::Kev => crate::kev::read_path(path, opts, sink),
        Format::Epss => crate::epss::read_path(path, opts, sink),
        Format::WolfiAdvisories => crate::wolfi::read_path(path, opts, sink),
    }
}

// ---- sniffing one file ----

/// The format and layout of a file, or why none was recognised. Read
/// errors count as "not recognised" (with the error as the reason): a file
/// that cannot be read is not a feed.
fn sniff_file(path: &Path) -> Result<(Format, Layout), String> {
    let prefix = input::read_prefix(path, 512).map_err(|e| e.to_string())?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let open = || File::open(path).map_err(|e| format!("cannot open: {e}"));
    // Compressions no reader takes: say so rather than "text starting …".
    for (magic, name) in [
        (&b"\xfd7zXZ\x00"[..], "xz"),
        (b"BZh", "bzip2"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
    ] {
        if prefix.starts_with(magic) {
            return Err(format!(
                "{name}-compressed data, which is not read: decompress it first"
            ));
        }
    }
    match Compression::of_prefix(&prefix) {
        Compression::Zip => sniff_zip(open()?),
        Compression::Gzip => {
            let mut decoder = flate2::read::MultiGzDecoder::new(open()?);
            let mut head = Vec::with_capacity(512);
            (&mut decoder)
                .take(512)
                .read_to_end(&mut head)
                .map_err(|e| format!("gzip data that does not decompress: {e}"))?;
            let inner_name = name.strip_suffix(".gz").unwrap_or(&name).to_owned();
            let chained = std::io::Cursor::new(head.clone()).chain(decoder);
            if is_tar(&head) {
                sniff_tar(chained)
                    .map(|f| (f, Layout::Archive))
                    .map_err(|r| format!("gzip → tar: {r}"))
            } else {
                sniff_content(chained, &inner_name)
                    .map(|f| (f, Layout::File))
                    .map_err(|r| format!("gzip → {r}"))
            }
        }
        Compression::Plain if is_tar(&prefix) => sniff_tar(open()?)
            .map(|f| (f, Layout::Archive))
            .map_err(|r| format!("tar: {r}")),
        Compression::Plain => sniff_content(open()?, &name).map(|f| (f, Layout::File)),
    }
}

/// A POSIX tar header has `ustar` at offset 257.
fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

fn is_data_member(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.ends_with(".json") || n.ends_with(".yaml") || n.ends_with(".yml"))
        && !is_never_data(Path::new(&n))
}

/// Formats whose readers take an archive of records.
fn archive_format(format: Format, what: &str) -> Result<Format, String> {
    match format {
        Format::Cve5 | Format::Osv => Ok(format),
        other => Err(format!(
            "{what} holds {other} files; an archive of those is not read, unpack it"
        )),
    }
}

fn sniff_tar(reader: impl Read) -> Result<Format, String> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| format!("unreadable tar: {e}"))?;
    let mut looked = 0;
    let mut reasons = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("unreadable tar: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if !is_data_member(&name) {
            continue;
        }
        match sniff_content(entry, &name) {
            Ok(format) => return archive_format(format, "the archive"),
            Err(reason) if reasons.len() < 3 => reasons.push(format!("{name}: {reason}")),
            Err(_) => {}
        }
        looked += 1;
        if looked >= SNIFF_MEMBERS {
            break;
        }
    }
    Err(format!(
        "no member of a known format ({})",
        reasons.join("; ")
    ))
}

fn sniff_zip(file: File) -> Result<(Format, Layout), String> {
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("unreadable zip: {e}"))?;
    let mut members = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| format!("unreadable zip: {e}"))?;
        if entry.is_file() {
            members.push((i, entry.name().to_owned()));
        }
    }
    let data: Vec<&(usize, String)> = members.iter().filter(|(_, n)| is_data_member(n)).collect();
    // One document (the NVD feeds' `.json.zip`): the zip is a file.
    let single = match (members.as_slice(), data.as_slice()) {
        ([only], _) => Some(only),
        (_, [only]) => Some(*only),
        _ => None,
    };
    if let Some((i, name)) = single {
        let entry = archive
            .by_index(*i)
            .map_err(|e| format!("unreadable zip: {e}"))?;
        let format = sniff_content(entry, name).map_err(|r| format!("zip → {r}"))?;
        let layout = match format {
            Format::Cve5 | Format::Osv => Layout::Archive,
            _ => Layout::File,
        };
        return Ok((format, layout));
    }
    let mut reasons = Vec::new();
    for (i, name) in data.iter().take(SNIFF_MEMBERS) {
        let entry = archive
            .by_index(*i)
            .map_err(|e| format!("unreadable zip: {e}"))?;
        match sniff_content(entry, name) {
            Ok(format) => return archive_format(format, "the zip").map(|f| (f, Layout::Archive)),
            Err(reason) if reasons.len() < 3 => reasons.push(format!("{name}: {reason}")),
            Err(_) => {}
        }
    }
    Err(format!(
        "a zip of {} files, none of a known format ({})",
        members.len(),
        reasons.join("; ")
    ))
}

/// Tells the format of an uncompressed document from its first bytes.
fn sniff_content(reader: impl Read, name: &str) -> Result<Format, String> {
    let mut r = BufReader::with_capacity(64 * 1024, reader.take(SNIFF_LIMIT));
    let head = r.fill_buf().map_err(|e| format!("unreadable: {e}"))?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let Some(&first) = head.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Err("empty".to_owned());
    };
    match first {
        b'{' => sniff_json(r),
        b'[' => Err("a top-level JSON array (no supported format is one)".to_owned()),
        _ => sniff_text(head, name),
    }
}

fn sniff_text(head: &[u8], name: &str) -> Result<Format, String> {
    let text = String::from_utf8_lossy(head);
    let first_line = text.lines().next().unwrap_or_default().trim();
    let lower = first_line.to_ascii_lowercase();
    if lower.starts_with("#model_version") || lower.starts_with("cve,epss") {
        return Ok(Format::Epss);
    }
    if first_line.starts_with("cveID,") {
        return Ok(Format::Kev);
    }
    let lname = name.to_ascii_lowercase();
    let yaml = lname.ends_with(".yaml") || lname.ends_with(".yml");
    if yaml
        && (lname.ends_with(".advisories.yaml")
            || lname.ends_with(".advisories.yml")
            || text.lines().any(|l| l.trim_end() == "advisories:"))
    {
        return Ok(Format::WolfiAdvisories);
    }
    let shown: String = first_line.chars().take(40).collect();
    Err(format!(
        "text starting {shown:?}: not JSON, an EPSS or KEV CSV, or Wolfi advisories YAML"
    ))
}

/// Sentinel error message that ends a sniff once decided.
const DECIDED: &str = "format decided";

fn sniff_json(r: impl Read) -> Result<Format, String> {
    let mut state = SniffState::default();
    let mut de = serde_json::Deserializer::from_reader(r);
    let result = de::Deserializer::deserialize_map(&mut de, ObjectSniffer { state: &mut state });
    if let Some(format) = state.decided {
        return Ok(format);
    }
    match result {
        Ok(()) => Err(format!(
            "a JSON object whose keys ({}) name no known format",
            state
                .keys
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Err(e) if e.is_eof() => Err(format!(
            "JSON cut short before its format could be told: {e}"
        )),
        Err(e) => Err(format!("not valid JSON: {e}")),
    }
}

#[derive(Default)]
struct SniffState {
    decided: Option<Format>,
    keys: Vec<String>,
}

/// The format a top-level key alone proves.
fn decisive_key(key: &str) -> Option<Format> {
    Some(match key {
        "CVE_Items"
        | "CVE_data_type"
        | "CVE_data_format"
        | "CVE_data_version"
        | "CVE_data_numberOfCVEs"
        | "CVE_data_timestamp" => Format::Nvd11,
        "resultsPerPage" | "startIndex" | "totalResults" | "cve" | "sourceIdentifier"
        | "vulnStatus" | "lastModified" | "cveTags" | "descriptions" | "metrics" | "weaknesses"
        | "configurations" | "evaluatorComment" | "evaluatorSolution" | "evaluatorImpact"
        | "cisaExploitAdd" | "vendorComments" => Format::Nvd20,
        "dataVersion" | "cveMetadata" | "containers" => Format::Cve5,
        "catalogVersion" | "dateReleased" => Format::Kev,
        "schema_version" | "modified" | "aliases" | "affected" | "withdrawn" | "summary"
        | "details" | "related" | "upstream" | "database_specific" | "severity" | "credits" => {
            Format::Osv
        }
        _ => return None,
    })
}

struct ObjectSniffer<'a> {
    state: &'a mut SniffState,
}

impl<'de> Visitor<'de> for ObjectSniffer<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let decided = match key.as_str() {
                "format" => match map.next_value::<serde_json::Value>()? {
                    serde_json::Value::String(s) if s == "NVD_CVE" => Some(Format::Nvd20),
                    _ => None,
                },
                "dataType" => match map.next_value::<serde_json::Value>()? {
                    serde_json::Value::String(s) if s == "CVE_RECORD" => Some(Format::Cve5),
                    _ => None,
                },
                "vulnerabilities" => {
                    map.next_value_seed(FirstElement {
                        state: &mut *self.state,
                    })?;
                    self.state.decided
                }
                k => match decisive_key(k) {
                    Some(f) => Some(f),
                    None => {
                        map.next_value::<IgnoredAny>()?;
                        None
                    }
                },
            };
            self.state.keys.push(key);
            if let Some(format) = decided {
                self.state.decided = Some(format);
                return Err(de::Error::custom(DECIDED));
            }
        }
        Ok(())
    }
}

/// Looks at the keys of the first element of `vulnerabilities`.
struct FirstElement<'a> {
    state: &'a mut SniffState,
}

impl<'de> DeserializeSeed<'de> for FirstElement<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FirstElement<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if seq
            .next_element_seed(ElementKeys {
                state: &mut *self.state,
            })?
            .is_some()
            && self.state.decided.is_some()
        {
            return Err(de::Error::custom(DECIDED));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct ElementKeys<'a> {
    state: &'a mut SniffState,
}

impl<'de> DeserializeSeed<'de> for ElementKeys<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementKeys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let decided = match key.as_str() {
                "cve" => Some(Format::Nvd20),
                "cveID" => Some(Format::Kev),
                _ => None,
            };
            if let Some(format) = decided {
                self.state.decided = Some(format);
                return Err(de::Error::custom(DECIDED));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn sniff(text: &str) -> Result<Format, String> {
        sniff_content(text.as_bytes(), "x.json")
    }

    #[test]
    fn json_keys() {
        assert_eq!(
            sniff(r#"{"CVE_data_type": "CVE", "CVE_Items": []}"#),
            Ok(Format::Nvd11)
        );
        assert_eq!(sniff(r#"{"resultsPerPage": 1}"#), Ok(Format::Nvd20));
        assert_eq!(sniff(r#"{"format": "NVD_CVE"}"#), Ok(Format::Nvd20));
        assert_eq!(
            sniff(r#"{"id": "CVE-1", "sourceIdentifier": "x"}"#),
            Ok(Format::Nvd20)
        );
        assert_eq!(sniff(r#"{"cve": {"id": "CVE-1"}}"#), Ok(Format::Nvd20));
        assert_eq!(
            sniff(r#"{"dataType": "CVE_RECORD", "dataVersion": "5.1"}"#),
            Ok(Format::Cve5)
        );
        assert_eq!(
            sniff(r#"{"id": "GHSA-x", "modified": "2024-01-01T00:00:00Z"}"#),
            Ok(Format::Osv)
        );
        assert_eq!(
            sniff(r#"{"title": "CISA", "catalogVersion": "2025.08.25"}"#),
            Ok(Format::Kev)
        );
        assert_eq!(
            sniff(r#"{"title": "x", "vulnerabilities": [{"cveID": "CVE-1"}]}"#),
            Ok(Format::Kev)
        );
        assert_eq!(
            sniff(r#"{"vulnerabilities": [{"cve": {}}]}"#),
            Ok(Format::Nvd20)
        );
        assert_eq!(
            sniff(r#"{"vulnerabilities": [{"x": [1, {"y": 2}]}], "format": "NVD_CVE"}"#),
            Ok(Format::Nvd20)
        );
    }

    #[test]
    fn unknown_json() {
        let e = sniff(r#"{"id": "x", "published": "y", "references": []}"#).unwrap_err();
        assert!(e.contains("id, published, references"), "{e}");
        assert!(sniff(r#"{"vulnerabilities": []}"#).is_err());
        assert!(sniff("[1, 2]").unwrap_err().contains("array"));
        assert!(sniff(r#"{"a": "#).unwrap_err().contains("cut short"));
        assert!(sniff(r#"{"a" 1}"#).unwrap_err().contains("not valid JSON"));
        assert!(sniff("").unwrap_err().contains("empty"));
        assert!(sniff("   \n").unwrap_err().contains("empty"));
    }

    proptest::proptest! {
        /// Any bytes: a format or a reason, never a panic.
        #[test]
        fn sniffing_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = sniff_content(&bytes[..], "x.json");
            let _ = sniff_content(&bytes[..], "x.advisories.yaml");
        }

        /// JSON-looking prefixes cut or mutated anywhere.
        #[test]
        fn sniffing_mutated_json_never_panics(cut in 0usize..200, at in 0usize..200, byte in proptest::prelude::any::<u8>()) {
            let text = br#"{"title": "t", "vulnerabilities": [{"x": [1, {"y": null}], "cveID": "CVE-1"}], "format": "NVD_CVE"}"#;
            let mut bytes = text[..cut.min(text.len())].to_vec();
            if let Some(b) = bytes.get_mut(at) {
                *b = byte;
            }
            let _ = sniff_content(&bytes[..], "x.json");
        }
    }

    #[test]
    fn text_formats() {
        let epss =
            "#model_version:v2025.03.14,score_date:2025-12-26T12:55:00Z\ncve,epss,percentile\n";
        assert_eq!(sniff_content(epss.as_bytes(), "e.csv"), Ok(Format::Epss));
        assert_eq!(
            sniff_content(&b"cve,epss,percentile\n"[..], "e.csv"),
            Ok(Format::Epss)
        );
        assert_eq!(
            sniff_content(&b"cveID,vendorProject\n"[..], "k.csv"),
            Ok(Format::Kev)
        );
        assert_eq!(
            sniff_content(&b"schema-version: 2.0.2\n"[..], "age.advisories.yaml"),
            Ok(Format::WolfiAdvisories)
        );
        assert_eq!(
            sniff_content(
                &b"package:\n  name: x\nadvisories:\n  - id: CGA-1\n"[..],
                "x.yaml"
            ),
            Ok(Format::WolfiAdvisories)
        );
        assert!(sniff_content(&b"name: x\n"[..], "x.yaml").is_err());
        assert!(
            sniff_content(&b"hello"[..], "x.txt")
                .unwrap_err()
                .contains("\"hello\"")
        );
    }
}
