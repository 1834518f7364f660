//! One training step as `relu0 train` runs it (bench b): the MNIST MLP 3×2048, batch 128,
//! plain SGD (lr 0.01, no momentum, no weight decay, constant rate), on the CPU back end in
//! f32 and f64 and, with `RELU0_BENCH_GPU=1`, on the GPU in f32. One iteration is one
//! mini-batch of a real run (`TrainRun::step`: upload, forward, cross-entropy, backward,
//! optimiser step); the test evaluations at epoch ends are not counted.
//! `scripts/compare-pytorch.sh` puts it next to PyTorch's step.

use criterion::{Criterion, criterion_group, criterion_main};
use relu0::backend::{self, DeviceChoice, Precision};
use relu0::data::{DataSource, DatasetKind};
use relu0::experiment::train::{Schedule, TrainConfig, TrainEvent, TrainRun};
use std::time::{Duration, Instant};

fn bench_training(c: &mut Criterion, name: &str, precision: Precision, choice: DeviceChoice) {
    let Ok(compute) = backend::select(precision, choice) else {
        eprintln!("{name}: skipped, no device for {precision}");
        return;
    };
    let dataset = relu0::data::load(DatasetKind::Mnist, &DataSource::Embedded).expect("embedded");
    let config = TrainConfig {
        precision,
        device: choice,
        alphas: vec![0.0],
        width: 2048,
        layers: 3,
        batch: 128,
        lr: 0.01,
        momentum: 0.0,
        weight_decay: 0.0,
        schedule: Schedule::Constant,
        epochs: 10_000,
        ..TrainConfig::default()
    };
    let new_run = || TrainRun::new(config.clone(), compute.clone(), &dataset).expect("valid");
    let mut run = new_run();
    let mut group = c.benchmark_group(format!("train step 3x2048 batch 128 {name}"));
    group.sample_size(10);
    group.bench_function("sgd", |b| {
        b.iter_custom(|iters| {
            let mut training = Duration::ZERO;
            let mut batches = 0;
            while batches < iters {
                let started = Instant::now();
                let event = pollster::block_on(run.step()).expect("training step");
                match event {
                    Some(TrainEvent::Batch { .. }) => {
                        training += started.elapsed();
                        batches += 1;
                    }
                    Some(_) => {}
                    None => run = new_run(),
                }
            }
            training
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_training(c, "cpu f32", Precision::F32, DeviceChoice::Cpu);
    bench_training(c, "cpu f64", Precision::F64, DeviceChoice::Cpu);
    if std::env::var_os("RELU0_BENCH_GPU").is_some() {
        bench_training(c, "gpu f32", Precision::F32, DeviceChoice::Gpu);
    }
}

criterion_group!(train_step, benches);
criterion_main!(train_step);
