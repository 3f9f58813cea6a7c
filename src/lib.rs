//! attache: a static-site generator for briefings.
//!
//! Markdown articles with YAML front matter pass through Tera templates into a plain
//! static site, in one pass of five stages, each a module with one job:
//!
//! ```text
//! files ─load─▶ Sources ─parse─▶ Vec<Page> ─index─▶ Site ─render─▶ Output ─emit─▶ disk
//! ```
//!
//! [`build::build`] runs the pipeline in memory; [`build::build_to_disk`] also writes the
//! result. [`pack`] makes printable packs (PDF) from the same [`index::Site`]. The
//! `attache` binary only parses arguments and calls [`cli::run`].

pub mod build;
pub(crate) mod check;
pub mod cli;
pub mod config;
pub mod emit;
pub mod error;
pub mod i18n;
pub(crate) mod import;
pub(crate) mod index;
pub mod load;
pub(crate) mod pack;
pub mod parse;
pub mod render;
pub(crate) mod scaffold;
pub mod serve;
