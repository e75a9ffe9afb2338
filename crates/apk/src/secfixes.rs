//! The `# secfixes:` block of an APKBUILD.
//!
//! ```text
//! # secfixes:
//! #   3.0.5-r0:
//! #     - CVE-2022-2097
//! #   0:
//! #     - CVE-2022-1292
//! ```
//!
//! **Where the block is** (abuild `check_secfixes_comment`,
//! `alpinelinux/abuild:abuild.in@8929da3`): from a line starting with
//! `# secfixes:` up to, not including, the first line that is empty or does
//! not start with `#`. abuild checks every such block in a file; the secdb
//! generators read the first. [`parse_blocks`] returns them all, [`parse`]
//! the first.
//!
//! **What the lines mean.** The block is YAML once the leading `#` is
//! removed (the secdb generator `alpinelinux/alpine-secdb:secfixes.lua`
//! feeds it to a YAML loader), so:
//! - a version key line is `<key>:` — the key is kept as the raw text, never
//!   as a number (`0`, `1.10`);
//! - an item line is `- <entry>`; ` #` inside it starts a YAML comment;
//! - `#` alone is a blank line.
//!
//! This parser is tolerant: it reads keys and items whatever their
//! indentation, so that a block abuild would reject still yields its data;
//! [`crate::lint`] reports what abuild (and YAML) would object to. Lines that
//! are neither keys, items nor blank are kept as [`LineKind::Other`]. Items
//! written before any version key are kept in
//! [`SecfixesBlock::orphan_items`].
//!
//! Pure: text in, data out ([`parse_file`] is the one helper that reads a
//! path). Never panics on any input.

mod token;
mod vars;

use std::path::{Path, PathBuf};

use secfixes_model::VulnId;

use crate::version::{InvalidVersion, Version};

pub use token::{SplitEntry, Token, TokenKind, looks_like_id, split_comment, split_entry, tokens};
pub use vars::{AssignedValue, Assignment, PackageVars, package_vars};

/// The header that opens a block.
pub const HEADER: &str = "# secfixes:";

/// How one line of a block was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// The `# secfixes:` line.
    Header,
    /// `#`, possibly followed by whitespace.
    Blank,
    /// A version key line (`#   1.2.3-r0:`).
    Key,
    /// An item line (`#     - CVE-…`).
    Item,
    /// Anything else.
    Other,
}

/// One line of a block, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockLine {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line, without its `\n` (a `\r` is kept: abuild sees it too).
    pub text: String,
    /// How the parser read it.
    pub kind: LineKind,
}

/// One item line: `- <entry>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters) where `raw` starts.
    pub column: usize,
    /// The text after `- `, trimmed, comment included: what the derived
    /// secdb files carry verbatim.
    pub raw: String,
    /// The identifiers the entry names (see [`split_entry`]).
    pub ids: Vec<VulnId>,
    /// Free text: non-id words and the comment.
    pub note: Option<String>,
}

impl Item {
    /// Builds an item from its raw entry text.
    pub fn new(line: usize, column: usize, raw: &str) -> Self {
        let split = split_entry(raw);
        Self {
            line,
            column,
            raw: raw.to_owned(),
            ids: split.ids,
            note: split.note,
        }
    }

    /// The YAML value of the entry: `raw` without its comment. This is what a
    /// YAML reader of the block (the official secdb generator) sees.
    pub fn yaml_value(&self) -> &str {
        split_comment(&self.raw).0
    }
}

/// One version key and its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key exactly as written (`1.2.3-r0`, `0`, `4.10-1-r1`).
    pub version: String,
    /// 1-based line number of the key.
    pub line: usize,
    /// 1-based column (in characters) of the key.
    pub column: usize,
    /// The items under the key, in file order.
    pub items: Vec<Item>,
}

impl Entry {
    /// Whether the key is `0`: "this package was never affected".
    pub fn is_not_affected(&self) -> bool {
        self.version == "0"
    }

    /// How to read the key (see [`FixedIn`]).
    pub fn fixed_in(&self) -> FixedIn<'_> {
        fixed_in(&self.version)
    }
}

/// What a secfixes key (in an APKBUILD or in secdb) says about the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixedIn<'a> {
    /// Key `0`: the package (on this branch) was never affected. Not a
    /// version.
    NotAffected,
    /// Fixed in this version (`installed < version` means still vulnerable).
    Version(Version),
    /// The key is not a valid apk version (`4.10-1-r1`, `1.2.31-0`): kept
    /// raw so the caller can flag it instead of losing it.
    InvalidKey {
        /// The key as written.
        key: &'a str,
        /// Why it is not a version.
        error: InvalidVersion,
    },
}

/// Reads a key: `0` is [`FixedIn::NotAffected`], a valid apk version is a
/// [`FixedIn::Version`], anything else [`FixedIn::InvalidKey`].
pub fn fixed_in(key: &str) -> FixedIn<'_> {
    if key == "0" {
        return FixedIn::NotAffected;
    }
    match Version::parse(key) {
        Ok(v) => FixedIn::Version(v),
        Err(error) => FixedIn::InvalidKey { key, error },
    }
}

/// A parsed `# secfixes:` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecfixesBlock {
    /// 1-based line number of the `# secfixes:` line.
    pub line: usize,
    /// Text after `# secfixes:` on the header line, trimmed, when any
    /// (`# secfixes: 4.0.0-r0:` occurs in real APKBUILDs).
    pub header_trailing: Option<String>,
    /// Every line of the block, the header included, in order.
    pub lines: Vec<BlockLine>,
    /// The version keys in file order (a repeated key appears twice).
    pub entries: Vec<Entry>,
    /// Items written before the first version key.
    pub orphan_items: Vec<Item>,
}

impl SecfixesBlock {
    /// 1-based number of the block's last line.
    pub fn end_line(&self) -> usize {
        self.lines.last().map_or(self.line, |l| l.number)
    }

    /// Every item, orphans first, then in file order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.orphan_items
            .iter()
            .chain(self.entries.iter().flat_map(|e| e.items.iter()))
    }

    /// Lines the parser could not read as a key, an item or a blank line.
    pub fn other_lines(&self) -> impl Iterator<Item = &BlockLine> {
        self.lines.iter().filter(|l| l.kind == LineKind::Other)
    }
}

/// Every `# secfixes:` block of an APKBUILD text, in file order.
pub fn parse_blocks(text: &str) -> Vec<SecfixesBlock> {
    let mut blocks = Vec::new();
    let mut current: Option<SecfixesBlock> = None;
    for (idx, line) in text.split('\n').enumerate() {
        let number = idx + 1;
        if let Some(block) = current.as_mut() {
            if line.is_empty() || !line.starts_with('#') {
                blocks.extend(current.take());
            } else {
                // abuild's sed range ends only at an empty or non-`#` line,
                // so a second header inside a block is just a line of it.
                read_line(block, number, line);
                continue;
            }
        }
        if let Some(rest) = line.strip_prefix(HEADER) {
            let trailing = rest.trim();
            current = Some(SecfixesBlock {
                line: number,
                header_trailing: (!trailing.is_empty()).then(|| trailing.to_owned()),
                lines: vec![BlockLine {
                    number,
                    text: line.to_owned(),
                    kind: LineKind::Header,
                }],
                entries: Vec::new(),
                orphan_items: Vec::new(),
            });
        }
    }
    blocks.extend(current);
    blocks
}

/// The first `# secfixes:` block of an APKBUILD text, if any.
pub fn parse(text: &str) -> Option<SecfixesBlock> {
    parse_blocks(text).into_iter().next()
}

/// Reads one line of a block (it starts with `#`).
fn read_line(block: &mut SecfixesBlock, number: usize, line: &str) {
    let body = line.strip_prefix('#').unwrap_or(line);
    let trimmed = body.trim();
    let kind = if trimmed.is_empty() {
        LineKind::Blank
    } else if line.starts_with(HEADER) {
        // A second header inside a block (abuild accepts it; it is no key).
        LineKind::Other
    } else if let Some(after_dash) = trimmed
        .strip_prefix('-')
        .filter(|a| a.is_empty() || a.starts_with([' ', '\t']))
    {
        let raw = after_dash.trim();
        let column = char_column(line, raw);
        let item = Item::new(number, column, raw);
        match block.entries.last_mut() {
            Some(entry) => entry.items.push(item),
            None => block.orphan_items.push(item),
        }
        LineKind::Item
    } else if let Some(key) = trimmed
        .strip_suffix(':')
        .map(str::trim_end)
        .filter(|k| is_key(k))
    {
        let column = char_column(line, key);
        block.entries.push(Entry {
            version: key.to_owned(),
            line: number,
            column,
            items: Vec::new(),
        });
        LineKind::Key
    } else {
        LineKind::Other
    };
    block.lines.push(BlockLine {
        number,
        text: line.to_owned(),
        kind,
    });
}

/// The 1-based character column of `part`, a sub-slice of `line`.
fn char_column(line: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
    line.get(..offset).map_or(1, |p| p.chars().count() + 1)
}

/// Whether the text before a trailing `:` is a YAML key that stands for
/// itself: not a comment, not a list item, not itself a mapping.
/// (Whitespace inside is kept: YAML reads `1.2 (backport):` as that key, and
/// the lint flags it as an invalid version.)
fn is_key(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(['#', '-'])
        && !k.contains(": ")
        && !k.contains(" #")
        && !k.contains("\t#")
        && !k.ends_with(':')
}

/// Why an APKBUILD could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SecfixesError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// An APKBUILD read from disk: its text's blocks and package variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApkbuildSecfixes {
    /// The file.
    pub path: PathBuf,
    /// Every block (usually zero or one).
    pub blocks: Vec<SecfixesBlock>,
    /// `pkgname`, `pkgver`, `pkgrel`.
    pub vars: PackageVars,
}

/// Reads an APKBUILD file: bytes that are not UTF-8 are replaced (the block
/// itself is ASCII in practice) rather than failing the file.
pub fn parse_file(path: &Path) -> Result<ApkbuildSecfixes, SecfixesError> {
    let bytes = std::fs::read(path).map_err(|source| SecfixesError::Read {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(ApkbuildSecfixes {
        path: path.to_owned(),
        blocks: parse_blocks(&text),
        vars: package_vars(&text),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const OPENSSL: &str = "\
pkgname=openssl
pkgver=3.0.5
pkgrel=2

# secfixes:
#   3.0.5-r0:
#     - CVE-2022-2097
#   1.1.1l-r0:
#     - CVE-2021-3711
#     - CVE-2021-3712
#
#   0:
#     - CVE-2022-1292
build() {
";

    #[test]
    fn openssl_block() {
        let b = parse(OPENSSL).unwrap();
        assert_eq!(b.line, 5);
        assert_eq!(b.end_line(), 13);
        let keys: Vec<_> = b
            .entries
            .iter()
            .map(|e| (e.version.as_str(), e.line, e.items.len()))
            .collect();
        assert_eq!(
            keys,
            [("3.0.5-r0", 6, 1), ("1.1.1l-r0", 8, 2), ("0", 12, 1)]
        );
        assert!(b.entries[2].is_not_affected());
        assert_eq!(b.entries[2].fixed_in(), FixedIn::NotAffected);
        assert!(
            matches!(b.entries[1].fixed_in(), FixedIn::Version(v) if v.as_str() == "1.1.1l-r0")
        );
        let item = &b.entries[1].items[1];
        assert_eq!(
            (item.line, item.column, item.raw.as_str()),
            (10, 9, "CVE-2021-3712")
        );
        assert_eq!(item.ids[0].as_str(), "CVE-2021-3712");
        assert_eq!(b.lines[6].kind, LineKind::Blank);
        assert!(b.orphan_items.is_empty());
        assert_eq!(b.other_lines().count(), 0);
    }

    #[test]
    fn block_ends_at_empty_or_code_line() {
        let t = "# secfixes:\n#   1-r0:\n#     - CVE-2020-1234\n\n#   2-r0:\n";
        let b = parse(t).unwrap();
        assert_eq!(b.entries.len(), 1);
        let t = "# secfixes:\n#   1-r0:\n  #     - CVE-2020-1234\n";
        assert!(parse(t).unwrap().entries[0].items.is_empty());
    }

    #[test]
    fn no_block() {
        assert!(parse("pkgname=x\n#secfixes:\n # secfixes:\n").is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn orphans_and_header_trailing_text() {
        // nrpe in 3.17-stable, firefox in 3.16-stable.
        let b = parse("# secfixes: 4.0.0-r0:\n#     - CVE-2020-6581\n").unwrap();
        assert_eq!(b.header_trailing.as_deref(), Some("4.0.0-r0:"));
        assert_eq!(b.orphan_items.len(), 1);
        assert!(b.entries.is_empty());
    }

    #[test]
    fn tolerant_lines() {
        let t = "# secfixes:\n#    1.2-r0:\n#   -  CVE-2016-6254\n#\t- XSA-1\n#   2-r0: CVE-1\n#   - \n#     -CVE-1\n";
        let b = parse(t).unwrap();
        assert_eq!(b.entries.len(), 1);
        let raws: Vec<_> = b.entries[0].items.iter().map(|i| i.raw.as_str()).collect();
        assert_eq!(raws, ["CVE-2016-6254", "XSA-1", ""]);
        assert_eq!(b.entries[0].items[0].column, 8);
        assert_eq!(b.other_lines().count(), 2);
    }

    #[test]
    fn crlf_is_kept_in_text_but_not_in_values() {
        let b = parse("# secfixes:\r\n#   1-r0:\r\n#     - CVE-2020-1234\r\n").unwrap();
        assert_eq!(b.entries[0].version, "1-r0");
        assert!(b.lines[1].text.ends_with('\r'));
        assert_eq!(b.entries[0].items[0].raw, "CVE-2020-1234");
    }

    #[test]
    fn several_blocks() {
        let t = "# secfixes:\n#   1-r0:\n#     - CVE-2020-1234\nx=1\n# secfixes:\n#   2-r0:\n";
        let blocks = parse_blocks(t);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].line, 5);
        // A header inside a block does not start a new one.
        let t = "# secfixes:\n# secfixes:\n#   1-r0:\n";
        let blocks = parse_blocks(t);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].lines[1].kind, LineKind::Other);
    }

    #[test]
    fn yaml_value_drops_comment() {
        let b = parse("# secfixes:\n#   4.9.3-r0:\n#     - CVE-2017-16808 # (AoE)\n").unwrap();
        let i = &b.entries[0].items[0];
        assert_eq!(i.raw, "CVE-2017-16808 # (AoE)");
        assert_eq!(i.yaml_value(), "CVE-2017-16808");
        assert_eq!(i.note.as_deref(), Some("(AoE)"));
    }

    #[test]
    fn key_zero_and_numeric_looking_keys_stay_strings() {
        let b =
            parse("# secfixes:\n#   0:\n#     - CVE-2020-1234\n#   1.10:\n#     - CVE-2020-1235\n")
                .unwrap();
        assert_eq!(b.entries[0].version, "0");
        assert_eq!(b.entries[1].version, "1.10");
    }
}
