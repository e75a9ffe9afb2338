//! Security data inside a signed `APKINDEX.tar.gz`: the `SECFIXES` member.
//!
//! A distribution already signs its index; carrying the secdb data inside
//! it lets a client (`secfixes scan --index`) learn which ids each
//! available package version fixes from one signed download, with no
//! second trust channel.
//!
//! # Where the data goes, and why not in a field
//!
//! The obvious place, an extra lowercase field in each `APKINDEX` stanza,
//! is ignored by apk-tools, but not silently: `apk_pkgtmpl_add_info`
//! (`src/package.c`, 2.x `apk_pkg_add_info`) sets `db->compat_newfeatures`
//! for any unknown field ("lower case index entries are safe to be
//! ignored"), and `apk_db_open` (`src/database.c`, 2.14-stable and master)
//! then prints `WARNING: This apk-tools is OLD! Some packages might not
//! function properly.` on **every** command that loads the repositories
//! (`apk add`, `upgrade`, `info`, `search`, …). An unknown uppercase field is
//! worse: the package becomes uninstallable. The installed-db letters
//! (`F M R Z r q a s f`, and `g` on 3.x) are skipped without a warning in an
//! index, but they have a meaning in the installed database, and a future
//! apk is free to read them from indexes.
//!
//! So the data is an **extra tar member** of the signed stream instead:
//! - apk reads only `DESCRIPTION` and `APKINDEX` from an index and skips any
//!   other non-dot member: `load_apkindex` (`src/database.c@2.14-stable`)
//!   compares the name with those two and returns 0 otherwise;
//!   `apk_extract_v2_entry` (`src/extract_v2.c@master`) does the same once
//!   the stream is an index. The name must not start with `.` (a dot file
//!   marks a package, and mixing both is `-APKE_V2NDX_FORMAT`).
//! - It must sit in the **same gzip member** as `APKINDEX`: apk 3's
//!   `apk_sign_ctx_mpart_cb` fails with `-APKE_FORMAT_INVALID` on a gzip
//!   member boundary after the data started (2.14 tolerates it, setting
//!   `has_multiple_data_parts`).
//! - The signature covers it like the rest (it is part of the compressed
//!   bytes after the signature member), so the security data is exactly as
//!   trustworthy as the package list.
//!
//! # Layout written by [`annotate`]
//!
//! Member 1: one `.SIGN.RSA.<keyname>` (or `.SIGN.RSA256.<keyname>`) tar
//! entry, without tar end blocks, gzip (as `abuild-sign` writes it).
//! Member 2: tar entries `DESCRIPTION` (when the input had one, unchanged),
//! `APKINDEX` (byte-identical to the input's), `SECFIXES`, then two zero
//! blocks; GNU tar headers, mode 0644, owner 0:0 `root`, the mtime of the
//! input's `APKINDEX`; gzip level 9, no name, mtime 0. The signature is RSA
//! PKCS#1 v1.5 over SHA-1 (SHA-256 for `RSA256`) of the compressed member 2.
//!
//! # The `SECFIXES` member, format version 1
//!
//! UTF-8 text in the record syntax of `APKINDEX` itself (`X:value` lines,
//! records separated by a blank line; [`crate::stanza`]):
//!
//! ```text
//! v:1
//! s:v3.14/main
//! s:v3.14/community
//!
//! o:openssl
//! V:1.1.1l-r0
//! f:1.1.1j-r0 CVE-2021-23841 CVE-2021-23840 CVE-2021-23839
//! f:1.1.1k-r0 CVE-2021-3450 CVE-2021-3449
//! f:1.1.1l-r0 CVE-2021-3711 CVE-2021-3712
//! n:CVE-2022-1292
//! ```
//!
//! - The first record is the header: `v:` the format version (`1`), then one
//!   `s:` per secdb document the data came from (`<distroversion>/<reponame>`).
//! - Then one record per (origin, version) present in the index, sorted by
//!   origin then version (byte order). It applies to **every package of the
//!   index whose `o:` and `V:` are these** (a subpackage such as `libssl1.1`
//!   has `o:openssl`); a package without `o:` is its own origin.
//! - `f:<fixed version> <id>…`: one line per secdb key of that origin whose
//!   version is **lower than or equal to** `V:` in apk order, ascending: every
//!   fix this package version contains, each with the version that brought
//!   it, so that a client with an older version installed knows which ids an
//!   upgrade closes and from which version on. Ids are those
//!   [`crate::secfixes::split_entry`] finds in the secdb entry strings,
//!   without duplicates, in secdb order.
//! - `n:<id>…`: ids of the secdb key `0` (not affected), when there are any.
//! - Keys that are not valid apk versions are left out (the annotator
//!   reports them), as is a record with nothing to say.
//! - Readers ignore unknown lowercase letters and refuse unknown uppercase
//!   ones, as apk does with index fields, so that later versions can add
//!   optional data.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::ops::Range;

use flate2::{Compression, GzBuilder};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use secfixes_model::VulnId;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use crate::index::{IndexArchive, IndexError, Limits, SignatureInfo, Trust};

mod stream;
mod tarball;

pub use stream::{IndexSummary, summarize_index};
use crate::secdb::Secdb;
use crate::stanza::{self, StanzaError};
use crate::version::{Scheme, SchemedVersion};

/// The tar member name of the security data.
pub const SECFIXES_ENTRY: &str = "SECFIXES";

/// The format version [`SecfixesIndex::to_text`] writes and the reader
/// accepts.
pub const FORMAT_VERSION: u32 = 1;

use self::tarball::BLOCK;

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
                SECFIXES_ENTRY if secfixes.is_some() => return Err(IndexError::DuplicateEntry { name: e.header.name }),
                SECFIXES_ENTRY => secfixes = Some(e.data),
                _ => {}
            }
        }
        Ok(Self { archive, apkindex_mtime, secfixes })
    }

    /// The `APKINDEX` text.
    pub fn apkindex(&self) -> &[u8] {
        self.archive.apkindex()
    }

    /// The raw `SECFIXES` member, when the index has one.
    pub fn secfixes_text(&self) -> Option<&[u8]> {
        self.secfixes.clone().map(|r| self.archive.tar().get(r).unwrap_or_default())
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
fn fast_index_entries(bytes: &[u8]) -> Option<Vec<IndexEntry<'_>>> {
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
                out.push(IndexEntry { name, version, origin: rec.origin.unwrap_or(name), line: rec.line });
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
fn slow_index_entries(text: &[u8]) -> Result<Vec<IndexEntry<'_>>, StanzaError> {
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
        let name = name.ok_or(StanzaError::MissingField { line, letter: 'P', what: "package name" })?;
        let version = version.ok_or(StanzaError::MissingField { line, letter: 'V', what: "version" })?;
        out.push(IndexEntry { name, version, origin: origin.unwrap_or(name), line });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The SECFIXES member
// ---------------------------------------------------------------------------

/// One `f:` line: a fixed version and the ids it fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixLine {
    /// The secdb key (a valid apk version when written by [`annotate`]).
    pub version: String,
    /// The ids.
    pub ids: Vec<VulnId>,
}

/// The security data of one (origin, version) of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecfixesRecord {
    /// `o:`.
    pub origin: String,
    /// `V:`.
    pub version: String,
    /// `f:` lines: every fix this version contains.
    pub fixes: Vec<FixLine>,
    /// `n:`: ids recorded as not affecting the origin (secdb key `0`).
    pub not_affected: Vec<VulnId>,
}

/// The parsed `SECFIXES` member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecfixesIndex {
    /// `s:` lines of the header: the secdb documents used.
    pub sources: Vec<String>,
    /// The records, in member order.
    pub records: Vec<SecfixesRecord>,
}

/// Why a `SECFIXES` member cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecfixesIndexError {
    /// The record syntax is broken.
    #[error("SECFIXES {0}")]
    Syntax(#[from] StanzaError),
    /// The first record is not a header with `v:`.
    #[error("SECFIXES: the first record has no v: (format version) field")]
    NoHeader,
    /// A format version this reader does not know.
    #[error("SECFIXES: format version {found:?} is not supported (this reader knows {FORMAT_VERSION})")]
    Version {
        /// The `v:` value.
        found: String,
    },
    /// A bad field.
    #[error("SECFIXES line {line}, field {letter}: {reason}")]
    Field {
        /// Line.
        line: usize,
        /// Letter.
        letter: char,
        /// What is wrong.
        reason: String,
    },
}

/// A secdb key that the annotator left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedKey {
    /// The origin.
    pub origin: String,
    /// The key as written.
    pub key: String,
    /// Why.
    pub reason: String,
}

/// What [`SecfixesIndex::build`] left out, for the annotator's report.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct BuildReport {
    /// Keys that are not valid apk versions.
    pub invalid_keys: Vec<SkippedKey>,
    /// Index packages (name, version) whose version is not valid: no fix can
    /// be placed below them.
    pub invalid_versions: Vec<(String, String)>,
}

/// One origin's secdb data, merged over documents.
#[derive(Default)]
struct OriginData {
    /// Valid keys: version → ids (deduplicated, in order).
    fixes: Vec<(SchemedVersion, Vec<VulnId>)>,
    not_affected: Vec<VulnId>,
}

fn push_unique(v: &mut Vec<VulnId>, ids: impl IntoIterator<Item = VulnId>) {
    for id in ids {
        if !v.contains(&id) {
            v.push(id);
        }
    }
}

impl SecfixesIndex {
    /// Builds the data for the (origin, version) pairs of an index from
    /// secdb documents (merged: an origin present in several documents gets
    /// the union of their keys), comparing versions with `scheme` (the
    /// order of the apk-tools of the index's branch: a key such as
    /// `1.9.5p2-r0` is valid for apk-tools 2 only).
    pub fn build<'a, I>(packages: I, secdbs: &[&Secdb], scheme: Scheme) -> (Self, BuildReport)
    where
        I: IntoIterator<Item = IndexEntry<'a>>,
    {
        let mut report = BuildReport::default();
        let mut by_origin: HashMap<&str, OriginData> = HashMap::new();
        for db in secdbs {
            for pkg in &db.packages {
                let data = by_origin.entry(pkg.name.as_str()).or_default();
                for entry in &pkg.secfixes {
                    let ids = entry.fixes.iter().flat_map(|s| crate::secfixes::split_entry(s).ids);
                    // Key `0` means "not affected", never a version.
                    if entry.version == "0" {
                        push_unique(&mut data.not_affected, ids);
                        continue;
                    }
                    match scheme.parse(&entry.version) {
                        Ok(v) => match data.fixes.iter_mut().find(|(k, _)| *k == v) {
                            Some((_, existing)) => push_unique(existing, ids),
                            None => {
                                let mut list = Vec::new();
                                push_unique(&mut list, ids);
                                data.fixes.push((v, list));
                            }
                        },
                        Err(error) => report.invalid_keys.push(SkippedKey {
                            origin: pkg.name.clone(),
                            key: entry.version.clone(),
                            reason: error.to_string(),
                        }),
                    }
                }
            }
        }
        for data in by_origin.values_mut() {
            data.fixes.sort_by(|a, b| a.0.cmp(&b.0));
        }

        // One record per (origin, version), sorted.
        let mut wanted: BTreeMap<(&str, &str), ()> = BTreeMap::new();
        for p in packages {
            if by_origin.contains_key(p.origin) {
                if !scheme.validate(p.version) {
                    report.invalid_versions.push((p.name.to_owned(), p.version.to_owned()));
                    continue;
                }
                wanted.insert((p.origin, p.version), ());
            }
        }
        let mut records = Vec::with_capacity(wanted.len());
        for (origin, version) in wanted.into_keys() {
            let (Some(data), Ok(v)) = (by_origin.get(origin), scheme.parse(version)) else {
                continue;
            };
            let fixes: Vec<FixLine> = data
                .fixes
                .iter()
                .filter(|(k, ids)| *k <= v && !ids.is_empty())
                .map(|(k, ids)| FixLine { version: k.as_str().to_owned(), ids: ids.clone() })
                .collect();
            if fixes.is_empty() && data.not_affected.is_empty() {
                continue;
            }
            records.push(SecfixesRecord {
                origin: origin.to_owned(),
                version: version.to_owned(),
                fixes,
                not_affected: data.not_affected.clone(),
            });
        }
        let sources = secdbs
            .iter()
            .map(|d| format!("{}/{}", d.distroversion.as_deref().unwrap_or("-"), d.reponame))
            .collect();
        (Self { sources, records }, report)
    }

    /// The member text (see the module docs).
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::with_capacity(64 + self.records.len() * 160);
        let _ = writeln!(s, "v:{FORMAT_VERSION}");
        for src in &self.sources {
            let _ = writeln!(s, "s:{}", one_line(src));
        }
        for r in &self.records {
            let _ = write!(s, "\no:{}\nV:{}\n", r.origin, r.version);
            for f in &r.fixes {
                s.push_str("f:");
                s.push_str(&f.version);
                for id in &f.ids {
                    s.push(' ');
                    s.push_str(id.as_str());
                }
                s.push('\n');
            }
            if !r.not_affected.is_empty() {
                s.push_str("n:");
                let ids: Vec<&str> = r.not_affected.iter().map(VulnId::as_str).collect();
                s.push_str(&ids.join(" "));
                s.push('\n');
            }
        }
        s
    }

    /// Reads the member text.
    pub fn parse(text: &[u8]) -> Result<Self, SecfixesIndexError> {
        let mut parser = stanza::Parser::new(text);
        let mut fields = Vec::with_capacity(16);
        let mut out = Self::default();
        let mut first = true;
        while let Some(start) = parser.next_into(&mut fields) {
            let line = start?;
            if first {
                first = false;
                let v = fields.iter().find(|f| f.letter == 'v').ok_or(SecfixesIndexError::NoHeader)?;
                if v.value != FORMAT_VERSION.to_string() {
                    return Err(SecfixesIndexError::Version { found: v.value.to_owned() });
                }
                for f in &fields {
                    match f.letter {
                        's' => out.sources.push(f.value.to_owned()),
                        c if c.is_ascii_uppercase() => return Err(unknown(f)),
                        _ => {}
                    }
                }
                continue;
            }
            let mut rec = SecfixesRecord {
                origin: String::new(),
                version: String::new(),
                fixes: Vec::new(),
                not_affected: Vec::new(),
            };
            let (mut has_o, mut has_v) = (false, false);
            for f in &fields {
                let bad = |reason: String| SecfixesIndexError::Field { line: f.line, letter: f.letter, reason };
                match f.letter {
                    'o' if !has_o && !f.value.is_empty() => {
                        has_o = true;
                        rec.origin = f.value.to_owned();
                    }
                    'V' if !has_v && !f.value.is_empty() => {
                        has_v = true;
                        rec.version = f.value.to_owned();
                    }
                    'o' | 'V' => return Err(bad("empty or repeated".to_owned())),
                    'f' => {
                        let mut words = f.value.split_ascii_whitespace();
                        let version = words.next().ok_or_else(|| bad("no fixed version".to_owned()))?;
                        let ids = words.map(VulnId::new).collect::<Result<Vec<_>, _>>().map_err(|e| bad(e.to_string()))?;
                        if ids.is_empty() {
                            return Err(bad(format!("no id after {version}")));
                        }
                        rec.fixes.push(FixLine { version: version.to_owned(), ids });
                    }
                    'n' => {
                        let ids = f
                            .value
                            .split_ascii_whitespace()
                            .map(VulnId::new)
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| bad(e.to_string()))?;
                        rec.not_affected.extend(ids);
                    }
                    c if c.is_ascii_uppercase() => return Err(unknown(f)),
                    _ => {}
                }
            }
            if !has_o {
                return Err(SecfixesIndexError::Syntax(StanzaError::MissingField { line, letter: 'o', what: "origin" }));
            }
            if !has_v {
                return Err(SecfixesIndexError::Syntax(StanzaError::MissingField { line, letter: 'V', what: "version" }));
            }
            out.records.push(rec);
        }
        if first {
            return Err(SecfixesIndexError::NoHeader);
        }
        Ok(out)
    }

    /// The record of an (origin, version), if any (linear search).
    pub fn record(&self, origin: &str, version: &str) -> Option<&SecfixesRecord> {
        self.records.iter().find(|r| r.origin == origin && r.version == version)
    }
}

fn unknown(f: &stanza::Field<'_>) -> SecfixesIndexError {
    SecfixesIndexError::Field { line: f.line, letter: f.letter, reason: "unknown required (uppercase) field".to_owned() }
}

/// Keeps a header value on one line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

// ---------------------------------------------------------------------------
// Signing and writing
// ---------------------------------------------------------------------------

/// The signature algorithm of the written index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignAlgorithm {
    /// `.SIGN.RSA.<key>`: PKCS#1 v1.5 over SHA-1, what abuild-sign writes by
    /// default and every apk verifies.
    #[default]
    RsaSha1,
    /// `.SIGN.RSA256.<key>`: PKCS#1 v1.5 over SHA-256 (`abuild-sign -t RSA256`).
    RsaSha256,
}

impl SignAlgorithm {
    fn tag(self) -> &'static str {
        match self {
            Self::RsaSha1 => "RSA",
            Self::RsaSha256 => "RSA256",
        }
    }
}

/// Why an index cannot be annotated or written.
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// The input index cannot be opened or is refused.
    #[error("input index: {0}")]
    Index(#[from] IndexError),
    /// The input's `APKINDEX` text does not parse.
    #[error("input index: APKINDEX {0}")]
    Apkindex(#[from] StanzaError),
    /// The private key cannot be read.
    #[error("private key {name}: {reason}")]
    Key {
        /// The key name.
        name: String,
        /// Why.
        reason: String,
    },
    /// The key name cannot be a tar entry name.
    #[error("key name {0:?}: must be a plain file name (no '/', not empty, at most 90 bytes)")]
    KeyName(String),
    /// Signing failed.
    #[error("signing with key {name}: {reason}")]
    Sign {
        /// The key name.
        name: String,
        /// Why.
        reason: String,
    },
    /// Writing the archive failed (in memory: a tar header field overflow).
    #[error("writing the index: {0}")]
    Write(#[source] std::io::Error),
}

/// An RSA private key and the name its public key has in `/etc/apk/keys`.
#[derive(Debug, Clone)]
pub struct SigningKey {
    name: String,
    key: RsaPrivateKey,
}

impl SigningKey {
    /// Reads a PEM private key as `abuild-keygen` writes it (PKCS#1,
    /// `BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    /// `name` is the public key's file name (abuild: the private key's file
    /// name plus `.pub`); it becomes `.SIGN.RSA.<name>`.
    pub fn from_pem(name: &str, pem: &str) -> Result<Self, AnnotateError> {
        check_key_name(name)?;
        let pem = pem.trim();
        let key = if pem.contains("BEGIN RSA PRIVATE KEY") {
            RsaPrivateKey::from_pkcs1_pem(pem).map_err(|e| e.to_string())
        } else if pem.contains("BEGIN PRIVATE KEY") {
            RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())
        } else if pem.contains("ENCRYPTED") {
            Err("encrypted keys are not supported (abuild-keygen writes unencrypted keys)".to_owned())
        } else {
            Err("not a PEM \"RSA PRIVATE KEY\" (PKCS#1) or \"PRIVATE KEY\" (PKCS#8)".to_owned())
        }
        .map_err(|reason| AnnotateError::Key { name: name.to_owned(), reason })?;
        Ok(Self { name: name.to_owned(), key })
    }

    /// From a key in memory.
    pub fn new(name: &str, key: RsaPrivateKey) -> Result<Self, AnnotateError> {
        check_key_name(name)?;
        Ok(Self { name: name.to_owned(), key })
    }

    /// The public key's file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public key as PEM `PUBLIC KEY` (what `/etc/apk/keys/<name>` holds).
    pub fn public_key_pem(&self) -> Result<String, AnnotateError> {
        self.key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| AnnotateError::Key { name: self.name.clone(), reason: e.to_string() })
    }

    fn sign(&self, alg: SignAlgorithm, data: &[u8]) -> Result<Vec<u8>, AnnotateError> {
        let r = match alg {
            SignAlgorithm::RsaSha1 => self.key.sign(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(data)),
            SignAlgorithm::RsaSha256 => self.key.sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(data)),
        };
        r.map_err(|e| AnnotateError::Sign { name: self.name.clone(), reason: e.to_string() })
    }
}

fn check_key_name(name: &str) -> Result<(), AnnotateError> {
    // `.SIGN.RSA256.` + name must fit the 100-byte tar name field.
    if name.is_empty() || name.contains('/') || name.contains('\0') || name.len() > 90 {
        return Err(AnnotateError::KeyName(name.to_owned()));
    }
    Ok(())
}

/// A tar header as apk's index writer makes them: GNU, 0644, root.
fn header(name: &str, size: usize, mtime: u64) -> Result<tar::Header, AnnotateError> {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).map_err(AnnotateError::Write)?;
    h.set_size(size as u64);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_username("root").map_err(AnnotateError::Write)?;
    h.set_groupname("root").map_err(AnnotateError::Write)?;
    h.set_cksum();
    Ok(h)
}

fn gzip9(data: &[u8]) -> Result<Vec<u8>, AnnotateError> {
    // gzip -n -9: no name, mtime 0, OS Unix (3).
    let mut enc = GzBuilder::new().operating_system(3).write(Vec::with_capacity(data.len() / 3), Compression::best());
    enc.write_all(data).map_err(AnnotateError::Write)?;
    enc.finish().map_err(AnnotateError::Write)
}

/// Writes a signed index: `entries` (name, content) in order in one gzip
/// member, then two zero blocks, preceded by the signature member.
pub fn write_signed_index(
    entries: &[(&str, &[u8])],
    mtime: u64,
    key: &SigningKey,
    alg: SignAlgorithm,
) -> Result<Vec<u8>, AnnotateError> {
    let mut tar = Vec::with_capacity(entries.iter().map(|(_, d)| d.len() + 2 * BLOCK).sum::<usize>() + 2 * BLOCK);
    for (name, content) in entries {
        tar.extend_from_slice(header(name, content.len(), mtime)?.as_bytes());
        tar.extend_from_slice(content);
        tar.resize(tar.len().div_ceil(BLOCK) * BLOCK, 0);
    }
    tar.resize(tar.len() + 2 * BLOCK, 0);
    let data = gzip9(&tar)?;

    let signature = key.sign(alg, &data)?;
    let mut sig_tar = Vec::with_capacity(2 * BLOCK + signature.len());
    let sig_name = format!(".SIGN.{}.{}", alg.tag(), key.name());
    sig_tar.extend_from_slice(header(&sig_name, signature.len(), mtime)?.as_bytes());
    sig_tar.extend_from_slice(&signature);
    // abuild-tar --cut: padded to a block, no end-of-archive blocks.
    sig_tar.resize(sig_tar.len().div_ceil(BLOCK) * BLOCK, 0);
    let mut out = gzip9(&sig_tar)?;
    out.extend_from_slice(&data);
    Ok(out)
}

/// The result of [`annotate`].
#[derive(Debug, Clone)]
pub struct Annotated {
    /// The new `APKINDEX.tar.gz`.
    pub bytes: Vec<u8>,
    /// The security data written.
    pub secfixes: SecfixesIndex,
    /// What was left out.
    pub report: BuildReport,
    /// Number of packages in the index.
    pub packages: usize,
    /// The input's verdict.
    pub input_signature: SignatureInfo,
}

/// Annotates an index: keeps `DESCRIPTION` and `APKINDEX` byte for byte,
/// replaces any `SECFIXES` member by one built from `secdbs` (versions
/// compared with `scheme`), and signs the result with `key`.
pub fn annotate(
    input: &[u8],
    trust: &Trust<'_>,
    secdbs: &[&Secdb],
    scheme: Scheme,
    key: &SigningKey,
    alg: SignAlgorithm,
) -> Result<Annotated, AnnotateError> {
    let index = IndexData::parse(input, trust, &Limits::default())?;
    let entries = index_entries(index.apkindex())?;
    let (secfixes, report) = SecfixesIndex::build(entries.iter().copied(), secdbs, scheme);
    let text = secfixes.to_text();
    let mut members: Vec<(&str, &[u8])> = Vec::with_capacity(3);
    if let Some(d) = &index.archive.description {
        members.push(("DESCRIPTION", d.as_bytes()));
    }
    members.push(("APKINDEX", index.apkindex()));
    members.push((SECFIXES_ENTRY, text.as_bytes()));
    let bytes = write_signed_index(&members, index.apkindex_mtime, key, alg)?;
    Ok(Annotated { bytes, secfixes, report, packages: entries.len(), input_signature: index.archive.signature.clone() })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::index::Keyring;
    use proptest::prelude::*;

    const SECDB: &str = r#"{"apkurl":"a","archs":["x86_64"],"reponame":"main","urlprefix":"u","distroversion":"v3.14",
      "packages":[
        {"pkg":{"name":"openssl","secfixes":{
            "1.1.1l-r0":["CVE-2021-3711","CVE-2021-3712"],
            "1.1.1j-r0":["CVE-2021-23841 CVE-2021-23840","CVE-2021-23841"],
            "1.1.1k-r0":["CVE-2021-3450"],
            "1.1.1.-r9":["CVE-1999-0001"],
            "0":["CVE-2022-1292"]}}},
        {"pkg":{"name":"zlib","secfixes":{"1.2.12-r0":["CVE-2018-25032"]}}},
        {"pkg":{"name":"busybox","secfixes":{"0":["CVE-2021-42373"]}}}
      ]}"#;

    fn entry<'a>(name: &'a str, version: &'a str, origin: &'a str) -> IndexEntry<'a> {
        IndexEntry { name, version, origin, line: 1 }
    }

    #[test]
    fn build_keeps_the_fixes_up_to_each_version() {
        let db = Secdb::from_json_str(SECDB).unwrap();
        let pkgs = [
            entry("libssl1.1", "1.1.1k-r0", "openssl"),
            entry("libcrypto1.1", "1.1.1k-r0", "openssl"),
            entry("openssl", "1.1.1k-r0", "openssl"),
            entry("zlib", "1.2.11-r3", "zlib"),
            entry("busybox", "1.33.1-r3", "busybox"),
            entry("curl", "7.79.1-r0", "curl"),
            entry("weird", "1.0-bad", "openssl"),
        ];
        let (idx, report) = SecfixesIndex::build(pkgs, &[&db], Scheme::Apk3);
        assert_eq!(idx.sources, ["v3.14/main"]);
        // zlib's only fix is newer than the index version; curl has no data.
        let names: Vec<_> = idx.records.iter().map(|r| (r.origin.as_str(), r.version.as_str())).collect();
        assert_eq!(names, [("busybox", "1.33.1-r3"), ("openssl", "1.1.1k-r0")]);
        let ossl = idx.record("openssl", "1.1.1k-r0").unwrap();
        let lines: Vec<_> =
            ossl.fixes.iter().map(|f| (f.version.as_str(), f.ids.iter().map(VulnId::as_str).collect::<Vec<_>>())).collect();
        assert_eq!(
            lines,
            [("1.1.1j-r0", vec!["CVE-2021-23841", "CVE-2021-23840"]), ("1.1.1k-r0", vec!["CVE-2021-3450"])]
        );
        assert_eq!(ossl.not_affected, [VulnId::new("CVE-2022-1292").unwrap()]);
        assert_eq!(report.invalid_keys.len(), 1);
        assert_eq!(report.invalid_keys[0].key, "1.1.1.-r9");
        assert_eq!(report.invalid_versions, [("weird".to_owned(), "1.0-bad".to_owned())]);

        let text = idx.to_text();
        assert_eq!(
            text,
            "v:1\ns:v3.14/main\n\no:busybox\nV:1.33.1-r3\nn:CVE-2021-42373\n\n\
             o:openssl\nV:1.1.1k-r0\nf:1.1.1j-r0 CVE-2021-23841 CVE-2021-23840\nf:1.1.1k-r0 CVE-2021-3450\nn:CVE-2022-1292\n"
        );
        assert_eq!(SecfixesIndex::parse(text.as_bytes()).unwrap(), idx);
    }

    #[test]
    fn the_scheme_decides_which_keys_are_versions() {
        // sudo's Baron Samedit fix (real secdb key): valid for apk-tools 2
        // only, where it sorts after 1.9.5p1.
        let db = Secdb::from_json_str(
            r#"{"apkurl":"a","archs":[],"reponame":"main","urlprefix":"u","distroversion":"v3.13",
                "packages":[{"pkg":{"name":"sudo","secfixes":{"1.9.5p2-r0":["CVE-2021-3156"]}}}]}"#,
        )
        .unwrap();
        let pkgs = [entry("sudo", "1.9.5p2-r0", "sudo")];
        let (idx, report) = SecfixesIndex::build(pkgs, &[&db], Scheme::Apk2);
        assert!(report.invalid_keys.is_empty());
        assert_eq!(idx.records[0].fixes[0].version, "1.9.5p2-r0");
        let (idx, report) = SecfixesIndex::build([entry("sudo", "1.9.5p1-r0", "sudo")], &[&db], Scheme::Apk2);
        assert!(idx.records.is_empty(), "1.9.5p1 does not contain the 1.9.5p2 fix");
        assert!(report.invalid_keys.is_empty());
        let (idx, report) = SecfixesIndex::build(pkgs, &[&db], Scheme::Apk3);
        assert!(idx.records.is_empty());
        assert_eq!(report.invalid_keys[0].key, "1.9.5p2-r0");
        assert_eq!(report.invalid_versions, [("sudo".to_owned(), "1.9.5p2-r0".to_owned())]);
    }

    #[test]
    fn reader_errors_name_line_and_field() {
        let cases: [(&str, &str); 7] = [
            ("", "no v:"),
            ("s:x\n", "no v:"),
            ("v:2\n", "format version \"2\""),
            ("v:1\n\nV:1\n", "no o: field"),
            ("v:1\n\no:a\nV:1\nf:1.0\n", "line 5, field f: no id after 1.0"),
            ("v:1\n\no:a\nV:1\nf:1.0 (note)\n", "line 5, field f: not a vulnerability id"),
            ("v:1\n\no:a\nV:1\nX:new\n", "line 5, field X: unknown required"),
        ];
        for (text, needle) in cases {
            let e = SecfixesIndex::parse(text.as_bytes()).unwrap_err();
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
        }
        // Unknown lowercase fields are ignored.
        let ok = SecfixesIndex::parse(b"v:1\nz:later\n\no:a\nV:1\ny:x\nf:1 CVE-2020-0001\n").unwrap();
        assert_eq!(ok.records[0].fixes[0].ids[0].as_str(), "CVE-2020-0001");
    }

    fn test_key() -> SigningKey {
        use rand_chacha::ChaCha8Rng;
        use rand_chacha::rand_core::SeedableRng;
        // A throw-away key for tests only (1024 bits: fast to generate).
        let k = RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(7), 1024).unwrap();
        SigningKey::new("test@example.org-1.rsa.pub", k).unwrap()
    }

    #[test]
    fn written_indexes_verify_and_keep_every_member() {
        let key = test_key();
        let mut ring = Keyring::new();
        ring.add_pem(key.name(), &key.public_key_pem().unwrap()).unwrap();
        let apkindex = b"C:Q1tduNGDYV/KwvztK0sMium7UfSj0=\nP:zlib\nV:1.2.12-r0\no:zlib\n\n";
        for alg in [SignAlgorithm::RsaSha1, SignAlgorithm::RsaSha256] {
            let bytes = write_signed_index(
                &[("DESCRIPTION", b"v3.14.0-1-gabc"), ("APKINDEX", apkindex), (SECFIXES_ENTRY, b"v:1\n")],
                1_600_000_000,
                &key,
                alg,
            )
            .unwrap();
            // H1's reader accepts it and skips the extra member.
            let a = IndexArchive::parse(&bytes, &Trust::Keys(&ring), &Limits::default()).unwrap();
            assert_eq!(a.apkindex(), apkindex);
            assert_eq!(a.description.as_deref(), Some("v3.14.0-1-gabc"));
            assert!(a.signature.is_trusted());
            let d = IndexData::parse(&bytes, &Trust::Keys(&ring), &Limits::default()).unwrap();
            assert_eq!(d.apkindex(), apkindex);
            assert_eq!(d.secfixes_text(), Some(&b"v:1\n"[..]));
            assert_eq!(d.apkindex_mtime, 1_600_000_000);
            // One byte changed after the signature: refused.
            let mut bad = bytes.clone();
            let last = bad.len() - 12;
            bad[last] ^= 1;
            assert!(IndexData::parse(&bad, &Trust::Keys(&ring), &Limits::default()).is_err());
        }
    }

    #[test]
    fn key_names_and_pems() {
        let k = test_key();
        for bad in ["", "a/b", &"x".repeat(91)] {
            assert!(SigningKey::new(bad, k.key.clone()).is_err(), "{bad:?}");
        }
        let e = SigningKey::from_pem("k.rsa.pub", "nonsense").unwrap_err();
        assert!(e.to_string().starts_with("private key k.rsa.pub: not a PEM"), "{e}");
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        use rsa::pkcs8::EncodePrivateKey as _;
        let pkcs1 = k.key.to_pkcs1_pem(LineEnding::LF).unwrap();
        let pkcs8 = k.key.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert_eq!(SigningKey::from_pem("a.pub", &pkcs1).unwrap().key, k.key);
        assert_eq!(SigningKey::from_pem("a.pub", &pkcs8).unwrap().key, k.key);
    }

    #[test]
    fn index_entries_reads_p_v_o() {
        let text = b"P:a\nV:1-r0\n\nC:Q1tduNGDYV/KwvztK0sMium7UfSj0=\nP:libb\nV:2-r1\no:b\nD:a\n\n";
        let e = index_entries(text).unwrap();
        assert_eq!(e, [entry("a", "1-r0", "a"), IndexEntry { name: "libb", version: "2-r1", origin: "b", line: 4 }]);
        let err = index_entries(b"P:a\n\nV:1\n").unwrap_err();
        assert_eq!(err, StanzaError::MissingField { line: 1, letter: 'V', what: "version" });
    }

    proptest! {
        /// Arbitrary bytes never panic the readers.
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = SecfixesIndex::parse(&bytes);
            let _ = index_entries(&bytes);
        }

        /// The fast path agrees with the record parser whenever it answers.
        #[test]
        fn fast_entries_agree_with_the_record_parser(
            lines in proptest::collection::vec(prop_oneof![
                Just(String::new()),
                "[PVoAT]:[a-z0-9.+-]{0,6}",
                "[a-z]:[ -~]{0,8}",
                "[ -~]{0,4}",
            ], 0..30),
            trailing_newline in any::<bool>(),
        ) {
            let mut text = lines.join("\n");
            if trailing_newline { text.push('\n'); }
            if let Some(fast) = fast_index_entries(text.as_bytes()) {
                prop_assert_eq!(Ok(fast), slow_index_entries(text.as_bytes()));
            }
            let _ = index_entries(text.as_bytes());
        }

        /// Whatever the records, the text reads back equal.
        #[test]
        fn text_round_trips(
            recs in proptest::collection::vec(
                ("[a-z][a-z0-9+._-]{0,8}", "[0-9]{1,2}\\.[0-9]{1,2}-r[0-9]",
                 proptest::collection::vec(("[0-9]\\.[0-9]-r[0-9]", proptest::collection::vec("CVE-20[0-9]{2}-[0-9]{4,5}", 1..4)), 0..4),
                 proptest::collection::vec("GHSA-[a-z0-9]{4}", 0..3)),
                0..6),
        ) {
            let idx = SecfixesIndex {
                sources: vec!["v3.18/main".into()],
                records: recs.into_iter().filter(|r| !r.2.is_empty() || !r.3.is_empty()).map(|(o, v, f, n)| SecfixesRecord {
                    origin: o,
                    version: v,
                    fixes: f.into_iter().map(|(v, ids)| FixLine { version: v, ids: ids.iter().map(|i| VulnId::new(i).unwrap()).collect() }).collect(),
                    not_affected: n.iter().map(|i| VulnId::new(i).unwrap()).collect(),
                }).collect(),
            };
            prop_assert_eq!(SecfixesIndex::parse(idx.to_text().as_bytes()).unwrap(), idx);
        }
    }
}
