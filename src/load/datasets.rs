//! Dataset files: the header read with serde, then the rows read again with the columns known, so
//! every cell is type-checked (and every bad cell reported) where it is written. The rows are in
//! the file, or, for a sidecar, in the CSV file of the same name beside it (`csv`); both kinds of
//! cell go through [`check_cell`].

use std::fmt;
use std::path::PathBuf;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::diag::{did_you_mean, line_col, Diagnostic};
use crate::model::{is_valid_id, Cell, Column, ColumnType, Dataset, DatasetHeader, Row};

use super::csv::parse_csv_rows;
use super::files::SourceFile;
use super::yaml::{find_key_value, origin_of, yaml_error};

/// A dataset file's text as `content/datasets/dataset.yaml` (for tools and the fuzz targets).
pub fn parse_dataset_text(text: &str) -> Result<Dataset, Diagnostic> {
    parse_dataset(
        &SourceFile {
            path: PathBuf::from("content/datasets/dataset.yaml"),
            text: text.to_string(),
        },
        None,
    )
}

/// A dataset file, with its rows in it or, for a sidecar, in the CSV file `csv` beside it.
pub(super) fn parse_dataset(
    file: &SourceFile,
    csv: Option<&SourceFile>,
) -> Result<Dataset, Diagnostic> {
    let header: DatasetHeader =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    check_column_names(file, &header.columns)?;
    let (rows, row_lines, rows_path, cell_positions) = match csv {
        None => {
            let seed = DatasetRowsSeed {
                columns: &header.columns,
            };
            let rows = seed
                .deserialize(serde_yaml::Deserializer::from_str(&file.text))
                .map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
            let lines = row_lines(&file.text, rows.len());
            (rows, lines, file.path.clone(), Vec::new())
        }
        Some(csv) => {
            if let Some(line) = file.text.lines().position(|l| l.starts_with("rows:")) {
                return Err(Diagnostic::error(&file.path, line + 1, 1, format!("this dataset has `rows:` and the CSV file {} too", csv.path.display()))
                    .with_len(4)
                    .with_hint("keep the rows in one place: remove `rows:` from this sidecar, or delete (or rename) the CSV file"));
            }
            let read = parse_csv_rows(csv, &header.columns)?;
            (read.rows, read.lines, csv.path.clone(), read.cells)
        }
    };
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
        rows_path,
        cell_positions,
        notes: header.notes,
        checks: header.checks,
        aliases: header.aliases,
    })
}

/// Every column name is `[a-z0-9_]+`.
fn check_column_names(file: &SourceFile, columns: &[Column]) -> Result<(), Diagnostic> {
    for column in columns {
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
            .with_hint("use lowercase letters, digits and `_`, e.g. `total_count`"));
        }
    }
    Ok(())
}

/// A CSV file in `content/datasets/` without a sidecar: an error whose hint is a sidecar to start
/// from, with the CSV's header as its columns.
pub(super) fn csv_without_sidecar(file: &SourceFile) -> Diagnostic {
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sidecar = file.path.with_extension("yaml");
    let first = file
        .text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    let columns: String = first
        .split(',')
        .map(|n| n.trim().trim_matches('"'))
        .filter(|n| !n.is_empty())
        .map(|n| format!("\n  - {{name: {n}, title: {n}, type: text}}"))
        .collect();
    let id = if is_valid_id(&stem) {
        stem.as_str()
    } else {
        "my-data"
    };
    Diagnostic::error(&file.path, 1, 1, format!("this CSV file has no sidecar {}", sidecar.display()))
        .with_hint(format!(
            "a CSV dataset needs a YAML sidecar with the same name holding everything but the rows; create {} with, for example:\nid: {id}\ntitle: ...\ndescription: ...\nsource: <a source id>\nlocator: \"p. 1\"\ncolumns:{columns}",
            sidecar.display()
        ))
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

/// A scalar as written, before its column's type is known.
pub(super) enum Scalar<'a> {
    Int(i64),
    TooLarge,
    Float(f64),
    Str(&'a str),
}

/// A scalar as a cell of `column`, or what is wrong: the message and a hint. YAML rows and CSV
/// fields go through here, so both follow the same rules and say the same thing.
pub(super) fn check_cell(column: &Column, v: Scalar) -> Result<Cell, (String, &'static str)> {
    let kind = column.kind;
    match v {
        Scalar::Int(v) => match kind {
            ColumnType::Integer | ColumnType::Number => Ok(Cell::Int(v)),
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            ColumnType::Source => Err(wrong(column, &format!("the number {v}"))),
        },
        Scalar::TooLarge => Err(wrong(column, "a number too large")),
        Scalar::Float(v) => match kind {
            ColumnType::Number if v.is_finite() => Ok(Cell::Num(v)),
            ColumnType::Integer => Err(wrong(column, &format!("the fraction {v}"))),
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            _ => Err(wrong(column, &format!("{v}"))),
        },
        Scalar::Str(v) => match kind {
            ColumnType::Text => Ok(Cell::Text(v.to_string())),
            ColumnType::Source if is_valid_id(v) => Ok(Cell::Text(v.to_string())),
            ColumnType::Source => Err(wrong(column, &format!("\"{v}\", which is not an id"))),
            _ => Err(wrong(column, &format!("the text \"{v}\""))),
        },
    }
}

/// What is wrong with a value `found` in `column`, and a hint.
fn wrong(column: &Column, found: &str) -> (String, &'static str) {
    let expected = match column.kind {
        ColumnType::Integer => "a whole number",
        ColumnType::Number => "a number",
        ColumnType::Text => "text",
        ColumnType::Source => "a source id",
    };
    let hint = match column.kind {
        ColumnType::Integer | ColumnType::Number => {
            "write digits without quotes or thousands separators (7336, not \"7,336\"); a blank is null"
        }
        _ => "put the text in quotes",
    };
    (
        format!("column `{}` expects {expected}, found {found}", column.name),
        hint,
    )
}

impl CellSeed<'_> {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        let (message, hint) = wrong(self.column, found);
        E::custom(format!("{message}; {hint}"))
    }

    fn cell<E: de::Error>(&self, v: Scalar) -> Result<Cell, E> {
        check_cell(self.column, v)
            .map_err(|(message, hint)| E::custom(format!("{message}; {hint}")))
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
        self.cell(Scalar::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
        match i64::try_from(v) {
            Ok(i) => self.cell(Scalar::Int(i)),
            Err(_) => self.cell(Scalar::TooLarge),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
        self.cell(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
        self.cell(Scalar::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Cell, A::Error> {
        Err(self.wrong("a list"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Cell, A::Error> {
        Err(self.wrong("a mapping"))
    }
}
