//! Feeds benchmark: reads the real corpus into the model, and measures the
//! floor in the same run.
//!
//! * NVD 1.1: every yearly feed in `nvd/nvd-1.1-yearly/final-2024-01-02`
//!   (2002–2018, 127,065 CVEs, ≈ 624 MB of JSON), through
//!   `nvd11::read_path` (which also verifies the `.meta` SHA-256).
//! * CVE 5: `cve5/*.tar.gz` through `cve5::read_path`.
//!
//! The floor is decompressing the same files and deserialising them into
//! `serde::de::IgnoredAny` with `serde_json::from_reader` (for the archive:
//! every `.json` member). Peak RSS is `VmHWM` of /proc/self/status, reset
//! between phases through /proc/self/clear_refs where the kernel allows it.
//!
//! Run: `cargo bench -p secfixes-feeds --bench feeds` (plain `main`, no
//! harness). `SECFIXES_BENCH_ONLY=nvd|cve5` limits the run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use secfixes_feeds::{Item, ReadOptions};

/// One measured phase.
struct Phase {
    records: u64,
    json_bytes: u64,
    elapsed: Duration,
    peak_rss_kib: Option<u64>,
}

fn main() {
    let only = std::env::var("SECFIXES_BENCH_ONLY").ok();
    let data = secfixes_testdata::shared_data();
    println!(
        "{:<8} {:<6} {:>9} {:>9} {:>8} {:>10} {:>8} {:>12}",
        "input", "phase", "records", "JSON MB", "secs", "records/s", "MB/s", "peak RSS MB"
    );
    if only.as_deref().is_none_or(|o| o == "nvd") {
        let dir = data.join("nvd/nvd-1.1-yearly/final-2024-01-02");
        let feeds: Vec<PathBuf> = secfixes_testdata::files_with_suffix(&dir, ".json.gz")
            .into_iter()
            .filter(|p| {
                !p.to_string_lossy().contains("modified") && !p.to_string_lossy().contains("recent")
            })
            .collect();
        let floor = measure(|| floor_gz_json(&feeds));
        let model = measure(|| {
            let mut records = 0;
            let mut bytes = 0;
            for feed in &feeds {
                let s =
                    secfixes_feeds::nvd11::read_path(feed, &ReadOptions::default(), &mut |item| {
                        std::hint::black_box(&item);
                        records += u64::from(matches!(item, Item::Vulnerability(_)));
                        Ok(())
                    })
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(s.skipped, 0);
                bytes += meta_size(feed);
            }
            (records, bytes)
        });
        report("nvd-1.1", &floor, &model);
    }
    if only.as_deref().is_none_or(|o| o == "cve5") {
        let archives = secfixes_testdata::files_with_suffix(&data.join("cve5"), ".tar.gz");
        let floor = measure(|| floor_tar_gz(&archives));
        let model = measure(|| {
            let mut records = 0;
            for archive in &archives {
                secfixes_feeds::cve5::read_path(archive, &ReadOptions::default(), &mut |item| {
                    std::hint::black_box(&item);
                    records += 1;
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
            }
            (records, floor.json_bytes)
        });
        report("cve5", &floor, &model);
    }
}

fn report(input: &str, floor: &Phase, model: &Phase) {
    for (name, p) in [("floor", floor), ("model", model)] {
        let secs = p.elapsed.as_secs_f64();
        let mb = p.json_bytes as f64 / 1e6;
        println!(
            "{input:<8} {name:<6} {:>9} {:>9.1} {:>8.2} {:>10.0} {:>8.1} {:>12}",
            p.records,
            mb,
            secs,
            p.records as f64 / secs,
            mb / secs,
            p.peak_rss_kib
                .map_or_else(|| "?".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
        );
    }
    println!(
        "{input:<8} model/floor time ratio: {:.2}",
        model.elapsed.as_secs_f64() / floor.elapsed.as_secs_f64()
    );
}

fn measure(f: impl FnOnce() -> (u64, u64)) -> Phase {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let start = Instant::now();
    let (records, json_bytes) = f();
    let elapsed = start.elapsed();
    let peak_rss_kib = if reset { vm_hwm_kib() } else { None };
    Phase {
        records,
        json_bytes,
        elapsed,
        peak_rss_kib,
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The uncompressed size from the `.meta` sidecar.
fn meta_size(feed: &Path) -> u64 {
    let name = feed.file_name().unwrap().to_str().unwrap();
    let meta = feed.with_file_name(name.replace(".json.gz", ".meta"));
    let text = std::fs::read_to_string(meta).unwrap();
    text.lines()
        .find_map(|l| l.trim_end().strip_prefix("size:"))
        .unwrap()
        .parse()
        .unwrap()
}

/// A reader that counts bytes.
struct Counting<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Each gzip'd JSON document into `IgnoredAny` (the floor does not count
/// records; it reports 0).
fn floor_gz_json(feeds: &[PathBuf]) -> (u64, u64) {
    let mut bytes = 0;
    for feed in feeds {
        let gz = flate2::read::MultiGzDecoder::new(std::fs::File::open(feed).unwrap());
        let mut counting = Counting {
            inner: gz,
            bytes: 0,
        };
        {
            let reader = BufReader::with_capacity(256 * 1024, &mut counting);
            let mut de = serde_json::Deserializer::from_reader(reader);
            serde::de::Deserialize::deserialize(&mut de)
                .map(|_: serde::de::IgnoredAny| ())
                .unwrap();
            de.end().unwrap();
        }
        bytes += counting.bytes;
    }
    (0, bytes)
}

/// Every `.json` member of the archives into `IgnoredAny`.
fn floor_tar_gz(archives: &[PathBuf]) -> (u64, u64) {
    let mut records = 0;
    let mut bytes = 0;
    for path in archives {
        let gz =
            flate2::read::MultiGzDecoder::new(BufReader::new(std::fs::File::open(path).unwrap()));
        let mut archive = tar::Archive::new(gz);
        for entry in archive.entries().unwrap() {
            let entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            if !entry.header().entry_type().is_file() || !name.ends_with(".json") {
                continue;
            }
            let mut counting = Counting {
                inner: entry,
                bytes: 0,
            };
            {
                let reader = BufReader::with_capacity(64 * 1024, &mut counting);
                let _: serde::de::IgnoredAny = serde_json::from_reader(reader).unwrap();
            }
            bytes += counting.bytes;
            records += 1;
        }
    }
    (records, bytes)
}
