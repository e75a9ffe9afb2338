//! Lint for the `# secfixes:` block of APKBUILDs.
//!
//! Findings are data ([`Finding`]); rendering (text, JSON) happens at the
//! edge. Every finding has a stable kebab-case [`Code`] and a fixed
//! [`Severity`]:
//!
//! - **error**: abuild refuses to build the package
//!   (`check_secfixes_comment`, `alpinelinux/abuild:abuild.in@8929da3`);
//! - **warning**: abuild accepts it, but the data that reaches secdb and its
//!   consumers is lost, wrong or ambiguous.
//!
//! | code | severity | what | why |
//! |---|---|---|---|
//! | `tab` | error | a line abuild rejects contains a tab | abuild: "secfixes comment must not have tabs" |
//! | `malformed-line` | error | a line matches none of abuild's patterns (the message names the rule) | abuild: "secfixes comment is not valid" |
//! | `header-trailing-text` | warning | text after `# secfixes:` | abuild accepts any text there; a YAML reader of the block fails or mis-reads it |
//! | `multiple-blocks` | warning | a second `# secfixes:` block | abuild checks it, secdb generators read only the first |
//! | `item-outside-version` | warning | an item before any version key | no fixed version: secdb drops it (or the YAML is not a mapping) |
//! | `invalid-version-key` | warning | a key that is not a valid apk version (`4.10-1-r1`, `1.2.31-0`) | abuild does not check keys; scanners cannot compare it |
//! | `version-without-revision` | warning | a valid key without `-rN` (`7.53.0`) | secdb keys are full package versions; `7.53.0` sorts before `7.53.0-r0` |
//! | `duplicate-version-key` | warning | the same key twice | YAML keeps one of them: the other's ids are lost |
//! | `empty-version` | warning | a key with no items | YAML reads `null`, not a list; the historical generator's `--verify` fails |
//! | `not-an-id` | warning | an item whose first word is not an id (`CVE 2025-48379`, `cve-…`, `CVE-????-?????`) | consumers take the first word as the id |
//! | `impossible-id` | warning | a `CVE-`/`GHSA-` id that breaks the id syntax | see below |
//! | `duplicate-id` | warning | the same id under two versions, twice as an item's first id under one version, or twice on one line (an alias such as `XSA-201` repeated beside several CVEs of one version is fine) | the fixed version is ambiguous |
//! | `unreadable-line` | warning | abuild accepts the line, but it is no key, item or blank line YAML could read (`#   1.2-r0: x:`) | its content is lost |
//! | `malformed-header` | warning | a line that means to open a block but is not `# secfixes:` (`# secfixes`, `#secfixes:`) | abuild does not check the block and tools looking for `# secfixes:` skip it; the historical generator (`^# secfixes`) turned it into invalid YAML |
//!
//! `impossible-id` rules (sound, no invented limits): a CVE id is
//! `CVE-YYYY-N…` with a 4-digit year ≥ 1999 (the first CVE year) and 4 to 19
//! digits (the CVE JSON 5 schema's `cveId` pattern `^CVE-[0-9]{4}-[0-9]{4,19}$`;
//! numbers have no fixed maximum, so `CVE-2018-128911` is *possible*). A
//! GHSA id is `GHSA-xxxx-xxxx-xxxx` over GitHub's alphabet
//! `[23456789cfghjmpqrvwx]`.
//!
//! abuild's patterns (a block line must match one): `^# secfixes:`,
//! `^#  +- [A-Z0-9-]+` (item), `^#   [0-9]+.*:$` (key: exactly three spaces),
//! `^#$`. abuild reports tabs only on lines that fail these patterns, so a tab
//! inside an otherwise valid item passes; so does it here.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::secfixes::{
    self, BlockLine, Entry, FixedIn, Item, LineKind, SecfixesBlock, TokenKind, split_comment,
    tokens,
};
use secfixes_model::VulnId;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// abuild accepts it; data quality suffers.
    Warning,
    /// abuild rejects the APKBUILD.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable code of a finding (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// `tab`.
    Tab,
    /// `malformed-line`.
    MalformedLine,
    /// `header-trailing-text`.
    HeaderTrailingText,
    /// `multiple-blocks`.
    MultipleBlocks,
    /// `item-outside-version`.
    ItemOutsideVersion,
    /// `invalid-version-key`.
    InvalidVersionKey,
    /// `version-without-revision`.
    VersionWithoutRevision,
    /// `duplicate-version-key`.
    DuplicateVersionKey,
    /// `empty-version`.
    EmptyVersion,
    /// `not-an-id`.
    NotAnId,
    /// `impossible-id`.
    ImpossibleId,
    /// `duplicate-id`.
    DuplicateId,
    /// `unreadable-line`.
    UnreadableLine,
    /// `malformed-header`.
    MalformedHeader,
}

impl Code {
    /// Every code, in table order.
    pub const ALL: [Self; 14] = [
        Self::Tab,
        Self::MalformedLine,
        Self::HeaderTrailingText,
        Self::MultipleBlocks,
        Self::ItemOutsideVersion,
        Self::InvalidVersionKey,
        Self::VersionWithoutRevision,
        Self::DuplicateVersionKey,
        Self::EmptyVersion,
        Self::NotAnId,
        Self::ImpossibleId,
        Self::DuplicateId,
        Self::UnreadableLine,
        Self::MalformedHeader,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tab => "tab",
            Self::MalformedLine => "malformed-line",
            Self::HeaderTrailingText => "header-trailing-text",
            Self::MultipleBlocks => "multiple-blocks",
            Self::ItemOutsideVersion => "item-outside-version",
            Self::InvalidVersionKey => "invalid-version-key",
            Self::VersionWithoutRevision => "version-without-revision",
            Self::DuplicateVersionKey => "duplicate-version-key",
            Self::EmptyVersion => "empty-version",
            Self::NotAnId => "not-an-id",
            Self::ImpossibleId => "impossible-id",
            Self::DuplicateId => "duplicate-id",
            Self::UnreadableLine => "unreadable-line",
            Self::MalformedHeader => "malformed-header",
        }
    }

    /// The code's severity: error exactly when abuild rejects the APKBUILD.
    pub fn severity(self) -> Severity {
        match self {
            Self::Tab | Self::MalformedLine => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// Looks a code up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The file, as the caller named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters), when the finding points inside the line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The stable code.
    pub code: Code,
    /// The code's severity.
    pub severity: Severity,
    /// What is wrong, for humans.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `file:line: severity[code]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.file, self.line, self.severity, self.code, self.message
        )
    }
}

/// Collects findings for one file.
struct Sink<'a> {
    file: &'a str,
    out: Vec<Finding>,
}

impl Sink<'_> {
    fn push(&mut self, line: usize, column: Option<usize>, code: Code, message: String) {
        self.out.push(Finding {
            file: self.file.to_owned(),
            line,
            column,
            code,
            severity: code.severity(),
            message,
        });
    }
}

/// Lints an APKBUILD text; `file` names it in the findings. Findings are in
/// line order (then code order).
pub fn lint_text(file: &str, text: &str) -> Vec<Finding> {
    let blocks = secfixes::parse_blocks(text);
    let mut out = lint_blocks(file, &blocks);
    let in_block = |n: usize| blocks.iter().any(|b| (b.line..=b.end_line()).contains(&n));
    for (idx, line) in text.split('\n').enumerate() {
        let number = idx + 1;
        if looks_like_header(line) && !line.starts_with(secfixes::HEADER) && !in_block(number) {
            out.push(Finding {
                file: file.to_owned(),
                line: number,
                column: Some(1),
                code: Code::MalformedHeader,
                severity: Code::MalformedHeader.severity(),
                message: format!(
                    "{:?} is not `# secfixes:`: abuild does not check this block and secdb tools skip it",
                    line.trim_end()
                ),
            });
        }
    }
    out.sort_by_key(|f| (f.line, f.code, f.column));
    out
}

/// A comment line that means to open a secfixes block: `#`, optional
/// whitespace, `secfixes` in any case, then the end, `:` or whitespace.
fn looks_like_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.get(..8)
        .is_some_and(|w| w.eq_ignore_ascii_case("secfixes"))
        && rest
            .get(8..)
            .is_some_and(|t| t.is_empty() || t.starts_with([':', ' ', '\t', '\r']))
}

/// Lints already parsed blocks (of one file). Unlike [`lint_text`], this
/// cannot see `malformed-header` (those lines open no block).
pub fn lint_blocks(file: &str, blocks: &[SecfixesBlock]) -> Vec<Finding> {
    let mut sink = Sink {
        file,
        out: Vec::new(),
    };
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            let first = blocks.first().map_or(0, |b| b.line);
            sink.push(
                block.line,
                None,
                Code::MultipleBlocks,
                format!("second `# secfixes:` block (the first is at line {first}); secdb generators read only the first"),
            );
        }
        lint_block(&mut sink, block);
    }
    let mut out = sink.out;
    out.sort_by_key(|f| (f.line, f.code, f.column));
    out
}

fn lint_block(sink: &mut Sink<'_>, block: &SecfixesBlock) {
    if let Some(t) = &block.header_trailing {
        sink.push(
            block.line,
            block.lines.first().and_then(|h| h.text.find(t.as_str())).map(|off| off + 1),
            Code::HeaderTrailingText,
            format!("text after `# secfixes:` ({t:?}) is ignored by abuild but breaks the YAML of the block; put it on its own line"),
        );
    }
    for line in &block.lines {
        check_abuild_patterns(sink, line);
    }
    for item in &block.orphan_items {
        sink.push(
            item.line,
            None,
            Code::ItemOutsideVersion,
            format!(
                "item {:?} comes before any version key: it has no fixed version",
                item.raw
            ),
        );
    }
    let mut seen_keys: HashMap<&str, usize> = HashMap::new();
    for entry in &block.entries {
        check_key(sink, entry);
        if let Some(first) = seen_keys.get(entry.version.as_str()) {
            sink.push(
                entry.line,
                None,
                Code::DuplicateVersionKey,
                format!(
                    "version key {:?} already appears at line {first}; YAML keeps only one of them",
                    entry.version
                ),
            );
        } else {
            seen_keys.insert(&entry.version, entry.line);
        }
        if entry.items.is_empty() {
            sink.push(
                entry.line,
                None,
                Code::EmptyVersion,
                format!("version key {:?} has no items", entry.version),
            );
        }
    }
    for item in block.items() {
        check_item_ids(sink, item);
    }
    check_duplicate_ids(sink, block);
}

/// abuild's four patterns, and why a line fails them.
fn check_abuild_patterns(sink: &mut Sink<'_>, line: &BlockLine) {
    let Some(reason) = abuild_rejection(line) else {
        if line.kind == LineKind::Other && !line.text.starts_with(secfixes::HEADER) {
            sink.push(
                line.number,
                None,
                Code::UnreadableLine,
                "abuild accepts this line, but it is neither a version key, an item nor blank: its content is lost"
                    .to_owned(),
            );
        }
        return;
    };
    if let Some(col) = line.text.chars().position(|c| c == '\t') {
        sink.push(
            line.number,
            Some(col + 1),
            Code::Tab,
            format!("secfixes comment must not have tabs ({reason})"),
        );
    } else {
        sink.push(line.number, None, Code::MalformedLine, reason);
    }
}

/// `None` when abuild accepts the line; otherwise the rule it breaks.
pub fn abuild_rejection(line: &BlockLine) -> Option<String> {
    let t = line.text.as_str();
    if t.starts_with(secfixes::HEADER) || t == "#" || abuild_item(t) || abuild_key(t) {
        return None;
    }
    let body = t.strip_prefix('#').unwrap_or(t);
    let indent = body.len() - body.trim_start_matches(' ').len();
    let cr = if t.ends_with('\r') {
        " (the line ends with a carriage return: CRLF line endings)"
    } else {
        ""
    };
    let reason = match line.kind {
        LineKind::Header => "header must start the line as `# secfixes:`".to_owned(),
        LineKind::Blank => format!(
            "a blank line inside the block must be exactly `#` (no trailing whitespace){cr}"
        ),
        LineKind::Key => {
            if indent != 3 {
                format!(
                    "a version key line must be `#` + exactly 3 spaces + the key (found {indent} spaces)"
                )
            } else if !body
                .get(3..)
                .is_some_and(|k| k.starts_with(|c: char| c.is_ascii_digit()))
            {
                "a version key must start with a digit".to_owned()
            } else {
                format!("nothing may follow the `:` of a version key line{cr}")
            }
        }
        LineKind::Item => {
            let after = body.trim_start_matches(' ');
            if indent < 2 {
                format!(
                    "an item line must be `#` + at least 2 spaces + `- ` (found {indent} spaces)"
                )
            } else if !after.starts_with("- ") {
                "the `-` of an item line must be followed by exactly one space".to_owned()
            } else if after.get(2..).is_some_and(|r| r.starts_with(' ')) {
                "the `-` of an item line must be followed by exactly one space, then the id"
                    .to_owned()
            } else {
                "an item must start with an upper-case id (`[A-Z0-9-]`)".to_owned()
            }
        }
        LineKind::Other => {
            if body.trim_start().starts_with('-') {
                "an item line must be `#` + at least 2 spaces + `- ` + an id".to_owned()
            } else if body.trim_end().ends_with(':') {
                format!(
                    "a version key line must be `#` + exactly 3 spaces + a key starting with a digit + `:` at the end of the line{cr}"
                )
            } else {
                "the line is neither a version key (`#   1.2.3-r0:`), an item (`#     - CVE-…`) nor `#`".to_owned()
            }
        }
    };
    Some(format!("abuild: {reason}"))
}

/// `^#  +- [A-Z0-9-]` (abuild's item pattern).
fn abuild_item(t: &str) -> bool {
    let Some(body) = t.strip_prefix('#') else {
        return false;
    };
    let rest = body.trim_start_matches(' ');
    body.len() - rest.len() >= 2
        && rest
            .strip_prefix("- ")
            .and_then(|r| r.bytes().next())
            .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// `^#   [0-9]+.*:$` (abuild's key pattern).
fn abuild_key(t: &str) -> bool {
    t.strip_prefix("#   ")
        .is_some_and(|k| k.starts_with(|c: char| c.is_ascii_digit()) && k.ends_with(':'))
}

fn check_key(sink: &mut Sink<'_>, entry: &Entry) {
    let key = entry.version.as_str();
    match entry.fixed_in() {
        FixedIn::NotAffected => {}
        FixedIn::InvalidKey { error: e, .. } => sink.push(
            entry.line,
            Some(entry.column + e.column() - 1),
            Code::InvalidVersionKey,
            format!(
                "version key {key:?} is not a valid apk version: {}",
                e.reason
            ),
        ),
        FixedIn::Version(v) if v.revision().is_none() => sink.push(
            entry.line,
            Some(entry.column),
            Code::VersionWithoutRevision,
            format!("version key {key:?} has no `-rN` revision (did you mean \"{key}-r0\"?)"),
        ),
        FixedIn::Version(_) => {}
    }
}

fn check_item_ids(sink: &mut Sink<'_>, item: &Item) {
    let (value, _) = split_comment(&item.raw);
    let toks = tokens(value);
    let value_col = item.column + char_offset(&item.raw, value);
    let first = toks.iter().find(|t| t.kind != TokenKind::Separator);
    match first {
        None => sink.push(
            item.line,
            Some(item.column),
            Code::NotAnId,
            "item has no id".to_owned(),
        ),
        Some(t) if !matches!(t.kind, TokenKind::Ids(_)) => {
            let col = value_col + value.get(..t.offset).map_or(0, |p| p.chars().count());
            sink.push(
                item.line,
                Some(col),
                Code::NotAnId,
                not_an_id_message(value, t.text),
            );
        }
        Some(_) => {}
    }
    for t in &toks {
        let TokenKind::Ids(ids) = &t.kind else {
            continue;
        };
        for id in ids {
            if let Some(why) = impossible(id) {
                let col = value_col + value.get(..t.offset).map_or(0, |p| p.chars().count());
                sink.push(
                    item.line,
                    Some(col),
                    Code::ImpossibleId,
                    format!("{id}: {why}"),
                );
            }
        }
    }
}

/// Characters between the start of `outer` and the start of its sub-slice
/// `inner` (0 when `inner` is not inside `outer`).
fn char_offset(outer: &str, inner: &str) -> usize {
    let off = (inner.as_ptr() as usize).wrapping_sub(outer.as_ptr() as usize);
    outer.get(..off).map_or(0, |p| p.chars().count())
}

fn not_an_id_message(value: &str, first: &str) -> String {
    let upper = first.to_ascii_uppercase();
    let hint = if first != upper && secfixes::looks_like_id(&upper) {
        format!(" (ids are upper case: {upper})")
    } else if first.contains('?') {
        " (a placeholder, not an id)".to_owned()
    } else if let Some(rest) = value.strip_prefix("CVE ") {
        let next = rest.split_whitespace().next().unwrap_or("");
        if secfixes::looks_like_id(&format!("CVE-{next}")) {
            format!(" (did you mean CVE-{next}?)")
        } else {
            String::new()
        }
    } else {
        String::new()
    };
    format!("item {value:?} does not start with an id: consumers take {first:?} as the id{hint}")
}

/// Why an id cannot exist, for the families whose syntax is fixed.
pub fn impossible(id: &VulnId) -> Option<String> {
    let s = id.as_str();
    if let Some(rest) = s.strip_prefix("CVE-") {
        let (year, num) = rest.split_once('-').unwrap_or((rest, ""));
        if !(year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())) {
            return Some("a CVE id is CVE-YYYY-NNNN…: the year must have 4 digits".to_owned());
        }
        if year < "1999" {
            return Some(format!(
                "no CVE ids exist for {year} (the first CVE year is 1999)"
            ));
        }
        if !(num.bytes().all(|b| b.is_ascii_digit()) && (4..=19).contains(&num.len())) {
            return Some("a CVE number has 4 to 19 digits and nothing after them".to_owned());
        }
        return None;
    }
    if let Some(rest) = s.strip_prefix("GHSA-") {
        const ALPHABET: &[u8] = b"23456789cfghjmpqrvwx";
        let ok = rest.len() == 14
            && rest.split('-').count() == 3
            && rest
                .split('-')
                .all(|p| p.len() == 4 && p.bytes().all(|b| ALPHABET.contains(&b)));
        if !ok {
            return Some(
                "a GHSA id is GHSA-xxxx-xxxx-xxxx over the letters 23456789cfghjmpqrvwx".to_owned(),
            );
        }
    }
    None
}

fn check_duplicate_ids(sink: &mut Sink<'_>, block: &SecfixesBlock) {
    struct Seen<'b> {
        version: Option<&'b str>,
        line: usize,
        primary: bool,
    }
    let name = |v: Option<&str>| v.map_or_else(|| "no version".to_owned(), |v| format!("{v:?}"));
    let mut first: HashMap<&VulnId, Seen<'_>> = HashMap::new();
    let orphans = block.orphan_items.iter().map(|i| (None, i));
    let keyed = block
        .entries
        .iter()
        .flat_map(|e| e.items.iter().map(move |i| (Some(e.version.as_str()), i)));
    for (version, item) in orphans.chain(keyed) {
        for (n, id) in item.ids.iter().enumerate() {
            // The first id of an item is what consumers key the fix on; the
            // others are aliases (`CVE-2016-9815 XSA-201`, `CVE-2016-9816
            // XSA-201`: one advisory for several CVEs, legitimately repeated
            // under one version).
            let primary = n == 0;
            let Some(seen) = first.get(id) else {
                first.insert(
                    id,
                    Seen {
                        version,
                        line: item.line,
                        primary,
                    },
                );
                continue;
            };
            let msg = if seen.line == item.line {
                format!("{id} appears twice on this line (under {})", name(version))
            } else if seen.version != version {
                format!(
                    "{id} is listed under {} (line {}) and again under {}: which version fixed it?",
                    name(seen.version),
                    seen.line,
                    name(version)
                )
            } else if seen.primary && primary {
                format!(
                    "{id} is listed twice under {} (lines {} and {})",
                    name(version),
                    seen.line,
                    item.line
                )
            } else {
                continue;
            };
            sink.push(item.line, None, Code::DuplicateId, msg);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_and_match_serde() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
        for c in Code::ALL {
            let s = c.as_str();
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
            assert_eq!(serde_json::to_string(&c).unwrap(), format!("\"{s}\""));
            assert_eq!(Code::from_name(s), Some(c));
        }
    }

    #[test]
    fn impossible_ids() {
        let id = |s: &str| VulnId::new(s).unwrap();
        assert!(impossible(&id("CVE-2021-44228")).is_none());
        assert!(
            impossible(&id("CVE-2018-128911")).is_none(),
            "long numbers exist"
        );
        assert!(impossible(&id("CVE-2019-1010022")).is_none());
        assert!(impossible(&id("CVE-46838")).is_some());
        assert!(impossible(&id("CVE-2017-17434-1")).is_some());
        assert!(impossible(&id("CVE-2017-123")).is_some());
        assert!(impossible(&id("CVE-1998-1234")).is_some());
        assert!(impossible(&id("GHSA-h5c8-rqwp-cp95")).is_none());
        assert!(impossible(&id("GHSA-h5c8-rqwp-cp9")).is_some());
        assert!(impossible(&id("GHSA-h5c8-rqwp-cp9a")).is_some());
        assert!(impossible(&id("XSA-1")).is_none());
    }

    fn line(text: &str, kind: LineKind) -> BlockLine {
        BlockLine {
            number: 1,
            text: text.to_owned(),
            kind,
        }
    }

    #[test]
    fn abuild_patterns() {
        assert!(abuild_rejection(&line("#   1.2.3-r0:", LineKind::Key)).is_none());
        assert!(abuild_rejection(&line("#  - CVE-1", LineKind::Item)).is_none());
        assert!(abuild_rejection(&line("#     - 1", LineKind::Item)).is_none());
        assert!(abuild_rejection(&line("#     - CVE-1\t(x)", LineKind::Item)).is_none());
        assert!(abuild_rejection(&line("#", LineKind::Blank)).is_none());
        assert!(abuild_rejection(&line("# secfixes: x", LineKind::Header)).is_none());
        let r = |t: &str, k| abuild_rejection(&line(t, k)).unwrap();
        assert!(r("#    1.2.3-r0:", LineKind::Key).contains("found 4 spaces"));
        assert!(r("#   1.2.3-r0: ", LineKind::Key).contains("nothing may follow"));
        assert!(r("#   1.2.3-r0:\r", LineKind::Key).contains("carriage return"));
        assert!(r("#   -  CVE-2016-6254", LineKind::Item).contains("exactly one space"));
        assert!(r("# - CVE-1", LineKind::Item).contains("at least 2 spaces"));
        assert!(r("#     - cve-2020-1", LineKind::Item).contains("upper-case"));
        assert!(r("# ", LineKind::Blank).contains("exactly `#`"));
        assert!(r("#   v1.2:", LineKind::Key).contains("start with a digit"));
    }
}
