//! Shared by the integration tests: a fresh store per test on each backend,
//! and row builders.
//!
//! SQLite: a new file in a temporary directory. PostgreSQL: when
//! `SECFIXES_TEST_POSTGRES_URL` is set, a new schema per test (its name in
//! the connection's `search_path`), dropped at the end even when the test
//! fails. When the variable is not set the PostgreSQL variant prints that it
//! was skipped; CI sets it, so there they always run.

#![allow(dead_code, clippy::unwrap_used, unreachable_pub)]

use secfixes_store::rows::{
    FixRow, Import, PackageRow, Payload, ProductKey, SourceRecord, StateChange, StateRow, VulnRow,
};
use secfixes_store::{AnyStore, Store};

/// Generates one `#[tokio::test]` per backend for each named test function
/// (`async fn name(store: AnyStore)`), in modules `sqlite` and `postgres`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::on_sqlite(super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::on_postgres(stringify!($name), super::$name).await;
                }
            )*
        }
    };
}

#[allow(unused_imports)]
pub use secfixes_store::testing::{PG_ENV, on_postgres, on_sqlite, unique_name};

pub fn source(name: &str, kind: &str) -> SourceRecord {
    SourceRecord {
        name: name.to_owned(),
        kind: kind.to_owned(),
        location: format!("/data/{name}"),
        checksum: Some(format!("sha256-of-{name}")),
        etag: None,
        last_modified: None,
        imported_at: 1_700_000_000,
        records: 0,
        summary: "{}".to_owned(),
    }
}

pub fn import(name: &str, kind: &str, payload: Payload) -> Import {
    let mut source = source(name, kind);
    source.records = payload.len() as i64;
    Import { source, payload }
}

pub fn product(vendor: &str, product: &str) -> ProductKey {
    ProductKey {
        vendor: vendor.to_owned(),
        product: product.to_owned(),
        target_sw: String::new(),
    }
}

pub fn vuln(id: &str, kind: &str, modified: Option<i64>, source: &str, data: &str) -> VulnRow {
    VulnRow {
        id: id.to_owned(),
        kind: kind.to_owned(),
        status: "PUBLISHED".to_owned(),
        published: Some(1_600_000_000),
        modified,
        cvss_score: Some(9.8),
        severity: Some("CRITICAL".to_owned()),
        source: source.to_owned(),
        data: data.as_bytes().to_vec(),
        products: vec![product("openssl", "openssl")],
    }
}

pub fn pkg(
    (branch, repo, arch): (&str, &str, &str),
    name: &str,
    version: &str,
    origin: &str,
) -> PackageRow {
    PackageRow {
        branch: branch.to_owned(),
        repo: repo.to_owned(),
        arch: arch.to_owned(),
        name: name.to_owned(),
        version: version.to_owned(),
        origin: origin.to_owned(),
        maintainer: Some("Jane <jane@example.org>".to_owned()),
        build_time: Some(1_690_000_000),
        commit: Some("0123abcd".to_owned()),
        published: true,
    }
}

pub fn packages(branch: &str, repo: &str, arch: &str, rows: Vec<PackageRow>) -> Payload {
    Payload::Packages {
        branch: branch.to_owned(),
        repo: repo.to_owned(),
        arch: arch.to_owned(),
        packages: rows,
    }
}

pub fn fix(source: &str, branch: &str, origin: &str, id: &str, version: &str) -> FixRow {
    FixRow {
        branch: branch.to_owned(),
        origin: origin.to_owned(),
        vuln_id: id.to_owned(),
        version: version.to_owned(),
        kind: if version == "0" {
            "not-affected"
        } else {
            "fixed"
        }
        .to_owned(),
        source: source.to_owned(),
        location: Some(format!("main/{origin}/APKBUILD:12")),
        note: None,
    }
}

pub fn state(branch: &str, origin: &str, id: &str, state: &str, run: i64) -> StateRow {
    StateRow {
        branch: branch.to_owned(),
        repo: "main".to_owned(),
        origin: origin.to_owned(),
        vuln_id: id.to_owned(),
        state: state.to_owned(),
        version: "1.0-r0".to_owned(),
        fixed_version: (state == "fixed").then(|| "1.0-r0".to_owned()),
        reason: None,
        evidence: r#"[{"type":"fix","version":"1.0-r0","source":"secdb"}]"#.to_owned(),
        since: 1_700_000_000 + run,
        updated_run: run,
    }
}

pub fn change(s: &StateRow, old: Option<&str>, at: i64) -> StateChange {
    StateChange {
        id: 0,
        run_id: 0,
        at,
        branch: s.branch.clone(),
        repo: s.repo.clone(),
        origin: s.origin.clone(),
        vuln_id: s.vuln_id.clone(),
        old_state: old.map(str::to_owned),
        new_state: Some(s.state.clone()),
        old_fixed_version: None,
        new_fixed_version: s.fixed_version.clone(),
        reason: Some("test".to_owned()),
    }
}

/// Everything the store holds, read through the API, as text: two equal
/// dumps mean equal contents.
pub async fn dump(store: &AnyStore) -> String {
    use secfixes_store::rows::{ChangeFilter, StateFilter};
    let statuses = store.vuln_ids_with_status().await.unwrap();
    let ids: Vec<String> = statuses.iter().map(|s| s.id.clone()).collect();
    let mut kev_ids: Vec<String> = ids.clone();
    kev_ids.extend((0..20_000).map(|i| format!("CVE-2000-{i:05}")));
    format!(
        "sources {:?}\npackages {:?}\nbranches {:?}\nrepos {:?}\nfixes {:?}\n\
         decisions {:?}\nproducts {:?}\nvulns {:?}\nstatus {:?}\nkev {:?}\nepss {:?}\n\
         states {:?}\ncounts {:?}\nchanges {:?}\nruns {:?}\nmeta {:?}",
        store.sources().await.unwrap(),
        store.packages(false).await.unwrap(),
        store.branches().await.unwrap(),
        store.repos().await.unwrap(),
        store.fixes().await.unwrap(),
        store.decisions(false).await.unwrap(),
        store.vuln_products().await.unwrap(),
        store.vulns(&ids).await.unwrap(),
        statuses,
        store.kev(&kev_ids).await.unwrap(),
        store.epss(&kev_ids).await.unwrap(),
        store.states(&StateFilter::default()).await.unwrap(),
        store.state_counts().await.unwrap(),
        store
            .changes(&ChangeFilter::default(), u32::MAX)
            .await
            .unwrap(),
        store.runs(u32::MAX).await.unwrap(),
        store.get_meta("k").await.unwrap(),
    )
}
