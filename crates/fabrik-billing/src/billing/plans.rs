//! Which plan a Stripe price stands for: the owner's map (Inkorg → Stripe's card, price or
//! product id → plan). One rule for the inbox, which gives a request its plan, and for the
//! drift, which compares a running subscription's price with the instance's plan.

use std::collections::BTreeMap;

use crate::customer::Plan;

/// The plan the owner tied to one of the prices (by price id, else product id).
pub fn plan_of(prices: &[(String, String)], plans: &BTreeMap<String, Plan>) -> Option<Plan> {
    prices
        .iter()
        .find_map(|(price, product)| plans.get(price).or_else(|| plans.get(product)).copied())
}

/// The plan a subscription's price (or its product) stands for.
pub fn plan_of_subscription(
    s: &crate::providers::stripe::Subscription,
    plans: &BTreeMap<String, Plan>,
) -> Option<Plan> {
    let prices = [(
        s.price.clone().unwrap_or_default(),
        s.product.clone().unwrap_or_default(),
    )];
    plan_of(&prices, plans)
}
