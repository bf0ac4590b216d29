//! The C allocator, set for a process that lives a few milliseconds. glibc gives each thread
//! that allocates its own arena: a fresh 64 MiB mapping whose first pages fault in one by one.
//! This process has one thread at a time that allocates besides `main` (the git lookup, a
//! request), so they share the main heap instead. Other systems' allocators keep no such
//! per-thread arenas.

/// Every thread allocates from the main heap.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a setting of the allocator, made before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
