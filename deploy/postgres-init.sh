#!/bin/sh
# Create one database per component (staff accounts and each service), owned by the app's user.
# The postgres image runs this once, when its data volume is empty.
set -eu
for db in accounts registration feedback memo notify; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
done
