//! Revenue linked without typing an id (issue #68): the account's subscriptions, read from
//! the simulator's Stripe with their payers, the one whose payer has the customer's email
//! first, then the same name; one linked to another customer is named and refused; the link is
//! kept in the owner's setting beside the others and the card shows the subscription at once.

use super::*;
use crate::runs_api::intake::checkout;
use crate::runs_api::{sandboxed, SANDBOX};
use fabrik::billing::candidates::Match;
use fabrik::services::billing::{candidates, link};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revenue_is_linked_from_the_accounts_subscriptions_the_same_email_first() {
    let _one_at_a_time = SANDBOX.lock().await;
    let Some((s, slugs)) = sandboxed(&["Länkade Bageriet AB", "Annan Länkad AB"]).await else {
        return;
    };
    let (ours, other) = (slugs[0].clone(), slugs[1].clone());
    let email = s.api.get_customer(ours.clone()).unwrap().admin_email;
    let sub = |made: &Value| made["subscription"].as_str().unwrap().to_string();
    let stranger = sub(&checkout(
        &s,
        json!({"email": "kassa@annan.se", "name": "Någon Annan", "paid": true}),
    )
    .await);
    let named = sub(&checkout(
        &s,
        json!({"email": "ekonomi@example.se", "name": "Länkade Bageriet", "paid": true}),
    )
    .await);
    let mine = sub(&checkout(
        &s,
        json!({"email": email.to_uppercase(), "name": "Karin Dahl", "paid": true}),
    )
    .await);
    let store = s.cloud.shared_store();
    fabrik::billing::link::set(&store, &other, &stranger).unwrap();

    let list = candidates(s.cloud.clone(), ours.clone()).await.unwrap();
    let order: Vec<(&str, Match)> = list
        .iter()
        .map(|c| (c.subscription.as_str(), c.matched))
        .collect();
    assert_eq!(
        order[..2],
        [(mine.as_str(), Match::Email), (named.as_str(), Match::Name)],
        "{list:#?}"
    );
    assert_eq!(list[0].payer_name.as_deref(), Some("Karin Dahl"));
    assert!(list[0].amount.is_some_and(|a| a > 0), "{:?}", list[0]);
    let theirs = list.iter().find(|c| c.subscription == stranger).unwrap();
    assert_eq!(theirs.linked_to.as_deref(), Some("Annan Länkad AB"));

    // Another customer's subscription is refused, naming that customer; nothing is kept.
    let before = store.get_setting("usage.stripe_subscriptions").unwrap();
    let refused = link(s.cloud.clone(), ours.clone(), stranger.clone())
        .await
        .unwrap_err();
    assert!(refused.message.contains("Annan Länkad AB"), "{refused:?}");
    // One Stripe does not have is refused by Stripe's own answer.
    let unknown = link(s.cloud.clone(), ours.clone(), "sub_finnsinte".into())
        .await
        .unwrap_err();
    assert!(!unknown.message.is_empty());
    assert_eq!(
        store.get_setting("usage.stripe_subscriptions").unwrap(),
        before
    );

    // The customer's own: linked beside the other's, and on the card at once.
    let card = link(s.cloud.clone(), ours.clone(), mine.clone())
        .await
        .unwrap();
    assert_eq!(
        card.subscription.as_ref().map(|v| v.id.as_str()),
        Some(mine.as_str())
    );
    assert_eq!(
        store.get_setting("usage.stripe_subscriptions").unwrap(),
        Some(format!("{other}={stranger}, {ours}={mine}"))
    );
    let again = candidates(s.cloud.clone(), other.clone()).await.unwrap();
    let ours_now = again.iter().find(|c| c.subscription == mine).unwrap();
    assert_eq!(ours_now.linked_to.as_deref(), Some("Länkade Bageriet AB"));
}
