//! Every citation the site prints parses with a real parser and says what was meant, and the feed
//! is valid Atom: each BibTeX block of every page through the `biblatex` crate (typst's parser),
//! each RIS block through Python's `rispy`, `atom.xml` against RFC 4287's RELAX NG schema
//! (`tests/schemas/atom.rnc`) with `jing`, and every JSON-LD block as JSON with the types and
//! credits it promises. Run on the repo's site and on the `mini` fixture. `tests/run.sh` installs
//! `jing` (Debian) and `rispy` (PyPI).

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use biblatex::{Bibliography, ChunksExt, Person};
use fieldbook::model::{Kind, PageKind, Site};
use fieldbook::render::escape::decode;
use serde_json::Value;

/// A built site in memory: its model, settings and files by path.
struct Built {
    site: Site,
    config: fieldbook::config::Config,
    files: BTreeMap<String, String>,
}

fn compile(root: &std::path::Path) -> Built {
    let b = fieldbook::compile(root, false).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let files = b
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html") || f.path.ends_with(".xml"))
        .map(|f| {
            (
                f.path.clone(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            )
        })
        .collect();
    Built {
        site: b.site,
        config: b.config,
        files,
    }
}

/// What a page's citation should say: title, authors as written in the content, year, address.
#[derive(Debug)]
struct Intended {
    title: String,
    authors: Vec<String>,
    year: Option<String>,
    url: Option<String>,
}

/// Every `<pre class="{class}"><code>` block of a page, decoded.
fn blocks(html: &str, class: &str) -> Vec<String> {
    let open = format!("<pre class=\"{class}\"><code>");
    html.match_indices(&open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            decode(&rest[..rest.find("</code></pre>").expect("block closed")]).into_owned()
        })
        .collect()
}

/// The `content` of `<meta {attr}="{name}">` tags, in order.
fn metas(html: &str, attr: &str, name: &str) -> Vec<String> {
    let open = format!("<meta {attr}=\"{name}\" content=\"");
    html.match_indices(&open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            decode(&rest[..rest.find('"').unwrap()]).into_owned()
        })
        .collect()
}

fn canonical(html: &str) -> String {
    let open = "<link rel=\"canonical\" href=\"";
    let i = html.find(open).expect("canonical link") + open.len();
    decode(&html[i..i + html[i..].find('"').unwrap()]).into_owned()
}

/// On a source page "cite this" cites the source; on every other page, the site's page.
fn intended(b: &Built, path: &str, html: &str) -> Intended {
    let source_id = path
        .strip_prefix("sources/")
        .and_then(|p| p.strip_suffix("/index.html"));
    if let Some(s) = source_id.and_then(|id| b.site.source(id)) {
        return Intended {
            title: s.title.clone(),
            authors: s.authors.clone(),
            year: s.year.map(|y| y.to_string()),
            url: s.url.clone(),
        };
    }
    Intended {
        title: metas(html, "property", "og:title").remove(0),
        authors: b.config.authors.clone(),
        year: b.config.last_updated.get(..4).map(str::to_string),
        url: Some(canonical(html)),
    }
}

/// A name as BibTeX reads it back: "Family, Given", or an institution kept whole.
fn bib_name(p: &Person) -> String {
    if p.given_name.is_empty() {
        p.name.clone()
    } else {
        format!("{}, {}", p.name, p.given_name)
    }
}

fn check_bibtex(path: &str, block: &str, want: &Intended) {
    let bib = Bibliography::parse(block)
        .unwrap_or_else(|e| panic!("{path}: BibTeX does not parse ({e:?}):\n{block}"));
    assert_eq!(bib.len(), 1, "{path}: one entry:\n{block}");
    let entry = bib.iter().next().unwrap();
    let field = |k: &str| entry.get(k).map(|c| c.format_verbatim());
    assert_eq!(
        field("title").as_deref(),
        Some(want.title.as_str()),
        "{path}:\n{block}"
    );
    let authors: Vec<String> = entry
        .get_as::<Vec<Person>>("author")
        .unwrap_or_default()
        .iter()
        .map(bib_name)
        .collect();
    assert_eq!(authors, want.authors, "{path}: authors:\n{block}");
    assert_eq!(field("year"), want.year, "{path}: year:\n{block}");
    assert_eq!(field("url"), want.url, "{path}: url:\n{block}");
}

/// Every RIS record through rispy, returned as JSON objects in order.
fn rispy(records: &[String]) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("all.ris");
    std::fs::write(&file, records.join("\n\n") + "\n").unwrap();
    let script = "import json, sys, rispy\n\
                  text = open(sys.argv[1], encoding='utf-8').read()\n\
                  print(json.dumps(rispy.loads(text)))\n";
    let out = Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "rispy failed (tests/run.sh installs it: pip install rispy):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn check_ris(parsed: &Value, block: &str, path: &str, want: &Intended) {
    let s = |k: &str| parsed.get(k).and_then(Value::as_str).map(str::to_string);
    let list = |k: &str| -> Vec<String> {
        parsed
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(s("type_of_reference").is_some(), "{path}: TY:\n{block}");
    assert_eq!(
        s("title").as_deref(),
        Some(want.title.as_str()),
        "{path}:\n{block}"
    );
    assert_eq!(list("authors"), want.authors, "{path}: AU:\n{block}");
    assert_eq!(s("year"), want.year, "{path}: PY:\n{block}");
    assert_eq!(
        list("urls"),
        want.url.iter().cloned().collect::<Vec<_>>(),
        "{path}: UR:\n{block}"
    );
}

/// BibTeX and RIS of every page of the site, parsed and compared with what each page meant;
/// Google Scholar's authors equal the BibTeX authors wherever a page has them.
fn check_citations(b: &Built) -> usize {
    let mut ris: Vec<(String, String, Intended)> = Vec::new();
    let mut count = 0;
    for (path, html) in b.files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let bibtex = blocks(html, "cite-bibtex");
        if bibtex.is_empty() {
            continue;
        }
        let want = intended(b, path, html);
        for block in &bibtex {
            check_bibtex(path, block, &want);
            count += 1;
        }
        let scholar = metas(html, "name", "citation_author");
        if !metas(html, "name", "citation_title").is_empty() {
            assert_eq!(
                scholar, want.authors,
                "{path}: Scholar credits whom cite this credits"
            );
        }
        for block in blocks(html, "cite-ris") {
            ris.push((path.clone(), block, intended(b, path, html)));
        }
    }
    let records: Vec<String> = ris.iter().map(|(_, r, _)| r.clone()).collect();
    let parsed = rispy(&records);
    assert_eq!(parsed.len(), ris.len(), "rispy read every record");
    for ((path, block, want), p) in ris.iter().zip(&parsed) {
        check_ris(p, block, path, want);
    }
    assert_eq!(ris.len(), count, "every page with BibTeX has RIS");
    count
}

/// `atom.xml` against RFC 4287's schema with jing, then what the schema cannot say: each entry has
/// an absolute, unique id, its own date (a correction's, a page's last change, or the site's) and
/// no raw `@kind/id` reference; the feed holds the pages and the corrections.
fn check_feed(b: &Built) {
    let atom = &b.files["atom.xml"];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("atom.xml");
    std::fs::write(&file, atom).unwrap();
    let schema = common::repo().join("tests/schemas/atom.rnc");
    let out = Command::new("jing")
        .args(["-c", schema.to_str().unwrap(), file.to_str().unwrap()])
        .output()
        .expect("jing runs (tests/run.sh installs it: apt-get install jing)");
    assert!(
        out.status.success(),
        "atom.xml is not valid Atom:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let entries = feed_entries(atom);
    assert_eq!(
        entries.len(),
        b.site.pages.len() + b.site.corrections.len(),
        "the feed lists the pages and the corrections"
    );
    let expected = expected_dates(b);
    let mut ids = std::collections::BTreeSet::new();
    for e in &entries {
        let id = &e["id"];
        assert!(
            id.starts_with("https://") || id.starts_with("http://"),
            "{id}"
        );
        assert!(ids.insert(id.clone()), "duplicate id {id}");
        let want = expected
            .get(id)
            .unwrap_or_else(|| panic!("unexpected entry {id}"));
        assert_eq!(
            e["updated"],
            format!("{want}T00:00:00Z"),
            "{id}: its own date"
        );
        for k in ["title", "summary", "content"] {
            let text = e.get(k).map_or("", String::as_str);
            assert!(
                !has_raw_reference(text),
                "{id}: raw reference in {k}: {text}"
            );
        }
    }
}

/// The date each feed entry should carry, by its id.
fn expected_dates(b: &Built) -> BTreeMap<String, String> {
    let site_date = b.config.last_updated.clone();
    let mut dates = BTreeMap::new();
    for p in &b.site.pages {
        let mut date = p.meta.updated.clone();
        let target = format!("page/{}", p.meta.id);
        for k in &b.site.corrections {
            if k.target.trim_start_matches('@').split('#').next() == Some(target.as_str()) {
                date = date.max(Some(k.date.clone()));
            }
        }
        let url = b.config.absolute(&Kind::Page.url(&p.meta.id));
        dates.insert(url, date.unwrap_or_else(|| site_date.clone()));
    }
    for k in &b.site.corrections {
        dates.insert(
            b.config.absolute(&Kind::Correction.url(&k.id)),
            k.date.clone(),
        );
    }
    dates
}

fn has_raw_reference(text: &str) -> bool {
    Kind::ALL
        .iter()
        .any(|k| text.contains(&format!("@{}/", k.ref_name())))
}

/// Each `<entry>`'s child elements by name, their text unescaped.
fn feed_entries(atom: &str) -> Vec<BTreeMap<String, String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(atom);
    let (mut entries, mut current, mut field) =
        (Vec::new(), None::<BTreeMap<String, String>>, None);
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if name == "entry" {
                    current = Some(BTreeMap::new());
                } else if current.is_some() {
                    field = Some(name);
                }
            }
            Event::Text(t) => {
                if let (Some(c), Some(f)) = (current.as_mut(), &field) {
                    c.entry(f.clone())
                        .or_default()
                        .push_str(&t.unescape().unwrap());
                }
            }
            Event::End(e) => {
                if e.name().as_ref() == b"entry" {
                    entries.extend(current.take());
                }
                field = None;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    entries
}

/// Every JSON-LD block parses; chapters and articles are `Article`s crediting the site's editors
/// and based on their source's authors; every dataset is a `Dataset` with its CSV and JSON.
fn check_json_ld(b: &Built) {
    let mut articles = 0;
    for (path, html) in b.files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let open = "<script type=\"application/ld+json\">";
        for (i, _) in html.match_indices(open) {
            let rest = &html[i + open.len()..];
            let text = &rest[..rest.find("</script>").unwrap()];
            let v: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{path}: JSON-LD does not parse ({e}):\n{text}"));
            assert_eq!(v["@context"], "https://schema.org", "{path}");
            let title = metas(html, "property", "og:title").remove(0);
            assert_eq!(v["name"], title.as_str(), "{path}");
            let names: Vec<&str> = v["author"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a["name"].as_str())
                .collect();
            assert_eq!(names, b.config.authors, "{path}: the site's editors");
            if v["@type"] == "Article" {
                articles += 1;
            }
        }
    }
    let texts = b
        .site
        .pages
        .iter()
        .filter(|p| p.meta.kind != PageKind::About);
    assert_eq!(
        articles,
        texts.count(),
        "an Article per chapter and article"
    );
    for p in &b.site.pages {
        let (Some(s), true) = (p.meta.source.as_ref(), p.meta.kind != PageKind::About) else {
            continue;
        };
        let v = json_ld(b, &format!("{}/index.html", p.meta.id));
        let s = b.site.source(s).unwrap();
        assert_eq!(v["isBasedOn"]["name"], s.title.as_str());
        assert_eq!(
            v["isBasedOn"]["author"].as_array().map_or(0, Vec::len),
            s.authors.len(),
            "{}: the report's own authors",
            p.meta.id
        );
    }
    for d in &b.site.datasets {
        let v = json_ld(b, &format!("data/{}/index.html", d.id));
        assert_eq!(v["@type"], "Dataset");
        let formats: Vec<(&str, &str)> = v["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["encodingFormat"].as_str().unwrap(),
                    x["contentUrl"].as_str().unwrap(),
                )
            })
            .collect();
        let csv = b.config.absolute(&format!("/data/{}.csv", d.id));
        let json = b.config.absolute(&format!("/data/{}.json", d.id));
        assert_eq!(
            formats,
            [
                ("text/csv", csv.as_str()),
                ("application/json", json.as_str())
            ]
        );
        assert_eq!(
            v["isBasedOn"]["name"],
            b.site.source(&d.source).unwrap().title.as_str()
        );
        assert!(v["license"]["name"].is_string() || b.config.licence.is_empty());
    }
}

fn json_ld(b: &Built, path: &str) -> Value {
    let html = &b.files[path];
    let open = "<script type=\"application/ld+json\">";
    let i = html
        .find(open)
        .unwrap_or_else(|| panic!("{path}: no JSON-LD"))
        + open.len();
    serde_json::from_str(&html[i..i + html[i..].find("</script>").unwrap()]).unwrap()
}

/// A page whose item was corrected shows the date and says it in the sitemap.
fn check_page_dates(b: &Built) {
    let sitemap = &b.files["sitemap.xml"];
    for (url, date) in expected_dates(b) {
        if url.contains("/corrections/") {
            continue;
        }
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc><lastmod>{date}</lastmod>")),
            "sitemap: {url} at {date}"
        );
        if date != b.config.last_updated {
            let path = url.trim_start_matches(&b.config.absolute("/")).to_string() + "index.html";
            assert!(
                b.files[&path].contains(&format!("<time datetime=\"{date}\">")),
                "{path} shows its date {date}"
            );
        }
    }
}

#[test]
fn the_repo_sites_citations_parse_and_its_feed_is_valid_atom() {
    let dir = common::repo_site();
    let b = compile(dir.path());
    assert!(check_citations(&b) > 300, "every page's BibTeX was read");
    check_feed(&b);
    check_json_ld(&b);
    check_page_dates(&b);
}

#[test]
fn the_fixtures_citations_parse_and_its_feed_is_valid_atom() {
    let dir = common::fixture("mini");
    let b = compile(dir.path());
    assert!(check_citations(&b) > 10);
    check_feed(&b);
    check_json_ld(&b);
    check_page_dates(&b);
}

/// The checks above can fail: the BibTeX this site printed before (an institution in escaped
/// braces, a URL with `\_`) is read back as something else than was meant.
#[test]
#[should_panic(expected = "authors")]
fn an_institution_in_escaped_braces_fails_the_check() {
    let old = "@misc{k,\n  author = {\\{Site editors\\}},\n  title = {T},\n  year = {2026},\n}";
    check_bibtex("old", old, &meant("T", None));
}

#[test]
#[should_panic(expected = "url")]
fn an_escaped_underscore_in_a_url_fails_the_check() {
    let old = "@misc{k,\n  author = {{Site editors}},\n  title = {T},\n  year = {2026},\n  url = {https://example.org/a\\_b/},\n}";
    check_bibtex("old", old, &meant("T", Some("https://example.org/a_b/")));
}

#[test]
#[should_panic(expected = "AU")]
fn a_ris_record_with_other_authors_fails_the_check() {
    let record = "TY  - ELEC\nAU  - Someone else\nTI  - T\nPY  - 2026\nER  - ".to_string();
    let parsed = rispy(std::slice::from_ref(&record));
    check_ris(&parsed[0], &record, "old", &meant("T", None));
}

fn meant(title: &str, url: Option<&str>) -> Intended {
    Intended {
        title: title.into(),
        authors: vec!["Site editors".into()],
        year: Some("2026".into()),
        url: url.map(str::to_string),
    }
}
