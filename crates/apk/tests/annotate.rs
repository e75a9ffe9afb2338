//! The `SECFIXES` member on real indexes: annotate, re-sign, read back.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::OnceLock;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::RsaPrivateKey;
use secfixes_apk::annotate::{
    IndexData, SignAlgorithm, SigningKey, annotate, index_entries, summarize_index,
};
use secfixes_apk::index::{IndexArchive, IndexFile, Keyring, Limits, Trust, parse_packages};
use secfixes_apk::secdb::Secdb;
use secfixes_apk::version::Scheme;

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    // A throw-away key for these tests only.
    KEY.get_or_init(|| {
        let k = RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(42), 2048).unwrap();
        SigningKey::new("secfixes-test-1.rsa.pub", k).unwrap()
    })
}

fn ring() -> Keyring {
    let mut r = Keyring::new();
    r.add_pem(key().name(), &key().public_key_pem().unwrap())
        .unwrap();
    r
}

fn secdb(rel: &str) -> Secdb {
    Secdb::from_json_str(&std::fs::read_to_string(secfixes_testdata::path(rel)).unwrap()).unwrap()
}

#[test]
fn the_light_reader_agrees_with_the_full_parser_on_every_real_index() {
    let files = secfixes_testdata::files_with_suffix(
        &secfixes_testdata::path("apkindex"),
        "APKINDEX.tar.gz",
    );
    assert_eq!(files.len(), 14);
    for f in files {
        let d = IndexData::parse(
            &std::fs::read(&f).unwrap(),
            &Trust::AllowUntrusted,
            &Limits::default(),
        )
        .unwrap();
        assert!(d.secfixes_text().is_none(), "{}", f.display());
        let light = index_entries(d.apkindex()).unwrap();
        let full = parse_packages(d.apkindex()).unwrap();
        assert_eq!(light.len(), full.len(), "{}", f.display());
        for (l, p) in light.iter().zip(&full) {
            assert_eq!(
                (l.name, l.version, l.origin),
                (p.name.as_str(), p.version.as_str(), p.origin())
            );
        }
    }
}

#[test]
fn the_streaming_summary_agrees_with_the_full_reader_on_every_real_index() {
    let alpine = Keyring::from_dir(&secfixes_testdata::path("keys")).unwrap();
    let files = secfixes_testdata::files_with_suffix(
        &secfixes_testdata::path("apkindex"),
        "APKINDEX.tar.gz",
    );
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        let trust = Trust::KeysOrUntrusted(&alpine);
        let full = IndexData::parse(&bytes, &trust, &Limits::default()).unwrap();
        let entries = index_entries(full.apkindex()).unwrap();
        let s = summarize_index(&bytes, &trust, &Limits::default()).unwrap();
        assert_eq!(s.len(), entries.len(), "{}", f.display());
        let got: Vec<_> = s.entries().collect();
        assert_eq!(got, entries, "{}", f.display());
        assert_eq!(s.signature, full.archive.signature);
        assert_eq!(s.description, full.archive.description);
        assert!(s.secfixes.is_none());
    }
    // A tampered copy is refused the same way by both readers.
    let rel = "apkindex/v3.17/main/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz";
    let mut bytes = std::fs::read(secfixes_testdata::path(rel)).unwrap();
    bytes[5000] ^= 0x04;
    let a = IndexData::parse(&bytes, &Trust::Keys(&alpine), &Limits::default())
        .unwrap_err()
        .to_string();
    let b = summarize_index(&bytes, &Trust::Keys(&alpine), &Limits::default())
        .unwrap_err()
        .to_string();
    assert_eq!(a, b);
    assert!(a.contains("BAD"), "{a}");
    // A gzip bomb limit applies to the stream too.
    let tiny = Limits {
        max_decompressed: 100_000,
        ..Limits::default()
    };
    let e = summarize_index(
        &std::fs::read(secfixes_testdata::path(rel)).unwrap(),
        &Trust::AllowUntrusted,
        &tiny,
    );
    assert!(
        e.unwrap_err()
            .to_string()
            .contains("more than 100000 bytes")
    );
}

#[test]
fn both_readers_count_an_unsigned_index_against_the_limit_once() {
    // The streaming reader counted an unsigned index's first member twice,
    // refusing at half the limit the full reader applies.
    let rel = "apkindex/v3.17/main/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz";
    let bytes = std::fs::read(secfixes_testdata::path(rel)).unwrap();
    let signed = IndexArchive::parse(&bytes, &Trust::AllowUntrusted, &Limits::default()).unwrap();
    let unsigned = &bytes[signed.signed_offset..];
    let size = signed.tar().len() as u64;
    let exact = Limits {
        max_decompressed: size,
        ..Limits::default()
    };
    let full = IndexArchive::parse(unsigned, &Trust::AllowUntrusted, &exact).unwrap();
    let s = summarize_index(unsigned, &Trust::AllowUntrusted, &exact).unwrap();
    assert_eq!(s.signature, full.signature);
    assert!(s.len() > 1000, "{}", s.len());
    let short = Limits {
        max_decompressed: size - 1,
        ..Limits::default()
    };
    let a = IndexArchive::parse(unsigned, &Trust::AllowUntrusted, &short).unwrap_err();
    let b = summarize_index(unsigned, &Trust::AllowUntrusted, &short).unwrap_err();
    assert!(a.to_string().contains("more than"), "{a}");
    assert!(b.to_string().contains("more than"), "{b}");
}

#[test]
fn a_real_index_annotated_keeps_every_stanza_and_verifies() {
    // v3.17 x86_64 main, signed by 6165ee59 (in keys/): verified on input.
    let rel = "apkindex/v3.17/main/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz";
    let input = std::fs::read(secfixes_testdata::path(rel)).unwrap();
    let alpine = Keyring::from_dir(&secfixes_testdata::path("keys")).unwrap();
    let main = secdb("secdb/derived-from-aports/3.17-stable/main.json");
    let out = annotate(
        &input,
        &Trust::Keys(&alpine),
        &[&main],
        Scheme::Apk2,
        key(),
        SignAlgorithm::RsaSha1,
    )
    .unwrap();
    assert!(out.input_signature.is_trusted());

    let before = IndexFile::parse(&input, &Trust::Keys(&alpine)).unwrap();
    let after = IndexFile::parse(&out.bytes, &Trust::Keys(&ring())).unwrap();
    assert_eq!(
        after.packages, before.packages,
        "every stanza field unchanged"
    );
    assert_eq!(after.description, before.description);
    assert_eq!(after.signature.signatures[0].key, "secfixes-test-1.rsa.pub");
    // And the raw APKINDEX bytes are identical.
    let d0 = IndexData::parse(&input, &Trust::AllowUntrusted, &Limits::default()).unwrap();
    let d1 = IndexData::parse(&out.bytes, &Trust::Keys(&ring()), &Limits::default()).unwrap();
    assert_eq!(d0.apkindex(), d1.apkindex());
    assert_eq!(d1.apkindex_mtime, d0.apkindex_mtime);

    // The member reads back as written, from both readers.
    let idx = d1.secfixes().unwrap().unwrap();
    let streamed = summarize_index(&out.bytes, &Trust::Keys(&ring()), &Limits::default()).unwrap();
    assert_eq!(streamed.secfixes.as_deref(), d1.secfixes_text());
    assert_eq!(streamed.len(), before.packages.len());
    assert_eq!(idx, out.secfixes);
    assert_eq!(idx.sources, ["v3.17/main"]);
    // openssl 3.0.8-r3 is in the index; 3.17-stable/main.json lists 17 keys
    // up to 3.0.8-r0, all at or below it, and `0` with three ids.
    let ossl = idx.record("openssl", "3.0.8-r3").unwrap();
    assert_eq!(ossl.fixes.len(), 17);
    assert_eq!(ossl.fixes.first().unwrap().version, "1.1.1a-r0");
    let last = ossl.fixes.last().unwrap();
    assert_eq!(last.version, "3.0.8-r0");
    assert_eq!(
        last.ids.iter().map(|i| i.as_str()).collect::<Vec<_>>(),
        [
            "CVE-2022-4203",
            "CVE-2022-4304",
            "CVE-2022-4450",
            "CVE-2023-0215",
            "CVE-2023-0216",
            "CVE-2023-0217",
            "CVE-2023-0286",
            "CVE-2023-0401"
        ]
    );
    let na: Vec<_> = ossl.not_affected.iter().map(|i| i.as_str()).collect();
    assert_eq!(na, ["CVE-2022-1292", "CVE-2022-2068", "CVE-2022-2274"]);

    // The original key no longer verifies it; the new one does.
    assert!(IndexFile::parse(&out.bytes, &Trust::Keys(&alpine)).is_err());
}

#[test]
fn annotating_twice_replaces_the_member() {
    let rel = "apkindex/v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.e2c63f4c/APKINDEX.tar.gz";
    let input = std::fs::read(secfixes_testdata::path(rel)).unwrap();
    let main = secdb("secdb/derived-from-aports/3.10-stable/main.json");
    let once = annotate(
        &input,
        &Trust::AllowUntrusted,
        &[&main],
        Scheme::Apk2,
        key(),
        SignAlgorithm::RsaSha256,
    )
    .unwrap();
    let twice = annotate(
        &once.bytes,
        &Trust::Keys(&ring()),
        &[&main],
        Scheme::Apk2,
        key(),
        SignAlgorithm::RsaSha1,
    )
    .unwrap();
    let d = IndexData::parse(&twice.bytes, &Trust::Keys(&ring()), &Limits::default()).unwrap();
    assert_eq!(d.secfixes().unwrap().unwrap(), once.secfixes);
    // apk-tools 2.10.8-r0 in this index contains the fixes of 2.7.2-r0,
    // 2.10.6-r0 and 2.10.7-r0 (3.10-stable/main.json).
    let apk = once.secfixes.record("apk-tools", "2.10.8-r0").unwrap();
    let v: Vec<_> = apk.fixes.iter().map(|f| f.version.as_str()).collect();
    assert_eq!(v, ["2.7.2-r0", "2.10.6-r0", "2.10.7-r0"]);
}
