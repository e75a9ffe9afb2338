//! Property tests of the apk-tools 2.x order (`version::v2`): versions
//! generated from the 2.x grammar (letters followed by digits, several
//! `-rN`, leading zeros), strings near it, and arbitrary strings.
//!
//! Laws: validity of grammar output, `validate` iff `check` succeeds,
//! antisymmetry and total preorder (over valid versions and over all
//! strings), `Eq`/`Ord`/`Hash` of `SchemedVersion`, leading zeros ignored
//! where 2.x reads plain numbers, fuzzy matching of component prefixes both
//! ways round, agreement with 3.x where both apply and no leading zero is
//! involved, and no panics anywhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use proptest::sample::select;
use secfixes_apk::version::{self, Op, SUFFIXES, Scheme, SchemedVersion, v2};

/// A 2.x version built from its grammar, kept in parts so that it can be
/// respelled.
#[derive(Debug, Clone)]
struct Parts {
    first: String,
    components: Vec<String>,
    /// Letters, each but the last followed by digits (`p2`, `a1b`).
    letters: Vec<(char, String)>,
    last_letter: Option<char>,
    suffixes: Vec<(&'static str, Option<String>)>,
    revisions: Vec<String>,
}

impl Parts {
    /// The text; with `pad`, two extra leading zeros in every place 2.x
    /// reads as a plain number (the first number, the digits after a
    /// letter, suffix numbers, revisions), which must not change the order.
    fn render(&self, pad: bool) -> String {
        let z = if pad { "00" } else { "" };
        let mut s = format!("{z}{}", self.first);
        for c in &self.components {
            s.push('.');
            s.push_str(c);
        }
        for (l, digits) in &self.letters {
            s.push(*l);
            s.push_str(z);
            s.push_str(digits);
        }
        if let Some(l) = self.last_letter {
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
        for r in &self.revisions {
            s.push_str("-r");
            s.push_str(z);
            s.push_str(r);
        }
        s
    }

    /// The first number and the first `k` components.
    fn prefix(&self, k: usize) -> String {
        let mut s = self.first.clone();
        for c in self.components.iter().take(k) {
            s.push('.');
            s.push_str(c);
        }
        s
    }
}

/// Numbers of at most 15 digits, so that padding stays under 2.x's limit
/// of 17.
fn number() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[0-9]{1,3}",
        2 => "0{1,3}[0-9]{1,2}",
        1 => "[1-9][0-9]{9,14}",
    ]
    .boxed()
}

/// Few distinct values, so that ties and near-ties are common.
fn small_number() -> BoxedStrategy<String> {
    select(vec!["0", "1", "2", "00", "01", "10", "010", "001"])
        .prop_map(str::to_owned)
        .boxed()
}

fn parts_with(num: BoxedStrategy<String>) -> impl Strategy<Value = Parts> {
    (
        num.clone(),
        prop::collection::vec(num.clone(), 0..4),
        prop::collection::vec((select(vec!['a', 'b', 'p', 'z']), num.clone()), 0..3),
        prop::option::weighted(0.2, select(vec!['a', 'p', 'z'])),
        prop::collection::vec(
            (select(SUFFIXES.to_vec()), prop::option::of(num.clone())),
            0..3,
        ),
        prop::collection::vec(num, 0..3),
    )
        .prop_map(
            |(first, components, letters, last_letter, suffixes, revisions)| Parts {
                first,
                components,
                letters,
                last_letter,
                suffixes,
                revisions,
            },
        )
}

fn parts() -> impl Strategy<Value = Parts> {
    parts_with(number())
}

fn small_parts() -> impl Strategy<Value = Parts> {
    parts_with(small_number())
}

/// Versions valid under both orders: the 3.x grammar without `~hash`, at
/// most one `-rN`, and `.`-components without leading zeros (a lone `0`
/// is fine), so that the two orders must agree.
fn common_version() -> impl Strategy<Value = String> {
    let plain =
        || select(vec!["0", "1", "2", "3", "9", "10", "12", "20", "100"]).prop_map(str::to_owned);
    (
        plain(),
        prop::collection::vec(plain(), 0..4),
        prop::option::weighted(0.3, select(vec!["a", "b", "p", "z"])),
        prop::collection::vec((select(SUFFIXES.to_vec()), prop::option::of(plain())), 0..3),
        prop::option::weighted(0.6, plain()),
    )
        .prop_map(|(first, components, letter, suffixes, revision)| {
            let mut s = first;
            for c in components {
                s.push('.');
                s.push_str(&c);
            }
            s.push_str(letter.unwrap_or(""));
            for (name, n) in suffixes {
                s.push('_');
                s.push_str(name);
                s.push_str(n.as_deref().unwrap_or(""));
            }
            if let Some(r) = revision {
                s.push_str("-r");
                s.push_str(&r);
            }
            s
        })
}

/// Strings over the characters versions are made of: often invalid, often
/// only slightly.
fn versionish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-z._~-]{0,12}",
        "[0-9]{1,2}(\\.0?[0-9]{1,2}){0,2}([a-c][0-9]?){0,2}(_(alpha|pre|rc|p|foo|preview)[0-9]?){0,2}(~[0-9a-g]{0,2})?(-r[0-9]?){0,2}",
        small_parts().prop_map(|p| p.render(false)),
    ]
}

fn hash_of(v: &SchemedVersion) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Sorting, then checking every pair, proves the order total and
/// transitive on the sample: any cycle would leave a pair out of order.
fn assert_sorted_pairwise(v: &mut [String]) -> Result<(), TestCaseError> {
    v.sort_by(|a, b| v2::compare(a, b));
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            prop_assert_ne!(
                v2::compare(&v[i], &v[j]),
                Ordering::Greater,
                "{} / {}",
                v[i],
                v[j]
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn grammar_output_is_valid(p in parts()) {
        let s = p.render(false);
        prop_assert!(v2::validate(&s), "{}", s);
        prop_assert!(v2::check(&s).is_ok());
        let v = Scheme::Apk2.parse(&s).unwrap();
        prop_assert_eq!(v.as_str(), s.as_str());
        prop_assert_eq!(v2::compare(&s, &s), Ordering::Equal);
        prop_assert!(v2::matches(&s, Op::TILDE, &s));
        prop_assert!(v2::matches(&s, Op::EQUAL, &s));
    }

    #[test]
    fn check_agrees_with_validate(s in versionish()) {
        let checked = v2::check(&s);
        prop_assert_eq!(v2::validate(&s), checked.is_ok());
        prop_assert_eq!(Scheme::Apk2.validate(&s), checked.is_ok());
        if let Err(e) = checked {
            prop_assert!(e.position <= s.len());
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn no_panic_on_any_string(s in any::<String>(), t in any::<String>()) {
        prop_assert_eq!(v2::validate(&s), v2::check(&s).is_ok());
        prop_assert_eq!(v2::compare(&s, &t), v2::compare(&t, &s).reverse());
        let _ = v2::compare_fuzzy(&s, &t);
        let _ = v2::matches(&s, Op::GREATER_TILDE, &t);
        let _ = Scheme::Apk2.parse(&s);
    }

    #[test]
    fn antisymmetric_and_reflexive(a in versionish(), b in versionish()) {
        prop_assert_eq!(v2::compare(&a, &b), v2::compare(&b, &a).reverse());
        prop_assert_eq!(v2::compare(&a, &a), Ordering::Equal);
        for op in ["<", "<=", "=", ">=", ">", "~", "<~", ">~"] {
            let op = Op::parse(op).unwrap();
            prop_assert_ne!(v2::matches(&a, op, &b), v2::matches(&a, op.negated(), &b));
        }
    }

    #[test]
    fn eq_ord_hash_agree(a in small_parts(), b in small_parts()) {
        let (sa, sb) = (a.render(false), b.render(false));
        let (va, vb) = (Scheme::Apk2.parse(&sa).unwrap(), Scheme::Apk2.parse(&sb).unwrap());
        let ord = v2::compare(&sa, &sb);
        prop_assert_eq!(va.cmp(&vb), ord);
        prop_assert_eq!(va == vb, ord == Ordering::Equal);
        if va == vb {
            prop_assert_eq!(hash_of(&va), hash_of(&vb), "{} / {}", sa, sb);
        }
    }

    /// 2.x reads the first number, post-letter digits, suffix numbers and
    /// revisions as plain numbers: padding them with zeros changes nothing.
    #[test]
    fn plain_numbers_ignore_leading_zeros(p in parts()) {
        let (plain, padded) = (p.render(false), p.render(true));
        prop_assert!(v2::validate(&padded), "{}", padded);
        prop_assert_eq!(v2::compare(&plain, &padded), Ordering::Equal, "{} / {}", plain, padded);
        let (a, b) = (Scheme::Apk2.parse(&plain).unwrap(), Scheme::Apk2.parse(&padded).unwrap());
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(hash_of(&a), hash_of(&b));
    }

    /// An extra leading zero in a `.`-component makes the version lower:
    /// each extra zero weighs -1 (`1.05 > 1.005`).
    #[test]
    fn extra_leading_zeros_lower_a_component(
        p in parts(),
        extra in number(),
        k in any::<prop::sample::Index>(),
    ) {
        let mut p = p;
        if p.components.is_empty() {
            p.components.push(extra);
        }
        let k = k.index(p.components.len());
        let mut q = p.clone();
        q.components[k] = format!("0{}", p.components[k]);
        let (a, b) = (p.render(false), q.render(false));
        prop_assert_eq!(v2::compare(&a, &b), Ordering::Greater, "{} / {}", a, b);
    }

    /// 2.x's `~` matches a component prefix whichever side is the prefix.
    #[test]
    fn fuzzy_matches_component_prefixes_both_ways(p in parts(), k in 0usize..4) {
        let s = p.render(false);
        let prefix = p.prefix(k);
        prop_assert_eq!(v2::compare_fuzzy(&s, &prefix), Ordering::Equal, "{} ~ {}", s, prefix);
        prop_assert_eq!(v2::compare_fuzzy(&prefix, &s), Ordering::Equal, "{} ~ {}", prefix, s);
        prop_assert!(Scheme::Apk2.matches(&s, Op::TILDE, &prefix));
    }

    /// Where both orders accept the versions and no leading zero is
    /// involved, 2.x and 3.x give the same answer.
    #[test]
    fn agrees_with_3x_without_leading_zeros(a in common_version(), b in common_version()) {
        prop_assert!(v2::validate(&a) && version::validate(&a), "{}", a);
        prop_assert!(v2::validate(&b) && version::validate(&b), "{}", b);
        prop_assert_eq!(v2::compare(&a, &b), version::compare(&a, &b), "{} / {}", a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn total_preorder_on_valid_versions(xs in prop::collection::vec(small_parts(), 2..40)) {
        let mut v: Vec<String> = xs.iter().map(|p| p.render(false)).collect();
        assert_sorted_pairwise(&mut v)?;
    }

    /// 2.x's `compare` is a total preorder on all strings too, invalid ones
    /// included.
    #[test]
    fn total_preorder_on_all_strings(mut v in prop::collection::vec(versionish(), 2..40)) {
        assert_sorted_pairwise(&mut v)?;
    }
}
