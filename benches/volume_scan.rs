//! The volume scan's throughput (experiment 1): MNIST MLP 3×256, batch 256, first-layer
//! comparison, on the CPU back end in f32 and f64 and, with `RELU0_BENCH_GPU=1`, on the GPU in
//! f16 and f32.
//!
//! The time reported is per mini-batch of a real scan (`VolumeRun::step`): the census forward pass,
//! and both backward passes where the census found an exact zero. Draws end as in a scan (at
//! their first differing batch, or after a pass) and the next one starts, so the time includes
//! re-initialisation and the twins as often as they really run. Draws per minute for the
//! paper's protocol (one pass over the 60,000 MNIST training images: 234 batches) are
//! `60 s / (234 × time per batch)`; `scripts/compare-pytorch.sh` prints them next to
//! PyTorch's. Each device also runs baselines side by side, each changing one thing: both twins'
//! gradients read back and compared on the host instead of counting differing words on the
//! device; 8 draws stacked into one batched forward pass (shipped on a GPU) and one draw at a
//! time (shipped on the CPU), each batch's census its own small forward pass; and in addition
//! every batch's census read back on its own (one GPU round trip per batch) instead of 1, 2,
//! 4 … 16 at once.

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use relu0::backend::{self, DeviceChoice, Precision};
use relu0::data::{DataSource, DatasetKind};
use relu0::experiment::volume::{
    CENSUS_LOOKAHEAD, DRAWS_PER_DISPATCH, VolumeConfig, VolumeEvent, VolumeRun,
};
use std::time::Instant;

fn scan_config(precision: Precision, device: DeviceChoice) -> VolumeConfig {
    VolumeConfig {
        precision,
        device,
        // Enough draws that a measurement never runs out; a finished run is started again.
        draws: 1000,
        layers: 3,
        width: 256,
        batch: 256,
        ..VolumeConfig::default()
    }
}

fn bench_scan(c: &mut Criterion, name: &str, precision: Precision, choice: DeviceChoice) {
    let Ok(compute) = backend::select(precision, choice) else {
        eprintln!("{name}: skipped, no device for {precision}");
        return;
    };
    let dataset = relu0::data::load(DatasetKind::Mnist, &DataSource::Embedded).expect("embedded");
    let config = scan_config(precision, choice);
    let mut group = c.benchmark_group(format!("volume scan 3x256 batch 256 {name}"));
    group.sample_size(10);
    // Every sample is a whole number of iterations of `unit` batches, so that it spans at
    // least one census round of the shipped scan (8 draws × up to 16 batches; f16 draws end
    // within a batch or two, so their rounds are one batch long). The time reported is per
    // batch.
    group.sampling_mode(SamplingMode::Flat);
    let unit: u64 = match precision {
        Precision::F16 => DRAWS_PER_DISPATCH as u64,
        _ => (DRAWS_PER_DISPATCH * CENSUS_LOOKAHEAD) as u64,
    };
    // The scan as shipped (8 draws side by side on a GPU, one at a time on the CPU; censuses
    // read 1, 2, 4 … 16 batches at a time; gradients compared on the device), and baselines
    // that change one thing each.
    let shipped = VolumeRun::new(config.clone(), compute.clone(), &dataset).expect("valid");
    let shipped_side_by_side = shipped.draws_per_dispatch();
    for (label, side_by_side, lookahead, gradients_on_device) in [
        ("per batch", shipped_side_by_side, CENSUS_LOOKAHEAD, true),
        (
            "per batch, gradients read to host",
            shipped_side_by_side,
            CENSUS_LOOKAHEAD,
            false,
        ),
        (
            "per batch, 8 draws side by side",
            DRAWS_PER_DISPATCH,
            CENSUS_LOOKAHEAD,
            true,
        ),
        ("per batch, one draw at a time", 1, CENSUS_LOOKAHEAD, true),
        (
            "per batch, one draw at a time, census read each batch",
            1,
            1,
            true,
        ),
    ] {
        let new_run = || {
            let mut run = VolumeRun::new(config.clone(), compute.clone(), &dataset).expect("valid");
            run.set_draws_per_dispatch(side_by_side);
            run.set_census_lookahead(lookahead);
            run.set_gradients_compared_on_device(gradients_on_device);
            run
        };
        let mut run = new_run();
        group.bench_function(label, |b| {
            b.iter_custom(|iters| {
                let started = Instant::now();
                let mut batches = 0;
                while batches < iters * unit {
                    match pollster::block_on(run.step()).expect("scan step") {
                        Some(VolumeEvent::Batch { .. }) => batches += 1,
                        Some(VolumeEvent::Draw(_)) => {}
                        None => run = new_run(),
                    }
                }
                started.elapsed() / unit as u32
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_scan(c, "cpu f32", Precision::F32, DeviceChoice::Cpu);
    bench_scan(c, "cpu f64", Precision::F64, DeviceChoice::Cpu);
    if std::env::var_os("RELU0_BENCH_GPU").is_some() {
        bench_scan(c, "gpu f32", Precision::F32, DeviceChoice::Gpu);
        bench_scan(c, "gpu f16", Precision::F16, DeviceChoice::Gpu);
    }
}

criterion_group!(volume_scan, benches);
criterion_main!(volume_scan);
