//! `sportello seed`: loads synthetic persons and employers, with a progress bar on stderr
//! and a summary in Italian on stdout.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sportello_db::seed::{self as seeder, DatabaseConnection, SeedOptions};

/// Creates the missing offices (one per province), then generates and loads the rows.
/// `db` is SeaORM's `DatabaseConnection`, already migrated.
pub async fn seed(
    db: &DatabaseConnection,
    persons: u64,
    employers: u64,
    seed: u64,
    regions: Option<Vec<String>>,
) -> anyhow::Result<()> {
    let offices = seeder::ensure_offices(db, regions.as_deref()).await?;
    if offices > 0 {
        eprintln!(
            "{} {} per l'impiego, uno per provincia",
            if offices == 1 { "Creato" } else { "Creati" },
            noun(offices, "centro", "centri")
        );
    }
    let bar = Bar::new();
    let opts = SeedOptions {
        persons,
        employers,
        seed,
        regions,
    };
    let report = seeder::run(db, &opts, &|done, total| bar.draw(done, total, false)).await;
    bar.finish();
    let report = report?;
    println!(
        "Caricate {} e {} in {} s",
        noun(report.persons, "persona", "persone"),
        noun(report.employers, "datore di lavoro", "datori di lavoro"),
        decimal(report.seconds)
    );
    Ok(())
}

fn noun(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `1234567` → `1.234.567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// One decimal, comma as separator: `54.27` → `54,3`.
fn decimal(x: f64) -> String {
    let tenths = (x.max(0.0) * 10.0).round() as u64;
    format!("{},{}", thousands(tenths / 10), tenths % 10)
}

/// `75` → `1:15`, `3725` → `1:02:05`.
fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

struct BarState {
    started: Instant,
    last_draw: Option<Instant>,
    last: (u64, u64),
    /// Tenths of the total already reported when stderr is not a terminal.
    reported_tenths: u64,
}

/// A one-line progress bar redrawn in place with a carriage return, at most ten times a
/// second; when stderr is not a terminal, a plain line every 10%.
struct Bar {
    state: Mutex<BarState>,
    terminal: bool,
}

const WIDTH: u64 = 30;

impl Bar {
    fn new() -> Self {
        Bar {
            state: Mutex::new(BarState {
                started: Instant::now(),
                last_draw: None,
                last: (0, 0),
                reported_tenths: 0,
            }),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn line(st: &BarState, done: u64, total: u64) -> String {
        let elapsed = st.started.elapsed().as_secs_f64();
        let share = if total == 0 {
            1.0
        } else {
            done as f64 / total as f64
        };
        let filled = ((share * WIDTH as f64) as u64).min(WIDTH);
        let rate = if elapsed > 0.0 {
            done as f64 / elapsed
        } else {
            0.0
        };
        let eta = if done >= total {
            "0:00".to_owned()
        } else if rate > 0.0 {
            clock(((total - done) as f64 / rate).ceil() as u64)
        } else {
            "--:--".to_owned()
        };
        format!(
            "[{}{}] {:>5}%  {}/{}  {} righe/s  ETA {}",
            "#".repeat(filled as usize),
            "-".repeat((WIDTH - filled) as usize),
            decimal(share * 100.0),
            thousands(done),
            thousands(total),
            thousands(rate as u64),
            eta
        )
    }

    fn draw(&self, done: u64, total: u64, force: bool) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.last = (done, total);
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let due = st
                .last_draw
                .is_none_or(|t| t.elapsed() >= Duration::from_millis(100));
            if force || due || done == total {
                st.last_draw = Some(Instant::now());
                let _ = write!(err, "\r{}\x1b[K", Self::line(&st, done, total));
                let _ = err.flush();
            }
        } else {
            let tenths = (done * 10).checked_div(total).unwrap_or(10);
            if tenths > st.reported_tenths || (force && done < total) {
                st.reported_tenths = tenths;
                let _ = writeln!(err, "{}", Self::line(&st, done, total));
            }
        }
    }

    /// Draws the final state and ends the line.
    fn finish(&self) {
        let (done, total) = self.state.lock().map(|s| s.last).unwrap_or((0, 0));
        if self.terminal {
            self.draw(done, total, true);
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1.000");
        assert_eq!(thousands(1_000_000), "1.000.000");
        assert_eq!(decimal(54.27), "54,3");
        assert_eq!(decimal(1234.0), "1.234,0");
        assert_eq!(clock(75), "1:15");
        assert_eq!(clock(3725), "1:02:05");
        assert_eq!(noun(1, "persona", "persone"), "1 persona");
        assert_eq!(noun(0, "persona", "persone"), "0 persone");
    }

    #[test]
    fn bar_line() {
        let st = BarState {
            started: Instant::now() - Duration::from_secs(10),
            last_draw: None,
            last: (0, 0),
            reported_tenths: 0,
        };
        let l = Bar::line(&st, 500, 1_000);
        assert!(
            l.starts_with("[###############---------------]  50,0%  500/1.000"),
            "{l}"
        );
        assert!(l.contains("righe/s") && l.contains("ETA 0:1"), "{l}");
    }
}
