//! NVD 2.0 JSON: CVE API response pages, the 2.0 data feeds
//! (`nvdcve-2.0-<year>.json[.gz|.zip]`, same envelope), single per-CVE
//! files (a bare `cve_item`, as in fkie-cad/nvd-json-data-feeds or
//! vuln-list-nvd, or `{"cve": cve_item}`), and directories of any of these.
//!
//! Pages and feeds are streamed like the 1.1 feeds: each `vulnerabilities[]`
//! element is parsed, handed to the sink and dropped. A `.meta` sidecar is
//! checked when present (it accompanies the compressed feeds only, so only
//! for those does its absence give a note).
//!
//! Mapping of a `cve_item` (unknown keys are ignored: schema 2.2.3 is open):
//!
//! | 2.0 | model |
//! |---|---|
//! | `id` (must be a CVE id) | `id` |
//! | `sourceIdentifier` | `assigner` |
//! | `vulnStatus` | `source_status`; `Rejected` → `Rejected`, `Modified` → `Modified`, else `Published` |
//! | `published`, `lastModified` (zone-less = UTC) | `published`, `modified` |
//! | `descriptions[]` (every language) | `descriptions` |
//! | `references[]` `{url, source, tags}` | `references` |
//! | `metrics.cvssMetricV40/V31/V30/V2[]` (every source; v2 `baseSeverity` beside `cvssData`) | `cvss`, with `source` and Primary/Secondary |
//! | `metrics.ssvcV203[0].ssvcData` | `ssvc` |
//! | `weaknesses[].description[].value` | `cwes` (without `NVD-CWE-Other/noinfo`) |
//! | `cisaExploitAdd`, `cisaActionDue`, `cisaRequiredAction`, `cisaVulnerabilityName` | `kev` |
//! | `configurations[]` `{operator?, negate?, nodes[{operator, negate, cpeMatch[]}]}` | `configurations`, as is |
//!
//! Not kept (the model has no field): CVSS sub-scores and components,
//! `cveTags`, `evaluatorComment/Solution/Impact`, `vendorComments`, the
//! weakness `source`/`type`.
//!
//! Record errors name the field relative to the `cve_item`
//! (`configurations/0/nodes/1/operator`).

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::Path;

use secfixes_model::nvd::{Configuration, CpeMatch, Node, Operator};
use secfixes_model::{
    Cvss, CvssVersion, KevEntry, MetricKind, RecordStatus, Reference, SourceKind, Ssvc, Text,
    Vulnerability,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::nvd::common::{
    FieldError, check_score, cvss_version, deserialize_operator, marked_rejected, parse_cve_id,
    parse_date, parse_opt_time, parse_record, push_cwe,
};
use crate::nvd::input::{self, Compression};
use crate::nvd::stream;
use crate::{Error, Item, ReadOptions, RecordError, Summary};

/// Reads NVD 2.0 JSON from a file (`.json`, `.json.gz`, `.zip`; told by
/// content) or a directory: every `*.json` and `*.json.gz` below it, in
/// path order. In a directory, a file that is not NVD 2.0 JSON at all (not
/// JSON, another shape) counts as one bad record (skipped in lenient mode)
/// instead of stopping the read.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    if !path.is_dir() {
        return read_file(path, opts, sink);
    }
    let mut summary = Summary::default();
    let files: Vec<_> = input::walk_files(path)?
        .into_iter()
        .filter(|p| is_json_name(p))
        .collect();
    if files.is_empty() {
        return Err(Error::Format {
            source_name: path.display().to_string(),
            message: "no NVD 2.0 files (*.json, *.json.gz) in the directory".into(),
        });
    }
    for file in files {
        match read_file(&file, opts, sink) {
            Ok(s) => summary.merge(s),
            Err(Error::Format {
                source_name,
                message,
            }) => {
                let err = RecordError {
                    source_name,
                    record: None,
                    field: None,
                    message,
                };
                summary.bad_record(opts.mode, err)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(summary)
}

fn is_json_name(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".json") || n.ends_with(".json.gz")
    })
}

fn read_file(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let compressed = Compression::of_prefix(&input::read_prefix(path, 4)?) != Compression::Plain;
    let (mut summary, notes) = input::read_checked(path, |content, source_name| {
        read_stream(content, source_name, opts, sink, &|e| {
            input::read_error(path, source_name, e)
        })
    })?;
    if compressed {
        summary.notes.extend(notes);
    }
    Ok(summary)
}

/// Reads uncompressed NVD 2.0 JSON (a page, a feed, or one record) from
/// `reader` (no `.meta` check). `source_name` names it in errors.
pub fn read<R: BufRead>(
    reader: R,
    source_name: &str,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    read_stream(reader, source_name, opts, sink, &|e| Error::Io {
        path: source_name.into(),
        source: e,
    })
}

fn read_stream<R: Read>(
    reader: R,
    source_name: &str,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
    on_io: &dyn Fn(std::io::Error) -> Error,
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let mut deliver = |summary: &mut Summary, result: Result<Vulnerability, RecordError>| {
        summary.deliver(
            opts.mode,
            result.map(|v| Item::Vulnerability(Box::new(v))),
            sink,
        )
    };
    let mut on_element = |index: u64, raw: Box<RawValue>| {
        let result = parse_wrapped(raw.get(), source_name, index);
        deliver(&mut summary, result)
    };
    let doc = stream::stream_object(
        reader,
        source_name,
        "vulnerabilities",
        &mut on_element,
        on_io,
    )?;
    if doc.array_seen {
        if let Some(format) = doc.scalar("format")
            && format != "NVD_CVE"
        {
            return Err(Error::Format {
                source_name: source_name.to_owned(),
                message: format!("format is {format:?}, not NVD_CVE"),
            });
        }
        if let Some(per_page) = doc.scalar("resultsPerPage")
            && per_page != doc.elements.to_string()
        {
            summary.notes.push(format!(
                "{source_name}: resultsPerPage says {per_page}, the page holds {} records",
                doc.elements
            ));
        }
        return Ok(summary);
    }
    let result = if let Some(cve) = doc.member("cve") {
        parse_cve_labelled(cve.get(), source_name, 0)
    } else if doc.member("id").is_some() {
        parse_cve_labelled(&doc.members_as_object(), source_name, 0)
    } else {
        let keys: Vec<&str> = doc
            .members
            .iter()
            .map(|(k, _)| k.as_str())
            .take(8)
            .collect();
        return Err(Error::Format {
            source_name: source_name.to_owned(),
            message: format!(
                "neither an API page or feed (`vulnerabilities`), a `{{\"cve\": …}}` record nor a \
                 bare cve_item (`id`): not NVD 2.0 JSON (top-level keys: {})",
                keys.join(", ")
            ),
        });
    };
    deliver(&mut summary, result)?;
    Ok(summary)
}

/// Parses one `cve_item` (its JSON text, the object with `id`,
/// `sourceIdentifier`, …).
pub fn parse_cve(json: &str, source_name: &str) -> Result<Vulnerability, RecordError> {
    parse_cve_labelled(json, source_name, 0)
}

fn parse_cve_labelled(
    json: &str,
    source_name: &str,
    index: u64,
) -> Result<Vulnerability, RecordError> {
    parse_record::<RawCve>(json)
        .and_then(convert)
        .map_err(|e| e.into_record_error(source_name, record_label(json, false, index)))
}

/// Parses one `vulnerabilities[]` element, `{"cve": cve_item}`.
fn parse_wrapped(json: &str, source_name: &str, index: u64) -> Result<Vulnerability, RecordError> {
    #[derive(Deserialize)]
    struct Wrapper<'a> {
        #[serde(borrow)]
        cve: &'a RawValue,
    }
    let label = || record_label(json, true, index);
    let wrapper =
        parse_record::<Wrapper<'_>>(json).map_err(|e| e.into_record_error(source_name, label()))?;
    parse_record::<RawCve>(wrapper.cve.get())
        .and_then(convert)
        .map_err(|mut e| {
            e.field = Some(match e.field {
                Some(f) => format!("cve/{f}"),
                None => "cve".to_owned(),
            });
            e.into_record_error(source_name, label())
        })
}

/// The id of a record that failed to parse, or `#index`.
fn record_label(json: &str, wrapped: bool, index: u64) -> String {
    #[derive(Deserialize)]
    struct Probe {
        id: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct WrappedProbe {
        cve: Option<Probe>,
    }
    let id = if wrapped {
        serde_json::from_str::<WrappedProbe>(json)
            .ok()
            .and_then(|p| p.cve?.id)
    } else {
        serde_json::from_str::<Probe>(json).ok().and_then(|p| p.id)
    };
    id.and_then(|id| id.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
        .unwrap_or_else(|| format!("#{index}"))
}

// ---- the 2.0 cve_item, as written (unknown keys are ignored) ----

#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "an NVD 2.0 cve_item (a JSON object)"
)]
struct RawCve {
    id: String,
    #[serde(default)]
    source_identifier: Option<String>,
    #[serde(default)]
    vuln_status: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    last_modified: Option<String>,
    #[serde(default)]
    descriptions: Vec<RawLangString>,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(default)]
    metrics: Option<RawMetrics>,
    #[serde(default)]
    weaknesses: Vec<RawWeakness>,
    #[serde(default)]
    configurations: Vec<RawConfig>,
    #[serde(default)]
    cisa_exploit_add: Option<String>,
    #[serde(default)]
    cisa_action_due: Option<String>,
    #[serde(default)]
    cisa_required_action: Option<String>,
    #[serde(default)]
    cisa_vulnerability_name: Option<String>,
}

#[derive(Deserialize)]
struct RawLangString {
    lang: String,
    value: String,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct RawMetrics {
    #[serde(rename = "cvssMetricV40", default)]
    v40: Vec<RawMetric>,
    #[serde(rename = "cvssMetricV31", default)]
    v31: Vec<RawMetric>,
    #[serde(rename = "cvssMetricV30", default)]
    v30: Vec<RawMetric>,
    #[serde(rename = "cvssMetricV2", default)]
    v2: Vec<RawMetric>,
    #[serde(rename = "ssvcV203", default)]
    ssvc: Vec<RawSsvcMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetric {
    #[serde(default)]
    source: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<RawMetricKind>,
    cvss_data: RawCvss,
    /// v2 only: the severity sits beside `cvssData`.
    #[serde(default)]
    base_severity: Option<String>,
}

#[derive(Deserialize)]
enum RawMetricKind {
    Primary,
    Secondary,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCvss {
    #[serde(default)]
    version: Option<String>,
    vector_string: String,
    #[serde(default)]
    base_score: Option<f32>,
    #[serde(default)]
    base_severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSsvcMetric {
    ssvc_data: RawSsvcData,
}

#[derive(Deserialize)]
struct RawSsvcData {
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    version: Option<String>,
    /// `[{"exploitation": "none"}, {"automatable": "yes"}, {"technicalImpact": "total"}]`.
    #[serde(default)]
    options: Vec<HashMap<String, String>>,
}

#[derive(Deserialize)]
struct RawWeakness {
    #[serde(default)]
    description: Vec<RawLangString>,
}

#[derive(Deserialize)]
struct RawConfig {
    #[serde(default, deserialize_with = "deserialize_operator")]
    operator: Option<Operator>,
    #[serde(default)]
    negate: Option<bool>,
    nodes: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNode {
    #[serde(default, deserialize_with = "deserialize_operator")]
    operator: Option<Operator>,
    #[serde(default)]
    negate: Option<bool>,
    #[serde(default)]
    cpe_match: Vec<RawCpeMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCpeMatch {
    vulnerable: bool,
    criteria: String,
    #[serde(default)]
    match_criteria_id: Option<String>,
    #[serde(default)]
    version_start_including: Option<String>,
    #[serde(default)]
    version_start_excluding: Option<String>,
    #[serde(default)]
    version_end_including: Option<String>,
    #[serde(default)]
    version_end_excluding: Option<String>,
}

// ---- conversion into the model ----

fn convert(raw: RawCve) -> Result<Vulnerability, FieldError> {
    let id = parse_cve_id(&raw.id, "id")?;
    let mut v = Vulnerability::new(id, SourceKind::Nvd);
    v.assigner = raw.source_identifier;
    v.published = parse_opt_time(raw.published.as_deref(), "published")?;
    v.modified = parse_opt_time(raw.last_modified.as_deref(), "lastModified")?;
    v.descriptions = raw
        .descriptions
        .into_iter()
        .map(|d| Text {
            lang: d.lang,
            value: d.value,
        })
        .collect();
    v.status = match raw.vuln_status.as_deref() {
        Some("Rejected") => RecordStatus::Rejected,
        Some("Modified") => RecordStatus::Modified,
        Some(_) => RecordStatus::Published,
        // Without a status, fall back on the 1.x rejection marker.
        None if marked_rejected(&v.descriptions) => RecordStatus::Rejected,
        None => RecordStatus::Published,
    };
    v.source_status = raw.vuln_status;
    v.references = raw
        .references
        .into_iter()
        .map(|r| Reference {
            url: r.url,
            tags: r.tags,
            source: r.source,
        })
        .collect();
    for w in raw.weaknesses {
        for d in w.description {
            push_cwe(&mut v.cwes, d.value);
        }
    }
    if let Some(metrics) = raw.metrics {
        let RawMetrics {
            v40,
            v31,
            v30,
            v2,
            ssvc,
        } = metrics;
        for (key, version, list) in [
            ("cvssMetricV40", CvssVersion::V40, v40),
            ("cvssMetricV31", CvssVersion::V31, v31),
            ("cvssMetricV30", CvssVersion::V30, v30),
            ("cvssMetricV2", CvssVersion::V2, v2),
        ] {
            for (i, m) in list.into_iter().enumerate() {
                v.cvss
                    .push(metric(m, version, &format!("metrics/{key}/{i}"))?);
            }
        }
        if let Some(first) = ssvc.into_iter().next() {
            v.ssvc = Some(ssvc_of(first.ssvc_data)?);
        }
    }
    v.kev = kev(
        raw.cisa_exploit_add,
        raw.cisa_action_due,
        raw.cisa_required_action,
        raw.cisa_vulnerability_name,
    )?;
    v.configurations = raw.configurations.into_iter().map(configuration).collect();
    Ok(v)
}

fn metric(m: RawMetric, version: CvssVersion, field: &str) -> Result<Cvss, FieldError> {
    if let Some(given) = &m.cvss_data.version
        && cvss_version(given) != Some(version)
    {
        return Err(FieldError::new(
            format!("{field}/cvssData/version"),
            format!("version {given:?} in a {version:?} metric"),
        ));
    }
    let base_score = m
        .cvss_data
        .base_score
        .map(|s| check_score(s, &format!("{field}/cvssData/baseScore")))
        .transpose()?;
    Ok(Cvss {
        version,
        base_score,
        vector: m.cvss_data.vector_string,
        severity: m.cvss_data.base_severity.or(m.base_severity),
        source: m.source,
        kind: m.kind.map(|k| match k {
            RawMetricKind::Primary => MetricKind::Primary,
            RawMetricKind::Secondary => MetricKind::Secondary,
        }),
    })
}

fn ssvc_of(data: RawSsvcData) -> Result<Ssvc, FieldError> {
    let mut s = Ssvc {
        version: data.version,
        timestamp: parse_opt_time(
            data.timestamp.as_deref(),
            "metrics/ssvcV203/0/ssvcData/timestamp",
        )?,
        ..Ssvc::default()
    };
    for option in data.options {
        for (key, value) in option {
            // NVD writes `technicalImpact`; CVE 5 ADP writes `Technical Impact`.
            let key: String = key
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            match key.as_str() {
                "exploitation" => s.exploitation = Some(value),
                "automatable" => s.automatable = Some(value),
                "technicalimpact" => s.technical_impact = Some(value),
                _ => {}
            }
        }
    }
    Ok(s)
}

fn kev(
    added: Option<String>,
    due: Option<String>,
    action: Option<String>,
    name: Option<String>,
) -> Result<Option<KevEntry>, FieldError> {
    if added.is_none() && due.is_none() && action.is_none() && name.is_none() {
        return Ok(None);
    }
    Ok(Some(KevEntry {
        date_added: parse_date(added.as_deref(), "cisaExploitAdd")?,
        due_date: parse_date(due.as_deref(), "cisaActionDue")?,
        required_action: action,
        name,
        ..KevEntry::default()
    }))
}

fn configuration(raw: RawConfig) -> Configuration {
    Configuration {
        operator: raw.operator.unwrap_or_default(),
        negate: raw.negate.unwrap_or(false),
        nodes: raw
            .nodes
            .into_iter()
            .map(|n| Node {
                operator: n.operator.unwrap_or_default(),
                negate: n.negate.unwrap_or(false),
                cpe_match: n.cpe_match.into_iter().map(cpe_match).collect(),
                children: Vec::new(),
            })
            .collect(),
    }
}

fn cpe_match(raw: RawCpeMatch) -> CpeMatch {
    CpeMatch {
        vulnerable: raw.vulnerable,
        criteria: raw.criteria,
        match_criteria_id: raw.match_criteria_id,
        version_start_including: raw.version_start_including,
        version_start_excluding: raw.version_start_excluding,
        version_end_including: raw.version_end_including,
        version_end_excluding: raw.version_end_excluding,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const CVE: &str = r#"{
      "id": "CVE-2021-44228", "sourceIdentifier": "security@apache.org",
      "published": "2021-12-10T10:15:09.143", "lastModified": "2024-07-24T17:08:24.167",
      "vulnStatus": "Modified", "cveTags": [], "someFutureKey": {"x": 1},
      "cisaExploitAdd": "2021-12-10", "cisaActionDue": "2021-12-24",
      "cisaRequiredAction": "For all affected software assets …",
      "cisaVulnerabilityName": "Apache Log4j2 Remote Code Execution Vulnerability",
      "descriptions": [{"lang": "en", "value": "Apache Log4j2 …"}, {"lang": "es", "value": "Apache Log4j2 …"}],
      "metrics": {
        "cvssMetricV40": [{"source": "x@y", "type": "Secondary", "cvssData": {"version": "4.0",
          "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
          "baseScore": 9.3, "baseSeverity": "CRITICAL"}}],
        "cvssMetricV31": [
          {"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "3.1",
           "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "baseScore": 10.0,
           "baseSeverity": "CRITICAL"}, "exploitabilityScore": 3.9, "impactScore": 6.0},
          {"source": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "type": "Secondary", "cvssData": {"version": "3.1",
           "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "baseScore": 10.0,
           "baseSeverity": "CRITICAL"}}],
        "cvssMetricV2": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "2.0",
          "vectorString": "AV:N/AC:M/Au:N/C:C/I:C/A:C", "baseScore": 9.3}, "baseSeverity": "HIGH",
          "acInsufInfo": false}],
        "ssvcV203": [{"source": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "ssvcData": {
          "timestamp": "2024-04-02T04:00:23.138684Z", "version": "2.0.3",
          "options": [{"exploitation": "active"}, {"automatable": "yes"}, {"technicalImpact": "total"}]}}]
      },
      "weaknesses": [
        {"source": "security@apache.org", "type": "Secondary", "description": [{"lang": "en", "value": "CWE-502"}]},
        {"source": "nvd@nist.gov", "type": "Primary", "description": [{"lang": "en", "value": "NVD-CWE-noinfo"}, {"lang": "en", "value": "CWE-917"}]}],
      "configurations": [
        {"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
           "versionStartIncluding": "2.13.0", "versionEndExcluding": "2.15.0",
           "matchCriteriaId": "2A6B4C9E-6E7B-4B4A-8B0E-1C2E1E1E1E1E"}]}]},
        {"operator": "AND", "nodes": [
          {"operator": "OR", "negate": false, "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:o:siemens:x_firmware:*:*:*:*:*:*:*:*",
             "versionEndIncluding": "1.0", "versionStartExcluding": "0.1"}]},
          {"operator": "OR", "negate": true, "cpeMatch": [
            {"vulnerable": false, "criteria": "cpe:2.3:h:siemens:x:-:*:*:*:*:*:*:*"}]}]}],
      "references": [{"url": "https://logging.apache.org/log4j/2.x/security.html", "source": "security@apache.org",
        "tags": ["Release Notes", "Vendor Advisory"]}]
    }"#;

    #[test]
    fn maps_every_field() {
        let v = parse_cve(CVE, "t").unwrap();
        assert_eq!(v.id.as_str(), "CVE-2021-44228");
        assert_eq!(v.assigner.as_deref(), Some("security@apache.org"));
        assert_eq!(v.status, RecordStatus::Modified);
        assert_eq!(v.source_status.as_deref(), Some("Modified"));
        assert_eq!(v.published.unwrap().to_string(), "2021-12-10T10:15:09.143Z");
        assert_eq!(v.descriptions.len(), 2);
        assert_eq!(v.cwes, ["CWE-502", "CWE-917"]);
        assert_eq!(v.references[0].tags, ["Release Notes", "Vendor Advisory"]);
        assert_eq!(
            v.references[0].source.as_deref(),
            Some("security@apache.org")
        );
        let versions: Vec<_> = v.cvss.iter().map(|c| c.version).collect();
        assert_eq!(
            versions,
            [
                CvssVersion::V40,
                CvssVersion::V31,
                CvssVersion::V31,
                CvssVersion::V2
            ]
        );
        let primary31 = &v.cvss[1];
        assert_eq!(primary31.base_score, Some(10.0));
        assert_eq!(primary31.kind, Some(MetricKind::Primary));
        assert_eq!(primary31.source.as_deref(), Some("nvd@nist.gov"));
        assert_eq!(v.cvss[2].kind, Some(MetricKind::Secondary));
        assert_eq!(v.cvss[3].severity.as_deref(), Some("HIGH"));
        assert_eq!(v.cvss[3].base_score, Some(9.3));
        assert_eq!(v.preferred_cvss().unwrap().version, CvssVersion::V40);
        let ssvc = v.ssvc.as_ref().unwrap();
        assert_eq!(ssvc.exploitation.as_deref(), Some("active"));
        assert_eq!(ssvc.automatable.as_deref(), Some("yes"));
        assert_eq!(ssvc.technical_impact.as_deref(), Some("total"));
        assert_eq!(ssvc.version.as_deref(), Some("2.0.3"));
        let kev = v.kev.as_ref().unwrap();
        assert_eq!(kev.date_added.unwrap().to_string(), "2021-12-10");
        assert_eq!(kev.due_date.unwrap().to_string(), "2021-12-24");
        assert!(kev.name.as_deref().unwrap().starts_with("Apache Log4j2"));
        assert_eq!(v.configurations.len(), 2);
        let c0 = &v.configurations[0];
        assert_eq!(c0.operator, Operator::Or);
        let m = &c0.nodes[0].cpe_match[0];
        assert_eq!(m.version_start_including.as_deref(), Some("2.13.0"));
        assert_eq!(m.version_end_excluding.as_deref(), Some("2.15.0"));
        assert_eq!(
            m.match_criteria_id.as_deref(),
            Some("2A6B4C9E-6E7B-4B4A-8B0E-1C2E1E1E1E1E")
        );
        let c1 = &v.configurations[1];
        assert_eq!(c1.operator, Operator::And);
        assert!(c1.nodes[1].negate);
        assert!(!c1.nodes[1].cpe_match[0].vulnerable);
        assert_eq!(
            c1.nodes[0].cpe_match[0].version_start_excluding.as_deref(),
            Some("0.1")
        );
        assert_eq!(
            c1.nodes[0].cpe_match[0].version_end_including.as_deref(),
            Some("1.0")
        );
    }

    #[test]
    fn statuses() {
        for (given, want) in [
            ("Rejected", RecordStatus::Rejected),
            ("Analyzed", RecordStatus::Published),
            ("Deferred", RecordStatus::Published),
            ("Awaiting Analysis", RecordStatus::Published),
        ] {
            let text = CVE.replace(
                r#""vulnStatus": "Modified""#,
                &format!(r#""vulnStatus": "{given}""#),
            );
            let v = parse_cve(&text, "t").unwrap();
            assert_eq!(v.status, want, "{given}");
            assert_eq!(v.source_status.as_deref(), Some(given));
        }
    }

    #[test]
    fn all_shapes() {
        let page = format!(
            r#"{{"resultsPerPage": 2, "startIndex": 0, "totalResults": 2, "format": "NVD_CVE", "version": "2.0",
                "timestamp": "2023-10-18T18:04:18.493", "vulnerabilities": [{{"cve": {CVE}}}, {{"cve": {CVE}}}]}}"#
        );
        let wrapped = format!(r#"{{"cve": {CVE}}}"#);
        for (text, n) in [(page.as_str(), 2), (wrapped.as_str(), 1), (CVE, 1)] {
            let mut ids = Vec::new();
            let s = read(text.as_bytes(), "t", &ReadOptions::default(), &mut |item| {
                if let Item::Vulnerability(v) = item {
                    ids.push(v.id.to_string());
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(s.records, n);
            assert_eq!(s.skipped, 0);
            assert!(s.notes.is_empty(), "{:?}", s.notes);
            assert!(ids.iter().all(|i| i == "CVE-2021-44228"));
        }
    }

    #[test]
    fn bad_records() {
        let cases = [
            (
                CVE.replace(r#""id": "CVE-2021-44228", "#, ""),
                "#3",
                None,
                "missing field `id`",
            ),
            (
                CVE.replace(r#""type": "Primary""#, r#""type": "Tertiary""#),
                "CVE-2021-44228",
                Some("cve/metrics/cvssMetricV31/0/type"),
                "unknown variant",
            ),
            (
                CVE.replace(r#""version": "3.1""#, r#""version": "3.0""#),
                "CVE-2021-44228",
                Some("cve/metrics/cvssMetricV31/0/cvssData/version"),
                "in a V31 metric",
            ),
            (
                CVE.replace(
                    r#""cisaExploitAdd": "2021-12-10""#,
                    r#""cisaExploitAdd": "12/10/2021""#,
                ),
                "CVE-2021-44228",
                Some("cve/cisaExploitAdd"),
                "not a date",
            ),
            (
                CVE.replace(
                    r#""nodes": [{"operator": "OR""#,
                    r#""nodes": [{"operator": 1"#,
                ),
                "CVE-2021-44228",
                Some("cve/configurations/0/nodes/0/operator"),
                "invalid type",
            ),
            (
                CVE.replace(r#""operator": "AND""#, r#""operator": "and""#),
                "CVE-2021-44228",
                Some("cve/configurations/1/operator"),
                "neither",
            ),
            (
                CVE.replace(r#""descriptions": ["#, r#""descriptions": 5, "x": ["#),
                "CVE-2021-44228",
                Some("cve/descriptions"),
                "invalid type",
            ),
        ];
        for (cve, record, field, message) in cases {
            let page = format!(r#"{{"vulnerabilities": [{{"cve": {cve}}}]}}"#);
            let err = {
                let mut doc_err = None;
                let mut on = |_: u64, raw: Box<RawValue>| {
                    doc_err = Some(parse_wrapped(raw.get(), "p", 3).unwrap_err());
                    Ok(())
                };
                stream::stream_object(page.as_bytes(), "p", "vulnerabilities", &mut on, &|e| {
                    Error::Sink(e.to_string())
                })
                .unwrap();
                doc_err.unwrap()
            };
            assert_eq!(err.record.as_deref(), Some(record), "{err}");
            assert_eq!(err.field.as_deref(), field.or(Some("cve")), "{err}");
            assert!(err.message.contains(message), "{err}");
        }
        let e = parse_wrapped(r#"{"notcve": 1}"#, "p", 9).unwrap_err();
        assert_eq!(e.record.as_deref(), Some("#9"));
        assert!(e.message.contains("missing field `cve`"), "{e}");
    }

    #[test]
    fn not_nvd20() {
        let e = read(
            &br#"{"dataType": "CVE_RECORD"}"#[..],
            "x",
            &ReadOptions::default(),
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not NVD 2.0 JSON"), "{e}");
        let e = read(
            &br#"{"format": "NVD_CPE", "vulnerabilities": []}"#[..],
            "x",
            &ReadOptions::default(),
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("NVD_CPE"), "{e}");
    }
}
