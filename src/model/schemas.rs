//! The JSON Schemas of the content kinds, generated from the model types.

use super::charts::Chart;
use super::datasets::DatasetHeader;
use super::entities::Entity;
use super::events::{Correction, Event};
use super::figures::KeyFigure;
use super::pages::FrontMatter;
use super::sources::Source;

/// How a content folder's files hold their items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileShape {
    /// Markdown with YAML front matter (the schema is the front matter's).
    FrontMatter,
    /// One YAML mapping per file.
    One,
    /// A YAML list of items per file.
    List,
}

/// The JSON Schema of every content kind, generated from the model types: (content folder, how
/// its files hold items, schema). Editors can validate YAML with them (`fieldbook schema`), and the
/// hostile-input tests take every field from them, so a new field is covered without editing a test.
pub fn content_schemas() -> Vec<(&'static str, FileShape, serde_json::Value)> {
    use schemars::schema_for;
    let value = |s: schemars::Schema| s.to_value();
    vec![
        (
            "pages",
            FileShape::FrontMatter,
            value(schema_for!(FrontMatter)),
        ),
        (
            "datasets",
            FileShape::One,
            value(schema_for!(DatasetHeader)),
        ),
        ("charts", FileShape::One, value(schema_for!(Chart))),
        ("entities", FileShape::List, value(schema_for!(Vec<Entity>))),
        ("events", FileShape::List, value(schema_for!(Vec<Event>))),
        ("sources", FileShape::List, value(schema_for!(Vec<Source>))),
        (
            "figures",
            FileShape::List,
            value(schema_for!(Vec<KeyFigure>)),
        ),
        (
            "corrections",
            FileShape::List,
            value(schema_for!(Vec<Correction>)),
        ),
    ]
}
