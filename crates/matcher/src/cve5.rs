//! Evaluating CVE JSON 5 `affected[]` entries against a package version.
//!
//! The schema's rule (vuln-formats.md §3.3): for each `versions[]` entry, a
//! single version applies when equal; a range applies when
//! `version <= v < lessThan` (or `<= lessThanOrEqual`), starting with its
//! status and then applying each `changes[]` entry whose `at <= v`, in
//! version order; the first entry that applies wins; otherwise
//! `defaultStatus`.
//!
//! One deliberate reading: when `defaultStatus` is absent (the schema then
//! says "unknown") but the entry enumerates versions or ranges that could all
//! be evaluated, a version outside all of them is read as unaffected. CNAs
//! that list affected ranges rarely set `defaultStatus`; reading its absence
//! as "unknown" would mark every other version possibly vulnerable forever.

use std::cmp::Ordering;

use secfixes_model::VersionOrder;
use secfixes_model::cve5::{CveAffected, CveVersion, VersionStatus};

use crate::outcome::Outcome;

/// Version strings that mean "no particular version".
fn is_unspecified(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v == "*"
        || v == "-"
        || v.eq_ignore_ascii_case("unspecified")
        || v.eq_ignore_ascii_case("n/a")
        || v.eq_ignore_ascii_case("all")
        || v.eq_ignore_ascii_case("unknown")
}

/// `v` against an upper bound that may be `*` (none) or end in `.*` (the
/// whole branch: `1.*` includes every `1.x`).
fn below_upper(v: &str, upper: &str, inclusive: bool, order: &dyn VersionOrder) -> Option<bool> {
    let upper = upper.trim();
    if upper == "*" {
        return Some(true);
    }
    if let Some(prefix) = upper.strip_suffix(".*").or_else(|| upper.strip_suffix('*')) {
        let prefix = prefix.trim_end_matches('.');
        if v == prefix || v.starts_with(&format!("{prefix}.")) {
            return Some(true);
        }
        return order.compare(v, prefix).map(|o| o == Ordering::Less);
    }
    order
        .compare(v, upper)
        .map(|o| o == Ordering::Less || (inclusive && o == Ordering::Equal))
}

/// A version entry in words, for evidence.
pub fn describe(ver: &CveVersion) -> String {
    let status = match ver.status {
        VersionStatus::Affected => "affected",
        VersionStatus::Unaffected => "unaffected",
        VersionStatus::Unknown => "unknown",
    };
    match (&ver.less_than, &ver.less_than_or_equal) {
        (Some(lt), _) => format!("{status}: >= {}, < {lt}", ver.version),
        (None, Some(le)) => format!("{status}: >= {}, <= {le}", ver.version),
        (None, None) => format!("{status}: = {}", ver.version),
    }
}

/// Applies one entry; `None` when it does not apply, `Some(Err(()))` when it
/// cannot be evaluated.
/// The upper bound of a version entry and whether it is inclusive
/// (`lessThan` wins over `lessThanOrEqual` when both are given).
fn upper_bound(ver: &CveVersion) -> Option<(&str, bool)> {
    ver.less_than
        .as_deref()
        .map(|u| (u, false))
        .or(ver.less_than_or_equal.as_deref().map(|u| (u, true)))
}

/// Whether the entry's `version` leaves the range open below (unspecified
/// or `0`).
fn open_below(ver: &CveVersion) -> bool {
    is_unspecified(&ver.version) || ver.version.trim() == "0"
}

fn apply(ver: &CveVersion, v: &str, order: &dyn VersionOrder) -> Option<Result<VersionStatus, ()>> {
    if ver
        .version_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("git"))
    {
        return Some(Err(()));
    }
    match upper_bound(ver) {
        None => {
            if is_unspecified(&ver.version) {
                // "every version has this status"
                return Some(Ok(ver.status));
            }
            match order.compare(v, &ver.version) {
                Some(Ordering::Equal) => Some(Ok(ver.status)),
                Some(_) => None,
                None => Some(Err(())),
            }
        }
        Some((upper, inclusive)) => {
            let lower_ok = if open_below(ver) {
                Some(true)
            } else {
                order.compare(v, &ver.version).map(|o| o != Ordering::Less)
            };
            let upper_ok = below_upper(v, upper, inclusive, order);
            match (lower_ok, upper_ok) {
                (Some(true), Some(true)) => {}
                (Some(false), _) | (_, Some(false)) => return None,
                _ => return Some(Err(())),
            }
            let mut changes: Vec<_> = ver.changes.iter().collect();
            // Changes must be sorted by version before use; unsortable ones
            // make the entry unknown rather than silently ignored.
            let mut unsortable = false;
            changes.sort_by(|a, b| {
                order.compare(&a.at, &b.at).unwrap_or_else(|| {
                    unsortable = true;
                    Ordering::Equal
                })
            });
            if unsortable {
                return Some(Err(()));
            }
            let mut status = ver.status;
            for c in changes {
                match order.compare(&c.at, v) {
                    Some(Ordering::Less | Ordering::Equal) => status = c.status,
                    Some(Ordering::Greater) => break,
                    None => return Some(Err(())),
                }
            }
            Some(Ok(status))
        }
    }
}

/// Evaluates one `affected[]` entry for the upstream version `v`; returns
/// the outcome and the version entry (in words) that decided it.
pub fn evaluate(entry: &CveAffected, v: &str, order: &dyn VersionOrder) -> (Outcome, String) {
    let mut unknown: Option<String> = None;
    for ver in &entry.versions {
        match apply(ver, v, order) {
            None => {}
            Some(Err(())) => {
                unknown.get_or_insert_with(|| describe(ver));
            }
            Some(Ok(status)) => {
                let upper = upper_bound(ver).map(|(u, _)| u.trim());
                let lower_specific = !open_below(ver);
                // Version information exists when there is a real upper
                // bound, a specific lower bound, or an exact version.
                let bounded = match upper {
                    Some("*") => lower_specific,
                    Some(_) => true,
                    None => !is_unspecified(&ver.version),
                };
                let outcome = match status {
                    VersionStatus::Affected if bounded => Outcome::Affected,
                    VersionStatus::Affected => Outcome::Unbounded,
                    VersionStatus::Unaffected => Outcome::NotAffected,
                    VersionStatus::Unknown => Outcome::Unknown,
                };
                return (outcome, describe(ver));
            }
        }
    }
    if let Some(what) = unknown {
        return (Outcome::Unknown, what);
    }
    match entry.default_status {
        Some(VersionStatus::Affected) => (Outcome::Unbounded, "defaultStatus: affected".into()),
        Some(VersionStatus::Unaffected) => {
            (Outcome::NotAffected, "defaultStatus: unaffected".into())
        }
        Some(VersionStatus::Unknown) => (Outcome::Unknown, "defaultStatus: unknown".into()),
        None if entry.versions.is_empty() => (Outcome::Unknown, "no versions".into()),
        None => (Outcome::NotAffected, "outside the listed versions".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::ApkOrder;
    use secfixes_model::cve5::{Container, VersionChange};

    fn entry(versions: Vec<CveVersion>, default_status: Option<VersionStatus>) -> CveAffected {
        CveAffected {
            container: Container::Cna,
            vendor: Some("apache".into()),
            product: Some("log4j".into()),
            collection_url: None,
            package_name: None,
            repo: None,
            cpes: vec![],
            platforms: vec![],
            default_status,
            versions,
        }
    }

    fn range(v: &str, lt: Option<&str>, le: Option<&str>, status: VersionStatus) -> CveVersion {
        CveVersion {
            version: v.into(),
            status,
            version_type: Some("semver".into()),
            less_than: lt.map(Into::into),
            less_than_or_equal: le.map(Into::into),
            changes: vec![],
        }
    }

    #[test]
    fn ranges_and_exact_versions() {
        use VersionStatus::*;
        let e = entry(vec![range("2.0.0", Some("2.15.0"), None, Affected)], None);
        assert_eq!(evaluate(&e, "2.14.1", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "2.15.0", &ApkOrder).0, Outcome::NotAffected);
        assert_eq!(evaluate(&e, "1.9", &ApkOrder).0, Outcome::NotAffected);
        let e = entry(vec![range("0", None, Some("1.2.3"), Affected)], None);
        assert_eq!(evaluate(&e, "1.2.3", &ApkOrder).0, Outcome::Affected);
        let e = entry(vec![range("1.5", None, None, Affected)], Some(Unaffected));
        assert_eq!(evaluate(&e, "1.5", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "1.6", &ApkOrder).0, Outcome::NotAffected);
    }

    #[test]
    fn changes_are_applied_in_version_order() {
        // The shape of Log4j's CNA entry: affected from 2.0-beta9, with
        // fixes on several branches given as changes (unsorted on purpose).
        let mut r = range("2.0-beta9", Some("2.15.0"), None, VersionStatus::Affected);
        r.changes = vec![
            VersionChange {
                at: "2.12.2".into(),
                status: VersionStatus::Unaffected,
            },
            VersionChange {
                at: "2.3.1".into(),
                status: VersionStatus::Unaffected,
            },
            VersionChange {
                at: "2.4".into(),
                status: VersionStatus::Affected,
            },
            VersionChange {
                at: "2.13.0".into(),
                status: VersionStatus::Affected,
            },
        ];
        let e = entry(vec![r], None);
        assert_eq!(evaluate(&e, "2.3.1", &ApkOrder).0, Outcome::NotAffected);
        assert_eq!(evaluate(&e, "2.3.0", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "2.12.3", &ApkOrder).0, Outcome::NotAffected);
        assert_eq!(evaluate(&e, "2.14.1", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "2.4.1", &ApkOrder).0, Outcome::Affected);
    }

    #[test]
    fn wildcards_and_unspecified() {
        use VersionStatus::*;
        let e = entry(vec![range("1.0", Some("1.*"), None, Affected)], None);
        assert_eq!(evaluate(&e, "1.9.9", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "2.0", &ApkOrder).0, Outcome::NotAffected);
        let e = entry(vec![range("unspecified", None, None, Affected)], None);
        assert_eq!(evaluate(&e, "3.0", &ApkOrder).0, Outcome::Unbounded);
        let e = entry(vec![range("0", Some("*"), None, Affected)], None);
        assert_eq!(evaluate(&e, "3.0", &ApkOrder).0, Outcome::Unbounded);
        let e = entry(vec![], Some(Affected));
        assert_eq!(evaluate(&e, "3.0", &ApkOrder).0, Outcome::Unbounded);
        let e = entry(vec![], None);
        assert_eq!(evaluate(&e, "3.0", &ApkOrder).0, Outcome::Unknown);
    }

    #[test]
    fn unknown_when_incomparable() {
        let e = entry(
            vec![range(
                "2021-01-01",
                Some("2022-01-01"),
                None,
                VersionStatus::Affected,
            )],
            None,
        );
        assert_eq!(evaluate(&e, "1.0", &ApkOrder).0, Outcome::Unknown);
        let mut git = range("abc123", Some("def456"), None, VersionStatus::Affected);
        git.version_type = Some("git".into());
        assert_eq!(
            evaluate(&entry(vec![git], None), "1.0", &ApkOrder).0,
            Outcome::Unknown
        );
    }

    #[test]
    fn unaffected_status_is_never_affected() {
        let e = entry(
            vec![range("1.0", Some("2.0"), None, VersionStatus::Unaffected)],
            None,
        );
        assert_eq!(evaluate(&e, "1.5", &ApkOrder).0, Outcome::NotAffected);
    }
}
