//! Reading secdb documents (JSON and the 2020 YAML) through serde, keeping
//! order and raw key text, and tolerating the real files' quirks.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Secdb, SecdbPackage, SecfixEntry};

/// The top-level document, as read.
#[derive(Deserialize)]
pub(super) struct RawDoc {
    apkurl: String,
    archs: Vec<String>,
    reponame: String,
    urlprefix: String,
    #[serde(default)]
    distroversion: Option<String>,
    #[serde(default)]
    packages: Packages,
}

impl From<RawDoc> for Secdb {
    fn from(d: RawDoc) -> Self {
        Self {
            apkurl: d.apkurl,
            archs: d.archs,
            reponame: d.reponame,
            urlprefix: d.urlprefix,
            distroversion: d.distroversion,
            packages: d.packages.0,
        }
    }
}

/// `packages`: a list; `{}` and `null` mean empty (secdb issue #2; the
/// empty v3.3 community YAML has `packages:` with nothing after it).
#[derive(Default)]
struct Packages(Vec<SecdbPackage>);

#[derive(Deserialize)]
struct PkgWrapper {
    pkg: RawPkg,
}

#[derive(Deserialize)]
struct RawPkg {
    name: String,
    #[serde(default)]
    secfixes: Secfixes,
}

/// `secfixes`: an ordered map from raw key to entries; `null` is empty.
#[derive(Default)]
struct Secfixes(Vec<SecfixEntry>);

/// One key's value: a list of strings; `{}` and `null` are empty.
struct FixList(Vec<String>);

impl<'de> Deserialize<'de> for Packages {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Packages;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of packages (or `{}`/null for none)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Packages, A::Error> {
                let mut out = Vec::new();
                while let Some(w) = seq.next_element::<PkgWrapper>()? {
                    out.push(SecdbPackage {
                        name: w.pkg.name,
                        secfixes: w.pkg.secfixes.0,
                    });
                }
                Ok(Packages(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Packages, A::Error> {
                if map.next_key::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "`packages` is a non-empty object; expected a list",
                    ));
                }
                Ok(Packages(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Packages, E> {
                Ok(Packages(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Packages, E> {
                Ok(Packages(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Secfixes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Secfixes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from fixed version to a list of ids")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Secfixes, A::Error> {
                let mut out = Vec::new();
                // `String` keys: serde_yaml_ng hands over the scalar's text
                // for a string request, so `0` and `1.10` stay as written.
                while let Some(version) = map.next_key::<String>()? {
                    let fixes = map
                        .next_value::<FixList>()
                        .map_err(|e| de::Error::custom(format!("secfixes key {version:?}: {e}")))?;
                    out.push(SecfixEntry {
                        version,
                        fixes: fixes.0,
                    });
                }
                Ok(Secfixes(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Secfixes, E> {
                Ok(Secfixes(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<Secfixes, E> {
                Ok(Secfixes(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for FixList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FixList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings (or `{}`/null for none)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FixList, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(FixList(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FixList, A::Error> {
                // vuln-list-update `alpine/testdata/312-main.json`: `"2.8.0-r0": {}`.
                if map.next_key::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "a non-empty object where a list of ids was expected",
                    ));
                }
                Ok(FixList(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FixList, E> {
                Ok(FixList(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<FixList, E> {
                Ok(FixList(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}
