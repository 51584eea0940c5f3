//! Write: the single path by which files leave fieldbook.
//!
//! HTML is minified with minify-html (settings that keep the output valid HTML) when the build asks
//! for it (`--minify`, or `minify-html = true` in book.toml; off by default). Nothing is written
//! until every stage has succeeded, so bad input never touches the last good output. Then the
//! output folder is brought up to date in place, under these rules:
//!
//! - **Only fieldbook's own files are touched.** The manifest in the [`MARKER`] file lists what
//!   fieldbook wrote; a file the site no longer produces is removed only if the manifest lists it.
//!   Anything else in the folder (a deploy checkout's `.git/`, `CNAME`, `.nojekyll`, a search
//!   console's verification file) is left alone.
//! - **Each file is whole.** A file is written to a temporary name in its own folder and renamed
//!   over the old one, so after any failure (disk full, a kill) every file is either the old
//!   version or the new one. Before the first change the marker lists every file the write may
//!   touch, marked pending; the next build then checks each of them against the disk instead of
//!   trusting the manifest, and finishes the job.
//! - **No symlink is followed.** Every folder between the output folder and a file must be a real
//!   folder; a symlink there fails the write. A symlink where a file goes is replaced, not written
//!   through.
//! - **One writer at a time.** The output folder is locked while it is written; a second build into
//!   the same folder waits for the first.
//!
//! Creating files is the costly part on most file systems; an unchanged rebuild writes none.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// The marker file that tells fieldbook a folder is its own output, and holds the manifest.
pub const MARKER: &str = ".fieldbook-output";

/// The suffix of the temporary name a file is written under before it is renamed into place.
const TEMP_SUFFIX: &str = ".fieldbook-tmp";

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

/// Checks that `path`, `/`-separated, stays inside the folder it is relative to (the output
/// folder, or the site folder for a setting that names a file).
pub fn is_safe_relative(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && !path.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// The site folders an output folder must never be inside: a build would copy its own output
/// into itself (`static/`), or a rebuild would read what it wrote.
pub const SOURCE_DIRS: &[&str] = &["content", "templates", "static"];

/// Refuses an output folder that holds the site root or lies inside one of its source folders.
/// `root` and `out` are compared as absolute paths, canonical where they exist.
pub fn check_location(root: &Path, out: &Path) -> Result<(), String> {
    let absolute = |p: &Path| -> PathBuf {
        if let Ok(c) = fs::canonicalize(p) {
            return c;
        }
        // A folder not yet created: its nearest existing ancestor, canonical, plus the rest.
        let base = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let mut existing = base.as_path();
        let mut rest = Vec::new();
        while let (Err(_), Some(parent)) = (fs::canonicalize(existing), existing.parent()) {
            rest.push(existing.file_name().map(PathBuf::from).unwrap_or_default());
            existing = parent;
        }
        let mut out = fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
        for part in rest.into_iter().rev() {
            match part.to_str() {
                Some("..") => {
                    out.pop();
                }
                Some(".") => {}
                _ => out.push(part),
            }
        }
        out
    };
    let (root, out) = (absolute(root), absolute(out));
    if root.starts_with(&out) {
        return Err(format!(
            "the output folder {} holds the site itself; choose another --out folder",
            out.display()
        ));
    }
    if let Some(dir) = SOURCE_DIRS.iter().find(|d| out.starts_with(root.join(d))) {
        return Err(format!(
            "the output folder {} is inside the site's {dir}/ folder, so every build would copy its output into itself; choose another --out folder",
            out.display()
        ));
    }
    Ok(())
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// What the output folder holds: for each file fieldbook wrote there, its fingerprint and length.
/// It is kept in the [`MARKER`] file after every complete write, so a later build compares in
/// memory, and `serve` keeps it between rebuilds. A file whose length differs, or that was modified
/// after the marker (an edit by hand), is read back and compared.
#[derive(Debug, Default)]
pub struct Written(BTreeMap<String, Entry>);

/// A written file: BLAKE3 fingerprint and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    hash: [u8; 32],
    len: u64,
}

/// What the marker says about the folder.
enum Manifest {
    /// A complete write: what is on disk, as written.
    Complete(BTreeMap<String, Entry>),
    /// A write that did not finish: every file it may have touched (none of them trusted).
    Pending(BTreeSet<String>),
    /// A marker without a manifest (older versions, serve's first marker): the files are unknown.
    Unknown,
}

const COMPLETE_HEADER: &str =
    "This folder is written by fieldbook and updated on every build; the lines below list its files.\n";
const PENDING_HEADER: &str = "This folder is being written by fieldbook; the lines below list every file the write may touch.\n";

impl Manifest {
    fn read(out: &Path) -> Option<Manifest> {
        let text = read_regular(&out.join(MARKER)).ok()?;
        let text = String::from_utf8(text).ok()?;
        if let Some(body) = text.strip_prefix(PENDING_HEADER) {
            return Some(Manifest::Pending(
                body.lines().map(str::to_string).collect(),
            ));
        }
        let Some(body) = text.strip_prefix(COMPLETE_HEADER) else {
            return Some(Manifest::Unknown);
        };
        let parse = |line: &str| -> Option<(String, Entry)> {
            let mut parts = line.splitn(3, ' ');
            let hash = parse_hex(parts.next()?)?;
            let len = parts.next()?.parse().ok()?;
            let path = parts.next()?.to_string();
            Some((path, Entry { hash, len }))
        };
        Some(
            body.lines()
                .map(parse)
                .collect::<Option<BTreeMap<_, _>>>()
                .map_or(Manifest::Unknown, Manifest::Complete),
        )
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

/// Writes the marker through a temporary name, so it is always one whole manifest.
fn save_marker(out: &Path, text: &str) -> io::Result<()> {
    replace_file(out, MARKER, text.as_bytes()).map(|_| ())
}

fn complete_text(entries: &BTreeMap<String, Entry>) -> String {
    let mut text = String::from(COMPLETE_HEADER);
    for (path, e) in entries {
        text.push_str(&crate::fingerprint::hex(&e.hash));
        text.push_str(&format!(" {} {path}\n", e.len));
    }
    text
}

fn pending_text<'a>(paths: impl IntoIterator<Item = &'a String>) -> String {
    let mut text = String::from(PENDING_HEADER);
    for p in paths {
        text.push_str(p);
        text.push('\n');
    }
    text
}

/// Brings `out` up to date with `files` (the whole site, in memory): writes the files whose bytes
/// changed, removes the files of the previous write that the site no longer produces, and leaves
/// every other file alone. Refuses a non-empty folder that is not fieldbook output. `written` is
/// what the previous write of a `serve` session wrote (empty at first, then the manifest on disk
/// is used), trusted without looking at the disk. `build` streams through [`Stream`] instead.
/// Returns how many files were written and removed.
pub fn write_changed(
    out: &Path,
    files: &[OutputFile],
    written: &mut Written,
) -> io::Result<(usize, usize)> {
    use rayon::prelude::*;
    check_paths(files)?;
    let stream = Stream::open(out, std::mem::take(written))?;
    files.par_iter().try_for_each(|f| stream.put(f))?;
    let (changed, removed, now) = stream.commit()?;
    *written = now;
    Ok((changed, removed))
}

/// Writes `files` alone into a folder kept by [`write_changed`], leaving every other file as it
/// is, and records them in `written`. Returns how many files had new bytes. Used by `serve` to show
/// an edited page before the full rebuild.
pub fn write_some(out: &Path, files: &[OutputFile], written: &mut Written) -> io::Result<usize> {
    check_paths(files)?;
    let _lock = lock(out)?;
    let mut count = 0;
    for f in files {
        let hash = *blake3::hash(&f.bytes).as_bytes();
        if written.0.get(&f.path).is_some_and(|e| e.hash == hash) {
            continue;
        }
        let entry = replace_file(out, &f.path, &f.bytes)?;
        written.0.insert(f.path.clone(), entry);
        count += 1;
    }
    Ok(count)
}

/// Refuses any path that would leave the output folder or overwrite the marker.
fn check_paths(files: &[OutputFile]) -> io::Result<()> {
    let bad = |p: &str| {
        !is_safe_relative(p)
            || p == MARKER
            || p.ends_with(TEMP_SUFFIX)
            || p.split('/').next() == Some(STAGING)
    };
    match files.iter().find(|f| bad(&f.path)) {
        Some(f) => Err(invalid(format!(
            "refusing to write {:?}: it would leave the output folder or overwrite fieldbook's own files",
            f.path
        ))),
        None => Ok(()),
    }
}

/// Holds the output folder's lock (an exclusive `flock` on the folder) until dropped.
struct Lock(#[allow(dead_code)] Option<fs::File>);

/// Locks `out` against other fieldbook processes writing it; waits while another holds it.
fn lock(out: &Path) -> io::Result<Lock> {
    // Only a folder can be locked this way; where folders cannot be opened (Windows), go on unlocked.
    let Ok(dir) = fs::File::open(out) else {
        return Ok(Lock(None));
    };
    dir.lock()?;
    Ok(Lock(Some(dir)))
}

/// Makes sure every folder from `out` down to `rel`'s parent is a real folder (created when
/// missing), never a symlink. Returns the file's full path.
fn safe_parent(out: &Path, rel: &str) -> io::Result<PathBuf> {
    let mut dir = out.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(invalid(format!(
                    "refusing to write through {}: it is a symlink or a file, not a folder",
                    dir.display()
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    if !fs::symlink_metadata(&dir)?.is_dir() {
                        return Err(invalid(format!("{} is not a folder", dir.display())));
                    }
                }
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(out.join(rel))
}

fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{TEMP_SUFFIX}"))
}

/// Writes one file whole: to a temporary name beside it (created new, never through a symlink),
/// then renamed over the old file. Returns its manifest entry.
fn replace_file(out: &Path, rel: &str, bytes: &[u8]) -> io::Result<Entry> {
    write_whole_in(out, rel, |file| file.write_all(bytes))?;
    Ok(Entry {
        hash: *blake3::hash(bytes).as_bytes(),
        len: bytes.len() as u64,
    })
}

/// Writes the file `rel` under `base` whole, as `write` streams it: every folder on the way must
/// be a real one (created when missing, never a symlink); the bytes go to a temporary name
/// beside the file (created new, never through a symlink), which is then renamed over the old
/// file, or removed if anything failed. `output` writes the site with it; the build memo
/// (`build::memo`) its file in the site's cache folder.
pub fn write_whole_in(
    base: &Path,
    rel: &str,
    write: impl FnOnce(&mut fs::File) -> io::Result<()>,
) -> io::Result<()> {
    let path = safe_parent(base, rel)?;
    let tmp = temporary_name(&path);
    // A temporary file left by a write that was killed is removed first (never followed).
    remove_if_present(&tmp)?;
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        write(&mut file)?;
        drop(file);
        fs::rename(&tmp, &path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Removes the file (or symlink, never followed) at `path`, if there is one.
fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn mtime_of(meta: &fs::Metadata) -> Option<SystemTime> {
    meta.modified().ok()
}

/// Reads a file that must be a regular file (a symlink is never followed).
fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    if !fs::symlink_metadata(path)?.is_file() {
        return Err(invalid(format!("{} is not a regular file", path.display())));
    }
    fs::read(path)
}

/// Whether a produced file's path already holds `new` on disk. The manifest vouches for a file
/// only while its length matches and it was not modified after the marker was written (`since`);
/// otherwise the file is read back and compared.
fn is_current(
    out: &Path,
    rel: &str,
    new: &Entry,
    known: Option<&Entry>,
    since: Option<SystemTime>,
) -> bool {
    let path = out.join(rel);
    let Some(meta) = fs::symlink_metadata(&path)
        .ok()
        .filter(fs::Metadata::is_file)
    else {
        return false;
    };
    if meta.len() != new.len {
        return false;
    }
    let untouched = matches!((mtime_of(&meta), since), (Some(m), Some(s)) if m <= s);
    if untouched && known == Some(new) {
        return true;
    }
    read_regular(&path).is_ok_and(|bytes| *blake3::hash(&bytes).as_bytes() == new.hash)
}

/// Removes a file fieldbook wrote and no longer produces, and the folders that leaves empty;
/// a symlink or a folder at its path, or a symlink on the way to it, is left alone.
fn remove_stale(out: &Path, rel: &str) -> io::Result<bool> {
    let mut dir = out.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            _ => return Ok(false),
        }
    }
    let path = out.join(rel);
    let removed = match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => {
            fs::remove_file(&path)?;
            true
        }
        _ => false,
    };
    let _ = fs::remove_file(temporary_name(&path));
    let mut parent = path.parent();
    while let Some(d) = parent {
        if d == out || fs::remove_dir(d).is_err() {
            break;
        }
        parent = d.parent();
    }
    Ok(removed)
}

mod stream;

pub use stream::{Stream, STAGING};

#[cfg(test)]
mod tests;
