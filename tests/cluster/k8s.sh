#!/usr/bin/env bash
# Checks the Kubernetes manifests of docs/cluster.md (deploy/k8s/*.yaml) without a
# cluster: each parses as YAML and is one batch/v1 Job; a job that runs shards is
# an Indexed Job whose shard number is $JOB_COMPLETION_INDEX out of its
# completions; every job mounts the same claim and writes and reads under its
# mount; the merge job NAME-merge-job.yaml reads the files that NAME-job.yaml
# writes. Needs python3 with PyYAML (Debian's python3-yaml, installed when
# missing). Usage: tests/cluster/k8s.sh (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
py=python3
if ! "$py" -c 'import yaml' 2>/dev/null; then
  py=/usr/bin/python3
  if ! "$py" -c 'import yaml' 2>/dev/null; then
    echo "installing: python3-yaml"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-yaml >/dev/null
  fi
fi
exec "$py" - deploy/k8s/*.yaml <<'EOF'
import os, re, shlex, sys
import yaml

failed = []
def check(ok, file, what):
    if not ok:
        failed.append(f"{file}: {what}")
    return ok

jobs = {}
for file in sys.argv[1:]:
    with open(file) as f:
        docs = list(yaml.safe_load_all(f))
    if not check(len(docs) == 1, file, f"{len(docs)} documents, not one"):
        continue
    job = docs[0]
    if not check(job.get("apiVersion") == "batch/v1" and job.get("kind") == "Job",
                 file, "not a batch/v1 Job"):
        continue
    spec = job["spec"]
    pod = spec["template"]["spec"]
    check(pod.get("restartPolicy") == "Never", file, "restartPolicy is not Never")
    claims = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName")
              for v in pod.get("volumes", [])}
    (container,) = pod["containers"]
    mounts = container.get("volumeMounts", [])
    check(len(mounts) == 1, file, "not one volume mount")
    mount = mounts[0]
    claim = claims.get(mount["name"])
    check(claim is not None, file, f"mount {mount['name']!r} is no persistent volume claim")
    command = " ".join(container.get("command", []) + container.get("args", []))
    words = shlex.split(command)
    paths = [w for w in words if w.startswith("/") and w != "/bin/sh"]
    for p in paths:
        check(p.startswith(mount["mountPath"] + "/"), file,
              f"{p} is not on the shared volume ({mount['mountPath']})")
    shard = re.search(r'--shard "\$JOB_COMPLETION_INDEX/(\d+)"', command)
    if "--shard" in command:
        check(spec.get("completionMode") == "Indexed", file, "shards without completionMode: Indexed")
        check(shard is not None, file, "--shard does not take $JOB_COMPLETION_INDEX/N")
        if shard:
            check(int(shard.group(1)) == spec.get("completions"), file,
                  f"--shard .../{shard.group(1)} but completions: {spec.get('completions')}")
        check("exec symbio" in command, file, "symbio is not exec'd (SIGTERM would not reach it)")
    else:
        check("completionMode" not in spec, file, "a job without shards is Indexed")
    outputs = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("-o", "--output")]
    jobs[os.path.basename(file)] = {"claim": claim, "outputs": outputs, "words": words,
                                    "sharded": shard is not None}
    print(f"{file}: {job['metadata']['name']}, "
          + (f"{spec.get('completionMode')}, {spec.get('completions')} completions, " if shard else "")
          + f"claim {claim} at {mount['mountPath']}")

for name, job in jobs.items():
    if not job["sharded"]:
        continue
    merge_name = name.replace("-job.yaml", "-merge-job.yaml")
    merge = jobs.get(merge_name)
    if not check(merge is not None, name, f"no {merge_name}"):
        continue
    check(merge["claim"] == job["claim"], merge_name, f"claim {merge['claim']} is not {job['claim']}")
    for out in job["outputs"]:
        glob = out.replace("$JOB_COMPLETION_INDEX", "*")
        check(glob in merge["words"], merge_name, f"does not read {glob} ({name} writes {out})")

if failed:
    print("\n".join(["FAIL:"] + failed))
    sys.exit(1)
print(f"{len(jobs)} manifests checked")
EOF
