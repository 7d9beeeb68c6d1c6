#!/usr/bin/env bash
# Builds the Skiff container image without a registry: a root filesystem made of the release executables, the
# tools a node needs (ip, nft, dig, curl, bash) and every shared library `ldd` lists for them, imported with
# `docker import`, then `docker build` of compose/Dockerfile FROM it (which adds the node entrypoint).
#
#   scripts/compose-image.sh            build skiff:dev (and the base skiff-rootfs:dev), and write the cluster's
#                                       credentials into compose/auth/ unless they exist
#
# compose/auth/ (mode 0700, files 0600, not in git) is what `make up` keeps in DATA/auth: the apiserver's CURVE key
# pair (`apiserver keygen`), tokens.csv and policy.yaml, and a config per component (scripts/auth-bootstrap.sh, 3
# nodes, server tcp://10.244.255.250:6443); docker-compose.yml mounts it into every container.
#
# Environment: SKIFF_BIN (the directory with the release executables; default: `swift build -c release
# $SWIFTFLAGS`, then its --show-bin-path), SKIFF_IMAGE (default skiff:dev), SKIFF_BASE_IMAGE (default
# skiff-rootfs:dev), DOCKER (the docker client, default docker; DOCKER_HOST picks the engine).
set -euo pipefail

ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE="${SKIFF_IMAGE:-skiff:dev}"
BASE="${SKIFF_BASE_IMAGE:-skiff-rootfs:dev}"
DOCKER="${DOCKER:-docker}"
BINARIES=(apiserver endpoints-controller coredns-controller kube-proxy kubelet skiffctl)
# What runs inside the containers besides Skiff: the entrypoint (bash), the kubelet's Pod networks (ip), the
# nftables proxy (nft), and the checks of `make test-compose` (dig, curl). `sh` for exec probes and commands.
TOOLS=(bash sh ip nft dig curl sleep cat ls mkdir rm env)

say() { printf 'compose-image: %s\n' "$*"; }
die() { printf 'compose-image: %s\n' "$*" >&2; exit 1; }

bin_dir="${SKIFF_BIN:-}"
if [[ -z "$bin_dir" ]]; then
  # shellcheck disable=SC2086 # SWIFTFLAGS is a list of flags
  (cd "$ROOT" && swift build -c release ${SWIFTFLAGS:-}) || die "swift build -c release failed"
  # shellcheck disable=SC2086
  bin_dir="$(cd "$ROOT" && swift build -c release ${SWIFTFLAGS:-} --show-bin-path)"
fi
for name in "${BINARIES[@]}"; do
  [[ -x "$bin_dir/$name" ]] || die "$name is not built in $bin_dir (swift build -c release, or set SKIFF_BIN)"
done
command -v "$DOCKER" >/dev/null 2>&1 || die "no docker client ($DOCKER)"

rootfs="$(mktemp -d "${TMPDIR:-/tmp}/skiff-rootfs.XXXXXX")"
trap 'rm -rf -- "$rootfs"' EXIT

# Copies FILE to the same path under the root filesystem, following symlinks (a soname link becomes the file),
# into the directory's real location (/lib is usr/lib on merged-/usr Debian, and so it is in the image).
put() {
  local file="$1" dir
  dir="$(realpath -- "$(dirname -- "$file")")"
  [[ -e "$rootfs$dir/${file##*/}" ]] && return 0
  mkdir -p -- "$rootfs$dir"
  cp -L -- "$file" "$rootfs$dir/${file##*/}"
}

# Copies an executable and every library ldd resolves for it (and the dynamic loader).
put_with_libs() {
  local file="$1" lib
  put "$file"
  while read -r lib; do
    [[ -n "$lib" ]] && put "$lib"
  done < <(ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

mkdir -p -- "$rootfs/usr/bin" "$rootfs/usr/sbin" "$rootfs/usr/lib" "$rootfs/usr/lib64" "$rootfs/usr/local/bin"
for link in bin sbin lib lib64; do ln -s "usr/$link" "$rootfs/$link"; done

for name in "${BINARIES[@]}"; do
  cp -- "$bin_dir/$name" "$rootfs/usr/local/bin/$name"
  put_with_libs "$rootfs/usr/local/bin/$name"
done
for tool in "${TOOLS[@]}"; do
  path="$(command -v "$tool" 2>/dev/null)" || die "$tool is not installed here (apt-get install iproute2 nftables dnsutils curl)"
  real="$(realpath -- "$path")"
  put_with_libs "$real"
  # Also under the name it is called by, when that is a link (sh is dash).
  link="$(realpath -- "$(dirname -- "$path")")/${path##*/}"
  [[ "$link" == "$real" ]] || ln -sfn -- "$real" "$rootfs$link"
done
# Name-service modules are loaded with dlopen, so ldd does not list them.
for lib in /usr/lib/x86_64-linux-gnu/libnss_files.so.2 /usr/lib/x86_64-linux-gnu/libnss_dns.so.2; do
  [[ -e "$lib" ]] && put "$lib"
done

mkdir -p -- "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/run/netns" "$rootfs/var/lib/skiff" "$rootfs/root"
install -d -m 1777 -- "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
printf '%s\n' /usr/local/lib /usr/lib/x86_64-linux-gnu /opt/swift/usr/lib/swift/linux >"$rootfs/etc/ld.so.conf"
ldconfig -r "$rootfs" 2>/dev/null || say "warning: ldconfig -r failed; the image relies on RUNPATH and default paths"

say "root filesystem: $(du -sh "$rootfs" | cut -f1) in $(find "$rootfs" -type f | wc -l) files"
tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import - "$BASE" >/dev/null
say "imported $BASE"
DOCKER_BUILDKIT=0 "$DOCKER" build -q --build-arg "BASE=$BASE" -t "$IMAGE" -f "$ROOT/compose/Dockerfile" "$ROOT/compose" >/dev/null
say "built $IMAGE"

( umask 077 && mkdir -p -- "$ROOT/compose/auth" ) && chmod 0700 -- "$ROOT/compose/auth"
server_key="$("$bin_dir/apiserver" keygen "$ROOT/compose/auth/apiserver.key")" || die "apiserver keygen failed"
bash "$ROOT/scripts/auth-bootstrap.sh" "$ROOT/compose" 3 tcp://10.244.255.250:6443 "$server_key" >/dev/null
say "credentials in compose/auth/ (apiserver key, tokens, policy, a config per component)"
