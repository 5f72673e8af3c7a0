//! "날씨 → 메뉴" (lecture 7): a tiny RNN learns the cook's rule and carries yesterday's dish in
//! its hidden state.

use crate::i18n::Text;
use crate::web::i18n::tr;
use leptos::prelude::*;

use super::{LabError, LabHeading, LabWorker};
use crate::lab::weather::{DISHES, WeatherConfig, WeatherTraining, WeekView};
use crate::lab::{LabReply, LabRequest};
use crate::plot::{Heatmap, LineChart, Series};
use crate::web::route::{LabId, Location, write_settings};

const DEFAULT_WEEK: &str = "맑음 비 비 맑음 비 맑음 맑음";

#[component]
pub fn WeatherLab(location: Location) -> impl IntoView {
    let defaults = WeatherConfig::default();
    let config = RwSignal::new(WeatherConfig {
        units: location
            .parsed("units")
            .filter(|u| (1..=32).contains(u))
            .unwrap_or(defaults.units),
        ..defaults
    });
    let week = RwSignal::new(
        location
            .param("week")
            .map_or(DEFAULT_WEEK.to_string(), str::to_string),
    );
    let yesterday = RwSignal::new(
        location
            .parsed::<usize>("yesterday")
            .filter(|d| *d < DISHES.len())
            .unwrap_or(0),
    );
    let training = RwSignal::new(None::<WeatherTraining>);
    let busy = RwSignal::new(false);
    let answer = RwSignal::new(None::<WeekView>);
    let error = RwSignal::new(None::<Text>);

    let ask = move |worker: LabWorker| {
        write_settings(
            LabId::Weather,
            &[
                ("units", config.with_untracked(|c| c.units.to_string())),
                ("yesterday", yesterday.get_untracked().to_string()),
                ("week", week.get_untracked()),
            ],
        );
        if let Some(t) = training.get_untracked() {
            worker.lab(LabRequest::WeatherWeek {
                model_file: t.model_file,
                yesterday: yesterday.get_untracked(),
                week: week.get_untracked(),
            });
        }
    };
    let worker_cell = StoredValue::new_local(None::<LabWorker>);
    let worker = LabWorker::replies(error, move |reply| match reply {
        LabReply::Weather(t) => {
            busy.set(false);
            training.set(Some(t));
            if let Some(w) = worker_cell.get_value() {
                ask(w);
            }
        }
        LabReply::Week(w) => answer.set(Some(w)),
        _ => {}
    });
    worker_cell.set_value(Some(worker));
    let train = move || {
        busy.set(true);
        answer.set(None);
        worker.lab(LabRequest::TrainWeather(config.get_untracked()));
    };
    // Train at once: the model is small (a fraction of a second in the worker).
    train();

    view! {
        <section class="panel lab" id="lab-weather">
            <LabHeading lab=LabId::Weather/>
            <p class="formula">
                {tr("요리사는 피자 → 초밥 → 와플 순서로 요리합니다. 맑은 날에는 밖에 나가서 어제 음식을 또 먹고, 비 오는 날에는 다음 음식을 만듭니다. 날씨만으로는 음식을 알 수 없으니 은닉 상태가 어제 음식을 기억해야 합니다.", "The cook makes pizza → sushi → waffles in turn. Sunny: he goes out and we eat yesterday's dish again. Rainy: he cooks the next dish. The weather alone cannot tell the dish; the hidden state must remember it.")}
            </p>
            <div class="panel-body">
                <div class="controls">
                    <div class="field inline">
                        <label for="weather-units">{tr("은닉 유닛", "units")}</label>
                        <input id="weather-units" type="number" min="1" max="32" prop:value=move || config.with(|c| c.units.to_string())
                            on:change=move |ev| { if let Ok(u) = event_target_value(&ev).parse::<usize>() {
                                config.update(|c| c.units = u.clamp(1, 32));
                            } }/>
                    </div>
                    <div class="field inline">
                        <label for="weather-epochs">{tr("에포크", "epochs")}</label>
                        <input id="weather-epochs" type="number" min="1" max="5000" prop:value=move || config.with(|c| c.epochs.to_string())
                            on:change=move |ev| { if let Ok(e) = event_target_value(&ev).parse::<usize>() {
                                config.update(|c| c.epochs = e.clamp(1, 5000));
                            } }/>
                    </div>
                    <div class="buttons">
                        <button id="weather-train" class="primary" disabled=move || busy.get() on:click=move |_| train()>{tr("다시 학습", "Train again")}</button>
                    </div>
                    <p id="weather-status" class="status" data-state=move || if busy.get() { "training" } else if training.with(Option::is_some) { "done" } else { "idle" }>
                        {move || if busy.get() {
                            tr("학습 중…", "training…")().to_string()
                        } else {
                            training.with(|t| t.as_ref().map(|t| format!(
                                "{}: {:.1}%",
                                tr("처음 보는 주 200개의 정확도", "accuracy on 200 new weeks")(),
                                t.test_accuracy * 100.0
                            )).unwrap_or_default())
                        }}
                    </p>
                    <span id="weather-accuracy" hidden data-value=move || training.with(|t| t.as_ref().map(|t| t.test_accuracy.to_string()).unwrap_or_default())></span>
                    <div class="chart" inner_html=move || training.with(|t| t.as_ref().map(|t| LineChart {
                        x_label: "epoch".into(),
                        y_label: "loss".into(),
                        series: vec![Series {
                            name: "loss".into(),
                            points: t.losses.iter().enumerate().map(|(i, l)| ((i + 1) as f32, *l)).collect(),
                            dashed: false,
                        }],
                        log_y: false,
                    }.to_svg(320.0, 200.0)).unwrap_or_default())></div>
                </div>
                <div class="results">
                    <LabError error/>
                    <div class="field">
                        <label for="weather-yesterday">{tr("어제 먹은 음식", "yesterday's dish")}</label>
                        <select id="weather-yesterday" prop:value=move || yesterday.get().to_string()
                            on:change=move |ev| { if let Ok(d) = event_target_value(&ev).parse() {
                                yesterday.set(d);
                                ask(worker);
                            } }>
                            {DISHES.iter().enumerate().map(|(i, d)| view! { <option value=i.to_string()>{*d}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="weather-week">{tr("이번 주 날씨", "this week's weather (맑음/비, ☀/☂, s/r)")}</label>
                        <input id="weather-week" type="text" prop:value=move || week.get()
                            on:input=move |ev| {
                                week.set(event_target_value(&ev));
                                ask(worker);
                            }/>
                    </div>
                    {move || answer.get().map(|a| {
                        let correct = a.correct;
                        let total = a.days.len();
                        view! {
                            <table class="data" id="weather-days">
                                <thead><tr><th>"날"</th><th>"날씨"</th><th>{tr("규칙", "rule")}</th><th>{tr("모델", "model")}</th><th>{tr("확률 p(피자, 초밥, 와플)", "p(pizza, sushi, waffle)")}</th></tr></thead>
                                <tbody>
                                    {a.days.iter().enumerate().map(|(i, d)| {
                                        let ok = d.predicted == d.expected;
                                        view! {
                                            <tr class:wrong=!ok data-correct=ok.to_string()>
                                                <td>{i + 1}</td>
                                                <td>{format!("{} {}", d.weather.symbol(), d.weather.korean())}</td>
                                                <td>{DISHES[d.expected]}</td>
                                                <td class="model-dish">{DISHES[d.predicted]}{if ok { " ✓" } else { " ✗" }}</td>
                                                <td class="num">{d.probabilities.iter().map(|p| format!("{p:.2}")).collect::<Vec<_>>().join(" · ")}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <p id="weather-correct">{move || format!("{correct} / {total} {}", tr("맞음", "correct")())}</p>
                            <h3>{tr("은닉 상태", "hidden state (one row per unit)")}</h3>
                            <div id="weather-hidden" class="chart" inner_html=Heatmap {
                                row_labels: (1..=a.start_hidden.len()).map(|u| format!("h{u}")).collect(),
                                col_labels: std::iter::once(format!("어제 {}", DISHES[a.yesterday]))
                                    .chain(a.days.iter().enumerate().map(|(i, d)| format!("{} {}", i + 1, d.weather.symbol())))
                                    .collect(),
                                values: (0..a.start_hidden.len()).map(|u| {
                                    std::iter::once(a.start_hidden[u]).chain(a.days.iter().map(|d| d.hidden[u])).collect()
                                }).collect(),
                                limit: Some(1.0),
                                ..Heatmap::default()
                            }.to_svg(44.0, 22.0)></div>
                            <p class="hint">{tr("같은 음식이 나오는 날에는 은닉 상태의 색 패턴도 비슷합니다", "days with the same dish have similar hidden-state colours: that is the memory of yesterday's dish.")}</p>
                        }
                    })}
                </div>
            </div>
        </section>
    }
}
