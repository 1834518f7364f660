//! Small, dependency-free SVG charts for `reproduce`: line charts (linear or log y axis) and
//! grouped bar charts with optional error bars and reference marks, and heat maps.

use std::fmt::Write;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;
const PALETTE: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
];

/// One named series of (x, y) points.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend label.
    pub label: String,
    /// Points; non-finite y values (and, on a log axis, y <= 0) are left out.
    pub points: Vec<(f64, f64)>,
    /// Dashed line.
    pub dashed: bool,
}

/// A line chart.
#[derive(Clone, Debug)]
pub struct LineChart {
    /// Title above the plot.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// The series.
    pub series: Vec<Series>,
}

/// One bar group (e.g. a precision) with one bar per series.
#[derive(Clone, Debug)]
pub struct BarGroup {
    /// Label under the group.
    pub label: String,
    /// Bar heights, one per series (None: no bar).
    pub values: Vec<Option<f64>>,
    /// Error bars (low, high), one per series.
    pub errors: Vec<Option<(f64, f64)>>,
}

/// A grouped bar chart.
#[derive(Clone, Debug)]
pub struct BarChart {
    /// Title above the plot.
    pub title: String,
    /// y-axis label.
    pub y_label: String,
    /// Series names (legend), one per bar in a group.
    pub series: Vec<String>,
    /// The groups.
    pub groups: Vec<BarGroup>,
    /// Logarithmic y axis.
    pub log_y: bool,
}

/// A heat map of a square grid, colour = value (already on the scale to show, e.g. log10|z|).
#[derive(Clone, Debug)]
pub struct HeatMap {
    /// Title above the map.
    pub title: String,
    /// Row-major `side × side` values; None marks cells drawn in the "exact zero" colour.
    pub cells: Vec<Option<f64>>,
    /// Grid side.
    pub side: usize,
    /// Label of the colour scale.
    pub scale_label: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn header(out: &mut String, width: f64, height: f64, title: &str) {
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="{width}" height="{height}" fill="white"/><text x="{}" y="22" text-anchor="middle" font-size="15">{}</text>"#,
        width / 2.0,
        escape(title)
    );
}

/// Maps data to pixels on one axis.
struct Axis {
    low: f64,
    high: f64,
    log: bool,
}

impl Axis {
    fn fit(values: impl Iterator<Item = f64>, log: bool) -> Self {
        let usable: Vec<f64> = values
            .filter(|v| v.is_finite() && (!log || *v > 0.0))
            .map(|v| if log { v.log10() } else { v })
            .collect();
        let (mut low, mut high) = usable
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        if !low.is_finite() {
            (low, high) = (0.0, 1.0);
        }
        if log {
            low = low.floor();
            high = high.ceil().max(low + 1.0);
        } else {
            low = low.min(0.0);
            if high <= low {
                high = low + 1.0;
            }
            high += (high - low) * 0.05;
        }
        Axis { low, high, log }
    }

    fn unit(&self, v: f64) -> Option<f64> {
        let v = if self.log {
            if v <= 0.0 {
                return None;
            }
            v.log10()
        } else {
            v
        };
        v.is_finite()
            .then(|| (v - self.low) / (self.high - self.low))
    }

    fn ticks(&self) -> Vec<(f64, String)> {
        if self.log {
            (self.low as i32..=self.high as i32)
                .map(|e| (10f64.powi(e), format!("1e{e}")))
                .collect()
        } else {
            (0..=5)
                .map(|i| {
                    let v = self.low + (self.high - self.low) * i as f64 / 5.0;
                    (v, format!("{v:.3}"))
                })
                .collect()
        }
    }
}

fn y_axis(out: &mut String, axis: &Axis, label: &str) {
    let plot_h = HEIGHT - TOP - BOTTOM;
    for (v, text) in axis.ticks() {
        if let Some(u) = axis.unit(v) {
            let y = TOP + plot_h * (1.0 - u);
            let _ = writeln!(
                out,
                r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{text}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0
            );
        }
    }
    let _ = writeln!(
        out,
        r#"<text transform="translate(18,{:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        TOP + plot_h / 2.0,
        escape(label)
    );
    let _ = writeln!(
        out,
        r##"<rect x="{LEFT}" y="{TOP}" width="{:.1}" height="{plot_h:.1}" fill="none" stroke="#333"/>"##,
        WIDTH - LEFT - RIGHT
    );
}

fn legend(out: &mut String, labels: &[(String, bool)]) {
    for (i, (label, dashed)) in labels.iter().enumerate() {
        let y = TOP + 10.0 + 20.0 * i as f64;
        let x = WIDTH - RIGHT + 12.0;
        let dash = if *dashed {
            r#" stroke-dasharray="5,3""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r#"<line x1="{x}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="2"{dash}/><text x="{}" y="{}">{}</text>"#,
            x + 20.0,
            PALETTE[i % PALETTE.len()],
            x + 26.0,
            y + 4.0,
            escape(label)
        );
    }
}

impl LineChart {
    /// The chart as an SVG document.
    pub fn to_svg(&self) -> String {
        let mut out = String::new();
        header(&mut out, WIDTH, HEIGHT, &self.title);
        let xs = Axis::fit(
            self.series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0)),
            false,
        );
        let ys = Axis::fit(
            self.series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.1)),
            self.log_y,
        );
        y_axis(&mut out, &ys, &self.y_label);
        let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        for (v, text) in xs.ticks() {
            if let Some(u) = xs.unit(v) {
                let x = LEFT + plot_w * u;
                let _ = writeln!(
                    out,
                    r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    HEIGHT - BOTTOM + 16.0,
                    text.trim_end_matches('0').trim_end_matches('.')
                );
            }
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + plot_w / 2.0,
            HEIGHT - 16.0,
            escape(&self.x_label)
        );
        for (i, series) in self.series.iter().enumerate() {
            let points: Vec<String> = series
                .points
                .iter()
                .filter_map(|&(x, y)| {
                    let (ux, uy) = (xs.unit(x)?, ys.unit(y)?);
                    Some(format!(
                        "{:.1},{:.1}",
                        LEFT + plot_w * ux,
                        TOP + plot_h * (1.0 - uy)
                    ))
                })
                .collect();
            let dash = if series.dashed {
                r#" stroke-dasharray="5,3""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<polyline fill="none" stroke="{}" stroke-width="2"{dash} points="{}"/>"#,
                PALETTE[i % PALETTE.len()],
                points.join(" ")
            );
        }
        let labels: Vec<(String, bool)> = self
            .series
            .iter()
            .map(|s| (s.label.clone(), s.dashed))
            .collect();
        legend(&mut out, &labels);
        out.push_str("</svg>\n");
        out
    }
}

impl BarChart {
    /// The chart as an SVG document.
    pub fn to_svg(&self) -> String {
        let mut out = String::new();
        header(&mut out, WIDTH, HEIGHT, &self.title);
        let ys = Axis::fit(
            self.groups.iter().flat_map(|g| {
                g.values
                    .iter()
                    .flatten()
                    .copied()
                    .chain(g.errors.iter().flatten().map(|e| e.1))
                    .collect::<Vec<_>>()
            }),
            self.log_y,
        );
        y_axis(&mut out, &ys, &self.y_label);
        let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        let group_w = plot_w / self.groups.len().max(1) as f64;
        let bar_w = group_w * 0.8 / self.series.len().max(1) as f64;
        let base = if self.log_y {
            TOP + plot_h
        } else {
            TOP + plot_h * (1.0 - ys.unit(0.0).unwrap_or(0.0))
        };
        let y_of = |v: f64| ys.unit(v).map(|u| TOP + plot_h * (1.0 - u));
        for (g, group) in self.groups.iter().enumerate() {
            let x0 = LEFT + group_w * g as f64 + group_w * 0.1;
            for (s, value) in group.values.iter().enumerate() {
                let x = x0 + bar_w * s as f64;
                let colour = PALETTE[s % PALETTE.len()];
                if let Some(y) = value.and_then(y_of) {
                    let _ = writeln!(
                        out,
                        r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.8"/>"#,
                        y.min(base),
                        bar_w * 0.9,
                        (base - y).abs()
                    );
                }
                if let Some((lo, hi)) = group.errors.get(s).copied().flatten() {
                    let cx = x + bar_w * 0.45;
                    if let (Some(ylo), Some(yhi)) = (y_of(lo).or(Some(base)), y_of(hi)) {
                        let _ = writeln!(
                            out,
                            r#"<line x1="{cx:.1}" x2="{cx:.1}" y1="{ylo:.1}" y2="{yhi:.1}" stroke="black"/><line x1="{:.1}" x2="{:.1}" y1="{yhi:.1}" y2="{yhi:.1}" stroke="black"/><line x1="{:.1}" x2="{:.1}" y1="{ylo:.1}" y2="{ylo:.1}" stroke="black"/>"#,
                            cx - 4.0,
                            cx + 4.0,
                            cx - 4.0,
                            cx + 4.0
                        );
                    }
                }
            }
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                LEFT + group_w * (g as f64 + 0.5),
                HEIGHT - BOTTOM + 16.0,
                escape(&group.label)
            );
        }
        let labels: Vec<(String, bool)> = self.series.iter().map(|s| (s.clone(), false)).collect();
        legend(&mut out, &labels);
        out.push_str("</svg>\n");
        out
    }
}

/// Side of one heat map in pixels.
const MAP: f64 = 300.0;

/// Several heat maps side by side on one colour scale (white = exact zero).
pub fn heat_maps(title: &str, maps: &[HeatMap]) -> String {
    let width = 40.0 + maps.len() as f64 * (MAP + 40.0) + 80.0;
    let height = MAP + 110.0;
    let mut out = String::new();
    header(&mut out, width, height, title);
    let (low, high) = maps
        .iter()
        .flat_map(|m| m.cells.iter().flatten())
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    let (low, high) = if low.is_finite() && high > low {
        (low, high)
    } else {
        (0.0, 1.0)
    };
    for (m, map) in maps.iter().enumerate() {
        let x0 = 40.0 + m as f64 * (MAP + 40.0);
        let y0 = 50.0;
        let cell = MAP / map.side.max(1) as f64;
        for (i, value) in map.cells.iter().enumerate() {
            let (row, col) = (i / map.side, i % map.side);
            let colour = match value {
                None => "#ffffff".to_string(),
                Some(v) => viridis((v - low) / (high - low)),
            };
            let _ = write!(
                out,
                r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}"/>"#,
                x0 + col as f64 * cell,
                y0 + (map.side - 1 - row) as f64 * cell,
                cell + 0.05,
                cell + 0.05
            );
        }
        let _ = writeln!(
            out,
            r##"<rect x="{x0}" y="{y0}" width="{MAP}" height="{MAP}" fill="none" stroke="#333"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            x0 + MAP / 2.0,
            y0 + MAP + 20.0,
            escape(&map.title)
        );
    }
    let x = width - 60.0;
    for i in 0..20 {
        let t = i as f64 / 19.0;
        let _ = writeln!(
            out,
            r#"<rect x="{x}" y="{:.1}" width="16" height="{:.1}" fill="{}"/>"#,
            50.0 + MAP * (1.0 - t) - MAP / 20.0,
            MAP / 20.0 + 0.5,
            viridis(t)
        );
    }
    let scale = maps.first().map_or("", |m| m.scale_label.as_str());
    let _ = writeln!(
        out,
        r#"<text x="{x}" y="44">{high:.1}</text><text x="{x}" y="{:.1}">{low:.1}</text><text x="{}" y="{:.1}" text-anchor="middle">{} (white: exactly 0)</text>"#,
        50.0 + MAP + 14.0,
        width / 2.0,
        height - 14.0,
        escape(scale)
    );
    out.push_str("</svg>\n");
    out
}

/// A perceptually ordered colour for `t` in [0, 1] (a coarse viridis), as RGB bytes.
pub fn viridis_rgb(t: f64) -> [u8; 3] {
    const STOPS: [(f64, f64, f64); 5] = [
        (68.0, 1.0, 84.0),
        (59.0, 82.0, 139.0),
        (33.0, 145.0, 140.0),
        (94.0, 201.0, 98.0),
        (253.0, 231.0, 37.0),
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f64;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |x: f64, y: f64| (x + (y - x) * f).round() as u8;
    [mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2)]
}

fn viridis(t: f64) -> String {
    let [r, g, b] = viridis_rgb(t);
    format!("#{r:02x}{g:02x}{b:02x}")
}
