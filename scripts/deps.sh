#!/usr/bin/env bash
# Installs the Debian packages Skiff needs, and checks that Swift is on PATH.
#
# Quiet when everything is present. Otherwise runs `apt-get update` once and installs what is missing,
# as root or through sudo. A package marked optional (a trailing `?`) only warns when it cannot be
# installed; the others are needed to build, so failing to install one fails the script.
set -euo pipefail

# Build: the system libraries behind Sources/CZeroMQ, CYAML and CSQLite, found with pkg-config.
# curl: the end-to-end tests reach Pods and Services with it.
# Optional: tools for tests, benchmarks and later components (dig, dnsperf, knotd, nft, ip, etcd, ps).
PACKAGES="libzmq3-dev libyaml-dev libsqlite3-dev pkg-config curl dnsutils? dnsperf? knot? nftables? iproute2? etcd-server? procps?"

# Package.swift's swift-tools-version.
MIN_SWIFT="6.1"

say() { printf 'deps: %s\n' "$*"; }
warn() { printf 'deps: warning: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

check_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
      die "swift is not on PATH, but /opt/swift/usr/bin/swift exists: export PATH=/opt/swift/usr/bin:\$PATH"
    fi
    die "swift is not on PATH. Skiff needs Swift ${MIN_SWIFT} or newer: get a toolchain from https://www.swift.org/install/linux/ and put its usr/bin on PATH."
  fi
  local version
  version="$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1)"
  if [[ -n "$version" ]] && [[ "$(printf '%s\n%s\n' "$MIN_SWIFT" "$version" | sort -V | head -n 1)" != "$MIN_SWIFT" ]]; then
    die "swift on PATH is version ${version}; Skiff needs ${MIN_SWIFT} or newer (https://www.swift.org/install/linux/)."
  fi
}

installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]
}

# Runs a command as root: directly, or through sudo (non-interactively when there is no terminal).
SUDO=()
pick_sudo() {
  if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    if [[ -t 0 ]]; then SUDO=(sudo); else SUDO=(sudo -n); fi
  else
    die "missing packages: $*. Not root and no sudo: run as root: apt-get install $*"
  fi
}

apt_install() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# Packages such as etcd-server start their daemon on install. Skiff starts what it needs itself, so
# during our install a policy-rc.d (the Debian mechanism for this) tells invoke-rc.d not to start services.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=false
hold_services() {
  [[ -e "$POLICY" ]] && return 0
  printf '#!/bin/sh\n# written by skiff scripts/deps.sh while it installs packages; removed afterwards\nexit 101\n' |
    "${SUDO[@]}" tee "$POLICY" >/dev/null
  "${SUDO[@]}" chmod 755 "$POLICY"
  ADDED_POLICY=true
}
release_services() {
  if [[ "$ADDED_POLICY" == true ]]; then "${SUDO[@]}" rm -f "$POLICY"; fi
}

main() {
  check_swift

  if ! command -v dpkg-query >/dev/null 2>&1; then
    warn "not a Debian-based system; install the equivalents of: ${PACKAGES//\?/} yourself."
    if command -v pkg-config >/dev/null 2>&1; then
      local lib
      for lib in libzmq yaml-0.1 sqlite3; do
        pkg-config --exists "$lib" || warn "pkg-config cannot find $lib"
      done
    fi
    return 0
  fi

  local spec name required=() optional=()
  for spec in $PACKAGES; do
    name="${spec%\?}"
    installed "$name" && continue
    if [[ "$spec" == *\? ]]; then optional+=("$name"); else required+=("$name"); fi
  done
  (( ${#required[@]} + ${#optional[@]} == 0 )) && return 0

  local missing=("${required[@]}" "${optional[@]}")
  pick_sudo "${missing[@]}"
  trap release_services EXIT
  say "installing missing packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -q || die "apt-get update failed"
  hold_services

  if (( ${#required[@]} > 0 )); then
    apt_install "${required[@]}" || die "could not install required packages: ${required[*]}"
  fi
  if (( ${#optional[@]} > 0 )); then
    local available=()
    for name in "${optional[@]}"; do
      if apt-cache show "$name" >/dev/null 2>&1; then
        available+=("$name")
      else
        warn "optional package $name is not available from apt; some tests or tools will be skipped."
      fi
    done
    # One transaction first; if it fails, one package at a time so a single bad one costs only itself.
    if (( ${#available[@]} > 0 )) && ! apt_install "${available[@]}"; then
      for name in "${available[@]}"; do
        apt_install "$name" || warn "could not install optional package $name; some tests or tools will be skipped."
      done
    fi
  fi
  say "done"
}

main "$@"
