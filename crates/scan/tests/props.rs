//! Properties of the scan against a naive oracle written from the rules.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use secfixes_apk::annotate::IndexEntry;
use secfixes_apk::secdb::{SecdbPackage, SecfixEntry};
use secfixes_apk::version::Scheme;
use secfixes_scan::{Availability, AvailableRepo, FixTable, Installed, ScanInput, scan};

fn version() -> impl Strategy<Value = String> {
    (
        1u8..4,
        0u8..4,
        prop_oneof![Just(""), Just("_rc1"), Just("_p1"), Just("a")],
        0u8..3,
    )
        .prop_map(|(a, b, s, r)| format!("{a}.{b}{s}-r{r}"))
}

fn secdb(keys: &[(String, Vec<u8>)]) -> secfixes_apk::secdb::Secdb {
    let secfixes = keys
        .iter()
        .map(|(k, ids)| SecfixEntry {
            version: k.clone(),
            fixes: ids
                .iter()
                .map(|i| format!("CVE-2024-{:04}", 1000 + u32::from(*i)))
                .collect(),
        })
        .collect();
    secfixes_apk::secdb::Secdb {
        apkurl: String::new(),
        archs: Vec::new(),
        reponame: "main".into(),
        urlprefix: String::new(),
        distroversion: Some("v3.18".into()),
        packages: vec![SecdbPackage {
            name: "foo".into(),
            secfixes,
        }],
    }
}

proptest! {
    /// An id is pending iff some key listing it is above the installed
    /// version, with the highest such key as its fixed version; a fix is
    /// available iff the best offered version reaches it.
    #[test]
    fn pending_fixes_match_the_oracle(
        installed in version(),
        keys in proptest::collection::vec((prop_oneof![version(), Just("0".to_owned())], proptest::collection::vec(0u8..6, 1..3)), 0..6),
        offered in proptest::collection::vec(version(), 0..3),
        scheme in prop_oneof![Just(Scheme::Apk2), Just(Scheme::Apk3)],
    ) {
        let mut table = FixTable::new(scheme);
        table.add_secdb("s", &secdb(&keys));
        let pkgs = [Installed { name: "libfoo".into(), version: installed.clone(), origin: "foo".into(), arch: None, tag: None, line: 1 }];
        let entries: Vec<IndexEntry<'_>> = offered.iter().map(|v| IndexEntry { name: "libfoo", version: v, origin: "foo", line: 1 }).collect();
        let repos = [AvailableRepo { label: "i", tag: None, entries: &entries }];
        let r = scan(&ScanInput { installed: &pkgs, world: None, fixes: &table, repos: Some(&repos), tracker: None, branch: None });

        let ord = |a: &str, b: &str| scheme.compare(a, b);
        let mut oracle: BTreeMap<String, String> = BTreeMap::new();
        for (k, ids) in &keys {
            if k == "0" || !scheme.validate(k) || ord(&installed, k).is_ge() {
                continue;
            }
            for i in ids {
                let id = format!("CVE-2024-{:04}", 1000 + u32::from(*i));
                let e = oracle.entry(id).or_insert_with(|| k.clone());
                if ord(e, k).is_lt() {
                    *e = k.clone();
                }
            }
        }
        let best = offered.iter().filter(|v| scheme.validate(v)).max_by(|a, b| ord(a, b));
        let got: BTreeMap<String, String> = r
            .packages
            .iter()
            .flat_map(|p| p.fixes.iter().map(|f| (f.id.as_str().to_owned(), f.fixed_version.clone())))
            .collect();
        // Equal fixed versions may be spelled differently (`1.0-r0` = `1.0-r00`
        // cannot occur here, so text equality is the order's equality).
        prop_assert_eq!(&got, &oracle);
        if let Some(p) = r.packages.first() {
            for f in &p.fixes {
                let want = best.is_some_and(|b| ord(b, &f.fixed_version).is_ge());
                prop_assert_eq!(f.available, Some(want));
            }
            if best.is_none() {
                prop_assert_eq!(p.availability, Availability::NotInRepositories);
            }
            prop_assert_eq!(p.fixed_version.as_deref(), oracle.values().max_by(|a, b| ord(a, b)).map(String::as_str));
        } else {
            prop_assert!(oracle.is_empty());
        }
    }
}
