//! `check --external`: every outbound `http(s)` address the content links to (the URL fields of
//! `Site::web_addresses` and the links of every Markdown text) is requested once: `HEAD`, then
//! `GET` when `HEAD` is refused, with a timeout, a few at a time, following redirects. A dead
//! address (4xx, 5xx, no such host, no answer in time) and a permanent redirect are warnings at
//! each place the address is written. The only module that touches the network (ureq); nothing
//! calls it unless `check --external` asks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::diag::{line_col, Diagnostic};
use crate::model::Site;
use crate::render::markdown;

/// How addresses are requested.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The longest a request may take, from connecting to the response head.
    pub timeout: Duration,
    /// Requests at once.
    pub concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(10),
            concurrency: 8,
        }
    }
}

/// Where an address is written: file, line, column.
type Place = (PathBuf, usize, usize);

/// What requesting an address found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    /// It answers (2xx, after temporary redirects, if any).
    Live,
    /// It answers, after a permanent redirect (301, 308) to this address.
    Moved(String),
    /// It does not answer: why.
    Dead(String),
}

/// Every outbound address of the site, each with the places it is written, by address.
pub(super) fn addresses(site: &Site, root: &Path) -> BTreeMap<String, Vec<Place>> {
    let mut out: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (url, origin, _field) in site.web_addresses() {
        let text = texts.entry(origin.path.clone()).or_insert_with(|| {
            std::fs::read_to_string(root.join(&origin.path)).unwrap_or_default()
        });
        // The address as written in the item, else the item itself.
        let from: usize = text
            .split_inclusive('\n')
            .take(origin.line.saturating_sub(1))
            .map(str::len)
            .sum();
        let (line, col) = text[from.min(text.len())..]
            .find(url)
            .map_or((origin.line, origin.col), |i| line_col(text, from + i));
        out.entry(url.to_string())
            .or_default()
            .push((origin.path.clone(), line, col));
    }
    for (text, path) in super::units::markdown_texts(site) {
        for link in markdown::web_links(&text) {
            out.entry(link.url)
                .or_default()
                .push((path.clone(), link.line, link.col));
        }
    }
    for places in out.values_mut() {
        places.sort();
        places.dedup();
    }
    out
}

/// Requests every address in `addresses` and reports the dead and the moved at each place.
pub(super) fn check(
    addresses: &BTreeMap<String, Vec<Place>>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let urls: Vec<&String> = addresses.keys().collect();
    let outcomes = request_all(&urls, settings);
    let mut out = Vec::new();
    for (url, outcome) in urls.iter().zip(outcomes) {
        let (message, hint) = match outcome {
            Outcome::Live => continue,
            Outcome::Moved(to) => (
                format!("{url} has moved permanently to {to}"),
                format!("link to {to} instead"),
            ),
            Outcome::Dead(why) => (
                format!("dead link {url}: {why}"),
                "find where the document lives now (or an archived copy, such as the Wayback Machine's) and link to that; if the host was down only for now, check again later".to_string(),
            ),
        };
        for (path, line, col) in &addresses[*url] {
            out.push(
                Diagnostic::warning(path, *line, *col, message.clone())
                    .with_len(url.chars().count())
                    .with_hint(hint.clone()),
            );
        }
    }
    out
}

/// The outcome of each of `urls`, in order, with `settings.concurrency` requests at once.
fn request_all(urls: &[&String], settings: &Settings) -> Vec<Outcome> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(settings.timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!(
            "fieldbook/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let results = Mutex::new(vec![Outcome::Live; urls.len()]);
    std::thread::scope(|scope| {
        for _ in 0..settings.concurrency.clamp(1, urls.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else {
                    break;
                };
                let outcome = probe(&agent, url, settings.timeout);
                if let Ok(mut r) = results.lock() {
                    r[i] = outcome;
                }
            });
        }
    });
    results.into_inner().unwrap_or_default()
}

/// Requests `url`, following up to 10 redirects (a permanent one is remembered).
fn probe(agent: &ureq::Agent, url: &str, timeout: Duration) -> Outcome {
    let mut current = url.to_string();
    let mut moved = false;
    for _ in 0..10 {
        let (status, location) = match head_then_get(agent, &current) {
            Ok(answer) => answer,
            Err(e) => return Outcome::Dead(describe(&e, timeout)),
        };
        match (status, location) {
            (300..=399, Some(to)) => {
                moved |= matches!(status, 301 | 308);
                current = resolve(&current, &to);
            }
            (400.., _) => return Outcome::Dead(format!("HTTP {status}")),
            _ if moved => return Outcome::Moved(current),
            _ => return Outcome::Live,
        }
    }
    Outcome::Dead("more than 10 redirects".to_string())
}

/// The status and `Location` of `url`: `HEAD`, or `GET` when `HEAD` gets an error status (many
/// servers refuse `HEAD` with 405, 403 or 404). The body is never read.
fn head_then_get(agent: &ureq::Agent, url: &str) -> Result<(u16, Option<String>), ureq::Error> {
    let answer = |r: ureq::http::Response<ureq::Body>| {
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (r.status().as_u16(), location)
    };
    let head = answer(agent.head(url).call()?);
    if head.0 < 400 {
        return Ok(head);
    }
    Ok(answer(agent.get(url).call()?))
}

/// Why a request failed, in a few words.
fn describe(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f64()),
        ureq::Error::HostNotFound => "the host name does not resolve (DNS)".to_string(),
        ureq::Error::ConnectionFailed => "the connection was refused".to_string(),
        other => other.to_string(),
    }
}

/// A redirect's `Location` made absolute against the address that gave it.
fn resolve(base: &str, location: &str) -> String {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return location.to_string();
    }
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{}{rest}", &base[..scheme_end]);
    }
    let host_end = base[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(base.len(), |i| scheme_end + i);
    if location.starts_with('/') {
        return format!("{}{location}", &base[..host_end]);
    }
    // Relative to the base's folder.
    let path = &base[host_end..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    let folder = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let folder = if folder.is_empty() { "/" } else { folder };
    format!("{}{folder}{location}", &base[..host_end])
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn redirect_locations_resolve_against_the_address() {
        let base = "http://h:8/a/b?q=1";
        assert_eq!(resolve(base, "https://x/y"), "https://x/y");
        assert_eq!(resolve(base, "//x/y"), "http://x/y");
        assert_eq!(resolve(base, "/c"), "http://h:8/c");
        assert_eq!(resolve(base, "c"), "http://h:8/a/c");
        assert_eq!(resolve("http://h", "c"), "http://h/c");
    }
}
