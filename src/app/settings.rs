//! What the left panel edits: one experiment and its settings, the presets that fill them, and
//! the conversion to each experiment's config. Saved and loaded as JSON.

use crate::backend::{DeviceChoice, Precision};
use crate::data::{DataSource, DatasetKind, FileSet};
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
    /// Data files held in memory (picked in the browser); they take the place of `data_dir`.
    #[serde(skip)]
    pub files: Option<FileSet>,
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
            files: None,
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
        if let Some(files) = &self.files {
            DataSource::Files(files.clone())
        } else if dir.is_empty() {
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

/// Settings read from a link: the query (or fragment) of a URL such as
/// `?preset=1&draws=5&precision=f16&autorun=1`.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkSettings {
    /// The settings the link describes.
    pub settings: Settings,
    /// `autorun=1`: start the run as the page opens.
    pub autorun: bool,
}

/// Reads settings from a URL query or fragment (a leading `?` or `#` is skipped).
///
/// `preset=N` (from 1) starts from that preset, then every other `key=value` sets the setting
/// of that name (the names of the settings JSON, e.g. `draws`, `precision`, `batch_norm`);
/// `autorun=1|true` asks to start. An unknown key or a value of the wrong type is an error
/// naming it; nothing is applied then.
pub fn from_query(query: &str) -> Result<LinkSettings, Error> {
    let query = query.trim_start_matches(['?', '#']);
    let mut pairs = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        pairs.push((percent_decode(key)?, percent_decode(value)?));
    }
    let mut base = Settings::default();
    let mut autorun = false;
    if let Some((_, n)) = pairs.iter().find(|(k, _)| k == "preset") {
        let all = presets();
        let count = all.len();
        let index: usize = n.parse().map_err(|_| {
            Error::Config(format!(
                "preset '{n}' is not a number (presets 1 to {count})"
            ))
        })?;
        base = all
            .into_iter()
            .nth(index.wrapping_sub(1))
            .ok_or_else(|| {
                Error::Config(format!("preset {index}: there are presets 1 to {count}"))
            })?
            .settings;
    }
    let mut json = serde_json::to_value(&base)
        .map_err(|e| Error::Config(format!("settings cannot be written: {e}")))?;
    let fields = json
        .as_object_mut()
        .ok_or_else(|| Error::Config("settings are not an object".into()))?;
    for (key, value) in pairs {
        match key.as_str() {
            "preset" => {}
            "autorun" => {
                autorun = match value.as_str() {
                    "" | "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    other => {
                        return Err(Error::Config(format!("autorun '{other}' is not 0 or 1")));
                    }
                }
            }
            _ => {
                let Some(current) = fields.get_mut(&key) else {
                    return Err(Error::Config(format!(
                        "unknown setting '{key}' in the link"
                    )));
                };
                let bad =
                    || Error::Config(format!("setting {key}: '{value}' is not a valid value"));
                *current = match current {
                    serde_json::Value::String(_) => serde_json::Value::String(value.clone()),
                    _ => serde_json::from_str(&value).map_err(|_| bad())?,
                };
                // Each value is checked on its own, so the error names it.
                if serde_json::from_value::<Settings>(serde_json::Value::Object(fields.clone()))
                    .is_err()
                {
                    return Err(bad());
                }
            }
        }
    }
    let settings: Settings = serde_json::from_value(json)
        .map_err(|e| Error::Config(format!("the link's settings are not valid: {e}")))?;
    Ok(LinkSettings { settings, autorun })
}

/// The query (without `?`) that [`from_query`] reads back as `settings`: every setting that
/// differs from the defaults.
pub fn to_query(settings: &Settings) -> String {
    let (Ok(serde_json::Value::Object(now)), Ok(serde_json::Value::Object(default))) = (
        serde_json::to_value(settings),
        serde_json::to_value(Settings::default()),
    ) else {
        return String::new();
    };
    now.iter()
        .filter(|(key, value)| default.get(*key) != Some(*value))
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{key}={}", percent_encode(&text))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn percent_decode(text: &str) -> Result<String, Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        Error::Config(format!("bad %-escape in the link near '{}'", &text[i..]))
                    })?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| Error::Config("the link is not UTF-8 text".into()))
}
