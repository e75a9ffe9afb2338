//! Turning database rows into [`crate::rows`] structs, once for both
//! backends: each backend's row type implements [`Get`], and the decoders
//! are generic over it.

use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::plan::StoredVuln;
use crate::rows::{
    DecisionRow, EpssRow, FixRow, KevRow, PackageRow, ProductKey, RunRow, SourceRecord,
    StateChange, StateCount, StateRow, VulnProduct, VulnRow, VulnStatus,
};

type R<T> = Result<T, sqlx::Error>;

/// Decodes every row, or names the operation and table of the first
/// failure.
pub(crate) fn decode_all<Row, T>(
    rows: &[Row],
    (op, table): (&'static str, &'static str),
    decode: impl Fn(&Row) -> R<T>,
) -> Result<Vec<T>, crate::StoreError> {
    rows.iter()
        .map(decode)
        .collect::<R<_>>()
        .map_err(crate::StoreError::query(op, table))
}

/// Typed column access by name, the same for both backends.
pub(crate) trait Get {
    fn text(&self, col: &str) -> R<String>;
    fn opt_text(&self, col: &str) -> R<Option<String>>;
    fn int(&self, col: &str) -> R<i64>;
    fn opt_int(&self, col: &str) -> R<Option<i64>>;
    fn opt_f32(&self, col: &str) -> R<Option<f32>>;
    fn f64(&self, col: &str) -> R<f64>;
    fn boolean(&self, col: &str) -> R<bool>;
    fn blob(&self, col: &str) -> R<Vec<u8>>;
}

macro_rules! impl_get {
    ($row:ty) => {
        impl Get for $row {
            fn text(&self, col: &str) -> R<String> {
                self.try_get(col)
            }
            fn opt_text(&self, col: &str) -> R<Option<String>> {
                self.try_get(col)
            }
            fn int(&self, col: &str) -> R<i64> {
                self.try_get(col)
            }
            fn opt_int(&self, col: &str) -> R<Option<i64>> {
                self.try_get(col)
            }
            fn opt_f32(&self, col: &str) -> R<Option<f32>> {
                self.try_get(col)
            }
            fn f64(&self, col: &str) -> R<f64> {
                self.try_get(col)
            }
            fn boolean(&self, col: &str) -> R<bool> {
                self.try_get(col)
            }
            fn blob(&self, col: &str) -> R<Vec<u8>> {
                self.try_get(col)
            }
        }
    };
}

impl_get!(SqliteRow);
impl_get!(PgRow);

/// The columns of `source` rows, for `concat!`.
macro_rules! source_cols {
    () => {
        "name, kind, location, checksum, etag, last_modified, imported_at, records, summary"
    };
}
pub(crate) use source_cols;

pub(crate) fn source(r: &impl Get) -> R<SourceRecord> {
    Ok(SourceRecord {
        name: r.text("name")?,
        kind: r.text("kind")?,
        location: r.text("location")?,
        checksum: r.opt_text("checksum")?,
        etag: r.opt_text("etag")?,
        last_modified: r.opt_text("last_modified")?,
        imported_at: r.int("imported_at")?,
        records: r.int("records")?,
        summary: r.text("summary")?,
    })
}

/// The columns of `vuln` rows, for `concat!`.
macro_rules! vuln_cols {
    () => {
        "id, kind, status, published, modified, cvss_score, severity, source, data"
    };
}
pub(crate) use vuln_cols;

/// A vulnerability row without its products.
pub(crate) fn vuln(r: &impl Get) -> R<VulnRow> {
    Ok(VulnRow {
        id: r.text("id")?,
        kind: r.text("kind")?,
        status: r.text("status")?,
        published: r.opt_int("published")?,
        modified: r.opt_int("modified")?,
        cvss_score: r.opt_f32("cvss_score")?,
        severity: r.opt_text("severity")?,
        source: r.text("source")?,
        data: r.blob("data")?,
        products: Vec::new(),
    })
}

/// `((id, kind), stored)` from `SELECT id, kind, modified, source, digest`.
pub(crate) fn stored_vuln(r: &impl Get) -> R<((String, String), StoredVuln)> {
    Ok((
        (r.text("id")?, r.text("kind")?),
        StoredVuln {
            modified: r.opt_int("modified")?,
            source: r.text("source")?,
            digest: r.blob("digest")?,
        },
    ))
}

pub(crate) fn vuln_status(r: &impl Get) -> R<VulnStatus> {
    Ok(VulnStatus {
        id: r.text("id")?,
        kind: r.text("kind")?,
        status: r.text("status")?,
        modified: r.opt_int("modified")?,
    })
}

/// The columns of `product` rows, for `concat!`.
macro_rules! product_cols {
    () => {
        "vuln_id, kind, vendor, product, target_sw"
    };
}
pub(crate) use product_cols;

pub(crate) fn vuln_product(r: &impl Get) -> R<VulnProduct> {
    Ok(VulnProduct {
        vuln_id: r.text("vuln_id")?,
        kind: r.text("kind")?,
        product: ProductKey {
            vendor: r.text("vendor")?,
            product: r.text("product")?,
            target_sw: r.text("target_sw")?,
        },
    })
}

pub(crate) fn kev(r: &impl Get) -> R<KevRow> {
    Ok(KevRow {
        id: r.text("id")?,
        data: r.text("data")?,
    })
}

pub(crate) fn epss(r: &impl Get) -> R<EpssRow> {
    Ok(EpssRow {
        id: r.text("id")?,
        score: r.f64("score")?,
        percentile: r.f64("percentile")?,
        date: r.opt_text("date")?,
    })
}

/// The columns of `package` rows, for `concat!`.
macro_rules! package_cols {
    () => {
        "branch, repo, arch, name, version, origin, maintainer, build_time, git_commit, published"
    };
}
pub(crate) use package_cols;

pub(crate) fn package(r: &impl Get) -> R<PackageRow> {
    Ok(PackageRow {
        branch: r.text("branch")?,
        repo: r.text("repo")?,
        arch: r.text("arch")?,
        name: r.text("name")?,
        version: r.text("version")?,
        origin: r.text("origin")?,
        maintainer: r.opt_text("maintainer")?,
        build_time: r.opt_int("build_time")?,
        commit: r.opt_text("git_commit")?,
        published: r.boolean("published")?,
    })
}

/// The columns of `fix` rows, for `concat!`.
macro_rules! fix_cols {
    () => {
        "branch, origin, vuln_id, version, kind, source, location, note"
    };
}
pub(crate) use fix_cols;

pub(crate) fn fix(r: &impl Get) -> R<FixRow> {
    Ok(FixRow {
        branch: r.text("branch")?,
        origin: r.text("origin")?,
        vuln_id: r.text("vuln_id")?,
        version: r.text("version")?,
        kind: r.text("kind")?,
        source: r.text("source")?,
        location: r.opt_text("location")?,
        note: r.opt_text("note")?,
    })
}

/// The columns of `decision` rows, for `concat!`.
macro_rules! decision_cols {
    () => {
        "id, branch, origin, vuln_id, status, justification, \
     statement, author, created_at, superseded_by"
    };
}
pub(crate) use decision_cols;

pub(crate) fn decision(r: &impl Get) -> R<DecisionRow> {
    Ok(DecisionRow {
        id: r.int("id")?,
        branch: r.opt_text("branch")?,
        origin: r.text("origin")?,
        vuln_id: r.text("vuln_id")?,
        status: r.text("status")?,
        justification: r.opt_text("justification")?,
        statement: r.text("statement")?,
        author: r.text("author")?,
        created_at: r.int("created_at")?,
        superseded_by: r.opt_int("superseded_by")?,
    })
}

/// The columns of `state` rows, for `concat!`.
macro_rules! state_cols {
    () => {
        "branch, repo, origin, vuln_id, state, version, \
     fixed_version, reason, evidence, since, updated_run"
    };
}
pub(crate) use state_cols;

pub(crate) fn state(r: &impl Get) -> R<StateRow> {
    Ok(StateRow {
        branch: r.text("branch")?,
        repo: r.text("repo")?,
        origin: r.text("origin")?,
        vuln_id: r.text("vuln_id")?,
        state: r.text("state")?,
        version: r.text("version")?,
        fixed_version: r.opt_text("fixed_version")?,
        reason: r.opt_text("reason")?,
        evidence: r.text("evidence")?,
        since: r.int("since")?,
        updated_run: r.int("updated_run")?,
    })
}

pub(crate) fn state_count(r: &impl Get) -> R<StateCount> {
    Ok(StateCount {
        branch: r.text("branch")?,
        repo: r.text("repo")?,
        state: r.text("state")?,
        count: r.int("n")?,
    })
}

/// The columns of `change` rows, for `concat!`.
macro_rules! change_cols {
    () => {
        "id, run_id, at, branch, repo, origin, vuln_id, old_state, \
     new_state, old_fixed_version, new_fixed_version, reason"
    };
}
pub(crate) use change_cols;

pub(crate) fn change(r: &impl Get) -> R<StateChange> {
    Ok(StateChange {
        id: r.int("id")?,
        run_id: r.int("run_id")?,
        at: r.int("at")?,
        branch: r.text("branch")?,
        repo: r.text("repo")?,
        origin: r.text("origin")?,
        vuln_id: r.text("vuln_id")?,
        old_state: r.opt_text("old_state")?,
        new_state: r.opt_text("new_state")?,
        old_fixed_version: r.opt_text("old_fixed_version")?,
        new_fixed_version: r.opt_text("new_fixed_version")?,
        reason: r.opt_text("reason")?,
    })
}

/// The columns of `run` rows, for `concat!`.
macro_rules! run_cols {
    () => {
        "id, kind, started_at, finished_at, fingerprint, stats"
    };
}
pub(crate) use run_cols;

pub(crate) fn run(r: &impl Get) -> R<RunRow> {
    Ok(RunRow {
        id: r.int("id")?,
        kind: r.text("kind")?,
        started_at: r.int("started_at")?,
        finished_at: r.opt_int("finished_at")?,
        fingerprint: r.opt_text("fingerprint")?,
        stats: r.text("stats")?,
    })
}
