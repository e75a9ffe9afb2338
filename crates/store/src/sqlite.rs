//! The SQLite backend: one file in WAL mode, one writer connection and a
//! small pool of readers.
//!
//! Bulk writes are multi-row `INSERT … VALUES (…), (…), …` statements of up
//! to [`MAX_ROWS`] rows inside the import's transaction; every full batch has
//! the same SQL text, so sqlx prepares it once per connection and reuses it.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{
    Sqlite, SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, QueryBuilder};

use crate::decode::{
    self, change_cols, decision_cols, decode_all, fix_cols, package_cols, product_cols, run_cols,
    source_cols, state_cols, vuln_cols,
};
use crate::plan::{self, StoredVuln, VulnKey, sorted_unique};
use crate::rows::{
    ApplyOutcome, ChangeFilter, DecisionRow, EpssRow, FixRow, Import, ImportOutcome, KevRow,
    NewDecision, PackageRow, Payload, RepoRow, RunRow, SourceRecord, StateChange, StateCount,
    StateFilter, StateKey, StateRow, VulnProduct, VulnRow, VulnStatus,
};
use crate::{Store, StoreError, finish, migrations, now, target};

const BACKEND: &str = "sqlite";

/// SQLite's default limit on bound parameters per statement (3.32+).
const MAX_PARAMS: usize = 32_766;
/// Rows per multi-row statement: large enough that per-statement overhead
/// vanishes, small enough to keep argument buffers modest.
const MAX_ROWS: usize = 500;
/// Ids per `IN (…)` lookup.
const ID_CHUNK: usize = 1000;

type Q = sqlx::query::Query<'static, Sqlite, SqliteArguments>;
type Result<T> = std::result::Result<T, StoreError>;

/// A SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    /// One connection: SQLite has one writer at a time, and a single
    /// connection avoids `SQLITE_BUSY` between our own writers.
    write: SqlitePool,
    /// Readers (WAL lets them run beside the writer). The same pool as
    /// `write` for an in-memory database.
    read: SqlitePool,
    target: String,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// One text column of a state, for filtering after reading.
type StateField = fn(&StateRow) -> &str;

fn q(op: &'static str, table: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    StoreError::query(op, table)
}

impl SqliteStore {
    /// Opens (creating if needed) a database file and its directory.
    pub async fn open_file(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            target::create_dir(parent)?;
        }
        let shown = path.display().to_string();
        let base = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            // Readers and another process's writer wait for each other
            // rather than fail.
            .busy_timeout(Duration::from_secs(30))
            // In WAL mode NORMAL is durable across application crashes and
            // only loses the last commits on power loss (sqlite.org/wal.html).
            .synchronous(SqliteSynchronous::Normal)
            .pragma("temp_store", "memory")
            // Rows cross from SQLite's worker thread in batches of this many
            // (sqlx's default of 50 costs a thread switch every 50 rows).
            .row_buffer_size(1024);
        let open_err = |e: sqlx::Error| StoreError::Open {
            backend: BACKEND,
            target: shown.clone(),
            source: Box::new(e),
        };
        // The writer connects first and switches the file to WAL; the
        // readers then never need the exclusive lock that takes.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .connect_with(
                base.clone()
                    .journal_mode(SqliteJournalMode::Wal)
                    .pragma("cache_size", "-65536"),
            )
            .await
            .map_err(open_err)?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_lazy_with(base.pragma("cache_size", "-16384"));
        Ok(Self {
            write,
            read,
            target: shown,
        })
    }

    /// Opens a private in-memory database (for tests and dry runs).
    pub async fn open_memory() -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true)
            .row_buffer_size(1024);
        // One connection that never expires: the database lives as long as
        // it does.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Open {
                backend: BACKEND,
                target: ":memory:".to_owned(),
                source: Box::new(e),
            })?;
        Ok(Self {
            write: pool.clone(),
            read: pool,
            target: ":memory:".to_owned(),
        })
    }

    /// Runs `PRAGMA integrity_check` and returns its report (`["ok"]` when
    /// the file is sound).
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        sqlx::query_scalar::<_, String>("PRAGMA integrity_check")
            .fetch_all(&self.read)
            .await
            .map_err(q("integrity check", "*"))
    }

    async fn begin_write(&self, op: &'static str) -> Result<sqlx::Transaction<'static, Sqlite>> {
        // IMMEDIATE takes the write lock now, so a transaction never fails
        // half-way because another process started writing.
        self.write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(q(op, "*"))
    }
}

/// `"(?,?,?),(?,?,?)"` for `rows` rows of `cols` columns.
fn placeholders(cols: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; cols].join(","));
    vec![one; rows].join(",")
}

/// Runs `head VALUES-list tail` over `rows` in batches, binding each row's
/// values by move (no copies of large fields); returns the number of rows
/// the statements affected.
async fn batched<T>(
    conn: &mut SqliteConnection,
    (op, table): (&'static str, &'static str),
    head: &str,
    cols: usize,
    tail: &str,
    rows: Vec<T>,
    bind: impl Fn(Q, T) -> Q,
) -> Result<u64> {
    let per = (MAX_PARAMS / cols).clamp(1, MAX_ROWS);
    let full = format!("{head}{}{tail}", placeholders(cols, per));
    let mut affected = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<T> = rows.by_ref().take(per).collect();
        // Only the full-size statement is worth keeping prepared; the last,
        // shorter batch of each call has a size of its own.
        let (sql, keep) = if chunk.len() == per {
            (full.clone(), true)
        } else {
            (
                format!("{head}{}{tail}", placeholders(cols, chunk.len())),
                false,
            )
        };
        let mut query = sqlx::query(AssertSqlSafe(sql)).persistent(keep);
        for row in chunk {
            query = bind(query, row);
        }
        affected += query
            .execute(&mut *conn)
            .await
            .map_err(q(op, table))?
            .rows_affected();
    }
    Ok(affected)
}

/// Runs `head IN (?,…)` over `ids` in chunks and decodes every row.
async fn select_in<T>(
    conn: &mut SqliteConnection,
    (op, table): (&'static str, &'static str),
    head: &str,
    ids: &[String],
    decode: impl Fn(&SqliteRow) -> std::result::Result<T, sqlx::Error>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!("{head} IN ({})", vec!["?"; chunk.len()].join(","));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.clone());
        }
        let rows = query.fetch_all(&mut *conn).await.map_err(q(op, table))?;
        out.extend(decode_all(&rows, (op, table), &decode)?);
    }
    Ok(out)
}

async fn upsert_source(conn: &mut SqliteConnection, s: &SourceRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sources (name, kind, location, checksum, etag, last_modified, imported_at, \
         records, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET \
         kind = excluded.kind, location = excluded.location, checksum = excluded.checksum, \
         etag = excluded.etag, last_modified = excluded.last_modified, \
         imported_at = excluded.imported_at, records = excluded.records, \
         summary = excluded.summary",
    )
    .bind(s.name.clone())
    .bind(s.kind.clone())
    .bind(s.location.clone())
    .bind(s.checksum.clone())
    .bind(s.etag.clone())
    .bind(s.last_modified.clone())
    .bind(s.imported_at)
    .bind(s.records)
    .bind(s.summary.clone())
    .execute(&mut *conn)
    .await
    .map_err(q("record source", "sources"))?;
    Ok(())
}

async fn import_vulns(
    conn: &mut SqliteConnection,
    source: &str,
    rows: Vec<VulnRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import vulns";
    plan::check_source(
        "vulns",
        source,
        &rows,
        |r| &r.source,
        |r| format!("{} ({})", r.id, r.kind),
    )?;
    let ids = sorted_unique(&rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    let stored: HashMap<VulnKey, StoredVuln> = select_in(
        conn,
        (OP, "vulns"),
        "SELECT id, kind, modified, source, digest FROM vulns WHERE id",
        &ids,
        decode::stored_vuln,
    )
    .await?
    .into_iter()
    .collect();
    let mut plan = plan::plan_vulns(rows, &stored);
    batched(
        conn,
        (OP, "vuln_products"),
        "DELETE FROM vuln_products WHERE (vuln_id, kind) IN (VALUES ",
        2,
        ")",
        plan.replaced,
        |q, (id, kind)| q.bind(id).bind(kind),
    )
    .await?;
    let mut products = Vec::new();
    for (row, _) in &mut plan.write {
        for p in std::mem::take(&mut row.products) {
            products.push((row.id.clone(), row.kind.clone(), p));
        }
    }
    batched(
        conn,
        (OP, "vulns"),
        concat!("INSERT INTO vulns (", vuln_cols!(), ", digest) VALUES "),
        10,
        " ON CONFLICT (id, kind) DO UPDATE SET status = excluded.status, \
         published = excluded.published, modified = excluded.modified, \
         cvss_score = excluded.cvss_score, severity = excluded.severity, \
         source = excluded.source, data = excluded.data, digest = excluded.digest",
        plan.write,
        |q, (r, digest)| {
            q.bind(r.id)
                .bind(r.kind)
                .bind(r.status)
                .bind(r.published)
                .bind(r.modified)
                .bind(r.cvss_score)
                .bind(r.severity)
                .bind(r.source)
                .bind(r.data)
                .bind(digest)
        },
    )
    .await?;
    batched(
        conn,
        (OP, "vuln_products"),
        concat!("INSERT INTO vuln_products (", product_cols!(), ") VALUES "),
        5,
        "",
        products,
        |q, (id, kind, p)| {
            q.bind(id)
                .bind(kind)
                .bind(p.vendor)
                .bind(p.product)
                .bind(p.target_sw)
        },
    )
    .await?;
    Ok(plan.outcome)
}

async fn import_kev(
    conn: &mut SqliteConnection,
    source: &str,
    rows: Vec<KevRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import kev";
    let read = sqlx::query("SELECT id, data FROM kev WHERE source = ?")
        .bind(source.to_owned())
        .fetch_all(&mut *conn)
        .await
        .map_err(q(OP, "kev"))?;
    let stored: Vec<KevRow> = decode_all(&read, (OP, "kev"), decode::kev)?;
    let plan = plan::plan_kev(rows, &stored);
    if plan.changed {
        sqlx::query("DELETE FROM kev WHERE source = ?")
            .bind(source.to_owned())
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "kev"))?;
        batched(
            conn,
            (OP, "kev"),
            "INSERT INTO kev (id, source, data) VALUES ",
            3,
            " ON CONFLICT (id) DO UPDATE SET source = excluded.source, data = excluded.data",
            plan.rows,
            |q, r| q.bind(r.id).bind(source.to_owned()).bind(r.data),
        )
        .await?;
    }
    Ok(plan.outcome)
}

async fn import_epss(
    conn: &mut SqliteConnection,
    source: &str,
    rows: Vec<EpssRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import epss";
    let read = sqlx::query("SELECT id, score, percentile, date FROM epss WHERE source = ?")
        .bind(source.to_owned())
        .fetch_all(&mut *conn)
        .await
        .map_err(q(OP, "epss"))?;
    let stored: Vec<EpssRow> = decode_all(&read, (OP, "epss"), decode::epss)?;
    let plan = plan::plan_epss(rows, &stored);
    if plan.changed {
        sqlx::query("DELETE FROM epss WHERE source = ?")
            .bind(source.to_owned())
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "epss"))?;
        batched(
            conn,
            (OP, "epss"),
            "INSERT INTO epss (id, source, score, percentile, date) VALUES ",
            5,
            " ON CONFLICT (id) DO UPDATE SET source = excluded.source, score = excluded.score, \
             percentile = excluded.percentile, date = excluded.date",
            plan.rows,
            |q, r| {
                q.bind(r.id)
                    .bind(source.to_owned())
                    .bind(r.score)
                    .bind(r.percentile)
                    .bind(r.date)
            },
        )
        .await?;
    }
    Ok(plan.outcome)
}

async fn import_packages(
    conn: &mut SqliteConnection,
    (branch, repo, arch): (&str, &str, &str),
    packages: Vec<PackageRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import packages";
    sqlx::query("INSERT INTO branches (name) VALUES (?) ON CONFLICT DO NOTHING")
        .bind(branch.to_owned())
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "branches"))?;
    sqlx::query("INSERT INTO repos (branch, repo) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(branch.to_owned())
        .bind(repo.to_owned())
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "repos"))?;
    let read = sqlx::query(concat!(
        "SELECT ",
        package_cols!(),
        " FROM packages WHERE branch = ? AND repo = ? AND arch = ?"
    ))
    .bind(branch.to_owned())
    .bind(repo.to_owned())
    .bind(arch.to_owned())
    .fetch_all(&mut *conn)
    .await
    .map_err(q(OP, "packages"))?;
    let stored: Vec<PackageRow> = decode_all(&read, (OP, "packages"), decode::package)?;
    let plan = plan::plan_packages(branch, repo, arch, packages, stored)?;
    batched(
        conn,
        (OP, "packages"),
        "UPDATE packages SET published = 0 WHERE (branch, repo, arch, name, version) IN (VALUES ",
        5,
        ")",
        plan.unpublish,
        |q, (name, version)| {
            q.bind(branch.to_owned())
                .bind(repo.to_owned())
                .bind(arch.to_owned())
                .bind(name)
                .bind(version)
        },
    )
    .await?;
    batched(
        conn,
        (OP, "packages"),
        concat!("INSERT INTO packages (", package_cols!(), ") VALUES "),
        10,
        " ON CONFLICT (branch, repo, arch, name, version) DO UPDATE SET \
         origin = excluded.origin, maintainer = excluded.maintainer, \
         build_time = excluded.build_time, git_commit = excluded.git_commit, \
         published = excluded.published",
        plan.upsert,
        |q, p| {
            q.bind(p.branch)
                .bind(p.repo)
                .bind(p.arch)
                .bind(p.name)
                .bind(p.version)
                .bind(p.origin)
                .bind(p.maintainer)
                .bind(p.build_time)
                .bind(p.commit)
                .bind(p.published)
        },
    )
    .await?;
    Ok(plan.outcome)
}

async fn import_fixes(
    conn: &mut SqliteConnection,
    source: &str,
    rows: Vec<FixRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import fixes";
    let read = sqlx::query(concat!(
        "SELECT ",
        fix_cols!(),
        " FROM fixes WHERE source = ?"
    ))
    .bind(source.to_owned())
    .fetch_all(&mut *conn)
    .await
    .map_err(q(OP, "fixes"))?;
    let stored: Vec<FixRow> = decode_all(&read, (OP, "fixes"), decode::fix)?;
    let plan = plan::plan_fixes(source, rows, &stored)?;
    if plan.changed {
        sqlx::query("DELETE FROM fixes WHERE source = ?")
            .bind(source.to_owned())
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "fixes"))?;
        batched(
            conn,
            (OP, "fixes"),
            concat!("INSERT INTO fixes (", fix_cols!(), ") VALUES "),
            8,
            "",
            plan.rows,
            |q, f| {
                q.bind(f.branch)
                    .bind(f.origin)
                    .bind(f.vuln_id)
                    .bind(f.version)
                    .bind(f.kind)
                    .bind(f.source)
                    .bind(f.location)
                    .bind(f.note)
            },
        )
        .await?;
    }
    Ok(plan.outcome)
}

async fn apply_states_in(
    conn: &mut SqliteConnection,
    run_id: i64,
    upserts: Vec<StateRow>,
    removals: Vec<StateKey>,
    changes: Vec<StateChange>,
) -> Result<ApplyOutcome> {
    const OP: &str = "apply states";
    let (upserted, logged) = (upserts.len() as u64, changes.len() as u64);
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM runs WHERE id = ?")
        .bind(run_id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(q(OP, "runs"))?;
    if exists.is_none() {
        return Err(StoreError::NotFound {
            table: "runs",
            key: run_id.to_string(),
        });
    }
    let removed = batched(
        conn,
        (OP, "states"),
        "DELETE FROM states WHERE (branch, repo, origin, vuln_id) IN (VALUES ",
        4,
        ")",
        removals,
        |q, k| q.bind(k.branch).bind(k.repo).bind(k.origin).bind(k.vuln_id),
    )
    .await?;
    batched(
        conn,
        (OP, "states"),
        concat!("INSERT INTO states (", state_cols!(), ") VALUES "),
        11,
        " ON CONFLICT (branch, repo, origin, vuln_id) DO UPDATE SET state = excluded.state, \
         version = excluded.version, fixed_version = excluded.fixed_version, \
         reason = excluded.reason, evidence = excluded.evidence, since = excluded.since, \
         updated_run = excluded.updated_run",
        upserts,
        |q, s| {
            q.bind(s.branch)
                .bind(s.repo)
                .bind(s.origin)
                .bind(s.vuln_id)
                .bind(s.state)
                .bind(s.version)
                .bind(s.fixed_version)
                .bind(s.reason)
                .bind(s.evidence)
                .bind(s.since)
                .bind(s.updated_run)
        },
    )
    .await?;
    batched(
        conn,
        (OP, "state_changes"),
        "INSERT INTO state_changes (run_id, at, branch, repo, origin, vuln_id, old_state, \
         new_state, old_fixed_version, new_fixed_version, reason) VALUES ",
        11,
        "",
        changes,
        |q, c| {
            q.bind(run_id)
                .bind(c.at)
                .bind(c.branch)
                .bind(c.repo)
                .bind(c.origin)
                .bind(c.vuln_id)
                .bind(c.old_state)
                .bind(c.new_state)
                .bind(c.old_fixed_version)
                .bind(c.new_fixed_version)
                .bind(c.reason)
        },
    )
    .await?;
    Ok(ApplyOutcome {
        upserted,
        removed,
        changes: logged,
    })
}

/// Decodes every row of a fetch, naming the operation and table on error.
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn migrate(&self) -> Result<()> {
        let count = async || -> Result<i64> {
            let exists: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
                 AND name = '_sqlx_migrations'",
            )
            .fetch_one(&self.write)
            .await
            .map_err(q("migrate", "_sqlx_migrations"))?;
            if exists == 0 {
                return Ok(0);
            }
            sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
                .fetch_one(&self.write)
                .await
                .map_err(q("migrate", "_sqlx_migrations"))
        };
        let before = count().await?;
        migrations::migrator(migrations::SQLITE)
            .run(&self.write)
            .await
            .map_err(|e| StoreError::Migrate {
                backend: BACKEND,
                source: Box::new(e),
            })?;
        if count().await? != before {
            // After a schema change: reclaim space and refresh statistics
            // (rebuilderd's practice).
            for stmt in ["VACUUM", "ANALYZE"] {
                sqlx::query(stmt)
                    .execute(&self.write)
                    .await
                    .map_err(q("migrate", "*"))?;
            }
        }
        Ok(())
    }

    async fn optimize(&self) -> Result<()> {
        // 0x10002: consider every table, not only those this connection used
        // (sqlite.org/pragma.html#pragma_optimize); the analysis limit keeps
        // it to a fraction of a second on a large file.
        for stmt in ["PRAGMA analysis_limit = 1000", "PRAGMA optimize = 0x10002"] {
            sqlx::query(stmt)
                .execute(&self.write)
                .await
                .map_err(q("optimize", "*"))?;
        }
        Ok(())
    }

    async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    async fn source(&self, name: &str) -> Result<Option<SourceRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM sources WHERE name = ?"
        ))
        .bind(name.to_owned())
        .fetch_optional(&self.read)
        .await
        .map_err(q("read source", "sources"))?;
        row.as_ref()
            .map(decode::source)
            .transpose()
            .map_err(q("read source", "sources"))
    }

    async fn sources(&self) -> Result<Vec<SourceRecord>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM sources ORDER BY name"
        ))
        .fetch_all(&self.read)
        .await
        .map_err(q("read sources", "sources"))?;
        decode_all(&rows, ("read sources", "sources"), decode::source)
    }

    async fn import(&self, import: Import) -> Result<ImportOutcome> {
        let mut tx = self.begin_write("begin import").await?;
        let source = import.source.name.clone();
        let result = async {
            upsert_source(&mut tx, &import.source).await?;
            match import.payload {
                Payload::Vulns(rows) => import_vulns(&mut tx, &source, rows).await,
                Payload::Kev(rows) => import_kev(&mut tx, &source, rows).await,
                Payload::Epss(rows) => import_epss(&mut tx, &source, rows).await,
                Payload::Packages {
                    branch,
                    repo,
                    arch,
                    packages,
                } => {
                    import_packages(
                        &mut tx,
                        (branch.as_str(), repo.as_str(), arch.as_str()),
                        packages,
                    )
                    .await
                }
                Payload::Fixes(rows) => import_fixes(&mut tx, &source, rows).await,
            }
        }
        .await;
        finish(tx, result, ("commit import", "sources")).await
    }

    async fn packages(&self, published_only: bool) -> Result<Vec<PackageRow>> {
        let sql = if published_only {
            concat!(
                "SELECT ",
                package_cols!(),
                " FROM packages WHERE published = 1 ORDER BY branch, repo, arch, name, version"
            )
        } else {
            concat!(
                "SELECT ",
                package_cols!(),
                " FROM packages ORDER BY branch, repo, arch, name, version"
            )
        };
        let rows = sqlx::query(sql)
            .fetch_all(&self.read)
            .await
            .map_err(q("read packages", "packages"))?;
        decode_all(&rows, ("read packages", "packages"), decode::package)
    }

    async fn branches(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = sqlx::query_scalar("SELECT name FROM branches")
            .fetch_all(&self.read)
            .await
            .map_err(q("read branches", "branches"))?;
        plan::sort_branches(&mut names);
        Ok(names)
    }

    async fn repos(&self) -> Result<Vec<RepoRow>> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT branch, repo FROM repos")
            .fetch_all(&self.read)
            .await
            .map_err(q("read repos", "repos"))?;
        Ok(plan::order_repos(rows))
    }

    async fn fixes(&self) -> Result<Vec<FixRow>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            fix_cols!(),
            " FROM fixes ORDER BY branch, origin, vuln_id, kind, version, source"
        ))
        .fetch_all(&self.read)
        .await
        .map_err(q("read fixes", "fixes"))?;
        decode_all(&rows, ("read fixes", "fixes"), decode::fix)
    }

    async fn decisions(&self, current_only: bool) -> Result<Vec<DecisionRow>> {
        let sql = if current_only {
            concat!(
                "SELECT ",
                decision_cols!(),
                " FROM decisions WHERE superseded_by IS NULL ORDER BY id"
            )
        } else {
            concat!("SELECT ", decision_cols!(), " FROM decisions ORDER BY id")
        };
        let rows = sqlx::query(sql)
            .fetch_all(&self.read)
            .await
            .map_err(q("read decisions", "decisions"))?;
        decode_all(&rows, ("read decisions", "decisions"), decode::decision)
    }

    async fn add_decision(&self, d: NewDecision) -> Result<i64> {
        const OP: &str = "add decision";
        let mut tx = self.begin_write(OP).await?;
        // The writer lock is held, so max + 1 is the id the row will get.
        let id: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) + 1 FROM decisions")
            .fetch_one(&mut *tx)
            .await
            .map_err(q(OP, "decisions"))?;
        sqlx::query(
            "UPDATE decisions SET superseded_by = ? WHERE superseded_by IS NULL \
             AND branch IS ? AND origin = ? AND vuln_id = ?",
        )
        .bind(id)
        .bind(d.branch.clone())
        .bind(d.origin.clone())
        .bind(d.vuln_id.clone())
        .execute(&mut *tx)
        .await
        .map_err(q(OP, "decisions"))?;
        sqlx::query(concat!(
            "INSERT INTO decisions (",
            decision_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
        ))
        .bind(id)
        .bind(d.branch)
        .bind(d.origin)
        .bind(d.vuln_id)
        .bind(d.status)
        .bind(d.justification)
        .bind(d.statement)
        .bind(d.author)
        .bind(d.created_at)
        .execute(&mut *tx)
        .await
        .map_err(q(OP, "decisions"))?;
        tx.commit().await.map_err(q(OP, "decisions"))?;
        Ok(id)
    }

    async fn vuln_products(&self) -> Result<Vec<VulnProduct>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            product_cols!(),
            " FROM vuln_products ORDER BY vuln_id, kind, vendor, product, target_sw"
        ))
        .fetch_all(&self.read)
        .await
        .map_err(q("read vuln products", "vuln_products"))?;
        decode_all(
            &rows,
            ("read vuln products", "vuln_products"),
            decode::vuln_product,
        )
    }

    async fn vulns(&self, ids: &[String]) -> Result<Vec<VulnRow>> {
        const OP: &str = "read vulns";
        let ids = sorted_unique(ids);
        // One read transaction: rows and products from the same snapshot.
        let mut tx = self.read.begin().await.map_err(q(OP, "vulns"))?;
        let rows = select_in(
            &mut tx,
            (OP, "vulns"),
            concat!("SELECT ", vuln_cols!(), " FROM vulns WHERE id"),
            &ids,
            decode::vuln,
        )
        .await?;
        let products = select_in(
            &mut tx,
            (OP, "vuln_products"),
            concat!(
                "SELECT ",
                product_cols!(),
                " FROM vuln_products WHERE vuln_id"
            ),
            &ids,
            decode::vuln_product,
        )
        .await?;
        tx.commit().await.map_err(q(OP, "vulns"))?;
        Ok(plan::attach_products(rows, products))
    }

    async fn vuln_ids_with_status(&self) -> Result<Vec<VulnStatus>> {
        let rows = sqlx::query("SELECT id, kind, status, modified FROM vulns ORDER BY id, kind")
            .fetch_all(&self.read)
            .await
            .map_err(q("read vuln status", "vulns"))?;
        decode_all(&rows, ("read vuln status", "vulns"), decode::vuln_status)
    }

    async fn kev(&self, ids: &[String]) -> Result<Vec<KevRow>> {
        let mut conn = self.read.acquire().await.map_err(q("acquire", "*"))?;
        let mut out = select_in(
            &mut conn,
            ("read kev", "kev"),
            "SELECT id, data FROM kev WHERE id",
            &sorted_unique(ids),
            decode::kev,
        )
        .await?;
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn epss(&self, ids: &[String]) -> Result<Vec<EpssRow>> {
        let mut conn = self.read.acquire().await.map_err(q("acquire", "*"))?;
        let mut out = select_in(
            &mut conn,
            ("read epss", "epss"),
            "SELECT id, score, percentile, date FROM epss WHERE id",
            &sorted_unique(ids),
            decode::epss,
        )
        .await?;
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn states(&self, filter: &StateFilter) -> Result<Vec<StateRow>> {
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            state_cols!(),
            " FROM states WHERE 1 = 1"
        ));
        for (col, value) in [
            ("branch", &filter.branch),
            ("repo", &filter.repo),
            ("origin", &filter.origin),
            ("vuln_id", &filter.vuln_id),
            ("state", &filter.state),
        ] {
            if let Some(v) = value {
                qb.push(format_args!(" AND {col} = ")).push_bind(v.clone());
            }
        }
        // A list longer than SQLite's parameter limit is filtered after
        // reading instead.
        let mut in_memory: Vec<(StateField, &Vec<String>)> = Vec::new();
        let lists: [(&str, StateField, &Option<Vec<String>>); 2] = [
            ("vuln_id", |s| &s.vuln_id, &filter.vuln_ids),
            ("origin", |s| &s.origin, &filter.origins),
        ];
        for (col, field, list) in lists {
            let Some(values) = list else { continue };
            if values.is_empty() {
                return Ok(Vec::new());
            }
            if values.len() > MAX_PARAMS / 4 {
                in_memory.push((field, values));
                continue;
            }
            qb.push(format_args!(" AND {col} IN ("));
            let mut sep = qb.separated(", ");
            for v in values {
                sep.push_bind(v.clone());
            }
            qb.push(")");
        }
        qb.push(" ORDER BY branch, repo, origin, vuln_id");
        let rows = qb
            .build()
            .fetch_all(&self.read)
            .await
            .map_err(q("read states", "states"))?;
        let mut states = decode_all(&rows, ("read states", "states"), decode::state)?;
        for (field, values) in in_memory {
            let values: std::collections::HashSet<&str> =
                values.iter().map(String::as_str).collect();
            states.retain(|s| values.contains(field(s)));
        }
        Ok(states)
    }

    async fn apply_states(
        &self,
        run_id: i64,
        upserts: Vec<StateRow>,
        removals: Vec<StateKey>,
        changes: Vec<StateChange>,
    ) -> Result<ApplyOutcome> {
        let (upserts, removals) = plan::plan_states(upserts, removals)?;
        let mut tx = self.begin_write("begin apply states").await?;
        let result = apply_states_in(&mut tx, run_id, upserts, removals, changes).await;
        finish(tx, result, ("commit apply states", "states")).await
    }

    async fn state_counts(&self) -> Result<Vec<StateCount>> {
        let rows = sqlx::query(
            "SELECT branch, repo, state, count(*) AS n FROM states \
             GROUP BY branch, repo, state ORDER BY branch, repo, state",
        )
        .fetch_all(&self.read)
        .await
        .map_err(q("count states", "states"))?;
        decode_all(&rows, ("count states", "states"), decode::state_count)
    }

    async fn changes(&self, filter: &ChangeFilter, limit: u32) -> Result<Vec<StateChange>> {
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            change_cols!(),
            " FROM state_changes WHERE 1 = 1"
        ));
        for (col, value) in [
            ("branch", &filter.branch),
            ("repo", &filter.repo),
            ("origin", &filter.origin),
            ("vuln_id", &filter.vuln_id),
        ] {
            if let Some(v) = value {
                qb.push(format_args!(" AND {col} = ")).push_bind(v.clone());
            }
        }
        if let Some(run) = filter.run_id {
            qb.push(" AND run_id = ").push_bind(run);
        }
        if let Some(since) = filter.since {
            qb.push(" AND at >= ").push_bind(since);
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(limit));
        let rows = qb
            .build()
            .fetch_all(&self.read)
            .await
            .map_err(q("read changes", "state_changes"))?;
        decode_all(&rows, ("read changes", "state_changes"), decode::change)
    }

    async fn begin_run(&self, kind: &str) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO runs (kind, started_at, stats) VALUES (?, ?, '{}') RETURNING id",
        )
        .bind(kind.to_owned())
        .bind(now())
        .fetch_one(&self.write)
        .await
        .map_err(q("begin run", "runs"))
    }

    async fn finish_run(&self, run_id: i64, fingerprint: Option<&str>, stats: &str) -> Result<()> {
        let done =
            sqlx::query("UPDATE runs SET finished_at = ?, fingerprint = ?, stats = ? WHERE id = ?")
                .bind(now())
                .bind(fingerprint.map(str::to_owned))
                .bind(stats.to_owned())
                .bind(run_id)
                .execute(&self.write)
                .await
                .map_err(q("finish run", "runs"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                table: "runs",
                key: run_id.to_string(),
            });
        }
        Ok(())
    }

    async fn last_run(&self, kind: &str) -> Result<Option<RunRow>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            run_cols!(),
            " FROM runs WHERE kind = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        ))
        .bind(kind.to_owned())
        .fetch_optional(&self.read)
        .await
        .map_err(q("read last run", "runs"))?;
        row.as_ref()
            .map(decode::run)
            .transpose()
            .map_err(q("read last run", "runs"))
    }

    async fn runs(&self, limit: u32) -> Result<Vec<RunRow>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            run_cols!(),
            " FROM runs ORDER BY id DESC LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .map_err(q("read runs", "runs"))?;
        decode_all(&rows, ("read runs", "runs"), decode::run)
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key.to_owned())
            .fetch_optional(&self.read)
            .await
            .map_err(q("read meta", "meta"))
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES (?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key.to_owned())
        .bind(value.to_owned())
        .execute(&self.write)
        .await
        .map_err(q("write meta", "meta"))?;
        Ok(())
    }
}
