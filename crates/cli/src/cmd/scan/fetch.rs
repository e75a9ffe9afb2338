//! Getting a secdb, an index or a tracker answer: local paths are read,
//! URLs are downloaded into an on-disk cache with their `ETag`.
//!
//! Cache layout: `<cache>/<first 16 hex of SHA-256(url)>/<file name>` and,
//! beside it, `<file name>.meta` (JSON: `url`, `etag`, `last_modified`).
//! A cached URL is revalidated with a conditional GET (`If-None-Match`,
//! `If-Modified-Since`); `304` means the cached copy is current. With
//! `--offline` the network is never touched and a URL missing from the
//! cache is an error that says so. When the server cannot be reached but a
//! cached copy exists, the copy is used and a warning says how old it is.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, bail};
use sha2::{Digest as _, Sha256};

/// The largest download accepted (an index is at most a few MB).
const MAX_DOWNLOAD: u64 = 512 << 20;

/// Whether a location is a URL (`http://`, `https://`) rather than a path.
pub(crate) fn is_url(location: &str) -> bool {
    location.starts_with("http://") || location.starts_with("https://")
}

/// A `file://` URL's path, or the location itself.
pub(crate) fn local_path(location: &str) -> &Path {
    Path::new(location.strip_prefix("file://").unwrap_or(location))
}

/// The default cache directory: `$XDG_CACHE_HOME/secfixes`, else
/// `$HOME/.cache/secfixes`.
pub(crate) fn default_cache_dir() -> Option<PathBuf> {
    let non_empty = |v: std::ffi::OsString| (!v.is_empty()).then(|| PathBuf::from(v));
    std::env::var_os("XDG_CACHE_HOME")
        .and_then(non_empty)
        .map(|d| d.join("secfixes"))
        .or_else(|| {
            std::env::var_os("HOME")
                .and_then(non_empty)
                .map(|h| h.join(".cache").join("secfixes"))
        })
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Meta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// Reads locations, downloading URLs through the cache.
pub(crate) struct Fetcher {
    cache_dir: Option<PathBuf>,
    offline: bool,
    agent: ureq::Agent,
    /// Warnings to show with the report.
    pub(crate) warnings: Vec<String>,
}

impl Fetcher {
    pub(crate) fn new(cache_dir: Option<PathBuf>, offline: bool) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent(concat!("secfixes/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            cache_dir,
            offline,
            agent,
            warnings: Vec::new(),
        }
    }

    /// The bytes at a path or URL.
    pub(crate) fn read(&mut self, location: &str) -> anyhow::Result<Vec<u8>> {
        if !is_url(location) {
            let path = local_path(location);
            return fs::read(path).with_context(|| format!("cannot read {}", path.display()));
        }
        let cache_dir = self.cache_dir.clone().with_context(|| {
            format!(
                "{location}: no cache directory (set $HOME or $XDG_CACHE_HOME, or pass --cache-dir)"
            )
        })?;
        let (file, meta_file) = cache_paths(&cache_dir, location);
        let cached = file.is_file();
        if self.offline {
            if !cached {
                bail!(
                    "{location}: not in the cache ({}) and --offline forbids downloading it",
                    file.display()
                );
            }
            return read_cached(&file);
        }
        let meta: Meta = if cached {
            fs::read(&meta_file)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or_default()
        } else {
            Meta::default()
        };
        let mut req = self.agent.get(location);
        if cached {
            if let Some(etag) = &meta.etag {
                req = req.header("If-None-Match", etag);
            }
            if let Some(lm) = &meta.last_modified {
                req = req.header("If-Modified-Since", lm);
            }
        }
        let response = match req.call() {
            Ok(r) => r,
            Err(e) if cached => {
                self.warnings.push(format!(
                    "{location}: cannot refresh ({e}); using the cached copy from {}",
                    age(&file)
                ));
                return read_cached(&file);
            }
            Err(e) => bail!("{location}: {e}"),
        };
        let status = response.status().as_u16();
        if status == 304 && cached {
            return read_cached(&file);
        }
        if status != 200 {
            bail!("{location}: HTTP status {status}");
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let meta = Meta {
            url: location.to_owned(),
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        let body = read_body(response, location)?;
        store(&file, &meta_file, &body, &meta)?;
        Ok(body)
    }

    /// A GET whose answer is not cached (the tracker's API).
    pub(crate) fn get_uncached(&self, url: &str) -> anyhow::Result<Vec<u8>> {
        if self.offline {
            bail!("{url}: --offline forbids asking the server");
        }
        let response = self
            .agent
            .get(url)
            .header("Accept", "application/json")
            .call()
            .with_context(|| url.to_owned())?;
        let status = response.status().as_u16();
        if status != 200 {
            bail!("{url}: HTTP status {status}");
        }
        read_body(response, url)
    }
}

fn read_cached(file: &Path) -> anyhow::Result<Vec<u8>> {
    fs::read(file).with_context(|| format!("cannot read the cached copy {}", file.display()))
}

/// The body of a response, at most [`MAX_DOWNLOAD`] bytes.
fn read_body(response: ureq::http::Response<ureq::Body>, url: &str) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    response
        .into_body()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .reader()
        .read_to_end(&mut body)
        .with_context(|| format!("{url}: reading the response"))?;
    Ok(body)
}

/// The cache file of a URL and its metadata file.
fn cache_paths(cache_dir: &Path, url: &str) -> (PathBuf, PathBuf) {
    let digest = hex::encode(Sha256::digest(url.as_bytes()));
    let base = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|b| !b.is_empty() && *b != "." && *b != "..")
        .unwrap_or("download");
    let dir = cache_dir.join(digest.get(..16).unwrap_or(&digest));
    (dir.join(base), dir.join(format!("{base}.meta")))
}

/// Writes the body and its metadata, through temporary files and renames,
/// so that an interrupted download never leaves a truncated file.
fn store(file: &Path, meta_file: &Path, body: &[u8], meta: &Meta) -> anyhow::Result<()> {
    let dir = file.parent().context("cache path without a directory")?;
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the cache directory {}", dir.display()))?;
    let write = |path: &Path, bytes: &[u8]| -> anyhow::Result<()> {
        let tmp = path.with_extension("part");
        fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
    };
    write(file, body)?;
    write(meta_file, &serde_json::to_vec(meta)?)
}

/// How old a cached file is, in words.
fn age(file: &Path) -> String {
    let modified = fs::metadata(file).and_then(|m| m.modified()).ok();
    match modified.and_then(|m| SystemTime::now().duration_since(m).ok()) {
        Some(d) if d.as_secs() < 3600 => format!("{} minutes ago", d.as_secs() / 60),
        Some(d) if d.as_secs() < 86_400 * 2 => format!("{} hours ago", d.as_secs() / 3600),
        Some(d) => format!("{} days ago", d.as_secs() / 86_400),
        None => "an unknown time".to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cache_paths_keep_the_file_name() {
        let (f, m) = cache_paths(
            Path::new("/c"),
            "https://secdb.alpinelinux.org/v3.18/main.json",
        );
        assert!(f.ends_with("main.json"));
        assert!(m.ends_with("main.json.meta"));
        assert_eq!(f.parent(), m.parent());
        let (f2, _) = cache_paths(
            Path::new("/c"),
            "https://secdb.alpinelinux.org/v3.17/main.json",
        );
        assert_ne!(f.parent(), f2.parent(), "one directory per URL");
        let (f3, _) = cache_paths(Path::new("/c"), "http://h/api/?x=1");
        assert!(f3.ends_with("download"));
    }

    #[test]
    fn locations() {
        assert!(is_url("https://x/y"));
        assert!(!is_url("/srv/main.json"));
        assert_eq!(
            local_path("file:///srv/main.json"),
            Path::new("/srv/main.json")
        );
        assert_eq!(local_path("main.json"), Path::new("main.json"));
    }
}
