//! Analyses built on the core solve: each solves many MILPs and summarises them.

pub mod allocation;
pub mod batch;
pub mod breakeven;
pub mod compare;
pub mod montecarlo;
pub mod pareto;
pub mod point;
pub mod shards;
pub mod sweep;
pub mod unplaced;
