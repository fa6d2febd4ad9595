//! Golden tests against the real kubectl (v1.32), from `testdata/kubectl_cases.json`.
//!
//! Owns: the comparison of our output with kubectl's for every recorded case, and the table
//! of cases where we differ on purpose ([`DEVIATIONS`]), which must stay in sync with the
//! fixture. Must not: run kubectl (`testdata/regen.sh` does, offline, to refresh the fixture).

use super::render_with;
use serde_json::Value;

const FIXTURE: &str = include_str!("../testdata/kubectl_cases.json");

fn document(name: &str) -> Value {
    let text = match name {
        "deployment" => include_str!("../testdata/docs/deployment.json"),
        "job-status" => include_str!("../testdata/docs/job-status.json"),
        "odd-keys" => include_str!("../testdata/docs/odd-keys.json"),
        other => panic!("fixture names unknown document {other}"),
    };
    serde_json::from_str(text).expect("test document is JSON")
}

/// A documented, deliberate difference from kubectl: the template and our output.
struct Deviation {
    template: &'static str,
    ours: &'static str,
    why: &'static str,
}

/// Every fixture case where our output is not kubectl's. See the module docs of `jsonpath`.
const DEVIATIONS: &[Deviation] = &[
    Deviation {
        template: "{.status.ratio}",
        ours: "1234567.5",
        why: "FD-9: plain decimals; kubectl prints 1.2345675e+06",
    },
    Deviation {
        template: "{.status.tiny}",
        ours: "0.00000015",
        why: "FD-9: plain decimals; kubectl prints 1.5e-07",
    },
    Deviation {
        template: "{.status.huge}",
        ours: "1000000000000000000000",
        why: "FD-9: plain decimals; kubectl prints 1e+21",
    },
    Deviation {
        template: "{.status.bigint}",
        ours: "12345678901234567890",
        why: "FD-9: exact digits; kubectl goes through float64 (1.2345678901234567e+19)",
    },
    Deviation {
        template: "{.status.scores[?(@>1)]}",
        ours: "1.5 3.75",
        why: "numbers compare by value; kubectl refuses to compare float data with an integer",
    },
    Deviation {
        template: "{.status.jobId.*}",
        ours: "",
        why: "`.*` on a string selects nothing; kubectl lists its bytes",
    },
    Deviation {
        template: "{.data['a.b']}",
        ours: "dotted",
        why: "quoted keys are literal; kubectl re-reads 'a.b' as the path .a.b",
    },
    Deviation {
        template: "{range .data.words[0:2]}{.}{end}",
        ours: "alphabeta",
        why: "{.} is the current object; kubectl looks up the empty key",
    },
    Deviation {
        template: "{.data.words[ 1 ]}",
        ours: "beta",
        why: "whitespace is allowed inside brackets; kubectl: invalid array index",
    },
    Deviation {
        template: "{.data.list..*}",
        ours: "[1,2] [3,4] 1 2 3 4",
        why: "`..*` is accepted; kubectl: unrecognized character",
    },
];

/// One recorded kubectl run.
struct Case {
    doc: String,
    template: String,
    allow_missing_keys: bool,
    output: String,
    error: bool,
    /// kubectl's order is Go's random map order: compare as multisets of words.
    unordered: bool,
}

fn cases() -> Vec<Case> {
    let fixture: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
    let text = |case: &Value, key: &str| case[key].as_str().expect(key).to_string();
    let flag = |case: &Value, key: &str| case[key].as_bool().expect(key);
    fixture["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| Case {
            doc: text(case, "doc"),
            template: text(case, "template"),
            allow_missing_keys: flag(case, "allow_missing_keys"),
            output: text(case, "output"),
            error: flag(case, "error"),
            unordered: flag(case, "unordered") || !flag(case, "stable"),
        })
        .collect()
}

fn words(text: &str) -> Vec<&str> {
    let mut words: Vec<&str> = text.split(' ').collect();
    words.sort_unstable();
    words
}

#[test]
fn matches_kubectl_except_documented_deviations() {
    let cases = cases();
    assert!(cases.len() >= 40, "fixture has only {} cases", cases.len());
    let mut agreed = 0;
    for case in &cases {
        let ours = render_with(
            &case.template,
            &document(&case.doc),
            case.allow_missing_keys,
        );
        let label = format!(
            "{} on {} (strict: {})",
            case.template, case.doc, !case.allow_missing_keys
        );
        if let Some(deviation) = DEVIATIONS.iter().find(|d| d.template == case.template) {
            assert_eq!(ours.as_deref(), Ok(deviation.ours), "deviation {label}");
            let kubectl_same = !case.error && case.output == deviation.ours;
            assert!(
                !kubectl_same,
                "{label} is listed as a deviation ({}) but kubectl agrees",
                deviation.why
            );
            continue;
        }
        match (&ours, case.error) {
            (Err(_), true) => {}
            (Ok(text), false) if case.unordered => {
                assert_eq!(words(text), words(&case.output), "{label}")
            }
            (Ok(text), false) => assert_eq!(text, &case.output, "{label}"),
            (ours, _) => panic!(
                "{label}: kubectl {:?} (error: {}), ours {ours:?}",
                case.output, case.error
            ),
        }
        agreed += 1;
    }
    assert_eq!(
        agreed + DEVIATIONS.len(),
        cases.len(),
        "every deviation is in the fixture"
    );
}

#[test]
fn fixture_covers_errors_strict_mode_and_ranges() {
    let cases = cases();
    assert!(cases.iter().filter(|c| c.error).count() >= 8);
    assert!(cases.iter().filter(|c| !c.allow_missing_keys).count() >= 4);
    assert!(
        cases
            .iter()
            .filter(|c| c.template.contains("{range"))
            .count()
            >= 5
    );
    assert!(cases.iter().filter(|c| c.template.contains("[?(")).count() >= 8);
}
