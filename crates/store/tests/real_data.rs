//! The store on the real corpus: every Alpine APKINDEX of the shared data
//! (90k packages), every derived secdb file (47k fixes) and three versions
//! of the CISA KEV catalog, on both backends. Expected counts and changes are
//! computed here straight from the files, independently of the store.
//!
//! The readers are deliberately minimal (the real parsers live in
//! `secfixes-apk` and `secfixes-feeds`): they only extract what the store
//! keeps.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use common::import;
use secfixes_store::rows::{FixRow, FixScope, KevRow, OriginKey, PackageRow, Payload};
use secfixes_store::{AnyStore, Store};

backend_tests!(real_indexes_secdb_and_kev);

/// `(branch, repo, arch)` and the packages of one APKINDEX.tar.gz.
fn read_apkindex(path: &Path) -> ((String, String, String), Vec<PackageRow>) {
    let root = secfixes_testdata::path("apkindex");
    let rel = path.strip_prefix(&root).unwrap();
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let (branch, repo, arch) = (parts[0].clone(), parts[1].clone(), parts[2].clone());
    let gz = flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap());
    let mut archive = tar::Archive::new(gz);
    let mut text = String::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().as_os_str() == "APKINDEX" {
            entry.read_to_string(&mut text).unwrap();
        }
    }
    assert!(!text.is_empty(), "no APKINDEX in {}", path.display());
    let mut out = Vec::new();
    for stanza in text.split("\n\n").filter(|s| !s.trim().is_empty()) {
        let field = |k: char| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(k)?.strip_prefix(':').map(str::to_owned))
        };
        let name = field('P').unwrap();
        out.push(PackageRow {
            branch: branch.clone(),
            repo: repo.clone(),
            arch: arch.clone(),
            origin: field('o').unwrap_or_else(|| name.clone()),
            version: field('V').unwrap(),
            name,
            maintainer: field('m'),
            build_time: field('t').map(|t| t.parse().unwrap()),
            commit: field('c'),
            published: true,
        });
    }
    ((branch, repo, arch), out)
}

/// The fix rows of one derived secdb JSON file.
fn read_secdb(path: &Path, source: &str) -> Vec<FixRow> {
    let doc: serde_json::Value =
        serde_json::from_reader(std::fs::File::open(path).unwrap()).unwrap();
    let branch = doc["distroversion"].as_str().unwrap();
    let mut out = Vec::new();
    for p in doc["packages"].as_array().unwrap() {
        let origin = p["pkg"]["name"].as_str().unwrap();
        for (version, ids) in p["pkg"]["secfixes"].as_object().unwrap() {
            for entry in ids.as_array().unwrap() {
                let entry = entry.as_str().unwrap().trim();
                let (id, note) = match entry.split_once(char::is_whitespace) {
                    Some((id, note)) => (id, Some(note.trim().to_owned())),
                    None => (entry, None),
                };
                out.push(FixRow {
                    branch: branch.to_owned(),
                    origin: origin.to_owned(),
                    vuln_id: id.to_owned(),
                    version: version.clone(),
                    kind: if version == "0" {
                        "not-affected"
                    } else {
                        "fixed"
                    }
                    .to_owned(),
                    source: source.to_owned(),
                    location: None,
                    note,
                });
            }
        }
    }
    out
}

/// KEV rows by id of one catalog file.
fn read_kev(path: &Path) -> BTreeMap<String, String> {
    let doc: serde_json::Value =
        serde_json::from_reader(std::fs::File::open(path).unwrap()).unwrap();
    doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["cveID"].as_str().unwrap().to_owned(), v.to_string()))
        .collect()
}

type Key = (String, String); // (name, version)

fn by_key(rows: &[PackageRow]) -> BTreeMap<Key, &PackageRow> {
    rows.iter()
        .map(|p| ((p.name.clone(), p.version.clone()), p))
        .collect()
}

fn origins(rows: &[PackageRow]) -> BTreeMap<&str, BTreeSet<(&str, &str)>> {
    let mut m: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    for p in rows {
        m.entry(&p.origin)
            .or_default()
            .insert((&p.name, &p.version));
    }
    m
}

async fn real_indexes_secdb_and_kev(store: AnyStore) {
    // APKINDEX: every Alpine index (the Wolfi sample too), the older of the
    // two v3.10/main/armv7 indexes first.
    let mut files: Vec<PathBuf> = secfixes_testdata::files_with_suffix(
        &secfixes_testdata::path("apkindex"),
        "APKINDEX.tar.gz",
    );
    assert_eq!(files.len(), 14);
    files.sort_by_key(|p| !p.to_string_lossy().contains("495512b9")); // stable: older first
    let mut latest: BTreeMap<(String, String, String), Vec<PackageRow>> = BTreeMap::new();
    let mut ever: BTreeSet<(String, String, String, String, String)> = BTreeSet::new();
    let mut second_import = None;
    for file in &files {
        let (scope, rows) = read_apkindex(file);
        let name = format!("apkindex:{}/{}/{}", scope.0, scope.1, scope.2);
        let o = store
            .import(import(
                &name,
                "apkindex",
                common::packages(&scope.0, &scope.1, &scope.2, rows.clone()),
            ))
            .await
            .unwrap();
        let unique = by_key(&rows);
        if let Some(previous) = latest.get(&scope) {
            // The same scope again: check the outcome against a diff made here.
            let old = by_key(previous);
            let inserted = unique.keys().filter(|k| !old.contains_key(*k)).count();
            let removed = old.keys().filter(|k| !unique.contains_key(*k)).count();
            let updated = unique
                .iter()
                .filter(|(k, p)| old.get(*k).is_some_and(|o| o != *p))
                .count();
            let (before, after) = (origins(previous), origins(&rows));
            let all: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
            let changed: Vec<OriginKey> = all
                .into_iter()
                .filter(|o| before.get(o) != after.get(o))
                .map(|o| OriginKey {
                    branch: scope.0.clone(),
                    repo: scope.1.clone(),
                    origin: o.to_owned(),
                })
                .collect();
            assert_eq!(
                (o.inserted as usize, o.updated as usize, o.removed as usize),
                (inserted, updated, removed),
                "{name}"
            );
            assert_eq!(o.unchanged as usize, unique.len() - inserted - updated);
            assert_eq!(o.changed_origins, changed, "{name}");
            assert!(inserted > 0 && removed > 0, "the two v3.10 indexes differ");
            second_import = Some(o);
        } else {
            assert_eq!(o.inserted as usize, unique.len(), "{name}");
        }
        for p in &rows {
            ever.insert((
                p.branch.clone(),
                p.repo.clone(),
                p.arch.clone(),
                p.name.clone(),
                p.version.clone(),
            ));
        }
        latest.insert(scope, rows);
    }
    assert!(
        second_import.is_some(),
        "v3.10/main/armv7 was imported twice"
    );
    let published = store.packages(true).await.unwrap();
    let expected: usize = latest.values().map(|rows| by_key(rows).len()).sum();
    assert_eq!(published.len(), expected);
    assert!(expected > 80_000, "{expected}");
    let all = store.packages(false).await.unwrap();
    assert_eq!(all.len(), ever.len(), "unpublished versions are kept");
    let stored: BTreeSet<_> = all
        .iter()
        .map(|p| {
            (
                p.branch.clone(),
                p.repo.clone(),
                p.arch.clone(),
                p.name.clone(),
                p.version.clone(),
            )
        })
        .collect();
    assert_eq!(stored, ever);
    let branches = store.branches().await.unwrap();
    assert_eq!(
        branches,
        [
            "v3.18",
            "v3.17",
            "v3.16",
            "v3.14",
            "v3.12",
            "v3.10",
            "wolfi-local-build-sample"
        ]
    );
    // Re-importing every latest index changes nothing.
    for (scope, rows) in &latest {
        let name = format!("apkindex:{}/{}/{}", scope.0, scope.1, scope.2);
        let o = store
            .import(import(
                &name,
                "apkindex",
                common::packages(&scope.0, &scope.1, &scope.2, rows.clone()),
            ))
            .await
            .unwrap();
        assert_eq!(o.inserted + o.updated + o.removed, 0, "{name}");
        assert!(o.changed_origins.is_empty());
    }

    // secdb: every derived file is one source.
    let root = secfixes_testdata::path("secdb/derived-from-aports");
    let secdb: Vec<PathBuf> = secfixes_testdata::files_with_suffix(&root, ".json")
        .into_iter()
        .filter(|p| {
            !p.to_string_lossy().contains("anomalies") && p.file_name().unwrap() != "summary.json"
        })
        .collect();
    assert_eq!(secdb.len(), 18);
    let mut total = 0;
    let mut sources = Vec::new();
    for file in &secdb {
        let source = format!("secdb:{}", file.strip_prefix(&root).unwrap().display());
        let rows = read_secdb(file, &source);
        let unique: BTreeSet<_> = rows
            .iter()
            .map(|f| (&f.branch, &f.origin, &f.vuln_id, &f.kind, &f.version))
            .collect();
        let o = store
            .import(import(&source, "secdb", Payload::Fixes(rows.clone())))
            .await
            .unwrap();
        assert_eq!(o.inserted as usize, unique.len(), "{source}");
        total += unique.len();
        sources.push((source, rows));
    }
    assert!(total > 45_000, "{total}");
    let fixes = store.fixes().await.unwrap();
    assert_eq!(fixes.len(), total);
    assert!(
        fixes
            .iter()
            .any(|f| f.note.as_deref() == Some("# (only affect windows)"))
    );
    for (source, rows) in &sources {
        let o = store
            .import(import(source, "secdb", Payload::Fixes(rows.clone())))
            .await
            .unwrap();
        assert!(
            o.changed_fixes.is_empty() && o.inserted + o.removed == 0,
            "{source}"
        );
    }
    // Dropping one package from one source changes exactly its fixes.
    let (source, rows) = &sources[0];
    let gone = rows[0].origin.clone();
    let fewer: Vec<FixRow> = rows.iter().filter(|f| f.origin != gone).cloned().collect();
    let o = store
        .import(import(source, "secdb", Payload::Fixes(fewer)))
        .await
        .unwrap();
    assert_eq!(
        o.changed_fixes,
        vec![FixScope {
            branch: rows[0].branch.clone(),
            origin: gone.clone()
        }]
    );
    assert_eq!(
        store.fixes().await.unwrap().len() as u64,
        total as u64 - o.removed
    );

    // KEV: the two historical catalogs, then the current one.
    let kev_dir = secfixes_testdata::path("kev");
    let mut catalogs = secfixes_testdata::files_with_suffix(&kev_dir.join("history"), ".json");
    catalogs.push(kev_dir.join("known_exploited_vulnerabilities.json"));
    assert_eq!(catalogs.len(), 3);
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    for file in &catalogs {
        let now = read_kev(file);
        let rows: Vec<KevRow> = now
            .iter()
            .map(|(id, data)| KevRow {
                id: id.clone(),
                data: data.clone(),
            })
            .collect();
        let o = store
            .import(import("kev:cisa", "kev", Payload::Kev(rows)))
            .await
            .unwrap();
        let ids: BTreeSet<&String> = now.keys().chain(previous.keys()).collect();
        let changed: Vec<String> = ids
            .into_iter()
            .filter(|id| now.get(*id) != previous.get(*id))
            .cloned()
            .collect();
        assert_eq!(o.changed_ids, changed, "{}", file.display());
        assert!(!changed.is_empty());
        let keys: Vec<String> = now.keys().cloned().collect();
        let stored = store.kev(&keys).await.unwrap();
        assert_eq!(stored.len(), now.len());
        assert!(stored.iter().all(|k| now.get(&k.id) == Some(&k.data)));
        previous = now;
    }
    assert!(previous.len() > 1000);
}
