//! The storage suite: every `Store` method, on SQLite always and on
//! PostgreSQL when `SECFIXES_TEST_POSTGRES_URL` is set (see `common`).

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Instant;

use common::{change, dump, fix, import, packages, pkg, product, source, state, vuln};
use secfixes_store::rows::{
    ChangeFilter, EpssRow, Import, KevRow, NewDecision, OriginKey, Payload, StateFilter, StateKey,
    VulnRow,
};
use secfixes_store::{AnyStore, Store, StoreError};

backend_tests!(
    migrate_is_idempotent_and_meta_works,
    sources_are_recorded_and_updated,
    vulns_upsert_by_modified,
    vulns_reads_and_products,
    vulns_invalid_rows_fail_the_import,
    kev_and_epss_are_replaced_per_source,
    packages_publish_and_unpublish,
    fixes_are_replaced_per_source,
    decisions_supersede_without_deleting,
    states_and_change_log,
    states_write_is_one_transaction,
    runs_begin_finish_last,
    failed_imports_leave_everything_as_it_was,
    concurrent_writers_are_serialised,
    bulk_writes,
);

#[tokio::test]
async fn memory_store_works() {
    let store = secfixes_store::open("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    store
        .import(import(
            "secdb:m",
            "secdb",
            Payload::Fixes(vec![fix("secdb:m", "edge", "a", "CVE-1", "1")]),
        ))
        .await
        .unwrap();
    store.set_meta("k", "v").await.unwrap();
    // Reads and writes share the one connection of the in-memory database.
    assert_eq!(store.fixes().await.unwrap().len(), 1);
    assert_eq!(store.vulns(&["CVE-1".to_owned()]).await.unwrap(), vec![]);
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("v"));
    let other = secfixes_store::open("sqlite::memory:").await.unwrap();
    other.migrate().await.unwrap();
    assert!(
        other.fixes().await.unwrap().is_empty(),
        "each in-memory store is private"
    );
}

#[tokio::test]
async fn sqlite_file_is_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/s.db"); // the directory is created
    let url = format!("sqlite://{}", path.display());
    let store = secfixes_store::open(&url).await.unwrap();
    store.migrate().await.unwrap();
    store.set_meta("k", "v").await.unwrap();
    let conn = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&conn)
            .await
            .unwrap();
    for t in [
        "decisions",
        "fixes",
        "meta",
        "packages",
        "runs",
        "sources",
        "state_changes",
        "states",
        "vulns",
    ] {
        assert!(tables.iter().any(|n| n == t), "{t} missing from {tables:?}");
    }
    conn.close().await;
    // Foreign keys are enforced: a repository of an unknown branch.
    let AnyStore::Sqlite(_) = &store else {
        panic!("not sqlite")
    };
    store.close().await;
    let raw = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .foreign_keys(true);
    let conn = sqlx::SqlitePool::connect_with(raw).await.unwrap();
    let err = sqlx::query("INSERT INTO repos (branch, repo) VALUES ('nope', 'main')")
        .execute(&conn)
        .await;
    assert!(err.is_err(), "foreign keys are declared");
    conn.close().await;
    // Reopening an existing file and migrating again is a no-op.
    let again = secfixes_store::open(path.to_str().unwrap()).await.unwrap();
    again.migrate().await.unwrap();
    assert_eq!(again.get_meta("k").await.unwrap().as_deref(), Some("v"));
    again.close().await;
}

#[tokio::test]
async fn open_errors_name_the_target() {
    let err = secfixes_store::open("mysql://u:pw@h/db").await.unwrap_err();
    assert!(err.to_string().contains("unknown scheme"), "{err}");
    // Nothing listens on port 1; the password is not shown.
    let err = secfixes_store::open("postgres://u:hunter2@127.0.0.1:1/db")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("cannot open the postgres store at postgres://u:***@127.0.0.1:1/db"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
    // A file where a directory should be.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let path = dir.path().join("file/sub/s.db");
    let err = secfixes_store::open(path.to_str().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::CreateDir { .. }), "{err}");
    assert!(err.to_string().contains("file/sub"), "{err}");
}

async fn migrate_is_idempotent_and_meta_works(store: AnyStore) {
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.get_meta("k").await.unwrap(), None);
    store.set_meta("k", "v1").await.unwrap();
    store.set_meta("k", "v2").await.unwrap();
    store.set_meta("other", "x").await.unwrap();
    assert_eq!(store.get_meta("k").await.unwrap().as_deref(), Some("v2"));
    assert_eq!(store.get_meta("other").await.unwrap().as_deref(), Some("x"));
    store.optimize().await.unwrap();
}

async fn sources_are_recorded_and_updated(store: AnyStore) {
    assert_eq!(store.source("secdb:a").await.unwrap(), None);
    store
        .import(import("secdb:b", "secdb", Payload::Fixes(vec![])))
        .await
        .unwrap();
    let mut rec = source("secdb:a", "secdb");
    rec.etag = Some("\"abc\"".to_owned());
    rec.last_modified = Some("Tue, 01 Aug 2023 00:00:00 GMT".to_owned());
    rec.records = 7;
    rec.summary = r#"{"packages":3}"#.to_owned();
    store
        .import(Import {
            source: rec.clone(),
            payload: Payload::Fixes(vec![]),
        })
        .await
        .unwrap();
    assert_eq!(store.source("secdb:a").await.unwrap(), Some(rec.clone()));
    let names: Vec<String> = store
        .sources()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["secdb:a", "secdb:b"]);

    rec.checksum = Some("new".to_owned());
    rec.etag = None;
    rec.imported_at += 60;
    store
        .import(Import {
            source: rec.clone(),
            payload: Payload::Fixes(vec![]),
        })
        .await
        .unwrap();
    assert_eq!(store.source("secdb:a").await.unwrap(), Some(rec));
    assert_eq!(store.sources().await.unwrap().len(), 2);
}

async fn vulns_upsert_by_modified(store: AnyStore) {
    let year = "nvd:2018";
    let modified = "nvd:modified";
    let first = store
        .import(import(
            year,
            "nvd",
            Payload::Vulns(vec![
                vuln("CVE-2018-1", "nvd", Some(100), year, "a1"),
                vuln("CVE-2018-2", "nvd", Some(100), year, "b1"),
                vuln("CVE-2018-3", "nvd", None, year, "c1"),
            ]),
        ))
        .await
        .unwrap();
    assert_eq!(
        (first.inserted, first.updated, first.unchanged, first.kept),
        (3, 0, 0, 0)
    );
    assert_eq!(
        first.changed_ids,
        ["CVE-2018-1", "CVE-2018-2", "CVE-2018-3"]
    );

    // The "modified" feed brings a newer CVE-2018-1.
    let newer = store
        .import(import(
            modified,
            "nvd",
            Payload::Vulns(vec![vuln("CVE-2018-1", "nvd", Some(200), modified, "a2")]),
        ))
        .await
        .unwrap();
    assert_eq!((newer.inserted, newer.updated), (0, 1));
    assert_eq!(newer.changed_ids, ["CVE-2018-1"]);

    // Re-importing the old yearly feed keeps the newer record, leaves the
    // unchanged one alone, and replaces the one without a date.
    let again = store
        .import(import(
            year,
            "nvd",
            Payload::Vulns(vec![
                vuln("CVE-2018-1", "nvd", Some(100), year, "a1"),
                vuln("CVE-2018-2", "nvd", Some(100), year, "b1"),
                vuln("CVE-2018-3", "nvd", Some(50), year, "c2"),
            ]),
        ))
        .await
        .unwrap();
    assert_eq!(
        (again.inserted, again.updated, again.unchanged, again.kept),
        (0, 1, 1, 1),
        "{again:?}"
    );
    assert_eq!(again.changed_ids, ["CVE-2018-3"]);
    let rows = store.vulns(&["CVE-2018-1".to_owned()]).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].source.as_str(), rows[0].data.as_slice()),
        (modified, b"a2".as_slice())
    );

    // A source corrects itself even with an older date.
    let fixup = store
        .import(import(
            modified,
            "nvd",
            Payload::Vulns(vec![vuln("CVE-2018-1", "nvd", Some(150), modified, "a3")]),
        ))
        .await
        .unwrap();
    assert_eq!(fixup.updated, 1);
    // But an older record from another source does not win.
    let older = store
        .import(import(
            year,
            "nvd",
            Payload::Vulns(vec![vuln("CVE-2018-1", "nvd", Some(149), year, "a0")]),
        ))
        .await
        .unwrap();
    assert_eq!((older.kept, older.updated), (1, 0));
    // The same date from another source replaces (>=).
    let same_date = store
        .import(import(
            year,
            "nvd",
            Payload::Vulns(vec![vuln("CVE-2018-1", "nvd", Some(150), year, "a4")]),
        ))
        .await
        .unwrap();
    assert_eq!(same_date.updated, 1);
    let row = &store.vulns(&["CVE-2018-1".to_owned()]).await.unwrap()[0];
    assert_eq!(
        (row.source.as_str(), row.data.as_slice(), row.modified),
        (year, b"a4".as_slice(), Some(150))
    );

    // Within one payload the last row of a key wins.
    let dup = store
        .import(import(
            "osv:x",
            "osv",
            Payload::Vulns(vec![
                vuln("GHSA-aaaa-bbbb-cccc", "osv", Some(1), "osv:x", "first"),
                vuln("GHSA-aaaa-bbbb-cccc", "osv", Some(1), "osv:x", "last"),
            ]),
        ))
        .await
        .unwrap();
    assert_eq!(dup.inserted, 1);
    let row = &store
        .vulns(&["GHSA-aaaa-bbbb-cccc".to_owned()])
        .await
        .unwrap()[0];
    assert_eq!(row.data, b"last");
}

async fn vulns_reads_and_products(store: AnyStore) {
    let mut nvd = vuln("CVE-2021-44228", "nvd", Some(10), "nvd:2021", "nvd-json");
    nvd.products = vec![
        product("apache", "log4j"),
        product("apache", "log4j"), // duplicate, dropped
        product("cisco", "webex"),
    ];
    nvd.products[2].target_sw = "android".to_owned();
    nvd.cvss_score = Some(10.0);
    nvd.severity = None;
    nvd.published = None;
    nvd.data = vec![0, 159, 146, 150, 255]; // not UTF-8: data is opaque bytes
    let mut cve5 = vuln("CVE-2021-44228", "cve5", Some(11), "cve5:x", "cve5-json");
    cve5.products = vec![product("apache", "log4j-core")];
    cve5.status = "PUBLISHED".to_owned();
    let mut rejected = vuln("CVE-2021-0001", "nvd", Some(5), "nvd:2021", "r");
    rejected.status = "REJECTED".to_owned();
    rejected.products = vec![];
    rejected.cvss_score = None;
    store
        .import(import(
            "nvd:2021",
            "nvd",
            Payload::Vulns(vec![nvd.clone(), rejected.clone()]),
        ))
        .await
        .unwrap();
    store
        .import(import("cve5:x", "cve5", Payload::Vulns(vec![cve5.clone()])))
        .await
        .unwrap();

    let got = store
        .vulns(&[
            "CVE-2021-44228".to_owned(),
            "CVE-2021-44228".to_owned(),
            "CVE-2099-9".to_owned(),
            "CVE-2021-0001".to_owned(),
        ])
        .await
        .unwrap();
    let mut want_nvd = nvd.clone();
    want_nvd.products.dedup();
    want_nvd.products.sort();
    assert_eq!(got, vec![rejected.clone(), cve5.clone(), want_nvd.clone()]);
    assert!(store.vulns(&[]).await.unwrap().is_empty());

    let products = store.vuln_products().await.unwrap();
    let flat: Vec<(String, String, String, String)> = products
        .into_iter()
        .map(|p| (p.vuln_id, p.kind, p.product.product, p.product.target_sw))
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
    assert_eq!(
        flat,
        vec![
            s("CVE-2021-44228", "cve5", "log4j-core", ""),
            s("CVE-2021-44228", "nvd", "log4j", ""),
            s("CVE-2021-44228", "nvd", "webex", "android"),
        ]
    );
    let statuses: Vec<(String, String, String)> = store
        .vuln_ids_with_status()
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.kind, v.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("CVE-2021-0001".into(), "nvd".into(), "REJECTED".into()),
            ("CVE-2021-44228".into(), "cve5".into(), "PUBLISHED".into()),
            ("CVE-2021-44228".into(), "nvd".into(), "PUBLISHED".into()),
        ]
    );

    // Products are replaced with the row; changing only products is a change.
    let mut nvd2 = want_nvd.clone();
    nvd2.products = vec![product("apache", "log4j2")];
    let o = store
        .import(import(
            "nvd:2021",
            "nvd",
            Payload::Vulns(vec![nvd2.clone()]),
        ))
        .await
        .unwrap();
    assert_eq!(
        (o.updated, o.changed_ids.clone()),
        (1, vec!["CVE-2021-44228".to_owned()])
    );
    let o = store
        .import(import(
            "nvd:2021",
            "nvd",
            Payload::Vulns(vec![nvd2.clone()]),
        ))
        .await
        .unwrap();
    assert_eq!((o.unchanged, o.updated), (1, 0));
    assert!(o.changed_ids.is_empty());
    let got = store.vulns(&["CVE-2021-44228".to_owned()]).await.unwrap();
    assert_eq!(got[1], nvd2);
    assert_eq!(got[0], cve5, "the other kind is untouched");

    // Reads are chunked: more ids than one statement takes.
    let many: Vec<String> = (0..2500).map(|i| format!("CVE-2021-{i:05}")).collect();
    assert!(store.vulns(&many).await.unwrap().is_empty());
}

async fn vulns_invalid_rows_fail_the_import(store: AnyStore) {
    let before = dump(&store).await;
    // A row claiming another source.
    let err = store
        .import(import(
            "nvd:a",
            "nvd",
            Payload::Vulns(vec![vuln("CVE-1999-1", "nvd", None, "nvd:b", "x")]),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid { table: "vulns", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("CVE-1999-1"), "{err}");
    // An unknown kind (a CHECK constraint).
    let err = store
        .import(import(
            "nvd:a",
            "nvd",
            Payload::Vulns(vec![vuln("CVE-1999-1", "nvdx", None, "nvd:a", "x")]),
        ))
        .await
        .unwrap_err();
    assert!(err.is_constraint_violation(), "{err}");
    assert!(
        err.to_string()
            .contains("import vulns on table vulns failed"),
        "{err}"
    );
    assert_eq!(
        dump(&store).await,
        before,
        "a failed import leaves nothing behind"
    );
}

async fn kev_and_epss_are_replaced_per_source(store: AnyStore) {
    let kev = |id: &str, data: &str| KevRow {
        id: id.to_owned(),
        data: data.to_owned(),
    };
    let o = store
        .import(import(
            "kev:a",
            "kev",
            Payload::Kev(vec![kev("CVE-1", "{}"), kev("CVE-2", "{}")]),
        ))
        .await
        .unwrap();
    assert_eq!((o.inserted, o.changed_ids.len()), (2, 2));
    let o = store
        .import(import(
            "kev:a",
            "kev",
            Payload::Kev(vec![
                kev("CVE-2", r#"{"x":1}"#),
                kev("CVE-3", "{}"),
                kev("CVE-3", "dup"),
            ]),
        ))
        .await
        .unwrap();
    assert_eq!(
        (o.inserted, o.updated, o.unchanged, o.removed),
        (1, 1, 0, 1)
    );
    assert_eq!(o.changed_ids, ["CVE-1", "CVE-2", "CVE-3"]);
    let ids: Vec<String> = ["CVE-3", "CVE-1", "CVE-2", "CVE-9"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        store.kev(&ids).await.unwrap(),
        vec![kev("CVE-2", r#"{"x":1}"#), kev("CVE-3", "{}")]
    );
    // Another source's rows are not touched by a replacement.
    store
        .import(import(
            "kev:b",
            "kev",
            Payload::Kev(vec![kev("CVE-7", "{}")]),
        ))
        .await
        .unwrap();
    let o = store
        .import(import("kev:a", "kev", Payload::Kev(vec![])))
        .await
        .unwrap();
    assert_eq!(o.removed, 2);
    assert_eq!(
        store
            .kev(&["CVE-7".to_owned(), "CVE-2".to_owned()])
            .await
            .unwrap(),
        vec![kev("CVE-7", "{}")]
    );
    let same = store
        .import(import(
            "kev:b",
            "kev",
            Payload::Kev(vec![kev("CVE-7", "{}")]),
        ))
        .await
        .unwrap();
    assert_eq!((same.unchanged, same.changed_ids.len()), (1, 0));

    let epss = |id: &str, score: f64| EpssRow {
        id: id.to_owned(),
        score,
        percentile: 0.123_456_789_012_345_6,
        date: Some("2025-08-25".to_owned()),
    };
    let rows: Vec<EpssRow> = (0..1500)
        .map(|i| epss(&format!("CVE-2020-{i:05}"), f64::from(i) / 7.0))
        .collect();
    let o = store
        .import(import("epss:1", "epss", Payload::Epss(rows.clone())))
        .await
        .unwrap();
    assert_eq!(o.inserted, 1500);
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(
        store.epss(&ids).await.unwrap(),
        rows,
        "scores round-trip exactly"
    );
    let mut next = rows[1..].to_vec();
    next[0].score = 0.5;
    next[1].date = None;
    let o = store
        .import(import("epss:1", "epss", Payload::Epss(next.clone())))
        .await
        .unwrap();
    assert_eq!(
        (o.inserted, o.updated, o.unchanged, o.removed),
        (0, 2, 1497, 1)
    );
    assert_eq!(o.changed_ids, ids[..3].to_vec());
    assert_eq!(store.epss(&ids).await.unwrap(), next);
}

async fn packages_publish_and_unpublish(store: AnyStore) {
    let x86 = ("v3.18", "main", "x86_64");
    let arm = ("v3.18", "main", "aarch64");
    let first = vec![
        pkg(x86, "openssl", "3.1.0-r0", "openssl"),
        pkg(x86, "libssl3", "3.1.0-r0", "openssl"),
        pkg(x86, "zlib", "1.2.13-r0", "zlib"),
        pkg(x86, "curl", "8.0.0-r0", "curl"),
    ];
    let o = store
        .import(import(
            "apkindex:x86",
            "apkindex",
            packages("v3.18", "main", "x86_64", first.clone()),
        ))
        .await
        .unwrap();
    assert_eq!(o.inserted, 4);
    assert_eq!(o.changed_origins.len(), 3);
    store
        .import(import(
            "apkindex:arm",
            "apkindex",
            packages(
                "v3.18",
                "main",
                "aarch64",
                vec![pkg(arm, "zlib", "1.2.13-r0", "zlib")],
            ),
        ))
        .await
        .unwrap();
    store
        .import(import(
            "apkindex:edge",
            "apkindex",
            packages(
                "edge",
                "community",
                "x86_64",
                vec![pkg(
                    ("edge", "community", "x86_64"),
                    "py3-x",
                    "1-r0",
                    "py-x",
                )],
            ),
        ))
        .await
        .unwrap();
    store
        .import(import(
            "apkindex:old",
            "apkindex",
            packages("v3.9", "main", "x86_64", vec![]),
        ))
        .await
        .unwrap();

    // openssl moves on, curl leaves the index, zlib stays, musl arrives.
    let mut second = vec![
        pkg(x86, "openssl", "3.1.1-r0", "openssl"),
        pkg(x86, "libssl3", "3.1.1-r0", "openssl"),
        pkg(x86, "zlib", "1.2.13-r0", "zlib"),
        pkg(x86, "musl", "1.2.4-r0", "musl"),
    ];
    second[2].maintainer = Some("New <new@example.org>".to_owned());
    let o = store
        .import(import(
            "apkindex:x86",
            "apkindex",
            packages("v3.18", "main", "x86_64", second.clone()),
        ))
        .await
        .unwrap();
    assert_eq!(
        (o.inserted, o.updated, o.unchanged, o.removed),
        (3, 1, 0, 3),
        "{o:?}"
    );
    let key = |origin: &str| OriginKey {
        branch: "v3.18".into(),
        repo: "main".into(),
        origin: origin.into(),
    };
    assert_eq!(
        o.changed_origins,
        vec![key("curl"), key("musl"), key("openssl")]
    );

    let published = store.packages(true).await.unwrap();
    let all = store.packages(false).await.unwrap();
    assert_eq!(published.len(), 6);
    assert_eq!(all.len(), 9, "old versions stay as history");
    let curl = all.iter().find(|p| p.name == "curl").unwrap();
    assert!(!curl.published);
    let zlib = published
        .iter()
        .find(|p| p.name == "zlib" && p.arch == "x86_64")
        .unwrap();
    assert_eq!(zlib.maintainer.as_deref(), Some("New <new@example.org>"));
    assert!(
        published
            .iter()
            .any(|p| p.name == "zlib" && p.arch == "aarch64"),
        "other arch untouched"
    );
    let order: Vec<(&str, &str, &str, &str)> = all
        .iter()
        .map(|p| {
            (
                p.branch.as_str(),
                p.arch.as_str(),
                p.name.as_str(),
                p.version.as_str(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(
        order, sorted,
        "ordered by branch, repo, arch, name, version"
    );

    // curl comes back: published again, same row.
    let mut third = second.clone();
    third.push(pkg(x86, "curl", "8.0.0-r0", "curl"));
    let o = store
        .import(import(
            "apkindex:x86",
            "apkindex",
            packages("v3.18", "main", "x86_64", third.clone()),
        ))
        .await
        .unwrap();
    assert_eq!(
        (o.inserted, o.updated, o.unchanged, o.removed),
        (0, 1, 4, 0)
    );
    assert_eq!(o.changed_origins, vec![key("curl")]);
    let again = store
        .import(import(
            "apkindex:x86",
            "apkindex",
            packages("v3.18", "main", "x86_64", third),
        ))
        .await
        .unwrap();
    assert_eq!(
        (
            again.unchanged,
            again.inserted + again.updated + again.removed
        ),
        (5, 0)
    );
    assert!(again.changed_origins.is_empty());

    assert_eq!(store.branches().await.unwrap(), ["edge", "v3.18", "v3.9"]);
    let repos: Vec<(String, String)> = store
        .repos()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.branch, r.repo))
        .collect();
    assert_eq!(
        repos,
        vec![
            ("edge".into(), "community".into()),
            ("v3.18".into(), "main".into()),
            ("v3.9".into(), "main".into())
        ]
    );

    // A row outside the scope fails the import.
    let before = dump(&store).await;
    let err = store
        .import(import(
            "apkindex:x86",
            "apkindex",
            packages("v3.18", "main", "x86_64", vec![pkg(arm, "a", "1-r0", "a")]),
        ))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("not in the imported scope v3.18/main/x86_64"),
        "{err}"
    );
    assert_eq!(dump(&store).await, before);
}

async fn fixes_are_replaced_per_source(store: AnyStore) {
    let a = "secdb:v3.18/main";
    let b = "aports:v3.18";
    store
        .import(import(
            a,
            "secdb",
            Payload::Fixes(vec![
                fix(a, "v3.18", "openssl", "CVE-2023-1", "3.1.1-r0"),
                fix(a, "v3.18", "openssl", "CVE-2023-2", "3.1.1-r0"),
                fix(a, "v3.18", "curl", "CVE-2023-3", "0"),
            ]),
        ))
        .await
        .unwrap();
    store
        .import(import(
            b,
            "aports",
            Payload::Fixes(vec![fix(b, "v3.18", "openssl", "CVE-2023-1", "3.1.1-r0")]),
        ))
        .await
        .unwrap();
    assert_eq!(
        store.fixes().await.unwrap().len(),
        4,
        "the same fix from two sources is two rows"
    );

    let mut noted = fix(a, "v3.18", "openssl", "CVE-2023-1", "3.1.1-r0");
    noted.note = Some("(AoE)".to_owned());
    let o = store
        .import(import(
            a,
            "secdb",
            Payload::Fixes(vec![
                noted.clone(),
                fix(a, "v3.18", "openssl", "CVE-2023-1", "3.1.2-r0"),
                fix(a, "v3.18", "zlib", "CVE-2023-4", "1.3-r0"),
                fix(a, "v3.18", "zlib", "CVE-2023-4", "1.3-r0"), // duplicate collapses
            ]),
        ))
        .await
        .unwrap();
    assert_eq!(
        (o.inserted, o.updated, o.unchanged, o.removed),
        (2, 1, 0, 2),
        "{o:?}"
    );
    let scopes: Vec<(String, String)> = o
        .changed_fixes
        .into_iter()
        .map(|s| (s.branch, s.origin))
        .collect();
    assert_eq!(
        scopes,
        vec![
            ("v3.18".into(), "curl".into()),
            ("v3.18".into(), "openssl".into()),
            ("v3.18".into(), "zlib".into())
        ]
    );
    let fixes = store.fixes().await.unwrap();
    assert_eq!(fixes.len(), 4);
    assert!(fixes.contains(&noted));
    assert!(
        fixes.iter().any(|f| f.source == b),
        "the other source is untouched"
    );
    assert!(!fixes.iter().any(|f| f.origin == "curl"));
    let keys: Vec<_> = fixes
        .iter()
        .map(|f| {
            (
                &f.branch, &f.origin, &f.vuln_id, &f.kind, &f.version, &f.source,
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    let o = store
        .import(import(a, "secdb", Payload::Fixes(vec![noted.clone()])))
        .await
        .unwrap();
    assert_eq!(o.removed, 2);
    let o = store
        .import(import(a, "secdb", Payload::Fixes(vec![noted])))
        .await
        .unwrap();
    assert_eq!((o.unchanged, o.changed_fixes.len()), (1, 0));

    // A kind outside the set is a constraint violation.
    let mut bad = fix(a, "v3.18", "x", "CVE-1", "1");
    bad.kind = "maybe".to_owned();
    let err = store
        .import(import(a, "secdb", Payload::Fixes(vec![bad])))
        .await
        .unwrap_err();
    assert!(err.is_constraint_violation(), "{err}");
    assert!(err.to_string().contains("on table fixes"), "{err}");
}

fn decision(branch: Option<&str>, status: &str, at: i64) -> NewDecision {
    NewDecision {
        branch: branch.map(str::to_owned),
        origin: "openssl".to_owned(),
        vuln_id: "CVE-2023-1".to_owned(),
        status: status.to_owned(),
        justification: (status == "not-affected").then(|| "vulnerable_code_not_present".to_owned()),
        statement: "the vulnerable code is behind a disabled option".to_owned(),
        author: "jane".to_owned(),
        created_at: at,
    }
}

async fn decisions_supersede_without_deleting(store: AnyStore) {
    let d1 = store
        .add_decision(decision(Some("v3.18"), "under-investigation", 1))
        .await
        .unwrap();
    let all_branches = store
        .add_decision(decision(None, "affected", 2))
        .await
        .unwrap();
    let d2 = store
        .add_decision(decision(Some("v3.18"), "not-affected", 3))
        .await
        .unwrap();
    let other = store
        .add_decision(decision(Some("v3.17"), "affected", 4))
        .await
        .unwrap();
    let all_branches2 = store
        .add_decision(decision(None, "not-affected", 5))
        .await
        .unwrap();
    assert!(d1 < all_branches && all_branches < d2 && d2 < other && other < all_branches2);

    let all = store.decisions(false).await.unwrap();
    assert_eq!(all.len(), 5, "nothing is deleted");
    let by_id = |id: i64| all.iter().find(|d| d.id == id).unwrap();
    assert_eq!(by_id(d1).superseded_by, Some(d2));
    assert_eq!(by_id(all_branches).superseded_by, Some(all_branches2));
    assert_eq!(by_id(d2).superseded_by, None);
    assert_eq!(
        by_id(d2).justification.as_deref(),
        Some("vulnerable_code_not_present")
    );
    assert_eq!(by_id(d2).created_at, 3);
    let current: Vec<i64> = store
        .decisions(true)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(current, vec![d2, other, all_branches2]);

    let before = dump(&store).await;
    let mut bad = decision(Some("v3.18"), "fixed-maybe", 6);
    bad.justification = None;
    let err = store.add_decision(bad).await.unwrap_err();
    assert!(err.is_constraint_violation(), "{err}");
    let mut bad = decision(Some("v3.18"), "not-affected", 6);
    bad.justification = Some("because".to_owned());
    assert!(
        store
            .add_decision(bad)
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    assert_eq!(
        dump(&store).await,
        before,
        "a rejected decision supersedes nothing"
    );
}

async fn states_and_change_log(store: AnyStore) {
    let run1 = store.begin_run("match").await.unwrap();
    let s1 = state("v3.18", "openssl", "CVE-1", "vulnerable", run1);
    let s2 = state("v3.18", "openssl", "CVE-2", "fixed", run1);
    let s3 = state("edge", "curl", "CVE-1", "possibly-vulnerable", run1);
    let mut s4 = state("v3.18", "zlib", "CVE-3", "not-affected", run1);
    s4.repo = "community".to_owned();
    s4.reason = Some("rejected".to_owned());
    let upserts = vec![s1.clone(), s2.clone(), s3.clone(), s4.clone()];
    let changes: Vec<_> = upserts.iter().map(|s| change(s, None, 100)).collect();
    let o = store
        .apply_states(run1, upserts, vec![], changes)
        .await
        .unwrap();
    assert_eq!((o.upserted, o.removed, o.changes), (4, 0, 4));

    let all = store.states(&StateFilter::default()).await.unwrap();
    assert_eq!(
        all,
        vec![s3.clone(), s4.clone(), s1.clone(), s2.clone()],
        "ordered by key"
    );
    let f =
        |b: Option<&str>, r: Option<&str>, o: Option<&str>, v: Option<&str>, s: Option<&str>| {
            StateFilter {
                branch: b.map(str::to_owned),
                repo: r.map(str::to_owned),
                origin: o.map(str::to_owned),
                vuln_id: v.map(str::to_owned),
                state: s.map(str::to_owned),
                vuln_ids: None,
                origins: None,
            }
        };
    // A set of ids (incremental matcher runs); an empty set matches nothing.
    let ids = |ids: &[&str]| StateFilter {
        vuln_ids: Some(ids.iter().map(|s| (*s).to_owned()).collect()),
        ..StateFilter::default()
    };
    assert_eq!(
        store.states(&ids(&["CVE-1", "CVE-3"])).await.unwrap(),
        vec![s3.clone(), s4.clone(), s1.clone()]
    );
    assert_eq!(store.states(&ids(&[])).await.unwrap(), vec![]);
    let many: Vec<String> = (0..20_000)
        .map(|i| format!("CVE-9-{i}"))
        .chain(["CVE-2".to_owned()])
        .collect();
    let many = StateFilter {
        vuln_ids: Some(many),
        ..StateFilter::default()
    };
    assert_eq!(
        store.states(&many).await.unwrap(),
        vec![s2.clone()],
        "beyond the parameter limit"
    );
    // A set of origins (the scanner's batches), also beyond the limit, and
    // combined with a set of ids.
    let origins = |origins: Vec<String>, ids: Option<&[&str]>| StateFilter {
        origins: Some(origins),
        vuln_ids: ids.map(|ids| ids.iter().map(|s| (*s).to_owned()).collect()),
        ..StateFilter::default()
    };
    let both = vec!["openssl".to_owned(), "curl".to_owned()];
    let want = vec![s3.clone(), s1.clone(), s2.clone()];
    assert_eq!(
        store.states(&origins(both.clone(), None)).await.unwrap(),
        want
    );
    assert_eq!(store.states(&origins(vec![], None)).await.unwrap(), vec![]);
    let many_origins: Vec<String> = (0..20_000)
        .map(|i| format!("nothing-{i}"))
        .chain(both.clone())
        .collect();
    assert_eq!(
        store.states(&origins(many_origins, None)).await.unwrap(),
        want,
        "origins beyond the parameter limit"
    );
    assert_eq!(
        store
            .states(&origins(both, Some(&["CVE-1"])))
            .await
            .unwrap(),
        vec![s3.clone(), s1.clone()]
    );
    assert_eq!(
        store
            .states(&f(Some("v3.18"), None, None, None, None))
            .await
            .unwrap(),
        vec![s4.clone(), s1.clone(), s2.clone()]
    );
    assert_eq!(
        store
            .states(&f(Some("v3.18"), Some("main"), None, None, None))
            .await
            .unwrap(),
        vec![s1.clone(), s2.clone()]
    );
    assert_eq!(
        store
            .states(&f(None, None, Some("openssl"), None, None))
            .await
            .unwrap(),
        vec![s1.clone(), s2.clone()]
    );
    assert_eq!(
        store
            .states(&f(None, None, None, Some("CVE-1"), None))
            .await
            .unwrap(),
        vec![s3.clone(), s1.clone()]
    );
    assert_eq!(
        store
            .states(&f(None, None, None, None, Some("fixed")))
            .await
            .unwrap(),
        vec![s2.clone()]
    );
    assert_eq!(
        store
            .states(&f(
                Some("v3.18"),
                Some("main"),
                Some("openssl"),
                Some("CVE-1"),
                Some("vulnerable")
            ))
            .await
            .unwrap(),
        vec![s1.clone()]
    );
    assert!(
        store
            .states(&f(Some("v3.17"), None, None, None, None))
            .await
            .unwrap()
            .is_empty()
    );

    let counts: Vec<(String, String, String, i64)> = store
        .state_counts()
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.branch, c.repo, c.state, c.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            (
                "edge".into(),
                "main".into(),
                "possibly-vulnerable".into(),
                1
            ),
            ("v3.18".into(), "community".into(), "not-affected".into(), 1),
            ("v3.18".into(), "main".into(), "fixed".into(), 1),
            ("v3.18".into(), "main".into(), "vulnerable".into(), 1),
        ]
    );

    // Run 2: CVE-1 of openssl gets fixed, curl's state goes away.
    let run2 = store.begin_run("match").await.unwrap();
    let s1b = state("v3.18", "openssl", "CVE-1", "fixed", run2);
    let mut removed = change(&s3, Some("possibly-vulnerable"), 200);
    removed.new_state = None;
    let o = store
        .apply_states(
            run2,
            vec![s1b.clone()],
            vec![
                s3.key(),
                StateKey {
                    branch: "nope".into(),
                    repo: "x".into(),
                    origin: "y".into(),
                    vuln_id: "z".into(),
                },
            ],
            vec![change(&s1b, Some("vulnerable"), 200), removed],
        )
        .await
        .unwrap();
    assert_eq!((o.upserted, o.removed, o.changes), (1, 1, 2));
    assert_eq!(
        store.states(&StateFilter::default()).await.unwrap(),
        vec![s4.clone(), s1b.clone(), s2.clone()]
    );

    let log = store.changes(&ChangeFilter::default(), 100).await.unwrap();
    assert_eq!(log.len(), 6);
    assert!(log.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(log[0].new_state, None);
    assert_eq!(log[0].old_state.as_deref(), Some("possibly-vulnerable"));
    assert_eq!(
        log[0].run_id, run2,
        "stored with the run given to apply_states"
    );
    assert_eq!(log[1].old_state.as_deref(), Some("vulnerable"));
    assert_eq!(log[1].new_state.as_deref(), Some("fixed"));
    assert_eq!(log[1].new_fixed_version.as_deref(), Some("1.0-r0"));
    assert_eq!(
        store.changes(&ChangeFilter::default(), 2).await.unwrap(),
        log[..2].to_vec()
    );
    let cf = |run: Option<i64>, since: Option<i64>, vuln: Option<&str>, origin: Option<&str>| {
        ChangeFilter {
            run_id: run,
            since,
            vuln_id: vuln.map(str::to_owned),
            origin: origin.map(str::to_owned),
            ..ChangeFilter::default()
        }
    };
    assert_eq!(
        store
            .changes(&cf(Some(run1), None, None, None), 100)
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        store
            .changes(&cf(None, Some(150), None, None), 100)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .changes(&cf(None, None, Some("CVE-1"), None), 100)
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        store
            .changes(&cf(None, None, Some("CVE-1"), Some("curl")), 100)
            .await
            .unwrap()
            .len(),
        2
    );
    let by_branch = ChangeFilter {
        branch: Some("v3.18".into()),
        repo: Some("community".into()),
        ..ChangeFilter::default()
    };
    assert_eq!(store.changes(&by_branch, 100).await.unwrap().len(), 1);
    // Changes of the first run were logged in list order.
    let first: Vec<String> = store
        .changes(&cf(Some(run1), None, None, None), 100)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|c| c.origin)
        .collect();
    assert_eq!(first, ["openssl", "openssl", "curl", "zlib"]);
}

async fn states_write_is_one_transaction(store: AnyStore) {
    let run = store.begin_run("match").await.unwrap();
    let base: Vec<_> = (0..10)
        .map(|i| state("v3.18", &format!("p{i}"), "CVE-1", "vulnerable", run))
        .collect();
    store
        .apply_states(
            run,
            base.clone(),
            vec![],
            base.iter().map(|s| change(s, None, 1)).collect(),
        )
        .await
        .unwrap();
    let before = dump(&store).await;

    // Many valid upserts, removals and changes, then one bad state at the end.
    let mut upserts: Vec<_> = (0..3000)
        .map(|i| state("edge", &format!("q{i}"), "CVE-2", "fixed", run))
        .collect();
    upserts.push(state("edge", "zzz-bad", "CVE-2", "maybe", run));
    let changes: Vec<_> = upserts
        .iter()
        .map(|s| change(&s.clone(), None, 2))
        .take(3000)
        .collect();
    let removals = vec![base[0].key(), base[1].key()];
    let err = store
        .apply_states(run, upserts.clone(), removals.clone(), changes.clone())
        .await
        .unwrap_err();
    assert!(err.is_constraint_violation(), "{err}");
    assert!(
        err.to_string()
            .contains("apply states on table states failed"),
        "{err}"
    );
    assert_eq!(
        dump(&store).await,
        before,
        "nothing of a failed apply is visible"
    );

    // A bad change at the end of the log.
    upserts.pop();
    let mut bad_changes = changes.clone();
    let mut bad = bad_changes[0].clone();
    bad.new_state = None;
    bad.old_state = None; // neither old nor new: rejected by a CHECK
    bad_changes.push(bad);
    let err = store
        .apply_states(run, upserts.clone(), removals.clone(), bad_changes)
        .await
        .unwrap_err();
    assert!(err.is_constraint_violation(), "{err}");
    assert!(err.to_string().contains("state_changes"), "{err}");
    assert_eq!(dump(&store).await, before);

    // An unknown run.
    let err = store
        .apply_states(run + 100, upserts.clone(), vec![], vec![])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { table: "runs", .. }),
        "{err}"
    );
    // A key both upserted and removed.
    let err = store
        .apply_states(run, vec![base[0].clone()], vec![base[0].key()], vec![])
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                table: "states",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(dump(&store).await, before);

    // And the same write, valid, goes through whole.
    let o = store
        .apply_states(run, upserts, removals, changes)
        .await
        .unwrap();
    assert_eq!((o.upserted, o.removed, o.changes), (3000, 2, 3000));
    assert_eq!(
        store.states(&StateFilter::default()).await.unwrap().len(),
        3008
    );
}

async fn runs_begin_finish_last(store: AnyStore) {
    assert_eq!(store.last_run("match").await.unwrap(), None);
    let r1 = store.begin_run("match").await.unwrap();
    assert_eq!(
        store.last_run("match").await.unwrap(),
        None,
        "an unfinished run is not the last run"
    );
    store
        .finish_run(r1, Some("fp1"), r#"{"states":3}"#)
        .await
        .unwrap();
    let r2 = store.begin_run("update").await.unwrap();
    let r3 = store.begin_run("match").await.unwrap();
    let last = store.last_run("match").await.unwrap().unwrap();
    assert_eq!(
        (last.id, last.fingerprint.as_deref(), last.stats.as_str()),
        (r1, Some("fp1"), r#"{"states":3}"#)
    );
    assert!(last.finished_at.unwrap() >= last.started_at);
    store.finish_run(r3, None, "{}").await.unwrap();
    let last = store.last_run("match").await.unwrap().unwrap();
    assert_eq!((last.id, last.fingerprint), (r3, None));
    let runs = store.runs(10).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![r3, r2, r1]
    );
    assert_eq!(runs[1].finished_at, None);
    assert_eq!(runs[1].kind, "update");
    assert_eq!(store.runs(1).await.unwrap().len(), 1);
    let err = store.finish_run(r3 + 10, None, "{}").await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { table: "runs", .. }),
        "{err}"
    );
}

/// Transactionality (a): imports whose payload fails mid-way (after several
/// batches were written) leave the previous state byte for byte.
async fn failed_imports_leave_everything_as_it_was(store: AnyStore) {
    // A previous state in every table.
    let vulns: Vec<VulnRow> = (0..3000)
        .map(|i| {
            vuln(
                &format!("CVE-2000-{i:05}"),
                "nvd",
                Some(10),
                "nvd:2000",
                "old",
            )
        })
        .collect();
    store
        .import(import("nvd:2000", "nvd", Payload::Vulns(vulns)))
        .await
        .unwrap();
    let pkgs: Vec<_> = (0..3000)
        .map(|i| {
            pkg(
                ("v3.18", "main", "x86_64"),
                &format!("p{i}"),
                "1-r0",
                &format!("o{}", i / 3),
            )
        })
        .collect();
    store
        .import(import(
            "apkindex:x",
            "apkindex",
            packages("v3.18", "main", "x86_64", pkgs.clone()),
        ))
        .await
        .unwrap();
    let fixes: Vec<_> = (0..3000)
        .map(|i| {
            fix(
                "secdb:x",
                "v3.18",
                &format!("o{i}"),
                "CVE-2000-00001",
                "2-r0",
            )
        })
        .collect();
    store
        .import(import("secdb:x", "secdb", Payload::Fixes(fixes.clone())))
        .await
        .unwrap();
    let kev: Vec<_> = (0..3000)
        .map(|i| KevRow {
            id: format!("CVE-2000-{i:05}"),
            data: "{}".into(),
        })
        .collect();
    store
        .import(import("kev:x", "kev", Payload::Kev(kev.clone())))
        .await
        .unwrap();
    let epss: Vec<_> = (0..3000)
        .map(|i| EpssRow {
            id: format!("CVE-2000-{i:05}"),
            score: 0.1,
            percentile: 0.2,
            date: None,
        })
        .collect();
    store
        .import(import("epss:x", "epss", Payload::Epss(epss.clone())))
        .await
        .unwrap();
    store
        .add_decision(decision(None, "affected", 1))
        .await
        .unwrap();
    let run = store.begin_run("match").await.unwrap();
    let s = state("v3.18", "o1", "CVE-2000-00001", "vulnerable", run);
    store
        .apply_states(run, vec![s.clone()], vec![], vec![change(&s, None, 1)])
        .await
        .unwrap();
    store.set_meta("k", "v").await.unwrap();
    let before = dump(&store).await;

    // Rows are written in key order, so each bad row below sorts last: the
    // batches before it have been written when it fails.
    // Vulns: 3000 updates and 2000 new rows, then an unknown kind (CHECK).
    let mut next: Vec<VulnRow> = (0..5000)
        .map(|i| {
            vuln(
                &format!("CVE-2000-{i:05}"),
                "nvd",
                Some(20),
                "nvd:2000",
                "new",
            )
        })
        .collect();
    next.push(vuln("CVE-2000-99999", "nvdx", Some(20), "nvd:2000", "bad"));
    let err = store
        .import(import("nvd:2000", "nvd", Payload::Vulns(next)))
        .await
        .unwrap_err();
    assert!(err.is_constraint_violation(), "{err}");
    assert_eq!(dump(&store).await, before, "vulns");

    // Same from a new source: the source record must not appear either.
    let mut next: Vec<VulnRow> = (0..5000)
        .map(|i| {
            vuln(
                &format!("CVE-2001-{i:05}"),
                "nvd",
                Some(20),
                "nvd:2001",
                "new",
            )
        })
        .collect();
    next.push(vuln("CVE-2001-x", "bogus", Some(20), "nvd:2001", "bad"));
    assert!(
        store
            .import(import("nvd:2001", "nvd", Payload::Vulns(next)))
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    assert_eq!(store.source("nvd:2001").await.unwrap(), None);
    assert_eq!(dump(&store).await, before, "vulns from a new source");

    // Packages: a new index, then an empty version.
    let mut next: Vec<_> = (0..4000)
        .map(|i| pkg(("v3.18", "main", "x86_64"), &format!("n{i}"), "2-r0", "o"))
        .collect();
    next.push(pkg(("v3.18", "main", "x86_64"), "zzz", "", "o"));
    assert!(
        store
            .import(import(
                "apkindex:x",
                "apkindex",
                packages("v3.18", "main", "x86_64", next)
            ))
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    assert_eq!(dump(&store).await, before, "packages");
    // A new scope: branch and repo rows must not appear.
    let next = vec![
        pkg(("v9.9", "main", "x86_64"), "a", "1-r0", "a"),
        pkg(("v9.9", "main", "x86_64"), "b", "", "b"),
    ];
    assert!(
        store
            .import(import(
                "apkindex:y",
                "apkindex",
                packages("v9.9", "main", "x86_64", next)
            ))
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    assert_eq!(dump(&store).await, before, "packages in a new scope");

    // Fixes: a full replacement, then a bad kind.
    let mut next: Vec<_> = (0..4000)
        .map(|i| {
            fix(
                "secdb:x",
                "v3.18",
                &format!("z{i}"),
                "CVE-2000-00002",
                "3-r0",
            )
        })
        .collect();
    let mut bad = fix("secdb:x", "v3.18", "zz", "CVE-1", "1");
    bad.kind = "fixed-ish".into();
    next.push(bad);
    assert!(
        store
            .import(import("secdb:x", "secdb", Payload::Fixes(next)))
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    assert_eq!(dump(&store).await, before, "fixes");

    // KEV and EPSS: replacements with an empty id (it sorts first, but the
    // source's old rows were deleted before it fails).
    let mut next: Vec<_> = (0..4000)
        .map(|i| KevRow {
            id: format!("CVE-2000-{:05}", i + 500),
            data: "{\"n\":1}".into(),
        })
        .collect();
    next.push(KevRow {
        id: String::new(),
        data: "{}".into(),
    });
    assert!(
        store
            .import(import("kev:x", "kev", Payload::Kev(next)))
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    let mut next: Vec<_> = (0..4000)
        .map(|i| EpssRow {
            id: format!("CVE-2000-{:05}", i + 500),
            score: 0.9,
            percentile: 0.9,
            date: None,
        })
        .collect();
    next.push(EpssRow {
        id: String::new(),
        score: 0.0,
        percentile: 0.0,
        date: None,
    });
    assert!(
        store
            .import(import("epss:x", "epss", Payload::Epss(next)))
            .await
            .unwrap_err()
            .is_constraint_violation()
    );
    assert_eq!(dump(&store).await, before, "kev and epss");

    // The store still works after all those rollbacks.
    let o = store
        .import(import("secdb:x", "secdb", Payload::Fixes(fixes)))
        .await
        .unwrap();
    assert_eq!(o.unchanged, 3000);
}

/// Imports and state writes started together all succeed, one after the
/// other (SQLite: one writer connection and `BEGIN IMMEDIATE`; PostgreSQL:
/// an advisory lock), and the result is what a serial run gives.
async fn concurrent_writers_are_serialised(store: AnyStore) {
    let run = store.begin_run("match").await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("secdb:{i}");
            let rows: Vec<_> = (0..2000)
                .map(|j| fix(&name, "edge", &format!("o{j}"), &format!("CVE-{i}"), "1"))
                .collect();
            store
                .import(import(&name, "secdb", Payload::Fixes(rows)))
                .await
                .unwrap();
            let states: Vec<_> = (0..500)
                .map(|j| state("edge", &format!("t{i}-{j}"), "CVE-1", "fixed", run))
                .collect();
            store
                .apply_states(run, states, vec![], vec![])
                .await
                .unwrap();
            store
                .add_decision(decision(Some("edge"), "affected", i))
                .await
                .unwrap();
            store.fixes().await.unwrap().len()
        }));
    }
    for t in tasks {
        assert!(t.await.unwrap() >= 2000);
    }
    assert_eq!(store.fixes().await.unwrap().len(), 12_000);
    assert_eq!(
        store.states(&StateFilter::default()).await.unwrap().len(),
        3000
    );
    assert_eq!(
        store.decisions(true).await.unwrap().len(),
        1,
        "one current decision per key"
    );
    assert_eq!(store.decisions(false).await.unwrap().len(), 6);
}

/// CPU time (user + system, all threads) this process has used so far, from
/// `/proc/self/stat`; `None` off Linux. Printed beside wall time because the
/// machine is shared: wall time depends on what else runs, CPU time less so.
fn cpu_time() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime is the
    // 12th and stime the 13th of those, in clock ticks (100 per second).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(std::time::Duration::from_millis(ticks * 10))
}

/// Times `f`: wall and CPU time.
async fn timed<T>(f: impl Future<Output = T>) -> (T, String) {
    let (wall, cpu) = (Instant::now(), cpu_time());
    let out = f.await;
    let cpu = match (cpu, cpu_time()) {
        (Some(a), Some(b)) => format!("{:.2?} cpu", b.saturating_sub(a)),
        _ => "cpu n/a".to_owned(),
    };
    (out, format!("{:.2?} wall / {cpu}", wall.elapsed()))
}

/// Not a timed assertion: prints how long bulk writes take per backend
/// (`cargo test -p secfixes-store --test store bulk_writes -- --nocapture`).
async fn bulk_writes(store: AnyStore) {
    const VULNS: usize = 200_000;
    const STATES: usize = 300_000;
    let backend = store.backend();
    // ~400 bytes of incompressible-looking payload per record.
    let rows: Vec<VulnRow> = (0..VULNS)
        .map(|i| {
            let mut r = vuln(
                &format!("CVE-{}-{:06}", 1999 + i % 27, i),
                "nvd",
                Some(i as i64),
                "nvd:bulk",
                "",
            );
            r.data = (0..400u32)
                .map(|j| ((i as u32).wrapping_mul(2_654_435_761) ^ j.wrapping_mul(40_503)) as u8)
                .collect();
            r.products = vec![product(
                &format!("vendor{}", i % 5000),
                &format!("product{}", i % 20_000),
            )];
            r
        })
        .collect();
    let (o, cold) =
        timed(store.import(import("nvd:bulk", "nvd", Payload::Vulns(rows.clone())))).await;
    assert_eq!(o.unwrap().inserted as usize, VULNS);
    let (o, warm) = timed(store.import(import("nvd:bulk", "nvd", Payload::Vulns(rows)))).await;
    assert_eq!(o.unwrap().unchanged as usize, VULNS);

    let run = store.begin_run("match").await.unwrap();
    let states: Vec<_> = (0..STATES)
        .map(|i| {
            let mut s = state(
                ["edge", "v3.18", "v3.17"][i % 3],
                &format!("origin{}", i % 9000),
                &format!("CVE-2020-{i:06}"),
                ["vulnerable", "fixed", "not-affected"][i % 3],
                run,
            );
            s.repo = ["main", "community"][i % 2].to_owned();
            s
        })
        .collect();
    let changes: Vec<_> = states.iter().map(|s| change(s, None, 1)).collect();
    let (o, apply_states) = timed(store.apply_states(run, states.clone(), vec![], vec![])).await;
    o.unwrap();
    let (o, apply_changes) = timed(store.apply_states(run, vec![], vec![], changes)).await;
    o.unwrap();
    let (all, read_states) = timed(store.states(&StateFilter::default())).await;
    let (products, read_products) = timed(store.vuln_products()).await;
    assert_eq!(all.unwrap().len(), STATES);
    assert_eq!(products.unwrap().len(), VULNS);
    let counted: i64 = store
        .state_counts()
        .await
        .unwrap()
        .iter()
        .map(|c| c.count)
        .sum();
    assert_eq!(counted as usize, STATES);
    println!(
        "bulk[{backend}]: {VULNS} vulns (400 B) cold import {cold}; re-import (unchanged) {warm}"
    );
    println!(
        "bulk[{backend}]: {STATES} states {apply_states}; {STATES} changes {apply_changes}; \
         read all states {read_states}; read all products {read_products}"
    );
}
