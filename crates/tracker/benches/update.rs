//! The tracker benchmark (kept in the repository; `cargo bench -p
//! secfixes-tracker --bench update`).
//!
//! On `examples/shared-data.toml` (6 branches, ~180,000 CVEs, 44,000 CVE 5
//! records, KEV), each phase in its own process so that peak RSS is the
//! phase's own:
//! - floor: fetch, read and parse every source into import rows, storing
//!   nothing (what any importer must do at least);
//! - cold: `update` into an empty store;
//! - unchanged: `update` again with nothing changed;
//! - modified: `update` after adding one NVD `modified` feed.
//!
//! On SQLite always; on PostgreSQL too when `SECFIXES_BENCH_POSTGRES_URL`
//! (or `SECFIXES_TEST_POSTGRES_URL`) is set (a fresh schema is used).
//! Prints one line per phase and the ratios against the floor.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use secfixes_store::Store;
use secfixes_tracker::config::Config;
use secfixes_tracker::fetch::{self, Freshness, Previous};
use secfixes_tracker::import;
use secfixes_tracker::update::{NoProgress, Options, SourceStatus, update};

const MODIFIED_FEED: &str =
    "nvd/nvd-1.1-yearly/history/nvdcve-1.1-modified.commit-f901218.2023-12-17.json.gz";

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `examples/shared-data.toml`, or a copy beside it (so that its relative
/// paths still resolve) with one NVD "modified" feed added.
fn config_path(with_modified: bool) -> PathBuf {
    let base = root().join("examples/shared-data.toml");
    if !with_modified {
        return base;
    }
    let text = std::fs::read_to_string(&base).unwrap().replacen(
        "nvd = [\n",
        &format!(
            "nvd = [\n  \"{}\",\n",
            secfixes_testdata::path(MODIFIED_FEED).display()
        ),
        1,
    );
    let path = root()
        .join("examples")
        .join(format!(".bench-modified-{}.toml", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// One phase, in this process; prints a JSON line.
fn phase(name: &str, db: &str, config: &Path) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let line = if name == "floor" {
        let config = Config::load(config).unwrap();
        let specs = config.sources();
        let rows: u64 = std::thread::scope(|s| {
            let chunks: Vec<_> = specs.chunks(specs.len().div_ceil(2)).collect();
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let cache = cache.path();
                    s.spawn(move || {
                        let mut rows = 0u64;
                        for spec in chunk {
                            if let Freshness::Changed(f) =
                                fetch::check(&spec.location, &Previous::default(), cache).unwrap()
                            {
                                rows += import::prepare(spec, &f, 0).unwrap().import.payload.len()
                                    as u64;
                            }
                        }
                        rows
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        serde_json::json!({ "rows": rows })
    } else {
        rt.block_on(async {
            let store = secfixes_store::open(db).await.unwrap();
            store.migrate().await.unwrap();
            let config = Config::load(config).unwrap();
            let opts = Options {
                cache_dir: cache.path().to_path_buf(),
                ..Options::default()
            };
            let report = update(&store, &config, &opts, &NoProgress).await.unwrap();
            assert_eq!(report.failed(), 0);
            let mut written = 0u64;
            let mut imported = 0u64;
            for s in &report.sources {
                if let SourceStatus::Imported {
                    inserted,
                    updated,
                    removed,
                    ..
                } = s.status
                {
                    imported += 1;
                    written += inserted + updated + removed;
                }
            }
            let m = report.matching.clone().unwrap_or_default();
            store.close().await;
            serde_json::json!({
                "sources_imported": imported,
                "rows_written": written,
                "matcher_skipped": m.skipped,
                "states": m.states,
                "states_written": m.upserted + m.removed,
                "changes_logged": m.changes,
            })
        })
    };
    let secs = start.elapsed().as_secs_f64();
    let mut line = line;
    line["phase"] = name.into();
    line["secs"] = secs.into();
    line["peak_rss_mb"] = (peak_rss_kb() / 1024).into();
    println!("{line}");
}

fn run_child(name: &str, db: &str, config: &Path) -> serde_json::Value {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .env("BENCH_PHASE", name)
        .env("BENCH_DB", db)
        .env("BENCH_CONFIG", config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "phase {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let last = stdout.lines().rev().find(|l| l.starts_with('{')).unwrap();
    serde_json::from_str(last).unwrap()
}

fn psql(base: &str, sql: &str) {
    let status = Command::new("psql")
        .arg(base)
        .arg("-q")
        .arg("-c")
        .arg(sql)
        .stderr(std::process::Stdio::null())
        .status();
    assert!(status.is_ok_and(|s| s.success()), "psql: {sql}");
}

fn main() {
    if let Ok(name) = std::env::var("BENCH_PHASE") {
        let db = std::env::var("BENCH_DB").unwrap();
        let config = PathBuf::from(std::env::var("BENCH_CONFIG").unwrap());
        phase(&name, &db, &config);
        return;
    }
    // `cargo test --benches` runs this without `--bench`: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = config_path(false);
    let modified = config_path(true);
    let mut backends = vec![(
        "sqlite".to_owned(),
        dir.path().join("bench.db").display().to_string(),
        None,
    )];
    if let Ok(base) = std::env::var("SECFIXES_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("SECFIXES_TEST_POSTGRES_URL"))
    {
        let schema = format!("bench_{}", std::process::id());
        psql(&base, &format!("CREATE SCHEMA {schema}"));
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options[search_path]={schema}");
        backends.push(("postgres".to_owned(), url, Some((base, schema))));
    }
    let floor = run_child("floor", "", &plain);
    println!("floor     {floor}");
    let floor_secs = floor["secs"].as_f64().unwrap();
    for (backend, db, cleanup) in &backends {
        for (name, cfg) in [
            ("cold", &plain),
            ("unchanged", &plain),
            ("modified", &modified),
        ] {
            let r = run_child(name, db, cfg);
            let secs = r["secs"].as_f64().unwrap();
            println!(
                "{backend:<8} {name:<9} {:>7.2} s  ({:.2} x floor)  {r}",
                secs,
                secs / floor_secs
            );
        }
        if let Some((base, schema)) = cleanup {
            psql(base, &format!("DROP SCHEMA {schema} CASCADE"));
        }
    }
    let _ = std::fs::remove_file(&modified);
}
