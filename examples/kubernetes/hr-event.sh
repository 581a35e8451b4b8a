#!/usr/bin/env bash
# Send one signed HR event to keyward's webhook, as an HR system would:
#
#   POST <url>   {"type": "person.changed", "person": "<employee number>"}
#   X-Keyward-Timestamp: <unix seconds>
#   X-Keyward-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">
#
# The HMAC key is the controller's KEYWARD_HR_WEBHOOK_SECRET (key
# hr-webhook-secret of the Secret keyward-credentials).
#
# Usage:
#   KEYWARD_HR_WEBHOOK_SECRET=... ./hr-event.sh URL [EMPLOYEE_NUMBER]
#
# For example, from a workstation:
#   kubectl port-forward -n keyward svc/keyward-controller 8080:8080 &
#   KEYWARD_HR_WEBHOOK_SECRET="$(kubectl get secret -n keyward keyward-credentials \
#     -o jsonpath='{.data.hr-webhook-secret}' | base64 -d)" \
#     ./hr-event.sh http://localhost:8080/hr/events E0031
#
# Note: openssl receives the key as a command-line argument, which other
# users of this machine can see in `ps` while it runs. Use a machine of your
# own.
set -euo pipefail

usage() {
  echo "usage: KEYWARD_HR_WEBHOOK_SECRET=... $0 URL [EMPLOYEE_NUMBER]" >&2
  exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
url=$1
person=${2:-E0031}
secret=${KEYWARD_HR_WEBHOOK_SECRET:-}
if [[ -z $secret ]]; then
  echo "$0: KEYWARD_HR_WEBHOOK_SECRET is not set" >&2
  exit 2
fi
# The person goes into JSON unescaped: accept employee numbers and e-mail
# addresses only.
if [[ ! $person =~ ^[A-Za-z0-9._@+-]+$ ]]; then
  echo "$0: not an employee number or e-mail: $person" >&2
  exit 2
fi

body=$(printf '{"type": "person.changed", "person": "%s"}' "$person")
timestamp=$(date +%s)
# The signed bytes are exactly "<timestamp>.<body>": no trailing newline.
# openssl prints "<label>= <hex>"; the last field is the MAC.
signature=$(printf '%s.%s' "$timestamp" "$body" \
  | openssl dgst -sha256 -hmac "$secret" \
  | awk '{print $NF}')

# --fail-with-body: a rejected event (401: bad signature or stale
# timestamp) exits non-zero and still shows the controller's answer.
status=0
curl --silent --show-error --fail-with-body \
  --request POST \
  --header 'Content-Type: application/json' \
  --header "X-Keyward-Timestamp: $timestamp" \
  --header "X-Keyward-Signature: sha256=$signature" \
  --data-binary "$body" \
  "$url" || status=$?
echo
exit "$status"
