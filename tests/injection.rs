//! Content that tries to inject markup or script is escaped or rejected. Each test fails if the
//! escaping is removed.

mod common;

use common::*;
use std::path::Path;

const XSS: &str = "\"><img src=x onerror=alert(1)>";

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let p = root.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "fixture lacks {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn all_output(out: &Path) -> String {
    let mut s = String::new();
    for e in walkdir::WalkDir::new(out).into_iter().flatten() {
        // Markup files only: JSON downloads carry the string as data, which is correct.
        if e.file_type().is_file()
            && e.path()
                .extension()
                .is_some_and(|x| x == "html" || x == "svg" || x == "xml")
        {
            s.push_str(&String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()));
        }
    }
    s
}

#[test]
fn hostile_titles_and_yaml_strings_are_escaped_everywhere() {
    let site = fixture("mini");
    let r = site.path();
    edit(
        r,
        "content/pages/second.md",
        "title: Second chapter",
        "title: \"<script>alert('t')</script> Second\"",
    );
    edit(
        r,
        "content/entities/all.yaml",
        "summary: A port.",
        &format!("summary: '{XSS}'"),
    );
    edit(
        r,
        "content/charts/counts-chart.yaml",
        "title: Workers by year",
        "title: \"Workers </text><script>alert(2)</script>\"",
    );
    edit(
        r,
        "content/datasets/counts.yaml",
        "title: Counts by year",
        &format!("title: '{XSS}'"),
    );
    // Unminified: every hostile string must be entity-escaped by the templates.
    let out = r.join("public");
    let o = fieldbook(&[
        "build",
        "--no-minify",
        "--root",
        r.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = all_output(&out);
    assert!(
        !html.contains("<script>alert"),
        "a <script> from content reached the output"
    );
    assert!(
        !html.contains("<img src=x"),
        "an attribute breakout from YAML reached the output"
    );
    assert!(
        html.contains("&lt;script"),
        "the hostile title is shown as text"
    );
    // Inside the SVG too: the chart's <title> holds escaped text and the file is still XML.
    let svg = std::fs::read_to_string(out.join("charts/counts-chart.svg")).unwrap();
    assert!(svg.contains("&lt;/text&gt;&lt;script&gt;"), "{svg}");
    let mut reader = quick_xml::Reader::from_str(&svg);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("SVG broken by a hostile title: {e}"),
        }
    }
    // JSON files are valid JSON with the string intact.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data/counts.json")).unwrap())
            .unwrap();
    assert_eq!(json["title"], XSS);
    // The search index (Pagefind's gzipped fragments) holds the string escaped, never as markup:
    // the search page inserts excerpts as HTML.
    let mut fragments = String::new();
    for e in walkdir::WalkDir::new(out.join("pagefind/fragment")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(std::fs::File::open(e.path()).unwrap()),
                &mut text,
            )
            .unwrap();
            fragments.push_str(&text);
        }
    }
    assert!(
        fragments.contains("&lt;img src=x"),
        "the summary is indexed"
    );
    assert!(
        !fragments.contains("<img src=x"),
        "markup reached the search index"
    );
    assert!(
        !fragments.contains("<script>"),
        "markup reached the search index"
    );
}

#[test]
fn raw_html_in_markdown_is_shown_as_text() {
    let site = fixture("mini");
    let r = site.path();
    edit(r, "content/pages/second.md", "## Later\n", "## Later\n\n<script>alert(3)</script>\n\nInline <iframe src=\"https://evil.example\"></iframe> here.\n");
    let out = r.join("public");
    let o = build(r, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("raw HTML is not allowed"),
        "a warning names the raw HTML"
    );
    let page = std::fs::read_to_string(out.join("second/index.html")).unwrap();
    assert!(
        !page.contains("<script>alert(3)"),
        "raw script passed through"
    );
    assert!(
        !page.contains("<iframe src=\"https://evil"),
        "raw iframe passed through"
    );
    assert!(page.contains("&lt;script"), "shown as text");
}

#[test]
fn javascript_links_are_rejected() {
    for target in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox",
    ] {
        let site = fixture("mini");
        let r = site.path();
        edit(
            r,
            "content/pages/second.md",
            "## Later\n",
            &format!("## Later\n\nClick [here]({target}).\n"),
        );
        let o = build(r, &r.join("public"));
        assert!(!o.status.success(), "{target} must be rejected");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains("unsafe link target") && stderr.contains("content/pages/second.md:12:"),
            "{stderr}"
        );
    }
}

#[test]
fn minified_output_keeps_title_breakouts_inert() {
    // minify-html may decode entities inside <title> and quoted attributes, where they are text; it
    // must never let a `</title>` in content close the element.
    let site = fixture("mini");
    let r = site.path();
    edit(
        r,
        "content/pages/second.md",
        "title: Second chapter",
        "title: \"</title><script>alert(9)</script>\"",
    );
    let out = r.join("public");
    let o = fieldbook(&[
        "build",
        "--minify",
        "--root",
        r.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out.join("second/index.html")).unwrap();
    assert!(page.contains("<html lang=en>"), "not minified: {page}");
    let start = page.find("<title>").unwrap() + "<title>".len();
    let end = start + page[start..].find("</title>").unwrap();
    assert!(
        page[start..end].ends_with(" · Mini fixture"),
        "the <title> element was closed early: {}",
        &page[start..end]
    );
    assert!(
        page[start..end].starts_with("&lt;/title"),
        "{}",
        &page[start..end]
    );
}
