//! The apk-tools 2.x order (`version::v2`) over every distinct `V:` of every
//! real APKINDEX in the shared corpus (`apkindex/**/APKINDEX.tar.gz`,
//! ~10,300 versions; the Alpine ones are v3.10–v3.18, which ship
//! apk-tools 2): valid except one Wolfi version, the order total,
//! antisymmetric and transitive, and equal to the 3.x order on every pair
//! valid under both except where leading zeros differ.
//!
//! The indexes are read with a plain gzip decoder and a line scan for `V:`,
//! independent of the crate's index parser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashSet};

mod common;
use common::{Rng, corpus};
use std::hash::{Hash, Hasher};

use secfixes_apk::version::{self, InvalidReason, Scheme, SchemedVersion, v2};

fn hash_of(v: &SchemedVersion) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

fn sorted_by(mut v: Vec<&str>, cmp: fn(&str, &str) -> Ordering) -> Vec<&str> {
    v.sort_by(|a, b| cmp(a, b));
    v
}

/// The `.`-separated numeric components at the start of a version
/// (`1.02.3b-r1` gives `["1", "02", "3"]`).
fn components(v: &str) -> Vec<&str> {
    let end = v
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(v.len());
    v[..end].split('.').collect()
}

/// Whether the first `.`-component where `a` and `b` differ has a leading
/// zero in either (a component of two or more digits starting with `0`):
/// where 2.x (negative weight per extra zero, then numeric) and 3.x (text)
/// may disagree.
fn first_difference_has_leading_zero(a: &str, b: &str) -> bool {
    let leading_zero = |c: &str| c.len() > 1 && c.starts_with('0');
    components(a)
        .into_iter()
        .zip(components(b))
        .skip(1) // the first number is plain on both
        .find(|(x, y)| x != y)
        .is_some_and(|(x, y)| leading_zero(x) || leading_zero(y))
}

/// All corpus versions are valid on 2.x except the one Wolfi version that
/// neither apk accepts; in particular the 39 letter-followed-by-digits
/// versions of the Alpine indexes that 3.x rejects.
#[test]
fn all_valid_under_2x_except_the_wolfi_post_release() {
    let invalid2: Vec<&str> = corpus()
        .iter()
        .map(String::as_str)
        .filter(|v| !v2::validate(v))
        .collect();
    assert_eq!(invalid2, ["1.3.0.post0-r0"]);
    let e = v2::check("1.3.0.post0-r0").unwrap_err();
    assert_eq!(
        (e.position, e.reason),
        (
            7,
            InvalidReason::Misplaced {
                found: 'o',
                after: "a letter"
            }
        )
    );

    let only2: Vec<&str> = corpus()
        .iter()
        .map(String::as_str)
        .filter(|v| v2::validate(v) && !version::validate(v))
        .collect();
    assert_eq!(only2.len(), 39, "{only2:?}");
    for v in &only2 {
        // A letter directly followed by a digit, the 2.x-only construct.
        let letter_digit = v
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1].is_ascii_lowercase() && w[2].is_ascii_digit());
        assert!(letter_digit, "{v}");
        assert!(Scheme::Apk2.parse(v).is_ok());
    }
    for v in [
        "1.9.5p2-r0",
        "6.8.0p2-r0",
        "0.99f7-r2",
        "2020.10.19b4-r5",
        "31.0.0p1-r1",
    ] {
        assert!(only2.contains(&v), "{v}");
    }
    // And 3.x accepts nothing that 2.x rejects here.
    assert!(
        corpus()
            .iter()
            .all(|v| !version::validate(v) || v2::validate(v))
    );
}

/// The 2.x-only versions sit where they belong among their neighbours.
#[test]
fn letter_digit_versions_are_ordered_under_2x() {
    let lt = |a, b| v2::compare(a, b) == Ordering::Less;
    assert!(lt("1.9.5p1-r0", "1.9.5p2-r0"));
    assert!(lt("1.9.5-r0", "1.9.5p2-r0"));
    assert!(lt("1.9.5p2-r0", "1.9.6-r0"));
    assert!(lt("1.9.5p2-r0", "1.9.5p2-r1"));
    assert!(lt("6.8.0p1-r0", "6.8.0p2-r0"));
    assert!(lt("31.0.0p1-r1", "31.0.3p1-r0"));
}

/// Sorting with `v2::compare` gives a sequence where every adjacent pair
/// is `<` or `=`, both ways round; shuffled inputs sort to the same
/// sequence up to equal items.
#[test]
fn sorted_corpus_is_a_total_order_under_2x() {
    let all: Vec<&str> = corpus().iter().map(String::as_str).collect();
    let s = sorted_by(all.clone(), v2::compare);
    let mut ties = Vec::new();
    for w in s.windows(2) {
        let (a, b) = (w[0], w[1]);
        let ab = v2::compare(a, b);
        assert_ne!(ab, Ordering::Greater, "{a} > {b} after sorting");
        assert_eq!(
            v2::compare(b, a),
            ab.reverse(),
            "{a} / {b} not antisymmetric"
        );
        if ab == Ordering::Equal {
            ties.push((a, b));
        }
    }
    // Distinct strings 2.x considers equal: a leading zero in a plain
    // number (`02.18-r0 = 2.18-r0`, `008-r6 = 8-r6`): the same six pairs
    // as under 3.x, none of them 2.x-only. They are equal `SchemedVersion`s
    // with equal hashes.
    assert_eq!(ties.len(), 6, "{ties:?}");
    for (a, b) in &ties {
        assert_eq!(version::compare(a, b), Ordering::Equal, "{a} / {b}");
        let (va, vb) = (
            Scheme::Apk2.parse(a).unwrap(),
            Scheme::Apk2.parse(b).unwrap(),
        );
        assert_eq!(va, vb);
        assert_eq!(hash_of(&va), hash_of(&vb), "{a} / {b}");
    }

    // As `SchemedVersion`s (Ord, Hash): the same sequence, one class per
    // distinct version.
    let valid: Vec<&str> = s.iter().copied().filter(|v| v2::validate(v)).collect();
    let mut parsed: Vec<SchemedVersion> = valid
        .iter()
        .map(|v| Scheme::Apk2.parse(v).unwrap())
        .collect();
    parsed.reverse();
    parsed.sort();
    for (p, t) in parsed.iter().zip(&valid) {
        assert_eq!(v2::compare(p.as_str(), t), Ordering::Equal);
    }
    let classes: HashSet<&SchemedVersion> = parsed.iter().collect();
    assert_eq!(classes.len(), valid.len() - ties.len());

    let mut rng = Rng(0x2B_5EC);
    for round in 0..4 {
        let mut shuffled = all.clone();
        rng.shuffle(&mut shuffled);
        if round % 2 == 0 {
            shuffled.sort_by(|a, b| v2::compare(a, b));
        } else {
            shuffled.sort_unstable_by(|a, b| v2::compare(a, b));
        }
        for (x, y) in shuffled.iter().zip(&s) {
            assert_eq!(
                v2::compare(x, y),
                Ordering::Equal,
                "round {round}: {x} / {y}"
            );
        }
    }
}

#[test]
fn random_triples_are_transitive_and_antisymmetric_under_2x() {
    let s = sorted_by(corpus().iter().map(String::as_str).collect(), v2::compare);
    let n = s.len();
    let mut rng = Rng(20_250_101);
    for _ in 0..300_000 {
        let (i, j, k) = (rng.below(n), rng.below(n), rng.below(n));
        let (a, b, c) = (s[i], s[j], s[k]);
        let (ab, bc, ac) = (v2::compare(a, b), v2::compare(b, c), v2::compare(a, c));
        assert_eq!(v2::compare(b, a), ab.reverse(), "{a} / {b}");
        // Consistent with the positions in the sorted sequence.
        for ((x, y), r) in [((i, j), ab), ((j, k), bc), ((i, k), ac)] {
            match x.cmp(&y) {
                Ordering::Less => assert_ne!(r, Ordering::Greater, "{} / {}", s[x], s[y]),
                Ordering::Greater => assert_ne!(r, Ordering::Less, "{} / {}", s[x], s[y]),
                Ordering::Equal => assert_eq!(r, Ordering::Equal),
            }
        }
        if ab != Ordering::Greater && bc != Ordering::Greater {
            assert_ne!(ac, Ordering::Greater, "{a} <= {b} <= {c} but {a} > {c}");
        }
        if ab == Ordering::Equal && bc == Ordering::Equal {
            assert_eq!(ac, Ordering::Equal, "{a} = {b} = {c}");
        }
    }
}

/// The versions valid under both orders (all but the 39 2.x-only ones and
/// the Wolfi one).
fn valid_under_both() -> Vec<&'static str> {
    corpus()
        .iter()
        .map(String::as_str)
        .filter(|v| v2::validate(v) && version::validate(v))
        .collect()
}

/// The adjacent pairs of `sorted` on which the two orders answer
/// differently: (a, b, 3.x answer, 2.x answer).
fn adjacent_disagreements<'a>(sorted: &[&'a str]) -> Vec<(&'a str, &'a str, Ordering, Ordering)> {
    sorted
        .windows(2)
        .filter_map(|w| {
            let (three, two) = (version::compare(w[0], w[1]), v2::compare(w[0], w[1]));
            (three != two).then_some((w[0], w[1], three, two))
        })
        .collect()
}

/// 2.x and 3.x agree on the corpus except where leading zeros differ.
///
/// Sorted by 3.x, the 10,288 versions valid under both form 10,287
/// adjacent pairs; 2.x answers 57 of them differently, always `>` where 3.x
/// says `<`, and always where the first differing `.`-component has a
/// leading zero in one side. 3.x compares such components as text, 2.x as
/// a negative weight per extra zero and then a number:
///
/// ```text
/// 3.x sorted neighbours     3.x  2.x
/// 0.017-r0   / 0.02-r0       <    >    "017" < "02" as text; 2.x: [0,17] > [0,2]
/// 1.00-r4    / 1.0000-r0     <    >    "00" < "0000"; 2.x: [-1,0] > [-3,0]
/// 1.0.20210914-r3 / 1.00-r0  <    >    "0" < "00"; 2.x: [0,0] > [-1,0]
/// 2.014-r1   / 2.02-r0       <    >
/// 13.0.12_p4-r2 / 13.00.0000-r0  <  >
/// ```
///
/// Sorted by 2.x instead, 27 adjacent pairs differ, by the same rule.
#[test]
fn v2_and_v3_agree_on_adjacent_pairs_except_on_leading_zeros() {
    let both = valid_under_both();
    assert_eq!(both.len(), corpus().len() - 40);
    let by3 = sorted_by(both.clone(), version::compare);
    let differ = adjacent_disagreements(&by3);
    assert_eq!((by3.len() - 1, differ.len()), (10_287, 57), "{differ:?}");
    for (a, b, three, two) in &differ {
        assert_eq!(
            (*three, *two),
            (Ordering::Less, Ordering::Greater),
            "{a} / {b}"
        );
        assert!(first_difference_has_leading_zero(a, b), "{a} / {b}");
    }
    for (a, b) in [
        ("0.017-r0", "0.02-r0"),
        ("1.00-r4", "1.0000-r0"),
        ("1.0.20210914-r3", "1.00-r0"),
        ("2.014-r1", "2.02-r0"),
        ("13.0.12_p4-r2", "13.00.0000-r0"),
    ] {
        assert!(differ.iter().any(|d| (d.0, d.1) == (a, b)), "{a} / {b}");
    }

    let by2 = sorted_by(both, v2::compare);
    let differ = adjacent_disagreements(&by2);
    assert_eq!(differ.len(), 27, "{differ:?}");
    for (a, b, three, two) in &differ {
        assert_eq!(
            (*three, *two),
            (Ordering::Greater, Ordering::Less),
            "{a} / {b}"
        );
        assert!(first_difference_has_leading_zero(a, b), "{a} / {b}");
    }
}

/// The same over every pair (52,916,328 of them, ~2 s): 28,586 pairs
/// (0.054 %) get different answers, every one where the first differing
/// `.`-component has a leading zero, and never one order's `=` against
/// the other's `<` or `>`.
#[test]
fn v2_and_v3_agree_on_all_pairs_except_on_leading_zeros() {
    let both = valid_under_both();
    let (mut pairs, mut differ) = (0u64, 0u64);
    for (i, a) in both.iter().enumerate() {
        for b in &both[i + 1..] {
            pairs += 1;
            let (three, two) = (version::compare(a, b), v2::compare(a, b));
            if three != two {
                differ += 1;
                assert!(first_difference_has_leading_zero(a, b), "{a} / {b}");
                assert!(
                    three != Ordering::Equal && two != Ordering::Equal,
                    "{a} / {b}"
                );
            }
        }
    }
    assert_eq!((pairs, differ), (52_916_328, 28_586));
}

/// (`distroversion`, key) of every secfixes key in the secdb files derived
/// from the aports snapshots (`secdb/derived-from-aports/*/{main,community}.json`).
fn secfixes_keys() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let root = secfixes_testdata::path("secdb/derived-from-aports");
    for f in secfixes_testdata::files_with_suffix(&root, ".json") {
        let name = f.file_name().unwrap().to_str().unwrap();
        if name != "main.json" && name != "community.json" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let branch = doc["distroversion"].as_str().unwrap().to_owned();
        for p in doc["packages"].as_array().unwrap() {
            for key in p["pkg"]["secfixes"].as_object().unwrap().keys() {
                out.insert((branch.clone(), key.clone()));
            }
        }
    }
    out
}

/// Secfixes keys are versions too: every key of the derived secdb files
/// (v3.10–v3.17 and two edge snapshots) but three typos is valid under
/// 2.x, and the keys
/// only 2.x accepts are the letter-followed-by-digits ones of sudo,
/// opensmtpd and libretls, and phpmyadmin's `4.8.0.-r1`. Under each branch's default scheme only the edge snapshots
/// keep some (the 2023 edge still shipped apk-tools 2, but `edge` now
/// means apk-tools 3): opensmtpd's `6.6.2p1-r0` is still a key in the 2026
/// edge tree, and apk-tools 3 cannot order it.
#[test]
fn secfixes_keys_under_each_scheme() {
    let keys = secfixes_keys();
    assert!(keys.len() > 10_000, "{}", keys.len());
    // Three typos are invalid under both (a `-N` that is not `-rN`).
    let invalid2: Vec<(&str, &str)> = keys
        .iter()
        .filter(|(_, k)| !v2::validate(k))
        .map(|(b, k)| (b.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        invalid2,
        [
            ("edge", "1.2.31-0"),
            ("edge", "2021-03-27-r5"),
            ("v3.11", "4.10-1-r1")
        ]
    );
    for (_, k) in &invalid2 {
        assert_eq!(
            v2::check(k).unwrap_err().reason,
            InvalidReason::DashWithoutR,
            "{k}"
        );
        assert!(!version::validate(k), "{k}");
    }
    let only2: BTreeSet<&str> = keys
        .iter()
        .map(|(_, k)| k.as_str())
        .filter(|k| v2::validate(k) && !version::validate(k))
        .collect();
    assert_eq!(
        only2.into_iter().collect::<Vec<_>>(),
        [
            "1.9.5p2-r0",
            "3.3.3p1-r3",
            // 2.x reads the empty component after the '.' as a number.
            "4.8.0.-r1",
            "6.6.2p1-r0",
            "6.6.4p1-r1",
            "6.6.4p1-r2",
            "6.7.1p1-r1"
        ]
    );
    let invalid_for_branch: Vec<(&str, &str)> = keys
        .iter()
        .filter(|(b, k)| v2::validate(k) && !Scheme::for_branch(b).validate(k))
        .map(|(b, k)| (b.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        invalid_for_branch,
        [
            ("edge", "1.9.5p2-r0"),
            ("edge", "4.8.0.-r1"),
            ("edge", "6.6.2p1-r0")
        ]
    );
}
