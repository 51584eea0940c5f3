//! End-to-end test of `fieldbook serve`: runs the binary on a small copy of the site and checks the
//! editors' loop over plain TCP: pages are served with the live-reload script, an edit sends `reload`
//! within a second and serves the new text, a broken page sends `error` while the last good page is
//! still served, the fix sends `reload` again, and requests that try to leave the output folder get 404.

use std::fs;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fieldbook");
const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Kills the server when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn page(words: &str) -> String {
    format!(
        "---\nid: a\ntitle: Page A\nsummary: A tiny page for the serve test.\n---\n\nHello from page A, {words} [@s1, p. 1].\n"
    )
}

const BROKEN_PAGE: &str = "---\nid: a\ntitle: [unclosed\nsummary: broken\n---\n\nBroken.\n";

const SOURCES: &str = "- id: s1\n  type: report\n  title: \"A Small Report\"\n  authors: [\"Doe, Jane\"]\n  year: 2020\n";

/// One HTTP/1.1 GET over a fresh connection: (status, head, body).
fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// A Server-Sent Events client reading raw bytes from a TcpStream.
struct Events {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Events {
    fn open(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
        write!(
            stream,
            "GET /__fieldbook/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            stream,
            buf: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        let end = loop {
            if let Some(i) = find(&events.buf, b"\r\n\r\n") {
                break i;
            }
            assert!(events.fill(deadline), "no event-stream headers within 5 s");
        };
        let head = String::from_utf8_lossy(&events.buf[..end]).into_owned();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        events.buf.drain(..end + 4);
        events
    }

    /// Reads more bytes; false at the deadline or when the stream ends.
    fn fill(&mut self, deadline: Instant) -> bool {
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        let wait = (deadline - now).min(Duration::from_millis(100));
        self.stream
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .unwrap();
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => true,
            Err(e) => panic!("event stream broke: {e}"),
        }
    }

    /// The next named event (name, data) before the deadline.
    fn next(&mut self, deadline: Instant) -> Option<(String, String)> {
        loop {
            while let Some(i) = find(&self.buf, b"\n\n") {
                let block = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                self.buf.drain(..i + 2);
                let mut name = None;
                let mut data: Vec<&str> = Vec::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event:") {
                        name = Some(n.trim().to_string());
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push(d.strip_prefix(' ').unwrap_or(d));
                    }
                }
                if let Some(name) = name {
                    return Some((name, data.join("\n")));
                }
            }
            if !self.fill(deadline) {
                return None;
            }
        }
    }

    /// Waits for an event named `name`, skipping others; returns its data.
    fn wait_for(&mut self, name: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let (n, data) = self.next(deadline)?;
            if n == name {
                return Some(data);
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn serve_reloads_reports_errors_and_refuses_traversal() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    fs::create_dir_all(site.join("content/pages")).unwrap();
    fs::create_dir_all(site.join("content/sources")).unwrap();
    fs::copy(Path::new(REPO).join("book.toml"), site.join("book.toml")).unwrap();
    fs::write(site.join("content/pages/a.md"), page("first version")).unwrap();
    fs::write(site.join("content/sources/s.yaml"), SOURCES).unwrap();
    // Decoys one level above the output folder: a traversal that works would serve them.
    fs::write(site.join("Cargo.toml"), "DECOY-SECRET\n").unwrap();
    let out = site.join("serve-out");

    // The site builds, and `build` output never carries the live-reload script.
    let built = tmp.path().join("built");
    let status = Command::new(BIN)
        .args(["build", "--no-minify", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&built)
        .status()
        .unwrap();
    assert!(status.success(), "the test site does not build");
    let built_page = fs::read_to_string(built.join("a/index.html")).unwrap();
    assert!(built_page.contains("first version"));
    assert!(
        !built_page.contains("__fieldbook"),
        "build output has the serve script"
    );

    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--root"])
        .arg(&site)
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let _server = Running(child);
    let (lines_tx, lines) = mpsc::channel::<String>();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
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
    let log = || errors.lock().unwrap().clone();

    // The printed URL: `serving http://127.0.0.1:PORT/fieldbook/ ...`.
    let deadline = Instant::now() + Duration::from_secs(30);
    let url = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                if let Some(at) = line.find("http://") {
                    let url = line[at..].split_whitespace().next().unwrap().to_string();
                    break url;
                }
            }
            Err(_) => panic!("serve printed no URL within 30 s; stderr:\n{}", log()),
        }
    };
    let rest = url.strip_prefix("http://").unwrap();
    let (host, base) = rest.split_at(rest.find('/').unwrap());
    let addr: SocketAddr = host.parse().unwrap();
    assert!(addr.ip().is_loopback(), "{url}");
    assert!(base.starts_with('/') && base.ends_with('/'), "{url}");
    let page_path = format!("{base}a/");

    // (1) The page, with the live-reload script; other files with their types; the site's 404.
    let (status, head, body) = get(addr, &page_path);
    assert_eq!(status, 200, "{head}\n{}", log());
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(body.contains("first version"), "{body}");
    assert!(
        body.contains("/__fieldbook/events"),
        "no live-reload script"
    );
    let (status, head, _) = get(addr, &format!("{base}style.css"));
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    let (status, _, body) = get(addr, &format!("{base}no-such-page/"));
    assert_eq!(status, 404);
    assert!(
        body.contains("Page not found"),
        "not the site's 404 page: {body}"
    );
    let (status, head, _) = get(addr, &format!("{base}a"));
    assert_eq!(status, 301, "{head}");
    assert!(head.contains(&format!("Location: {base}a/")), "{head}");
    assert!(!out.join("../public").exists(), "serve wrote into public/");

    // (2) An edit: `reload` within a second, then the new text.
    let mut events = Events::open(addr);
    assert!(
        events.wait_for("hello", Duration::from_secs(5)).is_some(),
        "no hello event"
    );
    fs::write(site.join("content/pages/a.md"), page("second version")).unwrap();
    let edited = Instant::now();
    assert!(
        events.wait_for("reload", Duration::from_secs(1)).is_some(),
        "no reload within 1 s of the edit; stderr:\n{}",
        log()
    );
    eprintln!("reload {} ms after the edit", edited.elapsed().as_millis());
    let (status, _, body) = get(addr, &page_path);
    assert_eq!(status, 200);
    assert!(body.contains("second version"), "{body}");

    // (3) Broken front matter: `error` with the diagnostics, the last good page still served.
    fs::write(site.join("content/pages/a.md"), BROKEN_PAGE).unwrap();
    let data = events
        .wait_for("error", Duration::from_secs(5))
        .unwrap_or_else(|| panic!("no error event; stderr:\n{}", log()));
    assert!(data.contains("content/pages/a.md"), "{data}");
    assert!(data.contains("title"), "{data}");
    let (status, _, body) = get(addr, &page_path);
    assert_eq!(status, 200);
    assert!(body.contains("second version"), "{body}");
    // A page opened now learns about the error at once.
    let mut late = Events::open(addr);
    assert!(late
        .wait_for("error", Duration::from_secs(2))
        .is_some_and(|d| d.contains("content/pages/a.md")));

    // (4) The fix: `reload` and the new text.
    fs::write(site.join("content/pages/a.md"), page("third version")).unwrap();
    assert!(
        events.wait_for("reload", Duration::from_secs(5)).is_some(),
        "no reload after the fix; stderr:\n{}",
        log()
    );
    assert!(late.wait_for("reload", Duration::from_secs(2)).is_some());
    let (status, _, body) = get(addr, &page_path);
    assert_eq!(status, 200);
    assert!(body.contains("third version"), "{body}");

    // (5) Requests that try to leave the output folder.
    let mut attacks: Vec<String> = [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/..%2fCargo.toml",
        "/%2e%2e%2fbook.toml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for tail in [
        "../Cargo.toml",
        "%2e%2e/Cargo.toml",
        "..%2fCargo.toml",
        "%2e%2e%2fbook.toml",
        "%2E%2E%2Fbook.toml",
        "a/../../book.toml",
        "a/%2e%2e/%2e%2e/Cargo.toml",
        "..\\book.toml",
        "..%5cbook.toml",
        "%00",
        "a/index.html%00.css",
        ".fieldbook-output",
        "%2fetc%2fpasswd",
    ] {
        attacks.push(format!("{base}{tail}"));
    }
    attacks.push(format!("//{}", site.join("Cargo.toml").display()));
    for attack in &attacks {
        let (status, _, body) = get(addr, attack);
        assert_eq!(status, 404, "{attack}");
        assert!(!body.contains("DECOY-SECRET"), "{attack} leaked Cargo.toml");
        assert!(
            !body.contains("[output.fieldbook]"),
            "{attack} leaked book.toml"
        );
    }
    // Bad requests never stop the server.
    let (status, _, body) = get(addr, &page_path);
    assert_eq!(status, 200);
    assert!(body.contains("third version"));
}
