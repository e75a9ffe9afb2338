//! The engine's decisions on small constructed snapshots: one rule per test.
//! (Real data: crates/tracker/tests/real_data.rs.)

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use secfixes_apk::version::Scheme;
use secfixes_matcher::configuration::{PlatformRules, Truth};
use secfixes_matcher::{MappingRules, Snapshot, compute};
use secfixes_model::nvd::{Configuration, CpeMatch, Node};
use secfixes_model::osv::{OsvAffected, OsvEvent, OsvRange, OsvRangeKind};
use secfixes_model::{
    Decision, DecisionStatus, Evidence, Fix, FixKind, Justification, OriginPackage, RecordStatus,
    SourceKind, State, StateKind, VulnId, Vulnerability,
};

fn pkg(branch: &str, origin: &str, version: &str) -> OriginPackage {
    OriginPackage {
        branch: branch.into(),
        repo: "main".into(),
        origin: origin.into(),
        version: version.into(),
        other_versions: vec![],
        maintainer: None,
        binaries: vec![origin.into()],
    }
}

fn id(s: &str) -> VulnId {
    VulnId::new(s).unwrap()
}

/// An NVD record saying `cpe` is vulnerable below `end` (excluded).
fn nvd(cve: &str, cpe: &str, end: Option<&str>) -> Vulnerability {
    let mut v = Vulnerability::new(id(cve), SourceKind::Nvd);
    v.configurations.push(Configuration {
        nodes: vec![Node {
            cpe_match: vec![CpeMatch {
                vulnerable: true,
                criteria: cpe.into(),
                version_end_excluding: end.map(Into::into),
                ..CpeMatch::default()
            }],
            ..Node::default()
        }],
        ..Configuration::default()
    });
    v
}

fn fix(branch: &str, origin: &str, cve: &str, version: Option<&str>) -> Fix {
    Fix {
        branch: branch.into(),
        origin: origin.into(),
        vuln: id(cve),
        kind: version.map_or(FixKind::NotAffected, |v| FixKind::Fixed(v.into())),
        source: "aports".into(),
        location: Some(format!("{origin}/APKBUILD:10")),
        note: None,
    }
}

struct World {
    packages: Vec<OriginPackage>,
    vulns: Vec<Vulnerability>,
    fixes: Vec<Fix>,
    decisions: Vec<Decision>,
    schemes: BTreeMap<String, Scheme>,
}

impl World {
    fn new(packages: Vec<OriginPackage>) -> Self {
        Self {
            packages,
            vulns: vec![],
            fixes: vec![],
            decisions: vec![],
            schemes: BTreeMap::new(),
        }
    }

    fn run(&self) -> Vec<State> {
        let rules = MappingRules::defaults();
        let platform = PlatformRules::alpine();
        compute(&Snapshot {
            packages: &self.packages,
            vulns: &self.vulns,
            fixes: &self.fixes,
            decisions: &self.decisions,
            rules: &rules,
            platform: &platform,
            schemes: &self.schemes,
        })
    }
}

fn find<'a>(states: &'a [State], branch: &str, origin: &str, cve: &str) -> Option<&'a State> {
    states
        .iter()
        .find(|s| s.key.branch == branch && s.key.origin == origin && s.key.vuln.as_str() == cve)
}

#[test]
fn nvd_ranges_give_vulnerable_and_not_affected() {
    let mut w = World::new(vec![
        pkg("v3.18", "curl", "8.5.0-r0"),
        pkg("v3.17", "curl", "8.0.1-r0"),
    ]);
    w.vulns.push(nvd(
        "CVE-2023-38545",
        "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*",
        Some("8.4.0"),
    ));
    let s = w.run();
    assert_eq!(
        find(&s, "v3.17", "curl", "CVE-2023-38545").unwrap().kind,
        StateKind::Vulnerable
    );
    let newer = find(&s, "v3.18", "curl", "CVE-2023-38545").unwrap();
    assert_eq!(
        (newer.kind, newer.reason.as_deref()),
        (StateKind::NotAffected, Some("version-not-affected"))
    );
    assert!(
        matches!(&newer.evidence[0], Evidence::Nvd { outcome, .. } if outcome == "not-affected")
    );
}

#[test]
fn unbounded_name_matches_are_possibly_vulnerable() {
    let mut w = World::new(vec![pkg("v3.18", "curl", "8.5.0-r0")]);
    w.vulns.push(nvd(
        "CVE-2000-0001",
        "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*",
        None,
    ));
    let s = w.run();
    let st = find(&s, "v3.18", "curl", "CVE-2000-0001").unwrap();
    assert_eq!(
        (st.kind, st.reason.as_deref()),
        (StateKind::PossiblyVulnerable, Some("all-versions"))
    );
}

#[test]
fn fixes_decide_over_ranges_for_their_own_origin_and_branch_only() {
    let mut w = World::new(vec![
        pkg("v3.17", "openssl", "3.0.5-r0"),
        pkg("v3.17", "openssl1.1-compat", "1.1.1s-r0"),
        pkg("v3.16", "openssl1.1-compat", "1.1.1q-r0"),
    ]);
    // The bleed the old tracker had (secfixes-tracker.md §3.4): one record
    // names both series; only openssl1.1-compat recorded a fix.
    let mut v = nvd(
        "CVE-2022-3602",
        "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
        Some("3.0.7"),
    );
    v.configurations[0].nodes[0].cpe_match[0].version_start_including = Some("3.0.0".into());
    v.configurations[0].nodes[0].cpe_match.push(CpeMatch {
        vulnerable: true,
        criteria: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*".into(),
        version_end_excluding: Some("1.1.1s".into()),
        ..CpeMatch::default()
    });
    w.vulns.push(v);
    w.fixes.push(fix(
        "v3.17",
        "openssl1.1-compat",
        "CVE-2022-3602",
        Some("1.1.1s-r0"),
    ));
    let s = w.run();
    let compat = find(&s, "v3.17", "openssl1.1-compat", "CVE-2022-3602").unwrap();
    assert_eq!(
        (compat.kind, compat.fixed_version.as_deref()),
        (StateKind::Fixed, Some("1.1.1s-r0"))
    );
    let openssl = find(&s, "v3.17", "openssl", "CVE-2022-3602").unwrap();
    assert_eq!(
        openssl.kind,
        StateKind::Vulnerable,
        "a fix of another origin fixes nothing here"
    );
    let other_branch = find(&s, "v3.16", "openssl1.1-compat", "CVE-2022-3602").unwrap();
    assert_eq!(
        other_branch.kind,
        StateKind::Vulnerable,
        "a fix of another branch fixes nothing here"
    );
}

#[test]
fn a_fix_not_yet_published_is_vulnerable_with_its_version() {
    let mut w = World::new(vec![pkg("v3.18", "zlib", "1.2.13-r0")]);
    w.fixes
        .push(fix("v3.18", "zlib", "CVE-2023-45853", Some("1.2.13-r1")));
    let s = w.run();
    let st = find(&s, "v3.18", "zlib", "CVE-2023-45853").unwrap();
    assert_eq!(
        (st.kind, st.fixed_version.as_deref(), st.reason.as_deref()),
        (
            StateKind::Vulnerable,
            Some("1.2.13-r1"),
            Some("fix-not-published")
        )
    );
}

#[test]
fn zero_and_rejections_are_not_affected() {
    let mut w = World::new(vec![pkg("v3.18", "bind", "9.18.19-r0")]);
    w.vulns.push(nvd(
        "CVE-2019-6470",
        "cpe:2.3:a:isc:bind:*:*:*:*:*:*:*:*",
        Some("9.99"),
    ));
    w.fixes.push(fix("v3.18", "bind", "CVE-2019-6470", None));
    let mut rejected = fix("v3.18", "bind", "CVE-2019-6471", None);
    rejected.source = "rejections:v3.18/main:main.yaml".into();
    w.fixes.push(rejected);
    let s = w.run();
    let st = find(&s, "v3.18", "bind", "CVE-2019-6470").unwrap();
    assert_eq!(
        (st.kind, st.reason.as_deref()),
        (StateKind::NotAffected, Some("never-affected"))
    );
    let st = find(&s, "v3.18", "bind", "CVE-2019-6471").unwrap();
    assert_eq!(
        (st.kind, st.reason.as_deref()),
        (StateKind::NotAffected, Some("rejected"))
    );
}

#[test]
fn decisions_win_and_the_branch_specific_one_first() {
    let mut w = World::new(vec![
        pkg("v3.18", "curl", "8.0.0-r0"),
        pkg("v3.17", "curl", "8.0.0-r0"),
    ]);
    w.vulns.push(nvd(
        "CVE-2023-1",
        "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*",
        Some("8.4.0"),
    ));
    let decision = |id_: i64, branch: Option<&str>, status| Decision {
        id: id_,
        branch: branch.map(Into::into),
        origin: "curl".into(),
        vuln: id("CVE-2023-1"),
        status,
        justification: Some(Justification::VulnerableCodeNotPresent),
        statement: "built without the feature".into(),
        author: "maintainer@example.org".into(),
        at: jiff::Timestamp::from_second(1_700_000_000 + id_).unwrap(),
    };
    w.decisions
        .push(decision(1, None, DecisionStatus::NotAffected));
    w.decisions
        .push(decision(2, Some("v3.17"), DecisionStatus::Affected));
    let s = w.run();
    let st = find(&s, "v3.18", "curl", "CVE-2023-1").unwrap();
    assert_eq!(
        (st.kind, st.reason.as_deref()),
        (StateKind::NotAffected, Some("decision"))
    );
    assert!(matches!(&st.evidence[0], Evidence::Decision { id: 1, .. }));
    assert_eq!(
        find(&s, "v3.17", "curl", "CVE-2023-1").unwrap().kind,
        StateKind::Vulnerable
    );
}

#[test]
fn the_branch_version_order_decides_fixes() {
    // sudo 1.9.5p1 against the CVE-2021-3156 (Baron Samedit) fix in
    // 1.9.5p2: apk-tools 2 orders them; under apk-tools 3 both versions are
    // invalid and compare equal, which would call 1.9.5p1 fixed.
    let mut w = World::new(vec![pkg("v3.14", "sudo", "1.9.5p1-r0")]);
    w.fixes
        .push(fix("v3.14", "sudo", "CVE-2021-3156", Some("1.9.5p2-r0")));
    let s = w.run();
    assert_eq!(Scheme::for_branch("v3.14"), Scheme::Apk2);
    assert_eq!(
        find(&s, "v3.14", "sudo", "CVE-2021-3156").unwrap().kind,
        StateKind::Vulnerable
    );
    w.schemes.insert("v3.14".into(), Scheme::Apk3);
    let s = w.run();
    assert_eq!(
        find(&s, "v3.14", "sudo", "CVE-2021-3156").unwrap().kind,
        StateKind::Fixed
    );
}

#[test]
fn aliases_join_records_and_fixes_under_one_id() {
    let mut w = World::new(vec![pkg("v3.18", "py3-django", "4.2.1-r0")]);
    // An OSV record names the CVE as an alias; the fix is recorded under
    // the GHSA id.
    let mut osv = Vulnerability::new(id("GHSA-abcd-efgh-ijkl"), SourceKind::Osv);
    osv.aliases.push(id("CVE-2023-31047"));
    osv.osv_affected.push(OsvAffected {
        ecosystem: Some("PyPI".into()),
        name: Some("django".into()),
        purl: None,
        ranges: vec![OsvRange {
            kind: OsvRangeKind::Ecosystem,
            repo: None,
            events: vec![
                OsvEvent::Introduced("4.2".into()),
                OsvEvent::Fixed("4.2.2".into()),
            ],
        }],
        versions: vec![],
    });
    w.vulns.push(osv);
    w.vulns.push(nvd(
        "CVE-2023-31047",
        "cpe:2.3:a:djangoproject:django:*:*:*:*:*:*:*:*",
        Some("4.2.2"),
    ));
    w.fixes.push(fix(
        "v3.18",
        "py3-django",
        "GHSA-abcd-efgh-ijkl",
        Some("4.2.1-r0"),
    ));
    let s = w.run();
    assert_eq!(s.len(), 1, "one state, under the CVE id: {s:#?}");
    let st = &s[0];
    assert_eq!(
        (st.key.vuln.as_str(), st.kind),
        ("CVE-2023-31047", StateKind::Fixed)
    );
    assert!(
        st.evidence.iter().any(
            |e| matches!(e, Evidence::Fix { alias: Some(a), .. } if a == "GHSA-abcd-efgh-ijkl")
        )
    );
    assert!(
        st.evidence
            .iter()
            .any(|e| matches!(e, Evidence::Osv { .. }))
    );
}

#[test]
fn rejected_records_match_nothing() {
    let mut w = World::new(vec![pkg("v3.18", "curl", "8.0.0-r0")]);
    let mut v = nvd(
        "CVE-2023-2",
        "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*",
        Some("9.0"),
    );
    v.status = RecordStatus::Rejected;
    w.vulns.push(v);
    assert!(w.run().is_empty());
}

#[test]
fn versioned_origins_and_excluded_names() {
    let mut w = World::new(vec![
        pkg("v3.18", "ffmpeg4", "4.4.4-r2"),
        pkg("v3.18", "alpine-base", "3.18.5-r0"),
    ]);
    w.vulns.push(nvd(
        "CVE-2020-1",
        "cpe:2.3:a:ffmpeg:ffmpeg:*:*:*:*:*:*:*:*",
        Some("5.0"),
    ));
    w.vulns.push(nvd(
        "CVE-2020-2",
        "cpe:2.3:a:x:alpine-base:*:*:*:*:*:*:*:*",
        Some("99"),
    ));
    let s = w.run();
    assert_eq!(
        find(&s, "v3.18", "ffmpeg4", "CVE-2020-1").unwrap().kind,
        StateKind::Vulnerable
    );
    assert!(find(&s, "v3.18", "alpine-base", "CVE-2020-2").is_none());
}

#[test]
fn platform_conditions_rule_out_other_operating_systems() {
    let mut w = World::new(vec![pkg("v3.18", "curl", "8.0.0-r0")]);
    let mut v = nvd(
        "CVE-2016-0754",
        "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*",
        Some("9.0"),
    );
    v.configurations[0].operator = secfixes_model::nvd::Operator::And;
    v.configurations[0].nodes.push(Node {
        cpe_match: vec![CpeMatch {
            vulnerable: false,
            criteria: "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*".into(),
            ..CpeMatch::default()
        }],
        ..Node::default()
    });
    w.vulns.push(v);
    let s = w.run();
    assert_eq!(
        find(&s, "v3.18", "curl", "CVE-2016-0754").unwrap().kind,
        StateKind::NotAffected
    );
    // With a platform that knows nothing, the same record is undecidable.
    let rules = MappingRules::defaults();
    let s = compute(&Snapshot {
        packages: &w.packages,
        vulns: &w.vulns,
        fixes: &w.fixes,
        decisions: &w.decisions,
        rules: &rules,
        platform: &Truth::Unknown,
        schemes: &w.schemes,
    });
    assert_eq!(
        find(&s, "v3.18", "curl", "CVE-2016-0754").unwrap().kind,
        StateKind::PossiblyVulnerable
    );
}

#[test]
fn the_cna_decides_over_adp_containers() {
    use secfixes_model::cve5::{Container, CveAffected, CveVersion, VersionStatus};
    // The shape of CVE-2024-2004: the CNA lists 8.5.0 only with
    // defaultStatus unaffected; CISA's ADP entry says nothing decisive.
    let entry = |container, default_status, versions| CveAffected {
        container,
        vendor: Some("curl".into()),
        product: Some("curl".into()),
        collection_url: None,
        package_name: None,
        repo: None,
        cpes: vec![],
        platforms: vec![],
        default_status,
        versions,
    };
    let mut v = Vulnerability::new(id("CVE-2024-2004"), SourceKind::Cve5);
    v.cve_affected.push(entry(
        Container::Cna,
        Some(VersionStatus::Unaffected),
        vec![CveVersion {
            version: "8.5.0".into(),
            status: VersionStatus::Affected,
            version_type: Some("semver".into()),
            less_than: None,
            less_than_or_equal: Some("8.5.0".into()),
            changes: vec![],
        }],
    ));
    v.cve_affected.push(entry(
        Container::Adp(Some("CISA-ADP".into())),
        Some(VersionStatus::Unknown),
        vec![],
    ));
    let mut w = World::new(vec![
        pkg("v3.14", "curl", "7.78.0-r0"),
        pkg("v3.18", "curl", "8.5.0-r0"),
    ]);
    w.vulns.push(v);
    let s = w.run();
    let old = find(&s, "v3.14", "curl", "CVE-2024-2004").unwrap();
    assert_eq!(old.kind, StateKind::NotAffected, "{old:#?}");
    assert_eq!(
        find(&s, "v3.18", "curl", "CVE-2024-2004").unwrap().kind,
        StateKind::Vulnerable
    );
}

#[test]
fn criteria_differing_only_in_target_sw_are_evaluated_once_per_package() {
    // `curl` with target_sw `python` names both `py3-curl` and `curl`; with
    // `*` it names `curl`. Both give the same candidate for `curl`, whose
    // evidence used to list the same criteria twice.
    let mut w = World::new(vec![pkg("v3.18", "curl", "8.0.1-r0")]);
    let mut v = nvd(
        "CVE-2023-38545",
        "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*",
        Some("8.4.0"),
    );
    v.configurations[0].nodes[0].cpe_match.push(CpeMatch {
        vulnerable: true,
        criteria: "cpe:2.3:a:haxx:curl:*:*:*:*:*:python:*:*".into(),
        version_end_excluding: Some("8.4.0".into()),
        ..CpeMatch::default()
    });
    w.vulns.push(v);
    let s = w.run();
    let curl = find(&s, "v3.18", "curl", "CVE-2023-38545").unwrap();
    assert_eq!(curl.kind, StateKind::Vulnerable);
    let nvd_evidence = curl
        .evidence
        .iter()
        .filter(|e| matches!(e, Evidence::Nvd { .. }))
        .count();
    assert_eq!(nvd_evidence, 1, "{:#?}", curl.evidence);
}
