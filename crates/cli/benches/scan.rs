//! Whole-process time of `secfixes scan` on the largest real installed
//! database of the corpus (hizlbuzz v3.14 armv7, 108 packages, 1.2 MB) with
//! its branch's secdb (3.14-stable main + community) and indexes (the root's
//! cached v3.14 main + community, 2.1 MB compressed, 5.9 MB of text),
//! against the floor measured in the same run: reading the same files and
//! gunzipping the indexes, in process.
//!
//! `cargo bench -p secfixes --bench scan` (release profile). Runs:
//! `SECFIXES_BENCH_RUNS` (default 40). The scan and the floor alternate, so
//! that load from elsewhere on the machine hits both alike. Prints medians,
//! minimums and the ratio; also the startup cost of the binary alone
//! (`secfixes --version`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INSTALLED: &str = "installed/hizlbuzz+alpine-minirootfs-v3.14/installed.2021-08-05.bbfac0af";
const MAIN: &str =
    "apkindex/v3.14/main/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz";
const COMMUNITY: &str =
    "apkindex/v3.14/community/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz";
const SECDB: [&str; 2] = [
    "secdb/derived-from-aports/3.14-stable/main.json",
    "secdb/derived-from-aports/3.14-stable/community.json",
];

/// The root of a scan: installed db, release, repositories, apk's cached
/// indexes, secfixes.d naming the secdb files.
fn build_root(dir: &Path) {
    let d = secfixes_testdata::path;
    let w = |rel: &str, s: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    };
    std::fs::create_dir_all(dir.join("lib/apk/db")).unwrap();
    std::fs::copy(d(INSTALLED), dir.join("lib/apk/db/installed")).unwrap();
    w("etc/alpine-release", "3.14.0\n");
    w("etc/apk/arch", "armv7\n");
    w(
        "etc/apk/repositories",
        "https://dl-cdn.alpinelinux.org/alpine/v3.14/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.14/community\n",
    );
    w("etc/apk/world", "alpine-base\n");
    w(
        "etc/secfixes.d/alpine",
        &format!("{}\n{}\n", d(SECDB[0]).display(), d(SECDB[1]).display()),
    );
    std::fs::create_dir_all(dir.join("var/cache/apk")).unwrap();
    // The apk 2.x cache names of the two repositories (see repositories.rs).
    std::fs::copy(d(MAIN), dir.join("var/cache/apk/APKINDEX.406b1341.tar.gz")).unwrap();
    std::fs::copy(
        d(COMMUNITY),
        dir.join("var/cache/apk/APKINDEX.a251b1f2.tar.gz"),
    )
    .unwrap();
}

/// The floor: read every input and gunzip the indexes (all members).
fn floor(root: &Path, secdb: &[PathBuf]) -> usize {
    let mut n = std::fs::read(root.join("lib/apk/db/installed"))
        .unwrap()
        .len();
    for s in secdb {
        n += std::fs::read(s).unwrap().len();
    }
    for idx in ["APKINDEX.406b1341.tar.gz", "APKINDEX.a251b1f2.tar.gz"] {
        let bytes = std::fs::read(root.join("var/cache/apk").join(idx)).unwrap();
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .unwrap();
        n += out.len();
    }
    n
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[0]))
}

fn main() {
    let runs: usize = std::env::var("SECFIXES_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    let bin = env!("CARGO_BIN_EXE_secfixes");
    let root = tempfile::tempdir().unwrap();
    build_root(root.path());
    let cache = tempfile::tempdir().unwrap();
    let secdb: Vec<PathBuf> = SECDB.iter().map(|s| secfixes_testdata::path(s)).collect();

    let scan = || {
        let status = Command::new(bin)
            .args(["scan", "--root"])
            .arg(root.path())
            .args([
                "--allow-untrusted",
                "--quiet",
                "--fail-on",
                "none",
                "--offline",
                "--cache-dir",
            ])
            .arg(cache.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    let startup = || {
        let status = Command::new(bin)
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    // Check the output once, then warm the page cache.
    let out = Command::new(bin)
        .args(["scan", "--root"])
        .arg(root.path())
        .args([
            "--allow-untrusted",
            "--quiet",
            "--fail-on",
            "none",
            "--offline",
            "--cache-dir",
        ])
        .arg(cache.path())
        .output()
        .unwrap();
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(lines > 10, "the scan finds the hand-checked pending fixes");
    let bytes = floor(root.path(), &secdb);
    for _ in 0..3 {
        scan();
    }

    let (mut t_scan, mut t_floor, mut t_start) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        t_scan.push(time(scan));
        t_floor.push(time(|| {
            std::hint::black_box(floor(root.path(), &secdb));
        }));
        t_start.push(time(startup));
    }
    let (scan_med, scan_min) = stats(t_scan);
    let (floor_med, floor_min) = stats(t_floor);
    let (start_med, start_min) = stats(t_start);
    println!(
        "secfixes scan, hizlbuzz v3.14 (108 packages) + 3.14-stable secdb + v3.14 main/community indexes"
    );
    println!(
        "  {runs} runs; {lines} packages with pending fixes; floor reads and inflates {:.1} MB",
        bytes as f64 / 1e6
    );
    println!("  whole process (scan)     median {scan_med:7.2} ms   min {scan_min:7.2} ms");
    println!("  floor (read + gunzip)    median {floor_med:7.2} ms   min {floor_min:7.2} ms");
    println!("  process startup only     median {start_med:7.2} ms   min {start_min:7.2} ms");
    println!(
        "  ratio scan / floor       median {:.2}   min {:.2}",
        scan_med / floor_med,
        scan_min / floor_min
    );
    println!(
        "  target: whole process <= 20 ms -> {}",
        if scan_med <= 20.0 { "met" } else { "NOT met" }
    );
}
