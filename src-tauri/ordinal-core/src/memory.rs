//! How the process hands memory back to the OS (glibc's malloc on Linux; a no-op elsewhere).
//!
//! A full list of 50,000 pods decodes hundreds of MB of JSON into typed objects that are turned
//! into compact rows and dropped at once. glibc keeps freed memory in its arenas, so without
//! these the process's RSS stays near the list's peak long after only the rows are alive
//! (issue #20, docs/performance.md "Where the memory goes").

/// Call first thing in `main`, before any thread starts (benches too, so they measure what the
/// app does):
/// - a fixed mmap threshold of 256 KiB: a page of a list (MBs of JSON, thousands of decoded
///   objects) is mmapped and returned to the OS when freed, instead of raising glibc's dynamic
///   threshold and landing between long-lived rows in the heap, where it would stay;
/// - at most two arenas: the rows built on tokio's worker threads share fewer heaps, each with
///   its own free space that `malloc_trim` can only partly return.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before other threads allocate.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Hand free pages of the heap back to the OS once a list completes (measured in the scale
/// bench: RSS 397 MB → 248 MB before events shared their rows). Runs on the blocking pool.
pub(crate) fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn_blocking(|| {
            // SAFETY: malloc_trim only returns unused pages of the allocator's arenas.
            unsafe { libc::malloc_trim(0) };
        });
    }
}
