//! Security data inside a signed `APKINDEX.tar.gz`: the `SECFIXES` member.
//!
//! A distribution already signs its index; carrying the secdb data inside
//! it lets a client (`secfixes scan --index`) learn which ids each
//! available package version fixes from one signed download, with no
//! second trust channel.
//!
//! # Where the data goes, and why not in a field
//!
//! The obvious place, an extra lowercase field in each `APKINDEX` stanza,
//! is ignored by apk-tools, but not silently: `apk_pkgtmpl_add_info`
//! (`src/package.c`, 2.x `apk_pkg_add_info`) sets `db->compat_newfeatures`
//! for any unknown field ("lower case index entries are safe to be
//! ignored"), and `apk_db_open` (`src/database.c`, 2.14-stable and master)
//! then prints `WARNING: This apk-tools is OLD! Some packages might not
//! function properly.` on **every** command that loads the repositories
//! (`apk add`, `upgrade`, `info`, `search`, …). An unknown uppercase field is
//! worse: the package becomes uninstallable. The installed-db letters
//! (`F M R Z r q a s f`, and `g` on 3.x) are skipped without a warning in an
//! index, but they have a meaning in the installed database, and a future
//! apk is free to read them from indexes.
//!
//! So the data is an **extra tar member** of the signed stream instead:
//! - apk reads only `DESCRIPTION` and `APKINDEX` from an index and skips any
//!   other non-dot member: `load_apkindex` (`src/database.c@2.14-stable`)
//!   compares the name with those two and returns 0 otherwise;
//!   `apk_extract_v2_entry` (`src/extract_v2.c@master`) does the same once
//!   the stream is an index. The name must not start with `.` (a dot file
//!   marks a package, and mixing both is `-APKE_V2NDX_FORMAT`).
//! - It must sit in the **same gzip member** as `APKINDEX`: apk 3's
//!   `apk_sign_ctx_mpart_cb` fails with `-APKE_FORMAT_INVALID` on a gzip
//!   member boundary after the data started (2.14 tolerates it, setting
//!   `has_multiple_data_parts`).
//! - The signature covers it like the rest (it is part of the compressed
//!   bytes after the signature member), so the security data is exactly as
//!   trustworthy as the package list.
//!
//! # Layout written by [`annotate`]
//!
//! Member 1: one `.SIGN.RSA.<keyname>` (or `.SIGN.RSA256.<keyname>`) tar
//! entry, without tar end blocks, gzip (as `abuild-sign` writes it).
//! Member 2: tar entries `DESCRIPTION` (when the input had one, unchanged),
//! `APKINDEX` (byte-identical to the input's), `SECFIXES`, then two zero
//! blocks; GNU tar headers, mode 0644, owner 0:0 `root`, the mtime of the
//! input's `APKINDEX`; gzip level 9, no name, mtime 0. The signature is RSA
//! PKCS#1 v1.5 over SHA-1 (SHA-256 for `RSA256`) of the compressed member 2.
//!
//! # The `SECFIXES` member, format version 1
//!
//! UTF-8 text in the record syntax of `APKINDEX` itself (`X:value` lines,
//! records separated by a blank line; [`crate::stanza`]):
//!
//! ```text
//! v:1
//! s:v3.14/main
//! s:v3.14/community
//!
//! o:openssl
//! V:1.1.1l-r0
//! f:1.1.1j-r0 CVE-2021-23841 CVE-2021-23840 CVE-2021-23839
//! f:1.1.1k-r0 CVE-2021-3450 CVE-2021-3449
//! f:1.1.1l-r0 CVE-2021-3711 CVE-2021-3712
//! n:CVE-2022-1292
//! ```
//!
//! - The first record is the header: `v:` the format version (`1`), then one
//!   `s:` per secdb document the data came from (`<distroversion>/<reponame>`).
//! - Then one record per (origin, version) present in the index, sorted by
//!   origin then version (byte order). It applies to **every package of the
//!   index whose `o:` and `V:` are these** (a subpackage such as `libssl1.1`
//!   has `o:openssl`); a package without `o:` is its own origin.
//! - `f:<fixed version> <id>…`: one line per secdb key of that origin whose
//!   version is **lower than or equal to** `V:` in apk order, ascending: every
//!   fix this package version contains, each with the version that brought
//!   it, so that a client with an older version installed knows which ids an
//!   upgrade closes and from which version on. Ids are those
//!   [`crate::secfixes::split_entry`] finds in the secdb entry strings,
//!   without duplicates, in secdb order.
//! - `n:<id>…`: ids of the secdb key `0` (not affected), when there are any.
//! - Keys that are not valid apk versions are left out (the annotator
//!   reports them), as is a record with nothing to say.
//! - Readers ignore unknown lowercase letters and refuse unknown uppercase
//!   ones, as apk does with index fields, so that later versions can add
//!   optional data.
//!
//! # In this module
//!
//! - [`annotate`]: index + secdb documents + key → annotated index;
//!   [`write_signed_index`] and [`SigningKey`] do the writing and signing.
//! - [`SecfixesIndex`]: the member, built ([`SecfixesIndex::build`]),
//!   written and read.
//! - Two readers of an (annotated or plain) index, with the signature rules
//!   of [`crate::index::IndexArchive`]: [`IndexData`] keeps the whole
//!   decompressed archive (what annotating needs: the `APKINDEX` bytes);
//!   [`summarize_index`] streams it, keeping only `P:`/`V:`/`o:` of each
//!   package and the `SECFIXES` member (what a scan needs, in a fraction of
//!   the memory and time).
//! - [`index_entries`]: the `P:`/`V:`/`o:` view of an `APKINDEX` text.

mod member;
mod read;
mod sign;
mod stream;
mod tarball;

pub use member::{
    BuildReport, FixLine, SecfixesIndex, SecfixesIndexError, SecfixesRecord, SkippedKey,
};
pub use read::{IndexData, IndexEntry, index_entries};
pub use sign::{SignAlgorithm, SigningKey, write_signed_index};
pub use stream::{IndexSummary, summarize_index};

use crate::index::{IndexError, Limits, SignatureInfo, Trust};
use crate::secdb::Secdb;
use crate::stanza::StanzaError;
use crate::version::Scheme;

/// The tar member name of the security data.
pub const SECFIXES_ENTRY: &str = "SECFIXES";

/// The format version [`SecfixesIndex::to_text`] writes and the reader
/// accepts.
pub const FORMAT_VERSION: u32 = 1;

/// Why an index cannot be annotated or written.
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// The input index cannot be opened or is refused.
    #[error("input index: {0}")]
    Index(#[from] IndexError),
    /// The input's `APKINDEX` text does not parse.
    #[error("input index: APKINDEX {0}")]
    Apkindex(#[from] StanzaError),
    /// The private key cannot be read.
    #[error("private key {name}: {reason}")]
    Key {
        /// The key name.
        name: String,
        /// Why.
        reason: String,
    },
    /// The key name cannot be a tar entry name.
    #[error("key name {0:?}: must be a plain file name (no '/', not empty, at most 90 bytes)")]
    KeyName(String),
    /// Signing failed.
    #[error("signing with key {name}: {reason}")]
    Sign {
        /// The key name.
        name: String,
        /// Why.
        reason: String,
    },
    /// Writing the archive failed (in memory: a tar header field overflow).
    #[error("writing the index: {0}")]
    Write(#[source] std::io::Error),
}

/// The result of [`annotate`].
#[derive(Debug, Clone)]
pub struct Annotated {
    /// The new `APKINDEX.tar.gz`.
    pub bytes: Vec<u8>,
    /// The security data written.
    pub secfixes: SecfixesIndex,
    /// What was left out.
    pub report: BuildReport,
    /// Number of packages in the index.
    pub packages: usize,
    /// The input's verdict.
    pub input_signature: SignatureInfo,
}

/// Annotates an index: keeps `DESCRIPTION` and `APKINDEX` byte for byte,
/// replaces any `SECFIXES` member by one built from `secdbs` (versions
/// compared with `scheme`), and signs the result with `key`.
pub fn annotate(
    input: &[u8],
    trust: &Trust<'_>,
    secdbs: &[&Secdb],
    scheme: Scheme,
    key: &SigningKey,
    alg: SignAlgorithm,
) -> Result<Annotated, AnnotateError> {
    let index = IndexData::parse(input, trust, &Limits::default())?;
    let entries = index_entries(index.apkindex())?;
    let (secfixes, report) = SecfixesIndex::build(entries.iter().copied(), secdbs, scheme);
    let text = secfixes.to_text();
    let mut members: Vec<(&str, &[u8])> = Vec::with_capacity(3);
    if let Some(d) = &index.archive.description {
        members.push(("DESCRIPTION", d.as_bytes()));
    }
    members.push(("APKINDEX", index.apkindex()));
    members.push((SECFIXES_ENTRY, text.as_bytes()));
    let bytes = write_signed_index(&members, index.apkindex_mtime, key, alg)?;
    Ok(Annotated {
        bytes,
        secfixes,
        report,
        packages: entries.len(),
        input_signature: index.archive.signature.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::read::{fast_index_entries, slow_index_entries};
    use super::sign::test_key;
    use super::*;
    use crate::index::{IndexArchive, Keyring};
    use proptest::prelude::*;
    use secfixes_model::VulnId;

    const SECDB: &str = r#"{"apkurl":"a","archs":["x86_64"],"reponame":"main","urlprefix":"u","distroversion":"v3.14",
      "packages":[
        {"pkg":{"name":"openssl","secfixes":{
            "1.1.1l-r0":["CVE-2021-3711","CVE-2021-3712"],
            "1.1.1j-r0":["CVE-2021-23841 CVE-2021-23840","CVE-2021-23841"],
            "1.1.1k-r0":["CVE-2021-3450"],
            "1.1.1.-r9":["CVE-1999-0001"],
            "0":["CVE-2022-1292"]}}},
        {"pkg":{"name":"zlib","secfixes":{"1.2.12-r0":["CVE-2018-25032"]}}},
        {"pkg":{"name":"busybox","secfixes":{"0":["CVE-2021-42373"]}}}
      ]}"#;

    fn entry<'a>(name: &'a str, version: &'a str, origin: &'a str) -> IndexEntry<'a> {
        IndexEntry {
            name,
            version,
            origin,
            line: 1,
        }
    }

    #[test]
    fn build_keeps_the_fixes_up_to_each_version() {
        let db = Secdb::from_json_str(SECDB).unwrap();
        let pkgs = [
            entry("libssl1.1", "1.1.1k-r0", "openssl"),
            entry("libcrypto1.1", "1.1.1k-r0", "openssl"),
            entry("openssl", "1.1.1k-r0", "openssl"),
            entry("zlib", "1.2.11-r3", "zlib"),
            entry("busybox", "1.33.1-r3", "busybox"),
            entry("curl", "7.79.1-r0", "curl"),
            entry("weird", "1.0-bad", "openssl"),
        ];
        let (idx, report) = SecfixesIndex::build(pkgs, &[&db], Scheme::Apk3);
        assert_eq!(idx.sources, ["v3.14/main"]);
        // zlib's only fix is newer than the index version; curl has no data.
        let names: Vec<_> = idx
            .records
            .iter()
            .map(|r| (r.origin.as_str(), r.version.as_str()))
            .collect();
        assert_eq!(names, [("busybox", "1.33.1-r3"), ("openssl", "1.1.1k-r0")]);
        let ossl = idx.record("openssl", "1.1.1k-r0").unwrap();
        let lines: Vec<_> = ossl
            .fixes
            .iter()
            .map(|f| {
                (
                    f.version.as_str(),
                    f.ids.iter().map(VulnId::as_str).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("1.1.1j-r0", vec!["CVE-2021-23841", "CVE-2021-23840"]),
                ("1.1.1k-r0", vec!["CVE-2021-3450"])
            ]
        );
        assert_eq!(ossl.not_affected, [VulnId::new("CVE-2022-1292").unwrap()]);
        assert_eq!(report.invalid_keys.len(), 1);
        assert_eq!(report.invalid_keys[0].key, "1.1.1.-r9");
        assert_eq!(
            report.invalid_versions,
            [("weird".to_owned(), "1.0-bad".to_owned())]
        );

        let text = idx.to_text();
        assert_eq!(
            text,
            "v:1\ns:v3.14/main\n\no:busybox\nV:1.33.1-r3\nn:CVE-2021-42373\n\n\
             o:openssl\nV:1.1.1k-r0\nf:1.1.1j-r0 CVE-2021-23841 CVE-2021-23840\nf:1.1.1k-r0 CVE-2021-3450\nn:CVE-2022-1292\n"
        );
        assert_eq!(SecfixesIndex::parse(text.as_bytes()).unwrap(), idx);
    }

    #[test]
    fn the_scheme_decides_which_keys_are_versions() {
        // sudo's Baron Samedit fix (real secdb key): valid for apk-tools 2
        // only, where it sorts after 1.9.5p1.
        let db = Secdb::from_json_str(
            r#"{"apkurl":"a","archs":[],"reponame":"main","urlprefix":"u","distroversion":"v3.13",
                "packages":[{"pkg":{"name":"sudo","secfixes":{"1.9.5p2-r0":["CVE-2021-3156"]}}}]}"#,
        )
        .unwrap();
        let pkgs = [entry("sudo", "1.9.5p2-r0", "sudo")];
        let (idx, report) = SecfixesIndex::build(pkgs, &[&db], Scheme::Apk2);
        assert!(report.invalid_keys.is_empty());
        assert_eq!(idx.records[0].fixes[0].version, "1.9.5p2-r0");
        let (idx, report) =
            SecfixesIndex::build([entry("sudo", "1.9.5p1-r0", "sudo")], &[&db], Scheme::Apk2);
        assert!(
            idx.records.is_empty(),
            "1.9.5p1 does not contain the 1.9.5p2 fix"
        );
        assert!(report.invalid_keys.is_empty());
        let (idx, report) = SecfixesIndex::build(pkgs, &[&db], Scheme::Apk3);
        assert!(idx.records.is_empty());
        assert_eq!(report.invalid_keys[0].key, "1.9.5p2-r0");
        assert_eq!(
            report.invalid_versions,
            [("sudo".to_owned(), "1.9.5p2-r0".to_owned())]
        );
    }

    #[test]
    fn reader_errors_name_line_and_field() {
        let cases: [(&str, &str); 7] = [
            ("", "no v:"),
            ("s:x\n", "no v:"),
            ("v:2\n", "format version \"2\""),
            ("v:1\n\nV:1\n", "no o: field"),
            (
                "v:1\n\no:a\nV:1\nf:1.0\n",
                "line 5, field f: no id after 1.0",
            ),
            (
                "v:1\n\no:a\nV:1\nf:1.0 (note)\n",
                "line 5, field f: not a vulnerability id",
            ),
            (
                "v:1\n\no:a\nV:1\nX:new\n",
                "line 5, field X: unknown required",
            ),
        ];
        for (text, needle) in cases {
            let e = SecfixesIndex::parse(text.as_bytes()).unwrap_err();
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
        }
        // Unknown lowercase fields are ignored.
        let ok =
            SecfixesIndex::parse(b"v:1\nz:later\n\no:a\nV:1\ny:x\nf:1 CVE-2020-0001\n").unwrap();
        assert_eq!(ok.records[0].fixes[0].ids[0].as_str(), "CVE-2020-0001");
    }

    #[test]
    fn written_indexes_verify_and_keep_every_member() {
        let key = test_key();
        let mut ring = Keyring::new();
        ring.add_pem(key.name(), &key.public_key_pem().unwrap())
            .unwrap();
        let apkindex = b"C:Q1tduNGDYV/KwvztK0sMium7UfSj0=\nP:zlib\nV:1.2.12-r0\no:zlib\n\n";
        for alg in [SignAlgorithm::RsaSha1, SignAlgorithm::RsaSha256] {
            let bytes = write_signed_index(
                &[
                    ("DESCRIPTION", b"v3.14.0-1-gabc"),
                    ("APKINDEX", apkindex),
                    (SECFIXES_ENTRY, b"v:1\n"),
                ],
                1_600_000_000,
                &key,
                alg,
            )
            .unwrap();
            // H1's reader accepts it and skips the extra member.
            let a = IndexArchive::parse(&bytes, &Trust::Keys(&ring), &Limits::default()).unwrap();
            assert_eq!(a.apkindex(), apkindex);
            assert_eq!(a.description.as_deref(), Some("v3.14.0-1-gabc"));
            assert!(a.signature.is_trusted());
            let d = IndexData::parse(&bytes, &Trust::Keys(&ring), &Limits::default()).unwrap();
            assert_eq!(d.apkindex(), apkindex);
            assert_eq!(d.secfixes_text(), Some(&b"v:1\n"[..]));
            assert_eq!(d.apkindex_mtime, 1_600_000_000);
            // One byte changed after the signature: refused.
            let mut bad = bytes.clone();
            let last = bad.len() - 12;
            bad[last] ^= 1;
            assert!(IndexData::parse(&bad, &Trust::Keys(&ring), &Limits::default()).is_err());
        }
    }

    #[test]
    fn index_entries_reads_p_v_o() {
        let text = b"P:a\nV:1-r0\n\nC:Q1tduNGDYV/KwvztK0sMium7UfSj0=\nP:libb\nV:2-r1\no:b\nD:a\n\n";
        let e = index_entries(text).unwrap();
        assert_eq!(
            e,
            [
                entry("a", "1-r0", "a"),
                IndexEntry {
                    name: "libb",
                    version: "2-r1",
                    origin: "b",
                    line: 4
                }
            ]
        );
        let err = index_entries(b"P:a\n\nV:1\n").unwrap_err();
        assert_eq!(
            err,
            StanzaError::MissingField {
                line: 1,
                letter: 'V',
                what: "version"
            }
        );
    }

    proptest! {
        /// Arbitrary bytes never panic the readers.
        #[test]
        fn readers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = SecfixesIndex::parse(&bytes);
            let _ = index_entries(&bytes);
        }

        /// The fast path agrees with the record parser whenever it answers.
        #[test]
        fn fast_entries_agree_with_the_record_parser(
            lines in proptest::collection::vec(prop_oneof![
                Just(String::new()),
                "[PVoAT]:[a-z0-9.+-]{0,6}",
                "[a-z]:[ -~]{0,8}",
                "[ -~]{0,4}",
            ], 0..30),
            trailing_newline in any::<bool>(),
        ) {
            let mut text = lines.join("\n");
            if trailing_newline { text.push('\n'); }
            if let Some(fast) = fast_index_entries(text.as_bytes()) {
                prop_assert_eq!(Ok(fast), slow_index_entries(text.as_bytes()));
            }
            let _ = index_entries(text.as_bytes());
        }

        /// Whatever the records, the text reads back equal.
        #[test]
        fn text_round_trips(
            recs in proptest::collection::vec(
                ("[a-z][a-z0-9+._-]{0,8}", "[0-9]{1,2}\\.[0-9]{1,2}-r[0-9]",
                 proptest::collection::vec(("[0-9]\\.[0-9]-r[0-9]", proptest::collection::vec("CVE-20[0-9]{2}-[0-9]{4,5}", 1..4)), 0..4),
                 proptest::collection::vec("GHSA-[a-z0-9]{4}", 0..3)),
                0..6),
        ) {
            let idx = SecfixesIndex {
                sources: vec!["v3.18/main".into()],
                records: recs.into_iter().filter(|r| !r.2.is_empty() || !r.3.is_empty()).map(|(o, v, f, n)| SecfixesRecord {
                    origin: o,
                    version: v,
                    fixes: f.into_iter().map(|(v, ids)| FixLine { version: v, ids: ids.iter().map(|i| VulnId::new(i).unwrap()).collect() }).collect(),
                    not_affected: n.iter().map(|i| VulnId::new(i).unwrap()).collect(),
                }).collect(),
            };
            prop_assert_eq!(SecfixesIndex::parse(idx.to_text().as_bytes()).unwrap(), idx);
        }
    }
}
