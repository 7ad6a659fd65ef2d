#!/usr/bin/env bash
# Run a command as on a machine with only Node and npm: in a private mount namespace (root only,
# nothing outside it changes) where Debian's Jupyter, nbformat, nbconvert and Chromium are gone.
# Used to check that `npm test` passes there and reports those tests as skipped.
#   sudo scripts/dev/without-debian-tools.sh npm test
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -m and overlay mounts)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export LR_LAB_HIDE_SCRATCH="$scratch"
exec unshare -m bash -c '
  set -euo pipefail
  hide() { # hide(dir, names...): an overlay over dir with the names deleted
    local dir=$1 up work; shift
    up=$(mktemp -d -p "$LR_LAB_HIDE_SCRATCH"); work=$(mktemp -d -p "$LR_LAB_HIDE_SCRATCH")
    mount -t overlay overlay -o "lowerdir=$dir,upperdir=$up,workdir=$work" "$dir"
    (cd "$dir" && rm -rf -- "$@")
  }
  hide /usr/bin $(cd /usr/bin && ls -d jupyter* chromium* 2>/dev/null || true)
  py=/usr/lib/python3/dist-packages
  [ -d $py ] && hide $py $(cd $py && ls -d nbformat* nbconvert* nbclient* notebook* jupyter* 2>/dev/null || true)
  unset CI
  exec "$@"
' bash "$@"
