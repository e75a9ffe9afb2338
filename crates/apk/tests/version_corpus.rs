//! The version order over every distinct `V:` of every real APKINDEX in the
//! shared corpus (`apkindex/**/APKINDEX.tar.gz`, ~10,300 versions): valid
//! except the 40 that only apk-tools 2.x accepts, the order total,
//! antisymmetric and transitive, `Eq`/`Hash` consistent, text round-tripping.
//!
//! The indexes are read with a plain gzip decoder and a line scan for `V:`,
//! independent of the crate's index parser.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;

mod common;
use common::{Rng, corpus};
use std::hash::{Hash, Hasher};

use secfixes_apk::version::{self, InvalidReason, Op, Version};

fn hash_of(v: &Version) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_by(|a, b| version::compare(a, b));
    v
}

#[test]
fn corpus_has_the_documented_size() {
    // README: 10,299 distinct versions in the 13 Alpine indexes, plus Wolfi.
    let n = corpus().len();
    let s = sorted(corpus().iter().map(String::as_str).collect());
    let ties = s
        .windows(2)
        .filter(|w| version::compare(w[0], w[1]) == Ordering::Equal)
        .count();
    eprintln!("{n} distinct version strings, {ties} adjacent pairs apk considers equal");
    assert!((10_299..11_000).contains(&n), "{n} distinct versions");
}

/// The corpus versions that apk-tools 3 rejects. Alpine v3.10-v3.18 shipped
/// apk-tools 2.x, which accepts a letter followed by digits (alpine-formats.md
/// 1.3); 3.x does not, so these real package versions (sudo `1.9.5p2-r0`,
/// opensmtpd `6.8.0p2-r0`, android-tools `31.0.0p1-r1`, …) are invalid here.
/// One more comes from the Wolfi sample and is invalid on both.
#[test]
fn corpus_versions_invalid_on_3x_are_the_2x_only_ones() {
    let mut letter_digit = Vec::new();
    let mut other = Vec::new();
    for s in corpus() {
        if let Err(e) = Version::parse(s) {
            assert!(!version::validate(s));
            match e.reason {
                InvalidReason::Misplaced {
                    found: '0'..='9',
                    after: "a letter",
                } => letter_digit.push(s.as_str()),
                _ => other.push(e.to_string()),
            }
        } else {
            assert!(version::validate(s));
        }
    }
    assert_eq!(letter_digit.len(), 39, "{letter_digit:?}");
    for s in [
        "1.9.5p2-r0",
        "6.8.0p2-r0",
        "0.99f7-r2",
        "2020.10.19b4-r5",
        "31.0.0p1-r1",
    ] {
        assert!(letter_digit.contains(&s), "{s}");
    }
    assert_eq!(
        other,
        ["invalid apk version \"1.3.0.post0-r0\": '.' must be followed by a digit (at column 6)"]
    );
}

/// Consequence worth knowing: on 3.x, two such versions that differ only
/// after the letter compare EQUAL (both turn invalid at the same point).
#[test]
fn letter_digit_versions_collapse_on_3x() {
    assert_eq!(
        version::compare("1.9.5p1-r0", "1.9.5p2-r0"),
        Ordering::Equal
    );
    assert_eq!(
        version::compare("1.9.5p2-r0", "1.9.5-r0"),
        Ordering::Greater
    );
    assert_eq!(version::compare("1.9.5p2-r0", "1.9.6-r0"), Ordering::Less);
}

#[test]
fn every_valid_corpus_version_round_trips() {
    let mut n = 0;
    for s in corpus().iter().filter(|s| version::validate(s)) {
        let v = Version::parse(s).unwrap();
        assert_eq!(v.as_str(), s);
        let shown = v.to_string();
        assert_eq!(shown, *s);
        let again = Version::parse(&shown).unwrap();
        assert_eq!(again, v);
        assert_eq!(again.as_str(), v.as_str());
        assert_eq!(hash_of(&again), hash_of(&v));
        n += 1;
    }
    assert_eq!(n, corpus().len() - 40);
}

/// The order laws hold over every corpus string, the 3.x-invalid ones
/// included: `compare` is a total preorder on all strings.
#[test]
fn sorted_corpus_is_a_total_order() {
    let all: Vec<&str> = corpus().iter().map(String::as_str).collect();
    let s = sorted(all.clone());
    let mut equal_pairs = Vec::new();
    for w in s.windows(2) {
        let (a, b) = (w[0], w[1]);
        let ab = version::compare(a, b);
        assert_ne!(ab, Ordering::Greater, "{a} > {b} after sorting");
        assert_eq!(
            version::compare(b, a),
            ab.reverse(),
            "{a} / {b} not antisymmetric"
        );
        if ab == Ordering::Equal {
            equal_pairs.push((a, b));
        }
    }
    // Distinct valid strings that apk considers equal (e.g. `-r01` vs
    // `-r1`) are equal `Version`s with equal hashes.
    // The corpus has six: `02.18-r0 = 2.18-r0`, `008-r6 = 8-r6`, `015-r0 =
    // 15-r0`, … (a leading zero in the first component); the other tied pairs
    // are 3.x-invalid letter+digit versions such as `1.5b7-r1 = 1.5b7-r2`.
    let valid_ties: Vec<_> = equal_pairs
        .iter()
        .filter(|(a, b)| version::validate(a) && version::validate(b))
        .collect();
    assert_eq!(valid_ties.len(), 6, "{valid_ties:?}");
    for (a, b) in valid_ties {
        assert_ne!(a, b);
        let (va, vb) = (Version::parse(a).unwrap(), Version::parse(b).unwrap());
        assert_eq!(va, vb);
        assert_eq!(hash_of(&va), hash_of(&vb), "{a} / {b}");
    }

    // Sorting the valid ones as `Version`s (Ord) gives the same sequence.
    let valid_sorted: Vec<&str> = s.iter().copied().filter(|v| version::validate(v)).collect();
    let mut versions: Vec<Version> = valid_sorted
        .iter()
        .map(|s| Version::parse(s).unwrap())
        .collect();
    versions.reverse();
    versions.sort();
    for (v, t) in versions.iter().zip(&valid_sorted) {
        assert_eq!(version::compare(v.as_str(), t), Ordering::Equal);
    }
    // HashSet of Versions: one entry per equivalence class.
    let classes: HashSet<&Version> = versions.iter().collect();
    let distinct = valid_sorted
        .windows(2)
        .filter(|w| version::compare(w[0], w[1]) != Ordering::Equal)
        .count()
        + 1;
    assert_eq!(classes.len(), distinct);

    // Sorting is stable under shuffles: the same sequence up to equal items.
    let mut rng = Rng(0x5EC_F1C5);
    for round in 0..4 {
        let mut shuffled = all.clone();
        rng.shuffle(&mut shuffled);
        if round % 2 == 0 {
            shuffled.sort_by(|a, b| version::compare(a, b));
        } else {
            shuffled.sort_unstable_by(|a, b| version::compare(a, b));
        }
        for (x, y) in shuffled.iter().zip(&s) {
            assert_eq!(
                version::compare(x, y),
                Ordering::Equal,
                "round {round}: {x} / {y}"
            );
        }
    }
}

#[test]
fn random_triples_are_transitive_and_antisymmetric() {
    let s = sorted(corpus().iter().map(String::as_str).collect());
    let n = s.len();
    let mut rng = Rng(20_240_101);
    for _ in 0..300_000 {
        let (i, j, k) = (rng.below(n), rng.below(n), rng.below(n));
        let (a, b, c) = (s[i], s[j], s[k]);
        let (ab, bc, ac) = (
            version::compare(a, b),
            version::compare(b, c),
            version::compare(a, c),
        );
        assert_eq!(version::compare(b, a), ab.reverse(), "{a} / {b}");
        // Consistent with the positions in the sorted sequence.
        for ((x, y), r) in [((i, j), ab), ((j, k), bc), ((i, k), ac)] {
            match x.cmp(&y) {
                Ordering::Less => assert_ne!(r, Ordering::Greater, "{} / {}", s[x], s[y]),
                Ordering::Greater => assert_ne!(r, Ordering::Less, "{} / {}", s[x], s[y]),
                Ordering::Equal => assert_eq!(r, Ordering::Equal),
            }
        }
        // Transitivity of <= and of ==.
        if ab != Ordering::Greater && bc != Ordering::Greater {
            assert_ne!(ac, Ordering::Greater, "{a} <= {b} <= {c} but {a} > {c}");
        }
        if ab == Ordering::Equal && bc == Ordering::Equal {
            assert_eq!(ac, Ordering::Equal, "{a} = {b} = {c}");
        }
    }
}

#[test]
fn upstream_and_revision_on_the_corpus() {
    let mut with_revision = 0;
    for s in corpus().iter().filter(|s| version::validate(s)) {
        let v = Version::parse(s).unwrap();
        let up = v.upstream();
        match v.revision() {
            Some(r) => {
                with_revision += 1;
                assert_eq!(format!("{}-r{r}", up.as_str()), *s);
                assert_eq!(up.cmp(&v), Ordering::Less, "{up} < {v}");
            }
            None => assert_eq!(up.as_str(), s),
        }
        // The upstream version is a token prefix: `v ~ upstream` holds.
        assert!(version::matches(s, Op::TILDE, up.as_str()), "{s} ~ {up}");
        assert!(
            version::matches(s, Op::GREATER_EQUAL, up.as_str()),
            "{s} >= {up}"
        );
    }
    // Alpine (and Wolfi) package versions always carry -rN.
    assert_eq!(with_revision, corpus().len() - 40);
}
