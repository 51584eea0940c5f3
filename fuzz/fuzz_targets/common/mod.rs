//! Shared by the fuzz targets: the mini fixture site (tests/fixtures/mini), a stub embedder, and the
//! properties checked on every run beyond "no panic".

#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fieldbook::diag::{self, Diagnostic, Style};
use fieldbook::validate::index::Index;
use fieldbook::load::{parse_site, SourceFile};
use fieldbook::render::markdown::{self, Context, Embedder, Rendered};
use fieldbook::model::{Kind, Located, Site};

macro_rules! fixture {
    ($path:literal) => {
        (
            concat!("content/", $path),
            include_str!(concat!("../../../tests/fixtures/mini/content/", $path)),
        )
    };
}

/// The mini fixture: one item of every kind, every id known to the others.
pub const FIXTURE: &[(&str, &str)] = &[
    fixture!("charts/counts-chart.yaml"),
    fixture!("corrections/corrections.yaml"),
    fixture!("datasets/counts.yaml"),
    fixture!("entities/all.yaml"),
    fixture!("events/events.yaml"),
    fixture!("figures/figures.yaml"),
    fixture!("pages/first.md"),
    fixture!("pages/second.md"),
    fixture!("sources/sources.yaml"),
];

/// The fixture's files with the file at `replace` dropped and `text` put there instead.
pub fn fixture_with(replace: &str, text: &str) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = FIXTURE
        .iter()
        .filter(|(p, _)| *p != replace)
        .map(|(p, t)| SourceFile {
            path: PathBuf::from(p),
            text: t.to_string(),
        })
        .collect();
    files.push(SourceFile {
        path: PathBuf::from(replace),
        text: text.to_string(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

thread_local! {
    /// Each fixture file parsed on its own, once: `parse_site` handles files independently, so the
    /// site of a fuzzed run is these merged with the fuzzed file's (much faster than reparsing all).
    static PARSED: Vec<(&'static str, Site)> = FIXTURE
        .iter()
        .map(|(p, t)| {
            let (site, problems) = parse_site(&[SourceFile { path: PathBuf::from(p), text: t.to_string() }]);
            assert!(problems.is_empty(), "fixture {p}: {problems:?}");
            (*p, site)
        })
        .collect();
}

fn merge(into: &mut Site, other: Site) {
    // Exhaustive on purpose: a new kind of item in `Site` must be merged here too.
    let Site {
        pages,
        datasets,
        charts,
        entities,
        events,
        sources,
        figures,
        corrections,
    } = other;
    into.pages.extend(pages);
    into.datasets.extend(datasets);
    into.charts.extend(charts);
    into.entities.extend(entities);
    into.events.extend(events);
    into.sources.extend(sources);
    into.figures.extend(figures);
    into.corrections.extend(corrections);
}

/// `parse_site(&fixture_with(replace, text))`, computed from the cached fixture parses, plus the files.
pub fn load_with(replace: &str, text: &str) -> (Vec<SourceFile>, Site, Vec<Diagnostic>) {
    let files = fixture_with(replace, text);
    let fuzzed = SourceFile {
        path: PathBuf::from(replace),
        text: text.to_string(),
    };
    let (fuzzed_site, problems) = parse_site(std::slice::from_ref(&fuzzed));
    let mut fuzzed_site = Some(fuzzed_site);
    let mut site = Site::default();
    PARSED.with(|parsed| {
        // In path order, as parse_site would see the sorted files.
        for f in &files {
            if f.path.as_os_str() == replace {
                merge(&mut site, fuzzed_site.take().unwrap_or_default());
            } else if let Some((_, s)) = parsed.iter().find(|(p, _)| f.path.as_os_str() == *p) {
                merge(&mut site, s.clone());
            }
        }
    });
    (files, site, problems)
}

/// The validate stage of `lib.rs::compile`: index and reference checks.
pub fn validate(site: &Site, diagnostics: &mut Vec<Diagnostic>) -> Index {
    let (index, problems) = Index::build(site);
    diagnostics.extend(problems);
    diagnostics.extend(fieldbook::validate::index::check_references(site, &index));
    index
}

/// Embeds as a plain figure, like the real templates' outer element.
pub struct StubEmbed;

impl Embedder for StubEmbed {
    fn embed(&self, kind: Kind, id: &str, number: usize, _caption: Option<&str>) -> String {
        format!(
            "<figure id=\"{}\" class=\"embed\">{number}</figure>",
            markdown::escape_attr(&markdown::embed_anchor(kind, id))
        )
    }
}

/// The same sub-path prefixing `Config::link` does for the mini fixture's base URL.
pub fn link(p: &str) -> String {
    format!("/mini{p}")
}

/// Renders one Markdown text the way `lib.rs::render_markdown` does.
pub fn render(index: &Index, located: &Located, path: &Path, is_page: bool) -> Rendered {
    let link = link;
    let cx = Context {
        index,
        embedder: &StubEmbed,
        link: &link,
        path,
        paragraph_ids: is_page,
        embeds: is_page,
    };
    markdown::render(located, &cx)
}

/// Every Markdown text of the site, keyed like `lib.rs::render_markdown` keys them.
pub fn render_site(site: &Site, index: &Index) -> BTreeMap<(Kind, String), Rendered> {
    let mut out = BTreeMap::new();
    for p in &site.pages {
        let r = render(index, &p.body, &p.origin.path, true);
        check_rendered(&p.body, &r);
        out.insert((Kind::Page, p.meta.id.clone()), r);
    }
    for e in &site.entities {
        if e.description.is_some() {
            let r = render(index, &e.description_at, &e.origin.path, false);
            check_html(&r.html);
            out.insert((e.kind.kind(), e.id.clone()), r);
        }
    }
    for e in &site.events {
        if e.description.is_some() {
            let r = render(index, &e.description_at, &e.origin.path, false);
            check_html(&r.html);
            out.insert((Kind::Event, e.id.clone()), r);
        }
    }
    let at = |text: &str, origin: &fieldbook::model::Origin| Located {
        text: text.to_string(),
        line: origin.line,
        col: origin.col,
    };
    for d in &site.datasets {
        for (i, n) in d.notes.iter().enumerate() {
            let r = render(index, &at(&n.text, &d.origin), &d.origin.path, false);
            check_html(&r.html);
            out.insert((Kind::Dataset, format!("{}#note-{i}", d.id)), r);
        }
    }
    for c in &site.charts {
        for (i, n) in c.notes.iter().enumerate() {
            let r = render(index, &at(n, &c.origin), &c.origin.path, false);
            check_html(&r.html);
            out.insert((Kind::Chart, format!("{}#note-{i}", c.id)), r);
        }
    }
    for f in &site.figures {
        if let Some(n) = &f.note {
            let r = render(index, &at(n, &f.origin), &f.origin.path, false);
            check_html(&r.html);
            out.insert((Kind::Figure, f.id.clone()), r);
        }
    }
    for c in &site.corrections {
        let r = render(index, &at(&c.text, &c.origin), &c.origin.path, false);
        check_html(&r.html);
        out.insert((Kind::Correction, c.id.clone()), r);
    }
    out
}

/// Tags fieldbook's Markdown stage (and pulldown-cmark's HTML writer under its options) may emit.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "span",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Attributes it may emit. No event handlers, no `style` beyond pulldown-cmark's table alignment.
const ATTRS: &[&str] = &[
    "alt",
    "aria-label",
    "class",
    "data-copy-link",
    "href",
    "id",
    "src",
    "start",
    "style",
    "tabindex",
    "title",
    "value",
];

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Whether a URL attribute value would run script or load local/data content in a browser.
fn is_dangerous_url(value: &str) -> bool {
    let v: String = decode_entities(value)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| v.starts_with(s))
}

/// HTML safety of Markdown output: every tag and attribute from the allow-lists, attribute values
/// quoted, no `<script`, no `javascript:` (or vbscript/data/file) in `href` or `src`.
pub fn check_html(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "raw <script> in output: {html}");
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        let mut j = i + lt + 1;
        if b.get(j) == Some(&b'/') {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let name = &html[name_start..j];
        assert!(
            TAGS.contains(&name),
            "tag <{name}> not allowed (raw HTML passed?) at byte {}: {html}",
            i + lt
        );
        // Attributes: name, or name="value".
        loop {
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            match b.get(j) {
                Some(b'>') => {
                    j += 1;
                    break;
                }
                Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                    j += 2;
                    break;
                }
                None => panic!("unterminated tag <{name}>: {html}"),
                _ => {}
            }
            let a = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
                j += 1;
            }
            let attr = &html[a..j];
            assert!(
                ATTRS.contains(&attr),
                "attribute `{attr}` on <{name}> not allowed: {html}"
            );
            if b.get(j) == Some(&b'=') {
                assert_eq!(
                    b.get(j + 1),
                    Some(&b'"'),
                    "unquoted attribute {attr}: {html}"
                );
                let v = j + 2;
                let Some(end) = html[v..].find('"') else {
                    panic!("unterminated attribute {attr}: {html}");
                };
                let value = &html[v..v + end];
                assert!(!value.contains('<'), "`<` inside attribute {attr}: {html}");
                if attr == "href" || attr == "src" {
                    assert!(
                        !is_dangerous_url(value),
                        "dangerous {attr}=\"{value}\" in output: {html}"
                    );
                }
                if attr == "style" {
                    assert!(
                        value.starts_with("text-align:"),
                        "style other than table alignment: {value}"
                    );
                }
                j = v + end + 1;
            }
        }
        i = j;
    }
}

/// Properties of one rendered page body: safe HTML, diagnostics inside the body.
pub fn check_rendered(source: &Located, r: &Rendered) {
    check_html(&r.html);
    let last = source.line + source.text.matches('\n').count();
    for d in &r.diagnostics {
        assert!(!d.message.is_empty());
        assert!(
            d.line >= source.line && d.line <= last,
            "diagnostic outside the body (lines {}..={last}): {d}",
            source.line
        );
        assert!(d.col >= 1, "diagnostic without a column: {d}");
    }
}

/// Diagnostics name a file of the site (or `content`) and a line that exists in it (0 = whole file).
pub fn check_diagnostics(files: &[SourceFile], diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        if d.line == 0 {
            continue;
        }
        let Some(f) = files.iter().find(|f| f.path == d.path) else {
            panic!("diagnostic for a file that is not in the site: {d}");
        };
        // Known and tolerated: serde_yaml (libyaml) also breaks lines at a lone CR, NEL, LS and PS,
        // fieldbook's `line_col` only at LF, so YAML errors in such files report a line past the LF
        // count (the CLI's snippet then falls back to the end of the file). And an error at the end of
        // a file whose last line has no line break is one line further down (libyaml ends the stream
        // with a line break). Bound by libyaml's count.
        let lines = yaml_lines(&format!("{}\n", f.text));
        assert!(
            d.line <= lines,
            "line {} past the end of {} ({lines} lines): {d}",
            d.line,
            f.path.display()
        );
    }
}

/// Lines as libyaml counts them: LF, CRLF, lone CR, NEL, LS and PS each end a line.
fn yaml_lines(text: &str) -> usize {
    let mut lines = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines += 1;
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => lines += 1,
            _ => {}
        }
    }
    lines
}

thread_local! {
    static ROOT: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Renders diagnostics the way the CLI prints them (codespan snippet with a caret), which reads the
/// file from disk: `files` are written under a per-process temporary root first.
pub fn render_diagnostics(files: &[SourceFile], diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return String::new();
    }
    let root = ROOT.with(|r| {
        r.borrow_mut()
            .get_or_insert_with(|| {
                // Memory-backed when there is one: this is written on most runs.
                let tmp = Path::new("/dev/shm");
                let tmp = if tmp.is_dir() {
                    tmp.to_path_buf()
                } else {
                    std::env::temp_dir()
                };
                let dir = tmp.join(format!("fieldbook-fuzz-{}", std::process::id()));
                std::fs::create_dir_all(&dir).expect("temporary folder");
                dir
            })
            .clone()
    });
    for f in files {
        if diagnostics.iter().any(|d| d.path == f.path) {
            let full = root.join(&f.path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).expect("temporary folder");
            }
            std::fs::write(&full, &f.text).expect("temporary file");
        }
    }
    let plain = diag::render(diagnostics, &root, Style::Plain);
    let json = diag::render(diagnostics, &root, Style::Json);
    assert_eq!(json.lines().count(), diagnostics.len());
    plain
}
