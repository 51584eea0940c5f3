//! YAML files of items: a chart (one mapping per file) and the list files of entities, events,
//! sources, figures and corrections, each item with where its id is written.

use serde::Deserialize;

use crate::diag::{Diagnostic, LineIndex};
use crate::model::{Chart, Correction, Entity, Event, KeyFigure, Origin, Source};

use super::files::SourceFile;
use super::yaml::{origin_of, value_positions, yaml_error, KeyLines};

/// Items of a list file, each with where its id is written.
pub(super) fn parse_list<T>(file: &SourceFile) -> Result<Vec<(T, Origin)>, Diagnostic>
where
    T: for<'de> Deserialize<'de> + HasId,
{
    if file.text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<T> =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    // Each id is looked for after the previous one, in one index of the file's `id:` lines and
    // its line starts (rescanning the file for each item was quadratic in the items).
    let ids = KeyLines::new(&file.text, "id");
    let lines = LineIndex::new(&file.text);
    let mut out = Vec::with_capacity(items.len());
    let mut from = 0;
    for item in items {
        let offset = ids.find(item.id(), from);
        let (line, col) = offset.map_or((1, 1), |o| lines.line_col(o));
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

pub(super) fn parse_chart(file: &SourceFile) -> Result<Chart, Diagnostic> {
    let mut chart: Chart =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    chart.origin = origin_of(file, "id", &chart.id);
    chart.value_positions = value_positions(&file.text);
    Ok(chart)
}
