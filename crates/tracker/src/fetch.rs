//! Getting a source's bytes, and knowing whether they changed since the last
//! import.
//!
//! Local files are compared by size and modification time first (free), then
//! by SHA-256 of their content (so a `touch` does not trigger a re-import).
//! Directories (an aports repository, a CVE 5 tree) get a checksum over
//! their relative paths and file contents. URLs are fetched with a
//! conditional GET (`If-None-Match` / `If-Modified-Since` from the previous
//! import); a `304` means unchanged, and a `200` whose content hashes to the
//! previous checksum is unchanged too. Downloads land in a cache directory
//! under their URL's file name, so every reader works on paths.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use crate::config::Location;

/// What the previous import of a source recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Previous {
    /// SHA-256 of the content (hex).
    pub checksum: Option<String>,
    /// `size:mtime` of a local file, or the directory's stat fingerprint.
    pub stat: Option<String>,
    /// HTTP `ETag`.
    pub etag: Option<String>,
    /// HTTP `Last-Modified`.
    pub last_modified: Option<String>,
}

/// A source's current content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The local path to read (the file itself, or the downloaded copy).
    pub path: PathBuf,
    /// SHA-256 of the content (hex).
    pub checksum: String,
    /// Stat fingerprint of local inputs.
    pub stat: Option<String>,
    /// HTTP `ETag`.
    pub etag: Option<String>,
    /// HTTP `Last-Modified`.
    pub last_modified: Option<String>,
}

/// Whether a source changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Same content as the previous import.
    Unchanged,
    /// New content.
    Changed(Fetched),
}

/// A source that cannot be read; the message names it.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Local I/O.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// HTTP.
    #[error("{url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong (status or transport error).
        message: String,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> FetchError + '_ {
    move |source| FetchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks a source against its previous import. `cache_dir` receives
/// downloads.
pub fn check(
    location: &Location,
    previous: &Previous,
    cache_dir: &Path,
) -> Result<Freshness, FetchError> {
    match location {
        Location::Path(p) if p.is_dir() => check_dir(p, previous),
        Location::Path(p) => check_file(p, previous),
        Location::Url(u) => check_url(u, previous, cache_dir),
    }
}

fn stat_of(path: &Path) -> Result<String, FetchError> {
    let md = fs::metadata(path).map_err(io_err(path))?;
    let mtime = md
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(format!("{}:{mtime}", md.len()))
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String, FetchError> {
    let mut f = fs::File::open(path).map_err(io_err(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn check_file(path: &Path, previous: &Previous) -> Result<Freshness, FetchError> {
    let stat = stat_of(path)?;
    if previous.stat.as_deref() == Some(stat.as_str()) && previous.checksum.is_some() {
        return Ok(Freshness::Unchanged);
    }
    let checksum = sha256_file(path)?;
    if previous.checksum.as_deref() == Some(checksum.as_str()) {
        return Ok(Freshness::Unchanged);
    }
    Ok(Freshness::Changed(Fetched {
        path: path.to_path_buf(),
        checksum,
        stat: Some(stat),
        etag: None,
        last_modified: None,
    }))
}

/// Every file under a directory, relative paths sorted (hidden entries such
/// as `.git` skipped). A symbolic link to a file counts as the file, as the
/// feed readers read it; links to directories are not followed (no loops).
pub fn walk_files(dir: &Path) -> Result<Vec<PathBuf>, FetchError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).map_err(io_err(&d))? {
            let entry = entry.map_err(io_err(&d))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let p = entry.path();
            let ft = entry.file_type().map_err(io_err(&p))?;
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() || (ft.is_symlink() && p.is_file()) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn check_dir(dir: &Path, previous: &Previous) -> Result<Freshness, FetchError> {
    let files = walk_files(dir)?;
    let mut stat_hash = Sha256::new();
    for f in &files {
        stat_hash.update(
            f.strip_prefix(dir)
                .unwrap_or(f)
                .to_string_lossy()
                .as_bytes(),
        );
        stat_hash.update(b"\0");
        stat_hash.update(stat_of(f)?.as_bytes());
        stat_hash.update(b"\n");
    }
    let stat = hex::encode(stat_hash.finalize());
    if previous.stat.as_deref() == Some(stat.as_str()) && previous.checksum.is_some() {
        return Ok(Freshness::Unchanged);
    }
    let mut content = Sha256::new();
    for f in &files {
        content.update(
            f.strip_prefix(dir)
                .unwrap_or(f)
                .to_string_lossy()
                .as_bytes(),
        );
        content.update(b"\0");
        content.update(sha256_file(f)?.as_bytes());
        content.update(b"\n");
    }
    let checksum = hex::encode(content.finalize());
    if previous.checksum.as_deref() == Some(checksum.as_str()) {
        return Ok(Freshness::Unchanged);
    }
    Ok(Freshness::Changed(Fetched {
        path: dir.to_path_buf(),
        checksum,
        stat: Some(stat),
        etag: None,
        last_modified: None,
    }))
}

/// The cache file of a URL: `<cache>/<sha256(url)[..16]>/<basename>`, so
/// that readers can still detect formats from the name.
pub fn cache_path(url: &str, cache_dir: &Path) -> PathBuf {
    let digest = hex::encode(Sha256::digest(url.as_bytes()));
    let base = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .filter(|b| !b.is_empty())
        .unwrap_or("download");
    cache_dir.join(&digest[..16]).join(base)
}

fn check_url(url: &str, previous: &Previous, cache_dir: &Path) -> Result<Freshness, FetchError> {
    let http = |message: String| FetchError::Http {
        url: url.to_owned(),
        message,
    };
    let target = cache_path(url, cache_dir);
    let cached = target.is_file();
    let mut req = ureq::get(url);
    // Conditional headers only make sense when the cached copy still exists.
    if cached {
        if let Some(etag) = &previous.etag {
            req = req.header("If-None-Match", etag);
        }
        if let Some(lm) = &previous.last_modified {
            req = req.header("If-Modified-Since", lm);
        }
    }
    let resp = match req.call() {
        Ok(r) => r,
        Err(ureq::Error::StatusCode(code)) => return Err(http(format!("HTTP status {code}"))),
        Err(e) => return Err(http(e.to_string())),
    };
    if resp.status().as_u16() == 304 {
        return Ok(Freshness::Unchanged);
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header("etag");
    let last_modified = header("last-modified");
    let parent = target.parent().unwrap_or(cache_dir);
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    // Write to a temporary file and rename: a killed download never leaves
    // a truncated file under the final name.
    let tmp = target.with_extension("part");
    let mut body = resp.into_body();
    let mut reader = body.with_config().limit(4 << 30).reader();
    let mut out = fs::File::create(&tmp).map_err(io_err(&tmp))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| http(format!("reading the body: {e}")))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        std::io::Write::write_all(&mut out, &buf[..n]).map_err(io_err(&tmp))?;
    }
    drop(out);
    fs::rename(&tmp, &target).map_err(io_err(&target))?;
    let checksum = hex::encode(hasher.finalize());
    if previous.checksum.as_deref() == Some(checksum.as_str()) {
        return Ok(Freshness::Unchanged);
    }
    Ok(Freshness::Changed(Fetched {
        path: target,
        checksum,
        stat: None,
        etag,
        last_modified,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    #[test]
    fn file_unchanged_by_stat_then_by_checksum() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.json");
        fs::write(&p, b"hello").unwrap();
        let loc = Location::Path(p.clone());
        let Freshness::Changed(f) = check(&loc, &Previous::default(), d.path()).unwrap() else {
            panic!()
        };
        let prev = Previous {
            checksum: Some(f.checksum.clone()),
            stat: f.stat.clone(),
            ..Previous::default()
        };
        assert_eq!(check(&loc, &prev, d.path()).unwrap(), Freshness::Unchanged);
        // Same content, new mtime: unchanged by checksum.
        let prev2 = Previous {
            stat: Some("0:0".into()),
            ..prev.clone()
        };
        assert_eq!(check(&loc, &prev2, d.path()).unwrap(), Freshness::Unchanged);
        fs::write(&p, b"hello!").unwrap();
        assert!(matches!(
            check(&loc, &prev, d.path()).unwrap(),
            Freshness::Changed(_)
        ));
    }

    #[test]
    fn directory_checksum_covers_names_and_contents() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("main");
        fs::create_dir_all(root.join("foo")).unwrap();
        fs::write(root.join("foo/APKBUILD"), b"a").unwrap();
        let loc = Location::Path(root.clone());
        let Freshness::Changed(f) = check(&loc, &Previous::default(), d.path()).unwrap() else {
            panic!()
        };
        let prev = Previous {
            checksum: Some(f.checksum),
            stat: f.stat,
            ..Previous::default()
        };
        assert_eq!(check(&loc, &prev, d.path()).unwrap(), Freshness::Unchanged);
        fs::create_dir_all(root.join("bar")).unwrap();
        fs::write(root.join("bar/APKBUILD"), b"b").unwrap();
        assert!(matches!(
            check(&loc, &prev, d.path()).unwrap(),
            Freshness::Changed(_)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_in_a_directory_source_is_checked() {
        // The feed readers read a linked file; a change to it must make the
        // source changed, or its new content would never be imported.
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("feeds");
        fs::create_dir_all(&root).unwrap();
        let target = d.path().join("real.json");
        fs::write(&target, b"{}").unwrap();
        std::os::unix::fs::symlink(&target, root.join("linked.json")).unwrap();
        assert_eq!(walk_files(&root).unwrap(), vec![root.join("linked.json")]);
        let loc = Location::Path(root.clone());
        let Freshness::Changed(f) = check(&loc, &Previous::default(), d.path()).unwrap() else {
            panic!()
        };
        let prev = Previous {
            checksum: Some(f.checksum),
            stat: f.stat,
            ..Previous::default()
        };
        assert_eq!(check(&loc, &prev, d.path()).unwrap(), Freshness::Unchanged);
        fs::write(&target, b"{\"changed\": true}").unwrap();
        assert!(matches!(
            check(&loc, &prev, d.path()).unwrap(),
            Freshness::Changed(_)
        ));
    }

    #[test]
    fn missing_file_names_the_path() {
        let e = check(
            &Location::Path("/nonexistent/x".into()),
            &Previous::default(),
            Path::new("/tmp"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x"));
    }

    /// A one-shot HTTP server on loopback: answers each connection with the
    /// next canned response and records the request head.
    fn serve(responses: Vec<String>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for resp in responses {
                let (mut s, _) = listener.accept().unwrap();
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).unwrap();
                seen.push(String::from_utf8_lossy(&buf[..n]).into_owned());
                s.write_all(resp.as_bytes()).unwrap();
            }
            seen
        });
        (format!("http://{addr}/feeds/kev.json"), handle)
    }

    #[test]
    fn url_conditional_get_and_cache() {
        let d = tempfile::tempdir().unwrap();
        let body = "{\"x\":1}";
        let ok = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let not_modified = "HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n".to_owned();
        let (url, server) = serve(vec![ok, not_modified]);
        let loc = Location::Url(url.clone());
        let Freshness::Changed(f) = check(&loc, &Previous::default(), d.path()).unwrap() else {
            panic!()
        };
        assert_eq!(fs::read_to_string(&f.path).unwrap(), body);
        assert!(f.path.ends_with("kev.json"));
        assert_eq!(f.etag.as_deref(), Some("\"v1\""));
        let prev = Previous {
            checksum: Some(f.checksum),
            etag: f.etag,
            ..Previous::default()
        };
        assert_eq!(check(&loc, &prev, d.path()).unwrap(), Freshness::Unchanged);
        let seen = server.join().unwrap();
        assert!(
            seen[1]
                .to_ascii_lowercase()
                .contains("if-none-match: \"v1\""),
            "{}",
            seen[1]
        );
    }

    #[test]
    fn url_errors_name_the_url() {
        let d = tempfile::tempdir().unwrap();
        let (url, server) = serve(vec![
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into(),
        ]);
        let e = check(&Location::Url(url.clone()), &Previous::default(), d.path())
            .unwrap_err()
            .to_string();
        assert!(e.contains(&url) && e.contains("404"), "{e}");
        server.join().unwrap();
    }
}
