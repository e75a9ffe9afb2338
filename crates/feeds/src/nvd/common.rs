//! Conversions shared by the NVD 1.1 and 2.0 readers.

use jiff::Timestamp;
use secfixes_model::id::IdKind;
use secfixes_model::nvd::Operator;
use secfixes_model::{CvssVersion, VulnId};
use serde::Deserialize;

use crate::RecordError;

/// A problem in one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// JSON-pointer-like path inside the record (`cve/CVE_data_meta/ID`);
    /// `None` for the record as a whole.
    pub(crate) field: Option<String>,
    /// What is wrong.
    pub(crate) message: String,
}

impl FieldError {
    /// An error in `field`.
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The [`RecordError`] of this problem in the record `record` of
    /// `source_name`.
    pub(crate) fn into_record_error(self, source_name: &str, record: String) -> RecordError {
        RecordError {
            source_name: source_name.to_owned(),
            record: Some(record),
            field: self.field,
            message: self.message,
        }
    }
}

/// Deserialises a record's JSON text into `T`. On failure the error names
/// the field: the text is parsed a second time, tracking the path (the
/// common, successful case pays nothing for it).
pub(crate) fn parse_record<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, FieldError> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_str(text);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => Err(FieldError {
                    field: None,
                    message: strip_position(&first),
                }),
                Err(e) => {
                    let field = crate::archive::field_path(e.path());
                    let message = strip_position(e.inner());
                    Err(FieldError { field, message })
                }
            }
        }
    }
}

/// serde_json's message without its ` at line L column C` suffix, which is
/// relative to the record's own text and would mislead.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text.get(..i).unwrap_or(&text).to_owned(),
        _ => text,
    }
}

/// Parses an NVD timestamp. NVD writes them without a zone
/// (`2021-12-10T10:15:09.143`, 1.1 even without seconds:
/// `2019-01-01T00:29Z`); zone-less times are UTC.
pub(crate) fn parse_time(s: &str) -> Result<Timestamp, String> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts);
    }
    let dt = s
        .parse::<jiff::civil::DateTime>()
        .map_err(|e| format!("not a date-time: {s:?} ({e})"))?;
    dt.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| format!("date-time out of range: {s:?} ({e})"))
}

/// Parses an optional timestamp field.
pub(crate) fn parse_opt_time(
    value: Option<&str>,
    field: &str,
) -> Result<Option<Timestamp>, FieldError> {
    value
        .map(|s| parse_time(s).map_err(|m| FieldError::new(field, m)))
        .transpose()
}

/// Parses a `YYYY-MM-DD` date.
pub(crate) fn parse_date(
    value: Option<&str>,
    field: &str,
) -> Result<Option<jiff::civil::Date>, FieldError> {
    value
        .map(|s| {
            s.parse::<jiff::civil::Date>()
                .map_err(|e| FieldError::new(field, format!("not a date: {s:?} ({e})")))
        })
        .transpose()
}

/// Parses the id of an NVD record, which must be a well-formed CVE id.
pub(crate) fn parse_cve_id(value: &str, field: &str) -> Result<VulnId, FieldError> {
    let id = VulnId::new(value).map_err(|e| FieldError::new(field, e.to_string()))?;
    if id.kind() != IdKind::Cve {
        return Err(FieldError::new(field, format!("not a CVE id: {value:?}")));
    }
    Ok(id)
}

/// Adds a CWE id unless it is NVD's pseudo id (`NVD-CWE-Other`,
/// `NVD-CWE-noinfo`) or already present.
pub(crate) fn push_cwe(cwes: &mut Vec<String>, value: String) {
    if !value.starts_with("NVD-CWE-") && !cwes.contains(&value) {
        cwes.push(value);
    }
}

/// The CVSS version named by a `version` field.
pub(crate) fn cvss_version(value: &str) -> Option<CvssVersion> {
    match value {
        "2.0" | "2" => Some(CvssVersion::V2),
        "3.0" => Some(CvssVersion::V30),
        "3.1" => Some(CvssVersion::V31),
        "4.0" => Some(CvssVersion::V40),
        _ => None,
    }
}

/// A base score must be a number from 0 to 10.
pub(crate) fn check_score(score: f32, field: &str) -> Result<f32, FieldError> {
    if (0.0..=10.0).contains(&score) {
        Ok(score)
    } else {
        Err(FieldError::new(
            field,
            format!("base score {score} is outside 0–10"),
        ))
    }
}

/// Deserialises an optional configuration `operator` (`AND` / `OR`), with a
/// message that says what is allowed.
pub(crate) fn deserialize_operator<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Operator>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    value
        .map(|s| match s.as_str() {
            "AND" => Ok(Operator::And),
            "OR" => Ok(Operator::Or),
            _ => Err(serde::de::Error::custom(format_args!(
                "operator {s:?} is neither \"AND\" nor \"OR\""
            ))),
        })
        .transpose()
}

/// The description text that marks a rejected record in NVD 1.x feeds.
const REJECT_MARK: &str = "** REJECT **";

/// Whether a description carries NVD 1.x's rejection marker.
pub(crate) fn marked_rejected(descriptions: &[secfixes_model::Text]) -> bool {
    descriptions
        .iter()
        .any(|d| d.value.trim_start().starts_with(REJECT_MARK))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn times() {
        let t = |s| parse_time(s).unwrap().to_string();
        assert_eq!(t("2019-01-01T00:29Z"), "2019-01-01T00:29:00Z");
        assert_eq!(t("2021-12-10T10:15:09.143"), "2021-12-10T10:15:09.143Z");
        assert_eq!(
            t("2025-12-25T03:00:00.7378299"),
            "2025-12-25T03:00:00.7378299Z"
        );
        assert_eq!(
            t("2024-04-02T04:00:23.138684Z"),
            "2024-04-02T04:00:23.138684Z"
        );
        assert_eq!(t("2024-01-01T03:01:49-05:00"), "2024-01-01T08:01:49Z");
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2021-13-10T10:15").is_err());
    }

    #[test]
    fn cwes() {
        let mut v = Vec::new();
        for c in [
            "CWE-79",
            "NVD-CWE-Other",
            "CWE-79",
            "NVD-CWE-noinfo",
            "CWE-20",
        ] {
            push_cwe(&mut v, c.to_owned());
        }
        assert_eq!(v, ["CWE-79", "CWE-20"]);
    }

    #[test]
    fn ids() {
        assert_eq!(
            parse_cve_id("cve-2021-44228", "id").unwrap().as_str(),
            "CVE-2021-44228"
        );
        assert_eq!(
            parse_cve_id("GHSA-xxxx", "id")
                .unwrap_err()
                .field
                .as_deref(),
            Some("id")
        );
        assert!(parse_cve_id("", "id").is_err());
    }

    #[test]
    fn record_errors_name_the_field() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Inner {
            b: bool,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            a: Vec<Inner>,
        }
        let e = parse_record::<Outer>(r#"{"a": [{"b": true}, {"b": "yes"}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("a/1/b"));
        assert!(e.message.contains("invalid type"), "{}", e.message);
        assert!(!e.message.contains("line"), "{}", e.message);
        let e = parse_record::<Outer>(r#"{"a": [{}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("a/0"));
        assert!(e.message.contains("missing field `b`"), "{}", e.message);
        let e = parse_record::<Outer>(r#"[]"#).unwrap_err();
        assert_eq!(e.field, None);
    }
}
