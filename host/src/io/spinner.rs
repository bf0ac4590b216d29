//! A spinner on standard error while a request is in flight, on a terminal that can redraw a
//! line, and not with `--json`. It writes only its own frames, from its own thread, straight to
//! the terminal: nothing in them comes from outside.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

use super::Io;

impl Io {
    /// Run `f` with a spinner showing `message`, where one may be shown.
    pub fn spin<T>(&self, message: &'static str, json: bool, f: impl FnOnce() -> T) -> T {
        let spinner =
            (!json && self.terminal.stderr && !self.terminal.dumb).then(|| Spinner::start(message));
        let result = f();
        drop(spinner);
        result
    }
}

/// A spinner that runs until dropped.
struct Spinner {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Spinner {
    /// Starts spinning on stderr, which the caller knows to be a terminal.
    fn start(message: &'static str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = Some({
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut frame = 0;
                while !stop.load(Ordering::Relaxed) {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r{} {message}…", FRAMES[frame % FRAMES.len()]);
                    let _ = err.flush();
                    drop(err);
                    frame += 1;
                    std::thread::sleep(Duration::from_millis(80));
                }
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K");
                let _ = err.flush();
            })
        });
        Self { stop, thread }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
