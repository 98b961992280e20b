//! Custom domains as runs: added, verified, made production and taken off; one added by hand is
//! never removed; one whose site fails is taken off again.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_goes_from_added_to_verified_to_production_and_off_again() {
    let Some(w) = delivered("d2-domain", "Egen Domän AB").await else {
        return;
    };
    // A bad name never becomes a run.
    let bad = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainAdd {
                domain: "https://kund.byran.se/".into(),
            },
        )
        .unwrap_err();
    assert_eq!(bad.code().as_str(), "validation");
    assert!(w
        .store
        .list_runs(None, 10)
        .unwrap()
        .iter()
        .all(|r| r.kind == RunKind::Provision));

    let domain = "egen.byran.example.se";
    let start = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainAdd {
                domain: "Egen.Byran.Example.SE".into(),
            },
        )
        .unwrap();
    let run = start.run_id;
    let events = Events::default();
    let driving = w.engine.drive(
        start.driver.unwrap(),
        events.sink(),
        CancellationToken::new(),
        false,
    );
    let customer_side = async {
        // It waits for DNS, saying which record to set.
        let mut waited = 0;
        while step_state(&w, run, StepKey::VercelDomainVerify).await
            != fabrik::provision::StepState::Waiting
        {
            waited += 1;
            assert!(waited < 200, "{}", events.json());
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        let listed = w.engine.reader().domains(&w.slug).await.unwrap();
        assert_eq!(listed.len(), 1);
        let d = &listed[0];
        assert_eq!(d.domain, domain);
        assert!(!d.verified && !d.production && d.added_by_fabrik);
        let kinds: Vec<&str> = d.records.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(kinds, ["TXT", "CNAME"], "{:?}", d.records);
        let waiting = w
            .store
            .run_steps(run)
            .unwrap()
            .into_iter()
            .find(|s| s.key == StepKey::VercelDomainVerify)
            .unwrap()
            .waiting_for
            .unwrap();
        assert!(waiting.sv.contains("TXT _vercel."), "{}", waiting.sv);
        // The customer sets the records; Vercel verifies; production moves to the domain.
        let r = reqwest::Client::new()
            .post(format!(
                "{}/__sim/vercel/domains/{domain}/verifiable",
                w.sim.base_url()
            ))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    };
    let (state, ()) = tokio::join!(driving, customer_side);
    let state = state.unwrap();
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        customer(&w).instance.production_url.as_deref(),
        Some(format!("https://{domain}").as_str())
    );
    let d = &w.engine.reader().domains(&w.slug).await.unwrap()[0];
    assert!(d.verified && d.configured && d.production && d.records.is_empty());
    let h = w.engine.reader().check_health(&w.slug).await.unwrap();
    assert!(h.healthy, "{:#?}", h.findings);
    assert_eq!(h.site.unwrap().url, format!("https://{domain}"));

    // Off again: production goes back to the project's own address first.
    let start = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainRemove {
                domain: domain.into(),
                confirmation: domain.into(),
            },
        )
        .unwrap();
    let (state, events) = drive(&w, start).await;
    assert_eq!(state, RunState::Succeeded, "{}", events.json());
    assert_eq!(
        customer(&w).instance.production_url.as_deref(),
        Some(format!("https://{}.vercel.app", w.slug).as_str())
    );
    assert!(w.engine.reader().domains(&w.slug).await.unwrap().is_empty());
    done(w).await;
}

#[tokio::test]
async fn a_domain_added_by_hand_is_never_removed() {
    let Some(w) = delivered("d2-domain-hand", "Handlagd Domän AB").await else {
        return;
    };
    let domain = "handlagd.example.se";
    let project = customer(&w).instance.vercel_project_id.unwrap();
    api(
        Method::POST,
        vercel_url(&w.sim, &format!("/v10/projects/{project}/domains")),
        Some(json!({ "name": domain })),
    )
    .await;
    let listed = w.engine.reader().domains(&w.slug).await.unwrap();
    assert!(!listed[0].added_by_fabrik);

    let start = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainRemove {
                domain: domain.into(),
                confirmation: domain.into(),
            },
        )
        .unwrap();
    let (state, events) = drive(&w, start).await;
    assert_eq!(state, RunState::RolledBack, "{}", events.json());
    let failure = events.first_failure();
    assert_eq!(failure["step"], "vercel.domain_remove");
    assert_eq!(failure["code"], "domain_not_added");
    let message = failure["message"].as_str().unwrap_or_default().to_string();
    assert!(
        message.contains(domain) && message.contains("Settings → Domains"),
        "names the domain and the way out: {failure}"
    );
    // Nor adopted by an add: the same refusal.
    let start = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainAdd {
                domain: domain.into(),
            },
        )
        .unwrap();
    let (state, _) = drive(&w, start).await;
    assert_eq!(state, RunState::RolledBack);
    assert_eq!(
        w.engine.reader().domains(&w.slug).await.unwrap().len(),
        1,
        "still there"
    );
    done(w).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_whose_site_fails_is_taken_off_again() {
    let Some(w) = delivered("d2-domain-fail", "Domän Faller AB").await else {
        return;
    };
    let domain = "faller.byran.example.se";
    let before = customer(&w).instance.production_url;
    // The DNS is set before the run asks, so it verifies at once; the site on it then asks
    // for a login (Deployment Protection), which a run cannot wait out.
    let project = customer(&w).instance.vercel_project_id.unwrap();
    let start = w
        .engine
        .record(
            &w.slug,
            &RunRequest::DomainAdd {
                domain: domain.into(),
            },
        )
        .unwrap();
    fault(
        &w.sim,
        json!({"method": "GET", "path": format!("/vercel-site/{domain}"), "status": 401}),
    )
    .await;
    let events = Events::default();
    let driving = w.engine.drive(
        start.driver.unwrap(),
        events.sink(),
        CancellationToken::new(),
        false,
    );
    let dns = async {
        loop {
            let listed = api(
                Method::GET,
                vercel_url(&w.sim, &format!("/v9/projects/{project}/domains")),
                None,
            )
            .await;
            if listed["domains"].as_array().is_some_and(|d| !d.is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        reqwest::Client::new()
            .post(format!(
                "{}/__sim/vercel/domains/{domain}/verifiable",
                w.sim.base_url()
            ))
            .send()
            .await
            .unwrap();
    };
    let (state, ()) = tokio::join!(driving, dns);
    clear_faults(&w.sim).await;
    assert_eq!(state.unwrap(), RunState::RolledBack, "{}", events.json());
    assert_eq!(events.first_failure()["step"], "vercel.domain_production");
    assert_eq!(customer(&w).instance.production_url, before);
    assert!(
        w.engine.reader().domains(&w.slug).await.unwrap().is_empty(),
        "taken off the project"
    );
    done(w).await;
}
