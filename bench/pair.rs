//! Paired timing for bench/run: runs commands in turn, each run with a fresh, empty HOME, and
//! times each from spawn to reaped on the monotonic clock. Runs alternate (A, B, A, B, ...) so
//! that whatever else the machine does falls on both alike; the ratio is the median of the
//! ratios of each pair.
//!
//!   pair RUNS 'COMMAND A' 'COMMAND B'   medians of A and B, and of A/B, in ms
//!   pair --phases RUNS 'COMMAND'        medians of the phases a `timings` build stamps
//!
//! Commands are split at spaces; no quoting.

use std::process::{Command, Stdio};

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

unsafe extern "C" {
    fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
}

/// CLOCK_MONOTONIC on Linux: the clock the `timings` build stamps with.
fn now_ns() -> u128 {
    let mut t = Timespec { sec: 0, nsec: 0 };
    // SAFETY: a valid pointer to a timespec.
    unsafe { clock_gettime(1, &mut t) };
    t.sec as u128 * 1_000_000_000 + t.nsec as u128
}

/// One run of `command` with a fresh HOME: spawned and reaped times, and its stderr.
fn run(command: &str, n: usize) -> (u128, u128, String) {
    let home = std::env::temp_dir().join(format!("pair-home-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut parts = command.split(' ');
    let mut cmd = Command::new(parts.next().unwrap());
    cmd.args(parts)
        .env("HOME", &home)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let spawned = now_ns();
    let out = cmd.output().unwrap();
    let reaped = now_ns();
    let _ = std::fs::remove_dir_all(&home);
    (spawned, reaped, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args[0] == "--phases" {
        phases(args[1].parse().unwrap(), &args[2]);
        return;
    }
    let runs: usize = args[0].parse().unwrap();
    let (mut a, mut b, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for n in 0..runs {
        let (s, r, _) = run(&args[1], n);
        let ta = (r - s) as f64 / 1e6;
        let (s, r, _) = run(&args[2], n);
        let tb = (r - s) as f64 / 1e6;
        a.push(ta);
        b.push(tb);
        ratio.push(ta / tb);
    }
    println!(
        "{:.3} {:.3} {:.3}",
        median(&mut a),
        median(&mut b),
        median(&mut ratio)
    );
}

/// The medians of the phases a `timings` build stamps: from spawn to `main`, between stamps,
/// and from the last stamp to reaped.
fn phases(runs: usize, command: &str) {
    let mut names: Vec<String> = Vec::new();
    let mut samples: Vec<Vec<f64>> = Vec::new();
    for n in 0..runs {
        let (spawned, reaped, stderr) = run(command, n);
        let line = stderr
            .lines()
            .find_map(|l| l.strip_prefix("timings "))
            .expect("a build with the timings feature");
        let mut points: Vec<(String, u128)> = vec![("spawn".into(), spawned)];
        for stamp in line.split(' ') {
            let (name, ns) = stamp.split_once('=').unwrap();
            points.push((name.into(), ns.parse().unwrap()));
        }
        points.push(("reaped".into(), reaped));
        for (i, pair) in points.windows(2).enumerate() {
            if n == 0 {
                names.push(format!("{}->{}", pair[0].0, pair[1].0));
                samples.push(Vec::new());
            }
            samples[i].push((pair[1].1 - pair[0].1) as f64 / 1e6);
        }
    }
    for (name, values) in names.iter().zip(&mut samples) {
        println!("{name} {:.3}", median(values));
    }
}
