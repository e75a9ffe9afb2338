//! `secfixes scan`: which installed packages have a security fix pending
//! (what `apk list --upgradable --security` would show).
//!
//! ```text
//! secfixes scan [--root DIR | --installed FILE] [--secdb PATH|URL …]
//!               [--index PATH|URL … | --no-index] [--server URL] [--branch vX.Y]
//!               [--json | --sarif | --quiet] [--fail-on fixable|any|none]
//!               [--keys DIR] [--allow-untrusted] [--arch ARCH]
//!               [--version-scheme apk2|apk3] [--offline] [--cache-dir DIR]
//! ```
//!
//! Inputs, in order of precedence:
//! - **installed packages**: `--installed FILE`, else `<root>/lib/apk/db/installed`
//!   (or `usr/lib/apk/db/installed`); the root defaults to `/`.
//! - **branch**: `--branch`, else `<root>/etc/alpine-release`.
//! - **version order**: `--version-scheme`, else the major version of the
//!   installed `apk-tools` package (2 → `apk2`, 3 → `apk3`), else the
//!   branch's (apk-tools 3 from v3.23), else `apk3`.
//! - **secdb**: `--secdb` (repeatable), else the feeds listed in
//!   `<root>/etc/secfixes.d/*`, else Alpine's feeds for the branch
//!   (`https://secdb.alpinelinux.org/<branch>/{main,community}.json`, with
//!   a warning); a location is a URL or a local path (`file://` allowed;
//!   paths in `etc/secfixes.d` are host paths, as apk reads repository
//!   paths). `.yaml`/`.yml` is the 2020 YAML layout, anything else JSON.
//! - **indexes** (for "upgradable now"): `--index` (repeatable), else, with a
//!   root, each repository of `etc/apk/repositories` (and `.d/*.list`):
//!   apk's cached copy in `<root>/var/cache/apk` when present (the offline
//!   case: `apk update` keeps it there), else downloaded. `--no-index`
//!   skips them. Signatures are checked with `--keys`, else
//!   `<root>/etc/apk/keys`; `--allow-untrusted` accepts what does not
//!   verify (and says so). An index's `SECFIXES` member (written by
//!   `secfixes apk index annotate`) is used as a source of fixes too.
//! - **tracker** (`--server URL`): `GET URL/api/v1/states?branch=…&origin=…`
//!   adds open vulnerabilities without a fix (needs the branch).
//!
//! Downloads are cached with their ETag (`--cache-dir`, default
//! `$XDG_CACHE_HOME/secfixes` or `~/.cache/secfixes`); `--offline` uses the
//! cache only and fails clearly when a file is missing from it.
//!
//! Output: text grouped per package (default), `--quiet` one-liners
//! `name-version < fixed-version`, `--json` (the report), `--sarif` (SARIF
//! 2.1.0). Warnings go to stderr (into the document with `--json` and
//! `--sarif`). Exit status: with `--fail-on fixable` (the default) 1 when a
//! fix is pending; `any`: 1 when a fix is pending or a vulnerability is
//! open; `none`: 0; 2 on errors.

mod fetch;
mod render;
mod root;
mod sarif;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use secfixes_apk::annotate::{IndexEntry, IndexSummary, SecfixesIndex, summarize_index};
use secfixes_apk::index::{Keyring, Limits, Trust};
use secfixes_apk::release::Branch;
use secfixes_apk::secdb::Secdb;
use secfixes_apk::version::Scheme;
use secfixes_scan::engine::{Tracker, installed_warnings};
use secfixes_scan::{
    AvailableRepo, FixTable, Installed, Report, ScanInput, ServerState, StatesResponse, Warning,
    states_urls,
};

use self::fetch::Fetcher;
use self::root::Root;

/// When the exit status is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// A fix is pending for an installed package.
    Fixable,
    /// A fix is pending, or the tracker reports an open vulnerability.
    Any,
    /// Never (errors still exit 2).
    None,
}

/// Arguments of `secfixes scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Root directory of the system to scan [default: /].
    #[arg(long, value_name = "DIR", conflicts_with = "installed")]
    root: Option<PathBuf>,
    /// An installed database (lib/apk/db/installed) instead of a root.
    #[arg(long, value_name = "FILE")]
    installed: Option<PathBuf>,
    /// A secdb document (JSON or 2020 YAML); repeatable. Default: the feeds
    /// of etc/secfixes.d, else Alpine's for the branch.
    #[arg(long, value_name = "PATH|URL")]
    secdb: Vec<String>,
    /// An APKINDEX.tar.gz; repeatable. Default: the root's repositories.
    #[arg(long, value_name = "PATH|URL", conflicts_with = "no_index")]
    index: Vec<String>,
    /// Do not read any index (availability stays unknown).
    #[arg(long)]
    no_index: bool,
    /// The tracker's URL: also report open vulnerabilities without a fix.
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// The branch (vX.Y or edge). Default: from etc/alpine-release.
    #[arg(long, value_name = "vX.Y", value_parser = Branch::parse)]
    branch: Option<Branch>,
    /// The architecture of the indexes. Default: etc/apk/arch, else the
    /// installed packages'.
    #[arg(long, value_name = "ARCH")]
    arch: Option<String>,
    /// Directory of trusted index keys. Default: <root>/etc/apk/keys.
    #[arg(long, value_name = "DIR")]
    keys: Option<PathBuf>,
    /// Use indexes whose signature does not verify (reported as warnings).
    #[arg(long)]
    allow_untrusted: bool,
    /// Version order: apk2 or apk3. Default: the installed apk-tools'.
    #[arg(long, value_name = "apk2|apk3")]
    version_scheme: Option<Scheme>,
    /// Print the report as JSON.
    #[arg(long, conflicts_with = "sarif")]
    json: bool,
    /// Print the report as SARIF 2.1.0.
    #[arg(long)]
    sarif: bool,
    /// One line per package with a pending fix: `name-version < fixed-version`.
    #[arg(short, long, conflicts_with_all = ["json", "sarif"])]
    quiet: bool,
    /// When to exit with status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Fixable, value_name = "WHEN")]
    fail_on: FailOn,
    /// Never use the network: downloaded files come from the cache only.
    #[arg(long)]
    offline: bool,
    /// Cache directory for downloads. Default: $XDG_CACHE_HOME/secfixes or ~/.cache/secfixes.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

/// An index read and checked, with its label.
struct LoadedIndex {
    label: String,
    tag: Option<String>,
    summary: IndexSummary,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut notes: Vec<String> = Vec::new();

    // The system.
    let (root, installed_bytes, installed_label) = match &args.installed {
        Some(file) => {
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            (None, bytes, file.display().to_string())
        }
        None => {
            let dir = args.root.clone().unwrap_or_else(|| PathBuf::from("/"));
            let mut root = Root::read(&dir)?;
            notes.append(&mut root.warnings);
            let bytes = std::mem::take(&mut root.installed);
            let label = dir.join(root.installed_rel).display().to_string();
            (Some(root), bytes, label)
        }
    };
    let branch = args.branch.clone().or_else(|| {
        root.as_ref()
            .and_then(|r| r.release.as_ref())
            .map(|r| r.branch.clone())
    });
    let cache_dir = args.cache_dir.clone().or_else(fetch::default_cache_dir);
    let mut fetcher = Fetcher::new(cache_dir, args.offline);

    // Read every input first; then inflate the indexes (most of the work)
    // in one thread each while this thread parses the installed database
    // and the secdb documents. Only a root without etc/apk/arch needs the
    // installed packages before (their architecture names the indexes).
    let early_installed =
        (args.arch.is_none() && root.as_ref().is_some_and(|r| r.arch.is_none()) && !args.no_index)
            .then(|| secfixes_scan::read_installed(&installed_bytes));
    let inputs = index_inputs(
        &args,
        root.as_ref(),
        early_installed
            .as_ref()
            .map(|(i, _)| &i[..])
            .unwrap_or_default(),
        &mut fetcher,
        &mut notes,
    )?;
    let keys = match args
        .keys
        .clone()
        .or_else(|| root.as_ref().and_then(|r| r.keys_dir.clone()))
    {
        Some(dir) if !inputs.is_empty() => Some(
            Keyring::from_dir(&dir).with_context(|| format!("keys directory {}", dir.display()))?,
        ),
        _ => None,
    };
    let trust = trust(keys.as_ref(), args.allow_untrusted, inputs.is_empty())?;
    // The secdb documents known before the indexes are read (all but
    // Alpine's default feeds, used only when no index is annotated).
    let early_secdb = explicit_secdb_locations(&args, root.as_ref());
    let mut secdb_bytes = Vec::new();
    for location in early_secdb.iter().flatten() {
        secdb_bytes.push((location.clone(), fetcher.read(location)?));
    }
    // While the indexes inflate, this thread reads the installed database
    // and the secdb documents and builds the table of fixes.
    let (indexes, (installed, bad_records), table) = std::thread::scope(|s| {
        let handles: Vec<_> = inputs
            .iter()
            .map(|i| s.spawn(|| parse_index(i, &trust)))
            .collect();
        let installed =
            early_installed.unwrap_or_else(|| secfixes_scan::read_installed(&installed_bytes));
        let scheme = args
            .version_scheme
            .unwrap_or_else(|| default_scheme(&installed.0, branch.as_ref()));
        let mut table = FixTable::new(scheme);
        let parsed: anyhow::Result<()> = secdb_bytes.iter().try_for_each(|(label, bytes)| {
            table.add_secdb(
                label,
                &parse_secdb(label, bytes).with_context(|| label.clone())?,
            );
            Ok(())
        });
        (
            handles.into_iter().map(join).collect::<Vec<_>>(),
            installed,
            parsed.map(|()| table),
        )
    });
    let mut table = table?;
    if installed.is_empty() && !bad_records.is_empty() {
        bail!(
            "{installed_label}: no readable package record ({})",
            bad_records.len()
        );
    }
    let indexes: Vec<LoadedIndex> = indexes.into_iter().collect::<anyhow::Result<_>>()?;
    for i in &indexes {
        if !i.summary.signature.is_trusted() {
            notes.push(format!("{}: {}", i.label, i.summary.signature.verdict));
        }
    }
    if early_secdb.is_none() {
        let annotated = indexes.iter().any(|i| i.summary.secfixes.is_some());
        for location in default_secdb_locations(branch.as_ref(), annotated, &mut notes)? {
            let bytes = fetcher.read(&location)?;
            let db = parse_secdb(&location, &bytes).with_context(|| location.clone())?;
            table.add_secdb(&location, &db);
        }
    }
    for idx in &indexes {
        if let Some(text) = &idx.summary.secfixes {
            let s = SecfixesIndex::parse(text).with_context(|| idx.label.clone())?;
            table.add_secfixes_index(&format!("{} (SECFIXES)", idx.label), &s);
        }
    }
    let entries: Vec<Vec<IndexEntry<'_>>> = indexes
        .iter()
        .map(|i| i.summary.entries().collect())
        .collect();
    let repos: Vec<AvailableRepo<'_>> = indexes
        .iter()
        .zip(&entries)
        .map(|(i, e)| AvailableRepo {
            label: &i.label,
            tag: i.tag.as_deref(),
            entries: e,
        })
        .collect();

    let states = tracker_states(&args, branch.as_ref(), &installed, &fetcher)?;
    let world = root.as_ref().and_then(|r| r.world.as_ref());
    let mut report = secfixes_scan::scan(&ScanInput {
        installed: &installed,
        world,
        fixes: &table,
        repos: (!indexes.is_empty()).then_some(&repos[..]),
        tracker: args
            .server
            .as_deref()
            .zip(states.as_deref())
            .map(|(label, states)| Tracker { label, states }),
        branch: branch.as_ref().map(Branch::as_str),
    });
    report.warnings.extend(installed_warnings(&bad_records));
    notes.append(&mut fetcher.warnings);
    report
        .warnings
        .extend(notes.into_iter().map(|message| Warning::Note { message }));

    print(&args, &report, root.as_ref(), &installed_label)?;
    let fail = match args.fail_on {
        FailOn::Fixable => report.has_fixable(),
        FailOn::Any => report.has_fixable() || report.has_open(),
        FailOn::None => false,
    };
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How far to trust the indexes: their signature must verify with `keys`
/// unless untrusted input is allowed.
fn trust(
    keys: Option<&Keyring>,
    allow_untrusted: bool,
    no_index: bool,
) -> anyhow::Result<Trust<'_>> {
    match super::index_trust(keys, allow_untrusted) {
        Some(trust) => Ok(trust),
        // No index is read: nothing to trust.
        None if no_index => Ok(Trust::AllowUntrusted),
        None => bail!(
            "no keys to verify the indexes with: give --keys DIR (or --allow-untrusted, or --no-index)"
        ),
    }
}

/// The tracker's states of the installed origins (`--server`).
fn tracker_states(
    args: &Args,
    branch: Option<&Branch>,
    installed: &[Installed],
    fetcher: &Fetcher,
) -> anyhow::Result<Option<Vec<ServerState>>> {
    let Some(url) = &args.server else {
        return Ok(None);
    };
    let b = branch
        .context("--server needs the branch: give --branch or a root with etc/alpine-release")?;
    let mut all = Vec::new();
    for u in states_urls(url, b.as_str(), installed.iter().map(|p| p.origin.as_str())) {
        let body = fetcher.get_uncached(&u)?;
        let r: StatesResponse =
            serde_json::from_slice(&body).with_context(|| format!("{u}: not a states response"))?;
        all.extend(r.states);
    }
    Ok(Some(all))
}

/// The version order when not given: the installed apk-tools' major
/// version, else the branch's, else apk-tools 3.
fn default_scheme(installed: &[Installed], branch: Option<&Branch>) -> Scheme {
    let apk = installed
        .iter()
        .find(|p| p.name == "apk-tools")
        .map(|p| p.version.as_str());
    match apk {
        Some(v) if v.starts_with("2.") => Scheme::Apk2,
        Some(v) if v.starts_with("3.") => Scheme::Apk3,
        _ => branch.map_or(Scheme::Apk3, |b| Scheme::for_branch(b.as_str())),
    }
}

/// The secdb documents named by `--secdb` or by `etc/secfixes.d`; `None`
/// when there are none (see [`default_secdb_locations`]).
fn explicit_secdb_locations(args: &Args, root: Option<&Root>) -> Option<Vec<String>> {
    if !args.secdb.is_empty() {
        return Some(args.secdb.clone());
    }
    root.filter(|r| !r.feeds.is_empty())
        .map(|r| r.feeds.iter().map(|(_, l)| l.location.clone()).collect())
}

/// Without `--secdb` and `etc/secfixes.d`: nothing more when an index is
/// annotated (its `SECFIXES` member is the data), else Alpine's feeds for
/// the branch.
fn default_secdb_locations(
    branch: Option<&Branch>,
    annotated: bool,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<String>> {
    if annotated {
        return Ok(Vec::new());
    }
    match branch {
        Some(b) => {
            notes.push(format!(
                "no --secdb and no etc/secfixes.d: using Alpine's secdb for {b}"
            ));
            Ok(b.alpine_secdb_urls().to_vec())
        }
        None => bail!(
            "no secdb: give --secdb, or --branch, or a root with etc/secfixes.d or etc/alpine-release"
        ),
    }
}

/// Reads a secdb document: YAML for `.yaml`/`.yml`, JSON otherwise.
fn parse_secdb(location: &str, bytes: &[u8]) -> anyhow::Result<Secdb> {
    let path = location.split(['?', '#']).next().unwrap_or(location);
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        let text = std::str::from_utf8(bytes).context("not UTF-8")?;
        return Ok(Secdb::from_yaml_str(text)?);
    }
    let text = std::str::from_utf8(bytes).context("not UTF-8")?;
    Ok(Secdb::from_json_str(text)?)
}

/// The architecture of the indexes: `--arch`, `etc/apk/arch`, else the most
/// common `A:` of the installed packages (`noarch` aside).
fn arch(args: &Args, root: Option<&Root>, installed: &[Installed]) -> Option<String> {
    if let Some(a) = args
        .arch
        .clone()
        .or_else(|| root.and_then(|r| r.arch.clone()))
    {
        return Some(a);
    }
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for p in installed {
        if let Some(a) = p.arch.as_deref().filter(|a| *a != "noarch") {
            *counts.entry(a).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(a, _)| a.to_owned())
}

/// An index to read: its label (the repository's index URL, or the
/// `--index` argument), where it was read from, its tag and its bytes.
struct IndexInput {
    label: String,
    location: String,
    tag: Option<String>,
    bytes: Vec<u8>,
}

/// Finds and reads the indexes (see the module docs).
fn index_inputs(
    args: &Args,
    root: Option<&Root>,
    installed: &[Installed],
    fetcher: &mut Fetcher,
    notes: &mut Vec<String>,
) -> anyhow::Result<Vec<IndexInput>> {
    // (label, location, tag)
    let mut wanted: Vec<(String, String, Option<String>)> = Vec::new();
    if !args.index.is_empty() {
        wanted.extend(args.index.iter().map(|l| (l.clone(), l.clone(), None)));
    } else if let (Some(r), false) = (root, args.no_index) {
        let arch = arch(args, Some(r), installed);
        let repos = r.repositories(arch.as_deref().unwrap_or("noarch"))?;
        if !repos.is_empty() {
            let arch = arch.context(
                "cannot tell the architecture of the indexes: give --arch (or --no-index)",
            )?;
            for repo in repos {
                let Some(url) = repo.index_url(&arch) else {
                    notes.push(format!(
                        "{} line {}: {} is an apk v3 (ADB) repository, not read: availability of its packages is unknown",
                        repo.source, repo.line, repo.url
                    ));
                    continue;
                };
                let location = r
                    .cached_index(&repo, &arch)
                    .map_or_else(|| url.clone(), |p| p.display().to_string());
                wanted.push((url, location, repo.tag.clone()));
            }
        }
    }
    let mut out = Vec::with_capacity(wanted.len());
    for (label, location, tag) in wanted {
        let bytes = fetcher.read(&location).with_context(|| {
            if location == label {
                label.clone()
            } else {
                format!("{label} (from {location})")
            }
        })?;
        out.push(IndexInput {
            label,
            location,
            tag,
            bytes,
        });
    }
    Ok(out)
}

/// Opens and checks one index.
fn parse_index(input: &IndexInput, trust: &Trust<'_>) -> anyhow::Result<LoadedIndex> {
    let summary = summarize_index(&input.bytes, trust, &Limits::default()).with_context(|| {
        if input.location == input.label {
            input.label.clone()
        } else {
            format!("{} ({})", input.label, input.location)
        }
    })?;
    Ok(LoadedIndex {
        label: input.label.clone(),
        tag: input.tag.clone(),
        summary,
    })
}

/// Joins a scoped thread, passing a panic on.
fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    match h.join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Writes the report in the chosen format; a closed pipe ends quietly.
fn print(
    args: &Args,
    report: &Report,
    root: Option<&Root>,
    installed_label: &str,
) -> anyhow::Result<()> {
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    let body = if args.json {
        let mut s = serde_json::to_string_pretty(report)?;
        s.push('\n');
        s
    } else if args.sarif {
        let (root_uri, installed_uri) = match root {
            Some(r) => (dir_uri(&r.dir), r.installed_rel.to_owned()),
            None => {
                let p = Path::new(installed_label);
                let dir = p
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (dir_uri(dir), name)
            }
        };
        let mut s = serde_json::to_string_pretty(&sarif::sarif(
            report,
            &root_uri,
            &installed_uri,
            &warnings,
        ))?;
        s.push('\n');
        s
    } else {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
        if args.quiet {
            render::quiet(report)
        } else {
            render::text(report)
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(body.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A `file://` URI for a directory, ending in `/`.
fn dir_uri(dir: &Path) -> String {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut s = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}
