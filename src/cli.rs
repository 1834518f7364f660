//! The command line: clap commands → experiment configs, progress on stderr, results on stdout.

use crate::backend::{self, DeviceChoice, Precision};
use crate::data::{self, DataSource, DatasetKind};
use crate::error::Error;
use crate::experiment::Shard;
use crate::experiment::affected::{AffectedConfig, AffectedRun};
use crate::experiment::section::SectionConfig;
use crate::experiment::surprise::{SurpriseConfig, SurpriseRun};
use crate::experiment::volume::{Compare, VolumeConfig, VolumeEvent, VolumeReport, VolumeRun};
use crate::ops::Semantics;
use crate::report::JsonlWriter;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
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
    /// mnist or fashion-mnist.
    #[arg(long, default_value = "mnist")]
    dataset: DatasetKind,
    /// embedded (MNIST subset in the binary) or a directory with the IDX files.
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
    /// Mini-batch size.
    #[arg(long, default_value_t = 256)]
    batch: usize,
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
}

impl VolumeArgs {
    fn config(&self) -> VolumeConfig {
        VolumeConfig {
            precision: self.run.precision,
            device: self.run.device,
            draws: self.draws,
            layers: self.layers,
            width: self.width,
            batch: self.batch,
            semantics: self.semantics,
            compare: self.compare,
            dataset: self.run.dataset,
            data: self.run.data.clone(),
            seed: self.seed,
            verify: self.verify,
            shard: self.shard,
            first_relu: !self.no_first_relu,
            max_batches: self.max_batches,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
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
        None => {
            eprintln!("relu0: no command given; try `relu0 volume --json` or `relu0 --help`");
            let _ = <Cli as clap::CommandFactory>::command().print_help();
            Ok(())
        }
        Some(Command::Device { json }) => device(json),
        Some(Command::Volume(args)) => volume(&args),
        Some(Command::Surprise(args)) => surprise(&args),
        Some(Command::Affected(args)) => affected(&args),
        Some(Command::Section(args)) => section(&args),
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

/// A progress bar on stderr (drawn only when stderr is a terminal).
fn progress(total: usize, what: &str, unit: &str, prefix: String) -> ProgressBar {
    let template = format!(
        "{{spinner}} {what} {{prefix}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed_precise}} eta {{eta}} {{msg}}"
    );
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template(&template)
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_prefix(prefix);
    bar
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
    config.validate()?;
    let dataset = data::load(config.dataset, &config.data)?;
    let compute = backend::select(config.precision, config.device)?;
    eprintln!(
        "relu0: searching for an exact first-layer zero ({} {})",
        args.run.precision,
        compute.describe()
    );
    let report = pollster::block_on(crate::experiment::section::run(config, compute, &dataset))?;
    if let Some(path) = &args.out {
        std::fs::write(path, report.csv())
            .map_err(|e| Error::Output(format!("{}: cannot write: {e}", path.display())))?;
    }
    if args.run.json {
        print_json(&report)?;
    } else {
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
    }
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

fn volume(args: &VolumeArgs) -> Result<(), Error> {
    let config = args.config();
    config.validate()?;
    let dataset = data::load(config.dataset, &config.data)?;
    let compute = backend::select(config.precision, config.device)?;
    let mut run = VolumeRun::new(config, compute.clone(), &dataset)?;
    let mut out = args.out.as_deref().map(JsonlWriter::create).transpose()?;

    let bar = progress(
        run.total_draws() * run.batches_per_draw(),
        "volume",
        "batches",
        format!("{} {}", args.run.precision, compute.describe()),
    );
    let mut done_draws = 0usize;
    let mut in_s01 = 0usize;
    while let Some(event) = pollster::block_on(run.step())? {
        match event {
            VolumeEvent::Batch { .. } => bar.inc(1),
            VolumeEvent::Draw(record) => {
                done_draws += 1;
                in_s01 += usize::from(record.in_s01);
                // A draw that stopped early skips the rest of its batches.
                let skipped = run.batches_per_draw() - record.batches_scanned;
                bar.inc(skipped as u64);
                bar.set_message(format!("S01 {in_s01}/{done_draws}"));
                if let Some(out) = out.as_mut() {
                    out.write(&record)?;
                }
            }
        }
    }
    bar.finish_and_clear();
    let report = run.report();
    if args.run.json {
        print_json(&report)?;
    } else {
        print_volume(&report);
    }
    Ok(())
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
    config.validate()?;
    let dataset = data::load(config.dataset, &config.data)?;
    let compute = backend::select(config.precision, config.device)?;
    let mut run = SurpriseRun::new(config, compute.clone(), &dataset)?;
    let mut out = args.out.as_deref().map(JsonlWriter::create).transpose()?;
    let bar = progress(
        run.iterations(),
        "surprise",
        "iterations",
        format!("{} {}", args.run.precision, compute.describe()),
    );
    while let Some(point) = pollster::block_on(run.step())? {
        bar.inc(1);
        bar.set_message(format!("1 vs 0: {:.3e}", point.dist_1_vs_0));
        if let Some(out) = out.as_mut() {
            out.write(&point)?;
        }
    }
    bar.finish_and_clear();
    let report = run.report();
    if args.run.json {
        print_json(&report)?;
    } else {
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
    }
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
    config.validate()?;
    let dataset = data::load(config.dataset, &config.data)?;
    let compute = backend::select(config.precision, config.device)?;
    let mut run = AffectedRun::new(config, compute.clone(), &dataset)?;
    let mut out = args.out.as_deref().map(JsonlWriter::create).transpose()?;
    let bar = progress(
        run.remaining(),
        "affected",
        "draws",
        format!("{} {}", args.run.precision, compute.describe()),
    );
    while let Some(record) = pollster::block_on(run.step())? {
        bar.inc(1);
        if let Some(out) = out.as_mut() {
            out.write(&record)?;
        }
    }
    bar.finish_and_clear();
    let report = run.report();
    if args.run.json {
        print_json(&report)?;
    } else {
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
    }
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
    println!(
        "MLP {}x{}, batch {}, {} semantics, {} training samples ({} batches per pass)",
        r.config.layers,
        r.config.width,
        r.config.batch,
        r.config.semantics,
        r.train_samples,
        r.batches_per_epoch
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
