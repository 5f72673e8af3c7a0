//! Lecture 7 in the studio: a many-to-many model trained with a teacher-forcing ratio, and
//! each corpus sentence run teacher-forced and free-running side by side.

use leptos::prelude::*;

use super::session::Session;
use crate::i18n::Text;
use crate::web::i18n::{shown, tr};

/// Lecture 7, side by side: the left column feeds the true word at every step, the right one
/// feeds the model's own previous prediction.
#[component]
pub fn TeacherForcing(session: Session) -> impl IntoView {
    let tf = session.tf;
    let column = move |title: (&'static str, &'static str), id: &'static str, forced: bool| {
        view! {
            <div class="tf-column">
                <h4>{tr(title.0, title.1)}</h4>
                <table id=id class="data">
                    <thead><tr><th>"t"</th><th>{tr("입력", "input")}</th><th>{tr("예측", "predicted")}</th><th>{tr("정답", "expected")}</th><th></th></tr></thead>
                    <tbody>
                        {move || tf.compare.get().map(|c| {
                            let rows = if forced { c.forced.clone() } else { c.free.clone() };
                            rows.into_iter().enumerate().map(|(t, v)| {
                                let diverge = c.divergence == Some(t);
                                view! {
                                    <tr class:wrong=!v.correct class:diverge=diverge>
                                        <td class="num">{t + 1}</td>
                                        <td>{v.input}</td>
                                        <td>{format!("{} ({:.0}%)", v.predicted, v.probability * 100.0)}</td>
                                        <td>{v.expected}</td>
                                        <td>{if v.correct { "✓" } else { "✗" }}</td>
                                    </tr>
                                }
                            }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <div class="tf" id="teacher-forcing">
            <h3>{tr("교사 강요 vs 자유 생성 (7강)", "Teacher forcing vs free running (lecture 7)")}</h3>
            <p class="hint">
                {tr("훈련할 때는 정답 단어를 다음 입력으로 넣고(teacher forcing), 생성할 때는 모델이 예측한 단어를 넣습니다. many-to-many 모델(return_sequences + TimeDistributed Dense)로 두 방식을 나란히 봅니다.", "Training feeds the true word as the next input (teacher forcing); generating feeds the model's own prediction. A many-to-many model (return_sequences + TimeDistributed Dense) shows the two side by side.")}
            </p>
            <div class="gen-controls">
                <label class="field inline">
                    <code>"teacher_forcing_ratio"</code>
                    <input id="tf-ratio" type="text" inputmode="decimal" prop:value=move || tf.ratio.get().to_string()
                        on:change=move |ev| { if let Ok(r) = event_target_value(&ev).trim().parse::<f32>() { tf.ratio.set(r) } }/>
                </label>
                <label class="field inline">
                    <code>"epochs"</code>
                    <input id="tf-epochs" type="text" inputmode="numeric" prop:value=move || tf.epochs.get().to_string()
                        on:change=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse::<usize>() { tf.epochs.set(n.clamp(1, 10_000)) } }/>
                </label>
                <button id="tf-train" on:click=move |_| session.train_seq2seq()>{tr("학습", "Train")}</button>
            </div>
            <div id="tf-curve" class="chart" inner_html=move || tf.curve()></div>
            {move || tf.compare.get().map(|c| {
                let buttons = (0..c.sentences).map(|i| view! {
                    <button class="toggle" class:active=c.index == i id=format!("tf-sentence-{}", i + 1) on:click=move |_| session.compare(i)>
                        {format!("{}", i + 1)}
                    </button>
                }).collect_view();
                let note = match c.divergence {
                    Some(t) => Text::new(format!("t = {}에서 처음 갈라집니다", t + 1), format!("the runs first diverge at step {}", t + 1)),
                    None => Text::new("두 방식의 예측이 모두 같습니다", "both runs predict the same words"),
                };
                view! {
                    <div class="field inline"><span>{tr("문장", "sentence")}</span><span class="toggles">{buttons}</span></div>
                    <p id="tf-divergence" class="hint">{move || shown(&note)}</p>
                }
            })}
            <div class="tf-columns">
                {column(("교사 강요", "teacher forcing"), "tf-forced", true)}
                {column(("자유 생성", "free running"), "tf-free", false)}
            </div>
        </div>
    }
}
