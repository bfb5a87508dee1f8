#!/usr/bin/env bash
# `make deploy-check`: the deployment kit checked by the tools' own checkers, on this machine.
#   - the systemd units: `systemd-analyze verify`, with the paths pointed at this checkout;
#   - the nginx site: `nginx -t`, inside a minimal nginx.conf, with a throw-away certificate;
#   - gunicorn's settings: `gunicorn --check-config`;
#   - Django's `check --deploy` with the production settings and the environment template
#     (its REQUIRED values filled with throw-away secrets).
# Nothing outside a temporary directory is written.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/.venv/bin"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail=0
step() { printf '== %s\n' "$*"; }

# The environment: the template, with the required secrets filled in.
env_file="$tmp/ptdv.env"
secret="$("$bin/python" -c 'import secrets; print(secrets.token_urlsafe(64))')"
data_key="$("$bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))')"
sed -e "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$secret|" \
    -e "s|^PTDV_DATA_KEY=.*|PTDV_DATA_KEY=$data_key|" \
    -e "s|^PTDV_VAR_DIR=.*|PTDV_VAR_DIR=$tmp/var|" \
    "$here/deploy/ptdv.env.example" > "$env_file"
for name in DJANGO_SECRET_KEY PTDV_DATA_KEY DJANGO_ALLOWED_HOSTS DATABASE_URL; do
  grep -q "^$name=." "$env_file" || { echo "ptdv.env.example: $name has no value"; fail=1; }
done

step "systemd units (systemd-analyze verify)"
mkdir -p "$tmp/units" "$tmp/var"
for unit in "$here"/deploy/systemd/*.service "$here"/deploy/systemd/*.timer; do
  [ -e "$unit" ] || continue
  sed -e "s|/srv/ptdv|$here|g" -e "s|/etc/ptdv/ptdv.env|$env_file|g" \
      -e "s|/var/lib/ptdv|$tmp/var|g" -e "s|^User=ptdv|User=root|" -e "s|^Group=ptdv|Group=root|" \
      "$unit" > "$tmp/units/$(basename "$unit")"
done
# A container without a booted systemd says so on stderr; everything else is a finding.
(cd "$tmp/units" && shopt -s nullglob && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./*.service ./*.timer) \
  > "$tmp/verify.log" 2>&1 || true
[ -n "${VERBOSE:-}" ] && cat "$tmp/verify.log"
grep -v -e "^$" -e "Failed to connect to bus" -e "System has not been booted" \
  "$tmp/verify.log" > "$tmp/findings.log" || true
if [ -s "$tmp/findings.log" ]; then
  cat "$tmp/findings.log"
  fail=1
else
  echo "ok"
fi

step "nginx site (nginx -t)"
mkdir -p "$tmp/nginx/ssl" "$tmp/var/static"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=ptdv.example.vn" \
  -keyout "$tmp/nginx/ssl/privkey.pem" -out "$tmp/nginx/ssl/fullchain.pem" 2>/dev/null
sed -e "s|/etc/ssl/ptdv|$tmp/nginx/ssl|g" -e "s|/var/lib/ptdv|$tmp/var|g" \
  "$here/deploy/nginx/ptdv.conf" > "$tmp/nginx/ptdv.conf"
cat > "$tmp/nginx/nginx.conf" <<CONF
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    include $tmp/nginx/ptdv.conf;
}
CONF
nginx -t -q -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" && echo "ok" || fail=1

step "gunicorn settings (gunicorn --check-config)"
(cd "$here" && set -a && . "$env_file" && set +a && "$bin/gunicorn" --check-config -c config/gunicorn.conf.py) \
  && echo "ok" || fail=1

step "Django (check --deploy, production settings, the environment template)"
(cd "$here" && set -a && . "$env_file" && set +a && "$bin/ptdv" check --deploy --fail-level WARNING) || fail=1

if [ "$fail" != 0 ]; then
  echo "deploy-check: FAILED"
  exit 1
fi
echo "deploy-check: all passed"
