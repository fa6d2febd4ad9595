//! The `flotilla` binary: parses arguments, runs one subcommand, and chooses the exit code.
//!
//! Owns: exit codes (0 success, 1 a command's negative verdict such as invalid input, 2 usage or
//! runtime errors). Must not: hold command logic (see the command modules).

mod apiserver;
mod cli;
mod crds;
mod output;
mod schedule;
mod sim;
mod validate;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Crds(args) => crds::run(&args),
        Command::Schedule(args) => schedule::run(&args),
        Command::Sim(args) => sim::run(&args),
        Command::Apiserver(args) => apiserver::run(&args),
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// What a command concluded (errors are `anyhow::Error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is fine.
    Success,
    /// The command ran, and its answer is negative (e.g. some input is invalid).
    Negative,
}

impl Outcome {
    fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Negative => ExitCode::from(1),
        }
    }
}
