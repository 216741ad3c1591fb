//! Integration tests: the real `offboard-site` binary run on fixture sites,
//! good and bad.

mod support;

mod author;
mod build;
mod bundled_guide;
mod checklist;
mod errors;
mod external;
mod first_hour;
mod fuzz;
mod fuzz_mutate;
mod images;
mod languages;
mod limits;
mod output_safety;
mod parallel;
mod paths;
mod scale;
mod serve;
mod serve_safety;
mod serve_support;
mod shortcodes;
mod urls;
mod vendor;
