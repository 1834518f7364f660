//! A volume scan killed with SIGKILL mid-way and resumed loses and repeats no draw: the
//! resumed file equals an uninterrupted run's, record for record (timing aside).

use relu0::report::merge::without_timing;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ARGS: [&str; 9] = [
    "volume",
    "--precision",
    "f64",
    "--device",
    "cpu",
    "--draws",
    "8",
    "--verify",
    "--json",
];

fn records(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| without_timing(&serde_json::from_str(l).unwrap()))
        .collect()
}

fn complete_lines(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.matches('\n').count())
        .unwrap_or(0)
}

#[test]
fn a_killed_volume_scan_resumes_without_losing_or_repeating_a_draw() {
    let dir = std::env::temp_dir().join(format!("relu0-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (whole, killed) = (dir.join("whole.jsonl"), dir.join("killed.jsonl"));

    let status = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(ARGS)
        .arg("--out")
        .arg(&whole)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    // Start the same scan, kill -9 it once two draws are on disk.
    let mut child = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(ARGS)
        .arg("--out")
        .arg(&killed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while complete_lines(&killed) < 2 {
        assert!(
            Instant::now() < deadline,
            "the scan wrote no records in time"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let before = complete_lines(&killed);
    assert!(before < 8, "killed before the end ({before} draws)");
    // Simulate the worst moment: a record cut in the middle of its line.
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&killed)
            .unwrap();
        f.write_all(b"{\"draw\":7,\"seed\":7,\"in_s").unwrap();
    }

    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(ARGS)
        .arg("--resume")
        .arg(&killed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["draws"], 8);

    let mut resumed = records(&killed);
    resumed.sort_by_key(|r| r["draw"].as_u64());
    assert_eq!(resumed, records(&whole));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn resume_refuses_a_file_from_other_settings() {
    let dir = std::env::temp_dir().join(format!("relu0-resume-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("other.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args([
            "volume",
            "--precision",
            "f64",
            "--device",
            "cpu",
            "--draws",
            "2",
            "--seed",
            "5",
        ])
        .arg("--out")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args([
            "volume",
            "--precision",
            "f64",
            "--device",
            "cpu",
            "--draws",
            "2",
        ])
        .arg("--resume")
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("seed 5"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}
