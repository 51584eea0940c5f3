//! The build side of `serve`, apart from HTTP: the state shared with the request handlers, the
//! one-page preview of an edited page, and the incremental rebuild (`compile_with` and the memo,
//! then `output::write_changed`) that tells the open pages to reload or shows them the errors.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};
use std::time::Instant;

use tokio::sync::broadcast;

use super::reload::{with_live_reload, Message};
use super::BuildEvent;
use crate::diag::{self, Diagnostic, Style};
use crate::output;

/// Messages kept for an event stream that is slow to read; one that falls further behind skips
/// to the newest.
const MESSAGE_BACKLOG: usize = 16;

/// What the builds tell the event streams, changed under one lock with the sending.
pub(super) struct Live {
    /// Number of good builds so far.
    pub(super) generation: u64,
    /// The diagnostics of the last build when it failed.
    pub(super) error: Option<String>,
}

/// The state the request handlers and the rebuild thread share.
pub(super) struct Shared {
    pub(super) root: PathBuf,
    /// The canonical output folder.
    pub(super) out: PathBuf,
    base_path: RwLock<String>,
    pub(super) live: Mutex<Live>,
    /// Every open event stream holds a receiver.
    pub(super) messages: broadcast::Sender<Message>,
    pub(super) stopping: AtomicBool,
    /// Differs between server runs, so pages notice a restart.
    session: String,
    on_build: Box<dyn Fn(&BuildEvent) + Send + Sync>,
    /// What the last builds rendered, reused when its inputs did not change.
    memo: crate::build::memo::Memo,
    /// What the last builds wrote into `out`.
    written: Mutex<output::Written>,
    /// The last successful build (model and rendered parts), for previews of edited pages.
    last: Mutex<Option<crate::build::Built>>,
    /// `serve --base-url`: replaces book.toml's base-url in every build.
    pub(super) base_url: Option<String>,
}

/// The folder `build` writes the site at `root` into (book.toml's `output-dir`).
fn build_out(root: &std::path::Path) -> PathBuf {
    let dir = crate::config::Config::load(root).map_or_else(|_| "public".into(), |c| c.output_dir);
    root.join(dir)
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub(super) fn new(
        root: PathBuf,
        out: PathBuf,
        base_path: String,
        on_build: Box<dyn Fn(&BuildEvent) + Send + Sync>,
    ) -> Shared {
        let session = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
                ^ u128::from(std::process::id())
        );
        Shared {
            // PNGs left by an earlier session in the same folder are reused while their SVG
            // matches, and what the last `build` saved while its inputs are unchanged.
            memo: crate::build::memo::Memo::for_serve(&root, &out, &build_out(&root)),
            root,
            out,
            base_path: RwLock::new(base_path),
            live: Mutex::new(Live {
                generation: 0,
                error: None,
            }),
            messages: broadcast::channel(MESSAGE_BACKLOG).0,
            stopping: AtomicBool::new(false),
            session,
            on_build,
            written: Mutex::new(output::Written::default()),
            last: Mutex::new(None),
            base_url: None,
        }
    }

    pub(super) fn build_id(&self, generation: u64) -> String {
        format!("{}-{generation}", self.session)
    }

    pub(super) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    pub(super) fn base_path(&self) -> String {
        self.base_path
            .read()
            .map(|b| b.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Sends to every open event stream; called with `live` locked (none open is fine).
    fn broadcast(&self, _live: &mut Live, message: Message) {
        let _ = self.messages.send(message);
    }

    /// Regenerates the edited pages among `changed` from the last build ([`crate::build::preview`]),
    /// writes them and tells the open pages to reload; the full rebuild follows. Returns whether
    /// there was a preview.
    pub(super) fn preview(&self, changed: &[PathBuf]) -> bool {
        let start = Instant::now();
        let files = {
            let mut last = lock(&self.last);
            match last.as_mut() {
                Some(built) => crate::build::preview(built, &self.root, changed),
                None => None,
            }
        };
        let Some(files) = files else {
            return false;
        };
        let files = with_live_reload(files);
        let Ok(written) = output::write_some(&self.out, &files, &mut lock(&self.written)) else {
            return false;
        };
        {
            let mut live = lock(&self.live);
            if live.error.is_none() && written > 0 {
                live.generation += 1;
                let id = self.build_id(live.generation);
                self.broadcast(&mut live, Message::Reload(id));
            }
        }
        (self.on_build)(&BuildEvent::Previewed {
            ms: start.elapsed().as_secs_f64() * 1000.0,
            written,
        });
        true
    }

    /// Compiles, writes what changed, updates the live state and tells the open pages.
    pub(super) fn rebuild(&self, initial: bool) {
        let start = Instant::now();
        let result =
            crate::build::compile_with_at(&self.root, false, &self.memo, self.base_url.as_deref())
                .and_then(|mut built| {
                    let base = built.config.base_path.clone();
                    let files = with_live_reload(std::mem::take(&mut built.files));
                    let memo = built.report.memo;
                    let warnings = std::mem::take(&mut built.report.diagnostics);
                    *lock(&self.last) = Some(built);
                    match output::write_changed(&self.out, &files, &mut lock(&self.written)) {
                        Ok((written, removed)) => Ok((base, written, removed, memo, warnings)),
                        Err(e) => Err(crate::build::Failure {
                            diagnostics: vec![Diagnostic::error(
                                &self.out,
                                0,
                                0,
                                format!("cannot write the site: {e}"),
                            )
                            .with_hint("check that the serve output folder is writable")],
                        }),
                    }
                });
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok((base, written, removed, memo, warnings)) => {
                if let Ok(mut b) = self.base_path.write() {
                    *b = base;
                }
                {
                    let mut live = lock(&self.live);
                    let recovered = live.error.take().is_some();
                    if written + removed > 0 || recovered || initial {
                        live.generation += 1;
                        let id = self.build_id(live.generation);
                        self.broadcast(&mut live, Message::Reload(id));
                    }
                }
                (self.on_build)(&BuildEvent::Built {
                    initial,
                    ms,
                    written,
                    removed,
                    reused: memo.reused,
                    computed: memo.computed,
                    warnings,
                });
            }
            Err(failure) => {
                let text = diag::render(&failure.diagnostics, &self.root, Style::Plain);
                {
                    let mut live = lock(&self.live);
                    live.error = Some(text.clone());
                    self.broadcast(&mut live, Message::Error(text));
                }
                (self.on_build)(&BuildEvent::Failed {
                    initial,
                    ms,
                    diagnostics: failure.diagnostics,
                });
            }
        }
    }
}
