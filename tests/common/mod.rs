//! Helpers shared by the integration tests: copy a fixture site or the repo's site, run the
//! binary, hash an output tree, walk its links.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    if !from.exists() {
        return;
    }
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temp copy of `tests/fixtures/<name>` (it uses the built-in theme unless it has its own
/// templates/ or static/).
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// A temp copy of the repo's own site (book.toml, content, and its templates/ and static/
/// overrides where it has them).
pub fn repo_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in ["content", "templates", "static"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    std::fs::copy(repo().join("book.toml"), dir.path().join("book.toml")).unwrap();
    dir
}

pub fn fieldbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldbook"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn build(root: &Path, out: &Path) -> Output {
    fieldbook(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

pub fn build_ok(root: &Path, out: &Path) {
    let o = build(root, out);
    assert!(
        o.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Path -> blake3 hash of every file under `dir`.
pub fn hashes(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                rel,
                blake3::hash(&std::fs::read(e.path()).unwrap())
                    .to_hex()
                    .to_string(),
            )
        })
        .collect()
}

fn decode(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
}

fn attrs(html: &str, name: &str) -> Vec<String> {
    // Only inside tags: text such as an escaped <iframe> in a <textarea> is not a link.
    let mut out = Vec::new();
    let needle = format!(" {name}=");
    for tag in html.split('<').skip(1).filter_map(|t| t.split('>').next()) {
        for (i, _) in tag.match_indices(&needle) {
            let rest = &tag[i + needle.len()..];
            let v = match rest.chars().next() {
                Some('"') => rest[1..].split('"').next().unwrap_or(""),
                Some('\'') => rest[1..].split('\'').next().unwrap_or(""),
                _ => rest.split(char::is_whitespace).next().unwrap_or(""),
            };
            out.push(decode(v));
        }
    }
    out
}

/// Every internal href/src in the built HTML that does not resolve to a file (and, for fragments, an
/// element id), walked independently of fieldbook's own checker. `base` is the site's sub-path.
pub fn broken_links(out: &Path, base: &str) -> Vec<String> {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pages = Vec::new();
    for e in walkdir::WalkDir::new(out).into_iter().map(|e| e.unwrap()) {
        if e.path().extension().is_some_and(|x| x == "html") {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let html = std::fs::read_to_string(e.path()).unwrap();
            ids.insert(rel.clone(), attrs(&html, "id").into_iter().collect());
            pages.push((rel, html));
        }
    }
    let mut broken = Vec::new();
    for (rel, html) in &pages {
        for link in attrs(html, "href").into_iter().chain(attrs(html, "src")) {
            if link.starts_with("http") || link.starts_with("mailto:") || link.starts_with("data:")
            {
                continue;
            }
            let (path, frag) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let file = if path.is_empty() {
                rel.clone()
            } else {
                let Some(p) = path.strip_prefix(base) else {
                    broken.push(format!("{rel}: {link} (outside the base path)"));
                    continue;
                };
                let p = p.trim_start_matches('/');
                if p.is_empty() || p.ends_with('/') {
                    format!("{p}index.html")
                } else {
                    p.to_string()
                }
            };
            if !out.join(&file).is_file() {
                broken.push(format!("{rel}: {link}"));
            } else if let Some(f) = frag.filter(|f| !f.is_empty()) {
                if file.ends_with(".html") && !ids.get(&file).is_some_and(|s| s.contains(f)) {
                    broken.push(format!("{rel}: {link} (no such anchor)"));
                }
            }
        }
    }
    broken
}

/// The sidecar of the CSV dataset `add_csv_dataset` writes.
pub const WAGES_SIDECAR: &str = "id: wages\ntitle: Monthly wages by year\ndescription: Wages paid in the fixture's document, from a CSV file.\nsource: doc2016\nlocator: \"Table 2, p. 3\"\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: wage, title: Monthly wage, type: number, unit: US$, decimals: 1}\n  - {name: note, title: Note, type: text}\nnotes:\n  - text: \"Wages for 2003 are not given.\"\n";

/// Its rows: a BOM, a quoted field with a comma and a line break, a blank.
pub const WAGES_CSV: &str = "\u{feff}year,wage,note\n2000,120.5,\"paid in cash, monthly\"\n2001,130,\"two\nlines\"\n2002,141.5,\n2003,,not given\n";

/// Adds a CSV dataset (`content/datasets/wages.csv` and its sidecar), a line chart of it and an
/// embed of both in the second page to the fixture site at `root`.
pub fn add_csv_dataset(root: &Path) {
    let datasets = root.join("content/datasets");
    std::fs::write(datasets.join("wages.yaml"), WAGES_SIDECAR).unwrap();
    std::fs::write(datasets.join("wages.csv"), WAGES_CSV).unwrap();
    std::fs::write(
        root.join("content/charts/wages-chart.yaml"),
        "id: wages-chart\ntitle: Monthly wages\ndescription: The monthly wage in each year of the fixture.\nkind: line\ndataset: wages\nx: {field: year, title: Year}\ny: {field: wage, title: Wage, unit: US$}\n",
    )
    .unwrap();
    let page = root.join("content/pages/second.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\n\n![](@chart/wages-chart)\n\n![](@dataset/wages)\n");
    std::fs::write(page, text).unwrap();
}
