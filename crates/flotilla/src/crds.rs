//! `flotilla crds`: CustomResourceDefinitions of every served kind. Owns: the command.

use anyhow::Result;

use crate::Outcome;
use crate::cli::CrdsArgs;
use crate::output::render;

/// Prints the CRDs.
pub fn run(args: &CrdsArgs) -> Result<Outcome> {
    let crds: Vec<serde_json::Value> = flotilla_api::schema::crds()
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()?;
    print!("{}", render(&crds, args.output)?);
    Ok(Outcome::Success)
}
