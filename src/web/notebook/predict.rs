//! sentiment_predict on the lecture's four sentences and the student's own (with the fitted
//! model or one from Colab), and the three layers side by side.

use leptos::prelude::*;

use super::cell::{Cell, code};
use super::session::Session;
use super::state::{Notebook, cell_name, comparison_chart};
use crate::web::i18n::{count, tr};
use crate::web::model_file::{DownloadKeras, ModelFileDrop};

#[component]
pub fn PredictCell(session: Session) -> impl IntoView {
    let nb = session.nb;
    let Notebook {
        predict_text,
        runs,
        own_model,
        model_file,
        answers,
        ..
    } = nb;
    view! {
    <Cell id="nb-cell-predict" code=code("def sentiment_predict(new_sentence):\n  new_sentence = re.sub(r'[^ㄱ-ㅎㅏ-ㅣ가-힣 ]','', new_sentence)\n  new_sentence = okt.morphs(new_sentence)\n  new_sentence = [word for word in new_sentence if not word in stopwords]\n  encoded = tokenizer.texts_to_sequences([new_sentence])\n  pad_new = pad_sequences(encoded, maxlen = max_len)\n  score = float(loaded_model.predict(pad_new))\n  if(score > 0.5):\n    print(\"{:.2f}% 확률로 긍정 리뷰입니다.\".format(score * 100))\n  else:\n    print(\"{:.2f}% 확률로 부정 리뷰입니다.\".format((1 - score) * 100))".into())>
        <div class="gen-controls">
            <label class="field wide">
                <span>{tr("내 문장", "your own sentence")}</span>
                <input id="nb-predict-input" type="text" prop:value=move || predict_text.get() on:input=move |ev| predict_text.set(event_target_value(&ev))/>
            </label>
            <button id="nb-predict" disabled=move || (runs.with(Vec::is_empty) && own_model.with(Option::is_none)) || nb.busy() on:click=move |_| session.predict()>{tr("sentiment_predict 실행", "run")}</button>
        </div>
        <div class="field" id="nb-own-model">
            <span><code>"loaded_model = load_model('best_model.h5')"</code>{tr(" — Colab에서 저장한 모델로", "with a model saved in Colab")}</span>
            <ModelFileDrop id="nb-model-file" on_model=Callback::new(move |m| session.use_model(m))/>
            {move || own_model.get().map(|n| view! { <p class="hint" id="nb-own-model-name">{format!("loaded_model = {n}")}</p> })}
        </div>
        <p class="hint">
            <DownloadKeras id="nb-save-keras" model=model_file stem="best_model"/>
        </p>
        <ul id="nb-verdicts" class="nb-verdicts">
            {move || answers.get().into_iter().map(|(s, p, line)| view! {
                <li data-probability=format!("{p:.4}")><code>{format!("sentiment_predict('{s}')")}</code><br/>{line}</li>
            }).collect_view()}
        </ul>
    </Cell>
    }
}

/// "Fit all three": SimpleRNN, LSTM and GRU on the same reviews, one table and one chart.
#[component]
pub fn CompareCell(session: Session) -> impl IntoView {
    let nb = session.nb;
    let runs = nb.runs;
    view! {
    <div class="nb-cell" id="nb-cell-compare">
        <h3>{tr("SimpleRNN, LSTM, GRU 나란히", "SimpleRNN, LSTM and GRU side by side")}</h3>
        <p class="hint">{tr("같은 리뷰, 같은 설정으로 세 층을 차례로 학습합니다", "The three layers, one after another, on the same reviews with the same settings.")}</p>
        <button id="nb-compare" disabled=move || !nb.ready() on:click=move |_| session.fit_all_three()>{tr("세 모델 학습", "fit all three")}</button>
        <table class="nb-table" tabindex="0" id="nb-compare-table">
            <thead><tr><th>"layer"</th><th>"params"</th><th>"epochs"</th><th>"best val_acc"</th><th>{tr("테스트 정확도", "test acc")}</th><th>{tr("시간", "time")}</th></tr></thead>
            <tbody>{move || runs.get().into_iter().map(|r| view! {
                <tr data-cell=cell_name(r.cell)><td>{cell_name(r.cell)}</td><td>{count(r.parameters)}</td><td>{r.epochs.len()}</td>
                    <td>{r.best_val_accuracy.map(|v| format!("{v:.4}")).unwrap_or_default()}</td><td>{format!("{:.4}", r.test_accuracy)}</td><td>{format!("{:.1} s", r.seconds)}</td></tr>
            }).collect_view()}</tbody>
        </table>
        <div class="chart" id="nb-compare-chart" inner_html=move || runs.with(|r| comparison_chart(r))></div>
    </div>
    }
}
