//! fieldbook: curated Markdown and YAML data extracts to a cross-linked static research site.
//!
//! The folders are the stages, in the order data flows:
//! [`load`] (files -> [`model::Site`]) -> [`validate`] (ids, references, data) -> [`render`]
//! (Markdown, charts, citations, templates) -> [`site`] (every output file) -> [`search`] (the
//! index) -> [`output`] (the write). [`build`](mod@build) runs them as a timed list; [`serve`] runs the same
//! build on every change. Every stage reports [`diag::Diagnostic`]s; any error stops the build
//! before anything is written.

pub mod build;
pub mod config;
pub mod diag;
pub mod fingerprint;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod validate;

pub use build::{
    build, check_site, compile, compile_with, preview, Built, Failure, Options, Parts, Report,
    WRITE_FAILED,
};
