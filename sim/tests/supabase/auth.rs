//! The simulated Supabase Auth admin API: a user created, a duplicate refused, validation and
//! the list.

use super::*;

#[tokio::test]
async fn auth_admin_create_duplicate_validation_and_list() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "authproj").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let keys = revealed_keys(&c, &base, &r).await;
    let key = |name: &str| {
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == name || k["type"] == name)
            .unwrap()["api_key"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (anon, service, secret) = (key("anon"), key("service_role"), key("secret"));
    let url = format!("{}/auth/v1/admin/users", sim.supabase_project_url(&r));
    let body = json!({"email": "Admin@Acme.test", "password": "correct-horse", "email_confirm": true, "user_metadata": {"name": "Ada"}});

    let (s, _, v) = json_of(
        c.post(&url)
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 401, "no apikey: {v}");
    let (s, h, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (401, Some("no_authorization"))
    );
    assert_eq!(h["x-sb-error-code"], "no_authorization");
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&anon)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error_code"].as_str()), (403, Some("not_admin")));
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &secret)
            .bearer_auth(&secret)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error_code"].as_str()), (403, Some("bad_jwt")));

    let (s, _, user) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{user}");
    assert_component(Spec::Auth, "UserSchema", &user);
    assert_eq!(user["email"], "admin@acme.test");
    assert!(user["email_confirmed_at"].is_string());

    let (s, h, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        v,
        json!({"code": 422, "error_code": "email_exists", "msg": "A user with this email address has already been registered"})
    );
    assert_eq!(h["x-sb-error-code"], "email_exists");
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .header("X-Supabase-Api-Version", "2024-01-01")
            .bearer_auth(&service)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        v,
        json!({"code": "email_exists", "message": "A user with this email address has already been registered"})
    );
    let (s, _, v) = json_of(
        c.post(&url)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&json!({"password": "x1234567"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, v["error_code"].as_str()),
        (400, Some("validation_failed"))
    );

    for i in 0..2 {
        let b = json!({"email": format!("u{i}@acme.test")});
        assert_eq!(
            c.post(&url)
                .header("apikey", &anon)
                .bearer_auth(&service)
                .json(&b)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let (s, _, page) = json_of(
        c.get(format!("{url}?page=2&per_page=2"))
            .header("apikey", &anon)
            .bearer_auth(&service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(page["aud"], "authenticated");
    assert_eq!(page["users"].as_array().unwrap().len(), 1);
    for u in page["users"].as_array().unwrap() {
        assert_component(Spec::Auth, "UserSchema", u);
    }

    // `PUT /admin/users/{id}` (a new password; metadata merged), and `GET` of one user.
    let one = format!("{url}/{}", user["id"].as_str().unwrap());
    let put = |b: Value, at: String| {
        c.put(at)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .json(&b)
            .send()
    };
    let (s, _, v) = json_of(put(json!({"pasword": "x"}), one.clone()).await.unwrap()).await;
    assert_eq!((s, v["error_code"].as_str()), (400, Some("bad_json")));
    let (s, _, v) = json_of(put(json!({"password": "kort"}), one.clone()).await.unwrap()).await;
    assert_eq!((s, v["error_code"].as_str()), (422, Some("weak_password")));
    let nobody = format!("{url}/00000000-0000-4000-8000-000000000000");
    let (s, _, v) = json_of(
        put(json!({"password": "ett-nytt-lösen"}), nobody)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, v["error_code"].as_str()), (404, Some("user_not_found")));
    let (s, _, v) = json_of(
        put(
            json!({"password": "ett-nytt-lösen", "user_metadata": {"must_change_password": true}}),
            one.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_component(Spec::Auth, "UserSchema", &v);
    assert_eq!(
        v["user_metadata"],
        json!({"name": "Ada", "must_change_password": true})
    );
    let sign_in = |pw: &str| {
        c.post(format!(
            "{}/auth/v1/token?grant_type=password",
            sim.supabase_project_url(&r)
        ))
        .header("apikey", &anon)
        .json(&json!({"email": "admin@acme.test", "password": pw}))
        .send()
    };
    assert_eq!(sign_in("correct-horse").await.unwrap().status(), 400);
    assert_eq!(sign_in("ett-nytt-lösen").await.unwrap().status(), 200);
    let (s, _, v) = json_of(
        c.get(&one)
            .header("apikey", &anon)
            .bearer_auth(&service)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((s, &v["id"]), (200, &user["id"]));
    sim.shutdown().await;
}
