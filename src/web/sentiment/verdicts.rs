//! The typed review's stages (cleaned, morphemes, without stopwords, sequence, padded) and
//! each model's verdict with its probability bar and word contributions.

use leptos::prelude::*;

use crate::web::i18n::tr;
use crate::web::protocol::SentimentResult;

/// The first model's stages, then every model's verdict with its bar and word contributions.
#[component]
pub fn Verdicts(text: String, results: Vec<SentimentResult>) -> impl IntoView {
    let _ = text;
    let stages = results.first().map(|r| {
        let s = r.stages.clone();
        let sequence = s
            .sequence
            .iter()
            .map(|&id| {
                let oov = id == 1;
                view! { <span class="cell" class:oov=oov title=if oov { "OOV" } else { "" }>{if oov { "OOV(1)".to_string() } else { id.to_string() }}</span> }
            })
            .collect_view();
        let empty = s.tokens.is_empty();
        let name = r.name.clone();
        view! {
            <p class="dim">{move || match crate::web::i18n::lang() {
                crate::i18n::Lang::Ko => format!("전처리 ({name}의 토크나이저)"),
                crate::i18n::Lang::En => format!("preprocessing ({name}'s tokenizer)"),
            }}</p>
            <ol id="sentiment-stages" class="stages">
                <li><span class="stage">{tr("정제", "cleaned")}</span><span class="clean">{s.clean.clone()}</span></li>
                <li><span class="stage">{tr("형태소", "morphemes")}</span><span>{s.morphs.join(" · ")}</span></li>
                <li><span class="stage">{tr("불용어 제거", "without stopwords")}</span><span id="sentiment-tokens">{s.tokens.join(" · ")}</span></li>
                <li><span class="stage">{tr("정수 인코딩", "sequence")}</span><span id="sentiment-sequence" class="seq">{sequence}</span></li>
                <li><span class="stage">{tr("패딩", "padded")}" (maxlen "{s.padded.len()}")"</span><code id="sentiment-padded">{format!("{:?}", s.padded)}</code></li>
            </ol>
            {empty.then(|| view! { <p class="hint" id="sentiment-empty">{tr("정제 후 남은 한국어 단어가 없습니다: 모델은 패딩만 봅니다", "no Korean words are left after cleaning, so the models see only padding.")}</p> })}
        }
    });
    let cards = results
        .into_iter()
        .map(|r| {
            let p = r.stages.probability;
            let positive = p > 0.5;
            let max = r
                .contributions
                .iter()
                .map(|(_, c)| c.abs())
                .fold(1e-6f32, f32::max);
            let words = r
                .contributions
                .iter()
                .map(|(w, c)| {
                    let alpha = (c.abs() / max).clamp(0.0, 1.0) * 0.8;
                    let colour = if *c >= 0.0 { "46, 160, 67" } else { "218, 54, 51" };
                    let style = format!("background: rgba({colour}, {alpha:.2})");
                    view! { <span class="contribution" style=style title=format!("{c:+.3}")>{w.clone()}</span> }
                })
                .collect_view();
            view! {
                <div class="verdict" data-model=r.name.clone() class:positive=positive>
                    <h4>{r.name.clone()}</h4>
                    <p class="sentence">{r.sentence.clone()}</p>
                    <div class="bar"><div class="fill" style=format!("width: {:.1}%", p * 100.0)></div></div>
                    <p class="dim">{move || match crate::web::i18n::lang() {
                        crate::i18n::Lang::Ko => format!("P(긍정) = {p:.4} · 워커에서 {:.2} ms", r.millis),
                        crate::i18n::Lang::En => format!("P(긍정) = {p:.4} · {:.2} ms in the worker", r.millis),
                    }}</p>
                    <p class="contributions">{words}</p>
                </div>
            }
        })
        .collect_view();
    view! {
        {stages}
        <div id="sentiment-verdicts" class="verdicts">{cards}</div>
        <p class="legend">
            <span class="contribution" style="background: rgba(46, 160, 67, 0.6)">"긍정"</span>
            " / "
            <span class="contribution" style="background: rgba(218, 54, 51, 0.6)">"부정"</span>
            {tr(" 쪽으로 민 단어", "words that pushed towards positive / negative (the change in probability when the word is left out)")}
        </p>
    }
}
