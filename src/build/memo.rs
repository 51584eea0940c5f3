//! Memo: what makes `serve`'s rebuilds incremental without ever serving a stale page.
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
//! A full `build` uses [`Memo::off`], which stores nothing and skips the fingerprinting. It may
//! still name the previous output folder ([`Memo::with_previous_output`]): chart PNGs record the
//! fingerprint of the SVG they were drawn from, and one whose fingerprint still matches is reused
//! from there instead of being rasterized again (see `chart::png`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::fingerprint::Fingerprint;
use crate::model::Kind;

/// A cached value, the fingerprint it was made from, and whether this build used it.
struct Entry<V> {
    key: Fingerprint,
    check: Fingerprint,
    value: V,
    used: bool,
}

/// One table of the memo: values by name, each valid for one fingerprint.
struct Table<V>(Mutex<HashMap<String, Entry<V>>>);

impl<V: Clone> Table<V> {
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

/// Counts of reused and recomputed units in the last build.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Units taken from the memo.
    pub reused: usize,
    /// Units computed.
    pub computed: usize,
}

/// The memo of one `serve` session (or a disabled one, for full builds).
pub struct Memo {
    enabled: bool,
    charts: Table<crate::render::chart::ChartOut>,
    markdown: Table<crate::render::markdown::Rendered>,
    files: Table<Vec<u8>>,
    search: Table<Vec<crate::output::OutputFile>>,
    previous_output: Option<std::path::PathBuf>,
    reused: AtomicUsize,
    computed: AtomicUsize,
}

impl Memo {
    /// A memo that remembers units between builds.
    pub fn new() -> Memo {
        Memo {
            enabled: true,
            charts: Table::new(),
            markdown: Table::new(),
            files: Table::new(),
            search: Table::new(),
            previous_output: None,
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

    /// Lets PNGs be reused from `out`, the folder the last build wrote, when it is fieldbook output.
    pub fn with_previous_output(mut self, out: &std::path::Path) -> Memo {
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

    fn get_or<V: Clone, E>(
        &self,
        table: &Table<V>,
        name: &str,
        key: impl FnOnce() -> Fingerprint,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        if !self.enabled {
            return compute();
        }
        let key = key();
        if let Some(e) = table.lock().get_mut(name) {
            if e.key == key {
                e.used = true;
                self.count(true);
                return Ok(e.value.clone());
            }
        }
        self.count(false);
        let value = compute()?;
        table.lock().insert(
            name.to_string(),
            Entry {
                key,
                check: [0; 32],
                value: value.clone(),
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
        draw: impl FnOnce() -> Result<crate::render::chart::ChartOut, String>,
    ) -> Result<crate::render::chart::ChartOut, String> {
        self.get_or(&self.charts, id, key, draw)
    }

    /// An output file's bytes, rendered only when `key()` differs from last time.
    pub fn file<E>(
        &self,
        path: &str,
        key: impl FnOnce() -> Fingerprint,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        self.get_or(&self.files, path, key, render)
    }

    /// The files of search shard `shard`, rebuilt only when `key()` differs from last time.
    pub fn search(
        &self,
        shard: usize,
        key: impl FnOnce() -> Fingerprint,
        build: impl FnOnce() -> Result<Vec<crate::output::OutputFile>, String>,
    ) -> Result<Vec<crate::output::OutputFile>, String> {
        self.get_or(&self.search, &shard.to_string(), key, build)
    }

    /// A Markdown text rendered, or reused when its `input` is unchanged and `dependencies` (the
    /// fingerprint of what the earlier rendering recorded it read) still gives the same digest.
    /// Results with diagnostics are never kept.
    pub fn markdown(
        &self,
        key: &(Kind, String),
        input: impl FnOnce() -> Fingerprint,
        dependencies: impl Fn(&crate::render::markdown::Rendered) -> Fingerprint,
        render: impl FnOnce() -> crate::render::markdown::Rendered,
    ) -> crate::render::markdown::Rendered {
        if !self.enabled {
            return render();
        }
        let name = format!("{}/{}", key.0.ref_name(), key.1);
        let input = input();
        if let Some(e) = self.markdown.lock().get_mut(&name) {
            if e.key == input && dependencies(&e.value) == e.check {
                e.used = true;
                self.count(true);
                return e.value.clone();
            }
        }
        self.count(false);
        let rendered = render();
        if rendered.diagnostics.is_empty() {
            let check = dependencies(&rendered);
            self.markdown.lock().insert(
                name,
                Entry {
                    key: input,
                    check,
                    value: rendered.clone(),
                    used: true,
                },
            );
        }
        rendered
    }
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
