//! `repos/compare-commits`: `GET compare/{base}...{head}` with `status` (`identical`, `ahead`,
//! `behind`, `diverged`), `ahead_by`, `behind_by`, `total_commits`, `commits` (oldest first) and
//! `files` (from the merge base to head), as GitHub's official REST description has it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{json, Value};

use super::ready;
use super::{commit_json, diff_entries, link_header, ready_repo, repo_not_found, repo_url};
use crate::errors::{json_response, with_header};
use crate::git::{self, Flat};
use crate::providers::query_num;
use crate::state::AppState;
use crate::world::Repo;

type St = State<Arc<AppState>>;

/// Most commits `repos/compare-commits` lists without paging parameters.
pub(super) const MAX_COMPARE_COMMITS: usize = 250;

/// Most files `repos/compare-commits` lists.
pub(super) const MAX_COMPARE_FILES: usize = 300;

/// A branch or commit of a comparison or pull request: `branch`, `owner:branch` (the
/// repository's owner only), or a sha.
pub(super) fn resolve_side(r: &Repo, side: &str) -> Option<String> {
    let side = match side.split_once(':') {
        Some((o, b)) if o.eq_ignore_ascii_case(&r.owner) => b,
        Some(_) => return None,
        None => side,
    };
    r.git.resolve(side)
}

/// Commits reachable from `head` and not from `base`, oldest first.
pub(super) fn only_in(r: &Repo, head: &str, base: &str) -> Vec<String> {
    let of_base: std::collections::BTreeSet<String> = r.git.log(base).into_iter().collect();
    let mut v: Vec<String> = r
        .git
        .log(head)
        .into_iter()
        .filter(|s| !of_base.contains(s))
        .collect();
    v.reverse();
    v
}

pub(super) fn flat_of(r: &Repo, commit: &str) -> Flat {
    r.git
        .tree_of(commit)
        .map(|t| r.git.flatten(&t))
        .unwrap_or_default()
}

/// `GET compare/{base}...{head}` (`repos/compare-commits`).
pub(super) async fn compare(
    State(st): St,
    Path((owner, name, basehead)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let what = "commits/commits#compare-two-commits";
    let r = ready!(st, owner, name, what);
    let Some((base_ref, head_ref)) = basehead.split_once("...") else {
        return repo_not_found(what);
    };
    let (Some(base), Some(head)) = (resolve_side(&r, base_ref), resolve_side(&r, head_ref)) else {
        return repo_not_found(what);
    };
    let mb = r.git.merge_base(&base, &head);
    let ahead = only_in(&r, &head, &base);
    let behind = only_in(&r, &base, &head);
    let status = match (ahead.len(), behind.len()) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let old = mb.as_deref().map(|m| flat_of(&r, m)).unwrap_or_default();
    let mut files = diff_entries(&st, &r, &old, &flat_of(&r, &head), &head);
    // "up to 300 changed files for the entire comparison", only on the first page.
    files.truncate(MAX_COMPARE_FILES);
    // Without `per_page`/`page`: at most 250 commits, ending with the most recent one; with
    // them: pages in chronological order.
    let paged = q.contains_key("per_page") || q.contains_key("page");
    let per_page = query_num(&q, "per_page", 30, 1, i64::MAX)
        .unwrap_or(30)
        .min(100) as usize;
    let page = query_num(&q, "page", 1, 1, i64::MAX).unwrap_or(1) as usize;
    let shown: Vec<&String> = if paged {
        if page > 1 {
            files.clear();
        }
        ahead
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect()
    } else {
        ahead
            .iter()
            .skip(ahead.len().saturating_sub(MAX_COMPARE_COMMITS))
            .collect()
    };
    let link = paged
        .then(|| {
            link_header(
                &format!("{}/compare/{basehead}", repo_url(&st, &r)),
                per_page,
                page,
                ahead.len(),
            )
        })
        .flatten();
    let full = r.full_name();
    let resp = json_response(
        200,
        json!({
            "url": format!("{}/compare/{basehead}", repo_url(&st, &r)),
            "html_url": format!("https://github.com/{full}/compare/{basehead}"),
            "permalink_url": format!("https://github.com/{full}/compare/{base}...{head}"),
            "diff_url": format!("https://github.com/{full}/compare/{basehead}.diff"),
            "patch_url": format!("https://github.com/{full}/compare/{basehead}.patch"),
            "base_commit": commit_json(&st, &r, &base),
            "merge_base_commit": mb.as_deref().map_or(Value::Null, |m| commit_json(&st, &r, m)),
            "status": status, "ahead_by": ahead.len(), "behind_by": behind.len(),
            "total_commits": ahead.len(),
            "commits": shown.iter().map(|s| commit_json(&st, &r, s)).collect::<Vec<_>>(),
            "files": files,
        }),
    );
    match link {
        Some(l) => with_header(resp, "link", l),
        None => resp,
    }
}

// ---------------------------------------------------------------- pulls

/// (commits, additions, deletions, changed files) of head over base.
pub(super) fn diff_stats(r: &Repo, base: &str, head: &str) -> (usize, u64, u64, usize) {
    if base.is_empty() || head.is_empty() {
        return (0, 0, 0, 0);
    }
    let commits = only_in(r, head, base).len();
    let old = r
        .git
        .merge_base(base, head)
        .map(|m| flat_of(r, &m))
        .unwrap_or_default();
    let new = flat_of(r, head);
    let d = git::diff(&old, &new);
    let lines = |e: &Option<(String, String)>| {
        e.as_ref()
            .and_then(|(_, s)| r.git.blob(s))
            .map_or(0, |b| String::from_utf8_lossy(b).lines().count() as u64)
    };
    let add: u64 = d.iter().map(|x| lines(&x.3)).sum();
    let del: u64 = d.iter().map(|x| lines(&x.2)).sum();
    (commits, add, del, d.len())
}
