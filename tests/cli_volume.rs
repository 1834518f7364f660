//! `relu0 volume` and `relu0 device` through the real binary.

use serde_json::Value;
use std::process::{Command, Output};

fn relu0(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(args)
        .output()
        .expect("the relu0 binary runs")
}

fn summary(args: &[&str]) -> Value {
    let out = relu0(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "relu0 {args:?} failed: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// stderr without what the Vulkan driver itself prints when it probes for a display
/// ("error: XDG_RUNTIME_DIR is invalid or not set in the environment."): not relu0's output.
fn own_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| !l.contains("XDG_RUNTIME_DIR"))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

fn no_gpu_hint(out: &Output) -> String {
    format!(
        "{}\n(GPU tests need a Vulkan driver: apt-get install mesa-vulkan-drivers libvulkan1)",
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn f64_on_cpu_never_enters_s01() {
    let s = summary(&[
        "volume",
        "--precision",
        "f64",
        "--device",
        "cpu",
        "--draws",
        "3",
        "--json",
    ]);
    assert_eq!(s["experiment"], "volume");
    assert_eq!(s["precision"], "f64");
    assert_eq!(s["device"], "cpu");
    assert_eq!(s["draws"], 3);
    assert_eq!(s["in_s01"], 0);
    assert_eq!(s["proportion"], 0.0);
    assert_eq!(s["train_samples"], 10_000);
    // Every draw scanned the whole pass: 39 full batches of 256.
    assert_eq!(s["batches_per_epoch"], 39);
    assert_eq!(s["first_diff_batch"], serde_json::json!([null, null, null]));
    assert_eq!(s["zeros_per_layer"].as_array().unwrap().len(), 3);
}

#[test]
fn f16_on_gpu_is_almost_always_in_s01() {
    let out = relu0(&[
        "volume",
        "--precision",
        "f16",
        "--device",
        "gpu",
        "--draws",
        "5",
        "--verify",
        "--json",
    ]);
    assert!(out.status.success(), "{}", no_gpu_hint(&out));
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["device"], "gpu");
    assert_eq!(s["draws"], 5);
    assert!(s["in_s01"].as_u64().unwrap() >= 4, "f16: {s}");
    assert_eq!(s["verify"]["shortcut_mismatches"], 0, "{s}");
    assert_eq!(s["verify"]["control_mismatches"], 0, "{s}");
}

#[test]
fn verify_finds_the_shortcut_never_lies_in_f32() {
    let s = summary(&[
        "volume",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--draws",
        "2",
        "--max-batches",
        "8",
        "--verify",
        "--compare",
        "all",
        "--json",
    ]);
    assert_eq!(s["verify"]["shortcut_mismatches"], 0, "{s}");
    assert_eq!(s["verify"]["control_mismatches"], 0, "{s}");
    assert!(s["verify"]["batches_checked"].as_u64().unwrap() >= 2, "{s}");
}

#[test]
fn per_draw_records_are_written_as_jsonl() {
    let path = std::env::temp_dir().join(format!("relu0-volume-{}.jsonl", std::process::id()));
    let path_str = path.to_str().unwrap();
    let s = summary(&[
        "volume",
        "--precision",
        "f64",
        "--device",
        "cpu",
        "--draws",
        "4",
        "--max-batches",
        "2",
        "--seed",
        "10",
        "--shard",
        "2/2",
        "--out",
        path_str,
        "--json",
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Shard 2 of 2 owns draws 1 and 3.
    let draws: Vec<u64> = records
        .iter()
        .map(|r| r["draw"].as_u64().unwrap())
        .collect();
    assert_eq!(draws, vec![1, 3]);
    assert_eq!(records[0]["seed"], 11);
    assert_eq!(records[1]["batches_scanned"], 2);
    assert_eq!(s["draws"], 2);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn bad_input_exits_2_with_one_line_naming_it() {
    let cases: [(&[&str], &str); 5] = [
        (&["volume", "--batch", "0"], "--batch"),
        (&["volume", "--precision", "f8"], "f8"),
        (&["volume", "--precision", "f16", "--device", "cpu"], "f16"),
        (
            &["volume", "--data", "/nonexistent/relu0"],
            "/nonexistent/relu0",
        ),
        (&["volume", "--batch", "20000", "--device", "cpu"], "20000"),
    ];
    for (args, named) in cases {
        let out = relu0(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(own_lines(&stderr).len(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains(named),
            "{args:?} should name {named}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?} printed a result");
    }
}

#[test]
fn device_lists_the_gpu_and_the_cpu() {
    let out = relu0(&["device", "--json"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let adapters = v["adapters"].as_array().unwrap();
    assert!(!adapters.is_empty(), "{}", no_gpu_hint(&out));
    for a in adapters {
        assert!(a["shader_f16"].is_boolean() && a["shader_f64"].is_boolean());
        assert!(!a["backend"].as_str().unwrap().is_empty());
    }
    assert!(v["cpu"].as_str().unwrap().contains("f64"));
}
