//! `secfixes scan` with URLs: the download cache and its ETag, `--offline`,
//! indexes fetched from the repositories, and the tracker's states API,
//! all served on 127.0.0.1 (never the internet).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod scan_support;

use std::collections::HashMap;
use std::ffi::OsString;

use scan_support::*;

fn routes(items: &[(&str, Vec<u8>, Option<&str>)]) -> HashMap<String, (Vec<u8>, Option<String>)> {
    items
        .iter()
        .map(|(p, b, e)| ((*p).to_owned(), (b.clone(), e.map(str::to_owned))))
        .collect()
}

fn read(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn secdb_downloads_are_cached_with_their_etag() {
    let [main, community] = derived("3.14-stable");
    let server = Server::start(routes(&[
        ("/v3.14/main.json", read(&main), Some("\"m1\"")),
        ("/v3.14/community.json", read(&community), Some("\"c1\"")),
    ]));
    let root = Root::new(HIZLBUZZ);
    root.write("etc/alpine-release", "3.14.0\n");
    let feeds = [
        format!("{}/v3.14/main.json", server.base),
        format!("{}/v3.14/community.json", server.base),
    ];
    root.feeds(&[&feeds[0], &feeds[1]]);
    let cache = tempfile::tempdir().unwrap();
    let args = |extra: &[&str]| {
        let mut a: Vec<OsString> = vec![
            "scan".into(),
            "--root".into(),
            root.path().into(),
            "-q".into(),
        ];
        a.extend(extra.iter().map(OsString::from));
        a
    };

    let first = secfixes_with_cache(cache.path(), args(&[]));
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert!(stdout(&first).contains("libssl1.1-1.1.1k-r0 < 1.1.1t-r0\n"));
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|s| s.status == 200 && s.if_none_match.is_none()),
        "{seen:?}"
    );

    // Second run: conditional GETs, answered 304, same findings.
    let second = secfixes_with_cache(cache.path(), args(&[]));
    assert_eq!(stdout(&second), stdout(&first));
    let seen = server.requests();
    assert_eq!(seen.len(), 4);
    let revalidations: Vec<_> = seen[2..]
        .iter()
        .map(|s| (s.if_none_match.clone().unwrap(), s.status))
        .collect();
    assert_eq!(
        revalidations,
        [("\"m1\"".to_owned(), 304), ("\"c1\"".to_owned(), 304)]
    );

    // Offline: the cache only, no request.
    let offline = secfixes_with_cache(cache.path(), args(&["--offline"]));
    assert_eq!(stdout(&offline), stdout(&first));
    assert_eq!(server.requests().len(), 4);

    // Offline with an empty cache: a clear error naming the URL.
    let empty = tempfile::tempdir().unwrap();
    let o = secfixes_with_cache(empty.path(), args(&["--offline"]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(&feeds[0]) && err.contains("not in the cache") && err.contains("--offline"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn an_unreachable_server_falls_back_to_the_cache_with_a_warning() {
    let [main, _] = derived("3.14-stable");
    let mut server = Server::start(routes(&[("/main.json", read(&main), None)]));
    let url = format!("{}/main.json", server.base);
    let never = format!("{}/community.json", server.base);
    let cache = tempfile::tempdir().unwrap();
    let run = |url: &str| {
        secfixes_with_cache(
            cache.path(),
            [
                OsString::from("scan"),
                "--installed".into(),
                data(HIZLBUZZ).into(),
                "--secdb".into(),
                url.into(),
                "-q".into(),
            ],
        )
    };
    let first = run(&url);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    assert_eq!(stderr(&first), "");
    server.stop();

    let again = run(&url);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(stdout(&again), stdout(&first));
    let err = stderr(&again);
    assert!(
        err.starts_with(&format!("warning: {url}: cannot refresh (")),
        "{err}"
    );
    assert!(
        err.contains("using the cached copy from 0 minutes ago"),
        "{err}"
    );

    // Never downloaded: an error naming the URL.
    let o = run(&never);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&never), "{}", stderr(&o));
}

#[test]
fn indexes_are_fetched_from_the_repositories_when_apk_has_no_copy() {
    let server = Server::start(routes(&[
        (
            "/alpine/v3.14/main/armv7/APKINDEX.tar.gz",
            read(&data(HIZLBUZZ_MAIN)),
            Some("\"i1\""),
        ),
        (
            "/alpine/v3.14/community/armv7/APKINDEX.tar.gz",
            read(&data(HIZLBUZZ_COMMUNITY)),
            Some("\"i2\""),
        ),
    ]));
    let root = Root::new(HIZLBUZZ);
    root.write("etc/alpine-release", "3.14.0\n");
    root.write("etc/apk/arch", "armv7\n");
    root.write(
        "etc/apk/repositories",
        format!(
            "{0}/alpine/v3.14/main\n# a comment\n\n{0}/alpine/v3.14/community\n",
            server.base
        ),
    );
    let [main, community] = derived("3.14-stable");
    root.feeds(&[main.to_str().unwrap(), community.to_str().unwrap()]);
    let o = secfixes([
        OsString::from("scan"),
        "--root".into(),
        root.path().into(),
        "--allow-untrusted".into(),
        "--json".into(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let libssl = v["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "libssl1.1")
        .unwrap();
    assert_eq!(libssl["available_version"], "1.1.1k-r0");
    let paths: Vec<String> = server.requests().into_iter().map(|s| s.path).collect();
    assert_eq!(
        paths,
        [
            "/alpine/v3.14/main/armv7/APKINDEX.tar.gz",
            "/alpine/v3.14/community/armv7/APKINDEX.tar.gz"
        ]
    );
}

#[test]
fn the_tracker_adds_open_vulnerabilities() {
    let states = r#"{"states":[
        {"branch":"v3.14","repo":"main","origin":"musl","vuln":"CVE-2025-26519","state":"vulnerable","version":"1.2.2-r3","fixed_version":null,"reason":null},
        {"branch":"v3.14","repo":"main","origin":"openssl","vuln":"CVE-2023-0464","state":"possibly-vulnerable","version":"1.1.1t-r0","fixed_version":null,"reason":"range unknown"},
        {"branch":"v3.14","repo":"main","origin":"openssl","vuln":"CVE-2022-0778","state":"vulnerable","version":"1.1.1k-r0","fixed_version":null,"reason":null},
        {"branch":"v3.14","repo":"main","origin":"busybox","vuln":"CVE-2021-42373","state":"vulnerable","version":"1.33.1-r3","fixed_version":null,"reason":null},
        {"branch":"v3.14","repo":"main","origin":"musl","vuln":"CVE-2020-28928","state":"fixed","version":"1.2.2-r3","fixed_version":"1.2.2-r4","reason":null}
    ]}"#;
    let server = Server::start(routes(&[(
        "/api/v1/states",
        states.as_bytes().to_vec(),
        None,
    )]));
    let root = Root::new(HIZLBUZZ);
    root.write("etc/alpine-release", "3.14.0\n");
    let [main, community] = derived("3.14-stable");
    root.feeds(&[main.to_str().unwrap(), community.to_str().unwrap()]);
    let run = |fail_on: &str| {
        secfixes([
            OsString::from("scan"),
            "--root".into(),
            root.path().into(),
            "--server".into(),
            server.base.clone().into(),
            "--fail-on".into(),
            fail_on.into(),
        ])
    };
    let o = run("any");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    // musl: clean in the secdb; the tracker has one open CVE and one fix
    // the secdb does not know.
    assert!(
        out.contains("musl 1.2.2-r3 -> 1.2.2-r4\n  1.2.2-r4  CVE-2020-28928\n  open  CVE-2025-26519 vulnerable\n"),
        "{out}"
    );
    // openssl: CVE-2022-0778 is already a pending fix (not repeated as
    // open); CVE-2023-0464 is open.
    assert!(
        out.contains("  open  CVE-2023-0464 possibly-vulnerable (range unknown)\n"),
        "{out}"
    );
    assert_eq!(out.matches("open  CVE-2022-0778").count(), 0, "{out}");
    // busybox: CVE-2021-42373 is "not affected" in the secdb (key 0).
    assert!(!out.contains("CVE-2021-42373"), "{out}");

    // One request with the branch and every installed origin, encoded.
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let q = &seen[0].path;
    assert!(q.starts_with("/api/v1/states?branch=v3.14&origin="), "{q}");
    for o in [
        "origin=openssl",
        "origin=musl",
        "origin=busybox",
        "origin=boost1.75",
        "origin=libc-dev",
    ] {
        assert!(q.contains(&format!("{o}&")) || q.ends_with(o), "{o} in {q}");
    }
    // `--fail-on fixable` is also 1 here (fixes are pending); `none` is 0.
    assert_eq!(run("none").status.code(), Some(0));
}

#[test]
fn the_tracker_needs_the_network_and_the_branch() {
    let [main, _] = derived("3.14-stable");
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(HIZLBUZZ).into(),
        "--secdb".into(),
        main.clone().into(),
        "--server".into(),
        "http://127.0.0.1:9".into(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--server needs the branch"),
        "{}",
        stderr(&o)
    );
    let o = secfixes([
        OsString::from("scan"),
        "--installed".into(),
        data(HIZLBUZZ).into(),
        "--secdb".into(),
        main.into(),
        "--branch".into(),
        "v3.14".into(),
        "--server".into(),
        "http://127.0.0.1:9".into(),
        "--offline".into(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--offline forbids asking the server"),
        "{}",
        stderr(&o)
    );
}
