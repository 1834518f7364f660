//! Bitwise determinism: the same command and seed twice give byte-identical JSONL, on the
//! CPU back end and on the GPU (lavapipe in CI), and the 0-vs-0 control (the ReLU'(0)=0
//! backward pass run twice) never differs on any back end.
//!
//! GPU cases need a wgpu adapter; without one they fail and say how to get one.

use std::process::Command;

/// Runs `relu0 args --out FILE --json` and returns (the file's bytes, the report).
fn run(name: &str, args: &[&str]) -> (Vec<u8>, serde_json::Value) {
    run_with(name, args, &[])
}

/// `run` with extra environment variables.
fn run_with(name: &str, args: &[&str], env: &[(&str, &str)]) -> (Vec<u8>, serde_json::Value) {
    let dir = std::env::temp_dir().join(format!("relu0-determinism-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.jsonl"));
    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(args)
        .args(["--json", "--out"])
        .arg(&file)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name}: {stderr}\n(GPU cases need an adapter: apt-get install mesa-vulkan-drivers libvulkan1)"
    );
    let bytes = std::fs::read(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    (bytes, serde_json::from_slice(&out.stdout).unwrap())
}

fn twice(name: &str, args: &[&str]) -> serde_json::Value {
    let (first, report) = run(&format!("{name}-1"), args);
    let (second, _) = run(&format!("{name}-2"), args);
    assert!(!first.is_empty(), "{name}: no records");
    assert!(
        first == second,
        "{name}: two runs of the same command differ\n{}\n---\n{}",
        String::from_utf8_lossy(&first),
        String::from_utf8_lossy(&second)
    );
    report
}

fn volume(precision: &str, device: &str, draws: &str) -> serde_json::Value {
    let args = [
        "volume",
        "--precision",
        precision,
        "--device",
        device,
        "--draws",
        draws,
        "--verify",
        "--max-batches",
        "12",
        "--seed",
        "3",
    ];
    let report = twice(&format!("volume-{precision}-{device}"), &args);
    assert_eq!(
        report["verify"]["control_mismatches"], 0,
        "0-vs-0 control on {precision} {device}: {report}"
    );
    assert_eq!(report["verify"]["shortcut_mismatches"], 0, "{report}");
    report
}

#[test]
fn cpu_runs_repeat_bit_for_bit_and_the_control_holds() {
    volume("f32", "cpu", "4");
    volume("f64", "cpu", "3");
    twice(
        "affected-f32-cpu",
        &[
            "affected",
            "--precision",
            "f32",
            "--device",
            "cpu",
            "--draws",
            "3",
            "--width",
            "64",
            "--max-batches",
            "10",
        ],
    );
    twice(
        "train-f32-cpu",
        &[
            "train",
            "--precision",
            "f32",
            "--device",
            "cpu",
            "--alphas",
            "0,1",
            "--epochs",
            "2",
            "--width",
            "64",
            "--layers",
            "2",
            "--max-batches",
            "10",
            "--census",
        ],
    );
}

#[test]
fn gpu_runs_repeat_bit_for_bit_and_the_control_holds() {
    // f16: every draw meets an exact zero early; both twins and the control are compared.
    let f16 = volume("f16", "gpu", "3");
    assert_eq!(f16["device"], "gpu", "{f16}");
    volume("f32", "gpu", "2");
    twice(
        "train-f32-gpu",
        &[
            "train",
            "--precision",
            "f32",
            "--device",
            "gpu",
            "--alphas",
            "0,1",
            "--epochs",
            "1",
            "--width",
            "32",
            "--layers",
            "2",
            "--max-batches",
            "4",
        ],
    );
}

#[test]
fn cpu_results_do_not_depend_on_the_thread_count() {
    // The CPU back end splits large matrix products over threads (rows and columns only);
    // a scan and a training run give the same bytes on 1 and 3 threads.
    let scan = [
        "volume",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--draws",
        "3",
        "--verify",
        "--max-batches",
        "12",
    ];
    let train = [
        "train",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--alphas",
        "0,1",
        "--epochs",
        "1",
        "--width",
        "512",
        "--layers",
        "2",
        "--max-batches",
        "6",
        "--census",
    ];
    for (name, args) in [("volume", &scan[..]), ("train", &train[..])] {
        let (one, _) = run_with(&format!("{name}-1t"), args, &[("RAYON_NUM_THREADS", "1")]);
        let (three, _) = run_with(&format!("{name}-3t"), args, &[("RAYON_NUM_THREADS", "3")]);
        assert!(!one.is_empty(), "{name}: no records");
        assert!(
            one == three,
            "{name}: 1 and 3 threads differ\n{}\n---\n{}",
            String::from_utf8_lossy(&one),
            String::from_utf8_lossy(&three)
        );
    }
}
