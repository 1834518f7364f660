//! Runs killed with SIGKILL mid-way and resumed lose and repeat nothing: for `volume`,
//! `affected` and `train` the resumed file is byte for byte the file of an uninterrupted run
//! (records carry no timing), even when the kill left half a line behind.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn complete_lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.matches('\n').count())
        .unwrap_or(0)
}

fn relu0(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_relu0"));
    command.args(args);
    command
}

/// Runs `args` whole, then again killed once `kill_after` records are on disk, appends half a
/// record, resumes, and checks the two files are identical with `total` records.
fn kill_and_resume(name: &str, args: &[&str], kill_after: usize, total: usize) {
    let dir = std::env::temp_dir().join(format!("relu0-resume-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (whole, killed) = (dir.join("whole.jsonl"), dir.join("killed.jsonl"));

    let status = relu0(args)
        .arg("--out")
        .arg(&whole)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(complete_lines(&whole), total);

    let mut child = relu0(args)
        .arg("--out")
        .arg(&killed)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    while complete_lines(&killed) < kill_after {
        assert!(Instant::now() < deadline, "{name}: no records in time");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let before = complete_lines(&killed);
    assert!(
        before < total,
        "{name}: killed before the end ({before} records)"
    );
    // The worst moment: a record cut in the middle of its line.
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&killed)
            .unwrap();
        f.write_all(b"{\"draw\":7,\"run\":1,\"seed\":7,\"in_s")
            .unwrap();
    }

    let out = relu0(args).arg("--resume").arg(&killed).output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resumed = std::fs::read(&killed).unwrap();
    let expected = std::fs::read(&whole).unwrap();
    assert!(
        resumed == expected,
        "{name}: resumed file differs from the uninterrupted run\n--- resumed\n{}\n--- whole\n{}",
        String::from_utf8_lossy(&resumed),
        String::from_utf8_lossy(&expected)
    );
    eprintln!("{name}: killed after {before} of {total} records, resumed: identical file");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_killed_volume_scan_resumes_to_the_same_file() {
    let args = [
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
    kill_and_resume("volume", &args, 2, 8);
}

#[test]
fn a_killed_affected_scan_resumes_to_the_same_file() {
    let args = [
        "affected",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--draws",
        "8",
        "--width",
        "64",
        "--json",
    ];
    kill_and_resume("affected", &args, 2, 8);
}

#[test]
fn a_killed_training_sweep_resumes_to_the_same_file() {
    // Two runs of four epochs; the kill lands inside the first run, which is trained again.
    let args = [
        "train",
        "--precision",
        "f32",
        "--device",
        "cpu",
        "--alphas",
        "0,1",
        "--epochs",
        "4",
        "--width",
        "64",
        "--layers",
        "2",
        "--max-batches",
        "12",
        "--json",
    ];
    kill_and_resume("train", &args, 2, 8);
}

#[test]
fn resume_refuses_a_file_from_other_settings() {
    let dir = std::env::temp_dir().join(format!("relu0-resume-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("other.jsonl");
    let base = [
        "volume",
        "--precision",
        "f64",
        "--device",
        "cpu",
        "--draws",
        "2",
    ];
    let status = relu0(&base)
        .args(["--seed", "5", "--out"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let out = relu0(&base).arg("--resume").arg(&file).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("seed 5"), "{stderr}");

    // A training file resumed with other values of a names the mismatch.
    let train = dir.join("train.jsonl");
    let args = |alphas: &'static str| {
        [
            "train",
            "--precision",
            "f64",
            "--device",
            "cpu",
            "--alphas",
            alphas,
            "--epochs",
            "1",
            "--width",
            "16",
            "--layers",
            "1",
            "--max-batches",
            "2",
        ]
    };
    let status = relu0(&args("0,1"))
        .arg("--out")
        .arg(&train)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let out = relu0(&args("0,0.5"))
        .arg("--resume")
        .arg(&train)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("a = 1") && stderr.contains("a = 0.5"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
