//! offboard-site: a static site generator for step-by-step guides whose
//! readers tick off steps in a checklist that lives in their own browser.
//!
//! The modules follow the pipeline: [`config`] (site.toml) → [`content`]
//! (pages, front matter, the site tree) → [`markdown`] (one pass per page) →
//! [`steps`] (step model, validation, static rendering) → [`templates`]
//! (Tera, built-in theme) → [`output`] (atomic write). [`build`] runs the
//! pipeline as a short list of named steps; [`init`] scaffolds a new site;
//! [`ignore`] names the files no command reads (hidden files, editors'
//! leftovers); [`images`] reads local images' sizes;
//! [`serve`] is the authoring loop (watch, rebuild in memory, live reload);
//! [`vendor`] copies hot-linked images into the site.

pub mod build;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod external;
pub mod fs;
pub mod git_dates;
pub mod highlight;
pub mod i18n;
pub mod ignore;
pub mod images;
pub mod include;
pub mod incremental;
pub mod init;
pub mod languages;
pub mod links;
pub mod markdown;
pub mod output;
pub mod output_path;
pub mod render;
pub mod search;
pub mod serve;
pub mod steps;
pub mod templates;
pub mod timings;
pub mod urls;
pub mod vendor;
