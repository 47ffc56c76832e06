#!/usr/bin/env bash
# The one-machine deployment of docs/deploy.md, installed, configured and run with
# the guide's own scripts and units, on this machine (`make deploy-test`):
#
#   - a repository of this tree's files (committed or not) with tags v1 and v2
#     (v2 adds a no-op migration), cloned bare as the guide's repo.git;
#   - the settings file the guide describes (a PostgreSQL database of its own,
#     Redis db 15, LC_PRODUCTION=1), read literally by scripts/lc-env;
#   - the systemd units of deploy.md, scheduled-work.md and backup.md, run by
#     tests/deploy/fake-systemctl (systemd need not be PID 1);
#   - the guide's first-release command for v1 (runtime dependencies only, code
#     owned by root, run by an unprivileged user), the `lc` function, demo data,
#     a backup started as the backup unit does, restored into a second database
#     (another Redis db) where the members are found again;
#   - a release of v2 (its migration applied) and the rollback (unapplied, the
#     pre-release backup restored), /-/health after each.
#
# Needs root (runuser), PostgreSQL on 127.0.0.1:5432 (user postgres, trust),
# Redis on 127.0.0.1:6379, npm, and uv (UV=...; the Makefile passes its own).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$REPO/tests/deploy
: "${UV:=$REPO/.tools/bin/uv}"
PGURL=${LC_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}
REDIS_DB=15
RESTORE_REDIS_DB=14
RUN_AS=${LC_TEST_USER:-nobody}
RUN_GROUP=$(id -gn "$RUN_AS")
started=$(date +%s)

step() { printf '\n--- %s (%ds)\n' "$*" $(($(date +%s) - started)); }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run me as root (the guide's commands are root's)"
[ -x "$UV" ] || UV=$(command -v uv) || fail "no uv: make install, or UV=/path/to/uv"

# The service user must be able to run the Python the releases are made with. A
# pyenv Python under /root (mode 700), as on CI's machine, it cannot: then the test
# runs in a mount namespace of its own where /root is traversable (its entries
# bound as they are), so the release still runs as an unprivileged user.
PY=$(cd "$REPO" && "$(scripts/find-python)" -c 'import sys; print(sys.executable)')
if ! runuser -u "$RUN_AS" -- "$PY" -c '' 2>/dev/null; then
    [ -z "${LC_DEPLOY_TEST_NS:-}" ] || fail "$RUN_AS cannot run $PY"
    echo "--- $RUN_AS cannot reach $PY: running in a mount namespace where /root is traversable"
    mountpoint=$(mktemp -d /tmp/lc-deploy-root.XXXXXX)
    status=0
    unshare --mount --propagation private env LC_DEPLOY_TEST_NS=1 bash -c '
        set -e
        t=$1
        shift
        mount -t tmpfs -o mode=755 tmpfs "$t"
        for entry in /root/* /root/.[!.]*; do
            [ -e "$entry" ] || continue
            if [ -d "$entry" ]; then mkdir "$t/${entry#/root/}"; else touch "$t/${entry#/root/}"; fi
            mount --rbind "$entry" "$t/${entry#/root/}"
        done
        mount --rbind "$t" /root
        exec "$0" "$@"' "$0" "$mountpoint" "$@" || status=$?
    rmdir "$mountpoint"
    exit $status
fi

WORK=$(mktemp -d /tmp/lc-deploy-test.XXXXXX)
chmod 755 "$WORK"
DB=lc_deploy_$(basename "$WORK" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')
RESTORE_DB=${DB}_restore
ROOT=$WORK/srv/learningcities
ETC=$WORK/etc/learningcities
DATA=$WORK/var/lib/learningcities
BACKUPS=$WORK/var/backups/learningcities
export FAKE_UNITS=$WORK/units FAKE_STATE=$WORK/run LC_ENV_TOOL=$REPO/scripts/lc-env
FAKE=$HERE/fake-systemctl

cleanup() {
    status=$?
    set +e
    "$FAKE" stop-all >/dev/null 2>&1
    if [ $status -ne 0 ]; then
        for log in "$FAKE_STATE"/*.log; do
            [ -e "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 30 "$log"; }
        done
    fi
    for db in "$DB" "$RESTORE_DB"; do
        psql -q "$PGURL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
    done
    redis-cli -n "$REDIS_DB" flushdb >/dev/null 2>&1
    redis-cli -n "$RESTORE_REDIS_DB" flushdb >/dev/null 2>&1
    rm -rf "$WORK"
    [ $status -eq 0 ] && echo "deploy test passed in $(($(date +%s) - started)) s" || echo "deploy test FAILED"
    exit $status
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT_A=$(free_port)
PORT_B=$(free_port)
[ "$PORT_A" != "$PORT_B" ] || PORT_B=$((PORT_A + 1))

step "scripts/lc-env reads values literally"
printf 'LC_A=p$ss&w`rd`\n# comment\nLC_B=a b\n' > "$WORK/literal.env"
got=$("$LC_ENV_TOOL" "$WORK/literal.env" sh -c 'printf "%s|%s" "$LC_A" "$LC_B"')
[ "$got" = 'p$ss&w`rd`|a b' ] || fail "lc-env read '$got'"
printf 'LC_A="quoted"\n' > "$WORK/quoted.env"
! "$LC_ENV_TOOL" "$WORK/quoted.env" true 2>/dev/null || fail "lc-env took a quoted value"

step "the guide shows scripts/release as shipped"
python3 - "$REPO/docs/deploy.md" "$REPO/scripts/release" <<'PY'
import re, sys
guide, script = open(sys.argv[1]).read(), open(sys.argv[2]).read()
blocks = re.findall(r"```bash\n(.*?)```", guide, re.S)
if script not in blocks:
    sys.exit("docs/deploy.md's release script differs from scripts/release")
PY

step "the units of the guide"
mkdir -p "$FAKE_UNITS" "$FAKE_STATE"
python3 - "$FAKE_UNITS" "$REPO"/docs/deploy.md "$REPO"/docs/scheduled-work.md "$REPO"/docs/backup.md <<'PY'
import re, sys
out = sys.argv[1]
for page in sys.argv[2:]:
    for block in re.findall(r"```ini\n(.*?)```", open(page).read(), re.S):
        for name, body in re.findall(r"^# /etc/systemd/system/(\S+)\n(.*?)(?=^# /etc/systemd/system/|\Z)", block, re.S | re.M):
            open(f"{out}/{name}", "w").write(body)
PY
# The guide's paths, user and ports, moved into the scratch folder.
sed -i -e "s|/srv/learningcities|$ROOT|g" -e "s|/etc/learningcities/env|$ETC/env|g" \
    -e "s|/var/backups/learningcities|$BACKUPS|g" -e "s|/var/lib/learningcities|$DATA|g" \
    -e "s|/var/cache/learningcities|$WORK/var/cache/learningcities|g" \
    -e "s|-o learningcities -g learningcities|-o $RUN_AS -g $RUN_GROUP|" \
    -e "s|^User=learningcities|User=$RUN_AS|" -e "s|^Group=learningcities|Group=$RUN_GROUP|" \
    "$FAKE_UNITS"/*
for unit in learningcities-web@.service learningcities-worker@.service learningcities-scheduled.service \
    learningcities-scheduled.timer learningcities-backup.service learningcities-backup.timer; do
    [ -f "$FAKE_UNITS/$unit" ] || fail "the guide has no $unit"
done
grep -q '^EnvironmentFile=' "$FAKE_UNITS/learningcities-backup.service" || fail "backup unit without settings"

step "a repository with tags v1 and v2"
SRC=$WORK/source
mkdir -p "$SRC"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard | \
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | \
    tar --null -T - -c) | tar -x -C "$SRC"
git -C "$SRC" init --quiet
git -C "$SRC" -c user.name=test -c user.email=test@example.org add -A
git -C "$SRC" -c user.name=test -c user.email=test@example.org commit --quiet -m v1
git -C "$SRC" tag v1
last=$(cd "$SRC/src/learningcities/network/migrations" && ls 0*.py | sort | tail -1)
cat > "$SRC/src/learningcities/network/migrations/9000_deploy_test.py" <<PY
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("network", "${last%.py}")]
    operations = [migrations.RunSQL("SELECT 1", "SELECT 1")]
PY
git -C "$SRC" -c user.name=test -c user.email=test@example.org add -A
git -C "$SRC" -c user.name=test -c user.email=test@example.org commit --quiet -m v2
git -C "$SRC" tag v2

step "the machine: folders, repo.git, databases, settings file"
install -d -m 755 "$ROOT" "$ETC" "$WORK/var/lib" "$WORK/var/cache" "$WORK/var/backups"
install -d -o "$RUN_AS" -g "$RUN_GROUP" -m 700 "$DATA" "$BACKUPS"
install -d -o "$RUN_AS" -g "$RUN_GROUP" -m 755 "$WORK/var/cache/learningcities"
git clone --quiet --bare "$SRC" "$ROOT/repo.git"
psql -q "$PGURL/postgres" -c "CREATE DATABASE $DB" -c "CREATE DATABASE $RESTORE_DB"
redis-cli -n "$REDIS_DB" flushdb >/dev/null
SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
cat > "$ETC/env" <<ENV
LC_PRODUCTION=1
LC_SECRET_KEY=$SECRET
LC_ALLOWED_HOSTS=cities.example.org
LC_SITE_URL=https://cities.example.org
LC_BEHIND_PROXY=1
LC_DATA_DIR=$DATA
LC_DATABASE_URL=$PGURL/$DB
LC_CACHE_URL=redis://127.0.0.1:6379/$REDIS_DB
LC_TASKS=database
LC_DEFAULT_FROM_EMAIL=network@cities.example.org
LC_TIME_ZONE=Europe/Paris
ENV
chgrp "$RUN_GROUP" "$ETC/env"
chmod 640 "$ETC/env"

# Everything the release script reads, pointed at the scratch machine.
export LC_ROOT=$ROOT LC_ENV_FILE=$ETC/env LC_USER=$RUN_AS LC_BACKUP_DIR=$BACKUPS
export LC_BUILD_CACHE=$WORK/var/cache/learningcities-build LC_WEB_PORTS="$PORT_A $PORT_B"
export LC_SYSTEMCTL=$FAKE UV
# uv's and npm's downloads are shared with this checkout's, to save time.
export UV_CACHE_DIR=${UV_CACHE_DIR:-$(cd "$REPO" && "$UV" cache dir)}

# The guide's commands, with its paths.
guide_lc() {
    python3 - "$REPO/docs/deploy.md" <<'PY' | sed -e "s|/srv/learningcities|$ROOT|g" \
        -e "s|/etc/learningcities/env|$ETC/env|g" -e "s|/var/lib/learningcities|$DATA|g" \
        -e "s|-u learningcities|-u $RUN_AS|g"
import re, sys
m = re.search(r"^(lc\(\) \(\n.*?\n\))$", open(sys.argv[1]).read(), re.S | re.M)
print(m.group(1) if m else "false")
PY
}
eval "$(guide_lc)"
declare -F lc >/dev/null || fail "no lc function in docs/deploy.md"

health() {
    local port
    for port in $LC_WEB_PORTS; do
        curl --fail --silent --max-time 5 -H 'Host: cities.example.org' "http://127.0.0.1:$port/-/health" \
            >/dev/null || fail "no /-/health on $port"
    done
}
members() { lc shell --verbosity 0 -c 'from learningcities.network.models import Membership; print(Membership.objects.count())'; }
applied() { lc showmigrations network | grep -c '\[X\] 9000_deploy_test' || true; }

step "the first release, v1, with the guide's command"
TAG=v1
git --git-dir="$ROOT/repo.git" fetch --quiet --tags origin
bash <(git --git-dir="$ROOT/repo.git" show "$TAG:scripts/release") "$TAG"
health
[ "$(readlink "$ROOT/current")" = releases/v1 ] || fail "current is not v1"
"$FAKE" is-active "learningcities-web@$PORT_A" learningcities-worker@1 learningcities-worker@2 \
    learningcities-scheduled.timer learningcities-backup.timer || fail "a unit is not running"

step "runtime dependencies only, read-only code"
for tool in pytest playwright moto schemathesis ruff; do
    [ ! -e "$ROOT/current/.venv/bin/$tool" ] || fail "$tool is installed in production"
done
[ ! -e "$ROOT/current/node_modules/axe-core" ] || fail "axe-core is installed in production"
[ -d "$ROOT/current/node_modules/leaflet" ] || fail "leaflet is missing"
[ -n "$(find "$ROOT/current/src" -name '*.mo' -print -quit)" ] || fail "no compiled translations"
[ -n "$(find "$ROOT/current/staticfiles" -type f -print -quit)" ] || fail "no collected static files"
[ -z "$(find "$ROOT/current" ! -user root -print -quit)" ] || fail "a file of the release is not root's"
! runuser -u "$RUN_AS" -- touch "$ROOT/current/src/x" 2>/dev/null || fail "the service user can write the code"
du -sh "$ROOT/current/.venv" | sed 's/^/    .venv: /'

step "operator, demo data"
DJANGO_SUPERUSER_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(20))') \
    lc createsuperuser --no-input --email operator@example.org
lc load-demo >/dev/null
before=$(members)
[ "$before" -gt 0 ] || fail "no members after load-demo"
echo "    members: $before"

step "a backup, as the timer starts it"
"$FAKE" start learningcities-backup.service
archive=$(ls -t "$BACKUPS"/learningcities-*.zip | head -1)
[ -f "$archive" ] || fail "no archive in $BACKUPS"
touch -d '20 days ago' "$BACKUPS/learningcities-2000-01-01T000000Z.zip"
"$FAKE" start learningcities-backup.service
[ ! -e "$BACKUPS/learningcities-2000-01-01T000000Z.zip" ] || fail "an old archive was kept"
archive=$(ls -t "$BACKUPS"/learningcities-*.zip | head -1)
echo "    $archive"

step "restored into a second database (Redis db $RESTORE_REDIS_DB), as docs/backup.md says"
install -d -o "$RUN_AS" -g "$RUN_GROUP" -m 700 "$WORK/var/lib/restore-test"
sed -e "s|^LC_DATABASE_URL=.*|LC_DATABASE_URL=$PGURL/$RESTORE_DB|" \
    -e "s|^LC_CACHE_URL=.*|LC_CACHE_URL=redis://127.0.0.1:6379/$RESTORE_REDIS_DB|" \
    -e "s|^LC_DATA_DIR=.*|LC_DATA_DIR=$WORK/var/lib/restore-test|" -e 's|^LC_EMAIL_URL=.*||' \
    "$ETC/env" > "$ETC/restore-test.env"
chgrp "$RUN_GROUP" "$ETC/restore-test.env" && chmod 640 "$ETC/restore-test.env"
lct() (
    cd "$WORK/var/lib/restore-test" &&
    exec runuser -u "$RUN_AS" -- "$ROOT/current/scripts/lc-env" "$ETC/restore-test.env" \
        "$ROOT/current/.venv/bin/learningcities" "$@"
)
redis-cli -n "$REDIS_DB" set lc-deploy-test-canary 1 >/dev/null
lct migrate --no-input >/dev/null
lct restore "$archive"
restored=$(lct shell --verbosity 0 -c 'from learningcities.network.models import Membership; print(Membership.objects.count())')
[ "$restored" = "$before" ] || fail "restored $restored members, expected $before"
[ "$(redis-cli -n "$REDIS_DB" exists lc-deploy-test-canary)" = 1 ] || fail "the test restore emptied the live cache"
echo "    members restored: $restored"

step "release v2 (a migration), with the guide's command"
TAG=v2
git --git-dir="$ROOT/repo.git" fetch --quiet --tags origin
bash <(git --git-dir="$ROOT/repo.git" show "$TAG:scripts/release") "$TAG"
health
[ "$(readlink "$ROOT/current")" = releases/v2 ] || fail "current is not v2"
[ "$(applied)" = 1 ] || fail "v2's migration is not applied"
ls "$BACKUPS"/learningcities-before-v2-*.zip >/dev/null || fail "no backup before the release"
"$FAKE" is-active learningcities-worker@1 learningcities-scheduled.timer || fail "workers or timers not restarted"

step "rollback to v1"
"$ROOT/current/scripts/release" rollback
health
[ "$(readlink "$ROOT/current")" = releases/v1 ] || fail "current is not v1 after the rollback"
[ "$(applied)" = 0 ] || fail "v2's migration is still applied"
[ "$(members)" = "$before" ] || fail "members after the rollback: $(members), expected $before"
"$FAKE" is-active learningcities-worker@1 learningcities-scheduled.timer || fail "workers or timers not restarted"
