//! Property tests: binding and unbinding round-trip, parsing never panics,
//! and matching agrees with what the names mean.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use secfixes_cpe::{Attribute, Cpe, Relation, Value};

/// Characters a value may hold (printable ASCII, including every character
/// that needs quoting).
const CHARS: &[u8] = b"abcXYZ019_.-\\*?!\"#$%&'()+,/:;<=>@[]^`{|}~";

/// WFN text for a literal string: punctuation quoted.
fn quote(s: &[u8]) -> String {
    let mut out = String::new();
    for &c in s {
        if !(c.is_ascii_alphanumeric() || c == b'_') {
            out.push('\\');
        }
        out.push(char::from(c));
    }
    out
}

fn literal() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(CHARS), 1..8)
}

/// A run of wildcards at one end: nothing, `*`, or 1–3 `?`.
fn run() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("*".to_owned()),
        (1..4usize).prop_map(|n| "?".repeat(n))
    ]
}

/// A WFN value: literal body with optional wildcard runs, or `?` alone.
fn value_text(wildcards: bool) -> BoxedStrategy<String> {
    if !wildcards {
        return literal().prop_map(|b| quote(&b)).boxed();
    }
    prop_oneof![
        4 => (run(), literal(), run()).prop_map(|(a, b, c)| format!("{a}{}{c}", quote(&b))),
        1 => (1..4usize).prop_map(|n| "?".repeat(n)),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
enum Spec {
    Any,
    Na,
    Wfn(String),
}

fn spec(wildcards: bool) -> impl Strategy<Value = Spec> {
    prop_oneof![2 => Just(Spec::Any), 1 => Just(Spec::Na), 3 => value_text(wildcards).prop_map(Spec::Wfn)]
}

fn part() -> impl Strategy<Value = Spec> {
    prop_oneof![
        Just(Spec::Any),
        Just(Spec::Na),
        prop::sample::select(vec!["a", "o", "h"]).prop_map(|p| Spec::Wfn(p.to_owned()))
    ]
}

fn build(specs: &[Spec]) -> Option<Cpe> {
    let mut b = Cpe::builder();
    for (a, s) in Attribute::ALL.iter().zip(specs) {
        b = match s {
            Spec::Any => b.any(*a),
            Spec::Na => b.na(*a),
            Spec::Wfn(t) => b.wfn(*a, t),
        };
    }
    // A lone quoted hyphen is rejected (it would bind as NA).
    b.build().ok()
}

fn name_with(wildcards: bool) -> impl Strategy<Value = Cpe> {
    (part(), prop::collection::vec(spec(wildcards), 10)).prop_filter_map(
        "lone hyphen",
        |(p, rest)| {
            let mut all = vec![p];
            all.extend(rest);
            build(&all)
        },
    )
}

/// Any valid name, wildcards included.
fn name() -> impl Strategy<Value = Cpe> {
    name_with(true)
}

/// A name without wildcards.
fn plain_name() -> impl Strategy<Value = Cpe> {
    name_with(false)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fs_round_trip(cpe in name()) {
        let text = cpe.to_string();
        let back = Cpe::parse_fs(&text).unwrap();
        prop_assert_eq!(&back, &cpe);
        prop_assert_eq!(back.to_string(), text.clone());
        prop_assert_eq!(text.parse::<Cpe>().unwrap(), cpe);
    }

    #[test]
    fn uri_round_trip(cpe in name()) {
        let uri = cpe.to_uri();
        prop_assert!(!uri.contains("%7d") || cpe.to_string().contains("\\}"), "{}", uri);
        let back = Cpe::parse_uri(&uri).unwrap();
        prop_assert_eq!(&back, &cpe, "{}", uri);
        prop_assert_eq!(uri.parse::<Cpe>().unwrap(), cpe);
    }

    #[test]
    fn serde_round_trip(cpe in name()) {
        let json = serde_json::to_string(&cpe).unwrap();
        prop_assert_eq!(serde_json::from_str::<Cpe>(&json).unwrap(), cpe);
    }

    /// Strings shaped like formatted strings, valid or not: parsing never
    /// panics, and whatever parses is stable under bind → parse.
    #[test]
    fn fs_like_strings(fields in prop::collection::vec("[a-zA-Z0-9._*?:\\\\+!~-]{0,5}", 9..13)) {
        let text = format!("cpe:2.3:{}", fields.join(":"));
        if let Ok(cpe) = Cpe::parse_fs(&text) {
            // Every field was `*`, `-` or a non-empty value.
            prop_assert!(fields.iter().all(|f| !f.is_empty()), "{}", text);
            prop_assert!(Attribute::ALL.iter().all(|&a| cpe.get(a).as_str().is_none_or(|v| !v.as_wfn().is_empty())));
            let bound = cpe.to_string();
            let again = Cpe::parse_fs(&bound).unwrap();
            prop_assert_eq!(&again, &cpe);
            prop_assert_eq!(again.to_string(), bound);
        }
    }

    #[test]
    fn uri_like_strings(body in "[a-zA-Z0-9._*?:~%!+-]{0,30}") {
        let text = format!("cpe:/{body}");
        if let Ok(cpe) = Cpe::parse_uri(&text) {
            prop_assert_eq!(Cpe::parse_uri(&cpe.to_uri()).unwrap(), cpe.clone());
            prop_assert_eq!(Cpe::parse_fs(&cpe.to_string()).unwrap(), cpe);
        }
    }

    #[test]
    fn anything_never_panics(text in "\\PC{0,80}", prefix in prop::sample::select(vec!["", "cpe:2.3:", "cpe:/", "CPE:2.3:"])) {
        let input = format!("{prefix}{text}");
        let _ = Cpe::parse(&input);
        let _ = Cpe::parse_fs(&input);
        let _ = Cpe::parse_uri(&input);
    }

    /// A name equals itself; as a target, a name with wildcards is
    /// UNDEFINED.
    #[test]
    fn reflexive(cpe in name()) {
        let want = if cpe.has_wildcards() { Relation::Undefined } else { Relation::Equal };
        prop_assert_eq!(cpe.compare(&cpe), want);
    }

    /// Without wildcards, swapping source and target swaps SUBSET and
    /// SUPERSET and keeps the rest. `b` is `a` with some attributes made
    /// ANY, NA or taken from `c`, so every relation occurs.
    #[test]
    fn symmetric(a in plain_name(), c in plain_name(), picks in prop::collection::vec(0..5u8, 11)) {
        let mut builder = a.to_builder();
        for (&attr, pick) in Attribute::ALL.iter().zip(picks) {
            builder = match (pick, c.get(attr)) {
                (1, _) => builder.any(attr),
                (2, _) if attr != Attribute::Part => builder.na(attr),
                (3, Value::Str(v)) => builder.wfn(attr, v.as_wfn()),
                (3, Value::Na) => builder.na(attr),
                (3, Value::Any) => builder.any(attr),
                _ => builder,
            };
        }
        let b = builder.build().unwrap();
        let flipped = match a.compare(&b) {
            Relation::Subset => Relation::Superset,
            Relation::Superset => Relation::Subset,
            other => other,
        };
        prop_assert_eq!(b.compare(&a), flipped);
        // Covering is transitive through ANY: the all-ANY name covers both.
        let all_any = Cpe::builder().build().unwrap();
        prop_assert!(all_any.compare(&a).covers() && all_any.compare(&b).covers());
    }

    /// A pattern covers every concrete string its wildcards stand for, and
    /// not a string with too many characters for a `?` run.
    #[test]
    fn patterns_cover_their_instances(
        body in literal(),
        lead in 0..3usize, lead_n in 1..4usize, lead_fill in prop::collection::vec(prop::sample::select(CHARS), 0..6),
        trail in 0..3usize, trail_n in 1..4usize, trail_fill in prop::collection::vec(prop::sample::select(CHARS), 0..6),
    ) {
        prop_assume!(lead != 0 || trail != 0);
        let wild = |kind: usize, n: usize| match kind { 1 => "*".to_owned(), 2 => "?".repeat(n), _ => String::new() };
        // How much of the fill each side consumes in the instance.
        let take = |kind: usize, n: usize, fill: &[u8]| match kind {
            1 => fill.to_vec(),
            2 => fill[..fill.len().min(n)].to_vec(),
            _ => Vec::new(),
        };
        let pattern = format!("{}{}{}", wild(lead, lead_n), quote(&body), wild(trail, trail_n));
        let mut instance = take(lead, lead_n, &lead_fill);
        instance.extend(&body);
        instance.extend(take(trail, trail_n, &trail_fill));
        let p = Cpe::builder().wfn(Attribute::Product, &pattern).build();
        let quoted = quote(&instance);
        let t = Cpe::builder().wfn(Attribute::Product, &quoted).build();
        let (Ok(p), Ok(t)) = (p, t) else { return Ok(()) };
        prop_assert!(p.compare(&t).covers(), "{} vs {}", p, t);

        // Too long for a `?` run: the run of n plus one extra character.
        if trail == 2 && lead == 0 {
            let mut long = take(lead, lead_n, &lead_fill);
            long.extend(&body);
            long.extend(std::iter::repeat_n(b'q', trail_n + 1));
            let t = Cpe::builder().wfn(Attribute::Product, &quote(&long)).build().unwrap();
            prop_assert_eq!(p.compare(&t), Relation::Disjoint, "{} vs {}", p, t);
        }
    }
}
