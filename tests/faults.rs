//! Fault tests of the write path, run on the real binary: a full disk, a build killed mid-write,
//! two builds into one folder at once, and a deploy checkout inside the output folder. Each ends
//! with a folder in which every file of the site is whole (the old version or the new one), no file
//! of the user's is lost, and the next build finishes the update.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fieldbook");

/// Files the user keeps in the output folder; no build may touch them.
fn plant_user_files(out: &Path) {
    std::fs::create_dir_all(out.join(".git/refs/heads")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(out.join(".git/refs/heads/gh-pages"), "0123456789abcdef\n").unwrap();
    std::fs::write(out.join("CNAME"), "report.fixture.test\n").unwrap();
    std::fs::write(out.join(".nojekyll"), "").unwrap();
    std::fs::write(
        out.join("google1234abcd.html"),
        "google-site-verification: google1234abcd.html",
    )
    .unwrap();
}

fn assert_user_files(out: &Path) {
    let read =
        |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p} lost: {e}"));
    assert_eq!(read(".git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert_eq!(read(".git/refs/heads/gh-pages"), "0123456789abcdef\n");
    assert_eq!(read("CNAME"), "report.fixture.test\n");
    assert_eq!(read(".nojekyll"), "");
    assert!(read("google1234abcd.html").starts_with("google-site-verification"));
}

/// The site's own files in a folder (user files and the marker aside): path -> bytes.
fn site_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                e.path().to_path_buf(),
            )
        })
        .filter(|(rel, _)| {
            !matches!(
                rel.as_str(),
                "CNAME" | ".nojekyll" | "google1234abcd.html" | ".fieldbook-output"
            )
        })
        .map(|(rel, p)| (rel, std::fs::read(p).unwrap()))
        .collect()
}

/// Every file is whole: byte for byte the old site's or the new site's version of it.
fn assert_each_file_old_or_new(
    got: &BTreeMap<String, Vec<u8>>,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) {
    for (path, bytes) in got {
        if path.ends_with(".fieldbook-tmp") || path.starts_with(".fieldbook-staging/") {
            continue; // a killed write's temporary or staged file: not a file of the site; the next build removes it
        }
        let whole = old.get(path) == Some(bytes) || new.get(path) == Some(bytes);
        assert!(
            whole,
            "{path} is neither the old nor the new version ({} bytes)",
            bytes.len()
        );
    }
}

/// A copy of the mini fixture whose next build changes many files and adds a large page.
fn grown(root: &Path) {
    let big = "Many words of a long page. ".repeat(20_000);
    std::fs::write(
        root.join("content/pages/big.md"),
        format!(
            "---\nid: big\ntitle: A big page\nsummary: Large enough to need room.\n---\n\n{big}\n"
        ),
    )
    .unwrap();
    let p = root.join("book.toml");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("Mini fixture", "Mini fixture, second edition");
    std::fs::write(p, text).unwrap();
}

/// A site's files: path -> bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// The old and the new site, each built into a folder of its own.
fn references() -> (tempfile::TempDir, Files, Files) {
    let site = fixture("mini");
    let refs = tempfile::tempdir().unwrap();
    build_ok(site.path(), &refs.path().join("old"));
    grown(site.path());
    build_ok(site.path(), &refs.path().join("new"));
    let (old, new) = (
        site_files(&refs.path().join("old")),
        site_files(&refs.path().join("new")),
    );
    (site, old, new)
}

fn sh(script: &str) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_full_disk_leaves_the_output_as_it_was_and_the_next_build_finishes() {
    let (site, old, new) = references();
    // tmpfs counts whole 4 KiB pages per file: room for the old site and little more.
    let old_size: usize = old
        .values()
        .map(|b| b.len().div_ceil(4096) * 4096 + 4096)
        .sum();
    let work = tempfile::tempdir().unwrap();
    let (mnt, after_fail, after_fix) = (
        work.path().join("mnt"),
        work.path().join("fail"),
        work.path().join("fix"),
    );
    std::fs::create_dir_all(&mnt).unwrap();
    let first = fixture("mini");
    // In a private mount namespace: a small tmpfs holds the old site and the user's files; the
    // new site does not fit. After the failed build the disk is enlarged and built again.
    let script = format!(
        r#"set -e
mount -t tmpfs -o size={size} tmpfs {mnt}
{bin} build --root {first} --out {mnt}/public >/dev/null
mkdir -p {mnt}/public/.git/refs/heads
printf 'ref: refs/heads/gh-pages\n' > {mnt}/public/.git/HEAD
printf '0123456789abcdef\n' > {mnt}/public/.git/refs/heads/gh-pages
printf 'report.fixture.test\n' > {mnt}/public/CNAME
: > {mnt}/public/.nojekyll
printf 'google-site-verification: google1234abcd.html' > {mnt}/public/google1234abcd.html
set +e
{bin} build --root {site} --out {mnt}/public 2>{work}/stderr
echo $? > {work}/status
set -e
cp -a {mnt}/public {fail}
mount -o remount,size=64m {mnt}
{bin} build --root {site} --out {mnt}/public >/dev/null
cp -a {mnt}/public {fix}
"#,
        size = old_size + 256 * 1024,
        mnt = mnt.display(),
        bin = BIN,
        first = first.path().display(),
        site = site.path().display(),
        work = work.path().display(),
        fail = after_fail.display(),
        fix = after_fix.display(),
    );
    let o = sh(&format!("unshare -Urm bash -c {}", shell_quote(&script)));
    assert!(
        o.status.success(),
        "the scenario did not run: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let status = std::fs::read_to_string(work.path().join("status")).unwrap();
    let stderr = std::fs::read_to_string(work.path().join("stderr")).unwrap();
    assert_ne!(status.trim(), "0", "the build into a full disk must fail");
    assert!(
        stderr.contains("No space left") || stderr.contains("space"),
        "{stderr}"
    );
    // Every file is staged before any is moved into place, so a disk that fills up while the
    // site is written leaves the output as it was, and says so, once.
    assert!(
        stderr.contains("left untouched"),
        "the message says the folder is untouched:\n{stderr}"
    );
    assert_eq!(
        stderr.matches("No space left").count(),
        1,
        "one error, not one per file:\n{stderr}"
    );
    assert_eq!(site_files(&after_fail), old, "the output is the old site");
    assert!(!after_fail.join(".fieldbook-staging").exists());
    assert_user_files(&after_fail);
    assert_eq!(
        site_files(&after_fix),
        new,
        "the next build finishes the update"
    );
    assert_user_files(&after_fix);
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[test]
fn a_build_killed_mid_write_leaves_every_file_whole_and_the_next_build_finishes() {
    let (site, old, new) = references();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    build_ok(fixture("mini").path(), &out);
    plant_user_files(&out);
    // The kernel kills the build (SIGXFSZ) the moment it writes past 64 KiB into one file: the
    // large page, while other files of the update may already be in place.
    let o = sh(&format!(
        "ulimit -f 64; exec {BIN} build --root {} --out {}",
        site.path().display(),
        out.display()
    ));
    assert!(!o.status.success(), "the build should have been killed");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        o.status.signal(),
        Some(25),
        "killed by SIGXFSZ: {:?}",
        o.status
    );
    assert_each_file_old_or_new(&site_files(&out), &old, &new);
    assert_user_files(&out);
    build_ok(site.path(), &out);
    assert_eq!(site_files(&out), new, "the next build finishes the update");
    assert!(!out.join(".fieldbook-staging").exists());
    assert_user_files(&out);
}

#[test]
fn two_builds_into_one_folder_leave_one_whole_site() {
    let a = fixture("mini");
    let b = fixture("mini");
    grown(b.path());
    let refs = tempfile::tempdir().unwrap();
    build_ok(a.path(), &refs.path().join("a"));
    build_ok(b.path(), &refs.path().join("b"));
    let (site_a, site_b) = (
        site_files(&refs.path().join("a")),
        site_files(&refs.path().join("b")),
    );
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    build_ok(a.path(), &out);
    plant_user_files(&out);
    for round in 0..4 {
        let spawn = |root: &Path| {
            Command::new(BIN)
                .args([
                    "build",
                    "--root",
                    root.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                ])
                .output()
        };
        let (ra, rb) = std::thread::scope(|s| {
            let ta = s.spawn(|| spawn(a.path()));
            let tb = s.spawn(|| spawn(b.path()));
            (ta.join().unwrap().unwrap(), tb.join().unwrap().unwrap())
        });
        assert!(
            ra.status.success() && rb.status.success(),
            "round {round}: {}{}",
            String::from_utf8_lossy(&ra.stderr),
            String::from_utf8_lossy(&rb.stderr)
        );
        let got = site_files(&out);
        assert!(
            got == site_a || got == site_b,
            "round {round}: a mix of two sites ({} files)",
            got.len()
        );
        assert_user_files(&out);
    }
    build_ok(a.path(), &out);
    assert_eq!(site_files(&out), site_a);
}

#[test]
fn a_deploy_checkout_in_the_output_folder_survives_ten_rebuilds() {
    let site = fixture("mini");
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("public");
    build_ok(site.path(), &out);
    plant_user_files(&out);
    let git_before = hashes(&out.join(".git"));
    for i in 0..10 {
        let page = site.path().join("content/pages/first.md");
        let text = std::fs::read_to_string(&page).unwrap();
        std::fs::write(&page, format!("{text}\nEdit number {i}.\n")).unwrap();
        if i % 3 == 0 {
            // A page comes and goes: removals must stay within the site's own files.
            let extra = site.path().join("content/pages/extra.md");
            if extra.exists() {
                std::fs::remove_file(extra).unwrap();
            } else {
                std::fs::write(
                    extra,
                    "---\nid: extra\ntitle: Extra\nsummary: Comes and goes.\n---\n\nText.\n",
                )
                .unwrap();
            }
        }
        build_ok(site.path(), &out);
        assert_user_files(&out);
    }
    assert_eq!(
        hashes(&out.join(".git")),
        git_before,
        "the deploy checkout changed"
    );
}
