//! Text renderings of a report: grouped per package, or `--quiet`
//! one-liners like `apk version -l '<'`.

use std::fmt::Write as _;

use secfixes_scan::{Availability, PackageFinding, Report};

/// `name-version < fixed-version`, one line per package with a pending fix.
pub(crate) fn quiet(report: &Report) -> String {
    let mut s = String::new();
    for p in &report.packages {
        if let Some(fixed) = &p.fixed_version {
            let _ = writeln!(s, "{}-{} < {fixed}", p.name, p.version);
        }
    }
    s
}

fn availability(p: &PackageFinding) -> String {
    let avail = p.available_version.as_deref().unwrap_or("?");
    match p.availability {
        Availability::Unknown => String::new(),
        Availability::UpgradableNow => format!(", upgradable now ({avail} available)"),
        Availability::Partial => format!(", partly upgradable ({avail} available)"),
        Availability::NotYetPublished => format!(", fix not yet published ({avail} available)"),
        Availability::NotInRepositories => ", not in the configured repositories".to_owned(),
    }
}

/// Grouped per package: a header line, then one line per fixed version with
/// its ids, then open vulnerabilities; a summary at the end.
pub(crate) fn text(report: &Report) -> String {
    let mut s = String::new();
    for p in &report.packages {
        let origin = if p.origin == p.name {
            String::new()
        } else {
            format!(" (origin {})", p.origin)
        };
        if let Some(why) = &p.cannot_evaluate {
            let _ = writeln!(
                s,
                "{}-{}{origin}: cannot evaluate: {why}",
                p.name, p.version
            );
            continue;
        }
        match &p.fixed_version {
            Some(fixed) => {
                let _ = writeln!(
                    s,
                    "{} {} -> {fixed}{origin}{}",
                    p.name,
                    p.version,
                    availability(p)
                );
            }
            None => {
                let _ = writeln!(s, "{} {}{origin}: no fix", p.name, p.version);
            }
        }
        // One line per fixed version, in version order (the fixes are
        // sorted by version already).
        let mut i = 0;
        while let Some(first) = p.fixes.get(i) {
            let group: Vec<_> = p.fixes[i..]
                .iter()
                .take_while(|f| f.fixed_version == first.fixed_version)
                .collect();
            let ids: Vec<&str> = group.iter().map(|f| f.id.as_str()).collect();
            let note = match (p.availability, first.available) {
                (Availability::Partial, Some(false)) => "  [not yet published]",
                (Availability::Partial, Some(true)) => "  [available]",
                _ => "",
            };
            let _ = writeln!(s, "  {}  {}{note}", first.fixed_version, ids.join(" "));
            i += group.len();
        }
        for o in &p.open {
            let reason = o
                .reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let _ = writeln!(s, "  open  {} {}{reason}", o.id, o.state);
        }
    }
    let sum = &report.summary;
    if !report.packages.is_empty() {
        s.push('\n');
    }
    if sum.fixable_packages == 0 {
        let _ = write!(s, "No pending security fixes");
    } else {
        let _ = write!(
            s,
            "{} of {} packages have security fixes pending ({} ids)",
            sum.fixable_packages, sum.installed, sum.fixable_ids
        );
        if report
            .packages
            .iter()
            .any(|p| p.availability != Availability::Unknown)
        {
            let _ = write!(s, ", {} upgradable now", sum.upgradable_now);
        }
    }
    if sum.open > 0 {
        let _ = write!(s, "; {} open vulnerabilities without a fix", sum.open);
    }
    if sum.cannot_evaluate > 0 {
        let _ = write!(s, "; {} packages cannot be evaluated", sum.cannot_evaluate);
    }
    let _ = writeln!(
        s,
        " ({} packages, {} covered by the security data, {} versions).",
        sum.installed, sum.covered, report.version_scheme
    );
    s
}
