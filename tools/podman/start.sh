#!/usr/bin/env bash
# Docker-compatible container runtime for @aeroml/launcher-docker's tests: podman with
# runc (crun fails on this cgroup-v1 host) and cgroupfs, no daemon.
# Idempotent: installs podman + runc when missing, writes /etc/containers/containers.conf,
# and builds the local image localhost/aero-node:test (the host's node binary plus the
# shared libraries `ldd` lists; no registry is reachable) when it is missing or stale.
# Writes .tools/podman.env. Podman runs no daemon, so there is no pid to record.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T="$ROOT/.tools"; P="$T/podman"; mkdir -p "$P"
IMAGE=localhost/aero-node:test
log() { echo "[podman] $*"; }

if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  log "installing podman and runc (apt)"
  flock /tmp/aero-apt.lock sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc uidmap slirp4netns fuse-overlayfs containernetworking-plugins >/dev/null'
fi

mkdir -p /etc/containers
if ! grep -q 'runtime = "runc"' /etc/containers/containers.conf 2>/dev/null; then
  cat > /etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi

PODMAN=(podman --runtime runc --cgroup-manager=cgroupfs)
NODE=$(readlink -f "$(command -v node)")
# The image is tagged with a digest of the node binary so a node upgrade rebuilds it.
STAMP=$(sha256sum "$NODE" | cut -c1-16)
if [ "$("${PODMAN[@]}" image inspect --format '{{index .Labels "aero.node"}}' "$IMAGE" 2>/dev/null || true)" != "$STAMP" ]; then
  log "building $IMAGE from $NODE"
  CTX=$(mktemp -d "$P/ctx.XXXXXX")
  trap 'rm -rf "$CTX"' EXIT
  R="$CTX/rootfs"; mkdir -p "$R/usr/bin" "$R/bin" "$R/tmp" "$R/etc" "$R/root"
  cp "$NODE" "$R/usr/bin/node"
  # Shared libraries node links against, copied at the same absolute paths.
  for lib in $(ldd "$NODE" | grep -o '/[^ ]*'); do
    mkdir -p "$R$(dirname "$lib")"; cp -L "$lib" "$R$lib"
  done
  # A POSIX shell and coreutils for `sh -c` style commands: busybox is static.
  if ! command -v busybox >/dev/null; then
    flock /tmp/aero-apt.lock sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null)'
  fi
  cp "$(readlink -f "$(command -v busybox)")" "$R/bin/busybox"
  for app in sh cat ls echo env id sleep mkdir rm mv; do ln -sf busybox "$R/bin/$app"; done
  chmod 1777 "$R/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
  echo 'root:x:0:' > "$R/etc/group"
  tar -C "$R" -cf "$CTX/rootfs.tar" .
  "${PODMAN[@]}" rmi -f "$IMAGE" >/dev/null 2>&1 || true
  "${PODMAN[@]}" import \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    --change "LABEL aero.node=$STAMP" \
    --change 'CMD ["/usr/bin/node"]' \
    "$CTX/rootfs.tar" "$IMAGE" >/dev/null
fi

# Ready check: run node inside the image.
out=$("${PODMAN[@]}" run --rm --network none "$IMAGE" /usr/bin/node -e 'process.stdout.write(process.version)')
log "ready ($IMAGE runs node $out)"
{
  echo "CONTAINER_RUNTIME=podman"
  echo "CONTAINER_RUNTIME_ARGS=--runtime runc --cgroup-manager=cgroupfs"
  echo "AERO_TEST_IMAGE=$IMAGE"
  echo "AERO_TEST_IMAGE_NODE=$out"
} > "$T/podman.env"
