//! NVD 1.1 feeds: every real feed of the corpus, field spot checks, `.meta`
//! checks, and bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use secfixes_feeds::{Error, Item, Mode, ReadOptions, Summary, nvd11};
use secfixes_model::nvd::Operator;
use secfixes_model::{CvssVersion, MetricKind, RecordStatus, Vulnerability};

fn final_dir() -> PathBuf {
    secfixes_testdata::path("nvd/nvd-1.1-yearly/final-2024-01-02")
}

fn read_all(path: &Path, opts: &ReadOptions) -> Result<(Vec<Vulnerability>, Summary), Error> {
    let mut out = Vec::new();
    let summary = nvd11::read_path(path, opts, &mut |item| {
        match item {
            Item::Vulnerability(v) => out.push(*v),
            other => panic!("unexpected item {other:?}"),
        }
        Ok(())
    })?;
    Ok((out, summary))
}

/// Counts without keeping the records (the big feeds).
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    records: u64,
    rejected: u64,
    v3: u64,
    v30: u64,
    v31: u64,
    v2: u64,
    with_configurations: u64,
    cpe_match: u64,
    child_nodes: u64,
}

fn count(path: &Path) -> (Counts, Summary) {
    fn children(n: &secfixes_model::nvd::Node) -> u64 {
        n.children.iter().map(|c| 1 + children(c)).sum()
    }
    let mut c = Counts::default();
    let summary = nvd11::read_path(path, &ReadOptions::default(), &mut |item| {
        let Item::Vulnerability(v) = item else {
            panic!("not a vulnerability")
        };
        c.records += 1;
        c.rejected += u64::from(v.status == RecordStatus::Rejected);
        let has = |ver| v.cvss.iter().any(|m| m.version == ver);
        c.v30 += u64::from(has(CvssVersion::V30));
        c.v31 += u64::from(has(CvssVersion::V31));
        c.v3 += u64::from(has(CvssVersion::V30) || has(CvssVersion::V31));
        c.v2 += u64::from(has(CvssVersion::V2));
        c.with_configurations += u64::from(!v.configurations.is_empty());
        c.cpe_match += v
            .configurations
            .iter()
            .map(|k| k.matches().count() as u64)
            .sum::<u64>();
        c.child_nodes += v
            .configurations
            .iter()
            .flat_map(|k| &k.nodes)
            .map(children)
            .sum::<u64>();
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (c, summary)
}

/// `CVE_data_numberOfCVEs` read from the head of the feed with a plain text
/// search, independently of the reader under test.
fn declared_count(path: &Path) -> u64 {
    let file = std::fs::File::open(path).unwrap();
    let mut head = String::new();
    flate2::read::GzDecoder::new(file)
        .take(4096)
        .read_to_string(&mut head)
        .unwrap();
    let at = head
        .find("\"CVE_data_numberOfCVEs\"")
        .expect("no CVE_data_numberOfCVEs in the head");
    let rest = &head[at + "\"CVE_data_numberOfCVEs\"".len()..];
    let digits: String = rest
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

#[test]
fn every_final_feed_reads_without_errors_and_matches_its_declared_count() {
    let feeds = secfixes_testdata::files_with_suffix(&final_dir(), ".json.gz");
    // 2002–2018, modified, recent (the data README, section (d)).
    assert_eq!(feeds.len(), 19);
    let mut yearly_total = 0;
    for feed in &feeds {
        let mut records = 0u64;
        let summary = nvd11::read_path(feed, &ReadOptions::default(), &mut |_| {
            records += 1;
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{}: {e}", feed.display()));
        let name = feed.display();
        assert_eq!(summary.skipped, 0, "{name}: {:?}", summary.errors.first());
        // The `.meta` sidecar is present and was verified: no note about it.
        assert!(summary.notes.is_empty(), "{name}: {:?}", summary.notes);
        assert_eq!(summary.records, records);
        assert_eq!(records, declared_count(feed), "{name}");
        if !name.to_string().contains("modified") && !name.to_string().contains("recent") {
            yearly_total += records;
        }
    }
    // README: "total 127,065" for the 2002 (1999–2002) … 2018 files.
    assert_eq!(yearly_total, 127_065);
}

#[test]
fn feed_2018_counts() {
    let (c, summary) = count(&final_dir().join("nvdcve-1.1-2018.json.gz"));
    assert_eq!(summary.skipped, 0);
    // The numbers come from the data README (17,344 CVEs, 15,729 with CVSS
    // v3, 110,855 cpe_match entries) and an independent count with Python's
    // json module (the split of v3 into 3.0/3.1, configurations, children).
    assert_eq!(
        c,
        Counts {
            records: 17_344,
            rejected: 0,
            v3: 15_729,
            v30: 13_382,
            v31: 2_347,
            v2: 15_654,
            with_configurations: 15_729,
            cpe_match: 110_855,
            child_nodes: 37_164,
        }
    );
}

#[test]
fn zip_2019_with_rejections_and_no_meta() {
    let path = secfixes_testdata::path(
        "nvd/nvd-1.1-yearly/aakashjethvaa-2020-03-01/nvdcve-1.1-2019.json.zip",
    );
    let (c, summary) = count(&path);
    assert_eq!(summary.skipped, 0);
    assert_eq!((c.records, c.rejected), (14_480, 808));
    assert_eq!((c.v30, c.v31, c.cpe_match), (7_613, 6_034, 116_646));
    assert_eq!(summary.notes.len(), 1, "{:?}", summary.notes);
    assert!(summary.notes[0].contains("no .meta"), "{:?}", summary.notes);
}

#[test]
fn spot_check_cve_2018_12925_v2_v3_and_children() {
    let (all, _) = read_all(
        &final_dir().join("nvdcve-1.1-2018.json.gz"),
        &ReadOptions::default(),
    )
    .unwrap();
    let v = all
        .iter()
        .find(|v| v.id.as_str() == "CVE-2018-12925")
        .unwrap();
    assert_eq!(v.assigner.as_deref(), Some("cve@mitre.org"));
    assert_eq!(v.published.unwrap().to_string(), "2018-06-28T11:29:00Z");
    assert_eq!(v.modified.unwrap().to_string(), "2019-10-03T00:03:00Z");
    assert_eq!(
        v.description(),
        Some("Baseon Lantronix MSS devices do not require a password for TELNET access.")
    );
    assert_eq!(v.cwes, ["CWE-521"]);
    assert_eq!(v.references.len(), 1);
    assert_eq!(
        v.references[0].url,
        "https://www.seebug.org/vuldb/ssvid-97375"
    );
    assert_eq!(v.references[0].source.as_deref(), Some("MISC"));
    assert_eq!(v.references[0].tags, ["Third Party Advisory"]);
    assert_eq!(v.cvss.len(), 2);
    let v3 = &v.cvss[0];
    assert_eq!(
        (
            v3.version,
            v3.base_score,
            v3.vector.as_str(),
            v3.severity.as_deref()
        ),
        (
            CvssVersion::V30,
            Some(9.8),
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            Some("CRITICAL")
        )
    );
    assert_eq!(
        (v3.source.as_deref(), v3.kind),
        (Some("nvd@nist.gov"), Some(MetricKind::Primary))
    );
    let v2 = &v.cvss[1];
    assert_eq!(
        (
            v2.version,
            v2.base_score,
            v2.vector.as_str(),
            v2.severity.as_deref()
        ),
        (
            CvssVersion::V2,
            Some(10.0),
            "AV:N/AC:L/Au:N/C:C/I:C/A:C",
            Some("HIGH")
        )
    );
    // One AND node with two OR children: firmware (vulnerable) on hardware
    // (platform, not vulnerable).
    assert_eq!(v.configurations.len(), 1);
    let top = &v.configurations[0].nodes[0];
    assert_eq!(
        (top.operator, top.cpe_match.len(), top.children.len()),
        (Operator::And, 0, 2)
    );
    let fw = &top.children[0].cpe_match[0];
    assert_eq!(
        (fw.criteria.as_str(), fw.vulnerable),
        ("cpe:2.3:o:lantronix:mss_firmware:-:*:*:*:*:*:*:*", true)
    );
    let hw = &top.children[1].cpe_match[0];
    assert_eq!(
        (hw.criteria.as_str(), hw.vulnerable),
        ("cpe:2.3:h:lantronix:mss:-:*:*:*:*:*:*:*", false)
    );

    // CVE-2018-0734 (OpenSSL): v3.1, every top-level node kept (7), ranges.
    let v = all
        .iter()
        .find(|v| v.id.as_str() == "CVE-2018-0734")
        .unwrap();
    assert_eq!(v.assigner.as_deref(), Some("openssl-security@openssl.org"));
    assert_eq!(
        (v.cvss[0].version, v.cvss[0].base_score),
        (CvssVersion::V31, Some(5.9))
    );
    assert_eq!(
        (v.cvss[1].base_score, v.cvss[1].severity.as_deref()),
        (Some(4.3), Some("MEDIUM"))
    );
    assert_eq!(v.references.len(), 29);
    assert_eq!(v.configurations.len(), 7);
    let openssl = &v.configurations[0].nodes[0].cpe_match;
    assert_eq!(openssl.len(), 3);
    assert_eq!(
        openssl[0].criteria,
        "cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*"
    );
    assert!(!openssl[0].has_range());
    assert_eq!(openssl[1].version_start_including.as_deref(), Some("1.0.2"));
    assert_eq!(openssl[1].version_end_including.as_deref(), Some("1.0.2p"));
    let node_js = &v.configurations[3].nodes[0].cpe_match;
    assert_eq!(node_js[3].version_end_excluding.as_deref(), Some("6.15.0"));
    assert_eq!(v.configurations[4].nodes[0].children.len(), 2);
}

#[test]
fn rejected_record_in_2019() {
    let path = secfixes_testdata::path(
        "nvd/nvd-1.1-yearly/aakashjethvaa-2020-03-01/nvdcve-1.1-2019.json.zip",
    );
    let (all, _) = read_all(&path, &ReadOptions::default()).unwrap();
    let v = all
        .iter()
        .find(|v| v.id.as_str() == "CVE-2019-0034")
        .unwrap();
    assert_eq!(v.status, RecordStatus::Rejected);
    assert!(v.configurations.is_empty() && v.cvss.is_empty() && v.cwes.is_empty());
    // Two English descriptions: both kept.
    let v = all
        .iter()
        .find(|v| v.id.as_str() == "CVE-2019-11291")
        .unwrap();
    assert_eq!(v.descriptions.len(), 2);
}

#[test]
fn osv_dev_plain_json_subset() {
    let path = secfixes_testdata::path(
        "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-1.1-test-data.json",
    );
    let (all, summary) = read_all(&path, &ReadOptions::default()).unwrap();
    // A hand-made subset: 669 items under a header that still says 660.
    assert_eq!((all.len(), summary.skipped), (669, 0));
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("CVE_data_numberOfCVEs says 660, the feed holds 669")),
        "{:?}",
        summary.notes
    );
    let v = all
        .iter()
        .find(|v| v.id.as_str() == "CVE-2022-0090")
        .unwrap();
    assert_eq!(v.assigner.as_deref(), Some("cve@gitlab.com"));
    let scores: Vec<_> = v.cvss.iter().map(|c| (c.version, c.base_score)).collect();
    assert_eq!(
        scores,
        [(CvssVersion::V31, Some(6.5)), (CvssVersion::V2, Some(5.0))]
    );
}

#[test]
fn directory_of_feeds_reads_each_in_order() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "nvdcve-1.1-recent.json.gz",
        "nvdcve-1.1-recent.meta",
        "nvdcve-1.1-2003.json.gz",
        "nvdcve-1.1-2003.meta",
    ] {
        std::fs::copy(final_dir().join(name), dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join("README.md"), "not a feed").unwrap();
    let (all, summary) = read_all(dir.path(), &ReadOptions::default()).unwrap();
    assert_eq!(all.len(), 1553 + 513);
    assert!(summary.notes.is_empty(), "{:?}", summary.notes);
    // nvdcve-1.1-2003 sorts before nvdcve-1.1-recent.
    assert!(
        all[..1553]
            .iter()
            .all(|v| v.id.as_str().starts_with("CVE-2003-"))
    );
    assert!(
        !all[1553..]
            .iter()
            .any(|v| v.id.as_str().starts_with("CVE-2003-"))
    );
}

// ---- .meta ----

fn copy_2003(dir: &Path) -> PathBuf {
    let data = dir.join("nvdcve-1.1-2003.json.gz");
    std::fs::copy(final_dir().join("nvdcve-1.1-2003.json.gz"), &data).unwrap();
    std::fs::copy(
        final_dir().join("nvdcve-1.1-2003.meta"),
        dir.join("nvdcve-1.1-2003.meta"),
    )
    .unwrap();
    data
}

fn gunzip(path: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn meta_checksum_mismatch_fails() {
    let dir = tempfile::tempdir().unwrap();
    let data = copy_2003(dir.path());
    assert_eq!(
        read_all(&data, &ReadOptions::default()).unwrap().0.len(),
        1553
    );

    // Tamper with the data: one letter of a description, same length.
    let mut json = gunzip(&data);
    let at = json.windows(8).position(|w| w == b"overflow").unwrap();
    json[at] = b'O';
    std::fs::write(&data, gzip(&json)).unwrap();
    let err = read_all(&data, &ReadOptions::default()).unwrap_err();
    let Error::Checksum {
        source_name,
        meta,
        expected,
        actual,
    } = &err
    else {
        panic!("{err}")
    };
    assert!(source_name.ends_with("nvdcve-1.1-2003.json.gz"));
    assert!(meta.ends_with("nvdcve-1.1-2003.meta"));
    assert_ne!(expected, actual);
    assert!(err.to_string().contains("sha256"), "{err}");
}

#[test]
fn meta_with_wrong_sha_or_size_fails() {
    let dir = tempfile::tempdir().unwrap();
    let data = copy_2003(dir.path());
    let meta_path = dir.path().join("nvdcve-1.1-2003.meta");
    let meta = std::fs::read_to_string(&meta_path).unwrap();

    let sha_line = meta
        .lines()
        .find(|l| l.starts_with("sha256:"))
        .unwrap()
        .trim_end();
    let last = sha_line.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &sha_line[..sha_line.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    std::fs::write(&meta_path, meta.replace(sha_line, &flipped)).unwrap();
    assert!(matches!(
        read_all(&data, &ReadOptions::default()),
        Err(Error::Checksum { .. })
    ));

    let size_line = meta
        .lines()
        .find(|l| l.starts_with("size:"))
        .unwrap()
        .trim_end();
    std::fs::write(&meta_path, meta.replace(size_line, "size:12")).unwrap();
    let err = read_all(&data, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Format { .. }), "{err}");
    assert!(err.to_string().contains("size:12"), "{err}");

    std::fs::write(&meta_path, "size:12\r\n").unwrap();
    let err = read_all(&data, &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no sha256"), "{err}");

    std::fs::remove_file(&meta_path).unwrap();
    let (all, summary) = read_all(&data, &ReadOptions::default()).unwrap();
    assert_eq!(all.len(), 1553);
    assert!(summary.notes[0].contains("no .meta"), "{:?}", summary.notes);
}

// ---- bad input ----

#[test]
fn truncated_gzip_is_a_format_error() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(final_dir().join("nvdcve-1.1-2003.json.gz")).unwrap();
    let path = dir.path().join("nvdcve-1.1-2003.json.gz");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let mut n = 0;
    let err = nvd11::read_path(&path, &ReadOptions::default(), &mut |_| {
        n += 1;
        Ok(())
    })
    .unwrap_err();
    assert!(matches!(err, Error::Format { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("nvdcve-1.1-2003.json.gz") && msg.contains("gzip"),
        "{msg}"
    );
    assert!(n > 0 && n < 1553, "{n}");
}

#[test]
fn not_json_and_not_a_feed() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("a.json", b"hello", "not valid JSON"),
        ("b.json.gz", &gzip(b"<html>"), "not valid JSON"),
        (
            "c.json",
            br#"{"resultsPerPage": 1, "vulnerabilities": []}"#,
            "no `CVE_Items`",
        ),
        (
            "d.json",
            br#"{"CVE_Items": [{"cve": {"CVE_data_meta": {"ID": "CVE-2020-1"}}}], }"#,
            "line 1 column",
        ),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = nvd11::read_path(&path, &ReadOptions::default(), &mut |_| Ok(())).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(name) && msg.contains(want), "{name}: {msg}");
    }
}

/// The recent feed (513 records) with a few records broken by hand.
fn broken_recent() -> (String, Vec<&'static str>) {
    let json = String::from_utf8(gunzip(&final_dir().join("nvdcve-1.1-recent.json.gz"))).unwrap();
    let ids = ["CVE-2023-47858", "CVE-2023-51102"];
    assert!(
        ids.iter()
            .all(|id| json.contains(&format!("\"ID\" : \"{id}\""))),
        "fixture ids changed"
    );
    // A record without id, and one whose `vulnerable` is a string.
    let json = json.replacen(&format!("\"ID\" : \"{}\"", ids[0]), "\"NOID\" : \"x\"", 1);
    let at = json.find(&format!("\"ID\" : \"{}\"", ids[1])).unwrap();
    let (head, tail) = json.split_at(at);
    let tail = tail.replacen("\"vulnerable\" : true", "\"vulnerable\" : \"yes\"", 1);
    (format!("{head}{tail}"), ids.to_vec())
}

#[test]
fn bad_records_lenient_and_strict() {
    let (json, ids) = broken_recent();
    let mut seen = Vec::new();
    let summary = nvd11::read(
        json.as_bytes(),
        "recent.json",
        &ReadOptions::default(),
        &mut |item| {
            if let Item::Vulnerability(v) = item {
                seen.push(v.id.to_string());
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!((summary.records, summary.skipped), (511, 2));
    assert!(!seen.iter().any(|s| ids.contains(&s.as_str())));
    let e0 = &summary.errors[0];
    assert_eq!(e0.source_name, "recent.json");
    // The 4th record lost its id: it is named by its position.
    assert_eq!(e0.record.as_deref(), Some("#3"), "{e0}");
    assert_eq!(e0.field.as_deref(), Some("cve/CVE_data_meta"));
    assert!(e0.message.contains("missing field `ID`"), "{e0}");
    let e1 = &summary.errors[1];
    assert_eq!(e1.record.as_deref(), Some(ids[1]));
    assert!(
        e1.field.as_deref().unwrap().ends_with("/vulnerable"),
        "{e1}"
    );
    assert!(e1.message.contains("invalid type"), "{e1}");

    let strict = ReadOptions { mode: Mode::Strict };
    let mut n = 0;
    let err = nvd11::read(json.as_bytes(), "recent.json", &strict, &mut |_| {
        n += 1;
        Ok(())
    })
    .unwrap_err();
    assert!(
        matches!(&err, Error::Record(r) if r.field.as_deref() == Some("cve/CVE_data_meta")),
        "{err}"
    );
    assert!(
        err.to_string().starts_with("recent.json: record #"),
        "{err}"
    );
}

#[test]
fn sink_error_stops_the_read() {
    let mut n = 0;
    let err = nvd11::read_path(
        &final_dir().join("nvdcve-1.1-recent.json.gz"),
        &ReadOptions::default(),
        &mut |_| {
            n += 1;
            if n == 10 {
                Err(Error::Sink("store full".into()))
            } else {
                Ok(())
            }
        },
    )
    .unwrap_err();
    assert!(matches!(err, Error::Sink(ref m) if m == "store full"));
    assert_eq!(n, 10);
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// The first records of the recent feed, as a small real feed.
    fn small_feed() -> &'static [u8] {
        static FEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        FEED.get_or_init(|| {
            let json = gunzip(&final_dir().join("nvdcve-1.1-recent.json.gz"));
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let items: Vec<_> = value["CVE_Items"]
                .as_array()
                .unwrap()
                .iter()
                .take(12)
                .cloned()
                .collect();
            serde_json::to_vec(
                &serde_json::json!({"CVE_data_numberOfCVEs": "12", "CVE_Items": items}),
            )
            .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// Mutated bytes never panic the reader; every outcome is a value
        /// or an error.
        #[test]
        fn mutated_feed_never_panics(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
        ) {
            let mut bytes = small_feed().to_vec();
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
            let result = nvd11::read(&bytes[..], "fuzz", &ReadOptions::default(), &mut |_| { n += 1; Ok(()) });
            if let Ok(summary) = result {
                prop_assert_eq!(summary.records, n);
                prop_assert!(summary.records + summary.skipped <= 13);
            }
        }

        /// Cutting the feed anywhere gives an error, never a panic.
        #[test]
        fn truncated_feed_is_an_error(cut in 0usize..1000) {
            let bytes = small_feed();
            let cut = cut * bytes.len() / 1000;
            let result = nvd11::read(&bytes[..cut], "fuzz", &ReadOptions::default(), &mut |_| Ok(()));
            prop_assert!(result.is_err());
        }
    }
}
