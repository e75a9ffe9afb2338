//! CVE JSON 5 reader on the real cisagov/vulnrichment archive (44,130
//! records, streamed from the .tar.gz) and on constructed bad input.
//!
//! Expected counts: the data README (records, REJECTED, ADP CVSS 3.1, years)
//! and, where the README has none, an independent count of the same archive
//! with Python's `tarfile` + `json` (status, CPE, change and metric
//! totals), noted beside each assertion.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use std::time::Instant;

use proptest::prelude::*;
use secfixes_feeds::archive;
use secfixes_feeds::{Error, Item, Mode, ReadOptions, cve5};
use secfixes_model::cve5::{Container, VersionStatus};
use secfixes_model::{CvssVersion, MetricKind, RecordStatus, Vulnerability};

const ARCHIVE: &str = "cve5/cisagov-vulnrichment-2024-10-24.tar.gz";

/// Records kept for field-by-field checks.
const SPOT: [&str; 6] = [
    "CVE-2019-1069",
    "CVE-2023-24405",
    "CVE-2019-25161",
    "CVE-2019-15045",
    "CVE-2023-24015",
    "CVE-2024-4810",
];

#[derive(Default, Debug)]
struct Tally {
    records: u64,
    rejected: u64,
    by_year: BTreeMap<String, u64>,
    with_ssvc: u64,
    with_kev: u64,
    with_adp_cvss31: u64,
    with_v40: u64,
    cvss: HashMap<CvssVersion, u64>,
    affected: u64,
    adp_affected: u64,
    cpes: u64,
    statuses: HashMap<VersionStatus, u64>,
    changes: u64,
    default_absent: u64,
    with_cwe: u64,
}

#[test]
fn whole_vulnrichment_archive() {
    let path = secfixes_testdata::path(ARCHIVE);
    let mut t = Tally::default();
    let mut spot: HashMap<String, Vulnerability> = HashMap::new();
    let started = Instant::now();
    let summary = cve5::read_path(&path, &ReadOptions { mode: Mode::Strict }, &mut |item| {
        let Item::Vulnerability(v) = item else {
            panic!("a CVE 5 reader yields vulnerabilities only")
        };
        t.records += 1;
        t.rejected += u64::from(v.status == RecordStatus::Rejected);
        let year = v.id.as_str()[4..8].to_owned();
        *t.by_year.entry(year).or_default() += 1;
        t.with_ssvc += u64::from(v.ssvc.is_some());
        t.with_kev += u64::from(v.kev.is_some());
        t.with_adp_cvss31 += u64::from(
            v.cvss
                .iter()
                .any(|c| c.kind == Some(MetricKind::Secondary) && c.version == CvssVersion::V31),
        );
        t.with_v40 += u64::from(v.cvss.iter().any(|c| c.version == CvssVersion::V40));
        for c in &v.cvss {
            *t.cvss.entry(c.version).or_default() += 1;
        }
        t.with_cwe += u64::from(!v.cwes.is_empty());
        for a in &v.cve_affected {
            t.affected += 1;
            t.adp_affected += u64::from(matches!(a.container, Container::Adp(_)));
            t.cpes += a.cpes.len() as u64;
            t.default_absent += u64::from(a.default_status.is_none());
            for ver in &a.versions {
                *t.statuses.entry(ver.status).or_default() += 1;
                t.changes += ver.changes.len() as u64;
            }
        }
        if SPOT.contains(&v.id.as_str()) {
            spot.insert(v.id.to_string(), *v);
        }
        Ok(())
    })
    .unwrap();
    let elapsed = started.elapsed();
    eprintln!("read {} CVE 5 records in {elapsed:?}", t.records);

    // Every record reads, even in strict mode.
    assert_eq!(summary.skipped, 0, "{:?}", summary.errors.first());
    assert!(summary.errors.is_empty());
    assert_eq!(summary.records, 44_130);
    // README: 44,130 records, 104 REJECTED, 44,026 with ADP metrics (every
    // published record has CISA's SSVC), ADP CVSS 3.1 on 6,064.
    assert_eq!(t.records, 44_130);
    assert_eq!(t.rejected, 104);
    assert_eq!(t.with_ssvc, 44_026);
    assert_eq!(t.with_adp_cvss31, 6_064);
    // README: 2024 23,975 · 2023 12,028 · 2022 2,127 · 2021 1,821 · 2020
    // 1,121 · 2016–2019 2,879 · 1999–2015 179.
    let years = |from: u32, to: u32| -> u64 {
        t.by_year
            .iter()
            .filter(|(y, _)| (from..=to).contains(&y.parse::<u32>().unwrap()))
            .map(|(_, n)| n)
            .sum()
    };
    assert_eq!(
        [
            years(2024, 2024),
            years(2023, 2023),
            years(2022, 2022),
            years(2021, 2021),
            years(2020, 2020)
        ],
        [23_975, 12_028, 2_127, 1_821, 1_121]
    );
    assert_eq!((years(2016, 2019), years(1999, 2015)), (2_879, 179));
    // README says "CVSS 4.0 on 2,334 records": 2,334 is the number of
    // cvssV4_0 metrics; they sit on 2,331 records (three records carry two).
    assert_eq!(t.cvss[&CvssVersion::V40], 2_334);
    assert_eq!(t.with_v40, 2_331);
    // Independent count (Python): metrics of every container.
    assert_eq!(t.cvss[&CvssVersion::V31], 30_162);
    assert_eq!(t.cvss[&CvssVersion::V30], 4_520);
    assert_eq!(t.cvss[&CvssVersion::V2], 2_424);
    // KEV facts in CISA's ADP container.
    assert_eq!(t.with_kev, 224);
    // Every affected entry of every container, every CPE, every status as
    // given (nothing unaffected turned into affected).
    assert_eq!(t.affected, 139_429);
    assert_eq!(t.adp_affected, 54_994);
    assert_eq!(t.cpes, 108_523);
    assert_eq!(t.statuses[&VersionStatus::Affected], 244_690);
    assert_eq!(t.statuses[&VersionStatus::Unaffected], 24_064);
    assert_eq!(t.statuses[&VersionStatus::Unknown], 151);
    assert_eq!(t.changes, 3_407);
    assert_eq!(t.default_absent, 45_413);
    assert_eq!(t.with_cwe, 30_038);
    // Non-record members are skipped and named.
    let notes = summary.notes.join("\n");
    assert!(notes.contains("44130 CVE record file(s) read"), "{notes}");
    assert!(
        notes.contains("skipped 6 member(s)") && notes.contains("README.md"),
        "{notes}"
    );

    check_adp_enrichment(&spot["CVE-2019-1069"]);
    check_changes(&spot["CVE-2023-24405"]);
    check_rejected(&spot["CVE-2019-25161"]);
    check_zoneless_times(&spot["CVE-2019-15045"]);
    check_cvss40(&spot["CVE-2023-24015"]);
    let replaced = &spot["CVE-2024-4810"];
    assert_eq!(replaced.status, RecordStatus::Rejected);
    assert_eq!(
        replaced
            .related
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>(),
        ["CVE-2024-36015"]
    );
    assert!(replaced.aliases.is_empty());
}

/// CISA ADP: CPEs (all of them), CVSS 3.1, KEV, SSVC, CWE; the CVE Program
/// container's references.
fn check_adp_enrichment(v: &Vulnerability) {
    assert_eq!(v.status, RecordStatus::Published);
    assert_eq!(v.assigner.as_deref(), Some("microsoft"));
    let adp: Vec<_> = v
        .cve_affected
        .iter()
        .filter(|a| a.container == Container::Adp(Some("CISA-ADP".into())))
        .collect();
    assert_eq!(adp.len(), 3);
    assert_eq!(
        adp[0].cpes,
        [
            "cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_10:1703:*:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_10:1709:*:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_10:1803:*:*:*:*:*:*:*",
        ]
    );
    assert_eq!(adp[0].vendor.as_deref(), Some("microsoft"));
    assert_eq!(adp[0].default_status, Some(VersionStatus::Unknown));
    assert_eq!(adp[0].versions.len(), 4);
    assert_eq!(adp[1].cpes.len(), 3);
    let open = &adp[2].versions[0];
    assert_eq!(
        (open.version.as_str(), open.less_than.as_deref()),
        ("0", Some("*"))
    );
    assert_eq!(open.version_type.as_deref(), Some("custom"));
    assert!(
        v.cve_affected
            .iter()
            .any(|a| a.container == Container::Cna && a.product.as_deref() == Some("Windows"))
    );

    let cvss = v
        .cvss
        .iter()
        .find(|c| c.source.as_deref() == Some("CISA-ADP"))
        .unwrap();
    assert_eq!(cvss.version, CvssVersion::V31);
    assert_eq!(cvss.base_score, Some(7.8));
    assert_eq!(cvss.vector, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H");
    assert_eq!(cvss.severity.as_deref(), Some("HIGH"));
    assert_eq!(cvss.kind, Some(MetricKind::Secondary));

    let kev = v.kev.as_ref().unwrap();
    assert_eq!(kev.date_added, Some(jiff::civil::date(2024, 9, 18)));
    let kev_ref = v
        .references
        .iter()
        .find(|r| r.url == "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json")
        .unwrap();
    assert_eq!(kev_ref.tags, ["government-resource"]);
    assert_eq!(kev_ref.source.as_deref(), Some("CISA-ADP"));

    let ssvc = v.ssvc.as_ref().unwrap();
    assert_eq!(ssvc.exploitation.as_deref(), Some("active"));
    assert_eq!(ssvc.automatable.as_deref(), Some("no"));
    assert_eq!(ssvc.technical_impact.as_deref(), Some("total"));
    assert_eq!(ssvc.version.as_deref(), Some("2.0.3"));
    assert_eq!(
        ssvc.timestamp.unwrap().to_string(),
        "2024-09-18T18:07:57.773732Z"
    );
    assert_eq!(v.cwes, ["CWE-59"]);

    // The CVE Program container's references, merged with the CNA's by URL.
    let cert = v
        .references
        .iter()
        .find(|r| r.url == "https://www.kb.cert.org/vuls/id/119704")
        .unwrap();
    assert!(
        cert.tags.contains(&"x_transferred".to_owned()),
        "{:?}",
        cert.tags
    );
    assert!(
        cert.tags.contains(&"third-party-advisory".to_owned()),
        "{:?}",
        cert.tags
    );
    let urls: Vec<&str> = v.references.iter().map(|r| r.url.as_str()).collect();
    let mut unique = urls.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), urls.len(), "references are merged by URL");
}

/// `changes[]` kept in source order; `unaffected` stays unaffected.
fn check_changes(v: &Vulnerability) {
    assert_eq!(v.assigner.as_deref(), Some("Patchstack"));
    let a = &v.cve_affected[0];
    assert_eq!(a.container, Container::Cna);
    assert_eq!(a.vendor.as_deref(), Some("Scott Paterson"));
    assert_eq!(
        a.product.as_deref(),
        Some("Contact Form 7 – PayPal & Stripe Add-on")
    );
    assert_eq!(
        a.collection_url.as_deref(),
        Some("https://wordpress.org/plugins")
    );
    assert_eq!(
        a.package_name.as_deref(),
        Some("contact-form-7-paypal-add-on")
    );
    assert_eq!(a.default_status, Some(VersionStatus::Unaffected));
    let ver = &a.versions[0];
    assert_eq!(ver.version, "n/a");
    assert_eq!(ver.status, VersionStatus::Affected);
    assert_eq!(ver.less_than_or_equal.as_deref(), Some("1.9.3"));
    assert_eq!(ver.less_than, None);
    assert_eq!(ver.changes.len(), 1);
    assert_eq!(ver.changes[0].at, "1.9.4");
    assert_eq!(ver.changes[0].status, VersionStatus::Unaffected);
    assert_eq!(v.published.unwrap().to_string(), "2023-07-10T11:58:08.993Z");
    assert_eq!(v.modified.unwrap().to_string(), "2024-10-17T17:03:26.672Z");
}

fn check_rejected(v: &Vulnerability) {
    assert_eq!(v.status, RecordStatus::Rejected);
    assert_eq!(v.source_status.as_deref(), Some("REJECTED"));
    assert_eq!(v.assigner.as_deref(), Some("Linux"));
    assert_eq!(
        v.description(),
        Some("This CVE ID has been rejected or withdrawn by its CVE Numbering Authority.")
    );
    assert_eq!(v.withdrawn.unwrap().to_string(), "2024-02-27T09:57:13.593Z");
    assert!(v.cve_affected.is_empty() && v.cvss.is_empty() && v.ssvc.is_none());
}

/// `2019-08-21T18:26:18` (no zone) is UTC.
fn check_zoneless_times(v: &Vulnerability) {
    assert_eq!(v.published.unwrap().to_string(), "2019-08-21T18:26:18Z");
    assert_eq!(v.modified.unwrap().to_string(), "2024-08-05T00:34:53.183Z");
}

fn check_cvss40(v: &Vulnerability) {
    let v4 = v
        .cvss
        .iter()
        .find(|c| c.version == CvssVersion::V40)
        .unwrap();
    assert_eq!(
        v4.vector,
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N"
    );
    assert_eq!(v4.base_score, Some(5.3));
    assert_eq!(v4.source.as_deref(), Some("Nozomi"));
    assert_eq!(v4.kind, Some(MetricKind::Primary));
    assert_eq!(v.preferred_cvss().unwrap().version, CvssVersion::V40);
    assert_eq!(v.cwes, ["CWE-1286"]);
    assert_eq!(
        v.title.as_deref(),
        Some(
            "Partial DoS on Reports section due to null report name in Guardian/CMC before 22.6.2"
        )
    );
}

// ---------------------------------------------------------------------------
// Constructed records and bad input.

const MINIMAL: &str = r#"{
  "dataType": "CVE_RECORD", "dataVersion": "5.2",
  "cveMetadata": {"cveId": "CVE-2024-0001", "assignerOrgId": "00000000-0000-4000-8000-000000000000",
                  "state": "PUBLISHED", "datePublished": "2024-01-02T03:04:05"},
  "containers": {"cna": {
    "providerMetadata": {"orgId": "00000000-0000-4000-8000-000000000000"},
    "descriptions": [{"lang": "en", "value": "x"}],
    "affected": [{"vendor": "v", "product": "p", "versions": [
        {"version": "1.0", "status": "unaffected", "lessThan": "1.*", "versionType": "semver"}]}],
    "references": [{"url": "https://example.org"}]
  }}
}"#;

#[test]
fn minimal_record_any_5x_version() {
    for version in ["5.0", "5.1", "5.2", "5.10"] {
        let text = MINIMAL.replace("\"5.2\"", &format!("\"{version}\""));
        let v = cve5::parse_record(text.as_bytes(), "mem").unwrap();
        assert_eq!(v.id.as_str(), "CVE-2024-0001");
        // No shortName: the org id names the assigner.
        assert_eq!(
            v.assigner.as_deref(),
            Some("00000000-0000-4000-8000-000000000000")
        );
        assert_eq!(v.published.unwrap().to_string(), "2024-01-02T03:04:05Z");
        assert_eq!(
            v.cve_affected[0].versions[0].status,
            VersionStatus::Unaffected
        );
        assert_eq!(
            v.cve_affected[0].versions[0].less_than.as_deref(),
            Some("1.*")
        );
        assert_eq!(v.cve_affected[0].default_status, None);
    }
}

fn expect_error(text: &str, field: Option<&str>, needle: &str) {
    let err = cve5::parse_record(text.as_bytes(), "in.json").unwrap_err();
    assert_eq!(err.source_name, "in.json");
    assert_eq!(err.field.as_deref(), field, "{err}");
    assert!(
        err.to_string().contains(needle),
        "{err} does not contain {needle:?}"
    );
}

#[test]
fn bad_records_name_record_and_field() {
    expect_error(
        &MINIMAL.replace("\"unaffected\"", "\"Affected\""),
        Some("containers/cna/affected/0/versions/0/status"),
        "CVE-2024-0001",
    );
    expect_error(
        &MINIMAL.replace("\"5.2\"", "\"4.0\""),
        Some("dataVersion"),
        "not 5.x",
    );
    expect_error(
        &MINIMAL.replace("CVE_RECORD", "CVE_RECORDS"),
        Some("dataType"),
        "CVE_RECORDS",
    );
    expect_error(
        &MINIMAL.replace("\"PUBLISHED\"", "\"RESERVED\""),
        Some("cveMetadata/state"),
        "RESERVED",
    );
    expect_error(
        &MINIMAL.replace("CVE-2024-0001", "GHSA-xxxx-yyyy-zzzz"),
        Some("cveMetadata/cveId"),
        "not a CVE id",
    );
    expect_error(
        &MINIMAL.replace("2024-01-02T03:04:05", "yesterday"),
        Some("cveMetadata/datePublished"),
        "yesterday",
    );
    expect_error(
        &MINIMAL.replace("\"version\": \"1.0\", ", ""),
        Some("containers/cna/affected/0/versions/0"),
        "missing field `version`",
    );
    expect_error(
        r#"{"data_type": "CVE", "data_version": "4.0", "CVE_data_meta": {}}"#,
        None,
        "CVE JSON 4",
    );
    expect_error("{\"dataType\": \"CVE_RECORD\", ", None, "EOF");
    expect_error("[]", None, "not a JSON object");
    expect_error(&format!("{MINIMAL} {{}}"), None, "trailing characters");
    expect_error("", None, "not a JSON object");
}

#[test]
fn ssvc_and_kev_bad_content_are_errors() {
    let with_adp = |metric: &str| {
        MINIMAL.replace(
            "}}\n}",
            &format!(r#"}}, "adp": [{{"providerMetadata": {{"orgId": "o", "shortName": "CISA-ADP"}}, "metrics": [{metric}]}}]}}}}"#),
        )
    };
    let ok = with_adp(
        r#"{"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "PoC"}, {"Automatable": "Yes"}, {"Technical Impact": "Partial"}], "version": "2.0.3", "timestamp": "2024-06-25T14:34:53+00:00"}}}"#,
    );
    let v = cve5::parse_record(ok.as_bytes(), "m").unwrap();
    let ssvc = v.ssvc.unwrap();
    assert_eq!(
        (
            ssvc.exploitation.as_deref(),
            ssvc.automatable.as_deref(),
            ssvc.technical_impact.as_deref()
        ),
        (Some("poc"), Some("yes"), Some("partial"))
    );
    assert_eq!(ssvc.timestamp.unwrap().to_string(), "2024-06-25T14:34:53Z");
    expect_error(
        &with_adp(r#"{"other": {"type": "ssvc", "content": {"options": "none"}}}"#),
        Some("containers/adp/0/metrics/0/other/content/options"),
        "options",
    );
    expect_error(
        &with_adp(r#"{"other": {"type": "kev", "content": {"dateAdded": "2024-13-01"}}}"#),
        Some("containers/adp/0/metrics/0/other/content/dateAdded"),
        "not a date",
    );
}

#[test]
fn lenient_skips_bad_records_strict_stops() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("cves/2024/0xxx");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("CVE-2024-0001.json"), MINIMAL).unwrap();
    std::fs::write(
        tree.join("CVE-2024-0002.json"),
        MINIMAL.replace("0001", "0002").replace("\"en\"", "7"),
    )
    .unwrap();
    std::fs::write(
        tree.join("CVE-2024-0003.json"),
        MINIMAL.replace("0001", "0003"),
    )
    .unwrap();
    std::fs::write(dir.path().join("cves/deltaLog.json"), "[]").unwrap();

    let mut ids = Vec::new();
    let s = cve5::read_path(dir.path(), &ReadOptions::default(), &mut |item| {
        if let Item::Vulnerability(v) = item {
            ids.push(v.id.to_string());
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(ids, ["CVE-2024-0001", "CVE-2024-0003"]);
    assert_eq!((s.records, s.skipped), (2, 1));
    let e = &s.errors[0];
    assert!(
        e.source_name.ends_with("cves/2024/0xxx/CVE-2024-0002.json"),
        "{e}"
    );
    assert_eq!(e.record.as_deref(), Some("CVE-2024-0002"));
    assert_eq!(
        e.field.as_deref(),
        Some("containers/cna/descriptions/0/lang")
    );
    assert!(
        s.notes.iter().any(|n| n.contains("cves/deltaLog.json")),
        "{:?}",
        s.notes
    );

    let err = cve5::read_path(dir.path(), &ReadOptions { mode: Mode::Strict }, &mut |_| {
        Ok(())
    })
    .unwrap_err();
    assert!(
        matches!(&err, Error::Record(r) if r.record.as_deref() == Some("CVE-2024-0002")),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// No input panics: mutated real records.

fn real_records() -> &'static Vec<Vec<u8>> {
    static RECORDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        let wanted = [
            "CVE-2019-1069.json",
            "CVE-2023-24405.json",
            "CVE-2019-25161.json",
            "CVE-2023-24015.json",
        ];
        let mut out = Vec::new();
        let path = secfixes_testdata::path(ARCHIVE);
        // Stop the stream once all are found (a sink error ends the walk).
        let walk =
            archive::for_each_member(&path, &|n| wanted.contains(&archive_base(n)), &mut |m| {
                out.push(m.data.to_vec());
                if out.len() == wanted.len() {
                    Err(Error::Sink("found".into()))
                } else {
                    Ok(())
                }
            });
        assert!(matches!(walk, Err(Error::Sink(_))), "{walk:?}");
        assert_eq!(out.len(), wanted.len());
        out
    })
}

fn archive_base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Every JSON value of a document, by pre-order index, replaced.
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

fn replacement() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        ".{0,12}".prop_map(serde_json::Value::from),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!("CVE-2024-1")),
        Just(serde_json::json!("unaffected")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_values_never_panic(which in 0usize..4, at in 0usize..100_000, with in replacement()) {
        let bytes = &real_records()[which];
        let mut doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let mut n = at % count_nodes(&doc);
        replace_nth(&mut doc, &mut n, &with);
        let text = serde_json::to_vec(&doc).unwrap();
        let _ = cve5::parse_record(&text, "prop");
    }

    #[test]
    fn mutated_bytes_never_panic(which in 0usize..4, cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8)) {
        let mut bytes = real_records()[which].clone();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let end = cut.index(bytes.len() + 1);
        let _ = cve5::parse_record(&bytes[..end], "prop");
    }
}
