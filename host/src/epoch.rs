//! The clock behind the sandbox's time limits: every 100 ms the engine's epoch advances, and
//! wasm past its deadline stops at its next loop or call. A periodic SIGALRM advances it,
//! rather than a thread, so that the process stays single-threaded: starting a thread, and
//! every later unmapping that must then be flushed from its processor too, cost more than the
//! whole rest of a `status` run.

use std::sync::{Once, OnceLock};
use std::time::Duration;

use anyhow::Result;
use wasmtime::Engine;

/// How often the epoch advances: the granularity of time limits.
pub const TICK: Duration = Duration::from_millis(100);

/// The process's one engine, which the signal handler advances.
static ENGINE: OnceLock<Engine> = OnceLock::new();

/// The engine, made by `make` the first time, with the clock running and its signal let through
/// to the calling thread, which is the one that will run wasm.
pub fn engine(make: impl FnOnce() -> Result<Engine>) -> Result<Engine> {
    let engine = match ENGINE.get() {
        Some(engine) => engine.clone(),
        None => {
            let made = make()?;
            ENGINE.get_or_init(|| made).clone()
        }
    };
    static START: Once = Once::new();
    START.call_once(start);
    unblock();
    Ok(engine)
}

/// Install the handler, then start the timer. A process may inherit SIGALRM ignored or blocked
/// (`exec` keeps both); the handler and `unblock` undo that, so the deadline holds whatever the
/// parent did. SA_RESTART: a read or wait the signal interrupts resumes by itself.
fn start() {
    let tick = libc::timeval {
        tv_sec: 0,
        tv_usec: TICK.as_micros() as libc::suseconds_t,
    };
    // SAFETY: a handler that only does an atomic add (`increment_epoch` is signal-safe), and a
    // plain interval timer; the structures are fully initialised before use.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = advance as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGALRM, &action, std::ptr::null_mut());
        let timer = libc::itimerval {
            it_interval: tick,
            it_value: tick,
        };
        libc::setitimer(libc::ITIMER_REAL, &timer, std::ptr::null_mut());
    }
}

/// Let SIGALRM through to the calling thread, whatever mask it inherited.
fn unblock() {
    // SAFETY: a signal set fully initialised by `sigemptyset` before use.
    unsafe {
        let mut alarm: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut alarm);
        libc::sigaddset(&mut alarm, libc::SIGALRM);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &alarm, std::ptr::null_mut());
    }
}

extern "C" fn advance(_signal: libc::c_int) {
    if let Some(engine) = ENGINE.get() {
        engine.increment_epoch();
    }
}
