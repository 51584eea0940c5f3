//! References written in YAML fields and front matter: every id an item names must be the id of an
//! item of the kind the field expects. One function per kind of item that writes references; each
//! unknown id is reported at the item (a dataset row's source at its row) with a "did you mean".

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{
    Cell, Check, Column, ColumnType, Correction, Dataset, Entity, Event, KeyFigure, Kind, Origin,
    Page, Site,
};

use super::charts::{chart_columns, chart_data_problems};
use super::fields::{date_and_url_problems, parent_cycles};
use super::figures::{figure_problems, theme_problems};
use super::{parse_ref, Index};

/// Checks every id written in a YAML field or front matter.
pub fn check_references(site: &Site, index: &Index) -> Vec<Diagnostic> {
    let mut r = References {
        index,
        problems: Vec::new(),
    };
    site.pages.iter().for_each(|p| r.page(p));
    site.datasets.iter().for_each(|d| r.dataset(d));
    for c in &site.charts {
        match site.dataset(&c.dataset) {
            Some(d) => r.problems.extend(chart_columns(c, d)),
            None => r.need(Kind::Dataset, &c.dataset, &c.origin, "dataset"),
        }
    }
    for c in &site.charts {
        if let Some(d) = site.dataset(&c.dataset) {
            r.problems.extend(chart_data_problems(c, d));
        }
    }
    r.problems.extend(date_and_url_problems(site));
    let figures = site.figures.iter().flat_map(|f| figure_problems(f, site));
    r.problems.extend(figures);
    r.problems.extend(theme_problems(site));
    r.problems.extend(parent_cycles(site));
    site.entities.iter().for_each(|e| r.entity(e));
    site.events.iter().for_each(|ev| r.event(ev));
    site.figures.iter().for_each(|f| r.figure(f));
    site.corrections.iter().for_each(|c| r.correction(c));
    r.problems
}

/// The index references are looked up in, and the problems found.
struct References<'a> {
    index: &'a Index,
    problems: Vec<Diagnostic>,
}

impl References<'_> {
    /// Reports `id` at `origin` unless it is the id of an item of `kind`; `field` names where it
    /// is written.
    fn need(&mut self, kind: Kind, id: &str, origin: &Origin, field: &str) {
        if !self.index.contains(kind, id) {
            self.problems.push(
                Diagnostic::error(
                    &origin.path,
                    origin.line,
                    origin.col,
                    format!("{field}: unknown {} `{id}`", kind.label().to_lowercase()),
                )
                .with_hint(self.index.hint(kind, id)),
            );
        }
    }

    /// A page's `source` and the pages it `updates`.
    fn page(&mut self, p: &Page) {
        if let Some(s) = &p.meta.source {
            self.need(Kind::Source, s, &p.origin, "source");
        }
        for u in &p.meta.updates {
            self.need(Kind::Page, u, &p.origin, "updates");
        }
    }

    /// A dataset's source, the source id in each cell of a source column (at its row), and the
    /// columns its checks name.
    fn dataset(&mut self, d: &Dataset) {
        self.need(Kind::Source, &d.source, &d.origin, "source");
        for (i, row) in d.rows.iter().enumerate() {
            for col in d.columns.iter().filter(|c| c.kind == ColumnType::Source) {
                if let Some(Cell::Text(id)) = row.get(&col.name) {
                    let at = d.cell_origin(i, &col.name);
                    self.need(Kind::Source, id, &at, &format!("row column `{}`", col.name));
                }
            }
        }
        for col in d.columns.iter().filter(|c| c.links.is_some()) {
            self.linked_column(d, col);
        }
        for check in &d.checks {
            self.problems.extend(check_columns(d, check));
        }
    }

    /// A column whose cells name items of the kind its `links` gives: the kind must exist, and
    /// every id in the column (at its row).
    fn linked_column(&mut self, d: &Dataset, col: &Column) {
        let name = col.links.as_deref().unwrap_or_default();
        let Some(kind) = Kind::from_ref_name(name) else {
            let kinds = Kind::ALL.iter().map(|k| k.ref_name());
            self.problems.push(
                Diagnostic::error(
                    &d.origin.path,
                    d.origin.line,
                    d.origin.col,
                    format!(
                        "column `{}`: `links: {name}` is not a kind of item",
                        col.name
                    ),
                )
                .with_hint(did_you_mean(
                    name,
                    kinds,
                    "use a kind's reference name: org, place, person, term, ...",
                )),
            );
            return;
        };
        for (i, row) in d.rows.iter().enumerate() {
            if let Some(Cell::Text(id)) = row.get(&col.name) {
                let at = d.cell_origin(i, &col.name);
                self.need(kind, id, &at, &format!("row column `{}`", col.name));
            }
        }
    }

    /// An entity's parent place and the sources it cites.
    fn entity(&mut self, e: &Entity) {
        if let Some(parent) = &e.parent {
            self.need(Kind::Place, parent, &e.origin, "parent");
        }
        for s in &e.sources {
            self.need(Kind::Source, &s.source, &e.origin, "sources");
        }
    }

    /// An event's source and pages, and its date.
    fn event(&mut self, ev: &Event) {
        self.need(Kind::Source, &ev.source, &ev.origin, "source");
        for p in &ev.pages {
            self.need(Kind::Page, p, &ev.origin, "pages");
        }
        if !crate::config::is_iso_date(&ev.date) {
            self.problems.push(
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

    /// A key figure's source and dataset, and that it has a value.
    fn figure(&mut self, f: &KeyFigure) {
        self.need(Kind::Source, &f.source, &f.origin, "source");
        if let Some(d) = &f.dataset {
            self.need(Kind::Dataset, d, &f.origin, "dataset");
        }
        if f.value.is_none() && (f.low.is_none() || f.high.is_none()) && f.display.is_none() {
            self.problems.push(
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

    /// A correction's target, an `@kind/id` reference.
    fn correction(&mut self, c: &Correction) {
        match c
            .target
            .strip_prefix('@')
            .ok_or_else(|| "write the target as `@kind/id`".to_string())
            .and_then(parse_ref)
        {
            Ok((kind, id, _)) => self.need(kind, id, &c.origin, "target"),
            Err(hint) => self.problems.push(
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
}

/// The columns a dataset check names that the dataset does not have, reported at the dataset.
fn check_columns(d: &Dataset, check: &Check) -> Vec<Diagnostic> {
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
    let unknown = names.into_iter().filter(|n| d.column(n).is_none());
    unknown
        .map(|n| {
            let cols = d.columns.iter().map(|c| c.name.as_str());
            Diagnostic::error(
                &d.origin.path,
                d.origin.line,
                d.origin.col,
                format!("check names unknown column `{n}`"),
            )
            .with_hint(did_you_mean(n, cols, "name a column of this dataset"))
        })
        .collect()
}
