//! The backend-neutral half of every write: given what an import brings and
//! what is stored, decide what to write and what changed. Pure functions, so
//! both backends share them and the rules are tested without a database.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use crate::StoreError;
use crate::rows::{
    EpssRow, FixRow, FixScope, ImportOutcome, KevRow, OriginKey, PackageRow, ProductKey, RepoRow,
    StateKey, StateRow, VulnProduct, VulnRow,
};

/// The key of a vulnerability row.
pub(crate) type VulnKey = (String, String);

/// What is stored for a vulnerability row, as far as the upsert rule and the
/// "did it change" test need it. The content is compared through a digest,
/// so a re-import reads a few bytes per row instead of the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredVuln {
    pub modified: Option<i64>,
    pub source: String,
    pub digest: Vec<u8>,
}

/// The content digest of a vulnerability row: SHA-256 (first 16 bytes) over
/// every stored field but the source, with its products normalised. Fields
/// are length-prefixed or tagged so that no two rows share an encoding.
pub(crate) fn vuln_digest(row: &VulnRow) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    fn text(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    fn opt_int(h: &mut Sha256, v: Option<i64>) {
        match v {
            Some(v) => {
                h.update([1]);
                h.update(v.to_le_bytes());
            }
            None => h.update([0]),
        }
    }
    let mut h = Sha256::new();
    h.update(b"secfixes-vuln-v1");
    text(&mut h, &row.status);
    opt_int(&mut h, row.published);
    opt_int(&mut h, row.modified);
    opt_int(&mut h, row.cvss_score.map(|f| i64::from(f.to_bits())));
    match &row.severity {
        Some(s) => {
            h.update([1]);
            text(&mut h, s);
        }
        None => h.update([0]),
    }
    h.update((row.data.len() as u64).to_le_bytes());
    h.update(&row.data);
    h.update((row.products.len() as u64).to_le_bytes());
    for p in &row.products {
        text(&mut h, &p.vendor);
        text(&mut h, &p.product);
        text(&mut h, &p.target_sw);
    }
    h.finalize()[..16].to_vec()
}

/// Rejects rows that claim another source than the import's; `key` names
/// the offending row in the error.
pub(crate) fn check_source<T>(
    table: &'static str,
    source: &str,
    rows: &[T],
    row_source: impl Fn(&T) -> &str,
    key: impl Fn(&T) -> String,
) -> Result<(), StoreError> {
    match rows.iter().find(|r| row_source(r) != source) {
        Some(r) => Err(StoreError::Invalid {
            table,
            key: key(r),
            reason: format!(
                "row source {:?} is not the importing source {source:?}",
                row_source(r)
            ),
        }),
        None => Ok(()),
    }
}

/// The ids sorted, without repeats: the bind list of an `IN`/`ANY` read.
pub(crate) fn sorted_unique(ids: &[String]) -> Vec<String> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    ids
}

/// Keeps one row per key; `last` decides whether the last or the first row
/// of a key wins. The order is that of each key's first occurrence.
pub(crate) fn dedupe<T, K: Hash + Eq>(rows: Vec<T>, last: bool, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut index: HashMap<K, usize> = HashMap::with_capacity(rows.len());
    let mut out: Vec<T> = Vec::with_capacity(rows.len());
    for row in rows {
        match index.entry(key(&row)) {
            Entry::Occupied(e) if last => out[*e.get()] = row,
            Entry::Occupied(_) => {}
            Entry::Vacant(e) => {
                e.insert(out.len());
                out.push(row);
            }
        }
    }
    out
}

/// The upsert rule for vulnerability rows: whether an incoming row replaces
/// the stored one. A re-imported old yearly feed must not overwrite newer
/// data from a "modified" feed, but a source may always correct itself.
pub(crate) fn replaces(
    incoming_modified: Option<i64>,
    incoming_source: &str,
    stored_modified: Option<i64>,
    stored_source: &str,
) -> bool {
    incoming_source == stored_source
        || match (incoming_modified, stored_modified) {
            (Some(new), Some(old)) => new >= old,
            _ => true,
        }
}

/// Sorted, deduplicated products.
pub(crate) fn normalise_products(products: &mut Vec<ProductKey>) {
    products.sort();
    products.dedup();
}

/// What a vulnerability import writes.
#[derive(Debug, Default)]
pub(crate) struct VulnPlan {
    /// Rows to upsert with their digests, sorted by key (sequential b-tree
    /// inserts are much cheaper than random ones), products normalised.
    pub write: Vec<(VulnRow, Vec<u8>)>,
    /// Keys of stored rows being replaced: their products are deleted first.
    pub replaced: Vec<VulnKey>,
    pub outcome: ImportOutcome,
}

/// Plans a vulnerability import: `rows` as given (deduplicated here, the
/// last row of a key winning), `stored` the stored rows of their keys.
pub(crate) fn plan_vulns(rows: Vec<VulnRow>, stored: &HashMap<VulnKey, StoredVuln>) -> VulnPlan {
    let mut rows = dedupe(rows, true, |r| (r.id.clone(), r.kind.clone()));
    rows.sort_by(|a, b| (&a.id, &a.kind).cmp(&(&b.id, &b.kind)));
    let mut plan = VulnPlan::default();
    let mut changed = BTreeSet::new();
    for mut row in rows {
        normalise_products(&mut row.products);
        let key = (row.id.clone(), row.kind.clone());
        match stored.get(&key) {
            None => {
                plan.outcome.inserted += 1;
                changed.insert(row.id.clone());
                let digest = vuln_digest(&row);
                plan.write.push((row, digest));
            }
            Some(old) if !replaces(row.modified, &row.source, old.modified, &old.source) => {
                plan.outcome.kept += 1;
            }
            Some(old) => {
                let digest = vuln_digest(&row);
                if digest == old.digest {
                    plan.outcome.unchanged += 1;
                } else {
                    plan.outcome.updated += 1;
                    changed.insert(row.id.clone());
                    plan.replaced.push(key);
                    plan.write.push((row, digest));
                }
            }
        }
    }
    plan.outcome.changed_ids = changed.into_iter().collect();
    plan
}

/// What a package import writes.
#[derive(Debug, Default)]
pub(crate) struct PackagePlan {
    /// Rows to insert or update, all published.
    pub upsert: Vec<PackageRow>,
    /// `(name, version)` of published rows of the scope to unpublish.
    pub unpublish: Vec<(String, String)>,
    pub outcome: ImportOutcome,
}

/// Plans an APKINDEX import for one `(branch, repo, arch)`: `stored` is every
/// row of the scope, published or not.
pub(crate) fn plan_packages(
    branch: &str,
    repo: &str,
    arch: &str,
    incoming: Vec<PackageRow>,
    stored: Vec<PackageRow>,
) -> Result<PackagePlan, StoreError> {
    for p in &incoming {
        if p.branch != branch || p.repo != repo || p.arch != arch {
            return Err(StoreError::Invalid {
                table: "packages",
                key: format!(
                    "{}/{}/{} {}-{}",
                    p.branch, p.repo, p.arch, p.name, p.version
                ),
                reason: format!("not in the imported scope {branch}/{repo}/{arch}"),
            });
        }
    }
    let incoming = dedupe(incoming, true, |p| (p.name.clone(), p.version.clone()));
    let mut before: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    let mut by_key: HashMap<(&str, &str), &PackageRow> = HashMap::with_capacity(stored.len());
    for p in &stored {
        by_key.insert((&p.name, &p.version), p);
        if p.published {
            before
                .entry(&p.origin)
                .or_default()
                .insert((&p.name, &p.version));
        }
    }
    let mut plan = PackagePlan::default();
    let mut after: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    let mut given: HashSet<(&str, &str)> = HashSet::with_capacity(incoming.len());
    for p in &incoming {
        after
            .entry(&p.origin)
            .or_default()
            .insert((&p.name, &p.version));
        given.insert((&p.name, &p.version));
        let mut row = p.clone();
        row.published = true;
        match by_key.get(&(p.name.as_str(), p.version.as_str())) {
            None => {
                plan.outcome.inserted += 1;
                plan.upsert.push(row);
            }
            Some(old) if **old == row => plan.outcome.unchanged += 1,
            Some(_) => {
                plan.outcome.updated += 1;
                plan.upsert.push(row);
            }
        }
    }
    for p in &stored {
        if p.published && !given.contains(&(p.name.as_str(), p.version.as_str())) {
            plan.outcome.removed += 1;
            plan.unpublish.push((p.name.clone(), p.version.clone()));
        }
    }
    plan.upsert
        .sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    let origins: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    plan.outcome.changed_origins = origins
        .into_iter()
        .filter(|o| before.get(o) != after.get(o))
        .map(|o| OriginKey {
            branch: branch.to_owned(),
            repo: repo.to_owned(),
            origin: o.to_owned(),
        })
        .collect();
    Ok(plan)
}

/// The unique key of a fix row within its source.
fn fix_key(f: &FixRow) -> (String, String, String, String, String) {
    (
        f.branch.clone(),
        f.origin.clone(),
        f.vuln_id.clone(),
        f.kind.clone(),
        f.version.clone(),
    )
}

/// What a fixes import writes: every row of the source is replaced by `rows`,
/// unless nothing changed.
#[derive(Debug, Default)]
pub(crate) struct ReplacePlan<T> {
    pub rows: Vec<T>,
    /// Whether anything differs from what is stored.
    pub changed: bool,
    pub outcome: ImportOutcome,
}

/// Diffs a replacement set against the stored rows of the source by key:
/// counts, and the keys added, changed or removed.
fn diff_by_key<T: PartialEq, K: Hash + Eq + Ord + Clone>(
    incoming: &[T],
    stored: &[T],
    key: impl Fn(&T) -> K,
) -> (ImportOutcome, BTreeSet<K>) {
    let old: HashMap<K, &T> = stored.iter().map(|r| (key(r), r)).collect();
    let mut outcome = ImportOutcome::default();
    let mut changed = BTreeSet::new();
    let mut seen = HashSet::with_capacity(incoming.len());
    for r in incoming {
        let k = key(r);
        match old.get(&k) {
            None => {
                outcome.inserted += 1;
                changed.insert(k.clone());
            }
            Some(o) if *o == r => outcome.unchanged += 1,
            Some(_) => {
                outcome.updated += 1;
                changed.insert(k.clone());
            }
        }
        seen.insert(k);
    }
    for (k, _) in old {
        if !seen.contains(&k) {
            outcome.removed += 1;
            changed.insert(k);
        }
    }
    (outcome, changed)
}

/// Plans a fixes import of `source`.
pub(crate) fn plan_fixes(
    source: &str,
    incoming: Vec<FixRow>,
    stored: &[FixRow],
) -> Result<ReplacePlan<FixRow>, StoreError> {
    check_source(
        "fixes",
        source,
        &incoming,
        |f| &f.source,
        |f| format!("{}/{} {} {}", f.branch, f.origin, f.vuln_id, f.version),
    )?;
    let mut rows = dedupe(incoming, false, fix_key);
    rows.sort_by_cached_key(fix_key);
    let (mut outcome, changed) = diff_by_key(&rows, stored, fix_key);
    let scopes: BTreeSet<FixScope> = changed
        .into_iter()
        .map(|(branch, origin, ..)| FixScope { branch, origin })
        .collect();
    outcome.changed_fixes = scopes.into_iter().collect();
    Ok(ReplacePlan {
        changed: !outcome.changed_fixes.is_empty(),
        rows,
        outcome,
    })
}

/// Plans a KEV import.
pub(crate) fn plan_kev(incoming: Vec<KevRow>, stored: &[KevRow]) -> ReplacePlan<KevRow> {
    plan_by_id(incoming, stored, |k| &k.id)
}

/// Plans an EPSS import.
pub(crate) fn plan_epss(incoming: Vec<EpssRow>, stored: &[EpssRow]) -> ReplacePlan<EpssRow> {
    plan_by_id(incoming, stored, |e| &e.id)
}

/// Plans the import of a table keyed by vulnerability id alone: the first
/// row of an id wins, rows sorted by id.
fn plan_by_id<T: PartialEq>(
    incoming: Vec<T>,
    stored: &[T],
    id: impl Fn(&T) -> &String,
) -> ReplacePlan<T> {
    let mut rows = dedupe(incoming, false, |r| id(r).clone());
    rows.sort_by(|a, b| id(a).cmp(id(b)));
    let (mut outcome, changed) = diff_by_key(&rows, stored, |r| id(r).clone());
    outcome.changed_ids = changed.into_iter().collect();
    ReplacePlan {
        changed: !outcome.changed_ids.is_empty(),
        rows,
        outcome,
    }
}

/// Deduplicates the arguments of `apply_states` (last upsert of a key wins),
/// sorts them by key, and rejects a key that is both upserted and removed.
pub(crate) fn plan_states(
    upserts: Vec<StateRow>,
    removals: Vec<StateKey>,
) -> Result<(Vec<StateRow>, Vec<StateKey>), StoreError> {
    let mut upserts = dedupe(upserts, true, StateRow::key);
    upserts.sort_by(|a, b| {
        (&a.branch, &a.repo, &a.origin, &a.vuln_id)
            .cmp(&(&b.branch, &b.repo, &b.origin, &b.vuln_id))
    });
    let mut removals = dedupe(removals, false, Clone::clone);
    removals.sort();
    let upserted: HashSet<StateKey> = upserts.iter().map(StateRow::key).collect();
    if let Some(k) = removals.iter().find(|k| upserted.contains(*k)) {
        return Err(StoreError::Invalid {
            table: "states",
            key: format!("{}/{} {} {}", k.branch, k.repo, k.origin, k.vuln_id),
            reason: "both upserted and removed in one apply_states".to_owned(),
        });
    }
    Ok((upserts, removals))
}

/// Branches in a stable order: `edge` first, then releases `vX.Y[.Z]`
/// newest first (numerically: `v3.9` after `v3.10`), then any other name
/// alphabetically.
pub(crate) fn sort_branches(branches: &mut [String]) {
    fn rank(b: &str) -> (u8, std::cmp::Reverse<Vec<u64>>) {
        if b == "edge" {
            return (0, std::cmp::Reverse(Vec::new()));
        }
        let release: Option<Vec<u64>> = b
            .strip_prefix('v')
            .and_then(|v| v.split('.').map(|n| n.parse().ok()).collect());
        match release {
            Some(parts) => (1, std::cmp::Reverse(parts)),
            None => (2, std::cmp::Reverse(Vec::new())),
        }
    }
    branches.sort_by(|a, b| match rank(a).cmp(&rank(b)) {
        Ordering::Equal => a.cmp(b),
        o => o,
    });
}

/// Repositories with branches in [`sort_branches`] order, then by name.
pub(crate) fn order_repos(rows: Vec<(String, String)>) -> Vec<RepoRow> {
    let mut branches: Vec<String> = rows.iter().map(|(b, _)| b.clone()).collect();
    branches.sort();
    branches.dedup();
    sort_branches(&mut branches);
    let rank: HashMap<&str, usize> = branches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.as_str(), i))
        .collect();
    let mut repos: Vec<RepoRow> = rows
        .into_iter()
        .map(|(branch, repo)| RepoRow { branch, repo })
        .collect();
    repos.sort_by(|a, b| {
        (rank.get(a.branch.as_str()), &a.repo).cmp(&(rank.get(b.branch.as_str()), &b.repo))
    });
    repos
}

/// Puts each product under its row; rows come back ordered by (id, kind).
pub(crate) fn attach_products(mut rows: Vec<VulnRow>, products: Vec<VulnProduct>) -> Vec<VulnRow> {
    let mut by_key: HashMap<VulnKey, Vec<ProductKey>> = HashMap::new();
    for p in products {
        by_key
            .entry((p.vuln_id, p.kind))
            .or_default()
            .push(p.product);
    }
    for row in &mut rows {
        if let Some(mut list) = by_key.remove(&(row.id.clone(), row.kind.clone())) {
            normalise_products(&mut list);
            row.products = list;
        }
    }
    rows.sort_by(|a, b| (&a.id, &a.kind).cmp(&(&b.id, &b.kind)));
    rows
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn vuln(id: &str, modified: Option<i64>, source: &str, data: &[u8]) -> VulnRow {
        VulnRow {
            id: id.to_owned(),
            kind: "nvd".to_owned(),
            status: "PUBLISHED".to_owned(),
            published: Some(1),
            modified,
            cvss_score: Some(7.5),
            severity: None,
            source: source.to_owned(),
            data: data.to_vec(),
            products: vec![ProductKey {
                vendor: "v".into(),
                product: "p".into(),
                target_sw: String::new(),
            }],
        }
    }

    fn stored(row: &VulnRow) -> StoredVuln {
        let mut row = row.clone();
        normalise_products(&mut row.products);
        StoredVuln {
            modified: row.modified,
            source: row.source.clone(),
            digest: vuln_digest(&row),
        }
    }

    #[test]
    fn upsert_rule() {
        assert!(replaces(Some(2), "a", Some(1), "b"));
        assert!(replaces(Some(1), "a", Some(1), "b"));
        assert!(!replaces(Some(1), "a", Some(2), "b"));
        assert!(
            replaces(Some(1), "a", Some(2), "a"),
            "a source corrects itself"
        );
        assert!(replaces(None, "a", Some(2), "b"));
        assert!(replaces(Some(1), "a", None, "b"));
    }

    #[test]
    fn vulns_plan_counts_every_case() {
        let old_same = vuln("CVE-1", Some(5), "year", b"x");
        let old_newer = vuln("CVE-2", Some(9), "modified", b"x");
        let old_changed = vuln("CVE-3", Some(5), "year", b"x");
        let mut map = HashMap::new();
        for r in [&old_same, &old_newer, &old_changed] {
            map.insert((r.id.clone(), r.kind.clone()), stored(r));
        }
        let incoming = vec![
            vuln("CVE-4", None, "year", b"n"),
            vuln("CVE-3", Some(6), "year", b"z"),
            vuln("CVE-1", Some(5), "year", b"x"),
            vuln("CVE-2", Some(5), "year", b"y"),
        ];
        let plan = plan_vulns(incoming, &map);
        let o = &plan.outcome;
        assert_eq!((o.inserted, o.updated, o.unchanged, o.kept), (1, 1, 1, 1));
        assert_eq!(o.changed_ids, vec!["CVE-3", "CVE-4"]);
        assert_eq!(plan.replaced, vec![("CVE-3".to_owned(), "nvd".to_owned())]);
        let written: Vec<&str> = plan.write.iter().map(|(r, _)| r.id.as_str()).collect();
        assert_eq!(written, ["CVE-3", "CVE-4"], "sorted by key");
    }

    #[test]
    fn vulns_product_change_is_a_change() {
        let old = vuln("CVE-1", Some(5), "year", b"x");
        let map = HashMap::from([((old.id.clone(), old.kind.clone()), stored(&old))]);
        let mut new = old.clone();
        new.products.clear();
        assert_eq!(plan_vulns(vec![new], &map).outcome.updated, 1);
        // Order and duplicates of products do not matter.
        let mut same = old.clone();
        same.products.push(same.products[0].clone());
        assert_eq!(plan_vulns(vec![same], &map).outcome.unchanged, 1);
    }

    #[test]
    fn digest_covers_every_field_but_the_source() {
        let base = vuln("CVE-1", Some(5), "year", b"x");
        let d = vuln_digest(&base);
        let mut other = base.clone();
        other.source = "elsewhere".into();
        assert_eq!(vuln_digest(&other), d);
        type Edit = Box<dyn Fn(&mut VulnRow)>;
        let variants: Vec<Edit> = vec![
            Box::new(|r| r.status = "REJECTED".into()),
            Box::new(|r| r.published = None),
            Box::new(|r| r.modified = Some(6)),
            Box::new(|r| r.cvss_score = Some(7.4)),
            Box::new(|r| r.cvss_score = None),
            Box::new(|r| r.severity = Some(String::new())),
            Box::new(|r| r.data.push(0)),
            Box::new(|r| r.products[0].target_sw = "x".into()),
            // Moving text between adjacent fields changes the digest.
            Box::new(|r| {
                r.products[0].vendor = "vp".into();
                r.products[0].product = String::new();
            }),
        ];
        for (i, change) in variants.iter().enumerate() {
            let mut r = base.clone();
            change(&mut r);
            assert_ne!(vuln_digest(&r), d, "variant {i}");
        }
    }

    fn pkg(name: &str, version: &str, origin: &str, published: bool) -> PackageRow {
        PackageRow {
            branch: "v3.18".into(),
            repo: "main".into(),
            arch: "x86_64".into(),
            name: name.into(),
            version: version.into(),
            origin: origin.into(),
            maintainer: None,
            build_time: None,
            commit: None,
            published,
        }
    }

    #[test]
    fn packages_publish_and_unpublish() {
        let stored = vec![
            pkg("libssl3", "3.1.0-r0", "openssl", true),
            pkg("openssl", "3.1.0-r0", "openssl", true),
            pkg("zlib", "1.2-r0", "zlib", true),
            pkg("musl", "1.2-r0", "musl", false),
            pkg("curl", "8.0-r0", "curl", true),
        ];
        let incoming = vec![
            pkg("libssl3", "3.1.1-r0", "openssl", false),
            pkg("openssl", "3.1.1-r0", "openssl", false),
            pkg("zlib", "1.2-r0", "zlib", false),
            pkg("musl", "1.2-r0", "musl", false),
            pkg("curl", "8.0-r0", "curl", false),
        ];
        let plan = plan_packages("v3.18", "main", "x86_64", incoming, stored).unwrap();
        let o = &plan.outcome;
        assert_eq!(
            (o.inserted, o.updated, o.unchanged, o.removed),
            (2, 1, 2, 2)
        );
        let origins: Vec<_> = o
            .changed_origins
            .iter()
            .map(|k| k.origin.as_str())
            .collect();
        assert_eq!(origins, vec!["musl", "openssl"]);
        assert!(plan.upsert.iter().all(|p| p.published));
        assert_eq!(plan.unpublish.len(), 2);
    }

    #[test]
    fn packages_out_of_scope_are_rejected() {
        let mut p = pkg("a", "1-r0", "a", true);
        p.arch = "aarch64".into();
        let err = plan_packages("v3.18", "main", "x86_64", vec![p], vec![]).unwrap_err();
        assert!(
            err.to_string()
                .contains("not in the imported scope v3.18/main/x86_64"),
            "{err}"
        );
    }

    fn fix(origin: &str, id: &str, version: &str, location: &str) -> FixRow {
        FixRow {
            branch: "v3.18".into(),
            origin: origin.into(),
            vuln_id: id.into(),
            version: version.into(),
            kind: "fixed".into(),
            source: "secdb:x".into(),
            location: Some(location.into()),
            note: None,
        }
    }

    #[test]
    fn fixes_plan() {
        let stored = vec![
            fix("a", "CVE-1", "1-r0", "a:1"),
            fix("b", "CVE-2", "1-r0", "b:1"),
        ];
        let incoming = vec![
            fix("a", "CVE-1", "1-r0", "a:1"),
            fix("a", "CVE-1", "1-r0", "a:9"), // duplicate: the first wins
            fix("c", "CVE-3", "2-r0", "c:1"),
        ];
        let plan = plan_fixes("secdb:x", incoming, &stored).unwrap();
        let o = &plan.outcome;
        assert_eq!(
            (o.inserted, o.updated, o.unchanged, o.removed),
            (1, 0, 1, 1)
        );
        let scopes: Vec<_> = o.changed_fixes.iter().map(|s| s.origin.as_str()).collect();
        assert_eq!(scopes, vec!["b", "c"]);
        assert_eq!(plan.rows.len(), 2);
        assert!(plan.changed);

        let same = plan_fixes("secdb:x", stored.clone(), &stored).unwrap();
        assert!(!same.changed);
        assert_eq!(same.outcome.unchanged, 2);

        let err = plan_fixes("other", stored.clone(), &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("is not the importing source \"other\""),
            "{err}"
        );
    }

    #[test]
    fn states_plan_rejects_upsert_and_removal_of_one_key() {
        let row = StateRow {
            branch: "edge".into(),
            repo: "main".into(),
            origin: "a".into(),
            vuln_id: "CVE-1".into(),
            state: "fixed".into(),
            version: "1".into(),
            fixed_version: None,
            reason: None,
            evidence: "[]".into(),
            since: 0,
            updated_run: 1,
        };
        assert!(plan_states(vec![row.clone()], vec![row.key()]).is_err());
        let (u, r) = plan_states(vec![row.clone(), row.clone()], vec![]).unwrap();
        assert_eq!((u.len(), r.len()), (1, 0));
    }

    #[test]
    fn branch_order() {
        let mut b: Vec<String> = [
            "v3.9",
            "wolfi",
            "v3.10",
            "edge",
            "v3.18",
            "latest-stable",
            "v3.10.1",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        sort_branches(&mut b);
        assert_eq!(
            b,
            [
                "edge",
                "v3.18",
                "v3.10.1",
                "v3.10",
                "v3.9",
                "latest-stable",
                "wolfi"
            ]
        );
    }

    proptest! {
        /// Replacement is decided by the later `modified` unless the source
        /// is the same: a stored row never loses to a strictly older one
        /// from another source, and a row always replaces one of equal date.
        #[test]
        fn upsert_rule_props(a in proptest::option::of(0i64..100), b in proptest::option::of(0i64..100), same in any::<bool>()) {
            let r = replaces(a, "x", b, if same { "x" } else { "y" });
            match (a, b, same) {
                (_, _, true) => prop_assert!(r),
                (Some(a), Some(b), false) => prop_assert_eq!(r, a >= b),
                _ => prop_assert!(r),
            }
        }

        #[test]
        fn dedupe_keeps_one_per_key(v in proptest::collection::vec((0u8..10, any::<u16>()), 0..50), last in any::<bool>()) {
            let out = dedupe(v.clone(), last, |p| p.0);
            let keys: HashSet<u8> = v.iter().map(|p| p.0).collect();
            prop_assert_eq!(out.len(), keys.len());
            for (k, val) in &out {
                let expected = if last { v.iter().rev().find(|p| p.0 == *k) } else { v.iter().find(|p| p.0 == *k) };
                prop_assert_eq!(Some(val), expected.map(|p| &p.1));
            }
        }

        /// Importing what is stored changes nothing; importing into an empty
        /// scope inserts everything.
        #[test]
        fn packages_idempotent(names in proptest::collection::btree_set("[a-z]{1,6}", 0..30)) {
            let rows: Vec<PackageRow> = names.iter().map(|n| pkg(n, "1-r0", n, true)).collect();
            let first = plan_packages("v3.18", "main", "x86_64", rows.clone(), vec![]).unwrap();
            prop_assert_eq!(first.outcome.inserted as usize, rows.len());
            prop_assert_eq!(first.outcome.changed_origins.len(), rows.len());
            let again = plan_packages("v3.18", "main", "x86_64", rows.clone(), rows.clone()).unwrap();
            prop_assert_eq!(again.outcome.unchanged as usize, rows.len());
            prop_assert!(again.upsert.is_empty() && again.unpublish.is_empty());
            prop_assert!(again.outcome.changed_origins.is_empty());
        }
    }
}
