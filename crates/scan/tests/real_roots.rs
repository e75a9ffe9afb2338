//! The scan on real installed databases with their branch's secdb and
//! indexes (`../shared/data`). Every expectation below was checked by hand
//! against the raw files; the comments say where each one comes from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use secfixes_apk::annotate::{IndexData, IndexEntry, index_entries};
use secfixes_apk::index::{Keyring, Limits, Trust};
use secfixes_apk::secdb::Secdb;
use secfixes_apk::version::Scheme;
use secfixes_apk::world::World;
use secfixes_scan::{
    Availability, AvailableRepo, FixTable, Installed, PackageFinding, Report, ScanInput,
    read_installed, scan,
};

const HIZLBUZZ: &str = "installed/hizlbuzz+alpine-minirootfs-v3.14/installed.2021-08-05.bbfac0af";
const KOBO: &str = "installed/Kobo-InkBox+xorg-base-rootfs/installed.2023-04-21.495512b9";
const PAPER_DRAGON: &str = "installed/Paper-Dragon+docker-sh/installed.2023-04-10.b12c5ef2";
const KOBO_MAIN_APRIL: &str =
    "apkindex/v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.495512b9/APKINDEX.tar.gz";
const KOBO_MAIN_AUGUST: &str =
    "apkindex/v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.e2c63f4c/APKINDEX.tar.gz";
const KOBO_COMMUNITY: &str =
    "apkindex/v3.10/community/armv7/Kobo-InkBox+xorg-base-rootfs.495512b9/APKINDEX.tar.gz";
const HIZLBUZZ_MAIN: &str =
    "apkindex/v3.14/main/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz";
const HIZLBUZZ_COMMUNITY: &str =
    "apkindex/v3.14/community/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz";

fn installed(rel: &str) -> Vec<Installed> {
    let (pkgs, errors) = read_installed(&std::fs::read(secfixes_testdata::path(rel)).unwrap());
    assert!(errors.is_empty(), "{errors:?}");
    pkgs
}

fn table(scheme: Scheme, secdbs: &[&str]) -> FixTable {
    let mut t = FixTable::new(scheme);
    for rel in secdbs {
        let text = std::fs::read_to_string(secfixes_testdata::path(rel)).unwrap();
        let db = if rel.ends_with(".yaml") {
            Secdb::from_yaml_str(&text)
        } else {
            Secdb::from_json_str(&text)
        };
        t.add_secdb(rel, &db.unwrap());
    }
    t
}

fn derived(branch: &str) -> [String; 2] {
    [
        format!("secdb/derived-from-aports/{branch}/main.json"),
        format!("secdb/derived-from-aports/{branch}/community.json"),
    ]
}

fn indexes(rels: &[&str], trust: &Trust<'_>) -> Vec<IndexData> {
    rels.iter()
        .map(|r| {
            IndexData::parse(
                &std::fs::read(secfixes_testdata::path(r)).unwrap(),
                trust,
                &Limits::default(),
            )
            .unwrap()
        })
        .collect()
}

fn run(
    pkgs: &[Installed],
    t: &FixTable,
    idx: Option<&[IndexData]>,
    world: Option<&World>,
) -> Report {
    let entries: Vec<Vec<IndexEntry<'_>>> = idx
        .unwrap_or_default()
        .iter()
        .map(|d| index_entries(d.apkindex()).unwrap())
        .collect();
    let repos: Vec<AvailableRepo<'_>> = entries
        .iter()
        .map(|e| AvailableRepo {
            label: "index",
            tag: None,
            entries: e,
        })
        .collect();
    scan(&ScanInput {
        installed: pkgs,
        world,
        fixes: t,
        repos: idx.map(|_| &repos[..]),
        tracker: None,
        branch: None,
    })
}

fn finding<'a>(r: &'a Report, name: &str) -> &'a PackageFinding {
    r.packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no finding for {name}"))
}

/// (fixed version, id) pairs of a finding, in report order.
fn fixes(p: &PackageFinding) -> Vec<(&str, &str)> {
    p.fixes
        .iter()
        .map(|f| (f.fixed_version.as_str(), f.id.as_str()))
        .collect()
}

/// openssl in 3.14-stable/main.json has keys 1.1.1t-r0, 1.1.1q-r0, 1.1.1n-r0,
/// 1.1.1l-r0, 1.1.1k-r0, … and `0` (CVE-2022-1292, CVE-2022-2068). With
/// 1.1.1k-r0 installed, the keys above it are pending; 1.1.1k-r0's own ids
/// (CVE-2021-3449, CVE-2021-3450) are fixed, and the `0` ids are not
/// affected.
const OPENSSL_1_1_1K_ON_3_14: [(&str, &str); 8] = [
    ("1.1.1l-r0", "CVE-2021-3711"),
    ("1.1.1l-r0", "CVE-2021-3712"),
    ("1.1.1n-r0", "CVE-2022-0778"),
    ("1.1.1q-r0", "CVE-2022-2097"),
    ("1.1.1t-r0", "CVE-2022-4304"),
    ("1.1.1t-r0", "CVE-2022-4450"),
    ("1.1.1t-r0", "CVE-2023-0215"),
    ("1.1.1t-r0", "CVE-2023-0286"),
];

#[test]
fn hizlbuzz_v3_14_hand_checked_findings() {
    let pkgs = installed(HIZLBUZZ);
    assert_eq!(pkgs.len(), 108);
    let [main, community] = derived("3.14-stable");
    let t = table(Scheme::Apk2, &[&main, &community]);
    let r = run(&pkgs, &t, None, None);

    // Subpackages are reported through their origin.
    for name in ["libssl1.1", "libcrypto1.1"] {
        let p = finding(&r, name);
        assert_eq!(
            (p.version.as_str(), p.origin.as_str()),
            ("1.1.1k-r0", "openssl")
        );
        assert_eq!(fixes(p), OPENSSL_1_1_1K_ON_3_14, "{name}");
        assert_eq!(p.fixed_version.as_deref(), Some("1.1.1t-r0"));
        assert_eq!(p.availability, Availability::Unknown, "no index given");
        assert!(p.fixes.iter().all(|f| f.available.is_none()));
    }

    // busybox 1.33.1-r3: keys 1.33.1-r4 … r7 are pending. 1.33.0-r8
    // (CVE-2022-30065) sorts below 1.33.1-r3, so it does not count, and the
    // `0` ids (CVE-2021-42373, -42376, -42377) are not affected.
    let r6: Vec<String> = (42378..=42386).map(|n| format!("CVE-2021-{n}")).collect();
    let mut expected = vec![
        ("1.33.1-r4", "CVE-2021-42374"),
        ("1.33.1-r5", "CVE-2021-42375"),
    ];
    expected.extend(r6.iter().map(|id| ("1.33.1-r6", id.as_str())));
    expected.extend([
        ("1.33.1-r7", "ALPINE-13661"),
        ("1.33.1-r7", "CVE-2022-28391"),
    ]);
    assert_eq!(fixes(finding(&r, "busybox")), expected);
    // ssl_client is a busybox subpackage.
    assert_eq!(fixes(finding(&r, "ssl_client")), expected);

    // zlib 1.2.11-r3: 1.2.12-r0 (CVE-2018-25032) and 1.2.12-r2 (CVE-2022-37434).
    assert_eq!(
        fixes(finding(&r, "zlib")),
        [
            ("1.2.12-r0", "CVE-2018-25032"),
            ("1.2.12-r2", "CVE-2022-37434")
        ]
    );

    // musl 1.2.2-r3 is newer than its only key (1.1.15-r4): covered, clean.
    assert!(t.origin("musl").is_some());
    assert!(r.packages.iter().all(|p| p.name != "musl"));
    // alpine-baselayout and gcc (libstdc++) are in no secdb of the branch.
    assert!(t.origin("alpine-baselayout").is_none() && t.origin("gcc").is_none());
    assert!(
        r.packages
            .iter()
            .all(|p| p.name != "alpine-baselayout" && p.name != "libstdc++")
    );

    assert_eq!(r.summary.installed, 108);
    assert_eq!(r.summary.covered + r.summary.not_covered, 108);
    assert!(
        r.summary.not_covered >= 60,
        "boost, gcc, … are not in the secdb"
    );
    assert_eq!(r.summary.cannot_evaluate, 0);
    assert!(r.has_fixable() && !r.has_open());
}

/// (package, fixed version, its (fixed version, id) pairs).
type Expected<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

#[test]
fn kobo_v3_10_availability_follows_the_index() {
    // Hand-checked in 3.10-stable/main.json against the installed versions:
    // apk-tools 2.10.6-r0 < 2.10.7-r0 (CVE-2021-36159); libcurl (origin
    // curl) 7.66.0-r3 < 7.66.0-r4 (CVE-2021-22898); libx11 1.6.12-r0 <
    // 1.6.12-r1 (CVE-2021-31535); libxml2 2.9.9-r4 < 2.9.9-r5 (CVE-2021-3517,
    // -3518, -3537). Nothing else of the 159 packages is pending.
    let pkgs = installed(KOBO);
    let [main, community] = derived("3.10-stable");
    let t = table(Scheme::Apk2, &[&main, &community]);
    let expected: [Expected<'_>; 4] = [
        (
            "apk-tools",
            "2.10.7-r0",
            vec![("2.10.7-r0", "CVE-2021-36159")],
        ),
        (
            "libcurl",
            "7.66.0-r4",
            vec![("7.66.0-r4", "CVE-2021-22898")],
        ),
        ("libx11", "1.6.12-r1", vec![("1.6.12-r1", "CVE-2021-31535")]),
        (
            "libxml2",
            "2.9.9-r5",
            vec![
                ("2.9.9-r5", "CVE-2021-3517"),
                ("2.9.9-r5", "CVE-2021-3518"),
                ("2.9.9-r5", "CVE-2021-3537"),
            ],
        ),
    ];
    // The April index (the root's own cache) still has the installed
    // versions: nothing is published yet. The August index of the same
    // repository offers apk-tools 2.10.8-r0, libcurl 7.66.0-r4, libx11
    // 1.6.12-r1 and libxml2 2.9.9-r5: everything is upgradable now.
    for (index, availability, available) in [
        (
            KOBO_MAIN_APRIL,
            Availability::NotYetPublished,
            ["2.10.6-r0", "7.66.0-r3", "1.6.12-r0", "2.9.9-r4"],
        ),
        (
            KOBO_MAIN_AUGUST,
            Availability::UpgradableNow,
            ["2.10.8-r0", "7.66.0-r4", "1.6.12-r1", "2.9.9-r5"],
        ),
    ] {
        let idx = indexes(&[index, KOBO_COMMUNITY], &Trust::AllowUntrusted);
        let r = run(&pkgs, &t, Some(&idx), None);
        let names: Vec<_> = r.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["apk-tools", "libcurl", "libx11", "libxml2"],
            "{index}"
        );
        for ((name, fixed, ids), avail) in expected.iter().zip(available) {
            let p = finding(&r, name);
            assert_eq!(p.fixed_version.as_deref(), Some(*fixed));
            assert_eq!(&fixes(p), ids);
            assert_eq!(p.availability, availability, "{name} with {index}");
            assert_eq!(p.available_version.as_deref(), Some(avail));
            let want = availability == Availability::UpgradableNow;
            assert!(p.fixes.iter().all(|f| f.available == Some(want)));
        }
        assert_eq!(r.summary.fixable, 6);
        assert_eq!(
            r.summary.upgradable_now,
            if availability == Availability::UpgradableNow {
                4
            } else {
                0
            }
        );
    }
}

#[test]
fn kobo_with_the_official_2020_yaml_has_nothing_pending() {
    // The official v3.10 YAML (2020-06) knows libxml2 up to 2.9.8-r1 and
    // curl up to 7.66.0-r0, below what the 2023 root runs: the data is
    // read (openssl, curl, libxml2 are covered) but nothing is pending.
    let t = table(
        Scheme::Apk2,
        &[
            "secdb/alpine-secdb-yaml-2020-06-08/v3.10/main.yaml",
            "secdb/alpine-secdb-yaml-2020-06-08/v3.10/community.yaml",
        ],
    );
    for origin in ["openssl", "curl", "libxml2"] {
        assert!(!t.origin(origin).unwrap().fixes.is_empty(), "{origin}");
    }
    let r = run(&installed(KOBO), &t, None, None);
    assert!(!r.has_fixable(), "{:?}", r.packages);
    assert!(r.summary.covered > 0);
}

#[test]
fn paper_dragon_v3_17_signed_indexes_verify_and_nothing_is_pending() {
    // The v3.17 x86_64 indexes are signed by 6165ee59, whose public key is
    // in keys/: the trusted path. The root was built in April 2023, after
    // the 3.17-stable secdb state (Feb 2023): nothing pending.
    let keys = Keyring::from_dir(&secfixes_testdata::path("keys")).unwrap();
    let idx = indexes(
        &[
            "apkindex/v3.17/main/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz",
            "apkindex/v3.17/community/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz",
        ],
        &Trust::Keys(&keys),
    );
    assert!(idx.iter().all(|i| i.archive.signature.is_trusted()));
    let [main, community] = derived("3.17-stable");
    let r = run(
        &installed(PAPER_DRAGON),
        &table(Scheme::Apk2, &[&main, &community]),
        Some(&idx),
        None,
    );
    assert!(r.packages.is_empty(), "{:?}", r.packages);
    assert!(r.summary.covered > 0);
}

#[test]
fn an_invalid_installed_version_cannot_be_evaluated() {
    let mut pkgs = installed(HIZLBUZZ);
    // `_preview` is not a suffix for either apk-tools (2.x matches suffix
    // names by prefix, then fails on the `v`). Note that osv.dev's invalid
    // `1.18.-r2` is valid for apk-tools 2.
    let zlib = pkgs.iter_mut().find(|p| p.name == "zlib").unwrap();
    zlib.version = "1.2.11_preview-r3".into();
    assert!(Scheme::Apk2.validate("1.18.-r2"));
    let [main, community] = derived("3.14-stable");
    let r = run(
        &pkgs,
        &table(Scheme::Apk2, &[&main, &community]),
        None,
        None,
    );
    let p = finding(&r, "zlib");
    assert!(p.fixes.is_empty());
    let why = p.cannot_evaluate.as_deref().unwrap();
    assert!(
        why.contains("\"1.2.11_preview-r3\"") && why.contains("apk2"),
        "{why}"
    );
    assert_eq!(r.summary.cannot_evaluate, 1);
    // zlib-dev keeps its valid version and its findings.
    assert_eq!(finding(&r, "zlib-dev").fixes.len(), 2);
}

#[test]
fn world_marks_requested_packages() {
    let pkgs = installed(HIZLBUZZ);
    let [main, community] = derived("3.14-stable");
    let world = World::parse("alpine-base\nbusybox\nopenssl-dev\n").unwrap();
    let r = run(
        &pkgs,
        &table(Scheme::Apk2, &[&main, &community]),
        None,
        Some(&world),
    );
    assert!(finding(&r, "busybox").in_world);
    assert!(finding(&r, "openssl-dev").in_world);
    assert!(!finding(&r, "libssl1.1").in_world, "a dependency");
}

#[test]
fn hizlbuzz_with_its_indexes_is_not_yet_published() {
    // The cached v3.14 indexes (July 2021) predate every pending fix: the
    // index still offers the installed versions.
    let pkgs = installed(HIZLBUZZ);
    let [main, community] = derived("3.14-stable");
    let idx = indexes(&[HIZLBUZZ_MAIN, HIZLBUZZ_COMMUNITY], &Trust::AllowUntrusted);
    let r = run(
        &pkgs,
        &table(Scheme::Apk2, &[&main, &community]),
        Some(&idx),
        None,
    );
    let p = finding(&r, "libssl1.1");
    assert_eq!(p.availability, Availability::NotYetPublished);
    assert_eq!(p.available_version.as_deref(), Some("1.1.1k-r0"));
    assert_eq!(r.summary.upgradable_now, 0);
}

#[test]
fn the_version_scheme_decides_real_keys() {
    // libretls in 3.14-stable/main.json fixed CVE-2022-0778 in `3.3.3p1-r3`:
    // a letter followed by digits, valid for apk-tools 2 (which v3.14 ships)
    // and not for apk-tools 3.
    let pkgs = installed(HIZLBUZZ);
    let [main, community] = derived("3.14-stable");
    let r2 = run(
        &pkgs,
        &table(Scheme::Apk2, &[&main, &community]),
        None,
        None,
    );
    assert_eq!(
        fixes(finding(&r2, "libretls")),
        [("3.3.3p1-r3", "CVE-2022-0778")]
    );
    assert!(!r2.warnings.iter().any(|w| matches!(w, secfixes_scan::Warning::InvalidSecdbKey { origin, .. } if origin == "libretls")));

    let r3 = run(
        &pkgs,
        &table(Scheme::Apk3, &[&main, &community]),
        None,
        None,
    );
    assert!(r3.packages.iter().all(|p| p.name != "libretls"));
    let w = r3
        .warnings
        .iter()
        .find(|w| matches!(w, secfixes_scan::Warning::InvalidSecdbKey { origin, key, .. } if origin == "libretls" && key == "3.3.3p1-r3"))
        .expect("the skipped key is reported");
    assert!(
        w.to_string()
            .contains("secfixes key \"3.3.3p1-r3\" ignored"),
        "{w}"
    );
}
