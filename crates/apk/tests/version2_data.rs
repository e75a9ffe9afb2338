//! apk-tools 2.x's own version test vectors against `version::v2`, and the
//! 3.x vectors, whose rows 2.x answers differently in exactly the places
//! alpine-formats.md 1.3 lists.
//!
//! - `data/version-2.x.data`: `test/version.data` of apk-tools 2.x (733
//!   rows; `test/version.sh` runs `apk version -t a b` on each and compares
//!   the printed operator). Every row must hold, no exceptions.
//! - `data/version.data`: the 3.x `test/unit/version.data` (788 lines).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;

use secfixes_apk::version::{self, Op, Scheme, v2};

const V3: &str = include_str!("data/version.data");
const V2: &str = include_str!("data/version-2.x.data");
const MARKER: &str = "#@ upstream line 1 follows";

/// One row of a data file, with its 1-based upstream line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    /// `a op b`; `op` may start with `!`.
    Cmp {
        line: usize,
        a: String,
        op: String,
        b: String,
    },
    /// `ver`: must validate (3.x file only).
    Valid { line: usize, v: String },
    /// `!ver`: must not validate (3.x file only).
    Invalid { line: usize, v: String },
}

/// Parses a data file in apk-tools' syntax (`#` comments, blank lines).
fn parse(text: &str) -> Vec<Row> {
    let mut lines = text.lines();
    lines.by_ref().find(|l| *l == MARKER).expect("marker line");
    let mut out = Vec::new();
    for (i, raw) in lines.enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let fields: Vec<&str> = content.split_whitespace().collect();
        out.push(match fields.as_slice() {
            [a, op, b] => Row::Cmp {
                line,
                a: (*a).into(),
                op: (*op).into(),
                b: (*b).into(),
            },
            [v] => match v.strip_prefix('!') {
                Some(inv) => Row::Invalid {
                    line,
                    v: inv.into(),
                },
                None => Row::Valid {
                    line,
                    v: (*v).into(),
                },
            },
            _ => panic!("upstream line {line}: cannot parse {raw:?}"),
        });
    }
    out
}

/// What 2.x's `apk version -t a b` prints (it prints even for invalid input).
fn op2(a: &str, b: &str) -> &'static str {
    Op::from(v2::compare(a, b)).as_str()
}

fn is_ordering(op: &str) -> bool {
    matches!(op, "<" | ">" | "=")
}

#[test]
fn every_2x_row_holds_under_v2() {
    let rows = parse(V2);
    assert_eq!(rows.len(), 733);
    let mut failures = Vec::new();
    let mut counts = [0usize; 3];
    for row in &rows {
        let Row::Cmp { line, a, op, b } = row else {
            panic!("the 2.x file holds only comparisons, found {row:?}");
        };
        let got = op2(a, b);
        if got != op {
            failures.push(format!("line {line}: {a} {op} {b}, v2 says {got}"));
        }
        // The reverse comparison gives the reverse answer.
        let back = Op::from(v2::compare(b, a).reverse()).as_str();
        if back != op {
            failures.push(format!(
                "line {line}: {b} vs {a} is not the reverse of {op}"
            ));
        }
        // The same through the scheme and the operator API.
        let parsed = Op::parse(op).unwrap();
        if !Scheme::Apk2.matches(a, parsed, b) || Scheme::Apk2.matches(a, parsed.negated(), b) {
            failures.push(format!("line {line}: Scheme::Apk2.matches disagrees"));
        }
        counts[match op.as_str() {
            "<" => 0,
            "=" => 1,
            _ => 2,
        }] += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(counts, [431, 17, 285]);
}

/// The 3.x ordering rows (738) under 2.x: all hold except the five rows
/// 3.x added for its own changes (alpine-formats.md 1.3): two leading-zero
/// rows, where 2.x says `>`, and three `~hash` rows, where both sides turn
/// invalid at the same `~` and 2.x says `=`.
#[test]
fn the_3x_ordering_rows_under_v2() {
    let mut ordering = 0;
    let mut differ = Vec::new();
    for row in parse(V3) {
        if let Row::Cmp { line, a, op, b } = row {
            if !is_ordering(&op) {
                continue;
            }
            ordering += 1;
            let got = op2(&a, &b);
            if got != op {
                differ.push((line, format!("{a} {op} {b}"), got));
            }
        }
    }
    assert_eq!(ordering, 738);
    let expected = [
        (734, "8.2.0 < 8.2.001", ">"),
        (735, "8.2.0015 < 8.2.002", ">"),
        (737, "1.0~1234 < 1.0~2345", "="),
        (738, "1.0~1234-r1 < 1.0~2345-r0", "="),
        (739, "1.0~1234-r1 > 1.0~1234-r0", "="),
    ];
    let differ: Vec<(usize, &str, &str)> = differ
        .iter()
        .map(|(l, r, g)| (*l, r.as_str(), *g))
        .collect();
    assert_eq!(differ, expected);
    // The hash rows are invalid on 2.x; the leading-zero ones are valid.
    for (a, b) in [("1.0~1234", "1.0~2345"), ("1.0~1234-r1", "1.0~1234-r0")] {
        assert!(!v2::validate(a) && !v2::validate(b));
    }
    for v in ["8.2.0", "8.2.001", "8.2.0015", "8.2.002"] {
        assert!(v2::validate(v), "{v}");
    }
}

/// The 16 fuzzy rows of the 3.x file under 2.x: 2.x's `~` also matches
/// when the *left* side runs out, so `3.8 ~ 3.8.1` holds there and the row
/// `3.8 !~ 3.8.1` fails; the other 15 hold.
#[test]
fn the_3x_fuzzy_rows_under_v2() {
    let mut fuzzy = 0;
    let mut failing = Vec::new();
    for row in parse(V3) {
        if let Row::Cmp { a, op, b, .. } = row {
            if is_ordering(&op) {
                continue;
            }
            fuzzy += 1;
            if !v2::matches(&a, Op::parse(&op).unwrap(), &b) {
                failing.push(format!("{a} {op} {b}"));
            }
        }
    }
    assert_eq!(fuzzy, 16);
    assert_eq!(failing, ["3.8 !~ 3.8.1"]);
}

/// The validity rows of the 3.x file under 2.x. Of the six "must be
/// valid" rows only the `~hash` one fails on 2.x. Of the 25 "must be
/// invalid" rows, 2.x accepts nine: the letter followed by a digit, a
/// second `-r`, a bare `-r`, a trailing `_`, and the strings without a
/// leading number (2.x starts as if a number came first and lets it be
/// empty).
#[test]
fn the_3x_validity_rows_under_v2() {
    let (mut valid_rows, mut invalid_rows) = (0, 0);
    let mut valid_but_rejected = Vec::new();
    let mut invalid_but_accepted = Vec::new();
    for row in parse(V3) {
        match row {
            Row::Valid { v, .. } => {
                valid_rows += 1;
                if !v2::validate(&v) {
                    assert!(v2::check(&v).is_err());
                    valid_but_rejected.push(v);
                }
            }
            Row::Invalid { v, .. } => {
                invalid_rows += 1;
                if v2::validate(&v) {
                    assert!(v2::check(&v).is_ok());
                    invalid_but_accepted.push(v);
                }
            }
            Row::Cmp { .. } => {}
        }
    }
    assert_eq!((valid_rows, invalid_rows), (6, 25));
    assert_eq!(valid_but_rejected, ["0.1_pre2~1234abcd"]);
    assert_eq!(
        invalid_but_accepted,
        [
            "",
            "0.1a1",
            "0.1-r",
            "0.1-r2-r3",
            ".1",
            "a",
            "_pre1",
            "-r1",
            "0.1_"
        ]
    );
}

/// The cases the brief names, under both schemes.
#[test]
fn named_cases() {
    // sudo: CVE-2021-3156 (Baron Samedit) was fixed in 1.9.5p2.
    assert_eq!(v2::compare("1.9.5p1-r0", "1.9.5p2-r0"), Ordering::Less);
    assert_eq!(
        version::compare("1.9.5p1-r0", "1.9.5p2-r0"),
        Ordering::Equal
    );
    // A secfixes key that only 2.x accepts.
    assert!(v2::validate("6.6.2p1-r0"));
    assert!(!version::validate("6.6.2p1-r0"));
    // Leading zeros: 2.x weighs extra zeros negatively, 3.x compares text.
    for (a, b) in [
        ("1.0", "1.00"),
        ("8.2.0", "8.2.001"),
        ("8.2.0015", "8.2.002"),
    ] {
        assert_eq!(v2::compare(a, b), Ordering::Greater, "{a} vs {b}");
        assert_eq!(version::compare(a, b), Ordering::Less, "{a} vs {b}");
        assert_eq!(Scheme::Apk2.compare(a, b), Ordering::Greater);
        assert_eq!(Scheme::Apk3.compare(a, b), Ordering::Less);
    }
}
