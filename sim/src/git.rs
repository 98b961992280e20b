//! A git object store per simulated repository: blobs, trees, commits and refs, addressed by
//! real git object ids (SHA-1 of `"<type> <len>\0<body>"`), so equal contents have equal SHAs in
//! every repository, as on GitHub (blob "hello\n" is ce013625…, the empty tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904).
//!
//! Trees are stored as git stores them (one level each, entries in git's order); most edits go
//! through a flat view (`path → (mode, blob sha)`) and are built back into nested trees.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// Mode of a directory entry in the REST API (`040000`); git writes it as `40000`.
pub const DIR_MODE: &str = "040000";
pub const FILE_MODE: &str = "100644";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// Epoch milliseconds; git keeps whole seconds.
    pub date_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeEntry {
    pub name: String,
    /// `100644`, `100755`, `040000`, `120000` or `160000`.
    pub mode: String,
    pub sha: String,
}

impl TreeEntry {
    pub fn is_dir(&self) -> bool {
        self.mode == DIR_MODE
    }
    /// The REST `type` of the entry.
    pub fn kind(&self) -> &'static str {
        match self.mode.as_str() {
            DIR_MODE => "tree",
            "160000" => "commit",
            _ => "blob",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub tree: String,
    pub parents: Vec<String>,
    pub message: String,
    pub author: Person,
    pub committer: Person,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Object {
    Blob {
        #[serde(with = "b64")]
        data: Vec<u8>,
    },
    Tree {
        entries: Vec<TreeEntry>,
    },
    Commit(Commit),
}

pub(crate) mod b64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(serde::de::Error::custom)
    }
}

/// Flat view of a tree: full path → (mode, blob sha). Directories are implied by paths.
pub type Flat = BTreeMap<String, (String, String)>;

/// Objects and refs of one repository.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Git {
    pub objects: BTreeMap<String, Object>,
    /// Full ref names (`refs/heads/main`) → commit sha.
    pub refs: BTreeMap<String, String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// The git object id of a body of `kind` (`blob`, `tree`, `commit`).
pub fn object_sha(kind: &str, body: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("{kind} {}\0", body.len()).as_bytes());
    h.update(body);
    hex(&h.finalize())
}

/// Git's order of tree entries: by name, a directory compared as `name/`.
fn order_key(e: &TreeEntry) -> Vec<u8> {
    let mut k = e.name.as_bytes().to_vec();
    if e.is_dir() {
        k.push(b'/');
    }
    k
}

fn person_line(p: &Person) -> String {
    format!(
        "{} <{}> {} +0000",
        p.name,
        p.email,
        p.date_ms.div_euclid(1000)
    )
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Blob { .. } => "blob",
            Object::Tree { .. } => "tree",
            Object::Commit(_) => "commit",
        }
    }

    /// The body git hashes (and would store, zlib-compressed).
    pub fn body(&self) -> Vec<u8> {
        match self {
            Object::Blob { data } => data.clone(),
            Object::Tree { entries } => {
                let mut out = Vec::new();
                for e in entries {
                    let mode = e.mode.trim_start_matches('0');
                    out.extend_from_slice(format!("{mode} {}\0", e.name).as_bytes());
                    out.extend_from_slice(&unhex(&e.sha));
                }
                out
            }
            Object::Commit(c) => {
                let mut s = format!("tree {}\n", c.tree);
                for p in &c.parents {
                    s.push_str(&format!("parent {p}\n"));
                }
                s.push_str(&format!("author {}\n", person_line(&c.author)));
                s.push_str(&format!("committer {}\n\n", person_line(&c.committer)));
                s.push_str(&c.message);
                s.into_bytes()
            }
        }
    }

    pub fn sha(&self) -> String {
        object_sha(self.kind(), &self.body())
    }
}

impl Git {
    /// Stores an object (trees are put in git's order first) and returns its sha.
    pub fn put(&mut self, mut obj: Object) -> String {
        if let Object::Tree { entries } = &mut obj {
            entries.sort_by_key(order_key);
        }
        let sha = obj.sha();
        self.objects.entry(sha.clone()).or_insert(obj);
        sha
    }

    pub fn put_blob(&mut self, data: &[u8]) -> String {
        self.put(Object::Blob {
            data: data.to_vec(),
        })
    }

    pub fn blob(&self, sha: &str) -> Option<&[u8]> {
        match self.objects.get(sha)? {
            Object::Blob { data } => Some(data),
            _ => None,
        }
    }

    pub fn tree(&self, sha: &str) -> Option<&[TreeEntry]> {
        match self.objects.get(sha)? {
            Object::Tree { entries } => Some(entries),
            _ => None,
        }
    }

    pub fn commit(&self, sha: &str) -> Option<&Commit> {
        match self.objects.get(sha)? {
            Object::Commit(c) => Some(c),
            _ => None,
        }
    }

    /// The commit of a branch.
    pub fn branch(&self, name: &str) -> Option<&String> {
        self.refs.get(&format!("refs/heads/{name}"))
    }

    pub fn branches(&self) -> Vec<(String, String)> {
        self.refs
            .iter()
            .filter_map(|(r, s)| Some((r.strip_prefix("refs/heads/")?.to_string(), s.clone())))
            .collect()
    }

    /// A commit named by a branch (`main`, `heads/main`, `refs/heads/main`), a tag, or a commit
    /// sha (full, or a unique prefix of at least 7 characters).
    pub fn resolve(&self, rev: &str) -> Option<String> {
        for r in [
            rev.to_string(),
            format!("refs/{rev}"),
            format!("refs/heads/{rev}"),
            format!("refs/tags/{rev}"),
        ] {
            if let Some(s) = self.refs.get(&r) {
                return Some(s.clone());
            }
        }
        if self.commit(rev).is_some() {
            return Some(rev.to_string());
        }
        if rev.len() >= 7 && rev.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut found = self
                .objects
                .range(rev.to_string()..)
                .take_while(|(k, _)| k.starts_with(rev))
                .filter(|(_, o)| matches!(o, Object::Commit(_)))
                .map(|(k, _)| k.clone());
            let first = found.next();
            if found.next().is_none() {
                return first;
            }
        }
        None
    }

    /// Every blob under a tree, by full path.
    pub fn flatten(&self, tree: &str) -> Flat {
        let mut out = Flat::new();
        self.flatten_into(tree, "", &mut out);
        out
    }

    fn flatten_into(&self, tree: &str, prefix: &str, out: &mut Flat) {
        for e in self.tree(tree).unwrap_or_default() {
            let path = format!("{prefix}{}", e.name);
            if e.is_dir() {
                self.flatten_into(&e.sha, &format!("{path}/"), out);
            } else {
                out.insert(path, (e.mode.clone(), e.sha.clone()));
            }
        }
    }

    /// Builds nested trees from a flat view (every blob must be stored already).
    pub fn build(&mut self, flat: &Flat) -> String {
        let mut files: Vec<TreeEntry> = vec![];
        let mut dirs: BTreeMap<String, Flat> = BTreeMap::new();
        for (path, (mode, sha)) in flat {
            match path.split_once('/') {
                Some((d, rest)) => {
                    dirs.entry(d.to_string())
                        .or_default()
                        .insert(rest.to_string(), (mode.clone(), sha.clone()));
                }
                None => files.push(TreeEntry {
                    name: path.clone(),
                    mode: mode.clone(),
                    sha: sha.clone(),
                }),
            }
        }
        for (name, sub) in dirs {
            let sha = self.build(&sub);
            files.push(TreeEntry {
                name,
                mode: DIR_MODE.into(),
                sha,
            });
        }
        self.put(Object::Tree { entries: files })
    }

    /// The tree of a commit.
    pub fn tree_of(&self, commit: &str) -> Option<String> {
        self.commit(commit).map(|c| c.tree.clone())
    }

    /// The text files of a tree (lossy UTF-8), by path.
    pub fn text_files(&self, tree: &str) -> Vec<(String, String)> {
        self.flatten(tree)
            .into_iter()
            .map(|(p, (_, sha))| {
                let text = String::from_utf8_lossy(self.blob(&sha).unwrap_or_default());
                (p, text.into_owned())
            })
            .collect()
    }

    /// A commit with `parents` whose tree is the parent's (first one) with `changes` applied:
    /// `Some(bytes)` writes a file (mode 100644 unless it had one), `None` deletes a path.
    pub fn commit_changes(
        &mut self,
        parents: Vec<String>,
        changes: &[(String, Option<Vec<u8>>)],
        message: &str,
        who: &Person,
    ) -> String {
        let mut flat = parents
            .first()
            .and_then(|p| self.tree_of(p))
            .map(|t| self.flatten(&t))
            .unwrap_or_default();
        for (path, content) in changes {
            match content {
                Some(bytes) => {
                    let sha = self.put_blob(bytes);
                    let mode = flat
                        .get(path)
                        .map(|(m, _)| m.clone())
                        .unwrap_or_else(|| FILE_MODE.into());
                    flat.insert(path.clone(), (mode, sha));
                }
                None => remove_path(&mut flat, path),
            }
        }
        let tree = self.build(&flat);
        self.put(Object::Commit(Commit {
            tree,
            parents,
            message: message.to_string(),
            author: who.clone(),
            committer: who.clone(),
        }))
    }

    /// Copies the objects reachable from `sha` (a tree or blob) out of `other`.
    pub fn copy_from(&mut self, other: &Git, sha: &str) {
        let Some(obj) = other.objects.get(sha) else {
            return;
        };
        if let Object::Tree { entries } = obj {
            for e in entries {
                self.copy_from(other, &e.sha);
            }
        }
        self.objects
            .entry(sha.to_string())
            .or_insert_with(|| obj.clone());
    }

    /// Commits reachable from `head` (itself included) in `git log`'s default order: a walk
    /// from `head` that always takes the newest (committer date) commit seen so far next, so a
    /// commit comes before its parents.
    pub fn log(&self, head: &str) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut order = vec![];
        // (date, arrival, sha): newest first; on equal dates, the one seen first.
        let mut queue: std::collections::BinaryHeap<(i64, std::cmp::Reverse<usize>, String)> =
            Default::default();
        let mut arrival = 0;
        if self.commit(head).is_some() {
            queue.push((0, std::cmp::Reverse(0), head.to_string()));
            seen.insert(head.to_string());
        }
        while let Some((_, _, s)) = queue.pop() {
            let Some(c) = self.commit(&s) else { continue };
            for p in &c.parents {
                if seen.insert(p.clone()) {
                    arrival += 1;
                    let date = self.commit(p).map_or(i64::MIN, |c| c.committer.date_ms);
                    queue.push((date, std::cmp::Reverse(arrival), p.clone()));
                }
            }
            order.push(s);
        }
        order
    }

    pub fn is_ancestor(&self, ancestor: &str, of: &str) -> bool {
        self.log(of).iter().any(|s| s == ancestor)
    }

    /// The best common ancestor of two commits (the newest one both reach).
    pub fn merge_base(&self, a: &str, b: &str) -> Option<String> {
        let of_a: BTreeSet<String> = self.log(a).into_iter().collect();
        self.log(b).into_iter().find(|s| of_a.contains(s))
    }
}

/// Removes a file, or everything under a directory, from a flat view.
pub fn remove_path(flat: &mut Flat, path: &str) {
    let prefix = format!("{}/", path.trim_end_matches('/'));
    flat.retain(|p, _| p != path && !p.starts_with(&prefix));
}

/// One changed path: (path, `added` | `modified` | `removed`, old (mode, sha), new (mode, sha)).
pub type Change = (
    String,
    &'static str,
    Option<(String, String)>,
    Option<(String, String)>,
);

/// What changed between two flat views, by path.
pub fn diff(old: &Flat, new: &Flat) -> Vec<Change> {
    let mut out = vec![];
    for (p, n) in new {
        match old.get(p) {
            None => out.push((p.clone(), "added", None, Some(n.clone()))),
            Some(o) if o != n => {
                out.push((p.clone(), "modified", Some(o.clone()), Some(n.clone())))
            }
            _ => {}
        }
    }
    for (p, o) in old {
        if !new.contains_key(p) {
            out.push((p.clone(), "removed", Some(o.clone()), None));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_git_ids() {
        let mut g = Git::default();
        assert_eq!(
            g.put_blob(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(
            g.build(&Flat::new()),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
        // `git mktree` of one file hello.txt with "hello\n".
        let blob = g.put_blob(b"hello\n");
        let flat = Flat::from([("hello.txt".into(), (FILE_MODE.into(), blob))]);
        assert_eq!(g.build(&flat), "aaa96ced2d9a1c8e72c56b253a0e2fe78393feb7");
    }

    #[test]
    fn nested_paths_and_order() {
        let mut g = Git::default();
        let b = g.put_blob(b"x");
        let flat = Flat::from([
            ("a/b/c.txt".into(), (FILE_MODE.into(), b.clone())),
            ("a.txt".into(), (FILE_MODE.into(), b.clone())),
        ]);
        let t = g.build(&flat);
        let names: Vec<_> = g.tree(&t).unwrap().iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["a.txt", "a"]);
        assert_eq!(g.flatten(&t), flat);
    }
}
