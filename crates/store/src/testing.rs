//! Running code against a fresh store of each backend, for tests (this
//! crate's and the crates that build on it). Enabled by the `testing`
//! feature.
//!
//! SQLite: a new file in a temporary directory. PostgreSQL: when
//! [`PG_ENV`] is set, a new schema per test (its name in the connection's
//! `search_path`), dropped at the end even when the test fails. When the
//! variable is not set the PostgreSQL variant prints that it was skipped;
//! CI sets it, so there they always run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{AnyStore, Store};

/// The variable that names the PostgreSQL server for the tests.
pub const PG_ENV: &str = "SECFIXES_TEST_POSTGRES_URL";

/// Runs `body` on a fresh, migrated SQLite file.
pub async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(AnyStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let store = crate::open(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    store.migrate().await.unwrap();
    let result = tokio::spawn(body(store.clone())).await;
    store.close().await;
    drop(dir);
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// A name no other test run uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `body` on a fresh schema of the PostgreSQL server named by
/// [`PG_ENV`]; prints that it was skipped when the variable is not set.
pub async fn on_postgres<F, Fut>(test: &str, body: F)
where
    F: FnOnce(AnyStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Ok(base) = std::env::var(PG_ENV) else {
        // Straight to the file descriptor: the test harness captures
        // `eprintln!` of passing tests, and a skip must be seen.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test} on PostgreSQL: {PG_ENV} is not set"
        );
        return;
    };
    let schema = unique_name(&format!("t_{}", &test[..test.len().min(30)])).to_lowercase();
    let admin = sqlx::PgPool::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{PG_ENV} is set but the server cannot be reached: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options[search_path]={schema}");
    let store = crate::open(&url).await.unwrap();
    assert_eq!(store.backend(), "postgres");
    store.migrate().await.unwrap();
    let result = tokio::spawn(body(store.clone())).await;
    store.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}
