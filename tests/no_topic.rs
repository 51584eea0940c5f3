//! Nothing about this repo's report lives in the engine: no id or name of its sources, datasets,
//! charts, pages, places, organizations or people appears anywhere under `src/` (code, tests,
//! comments, the built-in theme and the starter site). What is this site's comes from `content/`,
//! `book.toml` and its `templates/` overrides.

mod common;

use std::collections::BTreeSet;

use fieldbook::model::EntityKind;

/// The repo site's ids and proper names, lower-cased (glossary terms are ordinary words).
fn topic_words() -> BTreeSet<String> {
    let built = fieldbook::compile(&common::repo(), false).expect("the repo site builds");
    let site = &built.site;
    let mut words: BTreeSet<String> = BTreeSet::new();
    words.extend(site.sources.iter().map(|s| s.id.clone()));
    words.extend(site.datasets.iter().map(|d| d.id.clone()));
    words.extend(site.charts.iter().map(|c| c.id.clone()));
    words.extend(site.pages.iter().map(|p| p.meta.id.clone()));
    for e in site.entities.iter().filter(|e| e.kind != EntityKind::Term) {
        words.insert(e.id.clone());
        words.insert(e.name.clone());
    }
    // The report's subject, as its title names it.
    words.extend(["korea", "primorsky", "maritime province"].map(String::from));
    words
        .into_iter()
        .map(|w| w.to_lowercase())
        // Ids that are ordinary words ("about", "introduction", "conclusion") say nothing of the topic.
        .filter(|w| w.len() >= 5 && !GENERIC.contains(&w.as_str()))
        .collect()
}

const GENERIC: &[&str] = &[
    "about",
    "introduction",
    "conclusion",
    "timeline",
    "china",
    "japan",
    "russia",
];

/// Whether `word` occurs in `text` with no letter or digit right before or after it.
fn occurs(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn the_engine_names_nothing_of_this_report() {
    let words = topic_words();
    assert!(
        words.len() > 100,
        "the repo site's ids and names: {}",
        words.len()
    );
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(common::repo().join("src")) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue; // fonts
        };
        let text = text.to_lowercase();
        for w in &words {
            if occurs(&text, w) {
                found.push(format!("{}: {w}", e.path().display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "this report's words in src/:\n{}",
        found.join("\n")
    );
}
