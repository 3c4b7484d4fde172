# Sourced by scripts/local-ejabberd and scripts/local-prosody: the test CA both servers use.
# Needs $ca (the CA folder), openssl, ca-certificates and ca-certificates-java.

# A local CA trusted system-wide (Java's cacerts follows through ca-certificates-java), and a
# server certificate from it for localhost and upload.localhost.
make_certificates() {
  mkdir -p "$ca"
  if [ ! -f "$ca/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ejup test CA" \
      -keyout "$ca/ca.key" -out "$ca/ca.pem" 2>/dev/null
  fi
  if [ ! -f /usr/local/share/ca-certificates/ejup-test-ca.crt ] || ! cmp -s "$ca/ca.pem" /usr/local/share/ca-certificates/ejup-test-ca.crt; then
    cp "$ca/ca.pem" /usr/local/share/ca-certificates/ejup-test-ca.crt
    update-ca-certificates >/dev/null 2>&1
  fi
  if [ ! -f "$ca/server.pem" ]; then
    printf 'subjectAltName=DNS:localhost,DNS:upload.localhost,DNS:*.localhost,IP:127.0.0.1\n' > "$ca/san.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$ca/server.key" -out "$ca/server.csr" 2>/dev/null
    openssl x509 -req -in "$ca/server.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial -days 3650 \
      -extfile "$ca/san.ext" -out "$ca/server.crt" 2>/dev/null
    cat "$ca/server.crt" "$ca/server.key" > "$ca/server.pem"
  fi
}
