//! "형태와 파라미터" (lecture 10): build a stack, run a real input through it in the worker, and
//! read every output shape and the `summary()` table.

use crate::i18n::Text;
use crate::web::i18n::tr;
use leptos::prelude::*;

use super::{LabError, LabHeading, LabWorker};
use crate::lab::shapes::{ShapesConfig, ShapesView, presets};
use crate::lab::{LabReply, LabRequest};
use crate::nn::{Activation, CellKind, LayerConfig};
use crate::web::route::{LabId, Location, write_settings};

fn shape_text(shape: &[usize]) -> String {
    let inner: Vec<String> = shape.iter().map(usize::to_string).collect();
    if inner.len() == 1 {
        format!("({},)", inner[0])
    } else {
        format!("({})", inner.join(", "))
    }
}

fn layer_name(config: &LayerConfig) -> String {
    match config {
        LayerConfig::Embedding {
            input_dim,
            output_dim,
            ..
        } => format!("Embedding({input_dim}, {output_dim})"),
        LayerConfig::Recurrent {
            cell,
            units,
            return_sequences,
            ..
        } => format!(
            "{}({units}{})",
            cell.keras_name(),
            if *return_sequences {
                ", return_sequences=True"
            } else {
                ""
            }
        ),
        LayerConfig::Bidirectional { cell, units, .. } => {
            format!("Bidirectional({}({units}))", cell.keras_name())
        }
        LayerConfig::Dense { units, .. } => format!("Dense({units})"),
        LayerConfig::TimeDistributed { units, .. } => format!("TimeDistributed(Dense({units}))"),
        LayerConfig::Flatten => "Flatten()".into(),
        LayerConfig::Dropout { rate } => format!("Dropout({rate})"),
        LayerConfig::GlobalAveragePooling1D => "GlobalAveragePooling1D()".into(),
        LayerConfig::GlobalMaxPooling1D => "GlobalMaxPooling1D()".into(),
        LayerConfig::AttentionPooling1D => "AttentionPooling1D()".into(),
    }
}

#[component]
pub fn ShapesLab(location: Location) -> impl IntoView {
    let all = presets();
    let preset = location
        .parsed::<usize>("preset")
        .filter(|p| *p < all.len())
        .unwrap_or(0);
    let config = RwSignal::new(all[preset].1.clone());
    let shown = RwSignal::new(None::<ShapesView>);
    let error = RwSignal::new(None::<Text>);
    let worker = LabWorker::replies(error, move |reply| {
        if let LabReply::Shapes(v) = reply {
            shown.set(Some(v));
        }
    });
    Effect::new(move |_| {
        let c = config.get();
        let p = presets().iter().position(|(_, p)| *p == c);
        write_settings(
            LabId::Shapes,
            &p.map(|p| vec![("preset", p.to_string())])
                .unwrap_or_default(),
        );
        shown.set(None);
        worker.lab(LabRequest::Shapes(c));
    });
    let number = move |id: &'static str,
                       label: &'static str,
                       get: fn(&ShapesConfig) -> usize,
                       set: fn(&mut ShapesConfig, usize)| {
        view! {
            <div class="field inline">
                <label for=id>{label}</label>
                <input id=id type="number" min="1" prop:value=move || config.with(get).to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                        config.update(|c| set(c, v));
                    } }/>
            </div>
        }
    };
    let add = move |layer: LayerConfig| config.update(|c| c.layers.push(layer));
    let rnn = |cell| LayerConfig::Recurrent {
        cell,
        units: 4,
        return_sequences: false,
        go_backwards: false,
        reset_after: true,
        use_bias: true,
    };

    view! {
        <section class="panel lab" id="lab-shapes">
            <LabHeading lab=LabId::Shapes/>
            <div class="panel-body">
                <div class="controls">
                    <div class="field">
                        <span>{tr("예제", "presets")}</span>
                        <div class="buttons">
                            {all.into_iter().enumerate().map(|(i, (name, preset))| view! {
                                <button id=format!("shapes-preset-{i}") on:click=move |_| config.set(preset.clone())>{name}</button>
                            }).collect_view()}
                        </div>
                    </div>
                    <fieldset>
                        <legend>{tr("입력", "input")}</legend>
                        {number("shapes-batch", "batch", |c| c.batch, |c, v| c.batch = v)}
                        {number("shapes-time", "time steps", |c| c.time, |c, v| c.time = v)}
                        {move || (!matches!(config.with(|c| c.layers.first().cloned()), Some(LayerConfig::Embedding { .. })))
                            .then(|| number("shapes-features", "features", |c| c.features, |c, v| c.features = v))}
                    </fieldset>
                    <div class="field">
                        <span>{tr("층 추가", "add a layer")}</span>
                        <div class="buttons">
                            <button id="shapes-add-embedding"
                                disabled=move || config.with(|c| matches!(c.layers.first(), Some(LayerConfig::Embedding { .. })))
                                on:click=move |_| config.update(|c| c.layers.insert(0, LayerConfig::Embedding { input_dim: 8000, output_dim: 128, mask_zero: false }))>
                                "+ Embedding (first)"</button>
                            <button on:click=move |_| add(rnn(CellKind::SimpleRnn))>"+ SimpleRNN"</button>
                            <button on:click=move |_| add(rnn(CellKind::Lstm))>"+ LSTM"</button>
                            <button on:click=move |_| add(rnn(CellKind::Gru))>"+ GRU"</button>
                            <button on:click=move |_| add(LayerConfig::Dense { units: 1, activation: Activation::Sigmoid, use_bias: true })>"+ Dense"</button>
                            <button on:click=move |_| add(LayerConfig::TimeDistributed { units: 2, activation: Activation::Softmax })>"+ TimeDistributed(Dense)"</button>
                            <button on:click=move |_| add(LayerConfig::GlobalAveragePooling1D)>"+ GlobalAveragePooling1D"</button>
                            <button on:click=move |_| add(LayerConfig::GlobalMaxPooling1D)>"+ GlobalMaxPooling1D"</button>
                            <button on:click=move |_| add(LayerConfig::AttentionPooling1D)>"+ AttentionPooling1D"</button>
                        </div>
                    </div>
                </div>
                <div class="results">
                    // A phone scrolls the table, not the page (a stack's rows need ~500 px).
                    <div class="table-scroll" tabindex="0" role="region" aria-label=tr("층 표", "layer table")>
                    <table class="data" id="shapes-rows">
                        <thead><tr><th>{tr("층", "layer")}</th><th>{tr("설정", "settings")}</th><th>{tr("출력 형태", "output shape")}</th><th>"Param #"</th><th></th></tr></thead>
                        <tbody>
                            <tr class="input-row"><td>"input"</td><td></td>
                                <td class="shape">{move || shown.with(|v| v.as_ref().map(|v| shape_text(&v.input_shape)).unwrap_or_default())}</td><td></td><td></td></tr>
                            {move || config.with(|c| c.layers.clone()).into_iter().enumerate().map(|(i, layer)| {
                                let row = move || shown.with(|v| v.as_ref().and_then(|v| v.rows.get(i).cloned()));
                                let units = match &layer {
                                    LayerConfig::Recurrent { units, .. } | LayerConfig::Dense { units, .. } | LayerConfig::TimeDistributed { units, .. } => Some(*units),
                                    _ => None,
                                };
                                let embedding = match &layer {
                                    LayerConfig::Embedding { input_dim, output_dim, .. } => Some((*input_dim, *output_dim)),
                                    _ => None,
                                };
                                let seq = match &layer {
                                    LayerConfig::Recurrent { return_sequences, .. } => Some(*return_sequences),
                                    _ => None,
                                };
                                view! {
                                    <tr data-layer=i.to_string()>
                                        <td>{layer_name(&layer)}</td>
                                        <td class="layer-settings">
                                            {embedding.map(|(vocab, dim)| view! {
                                                <label>"input_dim "<input type="number" min="1" class="units vocab" prop:value=vocab.to_string()
                                                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                                        config.update(|c| if let LayerConfig::Embedding { input_dim, .. } = &mut c.layers[i] { *input_dim = v; });
                                                    } }/></label>
                                                <label>"output_dim "<input type="number" min="1" class="units" prop:value=dim.to_string()
                                                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                                        config.update(|c| if let LayerConfig::Embedding { output_dim, .. } = &mut c.layers[i] { *output_dim = v; });
                                                    } }/></label>
                                            })}
                                            {units.map(|u| view! {
                                                <label>"units "<input type="number" min="1" max="1024" class="units" prop:value=u.to_string()
                                                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                                        config.update(|c| match &mut c.layers[i] {
                                                            LayerConfig::Recurrent { units, .. } | LayerConfig::Dense { units, .. } | LayerConfig::TimeDistributed { units, .. } => *units = v,
                                                            _ => {}
                                                        });
                                                    } }/></label>
                                            })}
                                            {seq.map(|s| view! {
                                                <label class="check"><input type="checkbox" class="return-sequences" prop:checked=s
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        config.update(|c| if let LayerConfig::Recurrent { return_sequences, .. } = &mut c.layers[i] {
                                                            *return_sequences = on;
                                                        });
                                                    }/>"return_sequences"</label>
                                            })}
                                        </td>
                                        <td class="shape">{move || row().map(|r| shape_text(&r.shape)).unwrap_or_default()}</td>
                                        <td class="num params" data-params=move || row().map(|r| r.params.to_string()).unwrap_or_default()>
                                            {move || row().map(|r| crate::web::i18n::count(r.params)).unwrap_or_default()}</td>
                                        <td><button class="link" aria-label=format!("remove layer {}", i + 1)
                                            on:click=move |_| config.update(|c| { c.layers.remove(i); })>"✕"</button></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    <LabError error/>
                    <h3>"model.summary()"</h3>
                    <pre id="shapes-summary" class="summary" tabindex="0">{move || shown.with(|v| v.as_ref().map(|v| v.summary.clone()).unwrap_or_default())}</pre>
                </div>
            </div>
        </section>
    }
}
