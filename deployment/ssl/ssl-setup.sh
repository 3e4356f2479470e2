#!/usr/bin/env bash
# TLS certificates for Marco's nginx (deployment/nginx/nginx.conf reads /etc/nginx/ssl/{fullchain,privkey,chain}.pem).
# Run `deployment/ssl/ssl-setup.sh --help` for usage. Safe to run again: it keeps a valid certificate,
# rewrites the same renewal files and reloads nginx.
set -euo pipefail

readonly SCRIPT_NAME=${0##*/}

usage() {
  cat <<EOF
Usage:
  $SCRIPT_NAME --domain DOMAIN --email EMAIL [options]   Let's Encrypt certificate (certbot, webroot mode)
  $SCRIPT_NAME --self-signed DOMAIN [options]            self-signed certificate (local use and tests)

Let's Encrypt mode obtains a certificate with certbot through the ACME challenge path nginx serves on
port 80 (/.well-known/acme-challenge/ from the webroot), installs fullchain.pem, privkey.pem and chain.pem
(the issuer chain nginx uses to verify OCSP responses) into the certificate directory, reloads nginx, and
sets up renewal twice a day (a systemd timer, or cron where systemd is not running) whose --deploy-hook
installs the renewed files and reloads nginx. When the directory holds no certificate yet, a temporary
self-signed one goes in first so nginx can start and answer the challenge.

Options:
  --domain DOMAIN        the site's domain name (Let's Encrypt mode; required)
  --email EMAIL          where Let's Encrypt sends expiry notices (Let's Encrypt mode; required)
  --staging              use Let's Encrypt's staging CA (untrusted certificates, generous rate limits)
  --self-signed DOMAIN   write a self-signed EC P-256 certificate for DOMAIN with openssl instead
  --days N               validity of a self-signed certificate (default 30)
  --force                replace a self-signed certificate that is still valid
  --cert-dir DIR         where nginx reads the certificate (default /etc/nginx/ssl)
  --webroot DIR          directory nginx serves /.well-known/acme-challenge/ from (default /var/www/certbot)
  --reload-cmd CMD       how to reload nginx (default "nginx -s reload"; with Docker Compose e.g.
                         "docker compose -f deployment/docker/docker-compose.yml exec -T nginx nginx -s reload")
  --no-reload            do not reload nginx
  --renewal MODE         systemd | cron | none (default: systemd when it runs, else cron)
  --letsencrypt-dir DIR  certbot's configuration directory (default /etc/letsencrypt)
  --systemd-dir DIR      where the timer units go (default /etc/systemd/system)
  --cron-dir DIR         where the cron file goes (default /etc/cron.d)
  -h, --help             show this help

Examples:
  $SCRIPT_NAME --domain marco.example.com --email ops@example.com --staging
  $SCRIPT_NAME --domain marco.example.com --email ops@example.com
  $SCRIPT_NAME --self-signed localhost --cert-dir ./ssl
EOF
}

die() {
  printf '%s: %s\n' "$SCRIPT_NAME" "$1" >&2
  if [ "${2:-}" = usage ]; then
    printf "Run '%s --help' for usage.\n" "$SCRIPT_NAME" >&2
  fi
  exit 2
}

log() {
  printf '[ssl-setup] %s\n' "$*"
}

domain=""
email=""
self_signed=""
staging=0
days=30
force=0
cert_dir=/etc/nginx/ssl
webroot=/var/www/certbot
reload_cmd="nginx -s reload"
reload=1
renewal=auto
le_dir=/etc/letsencrypt
systemd_dir=/etc/systemd/system
cron_dir=/etc/cron.d

need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ] || [ "${2:0:2}" = "--" ]; then
    die "$1 needs a value" usage
  fi
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --domain) need_value "$@"; domain=$2; shift 2 ;;
    --email) need_value "$@"; email=$2; shift 2 ;;
    --self-signed) need_value "$@"; self_signed=$2; shift 2 ;;
    --staging) staging=1; shift ;;
    --days) need_value "$@"; days=$2; shift 2 ;;
    --force) force=1; shift ;;
    --cert-dir) need_value "$@"; cert_dir=$2; shift 2 ;;
    --webroot) need_value "$@"; webroot=$2; shift 2 ;;
    --reload-cmd) need_value "$@"; reload_cmd=$2; shift 2 ;;
    --no-reload) reload=0; shift ;;
    --renewal) need_value "$@"; renewal=$2; shift 2 ;;
    --letsencrypt-dir) need_value "$@"; le_dir=$2; shift 2 ;;
    --systemd-dir) need_value "$@"; systemd_dir=$2; shift 2 ;;
    --cron-dir) need_value "$@"; cron_dir=$2; shift 2 ;;
    *) die "unknown option $1" usage ;;
  esac
done

valid_domain() {
  # A hostname (letters, digits, hyphens, dots; no leading/trailing hyphen in a label) or an IPv4 address.
  [[ $1 =~ ^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]]
}

reload_nginx() {
  if [ "$reload" = 0 ]; then
    return 0
  fi
  log "reloading nginx: $reload_cmd"
  # The command is the operator's own, given as one string (it may have arguments): let bash split it.
  if ! bash -c "$reload_cmd"; then
    log "warning: reload failed (is nginx running?); it will read the new certificate when it starts"
  fi
}

# ── Self-signed mode ─────────────────────────────────────────────────────────────────────────────────
write_self_signed() {
  local name=$1 dir=$2 valid_days=$3 san
  if [[ $name =~ ^[0-9]+(\.[0-9]+){3}$ ]]; then
    san="IP:$name"
  else
    san="DNS:$name"
  fi
  if [ "$name" = localhost ]; then
    san="$san,IP:127.0.0.1,IP:::1"
  fi
  install -d -m 755 "$dir"
  local tmp
  tmp=$(mktemp -d "$dir/.ssl-setup.XXXXXX")
  local error
  if ! error=$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$valid_days" \
    -subj "/CN=$name" -addext "subjectAltName=$san" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" 2>&1); then
    # Nothing half-made stays behind, and the certificate in place is untouched.
    rm -rf "$tmp"
    die "openssl could not make a certificate for $name valid $valid_days days: $(printf '%s' "$error" | tail -n 3)"
  fi
  # A self-signed certificate is its own chain (nginx's ssl_trusted_certificate needs a file).
  cp "$tmp/fullchain.pem" "$tmp/chain.pem"
  chmod 600 "$tmp/privkey.pem"
  chmod 644 "$tmp/fullchain.pem" "$tmp/chain.pem"
  # Key first, so nginx never pairs a new certificate with the old key.
  mv -f "$tmp/privkey.pem" "$dir/privkey.pem"
  mv -f "$tmp/fullchain.pem" "$dir/fullchain.pem"
  mv -f "$tmp/chain.pem" "$dir/chain.pem"
  rmdir "$tmp"
}

self_signed_is_current() {
  local name=$1 dir=$2
  [ -s "$dir/fullchain.pem" ] && [ -s "$dir/privkey.pem" ] && [ -s "$dir/chain.pem" ] || return 1
  # Still valid for at least a day, and for this name.
  openssl x509 -in "$dir/fullchain.pem" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  openssl x509 -in "$dir/fullchain.pem" -noout -subject 2>/dev/null | grep -q "CN *= *$name\$" || return 1
  # The key belongs to the certificate.
  [ "$(openssl x509 -in "$dir/fullchain.pem" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$dir/privkey.pem" -pubout 2>/dev/null)" ]
}

if [ -n "$self_signed" ]; then
  if [ -n "$domain" ] || [ -n "$email" ] || [ "$staging" = 1 ]; then
    die "--self-signed does not take --domain, --email or --staging" usage
  fi
  valid_domain "$self_signed" || die "--self-signed needs a domain name, got '$self_signed'" usage
  # At most 100 years: openssl cannot encode much later dates (and bash arithmetic overflows on long digit strings).
  if ! [[ $days =~ ^[1-9][0-9]{0,4}$ ]] || [ "$days" -gt 36500 ]; then
    die "--days must be a number from 1 to 36500, got '$days'" usage
  fi
  command -v openssl >/dev/null 2>&1 || die "openssl is not installed"
  if [ "$force" = 0 ] && self_signed_is_current "$self_signed" "$cert_dir"; then
    log "$cert_dir already holds a valid self-signed certificate for $self_signed (use --force to replace it)"
  else
    write_self_signed "$self_signed" "$cert_dir" "$days"
    log "wrote a self-signed certificate for $self_signed to $cert_dir (fullchain.pem, privkey.pem, chain.pem), valid $days days"
  fi
  # Reload only when asked: a self-signed certificate is usually made before nginx runs.
  if [ "$reload_cmd" = "nginx -s reload" ]; then
    reload=0
  fi
  reload_nginx
  exit 0
fi

# ── Let's Encrypt mode ───────────────────────────────────────────────────────────────────────────────
[ -n "$domain" ] || die "missing --domain: the domain name to request a certificate for (or use --self-signed DOMAIN)" usage
[ -n "$email" ] || die "missing --email: Let's Encrypt needs an address for expiry and security notices" usage
valid_domain "$domain" || die "--domain must be a domain name, got '$domain'" usage
[[ $email =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]] || die "--email must be an email address, got '$email'" usage
case "$renewal" in
  auto)
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then renewal=systemd; else renewal=cron; fi
    ;;
  systemd | cron | none) ;;
  *) die "--renewal must be systemd, cron or none, got '$renewal'" usage ;;
esac
certbot_bin=$(command -v certbot || true)
[ -n "$certbot_bin" ] || die "certbot is not installed (Debian: apt-get install certbot)"
command -v openssl >/dev/null 2>&1 || die "openssl is not installed"

install -d -m 755 "$webroot/.well-known/acme-challenge" "$cert_dir"
install -d -m 755 "$le_dir"

# nginx cannot start its TLS server without a certificate, and must run to answer the challenge.
if [ ! -s "$cert_dir/fullchain.pem" ] || [ ! -s "$cert_dir/privkey.pem" ]; then
  log "no certificate in $cert_dir yet: a temporary self-signed one lets nginx start"
  write_self_signed "$domain" "$cert_dir" 2
  reload_nginx
fi

# The deploy hook: certbot runs it after each issue and renewal, with RENEWED_LINEAGE set.
hook="$le_dir/marco-deploy-hook.sh"
hook_tmp=$(mktemp "$le_dir/.marco-deploy-hook.XXXXXX")
hook_reload=""
if [ "$reload" = 1 ]; then
  hook_reload=$reload_cmd
fi
{
  printf '#!/usr/bin/env bash\n'
  printf '# Written by %s: installs the renewed certificate for nginx and reloads it.\n' "$SCRIPT_NAME"
  printf 'set -euo pipefail\n'
  # The reload command runs from the directory the setup ran in (cron and systemd start in /): a relative path in it,
  # such as the README's `docker compose -f deployment/docker/docker-compose.yml`, then still resolves.
  printf 'default_lineage=%q\ncert_dir=%q\nreload_cmd=%q\nwork_dir=%q\n' "$le_dir/live/$domain" "$cert_dir" "$hook_reload" "$PWD"
  cat <<'EOF'
lineage=${RENEWED_LINEAGE:-$default_lineage}
# certbot runs the hook for every certificate it renews in this directory: only Marco's is installed here.
if [ "$lineage" != "$default_lineage" ]; then
  exit 0
fi
install -d -m 755 "$cert_dir"
install -m 600 "$lineage/privkey.pem" "$cert_dir/privkey.pem"
install -m 644 "$lineage/fullchain.pem" "$cert_dir/fullchain.pem"
install -m 644 "$lineage/chain.pem" "$cert_dir/chain.pem"
if [ -n "$reload_cmd" ]; then
  # A failed reload fails the hook, so certbot (and the cron or systemd job) reports it: nginx would go on serving
  # the old certificate until it expires.
  cd "$work_dir"
  bash -c "$reload_cmd" || { echo "marco deploy hook: nginx reload failed: $reload_cmd" >&2; exit 1; }
fi
EOF
} >"$hook_tmp"
chmod 755 "$hook_tmp"
mv -f "$hook_tmp" "$hook"

certbot_args=(certonly --webroot -w "$webroot" -d "$domain" --email "$email" --agree-tos --no-eff-email
  --non-interactive --keep-until-expiring --key-type ecdsa --elliptic-curve secp256r1
  --config-dir "$le_dir" --deploy-hook "$hook")
if [ "$staging" = 1 ]; then
  certbot_args+=(--staging)
fi
log "certbot ${certbot_args[*]}"
"$certbot_bin" "${certbot_args[@]}"

lineage="$le_dir/live/$domain"
for file in fullchain.pem privkey.pem chain.pem; do
  [ -s "$lineage/$file" ] || die "certbot finished but $lineage/$file is missing"
done
# certbot runs the hook only when it issued something: install (and reload) every time, so a re-run repairs.
RENEWED_LINEAGE=$lineage "$hook"
# OCSP-ready: the chain verifies the certificate (nginx's ssl_stapling_verify uses exactly this file).
if ! openssl verify -partial_chain -CAfile "$cert_dir/chain.pem" "$cert_dir/fullchain.pem" >/dev/null 2>&1; then
  log "warning: chain.pem does not verify fullchain.pem; OCSP stapling will be off"
fi

renew_cmd="$certbot_bin renew --quiet --config-dir $le_dir --deploy-hook $hook"
case "$renewal" in
  systemd)
    install -d -m 755 "$systemd_dir"
    cat >"$systemd_dir/marco-certbot-renew.service" <<EOF
[Unit]
Description=Renew Marco's Let's Encrypt certificate
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=$renew_cmd
EOF
    cat >"$systemd_dir/marco-certbot-renew.timer" <<EOF
[Unit]
Description=Renew Marco's Let's Encrypt certificate twice a day

[Timer]
OnCalendar=*-*-* 03,15:17:00
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
EOF
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && [ "$systemd_dir" = /etc/systemd/system ]; then
      systemctl daemon-reload
      systemctl enable --now marco-certbot-renew.timer
    fi
    log "renewal: systemd timer marco-certbot-renew.timer in $systemd_dir"
    ;;
  cron)
    install -d -m 755 "$cron_dir"
    cat >"$cron_dir/marco-certbot" <<EOF
# Written by $SCRIPT_NAME: renew Marco's Let's Encrypt certificate twice a day (certbot renews within 30 days of expiry).
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
17 3,15 * * * root $renew_cmd
EOF
    chmod 644 "$cron_dir/marco-certbot"
    log "renewal: cron file $cron_dir/marco-certbot"
    ;;
  none)
    log "renewal: none set up (run: $renew_cmd)"
    ;;
esac

log "done: $domain's certificate is in $cert_dir$([ "$staging" = 1 ] && printf ' (staging CA: not trusted by browsers)')"
