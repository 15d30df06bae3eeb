# chromium_ensure: Debian's `chromium` and `chromium-driver` for the browser test.
#
# Sourced by infra/test.sh, or by hand:
#   source infra/lib/chromium.sh && chromium_ensure && cargo test -p ttokttok-tests --test browser
#
# Installs both packages with apt-get when either is missing, pinned to the one version Debian
# offers now (the driver must match the browser exactly, so both get the same `=version`), and
# exports CHROMIUM and CHROMEDRIVER with their paths. The browser test reads those (or looks on
# PATH). Functions return non-zero on failure instead of exiting; sourcing has no side effects.

_chromium_log() {
  printf 'chromium: %s\n' "$*" >&2
}

# Prints the version apt would install for package $1 ("" if none).
_chromium_candidate() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

chromium_ensure() {
  local browser driver sudo version
  browser=$(command -v chromium || true)
  driver=$(command -v chromedriver || true)
  if [ -z "$browser" ] || [ -z "$driver" ]; then
    command -v apt-get >/dev/null || { _chromium_log "apt-get not found: install chromium and chromium-driver by hand"; return 1; }
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || { _chromium_log "need root (or sudo) to apt-get install chromium"; return 1; }
      sudo="sudo"
    fi
    _chromium_log "installing chromium and chromium-driver with apt-get"
    $sudo apt-get update -qq || { _chromium_log "apt-get update failed"; return 1; }
    version=$(_chromium_candidate chromium)
    [ -n "$version" ] || { _chromium_log "Debian offers no chromium package here"; return 1; }
    [ "$(_chromium_candidate chromium-driver)" = "$version" ] ||
      { _chromium_log "chromium-driver's version differs from chromium $version"; return 1; }
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "chromium=$version" "chromium-driver=$version" >/dev/null ||
      { _chromium_log "apt-get could not install chromium=$version chromium-driver=$version"; return 1; }
    browser=$(command -v chromium || true)
    driver=$(command -v chromedriver || true)
    [ -n "$browser" ] && [ -n "$driver" ] || { _chromium_log "installed, but chromium/chromedriver not on PATH"; return 1; }
  fi
  export CHROMIUM="$browser"
  export CHROMEDRIVER="$driver"
  _chromium_log "$("$browser" --version 2>/dev/null | head -n 1) with $("$driver" --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2)"
}
