//! The list operations: events, prices, products, subscriptions and a session's line items. Cursor
//! pagination (`limit` 1–100, default 10; `starting_after` / `ending_before` an object id)
//! over lists sorted newest first (doc: https://docs.stripe.com/api/pagination).

use axum::response::Response;
use serde_json::{json, Value};

use super::query::{created_filter, integer, Params};
use super::{expand, missing, Lookup};
use crate::errors;
use crate::world::{now_ms, StripeState};

/// Where one page starts and how long it is.
pub struct Cursor {
    limit: usize,
    after: Option<String>,
    before: Option<String>,
}

pub fn cursor(p: &Params) -> Result<Cursor, Response> {
    let limit = match p.get("limit") {
        None => 10,
        Some(v) => {
            let n = integer("limit", v)?;
            let bound = match n {
                ..=0 => Some("greater than or equal to 1"),
                101.. => Some("less than or equal to 100"),
                _ => None,
            };
            if let Some(b) = bound {
                return Err(errors::stripe(
                    400,
                    Some("parameter_invalid_integer"),
                    &format!("This value must be {b}."),
                    Some("limit"),
                ));
            }
            n as usize
        }
    };
    let given = |k: &str| p.get(k).filter(|v| !v.is_empty()).map(str::to_string);
    let (after, before) = (given("starting_after"), given("ending_before"));
    if after.is_some() && before.is_some() {
        return Err(errors::stripe(
            400,
            None,
            "You may only specify one of these parameters: ending_before, starting_after.",
            None,
        ));
    }
    Ok(Cursor {
        limit,
        after,
        before,
    })
}

/// One page of `all` (newest first): the cursor is placed by its position in `all`, then
/// `keep` filters. An unknown cursor is a 404 `resource_missing` naming the parameter.
pub fn page(
    all: &[&Value],
    keep: impl Fn(&Value) -> bool,
    c: &Cursor,
    noun: &str,
    url: &str,
) -> Result<Value, Response> {
    let at = |id: &str, param: &str| {
        all.iter()
            .position(|v| v["id"] == id)
            .ok_or_else(|| missing(noun, id, param))
    };
    let (data, has_more): (Vec<Value>, bool) = match (&c.after, &c.before) {
        (Some(id), _) => {
            let i = at(id, "starting_after")?;
            let rest: Vec<&&Value> = all[i + 1..].iter().filter(|v| keep(v)).collect();
            (
                rest.iter().take(c.limit).map(|v| (**v).clone()).collect(),
                rest.len() > c.limit,
            )
        }
        (None, Some(id)) => {
            let i = at(id, "ending_before")?;
            let newer: Vec<&&Value> = all[..i].iter().filter(|v| keep(v)).collect();
            let from = newer.len().saturating_sub(c.limit);
            (
                newer[from..].iter().map(|v| (**v).clone()).collect(),
                from > 0,
            )
        }
        (None, None) => {
            let kept: Vec<&&Value> = all.iter().filter(|v| keep(v)).collect();
            (
                kept.iter().take(c.limit).map(|v| (**v).clone()).collect(),
                kept.len() > c.limit,
            )
        }
    };
    Ok(json!({"object": "list", "data": data, "has_more": has_more, "url": url}))
}

type TypeFilter = Box<dyn Fn(&str) -> bool + Send>;

/// `type` (one name, `*` a wildcard) or `types[]` (up to 20 exact names), not both.
fn type_filter(p: &Params) -> Result<TypeFilter, Response> {
    let types = p.list("types");
    match (p.get("type"), types.len()) {
        (Some(_), 1..) => Err(errors::stripe(
            400,
            None,
            "You may pass either `type` or `types`, but not both.",
            Some("types"),
        )),
        (_, 21..) => Err(errors::stripe(
            400,
            None,
            "You may only specify up to 20 types.",
            Some("types"),
        )),
        (Some(t), _) => {
            let t = t.to_string();
            Ok(Box::new(move |k| glob(&t, k)))
        }
        (None, 0) => Ok(Box::new(|_| true)),
        (None, _) => Ok(Box::new(move |k| types.iter().any(|t| t == k))),
    }
}

/// `*` matches any run of characters.
fn glob(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((head, tail)) => {
            s.starts_with(head)
                && (0..=s.len() - head.len())
                    .any(|i| s.is_char_boundary(head.len() + i) && glob(tail, &s[head.len() + i..]))
        }
    }
}

pub fn events(p: &Params, s: &StripeState) -> Result<Value, Response> {
    p.only(&[
        "created",
        "delivery_success",
        "ending_before",
        "expand",
        "limit",
        "starting_after",
        "type",
        "types",
    ])?;
    let c = cursor(p)?;
    let created = created_filter(p)?;
    let kind = type_filter(p)?;
    p.boolean("delivery_success")?;
    let all = s.visible_events(s.clock(now_ms()));
    let keep = |e: &Value| {
        created(e["created"].as_i64().unwrap_or(0)) && kind(e["type"].as_str().unwrap_or(""))
    };
    let mut list = page(&all, keep, &c, "event", "/v1/events")?;
    expand::apply(&mut list, &p.expand(), s)?;
    Ok(list)
}

/// Prices or products: newest first, `created` and `active` filters plus the kind's own.
fn catalogue(
    p: &Params,
    s: &StripeState,
    kind: &str,
    known: &[&str],
    own: impl Fn(&Value) -> bool,
) -> Result<Value, Response> {
    p.only(known)?;
    let c = cursor(p)?;
    let created = created_filter(p)?;
    let active = p.boolean("active")?;
    let keep = |v: &Value| {
        created(v["created"].as_i64().unwrap_or(0))
            && active.is_none_or(|a| v["active"] == a)
            && own(v)
    };
    let mut list = page(
        &s.newest_first(kind),
        keep,
        &c,
        kind,
        &format!("/v1/{kind}s"),
    )?;
    expand::apply(&mut list, &p.expand(), s)?;
    Ok(list)
}

/// `true` when no value is asked for or the field has one of them.
fn any_of(wanted: &[String], v: &Value) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| v == w.as_str())
}

pub fn prices(p: &Params, s: &StripeState) -> Result<Value, Response> {
    let known = [
        "active",
        "created",
        "currency",
        "ending_before",
        "expand",
        "limit",
        "lookup_keys",
        "product",
        "recurring",
        "starting_after",
        "type",
    ];
    let keys = p.list("lookup_keys");
    let eq = |v: &Value, field: &str| p.get(field).is_none_or(|want| v[field] == want);
    catalogue(p, s, "price", &known, |v| {
        any_of(&keys, &v["lookup_key"]) && ["product", "currency", "type"].iter().all(|f| eq(v, f))
    })
}

pub fn products(p: &Params, s: &StripeState) -> Result<Value, Response> {
    let known = [
        "active",
        "created",
        "ending_before",
        "expand",
        "ids",
        "limit",
        "shippable",
        "starting_after",
        "url",
    ];
    let ids = p.list("ids");
    catalogue(p, s, "product", &known, |v| any_of(&ids, &v["id"]))
}

/// `GetSubscriptions`: newest first, by `customer`, `price` (an item's) and `status`; without a
/// status every one but the canceled, as the operation says; `all` every one, `ended` the
/// canceled and the expired incomplete ones.
pub fn subscriptions(p: &Params, s: &StripeState) -> Result<Value, Response> {
    let known = [
        "created",
        "customer",
        "ending_before",
        "expand",
        "limit",
        "price",
        "starting_after",
        "status",
    ];
    p.only(&known)?;
    let c = cursor(p)?;
    let created = created_filter(p)?;
    let status = p.get("status").unwrap_or("");
    let keep = |v: &Value| {
        let st = v["status"].as_str().unwrap_or("");
        let status_ok = match status {
            "" => st != "canceled",
            "all" => true,
            "ended" => matches!(st, "canceled" | "incomplete_expired"),
            want => st == want,
        };
        let has_price = |want: &str| {
            v["items"]["data"]
                .as_array()
                .is_some_and(|items| items.iter().any(|i| i["price"]["id"] == want))
        };
        created(v["created"].as_i64().unwrap_or(0))
            && status_ok
            && p.get("customer").is_none_or(|want| v["customer"] == want)
            && p.get("price").is_none_or(has_price)
    };
    let mut list = page(
        &s.newest_first("subscription"),
        keep,
        &c,
        "subscription",
        "/v1/subscriptions",
    )?;
    expand::apply(&mut list, &p.expand(), s)?;
    Ok(list)
}

/// A session's line items in the order of the session (not newest first).
pub fn line_items(p: &Params, s: &StripeState, session: &str) -> Result<Value, Response> {
    p.only(&["ending_before", "expand", "limit", "starting_after"])?;
    let c = cursor(p)?;
    s.lookup("checkout.session", session, "id")?;
    let items = s.items_of(session).cloned().unwrap_or_default();
    let all: Vec<&Value> = items.iter().collect();
    let url = format!("/v1/checkout/sessions/{session}/line_items");
    let mut list = page(&all, |_| true, &c, "line item", &url)?;
    expand::apply(&mut list, &p.expand(), s)?;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn type_wildcards() {
        assert!(glob("invoice.*", "invoice.paid") && glob("*.created", "customer.created"));
        assert!(glob(
            "customer.subscription.*",
            "customer.subscription.deleted"
        ));
        assert!(!glob("invoice.*", "customer.created") && !glob("invoice.paid", "invoice.paid.x"));
    }
}
