//! Tests of the citation formats: CSL output for APA and Chicago, and the site citer's filling in.

use super::*;

fn report() -> Work {
    Work {
        key: "doc2016".into(),
        kind: "report".into(),
        title: "A Field Study of Seasonal Workers in the Coastal Province".into(),
        authors: vec!["Author, Ann".into(), "Writer, Bo".into()],
        year: Some(2016),
        publisher: Some("Example Institute for Policy Research".into()),
        place: Some("Seoul".into()),
        ..Work::default()
    }
}

#[test]
fn site_citer_fills_title_and_url() {
    let styles = Styles::load();
    let site = Work {
        kind: "web".into(),
        authors: vec!["fieldbook editors".into()],
        year: Some(2026),
        date: Some("2026-11-25".into()),
        container: Some("Site".into()),
        ..Work::default()
    };
    let f = SiteCiter::new(&styles, &site).formatted(
        "Harbor <city>",
        "https://example.org/places/harbor/",
        "k",
    );
    assert!(f.apa.contains("Harbor &lt;city&gt;"), "{}", f.apa);
    assert!(
        f.apa.contains("https://example.org/places/harbor/"),
        "{}",
        f.apa
    );
    assert!(f.apa.contains("fieldbook editors"), "{}", f.apa);
    assert!(!f.chicago.contains("fieldbook.invalid"), "{}", f.chicago);
    assert!(f.bibtex.contains("title = {Harbor <city>}"), "{}", f.bibtex);
}

#[test]
fn apa_and_chicago_come_from_csl() {
    let styles = Styles::load();
    let f = styles.formatted(&report());
    assert!(f.apa.contains("Author, A."), "{}", f.apa);
    assert!(f.apa.contains("(2016)"), "{}", f.apa);
    assert!(f.chicago.contains("Author, Ann"), "{}", f.chicago);
    assert!(f.bibtex.starts_with("@techreport{doc2016,"), "{}", f.bibtex);
    assert!(f.ris.contains("TY  - RPRT"));
    assert!(f.csl_json.contains("\"family\": \"Author\""));
}

#[test]
fn a_dateless_news_item_ends_without_stray_punctuation() {
    let styles = Styles::load();
    let news = Work {
        key: "news2019".into(),
        kind: "news".into(),
        title: "Migrants Who Stayed On".into(),
        authors: vec!["Reporter, Jo".into()],
        year: Some(2019),
        container: Some("Example Radio".into()),
        ..Work::default()
    };
    let f = styles.formatted(&news);
    for text in [&f.chicago, &f.apa] {
        assert!(!text.contains(",."), "{text}");
        assert!(!text.contains(",,"), "{text}");
    }
    assert_eq!(
        tidy_punctuation("<i>ER</i>,. x, . y,, z. . "),
        "<i>ER</i>. x. y, z. "
    );
}

#[test]
fn bibtex_protects_institutions_and_keeps_urls_verbatim() {
    let work = Work {
        key: "k".into(),
        kind: "web".into(),
        title: "50% of A_B #1 {x} \\ ~".into(),
        authors: vec!["Site editors".into(), "Author, Ann".into()],
        url: Some("https://example.org/a_b/%41?x=1#frag".into()),
        ..Work::default()
    };
    let b = bibtex(&work);
    assert!(
        b.contains("  author = {{Site editors} and Author, Ann},"),
        "{b}"
    );
    assert!(
        b.contains("  url = {https://example.org/a_b/%41?x=1#frag},"),
        "{b}"
    );
    assert!(
        b.contains(r"  title = {50\% of A\_B \#1 \{x\} \textbackslash{} \textasciitilde{}},"),
        "{b}"
    );
}

#[test]
fn the_publisher_is_written_as_in_book_toml_in_every_style() {
    let styles = Styles::load();
    let site = Work {
        kind: "web".into(),
        authors: vec!["site editors".into()],
        year: Some(2026),
        date: Some("2026-11-25".into()),
        publisher: Some("lowercase press".into()),
        container: Some("A Site".into()),
        ..Work::default()
    };
    let f = SiteCiter::new(&styles, &site).formatted("A $5 {title", "https://example.org/x/", "k");
    for text in [&f.apa, &f.chicago, &f.bibtex, &f.ris, &f.csl_json] {
        assert!(text.contains("lowercase press"), "{text}");
        assert!(!text.contains("Lowercase press"), "{text}");
    }
    let direct = styles.formatted(&Work {
        title: "A $5 {title".into(),
        ..site
    });
    assert!(direct.apa.contains("A $5 {title"), "{}", direct.apa);
    assert!(f.ris.contains("DA  - 2026/11/25/"), "{}", f.ris);
}
