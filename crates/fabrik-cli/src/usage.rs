//! `fabrik usage [SLUG]`: what each customer uses, costs and pays (the fleet sorted by margin,
//! or one customer's figures, warnings and money); `fabrik usage prices`: the agency's price
//! book, shown or changed (every change checked before anything is kept).

use crate::language::{tr, trf, Said};
use clap::{Args, Subcommand};
use fabrik::messages::Say;
use fabrik::services::register::Register;
use fabrik::services::usage::{UsageApi, MAX_DAYS};
use fabrik::usage::limits::amount;
use fabrik::usage::order::FleetSort;
use fabrik::usage::view::{CustomerUsage, FleetRow, FleetUsage, Money, PriceBook};
use fabrik::ApiError;

use crate::print::{plain, print_json, say};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct UsageArgs {
    #[command(subcommand)]
    cmd: Option<UsageCmd>,
    /// One customer's figures, warnings and money (without: the whole fleet).
    slug: Option<String>,
    /// Over the last this many days (1 to 366; default 30).
    #[arg(long, default_value_t = 30)]
    days: i64,
    /// The fleet's order: margin (lowest first), limit (nearest first) or growth (fastest
    /// first), as in the window's Användning.
    #[arg(long, default_value = "margin", value_parser = sort_of)]
    sort: FleetSort,
    /// The result as JSON.
    #[arg(long)]
    json: bool,
}

fn sort_of(s: &str) -> Result<FleetSort, String> {
    s.parse::<FleetSort>().map_err(|_| {
        let all: Vec<&str> = FleetSort::ALL.iter().map(|s| s.as_str()).collect();
        let all = all.join(", ");
        trf!(
            "okänd ordning {s:?}: välj {all}",
            "unknown order {s:?}: choose {all}"
        )
    })
}

#[derive(Subcommand)]
pub enum UsageCmd {
    /// Read every delivered instance's figures now and keep them as today's (what the tick's
    /// usage job does once a day; here every instance afresh).
    Collect {
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The price book: what each thing an instance uses costs the agency a month, in minor
    /// units (öre, cents). With --set or --currency, changed (every change checked first).
    Prices {
        /// A price: KEY=AMOUNT in whole minor units (e.g. vercel.project=2100); may be repeated.
        #[arg(long = "set", value_name = "KEY=AMOUNT")]
        set: Vec<String>,
        /// The book's currency (three letters: sek, eur, usd).
        #[arg(long)]
        currency: Option<String>,
        /// The book as JSON.
        #[arg(long)]
        json: bool,
    },
}

impl UsageArgs {
    /// Whether the command reads the clouds (`collect`) rather than the register alone.
    pub fn collects(&self) -> bool {
        matches!(self.cmd, Some(UsageCmd::Collect { .. }))
    }
}

/// `fabrik usage collect`: the collection the tick runs, every instance afresh.
pub async fn collect(
    cloud: &std::sync::Arc<fabrik::supervisor::cloud::CloudApi>,
    args: UsageArgs,
) -> Result<(), ApiError> {
    let done = fabrik::schedule::usage::collect(cloud.clone(), None).await?;
    if matches!(args.cmd, Some(UsageCmd::Collect { json: true })) {
        print_json(&done);
        return Ok(());
    }
    println!(
        "{}",
        trf!(
            "Avlästa: {}, varav med något som inte rapporterades: {}, kunde inte sparas: {}, redan avlästa: {}.",
            "Read: {}, of which with something not reported: {}, could not be kept: {}, read already: {}.",
            done.read,
            done.partial,
            done.failed,
            done.skipped
        )
    );
    for p in &done.problems {
        println!("  ! {}", plain(&p.said()));
    }
    Ok(())
}

pub fn run(api: &Register, args: UsageArgs) -> Result<(), ApiError> {
    let usage = UsageApi::new(api.shared_store());
    match args.cmd {
        Some(UsageCmd::Collect { .. }) => Ok(()),
        Some(UsageCmd::Prices {
            set,
            currency,
            json,
        }) => prices(&usage, &set, currency, json),
        None => {
            if !(1..=MAX_DAYS).contains(&args.days) {
                return Err(fabrik::error::invalid_setting(
                    "--days",
                    Say::UsageDays.with(fabrik::messages::Params::from([(
                        "max".to_string(),
                        MAX_DAYS.to_string(),
                    )])),
                )
                .into());
            }
            match args.slug {
                Some(slug) => {
                    let u = usage.customer(&slug, args.days)?;
                    match args.json {
                        true => print_json(&u),
                        false => print_customer(&u),
                    }
                }
                None => {
                    let fleet = usage.fleet(args.days)?;
                    match args.json {
                        true => print_json(&fleet),
                        false => print_fleet(&fleet, args.sort),
                    }
                }
            }
            Ok(())
        }
    }
}

/// An amount as the terminal shows it (the core's one way): `499,00 SEK`.
fn money(m: Option<&Money>) -> String {
    m.map_or_else(|| "–".into(), Money::shown)
}

/// The fleet in the core's `sort` order (the window's too).
fn print_fleet(fleet: &FleetUsage, sort: FleetSort) {
    let order = fleet.orders.iter().find(|o| o.sort == sort);
    let rows: Vec<&FleetRow> = order
        .map(|o| {
            o.rows
                .iter()
                .filter_map(|&i| fleet.rows.get(i as usize))
                .collect()
        })
        .unwrap_or_else(|| fleet.rows.iter().collect());
    println!(
        "{:<24} {:<13} {:>14} {:>14} {:>14} {:>8}  {}",
        tr("KUND", "CUSTOMER"),
        "PLAN",
        tr("INTÄKT", "REVENUE"),
        tr("KOSTNAD", "COST"),
        tr("MARGINAL", "MARGIN"),
        tr("TILLVÄXT", "GROWTH"),
        tr("NÄRMASTE GRÄNS", "NEAREST LIMIT")
    );
    for r in rows {
        let e = &r.economics;
        let growth = r
            .growth
            .map(|g| format!("{:+.0} %", g * 100.0))
            .unwrap_or_else(|| "–".into());
        let nearest = r
            .nearest
            .as_ref()
            .map(|w| plain(&w.message.said()).into_owned())
            .unwrap_or_default();
        println!(
            "{:<24} {:<13} {:>14} {:>14} {:>14} {:>8}  {nearest}",
            plain(&r.slug),
            r.plan.as_str(),
            money(e.revenue.as_ref()),
            money(e.cost.as_ref()),
            money(e.margin.as_ref()),
            growth,
        );
        if let Some(fit) = &r.fit {
            println!("{:<24} {}", "", fit.message.said());
        }
    }
    let sums = |ms: &[Money]| {
        let all: Vec<String> = ms.iter().map(|m| money(Some(m))).collect();
        match all.is_empty() {
            true => "–".to_string(),
            false => all.join(" + "),
        }
    };
    println!(
        "\n{}",
        trf!(
            "{} kunder, senaste {} dagarna. Intäkt {}, kostnad {}, marginal {}.",
            "{} customers, last {} days. Revenue {}, cost {}, margin {}.",
            fleet.rows.len(),
            fleet.days,
            sums(&fleet.revenue),
            sums(&fleet.cost),
            sums(&fleet.margin)
        )
    );
}

fn print_customer(u: &CustomerUsage) {
    println!("{} ({}), plan {}", plain(&u.name), plain(&u.slug), u.plan);
    match &u.collected_at {
        Some(at) => println!("{}", trf!("Senast avläst {at}", "Last read {at}")),
        None => println!(
            "{}",
            tr(
                "Aldrig avläst än (fabrik usage collect)",
                "Never read yet (fabrik usage collect)"
            )
        ),
    }
    if let Some(compute) = &u.compute {
        println!(
            "{}",
            trf!(
                "Supabase-beräkning: {}",
                "Supabase compute: {}",
                plain(&fabrik::usage::prices::compute_name(compute))
            )
        );
    }
    println!();
    for l in &u.latest {
        let value = match l.value {
            Some(v) => amount(l.figure, v),
            None => say(Say::UsageNotReported, &[]),
        };
        let day = l
            .day
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        println!("  {:<32} {value}{day}", l.figure.label().said());
    }
    if !u.warnings.is_empty() {
        println!("\n{}", tr("Varningar:", "Warnings:"));
        for w in &u.warnings {
            println!("  ! {}", w.message.said());
        }
    }
    let e = &u.economics;
    println!("\n{}", tr("I månaden:", "A month:"));
    let (revenue, cost) = (tr("Intäkt", "Revenue"), tr("Kostnad", "Cost"));
    println!("  {revenue:<10}{}", money(e.revenue.as_ref()));
    println!("  {cost:<10}{}", money(e.cost.as_ref()));
    for line in &e.cost_lines {
        println!("    {:<44} {}", line.what.said(), money(Some(&line.amount)));
    }
    let margin = tr("Marginal", "Margin");
    match (&e.margin, &e.margin_missing) {
        (Some(m), _) => println!("  {margin:<10}{}", money(Some(m))),
        (None, Some(why)) => println!("  {margin:<10}– ({})", why.said()),
        (None, None) => println!("  {margin:<10}–"),
    }
    if let Some(fit) = &u.fit {
        println!(
            "\n{}",
            trf!(
                "Planen passar dåligt: {}",
                "The plan fits badly: {}",
                fit.message.said()
            )
        );
    }
    for p in &u.problems {
        println!(
            "{}",
            trf!(
                "Kunde inte läsas: {}",
                "Could not be read: {}",
                plain(&p.said())
            )
        );
    }
}

/// Shows the book, or changes it: every `--set` and the currency applied to a copy, checked,
/// and kept only when all of it is valid.
fn prices(
    usage: &UsageApi,
    set: &[String],
    currency: Option<String>,
    json: bool,
) -> Result<(), ApiError> {
    let mut book = usage.price_book()?;
    if !set.is_empty() || currency.is_some() {
        for given in set {
            let (key, value) = given.split_once('=').unwrap_or((given, ""));
            let amount: i64 = value.trim().parse().map_err(|_| {
                fabrik::error::invalid_setting(
                    key.trim(),
                    Say::PriceGiveKeyAmount.with(fabrik::messages::Params::from([(
                        "given".to_string(),
                        given.clone(),
                    )])),
                )
            })?;
            book.set(key.trim(), amount)?;
        }
        if let Some(c) = currency {
            book.currency = c;
        }
        book = usage.set_price_book(book)?;
    }
    match json {
        true => print_json(&book),
        false => print_book(&book),
    }
    Ok(())
}

fn print_book(book: &PriceBook) {
    println!(
        "{}",
        trf!(
            "Prislista i {} (belopp i hela ören/cent i månaden):",
            "Price book in {} (amounts in whole minor units a month):",
            book.currency.to_uppercase()
        )
    );
    for line in &book.lines {
        println!(
            "  {:<44} {:>10}  {}",
            line.key,
            line.amount,
            money(Some(&Money {
                amount: line.amount,
                currency: book.currency.clone()
            }))
        );
    }
}
