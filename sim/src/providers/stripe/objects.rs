//! The objects in the shapes of the 2026-01-28.clover description (contracts/stripe): every
//! required field, nullable ones as `null`. Since basil an invoice names its subscription under
//! `parent.subscription_details.subscription` and a line its price under
//! `pricing.price_details.price` (not the old top-level `subscription` / `price`).

use serde_json::{json, Map, Value};

/// One calendar month later (Stripe's monthly billing keeps the day of the month).
pub fn add_month(ts: i64) -> i64 {
    chrono::DateTime::from_timestamp(ts, 0)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .map_or(ts + 30 * 86_400, |d| d.timestamp())
}

fn amount(price: &Value) -> i64 {
    price["unit_amount"].as_i64().unwrap_or(0)
}

fn product_of(price: &Value) -> Value {
    match &price["product"] {
        Value::Object(p) => p.get("id").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    }
}

pub fn customer(id: &str, email: &str, name: Option<&str>, prefix: &str, created: i64) -> Value {
    json!({
        "id": id, "object": "customer", "address": null, "balance": 0, "created": created,
        "currency": null, "default_source": null, "delinquent": false, "description": null,
        "discount": null, "email": email, "invoice_prefix": prefix,
        "invoice_settings": {"custom_fields": null, "default_payment_method": null, "footer": null, "rendering_options": null},
        "livemode": false, "metadata": {}, "name": name, "next_invoice_sequence": 1, "phone": null,
        "preferred_locales": [], "shipping": null, "tax_exempt": "none", "test_clock": null,
    })
}

pub fn subscription_item(id: &str, sub: &str, price: &Value, start: i64, end: i64) -> Value {
    json!({
        "id": id, "object": "subscription_item", "billing_thresholds": null, "created": start,
        "current_period_end": end, "current_period_start": start, "discounts": [], "metadata": {},
        "price": price, "quantity": 1, "subscription": sub, "tax_rates": [],
    })
}

pub fn subscription(
    id: &str,
    customer: &str,
    item: Value,
    created: i64,
    status: &str,
    invoice: &str,
) -> Value {
    json!({
        "id": id, "object": "subscription", "application": null, "application_fee_percent": null,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null},
        "billing_cycle_anchor": created, "billing_cycle_anchor_config": null,
        "billing_mode": {"flexible": null, "type": "classic"}, "billing_thresholds": null,
        "cancel_at": null, "cancel_at_period_end": false, "canceled_at": null,
        "cancellation_details": {"comment": null, "feedback": null, "reason": null},
        "collection_method": "charge_automatically", "created": created, "currency": "sek",
        "customer": customer, "days_until_due": null, "default_payment_method": null, "default_source": null,
        "default_tax_rates": [], "description": null, "discounts": [], "ended_at": null,
        "invoice_settings": {"account_tax_ids": null, "issuer": {"type": "self"}},
        "items": {"object": "list", "data": [item], "has_more": false, "url": format!("/v1/subscription_items?subscription={id}")},
        "latest_invoice": invoice, "livemode": false, "metadata": {}, "next_pending_invoice_item_invoice": null,
        "on_behalf_of": null, "pause_collection": null,
        "payment_settings": {"payment_method_options": null, "payment_method_types": null, "save_default_payment_method": "off"},
        "pending_invoice_item_interval": null, "pending_setup_intent": null, "pending_update": null,
        "schedule": null, "start_date": created, "status": status, "test_clock": null, "transfer_data": null,
        "trial_end": null, "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": null,
    })
}

/// What an invoice is for: its subscription and item, the price and the period billed.
pub struct Billed<'a> {
    pub subscription: &'a str,
    pub item: &'a str,
    pub price: &'a Value,
    pub product_name: &'a str,
    pub start: i64,
    pub end: i64,
}

pub fn invoice_line(id: &str, invoice: &str, b: &Billed) -> Value {
    let amount = amount(b.price);
    json!({
        "id": id, "object": "line_item", "amount": amount, "currency": "sek",
        "description": format!("1 × {} (at {} kr / month)", b.product_name, amount / 100),
        "discount_amounts": [], "discountable": true, "discounts": [], "invoice": invoice, "livemode": false,
        "metadata": {},
        "parent": {"invoice_item_details": null, "type": "subscription_item_details", "subscription_item_details": {
            "invoice_item": null, "proration": false, "proration_details": {"credited_items": null},
            "subscription": b.subscription, "subscription_item": b.item}},
        "period": {"end": b.end, "start": b.start}, "pretax_credit_amounts": [],
        "pricing": {"price_details": {"price": b.price["id"], "product": product_of(b.price)}, "type": "price_details",
                    "unit_amount_decimal": amount.to_string()},
        "quantity": 1, "subscription": b.subscription, "subtotal": amount, "taxes": [],
    })
}

/// A draft invoice of one subscription line (`billing_reason` `subscription_create` or
/// `subscription_cycle`).
pub fn invoice(id: &str, customer: &Value, line: Value, created: i64, reason: &str) -> Value {
    let total = line["amount"].as_i64().unwrap_or(0);
    let sub = line["subscription"].clone();
    json!({
        "id": id, "object": "invoice", "account_country": "SE", "account_name": "Fabrik Sandbox",
        "account_tax_ids": null, "amount_due": total, "amount_overpaid": 0, "amount_paid": 0,
        "amount_remaining": total, "amount_shipping": 0, "application": null, "attempt_count": 0,
        "attempted": false, "auto_advance": true,
        "automatic_tax": {"disabled_reason": null, "enabled": false, "liability": null, "provider": null, "status": null},
        "automatically_finalizes_at": null, "billing_reason": reason, "collection_method": "charge_automatically",
        "confirmation_secret": null, "created": created, "currency": "sek", "custom_fields": null,
        "customer": customer["id"], "customer_address": null, "customer_email": customer["email"],
        "customer_name": customer["name"], "customer_phone": null, "customer_shipping": null,
        "customer_tax_exempt": "none", "customer_tax_ids": [], "default_payment_method": null,
        "default_source": null, "default_tax_rates": [], "description": null, "discounts": [],
        "due_date": null, "effective_at": null, "ending_balance": null, "footer": null, "from_invoice": null,
        "hosted_invoice_url": null, "invoice_pdf": null, "issuer": {"type": "self"},
        "last_finalization_error": null, "latest_revision": null,
        "lines": {"object": "list", "data": [line], "has_more": false, "url": format!("/v1/invoices/{id}/lines")},
        "livemode": false, "metadata": {}, "next_payment_attempt": null, "number": null, "on_behalf_of": null,
        "parent": {"quote_details": null, "type": "subscription_details",
                   "subscription_details": {"metadata": {}, "subscription": sub}},
        "payment_settings": {"default_mandate": null, "payment_method_options": null, "payment_method_types": null},
        "period_end": created, "period_start": created, "post_payment_credit_notes_amount": 0,
        "pre_payment_credit_notes_amount": 0, "receipt_number": null, "rendering": null, "shipping_cost": null,
        "shipping_details": null, "starting_balance": 0, "statement_descriptor": null, "status": "draft",
        "status_transitions": {"finalized_at": null, "marked_uncollectible_at": null, "paid_at": null, "voided_at": null},
        "subtotal": total, "subtotal_excluding_tax": total, "test_clock": null, "total": total,
        "total_discount_amounts": [], "total_excluding_tax": total, "total_pretax_credit_amounts": [],
        "total_taxes": [], "webhooks_delivered_at": null,
    })
}

/// Draft → open: a number, links, and the first payment attempt pending.
pub fn finalize(inv: &mut Value, number: &str, at: i64) {
    let id = inv["id"].as_str().unwrap_or_default().to_string();
    inv["status"] = json!("open");
    inv["number"] = json!(number);
    inv["effective_at"] = json!(at);
    inv["ending_balance"] = json!(0);
    inv["webhooks_delivered_at"] = json!(at);
    inv["status_transitions"]["finalized_at"] = json!(at);
    inv["hosted_invoice_url"] = json!(format!(
        "https://invoice.stripe.com/i/acct_fabriksim/test_{id}"
    ));
    inv["invoice_pdf"] = json!(format!(
        "https://pay.stripe.com/invoice/acct_fabriksim/test_{id}/pdf"
    ));
}

/// Open → paid by the saved card.
pub fn mark_paid(inv: &mut Value, at: i64) {
    let total = inv["total"].clone();
    inv["status"] = json!("paid");
    inv["amount_paid"] = total;
    inv["amount_remaining"] = json!(0);
    // The first attempt counts; a later payment was counted by the retry that made it
    // (a manual payment does not count: spec, invoice.attempt_count).
    if inv["attempt_count"].as_i64().unwrap_or(0) == 0 {
        inv["attempt_count"] = json!(1);
    }
    inv["next_payment_attempt"] = Value::Null;
    inv["attempted"] = json!(true);
    inv["auto_advance"] = json!(false);
    inv["status_transitions"]["paid_at"] = json!(at);
}

/// A Checkout line item (`item`): the price as an object, its product as an id.
pub fn checkout_item(id: &str, price: &Value, product_name: &str) -> Value {
    let amount = amount(price);
    json!({
        "id": id, "object": "item", "adjustable_quantity": null, "amount_discount": 0,
        "amount_subtotal": amount, "amount_tax": 0, "amount_total": amount, "currency": "sek",
        "description": product_name, "discounts": [], "metadata": {}, "price": price,
        "quantity": 1, "taxes": [],
    })
}

/// Who paid in Checkout and what they typed into the custom field.
pub struct Buyer<'a> {
    pub email: &'a str,
    pub name: Option<&'a str>,
    pub company: Option<&'a str>,
    pub metadata: Map<String, Value>,
}

/// A completed subscription-mode Checkout session.
pub fn session(
    id: &str,
    buyer: &Buyer,
    sub: &Value,
    invoice: &str,
    created: i64,
    payment_status: &str,
) -> Value {
    let total = match payment_status {
        "no_payment_required" => json!(0),
        _ => sub["items"]["data"][0]["price"]["unit_amount"].clone(),
    };
    json!({
        "id": id, "object": "checkout.session", "adaptive_pricing": {"enabled": false}, "after_expiration": null,
        "allow_promotion_codes": null, "amount_subtotal": total, "amount_total": total,
        "automatic_tax": {"enabled": false, "liability": null, "provider": null, "status": null},
        "billing_address_collection": null, "cancel_url": null, "client_reference_id": null, "client_secret": null,
        "collected_information": {"business_name": null, "individual_name": null, "shipping_details": null},
        "consent": null, "consent_collection": null, "created": created, "currency": "sek", "currency_conversion": null,
        "custom_fields": [{
            "key": "company", "label": {"custom": "Företagsnamn", "type": "custom"}, "optional": true,
            "text": {"default_value": null, "maximum_length": null, "minimum_length": null, "value": buyer.company},
            "type": "text"}],
        "custom_text": {"after_submit": null, "shipping_address": null, "submit": null, "terms_of_service_acceptance": null},
        "customer": sub["customer"], "customer_creation": "always",
        "customer_details": {
            "address": {"city": null, "country": "SE", "line1": null, "line2": null, "postal_code": null, "state": null},
            "business_name": null, "email": buyer.email, "individual_name": null, "name": buyer.name, "phone": null,
            "tax_exempt": "none", "tax_ids": []},
        "customer_email": null, "discounts": [], "expires_at": created + 86_400, "invoice": invoice,
        "invoice_creation": null, "livemode": false, "locale": null, "metadata": buyer.metadata,
        "mode": "subscription", "origin_context": null, "payment_intent": null, "payment_link": null,
        "payment_method_collection": "always", "payment_method_configuration_details": null,
        "payment_method_options": null, "payment_method_types": ["card"],
        "payment_status": payment_status,
        "phone_number_collection": {"enabled": false}, "recovered_from": null,
        "saved_payment_method_options": null, "setup_intent": null, "shipping_address_collection": null,
        "shipping_cost": null, "shipping_options": [], "status": "complete", "submit_type": null,
        "subscription": sub["id"], "success_url": "https://fabrik.test/tack?session_id={CHECKOUT_SESSION_ID}",
        "tax_id_collection": {"enabled": false, "required": "never"},
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted", "url": null, "wallet_options": null,
    })
}
