//! The volume scan batches its work two ways: it reads the exact-zero census of several
//! batches back in one transfer, and it scans several draws side by side, their censuses one
//! batched forward pass. The records must be exactly those of a scan that does neither, in
//! the same order, on the CPU and on the GPU (lavapipe in CI), in a precision where draws stop
//! early (f16) and where they mostly run long (f32).
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
}

const ONE_AT_A_TIME: Batching = Batching {
    lookahead: 1,
    side_by_side: 1,
};
const READ_AHEAD: Batching = Batching {
    lookahead: CENSUS_LOOKAHEAD,
    side_by_side: 1,
};
const SHIPPED: Batching = Batching {
    lookahead: CENSUS_LOOKAHEAD,
    side_by_side: DRAWS_PER_DISPATCH,
};
const SIDE_BY_SIDE_ONLY: Batching = Batching {
    lookahead: 1,
    side_by_side: 3,
};

fn scan(compute: &Compute, batching: Batching, draws: usize) -> Vec<DrawRecord> {
    let dataset = relu0::data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let config = VolumeConfig {
        precision: compute.precision,
        device: DeviceChoice::Auto,
        draws,
        width: 64,
        max_batches: Some(30),
        seed: 11,
        ..VolumeConfig::default()
    };
    let mut run = VolumeRun::new(config, compute.clone(), &dataset).unwrap();
    run.set_census_lookahead(batching.lookahead);
    run.set_draws_per_dispatch(batching.side_by_side);
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
    for batching in [READ_AHEAD, SIDE_BY_SIDE_ONLY, SHIPPED] {
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
