//! What the left panel edits: one experiment and its settings, the presets that fill them, and
//! the conversion to each experiment's config. Saved and loaded as JSON.

use crate::backend::{DeviceChoice, Precision};
use crate::data::{DataSource, DatasetKind};
use crate::error::Error;
use crate::experiment::affected::AffectedConfig;
use crate::experiment::section::SectionConfig;
use crate::experiment::surprise::SurpriseConfig;
use crate::experiment::train::{OptimizerKind, Schedule, TrainConfig};
use crate::experiment::volume::VolumeConfig;
use crate::experiment::zeros::ZerosConfig;
use crate::model::ModelKind;
use crate::ops::Semantics;
use serde::{Deserialize, Serialize};

/// The experiments the app runs, in the paper's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExperimentKind {
    /// Experiment 1 (and 5 with a CIFAR-10 model).
    #[default]
    Volume,
    /// Experiment 2.
    Surprise,
    /// Experiment 3.
    Section,
    /// Experiment 4.
    Affected,
    /// Experiment 6.
    Zeros,
    /// Experiment 7.
    Train,
}

impl ExperimentKind {
    /// Every experiment, in menu order.
    pub const ALL: [ExperimentKind; 6] = [
        ExperimentKind::Volume,
        ExperimentKind::Surprise,
        ExperimentKind::Section,
        ExperimentKind::Affected,
        ExperimentKind::Zeros,
        ExperimentKind::Train,
    ];

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            ExperimentKind::Volume => "Volume of S01",
            ExperimentKind::Surprise => "The surprise",
            ExperimentKind::Section => "Cross-section",
            ExperimentKind::Affected => "Affected batches",
            ExperimentKind::Zeros => "Zeros in training",
            ExperimentKind::Train => "Training vs a",
        }
    }
}

/// Everything the left panel sets. Fields an experiment does not use are ignored by it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Which experiment.
    pub experiment: ExperimentKind,
    /// Precision of every tensor.
    pub precision: Precision,
    /// Where to run.
    pub device: DeviceChoice,
    /// Values of ReLU'(0) for training, comma-separated.
    pub alphas: String,
    /// Backward semantics.
    pub semantics: Semantics,
    /// Architecture (volume and training).
    pub model: ModelKind,
    /// Batch norm before every ReLU.
    pub batch_norm: bool,
    /// MLP hidden layers (zeros: the largest depth of the grid is this, from 1).
    pub layers: usize,
    /// MLP hidden width.
    pub width: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Random initialisations (volume, affected).
    pub draws: usize,
    /// SGD iterations (surprise).
    pub iterations: usize,
    /// Training epochs.
    pub epochs: usize,
    /// At most this many batches per pass (0: all).
    pub max_batches: usize,
    /// Learning rate.
    pub lr: f64,
    /// Seed.
    pub seed: u64,
    /// Data set.
    pub dataset: DatasetKind,
    /// Data directory; empty for the embedded MNIST subset.
    pub data_dir: String,
    /// Cross-section grid points per axis.
    pub grid: usize,
    /// Volume: run both backward passes on every batch and the 0-vs-0 control.
    pub verify: bool,
    /// Volume: run f16 (on a GPU with shader-f16), f32 and f64 one after the other, side by
    /// side in the plots.
    pub all_precisions: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            experiment: ExperimentKind::Volume,
            precision: Precision::F32,
            device: DeviceChoice::Auto,
            alphas: "0,1".into(),
            semantics: Semantics::Multiply,
            model: ModelKind::Mlp,
            batch_norm: false,
            layers: 3,
            width: 256,
            batch: 256,
            draws: 20,
            iterations: 100,
            epochs: 1,
            max_batches: 0,
            lr: 0.01,
            seed: 0,
            dataset: DatasetKind::Mnist,
            data_dir: String::new(),
            grid: 100,
            verify: true,
            all_precisions: false,
        }
    }
}

/// A named starting point, one per paper experiment.
pub struct Preset {
    /// Menu label.
    pub name: &'static str,
    /// How long it takes.
    pub note: &'static str,
    /// The settings it loads.
    pub settings: Settings,
}

/// The presets, sized to show the effect in under a minute on a laptop (CPU times measured on
/// a 2-core machine).
pub fn presets() -> Vec<Preset> {
    let base = Settings::default();
    vec![
        Preset {
            name: "1. Volume of S01, f32",
            note: "20 draws on the embedded MNIST subset, verified; ~20 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Volume,
                ..base.clone()
            },
        },
        Preset {
            name: "1. Volume of S01, f16 (GPU)",
            note: "10 draws; every draw bifurcates at the first batch; needs shader-f16; ~3 s",
            settings: Settings {
                experiment: ExperimentKind::Volume,
                precision: Precision::F16,
                device: DeviceChoice::Gpu,
                draws: 10,
                ..base.clone()
            },
        },
        Preset {
            name: "1. Volume of S01, f64",
            note: "10 draws, verified; never bifurcates; ~20 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Volume,
                precision: Precision::F64,
                device: DeviceChoice::Cpu,
                draws: 10,
                ..base.clone()
            },
        },
        Preset {
            name: "1. Volume of S01, all precisions",
            note: "10 draws each of f16 (GPU), f32, f64, verified; ~40 s",
            settings: Settings {
                experiment: ExperimentKind::Volume,
                draws: 10,
                all_precisions: true,
                ..base.clone()
            },
        },
        Preset {
            name: "2. The surprise",
            note: "784-2000-128-10, 100 SGD iterations, seed 2; ~10 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Surprise,
                batch: 128,
                seed: 2,
                ..base.clone()
            },
        },
        Preset {
            name: "3. Cross-section",
            note: "100×100 grid around the first exact zero; ~2 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Section,
                ..base.clone()
            },
        },
        Preset {
            name: "4. Affected batches",
            note: "10 draws, every batch, both semantics; ~1 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Affected,
                draws: 10,
                ..base.clone()
            },
        },
        Preset {
            name: "6. Zeros during training",
            note: "depths 1..3 × width 256, one epoch; ~1 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Zeros,
                ..base.clone()
            },
        },
        Preset {
            name: "7. Training, a = 0 vs 1",
            note: "MLP 3×256, 3 epochs, SGD momentum, cosine; ~3 s on a CPU",
            settings: Settings {
                experiment: ExperimentKind::Train,
                batch: 128,
                epochs: 3,
                ..base
            },
        },
    ]
}

impl Settings {
    fn data(&self) -> DataSource {
        let dir = self.data_dir.trim();
        if dir.is_empty() {
            DataSource::Embedded
        } else {
            DataSource::Dir(dir.into())
        }
    }

    fn max_batches(&self) -> Option<usize> {
        (self.max_batches > 0).then_some(self.max_batches)
    }

    /// The values of a for training.
    pub fn alpha_values(&self) -> Result<Vec<f64>, Error> {
        self.alphas
            .split(',')
            .map(|a| {
                a.trim().parse::<f64>().map_err(|_| {
                    Error::Config(format!("'{}' in the values of a is not a number", a.trim()))
                })
            })
            .collect()
    }

    /// The volume scans these settings describe: one, or one per precision (f16 on the GPU,
    /// f64 on the CPU, f32 where the settings say).
    pub fn volumes(&self) -> Vec<VolumeConfig> {
        if !self.all_precisions {
            return vec![self.volume()];
        }
        [
            (Precision::F16, DeviceChoice::Gpu),
            (Precision::F32, self.device),
            (Precision::F64, DeviceChoice::Cpu),
        ]
        .into_iter()
        .map(|(precision, device)| VolumeConfig {
            precision,
            device,
            ..self.volume()
        })
        .collect()
    }

    /// The volume scan these settings describe.
    pub fn volume(&self) -> VolumeConfig {
        VolumeConfig {
            precision: self.precision,
            device: self.device,
            draws: self.draws,
            layers: self.layers,
            width: self.width,
            batch: self.batch,
            semantics: self.semantics,
            dataset: self.dataset,
            data: self.data(),
            seed: self.seed,
            max_batches: self.max_batches(),
            model: self.model,
            batch_norm: self.batch_norm,
            verify: self.verify,
            ..VolumeConfig::default()
        }
    }

    /// The surprise experiment (the paper's 2000-128 hidden layers).
    pub fn surprise(&self) -> SurpriseConfig {
        SurpriseConfig {
            precision: self.precision,
            device: self.device,
            batch: self.batch,
            lr: self.lr,
            iterations: self.iterations,
            seed: self.seed,
            semantics: self.semantics,
            dataset: self.dataset,
            data: self.data(),
            ..SurpriseConfig::default()
        }
    }

    /// The cross-section.
    pub fn section(&self) -> SectionConfig {
        SectionConfig {
            precision: self.precision,
            device: self.device,
            width: self.width,
            batch: self.batch,
            grid: self.grid,
            seed: self.seed,
            dataset: self.dataset,
            data: self.data(),
            ..SectionConfig::default()
        }
    }

    /// The affected-batches scan.
    pub fn affected(&self) -> AffectedConfig {
        AffectedConfig {
            precision: self.precision,
            device: self.device,
            draws: self.draws,
            layers: self.layers,
            width: self.width,
            batch: self.batch,
            dataset: self.dataset,
            data: self.data(),
            seed: self.seed,
            max_batches: self.max_batches(),
            ..AffectedConfig::default()
        }
    }

    /// The zero-rate grid: depths 1..=layers at this width.
    pub fn zeros(&self) -> ZerosConfig {
        ZerosConfig {
            precision: self.precision,
            device: self.device,
            layers: (1..=self.layers.max(1)).collect(),
            widths: vec![self.width],
            epochs: self.epochs,
            batch: self.batch,
            lr: self.lr,
            dataset: self.dataset,
            data: self.data(),
            seed: self.seed,
            max_batches: self.max_batches(),
            ..ZerosConfig::default()
        }
    }

    /// The training sweep.
    pub fn train(&self) -> Result<TrainConfig, Error> {
        Ok(TrainConfig {
            precision: self.precision,
            device: self.device,
            alphas: self.alpha_values()?,
            semantics: self.semantics,
            model: self.model,
            batch_norm: self.batch_norm,
            layers: self.layers,
            width: self.width,
            optimizer: OptimizerKind::Sgd,
            lr: self.lr,
            schedule: Schedule::Cosine,
            epochs: self.epochs,
            batch: self.batch,
            dataset: self.dataset,
            data: self.data(),
            seed: self.seed,
            max_batches: self.max_batches(),
            ..TrainConfig::default()
        })
    }
}
