//! NVD applicability statements (`configurations`), kept as the full tree.
//!
//! NVD 2.0 has `configurations[] → nodes[] → cpeMatch[]`; NVD 1.1 has
//! `configurations.nodes[]` with recursive `children`. Both are represented
//! here without loss: a 1.1 top-level node becomes one [`Configuration`] with
//! that single node, and its `children` stay children.

use serde::{Deserialize, Serialize};

/// `AND` / `OR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operator {
    /// Every operand must hold.
    And,
    /// One operand must hold (NVD's default when `operator` is absent).
    #[default]
    Or,
}

/// One configuration: true when its nodes, combined with `operator`, hold,
/// inverted when `negate` is set. The CVE applies when any configuration
/// holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Configuration {
    /// How the nodes combine.
    #[serde(default)]
    pub operator: Operator,
    /// Invert the result.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub negate: bool,
    /// The nodes.
    pub nodes: Vec<Node>,
}

/// A node: its `cpe_match` entries and `children` combined with `operator`,
/// inverted when `negate` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Node {
    /// How the operands combine.
    #[serde(default)]
    pub operator: Operator,
    /// Invert the result.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub negate: bool,
    /// Match criteria.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpe_match: Vec<CpeMatch>,
    /// Nested nodes (NVD 1.1 only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Self>,
}

/// One match criterion: a CPE 2.3 match string plus optional version bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CpeMatch {
    /// Whether a name matching this criterion is itself vulnerable. `false`
    /// marks a platform condition ("running on / with"), not an affected
    /// product.
    pub vulnerable: bool,
    /// The CPE 2.3 formatted string (`criteria`, 1.1 `cpe23Uri`), as given.
    pub criteria: String,
    /// NVD's `matchCriteriaId` (2.0 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_criteria_id: Option<String>,
    /// `versionStartIncluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_including: Option<String>,
    /// `versionStartExcluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_excluding: Option<String>,
    /// `versionEndIncluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_including: Option<String>,
    /// `versionEndExcluding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_excluding: Option<String>,
}

impl CpeMatch {
    /// Whether any of the four range bounds is present.
    pub fn has_range(&self) -> bool {
        self.version_start_including.is_some()
            || self.version_start_excluding.is_some()
            || self.version_end_including.is_some()
            || self.version_end_excluding.is_some()
    }
}

impl Configuration {
    /// Every match criterion of the configuration, depth first.
    pub fn matches(&self) -> impl Iterator<Item = &CpeMatch> {
        let mut stack: Vec<&Node> = self.nodes.iter().rev().collect();
        let mut pending: std::vec::IntoIter<&CpeMatch> = Vec::new().into_iter();
        std::iter::from_fn(move || {
            loop {
                if let Some(m) = pending.next() {
                    return Some(m);
                }
                let node = stack.pop()?;
                stack.extend(node.children.iter().rev());
                pending = node.cpe_match.iter().collect::<Vec<_>>().into_iter();
            }
        })
    }
}
