//! The units put in place with the system's own scheduler for the signed-in person, asked
//! about and taken away: `systemctl --user` on Linux, `launchctl` on macOS, `schtasks` on
//! Windows. Every command has a time limit; one that fails leaves nothing of Fabrik's behind
//! (the files written are removed again) and its own words are in the error.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use super::units::{self, Command, Plan};

/// Which scheduler this computer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Scheduler {
    Systemd,
    Launchd,
    TaskScheduler,
}

impl Scheduler {
    pub fn here() -> Scheduler {
        if cfg!(target_os = "macos") {
            Scheduler::Launchd
        } else if cfg!(windows) {
            Scheduler::TaskScheduler
        } else {
            Scheduler::Systemd
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheduler::Systemd => "systemd (användarens timer)",
            Scheduler::Launchd => "launchd (LaunchAgent)",
            Scheduler::TaskScheduler => "Schemaläggaren i Windows",
        }
    }
}

/// What is installed, as the files and the scheduler say.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Installed {
    pub scheduler: Scheduler,
    /// The files Fabrik wrote for it (none: not installed).
    pub files: Vec<String>,
    /// The plan the files say, when they are Fabrik's.
    pub plan: Option<Plan>,
    /// What the scheduler itself answered (next run, or why it does not know the job).
    pub scheduler_says: Option<String>,
}

/// Why the scheduler did not take the job.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("{command}: {said}")]
    Command { command: String, said: String },
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Plan(String),
}

/// Where a person's own units live (`$XDG_CONFIG_HOME/systemd/user`).
fn systemd_dir() -> PathBuf {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from(".config"))
        .join("systemd/user")
}

fn launch_agents() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join("Library/LaunchAgents")
}

/// The files the job consists of on this computer.
fn files(scheduler: Scheduler, data_dir: &Path) -> Vec<PathBuf> {
    match scheduler {
        Scheduler::Systemd => vec![
            systemd_dir().join(format!("{}.service", units::NAME)),
            systemd_dir().join(format!("{}.timer", units::NAME)),
        ],
        Scheduler::Launchd => vec![launch_agents().join(format!("{}.plist", units::LABEL))],
        // Task Scheduler keeps the task itself; the XML is kept beside the register so that
        // what was installed can be read back.
        Scheduler::TaskScheduler => vec![data_dir.join("schedule").join("fabrik-tick.xml")],
    }
}

/// A command run with a time limit; its output when it succeeded, its words when not.
fn run(program: &str, args: &[&str]) -> Result<String, ScheduleError> {
    let line = format!("{program} {}", args.join(" "));
    let child = std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ScheduleError::Command {
            command: line.clone(),
            said: e.to_string(),
        })?;
    let (tx, rx) = std::sync::mpsc::channel();
    let id = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Ok(out)) if out.status.success() => {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Ok(Ok(out)) => {
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            let said = if said.is_empty() {
                String::from_utf8_lossy(&out.stdout).trim().to_string()
            } else {
                said
            };
            Err(ScheduleError::Command {
                command: line,
                said: format!("{said} ({})", out.status),
            })
        }
        Ok(Err(e)) => Err(ScheduleError::Command {
            command: line,
            said: e.to_string(),
        }),
        Err(_) => {
            // Stopped, so a hung scheduler command leaves no process behind.
            #[cfg(unix)]
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            #[cfg(not(unix))]
            let _ = id;
            Err(ScheduleError::Command {
                command: line,
                said: "no answer within 30 seconds".into(),
            })
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ScheduleError> {
    let fail = |source| ScheduleError::File {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// The job written and handed to the scheduler. Installing again replaces it (a new plan).
pub fn install(cmd: &Command, plan: &Plan, data_dir: &Path) -> Result<Installed, ScheduleError> {
    plan.check().map_err(ScheduleError::Plan)?;
    let scheduler = Scheduler::here();
    let paths = files(scheduler, data_dir);
    let contents: Vec<Vec<u8>> = match scheduler {
        Scheduler::Systemd => vec![
            units::systemd_service(cmd).into_bytes(),
            units::systemd_timer(plan).into_bytes(),
        ],
        Scheduler::Launchd => {
            vec![
                units::launchd_plist(cmd, plan, &data_dir.join("logs").join("tick.log"))
                    .into_bytes(),
            ]
        }
        Scheduler::TaskScheduler => vec![units::utf16le(&units::task_xml(cmd, plan))],
    };
    for (p, c) in paths.iter().zip(&contents) {
        if let Err(e) = write(p, c) {
            remove_files(&paths);
            return Err(e);
        }
    }
    let registered = match scheduler {
        Scheduler::Systemd => run("systemctl", &["--user", "daemon-reload"]).and_then(|_| {
            run(
                "systemctl",
                &[
                    "--user",
                    "enable",
                    "--now",
                    &format!("{}.timer", units::NAME),
                ],
            )
        }),
        Scheduler::Launchd => {
            let domain = format!("gui/{}", uid());
            let plist = paths[0].display().to_string();
            // Bootstrapping a label that is loaded fails; out first (a new plan).
            let _ = run(
                "launchctl",
                &["bootout", &format!("{domain}/{}", units::LABEL)],
            );
            run("launchctl", &["bootstrap", &domain, &plist])
        }
        Scheduler::TaskScheduler => {
            let xml = paths[0].display().to_string();
            run(
                "schtasks",
                &["/Create", "/TN", units::TASK, "/XML", &xml, "/F"],
            )
        }
    };
    if let Err(e) = registered {
        remove_files(&paths);
        if scheduler == Scheduler::Systemd {
            let _ = run("systemctl", &["--user", "daemon-reload"]);
        }
        return Err(e);
    }
    Ok(status(data_dir))
}

fn remove_files(paths: &[PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

/// The person's user id, for launchd's `gui/<uid>` domain: the owner of their home folder
/// (no unsafe call for something the file system already says).
fn uid() -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::env::var_os("HOME")
            .and_then(|h| std::fs::metadata(h).ok())
            .map(|m| m.uid())
            .unwrap_or(0)
    }
    #[cfg(not(unix))]
    {
        0
    }
}

/// What is installed now: the files, the plan in them, what the scheduler says.
pub fn status(data_dir: &Path) -> Installed {
    let scheduler = Scheduler::here();
    let paths: Vec<PathBuf> = files(scheduler, data_dir)
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    let plan = paths.last().and_then(|p| plan_in(scheduler, p));
    let scheduler_says = if paths.is_empty() {
        None
    } else {
        Some(
            match scheduler {
                Scheduler::Systemd => run(
                    "systemctl",
                    &[
                        "--user",
                        "list-timers",
                        "--all",
                        "--no-pager",
                        &format!("{}.timer", units::NAME),
                    ],
                ),
                Scheduler::Launchd => run(
                    "launchctl",
                    &["print", &format!("gui/{}/{}", uid(), units::LABEL)],
                )
                .map(|s| s.lines().take(12).collect::<Vec<_>>().join("\n")),
                Scheduler::TaskScheduler => run(
                    "schtasks",
                    &["/Query", "/TN", units::TASK, "/FO", "LIST", "/V"],
                ),
            }
            .unwrap_or_else(|e| e.to_string())
            .trim()
            .to_string(),
        )
    };
    Installed {
        scheduler,
        files: paths.iter().map(|p| p.display().to_string()).collect(),
        plan,
        scheduler_says,
    }
}

/// The plan a file of Fabrik's says (read back, so status shows what is really there).
fn plan_in(scheduler: Scheduler, path: &Path) -> Option<Plan> {
    let bytes = std::fs::read(path).ok()?;
    let text = match scheduler {
        Scheduler::TaskScheduler => {
            let units: Vec<u16> = bytes
                .get(2..)?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()?
        }
        _ => String::from_utf8(bytes).ok()?,
    };
    let between = |open: &str, close: &str| -> Vec<String> {
        text.split(open)
            .skip(1)
            .filter_map(|s| s.split(close).next().map(str::to_string))
            .collect()
    };
    let every = |m: Option<u32>| Plan {
        every_minutes: m,
        at: Vec::new(),
    };
    match scheduler {
        Scheduler::Systemd => {
            if let Some(m) = between("OnCalendar=*:0/", "\n").first() {
                return Some(every(m.parse().ok()));
            }
            if let Some(h) = between("OnCalendar=0/", ":00\n").first() {
                return Some(every(h.parse::<u32>().ok().map(|h| h * 60)));
            }
            if let Some(m) = between("OnUnitActiveSec=", "min\n").first() {
                return Some(every(m.parse().ok()));
            }
            let at: Vec<String> = between("OnCalendar=*-*-* ", ":00\n");
            (!at.is_empty()).then_some(Plan {
                every_minutes: None,
                at,
            })
        }
        Scheduler::Launchd => {
            if let Some(s) = between("<key>StartInterval</key>\n  <integer>", "</integer>").first()
            {
                return Some(every(s.parse::<u32>().ok().map(|s| s / 60)));
            }
            let hours = between("<key>Hour</key>\n      <integer>", "</integer>");
            let minutes = between("<key>Minute</key>\n      <integer>", "</integer>");
            Some(Plan {
                every_minutes: None,
                at: hours
                    .iter()
                    .zip(&minutes)
                    .map(|(h, m)| format!("{:0>2}:{:0>2}", h, m))
                    .collect(),
            })
        }
        Scheduler::TaskScheduler => {
            if let Some(m) = between("<Interval>PT", "M</Interval>").first() {
                return Some(every(m.parse().ok()));
            }
            Some(Plan {
                every_minutes: None,
                at: between("<StartBoundary>2026-01-01T", ":00</StartBoundary>"),
            })
        }
    }
}

/// The job taken away from the scheduler and its files removed; what was removed.
pub fn remove(data_dir: &Path) -> Result<Vec<String>, ScheduleError> {
    let scheduler = Scheduler::here();
    let paths: Vec<PathBuf> = files(scheduler, data_dir)
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    match scheduler {
        Scheduler::Systemd => {
            run(
                "systemctl",
                &[
                    "--user",
                    "disable",
                    "--now",
                    &format!("{}.timer", units::NAME),
                ],
            )?;
        }
        Scheduler::Launchd => {
            run(
                "launchctl",
                &["bootout", &format!("gui/{}/{}", uid(), units::LABEL)],
            )?;
        }
        Scheduler::TaskScheduler => {
            run("schtasks", &["/Delete", "/TN", units::TASK, "/F"])?;
        }
    }
    remove_files(&paths);
    if scheduler == Scheduler::Systemd {
        let _ = run("systemctl", &["--user", "daemon-reload"]);
    }
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}
