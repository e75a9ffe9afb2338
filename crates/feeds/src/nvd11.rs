//! NVD JSON 1.1 feeds (`nvdcve-1.1-<year|modified|recent>.json[.gz|.zip]`).
//!
//! The feed is `{CVE_data_type, …, CVE_data_numberOfCVEs, CVE_Items: [item,
//! …]}`; it is streamed: each `CVE_Items[]` element is parsed, handed to the
//! sink and dropped, so memory does not grow with the file. A sibling
//! `.meta` file (`nvdcve-1.1-2018.meta`) is checked while streaming: its
//! `sha256` and `size` describe the uncompressed JSON.
//!
//! Mapping of an item (every field the model has room for):
//!
//! | 1.1 | model |
//! |---|---|
//! | `cve.CVE_data_meta.ID` | `id` (must be a CVE id) |
//! | `cve.CVE_data_meta.ASSIGNER` | `assigner` |
//! | `cve.CVE_data_meta.STATE` (rare) | `source_status` |
//! | `publishedDate`, `lastModifiedDate` (`2019-01-01T00:29Z`; zone-less = UTC) | `published`, `modified` |
//! | `cve.description.description_data[]` (every language) | `descriptions` |
//! | a description starting `** REJECT **` | `status: Rejected` |
//! | `cve.problemtype.problemtype_data[].description[].value` | `cwes` (without `NVD-CWE-Other/noinfo`) |
//! | `cve.references.reference_data[]` `{url, refsource, tags}` | `references` `{url, source, tags}` |
//! | `impact.baseMetricV3.cvssV3` (3.0 or 3.1 per its `version`) | `cvss`, source `nvd@nist.gov`, Primary |
//! | `impact.baseMetricV2.cvssV2` + `severity` | `cvss` v2, source `nvd@nist.gov`, Primary |
//! | `configurations.nodes[]` | one `Configuration` per top-level node, `children` kept recursively |
//! | `cpe_match[]` `{vulnerable, cpe23Uri, versionStart/End Including/Excluding}` | `CpeMatch` |
//!
//! Not kept (the model has no field): the CVSS sub-scores and components,
//! `cpe22Uri`, the `cpe_name[]` expansions, the reference `name`.

use std::io::{BufRead, Read};
use std::path::Path;

use secfixes_model::nvd::{Configuration, CpeMatch, Node, Operator};
use secfixes_model::{
    Cvss, CvssVersion, MetricKind, RecordStatus, Reference, SourceKind, Text, Vulnerability,
};
use serde::Deserialize;

use crate::nvd::common::{
    FieldError, check_score, cvss_version, deserialize_operator, marked_rejected, parse_cve_id,
    parse_opt_time, parse_record, push_cwe,
};
use crate::nvd::{input, stream};
use crate::{Error, Item, ReadOptions, RecordError, Summary};

/// The source NVD names for its own assessments; 1.1 feeds carry only
/// NVD's.
pub const NVD_SOURCE: &str = "nvd@nist.gov";

/// Reads an NVD 1.1 feed file (`.json`, `.json.gz` or `.json.zip`, told by
/// content) or a directory of them (every `*.json`, `*.json.gz` and
/// `*.json.zip` below it, in path order), checking `.meta` sidecars.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    if path.is_dir() {
        let mut summary = Summary::default();
        let files: Vec<_> = input::walk_files(path)?
            .into_iter()
            .filter(|p| is_feed_name(p))
            .collect();
        if files.is_empty() {
            return Err(Error::Format {
                source_name: path.display().to_string(),
                message: "no NVD 1.1 feed files (*.json, *.json.gz, *.json.zip) in the directory"
                    .into(),
            });
        }
        for file in files {
            summary.merge(read_file(&file, opts, sink)?);
        }
        return Ok(summary);
    }
    read_file(path, opts, sink)
}

/// Whether a file name looks like a feed (for directory reads).
fn is_feed_name(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".json") || n.ends_with(".json.gz") || n.ends_with(".json.zip")
    })
}

fn read_file(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let (mut summary, notes) = input::read_checked(path, |content, source_name| {
        read_stream(content, source_name, opts, sink, &|e| {
            input::read_error(path, source_name, e)
        })
    })?;
    summary.notes.extend(notes);
    Ok(summary)
}

/// Reads an uncompressed 1.1 feed from `reader` (no `.meta` check).
/// `source_name` names it in errors.
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
    let mut on_element = |index: u64, raw: Box<serde_json::value::RawValue>| {
        let outcome =
            parse_item(raw.get(), source_name, index).map(|v| Item::Vulnerability(Box::new(v)));
        summary.deliver(opts.mode, outcome, sink)
    };
    let doc = stream::stream_object(reader, source_name, "CVE_Items", &mut on_element, on_io)?;
    if !doc.array_seen {
        let keys: Vec<&str> = doc
            .members
            .iter()
            .map(|(k, _)| k.as_str())
            .take(8)
            .collect();
        return Err(Error::Format {
            source_name: source_name.to_owned(),
            message: format!(
                "no `CVE_Items` array: not an NVD 1.1 feed (top-level keys: {})",
                keys.join(", ")
            ),
        });
    }
    if let Some(declared) = doc.scalar("CVE_data_numberOfCVEs")
        && declared != doc.elements.to_string()
    {
        summary.notes.push(format!(
            "{source_name}: CVE_data_numberOfCVEs says {declared}, the feed holds {} items",
            doc.elements
        ));
    }
    Ok(summary)
}

/// Parses one `CVE_Items[]` element (its JSON text). `index` is its
/// position, used to name the record when it has no usable id.
pub fn parse_item(json: &str, source_name: &str, index: u64) -> Result<Vulnerability, RecordError> {
    parse_record::<RawItem>(json)
        .and_then(convert)
        .map_err(|e| e.into_record_error(source_name, record_label(json, index)))
}

/// The id of a record that failed to parse, or `#index`.
fn record_label(json: &str, index: u64) -> String {
    #[derive(Deserialize)]
    struct Probe {
        cve: Option<ProbeCve>,
    }
    #[derive(Deserialize)]
    struct ProbeCve {
        #[serde(rename = "CVE_data_meta")]
        meta: Option<ProbeMeta>,
    }
    #[derive(Deserialize)]
    struct ProbeMeta {
        #[serde(rename = "ID")]
        id: Option<serde_json::Value>,
    }
    serde_json::from_str::<Probe>(json)
        .ok()
        .and_then(|p| p.cve?.meta?.id)
        .and_then(|id| id.as_str().filter(|s| !s.is_empty()).map(str::to_owned))
        .unwrap_or_else(|| format!("#{index}"))
}

// ---- the 1.1 item, as written (unknown keys are ignored) ----

#[derive(Deserialize)]
#[serde(expecting = "an NVD 1.1 CVE item (a JSON object)")]
struct RawItem {
    cve: RawCve,
    #[serde(default)]
    configurations: Option<RawConfigurations>,
    #[serde(default)]
    impact: Option<RawImpact>,
    #[serde(rename = "publishedDate", default)]
    published: Option<String>,
    #[serde(rename = "lastModifiedDate", default)]
    last_modified: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a `cve` object")]
struct RawCve {
    #[serde(rename = "CVE_data_meta")]
    meta: RawMeta,
    #[serde(default)]
    problemtype: Option<RawProblemtype>,
    #[serde(default)]
    references: Option<RawReferences>,
    #[serde(default)]
    description: Option<RawDescription>,
}

#[derive(Deserialize)]
struct RawMeta {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "ASSIGNER", default)]
    assigner: Option<String>,
    #[serde(rename = "STATE", default)]
    state: Option<String>,
}

#[derive(Deserialize)]
struct RawProblemtype {
    #[serde(default)]
    problemtype_data: Vec<RawProblemtypeData>,
}

#[derive(Deserialize)]
struct RawProblemtypeData {
    #[serde(default)]
    description: Vec<RawLangString>,
}

#[derive(Deserialize)]
struct RawLangString {
    lang: String,
    value: String,
}

#[derive(Deserialize)]
struct RawReferences {
    #[serde(default)]
    reference_data: Vec<RawReference>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    #[serde(default)]
    refsource: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct RawDescription {
    #[serde(default)]
    description_data: Vec<RawLangString>,
}

#[derive(Deserialize)]
struct RawConfigurations {
    #[serde(default)]
    nodes: Vec<RawNode>,
}

#[derive(Deserialize)]
struct RawNode {
    /// Always present in real feeds; NVD's default (`OR`) when absent.
    #[serde(default, deserialize_with = "deserialize_operator")]
    operator: Option<Operator>,
    #[serde(default)]
    negate: Option<bool>,
    #[serde(default)]
    children: Vec<Self>,
    #[serde(default)]
    cpe_match: Vec<RawCpeMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCpeMatch {
    vulnerable: bool,
    #[serde(rename = "cpe23Uri")]
    cpe23_uri: String,
    #[serde(default)]
    version_start_including: Option<String>,
    #[serde(default)]
    version_start_excluding: Option<String>,
    #[serde(default)]
    version_end_including: Option<String>,
    #[serde(default)]
    version_end_excluding: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawImpact {
    #[serde(default)]
    base_metric_v3: Option<RawMetricV3>,
    #[serde(default)]
    base_metric_v2: Option<RawMetricV2>,
}

#[derive(Deserialize)]
struct RawMetricV3 {
    #[serde(rename = "cvssV3")]
    cvss: RawCvss,
}

#[derive(Deserialize)]
struct RawMetricV2 {
    #[serde(rename = "cvssV2")]
    cvss: RawCvss,
    /// v2 severity sits beside `cvssV2`, not in it.
    #[serde(default)]
    severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCvss {
    version: String,
    vector_string: String,
    base_score: f32,
    #[serde(default)]
    base_severity: Option<String>,
}

// ---- conversion into the model ----

fn convert(raw: RawItem) -> Result<Vulnerability, FieldError> {
    let RawItem {
        cve,
        configurations,
        impact,
        published,
        last_modified,
    } = raw;
    let id = parse_cve_id(&cve.meta.id, "cve/CVE_data_meta/ID")?;
    let mut v = Vulnerability::new(id, SourceKind::Nvd);
    v.assigner = cve.meta.assigner;
    v.source_status = cve.meta.state;
    v.published = parse_opt_time(published.as_deref(), "publishedDate")?;
    v.modified = parse_opt_time(last_modified.as_deref(), "lastModifiedDate")?;

    v.descriptions = cve
        .description
        .map(|d| d.description_data)
        .unwrap_or_default()
        .into_iter()
        .map(|d| Text {
            lang: d.lang,
            value: d.value,
        })
        .collect();
    if marked_rejected(&v.descriptions) {
        v.status = RecordStatus::Rejected;
    }

    for data in cve
        .problemtype
        .map(|p| p.problemtype_data)
        .unwrap_or_default()
    {
        for d in data.description {
            push_cwe(&mut v.cwes, d.value);
        }
    }

    v.references = cve
        .references
        .map(|r| r.reference_data)
        .unwrap_or_default()
        .into_iter()
        .map(|r| Reference {
            url: r.url,
            tags: r.tags,
            source: r.refsource,
        })
        .collect();

    if let Some(impact) = impact {
        if let Some(m) = impact.base_metric_v3 {
            let field = "impact/baseMetricV3/cvssV3";
            match cvss_version(&m.cvss.version) {
                Some(version @ (CvssVersion::V30 | CvssVersion::V31)) => {
                    v.cvss.push(nvd_cvss(version, m.cvss, None, field)?);
                }
                _ => {
                    return Err(FieldError::new(
                        format!("{field}/version"),
                        format!("not a CVSS 3.x version: {:?}", m.cvss.version),
                    ));
                }
            }
        }
        if let Some(m) = impact.base_metric_v2 {
            let field = "impact/baseMetricV2/cvssV2";
            if cvss_version(&m.cvss.version) != Some(CvssVersion::V2) {
                return Err(FieldError::new(
                    format!("{field}/version"),
                    format!("not CVSS 2.0: {:?}", m.cvss.version),
                ));
            }
            v.cvss
                .push(nvd_cvss(CvssVersion::V2, m.cvss, m.severity, field)?);
        }
    }

    v.configurations = configurations
        .map(|c| c.nodes)
        .unwrap_or_default()
        .into_iter()
        .map(|n| Configuration {
            operator: Operator::Or,
            negate: false,
            nodes: vec![node(n)],
        })
        .collect();
    Ok(v)
}

fn nvd_cvss(
    version: CvssVersion,
    raw: RawCvss,
    outer_severity: Option<String>,
    field: &str,
) -> Result<Cvss, FieldError> {
    Ok(Cvss {
        version,
        base_score: Some(check_score(raw.base_score, &format!("{field}/baseScore"))?),
        vector: raw.vector_string,
        severity: raw.base_severity.or(outer_severity),
        source: Some(NVD_SOURCE.to_owned()),
        kind: Some(MetricKind::Primary),
    })
}

fn node(raw: RawNode) -> Node {
    Node {
        operator: raw.operator.unwrap_or_default(),
        negate: raw.negate.unwrap_or(false),
        cpe_match: raw.cpe_match.into_iter().map(cpe_match).collect(),
        children: raw.children.into_iter().map(node).collect(),
    }
}

fn cpe_match(raw: RawCpeMatch) -> CpeMatch {
    CpeMatch {
        vulnerable: raw.vulnerable,
        criteria: raw.cpe23_uri,
        match_criteria_id: None,
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

    const ITEM: &str = r#"{
      "cve": {
        "data_type": "CVE", "data_format": "MITRE", "data_version": "4.0",
        "CVE_data_meta": {"ID": "CVE-2018-1000001", "ASSIGNER": "cve@mitre.org"},
        "problemtype": {"problemtype_data": [{"description": [
          {"lang": "en", "value": "CWE-787"}, {"lang": "en", "value": "NVD-CWE-Other"}]}]},
        "references": {"reference_data": [
          {"url": "https://example.org/a", "name": "a", "refsource": "CONFIRM", "tags": ["Patch"]}]},
        "description": {"description_data": [
          {"lang": "en", "value": "A bug."}, {"lang": "es", "value": "Un error."}]}
      },
      "configurations": {"CVE_data_version": "4.0", "nodes": [
        {"operator": "AND", "children": [
          {"operator": "OR", "children": [], "cpe_match": [
            {"vulnerable": true, "cpe23Uri": "cpe:2.3:a:gnu:glibc:*:*:*:*:*:*:*:*",
             "versionStartIncluding": "2.0", "versionEndExcluding": "2.27", "cpe_name": []}]},
          {"operator": "OR", "children": [], "cpe_match": [
            {"vulnerable": false, "cpe23Uri": "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
             "cpe_name": []}]}],
         "cpe_match": []},
        {"operator": "OR", "negate": true, "children": [], "cpe_match": [
          {"vulnerable": true, "cpe23Uri": "cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*",
           "versionStartExcluding": "0.9", "versionEndIncluding": "1.1"}]}]},
      "impact": {
        "baseMetricV3": {"cvssV3": {"version": "3.0",
          "vectorString": "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
          "attackVector": "LOCAL", "baseScore": 7.8, "baseSeverity": "HIGH"},
          "exploitabilityScore": 1.8, "impactScore": 5.9},
        "baseMetricV2": {"cvssV2": {"version": "2.0", "vectorString": "AV:L/AC:L/Au:N/C:C/I:C/A:C",
          "baseScore": 7.2}, "severity": "HIGH", "exploitabilityScore": 3.9}
      },
      "publishedDate": "2018-01-31T14:29Z",
      "lastModifiedDate": "2023-11-07T02:51Z"
    }"#;

    #[test]
    fn maps_every_field() {
        let v = parse_item(ITEM, "t", 0).unwrap();
        assert_eq!(v.id.as_str(), "CVE-2018-1000001");
        assert_eq!(v.source, SourceKind::Nvd);
        assert_eq!(v.assigner.as_deref(), Some("cve@mitre.org"));
        assert_eq!(v.status, RecordStatus::Published);
        assert_eq!(v.published.unwrap().to_string(), "2018-01-31T14:29:00Z");
        assert_eq!(v.modified.unwrap().to_string(), "2023-11-07T02:51:00Z");
        assert_eq!(v.descriptions.len(), 2);
        assert_eq!(v.descriptions[1].lang, "es");
        assert_eq!(v.cwes, ["CWE-787"]);
        assert_eq!(
            v.references,
            [Reference {
                url: "https://example.org/a".into(),
                tags: vec!["Patch".into()],
                source: Some("CONFIRM".into())
            }]
        );
        assert_eq!(v.cvss.len(), 2);
        assert_eq!(v.cvss[0].version, CvssVersion::V30);
        assert_eq!(v.cvss[0].base_score, Some(7.8));
        assert_eq!(v.cvss[0].severity.as_deref(), Some("HIGH"));
        assert_eq!(v.cvss[0].source.as_deref(), Some(NVD_SOURCE));
        assert_eq!(v.cvss[0].kind, Some(MetricKind::Primary));
        assert_eq!(v.cvss[1].version, CvssVersion::V2);
        assert_eq!(v.cvss[1].vector, "AV:L/AC:L/Au:N/C:C/I:C/A:C");
        assert_eq!(v.cvss[1].severity.as_deref(), Some("HIGH"));

        assert_eq!(v.configurations.len(), 2);
        let top = &v.configurations[0].nodes[0];
        assert_eq!(top.operator, Operator::And);
        assert_eq!(top.children.len(), 2);
        let m = &top.children[0].cpe_match[0];
        assert!(m.vulnerable);
        assert_eq!(m.version_start_including.as_deref(), Some("2.0"));
        assert_eq!(m.version_end_excluding.as_deref(), Some("2.27"));
        assert!(!top.children[1].cpe_match[0].vulnerable);
        let second = &v.configurations[1].nodes[0];
        assert!(second.negate);
        assert_eq!(
            second.cpe_match[0].version_start_excluding.as_deref(),
            Some("0.9")
        );
        assert_eq!(
            second.cpe_match[0].version_end_including.as_deref(),
            Some("1.1")
        );
        assert_eq!(v.configurations[0].matches().count(), 2);
    }

    #[test]
    fn reject_marker() {
        let item = ITEM.replace("A bug.", "** REJECT ** DO NOT USE THIS CANDIDATE NUMBER.");
        assert_eq!(
            parse_item(&item, "t", 0).unwrap().status,
            RecordStatus::Rejected
        );
    }

    #[test]
    fn bad_records_name_record_and_field() {
        let cases = [
            (
                ITEM.replace(r#""ID": "CVE-2018-1000001", "#, ""),
                "#7",
                Some("cve/CVE_data_meta"),
            ),
            (
                ITEM.replace(r#""CVE-2018-1000001""#, "42"),
                "#7",
                Some("cve/CVE_data_meta/ID"),
            ),
            (
                ITEM.replace(r#""CVE-2018-1000001""#, r#""XSA-1""#),
                "XSA-1",
                Some("cve/CVE_data_meta/ID"),
            ),
            (
                ITEM.replace(r#""vulnerable": false"#, r#""vulnerable": "no""#),
                "CVE-2018-1000001",
                Some("configurations/nodes/0/children/1/cpe_match/0/vulnerable"),
            ),
            (
                ITEM.replace(r#""operator": "AND""#, r#""operator": "XOR""#),
                "CVE-2018-1000001",
                Some("configurations/nodes/0/operator"),
            ),
            (
                ITEM.replace("2018-01-31T14:29Z", "soon"),
                "CVE-2018-1000001",
                Some("publishedDate"),
            ),
            (
                ITEM.replace(r#""version": "3.0""#, r#""version": "3.9""#),
                "CVE-2018-1000001",
                Some("impact/baseMetricV3/cvssV3/version"),
            ),
            (
                ITEM.replace("\"baseScore\": 7.8", "\"baseScore\": 78"),
                "CVE-2018-1000001",
                Some("impact/baseMetricV3/cvssV3/baseScore"),
            ),
            (r#""x""#.to_owned(), "#7", None),
        ];
        for (text, record, field) in cases {
            let e = parse_item(&text, "feed.json", 7).unwrap_err();
            assert_eq!(e.source_name, "feed.json");
            assert_eq!(e.record.as_deref(), Some(record), "{e}");
            assert_eq!(e.field.as_deref(), field, "{e}");
        }
    }

    #[test]
    fn stream_lenient_and_strict() {
        let feed = format!(
            r#"{{"CVE_data_type": "CVE", "CVE_data_numberOfCVEs": "3", "CVE_Items": [{ITEM}, {{"cve": 1}}, {ITEM}]}}"#
        );
        let mut n = 0;
        let s = read(feed.as_bytes(), "f", &ReadOptions::default(), &mut |_| {
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!((s.records, s.skipped, n), (2, 1, 2));
        assert_eq!(s.errors[0].record.as_deref(), Some("#1"));
        assert!(s.notes.is_empty(), "{:?}", s.notes);

        let strict = ReadOptions {
            mode: crate::Mode::Strict,
        };
        let e = read(feed.as_bytes(), "f", &strict, &mut |_| Ok(())).unwrap_err();
        assert!(
            matches!(e, Error::Record(ref r) if r.record.as_deref() == Some("#1")),
            "{e}"
        );

        let short = feed.replace(r#""3""#, r#""4""#);
        let s = read(short.as_bytes(), "f", &ReadOptions::default(), &mut |_| {
            Ok(())
        })
        .unwrap();
        assert!(s.notes[0].contains("says 4"), "{:?}", s.notes);
    }

    #[test]
    fn not_a_feed() {
        let e = read(
            &br#"{"vulnerabilities": []}"#[..],
            "f",
            &ReadOptions::default(),
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no `CVE_Items`"), "{e}");
    }
}
