//! Mapping rules: from the names vulnerability sources use for a product
//! (CPE vendor/product/target_sw, CVE 5 vendor/product/packageName, OSV
//! ecosystem/name) to the distribution's origin package names.
//!
//! The rules are data. A default set ships with secfixes
//! ([`MappingRules::defaults`], `default_rules.toml`); a distribution's
//! configuration adds to it or replaces it. Rules only *propose* names: a
//! proposed name that is neither an origin nor a binary package of the
//! distribution matches nothing, so generous proposals cost nothing but a
//! hash lookup, while a missing proposal is a false negative.
//!
//! Order of application for one product key:
//! 1. `exclude` rules: the key maps to nothing (product-name collisions
//!    across vendors, e.g. a `bridge` that is not Alpine's `bridge`).
//! 2. `product` rules (explicit `vendor:product → origins`): when one
//!    matches, its origins are the answer and nothing else is proposed.
//! 3. `target_sw` / `ecosystem` rules (language rewriters such as python →
//!    `py3-`, perl `::` → `-`).
//! 4. The product name itself, lower-cased, and with `_` → `-`.

use serde::{Deserialize, Serialize};

/// A product as a vulnerability source names it. All fields lower case;
/// `target_sw` is empty when the source has none.
///
/// For CPE-based sources `vendor`/`product`/`target_sw` are the CPE
/// attributes (unquoted). For package-based sources (OSV, CVE 5
/// `packageName`), `vendor` is `ecosystem:<name>` (e.g. `ecosystem:pypi`) and
/// `product` the package name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProductKey {
    /// CPE vendor, or `ecosystem:<ecosystem>`.
    pub vendor: String,
    /// CPE product or package name.
    pub product: String,
    /// CPE target_sw, or empty.
    pub target_sw: String,
}

impl ProductKey {
    /// A key, lower-cased.
    pub fn new(vendor: &str, product: &str, target_sw: &str) -> Self {
        Self {
            vendor: vendor.to_ascii_lowercase(),
            product: product.to_ascii_lowercase(),
            target_sw: target_sw.to_ascii_lowercase(),
        }
    }

    /// A package-ecosystem key (`ecosystem:pypi`, `requests`).
    pub fn ecosystem(ecosystem: &str, name: &str) -> Self {
        Self::new(&format!("ecosystem:{ecosystem}"), name, "")
    }

    /// The ecosystem, for package-ecosystem keys.
    pub fn ecosystem_name(&self) -> Option<&str> {
        self.vendor.strip_prefix("ecosystem:")
    }
}

/// An explicit `vendor:product → origins` rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRule {
    /// The vendor; `*` or absent matches any vendor.
    #[serde(default)]
    pub vendor: Option<String>,
    /// The product.
    pub product: String,
    /// The origin names it maps to.
    pub origins: Vec<String>,
}

/// A language rewriter keyed on the CPE `target_sw`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixRule {
    /// The `target_sw` value (for `[[target_sw]]`) or the ecosystem (for
    /// `[[ecosystem]]`), lower case.
    #[serde(alias = "target_sw", alias = "ecosystem")]
    pub key: String,
    /// The prefix of the distribution's package names (`py3-`).
    pub prefix: String,
    /// Substring replacements applied to the product before prefixing
    /// (perl's `::` → `-`).
    #[serde(default)]
    pub replace: Vec<[String; 2]>,
}

/// Never map this product (or never propose this origin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludeRule {
    /// The vendor; `*` or absent for any.
    #[serde(default)]
    pub vendor: Option<String>,
    /// The product; `*` or absent for any.
    #[serde(default)]
    pub product: Option<String>,
    /// The CPE `target_sw` (plugins of another product: `jenkins`,
    /// `wordpress`); absent for any.
    #[serde(default)]
    pub target_sw: Option<String>,
    /// An origin that is never matched by name (`alpine-base`, `docs`).
    #[serde(default)]
    pub origin: Option<String>,
}

/// The whole rule set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingRules {
    /// Explicit product rules.
    #[serde(default, rename = "product")]
    pub products: Vec<ProductRule>,
    /// Language rewriters keyed on CPE `target_sw`.
    #[serde(default)]
    pub target_sw: Vec<PrefixRule>,
    /// Rewriters keyed on a package ecosystem (OSV `ecosystem`, CVE 5
    /// `collectionURL` host).
    #[serde(default)]
    pub ecosystem: Vec<PrefixRule>,
    /// Exclusions.
    #[serde(default)]
    pub exclude: Vec<ExcludeRule>,
}

/// A rules file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// Not valid TOML for the rules schema.
    #[error("mapping rules {source_name}: {message}")]
    Parse {
        /// The file.
        source_name: String,
        /// The TOML error, with its line and column.
        message: String,
    },
}

fn any_or(pattern: Option<&str>, value: &str) -> bool {
    match pattern {
        None | Some("*") => true,
        Some(p) => p.eq_ignore_ascii_case(value),
    }
}

/// `_` → `-`, lower case: the usual spelling change from CPE products to
/// Alpine package names (`http_server`, `node_js`).
fn dashed(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', ' '], "-")
}

impl MappingRules {
    /// The rules shipped with secfixes.
    pub fn defaults() -> Self {
        // The file is part of the crate; a parse failure is a build defect
        // caught by the `defaults_parse` test, not an input error.
        Self::from_toml(DEFAULT_RULES, "default_rules.toml").unwrap_or_default()
    }

    /// Parses rules from TOML text (the `[mapping]` table of the
    /// configuration, or a rules file).
    pub fn from_toml(text: &str, source_name: &str) -> Result<Self, RulesError> {
        toml::from_str(text).map_err(|e| RulesError::Parse {
            source_name: source_name.to_owned(),
            message: e.to_string(),
        })
    }

    /// Appends another rule set (configuration on top of the defaults).
    pub fn extend(&mut self, other: Self) {
        // Later rules are consulted first, so a configuration can override a
        // default product rule for the same key.
        let mut products = other.products;
        products.append(&mut self.products);
        self.products = products;
        self.target_sw.extend(other.target_sw);
        self.ecosystem.extend(other.ecosystem);
        self.exclude.extend(other.exclude);
    }

    /// Whether an origin is excluded from name matching.
    pub fn origin_excluded(&self, origin: &str) -> bool {
        self.exclude.iter().any(|e| {
            e.origin.as_deref() == Some(origin) && e.vendor.is_none() && e.product.is_none()
        })
    }

    fn key_excluded(&self, key: &ProductKey) -> bool {
        self.exclude.iter().any(|e| {
            e.origin.is_none()
                && (e.vendor.is_some() || e.product.is_some() || e.target_sw.is_some())
                && any_or(e.vendor.as_deref(), &key.vendor)
                && any_or(e.product.as_deref(), &key.product)
                && any_or(e.target_sw.as_deref(), &key.target_sw)
        })
    }

    /// The package names proposed for a product, in order of preference,
    /// without duplicates. Excluded origins are filtered out.
    pub fn names(&self, key: &ProductKey) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let push = |name: String, out: &mut Vec<String>| {
            if !name.is_empty() && !out.contains(&name) && !self.origin_excluded(&name) {
                out.push(name);
            }
        };
        if key.product.is_empty() || self.key_excluded(key) {
            return out;
        }
        let explicit: Vec<&ProductRule> = self
            .products
            .iter()
            .filter(|r| {
                r.product.eq_ignore_ascii_case(&key.product)
                    && any_or(r.vendor.as_deref(), &key.vendor)
            })
            .collect();
        if let Some(rule) = explicit.first() {
            // The most specific rule wins: one naming the vendor beats a
            // vendor wildcard.
            let rule = explicit
                .iter()
                .find(|r| r.vendor.as_deref().is_some_and(|v| v != "*"))
                .unwrap_or(rule);
            for o in &rule.origins {
                push(o.to_ascii_lowercase(), &mut out);
            }
            return out;
        }
        if let Some(eco) = key.ecosystem_name() {
            for r in self
                .ecosystem
                .iter()
                .filter(|r| r.key.eq_ignore_ascii_case(eco))
            {
                push(prefixed(r, &key.product), &mut out);
            }
        } else if !key.target_sw.is_empty() {
            for r in self
                .target_sw
                .iter()
                .filter(|r| r.key.eq_ignore_ascii_case(&key.target_sw))
            {
                push(prefixed(r, &key.product), &mut out);
            }
        }
        push(key.product.to_ascii_lowercase(), &mut out);
        push(dashed(&key.product), &mut out);
        out
    }
}

fn prefixed(rule: &PrefixRule, product: &str) -> String {
    let mut p = product.to_ascii_lowercase();
    for [from, to] in &rule.replace {
        p = p.replace(from.as_str(), to);
    }
    let p = dashed(&p);
    if p.starts_with(&rule.prefix) {
        p
    } else {
        format!("{}{p}", rule.prefix)
    }
}

/// The default rules (TOML).
pub const DEFAULT_RULES: &str = include_str!("default_rules.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn names(rules: &MappingRules, v: &str, p: &str, t: &str) -> Vec<String> {
        rules.names(&ProductKey::new(v, p, t))
    }

    #[test]
    fn defaults_parse() {
        MappingRules::from_toml(DEFAULT_RULES, "default_rules.toml").expect("default rules parse");
        assert!(!MappingRules::defaults().products.is_empty());
    }

    #[test]
    fn product_name_itself_and_dashed() {
        let r = MappingRules::defaults();
        assert_eq!(names(&r, "haxx", "curl", ""), vec!["curl"]);
        assert_eq!(names(&r, "x", "foo_bar", ""), vec!["foo_bar", "foo-bar"]);
    }

    #[test]
    fn language_rewriters() {
        let r = MappingRules::defaults();
        assert_eq!(names(&r, "python", "urllib3", "python")[0], "py3-urllib3");
        assert_eq!(names(&r, "x", "Crypt::JWT", "perl")[0], "perl-crypt-jwt");
        assert_eq!(names(&r, "x", "rack", "ruby")[0], "ruby-rack");
        assert_eq!(names(&r, "x", "lpeg", "lua")[0], "lua-lpeg");
    }

    #[test]
    fn explicit_rules_win_and_vendor_specific_beats_wildcard() {
        let r = MappingRules::defaults();
        assert_eq!(names(&r, "apache", "http_server", ""), vec!["apache2"]);
        assert_eq!(
            names(&r, "mozilla", "network_security_services", ""),
            vec!["nss"]
        );
        let mut custom = MappingRules::default();
        custom.products.push(ProductRule {
            vendor: None,
            product: "x".into(),
            origins: vec!["any".into()],
        });
        custom.products.push(ProductRule {
            vendor: Some("v".into()),
            product: "x".into(),
            origins: vec!["vx".into()],
        });
        assert_eq!(names(&custom, "v", "x", ""), vec!["vx"]);
        assert_eq!(names(&custom, "w", "x", ""), vec!["any"]);
    }

    #[test]
    fn exclusions() {
        let r = MappingRules::defaults();
        assert!(r.origin_excluded("alpine-base"));
        assert!(names(&r, "x", "alpine-base", "").is_empty());
        // Plugins of other products and vendors whose products collide.
        assert!(names(&r, "jenkins", "git", "jenkins").is_empty());
        assert!(names(&r, "x", "email", "wordpress").is_empty());
        assert!(names(&r, "samsung", "email", "").is_empty());
        assert_eq!(names(&r, "git-scm", "git", ""), vec!["git"]);
        let mut custom = MappingRules::default();
        custom.exclude.push(ExcludeRule {
            vendor: Some("evil".into()),
            product: Some("curl".into()),
            target_sw: None,
            origin: None,
        });
        assert!(names(&custom, "evil", "curl", "").is_empty());
        assert_eq!(names(&custom, "haxx", "curl", ""), vec!["curl"]);
    }

    #[test]
    fn ecosystems() {
        let r = MappingRules::defaults();
        assert_eq!(
            r.names(&ProductKey::ecosystem("PyPI", "Jinja2"))[0],
            "py3-jinja2"
        );
        assert_eq!(
            r.names(&ProductKey::ecosystem("RubyGems", "rack"))[0],
            "ruby-rack"
        );
    }

    #[test]
    fn config_rules_override_defaults() {
        let mut r = MappingRules::defaults();
        let extra = MappingRules::from_toml(
            "[[product]]\nvendor = \"apache\"\nproduct = \"http_server\"\norigins = [\"httpd\"]\n",
            "test",
        )
        .unwrap();
        r.extend(extra);
        assert_eq!(names(&r, "apache", "http_server", ""), vec!["httpd"]);
    }

    #[test]
    fn bad_rules_name_the_source_and_line() {
        let err = MappingRules::from_toml("[[product]]\nvendr = 1\n", "rules.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("rules.toml"), "{msg}");
        assert!(msg.contains("line 2") || msg.contains("vendr"), "{msg}");
    }
}
