//! Unit tests of the content model: URLs, number display, ids.

use super::*;

#[test]
fn urls_derive_from_kind_and_id() {
    assert_eq!(Kind::Place.url("harbor"), "/places/harbor/");
    assert_eq!(Kind::Page.url("about"), "/about/");
    assert_eq!(Kind::Event.url("x"), "/timeline/#x");
}

#[test]
fn numbers_keep_printed_decimals() {
    assert_eq!(Cell::Num(14.0).display(Some(1)), "14.0");
    assert_eq!(Cell::Int(7336).display(None), "7,336");
    assert_eq!(Cell::Int(1_218_000).display(None), "1,218,000");
    assert_eq!(Cell::Int(706).display(None), "706");
    assert_eq!(Cell::Blank.display(None), "");
}

#[test]
fn ids_are_checked() {
    assert!(is_valid_id("harbor-2"));
    assert!(!is_valid_id("../etc"));
    assert!(!is_valid_id("Harbor"));
    assert!(!is_valid_id(""));
}

#[test]
fn readable_locators_name_sources_by_label_not_id() {
    let yaml = "- {id: doc2016, type: report, title: R, authors: [\"Author, Ann\", \"Writer, Bo\"], year: 2016}\n- {id: paper2011, type: news, title: N, authors: [Daily Paper], year: 2011}\n";
    let mut site = Site::default();
    site.sources = serde_yaml::from_str(yaml).expect("sources load");
    let read = |t: &str| site.readable_locator(t);
    assert_eq!(
        read("p. 104; cited in doc2016 II.1, fn. 11 (p. 24)"),
        "p. 104; cited in Author and Writer 2016, II.1, fn. 11 (p. 24)"
    );
    assert_eq!(
        read("cited in doc2016 (p. 57)"),
        "cited in Author and Writer 2016 (p. 57)"
    );
    assert_eq!(
        read("doc2016, footnote 1, p. 6; References, p. 94"),
        "Author and Writer 2016, footnote 1, p. 6; References, p. 94"
    );
    assert_eq!(read("cited in nobody2020 p. 3"), "cited in nobody2020 p. 3");
    assert_eq!(read("Table 2-1, p. 33"), "Table 2-1, p. 33");
}
