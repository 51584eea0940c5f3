//! Entities: places, organizations, people and glossary terms, each with a page of its own.

use serde::{Deserialize, Serialize};

use super::kind::{Kind, Located, Origin};
use super::sources::SourceRef;

/// Entity kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A place.
    Place,
    /// An organization.
    Organization,
    /// A person.
    Person,
    /// A glossary term.
    Term,
}

impl EntityKind {
    /// The item kind.
    pub fn kind(self) -> Kind {
        match self {
            EntityKind::Place => Kind::Place,
            EntityKind::Organization => Kind::Organization,
            EntityKind::Person => Kind::Person,
            EntityKind::Term => Kind::Term,
        }
    }
}

/// A place, organization, person or glossary term.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Stable id, unique per kind.
    pub id: String,
    /// Which kind.
    pub kind: EntityKind,
    /// Name.
    pub name: String,
    /// Other spellings.
    #[serde(default)]
    pub also: Vec<String>,
    /// One line.
    pub summary: String,
    /// Markdown paragraph(s).
    #[serde(default)]
    pub description: Option<String>,
    /// Free label: city, firm, agency...
    #[serde(default)]
    pub category: Option<String>,
    /// Containing place.
    #[serde(default)]
    pub parent: Option<String>,
    /// Note printed beside it in a table.
    #[serde(default)]
    pub note: Option<String>,
    /// Its name in other languages or scripts, by BCP 47 tag (`ko: 서울`, `ru: Москва`,
    /// `ko-Latn: jaesosaeng` for a romanization); shown on its page and found by search.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, String>,
    /// Anything else a site's templates want to show (`entity.extra.<key>`); fieldbook only
    /// passes it on.
    #[serde(default)]
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
    /// Where the sources discuss it.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Old ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
    /// Position of the description in the file.
    #[serde(skip)]
    pub description_at: Located,
}
