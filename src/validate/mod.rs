//! Validate: everything about the content that can be wrong before anything is rendered. `index`
//! gives every item its id, URL and title and checks ids, aliases and every reference written in a
//! YAML field; `consistency` recomputes a table's printed shares and sums; `provenance` finds every
//! key figure and dataset value in the local text of its source (run by `fieldbook check`). What can be checked only
//! after rendering (anchors of linked pages, entities nothing mentions, links) is `build::verify`.

pub mod consistency;
pub mod index;
pub mod provenance;
