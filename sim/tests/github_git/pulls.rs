//! Pull requests in the simulated GitHub: their life with a lazy mergeable state, conflicts and
//! squash merges, close, reopen and rebase merges, compare from the merge base.

use super::*;

/// `repos/compare-commits`: ahead, behind, diverged, identical, with the files from the merge base.
#[tokio::test]
async fn compare_counts_from_the_merge_base() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let (s, v) = gh.get(&format!("/repos/{REPO}/compare/main...main")).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("identical")));
    gh.person_commit(REPO, "feature", json!({"a.txt": "1\n"}))
        .await;
    gh.person_commit(REPO, "feature", json!({"README.md": null}))
        .await;
    let (s, v) = gh
        .get(&format!("/repos/{REPO}/compare/main...feature"))
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["status"].as_str(),
            v["ahead_by"].as_u64(),
            v["behind_by"].as_u64(),
            v["total_commits"].as_u64()
        ),
        (Some("ahead"), Some(2), Some(0), Some(2))
    );
    assert_eq!(v["commits"][0]["commit"]["message"], "Customer edit");
    let files: Vec<(&str, &str)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(files, [("README.md", "removed"), ("a.txt", "added")]);
    let (_, v) = gh
        .get(&format!("/repos/{REPO}/compare/feature...main"))
        .await;
    assert_eq!(
        (v["status"].as_str(), v["behind_by"].as_u64()),
        (Some("behind"), Some(2))
    );
    gh.person_commit(REPO, "main", json!({"package.json": "{}\n"}))
        .await;
    let (_, v) = gh
        .get(&format!(
            "/repos/{REPO}/compare/main...fabrik-agency:feature"
        ))
        .await;
    assert_eq!(
        (
            v["status"].as_str(),
            v["ahead_by"].as_u64(),
            v["behind_by"].as_u64()
        ),
        (Some("diverged"), Some(2), Some(1))
    );
    assert_eq!(
        v["files"].as_array().unwrap().len(),
        2,
        "only head's changes since the merge base"
    );
    let (s, _) = gh.get(&format!("/repos/{REPO}/compare/main...nope")).await;
    assert_eq!(s, 404);

    // Branch names with '/', and pages of commits (files on the first page only).
    gh.person_commit(REPO, "fabrik/update", json!({"u.txt": "u\n"}))
        .await;
    let (s, v) = gh
        .get(&format!("/repos/{REPO}/compare/main...fabrik/update"))
        .await;
    assert_eq!((s, v["ahead_by"].as_u64()), (200, Some(1)), "{v}");
    let (s, h, p1) = gh
        .call(
            "GET",
            &format!("/repos/{REPO}/compare/main...feature?per_page=1"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(p1["commits"].as_array().unwrap().len(), 1);
    assert!(h["link"].to_str().unwrap().contains("rel=\"next\""));
    let (_, p2) = gh
        .get(&format!(
            "/repos/{REPO}/compare/main...feature?per_page=1&page=2"
        ))
        .await;
    assert_eq!(p2["files"], json!([]));
    assert_ne!(p1["commits"][0]["sha"], p2["commits"][0]["sha"]);
    sim.shutdown().await;
}

/// A pull request: created (422 for a second one and for no commits), `mergeable` null on the
/// first read and after a push, then true; a stale `sha` is 409; the merge makes a two-parent
/// commit on the base and closes it.
#[tokio::test]
async fn pull_request_lifecycle_with_lazy_mergeable() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let pulls = format!("/repos/{REPO}/pulls");
    let (s, v) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Nothing", "head": "main", "base": "main"}),
        )
        .await;
    assert_eq!(s, 422, "{v}");
    gh.person_commit(
        REPO,
        "fabrik/template-update",
        json!({"supabase/migrations/0002.sql": "select 1;\n"}),
    )
    .await;
    let (s, pr) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Template update", "head": "fabrik-agency:fabrik/template-update", "base": "main", "body": "From the template", "draft": false}),
        )
        .await;
    assert_eq!(s, 201, "{pr}");
    assert_eq!(pr["number"], 1);
    assert_eq!(pr["state"], "open");
    assert_eq!(pr["mergeable"], Value::Null);
    assert_eq!(pr["head"]["ref"], "fabrik/template-update");
    assert_eq!(pr["base"]["ref"], "main");
    assert!(pr["html_url"].as_str().unwrap().ends_with("/pull/1"));
    let (s, v) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Again", "head": "fabrik/template-update", "base": "main"}),
        )
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        v["errors"][0]["message"],
        "A pull request already exists for fabrik-agency:fabrik/template-update."
    );
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "x", "head": "no-branch", "base": "main"}),
        )
        .await;
    assert_eq!(s, 422);

    let (_, first) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (
            first["mergeable"].clone(),
            first["mergeable_state"].as_str()
        ),
        (Value::Null, Some("unknown"))
    );
    let (_, second) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (
            second["mergeable"].as_bool(),
            second["mergeable_state"].as_str()
        ),
        (Some(true), Some("clean"))
    );
    assert!(
        second["merge_commit_sha"].is_string(),
        "the test merge commit"
    );
    let (s, _, _) = gh.call("GET", &format!("{pulls}/1/merge"), None).await;
    assert_eq!(s, 404, "not merged yet");

    // The customer pushes to the pull request's branch: unknown again, then computed.
    let pushed = gh
        .person_commit(
            REPO,
            "fabrik/template-update",
            json!({"app/page.tsx": "export default 1;\n"}),
        )
        .await;
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(v["mergeable"], Value::Null);
    assert_eq!(v["head"]["sha"], pushed.as_str());
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(v["mergeable"], true);

    let old = first["head"]["sha"].as_str().unwrap();
    let (s, v) = gh
        .send("PUT", &format!("{pulls}/1/merge"), json!({"sha": old}))
        .await;
    assert_eq!(s, 409, "{v}");
    let main_before = gh.head(REPO, "main").await;
    let (s, m) = gh
        .send(
            "PUT",
            &format!("{pulls}/1/merge"),
            json!({"sha": pushed, "merge_method": "merge"}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["merged"], true);
    let merge = m["sha"].as_str().unwrap();
    assert_eq!(gh.head(REPO, "main").await, merge);
    let (_, c) = gh.get(&format!("/repos/{REPO}/git/commits/{merge}")).await;
    let parents: Vec<&str> = c["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sha"].as_str().unwrap())
        .collect();
    assert_eq!(parents, [main_before.as_str(), pushed.as_str()]);
    assert!(c["message"]
        .as_str()
        .unwrap()
        .starts_with("Merge pull request #1 from fabrik-agency/fabrik/template-update"));
    let (s, f) = gh
        .get(&format!("/repos/{REPO}/contents/app/page.tsx"))
        .await;
    assert_eq!(s, 200, "{f}");

    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (v["state"].as_str(), v["merged"].as_bool()),
        (Some("closed"), Some(true))
    );
    assert!(v["merged_at"].is_string());
    assert_eq!(v["merge_commit_sha"], merge);
    let (s, _) = gh.send("PUT", &format!("{pulls}/1/merge"), json!({})).await;
    assert_eq!(s, 405);
    let (s, _, _) = gh.call("GET", &format!("{pulls}/1/merge"), None).await;
    assert_eq!(s, 204);
    let (s, _) = gh
        .send("PATCH", &format!("{pulls}/1"), json!({"state": "open"}))
        .await;
    assert_eq!(s, 422, "a merged pull request stays closed");

    let (_, open) = gh.get(&pulls).await;
    assert_eq!(open, json!([]));
    let (_, closed) = gh
        .get(&format!(
            "{pulls}?state=closed&head=fabrik-agency:fabrik/template-update"
        ))
        .await;
    assert_eq!(closed.as_array().unwrap().len(), 1);
    let (_, none) = gh.get(&format!("{pulls}?state=all&base=develop")).await;
    assert_eq!(none, json!([]));
    let (s, _) = gh.get(&format!("{pulls}/99")).await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}

/// Both sides changed the same file differently: not mergeable (false once computed), and the
/// merge is a 405. Separate paths merge with `squash` into one commit with one parent.
#[tokio::test]
async fn conflicts_are_not_mergeable_and_squash_has_one_parent() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let pulls = format!("/repos/{REPO}/pulls");
    gh.person_commit(REPO, "clash", json!({"README.md": "theirs\n"}))
        .await;
    gh.person_commit(REPO, "main", json!({"README.md": "ours\n"}))
        .await;
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Clash", "head": "clash", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(v["mergeable"], Value::Null);
    let (_, v) = gh.get(&format!("{pulls}/1")).await;
    assert_eq!(
        (v["mergeable"].as_bool(), v["mergeable_state"].as_str()),
        (Some(false), Some("dirty"))
    );
    let (s, v) = gh.send("PUT", &format!("{pulls}/1/merge"), json!({})).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (405, Some("Pull Request is not mergeable"))
    );

    gh.person_commit(REPO, "separate", json!({"other.txt": "x\n"}))
        .await;
    let (s, pr) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Separate", "head": "separate", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(pr["number"], 2);
    let main_before = gh.head(REPO, "main").await;
    let (s, m) = gh
        .send(
            "PUT",
            &format!("{pulls}/2/merge"),
            json!({"merge_method": "squash"}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    let (_, c) = gh
        .get(&format!(
            "/repos/{REPO}/git/commits/{}",
            m["sha"].as_str().unwrap()
        ))
        .await;
    assert_eq!(c["parents"].as_array().unwrap().len(), 1);
    assert_eq!(c["parents"][0]["sha"], main_before.as_str());
    assert!(c["message"].as_str().unwrap().starts_with("Separate (#2)"));
    let (_, f) = gh.get(&format!("/repos/{REPO}/contents/README.md")).await;
    assert_eq!(unwrap_b64(f["content"].as_str().unwrap()), b"ours\n");
    let (s, _) = gh
        .send(
            "PUT",
            &format!("{pulls}/1/merge"),
            json!({"merge_method": "octopus"}),
        )
        .await;
    assert_eq!(s, 422);
    sim.shutdown().await;
}

/// `pulls/update` closes and reopens (422 when another open one has the same head); a `rebase`
/// merge replays the head's commits on the base with their authors.
#[tokio::test]
async fn close_reopen_and_rebase_merge() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let pulls = format!("/repos/{REPO}/pulls");
    gh.person_commit(REPO, "upd", json!({"one.txt": "1\n"}))
        .await;
    gh.person_commit(REPO, "upd", json!({"two.txt": "2\n"}))
        .await;
    gh.person_commit(REPO, "main", json!({"main.txt": "m\n"}))
        .await;
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Upd", "head": "upd", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, v) = gh
        .send(
            "PATCH",
            &format!("{pulls}/1"),
            json!({"state": "closed", "title": "Upd (old)"}),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str(), v["title"].as_str()),
        (200, Some("closed"), Some("Upd (old)"))
    );
    let (s, _) = gh
        .send(
            "POST",
            &pulls,
            json!({"title": "Upd again", "head": "upd", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201, "a closed one does not block a new one");
    let (s, _) = gh
        .send("PATCH", &format!("{pulls}/1"), json!({"state": "open"}))
        .await;
    assert_eq!(s, 422);
    let (_, listed) = gh.get(&format!("{pulls}?state=all&direction=asc")).await;
    let numbers: Vec<u64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);

    let main_before = gh.head(REPO, "main").await;
    let (s, m) = gh
        .send(
            "PUT",
            &format!("{pulls}/2/merge"),
            json!({"merge_method": "rebase"}),
        )
        .await;
    assert_eq!(s, 200, "{m}");
    let (_, log) = gh.get(&format!("/repos/{REPO}/commits?per_page=3")).await;
    assert_eq!(log[0]["sha"], m["sha"]);
    assert_eq!(log[2]["sha"], main_before.as_str());
    assert_eq!(log[0]["commit"]["author"]["name"], "Kund");
    assert_eq!(log[0]["parents"].as_array().unwrap().len(), 1);
    for f in ["one.txt", "two.txt", "main.txt"] {
        let (s, _) = gh.get(&format!("/repos/{REPO}/contents/{f}")).await;
        assert_eq!(s, 200, "{f}");
    }
    sim.shutdown().await;
}
