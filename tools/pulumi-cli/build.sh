#!/usr/bin/env bash
# Builds the Pulumi CLI pinned in ./go.mod for the engine test suite (test/engine) and the demo:
#
#   <cache>/pulumi-<version>/bin/pulumi                          built from github.com/pulumi/pulumi/pkg/v3
#   <cache>/pulumi-<version>/bin/pulumi-resource-pulumi-nodejs   copied from the installed @pulumi/pulumi
#
# <cache> is $PULUMI_TELECOM_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/pulumi-telecom: outside the
# repository, so no binary is ever committed. A warm cache (the binary is there and `pulumi version`
# answers the pinned version) is a no-op that takes a second. A cold build downloads ~290 modules
# and compiles ~1,400 packages: 10–25 minutes on 2 cores. Progress goes to stderr; the only line on
# stdout is the path of the `pulumi` binary, so callers can do CLI=$(tools/pulumi-cli/build.sh).
#
# Usage: tools/pulumi-cli/build.sh          build if needed, print the binary's path
#        tools/pulumi-cli/build.sh --check  exit 0 when the cache is warm, 1 when a build is needed
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$here/go.mod")
if [ -z "$version" ]; then
  echo "tools/pulumi-cli: go.mod requires no github.com/pulumi/pulumi/pkg/v3" >&2
  exit 2
fi
cache=${PULUMI_TELECOM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-telecom}
bin_dir="$cache/pulumi-$version/bin"
pulumi="$bin_dir/pulumi"
started=$(date +%s)

say() { echo "pulumi-cli: $*" >&2; }
elapsed() { local s=$(($(date +%s) - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# `pulumi version` prints e.g. "v3.274.1"; anything else (missing, broken, another version) is cold.
is_warm() { [ -x "$pulumi" ] && [ "$("$pulumi" version 2>/dev/null)" = "$version" ]; }

# The dynamic-provider plugin is a 4-line /bin/sh script at the root of @pulumi/pulumi; the engine
# looks it up on the PATH, then beside `pulumi`. It resolves @pulumi/pulumi from its working
# directory (the program's folder), so one copy serves every program.
add_dynamic_provider_plugin() {
  local package_json plugin
  package_json=$(cd "$repo" && node -p 'require.resolve("@pulumi/pulumi/package.json")' 2>/dev/null) || {
    say "@pulumi/pulumi is not installed in $repo: run \`npm ci\` first (pulumi-resource-pulumi-nodejs comes from it)"
    exit 1
  }
  plugin="$(dirname "$package_json")/pulumi-resource-pulumi-nodejs"
  if ! cmp -s "$plugin" "$bin_dir/pulumi-resource-pulumi-nodejs"; then
    cp "$plugin" "$bin_dir/pulumi-resource-pulumi-nodejs.tmp"
    chmod 755 "$bin_dir/pulumi-resource-pulumi-nodejs.tmp"
    mv -f "$bin_dir/pulumi-resource-pulumi-nodejs.tmp" "$bin_dir/pulumi-resource-pulumi-nodejs"
    say "added pulumi-resource-pulumi-nodejs from $(dirname "$package_json")"
  fi
}

if [ "${1:-}" = "--check" ]; then
  is_warm && [ -x "$bin_dir/pulumi-resource-pulumi-nodejs" ]
  exit
fi

mkdir -p "$bin_dir"
if is_warm; then
  add_dynamic_provider_plugin
  say "Pulumi CLI $version already built (warm cache): $pulumi"
  echo "$pulumi"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed, so the Pulumi CLI $version cannot be built here."
  say "Install Go 1.26 or later (https://go.dev/dl/) and run \`npm run pulumi-cli\` again,"
  say "or put a Pulumi CLI >= 3.254 on the PATH."
  exit 1
fi

# Two builds of the same version at once (two terminals, two worktrees) would only compete for the
# two cores: the second waits for the first and then finds the cache warm.
exec 9>"$cache/pulumi-$version/.build.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
  say "another build of $version is running; waiting for it to finish"
  flock 9
  if is_warm; then
    add_dynamic_provider_plugin
    say "Pulumi CLI $version built by the other run: $pulumi"
    echo "$pulumi"
    exit 0
  fi
fi

log="$cache/pulumi-$version/build.log"
say "building the Pulumi CLI $version with $(go version | awk '{ print $3 }') into $bin_dir"
say "the first build takes 10-25 minutes on 2 cores (later ones are a no-op); log: $log"
cd "$here"

# `go list -deps` downloads the modules the build needs (no more: `go mod download` would fetch
# every module in go.mod, test-only ones included) and tells how many packages there are.
say "[1/2] downloading the modules the CLI needs (from \$GOPROXY) and listing its packages"
packages="$cache/pulumi-$version/packages.txt"
CGO_ENABLED=0 go list -deps github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >"$packages" 2>"$log" &
lister=$!
while kill -0 "$lister" 2>/dev/null; do
  sleep 5
  if kill -0 "$lister" 2>/dev/null && [ $(( ($(date +%s) - started) % 60 )) -lt 5 ]; then
    say "      still downloading ($(elapsed))"
  fi
done
if ! wait "$lister"; then
  tail -n 30 "$log" >&2
  say "go list failed (see $log)"
  exit 1
fi
total=$(wc -l <"$packages")
say "      $total packages, standard library included ($(elapsed))"

say "[2/2] compiling (a line every 50 packages or every minute)"
tmp="$bin_dir/pulumi.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# These are the flags the pinned build is defined by: no cgo (a static binary), the version stamped
# where `pulumi version` reads it, no VCS stamping. Changing them changes Go's cache key.
set +e
CGO_ENABLED=0 go build -v -buildvcs=false \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
  -o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>&1 | {
  count=0
  last=$(date +%s)
  while IFS= read -r line; do
    echo "$line" >>"$log"
    count=$((count + 1))
    now=$(date +%s)
    if [ $((count % 50)) -eq 0 ] || [ $((now - last)) -ge 60 ]; then
      say "      $count of at most $total compiled ($(elapsed)): $line"
      last=$now
    fi
  done
}
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  tail -n 30 "$log" >&2
  say "go build failed with status $status after $(elapsed) (full log: $log)"
  exit 1
fi

built=$("$tmp" version 2>/dev/null || true)
if [ "$built" != "$version" ]; then
  say "the built binary says \"$built\" instead of $version; not installing it"
  exit 1
fi
mv -f "$tmp" "$pulumi"
trap - EXIT
add_dynamic_provider_plugin
say "built the Pulumi CLI $version in $(elapsed): $pulumi"
echo "$pulumi"
