//! Acceptance tests of `secfixes apk version`, running the built binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn secfixes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_secfixes"))
        .args(args)
        .output()
        .expect("run secfixes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `-t A B` on valid versions: the operator and exit 0, nothing on stderr.
#[test]
fn test_prints_the_operator() {
    for (a, b, op) in [
        ("1.0", "1.0.1", "<"),
        ("8.2.0015", "8.2.002", "<"),
        ("1.0-r01", "1.0-r1", "="),
        ("1.2.3_p1", "1.2.3", ">"),
        ("2.0", "2.0_rc1-r5", ">"),
    ] {
        let out = secfixes(&["apk", "version", "-t", a, b]);
        assert_eq!(out.status.code(), Some(0), "{a} {b}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), format!("{op}\n"), "{a} {b}");
        assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    }
    let out = secfixes(&["apk", "version", "--test", "--", "1.0", "1.0"]);
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "=\n".to_owned())
    );
}

/// An invalid side: like apk-tools 3, exit 1 and nothing on stdout; stderr
/// names the argument, the column and the reason.
#[test]
fn test_refuses_an_invalid_side() {
    let out = secfixes(&["apk", "version", "-t", "1.0", "1.0a1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(
        err,
        "secfixes: version B: invalid apk version \"1.0a1\": a digit ('1') cannot follow a letter (at column 5)\n"
    );

    let out = secfixes(&["apk", "version", "-t", "1.0_foo", "1.0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("version A: invalid apk version \"1.0_foo\"")
            && err.contains("unknown suffix '_foo'"),
        "{err}"
    );
}

/// A version beginning with `-` is passed after `--`; `-r1` is invalid
/// (no leading number), so this is refused, naming argument A.
#[test]
fn test_accepts_hyphen_values_after_double_dash() {
    let out = secfixes(&["apk", "version", "-t", "--", "-r1", "1.0"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("version A: invalid apk version \"-r1\"")
            && err.contains("must start with a digit (at column 1)"),
        "{err}"
    );
    // Both sides invalid: one line each.
    let out = secfixes(&["apk", "version", "-t", "--", "-1", ""]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).lines().count(), 2);
    // Without `--`, `-r1` is an unknown option: a usage error.
    let out = secfixes(&["apk", "version", "-t", "1.0", "-r1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn test_needs_exactly_two_versions() {
    for args in [&["1.0"][..], &["1.0", "2.0", "3.0"]] {
        let mut full = vec!["apk", "version", "-t"];
        full.extend_from_slice(args);
        let out = secfixes(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            text(&out.stderr).contains("exactly two versions"),
            "{}",
            text(&out.stderr)
        );
    }
    // -t and -c exclude each other; one of them is required.
    assert_eq!(
        secfixes(&["apk", "version", "-t", "-c", "1", "2"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        secfixes(&["apk", "version", "1", "2"]).status.code(),
        Some(2)
    );
}

/// `-c`: the invalid versions on stdout, reasons on stderr, exit = count.
#[test]
fn check_lists_invalid_versions() {
    let out = secfixes(&[
        "apk", "version", "-c", "--", "1.0", "1.0a1", "2.0-r0", "x", "-r1", "1.0~abc",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(text(&out.stdout), "1.0a1\nx\n-r1\n");
    assert_eq!(text(&out.stderr).lines().count(), 3);

    let out = secfixes(&[
        "apk",
        "version",
        "--check",
        "1.2.3-r4",
        "0.1_git20240101_pre1",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn check_status_is_capped() {
    let many: Vec<String> = (0..300).map(|i| format!("v{i}")).collect();
    let mut args = vec!["apk", "version", "-c"];
    args.extend(many.iter().map(String::as_str));
    let out = secfixes(&args);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(text(&out.stdout).lines().count(), 300);
}

/// `--scheme apk2`: apk-tools 2.x's rules; `apk3` is the default.
#[test]
fn scheme_selects_the_apk_tools_rules() {
    // 2.x-only versions: valid and ordered under apk2, refused under apk3.
    let out = secfixes(&[
        "apk",
        "version",
        "--scheme",
        "apk2",
        "-t",
        "1.9.5p1-r0",
        "1.9.5p2-r0",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "<\n");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    for args in [
        &["apk", "version", "-t", "1.9.5p1-r0", "1.9.5p2-r0"][..],
        &[
            "apk",
            "version",
            "--scheme",
            "apk3",
            "-t",
            "1.9.5p1-r0",
            "1.9.5p2-r0",
        ],
    ] {
        let out = secfixes(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            text(&out.stderr).lines().count(),
            2,
            "{}",
            text(&out.stderr)
        );
    }

    // Leading zeros: the two schemes disagree.
    for (scheme, a, b, op) in [
        ("apk2", "1.0", "1.00", ">"),
        ("apk3", "1.0", "1.00", "<"),
        ("apk2", "8.2.0", "8.2.001", ">"),
        ("apk3", "8.2.0", "8.2.001", "<"),
        ("apk2", "1.0-r1-r2", "1.0-r1", ">"),
    ] {
        let out = secfixes(&["apk", "version", "-t", a, b, "--scheme", scheme]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{scheme} {a} {b}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), format!("{op}\n"), "{scheme} {a} {b}");
    }

    // Invalid under apk2 (no ~hash): refused, with 2.x's reason.
    let out = secfixes(&["apk", "version", "--scheme=apk2", "-t", "1.0~abc", "1.0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "secfixes: version A: invalid apk version \"1.0~abc\": apk-tools 2.x does not accept a '~hash' (at column 4)\n"
    );

    // -c follows the scheme too.
    let versions = ["1.0a1", "6.6.2p1-r0", "1.0~abc", "1.123456789012345678"];
    let mut args = vec!["apk", "version", "--scheme", "apk2", "-c", "--"];
    args.extend(versions);
    let out = secfixes(&args);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "1.0~abc\n1.123456789012345678\n");
    let mut args = vec!["apk", "version", "-c", "--"];
    args.extend(versions);
    let out = secfixes(&args);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "1.0a1\n6.6.2p1-r0\n");

    // An unknown scheme is a usage error that lists the known ones.
    let out = secfixes(&["apk", "version", "--scheme", "apk1", "-t", "1", "2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("apk2") && err.contains("apk3"), "{err}");
}
