//! The `attache` command: argument parsing lives in the library, so this stays thin.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    attache::cli::run(attache::cli::Cli::parse())
}
