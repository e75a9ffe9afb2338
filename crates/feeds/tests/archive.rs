//! Member iteration over directories, tar, tar.gz, zip and single files.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use secfixes_feeds::Error;
use secfixes_feeds::archive::{self, InputKind, MAX_MEMBER_SIZE};

/// Every member as (name, source_name, contents).
fn members(
    path: &Path,
    accept: &dyn Fn(&str) -> bool,
) -> (Vec<(String, String, String)>, archive::Walk) {
    let mut out = Vec::new();
    let walk = archive::for_each_member(path, accept, &mut |m| {
        out.push((
            m.name.to_owned(),
            m.source_name.to_owned(),
            String::from_utf8_lossy(m.data).into_owned(),
        ));
        Ok(())
    })
    .unwrap();
    (out, walk)
}

fn tar_bytes(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, name, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn directory_is_sorted_recursive_and_skips_hidden_entries() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/sub")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/config.json"), "hidden").unwrap();
    std::fs::write(root.join(".gitignore"), "hidden").unwrap();
    std::fs::write(root.join("c.json"), "c").unwrap();
    std::fs::write(root.join("a.json"), "a").unwrap();
    std::fs::write(root.join("b/sub/z.json"), "z").unwrap();
    std::fs::write(root.join("b/y.json"), "y").unwrap();
    std::fs::write(root.join("README.md"), "readme").unwrap();
    assert_eq!(InputKind::of(root).unwrap(), InputKind::Directory);

    let (got, walk) = members(root, &|n| n.ends_with(".json"));
    let names: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, ["a.json", "b/sub/z.json", "b/y.json", "c.json"]);
    assert_eq!(got[1].1, root.join("b/sub/z.json").display().to_string());
    assert_eq!(got[1].2, "z");
    assert_eq!((walk.members, walk.skipped), (4, 1));
    assert_eq!(walk.skipped_names, ["README.md"]);
    let note = walk.skipped_note("records").unwrap();
    assert!(note.contains("README.md"), "{note}");
}

#[test]
fn tar_and_tar_gz_stream_in_archive_order() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 3] = [
        ("top/2.json", b"two"),
        ("top/1.json", b"one"),
        ("top/LICENSE", b"cc0"),
    ];
    let raw = tar_bytes(&files);
    for (name, bytes) in [
        ("x.tar", raw.clone()),
        ("x.tar.gz", gzip(&raw)),
        ("x.tgz", gzip(&raw)),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(InputKind::of(&path).unwrap(), InputKind::Tar);
        let (got, walk) = members(&path, &|n| n.ends_with(".json"));
        let names: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
        // Archive order, not sorted: the stream is read once.
        assert_eq!(names, ["top/2.json", "top/1.json"], "{name}");
        assert_eq!(got[0].1, format!("{}!top/2.json", path.display()));
        assert_eq!(got[1].2, "one");
        assert_eq!(walk.skipped_names, ["top/LICENSE"]);
    }
}

#[test]
fn zip_members_are_sorted_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in [
        ("GHSA-b.json", "b"),
        ("CVE-a.json", "a"),
        ("dir/", ""),
        ("notes.txt", "n"),
    ] {
        if name.ends_with('/') {
            zip.add_directory(name, opts).unwrap();
        } else {
            zip.start_file(name, opts).unwrap();
            zip.write_all(data.as_bytes()).unwrap();
        }
    }
    zip.finish().unwrap();
    let (got, walk) = members(&path, &|n| n.ends_with(".json"));
    let names: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, ["CVE-a.json", "GHSA-b.json"]);
    assert_eq!(got[0].1, format!("{}!CVE-a.json", path.display()));
    assert_eq!(walk.skipped_names, ["notes.txt"]);
}

#[test]
fn single_files_plain_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("record.json");
    std::fs::write(&plain, "{}").unwrap();
    let gz = dir.path().join("record.json.gz");
    std::fs::write(&gz, gzip(b"{\"a\":1}")).unwrap();
    // The filter is not consulted for a file named explicitly.
    let (got, _) = members(&plain, &|_| false);
    assert_eq!(
        got,
        [(
            "record.json".to_owned(),
            plain.display().to_string(),
            "{}".to_owned()
        )]
    );
    let (got, _) = members(&gz, &|_| false);
    assert_eq!(got[0].0, "record.json");
    assert_eq!(got[0].2, "{\"a\":1}");
}

#[test]
fn oversized_tar_member_is_named_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    // A header announcing a member one byte over the limit, and no data:
    // the size check comes before any read.
    let mut header = tar::Header::new_gnu();
    header.set_path("big/CVE-2024-0001.json").unwrap();
    header.set_size(MAX_MEMBER_SIZE + 1);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let path = dir.path().join("big.tar");
    std::fs::write(&path, header.as_bytes()).unwrap();
    let err = archive::for_each_member(&path, &|_| true, &mut |_| Ok(())).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("big.tar!big/CVE-2024-0001.json"), "{text}");
    assert!(text.contains("64 MiB"), "{text}");
}

#[test]
fn oversized_gzip_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.json.gz");
    // 64 MiB + 1 of zeros compresses to ~64 KB.
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&chunk).unwrap();
    }
    enc.write_all(b"!").unwrap();
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    let mut called = false;
    let err = archive::for_each_member(&path, &|_| true, &mut |_| {
        called = true;
        Ok(())
    })
    .unwrap_err();
    assert!(!called);
    assert!(matches!(err, Error::Format { .. }), "{err}");
}

#[test]
fn corrupt_archives_are_format_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let raw = tar_bytes(&[("a.json", b"{}"), ("b.json", &[b'x'; 5000])]);
    let gz = gzip(&raw);
    let truncated = dir.path().join("cut.tar.gz");
    std::fs::write(&truncated, &gz[..gz.len() / 2]).unwrap();
    let err = archive::for_each_member(&truncated, &|_| true, &mut |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Format { .. }), "{err}");
    assert!(err.to_string().contains("cut.tar.gz"), "{err}");

    let notzip = dir.path().join("bad.zip");
    std::fs::write(&notzip, b"not a zip at all").unwrap();
    let err = archive::for_each_member(&notzip, &|_| true, &mut |_| Ok(())).unwrap_err();
    assert!(
        err.to_string().contains("bad.zip") && err.to_string().contains("zip"),
        "{err}"
    );

    let missing = dir.path().join("absent.tar.gz");
    let err = archive::for_each_member(&missing, &|_| true, &mut |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
}

#[test]
fn callback_error_stops_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..5 {
        std::fs::write(dir.path().join(format!("{n}.json")), "x").unwrap();
    }
    let mut seen = 0;
    let err = archive::for_each_member(dir.path(), &|_| true, &mut |_| {
        seen += 1;
        if seen == 2 {
            Err(Error::Sink("stop".into()))
        } else {
            Ok(())
        }
    })
    .unwrap_err();
    assert_eq!(seen, 2);
    assert!(matches!(err, Error::Sink(m) if m == "stop"));
}
