//! The command line: clap commands → experiment configs, progress on stderr, results on stdout.

use crate::backend::{self, DeviceChoice, Precision};
use crate::data::{DataSource, DatasetKind};
use crate::error::Error;
use crate::experiment::Shard;
use crate::experiment::affected::AffectedConfig;
use crate::experiment::section::SectionConfig;
use crate::experiment::surprise::SurpriseConfig;
use crate::experiment::train::{OptimizerKind, Schedule, TrainConfig};
use crate::experiment::volume::{Compare, VolumeConfig, VolumeReport};
use crate::experiment::zeros::ZerosConfig;
use crate::model::ModelKind;
use crate::ops::Semantics;
use crate::report::JsonlWriter;
use crate::reproduce::{Figure, ReproduceOptions};
use crate::runner;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::path::PathBuf;

/// See, measure and teach how ReLU'(0) changes backpropagation in finite precision.
#[derive(Parser, Debug)]
#[command(name = "relu0", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open the app (the same as no command).
    Gui {
        /// Load preset number N of the Preset menu (1 = the first).
        #[arg(long)]
        preset: Option<usize>,
        /// Start the run at once.
        #[arg(long)]
        run: bool,
    },
    /// List GPU adapters (back end, shader-f16, SHADER_F64) and the CPU back end.
    Device {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Volume of the bifurcation zone S01: the share of random initialisations whose
    /// ReLU'(0)=0 and ReLU'(0)=1 gradients differ on some mini-batch (paper, experiment 1).
    Volume(VolumeArgs),
    /// The surprise (paper Fig. 1): copies with ReLU'(0) = 1, 0, 0 trained in lockstep with
    /// plain SGD; their parameter distances per iteration and min |z| of the first layer.
    Surprise(SurpriseArgs),
    /// Share of affected mini-batches at θ_init and size of the difference, under both
    /// backward semantics (paper, experiment 4).
    Affected(AffectedArgs),
    /// A cross-section of the bifurcation zone around the first exact zero of a first-layer
    /// pre-activation, in the search precision and in f64 (paper, experiment 3).
    Section(SectionArgs),
    /// Exact zeros per ReLU evaluation during training, per layer, over a grid of MLP depths
    /// and widths (paper, experiment 6).
    Zeros(ZerosArgs),
    /// Train one network per value of ReLU'(0) from the same initialisation and batch order;
    /// per epoch the training loss, test accuracy and divergence (paper, experiment 7).
    Train(TrainArgs),
    /// Run one experiment of the paper end to end and write its CSV, SVG figure and markdown
    /// summary (our numbers next to the paper's) to --out DIR.
    Reproduce(ReproduceArgs),
    /// Merge JSONL shards (`--shard K/N` runs) into one file ordered by draw index.
    Merge {
        /// The shard files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The merged file.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args, Debug)]
struct ReproduceArgs {
    /// Which experiment.
    #[arg(value_enum)]
    figure: Figure,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The paper's sizes (hours on a laptop CPU) instead of the small preset (minutes).
    #[arg(long)]
    full: bool,
    /// Data directory (MNIST IDX files; CIFAR-10 .bin files for conv) [default: the embedded
    /// MNIST subset].
    #[arg(long)]
    data: Option<PathBuf>,
    /// Device for the f32 runs (f16 runs on a GPU, f64 on the CPU).
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Print what was written as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct TrainArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Values of ReLU'(0), comma-separated; one training run each.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0,1",
        allow_hyphen_values = true
    )]
    alphas: Vec<f64>,
    /// mlp, vgg11 or resnet18 (the last two on --dataset cifar10).
    #[arg(long, default_value = "mlp")]
    model: ModelKind,
    /// Batch norm before every ReLU.
    #[arg(long)]
    bn: bool,
    /// MLP hidden layers.
    #[arg(long, default_value_t = 3)]
    layers: usize,
    /// MLP hidden width (the paper: 2048).
    #[arg(long, default_value_t = 256)]
    width: usize,
    /// sgd or adam (burn's optimisers).
    #[arg(long, default_value = "sgd")]
    optimizer: OptimizerKind,
    /// Base learning rate.
    #[arg(long, default_value_t = 0.01)]
    lr: f64,
    /// SGD momentum (0: none).
    #[arg(long, default_value_t = 0.9)]
    momentum: f64,
    /// L2 weight decay (0: none).
    #[arg(long, default_value_t = 5e-4)]
    weight_decay: f64,
    /// cosine (annealed per iteration) or constant.
    #[arg(long, default_value = "cosine")]
    schedule: Schedule,
    /// Passes over the training set.
    #[arg(long, default_value_t = 1)]
    epochs: usize,
    /// Mini-batch size.
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// multiply (dx = dy·a at 0) or assign (dx = a at 0, the paper's code).
    #[arg(long, default_value = "multiply")]
    semantics: Semantics,
    /// Seed of the initialisation, the batch order and the augmentation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Train only shard K of N of the values of a (run i with i mod N = K-1).
    #[arg(long)]
    shard: Option<Shard>,
    /// At most this many batches per epoch.
    #[arg(long)]
    max_batches: Option<usize>,
    /// No random crop and flip on CIFAR-10.
    #[arg(long)]
    no_augment: bool,
    /// Also count exact zeros in every ReLU input (per epoch and layer, in the JSONL and the
    /// summary).
    #[arg(long)]
    census: bool,
    /// Write one JSON line per epoch to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Continue a killed run: keep the records already in FILE (same settings), run the rest
    /// and append them to FILE.
    #[arg(long, value_name = "FILE")]
    resume: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ZerosArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Depths L, comma-separated (the paper: 1,2,3,5,6).
    #[arg(long, value_delimiter = ',', default_value = "1,3")]
    layers: Vec<usize>,
    /// Widths n, comma-separated (the paper: 16,64,256,512).
    #[arg(long, value_delimiter = ',', default_value = "64,256")]
    widths: Vec<usize>,
    /// Passes over the training set per grid point.
    #[arg(long, default_value_t = 1)]
    epochs: usize,
    /// Mini-batch size.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// SGD learning rate.
    #[arg(long, default_value_t = 0.01)]
    lr: f64,
    /// SGD momentum.
    #[arg(long, default_value_t = 0.9)]
    momentum: f64,
    /// L2 weight decay.
    #[arg(long, default_value_t = 5e-4)]
    weight_decay: f64,
    /// Seed of the initialisation and the batch order.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// At most this many batches per epoch.
    #[arg(long)]
    max_batches: Option<usize>,
    /// Write one JSON line per grid point to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SectionArgs {
    /// --precision is the search's: f32, or f16 on a GPU (the f64 grid is always computed).
    #[command(flatten)]
    run: RunArgs,
    /// First hidden layer width.
    #[arg(long, default_value_t = 256)]
    width: usize,
    /// Mini-batch size.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Grid points per axis (even).
    #[arg(long, default_value_t = 200)]
    grid: usize,
    /// The grid covers [-span, span) on both axes.
    #[arg(long, default_value_t = 5e-6)]
    span: f64,
    /// Seed of draw 0 (draw i uses seed + i) and of the two directions.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Draws to search at most.
    #[arg(long, default_value_t = 1000)]
    max_draws: usize,
    /// Write the grid as CSV (x, y, |z| in the search precision, |z| in f64).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct AffectedArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Random initialisations R.
    #[arg(long, default_value_t = 10)]
    draws: usize,
    /// Hidden layers L.
    #[arg(long, default_value_t = 3)]
    layers: usize,
    /// Hidden width n.
    #[arg(long, default_value_t = 256)]
    width: usize,
    /// Mini-batch size.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// first-layer (the paper's criterion) or all parameters.
    #[arg(long, default_value = "first-layer")]
    compare: Compare,
    /// Draw i is initialised from seed + i.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Run only shard K of N (draws i with i mod N = K-1).
    #[arg(long)]
    shard: Option<Shard>,
    /// Evaluate at most this many batches per draw (default: one pass).
    #[arg(long)]
    max_batches: Option<usize>,
    /// Write one JSON line per draw to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Continue a killed run: keep the records already in FILE (same settings), run the rest
    /// and append them to FILE.
    #[arg(long, value_name = "FILE")]
    resume: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct SurpriseArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Hidden widths, comma-separated (the paper: 2000,128).
    #[arg(long, value_delimiter = ',', default_value = "2000,128")]
    hidden: Vec<usize>,
    /// Mini-batch size.
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// SGD learning rate.
    #[arg(long, default_value_t = 0.01)]
    lr: f64,
    /// SGD iterations, one mini-batch each in fixed order.
    #[arg(long, default_value_t = 100)]
    iterations: usize,
    /// Initialisation seed shared by the three copies.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// multiply (dx = dy·a at 0) or assign (dx = a at 0, the paper's code).
    #[arg(long, default_value = "multiply")]
    semantics: Semantics,
    /// Write one JSON line per iteration to this file.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Settings every experiment command shares.
#[derive(Args, Debug)]
struct RunArgs {
    /// Precision of model, data, loss, backward (and update): f16 (GPU), f32 or f64.
    #[arg(long, default_value = "f32")]
    precision: Precision,
    /// auto: GPU for f16, a hardware GPU else the CPU for f32, the CPU for f64.
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// mnist, fashion-mnist or cifar10.
    #[arg(long, default_value = "mnist")]
    dataset: DatasetKind,
    /// embedded (MNIST subset in the binary), or a directory with the IDX files (MNIST,
    /// Fashion-MNIST) or with data_batch_1..5.bin and test_batch.bin (CIFAR-10).
    #[arg(long, default_value = "embedded")]
    data: DataSource,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct VolumeArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Random initialisations R.
    #[arg(long, default_value_t = 20)]
    draws: usize,
    /// Hidden layers L.
    #[arg(long, default_value_t = 3)]
    layers: usize,
    /// Hidden width n.
    #[arg(long, default_value_t = 256)]
    width: usize,
    /// Mini-batch size [default: 256 for the MLP, 128 for vgg11 and resnet18].
    #[arg(long)]
    batch: Option<usize>,
    /// mlp, or vgg11 / resnet18 (CIFAR variants; give --dataset cifar10 --data DIR).
    #[arg(long, default_value = "mlp")]
    model: ModelKind,
    /// Batch norm before every ReLU.
    #[arg(long)]
    bn: bool,
    /// multiply (dx = dy·a at 0) or assign (dx = a at 0, the paper's code).
    #[arg(long, default_value = "multiply")]
    semantics: Semantics,
    /// first-layer (the paper's criterion) or all parameters.
    #[arg(long, default_value = "first-layer")]
    compare: Compare,
    /// Draw i is initialised from seed + i.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Run both backward passes on every batch and check the one-forward shortcut.
    #[arg(long)]
    verify: bool,
    /// Run only shard K of N (draws i with i mod N = K-1).
    #[arg(long)]
    shard: Option<Shard>,
    /// The paper's variant without a ReLU after the first Linear.
    #[arg(long)]
    no_first_relu: bool,
    /// Scan at most this many batches per draw (default: one pass over the training set).
    #[arg(long)]
    max_batches: Option<usize>,
    /// Write one JSON line per draw to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Continue a killed run: keep the draws already in FILE (same settings), run the rest and
    /// append them to FILE.
    #[arg(long, value_name = "FILE")]
    resume: Option<PathBuf>,
}

impl VolumeArgs {
    fn config(&self) -> VolumeConfig {
        VolumeConfig {
            precision: self.run.precision,
            device: self.run.device,
            draws: self.draws,
            layers: self.layers,
            width: self.width,
            batch: self.batch.unwrap_or(default_batch(self.model)),
            semantics: self.semantics,
            compare: self.compare,
            dataset: self.run.dataset,
            data: self.run.data.clone(),
            seed: self.seed,
            verify: self.verify,
            shard: self.shard,
            first_relu: !self.no_first_relu,
            max_batches: self.max_batches,
            model: self.model,
            batch_norm: self.bn,
        }
    }
}

/// The paper's batch size for a model: 256 for the MLPs, 128 for the CIFAR-10 networks.
fn default_batch(model: ModelKind) -> usize {
    if model.is_convolutional() { 128 } else { 256 }
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown failure".into())
}

/// Runs the command line and returns the process exit code. A failure deep inside a back end
/// (a lost GPU device, an allocation the driver refuses) that panics ends the command with
/// one line and exit code 1, not a backtrace.
pub fn main() -> i32 {
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|info| {
            let message = panic_message(info.payload()).replace('\n', " ");
            eprintln!("relu0: the run failed inside the back end: {message}");
        }));
    }
    std::panic::catch_unwind(run_command).unwrap_or(1)
}

fn run_command() -> i32 {
    // "--batch -5" should say that -5 is a bad batch, not that -5 is an unknown flag.
    let command = Cli::command()
        .allow_negative_numbers(true)
        .mut_subcommands(|sub| sub.allow_negative_numbers(true));
    let parsed = command
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return 0;
            }
            // One line naming the bad value, not clap's usage block.
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments");
            eprintln!("relu0: {}", line.trim_start_matches("error: "));
            return 2;
        }
    };
    let result = match cli.command {
        None => crate::app::run_native(None, false),
        Some(Command::Gui { preset, run }) => crate::app::run_native(preset, run),
        Some(Command::Device { json }) => device(json),
        Some(Command::Volume(args)) => volume(&args),
        Some(Command::Surprise(args)) => surprise(&args),
        Some(Command::Affected(args)) => affected(&args),
        Some(Command::Section(args)) => section(&args),
        Some(Command::Zeros(args)) => zeros(&args),
        Some(Command::Train(args)) => train(&args),
        Some(Command::Reproduce(args)) => reproduce(&args),
        Some(Command::Merge { files, out }) => merge(&files, &out),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("relu0: {e}");
            e.exit_code()
        }
    }
}

/// Prints one JSON object on stdout.
fn print_json<T: serde::Serialize>(report: &T) -> Result<(), Error> {
    let line = serde_json::to_string(report).map_err(|e| Error::Output(e.to_string()))?;
    println!("{line}");
    Ok(())
}

fn section(args: &SectionArgs) -> Result<(), Error> {
    let config = SectionConfig {
        precision: args.run.precision,
        device: args.run.device,
        width: args.width,
        batch: args.batch,
        grid: args.grid,
        span: args.span,
        seed: args.seed,
        max_draws: args.max_draws,
        dataset: args.run.dataset,
        data: args.run.data.clone(),
    };
    let report = runner::section(config, args.out.as_deref())?;
    if args.run.json {
        return print_json(&report);
    }
    let z = &report.zero;
    println!(
        "first exact zero: draw {} batch {} sample {} neuron {}",
        z.draw, z.batch, z.sample, z.neuron
    );
    for grid in [&report.search, &report.f64] {
        println!(
            "  {}: {} of {} grid points exactly 0 (centre {})",
            grid.precision,
            grid.exact_zeros,
            grid.abs_z.len(),
            if grid.centre_is_zero { "0" } else { "not 0" }
        );
    }
    println!("elapsed: {:.1} s", report.elapsed_s);
    Ok(())
}

fn reproduce(args: &ReproduceArgs) -> Result<(), Error> {
    let options = ReproduceOptions {
        out: args.out.clone(),
        full: args.full,
        data: args.data.clone(),
        device: args.device,
    };
    let written = crate::reproduce::reproduce(args.figure, &options)?;
    if args.json {
        return print_json(&written);
    }
    for file in &written.files {
        println!("wrote {}", file.display());
    }
    println!("{}: {:.1} s", written.figure, written.elapsed_s);
    Ok(())
}

fn merge(files: &[PathBuf], out: &std::path::Path) -> Result<(), Error> {
    let paths: Vec<&std::path::Path> = files.iter().map(PathBuf::as_path).collect();
    let records = crate::report::merge::merge_shards(&paths)?;
    let mut writer = JsonlWriter::create(out)?;
    for record in &records {
        writer.write(record)?;
    }
    eprintln!(
        "relu0: merged {} records into {}",
        records.len(),
        out.display()
    );
    Ok(())
}

fn device(json: bool) -> Result<(), Error> {
    let adapters = backend::list_adapters();
    let cpu = backend::cpu_summary();
    if json {
        let value = serde_json::json!({ "adapters": adapters, "cpu": cpu });
        println!("{value}");
        return Ok(());
    }
    if adapters.is_empty() {
        println!(
            "GPU: none found (install a Vulkan driver, e.g. Mesa lavapipe: \
             apt-get install mesa-vulkan-drivers libvulkan1; --device cpu works)"
        );
    }
    for (i, a) in adapters.iter().enumerate() {
        let yes = |b: bool| if b { "yes" } else { "no" };
        println!("GPU {i}: {}", a.name);
        println!("  vendor:      {}", a.vendor);
        println!("  back end:    {} ({})", a.backend, a.device_type);
        println!("  driver:      {}", a.driver);
        println!("  shader-f16:  {}", yes(a.shader_f16));
        println!("  SHADER_F64:  {}", yes(a.shader_f64));
    }
    println!("CPU: {cpu}");
    Ok(())
}

/// The output file and whether to resume it, from `--out` and `--resume`.
fn output<'a>(
    out: &'a Option<PathBuf>,
    resume: &'a Option<PathBuf>,
) -> Result<(Option<&'a std::path::Path>, bool), Error> {
    match (resume, out) {
        (Some(_), Some(_)) => Err(Error::Config(
            "--resume FILE continues FILE; give it instead of --out".into(),
        )),
        (Some(file), None) => Ok((Some(file.as_path()), true)),
        (None, out) => Ok((out.as_deref(), false)),
    }
}

fn volume(args: &VolumeArgs) -> Result<(), Error> {
    let (out, resume) = output(&args.out, &args.resume)?;
    let report = runner::volume(args.config(), out, resume)?;
    if args.run.json {
        print_json(&report)
    } else {
        print_volume(&report);
        Ok(())
    }
}

fn surprise(args: &SurpriseArgs) -> Result<(), Error> {
    let config = SurpriseConfig {
        precision: args.run.precision,
        device: args.run.device,
        hidden: args.hidden.clone(),
        batch: args.batch,
        lr: args.lr,
        iterations: args.iterations,
        seed: args.seed,
        semantics: args.semantics,
        dataset: args.run.dataset,
        data: args.run.data.clone(),
    };
    let report = runner::surprise(config, args.out.as_deref())?;
    if args.run.json {
        return print_json(&report);
    }
    println!(
        "surprise, {} on {}: \"1 vs 0\" {} ; \"0 vs 0\" max {:e} over {} iterations",
        report.precision,
        report.device,
        report
            .departure_iteration
            .map_or("never left 0".to_string(), |i| format!(
                "left 0 at iteration {i}"
            )),
        report.dist_0_vs_0.iter().cloned().fold(0.0, f64::max),
        report.dist_1_vs_0.len()
    );
    if let (Some(last), Some(min_z)) = (
        report.dist_1_vs_0.last(),
        report.min_abs_z.iter().cloned().reduce(f64::min),
    ) {
        println!("final L1 distance 1 vs 0: {last:e}; smallest min|z|: {min_z:e}");
    }
    println!("elapsed: {:.1} s", report.elapsed_s);
    Ok(())
}

fn affected(args: &AffectedArgs) -> Result<(), Error> {
    let config = AffectedConfig {
        precision: args.run.precision,
        device: args.run.device,
        draws: args.draws,
        layers: args.layers,
        width: args.width,
        batch: args.batch,
        compare: args.compare,
        dataset: args.run.dataset,
        data: args.run.data.clone(),
        seed: args.seed,
        shard: args.shard,
        max_batches: args.max_batches,
    };
    let (out, resume) = output(&args.out, &args.resume)?;
    let report = runner::affected(config, out, resume)?;
    if args.run.json {
        return print_json(&report);
    }
    println!(
        "affected batches, {} on {}: {} draws x {} batches",
        report.precision,
        report.device,
        report.draws,
        report.pairs / report.draws.max(1)
    );
    for (name, s) in [("multiply", &report.multiply), ("assign", &report.assign)] {
        println!(
            "  {name:8}: {:.1}% of draws affected, {:.2}% of (draw, batch) pairs differ, \
             |g0-g1|/|g0| quantiles {:?}",
            100.0 * s.draws_affected_share,
            100.0 * s.pairs_differing_share,
            s.relative_difference_quantiles
        );
    }
    println!("elapsed: {:.1} s", report.elapsed_s);
    Ok(())
}

impl TrainArgs {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            precision: self.run.precision,
            device: self.run.device,
            alphas: self.alphas.clone(),
            semantics: self.semantics,
            model: self.model,
            batch_norm: self.bn,
            layers: self.layers,
            width: self.width,
            optimizer: self.optimizer,
            lr: self.lr,
            momentum: self.momentum,
            weight_decay: self.weight_decay,
            schedule: self.schedule,
            epochs: self.epochs,
            batch: self.batch,
            dataset: self.run.dataset,
            data: self.run.data.clone(),
            seed: self.seed,
            shard: self.shard,
            max_batches: self.max_batches,
            augment: !self.no_augment,
            census: self.census,
        }
    }
}

fn train(args: &TrainArgs) -> Result<(), Error> {
    let (out, resume) = output(&args.out, &args.resume)?;
    let report = runner::train(args.config(), out, resume)?;
    if args.run.json {
        return print_json(&report);
    }
    println!(
        "train {}{}, {} on {}, {} epochs x {} batches of {}",
        report.config.model,
        if report.config.batch_norm {
            " + batch norm"
        } else {
            ""
        },
        report.precision,
        report.device,
        report.config.epochs,
        report.batches_per_epoch,
        report.config.batch
    );
    for r in &report.runs {
        println!(
            "  a = {:<6} test accuracy {:.2}%  train loss {:.4}{}",
            r.alpha,
            100.0 * r.final_test_accuracy,
            r.final_train_loss,
            if r.diverged { "  DIVERGED" } else { "" }
        );
        if let (Some(zeros), Some(evaluations)) = (&r.zeros_per_layer, &r.evaluations_per_layer) {
            println!(
                "             exact zeros per ReLU layer {zeros:?} in {} evaluations",
                evaluations.iter().sum::<u64>()
            );
        }
    }
    println!("elapsed: {:.1} s", report.elapsed_s);
    Ok(())
}

fn zeros(args: &ZerosArgs) -> Result<(), Error> {
    let config = ZerosConfig {
        precision: args.run.precision,
        device: args.run.device,
        layers: args.layers.clone(),
        widths: args.widths.clone(),
        epochs: args.epochs,
        batch: args.batch,
        lr: args.lr,
        momentum: args.momentum,
        weight_decay: args.weight_decay,
        dataset: args.run.dataset,
        data: args.run.data.clone(),
        seed: args.seed,
        max_batches: args.max_batches,
    };
    let report = runner::zeros(config, args.out.as_deref())?;
    if args.run.json {
        return print_json(&report);
    }
    println!(
        "exact zeros per ReLU evaluation during training, {} on {}",
        report.precision, report.device
    );
    for p in &report.points {
        let rates: Vec<String> = p
            .rate_per_layer
            .iter()
            .map(|r| format!("{r:.2e}"))
            .collect();
        println!(
            "  L={} n={:<5} rate {:.2e} (per layer {}; {} zeros in {} evaluations)",
            p.layers,
            p.width,
            p.rate,
            rates.join(" "),
            p.zeros_per_layer.iter().sum::<u64>(),
            p.evaluations_per_layer.iter().sum::<u64>()
        );
    }
    println!("elapsed: {:.1} s", report.elapsed_s);
    Ok(())
}

fn print_volume(r: &VolumeReport) {
    println!(
        "volume of S01, {} on {}{}: {}/{} draws = {:.3} (95% CI {:.3}-{:.3})",
        r.precision,
        r.device,
        r.adapter
            .as_ref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default(),
        r.in_s01,
        r.draws,
        r.proportion,
        r.ci95[0],
        r.ci95[1]
    );
    let model = match r.config.model {
        ModelKind::Mlp => format!("MLP {}x{}", r.config.layers, r.config.width),
        conv => conv.to_string(),
    };
    let bn = if r.config.batch_norm {
        " + batch norm"
    } else {
        ""
    };
    println!(
        "{model}{bn}, batch {}, {} semantics, {} training samples ({} batches per pass)",
        r.config.batch, r.config.semantics, r.train_samples, r.batches_per_epoch
    );
    let firsts: Vec<String> = r
        .first_diff_batch
        .iter()
        .map(|b| b.map_or("-".to_string(), |b| b.to_string()))
        .collect();
    println!("first differing batch per draw: {}", firsts.join(" "));
    println!("exact zeros per ReLU layer: {:?}", r.zeros_per_layer);
    if let Some(v) = &r.verify {
        println!(
            "verify: {} batches with both backward passes, {} shortcut mismatches, {} 0-vs-0 mismatches",
            v.batches_checked, v.shortcut_mismatches, v.control_mismatches
        );
    }
    println!("elapsed: {:.1} s", r.elapsed_s);
}
