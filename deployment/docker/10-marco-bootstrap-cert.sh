#!/bin/sh
# nginx image start hook (/docker-entrypoint.d/): nginx cannot start its TLS server without a certificate,
# and must be running to answer Let's Encrypt's challenge. When the certificate volume is empty, put a
# short-lived self-signed certificate there; deployment/ssl/ssl-setup.sh replaces it and reloads nginx.
set -eu

dir=/etc/nginx/ssl
if [ -s "$dir/fullchain.pem" ] && [ -s "$dir/privkey.pem" ] && [ -s "$dir/chain.pem" ]; then
  exit 0
fi
name=${MARCO_DOMAIN:-localhost}
echo "marco: no certificate in $dir; writing a temporary self-signed one for $name (run ssl-setup.sh)"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
  -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
chmod 644 "$dir/fullchain.pem"
cp "$dir/fullchain.pem" "$dir/chain.pem"
