//! Import circles between the files of `src/`: file A imports from file B and B (directly or
//! through others) imports from A. Building blocks sit below what uses them (candle-nn's way),
//! so imports must run one way; `cargo xtask test` fails on any circle.
//!
//! What counts as an import of file B by file A: a `use` of, or a path through, a module whose
//! file is B (`crate::nn::fused::forward`, `super::rnn::CellKind`, a child module's
//! `notebook_job::Notebook`). A name re-exported by a `mod.rs` or `lib.rs` (`pub use
//! rnn::{CellKind, …}`) counts as an import of the file that defines it, so hub files do not
//! make circles of their own.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A source file and its module path (`["nn", "fused"]`; `[]` for lib.rs).
struct Source {
    file: String,
    module: Vec<String>,
    text: String,
}

fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            // Binaries are not modules of the library.
            if p.file_name().is_some_and(|n| n != "bin") {
                walk(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Drop comments, string and char literals (a path in a doc example is not an import) and
/// every `#[cfg(test)] mod … { … }` (its `super` is the file itself), wherever it stands: code
/// after a test module is read too.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            out.push('\n');
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut in_str = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if in_str {
                if c == '\\' {
                    i += 1;
                } else if c == '"' {
                    in_str = false;
                }
            } else if c == '"' {
                in_str = true;
            } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
                // A char literal ('{'): its brace must not count.
                i += 2;
            } else if c == '\'' && chars.get(i + 1) == Some(&'\\') {
                while i + 1 < chars.len() && chars[i + 1] != '\'' {
                    i += 1;
                }
                i += 1;
            } else {
                out.push(c);
            }
            i += 1;
        }
        out.push('\n');
    }
    without_test_modules(&out)
}

/// `code` without its `#[cfg(test)] mod name { … }` blocks (braces matched).
fn without_test_modules(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let is_mod = trimmed.starts_with("mod ") || trimmed.starts_with("pub mod ");
        let open = trimmed.find(['{', ';']);
        match (is_mod, open) {
            (true, Some(o)) if trimmed.as_bytes()[o] == b'{' => {
                out.push_str(&rest[..at]);
                let body = &trimmed[o..];
                let mut depth = 0usize;
                let mut end = body.len();
                for (i, c) in body.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                // Keep the line count (nothing reads it, but the text stays recognisable).
                out.push_str(&"\n".repeat(body[..end].matches('\n').count()));
                rest = &body[end..];
            }
            _ => {
                out.push_str(&rest[..at + "#[cfg(test)]".len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every path a `use` tree names: `use a::{b, c::{d}};` → a::b, a::c::d.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let prefix = if prefix.is_empty() {
            head.to_string()
        } else if head.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}::{head}")
        };
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], &prefix, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &prefix, out);
    } else if !tree.is_empty() {
        let tree = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(if prefix.is_empty() {
            tree.to_string()
        } else {
            format!("{prefix}::{tree}")
        });
    }
}

/// `code` without its `pub use …;` re-exports: a hub naming its children's items is not a use.
fn without_reexports(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    loop {
        let next = ["pub use ", "pub(crate) use "]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        match next {
            Some(i) => {
                out.push_str(&rest[..i]);
                let end = rest[i..].find(';').map_or(rest.len(), |e| i + e + 1);
                rest = &rest[end..];
            }
            None => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// The paths a file refers to: expanded `use` trees, and paths in code starting with `crate`,
/// `super`, `self` or a child module's name (re-exports and `mod` declarations are not uses).
fn paths(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let stripped = without_reexports(code);
    let code: &str = &stripped;
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            rest = after;
            continue;
        }
        let end = after.find(';').unwrap_or(after.len());
        expand(&after[..end], "", &mut out);
        rest = &after[end..];
    }
    // Inline paths outside the `use` statements (a grouped use's head is not a path).
    let mut inline = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        inline.push_str(&rest[..i]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            inline.push_str("use ");
            rest = &rest[i + 4..];
            continue;
        }
        let end = rest[i..].find(';').map_or(rest.len(), |e| i + e + 1);
        rest = &rest[end..];
    }
    inline.push_str(rest);
    let bytes: Vec<char> = inline.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts = i == 0
            || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        if starts && (bytes[i].is_alphabetic() || bytes[i] == '_') {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
            {
                j += 1;
            }
            let path: String = bytes[i..j].iter().collect();
            let first = path.split("::").next().unwrap_or("");
            if path.contains("::")
                && (matches!(first, "crate" | "super" | "self") || children.contains(first))
            {
                out.push(path.trim_end_matches(':').to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Every path a file's `pub use` / `pub(crate) use` statements name, expanded.
fn reexported_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["pub use ", "pub(crate) use "] {
        let mut rest = code;
        while let Some(i) = rest.find(prefix) {
            let after = &rest[i + prefix.len()..];
            let end = after.find(';').unwrap_or(after.len());
            expand(&after[..end], "", &mut out);
            rest = &after[end..];
        }
    }
    out
}

/// `pub use child::{A, B}` lines of a hub file: item name → child module path (relative).
fn reexports(code: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut rest = code;
    while let Some(i) = rest
        .find("pub use ")
        .or_else(|| rest.find("pub(crate) use "))
    {
        let skip = if rest[i..].starts_with("pub use ") {
            8
        } else {
            15
        };
        let after = &rest[i + skip..];
        let end = after.find(';').unwrap_or(after.len());
        let mut names = Vec::new();
        expand(&after[..end], "", &mut names);
        for n in names {
            if let Some((module, item)) = n.rsplit_once("::") {
                map.insert(item.to_string(), module.to_string());
            }
        }
        rest = &after[end..];
    }
    map
}

/// Files of `src/` and the files each imports.
/// The imports between files, and the re-exports that point up or sideways.
struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
    /// `file: pub use path (defined in other)` for each `pub use` whose item is defined
    /// outside the file's own module and its children: such a re-export lets a file above
    /// reach down through it and back up (`sentiment` re-exporting `classifier`'s type made
    /// the two import each other without either naming the other).
    upward: Vec<String>,
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    walk(src, &mut files);
    let sources: Vec<Source> = files
        .iter()
        .map(|f| Source {
            file: f
                .strip_prefix(src)
                .unwrap_or(f)
                .to_string_lossy()
                .into_owned(),
            module: module_of(src, f),
            text: code_only(&std::fs::read_to_string(f).unwrap_or_default()),
        })
        .collect();
    let by_module: HashMap<Vec<String>, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.module.clone(), i))
        .collect();
    let hubs: Vec<HashMap<String, String>> = sources.iter().map(|s| reexports(&s.text)).collect();
    // The file that defines `segments` (an absolute module path plus item), following hubs.
    let resolve = |mut segs: Vec<String>, depth: usize| -> Option<usize> {
        let mut depth = depth;
        loop {
            // The longest prefix that is a module.
            let (k, file) = (0..=segs.len())
                .rev()
                .find_map(|k| by_module.get(&segs[..k]).map(|f| (k, *f)))?;
            let item = segs.get(k);
            match item.and_then(|it| hubs[file].get(it)) {
                Some(via) if depth < 8 => {
                    let mut next = segs[..k].to_vec();
                    for part in via.split("::") {
                        match part {
                            "self" => {}
                            "super" => {
                                next.pop();
                            }
                            "crate" => next.clear(),
                            p => next.push(p.to_string()),
                        }
                    }
                    next.extend(segs[k..].iter().cloned());
                    if next == segs {
                        return Some(file);
                    }
                    segs = next;
                    depth += 1;
                }
                _ => return Some(file),
            }
        }
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut upward = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        // A file `a/b.rs` may declare children in `a/b/` too.
        let children: BTreeSet<String> = s
            .text
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let l = l.strip_prefix("pub ").unwrap_or(l);
                let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
                l.strip_prefix("mod ")
                    .and_then(|m| m.strip_suffix(';'))
                    .map(str::to_string)
            })
            .collect();
        let base_of = |p: &str| -> Option<Vec<String>> {
            let segs: Vec<&str> = p.split("::").filter(|x| !x.is_empty()).collect();
            let mut base: Vec<String> = Vec::new();
            let mut rest = &segs[..];
            match segs.first().copied() {
                Some("crate") => rest = &segs[1..],
                Some("self") => {
                    base = s.module.clone();
                    rest = &segs[1..];
                }
                Some("super") => {
                    // `super` of a.rs and of a/mod.rs: the module above the file's own.
                    base = s.module.clone();
                    while rest.first() == Some(&"super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                }
                Some(child) if children.contains(child) => base = s.module.clone(),
                _ => return None,
            }
            base.extend(rest.iter().map(|x| x.to_string()));
            Some(base)
        };
        let set = edges.entry(s.file.clone()).or_default();
        for p in paths(&s.text, &children) {
            if let Some(target) = base_of(&p).and_then(|b| resolve(b, 0))
                && target != i
            {
                set.insert(sources[target].file.clone());
            }
        }
        for p in reexported_paths(&s.text) {
            if let Some(target) = base_of(&p).and_then(|b| resolve(b, 0))
                && target != i
                && !sources[target].module.starts_with(&s.module)
            {
                upward.push(format!(
                    "{}: pub use {p} (defined in {}, not below it)",
                    s.file, sources[target].file
                ));
            }
        }
    }
    Graph { edges, upward }
}

/// Re-exports that point up or sideways (see [`Graph::upward`]).
pub fn upward_reexports(src: &Path) -> Vec<String> {
    graph(src).upward
}

/// The circles: each strongly connected group of more than one file, files sorted.
pub fn circles(src: &Path) -> Vec<Vec<String>> {
    let edges = graph(src).edges;
    // `IMPORTS_DEBUG=web/ cargo xtask imports` prints the edges of the files matching.
    if let Ok(filter) = std::env::var("IMPORTS_DEBUG") {
        for (file, to) in &edges {
            if file.contains(&filter) {
                eprintln!("{file} → {to:?}");
            }
        }
    }
    let nodes: Vec<&String> = edges.keys().collect();
    let index: HashMap<&String, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let adj: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|m| index.get(m).copied())
                .collect()
        })
        .collect();
    // Tarjan's strongly connected components.
    struct T<'a> {
        adj: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in &t.adj[v].clone() {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut group = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                group.push(w);
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                t.out.push(group);
            }
        }
    }
    let n = nodes.len();
    let mut t = T {
        adj: &adj,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    let mut out: Vec<Vec<String>> = t
        .out
        .into_iter()
        .map(|g| {
            let mut files: Vec<String> = g.into_iter().map(|i| nodes[i].clone()).collect();
            files.sort();
            files
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-imports-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_circle_is_found_and_a_hub_or_a_test_module_is_not_one() {
        let dir = project(&[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod n;\n"),
            ("a.rs", "use crate::b::B;\npub struct A;\n"),
            ("b.rs", "pub struct B;\nfn f() { let _ = crate::a::A; }\n"),
            // A hub re-exporting its children, children using each other through it one way.
            ("n/mod.rs", "mod x;\nmod y;\npub use x::X;\npub use y::Y;\n"),
            (
                "n/x.rs",
                "use super::Y;\npub struct X;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
            ),
            (
                "n/y.rs",
                "pub struct Y;\n// crate::n::x::X in a comment is not an import\n",
            ),
        ]);
        assert_eq!(
            circles(&dir),
            vec![vec!["a.rs".to_string(), "b.rs".to_string()]]
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn code_after_a_test_module_is_read_and_an_upward_reexport_is_found() {
        let dir = project(&[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod h;\n"),
            // The import of b sits after the test module, behind a brace in a string.
            (
                "a.rs",
                "pub struct A;\n#[cfg(test)]\nmod tests {\n    fn f() { let _ = \"{\"; }\n}\n\npub fn g() { let _ = crate::b::B; }\n",
            ),
            ("b.rs", "pub struct B;\nfn f() { let _ = crate::a::A; }\n"),
            // A hub that re-exports its child (fine) and a sibling's item (upward).
            ("h/mod.rs", "mod c;\npub use c::C;\npub use crate::b::B;\n"),
            ("h/c.rs", "pub struct C;\n"),
        ]);
        assert_eq!(
            circles(&dir),
            vec![vec!["a.rs".to_string(), "b.rs".to_string()]]
        );
        let upward = upward_reexports(&dir);
        assert_eq!(upward.len(), 1, "{upward:?}");
        assert!(
            upward[0].starts_with("h/mod.rs: pub use crate::b::B"),
            "{upward:?}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
