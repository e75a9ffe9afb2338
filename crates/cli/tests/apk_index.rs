//! Acceptance tests of `secfixes apk index` on real indexes, run through
//! the built binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AARCH64: &str = "apkindex/v3.17/main/aarch64/chainguard-dev+apko.d1b5d5ec/APKINDEX.tar.gz";
const AARCH64_KEY: &str = "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub";
/// Signed by 524d27bb, which is not in `keys/`.
const ARMV7: &str =
    "apkindex/v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.495512b9/APKINDEX.tar.gz";
const ARMV7_KEY: &str = "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub";
const WOLFI: &str =
    "apkindex/wolfi-local-build-sample/os/aarch64/wolfi-dev+os.4b54b808/APKINDEX.tar.gz";

fn data(rel: &str) -> PathBuf {
    secfixes_testdata::path(rel)
}

fn keys() -> PathBuf {
    data("keys")
}

fn secfixes(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secfixes"))
        .args(args)
        .output()
        .unwrap()
}

fn os(s: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> &std::ffi::OsStr {
    s.as_ref()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn verify(file: &Path) -> Output {
    secfixes(&[
        os("apk"),
        os("index"),
        os("verify"),
        os(file),
        os("--keys"),
        os(&keys()),
    ])
}

#[test]
fn verify_a_good_signature() {
    let file = data(AARCH64);
    let o = verify(&file);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "{}: OK, signed by {AARCH64_KEY} (RSA/SHA-1)\n",
            file.display()
        )
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn verify_an_unknown_key_fails_with_one_line_naming_it() {
    let file = data(ARMV7);
    let o = verify(&file);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("{}: FAILED: ", file.display())),
        "{err}"
    );
    assert!(err.contains(ARMV7_KEY), "{err}");
    assert_eq!(stdout(&o), "");
}

#[test]
fn verify_a_tampered_copy_fails() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("APKINDEX.tar.gz");
    let mut bytes = std::fs::read(data(AARCH64)).unwrap();
    // The signature member is 666 bytes; flip a bit well after it.
    bytes[5000] ^= 0x04;
    std::fs::write(&copy, &bytes).unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&copy.display().to_string())
            && err.contains(AARCH64_KEY)
            && err.contains("BAD"),
        "{err}"
    );
}

#[test]
fn verify_several_files_reports_each() {
    let (good, bad) = (data(AARCH64), data(ARMV7));
    let o = secfixes(&[
        os("apk"),
        os("index"),
        os("verify"),
        os(&good),
        os(&bad),
        os("--keys"),
        os(&keys()),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o).lines().count(), 1);
    assert!(stdout(&o).starts_with(&format!("{}: OK", good.display())));
    assert_eq!(stderr(&o).lines().count(), 1);
}

#[test]
fn verify_with_a_missing_keys_directory_is_a_usage_error() {
    let o = secfixes(&[
        os("apk"),
        os("index"),
        os("verify"),
        os(&data(AARCH64)),
        os("--keys"),
        os("/nonexistent"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent"), "{}", stderr(&o));
}

#[test]
fn verify_a_non_index_fails() {
    let o = verify(&data("keys").join(AARCH64_KEY));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not gzip data"), "{}", stderr(&o));
}

#[test]
fn show_json_has_every_package_and_the_verdict() {
    let file = data(AARCH64);
    let o = secfixes(&[
        os("apk"),
        os("index"),
        os("show"),
        os(&file),
        os("--keys"),
        os(&keys()),
        os("--json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["packages"].as_array().unwrap().len(), 5004);
    assert_eq!(v["description"], "v3.17.3-216-g54a39ace82a");
    assert_eq!(v["signature"]["verdict"]["status"], "trusted");
    assert_eq!(v["signature"]["verdict"]["key"], AARCH64_KEY);
    assert_eq!(v["signature"]["verdict"]["scheme"], "RSA/SHA-1");
    let libssl = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "libssl3")
        .unwrap();
    assert_eq!(libssl["origin"], "openssl");
    assert!(libssl["checksum"].as_str().unwrap().starts_with("Q1"));
    assert!(
        libssl["depends"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().starts_with("so:libcrypto.so.3"))
    );
}

#[test]
fn show_text_lists_one_package_per_line() {
    let o = secfixes(&[
        os("apk"),
        os("index"),
        os("show"),
        os(&data(WOLFI)),
        os("--allow-untrusted"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 163);
    assert!(out.lines().all(|l| l.split(' ').count() == 3), "{out}");
    let err = stderr(&o);
    assert!(
        err.starts_with("# ") && err.contains("163 packages") && err.contains("UNTRUSTED"),
        "{err}"
    );
}

#[test]
fn show_refuses_an_untrusted_index_unless_allowed() {
    let file = data(ARMV7);
    let o = secfixes(&[
        os("apk"),
        os("index"),
        os("show"),
        os(&file),
        os("--keys"),
        os(&keys()),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(ARMV7_KEY), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    // Checked and reported, but shown.
    let o = secfixes(&[
        os("apk"),
        os("index"),
        os("show"),
        os(&file),
        os("--keys"),
        os(&keys()),
        os("--allow-untrusted"),
        os("--json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["packages"].as_array().unwrap().len(), 5623);
    assert_eq!(v["signature"]["verdict"]["status"], "untrusted");
    assert_eq!(v["signature"]["verdict"]["reason"], "unknown-key");
    assert_eq!(v["signature"]["verdict"]["keys"][0], ARMV7_KEY);
}

#[test]
fn show_needs_keys_or_allow_untrusted() {
    let o = secfixes(&[os("apk"), os("index"), os("show"), os(&data(AARCH64))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--keys"), "{}", stderr(&o));
}
