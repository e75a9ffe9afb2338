//! NVD 2.0: every real fixture (API pages, per-CVE files, directories),
//! field spot checks, compressed feeds with `.meta`, bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use secfixes_feeds::{Error, Item, Mode, ReadOptions, Summary, nvd20};
use secfixes_model::nvd::Operator;
use secfixes_model::{CvssVersion, MetricKind, RecordStatus, Vulnerability};

fn fixture(rel: &str) -> PathBuf {
    secfixes_testdata::path(&format!("fixtures/{rel}"))
}

const VUNNEL: &str = "anchore+vunnel/tests/unit/providers/nvd/test-fixtures";
const OSV_DEV: &str = "google+osv.dev/vulnfeeds/test_data/nvdcve-2.0";
const TRIVY: &str = "aquasecurity+trivy-db/pkg/vulnsrc/nvd/testdata";
const VULNERABLECODE: &str = "aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data";

fn read_all(path: &Path, opts: &ReadOptions) -> Result<(Vec<Vulnerability>, Summary), Error> {
    let mut out = Vec::new();
    let summary = nvd20::read_path(path, opts, &mut |item| {
        match item {
            Item::Vulnerability(v) => out.push(*v),
            other => panic!("unexpected item {other:?}"),
        }
        Ok(())
    })?;
    Ok((out, summary))
}

fn find<'a>(all: &'a [Vulnerability], id: &str) -> &'a Vulnerability {
    all.iter()
        .find(|v| v.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} not read"))
}

/// Per file: records, CVSS metrics, cpeMatch entries — counted with
/// Python's json module over the same files.
#[test]
fn every_fixture_reads_with_all_metrics_and_matches() {
    let cases: Vec<(String, u64, usize, usize)> = vec![
        (format!("{VUNNEL}/full-page.json"), 38, 48, 56),
        (format!("{VUNNEL}/single-entry.json"), 1, 2, 1),
        (
            "google+osv.dev/vulnfeeds/conversion/nvd/testdata/test.json".into(),
            13,
            24,
            129,
        ),
        (
            format!("{TRIVY}/happy/vuln-list-nvd/api/2020/CVE-2020-0001.json"),
            1,
            2,
            4,
        ),
        (
            format!("{TRIVY}/happy/vuln-list-nvd/api/2023/CVE-2023-0001.json"),
            1,
            2,
            2,
        ),
        (
            format!("{TRIVY}/happy/vuln-list-nvd/api/2024/CVE-2024-0069.json"),
            1,
            0,
            0,
        ),
        (
            format!("{TRIVY}/happy/vuln-list-nvd/api/2024/CVE-2024-5732.json"),
            1,
            4,
            1,
        ),
        (format!("{VULNERABLECODE}/nvd/nvd_test.json"), 3, 4, 41),
        (format!("{VULNERABLECODE}/nvd/rejected_nvd.json"), 1, 0, 0),
        (format!("{VULNERABLECODE}/nvd_v2/nvd_test.json"), 3, 4, 41),
        (format!("{OSV_DEV}/CVE-2023-4863.json"), 1, 1, 14),
        (format!("{OSV_DEV}/CVE-2024-3094.json"), 1, 2, 2),
    ];
    for (rel, records, metrics, matches) in cases {
        let (all, summary) = read_all(&fixture(&rel), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!((summary.records, summary.skipped), (records, 0), "{rel}");
        assert_eq!(
            all.iter().map(|v| v.cvss.len()).sum::<usize>(),
            metrics,
            "{rel}"
        );
        let n: usize = all
            .iter()
            .flat_map(|v| &v.configurations)
            .map(|c| c.matches().count())
            .sum();
        assert_eq!(n, matches, "{rel}");
    }
}

#[test]
fn page_notes_when_results_per_page_disagrees() {
    // vulnerablecode trimmed a real page to 3 records and kept its header.
    let (_, summary) = read_all(
        &fixture(&format!("{VULNERABLECODE}/nvd/nvd_test.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(summary.notes.len(), 1, "{:?}", summary.notes);
    assert!(
        summary.notes[0].contains("resultsPerPage says 38743, the page holds 3"),
        "{:?}",
        summary.notes
    );
    let (_, summary) = read_all(
        &fixture(&format!("{VUNNEL}/full-page.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    assert!(summary.notes.is_empty(), "{:?}", summary.notes);
}

#[test]
fn xz_backdoor_cvss_ssvc_configurations() {
    let (all, _) = read_all(
        &fixture(&format!("{OSV_DEV}/CVE-2024-3094.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    let v = find(&all, "CVE-2024-3094");
    assert_eq!(v.assigner.as_deref(), Some("secalert@redhat.com"));
    assert_eq!(
        (v.status, v.source_status.as_deref()),
        (RecordStatus::Modified, Some("Modified"))
    );
    assert_eq!(v.published.unwrap().to_string(), "2024-03-29T17:15:21.15Z");
    // Both CVSS 3.1 assessments, each with its source and type: the old
    // tracker lost every score of 2.0 input.
    let scores: Vec<_> = v
        .cvss
        .iter()
        .map(|c| {
            (
                c.version,
                c.base_score,
                c.source.as_deref(),
                c.kind,
                c.severity.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        scores,
        [
            (
                CvssVersion::V31,
                Some(10.0),
                Some("secalert@redhat.com"),
                Some(MetricKind::Secondary),
                Some("CRITICAL")
            ),
            (
                CvssVersion::V31,
                Some(10.0),
                Some("nvd@nist.gov"),
                Some(MetricKind::Primary),
                Some("CRITICAL")
            ),
        ]
    );
    assert_eq!(
        v.preferred_cvss().unwrap().source.as_deref(),
        Some("nvd@nist.gov")
    );
    let ssvc = v.ssvc.as_ref().unwrap();
    assert_eq!(
        (
            ssvc.exploitation.as_deref(),
            ssvc.automatable.as_deref(),
            ssvc.technical_impact.as_deref()
        ),
        (Some("none"), Some("yes"), Some("total"))
    );
    assert_eq!(
        ssvc.timestamp.unwrap().to_string(),
        "2024-04-02T04:00:23.138684Z"
    );
    assert_eq!(v.cwes, ["CWE-506"]);
    let m: Vec<_> = v.configurations[0]
        .matches()
        .map(|m| m.criteria.as_str())
        .collect();
    assert_eq!(
        m,
        [
            "cpe:2.3:a:tukaani:xz:5.6.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:tukaani:xz:5.6.1:*:*:*:*:*:*:*"
        ]
    );
    assert_eq!(
        v.configurations[0].nodes[0].cpe_match[0]
            .match_criteria_id
            .as_deref(),
        Some("73F1DAD7-F362-4C5B-B980-2E5313C369DA")
    );
}

#[test]
fn webp_kev_and_every_configuration() {
    let (all, _) = read_all(
        &fixture(&format!("{OSV_DEV}/CVE-2023-4863.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    let v = find(&all, "CVE-2023-4863");
    let kev = v.kev.as_ref().unwrap();
    assert_eq!(kev.date_added.unwrap().to_string(), "2023-09-13");
    assert_eq!(kev.due_date.unwrap().to_string(), "2023-10-04");
    assert_eq!(
        kev.name.as_deref(),
        Some("Google Chromium WebP Heap-Based Buffer Overflow Vulnerability")
    );
    assert!(
        kev.required_action
            .as_deref()
            .unwrap()
            .starts_with("Apply mitigations")
    );
    assert_eq!(
        (v.cvss[0].base_score, v.cvss[0].kind),
        (Some(8.8), Some(MetricKind::Primary))
    );
    // The old tracker read configurations[0].nodes[0] only; every one is kept.
    assert!(v.configurations.len() > 1);
    let chrome = &v.configurations[0].nodes[0].cpe_match[0];
    assert_eq!(chrome.criteria, "cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*");
    assert_eq!(
        chrome.version_end_excluding.as_deref(),
        Some("116.0.5845.187")
    );
    assert_eq!(v.configurations[1].nodes[0].cpe_match.len(), 3);
}

#[test]
fn single_entry_page_field_by_field() {
    let (all, _) = read_all(
        &fixture(&format!("{VUNNEL}/single-entry.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    let v = find(&all, "CVE-2022-1576");
    assert_eq!(v.assigner.as_deref(), Some("contact@wpscan.com"));
    assert_eq!(v.modified.unwrap().to_string(), "2024-11-21T06:41:00.133Z");
    // English and Spanish descriptions are both kept.
    let langs: Vec<_> = v.descriptions.iter().map(|d| d.lang.as_str()).collect();
    assert_eq!(langs, ["en", "es"]);
    assert!(
        v.description()
            .unwrap()
            .starts_with("The WP Maintenance Mode")
    );
    let v2 = v
        .cvss
        .iter()
        .find(|c| c.version == CvssVersion::V2)
        .unwrap();
    // v2 severity sits beside cvssData in 2.0.
    assert_eq!(
        (v2.base_score, v2.severity.as_deref()),
        (Some(4.3), Some("MEDIUM"))
    );
    let m = &v.configurations[0].nodes[0].cpe_match[0];
    assert_eq!(
        m.criteria,
        r"cpe:2.3:a:themeisle:wp_maintenance_mode_\&_coming_soon:*:*:*:*:*:wordpress:*:*"
    );
    assert_eq!(v.configurations[0].nodes[0].operator, Operator::Or);
    assert_eq!(v.references.len(), 2);
    assert_eq!(
        v.references[1].source.as_deref(),
        Some("af854a3a-2127-422b-91ae-364da2661108")
    );
}

#[test]
fn cvss4_and_rejected_bare_records() {
    let (all, _) = read_all(&fixture(&format!("{TRIVY}/happy")), &ReadOptions::default()).unwrap();
    let ids: Vec<_> = all.iter().map(|v| v.id.as_str()).collect();
    // Path order: 2020/, 2023/, 2024/CVE-2024-0069, 2024/CVE-2024-5732.
    assert_eq!(
        ids,
        [
            "CVE-2020-0001",
            "CVE-2023-0001",
            "CVE-2024-0069",
            "CVE-2024-5732"
        ]
    );
    let v = find(&all, "CVE-2024-5732");
    let v4 = v
        .cvss
        .iter()
        .find(|c| c.version == CvssVersion::V40)
        .unwrap();
    assert_eq!(
        (v4.base_score, v4.kind, v4.severity.as_deref()),
        (Some(6.9), Some(MetricKind::Primary), Some("MEDIUM"))
    );
    assert!(v4.vector.starts_with("CVSS:4.0/AV:N/AC:L/AT:N"));
    assert_eq!(v.preferred_cvss().unwrap().version, CvssVersion::V40);
    let r = find(&all, "CVE-2024-0069");
    assert_eq!(
        (r.status, r.source_status.as_deref()),
        (RecordStatus::Rejected, Some("Rejected"))
    );
    assert_eq!(
        r.description(),
        Some("Rejected reason: This CVE ID was unused by the CNA.")
    );
    let (all, _) = read_all(
        &fixture(&format!("{VULNERABLECODE}/nvd_v2/rejected_nvd.json")),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(find(&all, "CVE-2022-0094").status, RecordStatus::Rejected);
}

#[test]
fn per_cve_directory_reads_in_path_order() {
    let dir = fixture(OSV_DEV);
    let (all, summary) = read_all(&dir, &ReadOptions::default()).unwrap();
    assert_eq!((all.len(), summary.skipped), (23, 0));
    // No `.meta` notes for per-CVE files (only compressed feeds carry one).
    assert!(summary.notes.is_empty(), "{:?}", summary.notes);
    let ids: Vec<_> = all.iter().map(|v| v.id.to_string()).collect();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".json")
                .to_owned()
        })
        .collect();
    names.sort();
    assert_eq!(ids, names);
}

#[test]
fn sad_file_in_a_directory_is_one_bad_record() {
    let dir = fixture(TRIVY);
    let (all, summary) = read_all(&dir, &ReadOptions::default()).unwrap();
    assert_eq!((all.len(), summary.skipped), (4, 1));
    let e = &summary.errors[0];
    assert!(
        e.source_name
            .ends_with("sad/vuln-list-nvd/api/CVE-2020-0001.json"),
        "{e}"
    );
    assert!(e.message.contains("not valid JSON"), "{e}");

    let err = read_all(&dir, &ReadOptions { mode: Mode::Strict }).unwrap_err();
    assert!(matches!(err, Error::Record(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("sad/vuln-list-nvd/api/CVE-2020-0001.json"),
        "{err}"
    );

    // Read alone, the same file is a format error of the input.
    let err = read_all(
        &dir.join("sad/vuln-list-nvd/api/CVE-2020-0001.json"),
        &ReadOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Format { .. }), "{err:?}");
}

// ---- compressed feeds with `.meta` ----

fn sha256_upper(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode_upper(sha2::Sha256::digest(data))
}

fn write_meta(path: &Path, data: &[u8]) {
    let text = format!(
        "lastModifiedDate:2023-10-18T14:00:00-04:00\r\nsize:{}\r\ngzSize:0\r\nsha256:{}\r\n",
        data.len(),
        sha256_upper(data)
    );
    std::fs::write(path, text).unwrap();
}

#[test]
fn gz_and_zip_feeds_with_meta() {
    let page = std::fs::read(fixture(&format!("{VUNNEL}/full-page.json"))).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let gz_path = dir.path().join("nvdcve-2.0-2023.json.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&page).unwrap();
    std::fs::write(&gz_path, enc.finish().unwrap()).unwrap();

    let zip_path = dir.path().join("nvdcve-2.0-2022.json.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    zip.start_file(
        "nvdcve-2.0-2022.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(&page).unwrap();
    zip.finish().unwrap();

    for path in [&gz_path, &zip_path] {
        // Without `.meta`: read, with a note.
        let (all, summary) = read_all(path, &ReadOptions::default()).unwrap();
        assert_eq!(all.len(), 38);
        assert!(
            summary.notes.iter().any(|n| n.contains("no .meta")),
            "{:?}",
            summary.notes
        );
        // With a matching `.meta`: no note.
        let meta = nvd_meta_path(path);
        write_meta(&meta, &page);
        let (all, summary) = read_all(path, &ReadOptions::default()).unwrap();
        assert_eq!(all.len(), 38);
        assert!(summary.notes.is_empty(), "{:?}", summary.notes);
        // With a `.meta` of other data: checksum error.
        write_meta(&meta, b"{}");
        let err = read_all(path, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, Error::Checksum { .. }), "{err:?}");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(err.to_string().contains(&name), "{err}");
    }
}

fn nvd_meta_path(data: &Path) -> PathBuf {
    let name = data.file_name().unwrap().to_string_lossy();
    let stem = name
        .trim_end_matches(".gz")
        .trim_end_matches(".zip")
        .trim_end_matches(".json");
    data.with_file_name(format!("{stem}.meta"))
}

// ---- bad input ----

#[test]
fn bad_record_in_a_real_page() {
    let page = std::fs::read_to_string(fixture(&format!("{VUNNEL}/full-page.json"))).unwrap();
    // The first record's id removed, another's CVSS type misspelt.
    let second = page.match_indices(r#""cve": {"#).nth(1).unwrap().0;
    let (head, tail) = page.split_at(second);
    let broken = format!(
        "{}{}",
        head.replacen(r#""id": "CVE-2023-27314","#, "", 1),
        tail.replacen(r#""type": "Primary""#, r#""type": "primary""#, 1)
    );
    assert_ne!(broken, page);
    let mut n = 0;
    let summary = nvd20::read(
        broken.as_bytes(),
        "page.json",
        &ReadOptions::default(),
        &mut |_| {
            n += 1;
            Ok(())
        },
    )
    .unwrap();
    assert_eq!((summary.records, summary.skipped, n), (36, 2, 36));
    let e = &summary.errors[0];
    assert_eq!(
        (e.record.as_deref(), e.field.as_deref()),
        (Some("#0"), Some("cve")),
        "{e}"
    );
    assert!(e.message.contains("missing field `id`"), "{e}");
    let e = &summary.errors[1];
    assert!(e.record.as_deref().unwrap().starts_with("CVE-2023-"), "{e}");
    assert!(
        e.field
            .as_deref()
            .unwrap()
            .starts_with("cve/metrics/cvssMetricV"),
        "{e}"
    );
    assert!(e.field.as_deref().unwrap().ends_with("/type"), "{e}");

    let err = nvd20::read(
        broken.as_bytes(),
        "page.json",
        &ReadOptions { mode: Mode::Strict },
        &mut |_| Ok(()),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("page.json: record #0: field cve: missing field `id`"),
        "{err}"
    );
}

#[test]
fn not_nvd_json() {
    for (text, want) in [
        (&b"{bad}"[..], "not valid JSON"),
        (b"[]", "expected"),
        (
            br#"{"dataType": "CVE_RECORD", "cveMetadata": {}}"#,
            "not NVD 2.0",
        ),
        (
            br#"{"resultsPerPage": 1, "vulnerabilities": [{"cve": {"id": "CVE-2020-0001"}}"#,
            "truncated",
        ),
    ] {
        let err =
            nvd20::read(text, "x.json", &ReadOptions::default(), &mut |_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err:?}");
        assert!(err.to_string().contains(want), "{err}");
    }
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn page() -> &'static [u8] {
        static PAGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        PAGE.get_or_init(|| {
            std::fs::read(fixture(&format!("{OSV_DEV}/CVE-2024-3094.json"))).unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn mutated_page_never_panics(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        ) {
            let mut bytes = page().to_vec();
            for (at, byte, op) in edits {
                if bytes.is_empty() { break; }
                let i = at.index(bytes.len());
                match op {
                    0 => bytes[i] = byte,
                    1 => { bytes.remove(i); }
                    _ => bytes.insert(i, byte),
                }
            }
            let mut n = 0u64;
            if let Ok(s) = nvd20::read(&bytes[..], "fuzz", &ReadOptions::default(), &mut |_| { n += 1; Ok(()) }) {
                prop_assert_eq!(s.records, n);
                prop_assert!(s.records + s.skipped <= 2);
            }
            // The record alone, through the in-memory entry point.
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let _ = nvd20::parse_cve(text, "fuzz");
            }
        }
    }
}
