//! "기울기 소실과 폭발" (lecture 10): ‖∂h_T/∂h_t‖ of a vanilla RNN, an LSTM and a GRU, computed
//! by backpropagation in the worker every time a slider moves.

use crate::i18n::Text;
use crate::web::i18n::tr;
use leptos::prelude::*;

use super::{LabError, LabHeading, LabWorker};
use crate::lab::gradients::{GradientConfig, GradientCurves, RnnActivation};
use crate::lab::{LabReply, LabRequest};
use crate::plot::{LineChart, Series};
use crate::web::route::{LabId, Location, write_settings};

fn activation_from(s: &str) -> Option<RnnActivation> {
    match s {
        "tanh" => Some(RnnActivation::Tanh),
        "relu" => Some(RnnActivation::Relu),
        "linear" => Some(RnnActivation::Linear),
        _ => None,
    }
}

#[component]
pub fn GradientsLab(location: Location) -> impl IntoView {
    let d = GradientConfig::default();
    let config = RwSignal::new(GradientConfig {
        scale: location
            .parsed::<f32>("scale")
            .filter(|s| (0.0..=3.0).contains(s))
            .unwrap_or(d.scale),
        activation: location
            .param("activation")
            .and_then(activation_from)
            .unwrap_or(d.activation),
        memory_bias: location
            .parsed::<f32>("bias")
            .filter(|b| b.abs() <= 10.0)
            .unwrap_or(d.memory_bias),
        input_scale: location
            .parsed::<f32>("input")
            .filter(|i| (0.0..=2.0).contains(i))
            .unwrap_or(d.input_scale),
        ..d
    });
    let curves = RwSignal::new(None::<GradientCurves>);
    let error = RwSignal::new(None::<Text>);
    let worker = LabWorker::replies(error, move |reply| {
        if let LabReply::Gradients(c) = reply {
            curves.set(Some(c));
        }
    });
    // Every change of the settings asks the worker again (the answer takes milliseconds).
    Effect::new(move |_| {
        let c = config.get();
        write_settings(
            LabId::Gradients,
            &[
                ("scale", c.scale.to_string()),
                ("activation", c.activation.name().to_string()),
                ("bias", c.memory_bias.to_string()),
                ("input", c.input_scale.to_string()),
            ],
        );
        worker.lab(LabRequest::Gradients(c));
    });

    let slider = move |id: &'static str,
                       label: (&'static str, &'static str),
                       min: &'static str,
                       max: &'static str,
                       step: &'static str,
                       get: fn(&GradientConfig) -> f32,
                       set: fn(&mut GradientConfig, f32)| {
        view! {
            <div class="field">
                <label for=id>{tr(label.0, label.1)} ": " <output>{move || format!("{:.2}", config.with(get))}</output></label>
                <input id=id type="range" min=min max=max step=step
                    prop:value=move || config.with(get).to_string()
                    on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f32>() {
                        config.update(|c| set(c, v));
                    } }/>
            </div>
        }
    };

    view! {
        <section class="panel lab" id="lab-gradients">
            <LabHeading lab=LabId::Gradients/>
            <p class="formula">
                "∂h_T/∂h_t = ∏ diag(f′)·W_hh: "
                {tr("한 단계마다 W_hh를 한 번씩 곱합니다. W_hh의 크기(스펙트럼 반지름)가 1보다 작으면 기울기가 사라지고, 크면 폭발합니다.", "Backpropagation multiplies by W_hh once per step: a spectral radius below 1 makes the gradient vanish, above 1 explode.")}
            </p>
            <div class="panel-body">
                <div class="controls">
                    {slider("gradients-scale", ("W_hh 스펙트럼 반지름", "spectral radius"), "0.1", "2", "0.05", |c| c.scale, |c, v| c.scale = v)}
                    <div class="field">
                        <span>{tr("SimpleRNN 활성화", "activation")}</span>
                        <div class="toggles" role="group" aria-label="activation">
                            {[RnnActivation::Tanh, RnnActivation::Relu, RnnActivation::Linear].into_iter().map(|a| view! {
                                <button class="toggle" id=format!("gradients-{}", a.name())
                                    class:active=move || config.with(|c| c.activation == a)
                                    aria-pressed=move || config.with(|c| (c.activation == a).to_string())
                                    on:click=move |_| config.update(|c| c.activation = a)>{a.name()}</button>
                            }).collect_view()}
                        </div>
                    </div>
                    {slider("gradients-bias", ("LSTM 망각 / GRU 업데이트 게이트 편향", "memory-gate bias"), "-2", "5", "0.5", |c| c.memory_bias, |c, v| c.memory_bias = v)}
                    {slider("gradients-input", ("입력 크기", "input scale"), "0", "1", "0.05", |c| c.input_scale, |c, v| c.input_scale = v)}
                    <p class="hint">"16 units, T = 40, random inputs (fixed seed). Keras initialisation: orthogonal W_hh times the radius; the LSTM's forget bias starts at 1 (unit_forget_bias)."</p>
                </div>
                <div class="results">
                    <LabError error/>
                    <div id="gradients-chart" class="chart" inner_html=move || curves.with(|c| c.as_ref().map(|c| LineChart {
                        x_label: tr("T − t (몇 단계 전)", "T − t (steps back)")().into(),
                        y_label: "‖∂h_T/∂h_t‖".into(),
                        series: c.curves.iter().map(|curve| Series {
                            name: curve.name.clone(),
                            points: curve.norms.iter().enumerate().map(|(k, n)| (k as f32, *n)).collect(),
                            dashed: !curve.name.starts_with("SimpleRNN"),
                        }).collect(),
                        log_y: true,
                    }.to_svg(600.0, 340.0)).unwrap_or_default())></div>
                    // A phone scrolls the table, not the page (its five columns need ~420 px).
                    <div class="table-scroll" tabindex="0" role="region" aria-label=tr("기울기 표", "gradient table")>
                    <table class="data" id="gradients-table">
                        <thead><tr><th>{tr("셀", "cell")}</th><th>{tr("한 단계당", "per step")}</th><th>{tr("10단계 전", "T−t=10")}</th><th>{tr("39단계 전", "T−t=39")}</th><th></th></tr></thead>
                        <tbody>
                            {move || curves.get().map(|c| c.curves.into_iter().map(|curve| {
                                let f = curve.factor_per_step;
                                let verdict = if f < 0.98 { tr("소실", "vanishing") } else if f > 1.02 { tr("폭발", "exploding") } else { tr("유지", "kept") };
                                view! {
                                    <tr data-cell=curve.name.clone() data-factor=f.to_string()>
                                        <td>{curve.name.clone()}</td>
                                        <td class="num">{format!("×{f:.3}")}</td>
                                        <td class="num">{format!("{:.2e}", curve.norms.get(10).copied().unwrap_or(0.0))}</td>
                                        <td class="num">{format!("{:.2e}", curve.norms.last().copied().unwrap_or(0.0))}</td>
                                        <td>{verdict}</td>
                                    </tr>
                                }
                            }).collect_view())}
                        </tbody>
                    </table>
                    </div>
                </div>
            </div>
        </section>
    }
}
