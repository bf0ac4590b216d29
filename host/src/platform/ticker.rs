//! The sandbox's clock: `tick` called every `period` from now on.
//!
//! - Unix: a periodic SIGALRM, so that the process stays single-threaded: starting a thread,
//!   and every later unmapping that must then be flushed from its processor too, cost more
//!   than the whole rest of a `status` run.
//! - Windows: there is no SIGALRM; a thread that sleeps and ticks.

use std::time::Duration;

/// Start calling `tick` every `period`. Called once per process.
#[cfg(unix)]
pub fn start(period: Duration, tick: extern "C" fn(std::ffi::c_int)) {
    let every = libc::timeval {
        tv_sec: period.as_secs() as libc::time_t,
        tv_usec: period.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: a handler that must be async-signal-safe (the caller's promise), and a plain
    // interval timer; the structures are fully initialised before use. A process may inherit
    // SIGALRM ignored (`exec` keeps that); installing the handler undoes it. SA_RESTART: a
    // read or wait the signal interrupts resumes by itself.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = tick as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGALRM, &action, std::ptr::null_mut());
        let timer = libc::itimerval {
            it_interval: every,
            it_value: every,
        };
        libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut());
    }
}

/// Let the tick through to the calling thread, whatever signal mask it inherited (`exec` keeps
/// a blocked SIGALRM blocked).
#[cfg(unix)]
pub fn admit() {
    // SAFETY: a signal set fully initialised by `sigemptyset` before use.
    unsafe {
        let mut alarm: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut alarm);
        libc::sigaddset(&mut alarm, libc::SIGALRM);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &alarm, std::ptr::null_mut());
    }
}

#[cfg(windows)]
pub fn start(period: Duration, tick: extern "C" fn(std::ffi::c_int)) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(period);
            tick(0);
        }
    });
}

/// Nothing to let through: the ticking thread needs no signal.
#[cfg(windows)]
pub fn admit() {}
