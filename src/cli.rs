//! The command line: clap derive types and the dispatch from a parsed
//! command to the library. Flags are turned into options here and nowhere
//! else, so the library never sees clap.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Args, Parser, Subcommand};

use crate::build::{BuildOptions, BuildSummary, build_site, check_site};
use crate::external::{ExternalOptions, check_external};
use crate::init::{StarterLanguage, init_site, next_step};
use crate::output::refused_outputs;
use crate::serve::{ServeOptions, serve};
use crate::vendor::{VENDOR_DIR, VendorOptions, vendor_images};

/// offboard-site: build step-by-step guides with checklists readers tick off
/// in their own browser.
#[derive(Debug, Parser)]
#[command(name = "offboard-site", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the site into the output folder (default `public/`).
    #[command(long_about = build_long_about())]
    Build(BuildArgs),
    /// Validate content, step metadata, links and templates without writing
    /// anything; exits non-zero on any error.
    ///
    /// Also warns, without the network and without changing the exit
    /// status, of every image hot-linked from another site (`vendor-images`
    /// copies them into the site).
    ///
    /// With `--external`, also asks the server of every external link and
    /// image whether it works (several at once, at most `--per-host` to one
    /// host, each within `--timeout`, failures that may pass tried again
    /// `--retries` times) and reports each failure at its file, line and
    /// column. URLs found working are remembered in
    /// `.offboard-cache/external-links.json` for `--cache-hours`.
    Check(CheckArgs),
    /// Create a new site in DIR that builds as it is.
    Init(InitArgs),
    /// Copy every image the pages hot-link from other sites into the site
    /// and point the Markdown at the copy.
    ///
    /// Downloads each `http(s)` image of every page (drafts included; a few
    /// at once, at most `--per-host` to one host, each within `--timeout`,
    /// failures that may pass tried again `--retries` times), keeps it only
    /// when its bytes are an image (PNG, JPEG, GIF, WebP, AVIF, BMP, ICO, or
    /// SVG without script), saves it as
    /// `content/vendor/<host>/<name>-<hash>.<ext>`, and replaces the address
    /// in the page by the relative path to it, printing `file:line:column:
    /// URL -> path` for each. Every file is written whole or not at all. A
    /// reference that cannot be vendored is an error at its place and stays
    /// as it was; the others are still vendored. `--dry-run` downloads and
    /// reports but writes nothing.
    #[command(name = "vendor-images")]
    VendorImages(VendorArgs),
    /// Serve the site locally and reload the browser on every save.
    ///
    /// Builds in memory (never touching `public/`), watches `content/`,
    /// `themes/`, `static/` and `site.toml`, and shows build errors in the
    /// terminal and over the open page while the last good site stays
    /// served.
    Serve(ServeArgs),
}

/// Where the site is.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site's root folder (the one holding `site.toml`).
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

/// Flags of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    /// Where the site is.
    pub site: SiteArgs,
    /// Also check every external link and image over the network.
    #[arg(long)]
    pub external: bool,
    /// With `--external`: seconds to wait for one answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_seconds)]
    pub timeout: f64,
    /// With `--external`: further tries after a timeout, a lost connection,
    /// 429 or 5xx (with a pause of 0.5 s, doubling).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// With `--external`: requests to one host at a time.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..))]
    pub per_host: u16,
    /// With `--external`: hours a URL found working is not asked again;
    /// `0` ignores the cache.
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    pub cache_hours: u64,
}

/// A number of seconds above zero.
fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds <= 3600.0 => Ok(seconds),
        _ => Err("give a number of seconds above 0, at most 3600, e.g. `10` or `0.5`".to_owned()),
    }
}

/// `build --help`'s description; the refused outputs come from the code
/// that refuses them ([`refused_outputs`]).
fn build_long_about() -> String {
    format!(
        "Render the site into the output folder (default `public/`).\n\n\
         The output is replaced only when the whole build succeeds: a failed or killed build \
         leaves the previous output as it was. A build only replaces a folder it made (it \
         leaves a `.offboard-site-output` file there); an existing non-empty folder without \
         that file is refused unless `--force` is given. Never replaced, even with `--force`: \
         {} (compared after following symlinks). A symlinked output keeps its link; the \
         folder it points to is replaced. Two builds of one output run one after the other.",
        refused_outputs()
    )
}

/// `--output`'s long help, naming every refused output.
fn output_long_help() -> String {
    format!(
        "Where to write the site (default: `public/` under the root). Refused: {} (after \
         following symlinks), and, without `--force`, a non-empty folder no build made",
        refused_outputs()
    )
}

/// Flags of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    /// Where the site is.
    pub site: SiteArgs,
    /// Where to write the site (default: `public/` under the root).
    #[arg(long, short = 'o', value_name = "DIR", long_help = output_long_help())]
    pub output: Option<PathBuf>,
    /// Replace the output folder even though no build made it: everything
    /// in it is deleted. The folders refused above stay refused.
    #[arg(long)]
    pub force: bool,
    /// Print nothing on success.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Flags of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    /// Where the site is.
    pub site: SiteArgs,
    /// The port to listen on; when it is taken, the next free one is used
    /// (and said). `0` takes any free port.
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. The default is reachable from this
    /// machine only; `0.0.0.0` shares the site with your network.
    #[arg(long, short = 'b', value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Also answer requests for this host name (repeatable); `.example`
    /// allows `example` and every name under it. `localhost`, names under
    /// `.localhost` and IP addresses are always answered; other names are
    /// refused, so that no web page can reach the server by DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME", value_parser = crate::serve::host::parse_allowed_host)]
    pub allow_hosts: Vec<String>,
}

/// Flags of `vendor-images`.
#[derive(Debug, Args)]
pub struct VendorArgs {
    #[command(flatten)]
    /// Where the site is.
    pub site: SiteArgs,
    /// Download and report what would change, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for one image, redirects included.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = parse_seconds)]
    pub timeout: f64,
    /// Further tries after a timeout, a lost connection, 429 or 5xx (with a
    /// pause of 0.5 s, doubling).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// Downloads from one host at a time.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..))]
    pub per_host: u16,
}

/// Flags of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must not exist or be empty).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The starter site's language: `en` (English pages and interface) or
    /// `zh-CN` (Chinese).
    #[arg(long, short = 'l', value_name = "TAG", default_value = "en", value_parser = StarterLanguage::parse)]
    pub language: StarterLanguage,
}

/// Runs a parsed command line.
pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Init(args) => {
            init_site(&args.dir, &args.language)?;
            eprintln!("{}", next_step(&args.dir));
            Ok(())
        }
        Command::VendorImages(args) => run_vendor(args),
        Command::Serve(args) => serve(&ServeOptions {
            root: args.site.root.clone(),
            bind: args.bind,
            port: args.port,
            open: args.open,
            include_drafts: args.drafts,
            allowed_hosts: args.allow_hosts.clone(),
        }),
    }
}

fn run_check(args: &CheckArgs) -> Result<()> {
    let summary = check_site(&args.site.root)?;
    let warnings = match summary.warnings {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    eprintln!(
        "check: {} pages, {} steps, no errors{warnings}",
        summary.pages, summary.steps
    );
    if !args.external {
        return Ok(());
    }
    let mut options = ExternalOptions::default();
    options.fetch.timeout = Duration::from_secs_f64(args.timeout);
    options.fetch.retries = args.retries;
    options.fetch.per_host = usize::from(args.per_host);
    options.cache_seconds = args.cache_hours.saturating_mul(3600);
    // Its hot-linked images were warned of above, by the plain check.
    let report = check_external(&args.site.root, &options)?;
    eprintln!(
        "check --external: {} links to {} URLs ({} known good from the cache), {} broken, {} hot-linked images",
        report.links,
        report.urls,
        report.cached,
        report.failures.len(),
        report.warnings.len()
    );
    report.into_result()?;
    Ok(())
}

fn run_vendor(args: &VendorArgs) -> Result<()> {
    let mut fetch = ExternalOptions::default().fetch;
    fetch.timeout = Duration::from_secs_f64(args.timeout);
    fetch.retries = args.retries;
    fetch.per_host = usize::from(args.per_host);
    let options = VendorOptions {
        root: args.site.root.clone(),
        dry_run: args.dry_run,
        fetch,
    };
    let report = vendor_images(&options, &mut std::io::stdout().lock())?;
    for failure in &report.failures {
        eprint!("{failure}");
    }
    let (verb, written) = if args.dry_run {
        ("would vendor", "would write")
    } else {
        ("vendored", "wrote")
    };
    eprintln!(
        "vendor-images: {verb} {} references, {written} {} images under `content/{VENDOR_DIR}/` and {} pages, {} left as they were",
        report.rewritten,
        report.images,
        report.pages,
        report.failures.len()
    );
    match report.failures.len() {
        0 => Ok(()),
        1 => anyhow::bail!("1 image was not vendored; its reference is as it was"),
        n => anyhow::bail!("{n} images were not vendored; their references are as they were"),
    }
}

fn run_build(args: &BuildArgs) -> Result<()> {
    let started = Instant::now();
    let options = BuildOptions {
        force: args.force,
        ..BuildOptions::new(&args.site.root, args.output.as_deref())
    };
    let summary = build_site(&options)?;
    if !args.quiet {
        eprintln!(
            "{}",
            describe_build(&summary, started.elapsed().as_secs_f64())
        );
    }
    Ok(())
}

/// The one line `build` prints when it is done.
fn describe_build(summary: &BuildSummary, seconds: f64) -> String {
    format!(
        "built {}, {} warnings in {:.0} ms → {}",
        summary.counts(),
        summary.warnings,
        seconds * 1000.0,
        summary.output.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn build_defaults_to_current_folder() {
        let cli = Cli::parse_from(["offboard-site", "build"]);
        let Command::Build(args) = cli.command else {
            panic!("expected build");
        };
        assert_eq!(args.site.root, PathBuf::from("."));
        assert!(args.output.is_none());
    }

    #[test]
    fn serve_listens_on_this_machine_by_default() {
        let cli = Cli::parse_from(["offboard-site", "serve"]);
        let Command::Serve(args) = cli.command else {
            panic!("expected serve");
        };
        assert_eq!(args.bind, IpAddr::from([127, 0, 0, 1]));
        assert_eq!(args.port, 1111);
        assert!(!args.open && !args.drafts);
        assert!(args.allow_hosts.is_empty());
    }

    #[test]
    fn serve_takes_allowed_host_names() {
        let cli = Cli::parse_from([
            "offboard-site",
            "serve",
            "--allow-host",
            "Docs.Example",
            "--allow-host",
            ".tunnel.test",
        ]);
        let Command::Serve(args) = cli.command else {
            panic!("expected serve");
        };
        assert_eq!(args.allow_hosts, ["docs.example", ".tunnel.test"]);
        let error = Cli::try_parse_from(["offboard-site", "serve", "--allow-host", "a.test:80"])
            .expect_err("a port is not a name");
        assert!(error.to_string().contains("is not a host name"), "{error}");
    }
}
