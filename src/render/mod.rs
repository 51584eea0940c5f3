//! Render: turning one item into markup. `markdown` (pure: links, citations, anchors, embeds
//! through a trait), `chart` (the only plotters user: SVG and PNG), `cite` (the only hayagriva
//! user: reference formats), `templates` (the only tera user),
//! `escape` (the only html-escape user: the one HTML escaper).

pub mod chart;
pub mod cite;
pub mod escape;
pub mod markdown;
pub mod templates;
