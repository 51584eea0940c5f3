//! Tests of the citation formats: CSL output for APA and Chicago, and the site citer's filling in.

use super::*;

fn report() -> Work {
    Work {
        key: "kinu2016".into(),
        kind: "report".into(),
        title: "The Reality and Human Rights of North Korean Workers in the Maritime Province of Russia".into(),
        authors: vec!["Lee, Aeliah".into(), "Lee, Chang-ho".into()],
        year: Some(2016),
        publisher: Some("Korea Institute for National Unification".into()),
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
        "Artyom <city>",
        "https://example.org/places/artyom/",
        "k",
    );
    assert!(f.apa.contains("Artyom &lt;city&gt;"), "{}", f.apa);
    assert!(
        f.apa.contains("https://example.org/places/artyom/"),
        "{}",
        f.apa
    );
    assert!(f.apa.contains("fieldbook editors"), "{}", f.apa);
    assert!(!f.chicago.contains("fieldbook.invalid"), "{}", f.chicago);
    assert!(f.bibtex.contains("title = {Artyom <city>}"), "{}", f.bibtex);
}

#[test]
fn apa_and_chicago_come_from_csl() {
    let styles = Styles::load();
    let f = styles.formatted(&report());
    assert!(f.apa.contains("Lee, A."), "{}", f.apa);
    assert!(f.apa.contains("(2016)"), "{}", f.apa);
    assert!(f.chicago.contains("Lee, Aeliah"), "{}", f.chicago);
    assert!(
        f.bibtex.starts_with("@techreport{kinu2016,"),
        "{}",
        f.bibtex
    );
    assert!(f.ris.contains("TY  - RPRT"));
    assert!(f.csl_json.contains("\"family\": \"Lee\""));
}

#[test]
fn a_dateless_news_item_ends_without_stray_punctuation() {
    let styles = Styles::load();
    let news = Work {
        key: "rfa2019".into(),
        kind: "news".into(),
        title: "North Korean Migrants Remaining in Russia".into(),
        authors: vec!["Kim, Jieun".into()],
        year: Some(2019),
        container: Some("Radio Free Asia".into()),
        ..Work::default()
    };
    let f = styles.formatted(&news);
    for text in [&f.chicago, &f.apa] {
        assert!(!text.contains(",."), "{text}");
        assert!(!text.contains(",,"), "{text}");
    }
    assert_eq!(
        tidy_punctuation("<i>RFA</i>,. x, . y,, z. . "),
        "<i>RFA</i>. x. y, z. "
    );
}
