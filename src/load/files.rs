//! The files walk: every content file under `content/`, read as UTF-8 text, sorted by path.
//!
//! `content/datasets/` holds YAML files and CSV files (each beside its YAML sidecar). A file in an
//! unknown folder or with the wrong extension is skipped with a warning; one that
//! cannot be read, is not UTF-8 or holds a control character is an error at its position.

use std::path::{Path, PathBuf};

use crate::diag::{line_col, Diagnostic};

/// A content file read from disk: its path relative to the root and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators.
    pub path: PathBuf,
    /// UTF-8 text.
    pub text: String,
}

/// The folders of `content/` and the extensions of the files each holds (`.yml` reads as `.yaml`).
const FOLDERS: &[(&str, &[&str])] = &[
    ("pages", &["md"]),
    ("datasets", &["yaml", "csv"]),
    ("charts", &["yaml"]),
    ("entities", &["yaml"]),
    ("events", &["yaml"]),
    ("sources", &["yaml"]),
    ("figures", &["yaml"]),
    ("corrections", &["yaml"]),
];

/// Reads every content file under `root/content`, sorted by path. Files that cannot be read, are not
/// UTF-8 or sit in an unknown place become diagnostics.
pub fn read_content(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let content = root.join("content");
    if !content.is_dir() {
        problems.push(
            Diagnostic::error("content", 0, 0, "there is no content/ folder")
                .with_hint("create content/pages/ with a Markdown page, or pass --root DIR"),
        );
        return (files, problems);
    }
    let walker = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .follow_links(false);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                problems.push(Diagnostic::error(path, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue; // editor swap and backup files
        }
        if let Some(warning) = misplaced(&rel, entry.path()) {
            problems.push(warning);
            continue;
        }
        match read_text(entry.path(), rel) {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// A warning when a file is not in a content folder or lacks that folder's extension (`rel` is
/// relative to the root, `path` the file on disk); `None` for a file to read.
fn misplaced(rel: &Path, path: &Path) -> Option<Diagnostic> {
    let folder = rel
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = if ext == "yml" {
        "yaml".to_string()
    } else {
        ext
    };
    let known = FOLDERS.iter().find(|(f, _)| Some(*f) == folder.as_deref());
    match known {
        Some((_, wanted)) if wanted.contains(&ext.as_str()) => None,
        Some((f, wanted)) => {
            let wanted = wanted.join(" or .");
            Some(
                Diagnostic::warning(
                    rel,
                    0,
                    0,
                    format!("ignored: content/{f}/ holds .{wanted} files"),
                )
                .with_hint(format!(
                    "rename the file to end in .{wanted}, or move it out of content/"
                )),
            )
        }
        None => {
            let names: Vec<&str> = FOLDERS.iter().map(|(f, _)| *f).collect();
            Some(
                Diagnostic::warning(rel, 0, 0, "ignored: not in a known content folder")
                    .with_hint(format!("content/ has the folders {}", names.join(", "))),
            )
        }
    }
}

/// Reads one content file as text with line breaks normalized; an unreadable file, one that is not
/// UTF-8 and one holding a control character are errors located in it.
fn read_text(path: &Path, rel: PathBuf) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(&rel, 0, 0, format!("cannot read: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = crate::diag::normalize_line_breaks(text);
            match crate::diag::control_character(&text) {
                Some(d) => Err(d.relocated(&rel)),
                None => Ok(SourceFile { path: rel, text }),
            }
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, col) = line_col(&String::from_utf8_lossy(&bytes[..valid]), valid);
            Err(
                Diagnostic::error(&rel, line, col, "the file is not valid UTF-8")
                    .with_hint("save the file as UTF-8 (most editors: 'Save with encoding')"),
            )
        }
    }
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    PathBuf::from(rel.to_string_lossy().replace('\\', "/"))
}
