//! Load: walk `content/`, read every file and turn it into model items, keeping positions.
//!
//! The folder a file is in says what it holds (see `docs/authoring.md`). Markdown pages have YAML front
//! matter; YAML files hold one dataset or chart, or a list of entities, events, sources, figures or
//! corrections. Every problem becomes a [`Diagnostic`] with file, line and column; loading goes on so
//! that one run reports every broken file.
//!
//! The steps live in submodules: `files` walks and reads `content/`, `yaml` finds positions in
//! YAML text and locates serde_yaml's errors, `pages` splits front matter, `datasets` reads typed
//! cells, `csv` the rows of a CSV dataset (beside its YAML sidecar) and `items` reads charts and
//! list files; this module dispatches each file by its folder and merges the results.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::model::*;

mod csv;
mod datasets;
mod files;
mod items;
mod pages;
mod yaml;

pub use datasets::parse_dataset_text;
pub use files::{read_content, SourceFile};
pub use items::HasId;
pub use pages::parse_page_file;

use datasets::{csv_without_sidecar, parse_dataset};
use items::{parse_chart, parse_list};
use pages::parse_page;
use yaml::locate_fields;

/// Control characters that YAML escapes put into an item's strings, located at the item.
fn escaped_control_characters(parsed: &Parsed) -> Vec<Diagnostic> {
    fn first_control(v: &serde_json::Value, path: &str) -> Option<(String, char)> {
        match v {
            serde_json::Value::String(s) => s
                .chars()
                .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                .map(|c| (path.to_string(), c)),
            serde_json::Value::Array(items) => items.iter().find_map(|i| first_control(i, path)),
            serde_json::Value::Object(m) => m.iter().find_map(|(k, v)| {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                first_control(v, &p)
            }),
            _ => None,
        }
    }
    let check = |value: serde_json::Value, origin: &Origin| {
        first_control(&value, "").map(|(field, c)| {
            Diagnostic::error(&origin.path, origin.line, origin.col, format!("`{field}` holds the control character U+{:04X}", c as u32))
                .with_hint("remove the escape that writes it (such as \\0 or \\e in a double-quoted YAML string)")
        })
    };
    fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }
    let items: Vec<(serde_json::Value, &Origin)> = match parsed {
        Parsed::Page(p) => vec![(json(&p.meta), &p.origin)],
        Parsed::Dataset(d) => {
            let mut v = vec![(
                serde_json::json!({"title": d.title, "description": d.description, "locator": d.locator, "table": d.table, "origin": d.origin_line, "columns": d.columns, "notes": d.notes}),
                &d.origin,
            )];
            v.extend(
                d.rows
                    .iter()
                    .map(|r| (serde_json::json!({"rows": r}), &d.origin)),
            );
            v
        }
        Parsed::Chart(c) => vec![(json(c), &c.origin)],
        Parsed::Entities(items) => items.iter().map(|i| (json(i), &i.origin)).collect(),
        Parsed::Events(items) => items.iter().map(|i| (json(i), &i.origin)).collect(),
        Parsed::Sources(items) => items.iter().map(|i| (json(i), &i.origin)).collect(),
        Parsed::Figures(items) => items.iter().map(|i| (json(i), &i.origin)).collect(),
        Parsed::Corrections(items) => items.iter().map(|i| (json(i), &i.origin)).collect(),
        Parsed::Nothing => Vec::new(),
    };
    items.into_iter().filter_map(|(v, o)| check(v, o)).collect()
}

/// What one content file holds. One lives per file, briefly, so a boxed chart would save nothing.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Page(Page),
    Dataset(Dataset),
    Chart(Chart),
    Entities(Vec<Entity>),
    Events(Vec<Event>),
    Sources(Vec<Source>),
    Figures(Vec<KeyFigure>),
    Corrections(Vec<Correction>),
    Nothing,
}

/// The files of `content/datasets/` by path, so a sidecar finds its CSV file and a CSV file its
/// sidecar.
type DatasetFiles<'a> = BTreeMap<&'a Path, &'a SourceFile>;

/// A file of `content/datasets/`: a dataset in YAML, a sidecar with its CSV file beside it
/// (`<name>.yaml` and `<name>.csv`), or a CSV file, read with its sidecar (and an error without one).
fn parse_dataset_file(file: &SourceFile, datasets: &DatasetFiles) -> Result<Parsed, Diagnostic> {
    if file.path.extension().is_some_and(|e| e == "csv") {
        let sidecar = ["yaml", "yml"]
            .iter()
            .any(|e| datasets.contains_key(file.path.with_extension(e).as_path()));
        return match sidecar {
            true => Ok(Parsed::Nothing),
            false => Err(csv_without_sidecar(file)),
        };
    }
    let csv = datasets.get(file.path.with_extension("csv").as_path());
    Ok(Parsed::Dataset(parse_dataset(file, csv.copied())?))
}

/// The content folder a file is in (`pages`, `datasets`, ...).
fn folder_of(file: &SourceFile) -> Option<String> {
    file.path
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
}

/// The items of a list file whose `description` is Markdown, each with its origin and where its
/// description starts (`place` sets both).
fn described<T>(
    file: &SourceFile,
    description: impl Fn(&T) -> Option<&str>,
    place: impl Fn(&mut T, Origin, Located),
) -> Result<Vec<T>, Diagnostic>
where
    T: for<'de> serde::Deserialize<'de> + HasId,
{
    let items = parse_list::<T>(file)?;
    let at = locate_fields(file, items.iter().map(|(e, o)| (o, description(e))));
    Ok(items
        .into_iter()
        .zip(at)
        .map(|((mut e, origin), at)| {
            place(&mut e, origin, at);
            e
        })
        .collect())
}

/// Parses one file by the content folder it is in.
fn parse_file(file: &SourceFile, datasets: &DatasetFiles) -> Result<Parsed, Diagnostic> {
    Ok(match folder_of(file).as_deref() {
        Some("pages") => Parsed::Page(parse_page(file)?),
        Some("datasets") => parse_dataset_file(file, datasets)?,
        Some("charts") => Parsed::Chart(parse_chart(file)?),
        Some("entities") => Parsed::Entities(described(
            file,
            |e: &Entity| e.description.as_deref(),
            |e, origin, at| {
                e.origin = origin;
                e.description_at = at;
            },
        )?),
        Some("events") => Parsed::Events(described(
            file,
            |e: &Event| e.description.as_deref(),
            |e, origin, at| {
                e.origin = origin;
                e.description_at = at;
            },
        )?),
        Some("sources") => Parsed::Sources(
            parse_list::<Source>(file)?
                .into_iter()
                .map(|(mut s, o)| {
                    s.origin = o;
                    s
                })
                .collect(),
        ),
        Some("figures") => Parsed::Figures(
            parse_list::<KeyFigure>(file)?
                .into_iter()
                .map(|(mut f, o)| {
                    f.origin = o;
                    f
                })
                .collect(),
        ),
        Some("corrections") => Parsed::Corrections(
            parse_list::<Correction>(file)?
                .into_iter()
                .map(|(mut c, o)| {
                    c.origin = o;
                    c
                })
                .collect(),
        ),
        _ => Parsed::Nothing,
    })
}

/// Parses every file into the site model (files in parallel, merged in the order given, so the
/// model is the same on every run). Returns the site and every problem found.
pub fn parse_site(files: &[SourceFile]) -> (Site, Vec<Diagnostic>) {
    let datasets: DatasetFiles = files
        .iter()
        .filter(|f| folder_of(f).as_deref() == Some("datasets"))
        .map(|f| (f.path.as_path(), f))
        .collect();
    let parsed: Vec<Result<Parsed, Diagnostic>> =
        files.par_iter().map(|f| parse_file(f, &datasets)).collect();
    let mut site = Site::default();
    let mut problems = Vec::new();
    for (file, result) in files.iter().zip(parsed) {
        // A control character can only reach a parsed string through an escape (`"\0"`, `"\e"`):
        // the file's own characters were checked when it was read.
        if file.text.contains('\\') {
            if let Ok(parsed) = &result {
                problems.extend(escaped_control_characters(parsed));
            }
        }
        match result {
            Ok(Parsed::Page(p)) => site.pages.push(p),
            Ok(Parsed::Dataset(d)) => site.datasets.push(d),
            Ok(Parsed::Chart(c)) => site.charts.push(c),
            Ok(Parsed::Entities(items)) => site.entities.extend(items),
            Ok(Parsed::Events(items)) => site.events.extend(items),
            Ok(Parsed::Sources(items)) => site.sources.extend(items),
            Ok(Parsed::Figures(items)) => site.figures.extend(items),
            Ok(Parsed::Corrections(items)) => site.corrections.extend(items),
            Ok(Parsed::Nothing) => {}
            Err(d) => problems.push(d),
        }
    }
    (site, problems)
}

#[cfg(test)]
mod tests;
