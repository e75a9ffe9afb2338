//! Acceptance tests of `secfixes lint` with the built binary.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

fn secfixes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secfixes"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn write(dir: &Path, rel: &str, text: &str) -> String {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const CLEAN: &str = "pkgname=a\npkgver=1\npkgrel=0\n\n# secfixes:\n#   1-r0:\n#     - CVE-2021-44228\n\nbuild() {\n}\n";
const WARN: &str = "pkgname=b\n\n# secfixes:\n#   7.53.0:\n#     - CVE-2017-2629\n";
const ERROR: &str = "pkgname=c\n\n# secfixes:\n#   1-r0:\n#     -  CVE-2019-3855\n";

#[test]
fn clean_file_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "main/a/APKBUILD", CLEAN);
    let o = secfixes(&["lint", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "secfixes lint: 1 file, 1 with a secfixes block: 0 errors, 0 warnings\n"
    );
}

#[test]
fn warnings_exit_zero_errors_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let w = write(dir.path(), "main/b/APKBUILD", WARN);
    let o = secfixes(&["lint", &w]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        format!(
            "{w}:4: warning[version-without-revision]: version key \"7.53.0\" has no `-rN` revision (did you mean \"7.53.0-r0\"?)\n"
        )
    );
    let e = write(dir.path(), "main/c/APKBUILD", ERROR);
    let o = secfixes(&["lint", &w, &e]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("{e}:5: error[malformed-line]: abuild: ")),
        "{out}"
    );
    assert!(
        stderr(&o).contains("2 files, 2 with a secfixes block: 1 error, 1 warning"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn directories_are_searched_for_apkbuilds() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main/a/APKBUILD", CLEAN);
    write(dir.path(), "main/b/APKBUILD", WARN);
    write(dir.path(), "community/c/APKBUILD", ERROR);
    write(dir.path(), "community/c/APKBUILD.orig", ERROR);
    write(dir.path(), "README", "# secfixes:\n#    bad\n");
    let o = secfixes(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    // Sorted by path: community/ before main/.
    assert!(
        lines[0].contains("community/c/APKBUILD:5: error[malformed-line]"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("main/b/APKBUILD:4: warning[version-without-revision]"),
        "{lines:?}"
    );
    assert!(
        stderr(&o).contains("3 files, 3 with a secfixes block"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_output() {
    let dir = tempfile::tempdir().unwrap();
    let e = write(dir.path(), "c/APKBUILD", ERROR);
    let o = secfixes(&["lint", "--json", &e]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 1);
    assert_eq!(arr[0]["file"], e.as_str());
    assert_eq!(arr[0]["line"], 5);
    assert_eq!(arr[0]["code"], "malformed-line");
    assert_eq!(arr[0]["severity"], "error");
    let clean = write(dir.path(), "a/APKBUILD", CLEAN);
    let o = secfixes(&["lint", "--json", &clean]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&o)).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn unreadable_path_exits_two_and_names_it() {
    let o = secfixes(&["lint", "/nonexistent/dir/APKBUILD"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/nonexistent/dir/APKBUILD"),
        "{}",
        stderr(&o)
    );
    // A directory that is not readable (skipped when running as root).
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    let f = write(&bad, "APKBUILD", CLEAN);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&bad).is_ok();
    let o = secfixes(&["lint", dir.path().to_str().unwrap()]);
    std::fs::set_permissions(&bad, std::fs::Permissions::from_mode(0o755)).unwrap();
    if !readable {
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(bad.to_str().unwrap()), "{}", stderr(&o));
    }
    drop(f);
}

#[test]
fn no_paths_is_a_usage_error() {
    let o = secfixes(&["lint"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn real_apkbuilds() {
    // main/xen of edge 2026-08-22: abuild accepts it; the lint still has
    // data-quality warnings (duplicate ids across versions), no errors.
    let xen = secfixes_testdata::path("aports/edge-2026-08-22/main/xen/APKBUILD");
    let o = secfixes(&["lint", xen.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 file, 1 with a secfixes block: 0 errors"),
        "{}",
        stderr(&o)
    );
    // libssh2 of 3.10-stable: `#     -  CVE-2019-3855` (two spaces), which
    // abuild rejects.
    let libssh2 = secfixes_testdata::path("aports/3.10-stable/main/libssh2/APKBUILD");
    let o = secfixes(&["lint", libssh2.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.contains("error[malformed-line]"))
            .count(),
        9
    );
    // The edge-2026 tree of py3-pillow: `CVE 2025-48379`.
    let pillow = secfixes_testdata::path("aports/edge-2026-08-22/community/py3-pillow");
    let o = secfixes(&["lint", pillow.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warning[not-an-id]"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("did you mean CVE-2025-48379?"),
        "{}",
        stdout(&o)
    );
}
