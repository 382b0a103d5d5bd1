//! Reading scenario files: syntax, includes, currency conversion and merging.
//!
//! Every item is deserialized on its own so that one bad item does not hide the
//! problems of the others; each problem names the file and the field path.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::schema::{
    LinkFile, MaterialFile, ModeFile, ParametersFile, PeriodFile, PlantFile, PlantGroupFile,
    ProfileFile, RuleFile, ScenarioFile, ScenarioHeader, SiteFile, StoreFile, TechnologyFile,
    UncertaintyFile,
};
use crate::error::{Error, Problem, Problems, Refusal};

/// An item together with the file and the array index it came from.
#[derive(Debug, Clone)]
pub struct Located<T> {
    /// File the item was written in.
    pub file: Arc<Path>,
    /// Index in its array (`sites[index]`).
    pub index: usize,
    /// The item.
    pub item: T,
}

/// A scenario file with every include merged in, items still as written.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file that was loaded (the root of the includes).
    pub root: Arc<Path>,
    /// The root file's `[scenario]` table.
    pub header: ScenarioHeader,
    /// Parameters: the root's values, then those of included files for fields it leaves out.
    pub parameters: ParametersFile,
    /// Materials of every file.
    pub materials: Vec<Located<MaterialFile>>,
    /// Modes of every file.
    pub modes: Vec<Located<ModeFile>>,
    /// Rules of every file.
    pub rules: Vec<Located<RuleFile>>,
    /// Sites of every file.
    pub sites: Vec<Located<SiteFile>>,
    /// Link facts of every file.
    pub links: Vec<Located<LinkFile>>,
    /// Uncertain fields of every file (money figures in the root's currency).
    pub uncertainty: Vec<Located<UncertaintyFile>>,
    /// Technologies of every file.
    pub technologies: Vec<Located<TechnologyFile>>,
    /// Plants of every file.
    pub plants: Vec<Located<PlantFile>>,
    /// Plant groups of every file.
    pub plant_groups: Vec<Located<PlantGroupFile>>,
    /// Periods of every file.
    pub periods: Vec<Located<PeriodFile>>,
    /// Profiles of every file.
    pub profiles: Vec<Located<ProfileFile>>,
    /// Stores of every file.
    pub stores: Vec<Located<StoreFile>>,
    /// Every file read: the root and its includes, canonical, sorted.
    pub files: Vec<PathBuf>,
}

/// The default of [`LoadOptions::max_input_size`]: 64 MiB.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 64 * 1024 * 1024;

/// How a scenario is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// The most bytes read for one scenario: its file and every include together
    /// (default [`DEFAULT_MAX_INPUT_SIZE`]). Past it the file that would pass it is
    /// refused ([`crate::error::Refusal::TooLarge`]) before it is parsed.
    pub max_input_size: u64,
    /// Whether an include may resolve to a file outside the root scenario's folder
    /// (default `true`). When `false`, every include, once `..` and symbolic links are
    /// resolved, must lie under the folder of the file loaded.
    pub outside_includes: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
            outside_includes: true,
        }
    }
}

/// Reads a scenario file and everything it includes, with the default [`LoadOptions`].
///
/// All problems found are collected and returned together as [`Error::Invalid`].
pub fn load(path: &Path) -> Result<Loaded, Error> {
    load_with(path, &LoadOptions::default())
}

/// Reads a scenario file and everything it includes.
///
/// All problems found are collected and returned together as [`Error::Invalid`]:
/// when the only problems of the files as written are unknown fields, the scenario
/// is validated too and its problems are among them. A file that is not a regular
/// file, or that passes the limit on the input, is [`Error::Refused`] when it is the
/// root and a problem of the including file when it is an include.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let mut budget = options.max_input_size;
    let text = read_text(path, &mut budget, options.max_input_size)?;
    load_text(path, &text, budget, options)
}

/// Like [`load`], with the root file's text given (includes are still read from disk,
/// relative to `path`).
pub fn load_str(path: &Path, text: &str) -> Result<Loaded, Error> {
    load_str_with(path, text, &LoadOptions::default())
}

/// Like [`load_with`], with the root file's text given (its bytes count towards
/// [`LoadOptions::max_input_size`]; includes are read from disk, relative to `path`).
pub fn load_str_with(path: &Path, text: &str, options: &LoadOptions) -> Result<Loaded, Error> {
    let limit = options.max_input_size;
    let Some(budget) = limit.checked_sub(text.len() as u64) else {
        return Err(Error::Refused {
            path: path.to_owned(),
            reason: Refusal::TooLarge { limit },
        });
    };
    load_text(path, text, budget, options)
}

/// Loads the root file's text, `budget` bytes left for its includes.
fn load_text(path: &Path, text: &str, budget: u64, options: &LoadOptions) -> Result<Loaded, Error> {
    let mut found = Found::default();
    let root: Arc<Path> = Arc::from(path);
    let mut loaded = Loaded {
        root: root.clone(),
        header: ScenarioHeader::default(),
        parameters: ParametersFile::default(),
        materials: Vec::new(),
        modes: Vec::new(),
        rules: Vec::new(),
        sites: Vec::new(),
        links: Vec::new(),
        uncertainty: Vec::new(),
        technologies: Vec::new(),
        plants: Vec::new(),
        plant_groups: Vec::new(),
        periods: Vec::new(),
        profiles: Vec::new(),
        stores: Vec::new(),
        files: Vec::new(),
    };
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut visit = Visit {
        stack: Vec::new(),
        merged: HashSet::new(),
        budget,
        limit: options.max_input_size,
        folder: (!options.outside_includes).then(|| canonical(folder)),
        reach: HashMap::new(),
        replaced: HashMap::new(),
    };
    if let Some(file) = parse_file(&root, text, &mut found) {
        loaded.header = file.scenario.clone();
        merge(&root, file, 1.0, &mut loaded, &mut visit, &mut found);
    }
    loaded.files = visit.merged.iter().cloned().collect();
    loaded.files.sort();
    if found.problems.is_empty() {
        return Ok(loaded);
    }
    let mut problems = found.problems;
    if !found.lossy {
        // Nothing was left out but unknown fields: what the scenario says is all
        // there, so its other problems are reported now too.
        if let Err(Error::Invalid(Problems(more))) = super::validate::validate(&loaded) {
            problems.extend(more);
        }
    }
    Err(Error::Invalid(Problems(problems)))
}

/// The problems found while reading, and whether any of them left something out
/// of the scenario (then validating what was read would report problems that are
/// not there).
#[derive(Default)]
struct Found {
    problems: Vec<Problem>,
    lossy: bool,
}

impl Found {
    /// A problem that left something out.
    fn push(&mut self, p: Problem) {
        self.problems.push(p);
        self.lossy = true;
    }

    /// A problem with something that was dropped without loss (an unknown field).
    fn push_ignored(&mut self, p: Problem) {
        self.problems.push(p);
    }
}

/// Reads a whole file as text: [`read_bytes`], then UTF-8.
fn read_text(path: &Path, budget: &mut u64, limit: u64) -> Result<String, Error> {
    let bytes = read_bytes(path, budget, limit)?;
    String::from_utf8(bytes).map_err(|e| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text ({e})"),
        ),
    })
}

/// Reads a whole file: a regular file (after following symbolic links) of at most
/// `budget` bytes (`limit` is the whole limit, for the message), read through a
/// bounded reader. Takes what was read from `budget`.
pub(crate) fn read_bytes(path: &Path, budget: &mut u64, limit: u64) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let refused = |reason| Error::Refused {
        path: path.to_owned(),
        reason,
    };
    // The type is looked at before the file is opened: opening a FIFO blocks
    // until someone writes to it.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        let kind = file_kind(&meta.file_type());
        return Err(refused(Refusal::NotRegular { kind }));
    }
    if meta.len() > *budget {
        return Err(refused(Refusal::TooLarge { limit }));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // Again on what was opened, in case the file was replaced in between.
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        let kind = file_kind(&meta.file_type());
        return Err(refused(Refusal::NotRegular { kind }));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(*budget) as usize);
    // One byte more than allowed tells a file that grew past the limit.
    file.take(budget.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let n = bytes.len() as u64;
    if n > *budget {
        return Err(refused(Refusal::TooLarge { limit }));
    }
    *budget -= n;
    Ok(bytes)
}

/// What a file that is not a regular file is, in words.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_socket() {
            return "socket";
        }
    }
    if t.is_dir() {
        "directory"
    } else {
        "special file"
    }
}

/// Merges `file` (already parsed, from `path`) and, recursively, its includes into `into`.
/// Money figures are multiplied by `rate` (the including file's currency per this file's).
fn merge(
    path: &Arc<Path>,
    mut file: ScenarioFile,
    rate: f64,
    into: &mut Loaded,
    visit: &mut Visit,
    found: &mut Found,
) {
    visit.stack.push(canonical(path));
    visit.merged.insert(canonical(path));
    // The files this one includes, directly or through others (for `replace`).
    let mut reach: HashSet<PathBuf> = HashSet::new();
    if rate != 1.0 {
        scale_money(&mut file, rate);
    }
    let dir = path.parent().map(Path::to_owned).unwrap_or_default();
    for (k, inc) in file.scenario.include.iter().enumerate() {
        let field = format!("scenario.include[{k}]");
        let inc_path: Arc<Path> = Arc::from(dir.join(inc).as_path());
        if let Some(folder) = &visit.folder {
            let resolved = canonical(&inc_path);
            if !resolved.starts_with(folder) {
                found.push(Problem::new(
                    path.to_path_buf(),
                    field,
                    None,
                    format!(
                        "include \"{inc}\" resolves to {}, outside {}, the folder of the \
                         scenario loaded, and includes may not leave it",
                        resolved.display(),
                        folder.display()
                    ),
                ));
                continue;
            }
        }
        if visit.stack.contains(&canonical(&inc_path)) {
            let chain: Vec<String> = visit
                .stack
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            found.push(Problem::new(
                path.to_path_buf(),
                field,
                None,
                format!(
                    "include cycle: {} includes {} again",
                    chain.join(" -> "),
                    inc_path.display()
                ),
            ));
            continue;
        }
        if visit.merged.contains(&canonical(&inc_path)) {
            let inc = canonical(&inc_path);
            reach.extend(visit.reach.get(&inc).into_iter().flatten().cloned());
            reach.insert(inc);
            continue;
        }
        let text = match read_text(&inc_path, &mut visit.budget, visit.limit) {
            Ok(t) => t,
            Err(e) => {
                let why = match e {
                    Error::Io { source, .. } => source.to_string(),
                    Error::Refused { reason, .. } => reason.to_string(),
                    other => other.to_string(),
                };
                found.push(Problem::new(
                    path.to_path_buf(),
                    field,
                    None,
                    format!("cannot read included file {}: {why}", inc_path.display()),
                ));
                continue;
            }
        };
        let Some(inc_file) = parse_file(&inc_path, &text, found) else {
            continue;
        };
        let inc_rate = match (&file.scenario.currency, &inc_file.scenario.currency) {
            (Some(ours), Some(theirs)) if ours != theirs => {
                match file.parameters.exchange_rates.get(theirs) {
                    Some(&r) if r.is_finite() && r > 0.0 => rate * r,
                    Some(_) => {
                        found.push(Problem::new(
                            path.to_path_buf(),
                            format!("parameters.exchange_rates.{theirs}"),
                            None,
                            "must be a finite number > 0",
                        ));
                        continue;
                    }
                    None => {
                        found.push(Problem::new(
                            path.to_path_buf(),
                            field,
                            None,
                            format!(
                                "{} is in {theirs} but this file is in {ours}: give \
                                 parameters.exchange_rates.{theirs} ({ours} per {theirs})",
                                inc_path.display()
                            ),
                        ));
                        continue;
                    }
                }
            }
            _ => rate,
        };
        merge(&inc_path, inc_file, inc_rate, into, visit, found);
        let inc = canonical(&inc_path);
        reach.extend(visit.reach.get(&inc).into_iter().flatten().cloned());
        reach.insert(inc);
    }
    fill_parameters(&mut into.parameters, file.parameters);
    let mut put = Put {
        path,
        reach: &reach,
        replaced: &mut visit.replaced,
        found,
    };
    put.items("materials", &mut into.materials, file.materials);
    put.items("modes", &mut into.modes, file.modes);
    put.items("rules", &mut into.rules, file.rules);
    put.items("sites", &mut into.sites, file.sites);
    into.links.extend(locate(path, file.links));
    into.uncertainty.extend(locate(path, file.uncertainty));
    put.items("technologies", &mut into.technologies, file.technologies);
    put.items("plants", &mut into.plants, file.plants);
    into.plant_groups.extend(locate(path, file.plant_groups));
    put.items("periods", &mut into.periods, file.periods);
    into.profiles.extend(locate(path, file.profiles));
    put.items("stores", &mut into.stores, file.stores);
    visit.reach.insert(canonical(path), reach);
    visit.stack.pop();
}

/// An item that an including file may replace by id (`replace = true`).
trait Replaceable {
    fn id(&self) -> &str;
    /// Whether the item is marked `replace = true`; clears the mark, so that
    /// nothing read later (plans, `Loaded`) carries it.
    fn take_replace(&mut self) -> bool;
}

macro_rules! replaceable {
    ($($t:ty),*) => {$(
        impl Replaceable for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn take_replace(&mut self) -> bool {
                std::mem::take(&mut self.replace)
            }
        }
    )*};
}
replaceable!(
    MaterialFile,
    ModeFile,
    RuleFile,
    SiteFile,
    TechnologyFile,
    PlantFile,
    PeriodFile,
    StoreFile
);

/// Puts one file's items into the merged scenario.
struct Put<'a> {
    /// The file.
    path: &'a Arc<Path>,
    /// The files it includes, directly or not (canonical).
    reach: &'a HashSet<PathBuf>,
    /// `(section, id)` of every item replaced so far, and where its replacement is.
    replaced: &'a mut HashMap<(&'static str, String), (Arc<Path>, usize)>,
    found: &'a mut Found,
}

impl Put<'_> {
    /// Appends `items`; one marked `replace = true` takes the place of the item with
    /// its id that an included file defines, as a whole.
    fn items<T: Replaceable>(
        &mut self,
        section: &'static str,
        into: &mut Vec<Located<T>>,
        items: Vec<T>,
    ) {
        for (index, mut item) in items.into_iter().enumerate() {
            let replace = item.take_replace();
            let here = Located {
                file: self.path.clone(),
                index,
                item,
            };
            if !replace {
                into.push(here);
                continue;
            }
            let field = format!("{section}[{index}].replace");
            let key = (section, here.item.id().to_owned());
            if let Some((file, first)) = self.replaced.get(&key) {
                let message = format!(
                    "{section} id \"{}\" is replaced twice, first at {}: {section}[{first}]",
                    key.1,
                    file.display()
                );
                self.found.push(Problem::new(
                    self.path.to_path_buf(),
                    field,
                    Some(&key.1),
                    message,
                ));
                continue;
            }
            let target = into.iter().position(|l| {
                l.item.id() == here.item.id() && self.reach.contains(&canonical(&l.file))
            });
            match target {
                Some(k) => {
                    self.replaced.insert(key, (self.path.clone(), index));
                    into[k] = here;
                }
                None => {
                    let message = format!(
                        "replace = true, but no included file defines {section} id \"{}\"",
                        key.1
                    );
                    self.found.push_ignored(Problem::new(
                        self.path.to_path_buf(),
                        field,
                        Some(&key.1),
                        message,
                    ));
                    into.push(here);
                }
            }
        }
    }
}

/// Files on the current include chain (for cycles) and files merged already: a
/// file reached twice through different includes (a diamond) is merged once.
struct Visit {
    stack: Vec<PathBuf>,
    merged: HashSet<PathBuf>,
    /// Bytes that may still be read.
    budget: u64,
    /// [`LoadOptions::max_input_size`].
    limit: u64,
    /// The root's folder, canonical, when includes must stay under it.
    folder: Option<PathBuf>,
    /// Per file merged (canonical), the files it includes, directly or not.
    reach: HashMap<PathBuf, HashSet<PathBuf>>,
    /// `(section, id)` of every item replaced, and where its replacement is.
    replaced: HashMap<(&'static str, String), (Arc<Path>, usize)>,
}

fn locate<T>(path: &Arc<Path>, items: Vec<T>) -> Vec<Located<T>> {
    items
        .into_iter()
        .enumerate()
        .map(move |(index, item)| Located {
            file: path.clone(),
            index,
            item,
        })
        .collect()
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// Sets every parameter that `into` does not have yet from `from`.
/// Included files are merged before the including file's own parameters, so
/// the including file must win: we therefore let later (outer) values override.
fn fill_parameters(into: &mut ParametersFile, from: ParametersFile) {
    macro_rules! take {
        ($($f:ident),*) => { $( if from.$f.is_some() { into.$f = from.$f; } )* };
    }
    take!(
        carbon_price,
        discount_rate,
        energy_price,
        circuity,
        transport_paid_by,
        processing_paid_by,
        source
    );
    into.exchange_rates.extend(from.exchange_rates);
}

/// Multiplies every money figure of a file by `rate`.
fn scale_money(file: &mut ScenarioFile, rate: f64) {
    for m in &mut file.modes {
        m.cost_per_unit_km *= rate;
        m.fixed_cost_per_year *= rate;
        m.capex_per_km *= rate;
    }
    for r in &mut file.rules {
        r.processing_cost *= rate;
    }
    for s in &mut file.sites {
        for o in &mut s.outputs {
            o.disposal_cost *= rate;
        }
        for i in &mut s.inputs {
            i.price *= rate;
        }
    }
    for t in &mut file.technologies {
        t.operating_cost *= rate;
        for o in &mut t.outputs {
            o.disposal_cost *= rate;
        }
        for z in &mut t.sizes {
            z.fixed_cost_per_year *= rate;
            z.capex *= rate;
        }
    }
    for p in &mut file.periods {
        if let Some(v) = &mut p.energy_price {
            *v *= rate;
        }
    }
    for p in &mut file.profiles {
        p.prices.values_mut().for_each(|v| *v *= rate);
    }
    for st in &mut file.stores {
        st.cost_per_unit_charged *= rate;
        st.capex *= rate;
        st.fixed_cost_per_year *= rate;
    }
    for l in &mut file.links {
        for v in [
            &mut l.transport_cost_per_unit,
            &mut l.fixed_cost_per_year,
            &mut l.capex,
        ]
        .into_iter()
        .flatten()
        {
            *v *= rate;
        }
    }
    if let Some(p) = &mut file.parameters.carbon_price {
        *p *= rate;
    }
    if let Some(p) = &mut file.parameters.energy_price {
        *p *= rate;
    }
    // Distributions on money fields are in the file's currency too.
    for u in file
        .uncertainty
        .iter_mut()
        .filter(|u| is_money_path(&u.path))
    {
        for v in [&mut u.min, &mut u.mode, &mut u.max, &mut u.mean, &mut u.sd]
            .into_iter()
            .flatten()
        {
            *v *= rate;
        }
    }
}

/// Whether a field path (`modes.truck.cost_per_unit_km`) addresses a money figure,
/// i.e. one of the fields [`scale_money`] converts (an input's price in a period
/// is `sites.ID.inputs.ID.prices.PERIOD`).
fn is_money_path(path: &str) -> bool {
    if path.rsplit('.').nth(1) == Some("prices") {
        return true;
    }
    matches!(
        path.rsplit('.').next(),
        Some(
            "cost_per_unit_km"
                | "fixed_cost_per_year"
                | "capex_per_km"
                | "processing_cost"
                | "operating_cost"
                | "disposal_cost"
                | "price"
                | "transport_cost_per_unit"
                | "capex"
                | "carbon_price"
                | "energy_price"
                | "cost_per_unit_charged"
        )
    )
}

/// The generic tree a file is parsed into before its items are deserialized.
#[derive(Clone)]
enum Tree {
    Toml(toml::Value),
    Json(serde_json::Value),
}

/// One step of a field path: a key of a table or an index in an array.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A field path as written in problems: `sites[1].inputs[0].quantity`.
fn render(prefix: &str, steps: &[Step]) -> String {
    let mut out = prefix.to_owned();
    for s in steps {
        match s {
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
        }
    }
    out
}

/// The steps of a path of `serde_path_to_error`.
fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Why deserializing an item failed: where and what.
struct Failure {
    steps: Vec<Step>,
    message: String,
    /// When the field at `steps` is unknown: the known field closest to its name,
    /// if one is close.
    unknown_field: Option<Option<String>>,
}

impl Tree {
    fn entries(self) -> Option<Vec<(String, Tree)>> {
        match self {
            Tree::Toml(toml::Value::Table(t)) => {
                Some(t.into_iter().map(|(k, v)| (k, Tree::Toml(v))).collect())
            }
            Tree::Json(serde_json::Value::Object(o)) => {
                Some(o.into_iter().map(|(k, v)| (k, Tree::Json(v))).collect())
            }
            _ => None,
        }
    }

    fn items(self) -> Option<Vec<Tree>> {
        match self {
            Tree::Toml(toml::Value::Array(a)) => Some(a.into_iter().map(Tree::Toml).collect()),
            Tree::Json(serde_json::Value::Array(a)) => {
                Some(a.into_iter().map(Tree::Json).collect())
            }
            _ => None,
        }
    }

    /// The `id` of this value, when it is a table with a string `id`.
    fn id(&self) -> Option<String> {
        match self {
            Tree::Toml(v) => v.get("id").and_then(|v| v.as_str()).map(str::to_owned),
            Tree::Json(v) => v.get("id").and_then(|v| v.as_str()).map(str::to_owned),
        }
    }

    /// The value one step down.
    fn child(&self, step: &Step) -> Option<Tree> {
        match (self, step) {
            (Tree::Toml(v), Step::Key(k)) => v.get(k.as_str()).cloned().map(Tree::Toml),
            (Tree::Toml(v), Step::Index(i)) => v.get(*i).cloned().map(Tree::Toml),
            (Tree::Json(v), Step::Key(k)) => v.get(k.as_str()).cloned().map(Tree::Json),
            (Tree::Json(v), Step::Index(i)) => v.get(*i).cloned().map(Tree::Json),
        }
    }

    /// The id of the innermost item with an id on the way along `steps` (the
    /// stream `sites[1].inputs[0]` rather than its site).
    fn innermost_id(&self, steps: &[Step]) -> Option<String> {
        let mut id = self.id();
        let mut here = self.clone();
        for s in steps {
            let Some(next) = here.child(s) else { break };
            if let Some(i) = next.id() {
                id = Some(i);
            }
            here = next;
        }
        id
    }

    /// Removes the field at `steps`, keeping its value under the name `to` when its
    /// table has no field `to`; whether the field was there.
    fn remove(&mut self, steps: &[Step], to: Option<&str>) -> bool {
        let Some((Step::Key(last), parents)) = steps.split_last() else {
            return false;
        };
        // The same walk on either kind of value (`table` is how it gives its map).
        macro_rules! remove_in {
            ($value:expr, $table:ident) => {{
                let mut here = $value;
                for s in parents {
                    let next = match s {
                        Step::Key(k) => here.get_mut(k.as_str()),
                        Step::Index(i) => here.get_mut(*i),
                    };
                    let Some(next) = next else { return false };
                    here = next;
                }
                let Some(map) = here.$table() else {
                    return false;
                };
                let Some(v) = map.remove(last.as_str()) else {
                    return false;
                };
                if let Some(to) = to.filter(|to| !map.contains_key(*to)) {
                    map.insert(to.to_owned(), v);
                }
                true
            }};
        }
        match self {
            Tree::Toml(v) => remove_in!(v, as_table_mut),
            Tree::Json(v) => remove_in!(v, as_object_mut),
        }
    }

    fn deserialize<T: DeserializeOwned>(self) -> Result<T, Failure> {
        fn fail(steps: Vec<Step>, message: String) -> Failure {
            let unknown = message.starts_with("unknown field `");
            let (message, closest) = super::did_you_mean_in(&message);
            let message = in_words(&message);
            Failure {
                steps,
                message,
                unknown_field: unknown.then_some(closest),
            }
        }
        match self {
            // `message()`: without the "in `inputs`" the error's display adds.
            Tree::Toml(v) => serde_path_to_error::deserialize(v)
                .map_err(|e| fail(steps(e.path()), e.inner().message().to_owned())),
            Tree::Json(v) => serde_path_to_error::deserialize(v)
                .map_err(|e| fail(steps(e.path()), e.inner().to_string())),
        }
    }
}

/// A serde type error in words a facilitator reads: `invalid type: string
/// "90 000", expected f64` is `expected a number, got the text "90 000"`. Other
/// messages are kept as they are.
fn in_words(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_owned();
    };
    let Some((got, wanted)) = rest.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let got = if let Some(text) = got.strip_prefix("string ") {
        format!("the text {text}")
    } else if let Some(n) = got
        .strip_prefix("integer ")
        .or_else(|| got.strip_prefix("floating point "))
    {
        format!("the number {}", n.trim_matches('`'))
    } else if let Some(b) = got.strip_prefix("boolean ") {
        b.trim_matches('`').to_owned()
    } else {
        match got {
            "sequence" => "a list".to_owned(),
            "map" => "a table".to_owned(),
            other => other.to_owned(),
        }
    };
    let wanted = match wanted {
        "f64" | "f32" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" => "a whole number",
        "a string" => "text (in quotes)",
        "a boolean" => "true or false",
        "a sequence" => "a list (in [ ])",
        other => other,
    };
    format!("expected {wanted}, got {got}")
}

/// Deserializes one item (or table) at `prefix`. An unknown field is a problem that
/// leaves nothing out: it is removed and the rest of the item is read, so that the
/// item's other problems (and the scenario's) are reported with it. A misspelt
/// field (`quantitiy`) is read under the name it is closest to (`quantity`) when the
/// item has no field of that name, so that the item is checked as meant.
fn item<T: DeserializeOwned>(
    path: &Path,
    prefix: &str,
    mut tree: Tree,
    found: &mut Found,
) -> Option<T> {
    loop {
        let f = match tree.clone().deserialize() {
            Ok(v) => return Some(v),
            Err(f) => f,
        };
        let id = tree.innermost_id(&f.steps);
        let p = Problem::new(path, render(prefix, &f.steps), id.as_deref(), f.message);
        let unknown = f.unknown_field.as_ref();
        if unknown.is_some_and(|closest| tree.remove(&f.steps, closest.as_deref())) {
            found.push_ignored(p);
        } else {
            found.push(p);
            return None;
        }
    }
}

/// Parses one file, collecting every problem; `None` when something was left out.
fn parse_file(path: &Path, text: &str, found: &mut Found) -> Option<ScenarioFile> {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let lossy_before = found.lossy;
    found.lossy = false;
    let tree = if is_json {
        match serde_json::from_str::<json::Checked>(text) {
            Ok(v) => {
                let tree = Tree::Json(v.value);
                for steps in v.duplicates {
                    let id = tree.innermost_id(&steps);
                    found.push(Problem::new(
                        path,
                        render("", &steps),
                        id.as_deref(),
                        "duplicate key",
                    ));
                }
                tree
            }
            Err(e) => {
                let mut p = Problem::new(path, "", None, format!("invalid JSON: {e}"));
                p.line_col = Some((e.line(), e.column()));
                found.push(p);
                return None;
            }
        }
    } else {
        match toml::from_str::<toml::Table>(text) {
            Ok(t) => Tree::Toml(toml::Value::Table(t)),
            Err(e) => {
                let mut p = Problem::new(
                    path,
                    "",
                    None,
                    format!("invalid TOML: {}", e.message().trim_end()),
                );
                p.line_col = e.span().map(|s| line_col(text, s.start));
                found.push(p);
                return None;
            }
        }
    };
    let Some(entries) = tree.entries() else {
        found.push(Problem::new(path, "", None, "the file must be a table"));
        return None;
    };
    let mut file = ScenarioFile::default();
    for (key, value) in entries {
        match key.as_str() {
            "scenario" => {
                if let Some(v) = item(path, "scenario", value, found) {
                    file.scenario = v;
                }
            }
            "parameters" => {
                if let Some(v) = item(path, "parameters", value, found) {
                    file.parameters = v;
                }
            }
            "materials" => file.materials = many(path, "materials", value, found),
            "modes" => file.modes = many(path, "modes", value, found),
            "rules" => file.rules = many(path, "rules", value, found),
            "sites" => file.sites = many(path, "sites", value, found),
            "links" => file.links = many(path, "links", value, found),
            "uncertainty" => file.uncertainty = many(path, "uncertainty", value, found),
            "technologies" => file.technologies = many(path, "technologies", value, found),
            "plants" => file.plants = many(path, "plants", value, found),
            "plant_groups" => file.plant_groups = many(path, "plant_groups", value, found),
            "periods" => file.periods = many(path, "periods", value, found),
            "profiles" => file.profiles = many(path, "profiles", value, found),
            "stores" => file.stores = many(path, "stores", value, found),
            other => {
                let message = super::did_you_mean(other, SECTIONS).map_or_else(
                    || {
                        format!(
                            "unknown section, expected one of {}",
                            SECTIONS.map(|s| format!("`{s}`")).join(", ")
                        )
                    },
                    |s| format!("unknown section, did you mean `{s}`?"),
                );
                found.push_ignored(Problem::new(path, other, None, message));
            }
        }
    }
    let complete = !found.lossy;
    found.lossy |= lossy_before;
    complete.then_some(file)
}

/// The sections of a scenario file (its top-level keys).
pub(crate) const SECTIONS: [&str; 14] = [
    "scenario",
    "parameters",
    "materials",
    "modes",
    "rules",
    "sites",
    "links",
    "uncertainty",
    "technologies",
    "plants",
    "plant_groups",
    "periods",
    "profiles",
    "stores",
];

fn many<T: DeserializeOwned>(path: &Path, name: &str, value: Tree, found: &mut Found) -> Vec<T> {
    let Some(items) = value.items() else {
        found.push(Problem::new(path, name, None, "must be an array of tables"));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, tree) in items.into_iter().enumerate() {
        if let Some(v) = item(path, &format!("{name}[{i}]"), tree, found) {
            out.push(v);
        }
    }
    out
}

/// JSON parsed into a value that remembers the keys written twice in an object
/// (serde_json keeps the last one silently; TOML refuses them).
mod json {
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    use super::Step;

    /// A JSON value and the paths of its duplicate keys (the first value is kept).
    pub(super) struct Checked {
        pub(super) value: Value,
        pub(super) duplicates: Vec<Vec<Step>>,
    }

    /// Paths are built from the leaf up, each parent pushing its step at the end,
    /// and turned round once at the top.
    struct Reversed {
        value: Value,
        duplicates: Vec<Vec<Step>>,
    }

    impl<'de> Deserialize<'de> for Checked {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let r = Reversed::deserialize(d)?;
            Ok(Checked {
                value: r.value,
                duplicates: r
                    .duplicates
                    .into_iter()
                    .map(|mut p| {
                        p.reverse();
                        p
                    })
                    .collect(),
            })
        }
    }

    impl<'de> Deserialize<'de> for Reversed {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ValueVisitor)
        }
    }

    fn leaf(value: Value) -> Reversed {
        Reversed {
            value,
            duplicates: Vec::new(),
        }
    }

    struct ValueVisitor;

    impl<'de> Visitor<'de> for ValueVisitor {
        type Value = Reversed;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_bool<E>(self, v: bool) -> Result<Reversed, E> {
            Ok(leaf(Value::Bool(v)))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Reversed, E> {
            Ok(leaf(Value::from(v)))
        }

        fn visit_u64<E>(self, v: u64) -> Result<Reversed, E> {
            Ok(leaf(Value::from(v)))
        }

        fn visit_f64<E>(self, v: f64) -> Result<Reversed, E> {
            Ok(leaf(Value::from(v)))
        }

        fn visit_str<E>(self, v: &str) -> Result<Reversed, E> {
            Ok(leaf(Value::String(v.to_owned())))
        }

        fn visit_string<E>(self, v: String) -> Result<Reversed, E> {
            Ok(leaf(Value::String(v)))
        }

        fn visit_unit<E>(self) -> Result<Reversed, E> {
            Ok(leaf(Value::Null))
        }

        fn visit_none<E>(self) -> Result<Reversed, E> {
            Ok(leaf(Value::Null))
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Reversed, D::Error> {
            Reversed::deserialize(d)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Reversed, A::Error> {
            let mut items = Vec::new();
            let mut duplicates = Vec::new();
            while let Some(r) = seq.next_element::<Reversed>()? {
                let index = items.len();
                duplicates.extend(r.duplicates.into_iter().map(|mut p| {
                    p.push(Step::Index(index));
                    p
                }));
                items.push(r.value);
            }
            Ok(Reversed {
                value: Value::Array(items),
                duplicates,
            })
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Reversed, A::Error> {
            let mut object = Map::new();
            let mut duplicates = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                let r: Reversed = map.next_value()?;
                duplicates.extend(r.duplicates.into_iter().map(|mut p| {
                    p.push(Step::Key(key.clone()));
                    p
                }));
                if object.contains_key(&key) {
                    duplicates.push(vec![Step::Key(key)]);
                } else {
                    object.insert(key, r.value);
                }
            }
            Ok(Reversed {
                value: Value::Object(object),
                duplicates,
            })
        }
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_errors_are_said_in_words() {
        let w = super::in_words;
        assert_eq!(
            w("invalid type: string \"90 000\", expected f64"),
            "expected a number, got the text \"90 000\""
        );
        assert_eq!(
            w("invalid type: integer `5`, expected a string"),
            "expected text (in quotes), got the number 5"
        );
        assert_eq!(
            w("invalid type: boolean `true`, expected a sequence"),
            "expected a list (in [ ]), got true"
        );
        assert_eq!(w("missing field `id`"), "missing field `id`");
    }

    use super::*;

    #[test]
    fn prices_by_period_and_store_costs_are_money() {
        assert!(is_money_path("sites.town.inputs.heat.prices.winter"));
        assert!(is_money_path("stores.pit.cost_per_unit_charged"));
        assert!(is_money_path("stores.pit.capex"));
        assert!(is_money_path("periods.winter.energy_price"));
        assert!(!is_money_path("sites.town.inputs.heat.factors.winter"));
        assert!(!is_money_path("sites.town.inputs.heat.quantities.winter"));
        assert!(!is_money_path("stores.pit.capacity"));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc\nd", 0), (1, 1));
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("a\nbc\nd", 5), (3, 1));
    }

    #[test]
    fn every_bad_item_is_reported() {
        let text = r#"
[scenario]
name = "t"
[[materials]]
id = "a"
unit = "t"
kind = "solid"
[[materials]]
id = "b"
unit = "t"
kind = "material"
colour = "red"
"#;
        let err = load_str(Path::new("t.toml"), text).unwrap_err();
        let Error::Invalid(Problems(ps)) = err else {
            panic!("expected invalid")
        };
        assert_eq!(ps.len(), 2, "{ps:?}");
        assert_eq!(ps[0].path, "materials[0].kind");
        assert_eq!(ps[0].id.as_deref(), Some("a"));
        assert_eq!(ps[1].path, "materials[1].colour");
        assert!(ps[1].message.contains("colour"), "{}", ps[1].message);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = load_str(Path::new("t.toml"), "[scenario]\nname = \n").unwrap_err();
        let Error::Invalid(Problems(ps)) = err else {
            panic!("expected invalid")
        };
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].line_col.map(|l| l.0), Some(2));
    }
}
