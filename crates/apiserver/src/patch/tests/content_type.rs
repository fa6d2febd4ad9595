//! `PatchType::from_content_type`: the four media types, parameters and case.

use crate::patch::PatchType;

#[test]
fn recognises_the_four_patch_media_types() {
    let cases = [
        ("application/merge-patch+json", Some(PatchType::Merge)),
        ("application/json-patch+json", Some(PatchType::Json)),
        (
            "application/strategic-merge-patch+json",
            Some(PatchType::Strategic),
        ),
        ("application/apply-patch+yaml", Some(PatchType::Apply)),
        (
            "application/merge-patch+json; charset=utf-8",
            Some(PatchType::Merge),
        ),
        (
            "Application/JSON-Patch+JSON ;charset=UTF-8",
            Some(PatchType::Json),
        ),
        ("  application/apply-patch+yaml  ", Some(PatchType::Apply)),
        ("application/json", None),
        ("application/yaml", None),
        ("application/vnd.kubernetes.protobuf", None),
        ("", None),
        ("application/merge-patch+json-ish", None),
    ];
    for (header, expected) in cases {
        assert_eq!(PatchType::from_content_type(header), expected, "{header:?}");
    }
}

#[test]
fn media_type_round_trips() {
    for kind in PatchType::ALL {
        assert_eq!(PatchType::from_content_type(kind.media_type()), Some(kind));
    }
}
