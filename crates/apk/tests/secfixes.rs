//! The `# secfixes:` parser: real APKBUILDs, and properties.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use secfixes_apk::secfixes::{self, Entry, LineKind, SecfixesBlock};

fn edge(rel: &str) -> SecfixesBlock {
    let path = secfixes_testdata::path(&format!("aports/edge-2026-08-22/{rel}/APKBUILD"));
    let file = secfixes::parse_file(&path).unwrap();
    assert_eq!(file.blocks.len(), 1, "{rel}");
    file.blocks.into_iter().next().unwrap()
}

fn entry<'a>(b: &'a SecfixesBlock, version: &str) -> &'a Entry {
    b.entries.iter().find(|e| e.version == version).unwrap()
}

fn ids(e: &Entry, n: usize) -> Vec<&str> {
    e.items[n].ids.iter().map(|i| i.as_str()).collect()
}

#[test]
fn xen() {
    let b = edge("main/xen");
    let zero = &b.entries[0];
    assert_eq!(zero.version, "0");
    assert!(zero.is_not_affected());
    assert_eq!(ids(zero, 0), ["CVE-2020-29568", "XSA-349"]);
    let e = entry(&b, "4.7.1-r5");
    assert_eq!(ids(e, 0), ["XSA-207"]);
    assert_eq!(e.items[0].note, None);
}

#[test]
fn tcpdump_comments_become_notes() {
    let b = edge("main/tcpdump");
    let e = entry(&b, "4.9.3-r0");
    let i = &e.items[0];
    assert_eq!(i.raw, "CVE-2017-16808 # (AoE)");
    assert_eq!(i.yaml_value(), "CVE-2017-16808");
    assert_eq!(i.note.as_deref(), Some("(AoE)"));
    // Keys keep file order, not version order: 4.9.0-r0 before 4.9.1-r0.
    let keys: Vec<&str> = b.entries.iter().map(|e| e.version.as_str()).collect();
    let p0 = keys.iter().position(|k| *k == "4.9.0-r0").unwrap();
    let p1 = keys.iter().position(|k| *k == "4.9.1-r0").unwrap();
    assert!(p0 < p1);
}

#[test]
fn separators_between_ids() {
    let b = edge("community/synapse");
    let item = b
        .items()
        .find(|i| i.raw.starts_with("ELEMENTSEC-2026-1071"))
        .unwrap();
    let got: Vec<&str> = item.ids.iter().map(|i| i.as_str()).collect();
    assert_eq!(got, ["ELEMENTSEC-2026-1071", "GHSA-fp53-rw9v-hcf9"]);
    let b = edge("community/apptainer");
    let item = b.items().find(|i| i.raw.contains(" / ")).unwrap();
    assert_eq!(item.ids.len(), 2);
    assert_eq!(item.note, None);
}

#[test]
fn oddities_are_kept_not_dropped() {
    let b = edge("community/py3-pillow");
    let item = b.items().find(|i| i.raw == "CVE 2025-48379").unwrap();
    assert!(item.ids.is_empty());
    assert_eq!(item.note.as_deref(), Some("CVE 2025-48379"));
    let b = edge("community/cacti");
    assert!(b.entries.iter().any(|e| e.version == "1.2.31-0"));
    let b = edge("main/perl-authen-sasl");
    assert!(b.entries.iter().any(|e| e.version == "2.1900"));
}

#[test]
fn parse_file_reads_package_vars() {
    let path = secfixes_testdata::path("aports/edge-2026-08-22/main/musl/APKBUILD");
    let f = secfixes::parse_file(&path).unwrap();
    assert_eq!(
        f.vars.pkgname.as_ref().unwrap().value.literal(),
        Some("musl")
    );
    assert!(f.vars.full_version().is_some());
    let missing = secfixes::parse_file(std::path::Path::new("/nonexistent/APKBUILD")).unwrap_err();
    assert!(missing.to_string().contains("/nonexistent/APKBUILD"));
}

/// A generated block in abuild's format.
#[derive(Debug, Clone)]
struct Gen {
    entries: Vec<(String, Vec<String>)>,
}

fn arb_block() -> impl Strategy<Value = Gen> {
    let key = prop_oneof![
        "0",
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,2}[a-z]?(_p[0-9])?-r[0-9]{1,2}",
        "[0-9][0-9a-z.~_-]{0,10}"
    ];
    let id = prop_oneof![
        "CVE-(199[9]|20[0-2][0-9])-[0-9]{4,7}",
        "XSA-[0-9]{1,3}",
        "GHSA(-[23456789cfghjmpqrvwx]{4}){3}",
        "[A-Z]{2,6}-[0-9]{1,4}"
    ];
    let item = (
        prop::collection::vec(id, 1..3),
        prop::option::of("\\((AoE|BGP|regression fix)\\)"),
    )
        .prop_map(|(ids, note)| match note {
            Some(n) => format!("{} {n}", ids.join(" ")),
            None => ids.join(" "),
        });
    prop::collection::vec((key, prop::collection::vec(item, 0..4)), 0..5)
        .prop_map(|entries| Gen { entries })
}

fn render(g: &Gen) -> String {
    let mut t = String::from("pkgname=x\n\n# secfixes:\n");
    for (k, items) in &g.entries {
        t.push_str(&format!("#   {k}:\n"));
        for i in items {
            t.push_str(&format!("#     - {i}\n"));
        }
    }
    t.push_str("\nbuild() {\n}\n");
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// abuild-format text parses back to what was written.
    #[test]
    fn rendered_blocks_parse_back(g in arb_block()) {
        let text = render(&g);
        let b = secfixes::parse(&text).unwrap();
        prop_assert_eq!(b.line, 3);
        let got: Vec<(String, Vec<String>)> =
            b.entries.iter().map(|e| (e.version.clone(), e.items.iter().map(|i| i.raw.clone()).collect())).collect();
        prop_assert_eq!(&got, &g.entries);
        for (e, (_, items)) in b.entries.iter().zip(&g.entries) {
            for (i, raw) in e.items.iter().zip(items) {
                let n = raw.split_whitespace().filter(|w| !w.starts_with('(') && !w.ends_with(')')).count();
                prop_assert_eq!(i.ids.len(), n, "{}", raw);
                prop_assert_eq!(i.column, 9);
            }
        }
        prop_assert!(b.lines.iter().all(|l| l.kind != LineKind::Other));
    }

    /// Arbitrary text: no panic; line numbers and kinds are consistent.
    #[test]
    fn never_panics(text in "(# secfixes:|#|#   |#     - |[ -~\t\r\u{e9}\u{2603}]{0,10}|\n){0,60}") {
        let total = text.split('\n').count();
        for b in secfixes::parse_blocks(&text) {
            prop_assert!(b.line >= 1 && b.end_line() <= total);
            prop_assert_eq!(&b.lines[0].kind, &LineKind::Header);
            for w in b.lines.windows(2) {
                prop_assert_eq!(w[0].number + 1, w[1].number);
            }
            for i in b.items() {
                prop_assert!(i.line > b.line && i.line <= b.end_line());
                prop_assert!(i.column >= 1);
            }
        }
        let _ = secfixes::package_vars(&text);
    }
}
