//! `check --external` against a local HTTP server started here (no real network): a live address
//! passes, a 404, a 500 and an address that never answers (with a short timeout) are warnings at
//! the file:line:col where each is written, a permanent redirect is a warning naming the new
//! address, a temporary one passes, a server that refuses `HEAD` is asked with `GET`; `--strict`
//! fails on them; and without `--external` no request is made.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use fieldbook::build::external::Settings;

/// A server on 127.0.0.1 answering by path; returns its address and a count of requests.
fn serve() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || answer(stream));
        }
    });
    (base, hits)
}

fn answer(mut stream: TcpStream) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let (status, location) = match (method, path) {
        (_, "/ok") => ("200 OK", None),
        (_, "/gone") => ("404 Not Found", None),
        (_, "/broken") => ("500 Internal Server Error", None),
        (_, "/moved") => ("301 Moved Permanently", Some("/ok")),
        (_, "/elsewhere") => ("302 Found", Some("/ok")),
        ("HEAD", "/no-head") => ("405 Method Not Allowed", None),
        (_, "/no-head") => ("200 OK", None),
        (_, "/hang") => {
            std::thread::sleep(Duration::from_secs(5));
            return;
        }
        _ => ("404 Not Found", None),
    };
    let location = location.map_or(String::new(), |l| format!("Location: {l}\r\n"));
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{location}Content-Length: 2\r\nConnection: close\r\n\r\nok"
    );
}

/// The mini fixture with a source URL and Markdown links to each route of the server at `base`.
fn site_linking_to(base: &str) -> tempfile::TempDir {
    let site = fixture("mini");
    let sources = site.path().join("content/sources/sources.yaml");
    let mut text = std::fs::read_to_string(&sources).unwrap();
    text.push_str(&format!("  url: {base}/gone\n"));
    std::fs::write(&sources, text).unwrap();
    let page = site.path().join("content/pages/second.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str(&format!(
        "\nLive [here]({base}/ok), [moved]({base}/moved), [temporary]({base}/elsewhere).\n\
         [No HEAD]({base}/no-head) and [broken]({base}/broken) and [slow]({base}/hang).\n\
         Again [gone]({base}/gone) and <{base}/ok>.\n"
    ));
    std::fs::write(&page, text).unwrap();
    site
}

#[test]
fn dead_and_moved_links_are_located_warnings() {
    let (base, _) = serve();
    let site = site_linking_to(&base);
    let settings = Settings {
        timeout: Duration::from_millis(700),
        concurrency: 4,
    };
    let found: Vec<String> = fieldbook::build::check_site_with(site.path(), Some(&settings), None)
        .iter()
        .filter(|d| d.message.contains(&base))
        .map(|d| d.to_string())
        .collect();
    let line = |file: &str, l: usize, c: usize, what: &str| {
        assert!(
            found
                .iter()
                .any(|d| d.starts_with(&format!("{file}:{l}:{c}: warning: ")) && d.contains(what)),
            "no warning {file}:{l}:{c} {what:?} in {found:#?}"
        );
    };
    let page = "content/pages/second.md";
    let gone = format!("dead link {base}/gone: HTTP 404");
    line("content/sources/sources.yaml", 8, 8, &gone);
    line(page, 16, 1 + "Again [gone](".len(), &gone);
    line(
        page,
        14,
        1 + format!("Live [here]({base}/ok), [moved](").len(),
        &format!("{base}/moved has moved permanently to {base}/ok"),
    );
    line(
        page,
        15,
        1 + format!("[No HEAD]({base}/no-head) and [broken](").len(),
        "HTTP 500",
    );
    assert!(
        found
            .iter()
            .any(|d| d.contains("/hang: no answer within 0.7 s")),
        "{found:#?}"
    );
    assert_eq!(found.len(), 5, "only the dead and the moved: {found:#?}");
    assert!(found.iter().all(|d| d.contains("hint:")));
}

#[test]
fn the_cli_flag_fails_strict_and_no_request_is_made_without_it() {
    let (base, hits) = serve();
    let site = site_linking_to(&base);
    let root = site.path().to_str().unwrap();
    let o = fieldbook(&["check", "--root", root]);
    let plain = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(!plain.contains(&base), "{plain}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "check alone touches no network"
    );
    let o = fieldbook(&[
        "check",
        "--root",
        root,
        "--external",
        "--timeout",
        "0.5",
        "--strict",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "--strict fails on a dead link");
    assert!(
        stderr.contains(&format!("dead link {base}/gone: HTTP 404")),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/sources/sources.yaml:8:8"),
        "{stderr}"
    );
    assert!(hits.load(Ordering::SeqCst) > 0);
}
