//! The scan itself: installed packages × known fixes × available packages ×
//! tracker states → [`Report`]. See the crate docs for the rules.

use std::collections::{BTreeMap, HashMap, HashSet};

use secfixes_apk::annotate::IndexEntry;
use secfixes_apk::version::{Scheme, SchemedVersion};
use secfixes_apk::world::World;
use secfixes_model::{StateKind, VulnId};

use crate::fixes::{FixTable, OriginFixes};
use crate::installed::Installed;
use crate::report::{Availability, OpenVuln, PackageFinding, PendingFix, Report, Summary, Warning};
use crate::server::ServerState;

/// The packages one repository offers.
#[derive(Debug, Clone, Copy)]
pub struct AvailableRepo<'a> {
    /// The index path or URL.
    pub label: &'a str,
    /// The repository tag (packages of a tagged repository are only
    /// candidates for packages pinned to that tag).
    pub tag: Option<&'a str>,
    /// Its packages.
    pub entries: &'a [IndexEntry<'a>],
}

/// The tracker's answer.
#[derive(Debug, Clone, Copy)]
pub struct Tracker<'a> {
    /// The server URL, named as the source of fixes it adds.
    pub label: &'a str,
    /// The states of the installed origins.
    pub states: &'a [ServerState],
}

/// Everything a scan reads.
#[derive(Debug, Clone, Copy)]
pub struct ScanInput<'a> {
    /// The installed packages.
    pub installed: &'a [Installed],
    /// `etc/apk/world`, when known.
    pub world: Option<&'a World>,
    /// The known fixes (and the version order).
    pub fixes: &'a FixTable,
    /// The repositories' packages; `None` when no index was given
    /// (availability is then unknown).
    pub repos: Option<&'a [AvailableRepo<'a>]>,
    /// The tracker's states, when asked.
    pub tracker: Option<Tracker<'a>>,
    /// The branch of the system, when known (tracker states of other
    /// branches are ignored).
    pub branch: Option<&'a str>,
}

/// One pending id while a package is evaluated.
struct Pending {
    version: SchemedVersion,
    source: String,
}

/// Scans the system.
pub fn scan(input: &ScanInput<'_>) -> Report {
    let scheme = input.fixes.scheme();
    let candidates = input.repos.map(|repos| candidates(input.installed, repos));
    let mut states: HashMap<&str, Vec<&ServerState>> = HashMap::new();
    if let Some(t) = input.tracker {
        for s in t.states {
            if input.branch.is_none_or(|b| b == s.branch) {
                states.entry(s.origin.as_str()).or_default().push(s);
            }
        }
    }
    let no_fixes = OriginFixes::default();

    let mut summary = Summary {
        installed: input.installed.len(),
        ..Summary::default()
    };
    let mut packages = Vec::new();
    for p in input.installed {
        let known = input.fixes.origin(&p.origin);
        let origin_states = states.get(p.origin.as_str());
        if known.is_none() && origin_states.is_none() {
            summary.not_covered += 1;
            continue;
        }
        summary.covered += 1;
        let known = known.unwrap_or(&no_fixes);
        let tag = p
            .tag
            .as_deref()
            .or_else(|| input.world.and_then(|w| w.tag_of(&p.name)));
        let mut finding = PackageFinding {
            name: p.name.clone(),
            version: p.version.clone(),
            origin: p.origin.clone(),
            db_line: p.line,
            arch: p.arch.clone(),
            tag: tag.map(str::to_owned),
            in_world: input.world.is_some_and(|w| w.contains(&p.name)),
            fixed_version: None,
            available_version: None,
            availability: Availability::Unknown,
            fixes: Vec::new(),
            open: Vec::new(),
            cannot_evaluate: None,
        };
        let installed = match scheme.parse(&p.version) {
            Ok(v) => v,
            Err(e) => {
                finding.cannot_evaluate = Some(format!(
                    "installed version {:?} is not a valid {scheme} version: {e}",
                    p.version
                ));
                summary.cannot_evaluate += 1;
                packages.push(finding);
                continue;
            }
        };

        // Fixes of the secdb sources.
        let mut pending: BTreeMap<&VulnId, Pending> = BTreeMap::new();
        let mut contained: HashMap<&VulnId, &SchemedVersion> = HashMap::new();
        for f in &known.fixes {
            if installed < f.version {
                let source = input
                    .fixes
                    .sources()
                    .get(f.source)
                    .cloned()
                    .unwrap_or_default();
                match pending.get_mut(&f.id) {
                    Some(cur) if cur.version >= f.version => {}
                    Some(cur) => {
                        *cur = Pending {
                            version: f.version.clone(),
                            source,
                        }
                    }
                    None => {
                        pending.insert(
                            &f.id,
                            Pending {
                                version: f.version.clone(),
                                source,
                            },
                        );
                    }
                }
            } else {
                let e = contained.entry(&f.id).or_insert(&f.version);
                if *e < &f.version {
                    *e = &f.version;
                }
            }
        }

        // The tracker's states.
        if let (Some(t), Some(list)) = (input.tracker, origin_states) {
            for s in list {
                if s.state == StateKind::NotAffected || known.not_affected.contains(&s.vuln) {
                    continue;
                }
                let fixed = s
                    .fixed_version
                    .as_deref()
                    .and_then(|f| scheme.parse(f).ok());
                match fixed {
                    Some(f) if installed < f => {
                        pending.entry(&s.vuln).or_insert(Pending {
                            version: f,
                            source: t.label.to_owned(),
                        });
                    }
                    // Fixed at or below the installed version.
                    Some(_) => {}
                    None if s.state == StateKind::Fixed => {}
                    None => {
                        // The distribution's own record of a fix in the
                        // installed version wins over an open state.
                        if pending.contains_key(&s.vuln) || contained.contains_key(&s.vuln) {
                            continue;
                        }
                        if !finding.open.iter().any(|o| o.id == s.vuln) {
                            finding.open.push(OpenVuln {
                                id: s.vuln.clone(),
                                state: s.state,
                                repo: s.repo.clone(),
                                reason: s.reason.clone(),
                            });
                        }
                    }
                }
            }
        }
        if pending.is_empty() && finding.open.is_empty() {
            continue;
        }
        finding.open.sort_by(|a, b| a.id.cmp(&b.id));

        // Availability.
        let best = candidates
            .as_ref()
            .map(|c| best_available(c, &p.name, tag, input.repos.unwrap_or_default(), scheme));
        let mut order: Vec<(&VulnId, Pending)> = pending.into_iter().collect();
        order.sort_by(|a, b| a.1.version.cmp(&b.1.version).then_with(|| a.0.cmp(b.0)));
        finding.fixed_version = order.last().map(|(_, p)| p.version.as_str().to_owned());
        let mut available_count = 0;
        for (id, pend) in &order {
            let available = best
                .as_ref()
                .map(|b| b.as_ref().is_some_and(|b| *b >= pend.version));
            if available == Some(true) {
                available_count += 1;
            }
            finding.fixes.push(PendingFix {
                id: (*id).clone(),
                fixed_version: pend.version.as_str().to_owned(),
                partially_fixed_in: contained.get(id).map(|v| v.as_str().to_owned()),
                available,
                source: pend.source.clone(),
            });
        }
        finding.available_version = best
            .as_ref()
            .and_then(|b| b.as_ref())
            .map(|b| b.as_str().to_owned());
        finding.availability = match &best {
            None => Availability::Unknown,
            Some(None) => Availability::NotInRepositories,
            Some(Some(_)) if finding.fixes.is_empty() => Availability::Unknown,
            Some(Some(_)) if available_count == finding.fixes.len() => Availability::UpgradableNow,
            Some(Some(_)) if available_count > 0 => Availability::Partial,
            Some(Some(_)) => Availability::NotYetPublished,
        };

        if !finding.fixes.is_empty() {
            summary.fixable_packages += 1;
            summary.fixable += finding.fixes.len();
            if finding.availability == Availability::UpgradableNow {
                summary.upgradable_now += 1;
            }
        }
        summary.open += finding.open.len();
        packages.push(finding);
    }
    packages.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| scheme.compare(&a.version, &b.version))
    });
    let ids: HashSet<&VulnId> = packages
        .iter()
        .flat_map(|p| p.fixes.iter().map(|f| &f.id))
        .collect();
    summary.fixable_ids = ids.len();

    Report {
        branch: input.branch.map(str::to_owned),
        version_scheme: scheme.as_str().to_owned(),
        sources: input.fixes.sources().to_vec(),
        packages,
        warnings: input.fixes.warnings().to_vec(),
        summary,
    }
}

/// For each installed name, the (repository index, version) pairs the
/// repositories offer.
fn candidates<'a>(
    installed: &[Installed],
    repos: &[AvailableRepo<'a>],
) -> HashMap<&'a str, Vec<(usize, &'a str)>> {
    let names: HashSet<&str> = installed.iter().map(|p| p.name.as_str()).collect();
    let mut out: HashMap<&'a str, Vec<(usize, &'a str)>> = HashMap::with_capacity(names.len());
    for (i, r) in repos.iter().enumerate() {
        for e in r.entries {
            if names.contains(e.name) {
                out.entry(e.name).or_default().push((i, e.version));
            }
        }
    }
    out
}

/// The best valid version of `name` in the repositories allowed for a
/// package pinned to `tag` (untagged repositories always; tagged ones only
/// for their tag: `apk_db_get_pinning_mask_repos` with the default mask and
/// the package's pin).
fn best_available(
    candidates: &HashMap<&str, Vec<(usize, &str)>>,
    name: &str,
    tag: Option<&str>,
    repos: &[AvailableRepo<'_>],
    scheme: Scheme,
) -> Option<SchemedVersion> {
    let list = candidates.get(name)?;
    list.iter()
        .filter(|(i, _)| {
            repos
                .get(*i)
                .is_some_and(|r| r.tag.is_none() || r.tag == tag)
        })
        .filter_map(|(_, v)| scheme.parse(v).ok())
        .max()
}

/// A warning for each unreadable record of the installed database.
pub fn installed_warnings(errors: &[secfixes_apk::stanza::StanzaError]) -> Vec<Warning> {
    errors
        .iter()
        .map(|e| Warning::InstalledRecord {
            message: e.to_string(),
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use secfixes_apk::secdb::Secdb;

    fn pkg(name: &str, version: &str, origin: &str, tag: Option<&str>) -> Installed {
        Installed {
            name: name.into(),
            version: version.into(),
            origin: origin.into(),
            arch: None,
            tag: tag.map(Into::into),
            line: 1,
        }
    }

    fn table() -> FixTable {
        // intel-ucode really lists CVE-2020-8698 under three keys (3.14-stable):
        // each microcode release fixed more processors.
        let db = Secdb::from_json_str(
            r#"{"apkurl":"a","archs":[],"reponame":"main","urlprefix":"u","distroversion":"v3.14","packages":[
                {"pkg":{"name":"intel-ucode","secfixes":{"20210216-r0":["CVE-2020-8698"],"20201112-r0":["CVE-2020-8698"],"20201110-r0":["CVE-2020-8698 CVE-2020-8694"]}}},
                {"pkg":{"name":"curl","secfixes":{"7.79.1-r0":["CVE-2021-22945"],"7.80.0-r0":["CVE-2021-22947"],"0":["CVE-2021-22897"]}}}]}"#,
        )
        .unwrap();
        let mut t = FixTable::new(Scheme::Apk2);
        t.add_secdb("main.json", &db);
        t
    }

    fn entry<'a>(name: &'a str, version: &'a str, origin: &'a str) -> IndexEntry<'a> {
        IndexEntry {
            name,
            version,
            origin,
            line: 1,
        }
    }

    #[test]
    fn an_id_listed_twice_stays_pending_until_the_last_fix() {
        let t = table();
        let installed = [pkg("intel-ucode", "20201112-r0", "intel-ucode", None)];
        let r = scan(&ScanInput {
            installed: &installed,
            world: None,
            fixes: &t,
            repos: None,
            tracker: None,
            branch: None,
        });
        let f = &r.packages[0].fixes;
        assert_eq!(f.len(), 1, "CVE-2020-8694 (20201110-r0) is fixed");
        assert_eq!(
            (f[0].id.as_str(), f[0].fixed_version.as_str()),
            ("CVE-2020-8698", "20210216-r0")
        );
        assert_eq!(f[0].partially_fixed_in.as_deref(), Some("20201112-r0"));
        assert_eq!(f[0].source, "main.json");
    }

    #[test]
    fn partial_availability_and_tags() {
        let t = table();
        let installed = [
            pkg("curl", "7.79.0-r0", "curl", None),
            pkg("libcurl", "7.79.0-r0", "curl", Some("edge")),
        ];
        let main = [
            entry("curl", "7.79.1-r0", "curl"),
            entry("libcurl", "7.79.1-r0", "curl"),
        ];
        let edge = [
            entry("curl", "7.80.0-r0", "curl"),
            entry("libcurl", "7.80.0-r0", "curl"),
        ];
        let repos = [
            AvailableRepo {
                label: "main",
                tag: None,
                entries: &main,
            },
            AvailableRepo {
                label: "edge",
                tag: Some("edge"),
                entries: &edge,
            },
        ];
        let r = scan(&ScanInput {
            installed: &installed,
            world: None,
            fixes: &t,
            repos: Some(&repos),
            tracker: None,
            branch: None,
        });
        // curl is not pinned: the @edge repository is not a candidate.
        let curl = &r.packages[0];
        assert_eq!(curl.availability, Availability::Partial);
        assert_eq!(curl.available_version.as_deref(), Some("7.79.1-r0"));
        let avail: Vec<_> = curl
            .fixes
            .iter()
            .map(|f| (f.id.as_str(), f.available))
            .collect();
        assert_eq!(
            avail,
            [
                ("CVE-2021-22945", Some(true)),
                ("CVE-2021-22947", Some(false))
            ]
        );
        // libcurl is pinned to @edge: 7.80.0-r0 has both fixes.
        let lib = &r.packages[1];
        assert_eq!(
            (lib.availability, lib.available_version.as_deref()),
            (Availability::UpgradableNow, Some("7.80.0-r0"))
        );
        assert_eq!(lib.tag.as_deref(), Some("edge"));
        assert_eq!(r.summary.upgradable_now, 1);
        assert_eq!(r.summary.fixable_ids, 2);
        // Not in any repository.
        let gone = [pkg("curl", "7.79.0-r0", "curl", None)];
        let empty: [IndexEntry<'_>; 0] = [];
        let repos = [AvailableRepo {
            label: "main",
            tag: None,
            entries: &empty,
        }];
        let r = scan(&ScanInput {
            installed: &gone,
            world: None,
            fixes: &t,
            repos: Some(&repos),
            tracker: None,
            branch: None,
        });
        assert_eq!(r.packages[0].availability, Availability::NotInRepositories);
        assert!(
            r.packages[0]
                .fixes
                .iter()
                .all(|f| f.available == Some(false))
        );
    }

    fn state(origin: &str, vuln: &str, state: StateKind, fixed: Option<&str>) -> ServerState {
        ServerState {
            branch: "v3.14".into(),
            repo: "main".into(),
            origin: origin.into(),
            vuln: VulnId::new(vuln).unwrap(),
            state,
            version: Some("7.80.0-r0".into()),
            fixed_version: fixed.map(Into::into),
            reason: None,
        }
    }

    #[test]
    fn tracker_states() {
        let t = table();
        let installed = [
            pkg("curl", "7.79.1-r0", "curl", None),
            pkg("zsh", "5.8-r0", "zsh", None),
        ];
        let states = [
            // Open, no fix: reported.
            state("curl", "CVE-2023-0001", StateKind::Vulnerable, None),
            state("zsh", "CVE-2023-0002", StateKind::PossiblyVulnerable, None),
            // Already pending from the secdb: not repeated as open.
            state("curl", "CVE-2021-22947", StateKind::Vulnerable, None),
            // Fixed by the installed version per the secdb.
            state("curl", "CVE-2021-22945", StateKind::Vulnerable, None),
            // Not affected per the secdb `0` key.
            state("curl", "CVE-2021-22897", StateKind::Vulnerable, None),
            // A fix the tracker knows and the secdb does not: pending.
            state("curl", "CVE-2023-0003", StateKind::Fixed, Some("7.88.0-r0")),
            // Fixed at or below the installed version: nothing.
            state("curl", "CVE-2023-0004", StateKind::Fixed, Some("7.79.0-r0")),
            state("curl", "CVE-2023-0005", StateKind::NotAffected, None),
            // Another branch: ignored.
            ServerState {
                branch: "edge".into(),
                ..state("curl", "CVE-2023-0006", StateKind::Vulnerable, None)
            },
        ];
        let r = scan(&ScanInput {
            installed: &installed,
            world: None,
            fixes: &t,
            repos: None,
            tracker: Some(Tracker {
                label: "http://tracker",
                states: &states,
            }),
            branch: Some("v3.14"),
        });
        let curl = &r.packages[0];
        let pending: Vec<_> = curl
            .fixes
            .iter()
            .map(|f| (f.id.as_str(), f.fixed_version.as_str(), f.source.as_str()))
            .collect();
        assert_eq!(
            pending,
            [
                ("CVE-2021-22947", "7.80.0-r0", "main.json"),
                ("CVE-2023-0003", "7.88.0-r0", "http://tracker")
            ]
        );
        let open: Vec<_> = curl.open.iter().map(|o| (o.id.as_str(), o.state)).collect();
        assert_eq!(open, [("CVE-2023-0001", StateKind::Vulnerable)]);
        // zsh is in no secdb but the tracker knows it.
        let zsh = &r.packages[1];
        assert!(zsh.fixes.is_empty());
        assert_eq!(zsh.open[0].state, StateKind::PossiblyVulnerable);
        assert_eq!(r.summary.open, 2);
        assert_eq!(r.summary.covered, 2);
        assert!(r.has_open());
    }
}
