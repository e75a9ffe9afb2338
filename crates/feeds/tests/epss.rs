//! EPSS reader on the scanner fixtures (vunnel, vulnerablecode) and on
//! constructed edge cases.
#![allow(clippy::unwrap_used)]

use std::io::Write;

use proptest::prelude::*;
use secfixes_feeds::{Error, Item, Mode, ReadOptions, Summary, epss};
use secfixes_model::{Epss, VulnId};

const VUNNEL: &str = "fixtures/anchore+vunnel/tests/unit/providers/epss/test-fixtures";

fn read_path(path: &std::path::Path, mode: Mode) -> Result<(Vec<(VulnId, Epss)>, Summary), Error> {
    let mut out = Vec::new();
    let s = epss::read_path(path, &ReadOptions { mode }, &mut |item| {
        let Item::Epss(id, e) = item else {
            panic!("EPSS yields scores")
        };
        out.push((id, e));
        Ok(())
    })?;
    Ok((out, s))
}

fn read_text(text: &str, mode: Mode) -> Result<(Vec<(VulnId, Epss)>, Summary), Error> {
    let mut out = Vec::new();
    let s = epss::read(
        text.as_bytes(),
        "mem.csv",
        &ReadOptions { mode },
        &mut |item| {
            let Item::Epss(id, e) = item else {
                panic!("EPSS yields scores")
            };
            out.push((id, e));
            Ok(())
        },
    )?;
    Ok((out, s))
}

#[test]
fn vunnel_example() {
    let (rows, s) = read_path(
        &secfixes_testdata::path(&format!("{VUNNEL}/example-1.csv")),
        Mode::Strict,
    )
    .unwrap();
    assert_eq!(rows.len(), 5);
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    // vunnel's own snapshot: cve-1999-0001 → epss 0.00383, percentile
    // 0.73075, date 2025-02-20 (score_date …T00:00:00+0000).
    let (id, e) = &rows[0];
    assert_eq!(id.as_str(), "CVE-1999-0001");
    assert_eq!((e.score, e.percentile), (0.00383, 0.73075));
    assert_eq!(e.date, Some(jiff::civil::date(2025, 2, 20)));
    assert_eq!(e.model_version.as_deref(), Some("v2023.03.01"));
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "CVE-1999-0001",
            "CVE-1999-0002",
            "CVE-1999-0003",
            "CVE-1999-0004",
            "CVE-1999-0005"
        ]
    );
    // And the snapshots of the other four rows.
    for (id, e) in &rows[1..] {
        let snap = secfixes_testdata::path(&format!(
            "{VUNNEL}/snapshots/example-1/{}.json",
            id.as_str().to_ascii_lowercase()
        ));
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(snap).unwrap()).unwrap();
        assert_eq!(doc["item"]["epss"].as_f64(), Some(e.score), "{id}");
        assert_eq!(
            doc["item"]["percentile"].as_f64(),
            Some(e.percentile),
            "{id}"
        );
        assert_eq!(doc["item"]["date"].as_str(), Some("2025-02-20"));
    }
}

#[test]
fn vunnel_invalid_and_missing_date() {
    let err = read_path(
        &secfixes_testdata::path(&format!("{VUNNEL}/invalid-header.csv")),
        Mode::Lenient,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Format { source_name, .. } if source_name.ends_with("invalid-header.csv:2")),
        "{err}"
    );
    assert!(err.to_string().contains("invalid,header,format"), "{err}");

    let (rows, s) = read_path(
        &secfixes_testdata::path(&format!("{VUNNEL}/missing-date.csv")),
        Mode::Strict,
    )
    .unwrap();
    assert_eq!(rows.len(), 5);
    assert!(
        rows.iter()
            .all(|(_, e)| e.date.is_none() && e.model_version.as_deref() == Some("v2023.03.01"))
    );
    assert!(
        s.notes.iter().any(|n| n.contains("no score_date")),
        "{:?}",
        s.notes
    );
}

#[test]
fn vulnerablecode_sample_with_z_date() {
    let path = secfixes_testdata::path(
        "fixtures/aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data/epss/epss_scores-2025-x-x.csv",
    );
    let (rows, _) = read_path(&path, Mode::Strict).unwrap();
    // 29 lines: the comment, the header and 27 rows.
    assert_eq!(rows.len(), 27);
    // vulnerablecode's expected output: CVE-1999-0001 0.01151 / 0.7802,
    // published 2025-12-26T12:55:00+00:00.
    let (id, e) = &rows[0];
    assert_eq!(id.as_str(), "CVE-1999-0001");
    assert_eq!((e.score, e.percentile), (0.01151, 0.7802));
    assert_eq!(e.date, Some(jiff::civil::date(2025, 12, 26)));
    assert_eq!(e.model_version.as_deref(), Some("v2025.03.14"));
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path.with_file_name("epss-expected.json")).unwrap())
            .unwrap();
    let expected = expected.as_array().unwrap();
    assert_eq!(expected.len(), rows.len());
    for ((id, e), x) in rows.iter().zip(expected) {
        assert_eq!(x["advisory_id"].as_str(), Some(id.as_str()));
        let sev = &x["severities"][0];
        assert_eq!(
            sev["value"].as_str().unwrap().parse::<f64>().unwrap(),
            e.score,
            "{id}"
        );
        assert_eq!(
            sev["scoring_elements"]
                .as_str()
                .unwrap()
                .parse::<f64>()
                .unwrap(),
            e.percentile,
            "{id}"
        );
    }
}

#[test]
fn gzip_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("epss_scores-2025-02-20.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"#model_version:v2025.03.14,score_date:2025-02-20T00:00:00Z\r\ncve,epss,percentile\r\nCVE-2024-0001,0.5,0.9\r\n")
        .unwrap();
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    let (rows, _) = read_path(&path, Mode::Strict).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].1.score, rows[0].1.percentile), (0.5, 0.9));
    assert_eq!(rows[0].1.date, Some(jiff::civil::date(2025, 2, 20)));

    let cut = dir.path().join("cut.csv.gz");
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&cut, &whole[..whole.len() - 6]).unwrap();
    let err = read_path(&cut, Mode::Lenient).unwrap_err();
    assert!(err.to_string().contains("cut.csv.gz"), "{err}");
}

#[test]
fn zone_forms_agree() {
    let body = "cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n";
    let mut dates = Vec::new();
    for zone in ["+0000", "Z", "+00:00", ""] {
        let text = format!("#model_version:v1,score_date:2025-02-20T00:00:00{zone}\n{body}");
        let (rows, _) = read_text(&text, Mode::Strict).unwrap();
        dates.push(rows[0].1.date);
    }
    assert!(
        dates
            .iter()
            .all(|d| *d == Some(jiff::civil::date(2025, 2, 20))),
        "{dates:?}"
    );
    // A late time with an offset is the UTC date.
    let text = format!("#model_version:v1,score_date:2025-02-20T23:30:00-0200\n{body}");
    assert_eq!(
        read_text(&text, Mode::Strict).unwrap().0[0].1.date,
        Some(jiff::civil::date(2025, 2, 21))
    );
}

#[test]
fn missing_comment_line_and_column_order() {
    let (rows, s) =
        read_text("percentile,cve,epss\n0.2,CVE-2024-0001,0.1\n", Mode::Strict).unwrap();
    assert_eq!(rows[0].0.as_str(), "CVE-2024-0001");
    assert_eq!((rows[0].1.score, rows[0].1.percentile), (0.1, 0.2));
    assert_eq!(rows[0].1.date, None);
    assert!(
        s.notes.iter().any(|n| n.contains("no #model_version")),
        "{:?}",
        s.notes
    );
}

#[test]
fn bad_rows_name_line_and_column() {
    let text = "#model_version:v1,score_date:2025-02-20\ncve,epss,percentile\n\
                CVE-2024-0001,0.1,0.2\n\
                CVE-2024-0002,abc,0.2\n\
                CVE-2024-0003,0.1,1.5\n\
                GHSA-xxxx,0.1,0.2\n\
                CVE-2024-0005,0.1\n\
                \n\
                CVE-2024-0006,NaN,0.2\n\
                CVE-2024-0007,0.3,0.4\n";
    let (rows, s) = read_text(text, Mode::Lenient).unwrap();
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["CVE-2024-0001", "CVE-2024-0007"]);
    assert_eq!(s.skipped, 5);
    let got: Vec<(&str, Option<&str>, Option<&str>)> = s
        .errors
        .iter()
        .map(|e| {
            (
                e.source_name.as_str(),
                e.record.as_deref(),
                e.field.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("mem.csv:4", Some("CVE-2024-0002"), Some("epss")),
            ("mem.csv:5", Some("CVE-2024-0003"), Some("percentile")),
            ("mem.csv:6", Some("line 6"), Some("cve")),
            ("mem.csv:7", Some("CVE-2024-0005"), None),
            ("mem.csv:9", Some("CVE-2024-0006"), Some("epss")),
        ]
    );
    assert!(
        s.errors[0].to_string().contains("\"abc\" is not a number"),
        "{}",
        s.errors[0]
    );

    let err = read_text(text, Mode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::Record(r) if r.source_name == "mem.csv:4"),
        "{err}"
    );
}

#[test]
fn bad_files() {
    for (text, needle) in [
        ("", "empty file"),
        (
            "#model_version:v1,score_date:2025-02-20\n",
            "no header line",
        ),
        (
            "#model_version:v1,score_date:last tuesday\ncve,epss,percentile\n",
            "score_date",
        ),
        ("cve,epss\nCVE-2024-0001,0.1\n", "invalid header"),
    ] {
        let err = read_text(text, Mode::Lenient).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{text:?}: {err}");
        assert!(err.to_string().contains(needle), "{err}: no {needle:?}");
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(lines in prop::collection::vec("[#a-zA-Z0-9_:,.+\\- ]{0,40}", 0..8)) {
        let text = lines.join("\n");
        let _ = read_text(&text, Mode::Lenient);
        let with_header = format!("#model_version:v1,score_date:2025-01-01\ncve,epss,percentile\n{text}");
        let (rows, s) = read_text(&with_header, Mode::Lenient).unwrap();
        prop_assert_eq!(rows.len() as u64, s.records);
        for (_, e) in rows {
            prop_assert!((0.0..=1.0).contains(&e.score) && (0.0..=1.0).contains(&e.percentile));
        }
    }

    #[test]
    fn valid_rows_round_trip(scores in prop::collection::vec((1u32..100_000, 0.0f64..=1.0, 0.0f64..=1.0), 1..20)) {
        let mut text = String::from("#model_version:v2025.03.14,score_date:2025-03-14T00:00:00+0000\ncve,epss,percentile\n");
        for (n, e, p) in &scores {
            text.push_str(&format!("CVE-2024-{n:05},{e},{p}\n"));
        }
        let (rows, s) = read_text(&text, Mode::Strict).unwrap();
        prop_assert_eq!(s.skipped, 0);
        prop_assert_eq!(rows.len(), scores.len());
        for ((id, got), (n, e, p)) in rows.iter().zip(&scores) {
            prop_assert_eq!(id.as_str(), format!("CVE-2024-{n:05}"));
            prop_assert_eq!((got.score, got.percentile), (*e, *p));
        }
    }
}
