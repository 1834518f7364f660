//! The catalogue of bad inputs, through the command line: every case exits with code 2 and
//! one line on stderr that names the bad value or file, never panics, and leaves no output
//! file behind that could pass for a finished run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An IDX file: magic (type 0x08 = unsigned byte, `rank` dimensions), dimensions, data.
fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0, 0, 0x08, dims.len() as u8];
    for d in dims {
        bytes.extend(d.to_be_bytes());
    }
    bytes.extend(data);
    bytes
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// A valid MNIST-shaped folder of `n` images per split (all four files).
fn mnist(dir: &Path, n: u32) {
    for prefix in ["train", "t10k"] {
        let images = vec![7u8; (n * 784) as usize];
        let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
        write(
            dir,
            &format!("{prefix}-images-idx3-ubyte"),
            &idx(&[n, 28, 28], &images),
        );
        write(
            dir,
            &format!("{prefix}-labels-idx1-ubyte"),
            &idx(&[n], &labels),
        );
    }
}

/// Builds the folders the cases read; returns the root.
fn fixtures() -> PathBuf {
    let root = std::env::temp_dir().join(format!("relu0-bad-inputs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // Truncated: the header promises 60,000 images, the file holds 100 bytes of them.
    mnist(&root.join("truncated"), 4);
    write(
        &root.join("truncated"),
        "train-images-idx3-ubyte",
        &idx(&[60_000, 28, 28], &[0; 100]),
    );
    // Wrong magic (a float IDX file).
    mnist(&root.join("magic"), 4);
    let mut float = idx(&[4, 28, 28], &[0; 4 * 784]);
    float[2] = 0x0D;
    write(&root.join("magic"), "train-images-idx3-ubyte", &float);
    // Oversized: dimensions claiming 4 G images (must not be allocated).
    mnist(&root.join("oversized"), 4);
    write(
        &root.join("oversized"),
        "train-images-idx3-ubyte",
        &idx(&[u32::MAX, 28, 28], &[0; 784]),
    );
    // 4 images but 5 labels.
    mnist(&root.join("labels"), 4);
    write(
        &root.join("labels"),
        "train-labels-idx1-ubyte",
        &idx(&[5], &[1, 2, 3, 4, 5]),
    );
    // A label outside 0..=9.
    mnist(&root.join("label-value"), 4);
    write(
        &root.join("label-value"),
        "train-labels-idx1-ubyte",
        &idx(&[4], &[1, 2, 30, 4]),
    );
    // A corrupt gzip file in place of the raw one.
    mnist(&root.join("gzip"), 4);
    std::fs::remove_file(root.join("gzip/train-images-idx3-ubyte")).unwrap();
    write(
        &root.join("gzip"),
        "train-images-idx3-ubyte.gz",
        &[0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    std::fs::create_dir_all(root.join("empty")).unwrap();
    // CIFAR-10: a cut record, a bad label, a missing batch file.
    let record = |label: u8| {
        let mut r = vec![label];
        r.extend(vec![9u8; 3072]);
        r
    };
    write(
        &root.join("cifar-cut"),
        "data_batch_1.bin",
        &record(3)[..3000],
    );
    write(&root.join("cifar-label"), "data_batch_1.bin", &record(12));
    write(&root.join("cifar-missing"), "data_batch_1.bin", &record(1));
    // Not a relu0 record file.
    write(&root.join("files"), "notes.jsonl", b"[1, 2, 3]\nhello\n");
    write(
        &root.join("files"),
        "half.jsonl",
        b"{\"draw\": 0, \"seed\":",
    );
    root
}

#[test]
fn every_bad_input_exits_2_with_one_line_naming_it() {
    let root = fixtures();
    let dir = |name: &str| root.join(name).display().to_string();
    let runtime = root.join("xdg");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    // (case, arguments, what the message must contain)
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "truncated IDX",
            vec!["volume".into(), "--data".into(), dir("truncated")],
            "train-images-idx3-ubyte",
        ),
        (
            "IDX with a float type",
            vec!["volume".into(), "--data".into(), dir("magic")],
            "train-images-idx3-ubyte",
        ),
        (
            "oversized IDX header",
            vec!["volume".into(), "--data".into(), dir("oversized")],
            "train-images-idx3-ubyte",
        ),
        (
            "labels and images disagree",
            vec!["volume".into(), "--data".into(), dir("labels")],
            "train-labels-idx1-ubyte",
        ),
        (
            "label outside 0..9",
            vec!["volume".into(), "--data".into(), dir("label-value")],
            "30",
        ),
        (
            "corrupt gzip",
            vec!["volume".into(), "--data".into(), dir("gzip")],
            "train-images-idx3-ubyte.gz",
        ),
        (
            "folder without the files",
            vec!["volume".into(), "--data".into(), dir("empty")],
            "train-images-idx3-ubyte",
        ),
        (
            "missing folder",
            vec!["volume".into(), "--data".into(), dir("nowhere")],
            "nowhere",
        ),
        (
            "cut CIFAR-10 record",
            vec![
                "volume".into(),
                "--dataset".into(),
                "cifar10".into(),
                "--model".into(),
                "vgg11".into(),
                "--data".into(),
                dir("cifar-cut"),
            ],
            "data_batch_1.bin",
        ),
        (
            "CIFAR-10 label 12",
            vec![
                "volume".into(),
                "--dataset".into(),
                "cifar10".into(),
                "--model".into(),
                "vgg11".into(),
                "--data".into(),
                dir("cifar-label"),
            ],
            "12",
        ),
        (
            "missing CIFAR-10 batch",
            vec![
                "volume".into(),
                "--dataset".into(),
                "cifar10".into(),
                "--model".into(),
                "vgg11".into(),
                "--data".into(),
                dir("cifar-missing"),
            ],
            "data_batch_2.bin",
        ),
        (
            "NaN a",
            vec!["train".into(), "--alphas".into(), "0,nan".into()],
            "NaN",
        ),
        (
            "infinite a",
            vec!["train".into(), "--alphas".into(), "inf".into()],
            "inf",
        ),
        (
            "a overflowing f32",
            vec!["train".into(), "--alphas".into(), "1e300".into()],
            "1e300",
        ),
        (
            "a that is not a number",
            vec!["train".into(), "--alphas".into(), "0,one".into()],
            "one",
        ),
        (
            "zero batch",
            vec!["volume".into(), "--batch".into(), "0".into()],
            "--batch",
        ),
        (
            "negative batch",
            vec!["volume".into(), "--batch".into(), "-5".into()],
            "-5",
        ),
        (
            "zero width",
            vec!["affected".into(), "--width".into(), "0".into()],
            "--width",
        ),
        (
            "zero depth",
            vec!["volume".into(), "--layers".into(), "0".into()],
            "--layers",
        ),
        (
            "zero draws",
            vec!["volume".into(), "--draws".into(), "0".into()],
            "--draws",
        ),
        (
            "zero epochs",
            vec!["train".into(), "--epochs".into(), "0".into()],
            "--epochs",
        ),
        (
            "NaN learning rate",
            vec!["train".into(), "--lr".into(), "nan".into()],
            "--lr",
        ),
        (
            "odd section grid",
            vec!["section".into(), "--grid".into(), "3".into()],
            "--grid",
        ),
        (
            "width beyond the GPU's largest buffer",
            vec![
                "volume".into(),
                "--device".into(),
                "gpu".into(),
                "--width".into(),
                "3000000".into(),
            ],
            "--width 3000000",
        ),
        (
            "width beyond the machine's memory",
            vec![
                "volume".into(),
                "--device".into(),
                "cpu".into(),
                "--width".into(),
                "3000000".into(),
            ],
            "--width 3000000",
        ),
        (
            "f16 where there is no f16",
            vec![
                "volume".into(),
                "--precision".into(),
                "f16".into(),
                "--device".into(),
                "cpu".into(),
            ],
            "f16",
        ),
        (
            "unknown precision",
            vec!["volume".into(), "--precision".into(), "f8".into()],
            "f8",
        ),
        (
            "unknown device",
            vec!["volume".into(), "--device".into(), "tpu".into()],
            "tpu",
        ),
        (
            "unknown model",
            vec!["volume".into(), "--model".into(), "alexnet".into()],
            "alexnet",
        ),
        (
            "unknown data set",
            vec!["volume".into(), "--dataset".into(), "imagenet".into()],
            "imagenet",
        ),
        (
            "unknown optimiser",
            vec!["train".into(), "--optimizer".into(), "rmsprop".into()],
            "rmsprop",
        ),
        (
            "bad shard",
            vec!["volume".into(), "--shard".into(), "3/2".into()],
            "3/2",
        ),
        (
            "unknown flag",
            vec!["volume".into(), "--colour".into(), "red".into()],
            "--colour",
        ),
        (
            "conv model on MNIST",
            vec!["volume".into(), "--model".into(), "resnet18".into()],
            "resnet18",
        ),
        (
            "resume from a file that holds no records",
            vec!["volume".into(), "--resume".into(), dir("files/notes.jsonl")],
            "notes.jsonl",
        ),
        (
            "merge of a file that holds no records",
            vec!["merge".into(), dir("files/notes.jsonl")],
            "notes.jsonl",
        ),
    ];
    let mut failures = Vec::new();
    for (case, args, needle) in &cases {
        let out_file = root.join("out.jsonl");
        let _ = std::fs::remove_file(&out_file);
        let mut command = Command::new(env!("CARGO_BIN_EXE_relu0"));
        command.args(args).env("XDG_RUNTIME_DIR", &runtime);
        if !args.iter().any(|a| a == "--resume") {
            command.arg("--out").arg(&out_file);
        }
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        let ok = out.status.code() == Some(2)
            && lines.len() == 1
            && lines[0].starts_with("relu0: ")
            && lines[0].contains(needle)
            && !stderr.contains("panicked")
            && !out_file.exists();
        eprintln!("{case}: exit {:?}: {}", out.status.code(), stderr.trim());
        if !ok {
            failures.push(format!(
                "{case} ({}): exit {:?}, output file left: {}, stderr:\n{stderr}",
                args.join(" "),
                out.status.code(),
                out_file.exists()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
