//! A template with two releases and twelve customer repositories generated from the first,
//! each changed by its customer in a seeded, reproducible way, with the ground truth of what
//! the customer changed; and `check`, which holds a repository after a template update to
//! that truth. Plain std, so the library's unit tests include this file as well (by `#[path]`)
//! and an integration test can push the same repositories into the simulated GitHub.
#![allow(dead_code)]

use std::collections::BTreeMap;

/// Path → file text.
pub type Files = BTreeMap<String, String>;

pub const OWN_FILE: &str = "client-config.json";
pub const IGNORE_FILE: &str = ".fabrik/template-ignore";
pub const IGNORE_LIST: &str =
    "# Files each customer keeps as their own\n\ndocs/private/\n*.local.md\n";
pub const CUSTOMERS: usize = 12;

pub struct Corpus {
    /// The template's first release (every customer repository was generated from it).
    pub base: Files,
    /// The template's second release, the update's target.
    pub release: Files,
    pub customers: Vec<CustomerRepo>,
}

pub struct CustomerRepo {
    pub name: String,
    /// The customer's default branch before the update.
    pub files: Files,
    /// Per path (of base, release and customer alike): what must hold after the update.
    pub truth: BTreeMap<String, Truth>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Absent,
    Exactly(String),
    /// A three-way merge: the lines in `Truth` present; with conflict markers or without.
    Merged {
        conflicted: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truth {
    pub expect: Expect,
    /// Lines the customer added or changed (empty when they deleted the file).
    pub customer_lines: Vec<String>,
    /// Of those, the ones the template changed too: they must be inside conflict markers.
    pub overlapping: Vec<String>,
    /// Lines the template added or changed, to be present in a merge.
    pub template_lines: Vec<String>,
}

impl Truth {
    fn exactly(text: &str) -> Truth {
        Truth {
            expect: Expect::Exactly(text.to_string()),
            customer_lines: Vec::new(),
            overlapping: Vec::new(),
            template_lines: Vec::new(),
        }
    }

    fn absent() -> Truth {
        Truth {
            expect: Expect::Absent,
            ..Truth::exactly("")
        }
    }
}

impl CustomerRepo {
    /// The base's files the customer changed or deleted.
    pub fn changed_paths(&self, base: &Files) -> usize {
        base.iter()
            .filter(|(p, t)| self.files.get(*p) != Some(t))
            .count()
    }
}

/// splitmix64: reproducible across platforms and crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// A text file as lines, with its line ending and whether the last line ends with one.
#[derive(Clone)]
struct Doc {
    lines: Vec<String>,
    crlf: bool,
    final_newline: bool,
}

impl Doc {
    fn render(&self) -> String {
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let mut s = self.lines.join(nl);
        if self.final_newline && !self.lines.is_empty() {
            s.push_str(nl);
        }
        s
    }
}

const PATHS: &[&str] = &[
    "package.json",
    "README.md",
    "tsconfig.json",
    ".gitignore",
    "scripts/build.bat",
    "public/robots.txt",
    "src/index.ts",
    "src/app.tsx",
    "src/components/Button.tsx",
    "src/components/Card.tsx",
    "src/components/Header.tsx",
    "src/components/Footer.tsx",
    "src/components/Nav.tsx",
    "src/components/Modal.tsx",
    "src/components/Form.tsx",
    "src/components/Table.tsx",
    "src/lib/api.ts",
    "src/lib/auth.ts",
    "src/lib/db.ts",
    "src/lib/format.ts",
    "src/lib/dates.ts",
    "src/lib/money.ts",
    "src/pages/home.tsx",
    "src/pages/about.tsx",
    "src/pages/contact.tsx",
    "src/pages/pricing.tsx",
    "src/pages/login.tsx",
    "src/styles/main.css",
    "src/styles/theme.css",
    "db/migrations/0001_init.sql",
    "db/migrations/0002_users.sql",
    "tests/app.test.ts",
    "tests/api.test.ts",
];
const ADDED: &[&str] = &[
    "src/components/Badge.tsx",
    "src/lib/cache.ts",
    "src/pages/blog.tsx",
    "db/migrations/0003_audit.sql",
];
const IGNORED: &[&str] = &["docs/private/plan.md", "docs/notes.local.md"];
/// The path a third of the customers also added themselves.
const ADDED_BY_BOTH: &str = "src/lib/cache.ts";
const DELETED_IN_RELEASE: usize = 3;

fn line(path: &str, i: usize, tag: &str) -> String {
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_start_matches('.')
        .split('.')
        .next()
        .unwrap_or(path)
        .replace('-', "_");
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "ts" | "tsx" => format!("export const {stem}_{i:02} = \"{path}:{i}\";{tag}"),
        "css" => format!(".{stem}-{i:02} {{ margin: {i}px; }}{tag}"),
        "sql" => format!("alter table t_{stem} add column c{i:02} int;{tag}"),
        "json" => format!("  \"{stem}_{i:02}\": \"{i}\",{tag}"),
        "bat" => format!("echo step {i:02} of {stem}{tag}"),
        _ => format!("{stem} line {i:02}: some words.{tag}"),
    }
}

fn doc(path: &str, n: usize, tag: &str) -> Doc {
    Doc {
        lines: (0..n).map(|i| line(path, i, tag)).collect(),
        // A Windows script with CRLF, and a README without a final newline.
        crlf: path.ends_with(".bat"),
        final_newline: path != "README.md",
    }
}

/// Where the template changed a file in its second release.
struct TemplateEdit {
    /// Replaced lines (base indices).
    replaced: [usize; 2],
    /// A line inserted after this base index.
    inserted_after: usize,
}

impl TemplateEdit {
    fn touches(&self, i: usize) -> bool {
        self.replaced.contains(&i) || i == self.inserted_after || i == self.inserted_after + 1
    }
}

/// Builds the corpus; the same `seed` gives the same corpus.
pub fn corpus(seed: u64) -> Corpus {
    let mut rng = Rng(seed);
    let mut base_docs: BTreeMap<String, Doc> = BTreeMap::new();
    for p in PATHS.iter().chain(IGNORED) {
        base_docs.insert(p.to_string(), doc(p, 24 + rng.below(17), ""));
    }
    base_docs.insert(OWN_FILE.into(), doc(OWN_FILE, 6, ""));
    let ignore = Doc {
        lines: IGNORE_LIST.lines().map(String::from).collect(),
        crlf: false,
        final_newline: true,
    };
    base_docs.insert(IGNORE_FILE.into(), ignore);

    // The second release: about half the files edited, three deleted, four added, and its own
    // and ignored files changed too (the update must leave those alone).
    let mut pool: Vec<&str> = PATHS.to_vec();
    rng.shuffle(&mut pool);
    let deleted: Vec<&str> = pool[..DELETED_IN_RELEASE].to_vec();
    let mut edits: BTreeMap<String, TemplateEdit> = BTreeMap::new();
    let mut release_docs = base_docs.clone();
    for p in &deleted {
        release_docs.remove(*p);
    }
    let edited: Vec<&str> = pool[DELETED_IN_RELEASE..DELETED_IN_RELEASE + PATHS.len() / 2]
        .iter()
        .copied()
        .chain(IGNORED.iter().copied())
        .chain([OWN_FILE])
        .collect();
    for p in edited {
        let d = release_docs.get_mut(p).unwrap();
        let n = d.lines.len();
        let edit = TemplateEdit {
            replaced: [n / 8 + rng.below(2), 5 * n / 8 + rng.below(2)],
            inserted_after: 5 * n / 8 + 2,
        };
        let inserted_after = edit.inserted_after.min(n - 1);
        d.lines.insert(
            inserted_after + 1,
            format!("{} [mall r2: ny rad]", line(p, 100, "")),
        );
        for &r in &edit.replaced {
            d.lines[r] = line(p, r, " [mall r2]");
        }
        edits.insert(p.to_string(), edit);
    }
    for p in ADDED {
        release_docs.insert(
            p.to_string(),
            doc(p, 20 + rng.below(10), " [mall r2: ny fil]"),
        );
    }

    let render = |docs: &BTreeMap<String, Doc>| -> Files {
        docs.iter().map(|(p, d)| (p.clone(), d.render())).collect()
    };
    let base = render(&base_docs);
    let release = render(&release_docs);
    let customers = (0..CUSTOMERS)
        .map(|k| customer(k, &mut rng, &base_docs, &release, &edits, &deleted))
        .collect();
    Corpus {
        base,
        release,
        customers,
    }
}

fn customer(
    k: usize,
    rng: &mut Rng,
    base_docs: &BTreeMap<String, Doc>,
    release: &Files,
    edits: &BTreeMap<String, TemplateEdit>,
    deleted: &[&str],
) -> CustomerRepo {
    let name = format!("kund-{k:02}");
    let tag = format!(" [{name}]");
    let mut docs = base_docs.clone();
    let mut truth: BTreeMap<String, Truth> = BTreeMap::new();

    // At least 40 % of the template's ordinary files changed by the customer.
    let mut pool: Vec<&str> = PATHS.to_vec();
    rng.shuffle(&mut pool);
    let touched = (PATHS.len() * 2).div_ceil(5) + rng.below(5);
    for (j, p) in pool.iter().enumerate() {
        let p = *p;
        let base_text = base_docs[p].render();
        let edit = edits.get(p);
        let in_release = release.get(p);
        if j >= touched {
            // Untouched by the customer: whatever the template did.
            truth.insert(
                p.into(),
                match in_release {
                    Some(t) => Truth::exactly(t),
                    None => Truth::absent(),
                },
            );
            continue;
        }
        let roll = rng.below(100);
        if roll < 12 {
            docs.remove(p);
            truth.insert(p.into(), Truth::absent());
            continue;
        }
        let d = docs.get_mut(p).unwrap();
        let n = d.lines.len();
        if edit.is_some() && roll < 22 {
            // Already made the template's change by hand.
            let t = in_release.unwrap();
            *d = Doc {
                lines: t.lines().map(String::from).collect(),
                ..d.clone()
            };
            truth.insert(p.into(), Truth::exactly(t));
            continue;
        }
        // Edits away from the template's: a changed line and an added one.
        let far =
            |i: usize| edit.is_none_or(|e| (0..n).all(|t| !e.touches(t) || t.abs_diff(i) >= 3));
        let mut customer_lines = Vec::new();
        let changed = (3 * n / 8..n - 1).find(|&i| far(i)).unwrap();
        d.lines[changed] = line(p, changed, &tag);
        customer_lines.push(d.lines[changed].clone());
        let added_after = (7 * n / 8..n - 1)
            .rev()
            .find(|&i| far(i) && far(i + 1) && i > changed + 1);
        if let Some(i) = added_after {
            let added = format!("{} [{name}: egen rad]", line(p, 200, ""));
            d.lines.insert(i + 1, added.clone());
            customer_lines.push(added);
        }
        let mut overlapping = Vec::new();
        if let (Some(e), true) = (edit, roll < 62) {
            // The same line the template changed.
            let r = e.replaced[rng.below(2)];
            d.lines[r] = line(p, r, &format!("{tag} krock"));
            overlapping.push(d.lines[r].clone());
            customer_lines.push(d.lines[r].clone());
        }
        let text = d.render();
        debug_assert_ne!(text, base_text);
        let expect = match (edit, in_release) {
            (Some(_), _) => Expect::Merged {
                conflicted: !overlapping.is_empty(),
            },
            // Deleted by the template, changed by the customer: theirs stays.
            (None, _) => Expect::Exactly(text.clone()),
        };
        let template_lines = match (edit, in_release) {
            (Some(_), Some(t)) => t
                .lines()
                .filter(|l| !base_text.lines().any(|b| b == *l))
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        truth.insert(
            p.into(),
            Truth {
                expect,
                customer_lines,
                overlapping,
                template_lines,
            },
        );
    }
    debug_assert!(deleted.iter().all(|p| truth.contains_key(*p)));

    // Fabrik's own file and the ignored ones: the customer's, whatever the template did.
    let own = docs.get_mut(OWN_FILE).unwrap();
    own.lines[2] = line(OWN_FILE, 2, &tag);
    if k.is_multiple_of(2) {
        let plan = docs.get_mut(IGNORED[0]).unwrap();
        plan.lines[1] = line(IGNORED[0], 1, &tag);
    }
    if k.is_multiple_of(3) {
        docs.remove(IGNORED[1]);
    }
    for p in [OWN_FILE, IGNORE_FILE].iter().chain(IGNORED) {
        let t = match docs.get(*p) {
            Some(d) => Truth::exactly(&d.render()),
            None => Truth::absent(),
        };
        truth.insert(p.to_string(), t);
    }

    // New files of the customer's own, and for a third of them a file at a path the
    // template's second release adds too.
    for j in 0..1 + rng.below(3) {
        let p = format!("src/custom/{name}-{j}.ts");
        let d = doc(&p, 10 + rng.below(10), &tag);
        truth.insert(p.clone(), Truth::exactly(&d.render()));
        docs.insert(p, d);
    }
    for p in ADDED {
        truth.insert(p.to_string(), Truth::exactly(&release[*p]));
    }
    if k % 3 == 1 {
        let d = doc(ADDED_BY_BOTH, 8, &format!("{tag} egen fil"));
        let lines = d.lines.clone();
        docs.insert(ADDED_BY_BOTH.into(), d);
        truth.insert(
            ADDED_BY_BOTH.into(),
            Truth {
                expect: Expect::Merged { conflicted: true },
                customer_lines: lines.clone(),
                overlapping: lines,
                template_lines: release[ADDED_BY_BOTH].lines().map(String::from).collect(),
            },
        );
    }

    let files = docs.iter().map(|(p, d)| (p.clone(), d.render())).collect();
    CustomerRepo { name, files, truth }
}

/// Holds `result` (the customer's files after the update) to the customer's ground truth.
/// Every error says which file and what was lost or wrong.
pub fn check(customer: &CustomerRepo, result: &Files) -> Result<(), Vec<String>> {
    let mut errors = Vec::new();
    let who = &customer.name;
    for path in result.keys() {
        if !customer.truth.contains_key(path) {
            errors.push(format!("{who}: {path}: a file that should not exist"));
        }
    }
    for (path, truth) in &customer.truth {
        let got = result.get(path);
        match (&truth.expect, got) {
            (Expect::Absent, None) => continue,
            (Expect::Absent, Some(_)) => {
                errors.push(format!(
                    "{who}: {path}: should be absent (deleted), is present"
                ));
                continue;
            }
            (_, None) => {
                errors.push(format!("{who}: {path}: missing"));
                continue;
            }
            (Expect::Exactly(want), Some(got)) if want != got => {
                errors.push(format!(
                    "{who}: {path}: differs from what it should be exactly"
                ));
            }
            _ => {}
        }
        let got = got.unwrap();
        let lines: Vec<&str> = got.lines().collect();
        for l in &truth.customer_lines {
            if !lines.contains(&l.as_str()) {
                errors.push(format!("{who}: {path}: the customer's line is lost: {l:?}"));
            }
        }
        let Expect::Merged { conflicted } = truth.expect else {
            continue;
        };
        for l in &truth.template_lines {
            if !lines.contains(&l.as_str()) {
                errors.push(format!(
                    "{who}: {path}: the template's change is missing: {l:?}"
                ));
            }
        }
        let ours = ours_sides(&lines);
        for l in &truth.overlapping {
            if !ours.contains(&l.as_str()) {
                errors.push(format!(
                    "{who}: {path}: an overlapping change is not shown as a conflict: {l:?}"
                ));
            }
        }
        let markers = lines.iter().any(|l| l.starts_with("<<<<<<<"));
        if markers != conflicted {
            errors.push(format!(
                "{who}: {path}: conflict markers {}expected, {}found",
                if conflicted { "" } else { "not " },
                if markers { "" } else { "none " }
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The lines on the customer's side of conflict regions (`<<<<<<<` up to `|||||||`/`=======`).
fn ours_sides<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in lines {
        if l.starts_with("<<<<<<<") {
            inside = true;
        } else if l.starts_with("|||||||") || l.starts_with("=======") {
            inside = false;
        } else if inside {
            out.push(*l);
        }
    }
    out
}
