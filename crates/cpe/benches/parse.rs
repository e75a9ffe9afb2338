//! Parse speed over the real `cpe23Uri` strings of the NVD 2018 feed.
//!
//! `cargo bench -p secfixes-cpe --bench parse` prints ns per parse (and per
//! comparison). No harness: a plain timing loop, short enough for the
//! shared 2-core machine.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Read;
use std::time::Instant;

use secfixes_cpe::Cpe;

fn criteria() -> Vec<String> {
    let path =
        secfixes_testdata::path("nvd/nvd-1.1-yearly/final-2024-01-02/nvdcve-1.1-2018.json.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let needle = "\"cpe23Uri\" : ";
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(needle) {
        rest = &rest[at + needle.len()..];
        let mut de = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        if let Some(Ok(s)) = de.next() {
            rest = &rest[de.byte_offset()..];
            out.push(s);
        }
    }
    out
}

fn main() {
    let strings = criteria();
    let n = strings.len();
    let bytes: usize = strings.iter().map(String::len).sum();
    println!(
        "{n} cpe23Uri strings, {:.1} bytes on average",
        bytes as f64 / n as f64
    );

    // Warm up, then take the best of five rounds.
    let mut best = f64::MAX;
    for _ in 0..6 {
        let t = Instant::now();
        for s in &strings {
            black_box(Cpe::parse_fs(black_box(s)).unwrap());
        }
        best = best.min(t.elapsed().as_nanos() as f64 / n as f64);
    }
    println!("parse_fs: {best:.0} ns per string (best of 6 rounds)");

    let parsed: Vec<Cpe> = strings.iter().map(|s| Cpe::parse_fs(s).unwrap()).collect();
    let mut best = f64::MAX;
    for _ in 0..6 {
        let t = Instant::now();
        for c in &parsed {
            black_box(black_box(c).to_string());
        }
        best = best.min(t.elapsed().as_nanos() as f64 / n as f64);
    }
    println!("to_fs: {best:.0} ns per name");

    let target: Cpe = "cpe:2.3:a:apache:http_server:2.4.29:*:*:*:*:*:*:*"
        .parse()
        .unwrap();
    let mut best = f64::MAX;
    for _ in 0..6 {
        let t = Instant::now();
        for c in &parsed {
            black_box(black_box(c).compare(black_box(&target)));
        }
        best = best.min(t.elapsed().as_nanos() as f64 / n as f64);
    }
    println!("compare: {best:.0} ns per pair");
}
