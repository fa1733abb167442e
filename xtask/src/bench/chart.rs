//! The `cargo check` chart: an SVG, written by hand (no plotting dependency), with one
//! panel for check time and one for peak memory, each against spec size on log-log
//! axes, one series per tool. The output depends only on the numbers: no timestamps,
//! fixed number formatting, series and points in a fixed order.

use std::fmt::Write as _;

/// One series of (x, y) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Stroke and fill colour (`#rrggbb`).
    pub color: &'static str,
    /// Whether the line is dashed.
    pub dashed: bool,
    /// The points (non-positive or non-finite values are left out on log axes).
    pub points: Vec<(f64, f64)>,
}

/// One panel: a title, an axis label and its series.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Shown above the panel.
    pub title: String,
    /// The y axis label.
    pub y_label: String,
    /// The series, drawn in order.
    pub series: Vec<Series>,
}

/// A log-scale axis: `lo` and `hi` are whole powers of ten around the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogAxis {
    /// log10 of the lowest value shown.
    pub lo: i32,
    /// log10 of the highest value shown.
    pub hi: i32,
}

impl LogAxis {
    /// The decades that hold every positive finite value of `values` (one decade
    /// around 1 when there is none).
    pub fn around(values: impl IntoIterator<Item = f64>) -> Self {
        let mut lo = i32::MAX;
        let mut hi = i32::MIN;
        for value in values.into_iter().filter(|v| v.is_finite() && *v > 0.0) {
            let log = value.log10();
            lo = lo.min(log.floor() as i32);
            hi = hi.max(log.ceil() as i32);
        }
        if lo > hi {
            return LogAxis { lo: 0, hi: 1 };
        }
        if lo == hi {
            hi += 1;
        }
        LogAxis { lo, hi }
    }

    /// Where `value` falls, from 0 (at `lo`) to 1 (at `hi`); `None` for values a log
    /// axis cannot show.
    pub fn fraction(&self, value: f64) -> Option<f64> {
        if !value.is_finite() || value <= 0.0 {
            return None;
        }
        Some((value.log10() - f64::from(self.lo)) / f64::from(self.hi - self.lo))
    }

    /// Tick values: every power of ten, plus 2× and 5× when the axis spans at most
    /// three decades.
    pub fn ticks(&self) -> Vec<(f64, bool)> {
        let mut ticks = Vec::new();
        let minor = self.hi - self.lo <= 3;
        for exp in self.lo..=self.hi {
            let base = 10f64.powi(exp);
            ticks.push((base, true));
            if minor && exp < self.hi {
                ticks.push((2.0 * base, false));
                ticks.push((5.0 * base, false));
            }
        }
        ticks
    }
}

/// A tick label: `0.01`, `0.5`, `20`, `5000`, `1e6`.
pub fn tick_label(value: f64) -> String {
    if !(1e-3..1e5).contains(&value) {
        let exp = value.log10().round() as i32;
        let mantissa = value / 10f64.powi(exp);
        if (mantissa - 1.0).abs() < 1e-9 {
            format!("1e{exp}")
        } else {
            format!("{mantissa:.0}e{exp}")
        }
    } else if value >= 1.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').to_owned()
    }
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

const PANEL_W: f64 = 420.0;
const PANEL_H: f64 = 300.0;
const LEFT: f64 = 60.0;
const TOP: f64 = 50.0;
const GAP: f64 = 90.0;
const LEGEND_H: f64 = 30.0;

/// The SVG: `panels` side by side, sharing the x axis label `x_label`, a legend below.
pub fn render(title: &str, x_label: &str, panels: &[Panel]) -> String {
    let width = LEFT + panels.len() as f64 * (PANEL_W + GAP);
    let height = TOP + PANEL_H + 50.0 + LEGEND_H;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(svg, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        width / 2.0,
        escape(title)
    );
    for (index, panel) in panels.iter().enumerate() {
        let x0 = LEFT + index as f64 * (PANEL_W + GAP);
        draw_panel(&mut svg, panel, x0, x_label);
    }
    // The legend: the series of the first panel (every panel has the same ones).
    if let Some(panel) = panels.first() {
        let y = TOP + PANEL_H + 50.0;
        for (index, series) in panel.series.iter().enumerate() {
            let x = LEFT + index as f64 * 260.0;
            let _ = writeln!(
                svg,
                "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"2\"{}/>",
                x + 30.0,
                series.color,
                dash(series.dashed)
            );
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{}\"/>",
                x + 15.0,
                series.color
            );
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x + 38.0,
                y + 4.0,
                escape(&series.name)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

fn dash(dashed: bool) -> &'static str {
    if dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    }
}

/// One panel with its frame, grid, tick labels, axis labels and series.
fn draw_panel(svg: &mut String, panel: &Panel, x0: f64, x_label: &str) {
    let points = || panel.series.iter().flat_map(|series| series.points.iter());
    let x_axis = LogAxis::around(points().map(|(x, _)| *x));
    let y_axis = LogAxis::around(points().map(|(_, y)| *y));
    let px = |x: f64| x_axis.fraction(x).map(|f| x0 + f * PANEL_W);
    let py = |y: f64| y_axis.fraction(y).map(|f| TOP + PANEL_H - f * PANEL_H);
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\">{}</text>",
        x0 + PANEL_W / 2.0,
        TOP - 12.0,
        escape(&panel.title)
    );
    for (value, major) in x_axis.ticks() {
        let Some(x) = px(value) else { continue };
        let color = if major { "#cccccc" } else { "#eeeeee" };
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{TOP:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{color}\"/>",
            TOP + PANEL_H
        );
        let _ = writeln!(
            svg,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            TOP + PANEL_H + 16.0,
            tick_label(value)
        );
    }
    for (value, major) in y_axis.ticks() {
        let Some(y) = py(value) else { continue };
        let color = if major { "#cccccc" } else { "#eeeeee" };
        let _ = writeln!(
            svg,
            "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\"/>",
            x0 + PANEL_W
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + 4.0,
            tick_label(value)
        );
    }
    let _ = writeln!(
        svg,
        "<rect x=\"{x0:.1}\" y=\"{TOP:.1}\" width=\"{PANEL_W:.1}\" height=\"{PANEL_H:.1}\" fill=\"none\" stroke=\"#333333\"/>"
    );
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        x0 + PANEL_W / 2.0,
        TOP + PANEL_H + 34.0,
        escape(x_label)
    );
    let (lx, ly) = (x0 - 44.0, TOP + PANEL_H / 2.0);
    let _ = writeln!(
        svg,
        "<text x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 {lx:.1} {ly:.1})\">{}</text>",
        escape(&panel.y_label)
    );
    for series in &panel.series {
        let mut placed: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter_map(|(x, y)| Some((px(*x)?, py(*y)?)))
            .collect();
        placed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if placed.len() > 1 {
            let path: Vec<String> = placed.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ = writeln!(
                svg,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"{}/>",
                path.join(" "),
                series.color,
                dash(series.dashed)
            );
        }
        for (x, y) in placed {
            let _ = writeln!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{}\"/>",
                series.color
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_cover_whole_decades() {
        assert_eq!(LogAxis::around([3.0, 450.0]), LogAxis { lo: 0, hi: 3 });
        assert_eq!(LogAxis::around([0.2, 0.7]), LogAxis { lo: -1, hi: 0 });
        assert_eq!(LogAxis::around([10.0]), LogAxis { lo: 1, hi: 2 });
        assert_eq!(LogAxis::around([f64::NAN, -1.0, 0.0]), LogAxis { lo: 0, hi: 1 });
    }

    #[test]
    fn fractions_are_logarithmic() {
        let axis = LogAxis { lo: 0, hi: 2 };
        assert_eq!(axis.fraction(1.0), Some(0.0));
        assert_eq!(axis.fraction(10.0), Some(0.5));
        assert_eq!(axis.fraction(100.0), Some(1.0));
        assert_eq!(axis.fraction(0.0), None);
        assert_eq!(axis.fraction(f64::NAN), None);
    }

    #[test]
    fn ticks_and_labels() {
        let axis = LogAxis { lo: -1, hi: 1 };
        let ticks: Vec<String> = axis.ticks().iter().map(|(v, _)| tick_label(*v)).collect();
        assert_eq!(ticks, ["0.1", "0.2", "0.5", "1", "2", "5", "10"]);
        let wide = LogAxis { lo: 0, hi: 6 };
        assert!(wide.ticks().iter().all(|(_, major)| *major));
        assert_eq!(tick_label(1e6), "1e6");
        assert_eq!(tick_label(5000.0), "5000");
    }

    fn panel(y: f64) -> Panel {
        Panel {
            title: "check <time>".into(),
            y_label: "s".into(),
            series: vec![
                Series {
                    name: "apigen".into(),
                    color: "#1f77b4",
                    dashed: false,
                    points: vec![(400.0, y), (3.0, 0.3), (20.0, f64::NAN)],
                },
                Series {
                    name: "progenitor & co".into(),
                    color: "#ff7f0e",
                    dashed: true,
                    points: vec![],
                },
            ],
        }
    }

    #[test]
    fn the_svg_depends_only_on_the_numbers() {
        let a = render("t", "spec size (KB)", &[panel(7.0), panel(500.0)]);
        let b = render("t", "spec size (KB)", &[panel(7.0), panel(500.0)]);
        assert_eq!(a, b);
        assert_ne!(a, render("t", "spec size (KB)", &[panel(8.0), panel(500.0)]));
        assert!(a.starts_with("<svg ") && a.ends_with("</svg>\n"));
        assert!(a.contains("check &lt;time&gt;") && a.contains("progenitor &amp; co"));
        assert!(!a.contains("NaN") && !a.contains("inf"));
        // Two valid points make one line; the NaN one is left out.
        assert_eq!(a.matches("<polyline").count(), 2);
    }
}
