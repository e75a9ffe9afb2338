//! The tracker's configuration: one TOML file describing a distribution.
//!
//! ```toml
//! [distribution]
//! name = "alpine"
//! keys = "/etc/apk/keys"            # trusted index-signing keys (default for every repo)
//!
//! [[branch]]
//! name = "v3.18"
//! aports = "/srv/aports-3.18"       # checkout: <aports>/<repo>/<origin>/APKBUILD
//! version_scheme = "apk2"           # optional: apk-tools 2 or 3 version order
//!
//!   [[branch.repo]]
//!   name = "main"
//!   index = ["https://dl-cdn.alpinelinux.org/alpine/v3.18/main/x86_64/APKINDEX.tar.gz"]
//!   secdb = "https://secdb.alpinelinux.org/v3.18/main.json"      # optional
//!   rejections = "…/main.yaml"                                    # optional
//!   allow_untrusted = false                                       # optional
//!
//! [feeds]
//! nvd = ["nvd/nvdcve-1.1-*.json.gz"]    # NVD 1.1 or 2.0 (detected)
//! cve5 = ["cvelistV5.tar.gz"]
//! osv = []
//! kev = ["known_exploited_vulnerabilities.json"]
//! epss = []
//! advisories = []                       # Wolfi-style *.advisories.yaml
//!
//! [mapping]                             # extra mapping rules (see default_rules.toml)
//! replace_defaults = false
//! [[mapping.product]]
//! vendor = "apache"
//! product = "http_server"
//! origins = ["apache2"]
//! ```
//!
//! Locations are paths or `http(s)://` URLs. Paths may use `${VAR}` and
//! `${VAR:-default}` (environment variables), are relative to the
//! configuration file, and may contain glob patterns (`*`, `?`, `[…]`),
//! expanded in sorted order; a pattern that matches nothing is an error, so a
//! typo never silently drops a source.

use std::fmt;
use std::path::{Path, PathBuf};

use secfixes_apk::version::Scheme;
use secfixes_matcher::MappingRules;
use serde::Deserialize;

/// A configuration that cannot be used; the message names the file and,
/// where it applies, the line, key and value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The TOML is invalid, or does not fit the schema.
    #[error("{}: {message}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong (the TOML parser's message names line and column).
        message: String,
    },
}

/// Where a source is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// A file or directory.
    Path(PathBuf),
    /// An `http://` or `https://` URL.
    Url(String),
}

impl Location {
    /// Parses a location as written on a command line (no globbing,
    /// relative to the working directory).
    pub fn parse_cli(s: &str) -> Self {
        if is_url(s) {
            Self::Url(s.to_owned())
        } else {
            Self::Path(PathBuf::from(s))
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path(p) => write!(f, "{}", p.display()),
            Self::Url(u) => f.write_str(u),
        }
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// The kinds of sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// A signed `APKINDEX.tar.gz` of one branch, repository and architecture.
    ApkIndex,
    /// The APKBUILDs of one repository of an aports checkout (`# secfixes:`).
    Aports,
    /// A secdb JSON (or YAML) document of one branch and repository.
    Secdb,
    /// A rejections list (YAML `origin: [ids]`) of one branch and repository.
    Rejections,
    /// NVD feeds (1.1 or 2.0).
    Nvd,
    /// CVE JSON 5 records.
    Cve5,
    /// OSV records.
    Osv,
    /// CISA KEV catalog.
    Kev,
    /// EPSS scores.
    Epss,
    /// Distribution advisories (Wolfi `*.advisories.yaml`).
    Advisories,
}

impl SourceKind {
    /// Every kind, in import order: packages and fixes first, then the
    /// vulnerability feeds, then enrichments.
    pub const ALL: [Self; 10] = [
        Self::ApkIndex,
        Self::Aports,
        Self::Secdb,
        Self::Rejections,
        Self::Nvd,
        Self::Cve5,
        Self::Osv,
        Self::Advisories,
        Self::Kev,
        Self::Epss,
    ];

    /// The stable name (`apkindex`, `aports`, …) used on the command line and
    /// in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApkIndex => "apkindex",
            Self::Aports => "aports",
            Self::Secdb => "secdb",
            Self::Rejections => "rejections",
            Self::Nvd => "nvd",
            Self::Cve5 => "cve5",
            Self::Osv => "osv",
            Self::Kev => "kev",
            Self::Epss => "epss",
            Self::Advisories => "advisories",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether sources of this kind belong to one branch and repository.
    pub fn is_per_repo(self) -> bool {
        matches!(
            self,
            Self::ApkIndex | Self::Aports | Self::Secdb | Self::Rejections
        )
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an index's signature is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trust {
    /// The directory of trusted public keys.
    pub keys: Option<PathBuf>,
    /// Accept unsigned indexes and unknown keys (recorded as untrusted).
    pub allow_untrusted: bool,
}

/// One source to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// Kind.
    pub kind: SourceKind,
    /// Where.
    pub location: Location,
    /// Branch, for per-repository kinds.
    pub branch: Option<String>,
    /// Repository, for per-repository kinds.
    pub repo: Option<String>,
    /// Signature policy, for indexes.
    pub trust: Trust,
}

impl SourceSpec {
    /// The unique name under which the store remembers this source:
    /// `kind:branch/repo:location` or `kind:location`.
    pub fn name(&self) -> String {
        match (&self.branch, &self.repo) {
            (Some(b), Some(r)) => format!("{}:{b}/{r}:{}", self.kind, self.location),
            _ => format!("{}:{}", self.kind, self.location),
        }
    }
}

/// One repository of a branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// `main`, `community`, …
    pub name: String,
    /// Its indexes, one per architecture.
    pub indexes: Vec<Location>,
    /// A secdb document with its fixes, when the aports checkout is not used.
    pub secdb: Option<Location>,
    /// A rejections list.
    pub rejections: Option<Location>,
    /// Signature policy.
    pub trust: Trust,
}

/// One branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// `v3.18`, `edge`.
    pub name: String,
    /// The version order of the apk-tools the branch ships (`apk2` up to
    /// v3.22, `apk3` from v3.23 and on edge, unless configured).
    pub scheme: Scheme,
    /// The aports checkout of the branch.
    pub aports: Option<Location>,
    /// Repositories.
    pub repos: Vec<Repo>,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// Distribution name.
    pub distribution: String,
    /// Branches in configuration order.
    pub branches: Vec<Branch>,
    /// Global vulnerability feeds.
    pub feeds: Vec<SourceSpec>,
    /// Mapping rules: the defaults plus (or replaced by) the configuration's.
    pub rules: MappingRules,
    /// The configuration's own rules as TOML text (part of the matcher's
    /// input fingerprint).
    pub rules_text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    distribution: RawDistribution,
    #[serde(default, rename = "branch")]
    branches: Vec<RawBranch>,
    #[serde(default)]
    feeds: RawFeeds,
    #[serde(default)]
    mapping: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDistribution {
    name: String,
    #[serde(default)]
    keys: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBranch {
    name: String,
    #[serde(default)]
    version_scheme: Option<String>,
    #[serde(default)]
    aports: Option<String>,
    #[serde(default, rename = "repo")]
    repos: Vec<RawRepo>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRepo {
    name: String,
    #[serde(default)]
    index: Vec<String>,
    #[serde(default)]
    secdb: Option<String>,
    #[serde(default)]
    rejections: Option<String>,
    #[serde(default)]
    keys: Option<String>,
    #[serde(default)]
    allow_untrusted: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    #[serde(default)]
    nvd: Vec<String>,
    #[serde(default)]
    cve5: Vec<String>,
    #[serde(default)]
    osv: Vec<String>,
    #[serde(default)]
    kev: Vec<String>,
    #[serde(default)]
    epss: Vec<String>,
    #[serde(default)]
    advisories: Vec<String>,
}

/// Resolves locations relative to the configuration file.
struct Resolver<'a> {
    path: &'a Path,
    base: PathBuf,
}

impl Resolver<'_> {
    fn err(&self, message: String) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            message,
        }
    }

    /// `${VAR}` and `${VAR:-default}` from the environment.
    fn expand_vars(&self, key: &str, s: &str) -> Result<String, ConfigError> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(self.err(format!("{key}: unterminated ${{…}} in {s:?}")));
            };
            let expr = &after[..end];
            let (name, default) = match expr.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (expr, None),
            };
            match (std::env::var(name), default) {
                (Ok(v), _) if !v.is_empty() => out.push_str(&v),
                (_, Some(d)) => out.push_str(d),
                _ => {
                    return Err(self.err(format!(
                        "{key}: environment variable {name} is not set (in {s:?})"
                    )));
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// One location, without globbing (directories, single files).
    fn one(&self, key: &str, s: &str) -> Result<Location, ConfigError> {
        let s = self.expand_vars(key, s)?;
        self.resolve(key, s)
    }

    /// An expanded location: a URL, or a path that must exist.
    fn resolve(&self, key: &str, s: String) -> Result<Location, ConfigError> {
        if is_url(&s) {
            return Ok(Location::Url(s));
        }
        let p = self.absolute(Path::new(&s));
        if !p.exists() {
            return Err(self.err(format!("{key}: {} does not exist", p.display())));
        }
        Ok(Location::Path(p))
    }

    /// A path relative to the configuration file's directory made absolute.
    fn absolute(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    /// A location that may be a glob pattern. Variables are expanded once:
    /// a value that itself contains `${…}` is taken literally.
    fn many(&self, key: &str, s: &str) -> Result<Vec<Location>, ConfigError> {
        let expanded = self.expand_vars(key, s)?;
        if is_url(&expanded) || !expanded.contains(['*', '?', '[']) {
            return Ok(vec![self.resolve(key, expanded)?]);
        }
        let pattern = self.absolute(Path::new(&expanded));
        let pattern_text = pattern.to_string_lossy().into_owned();
        let paths = glob::glob(&pattern_text)
            .map_err(|e| self.err(format!("{key}: bad pattern {s:?}: {e}")))?;
        let mut out: Vec<Location> = Vec::new();
        for entry in paths {
            let path = entry.map_err(|e| self.err(format!("{key}: {e}")))?;
            out.push(Location::Path(path));
        }
        out.sort();
        if out.is_empty() {
            return Err(self.err(format!("{key}: pattern {pattern_text} matches nothing")));
        }
        Ok(out)
    }
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and validates configuration text read from `path` (relative
    /// locations are resolved against `path`'s directory).
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let base = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let r = Resolver { path, base };

        if raw.distribution.name.trim().is_empty() {
            return Err(invalid("distribution.name: must not be empty".into()));
        }
        let default_keys = match &raw.distribution.keys {
            Some(k) => Some(location_path(&r, "distribution.keys", k)?),
            None => None,
        };

        let mut branches: Vec<Branch> = Vec::new();
        for (bi, b) in raw.branches.iter().enumerate() {
            let bkey = format!("branch[{bi}] ({})", b.name);
            if b.name.trim().is_empty() || b.name.contains(['/', ':', ' ']) {
                return Err(invalid(format!(
                    "{bkey}: name must be non-empty, without '/', ':' or spaces"
                )));
            }
            if branches.iter().any(|x| x.name == b.name) {
                return Err(invalid(format!(
                    "{bkey}: branch {:?} is defined twice",
                    b.name
                )));
            }
            let aports = match &b.aports {
                Some(a) => Some(r.one(&format!("{bkey}.aports"), a)?),
                None => None,
            };
            let mut repos: Vec<Repo> = Vec::new();
            for rr in &b.repos {
                let rkey = format!("{bkey}.repo ({})", rr.name);
                if rr.name.trim().is_empty() || rr.name.contains(['/', ':', ' ']) {
                    return Err(invalid(format!(
                        "{rkey}: name must be non-empty, without '/', ':' or spaces"
                    )));
                }
                if repos.iter().any(|x| x.name == rr.name) {
                    return Err(invalid(format!(
                        "{rkey}: repository {:?} is defined twice",
                        rr.name
                    )));
                }
                let mut indexes = Vec::new();
                for i in &rr.index {
                    indexes.extend(r.many(&format!("{rkey}.index"), i)?);
                }
                let keys = match &rr.keys {
                    Some(k) => Some(location_path(&r, &format!("{rkey}.keys"), k)?),
                    None => default_keys.clone(),
                };
                if !indexes.is_empty() && keys.is_none() && !rr.allow_untrusted {
                    return Err(invalid(format!(
                        "{rkey}: indexes need trusted keys: set distribution.keys or {rkey}.keys, \
                         or allow_untrusted = true"
                    )));
                }
                repos.push(Repo {
                    name: rr.name.clone(),
                    indexes,
                    secdb: rr
                        .secdb
                        .as_deref()
                        .map(|s| r.one(&format!("{rkey}.secdb"), s))
                        .transpose()?,
                    rejections: rr
                        .rejections
                        .as_deref()
                        .map(|s| r.one(&format!("{rkey}.rejections"), s))
                        .transpose()?,
                    trust: Trust {
                        keys,
                        allow_untrusted: rr.allow_untrusted,
                    },
                });
            }
            let scheme = match &b.version_scheme {
                None => Scheme::for_branch(&b.name),
                Some(s) => s
                    .parse::<Scheme>()
                    .map_err(|e| invalid(format!("{bkey}.version_scheme: {e}")))?,
            };
            branches.push(Branch {
                name: b.name.clone(),
                scheme,
                aports,
                repos,
            });
        }

        let mut feeds = Vec::new();
        let lists: [(SourceKind, &Vec<String>); 6] = [
            (SourceKind::Nvd, &raw.feeds.nvd),
            (SourceKind::Cve5, &raw.feeds.cve5),
            (SourceKind::Osv, &raw.feeds.osv),
            (SourceKind::Advisories, &raw.feeds.advisories),
            (SourceKind::Kev, &raw.feeds.kev),
            (SourceKind::Epss, &raw.feeds.epss),
        ];
        for (kind, list) in lists {
            for s in list {
                for location in r.many(&format!("feeds.{kind}"), s)? {
                    feeds.push(SourceSpec {
                        kind,
                        location,
                        branch: None,
                        repo: None,
                        trust: Trust::default(),
                    });
                }
            }
        }

        let (rules, rules_text) = match raw.mapping {
            None => (MappingRules::defaults(), String::new()),
            Some(mut table) => {
                let replace = match table.remove("replace_defaults") {
                    None => false,
                    Some(toml::Value::Boolean(b)) => b,
                    Some(other) => {
                        return Err(invalid(format!(
                            "mapping.replace_defaults: expected true or false, got {other}"
                        )));
                    }
                };
                let text = toml::to_string(&table).map_err(|e| invalid(format!("mapping: {e}")))?;
                let extra =
                    MappingRules::from_toml(&text, &format!("{} [mapping]", path.display()))
                        .map_err(|e| invalid(e.to_string()))?;
                let rules = if replace {
                    extra
                } else {
                    let mut d = MappingRules::defaults();
                    d.extend(extra);
                    d
                };
                (rules, format!("replace_defaults={replace}\n{text}"))
            }
        };

        Ok(Self {
            path: path.to_path_buf(),
            distribution: raw.distribution.name,
            branches,
            feeds,
            rules,
            rules_text,
        })
    }

    /// Every source of the configuration, in import order: per branch and
    /// repository the indexes, the aports repository, secdb and rejections;
    /// then the feeds.
    pub fn sources(&self) -> Vec<SourceSpec> {
        let mut out = Vec::new();
        for b in &self.branches {
            for r in &b.repos {
                let spec = |kind, location: &Location| SourceSpec {
                    kind,
                    location: location.clone(),
                    branch: Some(b.name.clone()),
                    repo: Some(r.name.clone()),
                    trust: r.trust.clone(),
                };
                for i in &r.indexes {
                    out.push(spec(SourceKind::ApkIndex, i));
                }
                if let Some(a) = &b.aports {
                    let loc = match a {
                        Location::Path(p) => Location::Path(p.join(&r.name)),
                        Location::Url(u) => {
                            Location::Url(format!("{}/{}", u.trim_end_matches('/'), r.name))
                        }
                    };
                    // A repository the checkout does not have (yet) is simply
                    // absent; that is not an error.
                    if matches!(&loc, Location::Path(p) if p.is_dir()) {
                        out.push(spec(SourceKind::Aports, &loc));
                    }
                }
                if let Some(s) = &r.secdb {
                    out.push(spec(SourceKind::Secdb, s));
                }
                if let Some(s) = &r.rejections {
                    out.push(spec(SourceKind::Rejections, s));
                }
            }
        }
        out.extend(self.feeds.iter().cloned());
        out
    }
}

fn location_path(r: &Resolver<'_>, key: &str, s: &str) -> Result<PathBuf, ConfigError> {
    match r.one(key, s)? {
        Location::Path(p) => Ok(p),
        Location::Url(u) => {
            Err(r.err(format!("{key}: must be a local directory, not a URL ({u})")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn minimal_config_and_source_order() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "keys/k.rsa.pub", "");
        write(d.path(), "idx/x86_64/APKINDEX.tar.gz", "");
        write(d.path(), "aports/main/foo/APKBUILD", "");
        write(d.path(), "nvd/nvdcve-1.1-2018.json.gz", "");
        write(d.path(), "nvd/nvdcve-1.1-2017.json.gz", "");
        let cfg = write(
            d.path(),
            "secfixes.toml",
            r#"
[distribution]
name = "alpine"
keys = "keys"

[[branch]]
name = "v3.18"
aports = "aports"
  [[branch.repo]]
  name = "main"
  index = ["idx/*/APKINDEX.tar.gz"]

[feeds]
nvd = ["nvd/nvdcve-1.1-*.json.gz"]
"#,
        );
        let c = Config::load(&cfg).unwrap();
        let kinds: Vec<SourceKind> = c.sources().iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SourceKind::ApkIndex,
                SourceKind::Aports,
                SourceKind::Nvd,
                SourceKind::Nvd
            ]
        );
        let names: Vec<String> = c.sources().iter().map(SourceSpec::name).collect();
        assert!(names[0].starts_with("apkindex:v3.18/main:"), "{names:?}");
        assert!(
            names[2].ends_with("nvdcve-1.1-2017.json.gz"),
            "globs expand sorted: {names:?}"
        );
        assert!(!c.rules.products.is_empty(), "default rules are loaded");
    }

    #[test]
    fn errors_name_file_key_and_line() {
        let d = tempfile::tempdir().unwrap();
        let cfg = write(
            d.path(),
            "c.toml",
            "[distribution]\nname = \"a\"\n[feeds]\nnvd = [\"missing/*.gz\"]\n",
        );
        let e = Config::load(&cfg).unwrap_err().to_string();
        assert!(
            e.contains("c.toml") && e.contains("feeds.nvd") && e.contains("matches nothing"),
            "{e}"
        );

        let cfg = write(
            d.path(),
            "d.toml",
            "[distribution]\nname = \"a\"\nbogus = 1\n",
        );
        let e = Config::load(&cfg).unwrap_err().to_string();
        assert!(
            e.contains("d.toml") && e.contains("bogus") && e.contains("line 3"),
            "{e}"
        );

        let cfg = write(
            d.path(),
            "e.toml",
            "[distribution]\nname = \"a\"\n[[branch]]\nname = \"v1\"\n[[branch.repo]]\nname = \"main\"\nindex = [\"e.toml\"]\n",
        );
        let e = Config::load(&cfg).unwrap_err().to_string();
        assert!(e.contains("trusted keys"), "{e}");
    }

    #[test]
    fn environment_variables_with_defaults() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "data/kev.json", "{}");
        let cfg = write(
            d.path(),
            "c.toml",
            "[distribution]\nname = \"a\"\n[feeds]\nkev = [\"${SECFIXES_TEST_UNSET_VAR_XYZ:-data}/kev.json\"]\n",
        );
        let c = Config::load(&cfg).unwrap();
        assert_eq!(c.feeds.len(), 1);
        let cfg = write(
            d.path(),
            "f.toml",
            "[distribution]\nname = \"a\"\n[feeds]\nkev = [\"${SECFIXES_TEST_UNSET_VAR_XYZ}/k\"]\n",
        );
        let e = Config::load(&cfg).unwrap_err().to_string();
        assert!(e.contains("SECFIXES_TEST_UNSET_VAR_XYZ is not set"), "{e}");
        // Expanded once: a default that yields `${` is taken literally (a
        // second expansion called it unterminated).
        write(d.path(), "${odd/kev.json", "{}");
        let cfg = write(
            d.path(),
            "g.toml",
            "[distribution]\nname = \"a\"\n[feeds]\nkev = [\"${SECFIXES_TEST_UNSET_VAR_XYZ:-${odd}/kev.json\"]\n",
        );
        let c = Config::load(&cfg).unwrap();
        assert_eq!(c.feeds.len(), 1);
    }

    #[test]
    fn mapping_rules_extend_or_replace_defaults() {
        let d = tempfile::tempdir().unwrap();
        let cfg = write(
            d.path(),
            "c.toml",
            "[distribution]\nname = \"a\"\n[mapping]\n[[mapping.product]]\nvendor = \"v\"\nproduct = \"p\"\norigins = [\"o\"]\n",
        );
        let c = Config::load(&cfg).unwrap();
        assert_eq!(c.rules.products[0].origins, vec!["o"]);
        assert!(c.rules.products.len() > 1);
        let cfg = write(
            d.path(),
            "r.toml",
            "[distribution]\nname = \"a\"\n[mapping]\nreplace_defaults = true\n[[mapping.product]]\nproduct = \"p\"\norigins = [\"o\"]\n",
        );
        let c = Config::load(&cfg).unwrap();
        assert_eq!(c.rules.products.len(), 1);
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    fn example(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples")
            .join(name)
    }

    #[test]
    fn shared_data_example_names_every_indexed_branch() {
        // Relative paths in the file resolve from examples/ to
        // ../shared/data; honour SECFIXES_SHARED_DATA like the tests do.
        let c = Config::load(&example("shared-data.toml")).unwrap();
        let branches: Vec<&str> = c.branches.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(
            branches,
            ["v3.10", "v3.12", "v3.14", "v3.16", "v3.17", "v3.18"]
        );
        let sources = c.sources();
        let count = |k| sources.iter().filter(|s| s.kind == k).count();
        assert_eq!(count(SourceKind::ApkIndex), 12);
        assert_eq!(count(SourceKind::Aports), 11);
        assert_eq!(count(SourceKind::Cve5), 1);
        assert_eq!(count(SourceKind::Kev), 1);
        assert!(count(SourceKind::Nvd) >= 25);
        assert!(c.branches.iter().all(|b| b.scheme == Scheme::Apk2));
    }

    #[test]
    fn alpine_example_uses_official_urls() {
        let keys = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(example("alpine.toml"))
            .unwrap()
            .replace(
                "${SECFIXES_APK_KEYS:-/etc/apk/keys}",
                &keys.path().display().to_string(),
            );
        let c = Config::parse(&text, &example("alpine.toml")).unwrap();
        let sources = c.sources();
        assert!(
            sources
                .iter()
                .all(|s| matches!(&s.location, Location::Url(u) if u.starts_with("https://")))
        );
        assert!(sources.iter().any(|s| s.kind == SourceKind::Rejections));
        assert_eq!(c.branches[0].name, "edge");
        assert_eq!(c.branches[0].scheme, Scheme::Apk3);
    }
}
