//! NISTIR 7696 matching: Table 6-2 row by row, the name relation, and the
//! published conformance examples.

#![allow(clippy::unwrap_used)]

use secfixes_cpe::{Attribute, Cpe, Relation, Value, compare_values};

fn fs(s: &str) -> Cpe {
    Cpe::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

/// A name whose version is given as WFN text (`None` = ANY, `Some("-")` =
/// NA), everything else fixed.
fn with_version(v: Option<&str>) -> Cpe {
    let b = Cpe::builder()
        .literal(Attribute::Part, "a")
        .literal(Attribute::Vendor, "vendor")
        .literal(Attribute::Product, "product");
    match v {
        None => b.build(),
        Some("-") => b.na(Attribute::Version).build(),
        Some(t) => b.wfn(Attribute::Version, t).build(),
    }
    .unwrap()
}

/// Table 6-2 of NISTIR 7696, all 17 rows (the row numbers of the
/// standard; `i`/`k` are distinct wildcard-free strings, `m+wild` a string
/// with wildcards). Checked on the attribute and on whole names that differ
/// only there.
#[test]
fn table_6_2() {
    use Relation::*;
    let i = Some("1\\.0");
    let k = Some("2\\.0");
    let wild = Some("1\\.*");
    let wild_miss = Some("3\\.*");
    let any = None;
    let na = Some("-");
    let rows: [(u8, Option<&str>, Option<&str>, Relation); 18] = [
        (1, any, any, Equal),
        (2, any, na, Superset),
        (3, any, i, Superset),
        (4, any, wild, Undefined),
        (5, na, any, Subset),
        (6, na, na, Equal),
        (7, na, i, Disjoint),
        (8, na, wild, Undefined),
        (9, i, i, Equal),
        (10, i, k, Disjoint),
        (11, i, wild, Undefined),
        (12, i, na, Disjoint),
        (13, i, any, Subset),
        (14, wild, i, Superset),
        (14, wild_miss, i, Disjoint),
        (15, wild, any, Subset),
        (16, wild, na, Disjoint),
        (17, wild, wild, Undefined),
    ];
    for (row, source, target, want) in rows {
        let (s, t) = (with_version(source), with_version(target));
        assert_eq!(compare_values(s.version(), t.version()), want, "row {row}");
        assert_eq!(
            s.compare_attribute(&t, Attribute::Version),
            want,
            "row {row}"
        );
        assert_eq!(s.compare(&t), want, "row {row} (names)");
    }
}

#[test]
fn matching_ignores_case() {
    assert_eq!(
        fs("cpe:2.3:a:Apache:LOG4J:2.0:BETA9:*:*:*:*:*:*")
            .compare(&fs("cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*")),
        Relation::Equal
    );
    assert_eq!(
        fs("cpe:2.3:a:x:MAC*:*:*:*:*:*:*:*:*").compare(&fs("cpe:2.3:a:x:macos:*:*:*:*:*:*:*:*")),
        Relation::Superset
    );
    let (upper, lower) = (
        fs("cpe:2.3:a:x:ABC:*:*:*:*:*:*:*:*"),
        fs("cpe:2.3:a:x:abc:*:*:*:*:*:*:*:*"),
    );
    let (a, b): (Value<'_>, Value<'_>) = (upper.product(), lower.product());
    assert!(a.eq_ignore_case(b));
    assert_ne!(a, b);
}

/// The name relation, including the SUBSET/SUPERSET mixture, which this
/// crate reports as `Overlap` (the sets intersect; neither covers the
/// other).
#[test]
fn name_relation() {
    let criteria = fs("cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*");
    let candidate = fs("cpe:2.3:a:nodejs:node.js:18.1.0:*:*:*:*:*:*:*");
    // version: ANY vs 18.1.0 → SUPERSET; sw_edition: lts vs ANY → SUBSET.
    assert_eq!(criteria.compare(&candidate), Relation::Overlap);
    assert!(!criteria.matches(&candidate));
    assert!(criteria.compare(&candidate).intersects());
    assert_eq!(candidate.compare(&criteria), Relation::Overlap);
    // One DISJOINT attribute makes the names disjoint, even with UNDEFINED.
    assert_eq!(
        fs("cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*").compare(&fs("cpe:2.3:h:x:y:1.*:*:*:*:*:*:*:*")),
        Relation::Disjoint
    );
    assert_eq!(
        fs("cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*").compare(&fs("cpe:2.3:a:x:y:1.*:*:*:*:*:*:*:*")),
        Relation::Undefined
    );
}

/// Examples from the NIST reference implementation
/// (`usnistgov/cpe-reference-implementation`,
/// `src/test/java/gov/nist/secauto/cpe/matching/CPENameMatcherTest.java`).
#[test]
fn nist_reference_matcher_examples() {
    // WFN [a, microsoft, internet_explorer, 8\.0\.6001, beta, ANY, sp2]
    // (language = sp2; the rest unspecified = ANY) vs the product with
    // everything else ANY: not disjoint, not equal, SUBSET.
    let source = Cpe::builder()
        .wfn(Attribute::Part, "a")
        .wfn(Attribute::Vendor, "microsoft")
        .wfn(Attribute::Product, "internet_explorer")
        .wfn(Attribute::Version, "8\\.0\\.6001")
        .wfn(Attribute::Update, "beta")
        .wfn(Attribute::Language, "sp2")
        .build()
        .unwrap();
    let target = fs("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*");
    assert_eq!(source.compare(&target), Relation::Subset);

    // `cpe:2.3:a:adobe:*:9.*:*:PalmOS:*:*:*:*:*` vs `cpe:/a::Reader:9.3.2:-:-`
    // → DISJOINT: edition PalmOS vs NA is DISJOINT (row 12), whatever the
    // other attributes say (vendor SUBSET, product and version SUPERSET).
    let source = fs("cpe:2.3:a:adobe:*:9.*:*:PalmOS:*:*:*:*:*");
    let target = fs("cpe:/a::Reader:9.3.2:-:-");
    assert_eq!(source.compare(&target), Relation::Disjoint);
    assert_eq!(
        source.compare_attribute(&target, Attribute::Edition),
        Relation::Disjoint
    );
    assert_eq!(
        source.compare_attribute(&target, Attribute::Vendor),
        Relation::Subset
    );
    assert_eq!(
        source.compare_attribute(&target, Attribute::Version),
        Relation::Superset
    );
}

/// Vectors from `nilp0inter/cpe` `tests/testfile_cpeset2_3.txt`.
#[test]
fn nilp0inter_vectors() {
    let v = |wfn: Option<&str>| with_version(wfn);
    assert_eq!(
        compare_values(v(Some("9\\.*")).version(), v(Some("9\\.3\\.2")).version()),
        Relation::Superset
    );
    assert_eq!(
        compare_values(
            v(Some("1\\.0\\.?")).version(),
            v(Some("1\\.0\\.12")).version()
        ),
        Relation::Disjoint
    );
    assert_eq!(
        compare_values(
            v(Some("1\\.0\\.1")).version(),
            v(Some("1\\.0\\.12")).version()
        ),
        Relation::Disjoint
    );
    assert_eq!(
        compare_values(v(None).version(), v(Some("-")).version()),
        Relation::Superset
    );
    // name_match: a set holding `…internet_explorer:8\.0\.6:beta` is matched
    // by the pattern `…internet_explorer:8\.0\.*` …
    let pattern = fs("cpe:2.3:a:microsoft:internet_explorer:8.0.*:*:*:*:*:*:*:*");
    assert!(pattern.matches(&fs(
        "cpe:2.3:a:microsoft:internet_explorer:8.0.6:beta:*:*:*:*:*:*"
    )));
    // … and `8\.*` with update `sp?` matches `8\.1\.2` update `sp9`.
    let pattern = fs("cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*");
    assert!(pattern.matches(&fs(
        "cpe:2.3:a:microsoft:internet_explorer:8.1.2:sp9:*:*:*:*:*:*"
    )));
    // A name with a bare product does not match a pattern with a version.
    let pattern = fs("cpe:2.3:a:microsoft:internet_explorer:8.0.*:*:*:*:*:*:*:*");
    assert!(!pattern.matches(&fs("cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*")));
    // part a vs o.
    assert_eq!(
        fs("cpe:2.3:a:*:*:*:*:*:*:*:*:*:*").compare(&fs("cpe:2.3:o:*:*:*:*:*:*:*:*:*:*")),
        Relation::Disjoint
    );
    assert_eq!(
        fs("cpe:2.3:*:*:*:*:*:*:*:*:*:*:*").compare(&fs("cpe:2.3:o:*:*:*:*:*:*:*:*:*:*")),
        Relation::Superset
    );
}
