//! Load: walk `content/`, read every file and turn it into model items, keeping positions.
//!
//! The folder a file is in says what it holds (see `docs/authoring.md`). Markdown pages have YAML front
//! matter; YAML files hold one dataset or chart, or a list of entities, events, sources, figures or
//! corrections. Every problem becomes a [`Diagnostic`] with file, line and column; loading goes on so
//! that one run reports every broken file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diag::{did_you_mean, line_col, Diagnostic};
use crate::model::*;

/// A content file read from disk: its path relative to the root and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators.
    pub path: PathBuf,
    /// UTF-8 text.
    pub text: String,
}

/// The folders of `content/` and what each holds.
const FOLDERS: &[(&str, &str)] = &[
    ("pages", "md"),
    ("datasets", "yaml"),
    ("charts", "yaml"),
    ("entities", "yaml"),
    ("events", "yaml"),
    ("sources", "yaml"),
    ("figures", "yaml"),
    ("corrections", "yaml"),
];

/// Reads every content file under `root/content`, sorted by path. Files that cannot be read, are not
/// UTF-8 or sit in an unknown place become diagnostics.
pub fn read_content(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let content = root.join("content");
    if !content.is_dir() {
        problems.push(
            Diagnostic::error("content", 0, 0, "there is no content/ folder")
                .with_hint("create content/pages/ with a Markdown page, or pass --root DIR"),
        );
        return (files, problems);
    }
    let walker = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .follow_links(false);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                problems.push(Diagnostic::error(path, 0, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative(root, entry.path());
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue; // editor swap and backup files
        }
        let folder = rel
            .components()
            .nth(1)
            .map(|c| c.as_os_str().to_string_lossy().into_owned());
        let ext = entry
            .path()
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = if ext == "yml" {
            "yaml".to_string()
        } else {
            ext
        };
        let known = FOLDERS.iter().find(|(f, _)| Some(*f) == folder.as_deref());
        match known {
            Some((_, wanted)) if *wanted == ext => {}
            Some((f, wanted)) => {
                problems.push(
                    Diagnostic::warning(
                        &rel,
                        0,
                        0,
                        format!("ignored: content/{f}/ holds .{wanted} files"),
                    )
                    .with_hint(format!(
                        "rename the file to end in .{wanted}, or move it out of content/"
                    )),
                );
                continue;
            }
            None => {
                let names: Vec<&str> = FOLDERS.iter().map(|(f, _)| *f).collect();
                problems.push(
                    Diagnostic::warning(&rel, 0, 0, "ignored: not in a known content folder")
                        .with_hint(format!("content/ has the folders {}", names.join(", "))),
                );
                continue;
            }
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    let text = crate::diag::normalize_line_breaks(text);
                    match crate::diag::control_character(&text) {
                        Some(d) => problems.push(d.relocated(&rel)),
                        None => files.push(SourceFile { path: rel, text }),
                    }
                }
                Err(e) => {
                    let valid = e.utf8_error().valid_up_to();
                    let bytes = e.into_bytes();
                    let (line, col) = line_col(&String::from_utf8_lossy(&bytes[..valid]), valid);
                    problems.push(
                        Diagnostic::error(&rel, line, col, "the file is not valid UTF-8")
                            .with_hint(
                                "save the file as UTF-8 (most editors: 'Save with encoding')",
                            ),
                    );
                }
            },
            Err(e) => problems.push(Diagnostic::error(&rel, 0, 0, format!("cannot read: {e}"))),
        }
    }
    (files, problems)
}

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

fn relative(root: &Path, path: &Path) -> PathBuf {
    let rel = path.strip_prefix(root).unwrap_or(path);
    PathBuf::from(rel.to_string_lossy().replace('\\', "/"))
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

/// Parses one file by the content folder it is in.
fn parse_file(file: &SourceFile) -> Result<Parsed, Diagnostic> {
    let folder = file
        .path
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    Ok(match folder.as_deref() {
        Some("pages") => Parsed::Page(parse_page(file)?),
        Some("datasets") => Parsed::Dataset(parse_dataset(file)?),
        Some("charts") => Parsed::Chart(parse_chart(file)?),
        Some("entities") => Parsed::Entities(
            parse_list::<Entity>(file)?
                .into_iter()
                .map(|(mut e, origin)| {
                    e.description_at = locate_field(file, &origin, e.description.as_deref());
                    e.origin = origin;
                    e
                })
                .collect(),
        ),
        Some("events") => Parsed::Events(
            parse_list::<Event>(file)?
                .into_iter()
                .map(|(mut e, origin)| {
                    e.description_at = locate_field(file, &origin, e.description.as_deref());
                    e.origin = origin;
                    e
                })
                .collect(),
        ),
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
    let parsed: Vec<Result<Parsed, Diagnostic>> = files.par_iter().map(parse_file).collect();
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

/// Turns a serde_yaml error into a diagnostic. `line_offset` shifts lines (front matter starts at line 2).
fn yaml_error(path: &Path, text: &str, e: &serde_yaml::Error, line_offset: usize) -> Diagnostic {
    let (mut line, mut col) = e
        .location()
        .map_or((1, 1), |l| (l.line() + line_offset, l.column()));
    // The location is shown beside the message; serde_yaml's own "at line N column M" counts from
    // the start of the YAML (not the file, for front matter), so it is taken out.
    let mut message = e.to_string();
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    while let Some(i) = message.find(" at line ") {
        let mut end = i + 9 + digits(&message[i + 9..]);
        if let Some(rest) = message[end..].strip_prefix(" column ") {
            end += 8 + digits(rest);
        }
        message.replace_range(i..end, "");
    }
    // A duplicate key is reported at the mapping; point at the second occurrence instead.
    if let Some(key) = message
        .strip_prefix("duplicate field `")
        .and_then(|r| r.split('`').next())
    {
        let at_key = |l: &&str| {
            let t = l.trim_start_matches([' ', '-']);
            t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        };
        if let Some((i, l)) = text.lines().enumerate().filter(|(_, l)| at_key(l)).nth(1) {
            line = i + 1 + line_offset;
            col = l.len() - l.trim_start_matches([' ', '-']).len() + 1;
        }
    }
    let hint = yaml_hint(&message);
    Diagnostic::error(path, line, col, message).with_hint(hint)
}

fn yaml_hint(message: &str) -> String {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let key = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split('`')
                    .filter(|s| {
                        s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                            && !s.is_empty()
                    })
                    .collect()
            })
            .unwrap_or_default();
        return did_you_mean(
            key,
            expected.iter().copied(),
            "remove the key; docs/authoring.md lists the keys of each kind",
        );
    }
    if message.contains("tab character") {
        return "YAML indents with spaces only: replace the tab at the start of the line with spaces".to_string();
    }
    if message.starts_with("duplicate field") {
        return "a key may appear once per item: remove or merge the second one".to_string();
    }
    if message.contains("missing field") {
        return "add the field; docs/authoring.md lists the required keys of each kind".to_string();
    }
    if message.contains("invalid type") {
        return "check the value's type: numbers without quotes or separators, text in quotes when it could be read as a number".to_string();
    }
    if message.contains("unknown variant") {
        return "use one of the values listed in the message".to_string();
    }
    "check the YAML syntax: indentation, a colon after each key, quotes around text with ': ' or '#'".to_string()
}

/// Splits `---` front matter from a Markdown file: (yaml, yaml first line, body, body first line).
fn split_front_matter(file: &SourceFile) -> Result<(&str, &str, usize), Diagnostic> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let missing = || {
        Diagnostic::error(
            &file.path,
            1,
            1,
            "a page must start with YAML front matter between two `---` lines",
        )
        .with_hint(
            "start the file with:\n---\nid: my-page\ntitle: My page\nsummary: One sentence.\n---",
        )
    };
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(missing)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.matches('\n').count() + 1;
            return Ok((yaml, body, body_line));
        }
        offset += line.len();
    }
    let (line, _) = line_col(text, text.len());
    Err(
        Diagnostic::error(&file.path, line, 1, "the front matter is not closed")
            .with_hint("add a line `---` after the front matter"),
    )
}

/// Parses one page file on its own (`path` relative to the site root), as `serve` does to preview
/// an edited page before the full rebuild.
pub fn parse_page_file(path: PathBuf, text: String) -> Result<Page, Diagnostic> {
    parse_page(&SourceFile { path, text })
}

fn parse_page(file: &SourceFile) -> Result<Page, Diagnostic> {
    let (yaml, body, body_line) = split_front_matter(file)?;
    let meta: FrontMatter =
        serde_yaml::from_str(yaml).map_err(|e| yaml_error(&file.path, yaml, &e, 1))?;
    let origin = origin_of(file, "id", &meta.id);
    Ok(Page {
        meta,
        body: Located {
            text: body.to_string(),
            line: body_line,
            col: 1,
        },
        origin,
    })
}

/// Finds where `key: value` is written, for the origin of an item.
fn origin_of(file: &SourceFile, key: &str, value: &str) -> Origin {
    let (line, col) =
        find_key_value(&file.text, key, value, 0).map_or((1, 1), |o| line_col(&file.text, o));
    Origin {
        path: file.path.clone(),
        line,
        col,
    }
}

/// Byte offset of the value in the first line at or after `from` that reads `key: value` (quotes allowed).
fn find_key_value(text: &str, key: &str, value: &str, from: usize) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if start < from {
            continue;
        }
        let trimmed = line.trim_start_matches([' ', '-', '\t', '{']);
        let Some(rest) = trimmed.strip_prefix(key) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let v = rest
            .trim()
            .trim_end_matches([',', '}'])
            .trim()
            .trim_matches(['"', '\'']);
        if v == value {
            let col_in_line = line.find(value).unwrap_or(0);
            return Some(start + col_in_line);
        }
    }
    None
}

/// Where a Markdown field's text starts in the file, so its diagnostics point into the YAML.
fn locate_field(file: &SourceFile, origin: &Origin, value: Option<&str>) -> Located {
    let Some(value) = value else {
        return Located::default();
    };
    let first = value
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let item_start = line_start_offset(&file.text, origin.line);
    let found = if first.is_empty() {
        None
    } else {
        file.text[item_start..].find(first).map(|i| i + item_start)
    };
    let (line, col) = found.map_or((origin.line, origin.col), |o| line_col(&file.text, o));
    Located {
        text: value.to_string(),
        line,
        col,
    }
}

fn line_start_offset(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
}

/// Items of a list file, each with where its id is written.
fn parse_list<T>(file: &SourceFile) -> Result<Vec<(T, Origin)>, Diagnostic>
where
    T: for<'de> Deserialize<'de> + HasId,
{
    if file.text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<T> =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    let mut out = Vec::with_capacity(items.len());
    let mut from = 0;
    for item in items {
        let offset = find_key_value(&file.text, "id", item.id(), from);
        let (line, col) = offset.map_or((1, 1), |o| line_col(&file.text, o));
        if let Some(o) = offset {
            from = o;
        }
        out.push((
            item,
            Origin {
                path: file.path.clone(),
                line,
                col,
            },
        ));
    }
    Ok(out)
}

/// Items that carry an id.
pub trait HasId {
    /// The id.
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),*) => { $(impl HasId for $t { fn id(&self) -> &str { &self.id } })* };
}
has_id!(Entity, Event, Source, KeyFigure, Correction);

fn parse_chart(file: &SourceFile) -> Result<Chart, Diagnostic> {
    let mut chart: Chart =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    chart.origin = origin_of(file, "id", &chart.id);
    chart.value_positions = value_positions(&file.text);
    Ok(chart)
}

/// Where each scalar value written after a `key:` first appears (`field: workers` gives
/// `workers` its line and column), so a problem with a value points at it, not at the item.
fn value_positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        for (i, _) in line.match_indices(':') {
            let rest = &line[i + 1..];
            let value = rest.trim_start();
            let end = value.find([',', '}', ']', '#']).unwrap_or(value.len());
            let value = value[..end].trim().trim_matches(['"', '\'']);
            if !value.is_empty() {
                let col = line[..i + 1].chars().count() + rest.chars().count()
                    - rest.trim_start().chars().count()
                    + 1;
                out.entry(value.to_string()).or_insert((n + 1, col));
            }
        }
    }
    out
}

/// A dataset file's text as `content/datasets/dataset.yaml` (for tools and the fuzz targets).
pub fn parse_dataset_text(text: &str) -> Result<Dataset, Diagnostic> {
    parse_dataset(&SourceFile {
        path: PathBuf::from("content/datasets/dataset.yaml"),
        text: text.to_string(),
    })
}

fn parse_dataset(file: &SourceFile) -> Result<Dataset, Diagnostic> {
    let header: DatasetHeader =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    for column in &header.columns {
        if column.name.is_empty()
            || !column
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            let (line, col) = find_key_value(&file.text, "name", &column.name, 0)
                .map_or((1, 1), |o| line_col(&file.text, o));
            return Err(Diagnostic::error(
                &file.path,
                line,
                col,
                format!("column name `{}` is not valid", column.name),
            )
            .with_hint("use lowercase letters, digits and `_`, e.g. `nk_workers`"));
        }
    }
    let seed = DatasetRowsSeed {
        columns: &header.columns,
    };
    let rows = seed
        .deserialize(serde_yaml::Deserializer::from_str(&file.text))
        .map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    let row_lines = row_lines(&file.text, rows.len());
    Ok(Dataset {
        origin: origin_of(file, "id", &header.id),
        id: header.id,
        title: header.title,
        description: header.description,
        source: header.source,
        locator: header.locator,
        table: header.table,
        origin_line: header.origin,
        columns: header.columns,
        rows,
        row_lines,
        notes: header.notes,
        checks: header.checks,
        aliases: header.aliases,
    })
}

/// Lines of the list items under `rows:`, for diagnostics about a row.
fn row_lines(text: &str, count: usize) -> Vec<usize> {
    let mut lines = Vec::with_capacity(count);
    let mut in_rows = false;
    let mut indent = None;
    for (i, line) in text.lines().enumerate() {
        if !in_rows {
            in_rows = line.starts_with("rows:");
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this_indent = line.len() - trimmed.len();
        if this_indent == 0 && !trimmed.starts_with('-') {
            break;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            if indent.is_none() {
                indent = Some(this_indent);
            }
            if Some(this_indent) == indent {
                lines.push(i + 1);
            }
        }
    }
    lines.resize(count, 0);
    lines
}

/// Reads the `rows` key of a dataset file with the columns known, so every cell is type-checked where
/// it is written (serde_yaml then reports the cell's line and column).
struct DatasetRowsSeed<'a> {
    columns: &'a [Column],
}

impl<'de> DeserializeSeed<'de> for DatasetRowsSeed<'_> {
    type Value = Vec<Row>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DatasetRowsSeed<'_> {
    type Value = Vec<Row>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a dataset mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "rows" {
                rows = map.next_value_seed(RowsSeed {
                    columns: self.columns,
                })?;
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(rows)
    }
}

struct RowsSeed<'a> {
    columns: &'a [Column],
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = Vec<Row>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = Vec<Row>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of rows, each a mapping from column name to value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::new();
        while let Some(row) = seq.next_element_seed(RowSeed {
            columns: self.columns,
        })? {
            rows.push(row);
        }
        Ok(rows)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

struct RowSeed<'a> {
    columns: &'a [Column],
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = Row;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = Row;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row: a mapping from column name to value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut row = Row::new();
        while let Some(key) = map.next_key::<String>()? {
            let Some(column) = self.columns.iter().find(|c| c.name == key) else {
                let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
                let hint = did_you_mean(
                    &key,
                    names.iter().copied(),
                    "add the column under `columns:` first",
                );
                return Err(de::Error::custom(format!(
                    "unknown column `{key}` in a row (columns: {}); {hint}",
                    names.join(", ")
                )));
            };
            let cell = map.next_value_seed(CellSeed { column })?;
            if row.insert(key.clone(), cell).is_some() {
                return Err(de::Error::custom(format!(
                    "column `{key}` appears twice in this row"
                )));
            }
        }
        for column in self.columns {
            row.entry(column.name.clone()).or_insert(Cell::Blank);
        }
        Ok(row)
    }
}

struct CellSeed<'a> {
    column: &'a Column,
}

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = Cell;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl CellSeed<'_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        let expected = match self.column.kind {
            ColumnType::Integer => "a whole number",
            ColumnType::Number => "a number",
            ColumnType::Text => "text",
            ColumnType::Source => "a source id",
        };
        let hint = match self.column.kind {
            ColumnType::Integer | ColumnType::Number => {
                "write digits without quotes or thousands separators (7336, not \"7,336\"); a blank is null"
            }
            _ => "put the text in quotes",
        };
        E::custom(format!(
            "column `{}` expects {expected}, found {found}; {hint}",
            self.column.name
        ))
    }
}

impl<'de> Visitor<'de> for CellSeed<'_> {
    type Value = Cell;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a value for column `{}`", self.column.name)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Blank)
    }
    fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Blank)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
        match self.column.kind {
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            _ => Err(self.wrong(&format!("`{v}`"))),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
        match self.column.kind {
            ColumnType::Integer | ColumnType::Number => Ok(Cell::Int(v)),
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            ColumnType::Source => Err(self.wrong(&format!("the number {v}"))),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
        match i64::try_from(v) {
            Ok(i) => self.visit_i64(i),
            Err(_) => Err(self.wrong("a number too large")),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
        match self.column.kind {
            ColumnType::Number if v.is_finite() => Ok(Cell::Num(v)),
            ColumnType::Integer => Err(self.wrong(&format!("the fraction {v}"))),
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            _ => Err(self.wrong(&format!("{v}"))),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
        match self.column.kind {
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            ColumnType::Source if is_valid_id(v) => Ok(Cell::Text(v.to_string())),
            ColumnType::Source => Err(self.wrong(&format!("\"{v}\", which is not an id"))),
            _ => Err(self.wrong(&format!("the text \"{v}\""))),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Cell, A::Error> {
        Err(self.wrong("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Cell, A::Error> {
        Err(self.wrong("a mapping"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        }
    }

    const DATASET: &str = "id: d\ntitle: T\ndescription: D\nsource: s\nlocator: p. 1\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: n, title: N, type: number, unit: persons}\nrows:\n  - {year: 1990, n: 706}\n  - {year: 1991, n: null}\n";

    #[test]
    fn dataset_rows_are_typed_and_blanks_stay_blank() {
        let d = parse_dataset(&file("content/datasets/d.yaml", DATASET)).unwrap();
        assert_eq!(d.rows.len(), 2);
        assert_eq!(d.rows[0]["n"], Cell::Int(706));
        assert_eq!(d.rows[1]["n"], Cell::Blank);
        assert_eq!(d.row_lines, vec![10, 11]);
    }

    #[test]
    fn text_in_a_number_column_is_located() {
        let text = DATASET.replace("n: 706", "n: \"706 workers\"");
        let e = parse_dataset(&file("content/datasets/d.yaml", &text)).unwrap_err();
        assert_eq!(e.line, 10, "{e}");
        assert!(e.message.contains("expects a number"), "{e}");
    }

    #[test]
    fn unknown_column_is_located() {
        let text = DATASET.replace("n: null", "nn: 3");
        let e = parse_dataset(&file("content/datasets/d.yaml", &text)).unwrap_err();
        assert_eq!(e.line, 11, "{e}");
        assert!(e.message.contains("unknown column `nn`"), "{e}");
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let e = parse_page(&file(
            "content/pages/a.md",
            "---\nid: a\ntitle: [unclosed\nsummary: s\n---\nbody\n",
        ))
        .unwrap_err();
        assert!(e.line >= 3, "{e}");
        let e = parse_page(&file(
            "content/pages/a.md",
            "---\nid: a\ntitel: x\nsummary: s\n---\n",
        ))
        .unwrap_err();
        assert_eq!((e.line, e.col), (3, 1), "{e}");
        assert!(e.hint.unwrap().contains("title"));
    }

    #[test]
    fn page_body_line_is_known() {
        let p = parse_page(&file(
            "content/pages/a.md",
            "---\nid: a\ntitle: A\nsummary: s\n---\nbody\n",
        ))
        .unwrap();
        assert_eq!(p.body.line, 6);
        assert_eq!(p.origin.line, 2);
    }
}
