//! Integration tests: the real `offboard-site` binary run on fixture sites,
//! good and bad.

mod support;

mod build;
mod checklist;
mod errors;
mod parallel;
mod scale;
mod serve;
mod serve_safety;
mod serve_support;
