//! The volume scan reads the exact-zero census of several batches back in one transfer; the
//! records must be exactly those of a scan that reads every batch on its own, on the CPU and
//! on the GPU (lavapipe in CI), in a precision where draws stop early (f16) and where they
//! mostly run long (f32).
//!
//! GPU cases need a wgpu adapter; without one they fail and say how to get one.

mod common;

use relu0::backend::{Compute, DeviceChoice, Precision};
use relu0::data::{DataSource, DatasetKind};
use relu0::experiment::volume::{CENSUS_LOOKAHEAD, DrawRecord, VolumeConfig, VolumeRun};

fn scan(compute: &Compute, lookahead: usize, draws: usize) -> Vec<DrawRecord> {
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
    run.set_census_lookahead(lookahead);
    while pollster::block_on(run.step()).unwrap().is_some() {}
    run.records()
        .iter()
        .map(|r| DrawRecord {
            elapsed_s: 0.0,
            ..r.clone()
        })
        .collect()
}

fn same_records_with_and_without_lookahead(compute: Compute, draws: usize) -> Vec<DrawRecord> {
    let one_by_one = scan(&compute, 1, draws);
    let ahead = scan(&compute, CENSUS_LOOKAHEAD, draws);
    assert_eq!(one_by_one.len(), draws);
    assert_eq!(
        one_by_one, ahead,
        "{} on {:?}: reading the census ahead changed the scan",
        compute.precision, compute.kind
    );
    one_by_one
}

#[test]
fn cpu_scan_is_the_same_with_census_read_ahead() {
    let records = same_records_with_and_without_lookahead(common::cpu(Precision::F32), 4);
    // Some draws must reach batches the lookahead computed in advance.
    assert!(records.iter().any(|r| r.batches_scanned > 3), "{records:?}");
}

#[test]
fn gpu_scan_is_the_same_with_census_read_ahead() {
    let f16 = same_records_with_and_without_lookahead(common::gpu(Precision::F16), 3);
    // f16 draws stop early, with censuses computed ahead that are then never used.
    assert!(
        f16.iter().any(|r| r.in_s01 && r.batches_scanned < 30),
        "{f16:?}"
    );
    same_records_with_and_without_lookahead(common::gpu(Precision::F32), 2);
}
