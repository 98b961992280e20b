use super::*;
use crate::messages::Text;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn with(figure: Figure, value: f64) -> Reading {
    let mut r = Reading::default();
    r.set(figure, Some(value));
    r
}

#[test]
fn a_free_project_growing_toward_500_mb_is_warned_of_with_the_days_left() {
    // 300 MB to 400 MB in ten days: 10 MB a day, 100 MB left, ten days.
    let days = vec![
        (day(1), with(Figure::DatabaseBytes, 300.0 * MB)),
        (day(11), with(Figure::DatabaseBytes, 400.0 * MB)),
    ];
    let w = warnings(&days, &BTreeMap::new(), Plan::Enterprise);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].figure, Some(Figure::DatabaseBytes));
    assert_eq!(w[0].limit_of, "Supabase Free");
    assert_eq!(w[0].days_left, Some(10));
    assert_eq!(
        w[0].message.sv,
        "Databasens storlek: 400 MB av 500 MB (Supabase Free), om 10 dagar i nuvarande takt"
    );
    // The same on a paid compute add-on: no free plan's limit.
    let paid: Vec<_> = days
        .iter()
        .map(|(d, r)| {
            let mut r = r.clone();
            r.compute = Some("ci_micro".into());
            (*d, r)
        })
        .collect();
    assert!(warnings(&paid, &BTreeMap::new(), Plan::Enterprise).is_empty());
    // Nor when the add-ons could not be read: a free plan is not guessed.
    let mut unread = days.clone();
    unread[1]
        .1
        .problems
        .push((Provider::Supabase, Text::new(String::new(), String::new())));
    assert!(!on_free_plan(&unread[1].1));
}

#[test]
fn a_limit_far_away_at_a_slow_pace_says_nothing_and_one_reached_says_so() {
    let slow = vec![
        (day(1), with(Figure::DatabaseBytes, 100.0 * MB)),
        (day(11), with(Figure::DatabaseBytes, 101.0 * MB)),
    ];
    assert!(warnings(&slow, &BTreeMap::new(), Plan::Enterprise).is_empty());
    let over = vec![(day(3), with(Figure::AuthUsers, 60_000.0))];
    let w = warnings(&over, &BTreeMap::new(), Plan::Enterprise);
    assert_eq!(w[0].days_left, Some(0));
    assert!(
        w[0].message.sv.contains("gränsen är nådd"),
        "{}",
        w[0].message.sv
    );
}

#[test]
fn the_agency_plan_and_the_daily_and_monthly_email_limits_are_counted() {
    // 90 emails today (Resend's 100 a day) and 2,700 this month by the 10th (3,000 a month,
    // 270 a day: reached in two days).
    let days = vec![(day(10), with(Figure::EmailsSent, 90.0))];
    let month = BTreeMap::from([(Figure::EmailsSent, 2_700.0)]);
    let w = warnings(&days, &month, Plan::Enterprise);
    let of: Vec<(&str, Option<i64>)> = w
        .iter()
        .map(|w| (w.limit_of.as_str(), w.days_left))
        .collect();
    assert_eq!(of, [("Resend Free", Some(2)), ("Resend Free", None)]);
    // Starter includes 1,000 emails a month: reached.
    let w = warnings(&days, &month, Plan::Starter);
    assert_eq!(
        (w[0].limit_of.as_str(), w[0].days_left),
        ("Starter", Some(0))
    );
}

#[test]
fn deployments_a_day_are_the_change_in_the_months_count() {
    let days = vec![
        (day(9), with(Figure::Deployments, 400.0)),
        (day(10), with(Figure::Deployments, 495.0)),
    ];
    let w = warnings(&days, &BTreeMap::new(), Plan::Enterprise);
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].value, w[0].limit_of.as_str()), (95.0, "Vercel Hobby"));
    // Without yesterday's count, a day's deployments cannot be said.
    assert!(warnings(&days[1..], &BTreeMap::new(), Plan::Enterprise).is_empty());
}

#[test]
fn an_idle_free_project_is_warned_of_before_supabase_pauses_it() {
    let mut r = Reading {
        last_active: Some(day(1)),
        ..Reading::default()
    };
    let w = warnings(&[(day(5), r.clone())], &BTreeMap::new(), Plan::Enterprise);
    assert_eq!(w[0].kind, LimitKind::IdlePause);
    assert_eq!(w[0].days_left, Some(3));
    assert!(warnings(&[(day(3), r.clone())], &BTreeMap::new(), Plan::Enterprise).is_empty());
    let w = warnings(&[(day(9), r.clone())], &BTreeMap::new(), Plan::Enterprise);
    assert_eq!(w[0].days_left, Some(0));
    assert!(w[0].message.sv.contains("kan ha pausat"));
    r.compute = Some("ci_small".into());
    assert!(warnings(&[(day(9), r)], &BTreeMap::new(), Plan::Enterprise).is_empty());
}

#[test]
fn the_monthly_figures_are_those_a_limit_counts_by_the_month() {
    let mut counted: Vec<Figure> = provider_limits(true)
        .into_iter()
        .chain(Plan::ALL.iter().flat_map(|p| allowance(*p)))
        .filter(|l| l.over == Over::Month && def(l.figure).per == Per::Day)
        .map(|l| l.figure)
        .collect();
    counted.sort();
    counted.dedup();
    let mut declared = MONTHLY.to_vec();
    declared.sort();
    assert_eq!(counted, declared);
}
