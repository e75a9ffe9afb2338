//! OSV reader: every OSV fixture of the shared data (Chainguard records and
//! their `all.json` index, vunnel fixtures), osv.dev's conversion parts
//! (which are not OSV), constructed records for the schema rules that
//! matter, bundles, and mutated records.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::PathBuf;

use proptest::prelude::*;
use secfixes_feeds::{Error, Item, Mode, ReadOptions, osv};
use secfixes_model::osv::{OsvEvent, OsvRangeKind};
use secfixes_model::{CvssVersion, RecordStatus, Vulnerability};

fn chainguard_dir() -> PathBuf {
    secfixes_testdata::path(
        "fixtures/anchore+vunnel/tests/unit/providers/chainguard/test-fixtures/input/osv",
    )
}

fn read(
    path: &std::path::Path,
    mode: Mode,
) -> Result<(Vec<Vulnerability>, secfixes_feeds::Summary), Error> {
    let mut out = Vec::new();
    let summary = osv::read_path(path, &ReadOptions { mode }, &mut |item| {
        let Item::Vulnerability(v) = item else {
            panic!("OSV yields vulnerabilities")
        };
        out.push(*v);
        Ok(())
    })?;
    Ok((out, summary))
}

#[test]
fn chainguard_records_and_index() {
    let (vulns, summary) = read(&chainguard_dir(), Mode::Strict).unwrap();
    let ids: Vec<&str> = vulns.iter().map(|v| v.id.as_str()).collect();
    // Directory order: sorted by file name (all.json is the index).
    assert_eq!(
        ids,
        [
            "CGA-224q-ccj5-2p53",
            "CGA-22hv-wp9q-4779",
            "CGA-xcpc-gm23-prj9"
        ]
    );
    assert_eq!((summary.records, summary.skipped), (3, 0));
    // The index disagrees with one record: 13:07:08.98Z vs 13:07:08Z.
    let notes = summary.notes.join("\n");
    assert!(
        notes.contains("index lists 3 record(s); 1 difference(s)"),
        "{notes}"
    );
    assert!(
        notes.contains("CGA-22hv-wp9q-4779 was modified 2026-02-24T13:07:08.98Z"),
        "{notes}"
    );

    let v = &vulns[0];
    assert_eq!(v.source, secfixes_model::SourceKind::Osv);
    assert_eq!(v.status, RecordStatus::Published);
    assert_eq!(
        v.title.as_deref(),
        Some("HAProxy: HTTP request smuggling via malformed header")
    );
    assert!(v.descriptions.is_empty());
    assert_eq!(v.published.unwrap().to_string(), "2026-01-07T00:00:00Z");
    assert_eq!(v.modified.unwrap().to_string(), "2026-01-07T00:00:00Z");
    // upstream is not aliases.
    assert!(v.aliases.is_empty());
    let upstream: Vec<&str> = v.upstream.iter().map(|u| u.as_str()).collect();
    assert_eq!(upstream, ["CVE-2025-32464", "GHSA-frg5-h47x-75j9"]);
    assert_eq!(v.cvss.len(), 1);
    assert_eq!(v.cvss[0].version, CvssVersion::V31);
    assert_eq!(
        v.cvss[0].vector,
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N"
    );
    assert_eq!(v.cvss[0].base_score, None);
    assert_eq!(v.references.len(), 2);
    assert_eq!(
        v.references[0].url,
        "https://nvd.nist.gov/vuln/detail/CVE-2025-32464"
    );
    assert_eq!(v.references[0].tags, ["ADVISORY"]);
    assert_eq!(v.osv_affected.len(), 4);
    let a = &v.osv_affected[0];
    assert_eq!(a.ecosystem.as_deref(), Some("Chainguard"));
    assert_eq!(a.name.as_deref(), Some("haproxy-2.2"));
    assert_eq!(
        a.purl.as_deref(),
        Some("pkg:apk/chainguard/haproxy-2.2?arch=x86_64")
    );
    assert_eq!(a.ranges[0].kind, OsvRangeKind::Ecosystem);
    assert_eq!(
        a.ranges[0].events,
        [
            OsvEvent::Introduced("0".into()),
            OsvEvent::Fixed("2.2.34-r0".into())
        ]
    );
    assert_eq!(v.osv_affected[2].ecosystem.as_deref(), Some("Wolfi"));
    assert_eq!(
        v.osv_affected[3].ranges[0].events[1],
        OsvEvent::Fixed("3.1.7-r0".into())
    );

    let fix_ref = vulns[2]
        .references
        .iter()
        .find(|r| r.tags == ["FIX"])
        .unwrap();
    assert_eq!(fix_ref.url, "https://github.com/netty/netty/pull/12345");
}

#[test]
fn each_chainguard_file_alone() {
    for entry in std::fs::read_dir(chainguard_dir()).unwrap() {
        let path = entry.unwrap().path();
        let (vulns, summary) = read(&path, Mode::Strict).unwrap();
        if path.ends_with("all.json") {
            // An index alone: nothing read, every listed record missing.
            assert!(vulns.is_empty());
            assert!(
                summary
                    .notes
                    .iter()
                    .any(|n| n.contains("index lists 3 record(s); 3 difference(s)"))
            );
        } else {
            assert_eq!(vulns.len(), 1, "{}", path.display());
            let stem = path.file_stem().unwrap().to_str().unwrap();
            assert_eq!(vulns[0].id.as_str(), stem);
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(osv::parse_record(&bytes, "x").unwrap(), vulns[0]);
        }
    }
}

#[test]
fn osv_dev_conversion_parts_are_not_osv() {
    for part in ["alpine", "nvd"] {
        let dir = secfixes_testdata::path(&format!(
            "fixtures/google+osv.dev/vulnfeeds/test_data/parts/{part}"
        ));
        let (vulns, summary) = read(&dir, Mode::Lenient).unwrap();
        assert!(vulns.is_empty(), "{part}");
        let json_files = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json")
            })
            .count() as u64;
        // One error per file, naming it.
        assert_eq!(summary.skipped, json_files, "{part}: {:?}", summary.errors);
        for e in &summary.errors {
            assert!(e.source_name.contains(&format!("parts/{part}/")), "{e}");
        }
    }
}

const ALPINE: &str = r#"{
  "schema_version": "1.7.4",
  "id": "ALPINE-CVE-2024-0001",
  "modified": "2025-01-02T03:04:05.123456Z",
  "published": "2024-01-01T00:00:00Z",
  "upstream": ["CVE-2024-0001"],
  "details": "A flaw in openssl.",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{
    "package": {"ecosystem": "Alpine:v3.20", "name": "openssl", "purl": "pkg:apk/alpine/openssl?arch=source"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.3.2-r0"}]}],
    "database_specific": {"anything": [1, 2]}
  }],
  "references": [{"type": "ADVISORY", "url": "https://security.alpinelinux.org/vuln/CVE-2024-0001"}],
  "database_specific": {"source": "x"}
}"#;

const GHSA: &str = r#"{
  "id": "GHSA-aaaa-bbbb-cccc",
  "modified": "2024-05-06T07:08:09Z",
  "aliases": ["CVE-2024-0002", "CVE-2024-0002"],
  "related": ["CVE-2024-0003"],
  "summary": "  ",
  "severity": [
    {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
    {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
    {"type": "Ubuntu", "score": "high"}
  ],
  "affected": [
    {"package": {"ecosystem": "PyPI", "name": "x"},
     "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"last_affected": "1.2.0"}, {"limit": "2.0.0"}]}],
     "versions": ["1.0.0", "1.1.0"]},
    {"ranges": [{"type": "GIT", "repo": "https://github.com/a/b",
                 "events": [{"introduced": "0"}, {"fixed": "0123456789abcdef0123456789abcdef01234567"}]}]},
    {"package": {"ecosystem": "SomeNewEcosystem:7", "name": "y"}}
  ],
  "aliases_unknown_key": true,
  "references": null
}"#;

#[test]
fn alpine_record_keeps_upstream_apart() {
    let v = osv::parse_record(ALPINE.as_bytes(), "alpine.json").unwrap();
    assert_eq!(v.id.as_str(), "ALPINE-CVE-2024-0001");
    assert!(v.aliases.is_empty());
    assert_eq!(v.upstream[0].as_str(), "CVE-2024-0001");
    assert_eq!(v.description(), Some("A flaw in openssl."));
    assert_eq!(v.title, None);
    assert_eq!(v.cvss[0].version, CvssVersion::V30);
    assert_eq!(
        v.modified.unwrap().to_string(),
        "2025-01-02T03:04:05.123456Z"
    );
    let a = &v.osv_affected[0];
    assert_eq!(
        (a.ecosystem.as_deref(), a.name.as_deref()),
        (Some("Alpine:v3.20"), Some("openssl"))
    );
    assert_eq!(
        a.ranges[0].events,
        [
            OsvEvent::Introduced("0".into()),
            OsvEvent::Fixed("3.3.2-r0".into())
        ]
    );
}

#[test]
fn ghsa_record_all_shapes() {
    let v = osv::parse_record(GHSA.as_bytes(), "ghsa.json").unwrap();
    assert_eq!(
        v.aliases.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
        ["CVE-2024-0002"]
    );
    assert_eq!(v.related[0].as_str(), "CVE-2024-0003");
    assert_eq!(v.title, None, "a blank summary is no title");
    // Ubuntu priorities are not CVSS.
    assert_eq!(
        v.cvss.iter().map(|c| c.version).collect::<Vec<_>>(),
        [CvssVersion::V40, CvssVersion::V2]
    );
    assert!(v.references.is_empty());
    let semver = &v.osv_affected[0];
    assert_eq!(semver.versions, ["1.0.0", "1.1.0"]);
    assert_eq!(semver.ranges[0].kind, OsvRangeKind::Semver);
    assert_eq!(
        semver.ranges[0].events,
        [
            OsvEvent::Introduced("1.0.0".into()),
            OsvEvent::LastAffected("1.2.0".into()),
            OsvEvent::Limit("2.0.0".into())
        ]
    );
    let git = &v.osv_affected[1];
    assert_eq!(
        (git.ecosystem.as_deref(), git.name.as_deref()),
        (None, None)
    );
    assert_eq!(git.ranges[0].kind, OsvRangeKind::Git);
    assert_eq!(
        git.ranges[0].repo.as_deref(),
        Some("https://github.com/a/b")
    );
    // A new ecosystem is a string like any other.
    assert_eq!(
        v.osv_affected[2].ecosystem.as_deref(),
        Some("SomeNewEcosystem:7")
    );
}

#[test]
fn withdrawn_record() {
    let text = GHSA.replace(
        "\"modified\"",
        "\"withdrawn\": \"2024-06-01T00:00:00Z\", \"modified\"",
    );
    let v = osv::parse_record(text.as_bytes(), "w.json").unwrap();
    assert_eq!(v.status, RecordStatus::Withdrawn);
    assert!(v.status.is_retracted());
    assert_eq!(v.withdrawn.unwrap().to_string(), "2024-06-01T00:00:00Z");
}

fn expect_error(text: &str, field: &str, needle: &str) {
    for strictness in ["strict", "lenient"] {
        let err = if strictness == "strict" {
            osv::parse_record(text.as_bytes(), "bad.json").unwrap_err()
        } else {
            osv::parse_record_lenient(text.as_bytes(), "bad.json").unwrap_err()
        };
        assert_eq!(err.source_name, "bad.json");
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        assert!(err.to_string().contains(needle), "{err}: no {needle:?}");
    }
}

#[test]
fn events_hold_exactly_one_known_key() {
    let two = ALPINE.replace(
        r#"{"fixed": "3.3.2-r0"}"#,
        r#"{"fixed": "3.3.2-r0", "introduced": "1"}"#,
    );
    expect_error(
        &two,
        "affected/0/ranges/0/events/1",
        "exactly one key, this one has 2",
    );
    let zero = ALPINE.replace(r#"{"fixed": "3.3.2-r0"}"#, "{}");
    expect_error(&zero, "affected/0/ranges/0/events/1", "has 0");
    let unknown = ALPINE.replace(r#"{"fixed": "3.3.2-r0"}"#, r#"{"patched": "3.3.2-r0"}"#);
    expect_error(
        &unknown,
        "affected/0/ranges/0/events/1/patched",
        "unknown event",
    );
    let not_string = ALPINE.replace(r#"{"fixed": "3.3.2-r0"}"#, r#"{"fixed": 3}"#);
    expect_error(
        &not_string,
        "affected/0/ranges/0/events/1/fixed",
        "not a string",
    );
    let none = ALPINE.replace(r#"[{"introduced": "0"}, {"fixed": "3.3.2-r0"}]"#, "[]");
    expect_error(&none, "affected/0/ranges/0/events", "at least one event");
    let record_id = osv::parse_record(two.as_bytes(), "x").unwrap_err().record;
    assert_eq!(record_id.as_deref(), Some("ALPINE-CVE-2024-0001"));
}

#[test]
fn missing_required_fields_are_errors() {
    let err = osv::parse_record(
        ALPINE.replace("\"modified\"", "\"modifed\"").as_bytes(),
        "m.json",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("missing field `modified`"),
        "{err}"
    );
    assert_eq!(err.record.as_deref(), Some("ALPINE-CVE-2024-0001"));
    let err = osv::parse_record(GHSA.replace("\"id\"", "\"ID\"").as_bytes(), "m.json").unwrap_err();
    assert!(err.to_string().contains("missing field `id`"), "{err}");
    let err =
        osv::parse_record(ALPINE.replace("\"openssl\",", "7,").as_bytes(), "m.json").unwrap_err();
    assert_eq!(
        err.field.as_deref(),
        Some("affected/0/package/name"),
        "{err}"
    );
    let err = osv::parse_record(format!("{ALPINE}\n{ALPINE}").as_bytes(), "m.json").unwrap_err();
    assert!(err.to_string().contains("trailing characters"), "{err}");
    let err =
        osv::parse_record(b"{\"id\": \"X-1\", \"modified\": \"soon\"}", "m.json").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("modified"));
}

/// Schema departures: strict refuses, lenient keeps the record and says why.
fn warns(text: &str, field: &str, needle: &str) -> Vulnerability {
    let err = osv::parse_record(text.as_bytes(), "w.json").unwrap_err();
    assert_eq!(err.field.as_deref(), Some(field), "{err}");
    assert!(err.message.contains(needle), "{err}: no {needle:?}");
    let (v, warnings) = osv::parse_record_lenient(text.as_bytes(), "w.json").unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains(field) && warnings[0].contains(needle),
        "{warnings:?}"
    );
    v
}

#[test]
fn schema_departures_are_warnings() {
    let v = warns(
        &ALPINE.replace("2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00"),
        "published",
        "ending in Z",
    );
    assert_eq!(v.published.unwrap().to_string(), "2024-01-01T00:00:00Z");
    let v = warns(
        &ALPINE.replace("Alpine:v3.20", "Alpine:3.20"),
        "affected/0/package/ecosystem",
        "Alpine:v3.20",
    );
    assert_eq!(v.osv_affected[0].ecosystem.as_deref(), Some("Alpine:3.20"));
    let v = warns(
        &ALPINE.replace("\"ECOSYSTEM\"", "\"SEMVER2\""),
        "affected/0/ranges/0/type",
        "unknown range type",
    );
    assert_eq!(
        v.osv_affected[0].ranges[0].kind,
        OsvRangeKind::Other("SEMVER2".into())
    );
    warns(
        &ALPINE.replace(r#"{"introduced": "0"}, "#, ""),
        "affected/0/ranges/0/events",
        "no introduced",
    );
    warns(
        &ALPINE.replace(
            r#"{"fixed": "3.3.2-r0"}"#,
            r#"{"fixed": "3.3.2-r0"}, {"last_affected": "3.3.1-r0"}"#,
        ),
        "affected/0/ranges/0/events",
        "mutually exclusive",
    );
    warns(
        &GHSA.replace("\"repo\": \"https://github.com/a/b\",", ""),
        "affected/1/ranges/0/repo",
        "needs a repo",
    );
    warns(
        &GHSA.replace("0123456789abcdef0123456789abcdef01234567", "0123abc"),
        "affected/1/ranges/0/events",
        "full commit hash",
    );
    warns(
        &ALPINE.replace("\"CVSS_V3\"", "\"CVSS_V9\""),
        "severity/0/type",
        "unknown severity type",
    );
    let v = warns(
        &ALPINE.replace(
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        ),
        "severity/0/score",
        "does not match type CVSS_V3",
    );
    assert_eq!(
        v.cvss[0].version,
        CvssVersion::V40,
        "the vector prefix decides"
    );
    let v = warns(
        &ALPINE.replace("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "9.8"),
        "severity/0/score",
        "not a CVSS vector",
    );
    assert!(v.cvss.is_empty());
    warns(
        &ALPINE.replace("\"ADVISORY\"", "\"BLOG\""),
        "references/0/type",
        "unknown reference type",
    );
    warns(
        &GHSA.replace("\"CVE-2024-0003\"", "\"CVE 2024 0003\""),
        "related/0",
        "dropped",
    );
    let both = ALPINE.replace(
        "\"ranges\": [{\"type\": \"ECOSYSTEM\"",
        "\"severity\": [{\"type\": \"CVSS_V2\", \"score\": \"AV:N/AC:L/Au:N/C:P/I:P/A:P\"}], \"ranges\": [{\"type\": \"ECOSYSTEM\"",
    );
    let v = warns(&both, "affected/0/severity", "per-package severity");
    assert_eq!(v.cvss.len(), 2, "per-package severity joins the record's");
}

#[test]
fn lenient_read_reports_warnings_strict_read_stops() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ALPINE-CVE-2024-0001.json"), ALPINE).unwrap();
    std::fs::write(
        dir.path().join("B.json"),
        ALPINE
            .replace("Alpine:v3.20", "Alpine")
            .replace("0001", "0009"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("C.json"),
        ALPINE.replace(
            r#"{"introduced": "0"}, {"fixed""#,
            r#"{"introduced": "0", "fixed""#,
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("modified_id.csv"), "x").unwrap();

    let (vulns, s) = read(dir.path(), Mode::Lenient).unwrap();
    assert_eq!(vulns.len(), 2);
    assert_eq!((s.records, s.skipped), (2, 1));
    assert!(s.errors[0].source_name.ends_with("C.json"));
    assert_eq!(
        s.errors[0].field.as_deref(),
        Some("affected/0/ranges/0/events/0")
    );
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("warning: ") && n.contains("B.json") && n.contains("ecosystem")),
        "{:?}",
        s.notes
    );
    assert!(
        s.notes.iter().any(|n| n.contains("modified_id.csv")),
        "{:?}",
        s.notes
    );

    let err = read(dir.path(), Mode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::Record(r) if r.source_name.ends_with("B.json")),
        "{err}"
    );
}

#[test]
fn zip_bundle_and_record_arrays() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for (name, text) in [
        ("GHSA-aaaa-bbbb-cccc.json", GHSA),
        ("ALPINE-CVE-2024-0001.json", ALPINE),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let (vulns, s) = read(&path, Mode::Strict).unwrap();
    let ids: Vec<&str> = vulns.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        ["ALPINE-CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"],
        "zip members in name order"
    );
    assert_eq!(s.records, 2);

    let array = dir.path().join("records.json");
    std::fs::write(&array, format!("[{ALPINE}, {GHSA}, {{\"id\": \"X-1\"}}]")).unwrap();
    let (vulns, s) = read(&array, Mode::Lenient).unwrap();
    assert_eq!(vulns.len(), 2);
    assert_eq!(s.errors[0].source_name, format!("{}#2", array.display()));
    assert_eq!(s.errors[0].record.as_deref(), Some("X-1"));
}

// ---------------------------------------------------------------------------

fn real_records() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(chainguard_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("CGA-"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    out.push(ALPINE.as_bytes().to_vec());
    out.push(GHSA.as_bytes().to_vec());
    out
}

fn count_nodes(value: &serde_json::Value) -> usize {
    1 + match value {
        serde_json::Value::Array(items) => items.iter().map(count_nodes).sum(),
        serde_json::Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn replace_nth(value: &mut serde_json::Value, n: &mut usize, with: &serde_json::Value) -> bool {
    if *n == 0 {
        *value = with.clone();
        return true;
    }
    *n -= 1;
    match value {
        serde_json::Value::Array(items) => items.iter_mut().any(|v| replace_nth(v, n, with)),
        serde_json::Value::Object(map) => map.values_mut().any(|v| replace_nth(v, n, with)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_values_never_panic(which in 0usize..5, at in 0usize..100_000, with in prop_oneof![
        Just(serde_json::Value::Null),
        any::<i64>().prop_map(serde_json::Value::from),
        ".{0,10}".prop_map(serde_json::Value::from),
        Just(serde_json::json!([{}])),
        Just(serde_json::json!({"introduced": "0", "fixed": "1"})),
        Just(serde_json::json!({})),
    ]) {
        let records = real_records();
        let mut doc: serde_json::Value = serde_json::from_slice(&records[which]).unwrap();
        let mut n = at % count_nodes(&doc);
        replace_nth(&mut doc, &mut n, &with);
        let text = serde_json::to_vec(&doc).unwrap();
        let strict = osv::parse_record(&text, "prop");
        let lenient = osv::parse_record_lenient(&text, "prop");
        // Lenient accepts whatever strict accepts, identically.
        if let Ok(v) = strict {
            prop_assert_eq!(lenient.unwrap().0, v);
        }
    }

    #[test]
    fn mutated_bytes_never_panic(which in 0usize..5, cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6)) {
        let mut bytes = real_records()[which].clone();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let end = cut.index(bytes.len() + 1);
        let _ = osv::parse_record_lenient(&bytes[..end], "prop");
    }
}
