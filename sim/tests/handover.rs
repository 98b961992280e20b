//! A handover's three parts as the providers answer them, validated against the official
//! descriptions: Supabase's claim token redeemed by the customer's organization, Vercel's
//! transfer request accepted by the customer's team, GitHub's repository transfer to the
//! customer, and the refusals of each (a token used or revoked, a code used twice, a name the
//! target already has, a target without permission).

use crate::common;

use common::*;
use fabrik_sim::SimHandle;
use serde_json::{json, Value};

const TOKEN_PATH: &str = "/v1/projects/{ref}/claim-token";
const CLAIM_PATH: &str = "/v1/organizations/{slug}/project-claim/{token}";

async fn call(r: reqwest::RequestBuilder) -> (u16, Value) {
    let (s, _, v) = json_of(r.send().await.unwrap()).await;
    (s, v)
}

/// One of the customer's own accounts (`POST /__sim/handover/accounts`): its id.
async fn outside(sim: &SimHandle, body: Value) -> String {
    let (s, v) = call(
        client()
            .post(format!("{}/__sim/handover/accounts", sim.base_url()))
            .json(&body),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

/// A project `acme` in the agency's organization: its ref.
async fn project(c: &reqwest::Client, base: &str) -> String {
    let body = json!({"name": "acme", "db_pass": "S3cret-pass!", "organization_slug": "fabrik-sandbox", "region": "us-east-1"});
    let (s, p) = call(
        c.post(format!("{base}/v1/projects"))
            .bearer_auth(TOKEN)
            .json(&body),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_str().unwrap().to_string()
}

async fn admin(sim: &SimHandle, path: &str) -> (u16, Value) {
    call(client().post(format!("{}/__sim/handover/{path}", sim.base_url()))).await
}

#[tokio::test]
async fn a_claim_token_moves_the_project_once_and_a_revoked_one_is_refused() {
    let sim = sim().await;
    let (c, base) = (client(), sim.supabase_api_url());
    outside(&sim, json!({"provider": "supabase", "name": "kundens-org"})).await;
    let r = project(&c, &base).await;
    let url = format!("{base}/v1/projects/{r}/claim-token");

    let (s, none) = call(c.get(&url).bearer_auth(TOKEN)).await;
    assert_eq!(s, 404, "no token yet: {none}");
    let (s, made) = call(c.post(&url).bearer_auth(TOKEN)).await;
    assert_eq!(s, 200, "{made}");
    assert_response(Spec::Supabase, "POST", TOKEN_PATH, 200, &made);
    let token = made["token"].as_str().unwrap().to_string();
    let (s, shown) = call(c.get(&url).bearer_auth(TOKEN)).await;
    assert_eq!(s, 200);
    assert_response(Spec::Supabase, "GET", TOKEN_PATH, 200, &shown);
    assert_eq!(shown["token_alias"], made["token_alias"]);
    assert!(shown.get("token").is_none(), "the token is shown once");

    // The agency's token administers no customer organization.
    let (s, _) = call(
        c.post(format!(
            "{base}/v1/organizations/kundens-org/project-claim/{token}"
        ))
        .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(s, 403);
    let (s, preview) = admin(&sim, &format!("supabase/kundens-org/preview/{token}")).await;
    assert_eq!(s, 200, "{preview}");
    assert_response(Spec::Supabase, "GET", CLAIM_PATH, 200, &preview);
    assert_eq!(preview["project"]["ref"], r.as_str());

    let (s, _) = admin(&sim, &format!("supabase/kundens-org/claim/{token}")).await;
    assert_eq!(s, 204);
    let (_, moved) = call(c.get(format!("{base}/v1/projects/{r}")).bearer_auth(TOKEN)).await;
    assert_eq!(moved["organization_slug"], "kundens-org");
    let (s, used) = admin(&sim, &format!("supabase/kundens-org/claim/{token}")).await;
    assert_eq!(s, 403, "a used token: {used}");
    assert_eq!(used["message"], "Forbidden action");

    // Revoked before it was redeemed: refused the same way.
    let (_, again) = call(c.post(&url).bearer_auth(TOKEN)).await;
    let second = again["token"].as_str().unwrap().to_string();
    let (s, _) = call(c.delete(&url).bearer_auth(TOKEN)).await;
    assert_eq!(s, 204);
    let (s, _) = admin(&sim, &format!("supabase/kundens-org/claim/{second}")).await;
    assert_eq!(s, 403);
    let (s, _) = call(c.get(&url).bearer_auth(TOKEN)).await;
    assert_eq!(s, 404, "a revoked token is no longer shown");
}

/// The documented claim flow (`GET /v1/oauth/authorize/project-claim`): the agency's token and
/// OAuth app name the project, and the answer is the redirect to the page where the customer
/// claims it; that claim is the project's claim token. An unknown app, a redirect address the
/// app does not have, a missing parameter and a project of another organization are refused
/// before any redirect.
#[tokio::test]
async fn the_claim_flow_redirects_to_the_customers_page_and_refuses_what_it_does_not_know() {
    let sim = sim().await;
    let base = sim.supabase_api_url();
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    outside(&sim, json!({"provider": "supabase", "name": "kundens-org"})).await;
    let r = project(&c, &base).await;
    let seed = sim.seed().clone();
    let ask = |client_id: &str, redirect: &str| {
        c.get(format!("{base}/v1/oauth/authorize/project-claim"))
            .bearer_auth(TOKEN)
            .query(&[
                ("project_ref", r.as_str()),
                ("client_id", client_id),
                ("response_type", "code"),
                ("redirect_uri", redirect),
                ("state", "fabrik-handover-1"),
            ])
    };
    let (app, back) = (
        seed.supabase_oauth_client_id.as_str(),
        seed.supabase_oauth_redirect_uri.as_str(),
    );
    for (client_id, redirect) in [
        ("66666666-6666-4666-8666-666666666666", back),
        (app, "https://annan.example.se/tillbaka"),
    ] {
        let (s, v) = call(ask(client_id, redirect)).await;
        assert_eq!(s, 400, "{v}");
    }
    let (s, _) = call(
        c.get(format!(
            "{base}/v1/oauth/authorize/project-claim?project_ref={r}"
        ))
        .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(s, 400, "the required parameters");
    let (s, _) = call(
        c.get(format!("{base}/v1/oauth/authorize/project-claim"))
            .bearer_auth("fel")
            .query(&[
                ("project_ref", r.as_str()),
                ("client_id", app),
                ("response_type", "code"),
                ("redirect_uri", back),
            ]),
    )
    .await;
    assert_eq!(s, 401);
    let (s, _) = call(
        c.get(format!("{base}/v1/projects/{r}/claim-token"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(s, 404, "nothing refused made a claim");

    let answer = ask(app, back).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    let page = answer
        .url()
        .join(answer.headers()["location"].to_str().unwrap())
        .unwrap();
    let token = page
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.to_string())
        .unwrap();
    let (s, shown) = call(
        c.get(format!("{base}/v1/projects/{r}/claim-token"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(s, 200, "the claim shows as the project's claim token");
    assert_response(Spec::Supabase, "GET", TOKEN_PATH, 200, &shown);

    // The customer's page names the project; confirming it for their organization moves it.
    let html = c
        .get(page.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("acme") && html.contains("kundens-org"),
        "{html}"
    );
    let confirmed = c
        .post(page.as_str().split('?').next().unwrap())
        .form(&[("token", token.as_str()), ("organization", "kundens-org")])
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status().as_u16(), 204);
    let (_, moved) = call(c.get(format!("{base}/v1/projects/{r}")).bearer_auth(TOKEN)).await;
    assert_eq!(moved["organization_slug"], "kundens-org");
    // The project is no longer the agency's to hand.
    let (s, _) = call(ask(app, back)).await;
    assert_eq!(s, 403);
    let html = c.get(page).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("used, withdrawn or too old"), "{html}");
}

#[tokio::test]
async fn a_transfer_request_is_accepted_once_and_never_onto_a_taken_name() {
    let sim = sim().await;
    let (c, base) = (client(), sim.vercel_api_url());
    let team = sim.seed().vercel_team_id.clone();
    let customer = outside(&sim, json!({"provider": "vercel", "name": "kundens-team"})).await;
    let (s, p) = call(
        c.post(format!("{base}/v11/projects?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "acme-app"})),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    let pid = p["id"].as_str().unwrap().to_string();

    let path = "/projects/{idOrName}/transfer-request";
    assert_request(Spec::Vercel, "POST", path, &json!({}));
    let (s, req) = call(
        c.post(format!(
            "{base}/projects/{pid}/transfer-request?teamId={team}"
        ))
        .bearer_auth(TOKEN)
        .json(&json!({})),
    )
    .await;
    assert_eq!(s, 200, "{req}");
    assert_response(Spec::Vercel, "POST", path, 200, &req);
    let code = req["code"].as_str().unwrap().to_string();

    // The agency's token cannot accept for a team it is not in.
    let (s, _) = call(
        c.put(format!(
            "{base}/projects/transfer-request/{code}?teamId={customer}"
        ))
        .bearer_auth(TOKEN)
        .json(&json!({})),
    )
    .await;
    assert_eq!(s, 403);
    let (s, ok) = admin(&sim, &format!("vercel/kundens-team/accept/{code}")).await;
    assert_eq!(s, 202, "{ok}");
    assert_response(
        Spec::Vercel,
        "PUT",
        "/projects/transfer-request/{code}",
        202,
        &ok,
    );
    let (s, _) = call(
        c.get(format!("{base}/v9/projects/{pid}?teamId={team}"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(s, 404, "the project left the agency's team");
    let (s, twice) = admin(&sim, &format!("vercel/kundens-team/accept/{code}")).await;
    assert_eq!(s, 404, "a code used twice: {twice}");

    // A name the receiving team already has.
    for name in ["other-app", "other-app"] {
        let _ = call(
            c.post(format!("{base}/v11/projects?teamId={team}"))
                .bearer_auth(TOKEN)
                .json(&json!({"name": name})),
        )
        .await;
    }
    let (_, first) = call(
        c.post(format!(
            "{base}/projects/other-app/transfer-request?teamId={team}"
        ))
        .bearer_auth(TOKEN)
        .json(&json!({})),
    )
    .await;
    let first = first["code"].as_str().unwrap().to_string();
    assert_eq!(
        admin(&sim, &format!("vercel/kundens-team/accept/{first}"))
            .await
            .0,
        202
    );
    let (s, _) = call(
        c.post(format!("{base}/v11/projects?teamId={team}"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": "other-app"})),
    )
    .await;
    assert_eq!(s, 200);
    let (_, second) = call(
        c.post(format!(
            "{base}/projects/other-app/transfer-request?teamId={team}"
        ))
        .bearer_auth(TOKEN)
        .json(&json!({})),
    )
    .await;
    let second = second["code"].as_str().unwrap().to_string();
    let (s, taken) = admin(&sim, &format!("vercel/kundens-team/accept/{second}")).await;
    assert_eq!(s, 422, "{taken}");
    assert_eq!(taken["error"]["code"], "project_name_taken");
}

#[tokio::test]
async fn a_repository_goes_to_an_organization_at_once_and_to_a_user_when_accepted() {
    let sim = sim().await;
    let (c, gh) = (client(), sim.github_api_url());
    outside(&sim, json!({"provider": "github", "name": "kund-user"})).await;
    outside(
        &sim,
        json!({"provider": "github", "name": "closed-org", "org": true}),
    )
    .await;
    outside(
        &sim,
        json!({"provider": "github", "name": "kund-org", "org": true, "admits_agency": true}),
    )
    .await;
    for name in ["acme-app", "beta-app"] {
        let body =
            json!({"name": name, "owner": "fabrik-agency", "private": true, "description": "x"});
        let (s, v) = call(
            c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
                .bearer_auth(TOKEN)
                .json(&body),
        )
        .await;
        assert_eq!(s, 201, "{v}");
    }
    let transfer = |repo: &str, to: &str| {
        let body = json!({"new_owner": to});
        assert_request(
            Spec::Github,
            "POST",
            "/repos/{owner}/{repo}/transfer",
            &body,
        );
        c.post(format!("{gh}/repos/fabrik-agency/{repo}/transfer"))
            .bearer_auth(TOKEN)
            .json(&body)
    };

    let (s, no) = call(transfer("acme-app", "closed-org")).await;
    assert_eq!(s, 403, "no permission in the target: {no}");
    let (s, _) = call(transfer("acme-app", "nobody-at-all")).await;
    assert_eq!(s, 422);

    // To an organization the agency may create in: at once, the old name redirects.
    let (s, v) = call(transfer("acme-app", "kund-org")).await;
    assert_eq!(s, 202, "{v}");
    assert_response(
        Spec::Github,
        "POST",
        "/repos/{owner}/{repo}/transfer",
        202,
        &v,
    );
    assert_eq!(v["owner"]["login"], "fabrik-agency", "the original owner");
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (s, _) = call(
        plain
            .get(format!("{gh}/repos/fabrik-agency/acme-app"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(s, 301, "the old name redirects");
    let (s, r) = call(
        c.get(format!("{gh}/repos/kund-org/acme-app"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!((s, r["id"].clone()), (200, v["id"].clone()));

    // To a user: pending until the user accepts; a second transfer meanwhile is refused.
    let (s, _) = call(transfer("beta-app", "kund-user")).await;
    assert_eq!(s, 202);
    let (s, r) = call(
        c.get(format!("{gh}/repos/fabrik-agency/beta-app"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(
        (s, r["owner"]["login"].as_str()),
        (200, Some("fabrik-agency"))
    );
    assert_eq!(call(transfer("beta-app", "kund-org")).await.0, 422);
    let (s, _) = admin(&sim, "github/fabrik-agency/beta-app/accept").await;
    assert_eq!(s, 200);
    let (s, r) = call(
        c.get(format!("{gh}/repos/kund-user/beta-app"))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!((s, r["owner"]["login"].as_str()), (200, Some("kund-user")));

    // A name the target already has.
    let body = json!({"name": "acme-app", "owner": "fabrik-agency", "private": true});
    let (s, _) = call(
        c.post(format!("{gh}/repos/fabrik-agency/saas-template/generate"))
            .bearer_auth(TOKEN)
            .json(&body),
    )
    .await;
    assert_eq!(s, 201);
    let (s, taken) = call(transfer("acme-app", "kund-org")).await;
    assert_eq!(s, 422, "{taken}");
    assert!(taken["message"]
        .as_str()
        .unwrap()
        .contains("already exists"));
}
