//! Write: the single path by which files leave fieldbook.
//!
//! HTML is minified with minify-html (settings that keep the output valid HTML). A build writes the
//! whole site into a fresh sibling folder and swaps it in with renames only when every file was
//! written, so a failed build leaves the previous output untouched. `serve` instead updates the live
//! folder in place, rewriting only files whose bytes changed.

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

/// Writes `files` as the complete content of `out`, atomically: into a sibling temporary folder first,
/// then swapped in by renames. Refuses to replace a non-empty folder that is not fieldbook output.
pub fn write_atomic(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    for f in files {
        if !is_safe_relative(&f.path) {
            return Err(invalid(format!(
                "refusing to write {:?}: it would leave the output folder",
                f.path
            )));
        }
    }
    if out.exists() {
        let is_ours = out.join(MARKER).exists() || fs::read_dir(out)?.next().is_none();
        if !is_ours {
            return Err(invalid(format!(
                "{} exists and is not fieldbook output (no {MARKER} file); refusing to replace it; choose another --out folder or empty it",
                out.display()
            )));
        }
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let result = (|| {
        fs::create_dir_all(&tmp)?;
        write_tree(&tmp, files)?;
        fs::write(
            tmp.join(MARKER),
            "This folder is written by fieldbook and replaced on every build.\n",
        )?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if out.exists() {
        fs::rename(out, &old)?;
    }
    if let Err(e) = fs::rename(&tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(e);
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

fn write_tree(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    for f in files {
        let path = dir.join(&f.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(&path, &f.bytes)?;
    }
    Ok(())
}

/// What `serve` last wrote into its folder: a fingerprint of each file's bytes, so that a rebuild
/// compares in memory instead of reading the whole site back from disk.
#[derive(Debug, Default)]
pub struct Written(BTreeMap<String, [u8; 32]>);

/// Updates `out` in place to hold exactly `files`: writes only files whose bytes changed, removes
/// files no longer produced. `written` remembers what was written; while it is empty (the first
/// build of a serve session) the folder on disk is compared instead. Returns how many files were
/// written and removed. Used by `serve`.
pub fn write_changed(
    out: &Path,
    files: &[OutputFile],
    written: &mut Written,
) -> io::Result<(usize, usize)> {
    use rayon::prelude::*;
    for f in files {
        if !is_safe_relative(&f.path) {
            return Err(invalid(format!(
                "refusing to write {:?}: it would leave the output folder",
                f.path
            )));
        }
    }
    let hashes: Vec<[u8; 32]> = files
        .par_iter()
        .map(|f| *blake3::hash(&f.bytes).as_bytes())
        .collect();
    if !out.exists() {
        write_atomic(out, files)?;
        written.0 = files.iter().map(|f| f.path.clone()).zip(hashes).collect();
        return Ok((files.len(), 0));
    }
    let first = written.0.is_empty();
    let mut stale: BTreeMap<String, [u8; 32]> = if first {
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
                let bytes = fs::read(e.path()).ok()?;
                Some((rel, *blake3::hash(&bytes).as_bytes()))
            })
            .collect()
    } else {
        std::mem::take(&mut written.0)
    };
    let mut count = 0;
    for (f, hash) in files.iter().zip(hashes) {
        let same = stale.remove(&f.path) == Some(hash);
        written.0.insert(f.path.clone(), hash);
        if same {
            continue;
        }
        let path = out.join(&f.path);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        // Write then rename, so the server never sends a half-written file.
        let tmp = path.with_file_name(format!(
            ".{}.tmp",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        fs::write(&tmp, &f.bytes)?;
        fs::rename(&tmp, &path)?;
        count += 1;
    }
    stale.remove(MARKER);
    let removed = stale.len();
    for p in stale.keys() {
        let _ = fs::remove_file(out.join(p));
    }
    Ok((count, removed))
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
        assert!(write_atomic(&out, &files).is_err());
        assert_eq!(
            fs::read_to_string(out.join("precious.txt")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn atomic_write_replaces_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(
            &out,
            &[OutputFile {
                path: "a.html".into(),
                bytes: b"1".to_vec(),
            }],
        )
        .unwrap();
        write_atomic(
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
}
