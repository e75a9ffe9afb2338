//! The engine: snapshot → states.
//!
//! For every vulnerability (records of all sources grouped under one
//! canonical id, aliases followed), the engine finds the origin packages the
//! records name (through the mapping rules, by origin or binary package
//! name), evaluates each record's affected data against each package's
//! version, and overlays what the distribution recorded: fixes, "never
//! affected" entries and triage decisions, each for its own origin and
//! branch only. Work is split per vulnerability and runs in parallel.
//!
//! The result for one (branch, repo, origin, vulnerability):
//! 1. a current triage decision decides (`not-affected` → not affected;
//!    `affected` → vulnerable unless a published fix exists);
//! 2. else a "never affected" record (secfixes `0`, rejections) → not
//!    affected;
//! 3. else a recorded fix: published version ≥ fix → fixed, else vulnerable
//!    (the fix is not published yet);
//! 4. else the sources: any bounded match → vulnerable; any unbounded or
//!    unknown match → possibly vulnerable; only out-of-range matches → not
//!    affected (`version-not-affected`).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use secfixes_apk::version::Scheme;
use secfixes_cpe::Cpe;
use secfixes_model::{
    Decision, DecisionStatus, Evidence, Fix, FixKind, OriginPackage, State, StateKey, StateKind,
    VulnId, Vulnerability,
};

use crate::configuration::Platform;
use crate::outcome::Outcome;
use crate::rules::{MappingRules, ProductKey};
use crate::versions::{ApkOrder, upstream_of};
use crate::{cve5, nvd, osv};

/// Everything the engine needs, borrowed.
pub struct Snapshot<'a> {
    /// Published origin packages of every branch and repository.
    pub packages: &'a [OriginPackage],
    /// Vulnerability records (any order; several per id allowed).
    pub vulns: &'a [Vulnerability],
    /// Fixes recorded by the distribution.
    pub fixes: &'a [Fix],
    /// Current triage decisions (superseded ones excluded by the caller).
    pub decisions: &'a [Decision],
    /// Name mapping rules.
    pub rules: &'a MappingRules,
    /// What is known of the platform (NVD `vulnerable: false` conditions).
    pub platform: &'a (dyn Platform + Sync),
    /// The version order of each branch (the apk-tools it ships); a branch
    /// not listed gets [`Scheme::for_branch`].
    pub schemes: &'a BTreeMap<String, Scheme>,
}

impl Snapshot<'_> {
    /// The version order of a branch.
    pub fn scheme(&self, branch: &str) -> Scheme {
        scheme_for(self.schemes, branch)
    }
}

/// The version order of a branch: the configured one, else
/// [`Scheme::for_branch`].
pub fn scheme_for(schemes: &BTreeMap<String, Scheme>, branch: &str) -> Scheme {
    schemes
        .get(branch)
        .copied()
        .unwrap_or_else(|| Scheme::for_branch(branch))
}

/// Where package names resolve to.
struct PackageIndex<'a> {
    packages: &'a [OriginPackage],
    /// origin or binary name → package indexes
    by_name: HashMap<&'a str, Vec<usize>>,
    /// (branch, origin) → package indexes (one per repo)
    by_branch_origin: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// origin → package indexes, ascending (every branch and repo; excluded
    /// origins too, since decisions still apply to them)
    by_origin: HashMap<&'a str, Vec<usize>>,
}

impl<'a> PackageIndex<'a> {
    fn new(packages: &'a [OriginPackage], rules: &MappingRules) -> Self {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_branch_origin: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        let mut by_origin: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            by_origin.entry(p.origin.as_str()).or_default().push(i);
            by_branch_origin
                .entry((p.branch.as_str(), p.origin.as_str()))
                .or_default()
                .push(i);
            if rules.origin_excluded(&p.origin) {
                continue;
            }
            for name in crate::products::package_names(p) {
                by_name.entry(name).or_default().push(i);
            }
        }
        for v in by_name.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        Self {
            packages,
            by_name,
            by_branch_origin,
            by_origin,
        }
    }

    fn resolve(&self, names: &[String]) -> Vec<usize> {
        let mut out: Vec<usize> = names
            .iter()
            .filter_map(|n| self.by_name.get(n.as_str()))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Union-find over vulnerability ids, so that records and fixes recorded
/// under aliases (a GHSA id for a CVE) land on one canonical id.
struct Aliases {
    canonical: HashMap<VulnId, VulnId>,
}

impl Aliases {
    fn new(vulns: &[Vulnerability]) -> Self {
        let mut parent: HashMap<VulnId, VulnId> = HashMap::new();
        fn find(parent: &mut HashMap<VulnId, VulnId>, x: &VulnId) -> VulnId {
            let mut cur = x.clone();
            while let Some(p) = parent.get(&cur) {
                if p == &cur {
                    break;
                }
                cur = p.clone();
            }
            // Path compression.
            let mut node = x.clone();
            while let Some(p) = parent.get(&node).cloned() {
                if p == cur {
                    break;
                }
                parent.insert(node, cur.clone());
                node = p;
            }
            cur
        }
        for v in vulns {
            parent.entry(v.id.clone()).or_insert_with(|| v.id.clone());
            for a in &v.aliases {
                parent.entry(a.clone()).or_insert_with(|| a.clone());
                let ra = find(&mut parent, &v.id);
                let rb = find(&mut parent, a);
                if ra != rb {
                    // Prefer a CVE id as the representative, then the
                    // smaller id: stable across runs.
                    let (keep, other) = if preferred(&ra, &rb) {
                        (ra, rb)
                    } else {
                        (rb, ra)
                    };
                    parent.insert(other, keep);
                }
            }
        }
        let keys: Vec<VulnId> = parent.keys().cloned().collect();
        let mut canonical = HashMap::new();
        for k in keys {
            let root = find(&mut parent, &k);
            if root != k {
                canonical.insert(k, root);
            }
        }
        Self { canonical }
    }

    fn of<'b>(&'b self, id: &'b VulnId) -> &'b VulnId {
        self.canonical.get(id).unwrap_or(id)
    }
}

fn preferred(a: &VulnId, b: &VulnId) -> bool {
    use secfixes_model::id::IdKind;
    match (a.kind() == IdKind::Cve, b.kind() == IdKind::Cve) {
        (true, false) => true,
        (false, true) => false,
        _ => a <= b,
    }
}

/// The work for one canonical vulnerability id.
#[derive(Default)]
struct Unit<'a> {
    records: Vec<&'a Vulnerability>,
    fixes: Vec<&'a Fix>,
    decisions: Vec<&'a Decision>,
}

/// Per-package accumulator.
#[derive(Default)]
struct Findings {
    outcomes: Vec<(Outcome, Evidence)>,
}

/// Computes every state of the snapshot, sorted by key.
pub fn compute(snap: &Snapshot<'_>) -> Vec<State> {
    let index = PackageIndex::new(snap.packages, snap.rules);
    let aliases = Aliases::new(snap.vulns);
    let mut units: BTreeMap<&VulnId, Unit<'_>> = BTreeMap::new();
    for v in snap.vulns {
        units.entry(aliases.of(&v.id)).or_default().records.push(v);
    }
    for f in snap.fixes {
        units.entry(aliases.of(&f.vuln)).or_default().fixes.push(f);
    }
    for d in snap.decisions {
        units
            .entry(aliases.of(&d.vuln))
            .or_default()
            .decisions
            .push(d);
    }
    // Resolving names is the hot path for records that name thousands of
    // products; cache it per product key across units.
    let names_cache: dashmap_free::Cache = dashmap_free::Cache::default();
    let units: Vec<(&VulnId, Unit<'_>)> = units.into_iter().collect();
    let mut states: Vec<State> = units
        .par_iter()
        .flat_map_iter(|(id, unit)| evaluate_unit(snap, &index, &names_cache, id, unit))
        .collect();
    states.sort_by(|a, b| a.key.cmp(&b.key));
    states
}

/// A tiny read-mostly cache without an extra dependency: a mutex-protected
/// map, consulted rarely enough (once per distinct product key per unit)
/// that contention does not matter on two cores.
mod dashmap_free {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use crate::rules::ProductKey;

    #[derive(Default)]
    pub(super) struct Cache {
        inner: Mutex<HashMap<ProductKey, std::sync::Arc<Vec<usize>>>>,
    }

    impl Cache {
        pub(super) fn get_or(
            &self,
            key: &ProductKey,
            f: impl FnOnce() -> Vec<usize>,
        ) -> std::sync::Arc<Vec<usize>> {
            if let Some(v) = self.inner.lock().ok().and_then(|m| m.get(key).cloned()) {
                return v;
            }
            let v = std::sync::Arc::new(f());
            if let Ok(mut m) = self.inner.lock() {
                m.insert(key.clone(), v.clone());
            }
            v
        }
    }
}

fn evaluate_unit(
    snap: &Snapshot<'_>,
    index: &PackageIndex<'_>,
    cache: &dashmap_free::Cache,
    id: &VulnId,
    unit: &Unit<'_>,
) -> Vec<State> {
    let order = ApkOrder;
    // The packages a product key names, resolved once per key for the run.
    let packages_of =
        |key: &ProductKey| cache.get_or(key, || index.resolve(&snap.rules.names(key)));
    let mut findings: BTreeMap<usize, Findings> = BTreeMap::new();
    let live: Vec<&Vulnerability> = unit
        .records
        .iter()
        .copied()
        .filter(|r| !r.status.is_retracted())
        .collect();
    for rec in &live {
        // NVD configurations.
        if !rec.configurations.is_empty() {
            let nvd = nvd::NvdRecord::new(rec);
            // Keys that differ only in target_sw share one candidate CPE (a
            // package names no target); a package they both resolve to is
            // evaluated once, not once per key.
            let mut by_candidate: Vec<(&Cpe, BTreeSet<usize>)> = Vec::new();
            for (key, candidate) in &nvd.candidates {
                let pkgs = packages_of(key);
                match by_candidate.iter_mut().find(|(c, _)| *c == candidate) {
                    Some((_, set)) => set.extend(pkgs.iter().copied()),
                    None => by_candidate.push((candidate, pkgs.iter().copied().collect())),
                }
            }
            for (candidate, pkgs) in by_candidate {
                for pi in pkgs {
                    let pkg = &index.packages[pi];
                    let up = upstream_of(&pkg.version);
                    if let Some((outcome, ev)) = nvd.evaluate(candidate, up, &order, snap.platform)
                    {
                        findings.entry(pi).or_default().outcomes.push((outcome, ev));
                    }
                }
            }
        }
        // CVE 5 affected[]. The CNA's word wins over an ADP's (CISA only
        // enriches records whose CNA is silent, and "CNA data wins on
        // conflict"): once a CNA entry decides for a package, ADP entries
        // for it are not counted.
        let mut cve5_found: BTreeMap<usize, Vec<(bool, Outcome, Evidence)>> = BTreeMap::new();
        for entry in &rec.cve_affected {
            let mut pkgs: BTreeSet<usize> = BTreeSet::new();
            for key in crate::products::cve5_keys(entry) {
                pkgs.extend(packages_of(&key).iter().copied());
            }
            let product = crate::products::cve5_label(entry);
            let (is_cna, container) = match &entry.container {
                secfixes_model::cve5::Container::Cna => (true, "cna".to_owned()),
                secfixes_model::cve5::Container::Adp(n) => {
                    (false, n.clone().unwrap_or_else(|| "adp".into()))
                }
            };
            for pi in pkgs {
                let pkg = &index.packages[pi];
                let (outcome, range) = cve5::evaluate(entry, upstream_of(&pkg.version), &order);
                cve5_found.entry(pi).or_default().push((
                    is_cna,
                    outcome,
                    Evidence::Cve5 {
                        container: container.clone(),
                        product: product.clone(),
                        range,
                        outcome: outcome.as_str().into(),
                    },
                ));
            }
        }
        for (pi, found) in cve5_found {
            let cna_decides = found
                .iter()
                .any(|(cna, o, _)| *cna && *o != Outcome::Unknown);
            let kept = found.into_iter().filter(|(cna, _, _)| *cna || !cna_decides);
            findings
                .entry(pi)
                .or_default()
                .outcomes
                .extend(kept.map(|(_, o, e)| (o, e)));
        }
        // OSV affected[].
        for entry in &rec.osv_affected {
            let Some(name) = entry.name.as_deref() else {
                continue;
            };
            let eco = entry.ecosystem.as_deref().unwrap_or("");
            let (pkgs, own_ecosystem): (Vec<usize>, bool) =
                match crate::products::distro_branch(eco) {
                    // The distribution's own ecosystem names the origin and the
                    // branch exactly, and its versions are package versions.
                    Some(branch) => (
                        index
                            .by_branch_origin
                            .get(&(branch, name))
                            .cloned()
                            .unwrap_or_default(),
                        true,
                    ),
                    None => {
                        let key = ProductKey::ecosystem(eco, name);
                        (packages_of(&key).to_vec(), false)
                    }
                };
            for pi in pkgs {
                let pkg = &index.packages[pi];
                let v = if own_ecosystem {
                    pkg.version.as_str()
                } else {
                    upstream_of(&pkg.version)
                };
                let (outcome, range) = osv::evaluate(entry, v, &order);
                findings.entry(pi).or_default().outcomes.push((
                    outcome,
                    Evidence::Osv {
                        package: format!("{eco}/{name}"),
                        range,
                        outcome: outcome.as_str().into(),
                    },
                ));
            }
        }
    }

    // Fixes and decisions name (branch, origin) directly.
    let mut fixes_by_pkg: BTreeMap<usize, Vec<&Fix>> = BTreeMap::new();
    for f in &unit.fixes {
        if let Some(pkgs) = index
            .by_branch_origin
            .get(&(f.branch.as_str(), f.origin.as_str()))
        {
            for &pi in pkgs {
                fixes_by_pkg.entry(pi).or_default().push(f);
            }
        }
    }
    let mut decisions_by_pkg: BTreeMap<usize, &Decision> = BTreeMap::new();
    for d in &unit.decisions {
        for &pi in index.by_origin.get(d.origin.as_str()).into_iter().flatten() {
            if d.branch
                .as_deref()
                .is_some_and(|b| b != index.packages[pi].branch)
            {
                continue;
            }
            // A branch-specific decision beats an all-branch one; among
            // equals the latest wins.
            let better = match decisions_by_pkg.get(&pi) {
                None => true,
                Some(cur) => {
                    (d.branch.is_some(), d.at, d.id) > (cur.branch.is_some(), cur.at, cur.id)
                }
            };
            if better {
                decisions_by_pkg.insert(pi, d);
            }
        }
    }

    let mut all: BTreeSet<usize> = findings.keys().copied().collect();
    all.extend(fixes_by_pkg.keys().copied());
    all.extend(decisions_by_pkg.keys().copied());
    let mut out = Vec::with_capacity(all.len());
    for pi in all {
        let pkg = &index.packages[pi];
        let f = findings.remove(&pi).unwrap_or_default();
        let fixes = fixes_by_pkg.remove(&pi).unwrap_or_default();
        let decision = decisions_by_pkg.get(&pi).copied();
        out.push(decide(
            pkg,
            id,
            f,
            &fixes,
            decision,
            snap.scheme(&pkg.branch),
        ));
    }
    out
}

fn fix_evidence(f: &Fix, canonical: &VulnId) -> Evidence {
    match &f.kind {
        FixKind::Fixed(v) => Evidence::Fix {
            version: v.clone(),
            source: f.source.clone(),
            location: f.location.clone(),
            alias: (&f.vuln != canonical).then(|| f.vuln.to_string()),
        },
        FixKind::NotAffected => Evidence::NotAffected {
            source: f.source.clone(),
            location: f.location.clone(),
        },
    }
}

fn decide(
    pkg: &OriginPackage,
    id: &VulnId,
    f: Findings,
    fixes: &[&Fix],
    decision: Option<&Decision>,
    scheme: Scheme,
) -> State {
    let key = StateKey {
        branch: pkg.branch.clone(),
        repo: pkg.repo.clone(),
        origin: pkg.origin.clone(),
        vuln: id.clone(),
    };
    let mut evidence: Vec<Evidence> = Vec::new();
    let state =
        |kind, fixed: Option<String>, reason: Option<&str>, evidence: Vec<Evidence>| State {
            key: key.clone(),
            kind,
            version: pkg.version.clone(),
            fixed_version: fixed,
            reason: reason.map(str::to_owned),
            evidence,
        };

    // What the fixes say.
    let never: Vec<&&Fix> = fixes
        .iter()
        .filter(|x| x.kind == FixKind::NotAffected)
        .collect();
    let mut fixed_versions: Vec<(&str, &&Fix)> = fixes
        .iter()
        .filter_map(|x| match &x.kind {
            FixKind::Fixed(v) => Some((v.as_str(), x)),
            FixKind::NotAffected => None,
        })
        .collect();
    fixed_versions.sort_by(|a, b| scheme.compare(a.0, b.0));
    // The smallest fix at or below the published version: the package has
    // carried the fix since then.
    let published_fix = fixed_versions
        .iter()
        .find(|(v, _)| scheme.compare(&pkg.version, v) != Ordering::Less)
        .copied();
    let pending_fix = fixed_versions
        .iter()
        .find(|(v, _)| scheme.compare(&pkg.version, v) == Ordering::Less)
        .copied();

    let mut outcomes = f.outcomes;
    outcomes.sort_by_key(|o| std::cmp::Reverse(o.0));
    let best = outcomes.first().map(|o| o.0);
    let source_evidence: Vec<Evidence> = outcomes.into_iter().map(|(_, e)| e).collect();

    if let Some(d) = decision {
        evidence.push(Evidence::Decision {
            id: d.id,
            author: d.author.clone(),
            status: d.status,
            statement: d.statement.clone(),
        });
        match d.status {
            DecisionStatus::NotAffected => {
                evidence.extend(fixes.iter().map(|x| fix_evidence(x, id)));
                evidence.extend(source_evidence);
                return state(StateKind::NotAffected, None, Some("decision"), evidence);
            }
            DecisionStatus::Affected => {
                if let Some((v, fx)) = published_fix {
                    evidence.insert(0, fix_evidence(fx, id));
                    evidence.extend(source_evidence);
                    return state(StateKind::Fixed, Some(v.to_owned()), None, evidence);
                }
                evidence.extend(source_evidence);
                return state(
                    StateKind::Vulnerable,
                    pending_fix.map(|p| p.0.to_owned()),
                    Some("decision"),
                    evidence,
                );
            }
            // Under investigation: the computed state stands, with the
            // decision shown as evidence.
            DecisionStatus::UnderInvestigation => {}
        }
    }
    if !never.is_empty() {
        evidence.extend(never.iter().map(|x| fix_evidence(x, id)));
        evidence.extend(source_evidence);
        let reason = if never.iter().any(|x| x.source.contains("rejections")) {
            "rejected"
        } else {
            "never-affected"
        };
        return state(StateKind::NotAffected, None, Some(reason), evidence);
    }
    if let Some((v, fx)) = published_fix {
        evidence.push(fix_evidence(fx, id));
        evidence.extend(source_evidence);
        let reason = (!scheme.validate(v)).then_some("fix version is not a valid apk version");
        return state(StateKind::Fixed, Some(v.to_owned()), reason, evidence);
    }
    if let Some((v, fx)) = pending_fix {
        evidence.push(fix_evidence(fx, id));
        evidence.extend(source_evidence);
        return state(
            StateKind::Vulnerable,
            Some(v.to_owned()),
            Some("fix-not-published"),
            evidence,
        );
    }
    evidence.extend(source_evidence);
    match best {
        Some(Outcome::Affected) => state(StateKind::Vulnerable, None, None, evidence),
        Some(Outcome::Unbounded) => state(
            StateKind::PossiblyVulnerable,
            None,
            Some("all-versions"),
            evidence,
        ),
        Some(Outcome::Unknown) => state(
            StateKind::PossiblyVulnerable,
            None,
            Some("version-unknown"),
            evidence,
        ),
        Some(Outcome::NotAffected) | None => state(
            StateKind::NotAffected,
            None,
            Some("version-not-affected"),
            evidence,
        ),
    }
}
