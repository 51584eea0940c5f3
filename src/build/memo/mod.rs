//! Memo: what makes rebuilds incremental (`serve`'s, and a `build` into the folder of the last
//! one) without ever producing a stale page.
//!
//! A rebuild runs the same pipeline as a full build, but each expensive unit of work is looked up
//! here first, under a fingerprint (BLAKE3) of everything that unit reads:
//!
//! | unit | fingerprint of its inputs |
//! | --- | --- |
//! | a chart (SVG ×3, PNG) | the chart spec, its dataset, its source line |
//! | a Markdown text | the text, its file, the flags, the config; then, checked on reuse, each dependency it recorded while rendering: the index entry of every item it linked or cited, and the rendered chart / dataset / key figure and the embed template of every item it may embed |
//! | an HTML file | its template with every template that one extends, includes or imports, and the whole template context |
//! | a search shard | its search records and the language |
//!
//! Because a unit's key covers all it reads (templates see nothing but their context; Markdown
//! reads the index only through the references it records), the dependency graph is the set of
//! recorded dependencies and no special case decides what to re-render: a page edit re-renders
//! that page and every page whose context changed with it (backlinks, indexes, neighbours); a
//! dataset edit re-draws its chart and re-renders the pages embedding it; a template edit
//! re-renders the pages using it. `tests/incremental.rs` checks after random edit sequences that
//! the output is byte-identical to a fresh full build.
//!
//! `serve` keeps its memo in memory ([`Memo::new`], started from `build`'s by
//! [`Memo::for_serve`]); `build` loads the one the last build into the same folder saved and
//! saves it again ([`Memo::for_output`], `saved.rs`), keeping output files as receipts of that
//! folder. `check` and the tests' full builds use [`Memo::off`], which stores nothing and skips
//! the fingerprinting. Chart PNGs also record the fingerprint of the SVG they were drawn from,
//! and one in the previous output folder ([`Memo::with_previous_output`]) whose fingerprint still
//! matches is reused instead of being rasterized again (see `chart::png`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};

use crate::fingerprint::Fingerprint;
use crate::model::Kind;
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::markdown::Rendered;

mod saved;

/// A cached value, the fingerprint it was made from, and whether this build used it.
struct Entry<V> {
    key: Fingerprint,
    check: Fingerprint,
    value: V,
    used: bool,
}

/// One table of the memo: values by name, each valid for one fingerprint.
struct Table<V>(Mutex<HashMap<String, Entry<V>>>);

impl<V> Table<V> {
    fn new() -> Table<V> {
        Table(Mutex::new(HashMap::new()))
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry<V>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn sweep(&self) {
        let mut map = self.lock();
        map.retain(|_, e| std::mem::take(&mut e.used));
    }
}

/// Output bytes as the memo keeps them: in memory (`serve`, which writes from memory), or as a
/// receipt for the file the last build wrote (`build`, whose memo is saved): reused only while the
/// output folder still holds those very bytes.
#[derive(Clone, Serialize, Deserialize)]
enum Kept {
    /// The bytes.
    Bytes(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The BLAKE3 of the bytes written at the unit's path in the output folder.
    Receipt(Fingerprint),
    /// Handed to this build's output: its receipt is taken from the output when the memo is
    /// saved (the write fingerprints every file anyway). Never saved, never restored.
    Written,
}

/// A chart's drawings as the memo keeps them (its PNG as [`Kept`]).
#[derive(Clone, Serialize, Deserialize)]
struct Drawn {
    wide: String,
    medium: String,
    narrow: String,
    png: Kept,
}

/// Counts of reused and recomputed units in the last build.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Units taken from the memo.
    pub reused: usize,
    /// Units computed.
    pub computed: usize,
}

/// The memo of one `serve` session or of one output folder's builds (or a disabled one).
pub struct Memo {
    enabled: bool,
    /// Output bytes are kept as receipts and read back from `previous_output` (`build`).
    receipts: bool,
    charts: Table<Drawn>,
    markdown: Table<Rendered>,
    files: Table<Kept>,
    search: Table<Vec<(String, Kept)>>,
    previous_output: Option<PathBuf>,
    /// Where [`Memo::save`] writes (`build`'s memo).
    saved_at: Option<PathBuf>,
    reused: AtomicUsize,
    computed: AtomicUsize,
}

impl Memo {
    /// A memo that remembers units between builds, in memory.
    pub fn new() -> Memo {
        Memo {
            enabled: true,
            receipts: false,
            charts: Table::new(),
            markdown: Table::new(),
            files: Table::new(),
            search: Table::new(),
            previous_output: None,
            saved_at: None,
            reused: AtomicUsize::new(0),
            computed: AtomicUsize::new(0),
        }
    }

    /// A memo that remembers nothing (a full build).
    pub fn off() -> Memo {
        Memo {
            enabled: false,
            ..Memo::new()
        }
    }

    /// The memo `build` keeps for the output folder `out` of the site at `root`: what the last
    /// successful build into `out` saved (see [`Memo::save`]), or an empty one. Output files are
    /// remembered by receipt, and reused only while `out` still holds the bytes written.
    pub fn for_output(root: &Path, out: &Path) -> Memo {
        let memo = Memo::fresh_for_output(root, out);
        if let Some(path) = &memo.saved_at {
            saved::load(&memo, path);
        }
        memo
    }

    /// [`Memo::for_output`] without loading what was saved: every unit is computed again (and the
    /// memo saved as usual).
    pub fn fresh_for_output(root: &Path, out: &Path) -> Memo {
        Memo {
            receipts: true,
            saved_at: saved::location(root, out),
            ..Memo::new()
        }
        .with_previous_output(out)
    }

    /// The memo of a `serve` session writing into `out`, kept in memory, started from what
    /// `build` saved for `build_out` (the site's output folder): the session's first build reuses
    /// the Markdown texts and references of the last `build`, and the files `out` still holds as
    /// that build wrote them.
    pub fn for_serve(root: &Path, out: &Path, build_out: &Path) -> Memo {
        let memo = Memo::new().with_previous_output(out);
        if let Some(path) = saved::location(root, build_out) {
            saved::load(&memo, &path);
        }
        memo
    }

    /// Saves this memo where [`Memo::for_output`] finds it, after a successful build whose
    /// Markdown texts are `markdown` (the memo gave them away rather than hold them twice) and
    /// whose output files have the fingerprints `written`. Returns where, or nothing when this
    /// memo is not kept on disk.
    pub fn save(
        &self,
        markdown: &std::collections::BTreeMap<(Kind, String), Rendered>,
        written: &std::collections::BTreeMap<String, Fingerprint>,
    ) -> std::io::Result<Option<PathBuf>> {
        match &self.saved_at {
            Some(path) => saved::save(self, markdown, written, path).map(|()| Some(path.clone())),
            None => Ok(None),
        }
    }

    /// Lets PNGs be reused from `out`, the folder the last build wrote, when it is fieldbook output.
    pub fn with_previous_output(mut self, out: &Path) -> Memo {
        if out.join(crate::output::MARKER).is_file() {
            self.previous_output = Some(out.to_path_buf());
        }
        self
    }

    /// The bytes of `path` (an output path) in the previous output folder, if one was given and
    /// holds that file. A hint only: callers check what the file records before reusing it.
    pub fn previous_file(&self, path: &str) -> Option<Vec<u8>> {
        let dir = self.previous_output.as_ref()?;
        if !crate::output::is_safe_relative(path) {
            return None;
        }
        std::fs::read(dir.join(path)).ok()
    }

    /// Whether the memo stores anything (callers skip fingerprinting when not).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn count(&self, reused: bool) {
        let counter = if reused { &self.reused } else { &self.computed };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Starts a build: resets the counters.
    pub fn begin(&self) {
        self.reused.store(0, Ordering::Relaxed);
        self.computed.store(0, Ordering::Relaxed);
    }

    /// Ends a successful build: forgets every unit the build did not use (removed items, old
    /// versions), so the memo never grows past one site's worth.
    pub fn finish(&self) -> Stats {
        if self.enabled {
            self.charts.sweep();
            self.markdown.sweep();
            self.files.sweep();
            self.search.sweep();
        }
        Stats {
            reused: self.reused.load(Ordering::Relaxed),
            computed: self.computed.load(Ordering::Relaxed),
        }
    }

    /// `bytes` as this memo keeps them.
    fn keep(&self, bytes: &[u8]) -> Kept {
        match self.receipts {
            true => Kept::Written,
            false => Kept::Bytes(bytes.to_vec()),
        }
    }

    /// The bytes `kept` stands for at output path `path`: none when a receipt's file is gone from
    /// the output folder or no longer holds the bytes written (edited by hand).
    fn restore(&self, path: &str, kept: &Kept) -> Option<Vec<u8>> {
        match kept {
            Kept::Bytes(b) => Some(b.clone()),
            Kept::Receipt(hash) => self
                .previous_file(path)
                .filter(|b| blake3::hash(b).as_bytes() == hash),
            Kept::Written => None,
        }
    }

    /// The value of unit `name` when its key is `key()`: restored from the table while the key is
    /// unchanged (and `restore` can), else computed and kept.
    fn get_or<V, R, E>(
        &self,
        table: &Table<V>,
        name: &str,
        key: impl FnOnce() -> Fingerprint,
        compute: impl FnOnce() -> Result<R, E>,
        keep: impl FnOnce(&R) -> V,
        restore: impl FnOnce(&V) -> Option<R>,
    ) -> Result<R, E> {
        if !self.enabled {
            return compute();
        }
        let key = key();
        if let Some(e) = table.lock().get_mut(name) {
            if e.key == key {
                if let Some(value) = restore(&e.value) {
                    e.used = true;
                    self.count(true);
                    return Ok(value);
                }
            }
        }
        self.count(false);
        let value = compute()?;
        table.lock().insert(
            name.to_string(),
            Entry {
                key,
                check: [0; 32],
                value: keep(&value),
                used: true,
            },
        );
        Ok(value)
    }

    /// A chart's drawings, drawn only when `key()` differs from last time.
    pub fn chart(
        &self,
        id: &str,
        key: impl FnOnce() -> Fingerprint,
        draw: impl FnOnce() -> Result<ChartOut, String>,
    ) -> Result<ChartOut, String> {
        let png_path = crate::render::chart::png_path(id);
        let keep = |c: &ChartOut| Drawn {
            wide: c.wide.clone(),
            medium: c.medium.clone(),
            narrow: c.narrow.clone(),
            png: self.keep(&c.png),
        };
        let restore = |d: &Drawn| {
            Some(ChartOut {
                wide: d.wide.clone(),
                medium: d.medium.clone(),
                narrow: d.narrow.clone(),
                png: self.restore(&png_path, &d.png)?,
            })
        };
        self.get_or(&self.charts, id, key, draw, keep, restore)
    }

    /// An output file's bytes, rendered only when `key()` differs from last time.
    pub fn file<E>(
        &self,
        path: &str,
        key: impl FnOnce() -> Fingerprint,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        let keep = |b: &Vec<u8>| self.keep(b);
        let restore = |k: &Kept| self.restore(path, k);
        self.get_or(&self.files, path, key, render, keep, restore)
    }

    /// The files of search shard `shard`, rebuilt only when `key()` differs from last time.
    pub fn search(
        &self,
        shard: usize,
        key: impl FnOnce() -> Fingerprint,
        build: impl FnOnce() -> Result<Vec<OutputFile>, String>,
    ) -> Result<Vec<OutputFile>, String> {
        let keep = |files: &Vec<OutputFile>| {
            files
                .iter()
                .map(|f| (f.path.clone(), self.keep(&f.bytes)))
                .collect()
        };
        let restore = |kept: &Vec<(String, Kept)>| {
            kept.iter()
                .map(|(path, k)| {
                    Some(OutputFile {
                        path: path.clone(),
                        bytes: self.restore(path, k)?,
                    })
                })
                .collect()
        };
        self.get_or(&self.search, &shard.to_string(), key, build, keep, restore)
    }

    /// A Markdown text rendered, or reused when its `input` is unchanged and `dependencies` (the
    /// fingerprint of what the earlier rendering recorded it read) still gives the same digest.
    /// Results with diagnostics are never kept.
    pub fn markdown(
        &self,
        key: &(Kind, String),
        input: impl FnOnce() -> Fingerprint,
        dependencies: impl Fn(&Rendered) -> Fingerprint,
        render: impl FnOnce() -> Rendered,
    ) -> Rendered {
        if !self.enabled {
            return render();
        }
        let name = markdown_name(key);
        let input = input();
        if let Some(e) = self.markdown.lock().get_mut(&name) {
            if e.key == input && dependencies(&e.value) == e.check {
                e.used = true;
                self.count(true);
                // `build`'s memo is saved from the build's own texts (see `save`): not held twice.
                return match self.receipts {
                    true => std::mem::take(&mut e.value),
                    false => e.value.clone(),
                };
            }
        }
        self.count(false);
        let rendered = render();
        if rendered.diagnostics.is_empty() {
            let check = dependencies(&rendered);
            let value = match self.receipts {
                true => Rendered::default(),
                false => rendered.clone(),
            };
            self.markdown.lock().insert(
                name,
                Entry {
                    key: input,
                    check,
                    value,
                    used: true,
                },
            );
        }
        rendered
    }
}

/// The name of a Markdown text in the memo.
fn markdown_name(key: &(Kind, String)) -> String {
    format!("{}/{}", key.0.ref_name(), key.1)
}

impl Default for Memo {
    fn default() -> Memo {
        Memo::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_only_for_the_same_key_and_forgets_unused_units() {
        let memo = Memo::new();
        let mut calls = 0;
        let get = |key: u8, calls: &mut i32| {
            memo.file::<()>(
                "a.html",
                || [key; 32],
                || {
                    *calls += 1;
                    Ok(vec![key])
                },
            )
        };
        assert_eq!(get(1, &mut calls), Ok(vec![1]));
        assert_eq!(get(1, &mut calls), Ok(vec![1]));
        assert_eq!(calls, 1);
        assert_eq!(get(2, &mut calls), Ok(vec![2]));
        assert_eq!(calls, 2);
        memo.finish();
        memo.finish(); // a build that did not use a.html drops it
        assert_eq!(get(2, &mut calls), Ok(vec![2]));
        assert_eq!(calls, 3);
    }

    #[test]
    fn off_never_stores() {
        let memo = Memo::off();
        let mut calls = 0;
        for _ in 0..2 {
            let _ = memo.file::<()>(
                "a.html",
                || [0; 32],
                || {
                    calls += 1;
                    Ok(vec![])
                },
            );
        }
        assert_eq!(calls, 2);
    }
}
