//! relu0: see, measure and teach how the value chosen for ReLU'(0) changes backpropagation
//! in finite precision (Bertoin, Bolte, Gerchinovitz & Pauwels, *Numerical influence of
//! ReLU'(0) on backpropagation*, NeurIPS 2021).
//!
//! - [`ops`]: the ReLU whose derivative at 0 is a runtime value, on GPU (our WGSL) and CPU.
//! - [`backend`]: precision × device, and what the machine offers.
//! - [`model`]: the paper's networks.
//! - [`data`]: MNIST and Fashion-MNIST (IDX), CIFAR-10 (binary), the embedded subset.
//! - [`experiment`]: the paper's experiments as headless step machines.
//! - [`report`]: JSONL output, shard merging, SVG charts.
//! - [`runner`]: native drivers that run an experiment to its report with a progress bar.
//! - [`reproduce`]: one paper figure end to end (CSV, SVG, markdown).
//! - [`cli`]: the command line.
//! - [`app`]: the desktop app (eframe).

pub mod app;
pub mod backend;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod data;
pub mod error;
pub mod experiment;
pub mod model;
pub mod ops;
pub mod report;
#[cfg(not(target_arch = "wasm32"))]
pub mod reproduce;
#[cfg(not(target_arch = "wasm32"))]
pub mod runner;

pub use error::Error;

/// mimalloc keeps freed pages for the next step's tensors; the system allocator hands large
/// blocks back and faults them in again on every training step (about a tenth of the CPU time
/// of an MLP 3×2048 step). Not under the fuzzer, whose sanitizer watches the system allocator.
#[cfg(all(not(target_arch = "wasm32"), not(fuzzing)))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
