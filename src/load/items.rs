//! YAML files of items: a chart (one mapping per file) and the list files of entities, events,
//! sources, figures and corrections, each item with where its id is written.

use serde::Deserialize;

use crate::diag::{line_col, Diagnostic};
use crate::model::{Chart, Correction, Entity, Event, KeyFigure, Origin, Source};

use super::files::SourceFile;
use super::yaml::{find_key_value, origin_of, value_positions, yaml_error};

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

pub(super) fn parse_chart(file: &SourceFile) -> Result<Chart, Diagnostic> {
    let mut chart: Chart =
        serde_yaml::from_str(&file.text).map_err(|e| yaml_error(&file.path, &file.text, &e, 0))?;
    chart.origin = origin_of(file, "id", &chart.id);
    chart.value_positions = value_positions(&file.text);
    Ok(chart)
}
