#!/usr/bin/env bash
# Installs what 'rrs data build --engines all --hearing ...' and 'rrs data hearing' need on Debian:
# the speech synthesisers and their voices (data/README.md, "Many voices") and the text corpus packages
# the hearing sentences come from ("Hearing sentences"). MBROLA, RHVoice and Pico live in Debian's
# contrib and non-free components; when apt does not see them, this adds those components for the
# running release in /etc/apt/sources.list.d/rrs-contrib-non-free.sources and updates the lists.
# None of this is needed for the tests (they skip missing engines and corpora); CI installs only
# espeak-ng and sox (.ci/run).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: data/install-voices.sh [--voices-only | --corpora-only] [--dry-run]
  --voices-only   only the synthesisers and voices
  --corpora-only  only the text corpus packages (all in Debian main)
  --dry-run       print the commands instead of running them
USAGE
}

VOICES=(espeak-ng sox mbrola mbrola-us1 mbrola-us2 mbrola-us3 mbrola-en1 flite festival festvox-kallpc16k festvox-kdlpc16k
        festvox-us-slt-hts rhvoice rhvoice-english libttspico-utils)
CORPORA=(fortunes-min fortunes wordnet-base dict-gcide dict-foldoc sword-text-web jargon-text)
want_voices=1 want_corpora=1 dry=0
for arg in "$@"; do
  case "$arg" in
    --voices-only) want_corpora=0 ;;
    --corpora-only) want_voices=0 ;;
    --dry-run) dry=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-voices.sh: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
run() {
  if [ "$dry" -eq 1 ]; then echo "+ $*"; else "$@"; fi
}

if [ ! -r /etc/os-release ] || ! grep -q '^ID=debian' /etc/os-release; then
  echo "install-voices.sh: written for Debian (bookworm or later); on Ubuntu enable 'universe' and 'multiverse' and install:" >&2
  echo "  ${VOICES[*]} ${CORPORA[*]}" >&2
  exit 1
fi
. /etc/os-release
export DEBIAN_FRONTEND=noninteractive

packages=()
[ "$want_voices" -eq 1 ] && packages+=("${VOICES[@]}")
[ "$want_corpora" -eq 1 ] && packages+=("${CORPORA[@]}")

run "${SUDO[@]}" apt-get update -q
if [ "$want_voices" -eq 1 ] && ! apt-cache show mbrola-us1 >/dev/null 2>&1; then
  # contrib (mbrola) and non-free (its voices, RHVoice, Pico) are not among apt's sources yet
  list=/etc/apt/sources.list.d/rrs-contrib-non-free.sources
  entry="Types: deb
URIs: http://deb.debian.org/debian
Suites: ${VERSION_CODENAME} ${VERSION_CODENAME}-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ "$dry" -eq 1 ]; then
    echo "+ write $list:"; echo "$entry" | sed 's/^/    /'
  else
    echo "$entry" | "${SUDO[@]}" tee "$list" >/dev/null
    echo "added Debian contrib and non-free for ${VERSION_CODENAME} in $list"
  fi
  run "${SUDO[@]}" apt-get update -q
fi
run "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
[ "$dry" -eq 1 ] || echo "installed: ${packages[*]}"
