//! Terminal echo off while a key is typed (`init --key-stdin` at a terminal): termios on Unix,
//! the console's input mode on Windows.

/// Echo switched off on standard input until dropped.
pub struct EchoOff {
    #[cfg(unix)]
    saved: rustix::termios::Termios,
    #[cfg(windows)]
    saved: u32,
}

#[cfg(unix)]
impl EchoOff {
    pub fn new() -> std::io::Result<Self> {
        use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
        let stdin = std::io::stdin();
        let saved = tcgetattr(&stdin)?;
        let mut quiet = saved.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        tcsetattr(&stdin, OptionalActions::Now, &quiet)?;
        Ok(Self { saved })
    }

    fn restore(&self) {
        let _ = rustix::termios::tcsetattr(
            std::io::stdin(),
            rustix::termios::OptionalActions::Now,
            &self.saved,
        );
    }
}

#[cfg(windows)]
impl EchoOff {
    pub fn new() -> std::io::Result<Self> {
        use windows_sys::Win32::System::Console::{ENABLE_ECHO_INPUT, GetConsoleMode};
        let mut saved = 0;
        // SAFETY: the standard input handle, and a u32 the call writes the mode to.
        if unsafe { GetConsoleMode(stdin_handle(), &mut saved) } == 0 {
            return Err(std::io::Error::last_os_error());
        }
        set_mode(saved & !ENABLE_ECHO_INPUT)?;
        Ok(Self { saved })
    }

    fn restore(&self) {
        let _ = set_mode(self.saved);
    }
}

#[cfg(windows)]
fn stdin_handle() -> windows_sys::Win32::Foundation::HANDLE {
    use std::os::windows::io::AsRawHandle;
    std::io::stdin().as_raw_handle()
}

#[cfg(windows)]
fn set_mode(mode: u32) -> std::io::Result<()> {
    use windows_sys::Win32::System::Console::SetConsoleMode;
    // SAFETY: the standard input handle, which is a console (GetConsoleMode succeeded on it).
    if unsafe { SetConsoleMode(stdin_handle(), mode) } == 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        self.restore();
        // The user's Enter was not echoed either.
        crate::io::stderr_anyway(format_args!("\n"));
    }
}
