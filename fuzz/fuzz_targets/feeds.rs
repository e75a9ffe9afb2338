//! The vulnerability feed parsers on arbitrary bytes: NVD 1.1 and 2.0
//! streams, a CVE 5 record, an OSV record (strict and lenient), an EPSS CSV.
//! None may panic; records they accept must serialise.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secfixes_feeds::{Item, ReadOptions, cve5, epss, nvd11, nvd20, osv};

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::default();
    let mut sink = |item: Item| {
        if let Item::Vulnerability(v) = item {
            assert!(serde_json::to_vec(&v).is_ok());
        }
        Ok(())
    };
    let _ = nvd11::read(data, "fuzz", &opts, &mut sink);
    let _ = nvd20::read(data, "fuzz", &opts, &mut sink);
    let _ = epss::read(data, "fuzz", &opts, &mut sink);
    if let Ok(v) = cve5::parse_record(data, "fuzz") {
        assert!(serde_json::to_vec(&v).is_ok());
    }
    let _ = osv::parse_record(data, "fuzz");
    let _ = osv::parse_record_lenient(data, "fuzz");
});
