//! secdb read/write on the real files of the shared corpus.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use proptest::prelude::*;
use secfixes_apk::secdb::{Counts, FixedIn, JsonStyle, Secdb, SecdbPackage, SecfixEntry};

fn read(rel: &str) -> String {
    std::fs::read_to_string(secfixes_testdata::path(rel)).unwrap()
}

fn derived_files() -> Vec<std::path::PathBuf> {
    let dir = secfixes_testdata::path("secdb/derived-from-aports");
    secfixes_testdata::files_with_suffix(&dir, ".json")
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n == "main.json" || n == "community.json"
        })
        .collect()
}

#[test]
fn every_derived_file_round_trips_byte_for_byte() {
    let summary: serde_json::Value =
        serde_json::from_str(&read("secdb/derived-from-aports/summary.json")).unwrap();
    let files = derived_files();
    assert_eq!(files.len(), 18);
    let root = secfixes_testdata::path("secdb/derived-from-aports");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = Secdb::from_json_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            doc.to_json() == text,
            "{}: not byte-identical",
            path.display()
        );
        let key = path
            .strip_prefix(&root)
            .unwrap()
            .with_extension("")
            .display()
            .to_string();
        let s = &summary[&key];
        let c = doc.counts();
        assert_eq!(
            (c.packages as u64, c.fixed_versions as u64, c.entries as u64),
            (
                s["packages"].as_u64().unwrap(),
                s["fixed_versions"].as_u64().unwrap(),
                s["ids"].as_u64().unwrap()
            ),
            "{key}"
        );
        assert_eq!(
            doc.distroversion.as_deref(),
            s["distroversion"].as_str(),
            "{key}"
        );
        // The YAML writer reads back as the same model (keys such as "0"
        // and "2.1900" included).
        assert_eq!(
            Secdb::from_yaml_str(&doc.to_yaml()).unwrap(),
            doc,
            "{key}: YAML round trip"
        );
    }
}

/// Packages / fixed versions / entry strings per official 2020 file, from
/// the data README, section (b).
const OFFICIAL: &[(&str, Counts)] = &[
    ("v3.3/main", c(91, 159, 461)),
    ("v3.3/community", c(0, 0, 0)),
    ("v3.4/main", c(117, 258, 672)),
    ("v3.4/community", c(2, 2, 14)),
    ("v3.5/main", c(131, 316, 826)),
    ("v3.5/community", c(20, 25, 102)),
    ("v3.6/main", c(134, 346, 898)),
    ("v3.6/community", c(31, 58, 219)),
    ("v3.7/main", c(163, 425, 1078)),
    ("v3.7/community", c(37, 97, 411)),
    ("v3.8/main", c(164, 442, 1139)),
    ("v3.8/community", c(44, 125, 485)),
    ("v3.9/main", c(161, 447, 1121)),
    ("v3.9/community", c(58, 161, 601)),
    ("v3.10/main", c(166, 460, 1182)),
    ("v3.10/community", c(73, 203, 720)),
    ("v3.11/main", c(175, 502, 1204)),
    ("v3.11/community", c(85, 239, 895)),
];

const fn c(packages: usize, fixed_versions: usize, entries: usize) -> Counts {
    Counts {
        packages,
        fixed_versions,
        entries,
    }
}

#[test]
fn every_official_yaml_file_reads_and_survives_json() {
    let mut multi_token = 0;
    for (name, counts) in OFFICIAL {
        let rel = format!("secdb/alpine-secdb-yaml-2020-06-08/{name}.yaml");
        let doc = Secdb::from_yaml_str(&read(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(doc.counts(), *counts, "{rel}");
        let (branch, repo) = name.split_once('/').unwrap();
        assert_eq!(doc.distroversion.as_deref(), Some(branch));
        assert_eq!(doc.reponame, repo);
        assert_eq!(doc.urlprefix, "http://dl-cdn.alpinelinux.org/alpine");
        // read → write JSON → read: the same model, in both styles.
        for style in [JsonStyle::Pretty, JsonStyle::Compact] {
            let back = Secdb::from_json_str(&doc.to_json_styled(style)).unwrap();
            assert_eq!(back, doc, "{rel} {style:?}");
        }
        assert_eq!(Secdb::from_yaml_str(&doc.to_yaml()).unwrap(), doc, "{rel}");
        multi_token += doc
            .packages
            .iter()
            .flat_map(|p| &p.secfixes)
            .flat_map(|e| &e.fixes)
            .filter(|s| s.split_whitespace().count() > 1)
            .count();
    }
    // "885 entries hold more than one token" (data README).
    assert_eq!(multi_token, 885);
}

#[test]
fn official_yaml_details() {
    let doc =
        Secdb::from_yaml_str(&read("secdb/alpine-secdb-yaml-2020-06-08/v3.11/main.yaml")).unwrap();
    // Keys without revision stay as written.
    let curl = doc.package("curl").unwrap();
    assert!(curl.secfixes.iter().any(|e| e.version == "7.53.0"));
    // tcpdump's notes were written without `#` in 2020: the id is split
    // from the note.
    let tcpdump = doc.package("tcpdump").unwrap();
    let rec = tcpdump
        .fixes()
        .find(|r| r.entry == "CVE-2017-16808 (AoE)")
        .unwrap();
    assert_eq!(rec.ids[0].as_str(), "CVE-2017-16808");
    assert_eq!(rec.note.as_deref(), Some("(AoE)"));
    // heimdal 7.4.0-r0 in v3.6 has a key with no list (YAML null).
    let v36 =
        Secdb::from_yaml_str(&read("secdb/alpine-secdb-yaml-2020-06-08/v3.6/main.yaml")).unwrap();
    let heimdal = v36.package("heimdal").unwrap();
    assert_eq!(
        heimdal
            .secfixes
            .iter()
            .find(|e| e.version == "7.4.0-r0")
            .unwrap()
            .fixes,
        Vec::<String>::new()
    );
}

#[test]
fn vulnerablecode_copies() {
    let dir = "fixtures/aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data/alpine";
    // v3.3/community.json is compact: byte-identical in that style.
    let text = read(&format!("{dir}/v3.3/community.json"));
    let doc = Secdb::from_json_str(&text).unwrap();
    assert!(doc.packages.is_empty());
    assert_eq!(doc.to_json_styled(JsonStyle::Compact), text);
    // v3.11/main.json: same content and order; its indentation was redone.
    let text = read(&format!("{dir}/v3.11/main.json"));
    let doc = Secdb::from_json_str(&text).unwrap();
    let strip = |s: &str| strip_insignificant_whitespace(s);
    assert_eq!(strip(&doc.to_json()), strip(&text));
    assert_ne!(doc.to_json(), text);
    // Its xen keys: "4.10-1-r1" is flagged, not dropped; ids are split.
    let xen = doc.package("xen").unwrap();
    let recs: Vec<_> = xen.fixes().collect();
    assert_eq!(recs.len(), 3);
    assert!(matches!(recs[0].fixed_in, FixedIn::Version(ref v) if v.as_str() == "4.10.0-r1"));
    assert!(matches!(
        recs[1].fixed_in,
        FixedIn::InvalidKey {
            key: "4.10-1-r1",
            ..
        }
    ));
    let ids: Vec<&str> = recs[2].ids.iter().map(|i| i.as_str()).collect();
    assert_eq!(ids, ["CVE-2018-7540", "XSA-252"]);
}

/// Removes whitespace outside JSON strings.
fn strip_insignificant_whitespace(s: &str) -> String {
    let mut out = String::new();
    let (mut in_str, mut esc) = (false, false);
    for ch in s.chars() {
        if in_str {
            out.push(ch);
            if esc {
                esc = false;
            } else if ch == '\\' {
                esc = true;
            } else if ch == '"' {
                in_str = false;
            }
        } else if ch == '"' {
            in_str = true;
            out.push(ch);
        } else if !ch.is_whitespace() {
            out.push(ch);
        }
    }
    out
}

#[test]
fn wolfi_and_vunnel_fixtures() {
    // Wolfi/Chainguard security.json: no distroversion; Python's indent=2
    // plus a final newline.
    for rel in [
        "fixtures/anchore+vunnel/tests/unit/providers/wolfi/test-fixtures/input/secdb/security.json",
        "fixtures/anchore+vunnel/tests/unit/providers/chainguard/test-fixtures/input/secdb/security.json",
        "fixtures/anchore+vunnel/tests/unit/cli/test-fixtures/data-1/wolfi/input/secdb/os/security.json",
    ] {
        let text = read(rel);
        let doc = Secdb::from_json_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(doc.distroversion, None);
        assert_eq!(format!("{}\n", doc.to_json()), text, "{rel}");
    }
    // vunnel's Alpine YAML inputs (PyYAML layout: lists not indented,
    // `secfixes:` with nothing after it).
    for repo in ["main", "community"] {
        let rel = format!(
            "fixtures/anchore+vunnel/tests/unit/providers/alpine/test-fixtures/input/secdb/v3.15/{repo}.yaml"
        );
        let doc = Secdb::from_yaml_str(&read(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(doc.distroversion.as_deref(), Some("v3.15"));
        assert!(!doc.packages.is_empty());
    }
}

#[test]
fn real_quirks_from_vuln_list_update() {
    // aquasecurity/vuln-list-update alpine/testdata/311-community.json and
    // 312-main.json (as quoted in the reference, §5).
    let doc = Secdb::from_json_str(
        r#"{"archs":["x86_64","x86","armhf"],"packages":{},"urlprefix":"http://dl-cdn.alpinelinux.org/alpine","distroversion":"v3.3","apkurl":"{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk","reponame":"community"}"#,
    )
    .unwrap();
    assert!(doc.packages.is_empty());
    let doc = Secdb::from_json_str(
        r#"{"packages":[{"pkg":{"name":"ansible","secfixes":{"2.7.9-r0":["CVE-2018-16876"],"2.8.0-r0":{}}}}],"apkurl":"a","archs":["x86_64"],"urlprefix":"u","reponame":"main","distroversion":"v3.12"}"#,
    )
    .unwrap();
    assert_eq!(doc.packages[0].secfixes[1].fixes, Vec::<String>::new());
}

#[test]
fn interpretation_of_keys_and_entries() {
    let pkg = SecdbPackage {
        name: "openssl".into(),
        secfixes: vec![
            SecfixEntry {
                version: "0".into(),
                fixes: vec!["CVE-2022-1292".into()],
            },
            SecfixEntry {
                version: "1.18.-r2".into(),
                fixes: vec!["CVE-2020-1 (AoE)".into()],
            },
            SecfixEntry {
                version: "3.0.5-r0".into(),
                fixes: vec!["CVE N/A ZBX-11023".into(), "CVE-2017-16808 # (AoE)".into()],
            },
        ],
    };
    let recs: Vec<_> = pkg.fixes().collect();
    assert_eq!(recs[0].fixed_in, FixedIn::NotAffected);
    assert!(matches!(
        &recs[1].fixed_in,
        FixedIn::InvalidKey {
            key: "1.18.-r2",
            ..
        }
    ));
    assert_eq!(recs[1].note.as_deref(), Some("(AoE)"));
    assert_eq!(recs[2].ids[0].as_str(), "ZBX-11023");
    assert_eq!(recs[2].note.as_deref(), Some("CVE N/A"));
    assert_eq!(recs[3].ids[0].as_str(), "CVE-2017-16808");
    assert_eq!(recs[3].note.as_deref(), Some("(AoE)"));
    assert!(matches!(&recs[3].fixed_in, FixedIn::Version(v) if v.as_str() == "3.0.5-r0"));
}

#[test]
fn osv_version_fixture_keys() {
    // google/osv.dev vulnfeeds/cmd/converters/alpine/fixtures: every key of
    // invalid_versions.txt is flagged. valid_versions.txt holds what osv.dev's
    // regular expression accepts; apk-tools 3 rejects eight of those (a digit
    // after a letter, which only apk-tools 2 took; `.r0`).
    let dir = "fixtures/google+osv.dev/vulnfeeds/cmd/converters/alpine/fixtures";
    let keys = |file: &str| -> Vec<String> {
        read(&format!("{dir}/{file}"))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let flagged = |k: &String| {
        let e = SecfixEntry {
            version: k.clone(),
            fixes: vec![],
        };
        matches!(e.fixed_in(), FixedIn::InvalidKey { .. })
    };
    let invalid = keys("invalid_versions.txt");
    assert_eq!(invalid.len(), 11);
    assert!(invalid.iter().all(flagged));
    let valid = keys("valid_versions.txt");
    assert_eq!(valid.len(), 185);
    let rejected: Vec<&String> = valid.iter().filter(|k| flagged(k)).collect();
    assert_eq!(
        rejected,
        [
            "6.6.2p1-r0",
            "6.6.4p1-r2",
            "16.6.4p1-r1",
            "3.3.3p1-r3",
            "6.7.1p1-r1",
            "10.2.22.r0",
            "10.2.24.r0",
            "0.8.21.r2"
        ]
    );
}

fn arb_doc() -> impl Strategy<Value = Secdb> {
    let text = "[ -~\u{e9}\u{2603}\u{1f600}\t\n]{0,12}";
    let key = prop_oneof![
        "0",
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,2}(-r[0-9])?",
        "[ -~]{1,8}"
    ];
    let entry = (key, prop::collection::vec(text, 0..3))
        .prop_map(|(version, fixes)| SecfixEntry { version, fixes });
    let pkg = ("[a-z0-9+._-]{1,10}", prop::collection::vec(entry, 0..4))
        .prop_map(|(name, secfixes)| SecdbPackage { name, secfixes });
    (
        prop::collection::vec("[a-z0-9_]{1,6}", 0..3),
        prop::option::of("v3\\.[0-9]{1,2}|edge"),
        prop::collection::vec(pkg, 0..4),
    )
        .prop_map(|(archs, distroversion, packages)| Secdb {
            apkurl: secfixes_apk::secdb::ALPINE_APKURL.to_owned(),
            archs,
            reponame: "main".to_owned(),
            urlprefix: secfixes_apk::secdb::ALPINE_URLPREFIX.to_owned(),
            distroversion,
            packages,
        })
}

proptest! {
    /// JSON (both styles) and YAML round trips on arbitrary documents, and
    /// our pretty output is what serde_json reads back as the same tree.
    #[test]
    fn round_trips(doc in arb_doc()) {
        for style in [JsonStyle::Pretty, JsonStyle::Compact] {
            let json = doc.to_json_styled(style);
            prop_assert_eq!(&Secdb::from_json_str(&json).unwrap(), &doc);
            prop_assert!(json.is_ascii());
        }
        let yaml = doc.to_yaml();
        let back = Secdb::from_yaml_str(&yaml);
        prop_assert!(back.is_ok(), "{}\n{:?}", yaml, back);
        prop_assert_eq!(&back.unwrap(), &doc);
    }

    /// Arbitrary text never panics the readers.
    #[test]
    fn readers_never_panic(s in "\\PC{0,300}") {
        let _ = Secdb::from_json_str(&s);
        let _ = Secdb::from_yaml_str(&s);
    }
}
