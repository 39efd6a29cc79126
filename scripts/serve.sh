#!/usr/bin/env bash
# Serve the app as N Streamlit processes behind nginx (Debian's package).
#
#   bash scripts/serve.sh [--replicas N] [--port PORT] [--host ADDR]
#
# Each replica is `streamlit run app.py` on a free local port. nginx listens on
# ADDR:PORT (default 0.0.0.0:8501) and
#   - keeps each browser on one replica (Streamlit's session lives in the process that
#     holds its websocket; uploads and downloads go to that process too): a `dzroute`
#     cookie set on the first response, hashed consistently onto the replicas;
#   - serves the static files itself, with caching: Streamlit's frontend bundle
#     (hashed names: a year, immutable), Leaflet & co. (versioned folders: a day),
#     dzmap.js/css (revalidated with ETag on every open).
# With DZGEO_STORE=postgresql://… the replicas share one ledger; with the default
# SQLite file they share it too on one machine. Stops everything on Ctrl-C / SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

replicas=2
port=8501
host=0.0.0.0
while (($#)); do
  case "$1" in
    --replicas) replicas=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "serve.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $replicas =~ ^[1-9][0-9]*$ ]] || { echo "serve.sh: --replicas needs a number ≥ 1" >&2; exit 2; }
command -v nginx >/dev/null || { echo "serve.sh: nginx not found (apt-get install nginx)" >&2; exit 2; }

run=$(mktemp -d "${TMPDIR:-/tmp}/dzgeo-serve.XXXXXX")
pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$run"
}
trap stop EXIT
trap 'exit 0' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# one cookie secret for all: a browser moved to another replica (one stopped) keeps
# a valid XSRF cookie for uploads
export STREAMLIT_SERVER_COOKIE_SECRET="${STREAMLIT_SERVER_COOKIE_SECRET:-$(python3 -c 'import secrets; print(secrets.token_hex(32))')}"
servers=""
for ((i = 0; i < replicas; i++)); do
  p=$(free_port)
  python3 -m streamlit run app.py --server.address 127.0.0.1 --server.port "$p" \
    --server.headless true --browser.gatherUsageStats false \
    >"$run/replica-$i.log" 2>&1 &
  pids+=($!)
  servers+="    server 127.0.0.1:$p max_fails=0;"$'\n'
  for _ in $(seq 600); do
    curl -fsS "http://127.0.0.1:$p/_stcore/health" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$run/replica-$i.log" >&2; exit 1; }
    sleep 0.1
  done
done

st_static=$(python3 -c 'import streamlit, pathlib; print(pathlib.Path(streamlit.__file__).parent / "static")' 2>/dev/null)
mkdir -p "$run/tmp"
cat >"$run/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $run/nginx.pid;
error_log $run/error.log warn;
$( [[ $(id -u) -eq 0 ]] && echo "user root;" )
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path $run/tmp/body;
  proxy_temp_path $run/tmp/proxy;
  fastcgi_temp_path $run/tmp/fastcgi;
  uwsgi_temp_path $run/tmp/uwsgi;
  scgi_temp_path $run/tmp/scgi;
  client_max_body_size 200m;
  gzip on;
  gzip_types text/css application/javascript application/json image/svg+xml;

  # sticky sessions: the dzroute cookie (set on the first response) picks the replica
  map \$cookie_dzroute \$dz_route { "" \$request_id; default \$cookie_dzroute; }
  map \$cookie_dzroute \$dz_set_cookie {
    "" "dzroute=\$request_id; Path=/; HttpOnly; SameSite=Lax";
    default "";
  }
  map \$http_upgrade \$connection_upgrade { default upgrade; "" close; }
  upstream dzgeo {
    hash \$dz_route consistent;
$servers  }

  server {
    listen $host:$port;
    add_header Set-Cookie \$dz_set_cookie always;
    add_header X-Dzgeo-Replica \$upstream_addr always;

    location /static/ {
      alias $st_static/static/;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
    location /app/static/vendor/ {
      alias $REPO/static/vendor/;
      add_header Cache-Control "public, max-age=86400";
    }
    location /app/static/ {
      alias $REPO/static/;
      add_header Cache-Control "no-cache";
    }
    location /_stcore/stream {
      proxy_pass http://dzgeo;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_read_timeout 1d;
      proxy_send_timeout 1d;
      proxy_buffering off;
    }
    location / {
      proxy_pass http://dzgeo;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header Cookie \$http_cookie;
    }
  }
}
EOF
nginx -t -p "$run" -c "$run/nginx.conf" 2>"$run/nginx-test.log" || { cat "$run/nginx-test.log" >&2; exit 1; }
nginx -p "$run" -c "$run/nginx.conf" &
pids+=($!)
echo "dzgeo: http://$host:$port/ — $replicas replica(s) behind nginx (logs in $run)"
wait -n "${pids[@]}"
echo "serve.sh: a replica or nginx stopped; stopping the rest" >&2
exit 1
