#!/bin/bash
# A Skiff node in a container: the network of scripts/netns-topology.sh's skiff-node-N, then the node's kubelet
# (a network namespace per Pod on cbr0) and kube-proxy. The container exits when either of them exits, with its
# status, so `docker-compose ps` shows a node that is broken.
#
# Environment (docker-compose.yml sets it): NODE_INDEX (N: the node is node-N, its eth0 is 10.244.255.N and its
# Pods get 10.244.N.0/24), NODES (how many nodes there are, for the routes to their Pods), SKIFF_SERVER (the
# apiserver's request endpoint), SKIFF_PROXY_MODE (nftables, the default; userspace; or none: no kube-proxy).
# The node's token and the apiserver's public key come from /etc/skiff/auth/node-N.config (compose/auth/ mounted).
set -euo pipefail

n="${NODE_INDEX:?NODE_INDEX must be set}"
nodes="${NODES:?NODES must be set}"
server="${SKIFF_SERVER:?SKIFF_SERVER must be set}"
mode="${SKIFF_PROXY_MODE:-nftables}"
node="node-$n"
config="/etc/skiff/auth/$node.config"
log() { printf 'skiff-node %s: %s\n' "$node" "$*"; }

[[ "$(ip -4 -o addr show dev eth0)" == *" 10.244.255.$n/"* ]] || {
  log "eth0 is not 10.244.255.$n: give this service ipv4_address 10.244.255.$n on the skiff network"; exit 1; }

# The Pods' bridge holds the first address of the pod CIDR (the kubelet's gateway for every Pod).
ip link show cbr0 >/dev/null 2>&1 || ip link add cbr0 type bridge
ip addr replace "10.244.$n.1/24" dev cbr0
ip link set cbr0 up
# Services are routed on eth0 so that connect() reaches kube-proxy's nftables rules; other nodes' Pods through
# those nodes; and no default route: the node reaches the cluster and nothing else.
ip route replace 10.96.0.0/12 dev eth0
for (( m = 1; m <= nodes; m++ )); do
  (( m == n )) || ip route replace "10.244.$m.0/24" via "10.244.255.$m" dev eth0
done
ip route del default 2>/dev/null || true
# Forwarding (the compose file's sysctls set it; /proc/sys is read-only in a container that is not privileged).
[[ "$(</proc/sys/net/ipv4/ip_forward)" == 1 ]] || echo 1 >/proc/sys/net/ipv4/ip_forward || {
  log "IPv4 forwarding is off and cannot be turned on: set sysctls net.ipv4.ip_forward=1"; exit 1; }
[[ -r "$config" ]] || { log "$config is missing: scripts/compose-image.sh writes compose/auth/"; exit 1; }
log "network: eth0 10.244.255.$n, cbr0 10.244.$n.1/24, routes to ${nodes} node(s)' Pods, services 10.96.0.0/12"

pids=()
# shellcheck disable=SC2317 # called by the trap
stop() { log "stopping"; kill -TERM "${pids[@]}" 2>/dev/null || true; wait; exit 0; }
trap stop TERM INT

if [[ "$mode" != none ]]; then
  /usr/local/bin/kube-proxy --server "$server" --config "$config" --node "$node" --mode "$mode" &
  pids+=($!)
fi
# By absolute path: the kubelet re-executes argv[0] (`kubelet netexec`) inside each Pod's namespace for containers
# without a command, and resolves a bare name against its working directory, not PATH.
/usr/local/bin/kubelet --server "$server" --config "$config" --node "$node" --node-ip "10.244.255.$n" --pod-cidr "10.244.$n.0/24" \
  --pod-network netns --root-dir /var/lib/skiff/kubelet &
pids+=($!)

status=0
wait -n "${pids[@]}" || status=$?
log "a component exited (status $status); stopping the node"
kill -TERM "${pids[@]}" 2>/dev/null || true
wait || true
exit "$status"
