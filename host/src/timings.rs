//! Where a run's time goes, for the benchmark (`bench/run`): with the `timings` feature, each
//! phase's end is stamped on the system's monotonic clock and the stamps are printed to stderr
//! as the process ends, so that a parent on the same clock can see exec and exit too. Without
//! the feature, which no release has, `mark` is nothing at all.

#[cfg(feature = "timings")]
mod stamps {
    use std::sync::Mutex;

    static STAMPS: Mutex<Vec<(&'static str, u128)>> = Mutex::new(Vec::new());

    /// Stamp the end of `phase`.
    pub fn mark(phase: &'static str) {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let ns = now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128;
        if let Ok(mut stamps) = STAMPS.lock() {
            stamps.push((phase, ns));
        }
    }

    /// Print every stamp to stderr, as the process ends.
    pub fn report() {
        mark("end");
        if let Ok(stamps) = STAMPS.lock() {
            let line: Vec<String> = stamps.iter().map(|(p, ns)| format!("{p}={ns}")).collect();
            crate::io::stderr_anyway(format_args!("timings {}\n", line.join(" ")));
        }
    }
}

#[cfg(feature = "timings")]
pub use stamps::{mark, report};

/// Stamp the end of `phase`.
#[cfg(not(feature = "timings"))]
#[inline(always)]
pub fn mark(_phase: &'static str) {}

/// Print every stamp to stderr, as the process ends.
#[cfg(not(feature = "timings"))]
#[inline(always)]
pub fn report() {}
