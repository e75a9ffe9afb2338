//! Format detection on real files of every kind, and `read_path` dispatch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use secfixes_feeds::detect::{Detected, Layout, detect_input, read_as};
use secfixes_feeds::{Error, Format, Item, ReadOptions, detect, read_path};

fn data(rel: &str) -> PathBuf {
    secfixes_testdata::path(rel)
}

fn detected(path: &Path) -> (Format, Layout) {
    let Detected { format, layout, .. } =
        detect_input(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (format, layout)
}

fn unknown_reason(path: &Path) -> String {
    match detect(path) {
        Err(Error::UnknownFormat { path: p, reason }) => {
            assert_eq!(p, path);
            reason
        }
        other => panic!("{}: expected UnknownFormat, got {other:?}", path.display()),
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn write_zip(path: &Path, members: &[(&str, &[u8])]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in members {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// The first `n` CVE 5 records of the vulnrichment archive.
fn cve5_records(n: usize) -> Vec<(String, Vec<u8>)> {
    let archive = data("cve5/cisagov-vulnrichment-2024-10-24.tar.gz");
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap());
    let mut tar = tar::Archive::new(gz);
    let mut out = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if name.contains("/CVE-") && name.ends_with(".json") {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            let base = name.rsplit('/').next().unwrap().to_owned();
            out.push((base, bytes));
            if out.len() == n {
                break;
            }
        }
    }
    out
}

#[test]
fn nvd_files() {
    let yearly = "nvd/nvd-1.1-yearly";
    for rel in [
        format!("{yearly}/final-2024-01-02/nvdcve-1.1-2018.json.gz"),
        format!("{yearly}/final-2024-01-02/nvdcve-1.1-modified.json.gz"),
        format!("{yearly}/aakashjethvaa-2020-03-01/nvdcve-1.1-2019.json.zip"),
        format!("{yearly}/history/nvdcve-1.1-2023.as-of-2023-08-26.json.gz"),
        "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-1.1-test-data.json".into(),
    ] {
        assert_eq!(
            detected(&data(&rel)),
            (Format::Nvd11, Layout::File),
            "{rel}"
        );
    }
    for rel in [
        "fixtures/anchore+vunnel/tests/unit/providers/nvd/test-fixtures/full-page.json",
        "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-2.0/CVE-2024-3094.json",
        "fixtures/google+osv.dev/vulnfeeds/conversion/nvd/testdata/test.json",
        "fixtures/aquasecurity+trivy-db/pkg/vulnsrc/nvd/testdata/happy/vuln-list-nvd/api/2024/CVE-2024-0069.json",
        "fixtures/aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data/nvd_v2/rejected_nvd.json",
    ] {
        assert_eq!(detected(&data(rel)), (Format::Nvd20, Layout::File), "{rel}");
    }
    for rel in [
        "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-2.0",
        "fixtures/aquasecurity+trivy-db/pkg/vulnsrc/nvd/testdata",
    ] {
        assert_eq!(
            detected(&data(rel)),
            (Format::Nvd20, Layout::RecordDirectory),
            "{rel}"
        );
    }
    // The NVD corpus directory: feeds, each its own input.
    let d = detect_input(&data("nvd")).unwrap();
    assert_eq!((d.format, d.layout), (Format::Nvd11, Layout::FeedDirectory));
    assert!(
        d.decided_by
            .to_string_lossy()
            .ends_with("aakashjethvaa-2020-03-01/nvdcve-1.1-2019.json.zip")
    );
}

#[test]
fn nvd20_compressed_feeds_and_wrapped_record() {
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read(data(
        "fixtures/anchore+vunnel/tests/unit/providers/nvd/test-fixtures/full-page.json",
    ))
    .unwrap();
    let feeds = dir.path().join("feeds");
    std::fs::create_dir(&feeds).unwrap();
    std::fs::write(feeds.join("nvdcve-2.0-2023.json.gz"), gzip(&page)).unwrap();
    write_zip(
        &feeds.join("nvdcve-2.0-2022.json.zip"),
        &[("nvdcve-2.0-2022.json", &page)],
    );
    assert_eq!(
        detected(&feeds.join("nvdcve-2.0-2023.json.gz")),
        (Format::Nvd20, Layout::File)
    );
    assert_eq!(
        detected(&feeds.join("nvdcve-2.0-2022.json.zip")),
        (Format::Nvd20, Layout::File)
    );
    assert_eq!(detected(&feeds), (Format::Nvd20, Layout::FeedDirectory));
    let (format, summary) = read_path(&feeds, &ReadOptions::default(), &mut |_| Ok(())).unwrap();
    assert_eq!((format, summary.records), (Format::Nvd20, 76));

    let wrapped = dir.path().join("CVE-2024-3094.json");
    let v: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data(
            "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-2.0/CVE-2024-3094.json",
        ))
        .unwrap(),
    )
    .unwrap();
    std::fs::write(
        &wrapped,
        serde_json::to_vec(&v["vulnerabilities"][0]).unwrap(),
    )
    .unwrap();
    assert_eq!(detected(&wrapped), (Format::Nvd20, Layout::File));
    let (_, summary) = read_path(&wrapped, &ReadOptions::default(), &mut |_| Ok(())).unwrap();
    assert_eq!(summary.records, 1);
}

#[test]
fn cve5_archive_record_tree_and_zip() {
    let archive = data("cve5/cisagov-vulnrichment-2024-10-24.tar.gz");
    assert_eq!(detected(&archive), (Format::Cve5, Layout::Archive));
    assert_eq!(
        detected(&data("cve5")),
        (Format::Cve5, Layout::FeedDirectory)
    );

    let dir = tempfile::tempdir().unwrap();
    let records = cve5_records(3);
    let tree = dir.path().join("tree/2024/0xxx");
    std::fs::create_dir_all(&tree).unwrap();
    for (name, bytes) in &records {
        std::fs::write(tree.join(name), bytes).unwrap();
    }
    assert_eq!(
        detected(&tree.join(&records[0].0)),
        (Format::Cve5, Layout::File)
    );
    assert_eq!(
        detected(&dir.path().join("tree")),
        (Format::Cve5, Layout::RecordDirectory)
    );

    let zip = dir.path().join("cves.zip");
    let members: Vec<(&str, &[u8])> = records
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    write_zip(&zip, &members);
    assert_eq!(detected(&zip), (Format::Cve5, Layout::Archive));

    let (format, summary) = read_path(
        &dir.path().join("tree"),
        &ReadOptions::default(),
        &mut |_| Ok(()),
    )
    .unwrap();
    assert_eq!((format, summary.records), (Format::Cve5, 3));
}

#[test]
fn osv_kev_epss_wolfi() {
    let chainguard =
        "fixtures/anchore+vunnel/tests/unit/providers/chainguard/test-fixtures/input/osv";
    assert_eq!(
        detected(&data(&format!("{chainguard}/CGA-xcpc-gm23-prj9.json"))),
        (Format::Osv, Layout::File)
    );
    assert_eq!(
        detected(&data(chainguard)),
        (Format::Osv, Layout::RecordDirectory)
    );
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("all.zip");
    let a = std::fs::read(data(&format!("{chainguard}/CGA-xcpc-gm23-prj9.json"))).unwrap();
    let b = std::fs::read(data(&format!("{chainguard}/CGA-224q-ccj5-2p53.json"))).unwrap();
    write_zip(
        &zip,
        &[
            ("CGA-xcpc-gm23-prj9.json", &a),
            ("CGA-224q-ccj5-2p53.json", &b),
        ],
    );
    assert_eq!(detected(&zip), (Format::Osv, Layout::Archive));

    for rel in [
        "kev/known_exploited_vulnerabilities.json",
        "kev/known_exploited_vulnerabilities.csv",
        "kev/history/known_exploited_vulnerabilities.2025.01.24.commit-2dd57cf.json",
        "fixtures/aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data/kev_data.json",
        "fixtures/anchore+vunnel/tests/unit/providers/kev/test-fixtures/valid-catalog-1.json",
    ] {
        assert_eq!(detected(&data(rel)), (Format::Kev, Layout::File), "{rel}");
    }
    assert_eq!(detected(&data("kev")), (Format::Kev, Layout::FeedDirectory));

    let epss =
        data("fixtures/anchore+vunnel/tests/unit/providers/epss/test-fixtures/example-1.csv");
    assert_eq!(detected(&epss), (Format::Epss, Layout::File));
    assert_eq!(
        detected(&data(
            "fixtures/aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data/epss/epss_scores-2025-x-x.csv"
        )),
        (Format::Epss, Layout::File)
    );
    let gz = dir.path().join("epss_scores-current.csv.gz");
    std::fs::write(&gz, gzip(&std::fs::read(&epss).unwrap())).unwrap();
    assert_eq!(detected(&gz), (Format::Epss, Layout::File));

    let wolfi = data("wolfi/advisories-2026-01-07");
    assert_eq!(
        detected(&wolfi.join("age.advisories.yaml")),
        (Format::WolfiAdvisories, Layout::File)
    );
    assert_eq!(
        detected(&wolfi),
        (Format::WolfiAdvisories, Layout::RecordDirectory)
    );
    assert_eq!(
        detected(&data("wolfi")),
        (Format::WolfiAdvisories, Layout::RecordDirectory)
    );
}

#[test]
fn unknown_inputs_say_what_was_looked_at() {
    let r = unknown_reason(&data("kev/known_exploited_vulnerabilities_schema.json"));
    assert!(
        r.contains("JSON object whose keys") && r.contains("$schema"),
        "{r}"
    );
    let r = unknown_reason(&data("kev/README.md"));
    assert!(r.contains("text starting"), "{r}");
    let r = unknown_reason(&data(
        "fixtures/anchore+vunnel/tests/unit/providers/chainguard/test-fixtures/input/osv/all.json",
    ));
    assert!(r.contains("array"), "{r}");
    let r = unknown_reason(&data(
        "fixtures/aquasecurity+trivy-db/pkg/vulnsrc/nvd/testdata/sad/vuln-list-nvd/api/CVE-2020-0001.json",
    ));
    assert!(r.contains("not valid JSON"), "{r}");

    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    assert!(unknown_reason(&empty).contains("empty"));
    let bad_gz = dir.path().join("x.json.gz");
    std::fs::write(&bad_gz, &gzip(b"{\"CVE_Items\": []}")[..10]).unwrap();
    let r = unknown_reason(&bad_gz);
    assert!(r.starts_with("gzip"), "{r}");

    let xz = dir.path().join("CVE-2024.json.xz");
    std::fs::write(&xz, b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46").unwrap();
    assert!(unknown_reason(&xz).contains("xz-compressed"));

    // A tar of NVD feeds: recognised, but not readable as an archive.
    let tar_path = dir.path().join("feeds.tar.gz");
    {
        let mut builder = tar::Builder::new(Vec::new());
        let feed = br#"{"CVE_data_type": "CVE", "CVE_Items": []}"#;
        let mut header = tar::Header::new_gnu();
        header.set_size(feed.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, "nvdcve-1.1-2002.json", &feed[..])
            .unwrap();
        std::fs::write(&tar_path, gzip(&builder.into_inner().unwrap())).unwrap();
    }
    let r = unknown_reason(&tar_path);
    assert!(r.contains("nvd-1.1") && r.contains("unpack"), "{r}");

    let only_docs = dir.path().join("docs");
    std::fs::create_dir(&only_docs).unwrap();
    std::fs::write(only_docs.join("README.md"), "# hi").unwrap();
    assert!(unknown_reason(&only_docs).contains("no data files"));
    std::fs::write(only_docs.join("notes.json"), "{\"a\": 1}").unwrap();
    let r = unknown_reason(&only_docs);
    assert!(r.contains("notes.json") && r.contains("keys (a)"), "{r}");

    assert!(matches!(
        detect(&dir.path().join("missing")),
        Err(Error::Io { .. })
    ));
}

#[test]
fn feed_directory_reads_files_of_its_format_and_notes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let final_dir = data("nvd/nvd-1.1-yearly/final-2024-01-02");
    for name in [
        "nvdcve-1.1-recent.json.gz",
        "nvdcve-1.1-recent.meta",
        "nvdcve-1.1-2003.json.gz",
        "nvdcve-1.1-2003.meta",
        "nvdcve-1.1-2019.meta",
    ] {
        std::fs::copy(final_dir.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::copy(
        data("kev/known_exploited_vulnerabilities.json"),
        dir.path().join("zz-kev.json"),
    )
    .unwrap();
    std::fs::write(dir.path().join("README.md"), "docs").unwrap();
    std::fs::write(dir.path().join("odd.json"), "{\"x\": 1}").unwrap();
    let mut ids = Vec::new();
    let (format, summary) = read_path(dir.path(), &ReadOptions::default(), &mut |item| {
        if let Item::Vulnerability(v) = item {
            ids.push(v.id.to_string());
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(format, Format::Nvd11);
    assert_eq!((summary.records, summary.skipped), (1553 + 513, 0));
    assert_eq!(ids.len(), 2066);
    let notes = summary.notes.join("\n");
    assert!(
        notes.contains("zz-kev.json: skipped, kev is not nvd-1.1"),
        "{notes}"
    );
    assert!(notes.contains("odd.json: skipped"), "{notes}");
    assert!(!notes.contains("README"), "{notes}");

    // read_as goes straight to a reader.
    let s = read_as(
        Format::Kev,
        &dir.path().join("zz-kev.json"),
        &ReadOptions::default(),
        &mut |_| Ok(()),
    )
    .unwrap();
    assert_eq!(s.records, 1404);
}
