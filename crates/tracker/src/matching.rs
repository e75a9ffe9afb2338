//! A matcher run: load the snapshot from the store, compute every state,
//! write only what changed, and log every change.
//!
//! A run is skipped when its input fingerprint (the checksums of every
//! imported source, the mapping rules, the decisions and the engine
//! version) equals the last finished run's: the same inputs give the same
//! states, so an unchanged `update` costs only the fingerprint.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rayon::prelude::*;
use secfixes_apk::version::Scheme;
use secfixes_matcher::configuration::PlatformRules;
use secfixes_matcher::{MappingRules, Snapshot, compute};
use secfixes_model::{
    Decision, DecisionStatus, Fix, FixKind, Justification, OriginPackage, State, VulnId,
    Vulnerability,
};
use secfixes_store::rows::{
    DecisionRow, FixRow, PackageRow, StateChange, StateFilter, StateKey, StateRow,
};
use secfixes_store::{AnyStore, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::TrackerError;
use crate::import::decode_record;

/// Bumped whenever the engine's semantics change, so that stored states are
/// recomputed even if no input changed.
pub const ENGINE_VERSION: &str = "3";

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MatchReport {
    /// Whether the run was skipped (inputs unchanged).
    pub skipped: bool,
    /// The run id, when it ran.
    pub run_id: Option<i64>,
    /// Whether only the states of changed records were recomputed.
    pub incremental: bool,
    /// Origin packages in the snapshot.
    pub packages: usize,
    /// Vulnerability records loaded (those naming a packaged product).
    pub records: usize,
    /// Fixes in the snapshot.
    pub fixes: usize,
    /// States computed.
    pub states: usize,
    /// States inserted or changed in the store.
    pub upserted: u64,
    /// States removed.
    pub removed: u64,
    /// Change-log entries (state or fixed version changed).
    pub changes: u64,
    /// Per state kind, the number of states.
    pub by_state: BTreeMap<String, usize>,
    /// Fix and decision rows whose vulnerability id is unusable (skipped).
    pub bad_ids: usize,
    /// Records whose stored data could not be decoded (skipped).
    pub bad_records: usize,
}

/// What a matcher run needs besides the store.
#[derive(Debug, Clone)]
pub struct MatchInputs {
    /// Name mapping rules.
    pub rules: MappingRules,
    /// The configuration's own rules as text (fingerprinted).
    pub rules_text: String,
    /// Version order per branch (others: [`Scheme::for_branch`]).
    pub schemes: BTreeMap<String, Scheme>,
}

impl MatchInputs {
    /// The inputs a configuration gives.
    pub fn from_config(config: &crate::config::Config) -> Self {
        Self {
            rules: config.rules.clone(),
            rules_text: config.rules_text.clone(),
            schemes: config
                .branches
                .iter()
                .map(|b| (b.name.clone(), b.scheme))
                .collect(),
        }
    }

    /// The text fingerprinted besides the store's sources: the
    /// configuration's rules and the per-branch version orders.
    pub fn fingerprint_text(&self) -> String {
        let mut text = self.rules_text.clone();
        for (b, sc) in &self.schemes {
            text.push_str(&format!("\nscheme {b}={sc}"));
        }
        text
    }

    /// Default rules, default schemes.
    pub fn defaults() -> Self {
        Self {
            rules: MappingRules::defaults(),
            rules_text: String::new(),
            schemes: BTreeMap::new(),
        }
    }
}

/// Builds the origin packages of a branch/repository from published rows;
/// versions are ordered with `scheme` of their branch.
pub fn origin_packages(rows: &[PackageRow], scheme: impl Fn(&str) -> Scheme) -> Vec<OriginPackage> {
    let mut groups: BTreeMap<(&str, &str, &str), Vec<&PackageRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.published) {
        groups
            .entry((&r.branch, &r.repo, &r.origin))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((branch, repo, origin), rows)| {
            let mut versions: Vec<&str> = rows.iter().map(|r| r.version.as_str()).collect();
            let scheme = scheme(branch);
            versions.sort_by(|a, b| scheme.compare(a, b).then_with(|| a.cmp(b)));
            versions.dedup();
            // The lowest version: a fix is published once every
            // architecture (and subpackage) has it.
            let lowest = versions.first().copied().unwrap_or_default().to_owned();
            let others = versions.iter().skip(1).map(|v| (*v).to_owned()).collect();
            let maintainer = rows
                .iter()
                .find(|r| r.name == origin && r.maintainer.is_some())
                .or_else(|| rows.iter().find(|r| r.maintainer.is_some()))
                .and_then(|r| r.maintainer.clone());
            let mut binaries: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
            binaries.sort();
            binaries.dedup();
            OriginPackage {
                branch: branch.to_owned(),
                repo: repo.to_owned(),
                origin: origin.to_owned(),
                version: lowest,
                other_versions: others,
                maintainer,
                binaries,
            }
        })
        .collect()
}

fn fix_of(row: &FixRow) -> Option<Fix> {
    let vuln = VulnId::new(&row.vuln_id).ok()?;
    Some(Fix {
        branch: row.branch.clone(),
        origin: row.origin.clone(),
        vuln,
        kind: if row.kind == "not-affected" {
            FixKind::NotAffected
        } else {
            FixKind::Fixed(row.version.clone())
        },
        source: row.source.clone(),
        location: row.location.clone(),
        note: row.note.clone(),
    })
}

fn decision_of(row: &DecisionRow) -> Option<Decision> {
    Some(Decision {
        id: row.id,
        branch: row.branch.clone(),
        origin: row.origin.clone(),
        vuln: VulnId::new(&row.vuln_id).ok()?,
        status: row.status.parse::<DecisionStatus>().ok()?,
        justification: row
            .justification
            .as_deref()
            .and_then(|j| j.parse::<Justification>().ok()),
        statement: row.statement.clone(),
        author: row.author.clone(),
        at: jiff::Timestamp::from_second(row.created_at).ok()?,
    })
}

/// The fingerprint of a run's inputs.
pub async fn fingerprint(store: &AnyStore, rules_text: &str) -> Result<String, TrackerError> {
    let mut h = Sha256::new();
    h.update(ENGINE_VERSION.as_bytes());
    h.update(secfixes_matcher::rules::DEFAULT_RULES.as_bytes());
    h.update(rules_text.as_bytes());
    let mut sources = store.sources().await?;
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    for s in &sources {
        h.update(s.name.as_bytes());
        h.update(b"\0");
        h.update(s.checksum.as_deref().unwrap_or("-").as_bytes());
        h.update(b"\n");
    }
    for d in store.decisions(true).await? {
        h.update(format!("decision {}\n", d.id).as_bytes());
    }
    Ok(hex::encode(h.finalize()))
}

/// Runs the matcher over the store's current data.
pub async fn run(
    store: &AnyStore,
    inputs: &MatchInputs,
    force: bool,
    now: i64,
) -> Result<MatchReport, TrackerError> {
    run_scoped(store, inputs, &Scope::All, force, now).await
}

/// Which states a run recomputes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every state.
    All,
    /// Only the states of these vulnerabilities (and their aliases): valid
    /// when the states were current and only these records changed since
    /// (packages, fixes, decisions and rules did not).
    Vulns(BTreeSet<String>),
}

/// Runs the matcher over `scope`.
pub async fn run_scoped(
    store: &AnyStore,
    inputs: &MatchInputs,
    scope: &Scope,
    force: bool,
    now: i64,
) -> Result<MatchReport, TrackerError> {
    let rules = &inputs.rules;
    let scheme_of = |b: &str| secfixes_matcher::engine::scheme_for(&inputs.schemes, b);
    let fp = fingerprint(store, &inputs.fingerprint_text()).await?;
    let last = if force {
        None
    } else {
        store.last_run("match").await?
    };
    if last.is_some_and(|l| l.fingerprint.as_deref() == Some(fp.as_str())) {
        return Ok(MatchReport {
            skipped: true,
            ..MatchReport::default()
        });
    }
    let run_id = store.begin_run("match").await?;
    let mut report = MatchReport {
        run_id: Some(run_id),
        ..MatchReport::default()
    };

    let packages = origin_packages(&store.packages(true).await?, scheme_of);
    let fix_rows = store.fixes().await?;
    let decision_rows = store.decisions(true).await?;
    let (vulns, in_scope, bad_records) = match scope {
        Scope::All => {
            let ids = relevant_ids(store, &packages, rules).await?;
            let (vulns, bad) = load_records(store, &ids).await?;
            (vulns, None, bad)
        }
        Scope::Vulns(changed) => {
            report.incremental = true;
            // The changed records, plus the records of their aliases (one
            // step), so that alias groups are whole.
            let ids: Vec<String> = changed.iter().cloned().collect();
            let (mut vulns, mut bad) = load_records(store, &ids).await?;
            let known: HashSet<String> = vulns.iter().map(|v| v.id.to_string()).collect();
            let aliases: Vec<String> = vulns
                .iter()
                .flat_map(|v| v.aliases.iter().map(ToString::to_string))
                .filter(|a| !known.contains(a))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let (more, more_bad) = load_records(store, &aliases).await?;
            vulns.extend(more);
            bad += more_bad;
            let mut scope: HashSet<String> = changed.iter().cloned().collect();
            scope.extend(aliases);
            scope.extend(vulns.iter().map(|v| v.id.to_string()));
            (vulns, Some(scope), bad)
        }
    };
    let wanted = |id: &str| in_scope.as_ref().is_none_or(|s| s.contains(id));
    let fixes: Vec<Fix> = fix_rows
        .iter()
        .filter(|r| wanted(&r.vuln_id))
        .filter_map(fix_of)
        .collect();
    let decisions: Vec<Decision> = decision_rows
        .iter()
        .filter(|r| wanted(&r.vuln_id))
        .filter_map(decision_of)
        .collect();
    report.bad_ids = (fix_rows.iter().filter(|r| wanted(&r.vuln_id)).count() - fixes.len())
        + (decision_rows.iter().filter(|r| wanted(&r.vuln_id)).count() - decisions.len());
    report.bad_records = bad_records;
    report.packages = packages.len();
    report.records = vulns.len();
    report.fixes = fixes.len();

    let platform = PlatformRules::alpine();
    let snap = Snapshot {
        packages: &packages,
        vulns: &vulns,
        fixes: &fixes,
        decisions: &decisions,
        rules,
        platform: &platform,
        schemes: &inputs.schemes,
    };
    let states = tokio::task::block_in_place(|| compute(&snap));
    report.states = states.len();
    for s in &states {
        *report
            .by_state
            .entry(s.kind.as_str().to_owned())
            .or_default() += 1;
    }

    let filter = StateFilter {
        vuln_ids: in_scope.map(|s| s.into_iter().collect()),
        ..StateFilter::default()
    };
    let old = store.states(&filter).await?;
    let (upserts, removals, changes) = diff(old, &states, run_id, now);
    let outcome = store
        .apply_states(run_id, upserts, removals, changes)
        .await?;
    report.upserted = outcome.upserted;
    report.removed = outcome.removed;
    report.changes = outcome.changes;
    let stats = serde_json::to_string(&report).unwrap_or_else(|_| "{}".into());
    store.finish_run(run_id, Some(&fp), &stats).await?;
    Ok(report)
}

/// The ids of the records that name a product some package answers to (the
/// product keys were stored at import for exactly this).
async fn relevant_ids(
    store: &AnyStore,
    packages: &[OriginPackage],
    rules: &MappingRules,
) -> Result<Vec<String>, TrackerError> {
    let names: HashSet<&str> = packages
        .iter()
        .flat_map(secfixes_matcher::package_names)
        .collect();
    let products = store.vuln_products().await?;
    let mut relevant_keys: HashMap<(&str, &str, &str), bool> = HashMap::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for vp in &products {
        let k = (
            vp.product.vendor.as_str(),
            vp.product.product.as_str(),
            vp.product.target_sw.as_str(),
        );
        let relevant = *relevant_keys.entry(k).or_insert_with(|| {
            let key = secfixes_matcher::ProductKey {
                vendor: vp.product.vendor.clone(),
                product: vp.product.product.clone(),
                target_sw: vp.product.target_sw.clone(),
            };
            rules.names(&key).iter().any(|n| names.contains(n.as_str()))
        });
        if relevant {
            ids.insert(vp.vuln_id.clone());
        }
    }
    Ok(ids.into_iter().collect())
}

/// Loads and decodes records; also returns how many failed to decode.
async fn load_records(
    store: &AnyStore,
    ids: &[String],
) -> Result<(Vec<Vulnerability>, usize), TrackerError> {
    if ids.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let rows = store.vulns(ids).await?;
    let decoded: Vec<Result<Vulnerability, String>> =
        rows.par_iter().map(|r| decode_record(&r.data)).collect();
    let vulns: Vec<Vulnerability> = decoded.into_iter().filter_map(Result::ok).collect();
    let bad = rows.len() - vulns.len();
    Ok((vulns, bad))
}

fn row_of(s: &State, since: i64, run_id: i64) -> StateRow {
    StateRow {
        branch: s.key.branch.clone(),
        repo: s.key.repo.clone(),
        origin: s.key.origin.clone(),
        vuln_id: s.key.vuln.to_string(),
        state: s.kind.as_str().to_owned(),
        version: s.version.clone(),
        fixed_version: s.fixed_version.clone(),
        reason: s.reason.clone(),
        evidence: serde_json::to_string(&s.evidence).unwrap_or_else(|_| "[]".into()),
        since,
        updated_run: run_id,
    }
}

/// Compares new states with stored ones: the rows to write, the keys to
/// remove, and the change-log entries (a change is a different state or
/// fixed version; other differences, such as a new package version that
/// leaves the state as it was, are written without a log entry).
pub fn diff(
    old: Vec<StateRow>,
    new: &[State],
    run_id: i64,
    now: i64,
) -> (Vec<StateRow>, Vec<StateKey>, Vec<StateChange>) {
    let mut old: HashMap<StateKey, StateRow> = old.into_iter().map(|r| (r.key(), r)).collect();
    let mut upserts = Vec::new();
    let mut changes = Vec::new();
    for s in new {
        let key = StateKey {
            branch: s.key.branch.clone(),
            repo: s.key.repo.clone(),
            origin: s.key.origin.clone(),
            vuln_id: s.key.vuln.to_string(),
        };
        match old.remove(&key) {
            None => {
                changes.push(change(&key, None, Some(s), run_id, now));
                upserts.push(row_of(s, now, run_id));
            }
            Some(o) => {
                let changed = o.state != s.kind.as_str() || o.fixed_version != s.fixed_version;
                let row = row_of(s, if changed { now } else { o.since }, run_id);
                if changed {
                    changes.push(change(&key, Some(&o), Some(s), run_id, now));
                }
                if changed
                    || o.version != row.version
                    || o.reason != row.reason
                    || o.evidence != row.evidence
                {
                    upserts.push(row);
                }
            }
        }
    }
    let mut removals: Vec<StateKey> = Vec::new();
    let mut gone: Vec<StateRow> = old.into_values().collect();
    gone.sort_by_key(StateRow::key);
    for o in gone {
        let key = o.key();
        changes.push(change(&key, Some(&o), None, run_id, now));
        removals.push(key);
    }
    (upserts, removals, changes)
}

fn change(
    key: &StateKey,
    old: Option<&StateRow>,
    new: Option<&State>,
    run_id: i64,
    now: i64,
) -> StateChange {
    let reason = match new {
        Some(s) => s
            .reason
            .clone()
            .or_else(|| s.fixed_version.as_ref().map(|v| format!("fixed in {v}"))),
        None => Some("no longer applies (package not published, or no source names it)".to_owned()),
    };
    StateChange {
        id: 0,
        run_id,
        at: now,
        branch: key.branch.clone(),
        repo: key.repo.clone(),
        origin: key.origin.clone(),
        vuln_id: key.vuln_id.clone(),
        old_state: old.map(|o| o.state.clone()),
        new_state: new.map(|s| s.kind.as_str().to_owned()),
        old_fixed_version: old.and_then(|o| o.fixed_version.clone()),
        new_fixed_version: new.and_then(|s| s.fixed_version.clone()),
        reason,
    }
}
