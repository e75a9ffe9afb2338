//! The rows the store keeps and returns: plain Rust structs, no database
//! types, so that callers never depend on sqlx.
//!
//! Text columns that name a closed set (`FixRow::kind`, `StateRow::state`,
//! `DecisionRow::status`, …) are checked by the database: a value outside the
//! set fails the whole import or transaction. The model crate has the typed
//! enums (`secfixes_model::StateKind::as_str`, …) that produce these
//! spellings.

/// One imported source and what was last imported from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// Unique key, e.g. `nvd:/abs/path/nvdcve-1.1-2018.json.gz`.
    pub name: String,
    /// `apkindex`, `aports`, `secdb`, `rejections`, `nvd`, `cve5`, `osv`,
    /// `kev`, `epss` or `advisories`.
    pub kind: String,
    /// A path or URL.
    pub location: String,
    /// SHA-256 (hex) of the raw bytes last imported.
    pub checksum: Option<String>,
    /// HTTP `ETag` of the last download.
    pub etag: Option<String>,
    /// HTTP `Last-Modified` of the last download.
    pub last_modified: Option<String>,
    /// When it was imported (unix seconds).
    pub imported_at: i64,
    /// How many records the import held.
    pub records: i64,
    /// A JSON summary of the import (free form).
    pub summary: String,
}

/// A product named by a vulnerability record, as the matcher looks it up.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductKey {
    /// CPE vendor, OSV ecosystem, …
    pub vendor: String,
    /// CPE product, package name, …
    pub product: String,
    /// CPE `target_sw`, `""` when none.
    pub target_sw: String,
}

/// One vulnerability record of one kind. The store keeps one row per
/// `(id, kind)`.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnRow {
    /// The identifier (`CVE-2021-44228`).
    pub id: String,
    /// `nvd`, `cve5`, `osv` or `advisory`.
    pub kind: String,
    /// Record status (`PUBLISHED`, `REJECTED`, …; free text).
    pub status: String,
    /// Published (unix seconds).
    pub published: Option<i64>,
    /// Last modified (unix seconds); decides which of two records wins.
    pub modified: Option<i64>,
    /// Highest CVSS base score.
    pub cvss_score: Option<f32>,
    /// Severity word.
    pub severity: Option<String>,
    /// The [`SourceRecord::name`] that wrote it. On import it must equal the
    /// importing source's name.
    pub source: String,
    /// Opaque payload (the pipeline stores deflate-compressed JSON).
    pub data: Vec<u8>,
    /// Products named by the record; stored in their own table, replaced with
    /// the row. Duplicates are dropped.
    pub products: Vec<ProductKey>,
}

/// The summary of a vulnerability row ([`crate::Store::vuln_ids_with_status`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VulnStatus {
    /// Identifier.
    pub id: String,
    /// Kind (`nvd`, …).
    pub kind: String,
    /// Record status.
    pub status: String,
    /// Last modified (unix seconds).
    pub modified: Option<i64>,
}

/// One product of one vulnerability row ([`crate::Store::vuln_products`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VulnProduct {
    /// Vulnerability identifier.
    pub vuln_id: String,
    /// Kind of the record that names the product.
    pub kind: String,
    /// The product.
    pub product: ProductKey,
}

/// A CISA KEV entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevRow {
    /// CVE id.
    pub id: String,
    /// The entry as JSON.
    pub data: String,
}

/// An EPSS score.
#[derive(Debug, Clone, PartialEq)]
pub struct EpssRow {
    /// CVE id.
    pub id: String,
    /// Probability of exploitation in the next 30 days.
    pub score: f64,
    /// Percentile among all scored CVEs.
    pub percentile: f64,
    /// Score date (`YYYY-MM-DD`).
    pub date: Option<String>,
}

/// One binary package of one branch, repository and architecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageRow {
    /// Branch (`v3.18`, `edge`).
    pub branch: String,
    /// Repository (`main`).
    pub repo: String,
    /// Architecture (`x86_64`).
    pub arch: String,
    /// Package name (`P:`).
    pub name: String,
    /// Version (`V:`).
    pub version: String,
    /// Origin (`o:`).
    pub origin: String,
    /// Maintainer (`m:`).
    pub maintainer: Option<String>,
    /// Build time (`t:`, unix seconds).
    pub build_time: Option<i64>,
    /// Aports commit (`c:`).
    pub commit: Option<String>,
    /// In the last imported index of its scope. Versions that left the index
    /// stay, unpublished, as history.
    pub published: bool,
}

/// A repository of a branch ([`crate::Store::repos`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoRow {
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
}

/// A fix recorded by the distribution (secfixes, secdb, rejections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixRow {
    /// Branch.
    pub branch: String,
    /// Origin package.
    pub origin: String,
    /// Vulnerability id as recorded.
    pub vuln_id: String,
    /// Fixed version, or `"0"` for never affected.
    pub version: String,
    /// `fixed` or `not-affected`.
    pub kind: String,
    /// The [`SourceRecord::name`] that recorded it; on import it must equal
    /// the importing source's name.
    pub source: String,
    /// `path:line`.
    pub location: Option<String>,
    /// Free text that came with the id.
    pub note: Option<String>,
}

/// A triage decision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    /// Its id.
    pub id: i64,
    /// The branch it is about; `None` for every branch.
    pub branch: Option<String>,
    /// Origin package.
    pub origin: String,
    /// Vulnerability id.
    pub vuln_id: String,
    /// `not-affected`, `affected` or `under-investigation`.
    pub status: String,
    /// OpenVEX justification (`component_not_present`, …).
    pub justification: Option<String>,
    /// Why, in words.
    pub statement: String,
    /// Who.
    pub author: String,
    /// When (unix seconds).
    pub created_at: i64,
    /// The decision that replaced this one.
    pub superseded_by: Option<i64>,
}

/// A decision to record ([`crate::Store::add_decision`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    /// The branch it is about; `None` for every branch.
    pub branch: Option<String>,
    /// Origin package.
    pub origin: String,
    /// Vulnerability id.
    pub vuln_id: String,
    /// `not-affected`, `affected` or `under-investigation`.
    pub status: String,
    /// OpenVEX justification.
    pub justification: Option<String>,
    /// Why, in words.
    pub statement: String,
    /// Who.
    pub author: String,
    /// When (unix seconds).
    pub created_at: i64,
}

/// The key of a state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateKey {
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
    /// Origin package.
    pub origin: String,
    /// Vulnerability id.
    pub vuln_id: String,
}

/// A computed state, keyed by (branch, repo, origin, vuln_id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
    /// Origin package.
    pub origin: String,
    /// Vulnerability id.
    pub vuln_id: String,
    /// `fixed`, `vulnerable`, `possibly-vulnerable` or `not-affected`.
    pub state: String,
    /// The package version evaluated.
    pub version: String,
    /// The fixing version.
    pub fixed_version: Option<String>,
    /// Short reason.
    pub reason: Option<String>,
    /// The evidence, as JSON.
    pub evidence: String,
    /// When this state began (unix seconds).
    pub since: i64,
    /// The run that last wrote the row.
    pub updated_run: i64,
}

impl StateRow {
    /// The row's key.
    pub fn key(&self) -> StateKey {
        StateKey {
            branch: self.branch.clone(),
            repo: self.repo.clone(),
            origin: self.origin.clone(),
            vuln_id: self.vuln_id.clone(),
        }
    }
}

/// Which states to read; `None` fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateFilter {
    /// Branch.
    pub branch: Option<String>,
    /// Repository.
    pub repo: Option<String>,
    /// Origin package.
    pub origin: Option<String>,
    /// Vulnerability id.
    pub vuln_id: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Any of these vulnerability ids (for incremental matcher runs); an
    /// empty list matches nothing.
    pub vuln_ids: Option<Vec<String>>,
    /// Any of these origin packages (the scanner's batched queries); an
    /// empty list matches nothing.
    pub origins: Option<Vec<String>>,
}

/// How many states of one kind a repository has.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StateCount {
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
    /// State.
    pub state: String,
    /// Number of states.
    pub count: i64,
}

/// One entry of the append-only log of state changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    /// Assigned by the store; ignored on write.
    pub id: i64,
    /// The run that made the change; on write, the `run_id` argument of
    /// [`crate::Store::apply_states`] is stored instead.
    pub run_id: i64,
    /// When (unix seconds).
    pub at: i64,
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
    /// Origin package.
    pub origin: String,
    /// Vulnerability id.
    pub vuln_id: String,
    /// The state before; `None` when the state is new.
    pub old_state: Option<String>,
    /// The state after; `None` when the state was removed.
    pub new_state: Option<String>,
    /// Fixed version before.
    pub old_fixed_version: Option<String>,
    /// Fixed version after.
    pub new_fixed_version: Option<String>,
    /// Why it changed.
    pub reason: Option<String>,
}

/// Which changes to read; `None` fields match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    /// Branch.
    pub branch: Option<String>,
    /// Repository.
    pub repo: Option<String>,
    /// Origin package.
    pub origin: Option<String>,
    /// Vulnerability id.
    pub vuln_id: Option<String>,
    /// The run that made them.
    pub run_id: Option<i64>,
    /// Only changes at or after this time (unix seconds).
    pub since: Option<i64>,
}

/// One run of the matcher or of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    /// Its id.
    pub id: i64,
    /// What kind of run (`match`, `update`, …).
    pub kind: String,
    /// Start (unix seconds).
    pub started_at: i64,
    /// End (unix seconds); `None` while running or when it died.
    pub finished_at: Option<i64>,
    /// A fingerprint of the inputs, to skip a run when nothing changed.
    pub fingerprint: Option<String>,
    /// Statistics, as JSON.
    pub stats: String,
}

/// One import: the source record and what it brings, applied in one
/// transaction.
#[derive(Debug, Clone)]
pub struct Import {
    /// The source record to store.
    pub source: SourceRecord,
    /// The rows.
    pub payload: Payload,
}

/// What an import brings.
#[derive(Debug, Clone)]
pub enum Payload {
    /// Vulnerability records, upserted by `(id, kind)`: an incoming row
    /// replaces the stored one when its `modified` is at least the stored
    /// one's (or either is unknown), or when both come from the same source.
    /// Within one payload the last row of a key wins.
    Vulns(Vec<VulnRow>),
    /// The KEV catalog: replaces every KEV row of the source (of an id
    /// given twice, the first row counts). An id another source stored is
    /// taken over.
    Kev(Vec<KevRow>),
    /// EPSS scores: replace every EPSS row of the source, as for KEV.
    Epss(Vec<EpssRow>),
    /// One APKINDEX: the given packages become exactly the published ones of
    /// `(branch, repo, arch)`; others of the scope are unpublished, not
    /// deleted. Every row's branch, repo and arch must be the scope's.
    Packages {
        /// Branch.
        branch: String,
        /// Repository.
        repo: String,
        /// Architecture.
        arch: String,
        /// The packages (`published` is ignored: they are all published).
        packages: Vec<PackageRow>,
    },
    /// Fixes: replace every fix row of the source. Rows with the same
    /// `(branch, origin, vuln_id, kind, version)` collapse onto the first.
    Fixes(Vec<FixRow>),
}

impl Payload {
    /// How many rows it holds.
    pub fn len(&self) -> usize {
        match self {
            Self::Vulns(v) => v.len(),
            Self::Kev(v) => v.len(),
            Self::Epss(v) => v.len(),
            Self::Packages { packages, .. } => packages.len(),
            Self::Fixes(v) => v.len(),
        }
    }

    /// Whether it holds no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `(branch, repo, origin)` of an origin package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OriginKey {
    /// Branch.
    pub branch: String,
    /// Repository.
    pub repo: String,
    /// Origin package.
    pub origin: String,
}

/// The `(branch, origin)` that fixes are recorded for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FixScope {
    /// Branch.
    pub branch: String,
    /// Origin package.
    pub origin: String,
}

/// What an import did. Counts are rows of the payload's table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Rows that did not exist.
    pub inserted: u64,
    /// Rows that existed and were changed (or, for packages, published again).
    pub updated: u64,
    /// Rows that existed with the same content (nothing written).
    pub unchanged: u64,
    /// Vulns only: stored rows that stayed because they are newer than the
    /// incoming ones (from another source).
    pub kept: u64,
    /// Rows removed (KEV, EPSS, fixes) or unpublished (packages).
    pub removed: u64,
    /// Vulns: ids whose stored record was inserted or changed. KEV and EPSS:
    /// ids whose entry was added, changed or removed. Sorted, unique.
    pub changed_ids: Vec<String>,
    /// Packages: origins whose set of published `(name, version)` changed.
    /// Sorted, unique.
    pub changed_origins: Vec<OriginKey>,
    /// Fixes: `(branch, origin)` whose fix rows changed. Sorted, unique.
    pub changed_fixes: Vec<FixScope>,
}

/// What [`crate::Store::apply_states`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// States inserted or replaced.
    pub upserted: u64,
    /// States deleted (keys that did not exist are not counted).
    pub removed: u64,
    /// Change-log entries appended.
    pub changes: u64,
}
