//! The evaluation rules one by one, on constructed configurations, and
//! property tests of the logic.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use secfixes_cpe::Cpe;
use secfixes_matcher::configuration::{
    Candidate, Evaluation, Platform, PlatformRules, Truth, Verdict, affects,
};
use secfixes_matcher::versions::ApkOrder;
use secfixes_model::nvd::{Configuration, CpeMatch, Node, Operator};

const LOG4J: &str = "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*";

fn entry(vulnerable: bool, criteria: &str) -> CpeMatch {
    CpeMatch {
        vulnerable,
        criteria: criteria.into(),
        ..CpeMatch::default()
    }
}

/// A vulnerable entry with bounds `[start_incl, start_excl, end_incl, end_excl]`.
fn ranged(criteria: &str, bounds: [Option<&str>; 4]) -> CpeMatch {
    let [si, se, ei, ee] = bounds.map(|b| b.map(str::to_owned));
    CpeMatch {
        vulnerable: true,
        criteria: criteria.into(),
        version_start_including: si,
        version_start_excluding: se,
        version_end_including: ei,
        version_end_excluding: ee,
        ..CpeMatch::default()
    }
}

fn node(operator: Operator, entries: Vec<CpeMatch>) -> Node {
    Node {
        operator,
        negate: false,
        cpe_match: entries,
        children: vec![],
    }
}

fn config(operator: Operator, nodes: Vec<Node>) -> Configuration {
    Configuration {
        operator,
        negate: false,
        nodes,
    }
}

/// One configuration with one OR node.
fn or_config(entries: Vec<CpeMatch>) -> Configuration {
    config(Operator::Or, vec![node(Operator::Or, entries)])
}

fn eval_with(
    configs: &[Configuration],
    product: &str,
    version: &str,
    platform: &dyn Platform,
) -> Evaluation {
    let product = Cpe::parse(product).unwrap();
    affects(
        configs,
        &Candidate {
            product: &product,
            version,
        },
        &ApkOrder,
        platform,
    )
}

fn verdict(configs: &[Configuration], version: &str) -> Verdict {
    eval_with(configs, LOG4J, version, &PlatformRules::alpine()).verdict
}

#[test]
fn each_bound() {
    let c = |b| vec![or_config(vec![ranged(LOG4J, b)])];
    let si = c([Some("2.0"), None, None, None]);
    assert_eq!(verdict(&si, "2.0"), Verdict::Affected);
    assert_eq!(verdict(&si, "1.9"), Verdict::NotAffected);
    let se = c([None, Some("2.0"), None, None]);
    assert_eq!(verdict(&se, "2.0"), Verdict::NotAffected);
    assert_eq!(verdict(&se, "2.0.1"), Verdict::Affected);
    let ei = c([None, None, Some("2.5"), None]);
    assert_eq!(verdict(&ei, "2.5"), Verdict::Affected);
    assert_eq!(verdict(&ei, "2.5.1"), Verdict::NotAffected);
    let ee = c([None, None, None, Some("2.5")]);
    assert_eq!(verdict(&ee, "2.5"), Verdict::NotAffected);
    assert_eq!(verdict(&ee, "2.4.9"), Verdict::Affected);
    let both = c([Some("2.0"), None, None, Some("2.5")]);
    assert_eq!(verdict(&both, "2.3_rc1"), Verdict::Affected);
    assert_eq!(verdict(&both, "1.0"), Verdict::NotAffected);
    assert_eq!(verdict(&both, "3.0"), Verdict::NotAffected);
    let e = eval_with(&both, LOG4J, "2.1", &Truth::Unknown);
    assert_eq!(e.configurations[0].matches[0].range, ">= 2.0, < 2.5");
}

#[test]
fn incomparable_versions_are_unknown() {
    // A date as a bound (seen in NVD: `versionEndExcluding: 2021-12-13`).
    let dated = vec![or_config(vec![ranged(
        LOG4J,
        [None, None, None, Some("2021-12-13")],
    )])];
    assert_eq!(verdict(&dated, "1.0"), Verdict::Unknown);
    // An unreadable candidate version.
    let plain = vec![or_config(vec![ranged(
        LOG4J,
        [Some("2.0"), None, None, Some("2.5")],
    )])];
    assert_eq!(verdict(&plain, "latest"), Verdict::Unknown);
    // But one known-false bound decides, even next to an unreadable one.
    let mixed = vec![or_config(vec![ranged(
        LOG4J,
        [Some("2021-01-01"), None, None, Some("2.5")],
    )])];
    assert_eq!(verdict(&mixed, "3.0"), Verdict::NotAffected);
}

#[test]
fn criteria_version_without_bounds() {
    // ANY: every version, unbounded.
    let any = vec![or_config(vec![entry(true, LOG4J)])];
    let e = eval_with(&any, LOG4J, "9.9", &Truth::Unknown);
    assert_eq!(e.verdict, Verdict::Unbounded);
    assert!(e.configurations[0].matches[0].unbounded);
    assert_eq!(e.outcome(), Some(secfixes_matcher::Outcome::Unbounded));
    // NA: named, never this version.
    let na = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:apache:log4j:-:*:*:*:*:*:*:*",
    )])];
    assert_eq!(verdict(&na, "2.0"), Verdict::NotAffected);
    // A value: equal under the order (1.0 and 1.0.0 differ in apk).
    let exact = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
    )])];
    assert_eq!(verdict(&exact, "2.14.1"), Verdict::Affected);
    assert_eq!(verdict(&exact, "2.14.2"), Verdict::NotAffected);
    // Update ANY covers the apk-suffixed spellings of the version.
    assert_eq!(verdict(&exact, "2.14.1_p1"), Verdict::Affected);
    assert_eq!(verdict(&exact, "2.14.10"), Verdict::NotAffected);
    // A wildcard version is a pattern over the version text.
    let wild = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:apache:log4j:2.14.*:*:*:*:*:*:*:*",
    )])];
    assert_eq!(verdict(&wild, "2.14.1"), Verdict::Affected);
    assert_eq!(verdict(&wild, "2.15.0"), Verdict::NotAffected);
}

#[test]
fn update_joins_the_version() {
    let c = |criteria: &str| vec![or_config(vec![entry(true, criteria)])];
    let beta = c("cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*");
    assert_eq!(verdict(&beta, "2.0_beta9"), Verdict::Affected);
    assert_eq!(verdict(&beta, "2.0"), Verdict::NotAffected);
    assert_eq!(verdict(&beta, "2.0_beta8"), Verdict::NotAffected);
    let na = c("cpe:2.3:a:apache:log4j:2.0:-:*:*:*:*:*:*");
    assert_eq!(verdict(&na, "2.0"), Verdict::Affected);
    assert_eq!(verdict(&na, "2.0_beta9"), Verdict::NotAffected);
    let patch = c("cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*");
    let ssh = |v| {
        eval_with(
            &patch,
            "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*",
            v,
            &Truth::Unknown,
        )
        .verdict
    };
    assert_eq!(ssh("7.4_p1"), Verdict::Affected);
    assert_eq!(ssh("7.4_p2"), Verdict::NotAffected);
    // An update the order cannot spell: a suffixed candidate is unknown,
    // the bare version and other versions are not it.
    let sp = c("cpe:2.3:a:apache:log4j:2019.1:sp1912:*:*:*:*:*:*");
    assert_eq!(verdict(&sp, "2019.1_p1912"), Verdict::Unknown);
    assert_eq!(verdict(&sp, "2019.1"), Verdict::NotAffected);
    assert_eq!(verdict(&sp, "2.5"), Verdict::NotAffected);
    let e = eval_with(&sp, LOG4J, "2.5", &Truth::Unknown);
    assert_eq!(e.configurations[0].matches[0].range, "= 2019.1 sp1912");
}

#[test]
fn naming_the_candidate() {
    // Another vendor's product of the same name is not the candidate.
    let other_vendor = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:evil:log4j:*:*:*:*:*:*:*:*",
    )])];
    assert_eq!(verdict(&other_vendor, "2.0"), Verdict::NotApplicable);
    // Case does not matter.
    let upper = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:Apache:Log4J:*:*:*:*:*:*:*:*",
    )])];
    assert_eq!(verdict(&upper, "2.0"), Verdict::Unbounded);
    // Escapes are understood.
    let cxx = vec![or_config(vec![entry(
        true,
        r"cpe:2.3:a:sdbus-cpp_project:sdbus-c\+\+:1.0:*:*:*:*:*:*:*",
    )])];
    let e = eval_with(
        &cxx,
        r"cpe:2.3:a:sdbus-cpp_project:sdbus-c\+\+:*:*:*:*:*:*:*:*",
        "1.0",
        &Truth::Unknown,
    );
    assert_eq!(e.verdict, Verdict::Affected);
    // Criteria narrower than the candidate on an attribute the package
    // does not state (sw_edition `lts`) still name it; a stated,
    // different target_sw does not.
    let lts = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*",
    )])];
    let node = |p: &str| eval_with(&lts, p, "18.0.0", &Truth::Unknown).verdict;
    assert_eq!(
        node("cpe:2.3:a:nodejs:node.js:*:*:*:*:*:*:*:*"),
        Verdict::Unbounded
    );
    let py = vec![or_config(vec![entry(
        true,
        "cpe:2.3:a:x:lib:*:*:*:*:*:node.js:*:*",
    )])];
    let lib = |p: &str| eval_with(&py, p, "1.0", &Truth::Unknown).verdict;
    assert_eq!(
        lib("cpe:2.3:a:x:lib:*:*:*:*:*:python:*:*"),
        Verdict::NotApplicable
    );
    assert_eq!(
        lib("cpe:2.3:a:x:lib:*:*:*:*:*:node.js:*:*"),
        Verdict::Unbounded
    );
    // Part matters: the `o:` Linux kernel is not an `a:` candidate.
    let kernel = vec![or_config(vec![entry(
        true,
        "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
    )])];
    assert_eq!(
        eval_with(
            &kernel,
            "cpe:2.3:a:linux:linux_kernel:*:*:*:*:*:*:*:*",
            "6.1",
            &Truth::Unknown
        )
        .verdict,
        Verdict::NotApplicable
    );
    // A `vulnerable: false` entry never names the candidate.
    let platform_only = vec![or_config(vec![entry(false, LOG4J)])];
    assert_eq!(verdict(&platform_only, "2.0"), Verdict::NotApplicable);
    // Criteria that do not parse name nothing.
    let broken = vec![or_config(vec![entry(true, "cpe:2.3:a:apache:log4j")])];
    assert_eq!(verdict(&broken, "2.0"), Verdict::NotApplicable);
    assert_eq!(verdict(&[], "2.0"), Verdict::NotApplicable);
}

/// The "running on/with" shape: AND of an application node and a platform
/// node.
fn running_on(platform: &str) -> Vec<Configuration> {
    vec![config(
        Operator::And,
        vec![
            node(
                Operator::Or,
                vec![ranged(LOG4J, [Some("2.0"), None, None, Some("2.5")])],
            ),
            node(Operator::Or, vec![entry(false, platform)]),
        ],
    )]
}

#[test]
fn platform_conditions() {
    let windows = running_on("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*");
    assert_eq!(verdict(&windows, "2.1"), Verdict::NotAffected);
    let e = eval_with(&windows, LOG4J, "2.1", &PlatformRules::alpine());
    assert_eq!(e.configurations[0].conditions[0].truth, Truth::False);
    assert_eq!(
        eval_with(&windows, LOG4J, "2.1", &Truth::True).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval_with(&windows, LOG4J, "2.1", &Truth::Unknown).verdict,
        Verdict::Unknown
    );

    let linux = running_on("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*");
    assert_eq!(verdict(&linux, "2.1"), Verdict::Affected);
    assert_eq!(verdict(&linux, "2.6"), Verdict::NotAffected);
    // A specific kernel version: whether the host runs it is unknown.
    let old_kernel = running_on("cpe:2.3:o:linux:linux_kernel:2.6.32:*:*:*:*:*:*:*");
    assert_eq!(verdict(&old_kernel, "2.1"), Verdict::Unknown);
    // Hardware: unknown.
    let hw = running_on("cpe:2.3:h:intel:xeon:-:*:*:*:*:*:*:*");
    assert_eq!(verdict(&hw, "2.1"), Verdict::Unknown);
    // Out of range is not affected whatever the platform.
    assert_eq!(verdict(&hw, "3.0"), Verdict::NotAffected);

    // Custom rules: first match wins.
    let custom = PlatformRules::new(Truth::False).with(
        Cpe::parse("cpe:2.3:h:intel:*:*:*:*:*:*:*:*:*").unwrap(),
        Truth::True,
    );
    assert_eq!(
        eval_with(&hw, LOG4J, "2.1", &custom).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval_with(&windows, LOG4J, "2.1", &custom).verdict,
        Verdict::NotAffected
    );
}

#[test]
fn other_products() {
    let other = ranged(
        "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*",
        [None, None, None, Some("9.0")],
    );
    let mine = |end| ranged(LOG4J, [None, None, None, Some(end)]);
    // Alternatives: the other product never makes log4j affected.
    let alt = vec![or_config(vec![mine("2.0"), other.clone()])];
    assert_eq!(verdict(&alt, "1.0"), Verdict::Affected);
    assert_eq!(verdict(&alt, "3.0"), Verdict::NotAffected);
    assert_eq!(
        eval_with(&alt, LOG4J, "3.0", &Truth::True).verdict,
        Verdict::NotAffected
    );
    // Requirements: both in one AND node, or in two nodes of an AND
    // configuration: the other product's presence is unknown.
    let and_node = vec![config(
        Operator::Or,
        vec![node(Operator::And, vec![mine("2.0"), other.clone()])],
    )];
    assert_eq!(verdict(&and_node, "1.0"), Verdict::Unknown);
    assert_eq!(verdict(&and_node, "3.0"), Verdict::NotAffected);
    assert_eq!(
        eval_with(&and_node, LOG4J, "1.0", &Truth::True).verdict,
        Verdict::Affected
    );
    let and_config = vec![config(
        Operator::And,
        vec![
            node(Operator::Or, vec![mine("2.0")]),
            node(Operator::Or, vec![other.clone()]),
        ],
    )];
    assert_eq!(verdict(&and_config, "1.0"), Verdict::Unknown);
    assert_eq!(
        eval_with(&and_config, LOG4J, "1.0", &Truth::False).verdict,
        Verdict::NotAffected
    );
    // The other product as a candidate is named, and log4j is its
    // condition.
    let tomcat = eval_with(
        &and_config,
        "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*",
        "8.5",
        &PlatformRules::alpine(),
    );
    assert_eq!(tomcat.verdict, Verdict::Unknown);
}

#[test]
fn several_configurations() {
    let configs = vec![
        or_config(vec![entry(true, "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*")]),
        or_config(vec![ranged(LOG4J, [None, None, None, Some("2.0")])]),
        running_on("cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*").remove(0),
        or_config(vec![ranged(LOG4J, [Some("3.0"), None, None, Some("3.5")])]),
    ];
    let e = eval_with(&configs, LOG4J, "3.1", &PlatformRules::alpine());
    assert_eq!(e.verdict, Verdict::Affected);
    let seen: Vec<(usize, Verdict)> = e
        .configurations
        .iter()
        .map(|c| (c.index, c.verdict))
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, Verdict::NotAffected),
            (2, Verdict::NotAffected),
            (3, Verdict::Affected)
        ]
    );
    assert_eq!(e.deciding().unwrap().index, 3);
    assert_eq!(verdict(&configs, "2.1"), Verdict::NotAffected);
    // Unbounded in one configuration, bounded in another: the bounded
    // match wins.
    let mixed = vec![
        or_config(vec![entry(true, LOG4J)]),
        or_config(vec![ranged(LOG4J, [None, None, None, Some("2.0")])]),
    ];
    assert_eq!(verdict(&mixed, "1.0"), Verdict::Affected);
    assert_eq!(verdict(&mixed, "2.0"), Verdict::Unbounded);
    // Within one configuration as well.
    let same = vec![or_config(vec![
        entry(true, LOG4J),
        ranged(LOG4J, [None, None, None, Some("2.0")]),
    ])];
    assert_eq!(verdict(&same, "1.0"), Verdict::Affected);
    assert_eq!(verdict(&same, "2.0"), Verdict::Unbounded);
}

#[test]
fn negate() {
    // A negated node: every version except 2.0 ≤ v < 2.5.
    let except = |negate_node: bool, negate_config: bool| {
        let mut n = node(
            Operator::Or,
            vec![ranged(LOG4J, [Some("2.0"), None, None, Some("2.5")])],
        );
        n.negate = negate_node;
        let mut c = config(Operator::Or, vec![n]);
        c.negate = negate_config;
        vec![c]
    };
    assert_eq!(verdict(&except(true, false), "3.0"), Verdict::Affected);
    assert_eq!(verdict(&except(true, false), "2.1"), Verdict::NotAffected);
    assert_eq!(verdict(&except(false, true), "3.0"), Verdict::Affected);
    assert_eq!(verdict(&except(true, true), "2.1"), Verdict::Affected);
    assert_eq!(verdict(&except(true, true), "3.0"), Verdict::NotAffected);
    // Not running on Windows.
    let mut windows = node(
        Operator::Or,
        vec![entry(false, "cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*")],
    );
    windows.negate = true;
    let not_windows = vec![config(
        Operator::And,
        vec![
            node(
                Operator::Or,
                vec![ranged(LOG4J, [Some("2.0"), None, None, Some("2.5")])],
            ),
            windows,
        ],
    )];
    assert_eq!(verdict(&not_windows, "2.1"), Verdict::Affected);
    assert_eq!(
        eval_with(&not_windows, LOG4J, "2.1", &Truth::True).verdict,
        Verdict::NotAffected
    );
}

#[test]
fn nvd11_children() {
    // AND { children: [OR(app), OR(platform)] } under one top-level node.
    let top = Node {
        operator: Operator::And,
        negate: false,
        cpe_match: vec![],
        children: vec![
            node(
                Operator::Or,
                vec![ranged(LOG4J, [None, None, Some("2.5"), None])],
            ),
            node(
                Operator::Or,
                vec![entry(false, "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*")],
            ),
        ],
    };
    let configs = vec![Configuration {
        operator: Operator::Or,
        negate: false,
        nodes: vec![top],
    }];
    assert_eq!(verdict(&configs, "2.5"), Verdict::Affected);
    assert_eq!(verdict(&configs, "2.6"), Verdict::NotAffected);
    let e = eval_with(&configs, LOG4J, "2.5", &PlatformRules::alpine());
    assert_eq!(e.configurations[0].conditions[0].truth, Truth::True);
}

// ---- properties ----

/// Entries for the generated trees: log4j ranges, exact and unbounded
/// criteria, NA, other products, platform conditions, broken criteria.
fn any_entry() -> impl Strategy<Value = CpeMatch> {
    let bound = prop::option::of(prop::sample::select(vec![
        "1.0",
        "2.0",
        "2.5",
        "3.0",
        "2021-12-13",
    ]));
    prop_oneof![
        (bound.clone(), bound.clone(), bound.clone(), bound)
            .prop_map(|(a, b, c, d)| ranged(LOG4J, [a, b, c, d])),
        prop::sample::select(vec![
            "cpe:2.3:a:apache:log4j:2.0:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*",
            "cpe:2.3:a:apache:log4j:-:*:*:*:*:*:*:*",
            LOG4J,
            "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:log4j",
        ])
        .prop_map(|c| entry(true, c)),
        prop::sample::select(vec![
            "cpe:2.3:o:microsoft:windows:*:*:*:*:*:*:*:*",
            "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*",
            "cpe:2.3:h:intel:xeon:-:*:*:*:*:*:*:*",
            LOG4J,
        ])
        .prop_map(|c| entry(false, c)),
    ]
}

fn operator() -> impl Strategy<Value = Operator> {
    prop_oneof![Just(Operator::And), Just(Operator::Or)]
}

fn any_node() -> impl Strategy<Value = Node> {
    let leaf = (
        operator(),
        any::<bool>(),
        prop::collection::vec(any_entry(), 0..4),
    )
        .prop_map(|(operator, negate, cpe_match)| Node {
            operator,
            negate,
            cpe_match,
            children: vec![],
        });
    leaf.prop_recursive(3, 16, 3, |inner| {
        (
            operator(),
            any::<bool>(),
            prop::collection::vec(any_entry(), 0..3),
            prop::collection::vec(inner, 0..3),
        )
            .prop_map(|(operator, negate, cpe_match, children)| Node {
                operator,
                negate,
                cpe_match,
                children,
            })
    })
}

fn any_configs() -> impl Strategy<Value = Vec<Configuration>> {
    prop::collection::vec(
        (
            operator(),
            any::<bool>(),
            prop::collection::vec(any_node(), 0..3),
        )
            .prop_map(|(operator, negate, nodes)| Configuration {
                operator,
                negate,
                nodes,
            }),
        0..4,
    )
}

fn any_version() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "0.9",
        "1.0",
        "2.0",
        "2.0_beta9",
        "2.1",
        "2.5",
        "3.0",
        "x-y",
    ])
}

/// The platforms the properties run under, by index.
fn platform(i: usize) -> Box<dyn Platform> {
    match i {
        0 => Box::new(PlatformRules::alpine()),
        1 => Box::new(Truth::Unknown),
        2 => Box::new(Truth::True),
        _ => Box::new(Truth::False),
    }
}

/// `¬¬n`: a negated node around `n` with its own negation flipped.
fn double_negation(n: &Node) -> Node {
    let mut inner = n.clone();
    inner.negate = !inner.negate;
    inner.children = inner.children.iter().map(double_negation).collect();
    Node {
        operator: Operator::Or,
        negate: true,
        cpe_match: vec![],
        children: vec![inner],
    }
}

/// De Morgan: `op(x₁ … xₙ)` as `¬ dual(¬x₁ … ¬xₙ)`, every entry wrapped in
/// its own negated one-entry node.
fn de_morgan(n: &Node) -> Node {
    let dual = match n.operator {
        Operator::And => Operator::Or,
        Operator::Or => Operator::And,
    };
    let negated = |mut x: Node| {
        x.negate = !x.negate;
        x
    };
    let mut children: Vec<Node> = n
        .cpe_match
        .iter()
        .map(|m| negated(node(Operator::Or, vec![m.clone()])))
        .collect();
    children.extend(n.children.iter().map(|c| negated(de_morgan(c))));
    Node {
        operator: dual,
        negate: !n.negate,
        cpe_match: vec![],
        children,
    }
}

fn summary(e: &Evaluation) -> (Verdict, Vec<(usize, Verdict)>) {
    (
        e.verdict,
        e.configurations
            .iter()
            .map(|c| (c.index, c.verdict))
            .collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Never panics; the verdict is the strongest configuration verdict;
    /// `NotApplicable` exactly when no configuration names the candidate.
    #[test]
    fn consistent(configs in any_configs(), version in any_version(), p in 0..4usize) {
        let e = eval_with(&configs, LOG4J, version, platform(p).as_ref());
        let strongest = e.configurations.iter().map(|c| c.verdict).max().unwrap_or(Verdict::NotApplicable);
        prop_assert_eq!(e.verdict, strongest);
        prop_assert_eq!(e.verdict == Verdict::NotApplicable, e.configurations.is_empty());
        for c in &e.configurations {
            prop_assert!(!c.matches.is_empty());
            prop_assert_ne!(c.verdict, Verdict::NotApplicable);
            // Affected (or not) needs an entry naming the candidate whose
            // version test is decided (true, or false under a negation).
            if matches!(c.verdict, Verdict::Affected | Verdict::Unbounded) {
                prop_assert!(c.matches.iter().any(|m| m.truth != Truth::Unknown));
            }
        }
        // Each configuration alone gives the same per-configuration verdict.
        for c in &e.configurations {
            let alone = eval_with(std::slice::from_ref(&configs[c.index]), LOG4J, version, platform(p).as_ref());
            prop_assert_eq!(alone.verdict, c.verdict);
        }
    }

    /// negate(negate(x)) == x, on every node and on configurations.
    #[test]
    fn double_negation_is_identity(configs in any_configs(), version in any_version(), p in 0..4usize) {
        let before = eval_with(&configs, LOG4J, version, platform(p).as_ref());
        let nodes: Vec<Configuration> = configs
            .iter()
            .map(|c| Configuration { nodes: c.nodes.iter().map(double_negation).collect(), ..c.clone() })
            .collect();
        prop_assert_eq!(summary(&eval_with(&nodes, LOG4J, version, platform(p).as_ref())), summary(&before));
        // Configuration level: ¬(¬op(nodes)) as a negated configuration
        // over one negated node holding the nodes.
        let whole: Vec<Configuration> = configs
            .iter()
            .map(|c| Configuration {
                operator: Operator::Or,
                negate: !c.negate,
                nodes: vec![Node { operator: c.operator, negate: true, cpe_match: vec![], children: c.nodes.clone() }],
            })
            .collect();
        prop_assert_eq!(summary(&eval_with(&whole, LOG4J, version, platform(p).as_ref())), summary(&before));
    }

    /// De Morgan's laws hold node by node.
    #[test]
    fn de_morgan_holds(configs in any_configs(), version in any_version(), p in 0..4usize) {
        let before = eval_with(&configs, LOG4J, version, platform(p).as_ref());
        let dual: Vec<Configuration> = configs
            .iter()
            .map(|c| Configuration { nodes: c.nodes.iter().map(de_morgan).collect(), ..c.clone() })
            .collect();
        prop_assert_eq!(summary(&eval_with(&dual, LOG4J, version, platform(p).as_ref())), summary(&before));
    }
}
