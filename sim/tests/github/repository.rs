//! A repository's fields in the simulated GitHub: updated, renamed (the old name redirects),
//! errors; its contents listed and read at a ref.

use super::*;

/// A renamed repository: its old name answers 301 to reads and 307 to writes, pointing at
/// `/repositories/{id}`, as GitHub does; nothing is changed by a request to the old name.
#[tokio::test]
async fn a_renamed_repository_redirects_its_old_name() {
    let sim = sim().await;
    let gh = sim.github_api_url();
    let c = client();
    let body = json!({"name": "old-name", "owner": "fabrik-agency", "private": true});
    let (s, _, created) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201);
    let r = c
        .post(format!("{}/__sim/github/rename", sim.base_url()))
        .json(&json!({"owner": "fabrik-agency", "from": "old-name", "to": "new-name"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (s, h, moved) = json_of(
        no_redirects
            .get(format!("{gh}/repos/fabrik-agency/old-name"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 301);
    assert_response(Spec::Github, "GET", "/repos/{owner}/{repo}", 301, &moved);
    let location = h["location"].to_str().unwrap().to_string();
    assert!(
        location.ends_with(&format!("/repositories/{}", created["id"])),
        "{location}"
    );

    let (s, _, moved) = json_of(
        no_redirects
            .delete(format!("{gh}/repos/fabrik-agency/old-name"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 307);
    assert_response(Spec::Github, "DELETE", "/repos/{owner}/{repo}", 307, &moved);
    let (s, _, repo) = json_of(
        c.get(format!("{gh}/repos/fabrik-agency/new-name"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "still there under its new name");
    assert_eq!(repo["full_name"], "fabrik-agency/new-name");
    sim.shutdown().await;
}

/// `PATCH /repos/{owner}/{repo}` ("Update a repository"): description, visibility, template flag,
/// default branch and rename (old name redirects: 301 on reads, 307 on writes), with GitHub's
/// errors: 422 validation failed, 404, 403 without scope, 400 for a body that is not an object.
#[tokio::test]
async fn update_repository_fields_rename_and_errors() {
    let mut cfg = SimConfig::default();
    cfg.tokens.github.push("weak".into());
    cfg.github_scopes = HashMap::from([("weak".to_string(), vec!["read:user".to_string()])]);
    let sim = sim_with(cfg).await;
    let gh = sim.github_api_url();
    let c = client();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (s, _, created) = json_of(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "patch-me", "owner": "fabrik-agency", "private": true, "description": "Before"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_u64().unwrap();
    let patch = |url: String, token: &'static str, body: serde_json::Value| {
        let c = c.clone();
        async move {
            json_of(
                c.patch(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };

    // Description (other documented properties are accepted and ignored).
    let body = json!({"description": "Made by Fabrik", "has_wiki": false, "homepage": "https://acme.test"});
    assert_request(Spec::Github, "PATCH", "/repos/{owner}/{repo}", &body);
    let (s, _, v) = patch(format!("{gh}/repos/fabrik-agency/patch-me"), TOKEN, body).await;
    assert_eq!(s, 200, "{v}");
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 200, &v);
    assert_eq!(v["description"], "Made by Fabrik");
    assert_eq!(
        v["template_repository"]["full_name"],
        "fabrik-agency/saas-template"
    );
    let (s, _, v) = json_of(
        c.get(format!("{gh}/repos/fabrik-agency/patch-me"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["description"].as_str()),
        (200, Some("Made by Fabrik"))
    );

    // Visibility, template flag, default branch (only the existing one).
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patch-me"),
        TOKEN,
        json!({"visibility": "public", "is_template": true, "default_branch": "main"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["private"].as_bool(), v["visibility"].as_str()),
        (Some(false), Some("public"))
    );
    assert_eq!(v["is_template"], true);
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patch-me"),
        TOKEN,
        json!({"private": true}),
    )
    .await;
    assert_eq!((s, v["private"].as_bool()), (200, Some(true)));
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patch-me"),
        TOKEN,
        json!({"default_branch": "develop"}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 422, &v);
    assert_eq!(v["message"], "Validation Failed");
    assert_eq!(v["errors"][0]["field"], "default_branch");

    // Rename: the old name goes to the redirects.
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patch-me"),
        TOKEN,
        json!({"name": "patched"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 200, &v);
    assert_eq!(
        (v["full_name"].as_str(), v["id"].as_u64()),
        (Some("fabrik-agency/patched"), Some(id))
    );
    let (s, h, _) = json_of(
        no_redirects
            .get(format!("{gh}/repos/fabrik-agency/patch-me"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 301);
    assert!(h["location"]
        .to_str()
        .unwrap()
        .ends_with(&format!("/repositories/{id}")));
    let (s, h, moved) = json_of(
        no_redirects
            .patch(format!("{gh}/repos/fabrik-agency/patch-me"))
            .bearer_auth(TOKEN)
            .json(&json!({"description": "through the old name"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 307);
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 307, &moved);
    let location = h["location"].to_str().unwrap().to_string();
    assert!(
        location.ends_with(&format!("/repositories/{id}")),
        "{location}"
    );
    let r = no_redirects
        .delete(format!("{gh}/repos/fabrik-agency/patch-me"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 307);
    // The write to the old name changed nothing; the redirect target takes the PATCH.
    let (s, _, v) = patch(location, TOKEN, json!({"description": "by id"})).await;
    assert_eq!(
        (s, v["full_name"].as_str()),
        (200, Some("fabrik-agency/patched"))
    );
    assert_eq!(v["description"], "by id");

    // Taken and invalid names.
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patched"),
        TOKEN,
        json!({"name": "saas-template"}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 422, &v);
    assert_eq!(v["message"], "Validation Failed");
    assert_eq!(
        v["errors"][0]["message"],
        "name already exists on this account"
    );
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patched"),
        TOKEN,
        json!({"name": "no spaces"}),
    )
    .await;
    assert_eq!((s, v["errors"][0]["field"].as_str()), (422, Some("name")));
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patched"),
        TOKEN,
        json!({"private": "yes"}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 422, &v);

    // Missing repository, body that is not an object.
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/nope"),
        TOKEN,
        json!({"description": "x"}),
    )
    .await;
    assert_eq!((s, v["message"].as_str()), (404, Some("Not Found")));
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 404, &v);
    let (s, _, v) = patch(
        format!("{gh}/repos/fabrik-agency/patched"),
        TOKEN,
        json!(["name"]),
    )
    .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (400, Some("Problems parsing JSON"))
    );

    // Scopes: without `repo`, a public repository is 403, a private one is not even visible.
    let (s, h, v) = patch(
        format!("{gh}/repos/fabrik-agency/saas-template"),
        "weak",
        json!({"description": "x"}),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    assert_response(Spec::Github, "PATCH", "/repos/{owner}/{repo}", 403, &v);
    assert_eq!(h["x-accepted-oauth-scopes"], "public_repo, repo");
    let (s, _, _) = patch(
        format!("{gh}/repos/fabrik-agency/patched"),
        "weak",
        json!({"description": "x"}),
    )
    .await;
    assert_eq!(s, 404);

    let (_, _, inv) = json_of(
        c.get(format!("{}/__sim/inventory", sim.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let repo = inv["github"]["repos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(repo["full_name"], "fabrik-agency/patched");
    assert_eq!(repo["description"], "by id");
    assert_eq!(repo["previous_names"], json!(["patch-me"]));
    sim.shutdown().await;
}

/// `repos/get-content` at a ref: a directory lists its entries (git's order, files with their
/// size, blob sha and download URL), a file comes back Base64 wrapped at 60 columns, an older
/// commit shows the files as they were then, an unknown ref is 404.
#[tokio::test]
async fn contents_list_a_directory_and_read_a_file_at_a_ref() {
    let sim = sim().await;
    let gh = sim.github_api_url();
    let c = client();
    let get = |path: &str| {
        c.get(format!(
            "{gh}/repos/fabrik-agency/saas-template/contents/{path}"
        ))
        .bearer_auth(TOKEN)
        .send()
    };
    let spec_path = "/repos/{owner}/{repo}/contents/{path}";
    let (_, _, commits) = json_of(
        c.get(format!("{gh}/repos/fabrik-agency/saas-template/commits"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let first = commits[0]["sha"].as_str().unwrap().to_string();

    let (s, _, listing) = json_of(get(&format!("supabase?ref={first}")).await.unwrap()).await;
    assert_eq!(s, 200, "{listing}");
    assert_response(Spec::Github, "GET", spec_path, 200, &listing);
    let init = "-- Sample rows for a local supabase db reset.\n";
    assert_eq!(listing.as_array().unwrap().len(), 1);
    let item = &listing[0];
    assert_eq!(
        (
            item["name"].as_str(),
            item["path"].as_str(),
            item["type"].as_str()
        ),
        (Some("seed.sql"), Some("supabase/seed.sql"), Some("file"))
    );
    assert_eq!(item["size"], init.len());
    assert!(
        item.get("content").is_none(),
        "a listing carries no content"
    );
    assert!(item["download_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/{first}/supabase/seed.sql")));

    let (s, _, file) = json_of(
        get(&format!("supabase/seed.sql?ref={first}"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{file}");
    assert_response(Spec::Github, "GET", spec_path, 200, &file);
    assert_eq!(
        (file["type"].as_str(), file["encoding"].as_str()),
        (Some("file"), Some("base64"))
    );
    assert_eq!(
        file["sha"], item["sha"],
        "the listing and the file agree on the blob"
    );
    let content = file["content"].as_str().unwrap();
    assert!(content.lines().all(|l| l.len() <= 60) && content.ends_with('\n'));
    let packed: String = content.split_whitespace().collect();
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap(), init);

    // A new commit: the branch shows it, the first commit does not.
    let (s, _, v) = json_of(
        c.put(format!("{gh}/repos/fabrik-agency/saas-template/contents/supabase/migrations/0002_notes.sql"))
            .bearer_auth(TOKEN)
            .json(&json!({"message": "notes", "content": base64::engine::general_purpose::STANDARD.encode("create table public.notes (id int);\n")}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (_, _, now) = json_of(get("supabase/migrations?ref=main").await.unwrap()).await;
    assert_eq!(now.as_array().unwrap().len(), 1, "{now}");
    let (_, _, now) = json_of(get("supabase?ref=main").await.unwrap()).await;
    assert_response(Spec::Github, "GET", spec_path, 200, &now);
    let names: Vec<(&str, &str)> = now
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["type"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("migrations", "dir"), ("seed.sql", "file")]);
    // A folder has no download address and no size.
    assert!(now[0]["download_url"].is_null());
    assert_eq!(now[0]["size"], 0);
    let (s, _, then) = json_of(
        get(&format!("supabase/migrations?ref={}", &first[..7]))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        s, 404,
        "the folder did not exist at the first commit: {then}"
    );
    let (s, _, _) = json_of(
        get(&format!("supabase/migrations/0002_notes.sql?ref={first}"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _, v) = json_of(get("supabase/migrations?ref=no-such-ref").await.unwrap()).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (404, Some("No commit found for the ref no-such-ref"))
    );
    let (s, _, _) = json_of(get("supabase/nothing-here?ref=main").await.unwrap()).await;
    assert_eq!(s, 404);
    sim.shutdown().await;
}
