//! What the process costs the C runtime around its work, on Linux with glibc, for a process
//! that lives a few milliseconds (bench/results.md has the figures).
//!
//! - glibc gives each thread that allocates an arena of its own: a fresh 64 MiB mapping whose
//!   first pages fault in one by one. Besides `main`, one thread at a time allocates here (a
//!   request, for one), so every thread shares the main heap.
//! - The one function of libm this binary calls is `pow`, from the HTTP stack's scheduler
//!   statistics. Defining it here (the `libm` crate: musl's implementation, in Rust) means the
//!   dynamic loader no longer opens, maps and relocates libm at every start.

/// Every thread allocates from the main heap.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a setting of the allocator, made before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// C's `pow`, for the callers in this binary that would otherwise load libm for it alone.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    #[test]
    fn pow_is_c_pow() {
        for (x, y, expected) in [
            (2.0, 10.0, 1024.0),
            (0.5, 2.0, 0.25),
            (10.0, -1.0, 0.1),
            (0.0, 0.0, 1.0),
            (-8.0, 1.0 / 3.0, f64::NAN),
        ] {
            let got = super::pow(x, y);
            assert!(
                got == expected || (got.is_nan() && expected.is_nan()),
                "pow({x}, {y}) = {got}"
            );
        }
    }
}
