//! The PostgreSQL backend.
//!
//! Bulk writes bind one array per column and insert with
//! `INSERT … SELECT * FROM UNNEST($1::text[], …)`, [`CHUNK`] rows per
//! statement; bulk reads use `= ANY($1)`. Writers of one schema are
//! serialised by a transaction-scoped advisory lock, so that the
//! read-decide-write of an import sees no concurrent import (as SQLite's
//! single writer guarantees).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use sqlx::QueryBuilder;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow, Postgres};

use crate::decode::{
    self, change_cols, decision_cols, decode_all, fix_cols, package_cols, product_cols, run_cols,
    source_cols, state_cols, vuln_cols,
};
use crate::plan::{self, StoredVuln, VulnKey, sorted_unique};
use crate::rows::{
    ApplyOutcome, ChangeFilter, DecisionRow, EpssRow, FixRow, Import, ImportOutcome, KevRow,
    NewDecision, PackageRow, Payload, ProductKey, RepoRow, RunRow, SourceRecord, StateChange,
    StateCount, StateFilter, StateKey, StateRow, VulnProduct, VulnRow, VulnStatus,
};
use crate::{Store, StoreError, finish, migrations, now, target};

const BACKEND: &str = "postgres";

/// Rows per `UNNEST` statement and ids per `= ANY($1)` lookup.
const CHUNK: usize = 10_000;

/// The advisory lock that serialises imports and state writes of one
/// schema (the key is derived from the schema name, so that tests in
/// separate schemas of one database do not wait for each other).
const WRITE_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':secfixes-write'))";
/// The same for decisions, which should not wait for a long import.
const DECISION_LOCK: &str =
    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':secfixes-decisions'))";

type Result<T> = std::result::Result<T, StoreError>;

/// A PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    target: String,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

fn q(op: &'static str, table: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    StoreError::query(op, table)
}

/// One column of a chunk, as a vector to bind as an array.
fn col<'a, T, U>(rows: &'a [T], f: impl Fn(&'a T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

impl PgStore {
    /// Connects to a `postgres://` or `postgresql://` URL.
    pub async fn open(url: &str) -> Result<Self> {
        let shown = target::redact(url);
        let open_err = |e: sqlx::Error| StoreError::Open {
            backend: BACKEND,
            target: shown.clone(),
            source: Box::new(e),
        };
        let opts = PgConnectOptions::from_str(url).map_err(open_err)?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(open_err)?;
        Ok(Self {
            pool,
            target: shown,
        })
    }

    async fn begin_locked(
        &self,
        op: &'static str,
        lock: &'static str,
    ) -> Result<sqlx::Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await.map_err(q(op, "*"))?;
        sqlx::query(lock)
            .execute(&mut *tx)
            .await
            .map_err(q(op, "*"))?;
        Ok(tx)
    }
}

/// Runs `sql` (with `= ANY($1)`) over `ids` in chunks and decodes every row.
async fn select_any<T>(
    conn: &mut PgConnection,
    (op, table): (&'static str, &'static str),
    sql: &'static str,
    ids: &[String],
    decode: impl Fn(&PgRow) -> std::result::Result<T, sqlx::Error>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = sqlx::query(sql)
            .bind(col(chunk, String::as_str))
            .fetch_all(&mut *conn)
            .await
            .map_err(q(op, table))?;
        out.extend(decode_all(&rows, (op, table), &decode)?);
    }
    Ok(out)
}

async fn upsert_source(conn: &mut PgConnection, s: &SourceRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sources (name, kind, location, checksum, etag, last_modified, imported_at, \
         records, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, location = excluded.location, \
         checksum = excluded.checksum, etag = excluded.etag, \
         last_modified = excluded.last_modified, imported_at = excluded.imported_at, \
         records = excluded.records, summary = excluded.summary",
    )
    .bind(&s.name)
    .bind(&s.kind)
    .bind(&s.location)
    .bind(&s.checksum)
    .bind(&s.etag)
    .bind(&s.last_modified)
    .bind(s.imported_at)
    .bind(s.records)
    .bind(&s.summary)
    .execute(&mut *conn)
    .await
    .map_err(q("record source", "sources"))?;
    Ok(())
}

async fn import_vulns(
    conn: &mut PgConnection,
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
    let stored: HashMap<VulnKey, StoredVuln> = select_any(
        conn,
        (OP, "vulns"),
        "SELECT id, kind, modified, source, digest FROM vulns WHERE id = ANY($1)",
        &ids,
        decode::stored_vuln,
    )
    .await?
    .into_iter()
    .collect();
    let plan = plan::plan_vulns(rows, &stored);
    for chunk in plan.replaced.chunks(CHUNK) {
        sqlx::query(
            "DELETE FROM vuln_products p USING UNNEST($1::text[], $2::text[]) AS u(id, kind) \
             WHERE p.vuln_id = u.id AND p.kind = u.kind",
        )
        .bind(col(chunk, |k| k.0.as_str()))
        .bind(col(chunk, |k| k.1.as_str()))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "vuln_products"))?;
    }
    for chunk in plan.write.chunks(CHUNK) {
        sqlx::query(concat!(
            "INSERT INTO vulns (",
            vuln_cols!(),
            ", digest) SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], \
             $5::int8[], $6::float4[], $7::text[], $8::text[], $9::bytea[], $10::bytea[]) \
             ON CONFLICT (id, kind) DO UPDATE SET status = excluded.status, \
             published = excluded.published, modified = excluded.modified, \
             cvss_score = excluded.cvss_score, severity = excluded.severity, \
             source = excluded.source, data = excluded.data, digest = excluded.digest"
        ))
        .bind(col(chunk, |(r, _)| r.id.as_str()))
        .bind(col(chunk, |(r, _)| r.kind.as_str()))
        .bind(col(chunk, |(r, _)| r.status.as_str()))
        .bind(col(chunk, |(r, _)| r.published))
        .bind(col(chunk, |(r, _)| r.modified))
        .bind(col(chunk, |(r, _)| r.cvss_score))
        .bind(col(chunk, |(r, _)| r.severity.as_deref()))
        .bind(col(chunk, |(r, _)| r.source.as_str()))
        .bind(col(chunk, |(r, _)| r.data.as_slice()))
        .bind(col(chunk, |(_, d)| d.as_slice()))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "vulns"))?;
    }
    let product_rows: Vec<(&VulnRow, &ProductKey)> = plan
        .write
        .iter()
        .flat_map(|(r, _)| r.products.iter().map(move |p| (r, p)))
        .collect();
    for chunk in product_rows.chunks(CHUNK) {
        sqlx::query(concat!(
            "INSERT INTO vuln_products (",
            product_cols!(),
            ") SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
        ))
        .bind(col(chunk, |(r, _)| r.id.as_str()))
        .bind(col(chunk, |(r, _)| r.kind.as_str()))
        .bind(col(chunk, |(_, p)| p.vendor.as_str()))
        .bind(col(chunk, |(_, p)| p.product.as_str()))
        .bind(col(chunk, |(_, p)| p.target_sw.as_str()))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "vuln_products"))?;
    }
    Ok(plan.outcome)
}

async fn import_kev(
    conn: &mut PgConnection,
    source: &str,
    rows: Vec<KevRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import kev";
    let found = sqlx::query("SELECT id, data FROM kev WHERE source = $1")
        .bind(source)
        .fetch_all(&mut *conn)
        .await
        .map_err(q(OP, "kev"))?;
    let stored = decode_all(&found, (OP, "kev"), decode::kev)?;
    let plan = plan::plan_kev(rows, &stored);
    if plan.changed {
        sqlx::query("DELETE FROM kev WHERE source = $1")
            .bind(source)
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "kev"))?;
        for chunk in plan.rows.chunks(CHUNK) {
            sqlx::query(
                "INSERT INTO kev (id, source, data) \
                 SELECT u.id, $2, u.data FROM UNNEST($1::text[], $3::text[]) AS u(id, data) \
                 ON CONFLICT (id) DO UPDATE SET source = excluded.source, data = excluded.data",
            )
            .bind(col(chunk, |r| r.id.as_str()))
            .bind(source)
            .bind(col(chunk, |r| r.data.as_str()))
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "kev"))?;
        }
    }
    Ok(plan.outcome)
}

async fn import_epss(
    conn: &mut PgConnection,
    source: &str,
    rows: Vec<EpssRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import epss";
    let found = sqlx::query("SELECT id, score, percentile, date FROM epss WHERE source = $1")
        .bind(source)
        .fetch_all(&mut *conn)
        .await
        .map_err(q(OP, "epss"))?;
    let stored = decode_all(&found, (OP, "epss"), decode::epss)?;
    let plan = plan::plan_epss(rows, &stored);
    if plan.changed {
        sqlx::query("DELETE FROM epss WHERE source = $1")
            .bind(source)
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "epss"))?;
        for chunk in plan.rows.chunks(CHUNK) {
            sqlx::query(
                "INSERT INTO epss (id, source, score, percentile, date) \
                 SELECT u.id, $2, u.score, u.percentile, u.date \
                 FROM UNNEST($1::text[], $3::float8[], $4::float8[], $5::text[]) \
                 AS u(id, score, percentile, date) \
                 ON CONFLICT (id) DO UPDATE SET source = excluded.source, \
                 score = excluded.score, percentile = excluded.percentile, date = excluded.date",
            )
            .bind(col(chunk, |r| r.id.as_str()))
            .bind(source)
            .bind(col(chunk, |r| r.score))
            .bind(col(chunk, |r| r.percentile))
            .bind(col(chunk, |r| r.date.as_deref()))
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "epss"))?;
        }
    }
    Ok(plan.outcome)
}

async fn import_packages(
    conn: &mut PgConnection,
    (branch, repo, arch): (&str, &str, &str),
    packages: Vec<PackageRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import packages";
    sqlx::query("INSERT INTO branches (name) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(branch)
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "branches"))?;
    sqlx::query("INSERT INTO repos (branch, repo) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(branch)
        .bind(repo)
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "repos"))?;
    let found = sqlx::query(concat!(
        "SELECT ",
        package_cols!(),
        " FROM packages WHERE branch = $1 AND repo = $2 AND arch = $3"
    ))
    .bind(branch)
    .bind(repo)
    .bind(arch)
    .fetch_all(&mut *conn)
    .await
    .map_err(q(OP, "packages"))?;
    let stored = decode_all(&found, (OP, "packages"), decode::package)?;
    let plan = plan::plan_packages(branch, repo, arch, packages, stored)?;
    for chunk in plan.unpublish.chunks(CHUNK) {
        sqlx::query(
            "UPDATE packages p SET published = false \
             FROM UNNEST($4::text[], $5::text[]) AS u(name, version) \
             WHERE p.branch = $1 AND p.repo = $2 AND p.arch = $3 \
             AND p.name = u.name AND p.version = u.version",
        )
        .bind(branch)
        .bind(repo)
        .bind(arch)
        .bind(col(chunk, |(n, _)| n.as_str()))
        .bind(col(chunk, |(_, v)| v.as_str()))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "packages"))?;
    }
    for chunk in plan.upsert.chunks(CHUNK) {
        sqlx::query(concat!(
            "INSERT INTO packages (",
            package_cols!(),
            ") SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], \
             $5::text[], $6::text[], $7::text[], $8::int8[], $9::text[], $10::bool[]) \
             ON CONFLICT (branch, repo, arch, name, version) DO UPDATE SET \
             origin = excluded.origin, maintainer = excluded.maintainer, \
             build_time = excluded.build_time, git_commit = excluded.git_commit, \
             published = excluded.published"
        ))
        .bind(col(chunk, |p| p.branch.as_str()))
        .bind(col(chunk, |p| p.repo.as_str()))
        .bind(col(chunk, |p| p.arch.as_str()))
        .bind(col(chunk, |p| p.name.as_str()))
        .bind(col(chunk, |p| p.version.as_str()))
        .bind(col(chunk, |p| p.origin.as_str()))
        .bind(col(chunk, |p| p.maintainer.as_deref()))
        .bind(col(chunk, |p| p.build_time))
        .bind(col(chunk, |p| p.commit.as_deref()))
        .bind(col(chunk, |p| p.published))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "packages"))?;
    }
    Ok(plan.outcome)
}

async fn import_fixes(
    conn: &mut PgConnection,
    source: &str,
    rows: Vec<FixRow>,
) -> Result<ImportOutcome> {
    const OP: &str = "import fixes";
    let found = sqlx::query(concat!(
        "SELECT ",
        fix_cols!(),
        " FROM fixes WHERE source = $1"
    ))
    .bind(source)
    .fetch_all(&mut *conn)
    .await
    .map_err(q(OP, "fixes"))?;
    let stored = decode_all(&found, (OP, "fixes"), decode::fix)?;
    let plan = plan::plan_fixes(source, rows, &stored)?;
    if plan.changed {
        sqlx::query("DELETE FROM fixes WHERE source = $1")
            .bind(source)
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "fixes"))?;
        for chunk in plan.rows.chunks(CHUNK) {
            sqlx::query(concat!(
                "INSERT INTO fixes (",
                fix_cols!(),
                ") SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], \
                 $5::text[], $6::text[], $7::text[], $8::text[])"
            ))
            .bind(col(chunk, |f| f.branch.as_str()))
            .bind(col(chunk, |f| f.origin.as_str()))
            .bind(col(chunk, |f| f.vuln_id.as_str()))
            .bind(col(chunk, |f| f.version.as_str()))
            .bind(col(chunk, |f| f.kind.as_str()))
            .bind(col(chunk, |f| f.source.as_str()))
            .bind(col(chunk, |f| f.location.as_deref()))
            .bind(col(chunk, |f| f.note.as_deref()))
            .execute(&mut *conn)
            .await
            .map_err(q(OP, "fixes"))?;
        }
    }
    Ok(plan.outcome)
}

async fn apply_states_in(
    conn: &mut PgConnection,
    run_id: i64,
    upserts: &[StateRow],
    removals: &[StateKey],
    changes: &[StateChange],
) -> Result<ApplyOutcome> {
    const OP: &str = "apply states";
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM runs WHERE id = $1")
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
    let mut removed = 0;
    for chunk in removals.chunks(CHUNK) {
        removed += sqlx::query(
            "DELETE FROM states s \
             USING UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) \
             AS u(branch, repo, origin, vuln_id) \
             WHERE s.branch = u.branch AND s.repo = u.repo AND s.origin = u.origin \
             AND s.vuln_id = u.vuln_id",
        )
        .bind(col(chunk, |k| k.branch.as_str()))
        .bind(col(chunk, |k| k.repo.as_str()))
        .bind(col(chunk, |k| k.origin.as_str()))
        .bind(col(chunk, |k| k.vuln_id.as_str()))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "states"))?
        .rows_affected();
    }
    for chunk in upserts.chunks(CHUNK) {
        sqlx::query(concat!(
            "INSERT INTO states (",
            state_cols!(),
            ") SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], \
             $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int8[], \
             $11::int8[]) \
             ON CONFLICT (branch, repo, origin, vuln_id) DO UPDATE SET state = excluded.state, \
             version = excluded.version, fixed_version = excluded.fixed_version, \
             reason = excluded.reason, evidence = excluded.evidence, since = excluded.since, \
             updated_run = excluded.updated_run"
        ))
        .bind(col(chunk, |s| s.branch.as_str()))
        .bind(col(chunk, |s| s.repo.as_str()))
        .bind(col(chunk, |s| s.origin.as_str()))
        .bind(col(chunk, |s| s.vuln_id.as_str()))
        .bind(col(chunk, |s| s.state.as_str()))
        .bind(col(chunk, |s| s.version.as_str()))
        .bind(col(chunk, |s| s.fixed_version.as_deref()))
        .bind(col(chunk, |s| s.reason.as_deref()))
        .bind(col(chunk, |s| s.evidence.as_str()))
        .bind(col(chunk, |s| s.since))
        .bind(col(chunk, |s| s.updated_run))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "states"))?;
    }
    for chunk in changes.chunks(CHUNK) {
        // WITH ORDINALITY keeps the ids in the order of the list.
        sqlx::query(
            "INSERT INTO state_changes (run_id, at, branch, repo, origin, vuln_id, old_state, \
             new_state, old_fixed_version, new_fixed_version, reason) \
             SELECT $1, u.at, u.branch, u.repo, u.origin, u.vuln_id, u.old_state, u.new_state, \
             u.old_fixed_version, u.new_fixed_version, u.reason \
             FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], \
             $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) WITH ORDINALITY \
             AS u(at, branch, repo, origin, vuln_id, old_state, new_state, old_fixed_version, \
             new_fixed_version, reason, n) ORDER BY u.n",
        )
        .bind(run_id)
        .bind(col(chunk, |c| c.at))
        .bind(col(chunk, |c| c.branch.as_str()))
        .bind(col(chunk, |c| c.repo.as_str()))
        .bind(col(chunk, |c| c.origin.as_str()))
        .bind(col(chunk, |c| c.vuln_id.as_str()))
        .bind(col(chunk, |c| c.old_state.as_deref()))
        .bind(col(chunk, |c| c.new_state.as_deref()))
        .bind(col(chunk, |c| c.old_fixed_version.as_deref()))
        .bind(col(chunk, |c| c.new_fixed_version.as_deref()))
        .bind(col(chunk, |c| c.reason.as_deref()))
        .execute(&mut *conn)
        .await
        .map_err(q(OP, "state_changes"))?;
    }
    Ok(ApplyOutcome {
        upserted: upserts.len() as u64,
        removed,
        changes: changes.len() as u64,
    })
}

impl Store for PgStore {
    fn backend(&self) -> &'static str {
        BACKEND
    }

    async fn migrate(&self) -> Result<()> {
        migrations::migrator(migrations::POSTGRES)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate {
                backend: BACKEND,
                source: Box::new(e),
            })
    }

    async fn optimize(&self) -> Result<()> {
        sqlx::query("ANALYZE")
            .execute(&self.pool)
            .await
            .map_err(q("optimize", "*"))?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn source(&self, name: &str) -> Result<Option<SourceRecord>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            source_cols!(),
            " FROM sources WHERE name = $1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
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
        .fetch_all(&self.pool)
        .await
        .map_err(q("read sources", "sources"))?;
        decode_all(&rows, ("read sources", "sources"), decode::source)
    }

    async fn import(&self, import: Import) -> Result<ImportOutcome> {
        let mut tx = self.begin_locked("begin import", WRITE_LOCK).await?;
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
                " FROM packages WHERE published ORDER BY branch, repo, arch, name, version"
            )
        } else {
            concat!(
                "SELECT ",
                package_cols!(),
                " FROM packages ORDER BY branch, repo, arch, name, version"
            )
        };
        let rows = sqlx::query(sql)
            .fetch_all(&self.pool)
            .await
            .map_err(q("read packages", "packages"))?;
        decode_all(&rows, ("read packages", "packages"), decode::package)
    }

    async fn branches(&self) -> Result<Vec<String>> {
        let mut names: Vec<String> = sqlx::query_scalar("SELECT name FROM branches")
            .fetch_all(&self.pool)
            .await
            .map_err(q("read branches", "branches"))?;
        plan::sort_branches(&mut names);
        Ok(names)
    }

    async fn repos(&self) -> Result<Vec<RepoRow>> {
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT branch, repo FROM repos")
            .fetch_all(&self.pool)
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
        .fetch_all(&self.pool)
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
            .fetch_all(&self.pool)
            .await
            .map_err(q("read decisions", "decisions"))?;
        decode_all(&rows, ("read decisions", "decisions"), decode::decision)
    }

    async fn add_decision(&self, d: NewDecision) -> Result<i64> {
        const OP: &str = "add decision";
        let mut tx = self.begin_locked(OP, DECISION_LOCK).await?;
        let id: i64 =
            sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('decisions', 'id'))")
                .fetch_one(&mut *tx)
                .await
                .map_err(q(OP, "decisions"))?;
        sqlx::query(
            "UPDATE decisions SET superseded_by = $1 WHERE superseded_by IS NULL \
             AND branch IS NOT DISTINCT FROM $2 AND origin = $3 AND vuln_id = $4",
        )
        .bind(id)
        .bind(&d.branch)
        .bind(&d.origin)
        .bind(&d.vuln_id)
        .execute(&mut *tx)
        .await
        .map_err(q(OP, "decisions"))?;
        sqlx::query(concat!(
            "INSERT INTO decisions (",
            decision_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"
        ))
        .bind(id)
        .bind(&d.branch)
        .bind(&d.origin)
        .bind(&d.vuln_id)
        .bind(&d.status)
        .bind(&d.justification)
        .bind(&d.statement)
        .bind(&d.author)
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
        .fetch_all(&self.pool)
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
        // One snapshot for rows and products.
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(q(OP, "vulns"))?;
        let rows = select_any(
            &mut tx,
            (OP, "vulns"),
            concat!("SELECT ", vuln_cols!(), " FROM vulns WHERE id = ANY($1)"),
            &ids,
            decode::vuln,
        )
        .await?;
        let products = select_any(
            &mut tx,
            (OP, "vuln_products"),
            concat!(
                "SELECT ",
                product_cols!(),
                " FROM vuln_products WHERE vuln_id = ANY($1)"
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
            .fetch_all(&self.pool)
            .await
            .map_err(q("read vuln status", "vulns"))?;
        decode_all(&rows, ("read vuln status", "vulns"), decode::vuln_status)
    }

    async fn kev(&self, ids: &[String]) -> Result<Vec<KevRow>> {
        let mut conn = self.pool.acquire().await.map_err(q("read kev", "kev"))?;
        let mut out = select_any(
            &mut conn,
            ("read kev", "kev"),
            "SELECT id, data FROM kev WHERE id = ANY($1)",
            &sorted_unique(ids),
            decode::kev,
        )
        .await?;
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn epss(&self, ids: &[String]) -> Result<Vec<EpssRow>> {
        let mut conn = self.pool.acquire().await.map_err(q("read epss", "epss"))?;
        let mut out = select_any(
            &mut conn,
            ("read epss", "epss"),
            "SELECT id, score, percentile, date FROM epss WHERE id = ANY($1)",
            &sorted_unique(ids),
            decode::epss,
        )
        .await?;
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    async fn states(&self, filter: &StateFilter) -> Result<Vec<StateRow>> {
        let mut qb = QueryBuilder::<Postgres>::new(concat!(
            "SELECT ",
            state_cols!(),
            " FROM states WHERE true"
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
        for (col, list) in [("vuln_id", &filter.vuln_ids), ("origin", &filter.origins)] {
            if let Some(values) = list {
                qb.push(format_args!(" AND {col} = ANY("))
                    .push_bind(values.clone())
                    .push(")");
            }
        }
        qb.push(" ORDER BY branch, repo, origin, vuln_id");
        let rows = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(q("read states", "states"))?;
        decode_all(&rows, ("read states", "states"), decode::state)
    }

    async fn apply_states(
        &self,
        run_id: i64,
        upserts: Vec<StateRow>,
        removals: Vec<StateKey>,
        changes: Vec<StateChange>,
    ) -> Result<ApplyOutcome> {
        let (upserts, removals) = plan::plan_states(upserts, removals)?;
        let mut tx = self.begin_locked("begin apply states", WRITE_LOCK).await?;
        let result = apply_states_in(&mut tx, run_id, &upserts, &removals, &changes).await;
        finish(tx, result, ("commit apply states", "states")).await
    }

    async fn state_counts(&self) -> Result<Vec<StateCount>> {
        let rows = sqlx::query(
            "SELECT branch, repo, state, count(*) AS n FROM states \
             GROUP BY branch, repo, state ORDER BY branch, repo, state",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(q("count states", "states"))?;
        decode_all(&rows, ("count states", "states"), decode::state_count)
    }

    async fn changes(&self, filter: &ChangeFilter, limit: u32) -> Result<Vec<StateChange>> {
        let mut qb = QueryBuilder::<Postgres>::new(concat!(
            "SELECT ",
            change_cols!(),
            " FROM state_changes WHERE true"
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
            .fetch_all(&self.pool)
            .await
            .map_err(q("read changes", "state_changes"))?;
        decode_all(&rows, ("read changes", "state_changes"), decode::change)
    }

    async fn begin_run(&self, kind: &str) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO runs (kind, started_at, stats) VALUES ($1, $2, '{}') RETURNING id",
        )
        .bind(kind)
        .bind(now())
        .fetch_one(&self.pool)
        .await
        .map_err(q("begin run", "runs"))
    }

    async fn finish_run(&self, run_id: i64, fingerprint: Option<&str>, stats: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE runs SET finished_at = $1, fingerprint = $2, stats = $3 WHERE id = $4",
        )
        .bind(now())
        .bind(fingerprint)
        .bind(stats)
        .bind(run_id)
        .execute(&self.pool)
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
            " FROM runs WHERE kind = $1 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        ))
        .bind(kind)
        .fetch_optional(&self.pool)
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
            " FROM runs ORDER BY id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(q("read runs", "runs"))?;
        decode_all(&rows, ("read runs", "runs"), decode::run)
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(q("read meta", "meta"))
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(q("write meta", "meta"))?;
        Ok(())
    }
}
