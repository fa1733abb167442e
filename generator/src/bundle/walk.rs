//! The bundler's three passes: discover (read every file a `$ref` reaches and note
//! the components to add), place (name them), and rewrite (copy the root document
//! with every `$ref` pointing inside it, inlining what has no section).

use super::kinds::{Dialect, Kind, Pos};
use super::names::{self, Wanted};
use super::refs::{self, RefTarget};
use super::{Bundle, BundleError, BundleOptions, LoadError, Loader, SourceFile};
use crate::pointer;
use crate::Diagnostic;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

/// Nesting deeper than this is not searched for `$ref`s (the generator reports such
/// depth itself).
const MAX_DEPTH: usize = 256;
/// Inlined `$ref`s nested deeper than this are left as written.
const MAX_INLINE: usize = 64;

/// A node of one of the files: the file's index and a pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Node {
    file: usize,
    pointer: String,
}

/// Where a component the bundle adds ends up.
#[derive(Debug, Clone)]
enum Placement {
    /// Its own entry: `<section>/<name>`.
    Own {
        section: &'static [&'static str],
        name: String,
    },
    /// Inside another added component (target index), at a pointer below it.
    Within { ancestor: usize, rest: String },
}

/// An object referred to from a position that collects such objects in a section.
#[derive(Debug)]
struct Target {
    kind: Kind,
    node: Node,
    placement: Option<Placement>,
}

/// The bundler's state: files read so far, components found, where things came from.
pub struct Bundler<'a> {
    loader: &'a mut dyn Loader,
    options: BundleOptions,
    dialect: Dialect,
    files: Vec<SourceFile>,
    values: Vec<Rc<Value>>,
    index: HashMap<String, usize>,
    unreadable: HashMap<String, String>,
    targets: Vec<Target>,
    target_index: HashMap<(Kind, Node), usize>,
    inlined: HashSet<(Pos, Node)>,
    /// Whether any `$ref` leads out of the root document (else it is returned as is).
    external: bool,
    origins: BTreeMap<String, (usize, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Bundler<'a> {
    /// Bundles the description rooted at `root`.
    pub fn run(root: &str, loader: &'a mut dyn Loader, options: BundleOptions) -> Result<Bundle, BundleError> {
        let text = loader.load(root).map_err(|err| BundleError {
            file: root.to_owned(),
            pointer: String::new(),
            position: None,
            message: format!("cannot read the root document: {err}"),
        })?;
        let value = crate::load::load(&text, root).map_err(|err| BundleError {
            file: root.to_owned(),
            pointer: err.pointer.clone(),
            position: None,
            message: err.message,
        })?;
        let mut bundler = Bundler {
            loader,
            options,
            dialect: Dialect::of(&value),
            files: vec![SourceFile::new(root.to_owned(), text)],
            values: vec![Rc::new(value)],
            index: HashMap::from([(root.to_owned(), 0)]),
            unreadable: HashMap::new(),
            targets: Vec::new(),
            target_index: HashMap::new(),
            inlined: HashSet::new(),
            external: false,
            origins: BTreeMap::from([(String::new(), (0, String::new()))]),
            diagnostics: Vec::new(),
        };
        let root_value = Rc::clone(&bundler.values[0]);
        bundler.discover(Pos::One(Kind::Document), 0, "", &root_value, 0)?;
        let document = if bundler.external {
            bundler.place();
            bundler.assemble(&root_value)?
        } else {
            drop(root_value);
            let only = bundler.values.pop().unwrap_or_default();
            Rc::try_unwrap(only).unwrap_or_else(|shared| (*shared).clone())
        };
        Ok(Bundle {
            document,
            files: bundler.files,
            diagnostics: bundler.diagnostics,
            origins: bundler.origins,
        })
    }

    // --- reading files and following refs --------------------------------------------

    /// The index of the file at `path` (relative to the root folder), read on first use.
    fn file(&mut self, path: &str) -> Result<usize, String> {
        if let Some(&index) = self.index.get(path) {
            return Ok(index);
        }
        if let Some(message) = self.unreadable.get(path) {
            return Err(message.clone());
        }
        let loaded = match self.loader.load(path) {
            Ok(text) => crate::load::load(&text, path)
                .map(|value| (text, value))
                .map_err(|err| format!("{path} cannot be read: {}", err.message)),
            Err(LoadError::NotFound) => Err(format!("the file {path} does not exist")),
            Err(err) => Err(format!("the file {path} cannot be read: {err}")),
        };
        match loaded {
            Ok((text, value)) => {
                let index = self.files.len();
                self.files.push(SourceFile::new(path.to_owned(), text));
                self.values.push(Rc::new(value));
                self.index.insert(path.to_owned(), index);
                Ok(index)
            }
            Err(message) => {
                self.unreadable.insert(path.to_owned(), message.clone());
                Err(message)
            }
        }
    }

    /// The node `reference` (standing in file `file`) names, checked to exist.
    fn follow(&mut self, file: usize, reference: &str) -> Result<Node, String> {
        let problem = |what: &str| format!("`$ref: {reference}` {what}");
        let node = match refs::parse(reference).map_err(|p| problem(p.describe()))? {
            RefTarget::Local(pointer) => Node { file, pointer },
            RefTarget::File { path, pointer } => {
                let base = self.files.get(file).map(|f| f.path.clone()).unwrap_or_default();
                let path =
                    refs::resolve(&base, &path, self.options.allow_outside_root).map_err(|p| problem(p.describe()))?;
                let file = self
                    .file(&path)
                    .map_err(|why| problem(&format!("cannot be followed: {why}")))?;
                Node { file, pointer }
            }
        };
        if self.value(&node).is_none() {
            let path = self.files.get(node.file).map(|f| f.path.as_str()).unwrap_or_default();
            return Err(problem(&format!("points at nothing: {path} has no #{}", node.pointer)));
        }
        Ok(node)
    }

    fn value(&self, node: &Node) -> Option<&Value> {
        self.values.get(node.file)?.pointer(&node.pointer)
    }

    fn error(&self, file: usize, pointer: String, message: String) -> BundleError {
        let source = self.files.get(file);
        BundleError {
            file: source.map(|f| f.path.clone()).unwrap_or_default(),
            position: source.and_then(|f| f.position(&pointer)),
            pointer,
            message,
        }
    }

    // --- pass 1: discover -------------------------------------------------------------

    fn discover(&mut self, pos: Pos, file: usize, at: &str, value: &Value, depth: usize) -> Result<(), BundleError> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        match value {
            Value::Object(members) => {
                if let Some(Value::String(reference)) = members.get("$ref") {
                    self.discover_ref(pos, file, at, reference, depth)?;
                    if let Pos::One(kind) = pos {
                        for (key, member) in members.iter().filter(|(key, _)| *key != "$ref") {
                            let child = self.dialect.child(kind, key, member);
                            self.discover(child, file, &pointer::join(at, key), member, depth + 1)?;
                        }
                    }
                    return Ok(());
                }
                for (key, member) in members {
                    let child = match pos {
                        Pos::One(kind) => self.dialect.child(kind, key, member),
                        map_or_list => map_or_list.entry(key),
                    };
                    let here = pointer::join(at, key);
                    if pos == Pos::One(Kind::Schema) && key == "discriminator" {
                        self.discover_mapping(file, member)?;
                    }
                    self.discover(child, file, &here, member, depth + 1)?;
                }
            }
            Value::Array(items) => {
                let child = element(pos);
                for (index, item) in items.iter().enumerate() {
                    self.discover(child, file, &format!("{at}/{index}"), item, depth + 1)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn discover_ref(
        &mut self,
        pos: Pos,
        file: usize,
        at: &str,
        reference: &str,
        depth: usize,
    ) -> Result<(), BundleError> {
        if file == 0 && reference.starts_with('#') {
            return Ok(());
        }
        self.external = true;
        let data = pos == Pos::One(Kind::Data);
        let node = match self.follow(file, reference) {
            Ok(node) => node,
            // Left as written; the rewrite pass reports it where it ends up.
            Err(_) if data => return Ok(()),
            Err(message) => return Err(self.error(file, format!("{at}/$ref"), message)),
        };
        match self.section_kind(pos) {
            Some(_) if node.file == 0 => Ok(()),
            Some(kind) => self.add_target(kind, node, depth),
            None => {
                if !self.inlined.insert((pos, node.clone())) {
                    return Ok(());
                }
                let document = Rc::clone(&self.values[node.file]);
                match document.pointer(&node.pointer) {
                    Some(target) => self.discover(pos, node.file, &node.pointer, target, depth + 1),
                    None => Ok(()),
                }
            }
        }
    }

    /// `discriminator.mapping` values that are references (not bare schema names).
    fn discover_mapping(&mut self, file: usize, discriminator: &Value) -> Result<(), BundleError> {
        let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) else {
            return Ok(());
        };
        for reference in mapping.values().filter_map(Value::as_str).filter(|r| is_reference(r)) {
            if file == 0 && reference.starts_with('#') {
                continue;
            }
            self.external = true;
            if let Ok(node) = self.follow(file, reference) {
                if node.file != 0 {
                    self.add_target(Kind::Schema, node, 0)?;
                }
            }
        }
        Ok(())
    }

    fn add_target(&mut self, kind: Kind, node: Node, depth: usize) -> Result<(), BundleError> {
        let key = (kind, node.clone());
        if self.target_index.contains_key(&key) {
            return Ok(());
        }
        self.target_index.insert(key, self.targets.len());
        self.targets.push(Target {
            kind,
            node: node.clone(),
            placement: None,
        });
        let document = Rc::clone(&self.values[node.file]);
        match document.pointer(&node.pointer) {
            Some(target) => self.discover(Pos::One(kind), node.file, &node.pointer, target, depth + 1),
            None => Ok(()),
        }
    }

    /// The kind collected in a section, when `pos` is a single object of such a kind.
    fn section_kind(&self, pos: Pos) -> Option<Kind> {
        match pos {
            Pos::One(kind) if self.dialect.section(kind).is_some() => Some(kind),
            _ => None,
        }
    }

    // --- pass 2: place and name -------------------------------------------------------

    fn place(&mut self) {
        // A target inside another target of the same file is reached through it.
        let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
        for (index, target) in self.targets.iter().enumerate() {
            by_file.entry(target.node.file).or_default().push(index);
        }
        let mut within: Vec<Option<(usize, String)>> = vec![None; self.targets.len()];
        for (index, target) in self.targets.iter().enumerate() {
            let siblings = by_file.get(&target.node.file).map(Vec::as_slice).unwrap_or_default();
            let ancestor = siblings
                .iter()
                .filter(|&&other| {
                    let outer = &self.targets[other].node.pointer;
                    other != index
                        && target.node.pointer.len() > outer.len()
                        && target.node.pointer.starts_with(outer.as_str())
                        && target.node.pointer[outer.len()..].starts_with('/')
                })
                .min_by_key(|&&other| (self.targets[other].node.pointer.len(), other));
            if let Some(&ancestor) = ancestor {
                let outer = &self.targets[ancestor].node;
                if self.path_is_plain(outer, &target.node.pointer) {
                    within[index] = Some((ancestor, target.node.pointer[outer.pointer.len()..].to_owned()));
                }
            }
        }
        // Own entries, named per section.
        let mut sections: BTreeMap<&'static [&'static str], Vec<usize>> = BTreeMap::new();
        for (index, target) in self.targets.iter().enumerate() {
            if within[index].is_none() {
                if let Some(section) = self.dialect.section(target.kind) {
                    sections.entry(section).or_default().push(index);
                }
            }
        }
        for (section, members) in sections {
            let reserved: BTreeSet<String> = section_map(&self.values[0], section)
                .map(|map| map.keys().cloned().collect())
                .unwrap_or_default();
            let wanted: Vec<Wanted> = members
                .iter()
                .map(|&index| Wanted {
                    file: self.files[self.targets[index].node.file].path.as_str(),
                    pointer: self.targets[index].node.pointer.as_str(),
                })
                .collect();
            let assigned = names::assign(&wanted, &reserved);
            for (index, name) in members.into_iter().zip(assigned) {
                self.targets[index].placement = Some(Placement::Own { section, name });
            }
        }
        for (index, found) in within.into_iter().enumerate() {
            if let Some((ancestor, rest)) = found {
                self.targets[index].placement = Some(Placement::Within { ancestor, rest });
            }
        }
    }

    /// True when no `$ref` object stands between `outer` and the node at `pointer`
    /// below it (so the pointer still leads there once `outer` is copied).
    fn path_is_plain(&self, outer: &Node, pointer: &str) -> bool {
        let Some(document) = self.values.get(outer.file) else {
            return false;
        };
        let mut current = outer.pointer.clone();
        let tokens: Vec<&str> = pointer[outer.pointer.len()..].split('/').skip(1).collect();
        for token in tokens {
            match document.pointer(&current) {
                Some(Value::Object(members)) if !members.contains_key("$ref") => {}
                Some(Value::Array(_)) => {}
                _ => return false,
            }
            current = format!("{current}/{token}");
        }
        true
    }

    /// `#/components/schemas/Droplet` (or a pointer below another component).
    fn target_ref(&self, index: usize) -> String {
        match self.targets.get(index).and_then(|t| t.placement.as_ref()) {
            Some(Placement::Own { section, name }) => format!("#{}", section_pointer(section, name)),
            Some(Placement::Within { ancestor, rest }) if *ancestor != index => {
                format!("{}{rest}", self.target_ref(*ancestor))
            }
            _ => String::from("#"),
        }
    }

    // --- pass 3: rewrite --------------------------------------------------------------

    fn assemble(&mut self, root: &Value) -> Result<Value, BundleError> {
        let mut stack = Vec::new();
        let mut document = self.rewrite(Pos::One(Kind::Document), 0, "", root, "", &mut stack, 0);
        let mut own: Vec<(String, usize)> = Vec::new();
        for (index, target) in self.targets.iter().enumerate() {
            if let Some(Placement::Own { section, name }) = &target.placement {
                own.push((section_pointer(section, name), index));
            }
        }
        own.sort();
        for (out, index) in own {
            let (kind, node) = (self.targets[index].kind, self.targets[index].node.clone());
            let Some(Placement::Own { section, name }) = self.targets[index].placement.clone() else {
                continue;
            };
            let source = Rc::clone(&self.values[node.file]);
            let Some(value) = source.pointer(&node.pointer) else {
                continue;
            };
            let content = self.rewrite(Pos::One(kind), node.file, &node.pointer, value, &out, &mut stack, 0);
            self.origins.insert(out, (node.file, node.pointer.clone()));
            let map = section_map_mut(&mut document, section).ok_or_else(|| {
                self.error(
                    0,
                    format!("/{}", section.join("/")),
                    "is not an object, so the components that other files define cannot be added to it".to_owned(),
                )
            })?;
            map.insert(name, content);
        }
        Ok(document)
    }

    #[allow(clippy::too_many_arguments)]
    fn rewrite(
        &mut self,
        pos: Pos,
        file: usize,
        at: &str,
        value: &Value,
        out: &str,
        stack: &mut Vec<Node>,
        depth: usize,
    ) -> Value {
        if depth > MAX_DEPTH {
            return value.clone();
        }
        match value {
            Value::Object(members) => {
                if let Some(Value::String(reference)) = members.get("$ref") {
                    return self.rewrite_ref(pos, file, at, members, reference, out, stack, depth);
                }
                let mut copy = Map::with_capacity(members.len());
                for (key, member) in members {
                    let child = match pos {
                        Pos::One(kind) => self.dialect.child(kind, key, member),
                        map_or_list => map_or_list.entry(key),
                    };
                    let (here, there) = (pointer::join(at, key), pointer::join(out, key));
                    let mut rewritten = self.rewrite(child, file, &here, member, &there, stack, depth + 1);
                    if pos == Pos::One(Kind::Schema) && key == "discriminator" {
                        self.rewrite_mapping(file, &mut rewritten, &there);
                    }
                    copy.insert(key.clone(), rewritten);
                }
                Value::Object(copy)
            }
            Value::Array(items) => {
                let child = element(pos);
                Value::Array(
                    items
                        .iter()
                        .enumerate()
                        .map(|(index, item)| {
                            let (here, there) = (format!("{at}/{index}"), format!("{out}/{index}"));
                            self.rewrite(child, file, &here, item, &there, stack, depth + 1)
                        })
                        .collect(),
                )
            }
            other => other.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rewrite_ref(
        &mut self,
        pos: Pos,
        file: usize,
        at: &str,
        members: &Map<String, Value>,
        reference: &str,
        out: &str,
        stack: &mut Vec<Node>,
        depth: usize,
    ) -> Value {
        let siblings = |this: &mut Self, stack: &mut Vec<Node>, into: &mut Map<String, Value>| {
            if let Pos::One(kind) = pos {
                for (key, member) in members.iter().filter(|(key, _)| *key != "$ref") {
                    let child = this.dialect.child(kind, key, member);
                    let (here, there) = (pointer::join(at, key), pointer::join(out, key));
                    let rewritten = this.rewrite(child, file, &here, member, &there, stack, depth + 1);
                    into.insert(key.clone(), rewritten);
                }
            }
        };
        let with_ref = |this: &mut Self, stack: &mut Vec<Node>, text: String| {
            let mut copy = Map::new();
            copy.insert("$ref".to_owned(), Value::String(text));
            siblings(this, stack, &mut copy);
            Value::Object(copy)
        };
        if file == 0 && reference.starts_with('#') {
            return with_ref(self, stack, reference.to_owned());
        }
        let node = match self.follow(file, reference) {
            Ok(node) => node,
            Err(message) => {
                self.diagnostics.push(Diagnostic::new(
                    out,
                    format!("{message}; left as written (it stands in data, so generation goes on)"),
                ));
                return Value::Object(members.clone());
            }
        };
        if let Some(kind) = self.section_kind(pos) {
            let text = if node.file == 0 {
                format!("#{}", node.pointer)
            } else {
                match self.target_index.get(&(kind, node.clone())) {
                    Some(&index) => self.target_ref(index),
                    None => return Value::Object(members.clone()),
                }
            };
            return with_ref(self, stack, text);
        }
        if stack.contains(&node) || stack.len() >= MAX_INLINE {
            self.diagnostics.push(Diagnostic::new(
                out,
                format!("`$ref: {reference}` refers back to a place that contains it, and objects of this kind cannot be shared through `components`; left as written"),
            ));
            return Value::Object(members.clone());
        }
        let source = Rc::clone(&self.values[node.file]);
        let Some(target) = source.pointer(&node.pointer) else {
            return Value::Object(members.clone());
        };
        stack.push(node.clone());
        let mut inlined = self.rewrite(pos, node.file, &node.pointer, target, out, stack, depth + 1);
        stack.pop();
        self.origins.insert(out.to_owned(), (node.file, node.pointer));
        if let Value::Object(copy) = &mut inlined {
            siblings(self, stack, copy);
        }
        inlined
    }

    fn rewrite_mapping(&mut self, file: usize, discriminator: &mut Value, out: &str) {
        let Some(mapping) = discriminator.get_mut("mapping").and_then(Value::as_object_mut) else {
            return;
        };
        for (key, entry) in mapping.iter_mut() {
            let Some(reference) = entry.as_str().filter(|r| is_reference(r)).map(str::to_owned) else {
                continue;
            };
            if file == 0 && reference.starts_with('#') {
                continue;
            }
            match self.follow(file, &reference) {
                Ok(node) if node.file == 0 => *entry = Value::String(format!("#{}", node.pointer)),
                Ok(node) => {
                    if let Some(&index) = self.target_index.get(&(Kind::Schema, node)) {
                        *entry = Value::String(self.target_ref(index));
                    }
                }
                Err(message) => self.diagnostics.push(Diagnostic::new(
                    pointer::join(&pointer::join(out, "mapping"), key),
                    format!("{message}; left as written"),
                )),
            }
        }
    }
}

/// The position of the elements of an array at `pos`.
fn element(pos: Pos) -> Pos {
    match pos {
        Pos::List(kind) => Pos::One(kind),
        _ => Pos::One(Kind::Data),
    }
}

/// A discriminator mapping value that is a reference rather than a schema name.
fn is_reference(value: &str) -> bool {
    value.contains('/') || value.contains('#') || {
        let lower = value.to_ascii_lowercase();
        lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
    }
}

/// `/components/schemas/<name>` (escaped).
fn section_pointer(section: &[&str], name: &str) -> String {
    let mut out = String::new();
    for token in section.iter().copied().chain(std::iter::once(name)) {
        out = pointer::join(&out, token);
    }
    out
}

fn section_map<'v>(document: &'v Value, section: &[&str]) -> Option<&'v Map<String, Value>> {
    let mut current = document;
    for token in section {
        current = current.get(token)?;
    }
    current.as_object()
}

/// The section's map in `document`, created (with its parents) when missing; `None`
/// when something on the way is not an object.
fn section_map_mut<'v>(document: &'v mut Value, section: &[&str]) -> Option<&'v mut Map<String, Value>> {
    let mut current = document;
    for token in section {
        let object = current.as_object_mut()?;
        current = object
            .entry((*token).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    current.as_object_mut()
}
