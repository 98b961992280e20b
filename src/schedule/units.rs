//! What the system's own scheduler is given to run `fabrik tick`: a systemd user service and
//! timer (Linux), a launchd agent (macOS), a Task Scheduler task (Windows). Pure text from a
//! plan; `system.rs` puts it in place. Each runs as the person who installed it, so the tick
//! reaches that person's keyring and nothing else: no secret is written into any of them.

use std::path::{Path, PathBuf};

/// The name every scheduler knows the job by.
pub const NAME: &str = "fabrik-tick";
/// launchd's label (reverse DNS, the app's identifier).
pub const LABEL: &str = "se.fabrik.desktop.tick";
/// Task Scheduler's path for the task.
pub const TASK: &str = "\\Fabrik\\Tick";

/// When the tick runs: every `every_minutes`, or at the given times of day. The tick itself
/// decides what is due, so a frequent timer costs little (a tick with nothing due reads the
/// register only).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(rename = "SchedulePlan")]
pub struct Plan {
    pub every_minutes: Option<u32>,
    /// "HH:MM", local time.
    pub at: Vec<String>,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            every_minutes: Some(DEFAULT_EVERY_MINUTES),
            at: Vec::new(),
        }
    }
}

pub const DEFAULT_EVERY_MINUTES: u32 = 15;

/// A time of day as (hour, minute), or why not.
pub fn time_of_day(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.trim().len() <= 5).then_some((h, m))
}

impl Plan {
    /// The plan checked: every 5 to 1,440 minutes, or valid times of day, not both. The error
    /// is what was given that is not (`SchedulePlan` says the rest in either language).
    pub fn check(&self) -> Result<(), String> {
        match (self.every_minutes, self.at.is_empty()) {
            (Some(m), false) => Err(format!("{m} + {}", self.at.join(", "))),
            (None, true) => Err("–".into()),
            (Some(m), true) if !(5..=1440).contains(&m) => Err(m.to_string()),
            _ => match self.at.iter().find(|t| time_of_day(t).is_none()) {
                Some(bad) => Err(bad.clone()),
                None => Ok(()),
            },
        }
    }

    fn times(&self) -> Vec<(u32, u32)> {
        let mut t: Vec<_> = self.at.iter().filter_map(|t| time_of_day(t)).collect();
        t.sort();
        t.dedup();
        t
    }

    /// In words, for the CLI and the window.
    pub fn describe(&self) -> String {
        match self.every_minutes {
            Some(m) => format!("var {m}:e minut"),
            None => format!(
                "kl. {}",
                self.times()
                    .iter()
                    .map(|(h, m)| format!("{h:02}:{m:02}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// What the job runs: this `fabrik` with the register it was installed for.
#[derive(Debug, Clone)]
pub struct Command {
    pub exe: PathBuf,
    /// `--db`, when the register is not the default one.
    pub db: Option<PathBuf>,
    /// `--sandbox` or `--production` when one was chosen at install; otherwise the tick works
    /// where the window is set to.
    pub environment: Option<String>,
}

impl Command {
    pub fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = self.environment.iter().cloned().collect();
        if let Some(db) = &self.db {
            a.push("--db".to_string());
            a.push(db.display().to_string());
        }
        a.push("tick".to_string());
        a
    }
}

/// A word of a systemd command line, quoted as systemd.service(5) reads it; `%` is a
/// specifier there and is doubled.
fn systemd_word(w: &str) -> String {
    let escaped = w
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%");
    format!("\"{escaped}\"")
}

/// The service (`fabrik-tick.service`): one tick, once, at low priority. Exit 3 (something
/// failed, named in the journal) marks the run failed, so `systemctl --user status` shows it.
pub fn systemd_service(cmd: &Command) -> String {
    let line = std::iter::once(cmd.exe.display().to_string())
        .chain(cmd.args())
        .map(|w| systemd_word(&w))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "# Written by `fabrik schedule install`; `fabrik schedule remove` removes it.\n\
         [Unit]\n\
         Description=Fabrik: scheduled work (backups, health sweep, alerts, inbox)\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={line}\n\
         Environment=FABRIK_SCHEDULED=1\n\
         Nice=10\n\
         # A tick that hangs is stopped; the next one continues what it left (its runs resume).\n\
         TimeoutStartSec=2h\n"
    )
}

/// The timer (`fabrik-tick.timer`): the plan's times; `Persistent` runs a tick missed while
/// the computer slept as soon as it wakes; a short random delay spreads the seats of one agency.
pub fn systemd_timer(plan: &Plan) -> String {
    let calendar: Vec<String> = match plan.every_minutes {
        Some(m) if m < 60 && 60 % m == 0 => vec![format!("*:0/{m}")],
        Some(m) if m % 60 == 0 && 24 % (m / 60) == 0 => vec![format!("0/{}:00", m / 60)],
        Some(_) => Vec::new(),
        None => plan
            .times()
            .iter()
            .map(|(h, m)| format!("*-*-* {h:02}:{m:02}:00"))
            .collect(),
    };
    let when = if calendar.is_empty() {
        // An interval the calendar cannot say (say 25 minutes): from the last run.
        let m = plan.every_minutes.unwrap_or(DEFAULT_EVERY_MINUTES);
        format!("OnBootSec=5min\nOnUnitActiveSec={m}min\n")
    } else {
        calendar
            .iter()
            .map(|c| format!("OnCalendar={c}\n"))
            .collect::<String>()
            + "Persistent=true\n"
    };
    format!(
        "# Written by `fabrik schedule install`; `fabrik schedule remove` removes it.\n\
         [Unit]\n\
         Description=Fabrik: when the scheduled work runs ({})\n\
         \n\
         [Timer]\n\
         {when}\
         RandomizedDelaySec=60\n\
         Unit={NAME}.service\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        plan.describe()
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The launchd agent (launchd.plist(5)): the program and its arguments as an array (no shell),
/// a start interval or calendar times, the output to a log beside the register's.
pub fn launchd_plist(cmd: &Command, plan: &Plan, log: &Path) -> String {
    let args: String = std::iter::once(cmd.exe.display().to_string())
        .chain(cmd.args())
        .map(|a| format!("    <string>{}</string>\n", xml_escape(&a)))
        .collect();
    let when = match plan.every_minutes {
        Some(m) => format!(
            "  <key>StartInterval</key>\n  <integer>{}</integer>\n",
            u64::from(m) * 60
        ),
        None => {
            let times: String = plan
                .times()
                .iter()
                .map(|(h, m)| {
                    format!(
                        "    <dict>\n      <key>Hour</key>\n      <integer>{h}</integer>\n      <key>Minute</key>\n      <integer>{m}</integer>\n    </dict>\n"
                    )
                })
                .collect();
            format!("  <key>StartCalendarInterval</key>\n  <array>\n{times}  </array>\n")
        }
    };
    let log = xml_escape(&log.display().to_string());
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \x20 <key>Label</key>\n\
         \x20 <string>{LABEL}</string>\n\
         \x20 <key>ProgramArguments</key>\n\
         \x20 <array>\n\
         {args}\
         \x20 </array>\n\
         {when}\
         \x20 <key>RunAtLoad</key>\n\
         \x20 <false/>\n\
         \x20 <key>ProcessType</key>\n\
         \x20 <string>Background</string>\n\
         \x20 <key>EnvironmentVariables</key>\n\
         \x20 <dict>\n\
         \x20   <key>FABRIK_SCHEDULED</key>\n\
         \x20   <string>1</string>\n\
         \x20 </dict>\n\
         \x20 <key>StandardOutPath</key>\n\
         \x20 <string>{log}</string>\n\
         \x20 <key>StandardErrorPath</key>\n\
         \x20 <string>{log}</string>\n\
         </dict>\n\
         </plist>\n"
    )
}

/// A word of a Windows command line, quoted as CommandLineToArgvW reads it.
fn windows_word(w: &str) -> String {
    if !w.is_empty() && !w.contains([' ', '\t', '"']) {
        return w.to_string();
    }
    let mut out = String::from("\"");
    let mut slashes = 0;
    for c in w.chars() {
        match c {
            '\\' => slashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(slashes * 2 + 1));
                out.push('"');
                slashes = 0;
            }
            c => {
                out.push_str(&"\\".repeat(slashes));
                out.push(c);
                slashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(slashes * 2));
    out.push('"');
    out
}

/// The Task Scheduler task (MS-TSCH 2.5, the task XML `schtasks /Create /XML` reads): as the
/// person, only while they are signed in (their keyring is theirs then), started late when the
/// computer was off, never two at once.
pub fn task_xml(cmd: &Command, plan: &Plan) -> String {
    let start = "2026-01-01T";
    let triggers: String = match plan.every_minutes {
        Some(m) => format!(
            "    <CalendarTrigger>\n      <StartBoundary>{start}00:00:00</StartBoundary>\n      <Repetition>\n        <Interval>PT{m}M</Interval>\n        <Duration>P1D</Duration>\n        <StopAtDurationEnd>false</StopAtDurationEnd>\n      </Repetition>\n      <RandomDelay>PT1M</RandomDelay>\n      <ScheduleByDay>\n        <DaysInterval>1</DaysInterval>\n      </ScheduleByDay>\n    </CalendarTrigger>\n"
        ),
        None => plan
            .times()
            .iter()
            .map(|(h, m)| {
                format!(
                    "    <CalendarTrigger>\n      <StartBoundary>{start}{h:02}:{m:02}:00</StartBoundary>\n      <RandomDelay>PT1M</RandomDelay>\n      <ScheduleByDay>\n        <DaysInterval>1</DaysInterval>\n      </ScheduleByDay>\n    </CalendarTrigger>\n"
                )
            })
            .collect(),
    };
    let args = cmd
        .args()
        .iter()
        .map(|a| windows_word(a))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n\
         <Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n\
         \x20 <RegistrationInfo>\n\
         \x20   <URI>{uri}</URI>\n\
         \x20   <Description>Fabrik: scheduled work (backups, health sweep, alerts, inbox). Written by fabrik schedule install.</Description>\n\
         \x20 </RegistrationInfo>\n\
         \x20 <Triggers>\n\
         {triggers}\
         \x20 </Triggers>\n\
         \x20 <Principals>\n\
         \x20   <Principal id=\"Author\">\n\
         \x20     <LogonType>InteractiveToken</LogonType>\n\
         \x20     <RunLevel>LeastPrivilege</RunLevel>\n\
         \x20   </Principal>\n\
         \x20 </Principals>\n\
         \x20 <Settings>\n\
         \x20   <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n\
         \x20   <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n\
         \x20   <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n\
         \x20   <StartWhenAvailable>true</StartWhenAvailable>\n\
         \x20   <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>\n\
         \x20   <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>\n\
         \x20   <Priority>7</Priority>\n\
         \x20 </Settings>\n\
         \x20 <Actions Context=\"Author\">\n\
         \x20   <Exec>\n\
         \x20     <Command>{exe}</Command>\n\
         \x20     <Arguments>{args}</Arguments>\n\
         \x20   </Exec>\n\
         \x20 </Actions>\n\
         </Task>\n",
        uri = xml_escape(TASK),
        exe = xml_escape(&cmd.exe.display().to_string()),
        args = xml_escape(&args),
    )
}

/// The task XML as `schtasks` reads a file that says `encoding="UTF-16"`: UTF-16LE with a BOM.
pub fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_checked_with_what_is_wrong_named() {
        assert!(Plan::default().check().is_ok());
        let at = |t: &[&str]| Plan {
            every_minutes: None,
            at: t.iter().map(|s| s.to_string()).collect(),
        };
        assert!(at(&["02:30", "14:00"]).check().is_ok());
        assert!(at(&["24:00"]).check().unwrap_err().contains("24:00"));
        assert!(at(&["2:3x"]).check().unwrap_err().contains("2:3x"));
        assert!(at(&[]).check().is_err());
        let every = |m| Plan {
            every_minutes: Some(m),
            at: Vec::new(),
        };
        assert_eq!(every(4).check().unwrap_err(), "4");
        assert!(every(1441).check().is_err());
    }

    #[test]
    fn timers_say_the_plan_in_systemd_calendar_terms() {
        let every = |m| Plan {
            every_minutes: Some(m),
            at: Vec::new(),
        };
        assert!(systemd_timer(&every(15)).contains("OnCalendar=*:0/15\n"));
        assert!(systemd_timer(&every(120)).contains("OnCalendar=0/2:00\n"));
        assert!(systemd_timer(&every(25)).contains("OnUnitActiveSec=25min\n"));
        let nightly = Plan {
            every_minutes: None,
            at: vec!["14:00".into(), "02:30".into()],
        };
        let t = systemd_timer(&nightly);
        assert!(
            t.contains("OnCalendar=*-*-* 02:30:00\nOnCalendar=*-*-* 14:00:00\nPersistent=true"),
            "{t}"
        );
    }

    #[test]
    fn command_lines_keep_odd_paths_whole() {
        let cmd = Command {
            exe: "/opt/Fabrik App/fabrik".into(),
            db: Some("/srv/byrå/100% \"data\"/fabrik.sqlite3".into()),
            environment: None,
        };
        let s = systemd_service(&cmd);
        assert!(
            s.contains(r#"ExecStart="/opt/Fabrik App/fabrik" "--db" "/srv/byrå/100%% \"data\"/fabrik.sqlite3" "tick""#),
            "{s}"
        );
        assert_eq!(windows_word(r#"C:\a b\"x"\"#), r#""C:\a b\\\"x\"\\""#);
        assert_eq!(windows_word("tick"), "tick");
    }
}
