//! The setup guide's proof in the sandbox: what it costs is said first (Supabase's active
//! projects counted from the account), a test customer is provisioned and torn down, each
//! resource made is reported removed, and the test customer leaves the list. A proof stopped
//! between its runs continues with the teardown and touches no other customer.

use super::*;

use fabrik::api::proof::{Proof, ProofPhase, PROOF_SETTING};
use fabrik::ledger::{StepKey, StepState};
use fabrik::secrets::Provider;

fn proof(s: &Sandboxed) -> Arc<Proof> {
    Arc::new(Proof::new(s.cloud.clone(), s.runs.supervisor().clone()))
}

fn supabase_cost(plan: &fabrik::api::proof::ProofPlan) -> String {
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_stopped_between_its_runs_tears_down_its_own_customer_only() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed(&["Provad Kund AB", "Riktig Kund AB"]).await else {
        return;
    };
    let host = Arc::new(Host::default());
    let mut provision_runs = Vec::new();
    for slug in &slugs {
        let run = start_provision(&s.runs, &host, slug).await;
        assert_eq!(host.finished(run).await, RunState::Succeeded);
        settled(&s.runs, slug).await;
        provision_runs.push(run);
    }
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
