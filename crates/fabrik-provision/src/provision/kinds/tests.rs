//! Each kind's declaration against the ledger's words, and what the ledger keeps of a request.

use serde_json::json;

use super::*;

/// A request of every kind, with input where the kind needs it.
fn every_request() -> Vec<RunRequest> {
    RunKind::ALL
        .iter()
        .map(|kind| {
            RunRequest::without_input(*kind).unwrap_or_else(|| match kind {
                RunKind::Teardown => RunRequest::Teardown {
                    confirmation: "kund".into(),
                },
                RunKind::DomainAdd => RunRequest::DomainAdd {
                    domain: "kund.se".into(),
                },
                RunKind::DomainRemove => RunRequest::DomainRemove {
                    domain: "kund.se".into(),
                    confirmation: "kund.se".into(),
                },
                RunKind::Migrate => RunRequest::Migrate { rollout: 1 },
                RunKind::TemplateSync => RunRequest::TemplateSync { rollout: 1 },
                RunKind::WorkflowRestore => RunRequest::WorkflowRestore { version: 1 },
                RunKind::Promote => RunRequest::Promote {
                    deployment: "dpl_1".into(),
                },
                RunKind::Restore => RunRequest::Restore {
                    backup: 1,
                    confirmation: "kund".into(),
                },
                RunKind::Recover => RunRequest::Recover {
                    target: 1,
                    confirmation: "kund".into(),
                },
                RunKind::Handover => RunRequest::Handover {
                    to_github: "kund-gh".into(),
                    to_vercel_team: "kund-team".into(),
                    to_supabase_org: "kund-org".into(),
                    letter_to: None,
                    confirmation: "kund".into(),
                },
                RunKind::Import => RunRequest::Import {
                    archive: "/tmp/kund.fbk".into(),
                    confirmation: "kund".into(),
                },
                other => panic!("{other} needs input this test does not know"),
            })
        })
        .collect()
}

#[test]
fn every_kind_is_declared_once_in_run_kind_order() {
    let kinds: Vec<RunKind> = all().map(|k| k.kind).collect();
    assert_eq!(kinds, RunKind::ALL);
}

#[test]
fn a_request_names_its_kind_as_the_ledger_does() {
    for request in every_request() {
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["kind"], request.kind().as_str(), "{json}");
    }
}

#[test]
fn the_ledger_keeps_the_request_and_reads_it_back() {
    for request in every_request() {
        let kind = request.kind();
        let checked = request.checked("kund").unwrap();
        let stored = checked.to_stored();
        assert!(stored.get("confirmation").is_none(), "{stored}");
        let read = RunRequest::from_stored(kind, Some(&stored)).unwrap();
        assert_eq!(read.to_stored(), stored);
        assert!(checked.asks_as(kind, Some(&stored)));
    }
}

#[test]
fn input_stored_before_it_was_the_request_still_reads() {
    let old = [
        (
            RunKind::DomainAdd,
            Some(json!({ "domain": "kund.se" })),
            RunRequest::DomainAdd {
                domain: "kund.se".into(),
            },
        ),
        (
            RunKind::Repair,
            Some(json!({ "steps": ["vercel.env", "vercel.redeploy"] })),
            RunRequest::Repair,
        ),
        (RunKind::Provision, None, RunRequest::Provision),
        (
            RunKind::Migrate,
            Some(json!({ "rollout": 7 })),
            RunRequest::Migrate { rollout: 7 },
        ),
        (
            RunKind::Backup,
            Some(json!({ "scheduled": true })),
            RunRequest::Backup {
                scheduled: Some(true),
            },
        ),
        (
            RunKind::WorkflowBackup,
            Some(json!({ "provisioned": true })),
            RunRequest::WorkflowBackup {
                scheduled: None,
                provisioned: Some(true),
            },
        ),
        (
            RunKind::WorkflowRestore,
            Some(json!({ "version": 3, "workflow": null })),
            RunRequest::WorkflowRestore { version: 3 },
        ),
        (
            RunKind::Promote,
            Some(json!({ "deployment": "dpl_1" })),
            RunRequest::Promote {
                deployment: "dpl_1".into(),
            },
        ),
        (
            RunKind::Restore,
            Some(json!({ "backup": 5 })),
            RunRequest::Restore {
                backup: 5,
                confirmation: String::new(),
            },
        ),
        (
            RunKind::Recover,
            Some(json!({ "recover_to": 1700000000 })),
            RunRequest::Recover {
                target: 1_700_000_000,
                confirmation: String::new(),
            },
        ),
        (
            RunKind::Teardown,
            None,
            RunRequest::Teardown {
                confirmation: String::new(),
            },
        ),
    ];
    for (kind, stored, request) in old {
        assert_eq!(
            RunRequest::from_stored(kind, stored.as_ref()),
            Some(request.clone()),
            "{kind}"
        );
        assert!(request.asks_as(kind, stored.as_ref()), "{kind}");
    }
    // Another kind's input, or JSON this Fabrik does not know, is not guessed at.
    let domain = json!({ "domain": "kund.se" });
    assert_eq!(
        RunRequest::from_stored(RunKind::Migrate, Some(&domain)),
        None
    );
    assert_eq!(
        RunRequest::from_stored(RunKind::DomainAdd, Some(&json!(["x"]))),
        None
    );
}

#[test]
fn a_kind_needs_input_exactly_when_its_request_has_a_required_field() {
    let needs: Vec<RunKind> = RunKind::ALL
        .iter()
        .copied()
        .filter(|k| RunRequest::without_input(*k).is_none())
        .collect();
    assert_eq!(
        needs,
        [
            RunKind::Teardown,
            RunKind::DomainAdd,
            RunKind::DomainRemove,
            RunKind::Migrate,
            RunKind::Restore,
            RunKind::TemplateSync,
            RunKind::WorkflowRestore,
            RunKind::Promote,
            RunKind::Recover,
            RunKind::Handover,
            RunKind::Import,
        ]
    );
}

#[test]
fn bad_input_is_refused_before_anything_is_written() {
    let teardown = RunRequest::Teardown {
        confirmation: "annan".into(),
    };
    assert_eq!(
        teardown.checked("kund").unwrap_err().code().as_str(),
        "not_confirmed"
    );
    let domain = RunRequest::DomainAdd {
        domain: "inte en domän".into(),
    };
    assert_eq!(
        domain.checked("kund").unwrap_err().code().as_str(),
        "validation"
    );
    let promote = RunRequest::Promote {
        deployment: "  ".into(),
    };
    assert_eq!(
        promote.checked("kund").unwrap_err().code().as_str(),
        "validation"
    );
    let both = RunRequest::WorkflowBackup {
        scheduled: Some(true),
        provisioned: Some(true),
    };
    assert_eq!(
        both.checked("kund").unwrap(),
        RunRequest::WorkflowBackup {
            scheduled: Some(true),
            provisioned: None
        }
    );
}

#[test]
fn every_refusal_says_something_in_both_languages() {
    for k in all() {
        for s in Status::ALL {
            let t = k.refusal(*s);
            assert!(!t.sv.is_empty() && !t.en.is_empty());
        }
    }
    assert_eq!(
        def(RunKind::Pause).refusal(Status::Inactive),
        Say::AlreadyPaused.text()
    );
    assert_eq!(
        def(RunKind::Resume).refusal(Status::Active),
        Say::AlreadyRunning.text()
    );
    assert_eq!(
        def(RunKind::Redeploy).refusal(Status::Inactive),
        Say::PausedResumeFirst.text()
    );
}
