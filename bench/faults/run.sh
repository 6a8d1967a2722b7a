#!/usr/bin/env bash
# The fault campaigns at full scale (crash: 20 kills, outage, corruption, hostile input, secrets),
# then their summary table, printed and written to bench/results/<date>-<cores>cpu-faults.md.
#
#   bench/faults/run.sh                 # full scale, seed 20261122
#   bench/faults/run.sh --seed 7        # other kill moments
#   bench/faults/run.sh --fast          # the subset that also runs in every `mvn verify`
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=full
SEED=20261122
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) SCALE=fast ;;
    --seed) SEED="$2"; shift ;;
    *) echo "unknown option $1 (use --fast, --seed N)" >&2; exit 2 ;;
  esac
  shift
done
if ! command -v age >/dev/null || ! command -v unzip >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq age unzip
fi

REV="$(git describe --always --dirty 2>/dev/null || echo '?')"   # before this run writes its results file
rm -rf target/faults
mkdir -p target
STATUS=0
mvn -B verify -Dfaults.scale="$SCALE" -Dfaults.seed="$SEED" -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='*CampaignIT' > target/faults-mvn.log 2>&1 || STATUS=$?

OUT="bench/results/$(date -u +%F)-$(nproc)cpu-faults-$SCALE.md"
{
  echo "# Fault campaigns, $(date -u +%F), $SCALE scale, seed $SEED"
  echo
  echo "$(nproc) cores; $(java -version 2>&1 | head -1); backup-router $REV."
  echo "Command: \`bench/faults/run.sh$([ "$SCALE" = fast ] && echo ' --fast')\`. Secrets scanned: the S3 secret keys"
  echo "(right and wrong ones), the age identity; in every command's output, log and result file."
  echo
  echo "| campaign | cases | passed | data lost (files) | secrets | notes |"
  echo "|---|---|---|---|---|---|"
  for row in target/faults/*.tsv; do
    [ -e "$row" ] || continue
    awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$row"
  done
} > "$OUT"
cat "$OUT"
if [ "$STATUS" -ne 0 ]; then
  echo "A campaign failed: see target/faults-mvn.log and target/failsafe-reports/." >&2
  grep -E "campaign: .* cases failed" -A20 target/faults-mvn.log | head -60 >&2 || true
fi
exit "$STATUS"
