//! EPSS scores: the daily CSV of FIRST/Cyentia, plain or gzipped.
//!
//! ```text
//! #model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000
//! cve,epss,percentile
//! CVE-1999-0001,0.00383,0.73075
//! ```
//!
//! The first line is a comment with the model version and the score date
//! (written with `+0000` or `Z`; both are accepted, as is a bare date). It
//! is optional: without it, scores have no date and the summary says so.
//! Columns are found by name, so their order and extra columns do not
//! matter; `cve`, `epss` and `percentile` must be present. The file is
//! streamed line by line (a daily file is about 10 MB and 250k rows).
//!
//! A bad row (not a CVE id, a score that is not a number in [0, 1], missing
//! columns) is a bad record, named `file:line` with the column as field.

use std::io::BufRead;
use std::path::Path;

use secfixes_model::{Epss, VulnId};

use crate::archive::{self, parse_timestamp};
use crate::{Error, Item, ReadOptions, RecordError, Summary};

/// Reads an EPSS CSV (plain or gzip) at `path`, handing one [`Item::Epss`]
/// per row to `sink`.
///
/// A plain or gzipped file is streamed; a directory, zip or tar is read
/// member by member (`*.csv`).
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    if archive::InputKind::of(path)? == archive::InputKind::File {
        let reader = archive::open_maybe_gz(path)?;
        return read(reader, &path.display().to_string(), opts, sink);
    }
    let mut summary = Summary::default();
    let accept = |name: &str| {
        archive::base_name(name)
            .to_ascii_lowercase()
            .ends_with(".csv")
    };
    let walk = archive::for_each_member(path, &accept, &mut |member| {
        summary.merge(read(member.data, member.source_name, opts, sink)?);
        Ok(())
    })?;
    summary
        .notes
        .extend(walk.skipped_note("EPSS files (*.csv)"));
    Ok(summary)
}

/// The facts of the `#model_version:…,score_date:…` line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// `model_version`.
    pub model_version: Option<String>,
    /// `score_date`, as a UTC calendar date.
    pub score_date: Option<jiff::civil::Date>,
}

/// Parses the comment line (with or without its `#`).
pub fn parse_header(line: &str) -> Result<Header, String> {
    let line = line.trim().trim_start_matches('#');
    let mut header = Header::default();
    for part in line.split(',') {
        let Some((key, value)) = part.split_once(':') else {
            return Err(format!("{part:?} is not key:value"));
        };
        let value = value.trim();
        match key.trim() {
            "model_version" => {
                header.model_version = Some(value.to_owned()).filter(|v| !v.is_empty())
            }
            "score_date" => {
                // jiff's Date parser also takes a whole date-time and drops
                // the time and offset; only a bare date is a date here.
                let bare_date = if value.contains('T') {
                    None
                } else {
                    value.parse::<jiff::civil::Date>().ok()
                };
                let date = match bare_date {
                    Some(d) => d,
                    None => parse_timestamp(value)
                        .map_err(|m| format!("score_date: {m}"))?
                        .to_zoned(jiff::tz::TimeZone::UTC)
                        .date(),
                };
                header.score_date = Some(date);
            }
            _ => {}
        }
    }
    Ok(header)
}

/// Reads EPSS CSV text from `reader`. `source_name` names it in errors.
pub fn read(
    mut reader: impl BufRead,
    source_name: &str,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let format_error = |line: usize, message: String| Error::Format {
        source_name: format!("{source_name}:{line}"),
        message,
    };
    let mut summary = Summary::default();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut next_line = |buf: &mut Vec<u8>, line_no: &mut usize| -> Result<Option<String>, Error> {
        buf.clear();
        let n = reader.read_until(b'\n', buf).map_err(|e| Error::Format {
            source_name: source_name.to_owned(),
            message: format!("cannot read: {e}"),
        })?;
        if n == 0 {
            return Ok(None);
        }
        *line_no += 1;
        let text = String::from_utf8_lossy(buf);
        Ok(Some(text.trim_end_matches(['\n', '\r']).to_owned()))
    };

    let Some(first) = next_line(&mut buf, &mut line_no)? else {
        return Err(format_error(1, "empty file".into()));
    };
    let (header, columns_line) = if first.trim_start().starts_with('#') {
        let header = parse_header(&first).map_err(|m| format_error(1, m))?;
        if header.score_date.is_none() {
            summary
                .notes
                .push("the comment line has no score_date: scores have no date".into());
        }
        let Some(cols) = next_line(&mut buf, &mut line_no)? else {
            return Err(format_error(2, "no header line after the comment".into()));
        };
        (header, cols)
    } else {
        summary
            .notes
            .push("no #model_version/score_date line: scores have no date".into());
        (Header::default(), first)
    };
    let names: Vec<String> = columns_line
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let col = |name: &str| names.iter().position(|c| c == name);
    let (Some(cve_col), Some(epss_col), Some(pct_col)) =
        (col("cve"), col("epss"), col("percentile"))
    else {
        return Err(format_error(
            line_no,
            format!("invalid header {columns_line:?}: expected cve,epss,percentile"),
        ));
    };
    let needed = cve_col.max(epss_col).max(pct_col) + 1;

    while let Some(line) = next_line(&mut buf, &mut line_no)? {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let here = format!("{source_name}:{line_no}");
        let bad = |record: Option<&str>, field: Option<&str>, message: String| RecordError {
            source_name: here.clone(),
            record: Some(
                record
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("line {line_no}")),
            ),
            field: field.map(str::to_owned),
            message,
        };
        let outcome = (|| {
            if fields.len() < needed {
                return Err(bad(
                    fields.get(cve_col).copied(),
                    None,
                    format!("{} columns, expected {needed}", fields.len()),
                ));
            }
            let raw_id = fields[cve_col];
            let id = VulnId::cve(raw_id)
                .ok_or_else(|| bad(None, Some("cve"), format!("{raw_id:?} is not a CVE id")))?;
            let number = |i: usize, name: &str| {
                let text = fields[i];
                text.parse::<f64>()
                    .ok()
                    .filter(|v| (0.0..=1.0).contains(v))
                    .ok_or_else(|| {
                        bad(
                            Some(raw_id),
                            Some(name),
                            format!("{text:?} is not a number in [0, 1]"),
                        )
                    })
            };
            let score = number(epss_col, "epss")?;
            let percentile = number(pct_col, "percentile")?;
            Ok((
                id,
                Epss {
                    score,
                    percentile,
                    date: header.score_date,
                    model_version: header.model_version.clone(),
                },
            ))
        })();
        summary.deliver(
            opts.mode,
            outcome.map(|(id, epss)| Item::Epss(id, epss)),
            sink,
        )?;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_zone_forms() {
        let d = jiff::civil::date(2025, 2, 20);
        for line in [
            "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+0000",
            "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00Z",
            "#model_version:v2023.03.01,score_date:2025-02-20T00:00:00+00:00",
            "#model_version:v2023.03.01,score_date:2025-02-20",
        ] {
            let h = parse_header(line).unwrap_or_default();
            assert_eq!(h.score_date, Some(d), "{line}");
            assert_eq!(h.model_version.as_deref(), Some("v2023.03.01"), "{line}");
        }
        assert!(parse_header("#model_version:v1,score_date:yesterday").is_err());
        assert!(parse_header("#garbage").is_err());
    }
}
