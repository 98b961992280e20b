use super::EnvListing;
use serde_json::json;

/// The three answers the spec allows for the env listing, and a target given as one
/// string, as a list, or as null.
#[test]
fn the_env_listing_reads_every_shape_the_spec_allows() {
    let read = |v: serde_json::Value| -> Vec<(String, Vec<String>)> {
        serde_json::from_value::<EnvListing>(v)
            .unwrap()
            .entries()
            .into_iter()
            .map(|e| (e.key, e.target))
            .collect()
    };
    let a =
        json!({"key": "A", "value": "x", "type": "encrypted", "target": ["production", "preview"]});
    let b = json!({"key": "B", "value": "y", "type": "plain", "target": "production"});
    let c = json!({"key": "C", "value": "z", "type": "sensitive", "target": null});
    let prod = || "production".to_string();
    let both = vec![
        ("A".to_string(), vec![prod(), "preview".to_string()]),
        ("B".to_string(), vec![prod()]),
    ];
    assert_eq!(read(json!({ "envs": [a, b] })), both);
    let paged = json!({"envs": [a, b], "pagination": {"count": 2, "next": null, "prev": null}});
    assert_eq!(read(paged), both);
    assert_eq!(read(b), vec![("B".to_string(), vec![prod()])]);
    assert_eq!(read(c), vec![("C".to_string(), Vec::<String>::new())]);
}
