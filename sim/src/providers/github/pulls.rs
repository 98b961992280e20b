//! GitHub's pull requests (`pulls/create`, `pulls/list`, `pulls/get`, `pulls/update`,
//! `pulls/merge`, and whether one is merged), over the object model of [`crate::git`], as
//! GitHub's official REST description (github/rest-api-description) has them.
//!
//! `mergeable` is computed lazily as on GitHub: `null` (`mergeable_state: unknown`) on the first
//! read after the pull request was opened or either branch moved, then `true`/`false`. The check
//! is simple: mergeable when the base is an ancestor of the head, or when the paths both sides
//! changed since their merge base do not overlap (or were changed the same way).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::compare::{diff_stats, flat_of, only_in};
use super::ready;
use super::{
    body_object, change, doc, find, link_header, node_id, ready_repo, repo_not_found, repo_url,
    unprocessable, user_json, validation,
};
use crate::errors::{self, json_response, with_header};
use crate::git::{self, Commit, Flat, Object};
use crate::providers::{json_body, query_num};
use crate::state::AppState;
use crate::world::{iso_secs, now_ms, Pull, Repo};

type St = State<Arc<AppState>>;
type RepoPath = Path<(String, String)>;

pub(super) const PULLS_DOC: &str = "pulls/pulls#create-a-pull-request";

/// Whether `head` merges into `base` without conflicts, and the merged tree when it does.
pub(super) fn merged_flat(r: &Repo, base: &str, head: &str) -> Option<Flat> {
    if r.git.is_ancestor(base, head) {
        return Some(flat_of(r, head));
    }
    let mb = r.git.merge_base(base, head)?;
    let (m, b, h) = (flat_of(r, &mb), flat_of(r, base), flat_of(r, head));
    let mut out = b.clone();
    for (path, _, _, new) in git::diff(&m, &h) {
        let ours_changed = m.get(&path) != b.get(&path);
        if ours_changed && b.get(&path) != new.as_ref() {
            return None;
        }
        match new {
            Some(e) => {
                out.insert(path, e);
            }
            None => {
                out.remove(&path);
            }
        }
    }
    Some(out)
}

/// Head and base commits of a pull request: the branches while open, what they were at closing.
pub(super) fn pull_shas(r: &Repo, p: &Pull) -> (String, String) {
    if let Some(s) = &p.closed_shas {
        return s.clone();
    }
    let get = |b: &str| r.git.branch(b).cloned().unwrap_or_default();
    (get(&p.head), get(&p.base))
}

pub(super) fn pull_json(st: &AppState, r: &Repo, p: &Pull, mergeable: Option<bool>) -> Value {
    let u = repo_url(st, r);
    let full = r.full_name();
    let (head_sha, base_sha) = pull_shas(r, p);
    let (login, uid) = st.read(|w| (w.seed.github_user.clone(), w.seed.github_user_id));
    let user = if p.user == login {
        user_json(st, &login, uid, false)
    } else {
        json!({"login": p.user, "type": "User"})
    };
    let owner = user_json(st, &r.owner, r.owner_id, r.owner_is_org);
    // Each side's repository as the description's `repository` (what a list of them shows).
    let repo = super::repo_json(st, r, crate::world::now_ms(), false);
    let side = |b: &str, sha: &str| json!({"label": format!("{}:{b}", r.owner), "ref": b, "sha": sha, "user": owner, "repo": repo});
    let merged = p.merged_ms.is_some();
    let mergeable_state = if p.state != "open" {
        "unknown"
    } else {
        match mergeable {
            None => "unknown",
            Some(_) if p.draft => "draft",
            Some(true) => "clean",
            Some(false) => "dirty",
        }
    };
    let changes = diff_stats(r, &base_sha, &head_sha);
    let html = format!("https://github.com/{full}/pull/{}", p.number);
    json!({
        "url": format!("{u}/pulls/{}", p.number), "id": p.id, "node_id": node_id("PR_", p.id),
        "html_url": html, "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
        "issue_url": format!("{u}/issues/{}", p.number), "commits_url": format!("{u}/pulls/{}/commits", p.number),
        "review_comments_url": format!("{u}/pulls/{}/comments", p.number),
        "review_comment_url": format!("{u}/pulls/comments{{/number}}"),
        "comments_url": format!("{u}/issues/{}/comments", p.number),
        "statuses_url": format!("{u}/statuses/{head_sha}"),
        "number": p.number, "state": p.state, "locked": false, "title": p.title, "user": user, "body": p.body,
        "labels": [], "milestone": null, "active_lock_reason": null,
        "created_at": iso_secs(p.created_ms), "updated_at": iso_secs(p.updated_ms),
        "closed_at": p.closed_ms.map(iso_secs), "merged_at": p.merged_ms.map(iso_secs),
        "merge_commit_sha": p.merge_commit_sha, "assignee": null, "assignees": [], "requested_reviewers": [],
        "requested_teams": [], "head": side(&p.head, &head_sha), "base": side(&p.base, &base_sha),
        "_links": links(&u, p.number, &html, &head_sha),
        "author_association": "OWNER", "auto_merge": null, "draft": p.draft,
        "merged": merged, "mergeable": mergeable, "rebaseable": mergeable, "mergeable_state": mergeable_state,
        "merged_by": if merged { user_json(st, &login, uid, false) } else { Value::Null },
        "comments": 0, "review_comments": 0, "maintainer_can_modify": false,
        "commits": changes.0, "additions": changes.1, "deletions": changes.2, "changed_files": changes.3,
    })
}

/// A pull request's `_links`: every link the description requires (`pull-request._links`).
fn links(u: &str, number: u64, html: &str, head_sha: &str) -> Value {
    let href = |h: String| json!({ "href": h });
    json!({
        "self": href(format!("{u}/pulls/{number}")),
        "html": href(html.to_string()),
        "issue": href(format!("{u}/issues/{number}")),
        "comments": href(format!("{u}/issues/{number}/comments")),
        "review_comments": href(format!("{u}/pulls/{number}/comments")),
        "review_comment": href(format!("{u}/pulls/comments{{/number}}")),
        "commits": href(format!("{u}/pulls/{number}/commits")),
        "statuses": href(format!("{u}/statuses/{head_sha}")),
    })
}

/// `POST pulls` (`pulls/create`): `title`, `head` (`branch` or `owner:branch`), `base`, `body`,
/// `draft`.
pub(super) async fn create_pull(
    State(st): St,
    Path((owner, name)): RepoPath,
    body: Bytes,
) -> Response {
    let r = ready!(st, owner, name, PULLS_DOC);
    let b = match body_object(&body, PULLS_DOC) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let (Some(head_in), Some(base)) = (
        b.get("head").and_then(Value::as_str),
        b.get("base").and_then(Value::as_str),
    ) else {
        return unprocessable(
            "Invalid request.\n\n\"head\" and \"base\" weren't supplied.",
            PULLS_DOC,
        );
    };
    let Some(title) = b.get("title").and_then(Value::as_str) else {
        return unprocessable("Invalid request.\n\n\"title\" wasn't supplied.", PULLS_DOC);
    };
    let head = match head_in.split_once(':') {
        Some((o, h)) if o.eq_ignore_ascii_case(&r.owner) => h.to_string(),
        Some(_) => String::new(),
        None => head_in.to_string(),
    };
    let (Some(head_sha), Some(base_sha)) =
        (r.git.branch(&head).cloned(), r.git.branch(base).cloned())
    else {
        let field = if r.git.branch(base).is_none() {
            "base"
        } else {
            "head"
        };
        return validation(
            json!([{"resource": "PullRequest", "field": field, "code": "invalid"}]),
            PULLS_DOC,
        );
    };
    if r.pulls
        .iter()
        .any(|p| p.state == "open" && p.head == head && p.base == base)
    {
        return validation(
            json!([{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {}:{head}.", r.owner)}]),
            PULLS_DOC,
        );
    }
    if only_in(&r, &head_sha, &base_sha).is_empty() {
        return validation(
            json!([{"resource": "PullRequest", "code": "custom", "message": format!("No commits between {base} and {head}")}]),
            PULLS_DOC,
        );
    }
    let now = now_ms();
    let login = st.read(|w| w.seed.github_user.clone());
    let made = st.mutate(|w| {
        let pid = w.ids.number();
        let repo = w.github.repos.iter_mut().find(|x| x.id == r.id)?;
        let p = Pull {
            number: repo.pulls.iter().map(|p| p.number).max().unwrap_or(0) + 1,
            id: pid,
            title: title.to_string(),
            body: b.get("body").and_then(Value::as_str).map(str::to_string),
            head: head.clone(),
            base: base.to_string(),
            draft: b.get("draft").and_then(Value::as_bool).unwrap_or(false),
            state: "open".into(),
            user: login.clone(),
            created_ms: now,
            updated_ms: now,
            closed_ms: None,
            merged_ms: None,
            merge_commit_sha: None,
            closed_shas: None,
            checked: None,
        };
        repo.pulls.push(p.clone());
        Some((repo.clone(), p))
    });
    let Some((repo, p)) = made else {
        return repo_not_found(PULLS_DOC);
    };
    let v = pull_json(&st, &repo, &p, None);
    let url = v["url"].as_str().unwrap_or_default().to_string();
    with_header(json_response(201, v), "location", url)
}

/// `GET pulls` (`pulls/list`): `state` (open, closed, all), `head` (`owner:branch`), `base`,
/// newest first, paged.
pub(super) async fn list_pulls(
    State(st): St,
    Path((owner, name)): RepoPath,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let what = "pulls/pulls#list-pull-requests";
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let state = q.get("state").map(String::as_str).unwrap_or("open");
    let head = q.get("head").map(|h| match h.split_once(':') {
        Some((o, b)) => (Some(o.to_string()), b.to_string()),
        None => (None, h.clone()),
    });
    let mut pulls: Vec<&Pull> = r
        .pulls
        .iter()
        .filter(|p| state == "all" || p.state == state)
        .filter(|p| q.get("base").is_none_or(|b| *b == p.base))
        .filter(|p| match &head {
            None => true,
            Some((o, b)) => {
                *b == p.head && o.as_ref().is_none_or(|o| o.eq_ignore_ascii_case(&r.owner))
            }
        })
        .collect();
    match q.get("sort").map(String::as_str) {
        Some("updated") => pulls.sort_by_key(|p| (p.updated_ms, p.number)),
        _ => pulls.sort_by_key(|p| (p.created_ms, p.number)),
    }
    // Newest first unless `direction=asc` (GitHub's default is `desc` for `created`).
    if q.get("direction").map(String::as_str) != Some("asc") {
        pulls.reverse();
    }
    let per_page = query_num(&q, "per_page", 30, 1, i64::MAX)
        .unwrap_or(30)
        .min(100) as usize;
    let page = query_num(&q, "page", 1, 1, i64::MAX).unwrap_or(1) as usize;
    let total = pulls.len();
    let items: Vec<Value> = pulls
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|p| {
            let mut v = pull_json(&st, &r, p, None);
            // The list has no mergeability (pull-request-simple).
            for k in [
                "merged",
                "mergeable",
                "rebaseable",
                "mergeable_state",
                "merged_by",
                "comments",
                "review_comments",
                "maintainer_can_modify",
                "commits",
                "additions",
                "deletions",
                "changed_files",
            ] {
                if let Value::Object(m) = &mut v {
                    m.remove(k);
                }
            }
            v
        })
        .collect();
    let base = format!("{}/pulls?state={state}", repo_url(&st, &r));
    let resp = json_response(200, Value::Array(items));
    match link_header(&base, per_page, page, total) {
        Some(l) => with_header(resp, "link", l),
        None => resp,
    }
}

/// `GET pulls/{number}` (`pulls/get`), with the lazy `mergeable`.
pub(super) async fn get_pull(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
) -> Response {
    let what = "pulls/pulls#get-a-pull-request";
    let Some(mut r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let Some(mut p) = r.pulls.iter().find(|p| p.number == number).cloned() else {
        return repo_not_found(what);
    };
    let (head_sha, base_sha) = pull_shas(&r, &p);
    let key = format!("{head_sha}:{base_sha}");
    let mergeable = if p.state != "open" {
        None
    } else if p.checked.as_deref() == Some(&key) {
        let merged = merged_flat(&r, &base_sha, &head_sha);
        if let Some(flat) = &merged {
            // "If `mergeable` is `true`, then `merge_commit_sha` will be the SHA of the
            // _test_ merge commit" (built here on a copy, not stored).
            let who = st.read(|w| w.agent(p.updated_ms));
            let tree = r.git.build(flat);
            let test = r.git.put(Object::Commit(Commit {
                tree,
                parents: vec![base_sha.clone(), head_sha.clone()],
                message: format!("Merge {head_sha} into {base_sha}"),
                author: who.clone(),
                committer: who,
            }));
            p.merge_commit_sha = Some(test);
        }
        Some(merged.is_some())
    } else {
        // The first read after a change starts the background check.
        change(&st, r.id, |x, _| {
            if let Some(q) = x.pulls.iter_mut().find(|q| q.number == number) {
                q.checked = Some(key.clone());
            }
        });
        None
    };
    json_response(200, pull_json(&st, &r, &p, mergeable))
}

/// `GET pulls/{number}/merge` (`pulls/check-if-merged`): 204 when merged, else 404.
pub(super) async fn check_merged(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
) -> Response {
    let merged = find(&st, &owner, &name)
        .and_then(|r| r.pulls.iter().find(|p| p.number == number).cloned())
        .is_some_and(|p| p.merged_ms.is_some());
    if merged {
        axum::http::StatusCode::NO_CONTENT.into_response()
    } else {
        repo_not_found("pulls/pulls#check-if-a-pull-request-has-been-merged")
    }
}

/// `PATCH pulls/{number}` (`pulls/update`): `title`, `body`, `state` (`open`, `closed`),
/// `base` (an existing branch). A merged pull request cannot be reopened.
pub(super) async fn update_pull(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
    body: Bytes,
) -> Response {
    let what = "pulls/pulls#update-a-pull-request";
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let Some(p) = r.pulls.iter().find(|p| p.number == number).cloned() else {
        return repo_not_found(what);
    };
    let b = match json_body(&body) {
        Some(Value::Object(b)) => b,
        Some(Value::Null) => Map::new(),
        _ => return errors::github(400, "Problems parsing JSON", &doc(what)),
    };
    let state = b.get("state").and_then(Value::as_str);
    if let Some(s) = state {
        if s != "open" && s != "closed" {
            return unprocessable(
                &format!(
                    "Invalid request.\n\nFor 'properties/state', \"{s}\" is not a member of enum."
                ),
                what,
            );
        }
    }
    let base = b.get("base").and_then(Value::as_str);
    if let Some(base) = base {
        if r.git.branch(base).is_none() {
            return validation(
                json!([{"resource": "PullRequest", "field": "base", "code": "invalid"}]),
                what,
            );
        }
    }
    if state == Some("open") && p.state == "closed" {
        if p.merged_ms.is_some() {
            return validation(
                json!([{"resource": "PullRequest", "code": "custom", "field": "state", "message": "state cannot be changed. The pull request has been merged."}]),
                what,
            );
        }
        let target = base.unwrap_or(&p.base);
        if r.pulls
            .iter()
            .any(|q| q.state == "open" && q.head == p.head && q.base == target)
        {
            return validation(
                json!([{"resource": "PullRequest", "code": "custom", "message": format!("A pull request already exists for {}:{}.", r.owner, p.head)}]),
                what,
            );
        }
    }
    let now = now_ms();
    let updated = change(&st, r.id, |x, _| {
        let (head_sha, base_sha) = {
            let q = x.pulls.iter().find(|q| q.number == number)?;
            pull_shas(x, q)
        };
        let q = x.pulls.iter_mut().find(|q| q.number == number)?;
        if let Some(t) = b.get("title").and_then(Value::as_str) {
            q.title = t.to_string();
        }
        if let Some(v) = b.get("body") {
            q.body = v.as_str().map(str::to_string);
        }
        if let Some(base) = base {
            q.base = base.to_string();
            q.checked = None;
        }
        match state {
            Some("closed") if q.state == "open" => {
                q.state = "closed".into();
                q.closed_ms = Some(now);
                q.closed_shas = Some((head_sha, base_sha));
            }
            Some("open") if q.state == "closed" => {
                q.state = "open".into();
                q.closed_ms = None;
                q.closed_shas = None;
                q.checked = None;
            }
            _ => {}
        }
        q.updated_ms = now;
        let q = q.clone();
        Some((x.clone(), q))
    });
    match updated.flatten() {
        Some((x, q)) => json_response(200, pull_json(&st, &x, &q, None)),
        None => repo_not_found(what),
    }
}

/// `PUT pulls/{number}/merge` (`pulls/merge`): `sha` (must be the head, else 409),
/// `merge_method` (`merge`: a commit with the base and the head as parents; `squash`: one
/// parent), `commit_title`, `commit_message`. 405 when not mergeable (closed, draft, conflicts).
pub(super) async fn merge_pull(
    State(st): St,
    Path((owner, name, number)): Path<(String, String, u64)>,
    body: Bytes,
) -> Response {
    let what = "pulls/pulls#merge-a-pull-request";
    let Some(r) = find(&st, &owner, &name) else {
        return repo_not_found(what);
    };
    let Some(p) = r.pulls.iter().find(|p| p.number == number).cloned() else {
        return repo_not_found(what);
    };
    // The body is optional.
    let b = match json_body(&body) {
        Some(Value::Object(b)) => b,
        Some(Value::Null) => Map::new(),
        _ => return errors::github(400, "Problems parsing JSON", &doc(what)),
    };
    let not_mergeable = |m: &str| errors::github(405, m, &doc(what));
    if p.state != "open" {
        return not_mergeable("Pull Request is not mergeable");
    }
    let (head_sha, base_sha) = pull_shas(&r, &p);
    if let Some(given) = b.get("sha").and_then(Value::as_str) {
        if given != head_sha {
            return errors::github(
                409,
                "Head branch was modified. Review and try the merge again.",
                &doc(what),
            );
        }
    }
    if p.draft {
        return not_mergeable("Pull Request is still a draft");
    }
    let method = b
        .get("merge_method")
        .and_then(Value::as_str)
        .unwrap_or("merge");
    if !matches!(method, "merge" | "squash" | "rebase") {
        return unprocessable(
            &format!("Invalid request.\n\nFor 'properties/merge_method', \"{method}\" is not a member of enum."),
            what,
        );
    }
    let Some(flat) = merged_flat(&r, &base_sha, &head_sha) else {
        return not_mergeable("Pull Request is not mergeable");
    };
    let title = b.get("commit_title").and_then(Value::as_str);
    let extra = b.get("commit_message").and_then(Value::as_str);
    let (parents, message) = if method == "merge" {
        let t = title.map_or_else(
            || format!("Merge pull request #{number} from {}/{}", r.owner, p.head),
            str::to_string,
        );
        (
            vec![base_sha.clone(), head_sha.clone()],
            format!("{t}\n\n{}", extra.unwrap_or(&p.title)),
        )
    } else {
        let t = title.map_or_else(|| format!("{} (#{number})", p.title), str::to_string);
        let list: Vec<String> = only_in(&r, &head_sha, &base_sha)
            .iter()
            .filter_map(|s| r.git.commit(s).map(|c| format!("* {}", c.message)))
            .collect();
        (
            vec![base_sha.clone()],
            format!(
                "{t}\n\n{}",
                extra.map_or_else(|| list.join("\n\n"), str::to_string)
            ),
        )
    };
    let now = now_ms();
    let merged = change(&st, r.id, |x, who| {
        let sha = if method == "rebase" {
            // Each commit of the head, replayed on the base: its own change, a new committer.
            let mut cur = base_sha.clone();
            for c in only_in(x, &head_sha, &base_sha) {
                let Some(commit) = x.git.commit(&c).cloned() else {
                    continue;
                };
                let before = commit
                    .parents
                    .first()
                    .map(|p| flat_of(x, p))
                    .unwrap_or_default();
                let mut next = flat_of(x, &cur);
                for (path, _, _, new) in git::diff(&before, &flat_of(x, &c)) {
                    match new {
                        Some(e) => next.insert(path, e),
                        None => next.remove(&path),
                    };
                }
                let tree = x.git.build(&next);
                cur = x.git.put(Object::Commit(Commit {
                    tree,
                    parents: vec![cur],
                    message: commit.message,
                    author: commit.author,
                    committer: who.clone(),
                }));
            }
            cur
        } else {
            let tree = x.git.build(&flat);
            x.git.put(Object::Commit(Commit {
                tree,
                parents: parents.clone(),
                message: message.clone(),
                author: who.clone(),
                committer: who.clone(),
            }))
        };
        x.git
            .refs
            .insert(format!("refs/heads/{}", p.base), sha.clone());
        if let Some(q) = x.pulls.iter_mut().find(|q| q.number == number) {
            q.state = "closed".into();
            q.closed_ms = Some(now);
            q.merged_ms = Some(now);
            q.updated_ms = now;
            q.merge_commit_sha = Some(sha.clone());
            q.closed_shas = Some((head_sha.clone(), sha.clone()));
        }
        sha
    });
    match merged {
        Some(sha) => json_response(
            200,
            json!({"sha": sha, "merged": true, "message": "Pull Request successfully merged"}),
        ),
        None => repo_not_found(what),
    }
}

// ---------------------------------------------------------------- a person's commit (admin)
