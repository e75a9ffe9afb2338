//! The secfixes store: what was imported (sources, vulnerabilities,
//! packages, fixes), what people decided, and what the matcher concluded
//! (states and the append-only log of their changes).
//!
//! One [`Store`] trait, two backends chosen by URL ([`open`]):
//! SQLite (the embedded default, one file in WAL mode) and PostgreSQL
//! (production). Each backend has its own migrations
//! (`migrations/sqlite`, `migrations/postgres`) because DDL differs; the
//! decisions about what to write (the upsert rule, publish/unpublish, what
//! changed) are made once, in backend-neutral code, so both behave the same.
//!
//! Every import is one transaction: if anything fails (or the process is
//! killed), nothing of it is visible. Writes are batched (multi-row
//! `INSERT` on SQLite, `UNNEST` arrays on PostgreSQL), reads are bulk.
//!
//! The public API uses plain Rust structs ([`rows`]); no sqlx type leaks.

#![forbid(unsafe_code)]

use std::future::Future;

mod decode;
mod error;
mod migrations;
mod plan;
mod postgres;
pub mod rows;
mod sqlite;
mod target;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{DriverError, StoreError};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use target::{Target, default_sqlite_path, redact};

use rows::{
    ApplyOutcome, ChangeFilter, DecisionRow, EpssRow, FixRow, Import, ImportOutcome, KevRow,
    NewDecision, PackageRow, RepoRow, RunRow, SourceRecord, StateChange, StateCount, StateFilter,
    StateKey, StateRow, VulnProduct, VulnRow, VulnStatus,
};

/// The storage API. Every method is one statement or one transaction;
/// futures are `Send`, so a store can be shared by an axum server.
pub trait Store: Send + Sync {
    /// Which backend this is (`sqlite` or `postgres`).
    fn backend(&self) -> &'static str;

    /// Applies the pending migrations. On SQLite, when any was applied, the
    /// file is also `VACUUM`ed and `ANALYZE`d, as rebuilderd does after
    /// schema changes.
    fn migrate(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Refreshes the query planner's statistics (`PRAGMA optimize` /
    /// `ANALYZE`); worth calling after a large import.
    fn optimize(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Closes every connection (on SQLite this also checkpoints the WAL).
    fn close(&self) -> impl Future<Output = ()> + Send;

    /// The record of one source.
    fn source(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<SourceRecord>, StoreError>> + Send;

    /// Every source record, by name.
    fn sources(&self) -> impl Future<Output = Result<Vec<SourceRecord>, StoreError>> + Send;

    /// Records the source and applies the payload, in one transaction.
    fn import(
        &self,
        import: Import,
    ) -> impl Future<Output = Result<ImportOutcome, StoreError>> + Send;

    /// Packages ordered by (branch, repo, arch, name, version); with
    /// `published_only`, only those of the last imported indexes.
    fn packages(
        &self,
        published_only: bool,
    ) -> impl Future<Output = Result<Vec<PackageRow>, StoreError>> + Send;

    /// Every branch that has packages: `edge` first, then releases newest
    /// first (`v3.10` before `v3.9`), then other names alphabetically.
    fn branches(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Every (branch, repo), branches in the order of [`Store::branches`],
    /// repositories by name.
    fn repos(&self) -> impl Future<Output = Result<Vec<RepoRow>, StoreError>> + Send;

    /// Every fix, ordered by (branch, origin, vuln_id, kind, version, source).
    fn fixes(&self) -> impl Future<Output = Result<Vec<FixRow>, StoreError>> + Send;

    /// Decisions by id; with `current_only`, those not superseded.
    fn decisions(
        &self,
        current_only: bool,
    ) -> impl Future<Output = Result<Vec<DecisionRow>, StoreError>> + Send;

    /// Records a decision, superseding the current one for the same
    /// (branch, origin, vuln_id) (which is kept); returns the new id.
    fn add_decision(
        &self,
        decision: NewDecision,
    ) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Every product of every vulnerability row, ordered.
    fn vuln_products(&self) -> impl Future<Output = Result<Vec<VulnProduct>, StoreError>> + Send;

    /// The vulnerability rows (every kind) of the given ids, with their
    /// products, ordered by (id, kind). Unknown ids are skipped.
    fn vulns(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<VulnRow>, StoreError>> + Send;

    /// Id, kind, status and modification time of every vulnerability row.
    fn vuln_ids_with_status(
        &self,
    ) -> impl Future<Output = Result<Vec<VulnStatus>, StoreError>> + Send;

    /// The KEV entries of the given ids, by id.
    fn kev(&self, ids: &[String]) -> impl Future<Output = Result<Vec<KevRow>, StoreError>> + Send;

    /// The EPSS scores of the given ids, by id.
    fn epss(&self, ids: &[String])
    -> impl Future<Output = Result<Vec<EpssRow>, StoreError>> + Send;

    /// States matching the filter, ordered by key.
    fn states(
        &self,
        filter: &StateFilter,
    ) -> impl Future<Output = Result<Vec<StateRow>, StoreError>> + Send;

    /// Writes the result of a matcher run in one transaction: upserts
    /// states, deletes removed ones, appends the changes (stored with
    /// `run_id`, which must exist). The last upsert of a key wins; a key both
    /// upserted and removed is an error.
    fn apply_states(
        &self,
        run_id: i64,
        upserts: Vec<StateRow>,
        removals: Vec<StateKey>,
        changes: Vec<StateChange>,
    ) -> impl Future<Output = Result<ApplyOutcome, StoreError>> + Send;

    /// Number of states per (branch, repo, state), ordered.
    fn state_counts(&self) -> impl Future<Output = Result<Vec<StateCount>, StoreError>> + Send;

    /// Changes matching the filter, newest first, at most `limit`.
    fn changes(
        &self,
        filter: &ChangeFilter,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StateChange>, StoreError>> + Send;

    /// Starts a run of `kind` now; returns its id.
    fn begin_run(&self, kind: &str) -> impl Future<Output = Result<i64, StoreError>> + Send;

    /// Marks a run finished now, with its fingerprint and statistics (JSON).
    fn finish_run(
        &self,
        run_id: i64,
        fingerprint: Option<&str>,
        stats: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The latest *finished* run of `kind`.
    fn last_run(
        &self,
        kind: &str,
    ) -> impl Future<Output = Result<Option<RunRow>, StoreError>> + Send;

    /// The latest runs of every kind, newest first (finished or not).
    fn runs(&self, limit: u32) -> impl Future<Output = Result<Vec<RunRow>, StoreError>> + Send;

    /// A value of the key/value `meta` table.
    fn get_meta(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Sets a value of the `meta` table.
    fn set_meta(
        &self,
        key: &str,
        value: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// A store of either backend: static dispatch by `match`.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgStore),
}

/// Opens the store a URL names (see [`Target::parse`]): SQLite for
/// `sqlite:` URLs and bare paths, PostgreSQL for `postgres://` and
/// `postgresql://`. Does not migrate: call [`Store::migrate`].
pub async fn open(url: &str) -> Result<AnyStore, StoreError> {
    open_target(Target::parse(url)?).await
}

/// Opens a parsed target.
pub async fn open_target(target: Target) -> Result<AnyStore, StoreError> {
    Ok(match target {
        Target::SqliteFile(path) => AnyStore::Sqlite(SqliteStore::open_file(&path).await?),
        Target::SqliteMemory => AnyStore::Sqlite(SqliteStore::open_memory().await?),
        Target::Postgres(url) => AnyStore::Postgres(PgStore::open(&url).await?),
    })
}

/// Forwards a call to the backend.
macro_rules! dispatch {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            AnyStore::Sqlite(s) => s.$method($($arg),*).await,
            AnyStore::Postgres(s) => s.$method($($arg),*).await,
        }
    };
}

impl Store for AnyStore {
    fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(s) => s.backend(),
            Self::Postgres(s) => s.backend(),
        }
    }
    async fn migrate(&self) -> Result<(), StoreError> {
        dispatch!(self.migrate())
    }
    async fn optimize(&self) -> Result<(), StoreError> {
        dispatch!(self.optimize())
    }
    async fn close(&self) {
        dispatch!(self.close())
    }
    async fn source(&self, name: &str) -> Result<Option<SourceRecord>, StoreError> {
        dispatch!(self.source(name))
    }
    async fn sources(&self) -> Result<Vec<SourceRecord>, StoreError> {
        dispatch!(self.sources())
    }
    async fn import(&self, import: Import) -> Result<ImportOutcome, StoreError> {
        dispatch!(self.import(import))
    }
    async fn packages(&self, published_only: bool) -> Result<Vec<PackageRow>, StoreError> {
        dispatch!(self.packages(published_only))
    }
    async fn branches(&self) -> Result<Vec<String>, StoreError> {
        dispatch!(self.branches())
    }
    async fn repos(&self) -> Result<Vec<RepoRow>, StoreError> {
        dispatch!(self.repos())
    }
    async fn fixes(&self) -> Result<Vec<FixRow>, StoreError> {
        dispatch!(self.fixes())
    }
    async fn decisions(&self, current_only: bool) -> Result<Vec<DecisionRow>, StoreError> {
        dispatch!(self.decisions(current_only))
    }
    async fn add_decision(&self, decision: NewDecision) -> Result<i64, StoreError> {
        dispatch!(self.add_decision(decision))
    }
    async fn vuln_products(&self) -> Result<Vec<VulnProduct>, StoreError> {
        dispatch!(self.vuln_products())
    }
    async fn vulns(&self, ids: &[String]) -> Result<Vec<VulnRow>, StoreError> {
        dispatch!(self.vulns(ids))
    }
    async fn vuln_ids_with_status(&self) -> Result<Vec<VulnStatus>, StoreError> {
        dispatch!(self.vuln_ids_with_status())
    }
    async fn kev(&self, ids: &[String]) -> Result<Vec<KevRow>, StoreError> {
        dispatch!(self.kev(ids))
    }
    async fn epss(&self, ids: &[String]) -> Result<Vec<EpssRow>, StoreError> {
        dispatch!(self.epss(ids))
    }
    async fn states(&self, filter: &StateFilter) -> Result<Vec<StateRow>, StoreError> {
        dispatch!(self.states(filter))
    }
    async fn apply_states(
        &self,
        run_id: i64,
        upserts: Vec<StateRow>,
        removals: Vec<StateKey>,
        changes: Vec<StateChange>,
    ) -> Result<ApplyOutcome, StoreError> {
        dispatch!(self.apply_states(run_id, upserts, removals, changes))
    }
    async fn state_counts(&self) -> Result<Vec<StateCount>, StoreError> {
        dispatch!(self.state_counts())
    }
    async fn changes(
        &self,
        filter: &ChangeFilter,
        limit: u32,
    ) -> Result<Vec<StateChange>, StoreError> {
        dispatch!(self.changes(filter, limit))
    }
    async fn begin_run(&self, kind: &str) -> Result<i64, StoreError> {
        dispatch!(self.begin_run(kind))
    }
    async fn finish_run(
        &self,
        run_id: i64,
        fingerprint: Option<&str>,
        stats: &str,
    ) -> Result<(), StoreError> {
        dispatch!(self.finish_run(run_id, fingerprint, stats))
    }
    async fn last_run(&self, kind: &str) -> Result<Option<RunRow>, StoreError> {
        dispatch!(self.last_run(kind))
    }
    async fn runs(&self, limit: u32) -> Result<Vec<RunRow>, StoreError> {
        dispatch!(self.runs(limit))
    }
    async fn get_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        dispatch!(self.get_meta(key))
    }
    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        dispatch!(self.set_meta(key, value))
    }
}

/// Ends a write transaction: commits when `result` is a success, else rolls
/// back so that nothing of it is kept. A failed rollback leaves the
/// transaction to be rolled back when the connection returns to the pool.
pub(crate) async fn finish<DB: sqlx::Database, T>(
    tx: sqlx::Transaction<'_, DB>,
    result: Result<T, StoreError>,
    (op, table): (&'static str, &'static str),
) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            tx.commit().await.map_err(StoreError::query(op, table))?;
            Ok(value)
        }
        Err(e) => {
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// Now, in unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The futures of the trait must be `Send` for an axum server; this
    /// fails to compile otherwise.
    #[allow(dead_code)]
    fn futures_are_send(s: &AnyStore) {
        fn send<T: Send>(_: T) {}
        send(s.import(Import {
            source: SourceRecord {
                name: String::new(),
                kind: String::new(),
                location: String::new(),
                checksum: None,
                etag: None,
                last_modified: None,
                imported_at: 0,
                records: 0,
                summary: String::new(),
            },
            payload: rows::Payload::Fixes(Vec::new()),
        }));
        send(s.states(&StateFilter::default()));
        send(s.apply_states(1, Vec::new(), Vec::new(), Vec::new()));
    }
}
