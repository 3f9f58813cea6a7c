//! The `attache` command: argument parsing lives in the library, so this stays thin.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system's allocator: see Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    attache::cli::run(attache::cli::Cli::parse())
}
