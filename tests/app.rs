//! The desktop app, driven like a user would: pick a preset, run a small CPU experiment to its
//! end, read the summary; a corrupt data file shows an error and the app keeps working; and
//! snapshots of the main views (rendered with wgpu, compared with the committed images).

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use relu0::app::settings::presets;
use relu0::app::{Relu0App, RunState};
use std::time::{Duration, Instant};

fn harness() -> Harness<'static, Relu0App> {
    Harness::builder()
        .with_size([1280.0, 800.0])
        .wgpu()
        .build_eframe(|_cc| Relu0App::new("GPU: (test)  ·  CPU: burn Flex (f32, f64)".into()))
}

/// Steps the UI until the run has ended (at most two minutes).
fn wait_for_end(harness: &mut Harness<'static, Relu0App>) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.state().is_running() {
        assert!(Instant::now() < deadline, "the run did not end in time");
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run_steps(3);
}

fn preset(name: &str) -> relu0::app::settings::Settings {
    presets()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no preset {name}"))
        .settings
}

#[test]
fn f64_volume_preset_runs_to_the_end_and_shows_its_summary() {
    let mut harness = harness();
    harness.get_by_label("Preset").click();
    harness.run_steps(2);
    harness.get_by_label("1. Volume of S01, f64").click();
    harness.run_steps(2);
    assert_eq!(harness.state().settings, preset("1. Volume of S01, f64"));
    harness.get_by_label("Run").click();
    harness.step();
    wait_for_end(&mut harness);
    assert_eq!(harness.state().state, RunState::Finished);
    // f64 never bifurcates, and the 0-vs-0 control is shown.
    harness.get_by_label_contains("0 of 10 draws in S01");
    harness.get_by_label_contains("0-vs-0 control mismatches: 0 in 390 batches");
    let summary = harness.state().results.summary.clone().expect("a report");
    assert_eq!(summary["in_s01"], 0);
    assert_eq!(summary["draws"], 10);

    // Export: the report as JSON, one CSV row per draw.
    let base = std::env::temp_dir().join(format!("relu0-app-export-{}", std::process::id()));
    harness.state_mut().file = base.with_extension("json").display().to_string();
    harness.run_steps(2);
    harness.get_by_label("Export JSON").click();
    harness.run_steps(2);
    harness.get_by_label("Export CSV").click();
    harness.run_steps(2);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(base.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(json, summary);
    let csv = std::fs::read_to_string(base.with_extension("csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 11, "header and ten draws: {csv}");
    assert!(lines[0].starts_with("draw,seed,in_s01,"), "{}", lines[0]);
    assert!(lines[1].starts_with("0,0,false,"), "{}", lines[1]);
    harness.get_by_label_contains("10 rows written to");
    let _ = std::fs::remove_file(base.with_extension("json"));
    let _ = std::fs::remove_file(base.with_extension("csv"));
}

#[test]
fn a_corrupt_data_file_shows_an_error_and_the_app_keeps_working() {
    let dir = std::env::temp_dir().join(format!("relu0-app-corrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        std::fs::write(dir.join(name), b"not an IDX file at all").unwrap();
    }
    let mut harness = harness();
    harness.state_mut().settings = relu0::app::settings::Settings {
        data_dir: dir.display().to_string(),
        ..preset("1. Volume of S01, f64")
    };
    harness.run_steps(2);
    harness.get_by_label("Run").click();
    harness.step();
    wait_for_end(&mut harness);
    assert!(matches!(harness.state().state, RunState::Failed(_)));
    harness.get_by_label_contains("Error:");
    harness.get_by_label_contains("train-images-idx3-ubyte");

    // Still usable: back to the embedded data, the same run finishes.
    harness.state_mut().settings.data_dir.clear();
    harness.run_steps(2);
    harness.get_by_label("Run").click();
    harness.step();
    wait_for_end(&mut harness);
    assert_eq!(harness.state().state, RunState::Finished);
    let _ = std::fs::remove_dir_all(dir);
}

/// f32 on the CPU rounds as the processor's matrix kernel sums (the CPU back end picks
/// AVX-512 where there is one, AVX2/FMA otherwise), so the f32 cross-section has one snapshot
/// per kernel; f64 views show no exact zeros and need one.
fn snapshot_name(view: &str) -> String {
    #[cfg(target_arch = "x86_64")]
    if view.contains("f32") && std::arch::is_x86_feature_detected!("avx512f") {
        return format!("{view}_avx512");
    }
    view.to_string()
}

#[test]
fn main_views_match_their_snapshots() {
    let mut harness = harness();
    harness.run_steps(2);
    harness.snapshot("idle");

    for (name, snapshot) in [
        ("1. Volume of S01, f64", "volume_f64"),
        ("3. Cross-section", "section_f32_cpu"),
    ] {
        harness.state_mut().settings = relu0::app::settings::Settings {
            device: relu0::backend::DeviceChoice::Cpu,
            ..preset(name)
        };
        // Let the layout follow the new settings before clicking.
        harness.run_steps(2);
        harness.get_by_label("Run").click();
        harness.step();
        wait_for_end(&mut harness);
        assert_eq!(harness.state().state, RunState::Finished, "{name}");
        assert_eq!(
            harness
                .state()
                .results
                .summary
                .as_ref()
                .map(|s| s["experiment"].clone()),
            Some(serde_json::json!(snapshot.split('_').next().unwrap())),
            "{name}"
        );
        // The progress and timing text differ from run to run only in the status line, which
        // shows no time.
        harness.snapshot(snapshot_name(snapshot));
    }
}

#[test]
fn a_recorded_zero_event_opens_its_summands_on_click() {
    // f16 on the GPU (lavapipe here) meets an exact zero in the first batch of every draw.
    let mut harness = harness();
    harness.state_mut().settings = relu0::app::settings::Settings {
        draws: 2,
        ..preset("1. Volume of S01, f16 (GPU)")
    };
    harness.run_steps(2);
    harness.get_by_label("Run").click();
    harness.step();
    wait_for_end(&mut harness);
    assert_eq!(
        harness.state().state,
        RunState::Finished,
        "needs a GPU with shader-f16 (apt-get install mesa-vulkan-drivers libvulkan1)"
    );
    harness.get_by_label_contains("f16 draw 0: batch 0").click();
    harness.run_steps(3);
    harness.get_by_label("computed in f16");
    harness.get_by_label_contains("non-zero inputs");
}
