use super::*;
use crate::overview::{Glance, Place, Urgency};

fn item(kind: AttentionKind, subject: &str) -> Attention {
    Attention {
        kind,
        urgency: Urgency::Now,
        key: format!("{}:{subject}", kind.as_str()),
        slug: Some(subject.to_string()),
        name: Some(format!("Kund {subject}")),
        title: Text::new(
            format!("{subject} på svenska"),
            format!("{subject} in English"),
        ),
        detail: None,
        since: None,
        place: Place::Customer,
        id: None,
        url: None,
        command: String::new(),
    }
}

fn overview(items: Vec<Attention>) -> Overview {
    Overview {
        environment: crate::environment::Environment::Sandbox,
        items,
        glance: Glance::default(),
    }
}

/// A seat that has looked once (with nothing listed): what follows is said one by one.
fn looked() -> Notices {
    let n = Notices::in_memory();
    assert!(n.due(&overview(vec![]), false).is_empty());
    n
}

#[test]
fn each_thing_is_said_once_while_it_lasts_and_again_when_it_comes_back() {
    let n = looked();
    let failed = item(AttentionKind::RunFailed, "acme");
    let said = n.due(&overview(vec![failed.clone()]), false);
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].title, "acme på svenska");
    assert_eq!(said[0].body, "Klicka för att öppna.");
    assert_eq!(said[0].item.as_ref().map(|i| &i.key), Some(&failed.key));
    // Still listed: not said again.
    assert!(n.due(&overview(vec![failed.clone()]), false).is_empty());
    // Gone, then back: a new episode.
    assert!(n.due(&overview(vec![]), false).is_empty());
    assert_eq!(
        n.due(&overview(vec![failed]), true)[0].title,
        "acme in English"
    );
}

#[test]
fn a_kind_turned_off_is_not_said_nor_said_late_when_turned_on() {
    let n = looked();
    n.set(AttentionKind::Health, false).unwrap();
    let health = item(AttentionKind::Health, "acme");
    assert!(n.due(&overview(vec![health.clone()]), false).is_empty());
    n.set(AttentionKind::Health, true).unwrap();
    assert!(n.due(&overview(vec![health.clone()]), false).is_empty());
    let other = item(AttentionKind::Health, "bageri");
    assert_eq!(n.due(&overview(vec![health, other]), false).len(), 1);
    assert!(n.settings().iter().all(|s| s.on));
}

#[test]
fn kinds_that_wait_on_the_overview_are_never_said_and_cannot_be_turned_on() {
    let n = looked();
    let conflict = item(AttentionKind::TemplateConflict, "acme");
    assert!(n.due(&overview(vec![conflict]), false).is_empty());
    let e = n.set(AttentionKind::BackupOverdue, true).unwrap_err();
    assert!(e.to_string().contains("backup_overdue"), "{e}");
}

#[test]
fn many_at_once_are_one_notification_that_opens_the_overview() {
    let n = looked();
    let many: Vec<Attention> = ["a", "b", "c", "d"]
        .iter()
        .map(|s| item(AttentionKind::RequestWaiting, s))
        .collect();
    let said = n.due(&overview(many.clone()), false);
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].title, "4 saker behöver dig");
    assert_eq!(said[0].item, None);
    assert!(n.due(&overview(many), false).is_empty());
}

#[test]
fn the_first_look_says_what_waits_in_one_line() {
    let n = Notices::in_memory();
    let two = vec![
        item(AttentionKind::RunFailed, "a"),
        item(AttentionKind::PaymentFailed, "b"),
    ];
    let said = n.due(&overview(two), true);
    assert_eq!(said.len(), 1);
    assert_eq!(said[0].title, "2 things need you");
}

#[test]
fn what_was_said_and_turned_off_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let failed = item(AttentionKind::RunFailed, "acme");
    {
        let n = Notices::open(dir.path());
        assert_eq!(n.due(&overview(vec![failed.clone()]), false).len(), 1);
        n.set(AttentionKind::LimitNear, false).unwrap();
    }
    let n = Notices::open(dir.path());
    assert!(n.due(&overview(vec![failed]), false).is_empty());
    let limit = n.settings();
    assert!(limit
        .iter()
        .any(|s| s.kind == AttentionKind::LimitNear && !s.on));
}
