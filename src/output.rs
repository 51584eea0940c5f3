//! Write: the single path by which files leave fieldbook.
//!
//! HTML is minified with minify-html (settings that keep the output valid HTML). A build writes the
//! whole site into a fresh sibling folder and swaps it in with renames only when every file was
//! written, so a failed build leaves the previous output untouched. `serve` instead updates the live
//! folder in place, rewriting only files whose bytes changed.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

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

/// Updates `out` in place to hold exactly `files`: writes only files whose bytes changed, removes files
/// no longer produced. Returns how many files were written and removed. Used by `serve`.
pub fn write_changed(out: &Path, files: &[OutputFile]) -> io::Result<(usize, usize)> {
    if !out.exists() {
        write_atomic(out, files)?;
        return Ok((files.len(), 0));
    }
    let mut existing: BTreeMap<PathBuf, ()> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_file() {
            existing.insert(
                entry
                    .path()
                    .strip_prefix(out)
                    .unwrap_or(entry.path())
                    .to_path_buf(),
                (),
            );
        }
    }
    let mut written = 0;
    for f in files {
        if !is_safe_relative(&f.path) {
            return Err(invalid(format!(
                "refusing to write {:?}: it would leave the output folder",
                f.path
            )));
        }
        existing.remove(Path::new(&f.path));
        let path = out.join(&f.path);
        if fs::read(&path).ok().as_deref() == Some(&f.bytes[..]) {
            continue;
        }
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
        written += 1;
    }
    existing.remove(Path::new(MARKER));
    let removed = existing.len();
    for (p, ()) in existing {
        let _ = fs::remove_file(out.join(p));
    }
    Ok((written, removed))
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
        let (w, r) = write_changed(
            &out,
            &[OutputFile {
                path: "b.html".into(),
                bytes: b"2".to_vec(),
            }],
        )
        .unwrap();
        assert_eq!((w, r), (0, 0));
    }
}
