#!/usr/bin/env bash
# The benchmark: backup-router beside restic and rclone, on the same seeded data and the same local
# S3 server (backup-router's serve-s3, which is S3Proxy), timed in one run with the tools
# alternating. See bench/README.md.
#   bench/run.sh [--scale full|small|many] [--files N] [--reps N] [--only backup-router] [--profile DIR]
# --scale many: N small files (default 100,000, ~400 MB): first backup, nothing changed, one file
# changed, restore and one file's restore, against restic.
# --only backup-router skips the peers (for trying a change; the results file then has no ratios).
# --profile DIR records each backup-router run with Java Flight Recorder into DIR/<scenario>-<rep>.jfr.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=full
REPS=3
ONLY=""
PROFILE=""
MANY_FILES=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --files) MANY_FILES=$2; shift 2 ;;
    --profile) PROFILE=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    *) echo "usage: bench/run.sh [--scale full|small|many] [--files N] [--reps N] [--only backup-router] [--profile DIR]" >&2; exit 2 ;;
  esac
done

# Everything the run writes (data, servers' storage, restores, the fetched restic) is in here.
W=$(mktemp -d /tmp/backup-router-bench.XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT
mkdir -p "$W/bin"
export PATH="$W/bin:$PATH"

# --- What it needs -------------------------------------------------------------------------
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
apt_install() { # apt_install PACKAGE...: Debian packages of the system's own release
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "$@" >/dev/null
}

# The mirror the machine's apt sources name for its own release (one-line .list or deb822 .sources
# files): the newest restic is fetched from there, no other host.
debian_mirror() {
  local codename file
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && cat "$file" && echo
  done | awk -v release="$codename" '
    /^[[:space:]]*deb[[:space:]]/ { sub(/\[[^]]*\][[:space:]]*/, ""); if ($3 == release) { print $2; exit } }
    /^URIs:/ { uris = $2 }
    /^Suites:/ { suites = " " $0 " " }
    /^[[:space:]]*$/ { if (uris != "" && index(suites, " " release " ")) { print uris; exit } uris = ""; suites = "" }'
}

# Debian trixie's restic (0.18, the newest Debian ships), downloaded and unpacked into $W/trixie
# through a private sources list, lists and cache: the system's apt sources and state stay as they
# are. Fails (and the system's restic is used) when the mirror or the package cannot be reached.
fetch_trixie_restic() {
  local dir=$W/trixie mirror
  mirror=$(debian_mirror)
  if [ -z "$mirror" ]; then echo "no Debian mirror in /etc/apt/sources.list(.d)" >&2; return 1; fi
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/root"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$dir/sources.list"
  # Sandbox user: the scratch folder is private to this user, whom apt would otherwise leave for _apt.
  local apt=(apt-get -qq -o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o Acquire::Languages=none
    -o APT::Sandbox::User="$(id -un)" -o Acquire::http::Timeout=30 -o Acquire::Retries=1)
  timeout 600 "${apt[@]}" update > /dev/null &&
    (cd "$dir" && timeout 600 "${apt[@]}" download restic > /dev/null) &&
    dpkg-deb -x "$dir"/restic_*.deb "$dir/root" &&
    "$dir/root/usr/bin/restic" version > /dev/null
}

need=()
command -v rclone > /dev/null || need+=(rclone)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
# The restic the run measures is $W/bin/restic (first on the PATH), and RESTIC_FROM says which it is.
if fetch_trixie_restic; then
  ln -s "$W/trixie/root/usr/bin/restic" "$W/bin/restic"
  RESTIC_FROM="Debian trixie's package, fetched by the bench"
else
  echo "Could not fetch trixie's restic: the system's restic is measured instead." >&2
  command -v restic > /dev/null || apt_install restic
  ln -s "$(command -v restic)" "$W/bin/restic"
  RESTIC_FROM="the system's package: fetching trixie's failed"
fi
echo "Measuring $(restic version | head -1) ($RESTIC_FROM)"
[ -f target/backup-router.jar ] || mvn -B -q package -DskipTests
JAR=$PWD/target/backup-router.jar
LAUNCHER=$PWD/bin/backup-router

DATA=$W/data
echo "Generating the $SCALE data set in $DATA ..."
python3 bench/gen_data.py --out "$DATA" --scale "$SCALE" --files "$MANY_FILES"
SIZE=$(du -sh "$DATA" | cut -f1); FILES=$(find "$DATA" -type f | wc -l)

# --- Two local S3 servers (the second one for mirroring) ------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT_A=$(free_port); PORT_B=$(free_port)
java -Xmx1g -jar "$JAR" serve-s3 --dir "$W/s3a" --port "$PORT_A" --bucket bench > "$W/s3a.log" 2>&1 &
SERVER_A=$!
java -Xmx1g -jar "$JAR" serve-s3 --dir "$W/s3b" --port "$PORT_B" --bucket bench > "$W/s3b.log" 2>&1 &
for log in "$W/s3a.log" "$W/s3b.log"; do
  for _ in $(seq 1 120); do grep -q "Press Ctrl-C" "$log" && break; sleep 0.5; done
done
# What server A has written, in bytes (the kernel counts every write(): responses with their
# headers, and the objects it stores): during a restore, what the tool fetched, whatever it says.
server_a_sent() { awk '$1 == "wchar:" { print $2 }' "/proc/$SERVER_A/io"; }
# A CA bundle setting makes rclone refuse plain-http endpoints ("LoadCustomCABundleError").
unset AWS_CA_BUNDLE
AWS_ACCESS_KEY_ID=$(cat "$W/s3a/access-key"); AWS_SECRET_ACCESS_KEY=$(cat "$W/s3a/secret-key")
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
KEY_B=$(cat "$W/s3b/access-key"); SECRET_B=$(cat "$W/s3b/secret-key")

# --- backup-router: settings and the job, as a user writes them -----------------------------
H=$W/router; mkdir -p "$H/config" "$H/routes"
java -jar "$JAR" keygen -o "$H/config/identity.txt" > "$W/keygen.txt"
RECIPIENT=$(tail -1 "$W/keygen.txt")
cat > "$H/config/application.properties" <<PROPS
backup.targets.a.provider = other
backup.targets.a.endpoint = http://127.0.0.1:$PORT_A
backup.targets.a.bucket = bench
backup.targets.a.root-path = router
backup.targets.a.access-key = {{env:AWS_ACCESS_KEY_ID}}
backup.targets.a.secret-key = {{env:AWS_SECRET_ACCESS_KEY}}
backup.targets.b.provider = other
backup.targets.b.endpoint = http://127.0.0.1:$PORT_B
backup.targets.b.bucket = bench
backup.targets.b.root-path = router
backup.targets.b.access-key = {{env:BENCH_B_KEY}}
backup.targets.b.secret-key = {{env:BENCH_B_SECRET}}
PROPS
cat > "$H/routes/bench.camel.yaml" <<ROUTE
- route:
    from:
      uri: direct:bench
      steps:
        - to:
            uri: kamelet:backup-run
            parameters:
              job: bench
              source: $DATA
              targets: a
              recipients: $RECIPIENT
              identity: $H/config/identity.txt
- route:
    from:
      uri: direct:mirror
      steps:
        - to:
            uri: kamelet:mirror-run
            parameters:
              mirror: bench-mirror
              from: a
              fromPrefix: bench/
              to: b
ROUTE
export BENCH_B_KEY=$KEY_B BENCH_B_SECRET=$SECRET_B
# Each repetition starts from empty storage: its own root paths, repositories and prefixes.
# Through the launcher, as the README runs it (capped heap, serial GC, class-data-sharing archive).
# Its output goes to $W/router-out.txt (the last run's): a restore's summary says what it fetched.
cat > "$W/bin/router" <<SCRIPT
#!/bin/sh
cd "$H" && BACKUP_ROUTER_JAR="$JAR" BACKUP_ROUTER_CDS_DIR="$W/cds" \\
  JAVA_OPTS="-Dbackup.embedded-s3.enabled=false -Dbackup.targets.a.root-path=router-\$rep -Dbackup.targets.b.root-path=router-\$rep \${JFR:-}" \\
  exec "$LAUNCHER" "\$@" > "$W/router-out.txt"
SCRIPT
chmod +x "$W/bin/router"
router() { "$W/bin/router" "$@"; }
# A user's first run writes the launcher's class-data archive (about a second more, once): done here,
# outside the measurements, by a run that loads what the commands load (settings, S3 client, manifests).
(export rep=warmup; router snapshots bench)

# --- restic and rclone, on the same server -------------------------------------------------
export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR=$W/restic-cache
export RCLONE_CONFIG_A_TYPE=s3 RCLONE_CONFIG_A_PROVIDER=Other RCLONE_CONFIG_A_ENDPOINT="http://127.0.0.1:$PORT_A"
export RCLONE_CONFIG_A_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_A_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
export RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other RCLONE_CONFIG_B_ENDPOINT="http://127.0.0.1:$PORT_B"
export RCLONE_CONFIG_B_ACCESS_KEY_ID=$KEY_B RCLONE_CONFIG_B_SECRET_ACCESS_KEY=$SECRET_B
export RCLONE_CONFIG_ACRYPT_TYPE=crypt
RCLONE_CONFIG_ACRYPT_PASSWORD=$(rclone obscure bench)
export RCLONE_CONFIG_ACRYPT_PASSWORD

# The servers are long-running services in real use, and S3Proxy runs on the JVM: the first tool
# measured against a cold server paid for compiling its PUT, multipart and GET paths (the first
# mirror took twice as long as the others). Move some data through both servers first, unmeasured.
echo "Warming the servers up ..."
WARM=$DATA/media; [ -d "$WARM" ] || WARM=$DATA/notes/p00 # the many-files set has no media/
rclone copy -q --s3-upload-cutoff 5M --s3-chunk-size 5M "$WARM" a:bench/warmup
rclone copy -q --s3-upload-cutoff 5M --s3-chunk-size 5M a:bench/warmup b:bench/warmup
rclone copy -q b:bench/warmup "$W/warmup"
rclone purge -q a:bench/warmup; rclone purge -q b:bench/warmup; rm -rf "$W/warmup"

RESULTS=$W/results.csv
# measure SCENARIO TOOL REP command...: one timed run, appended to $RESULTS as
# scenario,tool,rep,wall seconds,peak RSS KiB,fetched (backup-router's own count, e.g. "180 KiB"),
# bytes server A sent during the run, bytes server A's storage grew by (what a backup uploaded).
measure() {
  local scenario=$1 tool=$2 n=$3; shift 3
  if [ -n "$ONLY" ] && [ "$tool" != "$ONLY" ]; then return 0; fi
  if [ -n "$PROFILE" ]; then export JFR="-XX:StartFlightRecording=filename=$PROFILE/$scenario-$n.jfr,settings=profile"; fi
  # Untimed: the previous run's written data (a restored tree, the server's copy of a backup) is
  # flushed now, not by the kernel in the middle of the next tool's run.
  sync
  : > "$W/router-out.txt"
  local sent_before stored_before; sent_before=$(server_a_sent); stored_before=$(du -sb "$W/s3a" | cut -f1)
  # No run may hang the bench: an hour is far more than any scenario takes at full scale.
  if ! timeout 3600 /usr/bin/time -f "%e %M" -o "$W/time.txt" "$@"; then
    echo "$scenario / $tool failed: $*" >&2
    exit 1
  fi
  local sent=$(( $(server_a_sent) - sent_before )) fetched="" wall rss stored
  stored=$(( $(du -sb "$W/s3a" | cut -f1) - stored_before ))
  # backup-router's restore summary: "..., 1.2 MiB verified, 180 KiB fetched; 0.9 s".
  if [ "$tool" = backup-router ]; then
    fetched=$(grep -oE '[0-9.]+ [KMGT]?i?B fetched' "$W/router-out.txt" | tail -1 | sed 's/ fetched//' || true)
  fi
  read -r wall rss < "$W/time.txt"
  echo "$scenario,$tool,$n,$wall,$rss,$fetched,$sent,$stored" >> "$RESULTS"
  echo "  $scenario / $tool #$n: ${wall} s, $((rss / 1024)) MiB${fetched:+, fetched $fetched}, server A sent $((sent / 1024)) KiB, stored $((stored / 1024)) KiB"
}

# restore_one SCENARIO REP PATH: one file (PATH, relative to the data set) of the latest snapshot,
# restored by each tool into a new folder and compared with the original.
restore_one() {
  local scenario=$1 n=$2 path=$3 into=$W/restored-$2/$1
  measure "$scenario" backup-router "$n" router restore bench --to "$into/router" --include "$path"
  measure "$scenario" restic "$n" restic restore -q latest --target "$into/restic" --include "$DATA/$path"
  check_one_file "$into/router" "$into/router/$path" "$DATA/$path"
  check_one_file "$into/restic" "$into/restic$DATA/$path" "$DATA/$path"
}

# check_one_file DIR FILE ORIGINAL: DIR holds FILE, the same as ORIGINAL, and no other file (a tool
# that restored everything would look slow, one that restored nothing fast).
check_one_file() {
  [ -d "$1" ] || return 0 # that tool was not measured (--only)
  if [ "$(find "$1" -type f)" != "$2" ] || ! cmp -s "$2" "$3"; then
    echo "  $1 does not hold just ${3#"$DATA"/}, as it was backed up:" >&2; find "$1" -type f | head >&2; exit 1
  fi
}

# The scale scenario: many small files, against restic.
many_repetition() {
  rm -rf "${H:?}/var"
  export RESTIC_REPOSITORY="s3:http://127.0.0.1:$PORT_A/bench/restic-$rep"
  restic init -q
  measure first-backup backup-router "$rep" router backup bench
  measure first-backup restic "$rep" restic backup -q "$DATA"
  measure no-change backup-router "$rep" router backup bench
  measure no-change restic "$rep" restic backup -q "$DATA"
  # One file of the tree changed.
  echo "edit $rep" >> "$DATA/notes/p07/q11/n0000557.md"
  measure one-file backup-router "$rep" router backup bench
  measure one-file restic "$rep" restic backup -q "$DATA"
  measure restore backup-router "$rep" router restore bench --to "$W/restored-$rep/router"
  measure restore restic "$rep" restic restore -q latest --target "$W/restored-$rep/restic"
  SMALL=notes/p07/q11/n0000557.md
  restore_one restore-one-small "$rep" "$SMALL"
  if diff -r "$DATA" "$W/restored-$rep/router" > /dev/null; then
    echo "  backup-router restore: identical"
  else
    echo "  backup-router restore DIFFERS" >&2; exit 1
  fi
}

for rep in $(seq 1 "$REPS"); do
  export rep
  echo "Repetition $rep of $REPS"
  if [ "$SCALE" = many ]; then many_repetition; continue; fi
  # First full backup, each tool into empty storage.
  rm -rf "${H:?}/var"
  export RESTIC_REPOSITORY="s3:http://127.0.0.1:$PORT_A/bench/restic-$rep" RCLONE_CONFIG_ACRYPT_REMOTE="a:bench/rclone-crypt-$rep"
  restic init -q
  measure first-backup backup-router "$rep" router backup bench
  measure first-backup restic "$rep" restic backup -q "$DATA"
  measure first-backup rclone "$rep" rclone sync "$DATA" "a:bench/rclone-$rep"
  measure first-backup rclone-crypt "$rep" rclone sync "$DATA" acrypt:
  # Nothing changed.
  measure no-change backup-router "$rep" router backup bench
  measure no-change restic "$rep" restic backup -q "$DATA"
  measure no-change rclone "$rep" rclone sync "$DATA" "a:bench/rclone-$rep"
  measure no-change rclone-crypt "$rep" rclone sync "$DATA" acrypt:
  # About 1 % changed.
  python3 bench/change_data.py "$DATA" "$rep"
  measure one-percent backup-router "$rep" router backup bench
  measure one-percent restic "$rep" restic backup -q "$DATA"
  measure one-percent rclone "$rep" rclone sync "$DATA" "a:bench/rclone-$rep"
  measure one-percent rclone-crypt "$rep" rclone sync "$DATA" acrypt:
  # Restore of the latest snapshot into an empty folder.
  # Into new folders, kept until the end: a tree deleted just before makes ext4 (without a journal,
  # as here) look past each recently freed inode for every new file, which timed the file system.
  measure restore backup-router "$rep" router restore bench --to "$W/restored-$rep/router"
  measure restore restic "$rep" restic restore -q latest --target "$W/restored-$rep/restic"
  # One file of the latest snapshot: a small note (9-12 KiB, the first by name) and a large text
  # file (1-10 MB, the first log of media/), picked from the data set as the snapshot holds it.
  SMALL=$(cd "$DATA" && find notes -type f -name '*.md' -size +8k -size -13k | sort | head -1)
  LARGE=$(cd "$DATA" && find media -type f -name 'log*.txt' | sort | head -1)
  restore_one restore-one-small "$rep" "$SMALL"
  restore_one restore-one-large "$rep" "$LARGE"
  # Bucket to bucket, between the two servers.
  measure mirror backup-router "$rep" router mirror bench-mirror
  measure mirror rclone "$rep" rclone sync "a:bench/router-$rep/bench" "b:bench/rclone-mirror-$rep"
  # Sanity: every tool stored what it should (a tool that did nothing would look fast).
  for remote in "a:bench/router-$rep/bench" "a:bench/rclone-$rep" "b:bench/router-$rep/bench" "b:bench/rclone-mirror-$rep"; do
    echo "  stored in $remote: $(rclone size --json "$remote" 2>/dev/null)"
  done
  if diff -r "$DATA" "$W/restored-$rep/router" > /dev/null; then
    echo "  backup-router restore: identical"
  else
    echo "  backup-router restore DIFFERS" >&2; exit 1
  fi
done

# A file larger than the heap: one 4 GiB file, at the launcher's 160 MiB heap (full scale only).
if [ "$SCALE" = full ]; then
  mkdir -p "$W/huge"; head -c 4G /dev/urandom > "$W/huge/video.bin"
  sed -i "s|source: $DATA|source: $W/huge|" "$H/routes/bench.camel.yaml"; rm -rf "${H:?}/var"
  # The launcher's heap (160 MiB) is far smaller than the file.
  export rep=huge
  measure huge-file backup-router 1 router backup bench
fi

# Never over an earlier result: a second run on the same day gets -2, -3...
OUT=bench/results/$(date -u +%Y-%m-%d)-$(nproc)cpu-$SCALE${ONLY:+-only-$ONLY}
if [ -e "$OUT.md" ]; then
  n=2; while [ -e "$OUT-$n.md" ]; do n=$((n + 1)); done
  OUT=$OUT-$n
fi
OUT=$OUT.md
python3 bench/report.py "$RESULTS" "$SCALE" "$SIZE" "$FILES" \
  "$(java -version 2>&1 | head -1)" "$(restic version | head -1) ($RESTIC_FROM)" "$(rclone version | head -1)" \
  "restore-one-small restores $SMALL ($(stat -c %s "$DATA/$SMALL") bytes)${LARGE:+, restore-one-large $LARGE ($(stat -c %s "$DATA/$LARGE") bytes)}." \
  > "$OUT"
cat "$OUT"
echo "Written to $OUT"
