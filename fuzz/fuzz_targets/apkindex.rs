//! `APKINDEX.tar.gz` bytes → `IndexFile::parse`: never panics, and what
//! parses writes back to text that parses to the same packages.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use secfixes_apk::index::{self, IndexFile, Keyring, Limits, Trust};

/// The keys of the shared corpus when it is beside the checkout, so that
/// signature checks run on mutated signatures too (seeds signed by
/// 616ae350 or 6165ee59 reach RSA verification); empty otherwise.
fn keys() -> &'static Keyring {
    static KEYS: OnceLock<Keyring> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = std::env::var_os("SECFIXES_SHARED_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data").into())
            .join("keys");
        Keyring::from_dir(&dir).unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the logic is the same as the defaults.
    let limits = Limits {
        max_decompressed: 16 << 20,
        max_line: 64 << 10,
    };
    for trust in [Trust::AllowUntrusted, Trust::KeysOrUntrusted(keys())] {
        if let Ok(idx) = IndexFile::parse_with_limits(data, &trust, &limits) {
            let text = index::write_packages(&idx.packages);
            let again = index::parse_packages(text.as_bytes()).expect("written index text parses");
            assert_eq!(again, idx.packages, "parse(write(packages)) != packages");
        }
    }
    // The same bytes as plain APKINDEX text.
    if let Ok(packages) = index::parse_packages_with_limit(data, 64 << 10) {
        let text = index::write_packages(&packages);
        let again = index::parse_packages(text.as_bytes()).expect("written index text parses");
        assert_eq!(again, packages, "parse(write(packages)) != packages");
    }
});
