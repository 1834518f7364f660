//! `relu0 reproduce`: a small preset end to end writes its CSV, SVG and markdown.

#[test]
fn reproduce_affected_writes_csv_svg_and_a_summary_beside_the_paper() {
    let dir = std::env::temp_dir().join(format!("relu0-reproduce-{}", std::process::id()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_relu0"))
        .args(["reproduce", "affected", "--device", "cpu", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("affected.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "header + multiply + assign: {csv}");
    assert!(lines[1].starts_with("multiply,10,") && lines[2].starts_with("assign,10,"));
    let svg = std::fs::read_to_string(dir.join("affected.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.matches("<rect").count() > 2, "bars are drawn");
    let md = std::fs::read_to_string(dir.join("affected.md")).unwrap();
    assert!(
        md.contains("| multiply |") && md.contains("Wall time"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
