#!/usr/bin/env bash
# Builds the image of every service under services/ from the root Dockerfile, named zdd/<service>:<tag>: the
# names k8s/base uses (image: zdd/catalog:v1) and the overlays retag (zdd/catalog:v2).
#
#   scripts/images.sh [--minikube] [--tag TAG]... [--dry-run] [SERVICE...]
#
#   --minikube  build inside minikube's container runtime (`minikube image build`): no Docker needed on the
#               host, and the images are where the pods look for them (the minikube overlay never pulls)
#   --tag TAG   image tag, v1 unless given; repeat it to give one build several tags. One build serves as
#               v1 and v2: the version a pod reports comes from its tag, through the version label
#   --dry-run   print the commands instead of running them
#   SERVICE     folders under services/ to build (all of them when none is named)
#
# Examples:  scripts/images.sh --minikube --tag v1 --tag v2
#            scripts/images.sh --tag v3 catalog
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() {
  printf 'images: %s\n' "$*" >&2
  exit 1
}

minikube=false
dry_run=false
tags=()
services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minikube) minikube=true ;;
    --dry-run) dry_run=true ;;
    --tag)
      [ $# -ge 2 ] || fail '--tag needs a value, e.g. --tag v2'
      tags+=("$2")
      shift
      ;;
    --tag=*) tags+=("${1#--tag=}") ;;
    -h | --help)
      sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    -*) fail "unknown option $1 (see --help)" ;;
    *) services+=("$1") ;;
  esac
  shift
done
[ ${#tags[@]} -gt 0 ] || tags=(v1)

known=()
for manifest in services/*/package.json; do
  known+=("$(basename "$(dirname "$manifest")")")
done
[ ${#services[@]} -gt 0 ] || services=("${known[@]}")
for service in "${services[@]}"; do
  [ -f "services/$service/package.json" ] || fail "no service \"$service\" (services/: ${known[*]})"
done
for tag in "${tags[@]}"; do
  # The manifests' policy rejects :latest, and a tag is at most 128 of these characters.
  [[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || fail "invalid tag \"$tag\""
  [ "$tag" != latest ] || fail 'no :latest: name the version (k8s/README.md, one value per change)'
done

run() {
  printf '+ %s\n' "$*" >&2
  if [ "$dry_run" = false ]; then "$@"; fi
}

if [ "$dry_run" = false ]; then
  if [ "$minikube" = true ]; then
    command -v minikube >/dev/null ||
      fail 'minikube not found: install it (https://minikube.sigs.k8s.io/docs/start/), or build with Docker (no --minikube)'
    minikube status >/dev/null 2>&1 ||
      fail 'minikube is not running: minikube start --cpus=2 --memory=4g'
  else
    command -v docker >/dev/null ||
      fail 'docker not found: install Docker, or build inside minikube with --minikube'
    docker info >/dev/null 2>&1 ||
      fail 'docker cannot reach a Docker engine (docker info failed): start it, or build inside minikube with --minikube'
  fi
fi

for service in "${services[@]}"; do
  image="zdd/$service"
  if [ "$minikube" = true ]; then
    # minikube image build takes one tag; the others name the same image.
    run minikube image build -t "$image:${tags[0]}" --build-opt="build-arg=SERVICE=$service" .
    for tag in "${tags[@]:1}"; do
      run minikube image tag "$image:${tags[0]}" "$image:$tag"
    done
  else
    tag_args=()
    for tag in "${tags[@]}"; do tag_args+=(-t "$image:$tag"); done
    run docker build "${tag_args[@]}" --build-arg "SERVICE=$service" .
  fi
done
