//! Unit tests of provenance: numbers as printed, locators, sections, derived formulas.

use std::collections::BTreeMap;

use crate::model::{Origin, Section};

use super::formulas::{declarations, eval, recompute};
use super::locators::{keys_in, pages_in};
use super::numbers::{printed, same};
use super::positions::{key_at, key_col, Lines};
use super::sections::{find_region, parse_pages};
use super::{Region, Report};

#[test]
fn numbers_are_read_as_printed() {
    let near =
        |a: Vec<f64>, b: &[f64]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(*x, *y));
    assert!(near(
        printed("registered 7,336 and 4700, 17.6 percent in 2013."),
        &[7336.0, 4700.0, 17.6, 2013.0]
    ));
    assert!(near(
        printed("1,902\t1,888 (2011, 2012) 1,2"),
        &[1902.0, 1888.0, 2011.0, 2012.0, 1.0, 2.0]
    ));
    assert!(near(
        printed("\\$1.2-2.3 billion"),
        &[1.2, 1.2e9, 2.3, 2.3e9]
    ));
    assert!(near(
        printed("$150-$230 million; 100 billion yen ($1 billion)"),
        &[150.0, 150e6, 230.0, 230e6, 100.0, 1e11, 1.0, 1e9]
    ));
    assert!(near(
        printed("sixty-five percent, a five-year visa, three hundred workers"),
        &[65.0, 5.0, 300.0]
    ));
    assert!(near(
        printed("between twelve and sixteen; eighty-five to ninety"),
        &[12.0, 16.0, 85.0, 90.0]
    ));
}

#[test]
fn locators_name_whole_keys_and_pages_and_yaml_keys_are_found() {
    let keys = [
        ("II.3", Some((31, 55))),
        ("III.3", Some((69, 76))),
        ("Table 2-1", Some((33, 33))),
        ("opening section", None),
    ];
    let g: BTreeMap<String, Region> = keys
        .iter()
        .map(|(k, pages)| {
            (
                k.to_string(),
                Region {
                    from: 0,
                    to: 1,
                    pages: *pages,
                },
            )
        })
        .collect();
    assert_eq!(keys_in("III.3, p. 70", &g), vec!["III.3"]);
    assert_eq!(keys_in("II.3, fn. 24 (p. 32)", &g), vec!["II.3"]);
    assert_eq!(keys_in("Table 2-10, p. 33", &g), Vec::<&str>::new());
    assert_eq!(
        keys_in("opening section (before 'x')", &g),
        vec!["opening section"]
    );
    assert_eq!(pages_in("II.3, fn. 24 (p. 32)"), Some((32, 32)));
    assert_eq!(pages_in("II.3, pp. 37-38; repeated p. 53"), Some((37, 53)));
    assert_eq!(pages_in("issue of August 1, 2011; app. 4"), None);
    assert_eq!(
        (parse_pages("31–55"), parse_pages("55-31")),
        (Some((31, 55)), None)
    );
    let yaml = Lines::new("- id: a\n  value: 5\n  locator: \"p. 2\"\n- id: b\n  value: 6\n".into());
    let yaml = &yaml;
    assert_eq!(
        (key_at(yaml, 1, "locator"), key_at(yaml, 4, "locator")),
        (Some((3, 3)), None)
    );
    assert_eq!(
        key_col("  - {year: 2000, total: 1000, \"share\": 10.0}", "share"),
        Some(32)
    );
    assert_eq!(key_col("  - {subtotal: 1, total: 2}", "total"), Some(19));
}

#[test]
fn sections_find_one_line() {
    let lines = [
        "Table 2-1. Workers .....\t33",
        "## 3. Recent workers",
        "Table 2-1. Workers",
        "2011\t32,000",
        "\\* Source: a paper",
        "## III. Next",
    ];
    let s = |start: &str, end: Option<&str>| {
        find_region(
            &lines,
            &Section {
                start: start.into(),
                end: end.map(Into::into),
                pages: Some("33".into()),
            },
        )
    };
    assert_eq!(
        s("Table 2-1. Workers", Some("Source:")),
        Ok(Region {
            from: 2,
            to: 4,
            pages: Some((33, 33))
        })
    );
    assert_eq!(
        s("3. Recent workers", Some("III.")).map(|r| (r.from, r.to)),
        Ok((1, 5))
    );
    assert!(s("Table", None).unwrap_err().contains("lines 1, 3"));
    assert!(s("Table 9-9", None).is_err() && s("3. Recent", Some("IV.")).is_err());
    assert_eq!(
        s("Table 2-1. … Workers", Some("\\* Source")).map(|r| (r.from, r.to)),
        Ok((2, 4))
    );
}

#[test]
fn derived_formulas_are_found_and_computed() {
    let note = "Computed by this site, derived: `share[nationality=All] = work / sum(work) * 100`; derived from the text.";
    assert_eq!(
        declarations(note),
        vec![(
            "share[nationality=All]".to_string(),
            "work / sum(work) * 100".to_string()
        )]
    );
    let var = |name: &str, arg: Option<&str>| match (name, arg) {
        ("work", None) => Some(4524.0),
        ("sum", Some("work")) => Some(18574.0),
        ("row", Some("")) => Some(3.0),
        _ => None,
    };
    assert!((eval("work / sum(work) * 100", &var).unwrap() - 24.3566).abs() < 1e-3);
    assert_eq!(
        (
            eval("(7,336 - 4700) * 2 - 2 - 2 + row()", &var),
            eval("-2 * 3 + 100 / 4 / 5", &var)
        ),
        (Ok(5271.0), Ok(-1.0))
    );
    assert!(eval("work / other", &var).unwrap_err().contains("`other`"));
    assert!(eval("2 +", &var).is_err() && eval("(2", &var).is_err() && eval("2 2", &var).is_err());
    let mut r = Report::default();
    for printed in [24.4, 24.3] {
        recompute(
            &mut r,
            "x",
            printed,
            Some(1),
            eval("work / sum(work) * 100", &var),
            &Origin::default(),
        );
    }
    assert_eq!((r.derived, r.missed), (1, 1));
}

#[test]
fn lines_are_found_by_number_as_str_lines_splits_them() {
    for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n\nc", "\n\n", "x\ny\r\n"] {
        let lines = Lines::new(text.to_string());
        let expected: Vec<&str> = text.lines().collect();
        let found: Vec<&str> = (1..=expected.len() + 1)
            .map_while(|n| lines.line(n))
            .collect();
        assert_eq!(found, expected, "{text:?}");
        assert_eq!(lines.line(0), None);
    }
}
