//! A run's worker threads have ended when the run returns (issue 35).
//!
//! This file is a test binary of its own with this one test, so no other test
//! starts or ends threads in the process while it counts them: the count of the
//! process's threads before a sweep is the count after it, and any thread more
//! is one the sweep left behind.
//!
//! A thread is counted while it is alive as the program sees it: a task of
//! /proc/self/task that the kernel has not yet marked as exiting. (A thread that
//! has been joined has run its thread-local destructors, HiGHS's scheduler among
//! them, and is past `exit`; the kernel may list it for a moment more.)

use std::path::Path;
use std::sync::atomic::AtomicBool;

use symbio::analysis::batch::{self, Destination, Format, RunOptions};
use symbio::analysis::sweep::{Axis, Sweep};
use symbio::SolveOptions;

/// The kernel's PF_EXITING: the task is in `exit` (include/linux/sched.h).
const PF_EXITING: u64 = 0x4;

/// The threads of this process that are not exiting.
fn live_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task (Linux)")
        .filter_map(|entry| {
            // A task that has ended between the listing and the read is gone.
            let stat = std::fs::read_to_string(entry.ok()?.path().join("stat")).ok()?;
            // pid (comm) state ppid pgrp session tty_nr tpgid flags ...; comm
            // may hold spaces and parentheses, so the fields start after the last ')'.
            let rest = &stat[stat.rfind(')')? + 1..];
            let flags: u64 = rest.split_whitespace().nth(6)?.parse().ok()?;
            (flags & PF_EXITING == 0).then_some(())
        })
        .count()
}

#[cfg(target_os = "linux")]
#[test]
fn no_worker_thread_of_a_sweep_is_alive_when_it_returns() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hand.toml");
    let loaded = symbio::scenario::load::load(&path).expect("fixture loads");
    let axis = Axis {
        path: "parameters.carbon_price".into(),
        values: (0..12).map(|k| 10.0 * k as f64).collect(),
    };
    let sweep = Sweep::new(loaded, vec![axis], SolveOptions::default()).unwrap();
    let before = live_threads();
    // Several runs one after the other, as a service or the fuzzer makes them:
    // each must end its own threads.
    for run in 0..5 {
        let stop = AtomicBool::new(false);
        let mut rows = 0;
        let mut count = |_: &str| {
            rows += 1;
            true
        };
        let options = RunOptions {
            threads: 2,
            format: Format::JsonLines,
            shard: None,
            stop: &stop,
            writing: None,
        };
        // The most threads seen while the run goes on (progress is told on the
        // calling thread as rows come in).
        let mut during = 0;
        batch::run_batch(&sweep, Destination::Lines(&mut count), &options, |_| {
            during = during.max(live_threads());
        })
        .unwrap();
        assert_eq!(rows, 12);
        assert!(
            during >= before + 2,
            "run {run}: {during} threads during the run, {before} before: the 2 workers were not seen"
        );
        assert_eq!(
            live_threads(),
            before,
            "run {run}: threads alive after the run returned ({before} before it)"
        );
    }
}
