//! `serve`: the editors' loop. Builds the site (without minifying) into a serve-only folder, serves it
//! over HTTP on 127.0.0.1, watches `content/`, `templates/`, `static/` and `book.toml`, rebuilds on
//! every change and tells open pages to reload through Server-Sent Events.
//!
//! The parts: `http` (axum on hyper: routes, limits, the `Host` check, files and path security),
//! `reload` (the live-reload script and the event stream), `watch` (the file watcher) and
//! `rebuild` (preview and rebuild, apart from HTTP). This file starts and stops them and owns the
//! output folder: by default a new private folder (mode 0700 on Unix, checked to be ours, under a
//! name nobody can predict) that is removed when the server stops; an `--out` folder must be a real
//! folder (not a symbolic link) that is empty or fieldbook output. Serve never writes into the
//! build's output folder. A failed rebuild keeps the last good pages on disk and served, and open
//! pages show the diagnostics in an overlay until the next good build reloads them.
//!
//! HTTP runs on a tokio runtime of its own, inside serve only; the watcher and the builds run on
//! plain threads. Like the rest of the library this module never prints: it reports each build
//! through a callback ([`BuildEvent`]) and the CLI prints it.

mod http;
mod rebuild;
mod reload;
mod watch;

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use http::{
    content_type, is_loopback_host, percent_decode, resolve_path, HEADER_READ_TIMEOUT,
    MAX_CONNECTIONS, MAX_HEAD_BYTES, MAX_IN_FLIGHT, REQUEST_TIMEOUT,
};
pub use reload::{inject_live_reload, with_live_reload, EVENTS_PATH, LIVE_RELOAD_SCRIPT};
pub use watch::DEBOUNCE;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::output;
use rebuild::Shared;

/// How long [`Server::stop`] waits for file reads under way; open connections (event streams
/// included) are closed at once.
const STOP_GRACE: Duration = Duration::from_secs(1);

/// What to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site root (holds book.toml).
    pub root: PathBuf,
    /// Output folder; None means a new private folder in the system temporary directory (mode
    /// 0700 on Unix), removed when the server stops; never the build's `public/`.
    pub out: Option<PathBuf>,
    /// TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Serve as if published at this address (replaces book.toml's base-url; its path is the
    /// prefix the pages are served under).
    pub base_url: Option<String>,
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
    if fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!(
            "the output folder {} is a symbolic link; serve writes only into a real folder: give the folder's own path",
            out.display()
        ));
    }
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

/// Refuses an output folder that holds the site root or lies inside a watched source folder (the
/// one rule `build` applies too).
fn check_out_location(root: &Path, out: &Path) -> Result<(), String> {
    output::check_location(root, out)
}

/// A new private folder for this session's output: a fresh name nobody can predict in the system
/// temporary directory, created (never reused, so a link planted there is never followed) with
/// mode 0700, then checked to be a folder that only its owner can enter and that is ours.
fn private_out() -> Result<tempfile::TempDir, String> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("fieldbook-serve-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates folders with the umask's default mode (often 0755) unless told.
        builder.permissions(fs::Permissions::from_mode(0o700));
    }
    let dir = builder
        .tempdir()
        .map_err(|e| format!("cannot create a private serve folder: {e}"))?;
    check_private(dir.path())?;
    Ok(dir)
}

#[cfg(unix)]
fn check_private(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let bad = |why: &str| format!("the serve folder {} {why}; not using it", dir.display());
    let meta = fs::symlink_metadata(dir).map_err(|e| bad(&e.to_string()))?;
    if !meta.is_dir() || meta.permissions().mode() & 0o077 != 0 {
        return Err(bad("is not a private folder (mode 0700)"));
    }
    // A file this process creates is ours: the folder must have the same owner.
    let marker = dir.join(output::MARKER);
    fs::write(
        &marker,
        "This folder is written by fieldbook serve and updated on every change.\n",
    )
    .map_err(|e| bad(&e.to_string()))?;
    let ours = fs::symlink_metadata(&marker).map_err(|e| bad(&e.to_string()))?;
    if ours.uid() != meta.uid() {
        return Err(bad("belongs to another user"));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_dir: &Path) -> Result<(), String> {
    Ok(())
}

/// A running serve loop: HTTP server, watcher and rebuilds. Stops when [`Server::stop`] is called,
/// when [`Server::wait`] sees Ctrl-C or SIGTERM, or when the value is dropped; a private output
/// folder is removed then.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
    watcher: Option<JoinHandle<()>>,
    /// The private output folder, when no `--out` was given; removed when dropped, after
    /// everything that writes or serves it has stopped.
    _private: Option<tempfile::TempDir>,
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
        let (private, out) = match &opts.out {
            Some(out) => (None, prepare_out(&root, out)?),
            None => {
                let dir = private_out()?;
                let out = prepare_out(&root, dir.path())?;
                (Some(dir), out)
            }
        };
        let listener = std::net::TcpListener::bind(("127.0.0.1", opts.port))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", opts.port))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("the server has no address: {e}"))?;
        let mut config = Config::load(&root);
        if let (Ok(c), Some(url)) = (&mut config, &opts.base_url) {
            c.set_base_url(url).map_err(|d| d.message)?;
        }
        let base_path = config
            .map(|c| c.base_path)
            .unwrap_or_else(|_| "/".to_string());
        let mut shared = Shared::new(root.clone(), out, base_path, Box::new(on_build));
        shared.base_url = opts.base_url.clone();
        let shared = Arc::new(shared);

        // Watch before the first build, so an edit made during it is not missed.
        let watch = watch::start(&root)?;
        shared.rebuild(true);
        let watcher = watch::spawn(Arc::clone(&shared), watch)?;

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fieldbook-serve-http")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        let listener = {
            let _inside = runtime.enter();
            tokio::net::TcpListener::from_std(listener)
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?
        };
        runtime.spawn(http::accept_loop(listener, http::app(&shared)));
        Ok(Server {
            addr,
            shared,
            runtime: Some(runtime),
            watcher: Some(watcher),
            _private: private,
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
            http::normalize_base(&self.shared.base_path())
        )
    }

    /// The folder the site is written to and served from (canonical).
    pub fn out_dir(&self) -> &Path {
        &self.shared.out
    }

    /// Serves until the process is told to stop (Ctrl-C, or SIGTERM on Unix), then stops as
    /// [`Server::stop`] does and returns.
    pub fn wait(mut self) {
        if let Some(runtime) = &self.runtime {
            runtime.block_on(stop_signal());
        }
        self.shutdown();
    }

    /// Stops serving, watching and rebuilding: the listener and open connections (event streams
    /// included) close, a rebuild under way is finished, and a private output folder is removed.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(STOP_GRACE);
        }
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Ctrl-C, or SIGTERM on Unix; never when the signals cannot be watched.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::rebuild::lock;
    use super::*;
    use std::io::Write;
    use std::sync::Mutex;
    use std::thread;
    use std::time::Instant;

    /// The first build of a session reuses what the last `build` of the site saved.
    #[test]
    fn the_first_build_reuses_what_build_saved() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::create_dir_all(root.join("content/pages")).unwrap();
        fs::copy(repo.join("book.toml"), root.join("book.toml")).unwrap();
        let page = "---\nid: a\ntitle: A\nsummary: S.\n---\n\nUnit text.\n";
        fs::write(root.join("content/pages/a.md"), page).unwrap();
        let first_build = |out: &str| {
            let builds = Arc::new(Mutex::new(Vec::new()));
            let seen = Arc::clone(&builds);
            let opts = Options {
                root: root.clone(),
                out: Some(dir.path().join(out)),
                port: 0,
                base_url: None,
            };
            Server::start(&opts, move |e| lock(&seen).push(e.clone()))
                .unwrap()
                .stop();
            let reused = match lock(&builds).first() {
                Some(BuildEvent::Built { reused, .. }) => *reused,
                other => panic!("{other:?}"),
            };
            reused
        };
        assert_eq!(first_build("cold"), 0, "nothing saved yet");
        let built = crate::build::build(&crate::build::Options {
            root: root.clone(),
            out: None,
            minify: None,
            base_url: None,
            fresh: false,
        });
        assert!(built.is_ok());
        assert!(first_build("warm") > 0, "the Markdown texts `build` saved");
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
            base_url: None,
        };
        let server = Server::start(&opts, move |e| lock(&seen).push(e.clone())).unwrap();
        assert!(server.addr().ip().is_loopback());
        assert_ne!(server.addr().port(), 0);
        assert!(server.url().ends_with("/fieldbook/"), "{}", server.url());
        // --base-url: served under its path instead of book.toml's.
        let moved = Options {
            out: Some(dir.path().join("out-moved")),
            base_url: Some("https://preview.test/other/".into()),
            ..opts.clone()
        };
        let other = Server::start(&moved, |_| {}).unwrap();
        assert!(other.url().ends_with("/other/"), "{}", other.url());
        other.stop();
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
            "GET /fieldbook/a/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
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
        write!(
            events,
            "GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut first = [0u8; 64];
        assert!(events.read(&mut first).unwrap() > 0);
        let addr = server.addr();
        let started = Instant::now();
        server.stop();
        assert!(started.elapsed() < Duration::from_secs(3));
        // Nothing listens any more.
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

    #[cfg(unix)]
    #[test]
    fn refuses_an_output_folder_that_is_a_symbolic_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("content/pages")).unwrap();
        fs::create_dir_all(root.join("real")).unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        let err = prepare_out(&root, &root.join("link")).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(root.join("real")).unwrap().count(), 0);
        // A missing folder behind a dangling link is refused too, and not created.
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling")).unwrap();
        assert!(prepare_out(&root, &root.join("dangling")).is_err());
        assert!(!root.join("nowhere").exists());
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_are_fresh_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let a = private_out().unwrap();
        let b = private_out().unwrap();
        assert_ne!(a.path(), b.path());
        for dir in [&a, &b] {
            let meta = fs::symlink_metadata(dir.path()).unwrap();
            assert!(meta.is_dir());
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
            assert!(dir.path().join(output::MARKER).is_file());
        }
        // A folder others can enter is refused.
        fs::set_permissions(b.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(check_private(b.path()).is_err());
    }
}
