//! The content model: plain data, no I/O.
//!
//! These types are both the YAML/front-matter schema (serde, unknown keys rejected) and the data the
//! later stages read. Every item has a [`Kind`] and an id; its URL derives from those two only
//! ([`Kind::url`]), never from the file it came from.

mod charts;
mod datasets;
mod entities;
mod events;
mod figures;
mod kind;
mod pages;
mod schemas;
mod sources;
mod store;

pub use charts::{
    chartable, Axis, Chart, ChartKind, Open, OpenValues, Orientation, SeriesBreak,
    CHART_VALUE_LIMIT, CHART_VALUE_SMALLEST,
};
pub use datasets::{
    format_number, Cell, Check, Column, ColumnType, Dataset, DatasetHeader, Note, Row,
};
pub use entities::{Entity, EntityKind};
pub use events::{Correction, Event};
pub use figures::KeyFigure;
pub use kind::{is_valid_id, Kind, Located, Origin, RESERVED_PAGE_IDS};
pub use pages::{FrontMatter, Page, PageKind};
pub use schemas::{content_schemas, FileShape};
pub use sources::{Section, Source, SourceRef, SourceType};
pub use store::Site;

#[cfg(test)]
mod tests;
