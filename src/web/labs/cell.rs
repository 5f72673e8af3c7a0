//! "LSTM·GRU 셀 해부" (lecture 10): the cell as the lecture draws it, stepped token by token
//! through a sentence, each gate's equation with this step's numbers, and each gate pinned to
//! 0 or 1 to see what the lecture says happens. The numbers come from [`crate::lab::cell`].

use crate::i18n::Text;
use leptos::prelude::*;

use super::{LabError, LabHeading, LabWorker, Matrix};
use crate::lab::cell::{CellConfig, CellView, DEFAULT_SENTENCE};
use crate::lab::{LabReply, LabRequest};
use crate::nn::{CellKind, GatePins};
use crate::plot::{Heatmap, LineChart, Series};
use crate::web::i18n::{in_lang, lang, tr};
use crate::web::route::{LabId, Location, write_settings};

/// Epochs of the "train" button (full batch, Adam 0.05).
const EPOCHS: usize = 150;

/// The gates a student can pin, per cell: (field, symbol, what to try, in the lecture's words,
/// in Korean and English).
fn pinnable(cell: CellKind) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    match cell {
        CellKind::Gru => vec![
            (
                "update",
                "z_t",
                "z = 1이면 이전 은닉 상태를 그대로 유지하고, z = 0이면 후보 h̃만 받아들입니다",
                "z = 1 keeps h_(t−1) as it is; z = 0 takes the candidate h̃ alone.",
            ),
            (
                "reset",
                "r_t",
                "r = 0이면 후보 h̃가 이전 상태를 보지 않습니다",
                "r = 0: the candidate h̃ ignores the previous state.",
            ),
        ],
        _ => vec![
            (
                "input",
                "i_t",
                "입력 게이트가 0이 되면 이전 셀 상태만이 현재 셀 상태를 결정합니다",
                "If i_t becomes 0, the previous cell state alone decides the current one.",
            ),
            (
                "forget",
                "f_t",
                "삭제 게이트가 0이 되면 입력 게이트만이 현재 셀 상태를 결정합니다",
                "If f_t becomes 0, only the input gate decides the cell state.",
            ),
            (
                "output",
                "o_t",
                "출력 게이트가 0이면 셀 상태가 있어도 h_t는 0입니다",
                "If o_t is 0, h_t is 0 whatever the cell state holds.",
            ),
        ],
    }
}

fn pin_of(pins: &GatePins, field: &str) -> Option<f32> {
    match field {
        "input" => pins.input,
        "forget" => pins.forget,
        "output" => pins.output,
        "update" => pins.update,
        _ => pins.reset,
    }
}

fn set_pin(pins: &mut GatePins, field: &str, value: Option<f32>) {
    match field {
        "input" => pins.input = value,
        "forget" => pins.forget = value,
        "output" => pins.output = value,
        "update" => pins.update = value,
        _ => pins.reset = value,
    }
}

/// The lecture's equation for a gate term.
fn equation(cell: CellKind, name: &str) -> &'static str {
    match (cell, name) {
        (CellKind::Lstm, "i") => "i_t = σ(W_xi·x_t + W_hi·h_(t−1) + b_i)",
        (CellKind::Lstm, "f") => "f_t = σ(W_xf·x_t + W_hf·h_(t−1) + b_f)",
        (CellKind::Lstm, "g") => "g_t = tanh(W_xg·x_t + W_hg·h_(t−1) + b_g)",
        (CellKind::Lstm, "o") => "o_t = σ(W_xo·x_t + W_ho·h_(t−1) + b_o)",
        (_, "z") => "z_t = σ(W_xz·x_t + W_hz·h_(t−1) + b_z)",
        (_, "r") => "r_t = σ(W_xr·x_t + W_hr·h_(t−1) + b_r)",
        _ => "h̃_t = tanh(W_xh·x_t + r_t ∘ (W_hh·h_(t−1) + b_hh) + b_xh)",
    }
}

/// The cell drawn as the lecture draws it: inputs x_t and h_(t−1) at the bottom, the gates,
/// the cell-state line along the top (LSTM) or the update path (GRU). Pinned gates are dashed
/// and show their value.
fn diagram(cell: CellKind, pins: &GatePins) -> String {
    let gate = |x: f32, label: &str, act: &str, pinned: Option<f32>| {
        let (dash, note) = match pinned {
            Some(v) => (
                " stroke-dasharray=\"4 3\"",
                format!(
                    "<text x=\"{}\" y=\"150\" class=\"pin\" text-anchor=\"middle\">= {v}</text>",
                    x + 22.0
                ),
            ),
            None => ("", String::new()),
        };
        format!(
            "<line x1=\"{}\" y1=\"130\" x2=\"{}\" y2=\"178\" class=\"flow\"/>\
             <rect x=\"{x}\" y=\"100\" width=\"44\" height=\"30\" rx=\"4\" class=\"gate\"{dash}/>\
             <text x=\"{}\" y=\"120\" text-anchor=\"middle\">{act}</text>\
             <text x=\"{}\" y=\"94\" text-anchor=\"middle\" class=\"label\">{label}</text>{note}",
            x + 22.0,
            x + 22.0,
            x + 22.0,
            x + 22.0
        )
    };
    let mut body = String::new();
    match cell {
        CellKind::Gru => {
            body.push_str("<line x1=\"10\" y1=\"40\" x2=\"540\" y2=\"40\" class=\"state\"/><text x=\"12\" y=\"32\">h_(t−1)</text><text x=\"510\" y=\"32\">h_t</text>");
            body.push_str("<circle cx=\"150\" cy=\"40\" r=\"10\" class=\"op\"/><text x=\"150\" y=\"44\" text-anchor=\"middle\">×</text>");
            body.push_str("<circle cx=\"300\" cy=\"40\" r=\"10\" class=\"op\"/><text x=\"300\" y=\"44\" text-anchor=\"middle\">+</text>");
            body.push_str(&gate(60.0, "r", "σ", pins.reset));
            body.push_str(&gate(128.0, "z", "σ", pins.update));
            body.push_str(&gate(220.0, "h̃", "tanh", None));
            body.push_str("<text x=\"150\" y=\"70\" text-anchor=\"middle\" class=\"label\">z</text><text x=\"300\" y=\"70\" text-anchor=\"middle\" class=\"label\">1−z</text>");
            body.push_str("<line x1=\"150\" y1=\"100\" x2=\"150\" y2=\"50\" class=\"flow\"/><line x1=\"242\" y1=\"100\" x2=\"296\" y2=\"48\" class=\"flow\"/><line x1=\"104\" y1=\"115\" x2=\"220\" y2=\"115\" class=\"flow\"/>");
        }
        _ => {
            body.push_str("<line x1=\"10\" y1=\"40\" x2=\"540\" y2=\"40\" class=\"state\"/><text x=\"12\" y=\"32\">C_(t−1)</text><text x=\"510\" y=\"32\">C_t</text>");
            body.push_str("<circle cx=\"110\" cy=\"40\" r=\"10\" class=\"op\"/><text x=\"110\" y=\"44\" text-anchor=\"middle\">×</text>");
            body.push_str("<circle cx=\"220\" cy=\"40\" r=\"10\" class=\"op\"/><text x=\"220\" y=\"44\" text-anchor=\"middle\">+</text>");
            body.push_str(&gate(88.0, "f", "σ", pins.forget));
            body.push_str(&gate(160.0, "i", "σ", pins.input));
            body.push_str(&gate(220.0, "g", "tanh", None));
            body.push_str(&gate(300.0, "o", "σ", pins.output));
            body.push_str("<line x1=\"110\" y1=\"100\" x2=\"110\" y2=\"50\" class=\"flow\"/><line x1=\"182\" y1=\"100\" x2=\"210\" y2=\"44\" class=\"flow\"/><line x1=\"242\" y1=\"100\" x2=\"226\" y2=\"48\" class=\"flow\"/>");
            body.push_str("<line x1=\"380\" y1=\"40\" x2=\"380\" y2=\"115\" class=\"flow\"/><line x1=\"344\" y1=\"115\" x2=\"420\" y2=\"115\" class=\"flow\"/><circle cx=\"380\" cy=\"115\" r=\"10\" class=\"op\"/><text x=\"380\" y=\"119\" text-anchor=\"middle\">×</text><text x=\"424\" y=\"119\">h_t = o·tanh(C_t)</text>");
        }
    }
    format!(
        "<svg viewBox=\"0 0 560 200\" width=\"100%\" style=\"max-width:560px\" role=\"img\" aria-label=\"{} cell\" class=\"cell-diagram\">\
         <style>.gate{{fill:#eef3ff;stroke:#2f5bd3}}.state{{stroke:#222;stroke-width:3}}.op{{fill:#fff;stroke:#222}}.flow{{stroke:#888}}.label{{fill:#2f5bd3;font-weight:600}}.pin{{fill:#b3261e;font-weight:700}}text{{font-size:13px;font-family:sans-serif}}</style>\
         {body}<line x1=\"20\" y1=\"178\" x2=\"400\" y2=\"178\" class=\"flow\"/><text x=\"20\" y=\"194\">x_t, h_(t−1)</text></svg>",
        cell.keras_name()
    )
}

/// The lab's settings from its link (`?cell=gru&units=3&seed=…&text=…`).
fn config_from(location: &Location, cell: CellKind) -> CellConfig {
    let defaults = CellConfig::default();
    CellConfig {
        cell,
        units: location
            .parsed("units")
            .filter(|u| (2..=4).contains(u))
            .unwrap_or(defaults.units),
        seed: location.parsed("seed").unwrap_or(defaults.seed),
        sentence: location
            .param("text")
            .map_or(DEFAULT_SENTENCE.to_string(), str::to_string),
        ..defaults
    }
}

/// The settings the link carries, so that it reopens the lab as it is.
fn settings_of(c: &CellConfig) -> [(&'static str, String); 4] {
    let cell = if c.cell == CellKind::Gru {
        "gru"
    } else {
        "lstm"
    };
    [
        ("cell", cell.to_string()),
        ("units", c.units.to_string()),
        ("seed", c.seed.to_string()),
        ("text", c.sentence.clone()),
    ]
}

#[component]
pub fn CellLab(location: Location) -> impl IntoView {
    let cell = match location.param("cell") {
        Some("gru") => CellKind::Gru,
        _ => CellKind::Lstm,
    };
    let config = RwSignal::new(config_from(&location, cell));
    let result = RwSignal::new(None::<CellView>);
    let busy = RwSignal::new(false);
    let step = RwSignal::new(0usize);
    let error = RwSignal::new(None::<Text>);
    let worker = LabWorker::replies(error, move |reply| {
        if let LabReply::Cell(v) = reply {
            busy.set(false);
            let last = v.steps.len().saturating_sub(1);
            step.update(|t| *t = (*t).min(last));
            result.set(Some(v));
        }
    });
    let request = move || {
        let c = config.get_untracked();
        write_settings(LabId::Cell, &settings_of(&c));
        busy.set(true);
        worker.lab(LabRequest::Cell(c));
    };
    request();
    let kind = move || config.with(|c| c.cell);
    let current = move || {
        result.with(|r| {
            r.as_ref().and_then(|v| {
                v.steps
                    .get(step.get().min(v.steps.len().saturating_sub(1)))
                    .cloned()
            })
        })
    };
    let labels = move || {
        (1..=config.with(|c| c.units))
            .map(|u| format!("#{u}"))
            .collect::<Vec<_>>()
    };

    view! {
        <section class="panel lab" id="lab-cell">
            <LabHeading lab=LabId::Cell/>
            <p class="formula">{tr("작은 분류기(Embedding → 셀 → Dense)가 문장에 '안'이나 '못'이 있었는지 기억해서 답합니다: 기억이 필요한 과제", "A tiny classifier (Embedding → cell → Dense) answers whether the sentence had 안 or 못 anywhere: it has to remember.")}</p>
            <div class="panel-body">
                <div class="controls">
                    <div class="field">
                        <span>{tr("셀", "cell")}</span>
                        <div class="toggles" role="group" aria-label="cell">
                            {[(CellKind::Lstm, "cell-lstm", "LSTM"), (CellKind::Gru, "cell-gru", "GRU")].into_iter().map(|(k, id, label)| view! {
                                <button class="toggle" id=id class:active=move || kind() == k aria-pressed=move || (kind() == k).to_string()
                                    on:click=move |_| { config.update(|c| { c.cell = k; c.pins = GatePins::default(); }); request(); }>{label}</button>
                            }).collect_view()}
                        </div>
                    </div>
                    <div class="field inline">
                        <label for="cell-units">{tr("유닛", "units")}</label>
                        <select id="cell-units" prop:value=move || config.with(|c| c.units.to_string())
                            on:change=move |ev| if let Ok(u) = event_target_value(&ev).parse() { config.update(|c| c.units = u); request(); }>
                            <option value="2">"2"</option><option value="3">"3"</option><option value="4">"4"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="cell-text">{tr("문장", "sentence")}</label>
                        <textarea id="cell-text" rows="2" prop:value=move || config.with(|c| c.sentence.clone())
                            on:change=move |ev| { config.update(|c| c.sentence = event_target_value(&ev)); step.set(0); request(); }></textarea>
                    </div>
                    <div class="buttons">
                        <button id="cell-train" class="primary" disabled=move || busy.get()
                            on:click=move |_| { config.update(|c| c.epochs = EPOCHS); request(); }>{tr("학습", "Train")}</button>
                        <button id="cell-untrained" on:click=move |_| { config.update(|c| c.epochs = 0); request(); }>{tr("처음 가중치", "Untrained")}</button>
                    </div>
                    <p id="cell-training" class="status" data-state=move || match (busy.get(), config.with(|c| c.epochs)) {
                        (true, _) => "busy",
                        (false, 0) => "untrained",
                        _ => "trained",
                    }>{move || result.with(|r| r.as_ref().map(|v| match (v.losses.last(), v.accuracy) {
                        (Some(loss), Some(acc)) => format!("{} epochs · loss {loss:.4} · accuracy on new sentences {acc:.3}", v.losses.len()),
                        _ => in_lang(lang(), "학습 전 가중치", "untrained weights").to_string(),
                    }))}</p>
                    <div class="chart" inner_html=move || result.with(|r| match r {
                        Some(v) if !v.losses.is_empty() => LineChart {
                            x_label: "epoch".into(),
                            y_label: "loss".into(),
                            series: vec![Series { name: "loss".into(), points: v.losses.iter().enumerate().map(|(i, l)| ((i + 1) as f32, *l)).collect(), dashed: false }],
                            log_y: false,
                        }.to_svg(320.0, 180.0),
                        _ => String::new(),
                    })></div>
                    <fieldset id="cell-pins">
                        <legend>{tr("게이트 고정", "pin a gate")}</legend>
                        {move || pinnable(kind()).into_iter().map(|(field, symbol, hint_ko, hint_en)| view! {
                            <div class="field inline">
                                <label for=format!("pin-{field}")>{symbol}</label>
                                <select id=format!("pin-{field}")
                                    prop:value=move || config.with(|c| match pin_of(&c.pins, field) { None => "learned".to_string(), Some(v) => v.to_string() })
                                    on:change=move |ev| {
                                        let v = event_target_value(&ev).parse::<f32>().ok();
                                        config.update(|c| set_pin(&mut c.pins, field, v));
                                        request();
                                    }>
                                    <option value="learned">{tr("학습된 값", "learned")}</option>
                                    <option value="0">"0"</option>
                                    <option value="1">"1"</option>
                                </select>
                            </div>
                            <p class="hint">{tr(hint_ko, hint_en)}</p>
                        }).collect_view()}
                    </fieldset>
                </div>
                <div class="results">
                    <LabError error/>
                    <div id="cell-diagram" class="chart" inner_html=move || config.with(|c| diagram(c.cell, &c.pins))></div>
                    <p id="cell-prediction" data-pinned=move || result.with(|r| r.as_ref().map(|v| v.prediction.to_string()).unwrap_or_default())
                        data-free=move || result.with(|r| r.as_ref().map(|v| v.free_prediction.to_string()).unwrap_or_default())>
                        {move || result.with(|r| r.as_ref().map(|v| format!(
                            "{} = {:.3}{}", in_lang(lang(), "P(안·못 있음)", "P(negated)"), v.prediction,
                            if config.with(|c| c.pins.any()) { format!(" · {} {:.3}", in_lang(lang(), "고정 없이", "without the pin"), v.free_prediction) } else { String::new() }
                        )))}
                    </p>
                    <div class="gen-controls" role="group" aria-label="time step">
                        <button id="cell-back" on:click=move |_| step.update(|t| *t = t.saturating_sub(1)) disabled=move || step.get() == 0>{tr("◀ 이전", "◀ back")}</button>
                        <span id="cell-t" data-t=move || (step.get() + 1).to_string()>
                            {move || current().map(|s| format!("t = {} · x_t = '{}'{}", step.get() + 1, s.token, if s.id == 1 { " (OOV)" } else { "" }))}
                        </span>
                        <button id="cell-next" on:click=move |_| step.update(|t| *t += 1)
                            disabled=move || result.with(|r| r.as_ref().is_none_or(|v| step.get() + 1 >= v.steps.len()))>{tr("다음 ▶", "next ▶")}</button>
                    </div>
                    {move || current().map(|s| {
                        let cols = labels();
                        let gru = kind() == CellKind::Gru;
                        view! {
                            <Matrix id="cell-inputs" rows={
                                let mut rows = vec![(Text::same("h_(t−1)"), s.h_prev.clone())];
                                if let Some(c) = &s.c_prev { rows.push((Text::same("C_(t−1)"), c.clone())); }
                                rows
                            } columns=cols.clone()/>
                            <Matrix id="cell-x" rows=vec![(Text::same("x_t"), s.x.clone())] columns=(1..=s.x.len()).map(|i| format!("e{i}")).collect()/>
                            {s.gates.iter().map(|g| {
                                let value_row = match g.pinned {
                                    Some(v) => Text::new(format!("{}_t = {v} (고정)", g.name), format!("{}_t = {v} (pinned)", g.name)),
                                    None => Text::same(format!("{}_t", g.name)),
                                };
                                let name = if g.name == "h̃" { "hh".to_string() } else { g.name.clone() };
                                view! {
                                    <p class="formula"><code>{equation(kind(), &g.name)}</code></p>
                                    <Matrix id=format!("cell-eq-{name}") rows=vec![
                                        (Text::same("W_x·x_t"), g.wx.clone()),
                                        (Text::same("W_h·h_(t−1)"), g.wh.clone()),
                                        (Text::same("b"), g.bias.clone()),
                                        (value_row, g.value.clone()),
                                    ] columns=cols.clone()/>
                                }
                            }).collect_view()}
                            <p class="formula"><code>{if gru { "h_t = z_t ∘ h_(t−1) + (1 − z_t) ∘ h̃_t" } else { "C_t = f_t ∘ C_(t−1) + i_t ∘ g_t,  h_t = o_t ∘ tanh(C_t)" }}</code></p>
                            <Matrix id="cell-out" rows={
                                let mut rows = Vec::new();
                                if let Some(c) = &s.c { rows.push((Text::same("C_t"), c.clone())); }
                                rows.push((Text::same("h_t"), s.h.clone()));
                                rows
                            } columns=cols/>
                        }
                    })}
                    <h3>{move || if kind() == CellKind::Gru { tr("시간에 따른 h_t", "h_t over time")() } else { tr("시간에 따른 셀 상태 C_t", "the cell state C_t over time")() }}</h3>
                    {move || result.get().map(|v| {
                        let map = |memory: &Vec<Vec<f32>>| Heatmap {
                            row_labels: labels(),
                            col_labels: v.tokens.clone(),
                            values: (0..v.units).map(|u| memory.iter().map(|m| m[u]).collect()).collect(),
                            limit: Some(1.0),
                            highlight_col: Some(step.get()),
                            ..Heatmap::default()
                        }.to_svg(44.0, 22.0);
                        view! {
                            <div class="gate-maps">
                                <figure class="gate-map"><figcaption>{tr("고정한 셀", "with the pins")}</figcaption><div id="cell-memory-pinned" class="chart" inner_html=map(&v.pinned_memory)></div></figure>
                                <figure class="gate-map"><figcaption>{tr("학습된 셀", "as learned")}</figcaption><div id="cell-memory-free" class="chart" inner_html=map(&v.free_memory)></div></figure>
                            </div>
                        }
                    })}
                </div>
            </div>
        </section>
    }
}
