//! Analyses built on the core solve: each solves many MILPs and summarises them.
