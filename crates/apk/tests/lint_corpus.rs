//! The lint over every APKBUILD of the shared corpus
//! (`/work/shared/data/aports/**`: seven stable branches, edge 2023-02-27,
//! and the complete edge tree of 2026-08-22), with the exact counts.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::Path;

use secfixes_apk::lint::{self, Code, Finding, Severity};
use secfixes_apk::secfixes;

#[derive(Debug, Default)]
struct Stats {
    files: usize,
    files_with_block: usize,
    blocks: usize,
    entries: usize,
    not_affected_keys: usize,
    items: usize,
    ids: usize,
    orphan_items: usize,
    findings: BTreeMap<&'static str, usize>,
    /// Findings of the complete 2026 edge tree alone.
    edge_2026: BTreeMap<&'static str, usize>,
    first: BTreeMap<&'static str, Finding>,
    files_with_errors: usize,
}

fn collect(root: &Path) -> Stats {
    let mut s = Stats::default();
    for path in secfixes_testdata::files_with_suffix(root, "APKBUILD") {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        s.files += 1;
        let blocks = secfixes::parse_blocks(&text);
        if !blocks.is_empty() {
            s.files_with_block += 1;
        }
        for b in &blocks {
            s.blocks += 1;
            s.entries += b.entries.len();
            s.not_affected_keys += b.entries.iter().filter(|e| e.is_not_affected()).count();
            s.orphan_items += b.orphan_items.len();
            for item in b.items() {
                s.items += 1;
                s.ids += item.ids.len();
            }
        }
        let findings = lint::lint_text(&rel, &text);
        if findings.iter().any(|f| f.severity == Severity::Error) {
            s.files_with_errors += 1;
        }
        for f in findings {
            if std::env::var_os("LINT_CORPUS_PRINT").is_some() && f.code != Code::DuplicateId {
                println!("ALL {f}");
            }
            *s.findings.entry(f.code.as_str()).or_default() += 1;
            if rel.starts_with("edge-2026-08-22/") {
                *s.edge_2026.entry(f.code.as_str()).or_default() += 1;
            }
            s.first.entry(f.code.as_str()).or_insert(f);
        }
    }
    s
}

/// Prints the figures (run with `--nocapture` to refresh the numbers below).
fn report(s: &Stats) {
    println!("{s:#?}");
    for f in s.first.values() {
        println!("{f}");
    }
}

#[test]
fn lint_counts_over_every_apkbuild() {
    let root = secfixes_testdata::path("aports");
    let start = std::time::Instant::now();
    let s = collect(&root);
    report(&s);

    assert_eq!(s.files, 16_448);
    assert_eq!(s.files_with_block, 4_552);
    assert_eq!(s.blocks, 4_552);
    assert_eq!(s.entries, 17_073);
    assert_eq!(s.not_affected_keys, 191);
    assert_eq!(s.items, 48_555);
    assert_eq!(s.orphan_items, 15);
    assert_eq!(s.ids, 50_585);
    // collectd ×3 and libssh2 ×3 (3.10–3.12): `#     -  CVE-2019-3855`.
    assert_eq!(s.files_with_errors, 6);

    // The first finding of each code, in path order (`LINT_CORPUS_PRINT=1
    // cargo test -p secfixes-apk --test lint_corpus -- --nocapture` prints
    // them all):
    // - duplicate-id: 3.12-stable/community/intel-ucode/APKBUILD:29
    //   CVE-2020-8698 is listed under "20210216-r0" (line 26) and again
    //   under "20201112-r0"; also xen CVE-2021-28706, recutils CVE-2021-46022
    //   listed twice under 1.9-r0.
    // - duplicate-version-key: 3.13-stable/main/redis/APKBUILD:42 "6.0.13-r0"
    //   (first at line 38); edge-2026-08-22/community/exim "4.98.2-r0".
    // - header-trailing-text: 3.17-stable/main/nrpe/APKBUILD:20
    //   `# secfixes: 4.0.0-r0:`.
    // - impossible-id: rsync `CVE-2017-17434-1`, linux-lts `CVE-46838`.
    // - invalid-version-key: phpmyadmin "4.8.0.-r1", sudo "1.9.5p2-r0",
    //   opensmtpd "6.6.2p1-r0", xen "4.10-1-r1", cacti "1.2.31-0",
    //   quickjs "2021-03-27-r5".
    // - item-outside-version: 3.16-stable/community/firefox/APKBUILD:88..100
    //   (13 items), nrpe (2).
    // - malformed-header: `# secfixes` without the colon in rabbitmq-server
    //   (3.11 testing), plantuml and py3-pdfminer (edge 2026): abuild never
    //   checked these blocks.
    // - malformed-line: 3.10-stable/main/collectd/APKBUILD:36
    //   `#   -  CVE-2016-6254` (two spaces after `-`).
    // - not-an-id: zabbix `CVE N/A ZBX-11023`, xen `CVE-????-????? XSA-312`,
    //   apr `CVE-2021-35940.patch`, py3-pillow `CVE 2025-48379`.
    // - version-without-revision: curl "7.53.0", runc "1.0.0_rc10",
    //   docker "19.03.1", perl-authen-sasl "2.1900".
    // Never seen in the corpus (tested on synthetic input in tests/lint.rs):
    // tab, multiple-blocks, empty-version, unreadable-line.
    let got: Vec<(&str, usize)> = s.findings.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        got,
        [
            ("duplicate-id", 158),
            ("duplicate-version-key", 2),
            ("header-trailing-text", 1),
            ("impossible-id", 6),
            ("invalid-version-key", 31),
            ("item-outside-version", 15),
            ("malformed-header", 3),
            ("malformed-line", 30),
            ("not-an-id", 5),
            ("version-without-revision", 23),
        ]
    );
    let edge: Vec<(&str, usize)> = s.edge_2026.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        edge,
        [
            ("duplicate-id", 75),
            ("duplicate-version-key", 1),
            ("impossible-id", 2),
            ("invalid-version-key", 3),
            ("malformed-header", 2),
            ("not-an-id", 1),
            ("version-without-revision", 2),
        ]
    );
    let firsts: Vec<String> = s
        .first
        .values()
        .map(|f| format!("{}:{}", f.file, f.line))
        .collect();
    assert_eq!(
        firsts,
        [
            "3.12-stable/community/intel-ucode/APKBUILD:29",
            "3.13-stable/main/redis/APKBUILD:42",
            "3.17-stable/main/nrpe/APKBUILD:20",
            "3.10-stable/main/rsync/APKBUILD:24",
            "3.10-stable/community/phpmyadmin/APKBUILD:38",
            "3.16-stable/community/firefox/APKBUILD:88",
            "3.11-stable/testing/rabbitmq-server/APKBUILD:29",
            "3.10-stable/main/collectd/APKBUILD:36",
            "3.11-stable/community/zabbix/APKBUILD:46",
            "3.10-stable/testing/nautilus/APKBUILD:5",
        ]
    );
    assert!(
        start.elapsed().as_secs() < 30,
        "corpus lint took {:?}",
        start.elapsed()
    );
}

#[test]
fn every_code_has_a_fixed_severity_and_the_table_is_complete() {
    let errors: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|c| c.severity() == Severity::Error)
        .collect();
    assert_eq!(errors, [Code::Tab, Code::MalformedLine]);
}
