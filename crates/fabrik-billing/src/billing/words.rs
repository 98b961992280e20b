//! Stripe's states and codes in the owner's words, one table each: a subscription's status, an
//! invoice's status, and why a payment failed (Stripe's `decline_code`, else its error `code`).
//! Stripe's own `message` is English and written for developers; the window, the CLI and
//! Översikt say these instead, in the reader's language.

use crate::messages::{params, Say, Text};

/// A subscription's status (`Subscription.status`, docs.stripe.com/api/subscriptions/object).
const STATUSES: &[(&str, &str, &str)] = &[
    ("active", "Aktiv", "Active"),
    ("trialing", "Provperiod", "Trial"),
    ("past_due", "Förfallen", "Past due"),
    ("unpaid", "Obetald", "Unpaid"),
    // One word for a subscription that was cancelled, wherever it is said (Kunder, Inkorg, here).
    ("canceled", "Uppsagd", "Cancelled"),
    ("paused", "Pausad", "Paused"),
    ("incomplete", "Ofullständig", "Incomplete"),
    (
        "incomplete_expired",
        "Ofullständig, utgången",
        "Incomplete, expired",
    ),
];

/// An invoice's status (`Invoice.status`).
const INVOICE_STATUSES: &[(&str, &str, &str)] = &[
    ("draft", "Utkast", "Draft"),
    ("open", "Obetald", "Unpaid"),
    ("paid", "Betald", "Paid"),
    ("uncollectible", "Går inte att driva in", "Uncollectible"),
    ("void", "Makulerad", "Void"),
];

/// Why a payment failed, by Stripe's decline code or error code (docs.stripe.com/declines/codes,
/// docs.stripe.com/error-codes), and what the agency can do about it.
const FAILURES: &[(&[&str], &str, &str)] = &[
    (
        &[
            "insufficient_funds",
            "withdrawal_count_exceeded",
            "card_velocity_exceeded",
        ],
        "Kortet saknar täckning eller har nått sin gräns",
        "The card has insufficient funds or reached its limit",
    ),
    (
        &[
            "expired_card",
            "invalid_expiry_month",
            "invalid_expiry_year",
        ],
        "Kortet har gått ut",
        "The card has expired",
    ),
    (
        &["incorrect_cvc", "invalid_cvc"],
        "Kortets säkerhetskod stämmer inte",
        "The card's security code is wrong",
    ),
    (
        &["incorrect_number", "invalid_number", "invalid_account"],
        "Kortnumret stämmer inte",
        "The card number is wrong",
    ),
    (
        &[
            "authentication_required",
            "payment_intent_authentication_failure",
        ],
        "Kunden behöver godkänna betalningen hos sin bank",
        "The customer needs to approve the payment with their bank",
    ),
    (
        &[
            "processing_error",
            "try_again_later",
            "issuer_not_available",
            "reenter_transaction",
        ],
        "Banken kunde inte behandla betalningen just då; Stripe försöker igen",
        "The bank could not process the payment just then; Stripe tries again",
    ),
    (
        &[
            "card_not_supported",
            "currency_not_supported",
            "transaction_not_allowed",
            "service_not_allowed",
            "not_permitted",
        ],
        "Kortet tar inte emot den här sortens betalning",
        "The card does not accept this kind of payment",
    ),
    (
        &[
            "lost_card",
            "stolen_card",
            "pickup_card",
            "fraudulent",
            "restricted_card",
            "security_violation",
            "merchant_blacklist",
            "do_not_honor",
            "do_not_try_again",
            "call_issuer",
            "stop_payment_order",
            "revocation_of_authorization",
            "revocation_of_all_authorizations",
        ],
        "Banken nekade kortet; kunden behöver kontakta sin bank eller byta kort",
        "The bank declined the card; the customer needs to call their bank or change card",
    ),
    (
        &[
            "generic_decline",
            "card_declined",
            "no_action_taken",
            "approve_with_id",
        ],
        "Banken nekade betalningen utan att säga varför",
        "The bank declined the payment without saying why",
    ),
    (
        &[
            "customer_tax_location_invalid",
            "invoice_no_customer_line_items",
        ],
        "Fakturan kunde inte slutföras: kunduppgifterna i Stripe behöver rättas",
        "The invoice could not be finalized: the customer's details in Stripe need correcting",
    ),
];

/// The code kept when Stripe gave no code at all (a failed invoice with no error on it).
pub const FAILED: &str = "payment_failed";

/// A subscription status in words; a status Stripe adds later is said as unknown, with its code.
pub fn status(status: &str) -> Text {
    lookup(STATUSES, status)
        .unwrap_or_else(|| Say::StripeStatusUnknown.with(params! { "status" => status }))
}

/// An invoice status in words.
pub fn invoice_status(status: &str) -> Text {
    lookup(INVOICE_STATUSES, status).unwrap_or_else(|| Text::new(status, status))
}

/// Why a payment failed, from the code kept for it. A code this table does not know is named
/// (the owner can look it up); a text kept before codes were (Stripe's English) is not repeated.
pub fn failure(code: &str) -> Text {
    if let Some((_, sv, en)) = FAILURES.iter().find(|(codes, _, _)| codes.contains(&code)) {
        return Text::new(*sv, *en);
    }
    let is_code = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if is_code && code != FAILED {
        Say::PaymentFailedCode.with(params! { "code" => code })
    } else {
        Say::PaymentFailed.text()
    }
}

fn lookup(table: &[(&str, &str, &str)], key: &str) -> Option<Text> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, sv, en)| Text::new(*sv, *en))
}

/// The statuses' words for the window's bindings (`SUBSCRIPTION_STATUS_LABEL`).
pub fn status_rows() -> impl Iterator<Item = (String, Text)> {
    STATUSES
        .iter()
        .map(|(k, sv, en)| ((*k).to_string(), Text::new(*sv, *en)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decline_is_said_by_its_code_in_both_languages() {
        let t = failure("insufficient_funds");
        assert_eq!(t.sv, "Kortet saknar täckning eller har nått sin gräns");
        assert!(t.en.starts_with("The card has insufficient funds"));
        assert_eq!(
            failure("new_code_2027").sv,
            "Betalningen misslyckades (Stripes kod new_code_2027)"
        );
        // Stripe's English message kept by an older Fabrik is not shown to a Swedish reader.
        assert_eq!(
            failure("Your card was declined.").sv,
            "Betalningen misslyckades"
        );
        assert_eq!(failure(FAILED).en, "The payment failed");
    }

    #[test]
    fn every_status_has_one_word() {
        assert_eq!(status("canceled").sv, "Uppsagd");
        assert_eq!(status("past_due").en, "Past due");
        assert_eq!(status("weird").sv, "Okänd (weird)");
        assert_eq!(invoice_status("uncollectible").sv, "Går inte att driva in");
    }
}
