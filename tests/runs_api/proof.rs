//! The setup guide's proof in the sandbox: what it costs is said first (Supabase's active
//! projects counted from the account), a test customer is provisioned and torn down, each
//! resource made is reported removed, and the test customer leaves the list. A proof stopped
//! between its runs continues with the teardown and touches no other customer.

use super::*;
use fabrik::customer::rows::CustomerRows;
use fabrik::customer::rows::ProofRows;

use fabrik::ledger::{StepKey, StepState};
use fabrik::secrets::Provider;
use fabrik::setup::test_customer::{Proof, ProofPhase, PROOF_SETTING};

fn proof(s: &Sandboxed) -> Arc<Proof> {
    Arc::new(Proof::new(s.cloud.clone(), s.runs.supervisor().clone()))
}

fn supabase_cost(plan: &fabrik::setup::test_customer::ProofPlan) -> String {
    plan.items
        .iter()
        .find(|i| i.provider == Provider::Supabase)
        .map(|i| i.cost.sv.clone())
        .unwrap()
}

/// Whether the customer is in the list (an archived one keeps its runs but leaves it).
fn listed(s: &Sandboxed, slug: &str) -> bool {
    s.api
        .list_customers(Default::default())
        .unwrap()
        .rows
        .iter()
        .any(|r| r.slug == slug)
}

/// The Supabase project a provisioning run made (its ref, from the ledger).
fn project_ref(s: &Sandboxed, run: i64) -> String {
    s.api
        .store()
        .run_steps(run)
        .unwrap()
        .into_iter()
        .find(|st| st.key == StepKey::SupabaseProject)
        .and_then(|st| st.external_id)
        .unwrap()
}

/// Whether the sandbox's Supabase still has the project, and not on its way out.
async fn project_stands(s: &Sandboxed, project: &str) -> bool {
    let engine = s.runs.supervisor().engine().unwrap();
    match engine.clients().supabase.get_project(project).await {
        Ok(p) => !matches!(p.status.as_str(), "REMOVED" | "GOING_DOWN"),
        Err(_) => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_proof_makes_a_test_customer_and_removes_every_resource_it_made() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, _)) = sandboxed(&[]).await else {
        return;
    };
    let p = proof(&s);
    assert_eq!(p.report().await.unwrap().phase, ProofPhase::NotStarted);
    let plan = p.plan().await.unwrap();
    assert!(plan.caveats.is_empty(), "{:?}", plan.caveats);
    assert!(
        supabase_cost(&plan).contains("har 0 aktiva nu"),
        "{}",
        supabase_cost(&plan)
    );
    let providers: Vec<Provider> = plan.items.iter().map(|i| i.provider).collect();
    assert_eq!(
        providers,
        [
            Provider::Supabase,
            Provider::Github,
            Provider::Vercel,
            Provider::N8n,
            Provider::Resend,
            Provider::Gitea
        ]
    );

    let host = Arc::new(Host::default());
    let report = p.run(host.clone()).await.unwrap();
    assert_eq!(report.phase, ProofPhase::Done, "{report:?}");
    let slug = report.slug.clone().unwrap();
    let made: Vec<StepKey> = report.made.iter().map(|r| r.step).collect();
    for step in [
        StepKey::SupabaseProject,
        StepKey::GithubRepo,
        StepKey::VercelProject,
        StepKey::N8nWorkflow,
    ] {
        assert!(made.contains(&step), "{step:?} not made: {report:?}");
    }
    for r in &report.made {
        assert!(
            report
                .removed
                .iter()
                .any(|x| x.id == r.id && x.state == StepState::Compensated),
            "{} ({:?}) not removed: {report:?}",
            r.id,
            r.step
        );
    }
    assert!(report.seconds.is_some_and(|s| s >= 0));
    // The test customer is gone from the list; its runs stay in the history.
    assert!(!listed(&s, &slug));
    let project = project_ref(&s, report.provision_run.unwrap());
    assert!(report.made.iter().any(|r| r.id == project));
    assert!(!project_stands(&s, &project).await);
    // The report stays until another proof starts.
    assert_eq!(p.report().await.unwrap().phase, ProofPhase::Done);
    assert!(supabase_cost(&p.plan().await.unwrap()).contains("har 0 aktiva nu"));
    // "Prova igen": a new test customer, not the finished one torn down again.
    let again = p.run(host.clone()).await.unwrap();
    assert_eq!(again.phase, ProofPhase::Done, "{again:?}");
    assert_ne!(again.slug, report.slug);
    assert_ne!(again.provision_run, report.provision_run);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_stopped_between_its_runs_tears_down_its_own_customer_only() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed(&["Provad Kund AB", "Riktig Kund AB"]).await else {
        return;
    };
    // The first is the proof's test customer, marked so when it was made (as the proof's start
    // makes it); the second a real customer.
    let first = s.api.store().get_customer(&slugs[0]).unwrap().id;
    assert!(s.api.store().mark_proof_customer(first).unwrap());
    let host = Arc::new(Host::default());
    let sim = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    common::api(
        reqwest::Method::DELETE,
        format!("{sim}/__sim/requests"),
        None,
    )
    .await;
    let mut provision_runs = Vec::new();
    for slug in &slugs {
        let run = start_provision(&s.runs, &host, slug).await;
        assert_eq!(host.finished(run).await, RunState::Succeeded);
        settled(&s.runs, slug).await;
        provision_runs.push(run);
    }
    // What provisioning spends of the plan limits is what its steps declare (the previews of
    // bulk runs count on it): the simulator's request log, counted.
    let log = common::api(reqwest::Method::GET, format!("{sim}/__sim/requests"), None).await;
    let log = log["requests"].as_array().unwrap();
    let count = |method: &str, path: &dyn Fn(&str) -> bool| {
        log.iter()
            .filter(|r| {
                let m = r["method"].as_str().unwrap();
                (method == "WRITE" && m != "GET" && m != "HEAD" || m == method)
                    && path(r["path"].as_str().unwrap())
                    && r["status"].as_u64().unwrap() < 300
            })
            .count() as u32
    };
    let spent = fabrik::provision::Spends {
        supabase_projects: count("POST", &|p| p.ends_with("/v1/projects")),
        github_writes: count("WRITE", &|p| p.starts_with("/github/")),
        vercel_projects: count("POST", &|p| {
            p.starts_with("/vercel/") && p.ends_with("/projects")
        }),
        vercel_deployments: count("POST", &|p| {
            p.starts_with("/vercel/") && p.ends_with("/deployments")
        }),
        emails: count("POST", &|p| {
            p.starts_with("/resend/") && p.ends_with("/emails")
        }),
    };
    assert_eq!(
        spent,
        fabrik::provision::Spends::of_kind(RunKind::Provision).times(2)
    );

    // What the accounts have left, as Inställningar shows it: the free plan's two projects
    // taken, two of Hobby's 200 Vercel projects, GitHub's content writes of this hour counted.
    let left = fabrik::setup::accounts_left::accounts_left(&s.cloud)
        .await
        .unwrap();
    let plan = |p: Provider| left.plan.iter().find(|l| l.provider == p).unwrap();
    assert_eq!(
        (
            plan(Provider::Supabase).used,
            plan(Provider::Supabase).limit
        ),
        (Some(2), Some(2))
    );
    assert_eq!(plan(Provider::Supabase).room(), Some(0));
    assert_eq!(plan(Provider::Vercel).used, Some(2));
    assert_eq!(plan(Provider::Vercel).limit, Some(200));
    assert!(plan(Provider::Github).used.unwrap() >= 2, "{left:?}");
    assert!(left
        .rates
        .providers
        .iter()
        .any(|p| p.provider == Provider::Vercel && !p.rates.is_empty()));

    let p = proof(&s);
    // Two active projects: the free plan's limit is named before anything starts.
    let plan = p.plan().await.unwrap();
    assert_eq!(plan.caveats.len(), 1, "{:?}", plan.caveats);
    assert!(plan.caveats[0].sv.contains("har redan 2 aktiva projekt"));

    // The window closed after the proof's provisioning ended: the seat kept where it was.
    s.cloud
        .seat
        .set(
            PROOF_SETTING,
            &format!("{} {} 0", slugs[0], provision_runs[0]),
        )
        .unwrap();
    let stopped = p.report().await.unwrap();
    assert_eq!(stopped.phase, ProofPhase::Stopped);
    assert_eq!(stopped.slug.as_deref(), Some(slugs[0].as_str()));

    let report = p.run(host.clone()).await.unwrap();
    assert_eq!(report.phase, ProofPhase::Done, "{report:?}");
    assert_eq!(
        report.provision_run,
        Some(provision_runs[0]),
        "not provisioned again"
    );
    assert!(!report.made.is_empty());
    assert!(!listed(&s, &slugs[0]));
    assert!(!project_stands(&s, &project_ref(&s, provision_runs[0])).await);
    // The other customer is as it was.
    let other = s.api.get_customer(slugs[1].clone()).unwrap();
    assert_eq!(other.status, fabrik::customer::Status::Active);
    assert!(project_stands(&s, &project_ref(&s, provision_runs[1])).await);
}

/// Issue #55: "Prova igen" continues the proof its seat keeps in `setup.proof` (the test
/// customer's slug and its runs) and tears that customer down. A real customer's slug written
/// there, with its own provisioning run, was torn down as the proof's. Now the proof tears down
/// only the test customer it made (marked so in the register when it made it): the real one is
/// refused by name with the way out, nothing of it is touched, and the value is forgotten so
/// that the next start is a new proof.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_customer_in_the_proofs_value_is_refused_not_torn_down() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed(&["Verklig Kund AB"]).await else {
        return;
    };
    let host = Arc::new(Host::default());
    let slug = slugs[0].clone();
    let run = start_provision(&s.runs, &host, &slug).await;
    assert_eq!(host.finished(run).await, RunState::Succeeded);
    settled(&s.runs, &slug).await;
    let sim = s.cloud.sandbox.as_ref().unwrap().base_url().to_string();
    // What stands at the providers: each resource made, and how it stands.
    let inventory = || async {
        let inv = common::api(reqwest::Method::GET, format!("{sim}/__sim/inventory"), None).await;
        let each = |list: &serde_json::Value, fields: &[&str]| -> Vec<String> {
            list.as_array()
                .into_iter()
                .flatten()
                .map(|x| fields.iter().map(|f| x[*f].to_string()).collect())
                .collect()
        };
        (
            inv["total_created_resources"].clone(),
            each(&inv["supabase"]["projects"], &["ref", "status"]),
            each(&inv["github"]["repos"], &["full_name", "branches"]),
            each(&inv["vercel"]["projects"], &["id", "name"]),
            each(&inv["n8n"]["workflows"], &["id", "active"]),
            each(&inv["resend"]["api_keys"], &["id"]),
        )
    };
    let before = inventory().await;
    let runs_before = s.api.store().list_runs(None, 100).unwrap().len();

    let p = proof(&s);
    for kept in [format!("{slug} {run} 0"), format!("{slug} 0 0")] {
        s.cloud.seat.set(PROOF_SETTING, &kept).unwrap();
        let refused = p.run(host.clone()).await.map(|r| r.phase).unwrap_err();
        assert!(
            refused.message.contains(&slug) && refused.message.contains("setup.proof"),
            "{kept}: {}",
            refused.message
        );
        assert_eq!(s.cloud.seat.get(PROOF_SETTING), None, "forgotten");
        assert_eq!(p.report().await.unwrap().phase, ProofPhase::NotStarted);
    }
    assert_eq!(
        s.api.store().list_runs(None, 100).unwrap().len(),
        runs_before,
        "no run started"
    );
    assert_eq!(
        inventory().await,
        before,
        "nothing touched at the providers"
    );
    let c = s.api.get_customer(slug.clone()).unwrap();
    assert_eq!(c.status, fabrik::customer::Status::Active);
    assert!(project_stands(&s, &project_ref(&s, run)).await);
}
