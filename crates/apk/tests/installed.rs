//! The installed database on the 19 real databases of the shared corpus and
//! syft's edge-case fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use secfixes_apk::installed::{InstalledDb, InstalledPackage};
use secfixes_apk::stanza::StanzaError;

/// (file under `installed/`, packages, `R:` records). Counts from the
/// corpus README, and for the hizlbuzz series counted with a Python
/// one-liner (records with `P:`, lines starting `R:`).
const REAL: [(&str, usize, usize); 18] = [
    (
        "Kobo-InkBox+xorg-base-rootfs/installed.2023-04-21.495512b9",
        159,
        3572,
    ),
    (
        "Kobo-InkBox+xorg-base-rootfs/installed.2023-04-23.e2c63f4c",
        163,
        3641,
    ),
    (
        "SmalltalkLand+Dockos/installed.2020-09-30.b8574142",
        70,
        542,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-26.b80c36c9",
        14,
        88,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-27.b78eb2b6",
        16,
        270,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-27.485d1959",
        26,
        292,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-27.535574da",
        72,
        19074,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-27.9189a6f7",
        78,
        19091,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-27.a69c3e39",
        79,
        19200,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-07-28.5f89a9e4",
        101,
        20887,
    ),
    (
        "hizlbuzz+alpine-minirootfs-v3.14/installed.2021-08-05.bbfac0af",
        108,
        20927,
    ),
    (
        "Paper-Dragon+docker-sh/installed.2023-04-10.b12c5ef2",
        30,
        1878,
    ),
    (
        "Paper-Dragon+docker-sh/installed.2023-04-10.9613459a",
        55,
        855,
    ),
    (
        "aquasecurity+trivy/installed.alpine-3.10.4.docker-image",
        14,
        78,
    ),
    (
        "aquasecurity+trivy/installed.alpine-3.11.5.docker-image",
        14,
        81,
    ),
    ("chainguard-dev+apko/root_usr_lib_apk_db_installed", 14, 105),
    ("chainguard-dev+apko/installed_wolfi-base", 15, 91),
    (
        "chainguard-dev+apko/installed_redis-operator-compat",
        16,
        93,
    ),
];

/// The 19th file: trivy's analyzer fixture, with a deliberately broken
/// record (`P:invalidPackageWithoutAVersion`, line 23) among 16.
const TRIVY_FIXTURE: &str = "aquasecurity+trivy/installed.pkg-fanal-analyzer-pkg-apk-testdata";

fn read(rel: &str) -> Vec<u8> {
    let path = secfixes_testdata::path(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files(db: &InstalledDb) -> usize {
    db.packages.iter().map(InstalledPackage::file_count).sum()
}

#[test]
fn the_corpus_has_19_installed_databases() {
    let all = secfixes_testdata::files_with_suffix(&secfixes_testdata::path("installed"), "");
    assert_eq!(all.len(), 19);
    assert_eq!(REAL.len() + 1, all.len());
}

#[test]
fn every_real_database_parses_with_the_readme_counts() {
    for (rel, packages, r_records) in REAL {
        let db = InstalledDb::parse(&read(&format!("installed/{rel}")))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(db.packages.len(), packages, "{rel}");
        assert_eq!(files(&db), r_records, "{rel}");
        for p in &db.packages {
            assert!(
                p.package.unknown.is_empty(),
                "{rel}: {} has unknown fields",
                p.package.name
            );
        }
    }
}

/// parse → write → parse: what apk wrote comes back byte for byte, and
/// every database parses back to itself.
#[test]
fn every_real_database_round_trips_byte_for_byte() {
    for (rel, _, _) in REAL {
        let bytes = read(&format!("installed/{rel}"));
        let db = InstalledDb::parse(&bytes).unwrap();
        let text = db.to_text();
        // apko (go-apk) wrote wolfi-base's first record in its own field
        // order, with `i:[]`: only that file is not apk's byte layout.
        let apk_wrote = rel != "chainguard-dev+apko/installed_wolfi-base";
        assert_eq!(
            text.as_bytes() == bytes.as_slice(),
            apk_wrote,
            "{rel}: written text differs"
        );
        assert_eq!(InstalledDb::parse(text.as_bytes()).unwrap(), db);
    }
}

#[test]
fn subpackages_map_to_their_origin() {
    let db = InstalledDb::parse(&read(
        "installed/Kobo-InkBox+xorg-base-rootfs/installed.2023-04-21.495512b9",
    ))
    .unwrap();
    let by_name = db.by_name();
    assert_eq!(by_name["libssl1.1"].package.origin(), "openssl");
    assert_eq!(by_name["libcrypto1.1"].package.origin(), "openssl");
    assert_eq!(by_name["musl"].package.origin(), "musl");
    assert_eq!(by_name["musl-utils"].package.origin(), "musl");
    let ssl = db.get("libssl1.1").unwrap();
    assert!(
        ssl.file_paths().any(|p| p.starts_with("lib/libssl.so.1.1")),
        "{:?}",
        ssl.file_paths().collect::<Vec<_>>()
    );
}

#[test]
fn file_records_are_kept_in_order_with_acls_and_checksums() {
    let db = InstalledDb::parse(&read(
        "installed/Paper-Dragon+docker-sh/installed.2023-04-10.9613459a",
    ))
    .unwrap();
    // This database has `a:` entries with an xattr checksum.
    let with_xattr = db
        .packages
        .iter()
        .flat_map(|p| &p.directories)
        .flat_map(|d| &d.files)
        .filter(|f| f.acl.is_some_and(|a| a.xattr_checksum.is_some()))
        .count();
    assert_eq!(with_xattr, 2);
    let with_m = db
        .packages
        .iter()
        .flat_map(|p| &p.directories)
        .filter(|d| d.acl.is_some())
        .count();
    assert!(with_m > 0);
}

#[test]
fn trivys_broken_record_is_an_error_or_skipped_in_tolerant_mode() {
    let bytes = read(&format!("installed/{TRIVY_FIXTURE}"));
    let err = InstalledDb::parse(&bytes).unwrap_err();
    assert_eq!(
        err,
        StanzaError::MissingField {
            line: 23,
            letter: 'V',
            what: "version"
        }
    );
    let (db, errors) = InstalledDb::parse_tolerant(&bytes);
    assert_eq!(db.packages.len(), 15);
    assert_eq!(files(&db), 76);
    assert_eq!(errors, [err]);
    assert!(db.get("invalidPackageWithoutAVersion").is_none());
}

mod syft {
    use super::*;

    const DIR: &str = "fixtures/anchore+syft/syft/pkg/cataloger/alpine/testdata";

    fn parse(rel: &str) -> Result<InstalledDb, StanzaError> {
        InstalledDb::parse(&read(&format!("{DIR}/{rel}")))
    }

    #[test]
    fn single_and_base() {
        let db = parse("single").unwrap();
        assert_eq!((db.packages.len(), files(&db)), (1, 5));
        let p = &db.packages[0];
        assert_eq!(
            (p.package.name.as_str(), p.package.origin()),
            ("musl-utils", "musl")
        );
        assert_eq!(p.replaces[0].name(), "libiconv");
        // No trailing newline at the end of the file: the record is kept whole.
        assert_eq!(
            p.directories.last().unwrap().files.last().unwrap().name,
            "getent"
        );
        assert!(
            p.directories
                .last()
                .unwrap()
                .files
                .last()
                .unwrap()
                .checksum
                .is_some()
        );
        let db = parse("base").unwrap();
        assert_eq!((db.packages.len(), files(&db)), (1, 27));
    }

    #[test]
    fn multiple_databases_without_checksums() {
        let db = parse("multiple-1/lib/apk/db/installed").unwrap();
        assert_eq!(db.packages.len(), 4);
        assert!(db.packages.iter().all(|p| p.package.checksum.is_none()));
        assert_eq!(
            db.get("busybox-binsh").unwrap().package.provider_priority,
            Some(100)
        );
        let db = parse("multiple-2/lib/apk/db/installed").unwrap();
        assert_eq!((db.packages.len(), files(&db)), (14, 105));
    }

    #[test]
    fn extra_file_attributes_keep_the_xattr_checksum() {
        let db = parse("extra-file-attributes").unwrap();
        let p = &db.packages[0];
        assert_eq!(p.package.checksum, None);
        let f = &p.directories.last().unwrap().files[0];
        assert_eq!(f.name, "policytool");
        let acl = f.acl.unwrap();
        assert_eq!((acl.uid, acl.gid, acl.mode), (0, 0, 0o755));
        assert_eq!(
            acl.xattr_checksum.unwrap().to_string(),
            "Q1JaDEHQHBbizhEzoWK1YxuraNU/4="
        );
    }

    /// Fields out of apk's order, empty `D:`/`p:`, `i:[]`, `k:0`, four-digit
    /// modes: parsed, in apk's meaning.
    #[test]
    fn empty_deps_and_provides() {
        let db = parse("empty-deps-and-provides").unwrap();
        let p = &db.packages[0];
        assert!(p.package.depends.is_empty() && p.package.provides.is_empty());
        // apk reads `[]` as a dependency on a package named "[]".
        assert_eq!(
            p.package
                .install_if
                .iter()
                .map(|d| d.name())
                .collect::<Vec<_>>(),
            ["[]"]
        );
        assert_eq!(p.package.provider_priority, Some(0));
        assert_eq!(p.package.origin(), "alpine-baselayout");
        assert_eq!(files(&db), 15);
        let shadow = p.directories[0]
            .files
            .iter()
            .find(|f| f.name == "shadow")
            .unwrap();
        assert_eq!(shadow.acl.unwrap().mode, 0o640);
        assert_eq!(shadow.acl.unwrap().gid, 148);
        // Written back in apk's order, it parses to the same database.
        assert_eq!(InstalledDb::parse(db.to_text().as_bytes()).unwrap(), db);
    }

    /// `corrupt` starts with a line that is not `X:value`; `glob-paths` is
    /// one line of junk. Strict parsing names line 1; tolerant parsing
    /// skips only the junk record.
    #[test]
    fn corrupt_databases() {
        let err = parse("corrupt/lib/apk/db/installed").unwrap_err();
        assert_eq!(
            err,
            StanzaError::MissingColon {
                line: 1,
                found: "this is a corrupt db".into()
            }
        );
        let (db, errors) =
            InstalledDb::parse_tolerant(&read(&format!("{DIR}/corrupt/lib/apk/db/installed")));
        assert_eq!(db.packages.len(), 1);
        assert_eq!(db.packages[0].package.name, "alpine-baselayout-data");
        assert_eq!(files(&db), 14);
        assert_eq!(errors.len(), 1);

        let err = parse("glob-paths/lib/apk/db/installed").unwrap_err();
        assert_eq!(err.line(), 1);
        let (db, errors) =
            InstalledDb::parse_tolerant(&read(&format!("{DIR}/glob-paths/lib/apk/db/installed")));
        assert!(db.packages.is_empty());
        assert_eq!(errors.len(), 1);
    }
}

/// Corrupting real databases line by line: each bad line is an error that
/// names it, and tolerant mode loses only that record.
#[test]
fn corrupting_a_real_database_names_the_line() {
    let text = read("installed/Kobo-InkBox+xorg-base-rootfs/installed.2023-04-21.495512b9");
    let lines: Vec<usize> = std::iter::once(0)
        .chain(memchr_iter(&text).map(|i| i + 1))
        .collect();
    let total = InstalledDb::parse(&text).unwrap().packages.len();
    for n in [10usize, 500, 2000, 7000] {
        let at = lines[n - 1];
        if text[at..].len() < 2 || text[at + 1] != b':' {
            continue;
        }
        let mut bad = text.clone();
        bad[at + 1] = b'?';
        let err = InstalledDb::parse(&bad).unwrap_err();
        assert_eq!(err.line(), n);
        assert!(matches!(err, StanzaError::MissingColon { .. }));
        let (db, errors) = InstalledDb::parse_tolerant(&bad);
        assert_eq!((db.packages.len(), errors.len()), (total - 1, 1));
    }
}

fn memchr_iter(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

/// Linear time: ten copies of the largest real database (12 MB, 1080
/// packages, 209k files) parse to ten times the packages and files.
#[test]
fn a_large_database_parses_in_one_pass() {
    let one = read("installed/hizlbuzz+alpine-minirootfs-v3.14/installed.2021-08-05.bbfac0af");
    let mut ten = Vec::with_capacity(one.len() * 10);
    for _ in 0..10 {
        ten.extend_from_slice(&one);
    }
    let start = std::time::Instant::now();
    let db = InstalledDb::parse(&ten).unwrap();
    let elapsed = start.elapsed();
    assert_eq!((db.packages.len(), files(&db)), (1080, 209_270));
    // Generous: this takes well under a second; a quadratic parser would
    // take minutes.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}
