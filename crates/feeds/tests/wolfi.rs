//! Wolfi advisories reader on the whole wolfi-dev/advisories tree (1,616
//! files, 30,030 advisories, 50,996 events) and on constructed bad files.
//!
//! Per-type event counts: the data README. Counts the README does not give
//! (false-positive reasons, detection kinds, alias kinds) come from an
//! independent count with PyYAML's `BaseLoader`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use secfixes_feeds::{Error, Item, Mode, ReadOptions, wolfi};
use secfixes_model::advisory::AdvisoryEventKind;
use secfixes_model::id::IdKind;
use secfixes_model::{SourceKind, Vulnerability};

const TREE: &str = "wolfi/advisories-2026-01-07";

fn event_name(kind: &AdvisoryEventKind) -> String {
    match kind {
        AdvisoryEventKind::Detection { .. } => "detection".into(),
        AdvisoryEventKind::TruePositiveDetermination { .. } => "true-positive-determination".into(),
        AdvisoryEventKind::FalsePositiveDetermination { .. } => {
            "false-positive-determination".into()
        }
        AdvisoryEventKind::Fixed { .. } => "fixed".into(),
        AdvisoryEventKind::PendingUpstreamFix { .. } => "pending-upstream-fix".into(),
        AdvisoryEventKind::FixNotPlanned { .. } => "fix-not-planned".into(),
        AdvisoryEventKind::AnalysisNotPlanned { .. } => "analysis-not-planned".into(),
        AdvisoryEventKind::Other { name } => format!("other:{name}"),
    }
}

#[test]
fn whole_advisories_tree() {
    let mut events: BTreeMap<String, u64> = BTreeMap::new();
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut detections: BTreeMap<String, u64> = BTreeMap::new();
    let mut aliases: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut packages = std::collections::BTreeSet::new();
    let mut keep: BTreeMap<String, Vulnerability> = BTreeMap::new();
    let mut count = 0u64;
    let summary = wolfi::read_path(
        &secfixes_testdata::path(TREE),
        &ReadOptions { mode: Mode::Strict },
        &mut |item| {
            let Item::Vulnerability(v) = item else {
                panic!("advisories are vulnerabilities")
            };
            count += 1;
            assert_eq!(v.source, SourceKind::Advisory);
            assert!(v.id.as_str().starts_with("CGA-"), "{}", v.id);
            for a in &v.aliases {
                *aliases
                    .entry(match a.kind() {
                        IdKind::Cve => "CVE",
                        IdKind::Ghsa => "GHSA",
                        _ => "other",
                    })
                    .or_default() += 1;
            }
            let adv = v.advisory.as_ref().unwrap();
            assert_eq!(adv.distro, "wolfi");
            packages.insert(adv.package.clone());
            for e in &adv.events {
                assert!(e.timestamp.is_some());
                *events.entry(event_name(&e.kind)).or_default() += 1;
                match &e.kind {
                    AdvisoryEventKind::FalsePositiveDetermination { reason, .. } => {
                        *reasons
                            .entry(reason.clone().unwrap_or_default())
                            .or_default() += 1;
                    }
                    AdvisoryEventKind::Detection { detail } => {
                        let d = detail.as_deref().unwrap_or("");
                        *detections
                            .entry(d.split(':').next().unwrap_or("").to_owned())
                            .or_default() += 1;
                    }
                    _ => {}
                }
            }
            if [
                "CGA-49g3-q5cv-7m6g",
                "CGA-573p-mg38-75fh",
                "CGA-58j2-jj4p-m5w6",
                "CGA-2c9v-p5v5-6ff2",
            ]
            .contains(&v.id.as_str())
            {
                keep.insert(v.id.to_string(), *v);
            }
            Ok(())
        },
    )
    .unwrap();

    assert_eq!(
        (summary.records, summary.skipped),
        (30_030, 0),
        "{:?}",
        summary.errors.first()
    );
    assert_eq!(count, 30_030);
    assert_eq!(packages.len(), 1_616);
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n == "1616 advisories file(s) read"),
        "{:?}",
        summary.notes
    );
    assert!(
        summary
            .notes
            .iter()
            .any(|n| n.contains("skipped 9 member(s)") && n.contains("docs/event_types.md"))
    );
    // README: detection 22,601, fixed 22,343, false-positive-determination
    // 2,850, pending-upstream-fix 1,549, fix-not-planned 963,
    // true-positive-determination 690; 50,996 in all.
    let expected: BTreeMap<String, u64> = [
        ("detection", 22_601),
        ("fixed", 22_343),
        ("false-positive-determination", 2_850),
        ("pending-upstream-fix", 1_549),
        ("fix-not-planned", 963),
        ("true-positive-determination", 690),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(events, expected);
    assert_eq!(events.values().sum::<u64>(), 50_996);
    // Independent count (PyYAML).
    let reasons_expected: BTreeMap<String, u64> = [
        ("vulnerable-code-not-included-in-package", 1_462),
        ("vulnerable-code-version-not-used", 546),
        ("component-vulnerability-mismatch", 542),
        ("vulnerability-record-analysis-contested", 123),
        ("vulnerable-code-not-in-execution-path", 80),
        ("vulnerable-code-cannot-be-controlled-by-adversary", 77),
        ("inline-mitigations-exist", 20),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(reasons, reasons_expected);
    let detections_expected: BTreeMap<String, u64> =
        [("scan/v1", 22_508), ("manual", 55), ("nvdapi", 38)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    assert_eq!(detections, detections_expected);
    assert_eq!(aliases, BTreeMap::from([("CVE", 29_007), ("GHSA", 28_865)]));

    spot_checks(&keep);
}

fn spot_checks(keep: &BTreeMap<String, Vulnerability>) {
    let fixed = &keep["CGA-49g3-q5cv-7m6g"];
    let ids: Vec<&str> = fixed.aliases.iter().map(|a| a.as_str()).collect();
    assert_eq!(ids, ["CVE-2023-4527", "GHSA-hmf7-f8gf-8f4p"]);
    let adv = fixed.advisory.as_ref().unwrap();
    assert_eq!(adv.package, "glibc");
    assert_eq!(adv.events.len(), 1);
    assert_eq!(
        adv.events[0].timestamp.unwrap().to_string(),
        "2023-09-22T14:14:01Z"
    );
    assert_eq!(
        adv.events[0].kind,
        AdvisoryEventKind::Fixed {
            fixed_version: "2.38-r2".into()
        }
    );
    assert_eq!(fixed.published, fixed.modified);

    let fp = &keep["CGA-573p-mg38-75fh"].advisory.as_ref().unwrap().events[0].kind;
    assert_eq!(
        *fp,
        AdvisoryEventKind::FalsePositiveDetermination {
            reason: Some("vulnerability-record-analysis-contested".into()),
            note: Some(
                "The CVE itself is disputed and should not be considered a security vulnerability."
                    .into()
            ),
        }
    );

    let two = &keep["CGA-58j2-jj4p-m5w6"];
    let events = &two.advisory.as_ref().unwrap().events;
    assert_eq!(
        events[0].kind,
        AdvisoryEventKind::Detection {
            detail: Some(
                "scan/v1: subpackageName=glibc, componentID=318a4397b571b4e4, componentName=glibc, \
                 componentVersion=2.41-r4, componentType=apk, componentLocation=/.PKGINFO, scanner=grype"
                    .into()
            )
        }
    );
    assert!(
        matches!(&events[1].kind, AdvisoryEventKind::FalsePositiveDetermination { reason: Some(r), .. } if r == "vulnerable-code-not-included-in-package")
    );
    assert_eq!(two.published.unwrap().to_string(), "2025-06-10T11:11:23Z");
    assert_eq!(two.modified.unwrap().to_string(), "2025-06-10T18:38:37Z");

    let nvd = &keep["CGA-2c9v-p5v5-6ff2"].advisory.as_ref().unwrap();
    assert_eq!(nvd.package, "croc");
    assert_eq!(
        nvd.events[0].kind,
        AdvisoryEventKind::Detection {
            detail: Some(
                "nvdapi: cpeSearched=cpe:2.3:a:*:croc:*:*:*:*:*:*:*:*, cpeFound=cpe:2.3:a:schollz:croc:*:*:*:*:*:*:*:*"
                    .into()
            )
        }
    );
}

const FILE: &str = "schema-version: 2.0.2

package:
  name: demo

advisories:
  - id: CGA-aaaa-bbbb-cccc
    aliases:
      - CVE-2024-0001
    events:
      - timestamp: 2024-01-01T00:00:00Z
        type: detection
        data:
          type: manual
      - timestamp: 2024-01-03T00:00:00Z
        type: analysis-not-planned
        data:
          note: out of scope
      - timestamp: 2024-01-02T00:00:00Z
        type: something-new
        data:
          anything: 1

  - id: CGA-dddd-eeee-ffff
    aliases: [GHSA-xxxx-yyyy-zzzz]
    events:
      - timestamp: 2024-02-01T00:00:00Z
        type: true-positive-determination
      - timestamp: 2024-02-02T00:00:00Z
        type: pending-upstream-fix
        data:
          note: waiting
      - timestamp: 2024-02-03T00:00:00Z
        type: fix-not-planned
        data:
          note: eol
      - timestamp: 2024-02-04T00:00:00Z
        type: fixed
        data:
          fixed-version: 1.2.3-r0
";

#[test]
fn every_event_type() {
    let v = wolfi::parse_file(FILE.as_bytes(), "demo.advisories.yaml").unwrap();
    assert_eq!(v.len(), 2);
    let a = v[0].advisory.as_ref().unwrap();
    assert_eq!(
        a.events[0].kind,
        AdvisoryEventKind::Detection {
            detail: Some("manual".into())
        }
    );
    assert_eq!(
        a.events[1].kind,
        AdvisoryEventKind::AnalysisNotPlanned {
            note: Some("out of scope".into())
        }
    );
    assert_eq!(
        a.events[2].kind,
        AdvisoryEventKind::Other {
            name: "something-new".into()
        }
    );
    // Events stay in file order; published/modified are the extremes.
    assert_eq!(v[0].published.unwrap().to_string(), "2024-01-01T00:00:00Z");
    assert_eq!(v[0].modified.unwrap().to_string(), "2024-01-03T00:00:00Z");
    let b = v[1].advisory.as_ref().unwrap();
    assert_eq!(v[1].aliases[0].as_str(), "GHSA-xxxx-yyyy-zzzz");
    assert_eq!(
        b.events.iter().map(|e| e.kind.clone()).collect::<Vec<_>>(),
        [
            AdvisoryEventKind::TruePositiveDetermination { note: None },
            AdvisoryEventKind::PendingUpstreamFix {
                note: Some("waiting".into())
            },
            AdvisoryEventKind::FixNotPlanned {
                note: Some("eol".into())
            },
            AdvisoryEventKind::Fixed {
                fixed_version: "1.2.3-r0".into()
            },
        ]
    );
}

fn read_dir_with(
    files: &[(&str, &str)],
    mode: Mode,
) -> Result<(Vec<Vulnerability>, secfixes_feeds::Summary), Error> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut out = Vec::new();
    let s = wolfi::read_path(dir.path(), &ReadOptions { mode }, &mut |item| {
        if let Item::Vulnerability(v) = item {
            out.push(*v);
        }
        Ok(())
    })?;
    Ok((out, s))
}

#[test]
fn bad_advisories_and_files() {
    let no_version = FILE.replace(
        "          fixed-version: 1.2.3-r0\n",
        "          fixed-versio: 1.2.3-r0\n",
    );
    let bad_time = FILE.replace("2024-01-03T00:00:00Z", "tomorrow");
    let files = [
        ("a.advisories.yaml", no_version.as_str()),
        ("b.advisories.yaml", bad_time.as_str()),
        ("c.advisories.yaml", "package: [not, a, map"),
        (
            "d.advisories.yaml",
            "schema-version: 1\npackage:\n  name: d\nadvisories: []\n",
        ),
        ("README.md", "hello"),
    ];
    let (vulns, s) = read_dir_with(&files, Mode::Lenient).unwrap();
    // a: the second advisory is bad; b: the first; c, d: the whole file.
    assert_eq!(vulns.len(), 2);
    assert_eq!(s.skipped, 4);
    let e: Vec<(String, Option<&str>, Option<&str>)> = s
        .errors
        .iter()
        .map(|e| {
            (
                e.source_name.rsplit('/').next().unwrap().to_owned(),
                e.record.as_deref(),
                e.field.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        e[0],
        (
            "a.advisories.yaml".into(),
            Some("CGA-dddd-eeee-ffff"),
            Some("advisories/1/events/3/data/fixed-version")
        )
    );
    assert_eq!(
        e[1],
        (
            "b.advisories.yaml".into(),
            Some("CGA-aaaa-bbbb-cccc"),
            Some("advisories/0/events/1/timestamp")
        )
    );
    assert_eq!(e[2].0, "c.advisories.yaml");
    assert_eq!(
        e[3],
        ("d.advisories.yaml".into(), None, Some("schema-version"))
    );
    assert!(s.errors[1].message.contains("tomorrow"));
    // The file-name check: a.advisories.yaml holds package demo.
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("warning: ") && n.contains("package \"a\"")),
        "{:?}",
        s.notes
    );

    let err = read_dir_with(&files, Mode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::Record(r) if r.field.as_deref() == Some("package/name")),
        "{err}"
    );
}

#[test]
fn warnings_are_errors_when_strict() {
    let dup = FILE.replace("CGA-dddd-eeee-ffff", "CGA-aaaa-bbbb-cccc");
    let no_ts = FILE.replace(
        "      - timestamp: 2024-02-01T00:00:00Z\n        type: true",
        "      - type: true",
    );
    for (text, field) in [
        (dup.as_str(), "advisories/1/id"),
        (no_ts.as_str(), "advisories/1/events/0/timestamp"),
    ] {
        let err = wolfi::parse_file(text.as_bytes(), "demo.advisories.yaml").unwrap_err();
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        let (vulns, s) = read_dir_with(&[("demo.advisories.yaml", text)], Mode::Lenient).unwrap();
        assert_eq!(vulns.len(), 2);
        assert!(s.notes.iter().any(|n| n.contains(field)), "{:?}", s.notes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_files_never_panic(cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![b' ', b'\n', b':', b'-', b'[', b'{', b'"', b'x', b'0', b'\t'])), 0..6)) {
        let mut bytes = FILE.as_bytes().to_vec();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let end = cut.index(bytes.len() + 1);
        let _ = wolfi::parse_file(&bytes[..end], "prop.advisories.yaml");
    }
}
