//! Which Stripe subscription is a customer's: the owner's own link first (a setting), then
//! the inbox's (a Stripe request approved into the customer). The one place usage, the
//! subscription beside the instance and the drift between billing and the fleet ask.

use std::collections::HashMap;

use crate::customer::rows::CustomerRows;
use crate::error::Result;
use crate::requests::IntakeRows;
use crate::requests::IntakeSource;
use crate::store::Store;

/// The setting: the owner's own links of customers to Stripe, `slug=sub_…` (a subscription)
/// or `slug=cus_…` (a Stripe customer: its newest subscription that is not canceled), separated
/// by commas or spaces. Before the inbox's link (a request Stripe sent).
pub const SUBSCRIPTIONS_SETTING: &str = "usage.stripe_subscriptions";

/// The Stripe subscription of each customer, by customer id: the owner's setting first, then
/// the inbox's link (a Stripe request approved into the customer). A checkout without a
/// subscription (`cs_…`) links none.
pub fn subscriptions(store: &Store) -> Result<HashMap<i64, String>> {
    let mut by_slug: HashMap<String, String> = HashMap::new();
    for item in store.intake_approved()? {
        if let (IntakeSource::Stripe, Some(slug)) = (item.source, item.slug) {
            if item.external_id.starts_with("sub_") {
                by_slug.insert(slug, item.external_id);
            }
        }
    }
    let own = store
        .get_setting(SUBSCRIPTIONS_SETTING)?
        .unwrap_or_default();
    by_slug.extend(parse_links(&own));
    let mut out = HashMap::new();
    for (slug, sub) in by_slug {
        if let Ok(c) = store.get_customer(&slug) {
            out.insert(c.id, sub);
        }
    }
    Ok(out)
}

/// Keeps the owner's link of `slug` to `to` (a `sub_…` or `cus_…`), in place of its earlier
/// one; every other customer's link stays.
pub fn set(store: &Store, slug: &str, to: &str) -> Result<()> {
    let own = store
        .get_setting(SUBSCRIPTIONS_SETTING)?
        .unwrap_or_default();
    let mut links: Vec<(String, String)> = parse_links(&own)
        .into_iter()
        .filter(|(s, _)| s != slug)
        .collect();
    links.push((slug.to_string(), to.to_string()));
    let value: Vec<String> = links.iter().map(|(s, t)| format!("{s}={t}")).collect();
    store.set_setting(SUBSCRIPTIONS_SETTING, &value.join(", "))
}

/// `slug=sub_…` pairs, separated by commas or white space; anything else is left out.
pub fn parse_links(value: &str) -> Vec<(String, String)> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter_map(|pair| pair.split_once('='))
        .map(|(slug, sub)| (slug.trim().to_string(), sub.trim().to_string()))
        .filter(|(slug, to)| !slug.is_empty() && (to.starts_with("sub_") || to.starts_with("cus_")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owners_links_name_a_subscription_or_a_stripe_customer() {
        let links = parse_links("acme=sub_1, beta=cus_2 gamma=price_3,=sub_4 delta");
        let want = [("acme", "sub_1"), ("beta", "cus_2")];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(links, want);
    }
}
