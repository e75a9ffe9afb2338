//! Wolfi (Chainguard) advisories: `<package>.advisories.yaml` files, schema
//! 2.x (`schema-version`, `package.name`, `advisories[]` of `{id, aliases,
//! events[]}`), one file, a directory of them (wolfi-dev/advisories), or an
//! archive of one.
//!
//! Each advisory becomes one [`Item::Vulnerability`]: `id` the `CGA-…` id,
//! `aliases` its CVE/GHSA/… aliases, [`SourceKind::Advisory`], and a
//! [`DistroAdvisory`] (`distro: "wolfi"`, the file's package, every event in
//! file order). `published` and `modified` are the earliest and latest
//! event times. Event types (wolfi-dev/advisories `docs/event_types.md`,
//! wolfictl `pkg/configs/advisory/v2`):
//!
//! | type | event |
//! |---|---|
//! | `detection` | [`AdvisoryEventKind::Detection`], detail = `data.type` and its data as `key=value` pairs (`scan/v1: scanner=grype, …`, `nvdapi: cpeSearched=…`, `manual`) |
//! | `true-positive-determination` | note |
//! | `false-positive-determination` | reason = `data.type`, note |
//! | `fixed` | `fixed-version` (required) |
//! | `pending-upstream-fix`, `fix-not-planned`, `analysis-not-planned` | note |
//! | anything else | [`AdvisoryEventKind::Other`] with the type's name |
//!
//! A file that is not YAML of this shape is one bad record (its advisories
//! cannot be told apart); a bad advisory (bad id, bad timestamp, `fixed`
//! without `fixed-version`) is one bad record. Warnings (strict: errors):
//! a file whose name does not match `package.name`, an advisory without
//! events, an event without timestamp, a malformed alias, an id listed twice.

use std::path::Path;

use secfixes_model::advisory::{AdvisoryEvent, AdvisoryEventKind, DistroAdvisory};
use secfixes_model::{SourceKind, VulnId, Vulnerability};
use serde::Deserialize;
use serde_yaml_ng::Value;

use crate::archive::{self, Warnings, field_path, parse_timestamp};
use crate::{Error, Item, Mode, ReadOptions, RecordError, Summary};

/// The file name suffix of an advisories file.
pub const SUFFIX: &str = ".advisories.yaml";

/// Reads Wolfi advisories at `path` (a file, a directory or an archive),
/// handing one [`Item::Vulnerability`] per advisory to `sink`.
///
/// In a directory or archive only `*.advisories.yaml` members are read;
/// the rest (`README.md`, `docs/`, `LICENSE`) is skipped and counted in
/// the notes.
pub fn read_path(
    path: &Path,
    opts: &ReadOptions,
    sink: &mut dyn FnMut(Item) -> Result<(), Error>,
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let mut warnings = Warnings::default();
    let accept = |name: &str| archive::base_name(name).ends_with(SUFFIX);
    let walk = archive::for_each_member(path, &accept, &mut |member| {
        let expected = archive::base_name(member.name).strip_suffix(SUFFIX);
        let outcomes = match parse_file_with(
            member.data,
            member.source_name,
            expected,
            opts.mode,
            &mut warnings,
        ) {
            Ok(outcomes) => outcomes,
            Err(err) => return summary.bad_record(opts.mode, err),
        };
        for outcome in outcomes {
            summary.deliver(
                opts.mode,
                outcome.map(|v| Item::Vulnerability(Box::new(v))),
                sink,
            )?;
        }
        Ok(())
    })?;
    if walk.members > 1 || archive::InputKind::of(path)? != archive::InputKind::File {
        summary
            .notes
            .push(format!("{} advisories file(s) read", walk.members));
    }
    summary
        .notes
        .extend(walk.skipped_note("advisories files (*.advisories.yaml)"));
    warnings.into_notes(&mut summary);
    Ok(summary)
}

/// Parses one advisories file strictly (any warning is an error): every
/// advisory, or the first problem.
pub fn parse_file(bytes: &[u8], source_name: &str) -> Result<Vec<Vulnerability>, RecordError> {
    let mut warnings = Warnings::default();
    parse_file_with(bytes, source_name, None, Mode::Strict, &mut warnings)?
        .into_iter()
        .collect()
}

/// Parses one file; the outer error is the file's, the inner ones are the
/// advisories'. `expected_package` is the package the file name promises.
fn parse_file_with(
    bytes: &[u8],
    source_name: &str,
    expected_package: Option<&str>,
    mode: Mode,
    warnings: &mut Warnings,
) -> Result<Vec<Result<Vulnerability, RecordError>>, RecordError> {
    let file_error = |field: Option<String>, message: String| RecordError {
        source_name: source_name.to_owned(),
        record: None,
        field,
        message,
    };
    let de = serde_yaml_ng::Deserializer::from_slice(bytes);
    let doc: RawDocument = serde_path_to_error::deserialize(de)
        .map_err(|err| file_error(field_path(err.path()), err.inner().to_string()))?;
    if let Some(version) = doc
        .schema_version
        .as_ref()
        .map(|v| scalar(Some(v)).unwrap_or_default())
        && version.split('.').next() != Some("2")
    {
        return Err(file_error(
            Some("schema-version".into()),
            format!("schema-version {version:?} is not supported (only 2.x)"),
        ));
    }
    let package = doc.package.name;
    if let Some(expected) = expected_package
        && expected != package
    {
        let err = file_error(
            Some("package/name".into()),
            format!("the file name says package {expected:?}, package.name says {package:?}"),
        );
        warnings.warn(mode, err)?;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(doc.advisories.len());
    for (i, raw) in doc.advisories.into_iter().enumerate() {
        let cx = Ctx {
            source_name,
            record: raw.id.clone(),
            at: format!("advisories/{i}"),
            mode,
        };
        if seen.contains(&raw.id)
            && let Err(e) = cx.warn(
                warnings,
                "id",
                format!("{} is listed twice in this file", raw.id),
            )
        {
            out.push(Err(e));
            continue;
        }
        seen.push(raw.id.clone());
        out.push(cx.advisory(raw, &package, warnings));
    }
    Ok(out)
}

#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "schema-version")]
    schema_version: Option<Value>,
    package: RawPackage,
    #[serde(default)]
    advisories: Vec<RawAdvisory>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
}

#[derive(Deserialize)]
struct RawAdvisory {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    timestamp: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Option<Value>,
}

struct Ctx<'a> {
    source_name: &'a str,
    record: String,
    at: String,
    mode: Mode,
}

impl Ctx<'_> {
    fn error(&self, field: &str, message: impl Into<String>) -> RecordError {
        RecordError {
            source_name: self.source_name.to_owned(),
            record: Some(self.record.clone()),
            field: Some(format!("{}/{field}", self.at)),
            message: message.into(),
        }
    }

    fn warn(
        &self,
        w: &mut Warnings,
        field: &str,
        message: impl Into<String>,
    ) -> Result<(), RecordError> {
        w.warn(self.mode, self.error(field, message))
    }

    fn advisory(
        &self,
        raw: RawAdvisory,
        package: &str,
        w: &mut Warnings,
    ) -> Result<Vulnerability, RecordError> {
        let id = VulnId::new(&raw.id).map_err(|e| self.error("id", e.to_string()))?;
        let mut vuln = Vulnerability::new(id, SourceKind::Advisory);
        for (i, alias) in raw.aliases.iter().enumerate() {
            match VulnId::new(alias) {
                Ok(a) if a != vuln.id && !vuln.aliases.contains(&a) => vuln.aliases.push(a),
                Ok(_) => {}
                Err(e) => self.warn(w, &format!("aliases/{i}"), format!("dropped: {e}"))?,
            }
        }
        if raw.events.is_empty() {
            self.warn(w, "events", "an advisory without events")?;
        }
        let mut events = Vec::with_capacity(raw.events.len());
        for (i, e) in raw.events.into_iter().enumerate() {
            let field = format!("events/{i}");
            let timestamp = match &e.timestamp {
                Some(t) => Some(
                    parse_timestamp(t).map_err(|m| self.error(&format!("{field}/timestamp"), m))?,
                ),
                None => {
                    self.warn(
                        w,
                        &format!("{field}/timestamp"),
                        "an event without timestamp",
                    )?;
                    None
                }
            };
            let kind = self.event_kind(&e, &field)?;
            if let Some(t) = timestamp {
                vuln.published = Some(vuln.published.map_or(t, |p| p.min(t)));
                vuln.modified = Some(vuln.modified.map_or(t, |m| m.max(t)));
            }
            events.push(AdvisoryEvent { timestamp, kind });
        }
        vuln.advisory = Some(DistroAdvisory {
            distro: "wolfi".into(),
            package: package.to_owned(),
            events,
        });
        Ok(vuln)
    }

    fn event_kind(&self, e: &RawEvent, field: &str) -> Result<AdvisoryEventKind, RecordError> {
        let data = e.data.as_ref();
        let get = |key: &str| scalar(data.and_then(|d| d.get(key)));
        let note = || get("note").filter(|n| !n.trim().is_empty());
        Ok(match e.kind.as_str() {
            "detection" => AdvisoryEventKind::Detection {
                detail: detection_detail(data),
            },
            "true-positive-determination" => {
                AdvisoryEventKind::TruePositiveDetermination { note: note() }
            }
            "false-positive-determination" => AdvisoryEventKind::FalsePositiveDetermination {
                reason: get("type"),
                note: note(),
            },
            "fixed" => AdvisoryEventKind::Fixed {
                fixed_version: get("fixed-version")
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| {
                        self.error(
                            &format!("{field}/data/fixed-version"),
                            "a fixed event needs a fixed-version",
                        )
                    })?,
            },
            "pending-upstream-fix" => AdvisoryEventKind::PendingUpstreamFix { note: note() },
            "fix-not-planned" => AdvisoryEventKind::FixNotPlanned { note: note() },
            "analysis-not-planned" => AdvisoryEventKind::AnalysisNotPlanned { note: note() },
            other => AdvisoryEventKind::Other {
                name: other.to_owned(),
            },
        })
    }
}

/// A YAML scalar as text (numbers and booleans as YAML wrote them, as far
/// as the parser keeps them).
fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `scan/v1: scanner=grype, componentName=glibc, …`, `nvdapi:
/// cpeSearched=…, cpeFound=…`, or `manual`.
fn detection_detail(data: Option<&Value>) -> Option<String> {
    let data = data?;
    let kind = scalar(data.get("type"));
    let pairs: Vec<String> = match data.get("data") {
        Some(Value::Mapping(m)) => m
            .iter()
            .filter_map(|(k, v)| {
                Some(format!(
                    "{}={}",
                    scalar(Some(k))?,
                    scalar(Some(v)).unwrap_or_default()
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    match (kind, pairs.is_empty()) {
        (Some(k), true) => Some(k),
        (Some(k), false) => Some(format!("{k}: {}", pairs.join(", "))),
        (None, false) => Some(pairs.join(", ")),
        (None, true) => None,
    }
}
