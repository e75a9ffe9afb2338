//! CISA's Known Exploited Vulnerabilities catalog: the JSON catalog
//! (`catalogVersion`, `dateReleased`, `count`, `vulnerabilities[]`), the
//! CSV variant CISA publishes beside it, or a single entry object.
//!
//! Each entry becomes an [`Item::Kev`]. A bad entry (no or malformed
//! `cveID`, a date that is not `YYYY-MM-DD`, a wrong type) is a bad record.
//!
//! The catalog's `count` is checked against its entries: a mismatch means a
//! truncated or hand-edited catalog, so it fails the read in
//! [`Mode::Strict`] and is reported in the notes in [`Mode::Lenient`]. CVE
//! ids listed twice are reported in the notes (both entries are handed on).
//! `shortDescription` has no place in [`KevEntry`] and is not kept.

use std::collections::BTreeSet;
use std::path::Path;

use secfixes_model::{KevEntry, VulnId};
use serde::Deserialize;

use crate::archive::{self, field_path, parse_timestamp};
use crate::{Error, Item, Mode, ReadOptions, RecordError, Summary};

/// Reads a KEV catalog (JSON or CSV, optionally gzipped) at `path`; a
/// directory, zip or tar is read member by member (`*.json`, `*.csv`).
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let accept = |name: &str| {
        let base = archive::base_name(name).to_ascii_lowercase();
        !base.ends_with("schema.json") && (base.ends_with(".json") || base.ends_with(".csv"))
    };
    let walk = archive::for_each_member(path, &accept, &mut |member| {
        summary.merge(read_bytes(member.data, member.source_name, opts, sink)?);
        Ok(())
    })?;
    summary
        .notes
        .extend(walk.skipped_note("KEV catalogs (*.json, *.csv)"));
    Ok(summary)
}

/// Reads a KEV catalog held in memory: JSON when its first non-blank byte
/// is `{`, CSV otherwise.
pub fn read_bytes(
    bytes: &[u8],
    source_name: &str,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    if first == Some(b'{') {
        read_json(bytes, source_name, opts, sink)
    } else {
        read_csv(bytes, source_name, opts, sink)
    }
}

/// Parses one catalog entry (a JSON object).
pub fn parse_entry(bytes: &[u8], source_name: &str) -> Result<(VulnId, KevEntry), RecordError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let raw: RawEntry = serde_path_to_error::deserialize(&mut de).map_err(|err| RecordError {
        source_name: source_name.to_owned(),
        record: archive::sniff_json_string(bytes, "cveID"),
        field: field_path(err.path()),
        message: err.inner().to_string(),
    })?;
    de.end().map_err(|err| RecordError {
        source_name: source_name.to_owned(),
        record: Some(raw.cve_id.clone()),
        field: None,
        message: err.to_string(),
    })?;
    convert(raw, source_name, "")
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    catalog_version: Option<String>,
    date_released: Option<String>,
    count: Option<u64>,
    vulnerabilities: Option<Vec<serde_json::Value>>,
    // A bare entry has this instead.
    #[serde(rename = "cveID")]
    cve_id: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: Option<String>,
    product: Option<String>,
    vulnerability_name: Option<String>,
    date_added: Option<String>,
    required_action: Option<String>,
    due_date: Option<String>,
    known_ransomware_campaign_use: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    cwes: Vec<String>,
}

fn read_json(
    bytes: &[u8],
    source_name: &str,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let catalog: RawCatalog =
        serde_path_to_error::deserialize(&mut de).map_err(|err| Error::Format {
            source_name: source_name.to_owned(),
            message: format!(
                "not a KEV catalog{}: {}",
                field_path(err.path())
                    .map(|f| format!(" (at {f})"))
                    .unwrap_or_default(),
                err.inner()
            ),
        })?;
    de.end().map_err(|err| Error::Format {
        source_name: source_name.to_owned(),
        message: format!("not a KEV catalog: {err}"),
    })?;
    let mut summary = Summary::default();
    let mut state = State::default();
    if catalog.cve_id.is_some() && catalog.vulnerabilities.is_none() {
        // A single entry object.
        let outcome = parse_entry(bytes, source_name);
        state.hand_on(outcome, opts.mode, &mut summary, sink)?;
        return Ok(summary);
    }
    let Some(entries) = catalog.vulnerabilities else {
        return Err(Error::Format {
            source_name: source_name.to_owned(),
            message: "not a KEV catalog: no vulnerabilities array".into(),
        });
    };
    if let Some(released) = &catalog.date_released
        && let Err(m) = parse_timestamp(released)
    {
        summary.notes.push(format!("dateReleased: {m}"));
    }
    summary.notes.push(format!(
        "KEV catalog {} released {}: {} entries",
        catalog
            .catalog_version
            .as_deref()
            .unwrap_or("(no catalogVersion)"),
        catalog
            .date_released
            .as_deref()
            .unwrap_or("(no dateReleased)"),
        entries.len()
    ));
    if let Some(count) = catalog.count
        && count != entries.len() as u64
    {
        let message = format!(
            "count says {count} entries, the catalog holds {}",
            entries.len()
        );
        match opts.mode {
            Mode::Strict => {
                return Err(Error::Format {
                    source_name: source_name.to_owned(),
                    message,
                });
            }
            Mode::Lenient => summary.notes.push(message),
        }
    }
    for (i, value) in entries.into_iter().enumerate() {
        let id_hint = value
            .get("cveID")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let outcome = serde_path_to_error::deserialize::<_, RawEntry>(value)
            .map_err(|err| RecordError {
                source_name: source_name.to_owned(),
                record: Some(id_hint.clone().unwrap_or_else(|| format!("#{i}"))),
                field: Some(
                    field_path(err.path())
                        .map(|f| format!("vulnerabilities/{i}/{f}"))
                        .unwrap_or_else(|| format!("vulnerabilities/{i}")),
                ),
                message: err.inner().to_string(),
            })
            .and_then(|raw| convert(raw, source_name, &format!("vulnerabilities/{i}/")));
        state.hand_on(outcome, opts.mode, &mut summary, sink)?;
    }
    state.finish(&mut summary);
    Ok(summary)
}

#[derive(Default)]
struct State {
    seen: BTreeSet<VulnId>,
    duplicates: Vec<String>,
}

impl State {
    fn hand_on(
        &mut self,
        outcome: Result<(VulnId, KevEntry), RecordError>,
        mode: Mode,
        summary: &mut Summary,
        sink: &mut dyn FnMut(Item) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if let Ok((id, _)) = &outcome
            && !self.seen.insert(id.clone())
        {
            self.duplicates.push(id.to_string());
        }
        summary.deliver(mode, outcome.map(|(id, entry)| Item::Kev(id, entry)), sink)
    }

    fn finish(self, summary: &mut Summary) {
        if !self.duplicates.is_empty() {
            summary.notes.push(format!(
                "CVE ids listed more than once: {}",
                self.duplicates.join(", ")
            ));
        }
    }
}

fn convert(
    raw: RawEntry,
    source_name: &str,
    prefix: &str,
) -> Result<(VulnId, KevEntry), RecordError> {
    let error = |field: &str, message: String| RecordError {
        source_name: source_name.to_owned(),
        record: Some(raw.cve_id.clone()),
        field: Some(format!("{prefix}{field}")),
        message,
    };
    let id = VulnId::cve(raw.cve_id.trim())
        .ok_or_else(|| error("cveID", format!("{:?} is not a CVE id", raw.cve_id)))?;
    let date = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<jiff::civil::Date>()
                    .map_err(|e| error(field, format!("not a date: {v:?}: {e}")))
            })
            .transpose()
    };
    let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let entry = KevEntry {
        date_added: date("dateAdded", &raw.date_added)?,
        due_date: date("dueDate", &raw.due_date)?,
        vendor_project: non_empty(raw.vendor_project.clone()),
        product: non_empty(raw.product.clone()),
        name: non_empty(raw.vulnerability_name.clone()),
        required_action: non_empty(raw.required_action.clone()),
        known_ransomware_campaign_use: non_empty(raw.known_ransomware_campaign_use.clone()),
        notes: non_empty(raw.notes.clone()),
        cwes: raw
            .cwes
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
    };
    Ok((id, entry))
}

// ---------------------------------------------------------------------------
// CSV: RFC 4180 (quoted fields, doubled quotes, line breaks inside quotes),
// header `cveID,vendorProject,product,vulnerabilityName,dateAdded,
// shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,
// cwes`, `cwes` as a comma-separated list.

fn read_csv(
    bytes: &[u8],
    source_name: &str,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let text =
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|e| {
            Error::Format {
                source_name: source_name.to_owned(),
                message: format!("not UTF-8 text: {e}"),
            }
        })?;
    let rows = csv_rows(text).map_err(|(line, message)| Error::Format {
        source_name: format!("{source_name}:{line}"),
        message,
    })?;
    let mut rows = rows.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(Error::Format {
            source_name: source_name.to_owned(),
            message: "empty file".into(),
        });
    };
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let Some(id_col) = col("cveID") else {
        return Err(Error::Format {
            source_name: format!("{source_name}:1"),
            message: "not a KEV catalog: the header has no cveID column".into(),
        });
    };
    let cols = [
        "vendorProject",
        "product",
        "vulnerabilityName",
        "dateAdded",
        "requiredAction",
        "dueDate",
        "knownRansomwareCampaignUse",
        "notes",
        "cwes",
    ]
    .map(col);
    let mut summary = Summary::default();
    let mut state = State::default();
    for (line, row) in rows {
        if row.len() == 1 && row[0].trim().is_empty() {
            continue;
        }
        let here = format!("{source_name}:{line}");
        if row.len() != header.len() {
            let err = RecordError {
                source_name: here,
                record: row.get(id_col).cloned(),
                field: None,
                message: format!("{} fields where the header has {}", row.len(), header.len()),
            };
            summary.bad_record(opts.mode, err)?;
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| row.get(i)).cloned();
        let raw = RawEntry {
            cve_id: row.get(id_col).cloned().unwrap_or_default(),
            vendor_project: get(cols[0]),
            product: get(cols[1]),
            vulnerability_name: get(cols[2]),
            date_added: get(cols[3]),
            required_action: get(cols[4]),
            due_date: get(cols[5]),
            known_ransomware_campaign_use: get(cols[6]),
            notes: get(cols[7]),
            cwes: get(cols[8])
                .map(|c| c.split(',').map(str::to_owned).collect())
                .unwrap_or_default(),
        };
        state.hand_on(convert(raw, &here, ""), opts.mode, &mut summary, sink)?;
    }
    state.finish(&mut summary);
    Ok(summary)
}

/// Splits CSV text into rows of fields, each with the line number it starts
/// on. Errors carry the line of the offending quote.
/// A CSV row: the line it starts on and its fields.
type Row = (usize, Vec<String>);

fn csv_rows(text: &str) -> Result<Vec<Row>, (usize, String)> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut row_line = 1;
    let mut in_quotes = false;
    let mut quote_line = 0;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                quote_line = line;
                at_field_start = false;
            }
            '"' => return Err((line, "a quote inside an unquoted field".into())),
            ',' => {
                row.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push((row_line, std::mem::take(&mut row)));
                line += 1;
                row_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if in_quotes {
        return Err((quote_line, "a quoted field is not closed".into()));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push((row_line, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let rows =
            csv_rows("a,b\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",z\n").unwrap_or_default();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            (2, vec!["x, y".to_owned(), "say \"hi\"".to_owned()])
        );
        assert_eq!(rows[2], (3, vec!["multi\nline".to_owned(), "z".to_owned()]));
        assert_eq!(csv_rows("a,\"b\n").err().map(|e| e.0), Some(1));
        assert_eq!(csv_rows("a,b\"c\n").err().map(|e| e.0), Some(1));
        // No final newline; empty trailing field.
        assert_eq!(
            csv_rows("a,").unwrap_or_default(),
            vec![(1, vec!["a".to_owned(), String::new()])]
        );
    }
}
