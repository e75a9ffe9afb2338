//! APKINDEX throughput on the real corpus (plain `main`, no harness).
//!
//! `cargo bench -p secfixes-apk --bench apkindex`
//!
//! - (a) the floor: gunzip of every `APKINDEX.tar.gz` alone
//!   (`MultiGzDecoder` into a sink);
//! - (b) `IndexFile::parse`: split, verify (with the keys of the corpus
//!   where the signing key is there, `AllowUntrusted` otherwise), gunzip,
//!   untar, parse every record;
//! - (c) sorting all distinct versions with `version::compare`;
//! - (d) `InstalledDb::parse` over the real installed databases.
//!
//! Each measurement is the best of several runs (the machine is shared).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::collections::HashSet;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use flate2::bufread::MultiGzDecoder;
use secfixes_apk::index::{IndexArchive, IndexFile, Keyring, Limits, Trust};
use secfixes_apk::installed::InstalledDb;
use secfixes_apk::version;

const RUNS: usize = 5;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let start = Instant::now();
        let r = std::hint::black_box(f());
        best = best.min(start.elapsed());
        out = Some(r);
    }
    (best, out.unwrap())
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    let root = secfixes_testdata::path("apkindex");
    let files: Vec<Vec<u8>> = secfixes_testdata::files_with_suffix(&root, "APKINDEX.tar.gz")
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let keys = Keyring::from_dir(&secfixes_testdata::path("keys")).unwrap();
    let compressed: usize = files.iter().map(Vec::len).sum();

    // Which files can be verified, and the size of the APKINDEX text.
    let mut trusted = Vec::new();
    let mut apkindex_bytes = 0;
    for f in &files {
        let a = IndexArchive::parse(f, &Trust::AllowUntrusted, &Limits::default()).unwrap();
        trusted.push(a.signature.signatures.iter().any(|s| keys.contains(&s.key)));
        apkindex_bytes += a.apkindex().len();
    }
    let verifiable = trusted.iter().filter(|t| **t).count();

    // (a) gunzip alone.
    let (floor, tar_bytes) = best_of(RUNS, || {
        files
            .iter()
            .map(|f| io::copy(&mut MultiGzDecoder::new(&f[..]), &mut io::sink()).unwrap() as usize)
            .sum::<usize>()
    });

    // (b) parse + verify.
    let (parse, (packages, verified)) = best_of(RUNS, || {
        let mut packages = Vec::new();
        let mut verified = 0;
        for (f, t) in files.iter().zip(&trusted) {
            let trust = if *t {
                Trust::Keys(&keys)
            } else {
                Trust::AllowUntrusted
            };
            let idx = IndexFile::parse(f, &trust).unwrap();
            verified += usize::from(idx.signature.is_trusted());
            packages.push(idx.packages);
        }
        (packages, verified)
    });
    let stanzas: usize = packages.iter().map(Vec::len).sum();

    println!(
        "APKINDEX.tar.gz: {} files, {} packages, {verified} of {verifiable} verifiable signatures verified",
        files.len(),
        stanzas
    );
    println!(
        "  input: {:.1} MB compressed, {:.1} MB tar, {:.1} MB APKINDEX text",
        compressed as f64 / 1e6,
        tar_bytes as f64 / 1e6,
        apkindex_bytes as f64 / 1e6
    );
    println!(
        "  (a) gunzip only:     {:>7.1} ms  {:>6.1} MB/s compressed  {:>6.1} MB/s uncompressed",
        floor.as_secs_f64() * 1e3,
        mb_per_s(compressed, floor),
        mb_per_s(tar_bytes, floor)
    );
    println!(
        "  (b) parse + verify:  {:>7.1} ms  {:>6.1} MB/s compressed  {:>6.1} MB/s uncompressed  {:.0} packages/s",
        parse.as_secs_f64() * 1e3,
        mb_per_s(compressed, parse),
        mb_per_s(tar_bytes, parse),
        stanzas as f64 / parse.as_secs_f64()
    );
    println!(
        "  (b)/(a) = {:.2}",
        parse.as_secs_f64() / floor.as_secs_f64()
    );

    // (c) sort every distinct version.
    let distinct: Vec<&str> = packages
        .iter()
        .flatten()
        .map(|p| p.version.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let comparisons = Cell::new(0usize);
    let (sort, _) = best_of(RUNS, || {
        comparisons.set(0);
        let mut v = distinct.clone();
        v.sort_by(|a, b| {
            comparisons.set(comparisons.get() + 1);
            version::compare(a, b)
        });
        v
    });
    println!(
        "  (c) sort {} distinct versions: {:.1} ms, {} comparisons, {:.2} M comparisons/s",
        distinct.len(),
        sort.as_secs_f64() * 1e3,
        comparisons.get(),
        comparisons.get() as f64 / 1e6 / sort.as_secs_f64()
    );

    // (d) installed databases.
    let dbs: Vec<Vec<u8>> =
        secfixes_testdata::files_with_suffix(&secfixes_testdata::path("installed"), "")
            .iter()
            .map(|p| {
                let mut v = Vec::new();
                std::fs::File::open(p).unwrap().read_to_end(&mut v).unwrap();
                v
            })
            .collect();
    let db_bytes: usize = dbs.iter().map(Vec::len).sum();
    let (installed, (pkgs, files_owned)) = best_of(RUNS * 2, || {
        let mut n = (0, 0);
        for d in &dbs {
            let (db, _) = InstalledDb::parse_tolerant(d);
            n.0 += db.packages.len();
            n.1 += db.packages.iter().map(|p| p.file_count()).sum::<usize>();
        }
        n
    });
    println!(
        "installed dbs: {} files, {:.1} MB, {pkgs} packages, {files_owned} files: {:.1} ms, {:.1} MB/s",
        dbs.len(),
        db_bytes as f64 / 1e6,
        installed.as_secs_f64() * 1e3,
        mb_per_s(db_bytes, installed)
    );
}
