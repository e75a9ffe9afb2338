//! Transactionality (b): a process killed with SIGKILL in the middle of a
//! large import leaves the SQLite file with the previous state, and sound.
//!
//! The test re-runs its own binary (with [`CHILD_ENV`] naming the database)
//! as the child that imports; the parent waits until the child's
//! uncommitted transaction has spilled into the WAL file, kills it, reopens
//! the database and compares everything with what it held before.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{dump, fix, import, vuln};
use secfixes_store::rows::{Payload, VulnRow};
use secfixes_store::{AnyStore, Store};

/// Set in the child: the database file to import into.
const CHILD_ENV: &str = "SECFIXES_STORE_KILL_CHILD";
/// Printed by the child just before it starts the import.
const STARTED: &str = "IMPORT STARTED";
/// Printed by the child after the import committed (must not be seen).
const COMMITTED: &str = "IMPORT COMMITTED";
/// Rows of the child's import: ~150 MB, far more than the writer's page
/// cache, so that SQLite spills uncommitted pages into the WAL.
const ROWS: usize = 300_000;
/// WAL growth that proves the transaction is writing.
const SPILLED: u64 = 16 << 20;

fn big_import() -> Vec<VulnRow> {
    (0..ROWS)
        .map(|i| {
            let mut r = vuln(&format!("CVE-2030-{i:06}"), "nvd", Some(1), "nvd:big", "");
            r.data = (0..480u32)
                .map(|j| (i as u32 ^ j.wrapping_mul(2_654_435_761)) as u8)
                .collect();
            r
        })
        .collect()
}

async fn child(path: &str) {
    let store = secfixes_store::open(path).await.unwrap();
    let rows = big_import();
    println!("{STARTED}");
    store
        .import(import("nvd:big", "nvd", Payload::Vulns(rows)))
        .await
        .unwrap();
    println!("{COMMITTED}");
}

fn wal_size(db: &Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0)
}

async fn previous_state(path: &str) -> String {
    let store = secfixes_store::open(path).await.unwrap();
    store.migrate().await.unwrap();
    let vulns = (0..2000)
        .map(|i| {
            vuln(
                &format!("CVE-2020-{i:05}"),
                "nvd",
                Some(5),
                "nvd:2020",
                "before",
            )
        })
        .collect();
    store
        .import(import("nvd:2020", "nvd", Payload::Vulns(vulns)))
        .await
        .unwrap();
    let fixes = (0..500)
        .map(|i| {
            fix(
                "secdb:x",
                "v3.18",
                &format!("o{i}"),
                "CVE-2020-00001",
                "1-r0",
            )
        })
        .collect();
    store
        .import(import("secdb:x", "secdb", Payload::Fixes(fixes)))
        .await
        .unwrap();
    let run = store.begin_run("match").await.unwrap();
    store.finish_run(run, Some("fp"), "{}").await.unwrap();
    store.set_meta("k", "before").await.unwrap();
    let before = dump(&store).await;
    store.close().await;
    before
}

#[test]
fn sigkill_mid_import_leaves_previous_state() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    if let Ok(path) = std::env::var(CHILD_ENV) {
        rt.block_on(child(&path));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store.db");
    let path = db.to_str().unwrap().to_owned();
    let before = rt.block_on(previous_state(&path));

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sigkill_mid_import_leaves_previous_state",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains(STARTED) {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the child exited before importing"
        );
    }
    let base = wal_size(&db);
    let deadline = Instant::now() + Duration::from_secs(120);
    while wal_size(&db) < base + SPILLED {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited before it was killed"
        );
        assert!(
            Instant::now() < deadline,
            "the import never spilled into the WAL"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let wal_at_kill = wal_size(&db);
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(
        !rest.contains(COMMITTED),
        "the import finished before the kill: make it larger"
    );
    eprintln!(
        "killed the child with {} MB of uncommitted WAL",
        wal_at_kill >> 20
    );

    rt.block_on(async {
        let store = secfixes_store::open(&path).await.unwrap();
        let AnyStore::Sqlite(sqlite) = &store else {
            panic!("not sqlite")
        };
        assert_eq!(sqlite.integrity_check().await.unwrap(), ["ok"]);
        assert_eq!(
            dump(&store).await,
            before,
            "the killed import left something behind"
        );
        assert_eq!(store.source("nvd:big").await.unwrap(), None);
        // The file is usable: the same import now goes through.
        let o = store
            .import(import(
                "nvd:big",
                "nvd",
                Payload::Vulns(big_import()[..1000].to_vec()),
            ))
            .await
            .unwrap();
        assert_eq!(o.inserted, 1000);
        assert_eq!(sqlite.integrity_check().await.unwrap(), ["ok"]);
        store.close().await;
    });
}
