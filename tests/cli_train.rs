//! `relu0 train` and `relu0 zeros` through the CLI.

mod common;

use common::json_summary;
use relu0::report::merge::without_timing;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("relu0-train-{}-{name}", std::process::id()))
}

fn records(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| without_timing(&serde_json::from_str(l).unwrap()))
        .collect()
}

const SMALL: [&str; 14] = [
    "--precision",
    "f64",
    "--device",
    "cpu",
    "--layers",
    "2",
    "--width",
    "32",
    "--epochs",
    "2",
    "--max-batches",
    "6",
    "--batch",
    "64",
];

#[test]
fn f64_training_is_the_same_for_every_alpha() {
    // No pre-activation is exactly 0 in f64, so ReLU'(0) never enters: the runs agree bitwise.
    let out = temp("f64.jsonl");
    let mut args = SMALL.to_vec();
    args.extend([
        "--alphas",
        "0,1,-2.5",
        "--lr",
        "0.5",
        "--census",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary = json_summary("train", &args);
    let runs = summary["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    for run in runs {
        assert_eq!(run["epochs"], 2);
        assert_eq!(run["diverged"], false);
        assert_eq!(run["final_train_loss"], runs[0]["final_train_loss"]);
        assert_eq!(run["final_test_accuracy"], runs[0]["final_test_accuracy"]);
        let accuracy = run["final_test_accuracy"].as_f64().unwrap();
        assert!(accuracy > 0.3, "12 SGD steps learn something: {accuracy}");
        assert_eq!(run["zeros_per_layer"], serde_json::json!([0, 0]));
        // 2 epochs × 6 batches × 64 samples × 32 neurons per layer.
        assert_eq!(
            run["evaluations_per_layer"],
            serde_json::json!([24576, 24576])
        );
    }
    let lines = records(&out);
    assert_eq!(lines.len(), 6, "one record per run and epoch");
    let _ = std::fs::remove_file(out);
}

#[test]
fn train_shards_merged_equal_the_unsharded_sweep() {
    let whole = temp("whole.jsonl");
    let parts = [temp("part1.jsonl"), temp("part2.jsonl")];
    let mut args = SMALL.to_vec();
    args.extend([
        "--alphas",
        "0,1,0.5",
        "--optimizer",
        "adam",
        "--lr",
        "0.001",
    ]);
    let run = |out: &Path, shard: Option<&str>| {
        let mut a = args.clone();
        a.extend(["--out", out.to_str().unwrap()]);
        if let Some(s) = shard {
            a.extend(["--shard", s]);
        }
        json_summary("train", &a);
    };
    run(&whole, None);
    run(&parts[0], Some("1/2"));
    run(&parts[1], Some("2/2"));
    let merged = temp("merged.jsonl");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args([
            "merge",
            parts[0].to_str().unwrap(),
            parts[1].to_str().unwrap(),
            "--out",
        ])
        .arg(&merged)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(records(&merged), records(&whole));
    for f in [whole, merged, parts[0].clone(), parts[1].clone()] {
        let _ = std::fs::remove_file(f);
    }
}

#[test]
fn zeros_counts_every_relu_evaluation_and_f64_has_no_zero() {
    let summary = json_summary(
        "zeros",
        &[
            "--precision",
            "f64",
            "--device",
            "cpu",
            "--layers",
            "1,2",
            "--widths",
            "8,16",
            "--max-batches",
            "5",
            "--batch",
            "32",
        ],
    );
    let points = summary["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    for p in points {
        let (layers, width) = (p["layers"].as_u64().unwrap(), p["width"].as_u64().unwrap());
        let evaluations = p["evaluations_per_layer"].as_array().unwrap();
        assert_eq!(evaluations.len() as u64, layers);
        for e in evaluations {
            assert_eq!(
                e.as_u64().unwrap(),
                5 * 32 * width,
                "batches × batch × width"
            );
        }
        assert_eq!(
            p["rate"].as_f64().unwrap(),
            0.0,
            "f64 gives no exact zero: {p}"
        );
    }
}

#[test]
fn bad_training_settings_exit_2_naming_the_value() {
    for (args, needle) in [
        (vec!["--alphas", "nan"], "NaN"),
        (vec!["--epochs", "0"], "--epochs"),
        (vec!["--lr=-1"], "--lr"),
        (vec!["--optimizer", "rmsprop"], "rmsprop"),
        (vec!["--model", "vgg11"], "cifar10"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
            .arg("train")
            .args(["--device", "cpu"])
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    }
}
