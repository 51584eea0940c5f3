//! The HTTP side of `serve`: the connection loop (hyper, with bounded connections, header sizes
//! and header read time), the axum router, the `Host` check against DNS rebinding, and the file
//! handler with its path security.
//!
//! Request paths are resolved by a pure function ([`resolve_path`]) that percent-decodes the path and
//! refuses every way out of the output folder (`..` segments, encoded slashes and dots, backslashes,
//! NUL and other control characters, dot files); the file found is then canonicalized and must still
//! lie inside the canonicalized output folder ([`locate`]), so a symbolic link never leads out.
//!
//! Limits: at most [`MAX_CONNECTIONS`] open connections; a request head (request line and headers)
//! of at most [`MAX_HEAD_BYTES`], read within [`HEADER_READ_TIMEOUT`] (idle kept-alive connections
//! are closed after the same time); at most [`MAX_IN_FLIGHT`] file requests handled at once, each
//! within [`REQUEST_TIMEOUT`]. Event streams ([`super::reload`]) hold a connection but no request
//! slot.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use mime_guess::mime::{self, Mime};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::limit::ConcurrencyLimitLayer;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::services::ServeFile;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use super::rebuild::Shared;
use super::reload::{self, EVENTS_PATH};

/// Connections open at once (event streams included); more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 512;

/// File requests handled at once; more wait for a slot (within [`REQUEST_TIMEOUT`]).
pub const MAX_IN_FLIGHT: usize = 64;

/// The largest request head (request line and headers) accepted; a larger one gets `431` (or `414`
/// for a long request line) and the connection is closed.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// The most a connection buffers of what the client sends; reading stops there.
const MAX_READ_BUFFER: usize = 64 * 1024;

/// Time a client has to send a request head, and the longest a kept-alive connection stays idle.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Time a file request may take, waiting for a slot included; then `408`.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Characters a `Location` path keeps as they are: unreserved ones and `/`.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Whether a `Host` header value (or a request target's authority) names this machine's loopback
/// interface: `localhost`, an IPv4 address in 127.0.0.0/8 or `[::1]`, with any port or none.
/// Anything else, an empty value included, is refused: a page on another site whose DNS name was
/// rebound to 127.0.0.1 sends its own name, and must not read the drafts served here.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inner, port)) if valid_port(port) => return inner == "::1",
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        }
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// `""` or `:` followed by a port number.
fn valid_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(p) => !p.is_empty() && p.parse::<u16>().is_ok(),
    }
}

/// Decodes `%XX` escapes; None when an escape is malformed (`%`, `%2`, `%zz`).
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, b)| {
        *b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    well_formed.then(|| percent_decode_str(s).collect())
}

/// `base_path` with exactly one leading and one trailing `/` (`""` and `"/"` give `"/"`).
pub(super) fn normalize_base(base_path: &str) -> String {
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
/// This checks the text only; the server also checks that the canonicalized file lies inside the
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
    utf8_percent_encode(path, PATH_KEEP).to_string()
}

/// What a resolved path is on disk.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder: redirect to the same path with a trailing `/`.
    Folder,
    /// Nothing, or something outside the output folder.
    Missing,
}

/// Looks up a path from [`resolve_path`] under the canonical output folder `out`; whatever it
/// resolves to, symbolic links followed, must lie inside `out`.
pub(super) fn locate(out: &Path, rel: &str) -> Found {
    let mut path = out.to_path_buf();
    for segment in rel.split('/').filter(|s| !s.is_empty()) {
        path.push(segment);
    }
    let Ok(canonical) = std::fs::canonicalize(&path) else {
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

/// The MIME type for a served file, from its extension (`mime_guess`); text types get
/// `charset=utf-8`, since everything fieldbook writes is UTF-8.
fn mime_for(path: &str) -> Mime {
    let name = path.rsplit('/').next().unwrap_or_default();
    let guessed = name
        .rsplit_once('.')
        .and_then(|(_, ext)| mime_guess::from_ext(ext).first())
        .unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let textual = guessed.type_() == mime::TEXT || guessed == mime::APPLICATION_JAVASCRIPT;
    if textual && guessed.get_param(mime::CHARSET).is_none() {
        format!("{guessed}; charset=utf-8")
            .parse()
            .unwrap_or(guessed)
    } else {
        guessed
    }
}

/// The `Content-Type` for a served file, from its extension.
pub fn content_type(path: &str) -> String {
    mime_for(path).to_string()
}

fn text_response(status: StatusCode, text: &str) -> Response {
    let mut response = (status, text.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = text_response(status, &format!("see {location}\n"));
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The 404 response: the site's own `404.html`, or a small page with the live-reload script while
/// there is none (a site that has never built, say).
async fn not_found(shared: &Shared) -> Response {
    let out = shared.out.clone();
    let page = tokio::task::spawn_blocking(move || match locate(&out, "404.html") {
        Found::File(path) => std::fs::read(path).ok(),
        _ => None,
    })
    .await
    .ok()
    .flatten();
    let body = page.unwrap_or_else(|| {
        reload::inject_live_reload(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found · fieldbook serve</title></head>\n<body>\n<h1>Not found</h1>\n<p>Nothing is served at this address (yet).</p>\n</body>\n</html>\n",
        )
        .into_bytes()
    });
    let mut response = (StatusCode::NOT_FOUND, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Answers a request for a file of the site: the file, a redirect (the base path, or a folder to
/// its `/` form), `405` for methods other than GET and HEAD, or the 404 page.
async fn serve_file(shared: Arc<Shared>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text_response(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let base = normalize_base(&shared.base_path());
    let path = request.uri().path();
    if base != "/" && (path == "/" || path == base.trim_end_matches('/')) {
        return redirect(StatusCode::FOUND, &base);
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or_default();
    let Some(rel) = resolve_path(target, &base) else {
        return not_found(&shared).await;
    };
    let out = shared.out.clone();
    let lookup = rel.clone();
    let found = tokio::task::spawn_blocking(move || locate(&out, &lookup))
        .await
        .unwrap_or(Found::Missing);
    match found {
        Found::File(file) => match ServeFile::new_with_mime(file, &mime_for(&rel))
            .oneshot(request)
            .await
        {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        },
        Found::Folder => redirect(
            StatusCode::MOVED_PERMANENTLY,
            &format!("{base}{}/", encode_path(&rel)),
        ),
        Found::Missing => not_found(&shared).await,
    }
}

/// Refuses a request whose `Host` (or absolute-form authority) is not a loopback name: `403`.
async fn check_host(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let authority_ok = request
        .uri()
        .authority()
        .is_none_or(|a| is_loopback_host(a.as_str()));
    if host.is_some_and(is_loopback_host) && authority_ok {
        return next.run(request).await;
    }
    text_response(
        StatusCode::FORBIDDEN,
        "fieldbook serve answers only requests addressed to localhost, 127.0.0.1 or [::1]\n",
    )
}

/// The whole application: the event stream (no request slot), the files (at most
/// [`MAX_IN_FLIGHT`] at once, each within [`REQUEST_TIMEOUT`]), the `Host` check in front of both
/// and `Cache-Control: no-store` and `X-Content-Type-Options: nosniff` on every response.
pub(super) fn app(shared: &Arc<Shared>) -> Router {
    let files_shared = Arc::clone(shared);
    let files = ServiceBuilder::new()
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(ConcurrencyLimitLayer::new(MAX_IN_FLIGHT))
        .service_fn(move |request: Request| {
            let shared = Arc::clone(&files_shared);
            async move { Ok::<_, Infallible>(serve_file(shared, request).await) }
        });
    Router::new()
        .route(EVENTS_PATH, get(reload::events))
        .fallback_service(files)
        .with_state(Arc::clone(shared))
        .layer(middleware::from_fn(check_host))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

/// Accepts connections until the runtime stops, each served by hyper's HTTP/1 connection with the
/// head size and read time limits; at most [`MAX_CONNECTIONS`] at once.
pub(super) async fn accept_loop(listener: TcpListener, app: Router) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_READ_BUFFER)
        // Header names written as `Content-Type` (case does not matter to HTTP, but to some tools).
        .title_case_headers(true);
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Too many open files and the like: wait, and never stop serving.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service =
            TowerToHyperService::new(app.clone().map_request(
                |request: hyper::Request<hyper::body::Incoming>| request.map(Body::new),
            ));
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
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
        assert_eq!(percent_decode("a%"), None);
        assert_eq!(percent_decode("%g1"), None);
    }

    #[test]
    fn encodes_locations() {
        assert_eq!(encode_path("data/x y/"), "data/x%20y/");
        assert_eq!(encode_path("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(encode_path("é"), "%C3%A9");
    }

    #[test]
    fn only_loopback_hosts() {
        for ok in [
            "localhost",
            "localhost:3000",
            "LocalHost:3000",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:1",
            "[::1]",
            "[::1]:3000",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "",
            ":3000",
            "evil.example",
            "evil.example:3000",
            "localhost.evil.example",
            "127.0.0.1.evil.example:3000",
            "evil.localhost:3000",
            "10.0.0.1:3000",
            "0.0.0.0:3000",
            "[::2]:3000",
            "[::1]x",
            "[::1]:",
            "localhost:",
            "localhost:99999",
            "localhost:30a",
            "[::ffff:127.0.0.1]",
            "127.0.0.1:3000:1",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn locate_stays_inside_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "a").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let out = std::fs::canonicalize(&out).unwrap();
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
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("site.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("charts/x.svg"), "image/svg+xml");
        assert_eq!(content_type("cards/x.PNG"), "image/png");
        assert_eq!(content_type("search/index.json"), "application/json");
        assert_eq!(content_type("atom.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("data/x.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(
            content_type("pagefind/wasm.en.pagefind"),
            "application/octet-stream"
        );
        assert_eq!(content_type("x.wasm"), "application/wasm");
        assert_eq!(content_type("_redirects"), "application/octet-stream");
        assert_eq!(content_type("v.1/file"), "application/octet-stream");
    }
}
