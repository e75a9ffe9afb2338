//! KEV reader on the three real catalogs (JSON and CSV), the scanner
//! fixtures and constructed bad input.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use proptest::prelude::*;
use secfixes_feeds::{Error, Item, Mode, ReadOptions, Summary, kev};
use secfixes_model::{KevEntry, VulnId};

fn read(path: &Path, mode: Mode) -> Result<(Vec<(VulnId, KevEntry)>, Summary), Error> {
    let mut out = Vec::new();
    let s = kev::read_path(path, &ReadOptions { mode }, &mut |item| {
        let Item::Kev(id, entry) = item else {
            panic!("KEV yields KEV entries")
        };
        out.push((id, entry));
        Ok(())
    })?;
    Ok((out, s))
}

fn read_bytes(text: &str, mode: Mode) -> Result<(Vec<(VulnId, KevEntry)>, Summary), Error> {
    let mut out = Vec::new();
    let s = kev::read_bytes(text.as_bytes(), "mem", &ReadOptions { mode }, &mut |item| {
        let Item::Kev(id, entry) = item else {
            panic!("KEV yields KEV entries")
        };
        out.push((id, entry));
        Ok(())
    })?;
    Ok((out, s))
}

#[test]
fn three_real_catalogs() {
    for (file, count, version) in [
        (
            "kev/known_exploited_vulnerabilities.json",
            1_404,
            "2025.08.25",
        ),
        (
            "kev/history/known_exploited_vulnerabilities.2025.01.24.commit-2dd57cf.json",
            1_252,
            "2025.01.24",
        ),
        (
            "kev/history/known_exploited_vulnerabilities.2025.06.10.commit-90597e6.json",
            1_364,
            "2025.06.10",
        ),
    ] {
        // Strict: the count matches and every entry is well formed.
        let (entries, s) = read(&secfixes_testdata::path(file), Mode::Strict).unwrap();
        assert_eq!(entries.len(), count, "{file}");
        assert_eq!((s.records, s.skipped), (count as u64, 0));
        assert!(
            s.notes[0].contains(version) && s.notes[0].contains(&format!("{count} entries")),
            "{:?}",
            s.notes
        );
        assert!(
            entries
                .iter()
                .all(|(_, e)| e.date_added.is_some() && e.due_date.is_some() && e.name.is_some())
        );
    }
}

#[test]
fn current_catalog_fields_and_csv_twin() {
    let (json, _) = read(
        &secfixes_testdata::path("kev/known_exploited_vulnerabilities.json"),
        Mode::Strict,
    )
    .unwrap();
    let (csv, s) = read(
        &secfixes_testdata::path("kev/known_exploited_vulnerabilities.csv"),
        Mode::Strict,
    )
    .unwrap();
    assert_eq!(s.skipped, 0);
    // CISA's CSV says exactly what the JSON says (cwes: "CWE-59, CWE-436").
    assert_eq!(csv, json);

    let (id, git) = &json[0];
    assert_eq!(id.as_str(), "CVE-2025-48384");
    assert_eq!(git.date_added, Some(jiff::civil::date(2025, 8, 25)));
    assert_eq!(git.due_date, Some(jiff::civil::date(2025, 9, 15)));
    assert_eq!(git.vendor_project.as_deref(), Some("Git"));
    assert_eq!(git.product.as_deref(), Some("Git"));
    assert_eq!(
        git.name.as_deref(),
        Some("Git Link Following Vulnerability")
    );
    assert_eq!(
        git.known_ransomware_campaign_use.as_deref(),
        Some("Unknown")
    );
    assert_eq!(git.cwes, ["CWE-59", "CWE-436"]);
    assert!(
        git.notes
            .as_deref()
            .unwrap()
            .ends_with("https://nvd.nist.gov/vuln/detail/CVE-2025-48384")
    );
    assert!(
        git.required_action
            .as_deref()
            .unwrap()
            .starts_with("Apply mitigations")
    );
    // Independent count (Python json): 293 entries with known ransomware use.
    let known = json
        .iter()
        .filter(|(_, e)| e.known_ransomware_campaign_use.as_deref() == Some("Known"))
        .count();
    assert_eq!(known, 293);
}

#[test]
fn count_mismatch_is_a_note_or_an_error() {
    // vunnel trimmed the catalog to 3 entries and kept "count": 1273.
    let path = secfixes_testdata::path(
        "fixtures/anchore+vunnel/tests/unit/providers/kev/test-fixtures/valid-catalog-1.json",
    );
    let (entries, s) = read(&path, Mode::Lenient).unwrap();
    assert_eq!(entries.len(), 3);
    assert!(
        s.notes
            .iter()
            .any(|n| n == "count says 1273 entries, the catalog holds 3"),
        "{:?}",
        s.notes
    );
    let err = read(&path, Mode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::Format { message, .. } if message.contains("1273")),
        "{err}"
    );
}

#[test]
fn scanner_fixtures() {
    let single = secfixes_testdata::path(
        "fixtures/anchore+vunnel/tests/unit/providers/kev/test-fixtures/single-entry/example1.json",
    );
    let (entries, _) = read(&single, Mode::Strict).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0.as_str(), "CVE-2025-0108");
    assert_eq!(
        entries[0].1.date_added,
        Some(jiff::civil::date(2025, 2, 18))
    );

    let vc = secfixes_testdata::path(
        "fixtures/aboutcode-org+vulnerablecode/vulnerabilities/tests/test_data/kev_data.json",
    );
    let (entries, _) = read(&vc, Mode::Strict).unwrap();
    assert_eq!(entries[0].0.as_str(), "CVE-2021-38647");
    assert_eq!(
        entries[0].1.known_ransomware_campaign_use.as_deref(),
        Some("Known")
    );
}

const CATALOG: &str = r#"{"catalogVersion": "1", "dateReleased": "2025-01-01T00:00:00Z", "count": 3, "vulnerabilities": [
  {"cveID": "CVE-2024-0001", "vendorProject": "v", "product": "p", "vulnerabilityName": "n", "dateAdded": "2024-01-01",
   "shortDescription": "d", "requiredAction": "a", "dueDate": "2024-01-22", "notes": ""},
  {"cveID": "CVE-2024-0002", "vendorProject": "v", "product": "p", "vulnerabilityName": "n", "dateAdded": "2024-02-30",
   "shortDescription": "d", "requiredAction": "a", "dueDate": "2024-03-22"},
  {"cveID": "CVE-2024-0001", "vendorProject": "v", "product": "p", "vulnerabilityName": "n", "dateAdded": "2024-01-01",
   "shortDescription": "d", "requiredAction": "a", "dueDate": "2024-01-22", "cwes": []}
]}"#;

#[test]
fn bad_entries_name_the_field() {
    let (entries, s) = read_bytes(CATALOG, Mode::Lenient).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].1.notes, None, "empty text is no text");
    let e = &s.errors[0];
    assert_eq!(e.record.as_deref(), Some("CVE-2024-0002"));
    assert_eq!(e.field.as_deref(), Some("vulnerabilities/1/dateAdded"));
    assert!(e.message.contains("2024-02-30"), "{e}");
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("listed more than once: CVE-2024-0001")),
        "{:?}",
        s.notes
    );

    let err = read_bytes(CATALOG, Mode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::Record(r) if r.record.as_deref() == Some("CVE-2024-0002")),
        "{err}"
    );

    let typed = CATALOG.replace("\"cwes\": []", "\"cwes\": \"CWE-79\"");
    let (_, s) = read_bytes(&typed, Mode::Lenient).unwrap();
    assert_eq!(
        s.errors.last().unwrap().field.as_deref(),
        Some("vulnerabilities/2/cwes")
    );
    let not_cve = CATALOG.replace("\"CVE-2024-0002\"", "\"GHSA-1234\"");
    let (_, s) = read_bytes(&not_cve, Mode::Lenient).unwrap();
    assert_eq!(
        s.errors[0].field.as_deref(),
        Some("vulnerabilities/1/cveID")
    );
}

#[test]
fn not_a_catalog() {
    for text in [
        "{\"title\": \"x\"}",
        "{",
        "{\"vulnerabilities\": 3}",
        "{\"vulnerabilities\": []} x",
    ] {
        let err = read_bytes(text, Mode::Lenient).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{text}: {err}");
    }
    let err = read_bytes("cve,epss\nCVE-2024-1,0.1\n", Mode::Lenient).unwrap_err();
    assert!(err.to_string().contains("no cveID column"), "{err}");
}

#[test]
fn csv_errors_carry_line_numbers() {
    let csv = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n\
               CVE-2024-0001,v,p,\"n, with comma\",2024-01-01,\"multi\nline\",a,2024-01-22,Unknown,,\"CWE-79, CWE-89\"\n\
               CVE-2024-0002,v,p,n,2024-01-01,d,a\n\
               CVE-2024-0003,v,p,n,01/02/2024,d,a,2024-01-22,Unknown,,\n";
    let (entries, s) = read_bytes(csv, Mode::Lenient).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1.name.as_deref(), Some("n, with comma"));
    assert_eq!(entries[0].1.cwes, ["CWE-79", "CWE-89"]);
    assert_eq!(s.errors[0].source_name, "mem:4");
    assert!(s.errors[0].message.contains("7 fields"), "{}", s.errors[0]);
    assert_eq!(s.errors[1].source_name, "mem:5");
    assert_eq!(s.errors[1].field.as_deref(), Some("dateAdded"));
    let err = read_bytes("cveID,x\n\"CVE-2024-1,y\n", Mode::Lenient).unwrap_err();
    assert!(err.to_string().starts_with("mem:2:"), "{err}");
}

proptest! {
    #[test]
    fn mutated_entries_never_panic(cut in any::<prop::sample::Index>(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6)) {
        let mut bytes = CATALOG.as_bytes().to_vec();
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let end = cut.index(bytes.len() + 1);
        let _ = kev::read_bytes(&bytes[..end], "prop", &ReadOptions::default(), &mut |_| Ok(()));
        let _ = kev::parse_entry(&bytes[..end], "prop");
    }
}

#[test]
fn catalog_inside_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kev.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file(
        "known_exploited_vulnerabilities.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, CATALOG.as_bytes()).unwrap();
    zip.start_file(
        "known_exploited_vulnerabilities_schema.json",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, b"{}").unwrap();
    zip.finish().unwrap();
    let (entries, s) = read(&path, Mode::Lenient).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        s.errors[0].source_name,
        format!("{}!known_exploited_vulnerabilities.json", path.display())
    );
    assert!(
        s.notes.iter().any(|n| n.contains("_schema.json")),
        "{:?}",
        s.notes
    );
}
