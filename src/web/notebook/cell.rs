//! One notebook cell: its code and, below, its output.

use leptos::prelude::*;

/// A cell's code that does not change.
pub fn code(s: String) -> Signal<String> {
    Signal::derive(move || s.clone())
}

/// One notebook cell: its code and, below, its output (or nothing yet).
#[component]
pub fn Cell(id: &'static str, code: Signal<String>, children: Children) -> impl IntoView {
    view! {
        <div class="nb-cell" id=id>
            <pre class="nb-code" tabindex="0"><code>{move || code.get()}</code></pre>
            <div class="nb-output">{children()}</div>
        </div>
    }
}
