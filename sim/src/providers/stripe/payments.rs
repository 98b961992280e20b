//! How an invoice is paid: one PaymentIntent an invoice, tried again by each attempt, and the
//! invoice's `payments` (InvoicePayment objects) that point at it. As the service does it,
//! `payments` is includable, never in an invoice unless asked for (`expand[]=payments`), and
//! the PaymentIntent is an id unless expanded (`payments.data.payment.payment_intent`, four
//! levels); a declined attempt leaves its `last_payment_error` there: the card's
//! `decline_code` beside `card_declined` (doc: https://docs.stripe.com/declines/codes).

use serde_json::{json, Value};

use crate::world::StripeState;

/// What a declined test card says when a test named no reason: Stripe's test card
/// 4000 0000 0000 0341 attaches and then fails with `generic_decline`.
pub const DEFAULT_DECLINE: &str = "generic_decline";

/// The card's answer to one attempt.
pub enum Outcome<'a> {
    Paid,
    Declined { decline_code: &'a str },
}

/// Records an attempt to pay `inv` at `at`: its PaymentIntent (made at the first attempt) and
/// its InvoicePayment take the outcome.
pub fn record(s: &mut StripeState, inv: &Value, at: i64, outcome: Outcome) {
    let inv_id = inv["id"].as_str().unwrap_or_default().to_string();
    let amount = inv["amount_due"].as_i64().unwrap_or(0);
    let mut payment = match of_invoice(s, &inv_id).into_iter().next() {
        Some(p) => p,
        None => {
            let (pi, ip) = (s.new_id("pi_"), s.new_id("inpay_"));
            s.put(intent(&pi, inv, at));
            invoice_payment(&ip, &inv_id, &pi, amount, at)
        }
    };
    let pi_id = payment["payment"]["payment_intent"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let Some(mut pi) = s.get_kind("payment_intent", &pi_id).cloned() else {
        return;
    };
    match outcome {
        Outcome::Paid => {
            pi["status"] = json!("succeeded");
            pi["amount_received"] = json!(amount);
            payment["status"] = json!("paid");
            payment["amount_paid"] = json!(amount);
            payment["status_transitions"]["paid_at"] = json!(at);
        }
        Outcome::Declined { decline_code } => {
            pi["status"] = json!("requires_payment_method");
            pi["last_payment_error"] = json!({
                "type": "card_error", "code": "card_declined", "decline_code": decline_code,
                "doc_url": "https://stripe.com/docs/error-codes/card-declined",
                "message": "Your card was declined.",
            });
        }
    }
    s.put(pi);
    s.put(payment);
}

/// The invoice's payments, newest first: the list `payments` holds when included.
pub fn list(s: &StripeState, invoice: &str) -> Value {
    json!({
        "object": "list", "data": of_invoice(s, invoice), "has_more": false,
        "url": format!("/v1/invoice_payments?invoice={invoice}"),
    })
}

fn of_invoice(s: &StripeState, invoice: &str) -> Vec<Value> {
    s.newest_first("invoice_payment")
        .into_iter()
        .filter(|p| p["invoice"] == invoice)
        .cloned()
        .collect()
}

fn intent(id: &str, inv: &Value, at: i64) -> Value {
    json!({
        "id": id, "object": "payment_intent", "amount": inv["amount_due"], "amount_capturable": 0,
        "amount_received": 0, "application": null, "canceled_at": null, "cancellation_reason": null,
        "capture_method": "automatic", "client_secret": null, "confirmation_method": "automatic",
        "created": at, "currency": inv["currency"], "customer": inv["customer"],
        "description": "Subscription update", "last_payment_error": null, "latest_charge": null,
        "livemode": false, "metadata": {}, "next_action": null, "on_behalf_of": null,
        "payment_method": null, "payment_method_types": ["card"], "receipt_email": null,
        "setup_future_usage": "off_session", "status": "requires_confirmation",
    })
}

fn invoice_payment(id: &str, invoice: &str, pi: &str, amount: i64, at: i64) -> Value {
    json!({
        "id": id, "object": "invoice_payment", "amount_paid": null, "amount_requested": amount,
        "created": at, "currency": "sek", "invoice": invoice, "is_default": true, "livemode": false,
        "payment": {"type": "payment_intent", "payment_intent": pi},
        "status": "open", "status_transitions": {"canceled_at": null, "paid_at": null},
    })
}
