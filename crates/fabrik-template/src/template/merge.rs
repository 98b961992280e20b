//! One file's three-way merge: the customer's copy against the template's new one, both taken
//! from the template commit the repository was generated from or last synced to.

use diffy::{ConflictStyle, IncompleteHunkStyle, MergeOptions};

/// What a person reading a conflict in the pull request sees on each side.
pub const OURS_LABEL: &str = "kund (customer)";
pub const BASE_LABEL: &str = "bas (base)";
pub const THEIRS_LABEL: &str = "mall (template)";

/// A merged text: clean, or with `conflicts` regions between conflict markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merged {
    Clean(String),
    Conflicted { text: String, conflicts: usize },
}

impl Merged {
    pub fn text(&self) -> &str {
        match self {
            Merged::Clean(t) | Merged::Conflicted { text: t, .. } => t,
        }
    }

    pub fn conflicts(&self) -> usize {
        match self {
            Merged::Clean(_) => 0,
            Merged::Conflicted { conflicts, .. } => *conflicts,
        }
    }
}

/// Merges the template's change (`base` → `theirs`) into the customer's file (`ours`). The
/// result keeps the customer's line endings (CRLF when their file has them).
pub fn merge3(base: &str, ours: &str, theirs: &str) -> Merged {
    if ours == theirs || theirs == base {
        return Merged::Clean(ours.to_string());
    }
    if ours == base {
        return Merged::Clean(theirs.to_string());
    }
    // Merged as LF so that a file one side saved with CRLF does not differ on every line;
    // a file that mixes both is merged as it is, so no byte of it is rewritten.
    let styles = [endings_of(base), endings_of(ours), endings_of(theirs)];
    let crlf = match styles {
        [Some(_), Some(o), Some(t)] => Some(if ours.contains('\n') { o } else { t }),
        _ => None,
    };
    let (base, ours, theirs) = match crlf {
        Some(_) => (lf(base), lf(ours), lf(theirs)),
        None => (base.to_string(), ours.to_string(), theirs.to_string()),
    };
    let crlf = crlf == Some(true);

    // Markers one longer than any marker-like run already in the files, so each marker line
    // the merge writes is recognisable as ours (and relabelled) without touching content.
    let len = [&base, &ours, &theirs]
        .iter()
        .map(|t| longest_marker_run(t))
        .max()
        .unwrap_or(0)
        .max(6)
        + 1;
    let mut options = MergeOptions::new();
    options
        .set_conflict_style(ConflictStyle::Diff3)
        .set_conflict_marker_length(len)
        .set_incomplete_hunk_style(IncompleteHunkStyle::Git);
    let merged = match options.merge(&base, &ours, &theirs) {
        Ok(text) => return Merged::Clean(endings(text, crlf)),
        Err(text) => text,
    };

    let open = format!("{} ours", "<".repeat(len));
    let original = format!("{} original", "|".repeat(len));
    let close = format!("{} theirs", ">".repeat(len));
    let mut conflicts = 0;
    let mut out = String::with_capacity(merged.len() + 64);
    for line in merged.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if body == open {
            conflicts += 1;
            out.push_str(&format!("{} {OURS_LABEL}{nl}", "<".repeat(len)));
        } else if body == original {
            out.push_str(&format!("{} {BASE_LABEL}{nl}", "|".repeat(len)));
        } else if body == close {
            out.push_str(&format!("{} {THEIRS_LABEL}{nl}", ">".repeat(len)));
        } else {
            out.push_str(line);
        }
    }
    Merged::Conflicted {
        text: endings(out, crlf),
        conflicts,
    }
}

/// `Some(true)` when every line break is CRLF, `Some(false)` when none is, `None` if mixed.
fn endings_of(text: &str) -> Option<bool> {
    let breaks = text.matches('\n').count();
    match text.matches("\r\n").count() {
        0 => Some(false),
        n if n == breaks => Some(true),
        _ => None,
    }
}

fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn endings(text: String, crlf: bool) -> String {
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

/// The longest run of one marker character at the start of any line.
fn longest_marker_run(text: &str) -> usize {
    text.lines()
        .filter_map(|l| {
            let c = l.chars().next()?;
            "<>|="
                .contains(c)
                .then(|| l.chars().take_while(|&x| x == c).count())
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "a\nb\nc\nd\ne\nf\ng\n";

    #[test]
    fn changes_in_different_lines_merge_cleanly() {
        let ours = "a\nB kund\nc\nd\ne\nf\ng\n";
        let theirs = "a\nb\nc\nd\ne\nF mall\ng\n";
        assert_eq!(
            merge3(BASE, ours, theirs),
            Merged::Clean("a\nB kund\nc\nd\ne\nF mall\ng\n".into())
        );
    }

    #[test]
    fn same_line_changed_both_sides_is_one_labelled_conflict() {
        let ours = "a\nb\nC kund\nd\ne\nf\ng\n";
        let theirs = "a\nb\nC mall\nd\ne\nf\ng\n";
        let m = merge3(BASE, ours, theirs);
        assert_eq!(m.conflicts(), 1);
        assert_eq!(
            m.text(),
            format!(
                "a\nb\n<<<<<<< {OURS_LABEL}\nC kund\n||||||| {BASE_LABEL}\nc\n=======\nC mall\n>>>>>>> {THEIRS_LABEL}\nd\ne\nf\ng\n"
            )
        );
    }

    #[test]
    fn two_separate_conflicts_are_counted() {
        let ours = "A1\nb\nc\nd\ne\nf\nG1\n";
        let theirs = "A2\nb\nc\nd\ne\nf\nG2\n";
        let m = merge3(BASE, ours, theirs);
        assert_eq!(m.conflicts(), 2, "{}", m.text());
    }

    #[test]
    fn identical_changes_on_both_sides_are_clean() {
        let both = "a\nb\nX\nd\ne\nf\ng\nh\n";
        assert_eq!(merge3(BASE, both, both), Merged::Clean(both.into()));
        // The same edit plus one of the customer's own elsewhere.
        let ours = "a\nb\nX\nd\ne kund\nf\ng\nh\n";
        assert_eq!(merge3(BASE, ours, both), Merged::Clean(ours.into()));
    }

    #[test]
    fn one_side_unchanged_takes_the_other() {
        let other = "a\nz\n";
        assert_eq!(merge3(BASE, BASE, other), Merged::Clean(other.into()));
        assert_eq!(merge3(BASE, other, BASE), Merged::Clean(other.into()));
    }

    #[test]
    fn crlf_customer_file_keeps_crlf_and_merges_an_lf_template() {
        let base = "a\r\nb\r\nc\r\nd\r\ne\r\n";
        let ours = "a kund\r\nb\r\nc\r\nd\r\ne\r\n";
        let theirs = "a\nb\nc\nd\ne mall\n";
        assert_eq!(
            merge3(base, ours, theirs),
            Merged::Clean("a kund\r\nb\r\nc\r\nd\r\ne mall\r\n".into())
        );
        let conflict = merge3(
            base,
            "x\r\nb\r\nc\r\nd\r\ne\r\n",
            "y\r\nb\r\nc\r\nd\r\ne\r\n",
        );
        assert_eq!(conflict.conflicts(), 1);
        assert!(!conflict.text().replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn a_file_mixing_line_endings_keeps_every_byte() {
        let base = "a\r\nb\nc\nd\ne\n";
        let ours = "a\r\nb\nc\nd\ne kund\n";
        let theirs = "a\r\nb mall\nc\nd\ne\n";
        assert_eq!(
            merge3(base, ours, theirs),
            Merged::Clean("a\r\nb mall\nc\nd\ne kund\n".into())
        );
    }

    #[test]
    fn missing_trailing_newline() {
        let base = "a\nb\nc\nd\ne";
        let ours = "A\nb\nc\nd\ne";
        let theirs = "a\nb\nc\nd\nE";
        assert_eq!(
            merge3(base, ours, theirs),
            Merged::Clean("A\nb\nc\nd\nE".into())
        );
        // Both change the last, unterminated line: the markers still start lines of their own.
        let m = merge3(base, "a\nb\nc\nd\nkund", "a\nb\nc\nd\nmall");
        assert_eq!(m.conflicts(), 1);
        assert!(m.text().contains("\nkund\n||||||| "), "{}", m.text());
        assert!(m.text().contains("\nmall\n>>>>>>> "), "{}", m.text());
    }

    #[test]
    fn empty_files() {
        assert_eq!(merge3("", "", ""), Merged::Clean(String::new()));
        assert_eq!(merge3("", "", "new\n"), Merged::Clean("new\n".into()));
        assert_eq!(merge3("old\n", "", "old\n"), Merged::Clean(String::new()));
        // Both added a file at the same path (empty base), with different content.
        let m = merge3("", "kund\n", "mall\n");
        assert_eq!(m.conflicts(), 1);
        assert!(m.text().contains("kund\n") && m.text().contains("mall\n"));
    }

    #[test]
    fn marker_lines_in_content_are_not_taken_for_markers() {
        let base = "<<<<<<< ours\nb\nc\nd\n";
        let ours = "<<<<<<< ours\nB1\nc\nd\n";
        let theirs = "<<<<<<< ours\nB2\nc\nd\n";
        let m = merge3(base, ours, theirs);
        assert_eq!(m.conflicts(), 1, "{}", m.text());
        assert!(
            m.text().starts_with("<<<<<<< ours\n<<<<<<<< kund"),
            "{}",
            m.text()
        );
    }

    mod prop {
        use proptest::prelude::*;

        use super::super::*;

        /// One side's edit of the base's lines: keep, replace or drop each, maybe add after it.
        fn side(base: Vec<String>, tag: &'static str) -> impl Strategy<Value = Vec<String>> {
            let n = base.len();
            proptest::collection::vec((0u8..6, any::<bool>()), n + 1).prop_map(move |ops| {
                let mut out = Vec::new();
                for (i, (op, add)) in ops.iter().enumerate() {
                    if let Some(line) = base.get(i) {
                        match op {
                            0 => out.push(format!("{line} {tag}")),
                            1 => {}
                            _ => out.push(line.clone()),
                        }
                    }
                    if *add {
                        out.push(format!("new {i} {tag}"));
                    }
                }
                out
            })
        }

        fn join(lines: &[String], crlf: bool) -> String {
            let nl = if crlf { "\r\n" } else { "\n" };
            lines.iter().map(|l| format!("{l}{nl}")).collect()
        }

        fn cases() -> impl Strategy<Value = (Vec<String>, Vec<String>, Vec<String>, bool)> {
            (0usize..14)
                .prop_map(|n| (0..n).map(|i| format!("line {i}")).collect::<Vec<_>>())
                .prop_flat_map(|base| {
                    (
                        Just(base.clone()),
                        side(base.clone(), "kund"),
                        side(base, "mall"),
                        any::<bool>(),
                    )
                })
        }

        proptest! {
            /// No line either side added or changed is lost, merged cleanly or not, and a
            /// clean merge has no markers.
            #[test]
            fn nothing_added_on_either_side_is_lost((base, ours, theirs, crlf) in cases()) {
                let merged = merge3(&join(&base, false), &join(&ours, crlf), &join(&theirs, false));
                let text = merged.text();
                let lines: Vec<&str> = text.lines().collect();
                for l in ours.iter().chain(&theirs).filter(|l| !base.contains(l)) {
                    prop_assert!(lines.contains(&l.as_str()), "{l:?} lost in {text:?}");
                }
                let markers = lines.iter().filter(|l| l.starts_with("<<<<<<<")).count();
                prop_assert_eq!(markers, merged.conflicts());
                if crlf && !ours.is_empty() {
                    prop_assert!(!text.replace("\r\n", "").contains('\n'), "{:?}", text);
                }
            }
        }
    }
}
