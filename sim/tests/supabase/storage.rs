//! The simulated Storage API: buckets made and listed, objects uploaded through the real route,
//! a folder listed level by level and in pages, downloads, and the refusals as Storage answers
//! them (HTTP 400 with the real status in the body).

use super::*;

/// A ready project and its (anon, service_role) keys.
async fn project(c: &reqwest::Client, base: &str) -> (String, String, String) {
    let r = create(c, base, "storageproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let keys = revealed_keys(c, base, &r).await;
    let key = |name: &str| {
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name)
            .unwrap()["api_key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    (r, key("anon"), key("service_role"))
}

#[tokio::test]
async fn buckets_objects_folders_pages_and_refusals() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let (r, anon, service) = project(&c, &base).await;
    let storage = format!("{}/storage/v1", sim.supabase_project_url(&r));
    let as_ = |req: reqwest::RequestBuilder, key: &str| req.header("apikey", key).bearer_auth(key);

    for (name, public) in [("docs", false), ("site", true)] {
        let body = json!({"name": name, "public": public});
        assert_request(Spec::Storage, "POST", "/bucket/", &body);
        let (s, _, v) = json_of(
            as_(c.post(format!("{storage}/bucket")), &service)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_response(Spec::Storage, "POST", "/bucket/", 200, &v);
    }
    let (s, _, v) = json_of(
        as_(c.post(format!("{storage}/bucket")), &service)
            .json(&json!({"name": "docs"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["statusCode"].as_str(), v["error"].as_str()),
        (400, Some("409"), Some("Duplicate"))
    );
    assert_component(Spec::Storage, "errorSchema", &v);

    let upload = |path: &str, bytes: Vec<u8>, upsert: bool| {
        let mut req = as_(c.post(format!("{storage}/object/{path}")), &service)
            .header("content-type", "text/plain")
            .body(bytes);
        if upsert {
            req = req.header("x-upsert", "true");
        }
        req.send()
    };
    for i in 0..5 {
        let (s, _, v) = json_of(
            upload(&format!("docs/a/f{i}.txt"), vec![b'x'; i], false)
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_response(
            Spec::Storage,
            "POST",
            "/object/{bucketName}/{wildcard}",
            200,
            &v,
        );
        assert_eq!(v["Key"], format!("docs/a/f{i}.txt"));
    }
    upload("docs/a/b/deep.txt", b"deep".to_vec(), false)
        .await
        .unwrap();
    upload("docs/top.txt", b"top".to_vec(), false)
        .await
        .unwrap();
    let (s, _, v) = json_of(
        upload("docs/top.txt", b"again".to_vec(), false)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["statusCode"].as_str(), v["error"].as_str()),
        (400, Some("409"), Some("Duplicate"))
    );
    let (s, _, _) = json_of(upload("docs/top.txt", b"TOP".to_vec(), true).await.unwrap()).await;
    assert_eq!(s, 200, "x-upsert replaces");
    let (s, _, v) = json_of(
        upload("nobucket/x.txt", b"x".to_vec(), false)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["statusCode"].as_str(), v["code"].as_str()),
        (400, Some("404"), Some("NoSuchBucket"))
    );

    let list = |bucket: &str, body: Value, key: &str| {
        as_(c.post(format!("{storage}/object/list/{bucket}")), key)
            .json(&body)
            .send()
    };
    // The top level: a folder (id null) and a file, by name.
    let body = json!({"prefix": "", "limit": 100, "offset": 0, "sortBy": {"column": "name", "order": "asc"}});
    assert_request(Spec::Storage, "POST", "/object/list/{bucketName}", &body);
    let (s, _, v) = json_of(list("docs", body, &service).await.unwrap()).await;
    assert_eq!(s, 200, "{v}");
    assert_response(Spec::Storage, "POST", "/object/list/{bucketName}", 200, &v);
    let names: Vec<(&str, bool)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["id"].is_null()))
        .collect();
    assert_eq!(names, [("a", true), ("top.txt", false)]);
    assert_eq!(v[1]["metadata"]["size"], 3);
    assert_eq!(v[1]["metadata"]["mimetype"], "text/plain");
    // One level down, without the trailing slash, in pages of two: names relative to the prefix.
    let mut seen = vec![];
    for offset in [0, 2, 4, 6] {
        let (_, _, v) = json_of(
            list(
                "docs",
                json!({"prefix": "a", "limit": 2, "offset": offset}),
                &service,
            )
            .await
            .unwrap(),
        )
        .await;
        seen.extend(
            v.as_array()
                .unwrap()
                .iter()
                .map(|e| e["name"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(
        seen,
        ["b", "f0.txt", "f1.txt", "f2.txt", "f3.txt", "f4.txt"]
    );
    let (s, _, v) = json_of(
        list("docs", json!({"prefix": "", "limit": 0}), &service)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["statusCode"].as_str()), (400, Some("400")), "{v}");
    // A bucket that does not exist lists as empty; the anon role sees nothing without policies.
    let (s, _, v) = json_of(
        list("nobucket", json!({"prefix": ""}), &service)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v), (200, json!([])));
    let (_, _, v) = json_of(list("docs", json!({"prefix": ""}), &anon).await.unwrap()).await;
    assert_eq!(v, json!([]));

    let (s, _, v) = json_of(
        as_(c.get(format!("{storage}/bucket")), &service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_response(Spec::Storage, "GET", "/bucket/", 200, &v);
    assert_eq!(v.as_array().unwrap().len(), 2);

    // Downloads: the bytes and their type; a private object only with the service key.
    let resp = as_(
        c.get(format!("{storage}/object/docs/a/b/deep.txt")),
        &service,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"deep");
    let (s, _, v) = json_of(
        as_(c.get(format!("{storage}/object/docs/top.txt")), &anon)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("NoSuchKey")));
    let (s, _, v) = json_of(
        as_(
            c.get(format!("{storage}/object/docs/missing.txt")),
            &service,
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["statusCode"].as_str(), v["error"].as_str()),
        (400, Some("404"), Some("not_found"))
    );
    assert_component(Spec::Storage, "errorSchema", &v);
    let (s, _, v) = json_of(
        as_(c.get(format!("{storage}/object/nobucket/x")), &service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["message"].as_str()), (400, Some("Bucket not found")));
    // No key at the gateway, or a bearer that is not the project's.
    let (s, _, _) = json_of(c.get(format!("{storage}/bucket")).send().await.unwrap()).await;
    assert_eq!(s, 401);
    let (s, _, v) = json_of(
        c.get(format!("{storage}/bucket"))
            .header("apikey", &service)
            .bearer_auth("a.b.c")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (400, Some("InvalidJWT")));
}

/// With PostgreSQL behind the project, an upload is also its row in `storage.objects`: what the
/// usage query sums (`metadata->>'size'`) agrees with what the API holds, an upsert included.
#[tokio::test]
async fn an_upload_is_its_row_in_storage_objects_on_postgres() {
    let (_pg, sim) = pg_sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let (r, _, service) = project(&c, &base).await;
    let storage = format!("{}/storage/v1", sim.supabase_project_url(&r));
    let as_ = |req: reqwest::RequestBuilder| req.header("apikey", &service).bearer_auth(&service);
    let s = as_(c.post(format!("{storage}/bucket")))
        .json(&json!({"name": "docs"}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, 200);
    for (body, upsert) in [(vec![1u8; 10], "false"), (vec![2u8; 25], "true")] {
        let s = as_(c.post(format!("{storage}/object/docs/a/b.bin")))
            .header("x-upsert", upsert)
            .body(body)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(s, 200);
    }
    let sql = "select bucket_id, name, (metadata->>'size')::bigint as size from storage.objects";
    let (s, _, v) = json_of(post_sql(&c, &base, &r, sql).await.unwrap()).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(
        v,
        json!([{"bucket_id": "docs", "name": "a/b.bin", "size": 25}])
    );
    sim.shutdown().await;
}
