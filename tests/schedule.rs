//! Work without an open window (issue #43): what each system scheduler is given passes that
//! scheduler's own check (`systemd-analyze verify`; the plist DTD and launchd's key types; the
//! Task Scheduler schema), an install that the scheduler refuses leaves nothing behind, and
//! `fabrik tick` twice on a simulated fleet: the first backs up and alerts once, the second
//! finds nothing due and makes no request at all.

use crate::common;
use fabrik::customer::rows::CustomerRows;
use fabrik::database::backup::rows::BackupRows;
use fabrik::schedule::rows::ScheduleRows;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use fabrik::schedule::units::{self, Plan};
use fabrik::supervisor::cloud::Environment;
use serde_json::Value;

fn contract(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("contracts/schedulers")
        .join(name)
}

/// A command line with awkward folders: spaces, a percent sign and non-ASCII in the program's
/// (systemd refuses quotes in a program's path, and so would any install), quotes too in the
/// register's.
fn awkward(dir: &Path) -> units::Command {
    let odd = dir.join("Byrå 100% app");
    std::fs::create_dir_all(&odd).unwrap();
    let exe = odd.join("fabrik");
    std::fs::copy(crate::common::fabrik_exe(), &exe).unwrap();
    units::Command {
        exe,
        db: Some(dir.join("Kund \"data\" 100%").join("fabrik.sqlite3")),
        environment: Some("--sandbox".into()),
    }
}

fn plans() -> Vec<Plan> {
    vec![
        Plan::default(),
        Plan {
            every_minutes: Some(120),
            at: vec![],
        },
        Plan {
            every_minutes: Some(25),
            at: vec![],
        },
        Plan {
            every_minutes: None,
            at: vec!["02:30".into(), "14:05".into()],
        },
    ]
}

/// `xmllint --noout --nonet` with `check` (`--dtdvalid FILE` or `--schema FILE`) on `file`.
fn xmllint(check: &str, contract_file: &str, file: &Path) -> std::process::Output {
    Command::new("xmllint")
        .args(["--noout", "--nonet", check])
        .arg(contract(contract_file))
        .arg(file)
        .output()
        .unwrap()
}

fn tool(name: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("FABRIK_TEST_KEYRING").is_none(),
        "{name} is missing: scripts/setup.sh installs it"
    );
    found
}

#[test]
fn the_systemd_units_pass_systemd_analyze_verify() {
    if !tool("systemd-analyze") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cmd = awkward(dir.path());
    for plan in plans() {
        let units_dir = dir.path().join("units");
        std::fs::create_dir_all(&units_dir).unwrap();
        let service = units_dir.join("fabrik-tick.service");
        let timer = units_dir.join("fabrik-tick.timer");
        std::fs::write(&service, units::systemd_service(&cmd)).unwrap();
        std::fs::write(&timer, units::systemd_timer(&plan)).unwrap();
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&service)
            .arg(&timer)
            .env("SYSTEMD_LOG_LEVEL", "warning")
            .output()
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Lines about the machine's own units (no systemd running here) are not ours.
        let ours: Vec<&str> = said.lines().filter(|l| l.contains("fabrik-tick")).collect();
        assert!(out.status.success() && ours.is_empty(), "{plan:?}:\n{said}");
    }
    // A unit it cannot run is caught by the same check: the test can fail.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    let service = broken.join("fabrik-tick.service");
    let missing = units::Command {
        exe: dir.path().join("no-such-fabrik"),
        ..awkward(dir.path())
    };
    std::fs::write(&service, units::systemd_service(&missing)).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&service)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a missing program must fail verify");
}

#[test]
fn the_launchd_agent_is_a_valid_plist_with_launchds_key_types() {
    if !tool("xmllint") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cmd = awkward(dir.path());
    for plan in plans() {
        let text = units::launchd_plist(&cmd, &plan, &dir.path().join("logs/tick.log"));
        let file = dir.path().join("agent.plist");
        std::fs::write(&file, &text).unwrap();
        let out = xmllint("--dtdvalid", "PropertyList-1.0.dtd", &file);
        assert!(
            out.status.success(),
            "{plan:?}: {}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
        // launchd.plist(5): the keys and their types, read back as launchd reads them.
        let value: plist_like::Dict = plist_like::parse(&text);
        assert_eq!(value.string("Label"), Some(units::LABEL.to_string()));
        let args = value.strings("ProgramArguments");
        assert_eq!(args[0], cmd.exe.display().to_string(), "the path whole");
        assert_eq!(&args[1..], cmd.args().as_slice());
        match plan.every_minutes {
            Some(m) => assert_eq!(value.integer("StartInterval"), Some(i64::from(m) * 60)),
            None => assert_eq!(value.count("Hour"), plan.at.len()),
        }
        assert_eq!(value.string("ProcessType").as_deref(), Some("Background"));
    }
}

#[test]
fn the_windows_task_is_valid_against_the_task_scheduler_schema() {
    if !tool("xmllint") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cmd = awkward(dir.path());
    for plan in plans() {
        let file = dir.path().join("task.xml");
        std::fs::write(&file, units::utf16le(&units::task_xml(&cmd, &plan))).unwrap();
        let out = xmllint("--schema", "task-scheduler-subset.xsd", &file);
        assert!(
            out.status.success(),
            "{plan:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The schema is not a rubber stamp: the elements out of order fail it.
    let swapped = units::task_xml(&cmd, &Plan::default())
        .replace("<Command>", "<Arguments>x</Arguments><Command>");
    let file = dir.path().join("swapped.xml");
    std::fs::write(&file, units::utf16le(&swapped)).unwrap();
    let out = xmllint("--schema", "task-scheduler-subset.xsd", &file);
    assert!(!out.status.success());
}

/// Installing where the scheduler cannot take it (no user systemd in this test's session):
/// refused with the scheduler's own words, and no file of Fabrik's is left.
#[test]
fn an_install_the_scheduler_refuses_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    let config = dir.path().join("config");
    let out = Command::new(crate::common::fabrik_exe())
        .args(["--db"])
        .arg(&db)
        .args(["schedule", "install", "--every", "15"])
        .env("XDG_CONFIG_HOME", &config)
        // No session bus: `systemctl --user` cannot reach a user manager.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env("XDG_RUNTIME_DIR", dir.path().join("no-runtime"))
        .output()
        .unwrap();
    let said = said(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("schedule_failed") && said.contains("systemctl --user"),
        "{said}"
    );
    let left: Vec<_> = walk(&config);
    assert!(left.is_empty(), "files left behind: {left:?}");

    // A bad plan is refused before anything is written, naming the value.
    let out = Command::new(crate::common::fabrik_exe())
        .args(["--db"])
        .arg(&db)
        .args(["schedule", "install", "--at", "25:00"])
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let refused = common::said(&out);
    assert!(refused.contains("25:00"), "{refused}");
    assert!(walk(&config).is_empty());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Requests the simulator saw, by method and path.
async fn requests(sim: &fabrik_sim::SimHandle) -> Vec<(String, String)> {
    let log = get(sim, "/__sim/requests").await;
    log.as_array()
        .or_else(|| log["requests"].as_array())
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or("").to_string(),
                r["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

async fn clear_requests(sim: &fabrik_sim::SimHandle) {
    reqwest::Client::new()
        .delete(format!("{}/__sim/requests", sim.base_url()))
        .send()
        .await
        .unwrap();
}

fn tick(sim: &fabrik_sim::SimHandle, db: &Path) -> (Value, String, i32) {
    let out = cli(sim, db)
        .env("FABRIK_GITEA_TOKEN", TOKEN)
        .args(["tick", "--json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {}", said(&out)));
    (report, said(&out), out.status.code().unwrap_or(-1))
}

fn job<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

/// `fabrik tick` twice on a simulated fleet of five, one of them paused, beside the example
/// customers (instance cards Fabrik never delivered). The first (a nightly
/// one): four database and four workflow backups (the paused one is not backed up), the sweep,
/// and one alert naming the paused instance's missing backups. The second: nothing due, no request to any provider, no
/// run, and the alert not repeated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_ticks_the_first_backs_up_and_alerts_once_the_second_does_nothing() {
    let Some(secrets) = keyring("schedule-tick") else {
        return;
    };
    let sim = sim(fabrik_sim::Profile::Instant).await;
    backup_repository(&sim).await;
    let names: Vec<String> = [
        "Natt Ett AB",
        "Natt Två AB",
        "Natt Tre AB",
        "Natt Fyra AB",
        "Natt Paus AB",
    ]
    .map(String::from)
    .to_vec();
    let (_dir, db, store, slugs) = delivered_fleet(&sim, secrets, &names).await;
    store
        .set_setting("alerts.email", "larm@byran.example.se")
        .unwrap();
    // The example customers: instance cards Fabrik never delivered (imported, typed in), which
    // it neither backs up nor alerts about.
    let out = cli(&sim, &db)
        .args(["customers", "examples"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let paused = slugs[4].clone();
    let out = cli(&sim, &db)
        .args(["pause", &paused, "--yes"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let runs_before = store.list_runs(None, 500).unwrap().len();

    let started = std::time::Instant::now();
    let (r1, said1, code) = tick(&sim, &db);
    let first_ms = started.elapsed().as_millis();
    assert_eq!(code, 0, "{said1}\n{r1:#}");
    let backed: Vec<&str> = job(&r1, "database_backups")["did"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let mut active: Vec<&str> = slugs[..4].iter().map(String::as_str).collect();
    active.sort();
    let mut got = backed.clone();
    got.sort();
    assert_eq!(got, active, "{r1:#}");
    let mut workflows: Vec<&str> = job(&r1, "workflow_backups")["did"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    workflows.sort();
    assert_eq!(workflows, active, "{r1:#}");
    assert_eq!(job(&r1, "health_sweep")["state"], "done", "{r1:#}");
    assert_eq!(
        job(&r1, "backup_alert")["alerted"],
        serde_json::json!([paused]),
        "{r1:#}"
    );
    let alerts: Vec<Value> = inventory(&sim).await["resend"]["emails"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["text"]
                .as_str()
                .is_some_and(|t| t.contains("backup.alert_hours"))
        })
        .cloned()
        .collect();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0]["text"].as_str().unwrap().contains(&paused));
    for slug in &slugs[..4] {
        let c = store
            .get_customer_in(slug, Environment::Production)
            .unwrap();
        assert_eq!(
            store
                .backups(c.id, Environment::Production, false)
                .unwrap()
                .len(),
            1,
            "{slug}"
        );
    }

    // The second: nothing due, not one request, no run, no email.
    let emails_after_first = counts(&inventory(&sim).await)["emails"].as_u64().unwrap();
    clear_requests(&sim).await;
    let runs_after_first = store.list_runs(None, 500).unwrap().len();
    assert_eq!(
        runs_after_first,
        runs_before + 8,
        "a database and a workflow backup each"
    );
    let started = std::time::Instant::now();
    let (r2, said2, code) = tick(&sim, &db);
    let second_ms = started.elapsed().as_millis();
    assert_eq!(code, 0, "{said2}\n{r2:#}");
    for j in r2["jobs"].as_array().unwrap() {
        assert!(
            j["state"] == "nothing" || j["state"] == "off",
            "{j} in {r2:#}"
        );
    }
    let seen = requests(&sim).await;
    assert!(seen.is_empty(), "a tick with nothing due called: {seen:?}");
    assert_eq!(store.list_runs(None, 500).unwrap().len(), runs_after_first);
    assert_eq!(
        counts(&inventory(&sim).await)["emails"].as_u64().unwrap(),
        emails_after_first
    );
    // What the register remembers: both ticks, who and what.
    let ticks = store.recent_ticks(5).unwrap();
    assert_eq!(ticks.len(), 2);
    assert!(ticks
        .iter()
        .all(|t| t.outcome == Some(fabrik::schedule::rows::TickOutcome::Ok)));
    let jobs = store.scheduled_jobs().unwrap();
    assert!(jobs.iter().all(|j| j.lease_holder.is_none()), "{jobs:?}");
    println!("bench: tick_first_ms={first_ms} tick_nothing_due_ms={second_ms} instances=5 nothing_due_requests={}", seen.len());

    // Two ticks at once on this seat: the second ends at once, named, and is kept.
    let dir = db.parent().unwrap();
    let lock = fabrik::schedule::lock_seat(dir).unwrap();
    let (r3, _, code) = tick(&sim, &db);
    drop(lock);
    assert_eq!(code, 3);
    assert_eq!(r3["refused"]["code"], "tick_busy", "{r3:#}");
    assert_eq!(
        store.recent_ticks(1).unwrap()[0].reason.as_deref(),
        Some("tick_busy")
    );
    sim.shutdown().await;
}

/// The few plist reads the test needs, on the XML `launchd_plist` writes (one key, one value).
mod plist_like {
    pub struct Dict(String);

    pub fn parse(text: &str) -> Dict {
        Dict(text.to_string())
    }

    impl Dict {
        fn after(&self, key: &str) -> Option<&str> {
            let at = self.0.find(&format!("<key>{key}</key>"))?;
            Some(self.0[at + key.len() + 11..].trim_start())
        }

        fn unescape(s: &str) -> String {
            s.replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        }

        pub fn string(&self, key: &str) -> Option<String> {
            let rest = self.after(key)?.strip_prefix("<string>")?;
            Some(Self::unescape(&rest[..rest.find("</string>")?]))
        }

        pub fn integer(&self, key: &str) -> Option<i64> {
            let rest = self.after(key)?.strip_prefix("<integer>")?;
            rest[..rest.find("</integer>")?].parse().ok()
        }

        pub fn strings(&self, key: &str) -> Vec<String> {
            let rest = self
                .after(key)
                .and_then(|r| r.strip_prefix("<array>"))
                .unwrap_or("");
            let body = &rest[..rest.find("</array>").unwrap_or(0)];
            body.split("<string>")
                .skip(1)
                .map(|s| Self::unescape(&s[..s.find("</string>").unwrap()]))
                .collect()
        }

        pub fn count(&self, key: &str) -> usize {
            self.0.matches(&format!("<key>{key}</key>")).count()
        }
    }
}

/// A tick that cannot reach the register ends at once with the reason, exit 3; the seat keeps
/// it (the register could not), and `fabrik schedule status` (and the window) say so.
#[test]
fn a_tick_that_cannot_reach_the_register_says_so_and_the_seat_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    let fabrik = || {
        let mut c = Command::new(crate::common::fabrik_exe());
        c.arg("--db")
            .arg(&db)
            .env(
                "FABRIK_DATABASE_URL",
                "postgres://fabrik@127.0.0.1:1/fabrik",
            )
            .env("XDG_CONFIG_HOME", dir.path().join("config"));
        c
    };
    let started = std::time::Instant::now();
    let out = fabrik().args(["tick", "--json"]).output().unwrap();
    let ms = started.elapsed().as_millis();
    assert_eq!(out.status.code(), Some(3), "{}", said(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "refused", "{report:#}");
    let code = report["refused"]["code"].as_str().unwrap();
    assert!(
        code == "register_unreachable" || code == "database_open",
        "{report:#}"
    );
    assert!(report["jobs"].as_array().unwrap().is_empty());
    let kept: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("logs/tick-refused.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(kept["refused"]["code"], code);
    assert!(kept["at"].is_string());
    let status = fabrik().args(["schedule", "status"]).output().unwrap();
    assert!(
        said(&status).contains("Senast stoppad här innan registret nåddes"),
        "{}",
        said(&status)
    );
    println!("bench: tick_register_unreachable_ms={ms}");
}
