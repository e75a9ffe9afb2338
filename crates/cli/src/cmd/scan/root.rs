//! Reading what a scan needs from a root: the installed database and the
//! apk configuration. Parsing is done by `secfixes_apk`; this module only
//! finds and reads the files, and says which ones are missing.
//!
//! | file | use |
//! |---|---|
//! | `lib/apk/db/installed` (apk 3 may use `usr/lib/apk/db/installed`) | the installed packages (required) |
//! | `etc/alpine-release` | the branch |
//! | `etc/apk/arch` | the index URLs (`<repo>/<arch>/APKINDEX.tar.gz`) |
//! | `etc/apk/repositories`, `etc/apk/repositories.d/*.list`, `lib/apk/repositories.d/*.list` | the repositories |
//! | `etc/apk/world` | which packages were asked for, and their `@tag` pins |
//! | `etc/apk/keys/` | the keys that sign the indexes |
//! | `etc/secfixes.d/*` | the secdb feeds of the branch |
//! | `var/cache/apk/APKINDEX.<hash>.tar.gz` | apk's own copy of each index |

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use secfixes_apk::release::{FeedLine, Release, secfixes_d_feeds};
use secfixes_apk::repositories::{RepositoriesParser, Repository};
use secfixes_apk::world::World;

/// The installed database, relative to the root, in the order looked for.
pub(crate) const INSTALLED_PATHS: [&str; 2] = ["lib/apk/db/installed", "usr/lib/apk/db/installed"];

/// What was read from a root.
pub(crate) struct Root {
    pub(crate) dir: PathBuf,
    /// Relative path of the installed database found.
    pub(crate) installed_rel: &'static str,
    pub(crate) installed: Vec<u8>,
    pub(crate) release: Option<Release>,
    pub(crate) arch: Option<String>,
    pub(crate) world: Option<World>,
    /// (file, line) of each feed of `etc/secfixes.d/*`.
    pub(crate) feeds: Vec<(String, FeedLine)>,
    pub(crate) keys_dir: Option<PathBuf>,
    /// Warnings about the files (unreadable optional files).
    pub(crate) warnings: Vec<String>,
}

fn read_optional(path: &Path) -> anyhow::Result<Option<String>> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Files of a directory with a given suffix (all when empty), sorted;
/// a missing directory is empty.
fn dir_files(dir: &Path, suffix: &str) -> anyhow::Result<Vec<PathBuf>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot list {}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in rd {
        let path = entry
            .with_context(|| format!("cannot list {}", dir.display()))?
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || !name.ends_with(suffix) || path.is_dir() {
            continue;
        }
        out.push(path);
    }
    out.sort();
    Ok(out)
}

impl Root {
    /// Reads a root. Only the installed database is required.
    pub(crate) fn read(dir: &Path) -> anyhow::Result<Self> {
        let mut found = None;
        for rel in INSTALLED_PATHS {
            let path = dir.join(rel);
            match fs::read(&path) {
                Ok(bytes) => {
                    found = Some((rel, bytes));
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
            }
        }
        let (installed_rel, installed) = found.with_context(|| {
            format!(
                "{} is not an apk root: no {} (nor {})",
                dir.display(),
                INSTALLED_PATHS[0],
                INSTALLED_PATHS[1]
            )
        })?;
        let mut warnings = Vec::new();

        let release = match read_optional(&dir.join("etc/alpine-release"))? {
            Some(text) => match Release::parse(&text) {
                Ok(r) => Some(r),
                Err(e) => {
                    warnings.push(format!("{}: {e}", dir.join("etc/alpine-release").display()));
                    None
                }
            },
            None => None,
        };
        let arch = read_optional(&dir.join("etc/apk/arch"))?.and_then(|t| {
            t.lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned)
        });
        let world = match read_optional(&dir.join("etc/apk/world"))? {
            Some(text) => Some(
                World::parse(&text)
                    .with_context(|| dir.join("etc/apk/world").display().to_string())?,
            ),
            None => None,
        };
        let mut feeds = Vec::new();
        for f in dir_files(&dir.join("etc/secfixes.d"), "")? {
            let text =
                fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?;
            let name = f.display().to_string();
            feeds.extend(
                secfixes_d_feeds(&text)
                    .into_iter()
                    .map(|l| (name.clone(), l)),
            );
        }
        let keys = dir.join("etc/apk/keys");
        let keys_dir = keys.is_dir().then_some(keys);
        Ok(Self {
            dir: dir.to_path_buf(),
            installed_rel,
            installed,
            release,
            arch,
            world,
            feeds,
            keys_dir,
            warnings,
        })
    }

    /// The repositories, read with apk 3's rules (a superset of apk 2's):
    /// `etc/apk/repositories`, then `etc/apk/repositories.d/*.list`, then
    /// `lib/apk/repositories.d/*.list`.
    pub(crate) fn repositories(&self, arch: &str) -> anyhow::Result<Vec<Repository>> {
        let mut parser = RepositoriesParser::new(arch);
        let mut files = vec![self.dir.join("etc/apk/repositories")];
        files.extend(dir_files(
            &self.dir.join("etc/apk/repositories.d"),
            ".list",
        )?);
        files.extend(dir_files(
            &self.dir.join("lib/apk/repositories.d"),
            ".list",
        )?);
        for f in files {
            if let Some(text) = read_optional(&f)? {
                let rel = f
                    .strip_prefix(&self.dir)
                    .unwrap_or(&f)
                    .display()
                    .to_string();
                parser.parse_file(&rel, &text)?;
            }
        }
        Ok(parser.finish())
    }

    /// apk's cached copy of a repository's index, when present
    /// (`var/cache/apk`, the 2.x name first).
    pub(crate) fn cached_index(&self, repo: &Repository, arch: &str) -> Option<PathBuf> {
        let cache = self.dir.join("var/cache/apk");
        repo.cache_names(arch)
            .into_iter()
            .map(|n| cache.join(n))
            .find(|p| p.is_file())
    }
}
