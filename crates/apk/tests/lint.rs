//! The lint on small inputs: one test per code, rendering, and no panics.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use secfixes_apk::lint::{Code, Finding, Severity, lint_text};

fn codes(text: &str) -> Vec<(usize, &'static str)> {
    lint_text("APKBUILD", text)
        .iter()
        .map(|f| (f.line, f.code.as_str()))
        .collect()
}

fn block(body: &str) -> String {
    format!("pkgname=x\npkgver=1\npkgrel=0\n\n# secfixes:\n{body}\nbuild() {{\n}}\n")
}

#[test]
fn clean_block_has_no_findings() {
    let t = block(
        "#   1.1-r0:\n#     - CVE-2021-44228\n#     - CVE-2016-6258 XSA-182\n#\n#   0:\n#     - GHSA-h5c8-rqwp-cp95",
    );
    assert_eq!(codes(&t), []);
    assert_eq!(codes("pkgname=x\n"), []);
}

#[test]
fn codes_are_unique() {
    let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n);
}

#[test]
fn tab() {
    // abuild reports tabs only on lines its patterns reject.
    assert_eq!(
        codes(&block("#   1-r0:\n#\t- CVE-2021-44228")),
        [(7, "tab")]
    );
    assert_eq!(codes(&block("#   1-r0:\n#     - CVE-2021-44228\t(x)")), []);
    let f = &lint_text("f", &block("#   1-r0:\n#  \t- CVE-2021-44228"))[0];
    assert_eq!((f.column, f.severity), (Some(4), Severity::Error));
}

#[test]
fn malformed_line_names_the_rule() {
    for (body, needle) in [
        ("#    1-r0:\n#     - CVE-2021-44228", "exactly 3 spaces"),
        ("#   1-r0:\n#     -  CVE-2021-44228", "exactly one space"),
        ("#   1-r0:\n# - CVE-2021-44228", "at least 2 spaces"),
        ("#   1-r0:\n#     - cve-2021-44228", "upper-case id"),
        ("#   1-r0: \n#     - CVE-2021-44228", "nothing may follow"),
        ("#   1-r0:\n# \n#     - CVE-2021-44228", "exactly `#`"),
        (
            "#   1-r0:\n#     - CVE-2021-44228\n# see https://example.org",
            "neither a version key",
        ),
    ] {
        let f = lint_text("f", &block(body));
        let m: Vec<&Finding> = f.iter().filter(|f| f.code == Code::MalformedLine).collect();
        assert_eq!(m.len(), 1, "{body:?}: {f:?}");
        assert!(m[0].message.contains(needle), "{body:?}: {}", m[0].message);
        assert_eq!(m[0].severity, Severity::Error);
    }
}

#[test]
fn header_trailing_text_and_orphans() {
    // nrpe, 3.17-stable.
    let t = "# secfixes: 4.0.0-r0:\n#     - CVE-2020-6581\n";
    assert_eq!(
        codes(t),
        [(1, "header-trailing-text"), (2, "item-outside-version")]
    );
}

#[test]
fn malformed_header() {
    // plantuml, edge 2026-08-22.
    let t = "x=1\n\n# secfixes\n#   1.2023.10:\n#     - CVE-2023-3431\n";
    assert_eq!(codes(t), [(3, "malformed-header")]);
    assert_eq!(
        codes("#secfixes:\n#Secfixes\n#  secfixes: x\n"),
        [
            (1, "malformed-header"),
            (2, "malformed-header"),
            (3, "malformed-header")
        ]
    );
    assert_eq!(codes("# secfixes-tracker is nice\n# secfixesd\n"), []);
}

#[test]
fn multiple_blocks() {
    let t = "# secfixes:\n#   1-r0:\n#     - CVE-2021-0001\n\n# secfixes:\n#   2-r0:\n#     - CVE-2021-0002\n";
    assert_eq!(codes(t), [(5, "multiple-blocks")]);
}

#[test]
fn version_keys() {
    let t = block(
        "#   4.10-1-r1:\n#     - XSA-252\n#   7.53.0:\n#     - CVE-2017-2629\n#   1.2.31-0:\n#     - CVE-2025-0001\n#   0:\n#     - CVE-2025-0002",
    );
    assert_eq!(
        codes(&t),
        [
            (6, "invalid-version-key"),
            (8, "version-without-revision"),
            (10, "invalid-version-key")
        ]
    );
    let f = lint_text("f", &t);
    // The column points at the offending character of the key.
    assert_eq!(f[0].column, Some(9), "{}", f[0]);
    assert!(
        f[0].message.contains("'-' must be followed by 'r'"),
        "{}",
        f[0].message
    );
}

#[test]
fn duplicate_and_empty_keys() {
    let t = block("#   1-r0:\n#     - CVE-2021-0001\n#   2-r0:\n#   1-r0:\n#     - CVE-2021-0002");
    assert_eq!(
        codes(&t),
        [(8, "empty-version"), (9, "duplicate-version-key")]
    );
}

#[test]
fn ids() {
    let t = block(
        "#   1-r0:\n#     - CVE 2025-48379\n#     - CVE-46838\n#     - CVE-2018-128911 XSA-264\n#     - GHSA-xxxx-yyyy-zzzz\n#     - CVE-????-????? XSA-312",
    );
    let f = lint_text("f", &t);
    let got: Vec<(usize, &str)> = f.iter().map(|f| (f.line, f.code.as_str())).collect();
    assert_eq!(
        got,
        [
            (7, "not-an-id"),
            (8, "impossible-id"),
            (10, "impossible-id"),
            (11, "not-an-id")
        ]
    );
    assert!(
        f[0].message.contains("did you mean CVE-2025-48379"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].column, Some(9));
    assert!(f[3].message.contains("placeholder"));
}

#[test]
fn duplicate_ids() {
    let t = block(
        "#   1-r0:\n#     - CVE-2016-9815 XSA-201\n#     - CVE-2016-9816 XSA-201\n#     - CVE-2021-0001\n#     - CVE-2021-0001\n#   2-r0:\n#     - CVE-2016-9815\n#     - CVE-2020-11501 GNUTLS-SA-2020-03-31 CVE-2020-11501",
    );
    let f = lint_text("f", &t);
    let got: Vec<(usize, &str)> = f.iter().map(|f| (f.line, f.code.as_str())).collect();
    // XSA-201 beside two CVEs of one version is fine.
    assert_eq!(
        got,
        [
            (10, "duplicate-id"),
            (12, "duplicate-id"),
            (13, "duplicate-id")
        ]
    );
    assert!(
        f[1].message
            .contains("\"1-r0\" (line 7) and again under \"2-r0\""),
        "{}",
        f[1].message
    );
    assert!(
        f[2].message.contains("twice on this line"),
        "{}",
        f[2].message
    );
}

#[test]
fn unreadable_line() {
    // abuild's key pattern accepts it; YAML would read a nested mapping.
    let t = block("#   1-r0: see: below:\n#     - CVE-2021-0001");
    let got = codes(&t);
    assert!(got.contains(&(6, "unreadable-line")), "{got:?}");
}

#[test]
fn rendering() {
    let f = &lint_text(
        "main/x/APKBUILD",
        &block("#   7.53.0:\n#     - CVE-2017-2629"),
    )[0];
    assert_eq!(
        f.to_string(),
        "main/x/APKBUILD:6: warning[version-without-revision]: version key \"7.53.0\" has no `-rN` revision (did you mean \"7.53.0-r0\"?)"
    );
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["code"], "version-without-revision");
    assert_eq!(json["severity"], "warning");
    assert_eq!(json["line"], 6);
    assert_eq!(json["column"], 5);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text: no panic, findings point at real lines.
    #[test]
    fn never_panics(text in "(# secfixes:|#   |#     - |[ -~\t\r]{0,12}|[0-9.a-z_~-]{0,8}:|CVE-[0-9?]{0,6}|\u{e9}|\n){0,40}") {
        let lines = text.split('\n').count();
        for f in lint_text("f", &text) {
            prop_assert!(f.line >= 1 && f.line <= lines);
            prop_assert_eq!(f.severity, f.code.severity());
        }
    }

    /// Arbitrary unicode too.
    #[test]
    fn never_panics_any(text in "\\PC{0,200}") {
        let _ = lint_text("f", &format!("# secfixes:\n{text}"));
    }
}
