//! Kinds of item, their ids and URLs, and where an item was declared.
//!
//! Every item has a [`Kind`] and an id; its URL derives from those two only ([`Kind::url`]), never
//! from the file it came from. [`Origin`] and [`Located`] carry file positions for diagnostics.

use std::path::PathBuf;

use serde::Serialize;

/// Where an item was declared, for diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// File relative to the site root.
    pub path: PathBuf,
    /// 1-based line of the item's `id`.
    pub line: usize,
    /// 1-based column of the item's `id`.
    pub col: usize,
}

/// Markdown text inside a YAML field, with the position of its first character in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Located {
    /// The Markdown source.
    pub text: String,
    /// 1-based line of the first character in the file.
    pub line: usize,
    /// 1-based column of the first character; later lines start at this column too (block scalars).
    pub col: usize,
}

/// Every kind of thing that has an id and a URL.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
pub enum Kind {
    /// A Markdown page (chapter, article, about).
    Page,
    /// A place entity.
    Place,
    /// An organization entity.
    Organization,
    /// A person entity.
    Person,
    /// A glossary term entity.
    Term,
    /// A dataset.
    Dataset,
    /// A chart.
    Chart,
    /// A bibliography source.
    Source,
    /// A key figure.
    Figure,
    /// A timeline event.
    Event,
    /// A correction.
    Correction,
}

impl Kind {
    /// Every kind, in index order.
    pub const ALL: [Kind; 11] = [
        Kind::Page,
        Kind::Place,
        Kind::Organization,
        Kind::Person,
        Kind::Term,
        Kind::Dataset,
        Kind::Chart,
        Kind::Source,
        Kind::Figure,
        Kind::Event,
        Kind::Correction,
    ];

    /// Whether the kind is an entity (place, organization, person, glossary term).
    pub fn is_entity(self) -> bool {
        matches!(
            self,
            Kind::Place | Kind::Organization | Kind::Person | Kind::Term
        )
    }

    /// The name used in `@kind/id` references.
    pub fn ref_name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Place => "place",
            Kind::Organization => "org",
            Kind::Person => "person",
            Kind::Term => "term",
            Kind::Dataset => "dataset",
            Kind::Chart => "chart",
            Kind::Source => "source",
            Kind::Figure => "figure",
            Kind::Event => "event",
            Kind::Correction => "correction",
        }
    }

    /// Parses the kind part of an `@kind/id` reference (`organization` is accepted for `org`).
    pub fn from_ref_name(name: &str) -> Option<Kind> {
        Some(match name {
            "page" => Kind::Page,
            "place" => Kind::Place,
            "org" | "organization" => Kind::Organization,
            "person" => Kind::Person,
            "term" => Kind::Term,
            "dataset" | "data" => Kind::Dataset,
            "chart" => Kind::Chart,
            "source" => Kind::Source,
            "figure" => Kind::Figure,
            "event" => Kind::Event,
            "correction" => Kind::Correction,
            _ => return None,
        })
    }

    /// The folder of the kind's index page (`/places/`), or None for pages, which live at the root.
    pub fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Page => return None,
            Kind::Place => "places",
            Kind::Organization => "organizations",
            Kind::Person => "people",
            Kind::Term => "glossary",
            Kind::Dataset => "data",
            Kind::Chart => "charts",
            Kind::Source => "sources",
            Kind::Figure => "figures",
            Kind::Event => "timeline",
            Kind::Correction => "corrections",
        })
    }

    /// Whether each item of this kind gets its own page (events and corrections are anchors on a list).
    pub fn has_own_page(self) -> bool {
        !matches!(self, Kind::Event | Kind::Correction)
    }

    /// The site path of an item: `/places/harbor/`, `/timeline/#id`, `/about/`.
    pub fn url(self, id: &str) -> String {
        match self.section() {
            None => format!("/{id}/"),
            Some(section) if self.has_own_page() => format!("/{section}/{id}/"),
            Some(section) => format!("/{section}/#{id}"),
        }
    }

    /// A human label for the kind, singular.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Page => "Page",
            Kind::Place => "Place",
            Kind::Organization => "Organization",
            Kind::Person => "Person",
            Kind::Term => "Glossary term",
            Kind::Dataset => "Dataset",
            Kind::Chart => "Chart",
            Kind::Source => "Source",
            Kind::Figure => "Key figure",
            Kind::Event => "Event",
            Kind::Correction => "Correction",
        }
    }

    /// A human label for the kind, plural (index page titles).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Page => "Pages",
            Kind::Place => "Places",
            Kind::Organization => "Organizations",
            Kind::Person => "People",
            Kind::Term => "Glossary",
            Kind::Dataset => "Data",
            Kind::Chart => "Charts",
            Kind::Source => "Sources",
            Kind::Figure => "Key figures",
            Kind::Event => "Timeline",
            Kind::Correction => "Corrections",
        }
    }
}

/// Folder names a page id may not take, because kind indexes and assets live there.
pub const RESERVED_PAGE_IDS: &[&str] = &[
    "places",
    "organizations",
    "people",
    "glossary",
    "data",
    "charts",
    "sources",
    "figures",
    "timeline",
    "corrections",
    "search",
    "embed",
    "static",
    "assets",
    "chapters",
    "pagefind",
    "cards",
];

/// Whether `id` is a valid id: lowercase ASCII letters, digits and `-`, not starting or ending with `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}
