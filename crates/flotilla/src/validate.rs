//! `flotilla validate`: runs admission offline over manifest files and reports every object's
//! verdict with every error's field path; optionally prints the admitted objects.
//!
//! Owns: reading inputs, the report format. Must not: hold admission rules (`flotilla-api`).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flotilla_api::admission::decode::{Document, decode_documents};
use flotilla_api::admission::{
    AdmissionConfig, AdmissionContext, FieldValidation, Operation, Rejection, Request, admit,
};
use flotilla_api::kinds::find_kind;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;

use crate::Outcome;
use crate::cli::{ValidateArgs, Validation};
use crate::output::render;

/// Counts of verdicts.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tally {
    valid: usize,
    invalid: usize,
    not_validated: usize,
    unreadable: usize,
}

/// Runs the command.
pub fn run(args: &ValidateArgs) -> Result<Outcome> {
    let sources = collect_sources(&args.files, args.recursive)?;
    let mut tally = Tally::default();
    let mut admitted = Vec::new();
    let mut report = String::new();
    for source in &sources {
        let (name, text) = read_source(source)?;
        match decode_documents(&text, &name) {
            Ok(documents) => {
                for document in documents {
                    let verdict = check_document(&name, document, args, &mut tally);
                    report.push_str(&verdict.0);
                    admitted.extend(verdict.1);
                }
            }
            Err(e) => {
                tally.unreadable += 1;
                report.push_str(&format!("{e}\n"));
            }
        }
    }
    report.push_str(&summary(&tally));
    match args.output {
        Some(format) => {
            eprint!("{report}");
            print!("{}", render(&admitted, format)?);
        }
        None => print!("{report}"),
    }
    Ok(if tally.invalid + tally.unreadable > 0 {
        Outcome::Negative
    } else {
        Outcome::Success
    })
}

fn summary(t: &Tally) -> String {
    let mut line = format!(
        "{} valid, {} invalid, {} not validated",
        t.valid, t.invalid, t.not_validated
    );
    if t.unreadable > 0 {
        line.push_str(&format!(", {} unreadable file(s)", t.unreadable));
    }
    line + "\n"
}

/// Admits one document; returns its report lines and, if admitted, the object.
fn check_document(
    source: &str,
    document: Document,
    args: &ValidateArgs,
    tally: &mut Tally,
) -> (String, Option<Value>) {
    let mut object = document.value;
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(info) = find_kind(&api_version, &kind) else {
        tally.not_validated += 1;
        let who = describe(&object, &format!("{api_version} {kind}"));
        return (
            format!(
                "{source}#{}: {who}: not validated (not a Flotilla kind)\n",
                document.index
            ),
            None,
        );
    };
    let has_namespace = object
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .is_some_and(|ns| !ns.is_empty());
    if info.namespaced
        && !has_namespace
        && let Some(Value::Object(meta)) = object.get_mut("metadata")
    {
        meta.insert("namespace".into(), Value::String(args.namespace.clone()));
    }
    let who = describe(&object, &kind);
    let request = Request {
        object,
        duplicate_fields: document.duplicate_fields,
        operation: Operation::Create,
    };
    let head = format!("{source}#{}: {who}", document.index);
    let ctx = context(validation_mode(args), args.allow_no_execute_taint_policy);
    match admit(info, request, &ctx) {
        Ok(admitted) => {
            tally.valid += 1;
            (
                format!("{head}: valid\n{}", warning_lines(&admitted.warnings)),
                Some(admitted.object),
            )
        }
        Err(rejection) => {
            tally.invalid += 1;
            (
                format!("{head}: INVALID{}", rejection_lines(&rejection)),
                None,
            )
        }
    }
}

/// `Kind namespace/name` (or `Kind name`).
fn describe(object: &Value, kind: &str) -> String {
    let meta = &object["metadata"];
    let name = meta
        .get("name")
        .or_else(|| meta.get("generateName"))
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>");
    match meta.get("namespace").and_then(Value::as_str) {
        Some(ns) if !ns.is_empty() => format!("{kind} {ns}/{name}"),
        _ => format!("{kind} {name}"),
    }
}

fn warning_lines(warnings: &[String]) -> String {
    warnings
        .iter()
        .map(|w| format!("  warning: {w}\n"))
        .collect()
}

fn rejection_lines(rejection: &Rejection) -> String {
    let mut out = format!(" ({})\n", rejection.http_status());
    if rejection.causes.is_empty() {
        out.push_str(&format!("  {}\n", rejection.message));
    } else {
        if let Some(prefix) = rejection
            .message
            .split(": ")
            .next()
            .filter(|p| p.starts_with("admission webhook"))
        {
            out.push_str(&format!("  {prefix}:\n"));
        }
        for cause in &rejection.causes {
            out.push_str(&format!("  - {cause}\n"));
        }
    }
    out + &warning_lines(&rejection.warnings)
}

fn validation_mode(args: &ValidateArgs) -> FieldValidation {
    match args.validate {
        Validation::Strict => FieldValidation::Strict,
        Validation::Warn => FieldValidation::Warn,
        Validation::Ignore => FieldValidation::Ignore,
    }
}

/// The current time, to the second (API times have second precision).
pub fn now() -> Time {
    let now = k8s_openapi::jiff::Timestamp::now();
    Time(k8s_openapi::jiff::Timestamp::from_second(now.as_second()).unwrap_or(now))
}

/// An admission context with the current time and a fresh UUID.
pub fn context(
    field_validation: FieldValidation,
    allow_no_execute_taint_policy: bool,
) -> AdmissionContext {
    AdmissionContext {
        now: now(),
        new_id: uuid::Uuid::new_v4().to_string(),
        field_validation,
        config: AdmissionConfig {
            allow_no_execute_taint_policy,
            ..Default::default()
        },
    }
}

/// An input: standard input or a file.
enum Source {
    Stdin,
    File(PathBuf),
}

fn read_source(source: &Source) -> Result<(String, String)> {
    match source {
        Source::Stdin => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading standard input")?;
            Ok(("-".into(), text))
        }
        Source::File(path) => {
            let text =
                fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Ok((path.display().to_string(), text))
        }
    }
}

fn collect_sources(paths: &[PathBuf], recursive: bool) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
        } else if path.is_dir() {
            let mut files = Vec::new();
            list_dir(path, recursive, &mut files)?;
            files.sort();
            sources.extend(files.into_iter().map(Source::File));
        } else {
            sources.push(Source::File(path.clone()));
        }
    }
    Ok(sources)
}

fn list_dir(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            if recursive {
                list_dir(&path, recursive, out)?;
            }
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
    Ok(())
}
