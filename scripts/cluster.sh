#!/usr/bin/env bash
# Runs a one-host Skiff cluster: every component is a separate process with its own log and pid file.
#
#   scripts/cluster.sh up              start what is built, wait until it serves, print where to look
#   scripts/cluster.sh down            stop everything (SIGTERM, then SIGKILL after a deadline); keeps data
#   scripts/cluster.sh status          which components run (exit 0 all running, 3 none, 1 some died)
#   scripts/cluster.sh logs [NAME]     follow all logs, or one component's (NAME or NAME-N for node ones)
#   scripts/cluster.sh clean           down, then delete the state directory
#
# Environment: DATA (state dir, default <repo>/.skiff), NODES (default 2), TOPOLOGY (loopback, the default:
# every component on this host's loopback; or netns: a network namespace per node and per Pod, kube-proxy in
# nftables mode, root only, see scripts/netns-topology.sh), SKIFF_BIN (the directory with
# the built executables, default: `swift build -c release --show-bin-path`), SKIFF_LISTEN,
# SKIFF_WATCH_LISTEN, SKIFF_DNS_LISTEN, SKIFF_SERVICE_CIDR (endpoints), SKIFF_CONFIG (skiffctl config file,
# default ~/.skiff/config).
#
# State under $DATA: data/ (the apiserver's store), logs/NAME.log, run/NAME.pid, bin/ (symlinks to the
# built executables, for PATH).
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${DATA:-$ROOT/.skiff}"
[[ "$DATA" == /* ]] || DATA="$PWD/$DATA"
NODES="${NODES:-2}"
TOPOLOGY="${TOPOLOGY:-loopback}"
# A cluster that is up keeps the topology it was started with (for down, status and a plain make up).
[[ -s "$DATA/run/topology" ]] && TOPOLOGY="$(<"$DATA/run/topology")"
case "$TOPOLOGY" in
  loopback)
    LISTEN="${SKIFF_LISTEN:-tcp://127.0.0.1:6443}"
    WATCH="${SKIFF_WATCH_LISTEN:-tcp://127.0.0.1:6444}"
    DNS="${SKIFF_DNS_LISTEN:-127.0.0.1:1053}"
    SERVICE_CIDR="${SKIFF_SERVICE_CIDR:-127.96.0.0/16}"
    ;;
  netns)
    # Unix sockets reach the node namespaces; DNS listens on the lan bridge, where every node reaches it.
    LISTEN="${SKIFF_LISTEN:-ipc://$DATA/run/api.sock}"
    WATCH="${SKIFF_WATCH_LISTEN:-ipc://$DATA/run/watch.sock}"
    DNS="${SKIFF_DNS_LISTEN:-10.244.255.254:53}"
    SERVICE_CIDR="${SKIFF_SERVICE_CIDR:-10.96.0.0/12}"
    ;;
  *) printf 'cluster: TOPOLOGY must be loopback or netns, not %s\n' "$TOPOLOGY" >&2; exit 1 ;;
esac
CONFIG_FILE="${SKIFF_CONFIG:-${HOME:+$HOME/.skiff/config}}"
CONFIG_MARK="# written by skiff make up"

READY_TIMEOUT_MS=30000  # how long a component may take to answer its readiness probe
STOP_TIMEOUT_MS=10000   # how long a component may take to exit after SIGTERM before it gets SIGKILL
POLL=0.2                # seconds between readiness polls

# The components, in start order (stopped in reverse). To add one, add a line. Columns:
#   name   the executable in the build dir, also the log/pid name; started only if it has been built
#   per    cluster: one instance; node: one per node, named NAME-N (N = 1..NODES)
#   ready  readiness probe run after start: api (skiffctl get namespaces), node (the node's kubelet
#          reports it Ready), dns (dig the dns-version TXT
#          record), or - (none: only checked to be still alive)
#   where  with TOPOLOGY=netns, the namespace it runs in: host, lan (skiff-lan) or node (skiff-node-N)
#   args   the arguments; {data} {server} {watch} {dns} {service_cidr} {node} {n} {pod_cidr} {node_ip}
#          {proxy_mode} {pod_network} are filled in (the last four depend on the topology)
COMPONENTS=(
  "apiserver             cluster  api  host --data-dir {data}/data --listen {server} --watch-listen {watch} --service-cidr {service_cidr} --token-file {data}/auth/tokens.csv --authorization-policy {data}/auth/policy.yaml --audit-log {data}/logs/audit.log --curve-secret-key-file {data}/auth/apiserver.key"
  "endpoints-controller  cluster  -    host --server {server} --config {data}/auth/endpoints-controller.config"
  "coredns-controller    cluster  dns  lan  --server {server} --config {data}/auth/coredns.config --dns-listen {dns}"
  "kube-proxy            node     -    node --server {server} --config {data}/auth/{node}.config --node {node} --mode {proxy_mode}"
  "kubelet               node     node node --server {server} --config {data}/auth/{node}.config --node {node} --pod-cidr {pod_cidr} --node-ip {node_ip} --pod-network {pod_network} --root-dir {data}/nodes/{node}"
)
CLIENTS=(skiffctl)  # linked into bin/ but not started

say() { printf '%s\n' "$*"; }
warn() { printf 'cluster: warning: %s\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

# A path as the user would type it: relative when it is under the current directory.
show() { if [[ "$1" == "$PWD"/* ]]; then printf '%s' "${1#"$PWD"/}"; else printf '%s' "$1"; fi; }

now_ms() { local t="${EPOCHREALTIME//[.,]/}"; printf '%s' $((t / 1000)); }

# Fills the {placeholders} of one argument. The replacements are quoted, so `&` in a path stays literal.
expand() {
  local word="$1" node="$2" n="$3"
  word="${word//\{data\}/"$DATA"}"
  word="${word//\{server\}/"$LISTEN"}"
  word="${word//\{watch\}/"$WATCH"}"
  word="${word//\{dns\}/"$DNS"}"
  word="${word//\{service_cidr\}/"$SERVICE_CIDR"}"
  word="${word//\{node\}/"$node"}"
  word="${word//\{n\}/"$n"}"
  if [[ "$TOPOLOGY" == netns ]]; then
    word="${word//\{pod_cidr\}/"10.244.$n.0/24"}"
    word="${word//\{node_ip\}/"10.244.255.$n"}"
    word="${word//\{proxy_mode\}/nftables}"
    word="${word//\{pod_network\}/netns}"
  else
    word="${word//\{pod_cidr\}/"127.244.$n.0/24"}"
    word="${word//\{node_ip\}/127.0.0.1}"
    word="${word//\{proxy_mode\}/userspace}"
    word="${word//\{pod_network\}/loopback}"
  fi
  printf '%s' "$word"
}

# True when PID is alive and runs executable NAME: a recycled pid, or a zombie (whose cmdline is empty), is not.
runs() {
  local pid="$1" name="$2" argv0=""
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] || return 1
  IFS= read -r -d '' argv0 2>/dev/null <"/proc/$pid/cmdline" || true
  [[ -n "$argv0" && "${argv0##*/}" == "$name" ]]
}

# True when PID exists and is not a zombie (a child of ours that has exited but is not yet reaped).
alive() { kill -0 "$1" 2>/dev/null && [[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

pid_of() { local f="$DATA/run/$1.pid"; [[ -r "$f" ]] && tr -dc '0-9' <"$f"; }

# Prints "INSTANCE NAME" for every component that has a pid file, in start order.
recorded() {
  local row name per ready args f n ns
  for row in "${COMPONENTS[@]}"; do
    read -r name per ready where args <<<"$row"
    if [[ "$per" == cluster ]]; then
      [[ -e "$DATA/run/$name.pid" ]] && say "$name $name"
    else
      ns=()
      for f in "$DATA/run/$name"-*.pid; do
        [[ -e "$f" ]] || continue
        n="${f##*-}"; n="${n%.pid}"
        [[ "$n" =~ ^[0-9]+$ ]] && ns+=("$n")
      done
      (( ${#ns[@]} )) || continue
      printf '%s\n' "${ns[@]}" | sort -n | while read -r n; do say "$name-$n $name"; done
    fi
  done
}

# Stops one instance: SIGTERM, poll until it is gone, SIGKILL (with a warning) after STOP_TIMEOUT_MS.
stop_one() {
  local inst="$1" name="$2" pid deadline
  pid="$(pid_of "$inst" || true)"
  if [[ -z "$pid" ]] || ! runs "$pid" "$name"; then
    say "$inst had already exited"
  else
    say "stopping $inst (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(( $(now_ms) + STOP_TIMEOUT_MS ))
    while runs "$pid" "$name" && (( $(now_ms) < deadline )); do sleep 0.1; done
    if runs "$pid" "$name"; then
      warn "$inst (pid $pid) did not exit within $((STOP_TIMEOUT_MS / 1000)) s of SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(( $(now_ms) + 5000 ))
      while runs "$pid" "$name" && (( $(now_ms) < deadline )); do sleep 0.1; done
      runs "$pid" "$name" && warn "$inst (pid $pid) is still there after SIGKILL"
    fi
  fi
  rm -f "$DATA/run/$inst.pid"
}

# Stops instances given as "INSTANCE NAME" lines, last first.
stop_lines() {
  local lines=() i inst name
  mapfile -t lines
  for (( i = ${#lines[@]} - 1; i >= 0; i-- )); do
    read -r inst name <<<"${lines[i]}"
    stop_one "$inst" "$name"
  done
}

cmd_down() {
  local lines
  lines="$(recorded)"
  if [[ -z "$lines" ]]; then
    say "Skiff is not running (nothing recorded in $(show "$DATA/run"))."
    return 0
  fi
  stop_lines <<<"$lines"
  if [[ "$TOPOLOGY" == netns ]]; then bash "$ROOT/scripts/netns-topology.sh" down; fi
  rm -f -- "$DATA/run/topology"
  say "Skiff is stopped. Its data stays in $(show "$DATA/data"); \`make clean\` wipes it."
}

# Prints one line per recorded instance. Exit: 0 all running, 3 nothing recorded, 1 some have died.
cmd_status() {
  local lines inst name pid dead=0
  lines="$(recorded)"
  if [[ -z "$lines" ]]; then
    say "Skiff is not running (state: $(show "$DATA"))."
    return 3
  fi
  while read -r inst name; do
    pid="$(pid_of "$inst" || true)"
    if [[ -n "$pid" ]] && runs "$pid" "$name"; then
      printf '  %-24s running  pid %-8s log %s\n' "$inst" "$pid" "$(show "$DATA/logs/$inst.log")"
    else
      printf '  %-24s STOPPED  (pid %s is gone; see %s)\n' "$inst" "${pid:-?}" "$(show "$DATA/logs/$inst.log")"
      dead=1
    fi
  done <<<"$lines"
  (( dead == 0 )) || { say "Some components have stopped: \`make logs\` shows why; \`make restart\` starts them again."; return 1; }
}

cmd_logs() {
  local want="${1:-}" files=() f
  shopt -s nullglob
  if [[ -z "$want" ]]; then
    files=("$DATA/logs/"*.log)
  elif [[ -e "$DATA/logs/$want.log" ]]; then
    files=("$DATA/logs/$want.log")
  else
    for f in "$DATA/logs/$want"-*.log; do [[ "${f##*-}" =~ ^[0-9]+\.log$ ]] && files+=("$f"); done
  fi
  shopt -u nullglob
  if (( ${#files[@]} == 0 )); then
    local have=()
    shopt -s nullglob
    for f in "$DATA/logs/"*.log; do f="${f##*/}"; have+=("${f%.log}"); done
    shopt -u nullglob
    die "no log${want:+ for $want} in $(show "$DATA/logs")${have[*]:+ (there are: ${have[*]})}"
  fi
  # Follow on a terminal; in a pipe or a script print the recent lines and return.
  if [[ -t 1 ]]; then exec tail -n 50 -F -- "${files[@]}"; else tail -n 100 -- "${files[@]}"; fi
}

# --- up ---------------------------------------------------------------------------------------------

STARTED=()  # "INSTANCE NAME" lines, for rollback when a later start fails

# Probes keep their last complaint in PROBE_ERR, shown if the component never becomes ready.
PROBE_ERR=""
probe_api() {
  PROBE_ERR="$DATA/run/probe-api.err"
  timeout 5 "$DATA/bin/skiffctl" --server "$LISTEN" --config "$DATA/auth/admin.config" get namespaces >/dev/null 2>"$PROBE_ERR"
}

# The kubelet of node PROBE_NODE has registered its Node and reports it Ready.
PROBE_NODE=""
probe_node() {
  PROBE_ERR="$DATA/run/probe-node.err"
  timeout 5 "$DATA/bin/skiffctl" --server "$LISTEN" --config "$DATA/auth/admin.config" get node "$PROBE_NODE" --no-headers 2>"$PROBE_ERR" | grep -qw Ready
}

probe_dns() {
  command -v dig >/dev/null 2>&1 || return 0
  local host="${DNS%:*}" port="${DNS##*:}"
  local answer in=()
  [[ "$TOPOLOGY" == netns ]] && in=(ip netns exec skiff-lan)
  answer="$("${in[@]}" dig +time=1 +tries=1 -p "$port" "@$host" dns-version.cluster.local TXT 2>/dev/null)" || return 1
  [[ "$answer" == *"status: NOERROR"* ]]
}

# Fails when a tcp:// endpoint's port already has a listener: our component could not bind it, and a
# readiness probe might be answered by whatever holds it (another Skiff with a different DATA, say).
ensure_free() {
  local endpoint="$1" port holder
  [[ "$endpoint" == tcp://* ]] && command -v ss >/dev/null 2>&1 || return 0
  port="${endpoint##*:}"
  holder="$(ss -Hltnp "sport = :$port" 2>/dev/null || true)"
  [[ -z "$holder" ]] || die "port $port ($endpoint) is already in use:
$holder
Is another Skiff running with a different DATA? Stop it, or choose other ports (SKIFF_LISTEN, SKIFF_WATCH_LISTEN)."
}

fail_start() {
  local inst="$1" why="$2" log="$DATA/logs/$1.log"
  printf '\ncluster: %s %s. Last lines of %s:\n' "$inst" "$why" "$(show "$log")" >&2
  # Only this start's output: the log keeps earlier runs after a "==== ... starting" line each.
  awk '/^==== .*: starting /{n=0} {l[n++]=$0} END{for(i=(n>20?n-20:0);i<n;i++)print l[i]}' "$log" >&2 || true
  if [[ -s "$PROBE_ERR" ]]; then
    printf '\ncluster: the last readiness probe said:\n' >&2
    tail -n 5 -- "$PROBE_ERR" >&2 || true
  fi
  if (( ${#STARTED[@]} )); then
    printf '\ncluster: stopping what was started\n' >&2
    printf '%s\n' "${STARTED[@]}" | stop_lines >&2
  fi
  exit 1
}

# Starts one instance in its own session, detached from this terminal, and records its pid.
start_one() {
  local inst="$1" name="$2" ready="$3" netns="$4"; shift 4
  local log="$DATA/logs/$inst.log" pid deadline in=()
  # `ip netns exec` execs the component, so the pid stays the component's.
  [[ -n "$netns" ]] && in=(ip netns exec "$netns")
  printf '==== %s: starting %s %s%s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$name" "$*" "${netns:+ in $netns}" >>"$log"
  # Without job control a background child is never a process-group leader, so setsid does not fork
  # and $! is the component's own pid.
  setsid nohup "${in[@]}" "$DATA/bin/$name" "$@" >>"$log" 2>&1 </dev/null &
  pid=$!
  printf '%s\n' "$pid" >"$DATA/run/$inst.pid"
  STARTED+=("$inst $name")
  [[ "$ready" == - ]] && return 0
  deadline=$(( $(now_ms) + READY_TIMEOUT_MS ))
  PROBE_ERR=""
  until "probe_$ready"; do
    alive "$pid" || fail_start "$inst" "exited during startup"
    (( $(now_ms) < deadline )) || fail_start "$inst" "was not ready after $((READY_TIMEOUT_MS / 1000)) s"
    sleep "$POLL"
  done
  [[ -z "$PROBE_ERR" ]] || rm -f -- "$PROBE_ERR"
}

link_binaries() {
  local bin_dir="$1" name row per ready args
  local names=("${CLIENTS[@]}")
  for row in "${COMPONENTS[@]}"; do read -r name per ready where args <<<"$row"; names+=("$name"); done
  for name in "${names[@]}"; do
    if [[ -x "$bin_dir/$name" ]]; then
      ln -sfn -- "$bin_dir/$name" "$DATA/bin/$name"
    else
      rm -f -- "$DATA/bin/$name"
    fi
  done
}

# Points skiffctl at this cluster, unless the user has a config of their own there.
CONFIG_NOTE=""
# The address clients use: the listen address, with a wildcard host reached through loopback.
client_server() {
  local server="$LISTEN"
  server="${server/\/\/0.0.0.0:/\/\/127.0.0.1:}"; server="${server/\/\/\*:/\/\/127.0.0.1:}"
  printf '%s' "$server"
}

write_config() {
  if [[ -z "$CONFIG_FILE" ]]; then
    CONFIG_NOTE="HOME is not set, so no skiffctl config was written; use --config $DATA/auth/admin.config"
    return 0
  fi
  if [[ -e "$CONFIG_FILE" ]] && ! grep -qF -- "$CONFIG_MARK" "$CONFIG_FILE"; then
    CONFIG_NOTE="kept your $CONFIG_FILE (not written by make up); this cluster's admin credentials: --config $DATA/auth/admin.config"
    return 0
  fi
  local dir tmp server token server_key
  server="$(client_server)"
  token="$(sed -n 's/^token: *//p' "$DATA/auth/admin.config")"
  server_key="$(sed -n 's/^server-key: *//p' "$DATA/auth/admin.config")"
  dir="$(dirname -- "$CONFIG_FILE")"
  if [[ ! -d "$dir" ]]; then mkdir -p -- "$(dirname -- "$dir")" && mkdir -m 0700 -- "$dir"; fi
  tmp="$(mktemp "$dir/.config.XXXXXX")"
  # shellcheck disable=SC2016 # the backticks are text for the reader
  printf '%s (scripts/cluster.sh), and rewritten by each `make up`.\n# Delete the line above to keep your own edits.\nserver: %s\ntoken: %s\nserver-key: %s\n' \
    "$CONFIG_MARK" "$server" "$token" "$server_key" >"$tmp"
  chmod 0600 -- "$tmp"
  mv -f -- "$tmp" "$CONFIG_FILE"
  CONFIG_NOTE="skiffctl config: $CONFIG_FILE (server: $server)"
}

# Refuses when anything recorded still runs; clears pid files left by components that died.
preflight() {
  local lines inst name pid running=0
  lines="$(recorded)"
  [[ -n "$lines" ]] || return 0
  while read -r inst name; do
    pid="$(pid_of "$inst" || true)"
    if [[ -n "$pid" ]] && runs "$pid" "$name"; then running=1; else rm -f "$DATA/run/$inst.pid"; fi
  done <<<"$lines"
  if (( running )); then
    say "Skiff is already running:"
    cmd_status || true
    say "Use it as it is, or \`make down\` (or \`make restart\`) first."
    exit 1
  fi
}

cmd_up() {
  if ! [[ "$NODES" =~ ^[0-9]+$ ]] || (( 10#$NODES < 1 || 10#$NODES > 250 )); then
    die "NODES must be a number from 1 to 250 (got '$NODES')"
  fi
  NODES=$((10#$NODES))
  mkdir -p -- "$DATA/data" "$DATA/logs" "$DATA/run" "$DATA/bin"
  preflight
  if [[ "$TOPOLOGY" == netns ]]; then
    bash "$ROOT/scripts/netns-topology.sh" up "$NODES"
  fi
  printf '%s\n' "$TOPOLOGY" >"$DATA/run/topology"

  local bin_dir="${SKIFF_BIN:-}"
  if [[ -z "$bin_dir" ]]; then
    bin_dir="$(cd "$ROOT" && swift build -c release --show-bin-path)" || die "cannot ask swift for the build dir; set SKIFF_BIN"
  fi
  [[ "$bin_dir" == /* ]] || bin_dir="$PWD/$bin_dir"
  local need
  for need in apiserver skiffctl; do
    [[ -x "$bin_dir/$need" ]] || die "$need is not built in $bin_dir: run \`make build\` (or set SKIFF_BIN)"
  done
  link_binaries "$bin_dir"
  # The apiserver's CURVE key pair (secret key mode 0600, kept across restarts), then the credentials and RBAC
  # policy: a token per component and the server's public key in every config, mode 0600 in $DATA/auth.
  ( umask 077 && mkdir -p -- "$DATA/auth" ) && chmod 0700 -- "$DATA/auth"
  local server_key
  server_key="$("$bin_dir/apiserver" keygen "$DATA/auth/apiserver.key")" || die "apiserver keygen $DATA/auth/apiserver.key failed"
  bash "$ROOT/scripts/auth-bootstrap.sh" "$DATA" "$NODES" "$(client_server)" "$server_key" >/dev/null
  ensure_free "$LISTEN"
  ensure_free "$WATCH"

  local row name per ready args words word argv n skipped=()
  for row in "${COMPONENTS[@]}"; do
    read -r name per ready where args <<<"$row"
    declare -F "probe_$ready" >/dev/null || [[ "$ready" == - ]] || die "component $name: unknown ready probe '$ready'"
    if [[ ! -x "$bin_dir/$name" ]]; then skipped+=("$name"); continue; fi
    read -r -a words <<<"$args"
    local count=1
    [[ "$per" == node ]] && count="$NODES"
    for (( n = 1; n <= count; n++ )); do
      local inst="$name" node="node-$n"
      [[ "$per" == node ]] && inst="$name-$n"
      argv=()
      for word in "${words[@]}"; do argv+=("$(expand "$word" "$node" "$n")"); done
      PROBE_NODE="$node"
      local netns=""
      if [[ "$TOPOLOGY" == netns ]]; then
        case "$where" in lan) netns=skiff-lan ;; node) netns="skiff-$node" ;; esac
      fi
      start_one "$inst" "$name" "$ready" "$netns" "${argv[@]}"
    done
  done

  # Everything started; make sure none of the unprobed ones has died on its flags already.
  local line inst pid
  for line in "${STARTED[@]}"; do
    read -r inst name <<<"$line"
    pid="$(pid_of "$inst" || true)"
    alive "$pid" || fail_start "$inst" "exited right after it started"
  done

  write_config
  banner "${skipped[@]}"
}

banner() {
  local line inst name nodes=""
  [[ "${STARTED[*]}" =~ -[0-9]+\  ]] && nodes=" with $NODES node(s)"
  [[ "$TOPOLOGY" == netns ]] && nodes+=" in network namespaces (skiff-node-N; DNS in skiff-lan)"
  say ""
  say "Skiff is up$nodes; state in $(show "$DATA")."
  say ""
  printf '  %-24s %-8s %s\n' COMPONENT PID LOG
  for line in "${STARTED[@]}"; do
    read -r inst name <<<"$line"
    printf '  %-24s %-8s %s\n' "$inst" "$(pid_of "$inst")" "$(show "$DATA/logs/$inst.log")"
  done
  (( $# == 0 )) || say "  (not built yet, so not started: $*)"
  say ""
  say "  requests  $LISTEN (CURVE-encrypted; server key in $(show "$DATA/auth/admin.config"))"
  say "  watch     $WATCH (CURVE-encrypted; each client's token decides what it may watch)"
  if [[ " ${STARTED[*]} " == *" coredns-controller coredns-controller "* ]]; then say "  DNS       $DNS (UDP and TCP)"; fi
  say "  $CONFIG_NOTE"
  say ""
  local vars=""  # make needs to be told a DATA that is not the default
  [[ "$DATA" == "$ROOT/.skiff" ]] || vars=" DATA=$(show "$DATA")"
  say "Try it:"
  say "  export PATH=\"$DATA/bin:\$PATH\""
  say "  skiffctl apply -f $(show "$ROOT/manifests")/"
  say "  skiffctl get svc -A -o wide"
  say "  skiffctl describe svc ent"
  local on=""  # where dig and curl run: this host, or inside node 1's namespace
  [[ "$TOPOLOGY" == netns ]] && on="ip netns exec skiff-node-1 "
  say "  skiffctl get pods -o wide            # Pods run on the nodes' kubelets"
  if [[ " ${STARTED[*]} " == *" coredns-controller coredns-controller "* ]]; then
    say "  ${on}dig @${DNS%:*} -p ${DNS##*:} ent.default.svc.cluster.local +short"
  fi
  if [[ " ${STARTED[*]} " == *" kube-proxy"* ]]; then
    say "  ${on}curl http://\$(${on}dig @${DNS%:*} -p ${DNS##*:} +short ent.default.svc.cluster.local)/   # via a node proxy"
  fi
  printf '  %-26s # %s\n' "make logs$vars" "all logs; make logs C=apiserver for one" \
    "make down$vars" "stops it; the data stays until make clean"
}

cmd_clean() {
  [[ -e "$DATA" ]] || return 0
  # Only delete a directory that holds nothing but what this script creates.
  local entry
  for entry in "$DATA"/* "$DATA"/.[!.]*; do
    [[ -e "$entry" ]] || continue
    case "${entry##*/}" in
      data | logs | run | bin | nodes | auth) ;;
      *) die "not deleting $(show "$DATA"): it holds ${entry##*/}, which make up did not create" ;;
    esac
  done
  cmd_down >/dev/null
  rm -rf -- "$DATA"
  say "removed $(show "$DATA")"
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    logs) cmd_logs "${2:-}" ;;
    clean) cmd_clean ;;
    preflight) preflight ;;
    *) die "usage: $0 up|down|status|logs [NAME]|clean" ;;
  esac
}

main "$@"
