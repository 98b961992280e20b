//! What a provisioning run delivers: a card per environment, the first admin in their own
//! organization, each customer's workflow on its own path, the public production address, the
//! client configuration before the first deployment.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ListingRows;

/// Sandbox and production share no run, no ledger lookup and no "email already sent": a
/// production "Provisionera" after a sandbox run starts its own run and sends its own welcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_and_production_never_share_a_run() {
    use fabrik::environment::Environment;
    let Some(secrets) = keyring("environments") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let sandbox = engine(&sim, store.clone(), secrets.clone(), FailurePolicy::Pause);
    let slug = customer(&store, "Två Miljöer AB");
    // A sandbox run that stopped half-way (paused after a permanent failure).
    fault(
        &sim,
        json!({"method": "POST", "path": "/vercel/v11/projects", "status": 400, "times": 1}),
    )
    .await;
    let (first, state) = provision(&sandbox, &slug).await;
    assert_eq!(state, RunState::Failed);
    clear_faults(&sim).await;

    let production = engine_in(
        &sim,
        store.clone(),
        secrets,
        FailurePolicy::Rollback,
        Environment::Production,
    );
    let second = production.record(&slug, &RunRequest::Provision).unwrap();
    assert_ne!(second.run_id, first.run_id, "a fresh production run");
    assert_eq!(
        store.get_run(second.run_id).unwrap().environment,
        Environment::Production
    );
    let state = production
        .drive(
            second.driver.clone().expect("this caller drives the run"),
            Events::default().sink(),
            CancellationToken::new(),
            false,
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    // The sandbox run is untouched and still resumable in the sandbox.
    assert_eq!(store.get_run(first.run_id).unwrap().state, RunState::Failed);
    let inv = inventory(&sim).await;
    assert_eq!(counts(&inv)["emails"], 1, "production sent its own welcome");
    sim.shutdown().await;
}

/// The instance card and the status are the environment's own: a sandbox run fills the
/// sandbox card, a production run the production card, and a production teardown clears
/// production's only. Before, both environments wrote one card on the customer, so a
/// production window showed (and "Avveckla" targeted) what a sandbox run had made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_environment_has_its_own_instance_card() {
    let (Some(sandbox_keys), Some(production_keys)) =
        (keyring("card-sandbox"), keyring("card-production"))
    else {
        return;
    };
    // Two clouds, as in real life: the sandbox's simulator and "production".
    let (sandbox_cloud, production_cloud) =
        (sim(Profile::Instant).await, sim(Profile::Instant).await);
    let store = store();
    let sandbox = engine(
        &sandbox_cloud,
        store.clone(),
        sandbox_keys,
        FailurePolicy::Rollback,
    );
    let slug = customer(&store, "Två Kort AB");
    let (_, state) = provision(&sandbox, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let card = |env| store.get_customer_in(&slug, env).unwrap();
    let sandbox_card = card(Environment::Sandbox);
    assert_eq!(sandbox_card.status, fabrik::customer::Status::Active);
    assert!(sandbox_card.instance.supabase_project_ref.is_some());
    assert!(sandbox_card.made_by_fabrik, "the sandbox's run made it");
    let untouched = card(Environment::Production);
    assert!(!untouched.made_by_fabrik, "nothing made in production yet");
    assert_eq!(untouched.status, fabrik::customer::Status::Pending);
    assert!(untouched.instance.is_empty(), "{:?}", untouched.instance);
    assert_eq!(untouched.environment, Environment::Production);

    let production = engine_in(
        &production_cloud,
        store.clone(),
        production_keys,
        FailurePolicy::Rollback,
        Environment::Production,
    );
    let (_, state) = provision(&production, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let production_card = card(Environment::Production);
    assert_eq!(production_card.status, fabrik::customer::Status::Active);
    assert!(production_card.instance.supabase_project_ref.is_some());
    // (Both simulators start from one seed, so the ids may coincide; the clouds do not.)
    assert_eq!(counts(&inventory(&production_cloud).await)["projects"], 1);
    assert_eq!(card(Environment::Sandbox).instance, sandbox_card.instance);

    // The register lists each environment's status.
    store.set_environment(Environment::Production);
    let query = fabrik::customer::CustomerQuery::default();
    assert_eq!(
        store.list_customers(&query).unwrap().rows[0].production_url,
        production_card.instance.production_url
    );

    // A production teardown clears production's card and leaves the sandbox's as it was.
    let state = production
        .run(
            &slug,
            &RunRequest::Teardown {
                confirmation: slug.to_string(),
            },
            Events::default().sink(),
        )
        .await
        .unwrap();
    assert_eq!(state, RunState::Succeeded);
    assert!(card(Environment::Production).instance.is_empty());
    assert!(
        !card(Environment::Production).made_by_fabrik,
        "after its teardown nothing of Fabrik's is left to tear down"
    );
    assert_eq!(
        card(Environment::Production).status,
        fabrik::customer::Status::Inactive
    );
    let after = card(Environment::Sandbox);
    assert_eq!(after.instance, sandbox_card.instance);
    assert_eq!(after.status, fabrik::customer::Status::Active);
    assert!(after.made_by_fabrik);
    assert_eq!(
        counts(&inventory(&sandbox_cloud).await),
        json!({"projects": 1, "repos": 1, "vercel_projects": 1, "workflows": 1, "emails": 1}),
        "the sandbox's instance is still there"
    );
    cleanup(&sandbox, &slug).await;
    sandbox_cloud.shutdown().await;
    production_cloud.shutdown().await;
}

/// Day one, as the customer's first admin lives it: they sign in with the e-mailed password
/// (the simulator's Auth issues the token), and with that token's claims applied the way the
/// Supabase Data API applies them (role `authenticated`, `request.jwt.claims`) they see their
/// organization and their own profile, add a contact and read it back — and another
/// organization's rows in the same database stay invisible. Before, the run wrote no
/// organization and no profile, and the template's RLS showed the admin 0 rows everywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_signs_in_and_sees_only_their_organization() {
    use base64::Engine as _;
    use fabrik::secrets::{CustomerSecret, SecretKey};

    let Some(World {
        sim,
        store,
        engine,
        slug,
        secrets,
    }) = world("first-login", "Första Inloggning AB").await
    else {
        return;
    };
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    let c = store.get_customer(&slug).unwrap();
    let project_ref = c.instance.supabase_project_ref.clone().unwrap();

    // The e-mailed one-time password, and the project's public (anon) key.
    let password = secrets
        .get(&SecretKey::Customer {
            customer: c.uid.clone(),
            which: CustomerSecret::AdminPassword,
        })
        .unwrap()
        .expect("the admin's password is kept");
    let http = reqwest::Client::new();
    let keys: serde_json::Value = http
        .get(format!(
            "{}/v1/projects/{project_ref}/api-keys?reveal=true",
            sim.supabase_api_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let anon = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "anon")
        .unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_string();
    let sign_in = |pw: String| {
        http.post(format!(
            "{}/auth/v1/token?grant_type=password",
            sim.supabase_project_url(&project_ref)
        ))
        .header("apikey", &anon)
        .json(&json!({ "email": c.admin_email, "password": pw }))
        .send()
    };
    let wrong = sign_in("fel-lösenord".into()).await.unwrap();
    assert_eq!(wrong.status(), 400);
    let session: serde_json::Value = sign_in(password.expose().to_string())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["access_token"].as_str().expect("signed in");
    assert_eq!(
        session["user"]["user_metadata"]["must_change_password"], true,
        "the one-time password must be changed at first login"
    );
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&claims).unwrap();
    assert_eq!(claims["role"], "authenticated");

    // Their first screen, through the simulator's Data API (PostgREST: the token's role and
    // claims, then RLS): exactly their organization; with the bare anon key, nothing.
    let read = |bearer: String| {
        http.get(format!(
            "{}/rest/v1/organizations",
            sim.supabase_project_url(&project_ref)
        ))
        .header("apikey", &anon)
        .bearer_auth(bearer)
        .send()
    };
    let seen: serde_json::Value = read(token.to_string()).await.unwrap().json().await.unwrap();
    assert_eq!(seen.as_array().map(Vec::len), Some(1), "{seen}");
    assert_eq!(seen[0]["name"], c.name.as_str());
    let as_anon = read(anon.clone()).await.unwrap();
    assert_eq!(
        as_anon.status(),
        401,
        "a visitor without a session may not read organizations (the template grants anon nothing)"
    );

    // The customer's database on the real PostgreSQL behind the simulator (by its exact name:
    // simulators of tests running side by side hand out the same refs).
    let db = sim
        .project_database(&project_ref)
        .expect("SQL runs on PostgreSQL");
    let mut config: tokio_postgres::Config = cluster().url().parse().unwrap();
    config.dbname(&db);
    let (mut pg, conn) = config.connect(tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    // Another tenant in the same database, written past RLS (as the agency's service would).
    pg.batch_execute(
        "insert into public.organizations (id, name, slug) values
           ('00000000-0000-4000-8000-0000000000aa', 'Annan Organisation', 'annan');
         insert into public.contacts (organization_id, first_name) values
           ('00000000-0000-4000-8000-0000000000aa', 'Hemlig');",
    )
    .await
    .unwrap();

    // As the signed-in admin, the way PostgREST runs a request.
    let tx = pg.transaction().await.unwrap();
    tx.batch_execute("set local role authenticated")
        .await
        .unwrap();
    tx.execute(
        "select set_config('request.jwt.claims', $1, true)",
        &[&claims.to_string()],
    )
    .await
    .unwrap();
    let orgs = tx
        .query("select id::text, name, plan from public.organizations", &[])
        .await
        .unwrap();
    let orgs: Vec<(String, String, String)> = orgs
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        orgs,
        [(c.uid.clone(), c.name.clone(), "pro".to_string())],
        "exactly their own organization"
    );
    let role: String = tx
        .query_one("select role from public.users where id = auth.uid()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(role, "owner");
    let hidden = tx
        .query("select first_name from public.contacts", &[])
        .await
        .unwrap();
    assert!(
        hidden.is_empty(),
        "another organization's contact is invisible"
    );
    tx.execute(
        "insert into public.contacts (organization_id, first_name, email) values ($1::text::uuid, 'Karin', 'karin@kund.se')",
        &[&c.uid],
    )
    .await
    .unwrap();
    let mine: Vec<String> = tx
        .query("select first_name from public.contacts", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(mine, ["Karin"]);
    let into_other = tx
        .execute(
            "insert into public.contacts (organization_id, first_name) values ('00000000-0000-4000-8000-0000000000aa', 'Inkräktare')",
            &[],
        )
        .await;
    assert!(
        into_other.is_err(),
        "writing into another organization is refused"
    );
    drop(tx);
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// n8n serves one active webhook per method and path. Each customer's workflow listens on its
/// own path, derived from the customer's id, so two customers' workflows are both active.
/// Before, every workflow used the template's `fabrik-events` and the second activation was
/// refused (409, as n8n does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_customers_workflows_are_both_active_on_their_own_paths() {
    let Some(secrets) = keyring("webhooks") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let mut paths = Vec::new();
    let mut slugs = Vec::new();
    for name in ["Första Flödet AB", "Andra Flödet AB"] {
        let slug = customer(&store, name);
        let (_, state) = provision(&engine, &slug).await;
        assert_eq!(state, RunState::Succeeded, "{name}");
        let c = store.get_customer(&slug).unwrap();
        let wf = engine
            .clients()
            .n8n
            .get(c.instance.n8n_workflow_id.as_deref().unwrap())
            .await
            .unwrap()
            .expect("the workflow exists");
        assert!(wf.active, "{name}'s workflow is active");
        let hook = wf
            .nodes
            .iter()
            .find(|n| n["type"] == "n8n-nodes-base.webhook")
            .unwrap();
        let path = hook["parameters"]["path"].as_str().unwrap().to_string();
        assert_eq!(path, format!("fabrik-events-{}", c.uid));
        paths.push(path);
        slugs.push(slug);
    }
    assert_ne!(paths[0], paths[1]);
    for slug in &slugs {
        cleanup(&engine, slug).await;
    }
    sim.shutdown().await;
}

/// The instance's address is its production domain, public to anyone: the run reads it from
/// the deployment's aliases, visits it anonymously, and the card, the register and the welcome
/// email carry it — never the per-deployment URL, which Deployment Protection keeps behind a
/// Vercel login (before, that URL was what the customer got, and it answered 401). A
/// production domain that answers 401 too fails the step with the way out, and rolls back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instance_address_is_the_public_production_domain() {
    let Some(World {
        sim,
        store,
        engine,
        slug,
        ..
    }) = world("production-domain", "Publik Adress AB").await
    else {
        return;
    };
    let (run, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());

    let expected = format!("https://{slug}.vercel.app");
    let c = store.get_customer(&slug).unwrap();
    assert_eq!(
        c.instance.production_url.as_deref(),
        Some(expected.as_str())
    );
    let row = store
        .list_customers(&Default::default())
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.slug == slug)
        .unwrap();
    assert_eq!(row.production_url.as_deref(), Some(expected.as_str()));
    let inv = inventory(&sim).await;
    let mail = &inv["resend"]["emails"][0];
    for body in ["text", "html"] {
        assert!(
            mail[body].as_str().unwrap().contains(&expected),
            "the email's {body} links the production domain: {mail}"
        );
    }
    let deployment_url = store
        .run_steps(run.run_id)
        .unwrap()
        .into_iter()
        .find(|s| s.key == fabrik::provision::StepKey::VercelDeploy)
        .and_then(|s| s.output)
        .unwrap()["deployment_url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !mail["text"].as_str().unwrap().contains(&deployment_url),
        "never the per-deployment URL"
    );
    // As a visitor: the production domain answers, the per-deployment URL asks for a login.
    let visit = |host: &str| {
        let url = sim.vercel_site_url_template().replace("{host}", host);
        async move { reqwest::get(url).await.unwrap().status().as_u16() }
    };
    assert_eq!(visit(&format!("{slug}.vercel.app")).await, 200);
    assert_eq!(
        visit(deployment_url.trim_start_matches("https://")).await,
        401
    );

    // A team whose protection covers production domains too: the step says so and rolls back.
    fault(
        &sim,
        json!({"method": "GET", "path": "/vercel-site/*", "status": 401}),
    )
    .await;
    let other = customer(&store, "Skyddad Adress AB");
    let (_, state, events) = provision_logged(&engine, &other).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let failed = events.first_failure();
    assert_eq!(failed["step"], "vercel.deploy");
    assert_eq!(failed["code"], "site_not_public", "{failed}");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains(&format!("https://{other}.vercel.app")),
        "{failed}"
    );
    clear_faults(&sim).await;
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}

/// `client-config.json` (the build spec's module manifest) is committed to the customer's
/// repository before the first deployment is asked for, lists the customer's modules as
/// enabled and the others as not, and a second run commits nothing again. Before, modules
/// reached the deployment only as one env var.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_config_is_committed_before_the_first_deployment() {
    use base64::Engine as _;
    let Some(secrets) = keyring("client-config") else {
        return;
    };
    let sim = sim(Profile::Instant).await;
    let store = store();
    let engine = engine(&sim, store.clone(), secrets, FailurePolicy::Rollback);
    let c = store
        .create_customer(
            fabrik::customer::CustomerDraft {
                name: "Moduler Och Mer AB".into(),
                admin_email: "admin@moduler.example.se".into(),
                plan: Some(fabrik::customer::Plan::Enterprise),
                ..Default::default()
            },
            &fabrik::customer::ModuleManifest::bundled(),
        )
        .unwrap();
    let slug = c.slug.clone();
    let (_, state, events) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());

    let log = get(&sim, "/__sim/requests").await["requests"]
        .as_array()
        .unwrap()
        .clone();
    let at = |method: &str, path: &str| {
        log.iter()
            .position(|r| r["method"] == method && r["path"].as_str().unwrap().ends_with(path))
    };
    let put = at("PUT", "/contents/client-config.json").expect("the config was committed");
    let deploy = at("POST", "/vercel/v13/deployments").expect("a deployment was made");
    assert!(put < deploy, "committed before the first deployment");

    let owner = &sim.seed().github_org;
    let file: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/repos/{owner}/{slug}/contents/client-config.json",
            sim.github_api_url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let packed: String = file["content"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .collect();
    let config: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(packed)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(config["plan"], "enterprise");
    assert_eq!(config["customer"]["id"], c.uid.as_str());
    for m in ["crm", "email", "social", "content", "accommodation"] {
        assert_eq!(config["modules"][m]["enabled"], true, "{m}: {config}");
    }

    // A second run finds the file as it should be and commits nothing.
    let (_, state, _) = provision_logged(&engine, &slug).await;
    assert_eq!(state, RunState::Succeeded);
    let puts = get(&sim, "/__sim/requests").await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "PUT")
        .count();
    assert_eq!(puts, 1, "one commit in all");
    cleanup(&engine, &slug).await;
    sim.shutdown().await;
}
