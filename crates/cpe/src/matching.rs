//! Name matching (NISTIR 7696): how a source name (a pattern, such as an
//! NVD match criterion) relates to a target name, attribute by attribute
//! and as a whole. Comparisons ignore case.

use std::fmt;

use crate::value::Value;
use crate::{Attribute, Cpe};

/// The set relation between a source and a target (source first: `Superset`
/// means the source covers the target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The same set.
    Equal,
    /// The source is a proper subset of the target.
    Subset,
    /// The source is a proper superset of the target.
    Superset,
    /// No name is covered by both.
    Disjoint,
    /// Names only: some attributes are `Subset`, others `Superset`. The sets
    /// intersect but neither covers the other. NISTIR 7696 Table 6-4 leaves
    /// this mixture unassigned (one implementation reports DISJOINT, which
    /// is not true of the sets); never produced for a single attribute.
    Overlap,
    /// The target holds wildcards: NISTIR 7696 does not define the relation.
    Undefined,
}

impl Relation {
    /// Whether the source covers the target (`Superset` or `Equal`): the
    /// CPE 2.2 notion of "matches".
    pub fn covers(self) -> bool {
        matches!(self, Self::Superset | Self::Equal)
    }

    /// Whether some name is covered by both (not `Disjoint`, not
    /// `Undefined`).
    pub fn intersects(self) -> bool {
        !matches!(self, Self::Disjoint | Self::Undefined)
    }

    /// Combines attribute relations into a name relation (NISTIR 7696
    /// Table 6-4): any `Disjoint` → `Disjoint`; else any `Undefined` →
    /// `Undefined`; all `Equal` → `Equal`; `Subset`/`Equal` only → `Subset`;
    /// `Superset`/`Equal` only → `Superset`; both `Subset` and `Superset`
    /// → `Overlap`.
    pub fn combine(relations: impl IntoIterator<Item = Self>) -> Self {
        let (mut subset, mut superset, mut undefined) = (false, false, false);
        for r in relations {
            match r {
                Self::Disjoint => return Self::Disjoint,
                Self::Undefined => undefined = true,
                Self::Subset => subset = true,
                Self::Superset => superset = true,
                Self::Overlap => (subset, superset) = (true, true),
                Self::Equal => {}
            }
        }
        match (undefined, subset, superset) {
            (true, _, _) => Self::Undefined,
            (false, true, true) => Self::Overlap,
            (false, true, false) => Self::Subset,
            (false, false, true) => Self::Superset,
            (false, false, false) => Self::Equal,
        }
    }

    /// The name NISTIR 7696 uses (`SUPERSET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "EQUAL",
            Self::Subset => "SUBSET",
            Self::Superset => "SUPERSET",
            Self::Disjoint => "DISJOINT",
            Self::Overlap => "OVERLAP",
            Self::Undefined => "UNDEFINED",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The relation of a source value to a target value: NISTIR 7696
/// Table 6-2, ignoring case.
///
/// | source \ target | ANY | NA | i (no wildcards) | m+wild |
/// |---|---|---|---|---|
/// | ANY | EQUAL (1) | SUPERSET (2) | SUPERSET (3) | UNDEFINED (4) |
/// | NA | SUBSET (5) | EQUAL (6) | DISJOINT (7) | UNDEFINED (8) |
/// | i | SUBSET (13) | DISJOINT (12) | EQUAL (9) / DISJOINT (10) | UNDEFINED (11) |
/// | m+wild | SUBSET (15) | DISJOINT (16) | SUPERSET if matches, else DISJOINT (14) | UNDEFINED (17) |
pub fn compare_values(source: Value<'_>, target: Value<'_>) -> Relation {
    match (source, target) {
        (_, Value::Str(t)) if t.has_wildcards() => Relation::Undefined,
        (Value::Any, Value::Any) | (Value::Na, Value::Na) => Relation::Equal,
        (Value::Any, _) => Relation::Superset,
        (_, Value::Any) => Relation::Subset,
        (Value::Na, _) | (_, Value::Na) => Relation::Disjoint,
        (Value::Str(s), Value::Str(t)) => {
            if s.has_wildcards() {
                if s.pattern_matches(t) {
                    Relation::Superset
                } else {
                    Relation::Disjoint
                }
            } else if s.eq_ignore_case(t) {
                Relation::Equal
            } else {
                Relation::Disjoint
            }
        }
    }
}

impl Cpe {
    /// The relation of this name (the source, a pattern) to `target` for
    /// one attribute.
    pub fn compare_attribute(&self, target: &Self, attribute: Attribute) -> Relation {
        compare_values(self.get(attribute), target.get(attribute))
    }

    /// The relation of this name (the source) to `target` over all eleven
    /// attributes (see [`Relation::combine`]).
    pub fn compare(&self, target: &Self) -> Relation {
        Relation::combine(
            Attribute::ALL
                .iter()
                .map(|&a| self.compare_attribute(target, a)),
        )
    }

    /// Whether this name, as a pattern, covers `target` (`Superset` or
    /// `Equal`; CPE 2.2 "match").
    pub fn matches(&self, target: &Self) -> bool {
        self.compare(target).covers()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn combine_rules() {
        use Relation::*;
        assert_eq!(Relation::combine([Equal, Equal]), Equal);
        assert_eq!(Relation::combine([Equal, Subset]), Subset);
        assert_eq!(Relation::combine([Superset, Equal]), Superset);
        assert_eq!(Relation::combine([Superset, Subset]), Overlap);
        assert_eq!(Relation::combine([Superset, Subset, Disjoint]), Disjoint);
        assert_eq!(Relation::combine([Undefined, Disjoint]), Disjoint);
        assert_eq!(Relation::combine([Undefined, Superset]), Undefined);
        assert_eq!(Relation::combine([]), Equal);
        assert_eq!(Relation::combine([Overlap, Equal]), Overlap);
    }
}
