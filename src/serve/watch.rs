//! The file watcher of `serve` (notify, debounced): which changes count (`book.toml` and the
//! watched source folders, never editor temporary files, reads or the output folder), and the
//! thread that turns each burst of changes into a preview and a rebuild.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_mini::{new_debouncer_opt, DebounceEventResult, Debouncer};

use super::rebuild::Shared;

/// How long file-system events are gathered before a rebuild starts. An editor's save (write, or
/// write to a temporary name and rename) arrives within a millisecond; a burst such as a `git
/// checkout` that straddles the window only causes a second, short rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// The folders under the site root whose changes trigger a rebuild (`book.toml` too).
pub(super) const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// Whether a changed path should trigger a rebuild: `book.toml` or anything under the watched
/// folders, except editor temporary files and the output folder itself.
pub(super) fn is_relevant(root: &Path, out: &Path, path: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with('#')
        || [".swp", ".swo", ".swx", ".tmp", ".kate-swp", ".crswap"]
            .iter()
            .any(|ext| name.ends_with(ext))
        || name == "4913"; // vim's write test
    if temporary {
        return false;
    }
    path == root.join("book.toml") || WATCHED_DIRS.iter().any(|d| path.starts_with(root.join(d)))
}

/// The platform's file watcher with read accesses left out: a build opens and reads every source file,
/// and those reads must not trigger the next build (the debouncer forgets what kind an event was).
pub(super) struct ChangeWatcher(notify::RecommendedWatcher);

impl notify::Watcher for ChangeWatcher {
    fn new<F: notify::EventHandler>(
        mut handler: F,
        config: notify::Config,
    ) -> notify::Result<Self> {
        let filter = move |event: notify::Result<notify::Event>| {
            if let Ok(e) = &event {
                if is_read_only(&e.kind) {
                    return;
                }
            }
            handler.handle_event(event);
        };
        notify::RecommendedWatcher::new(filter, config).map(ChangeWatcher)
    }

    fn watch(&mut self, path: &Path, recursive_mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, recursive_mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        <notify::RecommendedWatcher as notify::Watcher>::kind()
    }
}

/// Whether an event only says a file was opened, read or closed without writing.
fn is_read_only(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Access(a) if *a != AccessKind::Close(AccessMode::Write))
}

/// A started watcher and the channel its debounced events arrive on.
pub(super) struct Watch {
    debouncer: Debouncer<ChangeWatcher>,
    events: Receiver<DebounceEventResult>,
}

/// Starts watching the site root (`book.toml`) and the watched folders that exist.
pub(super) fn start(root: &Path) -> Result<Watch, String> {
    let (tx, events) = mpsc::channel::<DebounceEventResult>();
    let config = notify_debouncer_mini::Config::default().with_timeout(DEBOUNCE);
    let mut debouncer = new_debouncer_opt::<_, ChangeWatcher>(config, tx)
        .map_err(|e| format!("cannot watch files: {e}"))?;
    for dir in WATCHED_DIRS {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
        }
    }
    debouncer
        .watcher()
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    Ok(Watch { debouncer, events })
}

/// Runs the watch loop on a thread of its own until the server stops: each burst of relevant
/// changes is previewed (an edited page at once) and then rebuilt.
pub(super) fn spawn(shared: Arc<Shared>, watch: Watch) -> Result<JoinHandle<()>, String> {
    thread::Builder::new()
        .name("fieldbook-serve-watch".into())
        .spawn(move || {
            // The debouncer lives (and watches) as long as this thread.
            let Watch {
                mut debouncer,
                events,
            } = watch;
            while !shared.stopping.load(Ordering::SeqCst) {
                let first = match events.recv_timeout(Duration::from_millis(200)) {
                    Ok(batch) => batch,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                let mut batches = vec![first];
                batches.extend(events.try_iter());
                let mut changed = changes(&shared, &mut debouncer, batches);
                if !changed.is_empty() && !shared.stopping.load(Ordering::SeqCst) {
                    // An edited page first, on its own, then everything it affects.
                    changed.sort();
                    changed.dedup();
                    shared.preview(&changed);
                    shared.rebuild(false);
                }
            }
        })
        .map_err(|e| format!("cannot start the watcher thread: {e}"))
}

/// The relevant paths among a burst of events (the root itself when events were lost); a watched
/// folder created (again) after the start is watched from now on.
fn changes(
    shared: &Shared,
    debouncer: &mut Debouncer<ChangeWatcher>,
    batches: Vec<DebounceEventResult>,
) -> Vec<PathBuf> {
    let root = &shared.root;
    let mut changed = Vec::new();
    for batch in batches {
        match batch {
            Ok(events) => {
                for event in events {
                    if WATCHED_DIRS.iter().any(|d| event.path == root.join(d))
                        && event.path.is_dir()
                    {
                        let _ = debouncer
                            .watcher()
                            .watch(&event.path, RecursiveMode::Recursive);
                    }
                    if is_relevant(root, &shared.out, &event.path) {
                        changed.push(event.path);
                    }
                }
            }
            // Lost events (queue overflow and the like): rebuild to be safe.
            Err(_) => changed.push(root.clone()),
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_do_not_trigger_rebuilds() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(is_read_only(&EventKind::Access(AccessKind::Read)));
        assert!(is_read_only(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(is_read_only(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_read_only(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!is_read_only(&EventKind::Modify(ModifyKind::Any)));
        assert!(!is_read_only(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn only_sources_trigger_rebuilds() {
        let root = Path::new("/site");
        let out = Path::new("/site/target/serve");
        for yes in [
            "/site/content/pages/a.md",
            "/site/templates/base.html",
            "/site/static/style.css",
            "/site/book.toml",
        ] {
            assert!(is_relevant(root, out, Path::new(yes)), "{yes}");
        }
        for no in [
            "/site/target/serve/a/index.html",
            "/site/content/pages/.a.md.swp",
            "/site/content/pages/a.md~",
            "/site/content/pages/#a.md#",
            "/site/content/pages/4913",
            "/site/README.md",
            "/site/public/index.html",
        ] {
            assert!(!is_relevant(root, out, Path::new(no)), "{no}");
        }
    }
}
