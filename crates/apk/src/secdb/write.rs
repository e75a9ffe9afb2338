//! Writing secdb documents: JSON in the published layout, and YAML in the
//! layout of the 2020 official files.

use std::fmt::Write as _;

use super::{Secdb, SecfixEntry};

/// How JSON is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonStyle {
    /// Two-space indentation, `": "` between key and value, one member per
    /// line, empty lists as `[]`, no final newline: Python's
    /// `json.dumps(doc, indent=2)`, the layout of the files in
    /// `secdb/derived-from-aports/` (byte-identical).
    #[default]
    Pretty,
    /// No whitespace at all: `json.dumps(doc, separators=(",", ":"))`, the
    /// layout of vulnerablecode's copy of `v3.3/community.json`.
    Compact,
}

/// A JSON value, enough for secdb.
enum J<'a> {
    Str(&'a str),
    Arr(Vec<Self>),
    Obj(Vec<(&'a str, Self)>),
}

fn entry_value(e: &SecfixEntry) -> J<'_> {
    J::Arr(e.fixes.iter().map(|s| J::Str(s)).collect())
}

fn tree(doc: &Secdb) -> J<'_> {
    // Key order of the published files: apkurl, archs, reponame, urlprefix,
    // distroversion, packages.
    let mut top = vec![
        ("apkurl", J::Str(&doc.apkurl)),
        (
            "archs",
            J::Arr(doc.archs.iter().map(|a| J::Str(a)).collect()),
        ),
        ("reponame", J::Str(&doc.reponame)),
        ("urlprefix", J::Str(&doc.urlprefix)),
    ];
    if let Some(d) = &doc.distroversion {
        top.push(("distroversion", J::Str(d)));
    }
    let packages = doc
        .packages
        .iter()
        .map(|p| {
            let secfixes = p
                .secfixes
                .iter()
                .map(|e| (e.version.as_str(), entry_value(e)))
                .collect();
            J::Obj(vec![(
                "pkg",
                J::Obj(vec![
                    ("name", J::Str(&p.name)),
                    ("secfixes", J::Obj(secfixes)),
                ]),
            )])
        })
        .collect();
    top.push(("packages", J::Arr(packages)));
    J::Obj(top)
}

/// Writes `doc` as JSON in the given style.
pub(super) fn json(doc: &Secdb, style: JsonStyle) -> String {
    let mut out = String::with_capacity(64 * 1024);
    emit(&mut out, &tree(doc), style, 0);
    out
}

fn newline(out: &mut String, style: JsonStyle, depth: usize) {
    if style == JsonStyle::Pretty {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

fn emit(out: &mut String, v: &J<'_>, style: JsonStyle, depth: usize) {
    match v {
        J::Str(s) => json_string(out, s),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Obj(members) if members.is_empty() => out.push_str("{}"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                emit(out, item, style, depth + 1);
            }
            newline(out, style, depth);
            out.push(']');
        }
        J::Obj(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                json_string(out, k);
                out.push_str(if style == JsonStyle::Pretty {
                    ": "
                } else {
                    ":"
                });
                emit(out, item, style, depth + 1);
            }
            newline(out, style, depth);
            out.push('}');
        }
    }
}

/// A JSON string with Python's `ensure_ascii` escaping: `"`, `\`, `\n`,
/// `\r`, `\t`, `\b`, `\f` by name; everything outside printable ASCII
/// (0x20–0x7e) as `\uxxxx` (lower-case hex, surrogate pairs above U+FFFF).
pub(super) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// Writes `doc` as YAML in the layout of the 2020 official files
/// (`alpinelinux/alpine-secdb:secfixes.lua`): header fields first, two-space
/// list indentation, packages as `  - pkg:` with their fields at six spaces.
///
/// Every scalar that a YAML 1.1 or 1.2 loader could read as anything but a
/// string (`0`, `1.10`, `7.53.0`, `yes`, `~`), or that needs quoting
/// (`{{urlprefix}}…`, `# …`, `a: b`), is double-quoted; other scalars are
/// plain. Keys are therefore always read back as the same text.
pub(super) fn yaml(doc: &Secdb) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("---\n");
    if let Some(d) = &doc.distroversion {
        let _ = writeln!(out, "distroversion: {}", yaml_scalar(d));
    }
    let _ = writeln!(out, "reponame: {}", yaml_scalar(&doc.reponame));
    if doc.archs.is_empty() {
        out.push_str("archs: []\n");
    } else {
        out.push_str("archs:\n");
        for a in &doc.archs {
            let _ = writeln!(out, "  - {}", yaml_scalar(a));
        }
    }
    let _ = writeln!(out, "urlprefix: {}", yaml_scalar(&doc.urlprefix));
    let _ = writeln!(out, "apkurl: {}", yaml_scalar(&doc.apkurl));
    if doc.packages.is_empty() {
        out.push_str("packages: []\n");
        return out;
    }
    out.push_str("packages:\n");
    for p in &doc.packages {
        out.push_str("  - pkg:\n");
        let _ = writeln!(out, "      name: {}", yaml_scalar(&p.name));
        if p.secfixes.is_empty() {
            out.push_str("      secfixes: {}\n");
            continue;
        }
        out.push_str("      secfixes:\n");
        for e in &p.secfixes {
            if e.fixes.is_empty() {
                let _ = writeln!(out, "        {}: []", yaml_scalar(&e.version));
                continue;
            }
            let _ = writeln!(out, "        {}:", yaml_scalar(&e.version));
            for f in &e.fixes {
                let _ = writeln!(out, "          - {}", yaml_scalar(f));
            }
        }
    }
    out
}

/// A YAML scalar that reads back as exactly `s`, as a string.
fn yaml_scalar(s: &str) -> String {
    if plain_is_safe(s) {
        return s.to_owned();
    }
    yaml_quoted(s)
}

/// A YAML double-quoted scalar. Printable characters (YAML 1.2 `c-printable`)
/// are written as they are, UTF-8 included; the rest as `\uXXXX` (YAML has
/// no surrogate pairs, so JSON's escaping of non-BMP characters would not
/// do).
fn yaml_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..
                if c != '\u{feff}' =>
            {
                out.push(c)
            }
            c => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be written as a plain scalar and read back as the same
/// string.
fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Characters a plain scalar may hold here (a conservative subset).
    let allowed = |c: char| c.is_ascii_alphanumeric() || " ._-+~/()=,:".contains(c);
    if !s.chars().all(allowed) || !first.is_ascii_alphanumeric() && first != '(' && first != '.' {
        return false;
    }
    // `: ` would start a mapping; a final `:` too.
    if s.ends_with([' ', ':']) || s.contains("  ") || s.contains(": ") {
        return false;
    }
    !resolves_to_non_string(s)
}

/// YAML 1.1 and 1.2 core-schema scalars that are not strings: null, bools,
/// numbers (including `1_000`, `0x1f`, `1.10`, `.inf`, sexagesimal `1:20`),
/// and anything made only of digits and number punctuation, to be safe.
fn resolves_to_non_string(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
        ".nan",
    ];
    if WORDS.contains(&lower.as_str()) {
        return true;
    }
    let body = lower.strip_prefix(['-', '+']).unwrap_or(&lower);
    if body.starts_with("0x") || body.starts_with("0o") || body.starts_with("0b") {
        return true;
    }
    let numberish = |c: char| c.is_ascii_digit() || "._:e+-".contains(c);
    body.starts_with(|c: char| c.is_ascii_digit() || c == '.') && body.chars().all(numberish)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_ascii_escapes() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\n\t\u{1}\u{7f}é☃😀/");
        assert_eq!(s, r#""a\"b\\c\n\t\u0001\u007f\u00e9\u2603\ud83d\ude00/""#);
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(
            yaml_quoted("a\"b\\c\n\u{1}\u{85}é😀\u{feff}"),
            "\"a\\\"b\\\\c\\n\\u0001\\u0085é😀\\ufeff\""
        );
    }

    #[test]
    fn yaml_scalars() {
        for (s, quoted) in [
            ("0", true),
            ("1.10", true),
            ("7.53.0", true),
            ("1e3", true),
            ("yes", true),
            ("1_000", true),
            ("0x1f", true),
            ("1:20", true),
            ("", true),
            ("{{urlprefix}}/x", true),
            ("CVE-1 # (AoE)", true),
            ("a: b", true),
            ("- x", true),
            ("1.2.3-r0", false),
            ("CVE-2017-2616 (+ regression fix)", false),
            ("https://dl-cdn.alpinelinux.org/alpine", false),
            ("key:", true),
            ("x86_64", false),
            ("v3.11", false),
        ] {
            assert_eq!(yaml_scalar(s).starts_with('"'), quoted, "{s}");
        }
    }
}
