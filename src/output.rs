//! Write: the single path by which files leave fieldbook.
//!
//! HTML is minified with minify-html (settings that keep the output valid HTML) when the build asks
//! for it (`--minify`, or `minify-html = true` in book.toml; off by default). Nothing is written
//! until every stage has succeeded, so a failed build leaves the previous output untouched. Then the
//! output folder is brought up to date in place: only files whose bytes changed are written (in
//! parallel), files no longer produced are removed, and a manifest of fingerprints in the marker
//! file lets the next build compare without reading the site back. Creating files is the costly
//! part on most file systems; an unchanged rebuild writes none.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path};

/// The marker file that tells fieldbook a folder is its own output and may be replaced.
pub const MARKER: &str = ".fieldbook-output";

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, `/`-separated, never absolute, never with `..`.
    pub path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Minifies an HTML document; deterministic.
pub fn minify_html(html: &str) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg.minify_css = true;
    cfg.minify_js = true;
    cfg.minify_doctype = false;
    cfg.keep_comments = false;
    minify_html::minify(html.as_bytes(), &cfg)
}

/// Checks that `path` stays inside the output folder.
pub fn is_safe_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// What the output folder holds: a BLAKE3 fingerprint of each file fieldbook wrote there. It is kept
/// in the [`MARKER`] file after every complete write, so a later build compares in memory instead of
/// reading the site back, and `serve` keeps it between rebuilds.
#[derive(Debug, Default)]
pub struct Written(BTreeMap<String, Entry>);

/// A written file's fingerprint and length (the length catches most edits made by hand).
type Entry = ([u8; 32], u64);

const MARKER_HEADER: &str =
    "This folder is written by fieldbook and updated on every build; the lines below list its files.\n";

impl Written {
    /// Reads the manifest saved in `out`'s marker; `None` when there is none (older output, or a
    /// write that was interrupted).
    fn load(out: &Path) -> Option<Written> {
        let text = fs::read_to_string(out.join(MARKER)).ok()?;
        let body = text.strip_prefix(MARKER_HEADER)?;
        let mut map = BTreeMap::new();
        for line in body.lines() {
            let (hex, rest) = line.split_once(' ')?;
            let (len, path) = rest.split_once(' ')?;
            map.insert(path.to_string(), (parse_hex(hex)?, len.parse().ok()?));
        }
        Some(Written(map))
    }

    fn save(&self, out: &Path) -> io::Result<()> {
        let mut text = String::from(MARKER_HEADER);
        for (path, (hash, len)) in &self.0 {
            for b in hash {
                text.push_str(&format!("{b:02x}"));
            }
            text.push_str(&format!(" {len} "));
            text.push_str(path);
            text.push('\n');
        }
        fs::write(out.join(MARKER), text)
    }
}

fn parse_hex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Makes `out` hold exactly `files` and nothing else, writing only the files whose bytes changed
/// and removing the ones no longer produced (with folders left empty). Refuses a non-empty folder
/// that is not fieldbook output. Used by `build`: every stage has already succeeded, so a bad
/// input never reaches this point and the previous output stays as it was.
///
/// While files are being written the marker holds no manifest, so a write cut short (disk full, a
/// kill) is detected by the next build, which then compares with the files on disk. Returns how
/// many files were written and removed.
pub fn write_site(out: &Path, files: &[OutputFile]) -> io::Result<(usize, usize)> {
    sync(out, files, &mut Written::default(), false)
}

/// Like [`write_site`] for `serve`: `written` is what the previous rebuild of the session wrote (empty
/// at first, then the manifest on disk is used), and each file is written to a temporary name and
/// renamed, so the server never sends a half-written file.
pub fn write_changed(
    out: &Path,
    files: &[OutputFile],
    written: &mut Written,
) -> io::Result<(usize, usize)> {
    sync(out, files, written, true)
}

/// Writes `files` alone (each to a temporary name, then renamed) into a folder kept by
/// [`write_changed`], leaving every other file as it is, and records them in `written`. Returns how
/// many files had new bytes. Used by `serve` to show an edited page before the full rebuild.
pub fn write_some(out: &Path, files: &[OutputFile], written: &mut Written) -> io::Result<usize> {
    check_paths(files)?;
    let mut count = 0;
    for f in files {
        let entry = entry_of(f);
        if written.0.get(&f.path) == Some(&entry) {
            continue;
        }
        write_file(out, f, true)?;
        written.0.insert(f.path.clone(), entry);
        count += 1;
    }
    Ok(count)
}

/// Refuses any path that would leave the output folder or overwrite the marker.
fn check_paths(files: &[OutputFile]) -> io::Result<()> {
    match files
        .iter()
        .find(|f| !is_safe_relative(&f.path) || f.path == MARKER)
    {
        Some(f) => Err(invalid(format!(
            "refusing to write {:?}: it would leave the output folder",
            f.path
        ))),
        None => Ok(()),
    }
}

fn entry_of(f: &OutputFile) -> Entry {
    (*blake3::hash(&f.bytes).as_bytes(), f.bytes.len() as u64)
}

/// Writes one file, creating its folders; with `rename`, through a temporary name so a reader never
/// sees it half-written.
fn write_file(out: &Path, f: &OutputFile, rename: bool) -> io::Result<()> {
    let path = out.join(&f.path);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p)?;
    }
    if rename {
        let tmp = temporary_name(&path);
        fs::write(&tmp, &f.bytes)?;
        fs::rename(&tmp, &path)
    } else {
        fs::write(&path, &f.bytes)
    }
}

fn temporary_name(path: &Path) -> std::path::PathBuf {
    path.with_file_name(format!(
        ".{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ))
}

fn sync(
    out: &Path,
    files: &[OutputFile],
    written: &mut Written,
    rename_each: bool,
) -> io::Result<(usize, usize)> {
    use rayon::prelude::*;
    check_paths(files)?;
    let exists = out.exists();
    if exists {
        let is_ours = out.join(MARKER).exists() || fs::read_dir(out)?.next().is_none();
        if !is_ours {
            return Err(invalid(format!(
                "{} exists and is not fieldbook output (no {MARKER} file); refusing to replace it; choose another --out folder or empty it",
                out.display()
            )));
        }
    }
    let hashes: Vec<Entry> = files.par_iter().map(entry_of).collect();
    // What is on disk now: from memory in a serve session, else the saved manifest checked against
    // a listing of the folder, else the files themselves.
    let mut before: BTreeMap<String, Entry> = if !written.0.is_empty() {
        std::mem::take(&mut written.0)
    } else if !exists {
        BTreeMap::new()
    } else {
        let on_disk = list_files(out);
        match Written::load(out) {
            Some(manifest) => on_disk
                .into_iter()
                .map(|(p, len)| {
                    let entry = manifest
                        .0
                        .get(&p)
                        .copied()
                        .filter(|e| e.1 == len)
                        .unwrap_or(([0; 32], len));
                    (p, entry)
                })
                .collect(),
            None => on_disk
                .into_par_iter()
                .map(|(p, len)| {
                    let hash = fs::read(out.join(&p))
                        .map(|b| *blake3::hash(&b).as_bytes())
                        .unwrap_or([0; 32]);
                    (p, (hash, len))
                })
                .collect(),
        }
    };
    before.remove(MARKER);
    let changed: Vec<&OutputFile> = files
        .iter()
        .zip(&hashes)
        .filter(|(f, h)| before.get(&f.path) != Some(*h))
        .map(|(f, _)| f)
        .collect();
    let produced: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let stale: Vec<String> = before
        .into_keys()
        .filter(|p| !produced.contains(p.as_str()))
        .collect();
    fs::create_dir_all(out)?;
    if !changed.is_empty() || !stale.is_empty() || !out.join(MARKER).exists() {
        // No manifest while the folder is between two states.
        fs::write(out.join(MARKER), "This folder is written by fieldbook.\n")?;
    }
    changed
        .par_iter()
        .try_for_each(|f| write_file(out, f, rename_each))?;
    for p in &stale {
        let path = out.join(p);
        let _ = fs::remove_file(&path);
        // Remove the folders this leaves empty (remove_dir fails on a non-empty one).
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == out || fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    written.0 = files.iter().map(|f| f.path.clone()).zip(hashes).collect();
    written.save(out)?;
    Ok((changed.len(), stale.len()))
}

/// Every file under `out`, as `/`-separated relative paths, with its length.
fn list_files(out: &Path) -> Vec<(String, u64)> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some((rel, e.metadata().ok()?.len()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths_are_refused() {
        assert!(is_safe_relative("a/b/index.html"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/passwd"));
        assert!(!is_safe_relative("a/../../x"));
    }

    #[test]
    fn refuses_to_replace_a_foreign_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("precious.txt"), "keep").unwrap();
        let files = vec![OutputFile {
            path: "index.html".into(),
            bytes: b"x".to_vec(),
        }];
        assert!(write_site(&out, &files).is_err());
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn write_replaces_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[OutputFile {
                path: "a.html".into(),
                bytes: b"1".to_vec(),
            }],
        )
        .unwrap();
        write_site(
            &out,
            &[OutputFile {
                path: "b.html".into(),
                bytes: b"2".to_vec(),
            }],
        )
        .unwrap();
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"2");
        let mut written = Written::default();
        let b = |bytes: &[u8]| {
            vec![OutputFile {
                path: "b.html".into(),
                bytes: bytes.to_vec(),
            }]
        };
        // The first call compares with the disk, later ones with what was written.
        assert_eq!(write_changed(&out, &b(b"2"), &mut written).unwrap(), (0, 0));
        assert_eq!(write_changed(&out, &b(b"2"), &mut written).unwrap(), (0, 0));
        assert_eq!(write_changed(&out, &b(b"3"), &mut written).unwrap(), (1, 0));
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"3");
        assert_eq!(write_changed(&out, &[], &mut written).unwrap(), (0, 1));
        assert!(!out.join("b.html").exists());
    }

    fn file(path: &str, bytes: &[u8]) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn a_rebuild_writes_only_what_changed_and_removes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = [file("a/index.html", b"a"), file("b/c/index.html", b"bc")];
        assert_eq!(write_site(&out, &site).unwrap(), (2, 0));
        assert_eq!(write_site(&out, &site).unwrap(), (0, 0));
        // A file added or edited by hand is brought back to the site's content.
        fs::write(out.join("stray.txt"), "x").unwrap();
        fs::write(out.join("a/index.html"), "edited").unwrap();
        assert_eq!(write_site(&out, &site).unwrap(), (1, 1));
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"a");
        assert!(!out.join("stray.txt").exists());
        // A page no longer produced goes, with the folders it leaves empty.
        assert_eq!(write_site(&out, &site[..1]).unwrap(), (0, 1));
        assert!(!out.join("b").exists());
        assert!(out.join(MARKER).exists());
    }

    #[test]
    fn an_interrupted_write_is_repaired_by_comparing_with_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let site = [file("a.html", b"one"), file("b.html", b"two")];
        write_site(&out, &site).unwrap();
        // As left by a write cut short: no manifest, one file half-written (same length).
        fs::write(out.join(MARKER), "This folder is written by fieldbook.\n").unwrap();
        fs::write(out.join("b.html"), "tw").unwrap();
        assert_eq!(write_site(&out, &site).unwrap(), (1, 0));
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"two");
        assert_eq!(write_site(&out, &site).unwrap(), (0, 0));
    }

    #[test]
    fn the_marker_cannot_be_overwritten_by_a_page() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_site(dir.path(), &[file(MARKER, b"x")]).is_err());
    }
}
