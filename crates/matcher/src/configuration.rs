//! Evaluating NVD applicability statements (`configurations`) for one
//! candidate product and version.
//!
//! The candidate is a distribution package seen as an upstream product: a
//! CPE name (typically `cpe:2.3:a:<vendor>:<product>:*:…`) and the
//! package's upstream version (apk's `-rN` already stripped).
//!
//! # Rules
//! Three-valued (Kleene) logic throughout: [`Truth::Unknown`] wherever the
//! data cannot be decided, never a guess.
//!
//! - The CVE applies if **any** configuration holds. A configuration
//!   combines its nodes with its operator (absent = OR), then `negate`; a
//!   node combines its `cpeMatch` entries and (NVD 1.1) `children` with its
//!   operator, then `negate`.
//! - A `vulnerable: true` entry **names the candidate** when its criteria
//!   and the candidate intersect on every attribute but `version` and
//!   `update` (NISTIR 7696 relation SUPERSET, EQUAL or — deliberately —
//!   SUBSET/OVERLAP: the candidate leaves `sw_edition`, `target_sw`, … ANY
//!   because the package does not say, and criteria such as
//!   `a:nodejs:node.js:*:*:*:*:lts:*:*:*` or `a:gitlab:gitlab:…:community:…`
//!   still name it; DISJOINT or UNDEFINED never do). Its truth is the
//!   version test:
//!   - with bounds (`versionStart/End Including/Excluding`): every present
//!     bound must hold under the version order;
//!   - without bounds, the criteria's own version decides: ANY → true for
//!     every version, marked *unbounded* (the tracker shows "possibly
//!     vulnerable"); NA → false; a value → equal under the order, where a
//!     set `update` joins the version as a pre-release/patch suffix
//!     (`2.0` + `beta9` → `2.0-beta9`, which the apk order reads as
//!     `2.0_beta9`). When that joined form cannot be compared (`1.3` +
//!     `rc2-ef`), a candidate that is the version plus a suffix
//!     (`1.3_rc2`) is unknown; the bare version and any other version are
//!     not it. With `update`
//!     ANY, the version plus an apk suffix (`2.0_p1` for `2.0`) counts as
//!     that version. A version with wildcards (`9.*`) is matched as a CPE
//!     pattern against the candidate version.
//!   - When the order cannot compare (an unparseable bound or version) the
//!     truth is unknown.
//! - `vulnerable: false` entries are platform **conditions** ("running
//!   on/with"), never affected products; their truth comes from a
//!   [`Platform`].
//! - `vulnerable: true` entries for **other** products never make the
//!   candidate vulnerable. As an alternative (inside an OR) they do not
//!   count; as a requirement (inside an AND) they are a condition whose
//!   truth the [`Platform`] gives (unknown by default).
//! - An entry whose criteria does not parse is a condition of unknown
//!   truth that never names the candidate.
//! - Affected only if a configuration holds **through** a true entry naming
//!   the candidate; not affected when the candidate is named but no
//!   configuration can hold that way; [`Verdict::NotApplicable`] when no
//!   configuration names the candidate at all.
//!
//! # "Holds through the candidate"
//! Each node yields three Kleene values: `holds`; `affected` — holds with a
//! true candidate entry among the operands that make it hold; `spared` —
//! fails with a false candidate entry among the operands that make it fail.
//! For OR: `holds = ∨hᵢ`, `affected = ∨aᵢ`, `spared = ∨sᵢ ∧ ∧¬hᵢ`; for
//! AND: `holds = ∧hᵢ`, `affected = ∨aᵢ ∧ ∧hᵢ`, `spared = ∨sᵢ`; `negate`
//! swaps `affected` and `spared` and inverts `holds`. So `OR(candidate
//! false, other product)` is not affected (the other product is an
//! alternative), `AND(candidate true, platform unknown)` is unknown,
//! `AND(candidate true, windows false)` is not affected, negation is an
//! involution and De Morgan's laws hold. (NVD publishes no normative
//! algorithm; `negate` does not occur in the feeds of the corpus.)

use std::cmp::Ordering;
use std::fmt;

use secfixes_cpe::{Attribute, Cpe, ParseError, Value};
use secfixes_model::VersionOrder;
use secfixes_model::nvd::{Configuration, CpeMatch, Node, Operator};
use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;

/// A Kleene truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// Known false.
    False,
    /// Not known.
    Unknown,
    /// Known true.
    True,
}

impl Truth {
    /// `true` → `True`, `false` → `False`.
    pub fn from_bool(b: bool) -> Self {
        if b { Self::True } else { Self::False }
    }

    /// Kleene conjunction (the minimum).
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        self.min(other)
    }

    /// Kleene disjunction (the maximum).
    #[must_use]
    pub fn or(self, other: Self) -> Self {
        self.max(other)
    }

    /// `true`, `unknown`, `false`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::False => "false",
            Self::Unknown => "unknown",
            Self::True => "true",
        }
    }
}

/// Kleene negation.
impl std::ops::Not for Truth {
    type Output = Self;

    fn not(self) -> Self {
        match self {
            Self::False => Self::True,
            Self::Unknown => Self::Unknown,
            Self::True => Self::False,
        }
    }
}

impl fmt::Display for Truth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known about the platform a package runs on: the truth of a
/// condition entry (`vulnerable: false`, or a vulnerable entry for another
/// product required alongside the candidate).
pub trait Platform {
    /// The truth of `criteria` (the parsed `entry.criteria`) as a condition.
    fn condition(&self, criteria: &Cpe, entry: &CpeMatch) -> Truth;
}

/// A platform that knows nothing, or everything alike: every condition has
/// this truth.
impl Platform for Truth {
    fn condition(&self, _: &Cpe, _: &CpeMatch) -> Truth {
        *self
    }
}

/// A platform described by CPE patterns: the first pattern that covers a
/// condition's criteria gives its truth; otherwise the default.
///
/// A `True` rule only says the platform *is* that product; whether its
/// version is in a condition's range is not known, so a condition with a
/// specific version or bounds becomes `Unknown` (`False` stays `False`:
/// no version of Windows is the platform).
#[derive(Debug, Clone)]
pub struct PlatformRules {
    rules: Vec<(Cpe, Truth)>,
    default: Truth,
}

impl PlatformRules {
    /// No rules; every condition is `default`.
    pub fn new(default: Truth) -> Self {
        Self {
            rules: Vec::new(),
            default,
        }
    }

    /// Adds a rule (consulted after the earlier ones).
    #[must_use]
    pub fn with(mut self, pattern: Cpe, truth: Truth) -> Self {
        self.rules.push((pattern, truth));
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[(Cpe, Truth)] {
        &self.rules
    }

    /// An Alpine-like Linux distribution:
    /// - true: the Linux kernel (`o:linux:linux_kernel`) and
    ///   `o:alpinelinux:alpine_linux`;
    /// - false: other operating systems — every `o:microsoft` and
    ///   `o:apple` product (Windows, macOS, iOS, …), Android and ChromeOS,
    ///   the BSDs, Solaris, AIX, HP-UX;
    /// - unknown: everything else — hardware (the distribution runs on
    ///   many CPUs and boards, and `h:` conditions are mostly about
    ///   appliances whose firmware the candidate is not), applications a
    ///   package may run with (`a:wordpress:wordpress`, `a:jenkins:jenkins`),
    ///   other Linux distributions.
    pub fn alpine() -> Self {
        const TRUE: &[&str] = &["o:linux:linux_kernel", "o:alpinelinux:alpine_linux"];
        const FALSE: &[&str] = &[
            "o:microsoft:*",
            "o:apple:*",
            "o:google:android",
            "o:google:chrome_os",
            "o:freebsd:freebsd",
            "o:openbsd:openbsd",
            "o:netbsd:netbsd",
            "o:oracle:solaris",
            "o:sun:solaris",
            "o:sun:sunos",
            "o:ibm:aix",
            "o:hp:hp-ux",
        ];
        let mut rules = Self::new(Truth::Unknown);
        for (list, truth) in [(TRUE, Truth::True), (FALSE, Truth::False)] {
            for short in list {
                // The list is part of the crate; a typo is caught by the
                // `alpine_platform` test, not at run time.
                if let Ok(p) = Cpe::parse_fs(&format!("cpe:2.3:{short}:*:*:*:*:*:*:*:*")) {
                    rules.rules.push((p, truth));
                }
            }
        }
        rules
    }
}

impl Platform for PlatformRules {
    fn condition(&self, criteria: &Cpe, entry: &CpeMatch) -> Truth {
        let Some(truth) = self
            .rules
            .iter()
            .find(|(p, _)| p.compare(criteria).covers())
            .map(|r| r.1)
        else {
            return self.default;
        };
        let versioned = entry.has_range() || criteria.version().as_str().is_some();
        if truth == Truth::True && versioned {
            Truth::Unknown
        } else {
            truth
        }
    }
}

/// The product and version being asked about.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// The product (its version attribute is ignored).
    pub product: &'a Cpe,
    /// The upstream version.
    pub version: &'a str,
}

/// What the configurations say about a candidate, strongest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// No configuration names the candidate.
    NotApplicable,
    /// Named, but no configuration holds through it (version outside every
    /// range, or the platform rules it out).
    NotAffected,
    /// Named, and the data cannot tell.
    Unknown,
    /// Affected in every version: only criteria without any version
    /// information hold.
    Unbounded,
    /// Affected: the version is in a range or equal to a listed version.
    Affected,
}

impl Verdict {
    /// The matcher's outcome; `None` for `NotApplicable`.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Self::NotApplicable => None,
            Self::NotAffected => Some(Outcome::NotAffected),
            Self::Unknown => Some(Outcome::Unknown),
            Self::Unbounded => Some(Outcome::Unbounded),
            Self::Affected => Some(Outcome::Affected),
        }
    }

    fn of(affected: Truth, bounded: Truth) -> Self {
        match (affected, bounded) {
            (Truth::True, Truth::True) => Self::Affected,
            (Truth::True, _) => Self::Unbounded,
            (Truth::Unknown, _) => Self::Unknown,
            (Truth::False, _) => Self::NotAffected,
        }
    }
}

/// The evaluation of all configurations of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The strongest verdict of any configuration (`NotApplicable` when
    /// none names the candidate).
    pub verdict: Verdict,
    /// The configurations that name the candidate, in record order.
    pub configurations: Vec<ConfigurationResult>,
}

impl Evaluation {
    /// The matcher's outcome; `None` when the candidate is not named.
    pub fn outcome(&self) -> Option<Outcome> {
        self.verdict.outcome()
    }

    /// The configuration that decided the verdict (the first with it).
    pub fn deciding(&self) -> Option<&ConfigurationResult> {
        self.configurations
            .iter()
            .find(|c| c.verdict == self.verdict)
    }
}

/// One configuration that names the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigurationResult {
    /// Index of the configuration in the record (NVD 1.1: of the top-level
    /// node).
    pub index: usize,
    /// What this configuration says.
    pub verdict: Verdict,
    /// The entries naming the candidate, in order.
    pub matches: Vec<MatchResult>,
    /// The condition entries (`vulnerable: false`) of the configuration
    /// and what the platform said of them.
    pub conditions: Vec<ConditionResult>,
}

impl ConfigurationResult {
    /// The entry to show as the reason: the first true one, else the first
    /// unknown one, else the first.
    pub fn deciding(&self) -> Option<&MatchResult> {
        let first = |t| self.matches.iter().find(|m| m.truth == t);
        first(Truth::True)
            .or_else(|| first(Truth::Unknown))
            .or(self.matches.first())
    }
}

/// An entry naming the candidate and its version test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchResult {
    /// The criteria, as given.
    pub criteria: String,
    /// The versions it covers, in words (`>= 2.0.1, < 2.3.1`, `= 2.0 beta9`,
    /// empty for all versions, `none` for NA).
    pub range: String,
    /// Whether the candidate version is covered.
    pub truth: Truth,
    /// No version information at all (version ANY, no bounds).
    pub unbounded: bool,
}

/// A condition entry and its truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionResult {
    /// The criteria, as given.
    pub criteria: String,
    /// What the platform said (unknown when the criteria does not parse).
    pub truth: Truth,
}

/// Configurations with their criteria parsed once, for evaluating many
/// candidates.
#[derive(Debug, Clone)]
pub struct PreparedConfigurations<'c> {
    configs: &'c [Configuration],
    /// One per `cpeMatch` entry, in evaluation order (per configuration,
    /// per node: its entries, then its children).
    names: Vec<Result<Cpe, ParseError>>,
}

/// Calls `f` on every entry of `node` in evaluation order.
fn each_entry<'c>(node: &'c Node, f: &mut dyn FnMut(&'c CpeMatch)) {
    for m in &node.cpe_match {
        f(m);
    }
    for child in &node.children {
        each_entry(child, f);
    }
}

impl<'c> PreparedConfigurations<'c> {
    /// Parses every criteria.
    pub fn new(configs: &'c [Configuration]) -> Self {
        let mut names = Vec::new();
        for c in configs {
            for node in &c.nodes {
                each_entry(node, &mut |m| names.push(Cpe::parse(&m.criteria)));
            }
        }
        Self { configs, names }
    }

    /// The criteria that did not parse.
    pub fn parse_errors(&self) -> impl Iterator<Item = &ParseError> {
        self.names.iter().filter_map(|r| r.as_ref().err())
    }

    /// The parsed criteria of every `vulnerable: true` entry (the products
    /// the record says are affected), in order, with repeats.
    pub fn vulnerable_products(&self) -> Vec<&Cpe> {
        let mut out = Vec::new();
        let mut k = 0;
        for c in self.configs {
            for node in &c.nodes {
                each_entry(node, &mut |m| {
                    if m.vulnerable
                        && let Some(Ok(cpe)) = self.names.get(k)
                    {
                        out.push(cpe);
                    }
                    k += 1;
                });
            }
        }
        out
    }

    /// Evaluates the configurations for a candidate.
    pub fn evaluate(
        &self,
        candidate: &Candidate<'_>,
        order: &dyn VersionOrder,
        platform: &dyn Platform,
    ) -> Evaluation {
        let mut results = Vec::new();
        let mut cursor = 0;
        for (index, config) in self.configs.iter().enumerate() {
            let start = cursor;
            let mut ctx = Ctx {
                names: &self.names,
                cursor: start,
                candidate,
                order,
                platform,
                bounded_only: false,
                matches: Some(Vec::new()),
                conditions: Vec::new(),
            };
            let all = ctx.config(config);
            cursor = ctx.cursor;
            let matches = ctx.matches.take().unwrap_or_default();
            if matches.is_empty() {
                continue;
            }
            let conditions = std::mem::take(&mut ctx.conditions);
            // Affected only through unbounded entries? Evaluate again with
            // those as unknown to tell `Affected` from `Unbounded`.
            let bounded = if all.affected == Truth::True
                && matches
                    .iter()
                    .any(|m| m.unbounded && m.truth == Truth::True)
            {
                let mut again = Ctx {
                    cursor: start,
                    bounded_only: true,
                    matches: None,
                    ..ctx
                };
                again.config(config).affected
            } else {
                all.affected
            };
            results.push(ConfigurationResult {
                index,
                verdict: Verdict::of(all.affected, bounded),
                matches,
                conditions,
            });
        }
        let verdict = results
            .iter()
            .map(|r| r.verdict)
            .max()
            .unwrap_or(Verdict::NotApplicable);
        Evaluation {
            verdict,
            configurations: results,
        }
    }
}

/// Evaluates `configs` for one candidate (parsing every criteria; use
/// [`PreparedConfigurations`] to evaluate many candidates).
pub fn affects(
    configs: &[Configuration],
    candidate: &Candidate<'_>,
    order: &dyn VersionOrder,
    platform: &dyn Platform,
) -> Evaluation {
    PreparedConfigurations::new(configs).evaluate(candidate, order, platform)
}

/// The three values of a node (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Eval {
    holds: Truth,
    affected: Truth,
    spared: Truth,
}

impl Eval {
    /// An entry that is not the candidate: only its truth counts.
    fn condition(t: Truth) -> Self {
        Self {
            holds: t,
            affected: Truth::False,
            spared: Truth::False,
        }
    }

    /// An entry naming the candidate.
    fn candidate(t: Truth) -> Self {
        Self {
            holds: t,
            affected: t,
            spared: !t,
        }
    }

    fn negate(self) -> Self {
        Self {
            holds: !self.holds,
            affected: self.spared,
            spared: self.affected,
        }
    }

    fn combine(op: Operator, operands: impl Iterator<Item = Self>) -> Self {
        let (mut any_h, mut all_h, mut any_a, mut any_s, mut all_not_h) = (
            Truth::False,
            Truth::True,
            Truth::False,
            Truth::False,
            Truth::True,
        );
        for e in operands {
            any_h = any_h.or(e.holds);
            all_h = all_h.and(e.holds);
            any_a = any_a.or(e.affected);
            any_s = any_s.or(e.spared);
            all_not_h = all_not_h.and(!e.holds);
        }
        match op {
            Operator::Or => Self {
                holds: any_h,
                affected: any_a,
                spared: any_s.and(all_not_h),
            },
            Operator::And => Self {
                holds: all_h,
                affected: any_a.and(all_h),
                spared: any_s,
            },
        }
    }
}

/// One pass over one configuration.
struct Ctx<'n, 'a> {
    names: &'n [Result<Cpe, ParseError>],
    cursor: usize,
    candidate: &'a Candidate<'a>,
    order: &'a dyn VersionOrder,
    platform: &'a dyn Platform,
    /// Treat true unbounded candidate entries as unknown.
    bounded_only: bool,
    /// Collects the candidate's entries (first pass only).
    matches: Option<Vec<MatchResult>>,
    conditions: Vec<ConditionResult>,
}

impl Ctx<'_, '_> {
    fn config(&mut self, config: &Configuration) -> Eval {
        let nodes: Vec<Eval> = config.nodes.iter().map(|n| self.node(n)).collect();
        let e = Eval::combine(config.operator, nodes.into_iter());
        if config.negate { e.negate() } else { e }
    }

    fn node(&mut self, node: &Node) -> Eval {
        let mut operands = Vec::with_capacity(node.cpe_match.len() + node.children.len());
        for m in &node.cpe_match {
            operands.push(self.entry(m));
        }
        for child in &node.children {
            operands.push(self.node(child));
        }
        let e = Eval::combine(node.operator, operands.into_iter());
        if node.negate { e.negate() } else { e }
    }

    fn entry(&mut self, m: &CpeMatch) -> Eval {
        let parsed = self.names.get(self.cursor);
        self.cursor += 1;
        let Some(Ok(criteria)) = parsed else {
            if !m.vulnerable && self.matches.is_some() {
                self.conditions.push(ConditionResult {
                    criteria: m.criteria.clone(),
                    truth: Truth::Unknown,
                });
            }
            return Eval::condition(Truth::Unknown);
        };
        if m.vulnerable && names_candidate(criteria, self.candidate.product) {
            let (truth, unbounded) = version_truth(m, criteria, self.candidate.version, self.order);
            if let Some(matches) = &mut self.matches {
                matches.push(MatchResult {
                    criteria: m.criteria.clone(),
                    range: describe(m, criteria),
                    truth,
                    unbounded,
                });
            }
            let t = if self.bounded_only && unbounded && truth == Truth::True {
                Truth::Unknown
            } else {
                truth
            };
            return Eval::candidate(t);
        }
        let t = self.platform.condition(criteria, m);
        if !m.vulnerable && self.matches.is_some() {
            self.conditions.push(ConditionResult {
                criteria: m.criteria.clone(),
                truth: t,
            });
        }
        Eval::condition(t)
    }
}

/// Whether `criteria` names `candidate`: no attribute but version and
/// update is DISJOINT or UNDEFINED (see the module docs).
pub fn names_candidate(criteria: &Cpe, candidate: &Cpe) -> bool {
    Attribute::ALL
        .iter()
        .filter(|a| !matches!(a, Attribute::Version | Attribute::Update))
        .all(|&a| criteria.compare_attribute(candidate, a).intersects())
}

/// The version test of an entry naming the candidate, and whether it is
/// unbounded.
fn version_truth(
    m: &CpeMatch,
    criteria: &Cpe,
    version: &str,
    order: &dyn VersionOrder,
) -> (Truth, bool) {
    if m.has_range() {
        let cmp = |bound: &Option<String>, ok: fn(Ordering) -> bool| match bound {
            None => Truth::True,
            Some(b) => order
                .compare(version, b)
                .map_or(Truth::Unknown, |o| Truth::from_bool(ok(o))),
        };
        let in_range = cmp(&m.version_start_including, |o| o != Ordering::Less)
            .and(cmp(&m.version_start_excluding, |o| o == Ordering::Greater))
            .and(cmp(&m.version_end_including, |o| o != Ordering::Greater))
            .and(cmp(&m.version_end_excluding, |o| o == Ordering::Less));
        // Bounds come with version ANY; should a value be there too, both
        // must hold.
        let exact = match criteria.version() {
            Value::Any => Truth::True,
            _ => exact_version(criteria, version, order),
        };
        return (in_range.and(exact), false);
    }
    match criteria.version() {
        Value::Any => (Truth::True, true),
        Value::Na => (Truth::False, false),
        Value::Str(_) => (exact_version(criteria, version, order), false),
    }
}

/// Whether `version` is the criteria's version (with its update).
fn exact_version(criteria: &Cpe, version: &str, order: &dyn VersionOrder) -> Truth {
    let Value::Str(wanted) = criteria.version() else {
        return Truth::from_bool(criteria.version().is_any());
    };
    if wanted.has_wildcards() {
        // `9.*`: a CPE pattern over the version text.
        return match Cpe::builder().literal(Attribute::Version, version).build() {
            Ok(name) => Truth::from_bool(
                criteria
                    .compare_attribute(&name, Attribute::Version)
                    .covers(),
            ),
            Err(_) => Truth::Unknown,
        };
    }
    let base = wanted.unquoted();
    match criteria.update() {
        Value::Str(update) => {
            let joined = format!("{base}-{}", update.unquoted());
            match order.compare(version, &joined) {
                Some(o) => Truth::from_bool(o == Ordering::Equal),
                None => match order.compare(version, &base) {
                    None => Truth::Unknown,
                    // The order cannot spell this update (`rc2-ef`,
                    // `sp1912`): the version with some suffix might be it;
                    // the bare version (update NA) and any other version
                    // are not.
                    Some(_) if suffix_of(version, &base).is_some() => Truth::Unknown,
                    Some(_) => Truth::False,
                },
            }
        }
        Value::Any | Value::Na => match order.compare(version, &base) {
            None => Truth::Unknown,
            Some(Ordering::Equal) => Truth::True,
            // Update ANY: `2.0` covers `2.0_p1`, `2.0_beta9` (NVD would
            // write those as update `p1`, `beta9`).
            Some(_)
                if criteria.update().is_any()
                    && suffix_of(version, &base).is_some_and(|s| s.starts_with('_')) =>
            {
                Truth::True
            }
            Some(_) => Truth::False,
        },
    }
}

/// The rest of `version` after `base` when it continues with a suffix
/// (`_`, `-`, `~`, `+` or a letter), not with more version numbers.
fn suffix_of<'v>(version: &'v str, base: &str) -> Option<&'v str> {
    let rest = version
        .get(base.len()..)
        .filter(|_| version.is_char_boundary(base.len()))?;
    let head = version.get(..base.len())?;
    (head.eq_ignore_ascii_case(base)
        && rest
            .starts_with(|c: char| matches!(c, '_' | '-' | '~' | '+') || c.is_ascii_alphabetic()))
    .then_some(rest)
}

/// The versions an entry covers, in words.
pub fn describe(m: &CpeMatch, criteria: &Cpe) -> String {
    if m.has_range() {
        let parts: Vec<String> = [
            (">=", &m.version_start_including),
            (">", &m.version_start_excluding),
            ("<=", &m.version_end_including),
            ("<", &m.version_end_excluding),
        ]
        .into_iter()
        .filter_map(|(op, b)| b.as_ref().map(|b| format!("{op} {b}")))
        .collect();
        return parts.join(", ");
    }
    match (criteria.version(), criteria.update()) {
        (Value::Any, _) => String::new(),
        (Value::Na, _) => "none".to_owned(),
        (Value::Str(v), Value::Str(u)) => format!("= {} {}", v.unquoted(), u.unquoted()),
        (Value::Str(v), _) => format!("= {}", v.unquoted()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn kleene() {
        use Truth::*;
        assert_eq!(True.and(Unknown), Unknown);
        assert_eq!(False.and(Unknown), False);
        assert_eq!(True.or(Unknown), True);
        assert_eq!(False.or(Unknown), Unknown);
        assert_eq!(!Unknown, Unknown);
        assert_eq!(!True, False);
    }

    #[test]
    fn alpine_platform() {
        let p = PlatformRules::alpine();
        assert_eq!(p.rules().len(), 14, "a pattern in the list did not parse");
        let cond = |s: &str| {
            let m = CpeMatch {
                vulnerable: false,
                criteria: s.into(),
                ..CpeMatch::default()
            };
            p.condition(&Cpe::parse(s).unwrap(), &m)
        };
        assert_eq!(
            cond("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"),
            Truth::True
        );
        assert_eq!(
            cond("cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*"),
            Truth::True
        );
        assert_eq!(
            cond("cpe:2.3:o:linux:linux_kernel:2.6.32:*:*:*:*:*:*:*"),
            Truth::Unknown
        );
        assert_eq!(
            cond("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"),
            Truth::False
        );
        assert_eq!(
            cond("cpe:2.3:o:microsoft:windows_10:1809:*:*:*:*:*:x64:*"),
            Truth::False
        );
        assert_eq!(cond("cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*"), Truth::False);
        assert_eq!(
            cond("cpe:2.3:o:apple:iphone_os:*:*:*:*:*:*:*:*"),
            Truth::False
        );
        assert_eq!(
            cond("cpe:2.3:o:google:android:-:*:*:*:*:*:*:*"),
            Truth::False
        );
        assert_eq!(cond("cpe:2.3:h:intel:xeon:-:*:*:*:*:*:*:*"), Truth::Unknown);
        assert_eq!(
            cond("cpe:2.3:a:wordpress:wordpress:*:*:*:*:*:*:*:*"),
            Truth::Unknown
        );
        assert_eq!(
            cond("cpe:2.3:o:debian:debian_linux:10.0:*:*:*:*:*:*:*"),
            Truth::Unknown
        );
    }

    #[test]
    fn suffixes() {
        assert_eq!(suffix_of("2.0_beta9", "2.0"), Some("_beta9"));
        assert_eq!(suffix_of("2.0beta9", "2.0"), Some("beta9"));
        assert_eq!(suffix_of("2.0.1", "2.0"), None);
        assert_eq!(suffix_of("2.0", "2.0"), None);
        assert_eq!(suffix_of("1", "2.0"), None);
        assert_eq!(suffix_of("é", "e"), None);
    }
}
