//! Validate and index: every id in one table, every cross-reference in YAML fields checked.
//!
//! The [`Index`] maps `(kind, id)` to what a link needs (title, URL, summary) and is the only thing the
//! Markdown stage consults to resolve `@kind/id` links and `[@key]` citations. Building it finds invalid
//! and duplicate ids, reserved page ids and aliases; [`check_references`] then checks every id written
//! in a YAML field (a dataset's source, a chart's dataset and columns, an event's pages, ...).

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::*;

/// What a link to an item needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Title or name.
    pub title: String,
    /// Site path (`/places/artyom/`).
    pub url: String,
    /// One line, for previews and search.
    pub summary: String,
    /// Author-date label for sources ("Lee and Lee 2016").
    pub cite_label: Option<String>,
}

/// Every item by kind and id, plus aliases.
#[derive(Debug, Clone, Default)]
pub struct Index {
    entries: BTreeMap<(Kind, String), Entry>,
    /// Old site path -> new site path.
    pub redirects: BTreeMap<String, String>,
}

impl Index {
    /// The entry for `kind`/`id`.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&Entry> {
        self.entries.get(&(kind, id.to_string()))
    }

    /// Whether the item exists.
    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.entries.contains_key(&(kind, id.to_string()))
    }

    /// All ids of a kind, sorted.
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.entries
            .keys()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, id)| id.as_str())
    }

    /// A "did you mean" hint for an unknown id of `kind`, naming candidates as `kind/id`.
    pub fn hint(&self, kind: Kind, id: &str) -> String {
        let fallback = if self.ids(kind).next().is_none() {
            format!("there are no items of kind `{}` yet", kind.ref_name())
        } else {
            format!(
                "see the list of {} for existing ids",
                kind.plural().to_lowercase()
            )
        };
        let near = crate::diag::closest(id, self.ids(kind));
        if near.is_empty() {
            return fallback;
        }
        let list: Vec<String> = near
            .iter()
            .map(|c| format!("`{}/{c}`", kind.ref_name()))
            .collect();
        format!("did you mean {}?", list.join(" or "))
    }

    /// Builds the index, reporting invalid, reserved and duplicate ids.
    pub fn build(site: &Site) -> (Index, Vec<Diagnostic>) {
        let mut index = Index::default();
        let mut problems = Vec::new();
        let mut origins: BTreeMap<(Kind, String), Origin> = BTreeMap::new();
        let mut alias_origins: BTreeMap<String, (Origin, String)> = BTreeMap::new();
        let mut add = |kind: Kind, id: &str, origin: &Origin, entry: Entry, aliases: &[String]| {
            if !is_valid_id(id) {
                problems.push(
                    Diagnostic::error(&origin.path, origin.line, origin.col, format!("`{id}` is not a valid id"))
                        .with_len(id.chars().count())
                        .with_hint("ids use lowercase letters, digits and `-` only (no `/`, `.` or spaces), e.g. `planned-quotas`"),
                );
                return;
            }
            if kind == Kind::Page && RESERVED_PAGE_IDS.contains(&id) {
                problems.push(
                    Diagnostic::error(
                        &origin.path,
                        origin.line,
                        origin.col,
                        format!("page id `{id}` is reserved"),
                    )
                    .with_hint(format!(
                        "/{id}/ is where the site keeps its own pages; choose another id"
                    )),
                );
                return;
            }
            let key = (kind, id.to_string());
            if let Some(first) = origins.get(&key) {
                problems.push(
                    Diagnostic::error(
                        &origin.path,
                        origin.line,
                        origin.col,
                        format!("duplicate id `{}/{id}`", kind.ref_name()),
                    )
                    .with_len(id.chars().count())
                    .with_hint(format!(
                        "`{id}` is already the id of an item in {}:{}; ids must be unique per kind",
                        first.path.display(),
                        first.line
                    )),
                );
                return;
            }
            for alias in aliases {
                let problem = if !is_valid_id(alias) {
                    Some((
                        format!("alias `{alias}` is not a valid id"),
                        "aliases are old ids: lowercase letters, digits and `-`".to_string(),
                    ))
                } else if kind == Kind::Page && RESERVED_PAGE_IDS.contains(&alias.as_str()) {
                    Some((
                        format!("alias `{alias}` is reserved"),
                        format!(
                            "/{alias}/ is where the site keeps its own pages; remove the alias"
                        ),
                    ))
                } else {
                    alias_origins.get(&kind.url(alias)).map(|(o, of): &(Origin, String)| {
                        (format!("alias `{alias}` is already an alias of `{of}`"), format!("{}:{} declares it first; an old URL can redirect to one item only", o.path.display(), o.line))
                    })
                };
                if let Some((message, hint)) = problem {
                    problems.push(
                        Diagnostic::error(&origin.path, origin.line, origin.col, message)
                            .with_hint(hint),
                    );
                    continue;
                }
                alias_origins.insert(
                    kind.url(alias),
                    (origin.clone(), format!("{}/{id}", kind.ref_name())),
                );
                index.redirects.insert(kind.url(alias), entry.url.clone());
            }
            origins.insert(key.clone(), origin.clone());
            index.entries.insert(key, entry);
        };
        for p in &site.pages {
            let e = Entry {
                title: p.meta.title.clone(),
                url: Kind::Page.url(&p.meta.id),
                summary: p.meta.summary.clone(),
                cite_label: None,
            };
            add(Kind::Page, &p.meta.id, &p.origin, e, &p.meta.aliases);
        }
        for d in &site.datasets {
            let e = Entry {
                title: d.title.clone(),
                url: Kind::Dataset.url(&d.id),
                summary: d.description.clone(),
                cite_label: None,
            };
            add(Kind::Dataset, &d.id, &d.origin, e, &d.aliases);
        }
        for c in &site.charts {
            let e = Entry {
                title: c.title.clone(),
                url: Kind::Chart.url(&c.id),
                summary: c.description.clone(),
                cite_label: None,
            };
            add(Kind::Chart, &c.id, &c.origin, e, &c.aliases);
        }
        for en in &site.entities {
            let kind = en.kind.kind();
            let e = Entry {
                title: en.name.clone(),
                url: kind.url(&en.id),
                summary: en.summary.clone(),
                cite_label: None,
            };
            add(kind, &en.id, &en.origin, e, &en.aliases);
        }
        for ev in &site.events {
            let e = Entry {
                title: ev.title.clone(),
                url: Kind::Event.url(&ev.id),
                summary: ev.title.clone(),
                cite_label: None,
            };
            add(Kind::Event, &ev.id, &ev.origin, e, &[]);
        }
        for s in &site.sources {
            let e = Entry {
                title: s.title.clone(),
                url: Kind::Source.url(&s.id),
                summary: s.title.clone(),
                cite_label: Some(s.label()),
            };
            add(Kind::Source, &s.id, &s.origin, e, &s.aliases);
        }
        for f in &site.figures {
            let e = Entry {
                title: f.statement.clone(),
                url: Kind::Figure.url(&f.id),
                summary: f.statement.clone(),
                cite_label: None,
            };
            add(Kind::Figure, &f.id, &f.origin, e, &f.aliases);
        }
        for c in &site.corrections {
            let e = Entry {
                title: format!("Correction of {}", c.date),
                url: Kind::Correction.url(&c.id),
                summary: c.text.clone(),
                cite_label: None,
            };
            add(Kind::Correction, &c.id, &c.origin, e, &[]);
        }
        // An alias may not shadow a live item.
        let live: BTreeSet<String> = index.entries.values().map(|e| e.url.clone()).collect();
        let shadowed: Vec<String> = index
            .redirects
            .keys()
            .filter(|u| live.contains(*u))
            .cloned()
            .collect();
        for url in shadowed {
            let (origin, of) = alias_origins.get(&url).cloned().unwrap_or_default();
            problems.push(
                Diagnostic::error(
                    &origin.path,
                    origin.line,
                    origin.col,
                    format!("an alias of `{of}` makes {url} a redirect, but it is the URL of an existing item"),
                )
                .with_hint("remove the alias or rename the item that uses that id"),
            );
            index.redirects.remove(&url);
        }
        (index, problems)
    }
}

/// Parses `@kind/id#fragment` (the text after `@`). Returns kind, id and fragment.
pub fn parse_ref(text: &str) -> Result<(Kind, &str, Option<&str>), String> {
    let (path, fragment) = match text.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (text, None),
    };
    let Some((kind, id)) = path.split_once('/') else {
        return Err(format!(
            "`@{text}` needs a kind: write `@kind/id`, e.g. `@place/{path}`"
        ));
    };
    let Some(kind) = Kind::from_ref_name(kind) else {
        let names = Kind::ALL.iter().map(|k| k.ref_name());
        return Err(format!(
            "unknown kind `{kind}`; {}",
            did_you_mean(
                kind,
                names,
                "kinds: page, place, org, person, term, dataset, chart, source, figure, event"
            )
        ));
    };
    Ok((kind, id, fragment))
}

/// Checks every id written in a YAML field or front matter.
pub fn check_references(site: &Site, index: &Index) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let missing = |kind: Kind, id: &str, origin: &Origin, field: &str| -> Option<Diagnostic> {
        (!index.contains(kind, id)).then(|| {
            Diagnostic::error(
                &origin.path,
                origin.line,
                origin.col,
                format!("{field}: unknown {} `{id}`", kind.label().to_lowercase()),
            )
            .with_hint(index.hint(kind, id))
        })
    };
    macro_rules! need {
        ($($arg:expr),*) => { if let Some(d) = missing($($arg),*) { problems.push(d); } };
    }
    for p in &site.pages {
        if let Some(s) = &p.meta.source {
            need!(Kind::Source, s, &p.origin, "source");
        }
        for u in &p.meta.updates {
            need!(Kind::Page, u, &p.origin, "updates");
        }
    }
    for d in &site.datasets {
        need!(Kind::Source, &d.source, &d.origin, "source");
        for (row, line) in d.rows.iter().zip(&d.row_lines) {
            for col in d.columns.iter().filter(|c| c.kind == ColumnType::Source) {
                if let Some(Cell::Text(id)) = row.get(&col.name) {
                    let at = Origin {
                        path: d.origin.path.clone(),
                        line: *line,
                        col: 1,
                    };
                    need!(Kind::Source, id, &at, &format!("row column `{}`", col.name));
                }
            }
        }
        for check in &d.checks {
            let names: Vec<&String> = match check {
                Check::Share {
                    part,
                    whole,
                    printed,
                } => vec![part, whole, printed],
                Check::RowSum { parts, total } => parts.iter().chain([total]).collect(),
                Check::ColumnSum {
                    column,
                    total_row,
                    filter,
                } => [column]
                    .into_iter()
                    .chain(total_row.keys())
                    .chain(filter.keys())
                    .collect(),
            };
            for n in names {
                if d.column(n).is_none() {
                    let cols = d.columns.iter().map(|c| c.name.as_str());
                    problems.push(
                        Diagnostic::error(
                            &d.origin.path,
                            d.origin.line,
                            d.origin.col,
                            format!("check names unknown column `{n}`"),
                        )
                        .with_hint(did_you_mean(
                            n,
                            cols,
                            "name a column of this dataset",
                        )),
                    );
                }
            }
        }
    }
    for c in &site.charts {
        let Some(d) = site.datasets.iter().find(|d| d.id == c.dataset) else {
            need!(Kind::Dataset, &c.dataset, &c.origin, "dataset");
            continue;
        };
        let mut fields: Vec<(&str, &String, bool)> = vec![
            ("x.field", &c.x.field, false),
            ("y.field", &c.y.field, true),
        ];
        for (name, f) in [
            ("y.low", &c.y.low),
            ("y.high", &c.y.high),
            ("series", &c.series),
            ("shape", &c.shape),
        ] {
            if let Some(f) = f {
                fields.push((name, f, name.starts_with("y.")));
            }
        }
        for p in &c.panels {
            fields.push(("panels.field", &p.field, true));
        }
        for k in c.filter.keys() {
            fields.push(("filter", k, false));
        }
        for (what, field, numeric) in fields {
            match d.column(field) {
                None => {
                    let cols = d.columns.iter().map(|c| c.name.as_str());
                    let (line, col) = c.position_of(field);
                    problems.push(
                        Diagnostic::error(
                            &c.origin.path,
                            line,
                            col,
                            format!("{what}: dataset `{}` has no column `{field}`", d.id),
                        )
                        .with_hint(did_you_mean(
                            field,
                            cols,
                            "name a column of the dataset",
                        )),
                    );
                }
                Some(col) if numeric && !col.kind.is_numeric() => {
                    problems.push(
                        Diagnostic::error(
                            &c.origin.path,
                            c.origin.line,
                            c.origin.col,
                            format!("{what}: column `{field}` holds text, a chart needs numbers"),
                        )
                        .with_hint("plot a column of type integer or number"),
                    );
                }
                _ => {}
            }
        }
        if c.description.trim().is_empty() {
            problems.push(Diagnostic::warning(&c.origin.path, c.origin.line, c.origin.col, "chart has an empty description").with_hint("write one or two sentences saying what the chart shows; screen readers read it"));
        }
    }
    for c in &site.charts {
        if let Some(d) = site.datasets.iter().find(|d| d.id == c.dataset) {
            problems.extend(chart_data_problems(c, d));
        }
    }
    problems.extend(date_and_url_problems(site));
    problems.extend(site.figures.iter().flat_map(|f| figure_problems(f, site)));
    problems.extend(parent_cycles(site));
    for e in &site.entities {
        if let Some(parent) = &e.parent {
            need!(Kind::Place, parent, &e.origin, "parent");
        }
        for s in &e.sources {
            need!(Kind::Source, &s.source, &e.origin, "sources");
        }
    }
    for ev in &site.events {
        need!(Kind::Source, &ev.source, &ev.origin, "source");
        for p in &ev.pages {
            need!(Kind::Page, p, &ev.origin, "pages");
        }
        if !crate::config::is_iso_date(&ev.date) {
            problems.push(
                Diagnostic::error(
                    &ev.origin.path,
                    ev.origin.line,
                    ev.origin.col,
                    format!(
                        "event date `{}` is not YYYY, YYYY-MM or YYYY-MM-DD",
                        ev.date
                    ),
                )
                .with_hint("write e.g. date: \"2007-08-31\" or date: \"1937\""),
            );
        }
    }
    for f in &site.figures {
        need!(Kind::Source, &f.source, &f.origin, "source");
        if let Some(d) = &f.dataset {
            need!(Kind::Dataset, d, &f.origin, "dataset");
        }
        if f.value.is_none() && (f.low.is_none() || f.high.is_none()) && f.display.is_none() {
            problems.push(
                Diagnostic::error(
                    &f.origin.path,
                    f.origin.line,
                    f.origin.col,
                    "key figure has no value",
                )
                .with_hint("give `value`, or `low` and `high` for a range"),
            );
        }
    }
    for c in &site.corrections {
        match c
            .target
            .strip_prefix('@')
            .ok_or_else(|| "write the target as `@kind/id`".to_string())
            .and_then(parse_ref)
        {
            Ok((kind, id, _)) => need!(kind, id, &c.origin, "target"),
            Err(hint) => problems.push(
                Diagnostic::error(
                    &c.origin.path,
                    c.origin.line,
                    c.origin.col,
                    format!("target `{}` is not a reference", c.target),
                )
                .with_hint(hint),
            ),
        }
    }
    problems
}

/// Problems in the data a chart draws: values out of range, zero or negative values on a log
/// scale, and a chart whose filters leave no row. Each is located at the dataset row.
pub fn chart_data_problems(c: &Chart, d: &Dataset) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let rows = c.rows(d);
    if rows.is_empty() {
        problems.push(
            Diagnostic::error(&c.origin.path, c.origin.line, c.origin.col, format!("chart draws no row of dataset `{}`", d.id))
                .with_hint("check `filter` and `exclude` against the dataset's values; a chart with no data would be published as empty axes"),
        );
        return problems;
    }
    let mut axes: Vec<(&Axis, bool)> = vec![(&c.x, false)];
    if c.panels.is_empty() {
        axes.push((&c.y, true));
    } else {
        axes.extend(c.panels.iter().map(|p| (p, true)));
    }
    let drawn: std::collections::HashSet<*const Row> =
        rows.iter().map(|r| *r as *const Row).collect();
    let rows_with_lines = d
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| drawn.contains(&(*r as *const Row)));
    for (i, row) in rows_with_lines {
        let line = d.row_lines.get(i).copied().unwrap_or(d.origin.line);
        for (axis, is_value) in &axes {
            let log = *is_value && axis.scale.as_deref() == Some("log");
            let fields = [Some(&axis.field), axis.low.as_ref(), axis.high.as_ref()];
            for field in fields.into_iter().flatten() {
                let Some(v) = row.get(field).and_then(Cell::as_f64) else {
                    continue;
                };
                let problem = if !v.is_finite() || v.abs() > CHART_VALUE_LIMIT {
                    Some((
                        format!("`{field}` = {v} is too large to chart"),
                        "a chart draws values up to 1e15 in size; check the value, or give the column a larger unit (millions, billions)",
                    ))
                } else if !crate::model::chartable(v) {
                    Some((
                        format!("`{field}` = {v} is too small to chart"),
                        "a chart's axis labels go down to 0.000001; give the column a smaller unit (per thousand, per million) and say so in its title",
                    ))
                } else if log && v <= 0.0 {
                    Some((
                        format!("`{field}` = {v} cannot be drawn on a log scale"),
                        "a log scale shows only values above 0; remove `scale: log`, or leave the cell blank (null) if it is not a value",
                    ))
                } else {
                    None
                };
                if let Some((message, hint)) = problem {
                    problems.push(
                        Diagnostic::error(
                            &d.origin.path,
                            line,
                            1,
                            format!("chart `{}`: {message}", c.id),
                        )
                        .with_hint(hint),
                    );
                }
            }
        }
    }
    problems
}

/// Dates that name no real day (`2007-02-30`) and web addresses that are not `http(s)` (a
/// `javascript:` or `data:` URL in a source would be a live link on every page citing it).
fn date_and_url_problems(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut date = |value: &str, origin: &Origin, field: &str, full: bool| {
        let shape_ok = !full || value.len() == 10;
        if !shape_ok || !crate::config::is_iso_date(value) {
            let form = if full {
                "YYYY-MM-DD"
            } else {
                "YYYY, YYYY-MM or YYYY-MM-DD"
            };
            problems.push(
                Diagnostic::error(&origin.path, origin.line, origin.col, format!("{field} `{value}` is not a real date of the form {form}"))
                    .with_hint("write a date that exists, e.g. \"2007-08-31\" (months 01-12, days up to the month's last)"),
            );
        }
    };
    for p in &site.pages {
        if let Some(u) = &p.meta.updated {
            date(u, &p.origin, "updated", true);
        }
    }
    for c in &site.corrections {
        date(&c.date, &c.origin, "date", true);
    }
    for s in &site.sources {
        if let Some(d) = &s.date {
            date(d, &s.origin, "date", false);
        }
    }
    for (value, origin, field) in site.web_addresses() {
        if let Err(why) = check_web_address(value) {
            problems.push(
                Diagnostic::error(
                    &origin.path,
                    origin.line,
                    origin.col,
                    format!("{field} `{}` {why}", value.trim()),
                )
                .with_hint("give the full web address, starting with https:// or http://"),
            );
        }
    }
    problems
}

/// The one policy for a web address written in content: an absolute `http` or `https` URL with a
/// host, no spaces or control characters. Everything else (`javascript:`, `data:`, `file:`, relative
/// paths) is refused, whatever its case or leading blanks.
pub fn check_web_address(value: &str) -> Result<(), &'static str> {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains a space or a control character");
    }
    let url = url::Url::parse(value).map_err(|_| "is not a full web address")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("is not an http(s) address");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host");
    }
    Ok(())
}

/// Places whose `parent` chain comes back to themselves (a place inside itself).
fn parent_cycles(site: &Site) -> Vec<Diagnostic> {
    let parents: BTreeMap<&str, &str> = site
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Place)
        .filter_map(|e| Some((e.id.as_str(), e.parent.as_deref()?)))
        .collect();
    let mut problems = Vec::new();
    for e in site.entities.iter().filter(|e| e.kind == EntityKind::Place) {
        let mut seen = BTreeSet::from([e.id.as_str()]);
        let mut at = e.id.as_str();
        while let Some(&parent) = parents.get(at) {
            if parent == e.id {
                let chain = if at == e.id {
                    "itself".to_string()
                } else {
                    format!("`{at}`, which lies in it")
                };
                problems.push(
                    Diagnostic::error(&e.origin.path, e.origin.line, e.origin.col, format!("place `{}` lies inside {chain}", e.id))
                        .with_hint("a place's `parent` is the larger place containing it; remove or correct one `parent` so the chain ends"),
                );
                break;
            }
            if !seen.insert(parent) {
                break; // a cycle further up, reported at its own places
            }
            at = parent;
        }
    }
    problems
}

/// The numbers written in a text: digit runs with thousands commas and a decimal point
/// ("20,000-30,000" gives 20000 and 30000; "$4.5 million" gives 4.5).
pub fn numbers_in(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joins = matches!(c, ',' | '.')
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            current.push(c);
        } else if joins {
            if c == '.' {
                current.push('.');
            }
        } else if !current.is_empty() {
            out.extend(current.parse::<f64>().ok());
            current.clear();
        }
    }
    out.extend(current.parse::<f64>().ok());
    out
}

/// A key figure whose printed `display` does not show its `value` (or `low` and `high`), and,
/// as a warning, one whose value is not in the dataset it names.
fn figure_problems(f: &KeyFigure, site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let values: Vec<f64> = match (f.value, f.low, f.high) {
        (Some(v), _, _) => vec![v],
        (None, Some(l), Some(h)) => vec![l, h],
        _ => Vec::new(),
    };
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
    if let Some(display) = &f.display {
        let mut shown = numbers_in(display);
        let lower = display.to_lowercase();
        for (word, factor) in [("thousand", 1e3), ("million", 1e6), ("billion", 1e9)] {
            if lower.contains(word) {
                shown.extend(numbers_in(display).iter().map(|n| n * factor));
            }
        }
        let missing: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| !shown.iter().any(|s| same(*s, *v)))
            .collect();
        if !shown.is_empty() && !missing.is_empty() {
            problems.push(
                Diagnostic::error(&f.origin.path, f.origin.line, f.origin.col, format!("key figure `{}`: display \"{display}\" does not show {}", f.id, missing.iter().map(|v| crate::model::format_number(*v, None)).collect::<Vec<_>>().join(" and ")))
                    .with_hint("`display` is the figure as printed and `value` (or `low`/`high`) the same figure as a number; make them agree"),
            );
        }
    }
    let dataset = f
        .dataset
        .as_ref()
        .and_then(|id| site.datasets.iter().find(|d| &d.id == id));
    if let Some(d) = dataset {
        let cells: Vec<f64> = d
            .rows
            .iter()
            .flat_map(|r| r.values())
            .filter_map(Cell::as_f64)
            .collect();
        let absent: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| !cells.iter().any(|c| same(*c, *v)))
            .collect();
        if !absent.is_empty() {
            problems.push(
                Diagnostic::warning(
                    &f.origin.path,
                    f.origin.line,
                    f.origin.col,
                    format!(
                        "key figure `{}`: {} is not a value of dataset `{}`",
                        f.id,
                        absent
                            .iter()
                            .map(|v| crate::model::format_number(*v, None))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        d.id
                    ),
                )
                .with_hint("name the dataset that holds this figure, or add the row it comes from"),
            );
        }
    }
    problems
}
