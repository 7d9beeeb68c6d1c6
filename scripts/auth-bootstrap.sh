#!/usr/bin/env bash
# Writes a cluster's credentials and RBAC policy into DATA/auth (mode 0700; every file 0600):
#
#   scripts/auth-bootstrap.sh DATA NODES SERVER [SERVER_KEY]
#
#   tokens.csv                 the apiserver's --token-file (token,user,uid,"groups"), one identity per component
#   policy.yaml                the apiserver's --authorization-policy: manifests/policy/default-rbac.yaml plus,
#                              per node, a ClusterRole/Binding letting system:node:node-N update only its own Node
#   admin.config               skiffctl (user system:admin, group system:masters)
#   endpoints-controller.config, coredns.config
#   node-N.config              node N's kubelet and kube-proxy (user system:node:node-N, group system:nodes)
#
# Each .config holds `server: SERVER`, `token: ...` and, given SERVER_KEY (the apiserver's CURVE public key, from
# `apiserver keygen DATA/auth/apiserver.key`, which cluster.sh runs first), `server-key: SERVER_KEY`
# (SkiffCommand's --config format). Tokens are 128-bit random
# hex from /dev/urandom. Re-running keeps existing tokens (restarts do not invalidate configs) and adds what is
# missing, e.g. nodes when NODES grows; the policy is rewritten each time.
set -euo pipefail

usage() { printf 'usage: %s DATA NODES SERVER [SERVER_KEY]\n' "$0" >&2; exit 2; }
(( $# == 3 || $# == 4 )) || usage
DATA="$1" NODES="$2" SERVER="$3" SERVER_KEY="${4:-}"
if ! [[ "$NODES" =~ ^[0-9]+$ ]] || (( 10#$NODES < 1 )); then
  printf 'auth-bootstrap: NODES must be a positive number, not %s\n' "$NODES" >&2
  exit 2
fi
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
AUTH="$DATA/auth"
umask 077
mkdir -p -- "$AUTH"
chmod 0700 -- "$AUTH"

TOKENS="$AUTH/tokens.csv"
[[ -e "$TOKENS" ]] || : >"$TOKENS"
chmod 0600 -- "$TOKENS"

new_token() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# The token of USER, added to tokens.csv (with GROUPS) when missing.
token_for() {
  local user="$1" groups="$2" token
  token="$(awk -F, -v u="$user" '$2 == u { print $1; exit }' "$TOKENS")"
  if [[ -z "$token" ]]; then
    token="$(new_token)"
    printf '%s,%s,%s,"%s"\n' "$token" "$user" "$(new_token | cut -c1-16)" "$groups" >>"$TOKENS"
  fi
  printf '%s' "$token"
}

# Writes NAME.config for USER atomically, mode 0600.
write_config() {
  local name="$1" user="$2" groups="$3" token tmp
  token="$(token_for "$user" "$groups")"
  tmp="$(mktemp "$AUTH/.$name.XXXXXX")"
  printf '# %s: written by scripts/auth-bootstrap.sh\nserver: %s\ntoken: %s\n' "$user" "$SERVER" "$token" >"$tmp"
  [[ -z "$SERVER_KEY" ]] || printf 'server-key: %s\n' "$SERVER_KEY" >>"$tmp"
  chmod 0600 -- "$tmp"
  mv -f -- "$tmp" "$AUTH/$name.config"
}

write_config admin system:admin system:masters
write_config endpoints-controller system:endpoints-controller ""
write_config coredns system:coredns ""
for (( n = 1; n <= NODES; n++ )); do
  write_config "node-$n" "system:node:node-$n" system:nodes
done

tmp="$(mktemp "$AUTH/.policy.XXXXXX")"
{
  cat -- "$ROOT/manifests/policy/default-rbac.yaml"
  for (( n = 1; n <= NODES; n++ )); do
    cat <<YAML
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:node:node-$n
rules:
- apiGroups: [""]
  resources: [nodes, nodes/status]
  resourceNames: [node-$n]
  verbs: [get, update, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:node:node-$n
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node:node-$n}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: system:node:node-$n}
YAML
  done
} >"$tmp"
chmod 0600 -- "$tmp"
mv -f -- "$tmp" "$AUTH/policy.yaml"
printf 'auth: %s (tokens.csv, policy.yaml, admin.config, endpoints-controller.config, coredns.config, node-1..%s.config)\n' "$AUTH" "$NODES"
