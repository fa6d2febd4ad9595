//! Golden tests over `examples/`: every valid example is admitted and its admitted (defaulted)
//! form is pinned; every invalid example fails with exactly the errors its `# expect:` lines list.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{admit_value, context, error_lines};
use flotilla_api::admission::decode::decode_documents;
use flotilla_api::admission::{AdmissionConfig, FieldValidation, Operation};
use flotilla_api::kinds::find_kind;

fn examples_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(sub)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn config_for(path: &Path) -> AdmissionConfig {
    let name = path.file_name().unwrap().to_string_lossy();
    AdmissionConfig {
        allow_no_execute_taint_policy: name.contains("noexecute"),
        ..Default::default()
    }
}

#[test]
fn valid_examples_are_admitted_and_pinned() {
    let files = yaml_files(&examples_dir("failover"));
    assert!(
        files.len() >= 40,
        "examples/failover has {} files",
        files.len()
    );
    let mut admitted_count = 0;
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let ctx = context(config_for(&path), FieldValidation::Strict);
        let mut golden = String::new();
        for doc in decode_documents(&text, &path.display().to_string()).unwrap() {
            let api_version = doc.value["apiVersion"].as_str().unwrap_or_default();
            let kind = doc.value["kind"].as_str().unwrap_or_default();
            if find_kind(api_version, kind).is_none() {
                golden.push_str(&format!(
                    "# {api_version} {kind}: not a Flotilla kind\n---\n"
                ));
                continue;
            }
            let admitted = admit_value(doc.value, doc.duplicate_fields, Operation::Create, &ctx)
                .unwrap_or_else(|r| panic!("{}: {}", path.display(), r.message));
            admitted_count += 1;
            for warning in &admitted.warnings {
                golden.push_str(&format!("# warning: {warning}\n"));
            }
            golden.push_str(&serde_saphyr::to_string(&admitted.object).unwrap());
            golden.push_str("---\n");
        }
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(name, golden);
    }
    assert!(
        admitted_count >= 50,
        "only {admitted_count} objects admitted"
    );
}

#[test]
fn invalid_examples_fail_with_their_expected_errors() {
    let files = yaml_files(&examples_dir("invalid"));
    assert!(
        files.len() >= 12,
        "examples/invalid has {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{} has no `# expect:` lines",
            path.display()
        );
        let ctx = context(config_for(&path), FieldValidation::Strict);
        let mut got = Vec::new();
        for doc in decode_documents(&text, "f").unwrap() {
            if let Err(rejection) =
                admit_value(doc.value, doc.duplicate_fields, Operation::Create, &ctx)
            {
                got.extend(error_lines(&rejection));
            }
        }
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {expected:#?}\n  got {got:#?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
