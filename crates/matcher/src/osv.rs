//! Evaluating OSV `affected[]` entries against a package version.
//!
//! OSV's algorithm: a version is affected when it is listed in `versions`,
//! or when, walking a range's events in version order, the last `introduced`
//! at or below it is not followed by a `fixed` at or below it (nor by a
//! `last_affected` below it). `introduced: "0"` is the beginning of time.
//! `GIT` ranges compare commits, which a package version cannot be compared
//! with: they are "unknown" unless `versions` decides.

use std::cmp::Ordering;

use secfixes_model::VersionOrder;
use secfixes_model::osv::{OsvAffected, OsvEvent, OsvRangeKind};

use crate::outcome::Outcome;

fn event_version(e: &OsvEvent) -> &str {
    match e {
        OsvEvent::Introduced(v)
        | OsvEvent::Fixed(v)
        | OsvEvent::LastAffected(v)
        | OsvEvent::Limit(v) => v,
    }
}

fn cmp_event(a: &str, b: &str, order: &dyn VersionOrder) -> Option<Ordering> {
    match (a == "0", b == "0") {
        (true, true) => Some(Ordering::Equal),
        (true, false) => Some(Ordering::Less),
        (false, true) => Some(Ordering::Greater),
        (false, false) => order.compare(a, b),
    }
}

/// The events of a range in words, for evidence.
pub fn describe(events: &[OsvEvent]) -> String {
    events
        .iter()
        .map(|e| match e {
            OsvEvent::Introduced(v) => format!("introduced {v}"),
            OsvEvent::Fixed(v) => format!("fixed {v}"),
            OsvEvent::LastAffected(v) => format!("last_affected {v}"),
            OsvEvent::Limit(v) => format!("limit {v}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Evaluates one range's events for version `v`.
fn range_affects(events: &[OsvEvent], v: &str, order: &dyn VersionOrder) -> Option<bool> {
    let mut sorted: Vec<&OsvEvent> = events
        .iter()
        .filter(|e| !matches!(e, OsvEvent::Limit(_)))
        .collect();
    let mut unsortable = false;
    sorted.sort_by(|a, b| {
        cmp_event(event_version(a), event_version(b), order).unwrap_or_else(|| {
            unsortable = true;
            Ordering::Equal
        })
    });
    if unsortable {
        return None;
    }
    let mut affected = false;
    for e in sorted {
        let ev = event_version(e);
        let rel = cmp_event(ev, v, order)?;
        match e {
            OsvEvent::Introduced(_) if rel != Ordering::Greater => affected = true,
            OsvEvent::Fixed(_) if rel != Ordering::Greater => affected = false,
            OsvEvent::LastAffected(_) if rel == Ordering::Less => affected = false,
            _ => {}
        }
    }
    Some(affected)
}

/// Evaluates one entry for version `v` (the full package version for the
/// distribution's own ecosystem, the upstream version otherwise).
pub fn evaluate(entry: &OsvAffected, v: &str, order: &dyn VersionOrder) -> (Outcome, String) {
    if entry
        .versions
        .iter()
        .any(|x| x == v || order.compare(x, v) == Some(Ordering::Equal))
    {
        return (Outcome::Affected, format!("version {v} listed"));
    }
    let mut unknown: Option<String> = None;
    let mut evaluated = false;
    for r in &entry.ranges {
        match r.kind {
            OsvRangeKind::Ecosystem | OsvRangeKind::Semver => {
                match range_affects(&r.events, v, order) {
                    Some(true) => return (Outcome::Affected, describe(&r.events)),
                    Some(false) => evaluated = true,
                    None => {
                        unknown.get_or_insert_with(|| describe(&r.events));
                    }
                }
            }
            OsvRangeKind::Git | OsvRangeKind::Other(_) => {
                unknown.get_or_insert_with(|| format!("{:?} range", r.kind));
            }
        }
    }
    if let Some(what) = unknown
        && (!evaluated || entry.versions.is_empty())
    {
        return (Outcome::Unknown, what);
    }
    if !evaluated && entry.versions.is_empty() {
        return (Outcome::Unknown, "no ranges".into());
    }
    (Outcome::NotAffected, "outside every range".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::versions::ApkOrder;
    use secfixes_model::osv::OsvRange;

    fn entry(events: Vec<OsvEvent>) -> OsvAffected {
        OsvAffected {
            ecosystem: Some("Alpine:v3.18".into()),
            name: Some("openssl".into()),
            purl: None,
            ranges: vec![OsvRange {
                kind: OsvRangeKind::Ecosystem,
                repo: None,
                events,
            }],
            versions: vec![],
        }
    }

    #[test]
    fn introduced_fixed() {
        let e = entry(vec![
            OsvEvent::Introduced("0".into()),
            OsvEvent::Fixed("3.1.4-r0".into()),
        ]);
        assert_eq!(evaluate(&e, "3.1.3-r0", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "3.1.4-r0", &ApkOrder).0, Outcome::NotAffected);
        assert_eq!(evaluate(&e, "3.1.4-r1", &ApkOrder).0, Outcome::NotAffected);
    }

    #[test]
    fn several_intervals_and_last_affected() {
        let e = entry(vec![
            OsvEvent::Fixed("1.5".into()),
            OsvEvent::Introduced("1.0".into()),
            OsvEvent::Introduced("2.0".into()),
            OsvEvent::LastAffected("2.3".into()),
        ]);
        assert_eq!(evaluate(&e, "0.9", &ApkOrder).0, Outcome::NotAffected);
        assert_eq!(evaluate(&e, "1.2", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "1.7", &ApkOrder).0, Outcome::NotAffected);
        assert_eq!(evaluate(&e, "2.3", &ApkOrder).0, Outcome::Affected);
        assert_eq!(evaluate(&e, "2.4", &ApkOrder).0, Outcome::NotAffected);
    }

    #[test]
    fn git_ranges_are_unknown_unless_listed() {
        let mut e = entry(vec![OsvEvent::Introduced("abc".into())]);
        e.ranges[0].kind = OsvRangeKind::Git;
        assert_eq!(evaluate(&e, "1.0", &ApkOrder).0, Outcome::Unknown);
        e.versions.push("1.0".into());
        assert_eq!(evaluate(&e, "1.0", &ApkOrder).0, Outcome::Affected);
    }
}
