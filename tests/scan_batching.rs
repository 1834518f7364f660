//! The volume scan batches its work two ways: it reads the exact-zero census of several
//! batches back in one transfer, and it scans several draws side by side, their censuses one
//! batched forward pass; and it compares the twins' gradients on their device, reading back a
//! count. The records must be exactly those of a scan that does none of this (one draw, one
//! batch, both gradients read and compared on the host), in the same order, on the CPU and on
//! the GPU (lavapipe in CI), in a precision where draws stop early (f16) and where they mostly
//! run long (f32).
//!
//! GPU cases need a wgpu adapter; without one they fail and say how to get one.

mod common;

use relu0::backend::{Compute, DeviceChoice, Precision};
use relu0::data::{DataSource, DatasetKind};
use relu0::experiment::volume::{
    CENSUS_LOOKAHEAD, DRAWS_PER_DISPATCH, DrawRecord, VolumeConfig, VolumeRun,
};

/// How a scan batches its work.
#[derive(Clone, Copy, Debug)]
struct Batching {
    lookahead: usize,
    side_by_side: usize,
    gradients_on_device: bool,
}

const ONE_AT_A_TIME: Batching = Batching {
    lookahead: 1,
    side_by_side: 1,
    gradients_on_device: false,
};
const READ_AHEAD: Batching = Batching {
    lookahead: CENSUS_LOOKAHEAD,
    side_by_side: 1,
    gradients_on_device: false,
};
/// As shipped on a GPU (the CPU runs one draw at a time by default).
const SHIPPED: Batching = Batching {
    lookahead: CENSUS_LOOKAHEAD,
    side_by_side: DRAWS_PER_DISPATCH,
    gradients_on_device: true,
};
const SIDE_BY_SIDE_ONLY: Batching = Batching {
    lookahead: 1,
    side_by_side: 3,
    gradients_on_device: false,
};
const GRADIENTS_ON_DEVICE_ONLY: Batching = Batching {
    lookahead: 1,
    side_by_side: 1,
    gradients_on_device: true,
};

fn scan(compute: &Compute, batching: Batching, draws: usize) -> Vec<DrawRecord> {
    scan_with(compute, batching, draws, false)
}

fn scan_with(compute: &Compute, batching: Batching, draws: usize, verify: bool) -> Vec<DrawRecord> {
    let dataset = relu0::data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let config = VolumeConfig {
        precision: compute.precision,
        device: DeviceChoice::Auto,
        draws,
        width: 64,
        max_batches: Some(if verify { 8 } else { 30 }),
        seed: 11,
        verify,
        ..VolumeConfig::default()
    };
    let mut run = VolumeRun::new(config, compute.clone(), &dataset).unwrap();
    run.set_census_lookahead(batching.lookahead);
    run.set_draws_per_dispatch(batching.side_by_side);
    run.set_gradients_compared_on_device(batching.gradients_on_device);
    assert_eq!(run.draws_per_dispatch(), batching.side_by_side);
    let mut finished = Vec::new();
    while let Some(event) = pollster::block_on(run.step()).unwrap() {
        if let relu0::experiment::volume::VolumeEvent::Draw(record) = event {
            finished.push(record.draw);
        }
    }
    assert_eq!(
        finished,
        (0..draws).collect::<Vec<_>>(),
        "draws must finish in draw order"
    );
    let checked = run.stacking_checked();
    assert!(
        checked.iter().all(|&(_, exact)| exact),
        "stacked census inexact on {:?}: {checked:?}",
        compute.kind
    );
    let widest = batching.side_by_side.min(draws);
    if widest > 1 {
        assert!(
            checked.iter().any(|&(n, _)| n == widest),
            "{batching:?} never stacked {widest} draws: {checked:?}"
        );
    }
    run.records()
        .iter()
        .map(|r| DrawRecord {
            elapsed_s: 0.0,
            ..r.clone()
        })
        .collect()
}

fn same_records_however_batched(compute: Compute, draws: usize) -> Vec<DrawRecord> {
    let one_at_a_time = scan(&compute, ONE_AT_A_TIME, draws);
    assert_eq!(one_at_a_time.len(), draws);
    for batching in [
        READ_AHEAD,
        SIDE_BY_SIDE_ONLY,
        GRADIENTS_ON_DEVICE_ONLY,
        SHIPPED,
    ] {
        assert_eq!(
            one_at_a_time,
            scan(&compute, batching, draws),
            "{} on {:?}: batching {batching:?} changed the scan",
            compute.precision,
            compute.kind
        );
    }
    one_at_a_time
}

#[test]
fn cpu_scan_is_the_same_however_batched() {
    let records = same_records_however_batched(common::cpu(Precision::F32), 10);
    // Some draws must reach batches the lookahead computed in advance, and some must end
    // early while others run on (so that draws side by side are at different batches).
    assert!(records.iter().any(|r| r.batches_scanned > 3), "{records:?}");
    assert!(
        records.iter().any(|r| r.batches_scanned < 30),
        "{records:?}"
    );
}

#[test]
fn cpu_f64_scan_is_the_same_however_batched() {
    same_records_however_batched(common::cpu(Precision::F64), 4);
}

#[test]
fn gpu_scan_is_the_same_however_batched() {
    let f16 = same_records_however_batched(common::gpu(Precision::F16), 10);
    // f16 draws stop early, with censuses computed ahead that are then never used.
    assert!(
        f16.iter().any(|r| r.in_s01 && r.batches_scanned < 30),
        "{f16:?}"
    );
    same_records_however_batched(common::gpu(Precision::F32), 3);
}

/// `verify` runs the twins and the 0-vs-0 control on every batch: both comparisons on the
/// device must give the host's verdicts, batch for batch.
fn same_verdicts_on_device_and_host(compute: Compute, draws: usize) -> Vec<DrawRecord> {
    let host = scan_with(&compute, ONE_AT_A_TIME, draws, true);
    let device = scan_with(&compute, GRADIENTS_ON_DEVICE_ONLY, draws, true);
    assert_eq!(host, device, "{} on {:?}", compute.precision, compute.kind);
    for record in &host {
        assert_eq!(record.twin_backwards, record.batches_scanned, "{record:?}");
        assert_eq!(record.shortcut_mismatches, 0, "{record:?}");
        assert_eq!(record.control_mismatches, 0, "{record:?}");
    }
    host
}

#[test]
fn cpu_verify_verdicts_are_the_same_on_device_and_host() {
    same_verdicts_on_device_and_host(common::cpu(Precision::F32), 3);
}

#[test]
fn gpu_verify_verdicts_are_the_same_on_device_and_host() {
    let f16 = same_verdicts_on_device_and_host(common::gpu(Precision::F16), 3);
    // In f16 the twins differ: the device comparison must have said so.
    assert!(f16.iter().any(|r| r.in_s01), "{f16:?}");
    let f32 = same_verdicts_on_device_and_host(common::gpu(Precision::F32), 2);
    // Batches without a zero: the twins agree, and the device comparison said so.
    assert!(f32.iter().any(|r| r.first_diff_batch != Some(0)), "{f32:?}");
}

/// Draws run side by side by default where it pays, on a GPU; on the CPU one at a time, unless
/// asked (the cases above).
#[test]
fn draws_run_side_by_side_by_default_only_on_a_gpu() {
    let dataset = relu0::data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let config = VolumeConfig {
        width: 64,
        ..VolumeConfig::default()
    };
    let run_on = |compute: Compute| {
        let config = VolumeConfig {
            precision: compute.precision,
            ..config.clone()
        };
        VolumeRun::new(config, compute, &dataset).unwrap()
    };
    let mut cpu = run_on(common::cpu(Precision::F32));
    assert_eq!(cpu.draws_per_dispatch(), 1);
    cpu.set_draws_per_dispatch(4);
    assert_eq!(cpu.draws_per_dispatch(), 4);
    let gpu = run_on(common::gpu(Precision::F32));
    assert_eq!(gpu.draws_per_dispatch(), DRAWS_PER_DISPATCH);
}
