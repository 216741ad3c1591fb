//! Integration tests: the real `offboard-site` binary run on fixture sites,
//! good and bad.

mod support;

mod build;
mod errors;
mod serve;
mod serve_support;
