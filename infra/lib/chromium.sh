# chromium_ensure: Debian's `chromium` and `chromium-driver` for the browser test, and the CJK
# fonts (`fonts-noto-cjk`) its screenshots of Korean pages need: without them every Hangul
# letter is an empty box.
#
# Sourced by infra/test.sh, or by hand:
#   source infra/lib/chromium.sh && chromium_ensure && cargo test -p ttokttok-tests --test browser
#
# Installs both packages with apt-get when either is missing, pinned to the one version Debian
# offers now (the driver must match the browser exactly, so both get the same `=version`), and
# exports CHROMIUM and CHROMEDRIVER with their paths. The fonts are installed the same way,
# pinned to Debian's current version, when no font covers Korean. The browser test reads those (or looks on
# PATH). Functions return non-zero on failure instead of exiting; sourcing has no side effects.

_chromium_log() {
  printf 'chromium: %s\n' "$*" >&2
}

# Prints the version apt would install for package $1 ("" if none).
_chromium_candidate() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { if ($2 != "(none)") print $2 }'
}

# Sets `sudo` to what apt-get needs here ("" as root).
_chromium_sudo() {
  command -v apt-get >/dev/null || { _chromium_log "apt-get not found: install $1 by hand"; return 1; }
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { _chromium_log "need root (or sudo) to apt-get install $1"; return 1; }
    sudo="sudo"
  fi
}

# Succeeds when some installed font covers Korean.
_chromium_has_korean_font() {
  command -v fc-list >/dev/null && [ -n "$(fc-list :lang=ko family 2>/dev/null | head -n 1)" ]
}

chromium_ensure() {
  local browser driver sudo version updated=""
  browser=$(command -v chromium || true)
  driver=$(command -v chromedriver || true)
  if [ -z "$browser" ] || [ -z "$driver" ]; then
    _chromium_sudo "chromium and chromium-driver" || return 1
    _chromium_log "installing chromium and chromium-driver with apt-get"
    $sudo apt-get update -qq || { _chromium_log "apt-get update failed"; return 1; }
    updated=1
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
  if ! _chromium_has_korean_font; then
    _chromium_sudo "fonts-noto-cjk" || return 1
    _chromium_log "installing fonts-noto-cjk with apt-get (Korean pages in screenshots)"
    [ -n "$updated" ] || $sudo apt-get update -qq || { _chromium_log "apt-get update failed"; return 1; }
    version=$(_chromium_candidate fonts-noto-cjk)
    [ -n "$version" ] || { _chromium_log "Debian offers no fonts-noto-cjk package here"; return 1; }
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "fonts-noto-cjk=$version" >/dev/null ||
      { _chromium_log "apt-get could not install fonts-noto-cjk=$version"; return 1; }
    _chromium_has_korean_font || { _chromium_log "fonts-noto-cjk installed, but no font covers Korean"; return 1; }
  fi
  export CHROMIUM="$browser"
  export CHROMEDRIVER="$driver"
  _chromium_log "$("$browser" --version 2>/dev/null | head -n 1) with $("$driver" --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2)"
}
