//! Training curves as SVG: axes with "nice" ticks, one polyline per series, a legend.
//!
//! Plain SVG text built here in the core (not a canvas drawn in the page) because it is
//! testable natively, stays sharp when a lecturer scales a slide, renders Korean labels with
//! the page's fonts, and can be saved as a file. The page only inserts the string.
//!
//! ```
//! use rnn_playground::plot::{LineChart, Series};
//!
//! let chart = LineChart {
//!     x_label: "epoch".into(),
//!     y_label: "loss".into(),
//!     series: vec![Series { name: "SimpleRNN".into(), points: vec![(1.0, 2.5), (2.0, 1.0)], dashed: false }],
//!     log_y: false,
//! };
//! let svg = chart.to_svg(400.0, 240.0);
//! assert!(svg.starts_with("<svg") && svg.contains("SimpleRNN"));
//! ```

mod axis;
mod bar;
mod colour;
mod heatmap;
mod line;
mod scatter;

pub use axis::nice_ticks;
pub use bar::{Bar, BarChart};
pub use colour::{
    Palette, cell_colour, contrast_ratio, relative_luminance, white_text_reads_better,
};
pub use heatmap::Heatmap;
pub use line::{LineChart, Series};
pub use scatter::{Scatter, ScatterPoint};
