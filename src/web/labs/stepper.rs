//! "순환 한 단계씩": the recurrence of a SimpleRNN on "hell" → "ello", every term of every step.

use crate::i18n::Text;
use crate::web::i18n::tr;
use leptos::prelude::*;

use super::{Cells, LabError, LabHeading, LabWorker, Matrix};
use crate::lab::LabReply;
use crate::lab::LabRequest;
use crate::lab::stepper::{StepperConfig, StepperTraining};
use crate::plot::{Heatmap, LineChart, Series};
use crate::web::route::{LabId, Location, write_settings};

#[component]
pub fn StepperLab(location: Location) -> impl IntoView {
    let defaults = StepperConfig::default();
    let config = RwSignal::new(StepperConfig {
        units: location
            .parsed("units")
            .filter(|u| (2..=4).contains(u))
            .unwrap_or(defaults.units),
        seed: location.parsed("seed").unwrap_or(defaults.seed),
        ..defaults
    });
    let result = RwSignal::new(None::<StepperTraining>);
    let trained = RwSignal::new(false);
    let step = RwSignal::new(0usize);
    let error = RwSignal::new(None::<Text>);
    let worker = LabWorker::replies(error, move |reply| {
        if let LabReply::Stepper(r) = reply {
            result.set(Some(r));
        }
    });
    // The untrained weights (epochs 0) or a trained model.
    let request = move |train: bool| {
        let mut c = config.get_untracked();
        write_settings(
            LabId::Stepper,
            &[("units", c.units.to_string()), ("seed", c.seed.to_string())],
        );
        if !train {
            c.epochs = 0;
        }
        trained.set(train);
        worker.lab(LabRequest::TrainStepper(c));
    };
    request(false);

    let view_of = move || result.get().map(|r| r.view);
    let current = move || {
        view_of().and_then(|v| {
            let t = step.get().min(v.steps.len().saturating_sub(1));
            v.steps.get(t).cloned()
        })
    };
    let chars = move || view_of().map(|v| v.chars).unwrap_or_default();
    let units = move || config.with(|c| c.units);
    let unit_labels = move || (1..=units()).map(|u| format!("h{u}")).collect::<Vec<_>>();

    view! {
        <section class="panel lab" id="lab-stepper">
            <LabHeading lab=LabId::Stepper/>
            <div class="panel-body">
                <div class="controls">
                    <div class="field inline">
                        <label for="stepper-units">{tr("은닉 유닛", "hidden units")}</label>
                        <select id="stepper-units" prop:value=move || units().to_string()
                            on:change=move |ev| {
                                if let Ok(u) = event_target_value(&ev).parse() {
                                    config.update(|c| c.units = u);
                                    step.set(0);
                                    request(false);
                                }
                            }>
                            <option value="2">"2"</option>
                            <option value="3">"3"</option>
                            <option value="4">"4"</option>
                        </select>
                    </div>
                    <div class="field inline">
                        <label for="stepper-seed">{tr("시드", "seed")}</label>
                        <input id="stepper-seed" type="number" min="0" prop:value=move || config.with(|c| c.seed.to_string())
                            on:change=move |ev| {
                                if let Ok(s) = event_target_value(&ev).parse() {
                                    config.update(|c| c.seed = s);
                                    request(false);
                                }
                            }/>
                    </div>
                    <div class="buttons">
                        <button id="stepper-train" class="primary" on:click=move |_| request(true)>{tr("학습", "Train")}</button>
                        <button id="stepper-reset" on:click=move |_| request(false)>{tr("처음 가중치", "Untrained")}</button>
                    </div>
                    <p class="hint">{tr("Adam, 학습률 0.05, 300 에포크; 매 단계 h, e, l, o에 대한 softmax (TimeDistributed Dense)", "Adam, learning rate 0.05, 300 epochs; a softmax over h, e, l, o at every step (TimeDistributed Dense).")}</p>
                    <p id="stepper-output" class="generated" data-trained=move || trained.get().to_string()>
                        "hell → "
                        <strong>{move || view_of().map(|v| v.output).unwrap_or_default()}</strong>
                    </p>
                    <ol id="stepper-history" class="hint">
                        {move || result.get().map(|r| r.outputs.into_iter().map(|(e, o)| view! {
                            <li>{format!("epoch {e}: {o}")}</li>
                        }).collect_view())}
                    </ol>
                    <div class="chart" inner_html=move || result.with(|r| match r {
                        Some(r) if !r.losses.is_empty() => LineChart {
                            x_label: "epoch".into(),
                            y_label: "loss".into(),
                            series: vec![Series {
                                name: "loss".into(),
                                points: r.losses.iter().enumerate().map(|(i, l)| ((i + 1) as f32, *l)).collect(),
                                dashed: false,
                            }],
                            log_y: false,
                        }.to_svg(320.0, 200.0),
                        _ => String::new(),
                    })></div>
                </div>
                <div class="results">
                    <LabError error/>
                    <p class="formula"><strong>"h_t = tanh(W_xh·x_t + W_hh·h_(t−1) + b)"</strong></p>
                    <div class="gen-controls" role="group" aria-label="time step">
                        <button id="stepper-back" on:click=move |_| step.update(|t| *t = t.saturating_sub(1))
                            disabled=move || step.get() == 0>{tr("◀ 이전", "◀ back")}</button>
                        <span id="stepper-t" data-t=move || (step.get() + 1).to_string()>
                            {move || current().map(|s| format!("t = {} · {} x_t = '{}' · {} '{}'", s.t, tr("입력", "input")(), s.input, tr("정답", "target")(), s.target))}
                        </span>
                        <button id="stepper-next" on:click=move |_| step.update(|t| *t = (*t + 1).min(3))
                            disabled=move || { step.get() >= 3 }>{tr("다음 ▶", "next ▶")}</button>
                    </div>
                    {move || current().map(|s| {
                        let labels = unit_labels();
                        let bias = view_of().map(|v| v.bias).unwrap_or_default();
                        let rows = vec![
                            (Text::same("W_xh·x_t"), s.wx.clone()),
                            (Text::same("W_hh·h_(t−1)"), s.wh.clone()),
                            (Text::same("b"), bias),
                            (Text::new("합", "sum"), s.sum.clone()),
                            (Text::new("h_t = tanh(합)", "h_t = tanh(sum)"), s.h.clone()),
                        ];
                        let chars = chars();
                        view! {
                            <h3>{tr("이번 단계", "this step")}</h3>
                            <Matrix id="stepper-input" rows=vec![(Text::same("x_t"), s.x.clone())]
                                columns=chars.iter().map(|c| c.to_string()).collect()/>
                            <Matrix id="stepper-hprev" rows=vec![(Text::same("h_(t−1)"), s.h_prev.clone())] columns=labels.clone()/>
                            <Matrix id="stepper-step" rows columns=labels/>
                            <h3>{tr("출력 softmax(W_hy·h_t + b_y)", "output softmax(W_hy·h_t + b_y)")}</h3>
                            <table class="lab-matrix" id="stepper-probs">
                                <thead><tr>{chars.iter().map(|c| view! { <th>{c.to_string()}</th> }).collect_view()}</tr></thead>
                                <tbody><tr><Cells values=s.probabilities.clone() palette=crate::plot::Palette::Sequential/></tr></tbody>
                            </table>
                            <p>{tr("예측", "predicted: ")} <strong class="predicted">{s.predicted.to_string()}</strong>
                               {if s.predicted == s.target { " ✓" } else { " ✗" }}</p>
                        }
                    })}
                    <h3>{tr("시간에 따른 은닉 상태", "h over time")}</h3>
                    <div id="stepper-heatmap" class="chart" inner_html=move || view_of().map(|v| Heatmap {
                        row_labels: unit_labels(),
                        col_labels: v.steps.iter().map(|s| format!("t{} {}", s.t, s.input)).collect(),
                        values: (0..v.bias.len()).map(|u| v.steps.iter().map(|s| s.h[u]).collect()).collect(),
                        limit: Some(1.0),
                        highlight_col: Some(step.get()),
                        ..Heatmap::default()
                    }.to_svg(40.0, 30.0)).unwrap_or_default()></div>
                    <h3>{tr("가중치", "weights")}</h3>
                    {move || view_of().map(|v| {
                        let labels = unit_labels();
                        view! {
                            <div class="weights">
                                <Matrix id="stepper-wxh"
                                    rows=v.chars.iter().zip(&v.w_xh).map(|(c, r)| (Text::same(format!("W_xh '{c}'")), r.clone())).collect()
                                    columns=labels.clone()/>
                                <Matrix id="stepper-whh"
                                    rows=v.w_hh.iter().enumerate().map(|(i, r)| (Text::same(format!("W_hh h{}", i + 1)), r.clone())).collect()
                                    columns=labels.clone()/>
                                <Matrix id="stepper-bias" rows=vec![(Text::same("b"), v.bias.clone())] columns=labels/>
                            </div>
                        }
                    })}
                </div>
            </div>
        </section>
    }
}
