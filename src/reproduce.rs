//! `relu0 reproduce <figure> --out DIR`: one experiment of the paper end to end. Each figure
//! runs its experiment(s) with a preset (a small one that finishes on a laptop CPU in minutes,
//! or `--full`, the paper's sizes), then writes `<figure>.csv`, `<figure>.svg` and
//! `<figure>.md` (our numbers next to the paper's, the settings and the run time) to DIR.

use crate::backend::{self, DeviceChoice, Precision};
use crate::data::{DataSource, DatasetKind};
use crate::error::Error;
use crate::experiment::affected::AffectedConfig;
use crate::experiment::section::SectionConfig;
use crate::experiment::stats::wilson95;
use crate::experiment::surprise::SurpriseConfig;
use crate::experiment::train::{OptimizerKind, Schedule, TrainConfig};
use crate::experiment::volume::VolumeConfig;
use crate::experiment::zeros::ZerosConfig;
use crate::model::ModelKind;
use crate::ops::Semantics;
use crate::report::svg::{BarChart, BarGroup, HeatMap, LineChart, Series, heat_maps};
use crate::runner;
use std::fmt::Write;
use std::path::PathBuf;
use web_time::Instant;

/// The paper's figures, one per experiment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Figure {
    /// Experiment 1: volume of S01 in f16, f32, f64.
    Volume,
    /// Experiment 2 (Fig. 1): distances of the three copies trained in lockstep.
    Surprise,
    /// Experiment 3: cross-section of the bifurcation zone, f32 vs f64.
    Section,
    /// Experiment 4: affected mini-batches under both semantics.
    Affected,
    /// Experiment 5: VGG11 / ResNet18 on CIFAR-10, share of draws in S01 after k batches.
    Conv,
    /// Experiment 6: exact-zero rate during training over depths and widths.
    Zeros,
    /// Experiment 7: test accuracy against ReLU'(0) (MNIST MLP, or a CIFAR-10 network).
    Train,
}

impl Figure {
    /// The file stem and command name.
    pub fn name(self) -> &'static str {
        match self {
            Figure::Volume => "volume",
            Figure::Surprise => "surprise",
            Figure::Section => "section",
            Figure::Affected => "affected",
            Figure::Conv => "conv",
            Figure::Zeros => "zeros",
            Figure::Train => "train",
        }
    }
}

/// Where and how big.
#[derive(Clone, Debug)]
pub struct ReproduceOptions {
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// The paper's sizes instead of the small preset.
    pub full: bool,
    /// Data directory: MNIST IDX files, or CIFAR-10 `.bin` files for `conv`; the embedded
    /// MNIST subset when absent.
    pub data: Option<PathBuf>,
    /// Device for f32 runs (f16 always runs on a GPU, f64 on the CPU).
    pub device: DeviceChoice,
}

/// What a figure wrote.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Written {
    /// The figure.
    pub figure: String,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// Wall time of the whole figure.
    pub elapsed_s: f64,
}

/// The three outputs of a figure before they are written.
struct Outputs {
    csv: String,
    svg: String,
    markdown: String,
}

/// Runs `figure` and writes its CSV, SVG and markdown summary into `options.out`.
pub fn reproduce(figure: Figure, options: &ReproduceOptions) -> Result<Written, Error> {
    std::fs::create_dir_all(&options.out)
        .map_err(|e| Error::Output(format!("{}: cannot create: {e}", options.out.display())))?;
    let started = Instant::now();
    let outputs = match figure {
        Figure::Volume => volume(options)?,
        Figure::Surprise => surprise(options)?,
        Figure::Section => section(options)?,
        Figure::Affected => affected(options)?,
        Figure::Conv => conv(options)?,
        Figure::Zeros => zeros(options)?,
        Figure::Train => train(options)?,
    };
    let elapsed_s = started.elapsed().as_secs_f64();
    let preset = if options.full {
        "full (paper sizes)"
    } else {
        "small"
    };
    let markdown = format!(
        "{}\nPreset: {preset}. Data: {}. Wall time: {elapsed_s:.1} s.\n",
        outputs.markdown,
        options
            .data
            .as_ref()
            .map_or("embedded MNIST subset".to_string(), |d| d
                .display()
                .to_string())
    );
    let mut files = Vec::new();
    for (ext, text) in [
        ("csv", &outputs.csv),
        ("svg", &outputs.svg),
        ("md", &markdown),
    ] {
        let path = options.out.join(format!("{}.{ext}", figure.name()));
        std::fs::write(&path, text)
            .map_err(|e| Error::Output(format!("{}: cannot write: {e}", path.display())))?;
        files.push(path);
    }
    Ok(Written {
        figure: figure.name().into(),
        files,
        elapsed_s,
    })
}

fn data_source(options: &ReproduceOptions) -> DataSource {
    options
        .data
        .clone()
        .map_or(DataSource::Embedded, DataSource::Dir)
}

/// Whether some adapter can run f16 kernels.
fn f16_gpu_available() -> bool {
    backend::list_adapters().iter().any(|a| a.shader_f16)
}

fn skipped_f16_note() -> &'static str {
    "f16 skipped: no GPU adapter with shader-f16 (relu0 device lists them).\n"
}

fn volume(options: &ReproduceOptions) -> Result<Outputs, Error> {
    // The paper's shares after a full pass of 60,000 images (1000 draws), or, on the embedded
    // 10,000 images, its shares after 10,000 samples (read off its figure).
    let paper = if options.data.is_some() {
        [1.0, 0.463, 0.0]
    } else {
        [0.8, 0.09, 0.0]
    };
    let mut csv = String::from("precision,draws,in_s01,proportion,ci95_low,ci95_high,paper\n");
    let mut groups = Vec::new();
    let mut table = String::new();
    let mut notes = String::new();
    for (precision, paper) in [Precision::F16, Precision::F32, Precision::F64]
        .into_iter()
        .zip(paper)
    {
        let device = match precision {
            Precision::F16 => DeviceChoice::Gpu,
            Precision::F32 => options.device,
            Precision::F64 => DeviceChoice::Cpu,
        };
        if precision == Precision::F16 && !f16_gpu_available() {
            notes.push_str(skipped_f16_note());
            continue;
        }
        let config = VolumeConfig {
            precision,
            device,
            draws: match (options.full, precision) {
                (true, _) => 1000,
                (false, Precision::F32) => 40,
                (false, _) => 20,
            },
            data: data_source(options),
            ..VolumeConfig::default()
        };
        let r = runner::volume(config, None, false)?;
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{paper}",
            precision, r.draws, r.in_s01, r.proportion, r.ci95[0], r.ci95[1]
        );
        let _ = writeln!(
            table,
            "| {precision} | {} | {} | {:.3} ({:.3}–{:.3}) | {paper:.3} | {:.1} s |",
            r.device, r.draws, r.proportion, r.ci95[0], r.ci95[1], r.elapsed_s
        );
        groups.push(BarGroup {
            label: precision.to_string(),
            values: vec![Some(r.proportion), Some(paper)],
            errors: vec![Some((r.ci95[0], r.ci95[1])), None],
        });
    }
    let svg = BarChart {
        title: "Volume of S01 (MLP 3x256, batch 256, one pass)".into(),
        y_label: "share of initialisations in S01".into(),
        series: vec!["relu0 (95% CI)".into(), "paper".into()],
        groups,
        log_y: false,
    }
    .to_svg();
    let markdown = format!(
        "# Experiment 1: volume of the bifurcation zone\n\n\
         MLP 784-256-256-256-10, batch 256, one pass in fixed order, multiply semantics, \
         first-layer gradient compared bitwise. Paper: 1000 draws on the 60,000 MNIST training \
         images; on the embedded 10,000 images, its share after 10,000 samples (read off its \
         figure).\n\n\
         | precision | device | draws | in S01 (Wilson 95%) | paper | time |\n|---|---|---|---|---|---|\n\
         {table}\n{notes}"
    );
    Ok(Outputs { csv, svg, markdown })
}

fn surprise(options: &ReproduceOptions) -> Result<Outputs, Error> {
    // A departure needs an exact zero within 100 iterations, which depends on the seed: f32
    // runs several seeds (f64 one: it never departs), and the figure draws the first seed that
    // departed (else seed 0).
    let seeds = if options.full { 20 } else { 4 };
    let mut csv = String::from("precision,seed,iteration,dist_1_vs_0,dist_0_vs_0,min_abs_z\n");
    let mut table = String::new();
    let mut shown: Vec<(Precision, crate::experiment::surprise::SurpriseReport)> = Vec::new();
    for (precision, seeds, paper) in [
        (Precision::F32, seeds, "65 (one run)"),
        (Precision::F64, 1, "never"),
    ] {
        let mut first: Option<crate::experiment::surprise::SurpriseReport> = None;
        for seed in 0..seeds {
            let config = SurpriseConfig {
                precision,
                device: if precision == Precision::F64 {
                    DeviceChoice::Cpu
                } else {
                    options.device
                },
                seed,
                data: data_source(options),
                ..SurpriseConfig::default()
            };
            let r = runner::surprise(config, None)?;
            for i in 0..r.dist_1_vs_0.len() {
                let _ = writeln!(
                    csv,
                    "{precision},{seed},{},{:e},{:e},{:e}",
                    i + 1,
                    r.dist_1_vs_0[i],
                    r.dist_0_vs_0[i],
                    r.min_abs_z[i]
                );
            }
            let max_control = r.dist_0_vs_0.iter().cloned().fold(0.0, f64::max);
            let _ = writeln!(
                table,
                "| {precision} | {seed} | {} | {paper} | {max_control:e} | {:.1} s |",
                r.departure_iteration
                    .map_or("never".to_string(), |i| i.to_string()),
                r.elapsed_s
            );
            let departed = r.departure_iteration.is_some();
            if first.is_none()
                || (departed
                    && first
                        .as_ref()
                        .is_some_and(|f| f.departure_iteration.is_none()))
            {
                first = Some(r);
            }
        }
        if let Some(r) = first {
            shown.push((precision, r));
        }
    }
    let mut series = Vec::new();
    for (precision, r) in &shown {
        let points = |values: &[f64]| -> Vec<(f64, f64)> {
            values
                .iter()
                .enumerate()
                .map(|(i, &v)| ((i + 1) as f64, v))
                .collect()
        };
        let seed = r.config.seed;
        series.push(Series {
            label: format!("{precision} s{seed} 1 vs 0"),
            points: points(&r.dist_1_vs_0),
            dashed: false,
        });
        series.push(Series {
            label: format!("{precision} s{seed} min|z|"),
            points: points(&r.min_abs_z),
            dashed: true,
        });
    }
    let svg = LineChart {
        title: "The surprise: ReLU'(0)=1 vs 0 trained in lockstep".into(),
        x_label: "SGD iteration".into(),
        y_label: "L1 distance / min |z| (log)".into(),
        log_y: true,
        series,
    }
    .to_svg();
    let markdown = format!(
        "# Experiment 2: the surprise (paper Fig. 1)\n\n\
         MLP 784-2000-128-10, batch 128, plain SGD lr 0.01, 100 iterations, copies with \
         ReLU'(0) = 1, 0, 0 from one initialisation, for seeds 0–{} in f32. The \"0 vs 0\" \
         control must stay 0. The figure shows the first f32 seed that departed (zero \
         distances do not appear on its log scale).\n\n\
         | precision | seed | \"1 vs 0\" leaves 0 at iteration | paper | max \"0 vs 0\" | time |\n\
         |---|---|---|---|---|---|\n{table}",
        seeds - 1
    );
    Ok(Outputs { csv, svg, markdown })
}

fn section(options: &ReproduceOptions) -> Result<Outputs, Error> {
    let config = SectionConfig {
        precision: Precision::F32,
        device: options.device,
        grid: if options.full { 200 } else { 100 },
        data: data_source(options),
        ..SectionConfig::default()
    };
    let r = runner::section(config, None)?;
    let map = |grid: &crate::experiment::section::SectionGrid| HeatMap {
        title: format!("{}: {} exact zeros", grid.precision, grid.exact_zeros),
        cells: grid
            .abs_z
            .iter()
            .map(|&v| (v > 0.0).then(|| v.log10()))
            .collect(),
        side: r.axis.len(),
        scale_label: "log10 |z|".into(),
    };
    let svg = heat_maps(
        "Cross-section of the bifurcation zone around W1",
        &[map(&r.search), map(&r.f64)],
    );
    let n = r.axis.len();
    let markdown = format!(
        "# Experiment 3: cross-section of the zone\n\n\
         First exact zero of a first-layer pre-activation: draw {}, batch {}, sample {}, \
         neuron {}. |z| on W1 + x·P1 + y·P2 over a {n}×{n} grid on [-{span:e}, {span:e})².\n\n\
         | precision | grid points exactly 0 | centre exactly 0 | paper |\n|---|---|---|---|\n\
         | {} | {} | {} | a band of positive width |\n| f64 | {} | {} | a thin line |\n\n\
         Search and both grids: {:.1} s.\n",
        r.zero.draw,
        r.zero.batch,
        r.zero.sample,
        r.zero.neuron,
        r.search.precision,
        r.search.exact_zeros,
        r.search.centre_is_zero,
        r.f64.exact_zeros,
        r.f64.centre_is_zero,
        r.elapsed_s,
        span = r.config.span,
    );
    Ok(Outputs {
        csv: r.csv(),
        svg,
        markdown,
    })
}

fn affected(options: &ReproduceOptions) -> Result<Outputs, Error> {
    let config = AffectedConfig {
        precision: Precision::F32,
        device: options.device,
        draws: if options.full { 100 } else { 10 },
        data: data_source(options),
        ..AffectedConfig::default()
    };
    let r = runner::affected(config, None, false)?;
    let mut csv = String::from(
        "semantics,draws,draws_affected,draws_affected_share,pairs,pairs_differing,pairs_differing_share,q0,q25,q50,q75,q100\n",
    );
    let mut table = String::new();
    let mut groups = Vec::new();
    for (semantics, s) in [
        (Semantics::Multiply, &r.multiply),
        (Semantics::Assign, &r.assign),
    ] {
        let q: Vec<String> = (0..5)
            .map(|i| {
                s.relative_difference_quantiles
                    .get(i)
                    .map_or(String::new(), |v| format!("{v:e}"))
            })
            .collect();
        let _ = writeln!(
            csv,
            "{semantics},{},{},{},{},{},{},{}",
            r.draws,
            s.draws_affected,
            s.draws_affected_share,
            r.pairs,
            s.pairs_differing,
            s.pairs_differing_share,
            q.join(",")
        );
        let _ = writeln!(
            table,
            "| {semantics} | {:.1}% ({}/{}) | {:.2}% ({}/{}) | {} |",
            100.0 * s.draws_affected_share,
            s.draws_affected,
            r.draws,
            100.0 * s.pairs_differing_share,
            s.pairs_differing,
            r.pairs,
            s.relative_difference_quantiles
                .get(2)
                .map_or("–".to_string(), |m| format!("{m:.2e}"))
        );
        groups.push(BarGroup {
            label: semantics.to_string(),
            values: vec![Some(s.draws_affected_share), Some(s.pairs_differing_share)],
            errors: vec![
                Some((s.draws_affected_ci95[0], s.draws_affected_ci95[1])),
                None,
            ],
        });
    }
    let svg = BarChart {
        title: "Affected mini-batches at initialisation (f32)".into(),
        y_label: "share".into(),
        series: vec![
            "draws with a differing batch".into(),
            "(draw, batch) pairs differing".into(),
        ],
        groups,
        log_y: false,
    }
    .to_svg();
    let markdown = format!(
        "# Experiment 4: affected mini-batches and size of the difference\n\n\
         MLP 3×256, batch 256, f32, every batch evaluated at θ_init; {} draws × {} batches.\n\n\
         | semantics | draws affected | pairs differing | median ‖g0−g1‖/‖g0‖ |\n|---|---|---|---|\n\
         {table}\nThe paper reports this share as sensitive to the backward semantics.\n\
         Time: {:.1} s.\n",
        r.draws,
        r.pairs / r.draws.max(1),
        r.elapsed_s
    );
    Ok(Outputs { csv, svg, markdown })
}

fn conv(options: &ReproduceOptions) -> Result<Outputs, Error> {
    let Some(dir) = options.data.clone() else {
        return Err(Error::Config(
            "reproduce conv needs CIFAR-10: give --data DIR holding data_batch_1..5.bin and \
             test_batch.bin (the binary version from the CIFAR-10 site)"
                .into(),
        ));
    };
    let ks = [1usize, 5, 20];
    let (draws, max_k) = if options.full { (100, 20) } else { (4, 5) };
    let nets: Vec<(ModelKind, bool, [f64; 3])> = if options.full {
        vec![
            (ModelKind::Vgg11, false, [0.10, 0.45, 0.90]),
            (ModelKind::Vgg11, true, [0.26, 0.80, 0.999]),
            (ModelKind::Resnet18, false, [0.08, 0.28, 0.73]),
            (ModelKind::Resnet18, true, [0.26, 0.80, 0.999]),
        ]
    } else {
        vec![(ModelKind::Vgg11, false, [0.10, 0.45, 0.90])]
    };
    let mut csv = String::from("model,batch_norm,k,draws,in_s01,share,ci95_low,ci95_high,paper\n");
    let mut table = String::new();
    let mut series = Vec::new();
    for (model, batch_norm, paper) in nets {
        let config = VolumeConfig {
            precision: Precision::F32,
            device: options.device,
            draws,
            batch: 128,
            dataset: DatasetKind::Cifar10,
            data: DataSource::Dir(dir.clone()),
            max_batches: Some(max_k),
            model,
            batch_norm,
            ..VolumeConfig::default()
        };
        let r = runner::volume(config, None, false)?;
        let name = format!("{model}{}", if batch_norm { "+bn" } else { "" });
        let mut points = Vec::new();
        for (&k, paper) in ks.iter().zip(paper) {
            if k > max_k {
                continue;
            }
            let hits = r
                .first_diff_batch
                .iter()
                .filter(|b| b.is_some_and(|b| b < k))
                .count();
            let share = hits as f64 / r.draws.max(1) as f64;
            let ci = wilson95(hits, r.draws);
            let _ = writeln!(
                csv,
                "{model},{batch_norm},{k},{},{hits},{share},{},{},{paper}",
                r.draws, ci[0], ci[1]
            );
            let _ = writeln!(
                table,
                "| {name} | {k} | {share:.2} ({:.2}–{:.2}) | {paper} |",
                ci[0], ci[1]
            );
            points.push((k as f64, share));
        }
        series.push(Series {
            label: name,
            points,
            dashed: false,
        });
    }
    let svg = LineChart {
        title: "CIFAR-10: share of draws in S01 after k batches (f32)".into(),
        x_label: "k (batches of 128)".into(),
        y_label: "share in S01".into(),
        log_y: false,
        series,
    }
    .to_svg();
    let markdown = format!(
        "# Experiment 5: convolutional networks on CIFAR-10\n\n\
         {draws} draws per network, batch 128, f32, first-layer gradient compared bitwise.\n\n\
         | network | k | share in S01 (Wilson 95%) | paper |\n|---|---|---|---|\n{table}"
    );
    Ok(Outputs { csv, svg, markdown })
}

fn zeros(options: &ReproduceOptions) -> Result<Outputs, Error> {
    let mut precisions = vec![(Precision::F32, options.device, "1e-9 – 8e-9")];
    let mut notes = String::new();
    if options.full {
        if f16_gpu_available() {
            precisions.push((Precision::F16, DeviceChoice::Gpu, "2e-8 – 1.2e-7"));
        } else {
            notes.push_str(skipped_f16_note());
        }
    }
    let mut csv = String::from("precision,layers,width,zeros,evaluations,rate,test_accuracy\n");
    let mut table = String::new();
    let mut groups: Vec<BarGroup> = Vec::new();
    let mut series_names = Vec::new();
    for (precision, device, paper) in precisions {
        let config = ZerosConfig {
            precision,
            device,
            layers: if options.full {
                vec![1, 2, 3, 5, 6]
            } else {
                vec![1, 3]
            },
            widths: if options.full {
                vec![16, 64, 256, 512]
            } else {
                vec![64, 256]
            },
            epochs: if options.full { 5 } else { 1 },
            data: data_source(options),
            ..ZerosConfig::default()
        };
        let r = runner::zeros(config, None)?;
        series_names.push(precision.to_string());
        for (i, p) in r.points.iter().enumerate() {
            let zeros: u64 = p.zeros_per_layer.iter().sum();
            let evaluations: u64 = p.evaluations_per_layer.iter().sum();
            let _ = writeln!(
                csv,
                "{precision},{},{},{zeros},{evaluations},{:e},{}",
                p.layers, p.width, p.rate, p.test_accuracy
            );
            let _ = writeln!(
                table,
                "| {precision} | {} | {} | {zeros} / {evaluations} | {:.2e} | {paper} |",
                p.layers, p.width, p.rate
            );
            if groups.len() <= i {
                groups.push(BarGroup {
                    label: format!("L{} n{}", p.layers, p.width),
                    values: Vec::new(),
                    errors: Vec::new(),
                });
            }
            groups[i].values.push((p.rate > 0.0).then_some(p.rate));
            groups[i].errors.push(None);
        }
    }
    let svg = BarChart {
        title: "Exact zeros per ReLU evaluation during training".into(),
        y_label: "rate (log)".into(),
        series: series_names,
        groups,
        log_y: true,
    }
    .to_svg();
    let markdown = format!(
        "# Experiment 6: exact-zero rate during training\n\n\
         MLPs on MNIST, one epoch, SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256, \
         ReLU'(0)=0; zeros counted in every ReLU input of every training forward pass.\n\n\
         | precision | L | n | zeros / evaluations | rate | paper |\n|---|---|---|---|---|---|\n\
         {table}\n{notes}"
    );
    Ok(Outputs { csv, svg, markdown })
}

fn train(options: &ReproduceOptions) -> Result<Outputs, Error> {
    let (width, epochs, alphas) = if options.full {
        (2048, 10, vec![0.0, 0.1, 0.5, 1.0])
    } else {
        (256, 5, vec![0.0, 1.0])
    };
    let mut csv = String::from("batch_norm,alpha,epoch,train_loss,test_accuracy,diverged\n");
    let mut table = String::new();
    let mut series = Vec::new();
    for (batch_norm, paper) in [(false, "≈98.45%"), (true, "≈98.95%")] {
        let config = TrainConfig {
            precision: Precision::F32,
            device: options.device,
            alphas: alphas.clone(),
            model: ModelKind::Mlp,
            batch_norm,
            layers: 3,
            width,
            optimizer: OptimizerKind::Sgd,
            lr: 0.01,
            momentum: 0.9,
            weight_decay: 5e-4,
            schedule: Schedule::Cosine,
            epochs,
            batch: 128,
            data: data_source(options),
            ..TrainConfig::default()
        };
        let r = runner::train(config, None, false)?;
        let name = if batch_norm {
            "batch norm"
        } else {
            "no batch norm"
        };
        let mut points = Vec::new();
        for run in &r.runs {
            let _ = writeln!(
                csv,
                "{batch_norm},{},{},{},{},{}",
                run.alpha, run.epochs, run.final_train_loss, run.final_test_accuracy, run.diverged
            );
            let _ = writeln!(
                table,
                "| {name} | {} | {:.2}% | {:.4} | {} | {paper} (a=0) |",
                run.alpha,
                100.0 * run.final_test_accuracy,
                run.final_train_loss,
                if run.diverged { "yes" } else { "no" }
            );
            points.push((run.alpha, 100.0 * run.final_test_accuracy));
        }
        series.push(Series {
            label: name.into(),
            points,
            dashed: batch_norm,
        });
    }
    let svg = LineChart {
        title: "MNIST MLP 3x".to_string() + &width.to_string() + ": test accuracy against ReLU'(0)",
        x_label: "ReLU'(0)".into(),
        y_label: "test accuracy (%)".into(),
        log_y: false,
        series,
    }
    .to_svg();
    let markdown = format!(
        "# Experiment 7: training with ReLU'(0) = a\n\n\
         MLP 784-{width}-{width}-{width}-10 (± BatchNorm1d before each ReLU), f32, SGD lr 0.01, \
         momentum 0.9, weight decay 5e-4, cosine schedule, batch 128, {epochs} epoch(s); every a \
         from the same initialisation and batch order.\n\n\
         | network | a | test accuracy | train loss | diverged | paper |\n|---|---|---|---|---|---|\n\
         {table}"
    );
    Ok(Outputs { csv, svg, markdown })
}
