//! CVE JSON 5 records (CVE Record Format 5.x, `dataType: CVE_RECORD`): one
//! record, a cvelistV5-style tree (`cves/<year>/<N>xxx/CVE-….json`), the
//! `cisagov/vulnrichment` layout (`<year>/<N>xxx/`), or a `.tar.gz`/`.zip`
//! of either.
//!
//! Every container is read: the CNA's and every ADP's (the CVE Program
//! container's references, CISA's Vulnrichment SSVC, KEV, CVSS, CWE and CPE
//! enrichment). `affected[]` entries of every container are kept in the
//! record's own terms ([`CveAffected`]), statuses exactly as given: an
//! `unaffected` range is never recorded as affected, and every CPE of an
//! entry is kept (the old Go importer kept `cpes[0]` of the CNA and first
//! ADP only, and stored `unaffected` ranges as matches).
//!
//! Mapping decisions:
//! * times without a zone are UTC (the schema says "GMT assumed");
//! * CVSS metrics carry the container's `shortName` (or `orgId`) as source;
//!   the CNA's are [`MetricKind::Primary`], an ADP's
//!   [`MetricKind::Secondary`] (CISA: "CNA data wins on conflict");
//! * SSVC comes from `metrics[].other` with `type: "ssvc"`; an ADP's
//!   assessment replaces the CNA's; decision values are lower-cased
//!   (the data mixes `PoC`/`poc`, `Total`/`total`);
//! * KEV (`other.type: "kev"`) sets [`Vulnerability::kev`]`.date_added` and
//!   adds its catalog URL to the references, tagged `government-resource`
//!   (the tag CISA gives KEV references);
//! * CWE ids come from `problemTypes[].descriptions[].cweId`, or from a
//!   description that starts with `CWE-<n>` when `cweId` is absent (2,898
//!   such entries in vulnrichment);
//! * references of all containers are merged by URL (the CVE Program
//!   container repeats the CNA's with the tag `x_transferred`); tags are
//!   united and the first container to give the URL is the source;
//! * a REJECTED record's `rejectedReasons` become its descriptions, its
//!   `dateRejected` [`Vulnerability::withdrawn`] and its `replacedBy` ids
//!   [`Vulnerability::related`].

use std::path::Path;

use secfixes_model::cve5::{Container, CveAffected, CveVersion, VersionChange, VersionStatus};
use secfixes_model::{
    Cvss, CvssVersion, KevEntry, MetricKind, RecordStatus, SourceKind, Ssvc, Text, VulnId,
    Vulnerability,
};
use serde::Deserialize;

use crate::archive::{
    self, InputKind, add_reference, field_path, parse_timestamp, sniff_json_string,
};
use crate::{Error, Item, ReadOptions, RecordError, Summary};

/// Reads a CVE 5 record, tree or archive at `path`, handing one
/// [`Item::Vulnerability`] per record to `sink`.
///
/// In a tree or archive only members named `CVE-*.json` are records; the
/// rest (`README.md`, `LICENSE`, `assets/`, `deltaLog.json`, …) is skipped
/// and counted in the summary's notes. A single file is always read.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let accept = |name: &str| is_record_name(archive::base_name(name));
    let walk = archive::for_each_member(path, &accept, &mut |member| {
        let parsed = parse_record(member.data, member.source_name);
        summary.deliver(
            opts.mode,
            parsed.map(|v| Item::Vulnerability(Box::new(v))),
            sink,
        )
    })?;
    if InputKind::of(path)? != InputKind::File {
        summary
            .notes
            .push(format!("{} CVE record file(s) read", walk.members));
    }
    summary
        .notes
        .extend(walk.skipped_note("CVE records (CVE-*.json)"));
    Ok(summary)
}

/// Whether a file name is that of a CVE 5 record in a tree
/// (`CVE-2024-1234.json`).
pub fn is_record_name(base: &str) -> bool {
    base.len() > "CVE-.json".len() && base.starts_with("CVE-") && base.ends_with(".json")
}

/// Parses one CVE 5 record. `source_name` names the input in errors.
pub fn parse_record(bytes: &[u8], source_name: &str) -> Result<Vulnerability, RecordError> {
    // serde would also accept a JSON array for a struct; a record is an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(RecordError {
            source_name: source_name.to_owned(),
            record: None,
            field: None,
            message: "not a CVE JSON 5 record: the top level is not a JSON object".into(),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let raw: RawRecord = match serde_path_to_error::deserialize(&mut de) {
        Ok(raw) => raw,
        Err(err) => {
            return Err(RecordError {
                source_name: source_name.to_owned(),
                record: sniff_json_string(bytes, "cveId"),
                field: field_path(err.path()),
                message: err.inner().to_string(),
            });
        }
    };
    // Trailing bytes after the object: a concatenation or a broken file.
    de.end().map_err(|err| RecordError {
        source_name: source_name.to_owned(),
        record: sniff_json_string(bytes, "cveId"),
        field: None,
        message: err.to_string(),
    })?;
    Converter {
        source_name,
        record: None,
    }
    .convert(raw)
}

// ---------------------------------------------------------------------------
// Raw serde shapes. Only what secfixes uses is declared; unknown keys
// (`x_*`, `credits`, `impacts`, …) are ignored.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRecord {
    data_type: Option<String>,
    data_version: Option<String>,
    // Legacy CVE JSON 4 (`data_type`/`data_version`), to say what it is.
    #[serde(rename = "data_type")]
    legacy_data_type: Option<String>,
    cve_metadata: Option<RawMetadata>,
    containers: Option<RawContainers>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    cve_id: String,
    assigner_org_id: Option<String>,
    assigner_short_name: Option<String>,
    state: String,
    date_published: Option<String>,
    date_updated: Option<String>,
    date_rejected: Option<String>,
}

#[derive(Deserialize)]
struct RawContainers {
    cna: RawContainer,
    #[serde(default)]
    adp: Vec<RawContainer>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawContainer {
    provider_metadata: Option<RawProvider>,
    title: Option<String>,
    #[serde(default)]
    descriptions: Vec<RawText>,
    #[serde(default)]
    rejected_reasons: Vec<RawText>,
    #[serde(default)]
    replaced_by: Vec<String>,
    #[serde(default)]
    affected: Vec<RawAffected>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
    #[serde(default)]
    problem_types: Vec<RawProblemType>,
    #[serde(default)]
    references: Vec<RawReference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProvider {
    org_id: Option<String>,
    short_name: Option<String>,
}

#[derive(Deserialize)]
struct RawText {
    lang: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAffected {
    vendor: Option<String>,
    product: Option<String>,
    #[serde(rename = "collectionURL")]
    collection_url: Option<String>,
    package_name: Option<String>,
    repo: Option<String>,
    #[serde(default)]
    cpes: Vec<String>,
    #[serde(default)]
    platforms: Vec<String>,
    default_status: Option<VersionStatus>,
    #[serde(default)]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVersion {
    version: String,
    status: VersionStatus,
    version_type: Option<String>,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    #[serde(default)]
    changes: Vec<RawChange>,
}

#[derive(Deserialize)]
struct RawChange {
    at: String,
    status: VersionStatus,
}

#[derive(Deserialize)]
struct RawMetric {
    #[serde(rename = "cvssV4_0")]
    cvss_v4_0: Option<RawCvss>,
    #[serde(rename = "cvssV3_1")]
    cvss_v3_1: Option<RawCvss>,
    #[serde(rename = "cvssV3_0")]
    cvss_v3_0: Option<RawCvss>,
    #[serde(rename = "cvssV2_0")]
    cvss_v2_0: Option<RawCvss>,
    other: Option<RawOther>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCvss {
    vector_string: String,
    base_score: Option<f32>,
    base_severity: Option<String>,
}

#[derive(Deserialize)]
struct RawOther {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: serde_json::Value,
}

#[derive(Deserialize)]
struct RawProblemType {
    #[serde(default)]
    descriptions: Vec<RawProblemDescription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProblemDescription {
    cwe_id: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    #[serde(default)]
    tags: Vec<String>,
}

// ---------------------------------------------------------------------------

struct Converter<'a> {
    source_name: &'a str,
    record: Option<String>,
}

impl Converter<'_> {
    fn error(&self, field: impl Into<String>, message: impl Into<String>) -> RecordError {
        RecordError {
            source_name: self.source_name.to_owned(),
            record: self.record.clone(),
            field: Some(field.into()),
            message: message.into(),
        }
    }

    fn timestamp(
        &self,
        field: &str,
        value: Option<&str>,
    ) -> Result<Option<jiff::Timestamp>, RecordError> {
        value
            .map(|v| parse_timestamp(v).map_err(|m| self.error(field, m)))
            .transpose()
    }

    fn convert(mut self, raw: RawRecord) -> Result<Vulnerability, RecordError> {
        let raw_id = raw.cve_metadata.as_ref().map(|m| m.cve_id.clone());
        let record_shape_error = |message: String| RecordError {
            source_name: self.source_name.to_owned(),
            record: raw_id.clone(),
            field: None,
            message,
        };
        match raw.data_type.as_deref() {
            Some("CVE_RECORD") => {}
            Some(other) => {
                return Err(RecordError {
                    field: Some("dataType".into()),
                    ..record_shape_error(format!("dataType is {other:?}, not \"CVE_RECORD\""))
                });
            }
            None if raw.legacy_data_type.is_some() => {
                return Err(record_shape_error(
                    "a CVE JSON 4 record (data_type), not CVE JSON 5".into(),
                ));
            }
            None => {
                return Err(record_shape_error(
                    "not a CVE JSON 5 record: no dataType".into(),
                ));
            }
        }
        let version = raw.data_version.as_deref().unwrap_or("");
        if !is_data_version_5(version) {
            return Err(RecordError {
                field: Some("dataVersion".into()),
                ..record_shape_error(format!("dataVersion {version:?} is not 5.x"))
            });
        }
        let Some(meta) = raw.cve_metadata else {
            return Err(record_shape_error("no cveMetadata".into()));
        };
        let Some(containers) = raw.containers else {
            return Err(record_shape_error("no containers".into()));
        };
        self.record = Some(meta.cve_id.clone());
        let id = VulnId::cve(&meta.cve_id).ok_or_else(|| {
            self.error(
                "cveMetadata/cveId",
                format!("{:?} is not a CVE id", meta.cve_id),
            )
        })?;

        let mut vuln = Vulnerability::new(id, SourceKind::Cve5);
        vuln.status = match meta.state.as_str() {
            "PUBLISHED" => RecordStatus::Published,
            "REJECTED" => RecordStatus::Rejected,
            other => {
                return Err(self.error(
                    "cveMetadata/state",
                    format!("state {other:?} is neither PUBLISHED nor REJECTED"),
                ));
            }
        };
        vuln.source_status = Some(meta.state.clone());
        vuln.assigner = meta.assigner_short_name.or(meta.assigner_org_id);
        vuln.published =
            self.timestamp("cveMetadata/datePublished", meta.date_published.as_deref())?;
        vuln.modified = self.timestamp("cveMetadata/dateUpdated", meta.date_updated.as_deref())?;
        vuln.withdrawn =
            self.timestamp("cveMetadata/dateRejected", meta.date_rejected.as_deref())?;

        let cna = containers.cna;
        vuln.title = cna.title.clone().filter(|t| !t.trim().is_empty());
        let reasons = if vuln.status == RecordStatus::Rejected {
            &cna.rejected_reasons
        } else {
            &cna.descriptions
        };
        vuln.descriptions = reasons
            .iter()
            .map(|t| Text {
                lang: t.lang.clone(),
                value: t.value.clone(),
            })
            .collect();
        for (i, replacement) in cna.replaced_by.iter().enumerate() {
            let rid = VulnId::new(replacement)
                .map_err(|e| self.error(format!("containers/cna/replacedBy/{i}"), e.to_string()))?;
            if !vuln.related.contains(&rid) {
                vuln.related.push(rid);
            }
        }
        self.container(&mut vuln, &cna, "containers/cna", Container::Cna)?;
        for (i, adp) in containers.adp.iter().enumerate() {
            let name = adp
                .provider_metadata
                .as_ref()
                .and_then(|p| p.short_name.clone().or(p.org_id.clone()));
            for d in &adp.descriptions {
                if !vuln
                    .descriptions
                    .iter()
                    .any(|t| t.lang == d.lang && t.value == d.value)
                {
                    vuln.descriptions.push(Text {
                        lang: d.lang.clone(),
                        value: d.value.clone(),
                    });
                }
            }
            self.container(
                &mut vuln,
                adp,
                &format!("containers/adp/{i}"),
                Container::Adp(name),
            )?;
        }
        Ok(vuln)
    }

    /// Adds what one container says: affected, metrics, CWEs, references.
    fn container(
        &self,
        vuln: &mut Vulnerability,
        c: &RawContainer,
        at: &str,
        which: Container,
    ) -> Result<(), RecordError> {
        let provider = c
            .provider_metadata
            .as_ref()
            .and_then(|p| p.short_name.clone().or(p.org_id.clone()));
        let kind = match which {
            Container::Cna => MetricKind::Primary,
            Container::Adp(_) => MetricKind::Secondary,
        };
        for a in &c.affected {
            vuln.cve_affected.push(affected(a, which.clone()));
        }
        for (i, m) in c.metrics.iter().enumerate() {
            let metrics = [
                (&m.cvss_v4_0, CvssVersion::V40),
                (&m.cvss_v3_1, CvssVersion::V31),
                (&m.cvss_v3_0, CvssVersion::V30),
                (&m.cvss_v2_0, CvssVersion::V2),
            ];
            for (cvss, version) in metrics {
                if let Some(cvss) = cvss {
                    vuln.cvss.push(Cvss {
                        version,
                        base_score: cvss.base_score,
                        vector: cvss.vector_string.clone(),
                        severity: cvss.base_severity.clone(),
                        source: provider.clone(),
                        kind: Some(kind),
                    });
                }
            }
            if let Some(other) = &m.other {
                let field = format!("{at}/metrics/{i}/other/content");
                match other.kind.as_str() {
                    "ssvc" => vuln.ssvc = Some(self.ssvc(&other.content, &field)?),
                    "kev" => self.kev(vuln, &other.content, &field, provider.as_deref())?,
                    // Vendor severity ratings ("Red Hat severity rating",
                    // "Textual description of severity", …): not CVSS.
                    _ => {}
                }
            }
        }
        for pt in &c.problem_types {
            for d in &pt.descriptions {
                if let Some(cwe) = cwe_of(d)
                    && !vuln.cwes.contains(&cwe)
                {
                    vuln.cwes.push(cwe);
                }
            }
        }
        for r in &c.references {
            add_reference(&mut vuln.references, &r.url, &r.tags, provider.as_deref());
        }
        Ok(())
    }

    /// CISA's SSVC encoding: `content{id, role, version, timestamp,
    /// options: [{"Exploitation": …}, {"Automatable": …}, {"Technical
    /// Impact": …}]}`.
    fn ssvc(&self, content: &serde_json::Value, field: &str) -> Result<Ssvc, RecordError> {
        let mut ssvc = Ssvc::default();
        let options = content
            .get("options")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| {
                self.error(
                    format!("{field}/options"),
                    "SSVC content has no options array",
                )
            })?;
        for (i, option) in options.iter().enumerate() {
            let Some(map) = option.as_object() else {
                return Err(self.error(
                    format!("{field}/options/{i}"),
                    "SSVC option is not an object",
                ));
            };
            for (key, value) in map {
                let Some(value) = value.as_str() else {
                    return Err(self.error(
                        format!("{field}/options/{i}/{key}"),
                        "SSVC value is not a string",
                    ));
                };
                let value = Some(value.to_ascii_lowercase());
                match key.to_ascii_lowercase().as_str() {
                    "exploitation" => ssvc.exploitation = value,
                    "automatable" => ssvc.automatable = value,
                    "technical impact" => ssvc.technical_impact = value,
                    _ => {}
                }
            }
        }
        ssvc.version = content
            .get("version")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        ssvc.timestamp = self.timestamp(
            &format!("{field}/timestamp"),
            content.get("timestamp").and_then(|t| t.as_str()),
        )?;
        Ok(ssvc)
    }

    /// CISA's KEV encoding: `content{dateAdded: "YYYY-MM-DD", reference}`.
    fn kev(
        &self,
        vuln: &mut Vulnerability,
        content: &serde_json::Value,
        field: &str,
        provider: Option<&str>,
    ) -> Result<(), RecordError> {
        let date = content.get("dateAdded").and_then(serde_json::Value::as_str);
        let date_added = date
            .map(|d| {
                d.parse::<jiff::civil::Date>().map_err(|e| {
                    self.error(
                        format!("{field}/dateAdded"),
                        format!("not a date: {d:?}: {e}"),
                    )
                })
            })
            .transpose()?;
        let entry = vuln.kev.get_or_insert_with(KevEntry::default);
        entry.date_added = entry.date_added.or(date_added);
        if let Some(url) = content.get("reference").and_then(serde_json::Value::as_str) {
            add_reference(
                &mut vuln.references,
                url,
                &["government-resource".to_owned()],
                provider,
            );
        }
        Ok(())
    }
}

fn affected(a: &RawAffected, container: Container) -> CveAffected {
    CveAffected {
        container,
        vendor: a.vendor.clone(),
        product: a.product.clone(),
        collection_url: a.collection_url.clone(),
        package_name: a.package_name.clone(),
        repo: a.repo.clone(),
        cpes: a.cpes.clone(),
        platforms: a.platforms.clone(),
        default_status: a.default_status,
        versions: a
            .versions
            .iter()
            .map(|v| CveVersion {
                version: v.version.clone(),
                status: v.status,
                version_type: v.version_type.clone(),
                less_than: v.less_than.clone(),
                less_than_or_equal: v.less_than_or_equal.clone(),
                changes: v
                    .changes
                    .iter()
                    .map(|c| VersionChange {
                        at: c.at.clone(),
                        status: c.status,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// `5`, `5.0`, `5.1`, `5.1.1`, … (the schema's
/// `^5\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$`, plus a bare `5`).
fn is_data_version_5(v: &str) -> bool {
    let mut parts = v.split('.');
    if parts.next() != Some("5") {
        return false;
    }
    parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The CWE id of a problem type description: `cweId`, or a description that
/// starts with `CWE-<digits>` when `cweId` is absent.
fn cwe_of(d: &RawProblemDescription) -> Option<String> {
    match &d.cwe_id {
        Some(id) => is_cwe(id).then(|| id.clone()),
        None => {
            let text = d.description.as_deref()?.trim_start();
            let digits = text.strip_prefix("CWE-")?;
            let n = digits.bytes().take_while(u8::is_ascii_digit).count();
            (n > 0).then(|| format!("CWE-{}", &digits[..n]))
        }
    }
}

fn is_cwe(s: &str) -> bool {
    s.strip_prefix("CWE-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_versions() {
        for ok in ["5", "5.0", "5.1", "5.2", "5.10", "5.1.1"] {
            assert!(is_data_version_5(ok), "{ok}");
        }
        for bad in ["", "4.0", "5.", "5.x", "6.0", "50.1", " 5.0"] {
            assert!(!is_data_version_5(bad), "{bad}");
        }
    }

    #[test]
    fn cwe_from_text_only_when_id_absent() {
        let d = |id: Option<&str>, text: Option<&str>| RawProblemDescription {
            cwe_id: id.map(str::to_owned),
            description: text.map(str::to_owned),
        };
        assert_eq!(
            cwe_of(&d(Some("CWE-79"), Some("CWE-80 x"))),
            Some("CWE-79".into())
        );
        assert_eq!(
            cwe_of(&d(None, Some("CWE-400: Uncontrolled"))),
            Some("CWE-400".into())
        );
        assert_eq!(cwe_of(&d(None, Some("Improper input (CWE-20)"))), None);
        assert_eq!(cwe_of(&d(None, Some("CWE-"))), None);
        assert_eq!(cwe_of(&d(Some("NVD-CWE-noinfo"), None)), None);
    }

    #[test]
    fn references_merge_by_url() {
        let mut refs = Vec::new();
        add_reference(&mut refs, "https://a", &["patch".into()], Some("cna"));
        add_reference(&mut refs, "https://b", &[], Some("cna"));
        add_reference(
            &mut refs,
            "https://a",
            &["x_transferred".into(), "patch".into()],
            Some("CVE"),
        );
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].tags, ["patch", "x_transferred"]);
        assert_eq!(refs[0].source.as_deref(), Some("cna"));
    }
}
