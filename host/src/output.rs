//! Standard output and error, written so that writing can never crash the process: a crash of a
//! process holding a key is the one thing it must not do. A closed pipe (`status --json | head
//! -c 1`) is not an error, as ripgrep treats it: the rest of the output is dropped and the
//! command ends with its own exit code. A failure that loses output the reader wanted (a full
//! device) is an error the command reports. A failure to write to standard error is ignored:
//! there is nowhere left to say it.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The reader of standard output has gone away.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Write to standard output and flush.
pub fn write_out(text: fmt::Arguments) -> std::io::Result<()> {
    if CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_fmt(text).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(std::io::Error::new(
            e.kind(),
            format!("writing to standard output: {e}"),
        )),
        Ok(()) => Ok(()),
    }
}

/// Write to standard error, whatever becomes of it.
pub fn write_err(text: fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_fmt(text).and_then(|()| stderr.flush());
}

/// `print!`, returning the write's result.
macro_rules! out {
    ($($arg:tt)*) => { $crate::output::write_out(format_args!($($arg)*)) };
}

/// `println!`, returning the write's result.
macro_rules! outln {
    () => { $crate::output::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `eprint!`, never failing.
macro_rules! err {
    ($($arg:tt)*) => { $crate::output::write_err(format_args!($($arg)*)) };
}

/// `eprintln!`, never failing.
macro_rules! errln {
    () => { $crate::output::write_err(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write_err(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) use {err, errln, out, outln};
