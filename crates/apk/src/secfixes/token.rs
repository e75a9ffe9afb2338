//! Splitting one fix entry (`CVE-2016-6258 XSA-182`, `CVE-… / GHSA-…`,
//! `CVE-2017-16808 # (AoE)`) into identifiers and free text.
//!
//! The same rules serve APKBUILD item lines and secdb entry strings, so that
//! the tracker and the scanner see the same ids whichever source they read.

use secfixes_model::VulnId;

/// One whitespace-separated token of an entry's value (the part before a
/// YAML comment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token as written (a trailing `,` or `;` included).
    pub text: &'a str,
    /// Byte offset of the token in the value it was split from.
    pub offset: usize,
    /// What the token is.
    pub kind: TokenKind,
}

/// What a token of an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// One identifier, or several joined by commas (`CVE-1,CVE-2`).
    Ids(Vec<VulnId>),
    /// A separator between ids: `/` or `,` standing alone.
    Separator,
    /// Anything else: free text such as `(AoE)`, `N/A`, `CVE`.
    Text,
}

/// An entry split into ids and note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SplitEntry {
    /// The identifiers, in the order written (duplicates kept).
    pub ids: Vec<VulnId>,
    /// Free text: the non-id tokens of the value, joined by single spaces,
    /// then the comment text; `None` when there is none.
    pub note: Option<String>,
}

/// Splits an entry (`raw`, as written after `- ` or as a secdb string) into
/// its YAML value and its comment.
///
/// YAML starts a comment at a `#` that begins the scalar or follows
/// whitespace; `CVE-1#2` keeps its `#`. The value is trimmed; the comment is
/// the text after the `#`, trimmed, `None` when absent or empty.
pub fn split_comment(raw: &str) -> (&str, Option<&str>) {
    let bytes = raw.as_bytes();
    let mut at = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes.get(i - 1).is_some_and(|p| *p == b' ' || *p == b'\t')) {
            at = Some(i);
            break;
        }
    }
    match at {
        None => (raw.trim(), None),
        Some(i) => {
            // `#` is ASCII, so `i` and `i + 1` are char boundaries.
            let value = raw.get(..i).unwrap_or("").trim();
            let comment = raw.get(i + 1..).unwrap_or("").trim();
            (value, (!comment.is_empty()).then_some(comment))
        }
    }
}

/// Whether a token looks like a vulnerability identifier.
///
/// The rule, from the ids that occur in aports and secdb (reference §5/§6):
/// a prefix of at least two upper-case ASCII letters, optionally followed by
/// more upper-case segments (`ZDI-CAN-`, `GNUTLS-SA-`), then either `-` and
/// an alphanumeric body (`CVE-2021-44228`, `GHSA-h5c8-rqwp-cp95`,
/// `TS-2022-004`) or digits straight away (`VSV00010`, `DW202402-001`). The
/// body may contain ASCII letters, digits and `-`, and must hold a digit
/// (except for `GHSA-`, whose alphabet has letters too). `cve-2021-1` (lower case), `CVE-????-?????` (placeholder),
/// `CVE-2021-35940.patch` and `CVE_2019-2426` do not qualify.
pub fn looks_like_id(token: &str) -> bool {
    let b = token.as_bytes();
    let prefix = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if prefix < 2 {
        return false;
    }
    let Some(&next) = b.get(prefix) else {
        return false;
    };
    if !(next == b'-' || next.is_ascii_digit()) {
        return false;
    }
    let body = b.get(prefix..).unwrap_or(&[]);
    let body_ok = body.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-');
    let first_alnum = if next == b'-' {
        b.get(prefix + 1).is_some_and(u8::is_ascii_alphanumeric)
    } else {
        true
    };
    // GHSA ids are drawn from 20 letters and digits: one without a digit is
    // rare but possible. Every other family numbers its ids.
    let numbered = body.iter().any(u8::is_ascii_digit) || b.starts_with(b"GHSA-");
    body_ok && first_alnum && numbered
}

/// Classifies one token.
fn classify(token: &str) -> TokenKind {
    if token == "/" || token == "," {
        return TokenKind::Separator;
    }
    let bare = token.strip_suffix([',', ';']).unwrap_or(token);
    if looks_like_id(bare)
        && let Ok(id) = VulnId::new(bare)
    {
        return TokenKind::Ids(vec![id]);
    }
    // `CVE-1,CVE-2`: several ids without spaces.
    if bare.contains(',') {
        let parts: Vec<&str> = bare.split(',').collect();
        if parts.iter().all(|p| looks_like_id(p)) {
            let ids: Result<Vec<VulnId>, _> = parts.iter().map(|p| VulnId::new(p)).collect();
            if let Ok(ids) = ids {
                return TokenKind::Ids(ids);
            }
        }
    }
    TokenKind::Text
}

/// The tokens of a value (the part of an entry before its comment).
pub fn tokens(value: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in value.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                let text = value.get(s..i).unwrap_or("");
                out.push(Token {
                    text,
                    offset: s,
                    kind: classify(text),
                });
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        let text = value.get(s..).unwrap_or("");
        out.push(Token {
            text,
            offset: s,
            kind: classify(text),
        });
    }
    out
}

/// Splits an entry into ids and note (see [`SplitEntry`]).
pub fn split_entry(raw: &str) -> SplitEntry {
    let (value, comment) = split_comment(raw);
    let mut ids = Vec::new();
    let mut text: Vec<&str> = Vec::new();
    for t in tokens(value) {
        match t.kind {
            TokenKind::Ids(v) => ids.extend(v),
            TokenKind::Separator => {}
            TokenKind::Text => text.push(t.text),
        }
    }
    let mut note = text.join(" ");
    if let Some(c) = comment {
        if !note.is_empty() {
            note.push(' ');
        }
        note.push_str(c);
    }
    SplitEntry {
        ids,
        note: (!note.is_empty()).then_some(note),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ids(raw: &str) -> Vec<String> {
        split_entry(raw)
            .ids
            .iter()
            .map(|i| i.as_str().to_owned())
            .collect()
    }

    fn note(raw: &str) -> Option<String> {
        split_entry(raw).note
    }

    #[test]
    fn real_id_families() {
        for id in [
            "CVE-2021-44228",
            "GHSA-h5c8-rqwp-cp95",
            "XSA-182",
            "TALOS-2017-0394",
            "ZDI-CAN-22093",
            "GNUTLS-SA-2020-03-31",
            "GNUTLS-SA-2026-04-29-12",
            "TS-2022-004",
            "ELEMENTSEC-2026-1071",
            "ALPINE-13661",
            "OSEC-2026-03",
            "VSV00010",
            "RUSTSEC-2020-0146",
            "ZSA-2022-05",
            "GHSL-2021-045",
            "ZBX-11023",
            "DW202402-001",
            "CVE-46838",
            "CVE-2017-17434-1",
            "GHSA-cfgh-jmpq-rvwx",
        ] {
            assert!(looks_like_id(id), "{id}");
        }
    }

    #[test]
    fn not_ids() {
        for t in [
            "CVE",
            "cve-2021-1234",
            "CVE-????-?????",
            "CVE-2021-35940.patch",
            "CVE_2019-2426",
            "(AoE)",
            "N/A",
            "2025-48379",
            "SMB",
            "IKEv1",
            "C-1",
            "GHSA-",
            "TLS-ALPN",
            "",
        ] {
            assert!(!looks_like_id(t), "{t}");
        }
    }

    #[test]
    fn multi_id_lines() {
        assert_eq!(ids("CVE-2016-6258 XSA-182"), ["CVE-2016-6258", "XSA-182"]);
        assert_eq!(
            ids("CVE-2026-48785 / GHSA-cr2j-534f-mf3g"),
            ["CVE-2026-48785", "GHSA-cr2j-534f-mf3g"]
        );
        assert_eq!(
            ids("ELEMENTSEC-2026-1071, GHSA-fp53-rw9v-hcf9"),
            ["ELEMENTSEC-2026-1071", "GHSA-fp53-rw9v-hcf9"]
        );
        assert_eq!(
            ids("CVE-1111-2222,CVE-1111-3333"),
            ["CVE-1111-2222", "CVE-1111-3333"]
        );
        assert_eq!(ids("CVE-2018-3639   XSA-263"), ["CVE-2018-3639", "XSA-263"]);
        assert_eq!(
            ids("CVE-2020-11501 GNUTLS-SA-2020-03-31 CVE-2020-11501"),
            ["CVE-2020-11501", "GNUTLS-SA-2020-03-31", "CVE-2020-11501"]
        );
        assert_eq!(note("CVE-2016-6258 XSA-182"), None);
    }

    #[test]
    fn free_text_becomes_note() {
        assert_eq!(ids("CVE-2017-2616 (+ regression fix)"), ["CVE-2017-2616"]);
        assert_eq!(
            note("CVE-2017-2616 (+ regression fix)").as_deref(),
            Some("(+ regression fix)")
        );
        assert_eq!(ids("CVE-2017-16808 # (AoE)"), ["CVE-2017-16808"]);
        assert_eq!(note("CVE-2017-16808 # (AoE)").as_deref(), Some("(AoE)"));
        assert_eq!(
            note("CVE-2018-10103 # (SMB - partially fixed, but SMB printing disabled)").as_deref(),
            Some("(SMB - partially fixed, but SMB printing disabled)")
        );
        assert_eq!(ids("CVE N/A ZBX-11023"), ["ZBX-11023"]);
        assert_eq!(note("CVE N/A ZBX-11023").as_deref(), Some("CVE N/A"));
        assert!(ids("CVE 2025-48379").is_empty());
        assert_eq!(note("CVE 2025-48379").as_deref(), Some("CVE 2025-48379"));
        assert_eq!(ids("CVE-????-????? XSA-312"), ["XSA-312"]);
        assert_eq!(
            note("CVE-????-????? XSA-312").as_deref(),
            Some("CVE-????-?????")
        );
    }

    #[test]
    fn comment_rules() {
        assert_eq!(split_comment("CVE-1#2"), ("CVE-1#2", None));
        assert_eq!(split_comment("CVE-1 #"), ("CVE-1", None));
        assert_eq!(split_comment("# only"), ("", Some("only")));
        assert_eq!(split_comment("A\t# b # c"), ("A", Some("b # c")));
    }

    #[test]
    fn token_offsets() {
        let t = tokens("  CVE-2021-1234  XSA-1 ");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].offset, 2);
        assert_eq!(t[1].offset, 17);
        assert_eq!(t[1].text, "XSA-1");
    }

    #[test]
    fn unicode_does_not_panic() {
        let s = split_entry("CVE-2021-1234 ‘quoted’ ünïcode # ☃");
        assert_eq!(s.ids.len(), 1);
        assert_eq!(s.note.as_deref(), Some("‘quoted’ ünïcode ☃"));
    }
}
