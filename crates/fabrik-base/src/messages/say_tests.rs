//! The catalogue's own checks: both languages, the same parameters, nothing said inline.

use super::*;
use crate::messages::placeholders;

#[test]
fn every_sentence_has_both_languages_with_the_same_parameters() {
    for s in Say::ALL {
        let t = s.template();
        assert!(!t.sv.trim().is_empty() && !t.en.trim().is_empty(), "{s}");
        let sv: Vec<&str> = placeholders(t.sv).into_iter().collect();
        let en: Vec<String> = placeholders(t.en)
            .into_iter()
            .map(|p| p.trim_end_matches("_en").to_string())
            .collect();
        assert_eq!(sv, en, "{s}: the languages take different parameters");
        assert!(
            !t.en.contains(['å', 'ä', 'ö', 'Å', 'Ä', 'Ö']),
            "{s}: Swedish letters in the English text"
        );
    }
}

/// Every sentence is in the catalogue: no `Text::new("…", …)` or `Text::new(format!(…), …)`
/// in the core's code (tests, the catalogue itself and the Swedish-only CLI aside). A pair
/// of values that are not sentences (a provider's own message) passes variables, not text.
#[test]
fn no_sentence_is_written_inline() {
    let mut inline = Vec::new();
    for (rel, f) in crate::sources::every_rust_file() {
        // A `*_tests.rs` file is a test module kept beside its code (`#[path]`).
        let test_module = rel.ends_with("_tests.rs");
        if rel == "crates/fabrik-base/src/messages.rs"
            || rel.starts_with("crates/fabrik-base/src/messages/")
            || rel.starts_with("crates/fabrik-cli/src/")
            || test_module
        {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in code.match_indices("Text::new(") {
            let args = code[i + "Text::new(".len()..].trim_start();
            // `format!($sv, …)`: the step table's declaration (`step!`), by its macro.
            let declared = args.starts_with("format!($");
            if (args.starts_with('"') || args.starts_with("format!")) && !declared {
                let line = code[..i].lines().count();
                inline.push(format!("{rel}:{line}"));
            }
        }
    }
    assert!(
        inline.is_empty(),
        "sentences outside the catalogue: {inline:#?}"
    );
}
