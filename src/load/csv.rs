//! CSV datasets: the rows of `content/datasets/<name>.csv`, read with the columns of its sidecar
//! `<name>.yaml` known. The csv crate reads the records; each field's line and column are found
//! by walking the record from where the crate says it starts, so every problem (a header that does
//! not match the sidecar, a ragged row, an unclosed quote, a cell of the wrong type) is reported at
//! the field, with the same messages as YAML rows. An empty field is a blank, never zero; a UTF-8
//! byte-order mark is skipped.

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{Cell, Column, Row};

use super::datasets::{check_cell, Scalar};
use super::files::SourceFile;

/// The rows of a CSV file, with the line each starts on and where each cell is written.
pub(super) struct CsvRows {
    pub rows: Vec<Row>,
    pub lines: Vec<usize>,
    pub cells: Vec<Vec<(usize, usize)>>,
}

/// One record: its fields (surrounding blanks kept) and the (line, column) of each.
struct Record {
    fields: Vec<String>,
    at: Vec<(usize, usize)>,
    line: usize,
}

/// Reads `file` as CSV whose header must name `columns` in order; every cell is type-checked.
pub(super) fn parse_csv_rows(file: &SourceFile, columns: &[Column]) -> Result<CsvRows, Diagnostic> {
    let records = records(file)?;
    let Some((header, body)) = records.split_first() else {
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        return Err(
            Diagnostic::error(&file.path, 1, 1, "the CSV file is empty").with_hint(format!(
                "its first line names the columns: {}",
                names.join(",")
            )),
        );
    };
    check_header(file, header, columns)?;
    let mut out = CsvRows {
        rows: Vec::with_capacity(body.len()),
        lines: Vec::with_capacity(body.len()),
        cells: Vec::with_capacity(body.len()),
    };
    for record in body {
        out.rows.push(row(file, record, columns)?);
        out.lines.push(record.line);
        out.cells.push(record.at.clone());
    }
    Ok(out)
}

/// Every record of the file, each field located.
fn records(file: &SourceFile) -> Result<Vec<Record>, Diagnostic> {
    let bom = if file.text.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let body = &file.text[bom..];
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut out = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let (line, col) = e.position().map_or((1, 1), |p| (p.line() as usize, 1));
            Diagnostic::error(&file.path, line, col, format!("cannot read the CSV: {e}"))
                .with_hint("save the file as comma-separated UTF-8 text")
        })?;
        let Some(pos) = record.position() else {
            continue;
        };
        let start = pos.byte() as usize;
        let line = pos.line() as usize;
        let at = field_starts(file, body, start, line, record.len())?;
        let fields = record.iter().map(str::to_string).collect();
        out.push(Record { fields, at, line });
    }
    Ok(out)
}

/// The (line, column) of each of the `count` fields of the record starting at byte `start` of
/// `body` on line `line`: a field starts at the record's start and after each separating comma;
/// a field opening with a quote runs to its closing quote (`""` is a quote inside it).
fn field_starts(
    file: &SourceFile,
    body: &str,
    start: usize,
    line: usize,
    count: usize,
) -> Result<Vec<(usize, usize)>, Diagnostic> {
    let mut at = Vec::with_capacity(count);
    let mut chars = body[start.min(body.len())..].chars().peekable();
    let (mut line, mut col) = (line, 1);
    let step = |c: char, line: &mut usize, col: &mut usize| {
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while at.len() < count {
        at.push((line, col));
        if chars.peek() == Some(&'"') {
            let opened = (line, col);
            chars.next();
            step('"', &mut line, &mut col);
            loop {
                match chars.next() {
                    None => {
                        return Err(Diagnostic::error(&file.path, opened.0, opened.1, "this quoted field is never closed")
                            .with_hint("end it with a quote (\"); a quote inside a quoted field is written twice (\"\")"));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        col += 2;
                    }
                    Some('"') => {
                        col += 1;
                        break;
                    }
                    Some(c) => step(c, &mut line, &mut col),
                }
            }
        }
        // The rest of the field, up to the comma that ends it (or the record's end).
        loop {
            match chars.next() {
                Some(',') => {
                    col += 1;
                    break;
                }
                None | Some('\n') | Some('\r') => return Ok(at),
                Some(_) => col += 1,
            }
        }
    }
    Ok(at)
}

/// The header must name the sidecar's columns, in its order: the first field that differs is
/// reported as an unknown name, a missing column or one out of order.
fn check_header(file: &SourceFile, header: &Record, columns: &[Column]) -> Result<(), Diagnostic> {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let fields: Vec<&str> = header.fields.iter().map(|f| f.trim()).collect();
    let expected = format!(
        "the first line names the sidecar's columns, in its order: {}",
        names.join(",")
    );
    let Some(i) = (0..fields.len().max(names.len())).find(|&i| fields.get(i) != names.get(i))
    else {
        return Ok(());
    };
    let (line, col) = match header.at.get(i) {
        Some(at) => *at,
        // Past the header's last field: just after it.
        None => header.at.last().map_or((header.line, 1), |&(l, c)| {
            (l, c + header.fields.last().map_or(0, |f| f.chars().count()))
        }),
    };
    let located = |message: String, hint: String, len: usize| {
        Diagnostic::error(&file.path, line, col, message)
            .with_len(len)
            .with_hint(hint)
    };
    let (name, wanted) = (fields.get(i).copied(), names.get(i).copied());
    Err(match (name, wanted) {
        (Some(name), _) if fields[..i].contains(&name) => located(
            format!("column `{name}` appears twice in the CSV header"),
            expected,
            name.chars().count(),
        ),
        (Some(name), _) if !names.contains(&name) => located(
            match wanted {
                Some(w) => {
                    format!("the CSV header names `{name}` where the sidecar has column `{w}`")
                }
                None => {
                    format!("the CSV header names `{name}`, a column the sidecar does not list")
                }
            },
            did_you_mean(name, names.iter().copied(), &expected),
            name.chars().count(),
        ),
        (_, Some(w)) if !fields.contains(&w) => located(
            format!("the CSV header lacks column `{w}`"),
            format!("add it, or remove it from the sidecar's `columns:`; {expected}"),
            1,
        ),
        (Some(name), w) => located(
            format!(
                "column `{name}` is out of order: field {} of the header should be `{}`",
                i + 1,
                w.unwrap_or_default()
            ),
            expected,
            name.chars().count(),
        ),
        (None, _) => located("the CSV header ends early".to_string(), expected, 1),
    })
}

/// One data record as a row: as many fields as columns, each cell type-checked.
fn row(file: &SourceFile, record: &Record, columns: &[Column]) -> Result<Row, Diagnostic> {
    if record.fields.len() != columns.len() {
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        let (line, col) = match record.at.get(columns.len()) {
            Some(extra) => *extra,
            None => (record.line, 1),
        };
        return Err(Diagnostic::error(
            &file.path,
            line,
            col,
            format!("this row has {} fields, the header {}", record.fields.len(), columns.len()),
        )
        .with_hint(format!(
            "give every row one field per column ({}); leave a field empty for a blank, and put text holding a comma in quotes",
            names.join(",")
        )));
    }
    let mut row = Row::new();
    for ((field, column), (line, col)) in record.fields.iter().zip(columns).zip(&record.at) {
        let cell = csv_cell(column, field.trim()).map_err(|(message, hint)| {
            Diagnostic::error(&file.path, *line, *col, message)
                .with_len(field.chars().count())
                .with_hint(hint)
        })?;
        row.insert(column.name.clone(), cell);
    }
    Ok(row)
}

/// A CSV field as a cell of `column`: empty is a blank; in a number column, numbers are read as
/// YAML reads them; in a text or source column, the text is kept as written.
fn csv_cell(column: &Column, text: &str) -> Result<Cell, (String, String)> {
    if text.is_empty() {
        return Ok(Cell::Blank);
    }
    // Text is kept as written (`007`, `37.10`); only a number column reads a number.
    let scalar = if !column.kind.is_numeric() {
        Scalar::Str(text)
    } else if let Ok(i) = text.parse::<i64>() {
        Scalar::Int(i)
    } else if text.bytes().all(|b| b.is_ascii_digit()) {
        Scalar::TooLarge
    } else if let Some(v) = number(text) {
        Scalar::Float(v)
    } else {
        Scalar::Str(text)
    };
    check_cell(column, scalar).map_err(|(message, hint)| {
        let hint = if column.kind.is_numeric() {
            "write digits without thousands separators (7336, not 7,336); leave the field empty for a blank".to_string()
        } else {
            hint.to_string()
        };
        (message, hint)
    })
}

/// A finite decimal number written with digits (`37.1`, `-0.5`, `1e3`); not `inf` or `nan`.
fn number(text: &str) -> Option<f64> {
    let numeric = text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    numeric
        .then(|| text.parse::<f64>().ok())
        .flatten()
        .filter(|v| v.is_finite())
}
