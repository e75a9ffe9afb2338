//! `secfixes feeds stats`: the binary on real files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn data(rel: &str) -> String {
    secfixes_testdata::path(rel).display().to_string()
}

fn secfixes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secfixes"))
        .args(args)
        .output()
        .unwrap()
}

fn stats_json(paths: &[&str]) -> Vec<Value> {
    let mut args = vec!["feeds", "stats", "--json"];
    args.extend(paths);
    let out = secfixes(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn row<'a>(rows: &'a [Value], path_end: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .unwrap_or_else(|| panic!("no row for {path_end}: {rows:?}"))
}

#[test]
fn nvd_2018_feed_counts() {
    let rows = stats_json(&[&data(
        "nvd/nvd-1.1-yearly/final-2024-01-02/nvdcve-1.1-2018.json.gz",
    )]);
    let r = &rows[0];
    assert_eq!(r["format"], "nvd-1.1");
    // CVE_data_numberOfCVEs is "17344"; the data README gives 15,729 with
    // CVSS v3 and 110,855 cpe_match entries.
    assert_eq!(r["records"], 17_344);
    assert_eq!(r["cvss_v3"], 15_729);
    assert_eq!(
        (r["cvss_v30"].as_u64(), r["cvss_v31"].as_u64()),
        (Some(13_382), Some(2_347))
    );
    assert_eq!(r["cpe_match"], 110_855);
    assert_eq!(r["with_configurations"], 15_729);
    assert_eq!(r["errors"], 0);
    // The .meta sidecar was verified: no note.
    assert_eq!(r["notes"], serde_json::json!([]));
    let total = rows.last().unwrap();
    assert_eq!(
        (total["total"].as_bool(), total["inputs"].as_u64()),
        (Some(true), Some(1))
    );
    assert_eq!(total["records"], 17_344);
}

#[test]
fn zip_2019_rejections_and_a_record_directory() {
    let zip = data("nvd/nvd-1.1-yearly/aakashjethvaa-2020-03-01/nvdcve-1.1-2019.json.zip");
    let dir = data("fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-2.0");
    let rows = stats_json(&[&zip, &dir]);
    let r = row(&rows, "nvdcve-1.1-2019.json.zip");
    assert_eq!(
        (r["records"].as_u64(), r["rejected_or_withdrawn"].as_u64()),
        (Some(14_480), Some(808))
    );
    assert!(r["notes"][0].as_str().unwrap().contains("no .meta"));
    // A directory of per-CVE files is one row.
    let r = row(&rows, "nvdcve-2.0");
    assert_eq!(
        (r["format"].as_str(), r["records"].as_u64()),
        (Some("nvd-2.0"), Some(23))
    );
    assert_eq!(r["kev"], 1, "CVE-2023-4863 carries KEV facts");
    let total = rows.last().unwrap();
    assert_eq!(total["records"], 14_480 + 23);
}

#[test]
fn feed_directory_expands_to_one_row_per_file() {
    let rows = stats_json(&[&data("kev")]);
    let records: Vec<(String, u64)> = rows
        .iter()
        .filter(|r| r["format"].is_string())
        .map(|r| {
            let p = r["path"].as_str().unwrap();
            (
                Path::new(p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                r["records"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        records,
        [
            (
                "known_exploited_vulnerabilities.2025.01.24.commit-2dd57cf.json".to_owned(),
                1252
            ),
            (
                "known_exploited_vulnerabilities.2025.06.10.commit-90597e6.json".to_owned(),
                1364
            ),
            ("known_exploited_vulnerabilities.csv".to_owned(), 1404),
            ("known_exploited_vulnerabilities.json".to_owned(), 1404),
        ]
    );
    let skipped: Vec<&str> = rows.iter().filter_map(|r| r["skipped"].as_str()).collect();
    assert_eq!(skipped.len(), 2, "{rows:?}");
    assert!(
        row(&rows, "README.md")["skipped"]
            .as_str()
            .unwrap()
            .contains("documentation")
    );
    assert!(
        row(&rows, "_schema.json")["skipped"]
            .as_str()
            .unwrap()
            .contains("no known format")
    );
}

#[test]
fn text_table_is_aligned_and_lists_bad_records() {
    let trivy = data("fixtures/aquasecurity+trivy-db/pkg/vulnsrc/nvd/testdata");
    let page =
        data("fixtures/anchore+vunnel/tests/unit/providers/nvd/test-fixtures/full-page.json");
    let out = secfixes(&["feeds", "stats", &trivy, &page]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().take(4).collect();
    assert!(
        lines[0].starts_with("path ")
            && lines[0].contains("records")
            && lines[0].ends_with("errors"),
        "{text}"
    );
    assert!(lines[3].starts_with("total (2 inputs)"), "{text}");
    // Right-aligned numbers: every `records` cell ends where the header does.
    let end = lines[0].find("records").unwrap() + "records".len();
    for line in &lines[1..4] {
        assert!(line.as_bytes()[end - 1].is_ascii_digit(), "{line}");
        assert_eq!(line.as_bytes()[end], b' ', "{line}");
    }
    assert!(
        lines[1].contains("nvd-2.0") && lines[2].contains("nvd-2.0"),
        "{text}"
    );
    assert!(text.contains("1 bad records skipped, the first:"), "{text}");
    assert!(
        text.contains("sad/vuln-list-nvd/api/CVE-2020-0001.json: not valid JSON"),
        "{text}"
    );
}

#[test]
fn strict_mode_and_unreadable_paths_exit_2_naming_the_path() {
    let trivy = data("fixtures/aquasecurity+trivy-db/pkg/vulnsrc/nvd/testdata");
    let out = secfixes(&["feeds", "stats", "--strict", &trivy]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot read {trivy}"))
            && err.contains("sad/vuln-list-nvd/api/CVE-2020-0001.json"),
        "{err}"
    );

    let schema = data("kev/known_exploited_vulnerabilities_schema.json");
    let out = secfixes(&["feeds", "stats", &schema]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&schema) && err.contains("unrecognised input"),
        "{err}"
    );

    let out = secfixes(&["feeds", "stats", "/nonexistent/feed.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/feed.json"));

    let out = secfixes(&["feeds", "stats"]);
    assert_eq!(out.status.code(), Some(2), "clap rejects a missing PATH");
}
