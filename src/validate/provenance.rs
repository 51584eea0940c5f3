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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::model::{
    format_number, Cell, ColumnType, Dataset, KeyFigure, Origin, Row, Section, Site,
};

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
    files: BTreeMap<PathBuf, String>,
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
                std::fs::read_to_string(root.join(p)).unwrap_or_default(),
            )
        });
    let mut cx = Cx {
        texts: BTreeMap::new(),
        sources: site.sources.iter().map(|s| s.id.as_str()).collect(),
        files: files.collect(),
    };
    for s in &site.sources {
        let Some(path) = &s.text else { continue };
        let at = |key: &str| origin_at(&cx.files[&s.origin.path], &s.origin, key);
        let Ok(raw) = std::fs::read_to_string(root.join(path)) else {
            r.warn(&at("text"), format!("source `{}`: text file {path} not found; its values are not checked", s.id), "the text is a local copy of the document, never published; put it there or remove `text:`");
            continue;
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
        cx.texts.insert(
            s.id.clone(),
            Text {
                path: path.clone(),
                numbers,
                plain,
                regions,
            },
        );
    }
    site.figures.iter().for_each(|f| figure(&cx, &mut r, f));
    site.datasets.iter().for_each(|d| dataset(&cx, &mut r, d));
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
    r.out
}

/// A key figure: its display printed where the locator says and each value printed by the display
/// (without a display, each value printed there); derived values recomputed.
fn figure(cx: &Cx, r: &mut Report, f: &KeyFigure) {
    let yaml = cx.files.get(&f.origin.path).map_or("", String::as_str);
    let at = |key: &str| origin_at(yaml, &f.origin, key);
    let what = |field: &str| format!("key figure `{}` ({field})", f.id);
    let declared = f.note.as_deref().map(declarations).unwrap_or_default();
    let mut searched = Vec::new();
    for (field, value) in [("value", f.value), ("low", f.low), ("high", f.high)] {
        let Some(value) = value else { continue };
        match declared.iter().find(|(target, _)| target.as_str() == field) {
            Some((_, formula)) => recompute(
                r,
                &what(field),
                value,
                None,
                eval(formula, &|_, _| None),
                &at(field),
            ),
            None => searched.push((field, value)),
        }
    }
    if searched.is_empty() && f.display.is_none() {
        return;
    }
    let Some(places) = locate(
        cx,
        r,
        &format!("key figure `{}`", f.id),
        (&f.locator, &f.source),
        &at("locator"),
        searched.len().max(1),
    ) else {
        return;
    };
    let Some(display) = &f.display else {
        for (field, v) in searched {
            let found = look(
                r,
                &what(field),
                &format_number(v, None),
                &f.locator,
                &places,
                &prints(v),
                &at(field),
            );
            r.count(found);
        }
        return;
    };
    let needle = plain(display);
    let shown = look(
        r,
        &what("display"),
        &format!("\"{display}\""),
        &f.locator,
        &places,
        &|t, l| t.plain[l].contains(&needle),
        &at("display"),
    );
    if searched.is_empty() {
        return r.missed += usize::from(!shown); // every value derived: a display not printed still counts
    }
    let in_display = printed(display);
    for (field, v) in searched {
        let printed_by_display = in_display.iter().any(|&n| same(n, v));
        if !printed_by_display {
            r.warn(
                &at(field),
                format!(
                    "{}: display \"{display}\" does not print {}",
                    what(field),
                    format_number(v, None)
                ),
                HINT_DERIVED,
            );
        }
        r.count(shown && printed_by_display);
    }
}

/// A dataset: every numeric cell outside year columns, where its row's or the dataset's locator says.
fn dataset(cx: &Cx, r: &mut Report, d: &Dataset) {
    let yaml = cx.files.get(&d.origin.path).map_or("", String::as_str);
    let notes = d
        .notes
        .iter()
        .map(|n| n.text.as_str())
        .chain(d.columns.iter().filter_map(|c| c.description.as_deref()));
    let declared: Vec<Derivation> = notes
        .flat_map(declarations)
        .filter_map(|(t, f)| Derivation::new(&t, f))
        .collect();
    let derived_at =
        |col: &str, row: &Row| declared.iter().find(|x| x.column == col && x.applies(row));
    let source_col = d
        .columns
        .iter()
        .find(|c| c.kind == ColumnType::Source)
        .map(|c| c.name.as_str());
    let dataset_locator = origin_at(yaml, &d.origin, "locator");
    for (i, row) in d.rows.iter().enumerate() {
        let line = d.row_lines.get(i).copied().unwrap_or(d.origin.line);
        let row_text = yaml.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let at = |col: &str| Origin {
            path: d.origin.path.clone(),
            line,
            col: key_col(row_text, col).unwrap_or(1),
        };
        let text_of = |col: Option<&str>| {
            col.and_then(|c| {
                if let Some(Cell::Text(t)) = row.get(c) {
                    Some(t.as_str())
                } else {
                    None
                }
            })
        };
        let source = text_of(source_col).unwrap_or(&d.source);
        let (locator, loc_at) = match text_of(Some("locator")) {
            Some(l) => (l, at("locator")),
            None => (d.locator.as_str(), dataset_locator.clone()),
        };
        for c in d
            .columns
            .iter()
            .filter(|c| c.kind.is_numeric() && !c.is_year())
        {
            let Some(v) = row.get(&c.name).and_then(Cell::as_f64) else {
                continue;
            };
            let what = format!("dataset `{}`, row {} (`{}`)", d.id, i + 1, c.name);
            if let Some(x) = derived_at(&c.name, row) {
                let var = |name: &str, arg: Option<&str>| match (name, arg) {
                    (_, None) => row.get(name).and_then(Cell::as_f64),
                    ("sum", Some(col)) => Some(
                        d.rows
                            .iter()
                            .filter(|o| derived_at(col, o).is_none())
                            .filter_map(|o| o.get(col).and_then(Cell::as_f64))
                            .sum(),
                    ),
                    ("row", Some("")) => Some(i as f64 + 1.0),
                    ("rank", Some(col)) => Some(
                        d.rows[..=i]
                            .chunk_by(|a, b| a.get(col) == b.get(col))
                            .count() as f64,
                    ),
                    _ => None,
                };
                recompute(
                    r,
                    &what,
                    v,
                    c.decimals,
                    eval(&x.formula, &var),
                    &at(&c.name),
                );
            } else if let Some(places) = locate(cx, r, &what, (locator, source), &loc_at, 1) {
                let found = look(
                    r,
                    &what,
                    &c.format(&Cell::Num(v)),
                    locator,
                    &places,
                    &prints(v),
                    &at(&c.name),
                );
                r.count(found);
            }
        }
    }
}

/// A dataset's `derived:` declaration: the column, the rows it covers, the formula.
struct Derivation {
    column: String,
    only: Option<(String, String)>,
    formula: String,
}

impl Derivation {
    fn new(target: &str, formula: String) -> Option<Derivation> {
        let (column, only) = target
            .split_once('[')
            .map_or(Some((target, None)), |(c, rest)| {
                let (k, v) = rest.strip_suffix(']')?.split_once('=')?;
                Some((c, Some((k.trim().to_string(), v.trim().to_string()))))
            })?;
        Some(Derivation {
            column: column.trim().to_string(),
            only,
            formula,
        })
    }
    fn applies(&self, row: &Row) -> bool {
        self.only
            .as_ref()
            .is_none_or(|(k, v)| row.get(k).is_some_and(|c| c.raw() == *v))
    }
}

/// Equal as printed numbers are (`1.2e9` against `1.2 billion`).
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Whether a line of a text prints `v`.
fn prints(v: f64) -> impl Fn(&Text, usize) -> bool {
    move |t, l| t.numbers[l].iter().any(|&n| same(n, v))
}

/// Compares a derived value with its recomputation, at the printed decimals.
fn recompute(
    r: &mut Report,
    what: &str,
    stored: f64,
    decimals: Option<u8>,
    computed: Result<f64, String>,
    at: &Origin,
) {
    let d = decimals
        .map_or_else(
            || {
                format!("{stored}")
                    .split_once('.')
                    .map_or(0, |(_, f)| f.len())
            },
            usize::from,
        )
        .min(12);
    let scale = 10f64.powi(d as i32);
    let problem = match computed {
        Ok(c) if (c * scale).round() == (stored * scale).round() => return r.derived += 1,
        Ok(c) => format!(
            "{} is declared derived, but its formula gives {}",
            format_number(stored, None),
            format_number((c * 1e6).round() / 1e6, None)
        ),
        Err(e) => format!("its derived formula cannot be computed: {e}"),
    };
    r.missed += 1;
    r.warn(at, format!("{what}: {problem}"), "a formula has numbers, + - * / ( ), the row's numeric columns, sum(column), row() and rank(column); a value printed as it is is not derived");
}

/// The regions `locator` names, after warning at `loc_at` about its bad parts; `None` (counting
/// `n` values as not checked, or as missed when a part is bad) when it names none.
fn locate<'c>(
    cx: &'c Cx,
    r: &mut Report,
    what: &str,
    (locator, source): (&str, &str),
    loc_at: &Origin,
    n: usize,
) -> Option<Vec<Place<'c>>> {
    let parts: Vec<Part> = locator
        .split(';')
        .map(|p| part(cx, p.trim(), source))
        .collect();
    let mut places = Vec::new();
    for p in &parts {
        match p {
            Part::Bad(why)
                if r.seen
                    .insert((loc_at.path.clone(), loc_at.line, why.clone())) =>
            {
                r.warn(loc_at, format!("{what}: locator `{locator}`: {why}"), "a locator names sections declared under the source's `sections:`, or pages inside their `pages`");
            }
            Part::Regions(id, keys) => {
                let (id, text) = cx.texts.get_key_value(id)?;
                places.extend(
                    keys.iter()
                        .filter_map(|k| text.regions.get_key_value(k))
                        .map(|(k, g)| (id.as_str(), text, k.as_str(), *g)),
                );
            }
            _ => {}
        }
    }
    if !places.is_empty() {
        return Some(places);
    }
    let no_text = parts.iter().find_map(|p| {
        if let Part::NoText(id) = p {
            Some(id)
        } else {
            None
        }
    });
    match no_text.filter(|_| !parts.iter().any(|p| matches!(p, Part::Bad(_)))) {
        Some(id) => *r.skipped.entry(id.clone()).or_default() += n,
        None => r.missed += n,
    }
    None
}

/// Whether `hit` holds on a line of one of the places; if not, a warning at `at` names where it does.
fn look(
    r: &mut Report,
    what: &str,
    shown: &str,
    locator: &str,
    places: &[Place],
    hit: &dyn Fn(&Text, usize) -> bool,
    at: &Origin,
) -> bool {
    if places
        .iter()
        .any(|&(_, t, _, g)| (g.from..g.to).any(|l| hit(t, l)))
    {
        return true;
    }
    let (id, text, _, _) = places[0];
    let looked: Vec<String> = places
        .iter()
        .map(|(_, _, k, g)| format!("`{k}` (lines {}-{})", g.from + 1, g.to))
        .collect();
    let elsewhere: Vec<String> = (0..text.plain.len())
        .filter(|&l| hit(text, l))
        .take(3)
        .map(|l| {
            let within = text
                .regions
                .iter()
                .filter(|(_, g)| l >= g.from && l < g.to)
                .min_by_key(|(_, g)| g.to - g.from);
            format!(
                "line {}{}",
                l + 1,
                within.map_or(String::new(), |(k, _)| format!(" (`{k}`)"))
            )
        })
        .collect();
    let elsewhere = if elsewhere.is_empty() {
        format!("it is printed nowhere in {}", text.path)
    } else {
        format!("{} prints it at {}", text.path, elsewhere.join(", "))
    };
    r.warn(
        at,
        format!(
            "{what}: {shown} is not printed in {} of {id}'s text (locator `{locator}`)",
            looked.join(" or ")
        ),
        format!("{elsewhere}; {HINT_DERIVED}"),
    );
    false
}

/// What one `;`-separated part of a locator names.
fn part(cx: &Cx, clause: &str, own: &str) -> Part {
    let cited = clause.find("cited in ").map(|at| &clause[at + 9..]);
    let (source, clause) =
        match cited.map(|rest| (rest, rest.split_whitespace().next().unwrap_or(""))) {
            Some((rest, id)) if cx.sources.contains(id) => (id, rest[id.len()..].trim()),
            _ => (own, clause),
        };
    let Some(text) = cx.texts.get(source) else {
        return Part::NoText(source.to_string());
    };
    let (keys, pages) = (keys_in(clause, &text.regions), pages_in(clause));
    let overlap = |(a, b): (u32, u32), (lo, hi): (u32, u32)| a <= hi && b >= lo;
    if keys.is_empty() {
        let Some(p) = pages else {
            return Part::Bad(format!("`{clause}` names no section of {source}'s text"));
        };
        let hits: Vec<String> = text
            .regions
            .iter()
            .filter(|(_, g)| g.pages.is_some_and(|q| overlap(p, q)))
            .map(|(k, _)| k.clone())
            .collect();
        let none = format!("no section of {source}'s text covers pp. {}-{}", p.0, p.1);
        return if hits.is_empty() {
            Part::Bad(none)
        } else {
            Part::Regions(source.to_string(), hits)
        };
    }
    if let Some((k, p, q)) = keys
        .iter()
        .filter_map(|k| Some((k, pages?, text.regions[*k].pages?)))
        .find(|(_, p, q)| !overlap(*p, *q))
    {
        return Part::Bad(format!(
            "`{k}` covers pp. {}-{}, not pp. {}-{}",
            q.0, q.1, p.0, p.1
        ));
    }
    Part::Regions(
        source.to_string(),
        keys.iter().map(|k| k.to_string()).collect(),
    )
}

/// The section keys a locator part names, whole (`II.3` is not in `III.3`), longest first.
fn keys_in<'a>(clause: &str, regions: &'a BTreeMap<String, Region>) -> Vec<&'a str> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut hits: Vec<(usize, usize, &str)> = Vec::new();
    for key in regions.keys().filter(|k| !k.is_empty()) {
        for (at, _) in clause.match_indices(key.as_str()) {
            let (a1, a2) = (
                clause[at + key.len()..].chars().next(),
                clause[at + key.len()..].chars().nth(1),
            );
            let joined = matches!(a1, Some('.' | '-' | '–')) && word(a2);
            if !word(clause[..at].chars().next_back()) && !word(a1) && !joined {
                hits.push((at, at + key.len(), key));
            }
        }
    }
    let inside = |&(a, b, k): &(usize, usize, &str)| {
        hits.iter()
            .any(|&(c, d, j)| c <= a && b <= d && j.len() > k.len())
    };
    let mut keys: Vec<&str> = hits.iter().filter(|h| !inside(h)).map(|h| h.2).collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    keys.dedup();
    keys
}

/// The pages a locator part cites (`p. 32`, `pp. 43-44`, several: from the first to the last).
fn pages_in(clause: &str) -> Option<(u32, u32)> {
    let found: Vec<(u32, u32)> = clause
        .match_indices("p.")
        .filter(|(at, _)| {
            let before = clause[..*at].chars().next_back();
            before.is_none_or(|c| {
                !c.is_alphanumeric()
                    || (c == 'p' && !clause[..at - 1].ends_with(char::is_alphanumeric))
            })
        })
        .filter_map(|(at, _)| {
            parse_pages(
                clause[at + 2..]
                    .trim_start()
                    .split([',', ';', ')', ' '])
                    .next()
                    .unwrap_or(""),
            )
        })
        .collect();
    Some((
        found.iter().map(|p| p.0).min()?,
        found.iter().map(|p| p.1).max()?,
    ))
}

/// `"31-55"` or `"33"` (en dash allowed).
fn parse_pages(text: &str) -> Option<(u32, u32)> {
    let mut ends = text
        .trim()
        .split(['-', '–'])
        .map(|n| n.trim().parse::<u32>());
    let first = ends.next()?.ok()?;
    let last = ends.next().map_or(Ok(first), |n| n).ok()?;
    (ends.next().is_none() && first <= last).then_some((first, last))
}

/// A line without heading marks, emphasis stars, escapes and blanks at its ends.
fn norm(line: &str) -> &str {
    line.trim()
        .trim_start_matches(['#', '*', '\\', '>', ' ', '\t'])
        .trim_end_matches(['*', ' ', '\t'])
}

/// A line for comparing printed text: lower case, one kind of dash and quote, no `\`, single blanks.
fn plain(line: &str) -> String {
    let mapped = line
        .to_lowercase()
        .replace('\\', "")
        .replace(['–', '—', '‑', '−'], "-")
        .replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"");
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a line begins with `marker`, or, for `head … tail` (or `...`), begins with `head` and ends with `tail`.
fn begins(line: &str, marker: &str) -> bool {
    match marker
        .split_once('…')
        .or_else(|| marker.split_once("..."))
        .map(|(h, t)| (h.trim_end(), t.trim_start()))
    {
        Some((h, t)) => line.len() >= h.len() + t.len() && line.starts_with(h) && line.ends_with(t),
        None => !marker.is_empty() && line.starts_with(marker),
    }
}

/// The lines a section covers in `lines`.
fn find_region(lines: &[&str], s: &Section) -> Result<Region, String> {
    let start = norm(&s.start);
    let numbered = |hit: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..lines.len()).filter(|&i| hit(norm(lines[i]))).collect()
    };
    let (equal, begin) = (numbered(&|l| l == start), numbered(&|l| begins(l, start)));
    let from = match (equal.as_slice(), begin.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => return Err(format!("no line of the text begins with `{}`", s.start)),
        (e, b) => {
            return Err(format!(
                "`start` matches lines {} of the text; make it match one",
                if e.is_empty() { b } else { e }
                    .iter()
                    .take(4)
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    let to = match s.end.as_deref().map(norm) {
        None => lines.len(),
        Some(end) => (from + 1..lines.len())
            .find(|&i| begins(norm(lines[i]), end))
            .ok_or_else(|| format!("no line after line {} begins with `{end}`", from + 1))?,
    };
    let pages = s
        .pages
        .as_deref()
        .map(|p| {
            parse_pages(p)
                .ok_or_else(|| format!("`pages: {p}` is not a page or a range like 31-55"))
        })
        .transpose()?;
    Ok(Region { from, to, pages })
}

/// Where `key:` is written in the item declared at `item`, else the item itself.
fn origin_at(yaml: &str, item: &Origin, key: &str) -> Origin {
    let (line, col) = key_at(yaml, item.line, key).unwrap_or((item.line, item.col));
    Origin {
        path: item.path.clone(),
        line,
        col,
    }
}

/// 1-based line and column of `key:` at or after line `from`, within the list item starting there.
fn key_at(text: &str, from: usize, key: &str) -> Option<(usize, usize)> {
    let mut lines = text.lines().enumerate().skip(from.saturating_sub(1));
    let first = lines.next()?;
    std::iter::once(first)
        .chain(lines.take_while(|(_, l)| !l.starts_with("- ")))
        .find_map(|(n, l)| key_col(l, key).map(|c| (n + 1, c)))
}

/// 1-based column of `key:` (quotes allowed) in a line.
fn key_col(line: &str, key: &str) -> Option<usize> {
    line.match_indices(key).find_map(|(at, _)| {
        let joined = line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
        (!joined
            && line[at + key.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':'))
        .then(|| line[..at].chars().count() + 1)
    })
}

/// Every ``derived: `target = formula` `` in a note, as (target, formula).
fn declarations(note: &str) -> Vec<(String, String)> {
    let lower = note.to_ascii_lowercase();
    let found = lower.match_indices("derived:").filter_map(|(at, m)| {
        let body = note[at + m.len()..]
            .trim_start()
            .strip_prefix('`')?
            .split_once('`')?
            .0;
        let eq = body.find(']').map_or(0, |b| b + 1);
        let (target, formula) = body.split_at(eq + body[eq..].find('=')?);
        Some((target.trim().to_string(), formula[1..].trim().to_string()))
    });
    found.collect()
}

type Var<'a> = &'a dyn Fn(&str, Option<&str>) -> Option<f64>;

/// Computes a formula: numbers, `+ - * / ( )`, names and `name(argument)` looked up by `var`.
fn eval(formula: &str, var: Var) -> Result<f64, String> {
    let (b, mut lexed, mut i) = (formula.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let run = |ok: fn(&u8) -> bool| b[i..].iter().take_while(|c| ok(c)).count();
        let n = match b[i] {
            c if c.is_ascii_digit() => run(|c| c.is_ascii_digit() || *c == b'.' || *c == b','),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                run(|c| c.is_ascii_alphanumeric() || *c == b'_')
            }
            _ => formula[i..].chars().next().map_or(1, char::len_utf8),
        };
        lexed.extend(formula.get(i..i + n).filter(|t| !t.trim().is_empty()));
        i += n;
    }
    let mut at = 0;
    let v = calc(&lexed, &mut at, 0, var)?;
    lexed
        .get(at)
        .map_or(Ok(v), |t| Err(format!("unexpected `{t}` in `{formula}`")))
}

/// Precedence climbing from `t[*at]`, taking operators that bind tighter than `min` (+ - 1, * / 2).
fn calc(t: &[&str], at: &mut usize, min: u8, var: Var) -> Result<f64, String> {
    let tok = *t.get(*at).ok_or("the formula ends too soon")?;
    *at += 1;
    let close = |at: &mut usize| {
        (t.get(*at) == Some(&")"))
            .then(|| *at += 1)
            .ok_or(format!("a `(` after `{tok}` is not closed"))
    };
    let mut v = match tok {
        "(" => (calc(t, at, 0, var)?, close(at)?).0,
        "-" => -calc(t, at, 3, var)?,
        _ if tok.starts_with(|c: char| c.is_ascii_digit()) => tok
            .replace(',', "")
            .parse()
            .map_err(|_| format!("`{tok}` is not a number"))?,
        _ if t.get(*at) == Some(&"(") => {
            let arg = t.get(*at + 1).filter(|a| **a != ")").copied();
            *at += 1 + usize::from(arg.is_some());
            close(at)?;
            var(tok, Some(arg.unwrap_or("")))
                .ok_or(format!("`{tok}({})` cannot be computed", arg.unwrap_or("")))?
        }
        _ => var(tok, None).ok_or(format!("`{tok}` has no number here"))?,
    };
    let binds = |op: &str| match op {
        "+" | "-" => 1,
        "*" | "/" => 2,
        _ => 0,
    };
    while let Some(&op) = t.get(*at).filter(|op| binds(op) > min) {
        *at += 1;
        let r = calc(t, at, binds(op), var)?;
        v = match op {
            "+" => v + r,
            "-" => v - r,
            "*" => v * r,
            _ => v / r,
        };
    }
    Ok(v)
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [(&str, f64); 4] = [
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
];

/// A number, a lower-case word or another character of a line.
enum Tok {
    Num(f64),
    Word(String),
    Gap(char),
}

/// The value of a number word below a hundred (`seven`, `forty`), and of a scale word.
fn word_value(w: &str) -> Option<f64> {
    UNITS
        .iter()
        .position(|u| *u == w)
        .map(|i| i as f64)
        .or_else(|| {
            TENS.iter()
                .position(|t| *t == w)
                .map(|i| (i as f64 + 2.0) * 10.0)
        })
}
fn scale(w: &str) -> Option<f64> {
    SCALES.iter().find(|(s, _)| *s == w).map(|(_, f)| *f)
}

/// A line as numbers (`7,336` is one), lower-case words and single other characters.
fn tokens(line: &str) -> Vec<Tok> {
    let c: Vec<char> = line.chars().collect();
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let (mut out, mut i) = (Vec::new(), 0);
    while i < c.len() {
        if digit(i) {
            let mut s = String::new();
            while digit(i)
                || c.get(i) == Some(&',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4)
                || c.get(i) == Some(&'.') && !s.contains('.') && digit(i + 1)
            {
                s.extend(Some(c[i]).filter(|&ch| ch != ','));
                i += 1;
            }
            out.extend(s.parse().ok().map(Tok::Num));
        } else {
            let n = c[i..].iter().take_while(|ch| ch.is_alphabetic()).count();
            out.push(if n == 0 {
                Tok::Gap(c[i])
            } else {
                Tok::Word(c[i..i + n].iter().collect::<String>().to_lowercase())
            });
            i += n.max(1);
        }
    }
    out
}

/// The scale word a number is followed by, across a range (`1.2-2.3 billion`, `$150-$230 million`).
fn scale_after(t: &[Tok]) -> Option<f64> {
    for tok in t.iter().take(8) {
        match tok {
            Tok::Word(w) if scale(w).is_some() => return scale(w),
            Tok::Word(w) if matches!(w.as_str(), "to" | "or" | "and") => {}
            Tok::Num(_) | Tok::Gap(' ' | '-' | '–' | '$' | '\\' | '~') => {}
            _ => return None,
        }
    }
    None
}

/// Every number printed in a line: digits and English number words, each also times a scale word after it.
fn printed(line: &str) -> Vec<f64> {
    let t = tokens(line);
    let (mut out, mut i) = (Vec::new(), 0);
    let is_number = |tok: Option<&Tok>| matches!(tok, Some(Tok::Word(n)) if word_value(n).or(scale(n)).is_some());
    while i < t.len() {
        match &t[i] {
            Tok::Num(v) => out.extend(
                [Some(*v), scale_after(&t[i + 1..]).map(|f| v * f)]
                    .into_iter()
                    .flatten(),
            ),
            Tok::Word(w) if word_value(w).is_some() => {
                let (mut total, mut current) = (0.0, 0.0);
                while let Some(Tok::Word(w)) = t.get(i) {
                    match (word_value(w), scale(w)) {
                        (Some(v), _) => current += v,
                        (_, Some(100.0)) => current *= 100.0,
                        (_, Some(f)) => (total, current) = (total + current * f, 0.0),
                        _ => break,
                    }
                    if !matches!(t.get(i + 1), Some(Tok::Gap(' ' | '-')))
                        || !is_number(t.get(i + 2))
                    {
                        break;
                    }
                    i += 2;
                }
                out.push(total + current);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_printed() {
        let near = |a: Vec<f64>, b: &[f64]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(*x, *y))
        };
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
        let yaml = "- id: a\n  value: 5\n  locator: \"p. 2\"\n- id: b\n  value: 6\n";
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
        assert!(
            eval("2 +", &var).is_err() && eval("(2", &var).is_err() && eval("2 2", &var).is_err()
        );
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
}
