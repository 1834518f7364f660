//! The surprise experiment on a network with a hand-set exact zero.

mod common;

use burn::module::Param;
use burn::tensor::{Tensor, TensorData};
use common::cpu;
use relu0::backend::Precision;
use relu0::data::{self, DataSource, DatasetKind};
use relu0::experiment::surprise::{SurpriseConfig, SurpriseRun};
use relu0::model::mlp::Mlp;

/// First-layer neuron 0 has all-zero weights and bias: its pre-activation is exactly 0 on
/// every sample, so ReLU'(0) = 1 sends gradient through it and ReLU'(0) = 0 does not.
#[test]
fn a_hand_set_zero_parts_the_twins_while_the_control_stays_equal() {
    let compute = cpu(Precision::F32);
    let dataset = data::load(DatasetKind::Mnist, &DataSource::Embedded).unwrap();
    let config = SurpriseConfig {
        precision: Precision::F32,
        hidden: vec![16, 8],
        iterations: 4,
        ..SurpriseConfig::default()
    };
    let device = compute.device.clone().autodiff();
    let mut model = Mlp::init_widths(
        784,
        &config.hidden,
        10,
        3,
        config.precision.dtype(),
        &device,
    );
    let weight: Vec<f32> = model.layers[0]
        .weight
        .val()
        .into_data()
        .try_to_vec()
        .unwrap();
    let weight: Vec<f32> = weight
        .iter()
        .enumerate()
        .map(|(i, &w)| if i % 16 == 0 { 0.0 } else { w })
        .collect();
    let mut bias: Vec<f32> = model.layers[0].bias.val().into_data().try_to_vec().unwrap();
    bias[0] = 0.0;
    model.layers[0].weight = Param::from_tensor(Tensor::from_data(
        TensorData::new(weight, [784, 16]),
        &device,
    ));
    model.layers[0].bias =
        Param::from_tensor(Tensor::from_data(TensorData::new(bias, [16]), &device));

    let mut run = SurpriseRun::from_model(config, compute, &dataset, model).unwrap();
    while pollster::block_on(run.step()).unwrap().is_some() {}
    let report = run.report();
    assert_eq!(report.departure_iteration, Some(1), "{report:?}");
    assert!(
        report.dist_1_vs_0.iter().all(|&d| d > 0.0),
        "{:?}",
        report.dist_1_vs_0
    );
    assert!(
        report.dist_0_vs_0.iter().all(|&d| d == 0.0),
        "{:?}",
        report.dist_0_vs_0
    );
    assert_eq!(report.min_abs_z[0], 0.0);
}
