//! Which products a vulnerability record names, as [`ProductKey`]s.
//!
//! The same function serves the importer (which stores the keys of every
//! record, so that the tracker can find the records relevant to a package
//! without reading them all) and the engine (which maps them to packages),
//! so the two can never disagree.

use secfixes_model::Vulnerability;
use secfixes_model::cve5::CveAffected;

use crate::nvd;
use crate::rules::ProductKey;

/// The name of a versioned origin without its version, when it has one:
/// `ffmpeg4` → `ffmpeg`, `postgresql15` → `postgresql`, `lua5.4` → `lua`,
/// `libgit2-1.0` → `libgit2`, `gtk+3.0` → `gtk+`. Distributions package
/// several release series of one upstream side by side under such names, and
/// vulnerability sources name the upstream product. The stem must keep at
/// least three characters (`x264` and `lz4` have none).
pub fn versioned_stem(name: &str) -> Option<&str> {
    let version_start = name
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let (stem, version) = name.split_at(version_start);
    if !version.starts_with(|c: char| c.is_ascii_digit()) || version.ends_with('.') {
        return None;
    }
    let stem = match stem.strip_suffix('-') {
        Some(s) => s,
        // Without a dash the version must follow a letter or `+`
        // (`python3`, `gtk+3.0`), not a digit that is part of the name.
        None if stem.ends_with(|c: char| c.is_ascii_lowercase() || c == '+') => stem,
        None => return None,
    };
    (stem.len() >= 3).then_some(stem)
}

/// Every name under which sources may refer to a package: its origin, the
/// origin's versioned stem, and its binary packages.
pub fn package_names(pkg: &secfixes_model::OriginPackage) -> impl Iterator<Item = &str> {
    std::iter::once(pkg.origin.as_str())
        .chain(versioned_stem(&pkg.origin))
        .chain(pkg.binaries.iter().map(String::as_str))
}

/// The ecosystem prefix of the distribution's own OSV records. Records of
/// `Alpine:v3.18` name the origin package and the branch exactly.
pub const DISTRO_ECOSYSTEM: &str = "Alpine";

/// The branch an OSV ecosystem names, when it is the distribution's own
/// (`Alpine:v3.18` → `v3.18`).
pub fn distro_branch(ecosystem: &str) -> Option<&str> {
    ecosystem.strip_prefix(DISTRO_ECOSYSTEM)?.strip_prefix(':')
}

/// The package ecosystem of a CVE 5 `collectionURL` (`https://pypi.org` →
/// `pypi`), lower case; `None` when unknown.
pub fn ecosystem_of_collection(url: &str) -> Option<&'static str> {
    let host = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
    Some(match host.as_str() {
        "pypi.org" | "pypi.python.org" => "pypi",
        "npmjs.com" | "registry.npmjs.org" | "npmjs.org" => "npm",
        "rubygems.org" => "rubygems",
        "crates.io" => "crates.io",
        "metacpan.org" | "cpan.org" => "cpan",
        "packagist.org" => "packagist",
        "repo.maven.apache.org" | "repo1.maven.org" => "maven",
        "pkg.go.dev" | "proxy.golang.org" => "go",
        "luarocks.org" => "luarocks",
        "nuget.org" => "nuget",
        "hex.pm" => "hex",
        _ => return None,
    })
}

/// The keys of one CVE 5 `affected[]` entry: vendor/product, every CPE, and
/// the package name in its ecosystem.
pub fn cve5_keys(entry: &CveAffected) -> Vec<ProductKey> {
    let mut out = Vec::new();
    if let Some(product) = entry.product.as_deref().filter(|p| !is_placeholder(p)) {
        let vendor = entry
            .vendor
            .as_deref()
            .filter(|v| !is_placeholder(v))
            .unwrap_or("");
        out.push(ProductKey::new(vendor, product, ""));
    }
    for cpe in &entry.cpes {
        if let Some(key) = nvd::cpe_key(cpe) {
            out.push(key);
        }
    }
    if let Some(name) = entry.package_name.as_deref().filter(|p| !is_placeholder(p)) {
        match entry
            .collection_url
            .as_deref()
            .and_then(ecosystem_of_collection)
        {
            Some(eco) => out.push(ProductKey::ecosystem(eco, name)),
            None => out.push(ProductKey::new("", name, "")),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// CNAs write `n/a` or `unspecified` where they have no vendor or product.
fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || s.eq_ignore_ascii_case("n/a")
        || s.eq_ignore_ascii_case("unspecified")
        || s == "*"
        || s == "-"
}

/// A CVE 5 entry's product in words, for evidence.
pub fn cve5_label(entry: &CveAffected) -> String {
    match (
        &entry.vendor,
        &entry.product,
        &entry.collection_url,
        &entry.package_name,
    ) {
        (_, _, Some(url), Some(name)) => format!("{url} {name}"),
        (Some(v), Some(p), _, _) => format!("{v}:{p}"),
        (None, Some(p), _, _) => p.clone(),
        (_, _, None, Some(name)) => name.clone(),
        _ => "(unnamed product)".into(),
    }
}

/// Every product key a record names (NVD vulnerable criteria, CVE 5 entries,
/// OSV packages of foreign ecosystems), sorted and without duplicates. OSV
/// entries of the distribution's own ecosystem are keyed as
/// `ecosystem:<ecosystem>` too.
pub fn record_products(rec: &Vulnerability) -> Vec<ProductKey> {
    let mut out = nvd::products(rec);
    for e in &rec.cve_affected {
        out.extend(cve5_keys(e));
    }
    for e in &rec.osv_affected {
        if let Some(name) = e.name.as_deref() {
            out.push(ProductKey::ecosystem(
                e.ecosystem.as_deref().unwrap_or(""),
                name,
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_urls() {
        assert_eq!(
            ecosystem_of_collection("https://pypi.python.org"),
            Some("pypi")
        );
        assert_eq!(
            ecosystem_of_collection("https://www.npmjs.com/"),
            Some("npm")
        );
        assert_eq!(ecosystem_of_collection("https://example.org"), None);
    }

    #[test]
    fn versioned_stems() {
        let cases = [
            ("ffmpeg4", Some("ffmpeg")),
            ("postgresql15", Some("postgresql")),
            ("lua5.4", Some("lua")),
            ("libgit2-1.0", Some("libgit2")),
            ("gtk+3.0", Some("gtk+")),
            ("python3", Some("python")),
            ("openjdk11", Some("openjdk")),
            ("x264", None),
            ("lz4", None),
            ("curl", None),
            ("qt5-qtbase", None),
            ("py3-foo", None),
            ("libgit2", Some("libgit")),
            ("1234", None),
        ];
        for (name, want) in cases {
            assert_eq!(versioned_stem(name), want, "{name}");
        }
    }

    #[test]
    fn distro_ecosystem() {
        assert_eq!(distro_branch("Alpine:v3.18"), Some("v3.18"));
        assert_eq!(distro_branch("Alpine"), None);
        assert_eq!(distro_branch("PyPI"), None);
    }
}
