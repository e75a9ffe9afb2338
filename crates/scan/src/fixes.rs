//! The fixes known per origin, merged from every source given: secdb
//! documents (`main.json`, `community.json`, the 2020 YAML) and the
//! `SECFIXES` member of annotated indexes.
//!
//! Keys are read with the version order of the system ([`Scheme`]): a key
//! that is not a valid version under it is a [`Warning::InvalidSecdbKey`]
//! and decides nothing; key `0` goes to [`OriginFixes::not_affected`].

use std::collections::HashMap;

use secfixes_apk::annotate::SecfixesIndex;
use secfixes_apk::secdb::Secdb;
use secfixes_apk::secfixes::split_entry;
use secfixes_apk::version::{Scheme, SchemedVersion};
use secfixes_model::VulnId;

use crate::report::Warning;

/// One (fixed version, id) pair of an origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFix {
    /// The version that fixed it.
    pub version: SchemedVersion,
    /// The id.
    pub id: VulnId,
    /// Index of the source in [`FixTable::sources`] (the first that said so).
    pub source: usize,
}

/// What is known about one origin.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OriginFixes {
    /// Every (version, id) pair, without duplicates, in the order read.
    pub fixes: Vec<KnownFix>,
    /// Ids recorded under key `0`.
    pub not_affected: Vec<VulnId>,
}

/// The fixes of every origin, from all sources.
#[derive(Debug, Clone)]
pub struct FixTable {
    scheme: Scheme,
    sources: Vec<String>,
    origins: HashMap<String, OriginFixes>,
    warnings: Vec<Warning>,
}

impl FixTable {
    /// An empty table comparing versions with `scheme`.
    pub fn new(scheme: Scheme) -> Self {
        Self {
            scheme,
            sources: Vec::new(),
            origins: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    /// The version order.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The sources added, by index.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The warnings raised while adding sources.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Whether no source added any origin.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// What is known about an origin.
    pub fn origin(&self, name: &str) -> Option<&OriginFixes> {
        self.origins.get(name)
    }

    /// Number of origins known.
    pub fn origin_count(&self) -> usize {
        self.origins.len()
    }

    fn add_source(&mut self, label: &str) -> usize {
        self.sources.push(label.to_owned());
        self.sources.len() - 1
    }

    fn add_key<I>(&mut self, source: usize, origin: &str, key: &str, ids: I)
    where
        I: IntoIterator<Item = VulnId>,
    {
        if key == "0" {
            let o = self.origins.entry(origin.to_owned()).or_default();
            for id in ids {
                if !o.not_affected.contains(&id) {
                    o.not_affected.push(id);
                }
            }
            return;
        }
        let version = match self.scheme.parse(key) {
            Ok(v) => v,
            Err(e) => {
                self.warnings.push(Warning::InvalidSecdbKey {
                    source: self.sources.get(source).cloned().unwrap_or_default(),
                    origin: origin.to_owned(),
                    key: key.to_owned(),
                    reason: e.to_string(),
                });
                return;
            }
        };
        let o = self.origins.entry(origin.to_owned()).or_default();
        for id in ids {
            if !o.fixes.iter().any(|f| f.id == id && f.version == version) {
                o.fixes.push(KnownFix {
                    version: version.clone(),
                    id,
                    source,
                });
            }
        }
    }

    /// Adds a secdb document; `label` names it (path or URL) in findings and
    /// warnings.
    pub fn add_secdb(&mut self, label: &str, db: &Secdb) {
        let source = self.add_source(label);
        for pkg in &db.packages {
            // An origin listed with only empty keys is still "known".
            self.origins.entry(pkg.name.clone()).or_default();
            for entry in &pkg.secfixes {
                let ids = entry.fixes.iter().flat_map(|s| split_entry(s).ids);
                self.add_key(source, &pkg.name, &entry.version, ids);
            }
        }
    }

    /// Adds the `SECFIXES` member of an annotated index.
    pub fn add_secfixes_index(&mut self, label: &str, idx: &SecfixesIndex) {
        let source = self.add_source(label);
        for rec in &idx.records {
            self.origins.entry(rec.origin.clone()).or_default();
            for line in &rec.fixes {
                self.add_key(source, &rec.origin, &line.version, line.ids.iter().cloned());
            }
            if !rec.not_affected.is_empty() {
                self.add_key(source, &rec.origin, "0", rec.not_affected.iter().cloned());
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_with_the_scheme_and_zero_is_not_a_fix() {
        let db = Secdb::from_json_str(
            r#"{"apkurl":"a","archs":[],"reponame":"main","urlprefix":"u","distroversion":"v3.13","packages":[
                {"pkg":{"name":"sudo","secfixes":{"1.9.5p2-r0":["CVE-2021-3156"],"0":["CVE-2019-19232"]}}},
                {"pkg":{"name":"xen","secfixes":{"4.10-1-r1":["XSA-252"],"4.10.0-r2":["CVE-2018-7540 XSA-252","CVE-2018-7540"]}}},
                {"pkg":{"name":"empty","secfixes":{}}}]}"#,
        )
        .unwrap();
        let mut t2 = FixTable::new(Scheme::Apk2);
        t2.add_secdb("main.json", &db);
        let sudo = t2.origin("sudo").unwrap();
        assert_eq!(sudo.fixes.len(), 1);
        assert_eq!(sudo.not_affected[0].as_str(), "CVE-2019-19232");
        // `4.10-1-r1` is invalid under both schemes; the duplicate id of the
        // same key is kept once.
        let xen = t2.origin("xen").unwrap();
        let ids: Vec<_> = xen
            .fixes
            .iter()
            .map(|f| (f.version.as_str(), f.id.as_str()))
            .collect();
        assert_eq!(
            ids,
            [("4.10.0-r2", "CVE-2018-7540"), ("4.10.0-r2", "XSA-252")]
        );
        assert!(t2.origin("empty").unwrap().fixes.is_empty());
        assert_eq!(t2.warnings().len(), 1);
        assert!(
            matches!(&t2.warnings()[0], Warning::InvalidSecdbKey { key, origin, .. } if key == "4.10-1-r1" && origin == "xen")
        );

        let mut t3 = FixTable::new(Scheme::Apk3);
        t3.add_secdb("main.json", &db);
        assert!(
            t3.origin("sudo").unwrap().fixes.is_empty(),
            "1.9.5p2 is not a version for apk-tools 3"
        );
        assert_eq!(t3.warnings().len(), 2);
    }
}
