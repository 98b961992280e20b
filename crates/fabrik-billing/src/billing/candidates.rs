//! Linking a customer's revenue without typing an id (issue #68): the Stripe subscriptions the
//! account has, each with its payer's name and email, the ones that match the customer (the
//! same email, else the same name) first. A person picks one; `link::set` keeps it as the
//! owner's link, the same setting a script writes.

use std::collections::HashMap;

use serde::Serialize;
use ts_rs::TS;

use crate::providers::stripe::{Status, Subscription};
use crate::vocabulary::vocabulary;

/// At most this many are offered: the matches, then the newest others.
pub const AT_MOST: usize = 25;

vocabulary!(
    /// Why a subscription is offered first.
    pub enum Match {
        /// The payer's email is the customer's administrator's or contact's.
        Email => "email",
        /// The payer's name is the customer's.
        Name => "name",
        /// Nothing in common: offered after the matches, newest first.
        None => "none",
    }
);

/// One subscription a person may link the customer to. The id is what the link keeps; the
/// window shows the payer, the price and the state.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Candidate {
    pub subscription: String,
    pub payer_name: Option<String>,
    pub payer_email: Option<String>,
    pub status: String,
    /// In the currency's smallest unit.
    #[ts(type = "number | null")]
    pub amount: Option<i64>,
    pub currency: Option<String>,
    pub interval: Option<String>,
    pub matched: Match,
    /// Another customer this one is linked to already (its name): linking moves nothing.
    pub linked_to: Option<String>,
}

/// Lower-cased, letters and digits only, the company form left out ("Åsa's Bageri AB" and
/// "åsas bageri" match).
fn plain(name: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| {
            !w.is_empty()
                && !matches!(
                    w.as_str(),
                    "ab" | "hb" | "kb" | "inc" | "ltd" | "llc" | "aps" | "as" | "oy"
                )
        })
        .collect();
    words.join(" ")
}

/// The customer as the register knows them: its name and its administrator's email.
#[derive(Debug, Clone, Copy)]
pub struct Whom<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

fn matches(whom: Whom<'_>, s: &Subscription) -> Match {
    let same_email = s.customer_email.as_deref().is_some_and(|e| {
        !whom.email.trim().is_empty() && whom.email.trim().eq_ignore_ascii_case(e.trim())
    });
    if same_email {
        return Match::Email;
    }
    let same_name = s
        .customer_name
        .as_deref()
        .is_some_and(|n| !plain(n).is_empty() && plain(n) == plain(whom.name));
    if same_name {
        Match::Name
    } else {
        Match::None
    }
}

/// The subscriptions to offer `customer`, the matches first (by email, then name), each group
/// newest first as Stripe lists them; ended ones left out. `linked`: subscription id → the
/// name of the customer already linked to it.
pub fn rank(
    whom: Whom<'_>,
    subs: &[Subscription],
    linked: &HashMap<String, String>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = subs
        .iter()
        .filter(|s| !matches!(s.status, Status::Canceled | Status::IncompleteExpired))
        .map(|s| Candidate {
            subscription: s.id.clone(),
            payer_name: s.customer_name.clone(),
            payer_email: s.customer_email.clone(),
            status: s.status.as_str().to_string(),
            amount: s.amount,
            currency: s.currency.clone(),
            interval: s.interval.clone(),
            matched: matches(whom, s),
            linked_to: linked.get(&s.id).filter(|n| **n != whom.name).cloned(),
        })
        .collect();
    // A stable sort: within a group, Stripe's order (newest first) stays.
    out.sort_by_key(|c| match c.matched {
        Match::Email => 0,
        Match::Name => 1,
        Match::None => 2,
    });
    out.truncate(AT_MOST);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::stripe::parse_subscription;
    use serde_json::json;

    fn sub(id: &str, status: &str, name: &str, email: &str) -> Subscription {
        parse_subscription(&json!({"id": id, "status": status,
            "customer": {"id": "cus_x", "object": "customer", "name": name, "email": email},
            "items": {"data": [{"price": {"id": "price_1", "unit_amount": 49900, "currency": "sek",
                "recurring": {"interval": "month"}}}]}}))
        .unwrap()
    }

    const ASA: Whom<'static> = Whom {
        name: "Åsa's Bageri & Café AB",
        email: "kontor@bageri.se",
    };

    #[test]
    fn the_same_email_then_the_same_name_come_first_and_ended_ones_not_at_all() {
        let subs = [
            sub("sub_new", "active", "Någon Annan AB", "annan@example.se"),
            sub("sub_name", "active", "Åsas Bageri Café", "okand@example.se"),
            sub(
                "sub_gone",
                "canceled",
                "Åsa's Bageri & Café AB",
                "kontor@bageri.se",
            ),
            sub("sub_mail", "past_due", "Bageriet", "KONTOR@bageri.se "),
        ];
        let linked = HashMap::from([("sub_new".to_string(), "Någon Annan AB".to_string())]);
        let got = rank(ASA, &subs, &linked);
        let order: Vec<(&str, Match)> = got
            .iter()
            .map(|c| (c.subscription.as_str(), c.matched))
            .collect();
        assert_eq!(
            order,
            [
                ("sub_mail", Match::Email),
                ("sub_name", Match::Name),
                ("sub_new", Match::None)
            ]
        );
        assert_eq!(got[2].linked_to.as_deref(), Some("Någon Annan AB"));
        assert_eq!(got[0].amount, Some(49900));
        assert_eq!(got[0].payer_name.as_deref(), Some("Bageriet"));
    }
}
