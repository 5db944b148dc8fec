#!/usr/bin/env bash
# Puts one bill on the counterqr till through its sales API and waits for the outcome, the way
# billing software would. Exit 0 only when paid; 4 expired, 3 failed, 5 cancelled or not paid.
#
#   COUNTERQR_TOKEN=… bash examples/sell.sh 1234.50 INV-0042 [http://127.0.0.1:8787]
#
# Needs curl and jq. The token is the one `counterqr api new-token` printed.
set -euo pipefail
amount=${1:?amount in rupees, e.g. 1234.50}
bill=${2:?bill reference, e.g. INV-0042}
base=${3:-http://127.0.0.1:8787}
: "${COUNTERQR_TOKEN:?set COUNTERQR_TOKEN to the API token}"

# Rupees to integer paise without floating point: "1234.5" -> 123450.
rupees=${amount%%.*}
paise=${amount#"$rupees"}; paise=${paise#.}; paise=$(printf '%-2s' "$paise" | tr ' ' 0)
[[ $rupees =~ ^[0-9]+$ && $paise =~ ^[0-9]{2}$ ]] || { echo "not an amount: $amount" >&2; exit 2; }
amount_paise=$((10#$rupees * 100 + 10#$paise))

call() { curl -sS --fail-with-body -H "Authorization: Bearer $COUNTERQR_TOKEN" "$@"; }

sale=$(call -H 'Content-Type: application/json' \
    -d "{\"amount_paise\": $amount_paise, \"bill_ref\": \"$bill\"}" "$base/v1/sales")
id=$(jq -r .sale_id <<<"$sale")
echo "sale $id: $(jq -r .status <<<"$sale")"

# Long-poll: each call returns as soon as the sale is final, or after 60 s.
status=$(jq -r .status <<<"$sale")
while [[ $status == requested || $status == showing ]]; do
    status=$(call "$base/v1/sales/$id?wait=60" | jq -r .status)
done
echo "sale $id: $status"
case $status in
    paid) exit 0 ;;
    failed) exit 3 ;;
    expired) exit 4 ;;
    *) exit 5 ;;
esac
