//! The notebook's first cell: the review file (the lecture's address, another, or a file
//! picked or dropped), how many reviews to read, random_state, and the status line.

use leptos::prelude::*;

use super::cell::{Cell, code};
use super::session::Session;
use super::state::{LECTURE_DATA_URL, Notebook, Phase};
use crate::web::file_drop::{FileDrop, first_file};
use crate::web::i18n::{shown, tr};

#[component]
pub fn LoadCell(session: Session) -> impl IntoView {
    let nb = session.nb;
    let Notebook {
        url,
        sample,
        seed,
        phase,
        error,
        loaded,
        ..
    } = nb;
    view! {
    <Cell id="nb-cell-load" code=code(format!("urllib.request.urlretrieve(\"{LECTURE_DATA_URL}\", filename=\"ratings_total.txt\")\ntotal_data = pd.read_table('ratings_total.txt', names=['ratings', 'reviews'])\nprint('전체 리뷰 개수 :', len(total_data))"))>
        <div class="gen-controls">
            <label class="field wide">
                <span>{tr("리뷰 파일 주소", "review file URL")}</span>
                <input id="nb-url" type="text" prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
            </label>
            <label class="field">
                <span>{tr("앞에서부터 읽을 리뷰 수", "reviews read from the top")}</span>
                <input id="nb-sample" type="number" min="21" max="200000" prop:value=move || sample.get().to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<usize>() { sample.set(v.clamp(21, 200_000)) } }/>
            </label>
            <label class="field">
                <span>"random_state"</span>
                <input id="nb-seed" type="number" min="0" max="4294967295" prop:value=move || seed.get().to_string()
                    on:change=move |ev| { if let Ok(v) = event_target_value(&ev).trim().parse::<u32>() { seed.set(v) } }/>
            </label>
            <button id="nb-load" class="primary" on:click=move |_| session.fetch_file() disabled=move || nb.busy()>{tr("불러와 실행", "fetch and run")}</button>
            <FileDrop id="nb-file" accept=".txt,.tsv,.csv" label=tr("또는 파일을 끌어다 놓거나 고르세요", "or drop / pick a file ")
                on_files=first_file(move |file| session.read_file(file))/>
        </div>
        <p id="nb-phase" class="status" data-state=move || phase.with(Phase::key)>{move || phase.with(Phase::line)}</p>
        {move || error.get().map(|e| view! { <p id="nb-error" class="error" role="alert">{shown(&e)}</p> })}
        {move || loaded.get().map(|l| view! { <pre class="nb-out" id="nb-total">{format!("전체 리뷰 개수 : {}\n({})", l.total, l.report)}</pre> })}
    </Cell>
    }
}
