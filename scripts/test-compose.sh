#!/usr/bin/env bash
# `make test-compose`: runs compose/docker-compose.yml for real and checks the namespace topology's scenario there.
#
#   1. installs Debian's docker.io and docker-compose when missing;
#   2. starts a Docker engine inside a network namespace of its own (nsenter --net, with its own --data-root,
#      --exec-root and unix socket under a temp dir), so its bridge, its containers and their traffic stay in
#      that namespace, which has no route out;
#   3. builds the image from the executables (scripts/compose-image.sh);
#   4. `docker-compose up -d`: apiserver, endpoints-controller, coredns-controller, node-1..3;
#   5. checks that a client without the apiserver's CURVE key, and one with a made-up token, are refused (the
#      cluster runs with compose/auth/'s tokens, RBAC policy and key pair);
#      `skiffctl apply --wait -f manifests/`; waits for the ent Pods to be Ready; then from every node container:
#      curl each ent Pod's own IP (the Pod network across nodes), dig the Service's name at the cluster DNS, and
#      curl its ClusterIP until every ent Pod has answered (kube-proxy's rules). Every check runs, then the
#      failures are listed;
#   6. always (also on failure or Ctrl-C): the logs when something failed, `docker-compose down`, stop the engine,
#      delete its namespace and temp dir.
#
# Root only. Environment: SKIFF_BIN (the executables to put in the image, release or debug; default:
# swift build -c release $SWIFTFLAGS), SKIFF_PROXY_MODE (the nodes' kube-proxy mode, default nftables; `none`
# runs no kube-proxy, for diagnosis: then apply does not --wait and the ClusterIP checks are skipped), KEEP=1
# (leave the cluster up when the scenario passed, and print how to reach and stop it).
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
COMPOSE_FILE="$ROOT/compose/docker-compose.yml"
PROJECT=skiff-test
NETNS="skiff-docker-$$"
NODES=3
DNS=10.244.255.254
SERVICE=ent.default.svc.cluster.local
PODS=(ent-1 ent-2)
export SKIFF_PROXY_MODE="${SKIFF_PROXY_MODE:-nftables}"
export SKIFF_IMAGE="${SKIFF_IMAGE:-skiff:test}"

now() { date +%s; }
START="$(now)"
step() { printf '\n==> [%3d s] %s\n' "$(( $(now) - START ))" "$*"; }
die() { printf 'test-compose: FAILED: %s\n' "$*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "needs root (a network namespace and a Docker engine of its own)"
for tool in ip nsenter; do command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install iproute2 util-linux)"; done

step "packages: docker.io docker-compose (and the tools copied into the image)"
missing=()
for pkg in docker.io docker-compose iproute2 nftables dnsutils curl; do
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null)" == ii* ]] || missing+=("$pkg")
done
if (( ${#missing[@]} )); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's client matches Debian's engine (a newer client elsewhere on PATH has no compose plugin anyway).
DOCKER=/usr/bin/docker
export DOCKER

TMP="$(mktemp -d "${TMPDIR:-/tmp}/skiff-compose.XXXXXX")"
export DOCKER_HOST="unix://$TMP/docker.sock"
DOCKERD_PID=""
COMPOSE=(docker-compose -p "$PROJECT" -f "$COMPOSE_FILE")
UP=0

# Stops everything this script started, in reverse order, whatever state it is in.
cleanup() {
  local rc=$? deadline mounts m
  trap - EXIT INT TERM
  if (( UP )); then
    if (( rc != 0 )); then
      step "failed (exit $rc): container states and the last log lines"
      "${COMPOSE[@]}" ps || true
      "${COMPOSE[@]}" logs --no-color --tail 40 || true
    fi
    if [[ "${KEEP:-}" == 1 && $rc == 0 ]]; then
      step "KEEP=1: the cluster stays up"
      printf '  export DOCKER_HOST=%s\n  %s exec apiserver skiffctl get pods -A -o wide\n' "$DOCKER_HOST" "${COMPOSE[*]}"
      printf '  stop it: %s down; kill %s (and wait until it has exited); ip netns del %s; rm -rf %s\n' "${COMPOSE[*]}" "$DOCKERD_PID" "$NETNS" "$TMP"
      exit 0
    fi
    step "docker-compose down"
    timeout 120 "${COMPOSE[@]}" down --volumes --timeout 10 || true
  fi
  if [[ -n "$DOCKERD_PID" ]] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    step "stopping dockerd (pid $DOCKERD_PID)"
    kill -TERM "$DOCKERD_PID" 2>/dev/null || true
    deadline=$(( $(now) + 30 ))
    while kill -0 "$DOCKERD_PID" 2>/dev/null && (( $(now) < deadline )); do sleep 0.2; done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then
      printf 'test-compose: dockerd did not exit within 30 s of SIGTERM; SIGKILL\n' >&2
      kill -KILL "$DOCKERD_PID" 2>/dev/null || true
    fi
    wait "$DOCKERD_PID" 2>/dev/null || true
  fi
  # A killed engine can leave its overlay and shm mounts behind; never rm -rf through a mount.
  mounts="$(awk -v t="$TMP/" 'index($2, t) == 1 { print $2 }' /proc/self/mounts | sort -r)"
  [[ -z "$mounts" ]] || while read -r m; do umount -l "$m" 2>/dev/null || true; done <<<"$mounts"
  ip netns del "$NETNS" 2>/dev/null || true
  if ! awk -v t="$TMP/" 'index($2, t) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then rm -rf -- "$TMP"; fi
  printf '\ntest-compose: %s after %s s\n' "$( (( rc == 0 )) && echo passed || echo "FAILED (exit $rc)")" "$(( $(now) - START ))"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bin_dir="${SKIFF_BIN:-}"
step "executables: ${bin_dir:-swift build -c release ${SWIFTFLAGS:-}}"
if [[ -z "$bin_dir" ]]; then
  # shellcheck disable=SC2086 # SWIFTFLAGS is a list of flags
  (cd "$ROOT" && swift build -c release ${SWIFTFLAGS:-})
  # shellcheck disable=SC2086
  bin_dir="$(cd "$ROOT" && swift build -c release ${SWIFTFLAGS:-} --show-bin-path)"
fi
export SKIFF_BIN="$bin_dir"

step "dockerd in network namespace $NETNS (state in $TMP)"
ip netns add "$NETNS"
ip -n "$NETNS" link set lo up
# nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup mounts dockerd needs. --iptables=false:
# the namespace has no way out, so there is nothing to NAT, and the host's iptables are never touched.
nsenter --net="/run/netns/$NETNS" dockerd --data-root "$TMP/data" --exec-root "$TMP/exec" -H "$DOCKER_HOST" \
  --pidfile "$TMP/dockerd.pid" --iptables=false --ip-masq=false --bridge=none --log-level warn \
  >"$TMP/dockerd.log" 2>&1 &
DOCKERD_PID=$!
deadline=$(( $(now) + 60 ))
until "$DOCKER" info >/dev/null 2>&1; do
  kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -n 20 "$TMP/dockerd.log" >&2; die "dockerd exited during startup"; }
  (( $(now) < deadline )) || { tail -n 20 "$TMP/dockerd.log" >&2; die "dockerd did not answer within 60 s"; }
  sleep 0.2
done

step "image $SKIFF_IMAGE (scripts/compose-image.sh)"
bash "$ROOT/scripts/compose-image.sh"

step "docker-compose up -d (proxy mode $SKIFF_PROXY_MODE)"
UP=1
"${COMPOSE[@]}" up -d

# Runs skiffctl in the apiserver container.
skiffctl() { "${COMPOSE[@]}" exec -T apiserver skiffctl "$@"; }

# Fails at once when a container has stopped (a node whose kubelet or kube-proxy exited, say).
all_running() {
  local stopped
  stopped="$("${COMPOSE[@]}" ps --services --filter status=stopped 2>/dev/null | tr '\n' ' ')"
  [[ -z "${stopped// /}" ]] || die "container(s) stopped: $stopped(their logs follow)"
}

# Polls CHECK (a command) every 0.5 s until it succeeds or SECONDS pass.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$(( $(now) + seconds ))
  until "$@" >/dev/null 2>&1; do
    all_running
    (( $(now) < deadline )) || die "$what: not within $seconds s"
    sleep 0.5
  done
}
nodes_ready() { [[ "$(skiffctl get nodes --no-headers 2>/dev/null | grep -cw Ready)" -eq "$NODES" ]]; }

step "waiting for the apiserver and $NODES Ready nodes"
wait_for "the apiserver answering" 60 skiffctl get namespaces
wait_for "$NODES nodes Ready" 90 nodes_ready
skiffctl get nodes -o wide

# Every check below runs even when an earlier one failed, so one run shows all that is broken.
failures=()
step "security: node-1 without the apiserver's public key, then with it but a made-up token"
server_key="$(awk '$1 == "server-key:" { print $2 }' "$ROOT/compose/auth/admin.config")"
refused() {  # COMMAND...: must fail, within 20 s, with output matching $expect
  local out
  if out="$(timeout 20 "${COMPOSE[@]}" exec -T node-1 env SKIFF_CONFIG=/nonexistent "$@" 2>&1)"; then
    failures+=("'$*' from node-1 was not refused: $out")
  elif [[ ! "$out" =~ $expect ]]; then
    failures+=("'$*' from node-1 failed, but not with /$expect/: $out")
  else
    printf 'refused: %s\n' "$(tr -d '\r' <<<"$out" | tail -n 1)"
  fi
}
expect='CURVE|handshake|timed out' refused skiffctl --server tcp://10.244.255.250:6443 get namespaces
expect='Unauthorized' refused skiffctl --server tcp://10.244.255.250:6443 --server-key "$server_key" --token made-up get namespaces
step "skiffctl apply -f /manifests/ (the repo's manifests/)"
if [[ "$SKIFF_PROXY_MODE" == none ]]; then
  skiffctl apply -f /manifests/
else
  skiffctl apply --wait --timeout 60s -f /manifests/ || failures+=("skiffctl apply --wait failed (its message is above)")
fi
skiffctl get svc -A -o wide
skiffctl get pods -A -o wide

pods_ready() { [[ "$(skiffctl get pods --no-headers 2>/dev/null | grep -E "^($(IFS='|'; echo "${PODS[*]}")) " | grep -c ' 1/1 ')" -eq ${#PODS[@]} ]]; }
wait_for "${PODS[*]} Ready" 60 pods_ready
# "ent-1 10.244.1.2" lines: each Pod's IP, for checking Pod networking across nodes without the proxy.
pod_ips=()
while read -r name podip; do pod_ips+=("$name=$podip"); done < <(skiffctl get pods -o wide --no-headers | awk '{ print $1, $6 }' | grep -E "^($(IFS='|'; echo "${PODS[*]}")) ")

for (( n = 1; n <= NODES; n++ )); do
  node="node-$n"
  step "$node: curl every ent Pod's own IP (Pod network across nodes)"
  for entry in "${pod_ips[@]}"; do
    answer="$("${COMPOSE[@]}" exec -T "$node" curl -sS --max-time 2 "http://${entry#*=}:8080/" 2>&1 | tr -d '\r' || true)"
    printf '%s: %s\n' "${entry#*=}" "$answer"
    [[ "$answer" == "${entry%%=*}"* ]] || failures+=("$node: Pod ${entry%%=*} at ${entry#*=}:8080 answered '$answer'")
  done

  step "$node: dig @$DNS $SERVICE"
  ip=""
  deadline=$(( $(now) + 30 ))
  while :; do
    ip="$("${COMPOSE[@]}" exec -T "$node" dig +time=1 +tries=1 +short "@$DNS" "$SERVICE" A 2>/dev/null | tr -d '\r' | head -n 1 || true)"
    [[ "$ip" =~ ^10\.(9[6-9]|10[0-9]|11[01])\.[0-9]+\.[0-9]+$ ]] && break
    (( $(now) < deadline )) || break
    sleep 0.5
  done
  if [[ ! "$ip" =~ ^10\. ]]; then failures+=("$node: dig answered '${ip}' for $SERVICE"); continue; fi
  printf '%s -> %s\n' "$SERVICE" "$ip"
  [[ "$SKIFF_PROXY_MODE" == none ]] && continue

  step "$node: curl http://$ip/ until ${PODS[*]} have answered"
  seen=()
  deadline=$(( $(now) + 30 ))
  while (( ${#seen[@]} < ${#PODS[@]} && $(now) < deadline )); do
    answer="$("${COMPOSE[@]}" exec -T "$node" curl -sS --max-time 2 "http://$ip/" 2>/dev/null | tr -d '\r' || true)"
    for pod in "${PODS[@]}"; do
      [[ "$answer" == "$pod"* && " ${seen[*]} " != *" $pod "* ]] && seen+=("$pod")
    done
  done
  printf 'answered through %s from %s: %s\n' "$ip" "$node" "${seen[*]:-none}"
  (( ${#seen[@]} == ${#PODS[@]} )) || failures+=("$node: only '${seen[*]:-none}' of ${PODS[*]} answered on http://$ip/ within 30 s")
done

if (( ${#failures[@]} )); then
  printf 'test-compose: %s\n' "${failures[@]}" >&2
  die "${#failures[@]} check(s) failed"
fi
[[ "$SKIFF_PROXY_MODE" == none ]] && printf '\ntest-compose: SKIFF_PROXY_MODE=none: DNS checked, ClusterIP traffic not\n'
step "scenario passed"
