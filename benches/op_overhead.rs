//! Ratios measured side by side in one run: one SGD step of the paper's MNIST MLP (3×2048,
//! batch 128: forward, cross-entropy, backward, update) with our ReLU'(0)=a op against the same
//! step with burn's own relu, on the CPU back end in f32 and f64 and, where there is an
//! adapter, on the GPU in f32.
//!
//! `cargo bench --bench op_overhead` prints criterion's times; the ratio op/relu is the
//! overhead of the custom op (target ≤ 1.05).

use burn::tensor::{DType, Device, Int, Tensor, activation};
use criterion::{Criterion, criterion_group, criterion_main};
use relu0::backend::{self, DeviceChoice, Precision};
use relu0::model::mlp::cross_entropy;
use relu0::model::{Mlp, MlpConfig};
use relu0::ops::{Alpha, Semantics, relu0};

const WIDTH: usize = 2048;
const BATCH: usize = 128;

fn batch(dtype: DType, device: &Device) -> (Tensor<2>, Tensor<1, Int>) {
    let set = relu0::data::load(
        relu0::data::DatasetKind::Mnist,
        &relu0::data::DataSource::Embedded,
    )
    .expect("embedded data");
    let batch = relu0::experiment::batches::upload(&set.train, 0, BATCH, dtype, device);
    (batch.images, batch.labels)
}

/// One SGD step; `ours` picks the ReLU'(0)=0 op or burn's relu. Returns the new network.
fn step(mlp: &Mlp, x: &Tensor<2>, y: &Tensor<1, Int>, ours: bool) -> Mlp {
    let mut h = x.clone();
    let last = mlp.layers.len() - 1;
    for (i, layer) in mlp.layers.iter().enumerate() {
        h = layer.forward(h);
        if i < last {
            h = if ours {
                relu0(h, Alpha::ZERO, Semantics::Multiply)
            } else {
                activation::relu(h)
            };
        }
    }
    let grads = cross_entropy(h, y.clone()).sum().backward();
    mlp.sgd_update(&grads, 0.01)
        .expect("every parameter has a gradient")
}

fn bench_device(c: &mut Criterion, name: &str, precision: Precision, choice: DeviceChoice) {
    let Ok(compute) = backend::select(precision, choice) else {
        eprintln!("{name}: skipped, no device for {precision}");
        return;
    };
    let device = compute.device.clone().autodiff();
    let dtype = precision.dtype();
    let (x, y) = batch(dtype, &device);
    let mut group = c.benchmark_group(format!("sgd step 3x{WIDTH} batch {BATCH} {name}"));
    group.sample_size(10);
    for (label, ours) in [("burn relu", false), ("relu0 op", true)] {
        let mut mlp = Mlp::init(&MlpConfig::mnist(WIDTH, 3), 0, dtype, &device);
        group.bench_function(label, |b| {
            b.iter(|| {
                mlp = step(&mlp, &x, &y, ours);
                // Wait for the device: read one value back.
                let _ = mlp.layers[0].bias.val().slice(0..1).into_data();
            })
        });
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_device(c, "cpu f32", Precision::F32, DeviceChoice::Cpu);
    bench_device(c, "cpu f64", Precision::F64, DeviceChoice::Cpu);
    if std::env::var_os("RELU0_BENCH_GPU").is_some() {
        bench_device(c, "gpu f32", Precision::F32, DeviceChoice::Gpu);
    }
}

criterion_group!(op_overhead, benches);
criterion_main!(op_overhead);
