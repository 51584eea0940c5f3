//! Unit tests of the write path: only fieldbook's files are touched, each file is whole, no
//! symlink is followed, a cut-short write is finished by the next one.

use super::*;

fn file(path: &str, bytes: &[u8]) -> OutputFile {
    OutputFile {
        path: path.into(),
        bytes: bytes.to_vec(),
    }
}

/// A whole write with no session: the manifest on disk is what the folder holds.
fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<(usize, usize)> {
    write_changed(out, files, &mut Written::default())
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap()
}

#[test]
fn unsafe_paths_are_refused() {
    assert!(is_safe_relative("a/b/index.html"));
    assert!(!is_safe_relative("../x"));
    assert!(!is_safe_relative("/etc/passwd"));
    assert!(!is_safe_relative("a/../../x"));
    let dir = tempfile::tempdir().unwrap();
    for bad in [MARKER, "../x", "a/.b.html.fieldbook-tmp"] {
        assert!(write_site(dir.path(), &[file(bad, b"x")]).is_err(), "{bad}");
    }
}

#[test]
fn refuses_to_replace_a_foreign_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("precious.txt"), "keep").unwrap();
    assert!(write_site(&out, &[file("index.html", b"x")]).is_err());
    assert_eq!(read(&out.join("precious.txt")), b"keep");
}

#[test]
fn a_rebuild_writes_only_what_changed_and_removes_only_its_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let site = [file("a/index.html", b"a"), file("b/c/index.html", b"bc")];
    assert_eq!(write_site(&out, &site).unwrap(), (2, 0));
    assert_eq!(write_site(&out, &site).unwrap(), (0, 0));
    // A deploy checkout and host files put there by hand are not the site's: they stay.
    fs::create_dir_all(out.join(".git/objects")).unwrap();
    fs::write(out.join(".git/objects/ab"), "object").unwrap();
    fs::write(out.join("CNAME"), "example.org").unwrap();
    fs::write(out.join(".nojekyll"), "").unwrap();
    fs::write(out.join("b/google123.html"), "verify").unwrap();
    // A file of the site edited by hand is brought back to the site's content.
    fs::write(out.join("a/index.html"), "edited").unwrap();
    assert_eq!(write_site(&out, &site).unwrap(), (1, 0));
    assert_eq!(read(&out.join("a/index.html")), b"a");
    // An edit that keeps the length is caught too (the manifest records the time).
    std::thread::sleep(std::time::Duration::from_millis(20));
    fs::write(out.join("a/index.html"), "z").unwrap();
    assert_eq!(write_site(&out, &site).unwrap(), (1, 0));
    assert_eq!(read(&out.join("a/index.html")), b"a");
    // A page no longer produced goes, with the folders it leaves empty; nothing else does.
    assert_eq!(write_site(&out, &site[..1]).unwrap(), (0, 1));
    assert!(!out.join("b/c").exists());
    assert_eq!(read(&out.join("b/google123.html")), b"verify");
    assert_eq!(read(&out.join(".git/objects/ab")), b"object");
    assert_eq!(read(&out.join("CNAME")), b"example.org");
    assert!(out.join(".nojekyll").exists());
}

#[test]
fn serve_sessions_compare_with_what_they_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let b = |bytes: &[u8]| vec![file("b.html", bytes)];
    write_site(&out, &b(b"2")).unwrap();
    let mut written = Written::default();
    assert_eq!(write_changed(&out, &b(b"2"), &mut written).unwrap(), (0, 0));
    assert_eq!(write_changed(&out, &b(b"2"), &mut written).unwrap(), (0, 0));
    assert_eq!(write_changed(&out, &b(b"3"), &mut written).unwrap(), (1, 0));
    assert_eq!(read(&out.join("b.html")), b"3");
    assert_eq!(write_some(&out, &b(b"4"), &mut written).unwrap(), 1);
    assert_eq!(write_changed(&out, &[], &mut written).unwrap(), (0, 1));
    assert!(!out.join("b.html").exists());
}

#[test]
fn a_cut_short_write_is_finished_by_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let old = [file("a.html", b"one"), file("gone.html", b"old page")];
    write_site(&out, &old).unwrap();
    fs::write(out.join("mine.txt"), "user file").unwrap();
    // As a killed write leaves it: the pending list, one file new, a temporary file beside another.
    let new = [file("a.html", b"two"), file("b.html", b"new page")];
    save_marker(
        &out,
        &pending_text(["a.html", "gone.html", "b.html"].map(String::from).iter()),
    )
    .unwrap();
    fs::write(out.join("a.html"), "two").unwrap();
    fs::write(out.join(".b.html.fieldbook-tmp"), "new p").unwrap();
    assert_eq!(write_site(&out, &new).unwrap(), (1, 1));
    assert_eq!(read(&out.join("b.html")), b"new page");
    assert!(!out.join("gone.html").exists());
    assert!(!out.join(".b.html.fieldbook-tmp").exists());
    assert_eq!(read(&out.join("mine.txt")), b"user file");
    assert_eq!(write_site(&out, &new).unwrap(), (0, 0));
}

#[cfg(unix)]
#[test]
fn writes_never_follow_a_symlink() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let outside = dir.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("index.html"), "outside").unwrap();
    write_site(&out, &[file("x/index.html", b"1"), file("f.html", b"1")]).unwrap();
    // A folder of the site replaced by a symlink to another folder: the write fails, outside intact.
    fs::remove_dir_all(out.join("x")).unwrap();
    symlink(&outside, out.join("x")).unwrap();
    let err = write_site(&out, &[file("x/index.html", b"2"), file("f.html", b"1")]).unwrap_err();
    assert!(err.to_string().contains("symlink"), "{err}");
    assert_eq!(read(&outside.join("index.html")), b"outside");
    // Nor does removing a stale file through it.
    write_site(&out, &[file("f.html", b"1")]).unwrap();
    assert_eq!(read(&outside.join("index.html")), b"outside");
    // A symlink where a file goes is replaced by the file, not written through.
    fs::remove_file(out.join("f.html")).unwrap();
    symlink(outside.join("index.html"), out.join("f.html")).unwrap();
    write_site(&out, &[file("f.html", b"2")]).unwrap();
    assert_eq!(read(&outside.join("index.html")), b"outside");
    assert_eq!(read(&out.join("f.html")), b"2");
    assert!(!fs::symlink_metadata(out.join("f.html"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn output_inside_a_source_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in SOURCE_DIRS {
        fs::create_dir_all(root.join(d)).unwrap();
        assert!(
            check_location(root, &root.join(d).join("out")).is_err(),
            "{d}"
        );
        assert!(check_location(root, &root.join(d)).is_err(), "{d}");
    }
    assert!(check_location(root, &root.join("static/../static/x")).is_err());
    assert!(check_location(root, root).is_err());
    assert!(check_location(&root.join("site"), root).is_err());
    assert!(check_location(root, &root.join("public")).is_ok());
    assert!(check_location(root, &dir.path().join("../elsewhere")).is_ok());
}

#[test]
fn a_stream_dropped_before_its_commit_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[file("a.html", b"one")]).unwrap();
    let marker = read(&out.join(MARKER));
    let stream = Stream::open(&out, Written::default()).unwrap();
    stream.put(&file("a.html", b"two")).unwrap();
    stream.put(&file("b/index.html", b"new")).unwrap();
    assert!(out.join(STAGING).is_dir(), "staged while rendering");
    drop(stream); // a later stage failed
    assert_eq!(read(&out.join("a.html")), b"one");
    assert!(!out.join("b").exists());
    assert!(!out.join(STAGING).exists());
    assert_eq!(read(&out.join(MARKER)), marker);
    // Into a folder that did not exist: nothing is left behind at all.
    let fresh = dir.path().join("fresh");
    drop(Stream::open(&fresh, Written::default()).unwrap());
    assert!(!fresh.exists());
}

#[test]
fn staged_files_left_by_a_killed_build_are_never_published() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    write_site(&out, &[file("a.html", b"one")]).unwrap();
    fs::create_dir_all(out.join(STAGING)).unwrap();
    fs::write(out.join(STAGING).join("0"), "half a page").unwrap();
    assert_eq!(write_site(&out, &[file("a.html", b"two")]).unwrap(), (1, 0));
    assert_eq!(read(&out.join("a.html")), b"two");
    assert!(!out.join(STAGING).exists());
    assert!(write_site(&out, &[file(".fieldbook-staging/x", b"x")]).is_err());
}
