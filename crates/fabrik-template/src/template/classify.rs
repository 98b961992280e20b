//! Which files a template update touches in one customer repository, and what to do with each,
//! from three trees of blob SHAs alone (no file contents).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Serialize;
use ts_rs::TS;

/// A repository's files at one commit: path → git blob SHA (files only).
pub type Tree = BTreeMap<String, String>;

/// The file in the template that lists paths template updates leave alone.
pub const IGNORE_FILE: &str = ".fabrik/template-ignore";
/// Files Fabrik writes itself for each customer.
pub const OWN_FILES: &[&str] = &["client-config.json"];

/// Paths the update never touches: Fabrik's own files and the template's ignore list.
#[derive(Debug, Clone)]
pub struct Rules {
    own: BTreeSet<String>,
    ignore: Gitignore,
}

impl Rules {
    /// `ignore_list` is the text of `IGNORE_FILE` (gitignore syntax; `#` comments and blank
    /// lines skipped).
    pub fn new<S: Into<String>>(
        own: impl IntoIterator<Item = S>,
        ignore_list: &str,
    ) -> Result<Rules, ignore::Error> {
        let mut builder = GitignoreBuilder::new("");
        for line in ignore_list.lines() {
            builder.add_line(Some(PathBuf::from(IGNORE_FILE)), line)?;
        }
        Ok(Rules {
            own: own.into_iter().map(Into::into).collect(),
            ignore: builder.build()?,
        })
    }

    /// Fabrik's own files, nothing ignored.
    pub fn standard(ignore_list: &str) -> Result<Rules, ignore::Error> {
        Rules::new(OWN_FILES.iter().copied(), ignore_list)
    }

    pub fn owns(&self, path: &str) -> bool {
        self.own.contains(path)
    }

    pub fn ignores(&self, path: &str) -> bool {
        // The matcher panics on a rooted path; tree paths never are, but a caller's might be.
        self.ignore
            .matched_path_or_any_parents(path.trim_start_matches('/'), false)
            .is_ignore()
    }
}

/// What the template did to a file between the repository's base and the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TemplateChange {
    Added,
    Modified,
    Deleted,
}

/// What the customer did to the file since the base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerChange {
    Unchanged,
    Modified,
    Deleted,
    /// Not in the base, but the customer has it.
    Added,
    /// Neither in the base nor with the customer.
    Absent,
}

/// What the update does with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "FileAction")]
pub enum Action {
    /// The customer did not touch it (or has none): the template's new file.
    TakeTemplate,
    /// The template deleted a file the customer did not touch.
    Delete,
    /// The customer deleted it: it stays deleted.
    KeepDeleted,
    /// Both changed it: a three-way merge.
    Merge,
    /// The template deleted a file the customer changed: the customer's stays, a person decides.
    KeepCustomer,
    /// Both added the path with different content: merged against an empty base.
    AddBoth,
    /// The customer already has the template's new version.
    Same,
    /// Fabrik's own file: untouched.
    Own,
    /// On the template's ignore list: untouched.
    Ignored,
}

/// One path the template changed, with the three blobs behind the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
pub struct FileChange {
    pub path: String,
    pub template: TemplateChange,
    pub customer: CustomerChange,
    pub action: Action,
    pub base_blob: Option<String>,
    pub template_blob: Option<String>,
    pub customer_blob: Option<String>,
}

/// Counts for the window and the pull request's description.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[ts(rename = "TemplateSummary")]
pub struct Summary {
    /// Files the template changed (own and ignored files not counted).
    pub template_changed: usize,
    /// Of those, files the customer changed too.
    pub customer_changed_too: usize,
    /// Files left with conflict markers or for a person (known only after `apply`).
    pub conflicts: usize,
    pub own: usize,
    pub ignored: usize,
}

impl Summary {
    /// The counts classification alone knows (`conflicts` stays 0).
    pub fn of(changes: &[FileChange]) -> Summary {
        let mut s = Summary::default();
        for c in changes {
            match c.action {
                Action::Own => s.own += 1,
                Action::Ignored => s.ignored += 1,
                _ => {
                    s.template_changed += 1;
                    if !matches!(
                        c.customer,
                        CustomerChange::Unchanged | CustomerChange::Absent
                    ) {
                        s.customer_changed_too += 1;
                    }
                }
            }
        }
        s
    }
}

/// One `FileChange` per path whose blob differs between `base` and `template`, in path order.
pub fn classify(base: &Tree, template: &Tree, customer: &Tree, rules: &Rules) -> Vec<FileChange> {
    let paths: BTreeSet<&String> = base.keys().chain(template.keys()).collect();
    let mut out = Vec::new();
    for path in paths {
        let (b, t, c) = (base.get(path), template.get(path), customer.get(path));
        let template_change = match (b, t) {
            (None, Some(_)) => TemplateChange::Added,
            (Some(_), None) => TemplateChange::Deleted,
            (Some(b), Some(t)) if b != t => TemplateChange::Modified,
            _ => continue,
        };
        let customer_change = match (b, c) {
            (Some(b), Some(c)) if b == c => CustomerChange::Unchanged,
            (Some(_), Some(_)) => CustomerChange::Modified,
            (Some(_), None) => CustomerChange::Deleted,
            (None, Some(_)) => CustomerChange::Added,
            (None, None) => CustomerChange::Absent,
        };
        let action = if rules.owns(path) {
            Action::Own
        } else if rules.ignores(path) {
            Action::Ignored
        } else if c == t {
            // Includes both having deleted it.
            Action::Same
        } else {
            use CustomerChange as C;
            use TemplateChange as T;
            match (template_change, customer_change) {
                (_, C::Unchanged) | (T::Added, C::Absent) => match template_change {
                    T::Deleted => Action::Delete,
                    _ => Action::TakeTemplate,
                },
                (T::Added, _) => Action::AddBoth,
                (T::Modified, C::Modified) => Action::Merge,
                (T::Modified, _) => Action::KeepDeleted,
                (T::Deleted, _) => Action::KeepCustomer,
            }
        };
        out.push(FileChange {
            path: path.clone(),
            template: template_change,
            customer: customer_change,
            action,
            base_blob: b.cloned(),
            template_blob: t.cloned(),
            customer_blob: c.cloned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(entries: &[(&str, &str)]) -> Tree {
        entries
            .iter()
            .map(|(p, s)| (p.to_string(), s.to_string()))
            .collect()
    }

    fn action_of(changes: &[FileChange], path: &str) -> Option<Action> {
        changes.iter().find(|c| c.path == path).map(|c| c.action)
    }

    #[test]
    fn every_action() {
        let base = tree(&[
            ("untouched.ts", "u0"),
            ("tpl-only.ts", "a0"),
            ("both.ts", "b0"),
            ("cust-deleted.ts", "c0"),
            ("tpl-deleted.ts", "d0"),
            ("tpl-deleted-cust-mod.ts", "e0"),
            ("same.ts", "f0"),
            ("both-deleted.ts", "g0"),
            ("client-config.json", "h0"),
            ("docs/private/plan.md", "i0"),
            ("notes.local.md", "j0"),
        ]);
        let template = tree(&[
            ("untouched.ts", "u0"),
            ("tpl-only.ts", "a1"),
            ("both.ts", "b1"),
            ("cust-deleted.ts", "c1"),
            ("same.ts", "f1"),
            ("client-config.json", "h1"),
            ("docs/private/plan.md", "i1"),
            ("notes.local.md", "j1"),
            ("new.ts", "n1"),
            ("new-both.ts", "m1"),
            ("new-same.ts", "s1"),
        ]);
        let customer = tree(&[
            ("untouched.ts", "u0"),
            ("tpl-only.ts", "a0"),
            ("both.ts", "b2"),
            ("tpl-deleted.ts", "d0"),
            ("tpl-deleted-cust-mod.ts", "e2"),
            ("same.ts", "f1"),
            ("client-config.json", "h2"),
            ("docs/private/plan.md", "i2"),
            ("notes.local.md", "j0"),
            ("new-both.ts", "m2"),
            ("new-same.ts", "s1"),
            ("mine.ts", "k2"),
        ]);
        let rules = Rules::standard("# ours alone\n\n/docs/private/\n*.local.md\n").unwrap();
        let changes = classify(&base, &template, &customer, &rules);
        let expect = [
            ("tpl-only.ts", Action::TakeTemplate),
            ("new.ts", Action::TakeTemplate),
            ("tpl-deleted.ts", Action::Delete),
            ("cust-deleted.ts", Action::KeepDeleted),
            ("both.ts", Action::Merge),
            ("tpl-deleted-cust-mod.ts", Action::KeepCustomer),
            ("new-both.ts", Action::AddBoth),
            ("same.ts", Action::Same),
            ("new-same.ts", Action::Same),
            ("both-deleted.ts", Action::Same),
            ("client-config.json", Action::Own),
            ("docs/private/plan.md", Action::Ignored),
            ("notes.local.md", Action::Ignored),
        ];
        for (path, action) in expect {
            assert_eq!(action_of(&changes, path), Some(action), "{path}");
        }
        assert_eq!(changes.len(), expect.len(), "{changes:#?}");
        assert_eq!(action_of(&changes, "untouched.ts"), None);
        assert_eq!(action_of(&changes, "mine.ts"), None);

        let both = changes.iter().find(|c| c.path == "both.ts").unwrap();
        assert_eq!(
            (both.template, both.customer),
            (TemplateChange::Modified, CustomerChange::Modified)
        );
        let s = Summary::of(&changes);
        assert_eq!(
            s,
            Summary {
                template_changed: 10,
                customer_changed_too: 7,
                conflicts: 0,
                own: 1,
                ignored: 2,
            }
        );
    }

    #[test]
    fn ignore_rules_are_gitignore_style() {
        let rules =
            Rules::standard("# c\n\n/top.md\nbuild/\n*.log\n!keep.log\ndocs/**/draft-*\n").unwrap();
        assert!(rules.ignores("top.md"));
        assert!(!rules.ignores("sub/top.md"));
        assert!(rules.ignores("build/x/y.js"));
        assert!(rules.ignores("a/build/y.js"));
        assert!(rules.ignores("x/y.log"));
        assert!(!rules.ignores("keep.log"));
        assert!(rules.ignores("docs/a/b/draft-1.md"));
        assert!(!rules.ignores("docs/final.md"));
        assert!(!rules.ignores("# c"));
        assert!(rules.ignores("/x/y.log"));
        assert!(rules.owns("client-config.json"));
        assert!(!rules.owns("sub/client-config.json"));
    }

    #[test]
    fn serializes_snake_case() {
        let v = serde_json::to_value(Action::TakeTemplate).unwrap();
        assert_eq!(v, "take_template");
        let v = serde_json::to_value(CustomerChange::Unchanged).unwrap();
        assert_eq!(v, "unchanged");
    }
}
