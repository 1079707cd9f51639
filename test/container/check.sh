#!/usr/bin/env bash
# Proves the Dockerfile on a machine that cannot reach Docker Hub (no Docker engine, no systemd):
#   1. podman, buildah and debootstrap from Debian;
#   2. a local stand-in for node:20-bookworm-slim: Debian bookworm (debootstrap, minbase) plus
#      this machine's Node.js 20 and npm, laid out as the official image does (/usr/local);
#   3. buildah bud --target $TARGET with NODE_IMAGE pointing at that base;
#   4. the image run as the pods run it (read-only root, /tmp a tmpfs, no capabilities, no new
#      privileges) against the local infrastructure (npm run infra:up: PostgreSQL, NATS, Kafka,
#      S3Proxy, with test/infra's default credentials); then its user must be 10001, its gRPC
#      health must answer SERVING, /app must not be writable, and SIGTERM must stop it cleanly.
# Idempotent: the base is made once and reused; the image is built again each run (buildah
# without --layers: with the vfs driver, committing every step costs more than it saves).
# Needs root; slow (`npm ci` from the registry), so it is not part of npm test.
#   sudo test/container/check.sh            # TARGET=accounting by default
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
TARGET=${TARGET:-accounting}
BASE_IMAGE=${BASE_IMAGE:-localhost/node:20-bookworm-slim}
ROOTFS=${ROOTFS:-/var/tmp/loanflow-base/rootfs}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
# overlay needs a kernel and a filesystem that allow it; vfs works everywhere, only slower.
STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}
# crun (podman's default) refuses this machine's hybrid cgroups (v1 controllers beside an empty
# cgroup2): "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"; runc runs.
OCI_RUNTIME=${OCI_RUNTIME:-runc}
# BUILD=no runs the image built last time.
BUILD=${BUILD:-yes}
DATABASE=${DATABASE:-loanflow_container_check}
CONTAINER=loanflow-check-$TARGET
IMAGE=localhost/loanflow/$TARGET

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}
podman() { command podman --storage-driver "$STORAGE_DRIVER" --runtime "$OCI_RUNTIME" "$@"; }
buildah() { command buildah --storage-driver "$STORAGE_DRIVER" "$@"; }

[ "$(id -u)" = 0 ] || fail 'run as root (debootstrap, buildah and podman need it here)'
case $TARGET in
  identity | notifications | reporting | accounting | applications | documents | workflow) ;;
  *) fail "TARGET must be a gRPC service (the gateway and ops are not probed here), not '$TARGET'" ;;
esac

step "tools: podman, buildah, debootstrap, $OCI_RUNTIME (Debian packages)"
missing=()
for tool in podman buildah debootstrap "$OCI_RUNTIME"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi
command podman --version
command buildah --version

step "base image $BASE_IMAGE"
if podman image exists "$BASE_IMAGE"; then
  echo "exists; kept (podman rmi $BASE_IMAGE to make it again)"
else
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  case $("$node_bin" --version) in v20.*) ;; *) fail "$node_bin is not Node.js 20" ;; esac
  if [ ! -x "$ROOTFS/usr/bin/apt-get" ] || [ ! -f "$ROOTFS/.debootstrap-done" ]; then
    echo "debootstrap --variant=minbase bookworm $ROOTFS"
    rm -rf "$ROOTFS"
    mkdir -p "$ROOTFS"
    debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR"
    touch "$ROOTFS/.debootstrap-done"
  fi
  echo "node $("$node_bin" --version) from $node_bin, npm from $npm_dir → $ROOTFS/usr/local"
  install -D -m 0755 "$node_bin" "$ROOTFS/usr/local/bin/node"
  rm -rf "$ROOTFS/usr/local/lib/node_modules/npm"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$ROOTFS/usr/local/lib/node_modules/npm"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  # The official image has a user node (1000) too; images built on it may rely on that.
  chroot "$ROOTFS" sh -c 'id node >/dev/null 2>&1 ||
    { groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node; }'
  # Where TLS to the registry is re-signed by a proxy (this sandbox's egress), Node must trust
  # the machine's CA bundle, as the host's Node does; the official image needs nothing of this.
  extra_ca=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    echo "NODE_EXTRA_CA_CERTS: $NODE_EXTRA_CA_CERTS → /etc/ssl/certs/host-ca-bundle.crt"
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$ROOTFS/etc/ssl/certs/host-ca-bundle.crt"
    extra_ca=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-bundle.crt')
  fi
  chroot "$ROOTFS" env -u NODE_EXTRA_CA_CERTS node --version
  chroot "$ROOTFS" env -u NODE_EXTRA_CA_CERTS npm --version
  echo "podman import (without debootstrap's marker, apt's downloads and lists)"
  tar -C "$ROOTFS" --exclude=./.debootstrap-done --exclude='./var/cache/apt/archives/*.deb' \
    --exclude='./var/lib/apt/lists/*' -c . |
    podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["node"]' "${extra_ca[@]}" - "$BASE_IMAGE"
fi

if [ "$BUILD" = no ] && podman image exists "$IMAGE"; then
  step "BUILD=no: $IMAGE as built last time"
else
  step "buildah bud --target $TARGET → $IMAGE (npm ci needs the registry: host network)"
  buildah bud --isolation chroot --network host \
    --build-arg "NODE_IMAGE=$BASE_IMAGE" --target "$TARGET" -t "$IMAGE" -f "$REPO/Dockerfile" "$REPO"
fi

# The sandbox lacks CAP_SYS_RESOURCE, and podman's default limits (even --ulimit host) are above
# what it may set: "setrlimit RLIMIT_NOFILE: Operation not permitted". Limits it may set instead.
LIMITS=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)

step 'image contents: its own workspaces and production dependencies, no dev tools, no tests'
inventory=$(podman run --rm --network none "${LIMITS[@]}" "$IMAGE" sh -c \
  'cd node_modules && ls -d * @*/*; find /app -path /app/node_modules -prune -o -name "*.test.*" -print')
for present in "@loanflow/$TARGET" @loanflow/platform @loanflow/proto @grpc/grpc-js; do
  grep -qx -- "$present" <<<"$inventory" || fail "$present is not in the image"
done
for absent in typescript jest @swc/core @swc/jest @bufbuild/buf ts-proto eslint prettier \
  embedded-postgres @loanflow/launcher @loanflow/test @loanflow/gateway; do
  if grep -qx -- "$absent" <<<"$inventory"; then fail "$absent is in the image"; fi
done
if grep -q '\.test\.' <<<"$inventory"; then fail "compiled tests are in the image"; fi
echo "ok: $(grep -c . <<<"$inventory") packages"

step "a database of its own: $DATABASE"
(cd "$REPO" && node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  (async () => {
    await c.connect();
    const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [process.argv[1]]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE ${process.argv[1]}`);
    await c.end();
  })().catch((e) => { console.error(e.message); process.exit(1); });
' "$DATABASE")

# Free ports for this run: other processes on the machine may hold the default ones.
read -r GRPC_PORT METRICS_PORT < <(cd "$REPO" && node -e '
  const net = require("net");
  const free = () => new Promise((ok) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => ok(p)); }); });
  Promise.all([free(), free()]).then((p) => console.log(p.join(" ")));
')
# Accounting verifies tokens at boot; a throwaway key pair is enough for a health check.
AUTH_JWT_PUBLIC_KEY=$(node -e '
  const { generateKeyPairSync } = require("crypto");
  process.stdout.write(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }));
')
export AUTH_JWT_PUBLIC_KEY
VARIABLE=$(tr '[:lower:]' '[:upper:]' <<<"$TARGET")

step "podman run $IMAGE (read-only root, tmpfs /tmp, no capabilities) on port $GRPC_PORT"
podman rm -f "$CONTAINER" >/dev/null 2>&1 || true
cleanup() { podman rm -f "$CONTAINER" >/dev/null 2>&1 || true; }
trap cleanup EXIT
podman run -d --name "$CONTAINER" --network host "${LIMITS[@]}" \
  --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
  -e "DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DATABASE" \
  -e NATS_URL=nats://127.0.0.1:4222 -e EVENTS_NAMESPACE=containercheck \
  -e "${VARIABLE}_GRPC_HOST=127.0.0.1" -e "${VARIABLE}_GRPC_PORT=$GRPC_PORT" \
  -e "METRICS_PORT=$METRICS_PORT" -e METRICS_HOST=127.0.0.1 \
  -e AUTH_JWT_PUBLIC_KEY -e SHUTDOWN_TIMEOUT_MS=5000 \
  -e KAFKA_BROKERS=127.0.0.1:19092 -e S3_ENDPOINT=http://127.0.0.1:19000 \
  -e S3_ACCESS_KEY=loanflow -e S3_SECRET_KEY=loanflow-secret \
  "$IMAGE"

step 'gRPC health (grpc.health.v1 Check, service "")'
if ! (cd "$REPO" && node test/container/grpc-health.js "127.0.0.1:$GRPC_PORT" '' 90000); then
  podman logs "$CONTAINER" | tail -40
  fail 'the service did not answer SERVING'
fi

step 'the process runs as 10001 under tini, the root filesystem is read-only, /tmp is writable'
uid=$(podman exec "$CONTAINER" id -u)
[ "$uid" = 10001 ] || fail "id -u is $uid, not 10001"
echo "id: $(podman exec "$CONTAINER" id)"
pid1=$(podman exec "$CONTAINER" cat /proc/1/cmdline | tr '\0' ' ')
echo "PID 1: $pid1"
case $pid1 in /usr/bin/tini*) ;; *) fail 'PID 1 is not tini' ;; esac
if podman exec "$CONTAINER" sh -c 'touch /app/written 2>/dev/null'; then fail '/app is writable'; fi
podman exec "$CONTAINER" sh -c 'touch /tmp/written && rm /tmp/written' || fail '/tmp is not writable'
echo 'ok'

# Served once the platform reads METRICS_PORT beyond its config schema (the metrics work).
if podman exec "$CONTAINER" grep -rlq --include=*.js --exclude=config.js METRICS_PORT \
  packages/platform/dist services/"$TARGET"/dist; then
  step "metrics on port $METRICS_PORT"
  metrics=$(cd "$REPO" && node -e '
    fetch(process.argv[1]).then(async (r) => { const t = await r.text(); console.log(r.status, t.split("\n").length, "lines"); process.exit(r.ok ? 0 : 1); })
      .catch((e) => { console.log(e.message); process.exit(1); });
  ' "http://127.0.0.1:$METRICS_PORT/metrics") || fail "no metrics: $metrics"
  echo "GET /metrics: $metrics"
else
  step 'metrics: this build does not serve METRICS_PORT yet; not checked'
fi

step 'SIGTERM reaches Node through tini: a graceful stop exits 0'
podman stop -t 30 "$CONTAINER" >/dev/null
code=$(podman inspect -f '{{.State.ExitCode}}' "$CONTAINER")
podman logs "$CONTAINER" 2>&1 | tail -5
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo 'ok: exit code 0'

printf '\nPASSED: %s built from %s runs as 10001, read-only, SERVING, stops on SIGTERM\n' \
  "$IMAGE" "$BASE_IMAGE"
