//! Security and robustness of `fieldbook serve`, end to end: runs the binary on a small site and
//! talks to it over plain TCP on 127.0.0.1 only.
//!
//! - DNS rebinding: a request whose `Host` is not a loopback name or the bound address is refused,
//!   the event stream too.
//! - Oversized request lines and headers are refused without the server's memory growing with them.
//! - Open live-reload streams take no request slots, and stalled clients neither block others nor
//!   hold their connection for ever.
//! - Without `--out`, the served files go to a fresh private folder (mode 0700, ours, a name nobody
//!   can guess), and an `--out` that is a symbolic link is refused.
//!
//! Every loop here is bounded in count and time. The tests take a lock so that their timings are
//! not disturbed by each other on a small machine.

use std::fs;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fieldbook");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A one-page site under `dir/site`.
fn make_site(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    fs::create_dir_all(site.join("content/pages")).unwrap();
    fs::copy(Path::new(REPO).join("book.toml"), site.join("book.toml")).unwrap();
    fs::write(
        site.join("content/pages/a.md"),
        "---\nid: a\ntitle: Page A\nsummary: A tiny page.\n---\n\nHello from page A.\n",
    )
    .unwrap();
    site
}

/// A running `fieldbook serve`, killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    /// The base path, `/fieldbook/`.
    base: String,
    /// The folder serve says it writes to.
    files: PathBuf,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn page(&self) -> String {
        format!("{}a/", self.base)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

/// Starts `fieldbook serve --port 0 --root SITE EXTRA...` with `TMPDIR=tmpdir` and waits for the
/// line `serving http://ADDR/BASE/ (live reload; files in DIR; ...)`.
fn serve(site: &Path, extra: &[&str], tmpdir: &Path) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(site)
        .args(extra)
        .env("TMPDIR", tmpdir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel::<String>();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let errors = Arc::new(Mutex::new(String::new()));
    let errors_in = Arc::clone(&errors);
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut e = errors_in.lock().unwrap();
            e.push_str(&line);
            e.push('\n');
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let line = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains("http://") => break line,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "serve printed no URL within 60 s; stderr:\n{}",
                    errors.lock().unwrap()
                );
            }
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    thread::spawn(move || while lines.recv().is_ok() {});
    let url = line[line.find("http://").unwrap()..]
        .split_whitespace()
        .next()
        .unwrap();
    let rest = url.strip_prefix("http://").unwrap();
    let (host, base) = rest.split_at(rest.find('/').unwrap());
    let files = line
        .split_once("files in ")
        .map(|(_, r)| r.split(';').next().unwrap().trim().to_string())
        .expect("serve names the folder it writes to");
    Served {
        child,
        addr: host.parse().unwrap(),
        base: base.to_string(),
        files: PathBuf::from(files),
        stderr: errors,
    }
}

/// Connects to the server with read and write timeouts.
fn connect(addr: SocketAddr, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.set_write_timeout(Some(timeout)).unwrap();
    stream
}

/// Reads a response's head (up to the blank line): the status (0 when the connection closed or
/// timed out first) and the head.
fn read_head(stream: &mut TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 1 << 20 {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let head = text
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head)
}

/// One GET with the given `Host` header (none when None) over a fresh connection; the status (0
/// when there was no answer within `timeout`) and the whole response.
fn get_with_host(
    addr: SocketAddr,
    path: &str,
    host: Option<&str>,
    timeout: Duration,
) -> (u16, String) {
    let mut stream = connect(addr, timeout);
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    if write!(
        stream,
        "GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
    )
    .is_err()
    {
        return (0, String::new());
    }
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn get(served: &Served, path: &str, timeout: Duration) -> (u16, String) {
    let host = served.addr.to_string();
    get_with_host(served.addr, path, Some(&host), timeout)
}

/// Opens an event stream with the given `Host`; the status of its head and the open stream.
fn open_events(addr: SocketAddr, host: &str) -> (u16, String, TcpStream) {
    let mut stream = connect(addr, Duration::from_secs(5));
    write!(
        stream,
        "GET /__fieldbook/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (status, head) = read_head(&mut stream);
    (status, head, stream)
}

/// The server's resident set size in kB (`VmRSS` of /proc/PID/status).
fn rss_kb(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

#[test]
fn only_loopback_host_names_are_served() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    let served = serve(&site, &["--out", out.to_str().unwrap()], tmp.path());
    let port = served.addr.port();
    let page = served.page();
    let second = Duration::from_secs(5);

    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
        "LOCALHOST:{port}".replace("{port}", &port.to_string()),
    ] {
        let (status, text) = get_with_host(served.addr, &page, Some(&host), second);
        assert_eq!(status, 200, "Host: {host}\n{text}\n{}", served.log());
        assert!(text.contains("Hello from page A"), "Host: {host}");
        let (status, head, _events) = open_events(served.addr, &host);
        assert_eq!(status, 200, "event stream with Host: {host}\n{head}");
    }

    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("10.0.0.1:{port}"),
        "".to_string(),
    ] {
        let (status, text) = get_with_host(served.addr, &page, Some(&host), second);
        assert!(
            status == 403 || status == 421 || status == 400,
            "Host: {host} got {status}\n{text}"
        );
        assert!(!text.contains("Hello from page A"), "Host: {host}");
        let (status, head, _events) = open_events(served.addr, &host);
        assert!(
            status == 403 || status == 421 || status == 400,
            "event stream with Host: {host} got {status}\n{head}"
        );
    }
    // No Host at all (HTTP/1.1 requires one): refused too.
    let (status, text) = get_with_host(served.addr, &page, None, second);
    assert!(status == 400 || status == 403 || status == 421, "{text}");
    // The server still answers.
    assert_eq!(get(&served, &page, second).0, 200);
}

#[test]
fn oversized_request_lines_are_refused_in_bounded_memory() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    let served = serve(&site, &["--out", out.to_str().unwrap()], tmp.path());
    let pid = served.pid();
    let host = served.addr.to_string();
    // Warm up, so what the first request allocates is part of the baseline.
    assert_eq!(get(&served, &served.page(), Duration::from_secs(5)).0, 200);
    let before = rss_kb(pid);
    let mut peak = before;

    // A 1 MB request line.
    let mut stream = connect(served.addr, Duration::from_secs(10));
    let line = format!(
        "GET /{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let status = match stream.write_all(line.as_bytes()) {
        Ok(()) => read_head(&mut stream).0,
        Err(_) => 0, // the server closed the connection: refused
    };
    assert!(
        status == 0 || status == 414 || status == 431 || status == 400,
        "a 1 MB request line got {status}"
    );
    drop(stream);
    peak = peak.max(rss_kb(pid));
    let grew_mb = peak.saturating_sub(before) / 1024;
    assert!(grew_mb < 50, "the server's RSS grew by {grew_mb} MB");
    // The server still answers.
    let (status, _) = get(&served, &served.page(), Duration::from_secs(5));
    assert_eq!(status, 200, "{}", served.log());
}

#[test]
fn oversized_headers_are_refused_in_bounded_memory() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    let served = serve(&site, &["--out", out.to_str().unwrap()], tmp.path());
    let pid = served.pid();
    let host = served.addr.to_string();
    assert_eq!(get(&served, &served.page(), Duration::from_secs(5)).0, 200);
    let before = rss_kb(pid);
    let mut peak = before;

    // A 200 MB header, sent in 64 KiB chunks until the server stops reading (bounded: 3,200
    // chunks, 60 s).
    let mut stream = connect(served.addr, Duration::from_secs(10));
    write!(stream, "GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: ").unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut sent = 0usize;
    for i in 0..3200 {
        if Instant::now() > deadline || stream.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
        if i % 64 == 0 {
            peak = peak.max(rss_kb(pid));
        }
    }
    let _ = stream.write_all(b"\r\n\r\n");
    let status = read_head(&mut stream).0;
    peak = peak.max(rss_kb(pid));
    drop(stream);
    thread::sleep(Duration::from_millis(200));
    peak = peak.max(rss_kb(pid));
    let grew_mb = peak.saturating_sub(before) / 1024;
    assert!(
        grew_mb < 50,
        "the server's RSS grew by {grew_mb} MB ({before} kB -> {peak} kB) for {sent} header bytes (answered {status})"
    );
    assert!(
        status == 0 || status == 431 || status == 400 || status == 413,
        "a {sent}-byte header got {status}"
    );
    // The server still answers.
    let (status, _) = get(&served, &served.page(), Duration::from_secs(5));
    assert_eq!(status, 200, "{}", served.log());
}

#[test]
fn live_reload_streams_take_no_request_slots() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    let served = serve(&site, &["--out", out.to_str().unwrap()], tmp.path());
    let host = served.addr.to_string();

    // 200 open event streams.
    let mut streams = Vec::new();
    let mut refused = Vec::new();
    for i in 0..200 {
        let (status, head, stream) = open_events(served.addr, &host);
        if status != 200 {
            refused.push(format!(
                "stream {i}: {status} {}",
                head.lines().next().unwrap_or("")
            ));
        }
        streams.push(stream);
    }
    // A page request while they are open.
    let started = Instant::now();
    let (while_open, _) = get(&served, &served.page(), Duration::from_secs(1));
    let while_open_ms = started.elapsed().as_millis();
    // Close them all: the next request is answered at once.
    drop(streams);
    let started = Instant::now();
    let (after_close, _) = get(&served, &served.page(), Duration::from_secs(1));
    let after_close_ms = started.elapsed().as_millis();
    let mut later = Vec::new();
    for _ in 0..5 {
        later.push(get(&served, &served.page(), Duration::from_secs(1)).0);
    }

    assert!(
        refused.is_empty() && while_open == 200 && after_close == 200 && later.iter().all(|s| *s == 200),
        "{} of 200 event streams refused (first: {:?}); a page with them open: {while_open} in {while_open_ms} ms; just after closing them: {after_close} in {after_close_ms} ms; then {later:?}",
        refused.len(),
        refused.first()
    );
}

#[test]
fn slow_clients_neither_block_others_nor_stay_for_ever() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let out = tmp.path().join("out");
    let served = serve(&site, &["--out", out.to_str().unwrap()], tmp.path());

    // 300 connections that send half a request line and stall.
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut stream = connect(served.addr, Duration::from_secs(1));
        let _ = stream.write_all(b"GET /fieldbook/a");
        slow.push(stream);
    }
    let started = Instant::now();
    let (status, _) = get(&served, &served.page(), Duration::from_secs(2));
    let ms = started.elapsed().as_millis();
    assert_eq!(
        status, 200,
        "a page request with 300 stalled clients got {status} after {ms} ms"
    );
    assert!(ms < 2000, "{ms} ms");

    // A stalled client is disconnected by the server within 30 s (read returns 0 or an error
    // other than a timeout, or a 408 response).
    let stalled = &mut slow[0];
    stalled
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut closed = false;
    let mut buf = [0u8; 1024];
    while Instant::now() < deadline {
        match stalled.read(&mut buf) {
            Ok(_) => {
                closed = true;
                break;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    assert!(
        closed,
        "a client that stalled mid request line was still connected after 30 s"
    );
    drop(slow);
    assert_eq!(get(&served, &served.page(), Duration::from_secs(2)).0, 200);
}

#[cfg(unix)]
#[test]
fn default_output_folder_is_private_and_fresh() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let tmpdir = tmp.path().join("tmp");
    fs::create_dir_all(&tmpdir).unwrap();
    let my_uid = fs::metadata(&tmpdir).unwrap().uid();

    // Plant a symbolic link at the name serve used to derive from the site root, pointing at a
    // folder of the victim's: serve must not follow it.
    let victim = tmp.path().join("victim");
    fs::create_dir_all(&victim).unwrap();
    let canonical_site = fs::canonicalize(&site).unwrap();
    let hash = blake3::hash(canonical_site.to_string_lossy().as_bytes()).to_hex();
    let planted = tmpdir.join(format!("fieldbook-serve-{}", &hash.as_str()[..16]));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();

    let first = serve(&site, &[], &tmpdir);
    let second = serve(&site, &[], &tmpdir);
    for served in [&first, &second] {
        let files = &served.files;
        let meta = fs::symlink_metadata(files).unwrap();
        assert!(meta.is_dir(), "{} is not a folder", files.display());
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o700,
            "{} has mode {:o}",
            files.display(),
            meta.permissions().mode() & 0o777
        );
        assert_eq!(meta.uid(), my_uid, "{} is not ours", files.display());
        assert!(
            fs::canonicalize(files).unwrap() != fs::canonicalize(&victim).unwrap(),
            "serve wrote into the planted link's target"
        );
        assert_eq!(get(served, &served.page(), Duration::from_secs(5)).0, 200);
    }
    assert_ne!(
        first.files, second.files,
        "two serve runs of the same site share one output folder"
    );
    assert_eq!(
        fs::read_dir(&victim).unwrap().count(),
        0,
        "serve wrote into the folder the planted link points at"
    );
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_symbolic_link_is_refused() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let target = tmp.path().join("elsewhere");
    fs::create_dir_all(&target).unwrap();
    let link = tmp.path().join("out-link");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = Command::new(BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&link)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A server that accepted the link would run for ever: give it 30 s, then stop it.
    let mut child = output;
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(
        status.is_some_and(|s| !s.success()),
        "serve accepted --out {} (a symbolic link); stderr:\n{stderr}",
        link.display()
    );
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(
        fs::read_dir(&target).unwrap().count(),
        0,
        "serve wrote through the link"
    );
}

#[cfg(unix)]
#[test]
fn the_private_folder_is_removed_when_serve_is_stopped() {
    let _one = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let site = make_site(tmp.path());
    let tmpdir = tmp.path().join("tmp");
    fs::create_dir_all(&tmpdir).unwrap();
    let mut served = serve(&site, &[], &tmpdir);
    assert!(served.files.join("a/index.html").is_file());
    // Ctrl-C.
    let status = Command::new("kill")
        .args(["-INT", &served.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = served.child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "serve still runs 15 s after Ctrl-C"
        );
        thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}\n{}", served.log());
    assert!(
        !served.files.exists(),
        "{} is still there after serve stopped",
        served.files.display()
    );
}
