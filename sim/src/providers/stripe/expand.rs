//! `expand[]`: an id field becomes the object it names, along a dotted path of at most four
//! levels (doc: https://docs.stripe.com/expand); `data.` walks into a list's items, and a
//! checkout session's `line_items` and an invoice's `payments` (includable, not sent by default)
//! are added.

use axum::response::Response;
use serde_json::{json, Value};

use crate::errors;
use crate::world::StripeState;

pub fn apply(v: &mut Value, paths: &[String], s: &StripeState) -> Result<(), Response> {
    for path in paths {
        let segs: Vec<&str> = path.split('.').collect();
        if segs.len() > 4 {
            return Err(errors::stripe(
                400,
                None,
                &format!("You cannot expand more than 4 levels of a property. Property: {path}"),
                Some("expand"),
            ));
        }
        if !walk(v, &segs, s) {
            return Err(errors::stripe(
                400,
                None,
                &format!("This property cannot be expanded ({path})."),
                Some("expand"),
            ));
        }
    }
    Ok(())
}

/// The line items of a session as the list `line_items` holds.
pub fn session_items(s: &StripeState, session: &str) -> Value {
    json!({
        "object": "list", "data": s.items_of(session).cloned().unwrap_or_default(), "has_more": false,
        "url": format!("/v1/checkout/sessions/{session}/line_items"),
    })
}

fn walk(v: &mut Value, segs: &[&str], s: &StripeState) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return true;
    };
    if v["object"] == "list" && *first == "data" {
        return match v["data"].as_array_mut() {
            Some(items) => items.iter_mut().all(|item| walk(item, rest, s)),
            None => false,
        };
    }
    let kind = v["object"].as_str().unwrap_or_default().to_string();
    let Some(obj) = v.as_object_mut() else {
        return false;
    };
    if !obj.contains_key(*first) {
        let id = obj["id"].as_str().unwrap_or_default().to_string();
        let included = match (kind.as_str(), *first) {
            ("checkout.session", "line_items") => session_items(s, &id),
            ("invoice", "payments") => super::payments::list(s, &id),
            _ => return false,
        };
        obj.insert((*first).to_string(), included);
    }
    let Some(field) = obj.get_mut(*first) else {
        return false;
    };
    match field {
        Value::String(id) => match s.get(id) {
            Some(o) => {
                *field = o.clone();
                walk(field, rest, s)
            }
            None => false,
        },
        // Stripe accepts expanding a field that is empty.
        Value::Null => true,
        Value::Object(_) => walk(field, rest, s),
        _ => false,
    }
}
