//! Shared by the version corpus tests: every distinct `V:` of the corpus
//! indexes, read with a plain gzip decoder and a line scan (independent of
//! the crate's index parser), and a seeded random generator.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::OnceLock;

use flate2::read::MultiGzDecoder;

/// Every distinct version string of the corpus, in text order.
pub fn corpus() -> &'static [String] {
    static CORPUS: OnceLock<Vec<String>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = secfixes_testdata::path("apkindex");
        let files = secfixes_testdata::files_with_suffix(&dir, "APKINDEX.tar.gz");
        assert_eq!(files.len(), 14, "APKINDEX files under {}", dir.display());
        let mut set = BTreeSet::new();
        for f in &files {
            let file = std::fs::File::open(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let mut buf = Vec::new();
            // The signature and the index are separate gzip members.
            MultiGzDecoder::new(file)
                .read_to_end(&mut buf)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            for line in buf.split(|&b| b == b'\n') {
                if let Some(v) = line.strip_prefix(b"V:") {
                    let v =
                        std::str::from_utf8(v).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                    set.insert(v.to_owned());
                }
            }
        }
        set.into_iter().collect()
    })
}

/// A seeded splitmix64: deterministic, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}
