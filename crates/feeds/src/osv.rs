//! OSV records (schema 1.0–1.7): one record, a directory of records, or an
//! `all.zip` bundle (or a tar of records).
//!
//! Own serde types, deliberately tolerant where the format evolves and
//! strict where a wrong reading would change a verdict:
//! * `package.ecosystem` is a string (a new ecosystem never fails an
//!   import); a range `type` outside `SEMVER`/`ECOSYSTEM`/`GIT` is kept as
//!   [`OsvRangeKind::Other`];
//! * every event object must hold exactly one of `introduced`, `fixed`,
//!   `last_affected`, `limit` — an event with no key, two keys or an unknown
//!   key is a bad record, because guessing would invert a range;
//! * `aliases` (symmetric), `related` and `upstream` (not symmetric: an
//!   `ALPINE-CVE-…` record's `upstream` is its CVE) are kept apart, in
//!   [`Vulnerability::aliases`], [`Vulnerability::related`] and
//!   [`Vulnerability::upstream`];
//! * `withdrawn` → [`RecordStatus::Withdrawn`];
//! * `severity[]` `CVSS_V2`/`CVSS_V3`/`CVSS_V4` vectors become [`Cvss`]
//!   entries whose version comes from the vector prefix (`CVSS:3.0/`,
//!   `CVSS:3.1/`, `CVSS:4.0/`, none for v2), without a computed score;
//!   per-package `affected[].severity` is added to the record's list;
//!   `Ubuntu` priorities are not CVSS and are dropped;
//! * `summary` → title, `details` → the English description, reference
//!   `type` → the reference's tag; `database_specific`,
//!   `ecosystem_specific` and `credits` are ignored.
//!
//! Departures from the JSON Schema that can still be represented faithfully
//! (a timestamp not ending in `Z`, a range without `introduced`, `fixed`
//! mixed with `last_affected`, a `GIT` range without `repo` or with short
//! hashes, an `Alpine` ecosystem without `:v<release>`, an unknown severity
//! or reference type, a malformed alias) are *warnings*: in
//! [`Mode::Strict`](crate::Mode::Strict) they make the record bad, in
//! [`Mode::Lenient`](crate::Mode::Lenient) the record is kept and the
//! warning is reported in the summary's notes.
//!
//! A JSON file whose top level is an array holds either records or an
//! index (`all.json`: `[{id, modified}]`, as Chainguard publishes); an index
//! is checked against the records read beside it and differences are
//! reported as notes.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use secfixes_model::osv::{OsvAffected, OsvEvent, OsvRange, OsvRangeKind};
use secfixes_model::{Cvss, CvssVersion, RecordStatus, SourceKind, Text, VulnId, Vulnerability};
use serde::Deserialize;

use crate::archive::{self, Warnings, field_path, parse_timestamp, sniff_json_string};
use crate::{Error, Item, Mode, ReadOptions, RecordError, Summary};

/// Reads OSV records at `path` (a file, a directory, a zip or tar bundle),
/// handing one [`Item::Vulnerability`] per record to `sink`.
///
/// In a directory or bundle, members ending in `.json` are read; others
/// (`modified_id.csv`, `ecosystems.txt`, …) are skipped and counted in the
/// notes.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let mut warnings = Warnings::default();
    let mut index: Vec<(String, IndexEntry)> = Vec::new();
    let mut seen: BTreeMap<String, Option<Timestamp>> = BTreeMap::new();
    let accept = |name: &str| archive::base_name(name).ends_with(".json");
    let walk = archive::for_each_member(path, &accept, &mut |member| {
        let parsed = match parse_document(member.data, member.source_name) {
            Ok(doc) => doc,
            Err(err) => return summary.bad_record(opts.mode, err),
        };
        match parsed {
            Document::Index(entries) => {
                index.extend(
                    entries
                        .into_iter()
                        .map(|e| (member.source_name.to_owned(), e)),
                );
                Ok(())
            }
            Document::Records(records) => {
                for raw in records {
                    let (raw, source) = match raw {
                        Ok(raw) => raw,
                        Err(err) => {
                            summary.bad_record(opts.mode, err)?;
                            continue;
                        }
                    };
                    let outcome = convert(raw, &source, opts.mode, &mut warnings);
                    if let Ok(vuln) = &outcome {
                        seen.insert(vuln.id.to_string(), vuln.modified);
                    }
                    summary.deliver(
                        opts.mode,
                        outcome.map(|v| Item::Vulnerability(Box::new(v))),
                        sink,
                    )?;
                }
                Ok(())
            }
        }
    })?;
    summary.notes.extend(walk.skipped_note("OSV JSON (*.json)"));
    check_index(&index, &seen, &mut summary);
    warnings.into_notes(&mut summary);
    Ok(summary)
}

/// Parses one OSV record. Schema departures (see the [module
/// documentation](self)) are errors here; use [`parse_record_lenient`] to
/// keep such records.
pub fn parse_record(bytes: &[u8], source_name: &str) -> Result<Vulnerability, RecordError> {
    let raw = deserialize(bytes, source_name)?;
    convert(raw, source_name, Mode::Strict, &mut Warnings::default())
}

/// Parses one OSV record, returning it with its schema warnings.
pub fn parse_record_lenient(
    bytes: &[u8],
    source_name: &str,
) -> Result<(Vulnerability, Vec<String>), RecordError> {
    let raw = deserialize(bytes, source_name)?;
    let mut warnings = Warnings::default();
    let vuln = convert(raw, source_name, Mode::Lenient, &mut warnings)?;
    let mut summary = Summary::default();
    warnings.into_notes(&mut summary);
    Ok((vuln, summary.notes))
}

/// One entry of an `all.json` index.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IndexEntry {
    /// The record id.
    pub id: String,
    /// The record's `modified` as the index states it.
    pub modified: String,
}

fn deserialize(bytes: &[u8], source_name: &str) -> Result<RawOsv, RecordError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let raw = serde_path_to_error::deserialize(&mut de).map_err(|err| RecordError {
        source_name: source_name.to_owned(),
        record: sniff_json_string(bytes, "id"),
        field: field_path(err.path()),
        message: err.inner().to_string(),
    })?;
    // Trailing bytes after the record: a concatenation or a broken file.
    de.end().map_err(|err| RecordError {
        source_name: source_name.to_owned(),
        record: sniff_json_string(bytes, "id"),
        field: None,
        message: err.to_string(),
    })?;
    Ok(raw)
}

type RawResult = Result<(RawOsv, String), RecordError>;

enum Document {
    Index(Vec<IndexEntry>),
    Records(Vec<RawResult>),
}

/// A JSON file: one record, an array of records, or an index.
fn parse_document(bytes: &[u8], source_name: &str) -> Result<Document, RecordError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'[') {
        return Ok(Document::Records(vec![
            deserialize(bytes, source_name).map(|r| (r, source_name.to_owned())),
        ]));
    }
    let values: Vec<serde_json::Value> =
        serde_json::from_slice(bytes).map_err(|e| RecordError {
            source_name: source_name.to_owned(),
            record: None,
            field: None,
            message: e.to_string(),
        })?;
    let is_index_entry = |v: &serde_json::Value| {
        v.as_object()
            .is_some_and(|o| o.contains_key("id") && o.keys().all(|k| k == "id" || k == "modified"))
    };
    if !values.is_empty() && !values.iter().any(|v| v.get("id").is_some()) {
        return Err(RecordError {
            source_name: source_name.to_owned(),
            record: None,
            field: None,
            message: format!(
                "not OSV: a JSON array of {} element(s), none with an id (an OSV file is a record, an array of \
                 records or an [{{id, modified}}] index)",
                values.len()
            ),
        });
    }
    if !values.is_empty() && values.iter().all(is_index_entry) {
        let entries = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<IndexEntry>(v).map_err(|e| RecordError {
                    source_name: source_name.to_owned(),
                    record: Some(format!("#{i}")),
                    field: Some(i.to_string()),
                    message: format!("bad index entry: {e}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Document::Index(entries));
    }
    Ok(Document::Records(
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let source = format!("{source_name}#{i}");
                let id = v.get("id").and_then(|x| x.as_str()).map(str::to_owned);
                serde_path_to_error::deserialize(v)
                    .map(|raw| (raw, source.clone()))
                    .map_err(|err| RecordError {
                        source_name: source,
                        record: id,
                        field: field_path(err.path()),
                        message: err.inner().to_string(),
                    })
            })
            .collect(),
    ))
}

/// Compares an `all.json` index with the records read.
fn check_index(
    index: &[(String, IndexEntry)],
    seen: &BTreeMap<String, Option<Timestamp>>,
    summary: &mut Summary,
) {
    if index.is_empty() {
        return;
    }
    const MAX: usize = 20;
    let mut problems = Vec::new();
    let mut total = 0usize;
    for (source, entry) in index {
        let problem = match seen.get(&entry.id) {
            None => Some(format!(
                "{source}: index lists {} but no such record was read",
                entry.id
            )),
            Some(modified) => match parse_timestamp(&entry.modified) {
                Err(m) => Some(format!("{source}: index entry {}: {m}", entry.id)),
                Ok(ts) if Some(ts) != *modified => Some(format!(
                    "{source}: index says {} was modified {}, the record says {}",
                    entry.id,
                    entry.modified,
                    modified
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| "nothing".into())
                )),
                Ok(_) => None,
            },
        };
        if let Some(p) = problem {
            total += 1;
            if problems.len() < MAX {
                problems.push(p);
            }
        }
    }
    let listed: std::collections::BTreeSet<&str> =
        index.iter().map(|(_, e)| e.id.as_str()).collect();
    for id in seen.keys().filter(|id| !listed.contains(id.as_str())) {
        total += 1;
        if problems.len() < MAX {
            problems.push(format!("record {id} is not listed in the index"));
        }
    }
    summary.notes.push(format!(
        "index lists {} record(s); {} difference(s) with the records read",
        index.len(),
        total
    ));
    summary.notes.extend(problems);
}

// ---------------------------------------------------------------------------
// Raw serde shapes (OSV schema 1.7). Arrays may be `null` in the schema.

#[derive(Deserialize)]
struct RawOsv {
    id: String,
    modified: String,
    published: Option<String>,
    withdrawn: Option<String>,
    aliases: Option<Vec<String>>,
    related: Option<Vec<String>>,
    upstream: Option<Vec<String>>,
    summary: Option<String>,
    details: Option<String>,
    severity: Option<Vec<RawSeverity>>,
    affected: Option<Vec<RawAffected>>,
    references: Option<Vec<RawReference>>,
}

#[derive(Deserialize)]
struct RawSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct RawAffected {
    package: Option<RawPackage>,
    severity: Option<Vec<RawSeverity>>,
    ranges: Option<Vec<RawRange>>,
    versions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawPackage {
    ecosystem: String,
    name: String,
    purl: Option<String>,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    repo: Option<String>,
    events: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct RawReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: String,
}

const REFERENCE_TYPES: [&str; 11] = [
    "ADVISORY",
    "ARTICLE",
    "DETECTION",
    "DISCUSSION",
    "REPORT",
    "FIX",
    "INTRODUCED",
    "GIT",
    "PACKAGE",
    "EVIDENCE",
    "WEB",
];

// ---------------------------------------------------------------------------

struct Ctx<'a> {
    source_name: &'a str,
    record: String,
    mode: Mode,
}

impl Ctx<'_> {
    fn error(&self, field: impl Into<String>, message: impl Into<String>) -> RecordError {
        RecordError {
            source_name: self.source_name.to_owned(),
            record: Some(self.record.clone()),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    fn warn(
        &self,
        warnings: &mut Warnings,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Result<(), RecordError> {
        warnings.warn(self.mode, self.error(field, message))
    }

    /// An OSV timestamp: RFC 3339 in UTC ending in `Z` (others are parsed
    /// with a warning).
    fn timestamp(
        &self,
        w: &mut Warnings,
        field: &str,
        value: &str,
    ) -> Result<Timestamp, RecordError> {
        let ts = parse_timestamp(value).map_err(|m| self.error(field, m))?;
        if !is_osv_timestamp(value) {
            self.warn(
                w,
                field,
                format!("{value:?} is not an RFC 3339 UTC time ending in Z"),
            )?;
        }
        Ok(ts)
    }

    fn ids(
        &self,
        w: &mut Warnings,
        field: &str,
        values: Option<Vec<String>>,
    ) -> Result<Vec<VulnId>, RecordError> {
        let mut out: Vec<VulnId> = Vec::new();
        for (i, v) in values.unwrap_or_default().into_iter().enumerate() {
            match VulnId::new(&v) {
                Ok(id) if !out.contains(&id) => out.push(id),
                Ok(_) => {}
                Err(e) => self.warn(w, format!("{field}/{i}"), format!("dropped: {e}"))?,
            }
        }
        Ok(out)
    }

    fn severity(
        &self,
        w: &mut Warnings,
        field: &str,
        list: Option<Vec<RawSeverity>>,
        out: &mut Vec<Cvss>,
    ) -> Result<(), RecordError> {
        for (i, s) in list.unwrap_or_default().into_iter().enumerate() {
            let field = format!("{field}/{i}");
            let declared = match s.kind.as_str() {
                "CVSS_V2" => Some(CvssVersion::V2),
                // CVSS_V3 covers 3.0 and 3.1: the prefix decides.
                "CVSS_V3" => Some(CvssVersion::V31),
                "CVSS_V4" => Some(CvssVersion::V40),
                "Ubuntu" => None,
                other => {
                    self.warn(
                        w,
                        format!("{field}/type"),
                        format!("unknown severity type {other:?}: dropped"),
                    )?;
                    None
                }
            };
            let Some(declared) = declared else { continue };
            let score = s.score.trim();
            let Some(version) = vector_version(score) else {
                self.warn(
                    w,
                    format!("{field}/score"),
                    format!("{score:?} is not a CVSS vector: dropped"),
                )?;
                continue;
            };
            let consistent = match declared {
                CvssVersion::V31 => matches!(version, CvssVersion::V30 | CvssVersion::V31),
                d => d == version,
            };
            if !consistent {
                self.warn(
                    w,
                    format!("{field}/score"),
                    format!("{score:?} does not match type {}", s.kind),
                )?;
            }
            if !out.iter().any(|c| c.vector == score) {
                out.push(Cvss {
                    version,
                    base_score: None,
                    vector: score.to_owned(),
                    severity: None,
                    source: None,
                    kind: None,
                });
            }
        }
        Ok(())
    }

    fn range(&self, w: &mut Warnings, field: &str, raw: RawRange) -> Result<OsvRange, RecordError> {
        let kind = match raw.kind.as_str() {
            "SEMVER" => OsvRangeKind::Semver,
            "ECOSYSTEM" => OsvRangeKind::Ecosystem,
            "GIT" => OsvRangeKind::Git,
            other => {
                self.warn(
                    w,
                    format!("{field}/type"),
                    format!("unknown range type {other:?}"),
                )?;
                OsvRangeKind::Other(other.to_owned())
            }
        };
        if raw.events.is_empty() {
            return Err(self.error(
                format!("{field}/events"),
                "a range needs at least one event",
            ));
        }
        let mut events = Vec::with_capacity(raw.events.len());
        for (i, obj) in raw.events.into_iter().enumerate() {
            let efield = format!("{field}/events/{i}");
            if obj.len() != 1 {
                let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
                return Err(self.error(
                    efield,
                    format!(
                        "an event holds exactly one key, this one has {} ({})",
                        obj.len(),
                        keys.join(", ")
                    ),
                ));
            }
            let Some((key, value)) = obj.into_iter().next() else {
                return Err(self.error(efield, "empty event"));
            };
            let Some(value) = value.as_str().map(str::to_owned) else {
                return Err(self.error(format!("{efield}/{key}"), "event value is not a string"));
            };
            events.push(match key.as_str() {
                "introduced" => OsvEvent::Introduced(value),
                "fixed" => OsvEvent::Fixed(value),
                "last_affected" => OsvEvent::LastAffected(value),
                "limit" => OsvEvent::Limit(value),
                other => {
                    return Err(self.error(
                        format!("{efield}/{other}"),
                        format!("unknown event {other:?}"),
                    ));
                }
            });
        }
        if !events.iter().any(|e| matches!(e, OsvEvent::Introduced(_))) {
            self.warn(w, format!("{field}/events"), "no introduced event")?;
        }
        if events.iter().any(|e| matches!(e, OsvEvent::Fixed(_)))
            && events
                .iter()
                .any(|e| matches!(e, OsvEvent::LastAffected(_)))
        {
            self.warn(
                w,
                format!("{field}/events"),
                "fixed and last_affected are mutually exclusive",
            )?;
        }
        if kind == OsvRangeKind::Git {
            if raw.repo.is_none() {
                self.warn(w, format!("{field}/repo"), "a GIT range needs a repo")?;
            }
            let bad_hash = events.iter().find_map(|e| {
                let (OsvEvent::Introduced(v)
                | OsvEvent::Fixed(v)
                | OsvEvent::LastAffected(v)
                | OsvEvent::Limit(v)) = e;
                (!is_git_event_value(v)).then_some(v)
            });
            if let Some(v) = bad_hash {
                self.warn(
                    w,
                    format!("{field}/events"),
                    format!("{v:?} is not a full commit hash"),
                )?;
            }
        }
        Ok(OsvRange {
            kind,
            repo: raw.repo,
            events,
        })
    }
}

fn convert(
    raw: RawOsv,
    source_name: &str,
    mode: Mode,
    w: &mut Warnings,
) -> Result<Vulnerability, RecordError> {
    let cx = Ctx {
        source_name,
        record: raw.id.clone(),
        mode,
    };
    let id = VulnId::new(&raw.id).map_err(|e| cx.error("id", e.to_string()))?;
    let mut vuln = Vulnerability::new(id, SourceKind::Osv);
    vuln.modified = Some(cx.timestamp(w, "modified", &raw.modified)?);
    vuln.published = raw
        .published
        .as_deref()
        .map(|p| cx.timestamp(w, "published", p))
        .transpose()?;
    vuln.withdrawn = raw
        .withdrawn
        .as_deref()
        .map(|p| cx.timestamp(w, "withdrawn", p))
        .transpose()?;
    if vuln.withdrawn.is_some() {
        vuln.status = RecordStatus::Withdrawn;
    }
    vuln.aliases = cx.ids(w, "aliases", raw.aliases)?;
    vuln.related = cx.ids(w, "related", raw.related)?;
    vuln.upstream = cx.ids(w, "upstream", raw.upstream)?;
    vuln.title = raw.summary.filter(|s| !s.trim().is_empty());
    if let Some(details) = raw.details.filter(|d| !d.trim().is_empty()) {
        vuln.descriptions.push(Text {
            lang: "en".into(),
            value: details,
        });
    }
    let top_severity = raw.severity.as_ref().is_some_and(|s| !s.is_empty());
    cx.severity(w, "severity", raw.severity, &mut vuln.cvss)?;
    for (i, a) in raw.affected.unwrap_or_default().into_iter().enumerate() {
        let field = format!("affected/{i}");
        if top_severity && a.severity.as_ref().is_some_and(|s| !s.is_empty()) {
            cx.warn(
                w,
                format!("{field}/severity"),
                "per-package severity while the top-level severity is set",
            )?;
        }
        cx.severity(w, &format!("{field}/severity"), a.severity, &mut vuln.cvss)?;
        if let Some(p) = &a.package
            && is_alpine_without_release(&p.ecosystem)
        {
            cx.warn(
                w,
                format!("{field}/package/ecosystem"),
                format!(
                    "{:?}: Alpine ecosystems carry the release, as Alpine:v3.20",
                    p.ecosystem
                ),
            )?;
        }
        let mut ranges = Vec::new();
        for (j, r) in a.ranges.unwrap_or_default().into_iter().enumerate() {
            ranges.push(cx.range(w, &format!("{field}/ranges/{j}"), r)?);
        }
        vuln.osv_affected.push(OsvAffected {
            ecosystem: a.package.as_ref().map(|p| p.ecosystem.clone()),
            name: a.package.as_ref().map(|p| p.name.clone()),
            purl: a.package.and_then(|p| p.purl),
            ranges,
            versions: a.versions.unwrap_or_default(),
        });
    }
    for (i, r) in raw.references.unwrap_or_default().into_iter().enumerate() {
        let mut tags = Vec::new();
        match r.kind {
            Some(kind) => {
                if !REFERENCE_TYPES.contains(&kind.as_str()) {
                    cx.warn(
                        w,
                        format!("references/{i}/type"),
                        format!("unknown reference type {kind:?}"),
                    )?;
                }
                tags.push(kind);
            }
            None => cx.warn(w, format!("references/{i}/type"), "missing")?,
        }
        archive::add_reference(&mut vuln.references, &r.url, &tags, None);
    }
    Ok(vuln)
}

/// The CVSS version a vector states: `CVSS:3.0/…`, `CVSS:3.1/…`,
/// `CVSS:4.0/…`, or a bare v2 vector (`AV:N/AC:L/Au:N/…`).
pub fn vector_version(vector: &str) -> Option<CvssVersion> {
    if let Some(rest) = vector.strip_prefix("CVSS:") {
        let (v, metrics) = rest.split_once('/')?;
        if metrics.is_empty() {
            return None;
        }
        return match v {
            "3.0" => Some(CvssVersion::V30),
            "3.1" => Some(CvssVersion::V31),
            "4.0" => Some(CvssVersion::V40),
            "2.0" => Some(CvssVersion::V2),
            _ => None,
        };
    }
    // v2: metric:value pairs, the first one AV.
    let ok = vector.starts_with("AV:")
        && vector.split('/').all(|m| {
            m.split_once(':')
                .is_some_and(|(k, v)| !k.is_empty() && !v.is_empty())
        });
    ok.then_some(CvssVersion::V2)
}

/// `YYYY-MM-DDTHH:MM:SS(.fff)?Z`, the schema's timestamp pattern.
fn is_osv_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if b[10] != b'T'
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    match &b[19..] {
        b"Z" => true,
        [b'.', rest @ .., b'Z'] => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// `0` or a full SHA-1/SHA-256 hex hash.
fn is_git_event_value(v: &str) -> bool {
    v == "0"
        || ((v.len() == 40 || v.len() == 64)
            && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// `Alpine` or `Alpine:3.20` (the schema wants `Alpine:v3.20`).
fn is_alpine_without_release(ecosystem: &str) -> bool {
    match ecosystem.split_once(':') {
        None => ecosystem == "Alpine",
        Some((base, release)) => {
            base == "Alpine"
                && !release.strip_prefix('v').is_some_and(|r| {
                    !r.is_empty()
                        && r.split('.')
                            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_versions() {
        assert_eq!(
            vector_version("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"),
            Some(CvssVersion::V31)
        );
        assert_eq!(vector_version("CVSS:3.0/AV:N"), Some(CvssVersion::V30));
        assert_eq!(
            vector_version("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Some(CvssVersion::V40)
        );
        assert_eq!(
            vector_version("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Some(CvssVersion::V2)
        );
        for bad in [
            "",
            "CVSS:3.1",
            "CVSS:3.1/",
            "CVSS:5.0/AV:N",
            "high",
            "AV:N/AC",
            "7.5",
        ] {
            assert_eq!(vector_version(bad), None, "{bad}");
        }
    }

    #[test]
    fn osv_timestamps() {
        for ok in [
            "2026-01-07T00:00:00Z",
            "2026-02-24T13:07:08.98Z",
            "2021-01-01T00:00:00.123456789Z",
        ] {
            assert!(is_osv_timestamp(ok), "{ok}");
        }
        for bad in [
            "2026-01-07T00:00:00+00:00",
            "2026-01-07T00:00:00",
            "2026-01-07",
            "2026-01-07T00:00:00.Z",
            "2026-01-07 00:00:00Z",
        ] {
            assert!(!is_osv_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn alpine_ecosystems() {
        assert!(is_alpine_without_release("Alpine"));
        assert!(is_alpine_without_release("Alpine:3.20"));
        assert!(is_alpine_without_release("Alpine:v"));
        assert!(!is_alpine_without_release("Alpine:v3.20"));
        assert!(!is_alpine_without_release("Wolfi"));
        assert!(!is_alpine_without_release("Root:Alpine:3.18"));
    }

    #[test]
    fn git_hashes() {
        assert!(is_git_event_value("0"));
        assert!(is_git_event_value(&"a".repeat(40)));
        assert!(is_git_event_value(&"0123456789abcdef".repeat(4)));
        assert!(!is_git_event_value("abc123"));
        assert!(!is_git_event_value(&"A".repeat(40)));
    }
}
