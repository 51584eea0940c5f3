//! Provenance: every number the site prints is shown to be printed where its locator says.
//!
//! A source may name `text`, a local plain-text copy of the document (relative to the site root;
//! read only here, never published), and `sections`, the regions of that text that locators name:
//! `"Table 2-1": {start: "Table 2-1. Numbers ...", end: "Source:", pages: "33"}`. [`check`] (run by
//! `fieldbook check`) looks up every key figure and every numeric dataset cell (year columns aside)
//! where its locator says, and warns at the figure's or row's file:line:col about each one missing.
//!
//! A locator is split at `;`; a part `cited in <source> <rest>` is looked up in that source's text.
//! A part names sections by key (`Table 2-1`, `II.3`), or by pages alone (`p. 32`: every section
//! whose `pages` overlap); a part naming a section must cite pages inside its `pages`. A value must
//! be printed in one of the regions named. A key figure's `display` must be printed there as written
//! (case, dashes, quotes and blanks aside) and print its `value`, `low` and `high`; without a display
//! the values are looked up. Numbers match with or without thousands commas (`7,336`, `7336`), times
//! a scale word (`$1.2-2.3 billion`) or in words (`sixty-five`); signs and units are not compared.
//!
//! A computed value says so in a note (a key figure's `note`, a dataset note, a column's
//! `description`): ``derived: `value = 100 / 2` ``, ``derived: `share = part / whole * 100` ``. In a
//! dataset `column[key=text]` limits it to rows whose `key` reads `text`; `sum(column)` adds the
//! column's cells that are not derived, `row()` is the row's number, `rank(column)` numbers the runs
//! of equal `column` values (1, 1, 2, ...). It is recomputed, not looked up, and must agree at its
//! printed decimals.
//!
//! The submodules: `figures` and `datasets` check each kind of value, `locators` finds the regions a
//! locator names and looks a value up in them, `sections` reads a source's text into sections,
//! `numbers` reads the numbers a line prints, `formulas` recomputes derived values, and `positions`
//! finds where a key is written in an item's YAML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::model::{Origin, Site, Source};

mod datasets;
mod figures;
mod formulas;
mod locators;
mod numbers;
mod positions;
mod sections;

use numbers::printed;
use positions::origin_at;
use sections::{find_region, plain};

/// A source's text: per line, the numbers printed and the plain text; the sections' line ranges.
struct Text {
    path: String,
    numbers: Vec<Vec<f64>>,
    plain: Vec<String>,
    regions: BTreeMap<String, Region>,
}

/// The lines `from..to` of a text, and the printed pages they cover.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Region {
    from: usize,
    to: usize,
    pages: Option<(u32, u32)>,
}

/// What one part of a locator names: sections of a source's text, a source without text, or nothing.
enum Part {
    Regions(String, Vec<String>),
    NoText(String),
    Bad(String),
}

/// A region a locator names: the source, its text, the section key, the lines.
type Place<'c> = (&'c str, &'c Text, &'c str, Region);

/// The site's texts (by source id), source ids and content files, read once.
struct Cx<'a> {
    texts: BTreeMap<String, Text>,
    sources: BTreeSet<&'a str>,
    files: BTreeMap<PathBuf, positions::Lines>,
}

/// What the check found: diagnostics, locator problems already reported, counts.
#[derive(Default)]
struct Report {
    out: Vec<Diagnostic>,
    seen: BTreeSet<(PathBuf, usize, String)>,
    found: usize,
    derived: usize,
    missed: usize,
    skipped: BTreeMap<String, usize>,
}

impl Report {
    fn count(&mut self, found: bool) {
        *if found {
            &mut self.found
        } else {
            &mut self.missed
        } += 1;
    }
    fn warn(&mut self, at: &Origin, message: String, hint: impl Into<String>) {
        self.out
            .push(Diagnostic::warning(&at.path, at.line, at.col, message).with_hint(hint));
    }
}

const HINT_DERIVED: &str = "correct the value or the locator; if the value is computed, say so in a note: derived: `target = formula`";
/// Checks every key figure and numeric dataset cell of `site` against its source's text.
pub fn check(site: &Site, root: &Path) -> Vec<Diagnostic> {
    let mut r = Report::default();
    let paths = site
        .sources
        .iter()
        .map(|s| &s.origin.path)
        .chain(site.figures.iter().map(|f| &f.origin.path));
    let files = paths
        .chain(site.datasets.iter().map(|d| &d.origin.path))
        .map(|p| {
            (
                p.clone(),
                positions::Lines::new(std::fs::read_to_string(root.join(p)).unwrap_or_default()),
            )
        });
    let mut cx = Cx {
        texts: BTreeMap::new(),
        sources: site.sources.iter().map(|s| s.id.as_str()).collect(),
        files: files.collect(),
    };
    for s in &site.sources {
        if let Some(text) = source_text(s, root, &cx.files, &mut r) {
            cx.texts.insert(s.id.clone(), text);
        }
    }
    site.figures
        .iter()
        .for_each(|f| figures::figure(&cx, &mut r, f));
    site.datasets
        .iter()
        .for_each(|d| datasets::dataset(&cx, &mut r, d));
    summarize(site, &cx, &mut r);
    r.out
}

/// A source's text read into lines and its sections found, with a warning for a text file that
/// cannot be read and for each section not found; `None` when the source names no text or it
/// cannot be read.
fn source_text(
    s: &Source,
    root: &Path,
    files: &BTreeMap<PathBuf, positions::Lines>,
    r: &mut Report,
) -> Option<Text> {
    let path = s.text.as_ref()?;
    let at = |key: &str| origin_at(&files[&s.origin.path], &s.origin, key);
    let Ok(raw) = std::fs::read_to_string(root.join(path)) else {
        r.warn(&at("text"), format!("source `{}`: text file {path} not found; its values are not checked", s.id), "the text is a local copy of the document, never published; put it there or remove `text:`");
        return None;
    };
    let lines: Vec<&str> = raw.lines().collect();
    let mut regions = BTreeMap::new();
    for (key, section) in &s.sections {
        match find_region(&lines, section) {
            Ok(region) => _ = regions.insert(key.clone(), region),
            Err(e) => r.warn(&at(key), format!("source `{}`, section `{key}`: {e}", s.id), "`start` and `end` are lines of the text (headings' `#` and `*` aside); `start` must find one line"),
        }
    }
    let (numbers, plain) = (
        lines.iter().map(|l| printed(l)).collect(),
        lines.iter().map(|l| plain(l)).collect(),
    );
    Some(Text {
        path: path.clone(),
        numbers,
        plain,
        regions,
    })
}

/// The closing notes: values not checked for want of a text, per source, and the counts.
fn summarize(site: &Site, cx: &Cx, r: &mut Report) {
    for (id, n) in &r.skipped {
        let s = site
            .sources
            .iter()
            .find(|s| &s.id == id)
            .map_or(Origin::default(), |s| s.origin.clone());
        r.out.push(Diagnostic::note(
            &s.path,
            s.line,
            s.col,
            format!("{n} values not checked: source `{id}` has no text"),
        ));
    }
    if let Some(s) = site.sources.iter().find(|s| cx.texts.contains_key(&s.id)) {
        let (found, derived, missed) = (r.found, r.derived, r.missed);
        let message = format!("provenance: {} values checked against the source texts: {found} printed where their locators say, {derived} derived and recomputed, {missed} not found", found + derived + missed);
        r.out.push(Diagnostic::note(
            &s.origin.path,
            s.origin.line,
            s.origin.col,
            message,
        ));
    }
}

#[cfg(test)]
mod tests;
