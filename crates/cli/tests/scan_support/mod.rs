//! Shared helpers of the `secfixes scan` acceptance tests: temporary roots
//! built from the real installed databases and indexes of the corpus, the
//! binary, and a loopback HTTP server.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub(crate) const HIZLBUZZ: &str =
    "installed/hizlbuzz+alpine-minirootfs-v3.14/installed.2021-08-05.bbfac0af";
pub(crate) const HIZLBUZZ_MAIN: &str =
    "apkindex/v3.14/main/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz";
pub(crate) const HIZLBUZZ_COMMUNITY: &str =
    "apkindex/v3.14/community/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz";
pub(crate) const KOBO: &str =
    "installed/Kobo-InkBox+xorg-base-rootfs/installed.2023-04-21.495512b9";
pub(crate) const KOBO_MAIN_AUGUST: &str =
    "apkindex/v3.10/main/armv7/Kobo-InkBox+xorg-base-rootfs.e2c63f4c/APKINDEX.tar.gz";
pub(crate) const KOBO_COMMUNITY: &str =
    "apkindex/v3.10/community/armv7/Kobo-InkBox+xorg-base-rootfs.495512b9/APKINDEX.tar.gz";
pub(crate) const PAPER_DRAGON: &str =
    "installed/Paper-Dragon+docker-sh/installed.2023-04-10.b12c5ef2";
pub(crate) const PAPER_DRAGON_MAIN: &str =
    "apkindex/v3.17/main/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz";
pub(crate) const PAPER_DRAGON_COMMUNITY: &str =
    "apkindex/v3.17/community/x86_64/Paper-Dragon+docker-sh.b12c5ef2/APKINDEX.tar.gz";
pub(crate) const KEY_6165EE59: &str = "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub";

pub(crate) fn data(rel: &str) -> PathBuf {
    secfixes_testdata::path(rel)
}

/// `3.14-stable` → the derived main and community secdb paths.
pub(crate) fn derived(branch: &str) -> [PathBuf; 2] {
    [
        data(&format!("secdb/derived-from-aports/{branch}/main.json")),
        data(&format!(
            "secdb/derived-from-aports/{branch}/community.json"
        )),
    ]
}

/// A root directory being built.
pub(crate) struct Root {
    pub(crate) dir: tempfile::TempDir,
}

impl Root {
    /// A root with `lib/apk/db/installed` copied from the corpus.
    pub(crate) fn new(installed_rel: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("lib/apk/db")).unwrap();
        std::fs::copy(data(installed_rel), dir.path().join("lib/apk/db/installed")).unwrap();
        Self { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the root.
    pub(crate) fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
        self
    }

    /// `etc/alpine-release`, `etc/apk/arch`, and `etc/apk/repositories`
    /// with each repository's index placed in `var/cache/apk` under the
    /// name apk 2 gives it.
    pub(crate) fn alpine(&self, release: &str, arch: &str, repos: &[(&str, &str)]) -> &Self {
        self.write("etc/alpine-release", format!("{release}\n"));
        self.write("etc/apk/arch", format!("{arch}\n"));
        let mut lines = String::new();
        for (url, index_rel) in repos {
            lines.push_str(url);
            lines.push('\n');
            let repo = secfixes_apk::repositories::parse("r", url, arch)
                .unwrap()
                .remove(0);
            let name = repo.cache_names(arch).remove(0);
            std::fs::create_dir_all(self.path().join("var/cache/apk")).unwrap();
            std::fs::copy(
                data(index_rel),
                self.path().join("var/cache/apk").join(name),
            )
            .unwrap();
        }
        self.write("etc/apk/repositories", lines);
        self
    }

    /// `etc/secfixes.d/alpine` listing these feeds (host paths or URLs).
    pub(crate) fn feeds(&self, feeds: &[&str]) -> &Self {
        self.write("etc/secfixes.d/alpine", feeds.join("\n") + "\n")
    }

    /// Copies public keys of the corpus into `etc/apk/keys`.
    pub(crate) fn keys(&self, names: &[&str]) -> &Self {
        std::fs::create_dir_all(self.path().join("etc/apk/keys")).unwrap();
        for n in names {
            std::fs::copy(
                data("keys").join(n),
                self.path().join("etc/apk/keys").join(n),
            )
            .unwrap();
        }
        self
    }
}

/// Runs the binary as is (for commands other than `scan`).
pub(crate) fn plain<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_secfixes"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `secfixes scan …` with a private cache directory.
pub(crate) fn secfixes<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let cache = tempfile::tempdir().unwrap();
    secfixes_with_cache(cache.path(), args)
}

pub(crate) fn secfixes_with_cache<I, S>(cache: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_secfixes"))
        .args(args)
        .arg("--cache-dir")
        .arg(cache)
        // Never the user's cache, never a proxy.
        .env_remove("XDG_CACHE_HOME")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .output()
        .unwrap()
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// One request the server received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) path: String,
    pub(crate) if_none_match: Option<String>,
    pub(crate) status: u16,
}

/// A loopback HTTP/1.1 server: fixed responses by path, query string
/// ignored (body, ETag); a request whose `If-None-Match` equals the ETag
/// gets `304`; others `404`. Every request is recorded with its query.
pub(crate) struct Server {
    pub(crate) base: String,
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(routes: HashMap<String, (Vec<u8>, Option<String>)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_owned();
                let mut if_none_match = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':')
                        && k.eq_ignore_ascii_case("if-none-match")
                    {
                        if_none_match = Some(v.trim().to_owned());
                    }
                }
                let route = path.split('?').next().unwrap_or("");
                let (status, body, etag) = match routes.get(route) {
                    Some((_, Some(etag))) if if_none_match.as_deref() == Some(etag.as_str()) => {
                        (304, Vec::new(), Some(etag.clone()))
                    }
                    Some((body, etag)) => (200, body.clone(), etag.clone()),
                    None => (404, b"not found".to_vec(), None),
                };
                log.lock().unwrap().push(Seen {
                    path,
                    if_none_match,
                    status,
                });
                let reason = match status {
                    200 => "OK",
                    304 => "Not Modified",
                    _ => "Not Found",
                };
                let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
                if let Some(e) = etag {
                    head.push_str(&format!("ETag: {e}\r\n"));
                }
                if status != 304 {
                    head.push_str(&format!("Content-Length: {}\r\n", body.len()));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        Self {
            base,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops listening: the port is closed afterwards.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop up.
        let _ = std::net::TcpStream::connect(self.base.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }

    pub(crate) fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}
