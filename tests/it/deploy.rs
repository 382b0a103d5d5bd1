//! docs/cluster.md shows the recipes of deploy/ as they are: the block that
//! follows a line "`deploy/PATH`:" is the text of that file, and every file of
//! deploy/ is shown once. (tests/cluster/slurm.sh runs the Slurm files on a real
//! Slurm, tests/cluster/k8s.sh checks the Kubernetes manifests.)

use std::collections::BTreeMap;
use std::path::Path;

/// The fenced blocks of a Markdown page that follow a line "`deploy/…`:", by path
/// (a path shown twice has two blocks).
fn shown(page: &str) -> BTreeMap<String, Vec<String>> {
    let mut blocks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        let Some(path) = line
            .strip_prefix("`deploy/")
            .and_then(|l| l.strip_suffix("`:"))
        else {
            continue;
        };
        let fence = lines.by_ref().find(|l| !l.trim().is_empty());
        assert!(
            fence.is_some_and(|f| f.starts_with("```")),
            "docs/cluster.md: no code block after {line}"
        );
        let mut text = String::new();
        for l in lines.by_ref().take_while(|l| *l != "```") {
            text.push_str(l);
            text.push('\n');
        }
        blocks
            .entry(format!("deploy/{path}"))
            .or_default()
            .push(text);
    }
    blocks
}

/// Every file under `dir`, as a path relative to the repository root.
fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            let rel = p.strip_prefix(crate::root()).unwrap();
            out.push(rel.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn cluster_page_shows_every_deploy_file_as_it_is() {
    let blocks = shown(&crate::read("docs/cluster.md"));
    let mut deploy = Vec::new();
    files(&crate::path("deploy"), &mut deploy);
    deploy.sort();
    assert_eq!(
        blocks.keys().cloned().collect::<Vec<_>>(),
        deploy,
        "docs/cluster.md shows the files of deploy/, each after a line \"`deploy/PATH`:\""
    );
    for (path, texts) in &blocks {
        assert_eq!(
            texts.len(),
            1,
            "docs/cluster.md shows {path} more than once"
        );
        assert_eq!(
            texts[0],
            crate::read(path),
            "docs/cluster.md's block of {path} is not the file (copy the file into the page)"
        );
    }
}
