//! `serve`: the editors' loop. Builds the site (without minifying) into a serve-only folder, serves it
//! over HTTP on 127.0.0.1, watches `content/`, `templates/`, `static/` and `book.toml`, rebuilds on
//! every change and tells open pages to reload through Server-Sent Events.
//!
//! Serve mode is the only place the live-reload `<script>` is added to pages ([`inject_live_reload`]);
//! `build` output never carries it, and serve never writes into the build's output folder. A failed
//! rebuild keeps the last good pages on disk and served, and open pages show the diagnostics in an
//! overlay until the next good build reloads them.
//!
//! Request paths are resolved by a pure function ([`resolve_path`]) that percent-decodes the path and
//! refuses every way out of the output folder (`..` segments, encoded slashes and dots, backslashes,
//! NUL and other control characters, dot files); the file found is then canonicalized and must still
//! lie inside the canonicalized output folder. Each request is handled on its own thread, so a bad
//! request or a slow client never stops the server.
//!
//! Like the rest of the library this module never prints: it reports each build through a callback
//! ([`BuildEvent`]) and the CLI prints it.

use std::fs;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_mini::{new_debouncer_opt, DebounceEventResult};
use tiny_http::{Header, Method, Request, Response};

use crate::config::Config;
use crate::diag::{self, Diagnostic, Style};
use crate::output::{self, OutputFile};

/// The URL path of the Server-Sent Events stream the injected script listens to.
pub const EVENTS_PATH: &str = "/__fieldbook/events";

/// How long file-system events are gathered before a rebuild starts. An editor's save (write, or
/// write to a temporary name and rename) arrives within a millisecond; a burst such as a `git
/// checkout` that straddles the window only causes a second, short rebuild.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// Requests handled at once; more get `503 Service Unavailable` until some finish.
const MAX_IN_FLIGHT: usize = 128;

/// How often an idle event stream gets a comment, so dead connections are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The folders under the site root whose changes trigger a rebuild (`book.toml` too).
const WATCHED_DIRS: [&str; 3] = ["content", "templates", "static"];

/// The live-reload client added before `</body>` of every served page. It opens an `EventSource`;
/// `reload` reloads the page (removing the error overlay), `error` shows the diagnostics text in a
/// fixed-position overlay (as text, never as HTML), and `hello` carries the build id so a page that
/// reconnects after missing a rebuild (or a server restart) reloads itself.
pub const LIVE_RELOAD_SCRIPT: &str = r#"<script data-fieldbook-serve>
(function () {
  if (!window.EventSource) return;
  var box = null, seen = null;
  function clearOverlay() { if (box) { box.remove(); box = null; } }
  function showOverlay(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "fieldbook-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#1f1111;color:#ffe4e4;border:2px solid #e5484d;border-radius:6px;box-shadow:0 6px 30px rgba(0,0,0,.45);font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;text-align:left";
      (document.body || document.documentElement).appendChild(box);
    }
    box.textContent = "fieldbook serve: the site does not build; this is the last good version.\n\n" + text;
  }
  var events = new EventSource("/__fieldbook/events");
  events.addEventListener("hello", function (e) {
    if (seen === null) seen = e.data; else if (e.data !== seen) location.reload();
  });
  events.addEventListener("reload", function () { clearOverlay(); location.reload(); });
  events.addEventListener("error", function (e) {
    // Connection problems fire a plain `error` Event without data; EventSource reconnects by itself.
    if (typeof e.data === "string") showOverlay(e.data);
  });
})();
</script>
"#;

/// What to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site root (holds book.toml).
    pub root: PathBuf,
    /// Output folder; None means [`default_out`] (a temporary folder, never the build's `public/`).
    pub out: Option<PathBuf>,
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

/// What one build of the serve loop did, for the caller to print.
#[derive(Debug, Clone)]
pub enum BuildEvent {
    /// The site built and the output folder was updated.
    Built {
        /// True for the build `start` runs before serving.
        initial: bool,
        /// Milliseconds for compile and write.
        ms: f64,
        /// Files written because their bytes changed.
        written: usize,
        /// Files removed because the build no longer produces them.
        removed: usize,
        /// Units (charts, Markdown texts, HTML files, the search index) reused from the last build.
        reused: usize,
        /// Units rendered because something they read changed.
        computed: usize,
        /// Warnings and notes of the build.
        warnings: Vec<Diagnostic>,
    },
    /// Edited pages were regenerated from the last build and written, before the full rebuild.
    Previewed {
        /// Milliseconds from the start of the preview to the reload event.
        ms: f64,
        /// Files written.
        written: usize,
    },
    /// The build failed; the last good output is still served.
    Failed {
        /// True for the build `start` runs before serving.
        initial: bool,
        /// Milliseconds spent.
        ms: f64,
        /// Every problem found, errors first (paths relative to the site root).
        diagnostics: Vec<Diagnostic>,
    },
}

/// The serve-only output folder used when no `--out` is given: a folder in the system temporary
/// directory named after the site root, so restarts only rewrite what changed and `build` output is
/// never touched.
pub fn default_out(root: &Path) -> PathBuf {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let hash = blake3::hash(root.to_string_lossy().as_bytes()).to_hex();
    std::env::temp_dir().join(format!("fieldbook-serve-{}", &hash.as_str()[..16]))
}

/// Adds [`LIVE_RELOAD_SCRIPT`] before the last `</body>` (any case), or at the end when there is none.
pub fn inject_live_reload(html: &str) -> String {
    let close = html
        .as_bytes()
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"));
    match close {
        Some(i) => format!("{}{}{}", &html[..i], LIVE_RELOAD_SCRIPT, &html[i..]),
        None => format!("{html}{LIVE_RELOAD_SCRIPT}"),
    }
}

/// Adds the live-reload script to every `.html` file; other files are left as they are.
pub fn with_live_reload(files: Vec<OutputFile>) -> Vec<OutputFile> {
    files
        .into_iter()
        .map(|f| {
            if !f.path.ends_with(".html") {
                return f;
            }
            match String::from_utf8(f.bytes) {
                Ok(html) => OutputFile {
                    path: f.path,
                    bytes: inject_live_reload(&html).into_bytes(),
                },
                Err(e) => OutputFile {
                    path: f.path,
                    bytes: e.into_bytes(),
                },
            }
        })
        .collect()
}

/// The `Content-Type` for a served file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes; None when an escape is malformed.
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = hex_value(*bytes.get(i + 1)?)?;
            let lo = hex_value(*bytes.get(i + 2)?)?;
            out.push(hi * 16 + lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// `base_path` with exactly one leading and one trailing `/` (`""` and `"/"` give `"/"`).
fn normalize_base(base_path: &str) -> String {
    let trimmed = base_path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// Resolves a request target to a `/`-separated path inside the output folder, or None when the
/// request must get a 404.
///
/// `url` is the request target as received (`/a/b/?q=1`); `base_path` is the site's path prefix from
/// `base-url` (`/` or `/sub/`), which is stripped. The path is percent-decoded once, then refused when
/// it does not start with `/`, is not UTF-8, holds a backslash, NUL or another control character, or
/// has a segment that is `.`, `..`, starts with `.` (dot files, temporary files) or holds a `:`.
/// Empty segments are dropped; a path ending in `/` gets `index.html`.
///
/// This checks the text only; [`Server`] also checks that the canonicalized file lies inside the
/// canonicalized output folder (symbolic links).
pub fn resolve_path(url: &str, base_path: &str) -> Option<String> {
    let raw = url.split(['?', '#']).next().unwrap_or_default();
    if !raw.starts_with('/') {
        return None; // absolute-form targets, `*`, empty
    }
    let decoded = String::from_utf8(percent_decode(raw)?).ok()?;
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    let base = normalize_base(base_path);
    let rest = decoded.strip_prefix(base.as_str())?;
    let mut segments: Vec<&str> = Vec::new();
    for segment in rest.split('/') {
        if segment.is_empty() {
            continue;
        }
        if segment.starts_with('.') || segment.contains(':') {
            return None; // `.`, `..`, dot files, drive letters and alternate streams
        }
        let mut components = Path::new(segment).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(_)), None) => {}
            _ => return None,
        }
        segments.push(segment);
    }
    if rest.is_empty() || rest.ends_with('/') {
        segments.push("index.html");
    }
    Some(segments.join("/"))
}

/// Percent-encodes a resolved path for a `Location` header (keeps `/` and unreserved characters).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a resolved path is on disk.
#[derive(Debug, PartialEq, Eq)]
enum Found {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder: redirect to the same path with a trailing `/`.
    Folder,
    /// Nothing, or something outside the output folder.
    Missing,
}

/// Looks up a path from [`resolve_path`] under the canonical output folder `out`.
fn locate(out: &Path, rel: &str) -> Found {
    let mut path = out.to_path_buf();
    for segment in rel.split('/').filter(|s| !s.is_empty()) {
        path.push(segment);
    }
    let Ok(canonical) = fs::canonicalize(&path) else {
        return Found::Missing;
    };
    if !canonical.starts_with(out) {
        return Found::Missing;
    }
    if canonical.is_dir() {
        Found::Folder
    } else if canonical.is_file() {
        Found::File(canonical)
    } else {
        Found::Missing
    }
}

/// Prepares the output folder: creates it (with fieldbook's marker file) when missing or empty, and
/// refuses a non-empty folder that is not fieldbook output, since serve removes files it does not
/// produce. Returns the canonical path.
fn prepare_out(root: &Path, out: &Path) -> Result<PathBuf, String> {
    // Checked on the path as given before anything is created, and again on the canonical path.
    let absolute = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot read the current folder: {e}"))?
            .join(out)
    };
    check_out_location(root, &absolute)?;
    let marker = out.join(output::MARKER);
    let empty = match fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(format!("cannot read {}: {e}", out.display())),
    };
    if !empty && !marker.exists() {
        return Err(format!(
            "{} exists and is not fieldbook output (no {} file); refusing to write into it; choose another --out folder or empty it",
            out.display(),
            output::MARKER
        ));
    }
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    if !marker.exists() {
        fs::write(
            &marker,
            "This folder is written by fieldbook serve and updated on every change.\n",
        )
        .map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    }
    let out = fs::canonicalize(out).map_err(|e| format!("cannot open {}: {e}", out.display()))?;
    check_out_location(root, &out)?;
    Ok(out)
}

/// Refuses an output folder that holds the site root or lies inside a watched source folder.
fn check_out_location(root: &Path, out: &Path) -> Result<(), String> {
    let out: PathBuf = out
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if out.components().any(|c| matches!(c, Component::ParentDir)) {
        return Ok(()); // judged on the canonical path once it exists
    }
    if root.starts_with(&out) {
        return Err(format!(
            "the output folder {} holds the site itself; choose another --out folder",
            out.display()
        ));
    }
    if let Some(dir) = WATCHED_DIRS.iter().find(|d| out.starts_with(root.join(d))) {
        return Err(format!(
            "the output folder {} is inside the site's {dir}/ folder; choose another --out folder",
            out.display()
        ));
    }
    Ok(())
}

/// Whether a changed path should trigger a rebuild: `book.toml` or anything under the watched
/// folders, except editor temporary files and the output folder itself.
fn is_relevant(root: &Path, out: &Path, path: &Path) -> bool {
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
struct ChangeWatcher(notify::RecommendedWatcher);

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

/// One message to the open event streams.
#[derive(Debug, Clone)]
enum Message {
    /// A good build changed the site; data is the new build id.
    Reload(String),
    /// A build failed; data is the plain-text diagnostics.
    Error(String),
}

/// Formats one Server-Sent Event; every line of `data` becomes a `data:` line.
fn sse_event(name: &str, data: &str) -> String {
    let mut s = format!("event: {name}\n");
    for line in data.replace('\r', "").split('\n') {
        s.push_str("data: ");
        s.push_str(line);
        s.push('\n');
    }
    s.push('\n');
    s
}

/// The state the request threads and the rebuild thread share.
struct Live {
    /// Number of good builds so far.
    generation: u64,
    /// The diagnostics of the last build when it failed.
    error: Option<String>,
    /// One sender per open event stream.
    clients: Vec<Sender<Message>>,
}

struct Shared {
    root: PathBuf,
    out: PathBuf,
    base_path: RwLock<String>,
    live: Mutex<Live>,
    stopping: AtomicBool,
    in_flight: AtomicUsize,
    /// Differs between server runs, so pages notice a restart.
    session: String,
    on_build: Box<dyn Fn(&BuildEvent) + Send + Sync>,
    /// What the last builds rendered, reused when its inputs did not change.
    memo: crate::memo::Memo,
    /// What the last builds wrote into `out`.
    written: Mutex<output::Written>,
    /// The last successful build (model and rendered parts), for previews of edited pages.
    last: Mutex<Option<crate::Built>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn build_id(&self, generation: u64) -> String {
        format!("{}-{generation}", self.session)
    }

    fn base_path(&self) -> String {
        self.base_path
            .read()
            .map(|b| b.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn broadcast(live: &mut Live, message: &Message) {
        live.clients.retain(|c| c.send(message.clone()).is_ok());
    }

    /// Regenerates the edited pages among `changed` from the last build ([`crate::preview`]),
    /// writes them and tells the open pages to reload; the full rebuild follows. Returns whether
    /// there was a preview.
    fn preview(&self, changed: &[PathBuf]) -> bool {
        let start = Instant::now();
        let files = {
            let mut last = lock(&self.last);
            match last.as_mut() {
                Some(built) => crate::preview(built, &self.root, changed),
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
                Shared::broadcast(&mut live, &Message::Reload(id));
            }
        }
        (self.on_build)(&BuildEvent::Previewed {
            ms: start.elapsed().as_secs_f64() * 1000.0,
            written,
        });
        true
    }

    /// Compiles, writes what changed, updates the live state and tells the open pages.
    fn rebuild(&self, initial: bool) {
        let start = Instant::now();
        let result = crate::compile_with(&self.root, false, &self.memo).and_then(|mut built| {
            let base = built.config.base_path.clone();
            let files = with_live_reload(std::mem::take(&mut built.files));
            let memo = built.report.memo;
            let warnings = std::mem::take(&mut built.report.diagnostics);
            *lock(&self.last) = Some(built);
            match output::write_changed(&self.out, &files, &mut lock(&self.written)) {
                Ok((written, removed)) => Ok((base, written, removed, memo, warnings)),
                Err(e) => Err(crate::Failure {
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
                        Shared::broadcast(&mut live, &Message::Reload(id));
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
                    Shared::broadcast(&mut live, &Message::Error(text));
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

/// A running serve loop: HTTP server, watcher and rebuilds. Stops when [`Server::stop`] is called
/// or the value is dropped.
pub struct Server {
    addr: SocketAddr,
    http: Arc<tiny_http::Server>,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Builds the site once, binds 127.0.0.1:`port`, starts watching and serving, and returns.
    /// Every build (this first one included) is reported through `on_build`. Errors are about the
    /// setup (site root, output folder, port, watcher), not about the site's content: a site that
    /// does not build is still served, with the error overlay.
    pub fn start(
        opts: &Options,
        on_build: impl Fn(&BuildEvent) + Send + Sync + 'static,
    ) -> Result<Server, String> {
        let root = fs::canonicalize(&opts.root)
            .map_err(|e| format!("cannot open the site root {}: {e}", opts.root.display()))?;
        let out = opts.out.clone().unwrap_or_else(|| default_out(&root));
        let out = prepare_out(&root, &out)?;
        let http = tiny_http::Server::http(("127.0.0.1", opts.port))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", opts.port))?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| "the server has no IP address".to_string())?;
        let http = Arc::new(http);
        let base_path = Config::load(&root)
            .map(|c| c.base_path)
            .unwrap_or_else(|_| "/".to_string());
        let session = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
                ^ u128::from(std::process::id())
        );
        let shared = Arc::new(Shared {
            root: root.clone(),
            out: out.clone(),
            base_path: RwLock::new(base_path),
            live: Mutex::new(Live {
                generation: 0,
                error: None,
                clients: Vec::new(),
            }),
            stopping: AtomicBool::new(false),
            in_flight: AtomicUsize::new(0),
            session,
            on_build: Box::new(on_build),
            // PNGs left by an earlier session in the same folder are reused while their SVG matches.
            memo: crate::memo::Memo::new().with_previous_output(&out),
            written: Mutex::new(output::Written::default()),
            last: Mutex::new(None),
        });

        // Watch before the first build, so an edit made during it is not missed.
        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
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
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;

        shared.rebuild(true);

        let mut threads = Vec::new();
        let watch_shared = Arc::clone(&shared);
        threads.push(
            thread::Builder::new()
                .name("fieldbook-serve-watch".into())
                .spawn(move || {
                    let shared = watch_shared;
                    // The debouncer lives (and watches) as long as this thread.
                    let mut debouncer = debouncer;
                    while !shared.stopping.load(Ordering::SeqCst) {
                        let first = match rx.recv_timeout(Duration::from_millis(200)) {
                            Ok(events) => events,
                            Err(RecvTimeoutError::Timeout) => continue,
                            Err(RecvTimeoutError::Disconnected) => break,
                        };
                        let mut batches = vec![first];
                        batches.extend(rx.try_iter());
                        let mut relevant = false;
                        let mut changed: Vec<PathBuf> = Vec::new();
                        for batch in batches {
                            match batch {
                                Ok(events) => {
                                    for event in events {
                                        // A watched folder created (again) after start: watch it.
                                        if WATCHED_DIRS.iter().any(|d| event.path == root.join(d))
                                            && event.path.is_dir()
                                        {
                                            let _ = debouncer
                                                .watcher()
                                                .watch(&event.path, RecursiveMode::Recursive);
                                        }
                                        if is_relevant(&root, &out, &event.path) {
                                            relevant = true;
                                            changed.push(event.path.clone());
                                        }
                                    }
                                }
                                // Lost events (queue overflow and the like): rebuild to be safe.
                                Err(_) => {
                                    relevant = true;
                                    changed.push(root.clone());
                                }
                            }
                        }
                        if relevant && !shared.stopping.load(Ordering::SeqCst) {
                            // An edited page first, on its own, then everything it affects.
                            changed.sort();
                            changed.dedup();
                            shared.preview(&changed);
                            shared.rebuild(false);
                        }
                    }
                    drop(debouncer);
                })
                .map_err(|e| format!("cannot start the watcher thread: {e}"))?,
        );

        let accept_shared = Arc::clone(&shared);
        let accept_http = Arc::clone(&http);
        threads.push(
            thread::Builder::new()
                .name("fieldbook-serve-accept".into())
                .spawn(move || accept_loop(&accept_http, &accept_shared))
                .map_err(|e| format!("cannot start the server thread: {e}"))?,
        );

        Ok(Server {
            addr,
            http,
            shared,
            threads,
        })
    }

    /// The address the server listens on (127.0.0.1 and the actual port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of the site's home page, base path included.
    pub fn url(&self) -> String {
        format!(
            "http://{}{}",
            self.addr,
            normalize_base(&self.shared.base_path())
        )
    }

    /// The folder the site is written to and served from (canonical).
    pub fn out_dir(&self) -> &Path {
        &self.shared.out
    }

    /// Blocks until the server stops (it only stops when [`Server::stop`] is called elsewhere or
    /// the process ends).
    pub fn wait(mut self) {
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }

    /// Stops serving, watching and rebuilding, ends the event streams (their sockets close when the
    /// clients close them, as with any kept-alive connection) and waits for the server's own threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        lock(&self.shared.live).clients.clear();
        self.http.unblock();
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Decrements the in-flight count when a request thread ends.
struct InFlight(Arc<Shared>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(http: &tiny_http::Server, shared: &Arc<Shared>) {
    loop {
        let request = match http.recv() {
            Ok(r) => r,
            Err(_) if shared.stopping.load(Ordering::SeqCst) => break,
            Err(_) => {
                // An accept error (too many open files, say) must not stop the server.
                thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        if shared.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            let _ = request.respond(text_response(503, "too many requests at once; retry\n"));
            continue;
        }
        let guard = InFlight(Arc::clone(shared));
        let spawned = thread::Builder::new()
            .name("fieldbook-serve-request".into())
            .spawn(move || {
                let guard = guard;
                handle(request, &guard.0);
            });
        if spawned.is_err() {
            // The request (and its guard) were dropped with the closure; the client sees a reset.
            thread::sleep(Duration::from_millis(20));
        }
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn with_headers<R: io::Read>(mut response: Response<R>, headers: &[(&str, &str)]) -> Response<R> {
    for (name, value) in headers {
        if let Some(h) = header(name, value) {
            response = response.with_header(h);
        }
    }
    response
}

fn text_response(status: u16, text: &str) -> Response<io::Cursor<Vec<u8>>> {
    with_headers(
        Response::from_string(text).with_status_code(status),
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
    )
}

fn redirect(status: u16, location: &str) -> Response<io::Cursor<Vec<u8>>> {
    with_headers(
        text_response(status, &format!("see {location}\n")),
        &[("Location", location)],
    )
}

/// The 404 response: the site's own `404.html`, or a small page with the live-reload script while
/// there is none (a site that has never built, say).
fn not_found(shared: &Shared) -> Response<io::Cursor<Vec<u8>>> {
    let body = match locate(&shared.out, "404.html") {
        Found::File(path) => fs::read(path).ok(),
        _ => None,
    }
    .unwrap_or_else(|| {
        inject_live_reload(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found · fieldbook serve</title></head>\n<body>\n<h1>Not found</h1>\n<p>Nothing is served at this address (yet).</p>\n</body>\n</html>\n",
        )
        .into_bytes()
    });
    with_headers(
        Response::from_data(body).with_status_code(404),
        &[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ],
    )
}

fn handle(request: Request, shared: &Shared) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let response = with_headers(
            text_response(405, "method not allowed\n"),
            &[("Allow", "GET, HEAD")],
        );
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path == EVENTS_PATH {
        serve_events(request, shared);
        return;
    }
    let base = normalize_base(&shared.base_path());
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        let _ = request.respond(redirect(302, &base));
        return;
    }
    let response = match resolve_path(&url, &base) {
        None => Err(not_found(shared)),
        Some(rel) => match locate(&shared.out, &rel) {
            Found::File(file) => match fs::File::open(&file) {
                Ok(f) => Ok(with_headers(
                    Response::from_file(f),
                    &[
                        ("Content-Type", content_type(&rel)),
                        ("Cache-Control", "no-store"),
                        ("X-Content-Type-Options", "nosniff"),
                    ],
                )),
                Err(_) => Err(not_found(shared)),
            },
            Found::Folder => Err(redirect(301, &format!("{base}{}/", encode_path(&rel)))),
            Found::Missing => Err(not_found(shared)),
        },
    };
    let _ = match response {
        Ok(file) => request.respond(file),
        Err(other) => request.respond(other),
    };
}

/// Streams Server-Sent Events until the client goes away or the server stops.
fn serve_events(request: Request, shared: &Shared) {
    let (tx, rx) = mpsc::channel();
    // Register before answering, so a change right after the client sees the headers is sent.
    let (id, error) = {
        let mut live = lock(&shared.live);
        if shared.stopping.load(Ordering::SeqCst) {
            drop(live);
            let _ = request.respond(text_response(503, "stopping\n"));
            return;
        }
        live.clients.push(tx);
        (shared.build_id(live.generation), live.error.clone())
    };
    let mut writer = request.into_writer();
    let mut head = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: 1000\n\n",
    );
    head.push_str(&sse_event("hello", &id));
    if let Some(text) = error {
        head.push_str(&sse_event("error", &text));
    }
    if writer.write_all(head.as_bytes()).is_err() || writer.flush().is_err() {
        return;
    }
    loop {
        let chunk = match rx.recv_timeout(KEEP_ALIVE) {
            Ok(Message::Reload(id)) => sse_event("reload", &id),
            Ok(Message::Error(text)) => sse_event("error", &text),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if shared.stopping.load(Ordering::SeqCst)
            || writer.write_all(chunk.as_bytes()).is_err()
            || writer.flush().is_err()
        {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_ordinary_paths() {
        assert_eq!(resolve_path("/", "/").as_deref(), Some("index.html"));
        assert_eq!(resolve_path("/a/", "/").as_deref(), Some("a/index.html"));
        assert_eq!(resolve_path("/a", "/").as_deref(), Some("a"));
        assert_eq!(
            resolve_path("/style.css?v=2#x", "/").as_deref(),
            Some("style.css")
        );
        assert_eq!(
            resolve_path("/a//b/c.svg", "/").as_deref(),
            Some("a/b/c.svg")
        );
        assert_eq!(
            resolve_path("/data/x%20y/", "/").as_deref(),
            Some("data/x y/index.html")
        );
        assert_eq!(
            resolve_path("/sub/a/", "/sub/").as_deref(),
            Some("a/index.html")
        );
        assert_eq!(resolve_path("/sub/", "/sub").as_deref(), Some("index.html"));
        assert_eq!(resolve_path("/a/", "/sub/"), None);
        assert_eq!(resolve_path("/subx/a/", "/sub/"), None);
    }

    #[test]
    fn refuses_traversal() {
        for base in ["/", "/sub/"] {
            let p = base.trim_end_matches('/');
            for attack in [
                "/../Cargo.toml",
                "/%2e%2e/Cargo.toml",
                "/%2E%2E/Cargo.toml",
                "/..%2fCargo.toml",
                "/..%2FCargo.toml",
                "/%2e%2e%2fbook.toml",
                "/a/../../book.toml",
                "/a/%2e%2e/%2e%2e/book.toml",
                "/..\\book.toml",
                "/..%5cbook.toml",
                "/a%5c..%5c..%5cbook.toml",
                "/%00",
                "/index.html%00.css",
                "/a%0a/",
                "/.",
                "/./index.html",
                "/.fieldbook-output",
                "/a/.index.html.tmp",
                "/C:/Windows/win.ini",
                "/C%3a/Windows/win.ini",
                "/%",
                "/%2",
                "/%zz",
                "/%ff%fe",
            ] {
                let url = format!("{p}{attack}");
                assert_eq!(resolve_path(&url, base), None, "{url} with base {base}");
            }
            // Not origin-form at all.
            for target in ["http://example.org/", "*", "", "..", "../x"] {
                assert_eq!(resolve_path(target, base), None, "{target}");
            }
        }
    }

    #[test]
    fn decodes_percent_escapes_once() {
        assert_eq!(percent_decode("%41b%2f").as_deref(), Some(&b"Ab/"[..]));
        // A doubly encoded dot stays a literal `%2e` name: harmless, and found nowhere.
        assert_eq!(
            resolve_path("/%252e%252e/x", "/").as_deref(),
            Some("%2e%2e/x")
        );
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn locate_stays_inside_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("a")).unwrap();
        fs::write(out.join("a/index.html"), "a").unwrap();
        fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let out = fs::canonicalize(&out).unwrap();
        assert!(matches!(locate(&out, "a/index.html"), Found::File(_)));
        assert_eq!(locate(&out, "a"), Found::Folder);
        assert_eq!(locate(&out, "b"), Found::Missing);
        // resolve_path never produces `..`, but locate refuses it on its own too.
        assert_eq!(locate(&out, "../secret.txt"), Found::Missing);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt"))
                .unwrap();
            std::os::unix::fs::symlink(dir.path(), out.join("up")).unwrap();
            assert_eq!(locate(&out, "link.txt"), Found::Missing);
            assert_eq!(locate(&out, "up/secret.txt"), Found::Missing);
        }
    }

    #[test]
    fn injects_the_script_before_the_last_body_end() {
        let html = "<html><body><p>x</p></BODY></html>";
        let out = inject_live_reload(html);
        let at = out.find("<script data-fieldbook-serve>").unwrap();
        assert!(at < out.find("</BODY>").unwrap());
        assert!(out.starts_with("<html><body><p>x</p><script"));
        assert!(inject_live_reload("<p>fragment</p>").ends_with("</script>\n"));
        let files = with_live_reload(vec![
            OutputFile {
                path: "a/index.html".into(),
                bytes: b"<body></body>".to_vec(),
            },
            OutputFile {
                path: "style.css".into(),
                bytes: b"body{}".to_vec(),
            },
        ]);
        assert!(String::from_utf8_lossy(&files[0].bytes).contains(EVENTS_PATH));
        assert_eq!(files[1].bytes, b"body{}");
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("site.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("charts/x.svg"), "image/svg+xml");
        assert_eq!(content_type("cards/x.PNG"), "image/png");
        assert_eq!(content_type("search/index.json"), "application/json");
        assert_eq!(content_type("atom.xml"), "application/xml");
        assert_eq!(content_type("data/x.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("_redirects"), "application/octet-stream");
        assert_eq!(content_type("v.1/file"), "application/octet-stream");
    }

    #[test]
    fn sse_events_split_lines() {
        assert_eq!(
            sse_event("error", "a\r\nb"),
            "event: error\ndata: a\ndata: b\n\n"
        );
    }

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
        assert!(is_relevant(
            root,
            out,
            Path::new("/site/content/pages/a.md")
        ));
        assert!(is_relevant(
            root,
            out,
            Path::new("/site/templates/base.html")
        ));
        assert!(is_relevant(root, out, Path::new("/site/static/style.css")));
        assert!(is_relevant(root, out, Path::new("/site/book.toml")));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/target/serve/a/index.html")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/pages/.a.md.swp")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/pages/a.md~")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/pages/#a.md#")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/pages/4913")
        ));
        assert!(!is_relevant(root, out, Path::new("/site/README.md")));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/public/index.html")
        ));
    }

    #[test]
    fn server_starts_on_a_free_port_serves_and_stops() {
        use std::io::Read;
        use std::net::TcpStream;

        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::create_dir_all(root.join("content/pages")).unwrap();
        fs::copy(repo.join("book.toml"), root.join("book.toml")).unwrap();
        for folder in ["templates", "static"] {
            fs::create_dir_all(root.join(folder)).unwrap();
            for entry in fs::read_dir(repo.join(folder)).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), root.join(folder).join(entry.file_name())).unwrap();
            }
        }
        fs::write(
            root.join("content/pages/a.md"),
            "---\nid: a\ntitle: A\nsummary: S.\n---\n\nUnit text.\n",
        )
        .unwrap();
        let builds = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&builds);
        let opts = Options {
            root: root.clone(),
            out: Some(dir.path().join("out")),
            port: 0,
        };
        let server = Server::start(&opts, move |e| lock(&seen).push(e.clone())).unwrap();
        assert!(server.addr().ip().is_loopback());
        assert_ne!(server.addr().port(), 0);
        assert!(server.url().ends_with("/fieldbook/"), "{}", server.url());
        assert!(matches!(
            lock(&builds).as_slice(),
            [BuildEvent::Built { initial: true, .. }]
        ));
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(
            stream,
            "GET /fieldbook/a/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.contains("Unit text."));
        let mut events = TcpStream::connect(server.addr()).unwrap();
        events
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(events, "GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut first = [0u8; 64];
        assert!(events.read(&mut first).unwrap() > 0);
        let addr = server.addr();
        let started = Instant::now();
        server.stop();
        assert!(started.elapsed() < Duration::from_secs(3));
        // Nothing listens any more (tiny_http closes its listener on its own thread, just after).
        drop(events);
        let deadline = Instant::now() + Duration::from_secs(3);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            assert!(Instant::now() < deadline, "still listening after stop");
            thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn refuses_foreign_or_dangerous_output_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("content/pages")).unwrap();
        let foreign = root.join("foreign");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "keep").unwrap();
        assert!(prepare_out(&root, &foreign).is_err());
        assert!(prepare_out(&root, &root.join("content/out")).is_err());
        assert!(!root.join("content/out").exists());
        assert!(prepare_out(&root, &root).is_err());
        let ok = prepare_out(&root, &root.join("serve-out")).unwrap();
        assert!(ok.join(output::MARKER).exists());
        // Reusing it is fine.
        assert!(prepare_out(&root, &root.join("serve-out")).is_ok());
    }
}
