//! GPU faults end a run with an error, never a crash: the GPU device is destroyed (as when a
//! driver resets or a laptop's GPU is unplugged) while the app's worker is scanning on it; the
//! worker reports a failure the app shows in its error panel, and the process lives on.
//!
//! Needs a wgpu adapter (lavapipe in CI); without one it fails and says how to get one.
//! The worker test runs in this process (whose only GPU device it destroys); the command-line
//! test runs `relu0` with its fault hook.

use relu0::app::settings::{ExperimentKind, Settings};
use relu0::app::worker::{Update, Worker};
use relu0::backend::{self, DeviceChoice, Precision};
use std::time::{Duration, Instant};

#[test]
fn a_lost_device_fails_the_run_with_a_message() {
    let gpu = backend::select(Precision::F32, DeviceChoice::Gpu).unwrap_or_else(|e| {
        panic!("needs a wgpu adapter: {e}\napt-get install mesa-vulkan-drivers libvulkan1")
    });
    assert!(gpu.adapter.is_some());
    let settings = Settings {
        experiment: ExperimentKind::Volume,
        precision: Precision::F32,
        device: DeviceChoice::Gpu,
        draws: 50,
        width: 64,
        verify: true,
        ..Settings::default()
    };
    let mut worker = Worker::start(settings, || {});
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut batches = 0;
    let mut ending = None;
    while ending.is_none() {
        assert!(
            Instant::now() < deadline,
            "the run neither failed nor finished"
        );
        for update in worker.poll() {
            match update {
                Update::Progress { done, .. } => {
                    // A few batches in, the device goes away.
                    if batches < 3 && done >= 3 {
                        backend::wgpu_setup()
                            .expect("the run's GPU context")
                            .device
                            .destroy();
                    }
                    batches = done;
                }
                Update::Failed(message) => ending = Some(Err(message)),
                Update::Finished(_) => ending = Some(Ok(())),
                _ => {}
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let message = ending
        .unwrap()
        .expect_err("the run cannot finish on a destroyed device");
    eprintln!("after {batches} batches: {message}");
    assert!(!message.is_empty());
    assert!(worker.is_finished());
}

#[test]
fn a_lost_device_ends_the_command_with_one_line_and_keeps_finished_records() {
    let dir = std::env::temp_dir().join(format!("relu0-fault-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scan.jsonl");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args([
            "volume",
            "--precision",
            "f16",
            "--device",
            "gpu",
            "--draws",
            "20",
            "--width",
            "64",
            "--out",
        ])
        .arg(&file)
        .env("RELU0_LOSE_DEVICE_AFTER_BATCHES", "4")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ours: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("relu0: "))
        .collect();
    eprintln!("{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    assert!(
        !ours.is_empty() && ours.iter().any(|l| l.contains("failed")),
        "{stderr}"
    );
    // f16 draws end at their first batch: the records written before the loss are whole.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'));
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(record["draw"].as_u64().is_some());
    }
    let _ = std::fs::remove_dir_all(dir);
}
