//! NVD records in the engine: which products their configurations name,
//! and what the configurations say about one package.

use secfixes_cpe::{Attribute, Cpe};
use secfixes_model::{Evidence, VersionOrder, Vulnerability};

use crate::configuration::{Candidate, Platform, PreparedConfigurations};
use crate::outcome::Outcome;
use crate::rules::ProductKey;

fn unquoted(cpe: &Cpe, a: Attribute) -> String {
    cpe.get(a)
        .unquoted()
        .map(|s| s.into_owned())
        .unwrap_or_default()
}

/// The product key of a parsed CPE: vendor, product and target_sw,
/// unquoted (`webkitgtk\+` → `webkitgtk+`), lower case; ANY/NA are empty.
pub fn key_of(cpe: &Cpe) -> ProductKey {
    ProductKey::new(
        &unquoted(cpe, Attribute::Vendor),
        &unquoted(cpe, Attribute::Product),
        &unquoted(cpe, Attribute::TargetSw),
    )
}

/// The product key of a CPE string (2.3 or 2.2); `None` when it does not
/// parse or names no product.
pub fn cpe_key(s: &str) -> Option<ProductKey> {
    let cpe = Cpe::parse(s).ok()?;
    let key = key_of(&cpe);
    (!key.product.is_empty()).then_some(key)
}

/// The products the record's configurations say are affected (its
/// `vulnerable: true` criteria), without duplicates.
pub fn products(rec: &Vulnerability) -> Vec<ProductKey> {
    if rec.configurations.is_empty() {
        return Vec::new();
    }
    let prepared = PreparedConfigurations::new(&rec.configurations);
    let mut out: Vec<ProductKey> = prepared
        .vulnerable_products()
        .into_iter()
        .map(key_of)
        .filter(|k| !k.product.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A record's configurations, parsed once, with the candidate CPE of each
/// product they name.
pub struct NvdRecord<'a> {
    prepared: PreparedConfigurations<'a>,
    /// (key, candidate) per distinct vulnerable product.
    pub candidates: Vec<(ProductKey, Cpe)>,
}

impl<'a> NvdRecord<'a> {
    /// Parses the record's configurations.
    pub fn new(rec: &'a Vulnerability) -> Self {
        let prepared = PreparedConfigurations::new(&rec.configurations);
        let mut candidates: Vec<(ProductKey, Cpe)> = Vec::new();
        for cpe in prepared.vulnerable_products() {
            let key = key_of(cpe);
            if key.product.is_empty() || candidates.iter().any(|(k, _)| k == &key) {
                continue;
            }
            // The package as a product: the criteria's part, vendor and
            // product; everything else ANY, because a package does not say
            // which edition, language or target it is.
            let mut b = cpe.to_builder();
            for a in Attribute::ALL {
                if !matches!(a, Attribute::Part | Attribute::Vendor | Attribute::Product) {
                    b = b.any(a);
                }
            }
            if let Ok(candidate) = b.build() {
                candidates.push((key, candidate));
            }
        }
        Self {
            prepared,
            candidates,
        }
    }

    /// What the configurations say about `product` at `version`; `None` when
    /// they do not name it.
    pub fn evaluate(
        &self,
        product: &Cpe,
        version: &str,
        order: &dyn VersionOrder,
        platform: &dyn Platform,
    ) -> Option<(Outcome, Evidence)> {
        let eval = self
            .prepared
            .evaluate(&Candidate { product, version }, order, platform);
        let outcome = eval.outcome()?;
        let config = eval.deciding()?;
        let m = config.deciding()?;
        Some((
            outcome,
            Evidence::Nvd {
                configuration: config.index,
                criteria: m.criteria.clone(),
                range: m.range.clone(),
                outcome: outcome.as_str().to_owned(),
            },
        ))
    }
}
