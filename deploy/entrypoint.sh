#!/bin/sh
# The image's entry script: one role per container.
#
#   init           once per deployment, before the others: secrets (when none are
#                  given), migrations, the cache table and the schedules — all
#                  idempotent, so running it again (every `docker compose up`) is safe
#   web            the production web server (waitress + WhiteNoise)
#   worker         a django-q2 cluster; run as many as the work needs, on any machine
#   watchdog       alerts the operators when the scheduler stops ticking
#   sandbox        the simulated ad platforms, for trying Spectra without real accounts
#   demo-seed      the demo organization on that sandbox (logins printed)
#   collectstatic  gathers static files under hashed names (the image build runs it)
#   anything else  run as a command, e.g. `python manage.py createsuperuser`
set -eu
cd "$(dirname "$0")/.."

manage() { python manage.py "$@"; }

# Without SECRET_KEY and SPECTRA_CREDENTIALS_KEY in the environment, `init` makes
# random ones once, in a file on the shared volume, and every role reads them from
# there: `docker compose up` works with no configuration. Give real deployments their
# own keys (a secret store); the credentials key must survive, or stored platform
# credentials become unreadable.
SECRETS_FILE=${SPECTRA_SECRETS_FILE:-/var/lib/spectra/secrets.env}

make_secrets() {
    if [ -n "${SECRET_KEY:-}" ] && [ -n "${SPECTRA_CREDENTIALS_KEY:-}" ]; then
        return
    fi
    if [ ! -s "$SECRETS_FILE" ]; then
        mkdir -p "$(dirname "$SECRETS_FILE")"
        umask 077
        python - "$SECRETS_FILE" <<'PY'
import secrets, sys
from cryptography.fernet import Fernet
with open(sys.argv[1], "x") as f:
    f.write(f"SECRET_KEY={secrets.token_urlsafe(50)}\n")
    f.write(f"SPECTRA_CREDENTIALS_KEY={Fernet.generate_key().decode()}\n")
PY
        echo "init: made SECRET_KEY and SPECTRA_CREDENTIALS_KEY in $SECRETS_FILE"
    fi
}

read_secrets() {
    if [ -s "$SECRETS_FILE" ]; then
        while IFS= read -r line; do
            name=${line%%=*}
            value=${line#*=}
            case "$name" in
                SECRET_KEY | SPECTRA_CREDENTIALS_KEY)
                    # A key given in the environment wins over the file.
                    if [ -z "$(printenv "$name" || true)" ]; then export "$name=$value"; fi ;;
            esac
        done < "$SECRETS_FILE"
    fi
}

role=${1:-web}
[ "$#" -gt 0 ] && shift
case "$role" in
    init)
        make_secrets
        read_secrets
        manage migrate --noinput
        manage createcachetable
        manage install_schedules
        ;;
    web)
        read_secrets
        exec python manage.py serve "$@"
        ;;
    worker)
        read_secrets
        exec python manage.py qcluster "$@"
        ;;
    watchdog)
        read_secrets
        exec python manage.py watchdog --every "${SPECTRA_WATCHDOG_EVERY_S:-60}" "$@"
        ;;
    sandbox)
        exec python manage.py sandbox serve --host 0.0.0.0 --port 8765 \
            --state /var/lib/spectra/sandbox.json "$@"
        ;;
    demo-seed)
        read_secrets
        exec python manage.py demo --no-serve --sandbox-url "${SANDBOX_URL:-http://sandbox:8765/}" "$@"
        ;;
    collectstatic)
        # Build time has no secrets: throw-away ones satisfy production's start-up checks.
        if [ -z "${SECRET_KEY:-}" ]; then
            SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')
            SPECTRA_CREDENTIALS_KEY=$(python -c \
                'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
            export SECRET_KEY SPECTRA_CREDENTIALS_KEY
        fi
        exec python manage.py collectstatic --noinput "$@"
        ;;
    *)
        read_secrets
        exec "$role" "$@"
        ;;
esac
