/**
 * A stand-in certbot for the ssl-setup.sh tests (write it to a directory on PATH). `certonly` issues as
 * `certbot certonly --webroot` would: live/DOMAIN/{cert,chain,fullchain,privkey}.pem under --config-dir, signed by an
 * intermediate-free test CA; it honours --keep-until-expiring and runs --deploy-hook with RENEWED_LINEAGE. `renew`
 * issues every lineage marked with a `due` file again and runs --deploy-hook once per renewed lineage, as certbot
 * does. Every call is logged with its arguments to $CERTBOT_LOG.
 */
export const FAKE_CERTBOT = `#!/usr/bin/env bash
set -euo pipefail
printf '%s\\n' "$*" >>"$CERTBOT_LOG"
cmd=$1; shift
config=/etc/letsencrypt domain= hook= keep=0 webroot=
while [ $# -gt 0 ]; do
  case $1 in
    --config-dir) config=$2; shift 2 ;;
    -d) domain=$2; shift 2 ;;
    -w) webroot=$2; shift 2 ;;
    --deploy-hook) hook=$2; shift 2 ;;
    --keep-until-expiring) keep=1; shift ;;
    *) shift ;;
  esac
done
issue() {
  local domain=$1 live=$config/live/$1
  mkdir -p "$live" "$config/ca"
  if [ ! -s "$config/ca/ca.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3 -subj "/CN=Fake LE CA" \\
      -addext basicConstraints=critical,CA:TRUE -keyout "$config/ca/ca.key" -out "$config/ca/ca.pem" 2>/dev/null
  fi
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$domain" -keyout "$live/privkey.pem" -out "$live/req.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s,IP:127.0.0.1\\n' "$domain" >"$live/ext"
  openssl x509 -req -in "$live/req.csr" -CA "$config/ca/ca.pem" -CAkey "$config/ca/ca.key" -CAcreateserial -days 2 -extfile "$live/ext" -out "$live/cert.pem" 2>/dev/null
  cp "$config/ca/ca.pem" "$live/chain.pem"
  cat "$live/cert.pem" "$live/chain.pem" >"$live/fullchain.pem"
  rm -f "$live/due"
  [ -z "$hook" ] || RENEWED_LINEAGE=$live "$hook"
}
if [ "$cmd" = renew ]; then
  for live in "$config"/live/*/; do
    live=\${live%/}
    [ -e "$live/due" ] && issue "\${live##*/}"
  done
  exit 0
fi
[ -d "$webroot/.well-known/acme-challenge" ] || { echo "no webroot challenge dir" >&2; exit 1; }
if [ "$keep" = 1 ] && [ -s "$config/live/$domain/cert.pem" ]; then echo "Certificate not yet due for renewal"; exit 0; fi
issue "$domain"
`
