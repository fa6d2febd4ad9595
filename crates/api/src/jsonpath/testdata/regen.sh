#!/usr/bin/env bash
# Regenerates kubectl_cases.json: runs every case of cases.tsv through the real kubectl and
# records its output. Needs kubectl (v1.32 was used) and jq; no cluster: `kubectl annotate
# --local` renders the -o jsonpath template on the local file. The documents already carry
# the annotation it sets, so kubectl sees them unchanged.
#
# Each case runs RUNS times (default 3); `stable` is false when the outputs differ, which
# happens where kubectl walks a Go map in random order (`.*`, `..`). Mark such cases
# `unordered` in cases.tsv: a few runs can agree by chance.
#
# Usage: src/jsonpath/testdata/regen.sh   (from anywhere; KUBECTL=/path/to/kubectl to override)
set -euo pipefail
cd "$(dirname "$0")"
kubectl=${KUBECTL:-kubectl}
runs=${RUNS:-3}
export KUBECONFIG=/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

version=$("$kubectl" version --client -o json | jq -r .clientVersion.gitVersion)

while IFS=$'\t' read -r doc mode template order; do
  case "$doc" in '' | '#'*) continue ;; esac
  flags=()
  case "$mode" in
    lenient) ;;
    strict) flags=(--allow-missing-template-keys=false) ;;
    *) echo "bad mode '$mode' for: $template" >&2; exit 1 ;;
  esac
  stable=true
  for i in $(seq 1 "$runs"); do
    rc=0
    "$kubectl" annotate --local -f "docs/$doc.json" flotilla-golden=x "${flags[@]}" \
      -o "jsonpath=$template" >"$work/out.$i" 2>"$work/err" || rc=$?
    if [ "$i" -gt 1 ] && ! cmp -s "$work/out.1" "$work/out.$i"; then stable=false; fi
  done
  jq -n --arg doc "$doc" --arg mode "$mode" --arg template "$template" \
    --rawfile output "$work/out.1" --argjson error "$([ "$rc" -ne 0 ] && echo true || echo false)" \
    --arg message "$(head -n 1 "$work/err" | sed 's/ Printing more information.*//')" \
    --argjson stable "$stable" --arg order "${order:-}" \
    '{doc: $doc, allow_missing_keys: ($mode == "lenient"), template: $template,
      output: (if $error then "" else $output end), error: $error, kubectl_message: $message,
      unordered: ($order == "unordered"), stable: $stable}'
done <cases.tsv | jq -s --arg version "$version" '{kubectl_version: $version, cases: .}' \
  >kubectl_cases.json.new
mv kubectl_cases.json.new kubectl_cases.json
echo "wrote $(jq '.cases | length' kubectl_cases.json) cases with kubectl $version" >&2
