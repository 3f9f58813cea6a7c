//! The command line: argument definitions and what each command does.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::build::{self, BuildOptions};
use crate::error::Diagnostics;

/// attache turns a folder of Markdown articles with YAML front matter into a fast, plain
/// static briefing site: topic pages, a timeline, people and organization pages, feeds
/// and search, ready for any static host.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Run `attache <command> --help` for a command's options.\n\
Start with `attache build` in a site folder (one with a site.yaml)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    ///
    /// The site is built in memory and written to a staging folder that replaces the
    /// output folder only when everything succeeded: a failed build leaves the previous
    /// site exactly as it was.
    Build(BuildArgs),
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, the one holding site.yaml.
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include articles and pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Write the site here instead of site.yaml's `output_dir`.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Publish under this URL instead of site.yaml's `base_url`, e.g. for a staging host.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Runs a parsed command line; the exit code is non-zero on any error.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => run_build(args),
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let options = BuildOptions {
        drafts: args.site.drafts,
        base_url: args.base_url,
    };
    match build::build_to_disk(&args.site.root, args.output.as_deref(), &options) {
        Ok((built, dir)) => {
            if !args.quiet {
                println!(
                    "Built {} into {} in {} ms",
                    built.summary(),
                    dir.display(),
                    built.elapsed.as_millis()
                );
            }
            ExitCode::SUCCESS
        }
        Err(problems) => report(&problems),
    }
}

/// Prints every problem to stderr and returns the failure exit code.
pub fn report(problems: &Diagnostics) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprintln!("{}", problems.render(color));
    ExitCode::FAILURE
}
