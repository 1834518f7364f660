//! The centre panel: a status line, the run's summary in words, and its live plots.

use super::settings::ExperimentKind;
use super::{Relu0App, RunState};
use crate::experiment::stats::wilson95;
use eframe::egui;
use egui_plot::{Bar, BarChart, Legend, Line, LineStyle, Plot, PlotPoints};

/// Draws the centre panel.
pub fn central(ui: &mut egui::Ui, ctx: &egui::Context, app: &mut Relu0App) {
    status(ui, app);
    if let RunState::Failed(message) = &app.state {
        ui.colored_label(egui::Color32::RED, format!("Error: {message}"));
        ui.label("Change the settings and press Run again.");
    }
    let summary = summary_line(app);
    if !summary.is_empty() {
        ui.heading(summary);
    }
    match app.shown {
        ExperimentKind::Volume => volume(ui, app),
        ExperimentKind::Surprise => surprise(ui, app),
        ExperimentKind::Section => section(ui, ctx, app),
        ExperimentKind::Affected => affected(ui, app),
        ExperimentKind::Zeros => zeros(ui, app),
        ExperimentKind::Train => train(ui, app),
    }
}

fn status(ui: &mut egui::Ui, app: &Relu0App) {
    let (done, total) = app.results.progress;
    let state = match &app.state {
        RunState::Idle => "Pick a preset or settings, then press Run.".to_string(),
        RunState::Running => format!("Running {}", app.shown.label()),
        RunState::Finished => format!("Finished {}", app.shown.label()),
        RunState::Stopped => "Stopped".to_string(),
        RunState::Failed(_) => "Failed".to_string(),
    };
    ui.horizontal(|ui| {
        ui.label(state);
        if let Some(device) = &app.results.device {
            ui.label(format!("on {device}"));
        }
    });
    if total > 0 && app.state != RunState::Idle {
        ui.add(
            egui::ProgressBar::new(done as f32 / total as f32).text(format!("{done} / {total}")),
        );
    }
}

/// One line that says what the run found so far.
pub fn summary_line(app: &Relu0App) -> String {
    let r = &app.results;
    match app.shown {
        ExperimentKind::Volume if !r.draws.is_empty() => precisions(&r.draws)
            .into_iter()
            .map(|p| {
                let draws: Vec<_> = r.draws.iter().filter(|d| d.0 == p).map(|d| &d.1).collect();
                let n = draws.len();
                let k = draws.iter().filter(|d| d.in_s01).count();
                let ci = wilson95(k, n);
                let control = if app.settings.verify {
                    let mismatches: usize = draws.iter().map(|d| d.control_mismatches).sum();
                    let checked: usize = draws.iter().map(|d| d.twin_backwards).sum();
                    format!("0-vs-0 control mismatches: {mismatches} in {checked} batches")
                } else {
                    "0-vs-0 control off (turn on Verify)".to_string()
                };
                format!(
                    "{p}: {k} of {n} draws in S01 = {:.3} (95% CI {:.3}–{:.3}); {control}",
                    k as f64 / n as f64,
                    ci[0],
                    ci[1]
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ExperimentKind::Surprise if !r.surprise.is_empty() => {
            let departure = r.surprise.iter().find(|p| p.dist_1_vs_0 != 0.0);
            let control = r.surprise.iter().map(|p| p.dist_0_vs_0).fold(0.0, f64::max);
            format!(
                "\"1 vs 0\" {}; \"0 vs 0\" control max {control:e}",
                departure.map_or("still 0".to_string(), |p| format!(
                    "left 0 at iteration {}",
                    p.iteration
                ))
            )
        }
        ExperimentKind::Section => r.section.as_ref().map_or(String::new(), |s| {
            format!(
                "exact zeros on the grid: {} {} vs f64 {}",
                s.search.precision, s.search.exact_zeros, s.f64.exact_zeros
            )
        }),
        ExperimentKind::Affected if !r.affected.is_empty() => {
            let n = r.affected.len();
            let m = r
                .affected
                .iter()
                .filter(|a| !a.multiply.differing_batches.is_empty())
                .count();
            let a = r
                .affected
                .iter()
                .filter(|a| !a.assign.differing_batches.is_empty())
                .count();
            format!("draws affected: multiply {m} of {n}, assign {a} of {n}")
        }
        ExperimentKind::Zeros if !r.zeros.is_empty() => {
            let zeros: u64 = r.zeros.iter().flat_map(|p| &p.zeros_per_layer).sum();
            let evaluations: u64 = r.zeros.iter().flat_map(|p| &p.evaluations_per_layer).sum();
            format!("{zeros} exact zeros in {evaluations} ReLU evaluations")
        }
        ExperimentKind::Train if !r.epochs.is_empty() => {
            let last = r.epochs.last().expect("not empty");
            format!(
                "a = {} epoch {}: test accuracy {:.2}%{}",
                last.alpha,
                last.epoch,
                100.0 * last.test_accuracy,
                if last.diverged { " (diverged)" } else { "" }
            )
        }
        _ => String::new(),
    }
}

fn points(values: impl Iterator<Item = (f64, f64)>) -> PlotPoints<'static> {
    PlotPoints::from(values.map(|(x, y)| [x, y]).collect::<Vec<_>>())
}

/// The precisions present, in order of first appearance.
fn precisions(
    draws: &[(
        crate::backend::Precision,
        crate::experiment::volume::DrawRecord,
    )],
) -> Vec<crate::backend::Precision> {
    let mut seen = Vec::new();
    for (p, _) in draws {
        if !seen.contains(p) {
            seen.push(*p);
        }
    }
    seen
}

/// One colour per precision, the same in every plot.
fn precision_colour(p: crate::backend::Precision) -> egui::Color32 {
    match p {
        crate::backend::Precision::F16 => egui::Color32::from_rgb(230, 85, 70),
        crate::backend::Precision::F32 => egui::Color32::from_rgb(80, 140, 230),
        crate::backend::Precision::F64 => egui::Color32::from_rgb(90, 190, 100),
    }
}

fn volume(ui: &mut egui::Ui, app: &mut Relu0App) {
    let draws = &app.results.draws;
    for notice in &app.results.notices {
        ui.label(notice);
    }
    let events: Vec<(
        crate::backend::Precision,
        usize,
        &crate::experiment::volume::ZeroEvent,
    )> = draws
        .iter()
        .filter_map(|(p, d)| d.first_zero.as_ref().map(|z| (*p, d.draw, &**z)))
        .collect();
    let share = if events.is_empty() { 0.5 } else { 0.3 };
    let height = ui.available_height() * share - 10.0;
    ui.label("Share of draws in S01 so far, with its 95% interval, per precision");
    Plot::new("volume-share")
        .height(height)
        .legend(Legend::default())
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_label("draws")
        .show(ui, |plot| {
            for p in precisions(draws) {
                let mut k = 0;
                let (mut share, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
                for (i, d) in draws.iter().filter(|d| d.0 == p).enumerate() {
                    k += usize::from(d.1.in_s01);
                    let n = i + 1;
                    let ci = wilson95(k, n);
                    share.push((n as f64, k as f64 / n as f64));
                    low.push((n as f64, ci[0]));
                    high.push((n as f64, ci[1]));
                }
                let colour = precision_colour(p);
                plot.line(
                    Line::new(format!("{p} share in S01"), points(share.into_iter()))
                        .color(colour)
                        .width(2.0),
                );
                // The interval in the same colour, dashed, left out of the legend (no name).
                for bound in [low, high] {
                    plot.line(
                        Line::new("", points(bound.into_iter()))
                            .color(colour)
                            .style(LineStyle::dashed_loose()),
                    );
                }
            }
        });
    ui.label("First differing batch of each bifurcated draw");
    Plot::new("volume-first")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("batch")
        .show(ui, |plot| {
            for p in precisions(draws) {
                let mut counts = std::collections::BTreeMap::new();
                for b in draws
                    .iter()
                    .filter(|d| d.0 == p)
                    .filter_map(|d| d.1.first_diff_batch)
                {
                    *counts.entry(b).or_insert(0usize) += 1;
                }
                let bars: Vec<Bar> = counts
                    .into_iter()
                    .map(|(b, c)| Bar::new(b as f64, c as f64))
                    .collect();
                plot.bar_chart(
                    BarChart::new(format!("{p} draws"), bars).color(precision_colour(p)),
                );
            }
        });
    if !events.is_empty() {
        zero_events(ui, &mut app.selected_zero, &events);
    }
}

fn log10_points(values: impl Iterator<Item = (usize, f64)>) -> PlotPoints<'static> {
    points(
        values
            .filter(|(_, v)| *v > 0.0 && v.is_finite())
            .map(|(i, v)| (i as f64, v.log10())),
    )
}

fn surprise(ui: &mut egui::Ui, app: &Relu0App) {
    let s = &app.results.surprise;
    ui.label("log10 of the distances and of min |z| per SGD iteration (a 0 is not drawn)");
    Plot::new("surprise")
        .legend(Legend::default())
        .x_axis_label("iteration")
        .y_axis_label("log10")
        .show(ui, |plot| {
            plot.line(Line::new(
                "1 vs 0",
                log10_points(s.iter().map(|p| (p.iteration, p.dist_1_vs_0))),
            ));
            plot.line(Line::new(
                "0 vs 0 (control)",
                log10_points(s.iter().map(|p| (p.iteration, p.dist_0_vs_0))),
            ));
            plot.line(Line::new(
                "min |z|",
                log10_points(s.iter().map(|p| (p.iteration, p.min_abs_z))),
            ));
        });
}

fn colour(t: f64) -> egui::Color32 {
    // Dark blue (small |z|) to yellow (large |z|), as in the SVG figures.
    let [r, g, b] = crate::report::svg::viridis_rgb(t);
    egui::Color32::from_rgb(r, g, b)
}

fn section(ui: &mut egui::Ui, ctx: &egui::Context, app: &mut Relu0App) {
    let Some(report) = &app.results.section else {
        ui.label("The map appears when the search has found an exact zero.");
        return;
    };
    if app.section_textures.is_none() {
        let grids = [&report.search, &report.f64];
        let logs: Vec<f64> = grids
            .iter()
            .flat_map(|g| g.abs_z.iter())
            .filter(|v| **v > 0.0)
            .map(|v| v.log10())
            .collect();
        let low = logs.iter().cloned().fold(f64::INFINITY, f64::min);
        let high = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let side = report.axis.len();
        let texture = |index: usize| {
            let grid = grids[index];
            let mut pixels = Vec::with_capacity(side * side);
            for row in (0..side).rev() {
                for col in 0..side {
                    let v = grid.abs_z[row * side + col];
                    pixels.push(if v == 0.0 {
                        egui::Color32::WHITE
                    } else {
                        colour((v.log10() - low) / (high - low).max(1e-12))
                    });
                }
            }
            let image = egui::ColorImage::new([side, side], pixels);
            ctx.load_texture(
                format!("section-{index}"),
                image,
                egui::TextureOptions::NEAREST,
            )
        };
        app.section_textures = Some([texture(0), texture(1)]);
    }
    let textures = app.section_textures.as_ref().expect("just made");
    let size = (ui.available_width() / 2.0 - 16.0)
        .min(ui.available_height() * 0.45)
        .max(64.0);
    ui.horizontal(|ui| {
        for (texture, grid) in textures.iter().zip([&report.search, &report.f64]) {
            ui.vertical(|ui| {
                ui.image((texture.id(), egui::vec2(size, size)));
                ui.label(format!(
                    "{}: {} exact zeros (white)",
                    grid.precision, grid.exact_zeros
                ));
            });
        }
    });
    ui.label("Colour: log10 |z|, dark = small. White = exactly 0.");
    section_zero(ui, report);
}

/// The anatomy of the zero at the centre of the map.
fn section_zero(ui: &mut egui::Ui, report: &crate::experiment::section::SectionReport) {
    let at = &report.zero;
    let place = format!(
        "Neuron {} of the first layer, sample {} of batch {} (draw {})",
        at.neuron, at.sample, at.batch, at.draw
    );
    why_zero(ui, &place, &report.inspection);
}

/// "Why is it exactly zero?": the summands of one zero pre-activation at `place`.
fn why_zero(ui: &mut egui::Ui, place: &str, z: &crate::experiment::inspect::ZeroInspection) {
    egui::CollapsingHeader::new("Why is it exactly zero?")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(format!(
                "{place}: z = Σ w_k·x_k + b over {} non-zero inputs.",
                z.term_count
            ));
            egui::Grid::new("why-zero").num_columns(2).show(ui, |ui| {
                let mut row = |name: &str, value: String| {
                    ui.label(name);
                    ui.monospace(value);
                    ui.end_row();
                };
                row(
                    &format!("computed in {}", z.precision),
                    format!("{:e}", z.computed),
                );
                row("exact sum (f64, compensated)", format!("{:e}", z.exact));
                row(
                    &format!("left to right in {}", z.precision),
                    format!("{:e}", z.left_to_right),
                );
                row("largest |w·x|", format!("{:e}", z.largest_term));
                row("Σ|w·x| + |b|", format!("{:e}", z.magnitude));
                row(
                    &format!("ulp of {} at that size", z.precision),
                    format!("{:e}", z.ulp),
                );
                row(
                    "|exact sum| in those ulps",
                    format!("{:.2}", z.exact_in_ulps),
                );
                row("bias b", format!("{:e}", z.bias));
            });
            ui.label(format!(
                "The exact value is {:.1} units in the last place at the size of the numbers \
                 the sum handles, while adding {} rounded terms can be off by up to about {} of \
                 them: the cancellation happens within the rounding error, and the run's \
                 summation order lands exactly on 0 (left to right gives another value).",
                z.exact_in_ulps,
                z.term_count,
                z.term_count.div_ceil(2)
            ));
            ui.label("Largest summands w_k · x_k:");
            egui::Grid::new("why-zero-terms")
                .striped(true)
                .show(ui, |ui| {
                    for head in ["k", "w_k", "x_k", "w_k·x_k"] {
                        ui.strong(head);
                    }
                    ui.end_row();
                    for t in z.terms.iter().take(8) {
                        ui.monospace(t.k.to_string());
                        ui.monospace(format!("{:+.6e}", t.w));
                        ui.monospace(format!("{:.6e}", t.x));
                        ui.monospace(format!("{:+.6e}", t.product));
                        ui.end_row();
                    }
                });
        });
}

fn affected(ui: &mut egui::Ui, app: &Relu0App) {
    let records = &app.results.affected;
    let bars = |pick: fn(&crate::experiment::affected::AffectedRecord) -> usize| -> Vec<Bar> {
        records
            .iter()
            .map(|r| Bar::new(r.draw as f64, pick(r) as f64))
            .collect()
    };
    ui.label("Differing mini-batches per draw, by backward semantics");
    Plot::new("affected")
        .legend(Legend::default())
        .x_axis_label("draw")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new(
                "multiply",
                bars(|r| r.multiply.differing_batches.len()),
            ));
            plot.bar_chart(BarChart::new(
                "assign",
                bars(|r| r.assign.differing_batches.len()),
            ));
        });
}

fn zeros(ui: &mut egui::Ui, app: &Relu0App) {
    ui.label("Exact zeros per ReLU evaluation, by depth (rate × 1e9)");
    let bars: Vec<Bar> = app
        .results
        .zeros
        .iter()
        .map(|p| Bar::new(p.layers as f64, p.rate * 1e9).name(format!("L={}", p.layers)))
        .collect();
    Plot::new("zeros")
        .x_axis_label("hidden layers")
        .show(ui, |plot| plot.bar_chart(BarChart::new("rate × 1e9", bars)));
}

fn train(ui: &mut egui::Ui, app: &Relu0App) {
    let mut alphas: Vec<f64> = app.results.epochs.iter().map(|e| e.alpha).collect();
    alphas.dedup();
    let height = ui.available_height() / 2.0 - 10.0;
    let series = |pick: fn(&crate::experiment::train::EpochRecord) -> f64, a: f64| {
        points(
            app.results
                .epochs
                .iter()
                .filter(|e| e.alpha == a)
                .map(move |e| (e.epoch as f64, pick(e))),
        )
    };
    ui.label("Test accuracy (%) per epoch, one line per value of a (identical runs overlap)");
    Plot::new("train-accuracy")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .show(ui, |plot| {
            for &a in &alphas {
                plot.line(Line::new(
                    format!("a = {a}"),
                    series(|e| 100.0 * e.test_accuracy, a),
                ));
            }
        });
    ui.label("Mean training loss per epoch (a diverged run stops at a non-finite loss)");
    Plot::new("train-loss")
        .height(height)
        .legend(Legend::default())
        .x_axis_label("epoch")
        .show(ui, |plot| {
            for &a in &alphas {
                plot.line(Line::new(format!("a = {a}"), series(|e| e.train_loss, a)));
            }
        });
}

/// The first exact zero of each draw, as buttons; the chosen one is dissected.
fn zero_events(
    ui: &mut egui::Ui,
    selected: &mut Option<usize>,
    events: &[(
        crate::backend::Precision,
        usize,
        &crate::experiment::volume::ZeroEvent,
    )],
) {
    ui.label("First exact zero of each draw (click one):");
    let mut chosen = *selected;
    egui::ScrollArea::horizontal().show(ui, |ui| {
        ui.horizontal(|ui| {
            for (i, (p, draw, z)) in events.iter().enumerate() {
                let text = format!("{p} draw {draw}: batch {} layer {}", z.batch, z.layer + 1);
                if ui.selectable_label(chosen == Some(i), text).clicked() {
                    chosen = Some(i);
                }
            }
        });
    });
    *selected = chosen;
    if let Some((p, draw, z)) = chosen.and_then(|i| events.get(i)) {
        let place = format!(
            "{p}, draw {draw}: neuron {} of ReLU layer {}, sample {} of batch {}",
            z.neuron,
            z.layer + 1,
            z.sample,
            z.batch
        );
        egui::ScrollArea::vertical()
            .id_salt("why-zero-scroll")
            .show(ui, |ui| why_zero(ui, &place, &z.inspection));
    }
}
