//! Tests of Markdown rendering: links by id, citations, embeds and their numbers, heading,
//! paragraph and footnote anchors, refused raw HTML and unsafe links, and the search text.

use super::text::decode_and_collapse;
use super::*;
use crate::model::*;

fn site() -> Index {
    let mut s = Site::default();
    let e: Vec<Entity> =
        serde_yaml::from_str("- {id: harbor, kind: place, name: Harbor, summary: A city.}")
            .unwrap();
    s.entities = e;
    let src: Vec<Source> = serde_yaml::from_str("- {id: doc2016, type: report, title: T, authors: ['Author, Ann', 'Writer, Bo'], year: 2016}").unwrap();
    s.sources = src;
    let c: Chart = serde_yaml::from_str("{id: c1, title: C, description: D, kind: bar, dataset: d, x: {field: a, title: A}, y: {field: b, title: B}}").unwrap();
    s.charts = vec![c];
    let f: Vec<KeyFigure> = serde_yaml::from_str("- {id: f1, statement: S, value: 1, unit: u, year: 2000, source: doc2016, locator: p. 1}\n- {id: f2, statement: S, value: 2, unit: u, year: 2000, source: doc2016, locator: p. 2}\n- {id: f3, statement: S, value: 3, unit: u, year: 2000, source: doc2016, locator: p. 3}").unwrap();
    s.figures = f;
    Index::build(&s).0
}

fn md(text: &str) -> Rendered {
    let index = site();
    let link = |p: &str| p.to_string();
    let strings = crate::theme::Strings::builtin("en");
    let cx = Context {
        index: &index,
        link: &link,
        path: Path::new("content/pages/a.md"),
        paragraph_ids: true,
        embeds: true,
        strings: &strings,
    };
    render(
        &Located {
            text: text.into(),
            line: 5,
            col: 1,
        },
        &cx,
    )
}

#[test]
fn links_by_id_and_empty_text_uses_the_name() {
    let r = md("See [](@place/harbor).\n\n## Later\n\nThen [the city](@place/harbor).");
    assert!(
        r.html()
            .contains("<a class=\"ref ref-place\" href=\"/places/harbor/\">Harbor</a>"),
        "{}",
        r.html()
    );
    assert!(r.html().contains(">the city</a>"));
    assert_eq!(r.refs, vec![(Kind::Place, "harbor".to_string())]);
}

#[test]
fn an_entity_is_linked_at_its_first_mention_in_each_section() {
    let r = md("[Harbor](@place/harbor), [the port](@place/harbor) and [](@place/harbor).\n\n\
        Again [the city](@place/harbor).\n\n## Next\n\nIn [Harbor](@place/harbor) [again](@place/harbor).");
    let links = r.html().matches("class=\"ref ref-place\"").count();
    assert_eq!(links, 2, "{}", r.html());
    assert!(r.html().contains(", the port and Harbor."), "{}", r.html());
    assert!(r.html().contains("Again the city."), "{}", r.html());
    assert!(r.html().contains("</a> again."), "{}", r.html());
    assert_eq!(r.refs, vec![(Kind::Place, "harbor".to_string())]);
}

#[test]
fn key_figures_embedded_one_after_another_form_one_strip() {
    let r = md("![](@figure/f1)\n\n![](@figure/f2)\n\nText.\n\n![](@figure/f3)\n\n![](@chart/c1)");
    assert_eq!(
        r.html().matches("<div class=\"key-figures\">").count(),
        1,
        "{}",
        r.html()
    );
    let strip = format!(
        "<div class=\"key-figures\">\n{}{}</div>\n",
        embed_marker(0),
        embed_marker(1)
    );
    assert!(r.html().contains(&strip), "{}", r.html());
    assert!(
        !r.html().contains(&format!("{}</div>", embed_marker(2))),
        "{}",
        r.html()
    );
}

#[test]
fn unknown_id_is_located_with_a_hint() {
    let r = md("line\n\nSee [x](@place/harbr) here.");
    let d = &r.diagnostics[0];
    assert_eq!((d.line, d.col), (7, 5), "{d}");
    assert!(d.hint.as_deref().unwrap().contains("place/harbor"), "{d}");
}

#[test]
fn citations_render_author_date_with_locator() {
    let r = md("A fact [@doc2016, p. 33].");
    assert!(
        r.html()
            .contains("(<a href=\"#ref-doc2016\">Author and Writer 2016</a>, p. 33)"),
        "{}",
        r.html()
    );
    assert_eq!(
        r.cites,
        vec![CiteUse {
            key: "doc2016".into(),
            locator: Some("p. 33".into())
        }]
    );
    let bad = md("A fact [@kinu2061, p. 33].");
    assert!(bad.diagnostics[0]
        .message
        .contains("unknown source `kinu2061`"));
}

#[test]
fn embeds_are_numbered_and_cross_referenced() {
    let r = md("As [](@chart/c1) shows.\n\n![Caption](@chart/c1)\n");
    // Markdown leaves a marker and a record; the page stage puts the chart there.
    assert!(r.html().contains(&embed_marker(0)), "{}", r.html());
    assert_eq!(
        r.embeds,
        [Embed {
            kind: Kind::Chart,
            id: "c1".into(),
            number: 1,
            caption: Some("Caption".into())
        }]
    );
    assert!(r.anchors.contains("chart-c1"));
    assert!(
        r.html().contains("href=\"#chart-c1\">Figure 1</a>"),
        "{}",
        r.html()
    );
}

#[test]
fn an_item_embedded_twice_is_an_error_and_headings_keep_clear_of_embed_ids() {
    let r = md("## Chart c1\n\n![](@chart/c1)\n\nText.\n\n![](@chart/c1)\n");
    assert_eq!(r.embeds.len(), 1, "{}", r.html());
    assert_eq!(r.html().matches("<!--fb-embed:").count(), 1, "{}", r.html());
    assert!(r.html().contains("<h2 id=\"chart-c1-2\">"), "{}", r.html());
    let errors: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("embedded twice"), "{errors:?}");
    assert!(errors[0].line > 1, "points at the second embed: {errors:?}");
    assert!(
        errors[0]
            .hint
            .as_deref()
            .unwrap_or("")
            .contains("[text](@chart/c1)"),
        "{errors:?}"
    );
}

#[test]
fn footnote_labels_with_the_same_slug_get_distinct_anchors() {
    let r = md("One[^a b], two[^a-b], again[^a b].\n\n[^a b]: First.\n\n[^a-b]: Second.\n");
    for id in ["fn-a-b", "fnref-a-b", "fn-a-b-2", "fnref-a-b-2"] {
        assert_eq!(
            r.html().matches(&format!("id=\"{id}\"")).count(),
            1,
            "{id}: {}",
            r.html()
        );
        assert!(r.anchors.contains(id), "{id}");
    }
    assert!(
        r.html().contains("<li id=\"fn-a-b\" value=\"1\">First."),
        "{}",
        r.html()
    );
    assert!(
        r.html().contains("<li id=\"fn-a-b-2\" value=\"2\">Second."),
        "{}",
        r.html()
    );
    assert_eq!(
        r.html().matches("href=\"#fn-a-b\"").count(),
        2,
        "{}",
        r.html()
    );
}

#[test]
fn raw_html_and_javascript_links_do_not_pass() {
    let r = md("<script>alert(1)</script>\n\nText <b>bold</b> [x](javascript:alert(1))");
    assert!(!r.html().contains("<script>"), "{}", r.html());
    assert!(!r.html().contains("<b>"), "{}", r.html());
    assert!(!r.html().contains("javascript:"), "{}", r.html());
    assert!(r
        .diagnostics
        .iter()
        .any(|d| d.is_error() && d.message.contains("unsafe link")));
}

#[test]
fn paragraph_ids_come_from_content_and_can_be_pinned() {
    let a = md("First para here.\n\nSecond one {#p-pinned}");
    assert!(
        a.html().contains("<p id=\"p-first-para-here\">"),
        "{}",
        a.html()
    );
    assert!(
        a.html().contains("<p id=\"p-pinned\">Second one"),
        "{}",
        a.html()
    );
    let b = md("Inserted before.\n\nFirst para here.");
    assert!(
        b.html().contains("<p id=\"p-first-para-here\">"),
        "ids survive edits elsewhere"
    );
}

#[test]
fn decoding_and_collapsing_matches_replace_then_split() {
    let reference = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for s in [
        "",
        "   ",
        " a  b\n\tc ",
        "&amp;lt; &lt;b&gt; &quot;q&quot; it&#39;s &amp;amp; & &x; &",
        "\u{a0}Bayside\u{2003}&amp;\u{3000}Harbor\u{85}",
        "뉴스&amp;&#39;",
        "&&lt;&",
    ] {
        assert_eq!(decode_and_collapse(s), reference(s), "{s:?}");
    }
}

#[test]
fn search_text_keeps_link_text_and_word_boundaries() {
    let r = md("Near [](@place/harbor) and [the city](@place/harbor) [@doc2016, p. 3].\n\n- sewing\n- factories");
    assert!(
        r.text()
            .contains("Near Harbor and the city (Author and Writer 2016, p. 3)."),
        "{}",
        r.text()
    );
    assert!(r.text().contains("sewing factories"), "{}", r.text());
    assert!(!r.text().contains('¶'), "{}", r.text());
}

#[test]
fn footnotes_are_collected_at_the_end() {
    let r = md("Text[^a].\n\n[^a]: The note.\n\nMore.");
    assert!(r.html().contains("<a href=\"#fn-a\""), "{}", r.html());
    assert!(
        r.html().contains("<li id=\"fn-a\" value=\"1\">The note."),
        "{}",
        r.html()
    );
}

#[test]
fn slugs_keep_the_letters_of_every_script() {
    assert_eq!(
        slug("After 2007: the Agreement", 60),
        "after-2007-the-agreement"
    );
    assert_eq!(slug("해안 지방", 60), "해안-지방");
    assert_eq!(slug("Прибрежный район", 60), "прибрежный-район");
    assert_eq!(slug("Workers' Quota", 60), "workers-quota");
    // Cut at a character, never inside one, and never ending in a dash.
    assert_eq!(slug("가나다", 7), "가나");
    assert_eq!(slug("ab cd", 3), "ab");
}
