//! Commits and refs in the simulated GitHub: they move only forward unless forced, and the Git
//! state survives a restart.

use super::*;

/// Commits and refs: a new branch, 422 when it exists, fast forwards only unless `force`;
/// contents and the commit list follow the refs (`sha`, `path`, paging with `Link`).
#[tokio::test]
async fn commits_and_refs_move_only_forward_unless_forced() {
    let sim = sim().await;
    let gh = Gh::new(&sim);
    let main = gh.head(REPO, "main").await;
    let base = gh.tree_of(REPO, &main).await;
    let (_, t) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/trees"),
            json!({"base_tree": base, "tree": [{"path": "supabase/migrations/0001_init.sql", "mode": "100644", "type": "blob", "content": "create table t (id int);\n"}]}),
        )
        .await;
    let (s, c1) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "Template update 1", "tree": t["sha"], "parents": [main],
                   "author": {"name": "Fabrik", "email": "bot@fabrik.test", "date": "2026-01-02T03:04:05Z"}}),
        )
        .await;
    assert_eq!(s, 201, "{c1}");
    assert_eq!(c1["author"]["date"], "2026-01-02T03:04:05Z");
    assert_eq!(c1["parents"][0]["sha"], main.as_str());
    assert_eq!(c1["verification"]["verified"], false);
    let c1 = c1["sha"].as_str().unwrap().to_string();
    let (s, got) = gh.get(&format!("/repos/{REPO}/git/commits/{c1}")).await;
    assert_eq!(
        (s, got["message"].as_str()),
        (200, Some("Template update 1"))
    );

    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "x", "tree": "4".repeat(40)}),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("Tree SHA does not exist"))
    );
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "x", "tree": t["sha"], "parents": ["5".repeat(40)]}),
        )
        .await;
    assert_eq!(s, 422);

    let (s, r) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/refs"),
            json!({"ref": "refs/heads/fabrik/update", "sha": c1}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["ref"], "refs/heads/fabrik/update");
    let (s, v) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/refs"),
            json!({"ref": "refs/heads/fabrik/update", "sha": c1}),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("Reference already exists"))
    );
    assert_eq!(gh.head(REPO, "fabrik/update").await, c1);
    let (s, _) = gh.get(&format!("/repos/{REPO}/git/ref/heads/nope")).await;
    assert_eq!(s, 404);

    // Contents and branches at the new branch.
    let (s, f) = gh
        .get(&format!(
            "/repos/{REPO}/contents/supabase/migrations/0001_init.sql?ref=fabrik/update"
        ))
        .await;
    assert_eq!(s, 200, "{f}");
    let (s, _) = gh
        .get(&format!(
            "/repos/{REPO}/contents/supabase/migrations/0001_init.sql?ref=main"
        ))
        .await;
    assert_eq!(s, 404);
    let (s, b) = gh
        .get(&format!("/repos/{REPO}/git/ref/heads/fabrik/update"))
        .await;
    assert_eq!((s, b["object"]["sha"].as_str()), (200, Some(c1.as_str())));

    // A sibling of c1 (also on main's head): not a fast forward from c1.
    let (_, c2) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/git/commits"),
            json!({"message": "Other", "tree": base, "parents": [main]}),
        )
        .await;
    let c2 = c2["sha"].as_str().unwrap().to_string();
    let (s, v) = gh
        .send(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            json!({"sha": c2}),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("Update is not a fast forward"))
    );
    let (s, v) = gh
        .send(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            json!({"sha": c2, "force": true}),
        )
        .await;
    assert_eq!((s, v["object"]["sha"].as_str()), (200, Some(c2.as_str())));
    // main → c1 is a fast forward.
    let (s, _) = gh
        .send(
            "PATCH",
            &format!("/repos/{REPO}/git/refs/heads/main"),
            json!({"sha": c1}),
        )
        .await;
    assert_eq!(s, 200);

    // The list: newest first, paged, filtered by path.
    let (s, h, list) = gh
        .call(
            "GET",
            &format!("/repos/{REPO}/commits?sha=main&per_page=1"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(list[0]["sha"], c1.as_str());
    let link = h["link"].to_str().unwrap();
    assert!(
        link.contains("page=2") && link.contains("rel=\"next\""),
        "{link}"
    );
    let (_, all) = gh.get(&format!("/repos/{REPO}/commits")).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, by_path) = gh
        .get(&format!("/repos/{REPO}/commits?path=supabase/migrations"))
        .await;
    assert_eq!(by_path.as_array().unwrap().len(), 1);
    let (s, one) = gh.get(&format!("/repos/{REPO}/commits/{c1}")).await;
    assert_eq!(s, 200);
    assert_eq!(
        one["files"][0]["filename"],
        "supabase/migrations/0001_init.sql"
    );
    assert_eq!(one["files"][0]["status"], "added");
    let (s, _) = gh.get(&format!("/repos/{REPO}/commits/no-such-ref")).await;
    assert_eq!(s, 422);

    let (s, _, _) = gh
        .call(
            "DELETE",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, _, _) = gh
        .call(
            "DELETE",
            &format!("/repos/{REPO}/git/refs/heads/fabrik/update"),
            None,
        )
        .await;
    assert_eq!(s, 422);
    sim.shutdown().await;
}

/// Objects, refs and pull requests survive a restart from the state file.
#[tokio::test]
async fn git_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = SimConfig {
        state_file: Some(dir.path().join("world.json")),
        ..Default::default()
    };
    let sim = sim_with(cfg.clone()).await;
    let gh = Gh::new(&sim);
    let head = gh
        .person_commit(REPO, "kept", json!({"k.txt": "kept\n"}))
        .await;
    let (s, _) = gh
        .send(
            "POST",
            &format!("/repos/{REPO}/pulls"),
            json!({"title": "Kept", "head": "kept", "base": "main"}),
        )
        .await;
    assert_eq!(s, 201);
    sim.shutdown().await;

    let sim = sim_with(cfg).await;
    let gh = Gh::new(&sim);
    assert_eq!(gh.head(REPO, "kept").await, head);
    let (s, v) = gh.get(&format!("/repos/{REPO}/pulls/1")).await;
    assert_eq!((s, v["head"]["sha"].as_str()), (200, Some(head.as_str())));
    let (s, f) = gh
        .get(&format!("/repos/{REPO}/contents/k.txt?ref=kept"))
        .await;
    assert_eq!(s, 200);
    assert_eq!(unwrap_b64(f["content"].as_str().unwrap()), b"kept\n");
    let (_, _, inv) = json_of(
        client()
            .get(format!("{}/__sim/inventory", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let tpl = inv["github"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["full_name"] == REPO)
        .unwrap();
    assert_eq!(tpl["branches"]["kept"], head.as_str());
    assert_eq!(tpl["pulls"][0]["head"], "kept");
    sim.shutdown().await;
}
