//! Property tests of the apk version order: versions generated from the
//! grammar, "version-ish" strings near it, and arbitrary strings.
//!
//! Laws: validity of grammar output, lexer agreement (`validate` iff
//! `Version::parse` succeeds), antisymmetry, total preorder (over all
//! strings, invalid ones included), `Eq`/`Ord`/`Hash` consistency, text
//! round trips, fuzzy prefix matching, and no panics anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use proptest::sample::select;
use secfixes_apk::version::{self, Op, SUFFIXES, Version};

/// A version built from the grammar, kept in parts so it can be respelled.
#[derive(Debug, Clone)]
struct Parts {
    first: String,
    components: Vec<String>,
    letter: Option<char>,
    suffixes: Vec<(&'static str, Option<String>)>,
    hash: Option<String>,
    revision: Option<String>,
}

impl Parts {
    /// The text; with `pad`, extra leading zeros in the positions apk
    /// compares numerically (first number, suffix numbers, revision), which
    /// must not change the order.
    fn render(&self, pad: bool) -> String {
        let z = if pad { "00" } else { "" };
        let mut s = format!("{z}{}", self.first);
        for c in &self.components {
            s.push('.');
            s.push_str(c);
        }
        if let Some(l) = self.letter {
            s.push(l);
        }
        for (name, n) in &self.suffixes {
            s.push('_');
            s.push_str(name);
            if let Some(n) = n {
                s.push_str(z);
                s.push_str(n);
            }
        }
        if let Some(h) = &self.hash {
            s.push('~');
            s.push_str(h);
        }
        if let Some(r) = &self.revision {
            s.push_str("-r");
            s.push_str(z);
            s.push_str(r);
        }
        s
    }

    /// A token prefix: the first number and the first `k` components.
    fn prefix(&self, k: usize) -> String {
        let mut s = self.first.clone();
        for c in self.components.iter().take(k) {
            s.push('.');
            s.push_str(c);
        }
        s
    }
}

fn number() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[0-9]{1,3}",
        2 => "0{1,2}[0-9]{1,2}",
        // Around 2^64 = 18446744073709551616, where apk's numbers wrap.
        1 => "1844674407370955161[0-9]{1,2}",
    ]
    .boxed()
}

/// Few distinct values, so that ties and near-ties are common.
fn small_number() -> BoxedStrategy<String> {
    select(vec!["0", "1", "2", "00", "01", "10", "010"])
        .prop_map(str::to_owned)
        .boxed()
}

fn parts_with(num: BoxedStrategy<String>) -> impl Strategy<Value = Parts> {
    (
        num.clone(),
        prop::collection::vec(num.clone(), 0..4),
        prop::option::weighted(0.3, select(vec!['a', 'b', 'p', 'z'])),
        prop::collection::vec(
            (select(SUFFIXES.to_vec()), prop::option::of(num.clone())),
            0..3,
        ),
        prop::option::weighted(0.2, "[0-9a-f]{1,4}"),
        prop::option::weighted(0.6, num),
    )
        .prop_map(
            |(first, components, letter, suffixes, hash, revision)| Parts {
                first,
                components,
                letter,
                suffixes,
                hash,
                revision,
            },
        )
}

fn parts() -> impl Strategy<Value = Parts> {
    parts_with(number())
}

fn small_parts() -> impl Strategy<Value = Parts> {
    parts_with(small_number())
}

/// Strings over the characters versions are made of: mostly invalid,
/// often only slightly.
fn versionish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-z._~-]{0,12}",
        "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}[a-c]?(_(alpha|pre|rc|p|foo)[0-9]?){0,2}(~[0-9a-g]{0,2})?(-r[0-9]?){0,2}",
        small_parts().prop_map(|p| p.render(false)),
    ]
}

fn hash_of(v: &Version) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn grammar_output_is_valid_and_round_trips(p in parts()) {
        let s = p.render(false);
        prop_assert!(version::validate(&s), "{s}");
        let v = Version::parse(&s).unwrap();
        prop_assert_eq!(v.as_str(), s.as_str());
        let again: Version = v.to_string().parse().unwrap();
        prop_assert_eq!(&again, &v);
        prop_assert_eq!(again.as_str(), v.as_str());
        prop_assert_eq!(version::compare(&s, &s), Ordering::Equal);
        prop_assert!(version::matches(&s, Op::TILDE, &s));
    }

    #[test]
    fn lexer_agreement_on_versionish_strings(s in versionish()) {
        let parsed = Version::parse(&s);
        prop_assert_eq!(version::validate(&s), parsed.is_ok());
        if let Err(e) = parsed {
            // The error points into the string and renders.
            prop_assert!(e.position <= s.len());
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn lexer_agreement_and_no_panic_on_any_string(s in any::<String>(), t in any::<String>()) {
        prop_assert_eq!(version::validate(&s), Version::parse(&s).is_ok());
        prop_assert_eq!(version::compare(&s, &t), version::compare(&t, &s).reverse());
        let _ = version::compare_fuzzy(&s, &t);
        let _ = Op::parse(&s);
    }

    #[test]
    fn antisymmetric_and_reflexive(a in versionish(), b in versionish()) {
        prop_assert_eq!(version::compare(&a, &b), version::compare(&b, &a).reverse());
        prop_assert_eq!(version::compare(&a, &a), Ordering::Equal);
        // An operator and its negation never agree.
        for op in ["<", "<=", "=", ">=", ">", "~", "<~", ">~"] {
            let op = Op::parse(op).unwrap();
            prop_assert_ne!(version::matches(&a, op, &b), version::matches(&a, op.negated(), &b));
        }
    }

    #[test]
    fn eq_ord_hash_agree(a in small_parts(), b in small_parts()) {
        let (sa, sb) = (a.render(false), b.render(false));
        let (va, vb) = (Version::parse(&sa).unwrap(), Version::parse(&sb).unwrap());
        let ord = version::compare(&sa, &sb);
        prop_assert_eq!(va.cmp(&vb), ord);
        prop_assert_eq!(va == vb, ord == Ordering::Equal);
        if va == vb {
            prop_assert_eq!(hash_of(&va), hash_of(&vb), "{} / {}", sa, sb);
        }
    }

    #[test]
    fn numeric_positions_ignore_leading_zeros(p in parts()) {
        let (plain, padded) = (p.render(false), p.render(true));
        prop_assert_eq!(version::compare(&plain, &padded), Ordering::Equal, "{} / {}", plain, padded);
        let (a, b) = (Version::parse(&plain).unwrap(), Version::parse(&padded).unwrap());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(hash_of(&a), hash_of(&b));
        prop_assert_eq!(a.revision(), b.revision());
    }

    #[test]
    fn upstream_and_revision(p in parts(), r in 0u32..1000) {
        let mut p = p;
        p.revision = None;
        let up = p.render(false);
        let full = format!("{up}-r{r}");
        let v = Version::parse(&full).unwrap();
        prop_assert_eq!(v.upstream_str(), up.as_str());
        prop_assert_eq!(v.revision(), Some(u64::from(r)));
        prop_assert_eq!(version::compare(&up, &full), Ordering::Less);
        prop_assert!(version::matches(&full, Op::TILDE, &up));
    }

    #[test]
    fn fuzzy_matches_token_prefixes(p in parts(), k in 0usize..4) {
        let s = p.render(false);
        let prefix = p.prefix(k);
        prop_assert!(version::matches(&s, Op::TILDE, &prefix), "{} ~ {}", s, prefix);
        prop_assert_eq!(version::compare_fuzzy(&s, &prefix), Ordering::Equal);
        if version::compare(&s, &prefix) != Ordering::Equal {
            // The longer version never matches a shorter pattern in reverse.
            prop_assert!(!version::matches(&prefix, Op::TILDE, &s), "{} !~ {}", prefix, s);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Sorting then checking every pair proves the order total and
    /// transitive on the sample: any cycle would leave a pair out of order.
    #[test]
    fn total_preorder_on_valid_versions(xs in prop::collection::vec(small_parts(), 2..40)) {
        let mut v: Vec<String> = xs.iter().map(|p| p.render(false)).collect();
        v.sort_by(|a, b| version::compare(a, b));
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                prop_assert_ne!(version::compare(&v[i], &v[j]), Ordering::Greater, "{} / {}", v[i], v[j]);
            }
        }
    }

    /// The same holds for arbitrary version-ish strings, invalid included:
    /// apk's `compare` is a total preorder on all strings.
    #[test]
    fn total_preorder_on_all_strings(mut v in prop::collection::vec(versionish(), 2..40)) {
        v.sort_by(|a, b| version::compare(a, b));
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                prop_assert_ne!(version::compare(&v[i], &v[j]), Ordering::Greater, "{} / {}", v[i], v[j]);
            }
        }
    }
}
