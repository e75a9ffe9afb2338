//! Benchmark of the apk version order on the real corpus.
//!
//! Loads every distinct `V:` of the shared APKINDEX files, then times
//! sorting them with `version::compare` (apk-tools 3.x) and `v2::compare`
//! (apk-tools 2.x), and N random pairwise comparisons with each, against
//! the same work done with plain `str::cmp` in the same run (the baseline:
//! how far apk's order is from the cheapest total order on text).
//!
//! Run: `cargo bench -p secfixes-apk --bench version` (a few seconds).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::hint::black_box;
use std::io::Read;
use std::time::{Duration, Instant};

use flate2::read::MultiGzDecoder;
use secfixes_apk::version::{self, v2};

/// Random pairwise comparisons per measurement.
const PAIRS: usize = 2_000_000;
/// Sorts of the whole corpus per measurement.
const SORTS: usize = 20;

fn load() -> Vec<String> {
    let dir = secfixes_testdata::path("apkindex");
    let mut set = BTreeSet::new();
    for f in secfixes_testdata::files_with_suffix(&dir, "APKINDEX.tar.gz") {
        let mut buf = Vec::new();
        MultiGzDecoder::new(std::fs::File::open(&f).unwrap())
            .read_to_end(&mut buf)
            .unwrap();
        for line in buf.split(|&b| b == b'\n') {
            if let Some(v) = line.strip_prefix(b"V:") {
                set.insert(String::from_utf8(v.to_vec()).unwrap());
            }
        }
    }
    set.into_iter().collect()
}

/// splitmix64, seeded: the same pairs in every run.
fn pairs(n: usize) -> Vec<(usize, usize)> {
    let mut state: u64 = 0x00C0_FFEE;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    };
    (0..PAIRS).map(|_| (next(), next())).collect()
}

fn time_pairs(v: &[&str], pairs: &[(usize, usize)], cmp: fn(&str, &str) -> Ordering) -> Duration {
    let start = Instant::now();
    let mut acc = 0i64;
    for &(i, j) in pairs {
        acc += cmp(black_box(v[i]), black_box(v[j])) as i64;
    }
    black_box(acc);
    start.elapsed()
}

fn time_sorts(v: &[&str], cmp: fn(&str, &str) -> Ordering) -> (Duration, usize) {
    let mut total = Duration::ZERO;
    let mut comparisons = 0usize;
    // Sort shuffled-but-fixed copies: start from text order reversed by
    // halves so that neither comparator sees already sorted input.
    let mut input: Vec<&str> = v.to_vec();
    let half = input.len() / 2;
    input[..half].reverse();
    input.rotate_left(half / 3);
    for _ in 0..SORTS {
        let mut w = input.clone();
        let start = Instant::now();
        w.sort_by(|a, b| {
            comparisons += 1;
            cmp(a, b)
        });
        total += start.elapsed();
        black_box(&w);
    }
    (total, comparisons / SORTS)
}

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn main() {
    let corpus = load();
    let v: Vec<&str> = corpus.iter().map(String::as_str).collect();
    let pairs = pairs(v.len());
    let apk3: fn(&str, &str) -> Ordering = version::compare;
    let apk2: fn(&str, &str) -> Ordering = v2::compare;
    let text: fn(&str, &str) -> Ordering = |a, b| a.cmp(b);

    // Warm-up, then measure.
    time_pairs(&v, &pairs[..PAIRS / 10], apk3);
    time_pairs(&v, &pairs[..PAIRS / 10], apk2);
    let str_pairs = time_pairs(&v, &pairs, text);
    let (str_sort, _) = time_sorts(&v, text);

    println!("apk version order: {} distinct APKINDEX versions", v.len());
    for (name, cmp) in [
        ("version::compare (3.x)", apk3),
        ("v2::compare (2.x)", apk2),
    ] {
        let apk_pairs = time_pairs(&v, &pairs, cmp);
        let (apk_sort, apk_cmps) = time_sorts(&v, cmp);
        println!(
            "random pairs  ({PAIRS}): {name} {:>7.1} M/s ({:.1} ns each), str::cmp {:>7.1} M/s ({:.1} ns each), ratio {:.1}x",
            per_sec(PAIRS, apk_pairs) / 1e6,
            apk_pairs.as_nanos() as f64 / PAIRS as f64,
            per_sec(PAIRS, str_pairs) / 1e6,
            str_pairs.as_nanos() as f64 / PAIRS as f64,
            apk_pairs.as_secs_f64() / str_pairs.as_secs_f64(),
        );
        println!(
            "sort corpus (x{SORTS}, ~{apk_cmps} comparisons each): {name} {:.2} ms/sort ({:.1} M cmp/s), str::cmp {:.2} ms/sort, ratio {:.1}x",
            apk_sort.as_secs_f64() * 1e3 / SORTS as f64,
            per_sec(apk_cmps * SORTS, apk_sort) / 1e6,
            str_sort.as_secs_f64() * 1e3 / SORTS as f64,
            apk_sort.as_secs_f64() / str_sort.as_secs_f64(),
        );
    }
}
