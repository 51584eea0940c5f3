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
