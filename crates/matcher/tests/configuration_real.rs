//! NVD configurations of real CVEs, read through the feed readers, evaluated
//! for candidate products and versions under the apk order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;

use secfixes_cpe::Cpe;
use secfixes_feeds::{Item, ReadOptions, nvd11, nvd20};
use secfixes_matcher::configuration::{
    Candidate, Evaluation, Platform, PlatformRules, PreparedConfigurations, Truth, Verdict, affects,
};
use secfixes_matcher::versions::ApkOrder;
use secfixes_model::Vulnerability;

type Reader = fn(
    &Path,
    &ReadOptions,
    &mut dyn FnMut(Item) -> Result<(), secfixes_feeds::Error>,
) -> Result<secfixes_feeds::Summary, secfixes_feeds::Error>;

/// The records with the given ids from a corpus file.
fn load(reader: Reader, rel: &str, ids: &[&str]) -> HashMap<String, Vulnerability> {
    let path = secfixes_testdata::path(rel);
    let mut out = HashMap::new();
    reader(&path, &ReadOptions::default(), &mut |item| {
        if let Item::Vulnerability(v) = item
            && ids.contains(&v.id.as_str())
        {
            out.insert(v.id.to_string(), *v);
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{rel}: {e}"));
    for id in ids {
        assert!(out.contains_key(*id), "{id} not in {rel}");
    }
    out
}

fn one(reader: Reader, rel: &str, id: &str) -> Vulnerability {
    load(reader, rel, &[id]).remove(id).unwrap()
}

fn cpe(s: &str) -> Cpe {
    Cpe::parse(s).unwrap()
}

fn eval(rec: &Vulnerability, product: &Cpe, version: &str, platform: &dyn Platform) -> Evaluation {
    affects(
        &rec.configurations,
        &Candidate { product, version },
        &ApkOrder,
        platform,
    )
}

fn verdict(rec: &Vulnerability, product: &str, version: &str) -> Verdict {
    eval(rec, &cpe(product), version, &PlatformRules::alpine()).verdict
}

/// CVE-2021-44228 (Log4Shell). The record is not in the shared corpus
/// (its NVD 1.1 feed for 2021 stops in September); these are two of its
/// configurations, copied verbatim from the NVD 2.0 record as mirrored in
/// `fkie-cad/nvd-json-data-feeds` at commit
/// 06e66210796c0a828f38d11c9f608941564b0767,
/// `CVE-2021/CVE-2021-442xx/CVE-2021-44228.json`: the first one (Siemens
/// firmware on hardware) and the one listing Log4j itself (several ranges
/// and exact beta/rc versions).
const LOG4SHELL: &str = r#"{
  "id": "CVE-2021-44228",
  "sourceIdentifier": "security@apache.org",
  "published": "2021-12-10T10:15:09.143",
  "lastModified": "2025-04-03T20:53:22.977",
  "vulnStatus": "Analyzed",
  "descriptions": [{"lang": "en", "value": "Apache Log4j2 2.0-beta9 through 2.15.0 (excluding security releases 2.12.2, 2.12.3, and 2.3.1) JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints."}],
  "configurations": [
    {
      "operator": "AND",
      "nodes": [
        {"operator": "OR", "negate": false, "cpeMatch": [
          {"vulnerable": true, "criteria": "cpe:2.3:o:siemens:6bk1602-0aa12-0tp0_firmware:*:*:*:*:*:*:*:*", "versionEndExcluding": "2.7.0", "matchCriteriaId": "BD64FC36-CC7B-4FD7-9845-7EA1DDB0E627"}
        ]},
        {"operator": "OR", "negate": false, "cpeMatch": [
          {"vulnerable": false, "criteria": "cpe:2.3:h:siemens:6bk1602-0aa12-0tp0:-:*:*:*:*:*:*:*", "matchCriteriaId": "CF99FE8F-40D0-48A8-9A40-43119B259535"}
        ]}
      ]
    },
    {
      "nodes": [
        {"operator": "OR", "negate": false, "cpeMatch": [
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "versionStartIncluding": "2.0.1", "versionEndExcluding": "2.3.1", "matchCriteriaId": "03FA5E81-F9C0-403E-8A4B-E4284E4E7B72"},
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "versionStartIncluding": "2.4.0", "versionEndExcluding": "2.12.2", "matchCriteriaId": "AED3D5EC-DAD5-4E5F-8BBD-B4E3349D84FC"},
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "versionStartIncluding": "2.13.0", "versionEndExcluding": "2.15.0", "matchCriteriaId": "D31D423D-FC4D-428A-B863-55AF472B80DC"},
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:2.0:-:*:*:*:*:*:*", "matchCriteriaId": "17854E42-7063-4A55-BF2A-4C7074CC2D60"},
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*", "matchCriteriaId": "53F32FB2-6970-4975-8BD0-EAE12E9AD03A"},
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:2.0:rc1:*:*:*:*:*:*", "matchCriteriaId": "B773ED91-1D39-42E6-9C52-D02210DE1A94"},
          {"vulnerable": true, "criteria": "cpe:2.3:a:apache:log4j:2.0:rc2:*:*:*:*:*:*", "matchCriteriaId": "EF24312D-1A62-482E-8078-7EC24758B710"}
        ]}
      ]
    }
  ]
}"#;

fn log4shell() -> Vulnerability {
    let mut out = None;
    nvd20::read(
        LOG4SHELL.as_bytes(),
        "CVE-2021-44228 excerpt",
        &ReadOptions::default(),
        &mut |item| {
            if let Item::Vulnerability(v) = item {
                out = Some(*v);
            }
            Ok(())
        },
    )
    .unwrap();
    out.expect("the excerpt holds one record")
}

#[test]
fn log4shell_ranges_and_exact_pre_releases() {
    let rec = log4shell();
    assert_eq!(rec.configurations.len(), 2);
    let log4j = "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*";
    for (version, want) in [
        ("2.14.1", Verdict::Affected),
        ("2.13.0", Verdict::Affected),
        ("2.15.0", Verdict::NotAffected),
        ("2.16.0", Verdict::NotAffected),
        ("2.12.1", Verdict::Affected),
        ("2.12.2", Verdict::NotAffected),
        ("2.12.3", Verdict::NotAffected),
        ("2.3.0", Verdict::Affected),
        ("2.3.1", Verdict::NotAffected),
        ("2.3.2", Verdict::NotAffected),
        // NVD writes the bound `2.4.0`; under the apk order `2.4` sorts
        // before `2.4.0`, so the test uses NVD's spelling.
        ("2.4.0", Verdict::Affected),
        ("2.4.1", Verdict::Affected),
        ("2.0.1", Verdict::Affected),
        // Exact versions: `2.0:-`, `2.0:beta9`, `2.0:rc1`, `2.0:rc2`, in
        // apk spelling and in upstream spelling.
        ("2.0", Verdict::Affected),
        ("2.0_beta9", Verdict::Affected),
        ("2.0-beta9", Verdict::Affected),
        ("2.0_rc1", Verdict::Affected),
        ("2.0_rc2", Verdict::Affected),
        ("2.0_beta8", Verdict::NotAffected),
        ("2.0_rc3", Verdict::NotAffected),
        ("1.2.17", Verdict::NotAffected),
        // Not a version the apk order can read: unknown, not a guess.
        ("2021-12-13", Verdict::Unknown),
    ] {
        assert_eq!(verdict(&rec, log4j, version), want, "log4j {version}");
    }
    // The evidence names the configuration (index 1: the Siemens one does
    // not name log4j) and the entry that decided.
    let e = eval(&rec, &cpe(log4j), "2.0_beta9", &PlatformRules::alpine());
    assert_eq!(e.configurations.len(), 1);
    let c = e.deciding().unwrap();
    assert_eq!(c.index, 1);
    let m = c.deciding().unwrap();
    assert_eq!(m.criteria, "cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*");
    assert_eq!(m.range, "= 2.0 beta9");
    assert_eq!(c.matches.len(), 7);
    let e = eval(&rec, &cpe(log4j), "2.14.1", &PlatformRules::alpine());
    assert_eq!(
        e.deciding().unwrap().deciding().unwrap().range,
        ">= 2.13.0, < 2.15.0"
    );
    // Another product is not named at all; another vendor's log4j neither.
    assert_eq!(
        verdict(&rec, "cpe:2.3:a:apache:log4net:*:*:*:*:*:*:*:*", "2.0"),
        Verdict::NotApplicable
    );
    assert_eq!(
        verdict(&rec, "cpe:2.3:a:evil:log4j:*:*:*:*:*:*:*:*", "2.14.1"),
        Verdict::NotApplicable
    );
}

/// CVE-2022-31676 (VMware Tools), NVD 1.1, three configurations: tools on
/// Windows (10.0.0 ≤ v < 12.1.0), tools on Linux (10.0.0 ≤ v < 10.3.25 or
/// 11.0.0 ≤ v < 12.1.0), Debian. 1.1 `children` under AND nodes.
#[test]
fn vmware_tools_on_windows_or_linux() {
    let rec = one(
        nvd11::read_path,
        "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-1.1-test-data.json",
        "CVE-2022-31676",
    );
    assert_eq!(rec.configurations.len(), 3);
    assert!(
        rec.configurations[0].nodes[0].children.len() == 2,
        "1.1 children kept"
    );
    let tools = cpe("cpe:2.3:a:vmware:tools:*:*:*:*:*:*:*:*");
    let alpine = PlatformRules::alpine();
    let v = |version: &str, platform: &dyn Platform| eval(&rec, &tools, version, platform);
    // In the Linux range.
    let e = v("12.0.0", &alpine);
    assert_eq!(e.verdict, Verdict::Affected);
    assert_eq!(e.deciding().unwrap().index, 1);
    assert_eq!(v("10.3.24", &alpine).verdict, Verdict::Affected);
    // In the Windows range only: Windows is not the platform.
    let e = v("10.3.26", &alpine);
    assert_eq!(e.verdict, Verdict::NotAffected);
    let windows = &e.configurations[0];
    assert_eq!(windows.index, 0);
    assert_eq!(windows.matches[0].truth, Truth::True);
    assert_eq!(
        windows.conditions[0].criteria,
        "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"
    );
    assert_eq!(windows.conditions[0].truth, Truth::False);
    assert_eq!(e.configurations[1].conditions[0].truth, Truth::True);
    // With a platform that knows nothing, the Windows configuration is
    // possible.
    assert_eq!(v("10.3.26", &Truth::Unknown).verdict, Verdict::Unknown);
    // Outside every range.
    assert_eq!(v("12.1.0", &alpine).verdict, Verdict::NotAffected);
    assert_eq!(v("9.10.0", &alpine).verdict, Verdict::NotAffected);
    // The Debian configuration names Debian only.
    assert_eq!(v("12.0.0", &alpine).configurations.len(), 2);
}

/// NVD 1.1 yearly feeds: curl on Windows (CVE-2016-0754), Python on Windows
/// with exact beta versions (CVE-2018-1000117), Firefox on Linux
/// (CVE-2012-3967), Log4j 2017 with several configurations (CVE-2017-5645).
#[test]
fn running_on_configurations_from_yearly_feeds() {
    let alpine = PlatformRules::alpine();
    let feed = |year: u32| format!("nvd/nvd-1.1-yearly/final-2024-01-02/nvdcve-1.1-{year}.json.gz");

    let curl = one(nvd11::read_path, &feed(2016), "CVE-2016-0754");
    let c = cpe("cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&curl, &c, "7.46.0", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        eval(&curl, &c, "7.46.0", &Truth::True).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&curl, &c, "7.47.0", &Truth::True).verdict,
        Verdict::NotAffected
    );

    let python = one(nvd11::read_path, &feed(2018), "CVE-2018-1000117");
    let p = cpe("cpe:2.3:a:python:python:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&python, &p, "3.6.4", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        eval(&python, &p, "3.6.4", &Truth::True).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&python, &p, "3.7.0_beta3", &Truth::True).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&python, &p, "3.7.0", &Truth::True).verdict,
        Verdict::NotAffected
    );
    let e = eval(&python, &p, "3.7.0_beta3", &Truth::True);
    assert_eq!(
        e.deciding().unwrap().deciding().unwrap().criteria,
        "cpe:2.3:a:python:python:3.7.0:beta3:*:*:*:*:*:*"
    );

    let firefox = one(nvd11::read_path, &feed(2012), "CVE-2012-3967");
    let f = cpe("cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&firefox, &f, "14.0.1", &alpine).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&firefox, &f, "15.0", &alpine).verdict,
        Verdict::NotAffected
    );
    // Thunderbird is another product in the same OR node.
    let t = cpe("cpe:2.3:a:mozilla:thunderbird:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&firefox, &t, "14.0", &alpine).verdict,
        Verdict::Affected
    );

    let log4j = one(nvd11::read_path, &feed(2017), "CVE-2017-5645");
    assert!(
        log4j.configurations.len() >= 4,
        "{}",
        log4j.configurations.len()
    );
    let l = cpe("cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&log4j, &l, "2.8.1", &alpine).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&log4j, &l, "2.8.2", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(eval(&log4j, &l, "2.0", &alpine).verdict, Verdict::Affected);
    assert_eq!(
        eval(&log4j, &l, "1.2.17", &alpine).verdict,
        Verdict::NotAffected
    );
    // Only the first configuration names log4j.
    let e = eval(&log4j, &l, "2.8.1", &alpine);
    assert_eq!(
        e.configurations.iter().map(|c| c.index).collect::<Vec<_>>(),
        vec![0]
    );
}

/// NVD 2.0 records (osv.dev test data).
#[test]
fn nvd20_records() {
    let dir = "fixtures/google+osv.dev/vulnfeeds/test_data/nvdcve-2.0";
    let alpine = PlatformRules::alpine();

    // libwebp: six configurations (Chrome, Fedora, Debian, Firefox and
    // Thunderbird, Edge, libwebp).
    let webp = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2023-4863.json"),
        "CVE-2023-4863",
    );
    assert_eq!(webp.configurations.len(), 6);
    let lib = cpe("cpe:2.3:a:webmproject:libwebp:*:*:*:*:*:*:*:*");
    let e = eval(&webp, &lib, "1.3.1", &alpine);
    assert_eq!(e.verdict, Verdict::Affected);
    assert_eq!(e.deciding().unwrap().index, 5);
    assert_eq!(
        eval(&webp, &lib, "1.3.2", &alpine).verdict,
        Verdict::NotAffected
    );
    let thunderbird = cpe("cpe:2.3:a:mozilla:thunderbird:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&webp, &thunderbird, "102.15.0", &alpine).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&webp, &thunderbird, "115.2.0", &alpine).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&webp, &thunderbird, "115.2.2", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        eval(&webp, &thunderbird, "110.0", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        eval(
            &webp,
            &cpe("cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*"),
            "8.0",
            &alpine
        )
        .verdict,
        Verdict::NotApplicable
    );

    // xz: exact versions only.
    let xz = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2024-3094.json"),
        "CVE-2024-3094",
    );
    let x = cpe("cpe:2.3:a:tukaani:xz:*:*:*:*:*:*:*:*");
    assert_eq!(eval(&xz, &x, "5.6.0", &alpine).verdict, Verdict::Affected);
    assert_eq!(eval(&xz, &x, "5.6.1", &alpine).verdict, Verdict::Affected);
    assert_eq!(
        eval(&xz, &x, "5.6.2", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        eval(&xz, &x, "5.4.6", &alpine).verdict,
        Verdict::NotAffected
    );
    assert_eq!(
        eval(&xz, &x, "5.6.1", &alpine)
            .deciding()
            .unwrap()
            .deciding()
            .unwrap()
            .range,
        "= 5.6.1"
    );

    // open62541: a range and exact release candidates, one with an update
    // the apk order cannot spell (`rc2-ef`).
    let opc = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2022-25761.json"),
        "CVE-2022-25761",
    );
    let o = cpe("cpe:2.3:a:open62541:open62541:*:*:*:*:*:*:*:*");
    assert_eq!(eval(&opc, &o, "1.2.4", &alpine).verdict, Verdict::Affected);
    assert_eq!(
        eval(&opc, &o, "1.3_rc1", &alpine).verdict,
        Verdict::Affected
    );
    assert_eq!(eval(&opc, &o, "1.3", &alpine).verdict, Verdict::NotAffected);
    assert_eq!(eval(&opc, &o, "1.3_rc3", &alpine).verdict, Verdict::Unknown);
    assert_eq!(
        eval(&opc, &o, "1.3.1", &alpine).verdict,
        Verdict::NotAffected
    );

    // esp-idf on the ESP32 (hardware): the platform cannot tell.
    let esp = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2020-13595.json"),
        "CVE-2020-13595",
    );
    let idf = cpe("cpe:2.3:a:espressif:esp-idf:*:*:*:*:*:*:*:*");
    assert_eq!(eval(&esp, &idf, "4.1", &alpine).verdict, Verdict::Unknown);
    assert_eq!(
        eval(&esp, &idf, "4.1", &Truth::True).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&esp, &idf, "4.3", &alpine).verdict,
        Verdict::NotAffected
    );

    // GitLab: criteria with sw_edition community / enterprise name the
    // candidate, whose sw_edition is ANY.
    let gitlab = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2022-0090.json"),
        "CVE-2022-0090",
    );
    let g = cpe("cpe:2.3:a:gitlab:gitlab:*:*:*:*:*:*:*:*");
    assert_eq!(
        eval(&gitlab, &g, "14.4.4", &alpine).verdict,
        Verdict::Affected
    );
    assert_eq!(
        eval(&gitlab, &g, "14.4.5", &alpine).verdict,
        Verdict::NotAffected
    );
    // A candidate that says it is the community edition is still named;
    // one for another edition name is not.
    let ce = cpe("cpe:2.3:a:gitlab:gitlab:*:*:*:*:community:*:*:*");
    assert_eq!(
        eval(&gitlab, &ce, "14.4.4", &alpine).verdict,
        Verdict::Affected
    );
    let other = cpe("cpe:2.3:a:gitlab:gitlab:*:*:*:*:premium:*:*:*");
    assert_eq!(
        eval(&gitlab, &other, "14.4.4", &alpine).verdict,
        Verdict::NotApplicable
    );

    // A bounded-and-unbounded mixture: `ffmpeg:4.3.2` exact.
    let ff = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2021-28429.json"),
        "CVE-2021-28429",
    );
    let f = cpe("cpe:2.3:a:ffmpeg:ffmpeg:*:*:*:*:*:*:*:*");
    assert_eq!(eval(&ff, &f, "4.3.2", &alpine).verdict, Verdict::Affected);
    assert_eq!(eval(&ff, &f, "4.4", &alpine).verdict, Verdict::NotAffected);

    // NA version: `noxen:-` names the product but no version is it.
    let noxen = one(
        nvd20::read_path,
        &format!("{dir}/CVE-2022-2956.json"),
        "CVE-2022-2956",
    );
    let n = cpe("cpe:2.3:a:noxen_project:noxen:*:*:*:*:*:*:*:*");
    let e = eval(&noxen, &n, "1.0", &alpine);
    assert_eq!(e.verdict, Verdict::NotAffected);
    assert_eq!(e.configurations[0].matches[0].range, "none");
}

/// The whole 2018 feed: every record, evaluated for (up to) three of the
/// products it lists, at the version in the criteria (or `1.0`): nothing
/// panics, every criteria parses, a record always names the products it
/// lists, and unbounded criteria (version `*`, no bounds) come out as
/// `Unbounded` with an empty range. Then OpenSSL 1.1.0h against all of it.
#[test]
fn whole_2018_feed() {
    let path =
        secfixes_testdata::path("nvd/nvd-1.1-yearly/final-2024-01-02/nvdcve-1.1-2018.json.gz");
    let mut records = Vec::new();
    nvd11::read_path(&path, &ReadOptions::default(), &mut |item| {
        if let Item::Vulnerability(v) = item {
            records.push(*v);
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(records.len(), 17_344);

    let alpine = PlatformRules::alpine();
    let mut verdicts: HashMap<Verdict, usize> = HashMap::new();
    let mut unbounded_seen = 0;
    // Every vulnerable product of every record, as its own candidate, at a
    // version: evaluation never panics, and a record always names the
    // products it lists.
    for rec in &records {
        let prepared = PreparedConfigurations::new(&rec.configurations);
        assert_eq!(prepared.parse_errors().count(), 0, "{}", rec.id);
        let products = prepared.vulnerable_products();
        for product in products.iter().take(3) {
            let version = product
                .version()
                .unquoted()
                .map_or_else(|| "1.0".to_owned(), |v| v.into_owned());
            let e = prepared.evaluate(
                &Candidate {
                    product,
                    version: &version,
                },
                &ApkOrder,
                &alpine,
            );
            assert_ne!(e.verdict, Verdict::NotApplicable, "{} {product}", rec.id);
            *verdicts.entry(e.verdict).or_default() += 1;
            if e.verdict == Verdict::Unbounded {
                unbounded_seen += 1;
                let m = e.deciding().unwrap().deciding().unwrap();
                assert!(m.unbounded && m.range.is_empty(), "{} {m:?}", rec.id);
            }
        }
    }
    assert!(unbounded_seen > 100, "{verdicts:?}");
    assert!(
        verdicts.get(&Verdict::Affected).copied().unwrap_or(0) > 1000,
        "{verdicts:?}"
    );
    assert!(
        verdicts.get(&Verdict::NotAffected).copied().unwrap_or(0) > 100,
        "{verdicts:?}"
    );

    // OpenSSL 1.1.0h (Alpine 3.8): the 2018 CVEs that name OpenSSL and
    // include 1.1.0h.
    let openssl = cpe("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*");
    let affected: Vec<&str> = records
        .iter()
        .filter(|r| eval(r, &openssl, "1.1.0h", &alpine).verdict == Verdict::Affected)
        .map(|r| r.id.as_str())
        .collect();
    for id in ["CVE-2018-0732", "CVE-2018-0737", "CVE-2018-0739"] {
        let fixed_before = ["CVE-2018-0739"].contains(&id);
        assert_eq!(affected.contains(&id), !fixed_before, "{id}: {affected:?}");
    }
}
