//! SARIF 2.1.0 rendering of a report, for code-scanning dashboards.
//!
//! One result per (package, id), located at the package's record in the
//! installed database (`uriBaseId` `ROOT`). Rule ids are stable:
//!
//! | rule | level | when |
//! |---|---|---|
//! | `secfixes/fix-available` | error | the fix is in the repositories (or availability unknown) |
//! | `secfixes/fix-unpublished` | warning | the repositories do not offer the fixed version yet |
//! | `secfixes/open-vulnerability` | warning (`note` when possibly vulnerable) | the tracker reports it open, no fix |
//! | `secfixes/cannot-evaluate` | note | the installed version is not a valid version |
//!
//! `partialFingerprints["secfixes/v1"]` is `name/id` (`name` for
//! cannot-evaluate), stable across versions of the same package so that a
//! dashboard follows one finding over time.

use secfixes_model::StateKind;
use secfixes_scan::{PackageFinding, Report};
use serde_json::{Value, json};

/// The rules, in `ruleIndex` order.
const RULES: [(&str, &str, &str, &str); 4] = [
    (
        "secfixes/fix-available",
        "FixAvailable",
        "error",
        "An installed package has a security fix pending, available in the configured repositories.",
    ),
    (
        "secfixes/fix-unpublished",
        "FixNotYetPublished",
        "warning",
        "An installed package has a security fix recorded, but no configured repository offers the fixed version yet.",
    ),
    (
        "secfixes/open-vulnerability",
        "OpenVulnerability",
        "warning",
        "The security tracker reports a vulnerability of the package's origin without a fix.",
    ),
    (
        "secfixes/cannot-evaluate",
        "CannotEvaluate",
        "note",
        "The installed version is not a valid apk version, so pending fixes cannot be computed.",
    ),
];

/// Where a result is: the package's record in the installed database.
struct Location<'a> {
    uri: &'a str,
    p: &'a PackageFinding,
}

/// One result: its rule (index into [`RULES`]), level, message, stable
/// fingerprint and properties.
fn result(
    rule: usize,
    level: &str,
    text: String,
    at: &Location<'_>,
    fingerprint: String,
    props: Value,
) -> Value {
    let p = at.p;
    json!({
        "ruleId": RULES[rule].0,
        "ruleIndex": rule,
        "level": level,
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": at.uri, "uriBaseId": "ROOT" },
                "region": { "startLine": p.db_line.max(1) }
            },
            "logicalLocations": [{
                "name": p.name,
                "fullyQualifiedName": format!("{}-{}", p.name, p.version),
                "kind": "package"
            }]
        }],
        "partialFingerprints": { "secfixes/v1": fingerprint },
        "properties": props
    })
}

/// The SARIF log. `installed_uri` is the installed database relative to
/// `root_uri` (a `file://` URI ending in `/`).
pub(crate) fn sarif(
    report: &Report,
    root_uri: &str,
    installed_uri: &str,
    notifications: &[String],
) -> Value {
    let mut results = Vec::new();
    for p in &report.packages {
        let at = Location {
            uri: installed_uri,
            p,
        };
        if let Some(why) = &p.cannot_evaluate {
            results.push(result(
                3,
                RULES[3].2,
                format!("{}-{}: cannot evaluate: {why}", p.name, p.version),
                &at,
                p.name.clone(),
                json!({ "origin": p.origin }),
            ));
            continue;
        }
        for f in &p.fixes {
            let (rule, where_) = match f.available {
                Some(false) => (
                    1,
                    format!(
                        ", not yet published ({} available)",
                        p.available_version.as_deref().unwrap_or("none")
                    ),
                ),
                Some(true) => (
                    0,
                    format!(
                        ", available ({})",
                        p.available_version.as_deref().unwrap_or("?")
                    ),
                ),
                None => (0, String::new()),
            };
            results.push(result(
                rule,
                RULES[rule].2,
                format!(
                    "{}-{}: {} is fixed in {}{where_}",
                    p.name, p.version, f.id, f.fixed_version
                ),
                &at,
                format!("{}/{}", p.name, f.id),
                json!({
                    "vulnerability": f.id.as_str(),
                    "origin": p.origin,
                    "installed_version": p.version,
                    "fixed_version": f.fixed_version,
                    "available_version": p.available_version,
                    "source": f.source,
                }),
            ));
        }
        for o in &p.open {
            let level = if o.state == StateKind::PossiblyVulnerable {
                "note"
            } else {
                RULES[2].2
            };
            results.push(result(
                2,
                level,
                format!("{}-{}: {} is {} (no fix)", p.name, p.version, o.id, o.state),
                &at,
                format!("{}/{}", p.name, o.id),
                json!({ "vulnerability": o.id.as_str(), "origin": p.origin, "state": o.state, "repo": o.repo }),
            ));
        }
    }
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, name, level, text)| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": level }
            })
        })
        .collect();
    let notes: Vec<Value> = notifications
        .iter()
        .map(|n| json!({ "level": "warning", "message": { "text": n } }))
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "secfixes",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://gitlab.alpinelinux.org/alpine/security/secfixes",
                "rules": rules
            }},
            "originalUriBaseIds": { "ROOT": { "uri": root_uri } },
            "invocations": [{ "executionSuccessful": true, "toolExecutionNotifications": notes }],
            "results": results,
            "properties": { "branch": report.branch, "version_scheme": report.version_scheme, "summary": report.summary }
        }]
    })
}
