//! The fleet's orders, written once: the window's Användning and `fabrik usage` list the rows
//! in the order the core gives, so "lowest margin first" means the same in both.

use std::cmp::Ordering;

pub use super::view::FleetSort;
use super::view::{FleetOrder, FleetRow};

/// A row's margin as a share of its revenue: a loss on no revenue is the lowest there is.
fn margin_share(r: &FleetRow) -> Option<f64> {
    let (margin, revenue) = (r.economics.margin.as_ref()?, r.economics.revenue.as_ref()?);
    Some(match (revenue.amount, margin.amount) {
        (rev, m) if rev > 0 => m as f64 / rev as f64,
        (_, m) if m < 0 => f64::NEG_INFINITY,
        _ => 0.0,
    })
}

/// What a row is ordered by under `sort`, lowest first; `None` where it cannot be placed.
fn key(r: &FleetRow, sort: FleetSort) -> Option<[f64; 2]> {
    match sort {
        FleetSort::Margin => {
            let amount = r.economics.margin.as_ref()?.amount as f64;
            Some([margin_share(r)?, amount])
        }
        FleetSort::Limit => {
            let w = r.nearest.as_ref()?;
            Some([w.days_left.map_or(f64::INFINITY, |d| d as f64), -w.share])
        }
        FleetSort::Growth => Some([-r.growth?, 0.0]),
    }
}

/// The rows' indexes in `sort`'s order; rows that compare equal keep the order they came in
/// (the register's: by name).
pub fn order(rows: &[FleetRow], sort: FleetSort) -> Vec<u32> {
    let keys: Vec<Option<[f64; 2]>> = rows.iter().map(|r| key(r, sort)).collect();
    let mut at: Vec<u32> = (0..rows.len() as u32).collect();
    at.sort_by(|&a, &b| match (&keys[a as usize], &keys[b as usize]) {
        (Some(x), Some(y)) => x
            .iter()
            .zip(y)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    at
}

/// Every order of the rows, as the fleet view carries them.
pub fn orders(rows: &[FleetRow]) -> Vec<FleetOrder> {
    FleetSort::ALL
        .iter()
        .map(|&sort| FleetOrder {
            sort,
            rows: order(rows, sort),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::{Plan, Status};
    use crate::messages::Text;
    use crate::usage::view::{Economics, LimitKind, Money, Warning};

    fn row(slug: &str, revenue: Option<(i64, &str)>, margin: Option<i64>) -> FleetRow {
        let money = |amount, currency: &str| Money {
            amount,
            currency: currency.into(),
        };
        FleetRow {
            slug: slug.into(),
            name: slug.into(),
            plan: Plan::Starter,
            status: Status::Active,
            collected_at: None,
            economics: Economics {
                revenue: revenue.map(|(a, c)| money(a, c)),
                cost: None,
                cost_lines: Vec::new(),
                margin: margin.zip(revenue).map(|(m, (_, c))| money(m, c)),
                margin_missing: None,
            },
            nearest: None,
            warnings: 0,
            growth: None,
            fit: None,
            database: Vec::new(),
        }
    }

    #[test]
    fn lowest_margin_first_is_a_share_of_revenue_so_currencies_compare() {
        let rows = vec![
            row("no-margin", None, None),
            // 100 of 1,000 SEK: 10 %.
            row("sek-10", Some((100_000, "sek")), Some(10_000)),
            // 50 of 100 EUR: 50 %, a larger share though a smaller amount than the SEK one.
            row("eur-50", Some((10_000, "eur")), Some(5_000)),
            // A loss on no revenue: the lowest there is.
            row("loss", Some((0, "sek")), Some(-2_000)),
        ];
        let slugs = |sort| -> Vec<String> {
            order(&rows, sort)
                .iter()
                .map(|&i| rows[i as usize].slug.clone())
                .collect()
        };
        assert_eq!(
            slugs(FleetSort::Margin),
            ["loss", "sek-10", "eur-50", "no-margin"]
        );
        // No growth to say: every row compares equal and keeps the register's order.
        assert_eq!(
            slugs(FleetSort::Growth),
            ["no-margin", "sek-10", "eur-50", "loss"]
        );
        assert_eq!(orders(&rows).len(), FleetSort::ALL.len());
    }

    #[test]
    fn the_nearest_limit_is_the_one_that_bites_soonest_then_the_fullest() {
        let mut rows = vec![
            row("a", None, None),
            row("b", None, None),
            row("c", None, None),
            row("d", None, None),
        ];
        let warning = |days_left: Option<i64>, share: f64| Warning {
            kind: LimitKind::Figure,
            figure: None,
            share,
            limit: 2.0,
            value: 1.0,
            days_left,
            limit_of: "Supabase Free".into(),
            message: Text {
                sv: String::new(),
                en: String::new(),
            },
        };
        rows[0].nearest = Some(warning(None, 0.99));
        rows[1].nearest = Some(warning(Some(3), 0.8));
        rows[2].nearest = Some(warning(Some(3), 0.9));
        assert_eq!(order(&rows, FleetSort::Limit), [2, 1, 0, 3]);
    }
}
