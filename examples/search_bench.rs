//! Measures the search index build alone, on a site rendered once in memory:
//! CPU time, wall time, the rise in peak resident memory and the bytes
//! written, per run.
//!
//! ```text
//! cargo run --release --example search_bench -- bench-out/corpus-10000/offboard 5
//! ```
//!
//! Linux only: CPU time is read from `/proc/self/stat` and the peak from
//! `VmHWM` in `/proc/self/status`, reset before each run through
//! `/proc/self/clear_refs`.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use offboard_site::build::render_site_keeping_parts;
use offboard_site::search::try_for_each_file;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().context("usage: search_bench ROOT [RUNS]")?);
    let runs: usize = args.next().map_or(Ok(3), |n| n.parse())?;
    let parts = match render_site_keeping_parts(&root, false) {
        Ok((output, parts)) => {
            drop(output);
            parts
        }
        Err(problems) => bail!("the site does not build: {} problems", problems.0.len()),
    };
    let text: usize = parts
        .rendered
        .iter()
        .flat_map(|page| &page.text_blocks)
        .map(|block| block.text.len() + block.title.len())
        .sum();
    println!(
        "{} pages, {:.1} MB of block text",
        parts.site.pages.len(),
        text as f64 / 1e6
    );
    for run in 0..runs {
        std::fs::write("/proc/self/clear_refs", "5").context("resetting the peak")?;
        let before = status_kb("VmRSS:")?;
        let (cpu, wall) = (cpu_seconds()?, Instant::now());
        let files = AtomicUsize::new(0);
        let bytes = AtomicUsize::new(0);
        let done = try_for_each_file(&parts.site, &parts.rendered, &|_, text| {
            files.fetch_add(1, Ordering::Relaxed);
            bytes.fetch_add(text.len(), Ordering::Relaxed);
            Ok::<(), Infallible>(())
        });
        let Ok(()) = done;
        let (files, bytes) = (files.into_inner(), bytes.into_inner());
        let (wall, cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds()? - cpu);
        let rise = status_kb("VmHWM:")?.saturating_sub(before);
        println!(
            "run {run}: {wall:.3} s wall, {cpu:.2} s cpu, peak +{} MB, {files} files, {bytes} bytes",
            rise / 1024
        );
    }
    Ok(())
}

/// User plus system CPU time of the process so far.
fn cpu_seconds() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let after = stat.rsplit_once(')').context("/proc/self/stat")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

/// A `kB` line of `/proc/self/status`.
fn status_kb(key: &str) -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|line| line.starts_with(key))
        .context("no such line")?;
    Ok(line[key.len()..]
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()?)
}
