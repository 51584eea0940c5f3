//! Unit tests of the content model: URLs, number display, ids.

use super::*;

#[test]
fn urls_derive_from_kind_and_id() {
    assert_eq!(Kind::Place.url("artyom"), "/places/artyom/");
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
    assert!(is_valid_id("artyom-2"));
    assert!(!is_valid_id("../etc"));
    assert!(!is_valid_id("Artyom"));
    assert!(!is_valid_id(""));
}
