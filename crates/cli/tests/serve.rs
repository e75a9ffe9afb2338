//! The tracker end to end through the binary: `update` a store from real
//! data, `serve` its API on loopback, query it, and let `scan --server`
//! report open vulnerabilities of a real installed system from it.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_secfixes"));
    c.env("NO_PROGRESS", "1");
    c
}

fn data(rel: &str) -> String {
    secfixes_testdata::path(rel).display().to_string()
}

/// Kills the server when the test ends, passing or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path) -> (Server, String) {
    let mut child = bin()
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    (Server(child), url)
}

#[test]
fn update_serve_and_scan_against_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("secfixes.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[distribution]
name = "alpine"
[[branch]]
name = "v3.14"
aports = "{}"
  [[branch.repo]]
  name = "main"
  index = ["{}"]
  allow_untrusted = true
[feeds]
nvd = ["{}"]
"#,
            data("aports/3.14-stable"),
            data("apkindex/v3.14/main/armv7/hizlbuzz+alpine-minirootfs-v3.14.b78eb2b6/APKINDEX.tar.gz"),
            data("nvd/nvd-1.1-yearly/exein-io-kepler/nvdcve-1.1-2021.as-of-2021-09-10.json.gz"),
        ),
    )
    .unwrap();
    let db = dir.path().join("store.db");
    let out = bin()
        .args(["update", "--quiet", "--json", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["matching"]["states"].as_u64().unwrap() > 1000,
        "{report}"
    );

    let (_server, url) = serve(&db);

    // JSON whatever the client accepts (curl's */* included).
    let status: serde_json::Value = ureq::get(format!("{url}/api/v1/status"))
        .header("Accept", "*/*")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    let row = &status.as_array().unwrap()[0];
    assert_eq!(
        (row["branch"].as_str(), row["repo"].as_str()),
        (Some("v3.14"), Some("main"))
    );
    assert!(row["total"].as_i64().unwrap() > 1000);

    // States of two origins, one state kind.
    let states: serde_json::Value = ureq::get(format!(
        "{url}/api/v1/states?branch=v3.14&origin=mosquitto&origin=busybox&state=vulnerable"
    ))
    .call()
    .unwrap()
    .body_mut()
    .read_to_string()
    .map(|t| serde_json::from_str(&t).unwrap())
    .unwrap();
    let states = states["states"].as_array().unwrap();
    assert!(
        states
            .iter()
            .any(|s| s["origin"] == "mosquitto" && s["vuln"] == "CVE-2021-34434")
    );
    assert!(states.iter().all(|s| s["state"] == "vulnerable"));
    assert!(
        states
            .iter()
            .all(|s| s["origin"] == "mosquitto" || s["origin"] == "busybox")
    );

    // Bad requests are JSON errors naming the problem.
    let err = ureq::get(format!("{url}/api/v1/states?branch=v3.14&state=bogus"))
        .call()
        .unwrap_err();
    assert!(matches!(err, ureq::Error::StatusCode(400)), "{err}");

    // scan --server: the installed system of that very index
    // (hizlbuzz, Alpine 3.14.0 armv7) has mosquitto 2.0.11, which the
    // tracker finds vulnerable to CVE-2021-34434 with no fix recorded.
    let root = dir.path().join("root");
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::copy(
        data("installed/hizlbuzz+alpine-minirootfs-v3.14/installed.2021-08-05.bbfac0af"),
        root.join("lib/apk/db/installed"),
    )
    .unwrap();
    std::fs::write(root.join("etc/alpine-release"), "3.14.0\n").unwrap();
    let scan = |fail_on: &str| {
        bin()
            .args([
                "scan",
                "--no-index",
                "--json",
                "--fail-on",
                fail_on,
                "--root",
            ])
            .arg(&root)
            .args([
                "--secdb",
                &data("secdb/derived-from-aports/3.14-stable/main.json"),
            ])
            .args(["--server", &url])
            .output()
            .unwrap()
    };
    let out = scan("none");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mosquitto = report["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "mosquitto-libs")
        .unwrap();
    assert_eq!(mosquitto["origin"], "mosquitto");
    assert!(
        mosquitto["open"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == "CVE-2021-34434")
    );
    assert_eq!(
        scan("any").status.code(),
        Some(1),
        "open vulnerabilities fail --fail-on any"
    );
}
