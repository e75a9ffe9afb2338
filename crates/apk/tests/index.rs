//! `APKINDEX.tar.gz` on the 14 real indexes of the shared corpus, and bad
//! inputs built from them in memory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::sync::OnceLock;

use flate2::bufread::{GzDecoder, MultiGzDecoder};
use secfixes_apk::index::{
    self, IndexArchive, IndexError, IndexFile, Keyring, Limits, Package, SignatureScheme, Trust,
    Untrusted, Verdict,
};
use secfixes_apk::stanza::StanzaError;

/// One real index: folder under `apkindex/`, signing key suffix, package
/// count, DESCRIPTION and compressed size of the signature member. Counts
/// and descriptions are from the corpus README; the member sizes were
/// measured with Python's zlib (independently of this crate).
struct Real {
    dir: &'static str,
    key: &'static str,
    packages: usize,
    description: &'static str,
    member1: usize,
}

const REAL: [Real; 14] = [
    Real {
        dir: "v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.495512b9",
        key: "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub",
        packages: 5623,
        description: "v3.10.9-1-g01eff515fd",
        member1: 418,
    },
    Real {
        dir: "v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.e2c63f4c",
        key: "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub",
        packages: 5623,
        description: "v3.10.9-43-g3feb769ea3",
        member1: 418,
    },
    Real {
        dir: "v3.10/community/armv7/Kobo-InkBox+xorg-base-rootfs.495512b9",
        key: "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub",
        packages: 4448,
        description: "v3.10.6-10-ged79a86de3",
        member1: 415,
    },
    Real {
        dir: "v3.12/main/x86_64/SmalltalkLand+Dockos.b8574142",
        key: "alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
        packages: 4835,
        description: "v3.12.0-355-gd6f249c14e",
        member1: 416,
    },
    Real {
        dir: "v3.12/community/x86_64/SmalltalkLand+Dockos.b8574142",
        key: "alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
        packages: 7909,
        description: "v3.12.0-356-g20de812e98",
        member1: 415,
    },
    Real {
        dir: "v3.14/main/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6",
        key: "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub",
        packages: 4742,
        description: "v3.14.0-154-gd627ad2cf8",
        member1: 418,
    },
    Real {
        dir: "v3.14/community/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6",
        key: "alpine-devel@lists.alpinelinux.org-524d27bb.rsa.pub",
        packages: 9783,
        description: "v3.14.0-150-gf60dc1f1aa",
        member1: 417,
    },
    Real {
        dir: "v3.16/main/x86_64/chainguard-dev+apko.d1b5d5ec",
        key: "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
        packages: 4929,
        description: "v3.16.3-13-g4d933a1fa3",
        member1: 667,
    },
    Real {
        dir: "v3.17/main/aarch64/chainguard-dev+apko.d1b5d5ec",
        key: "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub",
        packages: 5004,
        description: "v3.17.3-216-g54a39ace82a",
        member1: 666,
    },
    Real {
        dir: "v3.17/main/x86_64/Paper-Dragon+docker-sh.b12c5ef2",
        key: "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
        packages: 4994,
        description: "v3.17.3-51-gb3e182d1e6a",
        member1: 664,
    },
    Real {
        dir: "v3.17/community/x86_64/Paper-Dragon+docker-sh.b12c5ef2",
        key: "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
        packages: 12824,
        description: "v3.17.3-52-g138c24c548d",
        member1: 667,
    },
    Real {
        dir: "v3.18/main/x86_64/NeeasTooID+UbuntuPROOT.43ab28de",
        key: "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
        packages: 5136,
        description: "v3.18.5-143-gc14c1018c17",
        member1: 664,
    },
    Real {
        dir: "v3.18/community/x86_64/NeeasTooID+UbuntuPROOT.43ab28de",
        key: "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
        packages: 14933,
        description: "v3.18.5-142-ge9d0c75f8fa",
        member1: 666,
    },
    Real {
        dir: "wolfi-local-build-sample/os/aarch64/wolfi-dev+os.4b54b808",
        key: "melange.rsa.pub",
        packages: 163,
        description: "",
        member1: 644,
    },
];

fn read(dir: &str) -> Vec<u8> {
    let path = secfixes_testdata::path(&format!("apkindex/{dir}/APKINDEX.tar.gz"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keys() -> &'static Keyring {
    static KEYS: OnceLock<Keyring> = OnceLock::new();
    KEYS.get_or_init(|| Keyring::from_dir(&secfixes_testdata::path("keys")).unwrap())
}

fn open_untrusted(bytes: &[u8]) -> IndexArchive {
    IndexArchive::parse(bytes, &Trust::AllowUntrusted, &Limits::default()).unwrap()
}

#[test]
fn the_corpus_has_the_14_indexes_of_the_readme() {
    let found = secfixes_testdata::files_with_suffix(
        &secfixes_testdata::path("apkindex"),
        "APKINDEX.tar.gz",
    );
    assert_eq!(found.len(), REAL.len());
    assert_eq!(keys().len(), 2);
}

/// The byte-level split: `bufread::GzDecoder` over the slice stops exactly
/// after member 1. Proven three ways on every real file: the offset matches
/// the one measured with zlib, `bytes[..offset]` is a complete gzip stream
/// by itself, and member 1 followed by the rest decompresses to what
/// `MultiGzDecoder` gives for the whole file.
#[test]
fn gzip_member_split_on_real_files() {
    for r in &REAL {
        let bytes = read(r.dir);
        let mut d = GzDecoder::new(&bytes[..]);
        let mut member1 = Vec::new();
        d.read_to_end(&mut member1).unwrap();
        let rest: &[u8] = d.into_inner();
        let offset = bytes.len() - rest.len();
        assert_eq!(offset, r.member1, "{}", r.dir);
        assert_eq!(
            member1.len(),
            1024,
            "{}: 512-byte header + padded signature",
            r.dir
        );
        assert_eq!(
            &rest[..2],
            &[0x1f, 0x8b],
            "{}: a gzip member starts the rest",
            r.dir
        );

        let mut alone = Vec::new();
        GzDecoder::new(&bytes[..offset])
            .read_to_end(&mut alone)
            .unwrap();
        assert_eq!(alone, member1);

        let mut whole = Vec::new();
        MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut whole)
            .unwrap();
        let mut tail = Vec::new();
        MultiGzDecoder::new(rest).read_to_end(&mut tail).unwrap();
        assert_eq!(whole, [member1, tail].concat());

        assert_eq!(open_untrusted(&bytes).signed_offset, offset);
    }
}

#[test]
fn six_indexes_verify_with_the_shipped_keys() {
    let mut verified = 0;
    for r in REAL.iter().filter(|r| keys().contains(r.key)) {
        let idx = IndexFile::parse(&read(r.dir), &Trust::Keys(keys())).unwrap();
        assert_eq!(
            idx.signature.verdict,
            Verdict::Trusted {
                key: r.key.to_owned(),
                scheme: SignatureScheme::RsaSha1
            },
            "{}",
            r.dir
        );
        assert_eq!(idx.packages.len(), r.packages);
        verified += 1;
    }
    assert_eq!(verified, 6);
}

#[test]
fn indexes_by_other_keys_are_refused_naming_the_key() {
    let mut refused = 0;
    for r in REAL.iter().filter(|r| !keys().contains(r.key)) {
        let err = IndexFile::parse(&read(r.dir), &Trust::Keys(keys())).unwrap_err();
        let IndexError::Untrusted(Untrusted::UnknownKey { keys: named }) = &err else {
            panic!("{}: {err}", r.dir)
        };
        assert_eq!(named, &[r.key.to_owned()]);
        assert!(err.to_string().contains(r.key), "{err}");
        // Checking without requiring trust records the same reason.
        let idx = IndexFile::parse(&read(r.dir), &Trust::KeysOrUntrusted(keys())).unwrap();
        assert_eq!(
            idx.signature.verdict,
            Verdict::Untrusted {
                reason: Untrusted::UnknownKey {
                    keys: named.clone()
                }
            }
        );
        refused += 1;
    }
    assert_eq!(refused, 8);
}

#[test]
fn every_index_parses_with_the_readme_counts() {
    let mut alpine_total = 0;
    for r in &REAL {
        let idx = IndexFile::parse(&read(r.dir), &Trust::AllowUntrusted).unwrap();
        assert_eq!(idx.packages.len(), r.packages, "{}", r.dir);
        assert_eq!(idx.description.as_deref(), Some(r.description), "{}", r.dir);
        assert_eq!(
            idx.signature.verdict,
            Verdict::Untrusted {
                reason: Untrusted::NotChecked
            }
        );
        assert_eq!(idx.signature.signatures.len(), 1);
        assert_eq!(idx.signature.signatures[0].key, r.key);
        if !r.dir.starts_with("wolfi") {
            alpine_total += idx.packages.len();
            // Every Alpine record has these fields (README).
            for p in &idx.packages {
                assert!(
                    p.checksum.is_some()
                        && p.arch.is_some()
                        && p.origin.is_some()
                        && p.build_time.is_some()
                );
            }
        }
    }
    assert_eq!(alpine_total, 90_783);
}

/// Facts of `alpine-formats.md` 2.1 about the v3.17 aarch64 sample.
#[test]
fn field_counts_of_the_v3_17_aarch64_sample() {
    let idx = IndexFile::parse(&read(REAL[8].dir), &Trust::Keys(keys())).unwrap();
    let p = &idx.packages;
    let count = |f: fn(&Package) -> bool| p.iter().filter(|x| f(x)).count();
    assert_eq!(p.len(), 5004);
    assert_eq!(count(|x| x.maintainer.is_some()), 4865);
    assert_eq!(count(|x| !x.depends.is_empty()), 3313);
    assert_eq!(count(|x| !x.provides.is_empty()), 2059);
    assert_eq!(count(|x| !x.install_if.is_empty()), 1553);
    assert_eq!(count(|x| x.provider_priority.is_some()), 120);
    assert_eq!(count(|x| !x.unknown.is_empty()), 0);
    // Subpackages map to their origin.
    let libssl = p.iter().find(|x| x.name == "libssl3").unwrap();
    assert_eq!(libssl.origin(), "openssl");
    // Records are not sorted by name.
    assert!(p.windows(2).any(|w| w[0].name > w[1].name));
}

/// parse → write → parse on every real index: the text apk wrote comes
/// back byte for byte, and the packages are equal.
#[test]
fn write_stanza_round_trips_every_real_index_byte_for_byte() {
    for r in &REAL {
        let archive = open_untrusted(&read(r.dir));
        let packages = index::parse_packages(archive.apkindex()).unwrap();
        let written = index::write_packages(&packages);
        assert!(
            written.as_bytes() == archive.apkindex(),
            "{}: written text differs",
            r.dir
        );
        assert_eq!(index::parse_packages(written.as_bytes()).unwrap(), packages);
    }
}

/// Replaces the data after member 1 of a real file, keeping its signature.
fn with_signed_part(bytes: &[u8], offset: usize, f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut rest = bytes[offset..].to_vec();
    f(&mut rest);
    [&bytes[..offset], &rest[..]].concat()
}

#[test]
fn a_flipped_byte_after_the_signature_is_a_bad_signature_naming_the_key() {
    let r = &REAL[8];
    let bytes = read(r.dir);
    for pos in [0, 1000, bytes.len() - r.member1 - 1] {
        let tampered = with_signed_part(&bytes, r.member1, |rest| rest[pos] ^= 0x01);
        let err = IndexFile::parse(&tampered, &Trust::Keys(keys())).unwrap_err();
        let IndexError::Untrusted(Untrusted::BadSignature { key, scheme }) = &err else {
            panic!("{pos}: {err}")
        };
        assert_eq!((key.as_str(), scheme), (r.key, &SignatureScheme::RsaSha1));
        assert!(err.to_string().contains(r.key), "{err}");
    }
    // Appending data is tampering too.
    let longer = with_signed_part(&bytes, r.member1, |rest| rest.push(0));
    assert!(matches!(
        IndexFile::parse(&longer, &Trust::Keys(keys())),
        Err(IndexError::Untrusted(Untrusted::BadSignature { .. }))
    ));
}

#[test]
fn a_flipped_byte_in_the_signature_itself_is_refused() {
    let r = &REAL[7];
    let bytes = read(r.dir);
    let archive = open_untrusted(&bytes);
    let mut sig_member = tar_entries(&[(&format!(".SIGN.RSA.{}", r.key), &{
        let mut s = archive.signature.signatures[0].bytes.clone();
        s[100] ^= 0x80;
        s
    })]);
    sig_member.truncate(sig_member.len() - 1024); // abuild-tar --cut
    let forged = [gzip(&sig_member), bytes[r.member1..].to_vec()].concat();
    let err = IndexFile::parse(&forged, &Trust::Keys(keys())).unwrap_err();
    assert!(
        matches!(err, IndexError::Untrusted(Untrusted::BadSignature { .. })),
        "{err}"
    );
    // The original signature, re-wrapped the same way, still verifies:
    // the check does not depend on how member 1 was compressed.
    let mut same = tar_entries(&[(
        &format!(".SIGN.RSA.{}", r.key),
        &archive.signature.signatures[0].bytes,
    )]);
    same.truncate(same.len() - 1024);
    let rewrapped = [gzip(&same), bytes[r.member1..].to_vec()].concat();
    assert!(
        IndexFile::parse(&rewrapped, &Trust::Keys(keys()))
            .unwrap()
            .signature
            .is_trusted()
    );
}

#[test]
fn truncated_gzip_is_an_error() {
    let bytes = read(REAL[9].dir);
    for len in [
        2,
        10,
        300,
        REAL[9].member1 + 20,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let err = IndexFile::parse(&bytes[..len], &Trust::AllowUntrusted).unwrap_err();
        assert!(
            matches!(err, IndexError::Gzip { .. } | IndexError::Tar { .. }),
            "{len}: {err}"
        );
        // With keys, a truncation after member 1 fails the signature first.
        if len > REAL[9].member1 {
            let err = IndexFile::parse(&bytes[..len], &Trust::Keys(keys())).unwrap_err();
            assert!(
                matches!(err, IndexError::Untrusted(Untrusted::BadSignature { .. })),
                "{err}"
            );
        }
    }
    // Cut right after member 1: nothing to verify or read.
    let err = IndexFile::parse(&bytes[..REAL[9].member1], &Trust::AllowUntrusted).unwrap_err();
    assert!(matches!(err, IndexError::NoIndexData), "{err}");
}

#[test]
fn empty_and_non_gzip_input() {
    assert!(matches!(
        IndexFile::parse(b"", &Trust::AllowUntrusted),
        Err(IndexError::Empty)
    ));
    let err = IndexFile::parse(b"C:Q1...\nP:foo\n", &Trust::AllowUntrusted).unwrap_err();
    assert!(matches!(err, IndexError::NotGzip { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "not gzip data (starts with [43, 3a, 51, 31]): not an APKINDEX.tar.gz"
    );
    assert!(matches!(
        IndexFile::parse(b"\x1f", &Trust::AllowUntrusted),
        Err(IndexError::NotGzip { .. })
    ));
    // Garbage after the last member.
    let bytes = read(REAL[9].dir);
    let junk = [bytes.clone(), b"junk".to_vec()].concat();
    assert!(matches!(
        IndexFile::parse(&junk, &Trust::AllowUntrusted),
        Err(IndexError::Gzip { .. })
    ));
}

#[test]
fn an_unsigned_index_is_refused_unless_allowed() {
    let r = &REAL[10];
    let bytes = read(r.dir);
    let unsigned = &bytes[r.member1..];
    let err = IndexFile::parse(unsigned, &Trust::Keys(keys())).unwrap_err();
    assert!(
        matches!(err, IndexError::Untrusted(Untrusted::Unsigned)),
        "{err}"
    );
    assert_eq!(err.to_string(), "the index is not signed");
    for trust in [Trust::AllowUntrusted, Trust::KeysOrUntrusted(keys())] {
        let idx = IndexFile::parse(unsigned, &trust).unwrap();
        assert_eq!(
            idx.signature.verdict,
            Verdict::Untrusted {
                reason: Untrusted::Unsigned
            }
        );
        assert_eq!(idx.packages.len(), r.packages);
        assert!(idx.signature.signatures.is_empty());
    }
}

#[test]
fn an_unknown_key_is_named() {
    let r = &REAL[8]; // signed by 616ae350
    let mut only_other = Keyring::new();
    let pem = std::fs::read_to_string(secfixes_testdata::path(
        "keys/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
    ))
    .unwrap();
    only_other
        .add_pem("alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub", &pem)
        .unwrap();
    let err = IndexFile::parse(&read(r.dir), &Trust::Keys(&only_other)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("signed by unknown key {} (not in the keyring)", r.key)
    );
    // The right key under the wrong name is still an unknown key: names matter, as in apk.
    let mut misnamed = Keyring::new();
    let pem616 =
        std::fs::read_to_string(secfixes_testdata::path(&format!("keys/{}", r.key))).unwrap();
    misnamed
        .add_pem("some-other-name.rsa.pub", &pem616)
        .unwrap();
    assert!(IndexFile::parse(&read(r.dir), &Trust::Keys(&misnamed)).is_err());
    // The other key under this name: a bad signature naming the key.
    let mut wrong = Keyring::new();
    wrong.add_pem(r.key, &pem).unwrap();
    let err = IndexFile::parse(&read(r.dir), &Trust::Keys(&wrong)).unwrap_err();
    assert!(
        matches!(err, IndexError::Untrusted(Untrusted::BadSignature { .. })),
        "{err}"
    );
}

// --- Building archives in memory -----------------------------------------

/// A tar stream (with end blocks) of regular files, headers as abuild
/// writes them (mode 0644, owner 0).
fn tar_entries(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// The APKINDEX text of a real index.
fn real_text(i: usize) -> Vec<u8> {
    open_untrusted(&read(REAL[i].dir)).apkindex().to_vec()
}

/// An unsigned index holding `apkindex`.
fn unsigned_index(apkindex: &[u8]) -> Vec<u8> {
    gzip(&tar_entries(&[
        ("DESCRIPTION", b"test"),
        ("APKINDEX", apkindex),
    ]))
}

fn parse_untrusted(bytes: &[u8]) -> Result<IndexFile, IndexError> {
    IndexFile::parse(bytes, &Trust::AllowUntrusted)
}

#[test]
fn a_rebuilt_unsigned_index_parses_like_the_original() {
    let text = real_text(11);
    let idx = parse_untrusted(&unsigned_index(&text)).unwrap();
    assert_eq!(idx.description.as_deref(), Some("test"));
    assert_eq!(idx.packages, index::parse_packages(&text).unwrap());
}

#[test]
fn a_tar_member_that_is_not_a_regular_file_is_an_error() {
    for kind in [
        tar::EntryType::Symlink,
        tar::EntryType::Directory,
        tar::EntryType::Fifo,
    ] {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_ustar();
        h.set_size(0);
        h.set_entry_type(kind);
        if kind == tar::EntryType::Symlink {
            h.set_link_name("/etc/shadow").unwrap();
        }
        b.append_data(&mut h, "APKINDEX", &[][..]).unwrap();
        let bytes = gzip(&b.into_inner().unwrap());
        let err = parse_untrusted(&bytes).unwrap_err();
        let IndexError::NotRegularFile { name, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(name, "APKINDEX");
        assert!(
            err.to_string()
                .starts_with("tar entry \"APKINDEX\" is not a regular file"),
            "{err}"
        );
    }
}

#[test]
fn a_100_mb_line_is_an_error_naming_the_line() {
    let mut text = b"C:Q1tduNGDYV/KwvztK0sMium7UfSj0=\nP:big\nV:1-r0\nT:".to_vec();
    text.resize(text.len() + 100_000_000, b'a');
    text.extend_from_slice(b"\n\n");
    let bytes = unsigned_index(&text);
    drop(text);
    let err = parse_untrusted(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            IndexError::Record(StanzaError::LineTooLong { line: 4, .. })
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "APKINDEX line 4: longer than the limit of 1048576 bytes"
    );
}

#[test]
fn a_gzip_bomb_is_refused() {
    // 64 MB of zeros compress to about 64 KB.
    let bomb = unsigned_index(&vec![0u8; 64 << 20]);
    assert!(bomb.len() < 1 << 20);
    let limits = Limits {
        max_decompressed: 16 << 20,
        ..Limits::default()
    };
    let err = IndexFile::parse_with_limits(&bomb, &Trust::AllowUntrusted, &limits).unwrap_err();
    assert!(
        matches!(err, IndexError::TooLarge { limit, .. } if limit == 16 << 20),
        "{err}"
    );
    // Real files stay far below the default limit; a tight limit refuses them.
    let tight = Limits {
        max_decompressed: 1 << 20,
        ..Limits::default()
    };
    let err = IndexFile::parse_with_limits(&read(REAL[0].dir), &Trust::AllowUntrusted, &tight)
        .unwrap_err();
    assert!(matches!(err, IndexError::TooLarge { .. }), "{err}");
}

#[test]
fn invalid_utf8_names_line_and_field() {
    let mut text = real_text(9);
    // Corrupt the value of the T: line of the second record.
    let second = text.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
    let t_at = second
        + text[second..]
            .windows(3)
            .position(|w| w == b"\nT:")
            .unwrap()
        + 1;
    let line = text[..t_at].iter().filter(|&&b| b == b'\n').count() + 1;
    text[t_at + 3] = 0xff;
    let err = parse_untrusted(&unsigned_index(&text)).unwrap_err();
    let IndexError::Record(StanzaError::InvalidUtf8 {
        line: l,
        letter,
        offset,
    }) = err
    else {
        panic!("{err}")
    };
    assert_eq!((l, letter, offset), (line, 'T', 1));
}

#[test]
fn a_stanza_without_p_names_its_first_line() {
    let text = String::from_utf8(real_text(9)).unwrap();
    // Drop the P: line of the third record.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices("\n\n").map(|(i, _)| i + 2))
        .take(3)
        .collect();
    let third = starts[2];
    let p_line = third + text[third..].find("\nP:").unwrap() + 1;
    let p_end = p_line + text[p_line..].find('\n').unwrap() + 1;
    let broken = format!("{}{}", &text[..p_line], &text[p_end..]);
    let record_line = text[..third].matches('\n').count() + 1;
    let err = parse_untrusted(&unsigned_index(broken.as_bytes())).unwrap_err();
    let IndexError::Record(StanzaError::MissingField {
        line, letter: 'P', ..
    }) = err
    else {
        panic!("{err}")
    };
    assert_eq!(line, record_line);
    assert_eq!(
        IndexError::Record(StanzaError::MissingField {
            line,
            letter: 'P',
            what: "package name"
        })
        .to_string(),
        format!("APKINDEX record at line {record_line}: no P: field (package name)")
    );
}

#[test]
fn other_archive_shapes_are_errors() {
    // No APKINDEX entry.
    let err = parse_untrusted(&gzip(&tar_entries(&[("DESCRIPTION", b"x")]))).unwrap_err();
    assert!(matches!(err, IndexError::MissingApkindex), "{err}");
    // A package, not an index.
    let err = parse_untrusted(&gzip(&tar_entries(&[(".PKGINFO", b"pkgname = x\n")]))).unwrap_err();
    assert!(matches!(err, IndexError::UnexpectedDotFile { .. }), "{err}");
    // APKINDEX twice.
    let err = parse_untrusted(&gzip(&tar_entries(&[
        ("APKINDEX", b"P:a\nV:1\n"),
        ("APKINDEX", b""),
    ])))
    .unwrap_err();
    assert!(matches!(err, IndexError::DuplicateEntry { .. }), "{err}");
    // A signature member that also holds the index.
    let mut member1 = tar_entries(&[(".SIGN.RSA.k.rsa.pub", b"sig"), ("DESCRIPTION", b"x")]);
    member1.truncate(member1.len() - 1024);
    let bytes = [gzip(&member1), unsigned_index(b"P:a\nV:1\n")].concat();
    let err = parse_untrusted(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the signature member holds \"DESCRIPTION\": it may hold only .SIGN.<ALG>.<key> entries"
    );
    // Other plain files are ignored, as apk does; no DESCRIPTION is fine.
    let idx = parse_untrusted(&gzip(&tar_entries(&[
        ("README", b"hi"),
        ("APKINDEX", b"P:a\nV:1"),
    ])))
    .unwrap();
    assert_eq!((idx.description, idx.packages.len()), (None, 1));
}

// --- Signing with generated keys: RSA256/RSA512 and key lookup ----------

mod signing {
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::{Pkcs1v15Sign, RsaPrivateKey};
    use sha2::Digest;

    use super::*;

    pub(super) fn key(seed: u64) -> &'static RsaPrivateKey {
        static KEYS: OnceLock<[RsaPrivateKey; 2]> = OnceLock::new();
        let keys = KEYS.get_or_init(|| {
            let generate = |s| RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(s), 1024).unwrap();
            [generate(1), generate(2)]
        });
        &keys[usize::try_from(seed).unwrap()]
    }

    pub(super) fn keyring(name: &str, k: &RsaPrivateKey) -> Keyring {
        let pem = k.to_public_key().to_public_key_pem(LineEnding::LF).unwrap();
        let mut ring = Keyring::new();
        ring.add_pem(name, &pem).unwrap();
        ring
    }

    /// abuild-sign: sign the compressed bytes, tar the signature, cut the
    /// end blocks, gzip, prepend.
    pub(super) fn sign(unsigned: &[u8], alg: &str, key_name: &str, k: &RsaPrivateKey) -> Vec<u8> {
        let sig = match alg {
            "RSA" => k.sign(
                Pkcs1v15Sign::new::<sha1::Sha1>(),
                &sha1::Sha1::digest(unsigned),
            ),
            "RSA256" => k.sign(
                Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(unsigned),
            ),
            _ => k.sign(
                Pkcs1v15Sign::new::<sha2::Sha512>(),
                &sha2::Sha512::digest(unsigned),
            ),
        }
        .unwrap();
        let mut member = tar_entries(&[(&format!(".SIGN.{alg}.{key_name}"), &sig)]);
        member.truncate(member.len() - 1024);
        [gzip(&member), unsigned.to_vec()].concat()
    }

    #[test]
    fn rsa_sha1_sha256_and_sha512_verify() {
        let unsigned = unsigned_index(b"P:a\nV:1-r0\n");
        let ring = keyring("test.rsa.pub", key(0));
        for (alg, scheme) in [
            ("RSA", SignatureScheme::RsaSha1),
            ("RSA256", SignatureScheme::RsaSha256),
            ("RSA512", SignatureScheme::RsaSha512),
        ] {
            let signed = sign(&unsigned, alg, "test.rsa.pub", key(0));
            let idx = IndexFile::parse(&signed, &Trust::Keys(&ring)).unwrap();
            assert_eq!(
                idx.signature.verdict,
                Verdict::Trusted {
                    key: "test.rsa.pub".into(),
                    scheme
                }
            );
            // Signed by another key under the same name: bad signature.
            let forged = sign(&unsigned, alg, "test.rsa.pub", key(1));
            let err = IndexFile::parse(&forged, &Trust::Keys(&ring)).unwrap_err();
            assert!(
                matches!(err, IndexError::Untrusted(Untrusted::BadSignature { .. })),
                "{alg}: {err}"
            );
        }
    }

    #[test]
    fn the_first_signature_by_a_trusted_key_decides() {
        let unsigned = unsigned_index(b"P:a\nV:1-r0\n");
        let ring = keyring("trusted.rsa.pub", key(0));
        // Member 1 with two signatures: an unknown key first, then ours.
        let good = key(0)
            .sign(
                Pkcs1v15Sign::new::<sha1::Sha1>(),
                &sha1::Sha1::digest(&unsigned),
            )
            .unwrap();
        let mut member = tar_entries(&[
            (".SIGN.RSA.unknown.rsa.pub", b"whatever"),
            (".SIGN.RSA.trusted.rsa.pub", &good),
        ]);
        member.truncate(member.len() - 1024);
        let signed = [gzip(&member), unsigned.clone()].concat();
        let idx = IndexFile::parse(&signed, &Trust::Keys(&ring)).unwrap();
        assert!(idx.signature.is_trusted());
        assert_eq!(idx.signature.signatures.len(), 2);
        // A DSA signature by a trusted key is not usable.
        let mut member = tar_entries(&[(".SIGN.DSA.trusted.rsa.pub", b"x")]);
        member.truncate(member.len() - 1024);
        let dsa = [gzip(&member), unsigned].concat();
        let err = IndexFile::parse(&dsa, &Trust::Keys(&ring)).unwrap_err();
        assert!(
            matches!(
                err,
                IndexError::Untrusted(Untrusted::UnsupportedScheme { .. })
            ),
            "{err}"
        );
    }

    #[test]
    fn a_real_index_re_signed_with_a_new_field_verifies() {
        // The shape of a later change: add a field to every stanza, write the
        // index back, sign it again.
        let mut packages = index::parse_packages(&real_text(9)).unwrap();
        for p in &mut packages {
            p.unknown.push(index::UnknownField {
                letter: 'x',
                value: "added".into(),
            });
        }
        let text = index::write_packages(&packages);
        let signed = sign(
            &unsigned_index(text.as_bytes()),
            "RSA256",
            "k.rsa.pub",
            key(1),
        );
        let idx = IndexFile::parse(&signed, &Trust::Keys(&keyring("k.rsa.pub", key(1)))).unwrap();
        assert_eq!(idx.packages, packages);
        assert!(idx.packages.iter().all(|p| p.unknown.len() == 1));
    }
}

#[test]
fn keyring_from_dir_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let err = Keyring::from_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("holds no key files"), "{err}");
    std::fs::write(
        dir.path().join("broken.rsa.pub"),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    let err = Keyring::from_dir(dir.path()).unwrap_err();
    assert!(
        err.to_string().starts_with("key broken.rsa.pub: not a PEM"),
        "{err}"
    );
    let err = Keyring::from_dir(&dir.path().join("missing")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot read the keys directory"),
        "{err}"
    );
}

mod mutations {
    use proptest::prelude::*;

    use super::*;

    /// A small index (six real records) signed with a test key, and the
    /// keyring that trusts it.
    fn small_signed() -> &'static (Vec<u8>, Vec<Package>, Keyring) {
        static SMALL: OnceLock<(Vec<u8>, Vec<Package>, Keyring)> = OnceLock::new();
        SMALL.get_or_init(|| {
            let text = real_text(8);
            let six: usize = text
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w == b"\n\n")
                .nth(5)
                .unwrap()
                .0
                + 2;
            let packages = index::parse_packages(&text[..six]).unwrap();
            let k = signing::key(0);
            let signed = signing::sign(&unsigned_index(&text[..six]), "RSA", "k.rsa.pub", k);
            (signed, packages, signing::keyring("k.rsa.pub", k))
        })
    }

    #[test]
    fn the_unmutated_index_is_trusted() {
        let (orig, packages, keys) = small_signed();
        let idx = IndexFile::parse(orig, &Trust::Keys(keys)).unwrap();
        assert_eq!(&idx.packages, packages);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Flipped bytes and truncation never panic; whatever still parses
        /// as trusted has exactly the original packages.
        #[test]
        fn mutated_indexes_never_panic(
            flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 0..4),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            prop_assume!(!flips.is_empty() || truncate);
            let (orig, packages, keys) = small_signed();
            let mut bytes = orig.clone();
            for (at, x) in flips {
                let i = at.index(bytes.len());
                bytes[i] ^= x;
            }
            if truncate {
                bytes.truncate(cut.index(bytes.len()));
            }
            let mut trusted = 0;
            for trust in [Trust::AllowUntrusted, Trust::KeysOrUntrusted(keys), Trust::Keys(keys)] {
                if let Ok(idx) = IndexFile::parse(&bytes, &trust)
                    && idx.signature.is_trusted()
                {
                    trusted += 1;
                    prop_assert_eq!(&idx.packages, packages);
                }
            }
            // Trust does not depend on the mode that asked for it.
            prop_assert!(trusted == 0 || trusted == 2);
        }

    }
}
