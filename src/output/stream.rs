//! Streaming writes: files are handed over one at a time while the site renders, each written to a
//! staging folder inside the output folder (unless the folder already holds its bytes) and then
//! dropped from memory; [`Stream::commit`] moves them into place under the write rules of the
//! parent module. A stream dropped without a commit (a later stage failed) removes its staging
//! folder and leaves the output exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use super::*;

/// The staging folder inside the output folder; never part of the site.
pub const STAGING: &str = ".fieldbook-staging";

/// What became of one handed-over file.
struct Slot {
    entry: Entry,
    /// Its name in the staging folder, when the output does not hold its bytes yet.
    staged: Option<PathBuf>,
}

/// An open write into one output folder (locked until the stream is committed or dropped).
pub struct Stream {
    out: PathBuf,
    staging: PathBuf,
    created_out: bool,
    _lock: Lock,
    /// What the manifest (or the session) says is on disk, trusted as [`is_current`] allows.
    known: BTreeMap<String, Entry>,
    /// Every file the previous write produced or may have touched.
    previous: BTreeSet<String>,
    was_complete: bool,
    since: Option<SystemTime>,
    slots: Mutex<BTreeMap<String, Slot>>,
    next: AtomicUsize,
}

impl Stream {
    /// Opens `out` for a write (created when missing). `written` is what this session wrote
    /// last (`serve`), trusted without looking at the disk; empty means: read the manifest.
    /// Refuses a non-empty folder that is not fieldbook output.
    pub fn open(out: &Path, written: Written) -> io::Result<Stream> {
        let created_out = match fs::symlink_metadata(out) {
            Ok(m) if !m.is_dir() && !out.is_dir() => {
                return Err(invalid(format!("{} is not a folder", out.display())))
            }
            Ok(_) => false,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(out)?;
                true
            }
            Err(e) => return Err(e),
        };
        let lock = lock(out)?;
        let manifest = if written.0.is_empty() {
            Manifest::read(out)
        } else {
            Some(Manifest::Complete(written.0))
        };
        let (known, previous, was_complete) = match manifest {
            Some(Manifest::Complete(m)) => {
                let paths = m.keys().cloned().collect();
                (m, paths, true)
            }
            Some(Manifest::Pending(paths)) => (BTreeMap::new(), paths, false),
            Some(Manifest::Unknown) => (BTreeMap::new(), BTreeSet::new(), false),
            None if only_staging(out)? => (BTreeMap::new(), BTreeSet::new(), false),
            None => {
                return Err(invalid(format!(
                    "{} exists and is not fieldbook output (no {MARKER} file); refusing to write into it; choose another --out folder or empty it",
                    out.display()
                )))
            }
        };
        let staging = out.join(STAGING);
        remove_staging(&staging)?;
        fs::create_dir(&staging)?;
        Ok(Stream {
            out: out.to_path_buf(),
            since: fs::symlink_metadata(out.join(MARKER))
                .ok()
                .and_then(|m| mtime_of(&m)),
            staging,
            created_out,
            _lock: lock,
            known,
            previous,
            was_complete,
            slots: Mutex::new(BTreeMap::new()),
            next: AtomicUsize::new(0),
        })
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Takes one file of the site: stages its bytes unless the output already holds them. The
    /// bytes are not kept. Safe to call from many threads at once.
    pub fn put(&self, file: &OutputFile) -> io::Result<()> {
        check_paths(std::slice::from_ref(file))?;
        let entry = Entry {
            hash: *blake3::hash(&file.bytes).as_bytes(),
            len: file.bytes.len() as u64,
        };
        let known = self.known.get(&file.path);
        let staged = if is_current(&self.out, &file.path, &entry, known, self.since) {
            None
        } else {
            let name = self
                .staging
                .join(self.next.fetch_add(1, Ordering::Relaxed).to_string());
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&name)?;
            f.write_all(&file.bytes)?;
            Some(name)
        };
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.insert(file.path.clone(), Slot { entry, staged });
        Ok(())
    }

    /// The BLAKE3 fingerprint of every file handed over so far, by path.
    pub fn fingerprints(&self) -> BTreeMap<String, [u8; 32]> {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots
            .iter()
            .map(|(p, s)| (p.clone(), s.entry.hash))
            .collect()
    }

    /// Moves every staged file into place, removes the files of the previous write that the
    /// site no longer has, and records the manifest. Returns (written, removed) and what the
    /// folder now holds (for the next write of a `serve` session).
    pub fn commit(self) -> io::Result<(usize, usize, Written)> {
        use rayon::prelude::*;
        let slots = std::mem::take(&mut *self.slots.lock().unwrap_or_else(|p| p.into_inner()));
        let stale: Vec<&String> = self
            .previous
            .iter()
            .filter(|p| !slots.contains_key(*p) && is_ours(p))
            .collect();
        let staged: Vec<(&String, &PathBuf)> = slots
            .iter()
            .filter_map(|(path, s)| s.staged.as_ref().map(|n| (path, n)))
            .collect();
        if !staged.is_empty() || !stale.is_empty() {
            // Before the first change: every file this write may touch, so a cut-short write is
            // finished by the next build and nothing outside the list is ever removed.
            save_marker(
                &self.out,
                &pending_text(self.previous.iter().chain(slots.keys())),
            )?;
        }
        staged
            .par_iter()
            .try_for_each(|(rel, name)| move_into_place(&self.out, rel, name))?;
        let changed = staged.len();
        let mut removed = 0;
        for p in stale {
            removed += usize::from(remove_stale(&self.out, p)?);
        }
        let written: BTreeMap<String, Entry> =
            slots.iter().map(|(p, s)| (p.clone(), s.entry)).collect();
        // An unchanged folder whose manifest already says so is left as it is (no write at all).
        if changed > 0 || removed > 0 || !self.was_complete || written != self.known {
            save_marker(&self.out, &complete_text(&written))?;
        }
        Ok((changed, removed, Written(written)))
    }
}

impl Drop for Stream {
    /// Removes the staging folder (all of it was moved into place after a commit), and the
    /// output folder too when this stream created it and nothing was committed into it.
    fn drop(&mut self) {
        let _ = remove_staging(&self.staging);
        if self.created_out {
            let _ = fs::remove_dir(&self.out);
        }
    }
}

/// Whether a manifest path may be removed as stale: inside the folder, not fieldbook's own.
fn is_ours(path: &str) -> bool {
    is_safe_relative(path) && path != MARKER && !path.starts_with(STAGING)
}

/// Whether `out` is empty but for a staging folder a killed write left.
fn only_staging(out: &Path) -> io::Result<bool> {
    for entry in fs::read_dir(out)? {
        if entry?.file_name() != STAGING {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Removes a staging folder (a symlink in its place is removed, never followed).
fn remove_staging(staging: &Path) -> io::Result<()> {
    match fs::symlink_metadata(staging) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(staging),
        Ok(_) => fs::remove_file(staging),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Renames a staged file over `rel` (its folders created, never through a symlink), removing the
/// temporary file a killed earlier write may have left beside it.
fn move_into_place(out: &Path, rel: &str, staged: &Path) -> io::Result<()> {
    let path = safe_parent(out, rel)?;
    remove_if_present(&temporary_name(&path))?;
    fs::rename(staged, &path)
}
