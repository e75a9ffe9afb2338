//! `secfixes apk index annotate` and `scan --index` on an annotated index:
//! the security data travels inside the signed index.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
use scan_support::*;
use serde_json::Value;

const KEY_NAME: &str = "test@example.org-61a2b3c4.rsa";

/// A throw-away 2048-bit key for these tests only, generated once from a
/// fixed seed.
fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(0x5ec_f1c5), 2048).unwrap()
    })
}

/// Writes the private key as abuild-keygen does (PKCS#1 PEM) and its public
/// key into `keys/<name>.pub`.
fn key_files(dir: &Path) -> (PathBuf, PathBuf) {
    let private = dir.join(KEY_NAME);
    std::fs::write(
        &private,
        key().to_pkcs1_pem(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(
        keys.join(format!("{KEY_NAME}.pub")),
        key()
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    )
    .unwrap();
    (private, keys)
}

fn annotate(
    index: &Path,
    secdbs: &[PathBuf],
    private: &Path,
    out: &Path,
    extra: &[OsString],
) -> std::process::Output {
    let mut args: Vec<OsString> = vec![
        "apk".into(),
        "index".into(),
        "annotate".into(),
        index.into(),
    ];
    for s in secdbs {
        args.push("--secdb".into());
        args.push(s.into());
    }
    args.extend(["--key".into(), private.into(), "-o".into(), out.into()]);
    args.extend(extra.iter().cloned());
    plain(args)
}

fn show_json(index: &Path, trust: &[OsString]) -> Value {
    let mut args: Vec<OsString> = vec![
        "apk".into(),
        "index".into(),
        "show".into(),
        index.into(),
        "--json".into(),
    ];
    args.extend(trust.iter().cloned());
    let o = plain(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn an_annotated_index_verifies_keeps_every_stanza_and_carries_the_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let (private, keys) = key_files(dir.path());
    let input = data(KOBO_MAIN_AUGUST);
    let out = dir.path().join("APKINDEX.tar.gz");
    let [main, _] = derived("3.10-stable");
    // The armv7 signing key (524d27bb) is not in the corpus.
    let o = annotate(
        &input,
        &[main],
        &private,
        &out,
        &["--allow-untrusted".into()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let line = stdout(&o);
    assert!(
        line.starts_with(&format!("{}: 5623 packages, ", out.display())),
        "{line}"
    );
    assert!(
        line.ends_with(&format!(" signed by {KEY_NAME}.pub (RSA/SHA-1)\n")),
        "{line}"
    );

    // It verifies with the public key, like any index.
    let v = plain([
        OsString::from("apk"),
        "index".into(),
        "verify".into(),
        out.clone().into(),
        "--keys".into(),
        keys.clone().into(),
    ]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert_eq!(
        stdout(&v),
        format!(
            "{}: OK, signed by {KEY_NAME}.pub (RSA/SHA-1)\n",
            out.display()
        )
    );

    // Every stanza field is unchanged, and so is the description.
    let before = show_json(&input, &["--allow-untrusted".into()]);
    let after = show_json(&out, &["--keys".into(), keys.clone().into()]);
    assert_eq!(before["packages"], after["packages"]);
    assert_eq!(before["description"], after["description"]);
    assert_eq!(after["packages"].as_array().unwrap().len(), 5623);

    // The scan reads the fixes from the index alone (no secdb): the same
    // hand-checked findings as with 3.10-stable/main.json, all upgradable.
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(KOBO).into(),
        "--index".into(),
        out.clone().into(),
        "--keys".into(),
        keys.into(),
        "--json".into(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, String, String)> = r["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let name = p["name"].as_str().unwrap().to_owned();
            assert_eq!(p["availability"], "upgradable-now");
            p["fixes"].as_array().unwrap().iter().map(move |f| {
                (
                    name.clone(),
                    f["fixed_version"].as_str().unwrap().to_owned(),
                    f["id"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect();
    let expected = [
        ("apk-tools", "2.10.7-r0", "CVE-2021-36159"),
        ("libcurl", "7.66.0-r4", "CVE-2021-22898"),
        ("libx11", "1.6.12-r1", "CVE-2021-31535"),
        ("libxml2", "2.9.9-r5", "CVE-2021-3517"),
        ("libxml2", "2.9.9-r5", "CVE-2021-3518"),
        ("libxml2", "2.9.9-r5", "CVE-2021-3537"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(r["sources"][0], format!("{} (SECFIXES)", out.display()));
}

#[test]
fn rsa256_pkcs8_and_a_verified_input() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("other.rsa");
    std::fs::write(
        &private,
        key().to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    let keys = dir.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(
        keys.join("mine.pub"),
        key()
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    )
    .unwrap();
    let out = dir.path().join("out.tar.gz");
    let [main, community] = derived("3.17-stable");
    // The input is checked with the Alpine keys of the corpus.
    let extra: Vec<OsString> = vec![
        "--keys".into(),
        data("keys").into(),
        "--sign-alg".into(),
        "rsa256".into(),
        "--key-name".into(),
        "mine.pub".into(),
    ];
    let o = annotate(
        &data(PAPER_DRAGON_MAIN),
        &[main.clone(), community],
        &private,
        &out,
        &extra,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = plain([
        OsString::from("apk"),
        "index".into(),
        "verify".into(),
        out.clone().into(),
        "--keys".into(),
        keys.into(),
    ]);
    assert_eq!(
        stdout(&v),
        format!("{}: OK, signed by mine.pub (RSA/SHA-256)\n", out.display()),
        "{}",
        stderr(&v)
    );

    // A tampered input is refused before anything is signed.
    let bad = dir.path().join("bad.tar.gz");
    let mut bytes = std::fs::read(data(PAPER_DRAGON_MAIN)).unwrap();
    bytes[5000] ^= 0x04;
    std::fs::write(&bad, bytes).unwrap();
    let out2 = dir.path().join("out2.tar.gz");
    let o = annotate(
        &bad,
        &[main],
        &private,
        &out2,
        &["--keys".into(), data("keys").into()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("BAD") && stderr(&o).contains(KEY_6165EE59),
        "{}",
        stderr(&o)
    );
    assert!(!out2.exists());
}

#[test]
fn annotate_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (private, _) = key_files(dir.path());
    let out = dir.path().join("o.tar.gz");
    let [main, _] = derived("3.10-stable");
    // Neither --keys nor --allow-untrusted.
    let o = annotate(
        &data(KOBO_MAIN_AUGUST),
        std::slice::from_ref(&main),
        &private,
        &out,
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    // Not a key.
    let o = annotate(
        &data(KOBO_MAIN_AUGUST),
        &[main],
        &main_json_as_key(dir.path()),
        &out,
        &["--allow-untrusted".into()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not.rsa.pub: not a PEM"),
        "{}",
        stderr(&o)
    );
}

fn main_json_as_key(dir: &Path) -> PathBuf {
    let p = dir.join("not.rsa");
    std::fs::write(&p, "hello").unwrap();
    p
}
