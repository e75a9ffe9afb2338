//! `secfixes feeds …`: vulnerability feeds.
//!
//! `feeds stats [--json] [--strict] PATH...` detects the format of each
//! path and counts what it holds.
//!
//! How a directory argument expands: a directory of *records* (NVD 2.0
//! per-CVE files or API pages, a CVE 5 tree, OSV records, Wolfi advisories)
//! is one input, one row. A directory of *feeds* (NVD 1.1 feeds, compressed
//! NVD 2.0 feeds, KEV catalogs, EPSS files, archives — anything else) is
//! walked: each file is a row of its own, each subdirectory is expanded by
//! the same rule, in path order. Files in a walked directory that are not
//! inputs (documentation, a JSON schema, a `.meta` sidecar without its
//! data) are listed as skipped with the reason; a `.meta` beside its data
//! file is checked by the reader and not listed. A file named on the command
//! line is always read, and an unrecognised one is an error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use secfixes_feeds::detect::{Layout, detect_input, is_never_data};
use secfixes_feeds::{Error, Item, Mode, ReadOptions};
use secfixes_model::CvssVersion;
use serde::Serialize;

/// Arguments of `secfixes feeds`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Detect the format of each path and count what it holds.
    ///
    /// A directory of records (NVD 2.0 per-CVE files, a CVE 5 tree, OSV
    /// records, Wolfi advisories) is one row; a directory of feed files
    /// (NVD feeds, KEV catalogs, EPSS files, archives) gives one row per
    /// file, recursively.
    Stats(StatsArgs),
}

#[derive(Debug, clap::Args)]
struct StatsArgs {
    /// Print a JSON array of objects instead of a table.
    #[arg(long)]
    json: bool,
    /// Fail at the first bad record instead of skipping and counting it.
    #[arg(long)]
    strict: bool,
    /// Feed files or directories.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Stats(a) => stats(&a),
    }
}

/// How many bad records are listed per input.
const SHOWN_ERRORS: usize = 5;
/// How many notes are listed per input in the table output.
const SHOWN_NOTES: usize = 5;

/// The counts of one input.
#[derive(Debug, Default, Clone, Serialize)]
struct Counts {
    /// Items read (vulnerability records, KEV entries, EPSS scores).
    records: u64,
    /// Records rejected (NVD, CVE 5) or withdrawn (OSV).
    rejected_or_withdrawn: u64,
    /// Records with a CVSS 3.0 or 3.1 assessment.
    cvss_v3: u64,
    /// … of which with a CVSS 3.0 one.
    cvss_v30: u64,
    /// … of which with a CVSS 3.1 one.
    cvss_v31: u64,
    /// Records with a CVSS 4.0 assessment.
    cvss_v4: u64,
    /// NVD records with at least one configuration.
    with_configurations: u64,
    /// CVE 5 / OSV records with `affected[]` entries.
    with_affected: u64,
    /// NVD cpeMatch entries, children included.
    cpe_match: u64,
    /// KEV entries, and records that carry KEV facts.
    kev: u64,
    /// EPSS scores.
    epss: u64,
    /// Bad records skipped.
    errors: u64,
}

impl Counts {
    fn add_item(&mut self, item: &Item) {
        match item {
            Item::Vulnerability(v) => {
                self.rejected_or_withdrawn += u64::from(v.status.is_retracted());
                let has = |version| v.cvss.iter().any(|c| c.version == version);
                let (v30, v31) = (has(CvssVersion::V30), has(CvssVersion::V31));
                self.cvss_v3 += u64::from(v30 || v31);
                self.cvss_v30 += u64::from(v30);
                self.cvss_v31 += u64::from(v31);
                self.cvss_v4 += u64::from(has(CvssVersion::V40));
                self.with_configurations += u64::from(!v.configurations.is_empty());
                self.with_affected +=
                    u64::from(!v.cve_affected.is_empty() || !v.osv_affected.is_empty());
                self.cpe_match += v
                    .configurations
                    .iter()
                    .map(|c| c.matches().count() as u64)
                    .sum::<u64>();
                self.kev += u64::from(v.kev.is_some());
                self.epss += u64::from(v.epss.is_some());
            }
            Item::Kev(..) => self.kev += 1,
            Item::Epss(..) => self.epss += 1,
        }
    }

    fn add(&mut self, o: &Self) {
        self.records += o.records;
        self.rejected_or_withdrawn += o.rejected_or_withdrawn;
        self.cvss_v3 += o.cvss_v3;
        self.cvss_v30 += o.cvss_v30;
        self.cvss_v31 += o.cvss_v31;
        self.cvss_v4 += o.cvss_v4;
        self.with_configurations += o.with_configurations;
        self.with_affected += o.with_affected;
        self.cpe_match += o.cpe_match;
        self.kev += o.kev;
        self.epss += o.epss;
        self.errors += o.errors;
    }

    /// The table columns, in order.
    fn columns(&self) -> [u64; 12] {
        [
            self.records,
            self.rejected_or_withdrawn,
            self.cvss_v3,
            self.cvss_v30,
            self.cvss_v31,
            self.cvss_v4,
            self.with_configurations,
            self.with_affected,
            self.cpe_match,
            self.kev,
            self.epss,
            self.errors,
        ]
    }
}

const HEADERS: [&str; 12] = [
    "records", "rejected", "cvss3", "3.0", "3.1", "cvss4", "configs", "affected", "cpeMatch",
    "kev", "epss", "errors",
];

/// One row of the output.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Row {
    /// An input that was read.
    Input {
        path: String,
        format: &'static str,
        #[serde(flatten)]
        counts: Counts,
        /// The first bad records.
        error_samples: Vec<String>,
        notes: Vec<String>,
    },
    /// A file of a walked directory that is not an input.
    Skipped { path: String, skipped: String },
    /// The sum of every input.
    Total {
        total: bool,
        inputs: usize,
        #[serde(flatten)]
        counts: Counts,
    },
}

/// What a command-line path expands to.
enum Entry {
    Input(PathBuf),
    Skipped(PathBuf, String),
}

fn stats(args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let mut entries = Vec::new();
    for path in &args.paths {
        expand(path, true, &mut entries)?;
    }
    let opts = ReadOptions {
        mode: if args.strict {
            Mode::Strict
        } else {
            Mode::Lenient
        },
    };
    let mut rows = Vec::new();
    let mut total = Counts::default();
    let mut inputs = 0;
    for entry in entries {
        match entry {
            Entry::Skipped(path, reason) => {
                rows.push(Row::Skipped {
                    path: path.display().to_string(),
                    skipped: reason,
                });
            }
            Entry::Input(path) => {
                let mut counts = Counts::default();
                let (format, summary) = secfixes_feeds::read_path(&path, &opts, &mut |item| {
                    counts.add_item(&item);
                    Ok(())
                })
                .with_context(|| format!("cannot read {}", path.display()))?;
                counts.records = summary.records;
                counts.errors = summary.skipped;
                total.add(&counts);
                inputs += 1;
                rows.push(Row::Input {
                    path: path.display().to_string(),
                    format: format.as_str(),
                    counts,
                    error_samples: summary
                        .errors
                        .iter()
                        .take(SHOWN_ERRORS)
                        .map(ToString::to_string)
                        .collect(),
                    notes: summary.notes,
                });
            }
        }
    }
    rows.push(Row::Total {
        total: true,
        inputs,
        counts: total,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print!("{}", render_table(&rows));
    }
    Ok(ExitCode::SUCCESS)
}

/// Expands a path into inputs, following the rule in the module docs.
fn expand(path: &Path, on_command_line: bool, out: &mut Vec<Entry>) -> anyhow::Result<()> {
    if !path.is_dir() {
        if on_command_line {
            out.push(Entry::Input(path.to_path_buf()));
            return Ok(());
        }
        if is_never_data(path) {
            if let Some(reason) = sidecar_or_doc_reason(path) {
                out.push(Entry::Skipped(path.to_path_buf(), reason));
            }
            return Ok(());
        }
    }
    match detect_input(path) {
        Ok(d) if d.layout == Layout::FeedDirectory => {
            let mut children: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
                .filter_map(Result::ok)
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .collect();
            children.sort();
            for child in children {
                expand(&child, false, out)?;
            }
        }
        Ok(_) => out.push(Entry::Input(path.to_path_buf())),
        Err(Error::UnknownFormat { reason, .. }) if !on_command_line => {
            out.push(Entry::Skipped(path.to_path_buf(), reason));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    Ok(())
}

/// Why a non-data file of a walked directory is skipped; `None` for a
/// `.meta` sidecar beside its data file (the reader checks it).
fn sidecar_or_doc_reason(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if let Some(stem) = name.strip_suffix(".meta") {
        let has_data = ["json", "json.gz", "json.zip"]
            .iter()
            .any(|ext| path.with_file_name(format!("{stem}.{ext}")).exists());
        return (!has_data).then(|| "a .meta sidecar without its data file".to_owned());
    }
    Some("documentation, not data".to_owned())
}

fn render_table(rows: &[Row]) -> String {
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["path".to_owned(), "format".to_owned()];
    header.extend(HEADERS.iter().map(|h| (*h).to_owned()));
    lines.push(header);
    let mut details = String::new();
    let mut skipped = Vec::new();
    for row in rows {
        match row {
            Row::Input {
                path,
                format,
                counts,
                error_samples,
                notes,
            } => {
                let mut line = vec![path.clone(), (*format).to_owned()];
                line.extend(counts.columns().iter().map(ToString::to_string));
                lines.push(line);
                if !error_samples.is_empty() {
                    details.push_str(&format!(
                        "\n{path}: {} bad records skipped, the first:\n",
                        counts.errors
                    ));
                    for e in error_samples {
                        details.push_str(&format!("  {e}\n"));
                    }
                }
                if !notes.is_empty() {
                    details.push_str(&format!("\n{path}: notes\n"));
                    for n in notes.iter().take(SHOWN_NOTES) {
                        details.push_str(&format!("  {n}\n"));
                    }
                    if notes.len() > SHOWN_NOTES {
                        details.push_str(&format!("  … and {} more\n", notes.len() - SHOWN_NOTES));
                    }
                }
            }
            Row::Skipped {
                path,
                skipped: reason,
            } => skipped.push(format!("  {path}: {reason}\n")),
            Row::Total { inputs, counts, .. } => {
                let mut line = vec![format!("total ({inputs} inputs)"), String::new()];
                line.extend(counts.columns().iter().map(ToString::to_string));
                lines.push(line);
            }
        }
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i < 2 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out.push_str(&details);
    if !skipped.is_empty() {
        out.push_str(&format!(
            "\nskipped ({} files, not inputs):\n",
            skipped.len()
        ));
        for s in skipped {
            out.push_str(&s);
        }
    }
    out
}
