//! The agency's price book (what each thing an instance uses costs it a month) and an instance's
//! estimated monthly cost from its latest reading. The book's keys are declared here, once; the
//! owner sets the amounts (`fabrik usage prices`, Settings), in one currency.

use super::figures::Figure;
use super::reading::Reading;
use super::view::{CostLine, Money, PriceBook, PriceLine};
use crate::error::{invalid_setting, Result};
use crate::messages::{params, Say};

/// The Supabase compute add-ons the Management API's `/billing/addons` names (`AddonVariantId`'s
/// `ci_*` values in contracts/supabase/management-api-v1.openapi.json), each with the name
/// Supabase's dashboard and pricing page give it: an owner reads "Micro", never `ci_micro`.
pub const COMPUTE: &[(&str, &str)] = &[
    ("ci_micro", "Micro"),
    ("ci_small", "Small"),
    ("ci_medium", "Medium"),
    ("ci_large", "Large"),
    ("ci_xlarge", "XL"),
    ("ci_2xlarge", "2XL"),
    ("ci_4xlarge", "4XL"),
    ("ci_8xlarge", "8XL"),
    ("ci_12xlarge", "12XL"),
    ("ci_16xlarge", "16XL"),
    ("ci_24xlarge", "24XL"),
    ("ci_24xlarge_optimized_cpu", "24XL Optimized CPU"),
    ("ci_24xlarge_optimized_memory", "24XL Optimized Memory"),
    ("ci_24xlarge_high_memory", "24XL High Memory"),
    ("ci_48xlarge", "48XL"),
    ("ci_48xlarge_optimized_cpu", "48XL Optimized CPU"),
    ("ci_48xlarge_optimized_memory", "48XL Optimized Memory"),
    ("ci_48xlarge_high_memory", "48XL High Memory"),
];

/// A compute size's name ("Micro"); a size this list does not know yet is shown as Supabase
/// sent it, so a new one is still said rather than hidden.
pub fn compute_name(size: &str) -> String {
    COMPUTE
        .iter()
        .find(|(id, _)| *id == size)
        .map_or_else(|| size.to_string(), |(_, name)| (*name).to_string())
}

/// Every key but the compute sizes (those are `supabase.compute.<size>`).
pub const DISK_GB: &str = "supabase.disk_gb";
pub const VERCEL_PROJECT: &str = "vercel.project";
pub const RESEND_1000: &str = "resend.email_1000";
pub const N8N_1000: &str = "n8n.execution_1000";
pub const INSTANCE: &str = "fabrik.instance";
const COMPUTE_PREFIX: &str = "supabase.compute.";

/// The setting the book is kept in (the register's, so every seat prices alike; owners' to set).
pub const SETTING: &str = "usage.price_book";

/// The disk a paid Supabase project has without paying for more: 8 GB (supabase.com/pricing,
/// "Disk Size": 8 GB included per project on Pro). Only the rest is priced.
pub const INCLUDED_DISK_GB: f64 = 8.0;

/// A month of per-day figures: the latest day's count times this.
pub const DAYS_A_MONTH: f64 = 30.0;

use super::figures::GB;

/// Every key the book knows, in the order it is shown.
pub fn keys() -> Vec<String> {
    let mut keys: Vec<String> = COMPUTE
        .iter()
        .map(|(s, _)| format!("{COMPUTE_PREFIX}{s}"))
        .collect();
    keys.extend([DISK_GB, VERCEL_PROJECT, RESEND_1000, N8N_1000, INSTANCE].map(String::from));
    keys
}

/// The book a new register starts with, in öre a month: the providers' list prices in USD
/// (supabase.com/pricing compute add-ons and disk, vercel.com/pricing Pro seat shared over ten
/// projects, resend.com/pricing Pro 50,000 emails for $20, n8n.io/pricing Starter 2,500
/// executions for €24) at about 10.5 SEK to the dollar, rounded. Rough on purpose: the owner
/// replaces them with what the agency pays.
pub fn default_book() -> PriceBook {
    let compute = [
        10_500, 15_800, 63_000, 115_500, 220_500, 430_500, 1_008_000, 1_963_500, 2_940_000,
        3_916_500, 5_859_000, 5_859_000, 5_859_000, 5_859_000, 11_718_000, 11_718_000, 11_718_000,
        11_718_000,
    ];
    let mut lines: Vec<PriceLine> = COMPUTE
        .iter()
        .zip(compute)
        .map(|((s, _), amount)| PriceLine {
            key: format!("{COMPUTE_PREFIX}{s}"),
            amount,
        })
        .collect();
    for (key, amount) in [
        (DISK_GB, 131),
        (VERCEL_PROJECT, 2_100),
        (RESEND_1000, 420),
        (N8N_1000, 10_900),
        (INSTANCE, 0),
    ] {
        lines.push(PriceLine {
            key: key.into(),
            amount,
        });
    }
    PriceBook {
        currency: "sek".into(),
        lines,
    }
}

impl PriceBook {
    /// The amount for `key`, if the book has it.
    pub fn price(&self, key: &str) -> Option<i64> {
        self.lines.iter().find(|l| l.key == key).map(|l| l.amount)
    }

    /// Sets one price (a key the book knows, a whole amount of minor units ≥ 0).
    pub fn set(&mut self, key: &str, amount: i64) -> Result<()> {
        if !keys().iter().any(|k| k == key) {
            return Err(invalid_setting(
                key,
                Say::PriceKeyUnknown.with(params! { "keys" => short_keys() }),
            ));
        }
        if amount < 0 {
            return Err(invalid_setting(key, Say::PriceNotNegative.text()));
        }
        match self.lines.iter_mut().find(|l| l.key == key) {
            Some(l) => l.amount = amount,
            None => self.lines.push(PriceLine {
                key: key.into(),
                amount,
            }),
        }
        Ok(())
    }

    /// The book as it may be kept: a currency of three lower-case letters, known keys, each
    /// once, no amount below zero. Returns it with its lines in `keys()`'s order.
    pub fn checked(&self) -> Result<PriceBook> {
        let currency = self.currency.trim().to_ascii_lowercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(invalid_setting(
                "currency",
                Say::PriceCurrency.with(params! { "currency" => self.currency }),
            ));
        }
        let mut book = PriceBook {
            currency,
            lines: Vec::new(),
        };
        for line in &self.lines {
            if book.price(&line.key).is_some() {
                return Err(invalid_setting(&line.key, Say::PriceKeyTwice.text()));
            }
            book.set(&line.key, line.amount)?;
        }
        let order = keys();
        book.lines
            .sort_by_key(|l| order.iter().position(|k| *k == l.key));
        Ok(book)
    }
}

/// The keys as a person types them: the compute sizes as one pattern.
fn short_keys() -> String {
    format!("{COMPUTE_PREFIX}ci_micro … ci_48xlarge_high_memory, {DISK_GB}, {VERCEL_PROJECT}, {RESEND_1000}, {N8N_1000}, {INSTANCE}")
}

/// An instance's estimated monthly cost from its latest reading, line by line, in the book's
/// currency. A thing the book has no price for, or a figure not reported, adds no line: the
/// estimate says what it counted. `free` (`limits::on_free_plan`): no compute or disk cost.
pub fn monthly_cost(book: &PriceBook, reading: &Reading, free: bool) -> Vec<CostLine> {
    let mut lines = Vec::new();
    let mut add = |say: Say, key: &str, quantity: f64, per: f64, what: String| {
        let Some(price) = book.price(key) else {
            return;
        };
        let amount = (price as f64 * quantity / per).round() as i64;
        if amount > 0 {
            lines.push(CostLine {
                what: say.with(params! { "what" => what }),
                amount: Money {
                    amount,
                    currency: book.currency.clone(),
                },
            });
        }
    };
    if !free {
        if let Some(size) = &reading.compute {
            add(
                Say::CostCompute,
                &format!("{COMPUTE_PREFIX}{size}"),
                1.0,
                1.0,
                compute_name(size),
            );
        }
        if let Some(disk) = reading.get(Figure::DiskSizeBytes) {
            let extra = (disk / GB - INCLUDED_DISK_GB).max(0.0).ceil();
            add(Say::CostDisk, DISK_GB, extra, 1.0, format!("{extra}"));
        }
    }
    if reading.get(Figure::Deployments).is_some() {
        add(Say::CostVercel, VERCEL_PROJECT, 1.0, 1.0, String::new());
    }
    for (figure, say, key) in [
        (Figure::EmailsSent, Say::CostEmails, RESEND_1000),
        (Figure::Executions, Say::CostExecutions, N8N_1000),
    ] {
        if let Some(a_day) = reading.get(figure) {
            let month = a_day * DAYS_A_MONTH;
            add(say, key, month, 1000.0, format!("{month}"));
        }
    }
    add(Say::CostInstance, INSTANCE, 1.0, 1.0, String::new());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_book_prices_every_key_once_and_passes_its_own_check() {
        let book = default_book();
        assert_eq!(book.lines.len(), keys().len());
        assert_eq!(book.checked().unwrap(), book);
        assert_eq!(book.price("supabase.compute.ci_micro"), Some(10_500));
    }

    #[test]
    fn a_bad_book_is_refused_and_says_why() {
        let mut book = default_book();
        let err = book.set("supabase.compute.ci_huge", 1).unwrap_err();
        assert!(
            err.to_string().contains("supabase.compute.ci_huge"),
            "{err}"
        );
        assert!(book.set(VERCEL_PROJECT, -1).is_err());
        assert_eq!(book, default_book(), "a refused price changes nothing");
        let twice = PriceBook {
            currency: "sek".into(),
            lines: vec![
                PriceLine {
                    key: DISK_GB.into(),
                    amount: 1,
                },
                PriceLine {
                    key: DISK_GB.into(),
                    amount: 2,
                },
            ],
        };
        assert!(twice.checked().is_err());
        let currency = PriceBook {
            currency: "kronor".into(),
            lines: vec![],
        };
        assert!(currency.checked().is_err());
        let upper = PriceBook {
            currency: " EUR".into(),
            lines: vec![],
        };
        assert_eq!(upper.checked().unwrap().currency, "eur");
    }

    #[test]
    fn the_estimate_counts_what_was_read_and_priced() {
        let book = default_book();
        let mut r = Reading {
            compute: Some("ci_small".into()),
            ..Reading::default()
        };
        r.set(Figure::DiskSizeBytes, Some(10.5 * GB));
        r.set(Figure::EmailsSent, Some(100.0));
        let lines = monthly_cost(&book, &r, false);
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount.amount).collect();
        // ci_small; 3 GB over the 8 included; 3,000 emails at 420 öre a thousand.
        assert_eq!(amounts, vec![15_800, 3 * 131, 1_260]);
        assert!(lines.iter().all(|l| l.amount.currency == "sek"));
        // On the free plan neither compute nor disk costs anything; nothing read, nothing counted.
        assert_eq!(monthly_cost(&book, &r, true).len(), 1);
        assert!(monthly_cost(&book, &Reading::default(), false).is_empty());
    }
}
