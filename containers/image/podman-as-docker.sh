#!/usr/bin/env bash
# podman in the place of docker for wrangler (WRANGLER_DOCKER_BIN=<this file>): wrangler's
# container build runs `docker build --load … --provenance=false …`, flags of buildx that podman
# 4.3 does not know. They are dropped (podman stores what it builds, and writes no provenance).
# `-f -` (the Dockerfile on stdin, which podman cannot open when stdin is a socket, as Node
# makes it) becomes a temporary file. The build gets podman's Docker image format, the host's network for its RUN steps, and the
# machine's CA bundle as the build secret `build_ca` (containers/Dockerfile). Every other
# command goes to podman unchanged.
set -euo pipefail
if [ "${1:-}" != build ]; then exec podman "$@"; fi
shift
args=(build --format docker --network host)
ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
[ -f "$ca" ] && args+=(--secret "id=build_ca,src=$ca")
dockerfile=""
trap '[ -z "$dockerfile" ] || rm -f "$dockerfile"' EXIT
previous=""
for arg in "$@"; do
  if [ "$previous" = -f ] && [ "$arg" = - ]; then
    dockerfile=$(mktemp)
    cat >"$dockerfile"
    arg="$dockerfile"
  fi
  previous="$arg"
  case "$arg" in
    --load | --provenance=*) ;;
    *) args+=("$arg") ;;
  esac
done
podman "${args[@]}"
