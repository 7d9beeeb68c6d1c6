#!/usr/bin/env bash
# The namespace topology: a network namespace per node, joined by a "lan" namespace, with no route out of any of
# them. Used by `make up TOPOLOGY=netns` (scripts/cluster.sh) and by the end-to-end tests' own copies of it.
#
#   scripts/netns-topology.sh up N     create skiff-lan and skiff-node-1..N (idempotent)
#   scripts/netns-topology.sh down     delete them, and any Pod namespace (skp-*) a kubelet left behind
#
# Addresses (DESIGN.md's plan for namespace topologies, used only inside these namespaces):
#   skiff-lan     bridge lan0 10.244.255.254/24 (cluster DNS listens here)
#   skiff-node-N  eth0 10.244.255.N/24 on lan0 (the node's InternalIP); bridge cbr0 10.244.N.1/24 for its Pods;
#                 routes to every other node's 10.244.M.0/24 via 10.244.255.M; 10.96.0.0/12 (Services) on eth0 so
#                 that connect() reaches the nftables rules; IPv4 forwarding on.
# Pods (made by the kubelet) get 10.244.N.x/24 on cbr0 and routes for 10.244.0.0/16 and 10.96.0.0/12 only.
set -euo pipefail

LAN=skiff-lan
LAN_IP=10.244.255.254

say() { printf 'netns: %s\n' "$*"; }
die() { printf 'netns: %s\n' "$*" >&2; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "the namespace topology needs root (ip netns, nftables)"
command -v ip >/dev/null 2>&1 || die "ip (iproute2) is not installed: apt-get install iproute2"

exists() { ip netns list | awk '{print $1}' | grep -qx -- "$1"; }

up() {
  local nodes="$1" n m
  [[ "$nodes" =~ ^[0-9]+$ ]] && (( nodes >= 1 && nodes <= 250 )) || die "nodes must be 1..250 (got '$nodes')"
  if ! exists "$LAN"; then
    ip netns add "$LAN"
    ip -n "$LAN" link set lo up
    ip -n "$LAN" link add lan0 type bridge
    ip -n "$LAN" addr add "$LAN_IP/24" dev lan0
    ip -n "$LAN" link set lan0 up
  fi
  for (( n = 1; n <= nodes; n++ )); do
    local node="skiff-node-$n"
    exists "$node" && continue
    ip netns add "$node"
    ip -n "$node" link set lo up
    ip -n "$LAN" link add "lan-n$n" type veth peer name eth0 netns "$node"
    ip -n "$LAN" link set "lan-n$n" master lan0 up
    ip -n "$node" addr add "10.244.255.$n/24" dev eth0
    ip -n "$node" link set eth0 up
    ip -n "$node" link add cbr0 type bridge
    ip -n "$node" addr add "10.244.$n.1/24" dev cbr0
    ip -n "$node" link set cbr0 up
    ip -n "$node" route add 10.96.0.0/12 dev eth0
    ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1
  done
  # Every node reaches every other node's Pods through that node (done after all exist, and again on re-up).
  for (( n = 1; n <= nodes; n++ )); do
    for (( m = 1; m <= nodes; m++ )); do
      (( m == n )) && continue
      ip -n "skiff-node-$n" route replace "10.244.$m.0/24" via "10.244.255.$m" dev eth0
    done
  done
  say "up: $LAN ($LAN_IP) and skiff-node-1..$nodes"
}

down() {
  local name
  for name in $(ip netns list | awk '{print $1}'); do
    case "$name" in
      skiff-node-* | skp-* | "$LAN") ip netns del "$name" 2>/dev/null || true ;;
    esac
  done
  say "down: the skiff namespaces are gone"
}

case "${1:-}" in
  up) up "${2:-2}" ;;
  down) down ;;
  *) die "usage: $0 up N | down" ;;
esac
