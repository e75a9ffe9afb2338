//! The `# secfixes:` parser on the real APKBUILDs of the shared corpus.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secfixes_apk::secdb::{EntryText, Header, Secdb};
use secfixes_apk::secfixes::{self, AssignedValue, SecfixesBlock};

/// (origin name, text) of every `<root>/<origin>/APKBUILD`, sorted.
fn apkbuilds(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in secfixes_testdata::files_with_suffix(dir, "APKBUILD") {
        let origin = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = std::fs::read(&path).unwrap();
        out.push((origin, String::from_utf8_lossy(&bytes).into_owned()));
    }
    out
}

fn branches() -> Vec<PathBuf> {
    let root = secfixes_testdata::path("aports");
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The derived secdb files were generated from these APKBUILDs; building
/// the document from our parse must give the same bytes.
#[test]
fn from_aports_reproduces_every_derived_file() {
    let mut checked = 0;
    for branch in branches() {
        let name = branch.file_name().unwrap().to_str().unwrap().to_owned();
        for repo in ["main", "community"] {
            let derived_path =
                secfixes_testdata::path(&format!("secdb/derived-from-aports/{name}/{repo}.json"));
            let derived_text = std::fs::read_to_string(&derived_path).unwrap();
            let derived = Secdb::from_json_str(&derived_text).unwrap();
            let parsed: Vec<(String, SecfixesBlock)> = apkbuilds(&branch.join(repo))
                .into_iter()
                .filter_map(|(origin, text)| secfixes::parse(&text).map(|b| (origin, b)))
                .collect();
            let header = Header {
                apkurl: derived.apkurl.clone(),
                archs: derived.archs.clone(),
                reponame: repo.to_owned(),
                urlprefix: derived.urlprefix.clone(),
                distroversion: derived.distroversion.clone(),
            };
            let built = Secdb::from_aports(
                header,
                parsed.iter().map(|(o, b)| (o.as_str(), b)),
                EntryText::Verbatim,
            )
            .unwrap();
            assert!(
                built.to_json() == derived_text,
                "{name}/{repo}: differs from the derived file"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 18);
}

/// What `alpinelinux/alpine-secdb:secfixes.lua` did: from the first line
/// matching `^# secfixes`, copy the following `#` lines with `^# ` replaced
/// by six spaces, under `  - pkg:` / `      name: <origin>`.
fn lua_yaml(repo: &str, apkbuilds: &[(String, String)], skip: &[&str]) -> String {
    let mut y = format!(
        "---\ndistroversion: x\nreponame: {repo}\narchs:\n  - x86_64\nurlprefix: u\napkurl: \"a\"\npackages:\n"
    );
    for (origin, text) in apkbuilds {
        if skip.contains(&origin.as_str()) {
            continue;
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let Some(start) = lines.iter().position(|l| l.starts_with("# secfixes")) else {
            continue;
        };
        y.push_str(&format!("  - pkg:\n      name: {origin}\n"));
        for l in lines[start..].iter().take_while(|l| l.starts_with('#')) {
            match l.strip_prefix("# ") {
                Some(rest) => y.push_str(&format!("      {rest}\n")),
                None => y.push_str(&format!("{l}\n")),
            }
        }
    }
    y
}

/// Reading the blocks as YAML, the way the official generator did, gives
/// the same keys (raw text: `0`, `2.1900`, `1.2023.10`) and the same values
/// as the parser — except for the blocks that break that YAML, which the
/// lint reports (firefox: `item-outside-version`; nrpe:
/// `header-trailing-text`; plantuml and py3-pdfminer: `malformed-header`).
#[test]
fn blocks_read_as_yaml_agree_with_the_parser() {
    let breaking: BTreeMap<(&str, &str), &[&str]> = [
        (("3.16-stable", "community"), &["firefox"][..]),
        (("3.17-stable", "main"), &["nrpe"][..]),
        (
            ("edge-2026-08-22", "community"),
            &["plantuml", "py3-pdfminer"][..],
        ),
    ]
    .into_iter()
    .collect();
    let mut packages = 0;
    // Plain YAML keys that a YAML loader types as numbers unless asked for
    // the text: `0` (an int) and `2.1900` (a float, 2.19).
    let (mut zero_keys, mut float_keys) = (0, 0);
    for branch in branches() {
        let name = branch.file_name().unwrap().to_str().unwrap().to_owned();
        for repo in ["main", "community"] {
            let all = apkbuilds(&branch.join(repo));
            let skip = breaking.get(&(name.as_str(), repo)).copied().unwrap_or(&[]);
            if !skip.is_empty() {
                assert!(
                    Secdb::from_yaml_str(&lua_yaml(repo, &all, &[])).is_err(),
                    "{name}/{repo}: expected the generator's YAML to break"
                );
            }
            let doc = Secdb::from_yaml_str(&lua_yaml(repo, &all, skip))
                .unwrap_or_else(|e| panic!("{name}/{repo}: {e}"));
            let by_name: BTreeMap<&str, SecfixesBlock> = all
                .iter()
                .filter_map(|(o, t)| Some(o.as_str()).zip(secfixes::parse(t)))
                .collect();
            for pkg in &doc.packages {
                packages += 1;
                let block = &by_name[pkg.name.as_str()];
                let ours: Vec<(&str, Vec<&str>)> = block
                    .entries
                    .iter()
                    .map(|e| {
                        (
                            e.version.as_str(),
                            e.items.iter().map(|i| i.yaml_value()).collect(),
                        )
                    })
                    .collect();
                let theirs: Vec<(&str, Vec<&str>)> = pkg
                    .secfixes
                    .iter()
                    .map(|e| {
                        (
                            e.version.as_str(),
                            e.fixes.iter().map(String::as_str).collect(),
                        )
                    })
                    .collect();
                assert_eq!(ours, theirs, "{name}/{repo}/{}", pkg.name);
                zero_keys += theirs.iter().filter(|(k, _)| *k == "0").count();
                float_keys += theirs.iter().filter(|(k, _)| *k == "2.1900").count();
            }
        }
    }
    // The 4,281 packages of the derived files, less firefox (3.16).
    assert_eq!(packages, 4_280);
    assert_eq!((zero_keys, float_keys), (191, 1));
}

#[test]
fn package_vars_over_every_apkbuild() {
    #[derive(Default, Debug, PartialEq, Eq)]
    struct Tally {
        literal: usize,
        unresolved: usize,
        missing: usize,
    }
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut name_is_dir = 0;
    let mut files = 0;
    let mut full_versions = 0;
    for branch in branches() {
        for (origin, text) in apkbuilds(&branch) {
            files += 1;
            let v = secfixes::package_vars(&text);
            for (var, a) in [
                ("pkgname", &v.pkgname),
                ("pkgver", &v.pkgver),
                ("pkgrel", &v.pkgrel),
            ] {
                let t = tallies.entry(var).or_default();
                match a.as_ref().map(|a| &a.value) {
                    Some(AssignedValue::Literal(_)) => t.literal += 1,
                    Some(AssignedValue::Unresolved(_)) => t.unresolved += 1,
                    None => t.missing += 1,
                }
            }
            if v.pkgname.as_ref().and_then(|a| a.value.literal()) == Some(origin.as_str()) {
                name_is_dir += 1;
            }
            if v.full_version()
                .is_some_and(|fv| secfixes_apk::version::validate(&fv))
            {
                full_versions += 1;
            }
        }
    }
    println!(
        "{files} files, {tallies:#?}, pkgname == directory: {name_is_dir}, valid pkgver-rpkgrel: {full_versions}"
    );
    assert_eq!(files, 16_448);
    // Unresolved: `pkgname=$_pkgname$_majorver`, `pkgver=${_pkgver/-/.}`,
    // `pkgrel=$(( _krel + _rel ))`; literal values may carry a comment
    // (`pkgver=2.28.2 # long-time support branch`).
    assert_eq!(
        tallies["pkgname"],
        Tally {
            literal: 16_342,
            unresolved: 106,
            missing: 0
        }
    );
    assert_eq!(
        tallies["pkgver"],
        Tally {
            literal: 16_381,
            unresolved: 67,
            missing: 0
        }
    );
    assert_eq!(
        tallies["pkgrel"],
        Tally {
            literal: 16_437,
            unresolved: 11,
            missing: 0
        }
    );
    // Every literal pkgname is its directory's name: the origin.
    assert_eq!(name_is_dir, 16_342);
    // The rest of the literal pairs are apk-tools 2 versions (`1.9.5p2`).
    assert_eq!(full_versions, 16_370);
}

/// The derived files' anomaly list (3.16-stable community: firefox's items
/// without a version line) is exactly the parser's orphan items there.
#[test]
fn orphan_items_match_the_derived_anomalies() {
    let text = std::fs::read_to_string(secfixes_testdata::path(
        "secdb/derived-from-aports/3.16-stable/community.anomalies.json",
    ))
    .unwrap();
    let anomalies: BTreeMap<String, Vec<String>> = serde_json::from_str(&text).unwrap();
    let mut ours: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let dir = secfixes_testdata::path("aports/3.16-stable/community");
    for (origin, text) in apkbuilds(&dir) {
        let Some(block) = secfixes::parse(&text) else {
            continue;
        };
        if !block.orphan_items.is_empty() {
            let lines: Vec<&str> = text.split('\n').collect();
            ours.insert(
                origin,
                block
                    .orphan_items
                    .iter()
                    .map(|i| lines[i.line - 1].to_owned())
                    .collect(),
            );
        }
    }
    assert_eq!(ours, anomalies);
    assert_eq!(ours["firefox"].len(), 13);
}
