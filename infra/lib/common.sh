# Helpers sourced by infra/test.sh. Bash only; no side effects on source.

# Print a visible step header, with the seconds since the test command started.
step() {
  printf '\n==> [%4ss] %s\n' "$SECONDS" "$*"
}

# Fail loudly. Under CI a missing tool or service is a failure, never a silent skip.
die() {
  printf 'infra/test.sh: %s\n' "$*" >&2
  exit 1
}

# python_venv DIR PACKAGE==VERSION...: a virtualenv under .venv/ with exactly these pins.
# Re-running is cheap: pip is only called when the pins recorded in DIR/.pins changed.
python_venv() {
  local dir=$1
  shift
  local pins="$*"
  if [ ! -x "$dir/bin/python" ]; then
    python3 -m venv "$dir" || die "could not create a virtualenv in $dir (is python3-venv installed?)"
  fi
  if [ "$(cat "$dir/.pins" 2>/dev/null)" != "$pins" ]; then
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@" || die "pip could not install: $pins"
    printf '%s' "$pins" >"$dir/.pins"
  fi
}
