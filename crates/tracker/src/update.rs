//! `update`: import every configured source that changed, then run the
//! matcher.
//!
//! Sources are checked and parsed in parallel (CPU work, on the rayon pool)
//! while a single writer applies the finished imports to the store, one
//! transaction per source. A source that fails is reported and skipped; its
//! previously imported data stays as it was, and the others go on.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use secfixes_store::rows::{Import, Payload, SourceRecord};
use secfixes_store::{AnyStore, Store};
use serde::Serialize;

use crate::TrackerError;
use crate::config::{Config, SourceKind, SourceSpec};
use crate::fetch::{self, Freshness, Previous};
use crate::import::{self, Prepared};
use crate::matching::{self, MatchReport};

/// What happened to one source.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum SourceStatus {
    /// Same content as the last import: nothing to do.
    Unchanged,
    /// Imported.
    Imported {
        /// Rows in the payload.
        records: u64,
        /// Rows inserted.
        inserted: u64,
        /// Rows changed.
        updated: u64,
        /// Rows kept because newer data from another source is stored.
        kept: u64,
        /// Rows removed or unpublished.
        removed: u64,
        /// Bad records skipped while reading.
        skipped: u64,
    },
    /// No longer configured: its packages were unpublished / its fixes
    /// removed.
    Withdrawn,
    /// Failed; the previous import stays in effect.
    Failed {
        /// Why, naming the source.
        error: String,
    },
}

/// One source's result.
#[derive(Debug, Clone, Serialize)]
pub struct SourceResult {
    /// The source's store name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// What happened.
    #[serde(flatten)]
    pub status: SourceStatus,
    /// Bad records skipped (the first few), when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// What the import changed, for deciding how much the matcher must
    /// recompute.
    #[serde(skip)]
    pub changes: Changes,
}

/// What an import changed that states depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Vulnerability ids whose stored record changed.
    pub vuln_ids: Vec<String>,
    /// Packages, fixes or decisions changed (the matcher must recompute
    /// everything).
    pub other: bool,
}

/// Progress callbacks (a terminal progress bar, or nothing).
pub trait Progress: Send + Sync {
    /// `total` sources are about to be checked.
    fn start(&self, _total: usize) {}
    /// A source is done.
    fn source(&self, _result: &SourceResult) {}
    /// A phase begins (`matching`, …).
    fn phase(&self, _name: &str) {}
    /// Everything is done.
    fn finish(&self) {}
}

/// No progress output.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Options of an import or update.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Import even unchanged sources, and run the matcher even when its
    /// inputs did not change.
    pub force: bool,
    /// Where downloads are cached.
    pub cache_dir: PathBuf,
    /// Do not run the matcher after importing.
    pub no_match: bool,
}

/// What an update did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateReport {
    /// Every source, in configuration order of completion.
    pub sources: Vec<SourceResult>,
    /// The matcher run, unless disabled.
    pub matching: Option<MatchReport>,
}

impl UpdateReport {
    /// How many sources failed.
    pub fn failed(&self) -> usize {
        self.sources
            .iter()
            .filter(|s| matches!(s.status, SourceStatus::Failed { .. }))
            .count()
    }
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn previous_of(record: Option<&SourceRecord>) -> Previous {
    let Some(r) = record else {
        return Previous::default();
    };
    let summary: serde_json::Value = serde_json::from_str(&r.summary).unwrap_or_default();
    Previous {
        checksum: r.checksum.clone(),
        stat: summary
            .get("stat")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        etag: r.etag.clone(),
        last_modified: r.last_modified.clone(),
    }
}

enum Work {
    Unchanged,
    Ready(Box<Prepared>),
}

/// Checks and imports the given sources; returns one result per source.
pub async fn import_sources(
    store: &AnyStore,
    specs: &[SourceSpec],
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Vec<SourceResult>, TrackerError> {
    import_sources_forcing(store, specs, opts, &HashSet::new(), progress).await
}

/// [`import_sources`], re-importing unconditionally the per-repository
/// sources of `forced` (kind, branch, repo) scopes.
async fn import_sources_forcing(
    store: &AnyStore,
    specs: &[SourceSpec],
    opts: &Options,
    forced: &HashSet<(SourceKind, String, String)>,
    progress: &dyn Progress,
) -> Result<Vec<SourceResult>, TrackerError> {
    let previous: HashMap<String, SourceRecord> = store
        .sources()
        .await?
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    progress.start(specs.len());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(usize, Result<Work, String>)>(2);
    let jobs: Vec<(usize, SourceSpec, Previous)> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let scope = (
                s.kind,
                s.branch.clone().unwrap_or_default(),
                s.repo.clone().unwrap_or_default(),
            );
            let prev = if opts.force || forced.contains(&scope) {
                Previous::default()
            } else {
                previous_of(previous.get(&s.name()))
            };
            (i, s.clone(), prev)
        })
        .collect();
    let cache_dir = opts.cache_dir.clone();
    // A fixed number of worker threads take sources one at a time. (Not a
    // rayon `par_iter` over sources: a worker waiting inside a source's own
    // parallel conversion would steal and start other sources, so any number
    // of them could be in memory at once.)
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let queue = std::sync::Arc::new(std::sync::Mutex::new(std::collections::VecDeque::from(
        jobs,
    )));
    let producer = tokio::task::spawn_blocking(move || {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                let queue = queue.clone();
                let tx = tx.clone();
                let cache_dir = &cache_dir;
                scope.spawn(move || {
                    loop {
                        let job = queue.lock().ok().and_then(|mut q| q.pop_front());
                        let Some((i, spec, prev)) = job else { break };
                        let result = match fetch::check(&spec.location, &prev, cache_dir) {
                            Err(e) => Err(e.to_string()),
                            Ok(Freshness::Unchanged) => Ok(Work::Unchanged),
                            Ok(Freshness::Changed(fetched)) => {
                                import::prepare(&spec, &fetched, now())
                                    .map(|p| Work::Ready(Box::new(p)))
                                    .map_err(|e| e.to_string())
                            }
                        };
                        // The receiver only disappears when the writer
                        // failed; that error is reported there.
                        if tx.blocking_send((i, result)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
        });
    });
    let mut results: Vec<SourceResult> = Vec::with_capacity(specs.len());
    let mut fatal: Option<TrackerError> = None;
    while let Some((i, work)) = rx.recv().await {
        let spec = &specs[i];
        let (status, errors, changes) = match work {
            Err(error) => (
                SourceStatus::Failed { error },
                Vec::new(),
                Changes::default(),
            ),
            Ok(Work::Unchanged) => (SourceStatus::Unchanged, Vec::new(), Changes::default()),
            Ok(Work::Ready(prepared)) => {
                let Prepared {
                    import,
                    skipped,
                    skipped_count,
                } = *prepared;
                let records = import.payload.len() as u64;
                let kind = spec.kind;
                match store.import(import).await {
                    Ok(o) => {
                        let changes = match kind {
                            SourceKind::Nvd
                            | SourceKind::Cve5
                            | SourceKind::Osv
                            | SourceKind::Advisories => Changes {
                                vuln_ids: o.changed_ids.clone(),
                                other: false,
                            },
                            // Enrichments: no state depends on them.
                            SourceKind::Kev | SourceKind::Epss => Changes::default(),
                            _ => Changes {
                                vuln_ids: Vec::new(),
                                other: o.inserted + o.updated + o.removed > 0,
                            },
                        };
                        (
                            SourceStatus::Imported {
                                records,
                                inserted: o.inserted,
                                updated: o.updated,
                                kept: o.kept,
                                removed: o.removed,
                                skipped: skipped_count,
                            },
                            skipped,
                            changes,
                        )
                    }
                    Err(e) => {
                        // A store error (constraint, disk) fails this
                        // source; a broken connection will fail the next
                        // ones too and is reported for each.
                        (
                            SourceStatus::Failed {
                                error: format!("{}: {e}", spec.name()),
                            },
                            Vec::new(),
                            Changes::default(),
                        )
                    }
                }
            }
        };
        let r = SourceResult {
            name: spec.name(),
            kind: spec.kind.as_str().to_owned(),
            status,
            errors,
            changes,
        };
        progress.source(&r);
        results.push(r);
    }
    if let Err(e) = producer.await {
        fatal = Some(TrackerError::Internal(format!(
            "source worker panicked: {e}"
        )));
    }
    if let Some(e) = fatal {
        return Err(e);
    }
    Ok(results)
}

/// Withdraws per-repository sources that are no longer configured: an index
/// that is gone unpublishes its packages; an aports, secdb or rejections
/// source that is gone removes its fixes. (Vulnerability records stay: they
/// are facts about vulnerabilities, not about the distribution.)
///
/// Returns the results and the (kind, branch, repo) scopes touched, whose
/// configured sources must then be imported again even if unchanged (an
/// index replaced by another one of the same repository shares its scope).
async fn withdraw_removed(
    store: &AnyStore,
    configured: &HashSet<String>,
    progress: &dyn Progress,
) -> Result<(Vec<SourceResult>, HashSet<(SourceKind, String, String)>), TrackerError> {
    let mut out = Vec::new();
    let mut scopes = HashSet::new();
    for record in store.sources().await? {
        if configured.contains(&record.name) {
            continue;
        }
        let Some(kind) = SourceKind::parse(&record.kind) else {
            continue;
        };
        if !kind.is_per_repo() || record.checksum.is_none() {
            continue;
        }
        let summary: serde_json::Value = serde_json::from_str(&record.summary).unwrap_or_default();
        let field = |k: &str| summary.get(k).and_then(|v| v.as_str()).map(str::to_owned);
        let payload = match kind {
            SourceKind::ApkIndex => match (field("branch"), field("repo"), field("arch")) {
                (Some(branch), Some(repo), Some(arch)) => Payload::Packages {
                    branch,
                    repo,
                    arch,
                    packages: Vec::new(),
                },
                _ => continue,
            },
            _ => Payload::Fixes(Vec::new()),
        };
        let mut source = record.clone();
        source.checksum = None;
        source.etag = None;
        source.last_modified = None;
        source.records = 0;
        source.imported_at = now();
        source.summary = serde_json::json!({ "withdrawn": true }).to_string();
        if let (Some(b), Some(r)) = (field("branch"), field("repo")) {
            scopes.insert((kind, b, r));
        }
        let status = match store.import(Import { source, payload }).await {
            Ok(_) => SourceStatus::Withdrawn,
            Err(e) => SourceStatus::Failed {
                error: format!("{}: {e}", record.name),
            },
        };
        let r = SourceResult {
            name: record.name.clone(),
            kind: record.kind.clone(),
            status,
            errors: Vec::new(),
            changes: Changes {
                vuln_ids: Vec::new(),
                other: true,
            },
        };
        progress.source(&r);
        out.push(r);
    }
    Ok((out, scopes))
}

/// Withdraws sources no longer configured, imports every configured source
/// that changed, then runs the matcher.
pub async fn update(
    store: &AnyStore,
    config: &Config,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<UpdateReport, TrackerError> {
    let specs = config.sources();
    let configured: HashSet<String> = specs.iter().map(SourceSpec::name).collect();
    let inputs = matching::MatchInputs::from_config(config);
    // Were the stored states current before this update? Then, if only
    // vulnerability records change, only their states need recomputing.
    let before = matching::fingerprint(store, &inputs.fingerprint_text()).await?;
    let current = store
        .last_run("match")
        .await?
        .and_then(|r| r.fingerprint)
        .as_deref()
        == Some(before.as_str());
    // Withdraw first: a replaced index shares its (branch, repo, arch)
    // scope with its replacement, which must be published last.
    let (mut sources, scopes) = withdraw_removed(store, &configured, progress).await?;
    sources.extend(import_sources_forcing(store, &specs, opts, &scopes, progress).await?);
    let matching = if opts.no_match {
        None
    } else {
        progress.phase("matching");
        let incremental = current && !opts.force && !sources.iter().any(|s| s.changes.other);
        let scope = if incremental {
            matching::Scope::Vulns(
                sources
                    .iter()
                    .flat_map(|s| s.changes.vuln_ids.iter().cloned())
                    .collect(),
            )
        } else {
            matching::Scope::All
        };
        Some(matching::run_scoped(store, &inputs, &scope, opts.force, now()).await?)
    };
    progress.finish();
    Ok(UpdateReport { sources, matching })
}
