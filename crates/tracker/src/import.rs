//! Turning one fetched source into one store import.
//!
//! Each kind of source becomes one [`Payload`]: an index becomes the
//! published packages of its (branch, repository, architecture); an aports
//! repository, a secdb document or a rejections list becomes that source's
//! fixes; a vulnerability feed becomes vulnerability rows (the normalised
//! record, compressed, plus the product keys the matcher selects records
//! by). Preparing is pure CPU and file reading; nothing touches the store
//! until the whole source has been read without a fatal error, so a bad
//! source never leaves half an import behind.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use secfixes_apk::index::{IndexFile, Keyring, Trust as IndexTrust};
use secfixes_apk::secdb::Secdb;
use secfixes_apk::secfixes::{self, FixedIn};
use secfixes_feeds::{Format, Item, Mode, ReadOptions};
use secfixes_model::{RecordStatus, VulnId, Vulnerability};
use secfixes_store::rows::{
    EpssRow, FixRow, Import, KevRow, PackageRow, Payload, ProductKey as StoreProductKey,
    SourceRecord, VulnRow,
};
use serde_json::json;

use crate::config::{SourceKind, SourceSpec};
use crate::fetch::{Fetched, walk_files};

/// A source that cannot be imported; the message names the source.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The source's content is not what its kind requires.
    #[error("{source_name}: {message}")]
    Invalid {
        /// The source (its store name).
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// Reading it failed.
    #[error("{source_name}: {message}")]
    Read {
        /// The source.
        source_name: String,
        /// The reader's error, naming file, record and field.
        message: String,
    },
}

/// An import ready for the store, with what reading it taught.
#[derive(Debug)]
pub struct Prepared {
    /// The import.
    pub import: Import,
    /// Bad records skipped (lenient reading), as messages.
    pub skipped: Vec<String>,
    /// Total bad records (`skipped` keeps the first ones only).
    pub skipped_count: u64,
}

const MAX_KEPT_ERRORS: usize = 50;

/// Prepares the import of a fetched source.
pub fn prepare(spec: &SourceSpec, fetched: &Fetched, now: i64) -> Result<Prepared, ImportError> {
    let name = spec.name();
    let mut extra = serde_json::Map::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut skipped_count = 0u64;
    let payload = match spec.kind {
        SourceKind::ApkIndex => index_payload(spec, &fetched.path, &mut extra)?,
        SourceKind::Aports => aports_payload(
            spec,
            &fetched.path,
            &mut extra,
            &mut skipped,
            &mut skipped_count,
        )?,
        SourceKind::Secdb => secdb_payload(
            spec,
            &fetched.path,
            &mut extra,
            &mut skipped,
            &mut skipped_count,
        )?,
        SourceKind::Rejections => {
            rejections_payload(spec, &fetched.path, &mut skipped, &mut skipped_count)?
        }
        SourceKind::Nvd
        | SourceKind::Cve5
        | SourceKind::Osv
        | SourceKind::Advisories
        | SourceKind::Kev
        | SourceKind::Epss => feed_payload(
            spec,
            &fetched.path,
            &mut extra,
            &mut skipped,
            &mut skipped_count,
        )?,
    };
    if let Some(b) = &spec.branch {
        extra.insert("branch".into(), json!(b));
    }
    if let Some(r) = &spec.repo {
        extra.insert("repo".into(), json!(r));
    }
    extra.insert("skipped".into(), json!(skipped_count));
    if !skipped.is_empty() {
        extra.insert("errors".into(), json!(skipped));
    }
    // The stat fingerprint, so that the next check of an untouched file
    // needs no hashing.
    if let Some(stat) = &fetched.stat {
        extra.insert("stat".into(), json!(stat));
    }
    let records = payload.len() as i64;
    Ok(Prepared {
        import: Import {
            source: SourceRecord {
                name,
                kind: spec.kind.as_str().to_owned(),
                location: spec.location.to_string(),
                checksum: Some(fetched.checksum.clone()),
                etag: fetched.etag.clone(),
                last_modified: fetched.last_modified.clone(),
                imported_at: now,
                records,
                summary: serde_json::Value::Object(extra).to_string(),
            },
            payload,
        },
        skipped,
        skipped_count,
    })
}

fn invalid(spec: &SourceSpec, message: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        source_name: spec.name(),
        message: message.into(),
    }
}

fn read_err(spec: &SourceSpec, message: impl std::fmt::Display) -> ImportError {
    ImportError::Read {
        source_name: spec.name(),
        message: message.to_string(),
    }
}

fn branch_repo(spec: &SourceSpec) -> Result<(String, String), ImportError> {
    match (&spec.branch, &spec.repo) {
        (Some(b), Some(r)) => Ok((b.clone(), r.clone())),
        _ => Err(invalid(
            spec,
            format!("a {} source needs a branch and a repository", spec.kind),
        )),
    }
}

fn note_skip(skipped: &mut Vec<String>, count: &mut u64, msg: String) {
    *count += 1;
    if skipped.len() < MAX_KEPT_ERRORS {
        skipped.push(msg);
    }
}

// ---------------------------------------------------------------- indexes

fn index_payload(
    spec: &SourceSpec,
    path: &Path,
    extra: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<Payload, ImportError> {
    let (branch, repo) = branch_repo(spec)?;
    let bytes =
        std::fs::read(path).map_err(|e| read_err(spec, format!("{}: {e}", path.display())))?;
    let keyring = match &spec.trust.keys {
        Some(dir) => Keyring::from_dir(dir).map_err(|e| read_err(spec, e))?,
        None => Keyring::new(),
    };
    let trust = if spec.trust.allow_untrusted {
        IndexTrust::KeysOrUntrusted(&keyring)
    } else {
        IndexTrust::Keys(&keyring)
    };
    let index = IndexFile::parse(&bytes, &trust)
        .map_err(|e| read_err(spec, format!("{}: {e}", path.display())))?;
    // The architecture of an index is that of its packages; `noarch`
    // packages are listed in every architecture's index.
    let mut arches: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &index.packages {
        if let Some(a) = p.arch.as_deref().filter(|a| *a != "noarch") {
            *arches.entry(a).or_default() += 1;
        }
    }
    let arch = arches
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(a, _)| (*a).to_owned())
        .unwrap_or_else(|| "noarch".to_owned());
    extra.insert("arch".into(), json!(arch));
    extra.insert("description".into(), json!(index.description));
    extra.insert(
        "signature".into(),
        json!(index.signature.verdict.to_string()),
    );
    extra.insert("trusted".into(), json!(index.signature.is_trusted()));
    let packages = index
        .packages
        .iter()
        .map(|p| PackageRow {
            branch: branch.clone(),
            repo: repo.clone(),
            arch: arch.clone(),
            name: p.name.clone(),
            version: p.version.clone(),
            origin: p.origin().to_owned(),
            maintainer: p.maintainer.clone(),
            build_time: p.build_time.and_then(|t| i64::try_from(t).ok()),
            commit: p.commit.clone(),
            published: true,
        })
        .collect();
    Ok(Payload::Packages {
        branch,
        repo,
        arch,
        packages,
    })
}

// ---------------------------------------------------------------- fixes

/// Where fixes of one package come from.
struct FixOrigin<'a> {
    branch: &'a str,
    origin: &'a str,
    source: &'a str,
}

fn fix_row(
    at: &FixOrigin<'_>,
    vuln: &VulnId,
    fixed_in: &FixedIn<'_>,
    key: &str,
    location: Option<String>,
    note: Option<String>,
) -> FixRow {
    let (kind, version) = match fixed_in {
        FixedIn::NotAffected => ("not-affected", "0".to_owned()),
        FixedIn::Version(v) => ("fixed", v.as_str().to_owned()),
        // Kept as written: the matcher compares it the way apk would and
        // flags it; dropping it would lose a recorded fix.
        FixedIn::InvalidKey { .. } => ("fixed", key.to_owned()),
    };
    FixRow {
        branch: at.branch.to_owned(),
        origin: at.origin.to_owned(),
        vuln_id: vuln.to_string(),
        version,
        kind: kind.to_owned(),
        source: at.source.to_owned(),
        location,
        note,
    }
}

fn aports_payload(
    spec: &SourceSpec,
    dir: &Path,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    skipped: &mut Vec<String>,
    skipped_count: &mut u64,
) -> Result<Payload, ImportError> {
    let (branch, _repo) = branch_repo(spec)?;
    let source = spec.name();
    let files: Vec<_> = walk_files(dir)
        .map_err(|e| read_err(spec, e))?
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "APKBUILD"))
        .collect();
    // One directory level: <repo>/<origin>/APKBUILD; the directory name is
    // the origin (secdb and the index `o:` field use the same name).
    let parsed: Vec<_> = files
        .par_iter()
        .map(|path| (path, secfixes::parse_file(path)))
        .collect();
    let mut rows = Vec::new();
    let mut with_block = 0usize;
    for (path, result) in parsed {
        let origin = match path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
        {
            Some(o) => o.to_owned(),
            None => continue,
        };
        let apkbuild = result.map_err(|e| read_err(spec, e))?;
        if !apkbuild.blocks.is_empty() {
            with_block += 1;
        }
        for block in &apkbuild.blocks {
            for item in &block.orphan_items {
                note_skip(
                    skipped,
                    skipped_count,
                    format!(
                        "{}:{}: item outside any version: {}",
                        path.display(),
                        item.line,
                        item.raw
                    ),
                );
            }
            for entry in &block.entries {
                let fixed_in = entry.fixed_in();
                for item in &entry.items {
                    if item.ids.is_empty() {
                        note_skip(
                            skipped,
                            skipped_count,
                            format!(
                                "{}:{}: no vulnerability id in {:?}",
                                path.display(),
                                item.line,
                                item.raw
                            ),
                        );
                    }
                    for id in &item.ids {
                        rows.push(fix_row(
                            &FixOrigin {
                                branch: &branch,
                                origin: &origin,
                                source: &source,
                            },
                            id,
                            &fixed_in,
                            &entry.version,
                            Some(format!("{}:{}", path.display(), item.line)),
                            item.note.clone(),
                        ));
                    }
                }
            }
        }
    }
    extra.insert("apkbuilds".into(), json!(files.len()));
    extra.insert("with_secfixes".into(), json!(with_block));
    Ok(Payload::Fixes(rows))
}

fn secdb_payload(
    spec: &SourceSpec,
    path: &Path,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    skipped: &mut Vec<String>,
    skipped_count: &mut u64,
) -> Result<Payload, ImportError> {
    let (branch, _repo) = branch_repo(spec)?;
    let source = spec.name();
    let text = std::fs::read_to_string(path)
        .map_err(|e| read_err(spec, format!("{}: {e}", path.display())))?;
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let doc = if is_yaml {
        Secdb::from_yaml_str(&text)
    } else {
        Secdb::from_json_str(&text)
    }
    .map_err(|e| read_err(spec, format!("{}: {e}", path.display())))?;
    if let Some(dv) = &doc.distroversion
        && dv != &branch
    {
        return Err(invalid(
            spec,
            format!("the document is for {dv}, but the source is configured for {branch}"),
        ));
    }
    extra.insert("distroversion".into(), json!(doc.distroversion));
    let mut rows = Vec::new();
    for pkg in &doc.packages {
        for fix in pkg.fixes() {
            if fix.ids.is_empty() {
                note_skip(
                    skipped,
                    skipped_count,
                    format!(
                        "{}: {}: {}: no vulnerability id in {:?}",
                        path.display(),
                        pkg.name,
                        fix.key,
                        fix.entry
                    ),
                );
            }
            for id in &fix.ids {
                rows.push(fix_row(
                    &FixOrigin {
                        branch: &branch,
                        origin: &pkg.name,
                        source: &source,
                    },
                    id,
                    &fix.fixed_in,
                    fix.key,
                    Some(format!("{} {}/{}", path.display(), pkg.name, fix.key)),
                    fix.note.clone(),
                ));
            }
        }
    }
    Ok(Payload::Fixes(rows))
}

fn rejections_payload(
    spec: &SourceSpec,
    path: &Path,
    skipped: &mut Vec<String>,
    skipped_count: &mut u64,
) -> Result<Payload, ImportError> {
    let (branch, _repo) = branch_repo(spec)?;
    let source = spec.name();
    let text = std::fs::read_to_string(path)
        .map_err(|e| read_err(spec, format!("{}: {e}", path.display())))?;
    // `origin: [ids]`; an empty document is an empty list.
    let map: BTreeMap<String, Option<Vec<String>>> = if text.trim().is_empty() {
        BTreeMap::new()
    } else {
        serde_yaml_ng::from_str(&text)
            .map_err(|e| read_err(spec, format!("{}: {e}", path.display())))?
    };
    let mut rows = Vec::new();
    for (origin, entries) in map {
        for entry in entries.unwrap_or_default() {
            let split = secfixes::split_entry(&entry);
            if split.ids.is_empty() {
                note_skip(
                    skipped,
                    skipped_count,
                    format!(
                        "{}: {origin}: no vulnerability id in {entry:?}",
                        path.display()
                    ),
                );
            }
            for id in &split.ids {
                rows.push(fix_row(
                    &FixOrigin {
                        branch: &branch,
                        origin: &origin,
                        source: &source,
                    },
                    id,
                    &FixedIn::NotAffected,
                    "0",
                    Some(format!("{} {origin}", path.display())),
                    split.note.clone(),
                ));
            }
        }
    }
    Ok(Payload::Fixes(rows))
}

// ---------------------------------------------------------------- feeds

fn expected_formats(kind: SourceKind) -> &'static [Format] {
    match kind {
        SourceKind::Nvd => &[Format::Nvd11, Format::Nvd20],
        SourceKind::Cve5 => &[Format::Cve5],
        SourceKind::Osv => &[Format::Osv],
        SourceKind::Advisories => &[Format::WolfiAdvisories],
        SourceKind::Kev => &[Format::Kev],
        SourceKind::Epss => &[Format::Epss],
        _ => &[],
    }
}

/// Unix seconds of a timestamp.
fn secs(t: Option<jiff::Timestamp>) -> Option<i64> {
    t.map(|t| t.as_second())
}

/// Compresses the JSON of a record (raw deflate, fast level: a cold import
/// writes hundreds of thousands of them).
///
/// The compressor is reused per thread: creating one per record allocates
/// a few hundred KB of aligned state each time, and on glibc the constant
/// churn of those allocations between other ones fragmented the heap to
/// gigabytes over one NVD feed.
pub fn encode_record(rec: &Vulnerability) -> Result<Vec<u8>, String> {
    thread_local! {
        static COMPRESS: std::cell::RefCell<flate2::Compress> =
            std::cell::RefCell::new(flate2::Compress::new(flate2::Compression::fast(), false));
    }
    let json = serde_json::to_vec(rec).map_err(|e| format!("{}: cannot serialise: {e}", rec.id))?;
    COMPRESS.with(|c| {
        let mut c = c.borrow_mut();
        c.reset();
        // Deflate never expands by more than a few bytes per 16 KB block.
        let mut out = Vec::with_capacity(json.len() + json.len() / 1000 + 64);
        match c.compress_vec(&json, &mut out, flate2::FlushCompress::Finish) {
            Ok(flate2::Status::StreamEnd) => {
                out.shrink_to_fit();
                Ok(out)
            }
            Ok(other) => Err(format!("{}: compression stopped early ({other:?})", rec.id)),
            Err(e) => Err(format!("{}: {e}", rec.id)),
        }
    })
}

/// The inverse of [`encode_record`] (with a per-thread decompressor, for
/// the same reason).
pub fn decode_record(data: &[u8]) -> Result<Vulnerability, String> {
    thread_local! {
        static DECOMPRESS: std::cell::RefCell<flate2::Decompress> =
            std::cell::RefCell::new(flate2::Decompress::new(false));
    }
    DECOMPRESS.with(|d| {
        let mut d = d.borrow_mut();
        d.reset(false);
        let mut out: Vec<u8> = Vec::with_capacity(data.len() * 4 + 64);
        loop {
            let before = d.total_in();
            let status = d
                .decompress_vec(
                    &data[usize::try_from(before).unwrap_or(0).min(data.len())..],
                    &mut out,
                    flate2::FlushDecompress::Finish,
                )
                .map_err(|e| e.to_string())?;
            match status {
                flate2::Status::StreamEnd => break,
                _ if out.len() == out.capacity() => out.reserve(out.capacity().max(4096)),
                _ if d.total_in() == before => return Err("truncated record data".into()),
                _ => {}
            }
        }
        serde_json::from_slice(&out).map_err(|e| e.to_string())
    })
}

fn status_str(s: RecordStatus) -> &'static str {
    match s {
        RecordStatus::Published => "published",
        RecordStatus::Modified => "modified",
        RecordStatus::Rejected => "rejected",
        RecordStatus::Withdrawn => "withdrawn",
    }
}

fn vuln_row(rec: &Vulnerability, source: &str) -> Result<VulnRow, String> {
    let cvss = rec.preferred_cvss();
    Ok(VulnRow {
        id: rec.id.to_string(),
        kind: rec.source.as_str().to_owned(),
        status: status_str(rec.status).to_owned(),
        published: secs(rec.published),
        modified: secs(rec.modified),
        cvss_score: cvss.and_then(|c| c.base_score),
        severity: cvss.and_then(|c| c.severity.clone()),
        source: source.to_owned(),
        data: encode_record(rec)?,
        products: secfixes_matcher::record_products(rec)
            .into_iter()
            .map(|k| StoreProductKey {
                vendor: k.vendor,
                product: k.product,
                target_sw: k.target_sw,
            })
            .collect(),
    })
}

fn feed_payload(
    spec: &SourceSpec,
    path: &Path,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    skipped: &mut Vec<String>,
    skipped_count: &mut u64,
) -> Result<Payload, ImportError> {
    let format = secfixes_feeds::detect(path).map_err(|e| read_err(spec, e))?;
    if !expected_formats(spec.kind).contains(&format) {
        return Err(invalid(
            spec,
            format!(
                "{}: expected {} data, found {format}",
                path.display(),
                spec.kind
            ),
        ));
    }
    extra.insert("format".into(), json!(format.as_str()));
    let source = spec.name();
    let opts = ReadOptions {
        mode: Mode::Lenient,
    };
    let mut records: Vec<Vulnerability> = Vec::new();
    let mut kev: Vec<KevRow> = Vec::new();
    let mut epss: Vec<EpssRow> = Vec::new();
    let mut rows: Vec<VulnRow> = Vec::new();
    let mut convert_error: Option<String> = None;
    // Records are converted in parallel chunks while the reader streams, so
    // memory stays bounded by the chunk, not the file.
    const CHUNK: usize = 2048;
    let flush = |records: &mut Vec<Vulnerability>, rows: &mut Vec<VulnRow>| -> Result<(), String> {
        let converted: Result<Vec<VulnRow>, String> =
            records.par_iter().map(|r| vuln_row(r, &source)).collect();
        rows.extend(converted?);
        records.clear();
        Ok(())
    };
    let (_, summary) = secfixes_feeds::read_path(path, &opts, &mut |item| {
        match item {
            Item::Vulnerability(v) => {
                records.push(*v);
                if records.len() >= CHUNK
                    && let Err(e) = flush(&mut records, &mut rows)
                {
                    convert_error = Some(e.clone());
                    return Err(secfixes_feeds::Error::Sink(e));
                }
            }
            Item::Kev(id, entry) => kev.push(KevRow {
                id: id.to_string(),
                data: serde_json::to_string(&entry).unwrap_or_else(|_| "{}".into()),
            }),
            Item::Epss(id, e) => epss.push(EpssRow {
                id: id.to_string(),
                score: e.score,
                percentile: e.percentile,
                date: e.date.map(|d| d.to_string()),
            }),
        }
        Ok(())
    })
    .map_err(|e| read_err(spec, e))?;
    if let Some(e) = convert_error {
        return Err(read_err(spec, e));
    }
    flush(&mut records, &mut rows).map_err(|e| read_err(spec, e))?;
    for e in &summary.errors {
        note_skip(skipped, skipped_count, e.to_string());
    }
    // `skipped` counts every bad record; `errors` kept only the first ones.
    *skipped_count = (*skipped_count).max(summary.skipped);
    if !summary.notes.is_empty() {
        extra.insert(
            "notes".into(),
            json!(
                summary
                    .notes
                    .iter()
                    .take(MAX_KEPT_ERRORS)
                    .collect::<Vec<_>>()
            ),
        );
    }
    Ok(match spec.kind {
        SourceKind::Kev => Payload::Kev(kev),
        SourceKind::Epss => Payload::Epss(epss),
        _ => Payload::Vulns(rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use secfixes_model::{SourceKind as RecordSource, Text};

    #[test]
    fn records_round_trip_through_compression() {
        let mut v = Vulnerability::new(VulnId::new("CVE-2021-44228").unwrap(), RecordSource::Nvd);
        v.descriptions.push(Text {
            lang: "en".into(),
            value: "x".repeat(100_000),
        });
        let data = encode_record(&v).unwrap();
        assert!(data.len() < 10_000, "compressed {}", data.len());
        assert_eq!(decode_record(&data).unwrap(), v);
        // Many times on one thread: the reused (de)compressor is reset.
        for _ in 0..3 {
            assert_eq!(decode_record(&encode_record(&v).unwrap()).unwrap(), v);
        }
        assert!(decode_record(&data[..data.len() / 2]).is_err());
        assert!(decode_record(b"not deflate").is_err());
    }
}
