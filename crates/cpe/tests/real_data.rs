//! Every CPE string in real NVD 1.1 feeds and CVE JSON 5 records parses and
//! binds back byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Read;

use secfixes_cpe::{Attribute, Cpe, ErrorKind, Relation};

/// Decompresses a `.json.gz` from the corpus.
fn gunzip(rel: &str) -> Vec<u8> {
    let path = secfixes_testdata::path(rel);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The one member of a `.json.zip` from the corpus.
fn unzip(rel: &str) -> Vec<u8> {
    let path = secfixes_testdata::path(rel);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    archive.by_index(0).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// The JSON string token starting at `start` (which holds the opening
/// quote), decoded, and the index after its closing quote.
fn json_string(text: &[u8], start: usize) -> (String, usize) {
    let mut i = start + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => break,
            _ => i += 1,
        }
    }
    let token = std::str::from_utf8(&text[start..=i]).unwrap();
    (serde_json::from_str(token).unwrap(), i + 1)
}

/// Every value of `"key" : "…"` in JSON text (any whitespace around `:`).
fn string_values(text: &[u8], key: &str) -> Vec<String> {
    let needle = format!("\"{key}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&text[from..], needle.as_bytes()) {
        let mut i = from + at + needle.len();
        while text
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b':')
        {
            i += 1;
        }
        if text.get(i) == Some(&b'"') {
            let (s, next) = json_string(text, i);
            out.push(s);
            from = next;
        } else {
            from = i;
        }
    }
    out
}

/// Every string inside `"key": [ … ]` arrays.
fn string_arrays(text: &[u8], key: &str) -> Vec<String> {
    let needle = format!("\"{key}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find(&text[from..], needle.as_bytes()) {
        let mut i = from + at + needle.len();
        while text
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b':')
        {
            i += 1;
        }
        if text.get(i) == Some(&b'[') {
            i += 1;
            loop {
                match text.get(i) {
                    Some(b'"') => {
                        let (s, next) = json_string(text, i);
                        out.push(s);
                        i = next;
                    }
                    Some(b']') | None => break,
                    Some(_) => i += 1,
                }
            }
        }
        from = i;
    }
    out
}

/// The first `needle` in `hay`, by the first byte then a comparison (a
/// naive window scan is several times slower on hundreds of MB).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = hay.get(from..)?.iter().position(|&b| b == first) {
        let at = from + i;
        if hay.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Parses every string, checks the formatted-string round trip, and
/// returns (count, failures).
fn check_fs(strings: &[String]) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    for s in strings {
        match Cpe::parse_fs(s) {
            Ok(cpe) => {
                let bound = cpe.to_string();
                if &bound != s {
                    failures.push(format!("{s} → {bound}"));
                } else if Cpe::parse_fs(&bound).as_ref() != Ok(&cpe) {
                    failures.push(format!("{s}: reparse differs"));
                }
            }
            Err(e) => failures.push(e.to_string()),
        }
    }
    (strings.len(), failures)
}

#[test]
fn nvd_2018_all_cpe23uri_round_trip() {
    let text = gunzip("nvd/nvd-1.1-yearly/final-2024-01-02/nvdcve-1.1-2018.json.gz");
    let uris = string_values(&text, "cpe23Uri");
    // The corpus README: 110,855 cpe_match entries in 2018.
    assert_eq!(uris.len(), 110_855);
    let (n, failures) = check_fs(&uris);
    assert!(
        failures.is_empty(),
        "{} of {n} failed: {:#?}",
        failures.len(),
        &failures[..failures.len().min(20)]
    );
    // The escapes that real data uses are all there.
    let joined: BTreeSet<&str> = uris.iter().map(String::as_str).collect();
    assert!(joined.iter().any(|s| s.contains(r"\+")));
    assert!(joined.iter().any(|s| s.contains(r"\:")));
    assert!(joined.iter().any(|s| s.contains(r"\\")));
}

/// Every other NVD 1.1 feed of the corpus (33 more `.json.gz`: yearly
/// 2002–2017, partial 2021, 2023 and 2025, modified and recent feeds of
/// several dates; the two `.json.zip`: 2019 and early 2020): about 1.9
/// million strings.
#[test]
fn nvd_all_other_feeds_all_cpe23uri_round_trip() {
    let dir = secfixes_testdata::path("nvd/nvd-1.1-yearly");
    let mut feeds = secfixes_testdata::files_with_suffix(&dir, ".json.gz");
    assert!(feeds.len() >= 30, "{feeds:?}");
    feeds.extend(secfixes_testdata::files_with_suffix(&dir, ".json.zip"));
    let mut total = 0;
    for path in feeds
        .iter()
        .filter(|p| !p.ends_with("final-2024-01-02/nvdcve-1.1-2018.json.gz"))
    {
        let rel = path
            .strip_prefix(secfixes_testdata::shared_data())
            .unwrap()
            .to_str()
            .unwrap();
        let text = if rel.ends_with(".zip") {
            unzip(rel)
        } else {
            gunzip(rel)
        };
        let uris = string_values(&text, "cpe23Uri");
        assert!(!uris.is_empty(), "{rel}: no cpe23Uri");
        let (n, failures) = check_fs(&uris);
        assert!(
            failures.is_empty(),
            "{rel}: {} of {n} failed: {:#?}",
            failures.len(),
            &failures[..failures.len().min(20)]
        );
        total += n;
    }
    assert!(total > 1_800_000, "{total}");
}

/// NVD criteria with wildcards exist (`events_calendar*`, target_sw
/// `wordpress*`, both in the 2025 feed); they parse as patterns and match
/// the names they should.
#[test]
fn real_wildcard_criteria() {
    let text =
        gunzip("nvd/nvd-1.1-yearly/exein-io-kepler/nvdcve-1.1-2025.as-of-2025-05-15.json.gz");
    let uris = string_values(&text, "cpe23Uri");
    let all: Vec<Cpe> = uris
        .iter()
        .map(|s| Cpe::parse_fs(s).unwrap())
        .filter(Cpe::has_wildcards)
        .collect();
    assert_eq!(all.len(), 2, "{all:?}");
    let mut checked = 0;
    for p in all {
        // Replace each wildcard run by a literal `x`: the pattern covers
        // that name, and no longer covers it with a different literal part.
        let texts: Vec<(Attribute, String)> = Attribute::ALL
            .iter()
            .filter_map(|&a| {
                p.get(a)
                    .as_str()
                    .filter(|s| s.has_wildcards())
                    .map(|s| (a, s.as_wfn()))
            })
            .map(|(a, t)| {
                (
                    a,
                    format!(
                        "{}x",
                        t.trim_start_matches(['*', '?'])
                            .trim_end_matches(['*', '?'])
                    ),
                )
            })
            .collect();
        let mut b = p.to_builder();
        for (a, t) in &texts {
            b = b.wfn(*a, t);
        }
        let Ok(target) = b.build() else { continue };
        assert!(
            p.compare(&target).covers(),
            "{p} vs {target}: {}",
            p.compare(&target)
        );
        let other = Cpe::parse_fs("cpe:2.3:a:zz:zz:zz:zz:zz:zz:zz:zz:zz:zz").unwrap();
        assert_eq!(p.compare(&other), Relation::Disjoint, "{p}");
        checked += 1;
    }
    assert!(checked > 0);
}

/// The `cpes[]` of every CVE JSON 5 record (both bindings). Writers of CVE
/// records are less careful than NVD: a handful of formatted strings hold
/// an unquoted `:` and are rejected, naming the field count.
#[test]
fn cve5_cpes() {
    let path = secfixes_testdata::path("cve5/cisagov-vulnrichment-2024-10-24.tar.gz");
    let file = std::fs::File::open(&path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut all = BTreeSet::new();
    let mut records = 0;
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry.path().unwrap().to_string_lossy().ends_with(".json") {
            continue;
        }
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        records += 1;
        all.extend(string_arrays(&text, "cpes"));
    }
    assert!(records > 40_000, "{records}");
    let (fs, uri): (Vec<String>, Vec<String>) =
        all.into_iter().partition(|s| s.starts_with("cpe:2.3:"));
    assert!(
        fs.len() > 20_000 && uri.len() > 200,
        "{} / {}",
        fs.len(),
        uri.len()
    );

    let mut bad_fields = Vec::new();
    let mut other = Vec::new();
    for s in &fs {
        match Cpe::parse_fs(s) {
            Ok(cpe) => {
                if &cpe.to_string() != s {
                    other.push(format!("{s} → {cpe}"));
                }
            }
            Err(e) if matches!(e.kind, ErrorKind::FieldCount { .. }) => bad_fields.push(s.clone()),
            Err(e) => other.push(e.to_string()),
        }
    }
    assert!(other.is_empty(), "{other:#?}");
    // Nine strings, e.g. `cpe:2.3:a:ibm:sterling_connect:direct:6.3.0.0:…`
    // (an unquoted `:` in the product) and one with a `cpe:2.3:` pasted
    // twice.
    assert_eq!(bad_fields.len(), 9, "{bad_fields:#?}");
    assert!(
        bad_fields
            .iter()
            .all(|s| s.contains("sterling_connect:direct") || s.contains("cpe:2.3:a:ibm:cpe:2.3"))
    );

    let mut uri_failures = Vec::new();
    for s in &uri {
        match Cpe::parse_uri(s) {
            Ok(cpe) => {
                // Two records end a URI with an empty component
                // (`cpe:/a:redhat:build_keycloak:`); binding drops
                // trailing colons, as NISTIR 7695 §6.1.2.3 says.
                if cpe.to_uri() != s.trim_end_matches(':') {
                    uri_failures.push(format!("{s} → {}", cpe.to_uri()));
                }
                // And through the formatted string and back.
                assert_eq!(Cpe::parse_fs(&cpe.to_string()).as_ref(), Ok(&cpe));
            }
            Err(e) => uri_failures.push(e.to_string()),
        }
    }
    assert!(uri_failures.is_empty(), "{uri_failures:#?}");
}
