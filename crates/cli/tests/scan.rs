//! Acceptance tests of `secfixes scan` on temporary roots built from the
//! real installed databases, indexes and secdb files of the corpus, run
//! through the built binary. Expected findings are the hand-checked ones of
//! `crates/scan/tests/real_roots.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use std::ffi::OsString;

use scan_support::*;
use serde_json::Value;

/// The hizlbuzz v3.14 armv7 root: its installed db, the cached indexes of
/// its two repositories (the apk 2 cache names), the derived 3.14 secdb
/// listed in `etc/secfixes.d` as host paths, and a world file.
fn hizlbuzz() -> Root {
    let r = Root::new(HIZLBUZZ);
    r.alpine(
        "3.14.0",
        "armv7",
        &[
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.14/main",
                HIZLBUZZ_MAIN,
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.14/community",
                HIZLBUZZ_COMMUNITY,
            ),
        ],
    );
    let [main, community] = derived("3.14-stable");
    r.feeds(&[main.to_str().unwrap(), community.to_str().unwrap()]);
    r.write("etc/apk/world", "alpine-base\nbusybox\nopenssl-dev\n");
    r
}

fn scan_root(root: &Root, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<OsString> = vec![
        "scan".into(),
        "--root".into(),
        root.path().into(),
        "--allow-untrusted".into(),
    ];
    args.extend(extra.iter().map(OsString::from));
    secfixes(args)
}

#[test]
fn text_output_is_grouped_per_package_and_exits_1() {
    let root = hizlbuzz();
    let o = scan_root(&root, &["--offline"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    // Hand-checked in 3.14-stable/main.json (see real_roots.rs).
    let libssl = "libssl1.1 1.1.1k-r0 -> 1.1.1t-r0 (origin openssl), fix not yet published (1.1.1k-r0 available)\n\
                  \x20 1.1.1l-r0  CVE-2021-3711 CVE-2021-3712\n\
                  \x20 1.1.1n-r0  CVE-2022-0778\n\
                  \x20 1.1.1q-r0  CVE-2022-2097\n\
                  \x20 1.1.1t-r0  CVE-2022-4304 CVE-2022-4450 CVE-2023-0215 CVE-2023-0286\n";
    assert!(out.contains(libssl), "{out}");
    assert!(out.contains("zlib 1.2.11-r3 -> 1.2.12-r2, fix not yet published (1.2.11-r3 available)\n  1.2.12-r0  CVE-2018-25032\n  1.2.12-r2  CVE-2022-37434\n"), "{out}");
    assert!(
        !out.contains("\nmusl "),
        "musl 1.2.2-r3 is above its only fix"
    );
    assert!(
        !out.contains("CVE-2021-3449"),
        "fixed in the installed 1.1.1k-r0"
    );
    assert!(!out.contains("CVE-2022-1292"), "key 0: not affected");
    assert!(out.ends_with("apk2 versions).\n"), "{out}");
    // The untrusted indexes are reported on stderr.
    assert!(stderr(&o).contains("UNTRUSTED"), "{}", stderr(&o));
}

#[test]
fn quiet_prints_apk_like_one_liners() {
    let o = scan_root(&hizlbuzz(), &["--offline", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for line in [
        "busybox-1.33.1-r3 < 1.33.1-r7",
        "libcrypto1.1-1.1.1k-r0 < 1.1.1t-r0",
        "libssl1.1-1.1.1k-r0 < 1.1.1t-r0",
        "ssl_client-1.33.1-r3 < 1.33.1-r7",
        "zlib-1.2.11-r3 < 1.2.12-r2",
    ] {
        assert!(out.lines().any(|l| l == line), "{line} in\n{out}");
    }
    assert!(out.lines().all(|l| l.contains(" < ")), "{out}");
    // Sorted by name, like apk's output.
    let names: Vec<&str> = out.lines().collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
}

#[test]
fn json_report() {
    let o = scan_root(&hizlbuzz(), &["--offline", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["branch"], "v3.14");
    assert_eq!(
        v["version_scheme"], "apk2",
        "the installed apk-tools is 2.12"
    );
    assert_eq!(v["summary"]["installed"], 108);
    let pkgs = v["packages"].as_array().unwrap();
    let bb = pkgs.iter().find(|p| p["name"] == "busybox").unwrap();
    assert_eq!(bb["in_world"], true);
    assert_eq!(bb["fixed_version"], "1.33.1-r7");
    assert_eq!(bb["availability"], "not-yet-published");
    assert_eq!(bb["fixes"].as_array().unwrap().len(), 13);
    let libssl = pkgs.iter().find(|p| p["name"] == "libssl1.1").unwrap();
    assert_eq!(libssl["origin"], "openssl");
    assert_eq!(libssl["in_world"], false);
    assert!(libssl["db_line"].as_u64().unwrap() > 1);
    // Warnings are in the document, not on stderr.
    assert!(
        v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["message"].as_str().unwrap_or("").contains("UNTRUSTED"))
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn sarif_report() {
    let o = scan_root(&hizlbuzz(), &["--offline", "--sarif"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "secfixes/fix-available",
            "secfixes/fix-unpublished",
            "secfixes/open-vulnerability",
            "secfixes/cannot-evaluate"
        ]
    );
    let results = run["results"].as_array().unwrap();
    let json: Value =
        serde_json::from_str(&stdout(&scan_root(&hizlbuzz(), &["--offline", "--json"]))).unwrap();
    assert_eq!(
        results.len() as u64,
        json["summary"]["fixable"].as_u64().unwrap()
    );
    let r = results
        .iter()
        .find(|r| r["partialFingerprints"]["secfixes/v1"] == "libssl1.1/CVE-2022-0778")
        .unwrap();
    assert_eq!(r["ruleId"], "secfixes/fix-unpublished");
    assert_eq!(r["ruleIndex"], 1);
    assert_eq!(r["level"], "warning");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "lib/apk/db/installed"
    );
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "libssl1.1-1.1.1k-r0"
    );
    assert_eq!(r["properties"]["fixed_version"], "1.1.1n-r0");
    assert!(
        run["originalUriBaseIds"]["ROOT"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("file:///")
    );
    assert!(
        !run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn fail_on() {
    let root = hizlbuzz();
    assert_eq!(
        scan_root(&root, &["--offline", "-q", "--fail-on", "none"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        scan_root(&root, &["--offline", "-q", "--fail-on", "any"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        scan_root(&root, &["--offline", "-q", "--fail-on", "fixable"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn kobo_v3_10_is_upgradable_now_with_the_august_index() {
    let root = Root::new(KOBO);
    root.alpine(
        "3.10.9",
        "armv7",
        &[
            (
                "http://dl-cdn.alpinelinux.org/alpine/v3.10/main",
                KOBO_MAIN_AUGUST,
            ),
            (
                "http://dl-cdn.alpinelinux.org/alpine/v3.10/community",
                KOBO_COMMUNITY,
            ),
        ],
    );
    let [main, community] = derived("3.10-stable");
    let o = secfixes([
        OsString::from("scan"),
        "--root".into(),
        root.path().into(),
        "--allow-untrusted".into(),
        "--secdb".into(),
        main.into(),
        "--secdb".into(),
        community.into(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with(
        "apk-tools 2.10.6-r0 -> 2.10.7-r0, upgradable now (2.10.8-r0 available)\n  2.10.7-r0  CVE-2021-36159\n\
         libcurl 7.66.0-r3 -> 7.66.0-r4 (origin curl), upgradable now (7.66.0-r4 available)\n  7.66.0-r4  CVE-2021-22898\n"
    ), "{out}");
    assert!(
        out.contains("\n\n4 of 159 packages have security fixes pending (6 ids), 4 upgradable now"),
        "{out}"
    );
}

#[test]
fn a_signed_root_verifies_with_its_keys_and_is_clean() {
    let root = Root::new(PAPER_DRAGON);
    root.alpine(
        "3.17.3",
        "x86_64",
        &[
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.17/main",
                PAPER_DRAGON_MAIN,
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.17/community",
                PAPER_DRAGON_COMMUNITY,
            ),
        ],
    );
    root.keys(&[KEY_6165EE59]);
    let [main, community] = derived("3.17-stable");
    root.feeds(&[main.to_str().unwrap(), community.to_str().unwrap()]);
    let o = secfixes([OsString::from("scan"), "--root".into(), root.path().into()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("No pending security fixes (30 packages, "),
        "{}",
        stdout(&o)
    );
    assert_eq!(stderr(&o), "", "signed by a trusted key: no warning");

    // A tampered cached index is refused, naming the key.
    let cached = root.path().join("var/cache/apk/APKINDEX.ac15ed62.tar.gz");
    let mut bytes = std::fs::read(&cached).unwrap();
    bytes[5000] ^= 0x04;
    std::fs::write(&cached, &bytes).unwrap();
    let o = secfixes([OsString::from("scan"), "--root".into(), root.path().into()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("v3.17/main/x86_64/APKINDEX.tar.gz")
            && err.contains("BAD")
            && err.contains(KEY_6165EE59),
        "{err}"
    );
}

#[test]
fn unverifiable_indexes_are_an_error_without_allow_untrusted() {
    let root = hizlbuzz();
    let o = secfixes([OsString::from("scan"), "--root".into(), root.path().into()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--allow-untrusted"), "{}", stderr(&o));
    // The armv7 key 524d27bb is not in the corpus: with the x86_64 keys the
    // index is refused, naming its key.
    root.keys(&[KEY_6165EE59]);
    let o = secfixes([OsString::from("scan"), "--root".into(), root.path().into()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("524d27bb"), "{}", stderr(&o));
    // --no-index skips them: availability unknown.
    let o = secfixes([
        OsString::from("scan"),
        "--root".into(),
        root.path().into(),
        "--no-index".into(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("libssl1.1 1.1.1k-r0 -> 1.1.1t-r0 (origin openssl)\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_invalid_installed_version_is_reported_not_clean() {
    let root = hizlbuzz();
    let db = root.path().join("lib/apk/db/installed");
    let text = std::fs::read_to_string(&db)
        .unwrap()
        .replace("\nP:zlib\nV:1.2.11-r3\n", "\nP:zlib\nV:1.2.11_preview-r3\n");
    std::fs::write(&db, text).unwrap();
    let o = scan_root(&root, &["--offline", "--no-index"]);
    let out = stdout(&o);
    assert!(
        out.contains("zlib-1.2.11_preview-r3: cannot evaluate: installed version \"1.2.11_preview-r3\" is not a valid apk2 version"),
        "{out}"
    );
    assert!(out.contains("; 1 packages cannot be evaluated"), "{out}");
}

#[test]
fn installed_file_mode_and_usage_errors() {
    let [main, _] = derived("3.14-stable");
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(HIZLBUZZ).into(),
        "--secdb".into(),
        main.clone().into(),
        "-q".into(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("libssl1.1-1.1.1k-r0 < 1.1.1t-r0\n"));

    // No secdb and no branch.
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(HIZLBUZZ).into(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no secdb"), "{}", stderr(&o));
    // Not a root.
    let empty = tempfile::tempdir().unwrap();
    let o = secfixes([OsString::from("scan"), "--root".into(), empty.path().into()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not an apk root: no lib/apk/db/installed"),
        "{}",
        stderr(&o)
    );
    // A missing secdb names its path.
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(HIZLBUZZ).into(),
        "--secdb".into(),
        "/nonexistent/main.json".into(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent/main.json"),
        "{}",
        stderr(&o)
    );
    // --root and --installed exclude each other.
    let o = secfixes(["scan", "--root", "/", "--installed", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_official_yaml_is_read() {
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(KOBO).into(),
        "--secdb".into(),
        data("secdb/alpine-secdb-yaml-2020-06-08/v3.10/main.yaml").into(),
        "--branch".into(),
        "v3.10".into(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("No pending security fixes (159 packages, "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn an_apk3_style_root_with_usr_lib_apk_db() {
    // apko's test root (Alpine 3.16 aarch64) keeps its database in
    // usr/lib/apk/db/installed. Hand-checked in 3.16-stable/main.json:
    // openssl 1.1.1q-r0 < 1.1.1t-r0 (CVE-2022-4304, -4450, CVE-2023-0215,
    // -0286); busybox 1.35.0-r17 is above 1.35.0-r15, zlib 1.2.12-r3 above
    // 1.2.12-r2, apk-tools 2.12.9-r3 above 2.12.6-r0: clean.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("usr/lib/apk/db")).unwrap();
    std::fs::copy(
        data("installed/chainguard-dev+apko/root_usr_lib_apk_db_installed"),
        dir.path().join("usr/lib/apk/db/installed"),
    )
    .unwrap();
    let [main, _] = derived("3.16-stable");
    let o = secfixes([
        OsString::from("scan"),
        "--root".into(),
        dir.path().into(),
        "--secdb".into(),
        main.into(),
        "-q".into(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "libcrypto1.1-1.1.1q-r0 < 1.1.1t-r0\nlibssl1.1-1.1.1q-r0 < 1.1.1t-r0\n"
    );
}
